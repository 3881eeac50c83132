/* test_scenario.c - the scenario loader: fields, defaults, program origins,
 * every kind of bad input (line, column, message), and the built-in
 * scenarios (they load, and their program prints expect.stdout, both on
 * the simulated machine and under CPython). */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lang/lang.h"
#include "lang/strbuf.h"
#include "scenario/builtin.h"
#include "scenario/scenario.h"
#include "scenario/scenario_machine.h"
#include "sim/sim.h"

/* Loads text as NAME; the caller frees both. */
static int load(const char *name, const char *text, scenario *sc, scenario_diag *d) {
    scenario_diag_init(d);
    return scenario_load_mem(name, text, strlen(text), sc, d);
}

/* All problems as "FILE:L:C: msg\n" lines, sorted. */
static char *problems(scenario_diag *d) {
    strbuf sb;
    sb_init(&sb);
    scenario_diag_sort(d);
    for (size_t i = 0; i < d->count; i++) {
        scenario_diag_format(d, i, &sb);
        sb_putc(&sb, '\n');
    }
    return sb_take(&sb);
}

static const char full_yaml[] =
    "title: Pool scheduling\n"
    "title_zh: 进程池调度\n"
    "summary: Pool(4) with 5 tasks.\n"
    "machine:\n"
    "  cores: 8\n"
    "  start_method: spawn\n"
    "  gil: none\n"
    "  switch_interval: 500us\n"
    "seed: 42\n"
    "program: |\n"
    "  import time\n"
    "  print('hi')\n"
    "captions:\n"
    "  - when: {line: 2}\n"
    "    say: \"Hello\"\n"
    "    say_zh: 你好\n"
    "  - when: {time: 1.5s}\n"
    "    say: later\n"
    "  - when: {event: gil_drop}\n"
    "    say: drop\n"
    "expect:\n"
    "  stdout: |\n"
    "    hi\n"
    "  exit: 3\n"
    "  verify: timing\n";

START_TEST(test_full) {
    scenario sc;
    scenario_diag d;
    ck_assert_int_eq(load("full.yaml", full_yaml, &sc, &d), 0);
    ck_assert_uint_eq(d.count, 0);
    ck_assert_str_eq(sc.filename, "full.yaml");
    ck_assert(!sc.is_python);
    ck_assert_str_eq(sc.title, "Pool scheduling");
    ck_assert_str_eq(sc.title_zh, "进程池调度");
    ck_assert_str_eq(sc.summary, "Pool(4) with 5 tasks.");
    ck_assert_ptr_null(sc.summary_zh);
    ck_assert_int_eq(sc.cores, 8);
    ck_assert_int_eq(sc.start_method, SCENARIO_START_SPAWN);
    ck_assert_int_eq(sc.gil, SCENARIO_GIL_NONE);
    ck_assert_int_eq(sc.switch_interval_ns, 500000);
    ck_assert_uint_eq(sc.seed, 42);
    ck_assert_str_eq(sc.program, "import time\nprint('hi')\n");
    ck_assert_uint_eq(sc.program_len, strlen(sc.program));
    ck_assert_int_eq(sc.program_line, 11);
    ck_assert_int_eq(sc.program_indent, 2);
    ck_assert_uint_eq(sc.ncaptions, 3);
    ck_assert_int_eq(sc.captions[0].when, SCENARIO_WHEN_LINE);
    ck_assert_int_eq(sc.captions[0].line, 2);
    ck_assert_str_eq(sc.captions[0].say, "Hello");
    ck_assert_str_eq(sc.captions[0].say_zh, "你好");
    ck_assert_int_eq(sc.captions[0].src_line, 14);
    ck_assert_int_eq(sc.captions[1].when, SCENARIO_WHEN_TIME);
    ck_assert_int_eq(sc.captions[1].time_ns, 1500000000);
    ck_assert_ptr_null(sc.captions[1].say_zh);
    ck_assert_int_eq(sc.captions[2].when, SCENARIO_WHEN_EVENT);
    ck_assert_str_eq(sc.captions[2].event, "gil_drop");
    ck_assert_str_eq(sc.expect_stdout, "hi\n");
    ck_assert_int_eq(sc.expect_exit, 3);
    ck_assert_int_eq(sc.verify, SCENARIO_VERIFY_TIMING);
    ck_assert_uint_eq(sc.source_len, strlen(full_yaml));
    ck_assert_str_eq(sc.source, full_yaml);
    scenario_free(&sc);
    scenario_diag_fini(&d);
}
END_TEST

START_TEST(test_defaults) {
    scenario sc;
    scenario_diag d;
    ck_assert_int_eq(load("dir/min.yaml", "program: print(1)\n", &sc, &d), 0);
    ck_assert_str_eq(sc.title, "min.yaml");
    ck_assert_str_eq(sc.summary, "");
    ck_assert_ptr_null(sc.title_zh);
    ck_assert_int_eq(sc.cores, 4);
    ck_assert_int_eq(sc.start_method, SCENARIO_START_FORK);
    ck_assert_int_eq(sc.gil, SCENARIO_GIL_NEW);
    ck_assert_int_eq(sc.switch_interval_ns, 5000000);
    ck_assert_uint_eq(sc.seed, 0);
    ck_assert_uint_eq(sc.ncaptions, 0);
    ck_assert_ptr_null(sc.expect_stdout);
    ck_assert_int_eq(sc.expect_exit, -1);
    ck_assert_int_eq(sc.verify, SCENARIO_VERIFY_EXACT);
    /* plain one-line scalar: starts at its own mark */
    ck_assert_str_eq(sc.program, "print(1)");
    ck_assert_int_eq(sc.program_line, 1);
    ck_assert_int_eq(sc.program_indent, 9);
    scenario_free(&sc);
    scenario_diag_fini(&d);
}
END_TEST

START_TEST(test_empty_sections) {
    scenario sc;
    scenario_diag d;
    ck_assert_int_eq(load("e.yaml", "machine:\ncaptions: []\nexpect: {}\nprogram: x\n", &sc, &d), 0);
    ck_assert_int_eq(sc.cores, 4);
    scenario_free(&sc);
    scenario_diag_fini(&d);
}
END_TEST

/* Where the program text starts: {yaml, first_line, indent, program}. */
static const struct {
    const char *yaml;
    int line, indent;
    const char *program;
} origins[] = {
    {"program: |\n  a\n  b\n", 2, 2, "a\nb\n"},
    {"title: t\n\nprogram: |\n    a\n      b\n", 4, 4, "a\n  b\n"},
    {"program: |\n\n  a\n", 2, 2, "\na\n"},                   /* leading blank line */
    {"program: |-\n   a\n", 2, 3, "a"},                        /* strip chomping */
    {"program: |  # comment\n  a\n", 2, 2, "a\n"},
    {"program: |2\n    a\n", 2, 2, "  a\n"},                   /* explicit indentation */
    {"program:\n  |\n   a\n", 3, 3, "a\n"},                    /* indicator on its own line */
    {"program: \"a\"\n", 1, 10, "a"},                          /* quoted: after the quote */
    {"program: 'a'\n", 1, 10, "a"},
    {"  program: a\n", 1, 11, "a"},
    {"{program: a}\n", 1, 10, "a"},                            /* flow mapping */
    {"program: |\r\n  a\r\n  b\r\n", 2, 2, "a\nb\n"},          /* CRLF */
    {"\xef\xbb\xbfprogram: |\n  a\n", 2, 2, "a\n"},            /* UTF-8 BOM */
    {"\xef\xbb\xbfprogram: a\n", 1, 9, "a"},                  /* BOM is not a column */
};

START_TEST(test_program_origin) {
    for (size_t i = 0; i < sizeof origins / sizeof origins[0]; i++) {
        if (!origins[i].program) continue;
        scenario sc;
        scenario_diag d;
        int rc = load("o.yaml", origins[i].yaml, &sc, &d);
        char *p = problems(&d);
        ck_assert_msg(rc == 0, "case %zu: %s", i, p);
        free(p);
        ck_assert_msg(strcmp(sc.program, origins[i].program) == 0, "case %zu: program '%s'", i,
                      sc.program);
        ck_assert_msg(sc.program_line == origins[i].line, "case %zu: line %d", i, sc.program_line);
        ck_assert_msg(sc.program_indent == origins[i].indent, "case %zu: indent %d", i,
                      sc.program_indent);
        scenario_free(&sc);
        scenario_diag_fini(&d);
    }
}
END_TEST

START_TEST(test_python_file) {
    scenario sc;
    scenario_diag d;
    ck_assert_int_eq(load("x/demo.py", "print('a')\n", &sc, &d), 0);
    ck_assert(sc.is_python);
    ck_assert_str_eq(sc.title, "demo.py");
    ck_assert_str_eq(sc.program, "print('a')\n");
    ck_assert_int_eq(sc.program_line, 1);
    ck_assert_int_eq(sc.program_indent, 0);
    ck_assert_int_eq(sc.cores, 4);
    scenario_free(&sc);
    scenario_diag_fini(&d);
    /* an empty .py file is a valid (empty) program */
    ck_assert_int_eq(load("e.py", "", &sc, &d), 0);
    ck_assert_str_eq(sc.program, "");
    scenario_free(&sc);
    scenario_diag_fini(&d);
}
END_TEST

/* Bad scenarios: every expected line must appear in the problem list, and
 * there are exactly 'count' problems. */
static const struct {
    const char *yaml;
    const char *expect;
    size_t count;
} bad[] = {
    {"machine:\n  cors: 3\nprogram: x\n", "b.yaml:2:3: unknown key 'cors' (did you mean 'cores'?)", 1},
    {"cores: 3\nprogram: x\n", "b.yaml:1:1: unknown key 'cores' here ('cores' belongs under 'machine:')", 1},
    {"titel: a\nprogram: x\n", "b.yaml:1:1: unknown key 'titel' (did you mean 'title'?)", 1},
    {"zzz: a\nprogram: x\n", "b.yaml:1:1: unknown key 'zzz' in the scenario (known keys:", 1},
    {"program: x\nprogram: y\n", "b.yaml:2:1: duplicate key 'program' (first given at line 1)", 1},
    {"machine:\n  cores: 0\nprogram: x\n", "b.yaml:2:10: 'cores' must be an integer from 1 to 64, got '0'", 1},
    {"machine:\n  cores: 65\nprogram: x\n", "b.yaml:2:10: 'cores' must be an integer from 1 to 64, got '65'", 1},
    {"machine:\n  cores: four\nprogram: x\n", "b.yaml:2:10: 'cores' must be an integer from 1 to 64, got 'four'", 1},
    {"machine:\n  cores: \"4\"\nprogram: x\n", "b.yaml:2:10: 'cores' must be an integer from 1 to 64, got the quoted string \"4\"", 1},
    {"machine:\n  cores: [4]\nprogram: x\n", "b.yaml:2:10: 'cores' must be an integer from 1 to 64, got a list", 1},
    {"machine:\n  cores:\nprogram: x\n", "b.yaml:2:9: 'cores' must be an integer from 1 to 64, got nothing", 1},
    {"machine: 4\nprogram: x\n", "b.yaml:1:10: 'machine' must be a mapping of keys, got '4'", 1},
    {"machine:\n  start_method: vfork\nprogram: x\n", "b.yaml:2:17: 'start_method' must be one of fork, spawn, forkserver, got 'vfork'", 1},
    {"machine:\n  start_method: spwn\nprogram: x\n", "got 'spwn' (did you mean 'spawn'?)", 1},
    {"machine:\n  gil: yes\nprogram: x\n", "b.yaml:2:8: 'gil' must be one of new, old, none, got 'yes'", 1},
    {"machine:\n  switch_interval: fast\nprogram: x\n", "b.yaml:2:20: 'switch_interval' must be a duration from 1us to 10s (like 5ms, 500us, 1s or 0.005), got 'fast'", 1},
    {"machine:\n  switch_interval: 11s\nprogram: x\n", "b.yaml:2:20: 'switch_interval' must be a duration from 1us to 10s", 1},
    {"machine:\n  switch_interval: 999ns\nprogram: x\n", "got '999ns'", 1},
    {"seed: -1\nprogram: x\n", "b.yaml:1:7: 'seed' must be an integer >= 0, got '-1'", 1},
    {"seed: 1.5\nprogram: x\n", "b.yaml:1:7: 'seed' must be an integer >= 0, got '1.5'", 1},
    {"seed: 99999999999999999999\nprogram: x\n", "b.yaml:1:7: 'seed' must be an integer >= 0", 1},
    {"title: [a]\nprogram: x\n", "b.yaml:1:8: 'title' must be a string, got a list", 1},
    {"title: x\n", "b.yaml:1:1: missing required key 'program' in the scenario", 1},
    {"program:\n", "b.yaml:1:9: 'program' must be Python source (a literal block 'program: |'), got nothing", 1},
    {"program: >\n  a\n", "b.yaml:1:10: 'program' must be a literal block ('program: |'); a folded block", 1},
    {"program: a\n  b\n", "b.yaml:1:10: a 'program' of more than one line must be a literal block", 1},
    {"captions: 3\nprogram: x\n", "b.yaml:1:11: 'captions' must be a list of {when: ..., say: ...} mappings, got '3'", 1},
    {"captions:\n  - 3\nprogram: x\n", "b.yaml:2:5: each caption must be a mapping", 1},
    {"captions:\n  - say: a\nprogram: x\n", "b.yaml:2:5: missing required key 'when' in a caption", 1},
    {"captions:\n  - when: {line: 1}\nprogram: x\n", "b.yaml:2:5: missing required key 'say' in a caption", 1},
    {"captions:\n  - when: {}\n    say: a\nprogram: x\n", "b.yaml:2:11: 'when' needs 'line' or 'time' or 'event'", 1},
    {"captions:\n  - when: {line: 1, time: 1s}\n    say: a\nprogram: x\n", "b.yaml:2:21: 'when' takes only one of its keys ('line' was given already)", 1},
    {"captions:\n  - when: {line: 5}\n    say: a\nprogram: x\n", "b.yaml:2:11: caption line 5 is past the end of the program (1 lines)", 1},
    {"captions:\n  - when: {lines: 5}\n    say: a\nprogram: x\n", "b.yaml:2:12: unknown key 'lines' (did you mean 'line'?)", 2},
    {"expect:\n  exit: 256\nprogram: x\n", "b.yaml:2:9: 'exit' must be an integer from 0 to 255, got '256'", 1},
    {"expect:\n  verify: maybe\nprogram: x\n", "b.yaml:2:11: 'verify' must be one of exact, timing, got 'maybe'", 1},
    {"expect:\n  stdout: 'a\\0b'\nprogram: x\n", NULL, 0}, /* single quotes: no escapes, fine */
    {"expect:\n  stdout: \"a\\0b\"\nprogram: x\n", "b.yaml:2:11: 'stdout' contains a NUL character", 1},
    {"a: &x 1\nprogram: x\n", "b.yaml:1:4: YAML anchors ('&x') are not allowed in a scenario", 2},
    {"title: *x\nprogram: x\n", "b.yaml:1:8: YAML aliases ('*x') are not allowed in a scenario", 2},
    {"title: [a, b\nprogram: x\n", "b.yaml:2:8: YAML syntax error: did not find expected ',' or ']' (while parsing a flow sequence at line 1, column 8)", 1},
    {"title: a\n bad: b\nprogram: x\n", "b.yaml:2:5: YAML syntax error: mapping values are not allowed in this context", 1},
    {"\tprogram: x\n", "b.yaml:1:1: YAML syntax error: found character that cannot start any token", 1},
    {"", "b.yaml:1:1: the file is empty", 1},
    {"# nothing\n", "b.yaml:1:1: the scenario is empty (it needs at least a 'program' key)", 1},
    {"- a\n", "b.yaml:1:1: a scenario must be a mapping of keys like 'title:' and 'program:', got a list", 1},
    {"just text\n", "b.yaml:1:1: a scenario must be a mapping of keys like 'title:' and 'program:', got 'just text'", 1},
    {"program: x\n---\nprogram: y\n", "b.yaml:2:1: a scenario is one YAML document; found a second one here", 1},
    {"title: caf\xe9\nprogram: x\n", "b.yaml:1:11: invalid UTF-8 (byte 0xe9): a scenario file must be UTF-8 text", 1},
    {"title: \xed\xa0\x80\nprogram: x\n", "b.yaml:1:8: invalid UTF-8 (byte 0xed)", 1}, /* surrogate */
    {"title: \xc0\xaf\nprogram: x\n", "b.yaml:1:8: invalid UTF-8 (byte 0xc0)", 1},         /* overlong */
    {"title: a\x01\nprogram: x\n", "b.yaml:1:9: control characters are not allowed (byte 0x01)", 1},
    {"\xff\xfet\0i\0", "b.yaml:1:1: UTF-16 text is not supported: save the file as UTF-8", 1},
    {"machine:\n  cores: 1\n  seed: 2\nprogram: x\n", "b.yaml:3:3: unknown key 'seed' here ('seed' belongs at the top level)", 1},
    {"[program, x]: 1\nprogram: x\n", "b.yaml:1:1: a key must be a word, got a list", 1},
    /* several problems in one file are all reported, in file order */
    {"cors: 1\nseed: x\nmachine:\n  gil: old\n  gil: new\n", "b.yaml:1:1: unknown key 'cors' (did you mean 'cores' under 'machine:'?)\n"
     "b.yaml:1:1: missing required key 'program'", 4},
};

START_TEST(test_bad) {
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        scenario sc;
        scenario_diag d;
        scenario_diag_init(&d);
        size_t len = strlen(bad[i].yaml);
        if (bad[i].yaml[0] == '\xff') len = 6; /* the UTF-16 case holds NULs */
        int rc = scenario_load_mem("b.yaml", bad[i].yaml, len, &sc, &d);
        char *p = problems(&d);
        if (!bad[i].expect) {
            ck_assert_msg(rc == 0 && d.count == 0, "case %zu: unexpected problems:\n%s", i, p);
        } else {
            ck_assert_msg(rc == -1, "case %zu: loaded without problems", i);
            ck_assert_msg(strstr(p, bad[i].expect) != NULL, "case %zu: expected\n  %s\ngot\n%s", i,
                          bad[i].expect, p);
            ck_assert_msg(d.count == bad[i].count, "case %zu: %zu problems, expected %zu:\n%s", i,
                          d.count, bad[i].count, p);
        }
        free(p);
        scenario_free(&sc);
        scenario_diag_fini(&d);
    }
}
END_TEST

START_TEST(test_billion_laughs) {
    strbuf sb;
    sb_init(&sb);
    sb_puts(&sb, "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
    for (char c = 'b'; c <= 'i'; c++) {
        sb_printf(&sb, "%c: &%c [", c, c);
        for (int k = 0; k < 9; k++) sb_printf(&sb, "%s*%c", k ? "," : "", c - 1);
        sb_puts(&sb, "]\n");
    }
    sb_puts(&sb, "program: x\n");
    scenario sc;
    scenario_diag d;
    int rc = load("laughs.yaml", sb.data, &sc, &d);
    ck_assert_int_eq(rc, -1);
    char *p = problems(&d);
    ck_assert_msg(strstr(p, "laughs.yaml:1:4: YAML anchors ('&a') are not allowed") != NULL, "%s", p);
    ck_assert_msg(strstr(p, "laughs.yaml:2:8: YAML aliases ('*a') are not allowed") != NULL, "%s", p);
    /* one anchor, one alias and the 9 unknown keys a..i */
    ck_assert_msg(d.count == 11, "%s", p);
    free(p);
    scenario_free(&sc);
    scenario_diag_fini(&d);
    sb_free(&sb);
}
END_TEST

START_TEST(test_limits) {
    scenario sc;
    scenario_diag d;
    strbuf sb;
    sb_init(&sb);
    /* nesting */
    sb_puts(&sb, "program: x\nz: ");
    sb_fill(&sb, '[', 100);
    sb_fill(&sb, ']', 100);
    sb_puts(&sb, "\n");
    ck_assert_int_eq(load("deep.yaml", sb.data, &sc, &d), -1);
    char *p = problems(&d);
    ck_assert_msg(strstr(p, "deep.yaml:2:") && strstr(p, "YAML nested too deeply"), "%s", p);
    free(p);
    scenario_free(&sc);
    scenario_diag_fini(&d);
    /* file size */
    sb_clear(&sb);
    sb_puts(&sb, "program: x\n");
    while (sb.len <= SCENARIO_MAX_FILE_BYTES) sb_puts(&sb, "# padding padding padding padding\n");
    ck_assert_int_eq(load("big.yaml", sb.data, &sc, &d), -1);
    p = problems(&d);
    ck_assert_msg(strstr(p, "concviz: 'big.yaml' is too large"), "%s", p);
    free(p);
    scenario_free(&sc);
    scenario_diag_fini(&d);
    /* string length */
    sb_clear(&sb);
    sb_puts(&sb, "program: x\ntitle: ");
    sb_fill(&sb, 'a', 201);
    sb_puts(&sb, "\n");
    ck_assert_int_eq(load("long.yaml", sb.data, &sc, &d), -1);
    p = problems(&d);
    ck_assert_msg(strstr(p, "long.yaml:2:8: 'title' is too long (201 bytes; at most 200)"), "%s", p);
    free(p);
    scenario_free(&sc);
    scenario_diag_fini(&d);
    /* node count */
    sb_clear(&sb);
    sb_puts(&sb, "program: x\nz: [");
    for (int i = 0; i < SCENARIO_MAX_NODES; i++) sb_puts(&sb, "1,");
    sb_puts(&sb, "1]\n");
    ck_assert_int_eq(load("many.yaml", sb.data, &sc, &d), -1);
    p = problems(&d);
    ck_assert_msg(strstr(p, "too many YAML nodes"), "%s", p);
    free(p);
    scenario_free(&sc);
    scenario_diag_fini(&d);
    sb_free(&sb);
}
END_TEST

START_TEST(test_too_many_problems) {
    strbuf sb;
    sb_init(&sb);
    for (int i = 0; i < SCENARIO_MAX_PROBLEMS + 10; i++) sb_printf(&sb, "k%d: 1\n", i);
    scenario sc;
    scenario_diag d;
    ck_assert_int_eq(load("many.yaml", sb.data, &sc, &d), -1);
    ck_assert_uint_eq(d.count, SCENARIO_MAX_PROBLEMS);
    ck_assert_uint_eq(d.dropped, 11); /* 10 unknown keys and the missing 'program' */
    scenario_free(&sc);
    scenario_diag_fini(&d);
    sb_free(&sb);
}
END_TEST

START_TEST(test_file_errors) {
    scenario sc;
    scenario_diag d;
    scenario_diag_init(&d);
    ck_assert_int_eq(scenario_load_file("/nonexistent/x.yaml", &sc, &d), -1);
    char *p = problems(&d);
    ck_assert_str_eq(p, "concviz: cannot open '/nonexistent/x.yaml': No such file or directory\n");
    free(p);
    scenario_free(&sc);
    scenario_diag_fini(&d);
}
END_TEST

START_TEST(test_parse_helpers) {
    int64_t v;
    ck_assert(scenario_parse_duration("5ms", &v) && v == 5000000);
    ck_assert(scenario_parse_duration("0.005", &v) && v == 5000000);
    ck_assert(scenario_parse_duration("500us", &v) && v == 500000);
    ck_assert(scenario_parse_duration("500\xc2\xb5s", &v) && v == 500000);
    ck_assert(scenario_parse_duration("1s", &v) && v == 1000000000);
    ck_assert(scenario_parse_duration("1", &v) && v == 1000000000);
    ck_assert(scenario_parse_duration("1.5s", &v) && v == 1500000000);
    ck_assert(scenario_parse_duration(".5ms", &v) && v == 500000);
    ck_assert(scenario_parse_duration("250ns", &v) && v == 250);
    ck_assert(scenario_parse_duration("5 ms", &v) && v == 5000000);
    ck_assert(scenario_parse_duration("0.0000000010", &v) && v == 1);
    ck_assert(!scenario_parse_duration("", &v));
    ck_assert(!scenario_parse_duration("ms", &v));
    ck_assert(!scenario_parse_duration("-1ms", &v));
    ck_assert(!scenario_parse_duration("1e3", &v));
    ck_assert(!scenario_parse_duration("5m", &v));
    ck_assert(!scenario_parse_duration("5 ", &v));
    ck_assert(!scenario_parse_duration("1.5ns", &v));
    ck_assert(!scenario_parse_duration("0.0000000001", &v));
    ck_assert(!scenario_parse_duration("99999999999999999999s", &v));
    ck_assert(scenario_parse_int("42", 0, 100, &v) && v == 42);
    ck_assert(scenario_parse_int("+7", 0, 100, &v) && v == 7);
    ck_assert(scenario_parse_int("-3", -5, 100, &v) && v == -3);
    ck_assert(!scenario_parse_int("101", 0, 100, &v));
    ck_assert(!scenario_parse_int("0x10", 0, 100, &v));
    ck_assert(!scenario_parse_int("4.0", 0, 100, &v));
    ck_assert(!scenario_parse_int("", 0, 100, &v));
    ck_assert(!scenario_parse_int(" 4", 0, 100, &v));
    ck_assert(!scenario_parse_int("9223372036854775808", 0, INT64_MAX, &v));
    strbuf sb;
    sb_init(&sb);
    scenario_format_duration(5000000, &sb);
    sb_putc(&sb, ' ');
    scenario_format_duration(1500000000, &sb);
    sb_putc(&sb, ' ');
    scenario_format_duration(1000, &sb);
    sb_putc(&sb, ' ');
    scenario_format_duration(0, &sb);
    ck_assert_str_eq(sb.data, "5ms 1500ms 1us 0ns");
    sb_clear(&sb);
    scenario_describe_keys(&sb);
    ck_assert_ptr_nonnull(strstr(sb.data, "machine.cores"));
    ck_assert_ptr_nonnull(strstr(sb.data, "an integer from 1 to 64, default 4"));
    ck_assert_ptr_nonnull(strstr(sb.data, "program"));
    sb_free(&sb);
}
END_TEST

START_TEST(test_builtins_load) {
    ck_assert_uint_ge(scenario_builtin_count(), 1);
    ck_assert_int_ge(scenario_builtin_find(SCENARIO_BUILTIN_DEFAULT), 0);
    ck_assert_int_eq(scenario_builtin_find(SCENARIO_BUILTIN_DEFAULT ".yaml"),
                     scenario_builtin_find(SCENARIO_BUILTIN_DEFAULT));
    ck_assert_int_eq(scenario_builtin_find("no_such_scenario"), -1);
    ck_assert_int_eq(scenario_builtin_get(scenario_builtin_count(), NULL, NULL, NULL), -1);
    for (size_t i = 0; i < scenario_builtin_count(); i++) {
        const char *name;
        const unsigned char *data;
        size_t len;
        ck_assert_int_eq(scenario_builtin_get(i, &name, &data, &len), 0);
        ck_assert_uint_eq(strlen((const char *)data), len);
        scenario sc;
        scenario_diag d;
        scenario_diag_init(&d);
        int rc = scenario_load_arg(name, &sc, &d);
        char *p = problems(&d);
        ck_assert_msg(rc == 0, "%s: %s", name, p);
        free(p);
        ck_assert_msg(sc.expect_stdout != NULL, "%s has no expect.stdout", name);
        ck_assert_msg(sc.title_zh && sc.summary[0], "%s needs title, title_zh and summary", name);
        scenario_free(&sc);
        scenario_diag_fini(&d);
    }
}
END_TEST

/* Collects what a program writes to fd 1. */
static void capture(void *ctx, int fd, const char *text, size_t len) {
    if (fd == 1) sb_append(ctx, text, len);
}

/* Runs built-in number _i the way 'concviz run' does: on the simulated
 * machine the scenario describes (one test per scenario, so each has its
 * own timeout). */
START_TEST(test_builtins_run) {
    const char *name;
    scenario_builtin_get((size_t)_i, &name, NULL, NULL);
    scenario sc;
    scenario_diag d;
    scenario_diag_init(&d);
    ck_assert_int_eq(scenario_load_arg(name, &sc, &d), 0);
    lang_program *prog = scenario_machine_compile(&sc, &d);
    ck_assert_msg(prog != NULL, "%s does not compile", name);
    strbuf out;
    sb_init(&out);
    sim_config cfg;
    scenario_machine_config(&sc, &cfg);
    cfg.write = capture;
    cfg.write_ctx = &out;
    sim *s = sim_new(prog, &cfg, NULL);
    int status = sim_run(s);
    sim_free(s);
    ck_assert_msg(status == (sc.expect_exit < 0 ? 0 : sc.expect_exit), "%s: exit %d", name, status);
    ck_assert_msg(strcmp(out.data ? out.data : "", sc.expect_stdout) == 0, "%s: stdout differs from expect.stdout:\n%s",
                  name, out.data ? out.data : "");
    sb_free(&out);
    lang_program_free(prog);
    scenario_free(&sc);
    scenario_diag_fini(&d);
}
END_TEST

static Suite *scenario_suite(void) {
    Suite *s = suite_create("scenario");
    TCase *tc = tcase_create("load");
    tcase_add_test(tc, test_full);
    tcase_add_test(tc, test_defaults);
    tcase_add_test(tc, test_empty_sections);
    tcase_add_test(tc, test_program_origin);
    tcase_add_test(tc, test_python_file);
    tcase_add_test(tc, test_parse_helpers);
    suite_add_tcase(s, tc);
    tc = tcase_create("bad");
    tcase_add_test(tc, test_bad);
    tcase_add_test(tc, test_billion_laughs);
    tcase_add_test(tc, test_limits);
    tcase_add_test(tc, test_too_many_problems);
    tcase_add_test(tc, test_file_errors);
    suite_add_tcase(s, tc);
    tc = tcase_create("builtin");
    tcase_add_test(tc, test_builtins_load);
    tcase_add_loop_test(tc, test_builtins_run, 0, (int)scenario_builtin_count());
    suite_add_tcase(s, tc);
    return s;
}

int main(void) {
    SRunner *sr = srunner_create(scenario_suite());
    srunner_run_all(sr, CK_ENV);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
