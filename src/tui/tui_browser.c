/* tui_browser.c - 'concviz' alone: a list of the built-in scenarios (title
 * and summary; Enter plays one, q quits), and 'concviz list', the same
 * list as text. The scenarios are embedded in the binary (builtin.h), so
 * both work from any directory. */
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lang/xalloc.h"
#include "scenario/builtin.h"
#include "scenario/scenario.h"
#include "tui/tui_app.h"
#include "tui/tui_screen.h"
#include "tui/tui_session.h"
#include "tui/tui_term.h"
#include "tui/tui_text.h"
#include "tui/tui_theme.h"

#define A(role) tui_theme_attr(ROLE_##role)

typedef struct tui_entry {
    const char *name;
    char *title, *summary;
} tui_entry;

/* Loads every built-in's title and summary (in Chinese when asked and
 * present). */
static tui_entry *tui_entries(bool zh, size_t *n) {
    *n = scenario_builtin_count();
    tui_entry *e = xcalloc(*n ? *n : 1, sizeof *e);
    for (size_t i = 0; i < *n; i++) {
        const unsigned char *data;
        size_t len;
        scenario_builtin_get(i, &e[i].name, &data, &len);
        scenario sc;
        scenario_diag d;
        scenario_diag_init(&d);
        char file[256];
        snprintf(file, sizeof file, "%s.yaml", e[i].name);
        scenario_load_mem(file, (const char *)data, len, &sc, &d);
        const char *title = zh && sc.title_zh ? sc.title_zh : sc.title;
        const char *summary = zh && sc.summary_zh ? sc.summary_zh : sc.summary;
        e[i].title = xstrdup(title ? title : e[i].name);
        e[i].summary = xstrdup(summary ? summary : "");
        scenario_free(&sc);
        scenario_diag_fini(&d);
    }
    return e;
}

static void tui_entries_free(tui_entry *e, size_t n) {
    for (size_t i = 0; i < n; i++) {
        free(e[i].title);
        free(e[i].summary);
    }
    free(e);
}

void tui_list(FILE *out, bool zh) {
    size_t n;
    tui_entry *e = tui_entries(zh, &n);
    int w = 0;
    for (size_t i = 0; i < n; i++)
        if ((int)strlen(e[i].name) > w) w = (int)strlen(e[i].name);
    for (size_t i = 0; i < n; i++) {
        fprintf(out, "%-*s  %s\n", w, e[i].name, e[i].title);
        if (e[i].summary[0]) {
            /* one summary line, indented under the title */
            fprintf(out, "%-*s  ", w, "");
            for (const char *p = e[i].summary; *p; p++) fputc(*p == '\n' ? ' ' : *p, out);
            fputc('\n', out);
        }
    }
    tui_entries_free(e, n);
}

static void tui_browser_draw(const tui_entry *e, size_t n, size_t sel, int top, const char *message) {
    erase();
    bool ascii = tui_screen_ascii();
    tui_fill(0, 0, COLS, A(HEADER));
    tui_puts(0, 1, COLS - 2, "concviz · built-in scenarios", A(HEADER));
    if (ascii) tui_puts(0, 1, COLS - 2, "concviz - built-in scenarios", A(HEADER));
    int list_h = LINES - 8;
    if (list_h < 1) list_h = 1;
    int name_w = 0;
    for (size_t i = 0; i < n; i++)
        if ((int)strlen(e[i].name) > name_w) name_w = (int)strlen(e[i].name);
    for (int row = 0; row < list_h && (size_t)(top + row) < n; row++) {
        size_t i = (size_t)(top + row);
        int y = 2 + row;
        attr_t at = i == sel ? A(SELECTED) : A(NORMAL);
        if (i == sel) tui_fill(y, 0, COLS, at);
        tui_putf(y, 2, name_w + 2, i == sel ? at : A(DIM), "%s", e[i].name);
        tui_put_ellipsized(y, name_w + 5, COLS - name_w - 6, e[i].title, strlen(e[i].title), at | A_BOLD);
    }
    if (n == 0) tui_puts(2, 2, COLS - 4, "(no built-in scenarios in this build)", A(DIM));
    /* the selected scenario's summary, wrapped */
    int y = LINES - 5;
    if (n > 0 && y > 2) {
        const char *s = e[sel].summary;
        size_t len = strlen(s), at = 0;
        for (int row = 0; row < 3 && at < len; row++) {
            size_t next, k = tui_text_wrap(s + at, len - at, COLS - 4, ascii, &next);
            tui_put(y + row, 2, COLS - 4, s + at, k, A(CAPTION));
            at += next;
        }
    }
    if (message) tui_put_ellipsized(LINES - 2, 2, COLS - 4, message, strlen(message), A(STDERR));
    tui_fill(LINES - 1, 0, COLS, A(KEY_DESC));
    tui_puts(LINES - 1, 1, COLS - 2, ascii ? "up/down select   Enter play   q quit" : "↑/↓ select   Enter play   q quit",
             A(KEY_DESC));
}

int tui_browse(const tui_options *opts) {
    size_t n;
    tui_entry *e = tui_entries(opts->zh, &n);
    int rc = tui_term_start(opts->theme);
    if (rc != 0) {
        tui_entries_free(e, n);
        return rc;
    }
    size_t sel = 0;
    int top = 0;
    strbuf msg;
    sb_init(&msg);
    int status = 0;
    for (;;) {
        if (tui_term_signal()) {
            status = 128 + tui_term_signal();
            break;
        }
        int list_h = LINES - 8 > 0 ? LINES - 8 : 1;
        if ((int)sel < top) top = (int)sel;
        if ((int)sel >= top + list_h) top = (int)sel - list_h + 1;
        tui_browser_draw(e, n, sel, top, msg.len ? msg.data : NULL);
        wnoutrefresh(stdscr);
        doupdate();
        wtimeout(stdscr, 250);
        wint_t ch;
        int r = wget_wch(stdscr, &ch);
        if (r == ERR) continue;
        bool fn = r == KEY_CODE_YES;
        if ((!fn && (ch == 'q' || ch == 'Q' || ch == 27))) break;
        if ((fn && ch == KEY_UP) || (!fn && ch == 'k')) {
            if (sel > 0) sel--;
        } else if ((fn && ch == KEY_DOWN) || (!fn && ch == 'j')) {
            if (sel + 1 < n) sel++;
        } else if (n > 0 && ((fn && ch == KEY_ENTER) || (!fn && (ch == '\n' || ch == '\r' || ch == ' ')))) {
            sb_clear(&msg);
            tui_puts(LINES - 2, 2, COLS - 4, "running the simulation...", A(DIM));
            wnoutrefresh(stdscr);
            doupdate();
            tui_session s;
            strbuf err;
            sb_init(&err);
            if (tui_session_open_scenario(&s, e[sel].name, opts, &err) != 0) {
                char *nl = err.data ? strchr(err.data, '\n') : NULL;
                if (nl) *nl = '\0';
                sb_puts(&msg, err.data ? err.data : "cannot load the scenario");
            } else {
                status = tui_app_play_session(&s);
                tui_session_free(&s);
                if (status) {
                    sb_free(&err);
                    break;
                }
            }
            sb_free(&err);
        }
    }
    sb_free(&msg);
    tui_term_stop();
    tui_entries_free(e, n);
    return status;
}
