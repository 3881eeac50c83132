/* vm.c - the bytecode interpreter loop, calls, frames and exception
 * unwinding. A thread's frames and values live in vm_thread; the loop runs
 * for a budget of bytecodes and returns a reason, so the engine can
 * interleave threads and stop one inside any blocking call. */
#include "vm.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ast.h"
#include "obj.h"
#include "ops.h"
#include "xalloc.h"

/* natives.h WAIT_SYNC, without depending on natives.h here */
enum { WAIT_SYNC_KIND = 4 };

/* ------------------------------------------------------------- threads */

vm_thread *vm_thread_new(vm *m) {
    vm_thread *th = xcalloc(1, sizeof(vm_thread));
    th->vm = m;
    th->stack_cap = 256;
    th->stack = xcalloc(th->stack_cap, sizeof(value));
    th->frames_cap = 16;
    th->frames = xcalloc(th->frames_cap, sizeof(vm_frame));
    th->exc = v_undef();
    th->tail_callable = v_undef();
    th->tail_args = v_undef();
    th->tail_kwargs = v_undef();
    th->result = v_none();
    th->wait.arg = v_undef();
    th->op_cost_ps = VM_DEFAULT_OP_COST_PS;
    th->next = m->threads;
    m->threads = th;
    return th;
}

void vm_thread_free(vm_thread *th) {
    vm *m = th->vm;
    for (vm_thread **p = &m->threads; *p; p = &(*p)->next)
        if (*p == th) {
            *p = th->next;
            break;
        }
    free(th->stack);
    free(th->frames);
    free(th->handling);
    free(th);
}

static void ensure_stack(vm_thread *th, size_t need) {
    if (need <= th->stack_cap) return;
    size_t cap = th->stack_cap;
    while (cap < need) cap *= 2;
    th->stack = xreallocarray(th->stack, cap, sizeof(value));
    memset(th->stack + th->stack_cap, 0, (cap - th->stack_cap) * sizeof(value));
    th->stack_cap = (uint32_t)cap;
}

static void push_handling(vm_thread *th, value exc) {
    if (th->nhandling == th->handling_cap) {
        th->handling_cap = th->handling_cap ? th->handling_cap * 2 : 8;
        th->handling = xreallocarray(th->handling, th->handling_cap, sizeof(value));
    }
    th->handling[th->nhandling++] = exc;
}

/* ----------------------------------------------------------- exceptions */

value vm_exc_new(vm_thread *th, class_obj *cls, const char *msg) {
    vm *m = th->vm;
    instance_obj *in = instance_new(m, cls);
    value args = msg ? tuple_pack(m, 1, &(value){VT_OBJ, 0, {.o = (obj *)str_from_cstr(m, msg)}})
                     : tuple_pack(m, 0, NULL);
    dict_set_str(in->dict, m->names.args, args);
    return v_obj(in);
}

/* An exception raised while another is being handled remembers it as its
 * __context__ ("During handling of the above exception, ..."). */
static void exc_set_context(vm_thread *th, value exc) {
    if (th->nhandling == 0 || !v_is_obj(exc, OK_INSTANCE)) return;
    value ctx = th->handling[th->nhandling - 1];
    if (ctx.tag != VT_OBJ || ctx.u.o == exc.u.o) return;
    dict_set_cstr(th->vm, V_INST(exc)->dict, "__context__", ctx);
}

vm_status vm_raise_value(vm_thread *th, value exc) {
    exc_set_context(th, exc);
    th->exc = exc;
    return VM_ERR;
}

vm_status vm_raise(vm_thread *th, class_obj *cls, const char *fmt, ...) {
    char buf[1200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    return vm_raise_value(th, vm_exc_new(th, cls, buf));
}

bool vm_exc_matches(vm *m, value exc, class_obj *cls) {
    return ops_isinstance(m, exc, cls);
}

/* Appends (line, function name) of frame f to the exception's traceback. */
static void tb_add(vm_thread *th, vm_frame *f) {
    vm *m = th->vm;
    if (f->co->firstline == 0) return; /* the thread bootstrap is not user code */
    if (!v_is_obj(th->exc, OK_INSTANCE)) return;
    instance_obj *in = V_INST(th->exc);
    value tb;
    if (!dict_get_str(in->dict, m->names.traceback, &tb) || !v_is_obj(tb, OK_LIST)) {
        tb = v_obj(list_new(m, 4));
        dict_set_str(in->dict, m->names.traceback, tb);
    }
    uint32_t ip = f->ip ? f->ip - 1 : 0;
    int line = ip < f->co->ncode ? f->co->lines[ip] : f->co->firstline;
    value entry[2] = {v_int(line), v_obj(str_from_cstr(m, f->co->name))};
    list_append(V_LIST(tb), tuple_pack(m, 2, entry));
}

/* --------------------------------------------------------------- frames */

/* Room for one more frame, within the recursion limit. */
static vm_status frames_reserve(vm_thread *th) {
    if (th->nframes >= VM_MAX_DEPTH)
        return vm_raise(th, th->vm->cls.RecursionError, "maximum recursion depth exceeded");
    if (th->nframes == th->frames_cap) {
        th->frames_cap *= 2;
        th->frames = xreallocarray(th->frames, th->frames_cap, sizeof(vm_frame));
    }
    return VM_OK;
}

static vm_status push_frame(vm_thread *th, const code_obj *co, func_obj *fn, dict_obj *globals,
                            dict_obj *locals_dict, uint32_t base, vm_frame **out) {
    vm_status st = frames_reserve(th);
    if (st != VM_OK) return st;
    uint32_t nslots = co->nlocals + co->ncells + co->nfree;
    ensure_stack(th, (size_t)base + nslots + co->stacksize + 8);
    vm_frame *f = &th->frames[th->nframes++];
    f->co = co;
    f->fn = fn;
    f->globals = globals;
    f->locals_dict = locals_dict;
    f->base = base;
    f->sp = base + nslots;
    f->ip = 0;
    f->hdepth = th->nhandling;
    f->nblocks = 0;
    f->flags = 0;
    f->extra = v_undef();
    for (uint32_t i = 0; i < nslots; i++) th->stack[base + i] = v_undef();
    th->sp = f->sp;
    *out = f;
    return VM_OK;
}

/* Fills cells after the arguments are bound: own cells (copying parameters
 * that are captured) and the closure's free cells. */
static void init_cells(vm_thread *th, vm_frame *f) {
    const code_obj *co = f->co;
    value *locals = th->stack + f->base;
    for (uint32_t i = 0; i < co->ncells; i++) {
        value init = co->cell2arg[i] >= 0 ? locals[co->cell2arg[i]] : v_undef();
        locals[co->nlocals + i] = v_obj(cell_new(th->vm, init));
    }
    if (co->nfree && f->fn && f->fn->closure)
        for (uint32_t i = 0; i < co->nfree; i++) locals[co->nlocals + co->ncells + i] = f->fn->closure->items[i];
}

/* ------------------------------------------------------------ generators */

/* Moves the top frame (just bound, or at a yield) into g, stack slots and
 * all, and pops it: the thread's stack top goes back to its base. */
static void gen_save(vm_thread *th, gen_obj *g) {
    vm_frame *f = &th->frames[th->nframes - 1];
    uint32_t base = f->base, n = th->sp - base;
    g->slots = n ? xreallocarray(g->slots, n, sizeof(value)) : g->slots;
    if (n) memcpy(g->slots, th->stack + base, n * sizeof(value));
    g->nslots = n;
    g->frame = *f;
    g->frame.base = 0;
    g->frame.sp = n;
    for (uint16_t i = 0; i < f->nblocks; i++) {
        g->frame.blocks[i].sp -= base;
        g->frame.blocks[i].hdepth -= f->hdepth;
    }
    g->frame.hdepth = 0;
    g->frame.flags &= (uint16_t)~(FRAME_NESTED | FRAME_GEN_FOR);
    g->frame.extra = v_undef();
    th->nhandling = f->hdepth;
    th->nframes--;
    th->sp = base;
}

/* Puts g's frame back on top of the thread's frames, its slots above the
 * current stack top; a suspended generator gets 'sent' as the value of
 * the yield it stopped at. */
static vm_status gen_enter(vm_thread *th, gen_obj *g, uint16_t flags, value sent) {
    vm *m = th->vm;
    if (g->state == GEN_RUNNING) return vm_raise(th, m->cls.ValueError, "generator already executing");
    if (g->state == GEN_CREATED && sent.tag != VT_NONE && sent.tag != VT_UNDEF)
        return vm_raise(th, m->cls.TypeError, "can't send non-None value to a just-started generator");
    vm_status st = frames_reserve(th);
    if (st != VM_OK) return st;
    uint32_t base = th->sp;
    ensure_stack(th, (size_t)base + g->nslots + g->frame.co->stacksize + 8);
    if (g->nslots) memcpy(th->stack + base, g->slots, g->nslots * sizeof(value));
    vm_frame *f = &th->frames[th->nframes++];
    *f = g->frame;
    f->base = base;
    f->hdepth = th->nhandling;
    for (uint16_t i = 0; i < f->nblocks; i++) {
        f->blocks[i].sp += base;
        f->blocks[i].hdepth += f->hdepth;
    }
    f->flags |= (uint16_t)(FRAME_GEN | flags);
    f->extra = v_obj(g);
    th->sp = base + g->nslots;
    if (g->state == GEN_SUSPENDED) th->stack[th->sp++] = sent.tag == VT_UNDEF ? v_none() : sent;
    f->sp = th->sp;
    g->state = GEN_RUNNING;
    return VM_OK;
}

/* A call from C runs to completion: what it calls cannot block. Said the
 * most useful way: a generator run by a built-in (list(g), next(g)) can
 * block when a for loop runs it instead. */
static vm_status nested_block_error(vm_thread *th) {
    for (uint32_t i = th->nframes; i-- > 0;) {
        uint16_t fl = th->frames[i].flags;
        if ((fl & FRAME_GEN) && (fl & FRAME_NESTED))
            return vm_raise(th, th->vm->cls.RuntimeError,
                            "concviz cannot block inside a generator that a built-in runs (list(), next(), "
                            "sum()...); iterate it with a for loop or a comprehension instead");
        if (fl & FRAME_NESTED) break;
    }
    return vm_raise(th, th->vm->cls.RuntimeError,
                    "concviz cannot block inside a call made by the interpreter itself "
                    "(for example in __repr__, __str__, a property or a sort key)");
}

/* A generator that returned or raised: its saved slots are not needed. */
static void gen_finish(gen_obj *g) {
    g->state = GEN_DONE;
    free(g->slots);
    g->slots = NULL;
    g->nslots = 0;
}

static void list_names(strbuf *sb, str_obj **names, int n) {
    for (int i = 0; i < n; i++) {
        if (i > 0) sb_puts(sb, n == 2 ? " and " : (i == n - 1 ? ", and " : ", "));
        sb_printf(sb, "'%s'", names[i]->data);
    }
}

/* Binds call arguments to the parameters of fn into locals. */
static vm_status bind_args(vm_thread *th, func_obj *fn, value *locals, const value *pos, int npos,
                           str_obj **kwnames, const value *kwvals, int nkw) {
    vm *m = th->vm;
    const code_obj *co = fn->co;
    int nargs = (int)co->nargs, nkwonly = (int)co->nkwonly;
    int slot = nargs + nkwonly;
    int varargs_slot = (co->flags & CO_VARARGS) ? slot++ : -1;
    int varkw_slot = (co->flags & CO_VARKEYWORDS) ? slot++ : -1;
    const char *qn = co->qualname;
    int ndef = fn->defaults ? (int)fn->defaults->len : 0;
    if (npos > nargs) {
        if (varargs_slot < 0) {
            int kwgiven = 0;
            for (int k = 0; k < nkw; k++)
                for (int i = 0; i < nargs + nkwonly; i++)
                    if (str_eq(kwnames[k], co->varnames[i])) kwgiven++;
            if (ndef)
                return vm_raise(th, m->cls.TypeError, "%s() takes from %d to %d positional arguments but %d %s given", qn,
                                nargs - ndef, nargs, npos, npos == 1 ? "was" : "were");
            if (kwgiven)
                return vm_raise(th, m->cls.TypeError,
                                "%s() takes %d positional argument%s but %d positional argument%s (and %d keyword-only argument%s) were given",
                                qn, nargs, nargs == 1 ? "" : "s", npos, npos == 1 ? "" : "s", kwgiven, kwgiven == 1 ? "" : "s");
            return vm_raise(th, m->cls.TypeError, "%s() takes %d positional argument%s but %d %s given", qn, nargs,
                            nargs == 1 ? "" : "s", npos, npos == 1 ? "was" : "were");
        }
        locals[varargs_slot] = tuple_pack(m, (size_t)(npos - nargs), pos + nargs);
        npos = nargs;
    } else if (varargs_slot >= 0) {
        locals[varargs_slot] = tuple_pack(m, 0, NULL);
    }
    for (int i = 0; i < npos; i++) locals[i] = pos[i];
    dict_obj *kwdict = NULL;
    if (varkw_slot >= 0) {
        kwdict = dict_new(m);
        locals[varkw_slot] = v_obj(kwdict);
    }
    for (int k = 0; k < nkw; k++) {
        int found = -1;
        for (int i = 0; i < nargs + nkwonly; i++)
            if (str_eq(kwnames[k], co->varnames[i])) {
                found = i;
                break;
            }
        if (found < 0) {
            if (!kwdict)
                return vm_raise(th, m->cls.TypeError, "%s() got an unexpected keyword argument '%s'", qn,
                                kwnames[k]->data);
            dict_set_str(kwdict, kwnames[k], kwvals[k]);
            continue;
        }
        if (locals[found].tag != VT_UNDEF)
            return vm_raise(th, m->cls.TypeError, "%s() got multiple values for argument '%s'", qn, kwnames[k]->data);
        locals[found] = kwvals[k];
    }
    str_obj *missing[64];
    int nmissing = 0;
    for (int i = 0; i < nargs; i++) {
        if (locals[i].tag != VT_UNDEF) continue;
        if (i >= nargs - ndef) locals[i] = fn->defaults->items[i - (nargs - ndef)];
        else if (nmissing < 64) missing[nmissing++] = co->varnames[i];
    }
    if (nmissing) {
        strbuf sb;
        sb_init(&sb);
        list_names(&sb, missing, nmissing);
        vm_raise(th, m->cls.TypeError, "%s() missing %d required positional argument%s: %s", qn, nmissing,
                 nmissing == 1 ? "" : "s", sb.data);
        sb_free(&sb);
        return VM_ERR;
    }
    for (int i = nargs; i < nargs + nkwonly; i++) {
        if (locals[i].tag != VT_UNDEF) continue;
        value d;
        if (fn->kwdefaults && dict_get_str(fn->kwdefaults, co->varnames[i], &d)) locals[i] = d;
        else if (nmissing < 64) missing[nmissing++] = co->varnames[i];
    }
    if (nmissing) {
        strbuf sb;
        sb_init(&sb);
        list_names(&sb, missing, nmissing);
        vm_raise(th, m->cls.TypeError, "%s() missing %d required keyword-only argument%s: %s", qn, nmissing,
                 nmissing == 1 ? "" : "s", sb.data);
        sb_free(&sb);
        return VM_ERR;
    }
    return VM_OK;
}

/* ------------------------------------------------------------------ calls */

/* The outcome of starting a call. */
typedef enum { CALL_DONE, CALL_FRAME, CALL_ERR, CALL_BLOCK } call_outcome;

static call_outcome start_call(vm_thread *th, value callable, uint32_t base, value self, const value *pos, int npos,
                               str_obj **kwnames, const value *kwvals, int nkw, value *result, int depth);

/* Instantiates a class: __new__ (native, along the chain) then __init__. */
static call_outcome call_class(vm_thread *th, class_obj *cls, uint32_t base, const value *pos, int npos,
                               str_obj **kwnames, const value *kwvals, int nkw, value *result, int depth) {
    vm *m = th->vm;
    value newf, inst;
    if (class_lookup(cls, m->names.new_, &newf) && v_is_obj(newf, OK_NATIVE)) {
        vm_args a = {v_obj(cls), (value *)pos, npos, kwnames, (value *)kwvals, nkw};
        vm_status st = ((native_obj *)newf.u.o)->fn(th, &a, &inst);
        if (st == VM_BLOCK) return CALL_BLOCK; /* list(pool.imap(...)) waits for an item */
        if (st != VM_OK) return CALL_ERR;
        if (!v_is_obj(inst, OK_INSTANCE) || !class_is_subclass(V_INST(inst)->cls, cls)) {
            *result = inst;
            return CALL_DONE;
        }
    } else {
        inst = v_obj(instance_new(m, cls));
    }
    value init;
    if (!class_lookup(cls, m->names.init, &init)) {
        if (npos || nkw) {
            vm_raise(th, m->cls.TypeError, "%s() takes no arguments", cls->name->data);
            return CALL_ERR;
        }
        *result = inst;
        return CALL_DONE;
    }
    if (v_is_obj(init, OK_FUNC)) {
        call_outcome oc = start_call(th, init, base, inst, pos, npos, kwnames, kwvals, nkw, result, depth + 1);
        if (oc == CALL_FRAME) {
            vm_frame *f = &th->frames[th->nframes - 1];
            f->flags |= FRAME_INIT;
            f->extra = inst;
        } else if (oc == CALL_DONE) {
            *result = inst;
        }
        return oc;
    }
    value ignored;
    call_outcome oc = start_call(th, init, base, inst, pos, npos, kwnames, kwvals, nkw, &ignored, depth + 1);
    if (oc == CALL_DONE) *result = inst;
    return oc;
}

/* Starts calling callable. Python functions get a new frame whose locals
 * start at stack index base (CALL_FRAME); everything else runs now. pos and
 * kwvals must not point into th->stack. */
static call_outcome start_call(vm_thread *th, value callable, uint32_t base, value self, const value *pos, int npos,
                               str_obj **kwnames, const value *kwvals, int nkw, value *result, int depth) {
    vm *m = th->vm;
    if (depth > 8) {
        vm_raise(th, m->cls.RecursionError, "maximum recursion depth exceeded while calling a Python object");
        return CALL_ERR;
    }
    if (callable.tag == VT_OBJ) {
        switch ((obj_kind)callable.u.o->kind) {
        case OK_FUNC: {
            func_obj *fn = V_FUNC(callable);
            vm_frame *f;
            if (push_frame(th, fn->co, fn, fn->globals, NULL, base, &f) != VM_OK) return CALL_ERR;
            value *locals = th->stack + base;
            vm_status st;
            if (self.tag != VT_UNDEF) {
                value tmp[17];
                value *all = npos < 16 ? tmp : xreallocarray(NULL, (size_t)npos + 1, sizeof(value));
                all[0] = self;
                if (npos) memcpy(all + 1, pos, (size_t)npos * sizeof(value));
                st = bind_args(th, fn, locals, all, npos + 1, kwnames, kwvals, nkw);
                if (all != tmp) free(all);
            } else {
                st = bind_args(th, fn, locals, pos, npos, kwnames, kwvals, nkw);
            }
            if (st != VM_OK) {
                th->nframes--;
                return CALL_ERR;
            }
            init_cells(th, f);
            if (fn->co->flags & CO_CLASS_BODY) f->locals_dict = dict_new(m);
            if (fn->co->flags & CO_GENERATOR) {
                /* calling a generator function only binds its arguments */
                gen_obj *g = gc_alloc(m, OK_GEN, sizeof(gen_obj));
                gen_save(th, g);
                g->state = GEN_CREATED;
                *result = v_obj(g);
                return CALL_DONE;
            }
            return CALL_FRAME;
        }
        case OK_NATIVE: {
            native_obj *n = (native_obj *)callable.u.o;
            if (n->is_method && self.tag == VT_UNDEF && n->data.tag == VT_UNDEF) {
                /* an unbound method called through its class: Thread.__init__(self, ...) */
                if (npos < 1) {
                    vm_raise(th, m->cls.TypeError, "unbound method %s() needs an argument", n->name);
                    return CALL_ERR;
                }
                self = pos[0];
                pos++;
                npos--;
            }
            vm_args a = {self.tag != VT_UNDEF ? self : n->data, (value *)pos, npos, kwnames, (value *)kwvals, nkw};
            if (th->sp < base) th->sp = base; /* (the CALL instruction leaves its operands below th->sp) */
            vm_status st = n->fn(th, &a, result);
            if (st == VM_OK) return CALL_DONE;
            if (st == VM_BLOCK) return CALL_BLOCK;
            if (st == VM_TAILCALL) {
                value c = th->tail_callable, args = th->tail_args, kw = th->tail_kwargs;
                th->tail_callable = v_undef();
                th->tail_args = v_undef();
                th->tail_kwargs = v_undef();
                tuple_obj *t = V_TUPLE(args);
                int nk = 0;
                str_obj *knames[32];
                value kvals[32];
                if (v_is_obj(kw, OK_DICT)) {
                    size_t kpos = 0;
                    value k, v;
                    while (nk < 32 && dict_next(V_DICT(kw), &kpos, &k, &v))
                        if (v_is_obj(k, OK_STR)) {
                            knames[nk] = V_STR(k);
                            kvals[nk++] = v;
                        }
                }
                return start_call(th, c, base, v_undef(), t->items, (int)t->len, knames, kvals, nk, result, depth + 1);
            }
            return CALL_ERR;
        }
        case OK_BOUND: {
            bound_obj *b = (bound_obj *)callable.u.o;
            return start_call(th, b->func, base, b->self, pos, npos, kwnames, kwvals, nkw, result, depth + 1);
        }
        case OK_CLASS: return call_class(th, V_CLASS(callable), base, pos, npos, kwnames, kwvals, nkw, result, depth);
        case OK_INSTANCE: {
            value meth;
            if (ops_find_dunder(callable, m->names.call, &meth))
                return start_call(th, meth, base, callable, pos, npos, kwnames, kwvals, nkw, result, depth + 1);
            break;
        }
        default: break;
        }
    }
    vm_raise(th, m->cls.TypeError, "'%s' object is not callable", ops_type_name(m, callable));
    return CALL_ERR;
}

/* ------------------------------------------------------------- the loop */

static vm_status execute(vm_thread *th, int64_t budget, uint32_t stop_depth);

/* Runs a call from C to completion (a nested run of the loop). self, when
 * defined, is bound as for a method call. */
static vm_status call_nested(vm_thread *th, value callable, value self, value *args, int nargs, str_obj **kwnames,
                             value *kwvals, int nkw, value *out) {
    uint32_t base = th->sp;
    ensure_stack(th, (size_t)base + 4);
    th->nested++;
    call_outcome oc = start_call(th, callable, base, self, args, nargs, kwnames, kwvals, nkw, out, 0);
    vm_status st = VM_OK;
    if (oc == CALL_FRAME) {
        th->frames[th->nframes - 1].flags |= FRAME_NESTED;
        st = execute(th, INT64_MAX, th->nframes - 1);
        if (st == VM_DONE) {
            *out = th->result;
            st = VM_OK;
        }
    } else if (oc == CALL_ERR) {
        st = VM_ERR;
    } else if (oc == CALL_BLOCK) {
        st = nested_block_error(th);
    }
    th->sp = base;
    th->nested--;
    return st;
}

vm_status vm_gen_resume(vm_thread *th, gen_obj *g, value sent, value *out, bool *done) {
    *done = false;
    *out = v_none();
    if (g->state == GEN_DONE) {
        *done = true;
        return VM_OK;
    }
    uint32_t base = th->sp;
    th->nested++;
    vm_status st = gen_enter(th, g, FRAME_NESTED, sent);
    if (st == VM_OK) {
        st = execute(th, INT64_MAX, th->nframes - 1);
        if (st == VM_DONE) {
            *out = th->result;
            *done = g->state == GEN_DONE;
            st = VM_OK;
        }
    }
    th->sp = base;
    th->nested--;
    return st;
}

vm_status vm_call_kw(vm_thread *th, value callable, value *args, int nargs, str_obj **kwnames, value *kwvals,
                     int nkw, value *out) {
    return call_nested(th, callable, v_undef(), args, nargs, kwnames, kwvals, nkw, out);
}

vm_status vm_call_self(vm_thread *th, value callable, value self, value *args, int nargs, value *out) {
    return call_nested(th, callable, self, args, nargs, NULL, NULL, 0, out);
}

vm_status vm_call(vm_thread *th, value callable, value *args, int nargs, value *out) {
    return vm_call_kw(th, callable, args, nargs, NULL, NULL, 0, out);
}

/* Unwinds to the innermost handler. Returns true if one was found (the loop
 * continues there); false when the exception left the frame at stop_depth
 * or the whole thread. */
static bool unwind(vm_thread *th, uint32_t stop_depth, bool add_tb) {
    bool first = add_tb;
    while (th->nframes > 0) {
        vm_frame *f = &th->frames[th->nframes - 1];
        if (first) tb_add(th, f);
        first = true;
        if (f->nblocks > 0) {
            vm_block b = f->blocks[--f->nblocks];
            th->sp = b.sp;
            th->nhandling = b.hdepth;
            push_handling(th, th->exc);
            ensure_stack(th, (size_t)th->sp + 2);
            th->stack[th->sp++] = th->exc;
            th->exc = v_undef();
            f->ip = b.handler;
            return true;
        }
        th->sp = f->base;
        th->nhandling = f->hdepth;
        uint16_t flags = f->flags;
        if (flags & FRAME_GEN) {
            gen_finish(V_GEN(f->extra));
            if (vm_exc_matches(th->vm, th->exc, th->vm->cls.StopIteration)) {
                /* PEP 479: a StopIteration does not leak out of a generator */
                value cause = th->exc;
                th->exc = vm_exc_new(th, th->vm->cls.RuntimeError, "generator raised StopIteration");
                dict_set_cstr(th->vm, V_INST(th->exc)->dict, "__cause__", cause);
                dict_set_cstr(th->vm, V_INST(th->exc)->dict, "__suppress_context__", v_bool(true));
            }
        }
        th->nframes--;
        if ((flags & FRAME_NESTED) || th->nframes <= stop_depth) return false;
    }
    return false;
}

/* Builds a class from a finished class-body frame. */
static value finish_class(vm_thread *th, vm_frame *f, bool *err) {
    vm *m = th->vm;
    tuple_obj *info = V_TUPLE(f->extra);
    str_obj *name = V_STR(info->items[0]);
    tuple_obj *bases = V_TUPLE(info->items[1]);
    class_obj *base = m->cls.object;
    *err = false;
    if (bases->len >= 1) {
        if (!v_is_obj(bases->items[0], OK_CLASS)) {
            *err = true;
            vm_raise(th, m->cls.TypeError, "bases must be types");
            return v_undef();
        }
        base = V_CLASS(bases->items[0]);
    }
    class_obj *c = class_new(m, name, base);
    c->dict = f->locals_dict;
    value modname;
    if (dict_get_str(f->globals, m->names.name, &modname) && v_is_obj(modname, OK_STR))
        c->module_name = V_STR(modname);
    size_t pos = 0;
    value k, v;
    while (dict_next(c->dict, &pos, &k, &v))
        if (v_is_obj(v, OK_FUNC)) V_FUNC(v)->owner = c;
    dict_set_str(c->dict, m->names.module, modname.tag == VT_OBJ ? modname : v_obj(str_from_cstr(m, "__main__")));
    return v_obj(c);
}

#define SAVE() (th->sp = (uint32_t)(sp - th->stack), f->ip = (uint32_t)(ip - f->co->code))
#define RELOAD()                                 \
    do {                                         \
        f = &th->frames[th->nframes - 1];        \
        sp = th->stack + th->sp;                 \
        locals = th->stack + f->base;            \
        ip = f->co->code + f->ip;                \
        co = f->co;                              \
    } while (0)
#define PUSH(v) (*sp++ = (v))
#define POP() (*--sp)
#define TOP() (sp[-1])
/* After an operation: an error unwinds; a rewound block (a native asked to
 * yield before acting, vm_sync_point) restarts this instruction later. */
#define CHECK(st)                                                   \
    do {                                                            \
        if ((st) != VM_OK) {                                        \
            if ((st) == VM_BLOCK && th->wait.rewind && !th->nested) { \
                th->sp = sp_start;                                  \
                f = &th->frames[th->nframes - 1];                   \
                f->ip = (uint32_t)(ip_start - f->co->code);         \
                return VM_BLOCK;                                    \
            }                                                       \
            RELOAD();                                               \
            goto error;                                             \
        }                                                           \
    } while (0)

static vm_status do_import(vm_thread *th, str_obj *name, value *out);
static vm_status load_global(vm_thread *th, vm_frame *f, str_obj *name, value *out);

/* Performs a call whose callable sits at stack index cbase, with pos/kw
 * arguments copied out of the stack. Leaves the result (or a new frame). */
static call_outcome dispatch_call(vm_thread *th, uint32_t cbase, value callable, value self, const value *pos,
                                  int npos, str_obj **kwnames, const value *kwvals, int nkw) {
    value result = v_none();
    call_outcome oc = start_call(th, callable, cbase, self, pos, npos, kwnames, kwvals, nkw, &result, 0);
    if (oc == CALL_DONE) {
        th->stack[cbase] = result;
        th->sp = cbase + 1;
    } else if (oc != CALL_FRAME) {
        th->sp = cbase; /* blocked or failed: the arguments are consumed */
    }
    return oc;
}

static vm_status execute(vm_thread *th, int64_t budget, uint32_t stop_depth) {
    vm *m = th->vm;
    vm_frame *f;
    value *sp, *locals;
    const uint32_t *ip;
    const code_obj *co;
    vm_status st;
    if (th->pending_raise) {
        th->pending_raise = false;
        if (!unwind(th, stop_depth, true)) goto thread_error;
    }
    if (th->nframes == 0) return VM_DONE;
    RELOAD();
    for (;;) {
        if (--budget < 0) {
            SAVE();
            return VM_YIELD;
        }
        th->ticks++;
        if ((th->ticks & 0x3fff) == 0) {
            if (th->nested && m->time_limit_ns > 0 && vm_now(th) >= m->time_limit_ns) {
                /* list(endless_generator()), a __repr__ that loops: nested
                   code runs to completion, so only this check can stop it */
                SAVE();
                vm_raise(th, m->cls.RuntimeError,
                         "concviz: the time limit (--max-time) passed inside a call the interpreter makes itself "
                         "(a generator run by list() or next(), a __repr__, a sort key...)");
                RELOAD();
                goto error;
            }
            if (xalloc_over_limit()) {
                SAVE();
                vm_raise(th, m->cls.MemoryError, "concviz: the program holds more memory than its limit "
                                                 "(CONCVIZ_MEMORY_LIMIT_MB, default 4096)");
                RELOAD();
                goto error;
            }
        }
        if (m->gc_requested && th->nested == 0) {
            SAVE();
            gc_collect(m);
        }
        const uint32_t *ip_start = ip;
        uint32_t sp_start = (uint32_t)(sp - th->stack);
        uint32_t w = *ip++;
        uint32_t arg = INSTR_ARG(w);
        switch ((opcode)INSTR_OP(w)) {
        case OP_NOP: break;
        case OP_POP_TOP: sp--; break;
        case OP_DUP_TOP: sp[0] = sp[-1]; sp++; break;
        case OP_DUP_TOP_TWO: sp[0] = sp[-2]; sp[1] = sp[-1]; sp += 2; break;
        case OP_ROT_TWO: { value t = sp[-1]; sp[-1] = sp[-2]; sp[-2] = t; break; }
        case OP_ROT_THREE: { value t = sp[-1]; sp[-1] = sp[-2]; sp[-2] = sp[-3]; sp[-3] = t; break; }
        case OP_ROT_FOUR: { value t = sp[-1]; sp[-1] = sp[-2]; sp[-2] = sp[-3]; sp[-3] = sp[-4]; sp[-4] = t; break; }
        case OP_LOAD_CONST: PUSH(co->consts[arg]); break;
        case OP_LOAD_FAST: case OP_LOAD_FAST_AUG: {
            value v = locals[arg];
            if (v.tag == VT_OBJ && INSTR_OP(w) == OP_LOAD_FAST && v.u.o->kind == OK_STR)
                V_STR(v)->sflags |= STR_ESCAPED;
            if (v.tag == VT_UNDEF) {
                SAVE();
                st = vm_raise(th, m->cls.UnboundLocalError,
                              "cannot access local variable '%s' where it is not associated with a value",
                              co->varnames[arg]->data);
                CHECK(st);
            }
            PUSH(v);
            break;
        }
        case OP_STORE_FAST: locals[arg] = POP(); break;
        case OP_DELETE_FAST:
            if (locals[arg].tag == VT_UNDEF) {
                SAVE();
                st = vm_raise(th, m->cls.UnboundLocalError,
                              "cannot access local variable '%s' where it is not associated with a value",
                              co->varnames[arg]->data);
                CHECK(st);
            }
            locals[arg] = v_undef();
            break;
        case OP_LOAD_DEREF: {
            cell_obj *c = (cell_obj *)locals[co->nlocals + arg].u.o;
            if (c->v.tag == VT_UNDEF) {
                SAVE();
                st = vm_raise(th, m->cls.NameError,
                              "cannot access free variable '%s' where it is not associated with a value in enclosing scope",
                              co->cellnames[arg]->data);
                CHECK(st);
            }
            if (v_is_obj(c->v, OK_STR)) V_STR(c->v)->sflags |= STR_ESCAPED;
            PUSH(c->v);
            break;
        }
        case OP_STORE_DEREF: ((cell_obj *)locals[co->nlocals + arg].u.o)->v = POP(); break;
        case OP_LOAD_CLOSURE: PUSH(locals[co->nlocals + arg]); break;
        case OP_LOAD_GLOBAL: case OP_LOAD_GLOBAL_AUG: {
            value v;
            SAVE();
            st = load_global(th, f, co->names[arg], &v);
            CHECK(st);
            if (v.tag == VT_OBJ && INSTR_OP(w) == OP_LOAD_GLOBAL && v.u.o->kind == OK_STR)
                V_STR(v)->sflags |= STR_ESCAPED;
            PUSH(v);
            break;
        }
        case OP_STORE_GLOBAL: dict_set_str(f->globals, co->names[arg], POP()); break;
        case OP_DELETE_GLOBAL:
            if (!dict_remove(f->globals, v_obj(co->names[arg]), str_hash(co->names[arg]), NULL)) {
                SAVE();
                st = vm_raise(th, m->cls.NameError, "name '%s' is not defined", co->names[arg]->data);
                CHECK(st);
            }
            break;
        case OP_LOAD_NAME: case OP_LOAD_NAME_AUG: {
            value v;
            if (!f->locals_dict || !dict_get_str(f->locals_dict, co->names[arg], &v)) {
                SAVE();
                st = load_global(th, f, co->names[arg], &v);
                CHECK(st);
            }
            if (v.tag == VT_OBJ && INSTR_OP(w) == OP_LOAD_NAME && v.u.o->kind == OK_STR)
                V_STR(v)->sflags |= STR_ESCAPED;
            PUSH(v);
            break;
        }
        case OP_STORE_NAME: dict_set_str(f->locals_dict ? f->locals_dict : f->globals, co->names[arg], POP()); break;
        case OP_DELETE_NAME:
            if (!dict_remove(f->locals_dict ? f->locals_dict : f->globals, v_obj(co->names[arg]),
                             str_hash(co->names[arg]), NULL)) {
                SAVE();
                st = vm_raise(th, m->cls.NameError, "name '%s' is not defined", co->names[arg]->data);
                CHECK(st);
            }
            break;
        case OP_LOAD_ATTR: {
            value o = TOP(), v;
            SAVE();
            st = ops_getattr(th, o, co->names[arg], &v);
            CHECK(st);
            RELOAD();
            sp[-1] = v;
            break;
        }
        case OP_STORE_ATTR: {
            value o = sp[-1], v = sp[-2];
            sp -= 2;
            SAVE();
            st = ops_setattr(th, o, co->names[arg], v);
            CHECK(st);
            RELOAD();
            break;
        }
        case OP_DELETE_ATTR: {
            value o = POP();
            SAVE();
            st = ops_delattr(th, o, co->names[arg]);
            CHECK(st);
            RELOAD();
            break;
        }
        case OP_LOAD_METHOD: {
            value o = TOP();
            str_obj *name = co->names[arg];
            value cv;
            /* fast path: a function or native method found on the class */
            if (v_is_obj(o, OK_INSTANCE)) {
                instance_obj *in = V_INST(o);
                if (!dict_get_str(in->dict, name, NULL) && class_lookup(in->cls, name, &cv) &&
                    (v_is_obj(cv, OK_FUNC) || (v_is_obj(cv, OK_NATIVE) && ((native_obj *)cv.u.o)->is_method))) {
                    sp[-1] = cv;
                    PUSH(o);
                    break;
                }
            } else if (o.tag != VT_OBJ || (o.u.o->kind != OK_CLASS && o.u.o->kind != OK_MODULE &&
                                           o.u.o->kind != OK_SUPER)) {
                if (class_lookup(ops_type(m, o), name, &cv) && v_is_obj(cv, OK_NATIVE) &&
                    ((native_obj *)cv.u.o)->is_method) {
                    sp[-1] = cv;
                    PUSH(o);
                    break;
                }
            }
            value v;
            SAVE();
            st = ops_getattr(th, o, name, &v);
            CHECK(st);
            RELOAD();
            sp[-1] = v;
            PUSH(v_undef());
            break;
        }
        case OP_CALL_METHOD: case OP_CALL: case OP_CALL_KW: case OP_CALL_EX: {
            opcode op = (opcode)INSTR_OP(w);
            int npos = (int)arg, nkw = 0;
            str_obj **kwnames = NULL;
            value self = v_undef();
            value callable;
            uint32_t cbase;
            value argbuf[24];
            value *args = argbuf;
            value *kwv = NULL;
            tuple_obj *names = NULL;
            value extra_hold = v_undef();
            if (op == OP_CALL_KW) {
                names = V_TUPLE(POP());
                nkw = (int)names->len;
                npos = (int)arg - nkw;
            }
            if (op == OP_CALL_EX) {
                value kwargs = v_undef();
                if (arg & 1) kwargs = POP();
                value pargs = POP();
                callable = POP();
                cbase = (uint32_t)(sp - th->stack);
                tuple_obj *pt = V_TUPLE(pargs);
                npos = (int)pt->len;
                int total = npos;
                dict_obj *kd = NULL;
                if (kwargs.tag == VT_OBJ) {
                    if (!v_is_obj(kwargs, OK_DICT)) {
                        SAVE();
                        st = vm_raise(th, m->cls.TypeError, "argument after ** must be a mapping, not %s",
                                      ops_type_name(m, kwargs));
                        CHECK(st);
                    }
                    kd = V_DICT(kwargs);
                    total += (int)kd->count;
                }
                if (total > 24) args = xreallocarray(NULL, (size_t)total, sizeof(value));
                memcpy(args, pt->items, (size_t)npos * sizeof(value));
                if (kd) {
                    kwnames = xreallocarray(NULL, kd->count + 1, sizeof(str_obj *));
                    kwv = args + npos;
                    size_t pos = 0;
                    value k, v;
                    while (dict_next(kd, &pos, &k, &v)) {
                        if (!v_is_obj(k, OK_STR)) {
                            if (args != argbuf) free(args);
                            free(kwnames);
                            SAVE();
                            st = vm_raise(th, m->cls.TypeError, "keywords must be strings");
                            CHECK(st);
                        }
                        kwnames[nkw] = V_STR(k);
                        kwv[nkw++] = v;
                    }
                }
                extra_hold = pargs;
                (void)extra_hold;
            } else {
                int total = npos + nkw;
                if (total > 24) args = xreallocarray(NULL, (size_t)total, sizeof(value));
                memcpy(args, sp - total, (size_t)total * sizeof(value));
                sp -= total;
                if (nkw) {
                    kwv = args + npos;
                    kwnames = (str_obj **)xreallocarray(NULL, (size_t)nkw, sizeof(str_obj *));
                    for (int i = 0; i < nkw; i++) kwnames[i] = V_STR(names->items[i]);
                }
                if (op == OP_CALL_METHOD) {
                    self = POP();
                    callable = POP();
                } else {
                    callable = POP();
                }
                cbase = (uint32_t)(sp - th->stack);
            }
            /* keep the callable rooted in its slot while the call starts */
            th->stack[cbase] = callable;
            SAVE();
            f->ip = (uint32_t)(ip - co->code);
            /* Python code that a native runs (vm_call: a map function, a
               sort key) gets its frames above this instruction's operands:
               they must be intact if the native then blocks and the
               instruction runs again (list(map(f, pool.imap(...)))) */
            th->sp = sp_start;
            call_outcome oc = dispatch_call(th, cbase, callable, self, args, npos, kwnames, kwv, nkw);
            if (args != argbuf) free(args);
            free(kwnames);
            if (oc == CALL_ERR) {
                RELOAD();
                goto error;
            }
            if (oc == CALL_BLOCK) {
                if (th->wait.rewind) {
                    /* the call did not happen: run this instruction again later */
                    th->sp = sp_start;
                    f = &th->frames[th->nframes - 1];
                    f->ip = (uint32_t)(ip_start - f->co->code);
                }
                if (th->nested) {
                    nested_block_error(th);
                    RELOAD();
                    goto error;
                }
                return VM_BLOCK;
            }
            RELOAD();
            break;
        }
        case OP_BINARY_SUBSCR: {
            value key = POP(), o = TOP(), v;
            if (v_is_obj(o, OK_LIST) && key.tag == VT_INT) {
                int64_t i = key.u.i;
                list_obj *l = V_LIST(o);
                if (i < 0) i += (int64_t)l->len;
                if (i >= 0 && (uint64_t)i < l->len) {
                    sp[-1] = l->items[i];
                    break;
                }
            }
            SAVE();
            st = ops_getitem(th, o, key, &v);
            CHECK(st);
            RELOAD();
            sp[-1] = v;
            break;
        }
        case OP_STORE_SUBSCR: {
            value key = sp[-1], o = sp[-2], v = sp[-3];
            sp -= 3;
            SAVE();
            st = ops_setitem(th, o, key, v);
            CHECK(st);
            RELOAD();
            break;
        }
        case OP_DELETE_SUBSCR: {
            value key = sp[-1], o = sp[-2];
            sp -= 2;
            SAVE();
            st = ops_delitem(th, o, key);
            CHECK(st);
            RELOAD();
            break;
        }
        case OP_BUILD_SLICE: {
            slice_obj *s = gc_alloc(m, OK_SLICE, sizeof(slice_obj));
            if (arg == 3) s->step = POP();
            else s->step = v_none();
            s->stop = POP();
            s->start = POP();
            PUSH(v_obj(s));
            break;
        }
        case OP_BINARY_OP: case OP_INPLACE_OP: {
            value b = sp[-1], a = sp[-2], r;
            if (arg & INPLACE_NAME_TARGET) {
                arg &= ~(uint32_t)INPLACE_NAME_TARGET;
                /* `name += text`: grow the string in place when the variable
                   holds its only reference and no other thread can see it */
                if (arg == AST_OP_ADD && v_is_obj(a, OK_STR) && v_is_obj(b, OK_STR) && !m->threads->next &&
                    !(a.u.o->flags & OBJ_PERMANENT) && V_STR(a)->len + V_STR(b)->len >= 64) {
                    sp[-2] = str_concat_in_place(m, a, b);
                    sp--;
                    break;
                }
            }
            if (a.tag == VT_INT && b.tag == VT_INT) {
                int64_t x;
                if (arg == AST_OP_ADD && !__builtin_add_overflow(a.u.i, b.u.i, &x)) {
                    sp[-2].u.i = x;
                    sp--;
                    break;
                }
                if (arg == AST_OP_SUB && !__builtin_sub_overflow(a.u.i, b.u.i, &x)) {
                    sp[-2].u.i = x;
                    sp--;
                    break;
                }
                if (arg == AST_OP_MUL && !__builtin_mul_overflow(a.u.i, b.u.i, &x)) {
                    sp[-2].u.i = x;
                    sp--;
                    break;
                }
            } else if (a.tag == VT_FLOAT && b.tag == VT_FLOAT && arg <= AST_OP_MUL) {
                double d = arg == AST_OP_ADD ? a.u.f + b.u.f : arg == AST_OP_SUB ? a.u.f - b.u.f : a.u.f * b.u.f;
                sp[-2].u.f = d;
                sp--;
                break;
            }
            sp -= 2;
            SAVE();
            st = ops_binary(th, (int)arg, a, b, INSTR_OP(w) == OP_INPLACE_OP, &r);
            CHECK(st);
            RELOAD();
            PUSH(r);
            break;
        }
        case OP_UNARY_NEG: case OP_UNARY_POS: case OP_UNARY_NOT: case OP_UNARY_INVERT: {
            value a = TOP(), r;
            int uop = (int)INSTR_OP(w) - OP_UNARY_NEG;
            if (uop == AST_UOP_NOT) {
                bool t;
                if (ops_truthy_fast(a, &t)) {
                    sp[-1] = v_bool(!t);
                    break;
                }
            }
            SAVE();
            st = ops_unary(th, uop, a, &r);
            CHECK(st);
            RELOAD();
            sp[-1] = r;
            break;
        }
        case OP_COMPARE_OP: {
            value b = sp[-1], a = sp[-2], r;
            if (a.tag == VT_INT && b.tag == VT_INT && arg <= AST_CMP_GE) {
                int64_t x = a.u.i, y = b.u.i;
                bool res;
                switch (arg) {
                case AST_CMP_EQ: res = x == y; break;
                case AST_CMP_NE: res = x != y; break;
                case AST_CMP_LT: res = x < y; break;
                case AST_CMP_LE: res = x <= y; break;
                case AST_CMP_GT: res = x > y; break;
                default: res = x >= y; break;
                }
                sp--;
                sp[-1] = v_bool(res);
                break;
            }
            sp -= 2;
            SAVE();
            st = ops_compare(th, (int)arg, a, b, &r);
            CHECK(st);
            RELOAD();
            PUSH(r);
            break;
        }
        case OP_JUMP: ip = co->code + arg; break;
        case OP_POP_JUMP_IF_FALSE: case OP_POP_JUMP_IF_TRUE: {
            value v = POP();
            bool t;
            if (v.tag == VT_BOOL) t = v.u.i != 0;
            else if (!ops_truthy_fast(v, &t)) {
                SAVE();
                st = ops_truthy(th, v, &t);
                CHECK(st);
                RELOAD();
            }
            if (t == (INSTR_OP(w) == OP_POP_JUMP_IF_TRUE)) ip = co->code + arg;
            break;
        }
        case OP_JUMP_IF_FALSE_OR_POP: case OP_JUMP_IF_TRUE_OR_POP: {
            value v = TOP();
            bool t;
            if (!ops_truthy_fast(v, &t)) {
                SAVE();
                st = ops_truthy(th, v, &t);
                CHECK(st);
                RELOAD();
            }
            if (t == (INSTR_OP(w) == OP_JUMP_IF_TRUE_OR_POP)) ip = co->code + arg;
            else sp--;
            break;
        }
        case OP_GET_ITER: {
            value v = TOP(), it;
            SAVE();
            st = ops_iter(th, v, &it);
            CHECK(st);
            RELOAD();
            sp[-1] = it;
            break;
        }
        case OP_FOR_ITER: {
            value itv = TOP();
            if (v_is_obj(itv, OK_GEN)) {
                /* the generator's frame runs in this loop: it may block */
                if (V_GEN(itv)->state == GEN_DONE) {
                    sp--;
                    ip = co->code + arg;
                    break;
                }
                SAVE();
                st = gen_enter(th, V_GEN(itv), FRAME_GEN_FOR, v_none());
                CHECK(st);
                RELOAD();
                break;
            }
            if (v_is_obj(itv, OK_ITER)) {
                iter_obj *it = (iter_obj *)itv.u.o;
                if (it->kind == IT_RANGE) {
                    if (it->step > 0 ? it->pos < it->end : it->pos > it->end) {
                        PUSH(v_int(it->pos));
                        it->pos += it->step;
                    } else {
                        sp--;
                        ip = co->code + arg;
                    }
                    break;
                }
                if (it->kind == IT_SEQ && v_is_obj(it->seq, OK_LIST)) {
                    list_obj *l = V_LIST(it->seq);
                    if ((size_t)it->pos < l->len) PUSH(l->items[it->pos++]);
                    else {
                        sp--;
                        ip = co->code + arg;
                    }
                    break;
                }
            }
            value v;
            bool done;
            SAVE();
            st = ops_next(th, itv, &v, &done);
            CHECK(st);
            RELOAD();
            if (done) {
                sp--;
                ip = co->code + arg;
            } else {
                PUSH(v);
            }
            break;
        }
        case OP_BUILD_LIST: {
            list_obj *l = list_new(m, arg);
            sp -= arg;
            if (arg) memcpy(l->items, sp, arg * sizeof(value));
            l->len = arg;
            PUSH(v_obj(l));
            break;
        }
        case OP_BUILD_TUPLE: {
            sp -= arg;
            value t = tuple_pack(m, arg, sp);
            PUSH(t);
            break;
        }
        case OP_BUILD_DICT: {
            dict_obj *d = dict_new(m);
            value dv = v_obj(d);
            value *items = sp - 2 * arg;
            SAVE();
            for (uint32_t i = 0; i < arg; i++) {
                st = ops_dict_set(th, d, items[2 * i], items[2 * i + 1]);
                CHECK(st);
            }
            sp = items;
            PUSH(dv);
            break;
        }
        case OP_LIST_APPEND: {
            value v = POP();
            list_append(V_LIST(sp[-(int)arg]), v);
            break;
        }
        case OP_BUILD_SET: {
            set_obj *s = set_new(m, false);
            value sv = v_obj(s);
            value *items = sp - arg;
            SAVE();
            for (uint32_t i = 0; i < arg; i++) {
                st = set_add(th, s, items[i]);
                CHECK(st);
            }
            sp = items;
            PUSH(sv);
            break;
        }
        case OP_SET_ADD: {
            value v = POP();
            SAVE();
            st = set_add(th, V_SET(sp[-(int)arg]), v);
            CHECK(st);
            RELOAD();
            break;
        }
        case OP_SET_UPDATE: {
            value it = POP();
            SAVE();
            st = VM_OK;
            if (arg == 2) {
                /* the constant: frozenset(tuple), whose items the compiler
                   then re-adds in table order (merge_consts_recursive) */
                set_obj *first = set_new(m, true), *constant = set_new(m, true);
                st = set_update(th, first, it);
                size_t pos = 0;
                value k;
                int64_t h;
                while (st == VM_OK && set_next(first, &pos, &k, &h)) set_add_hashed(constant, k, h);
                it = v_obj(constant);
            }
            if (st == VM_OK) st = set_update(th, V_SET(sp[-1]), it);
            CHECK(st);
            RELOAD();
            break;
        }
        case OP_DICT_SET: {
            value v = POP(), k = POP();
            SAVE();
            st = ops_dict_set(th, V_DICT(sp[-(int)arg]), k, v);
            CHECK(st);
            RELOAD();
            break;
        }
        case OP_LIST_EXTEND: {
            value it = POP();
            list_obj *items;
            SAVE();
            st = ops_to_list(th, it, &items);
            CHECK(st);
            RELOAD();
            list_obj *l = V_LIST(sp[-(int)arg]);
            for (size_t i = 0; i < items->len; i++) list_append(l, items->items[i]);
            break;
        }
        case OP_DICT_UPDATE: {
            value src = POP();
            if (!v_is_obj(src, OK_DICT)) {
                SAVE();
                st = vm_raise(th, m->cls.TypeError, "'%s' object is not a mapping", ops_type_name(m, src));
                CHECK(st);
            }
            size_t pos = 0;
            value k, v;
            dict_obj *d = V_DICT(sp[-(int)arg]);
            while (dict_next(V_DICT(src), &pos, &k, &v)) {
                int64_t h;
                dict_key_hash(k, &h);
                dict_store(d, k, h, v);
            }
            break;
        }
        case OP_LIST_TO_TUPLE: {
            list_obj *l = V_LIST(TOP());
            sp[-1] = tuple_pack(m, l->len, l->items);
            break;
        }
        case OP_UNPACK_SEQUENCE: case OP_UNPACK_EX: {
            value seq = POP();
            list_obj *items = NULL;
            const value *src;
            size_t n;
            if (v_is_obj(seq, OK_TUPLE)) {
                src = V_TUPLE(seq)->items;
                n = V_TUPLE(seq)->len;
            } else if (v_is_obj(seq, OK_LIST)) {
                src = V_LIST(seq)->items;
                n = V_LIST(seq)->len;
            } else {
                SAVE();
                if (seq.tag != VT_OBJ || seq.u.o->kind == OK_FUNC || seq.u.o->kind == OK_CLASS) {
                    st = vm_raise(th, m->cls.TypeError, "cannot unpack non-iterable %s object", ops_type_name(m, seq));
                    CHECK(st);
                }
                st = ops_to_list(th, seq, &items);
                if (st == VM_ERR && vm_exc_matches(m, th->exc, m->cls.TypeError))
                    st = vm_raise(th, m->cls.TypeError, "cannot unpack non-iterable %s object", ops_type_name(m, seq));
                CHECK(st);
                RELOAD();
                src = items->items;
                n = items->len;
            }
            if (INSTR_OP(w) == OP_UNPACK_SEQUENCE) {
                if (n != arg) {
                    SAVE();
                    if (n > arg) st = vm_raise(th, m->cls.ValueError, "too many values to unpack (expected %u)", arg);
                    else st = vm_raise(th, m->cls.ValueError, "not enough values to unpack (expected %u, got %zu)", arg, n);
                    CHECK(st);
                }
                for (size_t i = n; i-- > 0;) PUSH(src[i]);
            } else {
                size_t before = arg & 0xff, after = arg >> 8;
                if (n < before + after) {
                    SAVE();
                    st = vm_raise(th, m->cls.ValueError, "not enough values to unpack (expected at least %zu, got %zu)",
                                  before + after, n);
                    CHECK(st);
                }
                for (size_t i = 0; i < after; i++) PUSH(src[n - 1 - i]);
                list_obj *mid = list_new(m, n - before - after);
                for (size_t i = before; i < n - after; i++) mid->items[mid->len++] = src[i];
                PUSH(v_obj(mid));
                for (size_t i = before; i-- > 0;) PUSH(src[i]);
            }
            break;
        }
        case OP_MAKE_FUNCTION: {
            const code_obj *child = co->children[arg >> 3];
            func_obj *fn = gc_alloc(m, OK_FUNC, sizeof(func_obj));
            fn->co = child;
            fn->globals = f->globals;
            fn->name = str_from_cstr(m, child->name);
            if (arg & 4) fn->closure = V_TUPLE(POP());
            if (arg & 2) fn->kwdefaults = V_DICT(POP());
            if (arg & 1) fn->defaults = V_TUPLE(POP());
            PUSH(v_obj(fn));
            break;
        }
        case OP_MAKE_CLASS: {
            value bases = POP();
            value body = POP();
            value info[2] = {co->consts[arg], bases};
            value infot = tuple_pack(m, 2, info);
            uint32_t base = (uint32_t)(sp - th->stack);
            th->stack[base] = body;
            SAVE();
            value dummy;
            call_outcome oc = start_call(th, body, base, v_undef(), NULL, 0, NULL, NULL, 0, &dummy, 0);
            if (oc != CALL_FRAME) {
                RELOAD();
                goto error;
            }
            th->frames[th->nframes - 1].flags |= FRAME_CLASS_BODY;
            th->frames[th->nframes - 1].extra = infot;
            RELOAD();
            break;
        }
        case OP_YIELD_VALUE: {
            value v = POP();
            SAVE();
            uint16_t flags = f->flags;
            uint32_t base = f->base;
            gen_obj *g = V_GEN(f->extra);
            gen_save(th, g);
            g->state = GEN_SUSPENDED;
            if ((flags & FRAME_NESTED) || th->nframes <= stop_depth) {
                th->result = v;
                return VM_DONE;
            }
            /* to the caller's FOR_ITER, as the loop's next value */
            th->stack[base] = v;
            th->sp = base + 1;
            RELOAD();
            break;
        }
        case OP_RETURN_VALUE: {
            value r = POP();
            uint16_t flags = f->flags;
            if (flags & FRAME_INIT) {
                if (r.tag != VT_NONE) {
                    SAVE();
                    st = vm_raise(th, m->cls.TypeError, "__init__() should return None, not '%s'", ops_type_name(m, r));
                    CHECK(st);
                }
                r = f->extra;
            } else if (flags & FRAME_CLASS_BODY) {
                bool err;
                SAVE();
                r = finish_class(th, f, &err);
                if (err) goto error;
            }
            uint32_t base = f->base;
            if (flags & FRAME_GEN) gen_finish(V_GEN(f->extra));
            th->nhandling = f->hdepth;
            th->nframes--;
            th->sp = base;
            if ((flags & FRAME_GEN_FOR) && th->nframes > stop_depth) {
                /* the caller's FOR_ITER runs again and finds it exhausted */
                th->frames[th->nframes - 1].ip--;
                RELOAD();
                break;
            }
            if ((flags & FRAME_NESTED) || th->nframes == 0 || th->nframes <= stop_depth) {
                th->result = r;
                if (th->nframes == 0 && !(flags & FRAME_NESTED)) th->sp = 0;
                return VM_DONE;
            }
            th->stack[base] = r;
            th->sp = base + 1;
            RELOAD();
            break;
        }
        case OP_SETUP_EXCEPT: {
            if (f->nblocks >= VM_MAX_BLOCKS) {
                SAVE();
                st = vm_raise(th, m->cls.RuntimeError, "too many nested blocks");
                CHECK(st);
            }
            vm_block *b = &f->blocks[f->nblocks++];
            b->handler = arg;
            b->sp = (uint32_t)(sp - th->stack);
            b->hdepth = th->nhandling;
            break;
        }
        case OP_POP_BLOCK: f->nblocks--; break;
        case OP_POP_EXCEPT:
            if (th->nhandling > f->hdepth) th->nhandling--;
            break;
        case OP_RAISE: {
            value exc = v_undef(), cause = v_undef();
            if (arg == 2) cause = POP();
            if (arg >= 1) exc = POP();
            SAVE();
            if (arg == 0) {
                if (th->nhandling == 0) {
                    st = vm_raise(th, m->cls.RuntimeError, "No active exception to reraise");
                    CHECK(st);
                }
                th->exc = th->handling[th->nhandling - 1];
                if (!unwind(th, stop_depth, true)) goto thread_error;
                RELOAD();
                break;
            }
            if (v_is_obj(exc, OK_CLASS) && (V_CLASS(exc)->flags & CLS_EXCEPTION)) {
                value inst;
                st = vm_call(th, exc, NULL, 0, &inst);
                CHECK(st);
                exc = inst;
            }
            if (!v_is_obj(exc, OK_INSTANCE) || !(V_INST(exc)->cls->flags & CLS_EXCEPTION)) {
                st = vm_raise(th, m->cls.TypeError, "exceptions must derive from BaseException");
                CHECK(st);
            }
            if (arg == 2) {
                /* raise X from Y: Y (None to hide the context) is the cause */
                if (v_is_obj(cause, OK_CLASS) && (V_CLASS(cause)->flags & CLS_EXCEPTION)) {
                    st = vm_call(th, cause, NULL, 0, &cause);
                    CHECK(st);
                }
                if (cause.tag != VT_NONE && !(v_is_obj(cause, OK_INSTANCE) && (V_INST(cause)->cls->flags & CLS_EXCEPTION))) {
                    st = vm_raise(th, m->cls.TypeError, "exception causes must derive from BaseException");
                    CHECK(st);
                }
                dict_set_cstr(m, V_INST(exc)->dict, "__cause__", cause);
                dict_set_cstr(m, V_INST(exc)->dict, "__suppress_context__", v_bool(true));
            }
            /* a fresh raise starts a fresh traceback */
            dict_remove(V_INST(exc)->dict, v_obj(m->names.traceback), str_hash(m->names.traceback), NULL);
            exc_set_context(th, exc);
            th->exc = exc;
            RELOAD();
            goto error;
        }
        case OP_RERAISE: {
            value exc = POP();
            SAVE();
            th->exc = exc;
            if (!unwind(th, stop_depth, false)) goto thread_error;
            RELOAD();
            break;
        }
        case OP_JUMP_IF_NOT_EXC_MATCH: {
            value type = POP(), exc = POP();
            bool match = false;
            if (v_is_obj(type, OK_TUPLE)) {
                for (size_t i = 0; i < V_TUPLE(type)->len; i++) {
                    value t = V_TUPLE(type)->items[i];
                    if (v_is_obj(t, OK_CLASS) && vm_exc_matches(m, exc, V_CLASS(t))) match = true;
                }
            } else if (v_is_obj(type, OK_CLASS)) {
                match = vm_exc_matches(m, exc, V_CLASS(type));
            } else {
                SAVE();
                st = vm_raise(th, m->cls.TypeError,
                              "catching classes that do not inherit from BaseException is not allowed");
                CHECK(st);
            }
            if (!match) ip = co->code + arg;
            break;
        }
        case OP_WITH_EXC_PREP: {
            value exc = sp[-1], exitf = sp[-2];
            sp[-2] = exc;
            sp[-1] = exitf;
            PUSH(v_obj(ops_type(m, exc)));
            PUSH(exc);
            PUSH(v_none());
            break;
        }
        case OP_LOAD_ASSERTION: PUSH(v_obj(m->cls.AssertionError)); break;
        case OP_FORMAT_VALUE: {
            value spec = v_undef();
            if (arg & 4) spec = POP();
            value v = TOP(), r = v;
            SAVE();
            int conv = arg & 3;
            if (conv == 2 || conv == 3) st = ops_repr_value(th, v, &r);
            else if (conv == 1) st = ops_str_value(th, v, &r);
            else st = VM_OK;
            CHECK(st);
            if (spec.tag != VT_UNDEF && V_STR(spec)->len > 0) st = fmtops_format(th, r, V_STR(spec), &r);
            else if (!v_is_obj(r, OK_STR)) st = ops_str_value(th, r, &r);
            CHECK(st);
            RELOAD();
            sp[-1] = r;
            break;
        }
        case OP_BUILD_STRING: {
            strbuf sb;
            sb_init(&sb);
            sp -= arg;
            for (uint32_t i = 0; i < arg; i++) sb_append(&sb, V_STR(sp[i])->data, V_STR(sp[i])->len);
            PUSH(str_take_sb(m, &sb));
            break;
        }
        case OP_IMPORT_NAME: {
            value mod;
            SAVE();
            st = do_import(th, co->names[arg], &mod);
            CHECK(st);
            RELOAD();
            PUSH(mod);
            break;
        }
        case OP_IMPORT_FROM: {
            value mod = TOP(), v;
            bool found;
            SAVE();
            st = ops_getattr_opt(th, mod, co->names[arg], &v, &found);
            CHECK(st);
            if (!found) {
                module_obj *mo = (module_obj *)mod.u.o;
                st = vm_raise(th, m->cls.ImportError, "cannot import name '%s' from '%s' (concviz does not provide it)",
                              co->names[arg]->data, mo->name->data);
                CHECK(st);
            }
            RELOAD();
            PUSH(v);
            break;
        }
        case OP_IMPORT_STAR: {
            value mod = POP();
            size_t pos = 0;
            value k, v;
            while (dict_next(((module_obj *)mod.u.o)->dict, &pos, &k, &v))
                if (v_is_obj(k, OK_STR) && V_STR(k)->data[0] != '_') dict_set_str(f->globals, V_STR(k), v);
            break;
        }
        case OP_SUPER0: {
            if (!f->fn || !f->fn->owner || co->nargs == 0) {
                SAVE();
                st = vm_raise(th, m->cls.RuntimeError, "super(): no arguments");
                CHECK(st);
            }
            value self = locals[0];
            if (self.tag == VT_UNDEF && co->ncells) {
                for (uint32_t i = 0; i < co->ncells; i++)
                    if (co->cell2arg[i] == 0) self = ((cell_obj *)locals[co->nlocals + i].u.o)->v;
            }
            super_obj *s = gc_alloc(m, OK_SUPER, sizeof(super_obj));
            s->start = f->fn->owner;
            s->self = self;
            PUSH(v_obj(s));
            break;
        }
        case OP_SETUP_ANNOTATIONS: break;
        case OP_COUNT: break;
        }
        continue;
    error:
        /* th->exc is set; f/ip describe the failing instruction */
        if (th->exc.tag == VT_UNDEF)
            th->exc = vm_exc_new(th, m->cls.RuntimeError, "concviz internal error: an operation failed without an exception");
        SAVE();
        if (!unwind(th, stop_depth, true)) goto thread_error;
        RELOAD();
    }
thread_error:
    return th->nframes > stop_depth && th->nested ? VM_ERR : (th->nested ? VM_ERR : VM_DONE);
}

static vm_status load_global(vm_thread *th, vm_frame *f, str_obj *name, value *out) {
    if (dict_get_str(f->globals, name, out)) return VM_OK;
    if (dict_get_str(th->vm->builtins, name, out)) return VM_OK;
    return vm_raise(th, th->vm->cls.NameError, "name '%s' is not defined", name->data);
}

/* Module objects are created by the module table (modules.c). */
vm_status vm_module_load(vm_thread *th, str_obj *name, value *out);

static vm_status do_import(vm_thread *th, str_obj *name, value *out) {
    if (dict_get_str(th->vm->modules, name, out)) return VM_OK;
    return vm_module_load(th, name, out);
}

/* --------------------------------------------------------- entry points */

value vm_function_from_code(vm *m, const code_obj *co, dict_obj *globals) {
    func_obj *fn = gc_alloc(m, OK_FUNC, sizeof(func_obj));
    fn->co = co;
    fn->globals = globals;
    fn->name = str_from_cstr(m, co->name);
    return v_obj(fn);
}

void vm_thread_start_module(vm_thread *th, const char *module_name) {
    vm *m = th->vm;
    const code_obj *co = vm_program_module(m->prog);
    dict_obj *globals = m->main_globals;
    dict_set_cstr(m, globals, "__name__", v_obj(str_from_cstr(m, module_name)));
    vm_frame *f;
    /* a thread about to start has no frames: this cannot hit the limit */
    if (push_frame(th, co, NULL, globals, globals, 0, &f) != VM_OK) return;
    th->sp = f->sp;
}

/* The code every thread started with vm_thread_start_call runs: it calls
 * the callable on its stack with the argument tuple, so nothing happens
 * before the engine first schedules the thread. */
static const uint32_t bootstrap_ops[] = {INSTR(OP_CALL_EX, 0), INSTR(OP_RETURN_VALUE, 0)};
static const int bootstrap_lines[] = {0, 0};
static const code_obj bootstrap_code = {
    .name = "<thread bootstrap>", .qualname = "<thread bootstrap>", .code = (uint32_t *)bootstrap_ops,
    .ncode = 2, .lines = (int *)bootstrap_lines, .stacksize = 4, .firstline = 0};

void vm_thread_start_call(vm_thread *th, value callable, value args_tuple) {
    vm_frame *f = NULL;
    if (push_frame(th, &bootstrap_code, NULL, th->vm->main_globals, NULL, 0, &f) != VM_OK) return;
    th->stack[th->sp++] = callable;
    th->stack[th->sp++] = args_tuple;
    f->sp = th->sp;
}

vm_status vm_run(vm_thread *th, int64_t budget) {
    if (th->nframes == 0 && !th->pending_raise) return VM_DONE;
    vm_status st = execute(th, budget, 0);
    return st == VM_ERR ? VM_DONE : st;
}

const char *vm_pending_store_name(const vm_thread *th) {
    if (th->nframes == 0) return NULL;
    const vm_frame *f = &th->frames[th->nframes - 1];
    const code_obj *co = f->co;
    if (!co || f->ip >= co->ncode) return NULL;
    uint32_t w = co->code[f->ip], arg = INSTR_ARG(w);
    /* obj.attr = value compiles to: value, load obj, STORE_ATTR attr */
    opcode op = (opcode)INSTR_OP(w);
    if ((op == OP_LOAD_FAST || op == OP_LOAD_NAME || op == OP_LOAD_GLOBAL || op == OP_LOAD_DEREF) &&
        f->ip + 1 < co->ncode && (opcode)INSTR_OP(co->code[f->ip + 1]) == OP_STORE_ATTR) {
        w = co->code[f->ip + 1];
        arg = INSTR_ARG(w);
    }
    switch ((opcode)INSTR_OP(w)) {
    case OP_STORE_NAME: case OP_STORE_GLOBAL: case OP_STORE_ATTR:
        return arg < co->nnames ? co->names[arg]->data : NULL;
    case OP_STORE_FAST: return arg < co->nlocals ? co->varnames[arg]->data : NULL;
    case OP_STORE_DEREF: return arg < co->ncells + co->nfree ? co->cellnames[arg]->data : NULL;
    default: return NULL;
    }
}

bool vm_sync_point(vm_thread *th) {
    vm *m = th->vm;
    if (th->nested || !m->must_sync || !m->must_sync(th)) return false;
    th->wait.kind = WAIT_SYNC_KIND;
    th->wait.until_ns = -1;
    th->wait.object = NULL;
    th->wait.rewind = true;
    return true;
}

void vm_thread_resume(vm_thread *th, value result, bool err) {
    bool rewound = th->wait.rewind;
    th->wait.rewind = false;
    th->wait.kind = 0;
    if (err) {
        th->pending_raise = true;
        return;
    }
    if (rewound) return;
    ensure_stack(th, (size_t)th->sp + 1);
    th->stack[th->sp++] = result;
    if (th->nframes > 0) th->frames[th->nframes - 1].sp = th->sp;
}
