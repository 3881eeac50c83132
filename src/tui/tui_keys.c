/* tui_keys.c - the key table (see tui_keys.h). Adding a key is one line
 * here and one case in the dispatcher (tui_app.c). */
#include "tui/tui_keys.h"

#include <curses.h>

#define CH(c) {(c), 0}
#define FN(k) {(k), 1}
#define CTRL(c) ((c) & 0x1f)

static const tui_key tui_key_table[] = {
    /* keys                                 label    action           help                                                            key line */
    {{CH(' ')},                             "space", ACT_PLAY,        "play / pause",                                                 "space", "play"},
    {{FN(KEY_RIGHT), CH('n'), CH('l')},     "→ n",   ACT_STEP,        "step one event forward",                                       "←/→", "step"},
    {{FN(KEY_LEFT), CH('p'), CH('h')},      "← p",   ACT_BACK,        "step one event back",                                          NULL, NULL},
    {{CH(']')},                             "]",     ACT_NEXT_MOMENT, "next moment that matters: a caption, a print, a state change of the selected thread", "[/]", "moment"},
    {{CH('[')},                             "[",     ACT_PREV_MOMENT, "previous moment that matters",                                 NULL, NULL},
    {{FN(KEY_HOME), CH('0')},               "Home",  ACT_HOME,        "go to the start",                                              NULL, NULL},
    {{FN(KEY_END), CH('$')},                "End",   ACT_END,         "go to the end",                                                NULL, NULL},
    {{CH('+'), CH('=')},                    "+",     ACT_FASTER,      "faster (up to as fast as possible)",                           "+/-", "speed"},
    {{CH('-'), CH('_')},                    "-",     ACT_SLOWER,      "slower (down to very slow)",                                   NULL, NULL},
    {{CH('g')},                             "g",     ACT_GOTO,        "go to a time in seconds (or #N: event N)",                     "g", "go to"},
    {{CH('\t')},                            "Tab",   ACT_FOCUS,       "focus the next pane: lanes, objects, source, output",          "Tab", "pane"},
    {{FN(KEY_BTAB)},                        "S-Tab", ACT_FOCUS_BACK,  "focus the previous pane",                                      NULL, NULL},
    {{FN(KEY_UP), CH('k')},                 "↑ k",   ACT_UP,          "select the previous thread / object / source line",            "↑/↓", "select"},
    {{FN(KEY_DOWN), CH('j')},               "↓ j",   ACT_DOWN,        "select the next thread / object / source line",                NULL, NULL},
    {{FN(KEY_PPAGE)},                       "PgUp",  ACT_PAGE_UP,     "page up in the focused pane",                                  NULL, NULL},
    {{FN(KEY_NPAGE)},                       "PgDn",  ACT_PAGE_DOWN,   "page down in the focused pane",                                NULL, NULL},
    {{CH('\n'), CH('\r'), FN(KEY_ENTER)},   "Enter", ACT_DETAILS,     "details: a thread's state and waits, an object's contents and history", "Enter", "details"},
    {{CH('b')},                             "b",     ACT_BREAK,       "toggle a breakpoint on the selected source line",              "b", "break"},
    {{CH('r')},                             "r",     ACT_RESTART,     "restart: run again with the same seed",                        "r", "restart"},
    {{CH('s')},                             "s",     ACT_SAVE,        "save the trace to a file (play it with 'concviz replay FILE')", "s", "save"},
    {{CH('t')},                             "t",     ACT_TIMESCALE,   "timeline strips by time / by event",                           NULL, NULL},
    {{CH('?'), FN(KEY_F(1))},               "?",     ACT_HELP,        "this help",                                                    "?", "help"},
    {{CH(CTRL('l'))},                       "C-l",   ACT_REDRAW,      "redraw the screen",                                            NULL, NULL},
    {{CH(27)},                              "Esc",   ACT_CANCEL,      "close a window or a prompt",                                   NULL, NULL},
    {{CH('q'), CH('Q')},                    "q",     ACT_QUIT,        "quit",                                                         "q", "quit"},
};

const tui_key *tui_keys_table(size_t *n) {
    *n = sizeof tui_key_table / sizeof tui_key_table[0];
    return tui_key_table;
}

tui_action tui_keys_lookup(int code, int is_function) {
    for (size_t i = 0; i < sizeof tui_key_table / sizeof tui_key_table[0]; i++)
        for (int k = 0; k < TUI_KEY_MAX; k++) {
            const tui_keycode *kc = &tui_key_table[i].keys[k];
            if (kc->code == 0) break;
            if (kc->code == code && kc->is_function == is_function) return tui_key_table[i].action;
        }
    return ACT_NONE;
}
