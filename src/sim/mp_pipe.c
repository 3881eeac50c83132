/* mp_pipe.c - multiprocessing: not written yet (see mp_parts.h). */
#include "sim/mp_parts.h"

void mp_register_pipe(vm *m, dict_obj *d) {
    (void)m;
    (void)d;
}
