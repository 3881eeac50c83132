/* tui_draw_objects.c - the CPU cores, each process's GIL (holder, waiters
 * in order, a pending drop request) and the objects panel: contents, not
 * counts (a queue's items in order, a lock's owner and its waiters in
 * arrival order, a semaphore's count, a barrier's n of parties...). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lang/xalloc.h"
#include "tui/tui_app.h"
#include "tui/tui_describe.h"
#include "tui/tui_screen.h"
#include "tui/tui_text.h"
#include "tui/tui_theme.h"

#define A(role) tui_theme_attr(ROLE_##role)

/* Draws pieces left to right on one row, clipped at the rect's edge. */
typedef struct tui_row {
    int y, x, end;
    bool full;
} tui_row;

static void tui_row_put(tui_row *w, const char *s, attr_t a) {
    if (w->full) return;
    int room = w->end - w->x;
    int need = tui_text_width(s, strlen(s), tui_screen_ascii());
    if (need > room) {
        w->x += tui_put_ellipsized(w->y, w->x, room, s, strlen(s), a);
        w->full = true;
        return;
    }
    w->x += tui_puts(w->y, w->x, room, s, a);
}

static void tui_row_thread(tui_row *w, const tui_app *a, int32_t thread, attr_t attr) {
    strbuf b;
    sb_init(&b);
    tui_thread_short(a->session->log, a->st, thread, &b);
    tui_row_put(w, b.data, attr);
    sb_free(&b);
}

/* "waiting: A, B" in arrival order; short tags (T1, T2) when the names
 * would not fit. */
static void tui_row_waiters(tui_row *w, const tui_app *a, const trace_fold_list *l, const char *word) {
    if (l->n == 0) return;
    const trace_log *log = a->session->log;
    bool ascii = tui_screen_ascii();
    int need = 3 + (int)strlen(word);
    for (uint32_t i = 0; i < l->n; i++) {
        strbuf b;
        sb_init(&b);
        tui_thread_short(log, a->st, (int32_t)trace_fold_list_at(l, i), &b);
        need += tui_text_width(b.data ? b.data : "", b.len, ascii) + 2;
        sb_free(&b);
    }
    bool tags = need > w->end - w->x;
    tui_row_put(w, "  ", A(NORMAL));
    tui_row_put(w, word, A(DIM));
    for (uint32_t i = 0; i < l->n && !w->full; i++) {
        tui_row_put(w, i ? ", " : " ", A(DIM));
        int32_t t = (int32_t)trace_fold_list_at(l, i);
        if (tags) {
            char tb[32];
            tui_row_put(w, tui_thread_tag(log, a->st, t, tb, sizeof tb), A(BLOCKED));
        } else {
            tui_row_thread(w, a, t, A(BLOCKED));
        }
    }
}

void tui_draw_cpu(tui_app *a) {
    const tui_rect *r = &a->layout.cpu;
    const trace_fold_state *s = a->st;
    const trace_log *log = a->session->log;
    int ncores = (int)s->ncores;
    if (ncores < a->session->cores) ncores = a->session->cores;
    if (ncores > TRACE_FOLD_MAX_CORES) ncores = TRACE_FOLD_MAX_CORES;
    int cell = 22;
    int per_row = r->w / cell;
    if (per_row < 1) per_row = 1;
    if (per_row > ncores) per_row = ncores > 0 ? ncores : 1;
    cell = r->w / per_row;
    int y = r->y;
    for (int c = 0; c < ncores && y < r->y + r->h; c += per_row, y++) {
        for (int k = 0; k < per_row && c + k < ncores; k++) {
            int core = c + k;
            tui_row w = {y, r->x + 1 + k * cell, r->x + 1 + (k + 1) * cell - 1, false};
            if (w.end > r->x + r->w) w.end = r->x + r->w;
            char lab[24];
            snprintf(lab, sizeof lab, "core %d ", core);
            tui_row_put(&w, lab, A(DIM));
            int32_t t = (uint32_t)core < s->ncores ? s->cores[core] : -1;
            if (t >= 0) {
                tui_row_put(&w, tui_glyph_text(GLYPH_RUNNING), A(RUNNING));
                tui_row_put(&w, " ", A(NORMAL));
                const trace_fold_thread *th = &s->threads[t];
                bool main_thread = strcmp(tui_str(log, th->name), "MainThread") == 0;
                if (s->nprocs > 1) {
                    /* several processes: the pid first; a main thread is just its process */
                    char pb[16];
                    snprintf(pb, sizeof pb, main_thread ? "P%d" : "P%d ", th->pid);
                    tui_row_put(&w, pb, tui_theme_attr(tui_theme_proc_role(th->proc)) |
                                            (t == a->sel_thread ? A(SELECTED) : 0));
                }
                if (!main_thread || s->nprocs <= 1)
                    tui_row_thread(&w, a, t, t == a->sel_thread ? A(SELECTED) : A(NORMAL));
            } else {
                tui_row_put(&w, tui_glyph_text(GLYPH_NEW), A(DIM));
                tui_row_put(&w, " idle", A(DIM));
            }
        }
    }
    if (a->session->gil_none) return;
    /* one row per live process: its GIL */
    int shown = 0, live = 0;
    for (uint32_t p = 0; p < s->nprocs; p++)
        if (!s->procs[p].exited && s->procs[p].started) live++;
    for (uint32_t p = 0; p < s->nprocs; p++) {
        const trace_fold_proc *pr = &s->procs[p];
        if (pr->exited || !pr->started) continue;
        if (y >= r->y + r->h) break;
        if (y == r->y + r->h - 1 && live - shown > 1) {
            tui_putf(y, r->x + 1, r->w - 1, A(DIM), "... and %d more processes", live - shown);
            break;
        }
        tui_row w = {y++, r->x + 1, r->x + r->w, false};
        char pb[32];
        snprintf(pb, sizeof pb, "GIL P%d ", pr->pid);
        tui_row_put(&w, pb, tui_theme_attr(tui_theme_proc_role((int)p)));
        if (pr->gil_holder >= 0) {
            tui_row_put(&w, tui_glyph_text(GLYPH_BULLET), A(HELD));
            tui_row_put(&w, " ", A(NORMAL));
            tui_row_thread(&w, a, pr->gil_holder, A(RUNNING));
        } else {
            tui_row_put(&w, tui_glyph_text(GLYPH_CIRCLE), A(FREE));
            tui_row_put(&w, " free", A(FREE));
        }
        tui_row_waiters(&w, a, &pr->gil_waiters, "waiting:");
        if (pr->gil_drop_request >= 0) {
            tui_row_put(&w, "  ", A(NORMAL));
            tui_row_put(&w, tui_glyph_text(GLYPH_FLAG), A(GIL_WAIT));
            tui_row_put(&w, " drop asked by ", A(GIL_WAIT));
            tui_row_thread(&w, a, pr->gil_drop_request, A(GIL_WAIT));
        }
        shown++;
    }
}

/* A queue's (pipe's, manager's) items in order: "[ 'A' | 'B' ] +3". */
static void tui_object_items(tui_row *w, const tui_app *a, const trace_fold_object *ob) {
    const trace_log *log = a->session->log;
    const trace_fold_list *it = &ob->items;
    char buf[32];
    tui_row_put(w, "[", A(DIM));
    /* leave room for " +N ]" */
    int save_end = w->end;
    w->end -= 12;
    uint32_t i = 0;
    for (; i < it->n && !w->full; i++) {
        tui_row_put(w, i ? " | " : " ", A(DIM));
        const char *item = tui_str(log, trace_fold_list_at(it, i));
        tui_row_put(w, *item ? item : "?", A(ITEM));
    }
    w->end = save_end;
    bool cut = w->full;
    w->full = false;
    if (cut || i < it->n) {
        snprintf(buf, sizeof buf, " +%u", it->n - i + (cut ? 1 : 0));
        tui_row_put(w, buf, A(DIM));
    }
    tui_row_put(w, " ]", A(DIM));
}

/* What a shared-memory write event wrote to element k: the value after
 * "init " / "write " (and after "[i] " or inside a slice's list). */
static void tui_shared_element(const trace_log *log, uint32_t seq, uint32_t k, bool array, strbuf *out) {
    if (seq == TRACE_FOLD_NONE || seq >= trace_log_count(log)) {
        sb_puts(out, "?");
        return;
    }
    const char *d = tui_str(log, trace_log_get(log, seq)->text);
    const char *sp = strchr(d, ' ');
    const char *v = sp ? sp + 1 : d;
    long from = 0;
    if (strncmp(d, "write [", 7) == 0) {
        /* "write [i] X" or "write [a:b] [x, y]" */
        from = strtol(d + 7, NULL, 10);
        const char *close = strchr(d + 7, ']');
        v = close && close[1] == ' ' ? close + 2 : v;
        if (!strchr(d + 7, ':') || !close || strchr(d + 7, ':') > close) {
            sb_puts(out, v);
            return;
        }
    } else if (!array) {
        sb_puts(out, v);
        return;
    }
    /* a list: element k - from, split at ", " (shared memory holds numbers) */
    if (*v == '[') v++;
    long idx = (long)k - from;
    for (long i = 0; i < idx && v; i++) {
        v = strstr(v, ", ");
        if (v) v += 2;
    }
    if (!v) {
        sb_puts(out, "?");
        return;
    }
    size_t len = strcspn(v, ",]");
    sb_append(out, v, len);
}

/* A shared Value ("= 3.14") or Array ("[0, -1, 2]"). */
static void tui_object_shared(tui_row *w, const tui_app *a, const trace_fold_object *ob) {
    const trace_log *log = a->session->log;
    bool array = ob->type == TO_ARRAY;
    strbuf b;
    sb_init(&b);
    if (!array) {
        sb_puts(&b, "= ");
        tui_shared_element(log, ob->items.n ? trace_fold_list_at(&ob->items, 0) : TRACE_FOLD_NONE, 0, false, &b);
    } else {
        sb_putc(&b, '[');
        for (uint32_t i = 0; i < ob->items.n && b.len < 400; i++) {
            if (i) sb_puts(&b, ", ");
            tui_shared_element(log, trace_fold_list_at(&ob->items, i), i, true, &b);
        }
        sb_putc(&b, ']');
    }
    tui_row_put(w, b.data, A(ITEM));
    sb_free(&b);
    tui_row_waiters(w, a, &ob->waiters, "waiting:");
}

/* Pool row 1: each worker and the task it runs ("P101 job 5"), or idle. */
static void tui_object_pool_workers(tui_row *w, const tui_app *a, const trace_fold_object *ob) {
    int32_t seen[64];
    int nseen = 0;
    char buf[96];
    for (uint32_t i = 0; i < ob->jobs.n && nseen < 64; i++) {
        int32_t pid = (int32_t)trace_fold_list_at(&ob->workers, i);
        bool known = pid <= 0;
        for (int k = 0; k < nseen && !known; k++) known = seen[k] == pid;
        if (!known) seen[nseen++] = pid;
    }
    for (int k = 0; k < nseen && !w->full; k++) {
        int64_t job = -1;
        for (uint32_t i = 0; i < ob->jobs.n; i++)
            if ((int32_t)trace_fold_list_at(&ob->workers, i) == seen[k] &&
                trace_fold_list_at(&ob->phases, i) == TP_STARTED)
                job = trace_fold_list_at(&ob->jobs, i);
        snprintf(buf, sizeof buf, "%sP%d ", k ? "  " : "", seen[k]);
        tui_row_put(w, buf, A(DIM));
        if (job >= 0) {
            snprintf(buf, sizeof buf, "job %lld", (long long)job);
            tui_row_put(w, buf, A(RUNNING));
        } else {
            tui_row_put(w, "idle", A(DIM));
        }
    }
    if (ob->value0 > nseen) {
        snprintf(buf, sizeof buf, "%s%d worker%s idle", nseen ? "  +" : "", ob->value0 - nseen,
                 ob->value0 - nseen == 1 ? "" : "s");
        tui_row_put(w, buf, A(DIM));
    }
    (void)a;
}

/* Pool row 2: pending tasks in order, then every result's state. */
static void tui_object_pool_tasks(tui_row *w, const tui_app *a, const trace_fold_object *ob) {
    char buf[48];
    tui_row_put(w, "pending:", A(DIM));
    int pending = 0;
    for (uint32_t i = 0; i < ob->jobs.n && !w->full; i++) {
        if (trace_fold_list_at(&ob->phases, i) != TP_SUBMITTED) continue;
        snprintf(buf, sizeof buf, " job %u", trace_fold_list_at(&ob->jobs, i));
        tui_row_put(w, buf, A(ITEM));
        pending++;
    }
    if (!pending) tui_row_put(w, " none", A(DIM));
    tui_row_put(w, "   results:", A(DIM));
    for (uint32_t i = 0; i < ob->jobs.n && !w->full; i++) {
        uint32_t ph = trace_fold_list_at(&ob->phases, i);
        if (ph == TP_SUBMITTED) continue;
        bool done = ph >= TP_DELIVERED;
        snprintf(buf, sizeof buf, " %s%u", done ? tui_glyph_text(GLYPH_FINISHED) : tui_glyph_text(GLYPH_ELLIPSIS),
                 trace_fold_list_at(&ob->jobs, i));
        tui_row_put(w, buf, done ? A(FREE) : A(DIM));
    }
    (void)a;
}

/* The contents of one object, after its name. */
static void tui_object_contents(tui_row *w, const tui_app *a, int32_t o) {
    const trace_fold_state *s = a->st;
    const trace_fold_object *ob = &s->objects[o];
    const trace_log *log = a->session->log;
    char buf[64];
    switch (ob->type) {
    case TO_LOCK:
    case TO_RLOCK:
        if (ob->owner >= 0) {
            tui_row_put(w, tui_glyph_text(GLYPH_BULLET), A(HELD));
            tui_row_put(w, " held by ", A(HELD));
            tui_row_thread(w, a, ob->owner, A(HELD));
            if (ob->type == TO_RLOCK && ob->depth > 1) {
                snprintf(buf, sizeof buf, " %s%d", tui_glyph_text(GLYPH_TIMES), ob->depth);
                tui_row_put(w, buf, A(HELD));
            }
        } else {
            tui_row_put(w, tui_glyph_text(GLYPH_CIRCLE), A(FREE));
            tui_row_put(w, " free", A(FREE));
        }
        tui_row_waiters(w, a, &ob->waiters, "waiting:");
        break;
    case TO_SEMAPHORE:
    case TO_BSEMAPHORE:
        snprintf(buf, sizeof buf, "count %d", ob->count);
        tui_row_put(w, buf, ob->count > 0 ? A(FREE) : A(HELD));
        snprintf(buf, sizeof buf, " (of %d)", ob->value0);
        tui_row_put(w, buf, A(DIM));
        tui_row_waiters(w, a, &ob->waiters, "waiting:");
        break;
    case TO_EVENT:
        tui_row_put(w, tui_glyph_text(ob->flag ? GLYPH_BULLET : GLYPH_CIRCLE), ob->flag ? A(FREE) : A(DIM));
        tui_row_put(w, ob->flag ? " set" : " clear", ob->flag ? A(FREE) : A(NORMAL));
        tui_row_waiters(w, a, &ob->waiters, "waiting:");
        break;
    case TO_CONDITION: {
        int32_t lk = trace_fold_object_slot(a->session->fold, ob->value0);
        if (lk >= 0 && (uint32_t)lk < s->nobjects) {
            tui_row_put(w, "lock ", A(DIM));
            tui_row_put(w, tui_object_name(log, s, lk), A(NORMAL));
        }
        tui_row_waiters(w, a, &ob->waiters, ob->waiters.n ? "waiting:" : "");
        if (!ob->waiters.n) tui_row_put(w, "  nobody waiting", A(DIM));
        break;
    }
    case TO_BARRIER:
        snprintf(buf, sizeof buf, "%u of %d waiting", ob->waiters.n, ob->value0);
        tui_row_put(w, buf, ob->waiters.n ? A(BLOCKED) : A(NORMAL));
        if (ob->broken) tui_row_put(w, "  broken", A(STDERR));
        tui_row_waiters(w, a, &ob->waiters, ":");
        break;
    case TO_QUEUE:
    case TO_PIPE: {
        const trace_fold_list *it = &ob->items;
        tui_object_items(w, a, ob);
        if (ob->type == TO_QUEUE && ob->value0 > 0) {
            snprintf(buf, sizeof buf, " %u/%d", it->n, ob->value0);
            tui_row_put(w, buf, (int)it->n >= ob->value0 ? A(HELD) : A(DIM));
        }
        tui_row_waiters(w, a, &ob->waiters, "waiting:");
        break;
    }
    case TO_VALUE:
    case TO_ARRAY: tui_object_shared(w, a, ob); break;
    case TO_MANAGER: {
        snprintf(buf, sizeof buf, "server P%d", ob->value0);
        tui_row_put(w, buf, A(DIM));
        tui_row_put(w, "  in flight: ", A(DIM));
        tui_object_items(w, a, ob);
        tui_row_waiters(w, a, &ob->waiters, "waiting:");
        break;
    }
    case TO_POOL: tui_object_pool_workers(w, a, ob); break;
    default: {
        /* a type this version does not know: the latest operation */
        tui_row_put(w, tui_object_type_title(ob->type), A(DIM));
        tui_row_waiters(w, a, &ob->waiters, "waiting:");
        if (ob->last_seq != ob->seq_new && ob->last_seq < a->player.pos) {
            strbuf d;
            sb_init(&d);
            tui_describe_event(a->session->fold, s, ob->last_seq, &d);
            tui_row_put(w, "  last: ", A(DIM));
            tui_row_put(w, d.data, A(NORMAL));
            sb_free(&d);
        }
        break;
    }
    }
}

void tui_draw_objects(tui_app *a) {
    const tui_rect *r = &a->layout.objects;
    const trace_fold_state *s = a->st;
    const trace_log *log = a->session->log;
    free(a->object_rows);
    a->nobject_rows = r->h;
    a->object_rows = xreallocarray(NULL, (size_t)(r->h > 0 ? r->h : 1), sizeof *a->object_rows);
    for (int i = 0; i < r->h; i++) a->object_rows[i] = -1;
    int n = (int)s->nobjects;
    if (n == 0) {
        tui_puts(r->y, r->x + 1, r->w - 1, "no locks, queues or other objects yet", A(DIM));
        return;
    }
    if (a->sel_object >= n) a->sel_object = n - 1;
    if (a->focus == PANE_OBJECTS && a->sel_object >= 0) {
        if (a->sel_object < a->objects_top) a->objects_top = a->sel_object;
        if (a->sel_object >= a->objects_top + r->h) a->objects_top = a->sel_object - r->h + 1;
    }
    if (a->objects_top > n - r->h) a->objects_top = n - r->h;
    if (a->objects_top < 0) a->objects_top = 0;
    int label_w = 6;
    for (int o = 0; o < n; o++) {
        const char *l = tui_object_name(log, s, o);
        int lw = tui_text_width(l, strlen(l), tui_screen_ascii());
        if (lw > label_w) label_w = lw;
    }
    if (label_w > r->w / 3) label_w = r->w / 3;
    int row = 0, next = a->objects_top;
    for (int o = a->objects_top; row < r->h && o < n; o++, row++, next = o) {
        int y = r->y + row;
        a->object_rows[row] = o;
        const trace_fold_object *ob = &s->objects[o];
        bool selected = o == a->sel_object && a->focus == PANE_OBJECTS;
        bool changed = a->player.pos > 0 && ob->last_seq == a->player.pos - 1;
        attr_t la = selected ? A(SELECTED) : changed ? A(CHANGED) : A(TITLE);
        const char *l = tui_object_name(log, s, o);
        tui_put_ellipsized(y, r->x + 1, label_w, l, strlen(l), la);
        tui_row w = {y, r->x + 2 + label_w, r->x + r->w, false};
        tui_object_contents(&w, a, o);
        if (ob->type == TO_POOL && row + 1 < r->h) {
            /* a pool takes a second row: its pending tasks and results */
            row++;
            a->object_rows[row] = o;
            tui_row w2 = {y + 1, r->x + 2 + label_w, r->x + r->w, false};
            tui_object_pool_tasks(&w2, a, ob);
        }
    }
    if (a->objects_top > 0) tui_put_glyph(r->y, r->x + r->w - 1, 1, GLYPH_UP, A(DIM));
    if (next + 1 < n) tui_put_glyph(r->y + r->h - 1, r->x + r->w - 1, 1, GLYPH_DOWN, A(DIM));
}
