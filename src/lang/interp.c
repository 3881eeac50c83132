/* interp.c - creating and destroying an interpreter (one per simulated
 * process): its heap roots, interned names, builtin classes and output. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "natives.h"
#include "xalloc.h"

static str_obj *intern(vm *m, const char *s) { return str_from_cstr(m, s); }

static void names_init(vm *m) {
    vm_names *n = &m->names;
    n->init = intern(m, "__init__");
    n->str = intern(m, "__str__");
    n->repr = intern(m, "__repr__");
    n->name = intern(m, "__name__");
    n->main = intern(m, "__main__");
    n->args = intern(m, "args");
    n->enter = intern(m, "__enter__");
    n->exit = intern(m, "__exit__");
    n->class_ = intern(m, "__class__");
    n->dict = intern(m, "__dict__");
    n->module = intern(m, "__module__");
    n->qualname = intern(m, "__qualname__");
    n->code = intern(m, "code");
    n->len = intern(m, "__len__");
    n->eq = intern(m, "__eq__");
    n->lt = intern(m, "__lt__");
    n->hash = intern(m, "__hash__");
    n->call = intern(m, "__call__");
    n->getitem = intern(m, "__getitem__");
    n->setitem = intern(m, "__setitem__");
    n->contains = intern(m, "__contains__");
    n->bool_ = intern(m, "__bool__");
    n->iter = intern(m, "__iter__");
    n->next = intern(m, "__next__");
    n->run = intern(m, "run");
    n->doc = intern(m, "__doc__");
    n->traceback = intern(m, "__traceback__");
    n->new_ = intern(m, "__new__");
    n->code_attr = intern(m, "code");
}

class_obj *natives_class(vm *m, const char *name, class_obj *base, const native_def *methods) {
    class_obj *c = class_new(m, str_from_cstr(m, name), base);
    c->flags |= CLS_BUILTIN;
    if (methods) native_register(m, c->dict, methods, true);
    return c;
}

vm *vm_new(const lang_program *prog, const lang_run_opts *opts) {
    vm *m = xcalloc(1, sizeof(vm));
    m->prog = prog;
    m->gc_threshold = 16u << 20;
    m->write = opts ? opts->write : NULL;
    m->write_ctx = opts ? opts->write_ctx : NULL;
    m->cores = opts && opts->cores > 0 ? opts->cores : 4;
    m->pid = 100;
    m->epoch_ns = 1700000000LL * 1000000000LL;
    m->seed = opts ? opts->seed : 0;
    m->switch_interval_ns = 5000000;
    m->ppid = 1;
    rng_seed_u64(&m->rng, m->seed);
    sb_init(&m->outbuf);
    names_init(m);
    m->builtins = dict_new(m);
    m->modules = dict_new(m);
    m->main_globals = dict_new(m);
    types_install(m);
    exc_install(m);
    str_methods_install(m);
    container_methods_install(m);
    set_install(m);
    gen_install(m);
    builtins_install(m);
    dict_set_cstr(m, m->main_globals, "__builtins__", v_obj(m->builtins));
    return m;
}

void vm_free(vm *m) {
    while (m->threads) vm_thread_free(m->threads);
    gc_free_all(m);
    sb_free(&m->outbuf);
    free(m);
}

static void write_fd(int fd, const char *s, size_t n) {
    while (n > 0) {
        ssize_t w = write(fd, s, n);
        if (w <= 0) return;
        s += w;
        n -= (size_t)w;
    }
}

void vm_write(vm *m, int fd, const char *s, size_t n) {
    if (fd == 2) vm_flush(m);
    if (m->write) {
        m->write(m->write_ctx, fd, s, n);
        return;
    }
    if (fd == 1) {
        sb_append(&m->outbuf, s, n);
        if (m->outbuf.len >= 8192) vm_flush(m);
        return;
    }
    write_fd(fd, s, n);
}

void vm_flush(vm *m) {
    if (m->outbuf.len) {
        write_fd(1, m->outbuf.data, m->outbuf.len);
        sb_clear(&m->outbuf);
    }
}
