/* trace_json.c - writes a trace as JSON Lines (docs/trace-format.md).
 *
 *   file   := header-line event-line*
 *   header := {"format":"concviz-trace","version":V,"title":S,"filename":S,
 *              "machine":{"cores":I,"start_method":S,"gil":S,
 *                         "switch_interval_ns":I},"seed":I,"source":S}
 *   event  := {"seq":I,"t":I,"kind":S[,"pid":I][,"tid":I][,"obj":I][,"line":I]
 *              [,A:V][,B:V][,TEXT:S]}
 *
 * A, B and TEXT are the per-kind field names of TRACE_KINDS ("-" = absent);
 * pid/tid/obj are absent when -1. Enum-valued fields are written as their
 * names, everything else as exact integers. Strings are escaped here (no
 * JSON library): '"', '\\' and control characters are escaped, valid UTF-8
 * passes through, each invalid byte becomes U+FFFD. Output goes through one
 * buffer per call, so a million events cost no allocation per event.
 */
#include "trace/trace.h"

#include <stdlib.h>
#include <string.h>

#include "lang/xalloc.h"

#define TRACE_JSON_BUF_BYTES ((size_t)1 << 16)
/* The longest thing written without a space check: an escape or a U+FFFD
 * (6 bytes), an integer (20 digits and a sign), a key. */
#define TRACE_JSON_SLACK 64

typedef struct trace_json_out {
    FILE *f;
    char *buf;
    size_t len;
    bool failed;
} trace_json_out;

/* Per-kind names of the fields, from TRACE_KINDS. */
typedef struct trace_json_kind {
    const char *name, *a, *b, *text;
} trace_json_kind;

static const trace_json_kind trace_json_kinds[] = {
#define TRACE_JSON_KIND(name, json, a, b, text, doc) {json, a, b, text},
    TRACE_KINDS(TRACE_JSON_KIND)
#undef TRACE_JSON_KIND
};

static const char *const trace_json_results[] = {
    [TRACE_RESULT_FAIL] = "fail", [TRACE_RESULT_OK] = "ok", [TRACE_RESULT_BLOCKED] = "blocked"};

/* ------------------------------------------------------------------ */
/* Buffered output                                                     */

static void trace_json_flush(trace_json_out *o) {
    if (o->len && fwrite(o->buf, 1, o->len, o->f) != o->len) o->failed = true;
    o->len = 0;
}

/* Makes room for TRACE_JSON_SLACK bytes. */
static inline void trace_json_room(trace_json_out *o) {
    if (TRACE_JSON_BUF_BYTES - o->len < TRACE_JSON_SLACK) trace_json_flush(o);
}

static void trace_json_raw(trace_json_out *o, const char *s, size_t n) {
    if (n > TRACE_JSON_BUF_BYTES - o->len) {
        trace_json_flush(o);
        if (n > TRACE_JSON_BUF_BYTES) {
            if (fwrite(s, 1, n, o->f) != n) o->failed = true;
            return;
        }
    }
    memcpy(o->buf + o->len, s, n);
    o->len += n;
}

static void trace_json_puts(trace_json_out *o, const char *s) { trace_json_raw(o, s, strlen(s)); }

static void trace_json_uint(trace_json_out *o, uint64_t v) {
    char tmp[24];
    size_t i = sizeof tmp;
    do {
        tmp[--i] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    trace_json_raw(o, tmp + i, sizeof tmp - i);
}

static void trace_json_int(trace_json_out *o, int64_t v) {
    if (v < 0) {
        trace_json_raw(o, "-", 1);
        /* negate in unsigned arithmetic: INT64_MIN has no positive twin */
        trace_json_uint(o, (uint64_t)0 - (uint64_t)v);
    } else {
        trace_json_uint(o, (uint64_t)v);
    }
}

/* ------------------------------------------------------------------ */
/* Strings                                                             */

/* The length of the valid UTF-8 sequence at p (n bytes available), or 0 if
 * the byte at p does not start one (overlongs, surrogates and code points
 * above U+10FFFF are invalid). */
static size_t trace_json_utf8_len(const unsigned char *p, size_t n) {
    unsigned c = p[0];
    if (c < 0x80) return 1;
    if (c < 0xC2) return 0;
    if (c < 0xE0) return n >= 2 && (p[1] & 0xC0) == 0x80 ? 2 : 0;
    if (c < 0xF0) {
        if (n < 3 || (p[1] & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80) return 0;
        if (c == 0xE0 && p[1] < 0xA0) return 0;
        if (c == 0xED && p[1] >= 0xA0) return 0;
        return 3;
    }
    if (c < 0xF5) {
        if (n < 4 || (p[1] & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80 || (p[3] & 0xC0) != 0x80)
            return 0;
        if (c == 0xF0 && p[1] < 0x90) return 0;
        if (c == 0xF4 && p[1] >= 0x90) return 0;
        return 4;
    }
    return 0;
}

/* Writes s (n bytes) as a quoted JSON string. */
static void trace_json_string(trace_json_out *o, const char *s, size_t n) {
    static const char hex[] = "0123456789abcdef";
    const unsigned char *p = (const unsigned char *)s;
    trace_json_room(o);
    o->buf[o->len++] = '"';
    size_t i = 0;
    while (i < n) {
        /* copy the longest run of bytes that need no escaping in one go */
        size_t run = i;
        while (run < n && p[run] >= 0x20 && p[run] < 0x80 && p[run] != '"' && p[run] != '\\')
            run++;
        if (run > i) {
            trace_json_raw(o, s + i, run - i);
            i = run;
            if (i == n) break;
        }
        trace_json_room(o);
        char *d = o->buf + o->len;
        unsigned c = p[i];
        if (c == '"' || c == '\\') {
            d[0] = '\\';
            d[1] = (char)c;
            o->len += 2;
            i++;
        } else if (c < 0x20) {
            const char *esc = c == '\n' ? "\\n" : c == '\t' ? "\\t" : c == '\r' ? "\\r" : NULL;
            if (esc) {
                memcpy(d, esc, 2);
                o->len += 2;
            } else {
                memcpy(d, "\\u00", 4);
                d[4] = hex[c >> 4];
                d[5] = hex[c & 15];
                o->len += 6;
            }
            i++;
        } else {
            size_t k = trace_json_utf8_len(p + i, n - i);
            if (k) {
                memcpy(d, p + i, k);
                o->len += k;
                i += k;
            } else {
                memcpy(d, "\xEF\xBF\xBD", 3);
                o->len += 3;
                i++;
            }
        }
    }
    trace_json_room(o);
    o->buf[o->len++] = '"';
}

static void trace_json_cstring(trace_json_out *o, const char *s) {
    trace_json_string(o, s ? s : "", s ? strlen(s) : 0);
}

/* Writes ,"name": (names are plain ASCII identifiers). */
static void trace_json_key(trace_json_out *o, const char *name) {
    trace_json_raw(o, ",\"", 2);
    trace_json_puts(o, name);
    trace_json_raw(o, "\":", 2);
}

/* ------------------------------------------------------------------ */
/* Header and events                                                   */

static void trace_json_header(trace_json_out *o, const trace_header *h) {
    trace_json_puts(o, "{\"format\":\"concviz-trace\",\"version\":");
    trace_json_int(o, TRACE_FORMAT_VERSION);
    trace_json_key(o, "title");
    trace_json_cstring(o, h->title);
    trace_json_key(o, "filename");
    trace_json_cstring(o, h->filename);
    trace_json_puts(o, ",\"machine\":{\"cores\":");
    trace_json_int(o, h->cores);
    trace_json_key(o, "start_method");
    trace_json_cstring(o, h->start_method);
    trace_json_key(o, "gil");
    trace_json_cstring(o, h->gil);
    trace_json_key(o, "switch_interval_ns");
    trace_json_int(o, h->switch_interval_ns);
    trace_json_raw(o, "}", 1);
    trace_json_key(o, "seed");
    trace_json_uint(o, h->seed);
    trace_json_key(o, "source");
    trace_json_cstring(o, h->source);
    trace_json_raw(o, "}\n", 2);
}

/* The name of an enum-valued field (field 'a' or 'b' of kind), or NULL when
 * the field is a plain integer or the value is out of range. */
static const char *trace_json_enum_name(trace_kind kind, char field, int32_t v) {
    if (v < 0) return NULL;
    switch (kind) {
    case TRACE_THREAD_STATE:
        return field == 'a' && v < TS_COUNT ? trace_state_name((trace_state)v) : NULL;
    case TRACE_GIL_DROP:
        return field == 'a' && v < TG_COUNT ? trace_gil_reason_name((trace_gil_reason)v) : NULL;
    case TRACE_OBJ_NEW:
        return field == 'a' && v < TO_COUNT ? trace_obj_type_name((trace_obj_type)v) : NULL;
    case TRACE_SYNC_OP:
        if (field == 'a') return v < TOP_COUNT ? trace_op_name((trace_op)v) : NULL;
        return v <= TRACE_RESULT_BLOCKED ? trace_json_results[v] : NULL;
    case TRACE_POOL_TASK:
        return field == 'a' && v < TP_COUNT ? trace_pool_phase_name((trace_pool_phase)v) : NULL;
    default:
        return NULL;
    }
}

static bool trace_json_used(const char *field) { return !(field[0] == '-' && field[1] == '\0'); }

static void trace_json_field(trace_json_out *o, trace_kind kind, char which, const char *name,
                             int32_t v) {
    trace_json_key(o, name);
    const char *e = trace_json_enum_name(kind, which, v);
    if (e) {
        trace_json_raw(o, "\"", 1);
        trace_json_puts(o, e);
        trace_json_raw(o, "\"", 1);
    } else {
        trace_json_int(o, v);
    }
}

/* An event of an unknown kind keeps every field under its generic name. */
static const trace_json_kind trace_json_unknown = {"unknown", "a", "b", "text"};

static void trace_json_event(trace_json_out *o, const trace_log *log, size_t seq,
                             const trace_event *ev) {
    const trace_json_kind *k =
        ev->kind < TRACE_KIND_COUNT ? &trace_json_kinds[ev->kind] : &trace_json_unknown;
    trace_json_raw(o, "{\"seq\":", 7);
    trace_json_uint(o, (uint64_t)seq);
    trace_json_raw(o, ",\"t\":", 5);
    trace_json_int(o, ev->t);
    trace_json_raw(o, ",\"kind\":\"", 9);
    trace_json_puts(o, k->name);
    trace_json_raw(o, "\"", 1);
    if (ev->kind >= TRACE_KIND_COUNT) {
        trace_json_key(o, "kind_code");
        trace_json_int(o, ev->kind);
    }
    if (ev->pid != -1) {
        trace_json_raw(o, ",\"pid\":", 7);
        trace_json_int(o, ev->pid);
    }
    if (ev->tid != -1) {
        trace_json_raw(o, ",\"tid\":", 7);
        trace_json_int(o, ev->tid);
    }
    if (ev->obj != -1) {
        trace_json_raw(o, ",\"obj\":", 7);
        trace_json_int(o, ev->obj);
    }
    if (ev->line != 0) {
        trace_json_raw(o, ",\"line\":", 8);
        trace_json_int(o, ev->line);
    }
    trace_kind kind = (trace_kind)ev->kind;
    if (trace_json_used(k->a)) trace_json_field(o, kind, 'a', k->a, ev->a);
    if (trace_json_used(k->b)) trace_json_field(o, kind, 'b', k->b, ev->b);
    if (trace_json_used(k->text)) {
        size_t n;
        const char *s = trace_log_string(log, ev->text, &n);
        trace_json_key(o, k->text);
        trace_json_string(o, s, n);
    }
    trace_json_raw(o, "}\n", 2);
}

bool trace_write_jsonl(const trace_log *log, FILE *out) {
    trace_json_out o = {.f = out, .buf = xmalloc(TRACE_JSON_BUF_BYTES), .len = 0, .failed = false};
    trace_json_header(&o, trace_log_header(log));
    size_t n = trace_log_count(log);
    for (size_t i = 0; i < n && !o.failed; i++) trace_json_event(&o, log, i, trace_log_get(log, i));
    trace_json_flush(&o);
    free(o.buf);
    if (fflush(out) != 0) o.failed = true;
    return !o.failed && !ferror(out);
}
