/* obj.c - heap object constructors and primitive operations (see obj.h). */
#include "obj.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

/* ---------------------------------------------------------------- UTF-8 */

size_t utf8_count(const char *s, size_t len) {
    size_t n = 0;
    for (size_t i = 0; i < len; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80) n++;
    return n;
}

size_t utf8_offset(const char *s, size_t len, size_t i) {
    size_t pos = 0;
    while (i > 0 && pos < len) {
        pos++;
        while (pos < len && ((unsigned char)s[pos] & 0xC0) == 0x80) pos++;
        i--;
    }
    return pos;
}

uint32_t utf8_decode(const char *s, size_t len, size_t *n) {
    const unsigned char *u = (const unsigned char *)s;
    if (len == 0) { *n = 0; return 0; }
    if (u[0] < 0x80) { *n = 1; return u[0]; }
    if ((u[0] & 0xE0) == 0xC0 && len >= 2) {
        *n = 2;
        return ((uint32_t)(u[0] & 0x1F) << 6) | (u[1] & 0x3F);
    }
    if ((u[0] & 0xF0) == 0xE0 && len >= 3) {
        *n = 3;
        return ((uint32_t)(u[0] & 0x0F) << 12) | ((uint32_t)(u[1] & 0x3F) << 6) | (u[2] & 0x3F);
    }
    if ((u[0] & 0xF8) == 0xF0 && len >= 4) {
        *n = 4;
        return ((uint32_t)(u[0] & 0x07) << 18) | ((uint32_t)(u[1] & 0x3F) << 12) |
               ((uint32_t)(u[2] & 0x3F) << 6) | (u[3] & 0x3F);
    }
    *n = 1;
    return 0xFFFD;
}

size_t utf8_encode(uint32_t cp, char out[4]) {
    if (cp < 0x80) { out[0] = (char)cp; return 1; }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

bool utf8_valid(const char *s, size_t len) {
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0;
    while (i < len) {
        unsigned char c = u[i];
        size_t n;
        uint32_t min;
        if (c < 0x80) { i++; continue; }
        if ((c & 0xE0) == 0xC0) { n = 2; min = 0x80; }
        else if ((c & 0xF0) == 0xE0) { n = 3; min = 0x800; }
        else if ((c & 0xF8) == 0xF0) { n = 4; min = 0x10000; }
        else return false;
        if (i + n > len) return false;
        for (size_t k = 1; k < n; k++)
            if ((u[i + k] & 0xC0) != 0x80) return false;
        size_t dn;
        uint32_t cp = utf8_decode(s + i, len - i, &dn);
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
        i += n;
    }
    return true;
}

size_t mem_find(const char *hay, size_t hlen, const char *needle, size_t nlen) {
    if (nlen == 0) return 0;
    if (nlen > hlen) return SIZE_MAX;
    const char *end = hay + hlen - nlen + 1;
    for (const char *p = hay; p < end; p++) {
        p = memchr(p, needle[0], (size_t)(end - p));
        if (!p) return SIZE_MAX;
        if (memcmp(p, needle, nlen) == 0) return (size_t)(p - hay);
    }
    return SIZE_MAX;
}

size_t mem_rfind(const char *hay, size_t hlen, const char *needle, size_t nlen) {
    if (nlen > hlen) return SIZE_MAX;
    for (size_t i = hlen - nlen + 1; i-- > 0;)
        if (memcmp(hay + i, needle, nlen) == 0) return i;
    return SIZE_MAX;
}

/* -------------------------------------------------------------- strings */

static void str_fill(str_obj *o, const char *s, size_t len) {
    o->data = o->inline_data;
    o->len = len;
    if (len) memcpy(o->data, s, len);
    o->data[len] = '\0';
    o->nchars = utf8_count(s, len);
    o->hash = -1;
}

str_obj *str_new(vm *m, const char *s, size_t len) {
    str_obj *o = gc_alloc(m, OK_STR, sizeof(str_obj) + len + 1);
    str_fill(o, s, len);
    return o;
}

str_obj *str_from_cstr(vm *m, const char *s) { return str_new(m, s, strlen(s)); }

str_obj *str_new_permanent(const char *s, size_t len) {
    str_obj *o = xcalloc(1, sizeof(str_obj) + len + 1);
    o->hdr.kind = OK_STR;
    o->hdr.flags = OBJ_PERMANENT;
    str_fill(o, s, len);
    return o;
}

value str_value(vm *m, const char *s, size_t len) { return v_obj(str_new(m, s, len)); }

value str_take_sb(vm *m, strbuf *sb) {
    value v = str_value(m, sb->data ? sb->data : "", sb->len);
    sb_free(sb);
    return v;
}

int64_t str_hash(str_obj *s) {
    if (s->hash != -1) return s->hash;
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < s->len; i++) {
        h ^= (unsigned char)s->data[i];
        h *= 1099511628211ULL;
    }
    int64_t r = (int64_t)(h >> 1);
    if (r == -1) r = -2;
    s->hash = r;
    return r;
}

bool str_eq(const str_obj *a, const str_obj *b) {
    return a == b || (a->len == b->len && memcmp(a->data, b->data, a->len) == 0);
}

bool str_eq_cstr(const str_obj *a, const char *s) {
    size_t n = strlen(s);
    return a->len == n && memcmp(a->data, s, n) == 0;
}

value str_concat_in_place(vm *m, value a, value b) {
    str_obj *x = V_STR(a), *y = V_STR(b);
    size_t len = x->len + y->len;
    if ((x->sflags & (STR_BUILDER | STR_ESCAPED)) == STR_BUILDER) {
        if (len + 1 > x->cap) {
            size_t cap = x->cap * 2;
            while (cap < len + 1) cap *= 2;
            x->data = xrealloc(x->data, cap);
            m->heap_bytes += cap - x->cap;
            x->cap = cap;
        }
        memcpy(x->data + x->len, y->data, y->len);
        x->data[len] = '\0';
        x->len = len;
        x->nchars += y->nchars;
        x->hash = -1;
        return a;
    }
    str_obj *o = gc_alloc(m, OK_STR, sizeof(str_obj));
    o->cap = (len + 1) * 2;
    o->data = xmalloc(o->cap);
    memcpy(o->data, x->data, x->len);
    memcpy(o->data + x->len, y->data, y->len);
    o->data[len] = '\0';
    o->len = len;
    o->nchars = x->nchars + y->nchars;
    o->hash = -1;
    o->sflags = STR_BUILDER;
    m->heap_bytes += o->cap;
    return v_obj(o);
}

value str_char_at(vm *m, str_obj *s, size_t i) {
    if (s->len == s->nchars) return str_value(m, s->data + i, 1);
    size_t off = utf8_offset(s->data, s->len, i);
    size_t n;
    utf8_decode(s->data + off, s->len - off, &n);
    return str_value(m, s->data + off, n);
}

/* ------------------------------------------------------ lists and tuples */

list_obj *list_new(vm *m, size_t cap) {
    list_obj *l = gc_alloc(m, OK_LIST, sizeof(list_obj));
    l->cap = cap;
    l->len = 0;
    l->items = cap ? xreallocarray(NULL, cap, sizeof(value)) : NULL;
    return l;
}

static void list_grow(list_obj *l, size_t need) {
    if (need <= l->cap) return;
    size_t cap = l->cap ? l->cap : 4;
    while (cap < need) cap *= 2;
    l->items = xreallocarray(l->items, cap, sizeof(value));
    l->cap = cap;
}

void list_append(list_obj *l, value v) {
    list_grow(l, l->len + 1);
    l->items[l->len++] = v;
}

void list_insert(list_obj *l, size_t at, value v) {
    if (at > l->len) at = l->len;
    list_grow(l, l->len + 1);
    memmove(l->items + at + 1, l->items + at, (l->len - at) * sizeof(value));
    l->items[at] = v;
    l->len++;
}

value list_pop_at(list_obj *l, size_t at) {
    value v = l->items[at];
    memmove(l->items + at, l->items + at + 1, (l->len - at - 1) * sizeof(value));
    l->len--;
    return v;
}

tuple_obj *tuple_new(vm *m, size_t len) {
    tuple_obj *t = gc_alloc(m, OK_TUPLE, sizeof(tuple_obj) + len * sizeof(value));
    t->len = len;
    for (size_t i = 0; i < len; i++) t->items[i] = v_none();
    return t;
}

value tuple_pack(vm *m, size_t n, const value *items) {
    tuple_obj *t = tuple_new(m, n);
    if (n) memcpy(t->items, items, n * sizeof(value));
    return v_obj(t);
}

/* ---------------------------------------------------------------- dicts */

dict_obj *dict_new(vm *m) {
    dict_obj *d = gc_alloc(m, OK_DICT, sizeof(dict_obj));
    d->entries = NULL;
    d->nentries = d->entries_cap = d->count = 0;
    d->index = NULL;
    d->index_cap = 0;
    return d;
}

uint64_t obj_address(const obj *o) { return 0x7f3a00000000ULL + (uint64_t)o->spare * 0x30ULL; }

static int64_t hash_int(int64_t i) {
    if (i == -1) return -2;
    if (i > -(int64_t)((1ULL << 61) - 1) && i < (int64_t)((1ULL << 61) - 1)) return i;
    const int64_t mod = (int64_t)((1ULL << 61) - 1);
    int64_t r = i % mod;
    if (r == -1) r = -2;
    return r;
}

/* CPython's _Py_HashDouble: exact on integral values (hash(2.0) ==
 * hash(2)) and, for the rest, the same bits as CPython. */
static int64_t hash_float(double v) {
    const uint64_t modulus = (1ULL << 61) - 1;
    if (isinf(v)) return v > 0 ? 314159 : -314159;
    if (isnan(v)) return 0;
    int e;
    double m = frexp(v, &e);
    int sign = 1;
    if (m < 0) {
        sign = -1;
        m = -m;
    }
    uint64_t x = 0;
    while (m != 0.0) {
        x = ((x << 28) & modulus) | x >> (61 - 28);
        m *= 268435456.0;
        e -= 28;
        uint64_t y = (uint64_t)m;
        m -= (double)y;
        x += y;
        if (x >= modulus) x -= modulus;
    }
    e = e >= 0 ? e % 61 : 61 - 1 - ((-1 - e) % 61);
    x = ((x << e) & modulus) | x >> (61 - e);
    x = x * (uint64_t)(int64_t)sign;
    if (x == (uint64_t)-1) x = (uint64_t)-2;
    return (int64_t)x;
}

bool dict_key_hash(value v, int64_t *out) {
    switch (v.tag) {
    case VT_NONE: *out = 0x5f3759df; return true;
    case VT_BOOL:
    case VT_INT: *out = hash_int(v.u.i); return true;
    case VT_FLOAT: *out = hash_float(v.u.f); return true;
    case VT_OBJ:
        switch (v.u.o->kind) {
        case OK_STR: *out = str_hash(V_STR(v)); return true;
        case OK_TUPLE: {
            /* CPython's tuplehash (xxHash lanes), so hash(t) and the order
               of a set of tuples match */
            tuple_obj *t = V_TUPLE(v);
            uint64_t acc = 2870177450012600261ULL;
            for (size_t i = 0; i < t->len; i++) {
                int64_t h;
                if (!dict_key_hash(t->items[i], &h)) return false;
                acc += (uint64_t)h * 14029467366897019727ULL;
                acc = (acc << 31) | (acc >> 33);
                acc *= 11400714785074694791ULL;
            }
            acc += (uint64_t)t->len ^ (2870177450012600261ULL ^ 3527539ULL);
            *out = acc == (uint64_t)-1 ? 1546275796 : (int64_t)acc;
            return true;
        }
        case OK_SET:
            if (!V_SET(v)->frozen) return false;
            *out = set_frozen_hash(V_SET(v));
            return true;
        case OK_LIST: case OK_DICT: case OK_DICTVIEW: return false;
        default: {
            /* CPython's _Py_HashPointer of the address id() shows: the
               same on every run (a pointer would vary with ASLR, and so
               would the order of a set of objects) */
            uint64_t y = obj_address(v.u.o);
            y = (y >> 4) | (y << 60);
            *out = y == (uint64_t)-1 ? -2 : (int64_t)y;
            return true;
        }
        }
    default: return false;
    }
}

bool dict_key_eq(value a, value b) {
    if (a.tag == VT_OBJ && b.tag == VT_OBJ) {
        if (a.u.o == b.u.o) return true;
        if (a.u.o->kind != b.u.o->kind) return false;
        if (a.u.o->kind == OK_STR) return str_eq(V_STR(a), V_STR(b));
        if (a.u.o->kind == OK_TUPLE) {
            tuple_obj *x = V_TUPLE(a), *y = V_TUPLE(b);
            if (x->len != y->len) return false;
            for (size_t i = 0; i < x->len; i++)
                if (!dict_key_eq(x->items[i], y->items[i])) return false;
            return true;
        }
        if (a.u.o->kind == OK_SET) return set_equal(V_SET(a), V_SET(b));
        return false;
    }
    if (a.tag == VT_OBJ || b.tag == VT_OBJ) return false;
    if (a.tag == VT_NONE || b.tag == VT_NONE) return a.tag == b.tag;
    if (a.tag == VT_FLOAT || b.tag == VT_FLOAT) {
        double x = a.tag == VT_FLOAT ? a.u.f : (double)a.u.i;
        double y = b.tag == VT_FLOAT ? b.u.f : (double)b.u.i;
        if (a.tag != VT_FLOAT && (int64_t)y != a.u.i) return false;
        if (b.tag != VT_FLOAT && (int64_t)x != b.u.i) return false;
        return x == y;
    }
    return a.u.i == b.u.i; /* ints and bools */
}

static void dict_reindex(dict_obj *d, size_t cap) {
    free(d->index);
    d->index = xreallocarray(NULL, cap, sizeof(int32_t));
    for (size_t i = 0; i < cap; i++) d->index[i] = -1;
    d->index_cap = cap;
    /* compact entries while re-indexing */
    size_t w = 0;
    for (size_t r = 0; r < d->nentries; r++) {
        if (d->entries[r].key.tag == VT_UNDEF) continue;
        d->entries[w] = d->entries[r];
        size_t mask = cap - 1, j = (size_t)d->entries[w].hash & mask;
        uint64_t perturb = (uint64_t)d->entries[w].hash;
        while (d->index[j] != -1) {
            perturb >>= 5;
            j = (j * 5 + 1 + (size_t)perturb) & mask;
        }
        d->index[j] = (int32_t)w;
        w++;
    }
    d->nentries = w;
}

/* Finds the index slot for key: returns the entry position or -1, and the
 * slot where it would be inserted. */
static int64_t dict_find(dict_obj *d, value key, int64_t hash, size_t *slot) {
    size_t mask = d->index_cap - 1, j = (size_t)hash & mask;
    uint64_t perturb = (uint64_t)hash;
    int64_t first_deleted = -1;
    for (;;) {
        int32_t ix = d->index[j];
        if (ix == -1) {
            *slot = first_deleted >= 0 ? (size_t)first_deleted : j;
            return -1;
        }
        if (ix == -2) {
            if (first_deleted < 0) first_deleted = (int64_t)j;
        } else {
            dict_entry *e = &d->entries[ix];
            if (e->hash == hash && dict_key_eq(e->key, key)) {
                *slot = j;
                return ix;
            }
        }
        perturb >>= 5;
        j = (j * 5 + 1 + (size_t)perturb) & mask;
    }
}

bool dict_lookup(dict_obj *d, value key, int64_t hash, value *out) {
    if (d->count == 0) return false;
    size_t slot;
    int64_t ix = dict_find(d, key, hash, &slot);
    if (ix < 0) return false;
    if (out) *out = d->entries[ix].val;
    return true;
}

void dict_store(dict_obj *d, value key, int64_t hash, value val) {
    if (d->index_cap == 0) dict_reindex(d, 8);
    size_t slot;
    int64_t ix = dict_find(d, key, hash, &slot);
    if (ix >= 0) {
        d->entries[ix].val = val;
        return;
    }
    if ((d->nentries + 1) * 3 >= d->index_cap * 2) {
        size_t cap = 8;
        while ((d->count + 1) * 3 >= cap * 2) cap *= 2;
        dict_reindex(d, cap);
        dict_find(d, key, hash, &slot);
    }
    if (d->nentries == d->entries_cap) {
        d->entries_cap = d->entries_cap ? d->entries_cap * 2 : 8;
        d->entries = xreallocarray(d->entries, d->entries_cap, sizeof(dict_entry));
    }
    d->entries[d->nentries].key = key;
    d->entries[d->nentries].val = val;
    d->entries[d->nentries].hash = hash;
    d->index[slot] = (int32_t)d->nentries;
    d->nentries++;
    d->count++;
}

bool dict_remove(dict_obj *d, value key, int64_t hash, value *old) {
    if (d->count == 0) return false;
    size_t slot;
    int64_t ix = dict_find(d, key, hash, &slot);
    if (ix < 0) return false;
    if (old) *old = d->entries[ix].val;
    d->entries[ix].key = v_undef();
    d->entries[ix].val = v_undef();
    d->index[slot] = -2;
    d->count--;
    return true;
}

bool dict_get_str(dict_obj *d, str_obj *key, value *out) {
    return dict_lookup(d, v_obj(key), str_hash(key), out);
}

bool dict_get_cstr(dict_obj *d, const char *key, value *out) {
    size_t n = strlen(key);
    /* hash without allocating: same FNV as str_hash */
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)key[i];
        h *= 1099511628211ULL;
    }
    int64_t hh = (int64_t)(h >> 1);
    if (hh == -1) hh = -2;
    if (d->count == 0) return false;
    size_t mask = d->index_cap - 1, j = (size_t)hh & mask;
    uint64_t perturb = (uint64_t)hh;
    for (;;) {
        int32_t ix = d->index[j];
        if (ix == -1) return false;
        if (ix >= 0) {
            dict_entry *e = &d->entries[ix];
            if (e->hash == hh && v_is_obj(e->key, OK_STR) && str_eq_cstr(V_STR(e->key), key)) {
                if (out) *out = e->val;
                return true;
            }
        }
        perturb >>= 5;
        j = (j * 5 + 1 + (size_t)perturb) & mask;
    }
}

void dict_set_str(dict_obj *d, str_obj *key, value val) {
    dict_store(d, v_obj(key), str_hash(key), val);
}

void dict_set_cstr(vm *m, dict_obj *d, const char *key, value val) {
    dict_set_str(d, str_from_cstr(m, key), val);
}

void dict_clear(dict_obj *d) {
    free(d->entries);
    free(d->index);
    d->entries = NULL;
    d->index = NULL;
    d->nentries = d->entries_cap = d->count = d->index_cap = 0;
}

bool dict_next(dict_obj *d, size_t *pos, value *key, value *val) {
    while (*pos < d->nentries) {
        dict_entry *e = &d->entries[(*pos)++];
        if (e->key.tag == VT_UNDEF) continue;
        if (key) *key = e->key;
        if (val) *val = e->val;
        return true;
    }
    return false;
}

/* ------------------------------------------------- classes and instances */

const char *class_module(const class_obj *c) {
    if (c->shown_module) return c->shown_module;
    return c->module_name ? c->module_name->data : NULL;
}

class_obj *class_new(vm *m, str_obj *name, class_obj *base) {
    class_obj *c = gc_alloc(m, OK_CLASS, sizeof(class_obj));
    c->name = name;
    c->base = base;
    c->dict = dict_new(m);
    c->builtin_tag = -1;
    c->flags = base ? (base->flags & CLS_EXCEPTION) : 0;
    c->module_name = NULL;
    return c;
}

instance_obj *instance_new(vm *m, class_obj *cls) {
    instance_obj *o = gc_alloc(m, OK_INSTANCE, sizeof(instance_obj));
    o->cls = cls;
    o->dict = dict_new(m);
    o->ntype = NULL;
    o->payload = NULL;
    return o;
}

bool class_lookup(class_obj *c, str_obj *name, value *out) {
    for (; c; c = c->base)
        if (dict_get_str(c->dict, name, out)) return true;
    return false;
}

bool class_is_subclass(const class_obj *c, const class_obj *base) {
    for (; c; c = c->base)
        if (c == base) return true;
    return false;
}

/* ------------------------------------------------------------ functions */

native_obj *native_new(vm *m, const char *name, vm_native_fn fn, bool is_method) {
    native_obj *n = gc_alloc(m, OK_NATIVE, sizeof(native_obj));
    n->name = name;
    n->fn = fn;
    n->data = v_undef();
    n->is_method = is_method;
    return n;
}

bound_obj *bound_new(vm *m, value self, value func) {
    bound_obj *b = gc_alloc(m, OK_BOUND, sizeof(bound_obj));
    b->self = self;
    b->func = func;
    return b;
}

cell_obj *cell_new(vm *m, value v) {
    cell_obj *c = gc_alloc(m, OK_CELL, sizeof(cell_obj));
    c->v = v;
    return c;
}

void native_register(vm *m, dict_obj *d, const native_def *defs, bool is_method) {
    for (; defs->name; defs++)
        dict_set_cstr(m, d, defs->name, v_obj(native_new(m, defs->name, defs->fn, is_method)));
}
