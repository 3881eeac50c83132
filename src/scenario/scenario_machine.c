/* scenario_machine.c - scenario to machine, and a trace back to its moments
 * (see scenario_machine.h). */
#include "scenario/scenario_machine.h"

#include <stdint.h>
#include <string.h>

static const char *const scenario_machine_methods[] = {"fork", "spawn", "forkserver"};
static const char *const scenario_machine_gils[] = {"new", "old", "none"};

lang_program *scenario_machine_compile(const scenario *sc, scenario_diag *d) {
    if (!sc->program) return NULL;
    lang_origin origin = {sc->filename, sc->program_line, sc->program_indent};
    lang_error e;
    memset(&e, 0, sizeof e);
    lang_program *prog = lang_compile(sc->program, sc->program_len, &origin, &e);
    if (!prog)
        scenario_diag_add(d, e.line > 0 ? e.line : 1, e.col > 0 ? e.col : 1, "%s",
                          e.msg[0] ? e.msg : "the program does not compile");
    return prog;
}

void scenario_machine_config(const scenario *sc, sim_config *cfg) {
    sim_config_default(cfg);
    cfg->cores = sc->cores;
    cfg->start_method = (sim_start_method)sc->start_method;
    cfg->gil = (sim_gil_model)sc->gil;
    cfg->switch_interval_ns = sc->switch_interval_ns;
    cfg->seed = sc->seed;
}

void scenario_machine_header(const scenario *sc, const sim_config *cfg, trace_header *h) {
    memset(h, 0, sizeof *h);
    h->title = sc->title;
    h->filename = sc->filename;
    h->source = sc->source;
    h->cores = cfg->cores;
    h->start_method = (char *)scenario_machine_methods[cfg->start_method];
    h->gil = (char *)scenario_machine_gils[cfg->gil];
    h->switch_interval_ns = cfg->switch_interval_ns;
    h->seed = cfg->seed;
}

/* The index of name in a table of n names, or -1. */
static int scenario_machine_index(const char *const *table, int n, const char *name) {
    for (int i = 0; i < n; i++)
        if (name && strcmp(table[i], name) == 0) return i;
    return -1;
}

/* The header's machine as a sim_config; false if it names an unknown one. */
static bool scenario_machine_from_header(const trace_header *h, sim_config *cfg) {
    sim_config_default(cfg);
    int method = scenario_machine_index(scenario_machine_methods, 3, h->start_method);
    int gil = scenario_machine_index(scenario_machine_gils, 3, h->gil);
    if (method < 0 || gil < 0 || h->cores < 1) return false;
    cfg->cores = h->cores;
    cfg->start_method = (sim_start_method)method;
    cfg->gil = (sim_gil_model)gil;
    cfg->switch_interval_ns = h->switch_interval_ns;
    cfg->seed = h->seed;
    return true;
}

/* Whether two events say the same thing (the text is compared by content:
 * the two logs intern their strings separately). */
static bool scenario_machine_same(const trace_log *la, const trace_event *a, const trace_log *lb,
                                  const trace_event *b) {
    if (a->t != b->t || a->kind != b->kind || a->line != b->line || a->pid != b->pid || a->tid != b->tid ||
        a->obj != b->obj || a->a != b->a || a->b != b->b)
        return false;
    size_t na, nb;
    const char *ta = trace_log_string(la, a->text, &na);
    const char *tb = trace_log_string(lb, b->text, &nb);
    if (!ta || !tb) return ta == tb;
    return na == nb && memcmp(ta, tb, na) == 0;
}

sim_snapshot *scenario_machine_snapshot(const trace_log *played, size_t pos, strbuf *err) {
    const trace_header *h = trace_log_header(played);
    if (!h->source || !h->source[0]) {
        sb_puts(err, "the trace does not hold its program, so its frames cannot be rebuilt");
        return NULL;
    }
    sim_config cfg;
    if (!scenario_machine_from_header(h, &cfg)) {
        sb_puts(err, "the trace names a machine this concviz does not know");
        return NULL;
    }
    scenario sc;
    scenario_diag d;
    scenario_diag_init(&d);
    const char *name = h->filename && h->filename[0] ? h->filename : "trace.yaml";
    lang_program *prog = NULL;
    if (scenario_load_mem(name, h->source, strlen(h->source), &sc, &d) == 0) prog = scenario_machine_compile(&sc, &d);
    scenario_free(&sc);
    scenario_diag_fini(&d);
    if (!prog) {
        sb_puts(err, "the trace's program does not load, so its frames cannot be rebuilt");
        return NULL;
    }
    trace_log *again = trace_log_new();
    sim_snapshot *snap = sim_snapshot_at(prog, &cfg, pos, again);
    lang_program_free(prog);
    size_t differs = SIZE_MAX;
    if (snap)
        for (size_t i = 0; i < pos && differs == SIZE_MAX; i++)
            if (!scenario_machine_same(played, trace_log_get(played, i), again, trace_log_get(again, i))) differs = i;
    trace_log_free(again);
    if (!snap || differs != SIZE_MAX) {
        sim_snapshot_free(snap);
        if (!snap) sb_printf(err, "running the trace's program again ends before event %zu", pos);
        else
            sb_printf(err, "running the trace's program again gives a different event %zu "
                           "(a trace from another version of concviz?)", differs);
        return NULL;
    }
    return snap;
}
