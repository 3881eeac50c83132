/* sim_modules.c - the import hook for the modules the machine provides. */
#include <string.h>

#include "lang/obj.h"
#include "sim/sim_internal.h"

vm_status sim_module_hook(vm_thread *th, str_obj *name, value *out) {
    *out = v_undef();
    if (str_eq_cstr(name, "threading")) return simmod_threading(th, out);
    if (str_eq_cstr(name, "queue")) return simmod_queue(th, out);
    if (str_eq_cstr(name, "multiprocessing")) return simmod_multiprocessing(th, out);
    return VM_OK;
}
