/* sim_copy.h - copying values between process heaps (fork, pickling). */
#ifndef CONCVIZ_SIM_COPY_H
#define CONCVIZ_SIM_COPY_H

#include "sim/sim_internal.h"

typedef struct sim_copy_ctx {
    vm *src, *dst;
    vm_thread *src_th, *dst_th;  /* threads of each side (imports happen on dst_th) */
    bool pickle;                 /* spawn semantics: functions and classes by name */
    bool spawning;               /* for a new process: inherit-only objects may pass */
    bool error_runtime;          /* the failure is a RuntimeError, not PicklingError */
    int mode;                    /* 0 plain copy, 1 into the holding heap, 2 out of it */
    obj **keys;                  /* memo: source object -> copy */
    value *vals;
    size_t cap, n;
    int depth;
    bool failed;
    char error[400];             /* why, when failed */
    size_t bytes;                /* a size estimate, for the pickling cost */
} sim_copy_ctx;

void sim_copy_init(sim_copy_ctx *c, vm_thread *src_th, vm_thread *dst_th, bool pickle);
void sim_copy_fini(sim_copy_ctx *c);
/* Makes `to` stand for `from` in later copies. */
void sim_copy_memo(sim_copy_ctx *c, const obj *from, value to);
value sim_copy(sim_copy_ctx *c, value v);
/* Copies the source's main-module globals into the destination's (fork). */
void sim_copy_fork_world(sim_copy_ctx *c);

/* ---- pickling: values that cross a process boundary ----
 * A pickled value waits in the machine's holding heap (never collected
 * before the machine ends), with functions and classes kept by name, as
 * pickle does; unpickling finds them by name in the receiver's main module.
 * Both set a Python exception on the calling thread when they fail
 * (_pickle.PicklingError for lambdas, AttributeError for a missing name). */
bool sim_pickle(sim *s, vm_thread *from, value v, value *held, size_t *size);
/* The same for what a new process receives (its Process object, a pool's
 * initargs): there, locks and queues may pass, shared by inheritance. */
bool sim_pickle_for_spawn(sim *s, vm_thread *from, value v, value *held, size_t *size);
bool sim_unpickle(sim *s, vm_thread *to, value held, value *out);
/* The virtual cost of pickling plus unpickling size bytes (ns). */
int64_t sim_pickle_cost_ns(size_t size);
/* The holding heap's vm and a thread of it (for repr of held values). */
vm_thread *sim_holding_thread(sim *s);

#endif
