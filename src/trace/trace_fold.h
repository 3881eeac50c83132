/* trace_fold.h - "the state after event N" of a trace, as a fold over its
 * events, with a checkpoint every K events so that any seek (forwards,
 * backwards, a jump) costs one restore plus at most K applied events.
 *
 * The fold also builds, in the same single pass, the indexes a player needs
 * that grow with the trace rather than with the state: each thread's state
 * changes (the timeline strips), each object's events (its history), the
 * output lines, the captions. A state only holds what is true at its
 * position, so a checkpoint stays small.
 *
 * The fold borrows the log: the log must outlive it and events must only be
 * appended. It tolerates anything a (possibly hand-written or newer) trace
 * holds: unknown kinds, unknown ids, out-of-order names. Nothing here knows
 * about curses.
 *
 * Slots: processes, threads and objects are numbered in the order their
 * proc_new / thread_new / obj_new events appear ("slots"); a slot number is
 * the same in every state. A state at position N has the first nprocs /
 * nthreads / nobjects slots. */
#ifndef CONCVIZ_TRACE_FOLD_H
#define CONCVIZ_TRACE_FOLD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lang/strbuf.h"
#include "trace/trace.h"

/* A sequence number that refers to no event. */
#define TRACE_FOLD_NONE UINT32_MAX
/* Checkpoint spacing used when trace_fold_new is given 0. */
#define TRACE_FOLD_DEFAULT_EVERY 4096
/* Cores beyond this index in an event are ignored (garbage protection). */
#define TRACE_FOLD_MAX_CORES 256

/* An ordered list of 32-bit values (slots or string indexes), oldest first:
 * the live items are v[head .. head+n). */
typedef struct trace_fold_list {
    uint32_t *v;
    uint32_t head, n, cap;
} trace_fold_list;

static inline uint32_t trace_fold_list_at(const trace_fold_list *l, uint32_t i) {
    return l->v[l->head + i];
}

typedef struct trace_fold_proc {
    /* from proc_new */
    int32_t pid, parent;
    uint32_t name;            /* string index */
    uint32_t seq_new;
    /* at the cursor */
    bool started, exited;
    int32_t exitcode;
    int32_t gil_holder;       /* thread slot, -1 = free */
    int32_t gil_drop_request; /* thread slot that asked the holder to drop it, -1 */
    trace_fold_list gil_waiters; /* thread slots, in request order */
} trace_fold_proc;

typedef struct trace_fold_thread {
    /* from thread_new */
    int32_t tid, pid;
    int32_t proc;             /* process slot, -1 if its process is unknown */
    uint32_t name;
    bool daemon;
    uint32_t seq_new;
    /* at the cursor */
    uint8_t state;            /* trace_state */
    bool has_gil;
    uint16_t line;            /* program line of its latest event (0: none yet) */
    int32_t core;             /* when running, else -1 */
    int32_t wait_obj;         /* object slot it is blocked on, -1 */
    uint32_t what;            /* string: what it waits for or does */
    int64_t since_t;          /* when it entered its state */
    uint32_t since_seq;       /* the thread_state event that did, or seq_new */
    uint32_t last_seq;        /* its latest event */
} trace_fold_thread;

typedef struct trace_fold_object {
    /* from obj_new */
    int32_t id, type, value0; /* type: trace_obj_type (or a newer value) */
    int32_t pid, creator;     /* creator: thread slot, -1 */
    uint32_t label;
    uint32_t seq_new;
    /* at the cursor */
    int32_t owner;            /* locks: thread slot holding it, -1 */
    int32_t depth;            /* rlocks: recursion level */
    int32_t count;            /* semaphores: the counter (starts at value0) */
    bool flag;                /* events: set */
    bool broken;              /* barriers: aborted */
    uint32_t nput, nget;      /* queue operations so far */
    uint32_t last_seq;        /* its latest event */
    trace_fold_list waiters;  /* thread slots blocked on it, in arrival order */
    /* queues, pipes, managers: string indexes of the items (messages) in
       flight, oldest first; pools: every task's description, in submission
       order; values and arrays: per element, the seq of the event that
       wrote it (its text says what was written) */
    trace_fold_list items;
    /* pools, per task (parallel to items): its job number, its phase
       (trace_pool_phase) and the pid of its worker (0: none yet) */
    trace_fold_list jobs, phases, workers;
} trace_fold_object;

/* The state after the first 'pos' events. */
typedef struct trace_fold_state {
    size_t pos;               /* events applied */
    int64_t t;                /* time of the latest event (0 before any) */
    uint32_t caption;         /* latest caption event, or TRACE_FOLD_NONE */
    uint32_t deadlock;        /* the deadlock event, if applied */
    uint32_t run_end;         /* the run_end event, if applied */
    uint32_t nprints;         /* print events applied */
    uint32_t nprocs, nthreads, nobjects, ncores;
    trace_fold_proc *procs;
    trace_fold_thread *threads;
    trace_fold_object *objects;
    int32_t *cores;           /* thread slot per core, -1 = idle */
    uint32_t procs_cap, threads_cap, objects_cap, cores_cap;
} trace_fold_state;

/* One line of the program's output (a print's text split at '\n'). */
typedef struct trace_fold_line {
    uint32_t seq;             /* the print event */
    uint32_t text;            /* its string index */
    uint32_t off, len;        /* the line's bytes inside the text, no '\n' */
} trace_fold_line;

/* An ordered array of event sequence numbers. */
typedef struct trace_fold_seqs {
    uint32_t *v;
    size_t n, cap;
} trace_fold_seqs;

typedef struct trace_fold trace_fold;

/* Indexes the whole log (one pass) and puts the cursor at 0. every = 0
 * means TRACE_FOLD_DEFAULT_EVERY. The caller frees with trace_fold_free. */
trace_fold *trace_fold_new(const trace_log *log, size_t every);
void trace_fold_free(trace_fold *f);
/* Indexes events appended to the log since the last call. */
void trace_fold_sync(trace_fold *f);
/* Events indexed (the largest position a seek can reach). */
size_t trace_fold_count(const trace_fold *f);
const trace_log *trace_fold_log(const trace_fold *f);

/* Moves the cursor to pos (clamped to the count): the state after the first
 * pos events. Returns the state (owned by f, valid until the next call). */
const trace_fold_state *trace_fold_seek(trace_fold *f, size_t pos);
const trace_fold_state *trace_fold_current(const trace_fold *f);

/* Slot of a pid / tid / object id, -1 if none (whether or not it exists at
 * the cursor: compare with the state's counts). */
int32_t trace_fold_proc_slot(const trace_fold *f, int32_t pid);
int32_t trace_fold_thread_slot(const trace_fold *f, int32_t tid);
int32_t trace_fold_object_slot(const trace_fold *f, int32_t id);

/* Indexes. Every array is ordered by sequence number. */
/* The thread_state events of a thread slot (NULL when out of range). */
const trace_fold_seqs *trace_fold_thread_changes(const trace_fold *f, int32_t thread);
/* Every event that names an object slot (its obj_new, operations, waits). */
const trace_fold_seqs *trace_fold_object_events(const trace_fold *f, int32_t object);
const trace_fold_seqs *trace_fold_captions(const trace_fold *f);
const trace_fold_seqs *trace_fold_prints(const trace_fold *f);
/* The output lines; *n gets how many. */
const trace_fold_line *trace_fold_lines(const trace_fold *f, size_t *n);
/* How many output lines belong to the first pos events. */
size_t trace_fold_lines_before(const trace_fold *f, size_t pos);
/* The state (trace_state) of a thread at time t, counting the events before
 * position pos only; TS_NEW before its first change. */
int trace_fold_thread_state_at(const trace_fold *f, int32_t thread, int64_t t, size_t pos);

/* Helpers on index arrays: the number of entries < seq (a lower bound). */
size_t trace_fold_seqs_before(const trace_fold_seqs *s, size_t seq);
/* The number of events whose time is <= t. */
size_t trace_fold_pos_at_time(const trace_fold *f, int64_t t);

/* Serialises a state canonically: equal states give equal bytes. Used for
 * checkpoints and by the tests. */
void trace_fold_state_encode(const trace_fold_state *s, strbuf *out);
/* Appends a readable dump of a state (one fact per line) for tests and
 * debugging. */
void trace_fold_state_dump(const trace_fold_state *s, const trace_log *log, strbuf *out);

/* Bytes the fold holds (indexes, checkpoints, states), for the benchmarks. */
size_t trace_fold_bytes(const trace_fold *f);

#endif
