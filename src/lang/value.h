/* value.h - the interpreter's values and heap objects.
 *
 * A value is a 16-byte tagged word: None, bools, ints (int64) and floats are
 * unboxed; everything else points at a heap object. Objects belong to one
 * interpreter heap (one simulated process) and are freed by its mark-and-sweep
 * collector (gc.c), which runs only at safe points between bytecodes, so C
 * code may hold unrooted objects for the duration of one builtin call.
 * Objects flagged OBJ_PERMANENT (string constants of compiled code, shared by
 * every process) are never collected; the program that made them frees them.
 */
#ifndef CONCVIZ_VALUE_H
#define CONCVIZ_VALUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum val_tag {
    VT_UNDEF = 0, /* an unbound local, a missing argument, "no value" */
    VT_NONE,
    VT_BOOL,
    VT_INT,
    VT_FLOAT,
    VT_OBJ
} val_tag;

typedef struct obj obj;

typedef struct value {
    uint32_t tag;
    uint32_t spare;
    union {
        int64_t i;
        double f;
        obj *o;
    } u;
} value;

typedef enum obj_kind {
    OK_STR, OK_LIST, OK_TUPLE, OK_DICT, OK_FUNC, OK_NATIVE, OK_BOUND,
    OK_CLASS, OK_INSTANCE, OK_CELL, OK_RANGE, OK_ITER, OK_MODULE, OK_SLICE,
    OK_SUPER, OK_DICTVIEW, OK_PROPERTY, OK_SET, OK_GEN, OK_KIND_COUNT
} obj_kind;

enum { OBJ_PERMANENT = 1 };

struct obj {
    obj *gc_next;
    uint8_t kind;
    uint8_t marked;
    uint16_t flags;
    uint32_t spare;  /* allocation sequence number: a deterministic id() */
};

typedef struct str_obj {
    obj hdr;
    size_t len;     /* bytes */
    size_t nchars;  /* code points */
    int64_t hash;   /* -1 until computed */
    char *data;     /* len bytes + NUL: inline_data, or a growable buffer (STR_BUILDER) */
    size_t cap;     /* STR_BUILDER: bytes the buffer holds */
    uint32_t sflags;
    char inline_data[];
} str_obj;

/* A string grown in place by `name += text` (the owner's only reference:
 * see OP_INPLACE_OP); STR_ESCAPED once any load could have copied it. */
enum { STR_BUILDER = 1, STR_ESCAPED = 2 };

typedef struct list_obj {
    obj hdr;
    value *items;
    size_t len, cap;
} list_obj;

typedef struct tuple_obj {
    obj hdr;
    size_t len;
    value items[];
} tuple_obj;

typedef struct dict_entry {
    value key;
    value val;
    int64_t hash;
} dict_entry;

/* Insertion-ordered hash table: entries in order (deleted ones have key
 * VT_UNDEF), index holds positions into entries (-1 empty, -2 deleted). */
typedef struct dict_obj {
    obj hdr;
    dict_entry *entries;
    size_t nentries;   /* used slots of entries, including deleted */
    size_t entries_cap;
    size_t count;      /* live keys */
    int32_t *index;
    size_t index_cap;  /* power of two */
} dict_obj;

/* A set slot: active (key defined), unused (key VT_UNDEF, hash 0) or a
 * deleted "dummy" (key VT_UNDEF, hash -1), as in CPython's setobject.c,
 * whose table layout (and so iteration order) set.c reproduces. */
typedef struct set_entry {
    value key;
    int64_t hash;
} set_entry;

typedef struct set_obj {
    obj hdr;
    set_entry *table;  /* mask + 1 slots (a power of two, at least 8) */
    size_t mask;
    size_t fill;       /* active + dummy slots */
    size_t used;       /* active slots: len() */
    size_t finger;     /* where pop() looks next */
    bool frozen;       /* a frozenset: hashable, never changed */
} set_obj;

struct code_obj;
typedef struct class_obj class_obj;

typedef struct func_obj {
    obj hdr;
    const struct code_obj *co;
    dict_obj *globals;
    struct tuple_obj *defaults;   /* may be NULL */
    dict_obj *kwdefaults;         /* may be NULL */
    struct tuple_obj *closure;    /* cells for the free variables, may be NULL */
    class_obj *owner;             /* class whose body defined it (for super()) */
    struct str_obj *name;         /* __name__ */
} func_obj;

struct vm_thread;
struct vm_args;
struct strbuf;
typedef enum vm_status {
    VM_OK = 0,    /* a native returned its result */
    VM_ERR,       /* an exception is pending on the thread */
    VM_BLOCK,     /* the thread must wait; the engine completes the call later */
    VM_TAILCALL,  /* the native asked the VM to call th->tail_callable with th->tail_args */
    VM_YIELD,     /* vm_run: budget spent */
    VM_DONE       /* vm_run: the thread's outermost frame returned */
} vm_status;

typedef vm_status (*vm_native_fn)(struct vm_thread *th, const struct vm_args *a, value *out);

typedef struct native_obj {
    obj hdr;
    const char *name;     /* static */
    vm_native_fn fn;
    value data;           /* bound data passed as a->self when not a method call */
    bool is_method;       /* looked up through a class: binds self */
} native_obj;

typedef struct bound_obj {
    obj hdr;
    value self;
    value func;
} bound_obj;

/* Hooks for instances that carry native state (locks, threads, queues...). */
typedef struct native_type {
    const char *name;
    void (*mark)(void *payload);   /* marks values the payload holds */
    void (*free)(void *payload);
    /* optional: the instance's repr when the class defines no __repr__ */
    vm_status (*repr)(struct vm_thread *th, value self, struct strbuf *out);
    /* optional: the payload a copied instance gets (a fork of a per-process
       object); NULL shares the payload (machine-owned shared objects) */
    void *(*clone)(void *payload, void *copy_ctx);
    /* optional attribute hooks, tried before the instance dict (shared
       memory's .value): may return VM_BLOCK after vm_sync_point */
    vm_status (*getattr)(struct vm_thread *th, value self, struct str_obj *name, value *out, bool *found);
    vm_status (*setattr)(struct vm_thread *th, value self, struct str_obj *name, value v, bool *handled);
    /* optional: the object may reach another process only by inheritance
       (multiprocessing's locks, queues, synchronized memory): pickling it
       otherwise is CPython's RuntimeError "<name> objects should only be
       shared between processes through inheritance"; "" names the class */
    const char *inherit_only;
} native_type;

struct class_obj {
    obj hdr;
    str_obj *name;
    class_obj *base;      /* NULL only for 'object' */
    dict_obj *dict;
    int builtin_tag;      /* for builtin value types: val_tag or 100+obj_kind; -1 otherwise */
    uint32_t flags;       /* CLS_* */
    const str_obj *module_name; /* for repr of instances; may be NULL */
    /* the module CPython names in reprs, tracebacks and __module__ when it is
       not the one the class is found in (multiprocessing.Queue is
       multiprocessing.queues.Queue); static text, NULL if the same */
    const char *shown_module;
};

enum { CLS_EXCEPTION = 1, CLS_BUILTIN = 2 };

typedef struct instance_obj {
    obj hdr;
    class_obj *cls;
    dict_obj *dict;
    const native_type *ntype; /* NULL unless native state is attached */
    void *payload;
} instance_obj;

typedef struct cell_obj {
    obj hdr;
    value v;
} cell_obj;

typedef struct range_obj {
    obj hdr;
    int64_t start, stop, step;
} range_obj;

typedef enum iter_kind {
    IT_SEQ,        /* list/tuple/str by index */
    IT_RANGE,
    IT_DICT,       /* over a dict: a = 0 keys, 1 values, 2 items */
    IT_ENUMERATE,  /* seq = inner iterator, pos = counter */
    IT_ZIP,        /* seq = tuple of iterators */
    IT_SET,        /* over a set's table: pos = next slot, end = its size when the iteration began */
    IT_REVERSED,   /* seq = list/tuple/str, pos counts down */
    IT_MAP,        /* seq = tuple(func, iterators...) */
    IT_FILTER,     /* seq = tuple(func, iterator) */
    IT_CALLABLE    /* iter(callable, sentinel) */
} iter_kind;

typedef struct iter_obj {
    obj hdr;
    uint8_t kind;
    uint8_t sub;      /* IT_DICT: 0 keys, 1 values, 2 items */
    value seq;
    int64_t pos, end, step;
    value extra;      /* IT_CALLABLE: the sentinel */
} iter_obj;

typedef struct module_obj {
    obj hdr;
    str_obj *name;
    dict_obj *dict;
} module_obj;

typedef struct slice_obj {
    obj hdr;
    value start, stop, step;
} slice_obj;

typedef struct super_obj {
    obj hdr;
    class_obj *start;   /* lookups begin at start->base */
    value self;
} super_obj;

typedef struct dictview_obj {
    obj hdr;
    dict_obj *d;
    int sub;            /* 0 keys, 1 values, 2 items */
} dictview_obj;

/* property, staticmethod and classmethod: descriptors found on a class
 * (fget is the wrapped function of the last two). */
enum { PROP_PROPERTY = 0, PROP_STATIC = 1, PROP_CLASS = 2 };
typedef struct property_obj {
    obj hdr;
    value fget, fset;
    uint8_t kind;     /* PROP_* */
} property_obj;

/* ---- constructors of unboxed values ---- */
static inline value v_undef(void) { value v = {VT_UNDEF, 0, {.i = 0}}; return v; }
static inline value v_none(void) { value v = {VT_NONE, 0, {.i = 0}}; return v; }
static inline value v_bool(bool b) { value v = {VT_BOOL, 0, {.i = b ? 1 : 0}}; return v; }
static inline value v_int(int64_t i) { value v = {VT_INT, 0, {.i = i}}; return v; }
static inline value v_float(double f) { value v = {VT_FLOAT, 0, {.f = f}}; return v; }
static inline value v_obj(void *o) { value v = {VT_OBJ, 0, {.o = (obj *)o}}; return v; }

static inline bool v_is_obj(value v, obj_kind k) { return v.tag == VT_OBJ && v.u.o->kind == k; }
#define V_STR(v) ((str_obj *)(v).u.o)
#define V_LIST(v) ((list_obj *)(v).u.o)
#define V_TUPLE(v) ((tuple_obj *)(v).u.o)
#define V_DICT(v) ((dict_obj *)(v).u.o)
#define V_SET(v) ((set_obj *)(v).u.o)
#define V_FUNC(v) ((func_obj *)(v).u.o)
#define V_CLASS(v) ((class_obj *)(v).u.o)
#define V_INST(v) ((instance_obj *)(v).u.o)

#endif
