/* sim_deadlock.c - explains a deadlock: for every blocked thread, what it
 * waits for and who holds that, then the wait-for cycle if there is one:
 * "deadlock at t=2.000s: Thread-1 holds lock_a and waits for lock_b; ..." */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lang/strbuf.h"
#include "sim/sim_internal.h"

/* What st waits for, and the thread holding it (or NULL). */
static void waits_for(sim_thread *st, const char **label, sim_thread **holder, bool *is_thread) {
    *label = NULL;
    *holder = NULL;
    *is_thread = false;
    if (!st->wait_data) return;
    sim_waitable *w = st->wait_data;
    sim_holder_info info;
    memset(&info, 0, sizeof info);
    w->describe(st->wait_data, &info);
    *label = info.label;
    *is_thread = info.is_thread;
    if (info.nholders > 0) *holder = info.holders[0];
}

/* The locks st holds, as a comma list (looked up via the waiters' info). */
static void holds(sim *s, sim_thread *st, strbuf *out) {
    int n = 0;
    for (int i = 0; i < s->nthreads; i++) {
        sim_thread *o = s->threads[i];
        if (o == st || o->state != TS_BLOCKED) continue;
        const char *label;
        sim_thread *holder;
        bool is_thread;
        waits_for(o, &label, &holder, &is_thread);
        if (holder == st && label && !is_thread && !strstr(out->data ? out->data : "", label)) {
            sb_puts(out, n++ ? ", " : "");
            sb_puts(out, label);
        }
    }
}

char *sim_deadlock_report(sim *s) {
    strbuf sb;
    sb_init(&sb);
    sb_printf(&sb, "deadlock at t=%.3fs: ", (double)s->now / 1e9);
    int n = 0;
    for (int i = 0; i < s->nthreads; i++) {
        sim_thread *st = s->threads[i];
        if (st->state != TS_BLOCKED && st->state != TS_GIL_WAIT) continue;
        if (n++) sb_puts(&sb, "; ");
        sb_puts(&sb, st->name);
        if (s->nprocs > 1) sb_printf(&sb, " (%s)", st->proc->name);
        strbuf h;
        sb_init(&h);
        holds(s, st, &h);
        if (h.len) sb_printf(&sb, " holds %s and", h.data);
        sb_free(&h);
        const char *label;
        sim_thread *holder;
        bool is_thread;
        waits_for(st, &label, &holder, &is_thread);
        if (label && is_thread) {
            sb_printf(&sb, " waits for %s to finish", label);
        } else if (label) {
            sb_printf(&sb, " waits for %s", label);
            if (holder && holder != st) sb_printf(&sb, " (held by %s)", holder->name);
            else if (holder == st) sb_puts(&sb, " (which it holds itself)");
        } else if (st->wait_what) {
            sb_printf(&sb, " waits in %s", st->wait_what);
        } else {
            sb_puts(&sb, " waits");
        }
    }
    if (n == 0) sb_puts(&sb, "no thread can run and nothing is scheduled");
    /* the cycle, following holders */
    for (int i = 0; i < s->nthreads; i++) {
        sim_thread *start = s->threads[i];
        if (start->state != TS_BLOCKED) continue;
        sim_thread *cur = start;
        int steps = 0;
        while (cur && steps < s->nthreads + 1) {
            const char *label;
            sim_thread *holder;
            bool is_thread;
            waits_for(cur, &label, &holder, &is_thread);
            cur = holder;
            steps++;
            if (cur == start) break;
        }
        if (cur == start) {
            sb_puts(&sb, "; cycle: ");
            cur = start;
            for (int k = 0; k < steps; k++) {
                const char *label;
                sim_thread *holder;
                bool is_thread;
                waits_for(cur, &label, &holder, &is_thread);
                sb_printf(&sb, "%s -> ", cur->name);
                cur = holder;
            }
            sb_puts(&sb, start->name);
            break;
        }
    }
    return sb_take(&sb);
}
