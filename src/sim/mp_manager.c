/* mp_manager.c - multiprocessing.Manager(): a SyncManager whose server is a
 * real simulated process, 'SyncManager-N', and the proxies that talk to it
 * (FACTS.md section 9).
 *
 * The server. Manager() makes a Process of the current start method (it
 * takes a number from the process counter, is renamed SyncManager-N and
 * shows in active_children), starts it (the fork or spawn start-up cost),
 * and waits until the server reports that it is up. The server's main
 * thread then waits in serve_forever(). Each client thread that talks to it
 * gets its own server thread, 'Thread-N (handle_request)', as CPython opens
 * one connection per thread. That thread runs a loop written in Python
 * (serve_source): receive a request, call the referent's method, send the
 * reply. The referents are ordinary objects of the server's heap (a dict, a
 * threading.Lock, a queue.Queue...), so an operation that blocks in the
 * server (Lock.acquire on a held lock, Queue.get on an empty queue,
 * Event.wait) blocks that server thread with the ordinary primitives, and
 * its client keeps waiting for the reply.
 *
 * A round trip. The calling thread is BLOCKED ("proxy call d['a']") while
 * its request travels (MGR_HOP_NS plus the pickling cost), the server
 * thread decodes it, runs it and encodes the reply (CPU time under the
 * server's GIL), and the reply travels back: about 50 us in all, as
 * measured. Arguments are copied into the server's heap when sent and
 * results into the client's heap when replied, with pickling semantics
 * (functions by name; a nested plain object changed in place is a copy).
 * An exception comes back as the same class with the same arguments.
 *
 * The client's call is rewound (vm_wait.rewind): when the reply arrives the
 * instruction runs again, and its proxy calls take their replies from the
 * connection's log in order, so an instruction that makes several requests
 * ('{0.x} {0.y}'.format(ns)) asks for each once. d[k], len(d), k in d,
 * bool(d) and iter(d) call the proxy's native directly (ops_call_dunder),
 * so they block too. Calls Python makes from C through vm_call (str(d),
 * a user __eq__ comparing proxies) are nested and cannot block: they run
 * the operation at once on the referent and charge the round trip to the
 * caller's clock ("inline"), with the same events.
 *
 * Shutdown. shutdown() (or leaving 'with') sends a message; the server's
 * main thread returns and the process exits with code 0; later proxy use
 * raises BrokenPipeError, and a call that was waiting when the server went
 * away raises EOFError. A server still running when its parent's main
 * thread finishes is marked daemon in the machine (not in its Process
 * object), so the shutdown sequence terminates it instead of waiting for it
 * (CPython's finalizer shuts it down at exit).
 *
 * Trace. OBJ_NEW (type manager, value = the server's pid, label
 * "SyncManager-N") when the server starts. The manager is a message channel:
 * a request is QUEUE_PUT by the client thread and QUEUE_GET by the server
 * thread that receives it; the reply is QUEUE_PUT by the server thread and
 * QUEUE_GET by the client. obj is the manager, len the messages in flight,
 * item the request ("d['a']", "lock.acquire()") or the reply ("-> 1",
 * "-> raised KeyError('b')"). shutdown() is a request "shutdown()". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lang/ast.h"
#include "lang/obj.h"
#include "lang/xalloc.h"
#include "sim/mp_parts.h"
#include "sim/sim_copy.h"

/* A round trip of a small message is about 50 us (FACTS.md section 9): each
 * way the socket hop plus sim_pickle_cost_ns(size) (about 13 us), and in the
 * server 12 us of CPU to receive and decode the request and 12 us to encode
 * and send the reply, with the server's GIL held. That CPU time is what
 * limits a busy server: its handler threads share one GIL. */
enum { MGR_HOP_NS = 11000, MGR_DECODE_CPU_NS = 12000, MGR_ENCODE_CPU_NS = 12000, MGR_TEXT = 160 };

/* The request loop of a server thread (CPython's Server.serve_client). */
static const char serve_source[] =
    "def _serve(conn):\n"
    "    while True:\n"
    "        request = conn._recv()\n"
    "        if request is None:\n"
    "            return\n"
    "        func, args, kwds = request\n"
    "        try:\n"
    "            result = func(*args, **kwds)\n"
    "        except BaseException as e:\n"
    "            conn._reply(False, e)\n"
    "        else:\n"
    "            conn._reply(True, result)\n";

/* ------------------------------------------------------------ records */

enum { MGR_STARTING, MGR_STARTED, MGR_SHUTDOWN };
enum { MGR_CREATE, MGR_CALL };
/* A reply in a connection's log: a value, an exception, a new object's id. */
enum { MGR_ENTRY_VALUE, MGR_ENTRY_ERROR, MGR_ENTRY_CREATED };
/* A connection's request: idle, on its way, arrived, being decoded, being
 * served, being encoded, reply on its way, reply arrived. */
enum { MGR_IDLE, MGR_SENT, MGR_ARRIVED, MGR_DECODING, MGR_SERVING, MGR_ENCODING, MGR_REPLIED, MGR_DELIVERED };
/* Flags of a type: which attributes its proxy fetches from the referent, and
 * whether its referent's methods may block (they cannot run inline). */
enum { MGR_HOOK_NAMESPACE = 1, MGR_HOOK_VALUE = 2, MGR_HOOK_BARRIER = 4, MGR_MAY_BLOCK = 8 };

/* What the manager can make: typeid, proxy class, the server's factory. */
typedef struct mgr_type {
    const char *typeid;
    const char *proxy;
    const char *module; /* "builtins", "threading", "queue", "multiprocessing" */
    const char *factory;
    int flags;
} mgr_type;

static const mgr_type mgr_types[] = {
    {"dict", "DictProxy", "builtins", "dict", 0},
    {"list", "ListProxy", "builtins", "list", 0},
    {"Namespace", "NamespaceProxy", "multiprocessing", "Namespace", MGR_HOOK_NAMESPACE},
    {"Lock", "AcquirerProxy", "threading", "Lock", MGR_MAY_BLOCK},
    {"RLock", "AcquirerProxy", "threading", "RLock", MGR_MAY_BLOCK},
    {"Semaphore", "AcquirerProxy", "threading", "Semaphore", MGR_MAY_BLOCK},
    {"BoundedSemaphore", "AcquirerProxy", "threading", "BoundedSemaphore", MGR_MAY_BLOCK},
    {"Condition", "ConditionProxy", "threading", "Condition", MGR_MAY_BLOCK},
    {"Event", "EventProxy", "threading", "Event", MGR_MAY_BLOCK},
    {"Barrier", "BarrierProxy", "threading", "Barrier", MGR_MAY_BLOCK | MGR_HOOK_BARRIER},
    {"Queue", "AutoProxy[Queue]", "queue", "Queue", MGR_MAY_BLOCK},
    {"JoinableQueue", "AutoProxy[Queue]", "queue", "Queue", MGR_MAY_BLOCK},
    {"Value", "ValueProxy", "multiprocessing", "_ManagerValue", MGR_HOOK_VALUE},
    {"Array", "ArrayProxy", "multiprocessing", "_ManagerArray", 0},
};

typedef struct mgr_rec mgr_rec;

/* One client thread's connection to the server; it carries at most one
 * request at a time, since its thread waits for the reply. */
typedef struct mgr_link {
    sim_waitable w;           /* the client's wait: held by the server thread */
    sim_waitable w_recv;      /* the server thread's wait for a request */
    mgr_rec *mgr;
    sim_thread *client;
    sim_thread *server;       /* its handle_request thread, once a request arrived */
    list_obj *inbox;          /* in the server's heap (rooted there): (args, kwargs) */
    list_obj *log;            /* in the client's heap (rooted there): the replies the
                                 client's current instruction has had, (sig, flag, value) */
    int cursor;               /* replies the instruction's current run has used */
    int64_t pass_ticks;       /* the client's tick count at its last proxy call */
    bool rerun;               /* woken by a reply: the instruction runs again from its start */
    int phase;
    uint64_t seq;             /* numbers requests: a stale event does nothing */
    int kind;
    const mgr_type *type;
    int target;               /* the referent's id */
    const char *method;       /* static */
    int64_t sig;              /* identifies the request in flight (mp_manager_sig) */
    char what[MGR_TEXT + 16];  /* "proxy call d['a']" (the blocked thread's 'what') */
    char label[MGR_TEXT + 16]; /* "the reply to d['a']" (what the deadlock report says it waits for) */
    char reply[MGR_TEXT];     /* "-> 1" */
} mgr_link;

struct mgr_rec {
    sim_waitable w;           /* waiting for the server process: start-up, shutdown */
    sim_waitable w_serve;     /* the server's main thread in serve_forever() */
    sim *s;
    int obj;                  /* trace id */
    char name[64];            /* "SyncManager-1" */
    int state;
    bool stop;                /* the shutdown message reached the server */
    sim_proc *owner, *server;
    sim_thread *starter;      /* blocked in Manager() until the server is up */
    value manager;            /* the SyncManager object in owner's heap (rooted there) */
    lang_program *prog;       /* serve_source */
    value serve_fn;           /* _serve in the server's heap (rooted there) */
    list_obj *objects;        /* the referents, in the server's heap (rooted); id = index */
    int inflight;             /* messages on their way (the trace's len) */
    mgr_link **links;
    int nlinks, links_cap;
};

/* A proxy's state, shared by its copies in forked children. */
typedef struct mgr_proxy {
    mgr_rec *mgr;
    int id;
    const mgr_type *type;
} mgr_proxy;

/* One request as the client makes it. */
typedef struct mgr_call {
    int kind;
    const mgr_type *type;
    int target;
    const char *method;       /* static: the method the server runs */
    value args;               /* a tuple in the caller's heap */
    value kwargs;             /* a dict, or VT_UNDEF */
    value self;               /* the proxy or the manager (named in 'what') */
} mgr_call;

static void mp_manager_free(void *p) {
    mgr_rec *mgr = p;
    for (int i = 0; i < mgr->nlinks; i++) free(mgr->links[i]);
    free(mgr->links);
    lang_program_free(mgr->prog);
}

static vm_status mp_manager_repr(vm_thread *th, value self, strbuf *out);
static vm_status mp_manager_proxy_repr(vm_thread *th, value self, strbuf *out);
static vm_status mp_manager_proxy_getattr(vm_thread *th, value self, str_obj *name, value *out, bool *found);
static vm_status mp_manager_proxy_setattr(vm_thread *th, value self, str_obj *name, value v, bool *handled);

static const native_type mgr_manager_type = {.name = "SyncManager", .repr = mp_manager_repr};
static const native_type mgr_proxy_type = {.name = "BaseProxy",
                                           .repr = mp_manager_proxy_repr,
                                           .getattr = mp_manager_proxy_getattr,
                                           .setattr = mp_manager_proxy_setattr};
static const native_type mgr_conn_type = {.name = "_ManagerConnection"};

/* ------------------------------------------------------------ helpers */

static unsigned long long mp_manager_address(value v) {
    return (unsigned long long)obj_address(v.u.o);
}

static int64_t mp_manager_hop(size_t bytes) { return MGR_HOP_NS + sim_pickle_cost_ns(bytes); }

/* Module name of process th (imported there first if needed), or NULL. */
static dict_obj *mp_manager_module(vm_thread *th, const char *name) {
    vm *m = th->vm;
    value mod;
    if (!dict_get_cstr(m->modules, name, &mod)) {
        if (vm_module_load(th, str_from_cstr(m, name), &mod) != VM_OK) {
            th->exc = v_undef();
            return NULL;
        }
        dict_set_cstr(m, m->modules, name, mod);
    }
    return v_is_obj(mod, OK_MODULE) ? ((module_obj *)mod.u.o)->dict : NULL;
}

/* The exception class name of module (for example multiprocessing's
 * ProcessError), or fallback. */
static class_obj *mp_manager_exc_class(vm_thread *th, const char *module, const char *name, class_obj *fallback) {
    dict_obj *d = mp_manager_module(th, module);
    value c;
    if (d && dict_get_cstr(d, name, &c) && v_is_obj(c, OK_CLASS)) return V_CLASS(c);
    return fallback;
}

/* The global variable of p's main module that names o, if any. */
static bool mp_manager_global_name(sim_proc *p, value o, char *buf, size_t size) {
    dict_obj *g = p->vm->main_globals;
    for (size_t i = 0; i < g->nentries; i++) {
        dict_entry *e = &g->entries[i];
        if (v_is_obj(e->key, OK_STR) && e->val.tag == VT_OBJ && e->val.u.o == o.u.o) {
            snprintf(buf, size, "%s", V_STR(e->key)->data);
            return true;
        }
    }
    return false;
}

/* A short repr for the trace that never runs user code (a user __repr__
 * could print or block): builtin values in full, instances by class. */
static void mp_manager_brief(vm_thread *th, value v, strbuf *sb, int depth) {
    vm *m = th->vm;
    if (sb->len > MGR_TEXT) return;
    if (v.tag != VT_OBJ || v_is_obj(v, OK_STR)) {
        if (ops_repr(th, v, sb) != VM_OK) th->exc = v_undef();
        return;
    }
    if (depth > 2) {
        sb_puts(sb, "...");
        return;
    }
    switch ((obj_kind)v.u.o->kind) {
    case OK_LIST: case OK_TUPLE: {
        bool list = v_is_obj(v, OK_LIST);
        size_t n = list ? V_LIST(v)->len : V_TUPLE(v)->len;
        const value *items = list ? V_LIST(v)->items : V_TUPLE(v)->items;
        sb_putc(sb, list ? '[' : '(');
        for (size_t i = 0; i < n && sb->len <= MGR_TEXT; i++) {
            if (i) sb_puts(sb, ", ");
            mp_manager_brief(th, items[i], sb, depth + 1);
        }
        if (!list && n == 1) sb_putc(sb, ',');
        sb_putc(sb, list ? ']' : ')');
        return;
    }
    case OK_DICT: {
        size_t pos = 0, i = 0;
        value k, val;
        sb_putc(sb, '{');
        while (dict_next(V_DICT(v), &pos, &k, &val) && sb->len <= MGR_TEXT) {
            if (i++) sb_puts(sb, ", ");
            mp_manager_brief(th, k, sb, depth + 1);
            sb_puts(sb, ": ");
            mp_manager_brief(th, val, sb, depth + 1);
        }
        sb_putc(sb, '}');
        return;
    }
    case OK_INSTANCE: {
        instance_obj *in = V_INST(v);
        if (in->cls->flags & CLS_EXCEPTION) {
            value args;
            sb_printf(sb, "%s(", in->cls->name->data);
            if (dict_get_str(in->dict, m->names.args, &args) && v_is_obj(args, OK_TUPLE) && V_TUPLE(args)->len == 1)
                mp_manager_brief(th, V_TUPLE(args)->items[0], sb, depth + 1);
            sb_putc(sb, ')');
            return;
        }
        sb_printf(sb, "<%s object>", in->cls->name->data);
        return;
    }
    default:
        sb_printf(sb, "<%s>", ops_type_name(m, v));
        return;
    }
}

/* Copies sb into buf (size bytes), cut short on a character boundary. */
static void mp_manager_text(char *buf, size_t size, const char *s, size_t len) {
    if (len >= size) {
        len = size - 4;
        while (len > 0 && ((unsigned char)s[len] & 0xc0) == 0x80) len--;
        memcpy(buf, s, len);
        memcpy(buf + len, "...", 4);
        return;
    }
    memcpy(buf, s, len);
    buf[len] = '\0';
}

static void mp_manager_emit(mgr_rec *mgr, sim_thread *st, trace_kind kind, const char *text) {
    sim_emit(mgr->s, kind, st ? st->proc->pid : mgr->server->pid, st ? st->tid : -1, mgr->obj, mgr->inflight, 0, text,
             strlen(text));
}

/* Describes what a client waits for: the server thread serving it. */
static void mp_manager_describe_call(void *self, sim_holder_info *out) {
    mgr_link *l = self;
    out->label = l->label;
    out->nholders = l->server ? 1 : 0;
    if (l->server) out->holders[0] = l->server;
}

/* An idle server thread or main thread: the report says where it waits. */
static void mp_manager_describe_idle(void *self, sim_holder_info *out) {
    (void)self;
    out->label = NULL;
    out->nholders = 0;
}

/* A thread waiting for the server process itself (start-up, shutdown). */
static void mp_manager_describe_server(void *self, sim_holder_info *out) {
    mgr_rec *mgr = self;
    out->label = mgr->name;
    out->is_thread = true;
    out->nholders = mgr->server && mgr->server->main ? 1 : 0;
    if (out->nholders) out->holders[0] = mgr->server->main;
}

/* The connection of client thread st (made on its first request). */
static mgr_link *mp_manager_link(mgr_rec *mgr, sim_thread *st) {
    for (int i = 0; i < mgr->nlinks; i++)
        if (mgr->links[i]->client == st) return mgr->links[i];
    if (mgr->nlinks == mgr->links_cap) {
        mgr->links_cap = mgr->links_cap ? mgr->links_cap * 2 : 8;
        mgr->links = xreallocarray(mgr->links, (size_t)mgr->links_cap, sizeof(mgr_link *));
    }
    mgr_link *l = xcalloc(1, sizeof *l);
    l->w.describe = mp_manager_describe_call;
    l->w_recv.describe = mp_manager_describe_idle;
    l->mgr = mgr;
    l->client = st;
    l->inbox = list_new(mgr->server->vm, 1);
    sim_proc_add_root(mgr->server, v_obj(l->inbox));
    l->log = list_new(st->proc->vm, 2);
    sim_proc_add_root(st->proc, v_obj(l->log));
    l->pass_ticks = -1;
    mgr->links[mgr->nlinks++] = l;
    return l;
}

/* Whether a request from th may block: not from a native that Python calls
 * from C through vm_call (print(d) and str(d)), which is nested; the VM
 * cannot rewind through those calls, so they run inline. */
static bool mp_manager_can_block(const vm_thread *th) { return th->nested == 0; }

static bool mp_manager_closed(const mgr_rec *mgr) {
    return mgr->state == MGR_SHUTDOWN || !mgr->server || mgr->server->exited;
}

/* An error for the receiving side when not even the exception could be
 * copied there. */
static value mp_manager_lost_reply(vm_thread *to) {
    return vm_exc_new(to, to->vm->cls.RuntimeError, "concviz: the manager's reply could not be pickled");
}

/* Copies v from th's heap into to's heap as pickle would; on failure raises
 * in th (the sender) and returns false. */
static bool mp_manager_copy(vm_thread *th, vm_thread *to, value v, value *out, size_t *bytes) {
    sim_copy_ctx c;
    sim_copy_init(&c, th, to, true);
    *out = sim_copy(&c, v);
    bool ok = !c.failed;
    *bytes = c.bytes;
    if (!ok) vm_raise(th, th->vm->cls.RuntimeError, "_pickle.PicklingError: %s", c.error);
    sim_copy_fini(&c);
    return ok;
}

/* 'what' of a request: "d['a']", "d['a'] = 1", "len(d)", "ns.x",
 * "lock.acquire()", "manager.dict()". */
static void mp_manager_describe_request(vm_thread *th, mgr_rec *mgr, const mgr_call *c, char *buf, size_t size) {
    sim_thread *me = sim_current(th);
    char label[64];
    if (!mp_manager_global_name(me->proc, c->self, label, sizeof label)) {
        if (c->kind == MGR_CREATE) snprintf(label, sizeof label, "%s", mgr->name);
        else snprintf(label, sizeof label, "%s#%d", c->type->typeid, c->target);
    }
    const value *args = v_is_obj(c->args, OK_TUPLE) ? V_TUPLE(c->args)->items : NULL;
    size_t n = args ? V_TUPLE(c->args)->len : 0;
    const char *m = c->method;
    strbuf sb;
    sb_init(&sb);
    value a0 = n > 0 ? args[0] : v_none(), a1 = n > 1 ? args[1] : v_none();
    if (c->kind == MGR_CALL && !strcmp(m, "__getitem__")) {
        sb_printf(&sb, "%s[", label);
        mp_manager_brief(th, a0, &sb, 0);
        sb_putc(&sb, ']');
    } else if (c->kind == MGR_CALL && !strcmp(m, "__setitem__")) {
        sb_printf(&sb, "%s[", label);
        mp_manager_brief(th, a0, &sb, 0);
        sb_puts(&sb, "] = ");
        mp_manager_brief(th, a1, &sb, 0);
    } else if (c->kind == MGR_CALL && !strcmp(m, "__delitem__")) {
        sb_printf(&sb, "del %s[", label);
        mp_manager_brief(th, a0, &sb, 0);
        sb_putc(&sb, ']');
    } else if (c->kind == MGR_CALL && !strcmp(m, "__contains__")) {
        mp_manager_brief(th, a0, &sb, 0);
        sb_printf(&sb, " in %s", label);
    } else if (c->kind == MGR_CALL && (!strcmp(m, "__getattribute__") || !strcmp(m, "__setattr__")) &&
               v_is_obj(a0, OK_STR)) {
        sb_printf(&sb, "%s.%s", label, V_STR(a0)->data);
        if (!strcmp(m, "__setattr__")) {
            sb_puts(&sb, " = ");
            mp_manager_brief(th, a1, &sb, 0);
        }
    } else if (c->kind == MGR_CALL && !strcmp(m, "__len__")) {
        sb_printf(&sb, "len(%s)", label);
    } else if (c->kind == MGR_CALL && !strcmp(m, "__repr__")) {
        sb_printf(&sb, "str(%s)", label);
    } else if (c->kind == MGR_CALL && !strcmp(m, "__iter__")) {
        sb_printf(&sb, "iter(%s)", label);
    } else if (c->kind == MGR_CALL && !strcmp(m, "#GETVALUE")) {
        sb_printf(&sb, "%s._getvalue()", label);
    } else {
        sb_printf(&sb, "%s.%s(", label, c->kind == MGR_CREATE ? c->type->typeid : m);
        for (size_t i = 0; i < n; i++) {
            if (i) sb_puts(&sb, ", ");
            mp_manager_brief(th, args[i], &sb, 0);
        }
        size_t pos = 0;
        value k, v;
        while (v_is_obj(c->kwargs, OK_DICT) && dict_next(V_DICT(c->kwargs), &pos, &k, &v)) {
            if (n++) sb_puts(&sb, ", ");
            sb_printf(&sb, "%s=", v_is_obj(k, OK_STR) ? V_STR(k)->data : "?");
            mp_manager_brief(th, v, &sb, 0);
        }
        sb_putc(&sb, ')');
    }
    mp_manager_text(buf, size, sb.data ? sb.data : "", sb.len);
    sb_free(&sb);
}

/* "-> 1" or "-> raised KeyError('b')", from the server's side. */
static void mp_manager_describe_reply(vm_thread *th, bool ok, value v, char *buf, size_t size) {
    strbuf sb;
    sb_init(&sb);
    sb_puts(&sb, ok ? "-> " : "-> raised ");
    mp_manager_brief(th, v, &sb, 0);
    mp_manager_text(buf, size, sb.data, sb.len);
    sb_free(&sb);
}

/* ------------------------------------------------- the server's side */

/* Natives bound to a referent (as their data) that perform the special
 * methods CPython's server finds with getattr on builtin types. */
static vm_status mp_manager_srv_getitem(vm_thread *th, const vm_args *a, value *out) {
    vm_status st = args_count(th, a, "__getitem__", 1, 1);
    return st != VM_OK ? st : ops_getitem(th, a->self, a->pos[0], out);
}

static vm_status mp_manager_srv_setitem(vm_thread *th, const vm_args *a, value *out) {
    vm_status st = args_count(th, a, "__setitem__", 2, 2);
    *out = v_none();
    return st != VM_OK ? st : ops_setitem(th, a->self, a->pos[0], a->pos[1]);
}

static vm_status mp_manager_srv_delitem(vm_thread *th, const vm_args *a, value *out) {
    vm_status st = args_count(th, a, "__delitem__", 1, 1);
    *out = v_none();
    return st != VM_OK ? st : ops_delitem(th, a->self, a->pos[0]);
}

static vm_status mp_manager_srv_len(vm_thread *th, const vm_args *a, value *out) {
    int64_t n;
    vm_status st = ops_len(th, a->self, &n);
    if (st == VM_OK) *out = v_int(n);
    return st;
}

static vm_status mp_manager_srv_contains(vm_thread *th, const vm_args *a, value *out) {
    vm_status st = args_count(th, a, "__contains__", 1, 1);
    bool r = false;
    if (st == VM_OK) st = ops_contains(th, a->self, a->pos[0], &r);
    *out = v_bool(r);
    return st;
}

static vm_status mp_manager_srv_repr(vm_thread *th, const vm_args *a, value *out) {
    return ops_repr_value(th, a->self, out);
}

/* iter(proxy): the items at once (CPython sends one __next__ per item). */
static vm_status mp_manager_srv_iter(vm_thread *th, const vm_args *a, value *out) {
    list_obj *l;
    vm_status st = ops_to_list(th, a->self, &l);
    if (st == VM_OK) *out = v_obj(l);
    return st;
}

static vm_status mp_manager_srv_binop(vm_thread *th, const vm_args *a, value *out, int op, bool inplace) {
    vm_status st = args_count(th, a, op == AST_OP_ADD ? "__add__" : "__mul__", 1, 1);
    if (st != VM_OK) return st;
    st = ops_binary(th, op, a->self, a->pos[0], inplace, out);
    if (inplace) *out = v_none(); /* the proxy returns itself; don't send the list back */
    return st;
}

static vm_status mp_manager_srv_add(vm_thread *th, const vm_args *a, value *out) {
    return mp_manager_srv_binop(th, a, out, AST_OP_ADD, false);
}

static vm_status mp_manager_srv_mul(vm_thread *th, const vm_args *a, value *out) {
    return mp_manager_srv_binop(th, a, out, AST_OP_MUL, false);
}

static vm_status mp_manager_srv_imul(vm_thread *th, const vm_args *a, value *out) {
    return mp_manager_srv_binop(th, a, out, AST_OP_MUL, true);
}

static vm_status mp_manager_srv_getattribute(vm_thread *th, const vm_args *a, value *out) {
    vm_status st = args_count(th, a, "__getattribute__", 1, 1);
    if (st != VM_OK) return st;
    if (!v_is_obj(a->pos[0], OK_STR)) return vm_raise(th, th->vm->cls.TypeError, "attribute name must be string");
    return ops_getattr(th, a->self, V_STR(a->pos[0]), out);
}

static vm_status mp_manager_srv_setattr(vm_thread *th, const vm_args *a, value *out) {
    vm_status st = args_count(th, a, "__setattr__", 2, 2);
    if (st != VM_OK) return st;
    if (!v_is_obj(a->pos[0], OK_STR)) return vm_raise(th, th->vm->cls.TypeError, "attribute name must be string");
    *out = v_none();
    return ops_setattr(th, a->self, V_STR(a->pos[0]), a->pos[1]);
}

static vm_status mp_manager_srv_delattr(vm_thread *th, const vm_args *a, value *out) {
    vm_status st = args_count(th, a, "__delattr__", 1, 1);
    if (st != VM_OK) return st;
    if (!v_is_obj(a->pos[0], OK_STR)) return vm_raise(th, th->vm->cls.TypeError, "attribute name must be string");
    *out = v_none();
    return ops_delattr(th, a->self, V_STR(a->pos[0]));
}

static vm_status mp_manager_srv_getvalue(vm_thread *th, const vm_args *a, value *out) {
    (void)th;
    *out = a->self;
    return VM_OK;
}

/* A resolution that failed: calling it raises the saved exception. */
static vm_status mp_manager_srv_raise(vm_thread *th, const vm_args *a, value *out) {
    *out = v_none();
    return vm_raise_value(th, a->self);
}

static const native_def mgr_special[] = {
    {"__getitem__", mp_manager_srv_getitem}, {"__setitem__", mp_manager_srv_setitem},
    {"__delitem__", mp_manager_srv_delitem}, {"__len__", mp_manager_srv_len},
    {"__contains__", mp_manager_srv_contains}, {"__repr__", mp_manager_srv_repr},
    {"__iter__", mp_manager_srv_iter}, {"__add__", mp_manager_srv_add}, {"__mul__", mp_manager_srv_mul},
    {"__rmul__", mp_manager_srv_mul}, {"__imul__", mp_manager_srv_imul},
    {"__getattribute__", mp_manager_srv_getattribute}, {"__setattr__", mp_manager_srv_setattr},
    {"__delattr__", mp_manager_srv_delattr}, {"#GETVALUE", mp_manager_srv_getvalue}, {NULL, NULL}};

static value mp_manager_bound(vm *m, const char *name, vm_native_fn fn, value data) {
    native_obj *n = native_new(m, name, fn, false);
    n->data = data;
    return v_obj(n);
}

/* The callable that performs a request in the server (thread sth). */
static vm_status mp_manager_resolve(vm_thread *sth, mgr_rec *mgr, int kind, const mgr_type *type, int target,
                                    const char *method, value *func) {
    vm *m = sth->vm;
    if (kind == MGR_CREATE) {
        dict_obj *d = NULL;
        if (strcmp(type->module, "builtins") == 0) d = m->builtins;
        else d = mp_manager_module(sth, type->module);
        if (d && dict_get_cstr(d, type->factory, func)) return VM_OK;
        return vm_raise(sth, m->cls.RuntimeError, "concviz: the manager cannot make '%s'", type->typeid);
    }
    if (target < 0 || (size_t)target >= mgr->objects->len)
        return vm_raise(sth, m->cls.KeyError, "concviz: no object %d in %s", target, mgr->name);
    value referent = mgr->objects->items[target];
    for (const native_def *d = mgr_special; d->name; d++)
        if (strcmp(d->name, method) == 0) {
            *func = mp_manager_bound(m, d->name, d->fn, referent);
            return VM_OK;
        }
    return ops_getattr(sth, referent, str_from_cstr(m, method), func);
}

/* A proxy of this manager among a creation's arguments stands for its
 * referent (Condition(lock) needs the real lock in the server). */
static void mp_manager_unwrap(mgr_rec *mgr, value args) {
    if (!v_is_obj(args, OK_TUPLE)) return;
    tuple_obj *t = V_TUPLE(args);
    for (size_t i = 0; i < t->len; i++) {
        value v = t->items[i];
        if (!v_is_obj(v, OK_INSTANCE) || V_INST(v)->ntype != &mgr_proxy_type) continue;
        mgr_proxy *px = V_INST(v)->payload;
        if (px && px->mgr == mgr && (size_t)px->id < mgr->objects->len) t->items[i] = mgr->objects->items[px->id];
    }
}

static mgr_link *mp_manager_conn(vm_thread *th, value self) { return simmod_payload(th, self, &mgr_conn_type); }

/* The calling server thread burns ns of CPU holding its GIL; then the call
 * runs again (rewound) and goes on from its link's new phase. */
static vm_status mp_manager_cpu(vm_thread *th, int64_t ns) {
    th->wait.kind = WAIT_CPU;
    th->wait.until_ns = ns;
    th->wait.object = NULL;
    th->wait.rewind = true;
    return VM_BLOCK;
}

/* conn._recv(): the next request as (func, args, kwds), or None when the
 * connection is closed (its client thread ended, or the server stops). */
static vm_status mp_manager_conn_recv(vm_thread *th, const vm_args *a, value *out) {
    mgr_link *l = mp_manager_conn(th, a->self);
    if (!l) return VM_ERR;
    if (vm_sync_point(th)) return VM_BLOCK;
    sim_thread *me = sim_current(th);
    mgr_rec *mgr = l->mgr;
    vm *m = th->vm;
    if (l->phase == MGR_ARRIVED) {
        l->phase = MGR_DECODING;
        mgr->inflight--;
        mp_manager_emit(mgr, me, TRACE_QUEUE_GET, l->what + strlen("proxy call "));
        return mp_manager_cpu(th, MGR_DECODE_CPU_NS);
    }
    if (l->phase == MGR_DECODING) {
        l->phase = MGR_SERVING;
        value req = l->inbox->len ? l->inbox->items[0] : v_none();
        l->inbox->len = 0;
        value args = v_is_obj(req, OK_TUPLE) ? V_TUPLE(req)->items[0] : tuple_pack(m, 0, NULL);
        value kwds = v_is_obj(req, OK_TUPLE) ? V_TUPLE(req)->items[1] : v_none();
        if (!v_is_obj(kwds, OK_DICT)) kwds = v_obj(dict_new(m));
        if (l->kind == MGR_CREATE) mp_manager_unwrap(mgr, args);
        value func;
        if (mp_manager_resolve(th, mgr, l->kind, l->type, l->target, l->method, &func) != VM_OK) {
            func = mp_manager_bound(m, "_raise", mp_manager_srv_raise, th->exc);
            th->exc = v_undef();
        }
        value parts[3] = {func, args, kwds};
        *out = tuple_pack(m, 3, parts);
        return VM_OK;
    }
    if (l->client->state == TS_FINISHED || mgr->stop) {
        *out = v_none();
        return VM_OK;
    }
    /* the client's end also closes the connection: wake up then */
    sim_tlist_push(&l->client->joiners, me);
    return simmod_block(th, TS_BLOCKED, mgr->obj, "conn.recv()", -1, NULL, &l->w_recv, true);
}

static void mp_manager_deliver(sim *s, sim_event *e);

/* conn._reply(ok, result): the result (or exception) goes back to the
 * client's heap now, and reaches the client one hop later. */
static vm_status mp_manager_conn_reply(vm_thread *th, const vm_args *a, value *out) {
    mgr_link *l = mp_manager_conn(th, a->self);
    if (!l) return VM_ERR;
    vm_status st = args_count(th, a, "_reply", 2, 2);
    if (st != VM_OK) return st;
    *out = v_none();
    if (l->phase == MGR_SERVING) {
        /* encoding touches nothing shared: no need to wait for the others */
        l->phase = MGR_ENCODING;
        return mp_manager_cpu(th, MGR_ENCODE_CPU_NS);
    }
    if (l->phase != MGR_ENCODING) return VM_OK;
    if (vm_sync_point(th)) return VM_BLOCK;
    sim_thread *me = sim_current(th);
    mgr_rec *mgr = l->mgr;
    bool ok = a->pos[0].tag == VT_BOOL && a->pos[0].u.i;
    value res = a->pos[1];
    if (l->client->state == TS_FINISHED) {
        l->phase = MGR_IDLE;
        return VM_OK;
    }
    if (ok && l->kind == MGR_CREATE) {
        list_append(mgr->objects, res);
        res = v_int((int64_t)mgr->objects->len - 1);
    }
    if (v_is_obj(res, OK_DICTVIEW)) {
        /* multiprocessing.managers pickles dict views as lists */
        list_obj *lst;
        if (ops_to_list(th, res, &lst) == VM_OK) res = v_obj(lst);
        else th->exc = v_undef();
    }
    mp_manager_describe_reply(th, ok, res, l->reply, sizeof l->reply);
    value copied;
    size_t bytes;
    if (!mp_manager_copy(th, l->client->vt, res, &copied, &bytes)) {
        /* an unpicklable result: the client gets the error instead */
        value err = th->exc;
        th->exc = v_undef();
        ok = false;
        if (!mp_manager_copy(th, l->client->vt, err, &copied, &bytes)) copied = mp_manager_lost_reply(l->client->vt);
        th->exc = v_undef();
        mp_manager_describe_reply(th, false, err, l->reply, sizeof l->reply);
    }
    int64_t flag = !ok ? MGR_ENTRY_ERROR : l->kind == MGR_CREATE ? MGR_ENTRY_CREATED : MGR_ENTRY_VALUE;
    value entry[3] = {v_int(l->sig), v_int(flag), copied};
    list_append(l->log, tuple_pack(l->client->proc->vm, 3, entry));
    l->phase = MGR_REPLIED;
    mgr->inflight++;
    mp_manager_emit(mgr, me, TRACE_QUEUE_PUT, l->reply);
    sim_schedule(mgr->s, vm_now(th) + mp_manager_hop(bytes), mp_manager_deliver, NULL, NULL, l->seq,
                 (int64_t)(intptr_t)l);
    return VM_OK;
}

/* The first request of a client thread opens its connection: a new server
 * thread runs the request loop for it. */
static void mp_manager_start_handler(mgr_rec *mgr, mgr_link *l) {
    sim_proc *sp = mgr->server;
    vm *m = sp->vm;
    char name[64];
    snprintf(name, sizeof name, "Thread-%d (handle_request)", ++sp->thread_counter);
    sim_thread *st = sim_thread_new(sp, name, false);
    st->daemon = true;
    st->internal = true;
    st->started = true;
    value conn = v_obj(instance_new(m, mp_class(m, "_ManagerConnection")));
    V_INST(conn)->ntype = &mgr_conn_type;
    V_INST(conn)->payload = l;
    vm_thread_start_call(st->vt, mgr->serve_fn, tuple_pack(m, 1, &conn));
    l->server = st;
    sim_thread_make_runnable(st);
}

/* A request reaches the server: its thread picks it up. */
static void mp_manager_arrive(sim *s, sim_event *e) {
    (void)s;
    mgr_link *l = (mgr_link *)(intptr_t)e->arg;
    mgr_rec *mgr = l->mgr;
    /* the server serves what reaches it before the shutdown message */
    if (e->gen != l->seq || l->phase != MGR_SENT || mgr->stop || mgr->server->exited) return;
    l->phase = MGR_ARRIVED;
    sim_thread *srv = l->server;
    if (!srv || srv->state == TS_FINISHED) {
        mp_manager_start_handler(mgr, l);
    } else if (srv->state == TS_BLOCKED && srv->wait_data == &l->w_recv) {
        sim_tlist_remove(&l->client->joiners, srv);
        sim_thread_wake(srv, v_none(), false);
    }
}

/* The reply reaches the client: its call runs again and finds it. */
static void mp_manager_deliver(sim *s, sim_event *e) {
    (void)s;
    mgr_link *l = (mgr_link *)(intptr_t)e->arg;
    if (e->gen != l->seq || l->phase != MGR_REPLIED) return;
    l->phase = MGR_DELIVERED;
    l->rerun = true;
    if (l->mgr->server) sim_tlist_remove(&l->mgr->server->joiners, l->client);
    if (l->client->state == TS_BLOCKED && l->client->wait_data == &l->w) sim_thread_wake(l->client, v_none(), false);
}

/* ------------------------------------------------- the client's side */

static class_obj *mp_manager_proxy_class(vm_thread *th, const mgr_type *t) {
    mp_manager_module(th, "multiprocessing");
    return mp_class(th->vm, t->proxy);
}

static value mp_manager_proxy_new(vm_thread *th, mgr_rec *mgr, const mgr_type *t, int id) {
    mgr_proxy *px = xcalloc(1, sizeof *px);
    px->mgr = mgr;
    px->id = id;
    px->type = t;
    sim_own(mgr->s, px, NULL);
    return simmod_instance(th, mp_manager_proxy_class(th, t), &mgr_proxy_type, px);
}

/* An exception to raise in the client for a failed request: the server's
 * exception itself for a method call; for a creation, CPython's server
 * sends its formatted traceback, raised as managers.RemoteError. */
static value mp_manager_client_error(vm_thread *th, int kind, value exc) {
    vm *m = th->vm;
    if (v_is_obj(exc, OK_INSTANCE)) {
        /* raised anew in the client: the server's traceback stays there */
        str_obj *tb = m->names.traceback;
        dict_remove(V_INST(exc)->dict, v_obj(tb), str_hash(tb), NULL);
    }
    if (kind != MGR_CREATE) return exc;
    static const char dashes[] = "---------------------------------------------------------------------------";
    strbuf sb;
    sb_init(&sb);
    sb_printf(&sb, "\n%s\nTraceback (most recent call last):\n  File \"<manager server>\", in create\n%s",
              dashes, ops_type_name(m, exc));
    value text;
    if (ops_str_value(th, exc, &text) == VM_OK && V_STR(text)->len) sb_printf(&sb, ": %s", V_STR(text)->data);
    th->exc = v_undef();
    sb_printf(&sb, "\n%s", dashes);
    class_obj *cls = mp_manager_exc_class(th, "multiprocessing", "RemoteError", m->cls.Exception);
    value err = vm_exc_new(th, cls, sb.data);
    sb_free(&sb);
    return err;
}

/* A reply from the log becomes the call's result (or exception). */
static vm_status mp_manager_entry(vm_thread *th, mgr_link *l, const mgr_call *c, value entry, value *out) {
    tuple_obj *t = V_TUPLE(entry);
    if (t->items[1].u.i == MGR_ENTRY_ERROR) return vm_raise_value(th, mp_manager_client_error(th, c->kind, t->items[2]));
    if (t->items[1].u.i == MGR_ENTRY_CREATED) {
        /* the proxy is made once: a later run of the instruction gets the same one */
        t->items[2] = mp_manager_proxy_new(th, l->mgr, c->type, t->items[2].tag == VT_INT ? (int)t->items[2].u.i : -1);
        t->items[1] = v_int(MGR_ENTRY_VALUE);
    }
    *out = t->items[2];
    return VM_OK;
}

/* Identifies a request within an instruction (FNV-1a of what it does). */
static int64_t mp_manager_sig(const mgr_call *c, const char *what) {
    uint64_t h = 1469598103934665603ULL;
    char head[64];
    snprintf(head, sizeof head, "%d/%d/%s/", c->kind, c->target, c->method);
    for (const char *p = head; *p; p++) h = (h ^ (unsigned char)*p) * 1099511628211ULL;
    for (const char *p = what; *p; p++) h = (h ^ (unsigned char)*p) * 1099511628211ULL;
    return (int64_t)(h >> 1);
}

static vm_status mp_manager_broken_pipe(vm_thread *th) {
    return vm_raise(th, th->vm->cls.BrokenPipeError, "[Errno 32] Broken pipe");
}

/* Operations a nested (non-blocking) call may run at once in the server. */
static bool mp_manager_inline_ok(const mgr_call *c) {
    if (c->kind == MGR_CREATE || !(c->type->flags & MGR_MAY_BLOCK)) return true;
    static const char *const safe[] = {"__repr__", "__getattribute__", "#GETVALUE", "qsize", "empty", "full",
                                       "is_set", NULL};
    for (int i = 0; safe[i]; i++)
        if (strcmp(c->method, safe[i]) == 0) return true;
    return false;
}

/* Appends a reply to the client's log: the current run of its instruction
 * has used it (a later run finds it there). */
static void mp_manager_log(mgr_link *l, int64_t sig, int64_t flag, value v) {
    value entry[3] = {v_int(sig), v_int(flag), v};
    list_append(l->log, tuple_pack(l->client->proc->vm, 3, entry));
    l->cursor = (int)l->log->len;
}

/* A request made from a nested native call (d[k], len(d), str(d)...),
 * which cannot block: it runs now on the referent, and the round trip is
 * charged to the caller's clock. */
static vm_status mp_manager_inline(vm_thread *th, mgr_rec *mgr, mgr_link *l, const mgr_call *c, const char *what,
                                   int64_t sig, value *out) {
    vm *m = th->vm;
    if (!mp_manager_inline_ok(c))
        return vm_raise(th, m->cls.RuntimeError,
                        "concviz cannot block inside a call made by the interpreter itself "
                        "(for example in __repr__, __str__ or a sort key)");
    sim_thread *me = sim_current(th);
    vm_thread *sth = mgr->server->main->vt;
    if (m->must_sync) m->must_sync(th); /* moves the frontier up to us when nobody is behind */
    /* the connection's server thread exists (and is named in the events),
       though the operation does not wait for it to run */
    if (!l->server || l->server->state == TS_FINISHED) mp_manager_start_handler(mgr, l);
    sim_thread *teller = l->server;
    char reply[MGR_TEXT];
    value req[2] = {c->args, c->kwargs.tag == VT_UNDEF ? v_none() : c->kwargs}, sreq;
    size_t req_bytes, rep_bytes;
    if (!mp_manager_copy(th, sth, tuple_pack(m, 2, req), &sreq, &req_bytes)) return VM_ERR;
    mgr->inflight++;
    mp_manager_emit(mgr, me, TRACE_QUEUE_PUT, what);
    mgr->inflight--;
    mp_manager_emit(mgr, teller, TRACE_QUEUE_GET, what);
    value args = V_TUPLE(sreq)->items[0], kwds = V_TUPLE(sreq)->items[1];
    if (c->kind == MGR_CREATE) mp_manager_unwrap(mgr, args);
    value func, res;
    bool ok = mp_manager_resolve(sth, mgr, c->kind, c->type, c->target, c->method, &func) == VM_OK;
    if (ok) {
        str_obj *kwnames[16];
        value kwvals[16];
        int nkw = 0;
        size_t pos = 0;
        value k, v;
        while (v_is_obj(kwds, OK_DICT) && nkw < 16 && dict_next(V_DICT(kwds), &pos, &k, &v))
            if (v_is_obj(k, OK_STR)) {
                kwnames[nkw] = V_STR(k);
                kwvals[nkw++] = v;
            }
        tuple_obj *t = V_TUPLE(args);
        ok = vm_call_kw(sth, func, t->items, (int)t->len, kwnames, kwvals, nkw, &res) == VM_OK;
    }
    if (!ok) {
        res = sth->exc;
        sth->exc = v_undef();
    } else if (c->kind == MGR_CREATE) {
        list_append(mgr->objects, res);
        res = v_int((int64_t)mgr->objects->len - 1);
    } else if (v_is_obj(res, OK_DICTVIEW)) {
        list_obj *lst;
        if (ops_to_list(sth, res, &lst) == VM_OK) res = v_obj(lst);
        else sth->exc = v_undef();
    }
    mp_manager_describe_reply(sth, ok, res, reply, sizeof reply);
    mgr->inflight++;
    mp_manager_emit(mgr, teller, TRACE_QUEUE_PUT, reply);
    value back;
    if (!mp_manager_copy(sth, th, res, &back, &rep_bytes)) {
        back = sth->exc;
        sth->exc = v_undef();
        size_t ignored;
        if (!mp_manager_copy(sth, th, back, &back, &ignored)) back = mp_manager_lost_reply(th);
        sth->exc = v_undef();
        ok = false;
    }
    mgr->inflight--;
    mp_manager_emit(mgr, me, TRACE_QUEUE_GET, reply);
    vm_set_now(th, vm_now(th) + mp_manager_hop(req_bytes) + MGR_DECODE_CPU_NS + MGR_ENCODE_CPU_NS +
                       mp_manager_hop(rep_bytes));
    mp_manager_log(l, sig, !ok ? MGR_ENTRY_ERROR : c->kind == MGR_CREATE ? MGR_ENTRY_CREATED : MGR_ENTRY_VALUE, back);
    return mp_manager_entry(th, l, c, l->log->items[l->log->len - 1], out);
}

/* A proxy call. The reply comes back to a rewound call, so one instruction
 * may run several times before it completes; each of its runs replays the
 * replies its earlier runs got (the connection's log, in order), and only
 * a call past the end of the log sends a request. The log belongs to one
 * instruction: a run that starts without a reply having woken the thread
 * (its tick count moved on) starts a new log. */
static vm_status mp_manager_request(vm_thread *th, mgr_rec *mgr, const mgr_call *c, value *out) {
    sim_thread *me = sim_current(th);
    vm *m = th->vm;
    char what[MGR_TEXT];
    mp_manager_describe_request(th, mgr, c, what, sizeof what);
    int64_t sig = mp_manager_sig(c, what);
    mgr_link *l = NULL;
    for (int i = 0; i < mgr->nlinks && !l; i++)
        if (mgr->links[i]->client == me) l = mgr->links[i];
    if (l) {
        if (l->phase >= MGR_SENT && l->phase <= MGR_ENCODING) {
            /* woken without a reply: the server went away */
            if (l->phase == MGR_SENT) mgr->inflight--;
            l->phase = MGR_IDLE;
            l->seq++;
            l->log->len = 0;
            l->cursor = 0;
            return vm_raise_value(th, vm_exc_new(th, m->cls.EOFError, NULL));
        }
        if (l->phase == MGR_REPLIED || l->phase == MGR_DELIVERED) {
            /* the reply is here (or the server's exit woke us just before) */
            l->phase = MGR_IDLE;
            l->rerun = true;
            mgr->inflight--;
            mp_manager_emit(mgr, me, TRACE_QUEUE_GET, l->reply);
        }
        if (l->rerun) {
            l->rerun = false;
            l->cursor = 0;
        } else if (th->ticks != l->pass_ticks) {
            l->log->len = 0;
            l->cursor = 0;
        }
        l->pass_ticks = th->ticks;
        if ((size_t)l->cursor < l->log->len) {
            value e = l->log->items[l->cursor];
            if (V_TUPLE(e)->items[0].u.i == sig) {
                l->cursor++;
                return mp_manager_entry(th, l, c, e, out);
            }
            l->log->len = (size_t)l->cursor; /* another instruction's: forget it */
        }
    }
    if (mp_manager_closed(mgr)) return mp_manager_broken_pipe(th);
    bool can_block = mp_manager_can_block(th);
    if (!l || l->cursor == 0) {
        /* a run's first request waits for the others to catch up */
        if (can_block && vm_sync_point(th)) return VM_BLOCK;
        if (mp_manager_closed(mgr)) return mp_manager_broken_pipe(th);
    }
    if (!l) {
        l = mp_manager_link(mgr, me);
        l->pass_ticks = th->ticks;
    }
    if (!can_block) return mp_manager_inline(th, mgr, l, c, what, sig, out);
    value req[2] = {c->args, c->kwargs.tag == VT_UNDEF ? v_none() : c->kwargs}, sreq;
    size_t bytes;
    if (!mp_manager_copy(th, mgr->server->main->vt, tuple_pack(m, 2, req), &sreq, &bytes)) return VM_ERR;
    l->inbox->len = 0;
    list_append(l->inbox, sreq);
    l->kind = c->kind;
    l->type = c->type;
    l->target = c->target;
    l->method = c->method;
    l->sig = sig;
    l->phase = MGR_SENT;
    l->seq++;
    snprintf(l->what, sizeof l->what, "proxy call %s", what);
    snprintf(l->label, sizeof l->label, "the reply to %s", what);
    mgr->inflight++;
    mp_manager_emit(mgr, me, TRACE_QUEUE_PUT, what);
    sim_schedule(mgr->s, vm_now(th) + mp_manager_hop(bytes), mp_manager_arrive, NULL, NULL, l->seq,
                 (int64_t)(intptr_t)l);
    /* if the server dies meanwhile, its exit wakes us */
    sim_tlist_push(&mgr->server->joiners, me);
    return simmod_block(th, TS_BLOCKED, mgr->obj, l->what, -1, NULL, &l->w, true);
}

/* A method call on a proxy: method(*args, **kwargs) in the server. */
static vm_status mp_manager_forward(vm_thread *th, const vm_args *a, const char *method, value *out) {
    mgr_proxy *px = simmod_payload(th, a->self, &mgr_proxy_type);
    if (!px) return VM_ERR;
    vm *m = th->vm;
    mgr_call c = {MGR_CALL, px->type, px->id, method, tuple_pack(m, (size_t)a->npos, a->pos), v_undef(), a->self};
    if (a->nkw) {
        dict_obj *kw = dict_new(m);
        for (int i = 0; i < a->nkw; i++) dict_set_str(kw, a->kwnames[i], a->kwvals[i]);
        c.kwargs = v_obj(kw);
    }
    return mp_manager_request(th, px->mgr, &c, out);
}

/* The proxies' methods, one native each (the wire name is what the server
 * calls): X(C name, method name). */
#define MGR_WIRE_METHODS(X)                                                                                 \
    X(contains, "__contains__") X(delitem, "__delitem__") X(getitem, "__getitem__") X(setitem, "__setitem__") \
    X(len, "__len__") X(add, "__add__") X(mul, "__mul__") X(rmul, "__rmul__")             \
    X(getvalue, "#GETVALUE") X(clear, "clear") X(copy, "copy") X(get, "get")               \
    X(items, "items") X(keys, "keys") X(pop, "pop") X(popitem, "popitem") X(setdefault, "setdefault")         \
    X(update, "update") X(values, "values") X(append, "append") X(count, "count") X(extend, "extend")         \
    X(index, "index") X(insert, "insert") X(remove, "remove") X(reverse, "reverse") X(sort, "sort")           \
    X(acquire, "acquire") X(release, "release") X(notify, "notify") X(notify_all, "notify_all")              \
    X(is_set, "is_set") X(set, "set") X(wait, "wait") X(abort, "abort") X(reset, "reset") X(put, "put")       \
    X(put_nowait, "put_nowait") X(get_nowait, "get_nowait") X(qsize, "qsize") X(empty, "empty")              \
    X(full, "full") X(task_done, "task_done") X(join, "join")

#define MGR_WIRE_FN(cname, wire)                                                       \
    static vm_status mp_manager_m_##cname(vm_thread *th, const vm_args *a, value *out) { \
        return mp_manager_forward(th, a, wire, out);                                   \
    }
MGR_WIRE_METHODS(MGR_WIRE_FN)
#undef MGR_WIRE_FN

/* __enter__ acquires, __exit__ releases (their arguments stay here). */
static vm_status mp_manager_m_enter(vm_thread *th, const vm_args *a, value *out) {
    vm_args none = {a->self, NULL, 0, NULL, NULL, 0};
    return mp_manager_forward(th, &none, "acquire", out);
}

static vm_status mp_manager_m_exit(vm_thread *th, const vm_args *a, value *out) {
    vm_args none = {a->self, NULL, 0, NULL, NULL, 0};
    return mp_manager_forward(th, &none, "release", out);
}

/* str(proxy) is the referent's repr; if that fails (the server is gone),
 * CPython falls back on the proxy's repr. */
static vm_status mp_manager_m_str(vm_thread *th, const vm_args *a, value *out) {
    vm_status st = mp_manager_forward(th, a, "__repr__", out);
    if (st != VM_ERR || !vm_exc_matches(th->vm, th->exc, th->vm->cls.Exception)) return st;
    th->exc = v_undef();
    strbuf sb;
    sb_init(&sb);
    mp_manager_proxy_repr(th, a->self, &sb);
    sb.len--; /* the closing '>' */
    sb_puts(&sb, "; '__str__()' failed>");
    *out = str_take_sb(th->vm, &sb);
    return VM_OK;
}

/* iter(proxy): the server sends the items at once (CPython sends them one
 * __next__ at a time); they are iterated here. */
static vm_status mp_manager_m_iter(vm_thread *th, const vm_args *a, value *out) {
    value items;
    vm_status st = mp_manager_forward(th, a, "__iter__", &items);
    if (st != VM_OK) return st;
    return ops_iter(th, items, out);
}

/* l += x extends the list in the server and stays the same proxy. */
static vm_status mp_manager_m_iadd(vm_thread *th, const vm_args *a, value *out) {
    vm_status st = mp_manager_forward(th, a, "extend", out);
    if (st == VM_OK) *out = a->self;
    return st;
}

static vm_status mp_manager_m_imul(vm_thread *th, const vm_args *a, value *out) {
    vm_status st = mp_manager_forward(th, a, "__imul__", out);
    if (st == VM_OK) *out = a->self;
    return st;
}

/* _callmethod(methodname, args=(), kwds={}) */
static vm_status mp_manager_m_callmethod(vm_thread *th, const vm_args *a, value *out) {
    static const char *const kw[] = {"methodname", "args", "kwds", NULL};
    vm_status st = args_count_kw(th, a, "_callmethod", 1, 3, kw);
    if (st != VM_OK) return st;
    mgr_proxy *px = simmod_payload(th, a->self, &mgr_proxy_type);
    if (!px) return VM_ERR;
    value name = args_get(a, 0, "methodname"), args = args_get(a, 1, "args"), kwds = args_get(a, 2, "kwds");
    if (!v_is_obj(name, OK_STR)) return vm_raise(th, th->vm->cls.TypeError, "method name must be a string");
    /* the wire name must outlive the request: keep one of the known names */
    const char *method = NULL;
#define MGR_WIRE_NAME(cname, wire) \
    if (!method && str_eq_cstr(V_STR(name), wire)) method = wire;
    MGR_WIRE_METHODS(MGR_WIRE_NAME)
#undef MGR_WIRE_NAME
    if (!method) return vm_raise(th, th->vm->cls.AttributeError, "method '%s' is not exposed by concviz's proxies",
                                 V_STR(name)->data);
    if (args.tag == VT_UNDEF) args = tuple_pack(th->vm, 0, NULL);
    if (!v_is_obj(args, OK_TUPLE)) {
        list_obj *l;
        if ((st = ops_to_list(th, args, &l)) != VM_OK) return st;
        args = tuple_pack(th->vm, l->len, l->items);
    }
    mgr_call c = {MGR_CALL, px->type, px->id, method, args, v_is_obj(kwds, OK_DICT) ? kwds : v_undef(), a->self};
    return mp_manager_request(th, px->mgr, &c, out);
}

static vm_status mp_manager_proxy_repr(vm_thread *th, value self, strbuf *out) {
    (void)th;
    mgr_proxy *px = V_INST(self)->payload;
    if (!px) {
        sb_printf(out, "<%s object at 0x%llx>", V_INST(self)->cls->name->data, mp_manager_address(self));
        return VM_OK;
    }
    sb_printf(out, "<%s object, typeid '%s' at 0x%llx>", px->type->proxy, px->type->typeid, mp_manager_address(self));
    return VM_OK;
}

/* Attributes that live in the referent: a Namespace's public names, a
 * Value's 'value', a Barrier's parties/n_waiting/broken. */
static const char *mp_manager_remote_attr(const mgr_proxy *px, const str_obj *name, bool set) {
    int f = px->type->flags;
    if ((f & MGR_HOOK_NAMESPACE) && name->data[0] != '_') return set ? "__setattr__" : "__getattribute__";
    if ((f & MGR_HOOK_VALUE) && str_eq_cstr(name, "value")) return set ? "set" : "get";
    if ((f & MGR_HOOK_BARRIER) && !set &&
        (str_eq_cstr(name, "parties") || str_eq_cstr(name, "n_waiting") || str_eq_cstr(name, "broken")))
        return "__getattribute__";
    return NULL;
}

static vm_status mp_manager_proxy_getattr(vm_thread *th, value self, str_obj *name, value *out, bool *found) {
    mgr_proxy *px = V_INST(self)->payload;
    const char *method = px ? mp_manager_remote_attr(px, name, false) : NULL;
    *found = method != NULL;
    if (!method) return VM_OK;
    bool by_name = strcmp(method, "__getattribute__") == 0;
    value namev = v_obj(name);
    mgr_call c = {MGR_CALL, px->type, px->id, method, tuple_pack(th->vm, by_name ? 1 : 0, &namev), v_undef(), self};
    return mp_manager_request(th, px->mgr, &c, out);
}

static vm_status mp_manager_proxy_setattr(vm_thread *th, value self, str_obj *name, value v, bool *handled) {
    mgr_proxy *px = V_INST(self)->payload;
    const char *method = px ? mp_manager_remote_attr(px, name, true) : NULL;
    *handled = method != NULL;
    if (!method) return VM_OK;
    value args[2] = {v_obj(name), v};
    bool by_name = strcmp(method, "__setattr__") == 0;
    mgr_call c = {MGR_CALL, px->type, px->id, method, tuple_pack(th->vm, by_name ? 2 : 1, by_name ? args : args + 1),
                  v_undef(), self};
    value ignored;
    return mp_manager_request(th, px->mgr, &c, &ignored);
}

static const native_def base_proxy_methods[] = {
    {"__str__", mp_manager_m_str}, {"_getvalue", mp_manager_m_getvalue}, {"_callmethod", mp_manager_m_callmethod},
    {NULL, NULL}};
static const native_def dict_proxy_methods[] = {
    {"__contains__", mp_manager_m_contains}, {"__delitem__", mp_manager_m_delitem}, {"__getitem__", mp_manager_m_getitem},
    {"__iter__", mp_manager_m_iter}, {"__len__", mp_manager_m_len}, {"__setitem__", mp_manager_m_setitem},
    {"clear", mp_manager_m_clear}, {"copy", mp_manager_m_copy}, {"get", mp_manager_m_get}, {"items", mp_manager_m_items},
    {"keys", mp_manager_m_keys}, {"pop", mp_manager_m_pop}, {"popitem", mp_manager_m_popitem},
    {"setdefault", mp_manager_m_setdefault}, {"update", mp_manager_m_update}, {"values", mp_manager_m_values},
    {NULL, NULL}};
static const native_def list_proxy_methods[] = {
    {"__add__", mp_manager_m_add}, {"__contains__", mp_manager_m_contains}, {"__delitem__", mp_manager_m_delitem},
    {"__getitem__", mp_manager_m_getitem}, {"__len__", mp_manager_m_len}, {"__mul__", mp_manager_m_mul},
    {"__rmul__", mp_manager_m_rmul}, {"__setitem__", mp_manager_m_setitem}, {"__iter__", mp_manager_m_iter},
    {"__iadd__", mp_manager_m_iadd}, {"__imul__", mp_manager_m_imul}, {"append", mp_manager_m_append},
    {"count", mp_manager_m_count}, {"extend", mp_manager_m_extend}, {"index", mp_manager_m_index},
    {"insert", mp_manager_m_insert}, {"pop", mp_manager_m_pop}, {"remove", mp_manager_m_remove},
    {"reverse", mp_manager_m_reverse}, {"sort", mp_manager_m_sort}, {NULL, NULL}};
static const native_def acquirer_proxy_methods[] = {
    {"acquire", mp_manager_m_acquire}, {"release", mp_manager_m_release}, {"__enter__", mp_manager_m_enter},
    {"__exit__", mp_manager_m_exit}, {NULL, NULL}};
static const native_def condition_proxy_methods[] = {
    {"wait", mp_manager_m_wait}, {"notify", mp_manager_m_notify}, {"notify_all", mp_manager_m_notify_all},
    {NULL, NULL}};
static const native_def event_proxy_methods[] = {
    {"is_set", mp_manager_m_is_set}, {"set", mp_manager_m_set}, {"clear", mp_manager_m_clear},
    {"wait", mp_manager_m_wait}, {NULL, NULL}};
static const native_def barrier_proxy_methods[] = {
    {"wait", mp_manager_m_wait}, {"abort", mp_manager_m_abort}, {"reset", mp_manager_m_reset}, {NULL, NULL}};
static const native_def queue_proxy_methods[] = {
    {"empty", mp_manager_m_empty}, {"full", mp_manager_m_full}, {"get", mp_manager_m_get},
    {"get_nowait", mp_manager_m_get_nowait}, {"join", mp_manager_m_join}, {"put", mp_manager_m_put},
    {"put_nowait", mp_manager_m_put_nowait}, {"qsize", mp_manager_m_qsize}, {"task_done", mp_manager_m_task_done},
    {NULL, NULL}};
static const native_def value_proxy_methods[] = {{"get", mp_manager_m_get}, {"set", mp_manager_m_set}, {NULL, NULL}};
static const native_def array_proxy_methods[] = {
    {"__len__", mp_manager_m_len}, {"__getitem__", mp_manager_m_getitem}, {"__setitem__", mp_manager_m_setitem},
    {"__iter__", mp_manager_m_iter}, {NULL, NULL}};

/* The proxy classes: name, its base among them (or the base proxy), methods. */
typedef struct mgr_proxy_class {
    const char *name;
    const char *base;
    const native_def *methods;
} mgr_proxy_class;

static const mgr_proxy_class mgr_proxy_classes[] = {
    {"DictProxy", NULL, dict_proxy_methods},
    {"ListProxy", NULL, list_proxy_methods},
    {"NamespaceProxy", NULL, NULL},
    {"AcquirerProxy", NULL, acquirer_proxy_methods},
    {"ConditionProxy", "AcquirerProxy", condition_proxy_methods},
    {"EventProxy", NULL, event_proxy_methods},
    {"BarrierProxy", NULL, barrier_proxy_methods},
    {"AutoProxy[Queue]", NULL, queue_proxy_methods},
    {"ValueProxy", NULL, value_proxy_methods},
    {"ArrayProxy", NULL, array_proxy_methods},
};

/* ------------------------------------------------- the server process */

static void mp_manager_ready(sim *s, sim_event *e);

/* The server process's target: set up, tell the starter, then wait in
 * serve_forever() until the shutdown message arrives (returning ends the
 * process with exit code 0). */
static vm_status mp_manager_run_server(vm_thread *th, const vm_args *a, value *out) {
    vm_status st = args_count(th, a, "_run_server", 1, 1);
    if (st != VM_OK) return st;
    mgr_rec *mgr = simmod_payload(th, a->pos[0], &mgr_manager_type);
    if (!mgr) return VM_ERR;
    if (vm_sync_point(th)) return VM_BLOCK;
    sim_thread *me = sim_current(th);
    vm *m = th->vm;
    *out = v_none();
    if (mgr->stop) {
        mgr->inflight--;
        mp_manager_emit(mgr, me, TRACE_QUEUE_GET, "shutdown()");
        return VM_OK;
    }
    if (!mgr->objects) {
        mgr->server = me->proc;
        mp_manager_module(th, "multiprocessing");
        mgr->objects = list_new(m, 8);
        sim_proc_add_root(me->proc, v_obj(mgr->objects));
        const code_obj *co = lang_program_function(mgr->prog, "_serve");
        if (!co) return vm_raise(th, m->cls.RuntimeError, "concviz: the manager's request loop is missing");
        mgr->serve_fn = vm_function_from_code(m, co, dict_new(m));
        sim_proc_add_root(me->proc, mgr->serve_fn);
        ++me->proc->thread_counter; /* CPython's 'Thread-N (accepter)' takes a number */
        sim_schedule(mgr->s, vm_now(th) + mp_manager_hop(64), mp_manager_ready, NULL, NULL, 0, (int64_t)(intptr_t)mgr);
    }
    return simmod_block(th, TS_BLOCKED, mgr->obj, "serve_forever()", -1, NULL, &mgr->w_serve, true);
}

/* The server's address reaches Manager(): it returns the manager. */
static void mp_manager_ready(sim *s, sim_event *e) {
    (void)s;
    mgr_rec *mgr = (mgr_rec *)(intptr_t)e->arg;
    if (mgr->state == MGR_STARTING) mgr->state = MGR_STARTED;
    sim_thread *st = mgr->starter;
    mgr->starter = NULL;
    if (st && st->state == TS_BLOCKED && st->wait_data == &mgr->w) sim_thread_wake(st, mgr->manager, false);
}

/* The shutdown message reaches the server's main thread. */
static void mp_manager_stop_arrive(sim *s, sim_event *e) {
    (void)s;
    mgr_rec *mgr = (mgr_rec *)(intptr_t)e->arg;
    mgr->stop = true;
    sim_thread *mt = mgr->server->main;
    if (!mgr->server->exited && mt->state == TS_BLOCKED && mt->wait_data == &mgr->w_serve)
        sim_thread_wake(mt, v_none(), false);
}

/* ------------------------------------------------- the SyncManager */

static mgr_rec *mp_manager_payload(vm_thread *th, value self) { return simmod_payload(th, self, &mgr_manager_type); }

static vm_status mp_manager_repr(vm_thread *th, value self, strbuf *out) {
    (void)th;
    sb_printf(out, "<multiprocessing.managers.SyncManager object at 0x%llx>", mp_manager_address(self));
    return VM_OK;
}

/* multiprocessing.Manager(): starts the server and returns once it is up. */
static vm_status mp_manager_new(vm_thread *th, const vm_args *a, value *out) {
    vm_status st = args_count(th, a, "Manager", 0, 0);
    if (st != VM_OK) return st;
    vm *m = th->vm;
    *out = v_none(); /* the manager comes with the wake-up, once the server is up */
    if (!mp_manager_can_block(th))
        return vm_raise(th, m->cls.RuntimeError,
                        "concviz cannot block inside a call made by the interpreter itself "
                        "(for example in __repr__, __str__ or a sort key)");
    if (vm_sync_point(th)) return VM_BLOCK;
    sim_thread *me = sim_current(th);
    sim *s = me->s;
    int method = mp_context_method(a->self); /* ctx.Manager() */
    if (method < 0) {
        /* like get_context(): the start method is fixed from now on */
        method = s->start_method_set ? s->start_method : (int)s->cfg.start_method;
        s->start_method_set = true;
        s->start_method = method;
    }
    static const char *const procs[] = {"ForkProcess", "SpawnProcess", "ForkServerProcess"};

    mgr_rec *mgr = xcalloc(1, sizeof *mgr);
    mgr->w.describe = mp_manager_describe_server;
    mgr->w_serve.describe = mp_manager_describe_idle;
    mgr->s = s;
    mgr->owner = me->proc;
    mgr->serve_fn = v_undef();
    sim_own(s, mgr, mp_manager_free);
    lang_origin origin = {"<concviz manager>", 1, 0};
    lang_error err;
    mgr->prog = lang_compile(serve_source, sizeof serve_source - 1, &origin, &err);
    if (!mgr->prog) return vm_raise(th, m->cls.RuntimeError, "concviz: %s", err.msg);
    lang_program_mark_internal(mgr->prog);
    value self = simmod_instance(th, mp_class(m, "SyncManager"), &mgr_manager_type, mgr);
    mgr->manager = self;
    sim_proc_add_root(me->proc, self);

    /* CPython: Process(target=_run_server, ...), renamed SyncManager-<ident> */
    str_obj *kwnames[2] = {str_from_cstr(m, "target"), str_from_cstr(m, "args")};
    value kwvals[2] = {v_obj(native_new(m, "_run_server", mp_manager_run_server, false)), tuple_pack(m, 1, &self)};
    value proc;
    if ((st = vm_call_kw(th, v_obj(mp_class(m, procs[method])), NULL, 0, kwnames, kwvals, 2, &proc)) != VM_OK)
        return st;
    sim_proc *p = me->proc;
    snprintf(mgr->name, sizeof mgr->name, "SyncManager-%s%s%d", p->identity, p->identity[0] ? ":" : "",
             p->child_counter);
    if ((st = ops_setattr(th, proc, str_from_cstr(m, "name"), v_obj(str_from_cstr(m, mgr->name)))) != VM_OK) return st;
    dict_set_cstr(m, V_INST(self)->dict, "_process", proc);
    value start;
    if ((st = ops_getattr(th, proc, str_from_cstr(m, "start"), &start)) != VM_OK) return st;
    value ignored;
    if ((st = vm_call(th, start, NULL, 0, &ignored)) != VM_OK) return st;
    for (int i = 0; i < s->nprocs; i++)
        if (s->procs[i]->parent_obj.tag == VT_OBJ && s->procs[i]->parent_obj.u.o == proc.u.o) mgr->server = s->procs[i];
    if (!mgr->server) return vm_raise(th, m->cls.RuntimeError, "concviz: the manager's server did not start");
    /* daemon for the machine only: at exit it is stopped, not waited for */
    mgr->server->daemon = true;
    mgr->obj = sim_new_object(s, me, TO_MANAGER, mgr->server->pid, mgr->name);
    mgr->starter = me;
    return simmod_block(th, TS_BLOCKED, mgr->obj, "Manager() starting its server", -1, NULL, &mgr->w, false);
}

/* Makes a shared object of type t in the server and returns its proxy. */
static vm_status mp_manager_create(vm_thread *th, const vm_args *a, value *out, const char *typeid) {
    mgr_rec *mgr = mp_manager_payload(th, a->self);
    if (!mgr) return VM_ERR;
    const mgr_type *t = NULL;
    for (size_t i = 0; i < sizeof mgr_types / sizeof mgr_types[0]; i++)
        if (strcmp(mgr_types[i].typeid, typeid) == 0) t = &mgr_types[i];
    if (mgr->state != MGR_STARTED) return vm_raise(th, th->vm->cls.AssertionError, "server not yet started");
    vm *m = th->vm;
    mgr_call c = {MGR_CREATE, t, -1, typeid, tuple_pack(m, (size_t)a->npos, a->pos), v_undef(), a->self};
    if (a->nkw) {
        dict_obj *kw = dict_new(m);
        for (int i = 0; i < a->nkw; i++) dict_set_str(kw, a->kwnames[i], a->kwvals[i]);
        c.kwargs = v_obj(kw);
    }
    return mp_manager_request(th, mgr, &c, out);
}

#define MGR_CREATORS(X)                                                                                         \
    X(dict, "dict") X(list, "list") X(Namespace, "Namespace") X(Lock, "Lock") X(RLock, "RLock")                \
    X(Semaphore, "Semaphore") X(BoundedSemaphore, "BoundedSemaphore") X(Condition, "Condition") X(Event, "Event") \
    X(Barrier, "Barrier") X(Queue, "Queue") X(JoinableQueue, "JoinableQueue") X(Value, "Value") X(Array, "Array")

#define MGR_CREATOR_FN(cname, typeid)                                                       \
    static vm_status mp_manager_new_##cname(vm_thread *th, const vm_args *a, value *out) { \
        return mp_manager_create(th, a, out, typeid);                                       \
    }
MGR_CREATORS(MGR_CREATOR_FN)
#undef MGR_CREATOR_FN

static class_obj *mp_manager_process_error(vm_thread *th) {
    return mp_manager_exc_class(th, "multiprocessing", "ProcessError", th->vm->cls.Exception);
}

/* start(): Manager() has started the server already. */
static vm_status mp_manager_start(vm_thread *th, const vm_args *a, value *out) {
    mgr_rec *mgr = mp_manager_payload(th, a->self);
    if (!mgr) return VM_ERR;
    (void)out;
    if (mgr->state == MGR_SHUTDOWN) return vm_raise(th, mp_manager_process_error(th), "Manager has shut down");
    return vm_raise(th, mp_manager_process_error(th), "Already started server");
}

/* shutdown(): the server's main thread returns and the process exits 0;
 * the caller waits for that, as CPython joins the server process. */
static vm_status mp_manager_shutdown(vm_thread *th, const vm_args *a, value *out) {
    mgr_rec *mgr = mp_manager_payload(th, a->self);
    if (!mgr) return VM_ERR;
    *out = v_none();
    if (mgr->state != MGR_STARTED) return VM_OK;
    if (mgr->server->exited) {
        mgr->state = MGR_SHUTDOWN;
        return VM_OK;
    }
    if (!mp_manager_can_block(th)) {
        /* cannot wait here: the server stops at once */
        mgr->state = MGR_SHUTDOWN;
        sim_proc_exit(mgr->server, 0);
        return VM_OK;
    }
    if (vm_sync_point(th)) return VM_BLOCK;
    sim_thread *me = sim_current(th);
    mgr->state = MGR_SHUTDOWN;
    mgr->inflight++;
    mp_manager_emit(mgr, me, TRACE_QUEUE_PUT, "shutdown()");
    sim_schedule(mgr->s, vm_now(th) + mp_manager_hop(16), mp_manager_stop_arrive, NULL, NULL, 0, (int64_t)(intptr_t)mgr);
    sim_tlist_push(&mgr->server->joiners, me);
    return simmod_block(th, TS_BLOCKED, mgr->obj, "SyncManager.shutdown()", -1, NULL, &mgr->w, false);
}

static vm_status mp_manager_enter(vm_thread *th, const vm_args *a, value *out) {
    mgr_rec *mgr = mp_manager_payload(th, a->self);
    if (!mgr) return VM_ERR;
    if (mgr->state != MGR_STARTED) return vm_raise(th, mp_manager_process_error(th), "Manager has shut down");
    *out = a->self;
    return VM_OK;
}

static vm_status mp_manager_exit(vm_thread *th, const vm_args *a, value *out) {
    vm_args none = {a->self, NULL, 0, NULL, NULL, 0};
    return mp_manager_shutdown(th, &none, out);
}

static vm_status mp_manager_get_address(vm_thread *th, const vm_args *a, value *out) {
    mgr_rec *mgr = mp_manager_payload(th, a->self);
    if (!mgr) return VM_ERR;
    char buf[96];
    snprintf(buf, sizeof buf, "/tmp/pymp-concviz%d/listener-%d", mgr->obj, mgr->server ? mgr->server->pid : 0);
    *out = v_obj(str_from_cstr(th->vm, buf));
    return VM_OK;
}

#define MGR_CREATOR_DEF(cname, typeid) {typeid, mp_manager_new_##cname},
static const native_def manager_methods[] = {
    MGR_CREATORS(MGR_CREATOR_DEF)
    {"start", mp_manager_start}, {"shutdown", mp_manager_shutdown}, {"__enter__", mp_manager_enter},
    {"__exit__", mp_manager_exit}, {NULL, NULL}};
#undef MGR_CREATOR_DEF
static const simmod_prop manager_props[] = {{"address", mp_manager_get_address, NULL}, {NULL, NULL, NULL}};

/* ------------------------------------------- the server's own referents */

/* managers.Namespace(**kwds): attributes, shown sorted. */
static vm_status mp_manager_ns_init(vm_thread *th, const vm_args *a, value *out) {
    if (a->npos)
        return vm_raise(th, th->vm->cls.TypeError, "Namespace.__init__() takes 1 positional argument but %d were given",
                        a->npos + 1);
    for (int i = 0; i < a->nkw; i++) dict_set_str(V_INST(a->self)->dict, a->kwnames[i], a->kwvals[i]);
    *out = v_none();
    return VM_OK;
}

static int mp_manager_cmp_str(const void *x, const void *y) {
    const str_obj *a = *(str_obj *const *)x, *b = *(str_obj *const *)y;
    size_t n = a->len < b->len ? a->len : b->len;
    int r = memcmp(a->data, b->data, n);
    return r ? r : (a->len > b->len) - (a->len < b->len);
}

static vm_status mp_manager_ns_repr(vm_thread *th, const vm_args *a, value *out) {
    vm *m = th->vm;
    dict_obj *d = V_INST(a->self)->dict;
    list_obj *parts = list_new(m, d->count);
    size_t pos = 0;
    value k, v;
    while (dict_next(d, &pos, &k, &v)) {
        if (!v_is_obj(k, OK_STR) || V_STR(k)->data[0] == '_') continue;
        strbuf sb;
        sb_init(&sb);
        sb_printf(&sb, "%s=", V_STR(k)->data);
        vm_status st = ops_repr(th, v, &sb);
        if (st != VM_OK) {
            sb_free(&sb);
            return st;
        }
        list_append(parts, str_take_sb(m, &sb));
    }
    str_obj **names = xreallocarray(NULL, parts->len ? parts->len : 1, sizeof(str_obj *));
    for (size_t i = 0; i < parts->len; i++) names[i] = V_STR(parts->items[i]);
    qsort(names, parts->len, sizeof(str_obj *), mp_manager_cmp_str);
    strbuf sb;
    sb_init(&sb);
    sb_puts(&sb, "Namespace(");
    for (size_t i = 0; i < parts->len; i++) {
        if (i) sb_puts(&sb, ", ");
        sb_append(&sb, names[i]->data, names[i]->len);
    }
    sb_putc(&sb, ')');
    free(names);
    *out = str_take_sb(m, &sb);
    return VM_OK;
}

static const native_def namespace_methods[] = {{"__init__", mp_manager_ns_init}, {"__repr__", mp_manager_ns_repr},
                                               {NULL, NULL}};

/* managers.Value(typecode, value, lock=True): a plain holder. */
static vm_status mp_manager_value_init(vm_thread *th, const vm_args *a, value *out) {
    static const char *const kw[] = {"typecode", "value", "lock", NULL};
    vm_status st = args_count_kw(th, a, "Value", 2, 3, kw);
    if (st != VM_OK) return st;
    value tc = args_get(a, 0, "typecode"), v = args_get(a, 1, "value");
    if (tc.tag == VT_UNDEF || v.tag == VT_UNDEF)
        return vm_raise(th, th->vm->cls.TypeError, "Value() missing required arguments: 'typecode' and 'value'");
    dict_set_cstr(th->vm, V_INST(a->self)->dict, "_typecode", tc);
    dict_set_cstr(th->vm, V_INST(a->self)->dict, "_value", v);
    *out = v_none();
    return VM_OK;
}

static vm_status mp_manager_value_get(vm_thread *th, const vm_args *a, value *out) {
    (void)th;
    if (!dict_get_cstr(V_INST(a->self)->dict, "_value", out)) *out = v_none();
    return VM_OK;
}

static vm_status mp_manager_value_set(vm_thread *th, const vm_args *a, value *out) {
    vm_status st = args_count(th, a, "set", 1, 1);
    if (st != VM_OK) return st;
    dict_set_cstr(th->vm, V_INST(a->self)->dict, "_value", a->pos[0]);
    *out = v_none();
    return VM_OK;
}

static vm_status mp_manager_value_repr(vm_thread *th, const vm_args *a, value *out) {
    value tc = v_none(), v = v_none();
    dict_get_cstr(V_INST(a->self)->dict, "_typecode", &tc);
    dict_get_cstr(V_INST(a->self)->dict, "_value", &v);
    strbuf sb;
    sb_init(&sb);
    sb_puts(&sb, "Value(");
    vm_status st = ops_repr(th, tc, &sb);
    sb_puts(&sb, ", ");
    if (st == VM_OK) st = ops_repr(th, v, &sb);
    sb_putc(&sb, ')');
    if (st != VM_OK) {
        sb_free(&sb);
        return st;
    }
    *out = str_take_sb(th->vm, &sb);
    return VM_OK;
}

static const native_def value_methods[] = {
    {"__init__", mp_manager_value_init}, {"get", mp_manager_value_get}, {"set", mp_manager_value_set},
    {"__repr__", mp_manager_value_repr}, {NULL, NULL}};

/* array.array(typecode, sequence): the referent of manager.Array(). Items
 * are checked as array does (ints for integer codes, numbers for f and d);
 * ranges of the C types are not. */
static vm_status mp_manager_array_item(vm_thread *th, char code, value v, value *out) {
    vm *m = th->vm;
    if (code == 'f' || code == 'd') {
        if (v.tag == VT_FLOAT) *out = v;
        else if (v.tag == VT_INT || v.tag == VT_BOOL) *out = v_float((double)v.u.i);
        else return vm_raise(th, m->cls.TypeError, "must be real number, not %s", ops_type_name(m, v));
        return VM_OK;
    }
    if (code == 'u') {
        if (!v_is_obj(v, OK_STR) || V_STR(v)->nchars != 1)
            return vm_raise(th, m->cls.TypeError, "array item must be unicode character");
        *out = v;
        return VM_OK;
    }
    if (v.tag == VT_INT || v.tag == VT_BOOL) {
        *out = v_int(v.u.i);
        return VM_OK;
    }
    if (v.tag == VT_FLOAT)
        return vm_raise(th, m->cls.TypeError, "'float' object cannot be interpreted as an integer");
    return vm_raise(th, m->cls.TypeError, "an integer is required (got type %s)", ops_type_name(m, v));
}

static list_obj *mp_manager_array_items(value self) {
    value l;
    if (dict_get_cstr(V_INST(self)->dict, "_items", &l) && v_is_obj(l, OK_LIST)) return V_LIST(l);
    return NULL;
}

static char mp_manager_array_code(value self) {
    value tc;
    if (dict_get_cstr(V_INST(self)->dict, "typecode", &tc) && v_is_obj(tc, OK_STR)) return V_STR(tc)->data[0];
    return 'i';
}

static vm_status mp_manager_array_init(vm_thread *th, const vm_args *a, value *out) {
    static const char *const kw[] = {"typecode", "sequence", "lock", NULL};
    vm *m = th->vm;
    vm_status st = args_count_kw(th, a, "array", 1, 3, kw);
    if (st != VM_OK) return st;
    value tc = args_get(a, 0, "typecode"), seq = args_get(a, 1, "sequence");
    if (!v_is_obj(tc, OK_STR) || V_STR(tc)->nchars != 1)
        return vm_raise(th, m->cls.TypeError, "array() argument 1 must be a unicode character, not %s",
                        ops_type_name(m, tc));
    if (!strchr("bBuhHiIlLqQfd", V_STR(tc)->data[0]))
        return vm_raise(th, m->cls.ValueError, "bad typecode (must be b, B, u, h, H, i, I, l, L, q, Q, f or d)");
    list_obj *items = list_new(m, 4);
    if (seq.tag != VT_UNDEF) {
        list_obj *src;
        if ((st = ops_to_list(th, seq, &src)) != VM_OK) return st;
        for (size_t i = 0; i < src->len; i++) {
            value v;
            if ((st = mp_manager_array_item(th, V_STR(tc)->data[0], src->items[i], &v)) != VM_OK) return st;
            list_append(items, v);
        }
    }
    dict_set_cstr(m, V_INST(a->self)->dict, "typecode", tc);
    dict_set_cstr(m, V_INST(a->self)->dict, "_items", v_obj(items));
    *out = v_none();
    return VM_OK;
}

static vm_status mp_manager_array_len(vm_thread *th, const vm_args *a, value *out) {
    list_obj *l = mp_manager_array_items(a->self);
    (void)th;
    *out = v_int(l ? (int64_t)l->len : 0);
    return VM_OK;
}

static vm_status mp_manager_array_getitem(vm_thread *th, const vm_args *a, value *out) {
    vm_status st = args_count(th, a, "__getitem__", 1, 1);
    if (st != VM_OK) return st;
    list_obj *l = mp_manager_array_items(a->self);
    if (!l) return vm_raise(th, th->vm->cls.ValueError, "array is not initialised");
    if (v_is_obj(a->pos[0], OK_SLICE)) {
        value part;
        if ((st = ops_getitem(th, v_obj(l), a->pos[0], &part)) != VM_OK) return st;
        value inst = v_obj(instance_new(th->vm, V_INST(a->self)->cls)), tc = v_none();
        dict_get_cstr(V_INST(a->self)->dict, "typecode", &tc);
        dict_set_cstr(th->vm, V_INST(inst)->dict, "typecode", tc);
        dict_set_cstr(th->vm, V_INST(inst)->dict, "_items", part);
        *out = inst;
        return VM_OK;
    }
    int64_t i;
    if ((st = ops_as_index(th, a->pos[0], &i, "array indices")) != VM_OK) return st;
    size_t k;
    if (!ops_index(i, l->len, &k)) return vm_raise(th, th->vm->cls.IndexError, "array index out of range");
    *out = l->items[k];
    return VM_OK;
}

static vm_status mp_manager_array_setitem(vm_thread *th, const vm_args *a, value *out) {
    vm_status st = args_count(th, a, "__setitem__", 2, 2);
    if (st != VM_OK) return st;
    list_obj *l = mp_manager_array_items(a->self);
    if (!l) return vm_raise(th, th->vm->cls.ValueError, "array is not initialised");
    *out = v_none();
    int64_t i;
    if ((st = ops_as_index(th, a->pos[0], &i, "array indices")) != VM_OK) return st;
    size_t k;
    if (!ops_index(i, l->len, &k)) return vm_raise(th, th->vm->cls.IndexError, "array assignment index out of range");
    value v;
    if ((st = mp_manager_array_item(th, mp_manager_array_code(a->self), a->pos[1], &v)) != VM_OK) return st;
    l->items[k] = v;
    return VM_OK;
}

static vm_status mp_manager_array_iter(vm_thread *th, const vm_args *a, value *out) {
    list_obj *l = mp_manager_array_items(a->self);
    return ops_iter(th, l ? v_obj(l) : v_obj(list_new(th->vm, 0)), out);
}

static vm_status mp_manager_array_repr(vm_thread *th, const vm_args *a, value *out) {
    list_obj *l = mp_manager_array_items(a->self);
    strbuf sb;
    sb_init(&sb);
    sb_printf(&sb, "array('%c'", mp_manager_array_code(a->self));
    vm_status st = VM_OK;
    if (l && l->len) {
        sb_puts(&sb, ", ");
        st = ops_repr(th, v_obj(l), &sb);
    }
    sb_putc(&sb, ')');
    if (st != VM_OK) {
        sb_free(&sb);
        return st;
    }
    *out = str_take_sb(th->vm, &sb);
    return VM_OK;
}

static const native_def array_methods[] = {
    {"__init__", mp_manager_array_init}, {"__len__", mp_manager_array_len}, {"__getitem__", mp_manager_array_getitem},
    {"__setitem__", mp_manager_array_setitem}, {"__iter__", mp_manager_array_iter}, {"__repr__", mp_manager_array_repr},
    {NULL, NULL}};

static const native_def conn_methods[] = {{"_recv", mp_manager_conn_recv}, {"_reply", mp_manager_conn_reply},
                                          {NULL, NULL}};

/* ------------------------------------------------------- registration */

void mp_register_manager(vm *m, dict_obj *d) {
    static const native_def functions[] = {{"Manager", mp_manager_new}, {NULL, NULL}};
    native_register(m, d, functions, false);
    mp_define(m, d, "SyncManager", NULL, manager_methods, manager_props);
    class_obj *base = simmod_class(m, NULL, "multiprocessing", "BaseProxy", NULL, base_proxy_methods, NULL);
    for (size_t i = 0; i < sizeof mgr_proxy_classes / sizeof mgr_proxy_classes[0]; i++) {
        const mgr_proxy_class *pc = &mgr_proxy_classes[i];
        class_obj *b = pc->base ? mp_class(m, pc->base) : base;
        mp_define(m, d, pc->name, b, pc->methods, NULL);
    }
    mp_define(m, d, "Namespace", NULL, namespace_methods, NULL);
    mp_define(m, d, "_ManagerValue", NULL, value_methods, NULL);
    mp_define(m, d, "_ManagerArray", NULL, array_methods, NULL);
    mp_define(m, d, "_ManagerConnection", NULL, conn_methods, NULL);
    simmod_exception(m, d, "multiprocessing", "RemoteError", m->cls.Exception);
}
