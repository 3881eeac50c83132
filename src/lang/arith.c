/* arith.c - arithmetic, comparison and equality (Python's number and
 * sequence protocols) for ops.h. Ints are int64 with overflow reported as
 * OverflowError (num.h); user classes may define the dunder methods. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "ast.h"
#include "num.h"
#include "obj.h"
#include "ops.h"

static const char *const binop_symbols[] = {"+", "-", "*", "/", "//", "%", "**", "<<", ">>", "|", "^", "&", "@"};
static const char *const binop_dunders[] = {"__add__", "__sub__", "__mul__", "__truediv__", "__floordiv__",
                                            "__mod__", "__pow__", "__lshift__", "__rshift__", "__or__",
                                            "__xor__", "__and__", "__matmul__"};
static const char *const cmp_symbols[] = {"==", "!=", "<", "<=", ">", ">="};
static const char *const cmp_dunders[] = {"__eq__", "__ne__", "__lt__", "__le__", "__gt__", "__ge__"};

/* Converts a num_error into a raised exception. */
static vm_status raise_num(vm_thread *th, const num_error *e) {
    vm_classes *c = &th->vm->cls;
    class_obj *cls = c->ValueError;
    if (strcmp(e->type, "ZeroDivisionError") == 0) cls = c->ZeroDivisionError;
    else if (strcmp(e->type, "OverflowError") == 0) cls = c->OverflowError;
    else if (strcmp(e->type, "TypeError") == 0) cls = c->TypeError;
    else if (strcmp(e->type, "IndexError") == 0) cls = c->IndexError;
    return vm_raise(th, cls, "%s", e->msg);
}

vm_status ops_raise_num(vm_thread *th, const num_error *e) { return raise_num(th, e); }

static bool is_intlike(value v) { return v.tag == VT_INT || v.tag == VT_BOOL; }
static bool is_number(value v) { return v.tag == VT_INT || v.tag == VT_BOOL || v.tag == VT_FLOAT; }
static double as_double(value v) { return v.tag == VT_FLOAT ? v.u.f : (double)v.u.i; }

static vm_status int_binop(vm_thread *th, int op, int64_t a, int64_t b, value *out) {
    num_error e;
    int64_t r = 0;
    int rc = 0;
    switch (op) {
    case AST_OP_ADD:
        if (!__builtin_add_overflow(a, b, &r)) { *out = v_int(r); return VM_OK; }
        rc = num_int_add(a, b, &r, &e);
        break;
    case AST_OP_SUB:
        if (!__builtin_sub_overflow(a, b, &r)) { *out = v_int(r); return VM_OK; }
        rc = num_int_sub(a, b, &r, &e);
        break;
    case AST_OP_MUL: rc = num_int_mul(a, b, &r, &e); break;
    case AST_OP_DIV: {
        double d;
        if (num_int_truediv(a, b, &d, &e) != 0) return raise_num(th, &e);
        *out = v_float(d);
        return VM_OK;
    }
    case AST_OP_FLOORDIV: rc = num_int_floordiv(a, b, &r, &e); break;
    case AST_OP_MOD: rc = num_int_mod(a, b, &r, &e); break;
    case AST_OP_POW: {
        double f;
        int is_float = 0;
        if (num_int_pow(a, b, &r, &f, &is_float, &e) != 0) return raise_num(th, &e);
        *out = is_float ? v_float(f) : v_int(r);
        return VM_OK;
    }
    case AST_OP_LSHIFT: rc = num_int_lshift(a, b, &r, &e); break;
    case AST_OP_RSHIFT: rc = num_int_rshift(a, b, &r, &e); break;
    case AST_OP_BITOR: r = a | b; break;
    case AST_OP_BITXOR: r = a ^ b; break;
    case AST_OP_BITAND: r = a & b; break;
    default: return VM_ERR;
    }
    if (rc != 0) return raise_num(th, &e);
    *out = v_int(r);
    return VM_OK;
}

static vm_status float_binop(vm_thread *th, int op, double a, double b, value *out) {
    num_error e;
    double r = 0;
    int rc = 0;
    switch (op) {
    case AST_OP_ADD: r = a + b; break;
    case AST_OP_SUB: r = a - b; break;
    case AST_OP_MUL: r = a * b; break;
    case AST_OP_DIV: rc = num_float_div(a, b, &r, &e); break;
    case AST_OP_FLOORDIV: rc = num_float_floordiv(a, b, &r, &e); break;
    case AST_OP_MOD: rc = num_float_mod(a, b, &r, &e); break;
    case AST_OP_POW: rc = num_float_pow(a, b, &r, &e); break;
    default: return VM_ERR;
    }
    if (rc != 0) return raise_num(th, &e);
    *out = v_float(r);
    return VM_OK;
}

static vm_status binop_type_error(vm_thread *th, int op, value a, value b) {
    vm *m = th->vm;
    if (op == AST_OP_ADD && v_is_obj(a, OK_STR))
        return vm_raise(th, m->cls.TypeError, "can only concatenate str (not \"%s\") to str", ops_type_name(m, b));
    if (op == AST_OP_ADD && (v_is_obj(a, OK_LIST) || v_is_obj(a, OK_TUPLE)))
        return vm_raise(th, m->cls.TypeError, "can only concatenate %s (not \"%s\") to %s", ops_type_name(m, a),
                        ops_type_name(m, b), ops_type_name(m, a));
    if (op == AST_OP_MUL && (v_is_obj(a, OK_STR) || v_is_obj(a, OK_LIST) || v_is_obj(a, OK_TUPLE) ||
                             v_is_obj(b, OK_STR) || v_is_obj(b, OK_LIST) || v_is_obj(b, OK_TUPLE))) {
        value other = (v_is_obj(a, OK_STR) || v_is_obj(a, OK_LIST) || v_is_obj(a, OK_TUPLE)) ? b : a;
        return vm_raise(th, m->cls.TypeError, "can't multiply sequence by non-int of type '%s'",
                        ops_type_name(m, other));
    }
    if (op == AST_OP_POW)
        return vm_raise(th, m->cls.TypeError, "unsupported operand type(s) for ** or pow(): '%s' and '%s'",
                        ops_type_name(m, a), ops_type_name(m, b));
    return vm_raise(th, m->cls.TypeError, "unsupported operand type(s) for %s: '%s' and '%s'", binop_symbols[op],
                    ops_type_name(m, a), ops_type_name(m, b));
}

static vm_status seq_repeat(vm_thread *th, value seq, int64_t n, value *out) {
    vm *m = th->vm;
    if (n < 0) n = 0;
    if (v_is_obj(seq, OK_STR)) {
        str_obj *s = V_STR(seq);
        if (s->len && (uint64_t)n > (1ULL << 31) / s->len)
            return vm_raise(th, m->cls.MemoryError, "string too large for concviz");
        strbuf sb;
        sb_init(&sb);
        for (int64_t i = 0; i < n; i++) sb_append(&sb, s->data, s->len);
        *out = str_take_sb(m, &sb);
        return VM_OK;
    }
    const value *items;
    size_t len;
    if (v_is_obj(seq, OK_LIST)) {
        items = V_LIST(seq)->items;
        len = V_LIST(seq)->len;
    } else {
        items = V_TUPLE(seq)->items;
        len = V_TUPLE(seq)->len;
    }
    if (len && (uint64_t)n > (1ULL << 28) / len) return vm_raise(th, m->cls.MemoryError, "sequence too large for concviz");
    size_t total = len * (size_t)n;
    if (v_is_obj(seq, OK_LIST)) {
        list_obj *l = list_new(m, total);
        for (int64_t i = 0; i < n; i++)
            for (size_t k = 0; k < len; k++) l->items[l->len++] = items[k];
        *out = v_obj(l);
    } else {
        tuple_obj *t = tuple_new(m, total);
        for (int64_t i = 0; i < n; i++) memcpy(t->items + (size_t)i * len, items, len * sizeof(value));
        *out = v_obj(t);
    }
    return VM_OK;
}

static vm_status seq_concat(vm_thread *th, value a, value b, bool inplace, value *out) {
    vm *m = th->vm;
    if (v_is_obj(a, OK_STR)) {
        str_obj *x = V_STR(a), *y = V_STR(b);
        strbuf sb;
        sb_init(&sb);
        sb_reserve(&sb, x->len + y->len);
        sb_append(&sb, x->data, x->len);
        sb_append(&sb, y->data, y->len);
        *out = str_take_sb(m, &sb);
        return VM_OK;
    }
    if (v_is_obj(a, OK_LIST)) {
        list_obj *x = V_LIST(a), *y = V_LIST(b);
        list_obj *r = inplace ? x : list_new(m, x->len + y->len);
        if (!inplace)
            for (size_t i = 0; i < x->len; i++) r->items[r->len++] = x->items[i];
        size_t ylen = y->len; /* y may be x */
        for (size_t i = 0; i < ylen; i++) list_append(r, y->items[i]);
        *out = v_obj(r);
        return VM_OK;
    }
    tuple_obj *x = V_TUPLE(a), *y = V_TUPLE(b);
    tuple_obj *r = tuple_new(m, x->len + y->len);
    memcpy(r->items, x->items, x->len * sizeof(value));
    memcpy(r->items + x->len, y->items, y->len * sizeof(value));
    *out = v_obj(r);
    return VM_OK;
}

/* Is r the NotImplemented that a dunder returns to decline? */
static bool is_not_implemented(vm *m, value r) {
    value ni;
    return r.tag == VT_OBJ && dict_get_cstr(m->builtins, "NotImplemented", &ni) && ni.tag == VT_OBJ &&
           ni.u.o == r.u.o;
}

/* Calls the dunder "__<prefix><op>__" of self with other, if self has it.
 * *done is false when it is missing or returned NotImplemented. */
static vm_status try_dunder(vm_thread *th, value self, value other, const char *prefix, int op, value *out,
                            bool *done) {
    *done = false;
    if (!v_is_obj(self, OK_INSTANCE)) return VM_OK;
    char name[24];
    snprintf(name, sizeof name, "__%s%s", prefix, binop_dunders[op] + 2);
    value meth;
    if (!ops_find_dunder(self, str_from_cstr(th->vm, name), &meth)) return VM_OK;
    value args[2] = {self, other};
    vm_status st = vm_call(th, meth, args, 2, out);
    if (st != VM_OK) return st;
    *done = !is_not_implemented(th->vm, *out);
    return VM_OK;
}

/* User-defined operators, in Python's order: a.__iop__ (for a += b), then
 * a.__op__(b), then b.__rop__(a) when b's type differs. */
static vm_status user_binop(vm_thread *th, int op, value a, value b, bool inplace, value *out, bool *done) {
    vm_status st;
    if (inplace && ((st = try_dunder(th, a, b, "i", op, out, done)) != VM_OK || *done)) return st;
    if ((st = try_dunder(th, a, b, "", op, out, done)) != VM_OK || *done) return st;
    bool same_type = v_is_obj(a, OK_INSTANCE) && v_is_obj(b, OK_INSTANCE) && V_INST(a)->cls == V_INST(b)->cls;
    if (same_type) return VM_OK;
    return try_dunder(th, b, a, "r", op, out, done);
}

vm_status ops_binary(vm_thread *th, int op, value a, value b, bool inplace, value *out) {
    if (is_intlike(a) && is_intlike(b)) return int_binop(th, op, a.u.i, b.u.i, out);
    if (is_number(a) && is_number(b) && op <= AST_OP_POW) return float_binop(th, op, as_double(a), as_double(b), out);
    if (a.tag == VT_OBJ && b.tag == VT_OBJ && a.u.o->kind == b.u.o->kind && op == AST_OP_ADD &&
        (a.u.o->kind == OK_STR || a.u.o->kind == OK_LIST || a.u.o->kind == OK_TUPLE))
        return seq_concat(th, a, b, inplace, out);
    if (inplace && op == AST_OP_ADD && v_is_obj(a, OK_LIST)) {
        /* list += any iterable */
        list_obj *items;
        vm_status st = ops_to_list(th, b, &items);
        if (st != VM_OK) return st;
        for (size_t i = 0; i < items->len; i++) list_append(V_LIST(a), items->items[i]);
        *out = a;
        return VM_OK;
    }
    if (op == AST_OP_MUL) {
        bool aseq = v_is_obj(a, OK_STR) || v_is_obj(a, OK_LIST) || v_is_obj(a, OK_TUPLE);
        bool bseq = v_is_obj(b, OK_STR) || v_is_obj(b, OK_LIST) || v_is_obj(b, OK_TUPLE);
        if (aseq && is_intlike(b)) return seq_repeat(th, a, b.u.i, out);
        if (bseq && is_intlike(a)) return seq_repeat(th, b, a.u.i, out);
    }
    if (op == AST_OP_MOD && v_is_obj(a, OK_STR)) {
        return fmtops_percent(th, V_STR(a), b, out);
    }
    if (v_is_obj(a, OK_SET) && v_is_obj(b, OK_SET)) {
        int sop = op == AST_OP_BITOR ? '|' : op == AST_OP_BITAND ? '&' : op == AST_OP_SUB ? '-' : op == AST_OP_BITXOR ? '^' : 0;
        if (sop) return set_binary(th, sop, a, b, inplace, out);
    }
    if (op == AST_OP_BITOR && v_is_obj(a, OK_DICT) && v_is_obj(b, OK_DICT)) {
        dict_obj *r = inplace ? V_DICT(a) : dict_new(th->vm);
        size_t pos = 0;
        value k, v;
        if (!inplace)
            while (dict_next(V_DICT(a), &pos, &k, &v)) ops_dict_set(th, r, k, v);
        pos = 0;
        while (dict_next(V_DICT(b), &pos, &k, &v)) ops_dict_set(th, r, k, v);
        *out = v_obj(r);
        return VM_OK;
    }
    bool done = false;
    vm_status st = user_binop(th, op, a, b, inplace, out, &done);
    if (st != VM_OK || done) return st;
    return binop_type_error(th, op, a, b);
}

vm_status ops_unary(vm_thread *th, int op, value a, value *out) {
    vm *m = th->vm;
    num_error e;
    switch (op) {
    case AST_UOP_NOT: {
        bool t;
        vm_status st = ops_truthy(th, a, &t);
        if (st != VM_OK) return st;
        *out = v_bool(!t);
        return VM_OK;
    }
    case AST_UOP_NEG:
        if (is_intlike(a)) {
            int64_t r;
            if (num_int_neg(a.u.i, &r, &e) != 0) return raise_num(th, &e);
            *out = v_int(r);
            return VM_OK;
        }
        if (a.tag == VT_FLOAT) { *out = v_float(-a.u.f); return VM_OK; }
        break;
    case AST_UOP_POS:
        if (is_intlike(a)) { *out = v_int(a.u.i); return VM_OK; }
        if (a.tag == VT_FLOAT) { *out = a; return VM_OK; }
        break;
    case AST_UOP_INVERT:
        if (is_intlike(a)) { *out = v_int(~a.u.i); return VM_OK; }
        break;
    default: break;
    }
    static const char *const names[] = {"-", "+", "not", "~"};
    return vm_raise(th, m->cls.TypeError, "bad operand type for unary %s: '%s'", names[op], ops_type_name(m, a));
}

/* ------------------------------------------------------------ equality */

static vm_status seq_eq(vm_thread *th, const value *x, size_t nx, const value *y, size_t ny, bool *out) {
    if (nx != ny) { *out = false; return VM_OK; }
    for (size_t i = 0; i < nx; i++) {
        bool e;
        vm_status st = ops_eq(th, x[i], y[i], &e);
        if (st != VM_OK) return st;
        if (!e) { *out = false; return VM_OK; }
    }
    *out = true;
    return VM_OK;
}

vm_status ops_eq(vm_thread *th, value a, value b, bool *out) {
    if (is_number(a) && is_number(b)) {
        if (a.tag == VT_FLOAT && b.tag == VT_FLOAT) *out = a.u.f == b.u.f;
        else if (a.tag == VT_FLOAT) *out = num_cmp_int_float(b.u.i, a.u.f) == 0;
        else if (b.tag == VT_FLOAT) *out = num_cmp_int_float(a.u.i, b.u.f) == 0;
        else *out = a.u.i == b.u.i;
        return VM_OK;
    }
    if (a.tag != VT_OBJ || b.tag != VT_OBJ) {
        if (a.tag == VT_OBJ && v_is_obj(a, OK_INSTANCE)) goto user;
        if (b.tag == VT_OBJ && v_is_obj(b, OK_INSTANCE)) goto user;
        *out = a.tag == b.tag && a.tag != VT_OBJ; /* None == None; number vs other: false */
        return VM_OK;
    }
    if (a.u.o == b.u.o && a.u.o->kind != OK_INSTANCE) { *out = true; return VM_OK; }
    if (a.u.o->kind == b.u.o->kind) {
        switch (a.u.o->kind) {
        case OK_STR: *out = str_eq(V_STR(a), V_STR(b)); return VM_OK;
        case OK_LIST: return seq_eq(th, V_LIST(a)->items, V_LIST(a)->len, V_LIST(b)->items, V_LIST(b)->len, out);
        case OK_TUPLE: return seq_eq(th, V_TUPLE(a)->items, V_TUPLE(a)->len, V_TUPLE(b)->items, V_TUPLE(b)->len, out);
        case OK_DICT: {
            dict_obj *x = V_DICT(a), *y = V_DICT(b);
            if (x->count != y->count) { *out = false; return VM_OK; }
            size_t pos = 0;
            value k, v;
            while (dict_next(x, &pos, &k, &v)) {
                value w;
                bool found;
                vm_status st = ops_dict_get(th, y, k, &w, &found);
                if (st != VM_OK) return st;
                if (!found) { *out = false; return VM_OK; }
                bool e;
                st = ops_eq(th, v, w, &e);
                if (st != VM_OK) return st;
                if (!e) { *out = false; return VM_OK; }
            }
            *out = true;
            return VM_OK;
        }
        case OK_SET: *out = set_equal(V_SET(a), V_SET(b)); return VM_OK;
        case OK_RANGE: {
            range_obj *x = (range_obj *)a.u.o, *y = (range_obj *)b.u.o;
            *out = x->start == y->start && x->stop == y->stop && x->step == y->step;
            return VM_OK;
        }
        case OK_BOUND: {
            bound_obj *x = (bound_obj *)a.u.o, *y = (bound_obj *)b.u.o;
            *out = x->func.u.o == y->func.u.o && x->self.tag == y->self.tag && x->self.u.i == y->self.u.i;
            return VM_OK;
        }
        default: break;
        }
    }
user:
    for (int side = 0; side < 2; side++) {
        value self = side ? b : a, other = side ? a : b;
        value meth;
        if (v_is_obj(self, OK_INSTANCE) && ops_find_dunder(self, th->vm->names.eq, &meth)) {
            value args[2] = {self, other}, r;
            vm_status st = vm_call(th, meth, args, 2, &r);
            if (st != VM_OK) return st;
            if (is_not_implemented(th->vm, r)) continue;
            return ops_truthy(th, r, out);
        }
    }
    *out = a.tag == VT_OBJ && b.tag == VT_OBJ && a.u.o == b.u.o;
    return VM_OK;
}

/* ---------------------------------------------------------- ordering */

/* Three-way order for the builtin types: sets *res to -1/0/1; returns false
 * if the pair is not orderable without user code. */
static vm_status seq_order(vm_thread *th, int cmp, const value *x, size_t nx, const value *y, size_t ny, value *out);

static bool cmp_result(int cmp, int order) {
    switch (cmp) {
    case AST_CMP_LT: return order < 0;
    case AST_CMP_LE: return order <= 0;
    case AST_CMP_GT: return order > 0;
    case AST_CMP_GE: return order >= 0;
    case AST_CMP_EQ: return order == 0;
    default: return order != 0;
    }
}

static vm_status order_error(vm_thread *th, int cmp, value a, value b) {
    return vm_raise(th, th->vm->cls.TypeError, "'%s' not supported between instances of '%s' and '%s'",
                    cmp_symbols[cmp], ops_type_name(th->vm, a), ops_type_name(th->vm, b));
}

static vm_status rich_compare(vm_thread *th, int cmp, value a, value b, value *out) {
    if (cmp == AST_CMP_EQ || cmp == AST_CMP_NE) {
        bool e;
        vm_status st = ops_eq(th, a, b, &e);
        if (st != VM_OK) return st;
        *out = v_bool(cmp == AST_CMP_EQ ? e : !e);
        return VM_OK;
    }
    if (is_number(a) && is_number(b)) {
        int order;
        if (a.tag != VT_FLOAT && b.tag != VT_FLOAT) order = a.u.i < b.u.i ? -1 : a.u.i > b.u.i;
        else if (a.tag == VT_FLOAT && b.tag == VT_FLOAT) {
            if (isnan(a.u.f) || isnan(b.u.f)) { *out = v_bool(false); return VM_OK; }
            order = a.u.f < b.u.f ? -1 : a.u.f > b.u.f;
        } else if (a.tag == VT_FLOAT) {
            int c = num_cmp_int_float(b.u.i, a.u.f);
            if (c == NUM_CMP_UNORDERED) { *out = v_bool(false); return VM_OK; }
            order = -c;
        } else {
            int c = num_cmp_int_float(a.u.i, b.u.f);
            if (c == NUM_CMP_UNORDERED) { *out = v_bool(false); return VM_OK; }
            order = c;
        }
        *out = v_bool(cmp_result(cmp, order));
        return VM_OK;
    }
    if (a.tag == VT_OBJ && b.tag == VT_OBJ && a.u.o->kind == b.u.o->kind) {
        switch (a.u.o->kind) {
        case OK_STR: {
            str_obj *x = V_STR(a), *y = V_STR(b);
            size_t n = x->len < y->len ? x->len : y->len;
            int c = memcmp(x->data, y->data, n);
            int order = c < 0 ? -1 : c > 0 ? 1 : (x->len < y->len ? -1 : x->len > y->len);
            *out = v_bool(cmp_result(cmp, order));
            return VM_OK;
        }
        case OK_LIST: return seq_order(th, cmp, V_LIST(a)->items, V_LIST(a)->len, V_LIST(b)->items, V_LIST(b)->len, out);
        case OK_TUPLE:
            return seq_order(th, cmp, V_TUPLE(a)->items, V_TUPLE(a)->len, V_TUPLE(b)->items, V_TUPLE(b)->len, out);
        case OK_SET: {
            int sop = cmp == AST_CMP_LT ? '<' : cmp == AST_CMP_LE ? 'l' : cmp == AST_CMP_GT ? '>' : 'g';
            *out = v_bool(set_compare(sop, V_SET(a), V_SET(b)));
            return VM_OK;
        }
        default: break;
        }
    }
    /* user-defined ordering, with the reflected method as a fallback */
    static const int reflected[] = {AST_CMP_EQ, AST_CMP_NE, AST_CMP_GT, AST_CMP_GE, AST_CMP_LT, AST_CMP_LE};
    for (int side = 0; side < 2; side++) {
        value self = side ? b : a, other = side ? a : b;
        int c = side ? reflected[cmp] : cmp;
        value meth;
        if (v_is_obj(self, OK_INSTANCE)) {
            str_obj *name = str_from_cstr(th->vm, cmp_dunders[c]);
            if (ops_find_dunder(self, name, &meth)) {
                value args[2] = {self, other};
                return vm_call(th, meth, args, 2, out);
            }
        }
    }
    return order_error(th, cmp, a, b);
}

static vm_status seq_order(vm_thread *th, int cmp, const value *x, size_t nx, const value *y, size_t ny, value *out) {
    size_t n = nx < ny ? nx : ny;
    for (size_t i = 0; i < n; i++) {
        bool e;
        vm_status st = ops_eq(th, x[i], y[i], &e);
        if (st != VM_OK) return st;
        if (!e) return rich_compare(th, cmp, x[i], y[i], out);
    }
    int order = nx < ny ? -1 : nx > ny;
    *out = v_bool(cmp_result(cmp, order));
    return VM_OK;
}

vm_status ops_compare(vm_thread *th, int cmp, value a, value b, value *out) {
    switch (cmp) {
    case AST_CMP_IS: case AST_CMP_IS_NOT: {
        bool same = a.tag == b.tag && (a.tag == VT_NONE || a.tag == VT_UNDEF ||
                                       (a.tag == VT_FLOAT ? a.u.f == b.u.f : a.u.i == b.u.i));
        *out = v_bool(cmp == AST_CMP_IS ? same : !same);
        return VM_OK;
    }
    case AST_CMP_IN: case AST_CMP_NOT_IN: {
        bool in;
        vm_status st = ops_contains(th, b, a, &in);
        if (st != VM_OK) return st;
        *out = v_bool(cmp == AST_CMP_IN ? in : !in);
        return VM_OK;
    }
    default: return rich_compare(th, cmp, a, b, out);
    }
}

vm_status ops_less(vm_thread *th, value a, value b, bool *out) {
    if (a.tag == VT_INT && b.tag == VT_INT) {
        *out = a.u.i < b.u.i;
        return VM_OK;
    }
    value r;
    vm_status st = rich_compare(th, AST_CMP_LT, a, b, &r);
    if (st != VM_OK) return st;
    return ops_truthy(th, r, out);
}
