/* mod_multiprocessing.c - the multiprocessing module: Process (and its
 * per-start-method subclasses), current_process/parent_process/
 * active_children, start methods and contexts, and the process-shared
 * synchronisation primitives. Behaviour, names and messages follow
 * FACTS.md sections 1, 2 and 7. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lang/obj.h"
#include "lang/xalloc.h"
#include "sim/mp_parts.h"
#include "sim/sim_copy.h"
#include "sim/sim_sync.h"

/* Start-up costs (virtual time until the child runs), from FACTS.md
 * section 2: fork about 2 ms (the first one of an interpreter 5 ms), spawn
 * about 55 ms, forkserver about 7 ms once its server (60 ms) is up. */
enum {
    COST_FORK_NS = 1500000,
    COST_FORK_FIRST_NS = 4500000,
    COST_SPAWN_NS = 55000000,
    COST_FORKSERVER_NS = 6000000,
    COST_FORKSERVER_FIRST_NS = 60000000
};

static const char *const method_names[] = {"fork", "spawn", "forkserver"};

/* ------------------------------------------------------------ records */

typedef struct proc_rec {
    sim_waitable w;
    sim_proc *proc;        /* NULL until started; the process itself for main/parent objects */
    sim_proc *creator;     /* the process whose Process() call made it */
    char *name;
    char *identity;
    bool daemon;
    bool closed;
    int method;            /* -1: the global start method at start() */
    int role;              /* 0 a Process, 1 _MainProcess, 2 _ParentProcess */
} proc_rec;

static void free_proc_rec(void *p) {
    proc_rec *r = p;
    free(r->name);
    free(r->identity);
}

static void describe_proc(void *self, sim_holder_info *out) {
    proc_rec *r = self;
    out->label = r->name;
    out->is_thread = true;
    out->nholders = r->proc && r->proc->main ? 1 : 0;
    if (out->nholders) out->holders[0] = r->proc->main;
}

static vm_status proc_repr(vm_thread *th, value self, strbuf *out);
static const native_type proc_type = {.name = "Process", .repr = proc_repr};

static proc_rec *prec(vm_thread *th, value self) { return simmod_payload(th, self, &proc_type); }

static proc_rec *proc_rec_new(sim *s, const char *name) {
    proc_rec *r = xcalloc(1, sizeof *r);
    r->w.describe = describe_proc;
    r->name = xstrdup(name);
    r->identity = xstrdup("");
    r->method = -1;
    sim_own(s, r, free_proc_rec);
    return r;
}

/* the machine-wide start method (multiprocessing's default context) */
static int global_method(sim *s) { return s->start_method_set ? s->start_method : (int)s->cfg.start_method; }

/* The module's classes are also kept under "_class_<Name>": the factory
 * functions (Lock(), Event()...) shadow some of their names, as in CPython. */
class_obj *mp_class(vm *m, const char *name) {
    value mod, cls;
    char key[80];
    snprintf(key, sizeof key, "_class_%s", name);
    if (!dict_get_cstr(m->modules, "multiprocessing", &mod) && m->threads) {
        /* a process that never imported it (a forked worker): import it now */
        if (simmod_multiprocessing(m->threads, &mod) == VM_OK) dict_set_cstr(m, m->modules, "multiprocessing", mod);
        else m->threads->exc = v_undef();
    }
    if (dict_get_cstr(m->modules, "multiprocessing", &mod)) {
        dict_obj *d = ((module_obj *)mod.u.o)->dict;
        if (dict_get_cstr(d, key, &cls) && v_is_obj(cls, OK_CLASS)) return V_CLASS(cls);
        if (dict_get_cstr(d, name, &cls) && v_is_obj(cls, OK_CLASS)) return V_CLASS(cls);
    }
    return m->cls.object;
}

class_obj *mp_define(vm *m, dict_obj *d, const char *name, class_obj *base, const native_def *methods,
                     const simmod_prop *props) {
    class_obj *c = simmod_class(m, d, "multiprocessing", name, base, methods, props);
    char key[80];
    snprintf(key, sizeof key, "_class_%s", name);
    dict_set_cstr(m, d, key, v_obj(c));
    return c;
}

/* The Process object that stands for process p in the calling process. */
static value proc_object(vm_thread *th, sim_proc *p) {
    sim_thread *me = sim_current(th);
    if (p == me->proc && p->pyobj.tag != VT_UNDEF) return p->pyobj;
    bool mine = p == me->proc;
    proc_rec *r = proc_rec_new(me->s, p->name);
    r->proc = p;
    r->role = mine ? 1 : 2;
    r->daemon = p->daemon;
    value pobj = simmod_instance(th, mp_class(th->vm, mine ? "_MainProcess" : "_ParentProcess"), &proc_type, r);
    if (mine) {
        p->pyobj = pobj;
        sim_proc_add_root(p, pobj);
    }
    return pobj;
}

value mp_process_object(vm_thread *th, sim_proc *child, int method) {
    static const char *const classes[] = {"ForkProcess", "SpawnProcess", "ForkServerProcess"};
    sim_thread *me = sim_current(th);
    proc_rec *r = proc_rec_new(me->s, child->name);
    free(r->identity);
    r->identity = xstrdup(child->identity);
    r->proc = child;
    r->creator = me->proc;
    r->daemon = child->daemon;
    r->method = method;
    value pobj = simmod_instance(th, mp_class(th->vm, classes[method]), &proc_type, r);
    child->parent_obj = pobj;
    sim_proc_add_root(me->proc, pobj);
    return pobj;
}

static vm_status proc_repr(vm_thread *th, value self, strbuf *out) {
    proc_rec *r = V_INST(self)->payload;
    const char *cls = V_INST(self)->cls->name->data;
    sb_printf(out, "<%s name='%s'", cls, r->name);
    sim_proc *p = r->proc;
    if (r->role == 1) {
        if (p->parent) sb_printf(out, " parent=%d", p->parent->pid);
        else sb_puts(out, " parent=None");
        sb_puts(out, " started>");
        return VM_OK;
    }
    if (r->role == 2) {
        sb_printf(out, " parent=%s unknown>", p->parent ? "?" : "None");
        return VM_OK;
    }
    if (r->closed) {
        sb_printf(out, " parent=%d closed>", r->creator ? r->creator->pid : 0);
        return VM_OK;
    }
    if (p) sb_printf(out, " pid=%d", p->pid);
    sb_printf(out, " parent=%d", r->creator ? r->creator->pid : 0);
    if (!p) sb_puts(out, " initial");
    else if (!p->exited) sb_puts(out, " started");
    else if (p->exitcode == -15) sb_puts(out, " stopped exitcode=-SIGTERM");
    else if (p->exitcode == -9) sb_puts(out, " stopped exitcode=-SIGKILL");
    else sb_printf(out, " stopped exitcode=%d", p->exitcode);
    if (r->daemon) sb_puts(out, " daemon");
    sb_putc(out, '>');
    (void)th;
    return VM_OK;
}

/* ------------------------------------------------------------ Process */

static vm_status proc_init(vm_thread *th, const vm_args *a, value *out) {
    vm *m = th->vm;
    static const char *const kw[] = {"group", "target", "name", "args", "kwargs", "daemon", NULL};
    vm_status st = args_count_kw(th, a, "Process.__init__", 0, 5, kw);
    if (st != VM_OK) return st;
    value group = args_get(a, 0, "group");
    if (group.tag != VT_UNDEF && group.tag != VT_NONE)
        return vm_raise(th, m->cls.AssertionError, "group argument must be None for now");
    sim_thread *me = sim_current(th);
    sim_proc *parent = me->proc;
    int n = ++parent->child_counter;
    char ident[200];
    snprintf(ident, sizeof ident, "%s%s%d", parent->identity, parent->identity[0] ? ":" : "", n);
    value name = args_get(a, 2, "name");
    char buf[300];
    const char *nm;
    value namev;
    if (name.tag == VT_UNDEF || name.tag == VT_NONE) {
        snprintf(buf, sizeof buf, "%s-%s", V_INST(a->self)->cls->name->data, ident);
        nm = buf;
    } else {
        if ((st = ops_str_value(th, name, &namev)) != VM_OK) return st;
        nm = V_STR(namev)->data;
    }
    proc_rec *r = proc_rec_new(me->s, nm);
    free(r->identity);
    r->identity = xstrdup(ident);
    r->creator = parent;
    value daemon = args_get(a, -1, "daemon");
    r->daemon = parent->daemon;
    if (daemon.tag != VT_UNDEF && daemon.tag != VT_NONE && (st = ops_truthy(th, daemon, &r->daemon)) != VM_OK) return st;
    value cls_method;
    if (dict_get_cstr(V_INST(a->self)->cls->dict, "_start_method", &cls_method) && cls_method.tag == VT_INT)
        r->method = (int)cls_method.u.i;
    else if (class_lookup(V_INST(a->self)->cls, str_from_cstr(m, "_start_method"), &cls_method) && cls_method.tag == VT_INT)
        r->method = (int)cls_method.u.i;
    simmod_attach(th, a->self, &proc_type, r);
    value target = args_get(a, 1, "target"), args = args_get(a, 3, "args"), kwargs = args_get(a, 4, "kwargs");
    dict_obj *d = V_INST(a->self)->dict;
    dict_set_cstr(m, d, "_target", target.tag == VT_UNDEF ? v_none() : target);
    dict_set_cstr(m, d, "_args", args.tag == VT_UNDEF ? tuple_pack(m, 0, NULL) : args);
    dict_set_cstr(m, d, "_kwargs", kwargs.tag == VT_UNDEF ? v_obj(dict_new(m)) : kwargs);
    *out = v_none();
    return VM_OK;
}

/* Process.run(): the target with its arguments (a tail call). */
static vm_status proc_run(vm_thread *th, const vm_args *a, value *out) { return simmod_run_target(th, a->self, out); }


static vm_status raise_closed(vm_thread *th) { return vm_raise(th, th->vm->cls.ValueError, "process object is closed"); }

static vm_status proc_start(vm_thread *th, const vm_args *a, value *out) {
    vm *m = th->vm;
    proc_rec *r = prec(th, a->self);
    if (!r) return VM_ERR;
    if (r->closed) return raise_closed(th);
    if (r->proc) return vm_raise(th, m->cls.AssertionError, "cannot start a process twice");
    sim_thread *me = sim_current(th);
    sim *s = me->s;
    if (me->proc->daemon) return vm_raise(th, m->cls.AssertionError, "daemonic processes are not allowed to have children");
    if (vm_sync_point(th)) return VM_BLOCK;
    if (s->nprocs >= s->cfg.max_processes) {
        char msg[120];
        snprintf(msg, sizeof msg, "limit: more than %d processes (a runaway program?)", s->cfg.max_processes);
        sim_finish(s, SIM_EXIT_LIMIT, msg);
        return vm_raise(th, m->cls.OSError, "[Errno 11] Resource temporarily unavailable");
    }
    int method = r->method >= 0 ? r->method : global_method(s);
    sim_proc *child = sim_proc_new(s, me->proc, r->name, r->identity);
    child->daemon = r->daemon;
    child->started = true;
    child->thread_counter = method == SIM_FORK ? me->proc->thread_counter : 0;
    r->proc = child;
    sim_thread *cm = sim_thread_new(child, "MainThread", true);
    child->main = cm;
    cm->started = true;
    cm->daemon = false;
    child->parent_obj = a->self;
    sim_proc_add_root(me->proc, a->self);
    int64_t cost;
    if (method == SIM_FORK) {
        /* the child is a copy of the parent's memory at start() */
        sim_copy_ctx c;
        sim_copy_init(&c, th, cm->vt, false);
        sim_copy_fork_world(&c);
        value self_copy = sim_copy(&c, a->self);
        if (c.failed) {
            vm_status err = vm_raise(th, m->cls.RuntimeError, "concviz could not copy the process: %s", c.error);
            sim_copy_fini(&c);
            return err;
        }
        sim_copy_fini(&c);
        child->pyobj = self_copy;
        sim_proc_add_root(child, self_copy);
        value run;
        if (ops_getattr(cm->vt, self_copy, cm->vt->vm->names.run, &run) != VM_OK) {
            cm->vt->exc = v_undef();
            return vm_raise(th, m->cls.RuntimeError, "concviz: the process object has no run()");
        }
        vm_thread_start_call(cm->vt, run, tuple_pack(cm->vt->vm, 0, NULL));
        cost = me->proc->forks_done++ ? COST_FORK_NS : COST_FORK_FIRST_NS;
    } else {
        /* spawn/forkserver: the Process object must pickle (CPython fails in
           the parent at start(), e.g. for a lambda target) */
        value held;
        if (!sim_pickle_for_spawn(s, th, a->self, &held, NULL)) {
            r->proc = NULL;
            sim_proc_exit(child, 1);
            return VM_ERR;
        }
        /* the child imports the main module as __mp_main__ first; the Process
           object follows by pickling (sim_proc_main_done) */
        child->spawn_pending = true;
        child->spawn_source = a->self;
        child->spawn_source_proc = me->proc;
        vm_thread_start_module(cm->vt, "__mp_main__");
        if (method == SIM_SPAWN) cost = COST_SPAWN_NS;
        else cost = s->forkserver_up++ ? COST_FORKSERVER_NS : COST_FORKSERVER_FIRST_NS;
    }
    sim_schedule(s, sim_proc_fork_done_at(me->proc, cost), sim_proc_ready, NULL, child, 0, 0);
    *out = v_none();
    return VM_OK;
}

static void proc_join_timeout(sim_thread *st) {
    proc_rec *r = st->wait_data;
    if (r->proc) sim_tlist_remove(&r->proc->joiners, st);
    sim_thread_wake(st, v_none(), false);
}

static vm_status proc_join(vm_thread *th, const vm_args *a, value *out) {
    vm *m = th->vm;
    vm_status st = args_count_kw(th, a, "join", 0, 1, (const char *const[]){"timeout", NULL});
    if (st != VM_OK) return st;
    proc_rec *r = prec(th, a->self);
    if (!r) return VM_ERR;
    if (r->closed) return raise_closed(th);
    sim_thread *me = sim_current(th);
    if (r->role != 0 || (r->proc && r->proc == me->proc)) return vm_raise(th, m->cls.AssertionError, "can only join a child process");
    if (r->creator != me->proc) return vm_raise(th, m->cls.AssertionError, "can only join a child process");
    if (!r->proc) return vm_raise(th, m->cls.AssertionError, "can only join a started process");
    if (vm_sync_point(th)) return VM_BLOCK;
    *out = v_none();
    if (r->proc->exited) return VM_OK;
    int64_t deadline;
    if ((st = simmod_deadline(th, args_get(a, 0, "timeout"), true, &deadline)) != VM_OK) return st;
    if (deadline >= 0 && deadline <= vm_now(th)) return VM_OK;
    sim_tlist_push(&r->proc->joiners, me);
    return simmod_block(th, TS_BLOCKED, -1, "Process.join()", deadline, proc_join_timeout, r, false);
}

static vm_status proc_is_alive(vm_thread *th, const vm_args *a, value *out) {
    proc_rec *r = prec(th, a->self);
    if (!r) return VM_ERR;
    if (r->closed) return raise_closed(th);
    if (r->role == 1) {
        *out = v_bool(true);
        return VM_OK;
    }
    if (vm_sync_point(th)) return VM_BLOCK;
    *out = v_bool(r->proc && !r->proc->exited);
    return VM_OK;
}

static vm_status proc_signal(vm_thread *th, const vm_args *a, value *out, int code) {
    proc_rec *r = prec(th, a->self);
    if (!r) return VM_ERR;
    if (r->closed) return raise_closed(th);
    if (vm_sync_point(th)) return VM_BLOCK;
    if (r->proc && !r->proc->exited) sim_proc_exit(r->proc, code);
    *out = v_none();
    return VM_OK;
}

static vm_status proc_terminate(vm_thread *th, const vm_args *a, value *out) { return proc_signal(th, a, out, -15); }
static vm_status proc_kill(vm_thread *th, const vm_args *a, value *out) { return proc_signal(th, a, out, -9); }

static vm_status proc_close(vm_thread *th, const vm_args *a, value *out) {
    proc_rec *r = prec(th, a->self);
    if (!r) return VM_ERR;
    *out = v_none();
    if (r->closed) return VM_OK;
    if (r->proc && !r->proc->exited)
        return vm_raise(th, th->vm->cls.ValueError,
                        "Cannot close a process while it is still running. You should first call join() or terminate().");
    r->closed = true;
    return VM_OK;
}

static vm_status proc_get_name(vm_thread *th, const vm_args *a, value *out) {
    proc_rec *r = prec(th, a->self);
    if (!r) return VM_ERR;
    *out = v_obj(str_from_cstr(th->vm, r->name));
    return VM_OK;
}

static vm_status proc_set_name(vm_thread *th, const vm_args *a, value *out) {
    proc_rec *r = prec(th, a->self);
    if (!r) return VM_ERR;
    if (!a->npos || !v_is_obj(a->pos[0], OK_STR)) return vm_raise(th, th->vm->cls.AssertionError, "name must be a string");
    free(r->name);
    r->name = xstrdup(V_STR(a->pos[0])->data);
    *out = v_none();
    return VM_OK;
}

static vm_status proc_get_daemon(vm_thread *th, const vm_args *a, value *out) {
    proc_rec *r = prec(th, a->self);
    if (!r) return VM_ERR;
    *out = v_bool(r->role == 0 ? r->daemon : r->proc->daemon);
    return VM_OK;
}

static vm_status proc_set_daemon(vm_thread *th, const vm_args *a, value *out) {
    proc_rec *r = prec(th, a->self);
    if (!r) return VM_ERR;
    if (r->proc) return vm_raise(th, th->vm->cls.AssertionError, "process has already started");
    vm_status st = ops_truthy(th, a->npos ? a->pos[0] : v_none(), &r->daemon);
    *out = v_none();
    return st;
}

static vm_status proc_get_pid(vm_thread *th, const vm_args *a, value *out) {
    proc_rec *r = prec(th, a->self);
    if (!r) return VM_ERR;
    if (r->closed) return raise_closed(th);
    *out = r->proc ? v_int(r->proc->pid) : v_none();
    return VM_OK;
}

static vm_status proc_get_exitcode(vm_thread *th, const vm_args *a, value *out) {
    proc_rec *r = prec(th, a->self);
    if (!r) return VM_ERR;
    if (r->closed) return raise_closed(th);
    if (vm_sync_point(th)) return VM_BLOCK;
    *out = r->proc && r->proc->exited && r->role == 0 ? v_int(r->proc->exitcode) : v_none();
    return VM_OK;
}

static const native_def proc_methods[] = {
    {"__init__", proc_init}, {"run", proc_run}, {"start", proc_start}, {"join", proc_join},
    {"is_alive", proc_is_alive}, {"terminate", proc_terminate}, {"kill", proc_kill}, {"close", proc_close},
    {NULL, NULL}};
static const simmod_prop proc_props[] = {
    {"name", proc_get_name, proc_set_name}, {"daemon", proc_get_daemon, proc_set_daemon},
    {"pid", proc_get_pid, NULL}, {"ident", proc_get_pid, NULL}, {"exitcode", proc_get_exitcode, NULL},
    {NULL, NULL, NULL}};

/* ---------------------------------------------------- module functions */

static vm_status mp_current_process(vm_thread *th, const vm_args *a, value *out) {
    (void)a;
    *out = proc_object(th, sim_current(th)->proc);
    return VM_OK;
}

static vm_status mp_parent_process(vm_thread *th, const vm_args *a, value *out) {
    (void)a;
    sim_proc *p = sim_current(th)->proc;
    *out = p->parent ? proc_object(th, p->parent) : v_none();
    return VM_OK;
}

static vm_status mp_active_children(vm_thread *th, const vm_args *a, value *out) {
    (void)a;
    if (vm_sync_point(th)) return VM_BLOCK;
    sim_thread *me = sim_current(th);
    sim *s = me->s;
    list_obj *l = list_new(th->vm, 4);
    for (int i = 0; i < s->nprocs; i++) {
        sim_proc *c = s->procs[i];
        if (c->parent == me->proc && c->started && !c->exited && c->parent_obj.tag == VT_OBJ && !c->internal)
            list_append(l, c->parent_obj);
    }
    *out = v_obj(l);
    return VM_OK;
}

static vm_status mp_cpu_count(vm_thread *th, const vm_args *a, value *out) {
    (void)a;
    *out = v_int(sim_current(th)->s->cfg.cores);
    return VM_OK;
}

static vm_status mp_get_start_method(vm_thread *th, const vm_args *a, value *out) {
    (void)a;
    sim *s = sim_current(th)->s;
    s->start_method_set = true;
    s->start_method = global_method(s);
    *out = v_obj(str_from_cstr(th->vm, method_names[s->start_method]));
    return VM_OK;
}

int mp_context_method(value ctx) {
    value name;
    if (!v_is_obj(ctx, OK_INSTANCE) || !dict_get_cstr(V_INST(ctx)->dict, "_name", &name) || !v_is_obj(name, OK_STR))
        return -1;
    for (int i = 0; i < 3; i++)
        if (str_eq_cstr(V_STR(name), method_names[i])) return i;
    return -1;
}

static int parse_method(vm_thread *th, value v) {
    for (int i = 0; i < 3; i++)
        if (v_is_obj(v, OK_STR) && str_eq_cstr(V_STR(v), method_names[i])) return i;
    strbuf sb;
    sb_init(&sb);
    ops_repr(th, v, &sb);
    vm_raise(th, th->vm->cls.ValueError, "cannot find context for %s", sb.data ? sb.data : "?");
    sb_free(&sb);
    return -1;
}

static vm_status mp_set_start_method(vm_thread *th, const vm_args *a, value *out) {
    vm_status st = args_count_kw(th, a, "set_start_method", 1, 2, (const char *const[]){"force", NULL});
    if (st != VM_OK) return st;
    sim *s = sim_current(th)->s;
    bool force = false;
    value fv = args_get(a, 1, "force");
    if (fv.tag != VT_UNDEF && (st = ops_truthy(th, fv, &force)) != VM_OK) return st;
    if (s->start_method_set && !force) return vm_raise(th, th->vm->cls.RuntimeError, "context has already been set");
    int method = parse_method(th, a->pos[0]);
    if (method < 0) return VM_ERR;
    s->start_method = method;
    s->start_method_set = true;
    *out = v_none();
    return VM_OK;
}

static vm_status mp_get_all_start_methods(vm_thread *th, const vm_args *a, value *out) {
    (void)a;
    list_obj *l = list_new(th->vm, 3);
    for (int i = 0; i < 3; i++) list_append(l, v_obj(str_from_cstr(th->vm, method_names[i])));
    *out = v_obj(l);
    return VM_OK;
}

/* get_context(method=None): an object whose attributes are the module's,
 * with Process bound to that start method. */
static vm_status mp_get_context(vm_thread *th, const vm_args *a, value *out) {
    vm *m = th->vm;
    vm_status st = args_count(th, a, "get_context", 0, 1);
    if (st != VM_OK) return st;
    sim *s = sim_current(th)->s;
    int method;
    if (a->npos == 0 || a->pos[0].tag == VT_NONE) {
        s->start_method_set = true;
        s->start_method = global_method(s);
        method = s->start_method;
    } else if ((method = parse_method(th, a->pos[0])) < 0) {
        return VM_ERR;
    }
    static const char *const classes[] = {"ForkContext", "SpawnContext", "ForkServerContext"};
    static const char *const procs[] = {"ForkProcess", "SpawnProcess", "ForkServerProcess"};
    class_obj *cls = mp_class(m, classes[method]);
    value ctx = v_obj(instance_new(m, cls));
    value mod;
    if (dict_get_cstr(m->modules, "multiprocessing", &mod)) {
        dict_obj *md = ((module_obj *)mod.u.o)->dict;
        for (size_t i = 0; i < md->nentries; i++)
            if (md->entries[i].key.tag != VT_UNDEF && v_is_obj(md->entries[i].key, OK_STR) &&
                V_STR(md->entries[i].key)->data[0] != '_')
                dict_set_str(V_INST(ctx)->dict, V_STR(md->entries[i].key), md->entries[i].val);
    }
    dict_set_cstr(m, V_INST(ctx)->dict, "Process", v_obj(mp_class(m, procs[method])));
    /* ctx.Pool(...) and ctx.Manager() start their processes with this
       context's method: the factory gets the context as its bound data
       (a->self, see mp_context_method) */
    static const char *const factories[] = {"Pool", "Manager"};
    for (int i = 0; i < 2; i++) {
        value fn;
        if (!dict_get_cstr(V_INST(ctx)->dict, factories[i], &fn) || !v_is_obj(fn, OK_NATIVE)) continue;
        native_obj *src = (native_obj *)fn.u.o;
        native_obj *bound = native_new(m, src->name, src->fn, false);
        bound->data = ctx;
        dict_set_cstr(m, V_INST(ctx)->dict, factories[i], v_obj(bound));
    }
    dict_set_cstr(m, V_INST(ctx)->dict, "_name", v_obj(str_from_cstr(m, method_names[method])));
    *out = ctx;
    return VM_OK;
}

static vm_status ctx_get_start_method(vm_thread *th, const vm_args *a, value *out) {
    if (dict_get_cstr(V_INST(a->self)->dict, "_name", out)) return VM_OK;
    return vm_raise(th, th->vm->cls.AttributeError, "no start method");
}

static const native_def ctx_methods[] = {{"get_start_method", ctx_get_start_method}, {NULL, NULL}};

/* ---------------------------------------------------- mp primitives */

#define PAYLOAD(type, var, nt)                        \
    type *var = simmod_payload(th, a->self, &(nt));   \
    if (!var) return VM_ERR

static const char *lock_owner_text(sync_lock *l, sim_thread *me, char *buf, size_t size) {
    if (!l->locked) return "None";
    if (l->owner == me || (l->owner && l->owner->proc == me->proc && l->owner == me)) {
        snprintf(buf, size, "%s", me->proc->name);
        if (strcmp(me->name, "MainThread") != 0) snprintf(buf + strlen(buf), size - strlen(buf), "|%s", me->name);
        return buf;
    }
    if (l->owner && l->owner->proc == me->proc) return "SomeOtherThread";
    return "SomeOtherProcess";
}

static vm_status mplock_repr(vm_thread *th, value self, strbuf *out) {
    sync_lock *l = V_INST(self)->payload;
    char buf[200];
    const char *who = lock_owner_text(l, sim_current(th), buf, sizeof buf);
    if (l->rlock) sb_printf(out, "<RLock(%s, %lld)>", who, (long long)(l->locked ? l->count : 0));
    else sb_printf(out, "<Lock(owner=%s)>", who);
    return VM_OK;
}

static const native_type mplock_type = {.name = "Lock", .repr = mplock_repr, .inherit_only = ""};

static vm_status mplock_new_common(vm_thread *th, const vm_args *a, value *out, bool rlock) {
    vm_status st = args_count(th, a, rlock ? "RLock" : "Lock", 0, 0);
    if (st != VM_OK) return st;
    value inst = v_obj(instance_new(th->vm, mp_class(th->vm, rlock ? "RLock" : "Lock")));
    simmod_attach(th, inst, &mplock_type, sync_lock_new(sim_current(th), rlock, true, inst));
    *out = inst;
    return VM_OK;
}

static vm_status mp_Lock(vm_thread *th, const vm_args *a, value *out) { return mplock_new_common(th, a, out, false); }
static vm_status mp_RLock(vm_thread *th, const vm_args *a, value *out) { return mplock_new_common(th, a, out, true); }

/* acquire(block=True, timeout=None) */
static vm_status mplock_acquire(vm_thread *th, const vm_args *a, value *out) {
    static const char *const kw[] = {"block", "timeout", NULL};
    for (int i = 0; i < a->nkw; i++)
        if (!str_eq_cstr(a->kwnames[i], "block") && !str_eq_cstr(a->kwnames[i], "timeout"))
            return vm_raise(th, th->vm->cls.TypeError, "'%s' is an invalid keyword argument for acquire()",
                            a->kwnames[i]->data);
    vm_status st = args_count_kw(th, a, "acquire", 0, 2, kw);
    if (st != VM_OK) return st;
    PAYLOAD(sync_lock, l, mplock_type);
    bool block = true;
    value b = args_get(a, 0, "block");
    if (b.tag != VT_UNDEF && (st = ops_truthy(th, b, &block)) != VM_OK) return st;
    value timeout = args_get(a, 1, "timeout");
    if (!block) timeout = v_undef(); /* a non-blocking acquire ignores the timeout */
    return sync_lock_acquire(th, l, block, timeout, out);
}

static vm_status mplock_release(vm_thread *th, const vm_args *a, value *out) {
    PAYLOAD(sync_lock, l, mplock_type);
    *out = v_none();
    return sync_lock_release(th, l);
}

static const native_def mplock_methods[] = {
    {"acquire", mplock_acquire}, {"release", mplock_release}, {"__enter__", mplock_acquire},
    {"__exit__", mplock_release}, {NULL, NULL}};

static vm_status mpsem_repr(vm_thread *th, value self, strbuf *out) {
    sync_sem *s = V_INST(self)->payload;
    if (s->bounded) sb_printf(out, "<BoundedSemaphore(value=%lld, maxvalue=%lld)>", (long long)s->value, (long long)s->initial);
    else sb_printf(out, "<Semaphore(value=%lld)>", (long long)s->value);
    (void)th;
    return VM_OK;
}

static const native_type mpsem_type = {.name = "Semaphore", .repr = mpsem_repr, .inherit_only = ""};

static vm_status mpsem_new_common(vm_thread *th, const vm_args *a, value *out, bool bounded) {
    vm_status st = args_count_kw(th, a, bounded ? "BoundedSemaphore" : "Semaphore", 0, 1, (const char *const[]){"value", NULL});
    if (st != VM_OK) return st;
    int64_t v = 1;
    value vv = args_get(a, 0, "value");
    if (vv.tag != VT_UNDEF && (st = args_int(th, vv, "value", &v)) != VM_OK) return st;
    if (v < 0) return vm_raise(th, th->vm->cls.ValueError, "semaphore initial value must be >= 0");
    value inst = v_obj(instance_new(th->vm, mp_class(th->vm, bounded ? "BoundedSemaphore" : "Semaphore")));
    simmod_attach(th, inst, &mpsem_type, sync_sem_new(sim_current(th), v, bounded, true, inst));
    *out = inst;
    return VM_OK;
}

static vm_status mp_Semaphore(vm_thread *th, const vm_args *a, value *out) { return mpsem_new_common(th, a, out, false); }
static vm_status mp_BoundedSemaphore(vm_thread *th, const vm_args *a, value *out) { return mpsem_new_common(th, a, out, true); }

static vm_status mpsem_acquire(vm_thread *th, const vm_args *a, value *out) {
    static const char *const kw[] = {"block", "timeout", NULL};
    vm_status st = args_count_kw(th, a, "acquire", 0, 2, kw);
    if (st != VM_OK) return st;
    PAYLOAD(sync_sem, s, mpsem_type);
    bool block = true;
    value b = args_get(a, 0, "block");
    if (b.tag != VT_UNDEF && (st = ops_truthy(th, b, &block)) != VM_OK) return st;
    return sync_sem_acquire(th, s, block, block ? args_get(a, 1, "timeout") : v_undef(), out);
}

static vm_status mpsem_release(vm_thread *th, const vm_args *a, value *out) {
    PAYLOAD(sync_sem, s, mpsem_type);
    *out = v_none();
    return sync_sem_release(th, s, 1);
}

static vm_status mpsem_get_value(vm_thread *th, const vm_args *a, value *out) {
    PAYLOAD(sync_sem, s, mpsem_type);
    *out = v_int(s->value);
    return VM_OK;
}

static const native_def mpsem_methods[] = {
    {"acquire", mpsem_acquire}, {"release", mpsem_release}, {"__enter__", mpsem_acquire},
    {"__exit__", mpsem_release}, {"get_value", mpsem_get_value}, {NULL, NULL}};

static vm_status mpevent_repr(vm_thread *th, value self, strbuf *out) {
    sync_event *e = V_INST(self)->payload;
    unsigned long long addr = (unsigned long long)obj_address(self.u.o);
    sb_printf(out, "<Event at 0x%llx %s>", addr, e->flag ? "set" : "unset");
    (void)th;
    return VM_OK;
}

/* pickling an Event or a Barrier fails on the Condition inside it */
static const native_type mpevent_type = {.name = "Event", .repr = mpevent_repr, .inherit_only = "Condition"};

static vm_status mp_Event(vm_thread *th, const vm_args *a, value *out) {
    vm_status st = args_count(th, a, "Event", 0, 0);
    if (st != VM_OK) return st;
    value inst = v_obj(instance_new(th->vm, mp_class(th->vm, "Event")));
    simmod_attach(th, inst, &mpevent_type, sync_event_new(sim_current(th), true, inst));
    *out = inst;
    return VM_OK;
}

static vm_status mpevent_is_set(vm_thread *th, const vm_args *a, value *out) {
    PAYLOAD(sync_event, e, mpevent_type);
    if (vm_sync_point(th)) return VM_BLOCK;
    *out = v_bool(e->flag);
    return VM_OK;
}

static vm_status mpevent_set(vm_thread *th, const vm_args *a, value *out) {
    PAYLOAD(sync_event, e, mpevent_type);
    *out = v_none();
    return sync_event_set(th, e);
}

static vm_status mpevent_clear(vm_thread *th, const vm_args *a, value *out) {
    PAYLOAD(sync_event, e, mpevent_type);
    *out = v_none();
    return sync_event_clear(th, e);
}

static vm_status mpevent_wait(vm_thread *th, const vm_args *a, value *out) {
    PAYLOAD(sync_event, e, mpevent_type);
    return sync_event_wait(th, e, args_get(a, 0, "timeout"), out);
}

static const native_def mpevent_methods[] = {
    {"is_set", mpevent_is_set}, {"set", mpevent_set}, {"clear", mpevent_clear}, {"wait", mpevent_wait}, {NULL, NULL}};

static vm_status mpcond_repr(vm_thread *th, value self, strbuf *out) {
    sync_cond *c = V_INST(self)->payload;
    value lockv;
    sb_puts(out, "<Condition(");
    if (dict_get_cstr(V_INST(self)->dict, "_lock", &lockv)) ops_repr(th, lockv, out);
    sb_printf(out, ", %d)>", c->waiters.n);
    return VM_OK;
}

static const native_type mpcond_type = {.name = "Condition", .repr = mpcond_repr, .inherit_only = ""};

static vm_status mp_Condition(vm_thread *th, const vm_args *a, value *out) {
    vm_status st = args_count_kw(th, a, "Condition", 0, 1, (const char *const[]){"lock", NULL});
    if (st != VM_OK) return st;
    value lockv = args_get(a, 0, "lock");
    if (lockv.tag == VT_UNDEF || lockv.tag == VT_NONE) {
        vm_args none = {v_undef(), NULL, 0, NULL, NULL, 0};
        if ((st = mp_RLock(th, &none, &lockv)) != VM_OK) return st;
    }
    if (!v_is_obj(lockv, OK_INSTANCE) || V_INST(lockv)->ntype != &mplock_type)
        return vm_raise(th, th->vm->cls.TypeError, "concviz: multiprocessing.Condition(lock) needs a multiprocessing lock");
    value inst = v_obj(instance_new(th->vm, mp_class(th->vm, "Condition")));
    simmod_attach(th, inst, &mpcond_type, sync_cond_new(sim_current(th), V_INST(lockv)->payload, true, inst));
    dict_set_cstr(th->vm, V_INST(inst)->dict, "_lock", lockv);
    *out = inst;
    return VM_OK;
}

static vm_status mpcond_acquire(vm_thread *th, const vm_args *a, value *out) {
    PAYLOAD(sync_cond, c, mpcond_type);
    bool block = true;
    value b = args_get(a, 0, "block");
    vm_status st;
    if (b.tag != VT_UNDEF && (st = ops_truthy(th, b, &block)) != VM_OK) return st;
    return sync_lock_acquire(th, c->lock, block, block ? args_get(a, 1, "timeout") : v_undef(), out);
}

static vm_status mpcond_release(vm_thread *th, const vm_args *a, value *out) {
    PAYLOAD(sync_cond, c, mpcond_type);
    *out = v_none();
    return sync_lock_release(th, c->lock);
}

static vm_status mpcond_wait(vm_thread *th, const vm_args *a, value *out) {
    PAYLOAD(sync_cond, c, mpcond_type);
    return sync_cond_wait(th, c, args_get(a, 0, "timeout"), out);
}

static vm_status mpcond_notify(vm_thread *th, const vm_args *a, value *out) {
    PAYLOAD(sync_cond, c, mpcond_type);
    int64_t n = 1;
    vm_status st;
    if (a->npos && (st = args_int(th, a->pos[0], "n", &n)) != VM_OK) return st;
    *out = v_none();
    return sync_cond_notify(th, c, n);
}

static vm_status mpcond_notify_all(vm_thread *th, const vm_args *a, value *out) {
    PAYLOAD(sync_cond, c, mpcond_type);
    *out = v_none();
    return sync_cond_notify(th, c, INT64_MAX);
}

static const native_def mpcond_methods[] = {
    {"acquire", mpcond_acquire}, {"release", mpcond_release}, {"__enter__", mpcond_acquire},
    {"__exit__", mpcond_release}, {"wait", mpcond_wait}, {"notify", mpcond_notify},
    {"notify_all", mpcond_notify_all}, {NULL, NULL}};

static vm_status mpbarrier_repr(vm_thread *th, value self, strbuf *out) {
    sync_barrier *b = V_INST(self)->payload;
    unsigned long long addr = (unsigned long long)obj_address(self.u.o);
    sb_printf(out, "<multiprocessing.synchronize.Barrier at 0x%llx: waiters=%d/%d>", addr, b->count, b->parties);
    (void)th;
    return VM_OK;
}

static const native_type mpbarrier_type = {.name = "Barrier", .repr = mpbarrier_repr, .inherit_only = "Condition"};

static vm_status mp_Barrier(vm_thread *th, const vm_args *a, value *out) {
    static const char *const kw[] = {"parties", "action", "timeout", NULL};
    vm_status st = args_count_kw(th, a, "Barrier", 1, 3, kw);
    if (st != VM_OK) return st;
    int64_t parties;
    if ((st = args_int(th, a->pos[0], "parties", &parties)) != VM_OK) return st;
    if (parties < 1) return vm_raise(th, th->vm->cls.ValueError, "parties must be > 0");
    int64_t tmo = -1;
    value tv = args_get(a, 2, "timeout");
    if (tv.tag != VT_UNDEF && tv.tag != VT_NONE) {
        double secs;
        if ((st = args_float(th, tv, "timeout", &secs)) != VM_OK) return st;
        tmo = (int64_t)(secs * 1e9);
    }
    value inst = v_obj(instance_new(th->vm, mp_class(th->vm, "Barrier")));
    simmod_attach(th, inst, &mpbarrier_type, sync_barrier_new(sim_current(th), (int)parties, tmo, true, inst));
    value action = args_get(a, 1, "action");
    dict_set_cstr(th->vm, V_INST(inst)->dict, "_action", action.tag == VT_UNDEF ? v_none() : action);
    *out = inst;
    return VM_OK;
}

static vm_status mpbarrier_wait(vm_thread *th, const vm_args *a, value *out) {
    PAYLOAD(sync_barrier, b, mpbarrier_type);
    value action = v_none();
    dict_get_cstr(V_INST(a->self)->dict, "_action", &action);
    return sync_barrier_wait(th, b, args_get(a, 0, "timeout"), action, out);
}

static vm_status mpbarrier_abort(vm_thread *th, const vm_args *a, value *out) {
    PAYLOAD(sync_barrier, b, mpbarrier_type);
    *out = v_none();
    return sync_barrier_abort(th, b);
}

static vm_status mpbarrier_prop(vm_thread *th, const vm_args *a, value *out, int which) {
    PAYLOAD(sync_barrier, b, mpbarrier_type);
    *out = which == 0 ? v_int(b->parties) : which == 1 ? v_int(b->count) : v_bool(b->broken);
    return VM_OK;
}

static vm_status mpbarrier_parties(vm_thread *th, const vm_args *a, value *out) { return mpbarrier_prop(th, a, out, 0); }
static vm_status mpbarrier_n_waiting(vm_thread *th, const vm_args *a, value *out) { return mpbarrier_prop(th, a, out, 1); }
static vm_status mpbarrier_broken(vm_thread *th, const vm_args *a, value *out) { return mpbarrier_prop(th, a, out, 2); }

static const native_def mpbarrier_methods[] = {{"wait", mpbarrier_wait}, {"abort", mpbarrier_abort}, {NULL, NULL}};
static const simmod_prop mpbarrier_props[] = {
    {"parties", mpbarrier_parties, NULL}, {"n_waiting", mpbarrier_n_waiting, NULL}, {"broken", mpbarrier_broken, NULL},
    {NULL, NULL, NULL}};

static const native_def module_functions[] = {
    {"current_process", mp_current_process}, {"parent_process", mp_parent_process},
    {"active_children", mp_active_children}, {"cpu_count", mp_cpu_count},
    {"get_start_method", mp_get_start_method}, {"set_start_method", mp_set_start_method},
    {"get_all_start_methods", mp_get_all_start_methods}, {"get_context", mp_get_context},
    {"Lock", mp_Lock}, {"RLock", mp_RLock}, {"Semaphore", mp_Semaphore}, {"BoundedSemaphore", mp_BoundedSemaphore},
    {"Event", mp_Event}, {"Condition", mp_Condition}, {"Barrier", mp_Barrier}, {NULL, NULL}};

vm_status simmod_multiprocessing(vm_thread *th, value *out) {
    vm *m = th->vm;
    module_obj *mod = simmod_module(m, "multiprocessing");
    dict_obj *d = mod->dict;
    dict_set_str(m->modules, mod->name, v_obj(mod)); /* classes below look it up */
    class_obj *proc = mp_define(m, d, "Process", NULL, proc_methods, proc_props);
    static const char *const procs[] = {"ForkProcess", "SpawnProcess", "ForkServerProcess"};
    for (int i = 0; i < 3; i++) {
        class_obj *c = mp_define(m, d, procs[i], proc, NULL, NULL);
        dict_set_cstr(m, c->dict, "_start_method", v_int(i));
    }
    mp_define(m, d, "_MainProcess", proc, NULL, NULL);
    mp_define(m, d, "_ParentProcess", proc, NULL, NULL);
    static const char *const ctxs[] = {"ForkContext", "SpawnContext", "ForkServerContext"};
    for (int i = 0; i < 3; i++) mp_define(m, d, ctxs[i], NULL, ctx_methods, NULL);
    mp_define(m, d, "Lock", NULL, mplock_methods, NULL);
    mp_define(m, d, "RLock", NULL, mplock_methods, NULL);
    class_obj *sem = mp_define(m, d, "Semaphore", NULL, mpsem_methods, NULL);
    mp_define(m, d, "BoundedSemaphore", sem, NULL, NULL);
    mp_define(m, d, "Event", NULL, mpevent_methods, NULL);
    mp_define(m, d, "Condition", NULL, mpcond_methods, NULL);
    mp_define(m, d, "Barrier", NULL, mpbarrier_methods, mpbarrier_props);
    /* the factory functions shadow the classes of the same name, as in CPython */
    native_register(m, d, module_functions, false);
    mp_register_queues(m, d);
    mp_register_pipe(m, d);
    mp_register_pool(m, d);
    mp_register_shared(m, d);
    mp_register_manager(m, d);
    class_obj *process_error = simmod_exception(m, d, "multiprocessing", "ProcessError", m->cls.Exception);
    simmod_exception(m, d, "multiprocessing", "TimeoutError", process_error);
    simmod_exception(m, d, "multiprocessing", "BufferTooShort", process_error);
    simmod_exception(m, d, "multiprocessing", "AuthenticationError", process_error);
    *out = v_obj(mod);
    return VM_OK;
}
