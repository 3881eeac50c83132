/* set.c - set and frozenset. The hash table follows CPython 3.11's
 * Objects/setobject.c step by step (linear probes, then perturbed jumps;
 * the same growth, merge and pop rules), because a set's iteration order,
 * and so what print({3, 1, 2}) shows, is its table order. Keys are compared
 * like dict keys (dict_key_eq: no user __eq__ runs). */
#include <stdlib.h>
#include <string.h>

#include "natives.h"
#include "xalloc.h"

enum { SET_MINSIZE = 8, SET_LINEAR_PROBES = 9, SET_PERTURB_SHIFT = 5 };

#define SET_SELF V_SET(a->self)

static bool set_slot_unused(const set_entry *e) { return e->key.tag == VT_UNDEF && e->hash == 0; }
static bool set_slot_active(const set_entry *e) { return e->key.tag != VT_UNDEF; }

set_obj *set_new(vm *m, bool frozen) {
    set_obj *s = gc_alloc(m, OK_SET, sizeof(set_obj));
    s->table = xcalloc(SET_MINSIZE, sizeof(set_entry));
    s->mask = SET_MINSIZE - 1;
    s->frozen = frozen;
    return s;
}

/* Puts a key known to be absent into a table without dummies. */
static void set_insert_clean(set_entry *table, size_t mask, value key, int64_t hash) {
    size_t perturb = (size_t)hash, i = (size_t)hash & mask;
    for (;;) {
        set_entry *e = &table[i];
        if (e->key.tag == VT_UNDEF) goto found;
        if (i + SET_LINEAR_PROBES <= mask)
            for (int j = 0; j < SET_LINEAR_PROBES; j++) {
                e++;
                if (e->key.tag == VT_UNDEF) goto found;
            }
        perturb >>= SET_PERTURB_SHIFT;
        i = (i * 5 + 1 + perturb) & mask;
        continue;
    found:
        e->key = key;
        e->hash = hash;
        return;
    }
}

/* A new table of the smallest power of two above minused (at least 8);
 * active keys move in old slot order, dummies are dropped. */
static void set_table_resize(set_obj *s, size_t minused) {
    size_t newsize = SET_MINSIZE;
    while (newsize <= minused) newsize <<= 1;
    set_entry *old = s->table;
    size_t oldmask = s->mask;
    s->table = xcalloc(newsize, sizeof(set_entry));
    s->mask = newsize - 1;
    s->fill = s->used;
    for (size_t i = 0; i <= oldmask; i++)
        if (set_slot_active(&old[i])) set_insert_clean(s->table, s->mask, old[i].key, old[i].hash);
    free(old);
}

/* The slot holding key, or NULL. */
static set_entry *set_lookup(const set_obj *s, value key, int64_t hash) {
    size_t perturb = (size_t)hash, mask = s->mask, i = (size_t)hash & mask;
    for (;;) {
        set_entry *e = &s->table[i];
        int probes = i + SET_LINEAR_PROBES <= mask ? SET_LINEAR_PROBES : 0;
        do {
            if (set_slot_unused(e)) return NULL;
            if (e->hash == hash && set_slot_active(e) && dict_key_eq(e->key, key)) return e;
            e++;
        } while (probes--);
        perturb >>= SET_PERTURB_SHIFT;
        i = (i * 5 + 1 + perturb) & mask;
    }
}

bool set_contains_hashed(const set_obj *s, value key, int64_t hash) { return set_lookup(s, key, hash) != NULL; }

/* set_add_entry: reuses the last dummy seen on the probe path, else takes
 * the unused slot, and grows once the table is 3/5 full. */
void set_add_hashed(set_obj *s, value key, int64_t hash) {
    size_t perturb = (size_t)hash, mask = s->mask, i = (size_t)hash & mask;
    set_entry *freeslot = NULL, *e;
    for (;;) {
        e = &s->table[i];
        int probes = i + SET_LINEAR_PROBES <= mask ? SET_LINEAR_PROBES : 0;
        do {
            if (set_slot_unused(e)) goto unused;
            if (e->hash == hash && set_slot_active(e) && dict_key_eq(e->key, key)) return;
            if (e->hash == -1 && !set_slot_active(e)) freeslot = e;
            e++;
        } while (probes--);
        perturb >>= SET_PERTURB_SHIFT;
        i = (i * 5 + 1 + perturb) & mask;
    }
unused:
    if (freeslot) {
        s->used++;
        freeslot->key = key;
        freeslot->hash = hash;
        return;
    }
    s->fill++;
    s->used++;
    e->key = key;
    e->hash = hash;
    if (s->fill * 5 < mask * 3) return;
    set_table_resize(s, s->used > 50000 ? s->used * 2 : s->used * 4);
}

/* Leaves a dummy in key's slot; false if it was not there. */
static bool set_discard_hashed(set_obj *s, value key, int64_t hash) {
    set_entry *e = set_lookup(s, key, hash);
    if (!e) return false;
    e->key = v_undef();
    e->hash = -1;
    s->used--;
    return true;
}

bool set_next(const set_obj *s, size_t *pos, value *key, int64_t *hash) {
    for (size_t i = *pos; i <= s->mask; i++)
        if (set_slot_active(&s->table[i])) {
            *key = s->table[i].key;
            if (hash) *hash = s->table[i].hash;
            *pos = i + 1;
            return true;
        }
    *pos = s->mask + 1;
    return false;
}

static void set_clear(set_obj *s) {
    free(s->table);
    s->table = xcalloc(SET_MINSIZE, sizeof(set_entry));
    s->mask = SET_MINSIZE - 1;
    s->fill = s->used = 0;
}

/* Adds every key of other: one resize first, then a straight copy of the
 * table when that keeps the layout, as set_merge does. */
static void set_merge(set_obj *s, const set_obj *other) {
    if (other == s || other->used == 0) return;
    if ((s->fill + other->used) * 5 >= s->mask * 3) set_table_resize(s, (s->used + other->used) * 2);
    if (s->fill == 0 && s->mask == other->mask && other->fill == other->used) {
        for (size_t i = 0; i <= other->mask; i++)
            if (set_slot_active(&other->table[i])) s->table[i] = other->table[i];
        s->fill = other->fill;
        s->used = other->used;
        return;
    }
    if (s->fill == 0) {
        s->fill = s->used = other->used;
        for (size_t i = 0; i <= other->mask; i++)
            if (set_slot_active(&other->table[i]))
                set_insert_clean(s->table, s->mask, other->table[i].key, other->table[i].hash);
        return;
    }
    for (size_t i = 0; i <= other->mask; i++)
        if (set_slot_active(&other->table[i])) set_add_hashed(s, other->table[i].key, other->table[i].hash);
}

/* The hash a key gets in a set: a set key is looked up as the frozenset
 * it equals (CPython does the same for 'in', remove and discard). */
static vm_status set_key_hash(vm_thread *th, value key, int64_t *hash) {
    if (v_is_obj(key, OK_SET) && !V_SET(key)->frozen) {
        *hash = set_frozen_hash(V_SET(key));
        return VM_OK;
    }
    return ops_hash(th, key, hash);
}

vm_status set_add(vm_thread *th, set_obj *s, value key) {
    int64_t h;
    vm_status st = ops_hash(th, key, &h);
    if (st == VM_OK) set_add_hashed(s, key, h);
    return st;
}

vm_status set_contains(vm_thread *th, const set_obj *s, value key, bool *out) {
    int64_t h;
    vm_status st = set_key_hash(th, key, &h);
    if (st == VM_OK) *out = set_lookup(s, key, h) != NULL;
    return st;
}

/* set_update_internal: from a set, a dict (its keys) or any iterable. */
vm_status set_update(vm_thread *th, set_obj *s, value other) {
    if (v_is_obj(other, OK_SET)) {
        set_merge(s, V_SET(other));
        return VM_OK;
    }
    if (v_is_obj(other, OK_DICT)) {
        dict_obj *d = V_DICT(other);
        if ((s->fill + d->count) * 5 >= s->mask * 3) set_table_resize(s, (s->used + d->count) * 2);
        for (size_t i = 0; i < d->nentries; i++)
            if (d->entries[i].key.tag != VT_UNDEF) set_add_hashed(s, d->entries[i].key, d->entries[i].hash);
        return VM_OK;
    }
    value it;
    vm_status st = ops_iter(th, other, &it);
    if (st != VM_OK) return st;
    for (;;) {
        value x;
        bool done;
        if ((st = ops_next(th, it, &x, &done)) != VM_OK || done) return st;
        if ((st = set_add(th, s, x)) != VM_OK) return st;
    }
}

/* A new set of s's kind (set or frozenset) holding other's keys. */
static set_obj *set_copy_of(vm *m, bool frozen, const set_obj *other) {
    set_obj *r = set_new(m, frozen);
    if (other) set_merge(r, other);
    return r;
}

/* A set of the same kind as s built from an iterable (for the operations
 * that take any iterable). */
static vm_status set_from(vm_thread *th, bool frozen, value iterable, set_obj **out) {
    *out = set_new(th->vm, frozen);
    return set_update(th, *out, iterable);
}

/* s & other (set_intersection): walks the smaller set. */
static vm_status set_intersection(vm_thread *th, set_obj *s, value other, set_obj **out) {
    set_obj *r = set_new(th->vm, s->frozen);
    *out = r;
    if (v_is_obj(other, OK_SET)) {
        const set_obj *big = s, *small = V_SET(other);
        if (small->used > big->used) {
            const set_obj *t = big;
            big = small;
            small = t;
        }
        size_t pos = 0;
        value k;
        int64_t h;
        while (set_next(small, &pos, &k, &h))
            if (set_lookup(big, k, h)) set_add_hashed(r, k, h);
        return VM_OK;
    }
    value it;
    vm_status st = ops_iter(th, other, &it);
    if (st != VM_OK) return st;
    for (;;) {
        value x;
        bool done;
        int64_t h;
        if ((st = ops_next(th, it, &x, &done)) != VM_OK || done) return st;
        if ((st = ops_hash(th, x, &h)) != VM_OK) return st;
        if (set_lookup(s, x, h)) set_add_hashed(r, x, h);
    }
}

/* Removes other's keys from s (set_difference_update_internal). */
static vm_status set_difference_update(vm_thread *th, set_obj *s, value other) {
    if (v_is_obj(other, OK_SET) && V_SET(other) == s) {
        set_clear(s);
        return VM_OK;
    }
    if (v_is_obj(other, OK_SET)) {
        set_obj *o = V_SET(other);
        if ((o->used >> 3) > s->used) {
            vm_status st = set_intersection(th, s, other, &o);
            if (st != VM_OK) return st;
        }
        size_t pos = 0;
        value k;
        int64_t h;
        while (set_next(o, &pos, &k, &h)) set_discard_hashed(s, k, h);
    } else {
        value it;
        vm_status st = ops_iter(th, other, &it);
        if (st != VM_OK) return st;
        for (;;) {
            value x;
            bool done;
            int64_t h;
            if ((st = ops_next(th, it, &x, &done)) != VM_OK) return st;
            if (done) break;
            if ((st = set_key_hash(th, x, &h)) != VM_OK) return st;
            set_discard_hashed(s, x, h);
        }
    }
    /* more than a quarter dummies: rebuild without them */
    if (s->fill - s->used > s->mask / 4) set_table_resize(s, s->used > 50000 ? s->used * 2 : s->used * 4);
    return VM_OK;
}

/* s - other (set_difference). */
static vm_status set_difference(vm_thread *th, set_obj *s, value other, set_obj **out) {
    size_t other_size;
    if (v_is_obj(other, OK_SET)) other_size = V_SET(other)->used;
    else if (v_is_obj(other, OK_DICT)) other_size = V_DICT(other)->count;
    else other_size = SIZE_MAX;
    if (other_size == SIZE_MAX || (s->used >> 2) > other_size) {
        *out = set_copy_of(th->vm, s->frozen, s);
        return set_difference_update(th, *out, other);
    }
    set_obj *r = set_new(th->vm, s->frozen);
    *out = r;
    size_t pos = 0;
    value k;
    int64_t h;
    while (set_next(s, &pos, &k, &h)) {
        bool in = v_is_obj(other, OK_SET) ? set_lookup(V_SET(other), k, h) != NULL
                                          : dict_lookup(V_DICT(other), k, h, &(value){0});
        if (!in) set_add_hashed(r, k, h);
    }
    return VM_OK;
}

/* s ^= other (set_symmetric_difference_update). */
static vm_status set_symmetric_update(vm_thread *th, set_obj *s, value other) {
    if (v_is_obj(other, OK_SET) && V_SET(other) == s) {
        set_clear(s);
        return VM_OK;
    }
    set_obj *o;
    if (v_is_obj(other, OK_SET)) {
        o = V_SET(other);
    } else {
        vm_status st = set_from(th, s->frozen, other, &o);
        if (st != VM_OK) return st;
    }
    size_t pos = 0;
    value k;
    int64_t h;
    while (set_next(o, &pos, &k, &h))
        if (!set_discard_hashed(s, k, h)) set_add_hashed(s, k, h);
    return VM_OK;
}

static bool set_is_subset(const set_obj *a, const set_obj *b) {
    if (a->used > b->used) return false;
    size_t pos = 0;
    value k;
    int64_t h;
    while (set_next(a, &pos, &k, &h))
        if (!set_lookup(b, k, h)) return false;
    return true;
}

bool set_equal(const set_obj *a, const set_obj *b) { return a->used == b->used && set_is_subset(a, b); }

/* frozenset.__hash__: CPython's, so equal frozensets hash alike whatever
 * their table order. */
int64_t set_frozen_hash(const set_obj *s) {
    uint64_t hash = 0;
    for (size_t i = 0; i <= s->mask; i++)
        if (set_slot_active(&s->table[i])) {
            uint64_t h = (uint64_t)s->table[i].hash;
            hash ^= ((h ^ 89869747ULL) ^ (h << 16)) * 3644798167ULL;
        }
    if ((s->fill - s->used) & 1) {
        uint64_t h = (uint64_t)-1;
        hash ^= ((h ^ 89869747ULL) ^ (h << 16)) * 3644798167ULL;
    }
    hash ^= ((uint64_t)s->used + 1) * 1927868237ULL;
    hash ^= (hash >> 11) ^ (hash >> 25);
    hash = hash * 69069U + 907133923ULL;
    if (hash == (uint64_t)-1) hash = 590923713ULL;
    return (int64_t)hash;
}

/* ------------------------------------------------------ operators */

/* Gives s the table of r and r the table of s (set_swap_bodies); the
 * collector frees r's, now the old one, with r. */
static void set_swap_tables(set_obj *s, set_obj *r) {
    set_obj t = *s;
    s->table = r->table;
    s->mask = r->mask;
    s->fill = r->fill;
    s->used = r->used;
    s->finger = r->finger;
    r->table = t.table;
    r->mask = t.mask;
    r->fill = t.fill;
    r->used = t.used;
    r->finger = t.finger;
}

/* s ^ other (set_symmetric_difference): a new set of s's kind from other,
 * then s's keys toggled in it. */
static vm_status set_symmetric_difference(vm_thread *th, set_obj *s, value other, set_obj **out) {
    vm_status st = set_from(th, s->frozen, other, out);
    return st == VM_OK ? set_symmetric_update(th, *out, v_obj(s)) : st;
}

vm_status set_binary(vm_thread *th, int op, value a, value b, bool inplace, value *out) {
    set_obj *s = V_SET(a), *r = NULL;
    vm_status st = VM_OK;
    if (inplace && !s->frozen) {
        switch (op) {
        case '|': st = set_update(th, s, b); break;
        case '&':
            if ((st = set_intersection(th, s, b, &r)) == VM_OK) set_swap_tables(s, r);
            break;
        case '-': st = set_difference_update(th, s, b); break;
        default: st = set_symmetric_update(th, s, b); break;
        }
        *out = a;
        return st;
    }
    switch (op) {
    case '|':
        r = set_copy_of(th->vm, s->frozen, s);
        st = set_update(th, r, b);
        break;
    case '&': st = set_intersection(th, s, b, &r); break;
    case '-': st = set_difference(th, s, b, &r); break;
    default: st = set_symmetric_difference(th, s, b, &r); break;
    }
    *out = r ? v_obj(r) : v_none();
    return st;
}

/* <, <=, >, >= on two sets: subset and superset tests. */
bool set_compare(int op, const set_obj *a, const set_obj *b) {
    switch (op) {
    case '<': return a->used < b->used && set_is_subset(a, b);
    case 'l': return set_is_subset(a, b);
    case '>': return a->used > b->used && set_is_subset(b, a);
    default: return set_is_subset(b, a);
    }
}

/* ------------------------------------------------------ methods */

static vm_status m_add(vm_thread *th, const vm_args *a, value *out) {
    vm_status st = args_count(th, a, "set.add", 1, 1);
    if (st != VM_OK) return st;
    *out = v_none();
    return set_add(th, SET_SELF, a->pos[0]);
}

static vm_status m_discard_or_remove(vm_thread *th, const vm_args *a, value *out, bool remove) {
    vm_status st = args_count(th, a, remove ? "set.remove" : "set.discard", 1, 1);
    if (st != VM_OK) return st;
    int64_t h;
    if ((st = set_key_hash(th, a->pos[0], &h)) != VM_OK) return st;
    *out = v_none();
    if (!set_discard_hashed(SET_SELF, a->pos[0], h) && remove) return ops_key_error(th, a->pos[0]);
    return VM_OK;
}

static vm_status m_discard(vm_thread *th, const vm_args *a, value *out) { return m_discard_or_remove(th, a, out, false); }
static vm_status m_remove(vm_thread *th, const vm_args *a, value *out) { return m_discard_or_remove(th, a, out, true); }

static vm_status m_pop(vm_thread *th, const vm_args *a, value *out) {
    vm_status st = args_count(th, a, "set.pop", 0, 0);
    if (st != VM_OK) return st;
    set_obj *s = SET_SELF;
    if (s->used == 0) return vm_raise(th, th->vm->cls.KeyError, "pop from an empty set");
    size_t i = s->finger & s->mask;
    while (!set_slot_active(&s->table[i])) i = i == s->mask ? 0 : i + 1;
    *out = s->table[i].key;
    s->table[i].key = v_undef();
    s->table[i].hash = -1;
    s->used--;
    s->finger = i + 1;
    return VM_OK;
}

static vm_status m_clear(vm_thread *th, const vm_args *a, value *out) {
    vm_status st = args_count(th, a, "set.clear", 0, 0);
    if (st != VM_OK) return st;
    set_clear(SET_SELF);
    *out = v_none();
    return VM_OK;
}

static vm_status m_copy(vm_thread *th, const vm_args *a, value *out) {
    vm_status st = args_count(th, a, "copy", 0, 0);
    if (st != VM_OK) return st;
    *out = SET_SELF->frozen ? a->self : v_obj(set_copy_of(th->vm, false, SET_SELF));
    return VM_OK;
}

static vm_status m_update(vm_thread *th, const vm_args *a, value *out) {
    vm_status st = args_count(th, a, "set.update", 0, 64);
    for (int i = 0; st == VM_OK && i < a->npos; i++) st = set_update(th, SET_SELF, a->pos[i]);
    *out = v_none();
    return st;
}

/* The methods taking any number of iterables, each the way CPython
 * combines them (set_union, set_intersection_multi, set_difference_multi). */
static vm_status m_union(vm_thread *th, const vm_args *a, value *out) {
    vm_status st = args_count(th, a, "union", 0, 64);
    if (st != VM_OK) return st;
    set_obj *r = set_copy_of(th->vm, SET_SELF->frozen, SET_SELF);
    *out = v_obj(r);
    for (int i = 0; st == VM_OK && i < a->npos; i++)
        if (!(v_is_obj(a->pos[i], OK_SET) && V_SET(a->pos[i]) == SET_SELF)) st = set_update(th, r, a->pos[i]);
    return st;
}

static vm_status m_intersection(vm_thread *th, const vm_args *a, value *out) {
    vm_status st = args_count(th, a, "intersection", 0, 64);
    if (st != VM_OK) return st;
    set_obj *r = SET_SELF;
    if (a->npos == 0) r = set_copy_of(th->vm, r->frozen, r);
    for (int i = 0; st == VM_OK && i < a->npos; i++) {
        if (v_is_obj(a->pos[i], OK_SET) && V_SET(a->pos[i]) == r) r = set_copy_of(th->vm, r->frozen, r);
        else st = set_intersection(th, r, a->pos[i], &r);
    }
    *out = v_obj(r);
    return st;
}

static vm_status m_difference(vm_thread *th, const vm_args *a, value *out) {
    vm_status st = args_count(th, a, "difference", 0, 64);
    if (st != VM_OK) return st;
    set_obj *r;
    if (a->npos == 0) r = set_copy_of(th->vm, SET_SELF->frozen, SET_SELF);
    else st = set_difference(th, SET_SELF, a->pos[0], &r);
    for (int i = 1; st == VM_OK && i < a->npos; i++) st = set_difference_update(th, r, a->pos[i]);
    *out = st == VM_OK ? v_obj(r) : v_none();
    return st;
}

static vm_status m_symmetric_difference(vm_thread *th, const vm_args *a, value *out) {
    vm_status st = args_count(th, a, "symmetric_difference", 1, 1);
    if (st != VM_OK) return st;
    set_obj *r;
    st = set_symmetric_difference(th, SET_SELF, a->pos[0], &r);
    *out = st == VM_OK ? v_obj(r) : v_none();
    return st;
}

static vm_status m_intersection_update(vm_thread *th, const vm_args *a, value *out) {
    value r;
    vm_status st = m_intersection(th, a, &r);
    if (st == VM_OK && V_SET(r) != SET_SELF) set_swap_tables(SET_SELF, V_SET(r));
    *out = v_none();
    return st;
}

static vm_status m_difference_update(vm_thread *th, const vm_args *a, value *out) {
    vm_status st = args_count(th, a, "difference_update", 0, 64);
    for (int i = 0; st == VM_OK && i < a->npos; i++) st = set_difference_update(th, SET_SELF, a->pos[i]);
    *out = v_none();
    return st;
}

static vm_status m_symmetric_difference_update(vm_thread *th, const vm_args *a, value *out) {
    vm_status st = args_count(th, a, "symmetric_difference_update", 1, 1);
    *out = v_none();
    return st == VM_OK ? set_symmetric_update(th, SET_SELF, a->pos[0]) : st;
}

/* issubset / issuperset / isdisjoint take any iterable. */
static vm_status m_relation(vm_thread *th, const vm_args *a, value *out, char which, const char *name) {
    vm_status st = args_count(th, a, name, 1, 1);
    if (st != VM_OK) return st;
    value other = a->pos[0];
    if (!v_is_obj(other, OK_SET)) {
        set_obj *tmp;
        if ((st = set_from(th, false, other, &tmp)) != VM_OK) return st;
        other = v_obj(tmp);
    }
    set_obj *s = SET_SELF, *o = V_SET(other);
    if (which == 'd') {
        set_obj *common;
        if ((st = set_intersection(th, s, other, &common)) != VM_OK) return st;
        *out = v_bool(common->used == 0);
    } else {
        *out = v_bool(which == 's' ? set_is_subset(s, o) : set_is_subset(o, s));
    }
    return VM_OK;
}

static vm_status m_issubset(vm_thread *th, const vm_args *a, value *out) { return m_relation(th, a, out, 's', "issubset"); }
static vm_status m_issuperset(vm_thread *th, const vm_args *a, value *out) {
    return m_relation(th, a, out, 'p', "issuperset");
}
static vm_status m_isdisjoint(vm_thread *th, const vm_args *a, value *out) {
    return m_relation(th, a, out, 'd', "isdisjoint");
}

static const native_def set_methods[] = {
    {"add", m_add}, {"discard", m_discard}, {"remove", m_remove}, {"pop", m_pop}, {"clear", m_clear},
    {"copy", m_copy}, {"update", m_update}, {"union", m_union}, {"intersection", m_intersection},
    {"difference", m_difference}, {"symmetric_difference", m_symmetric_difference},
    {"intersection_update", m_intersection_update}, {"difference_update", m_difference_update},
    {"symmetric_difference_update", m_symmetric_difference_update}, {"issubset", m_issubset},
    {"issuperset", m_issuperset}, {"isdisjoint", m_isdisjoint}, {NULL, NULL}};

static const native_def frozenset_methods[] = {
    {"copy", m_copy}, {"union", m_union}, {"intersection", m_intersection}, {"difference", m_difference},
    {"symmetric_difference", m_symmetric_difference}, {"issubset", m_issubset}, {"issuperset", m_issuperset},
    {"isdisjoint", m_isdisjoint}, {NULL, NULL}};

/* set(iterable) and frozenset(iterable) */
static vm_status new_set_of(vm_thread *th, const vm_args *a, value *out, bool frozen) {
    vm_status st = args_count(th, a, frozen ? "frozenset" : "set", 0, 1);
    if (st != VM_OK) return st;
    if (frozen && a->npos == 1 && v_is_obj(a->pos[0], OK_SET) && V_SET(a->pos[0])->frozen) {
        *out = a->pos[0];
        return VM_OK;
    }
    set_obj *s = set_new(th->vm, frozen);
    *out = v_obj(s);
    return a->npos ? set_update(th, s, a->pos[0]) : VM_OK;
}

static vm_status new_set(vm_thread *th, const vm_args *a, value *out) { return new_set_of(th, a, out, false); }
static vm_status new_frozenset(vm_thread *th, const vm_args *a, value *out) { return new_set_of(th, a, out, true); }

void set_install(vm *m) {
    m->cls.set = natives_class(m, "set", m->cls.object, set_methods);
    m->cls.frozenset = natives_class(m, "frozenset", m->cls.object, frozenset_methods);
    dict_set_str(m->cls.set->dict, m->names.new_, v_obj(native_new(m, "__new__", new_set, false)));
    dict_set_str(m->cls.frozenset->dict, m->names.new_, v_obj(native_new(m, "__new__", new_frozenset, false)));
    dict_set_str(m->builtins, m->cls.set->name, v_obj(m->cls.set));
    dict_set_str(m->builtins, m->cls.frozenset->name, v_obj(m->cls.frozenset));
}
