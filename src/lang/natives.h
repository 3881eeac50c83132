/* natives.h - helpers for writing builtin functions and methods, and the
 * registration entry points of each builtin module of the interpreter. */
#ifndef CONCVIZ_NATIVES_H
#define CONCVIZ_NATIVES_H

#include "obj.h"
#include "ops.h"

/* Raises TypeError unless min <= a->npos <= max and no keyword was given. */
vm_status args_count(vm_thread *th, const vm_args *a, const char *fname, int min, int max);
/* Like args_count, but keywords named in allowed (NULL-terminated) pass. */
vm_status args_count_kw(vm_thread *th, const vm_args *a, const char *fname, int min, int max,
                        const char *const *allowed);
/* The keyword argument name, if given. */
bool args_kw(const vm_args *a, const char *name, value *out);
/* Positional i, else keyword name, else VT_UNDEF. */
value args_get(const vm_args *a, int i, const char *name);
vm_status args_int(vm_thread *th, value v, const char *what, int64_t *out);
vm_status args_float(vm_thread *th, value v, const char *what, double *out);

/* Fills d from a mapping or an iterable of pairs (dict(), dict.update()). */
vm_status types_dict_fill(vm_thread *th, dict_obj *d, value src);

/* Sorts l in place, stably, by key (VT_UNDEF/None: the items themselves). */
vm_status builtins_sort_list(vm_thread *th, list_obj *l, value key, bool reverse);

/* A builtin class with native methods. */
class_obj *natives_class(vm *m, const char *name, class_obj *base, const native_def *methods);

/* Each file registers its part of the builtins. */
void builtins_install(vm *m);           /* builtins.c: functions */
void types_install(vm *m);              /* types.c: classes int, str, list... and their methods */
void str_methods_install(vm *m);        /* str_methods.c */
void container_methods_install(vm *m);  /* containers.c: list, tuple, dict methods */
void set_install(vm *m);                /* set.c: set and frozenset */
void gen_install(vm *m);                /* gen.c: the generator type */
/* Raises StopIteration, carrying a generator's return value (if not None). */
vm_status gen_raise_stop(vm_thread *th, value result);
void exc_install(vm *m);                /* exc.c: the exception hierarchy */
/* Prints an uncaught exception as CPython does ("Traceback ...") to fd 2,
 * after the exceptions chained to it (its __cause__ or __context__). */
void exc_print_traceback(vm_thread *th, value exc);
/* The same text, appended to out. */
void exc_format_traceback(vm_thread *th, value exc, strbuf *out);
/* The exit status an uncaught SystemExit asks for (printing its message). */
int exc_system_exit_status(vm_thread *th, value exc);

/* modules.c */
vm_status vm_module_load(vm_thread *th, str_obj *name, value *out);

/* Engine hooks a native can use to block (lang_run or the simulator). */
enum {
    WAIT_NONE = 0,
    WAIT_SLEEP = 1, /* time.sleep: until_ns is the wake-up time (GIL released) */
    WAIT_IO = 2,    /* concviz.io: like sleep, shown as I/O */
    WAIT_CPU = 3,   /* concviz.cpu: until_ns is the CPU time to burn (GIL held) */
    WAIT_SYNC = 4,  /* not blocked: yield so other threads catch up (vm_sync_point) */
    WAIT_OBJECT = 5 /* blocked on wait.object; the primitive will wake it */
};

#endif
