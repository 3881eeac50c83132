/* builtins.c - the builtin functions (print, len, sorted, min, ...) and the
 * argument helpers natives share (natives.h). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ast.h"
#include "fmt.h"
#include "natives.h"
#include "num.h"
#include "xalloc.h"

/* ------------------------------------------------------------- helpers */

vm_status args_count_kw(vm_thread *th, const vm_args *a, const char *fname, int min, int max,
                        const char *const *allowed) {
    vm *m = th->vm;
    for (int k = 0; k < a->nkw; k++) {
        bool ok = false;
        for (int i = 0; allowed && allowed[i]; i++)
            if (str_eq_cstr(a->kwnames[k], allowed[i])) ok = true;
        if (!ok) {
            if (!allowed)
                return vm_raise(th, m->cls.TypeError, "%s() takes no keyword arguments", fname);
            return vm_raise(th, m->cls.TypeError, "%s() got an unexpected keyword argument '%s'", fname,
                            a->kwnames[k]->data);
        }
    }
    int n = a->npos;
    if (n >= min && n <= max) return VM_OK;
    if (min == max) {
        if (min == 0) return vm_raise(th, m->cls.TypeError, "%s() takes no arguments (%d given)", fname, n);
        if (min == 1) return vm_raise(th, m->cls.TypeError, "%s() takes exactly one argument (%d given)", fname, n);
        return vm_raise(th, m->cls.TypeError, "%s expected %d arguments, got %d", fname, min, n);
    }
    if (n < min)
        return vm_raise(th, m->cls.TypeError, "%s expected at least %d argument%s, got %d", fname, min,
                        min == 1 ? "" : "s", n);
    return vm_raise(th, m->cls.TypeError, "%s expected at most %d argument%s, got %d", fname, max, max == 1 ? "" : "s", n);
}

vm_status args_count(vm_thread *th, const vm_args *a, const char *fname, int min, int max) {
    return args_count_kw(th, a, fname, min, max, NULL);
}

bool args_kw(const vm_args *a, const char *name, value *out) {
    for (int k = 0; k < a->nkw; k++)
        if (str_eq_cstr(a->kwnames[k], name)) {
            if (out) *out = a->kwvals[k];
            return true;
        }
    return false;
}

value args_get(const vm_args *a, int i, const char *name) {
    if (i >= 0 && i < a->npos) return a->pos[i];
    value v;
    if (name && args_kw(a, name, &v)) return v;
    return v_undef();
}

vm_status args_int(vm_thread *th, value v, const char *what, int64_t *out) {
    (void)what;
    *out = 0;
    if (v.tag == VT_INT || v.tag == VT_BOOL) {
        *out = v.u.i;
        return VM_OK;
    }
    return vm_raise(th, th->vm->cls.TypeError, "'%s' object cannot be interpreted as an integer",
                    ops_type_name(th->vm, v));
}

vm_status args_float(vm_thread *th, value v, const char *what, double *out) {
    *out = 0.0;
    if (v.tag == VT_FLOAT) {
        *out = v.u.f;
        return VM_OK;
    }
    if (v.tag == VT_INT || v.tag == VT_BOOL) {
        *out = (double)v.u.i;
        return VM_OK;
    }
    return vm_raise(th, th->vm->cls.TypeError, "%s must be real number, not %s", what, ops_type_name(th->vm, v));
}

/* ------------------------------------------------------------ functions */

static vm_status bi_print(vm_thread *th, const vm_args *a, value *out) {
    vm *m = th->vm;
    static const char *const kw[] = {"sep", "end", "file", "flush", NULL};
    vm_status st = args_count_kw(th, a, "print", 0, 1 << 30, kw);
    if (st != VM_OK) return st;
    value sep = args_get(a, -1, "sep"), end = args_get(a, -1, "end"), file = args_get(a, -1, "file");
    if (sep.tag != VT_UNDEF && sep.tag != VT_NONE && !v_is_obj(sep, OK_STR))
        return vm_raise(th, m->cls.TypeError, "sep must be None or a string, not %s", ops_type_name(m, sep));
    if (end.tag != VT_UNDEF && end.tag != VT_NONE && !v_is_obj(end, OK_STR))
        return vm_raise(th, m->cls.TypeError, "end must be None or a string, not %s", ops_type_name(m, end));
    strbuf sb;
    sb_init(&sb);
    for (int i = 0; i < a->npos; i++) {
        if (i) {
            if (v_is_obj(sep, OK_STR)) sb_append(&sb, V_STR(sep)->data, V_STR(sep)->len);
            else sb_putc(&sb, ' ');
        }
        if ((st = ops_str(th, a->pos[i], &sb)) != VM_OK) {
            sb_free(&sb);
            return st;
        }
    }
    if (v_is_obj(end, OK_STR)) sb_append(&sb, V_STR(end)->data, V_STR(end)->len);
    else sb_putc(&sb, '\n');
    int fd = 1;
    if (file.tag != VT_UNDEF && file.tag != VT_NONE) {
        value fdv;
        if (v_is_obj(file, OK_INSTANCE) && dict_get_cstr(V_INST(file)->dict, "_fd", &fdv) && fdv.tag == VT_INT)
            fd = (int)fdv.u.i;
        else {
            sb_free(&sb);
            return vm_raise(th, m->cls.TypeError, "print(file=...) supports only sys.stdout and sys.stderr in concviz");
        }
    }
    vm_write(m, fd, sb.data ? sb.data : "", sb.len);
    sb_free(&sb);
    *out = v_none();
    return VM_OK;
}

static vm_status bi_len(vm_thread *th, const vm_args *a, value *out) {
    vm_status st = args_count(th, a, "len", 1, 1);
    if (st != VM_OK) return st;
    int64_t n;
    if ((st = ops_len(th, a->pos[0], &n)) != VM_OK) return st;
    *out = v_int(n);
    return VM_OK;
}

static vm_status bi_repr(vm_thread *th, const vm_args *a, value *out) {
    vm_status st = args_count(th, a, "repr", 1, 1);
    if (st != VM_OK) return st;
    return ops_repr_value(th, a->pos[0], out);
}

static vm_status bi_ascii(vm_thread *th, const vm_args *a, value *out) {
    vm_status st = args_count(th, a, "ascii", 1, 1);
    if (st != VM_OK) return st;
    value r;
    if ((st = ops_repr_value(th, a->pos[0], &r)) != VM_OK) return st;
    strbuf sb;
    sb_init(&sb);
    const char *s = V_STR(r)->data;
    size_t n = V_STR(r)->len, pos = 0;
    while (pos < n) {
        uint32_t cp = fmt_utf8_next(s, n, &pos);
        if (cp < 0x80) sb_putc(&sb, (char)cp);
        else if (cp < 0x100) sb_printf(&sb, "\\x%02x", cp);
        else if (cp < 0x10000) sb_printf(&sb, "\\u%04x", cp);
        else sb_printf(&sb, "\\U%08x", cp);
    }
    *out = str_take_sb(th->vm, &sb);
    return VM_OK;
}

static vm_status bi_format(vm_thread *th, const vm_args *a, value *out) {
    vm_status st = args_count(th, a, "format", 1, 2);
    if (st != VM_OK) return st;
    str_obj *spec = a->npos > 1 && v_is_obj(a->pos[1], OK_STR) ? V_STR(a->pos[1]) : str_new(th->vm, "", 0);
    return fmtops_format(th, a->pos[0], spec, out);
}

static bool class_or_tuple_match(vm *m, value v, value cls, bool *bad) {
    if (v_is_obj(cls, OK_CLASS)) return ops_isinstance(m, v, V_CLASS(cls));
    if (v_is_obj(cls, OK_TUPLE)) {
        for (size_t i = 0; i < V_TUPLE(cls)->len; i++)
            if (class_or_tuple_match(m, v, V_TUPLE(cls)->items[i], bad)) return true;
        return false;
    }
    *bad = true;
    return false;
}

static vm_status bi_isinstance(vm_thread *th, const vm_args *a, value *out) {
    vm_status st = args_count(th, a, "isinstance", 2, 2);
    if (st != VM_OK) return st;
    bool bad = false;
    bool r = class_or_tuple_match(th->vm, a->pos[0], a->pos[1], &bad);
    if (bad) return vm_raise(th, th->vm->cls.TypeError, "isinstance() arg 2 must be a type, a tuple of types, or a union");
    *out = v_bool(r);
    return VM_OK;
}

static vm_status bi_issubclass(vm_thread *th, const vm_args *a, value *out) {
    vm_status st = args_count(th, a, "issubclass", 2, 2);
    if (st != VM_OK) return st;
    if (!v_is_obj(a->pos[0], OK_CLASS)) return vm_raise(th, th->vm->cls.TypeError, "issubclass() arg 1 must be a class");
    value cls = a->pos[1];
    bool r = false;
    if (v_is_obj(cls, OK_CLASS)) r = class_is_subclass(V_CLASS(a->pos[0]), V_CLASS(cls)) || V_CLASS(cls) == th->vm->cls.object;
    else if (v_is_obj(cls, OK_TUPLE)) {
        for (size_t i = 0; i < V_TUPLE(cls)->len; i++)
            if (v_is_obj(V_TUPLE(cls)->items[i], OK_CLASS) &&
                class_is_subclass(V_CLASS(a->pos[0]), V_CLASS(V_TUPLE(cls)->items[i])))
                r = true;
    } else return vm_raise(th, th->vm->cls.TypeError, "issubclass() arg 2 must be a class, a tuple of classes, or a union");
    *out = v_bool(r);
    return VM_OK;
}

static vm_status bi_abs(vm_thread *th, const vm_args *a, value *out) {
    vm_status st = args_count(th, a, "abs", 1, 1);
    if (st != VM_OK) return st;
    value x = a->pos[0];
    num_error e;
    if (x.tag == VT_INT || x.tag == VT_BOOL) {
        int64_t r;
        if (num_int_abs(x.u.i, &r, &e) != 0) return ops_raise_num(th, &e);
        *out = v_int(r);
        return VM_OK;
    }
    if (x.tag == VT_FLOAT) {
        *out = v_float(fabs(x.u.f));
        return VM_OK;
    }
    return vm_raise(th, th->vm->cls.TypeError, "bad operand type for abs(): '%s'", ops_type_name(th->vm, x));
}

/* ---- sorting: a stable merge sort whose comparisons may raise ---- */

typedef struct sort_item {
    value key;
    value val;
} sort_item;

static vm_status merge_sort(vm_thread *th, sort_item *v, sort_item *tmp, size_t n) {
    if (n < 2) return VM_OK;
    if (n <= 8) {
        for (size_t i = 1; i < n; i++) {
            sort_item x = v[i];
            size_t j = i;
            while (j > 0) {
                bool lt;
                vm_status st = ops_less(th, x.key, v[j - 1].key, &lt);
                if (st != VM_OK) return st;
                if (!lt) break;
                v[j] = v[j - 1];
                j--;
            }
            v[j] = x;
        }
        return VM_OK;
    }
    size_t h = n / 2;
    vm_status st = merge_sort(th, v, tmp, h);
    if (st == VM_OK) st = merge_sort(th, v + h, tmp, n - h);
    if (st != VM_OK) return st;
    size_t i = 0, j = h, k = 0;
    while (i < h && j < n) {
        bool lt;
        if ((st = ops_less(th, v[j].key, v[i].key, &lt)) != VM_OK) return st;
        tmp[k++] = lt ? v[j++] : v[i++];
    }
    while (i < h) tmp[k++] = v[i++];
    while (j < n) tmp[k++] = v[j++];
    memcpy(v, tmp, n * sizeof(sort_item));
    return VM_OK;
}

static void reverse_values(value *v, size_t n) {
    for (size_t i = 0; i < n / 2; i++) {
        value t = v[i];
        v[i] = v[n - 1 - i];
        v[n - 1 - i] = t;
    }
}

vm_status builtins_sort_list(vm_thread *th, list_obj *l, value key, bool reverse) {
    size_t n = l->len;
    if (reverse) reverse_values(l->items, n);
    sort_item *items = xcalloc(n + 1, sizeof(sort_item));
    sort_item *tmp = xcalloc(n + 1, sizeof(sort_item));
    vm_status st = VM_OK;
    for (size_t i = 0; i < n; i++) {
        items[i].val = l->items[i];
        if (key.tag != VT_UNDEF && key.tag != VT_NONE) {
            st = vm_call(th, key, &items[i].val, 1, &items[i].key);
            if (st != VM_OK) break;
        } else {
            items[i].key = items[i].val;
        }
    }
    if (st == VM_OK) st = merge_sort(th, items, tmp, n);
    if (st == VM_OK) {
        for (size_t i = 0; i < n && i < l->len; i++) l->items[i] = items[i].val;
        if (reverse) reverse_values(l->items, n);
    } else if (reverse) {
        reverse_values(l->items, n);
    }
    free(items);
    free(tmp);
    return st;
}

static vm_status bi_sorted(vm_thread *th, const vm_args *a, value *out) {
    static const char *const kw[] = {"key", "reverse", NULL};
    vm_status st = args_count_kw(th, a, "sorted", 1, 1, kw);
    if (st != VM_OK) return st;
    list_obj *l;
    if ((st = ops_to_list(th, a->pos[0], &l)) != VM_OK) return st;
    value rev = args_get(a, -1, "reverse");
    bool reverse = false;
    if (rev.tag != VT_UNDEF && (st = ops_truthy(th, rev, &reverse)) != VM_OK) return st;
    if ((st = builtins_sort_list(th, l, args_get(a, -1, "key"), reverse)) != VM_OK) return st;
    *out = v_obj(l);
    return VM_OK;
}

static vm_status minmax(vm_thread *th, const vm_args *a, value *out, bool is_max) {
    vm *m = th->vm;
    const char *name = is_max ? "max" : "min";
    static const char *const kw[] = {"key", "default", NULL};
    vm_status st = args_count_kw(th, a, name, 1, 1 << 30, kw);
    if (st != VM_OK) return st;
    value key = args_get(a, -1, "key"), dflt = args_get(a, -1, "default");
    list_obj *items;
    if (a->npos == 1) {
        if ((st = ops_to_list(th, a->pos[0], &items)) != VM_OK) return st;
    } else {
        items = list_new(m, (size_t)a->npos);
        for (int i = 0; i < a->npos; i++) list_append(items, a->pos[i]);
    }
    if (items->len == 0) {
        if (dflt.tag != VT_UNDEF) {
            *out = dflt;
            return VM_OK;
        }
        return vm_raise(th, m->cls.ValueError, "%s() arg is an empty sequence", name);
    }
    value best = items->items[0], bestkey = best;
    if (key.tag != VT_UNDEF && key.tag != VT_NONE && (st = vm_call(th, key, &best, 1, &bestkey)) != VM_OK) return st;
    for (size_t i = 1; i < items->len; i++) {
        value x = items->items[i], k = x;
        if (key.tag != VT_UNDEF && key.tag != VT_NONE && (st = vm_call(th, key, &x, 1, &k)) != VM_OK) return st;
        bool better;
        st = is_max ? ops_less(th, bestkey, k, &better) : ops_less(th, k, bestkey, &better);
        if (st != VM_OK) return st;
        if (better) {
            best = x;
            bestkey = k;
        }
    }
    *out = best;
    return VM_OK;
}

static vm_status bi_min(vm_thread *th, const vm_args *a, value *out) { return minmax(th, a, out, false); }
static vm_status bi_max(vm_thread *th, const vm_args *a, value *out) { return minmax(th, a, out, true); }

static vm_status bi_sum(vm_thread *th, const vm_args *a, value *out) {
    static const char *const kw[] = {"start", NULL};
    vm_status st = args_count_kw(th, a, "sum", 1, 2, kw);
    if (st != VM_OK) return st;
    value acc = args_get(a, 1, "start");
    if (acc.tag == VT_UNDEF) acc = v_int(0);
    if (v_is_obj(acc, OK_STR))
        return vm_raise(th, th->vm->cls.TypeError, "sum() can't sum strings [use ''.join(seq) instead]");
    list_obj *items;
    if ((st = ops_to_list(th, a->pos[0], &items)) != VM_OK) return st;
    /* CPython 3.11 adds left to right (no compensated summation) */
    for (size_t i = 0; i < items->len; i++)
        if ((st = ops_binary(th, AST_OP_ADD, acc, items->items[i], false, &acc)) != VM_OK) return st;
    *out = acc;
    return VM_OK;
}

static vm_status all_any(vm_thread *th, const vm_args *a, value *out, bool is_all) {
    vm_status st = args_count(th, a, is_all ? "all" : "any", 1, 1);
    if (st != VM_OK) return st;
    value it;
    if ((st = ops_iter(th, a->pos[0], &it)) != VM_OK) return st;
    for (;;) {
        value x;
        bool done, t;
        if ((st = ops_next(th, it, &x, &done)) != VM_OK) return st;
        if (done) break;
        if ((st = ops_truthy(th, x, &t)) != VM_OK) return st;
        if (t != is_all) {
            *out = v_bool(!is_all);
            return VM_OK;
        }
    }
    *out = v_bool(is_all);
    return VM_OK;
}

static vm_status bi_all(vm_thread *th, const vm_args *a, value *out) { return all_any(th, a, out, true); }
static vm_status bi_any(vm_thread *th, const vm_args *a, value *out) { return all_any(th, a, out, false); }

static iter_obj *make_iter(vm *m, iter_kind kind, value seq) {
    iter_obj *it = gc_alloc(m, OK_ITER, sizeof(iter_obj));
    it->kind = (uint8_t)kind;
    it->seq = seq;
    it->extra = v_undef();
    return it;
}

static vm_status bi_enumerate(vm_thread *th, const vm_args *a, value *out) {
    static const char *const kw[] = {"start", NULL};
    vm_status st = args_count_kw(th, a, "enumerate", 1, 2, kw);
    if (st != VM_OK) return st;
    value inner;
    if ((st = ops_iter(th, a->pos[0], &inner)) != VM_OK) return st;
    iter_obj *it = make_iter(th->vm, IT_ENUMERATE, inner);
    value start = args_get(a, 1, "start");
    if (start.tag != VT_UNDEF && (st = args_int(th, start, "start", &it->pos)) != VM_OK) return st;
    *out = v_obj(it);
    return VM_OK;
}

static vm_status bi_zip(vm_thread *th, const vm_args *a, value *out) {
    vm_status st = args_count(th, a, "zip", 0, 1 << 30);
    if (st != VM_OK) return st;
    tuple_obj *its = tuple_new(th->vm, (size_t)a->npos);
    for (int i = 0; i < a->npos; i++)
        if ((st = ops_iter(th, a->pos[i], &its->items[i])) != VM_OK) return st;
    *out = v_obj(make_iter(th->vm, IT_ZIP, v_obj(its)));
    return VM_OK;
}

static vm_status bi_reversed(vm_thread *th, const vm_args *a, value *out) {
    vm_status st = args_count(th, a, "reversed", 1, 1);
    if (st != VM_OK) return st;
    value s = a->pos[0];
    if (v_is_obj(s, OK_RANGE)) {
        list_obj *l;
        if ((st = ops_to_list(th, s, &l)) != VM_OK) return st;
        s = v_obj(l);
    }
    if (!v_is_obj(s, OK_LIST) && !v_is_obj(s, OK_TUPLE) && !v_is_obj(s, OK_STR))
        return vm_raise(th, th->vm->cls.TypeError, "'%s' object is not reversible", ops_type_name(th->vm, s));
    iter_obj *it = make_iter(th->vm, IT_REVERSED, s);
    int64_t n;
    ops_len(th, s, &n);
    it->pos = n - 1;
    *out = v_obj(it);
    return VM_OK;
}

static vm_status bi_map(vm_thread *th, const vm_args *a, value *out) {
    vm_status st = args_count(th, a, "map", 2, 17);
    if (st != VM_OK) return st;
    tuple_obj *parts = tuple_new(th->vm, (size_t)a->npos);
    parts->items[0] = a->pos[0];
    for (int i = 1; i < a->npos; i++)
        if ((st = ops_iter(th, a->pos[i], &parts->items[i])) != VM_OK) return st;
    *out = v_obj(make_iter(th->vm, IT_MAP, v_obj(parts)));
    return VM_OK;
}

static vm_status bi_filter(vm_thread *th, const vm_args *a, value *out) {
    vm_status st = args_count(th, a, "filter", 2, 2);
    if (st != VM_OK) return st;
    tuple_obj *parts = tuple_new(th->vm, 2);
    parts->items[0] = a->pos[0];
    if ((st = ops_iter(th, a->pos[1], &parts->items[1])) != VM_OK) return st;
    *out = v_obj(make_iter(th->vm, IT_FILTER, v_obj(parts)));
    return VM_OK;
}

static vm_status bi_iter(vm_thread *th, const vm_args *a, value *out) {
    vm_status st = args_count(th, a, "iter", 1, 1);
    if (st != VM_OK) return st;
    return ops_iter(th, a->pos[0], out);
}

static vm_status bi_next(vm_thread *th, const vm_args *a, value *out) {
    vm_status st = args_count(th, a, "next", 1, 2);
    if (st != VM_OK) return st;
    bool done;
    if (!v_is_obj(a->pos[0], OK_ITER) && !v_is_obj(a->pos[0], OK_INSTANCE) && !v_is_obj(a->pos[0], OK_GEN))
        return vm_raise(th, th->vm->cls.TypeError, "'%s' object is not an iterator", ops_type_name(th->vm, a->pos[0]));
    if ((st = ops_next(th, a->pos[0], out, &done)) != VM_OK) return st;
    if (done) {
        if (a->npos == 2) {
            *out = a->pos[1];
            return VM_OK;
        }
        return gen_raise_stop(th, v_is_obj(a->pos[0], OK_GEN) ? *out : v_none());
    }
    return VM_OK;
}

static vm_status bi_round(vm_thread *th, const vm_args *a, value *out) {
    static const char *const kw[] = {"ndigits", NULL};
    vm_status st = args_count_kw(th, a, "round", 1, 2, kw);
    if (st != VM_OK) return st;
    value x = a->pos[0], nd = args_get(a, 1, "ndigits");
    num_error e;
    bool has_nd = nd.tag != VT_UNDEF && nd.tag != VT_NONE;
    int64_t n = 0;
    if (has_nd && (st = args_int(th, nd, "ndigits", &n)) != VM_OK) return st;
    if (x.tag == VT_FLOAT) {
        if (!has_nd) {
            int64_t r;
            if (num_round_float_to_int(x.u.f, &r, &e) != 0) return ops_raise_num(th, &e);
            *out = v_int(r);
            return VM_OK;
        }
        double r;
        if (num_round_float(x.u.f, n, &r, &e) != 0) return ops_raise_num(th, &e);
        *out = v_float(r);
        return VM_OK;
    }
    if (x.tag == VT_INT || x.tag == VT_BOOL) {
        if (!has_nd) {
            *out = v_int(x.u.i);
            return VM_OK;
        }
        int64_t r;
        if (num_round_int(x.u.i, n, &r, &e) != 0) return ops_raise_num(th, &e);
        *out = v_int(r);
        return VM_OK;
    }
    return vm_raise(th, th->vm->cls.TypeError, "type %s doesn't define __round__ method", ops_type_name(th->vm, x));
}

static vm_status bi_divmod(vm_thread *th, const vm_args *a, value *out) {
    vm_status st = args_count(th, a, "divmod", 2, 2);
    if (st != VM_OK) return st;
    value q, r;
    if ((st = ops_binary(th, AST_OP_FLOORDIV, a->pos[0], a->pos[1], false, &q)) != VM_OK) return st;
    if ((st = ops_binary(th, AST_OP_MOD, a->pos[0], a->pos[1], false, &r)) != VM_OK) return st;
    value pair[2] = {q, r};
    *out = tuple_pack(th->vm, 2, pair);
    return VM_OK;
}

static vm_status bi_pow(vm_thread *th, const vm_args *a, value *out) {
    vm_status st = args_count(th, a, "pow", 2, 3);
    if (st != VM_OK) return st;
    if (a->npos == 3) {
        int64_t b, e, mod;
        if ((st = args_int(th, a->pos[0], "", &b)) != VM_OK || (st = args_int(th, a->pos[1], "", &e)) != VM_OK ||
            (st = args_int(th, a->pos[2], "", &mod)) != VM_OK)
            return st;
        if (mod == 0) return vm_raise(th, th->vm->cls.ValueError, "pow() 3rd argument cannot be 0");
        if (e < 0) return vm_raise(th, th->vm->cls.ValueError, "pow() negative exponent with modulus is not supported by concviz");
        __int128 r = 1, base = ((b % mod) + mod) % mod;
        while (e > 0) {
            if (e & 1) r = (r * base) % mod;
            base = (base * base) % mod;
            e >>= 1;
        }
        int64_t res = (int64_t)r;
        if (mod < 0 && res > 0) res += mod;
        *out = v_int(res);
        return VM_OK;
    }
    return ops_binary(th, AST_OP_POW, a->pos[0], a->pos[1], false, out);
}

static vm_status bi_hash(vm_thread *th, const vm_args *a, value *out) {
    vm_status st = args_count(th, a, "hash", 1, 1);
    if (st != VM_OK) return st;
    int64_t h;
    value x = a->pos[0];
    if (x.tag == VT_INT || x.tag == VT_BOOL) h = num_hash_int(x.u.i);
    else if (x.tag == VT_FLOAT) h = num_hash_double(x.u.f);
    else if ((st = ops_hash(th, x, &h)) != VM_OK) return st;
    *out = v_int(h);
    return VM_OK;
}

static vm_status bi_id(vm_thread *th, const vm_args *a, value *out) {
    vm_status st = args_count(th, a, "id", 1, 1);
    if (st != VM_OK) return st;
    value x = a->pos[0];
    int64_t id = x.tag == VT_OBJ ? (int64_t)obj_address(x.u.o) : 0x55d0c0000000LL + x.u.i * 32 + x.tag;
    *out = v_int(id);
    return VM_OK;
}

static vm_status bi_chr(vm_thread *th, const vm_args *a, value *out) {
    vm_status st = args_count(th, a, "chr", 1, 1);
    if (st != VM_OK) return st;
    int64_t c;
    if ((st = args_int(th, a->pos[0], "", &c)) != VM_OK) return st;
    if (c < 0 || c > 0x10FFFF) return vm_raise(th, th->vm->cls.ValueError, "chr() arg not in range(0x110000)");
    char buf[4];
    size_t n = utf8_encode((uint32_t)c, buf);
    *out = str_value(th->vm, buf, n);
    return VM_OK;
}

static vm_status bi_ord(vm_thread *th, const vm_args *a, value *out) {
    vm_status st = args_count(th, a, "ord", 1, 1);
    if (st != VM_OK) return st;
    value s = a->pos[0];
    if (!v_is_obj(s, OK_STR))
        return vm_raise(th, th->vm->cls.TypeError, "ord() expected string of length 1, but %s found", ops_type_name(th->vm, s));
    if (V_STR(s)->nchars != 1)
        return vm_raise(th, th->vm->cls.TypeError, "ord() expected a character, but string of length %zu found",
                        V_STR(s)->nchars);
    size_t n;
    *out = v_int(utf8_decode(V_STR(s)->data, V_STR(s)->len, &n));
    return VM_OK;
}

static vm_status radix(vm_thread *th, const vm_args *a, value *out, const char *name, int base) {
    vm_status st = args_count(th, a, name, 1, 1);
    if (st != VM_OK) return st;
    int64_t v;
    if ((st = args_int(th, a->pos[0], "", &v)) != VM_OK) return st;
    strbuf sb;
    sb_init(&sb);
    fmt_int_radix(&sb, v, base, true);
    *out = str_take_sb(th->vm, &sb);
    return VM_OK;
}

static vm_status bi_hex(vm_thread *th, const vm_args *a, value *out) { return radix(th, a, out, "hex", 16); }
static vm_status bi_oct(vm_thread *th, const vm_args *a, value *out) { return radix(th, a, out, "oct", 8); }
static vm_status bi_bin(vm_thread *th, const vm_args *a, value *out) { return radix(th, a, out, "bin", 2); }

static vm_status attr_name(vm_thread *th, value v, str_obj **out) {
    if (!v_is_obj(v, OK_STR))
        return vm_raise(th, th->vm->cls.TypeError, "attribute name must be string, not '%s'", ops_type_name(th->vm, v));
    *out = V_STR(v);
    return VM_OK;
}

/* getattr with a default, and hasattr: an AttributeError raised while
 * looking (by __getattr__, a property, a machine object's hook) means the
 * attribute is missing, as in CPython. */
static vm_status getattr_or_missing(vm_thread *th, value o, str_obj *name, value *out, bool *found) {
    vm_status st = ops_getattr(th, o, name, out);
    *found = st == VM_OK;
    if (st == VM_ERR && vm_exc_matches(th->vm, th->exc, th->vm->cls.AttributeError)) {
        th->exc = v_undef();
        return VM_OK;
    }
    return st;
}

static vm_status bi_getattr(vm_thread *th, const vm_args *a, value *out) {
    vm_status st = args_count(th, a, "getattr", 2, 3);
    if (st != VM_OK) return st;
    str_obj *name = NULL;
    if ((st = attr_name(th, a->pos[1], &name)) != VM_OK) return st;
    if (a->npos < 3) return ops_getattr(th, a->pos[0], name, out);
    bool found;
    if ((st = getattr_or_missing(th, a->pos[0], name, out, &found)) != VM_OK) return st;
    if (!found) *out = a->pos[2];
    return VM_OK;
}

static vm_status bi_setattr(vm_thread *th, const vm_args *a, value *out) {
    vm_status st = args_count(th, a, "setattr", 3, 3);
    if (st != VM_OK) return st;
    str_obj *name = NULL;
    if ((st = attr_name(th, a->pos[1], &name)) != VM_OK) return st;
    *out = v_none();
    return ops_setattr(th, a->pos[0], name, a->pos[2]);
}

static vm_status bi_hasattr(vm_thread *th, const vm_args *a, value *out) {
    vm_status st = args_count(th, a, "hasattr", 2, 2);
    if (st != VM_OK) return st;
    str_obj *name = NULL;
    if ((st = attr_name(th, a->pos[1], &name)) != VM_OK) return st;
    bool found;
    value v;
    if ((st = getattr_or_missing(th, a->pos[0], name, &v, &found)) != VM_OK) return st;
    *out = v_bool(found);
    return VM_OK;
}

static vm_status bi_delattr(vm_thread *th, const vm_args *a, value *out) {
    vm_status st = args_count(th, a, "delattr", 2, 2);
    if (st != VM_OK) return st;
    str_obj *name = NULL;
    if ((st = attr_name(th, a->pos[1], &name)) != VM_OK) return st;
    *out = v_none();
    return ops_delattr(th, a->pos[0], name);
}

static vm_status bi_callable(vm_thread *th, const vm_args *a, value *out) {
    vm_status st = args_count(th, a, "callable", 1, 1);
    if (st != VM_OK) return st;
    value v = a->pos[0], meth;
    bool c = v.tag == VT_OBJ && (v.u.o->kind == OK_FUNC || v.u.o->kind == OK_NATIVE || v.u.o->kind == OK_BOUND ||
                                 v.u.o->kind == OK_CLASS);
    if (v_is_obj(v, OK_INSTANCE)) c = ops_find_dunder(v, th->vm->names.call, &meth);
    *out = v_bool(c);
    return VM_OK;
}

static vm_status bi_globals(vm_thread *th, const vm_args *a, value *out) {
    vm_status st = args_count(th, a, "globals", 0, 0);
    if (st != VM_OK) return st;
    *out = v_obj(th->frames[th->nframes - 1].globals);
    return VM_OK;
}

static vm_status bi_input(vm_thread *th, const vm_args *a, value *out) {
    (void)a;
    (void)out;
    return vm_raise(th, th->vm->cls.EOFError, "EOF when reading a line (concviz programs have no standard input)");
}

static vm_status bi_open(vm_thread *th, const vm_args *a, value *out) {
    (void)a;
    (void)out;
    return vm_raise(th, th->vm->cls.PermissionError, "concviz programs cannot open files");
}

static const native_def builtin_functions[] = {
    {"print", bi_print}, {"len", bi_len}, {"repr", bi_repr}, {"ascii", bi_ascii}, {"format", bi_format},
    {"isinstance", bi_isinstance}, {"issubclass", bi_issubclass}, {"abs", bi_abs}, {"sorted", bi_sorted},
    {"min", bi_min}, {"max", bi_max}, {"sum", bi_sum}, {"all", bi_all}, {"any", bi_any},
    {"enumerate", bi_enumerate}, {"zip", bi_zip}, {"reversed", bi_reversed}, {"map", bi_map},
    {"filter", bi_filter}, {"iter", bi_iter}, {"next", bi_next}, {"round", bi_round}, {"divmod", bi_divmod},
    {"pow", bi_pow}, {"hash", bi_hash}, {"id", bi_id}, {"chr", bi_chr}, {"ord", bi_ord}, {"hex", bi_hex},
    {"oct", bi_oct}, {"bin", bi_bin}, {"getattr", bi_getattr}, {"setattr", bi_setattr},
    {"hasattr", bi_hasattr}, {"delattr", bi_delattr}, {"callable", bi_callable}, {"globals", bi_globals},
    {"input", bi_input}, {"open", bi_open}, {NULL, NULL}};

void builtins_install(vm *m) {
    native_register(m, m->builtins, builtin_functions, false);
    dict_set_cstr(m, m->builtins, "None", v_none());
    dict_set_cstr(m, m->builtins, "True", v_bool(true));
    dict_set_cstr(m, m->builtins, "False", v_bool(false));
    /* NotImplemented: a unique class object stands in (see ops_eq) */
    dict_set_cstr(m, m->builtins, "NotImplemented", v_obj(natives_class(m, "NotImplementedType", m->cls.object, NULL)));
}
