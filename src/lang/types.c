/* types.c - the builtin classes (object, type, int, float, bool, str, list,
 * tuple, dict, range, ...) and their constructors. Methods of str, list and
 * dict are in str_methods.c and containers.c. */
#include <math.h>
#include <string.h>

#include "fmt.h"
#include "natives.h"
#include "num.h"

/* ---- constructors: a->self is the class being called ---- */

static vm_status new_object(vm_thread *th, const vm_args *a, value *out) {
    (void)a;
    *out = v_obj(instance_new(th->vm, V_CLASS(a->self)));
    return VM_OK;
}

static vm_status new_type(vm_thread *th, const vm_args *a, value *out) {
    if (a->npos == 1 && a->nkw == 0) {
        *out = v_obj(ops_type(th->vm, a->pos[0]));
        return VM_OK;
    }
    return vm_raise(th, th->vm->cls.TypeError, "type() with 3 arguments is not supported by concviz");
}

static vm_status new_int(vm_thread *th, const vm_args *a, value *out) {
    vm *m = th->vm;
    static const char *const kw[] = {"base", NULL};
    vm_status st = args_count_kw(th, a, "int", 0, 2, kw);
    if (st != VM_OK) return st;
    value x = args_get(a, 0, NULL), basev = args_get(a, 1, "base");
    num_error e;
    if (x.tag == VT_UNDEF) {
        *out = v_int(0);
        return VM_OK;
    }
    if (basev.tag != VT_UNDEF) {
        if (!v_is_obj(x, OK_STR))
            return vm_raise(th, m->cls.TypeError, "int() can't convert non-string with explicit base");
        int64_t base;
        if ((st = args_int(th, basev, "base", &base)) != VM_OK) return st;
        int64_t r;
        if (num_parse_int(V_STR(x)->data, V_STR(x)->len, (int)base, &r, &e) != 0) return ops_raise_num(th, &e);
        *out = v_int(r);
        return VM_OK;
    }
    switch (x.tag) {
    case VT_INT: case VT_BOOL: *out = v_int(x.u.i); return VM_OK;
    case VT_FLOAT: {
        int64_t r;
        if (num_float_to_int(x.u.f, &r, &e) != 0) return ops_raise_num(th, &e);
        *out = v_int(r);
        return VM_OK;
    }
    default: break;
    }
    if (v_is_obj(x, OK_STR)) {
        int64_t r;
        if (num_parse_int(V_STR(x)->data, V_STR(x)->len, 10, &r, &e) != 0) return ops_raise_num(th, &e);
        *out = v_int(r);
        return VM_OK;
    }
    if (v_is_obj(x, OK_INSTANCE)) {
        value meth;
        if (ops_find_dunder(x, str_from_cstr(m, "__int__"), &meth)) return vm_call(th, meth, &x, 1, out);
    }
    return vm_raise(th, m->cls.TypeError,
                    "int() argument must be a string, a bytes-like object or a real number, not '%s'",
                    ops_type_name(m, x));
}

static vm_status new_float(vm_thread *th, const vm_args *a, value *out) {
    vm *m = th->vm;
    vm_status st = args_count(th, a, "float", 0, 1);
    if (st != VM_OK) return st;
    if (a->npos == 0) {
        *out = v_float(0.0);
        return VM_OK;
    }
    value x = a->pos[0];
    if (x.tag == VT_FLOAT) { *out = x; return VM_OK; }
    if (x.tag == VT_INT || x.tag == VT_BOOL) { *out = v_float((double)x.u.i); return VM_OK; }
    if (v_is_obj(x, OK_STR)) {
        num_error e;
        double d;
        if (num_parse_float(V_STR(x)->data, V_STR(x)->len, &d, &e) != 0) return ops_raise_num(th, &e);
        *out = v_float(d);
        return VM_OK;
    }
    return vm_raise(th, m->cls.TypeError, "float() argument must be a string or a real number, not '%s'",
                    ops_type_name(m, x));
}

static vm_status new_bool(vm_thread *th, const vm_args *a, value *out) {
    vm_status st = args_count(th, a, "bool", 0, 1);
    if (st != VM_OK) return st;
    bool t = false;
    if (a->npos == 1 && (st = ops_truthy(th, a->pos[0], &t)) != VM_OK) return st;
    *out = v_bool(t);
    return VM_OK;
}

static vm_status new_str(vm_thread *th, const vm_args *a, value *out) {
    vm_status st = args_count(th, a, "str", 0, 1);
    if (st != VM_OK) return st;
    if (a->npos == 0) {
        *out = str_value(th->vm, "", 0);
        return VM_OK;
    }
    return ops_str_value(th, a->pos[0], out);
}

static vm_status new_list(vm_thread *th, const vm_args *a, value *out) {
    vm_status st = args_count(th, a, "list", 0, 1);
    if (st != VM_OK) return st;
    if (a->npos == 0) {
        *out = v_obj(list_new(th->vm, 0));
        return VM_OK;
    }
    list_obj *l;
    if ((st = ops_to_list(th, a->pos[0], &l)) != VM_OK) return st;
    *out = v_obj(l);
    return VM_OK;
}

static vm_status new_tuple(vm_thread *th, const vm_args *a, value *out) {
    vm_status st = args_count(th, a, "tuple", 0, 1);
    if (st != VM_OK) return st;
    if (a->npos == 0) {
        *out = tuple_pack(th->vm, 0, NULL);
        return VM_OK;
    }
    if (v_is_obj(a->pos[0], OK_TUPLE)) {
        *out = a->pos[0];
        return VM_OK;
    }
    list_obj *l;
    if ((st = ops_to_list(th, a->pos[0], &l)) != VM_OK) return st;
    *out = tuple_pack(th->vm, l->len, l->items);
    return VM_OK;
}

vm_status types_dict_fill(vm_thread *th, dict_obj *d, value src) {
    vm *m = th->vm;
    vm_status st;
    if (v_is_obj(src, OK_DICT)) {
        size_t pos = 0;
        value k, v;
        while (dict_next(V_DICT(src), &pos, &k, &v))
            if ((st = ops_dict_set(th, d, k, v)) != VM_OK) return st;
        return VM_OK;
    }
    value keys_fn;
    if (v_is_obj(src, OK_INSTANCE) && ops_find_dunder(src, str_from_cstr(m, "keys"), &keys_fn)) {
        /* a mapping (a manager's dict proxy, a class with keys()): its keys,
           then src[key] for each, as CPython's dict() does */
        value keys;
        list_obj *kl;
        if ((st = ops_call_dunder(th, keys_fn, src, NULL, 0, &keys)) != VM_OK) return st;
        if ((st = ops_to_list(th, keys, &kl)) != VM_OK) return st;
        for (size_t i = 0; i < kl->len; i++) {
            value v;
            if ((st = ops_getitem(th, src, kl->items[i], &v)) != VM_OK) return st;
            if ((st = ops_dict_set(th, d, kl->items[i], v)) != VM_OK) return st;
        }
        return VM_OK;
    }
    list_obj *items;
    if ((st = ops_to_list(th, src, &items)) != VM_OK) return st;
    for (size_t i = 0; i < items->len; i++) {
        list_obj *pair;
        value it = items->items[i];
        if ((st = ops_to_list(th, it, &pair)) != VM_OK) {
            th->exc = v_undef();
            return vm_raise(th, m->cls.TypeError, "cannot convert dictionary update sequence element #%zu to a sequence", i);
        }
        if (pair->len != 2)
            return vm_raise(th, m->cls.ValueError,
                            "dictionary update sequence element #%zu has length %zu; 2 is required", i, pair->len);
        if ((st = ops_dict_set(th, d, pair->items[0], pair->items[1])) != VM_OK) return st;
    }
    return VM_OK;
}

static vm_status new_dict(vm_thread *th, const vm_args *a, value *out) {
    vm *m = th->vm;
    if (a->npos > 1) return vm_raise(th, m->cls.TypeError, "dict expected at most 1 argument, got %d", a->npos);
    dict_obj *d = dict_new(m);
    vm_status st;
    if (a->npos == 1 && (st = types_dict_fill(th, d, a->pos[0])) != VM_OK) return st;
    for (int i = 0; i < a->nkw; i++) dict_set_str(d, a->kwnames[i], a->kwvals[i]);
    *out = v_obj(d);
    return VM_OK;
}

static vm_status new_range(vm_thread *th, const vm_args *a, value *out) {
    vm *m = th->vm;
    if (a->nkw) return vm_raise(th, m->cls.TypeError, "range() takes no keyword arguments");
    if (a->npos < 1 || a->npos > 3)
        return vm_raise(th, m->cls.TypeError, a->npos == 0 ? "range expected at least 1 argument, got %d"
                                                           : "range expected at most 3 arguments, got %d", a->npos);
    int64_t v[3] = {0, 0, 1};
    for (int i = 0; i < a->npos; i++) {
        value x = a->pos[i];
        if (x.tag != VT_INT && x.tag != VT_BOOL)
            return vm_raise(th, m->cls.TypeError, "'%s' object cannot be interpreted as an integer", ops_type_name(m, x));
        v[i] = x.u.i;
    }
    range_obj *r = gc_alloc(m, OK_RANGE, sizeof(range_obj));
    if (a->npos == 1) {
        r->start = 0;
        r->stop = v[0];
        r->step = 1;
    } else {
        r->start = v[0];
        r->stop = v[1];
        r->step = a->npos == 3 ? v[2] : 1;
    }
    if (r->step == 0) return vm_raise(th, m->cls.ValueError, "range() arg 3 must not be zero");
    *out = v_obj(r);
    return VM_OK;
}

static vm_status new_super(vm_thread *th, const vm_args *a, value *out) {
    vm *m = th->vm;
    if (a->npos != 2 || !v_is_obj(a->pos[0], OK_CLASS))
        return vm_raise(th, m->cls.RuntimeError, "super(): concviz supports super() and super(Class, obj)");
    super_obj *s = gc_alloc(m, OK_SUPER, sizeof(super_obj));
    s->start = V_CLASS(a->pos[0]);
    s->self = a->pos[1];
    *out = v_obj(s);
    return VM_OK;
}

static property_obj *property_new(vm *m, int kind, value fget, value fset) {
    property_obj *p = gc_alloc(m, OK_PROPERTY, sizeof(property_obj));
    p->kind = (uint8_t)kind;
    p->fget = fget;
    p->fset = fset;
    return p;
}

static vm_status new_property(vm_thread *th, const vm_args *a, value *out) {
    vm_status st = args_count(th, a, "property", 1, 2);
    if (st != VM_OK) return st;
    *out = v_obj(property_new(th->vm, PROP_PROPERTY, a->pos[0], a->npos > 1 ? a->pos[1] : v_undef()));
    return VM_OK;
}

static vm_status new_staticmethod(vm_thread *th, const vm_args *a, value *out) {
    vm_status st = args_count(th, a, "staticmethod", 1, 1);
    if (st != VM_OK) return st;
    *out = v_obj(property_new(th->vm, PROP_STATIC, a->pos[0], v_undef()));
    return VM_OK;
}

static vm_status new_classmethod(vm_thread *th, const vm_args *a, value *out) {
    vm_status st = args_count(th, a, "classmethod", 1, 1);
    if (st != VM_OK) return st;
    *out = v_obj(property_new(th->vm, PROP_CLASS, a->pos[0], v_undef()));
    return VM_OK;
}

/* @prop.setter / @prop.getter: a copy of the property with one function
 * replaced (the decorated function keeps the property's name). */
static vm_status property_with(vm_thread *th, const vm_args *a, value *out, bool setter) {
    vm_status st = args_count(th, a, setter ? "setter" : "getter", 1, 1);
    if (st != VM_OK) return st;
    property_obj *p = (property_obj *)a->self.u.o;
    *out = v_obj(property_new(th->vm, PROP_PROPERTY, setter ? p->fget : a->pos[0], setter ? a->pos[0] : p->fset));
    return VM_OK;
}

static vm_status property_setter(vm_thread *th, const vm_args *a, value *out) { return property_with(th, a, out, true); }
static vm_status property_getter(vm_thread *th, const vm_args *a, value *out) { return property_with(th, a, out, false); }

static const native_def property_methods[] = {{"setter", property_setter}, {"getter", property_getter}, {NULL, NULL}};

/* ---- a few methods of numbers ---- */

static vm_status int_bit_length(vm_thread *th, const vm_args *a, value *out) {
    vm_status st = args_count(th, a, "bit_length", 0, 0);
    if (st != VM_OK) return st;
    *out = v_int(num_int_bit_length(a->self.u.i));
    return VM_OK;
}

static vm_status float_is_integer(vm_thread *th, const vm_args *a, value *out) {
    vm_status st = args_count(th, a, "is_integer", 0, 0);
    if (st != VM_OK) return st;
    double d = a->self.u.f;
    *out = v_bool(isfinite(d) && floor(d) == d);
    return VM_OK;
}

static vm_status number_conjugate(vm_thread *th, const vm_args *a, value *out) {
    (void)th;
    *out = a->self;
    return VM_OK;
}

static const native_def int_methods[] = {{"bit_length", int_bit_length}, {"conjugate", number_conjugate}, {NULL, NULL}};
static const native_def float_methods[] = {{"is_integer", float_is_integer}, {"conjugate", number_conjugate}, {NULL, NULL}};

static class_obj *builtin_class(vm *m, const char *name, class_obj *base, vm_native_fn ctor, int tag) {
    class_obj *c = natives_class(m, name, base, NULL);
    c->builtin_tag = tag;
    if (ctor) dict_set_str(c->dict, m->names.new_, v_obj(native_new(m, "__new__", ctor, false)));
    dict_set_str(m->builtins, c->name, v_obj(c));
    return c;
}

void types_install(vm *m) {
    vm_classes *c = &m->cls;
    c->object = builtin_class(m, "object", NULL, new_object, -1);
    dict_remove(c->object->dict, v_obj(m->names.new_), str_hash(m->names.new_), NULL);
    c->type = builtin_class(m, "type", c->object, new_type, 100 + OK_CLASS);
    c->int_ = builtin_class(m, "int", c->object, new_int, VT_INT);
    native_register(m, c->int_->dict, int_methods, true);
    c->bool_ = builtin_class(m, "bool", c->int_, new_bool, VT_BOOL);
    c->float_ = builtin_class(m, "float", c->object, new_float, VT_FLOAT);
    native_register(m, c->float_->dict, float_methods, true);
    c->str = builtin_class(m, "str", c->object, new_str, 100 + OK_STR);
    c->list = builtin_class(m, "list", c->object, new_list, 100 + OK_LIST);
    c->tuple = builtin_class(m, "tuple", c->object, new_tuple, 100 + OK_TUPLE);
    c->dict = builtin_class(m, "dict", c->object, new_dict, 100 + OK_DICT);
    c->range = builtin_class(m, "range", c->object, new_range, 100 + OK_RANGE);
    c->super = builtin_class(m, "super", c->object, new_super, 100 + OK_SUPER);
    c->property = builtin_class(m, "property", c->object, new_property, 100 + OK_PROPERTY);
    native_register(m, c->property->dict, property_methods, true);
    c->staticmethod = builtin_class(m, "staticmethod", c->object, new_staticmethod, -1);
    c->classmethod = builtin_class(m, "classmethod", c->object, new_classmethod, -1);
    c->none = natives_class(m, "NoneType", c->object, NULL);
    c->function = natives_class(m, "function", c->object, NULL);
    c->builtin_function = natives_class(m, "builtin_function_or_method", c->object, NULL);
    c->method = natives_class(m, "method", c->object, NULL);
    c->iterator = natives_class(m, "iterator", c->object, NULL);
    c->module = natives_class(m, "module", c->object, NULL);
    c->slice = natives_class(m, "slice", c->object, NULL);
    c->cell = natives_class(m, "cell", c->object, NULL);
    c->dictview = natives_class(m, "dict_view", c->object, NULL);
}
