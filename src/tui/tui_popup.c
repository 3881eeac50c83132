/* tui_popup.c - windows drawn over the main screen: the help (printed from
 * the key table), text windows (details, the deadlock report) and the
 * one-line prompt (go to a time, save as). */
#include <stdio.h>
#include <string.h>

#include "tui/tui_app.h"
#include "tui/tui_screen.h"
#include "tui/tui_text.h"
#include "tui/tui_theme.h"

#define A(role) tui_theme_attr(ROLE_##role)

/* A centered window; returns its interior. */
static tui_rect tui_popup_box(int h, int w, const char *title) {
    int lines = LINES, cols = COLS;
    if (w > cols - 4) w = cols - 4;
    if (h > lines - 4) h = lines - 4;
    if (w < 10) w = 10;
    if (h < 1) h = 1;
    tui_rect r = {(lines - h) / 2, (cols - w) / 2, h, w};
    for (int y = r.y - 1; y <= r.y + h; y++) tui_fill(y, r.x - 1, w + 2, A(POPUP));
    tui_frame_begin(lines, cols);
    tui_frame_box(&r);
    tui_frame_draw(A(TITLE));
    tui_frame_end();
    tui_frame_title(&r, title, A(TITLE));
    return r;
}

/* Wraps text to width w into at most max lines; calls put(line) for those
 * from 'skip' on. Returns how many lines the text makes. */
static int tui_popup_lines(const char *text, int w, int skip, int rows, const tui_rect *r, bool draw) {
    size_t n = strlen(text), at = 0;
    int line = 0;
    bool ascii = tui_screen_ascii();
    while (at < n) {
        size_t next, len = tui_text_wrap(text + at, n - at, w, ascii, &next);
        if (draw && line >= skip && line - skip < rows) tui_put(r->y + line - skip, r->x + 1, w, text + at, len, A(POPUP));
        at += next;
        line++;
        if (next == 0) break;
    }
    return line;
}

static void tui_popup_help(tui_app *a) {
    size_t n;
    const tui_key *keys = tui_keys_table(&n);
    static const char *const extra[] = {
        "",
        "Mouse: a click selects a thread, an object or a source line; a click",
        "on the timeline moves there; the wheel scrolls the pane under it.",
        "",
        "States:  running  ready (no core)  waiting for the GIL  blocked",
        "         sleeping  finished",
        "Playback pauses by itself at a deadlock and at breakpoints.",
    };
    int nextra = (int)(sizeof extra / sizeof extra[0]);
    int total = (int)n + nextra;
    tui_rect r = tui_popup_box(total + 1, 92, "Keys");
    int rows = r.h - 1;
    if (a->popup_top > total - rows) a->popup_top = total - rows;
    if (a->popup_top < 0) a->popup_top = 0;
    for (int i = 0; i < rows && a->popup_top + i < total; i++) {
        int k = a->popup_top + i;
        int y = r.y + i;
        if (k < (int)n) {
            char lb[32];
            tui_puts(y, r.x + 1, 10, tui_draw_key_label(keys[k].label, lb, sizeof lb), A(KEY));
            tui_puts(y, r.x + 12, r.w - 12, keys[k].help, A(POPUP));
        } else if (k - (int)n == 4 || k - (int)n == 5) {
            /* the states legend, drawn with the states' own glyphs */
            static const struct {
                tui_glyph g;
                tui_role role;
                const char *word;
            } legend[2][4] = {
                {{GLYPH_RUNNING, ROLE_RUNNING, "running"},
                 {GLYPH_READY, ROLE_READY, "ready (no core)"},
                 {GLYPH_GIL_WAIT, ROLE_GIL_WAIT, "waiting for the GIL"},
                 {GLYPH_BLOCKED, ROLE_BLOCKED, "blocked"}},
                {{GLYPH_SLEEPING, ROLE_SLEEPING, "sleeping"},
                 {GLYPH_FINISHED, ROLE_FINISHED, "finished"},
                 {GLYPH_COUNT, ROLE_NORMAL, NULL},
                 {GLYPH_COUNT, ROLE_NORMAL, NULL}},
            };
            int x = r.x + 1;
            int li = k - (int)n - 4;
            if (li == 0) x += tui_puts(y, x, 8, "States: ", A(POPUP));
            else x += 8;
            for (int j = 0; j < 4 && legend[li][j].word; j++) {
                x += tui_put_glyph(y, x, 2, legend[li][j].g, tui_theme_attr(legend[li][j].role));
                x += tui_puts(y, x, 1, " ", A(POPUP));
                x += tui_puts(y, x, r.x + r.w - x, legend[li][j].word, A(POPUP));
                x += tui_puts(y, x, 2, "  ", A(POPUP));
            }
        } else {
            tui_puts(y, r.x + 1, r.w - 1, extra[k - (int)n], A(POPUP));
        }
    }
    tui_puts(r.y + r.h - 1, r.x + 1, r.w - 1, "Esc, q or ? closes; ↑/↓ scroll", A(DIM));
}

static void tui_popup_text_draw(tui_app *a) {
    const char *text = a->popup_text.data ? a->popup_text.data : "";
    int w = 86;
    if (w > COLS - 6) w = COLS - 6;
    int total = tui_popup_lines(text, w - 2, 0, 0, NULL, false);
    tui_rect r = tui_popup_box(total + 2, w, a->popup_title.data ? a->popup_title.data : "");
    int rows = r.h - 2;
    if (a->popup_top > total - rows) a->popup_top = total - rows;
    if (a->popup_top < 0) a->popup_top = 0;
    tui_popup_lines(text, r.w - 2, a->popup_top, rows, &r, true);
    char foot[96];
    snprintf(foot, sizeof foot, "Esc closes%s", total > rows ? "; ↑/↓ PgUp/PgDn scroll" : "");
    tui_puts(r.y + r.h - 1, r.x + 1, r.w - 1, foot, A(DIM));
}

static void tui_popup_prompt(tui_app *a) {
    tui_rect r = tui_popup_box(3, 70, a->popup_title.data ? a->popup_title.data : "");
    const char *label = a->prompt == PROMPT_GOTO ? "time in seconds (or #N for event N): " : "file name: ";
    int x = r.x + 1;
    x += tui_puts(r.y, x, r.w - 1, label, A(POPUP));
    const char *text = a->prompt_buf.data ? a->prompt_buf.data : "";
    size_t n = strlen(text);
    int room = r.x + r.w - x - 2;
    bool ascii = tui_screen_ascii();
    /* show the end of a long entry */
    size_t from = 0;
    while (tui_text_width(text + from, n - from, ascii) > room && from < n) {
        from++;
        while (from < n && ((unsigned char)text[from] & 0xC0) == 0x80) from++;
    }
    x += tui_put(r.y, x, room, text + from, n - from, A(ITEM));
    tui_puts(r.y, x, 1, " ", A(SELECTED));
    tui_puts(r.y + 2, r.x + 1, r.w - 1, "Enter confirms, Esc cancels", A(DIM));
}

void tui_draw_popup(tui_app *a) {
    switch (a->popup) {
    case POPUP_HELP: tui_popup_help(a); break;
    case POPUP_TEXT: tui_popup_text_draw(a); break;
    case POPUP_PROMPT: tui_popup_prompt(a); break;
    default: break;
    }
}
