/* fuzz_run.c - libFuzzer target: any bytes as a Python program, compiled
 * and run on the simulated machine for a short virtual time (200 us, a few
 * threads and processes), trace recorded. Mutations of real programs
 * reach the interpreter and the machine with odd values and orders; the run
 * must end in output, a Python exception or a limit, never a crash. */
#include <stddef.h>
#include <stdint.h>

#include "lang/lang.h"
#include "scenario/scenario.h"
#include "scenario/scenario_machine.h"
#include "sim/sim.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size > 16 * 1024) return 0;
    scenario sc;
    scenario_diag d;
    scenario_diag_init(&d);
    scenario_load_mem("fuzz.py", (const char *)data, size, &sc, &d);
    lang_program *p = scenario_machine_compile(&sc, &d);
    if (p) {
        sim_config cfg;
        scenario_machine_config(&sc, &cfg);
        cfg.max_time_ns = 200000;
        cfg.max_threads = 8;
        cfg.max_processes = 4;
        cfg.write = lang_write_nowhere;
        trace_log *log = trace_log_new();
        sim *s = sim_new(p, &cfg, log);
        sim_run(s);
        sim_free(s);
        trace_log_free(log);
        lang_program_free(p);
    }
    scenario_free(&sc);
    scenario_diag_fini(&d);
    return 0;
}
