/* trace.h - the event trace: the single source of truth that the TUI, the
 * recorder, the exporters and `run --events` all read.
 *
 * A trace is an append-only array of compact fixed-size events plus a table
 * of interned strings. Every event has a kind, a virtual time in
 * nanoseconds, its sequence number (its index), and the process, thread and
 * object it concerns; the meaning of the small integer fields a and b and of
 * the text depends on the kind (see TRACE_KINDS). The schema is versioned by
 * TRACE_FORMAT_VERSION and documented for users in docs/trace-format.md.
 */
#ifndef CONCVIZ_TRACE_H
#define CONCVIZ_TRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define TRACE_FORMAT_VERSION 1

/* X(name, json name, name of field a, name of field b, name of text, doc)
 * A field named "-" is unused by that kind. */
#define TRACE_KINDS(X) \
    X(PROC_NEW,     "proc_new",     "parent",  "-",      "name",   "a process exists (not yet running)") \
    X(PROC_START,   "proc_start",   "-",       "-",      "-",      "the process begins running its code") \
    X(PROC_EXIT,    "proc_exit",    "exitcode","-",      "-",      "the process has ended") \
    X(THREAD_NEW,   "thread_new",   "daemon",  "-",      "name",   "a thread object exists in a process") \
    X(THREAD_STATE, "thread_state", "state",   "core",   "what",   "a thread changes state (see TRACE_STATES); obj is what it waits for") \
    X(GIL_REQUEST,  "gil_request",  "-",       "-",      "-",      "a thread starts waiting for its process's GIL") \
    X(GIL_DROP_REQUEST, "gil_drop_request", "-", "-",    "-",      "a waiter asks the GIL holder to drop it (switch interval expired)") \
    X(GIL_TAKE,     "gil_take",     "-",       "-",      "-",      "a thread takes its process's GIL") \
    X(GIL_DROP,     "gil_drop",     "reason",  "-",      "-",      "a thread drops the GIL (see TRACE_GIL_REASONS)") \
    X(OBJ_NEW,      "obj_new",      "type",    "value",  "label",  "a synchronisation or communication object is created (see TRACE_OBJ_TYPES)") \
    X(SYNC_OP,      "sync_op",      "op",      "result", "detail", "an operation on a lock, semaphore, condition, event or barrier (see TRACE_OPS)") \
    X(QUEUE_PUT,    "queue_put",    "len",     "-",      "item",   "an item enters a queue; len is the queue length after") \
    X(QUEUE_GET,    "queue_get",    "len",     "-",      "item",   "an item leaves a queue; len is the queue length after") \
    X(PRINT,        "print",        "fd",      "-",      "text",   "the program writes text to stdout (fd 1) or stderr (fd 2)") \
    X(POOL_TASK,    "pool_task",    "phase",   "worker", "task",   "a pool task moves on (see TRACE_POOL_PHASES); worker is the worker's pid, obj the pool") \
    X(CAPTION,      "caption",      "-",       "-",      "text",   "a caption: concviz.note() or a scenario caption") \
    X(DEADLOCK,     "deadlock",     "-",       "-",      "report", "every live thread is blocked and nothing can wake one") \
    X(RUN_END,      "run_end",      "status",  "-",      "reason", "the run is over; status is concviz run's exit status")

typedef enum trace_kind {
#define TRACE_KIND_ENUM(name, json, a, b, text, doc) TRACE_##name,
    TRACE_KINDS(TRACE_KIND_ENUM)
#undef TRACE_KIND_ENUM
    TRACE_KIND_COUNT
} trace_kind;

/* Thread states (THREAD_STATE.a). */
#define TRACE_STATES(X) \
    X(NEW,      "new",      "created, not started") \
    X(READY,    "ready",    "runnable, waiting for a CPU core") \
    X(GIL_WAIT, "gil_wait", "runnable, waiting for the GIL") \
    X(RUNNING,  "running",  "running on core b") \
    X(BLOCKED,  "blocked",  "waiting for obj (a lock, queue, join...)") \
    X(SLEEPING, "sleeping", "in time.sleep() or concviz.io()") \
    X(FINISHED, "finished", "its run() returned or raised")

typedef enum trace_state {
#define TRACE_STATE_ENUM(name, json, doc) TS_##name,
    TRACE_STATES(TRACE_STATE_ENUM)
#undef TRACE_STATE_ENUM
    TS_COUNT
} trace_state;

/* Why the GIL was dropped (GIL_DROP.a). */
#define TRACE_GIL_REASONS(X) \
    X(BLOCKING, "blocking", "a blocking call (sleep, lock wait, I/O) releases it") \
    X(FORCED,   "forced",   "a drop request after the switch interval") \
    X(TICKS,    "ticks",    "the old GIL's 100-tick check") \
    X(EXIT,     "exit",     "the thread ended")

typedef enum trace_gil_reason {
#define TRACE_GIL_ENUM(name, json, doc) TG_##name,
    TRACE_GIL_REASONS(TRACE_GIL_ENUM)
#undef TRACE_GIL_ENUM
    TG_COUNT
} trace_gil_reason;

/* Object types (OBJ_NEW.a). */
#define TRACE_OBJ_TYPES(X) \
    X(LOCK,      "lock") \
    X(RLOCK,     "rlock") \
    X(SEMAPHORE, "semaphore") \
    X(BSEMAPHORE,"bounded_semaphore") \
    X(CONDITION, "condition") \
    X(EVENT,     "event") \
    X(BARRIER,   "barrier") \
    X(QUEUE,     "queue") \
    X(PIPE,      "pipe") \
    X(POOL,      "pool") \
    X(VALUE,     "value") \
    X(ARRAY,     "array") \
    X(MANAGER,   "manager")

typedef enum trace_obj_type {
#define TRACE_OBJ_ENUM(name, json) TO_##name,
    TRACE_OBJ_TYPES(TRACE_OBJ_ENUM)
#undef TRACE_OBJ_ENUM
    TO_COUNT
} trace_obj_type;

/* Operations (SYNC_OP.a); result (b) is 1 success, 0 failure/timeout,
 * 2 blocked (the thread now waits). */
#define TRACE_OPS(X) \
    X(ACQUIRE,  "acquire") \
    X(RELEASE,  "release") \
    X(WAIT,     "wait") \
    X(NOTIFY,   "notify") \
    X(SET,      "set") \
    X(CLEAR,    "clear") \
    X(ABORT,    "abort") \
    X(JOIN,     "join")

typedef enum trace_op {
#define TRACE_OP_ENUM(name, json) TOP_##name,
    TRACE_OPS(TRACE_OP_ENUM)
#undef TRACE_OP_ENUM
    TOP_COUNT
} trace_op;

enum { TRACE_RESULT_FAIL = 0, TRACE_RESULT_OK = 1, TRACE_RESULT_BLOCKED = 2 };

/* Phases of a pool task (POOL_TASK.a). */
#define TRACE_POOL_PHASES(X) \
    X(SUBMITTED, "submitted", "the parent put the task on the pool's task queue") \
    X(STARTED,   "started",   "a worker took the task and runs it") \
    X(FINISHED,  "finished",  "the worker finished it and sends the result") \
    X(DELIVERED, "delivered", "the parent's result handler received the result") \
    X(CALLBACK,  "callback",  "the result handler runs the task's callback")

typedef enum trace_pool_phase {
#define TRACE_POOL_ENUM(name, json, doc) TP_##name,
    TRACE_POOL_PHASES(TRACE_POOL_ENUM)
#undef TRACE_POOL_ENUM
    TP_COUNT
} trace_pool_phase;

/* One event: 40 bytes. pid/tid/obj are -1 where they do not apply; text is
 * an index into the trace's string table (0 = no text). */
typedef struct trace_event {
    int64_t t;        /* virtual time, ns since the start of the run */
    uint16_t kind;    /* trace_kind */
    uint16_t line;    /* program line the acting thread is at (0: none) */
    int32_t pid;      /* simulated process id */
    int32_t tid;      /* thread id: small, unique in the run (not the Python ident) */
    int32_t obj;      /* object id: small, unique in the run */
    int32_t a, b;     /* kind-specific, see TRACE_KINDS */
    uint32_t text;    /* string table index */
} trace_event;

/* The run's header: what produced the events. Strings are owned by the log. */
typedef struct trace_header {
    char *title;
    char *filename;
    char *source;        /* the scenario file's full text */
    int cores;
    char *start_method;  /* "fork", "spawn", "forkserver" */
    char *gil;           /* "new", "old", "none" */
    int64_t switch_interval_ns;
    uint64_t seed;
} trace_header;

/* An in-memory trace. */
typedef struct trace_log trace_log;

trace_log *trace_log_new(void);
void trace_log_free(trace_log *log);
/* Copies every string of h into the log. */
void trace_log_set_header(trace_log *log, const trace_header *h);
const trace_header *trace_log_header(const trace_log *log);
/* Interns text (len bytes, UTF-8) and returns its index; identical texts
 * share one index. Index 0 is the empty string. */
uint32_t trace_log_intern(trace_log *log, const char *text, size_t len);
const char *trace_log_string(const trace_log *log, uint32_t index, size_t *len);
/* Appends an event; returns its sequence number. */
uint64_t trace_log_add(trace_log *log, const trace_event *ev);
size_t trace_log_count(const trace_log *log);
const trace_event *trace_log_get(const trace_log *log, size_t seq);

/* Names for the enums (static strings). */
const char *trace_kind_name(trace_kind k);
const char *trace_state_name(trace_state s);
const char *trace_gil_reason_name(trace_gil_reason r);
const char *trace_obj_type_name(trace_obj_type t);
const char *trace_op_name(trace_op op);
const char *trace_pool_phase_name(trace_pool_phase p);

/* Writes the whole log as JSON Lines (header line, then one event a line). */
bool trace_write_jsonl(const trace_log *log, FILE *out);
/* Writes the readable timeline of `concviz run --events`. */
void trace_write_timeline(const trace_log *log, FILE *out);

/* Reads a JSON Lines trace (docs/trace-format.md) as written by
 * trace_write_jsonl (trace_read.c). 'name' is the file name used in
 * messages. Returns a new log (the caller frees it), or NULL with a
 * "NAME:LINE:COL: message" in err (errlen bytes, always NUL-terminated).
 * Events of kinds this version does not know by name are skipped. */
trace_log *trace_read_jsonl(FILE *in, const char *name, char *err, size_t errlen);

#endif
