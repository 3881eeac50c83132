/* test_verify.c - 'concviz verify' and the expectation check of 'check'
 * (scenario_verify.c): pid tokens and their mapping, the exact diff, the
 * timing comparison, locating the CPython shim, verify end to end with a
 * saved CPython output and with a stand-in interpreter (no python3 needed),
 * and the built-in library's data: both languages, and captions that fire. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lang/lang.h"
#include "lang/strbuf.h"
#include "scenario/builtin.h"
#include "scenario/scenario.h"
#include "scenario/scenario_verify.h"
#include "sim/sim.h"
#include "trace/trace.h"

/* ------------------------------------------------------------ helpers */

static char tmpdir[64];

static void make_tmpdir(void) {
    strcpy(tmpdir, "/tmp/concviz-test-verify-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

/* Writes text to tmpdir/name and returns the path (static buffer per call site). */
static const char *put_file(const char *name, const char *text, char *path, size_t size) {
    snprintf(path, size, "%s/%s", tmpdir, name);
    FILE *f = fopen(path, "wb");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    fclose(f);
    return path;
}

static void remove_tmpdir(void) {
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    ck_assert_int_eq(system(cmd), 0);
}

/* Runs scenario_verify_main; returns its status, *out gets the report. */
static int verify(const char *arg, const scenario_verify_opts *o, char **out) {
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    FILE *err = fopen("/dev/null", "w");
    int rc = scenario_verify_main(arg, o, f, err);
    fclose(f);
    fclose(err);
    *out = buf;
    return rc;
}

static char *mapped(const char *text, const int64_t *pids, size_t n, size_t *count) {
    strbuf sb;
    sb_init(&sb);
    size_t c = scenario_verify_map_pids(text, strlen(text), pids, n, &sb);
    if (count) *count = c;
    if (!sb.data) sb_puts(&sb, "");
    return sb_take(&sb);
}

/* -------------------------------------------------------------- pids */

START_TEST(test_map_pids) {
    const int64_t pids[] = {4243, 4242};
    size_t n;
    char *s = mapped("Parent process 4242.\nRun child 4243 (of 4242)...\n", pids, 2, &n);
    ck_assert_str_eq(s, "Parent process <pid1>.\nRun child <pid2> (of <pid1>)...\n");
    ck_assert_uint_eq(n, 2);
    free(s);
    /* not pid tokens: parts of words, decimals, longer numbers */
    s = mapped("x4242 4242y 1.4242 4242.5 42420 4242_ 4242.\n", pids, 2, &n);
    ck_assert_str_eq(s, "x4242 4242y 1.4242 4242.5 42420 4242_ <pid1>.\n");
    ck_assert_uint_eq(n, 1);
    free(s);
    s = mapped("no pids here 7\n", pids, 0, &n);
    ck_assert_str_eq(s, "no pids here 7\n");
    ck_assert_uint_eq(n, 0);
    free(s);
}
END_TEST

static char *aligned(const char *a, const char *c, const int64_t *cands, size_t n, bool ordered) {
    strbuf sb;
    sb_init(&sb);
    scenario_verify_align_pids(a, c, cands, n, ordered, &sb);
    return sb_take(&sb);
}

START_TEST(test_align_pids) {
    const int64_t cands[] = {100, 101, 102};
    /* pids become CPython's placeholders; other numbers stay numbers,
     * even when they equal a concviz pid */
    char *s = aligned("Parent process <pid1>.\nchild <pid2>\n[0, 101, 202]\n",
                      "Parent process 100.\nchild 101\n[0, 101, 202]\n", cands, 3, true);
    ck_assert_str_eq(s, "Parent process <pid1>.\nchild <pid2>\n[0, 101, 202]\n");
    free(s);
    /* one placeholder stands for one pid only */
    s = aligned("<pid1> <pid1>\n", "100 101\n", cands, 3, true);
    ck_assert_str_eq(s, "100 101\n");
    free(s);
    /* and one pid for one placeholder */
    s = aligned("<pid1>\n<pid2>\n", "100\n100\n", cands, 3, true);
    ck_assert_str_eq(s, "<pid1>\n100\n");
    free(s);
    /* a number that is not a pid of the run does not stand for one */
    s = aligned("run <pid1>\n", "run 7\n", cands, 3, true);
    ck_assert_str_eq(s, "run 7\n");
    free(s);
    /* lines that pair with none stay as concviz printed them */
    s = aligned("a <pid1>\nb\n", "a 100\nc 100 101\n", cands, 3, true);
    ck_assert_str_eq(s, "a <pid1>\nc 100 101\n");
    free(s);
    /* timing: any order */
    s = aligned("x <pid1>\ny <pid2>\n", "y 101\nx 100\n", cands, 3, false);
    ck_assert_str_eq(s, "y <pid2>\nx <pid1>\n");
    free(s);
    /* a missing final newline is kept */
    s = aligned("p <pid1>", "p 102", cands, 3, true);
    ck_assert_str_eq(s, "p <pid1>");
    free(s);
}
END_TEST

START_TEST(test_shape) {
    strbuf sb;
    sb_init(&sb);
    scenario_verify_shape("took 1.23 s on <pid3>, 40000", 28, &sb);
    ck_assert_str_eq(sb.data, "took #.# s on #, #");
    sb_free(&sb);
}
END_TEST

/* -------------------------------------------------------------- diff */

START_TEST(test_diff) {
    strbuf d;
    sb_init(&d);
    ck_assert(scenario_verify_diff("a\nb\n", "a\nb\n", "python3", "concviz", &d));
    ck_assert_uint_eq(d.len, 0);
    ck_assert(!scenario_verify_diff("1\n2\n3\n4\n5\n6\n7\n8\n9\n", "1\n2\n3\n4\nX\n6\n7\n8\n9\n", "python3",
                                    "concviz", &d));
    ck_assert_str_eq(d.data, "--- python3\n+++ concviz\n@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+X\n 6\n 7\n 8\n");
    /* two changes far apart: two hunks */
    sb_clear(&d);
    ck_assert(!scenario_verify_diff("a\n1\n2\n3\n4\n5\n6\n7\n8\nb\n", "A\n1\n2\n3\n4\n5\n6\n7\n8\nB\n", "x",
                                    "y", &d));
    ck_assert_str_eq(d.data, "--- x\n+++ y\n@@ -1,4 +1,4 @@\n-a\n+A\n 1\n 2\n 3\n@@ -7,4 +7,4 @@\n 6\n 7\n 8\n"
                             "-b\n+B\n");
    /* lines only added; a missing final newline is shown */
    sb_clear(&d);
    ck_assert(!scenario_verify_diff("a\n", "a\nb", "x", "y", &d));
    ck_assert_str_eq(d.data, "--- x\n+++ y\n@@ -1,1 +1,2 @@\n a\n+b\n\\ No newline at end of output\n");
    sb_clear(&d);
    ck_assert(!scenario_verify_diff("", "a\n", "x", "y", &d));
    ck_assert_str_eq(d.data, "--- x\n+++ y\n@@ -0,0 +1,1 @@\n+a\n");
    sb_free(&d);
}
END_TEST

START_TEST(test_timing) {
    strbuf d;
    sb_init(&d);
    scenario_verify_counts c;
    /* order ignored; numbers aside */
    ck_assert(scenario_verify_timing("a 1\nb 2\nc\n", "c\nb 3\na 1\n", "python3", "concviz", &c, &d));
    ck_assert_uint_eq(c.lines, 3);
    ck_assert_uint_eq(c.stable, 2);
    ck_assert_uint_eq(c.numbers, 1);
    ck_assert_uint_eq(d.len, 0);
    /* duplicates count */
    ck_assert(!scenario_verify_timing("x\nx\n", "x\n", "python3", "concviz", &c, &d));
    ck_assert_uint_eq(c.only_a, 1);
    ck_assert_uint_eq(c.only_b, 0);
    ck_assert_str_eq(d.data, "lines only in python3 (-) or only in concviz (+), order ignored:\n-x\n");
    /* words differ: not a match */
    sb_clear(&d);
    ck_assert(!scenario_verify_timing("took 1 s\n", "took 1 ms\n", "p", "c", &c, &d));
    ck_assert_str_eq(d.data, "lines only in p (-) or only in c (+), order ignored:\n-took 1 s\n+took 1 ms\n");
    ck_assert(scenario_verify_timing("", "", "p", "c", &c, &d));
    sb_free(&d);
}
END_TEST

/* ------------------------------------------------------------ assets */

START_TEST(test_find_assets) {
    make_tmpdir();
    char path[256];
    strbuf dir;
    sb_init(&dir);
    /* a directory without concviz.py is skipped */
    setenv("CONCVIZ_ASSETS", tmpdir, 1);
    bool found = scenario_verify_find_assets(NULL, &dir);
    ck_assert(!found || strcmp(dir.data, tmpdir) != 0);
    sb_clear(&dir);
    put_file("concviz.py", "# shim\n", path, sizeof path);
    ck_assert(scenario_verify_find_assets(NULL, &dir));
    ck_assert_str_eq(dir.data, tmpdir);
    unsetenv("CONCVIZ_ASSETS");
    sb_free(&dir);
    remove_tmpdir();
}
END_TEST

/* ------------------------------------------------------- verify, end to end */

static const char pid_program[] =
    "import os\n"
    "from multiprocessing import Process\n"
    "def child():\n"
    "    print('child', os.getpid())\n"
    "if __name__ == '__main__':\n"
    "    print('Parent process %s.' % os.getpid())\n"
    "    p = Process(target=child)\n"
    "    p.start()\n"
    "    p.join()\n"
    "    print([0, 101, 202])\n";

START_TEST(test_verify_against) {
    make_tmpdir();
    char prog[256], out[256], pids[256], rc[256];
    put_file("prog.py", pid_program, prog, sizeof prog);
    put_file("cpython.out", "Parent process 4242.\nchild 4250\n[0, 101, 202]\n", out, sizeof out);
    put_file("cpython.pids", "4242\n4250\n", pids, sizeof pids);
    scenario_verify_opts o;
    scenario_verify_opts_init(&o);
    o.against = out;
    char *report;
    ck_assert_int_eq(verify(prog, &o, &report), SCENARIO_VERIFY_MATCH);
    ck_assert_msg(strstr(report, "match (exact; 3 lines; pids mapped: 2)"), "%s", report);
    free(report);
    /* a saved exit status that differs */
    put_file("cpython.rc", "1\n", rc, sizeof rc);
    ck_assert_int_eq(verify(prog, &o, &report), SCENARIO_VERIFY_MISMATCH);
    ck_assert_msg(strstr(report, "exit status: "), "%s", report);
    free(report);
    put_file("cpython.rc", "0\n", rc, sizeof rc);
    /* without the pids of CPython's run, its pids are plain numbers */
    unlink(pids);
    ck_assert_int_eq(verify(prog, &o, &report), SCENARIO_VERIFY_MISMATCH);
    ck_assert_msg(strstr(report, "-Parent process 4242.\n-child 4250\n+Parent process 100.\n+child 101\n"), "%s", report);
    free(report);
    /* other output: a readable diff */
    put_file("cpython.pids", "4242\n4250\n", pids, sizeof pids);
    put_file("cpython.out", "Parent process 4242.\nchild 4250\n[0, 101, 203]\n", out, sizeof out);
    ck_assert_int_eq(verify(prog, &o, &report), SCENARIO_VERIFY_MISMATCH);
    ck_assert_msg(strstr(report, "prog.py: mismatch (exact)\n--- "), "%s", report);
    ck_assert_msg(strstr(report, "-[0, 101, 203]\n+[0, 101, 202]\n"), "%s", report);
    free(report);
    /* timing mode: order and numbers aside */
    put_file("cpython.out", "[0, 101, 203]\nchild 4250\nParent process 4242.\n", out, sizeof out);
    o.mode = SCENARIO_VERIFY_TIMING;
    ck_assert_int_eq(verify(prog, &o, &report), SCENARIO_VERIFY_MATCH);
    ck_assert_msg(strstr(report, "match (timing; 3 lines: 2 identical, 1 differ only in numbers"), "%s",
                  report);
    free(report);
    /* a scenario that does not load is an error */
    char bad[256];
    put_file("bad.py", "def f(:\n", bad, sizeof bad);
    ck_assert_int_eq(verify(bad, &o, &report), SCENARIO_VERIFY_ERROR);
    free(report);
    remove_tmpdir();
}
END_TEST

/* A stand-in for python3: prints what CPython would, with other pids, and
 * records them the way verify's sitecustomize.py does. */
static const char fake_python[] =
    "#!/bin/sh\n"
    "[ -f \"$1\" ] || exit 9\n"
    "[ -f sitecustomize.py ] || exit 8\n"
    "echo 4242 >>\"$CONCVIZ_PIDFILE\"; echo 4250 >>\"$CONCVIZ_PIDFILE\"\n"
    "echo 'Parent process 4242.'; echo 'child 4250'; echo '[0, 101, 202]'\n";

static const char hang_python[] =
    "#!/bin/sh\n"
    "echo 'T1 holds lock_a'\n"
    "exec sleep 60\n";

static const char deadlock_program[] =
    "import threading\n"
    "a = threading.Lock()\n"
    "a.acquire()\n"
    "print('T1 holds lock_a')\n"
    "a.acquire()\n";

START_TEST(test_verify_interpreter) {
    make_tmpdir();
    char prog[256], py[256], assets[256];
    put_file("prog.py", pid_program, prog, sizeof prog);
    put_file("python", fake_python, py, sizeof py);
    ck_assert_int_eq(chmod(py, 0755), 0);
    snprintf(assets, sizeof assets, "%s", tmpdir);
    char shim[256];
    put_file("concviz.py", "# shim\n", shim, sizeof shim);
    scenario_verify_opts o;
    scenario_verify_opts_init(&o);
    o.python = py;
    o.assets_dir = assets;
    char *report;
    ck_assert_int_eq(verify(prog, &o, &report), SCENARIO_VERIFY_MATCH);
    ck_assert_msg(strstr(report, "prog.py: match (exact; 3 lines; pids mapped: 2)"), "%s", report);
    free(report);
    /* --save writes the output, the pids and the status */
    char saved[256];
    snprintf(saved, sizeof saved, "%s/saved.out", tmpdir);
    o.save = saved;
    ck_assert_int_eq(verify(prog, &o, &report), SCENARIO_VERIFY_MATCH);
    free(report);
    o.save = NULL;
    o.python = NULL;
    o.against = saved;
    ck_assert_int_eq(verify(prog, &o, &report), SCENARIO_VERIFY_MATCH);
    free(report);
    o.against = NULL;
    /* a program concviz finds deadlocked, and an interpreter that hangs:
     * both hang, stopped at the timeout */
    put_file("dead.py", deadlock_program, prog, sizeof prog);
    put_file("python", hang_python, py, sizeof py);
    o.python = py;
    o.timeout_s = 1;
    ck_assert_int_eq(verify(prog, &o, &report), SCENARIO_VERIFY_MATCH);
    ck_assert_msg(strstr(report, "both hang"), "%s", report);
    free(report);
    /* an interpreter that cannot run */
    o.python = "/nonexistent/python3";
    ck_assert_int_eq(verify(prog, &o, &report), SCENARIO_VERIFY_ERROR);
    free(report);
    remove_tmpdir();
}
END_TEST

/* ------------------------------------------------------------ expect */

static int load_mem(const char *yaml, scenario *sc, scenario_diag *d, lang_program **prog) {
    scenario_diag_init(d);
    int rc = scenario_load_mem("t.yaml", yaml, strlen(yaml), sc, d);
    lang_origin origin = {sc->filename, sc->program_line, sc->program_indent};
    lang_error e;
    *prog = lang_compile(sc->program, sc->program_len, &origin, &e);
    ck_assert_ptr_nonnull(*prog);
    return rc;
}

START_TEST(test_expect) {
    scenario sc;
    scenario_diag d;
    lang_program *prog;
    ck_assert_int_eq(load_mem("title: t\n"
                              "program: |\n"
                              "  print('a')\n"
                              "  print('b')\n"
                              "expect:\n"
                              "  exit: 0\n"
                              "  stdout: |\n"
                              "    a\n"
                              "    b\n",
                              &sc, &d, &prog),
                     0);
    ck_assert_int_eq(scenario_verify_expect(&sc, prog, &d), 0);
    ck_assert_uint_eq(d.count, 0);
    lang_program_free(prog);
    scenario_free(&sc);
    scenario_diag_fini(&d);
    /* stale: the second expected line is at file line 9 */
    ck_assert_int_eq(load_mem("title: t\n"
                              "program: |\n"
                              "  print('a')\n"
                              "  print('c')\n"
                              "expect:\n"
                              "  exit: 2\n"
                              "  stdout: |\n"
                              "    a\n"
                              "    b\n",
                              &sc, &d, &prog),
                     0);
    ck_assert_int_eq(scenario_verify_expect(&sc, prog, &d), -1);
    ck_assert_uint_eq(d.count, 2);
    ck_assert_int_eq(d.items[0].line, 9);
    ck_assert_str_eq(d.items[0].msg,
                     "expect.stdout no longer matches the run: output line 2 is 'c', expected 'b'");
    ck_assert_int_eq(d.items[1].line, 6);
    ck_assert_str_eq(d.items[1].msg, "the run ended with exit status 0, expected 2");
    lang_program_free(prog);
    scenario_free(&sc);
    scenario_diag_fini(&d);
    /* no expectation: nothing to run */
    ck_assert_int_eq(load_mem("program: |\n  print('a')\n", &sc, &d, &prog), 0);
    ck_assert_int_eq(scenario_verify_expect(&sc, prog, &d), 0);
    lang_program_free(prog);
    scenario_free(&sc);
    scenario_diag_fini(&d);
}
END_TEST

/* ----------------------------------------------------- the built-in library */

/* Both languages everywhere: title, summary and every caption. */
START_TEST(test_library_languages) {
    ck_assert_uint_ge(scenario_builtin_count(), 30);
    for (size_t i = 0; i < scenario_builtin_count(); i++) {
        const char *name;
        scenario_builtin_get(i, &name, NULL, NULL);
        scenario sc;
        scenario_diag d;
        scenario_diag_init(&d);
        ck_assert_int_eq(scenario_load_arg(name, &sc, &d), 0);
        ck_assert_msg(sc.title_zh && *sc.title_zh, "%s: no title_zh", name);
        ck_assert_msg(*sc.summary && sc.summary_zh && *sc.summary_zh, "%s: no summary or summary_zh", name);
        ck_assert_msg(sc.ncaptions >= 2, "%s: fewer than 2 captions", name);
        for (size_t k = 0; k < sc.ncaptions; k++)
            ck_assert_msg(sc.captions[k].say_zh && *sc.captions[k].say_zh, "%s: caption %zu has no say_zh",
                          name, k + 1);
        ck_assert_msg(sc.expect_stdout, "%s: no expect.stdout", name);
        scenario_free(&sc);
        scenario_diag_fini(&d);
    }
}
END_TEST

/* Every caption of every built-in comes: a line caption needs an event of a
 * thread at that program line, a time caption a run that lasts that long,
 * an event caption an event of that kind. */
START_TEST(test_library_captions_fire) {
    for (size_t i = 0; i < scenario_builtin_count(); i++) {
        const char *name;
        scenario_builtin_get(i, &name, NULL, NULL);
        scenario sc;
        scenario_diag d;
        scenario_diag_init(&d);
        ck_assert_int_eq(scenario_load_arg(name, &sc, &d), 0);
        lang_origin origin = {sc.filename, sc.program_line, sc.program_indent};
        lang_error e;
        lang_program *prog = lang_compile(sc.program, sc.program_len, &origin, &e);
        ck_assert_ptr_nonnull(prog);
        sim_config cfg;
        sim_config_default(&cfg);
        cfg.cores = sc.cores;
        cfg.start_method = (sim_start_method)sc.start_method;
        cfg.gil = (sim_gil_model)sc.gil;
        cfg.switch_interval_ns = sc.switch_interval_ns;
        cfg.seed = sc.seed;
        cfg.write = lang_write_nowhere; /* output is the golden tests' business */
        trace_log *log = trace_log_new();
        sim *s = sim_new(prog, &cfg, log);
        sim_run(s);
        sim_free(s);
        size_t n = trace_log_count(log);
        int64_t end = 0;
        for (size_t k = 0; k < n; k++) {
            const trace_event *ev = trace_log_get(log, k);
            if (ev->t > end) end = ev->t;
        }
        for (size_t c = 0; c < sc.ncaptions; c++) {
            const scenario_caption *cap = &sc.captions[c];
            bool fires = false;
            for (size_t k = 0; k < n && !fires; k++) {
                const trace_event *ev = trace_log_get(log, k);
                if (cap->when == SCENARIO_WHEN_LINE)
                    fires = ev->tid >= 0 && ev->line == cap->line;
                else if (cap->when == SCENARIO_WHEN_EVENT)
                    fires = strcmp(trace_kind_name((trace_kind)ev->kind), cap->event) == 0;
            }
            if (cap->when == SCENARIO_WHEN_TIME) fires = cap->time_ns < end;
            ck_assert_msg(fires, "%s: caption %zu ('%s') never comes", name, c + 1, cap->say);
        }
        trace_log_free(log);
        lang_program_free(prog);
        scenario_free(&sc);
        scenario_diag_fini(&d);
    }
}
END_TEST

static Suite *verify_suite(void) {
    Suite *s = suite_create("verify");
    TCase *tc = tcase_create("compare");
    tcase_add_test(tc, test_map_pids);
    tcase_add_test(tc, test_align_pids);
    tcase_add_test(tc, test_shape);
    tcase_add_test(tc, test_diff);
    tcase_add_test(tc, test_timing);
    suite_add_tcase(s, tc);
    tc = tcase_create("run");
    tcase_add_test(tc, test_find_assets);
    tcase_add_test(tc, test_verify_against);
    tcase_add_test(tc, test_verify_interpreter);
    tcase_add_test(tc, test_expect);
    tcase_set_timeout(tc, 60);
    suite_add_tcase(s, tc);
    tc = tcase_create("library");
    tcase_add_test(tc, test_library_languages);
    tcase_add_test(tc, test_library_captions_fire);
    tcase_set_timeout(tc, 300);
    suite_add_tcase(s, tc);
    return s;
}

int main(void) {
    SRunner *sr = srunner_create(verify_suite());
    srunner_run_all(sr, CK_ENV);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
