/* containers.c - the methods of list, tuple and dict (a->self is the
 * container). */
#include <string.h>

#include "natives.h"

#define LIST V_LIST(a->self)
#define DICT V_DICT(a->self)

/* ---------------------------------------------------------------- list */

static vm_status l_append(vm_thread *th, const vm_args *a, value *out) {
    vm_status st = args_count(th, a, "list.append", 1, 1);
    if (st != VM_OK) return st;
    list_append(LIST, a->pos[0]);
    *out = v_none();
    return VM_OK;
}

static vm_status l_extend(vm_thread *th, const vm_args *a, value *out) {
    vm_status st = args_count(th, a, "list.extend", 1, 1);
    if (st != VM_OK) return st;
    list_obj *items;
    if ((st = ops_to_list(th, a->pos[0], &items)) != VM_OK) return st;
    for (size_t i = 0; i < items->len; i++) list_append(LIST, items->items[i]);
    *out = v_none();
    return VM_OK;
}

static vm_status l_insert(vm_thread *th, const vm_args *a, value *out) {
    vm_status st = args_count(th, a, "insert", 2, 2);
    if (st != VM_OK) return st;
    int64_t i;
    if ((st = args_int(th, a->pos[0], "index", &i)) != VM_OK) return st;
    int64_t n = (int64_t)LIST->len;
    if (i < 0) i = i + n < 0 ? 0 : i + n;
    if (i > n) i = n;
    list_insert(LIST, (size_t)i, a->pos[1]);
    *out = v_none();
    return VM_OK;
}

static vm_status l_pop(vm_thread *th, const vm_args *a, value *out) {
    vm_status st = args_count(th, a, "pop", 0, 1);
    if (st != VM_OK) return st;
    list_obj *l = LIST;
    if (l->len == 0) return vm_raise(th, th->vm->cls.IndexError, "pop from empty list");
    int64_t i = -1;
    if (a->npos == 1 && (st = args_int(th, a->pos[0], "index", &i)) != VM_OK) return st;
    size_t k;
    if (!ops_index(i, l->len, &k)) return vm_raise(th, th->vm->cls.IndexError, "pop index out of range");
    *out = list_pop_at(l, k);
    return VM_OK;
}

static vm_status l_remove(vm_thread *th, const vm_args *a, value *out) {
    vm_status st = args_count(th, a, "list.remove", 1, 1);
    if (st != VM_OK) return st;
    list_obj *l = LIST;
    for (size_t i = 0; i < l->len; i++) {
        bool e;
        if ((st = ops_eq(th, l->items[i], a->pos[0], &e)) != VM_OK) return st;
        if (e) {
            list_pop_at(l, i);
            *out = v_none();
            return VM_OK;
        }
    }
    return vm_raise(th, th->vm->cls.ValueError, "list.remove(x): x not in list");
}

static vm_status seq_index(vm_thread *th, const vm_args *a, value *out, const value *items, size_t n,
                           const char *what) {
    vm_status st = args_count(th, a, "index", 1, 3);
    if (st != VM_OK) return st;
    int64_t start = 0, stop = (int64_t)n;
    if (a->npos > 1 && (st = args_int(th, a->pos[1], "start", &start)) != VM_OK) return st;
    if (a->npos > 2 && (st = args_int(th, a->pos[2], "stop", &stop)) != VM_OK) return st;
    if (start < 0) start = start + (int64_t)n < 0 ? 0 : start + (int64_t)n;
    if (stop < 0) stop = stop + (int64_t)n < 0 ? 0 : stop + (int64_t)n;
    for (int64_t i = start; i < stop && (size_t)i < n; i++) {
        bool e;
        if ((st = ops_eq(th, items[i], a->pos[0], &e)) != VM_OK) return st;
        if (e) {
            *out = v_int(i);
            return VM_OK;
        }
    }
    if (strcmp(what, "list") == 0) {
        strbuf sb;
        sb_init(&sb);
        st = ops_repr(th, a->pos[0], &sb);
        if (st == VM_OK) st = vm_raise(th, th->vm->cls.ValueError, "%s is not in list", sb.data);
        sb_free(&sb);
        return st;
    }
    return vm_raise(th, th->vm->cls.ValueError, "tuple.index(x): x not in tuple");
}

static vm_status seq_count(vm_thread *th, const vm_args *a, value *out, const value *items, size_t n) {
    vm_status st = args_count(th, a, "count", 1, 1);
    if (st != VM_OK) return st;
    int64_t c = 0;
    for (size_t i = 0; i < n; i++) {
        bool e;
        if ((st = ops_eq(th, items[i], a->pos[0], &e)) != VM_OK) return st;
        c += e;
    }
    *out = v_int(c);
    return VM_OK;
}

static vm_status l_index(vm_thread *th, const vm_args *a, value *out) {
    return seq_index(th, a, out, LIST->items, LIST->len, "list");
}
static vm_status l_count(vm_thread *th, const vm_args *a, value *out) {
    return seq_count(th, a, out, LIST->items, LIST->len);
}

static vm_status l_reverse(vm_thread *th, const vm_args *a, value *out) {
    vm_status st = args_count(th, a, "reverse", 0, 0);
    if (st != VM_OK) return st;
    list_obj *l = LIST;
    for (size_t i = 0; i < l->len / 2; i++) {
        value t = l->items[i];
        l->items[i] = l->items[l->len - 1 - i];
        l->items[l->len - 1 - i] = t;
    }
    *out = v_none();
    return VM_OK;
}

static vm_status l_sort(vm_thread *th, const vm_args *a, value *out) {
    static const char *const kw[] = {"key", "reverse", NULL};
    vm_status st = args_count_kw(th, a, "sort", 0, 0, kw);
    if (st != VM_OK) return st;
    bool reverse = false;
    value rev = args_get(a, -1, "reverse");
    if (rev.tag != VT_UNDEF && (st = ops_truthy(th, rev, &reverse)) != VM_OK) return st;
    if ((st = builtins_sort_list(th, LIST, args_get(a, -1, "key"), reverse)) != VM_OK) return st;
    *out = v_none();
    return VM_OK;
}

static vm_status l_clear(vm_thread *th, const vm_args *a, value *out) {
    vm_status st = args_count(th, a, "clear", 0, 0);
    if (st != VM_OK) return st;
    LIST->len = 0;
    *out = v_none();
    return VM_OK;
}

static vm_status l_copy(vm_thread *th, const vm_args *a, value *out) {
    vm_status st = args_count(th, a, "copy", 0, 0);
    if (st != VM_OK) return st;
    list_obj *l;
    if ((st = ops_to_list(th, a->self, &l)) != VM_OK) return st;
    *out = v_obj(l);
    return VM_OK;
}

static const native_def list_methods[] = {
    {"append", l_append}, {"extend", l_extend}, {"insert", l_insert}, {"pop", l_pop}, {"remove", l_remove},
    {"index", l_index}, {"count", l_count}, {"reverse", l_reverse}, {"sort", l_sort}, {"clear", l_clear},
    {"copy", l_copy}, {NULL, NULL}};

/* --------------------------------------------------------------- tuple */

static vm_status t_index(vm_thread *th, const vm_args *a, value *out) {
    return seq_index(th, a, out, V_TUPLE(a->self)->items, V_TUPLE(a->self)->len, "tuple");
}
static vm_status t_count(vm_thread *th, const vm_args *a, value *out) {
    return seq_count(th, a, out, V_TUPLE(a->self)->items, V_TUPLE(a->self)->len);
}

static const native_def tuple_methods[] = {{"index", t_index}, {"count", t_count}, {NULL, NULL}};

/* ---------------------------------------------------------------- dict */

static vm_status d_get(vm_thread *th, const vm_args *a, value *out) {
    vm_status st = args_count(th, a, "get", 1, 2);
    if (st != VM_OK) return st;
    bool found;
    if ((st = ops_dict_get(th, DICT, a->pos[0], out, &found)) != VM_OK) return st;
    if (!found) *out = a->npos == 2 ? a->pos[1] : v_none();
    return VM_OK;
}

static vm_status d_pop(vm_thread *th, const vm_args *a, value *out) {
    vm_status st = args_count(th, a, "pop", 1, 2);
    if (st != VM_OK) return st;
    bool found;
    if ((st = ops_dict_get(th, DICT, a->pos[0], out, &found)) != VM_OK) return st;
    if (found) return ops_dict_del(th, DICT, a->pos[0], &found);
    if (a->npos == 2) {
        *out = a->pos[1];
        return VM_OK;
    }
    value exc = vm_exc_new(th, th->vm->cls.KeyError, NULL);
    dict_set_str(V_INST(exc)->dict, th->vm->names.args, tuple_pack(th->vm, 1, &a->pos[0]));
    return vm_raise_value(th, exc);
}

static vm_status d_popitem(vm_thread *th, const vm_args *a, value *out) {
    vm_status st = args_count(th, a, "popitem", 0, 0);
    if (st != VM_OK) return st;
    dict_obj *d = DICT;
    for (size_t i = d->nentries; i-- > 0;) {
        if (d->entries[i].key.tag == VT_UNDEF) continue;
        value pair[2] = {d->entries[i].key, d->entries[i].val};
        dict_remove(d, pair[0], d->entries[i].hash, NULL);
        *out = tuple_pack(th->vm, 2, pair);
        return VM_OK;
    }
    return vm_raise(th, th->vm->cls.KeyError, "popitem(): dictionary is empty");
}

static vm_status d_setdefault(vm_thread *th, const vm_args *a, value *out) {
    vm_status st = args_count(th, a, "setdefault", 1, 2);
    if (st != VM_OK) return st;
    bool found;
    if ((st = ops_dict_get(th, DICT, a->pos[0], out, &found)) != VM_OK) return st;
    if (found) return VM_OK;
    *out = a->npos == 2 ? a->pos[1] : v_none();
    return ops_dict_set(th, DICT, a->pos[0], *out);
}

static vm_status d_update(vm_thread *th, const vm_args *a, value *out) {
    if (a->npos > 1) return vm_raise(th, th->vm->cls.TypeError, "update expected at most 1 argument, got %d", a->npos);
    vm_status st;
    if (a->npos == 1 && (st = types_dict_fill(th, DICT, a->pos[0])) != VM_OK) return st;
    for (int i = 0; i < a->nkw; i++) dict_set_str(DICT, a->kwnames[i], a->kwvals[i]);
    *out = v_none();
    return VM_OK;
}

static vm_status view(vm_thread *th, const vm_args *a, value *out, int sub, const char *name) {
    vm_status st = args_count(th, a, name, 0, 0);
    if (st != VM_OK) return st;
    dictview_obj *v = gc_alloc(th->vm, OK_DICTVIEW, sizeof(dictview_obj));
    v->d = DICT;
    v->sub = sub;
    *out = v_obj(v);
    return VM_OK;
}

static vm_status d_keys(vm_thread *th, const vm_args *a, value *out) { return view(th, a, out, 0, "keys"); }
static vm_status d_values(vm_thread *th, const vm_args *a, value *out) { return view(th, a, out, 1, "values"); }
static vm_status d_items(vm_thread *th, const vm_args *a, value *out) { return view(th, a, out, 2, "items"); }

static vm_status d_clear(vm_thread *th, const vm_args *a, value *out) {
    vm_status st = args_count(th, a, "clear", 0, 0);
    if (st != VM_OK) return st;
    dict_clear(DICT);
    *out = v_none();
    return VM_OK;
}

static vm_status d_copy(vm_thread *th, const vm_args *a, value *out) {
    vm_status st = args_count(th, a, "copy", 0, 0);
    if (st != VM_OK) return st;
    dict_obj *src = DICT, *d = dict_new(th->vm);
    for (size_t i = 0; i < src->nentries; i++)
        if (src->entries[i].key.tag != VT_UNDEF) dict_store(d, src->entries[i].key, src->entries[i].hash, src->entries[i].val);
    *out = v_obj(d);
    return VM_OK;
}

static const native_def dict_methods[] = {
    {"get", d_get}, {"pop", d_pop}, {"popitem", d_popitem}, {"setdefault", d_setdefault}, {"update", d_update},
    {"keys", d_keys}, {"values", d_values}, {"items", d_items}, {"clear", d_clear}, {"copy", d_copy},
    {NULL, NULL}};

void container_methods_install(vm *m) {
    native_register(m, m->cls.list->dict, list_methods, true);
    native_register(m, m->cls.tuple->dict, tuple_methods, true);
    native_register(m, m->cls.dict->dict, dict_methods, true);
}
