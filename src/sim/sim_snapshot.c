/* sim_snapshot.c - copying every thread's frames out of a paused run (see
 * sim_snapshot.h). The copy is taken inside sim_emit, at the moment the
 * N-th event is recorded: the thread that caused it is inside that very
 * call, and every other thread is where its last slice left it. */
#include "sim/sim_snapshot.h"

#include <stdlib.h>
#include <string.h>

#include "lang/obj.h"
#include "lang/ops.h"
#include "lang/xalloc.h"
#include "sim/sim_internal.h"

/* Growable arrays of the snapshot's plain records. */
typedef struct snap_vars {
    sim_snapshot_var *v;
    size_t n, cap;
} snap_vars;

/* repr of v without running user code, cut to SIM_SNAPSHOT_REPR_MAX bytes
 * (on a UTF-8 character boundary). */
static char *snap_repr(vm_thread *th, value v) {
    strbuf sb;
    sb_init(&sb);
    ops_repr_plain(th, v, &sb, SIM_SNAPSHOT_REPR_MAX);
    if (sb.len > SIM_SNAPSHOT_REPR_MAX) {
        size_t cut = SIM_SNAPSHOT_REPR_MAX - 3;
        while (cut > 0 && ((unsigned char)sb.data[cut] & 0xC0) == 0x80) cut--;
        sb.len = cut;
        sb_puts(&sb, "...");
    }
    return sb_take(&sb);
}

static void snap_add_var(snap_vars *vs, vm_thread *th, const char *name, value v) {
    if (vs->n == vs->cap) {
        vs->cap = vs->cap ? vs->cap * 2 : 8;
        vs->v = xreallocarray(vs->v, vs->cap, sizeof *vs->v);
    }
    vs->v[vs->n++] = (sim_snapshot_var){xstrdup(name), snap_repr(th, v)};
}

/* Whether a module-level name is data a student wants to see: not a
 * dunder, not a module, function or class the program defined or imported. */
static bool snap_global_is_data(const str_obj *name, value v) {
    if (name->len >= 2 && name->data[0] == '_' && name->data[1] == '_') return false;
    if (v.tag != VT_OBJ) return v.tag != VT_UNDEF;
    switch ((obj_kind)v.u.o->kind) {
    case OK_MODULE: case OK_FUNC: case OK_CLASS: case OK_NATIVE: return false;
    default: return true;
    }
}

static void snap_dict_vars(snap_vars *vs, vm_thread *th, dict_obj *d, bool module) {
    size_t pos = 0;
    value k, v;
    while (dict_next(d, &pos, &k, &v)) {
        if (!v_is_obj(k, OK_STR)) continue;
        if (module && !snap_global_is_data(V_STR(k), v)) continue;
        snap_add_var(vs, th, V_STR(k)->data, v);
    }
}

/* A function frame's variables: its local slots, then its cells (its own
 * captured locals and the free variables of a closure); unbound ones are
 * left out, as locals() leaves them out. */
static void snap_fast_vars(snap_vars *vs, vm_thread *th, const vm_frame *f) {
    const code_obj *co = f->co;
    const value *slots = th->stack + f->base;
    for (uint32_t i = 0; i < co->nlocals; i++)
        if (slots[i].tag != VT_UNDEF) snap_add_var(vs, th, co->varnames[i]->data, slots[i]);
    for (uint32_t j = 0; j < co->ncells + co->nfree; j++) {
        value c = slots[co->nlocals + j];
        if (!v_is_obj(c, OK_CELL)) continue;
        value inner = ((cell_obj *)c.u.o)->v;
        if (inner.tag != VT_UNDEF) snap_add_var(vs, th, co->cellnames[j]->data, inner);
    }
}

static void snap_frame(sim_snapshot_frame *out, vm_thread *th, const vm_frame *f) {
    const code_obj *co = f->co;
    uint32_t ip = f->ip ? f->ip - 1 : 0;
    out->function = xstrdup(co->qualname ? co->qualname : co->name);
    out->line = ip < co->ncode ? co->lines[ip] : co->firstline;
    snap_vars vs = {0};
    if (f->fn) snap_fast_vars(&vs, th, f);
    else if (f->locals_dict) snap_dict_vars(&vs, th, f->locals_dict, f->locals_dict == f->globals);
    out->vars = vs.v;
    out->nvars = vs.n;
}

static void snap_thread(sim_snapshot_thread *out, const sim_thread *st) {
    vm_thread *vt = st->vt;
    out->pid = st->proc->pid;
    out->tid = st->tid;
    out->name = xstrdup(st->name);
    uint32_t user = 0;
    for (uint32_t i = 0; i < vt->nframes; i++)
        if (vt->frames[i].co->firstline != 0) user++;
    out->frames = user ? xcalloc(user, sizeof *out->frames) : NULL;
    for (uint32_t i = vt->nframes; i-- > 0;) {
        const vm_frame *f = &vt->frames[i];
        if (f->co->firstline == 0) continue; /* the machine's own code */
        snap_frame(&out->frames[out->nframes++], vt, f);
    }
}

sim_snapshot *sim_snapshot_capture(sim *s) {
    sim_snapshot *snap = xcalloc(1, sizeof *snap);
    snap->at = trace_log_count(s->log);
    snap->nthreads = (size_t)s->nthreads;
    snap->threads = s->nthreads ? xcalloc((size_t)s->nthreads, sizeof *snap->threads) : NULL;
    for (int i = 0; i < s->nthreads; i++) snap_thread(&snap->threads[i], s->threads[i]);
    return snap;
}

sim_snapshot *sim_snapshot_at(const lang_program *prog, const sim_config *cfg, size_t n, trace_log *log) {
    if (n == 0) return xcalloc(1, sizeof(sim_snapshot));
    sim_config c = *cfg;
    if (!c.write) c.write = lang_write_nowhere;
    sim *s = sim_new(prog, &c, log);
    s->snap_at = n;
    sim_run(s);
    sim_snapshot *snap = s->snap;
    s->snap = NULL;
    sim_free(s);
    return snap;
}

const sim_snapshot_thread *sim_snapshot_thread_of(const sim_snapshot *snap, int tid) {
    for (size_t i = 0; snap && i < snap->nthreads; i++)
        if (snap->threads[i].tid == tid) return &snap->threads[i];
    return NULL;
}

void sim_snapshot_free(sim_snapshot *snap) {
    if (!snap) return;
    for (size_t i = 0; i < snap->nthreads; i++) {
        sim_snapshot_thread *t = &snap->threads[i];
        for (size_t k = 0; k < t->nframes; k++) {
            sim_snapshot_frame *f = &t->frames[k];
            for (size_t j = 0; j < f->nvars; j++) {
                free(f->vars[j].name);
                free(f->vars[j].repr);
            }
            free(f->vars);
            free(f->function);
        }
        free(t->frames);
        free(t->name);
    }
    free(snap->threads);
    free(snap);
}
