/* trace_read.c - reads a JSON Lines trace back into a trace_log: the
 * inverse of trace_json.c, for 'concviz replay'.
 *
 *   file    := header-line event-line* (blank lines are ignored)
 *   header  := { "format":"concviz-trace", "version":1, "title":S,
 *                "filename":S, "machine":{ "cores":I, "start_method":S,
 *                "gil":S, "switch_interval_ns":I }, "seed":U, "source":S }
 *   event   := { "seq":I, "t":I, "kind":S [, "kind_code":I] [, "pid":I]
 *                [, "tid":I] [, "obj":I] [, "line":I] [, A:V] [, B:V]
 *                [, TEXT:S] }
 *
 * Keys may come in any order; unknown keys are skipped whatever their
 * value (objects and arrays included). A, B and TEXT are the per-kind field
 * names of TRACE_KINDS; an enum field is a name or an integer. Events whose
 * kind name is unknown (from a newer concviz) are skipped. Checks: one JSON
 * object per line, exact integers within their field's range, seq counting
 * 0, 1, 2... and t never decreasing, strings valid UTF-8 with valid escapes.
 * The first problem stops the read with "NAME:LINE:COL: message"; nothing
 * in the input can crash the reader (nesting is bounded, every read is
 * bounds-checked). This is a reader for exactly this format, not a general
 * JSON library.
 */
#include "trace/trace.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "lang/strbuf.h"
#include "lang/xalloc.h"

#define TR_MAX_DEPTH 64
#define TR_MAX_MEMBERS 32

typedef enum { TRV_NONE, TRV_INT, TRV_UINT, TRV_STRING, TRV_OTHER } tr_vtype;

/* One member of an event object, kept until the kind is known. */
typedef struct tr_member {
    char key[40];
    tr_vtype type;
    int64_t i;           /* TRV_INT */
    uint64_t u;          /* TRV_UINT (above INT64_MAX) */
    size_t str_off, str_len; /* TRV_STRING: bytes in the reader's scratch */
    size_t col;          /* where the value starts, for messages */
} tr_member;

typedef struct tr {
    const char *name;
    char *err;
    size_t errlen;
    bool failed;
    long lineno;
    const char *line, *p, *end;
    strbuf scratch;      /* decoded strings of the current line */
    tr_member members[TR_MAX_MEMBERS];
    size_t nmembers;
} tr;

/* Records the first error at byte column col of the current line. */
static void tr_fail_at(tr *r, size_t col, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void tr_fail_at(tr *r, size_t col, const char *fmt, ...) {
    if (r->failed) return;
    r->failed = true;
    int n = snprintf(r->err, r->errlen, "%s:%ld:%zu: ", r->name, r->lineno, col);
    if (n < 0 || (size_t)n >= r->errlen) return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->err + n, r->errlen - (size_t)n, fmt, ap);
    va_end(ap);
}

static size_t tr_col(const tr *r) { return (size_t)(r->p - r->line) + 1; }

#define tr_fail(r, ...) tr_fail_at((r), tr_col(r), __VA_ARGS__)

static void tr_ws(tr *r) {
    while (r->p < r->end && (*r->p == ' ' || *r->p == '\t' || *r->p == '\r')) r->p++;
}

/* Describes the byte at p for messages. */
static const char *tr_what(const tr *r, char *buf, size_t n) {
    if (r->p >= r->end) return "the end of the line";
    unsigned char c = (unsigned char)*r->p;
    if (c >= 0x20 && c < 0x7f) snprintf(buf, n, "'%c'", c);
    else snprintf(buf, n, "byte 0x%02x", c);
    return buf;
}

static bool tr_expect(tr *r, char c) {
    tr_ws(r);
    if (r->p < r->end && *r->p == c) {
        r->p++;
        return true;
    }
    char buf[16];
    tr_fail(r, "expected '%c', found %s", c, tr_what(r, buf, sizeof buf));
    return false;
}

/* The length of the valid UTF-8 sequence at p, or 0 (as trace_json.c). */
static size_t tr_utf8_len(const unsigned char *p, size_t n) {
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
        if (n < 4 || (p[1] & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80 || (p[3] & 0xC0) != 0x80) return 0;
        if (c == 0xF0 && p[1] < 0x90) return 0;
        if (c == 0xF4 && p[1] >= 0x90) return 0;
        return 4;
    }
    return 0;
}

static void tr_put_utf8(strbuf *out, uint32_t cp) {
    char b[4];
    size_t n;
    if (cp < 0x80) {
        b[0] = (char)cp;
        n = 1;
    } else if (cp < 0x800) {
        b[0] = (char)(0xC0 | cp >> 6);
        b[1] = (char)(0x80 | (cp & 0x3F));
        n = 2;
    } else if (cp < 0x10000) {
        b[0] = (char)(0xE0 | cp >> 12);
        b[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        b[2] = (char)(0x80 | (cp & 0x3F));
        n = 3;
    } else {
        b[0] = (char)(0xF0 | cp >> 18);
        b[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        b[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
        b[3] = (char)(0x80 | (cp & 0x3F));
        n = 4;
    }
    sb_append(out, b, n);
}

static bool tr_hex4(tr *r, uint32_t *out) {
    uint32_t v = 0;
    for (int i = 0; i < 4; i++) {
        if (r->p >= r->end) {
            tr_fail(r, "a \\u escape needs four hex digits");
            return false;
        }
        char c = *r->p;
        unsigned d;
        if (c >= '0' && c <= '9') d = (unsigned)(c - '0');
        else if (c >= 'a' && c <= 'f') d = (unsigned)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F') d = (unsigned)(c - 'A' + 10);
        else {
            tr_fail(r, "a \\u escape needs four hex digits");
            return false;
        }
        v = v << 4 | d;
        r->p++;
    }
    *out = v;
    return true;
}

/* Parses a JSON string (at its opening quote) and appends its decoded
 * bytes to out. */
static bool tr_string(tr *r, strbuf *out) {
    if (!tr_expect(r, '"')) return false;
    for (;;) {
        const char *run = r->p;
        while (r->p < r->end && *r->p != '"' && *r->p != '\\' && (unsigned char)*r->p >= 0x20 &&
               (unsigned char)*r->p < 0x80)
            r->p++;
        sb_append(out, run, (size_t)(r->p - run));
        if (r->p >= r->end) {
            tr_fail(r, "unterminated string");
            return false;
        }
        unsigned char c = (unsigned char)*r->p;
        if (c == '"') {
            r->p++;
            return true;
        }
        if (c < 0x20) {
            tr_fail(r, "control character 0x%02x inside a string (write it as \\u%04x)", c, c);
            return false;
        }
        if (c >= 0x80) {
            size_t k = tr_utf8_len((const unsigned char *)r->p, (size_t)(r->end - r->p));
            if (!k) {
                tr_fail(r, "invalid UTF-8 byte 0x%02x inside a string", c);
                return false;
            }
            sb_append(out, r->p, k);
            r->p += k;
            continue;
        }
        /* a backslash */
        const char *esc = r->p++;
        if (r->p >= r->end) {
            tr_fail(r, "unterminated string");
            return false;
        }
        char e = *r->p++;
        switch (e) {
        case '"': sb_putc(out, '"'); break;
        case '\\': sb_putc(out, '\\'); break;
        case '/': sb_putc(out, '/'); break;
        case 'b': sb_putc(out, '\b'); break;
        case 'f': sb_putc(out, '\f'); break;
        case 'n': sb_putc(out, '\n'); break;
        case 'r': sb_putc(out, '\r'); break;
        case 't': sb_putc(out, '\t'); break;
        case 'u': {
            uint32_t cp;
            if (!tr_hex4(r, &cp)) return false;
            if (cp >= 0xDC00 && cp <= 0xDFFF) {
                tr_fail_at(r, (size_t)(esc - r->line) + 1, "invalid \\u escape: a lone low surrogate");
                return false;
            }
            if (cp >= 0xD800 && cp <= 0xDBFF) {
                uint32_t lo;
                if (r->end - r->p < 2 || r->p[0] != '\\' || r->p[1] != 'u') {
                    tr_fail_at(r, (size_t)(esc - r->line) + 1, "invalid \\u escape: a lone high surrogate");
                    return false;
                }
                r->p += 2;
                if (!tr_hex4(r, &lo)) return false;
                if (lo < 0xDC00 || lo > 0xDFFF) {
                    tr_fail_at(r, (size_t)(esc - r->line) + 1, "invalid \\u escape: a lone high surrogate");
                    return false;
                }
                cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            }
            tr_put_utf8(out, cp);
            break;
        }
        default:
            tr_fail_at(r, (size_t)(esc - r->line) + 1, "invalid escape '\\%c' in a string",
                       e >= 0x20 && e < 0x7f ? e : '?');
            return false;
        }
    }
}

/* Parses an integer (JSON syntax, no fraction or exponent allowed). A value
 * above INT64_MAX is returned in *u with *is_u set. */
static bool tr_int(tr *r, int64_t *i, uint64_t *u, bool *is_u) {
    tr_ws(r);
    const char *start = r->p;
    bool neg = false;
    if (r->p < r->end && *r->p == '-') {
        neg = true;
        r->p++;
    }
    if (r->p >= r->end || *r->p < '0' || *r->p > '9') {
        r->p = start;
        char buf[16];
        tr_fail(r, "expected an integer, found %s", tr_what(r, buf, sizeof buf));
        return false;
    }
    if (*r->p == '0' && r->p + 1 < r->end && r->p[1] >= '0' && r->p[1] <= '9') {
        tr_fail(r, "a number cannot have leading zeros");
        return false;
    }
    uint64_t v = 0;
    while (r->p < r->end && *r->p >= '0' && *r->p <= '9') {
        unsigned d = (unsigned)(*r->p - '0');
        if (v > (UINT64_MAX - d) / 10) {
            r->p = start;
            tr_fail(r, "integer too large");
            return false;
        }
        v = v * 10 + d;
        r->p++;
    }
    if (r->p < r->end && (*r->p == '.' || *r->p == 'e' || *r->p == 'E')) {
        r->p = start;
        tr_fail(r, "expected an integer, found a fraction or an exponent");
        return false;
    }
    *is_u = false;
    if (neg) {
        if (v > (uint64_t)INT64_MAX + 1) {
            r->p = start;
            tr_fail(r, "integer too large");
            return false;
        }
        *i = v == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)v;
    } else if (v > (uint64_t)INT64_MAX) {
        *is_u = true;
        *u = v;
    } else {
        *i = (int64_t)v;
    }
    return true;
}

/* Skips any JSON value (for unknown keys). */
static bool tr_skip_value(tr *r, int depth) {
    tr_ws(r);
    if (depth > TR_MAX_DEPTH) {
        tr_fail(r, "values nested too deeply");
        return false;
    }
    if (r->p >= r->end) {
        tr_fail(r, "expected a value, found the end of the line");
        return false;
    }
    char c = *r->p;
    if (c == '"') {
        strbuf tmp;
        sb_init(&tmp);
        bool ok = tr_string(r, &tmp);
        sb_free(&tmp);
        return ok;
    }
    if (c == '{' || c == '[') {
        char close = c == '{' ? '}' : ']';
        r->p++;
        tr_ws(r);
        if (r->p < r->end && *r->p == close) {
            r->p++;
            return true;
        }
        for (;;) {
            if (c == '{') {
                strbuf tmp;
                sb_init(&tmp);
                tr_ws(r);
                bool ok = tr_string(r, &tmp);
                sb_free(&tmp);
                if (!ok || !tr_expect(r, ':')) return false;
            }
            if (!tr_skip_value(r, depth + 1)) return false;
            tr_ws(r);
            if (r->p < r->end && *r->p == ',') {
                r->p++;
                continue;
            }
            return tr_expect(r, close);
        }
    }
    static const char *const words[] = {"true", "false", "null"};
    for (size_t k = 0; k < 3; k++) {
        size_t n = strlen(words[k]);
        if ((size_t)(r->end - r->p) >= n && memcmp(r->p, words[k], n) == 0) {
            r->p += n;
            return true;
        }
    }
    if (c == '-' || (c >= '0' && c <= '9')) {
        /* any JSON number */
        const char *s = r->p;
        if (*r->p == '-') r->p++;
        while (r->p < r->end && ((*r->p >= '0' && *r->p <= '9') || *r->p == '.' || *r->p == 'e' ||
                                 *r->p == 'E' || *r->p == '+' || *r->p == '-'))
            r->p++;
        if (r->p - s == 1 && *s == '-') {
            r->p = s;
            tr_fail(r, "invalid number");
            return false;
        }
        return true;
    }
    char buf[16];
    tr_fail(r, "expected a value, found %s", tr_what(r, buf, sizeof buf));
    return false;
}

/* Parses one member value into m: an integer, a string, or anything else
 * (skipped). */
static bool tr_member_value(tr *r, tr_member *m) {
    tr_ws(r);
    m->col = tr_col(r);
    if (r->p < r->end && *r->p == '"') {
        m->type = TRV_STRING;
        m->str_off = r->scratch.len;
        if (!tr_string(r, &r->scratch)) return false;
        m->str_len = r->scratch.len - m->str_off;
        return true;
    }
    if (r->p < r->end && (*r->p == '-' || (*r->p >= '0' && *r->p <= '9'))) {
        /* a number with a fraction or an exponent is fine for a key we do
           not know; a key that needs an integer rejects it later */
        const char *q = r->p + 1;
        while (q < r->end && *q >= '0' && *q <= '9') q++;
        if (q < r->end && (*q == '.' || *q == 'e' || *q == 'E')) {
            m->type = TRV_OTHER;
            return tr_skip_value(r, 1);
        }
        bool is_u;
        if (!tr_int(r, &m->i, &m->u, &is_u)) return false;
        m->type = is_u ? TRV_UINT : TRV_INT;
        return true;
    }
    m->type = TRV_OTHER;
    return tr_skip_value(r, 1);
}

/* Parses a whole line as one object into r->members. A member whose key is
 * 'nested' is parsed as an object of its own and its members are stored
 * as "nested.key" (used for the header's "machine"). */
static bool tr_object(tr *r, const char *nested) {
    r->nmembers = 0;
    sb_clear(&r->scratch);
    if (!tr_expect(r, '{')) return false;
    tr_ws(r);
    if (r->p < r->end && *r->p == '}') {
        r->p++;
    } else {
        for (;;) {
            tr_ws(r);
            size_t key_col = tr_col(r);
            size_t mark = r->scratch.len;
            if (r->p >= r->end || *r->p != '"') {
                char buf[16];
                tr_fail(r, "expected a key in double quotes, found %s", tr_what(r, buf, sizeof buf));
                return false;
            }
            if (!tr_string(r, &r->scratch)) return false;
            char key[40];
            size_t klen = r->scratch.len - mark;
            bool keep = klen < sizeof key && !memchr(r->scratch.data + mark, '\0', klen);
            if (keep) {
                memcpy(key, r->scratch.data + mark, klen);
                key[klen] = '\0';
            }
            r->scratch.len = mark;
            if (!tr_expect(r, ':')) return false;
            if (keep && nested && strcmp(key, nested) == 0) {
                tr_ws(r);
                if (r->p < r->end && *r->p == '{') {
                    r->p++;
                    tr_ws(r);
                    if (r->p < r->end && *r->p == '}') {
                        r->p++;
                    } else {
                        for (;;) {
                            tr_ws(r);
                            size_t m2 = r->scratch.len;
                            if (!tr_string(r, &r->scratch)) return false;
                            size_t k2 = r->scratch.len - m2;
                            char sub[40];
                            bool keep2 = strlen(nested) + 1 + k2 < sizeof sub &&
                                         !memchr(r->scratch.data + m2, '\0', k2);
                            if (keep2) snprintf(sub, sizeof sub, "%s.%.*s", nested, (int)k2, r->scratch.data + m2);
                            r->scratch.len = m2;
                            if (!tr_expect(r, ':')) return false;
                            tr_member tmp;
                            tr_member *m = keep2 && r->nmembers < TR_MAX_MEMBERS ? &r->members[r->nmembers++] : &tmp;
                            if (keep2) snprintf(m->key, sizeof m->key, "%s", sub);
                            if (!tr_member_value(r, m)) return false;
                            tr_ws(r);
                            if (r->p < r->end && *r->p == ',') {
                                r->p++;
                                continue;
                            }
                            if (!tr_expect(r, '}')) return false;
                            break;
                        }
                    }
                    goto next;
                }
            }
            {
                tr_member tmp;
                tr_member *m = keep && r->nmembers < TR_MAX_MEMBERS ? &r->members[r->nmembers++] : &tmp;
                if (m != &tmp) {
                    memcpy(m->key, key, strlen(key) + 1);
                    /* a repeated key: the last one wins */
                    for (size_t i = 0; i + 1 < r->nmembers; i++)
                        if (strcmp(r->members[i].key, key) == 0) r->members[i].key[0] = '\0';
                }
                (void)key_col;
                if (!tr_member_value(r, m)) return false;
            }
        next:
            tr_ws(r);
            if (r->p < r->end && *r->p == ',') {
                r->p++;
                continue;
            }
            if (!tr_expect(r, '}')) return false;
            break;
        }
    }
    tr_ws(r);
    if (r->p < r->end) {
        tr_fail(r, "unexpected text after the object (one JSON object per line)");
        return false;
    }
    return true;
}

static const tr_member *tr_find(const tr *r, const char *key) {
    for (size_t i = 0; i < r->nmembers; i++)
        if (strcmp(r->members[i].key, key) == 0) return &r->members[i];
    return NULL;
}

/* An integer member within [min, max]; absent: *out = dflt (or an error if
 * required). */
static bool tr_get_int(tr *r, const char *key, int64_t min, int64_t max, bool required, int64_t dflt,
                       int64_t *out) {
    const tr_member *m = tr_find(r, key);
    if (!m) {
        if (required) tr_fail_at(r, 1, "missing \"%s\"", key);
        *out = dflt;
        return !required;
    }
    if (m->type != TRV_INT || m->i < min || m->i > max) {
        tr_fail_at(r, m->col, m->type == TRV_INT || m->type == TRV_UINT
                                  ? "\"%s\" is out of range (%lld to %lld)"
                                  : "\"%s\" must be an integer (%lld to %lld)",
                   key, (long long)min, (long long)max);
        return false;
    }
    *out = m->i;
    return true;
}

/* A string member (absent: ""); the pointer is into the scratch buffer. */
static bool tr_get_str(tr *r, const char *key, const char **s, size_t *n) {
    const tr_member *m = tr_find(r, key);
    if (!m) {
        *s = "";
        *n = 0;
        return true;
    }
    if (m->type != TRV_STRING) {
        tr_fail_at(r, m->col, "\"%s\" must be a string", key);
        return false;
    }
    *s = r->scratch.data + m->str_off;
    *n = m->str_len;
    return true;
}

/* ------------------------------------------------------------------ */
/* Header and events                                                   */

static bool tr_header(tr *r, trace_log *log) {
    if (!tr_object(r, "machine")) return false;
    const char *s;
    size_t n;
    const tr_member *fm = tr_find(r, "format");
    if (!fm) {
        tr_fail_at(r, 1, "not a concviz trace: the first line has no \"format\":\"concviz-trace\"");
        return false;
    }
    if (!tr_get_str(r, "format", &s, &n)) return false;
    if (n != 13 || memcmp(s, "concviz-trace", 13) != 0) {
        tr_fail_at(r, fm->col, "not a concviz trace: \"format\" is not \"concviz-trace\"");
        return false;
    }
    int64_t version, cores, si;
    if (!tr_get_int(r, "version", 0, INT32_MAX, true, 0, &version)) return false;
    if (version != TRACE_FORMAT_VERSION) {
        tr_fail_at(r, tr_find(r, "version")->col, "trace format version %lld is not supported (this concviz reads version %d)",
                   (long long)version, TRACE_FORMAT_VERSION);
        return false;
    }
    if (!tr_get_int(r, "machine.cores", 0, 4096, false, 0, &cores)) return false;
    if (!tr_get_int(r, "machine.switch_interval_ns", 0, INT64_MAX, false, 0, &si)) return false;
    uint64_t seed = 0;
    const tr_member *sm = tr_find(r, "seed");
    if (sm) {
        if (sm->type == TRV_UINT) seed = sm->u;
        else if (sm->type == TRV_INT && sm->i >= 0) seed = (uint64_t)sm->i;
        else {
            tr_fail_at(r, sm->col, "\"seed\" must be an integer from 0 to 2^64 - 1");
            return false;
        }
    }
    const char *keys[5] = {"title", "filename", "source", "machine.start_method", "machine.gil"};
    char *vals[5];
    for (int i = 0; i < 5; i++) {
        if (!tr_get_str(r, keys[i], &s, &n)) {
            for (int j = 0; j < i; j++) free(vals[j]);
            return false;
        }
        /* a NUL inside a header string ends it (the header holds C strings) */
        vals[i] = xstrndup(s, n);
    }
    trace_header h = {vals[0], vals[1], vals[2], (int)cores, vals[3], vals[4], si, seed};
    trace_log_set_header(log, &h);
    for (int i = 0; i < 5; i++) free(vals[i]);
    return true;
}

typedef struct tr_kind {
    const char *name, *a, *b, *text;
} tr_kind;

static const tr_kind tr_kinds[] = {
#define TR_KIND(name, json, a, b, text, doc) {json, a, b, text},
    TRACE_KINDS(TR_KIND)
#undef TR_KIND
};

static const tr_kind tr_unknown = {"unknown", "a", "b", "text"};

/* Whether field a or b of a kind holds an enum (written as a name). */
static bool tr_is_enum(trace_kind kind, char field) {
    switch (kind) {
    case TRACE_THREAD_STATE:
    case TRACE_GIL_DROP:
    case TRACE_OBJ_NEW: return field == 'a';
    case TRACE_SYNC_OP: return true;
    default: return false;
    }
}

/* The value of an enum-valued field given by name, or -1 for a name this
 * version does not know. */
static int32_t tr_enum_value(trace_kind kind, char field, const char *s, size_t n) {
    char buf[40];
    if (n >= sizeof buf) return -1;
    memcpy(buf, s, n);
    buf[n] = '\0';
    switch (kind) {
    case TRACE_THREAD_STATE:
        for (int i = 0; i < TS_COUNT; i++)
            if (strcmp(trace_state_name((trace_state)i), buf) == 0) return i;
        return -1;
    case TRACE_GIL_DROP:
        for (int i = 0; i < TG_COUNT; i++)
            if (strcmp(trace_gil_reason_name((trace_gil_reason)i), buf) == 0) return i;
        return -1;
    case TRACE_OBJ_NEW:
        for (int i = 0; i < TO_COUNT; i++)
            if (strcmp(trace_obj_type_name((trace_obj_type)i), buf) == 0) return i;
        return -1;
    case TRACE_SYNC_OP:
        if (field == 'a') {
            for (int i = 0; i < TOP_COUNT; i++)
                if (strcmp(trace_op_name((trace_op)i), buf) == 0) return i;
            return -1;
        }
        if (strcmp(buf, "fail") == 0) return TRACE_RESULT_FAIL;
        if (strcmp(buf, "ok") == 0) return TRACE_RESULT_OK;
        if (strcmp(buf, "blocked") == 0) return TRACE_RESULT_BLOCKED;
        return -1;
    default: return -1;
    }
}

/* Field a or b of an event: an integer, or a name for an enum field. */
static bool tr_field(tr *r, trace_kind kind, char which, const char *key, int32_t *out) {
    const tr_member *m = tr_find(r, key);
    *out = 0;
    if (!m) return true;
    if (m->type == TRV_STRING && tr_is_enum(kind, which)) {
        *out = tr_enum_value(kind, which, r->scratch.data + m->str_off, m->str_len);
        return true;
    }
    int64_t v;
    if (!tr_get_int(r, key, INT32_MIN, INT32_MAX, false, 0, &v)) return false;
    *out = (int32_t)v;
    return true;
}

/* Parses one event line; *skip is set for a kind this version does not
 * know by name. */
static bool tr_event(tr *r, trace_log *log, size_t expect_seq, int64_t *last_t, bool *skip) {
    *skip = false;
    if (!tr_object(r, NULL)) return false;
    int64_t seq, t, pid, tid, objid, line;
    if (!tr_get_int(r, "seq", 0, INT64_MAX, true, 0, &seq)) return false;
    if ((uint64_t)seq != expect_seq) {
        tr_fail_at(r, tr_find(r, "seq")->col, "\"seq\" is %lld, expected %zu (events are numbered 0, 1, 2... with no gaps)",
                   (long long)seq, expect_seq);
        return false;
    }
    if (!tr_get_int(r, "t", 0, INT64_MAX, true, 0, &t)) return false;
    if (t < *last_t) {
        tr_fail_at(r, tr_find(r, "t")->col, "time goes backwards: \"t\" is %lld after %lld", (long long)t,
                   (long long)*last_t);
        return false;
    }
    const tr_member *km = tr_find(r, "kind");
    const char *ks;
    size_t kn;
    if (!km) {
        tr_fail_at(r, 1, "missing \"kind\"");
        return false;
    }
    if (!tr_get_str(r, "kind", &ks, &kn)) return false;
    int kind = -1;
    for (int i = 0; i < TRACE_KIND_COUNT; i++)
        if (strlen(tr_kinds[i].name) == kn && memcmp(tr_kinds[i].name, ks, kn) == 0) kind = i;
    const tr_kind *k;
    if (kind >= 0) {
        k = &tr_kinds[kind];
    } else if (kn == 7 && memcmp(ks, "unknown", 7) == 0) {
        int64_t code;
        if (!tr_get_int(r, "kind_code", 0, UINT16_MAX, true, 0, &code)) return false;
        kind = (int)code;
        k = &tr_unknown; /* the writer keeps such fields under their generic names */
    } else {
        *skip = true; /* a newer kind: skip it, as docs/trace-format.md asks */
        *last_t = t;
        return true;
    }
    if (!tr_get_int(r, "pid", INT32_MIN, INT32_MAX, false, -1, &pid) ||
        !tr_get_int(r, "tid", INT32_MIN, INT32_MAX, false, -1, &tid) ||
        !tr_get_int(r, "obj", INT32_MIN, INT32_MAX, false, -1, &objid) ||
        !tr_get_int(r, "line", 0, UINT16_MAX, false, 0, &line))
        return false;
    trace_event ev;
    memset(&ev, 0, sizeof ev);
    ev.t = t;
    ev.kind = (uint16_t)kind;
    ev.line = (uint16_t)line;
    ev.pid = (int32_t)pid;
    ev.tid = (int32_t)tid;
    ev.obj = (int32_t)objid;
    if (strcmp(k->a, "-") != 0 && !tr_field(r, (trace_kind)kind, 'a', k->a, &ev.a)) return false;
    if (strcmp(k->b, "-") != 0 && !tr_field(r, (trace_kind)kind, 'b', k->b, &ev.b)) return false;
    if (strcmp(k->text, "-") != 0) {
        const char *s;
        size_t n;
        if (!tr_get_str(r, k->text, &s, &n)) return false;
        ev.text = n ? trace_log_intern(log, s, n) : 0;
    }
    trace_log_add(log, &ev);
    *last_t = t;
    return true;
}

static bool tr_blank(const char *s, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r') return false;
    return true;
}

trace_log *trace_read_jsonl(FILE *in, const char *name, char *err, size_t errlen) {
    tr r;
    memset(&r, 0, sizeof r);
    r.name = name ? name : "trace";
    r.err = err;
    r.errlen = errlen;
    if (errlen) err[0] = '\0';
    sb_init(&r.scratch);
    trace_log *log = trace_log_new();
    char *buf = NULL;
    size_t cap = 0;
    ssize_t got;
    bool have_header = false;
    size_t nevents = 0;
    int64_t last_t = 0;
    while (!r.failed && (got = getline(&buf, &cap, in)) >= 0) {
        r.lineno++;
        size_t n = (size_t)got;
        if (n && buf[n - 1] == '\n') n--;
        if (tr_blank(buf, n)) continue;
        r.line = r.p = buf;
        r.end = buf + n;
        if (!have_header) {
            if (tr_header(&r, log)) have_header = true;
        } else {
            bool skip;
            if (tr_event(&r, log, nevents, &last_t, &skip)) nevents++;
        }
    }
    if (!r.failed && ferror(in)) {
        r.lineno++;
        tr_fail_at(&r, 1, "read error");
    }
    if (!r.failed && !have_header) {
        r.lineno = r.lineno ? r.lineno : 1;
        tr_fail_at(&r, 1, "empty trace: expected the header line {\"format\":\"concviz-trace\",...}");
    }
    free(buf);
    sb_free(&r.scratch);
    if (r.failed) {
        trace_log_free(log);
        return NULL;
    }
    return log;
}
