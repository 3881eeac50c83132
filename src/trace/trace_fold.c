/* trace_fold.c - the state after event N (see trace_fold.h).
 *
 * One pass over the log ("indexing") registers every process, thread and
 * object under a slot number, builds the per-thread / per-object / output
 * indexes, and folds the events into a "build" state, saving it encoded
 * every 'every' events. The "view" state is the player's cursor: a seek
 * decodes the nearest checkpoint at or before the target (unless stepping
 * forward from where it is is cheaper) and applies the events in between.
 * Both states are folded by the same function, fold_apply, which depends
 * only on the state and the event (the id -> slot maps are fixed once an id
 * is registered), so every way of reaching position N gives the same state.
 */
#include "trace/trace_fold.h"

#include <stdlib.h>
#include <string.h>

#include "lang/xalloc.h"

/* ------------------------------------------------------------------ */
/* id -> slot maps (open addressing, linear probing, load <= 1/2)      */

typedef struct fold_map {
    int32_t *keys;
    int32_t *vals;     /* -1 = empty slot */
    size_t n, cap;     /* cap: a power of two, or 0 */
} fold_map;

static size_t fold_map_hash(int32_t key, size_t cap) {
    uint32_t h = (uint32_t)key * 2654435761u;
    return (size_t)(h ^ (h >> 16)) & (cap - 1);
}

static int32_t fold_map_get(const fold_map *m, int32_t key) {
    if (!m->cap) return -1;
    for (size_t i = fold_map_hash(key, m->cap);; i = (i + 1) & (m->cap - 1)) {
        if (m->vals[i] < 0) return -1;
        if (m->keys[i] == key) return m->vals[i];
    }
}

static void fold_map_put_raw(fold_map *m, int32_t key, int32_t val) {
    size_t i = fold_map_hash(key, m->cap);
    while (m->vals[i] >= 0) i = (i + 1) & (m->cap - 1);
    m->keys[i] = key;
    m->vals[i] = val;
    m->n++;
}

static void fold_map_put(fold_map *m, int32_t key, int32_t val) {
    if ((m->n + 1) * 2 > m->cap) {
        fold_map old = *m;
        m->cap = old.cap ? old.cap * 2 : 64;
        m->keys = xcalloc(m->cap, sizeof *m->keys);
        m->vals = xreallocarray(NULL, m->cap, sizeof *m->vals);
        memset(m->vals, 0xff, m->cap * sizeof *m->vals);
        m->n = 0;
        for (size_t i = 0; i < old.cap; i++)
            if (old.vals[i] >= 0) fold_map_put_raw(m, old.keys[i], old.vals[i]);
        free(old.keys);
        free(old.vals);
    }
    fold_map_put_raw(m, key, val);
}

static void fold_map_free(fold_map *m) {
    free(m->keys);
    free(m->vals);
}

/* ------------------------------------------------------------------ */
/* Lists and sequence arrays                                           */

static void fold_list_push(trace_fold_list *l, uint32_t v) {
    if (l->head + l->n == l->cap) {
        if (l->head > 0 && l->head >= l->n) {
            /* more than half is dead space at the front: slide down */
            memmove(l->v, l->v + l->head, l->n * sizeof *l->v);
            l->head = 0;
        } else {
            l->cap = l->cap ? l->cap * 2 : 4;
            l->v = xreallocarray(l->v, l->cap, sizeof *l->v);
        }
    }
    l->v[l->head + l->n++] = v;
}

static bool fold_list_contains(const trace_fold_list *l, uint32_t v) {
    for (uint32_t i = 0; i < l->n; i++)
        if (l->v[l->head + i] == v) return true;
    return false;
}

/* Removes the item at index i (0 = oldest). */
static void fold_list_remove_at(trace_fold_list *l, uint32_t i) {
    if (i == 0) {
        l->head++;
    } else {
        uint32_t *base = l->v + l->head;
        memmove(base + i, base + i + 1, (l->n - i - 1) * sizeof *base);
    }
    l->n--;
    if (l->n == 0) l->head = 0;
}

/* Removes the first occurrence of v; returns whether there was one. */
static bool fold_list_remove(trace_fold_list *l, uint32_t v) {
    for (uint32_t i = 0; i < l->n; i++) {
        if (l->v[l->head + i] == v) {
            fold_list_remove_at(l, i);
            return true;
        }
    }
    return false;
}

static void fold_list_free(trace_fold_list *l) {
    free(l->v);
    memset(l, 0, sizeof *l);
}

static void fold_seqs_push(trace_fold_seqs *s, uint32_t seq) {
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 8;
        s->v = xreallocarray(s->v, s->cap, sizeof *s->v);
    }
    s->v[s->n++] = seq;
}

size_t trace_fold_seqs_before(const trace_fold_seqs *s, size_t seq) {
    size_t lo = 0, hi = s ? s->n : 0;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (s->v[mid] < seq) lo = mid + 1;
        else hi = mid;
    }
    return lo;
}

/* ------------------------------------------------------------------ */
/* States                                                              */

static void fold_state_init(trace_fold_state *s) {
    memset(s, 0, sizeof *s);
    s->caption = s->deadlock = s->run_end = TRACE_FOLD_NONE;
}

static void fold_state_fini(trace_fold_state *s) {
    for (uint32_t i = 0; i < s->procs_cap; i++) fold_list_free(&s->procs[i].gil_waiters);
    for (uint32_t i = 0; i < s->objects_cap; i++) {
        fold_list_free(&s->objects[i].waiters);
        fold_list_free(&s->objects[i].items);
        fold_list_free(&s->objects[i].jobs);
        fold_list_free(&s->objects[i].phases);
        fold_list_free(&s->objects[i].workers);
    }
    free(s->procs);
    free(s->threads);
    free(s->objects);
    free(s->cores);
}

/* Grows an array of structs to hold at least need entries; new entries are
 * zeroed (so their lists are empty). */
static void *fold_grow(void *arr, uint32_t *cap, uint32_t need, size_t size) {
    if (need <= *cap) return arr;
    uint32_t ncap = *cap ? *cap : 8;
    while (ncap < need) ncap *= 2;
    char *p = xreallocarray(arr, ncap, size);
    memset(p + (size_t)*cap * size, 0, (size_t)(ncap - *cap) * size);
    *cap = ncap;
    return p;
}

static void fold_state_cores(trace_fold_state *s, uint32_t n) {
    s->cores = fold_grow(s->cores, &s->cores_cap, n, sizeof *s->cores);
    while (s->ncores < n) s->cores[s->ncores++] = -1;
}

/* ------------------------------------------------------------------ */
/* The fold object                                                     */

struct trace_fold {
    const trace_log *log;
    size_t every;
    size_t indexed;
    trace_fold_state build;   /* after 'indexed' events */
    trace_fold_state view;    /* at the cursor */
    strbuf *checkpoints;      /* checkpoint k: the state after k * every events */
    size_t ncheckpoints, checkpoints_cap;
    fold_map pids, tids, objs;
    uint32_t nprocs, nthreads, nobjects;  /* slots registered */
    trace_fold_seqs *thread_changes;      /* per thread slot */
    trace_fold_seqs *object_events;       /* per object slot */
    uint32_t thread_changes_cap, object_events_cap;
    trace_fold_seqs captions, prints;
    trace_fold_line *lines;
    size_t nlines, lines_cap;
};

/* Slot of an event's thread in state s, or -1 (unknown or not yet there). */
static int32_t fold_thread(const trace_fold *f, const trace_fold_state *s, int32_t tid) {
    int32_t t = tid >= 0 ? fold_map_get(&f->tids, tid) : -1;
    return t >= 0 && (uint32_t)t < s->nthreads ? t : -1;
}

static int32_t fold_proc(const trace_fold *f, const trace_fold_state *s, int32_t pid) {
    int32_t p = fold_map_get(&f->pids, pid);
    return p >= 0 && (uint32_t)p < s->nprocs ? p : -1;
}

static int32_t fold_object(const trace_fold *f, const trace_fold_state *s, int32_t id) {
    int32_t o = id >= 0 ? fold_map_get(&f->objs, id) : -1;
    return o >= 0 && (uint32_t)o < s->nobjects ? o : -1;
}

static bool fold_text_is(const trace_fold *f, uint32_t text, const char *want) {
    size_t n;
    const char *s = trace_log_string(f->log, text, &n);
    return s && n == strlen(want) && memcmp(s, want, n) == 0;
}

/* A thread leaves whatever it was doing: frees its core and its wait. */
static void fold_thread_leave(trace_fold_state *s, int32_t t) {
    trace_fold_thread *th = &s->threads[t];
    if (th->core >= 0 && (uint32_t)th->core < s->ncores && s->cores[th->core] == t)
        s->cores[th->core] = -1;
    th->core = -1;
    if (th->wait_obj >= 0 && (uint32_t)th->wait_obj < s->nobjects)
        fold_list_remove(&s->objects[th->wait_obj].waiters, (uint32_t)t);
    th->wait_obj = -1;
}

static void fold_thread_state(const trace_fold *f, trace_fold_state *s, int32_t t,
                              const trace_event *ev, uint32_t seq) {
    trace_fold_thread *th = &s->threads[t];
    fold_thread_leave(s, t);
    th->state = ev->a >= 0 && ev->a < TS_COUNT ? (uint8_t)ev->a : (uint8_t)TS_COUNT;
    th->what = ev->text;
    th->since_t = ev->t;
    th->since_seq = seq;
    if (th->state == TS_RUNNING && ev->b >= 0 && ev->b < TRACE_FOLD_MAX_CORES) {
        fold_state_cores(s, (uint32_t)ev->b + 1);
        int32_t other = s->cores[ev->b];
        if (other >= 0 && other != t) s->threads[other].core = -1; /* stale */
        s->cores[ev->b] = t;
        th->core = ev->b;
    }
    int32_t o = fold_object(f, s, ev->obj);
    if (th->state == TS_BLOCKED && o >= 0) {
        th->wait_obj = o;
        if (!fold_list_contains(&s->objects[o].waiters, (uint32_t)t))
            fold_list_push(&s->objects[o].waiters, (uint32_t)t);
    }
    if (th->state == TS_FINISHED && th->proc >= 0) {
        trace_fold_proc *p = &s->procs[th->proc];
        fold_list_remove(&p->gil_waiters, (uint32_t)t);
        if (p->gil_holder == t) p->gil_holder = -1;
        if (p->gil_drop_request == t) p->gil_drop_request = -1;
        th->has_gil = false;
    }
}

static trace_fold_proc *fold_thread_proc(const trace_fold *f, trace_fold_state *s, int32_t t,
                                         const trace_event *ev) {
    int32_t p = t >= 0 ? s->threads[t].proc : -1;
    if (p < 0) p = fold_proc(f, s, ev->pid);
    return p >= 0 ? &s->procs[p] : NULL;
}

static void fold_sync_op(const trace_fold *f, trace_fold_state *s, int32_t o, int32_t t,
                         const trace_event *ev) {
    trace_fold_object *ob = &s->objects[o];
    if (ev->b != TRACE_RESULT_OK) return;
    bool counter = ob->type == TO_SEMAPHORE || ob->type == TO_BSEMAPHORE;
    switch (ev->a) {
    case TOP_ACQUIRE:
        if (counter) {
            ob->count--;
        } else if (t >= 0 && ob->owner == t) {
            ob->depth++;
        } else {
            ob->owner = t;
            ob->depth = 1;
        }
        break;
    case TOP_RELEASE:
        if (counter) {
            ob->count++;
        } else {
            /* Condition.wait() releases an RLock completely */
            if (fold_text_is(f, ev->text, "cond.wait()")) ob->depth = 0;
            else ob->depth--;
            if (ob->depth <= 0) {
                ob->owner = -1;
                ob->depth = 0;
            }
        }
        break;
    case TOP_SET: ob->flag = true; break;
    case TOP_CLEAR: ob->flag = false; break;
    case TOP_ABORT: ob->broken = true; break;
    default: break;
    }
}

/* Makes a queue's item count agree with the length the event reports
 * (items lost or unknown to the fold are dropped or shown as unknown). */
static void fold_queue_len(trace_fold_list *items, int32_t len) {
    if (len < 0) return;
    while (items->n > (uint32_t)len) fold_list_remove_at(items, 0);
    for (int i = 0; items->n < (uint32_t)len && i < 1024; i++) fold_list_push(items, 0);
}

/* A get takes the item with the same text: the oldest one for a FIFO, the
 * newest for a LIFO, any for a priority queue (texts are interned, so equal
 * texts have equal indexes). */
static void fold_queue_get(trace_fold_list *items, uint32_t text) {
    if (items->n == 0) return;
    if (trace_fold_list_at(items, 0) == text) {
        fold_list_remove_at(items, 0);
    } else if (trace_fold_list_at(items, items->n - 1) == text) {
        fold_list_remove_at(items, items->n - 1);
    } else if (!fold_list_remove(items, text)) {
        fold_list_remove_at(items, 0);
    }
}

/* The number after "job " at the start of a pool task's text, or -1. */
static int64_t fold_job_number(const trace_fold *f, uint32_t text) {
    size_t n;
    const char *s = trace_log_string(f->log, text, &n);
    if (!s || n < 5 || memcmp(s, "job ", 4) != 0) return -1;
    int64_t v = 0;
    size_t i = 4;
    for (; i < n && s[i] >= '0' && s[i] <= '9' && v < 100000000; i++) v = v * 10 + (s[i] - '0');
    return i > 4 ? v : -1;
}

/* A pool task moves on: a submission adds it; a later phase updates it
 * (found by job number, from the newest). */
static void fold_pool_task(const trace_fold *f, trace_fold_object *ob, const trace_event *ev) {
    int64_t job = fold_job_number(f, ev->text);
    if (job < 0) return;
    if (ev->a == TP_SUBMITTED) {
        fold_list_push(&ob->items, ev->text);
        fold_list_push(&ob->jobs, (uint32_t)job);
        fold_list_push(&ob->phases, TP_SUBMITTED);
        fold_list_push(&ob->workers, 0);
        return;
    }
    for (uint32_t i = ob->jobs.n; i-- > 0;) {
        if (trace_fold_list_at(&ob->jobs, i) != (uint32_t)job) continue;
        if (ev->a >= 0 && ev->a < TP_COUNT) ob->phases.v[ob->phases.head + i] = (uint32_t)ev->a;
        if (ev->b > 0) ob->workers.v[ob->workers.head + i] = (uint32_t)ev->b;
        return;
    }
}

/* A write to a shared Value or Array ("init X", "write X", "write [i] X",
 * "write [a:b] [...]"): the elements written now come from this event. */
static void fold_shared_write(const trace_fold *f, trace_fold_object *ob, const trace_event *ev, uint32_t seq) {
    if (ev->a != TOP_SET || ev->b != TRACE_RESULT_OK) return;
    size_t n;
    const char *s = trace_log_string(f->log, ev->text, &n);
    if (!s) return;
    uint32_t len = ob->items.n;
    uint32_t from = 0, to = len;
    const char *br = memchr(s, '[', n);
    bool indexed = n > 6 && memcmp(s, "write [", 7) == 0 && br;
    if (indexed) {
        char *end;
        long a = strtol(br + 1, &end, 10);
        long b = *end == ':' ? strtol(end + 1, &end, 10) : a + 1;
        if (*end != ']' || a < 0 || b < a) return;
        from = a < (long)len ? (uint32_t)a : len;
        to = b < (long)len ? (uint32_t)b : len;
    }
    for (uint32_t i = from; i < to; i++) ob->items.v[ob->items.head + i] = seq;
}

/* Applies one event to a state. Depends only on (state, event) and on the
 * id maps, which never change for a registered id. */
static void fold_apply(const trace_fold *f, trace_fold_state *s, const trace_event *ev, uint32_t seq) {
    int32_t t = fold_thread(f, s, ev->tid);
    int32_t o;
    trace_fold_proc *p;
    switch (ev->kind) {
    case TRACE_PROC_NEW: {
        int32_t slot = fold_map_get(&f->pids, ev->pid);
        if (slot < 0 || (uint32_t)slot != s->nprocs) break; /* a repeated pid */
        s->procs = fold_grow(s->procs, &s->procs_cap, s->nprocs + 1, sizeof *s->procs);
        trace_fold_proc *np = &s->procs[s->nprocs++];
        trace_fold_list keep = np->gil_waiters;
        memset(np, 0, sizeof *np);
        keep.head = keep.n = 0;
        np->gil_waiters = keep;
        np->pid = ev->pid;
        np->parent = ev->a;
        np->name = ev->text;
        np->seq_new = seq;
        np->gil_holder = np->gil_drop_request = -1;
        break;
    }
    case TRACE_PROC_START:
        if ((o = fold_proc(f, s, ev->pid)) >= 0) s->procs[o].started = true;
        break;
    case TRACE_PROC_EXIT:
        if ((o = fold_proc(f, s, ev->pid)) >= 0) {
            s->procs[o].exited = true;
            s->procs[o].exitcode = ev->a;
        }
        break;
    case TRACE_THREAD_NEW: {
        int32_t slot = ev->tid >= 0 ? fold_map_get(&f->tids, ev->tid) : -1;
        if (slot < 0 || (uint32_t)slot != s->nthreads) break;
        s->threads = fold_grow(s->threads, &s->threads_cap, s->nthreads + 1, sizeof *s->threads);
        trace_fold_thread *th = &s->threads[s->nthreads++];
        memset(th, 0, sizeof *th);
        th->tid = ev->tid;
        th->pid = ev->pid;
        th->proc = fold_proc(f, s, ev->pid);
        th->name = ev->text;
        th->daemon = ev->a != 0;
        th->seq_new = th->since_seq = seq;
        th->state = TS_NEW;
        th->core = th->wait_obj = -1;
        th->since_t = ev->t;
        t = slot;
        break;
    }
    case TRACE_THREAD_STATE:
        if (t >= 0) fold_thread_state(f, s, t, ev, seq);
        break;
    case TRACE_GIL_REQUEST:
        if (t >= 0 && (p = fold_thread_proc(f, s, t, ev)) && !fold_list_contains(&p->gil_waiters, (uint32_t)t))
            fold_list_push(&p->gil_waiters, (uint32_t)t);
        break;
    case TRACE_GIL_DROP_REQUEST:
        if (t >= 0 && (p = fold_thread_proc(f, s, t, ev))) p->gil_drop_request = t;
        break;
    case TRACE_GIL_TAKE:
        if (t >= 0 && (p = fold_thread_proc(f, s, t, ev))) {
            fold_list_remove(&p->gil_waiters, (uint32_t)t);
            if (p->gil_holder >= 0 && p->gil_holder != t) s->threads[p->gil_holder].has_gil = false;
            p->gil_holder = t;
            p->gil_drop_request = -1;
            s->threads[t].has_gil = true;
        }
        break;
    case TRACE_GIL_DROP:
        if (t >= 0 && (p = fold_thread_proc(f, s, t, ev))) {
            if (p->gil_holder == t) p->gil_holder = -1;
            p->gil_drop_request = -1;
            s->threads[t].has_gil = false;
        }
        break;
    case TRACE_OBJ_NEW: {
        int32_t slot = ev->obj >= 0 ? fold_map_get(&f->objs, ev->obj) : -1;
        if (slot < 0 || (uint32_t)slot != s->nobjects) break;
        s->objects = fold_grow(s->objects, &s->objects_cap, s->nobjects + 1, sizeof *s->objects);
        trace_fold_object *ob = &s->objects[s->nobjects++];
        /* keep the lists' memory (this slot may have been used by a later
           state before a seek back) but not their contents */
        trace_fold_list keep[5] = {ob->waiters, ob->items, ob->jobs, ob->phases, ob->workers};
        memset(ob, 0, sizeof *ob);
        for (int k = 0; k < 5; k++) keep[k].head = keep[k].n = 0;
        ob->waiters = keep[0];
        ob->items = keep[1];
        ob->jobs = keep[2];
        ob->phases = keep[3];
        ob->workers = keep[4];
        ob->id = ev->obj;
        ob->type = ev->a;
        ob->value0 = ob->count = ev->b;
        ob->pid = ev->pid;
        ob->creator = t;
        ob->label = ev->text;
        ob->seq_new = ob->last_seq = seq;
        ob->owner = -1;
        if (ob->type == TO_VALUE || ob->type == TO_ARRAY) {
            /* one entry per element: who wrote it (none yet) */
            uint32_t n = ob->type == TO_VALUE ? 1 : ev->b > 0 && ev->b <= 4096 ? (uint32_t)ev->b : 0;
            for (uint32_t i = 0; i < n; i++) fold_list_push(&ob->items, TRACE_FOLD_NONE);
        }
        break;
    }
    case TRACE_POOL_TASK:
        if ((o = fold_object(f, s, ev->obj)) >= 0) {
            fold_pool_task(f, &s->objects[o], ev);
            s->objects[o].last_seq = seq;
        }
        break;
    case TRACE_SYNC_OP:
        if ((o = fold_object(f, s, ev->obj)) >= 0) {
            if (s->objects[o].type == TO_VALUE || s->objects[o].type == TO_ARRAY) fold_shared_write(f, &s->objects[o], ev, seq);
            else fold_sync_op(f, s, o, t, ev);
            s->objects[o].last_seq = seq;
        }
        break;
    case TRACE_QUEUE_PUT:
        if ((o = fold_object(f, s, ev->obj)) >= 0) {
            trace_fold_object *ob = &s->objects[o];
            fold_list_push(&ob->items, ev->text);
            fold_queue_len(&ob->items, ev->a);
            ob->nput++;
            ob->last_seq = seq;
        }
        break;
    case TRACE_QUEUE_GET:
        if ((o = fold_object(f, s, ev->obj)) >= 0) {
            trace_fold_object *ob = &s->objects[o];
            fold_queue_get(&ob->items, ev->text);
            fold_queue_len(&ob->items, ev->a);
            ob->nget++;
            ob->last_seq = seq;
        }
        break;
    case TRACE_PRINT: s->nprints++; break;
    case TRACE_CAPTION: s->caption = seq; break;
    case TRACE_DEADLOCK: s->deadlock = seq; break;
    case TRACE_RUN_END: s->run_end = seq; break;
    default: break; /* a kind this version does not know: only time moves */
    }
    if (t >= 0) {
        s->threads[t].last_seq = seq;
        if (ev->line) s->threads[t].line = ev->line;
    }
    s->pos = (size_t)seq + 1;
    s->t = ev->t;
}

/* ------------------------------------------------------------------ */
/* Encoding (checkpoints): LEB128 varints, zigzag for signed values    */

static void enc_u(strbuf *b, uint64_t v) {
    char tmp[10];
    size_t n = 0;
    do {
        unsigned char c = (unsigned char)(v & 0x7f);
        v >>= 7;
        tmp[n++] = (char)(v ? c | 0x80 : c);
    } while (v);
    sb_append(b, tmp, n);
}

static void enc_i(strbuf *b, int64_t v) {
    enc_u(b, ((uint64_t)v << 1) ^ (uint64_t)(v >> 63));
}

static void enc_list(strbuf *b, const trace_fold_list *l) {
    enc_u(b, l->n);
    for (uint32_t i = 0; i < l->n; i++) enc_u(b, trace_fold_list_at(l, i));
}

void trace_fold_state_encode(const trace_fold_state *s, strbuf *b) {
    enc_u(b, s->pos);
    enc_i(b, s->t);
    enc_u(b, s->caption);
    enc_u(b, s->deadlock);
    enc_u(b, s->run_end);
    enc_u(b, s->nprints);
    enc_u(b, s->nprocs);
    enc_u(b, s->nthreads);
    enc_u(b, s->nobjects);
    enc_u(b, s->ncores);
    for (uint32_t i = 0; i < s->ncores; i++) enc_i(b, s->cores[i]);
    for (uint32_t i = 0; i < s->nprocs; i++) {
        const trace_fold_proc *p = &s->procs[i];
        enc_i(b, p->pid);
        enc_i(b, p->parent);
        enc_u(b, p->name);
        enc_u(b, p->seq_new);
        enc_u(b, (unsigned)p->started | (unsigned)p->exited << 1);
        enc_i(b, p->exitcode);
        enc_i(b, p->gil_holder);
        enc_i(b, p->gil_drop_request);
        enc_list(b, &p->gil_waiters);
    }
    for (uint32_t i = 0; i < s->nthreads; i++) {
        const trace_fold_thread *th = &s->threads[i];
        enc_i(b, th->tid);
        enc_i(b, th->pid);
        enc_i(b, th->proc);
        enc_u(b, th->name);
        enc_u(b, th->seq_new);
        enc_u(b, (unsigned)th->daemon | (unsigned)th->has_gil << 1 | (unsigned)th->state << 2);
        enc_u(b, th->line);
        enc_i(b, th->core);
        enc_i(b, th->wait_obj);
        enc_u(b, th->what);
        enc_i(b, th->since_t);
        enc_u(b, th->since_seq);
        enc_u(b, th->last_seq);
    }
    for (uint32_t i = 0; i < s->nobjects; i++) {
        const trace_fold_object *ob = &s->objects[i];
        enc_i(b, ob->id);
        enc_i(b, ob->type);
        enc_i(b, ob->value0);
        enc_i(b, ob->pid);
        enc_i(b, ob->creator);
        enc_u(b, ob->label);
        enc_u(b, ob->seq_new);
        enc_i(b, ob->owner);
        enc_i(b, ob->depth);
        enc_i(b, ob->count);
        enc_u(b, (unsigned)ob->flag | (unsigned)ob->broken << 1);
        enc_u(b, ob->nput);
        enc_u(b, ob->nget);
        enc_u(b, ob->last_seq);
        enc_list(b, &ob->waiters);
        enc_list(b, &ob->items);
        enc_list(b, &ob->jobs);
        enc_list(b, &ob->phases);
        enc_list(b, &ob->workers);
    }
}

typedef struct dec {
    const unsigned char *p, *end;
} dec;

static uint64_t dec_u(dec *d) {
    uint64_t v = 0;
    for (unsigned shift = 0; d->p < d->end && shift < 64; shift += 7) {
        unsigned char c = *d->p++;
        v |= (uint64_t)(c & 0x7f) << shift;
        if (!(c & 0x80)) break;
    }
    return v;
}

static int64_t dec_i(dec *d) {
    uint64_t u = dec_u(d);
    return (int64_t)(u >> 1) ^ -(int64_t)(u & 1);
}

static uint32_t dec_u32(dec *d) { return (uint32_t)dec_u(d); }
static int32_t dec_i32(dec *d) { return (int32_t)dec_i(d); }

static void dec_list(dec *d, trace_fold_list *l) {
    uint32_t n = dec_u32(d);
    l->head = l->n = 0;
    for (uint32_t i = 0; i < n && d->p < d->end; i++) fold_list_push(l, dec_u32(d));
}

/* Restores a state from its encoding, reusing s's arrays. */
static void fold_state_decode(trace_fold_state *s, const strbuf *b) {
    dec d = {(const unsigned char *)b->data, (const unsigned char *)b->data + b->len};
    s->pos = (size_t)dec_u(&d);
    s->t = dec_i(&d);
    s->caption = dec_u32(&d);
    s->deadlock = dec_u32(&d);
    s->run_end = dec_u32(&d);
    s->nprints = dec_u32(&d);
    s->nprocs = dec_u32(&d);
    s->nthreads = dec_u32(&d);
    s->nobjects = dec_u32(&d);
    uint32_t ncores = dec_u32(&d);
    s->procs = fold_grow(s->procs, &s->procs_cap, s->nprocs, sizeof *s->procs);
    s->threads = fold_grow(s->threads, &s->threads_cap, s->nthreads, sizeof *s->threads);
    s->objects = fold_grow(s->objects, &s->objects_cap, s->nobjects, sizeof *s->objects);
    s->ncores = 0;
    fold_state_cores(s, ncores);
    for (uint32_t i = 0; i < ncores; i++) s->cores[i] = dec_i32(&d);
    for (uint32_t i = 0; i < s->nprocs; i++) {
        trace_fold_proc *p = &s->procs[i];
        p->pid = dec_i32(&d);
        p->parent = dec_i32(&d);
        p->name = dec_u32(&d);
        p->seq_new = dec_u32(&d);
        unsigned fl = dec_u32(&d);
        p->started = fl & 1;
        p->exited = (fl >> 1) & 1;
        p->exitcode = dec_i32(&d);
        p->gil_holder = dec_i32(&d);
        p->gil_drop_request = dec_i32(&d);
        dec_list(&d, &p->gil_waiters);
    }
    for (uint32_t i = 0; i < s->nthreads; i++) {
        trace_fold_thread *th = &s->threads[i];
        th->tid = dec_i32(&d);
        th->pid = dec_i32(&d);
        th->proc = dec_i32(&d);
        th->name = dec_u32(&d);
        th->seq_new = dec_u32(&d);
        unsigned fl = dec_u32(&d);
        th->daemon = fl & 1;
        th->has_gil = (fl >> 1) & 1;
        th->state = (uint8_t)(fl >> 2);
        th->line = (uint16_t)dec_u32(&d);
        th->core = dec_i32(&d);
        th->wait_obj = dec_i32(&d);
        th->what = dec_u32(&d);
        th->since_t = dec_i(&d);
        th->since_seq = dec_u32(&d);
        th->last_seq = dec_u32(&d);
    }
    for (uint32_t i = 0; i < s->nobjects; i++) {
        trace_fold_object *ob = &s->objects[i];
        ob->id = dec_i32(&d);
        ob->type = dec_i32(&d);
        ob->value0 = dec_i32(&d);
        ob->pid = dec_i32(&d);
        ob->creator = dec_i32(&d);
        ob->label = dec_u32(&d);
        ob->seq_new = dec_u32(&d);
        ob->owner = dec_i32(&d);
        ob->depth = dec_i32(&d);
        ob->count = dec_i32(&d);
        unsigned fl = dec_u32(&d);
        ob->flag = fl & 1;
        ob->broken = (fl >> 1) & 1;
        ob->nput = dec_u32(&d);
        ob->nget = dec_u32(&d);
        ob->last_seq = dec_u32(&d);
        dec_list(&d, &ob->waiters);
        dec_list(&d, &ob->items);
        dec_list(&d, &ob->jobs);
        dec_list(&d, &ob->phases);
        dec_list(&d, &ob->workers);
    }
}

/* ------------------------------------------------------------------ */
/* Indexing                                                            */

static void fold_checkpoint(trace_fold *f) {
    if (f->ncheckpoints == f->checkpoints_cap) {
        f->checkpoints_cap = f->checkpoints_cap ? f->checkpoints_cap * 2 : 16;
        f->checkpoints = xreallocarray(f->checkpoints, f->checkpoints_cap, sizeof *f->checkpoints);
    }
    strbuf *b = &f->checkpoints[f->ncheckpoints++];
    sb_init(b);
    trace_fold_state_encode(&f->build, b);
    /* keep exactly the bytes: a checkpoint lives as long as the fold */
    b->data = xrealloc(b->data, b->len + 1);
    b->cap = b->len + 1;
}

static trace_fold_seqs *fold_seqs_slot(trace_fold_seqs **arr, uint32_t *cap, uint32_t slot) {
    *arr = fold_grow(*arr, cap, slot + 1, sizeof **arr);
    return &(*arr)[slot];
}

static void fold_index_print(trace_fold *f, const trace_event *ev, uint32_t seq) {
    size_t n;
    const char *s = trace_log_string(f->log, ev->text, &n);
    if (!s) return;
    size_t start = 0;
    while (start < n) {
        const char *nl = memchr(s + start, '\n', n - start);
        size_t end = nl ? (size_t)(nl - s) : n;
        if (f->nlines == f->lines_cap) {
            f->lines_cap = f->lines_cap ? f->lines_cap * 2 : 64;
            f->lines = xreallocarray(f->lines, f->lines_cap, sizeof *f->lines);
        }
        f->lines[f->nlines++] = (trace_fold_line){seq, ev->text, (uint32_t)start, (uint32_t)(end - start)};
        start = end + 1;
    }
}

/* Registers ids, records index entries, applies the event to the build
 * state and saves checkpoints. */
static void fold_index_event(trace_fold *f, const trace_event *ev, uint32_t seq) {
    switch (ev->kind) {
    case TRACE_PROC_NEW:
        if (fold_map_get(&f->pids, ev->pid) < 0) fold_map_put(&f->pids, ev->pid, (int32_t)f->nprocs++);
        break;
    case TRACE_THREAD_NEW:
        if (ev->tid >= 0 && fold_map_get(&f->tids, ev->tid) < 0) {
            fold_map_put(&f->tids, ev->tid, (int32_t)f->nthreads);
            fold_seqs_slot(&f->thread_changes, &f->thread_changes_cap, f->nthreads);
            f->nthreads++;
        }
        break;
    case TRACE_OBJ_NEW:
        if (ev->obj >= 0 && fold_map_get(&f->objs, ev->obj) < 0) {
            fold_map_put(&f->objs, ev->obj, (int32_t)f->nobjects);
            fold_seqs_slot(&f->object_events, &f->object_events_cap, f->nobjects);
            f->nobjects++;
        }
        break;
    default: break;
    }
    fold_apply(f, &f->build, ev, seq);
    const trace_fold_state *s = &f->build;
    int32_t t = fold_thread(f, s, ev->tid);
    if (ev->kind == TRACE_THREAD_STATE && t >= 0) fold_seqs_push(&f->thread_changes[t], seq);
    int32_t o = fold_object(f, s, ev->obj);
    if (o >= 0) fold_seqs_push(&f->object_events[o], seq);
    if (ev->kind == TRACE_CAPTION) fold_seqs_push(&f->captions, seq);
    if (ev->kind == TRACE_PRINT) {
        fold_seqs_push(&f->prints, seq);
        fold_index_print(f, ev, seq);
    }
    if ((size_t)(seq + 1) % f->every == 0) fold_checkpoint(f);
}

void trace_fold_sync(trace_fold *f) {
    size_t n = trace_log_count(f->log);
    /* sequence numbers are 32-bit in the indexes */
    if (n > (size_t)UINT32_MAX - 1) n = (size_t)UINT32_MAX - 1;
    for (size_t i = f->indexed; i < n; i++) fold_index_event(f, trace_log_get(f->log, i), (uint32_t)i);
    f->indexed = n;
}

trace_fold *trace_fold_new(const trace_log *log, size_t every) {
    trace_fold *f = xcalloc(1, sizeof *f);
    f->log = log;
    f->every = every ? every : TRACE_FOLD_DEFAULT_EVERY;
    fold_state_init(&f->build);
    fold_state_init(&f->view);
    fold_checkpoint(f); /* checkpoint 0: the empty state */
    trace_fold_sync(f);
    return f;
}

void trace_fold_free(trace_fold *f) {
    if (!f) return;
    fold_state_fini(&f->build);
    fold_state_fini(&f->view);
    for (size_t i = 0; i < f->ncheckpoints; i++) sb_free(&f->checkpoints[i]);
    free(f->checkpoints);
    fold_map_free(&f->pids);
    fold_map_free(&f->tids);
    fold_map_free(&f->objs);
    for (uint32_t i = 0; i < f->thread_changes_cap; i++) free(f->thread_changes[i].v);
    for (uint32_t i = 0; i < f->object_events_cap; i++) free(f->object_events[i].v);
    free(f->thread_changes);
    free(f->object_events);
    free(f->captions.v);
    free(f->prints.v);
    free(f->lines);
    free(f);
}

size_t trace_fold_count(const trace_fold *f) { return f->indexed; }
const trace_log *trace_fold_log(const trace_fold *f) { return f->log; }

/* ------------------------------------------------------------------ */
/* Seeking                                                             */

const trace_fold_state *trace_fold_seek(trace_fold *f, size_t pos) {
    if (pos > f->indexed) pos = f->indexed;
    trace_fold_state *v = &f->view;
    size_t k = pos / f->every;
    if (k >= f->ncheckpoints) k = f->ncheckpoints - 1;
    size_t from = k * f->every;
    /* step forward from where we are when no checkpoint is closer */
    if (!(pos >= v->pos && v->pos >= from)) fold_state_decode(v, &f->checkpoints[k]);
    for (size_t i = v->pos; i < pos; i++) fold_apply(f, v, trace_log_get(f->log, i), (uint32_t)i);
    return v;
}

const trace_fold_state *trace_fold_current(const trace_fold *f) { return &f->view; }

int32_t trace_fold_proc_slot(const trace_fold *f, int32_t pid) { return fold_map_get(&f->pids, pid); }
int32_t trace_fold_thread_slot(const trace_fold *f, int32_t tid) { return fold_map_get(&f->tids, tid); }
int32_t trace_fold_object_slot(const trace_fold *f, int32_t id) { return fold_map_get(&f->objs, id); }

const trace_fold_seqs *trace_fold_thread_changes(const trace_fold *f, int32_t thread) {
    return thread >= 0 && (uint32_t)thread < f->nthreads ? &f->thread_changes[thread] : NULL;
}

const trace_fold_seqs *trace_fold_object_events(const trace_fold *f, int32_t object) {
    return object >= 0 && (uint32_t)object < f->nobjects ? &f->object_events[object] : NULL;
}

const trace_fold_seqs *trace_fold_captions(const trace_fold *f) { return &f->captions; }
const trace_fold_seqs *trace_fold_prints(const trace_fold *f) { return &f->prints; }

const trace_fold_line *trace_fold_lines(const trace_fold *f, size_t *n) {
    *n = f->nlines;
    return f->lines;
}

size_t trace_fold_lines_before(const trace_fold *f, size_t pos) {
    size_t lo = 0, hi = f->nlines;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (f->lines[mid].seq < pos) lo = mid + 1;
        else hi = mid;
    }
    return lo;
}

int trace_fold_thread_state_at(const trace_fold *f, int32_t thread, int64_t t, size_t pos) {
    const trace_fold_seqs *c = trace_fold_thread_changes(f, thread);
    if (!c) return TS_NEW;
    size_t hi = trace_fold_seqs_before(c, pos), lo = 0;
    /* the last change at or before t among the first hi */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (trace_log_get(f->log, c->v[mid])->t <= t) lo = mid + 1;
        else hi = mid;
    }
    if (lo == 0) return TS_NEW;
    int32_t st = trace_log_get(f->log, c->v[lo - 1])->a;
    return st >= 0 && st < TS_COUNT ? st : TS_COUNT;
}

size_t trace_fold_pos_at_time(const trace_fold *f, int64_t t) {
    size_t lo = 0, hi = f->indexed;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (trace_log_get(f->log, mid)->t <= t) lo = mid + 1;
        else hi = mid;
    }
    return lo;
}

size_t trace_fold_bytes(const trace_fold *f) {
    size_t b = sizeof *f;
    const trace_fold_state *states[2] = {&f->build, &f->view};
    for (int k = 0; k < 2; k++) {
        const trace_fold_state *s = states[k];
        b += (size_t)s->procs_cap * sizeof *s->procs + (size_t)s->threads_cap * sizeof *s->threads +
             (size_t)s->objects_cap * sizeof *s->objects + (size_t)s->cores_cap * sizeof *s->cores;
        for (uint32_t i = 0; i < s->procs_cap; i++) b += s->procs[i].gil_waiters.cap * sizeof(uint32_t);
        for (uint32_t i = 0; i < s->objects_cap; i++)
            b += (s->objects[i].waiters.cap + s->objects[i].items.cap + s->objects[i].jobs.cap +
                  s->objects[i].phases.cap + s->objects[i].workers.cap) *
                 sizeof(uint32_t);
    }
    for (size_t i = 0; i < f->ncheckpoints; i++) b += f->checkpoints[i].cap;
    b += f->checkpoints_cap * sizeof *f->checkpoints;
    b += (f->pids.cap + f->tids.cap + f->objs.cap) * 2 * sizeof(int32_t);
    for (uint32_t i = 0; i < f->thread_changes_cap; i++) b += f->thread_changes[i].cap * sizeof(uint32_t);
    for (uint32_t i = 0; i < f->object_events_cap; i++) b += f->object_events[i].cap * sizeof(uint32_t);
    b += (size_t)(f->thread_changes_cap + f->object_events_cap) * sizeof(trace_fold_seqs);
    b += (f->captions.cap + f->prints.cap) * sizeof(uint32_t);
    b += f->lines_cap * sizeof *f->lines;
    return b;
}

/* ------------------------------------------------------------------ */
/* Dump                                                                */

static void dump_str(strbuf *out, const trace_log *log, uint32_t idx) {
    size_t n;
    const char *s = trace_log_string(log, idx, &n);
    sb_putc(out, '\'');
    for (size_t i = 0; s && i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '\n') sb_puts(out, "\\n");
        else if (c < 0x20) sb_printf(out, "\\x%02x", c);
        else sb_putc(out, (char)c);
    }
    sb_putc(out, '\'');
}

static void dump_list(strbuf *out, const trace_fold_list *l, const trace_log *log) {
    sb_putc(out, '[');
    for (uint32_t i = 0; i < l->n; i++) {
        if (i) sb_putc(out, ' ');
        if (log) dump_str(out, log, trace_fold_list_at(l, i));
        else sb_printf(out, "%u", trace_fold_list_at(l, i));
    }
    sb_putc(out, ']');
}

static void dump_seq(strbuf *out, const char *name, uint32_t seq) {
    if (seq == TRACE_FOLD_NONE) sb_printf(out, " %s -", name);
    else sb_printf(out, " %s %u", name, seq);
}

void trace_fold_state_dump(const trace_fold_state *s, const trace_log *log, strbuf *out) {
    sb_printf(out, "pos %zu t %lld", s->pos, (long long)s->t);
    dump_seq(out, "caption", s->caption);
    dump_seq(out, "deadlock", s->deadlock);
    dump_seq(out, "run_end", s->run_end);
    sb_printf(out, " prints %u\ncores", s->nprints);
    for (uint32_t i = 0; i < s->ncores; i++) sb_printf(out, " %d", s->cores[i]);
    sb_putc(out, '\n');
    for (uint32_t i = 0; i < s->nprocs; i++) {
        const trace_fold_proc *p = &s->procs[i];
        sb_printf(out, "proc %u pid %d parent %d ", i, p->pid, p->parent);
        dump_str(out, log, p->name);
        sb_printf(out, " started %d exited %d exitcode %d gil %d drop %d waiters ", p->started, p->exited,
                  p->exitcode, p->gil_holder, p->gil_drop_request);
        dump_list(out, &p->gil_waiters, NULL);
        sb_putc(out, '\n');
    }
    for (uint32_t i = 0; i < s->nthreads; i++) {
        const trace_fold_thread *th = &s->threads[i];
        sb_printf(out, "thread %u tid %d pid %d ", i, th->tid, th->pid);
        dump_str(out, log, th->name);
        sb_printf(out, " %s core %d wait %d what ",
                  th->state < TS_COUNT ? trace_state_name((trace_state)th->state) : "?", th->core,
                  th->wait_obj);
        dump_str(out, log, th->what);
        sb_printf(out, " line %u since %lld@%u last %u gil %d\n", th->line, (long long)th->since_t,
                  th->since_seq, th->last_seq, th->has_gil);
    }
    for (uint32_t i = 0; i < s->nobjects; i++) {
        const trace_fold_object *ob = &s->objects[i];
        sb_printf(out, "object %u id %d %s ", i, ob->id,
                  ob->type >= 0 && ob->type < TO_COUNT ? trace_obj_type_name((trace_obj_type)ob->type) : "?");
        dump_str(out, log, ob->label);
        sb_printf(out, " owner %d depth %d count %d flag %d broken %d put %u get %u waiters ", ob->owner,
                  ob->depth, ob->count, ob->flag, ob->broken, ob->nput, ob->nget);
        dump_list(out, &ob->waiters, NULL);
        sb_puts(out, " items ");
        dump_list(out, &ob->items, ob->type == TO_VALUE || ob->type == TO_ARRAY ? NULL : log);
        if (ob->jobs.n) {
            sb_puts(out, " jobs ");
            dump_list(out, &ob->jobs, NULL);
            sb_puts(out, " phases ");
            dump_list(out, &ob->phases, NULL);
            sb_puts(out, " workers ");
            dump_list(out, &ob->workers, NULL);
        }
        sb_putc(out, '\n');
    }
}
