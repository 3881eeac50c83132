/* sim_prelude.c - the machine's own Python helpers (pool workers, the pool's
 * result-handler thread), compiled once per run and instantiated in each
 * process that needs them. Written in Python so that a task runs as normal
 * Python code in the worker (it may block, raise, print), as in CPython's
 * multiprocessing/pool.py. */
#include <string.h>

#include "lang/obj.h"
#include "sim/sim_internal.h"

static const char prelude_source[] =
    "def _pool_worker(handle, initializer, initargs):\n"
    "    if initializer is not None:\n"
    "        initializer(*initargs)\n"
    "    while True:\n"
    "        task = handle._next_task()\n"
    "        if task is None:\n"
    "            return\n"
    "        job, idx, kind, func, args, kwds = task\n"
    "        try:\n"
    "            if kind == 0:\n"
    "                result = func(*args, **kwds)\n"
    "            elif kind == 1:\n"
    "                result = [func(x) for x in args]\n"
    "            else:\n"
    "                result = [func(*x) for x in args]\n"
    "            ok = True\n"
    "        except BaseException as e:\n"
    "            result = e\n"
    "            ok = False\n"
    "        handle._task_done(job, idx, ok, result)\n"
    "\n"
    "def _pool_result_handler(handle):\n"
    "    while True:\n"
    "        job = handle._next_result()\n"
    "        if job is None:\n"
    "            return\n"
    "        cb = job._callback()\n"
    "        if cb is not None:\n"
    "            try:\n"
    "                cb[0](cb[1])\n"
    "            except BaseException as e:\n"
    "                handle._callback_failed(e)\n"
    "        job._finish()\n"
    "\n"
    "def _pool_idle(handle):\n"
    "    handle._wait_closed()\n";

value sim_prelude_function(sim_proc *p, const char *name) {
    sim *s = p->s;
    if (!s->prelude) {
        lang_origin origin = {"<concviz>", 1, 0};
        lang_error err;
        s->prelude = lang_compile(prelude_source, sizeof prelude_source - 1, &origin, &err);
        if (!s->prelude) return v_none(); /* cannot happen: the source is fixed */
        lang_program_mark_internal(s->prelude);
    }
    vm *m = p->vm;
    if (!p->prelude_globals) {
        p->prelude_globals = dict_new(m);
        sim_proc_add_root(p, v_obj(p->prelude_globals));
    }
    value f;
    if (dict_get_cstr(p->prelude_globals, name, &f)) return f;
    const code_obj *co = lang_program_function(s->prelude, name);
    if (!co) return v_none();
    f = vm_function_from_code(m, co, p->prelude_globals);
    dict_set_cstr(m, p->prelude_globals, name, f);
    return f;
}
