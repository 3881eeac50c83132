/* mod_queue.c - the queue module: Queue (FIFO), LifoQueue, PriorityQueue
 * (heapq's exact sift order), with maxsize, blocking put/get with timeouts,
 * Empty/Full, task_done/join, as CPython's queue.py. Items live in the
 * payload; every put and get is a trace event with the item's repr. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lang/obj.h"
#include "lang/xalloc.h"
#include "sim/sim_mod.h"

typedef enum { Q_FIFO, Q_LIFO, Q_PRIORITY } queue_kind;

typedef struct tqueue {
    sim_waitable w;
    int obj;
    queue_kind kind;
    int64_t maxsize;
    value *items;             /* FIFO: a ring [head, head+n); others: an array */
    size_t n, cap, head;
    int64_t unfinished;
    sim_tlist getters, putters, joiners;
    sim_proc *home;
    const obj *self;
} tqueue;

static void tq_mark(void *p) {
    tqueue *q = p;
    for (size_t i = 0; i < q->n; i++) gc_mark_value(q->items[(q->head + i) % q->cap]);
}

static void tq_free(void *p) {
    tqueue *q = p;
    free(q->items);
    sim_tlist_free(&q->getters);
    sim_tlist_free(&q->putters);
    sim_tlist_free(&q->joiners);
}

static const native_type tq_type = {.name = "Queue", .mark = tq_mark};

static void describe_queue(void *self, sim_holder_info *out) {
    tqueue *q = self;
    static char buf[64];
    out->label = simmod_label(q->home, q->self ? v_obj((void *)q->self) : v_undef(), "Queue", q->obj, buf, sizeof buf);
    out->nholders = 0;
}

static value *tq_at(tqueue *q, size_t i) { return &q->items[(q->head + i) % q->cap]; }

static void tq_grow(tqueue *q) {
    if (q->n < q->cap) return;
    size_t cap = q->cap ? q->cap * 2 : 8;
    value *items = xreallocarray(NULL, cap, sizeof(value));
    for (size_t i = 0; i < q->n; i++) items[i] = *tq_at(q, i);
    free(q->items);
    q->items = items;
    q->cap = cap;
    q->head = 0;
}

/* heapq's _siftdown/_siftup on items[0..n) (head is always 0 for heaps). */
static vm_status heap_siftdown(vm_thread *th, value *heap, size_t startpos, size_t pos) {
    value newitem = heap[pos];
    while (pos > startpos) {
        size_t parentpos = (pos - 1) >> 1;
        bool lt;
        vm_status st = ops_less(th, newitem, heap[parentpos], &lt);
        if (st != VM_OK) return st;
        if (!lt) break;
        heap[pos] = heap[parentpos];
        pos = parentpos;
    }
    heap[pos] = newitem;
    return VM_OK;
}

static vm_status heap_siftup(vm_thread *th, value *heap, size_t endpos, size_t pos) {
    size_t startpos = pos;
    value newitem = heap[pos];
    size_t childpos = 2 * pos + 1;
    while (childpos < endpos) {
        size_t rightpos = childpos + 1;
        if (rightpos < endpos) {
            bool lt;
            vm_status st = ops_less(th, heap[childpos], heap[rightpos], &lt);
            if (st != VM_OK) return st;
            if (!lt) childpos = rightpos;
        }
        heap[pos] = heap[childpos];
        pos = childpos;
        childpos = 2 * pos + 1;
    }
    heap[pos] = newitem;
    return heap_siftdown(th, heap, startpos, pos);
}

static vm_status tq_push(vm_thread *th, tqueue *q, value item) {
    tq_grow(q);
    if (q->kind == Q_FIFO) {
        *tq_at(q, q->n++) = item;
        return VM_OK;
    }
    q->items[q->n++] = item;
    if (q->kind == Q_PRIORITY) return heap_siftdown(th, q->items, 0, q->n - 1);
    return VM_OK;
}

static vm_status tq_pop(vm_thread *th, tqueue *q, value *out) {
    if (q->kind == Q_FIFO) {
        *out = *tq_at(q, 0);
        q->head = (q->head + 1) % q->cap;
        q->n--;
        return VM_OK;
    }
    if (q->kind == Q_LIFO) {
        *out = q->items[--q->n];
        return VM_OK;
    }
    value last = q->items[--q->n];
    if (q->n == 0) {
        *out = last;
        return VM_OK;
    }
    *out = q->items[0];
    q->items[0] = last;
    return heap_siftup(th, q->items, q->n, 0);
}

static tqueue *payload(vm_thread *th, value self) { return simmod_payload(th, self, &tq_type); }

static class_obj *module_exc(vm_thread *th, const char *name) {
    vm *m = th->vm;
    value mod, cls;
    if (dict_get_cstr(m->modules, "queue", &mod) && dict_get_cstr(((module_obj *)mod.u.o)->dict, name, &cls))
        return V_CLASS(cls);
    return m->cls.Exception;
}

static void trace_item(sim_thread *st, tqueue *q, trace_kind kind, value item) {
    simmod_trace_item(st, q->obj, kind, item, (int64_t)q->n);
}

static void wake_first(sim *s, sim_tlist *l) {
    while (l->n > 0) {
        sim_thread *w = sim_tlist_pop(l);
        if (w->state == TS_FINISHED) continue;
        sim_thread_wake(w, v_none(), false);
        (void)s;
        return;
    }
}

static void q_timeout(sim_thread *st) {
    tqueue *q = st->wait_data;
    sim_tlist_remove(&q->getters, st);
    sim_tlist_remove(&q->putters, st);
    st->timed_out = true;
    sim_thread_wake(st, v_none(), false);
}

/* put(item, block=True, timeout=None) */
/* put() on a full queue, get() on an empty one: raise Full/Empty at once
 * (block=False), when the timeout has passed, or on the retry after it
 * expired; else wait in 'waiters' until woken (the call then runs again). */
static vm_status tq_wait(vm_thread *th, tqueue *q, sim_tlist *waiters, bool block, value timeout, const char *exc,
                         const char *what) {
    sim_thread *me = sim_current(th);
    bool retry = me->retry_obj == q->obj;
    int64_t deadline = retry ? me->retry_deadline : -1;
    if (!retry && block && timeout.tag != VT_UNDEF && timeout.tag != VT_NONE) {
        double secs;
        vm_status st = args_float(th, timeout, "timeout", &secs);
        if (st != VM_OK) return st;
        if (secs < 0) return vm_raise(th, th->vm->cls.ValueError, "'timeout' must be a non-negative number");
        deadline = vm_now(th) + (int64_t)(secs * 1e9);
    }
    if (!block || (retry && me->timed_out) || (deadline >= 0 && deadline <= vm_now(th))) {
        me->retry_obj = 0;
        me->timed_out = false;
        return vm_raise_value(th, vm_exc_new(th, module_exc(th, exc), NULL));
    }
    sim_tlist_push(waiters, me);
    me->retry_obj = q->obj;
    me->retry_deadline = deadline;
    return simmod_block(th, TS_BLOCKED, q->obj, what, deadline, q_timeout, q, true);
}

static vm_status q_put_common(vm_thread *th, const vm_args *a, value *out, bool force_nowait) {
    static const char *const kw[] = {"item", "block", "timeout", NULL};
    vm_status st = args_count_kw(th, a, force_nowait ? "put_nowait" : "put", 0, force_nowait ? 1 : 3, kw);
    if (st != VM_OK) return st;
    tqueue *q = payload(th, a->self);
    if (!q) return VM_ERR;
    value item = args_get(a, 0, "item");
    if (item.tag == VT_UNDEF)
        return vm_raise(th, th->vm->cls.TypeError, "Queue.put() missing 1 required positional argument: 'item'");
    if (vm_sync_point(th)) return VM_BLOCK;
    sim_thread *me = sim_current(th);
    bool block = !force_nowait;
    value bv = args_get(a, 1, "block");
    if (bv.tag != VT_UNDEF && (st = ops_truthy(th, bv, &block)) != VM_OK) return st;
    if (q->maxsize > 0 && (int64_t)q->n >= q->maxsize)
        return tq_wait(th, q, &q->putters, block, args_get(a, 2, "timeout"), "Full", "queue.put()");
    me->retry_obj = 0;
    me->timed_out = false;
    if ((st = tq_push(th, q, item)) != VM_OK) return st;
    q->unfinished++;
    trace_item(me, q, TRACE_QUEUE_PUT, item);
    wake_first(me->s, &q->getters);
    *out = v_none();
    return VM_OK;
}

static vm_status q_get_common(vm_thread *th, const vm_args *a, value *out, bool force_nowait) {
    static const char *const kw[] = {"block", "timeout", NULL};
    vm_status st = args_count_kw(th, a, force_nowait ? "get_nowait" : "get", 0, force_nowait ? 0 : 2, kw);
    if (st != VM_OK) return st;
    tqueue *q = payload(th, a->self);
    if (!q) return VM_ERR;
    if (vm_sync_point(th)) return VM_BLOCK;
    sim_thread *me = sim_current(th);
    bool block = !force_nowait;
    value bv = args_get(a, 0, "block");
    if (bv.tag != VT_UNDEF && (st = ops_truthy(th, bv, &block)) != VM_OK) return st;
    if (q->n == 0) return tq_wait(th, q, &q->getters, block, args_get(a, 1, "timeout"), "Empty", "queue.get()");
    me->retry_obj = 0;
    me->timed_out = false;
    if ((st = tq_pop(th, q, out)) != VM_OK) return st;
    trace_item(me, q, TRACE_QUEUE_GET, *out);
    wake_first(me->s, &q->putters);
    return VM_OK;
}

static vm_status q_put(vm_thread *th, const vm_args *a, value *out) { return q_put_common(th, a, out, false); }
static vm_status q_put_nowait(vm_thread *th, const vm_args *a, value *out) { return q_put_common(th, a, out, true); }
static vm_status q_get(vm_thread *th, const vm_args *a, value *out) { return q_get_common(th, a, out, false); }
static vm_status q_get_nowait(vm_thread *th, const vm_args *a, value *out) { return q_get_common(th, a, out, true); }

static vm_status q_qsize(vm_thread *th, const vm_args *a, value *out) {
    tqueue *q = payload(th, a->self);
    if (!q) return VM_ERR;
    *out = v_int((int64_t)q->n);
    return VM_OK;
}

static vm_status q_empty(vm_thread *th, const vm_args *a, value *out) {
    tqueue *q = payload(th, a->self);
    if (!q) return VM_ERR;
    *out = v_bool(q->n == 0);
    return VM_OK;
}

static vm_status q_full(vm_thread *th, const vm_args *a, value *out) {
    tqueue *q = payload(th, a->self);
    if (!q) return VM_ERR;
    *out = v_bool(q->maxsize > 0 && (int64_t)q->n >= q->maxsize);
    return VM_OK;
}

static vm_status q_task_done(vm_thread *th, const vm_args *a, value *out) {
    tqueue *q = payload(th, a->self);
    if (!q) return VM_ERR;
    return simmod_task_done(th, &q->unfinished, &q->joiners, out);
}

static vm_status q_join(vm_thread *th, const vm_args *a, value *out) {
    tqueue *q = payload(th, a->self);
    if (!q) return VM_ERR;
    return simmod_join_tasks(th, q->unfinished, &q->joiners, q->obj, "queue.join()", q, out);
}

static vm_status q_init_common(vm_thread *th, const vm_args *a, value *out, queue_kind kind) {
    vm_status st = args_count_kw(th, a, "Queue", 0, 1, (const char *const[]){"maxsize", NULL});
    if (st != VM_OK) return st;
    int64_t maxsize = 0;
    value mv = args_get(a, 0, "maxsize");
    if (mv.tag != VT_UNDEF && (st = args_int(th, mv, "maxsize", &maxsize)) != VM_OK) return st;
    sim_thread *me = sim_current(th);
    tqueue *q = xcalloc(1, sizeof *q);
    q->w.describe = describe_queue;
    q->kind = kind;
    q->maxsize = maxsize;
    q->home = me->proc;
    q->self = a->self.u.o;
    q->obj = sim_new_object(me->s, me, TO_QUEUE, (int)maxsize, NULL);
    sim_own(me->s, q, tq_free);
    simmod_attach(th, a->self, &tq_type, q);
    dict_set_cstr(th->vm, V_INST(a->self)->dict, "maxsize", v_int(maxsize));
    *out = v_none();
    return VM_OK;
}

static vm_status q_init(vm_thread *th, const vm_args *a, value *out) { return q_init_common(th, a, out, Q_FIFO); }
static vm_status lq_init(vm_thread *th, const vm_args *a, value *out) { return q_init_common(th, a, out, Q_LIFO); }
static vm_status pq_init(vm_thread *th, const vm_args *a, value *out) { return q_init_common(th, a, out, Q_PRIORITY); }

static const native_def queue_methods[] = {
    {"__init__", q_init}, {"put", q_put}, {"put_nowait", q_put_nowait}, {"get", q_get},
    {"get_nowait", q_get_nowait}, {"qsize", q_qsize}, {"empty", q_empty}, {"full", q_full},
    {"task_done", q_task_done}, {"join", q_join}, {NULL, NULL}};
static const native_def lifo_methods[] = {{"__init__", lq_init}, {NULL, NULL}};
static const native_def prio_methods[] = {{"__init__", pq_init}, {NULL, NULL}};

vm_status simmod_queue(vm_thread *th, value *out) {
    vm *m = th->vm;
    module_obj *mod = simmod_module(m, "queue");
    dict_obj *d = mod->dict;
    class_obj *q = simmod_class(m, d, "queue", "Queue", NULL, queue_methods, NULL);
    simmod_class(m, d, "queue", "LifoQueue", q, lifo_methods, NULL);
    simmod_class(m, d, "queue", "PriorityQueue", q, prio_methods, NULL);
    simmod_exception(m, d, "queue", "Empty", m->cls.Exception);
    simmod_exception(m, d, "queue", "Full", m->cls.Exception);
    *out = v_obj(mod);
    return VM_OK;
}
