/* ops.c - types, attributes, items, lengths, hashing, truth and iteration
 * (see ops.h). Arithmetic and comparisons are in arith.c, repr/str in repr.c. */
#include "ops.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "obj.h"
#include "xalloc.h"

/* ----------------------------------------------------------------- types */

class_obj *ops_type(vm *m, value v) {
    switch (v.tag) {
    case VT_NONE: return m->cls.none;
    case VT_BOOL: return m->cls.bool_;
    case VT_INT: return m->cls.int_;
    case VT_FLOAT: return m->cls.float_;
    case VT_OBJ: break;
    default: return m->cls.none;
    }
    switch ((obj_kind)v.u.o->kind) {
    case OK_STR: return m->cls.str;
    case OK_LIST: return m->cls.list;
    case OK_TUPLE: return m->cls.tuple;
    case OK_DICT: return m->cls.dict;
    case OK_FUNC: return m->cls.function;
    case OK_NATIVE: return m->cls.builtin_function;
    case OK_BOUND: return m->cls.method;
    case OK_CLASS: return m->cls.type;
    case OK_INSTANCE: return V_INST(v)->cls;
    case OK_CELL: return m->cls.cell;
    case OK_RANGE: return m->cls.range;
    case OK_ITER: return m->cls.iterator;
    case OK_MODULE: return m->cls.module;
    case OK_SLICE: return m->cls.slice;
    case OK_SUPER: return m->cls.super;
    case OK_DICTVIEW: return m->cls.dictview;
    case OK_PROPERTY: {
        int kind = ((property_obj *)v.u.o)->kind;
        return kind == PROP_STATIC ? m->cls.staticmethod : kind == PROP_CLASS ? m->cls.classmethod : m->cls.property;
    }
    case OK_SET: return V_SET(v)->frozen ? m->cls.frozenset : m->cls.set;
    case OK_GEN: return m->cls.generator;
    case OK_KIND_COUNT: break;
    }
    return m->cls.object;
}

const char *ops_type_name(vm *m, value v) {
    if (v_is_obj(v, OK_ITER)) {
        static const char *const names[] = {"iterator", "range_iterator", "dict_keyiterator", "enumerate", "zip",
                                            "reversed", "map", "filter", "callable_iterator"};
        iter_obj *it = (iter_obj *)v.u.o;
        if (it->kind == IT_SEQ) {
            if (v_is_obj(it->seq, OK_LIST)) return "list_iterator";
            if (v_is_obj(it->seq, OK_TUPLE)) return "tuple_iterator";
            return "str_ascii_iterator";
        }
        if (it->kind == IT_DICT) return it->sub == 0 ? "dict_keyiterator" : it->sub == 1 ? "dict_valueiterator" : "dict_itemiterator";
        if (it->kind == IT_REVERSED && v_is_obj(it->seq, OK_LIST)) return "list_reverseiterator";
        return names[it->kind];
    }
    if (v_is_obj(v, OK_DICTVIEW)) {
        static const char *const names[] = {"dict_keys", "dict_values", "dict_items"};
        return names[((dictview_obj *)v.u.o)->sub];
    }
    if (v_is_obj(v, OK_NATIVE) && ((native_obj *)v.u.o)->is_method) return "builtin_function_or_method";
    return ops_type(m, v)->name->data;
}

bool ops_isinstance(vm *m, value v, class_obj *cls) {
    class_obj *t = ops_type(m, v);
    if (cls == m->cls.object) return true;
    if (cls == m->cls.int_ && v.tag == VT_BOOL) return true;
    return class_is_subclass(t, cls);
}

bool ops_is_exception_class(value v) {
    return v_is_obj(v, OK_CLASS) && (V_CLASS(v)->flags & CLS_EXCEPTION);
}

bool ops_find_dunder(value v, str_obj *name, value *method) {
    if (!v_is_obj(v, OK_INSTANCE)) return false;
    value f;
    if (!class_lookup(V_INST(v)->cls, name, &f)) return false;
    *method = f;
    return true;
}

/* ------------------------------------------------------------ attributes */

static value bind(vm *m, value self, value f) {
    if (v_is_obj(f, OK_FUNC)) return v_obj(bound_new(m, self, f));
    if (v_is_obj(f, OK_NATIVE) && ((native_obj *)f.u.o)->is_method) return v_obj(bound_new(m, self, f));
    return f;
}

/* What class attribute cv gives when looked up through an instance (inst)
 * or through the class itself (inst VT_UNDEF): a property runs its getter
 * on an instance, a staticmethod gives its function, a classmethod its
 * function bound to the class, a function a bound method. */
static vm_status class_attr(vm_thread *th, value cv, value inst, class_obj *cls, value *out) {
    if (v_is_obj(cv, OK_PROPERTY)) {
        property_obj *p = (property_obj *)cv.u.o;
        switch (p->kind) {
        case PROP_STATIC: *out = p->fget; return VM_OK;
        case PROP_CLASS: *out = v_obj(bound_new(th->vm, v_obj(cls), p->fget)); return VM_OK;
        default:
            if (inst.tag == VT_UNDEF) break;
            return vm_call_self(th, p->fget, inst, NULL, 0, out);
        }
    }
    *out = inst.tag == VT_UNDEF ? cv : bind(th->vm, inst, cv);
    return VM_OK;
}

/* Special attributes every function-like and class object answers. */
static bool special_attr(vm_thread *th, value o, str_obj *name, value *out) {
    vm *m = th->vm;
    if (name->len < 4 || name->data[0] != '_' || name->data[1] != '_') return false;
    if (str_eq_cstr(name, "__class__")) {
        *out = v_obj(ops_type(m, o));
        return true;
    }
    if (o.tag != VT_OBJ) return false;
    switch ((obj_kind)o.u.o->kind) {
    case OK_FUNC: {
        func_obj *f = V_FUNC(o);
        if (str_eq_cstr(name, "__name__")) { *out = v_obj(f->name); return true; }
        if (str_eq_cstr(name, "__qualname__")) { *out = v_obj(str_from_cstr(m, f->co->qualname)); return true; }
        if (str_eq_cstr(name, "__module__")) { *out = v_obj(str_from_cstr(m, "__main__")); return true; }
        if (str_eq_cstr(name, "__doc__")) { *out = v_none(); return true; }
        return false;
    }
    case OK_NATIVE:
        if (str_eq_cstr(name, "__name__") || str_eq_cstr(name, "__qualname__")) {
            *out = v_obj(str_from_cstr(m, ((native_obj *)o.u.o)->name));
            return true;
        }
        return false;
    case OK_BOUND: {
        bound_obj *b = (bound_obj *)o.u.o;
        if (str_eq_cstr(name, "__self__")) { *out = b->self; return true; }
        if (str_eq_cstr(name, "__func__")) { *out = b->func; return true; }
        if (str_eq_cstr(name, "__name__")) return special_attr(th, b->func, name, out);
        return false;
    }
    case OK_CLASS: {
        class_obj *c = V_CLASS(o);
        if (str_eq_cstr(name, "__name__") || str_eq_cstr(name, "__qualname__")) { *out = v_obj(c->name); return true; }
        if (str_eq_cstr(name, "__base__")) { *out = c->base ? v_obj(c->base) : v_none(); return true; }
        if (str_eq_cstr(name, "__bases__")) {
            *out = c->base ? tuple_pack(m, 1, &(value){VT_OBJ, 0, {.o = (obj *)c->base}}) : tuple_pack(m, 0, NULL);
            return true;
        }
        if (str_eq_cstr(name, "__dict__")) { *out = v_obj(c->dict); return true; }
        if (str_eq_cstr(name, "__module__")) {
            const char *module = class_module(c);
            *out = v_obj(str_from_cstr(m, module ? module : (c->flags & CLS_BUILTIN) ? "builtins" : "__main__"));
            return true;
        }
        if (str_eq_cstr(name, "__mro__")) {
            list_obj *l = list_new(m, 4);
            for (class_obj *k = c; k; k = k->base) list_append(l, v_obj(k));
            *out = tuple_pack(m, l->len, l->items);
            return true;
        }
        return false;
    }
    case OK_INSTANCE:
        if (str_eq_cstr(name, "__dict__")) { *out = v_obj(V_INST(o)->dict); return true; }
        return false;
    case OK_MODULE:
        if (str_eq_cstr(name, "__name__")) { *out = v_obj(((module_obj *)o.u.o)->name); return true; }
        if (str_eq_cstr(name, "__dict__")) { *out = v_obj(((module_obj *)o.u.o)->dict); return true; }
        return false;
    default: return false;
    }
}

vm_status ops_call_dunder(vm_thread *th, value meth, value self, value *args, int nargs, value *out) {
    if (v_is_obj(meth, OK_NATIVE)) {
        vm_args na = {self, args, nargs, NULL, NULL, 0};
        return ((native_obj *)meth.u.o)->fn(th, &na, out);
    }
    value all[4];
    if (nargs > 3) return vm_raise(th, th->vm->cls.RuntimeError, "concviz: too many dunder arguments");
    all[0] = self;
    for (int i = 0; i < nargs; i++) all[i + 1] = args[i];
    return vm_call(th, meth, all, nargs + 1, out);
}

vm_status ops_getattr_opt(vm_thread *th, value o, str_obj *name, value *out, bool *found) {
    vm *m = th->vm;
    *found = true;
    if (special_attr(th, o, name, out)) return VM_OK;
    if (o.tag == VT_OBJ) {
        switch ((obj_kind)o.u.o->kind) {
        case OK_INSTANCE: {
            instance_obj *in = V_INST(o);
            if (in->ntype && in->ntype->getattr) {
                vm_status st = in->ntype->getattr(th, o, name, out, found);
                if (st != VM_OK || *found) return st;
                *found = true;
            }
            value cv;
            bool in_class = class_lookup(in->cls, name, &cv);
            if (in_class && v_is_obj(cv, OK_PROPERTY) && ((property_obj *)cv.u.o)->kind == PROP_PROPERTY)
                return class_attr(th, cv, o, in->cls, out);
            if (dict_get_str(in->dict, name, out)) return VM_OK;
            if (in_class) return class_attr(th, cv, o, in->cls, out);
            /* what every exception has before it is raised or chained */
            if ((in->cls->flags & CLS_EXCEPTION) && name->len > 4 && name->data[0] == '_') {
                if (str_eq_cstr(name, "__cause__") || str_eq_cstr(name, "__context__") ||
                    str_eq_cstr(name, "__traceback__")) {
                    *out = v_none();
                    return VM_OK;
                }
                if (str_eq_cstr(name, "__suppress_context__")) {
                    *out = v_bool(false);
                    return VM_OK;
                }
            }
            /* the class's __getattr__ is the last resort (its AttributeError
               propagates: getattr with a default and hasattr catch it) */
            value ga;
            if (class_lookup(in->cls, str_from_cstr(m, "__getattr__"), &ga)) {
                value args[2] = {o, v_obj(name)};
                return vm_call(th, ga, args, 2, out);
            }
            *found = false;
            return VM_OK;
        }
        case OK_CLASS: {
            value cv;
            if (class_lookup(V_CLASS(o), name, &cv)) return class_attr(th, cv, v_undef(), V_CLASS(o), out);
            *found = false;
            return VM_OK;
        }
        case OK_MODULE:
            if (dict_get_str(((module_obj *)o.u.o)->dict, name, out)) return VM_OK;
            *found = false;
            return VM_OK;
        case OK_SUPER: {
            super_obj *s = (super_obj *)o.u.o;
            value cv;
            if (s->start->base && class_lookup(s->start->base, name, &cv))
                return class_attr(th, cv, v_is_obj(s->self, OK_CLASS) ? v_undef() : s->self,
                                  v_is_obj(s->self, OK_CLASS) ? V_CLASS(s->self) : ops_type(m, s->self), out);
            *found = false;
            return VM_OK;
        }
        default: break;
        }
    }
    value cv;
    if (class_lookup(ops_type(m, o), name, &cv)) return class_attr(th, cv, o, ops_type(m, o), out);
    *found = false;
    return VM_OK;
}

static vm_status no_attr(vm_thread *th, value o, str_obj *name) {
    vm *m = th->vm;
    if (v_is_obj(o, OK_CLASS))
        return vm_raise(th, m->cls.AttributeError, "type object '%s' has no attribute '%s'", V_CLASS(o)->name->data,
                        name->data);
    if (v_is_obj(o, OK_MODULE))
        return vm_raise(th, m->cls.AttributeError, "module '%s' has no attribute '%s'",
                        ((module_obj *)o.u.o)->name->data, name->data);
    if (v_is_obj(o, OK_SUPER))
        return vm_raise(th, m->cls.AttributeError, "'super' object has no attribute '%s'", name->data);
    return vm_raise(th, m->cls.AttributeError, "'%s' object has no attribute '%s'", ops_type_name(m, o), name->data);
}

vm_status ops_getattr(vm_thread *th, value o, str_obj *name, value *out) {
    bool found;
    vm_status st = ops_getattr_opt(th, o, name, out, &found);
    if (st != VM_OK) return st;
    if (!found) return no_attr(th, o, name);
    return VM_OK;
}

vm_status ops_setattr(vm_thread *th, value o, str_obj *name, value v) {
    vm *m = th->vm;
    if (v_is_obj(o, OK_INSTANCE)) {
        instance_obj *in = V_INST(o);
        if (in->ntype && in->ntype->setattr) {
            bool handled = false;
            vm_status st = in->ntype->setattr(th, o, name, v, &handled);
            if (st != VM_OK || handled) return st;
        }
        value cv;
        if (class_lookup(in->cls, name, &cv) && v_is_obj(cv, OK_PROPERTY) &&
            ((property_obj *)cv.u.o)->kind == PROP_PROPERTY) {
            property_obj *p = (property_obj *)cv.u.o;
            if (p->fset.tag == VT_UNDEF)
                return vm_raise(th, m->cls.AttributeError, "property '%s' of '%s' object has no setter", name->data,
                                   in->cls->name->data);
            value r;
            return vm_call_self(th, p->fset, o, &v, 1, &r);
        }
        dict_set_str(in->dict, name, v);
        return VM_OK;
    }
    if (v_is_obj(o, OK_CLASS)) {
        if (V_CLASS(o)->flags & CLS_BUILTIN)
            return vm_raise(th, m->cls.TypeError, "cannot set '%s' attribute of immutable type '%s'", name->data,
                            V_CLASS(o)->name->data);
        dict_set_str(V_CLASS(o)->dict, name, v);
        return VM_OK;
    }
    if (v_is_obj(o, OK_MODULE)) {
        dict_set_str(((module_obj *)o.u.o)->dict, name, v);
        return VM_OK;
    }
    if (v_is_obj(o, OK_FUNC) && str_eq_cstr(name, "__name__") && v_is_obj(v, OK_STR)) {
        V_FUNC(o)->name = V_STR(v);
        return VM_OK;
    }
    return no_attr(th, o, name);
}

vm_status ops_delattr(vm_thread *th, value o, str_obj *name) {
    dict_obj *d = NULL;
    if (v_is_obj(o, OK_INSTANCE)) d = V_INST(o)->dict;
    else if (v_is_obj(o, OK_CLASS)) d = V_CLASS(o)->dict;
    else if (v_is_obj(o, OK_MODULE)) d = ((module_obj *)o.u.o)->dict;
    if (d && dict_remove(d, v_obj(name), str_hash(name), NULL)) return VM_OK;
    return no_attr(th, o, name);
}

/* ---------------------------------------------------------------- items */

bool ops_index(int64_t i, size_t len, size_t *out) {
    if (i < 0) i += (int64_t)len;
    if (i < 0 || (uint64_t)i >= len) return false;
    *out = (size_t)i;
    return true;
}

vm_status ops_as_index(vm_thread *th, value v, int64_t *out, const char *what) {
    *out = 0;
    if (v.tag == VT_INT || v.tag == VT_BOOL) {
        *out = v.u.i;
        return VM_OK;
    }
    return vm_raise(th, th->vm->cls.TypeError, "%s must be integers or slices, not %s", what,
                    ops_type_name(th->vm, v));
}

static vm_status slice_part(vm_thread *th, value v, int64_t *out, bool *present) {
    *present = v.tag != VT_NONE;
    if (!*present) return VM_OK;
    if (v.tag == VT_INT || v.tag == VT_BOOL) {
        *out = v.u.i;
        return VM_OK;
    }
    return vm_raise(th, th->vm->cls.TypeError,
                    "slice indices must be integers or None or have an __index__ method");
}

vm_status ops_slice_indices(vm_thread *th, slice_obj *s, size_t len, int64_t *start, int64_t *stop,
                            int64_t *step, size_t *count) {
    int64_t st = 1, a = 0, b = 0;
    bool has;
    vm_status r = slice_part(th, s->step, &st, &has);
    if (r != VM_OK) return r;
    if (!has) st = 1;
    if (st == 0) return vm_raise(th, th->vm->cls.ValueError, "slice step cannot be zero");
    int64_t n = (int64_t)len;
    if ((r = slice_part(th, s->start, &a, &has)) != VM_OK) return r;
    if (!has) a = st < 0 ? n - 1 : 0;
    else {
        if (a < 0) a += n;
        if (a < 0) a = st < 0 ? -1 : 0;
        else if (a >= n) a = st < 0 ? n - 1 : n;
    }
    if ((r = slice_part(th, s->stop, &b, &has)) != VM_OK) return r;
    if (!has) b = st < 0 ? -1 : n;
    else {
        if (b < 0) b += n;
        if (b < 0) b = st < 0 ? -1 : 0;
        else if (b >= n) b = st < 0 ? n - 1 : n;
    }
    int64_t c = 0;
    if (st < 0) {
        if (b < a) c = (a - b - 1) / (-st) + 1;
    } else if (a < b) {
        c = (b - a - 1) / st + 1;
    }
    *start = a;
    *stop = b;
    *step = st;
    *count = (size_t)c;
    return VM_OK;
}

static vm_status seq_slice(vm_thread *th, value o, slice_obj *s, value *out) {
    vm *m = th->vm;
    int64_t a, b, st;
    size_t cnt;
    if (v_is_obj(o, OK_STR)) {
        str_obj *str = V_STR(o);
        vm_status r = ops_slice_indices(th, s, str->nchars, &a, &b, &st, &cnt);
        if (r != VM_OK) return r;
        if (str->len == str->nchars) {
            strbuf sb;
            sb_init(&sb);
            sb_reserve(&sb, cnt);
            for (size_t i = 0; i < cnt; i++) sb_putc(&sb, str->data[a + (int64_t)i * st]);
            *out = str_take_sb(m, &sb);
            return VM_OK;
        }
        /* non-ASCII: index code points through an offset table */
        size_t *offs = xreallocarray(NULL, str->nchars + 1, sizeof(size_t));
        size_t pos = 0;
        for (size_t i = 0; i <= str->nchars; i++) {
            offs[i] = pos;
            if (pos < str->len) {
                pos++;
                while (pos < str->len && ((unsigned char)str->data[pos] & 0xC0) == 0x80) pos++;
            }
        }
        strbuf sb;
        sb_init(&sb);
        for (size_t i = 0; i < cnt; i++) {
            size_t k = (size_t)(a + (int64_t)i * st);
            sb_append(&sb, str->data + offs[k], offs[k + 1] - offs[k]);
        }
        free(offs);
        *out = str_take_sb(m, &sb);
        return VM_OK;
    }
    const value *items;
    size_t len;
    if (v_is_obj(o, OK_LIST)) {
        items = V_LIST(o)->items;
        len = V_LIST(o)->len;
    } else {
        items = V_TUPLE(o)->items;
        len = V_TUPLE(o)->len;
    }
    vm_status r = ops_slice_indices(th, s, len, &a, &b, &st, &cnt);
    if (r != VM_OK) return r;
    if (v_is_obj(o, OK_LIST)) {
        list_obj *l = list_new(m, cnt);
        for (size_t i = 0; i < cnt; i++) l->items[l->len++] = items[a + (int64_t)i * st];
        *out = v_obj(l);
    } else {
        tuple_obj *t = tuple_new(m, cnt);
        for (size_t i = 0; i < cnt; i++) t->items[i] = items[a + (int64_t)i * st];
        *out = v_obj(t);
    }
    return VM_OK;
}

vm_status ops_key_error(vm_thread *th, value key) {
    value exc = vm_exc_new(th, th->vm->cls.KeyError, NULL);
    dict_set_str(V_INST(exc)->dict, th->vm->names.args, tuple_pack(th->vm, 1, &key));
    return vm_raise_value(th, exc);
}

vm_status ops_getitem(vm_thread *th, value o, value key, value *out) {
    vm *m = th->vm;
    if (o.tag == VT_OBJ) {
        switch ((obj_kind)o.u.o->kind) {
        case OK_LIST: case OK_TUPLE: case OK_STR: {
            bool is_list = o.u.o->kind == OK_LIST, is_str = o.u.o->kind == OK_STR;
            if (v_is_obj(key, OK_SLICE)) return seq_slice(th, o, (slice_obj *)key.u.o, out);
            const char *what = is_list ? "list indices" : is_str ? "string indices" : "tuple indices";
            int64_t i;
            vm_status st = ops_as_index(th, key, &i, what);
            if (st != VM_OK) return st;
            size_t len = is_list ? V_LIST(o)->len : is_str ? V_STR(o)->nchars : V_TUPLE(o)->len;
            size_t k;
            if (!ops_index(i, len, &k))
                return vm_raise(th, m->cls.IndexError, "%s index out of range",
                                is_list ? "list" : is_str ? "string" : "tuple");
            if (is_str) *out = str_char_at(m, V_STR(o), k);
            else *out = is_list ? V_LIST(o)->items[k] : V_TUPLE(o)->items[k];
            return VM_OK;
        }
        case OK_DICT: {
            bool found;
            vm_status st = ops_dict_get(th, V_DICT(o), key, out, &found);
            if (st != VM_OK) return st;
            if (!found) return ops_key_error(th, key);
            return VM_OK;
        }
        case OK_RANGE: {
            range_obj *r = (range_obj *)o.u.o;
            int64_t i;
            vm_status st = ops_as_index(th, key, &i, "range indices");
            if (st != VM_OK) return st;
            int64_t len;
            ops_len(th, o, &len);
            size_t k;
            if (!ops_index(i, (size_t)len, &k)) return vm_raise(th, m->cls.IndexError, "range object index out of range");
            *out = v_int(r->start + (int64_t)k * r->step);
            return VM_OK;
        }
        case OK_INSTANCE: {
            value meth;
            str_obj *nm = str_from_cstr(m, "__getitem__");
            if (ops_find_dunder(o, nm, &meth)) return ops_call_dunder(th, meth, o, &key, 1, out);
            break;
        }
        case OK_CLASS:
            /* typing-style subscripts (list[int]) are not needed; report like CPython */
            break;
        default: break;
        }
    }
    return vm_raise(th, m->cls.TypeError, "'%s' object is not subscriptable", ops_type_name(m, o));
}

static vm_status list_set_slice(vm_thread *th, list_obj *l, slice_obj *s, value v) {
    vm *m = th->vm;
    list_obj *src;
    vm_status st = ops_to_list(th, v, &src);
    if (st != VM_OK) return st;
    int64_t a, b, step;
    size_t cnt;
    if ((st = ops_slice_indices(th, s, l->len, &a, &b, &step, &cnt)) != VM_OK) return st;
    if (step == 1) {
        if (b < a) b = a;
        size_t lo = (size_t)a, hi = (size_t)b, n = src->len;
        list_obj *r = list_new(m, l->len - (hi - lo) + n);
        for (size_t i = 0; i < lo; i++) r->items[r->len++] = l->items[i];
        for (size_t i = 0; i < n; i++) r->items[r->len++] = src->items[i];
        for (size_t i = hi; i < l->len; i++) r->items[r->len++] = l->items[i];
        value *tmp = l->items;
        l->items = r->items;
        l->len = r->len;
        l->cap = r->cap;
        r->items = tmp;
        r->len = 0;
        return VM_OK;
    }
    if (src->len != cnt)
        return vm_raise(th, m->cls.ValueError, "attempt to assign sequence of size %zu to extended slice of size %zu",
                        src->len, cnt);
    for (size_t i = 0; i < cnt; i++) l->items[a + (int64_t)i * step] = src->items[i];
    return VM_OK;
}

vm_status ops_setitem(vm_thread *th, value o, value key, value v) {
    vm *m = th->vm;
    if (v_is_obj(o, OK_LIST)) {
        list_obj *l = V_LIST(o);
        if (v_is_obj(key, OK_SLICE)) return list_set_slice(th, l, (slice_obj *)key.u.o, v);
        int64_t i;
        vm_status st = ops_as_index(th, key, &i, "list indices");
        if (st != VM_OK) return st;
        size_t k;
        if (!ops_index(i, l->len, &k)) return vm_raise(th, m->cls.IndexError, "list assignment index out of range");
        l->items[k] = v;
        return VM_OK;
    }
    if (v_is_obj(o, OK_DICT)) return ops_dict_set(th, V_DICT(o), key, v);
    if (v_is_obj(o, OK_INSTANCE)) {
        value meth;
        if (ops_find_dunder(o, str_from_cstr(m, "__setitem__"), &meth)) {
            value args[2] = {key, v}, r;
            return ops_call_dunder(th, meth, o, args, 2, &r);
        }
    }
    return vm_raise(th, m->cls.TypeError, "'%s' object does not support item assignment", ops_type_name(m, o));
}

vm_status ops_delitem(vm_thread *th, value o, value key) {
    vm *m = th->vm;
    if (v_is_obj(o, OK_LIST)) {
        list_obj *l = V_LIST(o);
        if (v_is_obj(key, OK_SLICE)) {
            int64_t a, b, step;
            size_t cnt;
            vm_status st = ops_slice_indices(th, (slice_obj *)key.u.o, l->len, &a, &b, &step, &cnt);
            if (st != VM_OK) return st;
            bool *drop = xcalloc(l->len + 1, sizeof(bool));
            for (size_t i = 0; i < cnt; i++) drop[a + (int64_t)i * step] = true;
            size_t w = 0;
            for (size_t i = 0; i < l->len; i++)
                if (!drop[i]) l->items[w++] = l->items[i];
            l->len = w;
            free(drop);
            return VM_OK;
        }
        int64_t i;
        vm_status st = ops_as_index(th, key, &i, "list indices");
        if (st != VM_OK) return st;
        size_t k;
        if (!ops_index(i, l->len, &k)) return vm_raise(th, m->cls.IndexError, "list assignment index out of range");
        list_pop_at(l, k);
        return VM_OK;
    }
    if (v_is_obj(o, OK_DICT)) {
        bool found;
        vm_status st = ops_dict_del(th, V_DICT(o), key, &found);
        if (st != VM_OK) return st;
        if (!found) return ops_key_error(th, key);
        return VM_OK;
    }
    if (v_is_obj(o, OK_INSTANCE)) {
        value meth;
        if (ops_find_dunder(o, str_from_cstr(m, "__delitem__"), &meth)) {
            value r;
            return ops_call_dunder(th, meth, o, &key, 1, &r);
        }
    }
    return vm_raise(th, m->cls.TypeError, "'%s' object does not support item deletion", ops_type_name(m, o));
}

/* ------------------------------------------------------- len, hash, truth */

vm_status ops_len(vm_thread *th, value v, int64_t *out) {
    vm *m = th->vm;
    if (v.tag == VT_OBJ) {
        switch ((obj_kind)v.u.o->kind) {
        case OK_STR: *out = (int64_t)V_STR(v)->nchars; return VM_OK;
        case OK_LIST: *out = (int64_t)V_LIST(v)->len; return VM_OK;
        case OK_TUPLE: *out = (int64_t)V_TUPLE(v)->len; return VM_OK;
        case OK_DICT: *out = (int64_t)V_DICT(v)->count; return VM_OK;
        case OK_SET: *out = (int64_t)V_SET(v)->used; return VM_OK;
        case OK_DICTVIEW: *out = (int64_t)((dictview_obj *)v.u.o)->d->count; return VM_OK;
        case OK_RANGE: {
            range_obj *r = (range_obj *)v.u.o;
            int64_t n = 0;
            if (r->step > 0 && r->start < r->stop) n = (r->stop - r->start - 1) / r->step + 1;
            else if (r->step < 0 && r->start > r->stop) n = (r->start - r->stop - 1) / (-r->step) + 1;
            *out = n;
            return VM_OK;
        }
        case OK_INSTANCE: {
            value meth, r;
            if (ops_find_dunder(v, m->names.len, &meth)) {
                /* a native __len__ (a manager proxy's) may block: called
                   directly, not nested, so the instruction can be retried */
                vm_status st = ops_call_dunder(th, meth, v, NULL, 0, &r);
                if (st != VM_OK) return st;
                if (r.tag != VT_INT)
                    return vm_raise(th, m->cls.TypeError, "'%s' object cannot be interpreted as an integer",
                                    ops_type_name(m, r));
                if (r.u.i < 0) return vm_raise(th, m->cls.ValueError, "__len__() should return >= 0");
                *out = r.u.i;
                return VM_OK;
            }
            break;
        }
        default: break;
        }
    }
    return vm_raise(th, m->cls.TypeError, "object of type '%s' has no len()", ops_type_name(m, v));
}

static const char *unhashable_name(vm *m, value v) {
    if (v_is_obj(v, OK_TUPLE)) {
        for (size_t i = 0; i < V_TUPLE(v)->len; i++) {
            int64_t h;
            if (!dict_key_hash(V_TUPLE(v)->items[i], &h)) return unhashable_name(m, V_TUPLE(v)->items[i]);
        }
    }
    return ops_type_name(m, v);
}

vm_status ops_hash(vm_thread *th, value v, int64_t *out) {
    vm *m = th->vm;
    if (v_is_obj(v, OK_INSTANCE)) {
        value meth;
        if (ops_find_dunder(v, m->names.hash, &meth)) {
            if (meth.tag == VT_NONE) return vm_raise(th, m->cls.TypeError, "unhashable type: '%s'", ops_type_name(m, v));
            value r;
            vm_status st = vm_call(th, meth, &v, 1, &r);
            if (st != VM_OK) return st;
            if (r.tag != VT_INT) return vm_raise(th, m->cls.TypeError, "__hash__ method should return an integer");
            *out = r.u.i == -1 ? -2 : r.u.i;
            return VM_OK;
        }
    }
    if (dict_key_hash(v, out)) return VM_OK;
    return vm_raise(th, m->cls.TypeError, "unhashable type: '%s'", unhashable_name(m, v));
}

bool ops_truthy_fast(value v, bool *out) {
    switch (v.tag) {
    case VT_NONE: case VT_UNDEF: *out = false; return true;
    case VT_BOOL: case VT_INT: *out = v.u.i != 0; return true;
    case VT_FLOAT: *out = v.u.f != 0.0; return true;
    default: break;
    }
    switch ((obj_kind)v.u.o->kind) {
    case OK_STR: *out = V_STR(v)->len != 0; return true;
    case OK_LIST: *out = V_LIST(v)->len != 0; return true;
    case OK_TUPLE: *out = V_TUPLE(v)->len != 0; return true;
    case OK_DICT: *out = V_DICT(v)->count != 0; return true;
    case OK_SET: *out = V_SET(v)->used != 0; return true;
    case OK_INSTANCE: return false;
    case OK_RANGE: case OK_DICTVIEW: return false;
    default: *out = true; return true;
    }
}

vm_status ops_truthy(vm_thread *th, value v, bool *out) {
    if (ops_truthy_fast(v, out)) return VM_OK;
    vm *m = th->vm;
    if (v_is_obj(v, OK_INSTANCE)) {
        value meth, r;
        if (ops_find_dunder(v, m->names.bool_, &meth)) {
            vm_status st = vm_call(th, meth, &v, 1, &r);
            if (st != VM_OK) return st;
            if (r.tag != VT_BOOL)
                return vm_raise(th, m->cls.TypeError, "__bool__ should return bool, returned %s", ops_type_name(m, r));
            *out = r.u.i != 0;
            return VM_OK;
        }
        if (!ops_find_dunder(v, m->names.len, &meth)) {
            *out = true;
            return VM_OK;
        }
    }
    int64_t n = 0;
    vm_status st = ops_len(th, v, &n);
    if (st != VM_OK) return st;
    *out = n != 0;
    return VM_OK;
}

/* ---------------------------------------------------------------- dicts */

vm_status ops_dict_get(vm_thread *th, dict_obj *d, value key, value *out, bool *found) {
    int64_t h;
    vm_status st = ops_hash(th, key, &h);
    if (st != VM_OK) return st;
    *found = dict_lookup(d, key, h, out);
    return VM_OK;
}

vm_status ops_dict_set(vm_thread *th, dict_obj *d, value key, value v) {
    int64_t h;
    vm_status st = ops_hash(th, key, &h);
    if (st != VM_OK) return st;
    dict_store(d, key, h, v);
    return VM_OK;
}

vm_status ops_dict_del(vm_thread *th, dict_obj *d, value key, bool *found) {
    int64_t h;
    vm_status st = ops_hash(th, key, &h);
    if (st != VM_OK) return st;
    *found = dict_remove(d, key, h, NULL);
    return VM_OK;
}

/* ------------------------------------------------------------ iteration */

static iter_obj *iter_new(vm *m, iter_kind kind, value seq) {
    iter_obj *it = gc_alloc(m, OK_ITER, sizeof(iter_obj));
    it->kind = (uint8_t)kind;
    it->seq = seq;
    it->extra = v_undef();
    return it;
}

vm_status ops_iter(vm_thread *th, value v, value *out) {
    vm *m = th->vm;
    if (v.tag == VT_OBJ) {
        iter_obj *it;
        switch ((obj_kind)v.u.o->kind) {
        case OK_LIST: case OK_TUPLE: case OK_STR:
            *out = v_obj(iter_new(m, IT_SEQ, v));
            return VM_OK;
        case OK_RANGE: {
            range_obj *r = (range_obj *)v.u.o;
            it = iter_new(m, IT_RANGE, v);
            it->pos = r->start;
            it->end = r->stop;
            it->step = r->step;
            *out = v_obj(it);
            return VM_OK;
        }
        case OK_DICT:
            *out = v_obj(iter_new(m, IT_DICT, v));
            return VM_OK;
        case OK_DICTVIEW:
            it = iter_new(m, IT_DICT, v_obj(((dictview_obj *)v.u.o)->d));
            it->sub = (uint8_t)((dictview_obj *)v.u.o)->sub;
            *out = v_obj(it);
            return VM_OK;
        case OK_ITER: case OK_GEN: *out = v; return VM_OK;
        case OK_SET:
            it = iter_new(m, IT_SET, v);
            it->end = (int64_t)V_SET(v)->used;
            *out = v_obj(it);
            return VM_OK;
        case OK_INSTANCE: {
            value meth;
            if (ops_find_dunder(v, m->names.iter, &meth)) return ops_call_dunder(th, meth, v, NULL, 0, out);
            if (ops_find_dunder(v, str_from_cstr(m, "__getitem__"), &meth)) {
                /* the old sequence protocol is not supported; say so plainly */
                return vm_raise(th, m->cls.TypeError, "'%s' object is not iterable (concviz needs __iter__)",
                                ops_type_name(m, v));
            }
            break;
        }
        default: break;
        }
    }
    return vm_raise(th, m->cls.TypeError, "'%s' object is not iterable", ops_type_name(m, v));
}

/* Takes the next item of each of n iterators into row (zip, map). An
 * iterator that blocks (pool.imap) makes the instruction run again: the
 * items already taken in this round wait in it->extra (it->pos of them),
 * so none is lost and none is taken twice. */
static vm_status next_row(vm_thread *th, iter_obj *it, const value *its, size_t n, value *row, bool *done) {
    size_t from = 0;
    if (v_is_obj(it->extra, OK_TUPLE) && V_TUPLE(it->extra)->len == n) {
        from = (size_t)it->pos;
        for (size_t i = 0; i < from; i++) row[i] = V_TUPLE(it->extra)->items[i];
    }
    it->extra = v_undef();
    for (size_t i = from; i < n; i++) {
        vm_status st = ops_next(th, its[i], &row[i], done);
        if (st == VM_BLOCK) {
            tuple_obj *kept = tuple_new(th->vm, n);
            for (size_t k = 0; k < n; k++) kept->items[k] = k < i ? row[k] : v_none();
            it->extra = v_obj(kept);
            it->pos = (int64_t)i;
        }
        if (st != VM_OK || *done) return st;
    }
    return VM_OK;
}

vm_status ops_next(vm_thread *th, value itv, value *out, bool *done) {
    vm *m = th->vm;
    *done = false;
    if (v_is_obj(itv, OK_GEN)) return vm_gen_resume(th, V_GEN(itv), v_none(), out, done);
    if (!v_is_obj(itv, OK_ITER)) {
        if (v_is_obj(itv, OK_INSTANCE)) {
            value meth;
            if (!ops_find_dunder(itv, m->names.next, &meth))
                return vm_raise(th, m->cls.TypeError, "'%s' object is not an iterator", ops_type_name(m, itv));
            vm_status st = ops_call_dunder(th, meth, itv, NULL, 0, out);
            if (st == VM_ERR && vm_exc_matches(m, th->exc, m->cls.StopIteration)) {
                th->exc = v_undef();
                *done = true;
                return VM_OK;
            }
            return st;
        }
        return vm_raise(th, m->cls.TypeError, "'%s' object is not an iterator", ops_type_name(m, itv));
    }
    iter_obj *it = (iter_obj *)itv.u.o;
    switch ((iter_kind)it->kind) {
    case IT_SEQ: {
        value s = it->seq;
        if (v_is_obj(s, OK_LIST)) {
            if ((size_t)it->pos >= V_LIST(s)->len) break;
            *out = V_LIST(s)->items[it->pos++];
            return VM_OK;
        }
        if (v_is_obj(s, OK_TUPLE)) {
            if ((size_t)it->pos >= V_TUPLE(s)->len) break;
            *out = V_TUPLE(s)->items[it->pos++];
            return VM_OK;
        }
        str_obj *str = V_STR(s); /* pos is a byte offset */
        if ((size_t)it->pos >= str->len) break;
        size_t n = 1;
        utf8_decode(str->data + it->pos, str->len - (size_t)it->pos, &n);
        *out = str_value(m, str->data + it->pos, n);
        it->pos += (int64_t)n;
        return VM_OK;
    }
    case IT_RANGE:
        if (it->step > 0 ? it->pos >= it->end : it->pos <= it->end) break;
        *out = v_int(it->pos);
        it->pos += it->step;
        return VM_OK;
    case IT_DICT: {
        dict_obj *d = V_DICT(it->seq);
        if (it->end == 0) it->end = (int64_t)d->count + 1; /* remember the size at start */
        else if ((int64_t)d->count + 1 != it->end) {
            it->end = -1;
            return vm_raise(th, m->cls.RuntimeError, "dictionary changed size during iteration");
        }
        size_t pos = (size_t)it->pos;
        value k, v;
        if (!dict_next(d, &pos, &k, &v)) break;
        it->pos = (int64_t)pos;
        if (it->sub == 0) *out = k;
        else if (it->sub == 1) *out = v;
        else {
            value pair[2] = {k, v};
            *out = tuple_pack(m, 2, pair);
        }
        return VM_OK;
    }
    case IT_ENUMERATE: {
        value item;
        vm_status st = ops_next(th, it->seq, &item, done);
        if (st != VM_OK || *done) return st;
        value pair[2] = {v_int(it->pos++), item};
        *out = tuple_pack(m, 2, pair);
        return VM_OK;
    }
    case IT_ZIP: {
        tuple_obj *its = V_TUPLE(it->seq);
        if (its->len == 0) break;
        tuple_obj *t = tuple_new(m, its->len);
        for (size_t i = 0; i < its->len; i++) t->items[i] = v_none();
        vm_status st = next_row(th, it, its->items, its->len, t->items, done);
        if (st != VM_OK || *done) return st;
        *out = v_obj(t);
        return VM_OK;
    }
    case IT_SET: {
        set_obj *s = V_SET(it->seq);
        if (it->pos < 0) break;
        if ((int64_t)s->used != it->end) {
            it->pos = -1;
            return vm_raise(th, m->cls.RuntimeError, "Set changed size during iteration");
        }
        size_t pos = (size_t)it->pos;
        bool more = set_next(s, &pos, out, NULL);
        it->pos = more ? (int64_t)pos : -1;
        if (!more) break;
        return VM_OK;
    }
    case IT_REVERSED: {
        if (it->pos < 0) break;
        value s = it->seq;
        size_t len = v_is_obj(s, OK_LIST) ? V_LIST(s)->len : v_is_obj(s, OK_TUPLE) ? V_TUPLE(s)->len : V_STR(s)->nchars;
        if ((size_t)it->pos >= len) {
            it->pos = -1;
            break;
        }
        if (v_is_obj(s, OK_LIST)) *out = V_LIST(s)->items[it->pos];
        else if (v_is_obj(s, OK_TUPLE)) *out = V_TUPLE(s)->items[it->pos];
        else *out = str_char_at(m, V_STR(s), (size_t)it->pos);
        it->pos--;
        return VM_OK;
    }
    case IT_MAP: {
        tuple_obj *parts = V_TUPLE(it->seq);
        size_t n = parts->len - 1;
        value args[16];
        if (n > 16) n = 16;
        vm_status st = next_row(th, it, parts->items + 1, n, args, done);
        if (st != VM_OK || *done) return st;
        return vm_call(th, parts->items[0], args, (int)n, out);
    }
    case IT_FILTER: {
        tuple_obj *parts = V_TUPLE(it->seq);
        for (;;) {
            value item;
            vm_status st = ops_next(th, parts->items[1], &item, done);
            if (st != VM_OK || *done) return st;
            bool keep;
            if (parts->items[0].tag == VT_NONE) {
                st = ops_truthy(th, item, &keep);
            } else {
                value r;
                st = vm_call(th, parts->items[0], &item, 1, &r);
                if (st == VM_OK) st = ops_truthy(th, r, &keep);
            }
            if (st != VM_OK) return st;
            if (keep) {
                *out = item;
                return VM_OK;
            }
        }
    }
    case IT_CALLABLE: break;
    }
    *done = true;
    return VM_OK;
}

vm_status ops_to_list(vm_thread *th, value iterable, list_obj **out) {
    vm *m = th->vm;
    if (v_is_obj(iterable, OK_LIST) || v_is_obj(iterable, OK_TUPLE)) {
        const value *items = v_is_obj(iterable, OK_LIST) ? V_LIST(iterable)->items : V_TUPLE(iterable)->items;
        size_t n = v_is_obj(iterable, OK_LIST) ? V_LIST(iterable)->len : V_TUPLE(iterable)->len;
        list_obj *l = list_new(m, n);
        if (n) memcpy(l->items, items, n * sizeof(value));
        l->len = n;
        *out = l;
        return VM_OK;
    }
    value it;
    vm_status st = ops_iter(th, iterable, &it);
    if (st != VM_OK) return st;
    list_obj *l;
    if (th->resume_items && it.tag == VT_OBJ && th->resume_iter.tag == VT_OBJ && th->resume_iter.u.o == it.u.o) {
        /* the retry of an instruction that blocked below: go on where it
           stopped, since the items taken then are gone from the iterator */
        l = th->resume_items;
    } else {
        l = list_new(m, 4);
    }
    th->resume_items = NULL;
    th->resume_iter = v_undef();
    for (;;) {
        value item;
        bool done;
        st = ops_next(th, it, &item, &done);
        if (st == VM_BLOCK && th->wait.rewind && !th->nested) {
            th->resume_iter = it;
            th->resume_items = l;
        }
        if (st != VM_OK) return st;
        if (done) break;
        list_append(l, item);
    }
    *out = l;
    return VM_OK;
}

vm_status ops_contains(vm_thread *th, value c, value item, bool *out) {
    vm *m = th->vm;
    if (v_is_obj(c, OK_STR)) {
        if (!v_is_obj(item, OK_STR))
            return vm_raise(th, m->cls.TypeError, "'in <string>' requires string as left operand, not %s",
                            ops_type_name(m, item));
        str_obj *h = V_STR(c), *n = V_STR(item);
        *out = mem_find(h->data, h->len, n->data, n->len) != SIZE_MAX;
        return VM_OK;
    }
    if (v_is_obj(c, OK_DICT)) {
        value dummy;
        return ops_dict_get(th, V_DICT(c), item, &dummy, out);
    }
    if (v_is_obj(c, OK_SET)) return set_contains(th, V_SET(c), item, out);
    if (v_is_obj(c, OK_DICTVIEW) && ((dictview_obj *)c.u.o)->sub == 0) {
        value dummy;
        return ops_dict_get(th, ((dictview_obj *)c.u.o)->d, item, &dummy, out);
    }
    if (v_is_obj(c, OK_RANGE) && (item.tag == VT_INT || item.tag == VT_BOOL)) {
        range_obj *r = (range_obj *)c.u.o;
        int64_t x = item.u.i;
        bool in = r->step > 0 ? (x >= r->start && x < r->stop) : (x <= r->start && x > r->stop);
        *out = in && (x - r->start) % r->step == 0;
        return VM_OK;
    }
    if (v_is_obj(c, OK_LIST) || v_is_obj(c, OK_TUPLE)) {
        bool is_list = v_is_obj(c, OK_LIST);
        for (size_t i = 0;; i++) {
            size_t n = is_list ? V_LIST(c)->len : V_TUPLE(c)->len;
            if (i >= n) break;
            value x = is_list ? V_LIST(c)->items[i] : V_TUPLE(c)->items[i];
            if (x.tag == item.tag && x.tag == VT_OBJ && x.u.o == item.u.o) {
                *out = true;
                return VM_OK;
            }
            bool e;
            vm_status st = ops_eq(th, x, item, &e);
            if (st != VM_OK) return st;
            if (e) {
                *out = true;
                return VM_OK;
            }
        }
        *out = false;
        return VM_OK;
    }
    bool iterable = v_is_obj(c, OK_ITER) || v_is_obj(c, OK_DICTVIEW) || v_is_obj(c, OK_GEN);
    if (v_is_obj(c, OK_INSTANCE)) {
        value meth;
        if (ops_find_dunder(c, m->names.contains, &meth)) {
            value r;
            vm_status st = ops_call_dunder(th, meth, c, &item, 1, &r);
            if (st != VM_OK) return st;
            return ops_truthy(th, r, out);
        }
        iterable = ops_find_dunder(c, m->names.iter, &meth);
    }
    /* by iteration. An iterator that blocks (pool.imap) makes the
       instruction run again: the items taken before were not equal to
       item, so it goes on where it stopped, as CPython would */
    {
        value it;
        if (iterable) {
            vm_status st = ops_iter(th, c, &it);
            if (st != VM_OK) return st;
            for (;;) {
                value x;
                bool done, e;
                st = ops_next(th, it, &x, &done);
                if (st != VM_OK) return st;
                if (done) break;
                st = ops_eq(th, x, item, &e);
                if (st != VM_OK) return st;
                if (e) {
                    *out = true;
                    return VM_OK;
                }
            }
            *out = false;
            return VM_OK;
        }
    }
    return vm_raise(th, m->cls.TypeError, "argument of type '%s' is not iterable", ops_type_name(m, c));
}
