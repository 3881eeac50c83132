/* test_snapshot.c - unit tests of rebuilding a moment of a run
 * (sim_snapshot.c, scenario_machine.c): each thread's call stack and locals
 * after event N, taken by running the same program again; a user __repr__
 * is not run; long values are cut; a trace whose re-run differs is
 * refused with the event that differs. */
#include "sim/sim_snapshot.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "scenario/scenario_machine.h"

/* Main holds the lock; the worker computes step, then blocks on the lock
 * inside helper(); main prints while it waits. */
static const char blocked_src[] =
    "import threading\n"
    "import time\n"
    "\n"
    "class Box:\n"
    "    def __repr__(self):\n"
    "        print('repr ran')\n"
    "        return 'Box!'\n"
    "\n"
    "lock = threading.Lock()\n"
    "total = 7\n"
    "box = Box()\n"
    "\n"
    "def helper(k):\n"
    "    big = list(range(1000))\n"
    "    with lock:\n"
    "        return k\n"
    "\n"
    "def worker(n):\n"
    "    step = n * 2\n"
    "    def inner():\n"
    "        return step\n"
    "    later = None\n"
    "    return helper(step)\n"
    "\n"
    "lock.acquire()\n"
    "t = threading.Thread(target=worker, args=(21,), name='W')\n"
    "t.start()\n"
    "time.sleep(0.01)\n"
    "print('main waited')\n"
    "lock.release()\n"
    "t.join()\n";

/* Line numbers in blocked_src (1-based), found by text so the test does
 * not depend on counting by hand. */
static int line_of(const char *needle) {
    const char *p = strstr(blocked_src, needle);
    ck_assert_ptr_nonnull(p);
    int line = 1;
    for (const char *q = blocked_src; q < p; q++)
        if (*q == '\n') line++;
    return line;
}

/* A full run of src as a trace whose header holds it (as "snap.py"), as
 * 'concviz record' makes one. */
static trace_log *run_recorded(const char *src) {
    scenario sc;
    scenario_diag d;
    scenario_diag_init(&d);
    ck_assert_int_eq(scenario_load_mem("snap.py", src, strlen(src), &sc, &d), 0);
    lang_program *prog = scenario_machine_compile(&sc, &d);
    ck_assert_ptr_nonnull(prog);
    sim_config cfg;
    scenario_machine_config(&sc, &cfg);
    cfg.write = lang_write_nowhere;
    trace_header h;
    scenario_machine_header(&sc, &cfg, &h);
    trace_log *log = trace_log_new();
    trace_log_set_header(log, &h);
    sim *s = sim_new(prog, &cfg, log);
    sim_run(s);
    sim_free(s);
    lang_program_free(prog);
    scenario_free(&sc);
    scenario_diag_fini(&d);
    return log;
}

/* The position just after the first event where thread 'name' blocks. */
static size_t after_block_of(const trace_log *log, const char *name) {
    int tid = -1;
    for (size_t i = 0; i < trace_log_count(log); i++) {
        const trace_event *ev = trace_log_get(log, i);
        if (ev->kind == TRACE_THREAD_NEW && strcmp(trace_log_string(log, ev->text, NULL), name) == 0) tid = ev->tid;
        if (ev->kind == TRACE_THREAD_STATE && ev->tid == tid && ev->a == TS_BLOCKED) return i + 1;
    }
    ck_abort_msg("thread %s never blocks", name);
    return 0;
}

static const sim_snapshot_thread *thread_named(const sim_snapshot *snap, const char *name) {
    for (size_t i = 0; i < snap->nthreads; i++)
        if (strcmp(snap->threads[i].name, name) == 0) return &snap->threads[i];
    ck_abort_msg("no thread %s in the snapshot", name);
    return NULL;
}

static const char *var_of(const sim_snapshot_frame *f, const char *name) {
    for (size_t i = 0; i < f->nvars; i++)
        if (strcmp(f->vars[i].name, name) == 0) return f->vars[i].repr;
    return NULL;
}

START_TEST(test_stack_of_blocked_thread) {
    trace_log *log = run_recorded(blocked_src);
    size_t pos = after_block_of(log, "W");
    strbuf err;
    sb_init(&err);
    sim_snapshot *snap = scenario_machine_snapshot(log, pos, &err);
    ck_assert_msg(snap != NULL, "%s", err.data);
    ck_assert_uint_eq(snap->at, pos);
    const sim_snapshot_thread *w = thread_named(snap, "W");
    ck_assert_uint_eq(w->nframes, 2);
    /* innermost first: helper blocked at its 'with lock:', called from worker */
    ck_assert_str_eq(w->frames[0].function, "helper");
    ck_assert_int_eq(w->frames[0].line, line_of("    with lock:"));
    ck_assert_str_eq(var_of(&w->frames[0], "k"), "42");
    ck_assert_str_eq(w->frames[1].function, "worker");
    ck_assert_int_eq(w->frames[1].line, line_of("    return helper(step)"));
    ck_assert_str_eq(var_of(&w->frames[1], "n"), "21");
    ck_assert_str_eq(var_of(&w->frames[1], "step"), "42"); /* a cell: inner() captures it */
    ck_assert_str_eq(var_of(&w->frames[1], "later"), "None");
    ck_assert_ptr_nonnull(var_of(&w->frames[1], "inner"));
    /* the thread's id in the snapshot is the trace's */
    ck_assert_ptr_eq(sim_snapshot_thread_of(snap, w->tid), w);
    sim_snapshot_free(snap);
    sb_free(&err);
    trace_log_free(log);
}
END_TEST

START_TEST(test_module_frame_shows_data_globals) {
    trace_log *log = run_recorded(blocked_src);
    size_t pos = after_block_of(log, "W");
    strbuf err;
    sb_init(&err);
    sim_snapshot *snap = scenario_machine_snapshot(log, pos, &err);
    ck_assert_msg(snap != NULL, "%s", err.data);
    const sim_snapshot_thread *m = thread_named(snap, "MainThread");
    ck_assert_uint_eq(m->nframes, 1);
    const sim_snapshot_frame *f = &m->frames[0];
    ck_assert_str_eq(f->function, "<module>");
    ck_assert_str_eq(var_of(f, "total"), "7");
    ck_assert_ptr_nonnull(strstr(var_of(f, "lock"), "<locked _thread.lock object at 0x"));
    /* modules, functions, classes and dunders are not data */
    ck_assert_ptr_null(var_of(f, "threading"));
    ck_assert_ptr_null(var_of(f, "worker"));
    ck_assert_ptr_null(var_of(f, "Box"));
    ck_assert_ptr_null(var_of(f, "__name__"));
    /* the user's __repr__ did not run: it would have printed and said Box! */
    ck_assert_str_eq(var_of(f, "box"), strstr(var_of(f, "box"), "<__main__.Box object at 0x"));
    sim_snapshot_free(snap);
    sb_free(&err);
    trace_log_free(log);
}
END_TEST

START_TEST(test_long_values_are_cut) {
    trace_log *log = run_recorded(blocked_src);
    size_t pos = after_block_of(log, "W");
    strbuf err;
    sb_init(&err);
    sim_snapshot *snap = scenario_machine_snapshot(log, pos, &err);
    ck_assert_msg(snap != NULL, "%s", err.data);
    const char *big = var_of(&thread_named(snap, "W")->frames[0], "big");
    ck_assert_ptr_nonnull(big);
    size_t n = strlen(big);
    ck_assert_uint_le(n, SIM_SNAPSHOT_REPR_MAX);
    ck_assert_str_eq(big + n - 3, "...");
    ck_assert_int_eq(strncmp(big, "[0, 1, 2, 3", 11), 0);
    sim_snapshot_free(snap);
    sb_free(&err);
    trace_log_free(log);
}
END_TEST

/* Every position of the run can be rebuilt, and the thread a THREAD_STATE
 * event concerns is always in the snapshot with its line matching the
 * event's (the re-run reaches the same moment). */
START_TEST(test_every_position_matches_the_trace) {
    trace_log *log = run_recorded(blocked_src);
    size_t n = trace_log_count(log);
    strbuf err;
    sb_init(&err);
    for (size_t pos = 0; pos <= n; pos++) {
        sim_snapshot *snap = scenario_machine_snapshot(log, pos, &err);
        ck_assert_msg(snap != NULL, "position %zu: %s", pos, err.data);
        if (pos > 0) {
            const trace_event *ev = trace_log_get(log, pos - 1);
            if (ev->tid > 0 && ev->line > 0) {
                const sim_snapshot_thread *t = sim_snapshot_thread_of(snap, ev->tid);
                ck_assert_ptr_nonnull(t);
                ck_assert_uint_ge(t->nframes, 1);
                ck_assert_int_eq(t->frames[0].line, ev->line);
            }
        } else {
            ck_assert_uint_eq(snap->nthreads, 0);
        }
        sim_snapshot_free(snap);
    }
    sb_free(&err);
    trace_log_free(log);
}
END_TEST

START_TEST(test_a_different_trace_is_refused) {
    trace_log *log = run_recorded(blocked_src);
    size_t pos = after_block_of(log, "W");
    /* a trace whose events differ from what its program gives */
    trace_log *edited = trace_log_new();
    trace_log_set_header(edited, trace_log_header(log));
    for (size_t i = 0; i < trace_log_count(log); i++) {
        trace_event ev = *trace_log_get(log, i);
        size_t len = 0;
        const char *text = trace_log_string(log, ev.text, &len);
        ev.text = text ? trace_log_intern(edited, text, len) : 0;
        if (i == 3) ev.t += 1;
        trace_log_add(edited, &ev);
    }
    strbuf err;
    sb_init(&err);
    ck_assert_ptr_null(scenario_machine_snapshot(edited, pos, &err));
    ck_assert_ptr_nonnull(strstr(err.data, "different event 3"));
    /* before the edit it still rebuilds */
    sim_snapshot *early = scenario_machine_snapshot(edited, 3, &err);
    ck_assert_ptr_nonnull(early);
    sim_snapshot_free(early);
    /* past the end of the run */
    sb_clear(&err);
    ck_assert_ptr_null(scenario_machine_snapshot(log, trace_log_count(log) + 1, &err));
    ck_assert_ptr_nonnull(strstr(err.data, "ends before"));
    sb_free(&err);
    trace_log_free(edited);
    trace_log_free(log);
}
END_TEST

START_TEST(test_trace_without_program) {
    trace_log *log = trace_log_new();
    char empty[] = "", name[] = "x.yaml", fork[] = "fork", gil[] = "new";
    trace_header h = {empty, name, empty, 4, fork, gil, 5000000, 0};
    trace_log_set_header(log, &h);
    strbuf err;
    sb_init(&err);
    ck_assert_ptr_null(scenario_machine_snapshot(log, 0, &err));
    ck_assert_ptr_nonnull(strstr(err.data, "does not hold its program"));
    sb_free(&err);
    trace_log_free(log);
}
END_TEST

int main(void) {
    Suite *s = suite_create("snapshot");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_stack_of_blocked_thread);
    tcase_add_test(tc, test_module_frame_shows_data_globals);
    tcase_add_test(tc, test_long_values_are_cut);
    tcase_add_test(tc, test_every_position_matches_the_trace);
    tcase_add_test(tc, test_a_different_trace_is_refused);
    tcase_add_test(tc, test_trace_without_program);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
