/* sim_snapshot.h - every thread's call stack and local variables at one
 * moment of a run: "after event N".
 *
 * The trace records what threads do, not their frames (that would multiply
 * its size). Since a run is deterministic, the frames at any moment are
 * rebuilt on demand instead: the machine runs the same program with the
 * same config and seed again, and at the moment its trace holds N events it
 * copies every thread's frames out as text and stops. The copy is plain
 * data (strings), so it outlives the machine that made it. */
#ifndef CONCVIZ_SIM_SNAPSHOT_H
#define CONCVIZ_SIM_SNAPSHOT_H

#include <stdbool.h>
#include <stddef.h>

#include "sim/sim.h"

/* A variable and its repr (user __repr__ methods are not run: a snapshot
 * must not change the run, so instances show as <Class object at ...>). */
typedef struct sim_snapshot_var {
    char *name;
    char *repr;    /* cut to SIM_SNAPSHOT_REPR_MAX bytes, ending "..." */
} sim_snapshot_var;

enum { SIM_SNAPSHOT_REPR_MAX = 160 };

/* One frame of the program's code. The machine's own helpers (pool
 * workers' loops, Thread bootstrap) are left out, as sim_thread_line
 * leaves them out of "the line a thread is at". */
typedef struct sim_snapshot_frame {
    char *function;   /* qualified name: "worker", "Account.deposit", "<module>" */
    int line;         /* the line it is at (for outer frames: the call) */
    sim_snapshot_var *vars; /* locals in slot order; a module frame: its globals
                               that are data (not modules, functions, classes) */
    size_t nvars;
} sim_snapshot_frame;

typedef struct sim_snapshot_thread {
    int pid, tid;
    char *name;
    sim_snapshot_frame *frames; /* innermost first */
    size_t nframes;
} sim_snapshot_thread;

typedef struct sim_snapshot {
    size_t at;                  /* the trace held this many events */
    sim_snapshot_thread *threads; /* every thread created so far, by tid order */
    size_t nthreads;
} sim_snapshot;

/* Runs prog with cfg until its trace holds n events and returns the
 * snapshot then (n = 0: before anything ran, no threads). The events go to
 * log (borrowed; the caller may compare them with the trace it plays).
 * NULL if the run ends with fewer than n events. Program output is dropped
 * unless cfg->write says otherwise. */
sim_snapshot *sim_snapshot_at(const lang_program *prog, const sim_config *cfg, size_t n, trace_log *log);
/* The thread with trace id tid, or NULL. */
const sim_snapshot_thread *sim_snapshot_thread_of(const sim_snapshot *snap, int tid);
void sim_snapshot_free(sim_snapshot *snap);

#endif
