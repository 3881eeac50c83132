/* mod_threading.c - the threading module: Thread (and subclasses that
 * override run), current_thread, enumerate, and the thread flavour of the
 * synchronisation primitives of sim_sync.c, with CPython 3.11's names,
 * reprs and messages (FACTS.md sections 7 and 10). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lang/obj.h"
#include "lang/xalloc.h"
#include "sim/sim_sync.h"

/* ------------------------------------------------------------- Thread */

typedef struct thread_rec {
    sim_waitable w;
    sim_thread *st;     /* NULL until started (except main threads) */
    char *name;
    bool daemon;
    bool is_main;
} thread_rec;

static vm_status thread_repr(vm_thread *th, value self, strbuf *out);
static const native_type thread_type = {.name = "Thread", .repr = thread_repr};

static void free_thread_rec(void *p) { free(((thread_rec *)p)->name); }

static void describe_thread(void *self, sim_holder_info *out) {
    thread_rec *r = self;
    out->label = r->name;
    out->is_thread = true;
    out->nholders = r->st ? 1 : 0;
    if (r->st) out->holders[0] = r->st;
}

static thread_rec *thread_rec_new(sim *s, const char *name, bool daemon) {
    thread_rec *r = xcalloc(1, sizeof *r);
    r->w.describe = describe_thread;
    r->name = xstrdup(name);
    r->daemon = daemon;
    sim_own(s, r, free_thread_rec);
    return r;
}

static class_obj *module_class(vm *m, const char *module, const char *name) {
    value mod, cls;
    if (dict_get_cstr(m->modules, module, &mod) && dict_get_cstr(((module_obj *)mod.u.o)->dict, name, &cls) &&
        v_is_obj(cls, OK_CLASS))
        return V_CLASS(cls);
    return NULL;
}

/* The Thread object of st, made on first use for threads that have none
 * (a process's main thread, the machine's own helper threads). */
value simthr_object(vm_thread *th, sim_thread *st);
value simthr_object(vm_thread *th, sim_thread *st) {
    if (st->pyobj.tag != VT_UNDEF) return st->pyobj;
    vm *m = th->vm;
    class_obj *cls = module_class(m, "threading", st->is_main ? "_MainThread" : "Thread");
    if (!cls) {
        value mod;
        if (simmod_threading(th, &mod) == VM_OK) {
            dict_set_cstr(m, m->modules, "threading", mod);
            cls = module_class(m, "threading", st->is_main ? "_MainThread" : "Thread");
        }
    }
    if (!cls) cls = m->cls.object;
    thread_rec *r = thread_rec_new(st->s, st->name, st->daemon);
    r->st = st;
    r->is_main = st->is_main;
    st->pyobj = simmod_instance(th, cls, &thread_type, r);
    return st->pyobj;
}

static thread_rec *rec_of(vm_thread *th, value self) {
    return simmod_payload(th, self, &thread_type);
}

static vm_status thread_repr(vm_thread *th, value self, strbuf *out) {
    thread_rec *r = V_INST(self)->payload;
    const char *status = "initial";
    char buf[80];
    if (r->st && r->st->state == TS_FINISHED) {
        snprintf(buf, sizeof buf, "stopped %lld", (long long)r->st->ident);
        status = buf;
    } else if (r->st) {
        snprintf(buf, sizeof buf, "started %lld", (long long)r->st->ident);
        status = buf;
    }
    sb_printf(out, "<%s(%s, %s%s)>", V_INST(self)->cls->name->data, r->name, status, r->daemon ? " daemon" : "");
    (void)th;
    return VM_OK;
}

static vm_status thread_init(vm_thread *th, const vm_args *a, value *out) {
    vm *m = th->vm;
    static const char *const kw[] = {"group", "target", "name", "args", "kwargs", "daemon", NULL};
    vm_status st = args_count_kw(th, a, "Thread.__init__", 0, 5, kw);
    if (st != VM_OK) return st;
    sim_thread *me = sim_current(th);
    value target = args_get(a, 1, "target"), name = args_get(a, 2, "name"), args = args_get(a, 3, "args"),
          kwargs = args_get(a, 4, "kwargs"), daemon = args_get(a, -1, "daemon");
    value group = args_get(a, 0, "group");
    if (group.tag != VT_UNDEF && group.tag != VT_NONE)
        return vm_raise(th, m->cls.AssertionError, "group argument must be None for now");
    char buf[256];
    const char *nm;
    value namev;
    if (name.tag == VT_UNDEF || name.tag == VT_NONE) {
        int n = ++me->proc->thread_counter;
        snprintf(buf, sizeof buf, "Thread-%d", n);
        if (target.tag != VT_UNDEF && target.tag != VT_NONE) {
            value tn;
            bool found;
            if (ops_getattr_opt(th, target, m->names.name, &tn, &found) == VM_OK && found && v_is_obj(tn, OK_STR))
                snprintf(buf + strlen(buf), sizeof buf - strlen(buf), " (%s)", V_STR(tn)->data);
            th->exc = v_undef();
        }
        nm = buf;
    } else {
        if ((st = ops_str_value(th, name, &namev)) != VM_OK) return st;
        nm = V_STR(namev)->data;
    }
    bool d;
    if (daemon.tag == VT_UNDEF || daemon.tag == VT_NONE) d = me->daemon;
    else if ((st = ops_truthy(th, daemon, &d)) != VM_OK) return st;
    thread_rec *r = thread_rec_new(me->s, nm, d);
    simmod_attach(th, a->self, &thread_type, r);
    dict_obj *dd = V_INST(a->self)->dict;
    dict_set_cstr(m, dd, "_target", target.tag == VT_UNDEF ? v_none() : target);
    dict_set_cstr(m, dd, "_args", args.tag == VT_UNDEF ? tuple_pack(m, 0, NULL) : args);
    dict_set_cstr(m, dd, "_kwargs", kwargs.tag == VT_UNDEF || kwargs.tag == VT_NONE ? v_obj(dict_new(m)) : kwargs);
    *out = v_none();
    return VM_OK;
}

/* Thread.run(): call the target with its arguments (a tail call, so the
 * target may block). */
static vm_status thread_run(vm_thread *th, const vm_args *a, value *out) { return simmod_run_target(th, a->self, out); }

static vm_status thread_start(vm_thread *th, const vm_args *a, value *out) {
    vm *m = th->vm;
    if (!v_is_obj(a->self, OK_INSTANCE) || !V_INST(a->self)->payload)
        return vm_raise(th, m->cls.RuntimeError, "thread.__init__() not called");
    if (vm_sync_point(th)) return VM_BLOCK;
    thread_rec *r = rec_of(th, a->self);
    if (!r) return VM_ERR;
    if (r->st) return vm_raise(th, m->cls.RuntimeError, "threads can only be started once");
    sim_thread *me = sim_current(th);
    sim *s = me->s;
    if (s->nthreads >= s->cfg.max_threads) {
        char msg[120];
        snprintf(msg, sizeof msg, "limit: more than %d threads (a runaway program?)", s->cfg.max_threads);
        sim_finish(s, SIM_EXIT_LIMIT, msg);
        return vm_raise(th, m->cls.RuntimeError, "can't start new thread");
    }
    sim_thread *nt = sim_thread_new(me->proc, r->name, false);
    nt->daemon = r->daemon;
    nt->pyobj = a->self;
    nt->started = true;
    r->st = nt;
    value run;
    vm_status st = ops_getattr(th, a->self, m->names.run, &run);
    if (st != VM_OK) return st;
    vm_thread_start_call(nt->vt, run, tuple_pack(m, 0, NULL));
    /* start() returns once the new thread runs (threading's _started event) */
    nt->start_waiter = me;
    sim_thread_make_runnable(nt);
    *out = v_none();
    return simmod_block(th, TS_BLOCKED, -1, "Thread.start()", -1, NULL, NULL, false);
}

static void join_timeout(sim_thread *st) {
    thread_rec *r = st->wait_data;
    if (r->st) sim_tlist_remove(&r->st->joiners, st);
    sim_thread_wake(st, v_none(), false);
}

static vm_status thread_join(vm_thread *th, const vm_args *a, value *out) {
    vm *m = th->vm;
    static const char *const kw[] = {"timeout", NULL};
    vm_status st = args_count_kw(th, a, "join", 0, 1, kw);
    if (st != VM_OK) return st;
    thread_rec *r = rec_of(th, a->self);
    if (!r) return VM_ERR;
    if (vm_sync_point(th)) return VM_BLOCK;
    sim_thread *me = sim_current(th);
    *out = v_none();
    if (!r->st) return vm_raise(th, m->cls.RuntimeError, "cannot join thread before it is started");
    if (r->st == me) return vm_raise(th, m->cls.RuntimeError, "cannot join current thread");
    if (r->st->state == TS_FINISHED) return VM_OK;
    int64_t deadline;
    if ((st = simmod_deadline(th, args_get(a, 0, "timeout"), true, &deadline)) != VM_OK) return st;
    if (deadline >= 0 && deadline <= vm_now(th)) return VM_OK;
    sim_tlist_push(&r->st->joiners, me);
    return simmod_block(th, TS_BLOCKED, -1, "Thread.join()", deadline, join_timeout, r, false);
}

static vm_status thread_is_alive(vm_thread *th, const vm_args *a, value *out) {
    thread_rec *r = rec_of(th, a->self);
    if (!r) return VM_ERR;
    bool alive = r->st && r->st->state != TS_FINISHED &&
                 !(r->st->is_main && r->st->shutdown_phase >= 3);
    *out = v_bool(alive);
    return VM_OK;
}

static vm_status thread_get_name(vm_thread *th, const vm_args *a, value *out) {
    thread_rec *r = rec_of(th, a->self);
    if (!r) return VM_ERR;
    *out = v_obj(str_from_cstr(th->vm, r->name));
    return VM_OK;
}

static vm_status thread_set_name(vm_thread *th, const vm_args *a, value *out) {
    thread_rec *r = rec_of(th, a->self);
    if (!r) return VM_ERR;
    value v;
    vm_status st = ops_str_value(th, a->npos ? a->pos[0] : v_none(), &v);
    if (st != VM_OK) return st;
    free(r->name);
    r->name = xstrdup(V_STR(v)->data);
    if (r->st) {
        free(r->st->name);
        r->st->name = xstrdup(r->name);
    }
    *out = v_none();
    return VM_OK;
}

static vm_status thread_get_daemon(vm_thread *th, const vm_args *a, value *out) {
    thread_rec *r = rec_of(th, a->self);
    if (!r) return VM_ERR;
    *out = v_bool(r->daemon);
    return VM_OK;
}

static vm_status thread_set_daemon(vm_thread *th, const vm_args *a, value *out) {
    thread_rec *r = rec_of(th, a->self);
    if (!r) return VM_ERR;
    if (r->st) return vm_raise(th, th->vm->cls.RuntimeError, "cannot set daemon status of active thread");
    bool d;
    vm_status st = ops_truthy(th, a->npos ? a->pos[0] : v_none(), &d);
    if (st != VM_OK) return st;
    r->daemon = d;
    *out = v_none();
    return VM_OK;
}

static vm_status thread_get_ident(vm_thread *th, const vm_args *a, value *out) {
    thread_rec *r = rec_of(th, a->self);
    if (!r) return VM_ERR;
    *out = r->st ? v_int(r->st->ident) : v_none();
    return VM_OK;
}

static vm_status thread_get_native_id(vm_thread *th, const vm_args *a, value *out) {
    thread_rec *r = rec_of(th, a->self);
    if (!r) return VM_ERR;
    *out = r->st ? v_int(r->st->native_id) : v_none();
    return VM_OK;
}

static const native_def thread_methods[] = {
    {"__init__", thread_init}, {"run", thread_run}, {"start", thread_start}, {"join", thread_join},
    {"is_alive", thread_is_alive}, {"getName", thread_get_name}, {"setName", thread_set_name},
    {"isDaemon", thread_get_daemon}, {"setDaemon", thread_set_daemon}, {NULL, NULL}};
static const simmod_prop thread_props[] = {
    {"name", thread_get_name, thread_set_name}, {"daemon", thread_get_daemon, thread_set_daemon},
    {"ident", thread_get_ident, NULL}, {"native_id", thread_get_native_id, NULL}, {NULL, NULL, NULL}};

/* ---------------------------------------------------- module functions */

static vm_status t_current_thread(vm_thread *th, const vm_args *a, value *out) {
    (void)a;
    *out = simthr_object(th, sim_current(th));
    return VM_OK;
}

static vm_status t_main_thread(vm_thread *th, const vm_args *a, value *out) {
    (void)a;
    *out = simthr_object(th, sim_current(th)->proc->main);
    return VM_OK;
}

static bool thread_listed(const sim_thread *t) {
    if (t->is_main) return t->shutdown_phase < 3;
    return t->started && t->state != TS_FINISHED && !t->internal;
}

static vm_status t_enumerate(vm_thread *th, const vm_args *a, value *out) {
    (void)a;
    sim_proc *p = sim_current(th)->proc;
    list_obj *l = list_new(th->vm, (size_t)p->nthreads);
    for (int i = 0; i < p->nthreads; i++)
        if (thread_listed(p->threads[i])) list_append(l, simthr_object(th, p->threads[i]));
    *out = v_obj(l);
    return VM_OK;
}

static vm_status t_active_count(vm_thread *th, const vm_args *a, value *out) {
    (void)a;
    sim_proc *p = sim_current(th)->proc;
    int64_t n = 0;
    for (int i = 0; i < p->nthreads; i++) n += thread_listed(p->threads[i]);
    *out = v_int(n);
    return VM_OK;
}

static vm_status t_get_ident(vm_thread *th, const vm_args *a, value *out) {
    (void)a;
    *out = v_int(sim_current(th)->ident);
    return VM_OK;
}

static vm_status t_get_native_id(vm_thread *th, const vm_args *a, value *out) {
    (void)a;
    *out = v_int(sim_current(th)->native_id);
    return VM_OK;
}

/* --------------------------------------------------------- primitives */

static vm_status lock_repr(vm_thread *th, value self, strbuf *out);
static const native_type lock_pytype = {.name = "lock", .repr = lock_repr};

#define PAYLOAD(type, var, nt)                        \
    type *var = simmod_payload(th, a->self, &(nt));   \
    if (!var) return VM_ERR

/* acquire(blocking=True, timeout=-1) */
static vm_status lock_acquire(vm_thread *th, const vm_args *a, value *out) {
    static const char *const kw[] = {"blocking", "timeout", NULL};
    vm_status st = args_count_kw(th, a, "acquire", 0, 2, kw);
    if (st != VM_OK) return st;
    PAYLOAD(sync_lock, l, lock_pytype);
    bool blocking = true;
    value b = args_get(a, 0, "blocking");
    if (b.tag != VT_UNDEF && (st = ops_truthy(th, b, &blocking)) != VM_OK) return st;
    return sync_lock_acquire(th, l, blocking, args_get(a, 1, "timeout"), out);
}

static vm_status lock_release(vm_thread *th, const vm_args *a, value *out) {
    vm_status st = args_count(th, a, "release", 0, 0);
    if (st != VM_OK) return st;
    PAYLOAD(sync_lock, l, lock_pytype);
    *out = v_none();
    return sync_lock_release(th, l);
}

static vm_status lock_exit(vm_thread *th, const vm_args *a, value *out) {
    PAYLOAD(sync_lock, l, lock_pytype);
    *out = v_none();
    return sync_lock_release(th, l);
}

static vm_status lock_locked(vm_thread *th, const vm_args *a, value *out) {
    PAYLOAD(sync_lock, l, lock_pytype);
    *out = v_bool(l->locked);
    return VM_OK;
}

static vm_status lock_repr(vm_thread *th, value self, strbuf *out) {
    sync_lock *l = V_INST(self)->payload;
    unsigned long long addr = (unsigned long long)obj_address(self.u.o);
    if (l->rlock)
        sb_printf(out, "<%s _thread.RLock object owner=%lld count=%lld at 0x%llx>", l->locked ? "locked" : "unlocked",
                  (long long)(l->locked && l->owner ? l->owner->ident : 0), (long long)(l->locked ? l->count : 0), addr);
    else
        sb_printf(out, "<%s _thread.lock object at 0x%llx>", l->locked ? "locked" : "unlocked", addr);
    (void)th;
    return VM_OK;
}

static vm_status new_lock_common(vm_thread *th, const vm_args *a, value *out, bool rlock) {
    (void)a;
    vm_status st = args_count(th, a, rlock ? "RLock" : "Lock", 0, 0);
    if (st != VM_OK) return st;
    value self = a->self; /* the class */
    value inst = v_obj(instance_new(th->vm, V_CLASS(self)));
    sync_lock *l = sync_lock_new(sim_current(th), rlock, false, inst);
    simmod_attach(th, inst, &lock_pytype, l);
    *out = inst;
    return VM_OK;
}

static vm_status new_lock(vm_thread *th, const vm_args *a, value *out) { return new_lock_common(th, a, out, false); }
static vm_status new_rlock(vm_thread *th, const vm_args *a, value *out) { return new_lock_common(th, a, out, true); }

static const native_def lock_methods[] = {
    {"acquire", lock_acquire}, {"release", lock_release}, {"__enter__", lock_acquire}, {"__exit__", lock_exit},
    {"locked", lock_locked}, {"acquire_lock", lock_acquire}, {"release_lock", lock_release}, {NULL, NULL}};

/* Condition */
static vm_status cond_repr(vm_thread *th, value self, strbuf *out) {
    sync_cond *c = V_INST(self)->payload;
    value lockv;
    sb_puts(out, "<Condition(");
    if (dict_get_cstr(V_INST(self)->dict, "_lock", &lockv)) ops_repr(th, lockv, out);
    sb_printf(out, ", %d)>", c->waiters.n);
    return VM_OK;
}

static const native_type cond_pytype = {.name = "Condition", .repr = cond_repr};

static vm_status cond_init(vm_thread *th, const vm_args *a, value *out) {
    vm *m = th->vm;
    vm_status st = args_count_kw(th, a, "Condition", 0, 1, (const char *const[]){"lock", NULL});
    if (st != VM_OK) return st;
    value lockv = args_get(a, 0, "lock");
    if (lockv.tag == VT_UNDEF || lockv.tag == VT_NONE) {
        class_obj *rl = module_class(m, "threading", "RLock");
        if (!rl) return vm_raise(th, m->cls.RuntimeError, "threading is not initialised");
        vm_args na = {v_obj(rl), NULL, 0, NULL, NULL, 0};
        if ((st = new_rlock(th, &na, &lockv)) != VM_OK) return st;
    }
    if (!v_is_obj(lockv, OK_INSTANCE) || V_INST(lockv)->ntype != &lock_pytype)
        return vm_raise(th, m->cls.TypeError, "concviz: Condition(lock) needs a threading.Lock or RLock");
    sync_cond *c = sync_cond_new(sim_current(th), V_INST(lockv)->payload, false, a->self);
    simmod_attach(th, a->self, &cond_pytype, c);
    dict_set_cstr(m, V_INST(a->self)->dict, "_lock", lockv);
    *out = v_none();
    return VM_OK;
}

static vm_status cond_acquire(vm_thread *th, const vm_args *a, value *out) {
    PAYLOAD(sync_cond, c, cond_pytype);
    bool blocking = true;
    value b = args_get(a, 0, "blocking");
    vm_status st;
    if (b.tag != VT_UNDEF && (st = ops_truthy(th, b, &blocking)) != VM_OK) return st;
    return sync_lock_acquire(th, c->lock, blocking, args_get(a, 1, "timeout"), out);
}

static vm_status cond_release(vm_thread *th, const vm_args *a, value *out) {
    PAYLOAD(sync_cond, c, cond_pytype);
    *out = v_none();
    return sync_lock_release(th, c->lock);
}

static vm_status cond_wait(vm_thread *th, const vm_args *a, value *out) {
    vm_status st = args_count_kw(th, a, "wait", 0, 1, (const char *const[]){"timeout", NULL});
    if (st != VM_OK) return st;
    PAYLOAD(sync_cond, c, cond_pytype);
    return sync_cond_wait(th, c, args_get(a, 0, "timeout"), out);
}

/* wait_for(predicate, timeout=None): checks the predicate around waits. The
 * predicate runs before each wait and after each wake-up; the thread's phase
 * remembers that it is inside wait_for across the rewound calls. */
static vm_status cond_wait_for(vm_thread *th, const vm_args *a, value *out) {
    vm_status st = args_count_kw(th, a, "wait_for", 1, 2, (const char *const[]){"timeout", NULL});
    if (st != VM_OK) return st;
    PAYLOAD(sync_cond, c, cond_pytype);
    if (vm_sync_point(th)) return VM_BLOCK;
    sim_thread *me = sim_current(th);
    bool in_wait = me->retry_obj == c->obj;
    if (!in_wait) {
        value r;
        if ((st = vm_call(th, a->pos[0], NULL, 0, &r)) != VM_OK) return st;
        bool t;
        if ((st = ops_truthy(th, r, &t)) != VM_OK) return st;
        if (t) {
            *out = r;
            return VM_OK;
        }
        value timeout = args_get(a, 1, "timeout");
        if (timeout.tag != VT_UNDEF && timeout.tag != VT_NONE) {
            int64_t deadline;
            if ((st = simmod_deadline(th, timeout, true, &deadline)) != VM_OK) return st;
            if (deadline <= vm_now(th)) {
                *out = r;
                return VM_OK;
            }
        }
    }
    value waited;
    st = sync_cond_wait(th, c, args_get(a, 1, "timeout"), &waited);
    if (st != VM_OK) return st;
    /* the wait finished (lock held again): check the predicate; while it is
       false and the wait did not time out, wait again (a fresh wait, so a
       timeout restarts: a small difference from CPython) */
    value r;
    if ((st = vm_call(th, a->pos[0], NULL, 0, &r)) != VM_OK) return st;
    bool t;
    if ((st = ops_truthy(th, r, &t)) != VM_OK) return st;
    if (t || (waited.tag == VT_BOOL && !waited.u.i)) {
        *out = r;
        return VM_OK;
    }
    return sync_cond_wait(th, c, args_get(a, 1, "timeout"), out);
}

static vm_status cond_notify(vm_thread *th, const vm_args *a, value *out) {
    vm_status st = args_count(th, a, "notify", 0, 1);
    if (st != VM_OK) return st;
    PAYLOAD(sync_cond, c, cond_pytype);
    int64_t n = 1;
    if (a->npos && (st = args_int(th, a->pos[0], "n", &n)) != VM_OK) return st;
    *out = v_none();
    return sync_cond_notify(th, c, n);
}

static vm_status cond_notify_all(vm_thread *th, const vm_args *a, value *out) {
    PAYLOAD(sync_cond, c, cond_pytype);
    *out = v_none();
    return sync_cond_notify(th, c, INT64_MAX);
}

static const native_def cond_methods[] = {
    {"__init__", cond_init}, {"acquire", cond_acquire}, {"release", cond_release}, {"__enter__", cond_acquire},
    {"__exit__", cond_release}, {"wait", cond_wait}, {"wait_for", cond_wait_for}, {"notify", cond_notify},
    {"notify_all", cond_notify_all}, {"notifyAll", cond_notify_all}, {NULL, NULL}};

/* Semaphore, BoundedSemaphore */
static vm_status sem_repr(vm_thread *th, value self, strbuf *out) {
    sync_sem *s = V_INST(self)->payload;
    unsigned long long addr = (unsigned long long)obj_address(self.u.o);
    if (s->bounded)
        sb_printf(out, "<threading.BoundedSemaphore at 0x%llx: value=%lld/%lld>", addr, (long long)s->value,
                  (long long)s->initial);
    else
        sb_printf(out, "<threading.Semaphore at 0x%llx: value=%lld>", addr, (long long)s->value);
    (void)th;
    return VM_OK;
}

static const native_type sem_pytype = {.name = "Semaphore", .repr = sem_repr};

static vm_status sem_init_common(vm_thread *th, const vm_args *a, value *out, bool bounded) {
    vm_status st = args_count_kw(th, a, bounded ? "BoundedSemaphore" : "Semaphore", 0, 1,
                                 (const char *const[]){"value", NULL});
    if (st != VM_OK) return st;
    int64_t v = 1;
    value vv = args_get(a, 0, "value");
    if (vv.tag != VT_UNDEF && (st = args_int(th, vv, "value", &v)) != VM_OK) return st;
    if (v < 0) return vm_raise(th, th->vm->cls.ValueError, "semaphore initial value must be >= 0");
    simmod_attach(th, a->self, &sem_pytype, sync_sem_new(sim_current(th), v, bounded, false, a->self));
    *out = v_none();
    return VM_OK;
}

static vm_status sem_init(vm_thread *th, const vm_args *a, value *out) { return sem_init_common(th, a, out, false); }
static vm_status bsem_init(vm_thread *th, const vm_args *a, value *out) { return sem_init_common(th, a, out, true); }

static vm_status sem_acquire(vm_thread *th, const vm_args *a, value *out) {
    static const char *const kw[] = {"blocking", "timeout", NULL};
    vm_status st = args_count_kw(th, a, "acquire", 0, 2, kw);
    if (st != VM_OK) return st;
    PAYLOAD(sync_sem, s, sem_pytype);
    bool blocking = true;
    value b = args_get(a, 0, "blocking");
    if (b.tag != VT_UNDEF && (st = ops_truthy(th, b, &blocking)) != VM_OK) return st;
    return sync_sem_acquire(th, s, blocking, args_get(a, 1, "timeout"), out);
}

static vm_status sem_release(vm_thread *th, const vm_args *a, value *out) {
    vm_status st = args_count_kw(th, a, "release", 0, 1, (const char *const[]){"n", NULL});
    if (st != VM_OK) return st;
    PAYLOAD(sync_sem, s, sem_pytype);
    int64_t n = 1;
    value nv = args_get(a, 0, "n");
    if (nv.tag != VT_UNDEF && (st = args_int(th, nv, "n", &n)) != VM_OK) return st;
    *out = v_none();
    return sync_sem_release(th, s, n);
}

static vm_status sem_exit(vm_thread *th, const vm_args *a, value *out) {
    PAYLOAD(sync_sem, s, sem_pytype);
    *out = v_none();
    return sync_sem_release(th, s, 1);
}

static vm_status sem_value(vm_thread *th, const vm_args *a, value *out) {
    PAYLOAD(sync_sem, s, sem_pytype);
    *out = v_int(s->value);
    return VM_OK;
}

static const native_def sem_methods[] = {
    {"__init__", sem_init}, {"acquire", sem_acquire}, {"release", sem_release}, {"__enter__", sem_acquire},
    {"__exit__", sem_exit}, {NULL, NULL}};
static const native_def bsem_methods[] = {{"__init__", bsem_init}, {NULL, NULL}};
static const simmod_prop sem_props[] = {{"_value", sem_value, NULL}, {NULL, NULL, NULL}};

/* Event */
static vm_status event_repr(vm_thread *th, value self, strbuf *out) {
    sync_event *e = V_INST(self)->payload;
    unsigned long long addr = (unsigned long long)obj_address(self.u.o);
    sb_printf(out, "<threading.Event at 0x%llx: %s>", addr, e->flag ? "set" : "unset");
    (void)th;
    return VM_OK;
}

static const native_type event_pytype = {.name = "Event", .repr = event_repr};

static vm_status event_init(vm_thread *th, const vm_args *a, value *out) {
    vm_status st = args_count(th, a, "Event", 0, 0);
    if (st != VM_OK) return st;
    simmod_attach(th, a->self, &event_pytype, sync_event_new(sim_current(th), false, a->self));
    *out = v_none();
    return VM_OK;
}

static vm_status event_is_set(vm_thread *th, const vm_args *a, value *out) {
    PAYLOAD(sync_event, e, event_pytype);
    *out = v_bool(e->flag);
    return VM_OK;
}

static vm_status event_set(vm_thread *th, const vm_args *a, value *out) {
    PAYLOAD(sync_event, e, event_pytype);
    *out = v_none();
    return sync_event_set(th, e);
}

static vm_status event_clear(vm_thread *th, const vm_args *a, value *out) {
    PAYLOAD(sync_event, e, event_pytype);
    *out = v_none();
    return sync_event_clear(th, e);
}

static vm_status event_wait(vm_thread *th, const vm_args *a, value *out) {
    vm_status st = args_count_kw(th, a, "wait", 0, 1, (const char *const[]){"timeout", NULL});
    if (st != VM_OK) return st;
    PAYLOAD(sync_event, e, event_pytype);
    return sync_event_wait(th, e, args_get(a, 0, "timeout"), out);
}

static const native_def event_methods[] = {
    {"__init__", event_init}, {"is_set", event_is_set}, {"isSet", event_is_set}, {"set", event_set},
    {"clear", event_clear}, {"wait", event_wait}, {NULL, NULL}};

/* Barrier */
static vm_status barrier_repr(vm_thread *th, value self, strbuf *out) {
    sync_barrier *b = V_INST(self)->payload;
    unsigned long long addr = (unsigned long long)obj_address(self.u.o);
    if (b->broken) sb_printf(out, "<threading.Barrier at 0x%llx: broken>", addr);
    else sb_printf(out, "<threading.Barrier at 0x%llx: waiters=%d/%d>", addr, b->count, b->parties);
    (void)th;
    return VM_OK;
}

static const native_type barrier_pytype = {.name = "Barrier", .repr = barrier_repr};

static vm_status barrier_init(vm_thread *th, const vm_args *a, value *out) {
    vm *m = th->vm;
    static const char *const kw[] = {"parties", "action", "timeout", NULL};
    vm_status st = args_count_kw(th, a, "Barrier", 0, 3, kw);
    if (st != VM_OK) return st;
    value pv = args_get(a, 0, "parties");
    if (pv.tag == VT_UNDEF) return vm_raise(th, m->cls.TypeError, "Barrier.__init__() missing 1 required positional argument: 'parties'");
    int64_t parties;
    if ((st = args_int(th, pv, "parties", &parties)) != VM_OK) return st;
    if (parties < 1) return vm_raise(th, m->cls.ValueError, "parties must be > 0");
    int64_t tmo = -1;
    value tv = args_get(a, 2, "timeout");
    if (tv.tag != VT_UNDEF && tv.tag != VT_NONE) {
        double secs;
        if ((st = args_float(th, tv, "timeout", &secs)) != VM_OK) return st;
        tmo = (int64_t)(secs * 1e9);
    }
    simmod_attach(th, a->self, &barrier_pytype, sync_barrier_new(sim_current(th), (int)parties, tmo, false, a->self));
    value action = args_get(a, 1, "action");
    dict_set_cstr(m, V_INST(a->self)->dict, "_action", action.tag == VT_UNDEF ? v_none() : action);
    *out = v_none();
    return VM_OK;
}

static vm_status barrier_wait(vm_thread *th, const vm_args *a, value *out) {
    vm_status st = args_count_kw(th, a, "wait", 0, 1, (const char *const[]){"timeout", NULL});
    if (st != VM_OK) return st;
    PAYLOAD(sync_barrier, b, barrier_pytype);
    value action = v_none();
    dict_get_cstr(V_INST(a->self)->dict, "_action", &action);
    return sync_barrier_wait(th, b, args_get(a, 0, "timeout"), action, out);
}

static vm_status barrier_abort(vm_thread *th, const vm_args *a, value *out) {
    PAYLOAD(sync_barrier, b, barrier_pytype);
    *out = v_none();
    return sync_barrier_abort(th, b);
}

static vm_status barrier_reset(vm_thread *th, const vm_args *a, value *out) {
    PAYLOAD(sync_barrier, b, barrier_pytype);
    *out = v_none();
    return sync_barrier_reset(th, b);
}

static vm_status barrier_parties(vm_thread *th, const vm_args *a, value *out) {
    PAYLOAD(sync_barrier, b, barrier_pytype);
    *out = v_int(b->parties);
    return VM_OK;
}

static vm_status barrier_n_waiting(vm_thread *th, const vm_args *a, value *out) {
    PAYLOAD(sync_barrier, b, barrier_pytype);
    *out = v_int(b->count);
    return VM_OK;
}

static vm_status barrier_broken(vm_thread *th, const vm_args *a, value *out) {
    PAYLOAD(sync_barrier, b, barrier_pytype);
    *out = v_bool(b->broken);
    return VM_OK;
}

static const native_def barrier_methods[] = {
    {"__init__", barrier_init}, {"wait", barrier_wait}, {"abort", barrier_abort}, {"reset", barrier_reset}, {NULL, NULL}};
static const simmod_prop barrier_props[] = {
    {"parties", barrier_parties, NULL}, {"n_waiting", barrier_n_waiting, NULL}, {"broken", barrier_broken, NULL},
    {NULL, NULL, NULL}};

static const native_def module_functions[] = {
    {"current_thread", t_current_thread}, {"currentThread", t_current_thread}, {"main_thread", t_main_thread},
    {"enumerate", t_enumerate}, {"active_count", t_active_count}, {"activeCount", t_active_count},
    {"get_ident", t_get_ident}, {"get_native_id", t_get_native_id}, {NULL, NULL}};

/* threading.Lock and RLock: in CPython, factories of _thread's lock types
 * (type(Lock()) is _thread.lock). Here the name is bound to the class
 * itself; "_class_" + its name finds it when a copy crosses processes. */
static class_obj *class_with_new(vm *m, dict_obj *d, const char *name, const char *type_name, vm_native_fn ctor,
                                 const native_def *methods) {
    class_obj *c = simmod_class(m, NULL, "threading", type_name, NULL, methods, NULL);
    dict_set_str(c->dict, m->names.new_, v_obj(native_new(m, "__new__", ctor, false)));
    dict_set_cstr(m, d, name, v_obj(c));
    char key[64];
    snprintf(key, sizeof key, "_class_%s", type_name);
    dict_set_cstr(m, d, key, v_obj(c));
    return c;
}

vm_status simmod_threading(vm_thread *th, value *out) {
    vm *m = th->vm;
    module_obj *mod = simmod_module(m, "threading");
    dict_obj *d = mod->dict;
    native_register(m, d, module_functions, false);
    class_obj *thread = simmod_class(m, d, "threading", "Thread", NULL, thread_methods, thread_props);
    simmod_class(m, d, "threading", "_MainThread", thread, NULL, NULL);
    class_with_new(m, d, "Lock", "lock", new_lock, lock_methods);
    class_with_new(m, d, "RLock", "RLock", new_rlock, lock_methods);
    simmod_class(m, d, "threading", "Condition", NULL, cond_methods, NULL);
    class_obj *sem = simmod_class(m, d, "threading", "Semaphore", NULL, sem_methods, sem_props);
    simmod_class(m, d, "threading", "BoundedSemaphore", sem, bsem_methods, NULL);
    simmod_class(m, d, "threading", "Event", NULL, event_methods, NULL);
    simmod_class(m, d, "threading", "Barrier", NULL, barrier_methods, barrier_props);
    simmod_exception(m, d, "threading", "BrokenBarrierError", m->cls.RuntimeError);
    dict_set_cstr(m, d, "TIMEOUT_MAX", v_float(9223372036.0));
    *out = v_obj(mod);
    return VM_OK;
}
