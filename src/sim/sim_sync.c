/* sim_sync.c - locks, semaphores, conditions, events and barriers.
 *
 * A release does not hand a lock to a waiter: it frees the lock and wakes
 * the oldest waiter, whose acquire() then runs again (the call was rewound)
 * and may find the lock taken by a barging thread, as in CPython (FACTS.md
 * section 7: waiters are woken FIFO, barging dominates). Every operation is
 * a SYNC_OP trace event. */
#include "sim/sim_sync.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lang/obj.h"
#include "lang/xalloc.h"

const char *sync_label(sim_proc *home, const obj *self, const char *type, int id, char *buf, size_t size) {
    value v = self ? v_obj((void *)self) : v_undef();
    return simmod_label(home, v, type, id, buf, size);
}

/* ---------------------------------------------------------------- helpers */

/* Wakes the oldest live waiter of q (its rewound call runs again). */
static void wake_one(sim *s, sim_tlist *q, value result) {
    while (q->n > 0) {
        int k = sim_policy_pick(s, SIM_PICK_WAITER, q->items, q->n);
        sim_thread *w = q->items[k];
        sim_tlist_remove(q, w);
        if (w->state == TS_FINISHED) continue;
        sim_thread_wake(w, result, false);
        return;
    }
}

static void describe_lock(void *self, sim_holder_info *out) {
    sync_lock *l = self;
    static char buf[64];
    out->label = sync_label(l->home, l->self, l->rlock ? "RLock" : "Lock", l->obj, buf, sizeof buf);
    out->nholders = l->locked && l->owner ? 1 : 0;
    if (out->nholders) out->holders[0] = l->owner;
}

static void describe_sem(void *self, sim_holder_info *out) {
    sync_sem *s = self;
    static char buf[64];
    out->label = sync_label(s->home, s->self, s->bounded ? "BoundedSemaphore" : "Semaphore", s->obj, buf, sizeof buf);
    out->nholders = 0;
}

static void describe_cond(void *self, sim_holder_info *out) {
    sync_cond *c = self;
    static char buf[64];
    out->label = sync_label(c->home, c->self, "Condition", c->obj, buf, sizeof buf);
    out->nholders = 0;
}

static void describe_event(void *self, sim_holder_info *out) {
    sync_event *e = self;
    static char buf[64];
    out->label = sync_label(e->home, e->self, "Event", e->obj, buf, sizeof buf);
    out->nholders = 0;
}

static void describe_barrier(void *self, sim_holder_info *out) {
    sync_barrier *b = self;
    static char buf[64];
    out->label = sync_label(b->home, b->self, "Barrier", b->obj, buf, sizeof buf);
    out->nholders = 0;
}

static void free_lock(void *p) { sim_tlist_free(&((sync_lock *)p)->waiters); }
static void free_sem(void *p) { sim_tlist_free(&((sync_sem *)p)->waiters); }
static void free_cond(void *p) { sim_tlist_free(&((sync_cond *)p)->waiters); }
static void free_event(void *p) { sim_tlist_free(&((sync_event *)p)->waiters); }
static void free_barrier(void *p) { sim_tlist_free(&((sync_barrier *)p)->waiters); }


/* A label for the creation event: the variable it is assigned to is not known
 * yet, so the trace uses "Lock#id"; reports look the name up later. */
static int new_obj(sim_thread *st, trace_obj_type type, int value0) {
    return sim_new_object(st->s, st, type, value0, NULL);
}

sync_lock *sync_lock_new(sim_thread *st, bool rlock, bool mp, value self) {
    sync_lock *l = xcalloc(1, sizeof *l);
    l->w.describe = describe_lock;
    l->rlock = rlock;
    l->mp = mp;
    l->home = st->proc;
    l->self = self.tag == VT_OBJ ? self.u.o : NULL;
    l->obj = new_obj(st, rlock ? TO_RLOCK : TO_LOCK, 0);
    sim_own(st->s, l, free_lock);
    return l;
}

sync_sem *sync_sem_new(sim_thread *st, int64_t value0, bool bounded, bool mp, value self) {
    sync_sem *s = xcalloc(1, sizeof *s);
    s->w.describe = describe_sem;
    s->value = s->initial = value0;
    s->bounded = bounded;
    s->mp = mp;
    s->home = st->proc;
    s->self = self.tag == VT_OBJ ? self.u.o : NULL;
    s->obj = new_obj(st, bounded ? TO_BSEMAPHORE : TO_SEMAPHORE, (int)value0);
    sim_own(st->s, s, free_sem);
    return s;
}

sync_cond *sync_cond_new(sim_thread *st, sync_lock *lock, bool mp, value self) {
    sync_cond *c = xcalloc(1, sizeof *c);
    c->w.describe = describe_cond;
    c->lock = lock;
    c->mp = mp;
    c->home = st->proc;
    c->self = self.tag == VT_OBJ ? self.u.o : NULL;
    c->obj = new_obj(st, TO_CONDITION, lock->obj);
    sim_own(st->s, c, free_cond);
    return c;
}

sync_event *sync_event_new(sim_thread *st, bool mp, value self) {
    sync_event *e = xcalloc(1, sizeof *e);
    e->w.describe = describe_event;
    e->mp = mp;
    e->home = st->proc;
    e->self = self.tag == VT_OBJ ? self.u.o : NULL;
    e->obj = new_obj(st, TO_EVENT, 0);
    sim_own(st->s, e, free_event);
    return e;
}

sync_barrier *sync_barrier_new(sim_thread *st, int parties, int64_t timeout_ns, bool mp, value self) {
    sync_barrier *b = xcalloc(1, sizeof *b);
    b->w.describe = describe_barrier;
    b->parties = parties;
    b->default_timeout_ns = timeout_ns;
    b->mp = mp;
    b->home = st->proc;
    b->self = self.tag == VT_OBJ ? self.u.o : NULL;
    b->obj = new_obj(st, TO_BARRIER, parties);
    sim_own(st->s, b, free_barrier);
    return b;
}

/* Starts or continues a retried wait: the deadline of the first attempt
 * holds across retries. Returns false if the thread already timed out. */
static bool retry_state(sim_thread *st, int objid, int64_t fresh_deadline, int64_t *deadline, bool *timed_out) {
    bool retry = st->retry_obj == objid;
    *timed_out = retry && st->timed_out;
    *deadline = retry ? st->retry_deadline : fresh_deadline;
    return retry;
}

static void retry_clear(sim_thread *st) {
    st->retry_obj = 0;
    st->retry_deadline = -1;
    st->timed_out = false;
    st->phase = 0;
}

static vm_status block_retry(vm_thread *th, sim_tlist *q, int objid, const char *what, int64_t deadline,
                             sim_timeout_fn on_timeout, void *data) {
    sim_thread *st = sim_current(th);
    sim_tlist_push(q, st);
    st->retry_obj = objid;
    st->retry_deadline = deadline;
    return simmod_block(th, TS_BLOCKED, objid, what, deadline, on_timeout, data, true);
}

/* ------------------------------------------------------------------ locks */

static bool lock_try(sync_lock *l, sim_thread *st) {
    if (l->rlock && l->locked && l->owner == st) {
        l->count++;
        return true;
    }
    if (l->locked) return false;
    l->locked = true;
    l->owner = st;
    l->count = 1;
    return true;
}

/* Frees the lock and wakes the oldest waiter. */
static void lock_free_and_wake(sync_lock *l) {
    l->locked = false;
    l->owner = NULL;
    l->count = 0;
    wake_one(l->home->s, &l->waiters, v_none());
}

static void lock_timeout(sim_thread *st) {
    sync_lock *l = st->wait_data;
    sim_tlist_remove(&l->waiters, st);
    st->timed_out = true;
    sim_thread_wake(st, v_none(), false);
}

vm_status sync_lock_acquire(vm_thread *th, sync_lock *l, bool blocking, value timeout, value *out) {
    if (vm_sync_point(th)) return VM_BLOCK;
    sim_thread *st = sim_current(th);
    int64_t fresh = -1, deadline;
    bool timed_out;
    if (!l->mp && !blocking && timeout.tag != VT_UNDEF && !(timeout.tag == VT_INT && timeout.u.i == -1) &&
        !(timeout.tag == VT_FLOAT && timeout.u.f == -1.0))
        return vm_raise(th, th->vm->cls.ValueError, "can't specify a timeout for a non-blocking call");
    if (!l->mp && (timeout.tag == VT_INT || timeout.tag == VT_FLOAT)) {
        double t = timeout.tag == VT_INT ? (double)timeout.u.i : timeout.u.f;
        if (t < 0 && t != -1.0) return vm_raise(th, th->vm->cls.ValueError, "timeout value must be positive");
        if (t == -1.0) timeout = v_none();
    }
    vm_status r = simmod_deadline(th, timeout, true, &fresh);
    if (r != VM_OK) return r;
    retry_state(st, l->obj, fresh, &deadline, &timed_out);
    if (lock_try(l, st)) {
        retry_clear(st);
        simmod_sync_op(st, l->obj, TOP_ACQUIRE, TRACE_RESULT_OK, NULL);
        *out = v_bool(true);
        return VM_OK;
    }
    if (timed_out || !blocking || (deadline >= 0 && deadline <= vm_now(th))) {
        retry_clear(st);
        simmod_sync_op(st, l->obj, TOP_ACQUIRE, TRACE_RESULT_FAIL, NULL);
        *out = v_bool(false);
        return VM_OK;
    }
    if (st->retry_obj != l->obj) simmod_sync_op(st, l->obj, TOP_ACQUIRE, TRACE_RESULT_BLOCKED, NULL);
    return block_retry(th, &l->waiters, l->obj, l->rlock ? "rlock.acquire()" : "lock.acquire()", deadline,
                       lock_timeout, l);
}

vm_status sync_lock_release(vm_thread *th, sync_lock *l) {
    if (vm_sync_point(th)) return VM_BLOCK;
    sim_thread *st = sim_current(th);
    vm *m = th->vm;
    if (l->rlock) {
        if (!l->locked || l->owner != st) {
            if (l->mp) return vm_raise(th, m->cls.AssertionError, "attempt to release recursive lock not owned by thread");
            return vm_raise(th, m->cls.RuntimeError, "cannot release un-acquired lock");
        }
        if (--l->count > 0) {
            simmod_sync_op(st, l->obj, TOP_RELEASE, TRACE_RESULT_OK, NULL);
            return VM_OK;
        }
    } else if (!l->locked) {
        if (l->mp) return vm_raise(th, m->cls.ValueError, "semaphore or lock released too many times");
        return vm_raise(th, m->cls.RuntimeError, "release unlocked lock");
    }
    simmod_sync_op(st, l->obj, TOP_RELEASE, TRACE_RESULT_OK, NULL);
    lock_free_and_wake(l);
    return VM_OK;
}

/* ------------------------------------------------------------- semaphores */

static void sem_timeout(sim_thread *st) {
    sync_sem *s = st->wait_data;
    sim_tlist_remove(&s->waiters, st);
    st->timed_out = true;
    sim_thread_wake(st, v_none(), false);
}

vm_status sync_sem_acquire(vm_thread *th, sync_sem *s, bool blocking, value timeout, value *out) {
    if (vm_sync_point(th)) return VM_BLOCK;
    sim_thread *st = sim_current(th);
    int64_t fresh = -1, deadline;
    bool timed_out;
    if (!s->mp && !blocking && timeout.tag != VT_UNDEF && timeout.tag != VT_NONE)
        return vm_raise(th, th->vm->cls.ValueError, "can't specify timeout for non-blocking acquire");
    vm_status r = simmod_deadline(th, timeout, true, &fresh);
    if (r != VM_OK) return r;
    retry_state(st, s->obj, fresh, &deadline, &timed_out);
    if (s->value > 0) {
        s->value--;
        retry_clear(st);
        simmod_sync_op(st, s->obj, TOP_ACQUIRE, TRACE_RESULT_OK, NULL);
        *out = v_bool(true);
        return VM_OK;
    }
    if (timed_out || !blocking || (deadline >= 0 && deadline <= vm_now(th))) {
        retry_clear(st);
        simmod_sync_op(st, s->obj, TOP_ACQUIRE, TRACE_RESULT_FAIL, NULL);
        *out = v_bool(false);
        return VM_OK;
    }
    if (st->retry_obj != s->obj) simmod_sync_op(st, s->obj, TOP_ACQUIRE, TRACE_RESULT_BLOCKED, NULL);
    return block_retry(th, &s->waiters, s->obj, "semaphore.acquire()", deadline, sem_timeout, s);
}

vm_status sync_sem_release(vm_thread *th, sync_sem *s, int64_t n) {
    if (vm_sync_point(th)) return VM_BLOCK;
    sim_thread *st = sim_current(th);
    if (n < 1) return vm_raise(th, th->vm->cls.ValueError, "n must be one or more");
    if (s->bounded && s->value + n > s->initial) {
        if (s->mp) return vm_raise(th, th->vm->cls.ValueError, "semaphore or lock released too many times");
        return vm_raise(th, th->vm->cls.ValueError, "Semaphore released too many times");
    }
    s->value += n;
    simmod_sync_op(st, s->obj, TOP_RELEASE, TRACE_RESULT_OK, NULL);
    for (int64_t i = 0; i < n; i++) wake_one(st->s, &s->waiters, v_none());
    return VM_OK;
}

/* ------------------------------------------------------------- conditions */

static bool cond_owned(sync_cond *c, sim_thread *st) {
    sync_lock *l = c->lock;
    if (l->rlock) return l->locked && l->owner == st;
    return l->locked;
}

enum { COND_WAITING = 1, COND_NOTIFIED = 2, COND_TIMED_OUT = 3 };

static void cond_timeout(sim_thread *st) {
    sync_cond *c = st->wait_data;
    sim_tlist_remove(&c->waiters, st);
    st->phase = COND_TIMED_OUT;
    sim_thread_wake(st, v_none(), false);
}

vm_status sync_cond_wait(vm_thread *th, sync_cond *c, value timeout, value *out) {
    if (vm_sync_point(th)) return VM_BLOCK;
    sim_thread *st = sim_current(th);
    vm *m = th->vm;
    sync_lock *l = c->lock;
    if (st->retry_obj != c->obj) {
        if (!cond_owned(c, st)) {
            if (c->mp) return vm_raise(th, m->cls.AssertionError, "must acquire() condition before using wait()");
            return vm_raise(th, m->cls.RuntimeError, "cannot wait on un-acquired lock");
        }
        int64_t deadline;
        vm_status r = simmod_deadline(th, timeout, true, &deadline);
        if (r != VM_OK) return r;
        st->saved_count = l->count;
        simmod_sync_op(st, l->obj, TOP_RELEASE, TRACE_RESULT_OK, "cond.wait()");
        lock_free_and_wake(l);
        simmod_sync_op(st, c->obj, TOP_WAIT, TRACE_RESULT_BLOCKED, NULL);
        st->phase = COND_WAITING;
        sim_tlist_push(&c->waiters, st);
        st->retry_obj = c->obj;
        st->retry_deadline = deadline;
        return simmod_block(th, TS_BLOCKED, c->obj, "condition.wait()", deadline, cond_timeout, c, true);
    }
    /* woken (notified or timed out): take the lock back before returning */
    if (!lock_try(l, st)) {
        sim_tlist_push(&l->waiters, st);
        return simmod_block(th, TS_BLOCKED, l->obj, "condition.wait() re-acquiring the lock", -1, NULL, l, true);
    }
    l->count = st->saved_count > 0 ? st->saved_count : 1;
    bool notified = st->phase == COND_NOTIFIED;
    retry_clear(st);
    simmod_sync_op(st, l->obj, TOP_ACQUIRE, TRACE_RESULT_OK, "cond.wait() returns");
    *out = v_bool(notified);
    return VM_OK;
}

vm_status sync_cond_notify(vm_thread *th, sync_cond *c, int64_t n) {
    if (vm_sync_point(th)) return VM_BLOCK;
    sim_thread *st = sim_current(th);
    if (!cond_owned(c, st)) {
        if (c->mp) return vm_raise(th, th->vm->cls.AssertionError, "lock is not owned");
        return vm_raise(th, th->vm->cls.RuntimeError, "cannot notify on un-acquired lock");
    }
    int woken = 0;
    while (woken < n && c->waiters.n > 0) {
        sim_thread *w = sim_tlist_pop(&c->waiters);
        if (w->state == TS_FINISHED) continue;
        w->phase = COND_NOTIFIED;
        sim_thread_wake(w, v_none(), false);
        woken++;
    }
    simmod_sync_op(st, c->obj, TOP_NOTIFY, TRACE_RESULT_OK, NULL);
    return VM_OK;
}

/* ----------------------------------------------------------------- events */

static void event_timeout(sim_thread *st) {
    sync_event *e = st->wait_data;
    sim_tlist_remove(&e->waiters, st);
    sim_thread_wake(st, v_bool(false), false);
}

vm_status sync_event_wait(vm_thread *th, sync_event *e, value timeout, value *out) {
    if (vm_sync_point(th)) return VM_BLOCK;
    sim_thread *st = sim_current(th);
    if (e->flag) {
        simmod_sync_op(st, e->obj, TOP_WAIT, TRACE_RESULT_OK, NULL);
        *out = v_bool(true);
        return VM_OK;
    }
    int64_t deadline;
    vm_status r = simmod_deadline(th, timeout, true, &deadline);
    if (r != VM_OK) return r;
    if (deadline >= 0 && deadline <= vm_now(th)) {
        simmod_sync_op(st, e->obj, TOP_WAIT, TRACE_RESULT_FAIL, NULL);
        *out = v_bool(false);
        return VM_OK;
    }
    simmod_sync_op(st, e->obj, TOP_WAIT, TRACE_RESULT_BLOCKED, NULL);
    sim_tlist_push(&e->waiters, st);
    return simmod_block(th, TS_BLOCKED, e->obj, "event.wait()", deadline, event_timeout, e, false);
}

vm_status sync_event_set(vm_thread *th, sync_event *e) {
    if (vm_sync_point(th)) return VM_BLOCK;
    sim_thread *st = sim_current(th);
    e->flag = true;
    simmod_sync_op(st, e->obj, TOP_SET, TRACE_RESULT_OK, NULL);
    while (e->waiters.n > 0) {
        sim_thread *w = sim_tlist_pop(&e->waiters);
        sim_thread_wake(w, v_bool(true), false);
    }
    return VM_OK;
}

vm_status sync_event_clear(vm_thread *th, sync_event *e) {
    if (vm_sync_point(th)) return VM_BLOCK;
    e->flag = false;
    simmod_sync_op(sim_current(th), e->obj, TOP_CLEAR, TRACE_RESULT_OK, NULL);
    return VM_OK;
}

/* --------------------------------------------------------------- barriers */

/* The BrokenBarrierError class of the waiter's own process. */
static class_obj *broken_class(vm_thread *th) {
    vm *m = th->vm;
    value mod, cls;
    str_obj *name = str_from_cstr(m, "threading");
    if (!dict_get_str(m->modules, name, &mod)) {
        if (simmod_threading(th, &mod) != VM_OK) return m->cls.RuntimeError;
        dict_set_str(m->modules, name, mod);
    }
    if (dict_get_cstr(((module_obj *)mod.u.o)->dict, "BrokenBarrierError", &cls) && v_is_obj(cls, OK_CLASS))
        return V_CLASS(cls);
    return m->cls.RuntimeError;
}

static void wake_broken(sim_thread *w) {
    vm_thread *vt = w->vt;
    vt->exc = vm_exc_new(vt, broken_class(vt), NULL);
    sim_thread_wake(w, v_none(), true);
}

static void barrier_break(sync_barrier *b) {
    b->broken = true;
    b->count = 0;
    while (b->waiters.n > 0) {
        sim_thread *w = sim_tlist_pop(&b->waiters);
        if (w->state != TS_FINISHED) wake_broken(w);
    }
}

static void barrier_timeout(sim_thread *st) {
    sync_barrier *b = st->wait_data;
    sim_tlist_remove(&b->waiters, st);
    barrier_break(b);
    wake_broken(st);
}

vm_status sync_barrier_wait(vm_thread *th, sync_barrier *b, value timeout, value action, value *out) {
    if (vm_sync_point(th)) return VM_BLOCK;
    sim_thread *st = sim_current(th);
    if (b->broken) return vm_raise_value(th, vm_exc_new(th, broken_class(th), NULL));
    int64_t deadline = -1;
    if (timeout.tag != VT_UNDEF && timeout.tag != VT_NONE) {
        vm_status r = simmod_deadline(th, timeout, true, &deadline);
        if (r != VM_OK) return r;
    } else if (b->default_timeout_ns >= 0) {
        deadline = vm_now(th) + b->default_timeout_ns;
    }
    int index = b->count++;
    if (b->count == b->parties) {
        /* the last to arrive runs the action, then everyone passes */
        if (action.tag != VT_UNDEF && action.tag != VT_NONE) {
            value ignored;
            vm_status r = vm_call(th, action, NULL, 0, &ignored);
            if (r != VM_OK) {
                barrier_break(b);
                return r;
            }
        }
        simmod_sync_op(st, b->obj, TOP_WAIT, TRACE_RESULT_OK, "all parties arrived");
        int i = 0;
        while (b->waiters.n > 0) {
            sim_thread *w = sim_tlist_pop(&b->waiters);
            sim_thread_wake(w, v_int(i++), false);
        }
        b->count = 0;
        *out = v_int(index);
        return VM_OK;
    }
    simmod_sync_op(st, b->obj, TOP_WAIT, TRACE_RESULT_BLOCKED, NULL);
    sim_tlist_push(&b->waiters, st);
    return simmod_block(th, TS_BLOCKED, b->obj, "barrier.wait()", deadline, barrier_timeout, b, false);
}

vm_status sync_barrier_abort(vm_thread *th, sync_barrier *b) {
    if (vm_sync_point(th)) return VM_BLOCK;
    simmod_sync_op(sim_current(th), b->obj, TOP_ABORT, TRACE_RESULT_OK, NULL);
    barrier_break(b);
    return VM_OK;
}

vm_status sync_barrier_reset(vm_thread *th, sync_barrier *b) {
    if (vm_sync_point(th)) return VM_BLOCK;
    if (b->waiters.n > 0) barrier_break(b);
    b->broken = false;
    b->count = 0;
    return VM_OK;
}
