/* tui_theme.c - the theme matrix (see tui_theme.h). Only the 8 basic
 * colours plus bold/reverse/underline are used, so the screen reads the
 * same on an 8-colour console, a 256-colour terminal and a projector. */
#include "tui/tui_theme.h"

#include <stdlib.h>

#include "trace/trace.h"

typedef struct tui_look {
    short fg, bg;   /* -1: the terminal's default */
    attr_t attr;
} tui_look;

#define D (-1)
#define B A_BOLD
#define R A_REVERSE
#define U A_UNDERLINE

/* Index: [theme][role]. Theme 0 = default, 1 = monochrome, 2 = high contrast. */
static const tui_look tui_looks[3][ROLE_COUNT] = {
    {
        [ROLE_NORMAL] = {D, D, 0},
        [ROLE_HEADER] = {COLOR_WHITE, COLOR_BLUE, B},
        [ROLE_TITLE] = {COLOR_CYAN, D, B},
        [ROLE_BORDER] = {COLOR_BLUE, D, 0},
        [ROLE_DIM] = {D, D, A_DIM},
        [ROLE_NEW] = {D, D, A_DIM},
        [ROLE_READY] = {COLOR_YELLOW, D, 0},
        [ROLE_GIL_WAIT] = {COLOR_YELLOW, D, B},
        [ROLE_RUNNING] = {COLOR_GREEN, D, B},
        [ROLE_BLOCKED] = {COLOR_RED, D, B},
        [ROLE_SLEEPING] = {COLOR_BLUE, D, B},
        [ROLE_FINISHED] = {D, D, A_DIM},
        [ROLE_SELECTED] = {D, D, R},
        [ROLE_FOCUS] = {COLOR_YELLOW, D, B},
        [ROLE_CURRENT_LINE] = {COLOR_BLACK, COLOR_CYAN, 0},
        [ROLE_BREAKPOINT] = {COLOR_RED, D, B},
        [ROLE_CAPTION] = {COLOR_YELLOW, D, B},
        [ROLE_STATUS] = {D, D, 0},
        [ROLE_KEY] = {COLOR_BLACK, COLOR_CYAN, 0},
        [ROLE_KEY_DESC] = {D, D, 0},
        [ROLE_STDERR] = {COLOR_RED, D, 0},
        [ROLE_DEADLOCK] = {COLOR_WHITE, COLOR_RED, B},
        [ROLE_POPUP] = {D, D, 0},
        [ROLE_HELD] = {COLOR_RED, D, B},
        [ROLE_FREE] = {COLOR_GREEN, D, 0},
        [ROLE_ITEM] = {COLOR_CYAN, D, 0},
        [ROLE_CHANGED] = {D, D, B | U},
        [ROLE_PLAYING] = {COLOR_GREEN, COLOR_BLUE, B},
        [ROLE_PAUSED] = {COLOR_YELLOW, COLOR_BLUE, B},
        [ROLE_PROC0] = {COLOR_CYAN, D, B},
        [ROLE_PROC1] = {COLOR_MAGENTA, D, B},
        [ROLE_PROC2] = {COLOR_GREEN, D, 0},
        [ROLE_PROC3] = {COLOR_YELLOW, D, 0},
        [ROLE_PROC4] = {COLOR_BLUE, D, B},
        [ROLE_PROC5] = {COLOR_RED, D, 0},
    },
    {
        [ROLE_NORMAL] = {D, D, 0},
        [ROLE_HEADER] = {D, D, R},
        [ROLE_TITLE] = {D, D, B},
        [ROLE_BORDER] = {D, D, 0},
        [ROLE_DIM] = {D, D, A_DIM},
        [ROLE_NEW] = {D, D, A_DIM},
        [ROLE_READY] = {D, D, 0},
        [ROLE_GIL_WAIT] = {D, D, 0},
        [ROLE_RUNNING] = {D, D, B},
        [ROLE_BLOCKED] = {D, D, B | U},
        [ROLE_SLEEPING] = {D, D, 0},
        [ROLE_FINISHED] = {D, D, A_DIM},
        [ROLE_SELECTED] = {D, D, R},
        [ROLE_FOCUS] = {D, D, B | U},
        [ROLE_CURRENT_LINE] = {D, D, R},
        [ROLE_BREAKPOINT] = {D, D, B},
        [ROLE_CAPTION] = {D, D, B},
        [ROLE_STATUS] = {D, D, 0},
        [ROLE_KEY] = {D, D, R},
        [ROLE_KEY_DESC] = {D, D, 0},
        [ROLE_STDERR] = {D, D, U},
        [ROLE_DEADLOCK] = {D, D, R | B},
        [ROLE_POPUP] = {D, D, 0},
        [ROLE_HELD] = {D, D, B},
        [ROLE_FREE] = {D, D, 0},
        [ROLE_ITEM] = {D, D, 0},
        [ROLE_CHANGED] = {D, D, U},
        [ROLE_PLAYING] = {D, D, R | B},
        [ROLE_PAUSED] = {D, D, R},
        [ROLE_PROC0] = {D, D, B},
        [ROLE_PROC1] = {D, D, B},
        [ROLE_PROC2] = {D, D, B},
        [ROLE_PROC3] = {D, D, B},
        [ROLE_PROC4] = {D, D, B},
        [ROLE_PROC5] = {D, D, B},
    },
    {
        [ROLE_NORMAL] = {COLOR_WHITE, COLOR_BLACK, B},
        [ROLE_HEADER] = {COLOR_BLACK, COLOR_WHITE, B},
        [ROLE_TITLE] = {COLOR_YELLOW, COLOR_BLACK, B},
        [ROLE_BORDER] = {COLOR_WHITE, COLOR_BLACK, B},
        [ROLE_DIM] = {COLOR_WHITE, COLOR_BLACK, 0},
        [ROLE_NEW] = {COLOR_WHITE, COLOR_BLACK, 0},
        [ROLE_READY] = {COLOR_YELLOW, COLOR_BLACK, B},
        [ROLE_GIL_WAIT] = {COLOR_YELLOW, COLOR_BLACK, B},
        [ROLE_RUNNING] = {COLOR_GREEN, COLOR_BLACK, B},
        [ROLE_BLOCKED] = {COLOR_RED, COLOR_BLACK, B},
        [ROLE_SLEEPING] = {COLOR_CYAN, COLOR_BLACK, B},
        [ROLE_FINISHED] = {COLOR_WHITE, COLOR_BLACK, 0},
        [ROLE_SELECTED] = {COLOR_BLACK, COLOR_YELLOW, B},
        [ROLE_FOCUS] = {COLOR_YELLOW, COLOR_BLACK, B | U},
        [ROLE_CURRENT_LINE] = {COLOR_BLACK, COLOR_CYAN, B},
        [ROLE_BREAKPOINT] = {COLOR_RED, COLOR_BLACK, B},
        [ROLE_CAPTION] = {COLOR_YELLOW, COLOR_BLACK, B},
        [ROLE_STATUS] = {COLOR_WHITE, COLOR_BLACK, B},
        [ROLE_KEY] = {COLOR_BLACK, COLOR_WHITE, B},
        [ROLE_KEY_DESC] = {COLOR_WHITE, COLOR_BLACK, B},
        [ROLE_STDERR] = {COLOR_RED, COLOR_BLACK, B},
        [ROLE_DEADLOCK] = {COLOR_WHITE, COLOR_RED, B},
        [ROLE_POPUP] = {COLOR_WHITE, COLOR_BLACK, B},
        [ROLE_HELD] = {COLOR_RED, COLOR_BLACK, B},
        [ROLE_FREE] = {COLOR_GREEN, COLOR_BLACK, B},
        [ROLE_ITEM] = {COLOR_CYAN, COLOR_BLACK, B},
        [ROLE_CHANGED] = {COLOR_WHITE, COLOR_BLACK, B | U},
        [ROLE_PLAYING] = {COLOR_BLACK, COLOR_GREEN, B},
        [ROLE_PAUSED] = {COLOR_BLACK, COLOR_YELLOW, B},
        [ROLE_PROC0] = {COLOR_CYAN, COLOR_BLACK, B},
        [ROLE_PROC1] = {COLOR_MAGENTA, COLOR_BLACK, B},
        [ROLE_PROC2] = {COLOR_GREEN, COLOR_BLACK, B},
        [ROLE_PROC3] = {COLOR_YELLOW, COLOR_BLACK, B},
        [ROLE_PROC4] = {COLOR_WHITE, COLOR_BLACK, B},
        [ROLE_PROC5] = {COLOR_RED, COLOR_BLACK, B},
    },
};

#undef D
#undef B
#undef R
#undef U

static attr_t tui_attrs[ROLE_COUNT];
static bool tui_colored;

void tui_theme_init(tui_theme_choice choice) {
    const char *nc = getenv("NO_COLOR");
    bool no_color = nc && *nc;
    int theme;
    switch (choice) {
    case TUI_THEME_MONOCHROME: theme = 1; break;
    case TUI_THEME_HIGH_CONTRAST: theme = 2; break;
    case TUI_THEME_DEFAULT: theme = 0; break;
    default: theme = no_color ? 1 : 0; break;
    }
    /* an explicit --theme may bring colours back under NO_COLOR (no-color.org) */
    if (!has_colors()) theme = 1;
    tui_colored = theme != 1;
    if (tui_colored) {
        start_color();
        use_default_colors();
    }
    for (int r = 0; r < ROLE_COUNT; r++) {
        const tui_look *l = &tui_looks[theme][r];
        attr_t a = l->attr;
        if (tui_colored && (l->fg >= 0 || l->bg >= 0) && r + 1 < COLOR_PAIRS) {
            init_pair((short)(r + 1), l->fg, l->bg);
            a |= COLOR_PAIR(r + 1);
        }
        tui_attrs[r] = a;
    }
    /* erase() fills with the background: the high-contrast theme's is black */
    bkgdset((chtype)' ' | (tui_attrs[ROLE_NORMAL] & A_COLOR));
}

attr_t tui_theme_attr(tui_role role) { return role >= 0 && role < ROLE_COUNT ? tui_attrs[role] : 0; }

bool tui_theme_colored(void) { return tui_colored; }

tui_role tui_theme_state_role(int state) {
    switch (state) {
    case TS_NEW: return ROLE_NEW;
    case TS_READY: return ROLE_READY;
    case TS_GIL_WAIT: return ROLE_GIL_WAIT;
    case TS_RUNNING: return ROLE_RUNNING;
    case TS_BLOCKED: return ROLE_BLOCKED;
    case TS_SLEEPING: return ROLE_SLEEPING;
    case TS_FINISHED: return ROLE_FINISHED;
    default: return ROLE_DIM;
    }
}

tui_role tui_theme_proc_role(int proc) {
    return (tui_role)(ROLE_PROC0 + (proc < 0 ? 0 : proc % TUI_PROC_ROLES));
}
