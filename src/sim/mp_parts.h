/* mp_parts.h - the parts of the multiprocessing module that live in their
 * own files. Each registers its factory functions and classes into the
 * module dict d when a process first imports multiprocessing. */
#ifndef CONCVIZ_MP_PARTS_H
#define CONCVIZ_MP_PARTS_H

#include "sim/sim_mod.h"

void mp_register_queues(vm *m, dict_obj *d);  /* mp_queues.c: Queue, JoinableQueue, SimpleQueue */
void mp_register_pipe(vm *m, dict_obj *d);    /* mp_pipe.c: Pipe, Connection */
void mp_register_pool(vm *m, dict_obj *d);    /* mp_pool.c: Pool, AsyncResult */
void mp_register_shared(vm *m, dict_obj *d);  /* mp_shared.c: Value, Array */
void mp_register_manager(vm *m, dict_obj *d); /* mp_manager.c: Manager and its proxies */

/* A class of the multiprocessing module defined with mp_define, looked up
 * by name in process m (classes are also stored as "_class_<Name>"). */
class_obj *mp_class(vm *m, const char *name);
/* The Process object (ForkProcess...) the calling process holds for a child
 * the machine started itself (a pool worker), as CPython's Pool makes one:
 * active_children() lists it, is_alive() and exitcode follow the child. */
value mp_process_object(vm_thread *th, sim_proc *child, int method);
/* The start method (sim_start_method) of a context object made by
 * get_context(), or -1 when ctx is not one. ctx.Pool() and ctx.Manager()
 * receive their context as a->self. */
int mp_context_method(value ctx);
class_obj *mp_define(vm *m, dict_obj *d, const char *name, class_obj *base, const native_def *methods,
                     const simmod_prop *props);

#endif
