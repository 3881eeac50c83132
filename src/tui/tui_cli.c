/* tui_cli.c - small helpers the command line uses for the view's options
 * (no curses). */
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "tui/tui.h"

bool tui_lang_zh_from_env(void) {
    /* the first of these that is set decides, as for gettext */
    static const char *const vars[] = {"LC_ALL", "LC_MESSAGES", "LANG"};
    for (size_t i = 0; i < 3; i++) {
        const char *v = getenv(vars[i]);
        if (v && *v) return strncmp(v, "zh", 2) == 0;
    }
    return false;
}

int tui_theme_parse(const char *name) {
    if (strcmp(name, "default") == 0) return TUI_THEME_DEFAULT;
    if (strcmp(name, "monochrome") == 0 || strcmp(name, "mono") == 0) return TUI_THEME_MONOCHROME;
    if (strcmp(name, "high-contrast") == 0 || strcmp(name, "contrast") == 0) return TUI_THEME_HIGH_CONTRAST;
    return -1;
}

bool tui_speed_parse(const char *s, double *out) {
    if (strcasecmp(s, "max") == 0) {
        *out = INFINITY;
        return true;
    }
    if (*s == 'x' || *s == 'X') s++;
    char *end;
    double v = strtod(s, &end);
    if (end == s || *end || !(v > 0) || v > 1e6) return false;
    *out = v;
    return true;
}

bool tui_have_terminal(void) { return isatty(STDIN_FILENO) && isatty(STDOUT_FILENO); }
