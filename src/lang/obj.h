/* obj.h - constructors and primitive operations of the heap objects:
 * strings, lists, tuples, dicts, functions, classes, instances. These never
 * call back into Python; anything that can run user code lives in ops.h. */
#ifndef CONCVIZ_OBJ_H
#define CONCVIZ_OBJ_H

#include "vm.h"

/* ---- UTF-8 ---- */
size_t utf8_count(const char *s, size_t len);
/* Byte offset of code point index i (0 <= i <= nchars). */
size_t utf8_offset(const char *s, size_t len, size_t i);
/* Decodes one code point at s (len bytes available); sets *n to its size. */
uint32_t utf8_decode(const char *s, size_t len, size_t *n);
size_t utf8_encode(uint32_t cp, char out[4]);
bool utf8_valid(const char *s, size_t len);
/* Byte index of needle in hay, or SIZE_MAX (memmem without _GNU_SOURCE). */
size_t mem_find(const char *hay, size_t hlen, const char *needle, size_t nlen);
/* Last byte index of needle in hay, or SIZE_MAX. */
size_t mem_rfind(const char *hay, size_t hlen, const char *needle, size_t nlen);

/* ---- strings ---- */
str_obj *str_new(vm *m, const char *s, size_t len);
str_obj *str_from_cstr(vm *m, const char *s);
/* A string that no collector owns (compiled constants); free with free(). */
str_obj *str_new_permanent(const char *s, size_t len);
value str_value(vm *m, const char *s, size_t len);
value str_take_sb(vm *m, strbuf *sb); /* makes a str from sb and frees sb */
int64_t str_hash(str_obj *s);
bool str_eq(const str_obj *a, const str_obj *b);
bool str_eq_cstr(const str_obj *a, const char *s);
/* a + b for `name += b` when the string is only the variable's (see
 * OP_INPLACE_OP): grows a builder string in place, or starts one. */
value str_concat_in_place(vm *m, value a, value b);
/* The one-code-point string at code point index i. */
value str_char_at(vm *m, str_obj *s, size_t i);

/* ---- lists and tuples ---- */
list_obj *list_new(vm *m, size_t cap);
void list_append(list_obj *l, value v);
void list_insert(list_obj *l, size_t at, value v);
value list_pop_at(list_obj *l, size_t at);
tuple_obj *tuple_new(vm *m, size_t len);
value tuple_pack(vm *m, size_t n, const value *items);

/* ---- dicts (keys must already be known hashable; see ops_hash) ---- */
dict_obj *dict_new(vm *m);
/* Lookups with a precomputed hash. eq is the equality used for collisions. */
typedef bool (*dict_eq_fn)(value a, value b);
bool dict_lookup(dict_obj *d, value key, int64_t hash, value *out);
void dict_store(dict_obj *d, value key, int64_t hash, value val);
bool dict_remove(dict_obj *d, value key, int64_t hash, value *old);
/* Convenience for str keys. */
bool dict_get_str(dict_obj *d, str_obj *key, value *out);
bool dict_get_cstr(dict_obj *d, const char *key, value *out);
void dict_set_str(dict_obj *d, str_obj *key, value val);
void dict_set_cstr(vm *m, dict_obj *d, const char *key, value val);
void dict_clear(dict_obj *d);
/* Iteration: *pos starts at 0; returns false at the end. */
bool dict_next(dict_obj *d, size_t *pos, value *key, value *val);
/* Equality of keys that needs no user code: identity, numbers, strings, tuples. */
bool dict_key_eq(value a, value b);
/* Hash of a value that needs no user code; returns false if unhashable. */
bool dict_key_hash(value v, int64_t *out);

/* The address id() and reprs show for o: derived from its allocation
 * number, so the same on every run, while looking like CPython's. */
uint64_t obj_address(const obj *o);

/* ---- sets (set.c; no user code runs: keys compare like dict keys) ---- */
set_obj *set_new(vm *m, bool frozen);
void set_add_hashed(set_obj *s, value key, int64_t hash);
bool set_contains_hashed(const set_obj *s, value key, int64_t hash);
/* Iteration in table order: *pos starts at 0; hash may be NULL. */
bool set_next(const set_obj *s, size_t *pos, value *key, int64_t *hash);
bool set_equal(const set_obj *a, const set_obj *b);
/* <, <=, >, >= as subset tests; op is '<', 'l' (<=), '>' or 'g' (>=). */
bool set_compare(int op, const set_obj *a, const set_obj *b);
int64_t set_frozen_hash(const set_obj *s);

/* ---- classes and instances ---- */
class_obj *class_new(vm *m, str_obj *name, class_obj *base);
/* The module a class's repr and tracebacks name: shown_module, else
 * module_name's text; NULL for a class without one. */
const char *class_module(const class_obj *c);
instance_obj *instance_new(vm *m, class_obj *cls);
/* Looks a name up along the class chain. */
bool class_lookup(class_obj *c, str_obj *name, value *out);
bool class_is_subclass(const class_obj *c, const class_obj *base);

/* ---- functions ---- */
native_obj *native_new(vm *m, const char *name, vm_native_fn fn, bool is_method);
bound_obj *bound_new(vm *m, value self, value func);
cell_obj *cell_new(vm *m, value v);

/* Registers native functions into a dict. */
typedef struct native_def {
    const char *name;
    vm_native_fn fn;
} native_def;
void native_register(vm *m, dict_obj *d, const native_def *defs, bool is_method);

#endif
