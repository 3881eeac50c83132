/* fuzz_scenario.c - libFuzzer target: any bytes as a YAML scenario and as a
 * bare Python program, through the loader, the lexer, the parser and the
 * compiler (tests/fuzz/run_fuzz.sh builds and runs it). Whatever the input,
 * it must end in a program or in located problems: no crash, no leak, no
 * hang. */
#include <stddef.h>
#include <stdint.h>

#include "lang/lang.h"
#include "scenario/scenario.h"
#include "scenario/scenario_machine.h"

static void fuzz_load(const char *name, const uint8_t *data, size_t size) {
    scenario sc;
    scenario_diag d;
    scenario_diag_init(&d);
    scenario_load_mem(name, (const char *)data, size, &sc, &d);
    lang_program_free(scenario_machine_compile(&sc, &d));
    scenario_free(&sc);
    scenario_diag_fini(&d);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size > 64 * 1024) return 0;
    fuzz_load("fuzz.yaml", data, size);
    fuzz_load("fuzz.py", data, size);
    return 0;
}
