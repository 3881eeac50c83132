/* sim_gil.c - one global interpreter lock per process, in three models:
 * new (CPython 3.2+: a waiter asks the holder to drop it after the switch
 * interval, and the drop is a forced hand-off), old (the holder lets a
 * waiter in every 100 bytecodes), none (free-threaded: no lock at all).
 * See FACTS.md section 11. */
#include "sim/sim_internal.h"

bool sim_gil_used(const sim_proc *p) { return p->s->cfg.gil != SIM_GIL_NONE; }

static void gil_take(sim_thread *st) {
    sim_gil *g = &st->proc->gil;
    g->holder = st;
    g->switch_number++;
    g->drop_request = false;
    g->ticks_at_take = st->vt->ticks;
    st->has_gil = true;
    sim_emit(st->s, TRACE_GIL_TAKE, st->proc->pid, st->tid, -1, 0, 0, NULL, 0);
}

/* The waiter's timed wait ran out: ask the holder to drop the GIL, unless a
 * switch happened meanwhile (then wait another interval, as take_gil does). */
static void on_interval(sim *s, sim_event *e) {
    sim_thread *st = e->th;
    sim_gil *g = &st->proc->gil;
    if (!sim_tlist_contains(&g->waiters, st) || !g->holder) return;
    if (g->switch_number != e->gen) {
        sim_schedule(s, s->now + st->vt->vm->switch_interval_ns, on_interval, st, NULL, g->switch_number, 0);
        return;
    }
    if (!g->drop_request) {
        g->drop_request = true;
        sim_emit(s, TRACE_GIL_DROP_REQUEST, st->proc->pid, st->tid, -1, 0, 0, NULL, 0);
    }
}

void sim_gil_request(sim_thread *st) {
    sim_gil *g = &st->proc->gil;
    if (!g->holder) {
        gil_take(st);
        sim_runq_add(st);
        return;
    }
    sim_tlist_push(&g->waiters, st);
    sim_thread_set_state(st, TS_GIL_WAIT, -1, NULL);
    sim_emit(st->s, TRACE_GIL_REQUEST, st->proc->pid, st->tid, -1, 0, 0, NULL, 0);
    if (st->s->cfg.gil == SIM_GIL_NEW)
        sim_schedule(st->s, st->s->now + st->vt->vm->switch_interval_ns, on_interval, st, NULL, g->switch_number, 0);
}

void sim_gil_drop(sim_thread *st, trace_gil_reason why) {
    sim_gil *g = &st->proc->gil;
    if (g->holder != st) return;
    g->holder = NULL;
    g->drop_request = false;
    st->has_gil = false;
    sim_emit(st->s, TRACE_GIL_DROP, st->proc->pid, st->tid, -1, (int)why, 0, NULL, 0);
    while (g->waiters.n > 0) {
        int k = sim_policy_pick(st->s, SIM_PICK_GIL, g->waiters.items, g->waiters.n);
        sim_thread *w = g->waiters.items[k];
        sim_tlist_remove(&g->waiters, w);
        if (w->state != TS_GIL_WAIT) continue;
        gil_take(w);
        sim_runq_add(w);
        break;
    }
}

bool sim_gil_check(sim_thread *st) {
    if (!sim_gil_used(st->proc) || !st->has_gil) return false;
    sim_gil *g = &st->proc->gil;
    trace_gil_reason why;
    if (st->s->cfg.gil == SIM_GIL_NEW) {
        if (!g->drop_request || g->waiters.n == 0) return false;
        why = TG_FORCED;
    } else {
        if (st->vt->ticks - g->ticks_at_take < 100) return false;
        if (g->waiters.n == 0) {
            g->ticks_at_take = st->vt->ticks;
            return false;
        }
        why = TG_TICKS;
    }
    sim_core_release(st);
    sim_gil_drop(st, why);
    sim_gil_request(st);
    return true;
}
