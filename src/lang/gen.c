/* gen.c - the generator type: next(), send(), close() and iteration. The
 * frame work (suspending at a yield, resuming) is in vm.c; a 'for' loop
 * resumes a generator inside its own frame (FOR_ITER), so a generator that
 * blocks (q.get(), lock.acquire()) blocks its thread as a function would.
 * Resumed from C (next(), list(), sorted()...) it runs nested and cannot
 * block. */
#include <stdlib.h>

#include "natives.h"

#define GEN_SELF V_GEN(a->self)

vm_status gen_raise_stop(vm_thread *th, value result) {
    value exc = vm_exc_new(th, th->vm->cls.StopIteration, NULL);
    if (result.tag != VT_NONE && result.tag != VT_UNDEF) {
        dict_set_str(V_INST(exc)->dict, th->vm->names.args, tuple_pack(th->vm, 1, &result));
        dict_set_cstr(th->vm, V_INST(exc)->dict, "value", result);
    }
    return vm_raise_value(th, exc);
}

static vm_status g_next(vm_thread *th, const vm_args *a, value *out) {
    vm_status st = args_count(th, a, "__next__", 0, 0);
    if (st != VM_OK) return st;
    bool done;
    if ((st = vm_gen_resume(th, GEN_SELF, v_none(), out, &done)) != VM_OK) return st;
    return done ? gen_raise_stop(th, *out) : VM_OK;
}

/* send(v): resumes with v as the value of the yield; StopIteration(value)
 * when the generator returns. */
static vm_status g_send(vm_thread *th, const vm_args *a, value *out) {
    vm_status st = args_count(th, a, "send", 1, 1);
    if (st != VM_OK) return st;
    bool done;
    value r;
    if ((st = vm_gen_resume(th, GEN_SELF, a->pos[0], &r, &done)) != VM_OK) return st;
    *out = r;
    return done ? gen_raise_stop(th, r) : VM_OK;
}

/* close(): the generator is finished (its pending finally blocks are not
 * run: concviz does not throw GeneratorExit into it). */
static vm_status g_close(vm_thread *th, const vm_args *a, value *out) {
    vm_status st = args_count(th, a, "close", 0, 0);
    if (st != VM_OK) return st;
    gen_obj *g = GEN_SELF;
    if (g->state == GEN_RUNNING) return vm_raise(th, th->vm->cls.ValueError, "generator already executing");
    g->state = GEN_DONE;
    free(g->slots);
    g->slots = NULL;
    g->nslots = 0;
    *out = v_none();
    return VM_OK;
}

static vm_status g_iter(vm_thread *th, const vm_args *a, value *out) {
    vm_status st = args_count(th, a, "__iter__", 0, 0);
    *out = a->self;
    return st;
}

static const native_def gen_methods[] = {
    {"__next__", g_next}, {"send", g_send}, {"close", g_close}, {"__iter__", g_iter}, {NULL, NULL}};

void gen_install(vm *m) { m->cls.generator = natives_class(m, "generator", m->cls.object, gen_methods); }
