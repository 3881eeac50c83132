/* test_mp_manager.c - unit tests of multiprocessing.Manager() (mp_manager.c):
 * the server process and its life cycle, proxies of every kind and what
 * they print, round trips (their cost, the blocked caller, the events),
 * operations that block in the server, exceptions that come back, use
 * after shutdown, lost updates, spawn, deadlocks. Expected outputs are
 * CPython 3.11's (FACTS.md section 9, or checked against python3.11). */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "sim_test_util.h"

/* ------------------------------------------------------------ helpers */

static void test_run(const char *src, simtest_run *r) {
    simtest_exec(src, NULL, r);
}

static void test_expect(const char *src, const char *want_out, int want_status) {
    simtest_run r;
    test_run(src, &r);
    ck_assert_msg(strcmp(r.out.data, want_out) == 0, "stdout:\n%s\nwanted:\n%s\nstderr:\n%s", r.out.data, want_out,
                  r.err.data);
    ck_assert_int_eq(r.status, want_status);
    simtest_free(&r);
}

static const char *test_text(const trace_log *log, const trace_event *ev) {
    size_t len;
    return ev->text ? trace_log_string(log, ev->text, &len) : "";
}

/* The first event of kind with text equal to text (any if NULL), from
 * index *from on; NULL if none. Moves *from past it. */
static const trace_event *test_find(const trace_log *log, trace_kind kind, const char *text, size_t *from) {
    for (size_t i = *from; i < trace_log_count(log); i++) {
        const trace_event *ev = trace_log_get(log, i);
        if (ev->kind == kind && (!text || strcmp(test_text(log, ev), text) == 0)) {
            *from = i + 1;
            return ev;
        }
    }
    return NULL;
}

/* The pid of the process named name (PROC_NEW), or -1. */
static int test_pid(const trace_log *log, const char *name) {
    size_t from = 0;
    const trace_event *ev = test_find(log, TRACE_PROC_NEW, name, &from);
    return ev ? ev->pid : -1;
}

/* ------------------------------------------------- the server process */

START_TEST(test_server_process) {
    /* FACTS.md 9: SyncManager-1 is a ForkProcess, in active_children, takes a
     * number from the process counter; after shutdown it has exited with 0 */
    static const char src[] =
        "import multiprocessing as mp, os\n"
        "if __name__ == '__main__':\n"
        "    m = mp.Manager()\n"
        "    r = repr(m._process)\n"
        "    print(r[:r.index(' pid=')], m._process.pid != os.getpid(), m._process.daemon)\n"
        "    print([c.name for c in mp.active_children()])\n"
        "    print(mp.Process().name)\n"
        "    m.shutdown()\n"
        "    print(m._process.is_alive(), m._process.exitcode, mp.active_children())\n"
        "    m2 = mp.Manager()\n"
        "    print(m2._process.name)\n"
        "    m2.shutdown()\n";
    simtest_run r;
    test_run(src, &r);
    ck_assert_str_eq(r.out.data, "<ForkProcess name='SyncManager-1' True False\n"
                                 "['SyncManager-1']\n"
                                 "Process-2\n"
                                 "False 0 []\n"
                                 "SyncManager-3\n");
    ck_assert_int_eq(r.status, 0);
    int server = test_pid(r.log, "SyncManager-1");
    ck_assert_int_ge(server, 0);
    /* the manager object, labelled with the server's name and pid */
    size_t from = 0;
    const trace_event *obj = test_find(r.log, TRACE_OBJ_NEW, "SyncManager-1", &from);
    ck_assert_ptr_nonnull(obj);
    ck_assert_int_eq(obj->a, TO_MANAGER);
    ck_assert_int_eq(obj->b, server);
    /* it exited with code 0 */
    bool exited = false;
    for (size_t i = 0; i < trace_log_count(r.log); i++) {
        const trace_event *ev = trace_log_get(r.log, i);
        if (ev->kind == TRACE_PROC_EXIT && ev->pid == server) {
            ck_assert_int_eq(ev->a, 0);
            exited = true;
        }
    }
    ck_assert(exited);
    simtest_free(&r);
}
END_TEST

START_TEST(test_with_statement_and_use_after_shutdown) {
    static const char src[] =
        "from multiprocessing import Manager\n"
        "if __name__ == '__main__':\n"
        "    with Manager() as m:\n"
        "        d = m.dict()\n"
        "        d['a'] = 1\n"
        "        print(type(m).__name__, d)\n"
        "    print(m._process.exitcode)\n"
        "    for op in (lambda: d.get('a'), lambda: d.__setitem__('b', 2)):\n"
        "        try:\n"
        "            op()\n"
        "        except Exception as e:\n"
        "            print(type(e).__name__, repr(str(e)))\n"
        "    s = str(d)\n"
        "    print(s[:30], s[s.index(';'):])\n"
        "    try:\n"
        "        m.dict()\n"
        "    except AssertionError as e:\n"
        "        print('AssertionError', e)\n"
        "    m.shutdown()\n"
        "    try:\n"
        "        with m:\n"
        "            pass\n"
        "    except Exception as e:\n"
        "        print(type(e).__name__, e)\n";
    test_expect(src,
                "SyncManager {'a': 1}\n"
                "0\n"
                "BrokenPipeError '[Errno 32] Broken pipe'\n"
                "BrokenPipeError '[Errno 32] Broken pipe'\n"
                "<DictProxy object, typeid 'dic ; '__str__()' failed>\n"
                "AssertionError server not yet started\n"
                "ProcessError Manager has shut down\n",
                0);
}
END_TEST

START_TEST(test_exit_without_shutdown) {
    /* the program ends; its server does not keep it waiting */
    static const char src[] =
        "import multiprocessing as mp\n"
        "if __name__ == '__main__':\n"
        "    m = mp.Manager()\n"
        "    l = m.list([1])\n"
        "    l.append(2)\n"
        "    print(l)\n";
    simtest_run r;
    test_run(src, &r);
    ck_assert_str_eq(r.out.data, "[1, 2]\n");
    ck_assert_int_eq(r.status, 0);
    ck_assert_ptr_null(strstr(r.end ? r.end : "", "deadlock"));
    ck_assert_uint_eq(simtest_count(r.log, TRACE_DEADLOCK, -1), 0);
    simtest_free(&r);
}
END_TEST

START_TEST(test_start_again) {
    static const char src[] =
        "import multiprocessing as mp\n"
        "if __name__ == '__main__':\n"
        "    m = mp.Manager()\n"
        "    try:\n"
        "        m.start()\n"
        "    except mp.ProcessError as e:\n"
        "        print('ProcessError', e)\n"
        "    print(m.address.startswith('/tmp/pymp-'))\n"
        "    m.shutdown()\n"
        "    m.shutdown()\n"
        "    try:\n"
        "        m.start()\n"
        "    except mp.ProcessError as e:\n"
        "        print('ProcessError', e)\n";
    test_expect(src, "ProcessError Already started server\nTrue\nProcessError Manager has shut down\n", 0);
}
END_TEST

/* ------------------------------------------------------------ proxies */

START_TEST(test_reprs) {
    /* FACTS.md 9: type, repr and str of each proxy */
    static const char src[] =
        "import multiprocessing as mp\n"
        "def addr(s):\n"
        "    out = ''\n"
        "    i = 0\n"
        "    while i < len(s):\n"
        "        if s[i:i+2] == '0x':\n"
        "            out += '0x...'\n"
        "            i += 2\n"
        "            while i < len(s) and s[i] in '0123456789abcdef':\n"
        "                i += 1\n"
        "        else:\n"
        "            out += s[i]\n"
        "            i += 1\n"
        "    return out\n"
        "if __name__ == '__main__':\n"
        "    with mp.Manager() as m:\n"
        "        d = m.dict(); l = m.list(); lk = m.Lock(); v = m.Value('i', 0); ns = m.Namespace()\n"
        "        rl = m.RLock(); ev = m.Event()\n"
        "        d['a'] = 1; l.extend([1, 2]); ns.count = 0\n"
        "        for name, o in (('dict', d), ('list', l), ('Lock', lk), ('RLock', rl), ('Value', v),\n"
        "                        ('Namespace', ns), ('Event', ev)):\n"
        "            print(f'{name}: type={type(o).__name__} repr={addr(repr(o))} str={addr(str(o))}')\n"
        "        print(type(m.Queue()).__name__, type(m.Condition()).__name__, type(m.Barrier(2)).__name__,\n"
        "              type(m.Semaphore()).__name__, type(m.Array('i', [1])).__name__)\n"
        "        print(d, l)\n"
        "        print(d == {'a': 1}, l == [1, 2], d.copy() == {'a': 1}, l[:] == [1, 2])\n"
        "        print(addr(str([d])))\n";
    test_expect(src,
                "dict: type=DictProxy repr=<DictProxy object, typeid 'dict' at 0x...> str={'a': 1}\n"
                "list: type=ListProxy repr=<ListProxy object, typeid 'list' at 0x...> str=[1, 2]\n"
                "Lock: type=AcquirerProxy repr=<AcquirerProxy object, typeid 'Lock' at 0x...> "
                "str=<unlocked _thread.lock object at 0x...>\n"
                "RLock: type=AcquirerProxy repr=<AcquirerProxy object, typeid 'RLock' at 0x...> "
                "str=<unlocked _thread.RLock object owner=0 count=0 at 0x...>\n"
                "Value: type=ValueProxy repr=<ValueProxy object, typeid 'Value' at 0x...> str=Value('i', 0)\n"
                "Namespace: type=NamespaceProxy repr=<NamespaceProxy object, typeid 'Namespace' at 0x...> "
                "str=Namespace(count=0)\n"
                "Event: type=EventProxy repr=<EventProxy object, typeid 'Event' at 0x...> "
                "str=<threading.Event at 0x...: unset>\n"
                "AutoProxy[Queue] ConditionProxy BarrierProxy AcquirerProxy ArrayProxy\n"
                "{'a': 1} [1, 2]\n"
                "False False True True\n"
                "[<DictProxy object, typeid 'dict' at 0x...>]\n",
                0);
}
END_TEST

START_TEST(test_dict_list_methods) {
    static const char src[] =
        "import multiprocessing as mp\n"
        "if __name__ == '__main__':\n"
        "    with mp.Manager() as m:\n"
        "        d = m.dict(a=1, b=2)\n"
        "        print(len(d), 'a' in d, 'z' in d, d['b'], d.get('z'), d.get('z', 0))\n"
        "        print(d.keys(), d.values(), d.items(), type(d.keys()).__name__)\n"
        "        d.update({'c': 3}); print(d.setdefault('d', 4), d.pop('a'), sorted(d))\n"
        "        d.__delitem__('b'); print(d, [k for k in d])\n"
        "        d.clear(); print(d, len(d))\n"
        "        l = m.list(range(5))\n"
        "        l.append(5); l.insert(0, -1); l.remove(3); l.extend([7, 7])\n"
        "        print(l, l.count(7), l.index(5), l.pop(), l[-1], l[1:3])\n"
        "        l[0] = 'x'; l.__delitem__(1); l.reverse(); print(l)\n"
        "        l2 = m.list([3, 1, 2]); l2.sort(); print(l2, l2 + [9], l2 * 2, list(l2), sorted(l2, reverse=True))\n"
        "        print(l2._getvalue(), l2._callmethod('__len__'), l2._callmethod('index', (2,)))\n";
    test_expect(src,
                "2 True False 2 None 0\n"
                "['a', 'b'] [1, 2] [('a', 1), ('b', 2)] list\n"
                "4 1 ['b', 'c', 'd']\n"
                "{'c': 3, 'd': 4} ['c', 'd']\n"
                "{} 0\n"
                "[-1, 0, 1, 2, 4, 5, 7] 2 5 7 7 [0, 1]\n"
                "[7, 5, 4, 2, 1, 'x']\n"
                "[1, 2, 3] [1, 2, 3, 9] [1, 2, 3, 1, 2, 3] [1, 2, 3] [3, 2, 1]\n"
                "[1, 2, 3] 3 1\n",
                0);
}
END_TEST

START_TEST(test_nested_changes_are_lost) {
    /* FACTS.md 9: a plain object inside a proxy comes back as a copy */
    static const char src[] =
        "import multiprocessing as mp\n"
        "if __name__ == '__main__':\n"
        "    with mp.Manager() as m:\n"
        "        l = m.list([[0]])\n"
        "        l[0].append(99)\n"
        "        print(l[0])\n"
        "        ns = m.Namespace(); ns.b = [1, 2]\n"
        "        lst = ns.b; lst.append(3); print(ns.b, lst)\n"
        "        inner = m.list(); d = m.dict(); d['sub'] = inner\n"
        "        d['sub'].append(1); print(type(d['sub']).__name__, d['sub'], inner)\n";
    test_expect(src, "[0]\n[1, 2] [1, 2, 3]\nListProxy [1] [1]\n", 0);
}
END_TEST

START_TEST(test_namespace_value_array) {
    static const char src[] =
        "import multiprocessing as mp\n"
        "if __name__ == '__main__':\n"
        "    with mp.Manager() as m:\n"
        "        ns = m.Namespace(b=2, a=1, _hidden=3)\n"
        "        ns.z = 'z'; print(ns, ns.a, ns._hidden if False else '')\n"
        "        try:\n"
        "            ns.missing\n"
        "        except AttributeError as e:\n"
        "            print('AttributeError:', e)\n"
        "        v = m.Value('d', 1.5); print(v, v.value, v.get()); v.value = 2; v.set(v.value + 1); print(v.value)\n"
        "        a = m.Array('i', [1, 2, 3]); print(a, len(a), a[1], a[-1], a[:2], list(a))\n"
        "        a[0] = 9; print(a)\n"
        "        for bad in (lambda: a.__setitem__(0, 1.5), lambda: a[7], lambda: m.Array('x', [1])):\n"
        "            try:\n"
        "                bad()\n"
        "            except Exception as e:\n"
        "                print(type(e).__name__, str(e).strip().splitlines()[-2 if type(e).__name__ == 'RemoteError' else -1])\n"
        "        print(m.Array('d', []), m.Array('d', [1, 2.5]))\n";
    test_expect(src,
                "Namespace(a=1, b=2, z='z') 1 \n"
                "AttributeError: 'Namespace' object has no attribute 'missing'\n"
                "Value('d', 1.5) 1.5 1.5\n"
                "3\n"
                "array('i', [1, 2, 3]) 3 2 3 array('i', [1, 2]) [1, 2, 3]\n"
                "array('i', [9, 2, 3])\n"
                "TypeError 'float' object cannot be interpreted as an integer\n"
                "IndexError array index out of range\n"
                "RemoteError ValueError: bad typecode (must be b, B, u, h, H, i, I, l, L, q, Q, f or d)\n"
                "array('d') array('d', [1.0, 2.5])\n",
                0);
}
END_TEST

START_TEST(test_two_requests_in_one_instruction) {
    /* str.format asks for two attributes in one call: the rewound call
     * replays the first reply instead of asking again */
    static const char src[] =
        "import multiprocessing as mp\n"
        "if __name__ == '__main__':\n"
        "    with mp.Manager() as m:\n"
        "        ns = m.Namespace(x=1, y=2)\n"
        "        for i in range(3):\n"
        "            ns.x += 1\n"
        "            print('{0.x} {0.y} {0.x}'.format(ns), getattr(ns, 'y'))\n";
    simtest_run r;
    test_run(src, &r);
    ck_assert_str_eq(r.out.data, "2 2 2 2\n3 2 3 2\n4 2 4 2\n");
    ck_assert_int_eq(r.status, 0);
    /* each run of the format call: x, y, x asked once each */
    size_t asked = 0;
    for (size_t i = 0; i < trace_log_count(r.log); i++) {
        const trace_event *ev = trace_log_get(r.log, i);
        if (ev->kind == TRACE_QUEUE_PUT && ev->pid == 100 && strcmp(test_text(r.log, ev), "ns.y") == 0) asked++;
    }
    ck_assert_uint_eq(asked, 6);
    simtest_free(&r);
}
END_TEST

START_TEST(test_exceptions_come_back) {
    /* FACTS.md 9: the referent's errors, same type and message */
    static const char src[] =
        "import multiprocessing as mp, queue, threading\n"
        "if __name__ == '__main__':\n"
        "    with mp.Manager() as m:\n"
        "        lk = m.Lock(); q = m.Queue(); d = m.dict(); b = m.Barrier(2); rl = m.RLock()\n"
        "        for op in (lk.release, lambda: q.get(timeout=0.1), q.get_nowait, lambda: d['nokey'],\n"
        "                   lambda: d.pop('x'), rl.release):\n"
        "            try:\n"
        "                op()\n"
        "            except Exception as e:\n"
        "                print(type(e).__name__, repr(str(e)))\n"
        "        try:\n"
        "            q.get(False)\n"
        "        except queue.Empty:\n"
        "            print('queue.Empty caught')\n"
        "        b.abort()\n"
        "        try:\n"
        "            b.wait()\n"
        "        except threading.BrokenBarrierError:\n"
        "            print('BrokenBarrierError caught', b.broken)\n";
    test_expect(src,
                "RuntimeError 'release unlocked lock'\n"
                "Empty ''\n"
                "Empty ''\n"
                "KeyError \"'nokey'\"\n"
                "KeyError \"'x'\"\n"
                "RuntimeError 'cannot release un-acquired lock'\n"
                "queue.Empty caught\n"
                "BrokenBarrierError caught True\n",
                0);
}
END_TEST

START_TEST(test_uncaught_error_in_child) {
    static const char src[] =
        "import multiprocessing as mp\n"
        "def boom(d):\n"
        "    d.pop('x')\n"
        "if __name__ == '__main__':\n"
        "    with mp.Manager() as m:\n"
        "        d = m.dict()\n"
        "        p = mp.Process(target=boom, args=(d,))\n"
        "        p.start(); p.join()\n"
        "        print(p.exitcode)\n";
    simtest_run r;
    test_run(src, &r);
    ck_assert_str_eq(r.out.data, "1\n");
    ck_assert_ptr_nonnull(strstr(r.err.data, "Process Process-2:\nTraceback (most recent call last):\n"));
    ck_assert_ptr_nonnull(strstr(r.err.data, "line 3, in boom\n"));
    ck_assert_ptr_nonnull(strstr(r.err.data, "KeyError: 'x'\n"));
    ck_assert_ptr_null(strstr(r.err.data, "_serve")); /* the server's frames stay there */
    simtest_free(&r);
}
END_TEST

/* ------------------------------------------------------- round trips */

START_TEST(test_round_trip_cost) {
    /* FACTS.md 9: about 50 us a call, a proxy lock cycle about 100 us */
    static const char src[] =
        "import multiprocessing as mp, time\n"
        "def bench(fn, n):\n"
        "    t0 = time.perf_counter()\n"
        "    for _ in range(n):\n"
        "        fn()\n"
        "    return (time.perf_counter() - t0) / n * 1e6\n"
        "if __name__ == '__main__':\n"
        "    with mp.Manager() as m:\n"
        "        d = m.dict(a=1); lk = m.Lock(); v = m.Value('i', 0)\n"
        "        def cycle():\n"
        "            lk.acquire(); lk.release()\n"
        "        def sub():\n"
        "            d['a']\n"
        "        def val():\n"
        "            v.value\n"
        "        for fn in (lambda: d.get('a'), sub, val, cycle):\n"
        "            print(round(bench(fn, 200)))\n";
    simtest_run r;
    test_run(src, &r);
    int us[4];
    ck_assert_int_eq(sscanf(r.out.data, "%d\n%d\n%d\n%d\n", &us[0], &us[1], &us[2], &us[3]), 4);
    for (int i = 0; i < 3; i++) {
        ck_assert_int_ge(us[i], 45);
        ck_assert_int_le(us[i], 60);
    }
    ck_assert_int_ge(us[3], 90);
    ck_assert_int_le(us[3], 120);
    simtest_free(&r);
}
END_TEST

START_TEST(test_round_trip_events) {
    /* one d.get(): request put by the client, got by a server thread, reply
     * put by it and got by the client; the client blocked meanwhile */
    static const char src[] =
        "import multiprocessing as mp\n"
        "if __name__ == '__main__':\n"
        "    m = mp.Manager()\n"
        "    d = m.dict(a=1)\n"
        "    x = d.get('a')\n"
        "    m.shutdown()\n";
    simtest_run r;
    test_run(src, &r);
    ck_assert_int_eq(r.status, 0);
    int server = test_pid(r.log, "SyncManager-1");
    size_t from = 0;
    const trace_event *mgr = test_find(r.log, TRACE_OBJ_NEW, "SyncManager-1", &from);
    ck_assert_ptr_nonnull(mgr);
    const trace_event *put = test_find(r.log, TRACE_QUEUE_PUT, "d.get('a')", &from);
    ck_assert_ptr_nonnull(put);
    ck_assert_int_eq(put->obj, mgr->obj);
    ck_assert_int_eq(put->pid, 100);
    ck_assert_int_eq(put->a, 1);
    int client = put->tid;
    const trace_event *blocked = test_find(r.log, TRACE_THREAD_STATE, "proxy call d.get('a')", &from);
    ck_assert_ptr_nonnull(blocked);
    ck_assert_int_eq(blocked->tid, client);
    ck_assert_int_eq(blocked->a, TS_BLOCKED);
    ck_assert_int_eq(blocked->obj, mgr->obj);
    const trace_event *get = test_find(r.log, TRACE_QUEUE_GET, "d.get('a')", &from);
    ck_assert_ptr_nonnull(get);
    ck_assert_int_eq(get->pid, server);
    ck_assert_int_ne(get->tid, client);
    int64_t sent = put->t;
    ck_assert_int_ge(get->t - sent, 12000);
    ck_assert_int_le(get->t - sent, 15000);
    const trace_event *reply = test_find(r.log, TRACE_QUEUE_PUT, "-> 1", &from);
    ck_assert_ptr_nonnull(reply);
    ck_assert_int_eq(reply->pid, server);
    ck_assert_int_eq(reply->tid, get->tid);
    const trace_event *back = test_find(r.log, TRACE_QUEUE_GET, "-> 1", &from);
    ck_assert_ptr_nonnull(back);
    ck_assert_int_eq(back->tid, client);
    ck_assert_int_eq(back->a, 0);
    ck_assert_int_ge(back->t - sent, 48000);
    ck_assert_int_le(back->t - sent, 55000);
    /* the server thread has CPython's name */
    from = 0;
    ck_assert_ptr_nonnull(test_find(r.log, TRACE_THREAD_NEW, "Thread-2 (handle_request)", &from));
    /* shutdown is a message too */
    from = 0;
    ck_assert_ptr_nonnull(test_find(r.log, TRACE_QUEUE_PUT, "shutdown()", &from));
    ck_assert_ptr_nonnull(test_find(r.log, TRACE_QUEUE_GET, "shutdown()", &from));
    simtest_free(&r);
}
END_TEST

START_TEST(test_inline_operations_have_events) {
    /* d[k] = v runs from C (nested): same four events, same time charged */
    static const char src[] =
        "import multiprocessing as mp, time\n"
        "if __name__ == '__main__':\n"
        "    with mp.Manager() as m:\n"
        "        d = m.dict()\n"
        "        t0 = time.perf_counter()\n"
        "        d['k'] = 'v'\n"
        "        n = len(d)\n"
        "        print(round((time.perf_counter() - t0) * 1e6))\n";
    simtest_run r;
    test_run(src, &r);
    int us = 0;
    ck_assert_int_eq(sscanf(r.out.data, "%d", &us), 1);
    ck_assert_int_ge(us, 95);
    ck_assert_int_le(us, 110);
    size_t from = 0;
    ck_assert_ptr_nonnull(test_find(r.log, TRACE_QUEUE_PUT, "d['k'] = 'v'", &from));
    ck_assert_ptr_nonnull(test_find(r.log, TRACE_QUEUE_GET, "d['k'] = 'v'", &from));
    ck_assert_ptr_nonnull(test_find(r.log, TRACE_QUEUE_PUT, "-> None", &from));
    ck_assert_ptr_nonnull(test_find(r.log, TRACE_QUEUE_GET, "-> None", &from));
    ck_assert_ptr_nonnull(test_find(r.log, TRACE_QUEUE_PUT, "len(d)", &from));
    ck_assert_ptr_nonnull(test_find(r.log, TRACE_QUEUE_GET, "-> 1", &from));
    simtest_free(&r);
}
END_TEST

START_TEST(test_len_in_iter_block_the_caller) {
    /* len(), 'in', bool() and iteration on a proxy are server calls: the
     * caller is shown blocked on the manager for each, like d[k] */
    static const char src[] =
        "import multiprocessing as mp\n"
        "if __name__ == '__main__':\n"
        "    with mp.Manager() as m:\n"
        "        d = m.dict(a=1, b=2)\n"
        "        l = m.list([3])\n"
        "        print(len(d), 'a' in d, 4 in l, [k for k in d], bool(l))\n";
    simtest_run r;
    test_run(src, &r);
    ck_assert_int_eq(r.status, 0);
    ck_assert_str_eq(r.out.data, "2 True False ['a', 'b'] True\n");
    size_t from = 0;
    const trace_event *mgr = test_find(r.log, TRACE_OBJ_NEW, "SyncManager-1", &from);
    ck_assert_ptr_nonnull(mgr);
    static const char *const calls[] = {"proxy call len(d)", "proxy call 'a' in d", "proxy call 4 in l",
                                        "proxy call iter(d)", "proxy call len(l)"};
    for (size_t i = 0; i < sizeof calls / sizeof calls[0]; i++) {
        const trace_event *b = test_find(r.log, TRACE_THREAD_STATE, calls[i], &from);
        ck_assert_msg(b != NULL, "no blocked state for %s", calls[i]);
        ck_assert_int_eq(b->a, TS_BLOCKED);
        ck_assert_int_eq(b->obj, mgr->obj);
        ck_assert_int_eq(b->pid, 100);
    }
    simtest_free(&r);
}
END_TEST

START_TEST(test_threads_get_their_own_server_threads) {
    static const char src[] =
        "import multiprocessing as mp, threading\n"
        "def use(d, i):\n"
        "    for k in range(3):\n"
        "        d[(i, k)] = i * k\n"
        "if __name__ == '__main__':\n"
        "    with mp.Manager() as m:\n"
        "        d = m.dict()\n"
        "        ts = [threading.Thread(target=use, args=(d, i)) for i in range(3)]\n"
        "        for t in ts: t.start()\n"
        "        for t in ts: t.join()\n"
        "        print(len(d), d[(2, 2)])\n";
    simtest_run r;
    test_run(src, &r);
    ck_assert_str_eq(r.out.data, "9 4\n");
    int server = test_pid(r.log, "SyncManager-1");
    int handlers = 0;
    for (size_t i = 0; i < trace_log_count(r.log); i++) {
        const trace_event *ev = trace_log_get(r.log, i);
        if (ev->kind == TRACE_THREAD_NEW && ev->pid == server && strstr(test_text(r.log, ev), "(handle_request)"))
            handlers++;
    }
    ck_assert_int_eq(handlers, 4); /* the main thread's and the three threads' */
    simtest_free(&r);
}
END_TEST

/* ------------------------------------------ blocking in the server */

START_TEST(test_lock_across_processes) {
    static const char src[] =
        "from multiprocessing import Process, Manager\n"
        "import time\n"
        "def worker(lock, i):\n"
        "    time.sleep(0.1 * i)\n"
        "    with lock:\n"
        "        print('worker', i, 'in')\n"
        "        time.sleep(0.15)\n"
        "        print('worker', i, 'out')\n"
        "if __name__ == '__main__':\n"
        "    with Manager() as manager:\n"
        "        lock = manager.Lock()\n"
        "        ps = [Process(target=worker, args=(lock, i)) for i in range(3)]\n"
        "        t0 = time.time()\n"
        "        for p in ps: p.start()\n"
        "        for p in ps: p.join()\n"
        "        print([p.exitcode for p in ps], 0.45 < time.time() - t0 < 0.46)\n";
    test_expect(src,
                "worker 0 in\nworker 0 out\nworker 1 in\nworker 1 out\nworker 2 in\nworker 2 out\n"
                "[0, 0, 0] True\n",
                0);
}
END_TEST

START_TEST(test_event_queue_condition_barrier_semaphore) {
    static const char src[] =
        "import multiprocessing as mp, time\n"
        "def waiter(ev, out, i):\n"
        "    ev.wait()\n"
        "    out.append(i)\n"
        "def producer(q):\n"
        "    for i in range(3):\n"
        "        time.sleep(0.05)\n"
        "        q.put(i)\n"
        "def cond_waiter(c, out, i):\n"
        "    with c:\n"
        "        c.wait()\n"
        "        out.append(i)\n"
        "def at_barrier(b, i):\n"
        "    time.sleep(0.02 * i)\n"
        "    b.wait()\n"
        "def sem_user(s, out, i):\n"
        "    with s:\n"
        "        out.append(1)\n"
        "        time.sleep(0.05)\n"
        "        out.append(-1)\n"
        "if __name__ == '__main__':\n"
        "    with mp.Manager() as m:\n"
        "        ev = m.Event(); out = m.list()\n"
        "        ps = [mp.Process(target=waiter, args=(ev, out, i)) for i in range(3)]\n"
        "        for p in ps: p.start()\n"
        "        time.sleep(0.2)\n"
        "        print('before set', list(out), ev.is_set())\n"
        "        ev.set()\n"
        "        for p in ps: p.join()\n"
        "        print('after set', sorted(out))\n"
        "        q = m.Queue(); p = mp.Process(target=producer, args=(q,)); p.start()\n"
        "        t0 = time.time(); got = [q.get() for _ in range(3)]; p.join()\n"
        "        print('queue', got, time.time() - t0 > 0.15, q.empty(), q.qsize())\n"
        "        c = m.Condition(); out = m.list()\n"
        "        ps = [mp.Process(target=cond_waiter, args=(c, out, i)) for i in range(2)]\n"
        "        for p in ps: p.start()\n"
        "        time.sleep(0.2)\n"
        "        with c:\n"
        "            c.notify_all()\n"
        "        for p in ps: p.join()\n"
        "        print('condition', sorted(out))\n"
        "        b = m.Barrier(3)\n"
        "        ps = [mp.Process(target=at_barrier, args=(b, i)) for i in range(3)]\n"
        "        for p in ps: p.start()\n"
        "        for p in ps: p.join()\n"
        "        print('barrier', [p.exitcode for p in ps], b.parties, b.n_waiting, b.broken)\n"
        "        s = m.Semaphore(2); out = m.list()\n"
        "        ps = [mp.Process(target=sem_user, args=(s, out, i)) for i in range(4)]\n"
        "        for p in ps: p.start()\n"
        "        for p in ps: p.join()\n"
        "        x = list(out)\n"
        "        print('semaphore', max(sum(x[:k + 1]) for k in range(len(x))))\n";
    test_expect(src,
                "before set [] False\n"
                "after set [0, 1, 2]\n"
                "queue [0, 1, 2] True True 0\n"
                "condition [0, 1]\n"
                "barrier [0, 0, 0] 3 0 False\n"
                "semaphore 2\n",
                0);
}
END_TEST

START_TEST(test_lost_updates_without_lock) {
    /* FACTS.md 9: 'ns.x += 1' from 4 processes loses updates; with a
     * manager lock it never does */
    static const char src[] =
        "import multiprocessing as mp\n"
        "def inc(ns, lock, n, use_lock):\n"
        "    for _ in range(n):\n"
        "        if use_lock:\n"
        "            with lock:\n"
        "                ns.x += 1\n"
        "        else:\n"
        "            ns.x += 1\n"
        "if __name__ == '__main__':\n"
        "    with mp.Manager() as m:\n"
        "        for use_lock in (False, True):\n"
        "            ns = m.Namespace(); ns.x = 0; L = m.Lock()\n"
        "            ps = [mp.Process(target=inc, args=(ns, L, 200, use_lock)) for _ in range(4)]\n"
        "            for p in ps: p.start()\n"
        "            for p in ps: p.join()\n"
        "            print(ns.x)\n";
    simtest_run r;
    test_run(src, &r);
    int unlocked = 0, locked = 0;
    ck_assert_int_eq(sscanf(r.out.data, "%d\n%d\n", &unlocked, &locked), 2);
    ck_assert_int_lt(unlocked, 800);
    ck_assert_int_gt(unlocked, 200);
    ck_assert_int_eq(locked, 800);
    simtest_free(&r);
}
END_TEST

START_TEST(test_spawn_children) {
    static const char src[] =
        "import multiprocessing as mp\n"
        "def work(d, l, i):\n"
        "    d[i] = i * i\n"
        "    l.append(i)\n"
        "if __name__ == '__main__':\n"
        "    mp.set_start_method('spawn')\n"
        "    with mp.Manager() as m:\n"
        "        print(type(m._process).__name__, m._process.name)\n"
        "        d = m.dict(); l = m.list()\n"
        "        ps = [mp.Process(target=work, args=(d, l, i)) for i in range(3)]\n"
        "        for p in ps: p.start()\n"
        "        for p in ps: p.join()\n"
        "        print(sorted(d.items()), sorted(l))\n";
    test_expect(src, "SpawnProcess SyncManager-1\n[(0, 0), (1, 1), (2, 4)] [0, 1, 2]\n", 0);
}
END_TEST

START_TEST(test_server_killed_midcall) {
    /* the server goes away while a child waits for a reply */
    static const char src[] =
        "import multiprocessing as mp, time\n"
        "def getter(q):\n"
        "    try:\n"
        "        q.get()\n"
        "    except EOFError:\n"
        "        print('EOFError')\n"
        "if __name__ == '__main__':\n"
        "    m = mp.Manager()\n"
        "    q = m.Queue()\n"
        "    p = mp.Process(target=getter, args=(q,)); p.start()\n"
        "    time.sleep(0.1)\n"
        "    m._process.terminate()\n"
        "    p.join()\n"
        "    print(p.exitcode, m._process.exitcode)\n";
    test_expect(src, "EOFError\n0 -15\n", 0);
}
END_TEST

START_TEST(test_deadlock_through_manager_locks) {
    static const char src[] =
        "import multiprocessing as mp, time\n"
        "def a(l1, l2):\n"
        "    with l1:\n"
        "        time.sleep(0.1)\n"
        "        with l2:\n"
        "            pass\n"
        "def b(l1, l2):\n"
        "    with l2:\n"
        "        time.sleep(0.1)\n"
        "        with l1:\n"
        "            pass\n"
        "if __name__ == '__main__':\n"
        "    with mp.Manager() as m:\n"
        "        l1 = m.Lock(); l2 = m.Lock()\n"
        "        p1 = mp.Process(target=a, args=(l1, l2)); p2 = mp.Process(target=b, args=(l1, l2))\n"
        "        p1.start(); p2.start(); p1.join(); p2.join()\n";
    simtest_run r;
    test_run(src, &r);
    ck_assert_int_eq(r.status, SIM_EXIT_DEADLOCK);
    ck_assert_ptr_nonnull(r.end);
    ck_assert_ptr_nonnull(strstr(r.end, "waits for the reply to l2.acquire() (held by Thread-"));
    ck_assert_ptr_nonnull(strstr(r.end, "cycle: Thread-"));
    simtest_free(&r);
}
END_TEST

START_TEST(test_deterministic) {
    static const char src[] =
        "import multiprocessing as mp\n"
        "def inc(ns, n):\n"
        "    for _ in range(n):\n"
        "        ns.x += 1\n"
        "if __name__ == '__main__':\n"
        "    with mp.Manager() as m:\n"
        "        ns = m.Namespace(x=0)\n"
        "        ps = [mp.Process(target=inc, args=(ns, 50)) for _ in range(3)]\n"
        "        for p in ps: p.start()\n"
        "        for p in ps: p.join()\n"
        "        print(ns.x)\n";
    simtest_run a, b;
    test_run(src, &a);
    test_run(src, &b);
    ck_assert_str_eq(a.out.data, b.out.data);
    size_t la, lb;
    char *ja = simtest_jsonl(a.log, &la), *jb = simtest_jsonl(b.log, &lb);
    ck_assert_uint_eq(la, lb);
    ck_assert(memcmp(ja, jb, la) == 0);
    free(ja);
    free(jb);
    simtest_free(&a);
    simtest_free(&b);
}
END_TEST

static Suite *test_mp_manager_suite(void) {
    Suite *s = suite_create("mp_manager");
    TCase *tc = tcase_create("server");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_server_process);
    tcase_add_test(tc, test_with_statement_and_use_after_shutdown);
    tcase_add_test(tc, test_exit_without_shutdown);
    tcase_add_test(tc, test_start_again);
    suite_add_tcase(s, tc);
    tc = tcase_create("proxies");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_reprs);
    tcase_add_test(tc, test_dict_list_methods);
    tcase_add_test(tc, test_nested_changes_are_lost);
    tcase_add_test(tc, test_namespace_value_array);
    tcase_add_test(tc, test_two_requests_in_one_instruction);
    tcase_add_test(tc, test_exceptions_come_back);
    tcase_add_test(tc, test_uncaught_error_in_child);
    suite_add_tcase(s, tc);
    tc = tcase_create("round_trips");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_round_trip_cost);
    tcase_add_test(tc, test_round_trip_events);
    tcase_add_test(tc, test_inline_operations_have_events);
    tcase_add_test(tc, test_len_in_iter_block_the_caller);
    tcase_add_test(tc, test_threads_get_their_own_server_threads);
    suite_add_tcase(s, tc);
    tc = tcase_create("processes");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_lock_across_processes);
    tcase_add_test(tc, test_event_queue_condition_barrier_semaphore);
    tcase_add_test(tc, test_lost_updates_without_lock);
    tcase_add_test(tc, test_spawn_children);
    tcase_add_test(tc, test_server_killed_midcall);
    tcase_add_test(tc, test_deadlock_through_manager_locks);
    tcase_add_test(tc, test_deterministic);
    suite_add_tcase(s, tc);
    return s;
}

int main(void) {
    SRunner *sr = srunner_create(test_mp_manager_suite());
    srunner_run_all(sr, CK_ENV);
    int failures = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failures ? 1 : 0;
}
