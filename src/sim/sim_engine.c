/* sim_engine.c - the discrete-event core of the simulated machine: the event
 * heap ordered by (time, sequence), the cores and the OS run queue, and the
 * main loop that always advances the earliest thing (an event or the core
 * whose clock is furthest behind). Interactions between threads happen in
 * virtual-time order because a thread that is ahead yields at every
 * interaction (vm_sync_point) until the others have caught up. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lang/obj.h"
#include "lang/xalloc.h"
#include "sim/sim_internal.h"

enum {
    SIM_TIMESLICE_NS = 4000000,   /* the OS gives a CPU-bound thread 4 ms before rotating */
    SIM_LOOKAHEAD_NS = 50000,     /* how far one core may run ahead of another (50 us) */
    SIM_MAX_SLICE_OPS = 200000,
    SIM_MAX_CORES = 64
};

void sim_config_default(sim_config *cfg) {
    memset(cfg, 0, sizeof *cfg);
    cfg->cores = 4;
    cfg->start_method = SIM_FORK;
    cfg->gil = SIM_GIL_NEW;
    cfg->switch_interval_ns = 5000000;
    cfg->max_time_ns = 600LL * 1000000000LL;
    cfg->max_processes = 64;
    cfg->max_threads = 1000;
}

/* ------------------------------------------------------------ thread lists */

void sim_tlist_push(sim_tlist *l, sim_thread *t) {
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 8;
        l->items = xreallocarray(l->items, (size_t)l->cap, sizeof(sim_thread *));
    }
    l->items[l->n++] = t;
}

sim_thread *sim_tlist_pop(sim_tlist *l) {
    if (l->n == 0) return NULL;
    sim_thread *t = l->items[0];
    memmove(l->items, l->items + 1, (size_t)(l->n - 1) * sizeof(sim_thread *));
    l->n--;
    return t;
}

bool sim_tlist_remove(sim_tlist *l, sim_thread *t) {
    for (int i = 0; i < l->n; i++)
        if (l->items[i] == t) {
            memmove(l->items + i, l->items + i + 1, (size_t)(l->n - i - 1) * sizeof(sim_thread *));
            l->n--;
            return true;
        }
    return false;
}

bool sim_tlist_contains(const sim_tlist *l, const sim_thread *t) {
    for (int i = 0; i < l->n; i++)
        if (l->items[i] == t) return true;
    return false;
}

void sim_tlist_free(sim_tlist *l) {
    free(l->items);
    l->items = NULL;
    l->n = l->cap = 0;
}

/* ----------------------------------------------------------- event heap */

static bool ev_before(const sim_event *a, const sim_event *b) {
    return a->t < b->t || (a->t == b->t && a->seq < b->seq);
}

void sim_schedule(sim *s, int64_t t, sim_event_fn fn, sim_thread *th, sim_proc *proc, uint64_t gen, int64_t arg) {
    if (s->nheap == s->heap_cap) {
        s->heap_cap = s->heap_cap ? s->heap_cap * 2 : 64;
        s->heap = xreallocarray(s->heap, s->heap_cap, sizeof(sim_event));
    }
    sim_event e = {t < s->now ? s->now : t, s->next_seq++, fn, th, proc, gen, arg};
    size_t i = s->nheap++;
    while (i > 0) {
        size_t parent = (i - 1) / 2;
        if (!ev_before(&e, &s->heap[parent])) break;
        s->heap[i] = s->heap[parent];
        i = parent;
    }
    s->heap[i] = e;
}

static sim_event heap_pop(sim *s) {
    sim_event top = s->heap[0];
    sim_event last = s->heap[--s->nheap];
    size_t i = 0;
    for (;;) {
        size_t l = 2 * i + 1, r = l + 1, m = i;
        const sim_event *best = &last;
        if (l < s->nheap && ev_before(&s->heap[l], best)) {
            m = l;
            best = &s->heap[l];
        }
        if (r < s->nheap && ev_before(&s->heap[r], best)) m = r;
        if (m == i) break;
        s->heap[i] = s->heap[m];
        i = m;
    }
    if (s->nheap) s->heap[i] = last;
    return top;
}

/* ---------------------------------------------------------------- trace */

int64_t sim_time_of(const sim_thread *st) {
    if (st && st->state == TS_RUNNING) {
        int64_t t = vm_now(st->vt);
        return t > st->s->now ? t : st->s->now;
    }
    return st ? st->s->now : 0;
}

void sim_emit(sim *s, trace_kind kind, int pid, int tid, int objid, int a, int b, const char *text, size_t len) {
    if (!s->log) return;
    trace_event ev;
    memset(&ev, 0, sizeof ev);
    ev.t = s->now;
    ev.kind = (uint16_t)kind;
    ev.pid = pid;
    ev.tid = tid;
    ev.obj = objid;
    ev.a = a;
    ev.b = b;
    ev.text = text ? trace_log_intern(s->log, text, len) : 0;
    if (tid > 0 && tid <= s->nthreads) ev.line = (uint16_t)sim_thread_line(s->threads[tid - 1]);
    trace_log_add(s->log, &ev);
    if (s->snap_at && !s->snap && trace_log_count(s->log) == s->snap_at) s->snap = sim_snapshot_capture(s);
}

int sim_new_object(sim *s, sim_thread *st, trace_obj_type type, int value0, const char *label) {
    int id = ++s->next_obj;
    char buf[96];
    if (!label) {
        /* named after the variable it is being assigned to, when there is
           one: the view and the timeline then say lock_a, not lock#3 */
        const char *var = st ? vm_pending_store_name(st->vt) : NULL;
        if (var) snprintf(buf, sizeof buf, "%.80s", var);
        else snprintf(buf, sizeof buf, "%s#%d", trace_obj_type_name(type), id);
        label = buf;
    }
    sim_emit(s, TRACE_OBJ_NEW, st ? st->proc->pid : -1, st ? st->tid : -1, id, (int)type, value0, label, strlen(label));
    return id;
}

/* ---------------------------------------------------------------- policy */

int sim_policy_pick(sim *s, sim_choice what, sim_thread *const *candidates, int n) {
    /* The default policy is FIFO everywhere, as measured in FACTS.md section 7
     * (queued waiters served in arrival order). Other policies (the user
     * picking, exhaustive exploration) plug in here. */
    (void)s;
    (void)what;
    (void)candidates;
    return n > 0 ? 0 : -1;
}

void sim_finish(sim *s, int status, const char *message) {
    if (s->finished) return;
    s->finished = true;
    s->exit_status = status;
    free(s->end_message);
    s->end_message = message ? xstrdup(message) : NULL;
    const char *reason = message ? message : "the program ended";
    sim_emit(s, TRACE_RUN_END, -1, -1, -1, status, 0, reason, strlen(reason));
}

/* ----------------------------------------------------------------- cores */

static int free_core(sim *s) {
    for (int c = 0; c < s->cfg.cores; c++)
        if (!s->cores[c]) return c;
    return -1;
}

static void core_assign(sim *s, int c, sim_thread *st) {
    s->cores[c] = st;
    st->core = c;
    int64_t t = vm_now(st->vt);
    if (t < s->now) vm_set_now(st->vt, s->now);
    st->slice_end = s->now + SIM_TIMESLICE_NS;
    sim_thread_set_state(st, TS_RUNNING, -1, NULL);
}

/* Gives free cores to threads waiting in the run queue. */
static void dispatch(sim *s) {
    while (s->runq.n > 0) {
        int c = free_core(s);
        if (c < 0) return;
        int k = sim_policy_pick(s, SIM_PICK_CORE, s->runq.items, s->runq.n);
        sim_thread *st = s->runq.items[k];
        sim_tlist_remove(&s->runq, st);
        core_assign(s, c, st);
    }
}

void sim_runq_add(sim_thread *st) {
    sim *s = st->s;
    sim_thread_set_state(st, TS_READY, -1, NULL);
    sim_tlist_push(&s->runq, st);
    dispatch(s);
}

void sim_core_release(sim_thread *st) {
    sim *s = st->s;
    if (st->core >= 0 && s->cores[st->core] == st) s->cores[st->core] = NULL;
    st->core = -1;
    sim_tlist_remove(&s->runq, st);
}

/* The running core whose clock is furthest behind (ties: lowest index). */
static int min_core(const sim *s, int except, int64_t *t_out) {
    int best = -1;
    int64_t bt = 0;
    for (int c = 0; c < s->cfg.cores; c++) {
        sim_thread *st = s->cores[c];
        if (!st || c == except) continue;
        int64_t t = vm_now(st->vt);
        if (best < 0 || t < bt) {
            best = c;
            bt = t;
        }
    }
    if (t_out) *t_out = bt;
    return best;
}

/* vm_sync_point's question: must the running thread let others catch up? */
static bool sim_must_sync(vm_thread *vt) {
    sim_thread *st = sim_current(vt);
    if (!st || st->core < 0) return false;
    sim *s = st->s;
    int64_t t = vm_now(vt), other;
    /* Cores compare the time this instruction started: the tick is already
     * counted, and threads less than one bytecode apart would otherwise
     * each yield to the other forever (seen under gil: none). */
    int64_t started = vt->ticks > vt->clock_ticks
                          ? vt->clock_ns + (vt->ticks - 1 - vt->clock_ticks) * vt->op_cost_ps / 1000
                          : t;
    if (min_core(s, st->core, &other) >= 0 && other < started) return true;
    if (s->nheap && s->heap[0].t < t) return true;
    if (t > s->now) s->now = t;
    return false;
}

/* ------------------------------------------------------------ the loop */

static void handle_block(sim_thread *st) {
    vm_thread *vt = st->vt;
    sim *s = st->s;
    int kind = vt->wait.kind;
    if (kind == WAIT_SYNC) {
        vt->wait.kind = WAIT_NONE;
        vt->wait.rewind = false;
        return;
    }
    int64_t t = vm_now(vt);
    if (t > s->now) s->now = t;
    switch (kind) {
    case WAIT_SLEEP: case WAIT_IO:
        sim_thread_block(st, TS_SLEEPING, -1, kind == WAIT_IO ? "concviz.io()" : "time.sleep()", vt->wait.until_ns,
                         NULL, NULL);
        break;
    case WAIT_CPU:
        st->cpu_left_ns = vt->wait.until_ns;
        vt->wait.kind = WAIT_NONE;
        break;
    default:
        /* WAIT_OBJECT: the primitive already called sim_thread_block */
        break;
    }
}

/* Burns concviz.cpu() time on the core, as a busy loop would. */
static void burn_cpu(sim_thread *st, int64_t limit) {
    int64_t t = vm_now(st->vt);
    int64_t step = limit - t;
    if (step <= 0) step = 1;
    if (step > st->cpu_left_ns) step = st->cpu_left_ns;
    int64_t ops = step * 1000 / st->vt->op_cost_ps;
    st->vt->ticks += ops; /* counted as executed bytecodes for the old GIL */
    vm_set_now(st->vt, t + step);
    st->cpu_left_ns -= step;
    if (st->cpu_left_ns <= 0) {
        st->cpu_left_ns = 0;
        vm_thread_resume(st->vt, v_none(), false);
    }
}

static void run_core(sim *s, int c) {
    sim_thread *st = s->cores[c];
    int64_t t = vm_now(st->vt);
    if (t > s->now) s->now = t;
    if (st->pending == OUT_DONE) {
        st->pending = OUT_NONE;
        sim_thread_finished(st);
        dispatch(s);
        return;
    }
    /* a new thread runs: its starter's start() may return (threading's _started event) */
    if (st->start_waiter) {
        sim_thread *w = st->start_waiter;
        st->start_waiter = NULL;
        sim_thread_wake(w, v_none(), false);
    }
    /* the eval-breaker check: a requested or tick-driven GIL drop */
    if (sim_gil_check(st)) {
        dispatch(s);
        return;
    }
    /* the OS time slice: rotate when others wait for a core */
    if (t >= st->slice_end) {
        if (s->runq.n > 0) {
            sim_core_release(st);
            sim_runq_add(st);
            dispatch(s);
            return;
        }
        st->slice_end = t + SIM_TIMESLICE_NS;
    }
    int64_t limit = t + SIM_LOOKAHEAD_NS * 20;
    if (s->nheap && s->heap[0].t < limit) limit = s->heap[0].t;
    int64_t other;
    if (min_core(s, c, &other) >= 0 && other + s->lookahead_ns < limit) limit = other + s->lookahead_ns;
    if (s->runq.n > 0 && st->slice_end < limit) limit = st->slice_end;
    if (s->cfg.max_time_ns < limit) limit = s->cfg.max_time_ns;
    if (st->cpu_left_ns > 0) {
        burn_cpu(st, limit);
        return;
    }
    int64_t budget = (limit - t) * 1000 / st->vt->op_cost_ps;
    if (budget < 1) budget = 1;
    if (budget > SIM_MAX_SLICE_OPS) budget = SIM_MAX_SLICE_OPS;
    if (s->cfg.gil == SIM_GIL_OLD && st->has_gil) {
        int64_t left = 100 - (st->vt->ticks - st->proc->gil.ticks_at_take);
        if (left < 1) left = 1;
        if (budget > left) budget = left;
    }
    s->current = st;
    vm_status r = vm_run(st->vt, budget);
    s->current = NULL;
    if (r == VM_YIELD) return;
    if (r == VM_BLOCK) {
        handle_block(st);
        dispatch(s);
        return;
    }
    /* finished: handle it once every other core has caught up */
    st->pending = OUT_DONE;
}

/* Runs until the run is over, or the trace holds until_events events (0:
 * no such stop), or max_steps steps (a thread's slice, or one timed event)
 * were taken. Stopping between steps changes nothing that follows: a run
 * made in many calls gives the same trace as one made at once. */
static void loop(sim *s, size_t until_events, uint64_t max_steps) {
    for (uint64_t steps = 0; !s->finished && !s->snap && steps < max_steps; steps++) {
        if (until_events && s->log && trace_log_count(s->log) >= until_events) break;
        int64_t tc = 0;
        int c = min_core(s, -1, &tc);
        if (s->nheap && (c < 0 || s->heap[0].t <= tc)) {
            sim_event e = heap_pop(s);
            if (e.t > s->now) s->now = e.t;
            if (s->now >= s->cfg.max_time_ns) {
                char msg[160];
                snprintf(msg, sizeof msg, "time limit: the program was still running at t=%.3fs (--max-time)",
                         (double)s->cfg.max_time_ns / 1e9);
                sim_finish(s, SIM_EXIT_TIME_LIMIT, msg);
                break;
            }
            s->events_handled++;
            e.fn(s, &e);
            dispatch(s);
            continue;
        }
        if (c < 0) {
            /* nothing runs and nothing is scheduled */
            if (!s->finished) {
                char *report = sim_deadlock_report(s);
                sim_emit(s, TRACE_DEADLOCK, -1, -1, -1, 0, 0, report, strlen(report));
                sim_finish(s, SIM_EXIT_DEADLOCK, report);
                free(report);
            }
            break;
        }
        if (tc >= s->cfg.max_time_ns) {
            s->now = s->cfg.max_time_ns;
            char msg[160];
            snprintf(msg, sizeof msg, "time limit: the program was still running at t=%.3fs (--max-time)",
                     (double)s->cfg.max_time_ns / 1e9);
            sim_finish(s, SIM_EXIT_TIME_LIMIT, msg);
            break;
        }
        run_core(s, c);
    }
}

/* ------------------------------------------------------------- life cycle */

static void proc_write(void *ctx, int fd, const char *text, size_t len);

sim *sim_new(const lang_program *prog, const sim_config *cfg, trace_log *log) {
    sim *s = xcalloc(1, sizeof(sim));
    s->cfg = *cfg;
    if (s->cfg.cores < 1) s->cfg.cores = 1;
    if (s->cfg.cores > SIM_MAX_CORES) s->cfg.cores = SIM_MAX_CORES;
    if (s->cfg.op_cost_ps <= 0) s->cfg.op_cost_ps = VM_DEFAULT_OP_COST_PS;
    if (s->cfg.max_time_ns <= 0) s->cfg.max_time_ns = 600LL * 1000000000LL;
    s->prog = prog;
    s->log = log;
    s->cores = xcalloc((size_t)s->cfg.cores, sizeof(sim_thread *));
    s->lookahead_ns = s->cfg.gil == SIM_GIL_NONE ? 0 : SIM_LOOKAHEAD_NS;
    s->next_pid = 100;
    s->next_ident = 140000000000000LL;
    return s;
}

/* vm hooks shared by every process */
static void proc_write(void *ctx, int fd, const char *text, size_t len) {
    sim_proc *p = ctx;
    sim *s = p->s;
    sim_thread *cur = s->current && s->current->proc == p ? s->current : NULL;
    sim_emit(s, TRACE_PRINT, p->pid, cur ? cur->tid : -1, -1, fd, 0, text, len);
    if (s->cfg.write) {
        s->cfg.write(s->cfg.write_ctx, fd, text, len);
        return;
    }
    FILE *f = fd == 2 ? stderr : stdout;
    if (fd == 2) fflush(stdout);
    fwrite(text, 1, len, f);
    if (fd == 2) fflush(stderr);
}

/* concviz.note(text): a caption event */
static void proc_note(vm_thread *vt, const char *text, size_t len) {
    sim_thread *st = sim_current(vt);
    if (st) sim_emit(st->s, TRACE_CAPTION, st->proc->pid, st->tid, -1, 0, 0, text, len);
}

void sim_proc_hooks(sim_proc *p);
void sim_proc_hooks(sim_proc *p) {
    p->vm->note = proc_note;
    p->vm->write = proc_write;
    p->vm->write_ctx = p;
    p->vm->must_sync = sim_must_sync;
    p->vm->module_hook = sim_module_hook;
    p->vm->time_limit_ns = p->s->cfg.max_time_ns;
}

/* The main process, about to run the program's module code. */
static void sim_start(sim *s) {
    s->started = true;
    sim_proc *mainp = sim_proc_new(s, NULL, "MainProcess", "");
    sim_thread *mt = sim_thread_new(mainp, "MainThread", true);
    mainp->main = mt;
    mainp->started = mainp->running = true;
    sim_emit(s, TRACE_PROC_START, mainp->pid, -1, -1, 0, 0, NULL, 0);
    vm_thread_start_module(mt->vt, "__main__");
    mt->started = true;
    sim_thread_make_runnable(mt);
}

int sim_run(sim *s) {
    if (!s->started) sim_start(s);
    loop(s, 0, UINT64_MAX);
    fflush(stdout);
    return s->exit_status;
}

bool sim_run_some(sim *s, size_t nevents, uint64_t max_steps) {
    if (!s->started) sim_start(s);
    loop(s, nevents, max_steps);
    return s->finished;
}

int sim_exit_status(const sim *s) { return s->exit_status; }

int64_t sim_virtual_time(const sim *s) { return s->now; }

const char *sim_end_message(const sim *s) { return s->end_message; }

void sim_free_owned(sim *s);

void sim_free(sim *s) {
    if (!s) return;
    for (int i = 0; i < s->nthreads; i++) sim_thread_free(s->threads[i]);
    if (s->holding) vm_free(s->holding);
    sim_free_owned(s);
    lang_program_free(s->prelude);
    for (int i = 0; i < s->nprocs; i++) sim_proc_free(s->procs[i]);
    free(s->threads);
    free(s->procs);
    free(s->heap);
    free(s->cores);
    sim_tlist_free(&s->runq);
    free(s->end_message);
    free(s);
}
