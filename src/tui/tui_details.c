/* tui_details.c - the text of the details window (Enter): for a thread,
 * its state, what it waits for, its line, its GIL and core, its call stack
 * and locals (rebuilt by the session), and its recent states; for an object, its full contents and its history up to the
 * cursor. Built from the fold's state and indexes; no curses. */
#include <string.h>

#include "tui/tui_app.h"
#include "tui/tui_describe.h"

/* The history shown is capped so a busy object stays readable. */
#define TUI_DETAILS_HISTORY 60

static void tui_details_list(const tui_app *a, const trace_fold_list *l, strbuf *out) {
    if (l->n == 0) {
        sb_puts(out, "nobody");
        return;
    }
    for (uint32_t i = 0; i < l->n; i++) {
        if (i) sb_puts(out, ", ");
        sb_printf(out, "%u. %s", i + 1, tui_thread_name(a->session->log, a->st, (int32_t)trace_fold_list_at(l, i)));
    }
}

/* Program line 'line' without its indentation, after ":  " (nothing if
 * the program text is not known). */
static void tui_details_source(const tui_app *a, int line, strbuf *out) {
    size_t len;
    const char *src = tui_session_line(a->session, line, &len);
    if (!src) return;
    while (len && (*src == ' ' || *src == '\t')) {
        src++;
        len--;
    }
    sb_puts(out, ":  ");
    sb_append(out, src, len);
}

/* The thread's call stack and locals at the cursor: the trace does not hold
 * them, so the session rebuilds them by running the program again. */
static void tui_details_frames(const tui_app *a, const trace_fold_thread *th, strbuf *out) {
    const char *why;
    const sim_snapshot *snap = tui_session_frames(a->session, a->player.pos, &why);
    if (!snap) {
        sb_printf(out, "\nCall stack: not available (%s).\n", why);
        return;
    }
    const sim_snapshot_thread *t = sim_snapshot_thread_of(snap, th->tid);
    if (!t || t->nframes == 0) {
        sb_printf(out, "\nCall stack: none (%s).\n",
                  th->state == TS_NEW        ? "the thread has not started"
                  : th->state == TS_FINISHED ? "the thread has finished"
                                             : "it runs the machine's own code, not the program's");
        return;
    }
    sb_puts(out, "\nCall stack (innermost first) and local variables:\n");
    for (size_t k = 0; k < t->nframes; k++) {
        const sim_snapshot_frame *f = &t->frames[k];
        sb_printf(out, "  %s%s, line %d", f->function, f->function[0] == '<' ? "" : "()", f->line);
        tui_details_source(a, f->line, out);
        sb_putc(out, '\n');
        if (f->nvars == 0) sb_puts(out, "      (no variables yet)\n");
        for (size_t j = 0; j < f->nvars; j++) sb_printf(out, "      %s = %s\n", f->vars[j].name, f->vars[j].repr);
    }
}

void tui_details_thread(const tui_app *a, int32_t thread, strbuf *title, strbuf *out) {
    const trace_fold_state *s = a->st;
    const trace_log *log = a->session->log;
    const trace_fold_thread *th = &s->threads[thread];
    sb_printf(title, "Thread %s", tui_str(log, th->name));
    const trace_fold_proc *p = th->proc >= 0 ? &s->procs[th->proc] : NULL;
    sb_printf(out, "process     P%d %s\n", th->pid, p ? tui_str(log, p->name) : "?");
    sb_printf(out, "thread id   %d%s\n", th->tid, th->daemon ? " (daemon)" : "");
    sb_printf(out, "state       %s since ", tui_state_words(th->state));
    tui_format_time(th->since_t, out);
    sb_printf(out, " (event %u)\n", th->since_seq);
    if (th->state == TS_RUNNING) sb_printf(out, "core        %d\n", th->core);
    if (th->wait_obj >= 0) {
        const trace_fold_object *ob = &s->objects[th->wait_obj];
        sb_printf(out, "waits for   %s (%s)", tui_object_name(log, s, th->wait_obj), tui_object_type_title(ob->type));
        if (ob->owner >= 0) sb_printf(out, ", held by %s", tui_thread_name(log, s, ob->owner));
        sb_putc(out, '\n');
    }
    const char *what = tui_str(log, th->what);
    if (*what) sb_printf(out, "doing       %s\n", what);
    if (th->line) {
        sb_printf(out, "line        %u", th->line);
        tui_details_source(a, th->line, out);
        sb_putc(out, '\n');
    }
    if (p && !a->session->gil_none) {
        sb_puts(out, "GIL         ");
        if (th->has_gil) {
            sb_puts(out, "holds it");
            if (p->gil_drop_request >= 0)
                sb_printf(out, " (%s asked it to drop it)", tui_thread_name(log, s, p->gil_drop_request));
        } else {
            uint32_t k = 0;
            for (; k < p->gil_waiters.n; k++)
                if (trace_fold_list_at(&p->gil_waiters, k) == (uint32_t)thread) break;
            if (k < p->gil_waiters.n) sb_printf(out, "waiting, number %u in line", k + 1);
            else sb_puts(out, "does not hold it");
        }
        sb_putc(out, '\n');
    }
    tui_details_frames(a, th, out);
    const trace_fold_seqs *c = trace_fold_thread_changes(a->session->fold, thread);
    size_t upto = trace_fold_seqs_before(c, a->player.pos);
    size_t from = upto > 12 ? upto - 12 : 0;
    sb_puts(out, "\nRecent states (latest last):\n");
    if (upto == 0) sb_puts(out, "  (none yet)\n");
    for (size_t k = from; k < upto; k++) {
        const trace_event *ev = trace_log_get(log, c->v[k]);
        sb_puts(out, "  ");
        tui_format_time(ev->t, out);
        sb_printf(out, "  #%u  %s", c->v[k], tui_state_words(ev->a));
        if (ev->a == TS_RUNNING) sb_printf(out, " on core %d", ev->b);
        const char *w = tui_str(log, ev->text);
        if (*w) sb_printf(out, ": %s", w);
        if (ev->line) sb_printf(out, " (line %u)", ev->line);
        sb_putc(out, '\n');
    }
}

void tui_details_object(const tui_app *a, int32_t object, strbuf *title, strbuf *out) {
    const trace_fold_state *s = a->st;
    const trace_log *log = a->session->log;
    const trace_fold_object *ob = &s->objects[object];
    sb_printf(title, "%s %s", tui_object_type_title(ob->type), tui_object_name(log, s, object));
    sb_printf(out, "created     by %s in P%d, ", ob->creator >= 0 ? tui_thread_name(log, s, ob->creator) : "?", ob->pid);
    tui_format_time(trace_log_get(log, ob->seq_new)->t, out);
    uint16_t line = trace_log_get(log, ob->seq_new)->line;
    if (line) sb_printf(out, ", line %u", line);
    sb_putc(out, '\n');
    switch (ob->type) {
    case TO_LOCK:
    case TO_RLOCK:
        sb_printf(out, "owner       %s", ob->owner >= 0 ? tui_thread_name(log, s, ob->owner) : "nobody (free)");
        if (ob->type == TO_RLOCK && ob->owner >= 0) sb_printf(out, ", %d level%s deep", ob->depth, ob->depth == 1 ? "" : "s");
        sb_putc(out, '\n');
        break;
    case TO_SEMAPHORE:
    case TO_BSEMAPHORE: sb_printf(out, "count       %d (initial value %d)\n", ob->count, ob->value0); break;
    case TO_EVENT: sb_printf(out, "flag        %s\n", ob->flag ? "set" : "clear"); break;
    case TO_BARRIER:
        sb_printf(out, "parties     %d; %u waiting%s\n", ob->value0, ob->waiters.n, ob->broken ? "; broken" : "");
        break;
    case TO_QUEUE:
    case TO_PIPE:
        sb_printf(out, "items       %u", ob->items.n);
        if (ob->type == TO_QUEUE && ob->value0 > 0) sb_printf(out, " (maxsize %d)", ob->value0);
        sb_printf(out, "; %u put, %u taken so far\n", ob->nput, ob->nget);
        for (uint32_t i = 0; i < ob->items.n; i++)
            sb_printf(out, "  %u. %s\n", i + 1, tui_str(log, trace_fold_list_at(&ob->items, i)));
        break;
    default: break;
    }
    sb_puts(out, "waiting     ");
    tui_details_list(a, &ob->waiters, out);
    sb_puts(out, "\n\nHistory up to now (latest last):\n");
    const trace_fold_seqs *ev = trace_fold_object_events(a->session->fold, object);
    size_t upto = trace_fold_seqs_before(ev, a->player.pos);
    size_t from = upto > TUI_DETAILS_HISTORY ? upto - TUI_DETAILS_HISTORY : 0;
    if (from) sb_printf(out, "  ... %zu earlier events\n", from);
    for (size_t k = from; k < upto; k++) {
        sb_puts(out, "  ");
        tui_format_time(trace_log_get(log, ev->v[k])->t, out);
        sb_printf(out, "  #%u  ", ev->v[k]);
        tui_describe_event(a->session->fold, s, ev->v[k], out);
        sb_putc(out, '\n');
    }
}
