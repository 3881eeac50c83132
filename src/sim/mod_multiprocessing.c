/* mod_multiprocessing.c - the multiprocessing module (processes and their
 * synchronisation primitives). */
#include "lang/obj.h"
#include "sim/sim_mod.h"

vm_status simmod_multiprocessing(vm_thread *th, value *out) {
    (void)out;
    return vm_raise(th, th->vm->cls.ModuleNotFoundError, "No module named 'multiprocessing' (concviz has not implemented it yet)");
}
