/* gc.c - the per-process mark-and-sweep collector. It runs only at safe
 * points (between bytecodes of an outermost vm_run), so natives never see it.
 * Marking uses an explicit gray stack, never C recursion, so deeply nested
 * data cannot overflow the C stack. */
#include <stdlib.h>
#include <string.h>

#include "code.h"
#include "vm.h"
#include "xalloc.h"

static obj **gray;
static size_t ngray, gray_cap;

void *gc_alloc(vm *m, obj_kind kind, size_t size) {
    obj *o = xcalloc(1, size);
    o->kind = (uint8_t)kind;
    o->spare = ++m->alloc_seq; /* a stable, deterministic identity for id() and reprs */
    o->gc_next = m->heap;
    m->heap = o;
    m->heap_bytes += size;
    if (m->heap_bytes > m->gc_threshold) m->gc_requested = true;
    return o;
}

static void gc_push(obj *o) {
    if (!o || o->marked || (o->flags & OBJ_PERMANENT)) return;
    o->marked = 1;
    if (ngray == gray_cap) {
        gray_cap = gray_cap ? gray_cap * 2 : 256;
        gray = xreallocarray(gray, gray_cap, sizeof(obj *));
    }
    gray[ngray++] = o;
}

void gc_mark_value(value v) {
    if (v.tag == VT_OBJ) gc_push(v.u.o);
}

static void gc_mark_values(const value *v, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (v[i].tag == VT_OBJ) gc_push(v[i].u.o);
}

/* Marks what o refers to. */
static void gc_trace(obj *o) {
    switch ((obj_kind)o->kind) {
    case OK_STR: case OK_RANGE: case OK_NATIVE: break;
    case OK_LIST: gc_mark_values(((list_obj *)o)->items, ((list_obj *)o)->len); break;
    case OK_TUPLE: gc_mark_values(((tuple_obj *)o)->items, ((tuple_obj *)o)->len); break;
    case OK_DICT: {
        dict_obj *d = (dict_obj *)o;
        for (size_t i = 0; i < d->nentries; i++) {
            gc_mark_value(d->entries[i].key);
            gc_mark_value(d->entries[i].val);
        }
        break;
    }
    case OK_SET: {
        set_obj *s = (set_obj *)o;
        for (size_t i = 0; i <= s->mask; i++) gc_mark_value(s->table[i].key);
        break;
    }
    case OK_GEN: {
        /* a running generator's frame and slots are the thread's */
        gen_obj *g = (gen_obj *)o;
        gc_push((obj *)g->frame.fn);
        gc_push((obj *)g->frame.globals);
        gc_push((obj *)g->frame.locals_dict);
        gc_mark_values(g->slots, g->nslots);
        break;
    }
    case OK_FUNC: {
        func_obj *f = (func_obj *)o;
        gc_push((obj *)f->globals);
        gc_push((obj *)f->defaults);
        gc_push((obj *)f->kwdefaults);
        gc_push((obj *)f->closure);
        gc_push((obj *)f->owner);
        gc_push((obj *)f->name);
        break;
    }
    case OK_BOUND:
        gc_mark_value(((bound_obj *)o)->self);
        gc_mark_value(((bound_obj *)o)->func);
        break;
    case OK_CLASS: {
        class_obj *c = (class_obj *)o;
        gc_push((obj *)c->name);
        gc_push((obj *)c->base);
        gc_push((obj *)c->dict);
        break;
    }
    case OK_INSTANCE: {
        instance_obj *in = (instance_obj *)o;
        gc_push((obj *)in->cls);
        gc_push((obj *)in->dict);
        if (in->ntype && in->ntype->mark) in->ntype->mark(in->payload);
        break;
    }
    case OK_CELL: gc_mark_value(((cell_obj *)o)->v); break;
    case OK_ITER:
        gc_mark_value(((iter_obj *)o)->seq);
        gc_mark_value(((iter_obj *)o)->extra);
        break;
    case OK_MODULE:
        gc_push((obj *)((module_obj *)o)->name);
        gc_push((obj *)((module_obj *)o)->dict);
        break;
    case OK_SLICE: {
        slice_obj *s = (slice_obj *)o;
        gc_mark_value(s->start);
        gc_mark_value(s->stop);
        gc_mark_value(s->step);
        break;
    }
    case OK_SUPER:
        gc_push((obj *)((super_obj *)o)->start);
        gc_mark_value(((super_obj *)o)->self);
        break;
    case OK_DICTVIEW: gc_push((obj *)((dictview_obj *)o)->d); break;
    case OK_PROPERTY:
        gc_mark_value(((property_obj *)o)->fget);
        gc_mark_value(((property_obj *)o)->fset);
        break;
    case OK_KIND_COUNT: break;
    }
}

/* Approximate bytes held by o (for the collection threshold). */
static size_t gc_obj_size(const obj *o) {
    switch ((obj_kind)o->kind) {
    case OK_STR: return sizeof(str_obj) + ((const str_obj *)o)->len + ((const str_obj *)o)->cap;
    case OK_TUPLE: return sizeof(tuple_obj) + ((const tuple_obj *)o)->len * sizeof(value);
    case OK_LIST: return sizeof(list_obj) + ((const list_obj *)o)->cap * sizeof(value);
    case OK_DICT:
        return sizeof(dict_obj) + ((const dict_obj *)o)->entries_cap * sizeof(dict_entry) +
               ((const dict_obj *)o)->index_cap * sizeof(int32_t);
    case OK_SET: return sizeof(set_obj) + (((const set_obj *)o)->mask + 1) * sizeof(set_entry);
    default: return 64;
    }
}

static void gc_free_obj(obj *o) {
    switch ((obj_kind)o->kind) {
    case OK_STR:
        if (((str_obj *)o)->data != ((str_obj *)o)->inline_data) free(((str_obj *)o)->data);
        break;
    case OK_LIST: free(((list_obj *)o)->items); break;
    case OK_DICT:
        free(((dict_obj *)o)->entries);
        free(((dict_obj *)o)->index);
        break;
    case OK_SET: free(((set_obj *)o)->table); break;
    case OK_GEN: free(((gen_obj *)o)->slots); break;
    case OK_INSTANCE: {
        instance_obj *in = (instance_obj *)o;
        if (in->ntype && in->ntype->free) in->ntype->free(in->payload);
        break;
    }
    default: break;
    }
    free(o);
}

static void gc_mark_roots(vm *m) {
    gc_push((obj *)m->builtins);
    gc_push((obj *)m->modules);
    gc_push((obj *)m->main_globals);
    obj **names = (obj **)&m->names;
    for (size_t i = 0; i < sizeof(m->names) / sizeof(obj *); i++) gc_push(names[i]);
    obj **classes = (obj **)&m->cls;
    for (size_t i = 0; i < sizeof(m->cls) / sizeof(obj *); i++) gc_push(classes[i]);
    if (m->mark_extra) m->mark_extra(m);
    for (vm_thread *th = m->threads; th; th = th->next) {
        gc_mark_values(th->stack, th->sp);
        for (uint32_t i = 0; i < th->nframes; i++) {
            vm_frame *f = &th->frames[i];
            gc_push((obj *)f->fn);
            gc_push((obj *)f->globals);
            gc_push((obj *)f->locals_dict);
            gc_mark_value(f->extra);
        }
        gc_mark_values(th->handling, th->nhandling);
        gc_mark_value(th->exc);
        gc_mark_value(th->tail_callable);
        gc_mark_value(th->tail_args);
        gc_mark_value(th->tail_kwargs);
        gc_mark_value(th->result);
        gc_mark_value(th->wait.arg);
        gc_mark_value(th->resume_iter);
        gc_push((obj *)th->resume_items);
    }
}

void gc_collect(vm *m) {
    gc_mark_roots(m);
    while (ngray > 0) gc_trace(gray[--ngray]);
    obj **link = &m->heap;
    size_t live = 0;
    while (*link) {
        obj *o = *link;
        if (o->marked) {
            o->marked = 0;
            link = &o->gc_next;
            live += gc_obj_size(o);
        } else {
            *link = o->gc_next;
            gc_free_obj(o);
        }
    }
    /* heap_bytes counts object headers and inline data, not list/dict arrays */
    m->heap_bytes = live;
    m->gc_threshold = m->heap_bytes * 2 + (8u << 20);
    m->gc_requested = false;
}

void gc_free_all(vm *m) {
    obj *o = m->heap;
    while (o) {
        obj *next = o->gc_next;
        gc_free_obj(o);
        o = next;
    }
    m->heap = NULL;
    free(gray);
    gray = NULL;
    ngray = gray_cap = 0;
}
