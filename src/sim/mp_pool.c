/* mp_pool.c - multiprocessing.Pool and its results (ApplyResult,
 * MapResult, IMapIterator), following FACTS.md sections 3 and 4.
 *
 * Workers are real simulated processes (ForkPoolWorker-N, daemonic, named
 * from the parent's process counter) running the machine's Python helper
 * _pool_worker (sim_prelude.c), so a task is ordinary Python code in the
 * worker. The parent has CPython's three helper threads; the third,
 * Thread-N (_handle_results), runs the callbacks. Tasks and results cross
 * processes pickled. An idle worker with the lowest number takes a new
 * task, and a worker that finishes takes the next pending one (section 3a). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lang/obj.h"
#include "lang/xalloc.h"
#include "sim/mp_parts.h"
#include "sim/sim_copy.h"

enum { POOL_RUN, POOL_CLOSE, POOL_TERMINATE };
enum { JOB_APPLY, JOB_MAP, JOB_IMAP, JOB_IMAP_UNORDERED };
enum { TASK_CALL = 0, TASK_MAP = 1, TASK_STARMAP = 2 };

/* Tasks and results on their way (a scheduled arrival) are linked in
 * their pool, so that a run ending before they arrive frees them. */
typedef struct pool_flight {
    struct pool_flight *next, *prev;
} pool_flight;

static void flight_init(pool_flight *head) { head->next = head->prev = head; }

static void flight_add(pool_flight *head, pool_flight *x) {
    x->next = head->next;
    x->prev = head;
    head->next->prev = x;
    head->next = x;
}

static void flight_remove(pool_flight *x) {
    x->prev->next = x->next;
    x->next->prev = x->prev;
    x->next = x->prev = x;
}

typedef struct pool_task {
    pool_flight link;  /* first: the pointer is the task's */
    int64_t job;
    int idx;
    value held;      /* the pickled (job, idx, kind, func, args, kwds) tuple */
    char *label;     /* "job 3: f(2)" for the trace */
} pool_task;

typedef struct pool_result {
    pool_flight link;  /* first: the pointer is the result's */
    int64_t job;
    int idx;
    value held;      /* pickled (ok, value) */
    int worker_pid;
} pool_result;

typedef struct mp_pool mp_pool;

/* A worker's side: its handle's payload. */
typedef struct pool_worker {
    mp_pool *pool;
    sim_proc *proc;
    int number;       /* its position when it was started (idle order) */
    int tasks_done;
    bool exiting;     /* it reached maxtasksperchild */
    bool replaced;    /* it exited and a new worker took its place */
} pool_worker;

struct mp_pool {
    sim_waitable w;
    int obj;
    sim *s;
    sim_proc *home;
    int state;
    int size, maxtasks, method;
    value init_held;             /* pickled (initializer, initargs) */
    pool_task *tasks;            /* pending, FIFO */
    size_t ntasks, tasks_cap, tasks_head;
    pool_result *results;        /* arrived at the parent, not yet handled */
    pool_flight flying_tasks, flying_results; /* scheduled to arrive (owned) */
    size_t nresults, results_cap, results_head;
    pool_worker **workers;       /* every worker ever started */
    int nworkers, workers_cap;
    int started_workers;
    sim_tlist idle;              /* worker main threads waiting for a task */
    sim_thread *handler;         /* Thread-N (_handle_results), when waiting */
    sim_thread *idle_threads[2]; /* _handle_workers, _handle_tasks */
    sim_tlist joiners;
    sim_tlist closers;           /* helper threads waiting for the pool to end */
    int64_t outstanding;         /* submitted jobs not yet finished */
    int64_t in_transit;          /* tasks and results travelling between processes */
    int64_t tasks_in_transit;    /* of which tasks: submitted, not yet on the queue */
    int64_t next_job;
    value self;                  /* the Pool object (parent heap, rooted) */
    dict_obj *cache;             /* job number -> result object (parent heap) */
    bool handler_busy;
};

/* A result object's payload (ApplyResult, MapResult, IMapIterator). */
typedef struct pool_job {
    sim_waitable w;
    int obj;
    mp_pool *pool;
    int64_t job;
    int kind;
    int nchunks, chunks_done;
    int64_t nitems;
    int64_t *chunk_start;        /* first item index of each chunk */
    bool ready, success;
    bool callback_done;
    int64_t next_index;          /* imap: the next item to yield */
    int64_t yielded;
    sim_tlist waiters;
} pool_job;

static void pool_free(void *p) {
    mp_pool *pool = p;
    while (pool->flying_tasks.next != &pool->flying_tasks) {
        pool_task *t = (pool_task *)pool->flying_tasks.next;
        flight_remove(&t->link);
        free(t->label);
        free(t);
    }
    while (pool->flying_results.next != &pool->flying_results) {
        pool_flight *r = pool->flying_results.next;
        flight_remove(r);
        free(r);
    }
    for (size_t i = 0; i < pool->ntasks; i++) free(pool->tasks[(pool->tasks_head + i) % pool->tasks_cap].label);
    free(pool->tasks);
    free(pool->results);
    for (int i = 0; i < pool->nworkers; i++) free(pool->workers[i]);
    free(pool->workers);
    sim_tlist_free(&pool->idle);
    sim_tlist_free(&pool->joiners);
    sim_tlist_free(&pool->closers);
}

static void job_free(void *p) {
    pool_job *j = p;
    free(j->chunk_start);
    sim_tlist_free(&j->waiters);
}

static void pool_describe(void *self, sim_holder_info *out) {
    mp_pool *pool = self;
    static char buf[64];
    out->label = simmod_label(pool->home, pool->self, "Pool", pool->obj, buf, sizeof buf);
    out->nholders = 0;
}

static void job_describe(void *self, sim_holder_info *out) {
    pool_job *j = self;
    static char buf[64];
    snprintf(buf, sizeof buf, "the result of pool job %lld", (long long)j->job);
    out->label = buf;
    out->nholders = 0;
}

static const char *const state_names[] = {"RUN", "CLOSE", "TERMINATE"};

static vm_status pool_repr(vm_thread *th, value self, strbuf *out) {
    mp_pool *pool = V_INST(self)->payload;
    sb_printf(out, "<multiprocessing.pool.Pool state=%s pool_size=%d>", state_names[pool->state], pool->size);
    (void)th;
    return VM_OK;
}

static const char *const job_class_names[] = {"ApplyResult", "MapResult", "IMapIterator", "IMapUnorderedIterator"};

static vm_status job_repr(vm_thread *th, value self, strbuf *out) {
    pool_job *j = V_INST(self)->payload;
    unsigned long long addr = (unsigned long long)obj_address(self.u.o);
    sb_printf(out, "<multiprocessing.pool.%s object at 0x%llx>", job_class_names[j->kind], addr);
    (void)th;
    return VM_OK;
}

static const native_type pool_type = {.name = "Pool", .repr = pool_repr};
static const native_type job_type = {.name = "ApplyResult", .repr = job_repr};
static const native_type handle_type = {.name = "_PoolHandle"};

/* ------------------------------------------------------------ helpers */

static void trace_task(sim_thread *st, mp_pool *pool, trace_pool_phase phase, int worker_pid, const char *label) {
    sim_emit(pool->s, TRACE_POOL_TASK, st ? st->proc->pid : pool->home->pid, st ? st->tid : -1, pool->obj, (int)phase,
             worker_pid, label, label ? strlen(label) : 0);
}

static char *task_label(vm_thread *th, int64_t job, int idx, value func, value args, int kind) {
    strbuf sb;
    sb_init(&sb);
    sb_printf(&sb, "job %lld", (long long)job);
    if (kind != TASK_CALL) sb_printf(&sb, " chunk %d", idx);
    sb_puts(&sb, ": ");
    value name;
    bool found = false;
    if (ops_getattr_opt(th, func, th->vm->names.name, &name, &found) == VM_OK && found && v_is_obj(name, OK_STR))
        sb_append(&sb, V_STR(name)->data, V_STR(name)->len);
    else
        sb_puts(&sb, "task");
    th->exc = v_undef();
    if (kind == TASK_CALL && v_is_obj(args, OK_TUPLE)) {
        strbuf r;
        sb_init(&r);
        if (ops_repr(th, args, &r) == VM_OK) {
            if (V_TUPLE(args)->len == 1 && r.len >= 3) {
                sb_putc(&sb, '(');
                sb_append(&sb, r.data + 1, r.len - 3);
                sb_putc(&sb, ')');
            } else {
                sb_append(&sb, r.data, r.len);
            }
        }
        th->exc = v_undef();
        sb_free(&r);
    } else {
        sb_puts(&sb, kind == TASK_MAP ? " over a chunk" : " (starmap chunk)");
    }
    if (sb.len > 80) {
        sb.len = 77;
        sb_puts(&sb, "...");
    }
    return sb_take(&sb);
}

static pool_job *job_of(mp_pool *pool, int64_t job, value *obj_out) {
    value o;
    if (!dict_lookup(pool->cache, v_int(job), job, &o)) return NULL;
    if (obj_out) *obj_out = o;
    return V_INST(o)->payload;
}

/* Who takes the next task: the idle worker with the lowest number. */
static sim_thread *pick_idle(mp_pool *pool) {
    int best = -1, best_no = 0;
    for (int i = 0; i < pool->idle.n; i++) {
        sim_thread *w = pool->idle.items[i];
        pool_worker *pw = NULL;
        for (int k = 0; k < pool->nworkers; k++)
            if (pool->workers[k]->proc == w->proc) pw = pool->workers[k];
        int no = pw ? pw->number : 1 << 30;
        if (w->state == TS_FINISHED) continue;
        if (best < 0 || no < best_no) {
            best = i;
            best_no = no;
        }
    }
    if (best < 0) return NULL;
    sim_thread *w = pool->idle.items[best];
    sim_tlist_remove(&pool->idle, w);
    return w;
}

static pool_task pop_task(mp_pool *pool) {
    pool_task t = pool->tasks[pool->tasks_head];
    pool->tasks_head = (pool->tasks_head + 1) % pool->tasks_cap;
    pool->ntasks--;
    return t;
}

/* Gives pending tasks to idle workers: the worker's _next_task() returns
 * the unpickled task tuple. */
static void dispatch_tasks(mp_pool *pool) {
    while (pool->ntasks > 0 && pool->idle.n > 0) {
        sim_thread *w = pick_idle(pool);
        if (!w) break;
        pool_task t = pop_task(pool);
        value task;
        if (!sim_unpickle(pool->s, w->vt, t.held, &task)) {
            /* the worker cannot load the task (a name missing there): raise there */
            free(t.label);
            sim_thread_wake(w, v_none(), true);
            continue;
        }
        trace_task(w, pool, TP_STARTED, w->proc->pid, t.label);
        free(t.label);
        sim_thread_wake(w, task, false);
    }
}

/* No task can come any more: closed (or terminated), none queued and none
 * on its way. (CPython's workers get their None sentinels only after
 * every submitted task was handed out.) */
static bool pool_out_of_tasks(const mp_pool *pool) {
    return pool->state != POOL_RUN && pool->ntasks == 0 && pool->tasks_in_transit == 0;
}

/* Wakes workers that wait for tasks when no more can come (close/terminate). */
static void release_idle_workers(mp_pool *pool) {
    if (!pool_out_of_tasks(pool)) return;
    while (pool->idle.n > 0) {
        sim_thread *w = sim_tlist_pop(&pool->idle);
        if (w->state != TS_FINISHED) sim_thread_wake(w, v_none(), false);
    }
}

static bool pool_finished(const mp_pool *pool) {
    if (pool->state == POOL_RUN) return false;
    if (pool->state == POOL_TERMINATE) return true;
    if (pool->outstanding > 0 || pool->in_transit > 0 || pool->nresults > 0 || pool->handler_busy) return false;
    for (int i = 0; i < pool->nworkers; i++)
        if (!pool->workers[i]->proc->exited) return false;
    return true;
}

/* Wakes join() callers and the helper threads once the pool is done. */
static void check_finished(mp_pool *pool) {
    if (!pool_finished(pool)) return;
    while (pool->joiners.n > 0) sim_thread_wake(sim_tlist_pop(&pool->joiners), v_none(), false);
    while (pool->closers.n > 0) sim_thread_wake(sim_tlist_pop(&pool->closers), v_none(), false);
    if (pool->handler && pool->handler->state == TS_BLOCKED) {
        sim_thread *h = pool->handler;
        pool->handler = NULL;
        sim_thread_wake(h, v_none(), false);
    }
}

/* --------------------------------------------------------------- workers */

static void start_worker(mp_pool *pool, vm_thread *from);

/* A worker process exited: replace it if the pool still runs
 * (maxtasksperchild), as _handle_workers does. */
static void worker_gone(sim_proc *p, void *data) {
    pool_worker *pw = data;
    mp_pool *pool = pw->pool;
    (void)p;
    if (pw->exiting && pool->state == POOL_RUN && !pool->home->exited) {
        pw->replaced = true;
        start_worker(pool, pool->home->main->vt);
    }
    check_finished(pool);
}

static vm_status handle_next_task(vm_thread *th, const vm_args *a, value *out) {
    pool_worker *pw = simmod_payload(th, a->self, &handle_type);
    if (!pw) return VM_ERR;
    if (vm_sync_point(th)) return VM_BLOCK;
    mp_pool *pool = pw->pool;
    sim_thread *me = sim_current(th);
    *out = v_none();
    if (pool->state == POOL_TERMINATE) return VM_OK;
    if (pool->maxtasks > 0 && pw->tasks_done >= pool->maxtasks) {
        pw->exiting = true;
        return VM_OK;
    }
    if (pool->state == POOL_CLOSE && pool_out_of_tasks(pool)) return VM_OK;
    if (pool->ntasks > 0) {
        /* a task is waiting: take it now (never wake oneself from inside a blocking call) */
        pool_task t = pop_task(pool);
        bool ok = sim_unpickle(pool->s, th, t.held, out);
        if (ok) trace_task(me, pool, TP_STARTED, me->proc->pid, t.label);
        free(t.label);
        return ok ? VM_OK : VM_ERR;
    }
    sim_tlist_push(&pool->idle, me);
    return simmod_block(th, TS_BLOCKED, pool->obj, "waiting for a task", -1, NULL, pool, false);
}

static void result_arrives(sim *s, sim_event *e);

/* multiprocessing.pool.RemoteTraceback: the worker's traceback text, the
 * __cause__ of a task's exception re-raised in the parent. */
static vm_status remote_tb_init(vm_thread *th, const vm_args *a, value *out) {
    vm_status st = args_count(th, a, "RemoteTraceback", 1, 1);
    if (st != VM_OK) return st;
    dict_set_cstr(th->vm, V_INST(a->self)->dict, "tb", a->pos[0]);
    dict_set_str(V_INST(a->self)->dict, th->vm->names.args, tuple_pack(th->vm, 1, &a->pos[0]));
    *out = v_none();
    return VM_OK;
}

static vm_status remote_tb_str(vm_thread *th, const vm_args *a, value *out) {
    if (!dict_get_cstr(V_INST(a->self)->dict, "tb", out)) *out = v_obj(str_from_cstr(th->vm, ""));
    return VM_OK;
}

static const native_def remote_tb_methods[] = {{"__init__", remote_tb_init}, {"__str__", remote_tb_str}, {NULL, NULL}};

/* A failed task's result message: (False, exc, text), text being
 * '\n"""\n' + the worker's traceback + '"""' as pool.py's
 * ExceptionWithTraceback makes it. */
static value failed_task_message(vm_thread *th, value exc) {
    strbuf sb;
    sb_init(&sb);
    sb_puts(&sb, "\n\"\"\"\n");
    exc_format_traceback(th, exc, &sb);
    sb_puts(&sb, "\"\"\"");
    value parts[3] = {v_bool(false), exc, str_take_sb(th->vm, &sb)};
    return tuple_pack(th->vm, 3, parts);
}

/* In the parent: the unpickled exception gets a RemoteTraceback cause. */
static void attach_remote_traceback(vm_thread *th, value msg) {
    tuple_obj *t = V_TUPLE(msg);
    if (t->len < 3 || !v_is_obj(t->items[1], OK_INSTANCE) || !v_is_obj(t->items[2], OK_STR)) return;
    instance_obj *rt = instance_new(th->vm, mp_class(th->vm, "RemoteTraceback"));
    dict_set_cstr(th->vm, rt->dict, "tb", t->items[2]);
    dict_set_str(rt->dict, th->vm->names.args, tuple_pack(th->vm, 1, &t->items[2]));
    dict_obj *d = V_INST(t->items[1])->dict;
    dict_set_cstr(th->vm, d, "__cause__", v_obj(rt));
    dict_set_cstr(th->vm, d, "__suppress_context__", v_bool(true));
}

/* Sends a pickled (success, value) for a job's chunk to the parent: it
 * arrives at time `at`; worker_pid 0 when no worker ran it. */
static void send_result(mp_pool *pool, int64_t job, int idx, value held, int worker_pid, int64_t at) {
    pool_result *r = xcalloc(1, sizeof *r);
    flight_add(&pool->flying_results, &r->link);
    r->job = job;
    r->idx = idx;
    r->held = tuple_pack(sim_holding_thread(pool->s)->vm, 1, &held);
    r->worker_pid = worker_pid;
    pool->in_transit++;
    sim_schedule(pool->s, at, result_arrives, NULL, NULL, (uint64_t)(uintptr_t)r, (int64_t)(intptr_t)pool);
}

static vm_status handle_task_done(vm_thread *th, const vm_args *a, value *out) {
    vm_status st = args_count(th, a, "_task_done", 4, 4);
    if (st != VM_OK) return st;
    pool_worker *pw = simmod_payload(th, a->self, &handle_type);
    if (!pw) return VM_ERR;
    if (vm_sync_point(th)) return VM_BLOCK;
    mp_pool *pool = pw->pool;
    sim_thread *me = sim_current(th);
    pw->tasks_done++;
    value pair[2] = {a->pos[2], a->pos[3]};
    bool failed = a->pos[2].tag == VT_BOOL && !a->pos[2].u.i && v_is_obj(a->pos[3], OK_INSTANCE);
    value msg = failed ? failed_task_message(th, a->pos[3]) : tuple_pack(th->vm, 2, pair), held;
    size_t size;
    if (!sim_pickle(pool->s, th, msg, &held, &size)) {
        /* CPython wraps an unpicklable result in MaybeEncodingError */
        th->exc = v_undef();
        value err = vm_exc_new(th, th->vm->cls.RuntimeError, "Error sending result: the result cannot be pickled");
        value pair2[2] = {v_bool(false), err};
        sim_pickle(pool->s, th, tuple_pack(th->vm, 2, pair2), &held, &size);
    }
    char label[64];
    snprintf(label, sizeof label, "job %lld", (long long)a->pos[0].u.i);
    trace_task(me, pool, TP_FINISHED, me->proc->pid, label);
    send_result(pool, a->pos[0].u.i, (int)a->pos[1].u.i, held, me->proc->pid, vm_now(th) + sim_pickle_cost_ns(size));
    *out = v_none();
    return VM_OK;
}

static const native_def worker_handle_methods[] = {
    {"_next_task", handle_next_task}, {"_task_done", handle_task_done}, {NULL, NULL}};


static class_obj *handle_class(vm *m) {
    value cls;
    if (dict_get_cstr(m->builtins, "_concviz_PoolHandle", &cls)) return V_CLASS(cls);
    class_obj *c = natives_class(m, "_PoolHandle", m->cls.object, worker_handle_methods);
    dict_set_cstr(m, m->builtins, "_concviz_PoolHandle", v_obj(c));
    return c;
}

/* The worker's main thread runs _pool_worker(handle, initializer,
 * initargs); the initializer pair is unpickled here, in the worker. */
static bool worker_run(sim_thread *cm, void *data) {
    pool_worker *pw = data;
    mp_pool *pool = pw->pool;
    vm *cvm = cm->proc->vm;
    value handle = simmod_instance(cm->vt, handle_class(cvm), &handle_type, pw);
    value init = v_none(), initargs = tuple_pack(cvm, 0, NULL), unp;
    if (pool->init_held.tag == VT_OBJ && sim_unpickle(pool->s, cm->vt, pool->init_held, &unp) &&
        v_is_obj(unp, OK_TUPLE)) {
        init = V_TUPLE(unp)->items[0];
        initargs = V_TUPLE(unp)->items[1];
    }
    cm->vt->exc = v_undef();
    value args[3] = {handle, init, initargs};
    vm_thread_start_call(cm->vt, sim_prelude_function(cm->proc, "_pool_worker"), tuple_pack(cvm, 3, args));
    return true;
}

/* Starts one worker: under fork a copy of the parent that runs
 * _pool_worker; under spawn and forkserver a fresh interpreter that first
 * imports the main module as __mp_main__ (module code runs again, later
 * changes to globals are not seen), then runs it. */
static void start_worker(mp_pool *pool, vm_thread *from) {
    sim *s = pool->s;
    sim_proc *parent = pool->home;
    static const char *const kinds[] = {"ForkPoolWorker", "SpawnPoolWorker", "ForkServerPoolWorker"};
    int n = ++parent->child_counter;
    char name[200], ident[96];
    snprintf(ident, sizeof ident, "%s%s%d", parent->identity, parent->identity[0] ? ":" : "", n);
    snprintf(name, sizeof name, "%s-%s", kinds[pool->method], ident);
    sim_proc *child = sim_proc_new(s, parent, name, ident);
    child->daemon = true;
    child->started = true;
    mp_process_object(from, child, pool->method);
    sim_thread *cm = sim_thread_new(child, "MainThread", true);
    child->main = cm;
    cm->started = true;
    if (pool->method == SIM_FORK) {
        sim_copy_ctx c;
        sim_copy_init(&c, from, cm->vt, false);
        sim_copy_fork_world(&c);
        sim_copy_fini(&c);
    }
    pool_worker *pw = xcalloc(1, sizeof *pw);
    pw->pool = pool;
    pw->proc = child;
    pw->number = ++pool->started_workers;
    if (pool->nworkers == pool->workers_cap) {
        pool->workers_cap = pool->workers_cap ? pool->workers_cap * 2 : 8;
        pool->workers = xreallocarray(pool->workers, (size_t)pool->workers_cap, sizeof(pool_worker *));
    }
    pool->workers[pool->nworkers++] = pw;
    child->on_exit = worker_gone;
    child->on_exit_data = pw;
    if (pool->method == SIM_FORK) {
        worker_run(cm, pw);
    } else {
        child->spawn_pending = true;
        child->after_import = worker_run;
        child->after_import_data = pw;
        vm_thread_start_module(cm->vt, "__mp_main__");
    }
    int64_t cost = pool->method == SIM_SPAWN ? 55000000 : pool->method == SIM_FORKSERVER ? 6000000
                                                        : parent->forks_done++ ? 1500000 : 4500000;
    sim_schedule(s, sim_proc_fork_done_at(parent, cost), sim_proc_ready, NULL, child, 0, 0);
}

/* ------------------------------------------------------ the parent's side */

/* Puts the task on the pool after the task handler's hand-over time. */
static void task_arrives(sim *s, sim_event *e) {
    mp_pool *pool = (mp_pool *)(intptr_t)e->arg;
    pool_task *t = (pool_task *)(uintptr_t)e->gen;
    (void)s;
    flight_remove(&t->link);
    pool->in_transit--;
    pool->tasks_in_transit--;
    if (pool->state == POOL_TERMINATE) {
        free(t->label);
        free(t);
        return;
    }
    if (pool->ntasks == pool->tasks_cap) {
        size_t cap = pool->tasks_cap ? pool->tasks_cap * 2 : 16;
        pool_task *nt = xreallocarray(NULL, cap, sizeof(pool_task));
        for (size_t i = 0; i < pool->ntasks; i++) nt[i] = pool->tasks[(pool->tasks_head + i) % pool->tasks_cap];
        free(pool->tasks);
        pool->tasks = nt;
        pool->tasks_cap = cap;
        pool->tasks_head = 0;
    }
    pool->tasks[(pool->tasks_head + pool->ntasks++) % pool->tasks_cap] = *t;
    free(t);
    dispatch_tasks(pool);
    release_idle_workers(pool);
}

static void result_arrives(sim *s, sim_event *e) {
    mp_pool *pool = (mp_pool *)(intptr_t)e->arg;
    pool_result *r = (pool_result *)(uintptr_t)e->gen;
    (void)s;
    flight_remove(&r->link);
    pool->in_transit--;
    if (pool->state == POOL_TERMINATE) {
        free(r);
        return;
    }
    if (pool->nresults == pool->results_cap) {
        size_t cap = pool->results_cap ? pool->results_cap * 2 : 16;
        pool_result *nr = xreallocarray(NULL, cap, sizeof(pool_result));
        for (size_t i = 0; i < pool->nresults; i++) nr[i] = pool->results[(pool->results_head + i) % pool->results_cap];
        free(pool->results);
        pool->results = nr;
        pool->results_cap = cap;
        pool->results_head = 0;
    }
    pool->results[(pool->results_head + pool->nresults++) % pool->results_cap] = *r;
    free(r);
    /* wake the result handler, which is blocked in _next_result() (rewound) */
    if (pool->handler && pool->handler->state == TS_BLOCKED) {
        sim_thread *h = pool->handler;
        pool->handler = NULL;
        sim_thread_wake(h, v_none(), false);
    }
}

static vm_status submit(vm_thread *th, mp_pool *pool, int64_t job, int idx, int kind, value func, value args, value kwds) {
    sim_thread *me = sim_current(th);
    value parts[6] = {v_int(job), v_int(idx), v_int(kind), func, args, kwds};
    value task = tuple_pack(th->vm, 6, parts), held;
    size_t size;
    if (!sim_pickle(pool->s, th, task, &held, &size)) {
        /* CPython's task handler catches this and fails the job with the
           exception, so get() raises it (a lambda, a Lock in the arguments) */
        value err = th->exc;
        th->exc = v_undef();
        value pair[2] = {v_bool(false), err};
        if (!sim_pickle(pool->s, th, tuple_pack(th->vm, 2, pair), &held, &size)) return VM_ERR;
        send_result(pool, job, idx, held, 0, vm_now(th) + 20000);
        return VM_OK;
    }
    pool_task *t = xcalloc(1, sizeof *t);
    flight_add(&pool->flying_tasks, &t->link);
    t->job = job;
    t->idx = idx;
    t->held = held;
    t->label = task_label(th, job, idx, func, args, kind);
    trace_task(me, pool, TP_SUBMITTED, 0, t->label);
    pool->in_transit++;
    pool->tasks_in_transit++;
    sim_schedule(pool->s, vm_now(th) + sim_pickle_cost_ns(size) + 20000, task_arrives, NULL, NULL,
                 (uint64_t)(uintptr_t)t, (int64_t)(intptr_t)pool);
    return VM_OK;
}

static vm_status pool_not_running(vm_thread *th) { return vm_raise(th, th->vm->cls.ValueError, "Pool not running"); }

static mp_pool *pool_of(vm_thread *th, value self) { return simmod_payload(th, self, &pool_type); }

/* A new result object registered in the pool's cache. */
static value new_job(vm_thread *th, mp_pool *pool, int kind, int nchunks, int64_t nitems, value callback, value errcb,
                     pool_job **out) {
    vm *m = th->vm;
    pool_job *j = xcalloc(1, sizeof *j);
    j->w.describe = job_describe;
    j->pool = pool;
    j->job = ++pool->next_job;
    j->kind = kind;
    j->nchunks = nchunks;
    j->nitems = nitems;
    j->chunk_start = xcalloc((size_t)nchunks + 1, sizeof(int64_t));
    j->obj = ++pool->s->next_obj;
    sim_own(pool->s, j, job_free);
    value o = simmod_instance(th, mp_class(m, job_class_names[kind]), &job_type, j);
    dict_set_cstr(m, V_INST(o)->dict, "_cb", callback.tag == VT_UNDEF ? v_none() : callback);
    dict_set_cstr(m, V_INST(o)->dict, "_errcb", errcb.tag == VT_UNDEF ? v_none() : errcb);
    if (kind != JOB_APPLY) {
        list_obj *vals = list_new(m, (size_t)nitems);
        for (int64_t i = 0; i < nitems; i++) list_append(vals, v_none());
        dict_set_cstr(m, V_INST(o)->dict, "_values", v_obj(vals));
        dict_set_cstr(m, V_INST(o)->dict, "_arrived", v_obj(list_new(m, 4)));
    }
    dict_store(pool->cache, v_int(j->job), j->job, o);
    pool->outstanding++;
    *out = j;
    return o;
}

static vm_status pool_apply_async(vm_thread *th, const vm_args *a, value *out) {
    static const char *const kw[] = {"func", "args", "kwds", "callback", "error_callback", NULL};
    vm_status st = args_count_kw(th, a, "apply_async", 1, 5, kw);
    if (st != VM_OK) return st;
    mp_pool *pool = pool_of(th, a->self);
    if (!pool) return VM_ERR;
    if (vm_sync_point(th)) return VM_BLOCK;
    if (pool->state != POOL_RUN) return pool_not_running(th);
    value args = args_get(a, 1, "args"), kwds = args_get(a, 2, "kwds");
    if (args.tag == VT_UNDEF) args = tuple_pack(th->vm, 0, NULL);
    if (kwds.tag == VT_UNDEF || kwds.tag == VT_NONE) kwds = v_obj(dict_new(th->vm));
    if (!v_is_obj(args, OK_TUPLE)) {
        list_obj *l;
        if ((st = ops_to_list(th, args, &l)) != VM_OK) return st;
        args = tuple_pack(th->vm, l->len, l->items);
    }
    pool_job *j;
    value o = new_job(th, pool, JOB_APPLY, 1, 1, args_get(a, 3, "callback"), args_get(a, 4, "error_callback"), &j);
    if ((st = submit(th, pool, j->job, 0, TASK_CALL, args_get(a, 0, "func"), args, kwds)) != VM_OK) return st;
    *out = o;
    return VM_OK;
}

/* map_async/starmap_async/imap/imap_unordered: chunks of the input. */
static vm_status pool_map_common(vm_thread *th, const vm_args *a, value *out, int kind, int task_kind,
                                 bool default_chunk_one, const char *name) {
    static const char *const kw[] = {"func", "iterable", "chunksize", "callback", "error_callback", NULL};
    vm_status st = args_count_kw(th, a, name, 2, 5, kw);
    if (st != VM_OK) return st;
    mp_pool *pool = pool_of(th, a->self);
    if (!pool) return VM_ERR;
    if (vm_sync_point(th)) return VM_BLOCK;
    if (pool->state != POOL_RUN) return pool_not_running(th);
    list_obj *items;
    if ((st = ops_to_list(th, args_get(a, 1, "iterable"), &items)) != VM_OK) return st;
    int64_t n = (int64_t)items->len, chunksize;
    value cs = args_get(a, 2, "chunksize");
    if (cs.tag != VT_UNDEF && cs.tag != VT_NONE) {
        if ((st = args_int(th, cs, "chunksize", &chunksize)) != VM_OK) return st;
        if (chunksize < 1) return vm_raise(th, th->vm->cls.ValueError, "Chunksize must be 1+, not %lld", (long long)chunksize);
    } else if (default_chunk_one) {
        chunksize = 1;
    } else {
        int64_t extra;
        chunksize = n / ((int64_t)pool->size * 4);
        extra = n % ((int64_t)pool->size * 4);
        if (extra) chunksize++;
    }
    int nchunks = chunksize ? (int)((n + chunksize - 1) / chunksize) : 0;
    pool_job *j;
    value o = new_job(th, pool, kind, nchunks, n, args_get(a, 3, "callback"), args_get(a, 4, "error_callback"), &j);
    for (int c = 0; c < nchunks; c++) {
        int64_t lo = (int64_t)c * chunksize, hi = lo + chunksize < n ? lo + chunksize : n;
        j->chunk_start[c] = lo;
        value chunk = v_obj(list_new(th->vm, (size_t)(hi - lo)));
        for (int64_t i = lo; i < hi; i++) list_append(V_LIST(chunk), items->items[i]);
        if ((st = submit(th, pool, j->job, c, task_kind, args_get(a, 0, "func"), chunk, v_obj(dict_new(th->vm)))) != VM_OK)
            return st;
    }
    j->chunk_start[nchunks] = n;
    if (nchunks == 0) {
        j->ready = j->success = true;
        pool->outstanding--;
    }
    *out = o;
    return VM_OK;
}

static vm_status pool_map_async(vm_thread *th, const vm_args *a, value *out) {
    return pool_map_common(th, a, out, JOB_MAP, TASK_MAP, false, "map_async");
}
static vm_status pool_starmap_async(vm_thread *th, const vm_args *a, value *out) {
    return pool_map_common(th, a, out, JOB_MAP, TASK_STARMAP, false, "starmap_async");
}
static vm_status pool_imap(vm_thread *th, const vm_args *a, value *out) {
    return pool_map_common(th, a, out, JOB_IMAP, TASK_MAP, true, "imap");
}
static vm_status pool_imap_unordered(vm_thread *th, const vm_args *a, value *out) {
    return pool_map_common(th, a, out, JOB_IMAP_UNORDERED, TASK_MAP, true, "imap_unordered");
}

/* ------------------------------------------------------------- results */

static pool_job *job_self(vm_thread *th, value self) { return simmod_payload(th, self, &job_type); }

static vm_status raise_mp_timeout(vm_thread *th) {
    return vm_raise_value(th, vm_exc_new(th, mp_class(th->vm, "TimeoutError"), NULL));
}

static void job_timeout(sim_thread *st) {
    pool_job *j = st->wait_data;
    sim_tlist_remove(&j->waiters, st);
    st->timed_out = true;
    sim_thread_wake(st, v_none(), false);
}

/* Waits (rewound) until the job is ready or the deadline passes; returns
 * VM_OK once it may go on, with *timed_out telling which. */
static vm_status job_wait(vm_thread *th, pool_job *j, value timeout, bool *timed_out) {
    sim_thread *me = sim_current(th);
    *timed_out = false;
    bool retry = me->retry_obj == j->obj;
    if (j->ready) {
        if (retry) me->retry_obj = 0;
        return VM_OK;
    }
    if (retry && me->timed_out) {
        me->retry_obj = 0;
        me->timed_out = false;
        *timed_out = true;
        return VM_OK;
    }
    int64_t deadline = retry ? me->retry_deadline : -1;
    if (!retry && timeout.tag != VT_UNDEF && timeout.tag != VT_NONE) {
        vm_status st = simmod_deadline(th, timeout, true, &deadline);
        if (st != VM_OK) return st;
    }
    if (deadline >= 0 && deadline <= vm_now(th)) {
        me->retry_obj = 0;
        *timed_out = true;
        return VM_OK;
    }
    sim_tlist_push(&j->waiters, me);
    me->retry_obj = j->obj;
    me->retry_deadline = deadline;
    return simmod_block(th, TS_BLOCKED, j->obj, "AsyncResult.get()", deadline, job_timeout, j, true);
}

static vm_status job_get(vm_thread *th, const vm_args *a, value *out) {
    vm_status st = args_count_kw(th, a, "get", 0, 1, (const char *const[]){"timeout", NULL});
    if (st != VM_OK) return st;
    pool_job *j = job_self(th, a->self);
    if (!j) return VM_ERR;
    if (vm_sync_point(th)) return VM_BLOCK;
    bool timed_out;
    if ((st = job_wait(th, j, args_get(a, 0, "timeout"), &timed_out)) != VM_OK) return st;
    if (timed_out) return raise_mp_timeout(th);
    value v = v_none();
    dict_get_cstr(V_INST(a->self)->dict, j->kind == JOB_APPLY ? "_value" : "_values", &v);
    if (!j->success) {
        value err;
        if (dict_get_cstr(V_INST(a->self)->dict, "_error", &err)) return vm_raise_value(th, err);
        return vm_raise(th, th->vm->cls.RuntimeError, "the task failed");
    }
    if (j->kind != JOB_APPLY && v_is_obj(v, OK_LIST)) {
        list_obj *copy;
        ops_to_list(th, v, &copy);
        v = v_obj(copy);
    }
    *out = v;
    return VM_OK;
}

static vm_status job_wait_m(vm_thread *th, const vm_args *a, value *out) {
    vm_status st = args_count_kw(th, a, "wait", 0, 1, (const char *const[]){"timeout", NULL});
    if (st != VM_OK) return st;
    pool_job *j = job_self(th, a->self);
    if (!j) return VM_ERR;
    if (vm_sync_point(th)) return VM_BLOCK;
    bool timed_out;
    if ((st = job_wait(th, j, args_get(a, 0, "timeout"), &timed_out)) != VM_OK) return st;
    *out = v_none();
    return VM_OK;
}

static vm_status job_ready(vm_thread *th, const vm_args *a, value *out) {
    pool_job *j = job_self(th, a->self);
    if (!j) return VM_ERR;
    if (vm_sync_point(th)) return VM_BLOCK;
    *out = v_bool(j->ready);
    return VM_OK;
}

static vm_status job_successful(vm_thread *th, const vm_args *a, value *out) {
    pool_job *j = job_self(th, a->self);
    if (!j) return VM_ERR;
    if (vm_sync_point(th)) return VM_BLOCK;
    if (!j->ready) {
        strbuf sb;
        sb_init(&sb);
        ops_repr(th, a->self, &sb);
        vm_status st = vm_raise(th, th->vm->cls.ValueError, "%s not ready", sb.data ? sb.data : "");
        sb_free(&sb);
        return st;
    }
    *out = v_bool(j->success);
    return VM_OK;
}

/* imap iteration: the next item in order (or in completion order). */
static vm_status job_next(vm_thread *th, const vm_args *a, value *out) {
    vm_status st = args_count_kw(th, a, "next", 0, 1, (const char *const[]){"timeout", NULL});
    if (st != VM_OK) return st;
    value timeout = args_get(a, 0, "timeout");
    pool_job *j = job_self(th, a->self);
    if (!j) return VM_ERR;
    if (vm_sync_point(th)) return VM_BLOCK;
    sim_thread *me = sim_current(th);
    dict_obj *d = V_INST(a->self)->dict;
    value vals = v_none(), arrived = v_none();
    dict_get_cstr(d, "_values", &vals);
    dict_get_cstr(d, "_arrived", &arrived);
    if (j->yielded >= j->nitems) return vm_raise_value(th, vm_exc_new(th, th->vm->cls.StopIteration, NULL));
    value err;
    if (!j->success && j->ready && dict_get_cstr(d, "_error", &err)) return vm_raise_value(th, err);
    bool available;
    if (j->kind == JOB_IMAP_UNORDERED) {
        available = v_is_obj(arrived, OK_LIST) && V_LIST(arrived)->len > (size_t)j->yielded;
        if (available) *out = V_LIST(arrived)->items[j->yielded];
    } else {
        /* an item is there once its chunk arrived: _arrived holds item indices */
        available = false;
        if (v_is_obj(arrived, OK_LIST))
            for (size_t i = 0; i < V_LIST(arrived)->len; i++)
                if (V_LIST(arrived)->items[i].u.i == j->next_index) available = true;
        if (available) *out = V_LIST(vals)->items[j->next_index];
    }
    if (available) {
        j->yielded++;
        j->next_index++;
        me->retry_obj = 0;
        return VM_OK;
    }
    bool timed_out = me->retry_obj == j->obj && me->timed_out;
    if (timed_out) {
        me->retry_obj = 0;
        me->timed_out = false;
        return raise_mp_timeout(th);
    }
    int64_t deadline = me->retry_obj == j->obj ? me->retry_deadline : -1;
    if (me->retry_obj != j->obj && timeout.tag != VT_UNDEF && timeout.tag != VT_NONE) {
        if ((st = simmod_deadline(th, timeout, true, &deadline)) != VM_OK) return st;
    }
    sim_tlist_push(&j->waiters, me);
    me->retry_obj = j->obj;
    me->retry_deadline = deadline;
    return simmod_block(th, TS_BLOCKED, j->obj, "IMapIterator.next()", deadline, job_timeout, j, true);
}

static vm_status job_iter(vm_thread *th, const vm_args *a, value *out) {
    (void)th;
    *out = a->self;
    return VM_OK;
}

/* Called by the result handler: (callback, argument) to run, or None. */
static vm_status job_callback(vm_thread *th, const vm_args *a, value *out) {
    pool_job *j = job_self(th, a->self);
    if (!j) return VM_ERR;
    dict_obj *d = V_INST(a->self)->dict;
    *out = v_none();
    if (j->callback_done || j->chunks_done < j->nchunks || j->kind >= JOB_IMAP) return VM_OK;
    j->callback_done = true;
    value cb = v_none(), arg = v_none();
    if (j->success) {
        dict_get_cstr(d, "_cb", &cb);
        dict_get_cstr(d, j->kind == JOB_APPLY ? "_value" : "_values", &arg);
    } else {
        dict_get_cstr(d, "_errcb", &cb);
        dict_get_cstr(d, "_error", &arg);
    }
    if (cb.tag == VT_NONE) return VM_OK;
    sim_thread *me = sim_current(th);
    char label[64];
    snprintf(label, sizeof label, "job %lld", (long long)j->job);
    trace_task(me, j->pool, TP_CALLBACK, 0, label);
    value pair[2] = {cb, arg};
    *out = tuple_pack(th->vm, 2, pair);
    return VM_OK;
}

/* Called by the result handler after the callback: ready, waiters wake. */
static vm_status job_finish(vm_thread *th, const vm_args *a, value *out) {
    pool_job *j = job_self(th, a->self);
    if (!j) return VM_ERR;
    *out = v_none();
    if (j->chunks_done >= j->nchunks && !j->ready) {
        j->ready = true;
        j->pool->outstanding--;
    }
    while (j->waiters.n > 0) sim_thread_wake(sim_tlist_pop(&j->waiters), v_none(), false);
    check_finished(j->pool);
    return VM_OK;
}

static const native_def job_methods[] = {
    {"get", job_get}, {"wait", job_wait_m}, {"ready", job_ready}, {"successful", job_successful},
    {"_callback", job_callback}, {"_finish", job_finish}, {NULL, NULL}};
static const native_def iter_methods[] = {
    {"__next__", job_next}, {"next", job_next}, {"__iter__", job_iter}, {"_callback", job_callback},
    {"_finish", job_finish}, {NULL, NULL}};

/* -------------------------------------------- the result handler thread */

/* _next_result(): the next arrived result, stored into its job (parent
 * heap); None when the pool is done. */
static vm_status handle_next_result(vm_thread *th, const vm_args *a, value *out) {
    mp_pool *pool = simmod_payload(th, a->self, &pool_type);
    if (!pool) return VM_ERR;
    if (vm_sync_point(th)) return VM_BLOCK;
    sim_thread *me = sim_current(th);
    pool->handler_busy = false;
    *out = v_none();
    while (pool->nresults > 0) {
        pool_result r = pool->results[pool->results_head];
        pool->results_head = (pool->results_head + 1) % pool->results_cap;
        pool->nresults--;
        value jobv;
        pool_job *j = job_of(pool, r.job, &jobv);
        if (!j) continue;
        value msg;
        bool ok = true;
        if (!sim_unpickle(pool->s, th, V_TUPLE(r.held)->items[0], &msg)) {
            msg = tuple_pack(th->vm, 2, (value[]){v_bool(false), th->exc});
            th->exc = v_undef();
        }
        ok = V_TUPLE(msg)->items[0].u.i != 0;
        value val = V_TUPLE(msg)->items[1];
        if (!ok) attach_remote_traceback(th, msg);
        dict_obj *d = V_INST(jobv)->dict;
        if (!ok) {
            value prev;
            if (j->success || !dict_get_cstr(d, "_error", &prev)) dict_set_cstr(th->vm, d, "_error", val);
            j->success = false;
        } else if (j->kind == JOB_APPLY) {
            dict_set_cstr(th->vm, d, "_value", val);
            j->success = true;
        } else {
            value vals, arrived;
            dict_get_cstr(d, "_values", &vals);
            dict_get_cstr(d, "_arrived", &arrived);
            int64_t lo = j->chunk_start[r.idx];
            if (v_is_obj(val, OK_LIST))
                for (size_t i = 0; i < V_LIST(val)->len && lo + (int64_t)i < j->nitems; i++) {
                    V_LIST(vals)->items[lo + (int64_t)i] = V_LIST(val)->items[i];
                    list_append(V_LIST(arrived), j->kind == JOB_IMAP_UNORDERED ? V_LIST(val)->items[i] : v_int(lo + (int64_t)i));
                }
            if (j->chunks_done == 0 && j->success == false && !dict_get_cstr(d, "_error", &val)) j->success = true;
            if (!dict_get_cstr(d, "_error", &val)) j->success = true;
        }
        j->chunks_done++;
        char label[64];
        snprintf(label, sizeof label, "job %lld", (long long)j->job);
        trace_task(me, pool, TP_DELIVERED, r.worker_pid, label);
        pool->handler_busy = true;
        /* imap consumers may go on with the items that arrived */
        if (j->kind >= JOB_IMAP)
            while (j->waiters.n > 0) sim_thread_wake(sim_tlist_pop(&j->waiters), v_none(), false);
        *out = jobv;
        return VM_OK;
    }
    if (pool_finished(pool)) {
        check_finished(pool); /* join() may return now */
        return VM_OK;
    }
    pool->handler = me;
    return simmod_block(th, TS_BLOCKED, pool->obj, "outqueue.get() (_handle_results)", -1, NULL, pool, true);
}

static vm_status handle_callback_failed(vm_thread *th, const vm_args *a, value *out) {
    (void)a;
    *out = v_none();
    if (a->npos > 0) exc_print_traceback(th, a->pos[0]);
    return VM_OK;
}

static vm_status handle_wait_closed(vm_thread *th, const vm_args *a, value *out) {
    mp_pool *pool = simmod_payload(th, a->self, &pool_type);
    if (!pool) return VM_ERR;
    if (vm_sync_point(th)) return VM_BLOCK;
    *out = v_none();
    if (pool_finished(pool)) return VM_OK;
    sim_tlist_push(&pool->closers, sim_current(th));
    return simmod_block(th, TS_BLOCKED, pool->obj, "waiting for the pool to end", -1, NULL, pool, false);
}

static const native_def parent_handle_methods[] = {
    {"_next_result", handle_next_result}, {"_callback_failed", handle_callback_failed},
    {"_wait_closed", handle_wait_closed}, {NULL, NULL}};

/* --------------------------------------------------------------- Pool */

static sim_thread *helper_thread(vm_thread *th, mp_pool *pool, const char *what, const char *fn) {
    sim_thread *me = sim_current(th);
    char name[96];
    snprintf(name, sizeof name, "Thread-%d (%s)", ++me->proc->thread_counter, what);
    sim_thread *t = sim_thread_new(me->proc, name, false);
    t->daemon = true;
    t->started = true;
    value handle = simmod_instance(th, mp_class(th->vm, "_PoolParentHandle"), &pool_type, pool);
    vm_thread_start_call(t->vt, sim_prelude_function(me->proc, fn), tuple_pack(th->vm, 1, &handle));
    sim_thread_make_runnable(t);
    return t;
}

/* Pool(processes=None, initializer=None, initargs=(), maxtasksperchild=None, context=None) */
static vm_status mp_Pool(vm_thread *th, const vm_args *a, value *out) {
    vm *m = th->vm;
    static const char *const kw[] = {"processes", "initializer", "initargs", "maxtasksperchild", "context", NULL};
    vm_status st = args_count_kw(th, a, "Pool", 0, 5, kw);
    if (st != VM_OK) return st;
    if (vm_sync_point(th)) return VM_BLOCK;
    sim_thread *me = sim_current(th);
    sim *s = me->s;
    if (me->proc->daemon) return vm_raise(th, m->cls.AssertionError, "daemonic processes are not allowed to have children");
    int64_t size = s->cfg.cores, maxtasks = 0;
    value pv = args_get(a, 0, "processes");
    if (pv.tag != VT_UNDEF && pv.tag != VT_NONE && (st = args_int(th, pv, "processes", &size)) != VM_OK) return st;
    if (size < 1) return vm_raise(th, m->cls.ValueError, "Number of processes must be at least 1");
    value mv = args_get(a, 3, "maxtasksperchild");
    if (mv.tag != VT_UNDEF && mv.tag != VT_NONE) {
        if ((st = args_int(th, mv, "maxtasksperchild", &maxtasks)) != VM_OK) return st;
        if (maxtasks < 1) return vm_raise(th, m->cls.ValueError, "maxtasksperchild must be a positive int or None");
    }
    mp_pool *pool = xcalloc(1, sizeof *pool);
    flight_init(&pool->flying_tasks);
    flight_init(&pool->flying_results);
    pool->w.describe = pool_describe;
    pool->s = s;
    pool->home = me->proc;
    pool->size = (int)size;
    pool->maxtasks = (int)maxtasks;
    pool->method = s->start_method_set ? s->start_method : (int)s->cfg.start_method;
    value ctx = args_get(a, 4, "context");
    if (ctx.tag == VT_UNDEF || ctx.tag == VT_NONE) ctx = a->self; /* ctx.Pool(): the context itself */
    int ctx_method = mp_context_method(ctx);
    if (ctx_method >= 0) pool->method = ctx_method;
    pool->init_held = v_undef();
    value init = args_get(a, 1, "initializer"), initargs = args_get(a, 2, "initargs");
    if (init.tag != VT_UNDEF && init.tag != VT_NONE) {
        value pair[2] = {init, initargs.tag == VT_UNDEF ? tuple_pack(m, 0, NULL) : initargs};
        if (!sim_pickle_for_spawn(s, th, tuple_pack(m, 2, pair), &pool->init_held, NULL)) return VM_ERR;
    }
    sim_own(s, pool, pool_free);
    value self = simmod_instance(th, mp_class(m, "Pool"), &pool_type, pool);
    pool->self = self;
    pool->cache = dict_new(m);
    dict_set_cstr(m, V_INST(self)->dict, "_cache", v_obj(pool->cache));
    sim_proc_add_root(me->proc, self);
    pool->obj = sim_new_object(s, me, TO_POOL, (int)size, NULL);
    helper_thread(th, pool, "_handle_workers", "_pool_idle");
    helper_thread(th, pool, "_handle_tasks", "_pool_idle");
    helper_thread(th, pool, "_handle_results", "_pool_result_handler");
    for (int i = 0; i < pool->size; i++) start_worker(pool, th);
    *out = self;
    return VM_OK;
}

typedef vm_status (*pool_submit_fn)(vm_thread *th, const vm_args *a, value *out);

/* apply/map/starmap = the *_async call then get(). The submission happens
 * once: while its result is not ready the call waits rewound on the job,
 * whose number the thread remembers (as a negative retry_obj). */
static vm_status pool_call_and_wait(vm_thread *th, const vm_args *a, value *out, pool_submit_fn submit_async,
                                    const char *what) {
    sim_thread *me = sim_current(th);
    mp_pool *pool = pool_of(th, a->self);
    if (!pool) return VM_ERR;
    if (vm_sync_point(th)) return VM_BLOCK;
    value jobv;
    if (me->retry_obj < 0) {
        if (!job_of(pool, -me->retry_obj, &jobv)) return vm_raise(th, th->vm->cls.RuntimeError, "lost pool job");
    } else {
        vm_status st = submit_async(th, a, &jobv);
        if (st != VM_OK) return st;
    }
    pool_job *j = V_INST(jobv)->payload;
    if (!j->ready) {
        sim_tlist_push(&j->waiters, me);
        me->retry_obj = (int)-j->job;
        return simmod_block(th, TS_BLOCKED, j->obj, what, -1, NULL, j, true);
    }
    me->retry_obj = 0;
    vm_args ga = {jobv, NULL, 0, NULL, NULL, 0};
    return job_get(th, &ga, out);
}

static vm_status pool_apply(vm_thread *th, const vm_args *a, value *out) {
    return pool_call_and_wait(th, a, out, pool_apply_async, "Pool.apply()");
}

static vm_status pool_map(vm_thread *th, const vm_args *a, value *out) {
    return pool_call_and_wait(th, a, out, pool_map_async, "Pool.map()");
}
static vm_status pool_starmap(vm_thread *th, const vm_args *a, value *out) {
    return pool_call_and_wait(th, a, out, pool_starmap_async, "Pool.starmap()");
}

static vm_status pool_close(vm_thread *th, const vm_args *a, value *out) {
    mp_pool *pool = pool_of(th, a->self);
    if (!pool) return VM_ERR;
    if (vm_sync_point(th)) return VM_BLOCK;
    if (pool->state == POOL_RUN) pool->state = POOL_CLOSE;
    release_idle_workers(pool);
    check_finished(pool);
    *out = v_none();
    return VM_OK;
}

static vm_status pool_terminate(vm_thread *th, const vm_args *a, value *out) {
    mp_pool *pool = pool_of(th, a->self);
    if (!pool) return VM_ERR;
    if (vm_sync_point(th)) return VM_BLOCK;
    pool->state = POOL_TERMINATE;
    pool->ntasks = 0;
    for (int i = 0; i < pool->nworkers; i++)
        if (!pool->workers[i]->proc->exited) sim_proc_exit(pool->workers[i]->proc, -15);
    check_finished(pool);
    *out = v_none();
    return VM_OK;
}

static vm_status pool_join(vm_thread *th, const vm_args *a, value *out) {
    mp_pool *pool = pool_of(th, a->self);
    if (!pool) return VM_ERR;
    if (pool->state == POOL_RUN) return vm_raise(th, th->vm->cls.ValueError, "Pool is still running");
    if (vm_sync_point(th)) return VM_BLOCK;
    *out = v_none();
    if (pool_finished(pool)) return VM_OK;
    sim_tlist_push(&pool->joiners, sim_current(th));
    return simmod_block(th, TS_BLOCKED, pool->obj, "Pool.join()", -1, NULL, pool, false);
}

static vm_status pool_enter(vm_thread *th, const vm_args *a, value *out) {
    (void)th;
    *out = a->self;
    return VM_OK;
}

static vm_status pool_exit(vm_thread *th, const vm_args *a, value *out) {
    vm_args na = {a->self, NULL, 0, NULL, NULL, 0};
    vm_status st = pool_terminate(th, &na, out);
    *out = v_none();
    return st;
}

static vm_status pool_processes(vm_thread *th, const vm_args *a, value *out) {
    mp_pool *pool = pool_of(th, a->self);
    if (!pool) return VM_ERR;
    *out = v_int(pool->size);
    return VM_OK;
}

static const native_def pool_methods[] = {
    {"apply", pool_apply}, {"apply_async", pool_apply_async}, {"map", pool_map}, {"map_async", pool_map_async},
    {"starmap", pool_starmap}, {"starmap_async", pool_starmap_async}, {"imap", pool_imap},
    {"imap_unordered", pool_imap_unordered}, {"close", pool_close}, {"terminate", pool_terminate},
    {"join", pool_join}, {"__enter__", pool_enter}, {"__exit__", pool_exit}, {NULL, NULL}};
/* pool._pool: the Process objects of its current workers (a replaced
 * worker leaves the list, as _maintain_pool removes it). */
static vm_status pool_workers(vm_thread *th, const vm_args *a, value *out) {
    mp_pool *pool = pool_of(th, a->self);
    if (!pool) return VM_ERR;
    list_obj *l = list_new(th->vm, (size_t)pool->nworkers);
    for (int i = 0; i < pool->nworkers; i++)
        if (!pool->workers[i]->replaced && pool->workers[i]->proc->parent_obj.tag == VT_OBJ)
            list_append(l, pool->workers[i]->proc->parent_obj);
    *out = v_obj(l);
    return VM_OK;
}

static const simmod_prop pool_props[] = {
    {"_processes", pool_processes, NULL}, {"_pool", pool_workers, NULL}, {NULL, NULL, NULL}};

static const native_def factories[] = {{"Pool", mp_Pool}, {NULL, NULL}};

void mp_register_pool(vm *m, dict_obj *d) {
    class_obj *rt = simmod_exception(m, NULL, "multiprocessing", "RemoteTraceback", m->cls.Exception);
    native_register(m, rt->dict, remote_tb_methods, true);
    dict_set_cstr(m, d, "_class_RemoteTraceback", v_obj(rt));
    mp_define(m, d, "Pool", NULL, pool_methods, pool_props);
    mp_define(m, d, "_PoolParentHandle", NULL, parent_handle_methods, NULL);
    class_obj *apply = mp_define(m, d, "ApplyResult", NULL, job_methods, NULL);
    mp_define(m, d, "MapResult", apply, NULL, NULL);
    mp_define(m, d, "IMapIterator", NULL, iter_methods, NULL);
    mp_define(m, d, "IMapUnorderedIterator", NULL, iter_methods, NULL);
    native_register(m, d, factories, false);
    dict_set_cstr(m, d, "AsyncResult", v_obj(apply));
}
