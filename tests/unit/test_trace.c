/* test_trace.c - unit tests of the trace: the in-memory log and its string
 * table, the JSON Lines writer and the readable timeline. */
#include "trace/trace.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ */
/* Helpers                                                             */

/* Per-kind field names, straight from the contract's X-macro. */
typedef struct test_kind {
    const char *json, *a, *b, *text;
} test_kind;

static const test_kind test_kinds[] = {
#define TEST_KIND(name, json, a, b, text, doc) {json, a, b, text},
    TRACE_KINDS(TEST_KIND)
#undef TEST_KIND
};

static bool test_used(const char *field) { return strcmp(field, "-") != 0; }

static trace_event test_ev(trace_kind kind, int64_t t, int32_t pid, int32_t tid, int32_t obj,
                           int32_t a, int32_t b, uint32_t text) {
    trace_event ev = {.t = t, .kind = (uint16_t)kind, .line = 0, .pid = pid, .tid = tid,
                      .obj = obj, .a = a, .b = b, .text = text};
    return ev;
}

static uint32_t test_str(trace_log *log, const char *s) { return trace_log_intern(log, s, strlen(s)); }

static void test_add(trace_log *log, trace_kind kind, int64_t t, int32_t pid, int32_t tid,
                     int32_t obj, int32_t a, int32_t b, const char *text) {
    trace_event ev = test_ev(kind, t, pid, tid, obj, a, b, text ? test_str(log, text) : 0);
    trace_log_add(log, &ev);
}

/* Runs a writer into a temporary file and returns everything it wrote
 * (NUL-terminated, caller frees); *len gets the byte count. */
static char *test_capture(const trace_log *log, bool jsonl, size_t *len) {
    FILE *f = tmpfile();
    ck_assert_ptr_nonnull(f);
    if (jsonl)
        ck_assert(trace_write_jsonl(log, f));
    else
        trace_write_timeline(log, f);
    long size = ftell(f);
    ck_assert_int_ge(size, 0);
    rewind(f);
    char *buf = malloc((size_t)size + 1);
    ck_assert_uint_eq(fread(buf, 1, (size_t)size, f), (size_t)size);
    buf[size] = '\0';
    fclose(f);
    if (len) *len = (size_t)size;
    return buf;
}

/* Splits text in place at '\n' (the last line must end with one). */
static size_t test_lines(char *text, char **lines, size_t max) {
    size_t n = 0;
    for (char *p = text; *p;) {
        char *nl = strchr(p, '\n');
        ck_assert_msg(nl != NULL, "unterminated last line");
        *nl = '\0';
        if (n < max) lines[n] = p;
        n++;
        p = nl + 1;
    }
    return n;
}

/* A tiny JSON checker: it parses the whole grammar and records the members
 * of the top-level object. */
typedef struct test_member {
    char key[32];
    const char *val;
    size_t vlen;
} test_member;

static bool test_js_value(const char **p, int depth);

static void test_js_ws(const char **p) {
    while (**p == ' ' || **p == '\t' || **p == '\n' || **p == '\r') (*p)++;
}

static bool test_js_string(const char **p) {
    if (**p != '"') return false;
    for ((*p)++; **p != '"'; (*p)++) {
        unsigned char c = (unsigned char)**p;
        if (c == '\0' || c < 0x20) return false;
        if (c == '\\') {
            (*p)++;
            if (**p == 'u') {
                for (int i = 1; i <= 4; i++)
                    if (!strchr("0123456789abcdefABCDEF", (*p)[i]) || !(*p)[i]) return false;
                *p += 4;
            } else if (!**p || !strchr("\"\\/bfnrt", **p)) {
                return false;
            }
        }
    }
    (*p)++;
    return true;
}

static bool test_js_number(const char **p) {
    const char *s = *p;
    if (**p == '-') (*p)++;
    if (**p == '0') {
        (*p)++;
    } else if (**p >= '1' && **p <= '9') {
        while (**p >= '0' && **p <= '9') (*p)++;
    } else {
        return false;
    }
    if (**p == '.') {
        (*p)++;
        if (!(**p >= '0' && **p <= '9')) return false;
        while (**p >= '0' && **p <= '9') (*p)++;
    }
    if (**p == 'e' || **p == 'E') {
        (*p)++;
        if (**p == '+' || **p == '-') (*p)++;
        if (!(**p >= '0' && **p <= '9')) return false;
        while (**p >= '0' && **p <= '9') (*p)++;
    }
    return *p > s;
}

/* Parses an object; with members != NULL it records its members. */
static int test_js_object(const char **p, int depth, test_member *members, int max) {
    int n = 0;
    if (**p != '{' || depth > 64) return -1;
    (*p)++;
    test_js_ws(p);
    if (**p == '}') {
        (*p)++;
        return 0;
    }
    for (;;) {
        test_js_ws(p);
        const char *k = *p;
        if (!test_js_string(p)) return -1;
        test_js_ws(p);
        if (**p != ':') return -1;
        (*p)++;
        test_js_ws(p);
        const char *v = *p;
        if (!test_js_value(p, depth + 1)) return -1;
        if (members && n < max) {
            const char *kend = strchr(k + 1, '"');
            size_t kl = (size_t)(kend - k - 1);
            if (kl >= sizeof members[n].key) kl = sizeof members[n].key - 1;
            memcpy(members[n].key, k + 1, kl);
            members[n].key[kl] = '\0';
            members[n].val = v;
            members[n].vlen = (size_t)(*p - v);
        }
        n++;
        test_js_ws(p);
        if (**p == '}') {
            (*p)++;
            return n;
        }
        if (**p != ',') return -1;
        (*p)++;
    }
}

static bool test_js_value(const char **p, int depth) {
    switch (**p) {
    case '{': return test_js_object(p, depth, NULL, 0) >= 0;
    case '[':
        (*p)++;
        test_js_ws(p);
        if (**p == ']') {
            (*p)++;
            return true;
        }
        for (;;) {
            test_js_ws(p);
            if (!test_js_value(p, depth + 1)) return false;
            test_js_ws(p);
            if (**p == ']') {
                (*p)++;
                return true;
            }
            if (**p != ',') return false;
            (*p)++;
        }
    case '"': return test_js_string(p);
    case 't': return strncmp(*p, "true", 4) == 0 ? (*p += 4, true) : false;
    case 'f': return strncmp(*p, "false", 5) == 0 ? (*p += 5, true) : false;
    case 'n': return strncmp(*p, "null", 4) == 0 ? (*p += 4, true) : false;
    default: return test_js_number(p);
    }
}

/* Parses a line that must be exactly one JSON object; returns its member
 * count, or -1 when it is not valid JSON. */
static int test_js_line(const char *line, test_member *members, int max) {
    const char *p = line;
    int n = test_js_object(&p, 0, members, max);
    return n >= 0 && *p == '\0' ? n : -1;
}

/* The raw JSON text of member key of the parsed line (static buffer). */
static const char *test_js_get(const test_member *m, int n, const char *key) {
    static char buf[4096];
    for (int i = 0; i < n; i++) {
        if (strcmp(m[i].key, key) == 0) {
            size_t len = m[i].vlen < sizeof buf - 1 ? m[i].vlen : sizeof buf - 1;
            memcpy(buf, m[i].val, len);
            buf[len] = '\0';
            return buf;
        }
    }
    return NULL;
}

static char *test_quoted(const char *s) {
    static char buf[256];
    snprintf(buf, sizeof buf, "\"%s\"", s);
    return buf;
}

/* ------------------------------------------------------------------ */
/* The log                                                             */

START_TEST(test_event_size) { ck_assert_uint_eq(sizeof(trace_event), 40); }
END_TEST

START_TEST(test_intern_basic) {
    trace_log *log = trace_log_new();
    size_t len = 99;
    ck_assert_str_eq(trace_log_string(log, 0, &len), "");
    ck_assert_uint_eq(len, 0);
    ck_assert_uint_eq(trace_log_intern(log, "", 0), 0);
    ck_assert_uint_eq(trace_log_intern(log, "xyz", 0), 0);
    uint32_t a = test_str(log, "lock_a");
    uint32_t b = test_str(log, "lock_b");
    ck_assert_uint_ne(a, 0);
    ck_assert_uint_ne(b, 0);
    ck_assert_uint_ne(a, b);
    ck_assert_uint_eq(test_str(log, "lock_a"), a);
    ck_assert_uint_eq(test_str(log, "lock_b"), b);
    /* a prefix is a different string */
    uint32_t c = trace_log_intern(log, "lock_a", 4);
    ck_assert_uint_ne(c, a);
    ck_assert_uint_eq(c, test_str(log, "lock"));
    ck_assert_str_eq(trace_log_string(log, a, &len), "lock_a");
    ck_assert_uint_eq(len, 6);
    ck_assert_str_eq(trace_log_string(log, b, NULL), "lock_b");
    /* an unknown index reads as "" */
    ck_assert_str_eq(trace_log_string(log, 12345, &len), "");
    ck_assert_uint_eq(len, 0);
    trace_log_free(log);
}
END_TEST

START_TEST(test_intern_bytes) {
    trace_log *log = trace_log_new();
    static const char nul1[] = "a\0b", nul2[] = "a\0c";
    uint32_t i1 = trace_log_intern(log, nul1, 3);
    uint32_t i2 = trace_log_intern(log, nul2, 3);
    uint32_t i3 = trace_log_intern(log, "a", 1);
    ck_assert_uint_ne(i1, i2);
    ck_assert_uint_ne(i1, i3);
    ck_assert_uint_eq(trace_log_intern(log, nul1, 3), i1);
    size_t len;
    const char *s = trace_log_string(log, i1, &len);
    ck_assert_uint_eq(len, 3);
    ck_assert_mem_eq(s, nul1, 3);
    ck_assert_int_eq(s[3], '\0');
    /* UTF-8: accents, CJK, an emoji */
    const char *texts[] = {"caf\xC3\xA9", "\xE4\xBD\xA0\xE5\xA5\xBD", "\xE4\xBD\xA0",
                           "\xF0\x9F\x94\x92 lock"};
    uint32_t idx[4];
    for (int i = 0; i < 4; i++) idx[i] = test_str(log, texts[i]);
    for (int i = 0; i < 4; i++) {
        ck_assert_uint_eq(test_str(log, texts[i]), idx[i]);
        ck_assert_str_eq(trace_log_string(log, idx[i], NULL), texts[i]);
        for (int j = 0; j < i; j++) ck_assert_uint_ne(idx[i], idx[j]);
    }
    trace_log_free(log);
}
END_TEST

START_TEST(test_intern_many) {
    trace_log *log = trace_log_new();
    enum { N = 200000 };
    uint32_t first = test_str(log, "first");
    const char *first_ptr = trace_log_string(log, first, NULL);
    char buf[64];
    for (int i = 0; i < N; i++) {
        snprintf(buf, sizeof buf, "string %d", i);
        ck_assert_uint_eq(test_str(log, buf), (uint32_t)i + 2);
    }
    /* a long string gets its own chunk and reads back whole */
    size_t big_len = 100000;
    char *big = malloc(big_len);
    for (size_t i = 0; i < big_len; i++) big[i] = (char)('a' + i % 26);
    uint32_t bi = trace_log_intern(log, big, big_len);
    ck_assert_uint_eq(trace_log_intern(log, big, big_len), bi);
    size_t len;
    ck_assert_mem_eq(trace_log_string(log, bi, &len), big, big_len);
    ck_assert_uint_eq(len, big_len);
    free(big);
    for (int i = 0; i < N; i += 997) {
        snprintf(buf, sizeof buf, "string %d", i);
        ck_assert_uint_eq(test_str(log, buf), (uint32_t)i + 2);
        ck_assert_str_eq(trace_log_string(log, (uint32_t)i + 2, NULL), buf);
    }
    /* returned pointers never move */
    ck_assert_ptr_eq(trace_log_string(log, first, NULL), first_ptr);
    ck_assert_str_eq(first_ptr, "first");
    trace_log_free(log);
}
END_TEST

START_TEST(test_million_events) {
    trace_log *log = trace_log_new();
    enum { N = 1000000 };
    uint32_t text = test_str(log, "item");
    ck_assert_uint_eq(trace_log_count(log), 0);
    ck_assert_ptr_null(trace_log_get(log, 0));
    for (int i = 0; i < N; i++) {
        trace_event ev = test_ev((trace_kind)(i % TRACE_KIND_COUNT), (int64_t)i * 1000, 100 + i % 3,
                                 i % 5, i % 7 - 1, i, -i, i % 2 ? text : 0);
        ck_assert_uint_eq(trace_log_add(log, &ev), (uint64_t)i);
    }
    ck_assert_uint_eq(trace_log_count(log), N);
    for (int i = 0; i < N; i++) {
        const trace_event *ev = trace_log_get(log, (size_t)i);
        if (ev->t != (int64_t)i * 1000 || ev->kind != i % TRACE_KIND_COUNT || ev->pid != 100 + i % 3 ||
            ev->tid != i % 5 || ev->obj != i % 7 - 1 || ev->a != i || ev->b != -i ||
            ev->text != (i % 2 ? text : 0u))
            ck_abort_msg("event %d reads back wrong", i);
    }
    ck_assert_ptr_null(trace_log_get(log, N));
    /* and the whole log writes as N + 1 valid-looking lines */
    size_t len;
    char *out = test_capture(log, true, &len);
    size_t lines = 0;
    for (size_t i = 0; i < len; i++) lines += out[i] == '\n';
    ck_assert_uint_eq(lines, N + 1);
    ck_assert_ptr_nonnull(strstr(out, "\n{\"seq\":999999,"));
    free(out);
    trace_log_free(log);
}
END_TEST

START_TEST(test_header_copy) {
    trace_log *log = trace_log_new();
    const trace_header *h = trace_log_header(log);
    ck_assert_str_eq(h->title, "");
    ck_assert_str_eq(h->source, "");
    char title[] = "Pool scheduling", file[] = "pool.yaml", src[] = "print(1)\n";
    char sm[] = "fork", gil[] = "new";
    trace_header in = {.title = title, .filename = file, .source = src, .cores = 4,
                       .start_method = sm, .gil = gil, .switch_interval_ns = 5000000,
                       .seed = UINT64_MAX};
    trace_log_set_header(log, &in);
    title[0] = 'X';
    src[0] = 'X';
    sm[0] = 'X';
    h = trace_log_header(log);
    ck_assert_str_eq(h->title, "Pool scheduling");
    ck_assert_str_eq(h->filename, "pool.yaml");
    ck_assert_str_eq(h->source, "print(1)\n");
    ck_assert_str_eq(h->start_method, "fork");
    ck_assert_str_eq(h->gil, "new");
    ck_assert_ptr_ne(h->title, title);
    ck_assert_int_eq(h->cores, 4);
    ck_assert_int_eq(h->switch_interval_ns, 5000000);
    ck_assert_uint_eq(h->seed, UINT64_MAX);
    /* setting the log's own header again is safe; NULL strings become "" */
    trace_log_set_header(log, trace_log_header(log));
    ck_assert_str_eq(trace_log_header(log)->title, "Pool scheduling");
    trace_header partial = {.cores = 2};
    trace_log_set_header(log, &partial);
    ck_assert_str_eq(trace_log_header(log)->title, "");
    ck_assert_str_eq(trace_log_header(log)->gil, "");
    ck_assert_int_eq(trace_log_header(log)->cores, 2);
    trace_log_free(log);
}
END_TEST

START_TEST(test_enum_names) {
    int i = 0;
#define TEST_NAME(name, json, a, b, text, doc) \
    ck_assert_str_eq(trace_kind_name(TRACE_##name), json); i++;
    TRACE_KINDS(TEST_NAME)
#undef TEST_NAME
    ck_assert_int_eq(i, TRACE_KIND_COUNT);
#define TEST_NAME(name, json, doc) ck_assert_str_eq(trace_state_name(TS_##name), json);
    TRACE_STATES(TEST_NAME)
#undef TEST_NAME
#define TEST_NAME(name, json, doc) ck_assert_str_eq(trace_gil_reason_name(TG_##name), json);
    TRACE_GIL_REASONS(TEST_NAME)
#undef TEST_NAME
#define TEST_NAME(name, json) ck_assert_str_eq(trace_obj_type_name(TO_##name), json);
    TRACE_OBJ_TYPES(TEST_NAME)
#undef TEST_NAME
#define TEST_NAME(name, json) ck_assert_str_eq(trace_op_name(TOP_##name), json);
    TRACE_OPS(TEST_NAME)
#undef TEST_NAME
    ck_assert_str_eq(trace_kind_name(TRACE_KIND_COUNT), "?");
    ck_assert_str_eq(trace_state_name(TS_COUNT), "?");
    ck_assert_str_eq(trace_gil_reason_name((trace_gil_reason)-1), "?");
    ck_assert_str_eq(trace_obj_type_name(TO_COUNT), "?");
    ck_assert_str_eq(trace_op_name(TOP_COUNT), "?");
}
END_TEST

/* ------------------------------------------------------------------ */
/* JSON Lines                                                          */

static trace_log *test_small_log(void) {
    trace_log *log = trace_log_new();
    char title[] = "Locks \"demo\"", file[] = "locks.yaml";
    char src[] = "import threading\nprint('hi')\n", sm[] = "fork", gil[] = "new";
    trace_header h = {.title = title, .filename = file, .source = src, .cores = 4,
                      .start_method = sm, .gil = gil, .switch_interval_ns = 5000000, .seed = 7};
    trace_log_set_header(log, &h);
    test_add(log, TRACE_PROC_NEW, 0, 100, -1, -1, -1, 0, "MainProcess");
    test_add(log, TRACE_THREAD_NEW, 0, 100, 1, -1, 0, 0, "MainThread");
    test_add(log, TRACE_OBJ_NEW, 100000000, 100, 1, 3, TO_LOCK, 0, "lock_a");
    test_add(log, TRACE_THREAD_STATE, 300000000, 100, 1, 3, TS_BLOCKED, -1, "lock.acquire()");
    test_add(log, TRACE_GIL_DROP, 300000000, 100, 1, -1, TG_FORCED, 0, NULL);
    test_add(log, TRACE_SYNC_OP, 300000000, 100, 1, 3, TOP_ACQUIRE, TRACE_RESULT_BLOCKED,
             "held by Thread-1");
    test_add(log, TRACE_QUEUE_PUT, 400000000, 101, 2, 4, 1, 0, "'item'");
    test_add(log, TRACE_PRINT, 500000000, 100, 1, -1, 1, 0, "hi\n");
    test_add(log, TRACE_RUN_END, 9000000000123, -1, -1, -1, 0, 0, "all threads finished");
    return log;
}

START_TEST(test_jsonl_small) {
    trace_log *log = test_small_log();
    char *out = test_capture(log, true, NULL);
    char *lines[32];
    size_t n = test_lines(out, lines, 32);
    ck_assert_uint_eq(n, 1 + trace_log_count(log));

    /* the header */
    char exp[1024];
    snprintf(exp, sizeof exp,
             "{\"format\":\"concviz-trace\",\"version\":%d,\"title\":\"Locks \\\"demo\\\"\","
             "\"filename\":\"locks.yaml\",\"machine\":{\"cores\":4,\"start_method\":\"fork\","
             "\"gil\":\"new\",\"switch_interval_ns\":5000000},\"seed\":7,"
             "\"source\":\"import threading\\nprint('hi')\\n\"}",
             TRACE_FORMAT_VERSION);
    ck_assert_str_eq(lines[0], exp);

    /* every line is one JSON object */
    test_member m[16];
    for (size_t i = 0; i < n; i++) ck_assert_msg(test_js_line(lines[i], m, 16) > 0, "%s", lines[i]);

    const test_kind *k;
    k = &test_kinds[TRACE_PROC_NEW];
    snprintf(exp, sizeof exp, "{\"seq\":0,\"t\":0,\"kind\":\"%s\",\"pid\":100,\"%s\":-1,\"%s\":\"MainProcess\"}",
             k->json, k->a, k->text);
    ck_assert_str_eq(lines[1], exp);

    k = &test_kinds[TRACE_OBJ_NEW];
    snprintf(exp, sizeof exp,
             "{\"seq\":2,\"t\":100000000,\"kind\":\"%s\",\"pid\":100,\"tid\":1,\"obj\":3,"
             "\"%s\":\"%s\",\"%s\":0,\"%s\":\"lock_a\"}",
             k->json, k->a, trace_obj_type_name(TO_LOCK), k->b, k->text);
    ck_assert_str_eq(lines[3], exp);

    k = &test_kinds[TRACE_THREAD_STATE];
    snprintf(exp, sizeof exp,
             "{\"seq\":3,\"t\":300000000,\"kind\":\"%s\",\"pid\":100,\"tid\":1,\"obj\":3,"
             "\"%s\":\"%s\",\"%s\":-1,\"%s\":\"lock.acquire()\"}",
             k->json, k->a, trace_state_name(TS_BLOCKED), k->b, k->text);
    ck_assert_str_eq(lines[4], exp);

    k = &test_kinds[TRACE_GIL_DROP];
    snprintf(exp, sizeof exp,
             "{\"seq\":4,\"t\":300000000,\"kind\":\"%s\",\"pid\":100,\"tid\":1,\"%s\":\"%s\"}",
             k->json, k->a, trace_gil_reason_name(TG_FORCED));
    ck_assert_str_eq(lines[5], exp);

    k = &test_kinds[TRACE_SYNC_OP];
    snprintf(exp, sizeof exp,
             "{\"seq\":5,\"t\":300000000,\"kind\":\"%s\",\"pid\":100,\"tid\":1,\"obj\":3,"
             "\"%s\":\"%s\",\"%s\":\"blocked\",\"%s\":\"held by Thread-1\"}",
             k->json, k->a, trace_op_name(TOP_ACQUIRE), k->b, k->text);
    ck_assert_str_eq(lines[6], exp);

    /* per-key checks on the parsed lines */
    int mn = test_js_line(lines[7], m, 16);
    ck_assert_str_eq(test_js_get(m, mn, "kind"), test_quoted(trace_kind_name(TRACE_QUEUE_PUT)));
    ck_assert_str_eq(test_js_get(m, mn, "pid"), "101");
    ck_assert_str_eq(test_js_get(m, mn, test_kinds[TRACE_QUEUE_PUT].a), "1");
    ck_assert_str_eq(test_js_get(m, mn, test_kinds[TRACE_QUEUE_PUT].text), "\"'item'\"");
    mn = test_js_line(lines[8], m, 16);
    ck_assert_str_eq(test_js_get(m, mn, test_kinds[TRACE_PRINT].a), "1");
    ck_assert_str_eq(test_js_get(m, mn, test_kinds[TRACE_PRINT].text), "\"hi\\n\"");
    mn = test_js_line(lines[9], m, 16);
    ck_assert_str_eq(test_js_get(m, mn, "seq"), "8");
    ck_assert_str_eq(test_js_get(m, mn, "t"), "9000000000123");
    ck_assert_ptr_null(test_js_get(m, mn, "pid"));
    ck_assert_ptr_null(test_js_get(m, mn, "tid"));
    ck_assert_ptr_null(test_js_get(m, mn, "obj"));
    ck_assert_str_eq(test_js_get(m, mn, test_kinds[TRACE_RUN_END].a), "0");
    ck_assert_str_eq(test_js_get(m, mn, test_kinds[TRACE_RUN_END].text), "\"all threads finished\"");

    free(out);
    trace_log_free(log);
}
END_TEST

/* One event of every kind: the keys are exactly those the X-macro names,
 * in the fixed order. */
START_TEST(test_jsonl_every_kind) {
    trace_log *log = trace_log_new();
    for (int k = 0; k < TRACE_KIND_COUNT; k++)
        test_add(log, (trace_kind)k, k * 10, 100, 1, 2, 1, 2, "x");
    /* and one of an unknown kind */
    test_add(log, (trace_kind)(TRACE_KIND_COUNT + 5), 5, -1, -1, -1, 7, 8, NULL);
    char *out = test_capture(log, true, NULL);
    char *lines[64];
    size_t n = test_lines(out, lines, 64);
    ck_assert_uint_eq(n, TRACE_KIND_COUNT + 2);
    test_member m[16];
    for (int k = 0; k < TRACE_KIND_COUNT; k++) {
        const test_kind *tk = &test_kinds[k];
        int mn = test_js_line(lines[k + 1], m, 16);
        ck_assert_msg(mn > 0, "%s", lines[k + 1]);
        const char *want[10] = {"seq", "t", "kind", "pid", "tid", "obj"};
        int nw = 6;
        if (test_used(tk->a)) want[nw++] = tk->a;
        if (test_used(tk->b)) want[nw++] = tk->b;
        if (test_used(tk->text)) want[nw++] = tk->text;
        ck_assert_int_eq(mn, nw);
        for (int i = 0; i < nw; i++) ck_assert_str_eq(m[i].key, want[i]);
        ck_assert_str_eq(test_js_get(m, mn, "kind"), test_quoted(tk->json));
        ck_assert_str_eq(test_js_get(m, mn, "obj"), "2");
        /* enum-valued fields are names, the others integers */
        const char *a = test_used(tk->a) ? test_js_get(m, mn, tk->a) : NULL;
        if (k == TRACE_THREAD_STATE) ck_assert_str_eq(a, test_quoted(trace_state_name(1)));
        else if (k == TRACE_GIL_DROP) ck_assert_str_eq(a, test_quoted(trace_gil_reason_name(1)));
        else if (k == TRACE_OBJ_NEW) ck_assert_str_eq(a, test_quoted(trace_obj_type_name(1)));
        else if (k == TRACE_SYNC_OP) ck_assert_str_eq(a, test_quoted(trace_op_name(1)));
        else if (k == TRACE_POOL_TASK) ck_assert_str_eq(a, test_quoted(trace_pool_phase_name(1)));
        else if (a) ck_assert_str_eq(a, "1");
        if (test_used(tk->b))
            ck_assert_str_eq(test_js_get(m, mn, tk->b), k == TRACE_SYNC_OP ? "\"blocked\"" : "2");
        if (test_used(tk->text)) ck_assert_str_eq(test_js_get(m, mn, tk->text), "\"x\"");
    }
    int mn = test_js_line(lines[n - 1], m, 16);
    ck_assert_int_gt(mn, 0);
    ck_assert_str_eq(test_js_get(m, mn, "kind"), "\"unknown\"");
    char code[16];
    snprintf(code, sizeof code, "%d", TRACE_KIND_COUNT + 5);
    ck_assert_str_eq(test_js_get(m, mn, "kind_code"), code);
    free(out);
    trace_log_free(log);
}
END_TEST

/* Enum values out of range stay integers rather than vanish. */
START_TEST(test_jsonl_bad_enums) {
    trace_log *log = trace_log_new();
    test_add(log, TRACE_THREAD_STATE, 0, 1, 1, -1, 99, 0, NULL);
    test_add(log, TRACE_SYNC_OP, 0, 1, 1, 1, -3, 7, NULL);
    char *out = test_capture(log, true, NULL);
    ck_assert_ptr_nonnull(strstr(out, "\"state\":99,"));
    ck_assert_ptr_nonnull(strstr(out, "\"op\":-3,\"result\":7,"));
    free(out);
    trace_log_free(log);
}
END_TEST

START_TEST(test_jsonl_escaping) {
    trace_log *log = trace_log_new();
    static const char raw[] = "q\"b\\s/\n\t\r\x01\x1f\x7f"   /* ASCII specials */
                              "\xE4\xBD\xA0\xE5\xA5\xBD"       /* CJK */
                              "\xF0\x9F\x94\x92"               /* emoji */
                              "|\xFF|\xC0\x80|\xED\xA0\x80|\xE4\xB8"; /* invalid */
    uint32_t i1 = trace_log_intern(log, raw, sizeof raw - 1);
    static const char nul[] = "a\0b";
    uint32_t i2 = trace_log_intern(log, nul, 3);
    trace_event ev = test_ev(TRACE_PRINT, 0, 1, 1, -1, 1, 0, i1);
    trace_log_add(log, &ev);
    ev.text = i2;
    trace_log_add(log, &ev);
    char title[] = "\xE9\x94\x81 lock", src[] = "x = \"\\\"\n";
    trace_header h = {.title = title, .source = src};
    trace_log_set_header(log, &h);

    char *out = test_capture(log, true, NULL);
    char *lines[8];
    ck_assert_uint_eq(test_lines(out, lines, 8), 3);
    test_member m[16];
    for (int i = 0; i < 3; i++) ck_assert_int_gt(test_js_line(lines[i], m, 16), 0);
    int mn = test_js_line(lines[0], m, 16);
    ck_assert_str_eq(test_js_get(m, mn, "title"), "\"\xE9\x94\x81 lock\"");
    ck_assert_str_eq(test_js_get(m, mn, "source"), "\"x = \\\"\\\\\\\"\\n\"");
    mn = test_js_line(lines[1], m, 16);
    ck_assert_str_eq(test_js_get(m, mn, "text"),
                     "\"q\\\"b\\\\s/\\n\\t\\r\\u0001\\u001f\x7f"
                     "\xE4\xBD\xA0\xE5\xA5\xBD\xF0\x9F\x94\x92"
                     "|\xEF\xBF\xBD|\xEF\xBF\xBD\xEF\xBF\xBD|\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD|"
                     "\xEF\xBF\xBD\xEF\xBF\xBD\"");
    mn = test_js_line(lines[2], m, 16);
    ck_assert_str_eq(test_js_get(m, mn, "text"), "\"a\\u0000b\"");
    free(out);
    trace_log_free(log);
}
END_TEST

/* A string far longer than the writer's buffer, full of escapes. */
START_TEST(test_jsonl_long_string) {
    trace_log *log = trace_log_new();
    size_t n = 300000;
    char *s = malloc(n);
    for (size_t i = 0; i < n; i++) s[i] = i % 3 == 0 ? '\n' : i % 3 == 1 ? '\x02' : 'x';
    trace_event ev = test_ev(TRACE_CAPTION, 0, -1, -1, -1, 0, 0, trace_log_intern(log, s, n));
    trace_log_add(log, &ev);
    size_t len;
    char *out = test_capture(log, true, &len);
    char *lines[4];
    ck_assert_uint_eq(test_lines(out, lines, 4), 2);
    test_member m[8];
    ck_assert_int_eq(test_js_line(lines[1], m, 8), 4);
    ck_assert_uint_eq(m[3].vlen, 2 + n / 3 * (2 + 6 + 1));
    free(out);
    free(s);
    trace_log_free(log);
}
END_TEST

START_TEST(test_jsonl_deterministic) {
    trace_log *l1 = test_small_log();
    trace_log *l2 = test_small_log();
    size_t n1, n2, n3;
    char *o1 = test_capture(l1, true, &n1);
    char *o2 = test_capture(l1, true, &n2);
    char *o3 = test_capture(l2, true, &n3);
    ck_assert_uint_eq(n1, n2);
    ck_assert_uint_eq(n1, n3);
    ck_assert_mem_eq(o1, o2, n1);
    ck_assert_mem_eq(o1, o3, n1);
    free(o1);
    free(o2);
    free(o3);
    trace_log_free(l1);
    trace_log_free(l2);
}
END_TEST

START_TEST(test_jsonl_write_error) {
    trace_log *log = test_small_log();
    FILE *f = fopen("/dev/full", "w");
    if (f) {
        ck_assert(!trace_write_jsonl(log, f));
        fclose(f);
    }
    f = fopen("/dev/null", "r");
    ck_assert_ptr_nonnull(f);
    ck_assert(!trace_write_jsonl(log, f));
    fclose(f);
    trace_log_free(log);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Timeline                                                            */

START_TEST(test_timeline_kinds) {
    trace_log *log = trace_log_new();
    test_add(log, TRACE_PROC_NEW, 0, 100, -1, -1, -1, 0, "MainProcess");
    test_add(log, TRACE_PROC_START, 0, 100, -1, -1, 0, 0, NULL);
    test_add(log, TRACE_THREAD_NEW, 0, 100, 1, -1, 0, 0, "MainThread");
    test_add(log, TRACE_THREAD_STATE, 1000, 100, 1, -1, TS_RUNNING, 0, NULL);
    test_add(log, TRACE_OBJ_NEW, 2000, 100, 1, 1, TO_LOCK, 0, NULL);
    test_add(log, TRACE_OBJ_NEW, 2000, 100, 1, 5, TO_LOCK, 0, "lock_a");
    test_add(log, TRACE_OBJ_NEW, 2000, 100, 1, 2, TO_QUEUE, 0, NULL);
    test_add(log, TRACE_OBJ_NEW, 2000, 100, 1, 6, TO_SEMAPHORE, 2, "sem");
    test_add(log, TRACE_THREAD_NEW, 3000, 100, 2, -1, 1, 0, "Thread-1 (worker)");
    test_add(log, TRACE_PROC_NEW, 4000, 101, 1, -1, 100, 0, "Process-1");
    test_add(log, TRACE_SYNC_OP, 300000000, 100, 1, 1, TOP_ACQUIRE, TRACE_RESULT_BLOCKED,
             "held by Thread-1");
    test_add(log, TRACE_THREAD_STATE, 300000000, 100, 1, 5, TS_BLOCKED, -1, "lock.acquire()");
    test_add(log, TRACE_THREAD_STATE, 300000001, 100, 2, -1, TS_SLEEPING, -1, NULL);
    test_add(log, TRACE_GIL_REQUEST, 400000000, 100, 2, -1, 0, 0, NULL);
    test_add(log, TRACE_GIL_DROP_REQUEST, 405000000, 100, 2, -1, 0, 0, NULL);
    test_add(log, TRACE_GIL_DROP, 405000000, 100, 1, -1, TG_FORCED, 0, NULL);
    test_add(log, TRACE_GIL_TAKE, 405000000, 100, 2, -1, 0, 0, NULL);
    test_add(log, TRACE_SYNC_OP, 500000000, 100, 2, 5, TOP_RELEASE, TRACE_RESULT_OK, NULL);
    test_add(log, TRACE_SYNC_OP, 500000000, 100, 1, 5, TOP_ACQUIRE, TRACE_RESULT_OK, NULL);
    test_add(log, TRACE_QUEUE_PUT, 600000000, 100, 1, 2, 1, 0, "'item'");
    test_add(log, TRACE_QUEUE_GET, 700000000, 100, 2, 2, 0, 0, "'item'");
    test_add(log, TRACE_PRINT, 800000000, 100, 1, -1, 1, 0, "it's done\n");
    test_add(log, TRACE_PRINT, 800000000, 100, 1, -1, 2, 0,
             "0123456789012345678901234567890123456789012345678901234567890123456789");
    test_add(log, TRACE_CAPTION, 900000000, -1, -1, -1, 0, 0, "All 4 workers are busy.");
    test_add(log, TRACE_THREAD_STATE, 950000000, 100, 2, -1, TS_FINISHED, -1, NULL);
    test_add(log, TRACE_DEADLOCK, 1000000000, -1, -1, -1, 0, 0,
             "MainThread waits for lock_a\nThread-1 waits for lock_b\n");
    test_add(log, TRACE_PROC_EXIT, 1500000000, 101, -1, -1, 0, 0, NULL);
    test_add(log, TRACE_RUN_END, 12345678901234, -1, -1, -1, 3, 0, "deadlock");
    test_add(log, TRACE_THREAD_STATE, 0, 100, 9, -1, TS_READY, -1, NULL);

    char *out = test_capture(log, false, NULL);
    char *lines[64];
    size_t n = test_lines(out, lines, 64);
    ck_assert_uint_eq(n, trace_log_count(log));
    static const char *const want[] = {
        "  0.000000  P100 -                 process MainProcess created",
        "  0.000000  P100 -                 process starts",
        "  0.000000  P100 MainThread        thread MainThread created",
        "  0.000001  P100 MainThread        -> running on core 0",
        "  0.000002  P100 MainThread        creates Lock lock#1",
        "  0.000002  P100 MainThread        creates Lock lock_a",
        "  0.000002  P100 MainThread        creates Queue queue#2",
        "  0.000002  P100 MainThread        creates Semaphore sem (value 2)",
        "  0.000003  P100 Thread-1 (worker) thread Thread-1 (worker) created (daemon)",
        "  0.000004  P101 MainThread        process Process-1 created (parent P100)",
        "  0.300000  P100 MainThread        acquire lock#1 -> blocked (held by Thread-1)",
        "  0.300000  P100 MainThread        -> blocked on lock_a: lock.acquire()",
        "  0.300000  P100 Thread-1 (worker) -> sleeping",
        "  0.400000  P100 Thread-1 (worker) requests the GIL",
        "  0.405000  P100 Thread-1 (worker) asks the GIL holder to drop it",
        "  0.405000  P100 MainThread        drops the GIL (forced)",
        "  0.405000  P100 Thread-1 (worker) takes the GIL",
        "  0.500000  P100 Thread-1 (worker) release lock_a -> ok",
        "  0.500000  P100 MainThread        acquire lock_a -> ok",
        "  0.600000  P100 MainThread        put 'item' on queue#2 (1 queued)",
        "  0.700000  P100 Thread-1 (worker) get 'item' from queue#2 (0 queued)",
        "  0.800000  P100 MainThread        prints 'it\\'s done\\n'",
        "  0.800000  P100 MainThread        prints to stderr "
        "'012345678901234567890123456789012345678901234567890123456789'...",
        "  0.900000  -    -                 caption: All 4 workers are busy.",
        "  0.950000  P100 Thread-1 (worker) -> finished",
        "  1.000000  -    -                 DEADLOCK: MainThread waits for lock_a; "
        "Thread-1 waits for lock_b",
        "  1.500000  P101 -                 process exits with code 0",
        "12345.678901  -    -                 run ends: deadlock (status 3)",
        "  0.000000  P100 T9                -> ready (waiting for a core)",
    };
    ck_assert_uint_eq(n, sizeof want / sizeof want[0]);
    for (size_t i = 0; i < n; i++) ck_assert_str_eq(lines[i], want[i]);
    free(out);
    trace_log_free(log);
}
END_TEST

/* Every kind gives a line with the kind's own words, and unknown kinds and
 * odd values still give one line each. */
START_TEST(test_timeline_every_kind) {
    static const char *const words[] = {
        [TRACE_PROC_NEW] = "created", [TRACE_PROC_START] = "starts",
        [TRACE_PROC_EXIT] = "exits", [TRACE_THREAD_NEW] = "thread",
        [TRACE_THREAD_STATE] = "->", [TRACE_GIL_REQUEST] = "requests the GIL",
        [TRACE_GIL_DROP_REQUEST] = "drop", [TRACE_GIL_TAKE] = "takes the GIL",
        [TRACE_GIL_DROP] = "drops the GIL", [TRACE_OBJ_NEW] = "creates",
        [TRACE_SYNC_OP] = "->", [TRACE_QUEUE_PUT] = "put", [TRACE_QUEUE_GET] = "get",
        [TRACE_POOL_TASK] = "pool phase 99",
        [TRACE_PRINT] = "writes to fd 99", [TRACE_CAPTION] = "caption", [TRACE_DEADLOCK] = "DEADLOCK",
        [TRACE_RUN_END] = "run ends",
    };
    ck_assert_uint_eq(sizeof words / sizeof words[0], TRACE_KIND_COUNT);
    trace_log *log = trace_log_new();
    for (int k = 0; k < TRACE_KIND_COUNT; k++)
        test_add(log, (trace_kind)k, k, 7, 3, 4, 99, 98, "\xE4\xBD\xA0\x01\xFF");
    test_add(log, (trace_kind)40, 0, 7, 3, 4, 1, 2, NULL);
    char *out = test_capture(log, false, NULL);
    char *lines[64];
    size_t n = test_lines(out, lines, 64);
    ck_assert_uint_eq(n, TRACE_KIND_COUNT + 1);
    for (int k = 0; k < TRACE_KIND_COUNT; k++) {
        ck_assert_msg(strstr(lines[k], words[k]) != NULL, "%s: %s", words[k], lines[k]);
        ck_assert_msg(strncmp(lines[k] + 10, "  P7 ", 5) == 0, "%s", lines[k]);
    }
    ck_assert_ptr_nonnull(strstr(lines[TRACE_THREAD_STATE], "state 99"));
    ck_assert_ptr_nonnull(strstr(lines[TRACE_SYNC_OP], "op 99 "));
    ck_assert_ptr_nonnull(strstr(lines[TRACE_SYNC_OP], " -> result 98 ("));
    ck_assert_ptr_nonnull(strstr(lines[TRACE_CAPTION], "\xE4\xBD\xA0\\x01\xEF\xBF\xBD"));
    ck_assert_ptr_nonnull(strstr(lines[n - 1], "unknown kind 40"));
    free(out);
    trace_log_free(log);
}
END_TEST

/* ------------------------------------------------------------------ */
/* The user-facing schema document stays in step with the X-macros     */

START_TEST(test_doc_in_step) {
    char path[4096];
    snprintf(path, sizeof path, "%s", __FILE__);
    char *cut = strstr(path, "tests/unit/test_trace.c");
    ck_assert_ptr_nonnull(cut);
    strcpy(cut, "docs/trace-format.md");
    FILE *f = fopen(path, "rb");
    ck_assert_msg(f != NULL, "cannot open %s", path);
    static char doc[1 << 17];
    size_t n = fread(doc, 1, sizeof doc - 1, f);
    doc[n] = '\0';
    fclose(f);
    char want[256];
#define TEST_DOC(name, json, a, b, text, doc_)                                        \
    snprintf(want, sizeof want, "### `%s`", json);                                   \
    ck_assert_msg(strstr(doc, want) != NULL, "docs lack %s", want);                  \
    if (test_used(a)) {                                                              \
        snprintf(want, sizeof want, "| `%s` |", a);                                  \
        ck_assert_msg(strstr(doc, want) != NULL, "docs lack %s of %s", a, json);     \
    }                                                                                \
    if (test_used(b)) {                                                              \
        snprintf(want, sizeof want, "| `%s` |", b);                                  \
        ck_assert_msg(strstr(doc, want) != NULL, "docs lack %s of %s", b, json);     \
    }                                                                                \
    if (test_used(text)) {                                                           \
        snprintf(want, sizeof want, "| `%s` |", text);                               \
        ck_assert_msg(strstr(doc, want) != NULL, "docs lack %s of %s", text, json);  \
    }
    TRACE_KINDS(TEST_DOC)
#undef TEST_DOC
#define TEST_DOC(name, json)                                        \
    snprintf(want, sizeof want, "| `%s` |", json);                 \
    ck_assert_msg(strstr(doc, want) != NULL, "docs lack %s", want);
#define TEST_DOC3(name, json, doc_) TEST_DOC(name, json)
    TRACE_STATES(TEST_DOC3)
    TRACE_GIL_REASONS(TEST_DOC3)
    TRACE_OBJ_TYPES(TEST_DOC)
    TRACE_OPS(TEST_DOC)
#undef TEST_DOC3
#undef TEST_DOC
    snprintf(want, sizeof want, "\"version\":%d", TRACE_FORMAT_VERSION);
    ck_assert_msg(strstr(doc, want) != NULL, "docs lack %s", want);
}
END_TEST

static Suite *test_trace_suite(void) {
    Suite *s = suite_create("trace");
    TCase *tc = tcase_create("log");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_event_size);
    tcase_add_test(tc, test_intern_basic);
    tcase_add_test(tc, test_intern_bytes);
    tcase_add_test(tc, test_intern_many);
    tcase_add_test(tc, test_million_events);
    tcase_add_test(tc, test_header_copy);
    tcase_add_test(tc, test_enum_names);
    suite_add_tcase(s, tc);
    tc = tcase_create("jsonl");
    tcase_add_test(tc, test_jsonl_small);
    tcase_add_test(tc, test_jsonl_every_kind);
    tcase_add_test(tc, test_jsonl_bad_enums);
    tcase_add_test(tc, test_jsonl_escaping);
    tcase_add_test(tc, test_jsonl_long_string);
    tcase_add_test(tc, test_jsonl_deterministic);
    tcase_add_test(tc, test_jsonl_write_error);
    suite_add_tcase(s, tc);
    tc = tcase_create("timeline");
    tcase_add_test(tc, test_timeline_kinds);
    tcase_add_test(tc, test_timeline_every_kind);
    suite_add_tcase(s, tc);
    tc = tcase_create("docs");
    tcase_add_test(tc, test_doc_in_step);
    suite_add_tcase(s, tc);
    return s;
}

int main(void) {
    SRunner *sr = srunner_create(test_trace_suite());
    srunner_run_all(sr, CK_ENV);
    int failures = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failures ? 1 : 0;
}
