/* sim_proc.c - simulated processes: each is its own interpreter (heap,
 * modules, GIL). Creation, the shutdown sequence of a main thread (join the
 * non-daemon threads, terminate daemon children, join the others), and exit. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lang/obj.h"
#include "lang/xalloc.h"
#include "sim/sim_copy.h"
#include "sim/sim_internal.h"
#include "lang/ops.h"

void sim_proc_hooks(sim_proc *p);

/* Collector roots the engine keeps for this process. */
static void proc_mark(vm *m) {
    sim_proc *p = m->owner;
    for (int i = 0; i < p->nroots; i++) gc_mark_value(p->roots[i]);
    for (int i = 0; i < p->nthreads; i++) {
        gc_mark_value(p->threads[i]->pyobj);
        gc_mark_value(p->threads[i]->exc);
    }
}

void sim_proc_ready(sim *s, sim_event *e) {
    sim_proc *child = e->proc;
    if (child->exited) return;
    child->running = true;
    sim_emit(s, TRACE_PROC_START, child->pid, -1, -1, 0, 0, NULL, 0);
    sim_thread_make_runnable(child->main);
}

int64_t sim_proc_fork_done_at(sim_proc *p, int64_t cost) {
    int64_t start = p->fork_busy_until > p->s->now ? p->fork_busy_until : p->s->now;
    p->fork_busy_until = start + cost;
    return p->fork_busy_until;
}

void sim_proc_add_root(sim_proc *p, value v) {
    if (v.tag != VT_OBJ) return;
    if (p->nroots == p->roots_cap) {
        p->roots_cap = p->roots_cap ? p->roots_cap * 2 : 8;
        p->roots = xreallocarray(p->roots, (size_t)p->roots_cap, sizeof(value));
    }
    p->roots[p->nroots++] = v;
}

sim_proc *sim_proc_new(sim *s, sim_proc *parent, const char *name, const char *identity) {
    sim_proc *p = xcalloc(1, sizeof(sim_proc));
    p->s = s;
    p->pid = s->next_pid++;
    p->name = xstrdup(name);
    p->identity = xstrdup(identity);
    p->parent = parent;
    p->pyobj = v_undef();
    p->parent_obj = v_undef();
    p->spawn_source = v_undef();
    lang_run_opts opts = {s->cfg.seed + (uint64_t)(parent ? p->pid * 7919 : 0), s->cfg.cores, NULL, NULL};
    p->vm = vm_new(s->prog, &opts);
    p->vm->pid = p->pid;
    p->vm->ppid = parent ? parent->pid : 1;
    p->vm->owner = p;
    p->vm->mark_extra = proc_mark;
    p->vm->switch_interval_ns = s->cfg.switch_interval_ns;
    sim_proc_hooks(p);
    p->index = s->nprocs;
    if (s->nprocs == s->procs_cap) {
        s->procs_cap = s->procs_cap ? s->procs_cap * 2 : 8;
        s->procs = xreallocarray(s->procs, (size_t)s->procs_cap, sizeof(sim_proc *));
    }
    s->procs[s->nprocs++] = p;
    sim_emit(s, TRACE_PROC_NEW, p->pid, -1, -1, parent ? parent->pid : -1, 0, name, strlen(name));
    return p;
}

void sim_proc_free(sim_proc *p) {
    vm_free(p->vm);
    sim_tlist_free(&p->gil.waiters);
    sim_tlist_free(&p->joiners);
    free(p->threads);
    free(p->roots);
    free(p->name);
    free(p->identity);
    free(p);
}

void sim_thread_retire(sim_thread *st);

void sim_proc_exit(sim_proc *p, int exitcode) {
    if (p->exited) return;
    sim *s = p->s;
    p->exited = true;
    p->running = false;
    p->exitcode = exitcode;
    /* whatever still runs (daemon threads) simply stops */
    for (int i = 0; i < p->nthreads; i++)
        if (p->threads[i]->state != TS_FINISHED) sim_thread_retire(p->threads[i]);
    sim_emit(s, TRACE_PROC_EXIT, p->pid, -1, -1, exitcode, 0, NULL, 0);
    while (p->joiners.n > 0) sim_thread_wake(sim_tlist_pop(&p->joiners), v_none(), false);
    if (p->on_exit) p->on_exit(p, p->on_exit_data);
    if (!p->parent) {
        char msg[80];
        snprintf(msg, sizeof msg, "the main process exited with status %d", exitcode);
        sim_finish(s, exitcode, msg);
        return;
    }
    if (p->parent->main && p->parent->main->shutdown_phase > 0) sim_proc_shutdown_step(p->parent);
}

static bool threads_pending(const sim_proc *p) {
    for (int i = 0; i < p->nthreads; i++) {
        const sim_thread *t = p->threads[i];
        if (t != p->main && !t->daemon && t->started && t->state != TS_FINISHED) return true;
    }
    return false;
}

/* Terminates running daemon children; true while non-daemon children run. */
static bool children_pending(sim_proc *p) {
    sim *s = p->s;
    bool pending = false;
    for (int i = 0; i < s->nprocs; i++) {
        sim_proc *c = s->procs[i];
        if (c->parent != p || !c->started || c->exited) continue;
        if (c->daemon) sim_proc_exit(c, -15);
        else pending = true;
    }
    return pending;
}

void sim_proc_shutdown_step(sim_proc *p) {
    sim_thread *mt = p->main;
    if (mt->shutdown_phase == 1) {
        if (threads_pending(p)) return;
        mt->shutdown_phase = 2;
    }
    if (mt->shutdown_phase == 2) {
        bool pending = children_pending(p);
        /* terminating a daemon child re-entered this function, which may
           have finished the shutdown already */
        if (mt->shutdown_phase != 2) return;
        if (pending) {
            if (mt->wait_what == NULL || strcmp(mt->wait_what, "joining child processes") != 0) {
                mt->wait_what = "joining child processes";
                sim_thread_set_state(mt, TS_BLOCKED, -1, mt->wait_what);
            }
            return;
        }
        mt->shutdown_phase = 3;
        sim_thread_retire(mt);
        sim_proc_exit(p, (int)mt->saved_count);
    }
}

/* spawn: the child finished importing __mp_main__; now it unpickles its
 * Process object (functions by name) and runs it. False if that failed. */
static bool spawn_continue(sim_thread *mt) {
    sim_proc *p = mt->proc;
    p->spawn_pending = false;
    sim_copy_ctx c;
    sim_copy_init(&c, p->spawn_source_proc->main->vt, mt->vt, true);
    value self = sim_copy(&c, p->spawn_source);
    bool ok = !c.failed;
    if (!ok) {
        char msg[480];
        snprintf(msg, sizeof msg, "_pickle.PicklingError: %s\n", c.error);
        vm_write(p->vm, 2, msg, strlen(msg));
    }
    sim_copy_fini(&c);
    if (!ok) return false;
    p->pyobj = self;
    sim_proc_add_root(p, self);
    value run;
    if (ops_getattr(mt->vt, self, p->vm->names.run, &run) != VM_OK) return false;
    vm_thread_start_call(mt->vt, run, tuple_pack(p->vm, 0, NULL));
    return true;
}

void sim_proc_main_done(sim_thread *mt) {
    sim_proc *p = mt->proc;
    vm *m = p->vm;
    value exc = mt->exc;
    int status = 0;
    if (p->spawn_pending && exc.tag == VT_UNDEF) {
        bool started;
        if (p->after_import) {
            p->spawn_pending = false;
            started = p->after_import(mt, p->after_import_data);
        } else {
            started = spawn_continue(mt);
        }
        if (started) return; /* the thread goes on running */
        exc = v_undef();
        mt->saved_count = 1;
        mt->shutdown_phase = 1;
        sim_core_release(mt);
        if (mt->has_gil) sim_gil_drop(mt, TG_EXIT);
        sim_proc_shutdown_step(p);
        return;
    }
    if (exc.tag != VT_UNDEF) {
        if (vm_exc_matches(m, exc, m->cls.SystemExit)) {
            status = exc_system_exit_status(mt->vt, exc);
        } else {
            if (p->parent) {
                char head[300];
                snprintf(head, sizeof head, "Process %s:\n", p->name);
                vm_write(m, 2, head, strlen(head));
            }
            exc_print_traceback(mt->vt, exc);
            status = 1;
        }
    }
    mt->saved_count = status;
    mt->shutdown_phase = 1;
    /* the main thread now waits in threading._shutdown() */
    if (mt->has_gil) sim_gil_drop(mt, TG_BLOCKING);
    sim_core_release(mt);
    mt->wait_what = "threading._shutdown()";
    sim_thread_set_state(mt, TS_BLOCKED, -1, mt->wait_what);
    sim_proc_shutdown_step(p);
}
