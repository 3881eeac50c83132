/* mp_queues.c - multiprocessing.Queue, JoinableQueue and SimpleQueue.
 *
 * As in CPython (FACTS.md section 5), put() hands the item to the process's
 * feeder thread ('QueueFeederThread', started on the first put), which
 * pickles it and writes it to the pipe: the item becomes readable a little
 * later, so qsize() already counts it while empty() may still say True.
 * Items wait pickled in the machine's holding heap and are unpickled into
 * the reader's heap by get(). Per-producer FIFO order follows from the
 * engine's (time, sequence) order. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lang/obj.h"
#include "lang/xalloc.h"
#include "sim/mp_parts.h"
#include "sim/sim_copy.h"

typedef enum { MPQ_QUEUE, MPQ_JOINABLE, MPQ_SIMPLE } mpq_kind;

typedef struct mpq {
    sim_waitable w;
    int obj;
    mpq_kind kind;
    int64_t maxsize;
    value *items;              /* readable, pickled (holding heap), FIFO ring */
    size_t n, cap, head;
    int64_t in_flight;         /* put but not yet written by a feeder */
    int64_t unfinished;        /* JoinableQueue */
    bool closed;
    sim_tlist getters, putters, joiners;
    sim_proc *home;
    const obj *self;
} mpq;

static void mpq_free(void *p) {
    mpq *q = p;
    free(q->items);
    sim_tlist_free(&q->getters);
    sim_tlist_free(&q->putters);
    sim_tlist_free(&q->joiners);
}

static void mpq_describe(void *self, sim_holder_info *out) {
    mpq *q = self;
    static char buf[64];
    out->label = simmod_label(q->home, q->self ? v_obj((void *)q->self) : v_undef(), "Queue", q->obj, buf, sizeof buf);
    out->nholders = 0;
}

static const char *const kind_names[] = {"Queue", "JoinableQueue", "SimpleQueue"};

static vm_status mpq_repr(vm_thread *th, value self, strbuf *out) {
    mpq *q = V_INST(self)->payload;
    unsigned long long addr = (unsigned long long)obj_address(self.u.o);
    sb_printf(out, "<multiprocessing.queues.%s object at 0x%llx>", kind_names[q->kind], addr);
    (void)th;
    return VM_OK;
}

static const native_type mpq_type = {.name = "Queue", .repr = mpq_repr, .inherit_only = ""};

static mpq *payload(vm_thread *th, value self) { return simmod_payload(th, self, &mpq_type); }

static value *mpq_at(mpq *q, size_t i) { return &q->items[(q->head + i) % q->cap]; }

static void mpq_push(mpq *q, value held) {
    if (q->n == q->cap) {
        size_t cap = q->cap ? q->cap * 2 : 8;
        value *items = xreallocarray(NULL, cap, sizeof(value));
        for (size_t i = 0; i < q->n; i++) items[i] = *mpq_at(q, i);
        free(q->items);
        q->items = items;
        q->cap = cap;
        q->head = 0;
    }
    *mpq_at(q, q->n++) = held;
}

static value mpq_pop(mpq *q) {
    value v = *mpq_at(q, 0);
    q->head = (q->head + 1) % q->cap;
    q->n--;
    return v;
}

/* "Queue <multiprocessing.queues.Queue object at 0x...> is closed" */
static vm_status raise_closed(vm_thread *th, value self, const char *what) {
    strbuf sb;
    sb_init(&sb);
    ops_repr(th, self, &sb);
    vm_status st = vm_raise(th, th->vm->cls.ValueError, "Queue %s %s", sb.data ? sb.data : "", what);
    sb_free(&sb);
    return st;
}

static class_obj *queue_exc(vm_thread *th, const char *name) {
    vm *m = th->vm;
    value mod, cls;
    if (!dict_get_cstr(m->modules, "queue", &mod)) {
        if (vm_module_load(th, str_from_cstr(m, "queue"), &mod) != VM_OK) {
            th->exc = v_undef();
            return m->cls.Exception;
        }
        dict_set_cstr(m, m->modules, "queue", mod);
    }
    if (dict_get_cstr(((module_obj *)mod.u.o)->dict, name, &cls) && v_is_obj(cls, OK_CLASS)) return V_CLASS(cls);
    return m->cls.Exception;
}

/* This process's live feeder thread of q, or NULL. */
static sim_thread *find_feeder(sim_proc *p, const mpq *q) {
    for (int i = 0; i < p->nthreads; i++)
        if (p->threads[i]->feeder_of == q->obj && p->threads[i]->state != TS_FINISHED) return p->threads[i];
    return NULL;
}

/* The feeder thread of the putting process, one per queue and process,
 * started on the first put: it exists (as in CPython, and
 * threading.enumerate() lists it) but the hand-over itself is a timed
 * event. */
static void ensure_feeder(sim_thread *me, mpq *q) {
    if (q->kind == MPQ_SIMPLE) return;
    sim_proc *p = me->proc;
    if (find_feeder(p, q)) return;
    sim_thread *f = sim_thread_new(p, "QueueFeederThread", false);
    f->daemon = true;
    f->feeder_of = q->obj;
    f->started = true;
    f->wait_what = "waiting for items to send";
    sim_thread_set_state(f, TS_BLOCKED, q->obj, f->wait_what);
}

/* The feeder has written the item to the pipe: it is now readable. */
static void item_arrives(sim *s, sim_event *e) {
    mpq *q = (mpq *)(intptr_t)e->arg;
    (void)s;
    q->in_flight--;
    mpq_push(q, v_obj((void *)e->gen));
    while (q->getters.n > 0) {
        sim_thread *w = sim_tlist_pop(&q->getters);
        if (w->state == TS_FINISHED) continue;
        sim_thread_wake(w, v_none(), false);
        break;
    }
}

static void q_timeout(sim_thread *st) {
    mpq *q = st->wait_data;
    sim_tlist_remove(&q->getters, st);
    sim_tlist_remove(&q->putters, st);
    st->timed_out = true;
    sim_thread_wake(st, v_none(), false);
}

static void trace_item(sim_thread *st, mpq *q, trace_kind kind, value item, int64_t len) {
    simmod_trace_item(st, q->obj, kind, item, len);
}

/* Waits for room or an item with retry-by-rewind; shared by put and get. */
static vm_status wait_or_fail(vm_thread *th, mpq *q, sim_tlist *list, bool block, value timeout, const char *what,
                              const char *exc_name) {
    sim_thread *me = sim_current(th);
    bool retry = me->retry_obj == q->obj;
    int64_t deadline = retry ? me->retry_deadline : -1;
    if (!retry && block && timeout.tag != VT_UNDEF && timeout.tag != VT_NONE) {
        double secs;
        vm_status st = args_float(th, timeout, "timeout", &secs);
        if (st != VM_OK) return st;
        if (secs < 0) secs = 0;
        deadline = vm_now(th) + (int64_t)(secs * 1e9);
    }
    if (!block || (retry && me->timed_out) || (deadline >= 0 && deadline <= vm_now(th))) {
        me->retry_obj = 0;
        me->timed_out = false;
        return vm_raise_value(th, vm_exc_new(th, queue_exc(th, exc_name), NULL));
    }
    sim_tlist_push(list, me);
    me->retry_obj = q->obj;
    me->retry_deadline = deadline;
    return simmod_block(th, TS_BLOCKED, q->obj, what, deadline, q_timeout, q, true);
}

static vm_status q_put(vm_thread *th, const vm_args *a, value *out) {
    static const char *const kw[] = {"obj", "block", "timeout", NULL};
    vm_status st = args_count_kw(th, a, "put", 1, 3, kw);
    if (st != VM_OK) return st;
    mpq *q = payload(th, a->self);
    if (!q) return VM_ERR;
    if (vm_sync_point(th)) return VM_BLOCK;
    if (q->closed) return raise_closed(th, a->self, "is closed");
    sim_thread *me = sim_current(th);
    bool block = true;
    value bv = args_get(a, 1, "block");
    if (bv.tag != VT_UNDEF && (st = ops_truthy(th, bv, &block)) != VM_OK) return st;
    if (q->maxsize > 0 && (int64_t)q->n + q->in_flight >= q->maxsize)
        return wait_or_fail(th, q, &q->putters, block, args_get(a, 2, "timeout"), "queue.put()", "Full");
    me->retry_obj = 0;
    me->timed_out = false;
    value held;
    size_t size;
    if (!sim_pickle(me->s, th, a->pos[0], &held, &size)) return VM_ERR;
    q->in_flight++;
    if (q->kind == MPQ_JOINABLE) q->unfinished++;
    trace_item(me, q, TRACE_QUEUE_PUT, a->pos[0], (int64_t)q->n + q->in_flight);
    ensure_feeder(me, q);
    /* the item (boxed in a one-tuple of the holding heap) rides on the event
       until the feeder has written it */
    value box = tuple_pack(sim_holding_thread(me->s)->vm, 1, &held);
    sim_schedule(me->s, vm_now(th) + sim_pickle_cost_ns(size), item_arrives, NULL, NULL, (uint64_t)(uintptr_t)box.u.o,
                 (int64_t)(intptr_t)q);
    *out = v_none();
    return VM_OK;
}

static vm_status q_get(vm_thread *th, const vm_args *a, value *out) {
    static const char *const kw[] = {"block", "timeout", NULL};
    vm_status st = args_count_kw(th, a, "get", 0, 2, kw);
    if (st != VM_OK) return st;
    mpq *q = payload(th, a->self);
    if (!q) return VM_ERR;
    if (vm_sync_point(th)) return VM_BLOCK;
    if (q->closed) return raise_closed(th, a->self, "is closed");
    sim_thread *me = sim_current(th);
    bool block = true;
    value bv = args_get(a, 0, "block");
    if (bv.tag != VT_UNDEF && (st = ops_truthy(th, bv, &block)) != VM_OK) return st;
    if (q->n == 0) return wait_or_fail(th, q, &q->getters, block, args_get(a, 1, "timeout"), "queue.get()", "Empty");
    me->retry_obj = 0;
    me->timed_out = false;
    value held = mpq_pop(q);
    if (!sim_unpickle(me->s, th, V_TUPLE(held)->items[0], out)) return VM_ERR;
    trace_item(me, q, TRACE_QUEUE_GET, *out, (int64_t)q->n + q->in_flight);
    while (q->putters.n > 0) {
        sim_thread *w = sim_tlist_pop(&q->putters);
        if (w->state == TS_FINISHED) continue;
        sim_thread_wake(w, v_none(), false);
        break;
    }
    return VM_OK;
}

static vm_status q_put_nowait(vm_thread *th, const vm_args *a, value *out) {
    vm_status st = args_count(th, a, "put_nowait", 1, 1);
    if (st != VM_OK) return st;
    value args[2] = {a->pos[0], v_bool(false)};
    vm_args na = {a->self, args, 2, NULL, NULL, 0};
    return q_put(th, &na, out);
}

static vm_status q_get_nowait(vm_thread *th, const vm_args *a, value *out) {
    vm_status st = args_count(th, a, "get_nowait", 0, 0);
    if (st != VM_OK) return st;
    value args[1] = {v_bool(false)};
    vm_args na = {a->self, args, 1, NULL, NULL, 0};
    return q_get(th, &na, out);
}

static vm_status q_qsize(vm_thread *th, const vm_args *a, value *out) {
    mpq *q = payload(th, a->self);
    if (!q) return VM_ERR;
    if (vm_sync_point(th)) return VM_BLOCK;
    *out = v_int((int64_t)q->n + q->in_flight);
    return VM_OK;
}

static vm_status q_empty(vm_thread *th, const vm_args *a, value *out) {
    mpq *q = payload(th, a->self);
    if (!q) return VM_ERR;
    if (vm_sync_point(th)) return VM_BLOCK;
    *out = v_bool(q->n == 0); /* polls the pipe: items still with the feeder do not count */
    return VM_OK;
}

static vm_status q_full(vm_thread *th, const vm_args *a, value *out) {
    mpq *q = payload(th, a->self);
    if (!q) return VM_ERR;
    if (vm_sync_point(th)) return VM_BLOCK;
    *out = v_bool(q->maxsize > 0 && (int64_t)q->n + q->in_flight >= q->maxsize);
    return VM_OK;
}

/* After close(), the feeder ends once it has written everything put. */
static void stop_feeder(sim_proc *p, mpq *q) {
    sim_thread *f = find_feeder(p, q);
    if (f && q->in_flight == 0) sim_thread_set_state(f, TS_FINISHED, -1, NULL);
}

static vm_status q_close(vm_thread *th, const vm_args *a, value *out) {
    mpq *q = payload(th, a->self);
    if (!q) return VM_ERR;
    if (vm_sync_point(th)) return VM_BLOCK;
    q->closed = true;
    stop_feeder(sim_current(th)->proc, q);
    *out = v_none();
    return VM_OK;
}

static vm_status q_join_thread(vm_thread *th, const vm_args *a, value *out) {
    mpq *q = payload(th, a->self);
    if (!q) return VM_ERR;
    if (!q->closed) return raise_closed(th, a->self, "not closed");
    stop_feeder(sim_current(th)->proc, q);
    *out = v_none();
    return VM_OK;
}

static vm_status q_cancel_join_thread(vm_thread *th, const vm_args *a, value *out) {
    (void)th;
    (void)a;
    *out = v_none();
    return VM_OK;
}

static vm_status q_task_done(vm_thread *th, const vm_args *a, value *out) {
    mpq *q = payload(th, a->self);
    if (!q) return VM_ERR;
    return simmod_task_done(th, &q->unfinished, &q->joiners, out);
}

static vm_status q_join(vm_thread *th, const vm_args *a, value *out) {
    mpq *q = payload(th, a->self);
    if (!q) return VM_ERR;
    return simmod_join_tasks(th, q->unfinished, &q->joiners, q->obj, "JoinableQueue.join()", q, out);
}

static const native_def queue_methods[] = {
    {"put", q_put}, {"get", q_get}, {"put_nowait", q_put_nowait}, {"get_nowait", q_get_nowait},
    {"qsize", q_qsize}, {"empty", q_empty}, {"full", q_full}, {"close", q_close}, {"join_thread", q_join_thread},
    {"cancel_join_thread", q_cancel_join_thread}, {NULL, NULL}};
static const native_def joinable_methods[] = {{"task_done", q_task_done}, {"join", q_join}, {NULL, NULL}};
static const native_def simple_methods[] = {
    {"put", q_put}, {"get", q_get}, {"empty", q_empty}, {"close", q_close}, {NULL, NULL}};

static vm_status make_queue(vm_thread *th, const vm_args *a, value *out, mpq_kind kind) {
    static const char *const kw[] = {"maxsize", NULL};
    vm_status st = args_count_kw(th, a, kind_names[kind], 0, kind == MPQ_SIMPLE ? 0 : 1, kw);
    if (st != VM_OK) return st;
    int64_t maxsize = 0;
    value mv = args_get(a, 0, "maxsize");
    if (mv.tag != VT_UNDEF && (st = args_int(th, mv, "maxsize", &maxsize)) != VM_OK) return st;
    sim_thread *me = sim_current(th);
    mpq *q = xcalloc(1, sizeof *q);
    q->w.describe = mpq_describe;
    q->kind = kind;
    q->maxsize = maxsize;
    q->home = me->proc;
    value inst = v_obj(instance_new(th->vm, mp_class(th->vm, kind_names[kind])));
    q->self = inst.u.o;
    q->obj = sim_new_object(me->s, me, TO_QUEUE, (int)maxsize, NULL);
    sim_own(me->s, q, mpq_free);
    simmod_attach(th, inst, &mpq_type, q);
    *out = inst;
    return VM_OK;
}

static vm_status mp_Queue(vm_thread *th, const vm_args *a, value *out) { return make_queue(th, a, out, MPQ_QUEUE); }
static vm_status mp_JoinableQueue(vm_thread *th, const vm_args *a, value *out) {
    return make_queue(th, a, out, MPQ_JOINABLE);
}
static vm_status mp_SimpleQueue(vm_thread *th, const vm_args *a, value *out) { return make_queue(th, a, out, MPQ_SIMPLE); }

static const native_def factories[] = {
    {"Queue", mp_Queue}, {"JoinableQueue", mp_JoinableQueue}, {"SimpleQueue", mp_SimpleQueue}, {NULL, NULL}};

void mp_register_queues(vm *m, dict_obj *d) {
    class_obj *q = mp_define(m, d, "Queue", NULL, queue_methods, NULL);
    mp_define(m, d, "JoinableQueue", q, joinable_methods, NULL);
    mp_define(m, d, "SimpleQueue", NULL, simple_methods, NULL);
    native_register(m, d, factories, false);
}
