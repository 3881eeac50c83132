/* test_fold.c - unit tests of the fold/checkpoint model (trace_fold.c): the
 * state after event N is the same whether reached forwards, backwards or by
 * a jump; lock owners and waiters, queue contents and thread states at known
 * events of a real run; indexes; tolerance of unknown kinds and ids. */
#include "trace/trace_fold.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "lang/lang.h"
#include "sim/sim.h"

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
    sim *s = sim_new(prog, &cfg, log);
    sim_run(s);
    sim_free(s);
    lang_program_free(prog);
    return log;
}

/* Three workers contend for a lock that main holds, each puts its name on a
 * queue while holding it; main then drains the queue. */
static const char contention_src[] =
    "import threading, queue, time\n"        /* 1 */
    "lock = threading.Lock()\n"              /* 2 */
    "q = queue.Queue()\n"                    /* 3 */
    "def worker(name):\n"                    /* 4 */
    "    with lock:\n"                       /* 5 */
    "        q.put(name)\n"                  /* 6 */
    "        print(name, 'has it')\n"        /* 7 */
    "        time.sleep(0.1)\n"              /* 8 */
    "lock.acquire()\n"                       /* 9 */
    "ts = []\n"                              /* 10 */
    "for n in ['A', 'B', 'C']:\n"            /* 11 */
    "    t = threading.Thread(target=worker, args=(n,))\n"
    "    t.start()\n"
    "    ts.append(t)\n"
    "    time.sleep(0.01)\n"
    "lock.release()\n"                       /* 16 */
    "for t in ts:\n"
    "    t.join()\n"
    "print(q.get(), q.get())\n"              /* 19 */
    "print(q.get())\n";

static char *test_encode(const trace_fold_state *s) {
    strbuf b;
    sb_init(&b);
    trace_fold_state_encode(s, &b);
    return sb_take(&b);
}

static size_t test_encoded_len(const trace_fold_state *s) {
    strbuf b;
    sb_init(&b);
    trace_fold_state_encode(s, &b);
    size_t n = b.len;
    sb_free(&b);
    return n;
}

static void test_same_state(const trace_fold_state *s, const char *want, size_t want_len, const trace_log *log,
                            const char *how) {
    strbuf b;
    sb_init(&b);
    trace_fold_state_encode(s, &b);
    if (b.len != want_len || memcmp(b.data, want, want_len) != 0) {
        strbuf d;
        sb_init(&d);
        trace_fold_state_dump(s, log, &d);
        ck_abort_msg("state at %zu differs when reached %s:\n%s", s->pos, how, d.data);
    }
    sb_free(&b);
}

/* Checks every position reached forwards, backwards and by jumps against
 * the states of a straight forward pass. */
static void test_every_way(const trace_log *log, size_t every) {
    size_t n = trace_log_count(log);
    char **want = calloc(n + 1, sizeof *want);
    size_t *want_len = calloc(n + 1, sizeof *want_len);
    trace_fold *f = trace_fold_new(log, every);
    ck_assert_uint_eq(trace_fold_count(f), n);
    for (size_t i = 0; i <= n; i++) {
        const trace_fold_state *s = trace_fold_seek(f, i);
        ck_assert_uint_eq(s->pos, i);
        want[i] = test_encode(s);
        want_len[i] = test_encoded_len(s);
    }
    for (size_t i = n + 1; i-- > 0;) test_same_state(trace_fold_seek(f, i), want[i], want_len[i], log, "backwards");
    uint32_t rng = 99;
    for (int k = 0; k < 400; k++) {
        rng = rng * 1103515245u + 12345u;
        size_t i = (rng >> 8) % (n + 1);
        test_same_state(trace_fold_seek(f, i), want[i], want_len[i], log, "by a jump");
    }
    /* a separate fold, jumping straight to the end */
    trace_fold *g = trace_fold_new(log, every);
    test_same_state(trace_fold_seek(g, n), want[n], want_len[n], log, "by a jump from a new fold");
    test_same_state(trace_fold_seek(g, 0), want[0], want_len[0], log, "back to the start");
    trace_fold_free(g);
    trace_fold_free(f);
    for (size_t i = 0; i <= n; i++) free(want[i]);
    free(want);
    free(want_len);
}

START_TEST(same_state_every_way) {
    trace_log *log = test_run(contention_src);
    ck_assert_uint_gt(trace_log_count(log), 100);
    test_every_way(log, 1);
    test_every_way(log, 7);
    test_every_way(log, 64);
    test_every_way(log, 0);
    trace_log_free(log);
}
END_TEST

/* Finds a thread slot by name in state s. */
static int32_t test_thread(const trace_fold_state *s, const trace_log *log, const char *name) {
    for (uint32_t i = 0; i < s->nthreads; i++)
        if (strcmp(trace_log_string(log, s->threads[i].name, NULL), name) == 0) return (int32_t)i;
    return -1;
}

/* The first position after which pred holds. */
typedef bool (*test_pred)(const trace_fold_state *s, const trace_log *log);

static size_t test_first(trace_fold *f, test_pred pred) {
    const trace_log *log = trace_fold_log(f);
    for (size_t i = 0; i <= trace_fold_count(f); i++)
        if (pred(trace_fold_seek(f, i), log)) return i;
    ck_abort_msg("no such position");
    return 0;
}

static bool three_waiters(const trace_fold_state *s, const trace_log *log) {
    (void)log;
    return s->nobjects >= 1 && s->objects[0].waiters.n == 3;
}

static bool first_worker_owns(const trace_fold_state *s, const trace_log *log) {
    int32_t a = test_thread(s, log, "Thread-1 (worker)");
    return a >= 0 && s->objects[0].owner == a;
}

static bool two_items(const trace_fold_state *s, const trace_log *log) {
    (void)log;
    return s->nobjects >= 2 && s->objects[1].items.n == 2;
}

static const char *test_item(const trace_fold_state *s, const trace_log *log, uint32_t object, uint32_t i) {
    return trace_log_string(log, trace_fold_list_at(&s->objects[object].items, i), NULL);
}

START_TEST(lock_owner_and_waiters) {
    trace_log *log = test_run(contention_src);
    trace_fold *f = trace_fold_new(log, 16);
    size_t at = test_first(f, three_waiters);
    const trace_fold_state *s = trace_fold_seek(f, at);
    const trace_event *ev = trace_log_get(log, at - 1);
    /* the event that made the third waiter: Thread-3 blocking on the lock */
    ck_assert_int_eq(ev->kind, TRACE_THREAD_STATE);
    ck_assert_int_eq(ev->a, TS_BLOCKED);
    ck_assert_int_eq(ev->line, 5);
    int32_t main_t = test_thread(s, log, "MainThread");
    int32_t a = test_thread(s, log, "Thread-1 (worker)"), b = test_thread(s, log, "Thread-2 (worker)"),
            c = test_thread(s, log, "Thread-3 (worker)");
    ck_assert_int_eq(s->objects[0].type, TO_LOCK);
    ck_assert_int_eq(s->objects[0].owner, main_t);
    ck_assert_uint_eq(trace_fold_list_at(&s->objects[0].waiters, 0), (uint32_t)a);
    ck_assert_uint_eq(trace_fold_list_at(&s->objects[0].waiters, 1), (uint32_t)b);
    ck_assert_uint_eq(trace_fold_list_at(&s->objects[0].waiters, 2), (uint32_t)c);
    ck_assert_int_eq(s->threads[c].state, TS_BLOCKED);
    ck_assert_int_eq(s->threads[c].wait_obj, 0);
    ck_assert_int_eq(s->threads[c].line, 5);
    /* one step back: Thread-3 was not waiting yet */
    s = trace_fold_seek(f, at - 1);
    ck_assert_uint_eq(s->objects[0].waiters.n, 2);
    ck_assert_int_ne(s->threads[c].state, TS_BLOCKED);
    /* then the lock passes to the first worker; the others still wait, in order */
    size_t own = test_first(f, first_worker_owns);
    s = trace_fold_seek(f, own);
    ck_assert_int_eq(s->objects[0].owner, a);
    ck_assert_uint_eq(s->objects[0].waiters.n, 2);
    ck_assert_uint_eq(trace_fold_list_at(&s->objects[0].waiters, 0), (uint32_t)b);
    ck_assert_uint_eq(trace_fold_list_at(&s->objects[0].waiters, 1), (uint32_t)c);
    /* and one step back it was free, its first waiter woken */
    s = trace_fold_seek(f, own - 1);
    ck_assert_int_eq(s->objects[0].owner, -1);
    /* at the end: nobody holds it, everyone finished */
    s = trace_fold_seek(f, trace_fold_count(f));
    ck_assert_int_eq(s->objects[0].owner, -1);
    ck_assert_uint_eq(s->objects[0].waiters.n, 0);
    for (uint32_t i = 0; i < s->nthreads; i++) ck_assert_int_eq(s->threads[i].state, TS_FINISHED);
    ck_assert_uint_ne(s->run_end, TRACE_FOLD_NONE);
    trace_fold_free(f);
    trace_log_free(log);
}
END_TEST

START_TEST(queue_contents) {
    trace_log *log = test_run(contention_src);
    trace_fold *f = trace_fold_new(log, 5);
    size_t at = test_first(f, two_items);
    const trace_fold_state *s = trace_fold_seek(f, at);
    ck_assert_int_eq(s->objects[1].type, TO_QUEUE);
    ck_assert_str_eq(test_item(s, log, 1, 0), "'A'");
    ck_assert_str_eq(test_item(s, log, 1, 1), "'B'");
    /* the full queue before main drains it */
    size_t end = trace_fold_count(f);
    size_t first_get = 0;
    for (size_t i = 0; i < end; i++)
        if (trace_log_get(log, i)->kind == TRACE_QUEUE_GET) {
            first_get = i;
            break;
        }
    s = trace_fold_seek(f, first_get);
    ck_assert_uint_eq(s->objects[1].items.n, 3);
    ck_assert_str_eq(test_item(s, log, 1, 2), "'C'");
    s = trace_fold_seek(f, first_get + 1);
    ck_assert_uint_eq(s->objects[1].items.n, 2);
    ck_assert_str_eq(test_item(s, log, 1, 0), "'B'");
    ck_assert_uint_eq(s->objects[1].nget, 1);
    s = trace_fold_seek(f, end);
    ck_assert_uint_eq(s->objects[1].items.n, 0);
    ck_assert_uint_eq(s->objects[1].nput, 3);
    trace_fold_free(f);
    trace_log_free(log);
}
END_TEST

START_TEST(indexes) {
    trace_log *log = test_run(contention_src);
    trace_fold *f = trace_fold_new(log, 0);
    size_t n;
    const trace_fold_line *lines = trace_fold_lines(f, &n);
    ck_assert_uint_eq(n, 5);
    size_t len;
    const char *text = trace_log_string(log, lines[0].text, &len);
    ck_assert_uint_eq(lines[0].len, 8);
    ck_assert(memcmp(text + lines[0].off, "A has it", 8) == 0);
    ck_assert_uint_eq(trace_fold_lines_before(f, 0), 0);
    ck_assert_uint_eq(trace_fold_lines_before(f, trace_fold_count(f)), 5);
    ck_assert_uint_eq(trace_fold_lines_before(f, lines[0].seq), 0);
    ck_assert_uint_eq(trace_fold_lines_before(f, lines[0].seq + 1), 1);
    ck_assert_uint_eq(trace_fold_prints(f)->n, 5);
    /* every thread_state of a thread is in its changes, in order */
    int32_t slot = trace_fold_thread_slot(f, 2);
    const trace_fold_seqs *ch = trace_fold_thread_changes(f, slot);
    ck_assert_ptr_nonnull(ch);
    size_t count = 0;
    for (size_t i = 0; i < trace_fold_count(f); i++) {
        const trace_event *ev = trace_log_get(log, i);
        if (ev->kind == TRACE_THREAD_STATE && ev->tid == 2) ck_assert_uint_eq(ch->v[count++], i);
    }
    ck_assert_uint_eq(count, ch->n);
    /* the state at a time agrees with the fold at that position */
    const trace_fold_state *s = trace_fold_seek(f, trace_fold_count(f));
    ck_assert_int_eq(trace_fold_thread_state_at(f, slot, s->t, s->pos), TS_FINISHED);
    ck_assert_int_eq(trace_fold_thread_state_at(f, slot, -1, s->pos), TS_NEW);
    size_t mid = ch->v[ch->n / 2] + 1;
    s = trace_fold_seek(f, mid);
    ck_assert_int_eq(trace_fold_thread_state_at(f, slot, s->t, mid), s->threads[slot].state);
    ck_assert_uint_eq(trace_fold_pos_at_time(f, -1), 0);
    ck_assert_uint_eq(trace_fold_pos_at_time(f, INT64_MAX), trace_fold_count(f));
    /* the object index starts with the obj_new */
    const trace_fold_seqs *oe = trace_fold_object_events(f, 0);
    ck_assert_int_eq(trace_log_get(log, oe->v[0])->kind, TRACE_OBJ_NEW);
    ck_assert_ptr_null(trace_fold_object_events(f, 99));
    ck_assert_uint_gt(trace_fold_bytes(f), 0);
    trace_fold_free(f);
    trace_log_free(log);
}
END_TEST

static void test_add(trace_log *log, int kind, int64_t t, int32_t pid, int32_t tid, int32_t objid, int32_t a,
                     int32_t b, const char *text) {
    trace_event ev = {.t = t, .kind = (uint16_t)kind, .line = 3, .pid = pid, .tid = tid, .obj = objid,
                      .a = a, .b = b, .text = text ? trace_log_intern(log, text, strlen(text)) : 0};
    trace_log_add(log, &ev);
}

/* Kinds from the future, unknown ids, repeated names, garbage values, and a
 * log that grows after the fold was made. */
START_TEST(tolerates_anything) {
    trace_log *log = trace_log_new();
    test_add(log, 500, 0, 1, 2, 3, 4, 5, "future");
    test_add(log, TRACE_THREAD_STATE, 0, 100, 1, -1, TS_RUNNING, 0, "");    /* before its thread_new */
    test_add(log, TRACE_PROC_NEW, 0, 100, -1, -1, -1, 0, "MainProcess");
    test_add(log, TRACE_PROC_NEW, 0, 100, -1, -1, -1, 0, "again");
    test_add(log, TRACE_THREAD_NEW, 0, 100, 1, -1, 0, 0, "MainThread");
    test_add(log, TRACE_THREAD_NEW, 0, 555, 1, -1, 0, 0, "again");
    test_add(log, TRACE_THREAD_STATE, 1, 100, 1, -1, TS_RUNNING, 9999, "");  /* absurd core */
    test_add(log, TRACE_THREAD_STATE, 1, 100, 1, -1, TS_RUNNING, 3, "");
    test_add(log, TRACE_THREAD_STATE, 2, 100, 1, 42, 77, -5, "unknown state");
    test_add(log, TRACE_OBJ_NEW, 3, 100, 1, 7, 99, 1, "strange type");
    test_add(log, TRACE_QUEUE_GET, 4, 100, 1, 7, 5, 0, "'x'");            /* get from empty, len 5 */
    test_add(log, TRACE_QUEUE_PUT, 4, 100, 1, 7, -3, 0, "'y'");
    test_add(log, TRACE_SYNC_OP, 5, 100, 1, 7, 999, 1, "");
    test_add(log, TRACE_SYNC_OP, 5, 100, 99, 8, TOP_ACQUIRE, 1, "");      /* unknown thread and object */
    test_add(log, TRACE_GIL_TAKE, 6, 100, 1, -1, 0, 0, NULL);
    test_add(log, TRACE_GIL_TAKE, 6, 100, 2, -1, 0, 0, NULL);
    test_add(log, TRACE_PROC_EXIT, 6, 12345, -1, -1, 0, 0, NULL);
    test_add(log, TRACE_THREAD_STATE, 7, 100, 1, -1, TS_FINISHED, 0, "");
    trace_fold *f = trace_fold_new(log, 3);
    const trace_fold_state *s = trace_fold_seek(f, trace_fold_count(f));
    ck_assert_uint_eq(s->pos, trace_log_count(log));
    ck_assert_uint_eq(s->nprocs, 1);
    ck_assert_uint_eq(s->nthreads, 1);
    ck_assert_uint_eq(s->nobjects, 1);
    ck_assert_int_eq(s->threads[0].state, TS_FINISHED);
    ck_assert_uint_eq(s->ncores, 4);
    ck_assert_int_eq(s->cores[3], -1);
    ck_assert_int_eq(s->procs[0].gil_holder, -1);
    ck_assert_uint_eq(s->objects[0].items.n, 6); /* 5 unknown from the get, then the put (bad len ignored) */
    /* appended later: sync picks them up, and seeks still agree */
    test_add(log, TRACE_CAPTION, 8, -1, -1, -1, 0, 0, "hello");
    test_add(log, TRACE_PRINT, 9, 100, 1, -1, 1, 0, "a\n\nb");
    trace_fold_sync(f);
    ck_assert_uint_eq(trace_fold_count(f), trace_log_count(log));
    s = trace_fold_seek(f, trace_fold_count(f));
    ck_assert_uint_eq(s->caption, trace_log_count(log) - 2);
    size_t n;
    trace_fold_lines(f, &n);
    ck_assert_uint_eq(n, 3);
    trace_fold_free(f);
    test_every_way(log, 3);
    trace_log_free(log);
}
END_TEST

/* Pool tasks go through their phases; shared values and arrays remember
 * which event wrote each element. */
START_TEST(pools_and_shared_memory) {
    trace_log *log = trace_log_new();
    test_add(log, TRACE_PROC_NEW, 0, 100, -1, -1, -1, 0, "MainProcess");
    test_add(log, TRACE_THREAD_NEW, 0, 100, 1, -1, 0, 0, "MainThread");
    test_add(log, TRACE_OBJ_NEW, 0, 100, 1, 1, TO_POOL, 2, "pool#1");
    test_add(log, TRACE_POOL_TASK, 1, 100, 1, 1, TP_SUBMITTED, 0, "job 1: f(0)");
    test_add(log, TRACE_POOL_TASK, 1, 100, 1, 1, TP_SUBMITTED, 0, "job 2: f(1)");
    test_add(log, TRACE_POOL_TASK, 2, 101, 5, 1, TP_STARTED, 101, "job 1: f(0)");
    test_add(log, TRACE_POOL_TASK, 3, 101, 5, 1, TP_FINISHED, 101, "job 1");
    test_add(log, TRACE_POOL_TASK, 4, 100, 4, 1, TP_DELIVERED, 101, "job 1");
    test_add(log, TRACE_POOL_TASK, 4, 100, 4, 1, TP_DELIVERED, 0, "job 9"); /* unknown job */
    test_add(log, TRACE_OBJ_NEW, 5, 100, 1, 2, TO_ARRAY, 3, "array#2");
    test_add(log, TRACE_SYNC_OP, 5, 100, 1, 2, TOP_SET, 1, "init [0, 1, 2]");
    test_add(log, TRACE_SYNC_OP, 6, 100, 1, 2, TOP_SET, 1, "write [1] -1");
    test_add(log, TRACE_SYNC_OP, 6, 100, 1, 2, TOP_WAIT, 1, "read [1] -1");
    test_add(log, TRACE_SYNC_OP, 7, 100, 1, 2, TOP_SET, 1, "write [2:9] [7, 8]");
    test_add(log, TRACE_SYNC_OP, 7, 100, 1, 2, TOP_SET, 1, "write [x] garbage");
    trace_fold *f = trace_fold_new(log, 4);
    const trace_fold_state *s = trace_fold_seek(f, 6); /* after the start of job 1 */
    const trace_fold_object *pool = &s->objects[0];
    ck_assert_uint_eq(pool->jobs.n, 2);
    ck_assert_uint_eq(trace_fold_list_at(&pool->phases, 0), TP_STARTED);
    ck_assert_uint_eq(trace_fold_list_at(&pool->workers, 0), 101);
    ck_assert_uint_eq(trace_fold_list_at(&pool->phases, 1), TP_SUBMITTED);
    s = trace_fold_seek(f, trace_fold_count(f));
    pool = &s->objects[0];
    ck_assert_uint_eq(trace_fold_list_at(&pool->phases, 0), TP_DELIVERED);
    ck_assert_uint_eq(trace_fold_list_at(&pool->jobs, 1), 2);
    const trace_fold_object *arr = &s->objects[1];
    ck_assert_uint_eq(arr->items.n, 3);
    ck_assert_uint_eq(trace_fold_list_at(&arr->items, 0), 10);
    ck_assert_uint_eq(trace_fold_list_at(&arr->items, 1), 11);
    ck_assert_uint_eq(trace_fold_list_at(&arr->items, 2), 13);
    trace_fold_free(f);
    test_every_way(log, 4);
    trace_log_free(log);
}
END_TEST

START_TEST(empty_log) {
    trace_log *log = trace_log_new();
    trace_fold *f = trace_fold_new(log, 0);
    const trace_fold_state *s = trace_fold_seek(f, 10);
    ck_assert_uint_eq(s->pos, 0);
    ck_assert_uint_eq(s->nthreads, 0);
    ck_assert_uint_eq(trace_fold_pos_at_time(f, 5), 0);
    strbuf d;
    sb_init(&d);
    trace_fold_state_dump(s, log, &d);
    ck_assert(strstr(d.data, "pos 0") != NULL);
    sb_free(&d);
    trace_fold_free(f);
    trace_log_free(log);
}
END_TEST

static Suite *fold_suite(void) {
    Suite *s = suite_create("trace_fold");
    TCase *tc = tcase_create("fold");
    tcase_add_test(tc, same_state_every_way);
    tcase_add_test(tc, lock_owner_and_waiters);
    tcase_add_test(tc, queue_contents);
    tcase_add_test(tc, indexes);
    tcase_add_test(tc, tolerates_anything);
    tcase_add_test(tc, pools_and_shared_memory);
    tcase_add_test(tc, empty_log);
    suite_add_tcase(s, tc);
    return s;
}

int main(void) {
    SRunner *sr = srunner_create(fold_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
