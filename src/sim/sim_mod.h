/* sim_mod.h - helpers for the modules the machine provides (threading,
 * queue, multiprocessing): building classes from C, native payloads owned by
 * the machine, blocking a thread, object labels for the trace. */
#ifndef CONCVIZ_SIM_MOD_H
#define CONCVIZ_SIM_MOD_H

#include "sim/sim_internal.h"

/* A property with native getter and setter (setter may be NULL). */
typedef struct simmod_prop {
    const char *name;
    vm_native_fn get;
    vm_native_fn set;
} simmod_prop;

module_obj *simmod_module(vm *m, const char *name);
/* A class in module dict d (qualified "module.Name" for copying between
 * processes), with native methods and properties; base NULL means object. */
class_obj *simmod_class(vm *m, dict_obj *d, const char *module, const char *name, class_obj *base,
                        const native_def *methods, const simmod_prop *props);
/* A new exception class in d. */
class_obj *simmod_exception(vm *m, dict_obj *d, const char *module, const char *name, class_obj *base);

/* Attaches payload to a new instance of cls. The machine owns payloads: they
 * are shared by every process a fork copies the object into, and freed with
 * the machine. free_fn releases what the payload owns (may be NULL). */
value simmod_instance(vm_thread *th, class_obj *cls, const native_type *type, void *payload);
void simmod_attach(vm_thread *th, value self, const native_type *type, void *payload);
void sim_own(sim *s, void *payload, void (*free_fn)(void *));
/* The payload of self if it has this type; else raises TypeError and returns NULL. */
void *simmod_payload(vm_thread *th, value self, const native_type *type);

/* The running sim thread of a native call. */
static inline sim_thread *simmod_self(vm_thread *th) { return sim_current(th); }

/* Parses a timeout argument: None/absent -> -1 (forever); a negative value is
 * an error for threading (msg) unless allow_negative; else the absolute
 * deadline in ns. */
vm_status simmod_deadline(vm_thread *th, value timeout, bool allow_negative, int64_t *deadline);

/* task_done() and join() of queue.Queue and JoinableQueue: *unfinished
 * counts items put and not yet done; join() waits in joiners (on objid,
 * shown as what, with data as the wait's owner) until it reaches 0. */
vm_status simmod_task_done(vm_thread *th, int64_t *unfinished, sim_tlist *joiners, value *out);
vm_status simmod_join_tasks(vm_thread *th, int64_t unfinished, sim_tlist *joiners, int objid, const char *what,
                            void *data, value *out);

/* Blocks the calling thread (whose native then returns VM_BLOCK). With
 * rewind the blocked call runs again when the thread wakes. */
vm_status simmod_block(vm_thread *th, trace_state state, int objid, const char *what, int64_t deadline,
                       sim_timeout_fn on_timeout, void *data, bool rewind);

/* A label for object o of process p: the global variable naming it, else
 * "Type#id". Writes into buf. */
const char *simmod_label(sim_proc *p, value o, const char *type, int id, char *buf, size_t size);

/* Thread.run()/Process.run(): tail-calls self._target(*self._args,
 * **self._kwargs) (so the target may block), or returns None. */
vm_status simmod_run_target(vm_thread *th, value self, value *out);

/* A QUEUE_PUT/QUEUE_GET event with the item's repr and the length after. */
void simmod_trace_item(sim_thread *st, int objid, trace_kind kind, value item, int64_t len);

/* The trace event for an operation on a synchronisation object. */
void simmod_sync_op(sim_thread *st, int objid, trace_op op, int result, const char *detail);

#endif
