/* tui_keys.h - the one key table: what each key does, the help screen and
 * the key-hint line are all drawn from it. */
#ifndef CONCVIZ_TUI_KEYS_H
#define CONCVIZ_TUI_KEYS_H

#include <stddef.h>

#define TUI_ACTIONS(X)                                                     \
    X(PLAY)  X(STEP) X(BACK) X(NEXT_MOMENT) X(PREV_MOMENT) X(HOME) X(END)  \
    X(FASTER) X(SLOWER) X(GOTO) X(FOCUS) X(FOCUS_BACK) X(UP) X(DOWN)       \
    X(PAGE_UP) X(PAGE_DOWN) X(DETAILS) X(BREAK) X(RESTART) X(SAVE)         \
    X(TIMESCALE) X(HELP) X(QUIT) X(REDRAW) X(CANCEL)

typedef enum tui_action {
    ACT_NONE,
#define TUI_ACTION_ENUM(name) ACT_##name,
    TUI_ACTIONS(TUI_ACTION_ENUM)
#undef TUI_ACTION_ENUM
    ACT_COUNT
} tui_action;

/* A key code as wget_wch gives it: a character, or a KEY_* code. */
typedef struct tui_keycode {
    int code;
    int is_function;   /* 1: a KEY_* code */
} tui_keycode;

#define TUI_KEY_MAX 4

typedef struct tui_key {
    tui_keycode keys[TUI_KEY_MAX];
    const char *label;   /* how the help shows the keys */
    tui_action action;
    const char *help;    /* one line for the help screen */
    const char *hint_keys; /* the keys as the key line shows them ("←/→"), or NULL */
    const char *hint;    /* a word for the key line */
} tui_key;

/* The table, in the order of the help screen. */
const tui_key *tui_keys_table(size_t *n);
/* The action of a key, ACT_NONE if unbound. */
tui_action tui_keys_lookup(int code, int is_function);

#endif
