/* test_sim.c - the simulated machine: determinism, the GIL's measured
 * behaviour (FACTS.md section 11, as numbers of the simulation), deadlock
 * reports, run limits, and the scheduler's fairness. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "sim_test_util.h"

static double out_double(const simtest_run *r) { return strtod(r->out.data, NULL); }

/* ------------------------------------------------------------ determinism */

static const char same_trace_src[] =
    "import threading, random, time\n"
    "from multiprocessing import Pool\n"
    "lock = threading.Lock()\n"
    "def work(n):\n"
    "    time.sleep(random.random() / 10)\n"
    "    with lock:\n"
    "        print('worker', n)\n"
    "    return n * n\n"
    "if __name__ == '__main__':\n"
    "    ts = [threading.Thread(target=work, args=(i,)) for i in range(4)]\n"
    "    for t in ts: t.start()\n"
    "    for t in ts: t.join()\n"
    "    with Pool(3) as p:\n"
    "        print(p.map(work, range(6)))\n";

START_TEST(test_same_seed_same_trace) {
    const char *src = same_trace_src;
    sim_config cfg;
    sim_config_default(&cfg);
    cfg.seed = 7;
    simtest_run a, b, c;
    simtest_exec(src, &cfg, &a);
    simtest_exec(src, &cfg, &b);
    cfg.seed = 8;
    simtest_exec(src, &cfg, &c);
    ck_assert_int_eq(a.status, 0);
    size_t na, nb, nc;
    char *ja = simtest_jsonl(a.log, &na), *jb = simtest_jsonl(b.log, &nb), *jc = simtest_jsonl(c.log, &nc);
    ck_assert_uint_gt(na, 1000);
    ck_assert_uint_eq(na, nb);
    ck_assert_int_eq(memcmp(ja, jb, na), 0);
    /* another seed changes the random sleeps, hence the trace */
    ck_assert(na != nc || memcmp(ja, jc, na) != 0);
    free(ja);
    free(jb);
    free(jc);
    simtest_free(&a);
    simtest_free(&b);
    simtest_free(&c);
}
END_TEST

/* A viewer runs the machine a little at a time (sim_run_some): stopping
 * and going on must not change the run. Parts stop on event counts and on
 * step counts, some of them one step long. */
START_TEST(test_run_in_parts_same_trace) {
    sim_config cfg;
    sim_config_default(&cfg);
    cfg.seed = 7;
    simtest_run whole;
    simtest_exec(same_trace_src, &cfg, &whole);
    lang_origin o = {"test.py", 1, 0};
    lang_error e;
    lang_program *p = lang_compile(same_trace_src, strlen(same_trace_src), &o, &e);
    ck_assert_ptr_nonnull(p);
    cfg.write = lang_write_nowhere;
    trace_log *log = trace_log_new();
    sim *s = sim_new(p, &cfg, log);
    int parts = 0;
    for (bool over = false; !over; parts++) {
        size_t have = trace_log_count(log);
        over = parts % 3 == 0 ? sim_run_some(s, have + 1 + (size_t)(parts % 17), UINT64_MAX)
                              : sim_run_some(s, 0, (uint64_t)(parts % 5));
        ck_assert_uint_ge(trace_log_count(log), have);
    }
    ck_assert_int_eq(sim_exit_status(s), whole.status);
    sim_free(s);
    lang_program_free(p);
    ck_assert_int_gt(parts, 20);
    size_t na, nb;
    char *ja = simtest_jsonl(whole.log, &na), *jb = simtest_jsonl(log, &nb);
    ck_assert_uint_eq(na, nb);
    ck_assert_int_eq(memcmp(ja, jb, na), 0);
    free(ja);
    free(jb);
    trace_log_free(log);
    simtest_free(&whole);
}
END_TEST

/* ------------------------------------------------------------- the GIL */

static const char *gil_threads_src =
    "import threading, time\n"
    "def count(n):\n"
    "    i = 0\n"
    "    while i < n:\n"
    "        i += 1\n"
    "N = 150000\n"
    "t0 = time.perf_counter()\n"
    "count(2 * N)\n"
    "one = time.perf_counter() - t0\n"
    "ts = [threading.Thread(target=count, args=(N,)) for _ in range(2)]\n"
    "t0 = time.perf_counter()\n"
    "for t in ts: t.start()\n"
    "for t in ts: t.join()\n"
    "print(round((time.perf_counter() - t0) / one, 3))\n";

/* (a) two CPU-bound threads take as long as one thread doing both halves */
START_TEST(test_gil_threads_do_not_speed_up) {
    simtest_run r;
    simtest_exec(gil_threads_src, NULL, &r);
    ck_assert_int_eq(r.status, 0);
    double ratio = out_double(&r);
    ck_assert_msg(ratio >= 0.9 && ratio <= 1.2, "2 threads / 1 thread = %g", ratio);
    simtest_free(&r);
}
END_TEST

/* (a) two processes on two cores nearly halve it */
START_TEST(test_gil_processes_run_in_parallel) {
    const char *src =
        "import multiprocessing as mp, time, concviz\n"
        "def work(s):\n"
        "    concviz.cpu(s)\n"
        "if __name__ == '__main__':\n"
        "    t0 = time.perf_counter()\n"
        "    work(0.4)\n"
        "    one = time.perf_counter() - t0\n"
        "    ps = [mp.Process(target=work, args=(0.2,)) for _ in range(2)]\n"
        "    t0 = time.perf_counter()\n"
        "    for p in ps: p.start()\n"
        "    for p in ps: p.join()\n"
        "    print(round((time.perf_counter() - t0) / one, 3))\n";
    sim_config cfg;
    sim_config_default(&cfg);
    cfg.cores = 2;
    simtest_run r;
    simtest_exec(src, &cfg, &r);
    ck_assert_int_eq(r.status, 0);
    double ratio = out_double(&r);
    ck_assert_msg(ratio > 0.45 && ratio <= 0.65, "2 processes / 1 = %g", ratio);
    simtest_free(&r);
}
END_TEST

/* (b) a thread sleeping 1 ms beside a CPU-bound thread wakes after about
 * switch interval + 1 ms */
static double sleep_latency(double interval) {
    char src[1200];
    snprintf(src, sizeof src,
             "import threading, time, sys\n"
             "sys.setswitchinterval(%g)\n"
             "stop = [False]\n"
             "def spin():\n"
             "    while not stop[0]:\n"
             "        pass\n"
             "t = threading.Thread(target=spin)\n"
             "t.start()\n"
             "time.sleep(0.01)\n"
             "samples = []\n"
             "for i in range(9):\n"
             "    t0 = time.perf_counter()\n"
             "    time.sleep(0.001)\n"
             "    samples.append(time.perf_counter() - t0)\n"
             "stop[0] = True\n"
             "t.join()\n"
             "print(sorted(samples)[4] * 1000)\n",
             interval);
    simtest_run r;
    simtest_exec(src, NULL, &r);
    ck_assert_int_eq(r.status, 0);
    double ms = out_double(&r);
    simtest_free(&r);
    return ms;
}

START_TEST(test_gil_wakeup_latency) {
    double at5 = sleep_latency(0.005);
    ck_assert_msg(at5 >= 5.0 && at5 <= 7.0, "latency at 5 ms: %g ms", at5);
    double at1 = sleep_latency(0.001);
    ck_assert_msg(at1 >= 1.5 && at1 <= 3.0, "latency at 1 ms: %g ms", at1);
}
END_TEST

/* (c) two CPU-bound threads switch about 1/interval times a second */
static double switches_per_second(double interval) {
    char src[800];
    snprintf(src, sizeof src,
             "import threading, sys, concviz\n"
             "sys.setswitchinterval(%g)\n"
             "ts = [threading.Thread(target=concviz.cpu, args=(0.5,)) for _ in range(2)]\n"
             "for t in ts: t.start()\n"
             "for t in ts: t.join()\n",
             interval);
    simtest_run r;
    simtest_exec(src, NULL, &r);
    ck_assert_int_eq(r.status, 0);
    size_t forced = simtest_count(r.log, TRACE_GIL_DROP, TG_FORCED);
    const trace_event *last = trace_log_get(r.log, trace_log_count(r.log) - 1);
    double seconds = (double)last->t / 1e9;
    simtest_free(&r);
    return (double)forced / seconds;
}

START_TEST(test_gil_switch_rate) {
    static const double intervals[] = {0.05, 0.005, 0.001};
    for (int i = 0; i < 3; i++) {
        double rate = switches_per_second(intervals[i]), ideal = 1.0 / intervals[i];
        ck_assert_msg(rate > ideal * 0.8 && rate < ideal * 1.1, "interval %g: %g switches/s, ideal %g", intervals[i],
                      rate, ideal);
    }
}
END_TEST

/* (d) the old GIL hands over every 100 bytecodes */
START_TEST(test_old_gil_ticks) {
    const char *src =
        "import threading\n"
        "def count(n):\n"
        "    i = 0\n"
        "    while i < n:\n"
        "        i += 1\n"
        "ts = [threading.Thread(target=count, args=(20000,)) for _ in range(2)]\n"
        "for t in ts: t.start()\n"
        "for t in ts: t.join()\n";
    sim_config cfg;
    sim_config_default(&cfg);
    cfg.gil = SIM_GIL_OLD;
    simtest_run r;
    simtest_exec(src, &cfg, &r);
    ck_assert_int_eq(r.status, 0);
    size_t ticks = simtest_count(r.log, TRACE_GIL_DROP, TG_TICKS);
    /* 2 x 20000 iterations x 9 bytecodes, while both threads compete: one hand-over per 100 */
    ck_assert_msg(ticks > 2 * 20000 * 9 / 100 * 8 / 10 && ticks < 2 * 20000 * 9 / 100 * 11 / 10, "%zu tick drops", ticks);
    ck_assert_uint_eq(simtest_count(r.log, TRACE_GIL_DROP, TG_FORCED), 0);
    simtest_free(&r);
}
END_TEST

/* free-threaded: two CPU threads do use two cores */
START_TEST(test_no_gil_parallel) {
    sim_config cfg;
    sim_config_default(&cfg);
    cfg.gil = SIM_GIL_NONE;
    simtest_run r;
    simtest_exec(gil_threads_src, &cfg, &r);
    ck_assert_int_eq(r.status, 0);
    double ratio = out_double(&r);
    ck_assert_msg(ratio < 0.6, "2 threads / 1 thread without a GIL = %g", ratio);
    ck_assert_uint_eq(simtest_count(r.log, TRACE_GIL_TAKE, -1), 0);
    simtest_free(&r);
}
END_TEST

/* -------------------------------------------------------------- deadlock */

static const char *two_locks_src(bool ordered) {
    return ordered ? "import threading, time\n"
                     "lock_a = threading.Lock()\n"
                     "lock_b = threading.Lock()\n"
                     "def t1():\n"
                     "    with lock_a:\n"
                     "        time.sleep(0.1)\n"
                     "        with lock_b:\n"
                     "            print('t1 has both')\n"
                     "def t2():\n"
                     "    with lock_a:\n"
                     "        time.sleep(0.1)\n"
                     "        with lock_b:\n"
                     "            print('t2 has both')\n"
                     "a = threading.Thread(target=t1)\n"
                     "b = threading.Thread(target=t2)\n"
                     "a.start(); b.start(); a.join(); b.join()\n"
                   : "import threading, time\n"
                     "lock_a = threading.Lock()\n"
                     "lock_b = threading.Lock()\n"
                     "def t1():\n"
                     "    with lock_a:\n"
                     "        time.sleep(0.1)\n"
                     "        with lock_b:\n"
                     "            print('t1 has both')\n"
                     "def t2():\n"
                     "    with lock_b:\n"
                     "        time.sleep(0.1)\n"
                     "        with lock_a:\n"
                     "            print('t2 has both')\n"
                     "a = threading.Thread(target=t1)\n"
                     "b = threading.Thread(target=t2)\n"
                     "a.start(); b.start(); a.join(); b.join()\n";
}

START_TEST(test_deadlock_reported) {
    simtest_run r;
    simtest_exec(two_locks_src(false), NULL, &r);
    ck_assert_int_eq(r.status, SIM_EXIT_DEADLOCK);
    ck_assert_ptr_nonnull(r.end);
    ck_assert_msg(strstr(r.end, "deadlock at t=0.100s") != NULL, "%s", r.end);
    ck_assert_msg(strstr(r.end, "Thread-1 (t1) holds lock_a and waits for lock_b") != NULL, "%s", r.end);
    ck_assert_msg(strstr(r.end, "Thread-2 (t2) holds lock_b and waits for lock_a") != NULL, "%s", r.end);
    ck_assert_msg(strstr(r.end, "cycle:") != NULL, "%s", r.end);
    ck_assert_uint_eq(simtest_count(r.log, TRACE_DEADLOCK, -1), 1);
    simtest_free(&r);
}
END_TEST

START_TEST(test_no_deadlock_with_lock_order) {
    simtest_run r;
    simtest_exec(two_locks_src(true), NULL, &r);
    ck_assert_int_eq(r.status, 0);
    ck_assert_str_eq(r.out.data, "t1 has both\nt2 has both\n");
    ck_assert_uint_eq(simtest_count(r.log, TRACE_DEADLOCK, -1), 0);
    simtest_free(&r);
}
END_TEST

/* ---------------------------------------------------------------- limits */

START_TEST(test_time_limit) {
    sim_config cfg;
    sim_config_default(&cfg);
    cfg.max_time_ns = 200000000;
    simtest_run r;
    simtest_exec("import time\nwhile True:\n    time.sleep(0.05)\n", &cfg, &r);
    ck_assert_int_eq(r.status, SIM_EXIT_TIME_LIMIT);
    ck_assert_msg(r.end && strstr(r.end, "time limit") != NULL, "%s", r.end ? r.end : "(none)");
    simtest_free(&r);
    simtest_exec("while True:\n    pass\n", &cfg, &r);
    ck_assert_int_eq(r.status, SIM_EXIT_TIME_LIMIT);
    simtest_free(&r);
}
END_TEST

START_TEST(test_thread_limit) {
    sim_config cfg;
    sim_config_default(&cfg);
    cfg.max_threads = 20;
    simtest_run r;
    simtest_exec("import threading, time\n"
                 "ts = []\n"
                 "while True:\n"
                 "    t = threading.Thread(target=time.sleep, args=(10,))\n"
                 "    t.start()\n"
                 "    ts.append(t)\n",
                 &cfg, &r);
    ck_assert_int_eq(r.status, SIM_EXIT_LIMIT);
    ck_assert_msg(r.end && strstr(r.end, "threads") != NULL, "%s", r.end ? r.end : "(none)");
    simtest_free(&r);
}
END_TEST

/* ---------------------------------------------------------- scheduling */

/* Waiters get a lock in arrival order (FACTS.md section 7). */
START_TEST(test_lock_fifo) {
    simtest_run r;
    simtest_exec("import threading, time\n"
                 "lock = threading.Lock()\n"
                 "order = []\n"
                 "def w(i):\n"
                 "    with lock:\n"
                 "        order.append(i)\n"
                 "        time.sleep(0.005)\n"
                 "lock.acquire()\n"
                 "ts = []\n"
                 "for i in range(5):\n"
                 "    t = threading.Thread(target=w, args=(i,))\n"
                 "    t.start(); ts.append(t)\n"
                 "    time.sleep(0.02)\n"
                 "lock.release()\n"
                 "for t in ts: t.join()\n"
                 "print(order)\n",
                 NULL, &r);
    ck_assert_int_eq(r.status, 0);
    ck_assert_str_eq(r.out.data, "[0, 1, 2, 3, 4]\n");
    simtest_free(&r);
}
END_TEST

/* More runnable processes than cores share the cores in time slices. */
START_TEST(test_cores_shared) {
    const char *src =
        "import multiprocessing as mp, time, concviz\n"
        "def work():\n"
        "    concviz.cpu(0.1)\n"
        "if __name__ == '__main__':\n"
        "    ps = [mp.Process(target=work) for _ in range(4)]\n"
        "    t0 = time.perf_counter()\n"
        "    for p in ps: p.start()\n"
        "    for p in ps: p.join()\n"
        "    print(round(time.perf_counter() - t0, 1))\n";
    sim_config cfg;
    sim_config_default(&cfg);
    cfg.cores = 2;
    simtest_run r;
    simtest_exec(src, &cfg, &r);
    ck_assert_int_eq(r.status, 0);
    /* 4 x 0.1 s of CPU on 2 cores: about 0.2 s */
    ck_assert_str_eq(r.out.data, "0.2\n");
    simtest_free(&r);
}
END_TEST

/* Start methods (FACTS.md section 2, and python3.11 run here with pids
 * printed): fork copies the parent, so module code runs once and the child
 * sees COUNTER=42; spawn and forkserver children each import the module
 * again as __mp_main__ in their own pid and see COUNTER=0. Start+join costs:
 * fork a few ms, spawn about 55 ms each, forkserver about 60 ms for the
 * first (the server starts) and a few ms after. */
static const char *const start_src =
    "import multiprocessing as mp, os, sys, time\n"
    "print('module', os.getpid(), __name__)\n"
    "COUNTER = 0\n"
    "def f():\n"
    "    print('child', os.getpid(), COUNTER, __name__)\n"
    "if __name__ == '__main__':\n"
    "    COUNTER = 42\n"
    "    ctx = mp.get_context(sys.argv[1] if len(sys.argv) > 1 else METHOD)\n"
    "    for i in range(3):\n"
    "        t0 = time.perf_counter()\n"
    "        p = ctx.Process(target=f)\n"
    "        p.start()\n"
    "        p.join()\n"
    "        print('ms', round((time.perf_counter() - t0) * 1000))\n";

/* Runs start_src under method; counts module lines printed by child pids
 * and collects the start+join times and the children's COUNTER. */
static void run_start_method(const char *method, int *module_in_children, int *counter, int ms[3]) {
    char src[2048];
    snprintf(src, sizeof src, "METHOD = '%s'\n%s", method, start_src);
    simtest_run r;
    simtest_exec(src, NULL, &r);
    ck_assert_int_eq(r.status, 0);
    int main_pid = -1, nms = 0;
    *module_in_children = 0;
    *counter = -1;
    int module_pids[8], nmod = 0;
    for (char *line = r.out.data; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
        int pid, c;
        char name[32];
        if (sscanf(line, "module %d %31s", &pid, name) == 2) {
            if (strcmp(name, "__main__") == 0) main_pid = pid;
            else if (nmod < 8) module_pids[nmod++] = pid;
        } else if (sscanf(line, "child %d %d %31s", &pid, &c, name) == 3) {
            *counter = c;
            for (int i = 0; i < nmod; i++)
                if (module_pids[i] == pid) ++*module_in_children;
        } else if (sscanf(line, "ms %d", &c) == 1 && nms < 3) {
            ms[nms++] = c;
        }
    }
    ck_assert_int_gt(main_pid, 0);
    ck_assert_int_eq(nms, 3);
    simtest_free(&r);
}

START_TEST(test_start_methods) {
    int in_children, counter, ms[3];
    run_start_method("fork", &in_children, &counter, ms);
    ck_assert_int_eq(in_children, 0);
    ck_assert_int_eq(counter, 42);
    for (int i = 0; i < 3; i++) ck_assert_int_le(ms[i], 8);
    run_start_method("spawn", &in_children, &counter, ms);
    ck_assert_int_eq(in_children, 3);
    ck_assert_int_eq(counter, 0);
    for (int i = 0; i < 3; i++) ck_assert_int_ge(ms[i], 45);
    run_start_method("forkserver", &in_children, &counter, ms);
    ck_assert_int_eq(in_children, 3);
    ck_assert_int_eq(counter, 0);
    ck_assert_int_ge(ms[0], 50);
    ck_assert_int_le(ms[1], 15);
    ck_assert_int_le(ms[2], 15);
}
END_TEST

/* Threads less than one bytecode apart on different cores (no GIL) must
 * still pass their sync points: this used to livelock, each yielding to the
 * other forever. */
START_TEST(test_no_gil_threads_closer_than_a_bytecode) {
    const char *src =
        "import threading, queue, concviz\n"
        "q = queue.Queue()\n"
        "def w(i):\n"
        "    concviz.cpu(0.000012 + i * 3e-10)\n"
        "    for k in range(3): q.put(i)\n"
        "ts = [threading.Thread(target=w, args=(i,)) for i in range(4)]\n"
        "for t in ts: t.start()\n"
        "for t in ts: t.join()\n"
        "print(q.qsize())\n";
    sim_config cfg;
    sim_config_default(&cfg);
    cfg.gil = SIM_GIL_NONE;
    cfg.max_time_ns = 1000000000LL;
    simtest_run r;
    simtest_exec(src, &cfg, &r);
    ck_assert_int_eq(r.status, 0);
    ck_assert_str_eq(r.out.data, "12\n");
    simtest_free(&r);
}
END_TEST

/* Every thread finishes once: terminating a daemon child during the main
 * process's shutdown used to report MainThread finished twice. */
START_TEST(test_threads_finish_once) {
    const char *src =
        "import multiprocessing as mp, time\n"
        "def f():\n"
        "    time.sleep(10)\n"
        "if __name__ == '__main__':\n"
        "    p = mp.Process(target=f, daemon=True)\n"
        "    p.start()\n"
        "    time.sleep(0.1)\n";
    simtest_run r;
    simtest_exec(src, NULL, &r);
    ck_assert_int_eq(r.status, 0);
    int finished[64] = {0};
    size_t n = trace_log_count(r.log);
    for (size_t i = 0; i < n; i++) {
        const trace_event *e = trace_log_get(r.log, i);
        if (e->kind == TRACE_THREAD_STATE && e->a == TS_FINISHED && e->tid >= 0 && e->tid < 64) finished[e->tid]++;
    }
    int threads = 0;
    for (int t = 0; t < 64; t++) {
        ck_assert_msg(finished[t] <= 1, "thread %d finished %d times", t, finished[t]);
        threads += finished[t];
    }
    ck_assert_int_eq(threads, 2); /* the main threads of both processes */
    simtest_free(&r);
}
END_TEST

/* Indexing a manager's dict proxy is a round trip to the server: the caller
 * is shown blocked for d['a'] = 1 and for d['a'] (a machine object's native
 * __setitem__/__getitem__ may block; nested calls could not). */
START_TEST(test_proxy_indexing_blocks) {
    const char *src =
        "import multiprocessing as mp\n"
        "if __name__ == '__main__':\n"
        "    with mp.Manager() as m:\n"
        "        d = m.dict()\n"
        "        d['a'] = 1\n"
        "        print(d['a'])\n";
    simtest_run r;
    simtest_exec(src, NULL, &r);
    ck_assert_int_eq(r.status, 0);
    ck_assert_str_eq(r.out.data, "1\n");
    bool set_blocked = false, get_blocked = false;
    size_t n = trace_log_count(r.log);
    for (size_t i = 0; i < n; i++) {
        const trace_event *e = trace_log_get(r.log, i);
        if (e->kind != TRACE_THREAD_STATE || e->a != TS_BLOCKED) continue;
        size_t len;
        const char *what = trace_log_string(r.log, e->text, &len);
        if (!what) continue;
        if (strstr(what, "d['a'] = 1")) set_blocked = true;
        else if (strstr(what, "d['a']")) get_blocked = true;
    }
    ck_assert_msg(set_blocked, "d['a'] = 1 did not block the caller");
    ck_assert_msg(get_blocked, "d['a'] did not block the caller");
    simtest_free(&r);
}
END_TEST

/* Objects are labelled by the variable they are assigned to; one made
 * where no name is assigned (in a list) keeps "type#id". */
START_TEST(test_object_labels) {
    const char *src =
        "import threading, queue\n"
        "lock_a = threading.Lock()\n"
        "class C:\n"
        "    def __init__(self):\n"
        "        self.guard = threading.Lock()\n"
        "c = C()\n"
        "forks = [threading.Lock()]\n"
        "def f():\n"
        "    jobs = queue.Queue()\n"
        "f()\n";
    simtest_run r;
    simtest_exec(src, NULL, &r);
    ck_assert_int_eq(r.status, 0);
    const char *want[] = {"lock_a", "guard", "lock#3", "jobs"};
    int k = 0;
    size_t n = trace_log_count(r.log);
    for (size_t i = 0; i < n; i++) {
        const trace_event *e = trace_log_get(r.log, i);
        if (e->kind != TRACE_OBJ_NEW) continue;
        ck_assert_int_lt(k, 4);
        size_t len;
        const char *label = trace_log_string(r.log, e->text, &len);
        ck_assert_str_eq(label, want[k]);
        k++;
    }
    ck_assert_int_eq(k, 4);
    simtest_free(&r);
}
END_TEST

static Suite *sim_suite(void) {
    Suite *s = suite_create("sim");
    TCase *det = tcase_create("determinism");
    tcase_add_test(det, test_same_seed_same_trace);
    tcase_add_test(det, test_run_in_parts_same_trace);
    tcase_set_timeout(det, 60);
    suite_add_tcase(s, det);
    TCase *gil = tcase_create("gil");
    tcase_add_test(gil, test_gil_threads_do_not_speed_up);
    tcase_add_test(gil, test_gil_processes_run_in_parallel);
    tcase_add_test(gil, test_gil_wakeup_latency);
    tcase_add_test(gil, test_gil_switch_rate);
    tcase_add_test(gil, test_old_gil_ticks);
    tcase_add_test(gil, test_no_gil_parallel);
    tcase_add_test(gil, test_no_gil_threads_closer_than_a_bytecode);
    tcase_set_timeout(gil, 120);
    suite_add_tcase(s, gil);
    TCase *dl = tcase_create("deadlock");
    tcase_add_test(dl, test_deadlock_reported);
    tcase_add_test(dl, test_no_deadlock_with_lock_order);
    tcase_add_test(dl, test_time_limit);
    tcase_add_test(dl, test_thread_limit);
    tcase_set_timeout(dl, 60);
    suite_add_tcase(s, dl);
    TCase *sch = tcase_create("scheduling");
    tcase_add_test(sch, test_lock_fifo);
    tcase_add_test(sch, test_cores_shared);
    tcase_add_test(sch, test_start_methods);
    tcase_add_test(sch, test_threads_finish_once);
    tcase_add_test(sch, test_proxy_indexing_blocks);
    tcase_add_test(sch, test_object_labels);
    tcase_set_timeout(sch, 60);
    suite_add_tcase(s, sch);
    return s;
}

int main(void) {
    SRunner *sr = srunner_create(sim_suite());
    srunner_run_all(sr, CK_ENV);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
