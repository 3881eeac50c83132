/* tui_text.h - measuring and cutting UTF-8 text in terminal columns (no
 * curses): widths come from wcwidth, so CJK takes two columns and a wide
 * character is never split at an edge. In ASCII mode (no UTF-8 locale)
 * every non-ASCII character counts as one column and is drawn as '?'.
 * Widths depend on LC_CTYPE: call setlocale first. */
#ifndef CONCVIZ_TUI_TEXT_H
#define CONCVIZ_TUI_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Decodes the character at s[*i] (n bytes in all) and advances *i; an
 * invalid byte gives U+FFFD and advances by one. */
uint32_t tui_text_decode(const char *s, size_t n, size_t *i);
/* The columns a character takes: 0 (combining), 1 or 2. Control characters
 * count as 1 (they are drawn as '?'). */
int tui_text_cp_width(uint32_t cp, bool ascii);
/* What to draw for cp: itself, or '?' for control characters and, in ASCII
 * mode, for anything outside ASCII. */
uint32_t tui_text_cp_shown(uint32_t cp, bool ascii);
int tui_text_width(const char *s, size_t n, bool ascii);
/* The number of leading bytes of s that fit in maxw columns; *used (may be
 * NULL) gets their width. */
size_t tui_text_fit(const char *s, size_t n, int maxw, bool ascii, int *used);
/* One line of word-wrapped text: returns the byte length of the next line
 * (at most width columns, broken after a space when there is one, else
 * anywhere between characters, as CJK text allows); *next gets where the
 * following line starts. A '\n' ends a line. */
size_t tui_text_wrap(const char *s, size_t n, int width, bool ascii, size_t *next);

#endif
