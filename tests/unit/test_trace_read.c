/* test_trace_read.c - unit tests of the JSON Lines reader (trace_read.c):
 * write -> read round trips (a real run and every kind of field), skipped
 * unknown kinds and keys, and bad inputs that must fail with
 * NAME:LINE:COL: message and never crash. */
#include "trace/trace.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "lang/lang.h"
#include "sim/sim.h"

/* ------------------------------------------------------------------ */
/* Helpers                                                             */

static FILE *test_mem(const char *text, size_t len) {
    FILE *f = tmpfile();
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(fwrite(text, 1, len, f), len);
    rewind(f);
    return f;
}

static trace_log *test_read_text(const char *text, char *err, size_t errlen) {
    FILE *f = test_mem(text, strlen(text));
    trace_log *log = trace_read_jsonl(f, "t.jsonl", err, errlen);
    fclose(f);
    return log;
}

/* Writes log with trace_write_jsonl and reads it back. */
static trace_log *test_round_trip(const trace_log *log) {
    FILE *f = tmpfile();
    ck_assert_ptr_nonnull(f);
    ck_assert(trace_write_jsonl(log, f));
    rewind(f);
    char err[512];
    trace_log *back = trace_read_jsonl(f, "rt.jsonl", err, sizeof err);
    ck_assert_msg(back != NULL, "round trip failed: %s", err);
    fclose(f);
    return back;
}

static void test_same_string(const trace_log *a, uint32_t ia, const trace_log *b, uint32_t ib) {
    size_t na, nb;
    const char *sa = trace_log_string(a, ia, &na);
    const char *sb = trace_log_string(b, ib, &nb);
    ck_assert_uint_eq(na, nb);
    ck_assert_msg(memcmp(sa, sb, na) == 0, "strings differ: '%s' vs '%s'", sa, sb);
}

static void test_same_log(const trace_log *a, const trace_log *b) {
    const trace_header *ha = trace_log_header(a), *hb = trace_log_header(b);
    ck_assert_str_eq(ha->title, hb->title);
    ck_assert_str_eq(ha->filename, hb->filename);
    ck_assert_str_eq(ha->source, hb->source);
    ck_assert_str_eq(ha->start_method, hb->start_method);
    ck_assert_str_eq(ha->gil, hb->gil);
    ck_assert_int_eq(ha->cores, hb->cores);
    ck_assert_int_eq(ha->switch_interval_ns, hb->switch_interval_ns);
    ck_assert_uint_eq(ha->seed, hb->seed);
    ck_assert_uint_eq(trace_log_count(a), trace_log_count(b));
    for (size_t i = 0; i < trace_log_count(a); i++) {
        const trace_event *x = trace_log_get(a, i), *y = trace_log_get(b, i);
        ck_assert_msg(x->t == y->t && x->kind == y->kind && x->line == y->line && x->pid == y->pid &&
                          x->tid == y->tid && x->obj == y->obj && x->a == y->a && x->b == y->b,
                      "event %zu differs", i);
        test_same_string(a, x->text, b, y->text);
    }
}

static void test_add(trace_log *log, trace_kind kind, int64_t t, int32_t pid, int32_t tid, int32_t objid,
                     int32_t a, int32_t b, const char *text, size_t len, uint16_t line) {
    trace_event ev = {.t = t, .kind = (uint16_t)kind, .line = line, .pid = pid, .tid = tid, .obj = objid,
                      .a = a, .b = b, .text = text ? trace_log_intern(log, text, len) : 0};
    trace_log_add(log, &ev);
}

/* Runs a Python program on the simulated machine into a new log. */
static trace_log *test_run(const char *src) {
    lang_origin origin = {"prog.py", 1, 0};
    lang_error err;
    lang_program *prog = lang_compile(src, strlen(src), &origin, &err);
    ck_assert_msg(prog != NULL, "compile: %s", err.msg);
    sim_config cfg;
    sim_config_default(&cfg);
    cfg.write = lang_write_nowhere;
    trace_log *log = trace_log_new();
    trace_header h = {(char *)"A run", (char *)"prog.py", (char *)src, 4, (char *)"fork", (char *)"new",
                      5000000, 7};
    trace_log_set_header(log, &h);
    sim *s = sim_new(prog, &cfg, log);
    sim_run(s);
    sim_free(s);
    lang_program_free(prog);
    return log;
}

/* ------------------------------------------------------------------ */
/* Round trips                                                         */

START_TEST(round_trip_real_run) {
    trace_log *log = test_run("import threading, queue, time\n"
                              "lock = threading.Lock()\n"
                              "q = queue.Queue()\n"
                              "def worker(name):\n"
                              "    with lock:\n"
                              "        q.put(name)\n"
                              "        print(name, 'has the lock — 锁')\n"
                              "        time.sleep(0.1)\n"
                              "ts = [threading.Thread(target=worker, args=(n,)) for n in 'ABC']\n"
                              "for t in ts:\n"
                              "    t.start()\n"
                              "for t in ts:\n"
                              "    t.join()\n"
                              "print(q.get(), q.get(), q.get())\n");
    ck_assert_uint_gt(trace_log_count(log), 50);
    trace_log *back = test_round_trip(log);
    test_same_log(log, back);
    trace_log_free(back);
    trace_log_free(log);
}
END_TEST

START_TEST(round_trip_every_field) {
    trace_log *log = trace_log_new();
    trace_header h = {(char *)"T \"q\" \\ 中文", (char *)"f.yaml", (char *)"src\n\twith\x01 control\r\n", 8,
                      (char *)"spawn", (char *)"old", 123456789, UINT64_MAX};
    trace_log_set_header(log, &h);
    test_add(log, TRACE_PROC_NEW, 0, 100, -1, -1, -1, 0, "MainProcess", 11, 0);
    test_add(log, TRACE_THREAD_NEW, 0, 100, 1, -1, 1, 0, "MainThread", 10, 3);
    test_add(log, TRACE_THREAD_STATE, 5, 100, 1, 2, TS_BLOCKED, -1, "lock.acquire()", 14, 65535);
    test_add(log, TRACE_GIL_DROP, 6, 100, 1, -1, TG_TICKS, 0, NULL, 0, 1);
    test_add(log, TRACE_OBJ_NEW, 7, 100, 1, 2, TO_MANAGER, -5, "m", 1, 1);
    test_add(log, TRACE_SYNC_OP, 8, 100, 1, 2, TOP_JOIN, TRACE_RESULT_BLOCKED, "", 0, 1);
    test_add(log, TRACE_SYNC_OP, 9, 100, 1, 2, 77, 9, "odd values", 10, 1);        /* numbers */
    test_add(log, TRACE_THREAD_STATE, 9, 100, 1, -1, 42, 3, "", 0, 1);            /* new state */
    test_add(log, TRACE_PRINT, 10, 100, 1, -1, 2, 0, "nul\0inside\n", 11, 0);
    test_add(log, TRACE_CAPTION, INT64_MAX, -1, -1, -1, 0, 0, "生产者 waits", 15, 0);
    test_add(log, (trace_kind)77, INT64_MAX, 5, 6, 7, INT32_MIN, INT32_MAX, "future", 6, 9);
    test_add(log, TRACE_RUN_END, INT64_MAX, -1, -1, -1, 3, 0, "deadlock", 8, 0);
    trace_log *back = test_round_trip(log);
    test_same_log(log, back);
    trace_log_free(back);
    trace_log_free(log);
}
END_TEST

START_TEST(invalid_utf8_becomes_replacement) {
    trace_log *log = trace_log_new();
    test_add(log, TRACE_PRINT, 0, 100, 1, -1, 1, 0, "a\xff" "b", 3, 0);
    trace_log *back = test_round_trip(log);
    size_t n;
    const char *s = trace_log_string(back, trace_log_get(back, 0)->text, &n);
    ck_assert_uint_eq(n, 5);
    ck_assert(memcmp(s, "a\xEF\xBF\xBD" "b", 5) == 0);
    trace_log_free(back);
    trace_log_free(log);
}
END_TEST

START_TEST(lenient_where_the_format_allows) {
    char err[256];
    trace_log *log = test_read_text(
        "{\"version\":1,\"format\":\"concviz-trace\",\"extra\":[1,{\"x\":null}],\"machine\":{\"cores\":2,\"new\":true}}\n"
        "\n"
        "{\"kind\":\"print\",\"t\":5,\"seq\":0,\"text\":\"hi\\u00e9\\ud83d\\ude00\",\"fd\":1,\"pid\":100,\"more\":1.5e3}\n"
        "{\"seq\":1,\"t\":6,\"kind\":\"teleport\",\"pid\":100}\n"
        "{\"seq\":2,\"t\":6,\"kind\":\"sync_op\",\"op\":\"juggle\",\"result\":\"ok\",\"obj\":3}\r\n"
        "{\"seq\":3,\"t\":7,\"kind\":\"unknown\",\"kind_code\":300,\"a\":4,\"text\":\"x\"}",
        err, sizeof err);
    ck_assert_msg(log != NULL, "%s", err);
    ck_assert_int_eq(trace_log_header(log)->cores, 2);
    ck_assert_uint_eq(trace_log_count(log), 3); /* the teleport is skipped */
    size_t n;
    const char *s = trace_log_string(log, trace_log_get(log, 0)->text, &n);
    ck_assert_uint_eq(n, 8);
    ck_assert(memcmp(s, "hi\xC3\xA9\xF0\x9F\x98\x80", 8) == 0);
    ck_assert_int_eq(trace_log_get(log, 1)->a, -1); /* unknown op name */
    ck_assert_int_eq(trace_log_get(log, 1)->b, TRACE_RESULT_OK);
    ck_assert_int_eq(trace_log_get(log, 2)->kind, 300);
    ck_assert_int_eq(trace_log_get(log, 2)->a, 4);
    trace_log_free(log);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Bad inputs                                                          */

#define HDR "{\"format\":\"concviz-trace\",\"version\":1}\n"

static const struct bad_case {
    const char *input;
    const char *want; /* a prefix of the message */
} bad_cases[] = {
    {"", "t.jsonl:1:1: empty trace"},
    {"\n\n", "t.jsonl:2:1: empty trace"},
    {"hello\n", "t.jsonl:1:1: expected '{', found 'h'"},
    {"{\"format\":\"other\",\"version\":1}\n", "t.jsonl:1:11: not a concviz trace"},
    {"{\"version\":1}\n", "t.jsonl:1:1: not a concviz trace"},
    {"{\"format\":\"concviz-trace\"}\n", "t.jsonl:1:1: missing \"version\""},
    {"{\"format\":\"concviz-trace\",\"version\":2}\n", "t.jsonl:1:37: trace format version 2 is not supported"},
    {"{\"format\":\"concviz-trace\",\"version\":1,}\n", "t.jsonl:1:39: expected a key in double quotes"},
    {"{\"format\":\"concviz-trace\",\"version\":1} x\n", "t.jsonl:1:40: unexpected text after the object"},
    {"{\"format\":\"concviz-trace\",\"version\":1,\"seed\":-1}\n", "t.jsonl:1:46: \"seed\" must be an integer"},
    {HDR "{\"seq\":0,\"t\":0}\n", "t.jsonl:2:1: missing \"kind\""},
    {HDR "{\"t\":0,\"kind\":\"print\"}\n", "t.jsonl:2:1: missing \"seq\""},
    {HDR "{\"seq\":1,\"t\":0,\"kind\":\"print\"}\n", "t.jsonl:2:8: \"seq\" is 1, expected 0"},
    {HDR "{\"seq\":0,\"t\":5,\"kind\":\"print\"}\n{\"seq\":1,\"t\":4,\"kind\":\"print\"}\n",
     "t.jsonl:3:14: time goes backwards"},
    {HDR "{\"seq\":0,\"t\":-1,\"kind\":\"print\"}\n", "t.jsonl:2:14: \"t\" is out of range"},
    {HDR "{\"seq\":0,\"t\":0.5,\"kind\":\"print\"}\n", "t.jsonl:2:14: \"t\" must be an integer"},
    {HDR "{\"seq\":0,\"t\":007,\"kind\":\"print\"}\n", "t.jsonl:2:14: a number cannot have leading zeros"},
    {HDR "{\"seq\":0,\"t\":99999999999999999999999,\"kind\":\"print\"}\n", "t.jsonl:2:14: integer too large"},
    {HDR "{\"seq\":0,\"t\":0,\"kind\":\"print\",\"pid\":4294967296}\n", "t.jsonl:2:37: \"pid\" is out of range"},
    {HDR "{\"seq\":0,\"t\":0,\"kind\":\"print\",\"line\":70000}\n", "t.jsonl:2:38: \"line\" is out of range"},
    {HDR "{\"seq\":0,\"t\":0,\"kind\":\"print\",\"fd\":\"one\"}\n", "t.jsonl:2:36: \"fd\" must be an integer"},
    {HDR "{\"seq\":0,\"t\":0,\"kind\":\"print\",\"text\":5}\n", "t.jsonl:2:38: \"text\" must be a string"},
    {HDR "{\"seq\":0,\"t\":0,\"kind\":\"print\",\"text\":\"abc}\n", "t.jsonl:2:43: unterminated string"},
    {HDR "{\"seq\":0,\"t\":0,\"kind\":\"print\",\"text\":\"a\\qb\"}\n", "t.jsonl:2:40: invalid escape '\\q'"},
    {HDR "{\"seq\":0,\"t\":0,\"kind\":\"print\",\"text\":\"\\ud800x\"}\n", "t.jsonl:2:39: invalid \\u escape: a lone high"},
    {HDR "{\"seq\":0,\"t\":0,\"kind\":\"print\",\"text\":\"\\udc00\"}\n", "t.jsonl:2:39: invalid \\u escape: a lone low"},
    {HDR "{\"seq\":0,\"t\":0,\"kind\":\"print\",\"text\":\"\\u12g4\"}\n", "t.jsonl:2:43: a \\u escape needs four hex"},
    {HDR "{\"seq\":0,\"t\":0,\"kind\":\"print\",\"text\":\"a\tb\"}\n", "t.jsonl:2:40: control character 0x09"},
    {HDR "{\"seq\":0,\"t\":0,\"kind\":\"print\",\"text\":\"a\xff\"}\n", "t.jsonl:2:40: invalid UTF-8 byte 0xff"},
    {HDR "{\"seq\":0,\"t\":0,\"kind\":\"print\",\"x\":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["
         "[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}\n",
     "t.jsonl:2:"},
    {HDR "{\"seq\":0,\"t\":0,\"kind\":\"unknown\"}\n", "t.jsonl:2:1: missing \"kind_code\""},
    {HDR "{\"seq\":0,\"t\":0,\"kind\":\"print\",\"x\":tru}\n", "t.jsonl:2:35: expected a value, found 't'"},
    {HDR "{\"seq\":0 \"t\":0}\n", "t.jsonl:2:10: expected '}', found '\"'"},
    {HDR "[1,2]\n", "t.jsonl:2:1: expected '{', found '['"},
    {HDR "{\"seq\":0,\"t\":0,\"kind\":\"print\"", "t.jsonl:2:30: expected '}', found the end of the line"},
};

START_TEST(bad_input) {
    const struct bad_case *c = &bad_cases[_i];
    char err[512];
    trace_log *log = test_read_text(c->input, err, sizeof err);
    ck_assert_msg(log == NULL, "case %d: accepted", _i);
    ck_assert_msg(strncmp(err, c->want, strlen(c->want)) == 0, "case %d: got '%s', want '%s...'", _i, err,
                  c->want);
}
END_TEST

START_TEST(small_error_buffer) {
    char err[12];
    trace_log *log = test_read_text("nonsense", err, sizeof err);
    ck_assert_ptr_null(log);
    ck_assert_uint_lt(strlen(err), sizeof err);
}
END_TEST

/* Garbage must never crash the reader: mutate a real trace byte by byte and
 * feed random bytes. Either result (a log or an error) is fine. */
START_TEST(garbage_never_crashes) {
    trace_log *log = test_run("import threading\n"
                              "l = threading.Lock()\n"
                              "def w():\n"
                              "    with l:\n"
                              "        print('x')\n"
                              "t = threading.Thread(target=w)\n"
                              "t.start()\n"
                              "t.join()\n");
    FILE *f = tmpfile();
    ck_assert(trace_write_jsonl(log, f));
    long size = ftell(f);
    rewind(f);
    char *text = malloc((size_t)size);
    ck_assert_uint_eq(fread(text, 1, (size_t)size, f), (size_t)size);
    fclose(f);
    trace_log_free(log);
    uint32_t rng = 12345;
    char err[256];
    for (int round = 0; round < 600; round++) {
        char *copy = malloc((size_t)size);
        memcpy(copy, text, (size_t)size);
        int nmut = 1 + round % 5;
        for (int k = 0; k < nmut; k++) {
            rng = rng * 1103515245u + 12345u;
            size_t at = (rng >> 8) % (size_t)size;
            rng = rng * 1103515245u + 12345u;
            static const char pool[] = "{}[]\":,\\0123456789-eu\n\xff\xc3 ";
            copy[at] = round % 3 == 0 ? (char)(rng >> 16) : pool[(rng >> 16) % (sizeof pool - 1)];
        }
        FILE *g = test_mem(copy, (size_t)size);
        trace_log *r = trace_read_jsonl(g, "g", err, sizeof err);
        fclose(g);
        trace_log_free(r);
        free(copy);
    }
    for (int round = 0; round < 200; round++) {
        char junk[300];
        for (size_t i = 0; i < sizeof junk; i++) {
            rng = rng * 1103515245u + 12345u;
            junk[i] = (char)(rng >> 16);
        }
        FILE *g = test_mem(junk, sizeof junk);
        trace_log *r = trace_read_jsonl(g, "g", err, sizeof err);
        fclose(g);
        trace_log_free(r);
    }
    free(text);
}
END_TEST

static Suite *trace_read_suite(void) {
    Suite *s = suite_create("trace_read");
    TCase *tc = tcase_create("read");
    tcase_add_test(tc, round_trip_real_run);
    tcase_add_test(tc, round_trip_every_field);
    tcase_add_test(tc, invalid_utf8_becomes_replacement);
    tcase_add_test(tc, lenient_where_the_format_allows);
    tcase_add_loop_test(tc, bad_input, 0, (int)(sizeof bad_cases / sizeof bad_cases[0]));
    tcase_add_test(tc, small_error_buffer);
    tcase_add_test(tc, garbage_never_crashes);
    suite_add_tcase(s, tc);
    return s;
}

int main(void) {
    SRunner *sr = srunner_create(trace_read_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
