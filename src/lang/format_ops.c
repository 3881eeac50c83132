/* format_ops.c - format(), 'fmt % args' and str.format on interpreter
 * values, driving the text formatters of fmt.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fmt.h"
#include "obj.h"
#include "ops.h"

vm_status fmtops_format(vm_thread *th, value v, str_obj *spec, value *out) {
    vm *m = th->vm;
    strbuf sb;
    num_error e;
    int rc = 0;
    sb_init(&sb);
    if (v_is_obj(v, OK_INSTANCE)) {
        value meth;
        str_obj *name = str_from_cstr(m, "__format__");
        if (ops_find_dunder(v, name, &meth)) {
            value args[2] = {v, v_obj(spec)};
            return vm_call(th, meth, args, 2, out);
        }
    }
    switch (v.tag) {
    case VT_BOOL:
        if (spec->len == 0) {
            *out = str_value(m, v.u.i ? "True" : "False", v.u.i ? 4 : 5);
            return VM_OK;
        }
        rc = fmt_apply_int(&sb, v.u.i, spec->data, spec->len, "bool", &e);
        break;
    case VT_INT: rc = fmt_apply_int(&sb, v.u.i, spec->data, spec->len, "int", &e); break;
    case VT_FLOAT: rc = fmt_apply_float(&sb, v.u.f, spec->data, spec->len, "float", &e); break;
    default:
        if (v_is_obj(v, OK_STR)) {
            rc = fmt_apply_str(&sb, V_STR(v)->data, V_STR(v)->len, spec->data, spec->len, "str", &e);
            break;
        }
        if (spec->len == 0) return ops_str_value(th, v, out);
        sb_free(&sb);
        return vm_raise(th, m->cls.TypeError, "unsupported format string passed to %s.__format__",
                        ops_type_name(m, v));
    }
    if (rc != 0) {
        sb_free(&sb);
        return ops_raise_num(th, &e);
    }
    *out = str_take_sb(m, &sb);
    return VM_OK;
}

/* ------------------------------------------------------------- fmt % x */

static vm_status pct_fetch(vm_thread *th, const value *items, size_t n, size_t *next, value *out) {
    *out = v_none();
    if (*next >= n) return vm_raise(th, th->vm->cls.TypeError, "not enough arguments for format string");
    *out = items[(*next)++];
    return VM_OK;
}

vm_status fmtops_percent(vm_thread *th, str_obj *fmt, value args, value *out) {
    vm *m = th->vm;
    const value *items = &args;
    size_t nitems = 1, next = 0;
    if (v_is_obj(args, OK_TUPLE)) {
        items = V_TUPLE(args)->items;
        nitems = V_TUPLE(args)->len;
    }
    bool is_mapping = v_is_obj(args, OK_DICT);
    bool used_mapping = false;
    strbuf sb;
    sb_init(&sb);
    size_t pos = 0;
    fmt_pct p;
    num_error e;
    int k;
    vm_status st = VM_OK;
    while ((k = fmt_percent_next(fmt->data, fmt->len, &pos, &p, &e)) > 0) {
        if (k == FMT_PCT_TEXT) {
            sb_append(&sb, p.text, p.text_len);
            continue;
        }
        value val;
        if (p.has_key) {
            if (!is_mapping) {
                st = vm_raise(th, m->cls.TypeError, "format requires a mapping");
                goto fail;
            }
            used_mapping = true;
            value key = str_value(m, p.key, p.key_len);
            bool found;
            st = ops_dict_get(th, V_DICT(args), key, &val, &found);
            if (st != VM_OK) goto fail;
            if (!found) {
                value exc = vm_exc_new(th, m->cls.KeyError, NULL);
                dict_set_str(V_INST(exc)->dict, m->names.args, tuple_pack(m, 1, &key));
                st = vm_raise_value(th, exc);
                goto fail;
            }
        }
        if (p.width == FMT_PCT_STAR) {
            value w;
            if ((st = pct_fetch(th, items, nitems, &next, &w)) != VM_OK) goto fail;
            if (w.tag != VT_INT) {
                st = vm_raise(th, m->cls.TypeError, "* wants int");
                goto fail;
            }
            fmt_percent_set_width(&p, w.u.i);
        }
        if (p.prec == FMT_PCT_STAR) {
            value w;
            if ((st = pct_fetch(th, items, nitems, &next, &w)) != VM_OK) goto fail;
            if (w.tag != VT_INT) {
                st = vm_raise(th, m->cls.TypeError, "* wants int");
                goto fail;
            }
            if (fmt_percent_set_prec(&p, w.u.i, &e) != 0) goto numfail;
        }
        if (!p.has_key && (st = pct_fetch(th, items, nitems, &next, &val)) != VM_OK) goto fail;
        if (fmt_percent_check(fmt->data, fmt->len, &p, &e) != 0) goto numfail;
        int rc = 0;
        switch (p.conv) {
        case 's': case 'r': case 'a': {
            strbuf t;
            sb_init(&t);
            if (p.conv == 's') st = ops_str(th, val, &t);
            else st = ops_repr(th, val, &t);
            if (st == VM_OK && p.conv == 'a') {
                strbuf a;
                sb_init(&a);
                /* ascii(): repr with non-ASCII escaped */
                if (v_is_obj(val, OK_STR)) fmt_str_ascii(&a, V_STR(val)->data, V_STR(val)->len);
                else sb_append(&a, t.data, t.len);
                sb_free(&t);
                t = a;
            }
            if (st == VM_OK) rc = fmt_percent_text(&sb, t.data ? t.data : "", t.len, &p, &e);
            sb_free(&t);
            if (st != VM_OK) goto fail;
            break;
        }
        case 'd': case 'i': case 'u':
            if (val.tag == VT_INT || val.tag == VT_BOOL) rc = fmt_percent_int(&sb, val.u.i, &p, &e);
            else if (val.tag == VT_FLOAT) {
                int64_t iv;
                if (num_float_to_int(val.u.f, &iv, &e) != 0) goto numfail;
                rc = fmt_percent_int(&sb, iv, &p, &e);
            } else rc = fmt_percent_type_error(&p, ops_type_name(m, val), &e);
            break;
        case 'o': case 'x': case 'X':
            if (val.tag == VT_INT || val.tag == VT_BOOL) rc = fmt_percent_int(&sb, val.u.i, &p, &e);
            else rc = fmt_percent_type_error(&p, ops_type_name(m, val), &e);
            break;
        case 'c':
            if (val.tag == VT_INT) rc = fmt_percent_int(&sb, val.u.i, &p, &e);
            else if (v_is_obj(val, OK_STR)) rc = fmt_percent_text(&sb, V_STR(val)->data, V_STR(val)->len, &p, &e);
            else rc = fmt_percent_type_error(&p, ops_type_name(m, val), &e);
            break;
        default:
            if (val.tag == VT_FLOAT) rc = fmt_percent_float(&sb, val.u.f, &p, &e);
            else if (val.tag == VT_INT || val.tag == VT_BOOL) rc = fmt_percent_float(&sb, (double)val.u.i, &p, &e);
            else rc = fmt_percent_type_error(&p, ops_type_name(m, val), &e);
            break;
        }
        if (rc != 0) goto numfail;
    }
    if (k < 0) goto numfail;
    if (next < nitems && !used_mapping && !(is_mapping && nitems == 1)) {
        st = vm_raise(th, m->cls.TypeError, "not all arguments converted during string formatting");
        goto fail;
    }
    *out = str_take_sb(m, &sb);
    return VM_OK;
numfail:
    st = ops_raise_num(th, &e);
fail:
    sb_free(&sb);
    return st;
}

/* ---------------------------------------------------------- str.format */

typedef struct sfmt_ctx {
    vm_thread *th;
    const value *pos;
    int npos;
    str_obj **kwnames;
    const value *kwvals;
    int nkw;
    int auto_index;  /* -1 once manual numbering was used */
    bool manual;
} sfmt_ctx;

static vm_status sfmt_run(sfmt_ctx *c, const char *s, size_t n, strbuf *out, int depth);

/* Resolves a field name like "0[1].x" or "name" to a value. */
static vm_status sfmt_field(sfmt_ctx *c, const char *s, size_t n, value *out) {
    vm *m = c->th->vm;
    size_t i = 0;
    while (i < n && s[i] != '.' && s[i] != '[') i++;
    if (i == 0) {
        if (c->manual)
            return vm_raise(c->th, m->cls.ValueError,
                            "cannot switch from manual field specification to automatic field numbering");
        int idx = c->auto_index++;
        if (idx >= c->npos)
            return vm_raise(c->th, m->cls.IndexError, "Replacement index %d out of range for positional args tuple", idx);
        *out = c->pos[idx];
    } else {
        bool numeric = true;
        for (size_t k = 0; k < i; k++)
            if (s[k] < '0' || s[k] > '9') numeric = false;
        if (numeric) {
            if (c->auto_index > 0)
                return vm_raise(c->th, m->cls.ValueError,
                                "cannot switch from automatic field numbering to manual field specification");
            c->manual = true;
            long idx = strtol(s, NULL, 10);
            if (idx >= c->npos)
                return vm_raise(c->th, m->cls.IndexError, "Replacement index %ld out of range for positional args tuple",
                                idx);
            *out = c->pos[idx];
        } else {
            int found = -1;
            for (int k = 0; k < c->nkw; k++)
                if (c->kwnames[k]->len == i && memcmp(c->kwnames[k]->data, s, i) == 0) found = k;
            if (found < 0) {
                value key = str_value(m, s, i);
                value exc = vm_exc_new(c->th, m->cls.KeyError, NULL);
                dict_set_str(V_INST(exc)->dict, m->names.args, tuple_pack(m, 1, &key));
                return vm_raise_value(c->th, exc);
            }
            *out = c->kwvals[found];
        }
    }
    while (i < n) {
        if (s[i] == '.') {
            size_t j = ++i;
            while (i < n && s[i] != '.' && s[i] != '[') i++;
            str_obj *attr = str_new(m, s + j, i - j);
            vm_status st = ops_getattr(c->th, *out, attr, out);
            if (st != VM_OK) return st;
        } else if (s[i] == '[') {
            size_t j = ++i;
            while (i < n && s[i] != ']') i++;
            if (i >= n) return vm_raise(c->th, m->cls.ValueError, "Missing ']' in format string");
            value key;
            bool numeric = i > j;
            for (size_t k = j; k < i; k++)
                if (s[k] < '0' || s[k] > '9') numeric = false;
            if (numeric) key = v_int(strtoll(s + j, NULL, 10));
            else key = str_value(m, s + j, i - j);
            i++;
            vm_status st = ops_getitem(c->th, *out, key, out);
            if (st != VM_OK) return st;
        } else {
            return vm_raise(c->th, m->cls.ValueError, "Only '.' or '[' may follow ']' in format field specifier");
        }
    }
    return VM_OK;
}

static vm_status sfmt_replace(sfmt_ctx *c, const char *s, size_t n, strbuf *out, int depth) {
    vm *m = c->th->vm;
    /* split field[!conv][:spec], respecting brackets */
    size_t i = 0;
    int bracket = 0;
    while (i < n) {
        if (s[i] == '[') bracket++;
        else if (s[i] == ']') bracket--;
        else if (bracket == 0 && (s[i] == '!' || s[i] == ':')) break;
        i++;
    }
    value v;
    vm_status st = sfmt_field(c, s, i, &v);
    if (st != VM_OK) return st;
    char conv = 0;
    if (i < n && s[i] == '!') {
        if (i + 1 >= n) return vm_raise(c->th, m->cls.ValueError, "end of string while looking for conversion specifier");
        conv = s[i + 1];
        i += 2;
        if (i < n && s[i] != ':') return vm_raise(c->th, m->cls.ValueError, "expected ':' after conversion specifier");
    }
    const char *spec = "";
    size_t speclen = 0;
    if (i < n && s[i] == ':') {
        spec = s + i + 1;
        speclen = n - i - 1;
    }
    if (conv == 'r' || conv == 'a') st = ops_repr_value(c->th, v, &v);
    else if (conv == 's') st = ops_str_value(c->th, v, &v);
    else if (conv) return vm_raise(c->th, m->cls.ValueError, "Unknown conversion specifier %c", conv);
    if (st != VM_OK) return st;
    strbuf specbuf;
    sb_init(&specbuf);
    if (memchr(spec, '{', speclen)) {
        if (depth > 1) {
            sb_free(&specbuf);
            return vm_raise(c->th, m->cls.ValueError, "Max string recursion exceeded");
        }
        st = sfmt_run(c, spec, speclen, &specbuf, depth + 1);
        if (st != VM_OK) {
            sb_free(&specbuf);
            return st;
        }
    } else {
        sb_append(&specbuf, spec, speclen);
    }
    str_obj *specs = str_new(m, specbuf.data ? specbuf.data : "", specbuf.len);
    sb_free(&specbuf);
    value r;
    st = fmtops_format(c->th, v, specs, &r);
    if (st != VM_OK) return st;
    sb_append(out, V_STR(r)->data, V_STR(r)->len);
    return VM_OK;
}

static vm_status sfmt_run(sfmt_ctx *c, const char *s, size_t n, strbuf *out, int depth) {
    vm *m = c->th->vm;
    size_t i = 0;
    while (i < n) {
        char ch = s[i];
        if (ch == '{') {
            if (i + 1 < n && s[i + 1] == '{') {
                sb_putc(out, '{');
                i += 2;
                continue;
            }
            size_t j = i + 1;
            int level = 1;
            while (j < n && level > 0) {
                if (s[j] == '{') level++;
                else if (s[j] == '}') level--;
                if (level > 0) j++;
            }
            if (j >= n) return vm_raise(c->th, m->cls.ValueError, "expected '}' before end of string");
            vm_status st = sfmt_replace(c, s + i + 1, j - i - 1, out, depth);
            if (st != VM_OK) return st;
            i = j + 1;
        } else if (ch == '}') {
            if (i + 1 < n && s[i + 1] == '}') {
                sb_putc(out, '}');
                i += 2;
                continue;
            }
            return vm_raise(c->th, m->cls.ValueError, "Single '}' encountered in format string");
        } else {
            sb_putc(out, ch);
            i++;
        }
    }
    return VM_OK;
}

vm_status fmtops_str_format(vm_thread *th, str_obj *fmt, const value *pos, int npos, str_obj **kwnames,
                            const value *kwvals, int nkw, value *out) {
    sfmt_ctx c = {th, pos, npos, kwnames, kwvals, nkw, 0, false};
    strbuf sb;
    sb_init(&sb);
    vm_status st = sfmt_run(&c, fmt->data, fmt->len, &sb, 0);
    if (st != VM_OK) {
        sb_free(&sb);
        return st;
    }
    *out = str_take_sb(th->vm, &sb);
    return VM_OK;
}
