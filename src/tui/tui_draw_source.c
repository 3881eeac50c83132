/* tui_draw_source.c - the program's source with a tag at the end of the
 * line each live thread is on (the selected thread's line highlighted,
 * breakpoints marked), and the program's output, each line tagged and
 * coloured by the process that printed it. */
#include <stdio.h>
#include <string.h>

#include "tui/tui_app.h"
#include "tui/tui_describe.h"
#include "tui/tui_screen.h"
#include "tui/tui_text.h"
#include "tui/tui_theme.h"

#define A(role) tui_theme_attr(ROLE_##role)

/* Copies a source line with tabs expanded (8 columns). */
static void tui_source_expand(const char *s, size_t n, strbuf *out) {
    size_t col = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\t') {
            do {
                sb_putc(out, ' ');
                col++;
            } while (col % 8);
        } else {
            sb_putc(out, s[i]);
            if (((unsigned char)s[i] & 0xC0) != 0x80) col++;
        }
    }
}

void tui_draw_source(tui_app *a) {
    const tui_rect *r = &a->layout.source;
    const tui_session *ss = a->session;
    const trace_fold_state *s = a->st;
    if (ss->nlines == 0) {
        tui_puts(r->y, r->x + 1, r->w - 1, "(the program's source is not available)", A(DIM));
        return;
    }
    int focus_line = tui_app_source_line(a);
    int thread_line = a->sel_thread >= 0 && (uint32_t)a->sel_thread < s->nthreads &&
                              s->threads[a->sel_thread].state != TS_NEW
                          ? s->threads[a->sel_thread].line
                          : 0;
    /* keep the line in focus in view, with some context around it */
    if (focus_line > 0) {
        int margin = r->h >= 8 ? 2 : 0;
        if (focus_line < a->source_top + margin || focus_line >= a->source_top + r->h - margin)
            a->source_top = focus_line - r->h / 3;
    }
    int max_top = (int)ss->nlines - r->h + 1;
    if (a->source_top > max_top) a->source_top = max_top;
    if (a->source_top < 1) a->source_top = 1;
    int digits = 1;
    for (size_t n = ss->nlines; n >= 10; n /= 10) digits++;
    bool in_source = a->focus == PANE_SOURCE;
    for (int row = 0; row < r->h; row++) {
        int line = a->source_top + row;
        if ((size_t)line > ss->nlines) break;
        int y = r->y + row;
        attr_t base = 0;
        if (in_source && line == a->source_cursor) base = A(SELECTED);
        else if (line == thread_line) base = A(CURRENT_LINE);
        if (base) tui_fill(y, r->x, r->w, base);
        int x = r->x;
        if (tui_player_has_break(&a->player, line)) tui_put_glyph(y, x, 1, GLYPH_BULLET, A(BREAKPOINT) | base);
        if (line == thread_line) tui_put_glyph(y, x + 1, 1, GLYPH_MARK, base ? base : A(RUNNING));
        x += 2;
        x += tui_putf(y, x, digits + 1, base ? base : A(DIM), "%*d ", digits, line);
        /* the tags of the threads on this line, right-aligned */
        int tag_count = 0;
        int tag_w = 0;
        for (uint32_t t = 0; t < s->nthreads && tag_w < r->w / 3; t++) {
            const trace_fold_thread *th = &s->threads[t];
            if (th->line != line || th->state == TS_NEW || th->state == TS_FINISHED) continue;
            char tb[32];
            const char *tag = tui_thread_tag(ss->log, s, (int32_t)t, tb, sizeof tb);
            tag_w += tui_text_width(tag, strlen(tag), tui_screen_ascii()) + 1;
            tag_count++;
        }
        int code_w = r->x + r->w - x - (tag_w ? tag_w + 1 : 0);
        size_t len;
        const char *text = tui_session_line(ss, line, &len);
        strbuf ex;
        sb_init(&ex);
        tui_source_expand(text, len, &ex);
        if (code_w > 0) tui_put(y, x, code_w, ex.data ? ex.data : "", ex.len, base ? base : A(NORMAL));
        sb_free(&ex);
        if (tag_count) {
            int tx = r->x + r->w - tag_w;
            for (uint32_t t = 0; t < s->nthreads && tx < r->x + r->w; t++) {
                const trace_fold_thread *th = &s->threads[t];
                if (th->line != line || th->state == TS_NEW || th->state == TS_FINISHED) continue;
                char tb[32];
                const char *tag = tui_thread_tag(ss->log, s, (int32_t)t, tb, sizeof tb);
                attr_t ta = (int32_t)t == a->sel_thread ? A(SELECTED)
                                                        : tui_theme_attr(tui_theme_state_role(th->state)) | base;
                tx += tui_puts(y, tx, r->x + r->w - tx, tag, ta);
                tx += tui_puts(y, tx, 1, " ", base);
            }
        }
    }
}

void tui_draw_output(tui_app *a) {
    const tui_rect *r = &a->layout.output;
    const tui_session *ss = a->session;
    const trace_fold_state *s = a->st;
    size_t total;
    const trace_fold_line *lines = trace_fold_lines(ss->fold, &total);
    size_t upto = trace_fold_lines_before(ss->fold, a->player.pos);
    if ((size_t)a->output_back > upto) a->output_back = (int)upto;
    size_t end = upto - (size_t)a->output_back;
    size_t start = end > (size_t)r->h ? end - (size_t)r->h : 0;
    if (upto == 0) {
        tui_puts(r->y, r->x + 1, r->w - 1, "(nothing printed yet)", A(DIM));
        return;
    }
    for (size_t i = start; i < end; i++) {
        int y = r->y + (int)(i - start);
        const trace_fold_line *ln = &lines[i];
        const trace_event *ev = trace_log_get(ss->log, ln->seq);
        int32_t t = trace_fold_thread_slot(ss->fold, ev->tid);
        int32_t p = trace_fold_proc_slot(ss->fold, ev->pid);
        int x = r->x + 1;
        char tag[24];
        snprintf(tag, sizeof tag, "P%d", ev->pid);
        tui_puts(y, x, 6, tag, tui_theme_attr(tui_theme_proc_role(p)));
        x += 6;
        /* a thread's name where its process has several */
        if (t >= 0 && (uint32_t)t < s->nthreads && p >= 0) {
            uint32_t siblings = 0;
            for (uint32_t k = 0; k < s->nthreads; k++)
                if (s->threads[k].proc == p) siblings++;
            if (siblings > 1) {
                /* a column of 7: tags are at most 6 columns wide, CJK included */
                char tb[32];
                const char *tt = tui_thread_tag(ss->log, s, t, tb, sizeof tb);
                tui_puts(y, x, 6, tt, A(DIM));
                x += 7;
            }
        }
        const char *text = tui_str(ss->log, ln->text) + ln->off;
        tui_put_ellipsized(y, x, r->x + r->w - x, text, ln->len, ev->a == 2 ? A(STDERR) : A(NORMAL));
    }
    if (a->output_back > 0)
        tui_putf(r->y + r->h - 1, r->x + r->w - 12, 12, A(DIM), "%s %d more", tui_glyph_text(GLYPH_DOWN),
                 a->output_back);
}
