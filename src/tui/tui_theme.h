/* tui_theme.h - colours as roles: drawing code asks for a role, the theme
 * matrix (default, monochrome, high-contrast) says what it looks like.
 * Monochrome uses attributes only, so that together with the state
 * glyphs every state still reads without colour. */
#ifndef CONCVIZ_TUI_THEME_H
#define CONCVIZ_TUI_THEME_H

#include <curses.h>
#include <stdbool.h>

#include "tui/tui.h"

#define TUI_ROLES(X)                                                         \
    X(NORMAL)    X(HEADER)   X(TITLE)     X(BORDER)    X(DIM)                \
    X(NEW)       X(READY)    X(GIL_WAIT)  X(RUNNING)   X(BLOCKED)            \
    X(SLEEPING)  X(FINISHED) X(SELECTED)  X(FOCUS)     X(CURRENT_LINE)       \
    X(BREAKPOINT) X(CAPTION) X(STATUS)    X(KEY)       X(KEY_DESC)           \
    X(STDERR)    X(DEADLOCK) X(POPUP)     X(HELD)      X(FREE)               \
    X(ITEM)      X(CHANGED)  X(PLAYING)   X(PAUSED)                          \
    X(PROC0)     X(PROC1)    X(PROC2)     X(PROC3)     X(PROC4)    X(PROC5)

typedef enum tui_role {
#define TUI_ROLE_ENUM(name) ROLE_##name,
    TUI_ROLES(TUI_ROLE_ENUM)
#undef TUI_ROLE_ENUM
    ROLE_COUNT
} tui_role;

#define TUI_PROC_ROLES 6

/* Chooses the theme after newterm (honours NO_COLOR and has_colors for
 * TUI_THEME_AUTO) and sets up the colour pairs. */
void tui_theme_init(tui_theme_choice choice);
/* The attributes (colour pair included) of a role. */
attr_t tui_theme_attr(tui_role role);
/* The role for a thread state (trace_state) and for process slot i. */
tui_role tui_theme_state_role(int state);
tui_role tui_theme_proc_role(int proc);
/* Whether the theme in use has colours. */
bool tui_theme_colored(void);

#endif
