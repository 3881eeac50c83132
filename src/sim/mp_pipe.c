/* mp_pipe.c - multiprocessing.Pipe and its Connection objects (FACTS.md
 * section 6).
 *
 * A pipe is a payload owned by the machine with one FIFO channel per
 * direction: Pipe() gives ends 0 and 1 and two channels, Pipe(False) gives
 * (reader = end 0, writer = end 1) and the one channel end 1 writes. A
 * message waits in its channel as a pickled value in the machine's holding
 * heap; recv() unpickles it into the receiver's heap.
 *
 * Every Connection object is one file descriptor: its payload is a handle
 * of one end in one process. A fork copies each Connection the child can
 * reach, and the copy is a new handle (the native_type's clone hook), open
 * or closed as the original was; nothing is closed for the program, as in
 * CPython. A reader sees EOF once its channel is empty and no handle of the
 * other end is open in a live process, so the parent's own unclosed copy
 * of the child's end keeps the pipe open (FACTS.md: "the parent had to
 * close() it"). A process that exits closes its handles: a reader blocked
 * on a pipe whose last writer lives in another process waits in that
 * process's joiners list too, so the exit wakes it to look again.
 *
 * Trace: each direction is its own object (OBJ_NEW TO_PIPE, value 1 for a
 * duplex pipe, label "pipe#ID (0->1)" or "(1->0)", numbering the ends in the
 * order Pipe() returns them). send() is a QUEUE_PUT and recv() a QUEUE_GET
 * on the channel with the item's repr (cut at 200 characters) and the
 * number of messages queued or on their way, as for multiprocessing.Queue.
 *
 * Cost: sim_pickle_cost_ns of the message (about 2 us for a small one). The
 * sender spends the first half pickling and writing, and the message can be
 * read (poll() sees it) only then; recv() spends the other half reading and
 * unpickling. A spawn or forkserver child's copies of its Connections are
 * reserved as of start() (see mp_pipe_reserve). A Connection that becomes
 * garbage stays open (CPython closes it when the last reference goes).
 * Channels are unbounded: a send never blocks. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lang/obj.h"
#include "lang/xalloc.h"
#include "sim/mp_parts.h"
#include "sim/sim_copy.h"

enum { MP_PIPE_REPR_MAX = 200 }; /* longest item repr put in the trace */

typedef struct mp_pipe mp_pipe;

/* The messages one end reads, and the threads waiting in recv()/poll(). */
typedef struct mp_pipe_chan {
    sim_waitable w;      /* first: a blocked reader's wait_data (deadlock report) */
    mp_pipe *pipe;
    int obj;             /* trace object id, -1 if the direction does not exist */
    char label[48];
    value *items;        /* readable messages: held (value, size) pairs, a ring [head, head + n) */
    size_t n, cap, head;
    int64_t in_flight;   /* sent, still being pickled and written */
    sim_tlist readers;
} mp_pipe_chan;

typedef struct mp_pipe_handle mp_pipe_handle;
struct mp_pipe_handle {
    mp_pipe *pipe;
    int end;             /* 0 or 1 */
    sim_proc *proc;      /* the process holding it; NULL while in transit (pickled) */
    bool closed;
    /* a spawned child's copy of that handle, reserved before the child has
       made it (see mp_pipe_reserve); NULL once the copy is made */
    const mp_pipe_handle *reserved_for;
};

struct mp_pipe {
    sim *s;
    bool duplex;
    mp_pipe_chan chan[2];        /* chan[k]: what end k reads */
    mp_pipe_handle **handles;    /* every handle, in every process (not owned) */
    size_t nhandles, handles_cap;
    sim_proc **reserved;         /* spawned children already searched for this pipe's handles */
    size_t nreserved, reserved_cap;
};

static void mp_pipe_free(void *p) {
    mp_pipe *pipe = p;
    for (int k = 0; k < 2; k++) {
        free(pipe->chan[k].items);
        sim_tlist_free(&pipe->chan[k].readers);
    }
    free(pipe->handles);
    free(pipe->reserved);
}

static vm_status mp_pipe_repr(vm_thread *th, value self, strbuf *out);
static void *mp_pipe_clone(void *payload, void *copy_ctx);
static const native_type mp_pipe_type = {.name = "Connection", .repr = mp_pipe_repr, .clone = mp_pipe_clone};

static void mp_pipe_describe(void *self, sim_holder_info *out) {
    mp_pipe_chan *c = self;
    out->label = c->label;
    out->nholders = 0;
}

/* A new handle of end in process proc, registered with the pipe. */
static mp_pipe_handle *mp_pipe_handle_new(mp_pipe *pipe, int end, sim_proc *proc, bool closed) {
    mp_pipe_handle *h = xcalloc(1, sizeof *h);
    h->pipe = pipe;
    h->end = end;
    h->proc = proc;
    h->closed = closed;
    sim_own(pipe->s, h, NULL);
    if (pipe->nhandles == pipe->handles_cap) {
        pipe->handles_cap = pipe->handles_cap ? pipe->handles_cap * 2 : 8;
        pipe->handles = xreallocarray(pipe->handles, pipe->handles_cap, sizeof *pipe->handles);
    }
    pipe->handles[pipe->nhandles++] = h;
    return h;
}

/* fork/pickling: the copied Connection is another descriptor of the same
 * end (the one reserved for it, if a spawned child makes it). */
static void *mp_pipe_clone(void *payload, void *copy_ctx) {
    mp_pipe_handle *h = payload;
    sim_copy_ctx *c = copy_ctx;
    sim_proc *dst = c->dst->owner;
    mp_pipe *pipe = h->pipe;
    for (size_t i = 0; dst && i < pipe->nhandles; i++) {
        mp_pipe_handle *r = pipe->handles[i];
        if (r->reserved_for == h && r->proc == dst) {
            r->reserved_for = NULL;
            return r;
        }
    }
    return mp_pipe_handle_new(pipe, h->end, dst, h->closed);
}

/* A search of a spawned child's Process object for this pipe's handles;
 * seen is an open-addressing set of the containers visited. */
typedef struct mp_pipe_search {
    mp_pipe *pipe;
    sim_proc *child;
    const obj **seen;
    size_t nseen, cap;   /* cap: a power of two, or 0 */
} mp_pipe_search;

/* Adds o to the set; false if it was there already. */
static bool mp_pipe_search_visit(mp_pipe_search *ps, const obj *o) {
    if ((ps->nseen + 1) * 2 > ps->cap) {
        const obj **old = ps->seen;
        size_t ocap = ps->cap;
        ps->cap = ocap ? ocap * 2 : 64;
        ps->seen = xcalloc(ps->cap, sizeof *ps->seen);
        ps->nseen = 0;
        for (size_t i = 0; i < ocap; i++)
            if (old[i]) mp_pipe_search_visit(ps, old[i]);
        free(old);
    }
    size_t i = (size_t)(((uintptr_t)o >> 4) * 11400714819323198485ULL >> 20) & (ps->cap - 1);
    for (; ps->seen[i]; i = (i + 1) & (ps->cap - 1))
        if (ps->seen[i] == o) return false;
    ps->seen[i] = o;
    ps->nseen++;
    return true;
}

/* Reserves the child's copy of every Connection of the pipe that v reaches
 * the way pickling does: containers, instances' dicts, bound methods' self
 * (functions and classes travel by name, without their contents). */
static void mp_pipe_search_value(mp_pipe_search *ps, value v, int depth) {
    if (v.tag != VT_OBJ || depth > 500) return; /* sim_copy gives up there too */
    const obj *o = v.u.o;
    switch ((obj_kind)o->kind) {
    case OK_LIST: case OK_TUPLE: case OK_DICT: case OK_INSTANCE: case OK_BOUND: case OK_CELL:
        if (!mp_pipe_search_visit(ps, o)) return;
        break;
    default: return; /* nothing inside that pickling would carry */
    }
    switch ((obj_kind)o->kind) {
    case OK_LIST:
        for (size_t i = 0; i < V_LIST(v)->len; i++) mp_pipe_search_value(ps, V_LIST(v)->items[i], depth + 1);
        break;
    case OK_TUPLE:
        for (size_t i = 0; i < V_TUPLE(v)->len; i++) mp_pipe_search_value(ps, V_TUPLE(v)->items[i], depth + 1);
        break;
    case OK_DICT: {
        dict_obj *d = V_DICT(v);
        for (size_t i = 0; i < d->nentries; i++) {
            if (d->entries[i].key.tag == VT_UNDEF) continue;
            mp_pipe_search_value(ps, d->entries[i].key, depth + 1);
            mp_pipe_search_value(ps, d->entries[i].val, depth + 1);
        }
        break;
    }
    case OK_INSTANCE: {
        instance_obj *in = V_INST(v);
        if (in->ntype == &mp_pipe_type && in->payload && ((mp_pipe_handle *)in->payload)->pipe == ps->pipe) {
            mp_pipe_handle *h = in->payload;
            mp_pipe_handle_new(ps->pipe, h->end, ps->child, h->closed)->reserved_for = h;
        }
        if (in->dict) mp_pipe_search_value(ps, v_obj(in->dict), depth + 1);
        break;
    }
    case OK_BOUND: mp_pipe_search_value(ps, ((bound_obj *)o)->self, depth + 1); break;
    case OK_CELL: mp_pipe_search_value(ps, ((cell_obj *)o)->v, depth + 1); break;
    default: break;
    }
}

/* A spawn or forkserver child copies its Process object once it has
 * imported the main module, but CPython pickles it, duplicating its
 * descriptors, in start(). So before anything that depends on which handles
 * are open, every such pending child gets its copies of this pipe's handles
 * reserved, as they are: only close() changes a handle, and it reserves
 * first, so "as they are" is "as they were at start()". */
static void mp_pipe_reserve(mp_pipe *pipe) {
    sim *s = pipe->s;
    for (int i = 0; i < s->nprocs; i++) {
        sim_proc *child = s->procs[i];
        if (!child->spawn_pending || child->exited || child->spawn_source.tag != VT_OBJ) continue;
        bool done = false;
        for (size_t k = 0; k < pipe->nreserved; k++)
            if (pipe->reserved[k] == child) done = true;
        if (done) continue;
        if (pipe->nreserved == pipe->reserved_cap) {
            pipe->reserved_cap = pipe->reserved_cap ? pipe->reserved_cap * 2 : 4;
            pipe->reserved = xreallocarray(pipe->reserved, pipe->reserved_cap, sizeof *pipe->reserved);
        }
        pipe->reserved[pipe->nreserved++] = child;
        mp_pipe_search ps = {pipe, child, NULL, 0, 0};
        mp_pipe_search_value(&ps, child->spawn_source, 0);
        free(ps.seen);
    }
}

/* Is some handle of end open in a live process? */
static bool mp_pipe_end_open(const mp_pipe *pipe, int end) {
    for (size_t i = 0; i < pipe->nhandles; i++) {
        const mp_pipe_handle *h = pipe->handles[i];
        if (h->end == end && !h->closed && h->proc && !h->proc->exited) return true;
    }
    return false;
}

/* A live process other than me that holds an open handle of end, if every
 * such handle is elsewhere (then only an exit there can end the wait). */
static sim_proc *mp_pipe_foreign_holder(const mp_pipe *pipe, int end, const sim_proc *me) {
    sim_proc *found = NULL;
    for (size_t i = 0; i < pipe->nhandles; i++) {
        const mp_pipe_handle *h = pipe->handles[i];
        if (h->end != end || h->closed || !h->proc || h->proc->exited) continue;
        if (h->proc == me) return NULL;
        if (!found) found = h->proc;
    }
    return found;
}

/* EOF for the reader of chan: nothing queued or on its way, no writer left. */
static bool mp_pipe_at_eof(const mp_pipe_chan *c, int end) {
    return c->n == 0 && c->in_flight == 0 && !mp_pipe_end_open(c->pipe, 1 - end);
}

/* Takes st out of every wait list it may be in for chan. */
static void mp_pipe_unwait(mp_pipe_chan *c, sim_thread *st) {
    sim_tlist_remove(&c->readers, st);
    sim *s = c->pipe->s;
    for (int i = 0; i < s->nprocs; i++) sim_tlist_remove(&s->procs[i]->joiners, st);
}

/* Wakes every thread still blocked on chan: each one's recv() or poll()
 * runs again and sees the new state (a message, or EOF). */
static void mp_pipe_wake_readers(mp_pipe_chan *c) {
    while (c->readers.n > 0) {
        sim_thread *w = sim_tlist_pop(&c->readers);
        if (w->state != TS_BLOCKED || w->wait_data != c) continue; /* woken already (an exit, a timeout) */
        mp_pipe_unwait(c, w);
        sim_thread_wake(w, v_none(), false);
    }
}

static void mp_pipe_retry_clear(sim_thread *st) {
    st->retry_obj = 0;
    st->retry_deadline = -1;
    st->timed_out = false;
}

static void mp_pipe_timeout(sim_thread *st) {
    mp_pipe_chan *c = st->wait_data;
    mp_pipe_unwait(c, st);
    st->timed_out = true;
    sim_thread_wake(st, v_none(), false);
}

/* Blocks the caller on chan (the call runs again when woken). */
static vm_status mp_pipe_block(vm_thread *th, mp_pipe_chan *c, int end, const char *what, int64_t deadline) {
    sim_thread *me = sim_current(th);
    sim_tlist_push(&c->readers, me);
    sim_proc *holder = mp_pipe_foreign_holder(c->pipe, 1 - end, me->proc);
    if (holder) sim_tlist_push(&holder->joiners, me);
    me->retry_obj = c->obj;
    me->retry_deadline = deadline;
    return simmod_block(th, TS_BLOCKED, c->obj, what, deadline, mp_pipe_timeout, c, true);
}

/* A QUEUE_PUT/QUEUE_GET on the channel; len counts the messages queued or
 * on their way, as multiprocessing.Queue's events do. */
static void mp_pipe_trace(sim_thread *st, mp_pipe_chan *c, trace_kind kind, value item, int64_t len) {
    strbuf sb;
    sb_init(&sb);
    if (ops_repr(st->vt, item, &sb) != VM_OK) {
        st->vt->exc = v_undef();
        sb_clear(&sb);
        sb_puts(&sb, "<item>");
    }
    if (sb.len > MP_PIPE_REPR_MAX) {
        sb.len = MP_PIPE_REPR_MAX - 3;
        sb_puts(&sb, "...");
    }
    sim_emit(st->s, kind, st->proc->pid, st->tid, c->obj, (int)len, 0, sb.data, sb.len);
    sb_free(&sb);
}

/* ------------------------------------------------------------ Connection */

static vm_status mp_pipe_repr(vm_thread *th, value self, strbuf *out) {
    (void)th;
    unsigned long long addr = (unsigned long long)obj_address(self.u.o);
    sb_printf(out, "<multiprocessing.connection.Connection object at 0x%llx>", addr);
    return VM_OK;
}

static bool mp_pipe_readable(const mp_pipe_handle *h) { return h->pipe->duplex || h->end == 0; }
static bool mp_pipe_writable(const mp_pipe_handle *h) { return h->pipe->duplex || h->end == 1; }

/* The handle of self, after _check_closed() (and _check_readable() or
 * _check_writable() when asked), with CPython's messages. */
static mp_pipe_handle *mp_pipe_check(vm_thread *th, value self, int need) {
    mp_pipe_handle *h = simmod_payload(th, self, &mp_pipe_type);
    if (!h) return NULL;
    vm *m = th->vm;
    if (h->closed) {
        vm_raise(th, m->cls.OSError, "handle is closed");
        return NULL;
    }
    if (need == 'r' && !mp_pipe_readable(h)) {
        vm_raise(th, m->cls.OSError, "connection is write-only");
        return NULL;
    }
    if (need == 'w' && !mp_pipe_writable(h)) {
        vm_raise(th, m->cls.OSError, "connection is read-only");
        return NULL;
    }
    return h;
}

/* A recv()/poll() that fails its checks after waiting (another thread closed
 * the handle meanwhile) must not leave the wait's retry state behind. */
static void mp_pipe_forget(vm_thread *th, value self) {
    sim_thread *me = sim_current(th);
    if (!me || !v_is_obj(self, OK_INSTANCE) || V_INST(self)->ntype != &mp_pipe_type) return;
    mp_pipe_handle *h = V_INST(self)->payload;
    mp_pipe_chan *c = &h->pipe->chan[h->end];
    if (c->obj < 0 || me->retry_obj != c->obj) return;
    mp_pipe_unwait(c, me);
    mp_pipe_retry_clear(me);
}

static vm_status mp_pipe_broken(vm_thread *th) {
    vm *m = th->vm;
    value e = vm_exc_new(th, m->cls.BrokenPipeError, "[Errno 32] Broken pipe");
    dict_set_cstr(m, V_INST(e)->dict, "errno", v_int(32));
    dict_set_cstr(m, V_INST(e)->dict, "strerror", str_value(m, "Broken pipe", 11));
    return vm_raise_value(th, e);
}

/* A message has been written: it joins its channel (the box, a (held,
 * size) tuple of the holding heap, rode on the event) and wakes the readers. */
static void mp_pipe_arrives(sim *s, sim_event *e) {
    (void)s;
    mp_pipe_chan *c = (mp_pipe_chan *)(intptr_t)e->arg;
    value box = v_obj((obj *)(uintptr_t)e->gen);
    if (c->n == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 8;
        value *items = xreallocarray(NULL, cap, sizeof(value));
        for (size_t i = 0; i < c->n; i++) items[i] = c->items[(c->head + i) % c->cap];
        free(c->items);
        c->items = items;
        c->cap = cap;
        c->head = 0;
    }
    c->items[(c->head + c->n) % c->cap] = box;
    c->n++;
    c->in_flight--;
    mp_pipe_wake_readers(c);
}

/* send(obj) */
static vm_status mp_pipe_send(vm_thread *th, const vm_args *a, value *out) {
    vm *m = th->vm;
    vm_status st = args_count_kw(th, a, "_ConnectionBase.send", 0, 1, (const char *const[]){"obj", NULL});
    if (st != VM_OK) {
        if (a->npos > 1)
            return vm_raise(th, m->cls.TypeError, "_ConnectionBase.send() takes 2 positional arguments but %d were given",
                            a->npos + 1);
        return st;
    }
    value item = args_get(a, 0, "obj");
    if (item.tag == VT_UNDEF)
        return vm_raise(th, m->cls.TypeError, "_ConnectionBase.send() missing 1 required positional argument: 'obj'");
    mp_pipe_handle *h = mp_pipe_check(th, a->self, 'w');
    if (!h) return VM_ERR;
    if (vm_sync_point(th)) return VM_BLOCK;
    sim_thread *me = sim_current(th);
    mp_pipe *pipe = h->pipe;
    mp_pipe_reserve(pipe);
    value held;
    size_t size;
    if (!sim_pickle(pipe->s, th, item, &held, &size)) return VM_ERR;
    if (!mp_pipe_end_open(pipe, 1 - h->end)) return mp_pipe_broken(th);
    mp_pipe_chan *c = &pipe->chan[1 - h->end];
    c->in_flight++;
    mp_pipe_trace(me, c, TRACE_QUEUE_PUT, item, (int64_t)c->n + c->in_flight);
    /* pickling and writing take the sender's time; the message is readable
       once written. (A sender's next message is written after this one, so
       per-sender order holds; equal times keep the scheduling order.) */
    int64_t cost = sim_pickle_cost_ns(size) / 2;
    vm_set_now(th, vm_now(th) + cost);
    value pair[2] = {held, v_int((int64_t)size)};
    value box = tuple_pack(sim_holding_thread(pipe->s)->vm, 2, pair);
    sim_schedule(pipe->s, vm_now(th), mp_pipe_arrives, NULL, NULL, (uint64_t)(uintptr_t)box.u.o, (int64_t)(intptr_t)c);
    *out = v_none();
    return VM_OK;
}

/* recv(): the next message, or EOFError once no writer is left. */
static vm_status mp_pipe_recv(vm_thread *th, const vm_args *a, value *out) {
    vm *m = th->vm;
    if (a->npos > 0 || a->nkw > 0) {
        if (a->nkw > 0)
            return vm_raise(th, m->cls.TypeError, "_ConnectionBase.recv() got an unexpected keyword argument '%s'",
                            a->kwnames[0]->data);
        return vm_raise(th, m->cls.TypeError, "_ConnectionBase.recv() takes 1 positional argument but %d were given",
                        a->npos + 1);
    }
    mp_pipe_handle *h = mp_pipe_check(th, a->self, 'r');
    if (!h) {
        mp_pipe_forget(th, a->self);
        return VM_ERR;
    }
    if (vm_sync_point(th)) return VM_BLOCK;
    sim_thread *me = sim_current(th);
    mp_pipe *pipe = h->pipe;
    mp_pipe_reserve(pipe);
    mp_pipe_chan *c = &pipe->chan[h->end];
    if (me->retry_obj == c->obj) mp_pipe_unwait(c, me);
    if (c->n > 0) {
        mp_pipe_retry_clear(me);
        value box = c->items[c->head];
        c->head = (c->head + 1) % c->cap;
        c->n--;
        if (!sim_unpickle(pipe->s, th, V_TUPLE(box)->items[0], out)) return VM_ERR;
        mp_pipe_trace(me, c, TRACE_QUEUE_GET, *out, (int64_t)c->n + c->in_flight);
        /* reading and unpickling: the other half of the pickling cost */
        size_t size = (size_t)V_TUPLE(box)->items[1].u.i;
        vm_set_now(th, vm_now(th) + sim_pickle_cost_ns(size) - sim_pickle_cost_ns(size) / 2);
        return VM_OK;
    }
    if (mp_pipe_at_eof(c, h->end)) {
        mp_pipe_retry_clear(me);
        return vm_raise_value(th, vm_exc_new(th, m->cls.EOFError, NULL));
    }
    return mp_pipe_block(th, c, h->end, "Connection.recv()", -1);
}

/* poll(timeout=0.0): is a message (or EOF) there, waiting up to timeout
 * seconds; None waits for ever. */
static vm_status mp_pipe_poll(vm_thread *th, const vm_args *a, value *out) {
    vm *m = th->vm;
    vm_status st = args_count_kw(th, a, "_ConnectionBase.poll", 0, 1, (const char *const[]){"timeout", NULL});
    if (st != VM_OK) {
        if (a->npos > 1)
            return vm_raise(th, m->cls.TypeError,
                            "_ConnectionBase.poll() takes from 1 to 2 positional arguments but %d were given",
                            a->npos + 1);
        return st;
    }
    mp_pipe_handle *h = mp_pipe_check(th, a->self, 'r');
    if (!h) {
        mp_pipe_forget(th, a->self);
        return VM_ERR;
    }
    value tv = args_get(a, 0, "timeout");
    double secs = 0.0;
    bool forever = tv.tag == VT_NONE;
    if (tv.tag == VT_FLOAT) secs = tv.u.f;
    else if (tv.tag == VT_INT || tv.tag == VT_BOOL) secs = (double)tv.u.i;
    else if (tv.tag != VT_UNDEF && !forever)
        /* CPython computes monotonic() + timeout */
        return vm_raise(th, m->cls.TypeError, "unsupported operand type(s) for +: 'float' and '%s'", ops_type_name(m, tv));
    if (vm_sync_point(th)) return VM_BLOCK;
    sim_thread *me = sim_current(th);
    mp_pipe *pipe = h->pipe;
    mp_pipe_reserve(pipe);
    mp_pipe_chan *c = &pipe->chan[h->end];
    bool retry = me->retry_obj == c->obj;
    if (retry) mp_pipe_unwait(c, me);
    if (c->n > 0 || mp_pipe_at_eof(c, h->end)) {
        mp_pipe_retry_clear(me);
        *out = v_bool(true);
        return VM_OK;
    }
    int64_t deadline = -1;
    if (retry) deadline = me->retry_deadline;
    else if (!forever) deadline = vm_now(th) + (secs > 0 ? (int64_t)(secs * 1e9 + 0.5) : 0);
    if ((retry && me->timed_out) || (deadline >= 0 && deadline <= vm_now(th))) {
        mp_pipe_retry_clear(me);
        *out = v_bool(false);
        return VM_OK;
    }
    return mp_pipe_block(th, c, h->end, "Connection.poll()", deadline);
}

/* close(): this descriptor only; a second close does nothing. */
static vm_status mp_pipe_close(vm_thread *th, const vm_args *a, value *out) {
    mp_pipe_handle *h = simmod_payload(th, a->self, &mp_pipe_type);
    if (!h) return VM_ERR;
    *out = v_none();
    if (h->closed) return VM_OK;
    if (vm_sync_point(th)) return VM_BLOCK;
    mp_pipe_reserve(h->pipe);
    h->closed = true;
    /* the other end's readers may now see EOF */
    mp_pipe_wake_readers(&h->pipe->chan[1 - h->end]);
    return VM_OK;
}

static vm_status mp_pipe_enter(vm_thread *th, const vm_args *a, value *out) {
    if (!simmod_payload(th, a->self, &mp_pipe_type)) return VM_ERR;
    *out = a->self;
    return VM_OK;
}

static vm_status mp_pipe_prop(vm_thread *th, const vm_args *a, value *out, int which) {
    mp_pipe_handle *h = simmod_payload(th, a->self, &mp_pipe_type);
    if (!h) return VM_ERR;
    *out = v_bool(which == 0 ? h->closed : which == 1 ? mp_pipe_readable(h) : mp_pipe_writable(h));
    return VM_OK;
}

static vm_status mp_pipe_closed(vm_thread *th, const vm_args *a, value *out) { return mp_pipe_prop(th, a, out, 0); }
static vm_status mp_pipe_is_readable(vm_thread *th, const vm_args *a, value *out) { return mp_pipe_prop(th, a, out, 1); }
static vm_status mp_pipe_is_writable(vm_thread *th, const vm_args *a, value *out) { return mp_pipe_prop(th, a, out, 2); }

/* ------------------------------------------------------------ Pipe() */

static void mp_pipe_chan_init(mp_pipe *pipe, int end, sim_thread *me) {
    mp_pipe_chan *c = &pipe->chan[end];
    c->w.describe = mp_pipe_describe;
    c->pipe = pipe;
    /* the id sim_new_object is about to hand out, for the label */
    snprintf(c->label, sizeof c->label, "pipe#%d (%d->%d)", pipe->s->next_obj + 1, 1 - end, end);
    c->obj = sim_new_object(pipe->s, me, TO_PIPE, pipe->duplex ? 1 : 0, c->label);
}

/* Pipe(duplex=True) -> (Connection, Connection) */
static vm_status mp_pipe_Pipe(vm_thread *th, const vm_args *a, value *out) {
    vm *m = th->vm;
    vm_status st = args_count_kw(th, a, "BaseContext.Pipe", 0, 1, (const char *const[]){"duplex", NULL});
    if (st != VM_OK) {
        if (a->npos > 1)
            return vm_raise(th, m->cls.TypeError,
                            "BaseContext.Pipe() takes from 1 to 2 positional arguments but %d were given", a->npos + 1);
        return st;
    }
    bool duplex = true;
    value dv = args_get(a, 0, "duplex");
    if (dv.tag != VT_UNDEF && (st = ops_truthy(th, dv, &duplex)) != VM_OK) return st;
    sim_thread *me = sim_current(th);
    mp_pipe *pipe = xcalloc(1, sizeof *pipe);
    pipe->s = me->s;
    pipe->duplex = duplex;
    sim_own(me->s, pipe, mp_pipe_free);
    pipe->chan[0].obj = pipe->chan[1].obj = -1;
    /* Pipe(False): end 0 reads what end 1 writes; there is no other way */
    if (duplex) mp_pipe_chan_init(pipe, 1, me);
    mp_pipe_chan_init(pipe, 0, me);
    class_obj *cls = mp_class(m, "Connection");
    value ends[2];
    for (int k = 0; k < 2; k++)
        ends[k] = simmod_instance(th, cls, &mp_pipe_type, mp_pipe_handle_new(pipe, k, me->proc, false));
    *out = tuple_pack(m, 2, ends);
    return VM_OK;
}

static const native_def mp_pipe_methods[] = {
    {"send", mp_pipe_send}, {"recv", mp_pipe_recv}, {"poll", mp_pipe_poll}, {"close", mp_pipe_close},
    {"__enter__", mp_pipe_enter}, {"__exit__", mp_pipe_close}, {NULL, NULL}};

static const simmod_prop mp_pipe_props[] = {
    {"closed", mp_pipe_closed, NULL}, {"readable", mp_pipe_is_readable, NULL},
    {"writable", mp_pipe_is_writable, NULL}, {NULL, NULL, NULL}};

static const native_def mp_pipe_functions[] = {{"Pipe", mp_pipe_Pipe}, {NULL, NULL}};

void mp_register_pipe(vm *m, dict_obj *d) {
    mp_define(m, d, "Connection", NULL, mp_pipe_methods, mp_pipe_props);
    native_register(m, d, mp_pipe_functions, false);
}
