/* tui_screen.h - drawing primitives on stdscr: UTF-8 text clipped to a
 * width in columns (never splitting a wide character), named glyphs with
 * ASCII fallbacks, and frames whose shared borders join properly. */
#ifndef CONCVIZ_TUI_SCREEN_H
#define CONCVIZ_TUI_SCREEN_H

#include <curses.h>
#include <stdbool.h>
#include <stddef.h>

#include "tui/tui_layout.h"

/* Named glyphs: a Unicode shape and its ASCII stand-in. */
#define TUI_GLYPHS(X)                                                   \
    X(RUNNING, "▶", ">")   X(READY, "▷", "~")    X(GIL_WAIT, "▒", "~")  \
    X(BLOCKED, "◼", "#")   X(SLEEPING, "◌", "o") X(NEW, "·", ".")       \
    X(FINISHED, "✓", "v")  X(UNKNOWN, "?", "?")                         \
    X(STRIP_RUNNING, "█", ">") X(STRIP_READY, "▒", "~")                 \
    X(STRIP_BLOCKED, "░", "#") X(STRIP_SLEEPING, "·", "o")              \
    X(CURSOR, "▌", "|")    X(TREE_MID, "├", "|")  X(TREE_LAST, "└", "`") \
    X(ARROW, "→", "->")    X(LARROW, "←", "<-")  X(BULLET, "●", "*")    \
    X(CIRCLE, "○", "o")    X(ELLIPSIS, "…", "...") X(SEP, "·", "-")      \
    X(PLAY, "▶", ">")      X(PAUSE, "❚❚", "||")  X(STOP, "■", "[]")     \
    X(WARN, "⚠", "!!")     X(CAPTION, "▸", ">")  X(BAR, "│", "|")       \
    X(FLAG, "⚑", "!")      X(HOURGLASS, "⧗", "..") X(MARK, "▶", ">")    \
    X(UP, "↑", "^")        X(DOWN, "↓", "v")     X(TIMES, "×", "x")

typedef enum tui_glyph {
#define TUI_GLYPH_ENUM(name, u, a) GLYPH_##name,
    TUI_GLYPHS(TUI_GLYPH_ENUM)
#undef TUI_GLYPH_ENUM
    GLYPH_COUNT
} tui_glyph;

/* ASCII-only drawing (no UTF-8 locale). */
void tui_screen_set_ascii(bool ascii);
bool tui_screen_ascii(void);
const char *tui_glyph_text(tui_glyph g);

/* Draws s (n bytes of UTF-8) at (y, x) in at most maxw columns; returns the
 * columns used. Control characters show as '?'. */
int tui_put(int y, int x, int maxw, const char *s, size_t n, attr_t a);
int tui_puts(int y, int x, int maxw, const char *s, attr_t a);
int tui_putf(int y, int x, int maxw, attr_t a, const char *fmt, ...) __attribute__((format(printf, 5, 6)));
int tui_put_glyph(int y, int x, int maxw, tui_glyph g, attr_t a);
/* Blanks w cells. */
void tui_fill(int y, int x, int w, attr_t a);
/* Draws s cut to maxw columns with an ellipsis when it does not fit. */
int tui_put_ellipsized(int y, int x, int maxw, const char *s, size_t n, attr_t a);

/* Frames: collect the borders of every framed interior, then draw them
 * with joined corners. */
void tui_frame_begin(int lines, int cols);
void tui_frame_box(const tui_rect *interior);
void tui_frame_draw(attr_t a);
void tui_frame_end(void);
/* A title over the top border of interior r, starting two columns in. */
void tui_frame_title(const tui_rect *r, const char *title, attr_t a);

#endif
