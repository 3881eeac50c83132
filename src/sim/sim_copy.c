/* sim_copy.c - copies values from one process's heap into another's: the
 * memory a fork duplicates, and everything that crosses a process boundary
 * (arguments, queue items, results), which CPython pickles. Sharing and
 * cycles are preserved through a memo. Builtin classes and modules are
 * mapped to the destination's own by name; native payloads (machine-owned)
 * are shared, which is what multiprocessing's shared objects need. */
#include "sim/sim_copy.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lang/obj.h"
#include "lang/xalloc.h"

void sim_copy_init(sim_copy_ctx *c, vm_thread *src_th, vm_thread *dst_th, bool pickle) {
    memset(c, 0, sizeof *c);
    c->src = src_th->vm;
    c->dst = dst_th->vm;
    c->src_th = src_th;
    c->dst_th = dst_th;
    c->pickle = pickle;
    c->cap = 64;
    c->keys = xcalloc(c->cap, sizeof(obj *));
    c->vals = xcalloc(c->cap, sizeof(value));
    /* each process has its own builtins */
    sim_copy_memo(c, (obj *)c->src->builtins, v_obj(c->dst->builtins));
}

void sim_copy_fini(sim_copy_ctx *c) {
    free(c->keys);
    free(c->vals);
    c->keys = NULL;
    c->vals = NULL;
}

static size_t slot_of(const sim_copy_ctx *c, const obj *o) {
    return (size_t)(((uintptr_t)o >> 4) * 11400714819323198485ULL >> 20) & (c->cap - 1);
}

static bool memo_get(const sim_copy_ctx *c, const obj *o, value *out) {
    for (size_t i = slot_of(c, o);; i = (i + 1) & (c->cap - 1)) {
        if (!c->keys[i]) return false;
        if (c->keys[i] == o) {
            *out = c->vals[i];
            return true;
        }
    }
}

void sim_copy_memo(sim_copy_ctx *c, const obj *from, value to) {
    if ((c->n + 1) * 2 > c->cap) {
        obj **ok = c->keys;
        value *ov = c->vals;
        size_t ocap = c->cap;
        c->cap *= 2;
        c->keys = xcalloc(c->cap, sizeof(obj *));
        c->vals = xcalloc(c->cap, sizeof(value));
        c->n = 0;
        for (size_t i = 0; i < ocap; i++)
            if (ok[i]) sim_copy_memo(c, ok[i], ov[i]);
        free(ok);
        free(ov);
    }
    size_t i = slot_of(c, from);
    while (c->keys[i] && c->keys[i] != from) i = (i + 1) & (c->cap - 1);
    if (!c->keys[i]) c->n++;
    c->keys[i] = (obj *)from;
    c->vals[i] = to;
}

static void copy_fail(sim_copy_ctx *c, const char *fmt, const char *what) {
    if (c->failed) return;
    c->failed = true;
    snprintf(c->error, sizeof c->error, fmt, what);
}

/* The destination's module of that name (imported there if needed). */
static value dst_module(sim_copy_ctx *c, str_obj *name) {
    value mod;
    if (dict_get_cstr(c->dst->modules, name->data, &mod)) return mod;
    str_obj *n = str_from_cstr(c->dst, name->data);
    if (vm_module_load(c->dst_th, n, &mod) != VM_OK) {
        c->dst_th->exc = v_undef();
        copy_fail(c, "cannot import module '%s' in the child", name->data);
        return v_none();
    }
    dict_set_str(c->dst->modules, n, mod);
    return mod;
}

/* A builtin class of the destination with the same (module, name). */
static value dst_builtin_class(sim_copy_ctx *c, class_obj *cls) {
    value v;
    const str_obj *mod = cls->module_name;
    if (!mod || str_eq_cstr(mod, "builtins")) {
        if (dict_get_cstr(c->dst->builtins, cls->name->data, &v) && v_is_obj(v, OK_CLASS)) return v;
        /* classes without a builtins entry (function, NoneType...) */
        class_obj **src = (class_obj **)&c->src->cls, **dst = (class_obj **)&c->dst->cls;
        for (size_t i = 0; i < sizeof(vm_classes) / sizeof(class_obj *); i++)
            if (src[i] == cls) return v_obj(dst[i]);
        copy_fail(c, "cannot find class '%s' in the child", cls->name->data);
        return v_none();
    }
    value m = dst_module(c, (str_obj *)mod);
    if (v_is_obj(m, OK_MODULE)) {
        /* a factory function may shadow the class's name (multiprocessing.Lock) */
        char key[200];
        snprintf(key, sizeof key, "_class_%s", cls->name->data);
        dict_obj *md = ((module_obj *)m.u.o)->dict;
        if (dict_get_cstr(md, key, &v) && v_is_obj(v, OK_CLASS)) return v;
        if (dict_get_cstr(md, cls->name->data, &v) && v_is_obj(v, OK_CLASS)) return v;
    }
    copy_fail(c, "cannot find class '%s' in the child", cls->name->data);
    return v_none();
}

/* In the holding heap a function or class pickled by reference is a
 * one-element tuple ("\x01ref", qualname) marker. */
static value make_ref(sim_copy_ctx *c, value v, const char *qualname) {
    if (strchr(qualname, '<') || strchr(qualname, '.')) {
        char what[320];
        unsigned long long addr = (unsigned long long)obj_address(v.u.o);
        snprintf(what, sizeof what, "<%s %.80s at 0x%llx>: attribute lookup %.80s", v_is_obj(v, OK_CLASS) ? "class" : "function",
                 qualname, addr, qualname);
        copy_fail(c, "Can't pickle %s on __main__ failed", what);
        return v_none();
    }
    value parts[2] = {str_value(c->dst, "\x01ref", 4), v_obj(str_from_cstr(c->dst, qualname))};
    return tuple_pack(c->dst, 2, parts);
}

static bool is_ref(value v) {
    return v_is_obj(v, OK_TUPLE) && V_TUPLE(v)->len == 2 && v_is_obj(V_TUPLE(v)->items[0], OK_STR) &&
           V_STR(V_TUPLE(v)->items[0])->len == 4 && memcmp(V_STR(V_TUPLE(v)->items[0])->data, "\x01ref", 4) == 0;
}

/* Under spawn, functions and classes travel by reference: the child finds
 * them by name in its re-imported main module (lambdas cannot). */
static value by_reference(sim_copy_ctx *c, value v, const char *qualname) {
    if (c->mode == 1) return make_ref(c, v, qualname);
    value found;
    if (strchr(qualname, '<') || strchr(qualname, '.') ||
        !dict_get_cstr(c->dst->main_globals, qualname, &found)) {
        char what[320];
        unsigned long long addr = (unsigned long long)obj_address(v.u.o);
        snprintf(what, sizeof what, "<%s %.80s at 0x%llx>: attribute lookup %.80s", v_is_obj(v, OK_CLASS) ? "class" : "function",
                 qualname, addr, qualname);
        copy_fail(c, "Can't pickle %s on __main__ failed", what);
        return v_none();
    }
    return found;
}

value sim_copy(sim_copy_ctx *c, value v) {
    if (v.tag != VT_OBJ) return v;
    if (c->failed) return v_none(); /* never hand a source object to the destination */
    obj *o = v.u.o;
    if (o->flags & OBJ_PERMANENT) return v;
    value out;
    if (memo_get(c, o, &out)) return out;
    if (++c->depth > 500) {
        copy_fail(c, "%s", "object too deeply nested to copy between processes");
        c->depth--;
        return v_none();
    }
    vm *d = c->dst;
    switch ((obj_kind)o->kind) {
    case OK_STR:
        out = str_value(d, V_STR(v)->data, V_STR(v)->len);
        break;
    case OK_LIST: {
        list_obj *src = V_LIST(v), *l = list_new(d, src->len);
        out = v_obj(l);
        sim_copy_memo(c, o, out);
        for (size_t i = 0; i < src->len; i++) list_append(l, sim_copy(c, src->items[i]));
        break;
    }
    case OK_TUPLE: {
        if (c->mode == 2 && is_ref(v)) {
            str_obj *name = V_STR(V_TUPLE(v)->items[1]);
            value found;
            if (!dict_get_str(c->dst->main_globals, name, &found)) {
                copy_fail(c, "Can't get attribute '%s' on <module '__main__'>", name->data);
                out = v_none();
            } else {
                out = found;
            }
            break;
        }
        tuple_obj *src = V_TUPLE(v), *t = tuple_new(d, src->len);
        out = v_obj(t);
        sim_copy_memo(c, o, out);
        for (size_t i = 0; i < src->len; i++) t->items[i] = sim_copy(c, src->items[i]);
        break;
    }
    case OK_DICT: {
        dict_obj *src = V_DICT(v), *nd = dict_new(d);
        out = v_obj(nd);
        sim_copy_memo(c, o, out);
        for (size_t i = 0; i < src->nentries; i++) {
            dict_entry *e = &src->entries[i];
            if (e->key.tag == VT_UNDEF) continue;
            value k = sim_copy(c, e->key);
            value val = sim_copy(c, e->val);
            int64_t h;
            if (!dict_key_hash(k, &h)) h = e->hash; /* instances keep their identity hash scheme */
            dict_store(nd, k, h, val);
        }
        break;
    }
    case OK_FUNC: {
        func_obj *src = V_FUNC(v);
        if (c->pickle) {
            out = by_reference(c, v, src->co->qualname);
            break;
        }
        func_obj *f = gc_alloc(d, OK_FUNC, sizeof(func_obj));
        out = v_obj(f);
        sim_copy_memo(c, o, out);
        f->co = src->co;
        f->name = V_STR(sim_copy(c, v_obj(src->name)));
        f->globals = V_DICT(sim_copy(c, v_obj(src->globals)));
        if (src->defaults) f->defaults = V_TUPLE(sim_copy(c, v_obj(src->defaults)));
        if (src->kwdefaults) f->kwdefaults = V_DICT(sim_copy(c, v_obj(src->kwdefaults)));
        if (src->closure) f->closure = V_TUPLE(sim_copy(c, v_obj(src->closure)));
        if (src->owner) {
            value ow = sim_copy(c, v_obj(src->owner));
            f->owner = v_is_obj(ow, OK_CLASS) ? V_CLASS(ow) : NULL;
        }
        break;
    }
    case OK_NATIVE: {
        native_obj *src = (native_obj *)o;
        native_obj *n = native_new(d, src->name, src->fn, src->is_method);
        out = v_obj(n);
        sim_copy_memo(c, o, out);
        n->data = sim_copy(c, src->data);
        break;
    }
    case OK_BOUND: {
        bound_obj *src = (bound_obj *)o;
        value self = sim_copy(c, src->self), fn = sim_copy(c, src->func);
        out = v_obj(bound_new(d, self, fn));
        break;
    }
    case OK_CLASS: {
        class_obj *src = V_CLASS(v);
        if (src->flags & CLS_BUILTIN) {
            out = dst_builtin_class(c, src);
            break;
        }
        if (c->pickle) {
            out = by_reference(c, v, src->name->data);
            break;
        }
        class_obj *base = src->base ? V_CLASS(sim_copy(c, v_obj(src->base))) : NULL;
        class_obj *k = class_new(d, str_new(d, src->name->data, src->name->len), base);
        out = v_obj(k);
        sim_copy_memo(c, o, out);
        k->flags = src->flags;
        k->builtin_tag = src->builtin_tag;
        if (src->module_name) k->module_name = str_new(d, src->module_name->data, src->module_name->len);
        k->shown_module = src->shown_module;
        k->dict = V_DICT(sim_copy(c, v_obj(src->dict)));
        break;
    }
    case OK_INSTANCE: {
        instance_obj *src = V_INST(v);
        if (c->mode == 1 && !c->spawning && src->ntype && src->ntype->inherit_only) {
            copy_fail(c, "%s objects should only be shared between processes through inheritance",
                      *src->ntype->inherit_only ? src->ntype->inherit_only : src->cls->name->data);
            c->error_runtime = true;
            break;
        }
        value cls = sim_copy(c, v_obj(src->cls));
        if (!v_is_obj(cls, OK_CLASS)) break;
        instance_obj *in = instance_new(d, V_CLASS(cls));
        out = v_obj(in);
        sim_copy_memo(c, o, out);
        in->ntype = src->ntype;
        in->payload = src->payload;
        if (src->ntype && src->ntype->clone) in->payload = src->ntype->clone(src->payload, c);
        in->dict = V_DICT(sim_copy(c, v_obj(src->dict)));
        if (c->mode == 1 && (src->cls->flags & CLS_EXCEPTION)) {
            /* pickling keeps an exception's args and __dict__, not its
               traceback or chain */
            static const char *const unpickled[] = {"__traceback__", "__cause__", "__context__", "__suppress_context__"};
            for (size_t k = 0; k < sizeof unpickled / sizeof unpickled[0]; k++) {
                str_obj *key = str_from_cstr(d, unpickled[k]);
                dict_remove(in->dict, v_obj(key), str_hash(key), NULL);
            }
        }
        break;
    }
    case OK_CELL: {
        cell_obj *cell = cell_new(d, v_undef());
        out = v_obj(cell);
        sim_copy_memo(c, o, out);
        cell->v = sim_copy(c, ((cell_obj *)o)->v);
        break;
    }
    case OK_RANGE: {
        range_obj *r = gc_alloc(d, OK_RANGE, sizeof(range_obj));
        r->start = ((range_obj *)o)->start;
        r->stop = ((range_obj *)o)->stop;
        r->step = ((range_obj *)o)->step;
        out = v_obj(r);
        break;
    }
    case OK_ITER: {
        iter_obj *src = (iter_obj *)o;
        iter_obj *it = gc_alloc(d, OK_ITER, sizeof(iter_obj));
        out = v_obj(it);
        sim_copy_memo(c, o, out);
        it->kind = src->kind;
        it->sub = src->sub;
        it->pos = src->pos;
        it->end = src->end;
        it->step = src->step;
        it->seq = sim_copy(c, src->seq);
        it->extra = sim_copy(c, src->extra);
        break;
    }
    case OK_MODULE:
        out = dst_module(c, ((module_obj *)o)->name);
        break;
    case OK_SLICE: {
        slice_obj *src = (slice_obj *)o;
        slice_obj *s = gc_alloc(d, OK_SLICE, sizeof(slice_obj));
        out = v_obj(s);
        s->start = sim_copy(c, src->start);
        s->stop = sim_copy(c, src->stop);
        s->step = sim_copy(c, src->step);
        break;
    }
    case OK_SUPER: {
        super_obj *src = (super_obj *)o;
        super_obj *s = gc_alloc(d, OK_SUPER, sizeof(super_obj));
        out = v_obj(s);
        s->start = V_CLASS(sim_copy(c, v_obj(src->start)));
        s->self = sim_copy(c, src->self);
        break;
    }
    case OK_DICTVIEW: {
        dictview_obj *src = (dictview_obj *)o;
        dictview_obj *dv = gc_alloc(d, OK_DICTVIEW, sizeof(dictview_obj));
        out = v_obj(dv);
        dv->sub = src->sub;
        dv->d = V_DICT(sim_copy(c, v_obj(src->d)));
        break;
    }
    case OK_PROPERTY: {
        property_obj *src = (property_obj *)o;
        property_obj *p = gc_alloc(d, OK_PROPERTY, sizeof(property_obj));
        out = v_obj(p);
        sim_copy_memo(c, o, out);
        p->fget = sim_copy(c, src->fget);
        p->fset = sim_copy(c, src->fset);
        p->kind = src->kind;
        break;
    }
    case OK_GEN: {
        if (c->mode != 0) {
            copy_fail(c, "%s", "cannot pickle 'generator' object");
            out = v_none();
            break;
        }
        /* a fork copies a suspended generator (a running one is the
           forking thread's, which the child does not have) */
        gen_obj *src = V_GEN(v), *g = gc_alloc(d, OK_GEN, sizeof(gen_obj));
        out = v_obj(g);
        sim_copy_memo(c, o, out);
        g->frame = src->frame;
        g->state = src->state == GEN_RUNNING ? GEN_DONE : src->state;
        g->frame.fn = src->frame.fn ? (func_obj *)sim_copy(c, v_obj(src->frame.fn)).u.o : NULL;
        g->frame.globals = src->frame.globals ? V_DICT(sim_copy(c, v_obj(src->frame.globals))) : NULL;
        g->frame.locals_dict = src->frame.locals_dict ? V_DICT(sim_copy(c, v_obj(src->frame.locals_dict))) : NULL;
        if (g->state != GEN_DONE && src->nslots) {
            g->slots = xcalloc(src->nslots, sizeof(value));
            g->nslots = src->nslots;
            for (uint32_t i = 0; i < src->nslots; i++) g->slots[i] = sim_copy(c, src->slots[i]);
        }
        break;
    }
    case OK_SET: {
        /* a fork copies the table as it is; pickling sends the items in
           iteration order and the receiver adds them one by one */
        set_obj *src = V_SET(v), *ns = set_new(d, src->frozen);
        out = v_obj(ns);
        sim_copy_memo(c, o, out);
        if (c->mode == 0 && src->fill == src->used) {
            free(ns->table);
            ns->table = xcalloc(src->mask + 1, sizeof(set_entry));
            ns->mask = src->mask;
        }
        size_t pos = 0;
        value k;
        int64_t h;
        while (set_next(src, &pos, &k, &h)) {
            value nk = sim_copy(c, k);
            if (!dict_key_hash(nk, &h)) h = 0; /* cannot happen: set keys are hashable */
            set_add_hashed(ns, nk, h);
        }
        break;
    }
    default:
        out = v_none();
        break;
    }
    c->depth--;
    if (!c->failed) sim_copy_memo(c, o, out);
    c->bytes += o->kind == OK_STR ? V_STR(v)->len + 8 : 16;
    return out;
}

void sim_copy_fork_world(sim_copy_ctx *c) {
    /* the main module: the child's globals dict stands for the parent's */
    sim_copy_memo(c, (obj *)c->src->main_globals, v_obj(c->dst->main_globals));
    dict_obj *src = c->src->main_globals;
    for (size_t i = 0; i < src->nentries; i++) {
        dict_entry *e = &src->entries[i];
        if (e->key.tag == VT_UNDEF) continue;
        value k = sim_copy(c, e->key);
        value val = sim_copy(c, e->val);
        dict_store(c->dst->main_globals, k, e->hash, val);
    }
}

/* ---------------------------------------------------------------- pickling */

vm_thread *sim_holding_thread(sim *s) {
    if (!s->holding) {
        lang_run_opts opts = {0, s->cfg.cores, NULL, NULL};
        s->holding = vm_new(s->prog, &opts);
        s->holding->module_hook = sim_module_hook; /* classes of threading, multiprocessing... */
        s->holding_thread = vm_thread_new(s->holding);
    }
    return s->holding_thread;
}

/* _pickle.PicklingError of th's process (made on first use). */
static class_obj *pickling_error(vm_thread *th) {
    vm *m = th->vm;
    value cls;
    if (dict_get_cstr(m->builtins, "_concviz_PicklingError", &cls)) return V_CLASS(cls);
    class_obj *base = m->cls.Exception;
    class_obj *c = class_new(m, str_from_cstr(m, "PicklingError"), base);
    c->flags |= CLS_EXCEPTION | CLS_BUILTIN;
    c->module_name = str_from_cstr(m, "_pickle");
    dict_set_cstr(m, m->builtins, "_concviz_PicklingError", v_obj(c));
    return c;
}

static bool pickle_into_holding(sim *s, vm_thread *from, value v, value *held, size_t *size, bool spawning) {
    vm_thread *h = sim_holding_thread(s);
    sim_copy_ctx c;
    sim_copy_init(&c, from, h, true);
    c.mode = 1;
    c.spawning = spawning;
    *held = sim_copy(&c, v);
    bool ok = !c.failed;
    if (size) *size = c.bytes;
    if (!ok) vm_raise(from, c.error_runtime ? from->vm->cls.RuntimeError : pickling_error(from), "%s", c.error);
    sim_copy_fini(&c);
    return ok;
}

bool sim_pickle(sim *s, vm_thread *from, value v, value *held, size_t *size) {
    return pickle_into_holding(s, from, v, held, size, false);
}

bool sim_pickle_for_spawn(sim *s, vm_thread *from, value v, value *held, size_t *size) {
    return pickle_into_holding(s, from, v, held, size, true);
}

bool sim_unpickle(sim *s, vm_thread *to, value held, value *out) {
    vm_thread *h = sim_holding_thread(s);
    sim_copy_ctx c;
    sim_copy_init(&c, h, to, true);
    c.mode = 2;
    *out = sim_copy(&c, held);
    bool ok = !c.failed;
    if (!ok) vm_raise(to, to->vm->cls.AttributeError, "%s", c.error);
    sim_copy_fini(&c);
    return ok;
}

int64_t sim_pickle_cost_ns(size_t size) {
    /* about 2 us for a small object, plus about 1 ns a byte (pickle + pipe) */
    return 2000 + (int64_t)size;
}
