/* ops.h - the generic operations of the language (Python's abstract object
 * protocol): type, repr/str, truth, comparison, arithmetic, attributes,
 * items, iteration. Each may run user code (dunder methods) through vm_call,
 * so each takes the running thread and returns a vm_status. */
#ifndef CONCVIZ_OPS_H
#define CONCVIZ_OPS_H

#include "vm.h"

class_obj *ops_type(vm *m, value v);
/* The type's name as CPython prints it ('int', 'NoneType', 'Point'). */
const char *ops_type_name(vm *m, value v);
bool ops_isinstance(vm *m, value v, class_obj *cls);
bool ops_is_exception_class(value v);

vm_status ops_repr(vm_thread *th, value v, strbuf *out);
/* repr for looking at a paused program: runs no Python code (a user
 * __repr__ is skipped: <Class object at ...>), cannot fail, leaves th's
 * exception as it was, and stops listing a container's items once about
 * limit bytes are written (the caller cuts the text). */
void ops_repr_plain(vm_thread *th, value v, strbuf *out, size_t limit);
vm_status ops_str(vm_thread *th, value v, strbuf *out);
/* repr/str as a new str value. */
vm_status ops_repr_value(vm_thread *th, value v, value *out);
vm_status ops_str_value(vm_thread *th, value v, value *out);

vm_status ops_truthy(vm_thread *th, value v, bool *out);
/* Fast truth for values that need no user code; returns false if it can't. */
bool ops_truthy_fast(value v, bool *out);
vm_status ops_eq(vm_thread *th, value a, value b, bool *out);
/* cmp is an ast_cmpop. */
vm_status ops_compare(vm_thread *th, int cmp, value a, value b, value *out);
/* a < b as a bool (for sorting, min, max). */
vm_status ops_less(vm_thread *th, value a, value b, bool *out);
vm_status ops_binary(vm_thread *th, int op, value a, value b, bool inplace, value *out);
vm_status ops_unary(vm_thread *th, int op, value a, value *out);
vm_status ops_hash(vm_thread *th, value v, int64_t *out);
vm_status ops_contains(vm_thread *th, value container, value item, bool *out);

/* Calls a dunder found by ops_find_dunder with self and up to 3 arguments.
 * A machine object's native dunder is called directly, not nested, so it
 * may block (a manager proxy's d[k], a locked Array's a[i]): the caller
 * must pass VM_BLOCK on, and the instruction is retried. */
vm_status ops_call_dunder(vm_thread *th, value meth, value self, value *args, int nargs, value *out);
vm_status ops_getattr(vm_thread *th, value o, str_obj *name, value *out);
/* Like ops_getattr, but reports a missing attribute by returning false
 * without raising. */
vm_status ops_getattr_opt(vm_thread *th, value o, str_obj *name, value *out, bool *found);
vm_status ops_setattr(vm_thread *th, value o, str_obj *name, value v);
vm_status ops_delattr(vm_thread *th, value o, str_obj *name);
vm_status ops_getitem(vm_thread *th, value o, value key, value *out);
vm_status ops_setitem(vm_thread *th, value o, value key, value v);
vm_status ops_delitem(vm_thread *th, value o, value key);
vm_status ops_len(vm_thread *th, value v, int64_t *out);
vm_status ops_iter(vm_thread *th, value v, value *out);
/* *done is set at the end of the iteration (no exception). */
vm_status ops_next(vm_thread *th, value it, value *out, bool *done);
/* Collects any iterable into a new list. */
vm_status ops_to_list(vm_thread *th, value iterable, list_obj **out);

/* Dict access with full Python hashing/equality rules. */
vm_status ops_dict_get(vm_thread *th, dict_obj *d, value key, value *out, bool *found);
/* Sets (set.c): adding and looking up hash the key (TypeError if it
 * cannot be); update takes a set, a dict or any iterable; binary is
 * |, &, - or ^ (op '|', '&', '-', '^') of a set with a set. */
vm_status set_add(vm_thread *th, set_obj *s, value key);
vm_status set_contains(vm_thread *th, const set_obj *s, value key, bool *out);
vm_status set_update(vm_thread *th, set_obj *s, value other);
vm_status set_binary(vm_thread *th, int op, value a, value b, bool inplace, value *out);
/* Raises KeyError(key). */
vm_status ops_key_error(vm_thread *th, value key);
vm_status ops_dict_set(vm_thread *th, dict_obj *d, value key, value v);
vm_status ops_dict_del(vm_thread *th, dict_obj *d, value key, bool *found);

/* Normalises a Python index (negative from the end); false if out of range. */
bool ops_index(int64_t i, size_t len, size_t *out);
/* Resolves a slice against a sequence length. */
vm_status ops_slice_indices(vm_thread *th, slice_obj *s, size_t len, int64_t *start, int64_t *stop,
                            int64_t *step, size_t *count);
/* An int-like value (int or bool) as int64; raises TypeError otherwise. */
vm_status ops_as_index(vm_thread *th, value v, int64_t *out, const char *what);

struct num_error;
/* Raises the exception a num_error describes. */
vm_status ops_raise_num(vm_thread *th, const struct num_error *e);
/* 'fmt % args' (printf-style formatting, format_ops.c). */
vm_status fmtops_percent(vm_thread *th, str_obj *fmt, value args, value *out);
/* format(v, spec) (format_ops.c). */
vm_status fmtops_format(vm_thread *th, value v, str_obj *spec, value *out);

/* str.format(*pos, **kw) (format_ops.c). */
vm_status fmtops_str_format(vm_thread *th, str_obj *fmt, const value *pos, int npos, str_obj **kwnames,
                            const value *kwvals, int nkw, value *out);

/* Looks up a dunder on an instance's class; returns false if absent. */
bool ops_find_dunder(value v, str_obj *name, value *method);

#endif
