/* trace_timeline.c - the readable timeline of `concviz run --events`: one
 * line per event,
 *
 *   <seconds, 6 decimals, 10 columns>  P<pid> <thread name, 18 columns><what happened>
 *
 * Thread names and object labels are learnt from the THREAD_NEW and OBJ_NEW
 * events seen so far. The description comes from one function per group of
 * kinds, picked from a table indexed by the kind.
 */
#include "trace/trace.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "lang/strbuf.h"
#include "lang/xalloc.h"

#define TRACE_TIMELINE_NAME_COLS 18
/* Printed texts and queue items longer than this (code points) are cut. */
#define TRACE_TIMELINE_MAX_TEXT 60

/* What the timeline knows of a thread or an object, by id. */
typedef struct trace_timeline_entry {
    int32_t id;
    uint32_t text;  /* thread name or object label */
    int32_t type;   /* object type; unused for threads */
    bool used;
} trace_timeline_entry;

/* An open-addressing map id -> entry (ids are small but need not be dense). */
typedef struct trace_timeline_map {
    trace_timeline_entry *slots;
    size_t cap, count;  /* cap is 0 or a power of two */
} trace_timeline_map;

typedef struct trace_timeline {
    const trace_log *log;
    trace_timeline_map threads, objects;
} trace_timeline;

/* ------------------------------------------------------------------ */
/* The id map                                                          */

static size_t trace_timeline_slot(int32_t id, size_t mask) {
    return (size_t)(((uint32_t)id * 2654435761u) & mask);
}

static trace_timeline_entry *trace_timeline_find(const trace_timeline_map *m, int32_t id) {
    if (!m->cap) return NULL;
    size_t mask = m->cap - 1;
    for (size_t s = trace_timeline_slot(id, mask); m->slots[s].used; s = (s + 1) & mask)
        if (m->slots[s].id == id) return &m->slots[s];
    return NULL;
}

static void trace_timeline_put(trace_timeline_map *m, int32_t id, uint32_t text, int32_t type) {
    trace_timeline_entry *e = trace_timeline_find(m, id);
    if (!e) {
        if ((m->count + 1) * 2 > m->cap) {
            trace_timeline_map grown = {.cap = m->cap ? m->cap * 2 : 64, .count = m->count};
            grown.slots = xcalloc(grown.cap, sizeof *grown.slots);
            for (size_t i = 0; i < m->cap; i++) {
                if (!m->slots[i].used) continue;
                size_t s = trace_timeline_slot(m->slots[i].id, grown.cap - 1);
                while (grown.slots[s].used) s = (s + 1) & (grown.cap - 1);
                grown.slots[s] = m->slots[i];
            }
            free(m->slots);
            *m = grown;
        }
        size_t mask = m->cap - 1;
        size_t s = trace_timeline_slot(id, mask);
        while (m->slots[s].used) s = (s + 1) & mask;
        e = &m->slots[s];
        e->used = true;
        e->id = id;
        m->count++;
    }
    e->text = text;
    e->type = type;
}

/* ------------------------------------------------------------------ */
/* Text                                                                */

/* The length of the valid UTF-8 sequence at p (n bytes left), or 0. */
static size_t trace_timeline_utf8_len(const unsigned char *p, size_t n) {
    unsigned c = p[0];
    if (c < 0x80) return 1;
    if (c < 0xC2) return 0;
    if (c < 0xE0) return n >= 2 && (p[1] & 0xC0) == 0x80 ? 2 : 0;
    if (c < 0xF0) {
        if (n < 3 || (p[1] & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80) return 0;
        if ((c == 0xE0 && p[1] < 0xA0) || (c == 0xED && p[1] >= 0xA0)) return 0;
        return 3;
    }
    if (c < 0xF5) {
        if (n < 4 || (p[1] & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80 || (p[3] & 0xC0) != 0x80)
            return 0;
        if ((c == 0xF0 && p[1] < 0x90) || (c == 0xF4 && p[1] >= 0x90)) return 0;
        return 4;
    }
    return 0;
}

/* Appends s so that it stays on one line: a run of line breaks becomes
 * "; " (trailing ones vanish), a tab a space, other control characters
 * \xNN, invalid UTF-8 U+FFFD. In 'quoted' mode it is a repr-like literal
 * instead: 'text' with \n \t \r \\ \' escaped. At most max code points are
 * kept; a cut is marked with "...". */
static void trace_timeline_text(strbuf *sb, const char *s, size_t n, size_t max, bool quoted) {
    const unsigned char *p = (const unsigned char *)s;
    if (!quoted)
        while (n && (p[n - 1] == '\n' || p[n - 1] == '\r')) n--;
    if (quoted) sb_putc(sb, '\'');
    size_t i = 0, shown = 0;
    while (i < n && shown < max) {
        unsigned c = p[i];
        size_t k = 1;
        if (quoted && (c == '\\' || c == '\'')) {
            sb_putc(sb, '\\');
            sb_putc(sb, (char)c);
        } else if (quoted && (c == '\n' || c == '\t' || c == '\r')) {
            sb_puts(sb, c == '\n' ? "\\n" : c == '\t' ? "\\t" : "\\r");
        } else if (c == '\n' || c == '\r') {
            while (i + k < n && (p[i + k] == '\n' || p[i + k] == '\r')) k++;
            sb_puts(sb, "; ");
        } else if (c == '\t') {
            sb_putc(sb, ' ');
        } else if (c < 0x20 || c == 0x7f) {
            sb_printf(sb, "\\x%02x", c);
        } else if ((k = trace_timeline_utf8_len(p + i, n - i)) != 0) {
            sb_append(sb, s + i, k);
        } else {
            k = 1;
            sb_puts(sb, "\xEF\xBF\xBD");
        }
        i += k;
        shown++;
    }
    if (quoted) sb_putc(sb, '\'');
    if (i < n) sb_puts(sb, "...");
}

/* Appends the string at index idx of the log as plain one-line text. */
static void trace_timeline_plain(strbuf *sb, const trace_timeline *tl, uint32_t idx) {
    size_t n;
    const char *s = trace_log_string(tl->log, idx, &n);
    trace_timeline_text(sb, s, n, SIZE_MAX, false);
}

static bool trace_timeline_has_text(const trace_timeline *tl, uint32_t idx) {
    size_t n;
    trace_log_string(tl->log, idx, &n);
    return n != 0;
}

/* Number of code points in s (its width for ASCII and most Latin text). */
static size_t trace_timeline_width(const char *s, size_t n) {
    size_t w = 0;
    for (size_t i = 0; i < n; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80) w++;
    return w;
}

/* ------------------------------------------------------------------ */
/* Names of threads and objects                                        */

static const char *const trace_timeline_type_titles[] = {
    [TO_LOCK] = "Lock",           [TO_RLOCK] = "RLock",
    [TO_SEMAPHORE] = "Semaphore", [TO_BSEMAPHORE] = "BoundedSemaphore",
    [TO_CONDITION] = "Condition", [TO_EVENT] = "Event",
    [TO_BARRIER] = "Barrier",     [TO_QUEUE] = "Queue",
    [TO_PIPE] = "Pipe",           [TO_POOL] = "Pool",
    [TO_VALUE] = "Value",         [TO_ARRAY] = "Array",
    [TO_MANAGER] = "Manager",
};
_Static_assert(sizeof trace_timeline_type_titles / sizeof trace_timeline_type_titles[0] == TO_COUNT,
               "one title per object type");

/* Appends the object's label from its OBJ_NEW, else "<type>#<id>". */
static void trace_timeline_obj(strbuf *sb, const trace_timeline *tl, int32_t obj) {
    const trace_timeline_entry *e = trace_timeline_find(&tl->objects, obj);
    if (e && trace_timeline_has_text(tl, e->text)) {
        trace_timeline_plain(sb, tl, e->text);
        return;
    }
    const char *type = "obj";
    if (e && e->type >= 0 && e->type < TO_COUNT) type = trace_obj_type_name((trace_obj_type)e->type);
    sb_printf(sb, "%s#%" PRId32, type, obj);
}

/* Appends the thread column: its name, padded to TRACE_TIMELINE_NAME_COLS
 * (always followed by at least one space). */
static void trace_timeline_thread(strbuf *sb, const trace_timeline *tl, int32_t tid) {
    size_t start = sb->len;
    const trace_timeline_entry *e = tid == -1 ? NULL : trace_timeline_find(&tl->threads, tid);
    if (tid == -1)
        sb_putc(sb, '-');
    else if (e && trace_timeline_has_text(tl, e->text))
        trace_timeline_plain(sb, tl, e->text);
    else
        sb_printf(sb, "T%" PRId32, tid);
    size_t w = trace_timeline_width(sb->data + start, sb->len - start);
    sb_fill(sb, ' ', w < TRACE_TIMELINE_NAME_COLS - 1 ? TRACE_TIMELINE_NAME_COLS - w : 1);
}

/* Learns names from the event before it is described. */
static void trace_timeline_learn(trace_timeline *tl, const trace_event *ev) {
    if (ev->kind == TRACE_THREAD_NEW && ev->tid != -1)
        trace_timeline_put(&tl->threads, ev->tid, ev->text, 0);
    else if (ev->kind == TRACE_OBJ_NEW && ev->obj != -1)
        trace_timeline_put(&tl->objects, ev->obj, ev->text, ev->a);
}

/* ------------------------------------------------------------------ */
/* Descriptions, one function per group of kinds                       */

typedef void (*trace_timeline_describe_fn)(strbuf *sb, const trace_timeline *tl,
                                           const trace_event *ev);

static void trace_timeline_process(strbuf *sb, const trace_timeline *tl, const trace_event *ev) {
    switch (ev->kind) {
    case TRACE_PROC_NEW:
        sb_puts(sb, "process ");
        trace_timeline_plain(sb, tl, ev->text);
        sb_puts(sb, " created");
        if (ev->a != -1) sb_printf(sb, " (parent P%" PRId32 ")", ev->a);
        break;
    case TRACE_PROC_START:
        sb_puts(sb, "process starts");
        break;
    default:
        sb_printf(sb, "process exits with code %" PRId32, ev->a);
        break;
    }
}

static void trace_timeline_thread_event(strbuf *sb, const trace_timeline *tl,
                                        const trace_event *ev) {
    if (ev->kind == TRACE_THREAD_NEW) {
        sb_puts(sb, "thread ");
        trace_timeline_plain(sb, tl, ev->text);
        sb_puts(sb, ev->a ? " created (daemon)" : " created");
        return;
    }
    switch (ev->a) {
    case TS_NEW: sb_puts(sb, "-> new"); break;
    case TS_READY: sb_puts(sb, "-> ready (waiting for a core)"); break;
    case TS_GIL_WAIT: sb_puts(sb, "-> waiting for the GIL"); break;
    case TS_RUNNING:
        sb_puts(sb, "-> running");
        if (ev->b >= 0) sb_printf(sb, " on core %" PRId32, ev->b);
        break;
    case TS_BLOCKED:
        sb_puts(sb, "-> blocked");
        if (ev->obj != -1) {
            sb_puts(sb, " on ");
            trace_timeline_obj(sb, tl, ev->obj);
        }
        break;
    case TS_SLEEPING: sb_puts(sb, "-> sleeping"); break;
    case TS_FINISHED: sb_puts(sb, "-> finished"); break;
    default: sb_printf(sb, "-> state %" PRId32, ev->a); break;
    }
    if (trace_timeline_has_text(tl, ev->text)) {
        sb_puts(sb, ": ");
        trace_timeline_plain(sb, tl, ev->text);
    }
}

static void trace_timeline_gil(strbuf *sb, const trace_timeline *tl, const trace_event *ev) {
    (void)tl;
    switch (ev->kind) {
    case TRACE_GIL_REQUEST: sb_puts(sb, "requests the GIL"); break;
    case TRACE_GIL_DROP_REQUEST: sb_puts(sb, "asks the GIL holder to drop it"); break;
    case TRACE_GIL_TAKE: sb_puts(sb, "takes the GIL"); break;
    default:
        if (ev->a >= 0 && ev->a < TG_COUNT)
            sb_printf(sb, "drops the GIL (%s)", trace_gil_reason_name((trace_gil_reason)ev->a));
        else
            sb_printf(sb, "drops the GIL (reason %" PRId32 ")", ev->a);
        break;
    }
}

static void trace_timeline_sync(strbuf *sb, const trace_timeline *tl, const trace_event *ev) {
    if (ev->kind == TRACE_OBJ_NEW) {
        sb_puts(sb, "creates ");
        if (ev->a >= 0 && ev->a < TO_COUNT)
            sb_puts(sb, trace_timeline_type_titles[ev->a]);
        else
            sb_printf(sb, "object type %" PRId32, ev->a);
        sb_putc(sb, ' ');
        trace_timeline_obj(sb, tl, ev->obj);
        if (ev->a == TO_SEMAPHORE || ev->a == TO_BSEMAPHORE || ev->a == TO_BARRIER ||
            ev->a == TO_VALUE || ev->b != 0)
            sb_printf(sb, " (value %" PRId32 ")", ev->b);
        return;
    }
    if (ev->a >= 0 && ev->a < TOP_COUNT)
        sb_puts(sb, trace_op_name((trace_op)ev->a));
    else
        sb_printf(sb, "op %" PRId32, ev->a);
    sb_putc(sb, ' ');
    trace_timeline_obj(sb, tl, ev->obj);
    switch (ev->b) {
    case TRACE_RESULT_OK: sb_puts(sb, " -> ok"); break;
    case TRACE_RESULT_FAIL: sb_puts(sb, " -> fail"); break;
    case TRACE_RESULT_BLOCKED: sb_puts(sb, " -> blocked"); break;
    default: sb_printf(sb, " -> result %" PRId32, ev->b); break;
    }
    if (trace_timeline_has_text(tl, ev->text)) {
        sb_puts(sb, " (");
        trace_timeline_plain(sb, tl, ev->text);
        sb_putc(sb, ')');
    }
}

static void trace_timeline_queue(strbuf *sb, const trace_timeline *tl, const trace_event *ev) {
    bool put = ev->kind == TRACE_QUEUE_PUT;
    sb_puts(sb, put ? "put " : "get ");
    if (trace_timeline_has_text(tl, ev->text)) {
        size_t n;
        const char *s = trace_log_string(tl->log, ev->text, &n);
        trace_timeline_text(sb, s, n, TRACE_TIMELINE_MAX_TEXT, false);
    } else {
        sb_puts(sb, "an item");
    }
    sb_puts(sb, put ? " on " : " from ");
    trace_timeline_obj(sb, tl, ev->obj);
    sb_printf(sb, " (%" PRId32 " queued)", ev->a);
}

static void trace_timeline_pool(strbuf *sb, const trace_timeline *tl, const trace_event *ev) {
    static const char *const verbs[] = {"submits", "worker P%d starts", "worker P%d finishes",
                                        "result handler receives", "callback for"};
    if (ev->a >= 0 && ev->a < TP_COUNT) sb_printf(sb, verbs[ev->a], (int)ev->b);
    else sb_printf(sb, "pool phase %" PRId32, ev->a);
    sb_putc(sb, ' ');
    if (trace_timeline_has_text(tl, ev->text)) trace_timeline_plain(sb, tl, ev->text);
    else sb_puts(sb, "a task");
    sb_puts(sb, " (");
    trace_timeline_obj(sb, tl, ev->obj);
    sb_putc(sb, ')');
}

static void trace_timeline_message(strbuf *sb, const trace_timeline *tl, const trace_event *ev) {
    switch (ev->kind) {
    case TRACE_PRINT: {
        if (ev->a == 2)
            sb_puts(sb, "prints to stderr ");
        else if (ev->a != 1)
            sb_printf(sb, "writes to fd %" PRId32 " ", ev->a);
        else
            sb_puts(sb, "prints ");
        size_t n;
        const char *s = trace_log_string(tl->log, ev->text, &n);
        trace_timeline_text(sb, s, n, TRACE_TIMELINE_MAX_TEXT, true);
        break;
    }
    case TRACE_CAPTION:
        sb_puts(sb, "caption: ");
        trace_timeline_plain(sb, tl, ev->text);
        break;
    case TRACE_DEADLOCK:
        sb_puts(sb, "DEADLOCK");
        if (trace_timeline_has_text(tl, ev->text)) {
            sb_puts(sb, ": ");
            trace_timeline_plain(sb, tl, ev->text);
        }
        break;
    default:
        sb_puts(sb, "run ends");
        if (trace_timeline_has_text(tl, ev->text)) {
            sb_puts(sb, ": ");
            trace_timeline_plain(sb, tl, ev->text);
        }
        sb_printf(sb, " (status %" PRId32 ")", ev->a);
        break;
    }
}

static const trace_timeline_describe_fn trace_timeline_describers[] = {
    [TRACE_PROC_NEW] = trace_timeline_process,
    [TRACE_PROC_START] = trace_timeline_process,
    [TRACE_PROC_EXIT] = trace_timeline_process,
    [TRACE_THREAD_NEW] = trace_timeline_thread_event,
    [TRACE_THREAD_STATE] = trace_timeline_thread_event,
    [TRACE_GIL_REQUEST] = trace_timeline_gil,
    [TRACE_GIL_DROP_REQUEST] = trace_timeline_gil,
    [TRACE_GIL_TAKE] = trace_timeline_gil,
    [TRACE_GIL_DROP] = trace_timeline_gil,
    [TRACE_OBJ_NEW] = trace_timeline_sync,
    [TRACE_SYNC_OP] = trace_timeline_sync,
    [TRACE_QUEUE_PUT] = trace_timeline_queue,
    [TRACE_QUEUE_GET] = trace_timeline_queue,
    [TRACE_POOL_TASK] = trace_timeline_pool,
    [TRACE_PRINT] = trace_timeline_message,
    [TRACE_CAPTION] = trace_timeline_message,
    [TRACE_DEADLOCK] = trace_timeline_message,
    [TRACE_RUN_END] = trace_timeline_message,
};
_Static_assert(sizeof trace_timeline_describers / sizeof trace_timeline_describers[0] ==
                   TRACE_KIND_COUNT,
               "one describer per event kind");

/* ------------------------------------------------------------------ */
/* Lines                                                               */

/* Appends t (ns) as seconds with 6 decimals (truncated to the
 * microsecond, integer arithmetic only), right-aligned in 10 columns. */
static void trace_timeline_time(strbuf *sb, int64_t t) {
    uint64_t mag = t < 0 ? (uint64_t)0 - (uint64_t)t : (uint64_t)t;
    char tmp[40];
    snprintf(tmp, sizeof tmp, "%s%" PRIu64 ".%06" PRIu64, t < 0 ? "-" : "", mag / 1000000000u,
             mag % 1000000000u / 1000u);
    sb_printf(sb, "%10s", tmp);
}

static void trace_timeline_line(strbuf *sb, const trace_timeline *tl, const trace_event *ev) {
    trace_timeline_time(sb, ev->t);
    sb_puts(sb, "  ");
    size_t start = sb->len;
    if (ev->pid == -1)
        sb_putc(sb, '-');
    else
        sb_printf(sb, "P%" PRId32, ev->pid);
    sb_fill(sb, ' ', sb->len - start < 4 ? 5 - (sb->len - start) : 1);
    trace_timeline_thread(sb, tl, ev->tid);
    if (ev->kind < TRACE_KIND_COUNT && trace_timeline_describers[ev->kind])
        trace_timeline_describers[ev->kind](sb, tl, ev);
    else
        sb_printf(sb, "event of unknown kind %u (a=%" PRId32 ", b=%" PRId32 ")", ev->kind, ev->a,
                  ev->b);
    sb_putc(sb, '\n');
}

void trace_write_timeline(const trace_log *log, FILE *out) {
    trace_timeline tl = {.log = log};
    strbuf sb;
    sb_init(&sb);
    size_t n = trace_log_count(log);
    for (size_t i = 0; i < n; i++) {
        const trace_event *ev = trace_log_get(log, i);
        trace_timeline_learn(&tl, ev);
        sb_clear(&sb);
        trace_timeline_line(&sb, &tl, ev);
        fwrite(sb.data, 1, sb.len, out);
    }
    sb_free(&sb);
    free(tl.threads.slots);
    free(tl.objects.slots);
}
