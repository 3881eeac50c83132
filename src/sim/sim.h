/* sim.h - the simulated machine: runs a compiled program on virtual cores,
 * with processes, threads, GILs and synchronisation, and records every
 * change as a trace event. Same program, config and seed: same trace. */
#ifndef CONCVIZ_SIM_H
#define CONCVIZ_SIM_H

#include <stdint.h>

#include "lang/lang.h"
#include "trace/trace.h"

/* concviz run's exit statuses beyond the program's own. */
enum {
    SIM_EXIT_DEADLOCK = 3,   /* every live thread blocked, nothing can wake one */
    SIM_EXIT_TIME_LIMIT = 4, /* virtual time passed --max-time */
    SIM_EXIT_LIMIT = 5       /* too many processes or threads */
};

typedef enum sim_start_method { SIM_FORK, SIM_SPAWN, SIM_FORKSERVER } sim_start_method;
typedef enum sim_gil_model { SIM_GIL_NEW, SIM_GIL_OLD, SIM_GIL_NONE } sim_gil_model;

typedef struct sim_config {
    int cores;                  /* os.cpu_count(); 1..64 */
    sim_start_method start_method;
    sim_gil_model gil;
    int64_t switch_interval_ns; /* sys.getswitchinterval() */
    uint64_t seed;
    int64_t max_time_ns;        /* stop the run after this much virtual time */
    int max_processes;
    int max_threads;
    int64_t op_cost_ps;         /* virtual time per bytecode in ps (0: VM_DEFAULT_OP_COST_PS) */
    /* program output; NULL writes to the real stdout/stderr */
    lang_write_fn write;
    void *write_ctx;
} sim_config;

/* Fills defaults: 4 cores, fork, new GIL, 5 ms, seed 0, 600 s, 64 processes,
 * 1000 threads, default op cost. */
void sim_config_default(sim_config *cfg);

typedef struct sim sim;

/* The trace log (may be NULL to record nothing) is borrowed, not owned. */
sim *sim_new(const lang_program *prog, const sim_config *cfg, trace_log *log);
/* Runs to the end; returns the exit status (the main process's, or SIM_EXIT_*). */
int sim_run(sim *s);
/* Runs a part of the run, for a viewer that plays while the machine goes
 * on: until the trace holds at least nevents events (0: no such limit) or
 * after max_steps scheduling steps (each a slice of one thread's bytecodes
 * or one timed event), or to the end. Returns true once the run is over
 * (then sim_exit_status tells how). Many calls give the same trace as one
 * sim_run. */
bool sim_run_some(sim *s, size_t nevents, uint64_t max_steps);
int sim_exit_status(const sim *s);
/* The machine's virtual time so far (ns). */
int64_t sim_virtual_time(const sim *s);
/* Why the run ended, for messages ("deadlock at t=2.000s: ..."); static or owned by s. */
const char *sim_end_message(const sim *s);
void sim_free(sim *s);





#endif
