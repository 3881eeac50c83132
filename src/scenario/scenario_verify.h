/* scenario_verify.h - 'concviz verify': runs a scenario's program under
 * CPython (python3) and on the simulated machine and compares their stdout,
 * with process ids mapped; and the expectation check of 'concviz check'
 * (run headless, compare with expect.stdout / expect.exit).
 *
 * The rules:
 *
 * Pids. A *pid token* is a maximal run of ASCII digits that is not part of
 * a word or a decimal number (the characters around it are not letters,
 * digits or '_', and not a '.' next to another digit) and whose value is
 * the pid of a process of that run. The pids of a run are known exactly:
 * under concviz from the trace (every proc_new event); under CPython from a
 * sitecustomize.py that verify puts on the path, which appends os.getpid()
 * to a file at start-up and after every fork. CPython's pid tokens are
 * replaced by <pid1>, <pid2>... in order of first appearance, so
 * "Parent process 4242." reads "Parent process <pid1>.". concviz's pids are
 * small (100, 101...) and may equal a number the program prints for other
 * reasons, so on concviz's side a pid token counts as a pid only where it
 * lines up with a placeholder of CPython's output: lines are paired (in
 * order for exact, in any order for timing) where they are equal with each
 * <pidK> standing for one concviz pid, the same one everywhere (a
 * bijection); paired lines then read like CPython's, and lines that pair
 * with none are left as concviz printed them. So "Parent process 100."
 * matches "Parent process 4242.", while "[0, 101, 202]" stays a list of
 * numbers.
 *
 * exact (the default): the normalized outputs must be equal, byte for
 * byte, and so must the exit statuses.
 *
 * timing: the outputs are compared as multisets of lines (order ignored).
 * A line is *stable* when the same normalized line is in the other output;
 * the lines left over are paired by their *shape* (every run of digits,
 * and every pid placeholder, replaced by '#'): they differ only in numbers
 * (a count, a duration). verify passes when every line is paired one way or
 * the other and the exit statuses agree.
 *
 * Exit statuses agree when they are equal, or when concviz ended in a
 * deadlock (3) or at its time limit (4) and python3 ran until its timeout:
 * both hang; the output until then is compared.
 *
 * CPython's side: python3 (or --python) runs a copy of the program in a
 * temporary directory that also holds the pid recorder (sitecustomize.py,
 * which also makes stdout line-buffered as on a terminal), with
 * PYTHONPATH=that directory:ASSETS (ASSETS holds the shim concviz.py, see
 * scenario_verify_find_assets), PYTHONHASHSEED=0, PYTHONDONTWRITEBYTECODE=1
 * and stdin from /dev/null. Its wall-clock time is capped: 30 s + 3 x
 * concviz's virtual run time, or 5 s + 2 x the time of the hang when concviz
 * found the program hanging, and never more than --timeout (default 120 s);
 * then its whole process group is killed.
 *
 * Ownership: functions append to strbufs the caller owns; arrays returned
 * through pointers are malloc'ed and freed by the caller. */
#ifndef CONCVIZ_SCENARIO_VERIFY_H
#define CONCVIZ_SCENARIO_VERIFY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "lang/lang.h"
#include "lang/strbuf.h"
#include "scenario/scenario.h"

/* verify's own exit statuses. */
enum {
    SCENARIO_VERIFY_MATCH = 0,
    SCENARIO_VERIFY_MISMATCH = 1,
    SCENARIO_VERIFY_ERROR = 2 /* bad scenario, no python3, no concviz.py... */
};

/* Default cap on python3's wall-clock time, in seconds. */
#define SCENARIO_VERIFY_DEFAULT_TIMEOUT 120.0

typedef struct scenario_verify_opts {
    const char *python;     /* interpreter; NULL: "python3" found on PATH */
    const char *assets_dir; /* directory holding concviz.py; NULL: look it up */
    const char *argv0;      /* concviz's argv[0], to look the assets up */
    double timeout_s;       /* cap on python3's run; <= 0: the default */
    int mode;               /* -1: the scenario's expect.verify; else a scenario_verify */
    const char *against;    /* use this saved CPython stdout instead of running python3 */
    const char *save;       /* write python3's stdout here (and its pids and status) */
} scenario_verify_opts;

/* Fills the defaults (everything NULL/0, mode -1). */
void scenario_verify_opts_init(scenario_verify_opts *o);

/* Verifies the scenario named by 'arg' (as on the command line); writes the
 * verdict ("NAME: match (...)" or a diff) to out and problems to err.
 * Returns SCENARIO_VERIFY_MATCH, _MISMATCH or _ERROR. */
int scenario_verify_main(const char *arg, const scenario_verify_opts *o, FILE *out, FILE *err);

/* Finds the directory that holds the CPython shim concviz.py, in order:
 * $CONCVIZ_ASSETS; the build's CONCVIZ_ASSETS_DIR (if it was defined);
 * next to the executable (DIR/assets, DIR/../assets, DIR/../share/concviz);
 * the source tree named by DIR/CMakeCache.txt (an out-of-tree build
 * directory). DIR is the directory of /proc/self/exe, else of argv0.
 * Appends the directory to 'dir' and returns true when found. */
bool scenario_verify_find_assets(const char *argv0, strbuf *dir);

/* Appends 'text' to 'out' with every pid token (see above) of pids[0..n)
 * replaced by <pidK>, K numbering distinct pids by first appearance.
 * Returns the number of distinct pids that appeared. */
size_t scenario_verify_map_pids(const char *text, size_t len, const int64_t *pids, size_t npids,
                                strbuf *out);

/* Appends the concviz output c with its pids written as CPython's
 * placeholders where the lines line up with a (already normalized by
 * scenario_verify_map_pids); cands are concviz's pids. ordered: pair lines
 * in order (exact) or in any order (timing). See the header comment. */
void scenario_verify_align_pids(const char *a, const char *c, const int64_t *cands, size_t nc,
                                bool ordered, strbuf *out);

/* Appends the shape of a line: every run of digits and every <pidK>
 * replaced by '#'. */
void scenario_verify_shape(const char *line, size_t len, strbuf *out);

/* Exact comparison. Returns true when a and b are equal; otherwise appends
 * a unified diff (3 lines of context) from a (labelled name_a, the '-'
 * side) to b (name_b, '+') to 'diff'. */
bool scenario_verify_diff(const char *a, const char *b, const char *name_a, const char *name_b,
                          strbuf *diff);

/* What a timing comparison found, in lines. */
typedef struct scenario_verify_counts {
    size_t lines;     /* lines of b */
    size_t stable;    /* paired with an identical line */
    size_t numbers;   /* paired by shape: differ only in numbers */
    size_t only_a;    /* unpaired lines of a */
    size_t only_b;    /* unpaired lines of b */
} scenario_verify_counts;

/* Timing comparison (order ignored; see above). Returns true when every
 * line is paired; otherwise appends the unpaired lines ("-" from a, "+"
 * from b, each side in its output's order) to 'diff'. */
bool scenario_verify_timing(const char *a, const char *b, const char *name_a, const char *name_b,
                            scenario_verify_counts *counts, strbuf *diff);

/* The outcome of running a compiled scenario headless on the simulated
 * machine its scenario describes. */
typedef struct scenario_verify_run {
    strbuf out;      /* everything written to stdout */
    strbuf err;      /* everything written to stderr */
    int status;      /* concviz run's exit status */
    int64_t end_ns;  /* virtual time at the end of the run */
    int64_t *pids;   /* every process of the run, in creation order */
    size_t npids;
} scenario_verify_run;

/* Runs the program (the scenario's seed and machine; default limits).
 * Release *r with scenario_verify_run_fini. */
void scenario_verify_run_sim(const scenario *sc, const lang_program *prog, scenario_verify_run *r);
void scenario_verify_run_fini(scenario_verify_run *r);

/* The check behind 'concviz check': when the scenario has expect.stdout or
 * expect.exit, runs it headless and compares. Returns 0 when it matches (or
 * expects nothing), else -1 after adding a located problem to *d (the file
 * line of the first expected line that differs, where it can tell). */
int scenario_verify_expect(const scenario *sc, const lang_program *prog, scenario_diag *d);

#endif
