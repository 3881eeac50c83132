/* sim_sync.h - the synchronisation primitives shared by the threading and
 * multiprocessing modules: locks, semaphores, conditions, events, barriers.
 * Each is a payload owned by the machine, so a forked child shares the
 * multiprocessing ones with its parent. The `mp` flag selects
 * multiprocessing's spellings and error messages (FACTS.md section 7). */
#ifndef CONCVIZ_SIM_SYNC_H
#define CONCVIZ_SIM_SYNC_H

#include "sim/sim_mod.h"

typedef struct sync_lock {
    sim_waitable w;
    int obj;
    bool rlock, mp;
    bool locked;
    sim_thread *owner;
    int64_t count;
    sim_tlist waiters;
    sim_proc *home;       /* where it was created (for its label) */
    const obj *self;      /* the Python object there (compared, never followed) */
} sync_lock;

typedef struct sync_sem {
    sim_waitable w;
    int obj;
    bool bounded, mp;
    int64_t value, initial;
    sim_tlist waiters;
    sim_proc *home;
    const obj *self;
} sync_sem;

typedef struct sync_cond {
    sim_waitable w;
    int obj;
    bool mp;
    sync_lock *lock;
    sim_tlist waiters;
    sim_proc *home;
    const obj *self;
} sync_cond;

typedef struct sync_event {
    sim_waitable w;
    int obj;
    bool mp;
    bool flag;
    sim_tlist waiters;
    sim_proc *home;
    const obj *self;
} sync_event;

typedef struct sync_barrier {
    sim_waitable w;
    int obj;
    bool mp;
    int parties, count;
    bool broken;
    int64_t default_timeout_ns; /* -1: none */
    sim_tlist waiters;
    sim_proc *home;
    const obj *self;
} sync_barrier;

/* Creates the payloads (registered with the machine). */
sync_lock *sync_lock_new(sim_thread *st, bool rlock, bool mp, value self);
sync_sem *sync_sem_new(sim_thread *st, int64_t value0, bool bounded, bool mp, value self);
sync_cond *sync_cond_new(sim_thread *st, sync_lock *lock, bool mp, value self);
sync_event *sync_event_new(sim_thread *st, bool mp, value self);
sync_barrier *sync_barrier_new(sim_thread *st, int parties, int64_t timeout_ns, bool mp, value self);

/* The operations, callable from any module's natives. Each returns what the
 * Python method returns; VM_BLOCK when the caller must wait. */
vm_status sync_lock_acquire(vm_thread *th, sync_lock *l, bool blocking, value timeout, value *out);
vm_status sync_lock_release(vm_thread *th, sync_lock *l);
vm_status sync_sem_acquire(vm_thread *th, sync_sem *s, bool blocking, value timeout, value *out);
vm_status sync_sem_release(vm_thread *th, sync_sem *s, int64_t n);
vm_status sync_cond_wait(vm_thread *th, sync_cond *c, value timeout, value *out);
vm_status sync_cond_notify(vm_thread *th, sync_cond *c, int64_t n);
vm_status sync_event_wait(vm_thread *th, sync_event *e, value timeout, value *out);
vm_status sync_event_set(vm_thread *th, sync_event *e);
vm_status sync_event_clear(vm_thread *th, sync_event *e);
/* action is called (nested) by the last thread to arrive. */
vm_status sync_barrier_wait(vm_thread *th, sync_barrier *b, value timeout, value action, value *out);
vm_status sync_barrier_abort(vm_thread *th, sync_barrier *b);
vm_status sync_barrier_reset(vm_thread *th, sync_barrier *b);

/* The label of a primitive ("lock_a" or "Lock#3"). */
const char *sync_label(sim_proc *home, const obj *self, const char *type, int id, char *buf, size_t size);

#endif
