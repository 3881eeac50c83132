/* tui_layout.c - the main screen's geometry (see tui_layout.h).
 *
 * Bands from top to bottom: header, lanes (| timeline), cpu | objects,
 * source | output, caption (+ status), keys. Vertical space goes to the
 * lanes and the source first, since those are what a class watches; the
 * middle band (cores, GILs, objects) gets about a quarter. */
#include "tui/tui_layout.h"

#include <string.h>

static int tui_layout_clamp(int v, int lo, int hi) { return v < lo ? lo : v > hi ? hi : v; }

bool tui_rect_has(const tui_rect *r, int y, int x) {
    return r->h > 0 && r->w > 0 && y >= r->y && y < r->y + r->h && x >= r->x && x < r->x + r->w;
}

void tui_layout_compute(int lines, int cols, tui_layout *out) {
    memset(out, 0, sizeof *out);
    out->lines = lines;
    out->cols = cols;
    if (lines < TUI_MIN_LINES || cols < TUI_MIN_COLS) {
        out->mode = TUI_LAYOUT_TOO_SMALL;
        return;
    }
    bool full = lines >= TUI_FULL_LINES && cols >= TUI_FULL_COLS;
    out->mode = full ? TUI_LAYOUT_FULL : TUI_LAYOUT_REDUCED;
    out->tabbed = !full;
    out->header = (tui_rect){0, 0, 1, cols};
    out->keys = (tui_rect){lines - 1, 0, 1, cols};

    /* frame rows: top, three separators, bottom */
    int inner = lines - 2 - 5;
    int caption_rows = full ? 2 : 1;
    int rest = inner - caption_rows;
    int lanes_h = tui_layout_clamp(rest * (full ? 36 : 40) / 100, 4, 40);
    int mid_h = tui_layout_clamp(rest * 26 / 100, 3, 24);
    int src_h = rest - lanes_h - mid_h;
    int w = cols - 2;
    int y = 2;

    if (full) {
        int label_w = tui_layout_clamp(w / 2, 44, 64);
        out->lanes = (tui_rect){y, 1, lanes_h, label_w};
        out->timeline = (tui_rect){y, 2 + label_w, lanes_h, w - label_w - 1};
    } else {
        out->lanes = (tui_rect){y, 1, lanes_h, w};
    }
    y += lanes_h + 1;

    /* objects need the width more than the cores; the source more than
       the output */
    int cpu_w = w * (full ? 42 : 40) / 100;
    out->cpu = (tui_rect){y, 1, mid_h, cpu_w};
    out->objects = (tui_rect){y, 2 + cpu_w, mid_h, w - cpu_w - 1};
    y += mid_h + 1;

    if (full) {
        int src_w = w * 55 / 100;
        out->source = (tui_rect){y, 1, src_h, src_w};
        out->output = (tui_rect){y, 2 + src_w, src_h, w - src_w - 1};
    } else {
        out->source = out->output = (tui_rect){y, 1, src_h, w};
    }
    y += src_h + 1;

    out->caption = (tui_rect){y, 1, 1, w};
    if (full) out->status = (tui_rect){y + 1, 1, 1, w};
}
