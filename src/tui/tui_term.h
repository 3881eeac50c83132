/* tui_term.h - taking the terminal and giving it back whatever happens:
 * q, Ctrl-C, SIGTERM, SIGHUP (flag-setting handlers; the loop calls
 * tui_term_stop), exit() (atexit), a fatal signal or out-of-memory (endwin
 * first, then the message). Ctrl-Z and resizing are ncurses' own handlers.
 * An unusable terminal gives a message and status 2 instead of garbage. */
#ifndef CONCVIZ_TUI_TERM_H
#define CONCVIZ_TUI_TERM_H

#include <stdbool.h>

#include "tui/tui.h"

/* Takes the terminal; returns 0, or 2 after printing why it cannot. */
int tui_term_start(tui_theme_choice theme);
/* Gives it back (idempotent). */
void tui_term_stop(void);
/* The signal that asked us to stop (SIGINT, SIGTERM, SIGHUP), or 0. */
int tui_term_signal(void);

#endif
