/* sim_internal.h - the simulated machine's own structures, shared by the
 * files of src/sim (engine, GIL, threads, processes, primitives). */
#ifndef CONCVIZ_SIM_INTERNAL_H
#define CONCVIZ_SIM_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "lang/natives.h"
#include "lang/vm.h"
#include "sim/sim.h"
#include "trace/trace.h"

typedef struct sim_thread sim_thread;
typedef struct sim_proc sim_proc;

/* A FIFO of threads (waiters, run queue). Does not own the threads. */
typedef struct sim_tlist {
    sim_thread **items;
    int n, cap;
} sim_tlist;

void sim_tlist_push(sim_tlist *l, sim_thread *t);
sim_thread *sim_tlist_pop(sim_tlist *l);
bool sim_tlist_remove(sim_tlist *l, sim_thread *t);
bool sim_tlist_contains(const sim_tlist *l, const sim_thread *t);
void sim_tlist_free(sim_tlist *l);

/* One GIL per process. */
typedef struct sim_gil {
    sim_thread *holder;
    sim_tlist waiters;
    bool drop_request;
    uint64_t switch_number;   /* takes so far: a drop request is stale if it changed */
    int64_t ticks_at_take;    /* old model: the holder's tick count when it took it */
} sim_gil;

/* Called when a blocked thread's deadline passes (it is still a waiter). */
typedef void (*sim_timeout_fn)(sim_thread *st);

/* Why a thread's slice ended, kept until its core is the earliest. */
typedef enum sim_outcome { OUT_NONE, OUT_DONE } sim_outcome;

struct sim_thread {
    sim *s;
    sim_proc *proc;
    vm_thread *vt;
    int tid;                  /* trace id, unique in the run */
    int64_t ident;            /* threading.get_ident() */
    int native_id;
    char *name;
    bool daemon;
    bool is_main;
    bool started;
    bool internal;            /* a helper thread of the machine (not user code) */
    int feeder_of;            /* a QueueFeederThread: its queue's object id (else 0) */
    trace_state state;
    int core;                 /* while RUNNING */
    /* blocking */
    int wait_obj;             /* trace object id waited for, or -1 */
    const char *wait_what;    /* static text: "lock.acquire()" */
    sim_timeout_fn on_timeout;
    void *wait_data;          /* the primitive's record of this wait */
    uint64_t timer_gen;       /* bumps when a wait ends: stale timers do nothing */
    int64_t deadline;         /* absolute, or -1 */
    bool timed_out;           /* set before a rewound call is retried after its deadline */
    int phase;                /* a primitive's progress across retries (Condition.wait) */
    int retry_obj;            /* the object whose blocked call will run again (rewind) */
    int64_t retry_deadline;   /* its original deadline, kept across retries */
    int64_t saved_count;      /* RLock recursion count saved by Condition.wait */
    /* CPU and GIL */
    bool has_gil;
    int64_t cpu_left_ns;      /* concviz.cpu() work still to do */
    int64_t slice_end;        /* end of the OS time slice while on a core */
    sim_outcome pending;      /* an outcome to handle once this core is the earliest */
    value pyobj;              /* the threading.Thread object, or VT_UNDEF */
    sim_tlist joiners;        /* threads blocked in join() on this one */
    sim_thread *start_waiter; /* the thread blocked in start() until we run */
    int shutdown_phase;       /* main thread: 0 running code, 1 joining threads, 2 joining children */
    value exc;                /* the exception the thread ended with */
};

struct sim_proc {
    sim *s;
    int pid;
    int index;                /* position in s->procs */
    char *name;               /* "MainProcess", "Process-1", "ForkPoolWorker-2" */
    char *identity;           /* "" for main, "1", "3:1" */
    sim_proc *parent;
    vm *vm;
    sim_gil gil;
    bool started, running, exited;
    int exitcode;
    bool daemon;
    bool terminated;          /* terminate()/kill() asked */
    sim_thread **threads;
    int nthreads, threads_cap;
    sim_thread *main;
    int child_counter;        /* multiprocessing's _children counter (Process-N) */
    int thread_counter;       /* threading's _counter (Thread-N) */
    sim_tlist joiners;        /* threads (of the parent) in Process.join() */
    value *roots;             /* engine-held values of this heap (GC roots) */
    int nroots, roots_cap;
    value pyobj;              /* current_process() in this process */
    value parent_obj;         /* the Process object in the parent's heap */
    int forks_done;           /* the first fork of an interpreter costs more */
    bool internal;            /* a process of the machine (pool worker, manager) */
    bool spawn_pending;       /* spawn: importing __mp_main__ before run() */
    /* spawn: what runs once the import is done, instead of unpickling the
       Process object (a pool worker's loop); true if it started */
    bool (*after_import)(sim_thread *main, void *data);
    void *after_import_data;
    value spawn_source;       /* the Process object to unpickle (in spawn_source_proc) */
    sim_proc *spawn_source_proc;
    dict_obj *prelude_globals; /* the machine's Python helpers in this process */
    void (*on_exit)(sim_proc *p, void *data); /* told when the process has exited */
    int64_t fork_busy_until;  /* children are started one after another */
    void *on_exit_data;
};

typedef struct sim_event sim_event;
typedef void (*sim_event_fn)(sim *s, sim_event *e);

struct sim_event {
    int64_t t;
    uint64_t seq;
    sim_event_fn fn;
    sim_thread *th;
    sim_proc *proc;
    uint64_t gen;
    int64_t arg;
};

struct sim {
    sim_config cfg;
    const lang_program *prog;
    trace_log *log;
    sim_event *heap;
    size_t nheap, heap_cap;
    uint64_t next_seq;
    int64_t now;              /* the frontier: nothing will happen before it */
    int64_t lookahead_ns;
    sim_thread **cores;
    sim_tlist runq;
    sim_proc **procs;
    int nprocs, procs_cap;
    sim_thread **threads;
    int nthreads, threads_cap;
    int next_pid;
    int next_obj;
    int64_t next_ident;
    bool finished;
    int exit_status;
    char *end_message;
    uint64_t events_handled;
    void *owned;              /* payloads the machine frees (sim_own) */
    size_t nowned, owned_cap;
    sim_thread *current;      /* the thread whose slice is running */
    int start_method;         /* multiprocessing's chosen method (once set) */
    bool start_method_set;
    int forkserver_up;        /* processes started through the fork server */
    vm *holding;              /* pickled values in transit (sim_copy.c) */
    vm_thread *holding_thread;
    lang_program *prelude;    /* the machine's own Python helpers (sim_prelude.c) */
    /* sim_snapshot_at: once the trace holds snap_at events, the frames are
       copied into snap and the run stops */
    size_t snap_at;
    struct sim_snapshot *snap;
    bool started;             /* the main process exists (sim_run / sim_run_some) */
};

/* ---- engine (sim_engine.c) ---- */
void sim_schedule(sim *s, int64_t t, sim_event_fn fn, sim_thread *th, sim_proc *proc, uint64_t gen, int64_t arg);
/* The time at which st acts now: its clock while it runs, else the frontier. */
int64_t sim_time_of(const sim_thread *st);
/* Trace helpers: the event is stamped with the frontier time. */
void sim_emit(sim *s, trace_kind kind, int pid, int tid, int objid, int a, int b, const char *text, size_t len);
int sim_new_object(sim *s, sim_thread *st, trace_obj_type type, int value, const char *label);
/* The one place scheduling choices are made: which of n candidates goes
 * next (run queue, GIL hand-off, which waiter wakes). Returns an index. */
typedef enum sim_choice { SIM_PICK_CORE, SIM_PICK_GIL, SIM_PICK_WAITER } sim_choice;
int sim_policy_pick(sim *s, sim_choice what, sim_thread *const *candidates, int n);
void sim_finish(sim *s, int status, const char *message);

/* ---- snapshots (sim_snapshot.c) ---- */
struct sim_snapshot *sim_snapshot_capture(sim *s);

/* ---- threads (sim_thread.c) ---- */
sim_thread *sim_thread_new(sim_proc *p, const char *name, bool is_main);
void sim_thread_set_state(sim_thread *st, trace_state state, int objid, const char *what);
/* Makes a blocked/new thread runnable: it asks for its GIL, then a core. */
void sim_thread_make_runnable(sim_thread *st);
/* Blocks the running thread st (whose native returned VM_BLOCK) on obj. */
void sim_thread_block(sim_thread *st, trace_state state, int objid, const char *what, int64_t deadline,
                      sim_timeout_fn on_timeout, void *data);
/* Ends a wait: result is pushed as the blocked call's return value unless the
 * call was rewound; err raises vt->exc instead. */
void sim_thread_wake(sim_thread *st, value result, bool err);
/* Called by the engine when st's code has finished. */
void sim_thread_finished(sim_thread *st);
void sim_thread_free(sim_thread *st);
sim_thread *sim_current(vm_thread *vt);
/* The program line the thread is at (its innermost user frame), 0 if none. */
int sim_thread_line(const sim_thread *st);

/* ---- the GIL (sim_gil.c) ---- */
bool sim_gil_used(const sim_proc *p);
void sim_gil_request(sim_thread *st);
void sim_gil_drop(sim_thread *st, trace_gil_reason why);
/* At a check point (slice start): drops a requested GIL; true if st lost it. */
bool sim_gil_check(sim_thread *st);

/* ---- cores (sim_engine.c) ---- */
void sim_core_release(sim_thread *st);
void sim_runq_add(sim_thread *st);

/* ---- processes (sim_proc.c) ---- */
sim_proc *sim_proc_new(sim *s, sim_proc *parent, const char *name, const char *identity);
void sim_proc_exit(sim_proc *p, int exitcode);
void sim_proc_free(sim_proc *p);
void sim_proc_add_root(sim_proc *p, value v);
/* When a child started now with this start-up cost is ready: a process
 * starts its children one after another. */
int64_t sim_proc_fork_done_at(sim_proc *p, int64_t cost);
/* The event that starts a child's main thread once its start-up cost passed. */
void sim_proc_ready(sim *s, sim_event *e);
/* The main thread finished its code: run the shutdown steps. */
void sim_proc_main_done(sim_thread *main);
/* Re-checks whether a shutting-down main thread may proceed. */
void sim_proc_shutdown_step(sim_proc *p);

/* ---- the machine's Python helpers (sim_prelude.c) ---- */
value sim_prelude_function(sim_proc *p, const char *name);

/* ---- modules provided by the machine ---- */
vm_status sim_module_hook(vm_thread *th, str_obj *name, value *out);
vm_status simmod_threading(vm_thread *th, value *out);
vm_status simmod_queue(vm_thread *th, value *out);
vm_status simmod_multiprocessing(vm_thread *th, value *out);

/* ---- deadlock (sim_deadlock.c) ---- */
/* Describes who holds what and who waits for what (with the cycle). Caller frees. */
char *sim_deadlock_report(sim *s);
/* Primitives register how to find a blocked thread's blocker. */
typedef struct sim_holder_info {
    const char *label;        /* the object's name: "lock_a", "Lock#3" */
    bool is_thread;           /* waiting for a thread or process to end (join) */
    sim_thread *holders[8];
    int nholders;
} sim_holder_info;
/* The wait_data of a thread blocked on a holdable object points at one of
 * these callbacks as its first member, so the report can ask it. */
typedef struct sim_waitable {
    void (*describe)(void *self, sim_holder_info *out);
} sim_waitable;

#endif
