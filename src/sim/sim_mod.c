/* sim_mod.c - helpers shared by the machine's modules (see sim_mod.h). */
#include "sim/sim_mod.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lang/obj.h"
#include "lang/xalloc.h"

module_obj *simmod_module(vm *m, const char *name) {
    module_obj *mod = gc_alloc(m, OK_MODULE, sizeof(module_obj));
    mod->name = str_from_cstr(m, name);
    mod->dict = dict_new(m);
    dict_set_cstr(m, mod->dict, "__name__", v_obj(mod->name));
    return mod;
}

/* Where CPython defines the classes the machine's modules offer, when that
 * is a submodule: reprs and tracebacks name it (a pool's get(timeout=...)
 * raises multiprocessing.context.TimeoutError), found by running each
 * under python3.11. NULL: the module itself. */
static const char *simmod_shown_module(const char *module, const char *name) {
    static const struct {
        const char *name, *shown;
    } mp[] = {
        {"Process", "multiprocessing.context"}, {"ForkProcess", "multiprocessing.context"},
        {"SpawnProcess", "multiprocessing.context"}, {"ForkServerProcess", "multiprocessing.context"},
        {"ForkContext", "multiprocessing.context"}, {"SpawnContext", "multiprocessing.context"},
        {"ForkServerContext", "multiprocessing.context"}, {"TimeoutError", "multiprocessing.context"},
        {"ProcessError", "multiprocessing.context"}, {"BufferTooShort", "multiprocessing.context"},
        {"AuthenticationError", "multiprocessing.context"}, {"_MainProcess", "multiprocessing.process"},
        {"_ParentProcess", "multiprocessing.process"}, {"Lock", "multiprocessing.synchronize"},
        {"RLock", "multiprocessing.synchronize"}, {"Semaphore", "multiprocessing.synchronize"},
        {"BoundedSemaphore", "multiprocessing.synchronize"}, {"Condition", "multiprocessing.synchronize"},
        {"Event", "multiprocessing.synchronize"}, {"Barrier", "multiprocessing.synchronize"},
        {"Queue", "multiprocessing.queues"}, {"JoinableQueue", "multiprocessing.queues"},
        {"SimpleQueue", "multiprocessing.queues"}, {"Connection", "multiprocessing.connection"},
        {"Pool", "multiprocessing.pool"}, {"ApplyResult", "multiprocessing.pool"},
        {"MapResult", "multiprocessing.pool"}, {"IMapIterator", "multiprocessing.pool"},
        {"IMapUnorderedIterator", "multiprocessing.pool"}, {"SynchronizedBase", "multiprocessing.sharedctypes"},
        {"Synchronized", "multiprocessing.sharedctypes"}, {"SynchronizedArray", "multiprocessing.sharedctypes"},
        {"SynchronizedString", "multiprocessing.sharedctypes"}, {"SyncManager", "multiprocessing.managers"},
        {"RemoteError", "multiprocessing.managers"}, {"BaseProxy", "multiprocessing.managers"},
        {"RemoteTraceback", "multiprocessing.pool"},
    };
    if (strcmp(module, "queue") == 0) return strcmp(name, "Empty") == 0 ? "_queue" : NULL;
    if (strcmp(module, "threading") == 0)
        return strcmp(name, "lock") == 0 || strcmp(name, "RLock") == 0 ? "_thread" : NULL;
    if (strcmp(module, "multiprocessing") != 0) return NULL;
    for (size_t i = 0; i < sizeof mp / sizeof mp[0]; i++)
        if (strcmp(mp[i].name, name) == 0) return mp[i].shown;
    size_t n = strlen(name);
    if ((n > 5 && strcmp(name + n - 5, "Proxy") == 0) || strncmp(name, "AutoProxy[", 10) == 0)
        return "multiprocessing.managers";
    if (strncmp(name, "c_", 2) == 0) return "ctypes";
    return NULL;
}

class_obj *simmod_class(vm *m, dict_obj *d, const char *module, const char *name, class_obj *base,
                        const native_def *methods, const simmod_prop *props) {
    class_obj *c = natives_class(m, name, base ? base : m->cls.object, methods);
    c->module_name = str_from_cstr(m, module);
    c->shown_module = simmod_shown_module(module, name);
    for (; props && props->name; props++) {
        property_obj *p = gc_alloc(m, OK_PROPERTY, sizeof(property_obj));
        p->fget = v_obj(native_new(m, props->name, props->get, true));
        p->fset = props->set ? v_obj(native_new(m, props->name, props->set, true)) : v_undef();
        dict_set_cstr(m, c->dict, props->name, v_obj(p));
    }
    if (d) dict_set_str(d, c->name, v_obj(c));
    return c;
}

class_obj *simmod_exception(vm *m, dict_obj *d, const char *module, const char *name, class_obj *base) {
    class_obj *c = simmod_class(m, d, module, name, base, NULL, NULL);
    c->flags |= CLS_EXCEPTION;
    return c;
}

typedef struct owned_payload {
    void *payload;
    void (*free_fn)(void *);
} owned_payload;

void sim_own(sim *s, void *payload, void (*free_fn)(void *)) {
    if (s->nowned == s->owned_cap) {
        s->owned_cap = s->owned_cap ? s->owned_cap * 2 : 32;
        s->owned = xreallocarray(s->owned, s->owned_cap, sizeof(owned_payload));
    }
    owned_payload *o = &((owned_payload *)s->owned)[s->nowned++];
    o->payload = payload;
    o->free_fn = free_fn;
}

void sim_free_owned(sim *s);
void sim_free_owned(sim *s) {
    owned_payload *o = s->owned;
    for (size_t i = 0; i < s->nowned; i++) {
        if (o[i].free_fn) o[i].free_fn(o[i].payload);
        free(o[i].payload);
    }
    free(s->owned);
    s->owned = NULL;
    s->nowned = s->owned_cap = 0;
}

void simmod_attach(vm_thread *th, value self, const native_type *type, void *payload) {
    (void)th;
    instance_obj *in = V_INST(self);
    in->ntype = type;
    in->payload = payload;
}

value simmod_instance(vm_thread *th, class_obj *cls, const native_type *type, void *payload) {
    value v = v_obj(instance_new(th->vm, cls));
    simmod_attach(th, v, type, payload);
    return v;
}

void *simmod_payload(vm_thread *th, value self, const native_type *type) {
    if (v_is_obj(self, OK_INSTANCE) && V_INST(self)->ntype == type && V_INST(self)->payload)
        return V_INST(self)->payload;
    if (v_is_obj(self, OK_INSTANCE) && !V_INST(self)->payload)
        vm_raise(th, th->vm->cls.RuntimeError, "%s.__init__() not called", type->name);
    else
        vm_raise(th, th->vm->cls.TypeError, "descriptor requires a '%s' object but received a '%s'", type->name,
                 ops_type_name(th->vm, self));
    return NULL;
}

vm_status simmod_deadline(vm_thread *th, value timeout, bool allow_negative, int64_t *deadline) {
    *deadline = -1;
    if (timeout.tag == VT_UNDEF || timeout.tag == VT_NONE) return VM_OK;
    double secs;
    vm_status st = args_float(th, timeout, "timeout", &secs);
    if (st != VM_OK) return st;
    if (secs < 0) {
        if (!allow_negative) return vm_raise(th, th->vm->cls.ValueError, "timeout value must be positive");
        secs = 0;
    }
    if (secs > 9.2e9) return VM_OK;
    *deadline = vm_now(th) + (int64_t)llround(secs * 1e9);
    return VM_OK;
}

vm_status simmod_block(vm_thread *th, trace_state state, int objid, const char *what, int64_t deadline,
                       sim_timeout_fn on_timeout, void *data, bool rewind) {
    sim_thread *st = sim_current(th);
    th->wait.kind = WAIT_OBJECT;
    th->wait.rewind = rewind;
    th->wait.until_ns = deadline;
    sim_thread_block(st, state, objid, what, deadline, on_timeout, data);
    return VM_BLOCK;
}

vm_status simmod_task_done(vm_thread *th, int64_t *unfinished, sim_tlist *joiners, value *out) {
    if (vm_sync_point(th)) return VM_BLOCK;
    if (*unfinished <= 0) return vm_raise(th, th->vm->cls.ValueError, "task_done() called too many times");
    if (--*unfinished == 0)
        while (joiners->n > 0) sim_thread_wake(sim_tlist_pop(joiners), v_none(), false);
    *out = v_none();
    return VM_OK;
}

vm_status simmod_join_tasks(vm_thread *th, int64_t unfinished, sim_tlist *joiners, int objid, const char *what,
                            void *data, value *out) {
    if (vm_sync_point(th)) return VM_BLOCK;
    *out = v_none();
    if (unfinished == 0) return VM_OK;
    sim_tlist_push(joiners, sim_current(th));
    return simmod_block(th, TS_BLOCKED, objid, what, -1, NULL, data, false);
}

const char *simmod_label(sim_proc *p, value o, const char *type, int id, char *buf, size_t size) {
    if (p && o.tag == VT_OBJ) {
        dict_obj *g = p->vm->main_globals;
        for (size_t i = 0; i < g->nentries; i++) {
            dict_entry *e = &g->entries[i];
            if (e->key.tag == VT_OBJ && e->val.tag == VT_OBJ && e->val.u.o == o.u.o && v_is_obj(e->key, OK_STR)) {
                snprintf(buf, size, "%s", V_STR(e->key)->data);
                return buf;
            }
        }
    }
    snprintf(buf, size, "%s#%d", type, id);
    return buf;
}

void simmod_sync_op(sim_thread *st, int objid, trace_op op, int result, const char *detail) {
    sim_emit(st->s, TRACE_SYNC_OP, st->proc->pid, st->tid, objid, (int)op, result, detail, detail ? strlen(detail) : 0);
}

vm_status simmod_run_target(vm_thread *th, value self, value *out) {
    vm *m = th->vm;
    dict_obj *d = V_INST(self)->dict;
    value target, args, kwargs;
    *out = v_none();
    if (!dict_get_cstr(d, "_target", &target) || target.tag == VT_NONE) return VM_OK;
    if (!dict_get_cstr(d, "_args", &args)) args = tuple_pack(m, 0, NULL);
    if (!dict_get_cstr(d, "_kwargs", &kwargs)) kwargs = v_undef();
    if (!v_is_obj(args, OK_TUPLE)) {
        list_obj *l;
        vm_status st = ops_to_list(th, args, &l);
        if (st != VM_OK) return st;
        args = tuple_pack(m, l->len, l->items);
    }
    th->tail_callable = target;
    th->tail_args = args;
    th->tail_kwargs = kwargs;
    return VM_TAILCALL;
}

void simmod_trace_item(sim_thread *st, int objid, trace_kind kind, value item, int64_t len) {
    strbuf sb;
    sb_init(&sb);
    if (ops_repr(st->vt, item, &sb) != VM_OK) {
        st->vt->exc = v_undef();
        sb_clear(&sb);
        sb_puts(&sb, "<item>");
    }
    sim_emit(st->s, kind, st->proc->pid, st->tid, objid, (int)len, 0, sb.data, sb.len);
    sb_free(&sb);
}
