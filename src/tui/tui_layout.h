/* tui_layout.h - where every panel of the main screen goes, as a pure
 * function of the terminal size (no curses; unit-tested in
 * tests/unit/test_layout.c).
 *
 * Rects are panel interiors. Every panel but the header and the key line is
 * framed: the frame runs one cell around each interior, and neighbouring
 * panels share that line, so two interiors side by side are exactly one
 * column apart and two stacked ones exactly one row apart. */
#ifndef CONCVIZ_TUI_LAYOUT_H
#define CONCVIZ_TUI_LAYOUT_H

#include <stdbool.h>

/* Below this the screen only asks for a larger terminal. */
#define TUI_MIN_COLS 80
#define TUI_MIN_LINES 24
/* From this size on, the full layout (timeline strips, source and output
 * side by side, a status line under the caption). */
#define TUI_FULL_COLS 110
#define TUI_FULL_LINES 34

typedef struct tui_rect {
    int y, x, h, w;
} tui_rect;

typedef enum tui_layout_mode {
    TUI_LAYOUT_TOO_SMALL,
    TUI_LAYOUT_REDUCED, /* lanes without timeline; source/output as one Tab-switched pane */
    TUI_LAYOUT_FULL
} tui_layout_mode;

typedef struct tui_layout {
    tui_layout_mode mode;
    int lines, cols;
    tui_rect header;    /* row 0, unframed */
    tui_rect lanes;     /* processes and threads */
    tui_rect timeline;  /* right of the lanes (w = 0 in the reduced layout) */
    tui_rect cpu;       /* cores and GILs */
    tui_rect objects;
    tui_rect source;
    tui_rect output;    /* the same rect as source when 'tabbed' */
    tui_rect caption;
    tui_rect status;    /* the last event in words (h = 0 in the reduced layout) */
    tui_rect keys;      /* last row, unframed */
    bool tabbed;
} tui_layout;

void tui_layout_compute(int lines, int cols, tui_layout *out);

/* Whether (y, x) lies inside r. */
bool tui_rect_has(const tui_rect *r, int y, int x);

#endif
