/* tui_screen.c - drawing primitives (see tui_screen.h). */
#include "tui/tui_screen.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "lang/xalloc.h"
#include "tui/tui_text.h"

static bool tui_ascii;

static const char *const tui_glyph_utf8[] = {
#define TUI_GLYPH_U(name, u, a) u,
    TUI_GLYPHS(TUI_GLYPH_U)
#undef TUI_GLYPH_U
};

static const char *const tui_glyph_ascii[] = {
#define TUI_GLYPH_A(name, u, a) a,
    TUI_GLYPHS(TUI_GLYPH_A)
#undef TUI_GLYPH_A
};

void tui_screen_set_ascii(bool ascii) { tui_ascii = ascii; }
bool tui_screen_ascii(void) { return tui_ascii; }

const char *tui_glyph_text(tui_glyph g) {
    if (g < 0 || g >= GLYPH_COUNT) return "?";
    return tui_ascii ? tui_glyph_ascii[g] : tui_glyph_utf8[g];
}

int tui_put(int y, int x, int maxw, const char *s, size_t n, attr_t a) {
    if (maxw <= 0 || y < 0 || x < 0 || y >= LINES || x >= COLS) return 0;
    if (x + maxw > COLS) maxw = COLS - x;
    int used = 0;
    size_t i = 0;
    while (i < n) {
        uint32_t cp = tui_text_decode(s, n, &i);
        int w = tui_text_cp_width(cp, tui_ascii);
        uint32_t shown = tui_text_cp_shown(cp, tui_ascii);
        if (w == 0) continue; /* a combining mark: joined below */
        if (used + w > maxw) break;
        wchar_t wc[6] = {(wchar_t)shown, 0};
        int k = 1;
        /* the combining marks that follow go into the same cell */
        while (i < n && k < 5) {
            size_t j = i;
            uint32_t next = tui_text_decode(s, n, &j);
            if (tui_text_cp_width(next, tui_ascii) != 0 || tui_ascii) break;
            wc[k++] = (wchar_t)next;
            i = j;
        }
        wc[k] = 0;
        cchar_t cc;
        if (setcchar(&cc, wc, a, (short)PAIR_NUMBER(a), NULL) == OK) mvadd_wch(y, x + used, &cc);
        used += w;
    }
    return used;
}

int tui_puts(int y, int x, int maxw, const char *s, attr_t a) { return tui_put(y, x, maxw, s, strlen(s), a); }

int tui_putf(int y, int x, int maxw, attr_t a, const char *fmt, ...) {
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    return tui_puts(y, x, maxw, buf, a);
}

int tui_put_glyph(int y, int x, int maxw, tui_glyph g, attr_t a) { return tui_puts(y, x, maxw, tui_glyph_text(g), a); }

void tui_fill(int y, int x, int w, attr_t a) {
    if (y < 0 || y >= LINES || x < 0) return;
    if (x + w > COLS) w = COLS - x;
    if (w <= 0) return;
    cchar_t cc;
    wchar_t sp[2] = {L' ', 0};
    setcchar(&cc, sp, a, (short)PAIR_NUMBER(a), NULL);
    mvhline_set(y, x, &cc, w);
}

int tui_put_ellipsized(int y, int x, int maxw, const char *s, size_t n, attr_t a) {
    if (tui_text_width(s, n, tui_ascii) <= maxw) return tui_put(y, x, maxw, s, n, a);
    const char *dots = tui_glyph_text(GLYPH_ELLIPSIS);
    int dw = tui_text_width(dots, strlen(dots), tui_ascii);
    if (maxw <= dw) return tui_put(y, x, maxw, s, n, a);
    int used;
    size_t k = tui_text_fit(s, n, maxw - dw, tui_ascii, &used);
    tui_put(y, x, used, s, k, a);
    return used + tui_puts(y, x + used, dw, dots, a);
}

/* ------------------------------------------------------------------ */
/* Frames                                                              */

enum { TUI_U = 1, TUI_D = 2, TUI_L = 4, TUI_R = 8 };

static unsigned char *tui_cells;
static int tui_frame_lines, tui_frame_cols;

void tui_frame_begin(int lines, int cols) {
    tui_frame_lines = lines > 0 ? lines : 0;
    tui_frame_cols = cols > 0 ? cols : 0;
    free(tui_cells);
    tui_cells = xcalloc((size_t)tui_frame_lines * (size_t)tui_frame_cols + 1, 1);
}

void tui_frame_end(void) {
    free(tui_cells);
    tui_cells = NULL;
}

static void tui_frame_mark(int y, int x, unsigned bits) {
    if (y < 0 || x < 0 || y >= tui_frame_lines || x >= tui_frame_cols) return;
    tui_cells[(size_t)y * (size_t)tui_frame_cols + (size_t)x] |= (unsigned char)bits;
}

void tui_frame_box(const tui_rect *r) {
    if (!tui_cells || r->h <= 0 || r->w <= 0) return;
    int top = r->y - 1, bottom = r->y + r->h, left = r->x - 1, right = r->x + r->w;
    for (int x = left; x <= right; x++) {
        unsigned h = (x > left ? TUI_L : 0) | (x < right ? TUI_R : 0);
        tui_frame_mark(top, x, h | (x == left || x == right ? TUI_D : 0));
        tui_frame_mark(bottom, x, h | (x == left || x == right ? TUI_U : 0));
    }
    for (int y = top + 1; y < bottom; y++) {
        tui_frame_mark(y, left, TUI_U | TUI_D);
        tui_frame_mark(y, right, TUI_U | TUI_D);
    }
}

/* Box-drawing character for a set of directions. */
static const char *tui_frame_glyph(unsigned b) {
    if (tui_ascii) {
        if (b == (TUI_L | TUI_R) || b == TUI_L || b == TUI_R) return "-";
        if (b == (TUI_U | TUI_D) || b == TUI_U || b == TUI_D) return "|";
        return "+";
    }
    static const char *const g[16] = {
        " ", "│", "│", "│", "─", "┘", "┐", "┤", "─", "└", "┌", "├", "─", "┴", "┬", "┼",
    };
    return g[b & 15];
}

void tui_frame_draw(attr_t a) {
    if (!tui_cells) return;
    for (int y = 0; y < tui_frame_lines; y++)
        for (int x = 0; x < tui_frame_cols; x++) {
            unsigned b = tui_cells[(size_t)y * (size_t)tui_frame_cols + (size_t)x];
            if (b) tui_puts(y, x, 1, tui_frame_glyph(b), a);
        }
}

void tui_frame_title(const tui_rect *r, const char *title, attr_t a) {
    if (r->w < 4) return;
    int x = r->x + 1;
    int used = tui_puts(r->y - 1, x, r->w - 2, " ", a);
    used += tui_puts(r->y - 1, x + used, r->w - 2 - used, title, a);
    tui_puts(r->y - 1, x + used, r->w - 2 - used, " ", a);
}
