/* sim_thread.c - a simulated thread's life: creation, its state changes
 * (each one a trace event), blocking with an optional deadline, waking, and
 * its end. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lang/obj.h"
#include "lang/xalloc.h"
#include "sim/sim_internal.h"

sim_thread *sim_current(vm_thread *vt) { return vt ? (sim_thread *)vt->owner : NULL; }

int sim_thread_line(const sim_thread *st) {
    const vm_thread *vt = st->vt;
    for (uint32_t i = vt->nframes; i-- > 0;) {
        const vm_frame *f = &vt->frames[i];
        if (f->co->firstline == 0) continue; /* the bootstrap frame */
        uint32_t ip = f->ip ? f->ip - 1 : 0;
        int line = ip < f->co->ncode ? f->co->lines[ip] : f->co->firstline;
        return line > 0 && line < 65536 ? line : 0;
    }
    return 0;
}

sim_thread *sim_thread_new(sim_proc *p, const char *name, bool is_main) {
    sim *s = p->s;
    sim_thread *st = xcalloc(1, sizeof(sim_thread));
    st->s = s;
    st->proc = p;
    st->vt = vm_thread_new(p->vm);
    st->vt->owner = st;
    st->vt->op_cost_ps = s->cfg.op_cost_ps;
    vm_set_now(st->vt, s->now);
    st->tid = s->nthreads + 1;
    st->ident = is_main ? 140000000000000LL + (int64_t)p->pid * 4096 : (s->next_ident += 0x801000);
    st->native_id = is_main ? p->pid : p->pid + 1000 + st->tid;
    st->name = xstrdup(name);
    st->is_main = is_main;
    st->state = TS_NEW;
    st->core = -1;
    st->wait_obj = -1;
    st->deadline = -1;
    st->pyobj = v_undef();
    st->exc = v_undef();
    if (s->nthreads == s->threads_cap) {
        s->threads_cap = s->threads_cap ? s->threads_cap * 2 : 16;
        s->threads = xreallocarray(s->threads, (size_t)s->threads_cap, sizeof(sim_thread *));
    }
    s->threads[s->nthreads++] = st;
    if (p->nthreads == p->threads_cap) {
        p->threads_cap = p->threads_cap ? p->threads_cap * 2 : 8;
        p->threads = xreallocarray(p->threads, (size_t)p->threads_cap, sizeof(sim_thread *));
    }
    p->threads[p->nthreads++] = st;
    sim_emit(s, TRACE_THREAD_NEW, p->pid, st->tid, -1, 0, 0, name, strlen(name));
    return st;
}

void sim_thread_free(sim_thread *st) {
    sim_tlist_free(&st->joiners);
    free(st->name);
    free(st);
}

void sim_thread_set_state(sim_thread *st, trace_state state, int objid, const char *what) {
    st->state = state;
    sim_emit(st->s, TRACE_THREAD_STATE, st->proc->pid, st->tid, objid, (int)state,
             state == TS_RUNNING ? st->core : -1, what, what ? strlen(what) : 0);
}

void sim_thread_make_runnable(sim_thread *st) {
    if (sim_gil_used(st->proc) && !st->has_gil) sim_gil_request(st);
    else sim_runq_add(st);
}

static void on_deadline(sim *s, sim_event *e) {
    (void)s;
    sim_thread *st = e->th;
    if (e->gen != st->timer_gen) return; /* the wait ended already */
    if (st->state != TS_BLOCKED && st->state != TS_SLEEPING) return;
    if (st->on_timeout) st->on_timeout(st);
    else sim_thread_wake(st, v_none(), false);
}

void sim_thread_block(sim_thread *st, trace_state state, int objid, const char *what, int64_t deadline,
                      sim_timeout_fn on_timeout, void *data) {
    sim *s = st->s;
    int64_t t = vm_now(st->vt);
    if (t > s->now) s->now = t;
    st->wait_obj = objid;
    st->wait_what = what;
    st->on_timeout = on_timeout;
    st->wait_data = data;
    st->deadline = deadline;
    st->timed_out = false;
    st->timer_gen++;
    if (st->has_gil) sim_gil_drop(st, TG_BLOCKING);
    sim_core_release(st);
    sim_thread_set_state(st, state, objid, what);
    if (deadline >= 0) sim_schedule(s, deadline, on_deadline, st, NULL, st->timer_gen, 0);
}

void sim_thread_wake(sim_thread *st, value result, bool err) {
    if (st->state == TS_FINISHED) return;
    st->timer_gen++;
    st->wait_obj = -1;
    st->wait_what = NULL;
    st->on_timeout = NULL;
    st->wait_data = NULL;
    st->deadline = -1;
    vm_thread_resume(st->vt, result, err);
    sim_thread_make_runnable(st);
}

/* "Exception in thread NAME:" and the traceback, as threading.excepthook. */
static void report_thread_exception(sim_thread *st, value exc) {
    vm *m = st->proc->vm;
    if (vm_exc_matches(m, exc, m->cls.SystemExit)) return;
    char head[300];
    snprintf(head, sizeof head, "Exception in thread %s:\n", st->name);
    vm_write(m, 2, head, strlen(head));
    exc_print_traceback(st->vt, exc);
}

/* Removes a finished thread from the CPU, the GIL and every queue. */
void sim_thread_retire(sim_thread *st);
void sim_thread_retire(sim_thread *st) {
    sim_proc *p = st->proc;
    if (st->has_gil) sim_gil_drop(st, TG_EXIT);
    sim_tlist_remove(&p->gil.waiters, st);
    sim_core_release(st);
    st->timer_gen++;
    st->cpu_left_ns = 0;
    sim_thread_set_state(st, TS_FINISHED, -1, NULL);
    while (st->joiners.n > 0) sim_thread_wake(sim_tlist_pop(&st->joiners), v_none(), false);
}

void sim_thread_finished(sim_thread *st) {
    st->exc = st->vt->exc;
    st->vt->exc = v_undef();
    if (st->is_main) {
        sim_proc_main_done(st);
        return;
    }
    if (st->exc.tag != VT_UNDEF) report_thread_exception(st, st->exc);
    sim_thread_retire(st);
    sim_proc *p = st->proc;
    if (p->main && p->main->shutdown_phase > 0) sim_proc_shutdown_step(p);
}
