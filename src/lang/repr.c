/* repr.c - repr() and str() of every value, exactly as CPython prints them.
 * Object addresses are derived from allocation order, so they are the same
 * on every run (determinism), while looking like CPython's. */
#include <stdio.h>
#include <string.h>

#include "fmt.h"
#include "obj.h"
#include "ops.h"

enum { REPR_MAX_DEPTH = 200 };

static vm_status repr_seq(vm_thread *th, const value *items, size_t n, strbuf *out, int depth);

/* Tracks containers being printed so that cycles print as [...] / {...}. */
static const obj *repr_stack[REPR_MAX_DEPTH];
static int repr_depth;

/* ops_repr_plain is running: no user code, and containers stop early once
 * the text passes repr_plain_limit bytes (the caller cuts it). */
static bool repr_plain;
static size_t repr_plain_limit;

static bool repr_enter(const obj *o) {
    for (int i = 0; i < repr_depth; i++)
        if (repr_stack[i] == o) return false;
    return true;
}

static vm_status repr_inner(vm_thread *th, value v, strbuf *out, int depth);

static vm_status repr_container(vm_thread *th, value v, strbuf *out, int depth) {
    obj *o = v.u.o;
    if (!repr_enter(o)) {
        sb_puts(out, o->kind == OK_LIST ? "[...]" : o->kind == OK_DICT ? "{...}" : "(...)");
        return VM_OK;
    }
    if (repr_depth >= REPR_MAX_DEPTH) return vm_raise(th, th->vm->cls.RecursionError,
                                                      "maximum recursion depth exceeded while getting the repr of an object");
    repr_stack[repr_depth++] = o;
    vm_status st = VM_OK;
    switch (o->kind) {
    case OK_LIST:
        sb_putc(out, '[');
        st = repr_seq(th, V_LIST(v)->items, V_LIST(v)->len, out, depth);
        sb_putc(out, ']');
        break;
    case OK_TUPLE:
        sb_putc(out, '(');
        st = repr_seq(th, V_TUPLE(v)->items, V_TUPLE(v)->len, out, depth);
        if (V_TUPLE(v)->len == 1) sb_putc(out, ',');
        sb_putc(out, ')');
        break;
    case OK_DICT: {
        dict_obj *d = V_DICT(v);
        sb_putc(out, '{');
        size_t pos = 0;
        value k, val;
        bool first = true;
        while (st == VM_OK && dict_next(d, &pos, &k, &val)) {
            if (repr_plain && out->len > repr_plain_limit) break;
            if (!first) sb_puts(out, ", ");
            first = false;
            st = repr_inner(th, k, out, depth + 1);
            if (st != VM_OK) break;
            sb_puts(out, ": ");
            st = repr_inner(th, val, out, depth + 1);
        }
        sb_putc(out, '}');
        break;
    }
    default: break;
    }
    repr_depth--;
    return st;
}

/* {1, 2}, set(), frozenset({1, 2}), frozenset(): items in table order. */
static vm_status repr_set(vm_thread *th, value v, strbuf *out, int depth) {
    set_obj *s = V_SET(v);
    if (s->used == 0) {
        sb_puts(out, s->frozen ? "frozenset()" : "set()");
        return VM_OK;
    }
    if (s->frozen) sb_puts(out, "frozenset(");
    sb_putc(out, '{');
    size_t pos = 0;
    value k;
    vm_status st = VM_OK;
    for (bool first = true; st == VM_OK && set_next(s, &pos, &k, NULL); first = false) {
        if (repr_plain && out->len > repr_plain_limit) break;
        if (!first) sb_puts(out, ", ");
        st = repr_inner(th, k, out, depth + 1);
    }
    sb_putc(out, '}');
    if (s->frozen) sb_putc(out, ')');
    return st;
}

static vm_status repr_seq(vm_thread *th, const value *items, size_t n, strbuf *out, int depth) {
    for (size_t i = 0; i < n; i++) {
        if (repr_plain && out->len > repr_plain_limit) break;
        if (i) sb_puts(out, ", ");
        vm_status st = repr_inner(th, items[i], out, depth + 1);
        if (st != VM_OK) return st;
    }
    return VM_OK;
}

/* Calls a user __repr__/__str__ and appends its (str) result. */
static vm_status call_text_dunder(vm_thread *th, value method, value self, const char *which, strbuf *out) {
    value r;
    vm_status st = vm_call(th, method, &self, 1, &r);
    if (st != VM_OK) return st;
    if (!v_is_obj(r, OK_STR))
        return vm_raise(th, th->vm->cls.TypeError, "%s returned non-string (type %s)", which,
                        ops_type_name(th->vm, r));
    sb_append(out, V_STR(r)->data, V_STR(r)->len);
    return VM_OK;
}

static void class_full_name(const class_obj *c, strbuf *out) {
    /* built-in types have no module (int); the machine's classes name theirs
       (queue.Queue, threading.Thread) */
    const char *module = class_module(c);
    if (module && strcmp(module, "builtins") != 0) {
        sb_puts(out, module);
        sb_putc(out, '.');
    }
    sb_append(out, c->name->data, c->name->len);
}

static value exc_args(vm *m, value exc) {
    value a;
    if (v_is_obj(exc, OK_INSTANCE) && dict_get_str(V_INST(exc)->dict, m->names.args, &a)) return a;
    return v_undef();
}

static vm_status repr_exception(vm_thread *th, value v, strbuf *out, int depth) {
    instance_obj *in = V_INST(v);
    sb_append(out, in->cls->name->data, in->cls->name->len);
    value args = exc_args(th->vm, v);
    if (v_is_obj(args, OK_TUPLE) && V_TUPLE(args)->len == 1) {
        sb_putc(out, '(');
        vm_status st = repr_inner(th, V_TUPLE(args)->items[0], out, depth + 1);
        sb_putc(out, ')');
        return st;
    }
    if (v_is_obj(args, OK_TUPLE)) return repr_inner(th, args, out, depth + 1);
    sb_puts(out, "()");
    return VM_OK;
}

static vm_status repr_inner(vm_thread *th, value v, strbuf *out, int depth) {
    vm *m = th->vm;
    switch (v.tag) {
    case VT_UNDEF: sb_puts(out, "<undefined>"); return VM_OK;
    case VT_NONE: sb_puts(out, "None"); return VM_OK;
    case VT_BOOL: sb_puts(out, v.u.i ? "True" : "False"); return VM_OK;
    case VT_INT: sb_printf(out, "%lld", (long long)v.u.i); return VM_OK;
    case VT_FLOAT: fmt_float_repr(out, v.u.f); return VM_OK;
    default: break;
    }
    obj *o = v.u.o;
    switch ((obj_kind)o->kind) {
    case OK_STR: fmt_str_repr(out, V_STR(v)->data, V_STR(v)->len); return VM_OK;
    case OK_LIST: case OK_TUPLE: case OK_DICT: return repr_container(th, v, out, depth);
    case OK_SET: return repr_set(th, v, out, depth);
    case OK_GEN:
        sb_printf(out, "<generator object %s at 0x%llx>", ((gen_obj *)o)->frame.co->qualname,
                  (unsigned long long)obj_address(o));
        return VM_OK;
    case OK_FUNC:
        sb_printf(out, "<function %s at 0x%llx>", V_FUNC(v)->co->qualname, (unsigned long long)obj_address(o));
        return VM_OK;
    case OK_NATIVE: {
        native_obj *n = (native_obj *)o;
        if (n->data.tag == VT_OBJ && n->is_method)
            sb_printf(out, "<built-in method %s of %s object at 0x%llx>", n->name, ops_type_name(m, n->data),
                      (unsigned long long)obj_address(n->data.u.o));
        else
            sb_printf(out, "<built-in function %s>", n->name);
        return VM_OK;
    }
    case OK_BOUND: {
        bound_obj *b = (bound_obj *)o;
        if (v_is_obj(b->func, OK_NATIVE)) {
            sb_printf(out, "<built-in method %s of %s object at 0x%llx>", ((native_obj *)b->func.u.o)->name,
                      ops_type_name(m, b->self), (unsigned long long)(b->self.tag == VT_OBJ ? obj_address(b->self.u.o) : 0));
            return VM_OK;
        }
        sb_printf(out, "<bound method %s of ", v_is_obj(b->func, OK_FUNC) ? V_FUNC(b->func)->co->qualname : "?");
        vm_status st = repr_inner(th, b->self, out, depth + 1);
        sb_putc(out, '>');
        return st;
    }
    case OK_CLASS:
        sb_puts(out, "<class '");
        class_full_name((class_obj *)o, out);
        sb_puts(out, "'>");
        return VM_OK;
    case OK_INSTANCE: {
        instance_obj *in = (instance_obj *)o;
        value meth;
        if (!repr_plain && ops_find_dunder(v, m->names.repr, &meth))
            return call_text_dunder(th, meth, v, "__repr__", out);
        if (in->ntype && in->ntype->repr) return in->ntype->repr(th, v, out);
        if (in->cls->flags & CLS_EXCEPTION) return repr_exception(th, v, out, depth);
        sb_putc(out, '<');
        class_full_name(in->cls, out);
        sb_printf(out, " object at 0x%llx>", (unsigned long long)obj_address(o));
        return VM_OK;
    }
    case OK_CELL: sb_printf(out, "<cell at 0x%llx>", (unsigned long long)obj_address(o)); return VM_OK;
    case OK_RANGE: {
        range_obj *r = (range_obj *)o;
        if (r->step == 1) sb_printf(out, "range(%lld, %lld)", (long long)r->start, (long long)r->stop);
        else sb_printf(out, "range(%lld, %lld, %lld)", (long long)r->start, (long long)r->stop, (long long)r->step);
        return VM_OK;
    }
    case OK_ITER:
        sb_printf(out, "<%s object at 0x%llx>", ops_type_name(m, v), (unsigned long long)obj_address(o));
        return VM_OK;
    case OK_MODULE:
        sb_printf(out, "<module '%s' (built-in)>", ((module_obj *)o)->name->data);
        return VM_OK;
    case OK_SLICE: {
        slice_obj *s = (slice_obj *)o;
        sb_puts(out, "slice(");
        repr_inner(th, s->start, out, depth + 1);
        sb_puts(out, ", ");
        repr_inner(th, s->stop, out, depth + 1);
        sb_puts(out, ", ");
        repr_inner(th, s->step, out, depth + 1);
        sb_putc(out, ')');
        return VM_OK;
    }
    case OK_SUPER:
        sb_printf(out, "<super: <class '%s'>, <%s object>>", ((super_obj *)o)->start->name->data,
                  ops_type_name(m, ((super_obj *)o)->self));
        return VM_OK;
    case OK_DICTVIEW: {
        dictview_obj *dv = (dictview_obj *)o;
        static const char *const names[] = {"dict_keys", "dict_values", "dict_items"};
        sb_printf(out, "%s([", names[dv->sub]);
        size_t pos = 0;
        value k, val;
        bool first = true;
        while (dict_next(dv->d, &pos, &k, &val)) {
            if (!first) sb_puts(out, ", ");
            first = false;
            vm_status st;
            if (dv->sub == 0) st = repr_inner(th, k, out, depth + 1);
            else if (dv->sub == 1) st = repr_inner(th, val, out, depth + 1);
            else {
                value pair[2] = {k, val};
                sb_putc(out, '(');
                st = repr_seq(th, pair, 2, out, depth);
                sb_putc(out, ')');
            }
            if (st != VM_OK) return st;
        }
        sb_puts(out, "])");
        return VM_OK;
    }
    case OK_PROPERTY: {
        property_obj *p = (property_obj *)o;
        if (p->kind == PROP_PROPERTY) {
            sb_printf(out, "<property object at 0x%llx>", (unsigned long long)obj_address(o));
            return VM_OK;
        }
        sb_printf(out, "<%s(", p->kind == PROP_STATIC ? "staticmethod" : "classmethod");
        vm_status st = repr_inner(th, p->fget, out, depth + 1);
        sb_puts(out, ")>");
        return st;
    }
    case OK_KIND_COUNT: break;
    }
    sb_puts(out, "<?>");
    return VM_OK;
}

vm_status ops_repr(vm_thread *th, value v, strbuf *out) { return repr_inner(th, v, out, 0); }

void ops_repr_plain(vm_thread *th, value v, strbuf *out, size_t limit) {
    value exc = th->exc;
    int depth = repr_depth;
    size_t start = out->len;
    repr_plain = true;
    repr_plain_limit = start + limit;
    if (repr_inner(th, v, out, 0) != VM_OK) {
        out->len = start;
        sb_puts(out, "<?>");
    }
    repr_plain = false;
    repr_depth = depth;
    th->exc = exc;
}

vm_status ops_str(vm_thread *th, value v, strbuf *out) {
    vm *m = th->vm;
    if (v_is_obj(v, OK_STR)) {
        sb_append(out, V_STR(v)->data, V_STR(v)->len);
        return VM_OK;
    }
    if (v_is_obj(v, OK_INSTANCE)) {
        instance_obj *in = V_INST(v);
        value meth;
        if (ops_find_dunder(v, m->names.str, &meth)) return call_text_dunder(th, meth, v, "__str__", out);
        if (ops_find_dunder(v, m->names.repr, &meth)) return call_text_dunder(th, meth, v, "__repr__", out);
        if (in->cls->flags & CLS_EXCEPTION) {
            value args = exc_args(m, v);
            if (!v_is_obj(args, OK_TUPLE) || V_TUPLE(args)->len == 0) return VM_OK;
            if (V_TUPLE(args)->len == 1) {
                value a0 = V_TUPLE(args)->items[0];
                if (class_is_subclass(in->cls, m->cls.KeyError)) return ops_repr(th, a0, out);
                return ops_str(th, a0, out);
            }
            return ops_repr(th, args, out);
        }
    }
    return ops_repr(th, v, out);
}

vm_status ops_repr_value(vm_thread *th, value v, value *out) {
    strbuf sb;
    sb_init(&sb);
    vm_status st = ops_repr(th, v, &sb);
    if (st == VM_OK) *out = str_take_sb(th->vm, &sb);
    else sb_free(&sb);
    return st;
}

vm_status ops_str_value(vm_thread *th, value v, value *out) {
    if (v_is_obj(v, OK_STR)) {
        *out = v;
        return VM_OK;
    }
    strbuf sb;
    sb_init(&sb);
    vm_status st = ops_str(th, v, &sb);
    if (st == VM_OK) *out = str_take_sb(th->vm, &sb);
    else sb_free(&sb);
    return st;
}
