/* trace_log.c - the in-memory trace: a flat growable array of 40-byte events,
 * an interned string table, the run's header and the names of every enum.
 *
 * Strings live in an arena of large chunks that never move, so a pointer from
 * 'trace_log_string' stays valid until 'trace_log_free'. Interning looks the
 * text up in an open-addressing hash table (linear probing, load <= 1/2)
 * whose slots hold string indexes; index 0 is the empty string and is never
 * hashed.
 */
#include "trace/trace.h"

#include <stdlib.h>
#include <string.h>

#include "lang/xalloc.h"

#define TRACE_LOG_MIN_EVENTS 1024
#define TRACE_LOG_CHUNK_BYTES ((size_t)64 * 1024)
/* Strings longer than this get a chunk of their own. */
#define TRACE_LOG_BIG_STRING (TRACE_LOG_CHUNK_BYTES / 4)
#define TRACE_LOG_MIN_SLOTS 1024

typedef struct trace_log_string_entry {
    const char *text;  /* NUL-terminated copy in the arena */
    size_t len;
    uint64_t hash;
} trace_log_string_entry;

struct trace_log {
    trace_event *events;
    size_t count, cap;

    trace_log_string_entry *strings;
    size_t nstrings, strings_cap;
    uint32_t *slots;     /* string indexes; 0 = empty slot */
    size_t nslots;       /* a power of two */

    char **chunks;       /* the string arena */
    size_t nchunks, chunks_cap;
    size_t chunk_used, chunk_size;  /* of the current (last small) chunk */
    char *current;

    trace_header header;
};

/* ------------------------------------------------------------------ */
/* Life cycle                                                          */

trace_log *trace_log_new(void) {
    trace_log *log = xcalloc(1, sizeof *log);
    log->strings_cap = 64;
    log->strings = xreallocarray(NULL, log->strings_cap, sizeof *log->strings);
    log->strings[0] = (trace_log_string_entry){.text = "", .len = 0, .hash = 0};
    log->nstrings = 1;
    log->nslots = TRACE_LOG_MIN_SLOTS;
    log->slots = xcalloc(log->nslots, sizeof *log->slots);
    log->header.title = xstrdup("");
    log->header.filename = xstrdup("");
    log->header.source = xstrdup("");
    log->header.start_method = xstrdup("");
    log->header.gil = xstrdup("");
    return log;
}

static void trace_log_header_fini(trace_header *h) {
    free(h->title);
    free(h->filename);
    free(h->source);
    free(h->start_method);
    free(h->gil);
}

void trace_log_free(trace_log *log) {
    if (!log) return;
    free(log->events);
    free(log->strings);
    free(log->slots);
    for (size_t i = 0; i < log->nchunks; i++) free(log->chunks[i]);
    free(log->chunks);
    trace_log_header_fini(&log->header);
    free(log);
}

/* ------------------------------------------------------------------ */
/* Header                                                              */

static char *trace_log_copy(const char *s) { return xstrdup(s ? s : ""); }

void trace_log_set_header(trace_log *log, const trace_header *h) {
    trace_header copy = *h;
    copy.title = trace_log_copy(h->title);
    copy.filename = trace_log_copy(h->filename);
    copy.source = trace_log_copy(h->source);
    copy.start_method = trace_log_copy(h->start_method);
    copy.gil = trace_log_copy(h->gil);
    /* h may point into log->header itself, so copy before freeing */
    trace_log_header_fini(&log->header);
    log->header = copy;
}

const trace_header *trace_log_header(const trace_log *log) { return &log->header; }

/* ------------------------------------------------------------------ */
/* String table                                                        */

/* FNV-1a, 64 bits: simple, and good enough for short texts. */
static uint64_t trace_log_hash(const char *text, size_t len) {
    uint64_t h = 14695981039346656037u;
    const unsigned char *p = (const unsigned char *)text;
    for (size_t i = 0; i < len; i++) {
        h ^= p[i];
        h *= 1099511628211u;
    }
    return h;
}

static void trace_log_chunk_push(trace_log *log, char *chunk) {
    if (log->nchunks == log->chunks_cap) {
        log->chunks_cap = log->chunks_cap ? log->chunks_cap * 2 : 16;
        log->chunks = xreallocarray(log->chunks, log->chunks_cap, sizeof *log->chunks);
    }
    log->chunks[log->nchunks++] = chunk;
}

/* Copies len bytes plus a NUL into the arena; the copy never moves. */
static const char *trace_log_arena_copy(trace_log *log, const char *text, size_t len) {
    size_t need = len + 1;
    char *dst;
    if (need > TRACE_LOG_BIG_STRING) {
        dst = xmalloc(need);
        trace_log_chunk_push(log, dst);
    } else {
        if (!log->current || log->chunk_size - log->chunk_used < need) {
            log->current = xmalloc(TRACE_LOG_CHUNK_BYTES);
            log->chunk_size = TRACE_LOG_CHUNK_BYTES;
            log->chunk_used = 0;
            trace_log_chunk_push(log, log->current);
        }
        dst = log->current + log->chunk_used;
        log->chunk_used += need;
    }
    memcpy(dst, text, len);
    dst[len] = '\0';
    return dst;
}

/* Doubles the hash table and reinserts every string but the empty one. */
static void trace_log_rehash(trace_log *log) {
    size_t nslots = log->nslots * 2;
    uint32_t *slots = xcalloc(nslots, sizeof *slots);
    size_t mask = nslots - 1;
    for (size_t i = 1; i < log->nstrings; i++) {
        size_t s = (size_t)log->strings[i].hash & mask;
        while (slots[s]) s = (s + 1) & mask;
        slots[s] = (uint32_t)i;
    }
    free(log->slots);
    log->slots = slots;
    log->nslots = nslots;
}

uint32_t trace_log_intern(trace_log *log, const char *text, size_t len) {
    if (len == 0) return 0;
    uint64_t hash = trace_log_hash(text, len);
    size_t mask = log->nslots - 1;
    size_t s = (size_t)hash & mask;
    for (; log->slots[s]; s = (s + 1) & mask) {
        const trace_log_string_entry *e = &log->strings[log->slots[s]];
        if (e->hash == hash && e->len == len && memcmp(e->text, text, len) == 0)
            return log->slots[s];
    }
    if (log->nstrings >= UINT32_MAX) {
        fprintf(stderr, "concviz: trace string table full\n");
        abort();
    }
    if (log->nstrings == log->strings_cap) {
        log->strings_cap *= 2;
        log->strings = xreallocarray(log->strings, log->strings_cap, sizeof *log->strings);
    }
    uint32_t index = (uint32_t)log->nstrings++;
    log->strings[index] = (trace_log_string_entry){
        .text = trace_log_arena_copy(log, text, len), .len = len, .hash = hash};
    log->slots[s] = index;
    /* the empty string is not in the table: nstrings - 1 are */
    if ((log->nstrings - 1) * 2 > log->nslots) trace_log_rehash(log);
    return index;
}

/* An unknown index reads as the empty string, so callers may print the
 * result without checking. */
const char *trace_log_string(const trace_log *log, uint32_t index, size_t *len) {
    if (index >= log->nstrings) index = 0;
    if (len) *len = log->strings[index].len;
    return log->strings[index].text;
}

/* ------------------------------------------------------------------ */
/* Events                                                              */

uint64_t trace_log_add(trace_log *log, const trace_event *ev) {
    if (log->count == log->cap) {
        log->cap = log->cap ? log->cap * 2 : TRACE_LOG_MIN_EVENTS;
        log->events = xreallocarray(log->events, log->cap, sizeof *log->events);
    }
    log->events[log->count] = *ev;
    return (uint64_t)log->count++;
}

size_t trace_log_count(const trace_log *log) { return log->count; }

const trace_event *trace_log_get(const trace_log *log, size_t seq) {
    return seq < log->count ? &log->events[seq] : NULL;
}

/* ------------------------------------------------------------------ */
/* Enum names, generated from the X-macros; "?" when out of range      */

static const char *const trace_log_kind_names[] = {
#define TRACE_LOG_KIND_NAME(name, json, a, b, text, doc) json,
    TRACE_KINDS(TRACE_LOG_KIND_NAME)
#undef TRACE_LOG_KIND_NAME
};

static const char *const trace_log_state_names[] = {
#define TRACE_LOG_STATE_NAME(name, json, doc) json,
    TRACE_STATES(TRACE_LOG_STATE_NAME)
#undef TRACE_LOG_STATE_NAME
};

static const char *const trace_log_gil_reason_names[] = {
#define TRACE_LOG_GIL_NAME(name, json, doc) json,
    TRACE_GIL_REASONS(TRACE_LOG_GIL_NAME)
#undef TRACE_LOG_GIL_NAME
};

static const char *const trace_log_obj_type_names[] = {
#define TRACE_LOG_OBJ_NAME(name, json) json,
    TRACE_OBJ_TYPES(TRACE_LOG_OBJ_NAME)
#undef TRACE_LOG_OBJ_NAME
};

static const char *const trace_log_op_names[] = {
#define TRACE_LOG_OP_NAME(name, json) json,
    TRACE_OPS(TRACE_LOG_OP_NAME)
#undef TRACE_LOG_OP_NAME
};

#define TRACE_LOG_NAME(table, v) \
    ((unsigned)(v) < sizeof table / sizeof table[0] ? table[(unsigned)(v)] : "?")

const char *trace_kind_name(trace_kind k) { return TRACE_LOG_NAME(trace_log_kind_names, k); }
const char *trace_state_name(trace_state s) { return TRACE_LOG_NAME(trace_log_state_names, s); }
const char *trace_gil_reason_name(trace_gil_reason r) {
    return TRACE_LOG_NAME(trace_log_gil_reason_names, r);
}
const char *trace_obj_type_name(trace_obj_type t) {
    return TRACE_LOG_NAME(trace_log_obj_type_names, t);
}
const char *trace_op_name(trace_op op) { return TRACE_LOG_NAME(trace_log_op_names, op); }

static const char *const trace_log_pool_phase_names[] = {
#define TRACE_LOG_POOL_NAME(name, json, doc) json,
    TRACE_POOL_PHASES(TRACE_LOG_POOL_NAME)
#undef TRACE_LOG_POOL_NAME
};
const char *trace_pool_phase_name(trace_pool_phase p) { return TRACE_LOG_NAME(trace_log_pool_phase_names, p); }
