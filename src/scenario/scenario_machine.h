/* scenario_machine.h - from a scenario to the simulated machine that runs
 * it: its compiled program, its sim_config and its trace header, and back
 * from a trace's header to the same machine, to rebuild a moment of a
 * recorded run (every thread's frames, which the trace does not hold). */
#ifndef CONCVIZ_SCENARIO_MACHINE_H
#define CONCVIZ_SCENARIO_MACHINE_H

#include "lang/lang.h"
#include "lang/strbuf.h"
#include "scenario/scenario.h"
#include "sim/sim.h"
#include "sim/sim_snapshot.h"
#include "trace/trace.h"

/* The scenario's program, compiled; NULL after adding the compile error
 * (with its line and column) to d, or if sc has no program. */
lang_program *scenario_machine_compile(const scenario *sc, scenario_diag *d);
/* The machine the scenario asks for (sim_config_default for the rest). */
void scenario_machine_config(const scenario *sc, sim_config *cfg);
/* The trace header for a run of sc on cfg; its strings are borrowed from
 * sc and from static tables. */
void scenario_machine_header(const scenario *sc, const sim_config *cfg, trace_header *h);

/* Every thread's frames after the first pos events of the trace 'played',
 * rebuilt by running the program in its header (the scenario's full text)
 * again on the machine and seed it names. The re-run must give the same
 * first pos events; if it does not (a trace from another version of
 * concviz, or edited by hand) or there is no program, returns NULL with the
 * reason in err. The caller frees the snapshot. */
sim_snapshot *scenario_machine_snapshot(const trace_log *played, size_t pos, strbuf *err);

#endif
