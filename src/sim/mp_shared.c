/* mp_shared.c - multiprocessing's shared memory: Value, Array, RawValue and
 * RawArray (FACTS.md section 8).
 *
 * The memory is a payload owned by the machine, holding C numbers (never
 * Python values), so a forked child that copies a wrapper shares the very
 * same bytes. Two kinds of Python objects stand for one block: the
 * Synchronized wrappers (Synchronized, SynchronizedArray, SynchronizedString)
 * take the block's lock around each access; the raw ctypes-like objects
 * (c_int, c_double_Array...: RawValue, lock=False, get_obj()) do not.
 *
 * Every access is its own interaction: `v.value += 1` is a read (LOAD_ATTR)
 * and a write (STORE_ATTR), each ordered in virtual time by vm_sync_point,
 * so processes on several cores lose updates exactly as in CPython unless
 * the program holds get_lock() around both. An access while another thread
 * holds the lock waits for it (the instruction runs again when it is free).
 *
 * Trace: OBJ_NEW (TO_VALUE with the initial value as an int, or TO_ARRAY
 * with the length), then one SYNC_OP per access on the block's object:
 * op TOP_SET for a write and TOP_WAIT for a read (trace.h has no read/write
 * ops yet), always result ok, with a detail naming the access: "init 0",
 * "read 5", "write 6", "read [3] 7", "write [1:4] [7, 8, 9]". Reads made by
 * repr() are not traced.
 *
 * Cost: a raw access 40 ns, a locked one 250 ns (FACTS.md: a locked
 * .value read is 0.27-0.30 us with the call around it), plus 5 ns an
 * element for slices.
 *
 * Limits: the classes live in the 'multiprocessing' module (so a child can
 * find them by name when a wrapper is copied), typecode 'c' reads give bytes,
 * which concviz does not have (an error says so), and element access
 * through a[i] runs nested inside the interpreter (ops_getitem), where it can
 * neither be ordered in virtual time nor wait for a held lock. */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lang/num.h"
#include "lang/obj.h"
#include "lang/xalloc.h"
#include "sim/mp_parts.h"
#include "sim/sim_sync.h"

enum {
    MP_SHARED_RAW_NS = 40,      /* a raw ctypes access */
    MP_SHARED_LOCKED_NS = 250,  /* the same with the wrapper's RLock taken and released */
    MP_SHARED_ELEM_NS = 5,      /* each element of a slice */
    MP_SHARED_DETAIL_ITEMS = 16 /* elements shown in a trace detail */
};

/* The largest block a program may allocate (a runaway guard). */
#define MP_SHARED_MAX_BYTES ((size_t)64 << 20)

typedef enum mp_shared_class { MP_K_CHAR, MP_K_WCHAR, MP_K_SIGNED, MP_K_UNSIGNED, MP_K_FLOAT } mp_shared_class;

/* X(typecode, ctypes name, size in bytes, class): the typecodes of the
 * array module that sharedctypes accepts, and the ctypes type each makes on
 * 64-bit Linux (where c_longlong is c_long). */
#define MP_SHARED_KINDS(X)                 \
    X('c', "c_char", 1, MP_K_CHAR)         \
    X('u', "c_wchar", 4, MP_K_WCHAR)       \
    X('b', "c_byte", 1, MP_K_SIGNED)       \
    X('B', "c_ubyte", 1, MP_K_UNSIGNED)    \
    X('h', "c_short", 2, MP_K_SIGNED)      \
    X('H', "c_ushort", 2, MP_K_UNSIGNED)   \
    X('i', "c_int", 4, MP_K_SIGNED)        \
    X('I', "c_uint", 4, MP_K_UNSIGNED)     \
    X('l', "c_long", 8, MP_K_SIGNED)       \
    X('L', "c_ulong", 8, MP_K_UNSIGNED)    \
    X('q', "c_long", 8, MP_K_SIGNED)       \
    X('Q', "c_ulong", 8, MP_K_UNSIGNED)    \
    X('f', "c_float", 4, MP_K_FLOAT)       \
    X('d', "c_double", 8, MP_K_FLOAT)

typedef struct mp_shared_kind {
    char code;
    const char *ctype;
    size_t size;
    mp_shared_class cls;
} mp_shared_kind;

static const mp_shared_kind mp_shared_kinds[] = {
#define MP_SHARED_KIND_ROW(code, ctype, size, cls) {code, ctype, size, cls},
    MP_SHARED_KINDS(MP_SHARED_KIND_ROW)
#undef MP_SHARED_KIND_ROW
};
#define MP_SHARED_NKINDS (sizeof mp_shared_kinds / sizeof mp_shared_kinds[0])

/* One block of shared memory (machine-owned, shared across fork). */
typedef struct mp_shared_mem {
    int obj;                     /* trace object id */
    const mp_shared_kind *kind;
    bool is_array;
    size_t len;                  /* elements (1 for a Value) */
    unsigned char *data;         /* len * kind->size bytes */
    sync_lock *lock;             /* what the wrappers take (NULL: lock=False) */
} mp_shared_mem;

static void mp_shared_mem_free(void *p) { free(((mp_shared_mem *)p)->data); }

static vm_status mp_shared_sync_repr(vm_thread *th, value self, strbuf *out);
static vm_status mp_shared_raw_repr(vm_thread *th, value self, strbuf *out);
static vm_status mp_shared_iter_repr(vm_thread *th, value self, strbuf *out);
static vm_status mp_shared_getattr(vm_thread *th, value self, str_obj *name, value *out, bool *found);
static vm_status mp_shared_setattr(vm_thread *th, value self, str_obj *name, value v, bool *handled);

/* The wrappers lock; the raw objects (same payload) do not. */
static const native_type mp_shared_sync_type = {
    .name = "Synchronized", .repr = mp_shared_sync_repr, .getattr = mp_shared_getattr, .setattr = mp_shared_setattr,
    .inherit_only = ""};
static const native_type mp_shared_raw_type = {
    .name = "ctypes", .repr = mp_shared_raw_repr, .getattr = mp_shared_getattr, .setattr = mp_shared_setattr};
/* iter(array): a per-process object with no payload, only a repr */
static const native_type mp_shared_iter_type = {.name = "iterator", .repr = mp_shared_iter_repr};

/* ------------------------------------------------------------ typecodes */

static const mp_shared_kind *mp_shared_kind_of(value tc) {
    if (!v_is_obj(tc, OK_STR) || V_STR(tc)->len != 1) return NULL;
    for (size_t i = 0; i < MP_SHARED_NKINDS; i++)
        if (mp_shared_kinds[i].code == V_STR(tc)->data[0]) return &mp_shared_kinds[i];
    return NULL;
}

static uint64_t mp_shared_load_bits(const unsigned char *p, size_t size) {
    switch (size) {
    case 1: { uint8_t x; memcpy(&x, p, 1); return x; }
    case 2: { uint16_t x; memcpy(&x, p, 2); return x; }
    case 4: { uint32_t x; memcpy(&x, p, 4); return x; }
    default: { uint64_t x; memcpy(&x, p, 8); return x; }
    }
}

/* Keeps the low bits, as ctypes does for any int (no overflow check). */
static void mp_shared_store_bits(unsigned char *p, size_t size, uint64_t bits) {
    switch (size) {
    case 1: { uint8_t x = (uint8_t)bits; memcpy(p, &x, 1); break; }
    case 2: { uint16_t x = (uint16_t)bits; memcpy(p, &x, 2); break; }
    case 4: { uint32_t x = (uint32_t)bits; memcpy(p, &x, 4); break; }
    default: memcpy(p, &bits, 8); break;
    }
}

static int64_t mp_shared_signed(uint64_t bits, size_t size) {
    switch (size) {
    case 1: return (int8_t)(uint8_t)bits;
    case 2: return (int16_t)(uint16_t)bits;
    case 4: return (int32_t)(uint32_t)bits;
    default: return (int64_t)bits;
    }
}

static double mp_shared_load_float(const mp_shared_kind *k, const unsigned char *p) {
    if (k->size == 4) {
        float f;
        memcpy(&f, p, 4);
        return (double)f;
    }
    double d;
    memcpy(&d, p, 8);
    return d;
}

/* double -> float as the C cast does on IEEE machines (too large: inf),
 * spelled out so no out-of-range conversion is ever performed. */
static float mp_shared_to_float(double d) {
    if (isfinite(d) && fabs(d) > (double)FLT_MAX) {
        /* beyond FLT_MAX plus half an ulp the nearest float is infinity */
        if (fabs(d) >= 0x1.ffffffp127) return d > 0 ? HUGE_VALF : -HUGE_VALF;
        return d > 0 ? FLT_MAX : -FLT_MAX;
    }
    return (float)d;
}

/* Converts v for a slot of kind k into p, with ctypes' errors. */
static vm_status mp_shared_encode(vm_thread *th, const mp_shared_kind *k, value v, unsigned char *p) {
    vm *m = th->vm;
    switch (k->cls) {
    case MP_K_SIGNED:
    case MP_K_UNSIGNED:
        if (v.tag != VT_INT && v.tag != VT_BOOL)
            return vm_raise(th, m->cls.TypeError, "'%s' object cannot be interpreted as an integer", ops_type_name(m, v));
        mp_shared_store_bits(p, k->size, (uint64_t)v.u.i);
        return VM_OK;
    case MP_K_FLOAT: {
        double d;
        if (v.tag == VT_FLOAT) d = v.u.f;
        else if (v.tag == VT_INT || v.tag == VT_BOOL) d = (double)v.u.i;
        else return vm_raise(th, m->cls.TypeError, "must be real number, not %s", ops_type_name(m, v));
        if (k->size == 4) {
            float f = mp_shared_to_float(d);
            memcpy(p, &f, 4);
        } else {
            memcpy(p, &d, 8);
        }
        return VM_OK;
    }
    case MP_K_CHAR:
        if ((v.tag != VT_INT && v.tag != VT_BOOL) || v.u.i < 0 || v.u.i > 255)
            return vm_raise(th, m->cls.TypeError, "one character bytes, bytearray or integer expected");
        p[0] = (unsigned char)v.u.i;
        return VM_OK;
    case MP_K_WCHAR: {
        if (!v_is_obj(v, OK_STR))
            return vm_raise(th, m->cls.TypeError, "unicode string expected instead of %s instance", ops_type_name(m, v));
        str_obj *s = V_STR(v);
        if (s->nchars != 1) return vm_raise(th, m->cls.TypeError, "one character unicode string expected");
        size_t n;
        mp_shared_store_bits(p, 4, utf8_decode(s->data, s->len, &n));
        return VM_OK;
    }
    }
    return VM_OK;
}

static vm_status mp_shared_no_bytes(vm_thread *th) {
    return vm_raise(th, th->vm->cls.TypeError,
                    "concviz: typecode 'c' holds bytes, which concviz does not support");
}

/* The Python value of the slot at p. */
static vm_status mp_shared_decode(vm_thread *th, const mp_shared_kind *k, const unsigned char *p, value *out) {
    uint64_t bits;
    switch (k->cls) {
    case MP_K_SIGNED:
        *out = v_int(mp_shared_signed(mp_shared_load_bits(p, k->size), k->size));
        return VM_OK;
    case MP_K_UNSIGNED:
        bits = mp_shared_load_bits(p, k->size);
        if (bits > (uint64_t)INT64_MAX) return vm_raise(th, th->vm->cls.OverflowError, NUM_INT_OVERFLOW_MSG);
        *out = v_int((int64_t)bits);
        return VM_OK;
    case MP_K_FLOAT:
        *out = v_float(mp_shared_load_float(k, p));
        return VM_OK;
    case MP_K_CHAR:
        return mp_shared_no_bytes(th);
    case MP_K_WCHAR: {
        char buf[4];
        size_t n = utf8_encode((uint32_t)mp_shared_load_bits(p, 4), buf);
        *out = str_value(th->vm, buf, n);
        return VM_OK;
    }
    }
    return VM_OK;
}

/* The slot as ctypes shows it inside c_int(...): 5, 0.5, b'A', 'x'. */
static void mp_shared_elem_text(vm_thread *th, const mp_shared_kind *k, const unsigned char *p, strbuf *out) {
    uint64_t bits = k->cls == MP_K_FLOAT ? 0 : mp_shared_load_bits(p, k->size);
    switch (k->cls) {
    case MP_K_SIGNED: sb_printf(out, "%lld", (long long)mp_shared_signed(bits, k->size)); return;
    case MP_K_UNSIGNED: sb_printf(out, "%llu", (unsigned long long)bits); return;
    case MP_K_FLOAT: ops_repr(th, v_float(mp_shared_load_float(k, p)), out); return;
    case MP_K_CHAR: {
        unsigned char c = (unsigned char)bits;
        char q = c == '\'' ? '"' : '\'';
        sb_putc(out, 'b');
        sb_putc(out, q);
        if (c == (unsigned char)q || c == '\\') {
            sb_putc(out, '\\');
            sb_putc(out, (char)c);
        } else if (c == '\t') sb_puts(out, "\\t");
        else if (c == '\n') sb_puts(out, "\\n");
        else if (c == '\r') sb_puts(out, "\\r");
        else if (c < 0x20 || c >= 0x7f) sb_printf(out, "\\x%02x", c);
        else sb_putc(out, (char)c);
        sb_putc(out, q);
        return;
    }
    case MP_K_WCHAR: {
        char buf[4];
        size_t n = utf8_encode((uint32_t)bits, buf);
        ops_repr(th, str_value(th->vm, buf, n), out);
        return;
    }
    }
}

/* "[a, b, c]" for count elements from start by step (long ones cut). */
static void mp_shared_range_text(vm_thread *th, const mp_shared_mem *mem, int64_t start, int64_t step, size_t count,
                                 strbuf *out) {
    sb_putc(out, '[');
    for (size_t i = 0; i < count; i++) {
        if (i) sb_puts(out, ", ");
        if (i == MP_SHARED_DETAIL_ITEMS) {
            sb_puts(out, "...");
            break;
        }
        size_t at = (size_t)(start + (int64_t)i * step);
        mp_shared_elem_text(th, mem->kind, mem->data + at * mem->kind->size, out);
    }
    sb_putc(out, ']');
}

/* ------------------------------------------------------------ accesses */

static bool mp_shared_is_sync(value self) { return V_INST(self)->ntype == &mp_shared_sync_type; }

/* Before touching the block: wait until every core has caught up (virtual
 * time order), and, for a wrapper, until no other thread holds its lock.
 * Both return VM_BLOCK with the instruction rewound. Nested inside the
 * interpreter (a[i]) neither is possible, and the access goes ahead. */
static vm_status mp_shared_begin(vm_thread *th, mp_shared_mem *mem, bool locked) {
    if (vm_sync_point(th)) return VM_BLOCK;
    sim_thread *me = sim_current(th);
    sync_lock *l = locked ? mem->lock : NULL;
    if (!l || !me) return VM_OK;
    bool mine = l->locked && l->rlock && l->owner == me;
    if (l->locked && !mine && !th->nested) {
        value got;
        vm_status st = sync_lock_acquire(th, l, true, v_undef(), &got);
        if (st != VM_OK) return st;
        /* not reached while the lock is held; if it was taken, give it back */
        if ((st = sync_lock_release(th, l)) != VM_OK) return st;
    }
    if (me->retry_obj == l->obj) {
        /* a wait for the lock ended: forget it, as a completed acquire would */
        me->retry_obj = 0;
        me->retry_deadline = -1;
        me->timed_out = false;
        me->phase = 0;
    }
    return VM_OK;
}

/* After the access: its trace event and its virtual cost. */
static void mp_shared_end(vm_thread *th, mp_shared_mem *mem, bool locked, bool write, const char *detail, size_t nelems) {
    sim_thread *me = sim_current(th);
    if (me) simmod_sync_op(me, mem->obj, write ? TOP_SET : TOP_WAIT, TRACE_RESULT_OK, detail);
    int64_t ns = (locked && mem->lock ? MP_SHARED_LOCKED_NS : MP_SHARED_RAW_NS) + (int64_t)nelems * MP_SHARED_ELEM_NS;
    vm_set_now(th, vm_now(th) + ns);
}

/* Reads element i (the only one of a Value) as one traced access. */
static vm_status mp_shared_read_at(vm_thread *th, mp_shared_mem *mem, bool locked, size_t i, value *out) {
    vm_status st = mp_shared_begin(th, mem, locked);
    if (st != VM_OK) return st;
    const unsigned char *p = mem->data + i * mem->kind->size;
    if ((st = mp_shared_decode(th, mem->kind, p, out)) != VM_OK) return st;
    strbuf sb;
    sb_init(&sb);
    if (mem->is_array) sb_printf(&sb, "read [%zu] ", i);
    else sb_puts(&sb, "read ");
    mp_shared_elem_text(th, mem->kind, p, &sb);
    mp_shared_end(th, mem, locked, false, sb.data, 0);
    sb_free(&sb);
    return VM_OK;
}

/* Writes v into element i as one traced access. */
static vm_status mp_shared_write_at(vm_thread *th, mp_shared_mem *mem, bool locked, size_t i, value v) {
    unsigned char tmp[8];
    vm_status st = mp_shared_encode(th, mem->kind, v, tmp);
    if (st != VM_OK) return st;
    if ((st = mp_shared_begin(th, mem, locked)) != VM_OK) return st;
    unsigned char *p = mem->data + i * mem->kind->size;
    memcpy(p, tmp, mem->kind->size);
    strbuf sb;
    sb_init(&sb);
    if (mem->is_array) sb_printf(&sb, "write [%zu] ", i);
    else sb_puts(&sb, "write ");
    mp_shared_elem_text(th, mem->kind, p, &sb);
    mp_shared_end(th, mem, locked, true, sb.data, 0);
    sb_free(&sb);
    return VM_OK;
}

static void mp_shared_slice_name(strbuf *sb, const char *verb, int64_t a, int64_t b, int64_t step) {
    if (step == 1) sb_printf(sb, "%s [%lld:%lld] ", verb, (long long)a, (long long)b);
    else sb_printf(sb, "%s [%lld:%lld:%lld] ", verb, (long long)a, (long long)b, (long long)step);
}

/* Reads count elements (a slice) as one traced access: a list, or a str
 * for 'u' arrays. */
static vm_status mp_shared_read_range(vm_thread *th, mp_shared_mem *mem, bool locked, int64_t a, int64_t b,
                                      int64_t step, size_t count, value *out) {
    if (mem->kind->cls == MP_K_CHAR) return mp_shared_no_bytes(th);
    vm_status st = mp_shared_begin(th, mem, locked);
    if (st != VM_OK) return st;
    vm *m = th->vm;
    size_t size = mem->kind->size;
    if (mem->kind->cls == MP_K_WCHAR) {
        strbuf text;
        sb_init(&text);
        for (size_t i = 0; i < count; i++) {
            char buf[4];
            size_t at = (size_t)(a + (int64_t)i * step);
            sb_append(&text, buf, utf8_encode((uint32_t)mp_shared_load_bits(mem->data + at * size, 4), buf));
        }
        *out = str_value(m, text.data ? text.data : "", text.len);
        sb_free(&text);
    } else {
        list_obj *l = list_new(m, count);
        for (size_t i = 0; i < count; i++) {
            value v;
            size_t at = (size_t)(a + (int64_t)i * step);
            if ((st = mp_shared_decode(th, mem->kind, mem->data + at * size, &v)) != VM_OK) return st;
            list_append(l, v);
        }
        *out = v_obj(l);
    }
    strbuf sb;
    sb_init(&sb);
    mp_shared_slice_name(&sb, "read", a, b, step);
    mp_shared_range_text(th, mem, a, step, count, &sb);
    mp_shared_end(th, mem, locked, false, sb.data, count);
    sb_free(&sb);
    return VM_OK;
}

/* The items a slice assignment takes: a list, tuple, range or str of the
 * slice's size (ctypes' "sequence"); anything else does not fit. */
static vm_status mp_shared_source(vm_thread *th, value v, size_t count, list_obj **out) {
    *out = NULL;
    if (v_is_obj(v, OK_LIST) || v_is_obj(v, OK_TUPLE) || v_is_obj(v, OK_RANGE) || v_is_obj(v, OK_STR)) {
        vm_status st = ops_to_list(th, v, out);
        if (st != VM_OK) return st;
        if ((*out)->len == count) return VM_OK;
    }
    return vm_raise(th, th->vm->cls.ValueError, "Can only assign sequence of same size");
}

static vm_status mp_shared_write_range(vm_thread *th, mp_shared_mem *mem, bool locked, int64_t a, int64_t b,
                                       int64_t step, size_t count, value src) {
    list_obj *items;
    vm_status st = mp_shared_source(th, src, count, &items);
    if (st != VM_OK) return st;
    size_t size = mem->kind->size;
    /* converted first, so a bad item leaves the block untouched */
    unsigned char *tmp = xcalloc(count ? count : 1, size);
    for (size_t i = 0; i < count; i++)
        if ((st = mp_shared_encode(th, mem->kind, items->items[i], tmp + i * size)) != VM_OK) {
            free(tmp);
            return st;
        }
    if ((st = mp_shared_begin(th, mem, locked)) != VM_OK) {
        free(tmp);
        return st;
    }
    for (size_t i = 0; i < count; i++) memcpy(mem->data + (size_t)(a + (int64_t)i * step) * size, tmp + i * size, size);
    free(tmp);
    strbuf sb;
    sb_init(&sb);
    mp_shared_slice_name(&sb, "write", a, b, step);
    mp_shared_range_text(th, mem, a, step, count, &sb);
    mp_shared_end(th, mem, locked, true, sb.data, count);
    sb_free(&sb);
    return VM_OK;
}

/* ------------------------------------------------------------ attribute hooks */

/* .value of a Value (and .value/.raw of a 'c' array, which are bytes). */
static bool mp_shared_value_attr(const mp_shared_mem *mem, str_obj *name) {
    if (mem->is_array) return mem->kind->cls == MP_K_CHAR && (str_eq_cstr(name, "value") || str_eq_cstr(name, "raw"));
    return str_eq_cstr(name, "value");
}

static vm_status mp_shared_getattr(vm_thread *th, value self, str_obj *name, value *out, bool *found) {
    mp_shared_mem *mem = V_INST(self)->payload;
    *found = false;
    if (!mem || !mp_shared_value_attr(mem, name)) return VM_OK;
    *found = true;
    if (mem->is_array) return mp_shared_no_bytes(th);
    return mp_shared_read_at(th, mem, mp_shared_is_sync(self), 0, out);
}

static vm_status mp_shared_setattr(vm_thread *th, value self, str_obj *name, value v, bool *handled) {
    mp_shared_mem *mem = V_INST(self)->payload;
    *handled = false;
    if (!mem || !mp_shared_value_attr(mem, name)) return VM_OK;
    *handled = true;
    if (mem->is_array) return mp_shared_no_bytes(th);
    return mp_shared_write_at(th, mem, mp_shared_is_sync(self), 0, v);
}

/* ------------------------------------------------------------ reprs */

static unsigned long long mp_shared_address(value o) { return (unsigned long long)obj_address(o.u.o); }

/* c_int(7), or <multiprocessing.sharedctypes.c_int_Array_5 object at 0x...> */
static void mp_shared_raw_text(vm_thread *th, const mp_shared_mem *mem, value raw, strbuf *out) {
    if (mem->is_array) {
        sb_printf(out, "<multiprocessing.sharedctypes.%s_Array_%zu object at 0x%llx>", mem->kind->ctype, mem->len,
                  mp_shared_address(raw));
        return;
    }
    sb_printf(out, "%s(", mem->kind->ctype);
    mp_shared_elem_text(th, mem->kind, mem->data, out);
    sb_putc(out, ')');
}

static vm_status mp_shared_raw_repr(vm_thread *th, value self, strbuf *out) {
    mp_shared_raw_text(th, V_INST(self)->payload, self, out);
    return VM_OK;
}

static vm_status mp_shared_sync_repr(vm_thread *th, value self, strbuf *out) {
    instance_obj *in = V_INST(self);
    value raw = self;
    dict_get_cstr(in->dict, "_obj", &raw);
    sb_printf(out, "<%s wrapper for ", in->cls->name->data);
    mp_shared_raw_text(th, in->payload, raw.tag == VT_OBJ ? raw : self, out);
    sb_putc(out, '>');
    return VM_OK;
}

static vm_status mp_shared_iter_repr(vm_thread *th, value self, strbuf *out) {
    (void)th;
    sb_printf(out, "<iterator object at 0x%llx>", mp_shared_address(self));
    return VM_OK;
}

/* ------------------------------------------------------------ creation */

/* The lock argument as sharedctypes.Value/Array read it: False gives the raw
 * object; True, None (or anything equal to them) a new RLock; otherwise the
 * object itself, which must have an acquire method. concviz needs it to be
 * a multiprocessing Lock, RLock or Condition. */
static vm_status mp_shared_lock_arg(vm_thread *th, value lockv, bool *wrap, value *lock_obj, sync_lock **l) {
    vm *m = th->vm;
    *wrap = true;
    *l = NULL;
    if (lockv.tag == VT_UNDEF) lockv = v_bool(true);
    if (lockv.tag == VT_BOOL && !lockv.u.i) {
        *wrap = false;
        return VM_OK;
    }
    vm_status st;
    bool fresh = lockv.tag == VT_NONE || lockv.tag == VT_BOOL || (lockv.tag == VT_INT && lockv.u.i == 1) ||
                 (lockv.tag == VT_FLOAT && lockv.u.f == 1.0);
    if (fresh) {
        value mod, factory;
        if (!dict_get_cstr(m->modules, "multiprocessing", &mod) ||
            !dict_get_cstr(((module_obj *)mod.u.o)->dict, "RLock", &factory))
            return vm_raise(th, m->cls.RuntimeError, "concviz: multiprocessing.RLock is missing");
        if ((st = vm_call(th, factory, NULL, 0, &lockv)) != VM_OK) return st;
    }
    if (v_is_obj(lockv, OK_INSTANCE) && V_INST(lockv)->payload) {
        class_obj *c = V_INST(lockv)->cls;
        class_obj *lk = mp_class(m, "Lock"), *rl = mp_class(m, "RLock"), *cond = mp_class(m, "Condition");
        if ((lk != m->cls.object && class_is_subclass(c, lk)) || (rl != m->cls.object && class_is_subclass(c, rl)))
            *l = V_INST(lockv)->payload;
        else if (cond != m->cls.object && class_is_subclass(c, cond))
            *l = ((sync_cond *)V_INST(lockv)->payload)->lock;
    }
    if (!*l) {
        value ignored;
        bool found;
        if ((st = ops_getattr_opt(th, lockv, str_from_cstr(m, "acquire"), &ignored, &found)) != VM_OK) return st;
        if (!found) {
            strbuf sb;
            sb_init(&sb);
            if ((st = ops_repr(th, lockv, &sb)) == VM_OK)
                st = vm_raise(th, m->cls.AttributeError, "%s has no method 'acquire'", sb.data);
            sb_free(&sb);
            return st;
        }
        return vm_raise(th, m->cls.TypeError,
                        "concviz: the lock of a shared Value or Array must be a multiprocessing Lock, RLock or Condition");
    }
    *lock_obj = lockv;
    return VM_OK;
}

static mp_shared_mem *mp_shared_mem_alloc(const mp_shared_kind *k, size_t len, bool is_array) {
    mp_shared_mem *mem = xcalloc(1, sizeof *mem);
    mem->kind = k;
    mem->len = len;
    mem->is_array = is_array;
    mem->data = xcalloc(len ? len : 1, k->size);
    mem->obj = -1;
    return mem;
}

static void mp_shared_mem_discard(mp_shared_mem *mem) {
    free(mem->data);
    free(mem);
}

static class_obj *mp_shared_raw_class(vm *m, const mp_shared_mem *mem) {
    char name[40];
    snprintf(name, sizeof name, mem->is_array ? "%s_Array" : "%s", mem->kind->ctype);
    return mp_class(m, name);
}

/* Hands a filled block to the machine, traces it, and makes its objects:
 * the raw one, and unless lock=False the wrapper around it. */
static vm_status mp_shared_finish(vm_thread *th, mp_shared_mem *mem, bool sync, value lockv, value *out) {
    vm *m = th->vm;
    bool wrap = false;
    value lock_obj = v_undef();
    if (sync) {
        vm_status st = mp_shared_lock_arg(th, lockv, &wrap, &lock_obj, &mem->lock);
        if (st != VM_OK) {
            mp_shared_mem_discard(mem);
            return st;
        }
    }
    sim_thread *me = sim_current(th);
    sim_own(me->s, mem, mp_shared_mem_free);
    int value0 = (int)mem->len;
    if (!mem->is_array) {
        value v;
        if (mp_shared_decode(th, mem->kind, mem->data, &v) != VM_OK) th->exc = v_undef();
        else if (v.tag == VT_INT && v.u.i >= INT32_MIN && v.u.i <= INT32_MAX) value0 = (int)v.u.i;
        else if (v.tag == VT_FLOAT && fabs(v.u.f) < 2e9) value0 = (int)v.u.f;
        else value0 = 0;
    }
    mem->obj = sim_new_object(me->s, me, mem->is_array ? TO_ARRAY : TO_VALUE, value0, NULL);
    strbuf sb;
    sb_init(&sb);
    sb_puts(&sb, "init ");
    if (mem->is_array) mp_shared_range_text(th, mem, 0, 1, mem->len, &sb);
    else mp_shared_elem_text(th, mem->kind, mem->data, &sb);
    simmod_sync_op(me, mem->obj, TOP_SET, TRACE_RESULT_OK, sb.data);
    sb_free(&sb);
    value raw = simmod_instance(th, mp_shared_raw_class(m, mem), &mp_shared_raw_type, mem);
    if (!wrap) {
        *out = raw;
        return VM_OK;
    }
    const char *cls = !mem->is_array ? "Synchronized" : mem->kind->cls == MP_K_CHAR ? "SynchronizedString"
                                                                                    : "SynchronizedArray";
    value w = simmod_instance(th, mp_class(m, cls), &mp_shared_sync_type, mem);
    dict_set_cstr(m, V_INST(w)->dict, "_obj", raw);
    dict_set_cstr(m, V_INST(w)->dict, "_lock", lock_obj);
    *out = w;
    return VM_OK;
}

/* Keyword arguments other than the allowed ones, as BaseContext's methods report them. */
static vm_status mp_shared_check_kw(vm_thread *th, const vm_args *a, const char *fname, const char *const *allowed) {
    for (int k = 0; k < a->nkw; k++) {
        bool ok = false;
        for (int i = 0; allowed[i]; i++)
            if (str_eq_cstr(a->kwnames[k], allowed[i])) ok = true;
        if (!ok)
            return vm_raise(th, th->vm->cls.TypeError, "%s() got an unexpected keyword argument '%s'", fname,
                            a->kwnames[k]->data);
    }
    return VM_OK;
}

/* Value(typecode_or_type, *args, lock=True) and RawValue(typecode_or_type, *args) */
static vm_status mp_shared_make_value(vm_thread *th, const vm_args *a, value *out, bool sync) {
    vm *m = th->vm;
    const char *fname = sync ? "BaseContext.Value" : "BaseContext.RawValue";
    static const char *const kw_sync[] = {"typecode_or_type", "lock", NULL};
    static const char *const kw_raw[] = {"typecode_or_type", NULL};
    vm_status st = mp_shared_check_kw(th, a, fname, sync ? kw_sync : kw_raw);
    if (st != VM_OK) return st;
    value tc = args_get(a, 0, "typecode_or_type");
    if (tc.tag == VT_UNDEF)
        return vm_raise(th, m->cls.TypeError, "%s() missing 1 required positional argument: 'typecode_or_type'", fname);
    if (a->npos > 0 && args_kw(a, "typecode_or_type", NULL))
        return vm_raise(th, m->cls.TypeError, "%s() got multiple values for argument 'typecode_or_type'", fname);
    const mp_shared_kind *k = mp_shared_kind_of(tc);
    if (!k) return vm_raise(th, m->cls.TypeError, "this type has no size");
    int nargs = a->npos > 0 ? a->npos - 1 : 0;
    if (nargs > 1) return vm_raise(th, m->cls.TypeError, "__init__ expected at most 1 argument, got %d", nargs);
    mp_shared_mem *mem = mp_shared_mem_alloc(k, 1, false);
    if (nargs == 1 && (st = mp_shared_encode(th, k, a->pos[1], mem->data)) != VM_OK) {
        mp_shared_mem_discard(mem);
        return st;
    }
    return mp_shared_finish(th, mem, sync, sync ? args_get(a, -1, "lock") : v_undef(), out);
}

/* Array(typecode_or_type, size_or_initializer, *, lock=True) and RawArray(...) */
static vm_status mp_shared_make_array(vm_thread *th, const vm_args *a, value *out, bool sync) {
    vm *m = th->vm;
    const char *fname = sync ? "BaseContext.Array" : "BaseContext.RawArray";
    static const char *const kw_sync[] = {"typecode_or_type", "size_or_initializer", "lock", NULL};
    static const char *const kw_raw[] = {"typecode_or_type", "size_or_initializer", NULL};
    vm_status st = mp_shared_check_kw(th, a, fname, sync ? kw_sync : kw_raw);
    if (st != VM_OK) return st;
    if (a->npos > 2)
        return vm_raise(th, m->cls.TypeError, "%s() takes 3 positional arguments but %d were given", fname, a->npos + 1);
    value tc = args_get(a, 0, "typecode_or_type"), init = args_get(a, 1, "size_or_initializer");
    if (tc.tag == VT_UNDEF && init.tag == VT_UNDEF)
        return vm_raise(th, m->cls.TypeError,
                        "%s() missing 2 required positional arguments: 'typecode_or_type' and 'size_or_initializer'",
                        fname);
    if (tc.tag == VT_UNDEF || init.tag == VT_UNDEF)
        return vm_raise(th, m->cls.TypeError, "%s() missing 1 required positional argument: '%s'", fname,
                        tc.tag == VT_UNDEF ? "typecode_or_type" : "size_or_initializer");
    const mp_shared_kind *k = mp_shared_kind_of(tc);
    if (!k) return vm_raise(th, m->cls.TypeError, "this type has no size");
    list_obj *items = NULL;
    int64_t n;
    if (init.tag == VT_INT || init.tag == VT_BOOL) {
        n = init.u.i;
        if (n < 0) return vm_raise(th, m->cls.ValueError, "Array length must be >= 0, not %lld", (long long)n);
    } else {
        /* ctypes asks for len() first, then takes the items */
        if ((st = ops_len(th, init, &n)) != VM_OK) return st;
        if ((st = ops_to_list(th, init, &items)) != VM_OK) return st;
        n = (int64_t)items->len;
    }
    if ((uint64_t)n > MP_SHARED_MAX_BYTES / k->size)
        return vm_raise(th, m->cls.MemoryError, "concviz: a shared array of %lld elements is too large", (long long)n);
    mp_shared_mem *mem = mp_shared_mem_alloc(k, (size_t)n, true);
    for (size_t i = 0; items && i < items->len; i++)
        if ((st = mp_shared_encode(th, k, items->items[i], mem->data + i * k->size)) != VM_OK) {
            mp_shared_mem_discard(mem);
            return st;
        }
    return mp_shared_finish(th, mem, sync, sync ? args_get(a, -1, "lock") : v_undef(), out);
}

static vm_status mp_shared_Value(vm_thread *th, const vm_args *a, value *out) {
    return mp_shared_make_value(th, a, out, true);
}
static vm_status mp_shared_RawValue(vm_thread *th, const vm_args *a, value *out) {
    return mp_shared_make_value(th, a, out, false);
}
static vm_status mp_shared_Array(vm_thread *th, const vm_args *a, value *out) {
    return mp_shared_make_array(th, a, out, true);
}
static vm_status mp_shared_RawArray(vm_thread *th, const vm_args *a, value *out) {
    return mp_shared_make_array(th, a, out, false);
}

/* ------------------------------------------------------------ wrapper methods */

static mp_shared_mem *mp_shared_wrapper(vm_thread *th, value self) {
    return simmod_payload(th, self, &mp_shared_sync_type);
}

static vm_status mp_shared_get_lock(vm_thread *th, const vm_args *a, value *out) {
    vm_status st = args_count(th, a, "get_lock", 0, 0);
    if (st != VM_OK) return st;
    if (!mp_shared_wrapper(th, a->self)) return VM_ERR;
    if (!dict_get_cstr(V_INST(a->self)->dict, "_lock", out)) *out = v_none();
    return VM_OK;
}

static vm_status mp_shared_get_obj(vm_thread *th, const vm_args *a, value *out) {
    vm_status st = args_count(th, a, "get_obj", 0, 0);
    if (st != VM_OK) return st;
    if (!mp_shared_wrapper(th, a->self)) return VM_ERR;
    if (!dict_get_cstr(V_INST(a->self)->dict, "_obj", out)) *out = v_none();
    return VM_OK;
}

/* acquire(block=True, timeout=None): the lock's own acquire */
static vm_status mp_shared_acquire(vm_thread *th, const vm_args *a, value *out) {
    static const char *const kw[] = {"block", "timeout", NULL};
    vm_status st = args_count_kw(th, a, "acquire", 0, 2, kw);
    if (st != VM_OK) return st;
    mp_shared_mem *mem = mp_shared_wrapper(th, a->self);
    if (!mem) return VM_ERR;
    bool block = true;
    value b = args_get(a, 0, "block");
    if (b.tag != VT_UNDEF && (st = ops_truthy(th, b, &block)) != VM_OK) return st;
    return sync_lock_acquire(th, mem->lock, block, block ? args_get(a, 1, "timeout") : v_undef(), out);
}

static vm_status mp_shared_release(vm_thread *th, const vm_args *a, value *out) {
    mp_shared_mem *mem = mp_shared_wrapper(th, a->self);
    if (!mem) return VM_ERR;
    *out = v_none();
    return sync_lock_release(th, mem->lock);
}

/* ------------------------------------------------------------ sequence methods */

/* The block of an array object (wrapper or raw) and whether it locks. */
static mp_shared_mem *mp_shared_array(vm_thread *th, value self, bool *locked) {
    if (v_is_obj(self, OK_INSTANCE) && V_INST(self)->payload &&
        (V_INST(self)->ntype == &mp_shared_sync_type || V_INST(self)->ntype == &mp_shared_raw_type) &&
        ((mp_shared_mem *)V_INST(self)->payload)->is_array) {
        *locked = mp_shared_is_sync(self);
        return V_INST(self)->payload;
    }
    vm_raise(th, th->vm->cls.TypeError, "descriptor requires a 'SynchronizedArray' object but received a '%s'",
             ops_type_name(th->vm, self));
    return NULL;
}

static vm_status mp_shared_len(vm_thread *th, const vm_args *a, value *out) {
    bool locked;
    mp_shared_mem *mem = mp_shared_array(th, a->self, &locked);
    if (!mem) return VM_ERR;
    *out = v_int((int64_t)mem->len);
    return VM_OK;
}

static vm_status mp_shared_getitem(vm_thread *th, const vm_args *a, value *out) {
    vm_status st = args_count(th, a, "__getitem__", 1, 1);
    if (st != VM_OK) return st;
    bool locked;
    mp_shared_mem *mem = mp_shared_array(th, a->self, &locked);
    if (!mem) return VM_ERR;
    value key = a->pos[0];
    if (v_is_obj(key, OK_SLICE)) {
        int64_t start, stop, step;
        size_t count;
        if ((st = ops_slice_indices(th, (slice_obj *)key.u.o, mem->len, &start, &stop, &step, &count)) != VM_OK)
            return st;
        return mp_shared_read_range(th, mem, locked, start, stop, step, count, out);
    }
    if (key.tag != VT_INT && key.tag != VT_BOOL)
        return vm_raise(th, th->vm->cls.TypeError, "indices must be integers");
    size_t i;
    if (!ops_index(key.u.i, mem->len, &i)) return vm_raise(th, th->vm->cls.IndexError, "invalid index");
    return mp_shared_read_at(th, mem, locked, i, out);
}

static vm_status mp_shared_setitem(vm_thread *th, const vm_args *a, value *out) {
    vm_status st = args_count(th, a, "__setitem__", 2, 2);
    if (st != VM_OK) return st;
    bool locked;
    mp_shared_mem *mem = mp_shared_array(th, a->self, &locked);
    if (!mem) return VM_ERR;
    *out = v_none();
    value key = a->pos[0];
    if (v_is_obj(key, OK_SLICE)) {
        int64_t start, stop, step;
        size_t count;
        if ((st = ops_slice_indices(th, (slice_obj *)key.u.o, mem->len, &start, &stop, &step, &count)) != VM_OK)
            return st;
        return mp_shared_write_range(th, mem, locked, start, stop, step, count, a->pos[1]);
    }
    if (key.tag != VT_INT && key.tag != VT_BOOL) return vm_raise(th, th->vm->cls.TypeError, "indices must be integer");
    size_t i;
    if (!ops_index(key.u.i, mem->len, &i)) return vm_raise(th, th->vm->cls.IndexError, "invalid index");
    return mp_shared_write_at(th, mem, locked, i, a->pos[1]);
}

static vm_status mp_shared_contains(vm_thread *th, const vm_args *a, value *out) {
    vm_status st = args_count(th, a, "__contains__", 1, 1);
    if (st != VM_OK) return st;
    bool locked;
    mp_shared_mem *mem = mp_shared_array(th, a->self, &locked);
    if (!mem) return VM_ERR;
    value all;
    if ((st = mp_shared_read_range(th, mem, locked, 0, (int64_t)mem->len, 1, mem->len, &all)) != VM_OK) return st;
    if (v_is_obj(all, OK_STR)) {
        /* element by element, as the sequence protocol compares: not a substring test */
        list_obj *chars;
        if ((st = ops_to_list(th, all, &chars)) != VM_OK) return st;
        all = v_obj(chars);
    }
    bool found;
    if ((st = ops_contains(th, all, a->pos[0], &found)) != VM_OK) return st;
    *out = v_bool(found);
    return VM_OK;
}

/* iter(array): reads one element per next(), live, as CPython's sequence iterator does. */
static vm_status mp_shared_iter(vm_thread *th, const vm_args *a, value *out) {
    bool locked;
    if (!mp_shared_array(th, a->self, &locked)) return VM_ERR;
    value it = v_obj(instance_new(th->vm, mp_class(th->vm, "iterator")));
    V_INST(it)->ntype = &mp_shared_iter_type;
    dict_set_cstr(th->vm, V_INST(it)->dict, "_seq", a->self);
    dict_set_cstr(th->vm, V_INST(it)->dict, "_index", v_int(0));
    *out = it;
    return VM_OK;
}

static vm_status mp_shared_iter_next(vm_thread *th, const vm_args *a, value *out) {
    vm *m = th->vm;
    value seq, idx;
    if (!v_is_obj(a->self, OK_INSTANCE) || V_INST(a->self)->ntype != &mp_shared_iter_type ||
        !dict_get_cstr(V_INST(a->self)->dict, "_seq", &seq) || !dict_get_cstr(V_INST(a->self)->dict, "_index", &idx) ||
        idx.tag != VT_INT)
        return vm_raise(th, m->cls.TypeError, "'%s' object is not an iterator", ops_type_name(m, a->self));
    bool locked;
    mp_shared_mem *mem = mp_shared_array(th, seq, &locked);
    if (!mem) return VM_ERR;
    if (idx.u.i < 0 || (size_t)idx.u.i >= mem->len) {
        dict_set_cstr(m, V_INST(a->self)->dict, "_index", v_int(INT64_MAX));
        return vm_raise_value(th, vm_exc_new(th, m->cls.StopIteration, NULL));
    }
    vm_status st = mp_shared_read_at(th, mem, locked, (size_t)idx.u.i, out);
    if (st != VM_OK) return st;
    dict_set_cstr(m, V_INST(a->self)->dict, "_index", v_int(idx.u.i + 1));
    return VM_OK;
}

static vm_status mp_shared_iter_self(vm_thread *th, const vm_args *a, value *out) {
    (void)th;
    *out = a->self;
    return VM_OK;
}

/* ------------------------------------------------------------ registration */

static const native_def mp_shared_functions[] = {
    {"Value", mp_shared_Value}, {"Array", mp_shared_Array}, {"RawValue", mp_shared_RawValue},
    {"RawArray", mp_shared_RawArray}, {NULL, NULL}};

static const native_def mp_shared_base_methods[] = {
    {"get_lock", mp_shared_get_lock}, {"get_obj", mp_shared_get_obj}, {"acquire", mp_shared_acquire},
    {"release", mp_shared_release}, {"__enter__", mp_shared_acquire}, {"__exit__", mp_shared_release},
    {NULL, NULL}};

static const native_def mp_shared_seq_methods[] = {
    {"__len__", mp_shared_len}, {"__getitem__", mp_shared_getitem}, {"__setitem__", mp_shared_setitem},
    {"__iter__", mp_shared_iter}, {"__contains__", mp_shared_contains}, {NULL, NULL}};

static const native_def mp_shared_iter_methods[] = {
    {"__next__", mp_shared_iter_next}, {"__iter__", mp_shared_iter_self}, {NULL, NULL}};

void mp_register_shared(vm *m, dict_obj *d) {
    native_register(m, d, mp_shared_functions, false);
    class_obj *base = mp_define(m, d, "SynchronizedBase", NULL, mp_shared_base_methods, NULL);
    mp_define(m, d, "Synchronized", base, NULL, NULL);
    class_obj *arr = mp_define(m, d, "SynchronizedArray", base, mp_shared_seq_methods, NULL);
    mp_define(m, d, "SynchronizedString", arr, NULL, NULL);
    for (size_t i = 0; i < MP_SHARED_NKINDS; i++) {
        bool seen = false;
        for (size_t j = 0; j < i; j++)
            if (strcmp(mp_shared_kinds[j].ctype, mp_shared_kinds[i].ctype) == 0) seen = true;
        if (seen) continue;
        char name[40];
        mp_define(m, d, mp_shared_kinds[i].ctype, NULL, NULL, NULL);
        snprintf(name, sizeof name, "%s_Array", mp_shared_kinds[i].ctype);
        mp_define(m, d, name, NULL, mp_shared_seq_methods, NULL);
    }
    mp_define(m, d, "iterator", NULL, mp_shared_iter_methods, NULL);
}
