/* tui_draw_lanes.c - the lanes (one row per thread, grouped under its
 * process: state glyph, state, core, what it waits for) and, beside them,
 * the timeline strips: each thread's past states up to the cursor, a live
 * Gantt chart built from the fold's per-thread state changes. */
#include <stdio.h>
#include <string.h>

#include "tui/tui_app.h"
#include "tui/tui_describe.h"
#include "tui/tui_screen.h"
#include "tui/tui_text.h"
#include "tui/tui_theme.h"

#define A(role) tui_theme_attr(ROLE_##role)

static tui_glyph tui_lanes_glyph(int state) {
    switch (state) {
    case TS_NEW: return GLYPH_NEW;
    case TS_READY: return GLYPH_READY;
    case TS_GIL_WAIT: return GLYPH_GIL_WAIT;
    case TS_RUNNING: return GLYPH_RUNNING;
    case TS_BLOCKED: return GLYPH_BLOCKED;
    case TS_SLEEPING: return GLYPH_SLEEPING;
    case TS_FINISHED: return GLYPH_FINISHED;
    default: return GLYPH_UNKNOWN;
    }
}

static const char *tui_lanes_word(int state) {
    switch (state) {
    case TS_NEW: return "new";
    case TS_READY: return "ready";
    case TS_GIL_WAIT: return "GIL wait";
    case TS_RUNNING: return "running";
    case TS_BLOCKED: return "blocked";
    case TS_SLEEPING: return "sleeping";
    case TS_FINISHED: return "finished";
    default: return "?";
    }
}

/* What a thread waits for or does, in a few words. */
static void tui_lanes_what(const tui_app *a, const trace_fold_thread *th, strbuf *out) {
    const trace_log *log = a->session->log;
    const trace_fold_state *s = a->st;
    const char *what = tui_str(log, th->what);
    switch (th->state) {
    case TS_RUNNING:
        sb_printf(out, "core %d", th->core);
        if (th->line) sb_printf(out, ", line %u", th->line);
        break;
    case TS_GIL_WAIT: {
        int32_t h = th->proc >= 0 ? s->procs[th->proc].gil_holder : -1;
        sb_puts(out, "GIL");
        if (h >= 0) {
            sb_puts(out, " (held by ");
            tui_thread_short(log, s, h, out);
            sb_putc(out, ')');
        }
        break;
    }
    case TS_READY: sb_puts(out, "no free core"); break;
    case TS_BLOCKED:
        if (th->wait_obj >= 0) {
            sb_puts(out, tui_object_name(log, s, th->wait_obj));
            if (*what) sb_puts(out, "  ");
        }
        sb_puts(out, what);
        break;
    default: sb_puts(out, what); break;
    }
    for (size_t i = 0; i < out->len; i++)
        if (out->data[i] == '\n') out->data[i] = ' ';
}

/* A process's name and status: "P100 MainProcess", "exit 0". */
static void tui_lanes_proc(const tui_app *a, int32_t proc, int y, int x, int w, attr_t extra) {
    const trace_fold_state *s = a->st;
    if (proc < 0) {
        tui_puts(y, x, w, "? (threads of an unknown process)", A(DIM) | extra);
        return;
    }
    const trace_fold_proc *p = &s->procs[proc];
    char buf[256];
    snprintf(buf, sizeof buf, "P%d %s", p->pid, tui_str(a->session->log, p->name));
    tui_put_ellipsized(y, x, w, buf, strlen(buf), tui_theme_attr(tui_theme_proc_role(proc)) | extra);
}

static void tui_lanes_exit(const tui_app *a, int32_t proc, int y, int x, int w) {
    if (proc < 0) return;
    const trace_fold_proc *p = &a->st->procs[proc];
    if (p->exited)
        tui_putf(y, x, w, p->exitcode ? A(STDERR) : A(DIM), "exit %d", p->exitcode);
    else if (!p->started)
        tui_puts(y, x, w, "starting", A(DIM));
}

void tui_draw_lanes(tui_app *a) {
    const tui_rect *r = &a->layout.lanes;
    const trace_fold_state *s = a->st;
    const trace_log *log = a->session->log;
    /* keep the selected thread's row in view */
    int sel_row = -1;
    for (size_t i = 0; i < a->nrows; i++)
        if (a->rows[i].thread >= 0 && a->rows[i].thread == a->sel_thread) sel_row = (int)i;
    if (sel_row >= 0) {
        if (sel_row < a->lanes_top) a->lanes_top = sel_row > 0 && a->rows[sel_row - 1].kind == ROW_PROC ? sel_row - 1 : sel_row;
        if (sel_row >= a->lanes_top + r->h) a->lanes_top = sel_row - r->h + 1;
    }
    int max_top = (int)a->nrows - r->h;
    if (a->lanes_top > max_top) a->lanes_top = max_top;
    if (a->lanes_top < 0) a->lanes_top = 0;
    if (a->nrows == 0) {
        tui_puts(r->y, r->x + 1, r->w - 1, "no process yet: press space to play or → to step", A(DIM));
        return;
    }
    /* columns: tree+name | glyph state | what */
    int name_w = r->w * 42 / 100;
    if (name_w < 16) name_w = 16;
    if (name_w > 34) name_w = 34;
    int state_x = r->x + name_w + 1;
    int what_x = state_x + 12;
    int what_w = r->x + r->w - what_x;
    for (int row = 0; row < r->h && (size_t)(a->lanes_top + row) < a->nrows; row++) {
        const tui_lane_row *lr = &a->rows[a->lanes_top + row];
        int y = r->y + row;
        bool selected = lr->thread >= 0 && lr->thread == a->sel_thread;
        attr_t sel = selected ? A(SELECTED) : 0;
        if (selected) tui_fill(y, r->x, r->w, sel);
        if (lr->kind == ROW_PROC) {
            tui_lanes_proc(a, lr->proc, y, r->x + 1, name_w + 10, sel);
            tui_lanes_exit(a, lr->proc, y, what_x, what_w);
            continue;
        }
        const trace_fold_thread *th = &s->threads[lr->thread];
        if (lr->kind == ROW_PROC_THREAD) {
            tui_lanes_proc(a, lr->proc, y, r->x + 1, name_w, sel);
        } else {
            int x = r->x + 1;
            x += tui_puts(y, x, 2, " ", sel);
            x += tui_put_glyph(y, x, 1, lr->last ? GLYPH_TREE_LAST : GLYPH_TREE_MID, A(BORDER) | sel);
            x += tui_puts(y, x, 1, " ", sel);
            const char *name = tui_str(log, th->name);
            tui_put_ellipsized(y, x, r->x + 1 + name_w - x, name, strlen(name), (selected ? A(SELECTED) : A(NORMAL)));
        }
        tui_role role = tui_theme_state_role(th->state);
        attr_t sa = tui_theme_attr(role) | sel;
        int x = state_x;
        x += tui_put_glyph(y, x, 1, tui_lanes_glyph(th->state), sa);
        x += tui_puts(y, x, 1, " ", sel);
        tui_puts(y, x, 9, tui_lanes_word(th->state), sa);
        strbuf w;
        sb_init(&w);
        if (th->state == TS_FINISHED && lr->kind == ROW_PROC_THREAD && lr->proc >= 0 && s->procs[lr->proc].exited)
            sb_printf(&w, "exit %d", s->procs[lr->proc].exitcode);
        else
            tui_lanes_what(a, th, &w);
        if (w.len) tui_put_ellipsized(y, what_x, what_w, w.data, w.len, (th->state == TS_BLOCKED ? A(BLOCKED) : A(NORMAL)) | sel);
        sb_free(&w);
    }
    if (a->lanes_top > 0) tui_put_glyph(r->y, r->x + r->w - 1, 1, GLYPH_UP, A(DIM));
    if ((size_t)(a->lanes_top + r->h) < a->nrows) tui_put_glyph(r->y + r->h - 1, r->x + r->w - 1, 1, GLYPH_DOWN, A(DIM));
}

/* ------------------------------------------------------------------ */
/* Timeline strips                                                     */

typedef struct tui_scale {
    bool by_events;
    double per_col;   /* ns or events per column */
    int cursor;       /* the cursor's column */
} tui_scale;

static int tui_strip_rank(int state) {
    /* which state a column shows when several happened in it */
    switch (state) {
    case TS_RUNNING: return 6;
    case TS_BLOCKED: return 5;
    case TS_GIL_WAIT: return 4;
    case TS_READY: return 3;
    case TS_SLEEPING: return 2;
    case TS_FINISHED: return 1;
    default: return 0;
    }
}

/* The state to draw for changes [lo, hi) of a thread whose state at the
 * column's start is 'start': running wins if it happened at all. */
static int tui_strip_pick(const trace_log *log, const trace_fold_seqs *c, size_t lo, size_t hi, int start) {
    int best = start;
    int last = start;
    size_t n = hi - lo;
    if (n > 24) n = 24; /* a busy column: a sample is enough */
    for (size_t k = 0; k < n; k++) {
        int st = trace_log_get(log, c->v[lo + k])->a;
        if (st == TS_RUNNING) return TS_RUNNING;
        last = st;
        if (tui_strip_rank(st) > tui_strip_rank(best)) best = st;
    }
    if (hi > lo) last = trace_log_get(log, c->v[hi - 1])->a;
    /* otherwise the state it ends the column in, unless it finished */
    return last == TS_FINISHED || last == TS_NEW ? best : last;
}

static void tui_strip_cell(int state, tui_glyph *g, tui_role *role) {
    switch (state) {
    case TS_RUNNING: *g = GLYPH_STRIP_RUNNING; *role = ROLE_RUNNING; break;
    case TS_READY: *g = GLYPH_STRIP_READY; *role = ROLE_READY; break;
    case TS_GIL_WAIT: *g = GLYPH_STRIP_READY; *role = ROLE_GIL_WAIT; break;
    case TS_BLOCKED: *g = GLYPH_STRIP_BLOCKED; *role = ROLE_BLOCKED; break;
    case TS_SLEEPING: *g = GLYPH_STRIP_SLEEPING; *role = ROLE_SLEEPING; break;
    default: *g = GLYPH_COUNT; *role = ROLE_NORMAL; break;
    }
}

/* The index of the first change among c[lo, hi) whose time is > t. */
static size_t tui_strip_after_time(const trace_log *log, const trace_fold_seqs *c, size_t lo, size_t hi, int64_t t) {
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (trace_log_get(log, c->v[mid])->t <= t) lo = mid + 1;
        else hi = mid;
    }
    return lo;
}

static void tui_draw_strip(tui_app *a, int32_t thread, int y, const tui_scale *sc) {
    const tui_rect *r = &a->layout.timeline;
    const trace_log *log = a->session->log;
    const trace_fold_seqs *c = trace_fold_thread_changes(a->session->fold, thread);
    if (!c) return;
    size_t pos = a->player.pos;
    size_t limit = trace_fold_seqs_before(c, pos); /* changes already applied */
    size_t k = 0;
    int state = TS_NEW;
    for (int col = 0; col <= sc->cursor && col < r->w; col++) {
        size_t next;
        if (sc->by_events) {
            size_t end = (size_t)((double)(col + 1) * sc->per_col);
            if (end > pos) end = pos;
            next = trace_fold_seqs_before(c, end);
        } else {
            double end_t = (double)(col + 1) * sc->per_col;
            int64_t cut = end_t > (double)INT64_MAX ? INT64_MAX : (int64_t)end_t - 1;
            if (col == sc->cursor) cut = (int64_t)a->player.vt;
            next = tui_strip_after_time(log, c, k, limit, cut);
        }
        if (next > limit) next = limit;
        int shown = tui_strip_pick(log, c, k, next, state);
        if (next > k) state = trace_log_get(log, c->v[next - 1])->a;
        k = next;
        tui_glyph g;
        tui_role role;
        tui_strip_cell(shown, &g, &role);
        if (g != GLYPH_COUNT) tui_put_glyph(y, r->x + col, 1, g, tui_theme_attr(role));
    }
}

void tui_draw_timeline(tui_app *a) {
    const tui_rect *r = &a->layout.timeline;
    const trace_log *log = a->session->log;
    size_t count = a->player.count;
    int64_t t_end = count ? trace_log_get(log, count - 1)->t : 0;
    tui_scale sc;
    sc.by_events = a->by_events || t_end <= 0;
    int cols = r->w - 1; /* the last column is for the cursor at the very end */
    if (cols < 1) return;
    strbuf title;
    sb_init(&title);
    if (sc.by_events) {
        sc.per_col = (double)(count ? count : 1) / cols;
        sc.cursor = (int)((double)a->player.pos / sc.per_col);
        sb_printf(&title, "Timeline  event 0 %s %zu", tui_glyph_text(GLYPH_ARROW), count);
    } else {
        sc.per_col = (double)t_end / cols;
        sc.cursor = (int)(a->player.vt / sc.per_col);
        sb_puts(&title, "Timeline  0 ");
        sb_puts(&title, tui_glyph_text(GLYPH_ARROW));
        sb_putc(&title, ' ');
        tui_format_time(t_end, &title);
    }
    if (sc.cursor > cols - 1) sc.cursor = cols - 1;
    if (sc.cursor < 0) sc.cursor = 0;
    if (a->player.pos == 0) sc.cursor = -1;
    tui_frame_title(r, title.data, A(TITLE));
    sb_free(&title);
    for (int row = 0; row < r->h && (size_t)(a->lanes_top + row) < a->nrows; row++) {
        const tui_lane_row *lr = &a->rows[a->lanes_top + row];
        int y = r->y + row;
        if (lr->thread >= 0) tui_draw_strip(a, lr->thread, y, &sc);
        tui_put_glyph(y, r->x + sc.cursor + 1, 1, GLYPH_CURSOR, A(DIM));
    }
}
