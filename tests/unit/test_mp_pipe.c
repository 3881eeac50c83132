/* test_mp_pipe.c - unit tests of multiprocessing.Pipe on the simulated
 * machine: both directions of a duplex pipe, one-way pipes, EOF only once
 * every copy of the other end is closed (explicitly or by its process's
 * exit), inherited copies keeping a pipe open, poll() timing, CPython 3.11's
 * errors (checked against python3.11), deadlocks, and the trace. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "sim_test_util.h"

/* ------------------------------------------------------------------ */
/* Helpers                                                             */

static void run_ok(const char *src, const sim_config *cfg, simtest_run *r) {
    simtest_exec(src, cfg, r);
    ck_assert_msg(r->status == 0, "status %d, stderr:\n%s\nend: %s", r->status, r->err.data,
                  r->end ? r->end : "-");
}

static void assert_output(const char *src, const char *want) {
    simtest_run r;
    run_ok(src, NULL, &r);
    ck_assert_str_eq(r.out.data, want);
    simtest_free(&r);
}

/* "put ITEM on LABEL" / "get ITEM from LABEL" for every pipe event, one a
 * line, with the labels of the OBJ_NEW events. */
static void pipe_events(const trace_log *log, strbuf *out) {
    for (size_t i = 0; i < trace_log_count(log); i++) {
        const trace_event *ev = trace_log_get(log, i);
        size_t n;
        const char *s = trace_log_string(log, ev->text, &n);
        if (ev->kind == TRACE_OBJ_NEW && ev->a == TO_PIPE) sb_printf(out, "new %.*s duplex=%d\n", (int)n, s, ev->b);
        if (ev->kind == TRACE_QUEUE_PUT || ev->kind == TRACE_QUEUE_GET) {
            size_t ln = 0;
            const char *label = "?";
            for (size_t j = 0; j < i; j++) {
                const trace_event *o = trace_log_get(log, j);
                if (o->kind == TRACE_OBJ_NEW && o->obj == ev->obj) label = trace_log_string(log, o->text, &ln);
            }
            sb_printf(out, "%s %.*s %s %.*s (%d)\n", ev->kind == TRACE_QUEUE_PUT ? "put" : "get", (int)n, s,
                      ev->kind == TRACE_QUEUE_PUT ? "on" : "from", (int)ln, label, ev->a);
        }
    }
}

/* ------------------------------------------------------------------ */
/* Messages                                                            */

START_TEST(test_duplex_both_ways) {
    assert_output("from multiprocessing import Process, Pipe\n"
                  "def f(conn):\n"
                  "    conn.send([42, None, 'hello'])\n"
                  "    request = conn.recv()\n"
                  "    conn.send({'echo': request, 'len': len(request)})\n"
                  "    conn.send((1.5, True))\n"
                  "    conn.close()\n"
                  "if __name__ == '__main__':\n"
                  "    parent_conn, child_conn = Pipe()\n"
                  "    print(parent_conn.readable, parent_conn.writable, child_conn.readable, child_conn.writable)\n"
                  "    p = Process(target=f, args=(child_conn,))\n"
                  "    p.start()\n"
                  "    print(parent_conn.recv())\n"
                  "    parent_conn.send('ping')\n"
                  "    print(parent_conn.recv())\n"
                  "    print(parent_conn.recv())\n"
                  "    p.join()\n"
                  "    print('poll after child exit:', parent_conn.poll(0.1))\n",
                  "True True True True\n"
                  "[42, None, 'hello']\n"
                  "{'echo': 'ping', 'len': 4}\n"
                  "(1.5, True)\n"
                  "poll after child exit: False\n");
}
END_TEST

START_TEST(test_one_way_and_same_process) {
    assert_output("from multiprocessing import Pipe\n"
                  "r, w = Pipe(duplex=False)\n"
                  "print(r.readable, r.writable, w.readable, w.writable)\n"
                  "for x in range(3): w.send(x * x)\n"
                  "print([r.recv() for _ in range(3)], r.poll())\n"
                  "a, b = Pipe()\n"
                  "a.send('to b'); b.send('to a')\n"
                  "print(b.recv(), a.recv())\n",
                  "True False False True\n[0, 1, 4] False\nto b to a\n");
}
END_TEST

START_TEST(test_objects_are_copies) {
    /* the receiver gets its own copy; functions travel by name */
    assert_output("from multiprocessing import Pipe\n"
                  "def sq(x): return x * x\n"
                  "a, b = Pipe()\n"
                  "l = [1, [2]]\n"
                  "a.send(l); l[1].append(3)\n"
                  "got = b.recv()\n"
                  "a.send(sq)\n"
                  "print(got, l, got is l, b.recv()(7))\n",
                  "[1, [2]] [1, [2, 3]] False 49\n");
}
END_TEST

START_TEST(test_connection_sent_through_a_pipe) {
    /* a Connection pickled into a pipe is another handle of its end */
    assert_output("from multiprocessing import Process, Pipe\n"
                  "def child(ctl):\n"
                  "    conn = ctl.recv()\n"
                  "    conn.send('via a passed connection')\n"
                  "    conn.close()\n"
                  "if __name__ == '__main__':\n"
                  "    ctl_a, ctl_b = Pipe()\n"
                  "    a, b = Pipe()\n"
                  "    p = Process(target=child, args=(ctl_b,)); p.start()\n"
                  "    ctl_a.send(b)\n"
                  "    print(a.recv())\n"
                  "    p.join()\n",
                  "via a passed connection\n");
}
END_TEST

/* ------------------------------------------------------------------ */
/* EOF and closing                                                     */

START_TEST(test_eof_after_close_everywhere) {
    assert_output("from multiprocessing import Process, Pipe\n"
                  "def sender(conn, items):\n"
                  "    for x in items:\n"
                  "        conn.send(x)\n"
                  "    conn.close()\n"
                  "if __name__ == '__main__':\n"
                  "    parent_conn, child_conn = Pipe()\n"
                  "    p = Process(target=sender, args=(child_conn, ['a', 'b']))\n"
                  "    p.start()\n"
                  "    child_conn.close()\n"
                  "    while True:\n"
                  "        try:\n"
                  "            print('received', parent_conn.recv())\n"
                  "        except EOFError as e:\n"
                  "            print('EOFError', repr(e), '[%s]' % e)\n"
                  "            break\n"
                  "    print(parent_conn.poll())\n"
                  "    p.join()\n",
                  "received a\nreceived b\nEOFError EOFError() []\nTrue\n");
}
END_TEST

START_TEST(test_exit_of_last_writer_wakes_reader) {
    /* the child never closes its end; its exit at about 0.1 s is what makes
     * the parent's blocked recv() raise EOFError */
    simtest_run r;
    run_ok("from multiprocessing import Process, Pipe\n"
           "import time\n"
           "def sender(conn):\n"
           "    conn.send('last')\n"
           "    time.sleep(0.1)\n"
           "if __name__ == '__main__':\n"
           "    a, b = Pipe()\n"
           "    p = Process(target=sender, args=(b,))\n"
           "    p.start()\n"
           "    b.close()\n"
           "    t0 = time.time()\n"
           "    print(a.recv())\n"
           "    try:\n"
           "        a.recv()\n"
           "    except EOFError:\n"
           "        print('EOF after', round(time.time() - t0, 2))\n"
           "    p.join()\n",
           NULL, &r);
    ck_assert_str_eq(r.out.data, "last\nEOF after 0.1\n");
    /* the parent really waited in recv() (blocked twice on the pipe) */
    size_t blocked = 0;
    for (size_t i = 0; i < trace_log_count(r.log); i++) {
        const trace_event *ev = trace_log_get(r.log, i);
        size_t n;
        const char *what = trace_log_string(r.log, ev->text, &n);
        if (ev->kind == TRACE_THREAD_STATE && ev->a == TS_BLOCKED && n && strstr(what, "Connection.recv()"))
            blocked++;
    }
    ck_assert_uint_eq(blocked, 2);
    simtest_free(&r);
}
END_TEST

START_TEST(test_inherited_copy_keeps_pipe_open) {
    /* CPython closes nothing: the child's inherited copy of the write end
     * keeps its own reads from ever seeing EOF, unless it closes it */
    assert_output("from multiprocessing import Process, Pipe\n"
                  "def reader(r, w, close_w, out):\n"
                  "    if close_w: w.close()\n"
                  "    try:\n"
                  "        while True: r.recv()\n"
                  "    except EOFError:\n"
                  "        out.send('EOF')\n"
                  "if __name__ == '__main__':\n"
                  "    for close_w in (False, True):\n"
                  "        r, w = Pipe(False)\n"
                  "        o1, o2 = Pipe()\n"
                  "        p = Process(target=reader, args=(r, w, close_w, o2))\n"
                  "        p.start()\n"
                  "        w.send(1)\n"
                  "        w.close()\n"
                  "        print(close_w, o1.poll(0.5) and o1.recv())\n"
                  "        p.join(0.1)\n"
                  "        print(p.is_alive())\n"
                  "        p.terminate(); p.join()\n",
                  "False False\nTrue\nTrue EOF\nFalse\n");
}
END_TEST

START_TEST(test_closed_and_wrong_end_errors) {
    /* messages and types as python3.11 prints them */
    assert_output("from multiprocessing import Pipe\n"
                  "def t(desc, fn):\n"
                  "    try: print(desc, '->', fn())\n"
                  "    except Exception as e: print(desc, '!!', type(e).__name__, repr(str(e)))\n"
                  "r, w = Pipe(False)\n"
                  "t('r.send', lambda: r.send(1))\n"
                  "t('w.recv', lambda: w.recv())\n"
                  "t('w.poll', lambda: w.poll())\n"
                  "a, b = Pipe()\n"
                  "t('close', lambda: a.close())\n"
                  "t('closed', lambda: a.closed)\n"
                  "t('close again', lambda: a.close())\n"
                  "t('a.recv', lambda: a.recv())\n"
                  "t('a.send', lambda: a.send(1))\n"
                  "t('a.poll', lambda: a.poll())\n"
                  "t('a.readable', lambda: a.readable)\n"
                  "t('b.poll', lambda: b.poll())\n"
                  "t('b.recv', lambda: b.recv())\n"
                  "t('b.send', lambda: b.send(1))\n"
                  "try: b.send(1)\n"
                  "except BrokenPipeError as e: print(e.errno, e.strerror, isinstance(e, OSError))\n"
                  "r.close()\n"
                  "t('w.send, reader gone', lambda: w.send(1))\n"
                  "g, h = Pipe()\n"
                  "t('send()', lambda: g.send())\n"
                  "t('send(1, 2)', lambda: g.send(1, 2))\n"
                  "t('recv(1)', lambda: g.recv(1))\n"
                  "t('poll(1, 2)', lambda: g.poll(1, 2))\n"
                  "t('poll(x)', lambda: g.poll('x'))\n"
                  "t('poll(-1)', lambda: g.poll(-1))\n"
                  "t('Pipe(1, 2)', lambda: Pipe(1, 2))\n"
                  "t('Pipe(x=0)', lambda: Pipe(x=0))\n"
                  "t('repr', lambda: repr(g)[:51])\n"
                  "with g:\n"
                  "    pass\n"
                  "print(g.closed)\n",
                  "r.send !! OSError 'connection is read-only'\n"
                  "w.recv !! OSError 'connection is write-only'\n"
                  "w.poll !! OSError 'connection is write-only'\n"
                  "close -> None\n"
                  "closed -> True\n"
                  "close again -> None\n"
                  "a.recv !! OSError 'handle is closed'\n"
                  "a.send !! OSError 'handle is closed'\n"
                  "a.poll !! OSError 'handle is closed'\n"
                  "a.readable -> True\n"
                  "b.poll -> True\n"
                  "b.recv !! EOFError ''\n"
                  "b.send !! BrokenPipeError '[Errno 32] Broken pipe'\n"
                  "32 Broken pipe True\n"
                  "w.send, reader gone !! BrokenPipeError '[Errno 32] Broken pipe'\n"
                  "send() !! TypeError \"_ConnectionBase.send() missing 1 required positional argument: 'obj'\"\n"
                  "send(1, 2) !! TypeError '_ConnectionBase.send() takes 2 positional arguments but 3 were given'\n"
                  "recv(1) !! TypeError '_ConnectionBase.recv() takes 1 positional argument but 2 were given'\n"
                  "poll(1, 2) !! TypeError '_ConnectionBase.poll() takes from 1 to 2 positional arguments but 3 "
                  "were given'\n"
                  "poll(x) !! TypeError \"unsupported operand type(s) for +: 'float' and 'str'\"\n"
                  "poll(-1) -> False\n"
                  "Pipe(1, 2) !! TypeError 'BaseContext.Pipe() takes from 1 to 2 positional arguments but 3 were "
                  "given'\n"
                  "Pipe(x=0) !! TypeError \"BaseContext.Pipe() got an unexpected keyword argument 'x'\"\n"
                  "repr -> <multiprocessing.connection.Connection object at 0x\n"
                  "True\n");
}
END_TEST

START_TEST(test_close_by_another_thread_wakes_reader) {
    assert_output("from multiprocessing import Pipe\n"
                  "import threading, time\n"
                  "a, b = Pipe()\n"
                  "def closer():\n"
                  "    time.sleep(0.05)\n"
                  "    b.close()\n"
                  "threading.Thread(target=closer).start()\n"
                  "try: a.recv()\n"
                  "except EOFError: print('EOF at', round(time.time() % 1, 2))\n",
                  "EOF at 0.05\n");
}
END_TEST

/* Runs src under each start method and checks its output. */
static void assert_output_methods(const char *src, const char *const want[3]) {
    static const sim_start_method methods[] = {SIM_FORK, SIM_SPAWN, SIM_FORKSERVER};
    for (int i = 0; i < 3; i++) {
        sim_config cfg;
        sim_config_default(&cfg);
        cfg.start_method = methods[i];
        simtest_run r;
        run_ok(src, &cfg, &r);
        ck_assert_msg(strcmp(r.out.data, want[i]) == 0, "start method %d: %s", i, r.out.data);
        simtest_free(&r);
    }
}

START_TEST(test_spawned_child_keeps_its_copy) {
    /* spawn and forkserver pickle the Process object in start(): the parent
     * closing its copy right after start() leaves the child's open */
    static const char *const want[3] = {"received a\nreceived b\nEOF\n", "received a\nreceived b\nEOF\n",
                                        "received a\nreceived b\nEOF\n"};
    assert_output_methods("from multiprocessing import Process, Pipe\n"
                          "def sender(conns, items):\n"
                          "    conn = conns[0]\n"
                          "    for x in items:\n"
                          "        conn.send(x)\n"
                          "    conn.close()\n"
                          "if __name__ == '__main__':\n"
                          "    parent_conn, child_conn = Pipe()\n"
                          "    p = Process(target=sender, args=([child_conn], ['a', 'b']))\n"
                          "    p.start()\n"
                          "    child_conn.close()\n"
                          "    while True:\n"
                          "        try:\n"
                          "            print('received', parent_conn.recv())\n"
                          "        except EOFError:\n"
                          "            print('EOF')\n"
                          "            break\n"
                          "    p.join()\n",
                          want);
}
END_TEST

START_TEST(test_only_fork_inherits_every_connection) {
    /* python3.11: fork 0.3, spawn 0.0, forkserver 0.0 */
    static const char *const want[3] = {"EOF after 0.3\n", "EOF after 0.0\n", "EOF after 0.0\n"};
    assert_output_methods("import multiprocessing as mp, time\n"
                          "def work(x):\n"
                          "    time.sleep(0.3)\n"
                          "if __name__ == '__main__':\n"
                          "    g1, g2 = mp.Pipe()\n"
                          "    p = mp.Process(target=work, args=(1,))\n"
                          "    p.start()\n"
                          "    g2.close()\n"
                          "    t0 = time.time()\n"
                          "    try:\n"
                          "        g1.recv()\n"
                          "    except EOFError:\n"
                          "        print('EOF after', round(time.time() - t0, 1))\n"
                          "    p.join()\n",
                          want);
}
END_TEST

/* ------------------------------------------------------------------ */
/* poll                                                                */

START_TEST(test_poll_timing) {
    assert_output("from multiprocessing import Process, Pipe\n"
                  "import time\n"
                  "def late(conn):\n"
                  "    time.sleep(0.3)\n"
                  "    conn.send('late')\n"
                  "if __name__ == '__main__':\n"
                  "    a, b = Pipe()\n"
                  "    t0 = time.perf_counter()\n"
                  "    print(a.poll(), round(time.perf_counter() - t0, 3))\n"
                  "    print(a.poll(0.2), round(time.perf_counter() - t0, 3))\n"
                  "    p = Process(target=late, args=(b,)); p.start()\n"
                  "    print(a.poll(None), round(time.perf_counter() - t0, 2))\n"
                  "    print(a.poll(), a.recv(), a.poll(0))\n"
                  "    p.join()\n",
                  "False 0.0\nFalse 0.2\nTrue 0.5\nTrue late False\n");
}
END_TEST

START_TEST(test_poll_woken_by_exit) {
    /* poll(timeout) on a pipe whose only writer (another process) exits */
    assert_output("from multiprocessing import Process, Pipe\n"
                  "import time\n"
                  "def quiet(conn):\n"
                  "    time.sleep(0.1)\n"
                  "if __name__ == '__main__':\n"
                  "    a, b = Pipe(False)\n"
                  "    p = Process(target=quiet, args=(b,)); p.start()\n"
                  "    b.close()\n"
                  "    t0 = time.time()\n"
                  "    print(a.poll(5), round(time.time() - t0, 1))\n"
                  "    p.join()\n",
                  "True 0.1\n");
}
END_TEST

/* ------------------------------------------------------------------ */
/* Deadlock and trace                                                  */

START_TEST(test_recv_with_no_sender_is_a_deadlock) {
    simtest_run r;
    simtest_exec("from multiprocessing import Pipe\n"
                 "a, b = Pipe()\n"
                 "a.recv()\n",
                 NULL, &r);
    ck_assert_int_eq(r.status, SIM_EXIT_DEADLOCK);
    ck_assert_ptr_nonnull(r.end);
    ck_assert_msg(strstr(r.end, "waits for pipe#2 (1->0)"), "%s", r.end);
    simtest_free(&r);
}
END_TEST

START_TEST(test_trace_of_sends_and_receives) {
    simtest_run r;
    run_ok("from multiprocessing import Process, Pipe\n"
           "def f(conn):\n"
           "    conn.send(conn.recv() * 2)\n"
           "if __name__ == '__main__':\n"
           "    a, b = Pipe()\n"
           "    r, w = Pipe(duplex=False)\n"
           "    p = Process(target=f, args=(b,)); p.start()\n"
           "    a.send('ab')\n"
           "    w.send({'k': a.recv()})\n"
           "    w.send(None)\n"
           "    print(r.recv(), r.recv())\n"
           "    p.join()\n",
           NULL, &r);
    ck_assert_str_eq(r.out.data, "{'k': 'abab'} None\n");
    strbuf sb;
    sb_init(&sb);
    pipe_events(r.log, &sb);
    ck_assert_str_eq(sb.data, "new pipe#1 (0->1) duplex=1\n"
                              "new pipe#2 (1->0) duplex=1\n"
                              "new pipe#3 (1->0) duplex=0\n"
                              "put 'ab' on pipe#1 (0->1) (1)\n"
                              "get 'ab' from pipe#1 (0->1) (0)\n"
                              "put 'abab' on pipe#2 (1->0) (1)\n"
                              "get 'abab' from pipe#2 (1->0) (0)\n"
                              "put {'k': 'abab'} on pipe#3 (1->0) (1)\n"
                              "put None on pipe#3 (1->0) (2)\n"
                              "get {'k': 'abab'} from pipe#3 (1->0) (1)\n"
                              "get None from pipe#3 (1->0) (0)\n");
    sb_free(&sb);
    ck_assert_uint_eq(simtest_count(r.log, TRACE_OBJ_NEW, TO_PIPE), 3);
    size_t len;
    char *json = simtest_jsonl(r.log, &len);
    ck_assert_ptr_nonnull(strstr(json, "\"kind\":\"queue_put\""));
    free(json);
    simtest_free(&r);
}
END_TEST

START_TEST(test_send_and_recv_cost_time) {
    /* sim_pickle_cost_ns: about 2 us a small message, split between the two sides */
    assert_output("from multiprocessing import Pipe\n"
                  "import time\n"
                  "a, b = Pipe()\n"
                  "t0 = time.perf_counter()\n"
                  "for i in range(1000): a.send(i)\n"
                  "t1 = time.perf_counter()\n"
                  "for i in range(1000): b.recv()\n"
                  "t2 = time.perf_counter()\n"
                  "print(0.001 < t1 - t0 < 0.002, 0.001 < t2 - t1 < 0.002)\n",
                  "True True\n");
}
END_TEST

static Suite *mp_pipe_suite(void) {
    Suite *s = suite_create("mp_pipe");
    TCase *tc = tcase_create("messages");
    tcase_add_test(tc, test_duplex_both_ways);
    tcase_add_test(tc, test_one_way_and_same_process);
    tcase_add_test(tc, test_objects_are_copies);
    tcase_add_test(tc, test_connection_sent_through_a_pipe);
    suite_add_tcase(s, tc);
    tc = tcase_create("eof");
    tcase_add_test(tc, test_eof_after_close_everywhere);
    tcase_add_test(tc, test_exit_of_last_writer_wakes_reader);
    tcase_add_test(tc, test_inherited_copy_keeps_pipe_open);
    tcase_add_test(tc, test_closed_and_wrong_end_errors);
    tcase_add_test(tc, test_close_by_another_thread_wakes_reader);
    tcase_add_test(tc, test_spawned_child_keeps_its_copy);
    tcase_add_test(tc, test_only_fork_inherits_every_connection);
    suite_add_tcase(s, tc);
    tc = tcase_create("poll");
    tcase_add_test(tc, test_poll_timing);
    tcase_add_test(tc, test_poll_woken_by_exit);
    suite_add_tcase(s, tc);
    tc = tcase_create("trace");
    tcase_add_test(tc, test_recv_with_no_sender_is_a_deadlock);
    tcase_add_test(tc, test_trace_of_sends_and_receives);
    tcase_add_test(tc, test_send_and_recv_cost_time);
    suite_add_tcase(s, tc);
    return s;
}

int main(void) {
    SRunner *sr = srunner_create(mp_pipe_suite());
    srunner_run_all(sr, CK_ENV);
    int failures = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failures ? 1 : 0;
}
