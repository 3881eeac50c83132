/* str_methods.c - the methods of str (a->self is the string). Text is UTF-8;
 * positions in the API are code points, as in Python. */
#include <string.h>

#include "fmt.h"
#include "natives.h"

#define SELF V_STR(a->self)

static str_obj *arg_str(vm_thread *th, value v, const char *fname, int index, vm_status *st) {
    if (v_is_obj(v, OK_STR)) {
        *st = VM_OK;
        return V_STR(v);
    }
    (void)index;
    *st = vm_raise(th, th->vm->cls.TypeError, "%s arg must be None or str", fname);
    return NULL;
}

/* Simple case mapping: ASCII, Latin-1, Latin Extended-A, Greek, Cyrillic. */
static uint32_t cp_upper(uint32_t c) {
    if (c >= 'a' && c <= 'z') return c - 32;
    if (c < 0x80) return c;
    if ((c >= 0xE0 && c <= 0xFE && c != 0xF7)) return c - 32;
    if (c == 0xFF) return 0x178;
    if (c >= 0x100 && c <= 0x17F && c != 0x131 && c != 0x138 && c != 0x149) {
        bool odd_is_lower = !((c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17E));
        if (odd_is_lower ? (c & 1) : !(c & 1)) return c - 1;
        return c;
    }
    if (c >= 0x3B1 && c <= 0x3C9 && c != 0x3C2) return c - 32;
    if (c >= 0x430 && c <= 0x44F) return c - 32;
    if (c >= 0x450 && c <= 0x45F) return c - 80;
    return c;
}

static uint32_t cp_lower(uint32_t c) {
    if (c >= 'A' && c <= 'Z') return c + 32;
    if (c < 0x80) return c;
    if (c >= 0xC0 && c <= 0xDE && c != 0xD7) return c + 32;
    if (c == 0x178) return 0xFF;
    if (c >= 0x100 && c <= 0x17F && c != 0x130 && c != 0x138 && c != 0x149) {
        bool odd_is_lower = !((c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17E));
        if (odd_is_lower ? !(c & 1) : (c & 1)) return c + 1;
        return c;
    }
    if (c >= 0x391 && c <= 0x3A9 && c != 0x3A2) return c + 32;
    if (c >= 0x410 && c <= 0x42F) return c + 32;
    if (c >= 0x400 && c <= 0x40F) return c + 80;
    return c;
}

static bool cp_is_upper(uint32_t c) { return cp_lower(c) != c; }
static bool cp_is_lower(uint32_t c) { return cp_upper(c) != c; }
static bool cp_is_alpha(uint32_t c) {
    if (c < 0x80) return (c | 32) >= 'a' && (c | 32) <= 'z';
    if (cp_upper(c) != c || cp_lower(c) != c) return true;
    if (c == 0xAA || c == 0xBA || c == 0xDF) return true;
    return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x3040 && c <= 0x30FF) ||
           (c >= 0xAC00 && c <= 0xD7A3);
}

typedef uint32_t (*cp_map)(uint32_t);

static value map_chars(vm *m, str_obj *s, cp_map f) {
    strbuf sb;
    sb_init(&sb);
    size_t pos = 0;
    while (pos < s->len) fmt_utf8_put(&sb, f(fmt_utf8_next(s->data, s->len, &pos)));
    return str_take_sb(m, &sb);
}

static vm_status s_upper(vm_thread *th, const vm_args *a, value *out) {
    vm_status st = args_count(th, a, "upper", 0, 0);
    if (st == VM_OK) *out = map_chars(th->vm, SELF, cp_upper);
    return st;
}

static vm_status s_lower(vm_thread *th, const vm_args *a, value *out) {
    vm_status st = args_count(th, a, "lower", 0, 0);
    if (st == VM_OK) *out = map_chars(th->vm, SELF, cp_lower);
    return st;
}

static uint32_t cp_swap(uint32_t c) { return cp_is_upper(c) ? cp_lower(c) : cp_upper(c); }

static vm_status s_swapcase(vm_thread *th, const vm_args *a, value *out) {
    vm_status st = args_count(th, a, "swapcase", 0, 0);
    if (st == VM_OK) *out = map_chars(th->vm, SELF, cp_swap);
    return st;
}

static vm_status s_title_cap(vm_thread *th, const vm_args *a, value *out, bool title) {
    vm_status st = args_count(th, a, title ? "title" : "capitalize", 0, 0);
    if (st != VM_OK) return st;
    str_obj *s = SELF;
    strbuf sb;
    sb_init(&sb);
    size_t pos = 0;
    bool prev_cased = false, first = true;
    while (pos < s->len) {
        uint32_t c = fmt_utf8_next(s->data, s->len, &pos);
        uint32_t r;
        if (title) r = prev_cased ? cp_lower(c) : cp_upper(c);
        else r = first ? cp_upper(c) : cp_lower(c);
        fmt_utf8_put(&sb, r);
        prev_cased = cp_is_alpha(c);
        first = false;
    }
    *out = str_take_sb(th->vm, &sb);
    return VM_OK;
}

static vm_status s_title(vm_thread *th, const vm_args *a, value *out) { return s_title_cap(th, a, out, true); }
static vm_status s_capitalize(vm_thread *th, const vm_args *a, value *out) { return s_title_cap(th, a, out, false); }

static bool is_space_at(const char *s, size_t len, size_t pos, size_t *n) {
    size_t p = pos;
    uint32_t c = fmt_utf8_next(s, len, &p);
    *n = p - pos;
    return fmt_unicode_isspace(c);
}

static bool in_chars(const str_obj *chars, const char *s, size_t len, size_t pos, size_t *n) {
    size_t p = pos;
    fmt_utf8_next(s, len, &p);
    *n = p - pos;
    return mem_find(chars->data, chars->len, s + pos, *n) != SIZE_MAX;
}

/* strip/lstrip/rstrip: which = 1 left, 2 right, 3 both. */
static vm_status do_strip(vm_thread *th, const vm_args *a, value *out, int which, const char *name) {
    vm_status st = args_count(th, a, name, 0, 1);
    if (st != VM_OK) return st;
    str_obj *s = SELF, *chars = NULL;
    if (a->npos == 1 && a->pos[0].tag != VT_NONE) {
        if (!v_is_obj(a->pos[0], OK_STR))
            return vm_raise(th, th->vm->cls.TypeError, "%s arg must be None or str", name);
        chars = V_STR(a->pos[0]);
    }
    size_t lo = 0, hi = s->len, n;
    if (which & 1)
        while (lo < hi && (chars ? in_chars(chars, s->data, s->len, lo, &n) : is_space_at(s->data, s->len, lo, &n)))
            lo += n;
    if (which & 2) {
        while (hi > lo) {
            size_t start = hi - 1;
            while (start > lo && ((unsigned char)s->data[start] & 0xC0) == 0x80) start--;
            bool strip = chars ? in_chars(chars, s->data, s->len, start, &n) : is_space_at(s->data, s->len, start, &n);
            if (!strip) break;
            hi = start;
        }
    }
    *out = str_value(th->vm, s->data + lo, hi - lo);
    return VM_OK;
}

static vm_status s_strip(vm_thread *th, const vm_args *a, value *out) { return do_strip(th, a, out, 3, "strip"); }
static vm_status s_lstrip(vm_thread *th, const vm_args *a, value *out) { return do_strip(th, a, out, 1, "lstrip"); }
static vm_status s_rstrip(vm_thread *th, const vm_args *a, value *out) { return do_strip(th, a, out, 2, "rstrip"); }

static vm_status do_split(vm_thread *th, const vm_args *a, value *out, bool right) {
    vm *m = th->vm;
    static const char *const kw[] = {"sep", "maxsplit", NULL};
    const char *name = right ? "rsplit" : "split";
    vm_status st = args_count_kw(th, a, name, 0, 2, kw);
    if (st != VM_OK) return st;
    value sepv = args_get(a, 0, "sep"), maxv = args_get(a, 1, "maxsplit");
    int64_t maxsplit = -1;
    if (maxv.tag != VT_UNDEF && (st = args_int(th, maxv, "maxsplit", &maxsplit)) != VM_OK) return st;
    str_obj *s = SELF;
    list_obj *l = list_new(m, 4);
    if (sepv.tag == VT_UNDEF || sepv.tag == VT_NONE) {
        /* runs of whitespace; leading/trailing ignored */
        if (!right) {
            size_t i = 0, n;
            while (i < s->len) {
                while (i < s->len && is_space_at(s->data, s->len, i, &n)) i += n;
                if (i >= s->len) break;
                if (maxsplit >= 0 && (int64_t)l->len == maxsplit) {
                    size_t e = s->len;
                    while (e > i) {
                        size_t b = e - 1;
                        while (b > i && ((unsigned char)s->data[b] & 0xC0) == 0x80) b--;
                        if (!is_space_at(s->data, s->len, b, &n)) break;
                        e = b;
                    }
                    list_append(l, str_value(m, s->data + i, e - i));
                    break;
                }
                size_t j = i;
                while (j < s->len && !is_space_at(s->data, s->len, j, &n)) j += n;
                list_append(l, str_value(m, s->data + i, j - i));
                i = j;
            }
        } else {
            size_t e = s->len, n;
            list_obj *rev = list_new(m, 4);
            while (e > 0) {
                while (e > 0) {
                    size_t b = e - 1;
                    while (b > 0 && ((unsigned char)s->data[b] & 0xC0) == 0x80) b--;
                    if (!is_space_at(s->data, s->len, b, &n)) break;
                    e = b;
                }
                if (e == 0) break;
                size_t b = e;
                if (maxsplit >= 0 && (int64_t)rev->len == maxsplit) {
                    size_t i = 0;
                    while (i < e && is_space_at(s->data, s->len, i, &n)) i += n;
                    list_append(rev, str_value(m, s->data + i, e - i));
                    break;
                }
                while (b > 0) {
                    size_t p = b - 1;
                    while (p > 0 && ((unsigned char)s->data[p] & 0xC0) == 0x80) p--;
                    if (is_space_at(s->data, s->len, p, &n)) break;
                    b = p;
                }
                list_append(rev, str_value(m, s->data + b, e - b));
                e = b;
            }
            for (size_t i = rev->len; i-- > 0;) list_append(l, rev->items[i]);
        }
        *out = v_obj(l);
        return VM_OK;
    }
    if (!v_is_obj(sepv, OK_STR))
        return vm_raise(th, m->cls.TypeError, "must be str or None, not %s", ops_type_name(m, sepv));
    str_obj *sep = V_STR(sepv);
    if (sep->len == 0) return vm_raise(th, m->cls.ValueError, "empty separator");
    if (!right) {
        size_t i = 0;
        for (;;) {
            size_t k = (maxsplit >= 0 && (int64_t)l->len >= maxsplit) ? SIZE_MAX
                                                                       : mem_find(s->data + i, s->len - i, sep->data, sep->len);
            if (k == SIZE_MAX) {
                list_append(l, str_value(m, s->data + i, s->len - i));
                break;
            }
            list_append(l, str_value(m, s->data + i, k));
            i += k + sep->len;
        }
    } else {
        list_obj *rev = list_new(m, 4);
        size_t e = s->len;
        for (;;) {
            size_t k = (maxsplit >= 0 && (int64_t)rev->len >= maxsplit) ? SIZE_MAX
                                                                         : mem_rfind(s->data, e, sep->data, sep->len);
            if (k == SIZE_MAX) {
                list_append(rev, str_value(m, s->data, e));
                break;
            }
            list_append(rev, str_value(m, s->data + k + sep->len, e - k - sep->len));
            e = k;
        }
        for (size_t i = rev->len; i-- > 0;) list_append(l, rev->items[i]);
    }
    *out = v_obj(l);
    return VM_OK;
}

static vm_status s_split(vm_thread *th, const vm_args *a, value *out) { return do_split(th, a, out, false); }
static vm_status s_rsplit(vm_thread *th, const vm_args *a, value *out) { return do_split(th, a, out, true); }

static vm_status s_splitlines(vm_thread *th, const vm_args *a, value *out) {
    static const char *const kw[] = {"keepends", NULL};
    vm_status st = args_count_kw(th, a, "splitlines", 0, 1, kw);
    if (st != VM_OK) return st;
    bool keep = false;
    value k = args_get(a, 0, "keepends");
    if (k.tag != VT_UNDEF && (st = ops_truthy(th, k, &keep)) != VM_OK) return st;
    str_obj *s = SELF;
    list_obj *l = list_new(th->vm, 4);
    size_t i = 0;
    while (i < s->len) {
        size_t j = i;
        while (j < s->len && s->data[j] != '\n' && s->data[j] != '\r') j++;
        size_t e = j;
        if (j < s->len) {
            if (s->data[j] == '\r' && j + 1 < s->len && s->data[j + 1] == '\n') j += 2;
            else j++;
        }
        list_append(l, str_value(th->vm, s->data + i, (keep ? j : e) - i));
        i = j;
    }
    *out = v_obj(l);
    return VM_OK;
}

static vm_status s_join(vm_thread *th, const vm_args *a, value *out) {
    vm *m = th->vm;
    vm_status st = args_count(th, a, "join", 1, 1);
    if (st != VM_OK) return st;
    list_obj *items;
    if ((st = ops_to_list(th, a->pos[0], &items)) != VM_OK) return st;
    str_obj *sep = SELF;
    strbuf sb;
    sb_init(&sb);
    for (size_t i = 0; i < items->len; i++) {
        value x = items->items[i];
        if (!v_is_obj(x, OK_STR)) {
            sb_free(&sb);
            return vm_raise(th, m->cls.TypeError, "sequence item %zu: expected str instance, %s found", i,
                            ops_type_name(m, x));
        }
        if (i) sb_append(&sb, sep->data, sep->len);
        sb_append(&sb, V_STR(x)->data, V_STR(x)->len);
    }
    *out = str_take_sb(m, &sb);
    return VM_OK;
}

static vm_status s_replace(vm_thread *th, const vm_args *a, value *out) {
    vm *m = th->vm;
    vm_status st = args_count(th, a, "replace", 2, 3);
    if (st != VM_OK) return st;
    str_obj *old = arg_str(th, a->pos[0], "replace", 1, &st);
    if (!old) return vm_raise(th, m->cls.TypeError, "replace() argument 1 must be str, not %s", ops_type_name(m, a->pos[0]));
    str_obj *new = arg_str(th, a->pos[1], "replace", 2, &st);
    if (!new) return vm_raise(th, m->cls.TypeError, "replace() argument 2 must be str, not %s", ops_type_name(m, a->pos[1]));
    int64_t count = -1;
    if (a->npos == 3 && (st = args_int(th, a->pos[2], "count", &count)) != VM_OK) return st;
    str_obj *s = SELF;
    strbuf sb;
    sb_init(&sb);
    size_t i = 0;
    int64_t done = 0;
    if (old->len == 0) {
        /* insert new between every character */
        while (count < 0 || done < count) {
            sb_append(&sb, new->data, new->len);
            done++;
            if (i >= s->len) break;
            size_t p = i;
            fmt_utf8_next(s->data, s->len, &p);
            sb_append(&sb, s->data + i, p - i);
            i = p;
        }
        sb_append(&sb, s->data + i, s->len - i);
        *out = str_take_sb(m, &sb);
        return VM_OK;
    }
    while (count < 0 || done < count) {
        size_t k = mem_find(s->data + i, s->len - i, old->data, old->len);
        if (k == SIZE_MAX) break;
        sb_append(&sb, s->data + i, k);
        sb_append(&sb, new->data, new->len);
        i += k + old->len;
        done++;
    }
    sb_append(&sb, s->data + i, s->len - i);
    *out = str_take_sb(m, &sb);
    return VM_OK;
}

/* Resolves optional start/end code point arguments to byte offsets. */
static vm_status byte_range(vm_thread *th, const vm_args *a, int first, size_t *lo, size_t *hi) {
    str_obj *s = SELF;
    int64_t n = (int64_t)s->nchars, start = 0, end = n;
    vm_status st;
    if (a->npos > first && a->pos[first].tag != VT_NONE) {
        if ((st = args_int(th, a->pos[first], "start", &start)) != VM_OK) return st;
        if (start < 0) start = start + n < 0 ? 0 : start + n;
    }
    if (a->npos > first + 1 && a->pos[first + 1].tag != VT_NONE) {
        if ((st = args_int(th, a->pos[first + 1], "end", &end)) != VM_OK) return st;
        if (end < 0) end = end + n < 0 ? 0 : end + n;
    }
    if (start > n) start = n + 1;
    if (end > n) end = n;
    if (start > end) {
        *lo = 1;
        *hi = 0;
        return VM_OK;
    }
    *lo = utf8_offset(s->data, s->len, (size_t)start);
    *hi = utf8_offset(s->data, s->len, (size_t)end);
    return VM_OK;
}

static int64_t cp_index(const str_obj *s, size_t byte) { return (int64_t)utf8_count(s->data, byte); }

static vm_status do_find(vm_thread *th, const vm_args *a, value *out, const char *name, bool rev, bool raise) {
    vm *m = th->vm;
    vm_status st = args_count(th, a, name, 1, 3);
    if (st != VM_OK) return st;
    if (!v_is_obj(a->pos[0], OK_STR))
        return vm_raise(th, m->cls.TypeError, "must be str, not %s", ops_type_name(m, a->pos[0]));
    str_obj *s = SELF, *sub = V_STR(a->pos[0]);
    size_t lo, hi;
    if ((st = byte_range(th, a, 1, &lo, &hi)) != VM_OK) return st;
    size_t k = SIZE_MAX;
    if (lo <= hi) {
        k = rev ? mem_rfind(s->data + lo, hi - lo, sub->data, sub->len) : mem_find(s->data + lo, hi - lo, sub->data, sub->len);
        if (k != SIZE_MAX) k += lo;
    }
    if (k == SIZE_MAX) {
        if (raise) return vm_raise(th, m->cls.ValueError, "substring not found");
        *out = v_int(-1);
        return VM_OK;
    }
    *out = v_int(cp_index(s, k));
    return VM_OK;
}

static vm_status s_find(vm_thread *th, const vm_args *a, value *out) { return do_find(th, a, out, "find", false, false); }
static vm_status s_rfind(vm_thread *th, const vm_args *a, value *out) { return do_find(th, a, out, "rfind", true, false); }
static vm_status s_index(vm_thread *th, const vm_args *a, value *out) { return do_find(th, a, out, "index", false, true); }
static vm_status s_rindex(vm_thread *th, const vm_args *a, value *out) { return do_find(th, a, out, "rindex", true, true); }

static vm_status s_count(vm_thread *th, const vm_args *a, value *out) {
    vm *m = th->vm;
    vm_status st = args_count(th, a, "count", 1, 3);
    if (st != VM_OK) return st;
    if (!v_is_obj(a->pos[0], OK_STR))
        return vm_raise(th, m->cls.TypeError, "must be str, not %s", ops_type_name(m, a->pos[0]));
    str_obj *s = SELF, *sub = V_STR(a->pos[0]);
    size_t lo, hi;
    if ((st = byte_range(th, a, 1, &lo, &hi)) != VM_OK) return st;
    int64_t c = 0;
    if (lo <= hi) {
        if (sub->len == 0) c = (int64_t)utf8_count(s->data + lo, hi - lo) + 1;
        else {
            size_t i = lo;
            for (;;) {
                size_t k = mem_find(s->data + i, hi - i, sub->data, sub->len);
                if (k == SIZE_MAX) break;
                c++;
                i += k + sub->len;
            }
        }
    }
    *out = v_int(c);
    return VM_OK;
}

static vm_status starts_ends(vm_thread *th, const vm_args *a, value *out, bool ends) {
    vm *m = th->vm;
    const char *name = ends ? "endswith" : "startswith";
    vm_status st = args_count(th, a, name, 1, 3);
    if (st != VM_OK) return st;
    str_obj *s = SELF;
    size_t lo, hi;
    if ((st = byte_range(th, a, 1, &lo, &hi)) != VM_OK) return st;
    value p = a->pos[0];
    size_t n = v_is_obj(p, OK_TUPLE) ? V_TUPLE(p)->len : 1;
    for (size_t i = 0; i < n; i++) {
        value x = v_is_obj(p, OK_TUPLE) ? V_TUPLE(p)->items[i] : p;
        if (!v_is_obj(x, OK_STR))
            return vm_raise(th, m->cls.TypeError, "%s first arg must be str or a tuple of str, not %s", name,
                            ops_type_name(m, x));
        str_obj *t = V_STR(x);
        if (lo > hi || t->len > hi - lo) continue;
        const char *at = ends ? s->data + hi - t->len : s->data + lo;
        if (memcmp(at, t->data, t->len) == 0) {
            *out = v_bool(true);
            return VM_OK;
        }
    }
    *out = v_bool(false);
    return VM_OK;
}

static vm_status s_startswith(vm_thread *th, const vm_args *a, value *out) { return starts_ends(th, a, out, false); }
static vm_status s_endswith(vm_thread *th, const vm_args *a, value *out) { return starts_ends(th, a, out, true); }

typedef bool (*cp_pred)(uint32_t);

static vm_status all_chars(vm_thread *th, const vm_args *a, value *out, const char *name, cp_pred pred) {
    vm_status st = args_count(th, a, name, 0, 0);
    if (st != VM_OK) return st;
    str_obj *s = SELF;
    bool ok = s->len > 0;
    size_t pos = 0;
    while (ok && pos < s->len) ok = pred(fmt_utf8_next(s->data, s->len, &pos));
    *out = v_bool(ok);
    return VM_OK;
}

static bool p_digit(uint32_t c) { return fmt_unicode_decimal(c) >= 0 || (c >= 0xB2 && c <= 0xB3) || c == 0xB9; }
static bool p_decimal(uint32_t c) { return fmt_unicode_decimal(c) >= 0; }
static bool p_alnum(uint32_t c) { return cp_is_alpha(c) || p_digit(c); }
static bool p_space(uint32_t c) { return fmt_unicode_isspace(c); }

static vm_status s_isdigit(vm_thread *th, const vm_args *a, value *out) { return all_chars(th, a, out, "isdigit", p_digit); }
static vm_status s_isdecimal(vm_thread *th, const vm_args *a, value *out) { return all_chars(th, a, out, "isdecimal", p_decimal); }
static vm_status s_isnumeric(vm_thread *th, const vm_args *a, value *out) { return all_chars(th, a, out, "isnumeric", p_digit); }
static vm_status s_isalpha(vm_thread *th, const vm_args *a, value *out) { return all_chars(th, a, out, "isalpha", cp_is_alpha); }
static vm_status s_isalnum(vm_thread *th, const vm_args *a, value *out) { return all_chars(th, a, out, "isalnum", p_alnum); }
static vm_status s_isspace(vm_thread *th, const vm_args *a, value *out) { return all_chars(th, a, out, "isspace", p_space); }

static vm_status case_check(vm_thread *th, const vm_args *a, value *out, bool upper) {
    vm_status st = args_count(th, a, upper ? "isupper" : "islower", 0, 0);
    if (st != VM_OK) return st;
    str_obj *s = SELF;
    bool cased = false, ok = true;
    size_t pos = 0;
    while (pos < s->len) {
        uint32_t c = fmt_utf8_next(s->data, s->len, &pos);
        if (upper ? cp_is_lower(c) : cp_is_upper(c)) ok = false;
        if (cp_is_lower(c) || cp_is_upper(c)) cased = true;
    }
    *out = v_bool(ok && cased);
    return VM_OK;
}

static vm_status s_isupper(vm_thread *th, const vm_args *a, value *out) { return case_check(th, a, out, true); }
static vm_status s_islower(vm_thread *th, const vm_args *a, value *out) { return case_check(th, a, out, false); }

static vm_status s_isidentifier(vm_thread *th, const vm_args *a, value *out) {
    vm_status st = args_count(th, a, "isidentifier", 0, 0);
    if (st != VM_OK) return st;
    str_obj *s = SELF;
    bool ok = s->len > 0;
    size_t pos = 0;
    bool first = true;
    while (ok && pos < s->len) {
        uint32_t c = fmt_utf8_next(s->data, s->len, &pos);
        ok = c == '_' || cp_is_alpha(c) || (!first && p_decimal(c));
        first = false;
    }
    *out = v_bool(ok);
    return VM_OK;
}

static vm_status pad(vm_thread *th, const vm_args *a, value *out, const char *name, int where) {
    vm *m = th->vm;
    vm_status st = args_count(th, a, name, 1, 2);
    if (st != VM_OK) return st;
    int64_t width;
    if ((st = args_int(th, a->pos[0], "width", &width)) != VM_OK) return st;
    const char *fill = " ";
    size_t filllen = 1;
    if (a->npos == 2) {
        if (!v_is_obj(a->pos[1], OK_STR) || V_STR(a->pos[1])->nchars != 1)
            return vm_raise(th, m->cls.TypeError, "The fill character must be exactly one character long");
        fill = V_STR(a->pos[1])->data;
        filllen = V_STR(a->pos[1])->len;
    }
    str_obj *s = SELF;
    int64_t total = width - (int64_t)s->nchars;
    if (total <= 0) {
        *out = a->self;
        return VM_OK;
    }
    int64_t left = where == 0 ? 0 : where == 2 ? total : total / 2 + (total & width & 1);
    int64_t right = total - left;
    strbuf sb;
    sb_init(&sb);
    for (int64_t i = 0; i < left; i++) sb_append(&sb, fill, filllen);
    sb_append(&sb, s->data, s->len);
    for (int64_t i = 0; i < right; i++) sb_append(&sb, fill, filllen);
    *out = str_take_sb(m, &sb);
    return VM_OK;
}

static vm_status s_ljust(vm_thread *th, const vm_args *a, value *out) { return pad(th, a, out, "ljust", 0); }
static vm_status s_rjust(vm_thread *th, const vm_args *a, value *out) { return pad(th, a, out, "rjust", 2); }
static vm_status s_center(vm_thread *th, const vm_args *a, value *out) { return pad(th, a, out, "center", 1); }

static vm_status s_zfill(vm_thread *th, const vm_args *a, value *out) {
    vm_status st = args_count(th, a, "zfill", 1, 1);
    if (st != VM_OK) return st;
    int64_t width;
    if ((st = args_int(th, a->pos[0], "width", &width)) != VM_OK) return st;
    str_obj *s = SELF;
    int64_t fill = width - (int64_t)s->nchars;
    if (fill <= 0) {
        *out = a->self;
        return VM_OK;
    }
    strbuf sb;
    sb_init(&sb);
    size_t i = 0;
    if (s->len && (s->data[0] == '+' || s->data[0] == '-')) sb_putc(&sb, s->data[i++]);
    sb_fill(&sb, '0', (size_t)fill);
    sb_append(&sb, s->data + i, s->len - i);
    *out = str_take_sb(th->vm, &sb);
    return VM_OK;
}

static vm_status do_partition(vm_thread *th, const vm_args *a, value *out, bool right) {
    vm *m = th->vm;
    vm_status st = args_count(th, a, right ? "rpartition" : "partition", 1, 1);
    if (st != VM_OK) return st;
    if (!v_is_obj(a->pos[0], OK_STR))
        return vm_raise(th, m->cls.TypeError, "must be str, not %s", ops_type_name(m, a->pos[0]));
    str_obj *s = SELF, *sep = V_STR(a->pos[0]);
    if (sep->len == 0) return vm_raise(th, m->cls.ValueError, "empty separator");
    size_t k = right ? mem_rfind(s->data, s->len, sep->data, sep->len) : mem_find(s->data, s->len, sep->data, sep->len);
    value parts[3];
    if (k == SIZE_MAX) {
        value empty = str_value(m, "", 0);
        parts[0] = right ? empty : a->self;
        parts[1] = empty;
        parts[2] = right ? a->self : empty;
    } else {
        parts[0] = str_value(m, s->data, k);
        parts[1] = a->pos[0];
        parts[2] = str_value(m, s->data + k + sep->len, s->len - k - sep->len);
    }
    *out = tuple_pack(m, 3, parts);
    return VM_OK;
}

static vm_status s_partition(vm_thread *th, const vm_args *a, value *out) { return do_partition(th, a, out, false); }
static vm_status s_rpartition(vm_thread *th, const vm_args *a, value *out) { return do_partition(th, a, out, true); }

static vm_status s_format(vm_thread *th, const vm_args *a, value *out) {
    return fmtops_str_format(th, SELF, a->pos, a->npos, a->kwnames, a->kwvals, a->nkw, out);
}

static vm_status s_encode(vm_thread *th, const vm_args *a, value *out) {
    (void)a;
    (void)out;
    return vm_raise(th, th->vm->cls.TypeError, "bytes are not supported by concviz");
}

static const native_def str_methods[] = {
    {"upper", s_upper}, {"lower", s_lower}, {"swapcase", s_swapcase}, {"title", s_title},
    {"capitalize", s_capitalize}, {"casefold", s_lower}, {"strip", s_strip}, {"lstrip", s_lstrip},
    {"rstrip", s_rstrip}, {"split", s_split}, {"rsplit", s_rsplit}, {"splitlines", s_splitlines},
    {"join", s_join}, {"replace", s_replace}, {"find", s_find}, {"rfind", s_rfind}, {"index", s_index},
    {"rindex", s_rindex}, {"count", s_count}, {"startswith", s_startswith}, {"endswith", s_endswith},
    {"isdigit", s_isdigit}, {"isdecimal", s_isdecimal}, {"isnumeric", s_isnumeric}, {"isalpha", s_isalpha},
    {"isalnum", s_isalnum}, {"isspace", s_isspace}, {"isupper", s_isupper}, {"islower", s_islower},
    {"isidentifier", s_isidentifier}, {"ljust", s_ljust}, {"rjust", s_rjust}, {"center", s_center},
    {"zfill", s_zfill}, {"partition", s_partition}, {"rpartition", s_rpartition}, {"format", s_format},
    {"encode", s_encode}, {NULL, NULL}};

void str_methods_install(vm *m) { native_register(m, m->cls.str->dict, str_methods, true); }
