/* compile.c - turns the AST into code objects (see code.h for the opcodes).
 *
 * One compile unit per function, lambda, comprehension, class body and the
 * module. try/finally bodies are compiled inline on every exit path (normal,
 * return, break, continue) and once more as an exception handler, as CPython
 * 3.9+ does, so the VM needs only "push handler" blocks. Constructs outside
 * the subset are rejected here with a located message. */
#include "compile.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "obj.h"
#include "symtable.h"
#include "xalloc.h"

const char *const comp_supported_modules[] = {
    "os", "sys", "time", "random", "threading", "queue", "multiprocessing", "concviz", "math", NULL
};

enum fb_kind { FB_WHILE, FB_FOR, FB_TRY_EXCEPT, FB_TRY_FINALLY, FB_HANDLER, FB_WITH, FB_FINALLY_EXC };

typedef struct fblock {
    enum fb_kind kind;
    int continue_target;
    int *breaks;           /* jump instructions to patch to the loop's end */
    int nbreaks, breaks_cap;
    const ast_list *finalbody;
    bool handler_named;    /* FB_HANDLER: 'except E as name' */
    ast_str handler_name;
} fblock;

typedef struct compiler {
    comp_output *out;
    lang_error *err;
    bool failed;
    scope *top;
} compiler;

typedef struct cunit {
    compiler *c;
    scope *sc;
    struct cunit *parent;
    uint32_t *code;
    int *lines;
    int ncode, code_cap;
    value *consts;
    int nconsts, consts_cap;
    str_obj **names;
    int nnames, names_cap;
    str_obj **varnames;
    int nlocals, varnames_cap;
    str_obj **cellnames;     /* own cells then free variables */
    int ncells, nfree;
    int32_t *cell2arg;
    code_obj **children;
    int nchildren, children_cap;
    fblock fb[40];
    int nfb;
    int depth, maxdepth;
    int line;
    char *qualname;
    const char *name;
    uint32_t flags;
    int nargs, nkwonly;
} cunit;

/* ------------------------------------------------------------ plumbing */

static void comp_error(cunit *u, const ast_node *n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void comp_error(cunit *u, const ast_node *n, const char *fmt, ...) {
    if (u->c->failed) return;
    u->c->failed = true;
    u->c->err->line = n ? n->line : u->line;
    u->c->err->col = n ? n->col : 1;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(u->c->err->msg, sizeof u->c->err->msg, fmt, ap);
    va_end(ap);
}

/* what is a plural noun phrase: "decorators", "generators (yield)". */
static void unsupported(cunit *u, const ast_node *n, const char *what) {
    comp_error(u, n, "%s are not supported by concviz", what);
}

static void perm_add(compiler *c, obj *o) {
    comp_output *out = c->out;
    if (out->nperm == out->perm_cap) {
        out->perm_cap = out->perm_cap ? out->perm_cap * 2 : 64;
        out->perm = xreallocarray(out->perm, out->perm_cap, sizeof(obj *));
    }
    out->perm[out->nperm++] = o;
}

static str_obj *perm_str(compiler *c, const char *s, size_t len) {
    str_obj *o = str_new_permanent(s, len);
    perm_add(c, (obj *)o);
    return o;
}

static int op_effect(opcode op, int arg) {
    switch (op) {
#define OPCODE_EFFECT(name, effect, doc) case OP_##name: if (effect != 99) return effect; break;
        OPCODE_LIST(OPCODE_EFFECT)
#undef OPCODE_EFFECT
    default: break;
    }
    switch (op) {
    case OP_CALL_METHOD: return -(arg + 1);
    case OP_BUILD_SLICE: return 1 - arg;
    case OP_BUILD_LIST: case OP_BUILD_TUPLE: case OP_BUILD_STRING: case OP_BUILD_SET: return 1 - arg;
    case OP_BUILD_DICT: return 1 - 2 * arg;
    case OP_UNPACK_SEQUENCE: return arg - 1;
    case OP_UNPACK_EX: return (arg & 0xff) + (arg >> 8);
    case OP_CALL: return -arg;
    case OP_CALL_KW: return -arg - 1;
    case OP_CALL_EX: return -(1 + (arg & 1));
    case OP_MAKE_FUNCTION: return 1 - ((arg & 1) + ((arg >> 1) & 1) + ((arg >> 2) & 1));
    case OP_RAISE: return -arg;
    case OP_FORMAT_VALUE: return (arg & 4) ? -1 : 0;
    default: return 0;
    }
}

static int emit(cunit *u, opcode op, int arg) {
    if (u->ncode == u->code_cap) {
        u->code_cap = u->code_cap ? u->code_cap * 2 : 64;
        u->code = xreallocarray(u->code, (size_t)u->code_cap, sizeof(uint32_t));
        u->lines = xreallocarray(u->lines, (size_t)u->code_cap, sizeof(int));
    }
    if (arg < 0 || arg >= (1 << 24)) {
        comp_error(u, NULL, "program too large for concviz (instruction argument %d)", arg);
        arg = 0;
    }
    u->code[u->ncode] = INSTR(op, arg);
    u->lines[u->ncode] = u->line;
    u->depth += op_effect(op, arg);
    if (u->depth > u->maxdepth) u->maxdepth = u->depth;
    return u->ncode++;
}

static int here(const cunit *u) { return u->ncode; }

static void patch(cunit *u, int at, int target) {
    u->code[at] = INSTR(INSTR_OP(u->code[at]), target);
}

static int add_const(cunit *u, value v) {
    for (int i = 0; i < u->nconsts; i++) {
        value w = u->consts[i];
        if (w.tag != v.tag) continue;
        if (v.tag == VT_INT && w.u.i == v.u.i) return i;
        if (v.tag == VT_FLOAT && memcmp(&w.u.f, &v.u.f, sizeof(double)) == 0) return i;
        if (v.tag == VT_NONE || (v.tag == VT_BOOL && w.u.i == v.u.i)) return i;
        if (v.tag == VT_OBJ && v.u.o->kind == OK_STR && w.u.o->kind == OK_STR && str_eq(V_STR(v), V_STR(w)))
            return i;
    }
    if (u->nconsts == u->consts_cap) {
        u->consts_cap = u->consts_cap ? u->consts_cap * 2 : 16;
        u->consts = xreallocarray(u->consts, (size_t)u->consts_cap, sizeof(value));
    }
    u->consts[u->nconsts] = v;
    return u->nconsts++;
}

static int add_str_const(cunit *u, const char *s, size_t len) {
    for (int i = 0; i < u->nconsts; i++) {
        value w = u->consts[i];
        if (w.tag == VT_OBJ && w.u.o->kind == OK_STR && V_STR(w)->len == len && memcmp(V_STR(w)->data, s, len) == 0)
            return i;
    }
    return add_const(u, v_obj(perm_str(u->c, s, len)));
}

static int add_name(cunit *u, const char *s, size_t len) {
    for (int i = 0; i < u->nnames; i++)
        if (u->names[i]->len == len && memcmp(u->names[i]->data, s, len) == 0) return i;
    if (u->nnames == u->names_cap) {
        u->names_cap = u->names_cap ? u->names_cap * 2 : 16;
        u->names = xreallocarray(u->names, (size_t)u->names_cap, sizeof(str_obj *));
    }
    u->names[u->nnames] = perm_str(u->c, s, len);
    return u->nnames++;
}

static int add_varname(cunit *u, const char *s, size_t len) {
    for (int i = 0; i < u->nlocals; i++)
        if (u->varnames[i]->len == len && memcmp(u->varnames[i]->data, s, len) == 0) return i;
    if (u->nlocals == u->varnames_cap) {
        u->varnames_cap = u->varnames_cap ? u->varnames_cap * 2 : 16;
        u->varnames = xreallocarray(u->varnames, (size_t)u->varnames_cap, sizeof(str_obj *));
    }
    u->varnames[u->nlocals] = perm_str(u->c, s, len);
    return u->nlocals++;
}

static int find_cell(const cunit *u, const char *s, size_t len) {
    for (int i = 0; i < u->ncells + u->nfree; i++)
        if (u->cellnames[i]->len == len && memcmp(u->cellnames[i]->data, s, len) == 0) return i;
    return -1;
}

/* --------------------------------------------------------------- units */

/* Pushes the cells a nested code object closes over (a tuple); returns
 * MAKE_FUNCTION's closure flag, or 0 when it needs none. */
static int emit_closure(cunit *u, const code_obj *co) {
    if (!co->nfree) return 0;
    for (uint32_t i = 0; i < co->nfree; i++) {
        str_obj *nm = co->cellnames[co->ncells + i];
        emit(u, OP_LOAD_CLOSURE, find_cell(u, nm->data, nm->len));
    }
    emit(u, OP_BUILD_TUPLE, (int)co->nfree);
    return 4;
}

static void unit_init_slots(cunit *u, const ast_args *args) {
    if (args) {
        for (int i = 0; i < args->nnames; i++) add_varname(u, args->names[i].s, args->names[i].len);
        for (int i = 0; i < args->nkwonly; i++) add_varname(u, args->kwonly[i].s, args->kwonly[i].len);
        if (args->vararg.s) add_varname(u, args->vararg.s, args->vararg.len);
        if (args->kwarg.s) add_varname(u, args->kwarg.s, args->kwarg.len);
        u->nargs = args->nnames;
        u->nkwonly = args->nkwonly;
        if (args->vararg.s) u->flags |= CO_VARARGS;
        if (args->kwarg.s) u->flags |= CO_VARKEYWORDS;
    }
    scope *sc = u->sc;
    if (sc->kind == SC_COMP) {
        add_varname(u, ".0", 2);
        u->nargs = 1;
    }
    int nparams = u->nlocals;
    if (sc->kind == SC_FUNCTION || sc->kind == SC_COMP) {
        for (int i = 0; i < sc->nsyms; i++) {
            sym_entry *e = &sc->syms[i];
            if ((e->flags & SYM_BOUND) && !(e->flags & (SYM_GLOBAL_DECL | SYM_FREE | SYM_NONLOCAL_DECL)))
                add_varname(u, e->name, e->len);
        }
    }
    int ncellish = 0;
    for (int i = 0; i < sc->nsyms; i++)
        if (sc->syms[i].flags & (SYM_CELL | SYM_FREE)) ncellish++;
    u->cellnames = xcalloc((size_t)ncellish + 1, sizeof(str_obj *));
    u->cell2arg = xcalloc((size_t)ncellish + 1, sizeof(int32_t));
    for (int i = 0; i < sc->nsyms; i++) {
        sym_entry *e = &sc->syms[i];
        if ((e->flags & SYM_CELL) && !(e->flags & SYM_FREE)) {
            int slot = -1;
            for (int k = 0; k < nparams; k++)
                if (u->varnames[k]->len == e->len && memcmp(u->varnames[k]->data, e->name, e->len) == 0) slot = k;
            u->cell2arg[u->ncells] = slot;
            u->cellnames[u->ncells++] = perm_str(u->c, e->name, e->len);
        }
    }
    for (int i = 0; i < sc->nsyms; i++) {
        sym_entry *e = &sc->syms[i];
        if (e->flags & SYM_FREE) u->cellnames[u->ncells + u->nfree++] = perm_str(u->c, e->name, e->len);
    }
}

static char *make_qualname(cunit *parent, const char *name, size_t len) {
    strbuf sb;
    sb_init(&sb);
    if (parent && parent->sc->kind != SC_MODULE) {
        sb_puts(&sb, parent->qualname);
        if (parent->sc->kind != SC_CLASS) sb_puts(&sb, ".<locals>");
        sb_putc(&sb, '.');
    }
    sb_append(&sb, name, len);
    return sb_take(&sb);
}

static void unit_init(cunit *u, compiler *c, scope *sc, cunit *parent, const char *name, size_t namelen,
                      const ast_args *args, int line) {
    memset(u, 0, sizeof *u);
    u->c = c;
    u->sc = sc;
    u->parent = parent;
    u->line = line;
    u->qualname = make_qualname(parent, name, namelen);
    u->name = perm_str(c, name, namelen)->data;
    unit_init_slots(u, args);
}

static code_obj *unit_finish(cunit *u, int firstline) {
    code_obj *co = xcalloc(1, sizeof(code_obj));
    co->name = u->name;
    co->qualname = perm_str(u->c, u->qualname, strlen(u->qualname))->data;
    free(u->qualname);
    co->code = u->code;
    co->ncode = (uint32_t)u->ncode;
    co->lines = u->lines;
    co->consts = u->consts;
    co->nconsts = (uint32_t)u->nconsts;
    co->names = u->names;
    co->nnames = (uint32_t)u->nnames;
    co->varnames = u->varnames;
    co->nlocals = (uint32_t)u->nlocals;
    co->nargs = (uint32_t)u->nargs;
    co->nkwonly = (uint32_t)u->nkwonly;
    co->ncells = (uint32_t)u->ncells;
    co->nfree = (uint32_t)u->nfree;
    co->cell2arg = u->cell2arg;
    co->cellnames = u->cellnames;
    co->children = u->children;
    co->nchildren = (uint32_t)u->nchildren;
    co->stacksize = (uint32_t)u->maxdepth + 8;
    co->flags = u->flags;
    co->firstline = firstline;
    comp_output *out = u->c->out;
    if (out->nall == out->all_cap) {
        out->all_cap = out->all_cap ? out->all_cap * 2 : 16;
        out->all = xreallocarray(out->all, out->all_cap, sizeof(code_obj *));
    }
    out->all[out->nall++] = co;
    return co;
}

static int add_child(cunit *u, code_obj *co) {
    if (u->nchildren == u->children_cap) {
        u->children_cap = u->children_cap ? u->children_cap * 2 : 4;
        u->children = xreallocarray(u->children, (size_t)u->children_cap, sizeof(code_obj *));
    }
    u->children[u->nchildren] = co;
    return u->nchildren++;
}

/* -------------------------------------------------------------- names */

typedef enum { NAME_FAST, NAME_DEREF, NAME_GLOBAL, NAME_LOCALS } name_kind;

static name_kind resolve(cunit *u, ast_str id, int *arg) {
    scope *sc = u->sc;
    sym_entry *e = symtable_find(sc, id.s, id.len);
    unsigned fl = e ? e->flags : 0;
    if (sc->kind == SC_MODULE || (fl & SYM_GLOBAL_DECL)) {
        *arg = add_name(u, id.s, id.len);
        return NAME_GLOBAL;
    }
    if (sc->kind == SC_CLASS) {
        if ((fl & SYM_FREE) && !(fl & SYM_BOUND)) {
            *arg = find_cell(u, id.s, id.len);
            return NAME_DEREF;
        }
        *arg = add_name(u, id.s, id.len);
        return NAME_LOCALS;
    }
    if (fl & (SYM_CELL | SYM_FREE)) {
        *arg = find_cell(u, id.s, id.len);
        if (*arg >= 0) return NAME_DEREF;
    }
    if (fl & SYM_BOUND) {
        *arg = add_varname(u, id.s, id.len);
        return NAME_FAST;
    }
    *arg = add_name(u, id.s, id.len);
    return NAME_GLOBAL;
}

static void name_op(cunit *u, ast_str id, int mode /* 0 load, 1 store, 2 delete */) {
    int arg;
    name_kind k = resolve(u, id, &arg);
    static const opcode ops[4][3] = {
        {OP_LOAD_FAST, OP_STORE_FAST, OP_DELETE_FAST},
        {OP_LOAD_DEREF, OP_STORE_DEREF, OP_NOP},
        {OP_LOAD_GLOBAL, OP_STORE_GLOBAL, OP_DELETE_GLOBAL},
        {OP_LOAD_NAME, OP_STORE_NAME, OP_DELETE_NAME},
    };
    emit(u, ops[k][mode], arg);
}

/* ---------------------------------------------------------- expressions */

static void c_expr(cunit *u, const ast_node *n);
static void c_stmts(cunit *u, const ast_list *l);
static void c_store(cunit *u, const ast_node *t);
static void c_function(cunit *u, const ast_node *n, ast_str name, const ast_args *args,
                       const ast_list *body, const ast_node *lambda_body);

static void set_line(cunit *u, const ast_node *n) {
    if (n && n->line > 0) u->line = n->line;
}

static void load_const(cunit *u, value v) { emit(u, OP_LOAD_CONST, add_const(u, v)); }

static bool has_starred(const ast_list *l) {
    for (int i = 0; i < l->n; i++)
        if (l->items[i]->kind == AST_STARRED) return true;
    return false;
}

/* Builds a list from elements that may contain *starred parts. */
static void c_list_with_stars(cunit *u, const ast_list *elts) {
    emit(u, OP_BUILD_LIST, 0);
    for (int i = 0; i < elts->n; i++) {
        const ast_node *e = elts->items[i];
        if (e->kind == AST_STARRED) {
            c_expr(u, e->u.starred.value);
            emit(u, OP_LIST_EXTEND, 1);
        } else {
            c_expr(u, e);
            emit(u, OP_LIST_APPEND, 1);
        }
    }
}

/* Whether CPython's optimizer makes n a constant: literals, a signed
 * number, a tuple of constants. */
static bool is_constant(const ast_node *n) {
    switch (n->kind) {
    case AST_INT: case AST_FLOAT: case AST_STR: case AST_NONE: case AST_TRUE: case AST_FALSE: return true;
    case AST_UNARYOP:
        return (n->u.unary.op == AST_UOP_NEG || n->u.unary.op == AST_UOP_POS) &&
               (n->u.unary.operand->kind == AST_INT || n->u.unary.operand->kind == AST_FLOAT);
    case AST_TUPLE:
        for (int i = 0; i < n->u.seq.elts.n; i++)
            if (!is_constant(n->u.seq.elts.items[i])) return false;
        return true;
    default: return false;
    }
}

/* {a, b, *c}. As in CPython 3.11, three or more constants go through a
 * frozenset constant (which can give another table order than adding
 * them one by one); anything else is added in order. */
static void c_set_display(cunit *u, const ast_list *elts) {
    bool constant = elts->n > 2;
    for (int i = 0; constant && i < elts->n; i++) constant = is_constant(elts->items[i]);
    if (constant) {
        emit(u, OP_BUILD_SET, 0);
        for (int i = 0; i < elts->n; i++) c_expr(u, elts->items[i]);
        emit(u, OP_BUILD_TUPLE, elts->n);
        emit(u, OP_SET_UPDATE, 2);
        return;
    }
    if (!has_starred(elts)) {
        for (int i = 0; i < elts->n; i++) c_expr(u, elts->items[i]);
        emit(u, OP_BUILD_SET, elts->n);
        return;
    }
    emit(u, OP_BUILD_SET, 0);
    for (int i = 0; i < elts->n; i++) {
        const ast_node *e = elts->items[i];
        c_expr(u, e->kind == AST_STARRED ? e->u.starred.value : e);
        emit(u, e->kind == AST_STARRED ? OP_SET_UPDATE : OP_SET_ADD, 1);
    }
}

static void c_fstring_parts(cunit *u, const ast_node *n) {
    const ast_list *parts = &n->u.fstring.parts;
    if (parts->n == 0) {
        emit(u, OP_LOAD_CONST, add_str_const(u, "", 0));
        return;
    }
    for (int i = 0; i < parts->n; i++) {
        const ast_node *p = parts->items[i];
        if (p->kind == AST_STR) {
            emit(u, OP_LOAD_CONST, add_str_const(u, p->u.str.s, p->u.str.len));
        } else if (p->kind == AST_FORMATTED) {
            c_expr(u, p->u.formatted.value);
            int flags = 0;
            switch (p->u.formatted.conversion) {
            case 's': flags = 1; break;
            case 'r': flags = 2; break;
            case 'a': flags = 3; break;
            default: flags = 0; break;
            }
            if (p->u.formatted.spec) {
                c_fstring_parts(u, p->u.formatted.spec);
                flags |= 4;
            }
            emit(u, OP_FORMAT_VALUE, flags);
        } else {
            c_expr(u, p);
        }
    }
    if (parts->n > 1) emit(u, OP_BUILD_STRING, parts->n);
}

static void c_compare(cunit *u, const ast_node *n) {
    const ast_list *comps = &n->u.compare.comparators;
    c_expr(u, n->u.compare.left);
    if (comps->n == 1) {
        c_expr(u, comps->items[0]);
        emit(u, OP_COMPARE_OP, (int)n->u.compare.ops[0]);
        return;
    }
    int *cleanup = xcalloc((size_t)comps->n, sizeof(int));
    int ncleanup = 0;
    for (int i = 0; i < comps->n - 1; i++) {
        c_expr(u, comps->items[i]);
        emit(u, OP_DUP_TOP, 0);
        emit(u, OP_ROT_THREE, 0);
        emit(u, OP_COMPARE_OP, (int)n->u.compare.ops[i]);
        cleanup[ncleanup++] = emit(u, OP_JUMP_IF_FALSE_OR_POP, 0);
        u->depth--; /* fallthrough pops */
    }
    c_expr(u, comps->items[comps->n - 1]);
    emit(u, OP_COMPARE_OP, (int)n->u.compare.ops[comps->n - 1]);
    int jend = emit(u, OP_JUMP, 0);
    u->depth++; /* cleanup path: [x, result] */
    int target = here(u);
    for (int i = 0; i < ncleanup; i++) patch(u, cleanup[i], target);
    free(cleanup);
    emit(u, OP_ROT_TWO, 0);
    emit(u, OP_POP_TOP, 0);
    patch(u, jend, here(u));
}

static void c_call(cunit *u, const ast_node *n) {
    const ast_node *f = n->u.call.func;
    const ast_list *args = &n->u.call.args, *kws = &n->u.call.keywords;
    bool star = has_starred(args), dstar = false;
    for (int i = 0; i < kws->n; i++)
        if (!kws->items[i]->u.keyword.name.s) dstar = true;
    /* zero-argument super() */
    if (f->kind == AST_NAME && f->u.name.id.len == 5 && memcmp(f->u.name.id.s, "super", 5) == 0 &&
        args->n == 0 && kws->n == 0) {
        int arg;
        if (resolve(u, f->u.name.id, &arg) == NAME_GLOBAL) {
            if (u->sc->kind != SC_FUNCTION || u->nargs == 0) {
                comp_error(u, n, "RuntimeError: super(): no arguments");
                return;
            }
            emit(u, OP_SUPER0, 0);
            return;
        }
    }
    if (f->kind == AST_ATTRIBUTE && !star && !dstar && kws->n == 0) {
        c_expr(u, f->u.attribute.value);
        set_line(u, n);
        emit(u, OP_LOAD_METHOD, add_name(u, f->u.attribute.attr.s, f->u.attribute.attr.len));
        for (int i = 0; i < args->n; i++) c_expr(u, args->items[i]);
        set_line(u, n);
        emit(u, OP_CALL_METHOD, args->n);
        return;
    }
    c_expr(u, f);
    if (!star && !dstar) {
        for (int i = 0; i < args->n; i++) c_expr(u, args->items[i]);
        if (kws->n == 0) {
            set_line(u, n);
            emit(u, OP_CALL, args->n);
            return;
        }
        /* keyword names as a permanent tuple constant */
        tuple_obj *names = xcalloc(1, sizeof(tuple_obj) + (size_t)kws->n * sizeof(value));
        names->hdr.kind = OK_TUPLE;
        names->hdr.flags = OBJ_PERMANENT;
        names->len = (size_t)kws->n;
        perm_add(u->c, (obj *)names);
        for (int i = 0; i < kws->n; i++) {
            const ast_node *k = kws->items[i];
            for (int j = 0; j < i; j++) {
                const ast_node *p = kws->items[j];
                if (p->u.keyword.name.len == k->u.keyword.name.len &&
                    memcmp(p->u.keyword.name.s, k->u.keyword.name.s, k->u.keyword.name.len) == 0) {
                    comp_error(u, k, "SyntaxError: keyword argument repeated: %s", k->u.keyword.name.s);
                    return;
                }
            }
            c_expr(u, k->u.keyword.value);
            names->items[i] = v_obj(perm_str(u->c, k->u.keyword.name.s, k->u.keyword.name.len));
        }
        emit(u, OP_LOAD_CONST, add_const(u, v_obj(names)));
        set_line(u, n);
        emit(u, OP_CALL_KW, args->n + kws->n);
        return;
    }
    c_list_with_stars(u, args);
    emit(u, OP_LIST_TO_TUPLE, 0);
    int flag = 0;
    if (kws->n) {
        emit(u, OP_BUILD_DICT, 0);
        for (int i = 0; i < kws->n; i++) {
            const ast_node *k = kws->items[i];
            if (k->u.keyword.name.s) {
                emit(u, OP_LOAD_CONST, add_str_const(u, k->u.keyword.name.s, k->u.keyword.name.len));
                c_expr(u, k->u.keyword.value);
                emit(u, OP_DICT_SET, 1);
            } else {
                c_expr(u, k->u.keyword.value);
                emit(u, OP_DICT_UPDATE, 1);
            }
        }
        flag = 1;
    }
    set_line(u, n);
    emit(u, OP_CALL_EX, flag);
}

/* Compiles a comprehension as a nested function called with iter(first iterable). */
static void c_comprehension(cunit *u, const ast_node *n) {
    scope *sc = symtable_child(u->sc, n);
    if (!sc) {
        comp_error(u, n, "internal error: no scope for comprehension");
        return;
    }
    const char *name = n->kind == AST_DICTCOMP  ? "<dictcomp>"
                       : n->kind == AST_SETCOMP ? "<setcomp>"
                       : n->kind == AST_GENEXP  ? "<genexpr>"
                                                : "<listcomp>";
    cunit *cu = xcalloc(1, sizeof(cunit));
    unit_init(cu, u->c, sc, u, name, strlen(name), NULL, n->line);
    cu->flags |= CO_COMPREHENSION;
    const ast_list *gens = &n->u.comp.generators;
    emit(cu, n->kind == AST_DICTCOMP ? OP_BUILD_DICT : n->kind == AST_SETCOMP ? OP_BUILD_SET : OP_BUILD_LIST, 0);
    int ngen = gens->n;
    int *starts = xcalloc((size_t)ngen + 1, sizeof(int)), *exits = xcalloc((size_t)ngen + 1, sizeof(int));
    for (int i = 0; i < ngen; i++) {
        const ast_node *g = gens->items[i];
        set_line(cu, g);
        if (i == 0) {
            emit(cu, OP_LOAD_FAST, 0);
        } else {
            c_expr(cu, g->u.comprehension.iter);
            emit(cu, OP_GET_ITER, 0);
        }
        starts[i] = here(cu);
        exits[i] = emit(cu, OP_FOR_ITER, 0);
        c_store(cu, g->u.comprehension.target);
        for (int k = 0; k < g->u.comprehension.ifs.n; k++) {
            c_expr(cu, g->u.comprehension.ifs.items[k]);
            emit(cu, OP_POP_JUMP_IF_FALSE, starts[i]);
        }
    }
    if (n->kind == AST_DICTCOMP) {
        c_expr(cu, n->u.comp.key);
        c_expr(cu, n->u.comp.elt);
        emit(cu, OP_DICT_SET, ngen + 1);
    } else {
        c_expr(cu, n->u.comp.elt);
        emit(cu, n->kind == AST_SETCOMP ? OP_SET_ADD : OP_LIST_APPEND, ngen + 1);
    }
    for (int i = ngen - 1; i >= 0; i--) {
        emit(cu, OP_JUMP, starts[i]);
        patch(cu, exits[i], here(cu));
        cu->depth--;
    }
    emit(cu, OP_RETURN_VALUE, 0);
    free(starts);
    free(exits);
    code_obj *co = unit_finish(cu, n->line);
    int idx = add_child(u, co);
    int flags = 0;
    flags |= emit_closure(u, co);
    emit(u, OP_MAKE_FUNCTION, flags | (idx << 3));
    c_expr(u, gens->items[0]->u.comprehension.iter);
    emit(u, OP_GET_ITER, 0);
    set_line(u, n);
    emit(u, OP_CALL, 1);
    free(cu);
}

static void c_expr(cunit *u, const ast_node *n) {
    if (u->c->failed || !n) return;
    int saved_line = u->line;
    set_line(u, n);
    switch (n->kind) {
    case AST_NAME: name_op(u, n->u.name.id, 0); break;
    case AST_INT: load_const(u, v_int(n->u.int_value)); break;
    case AST_FLOAT: load_const(u, v_float(n->u.float_value)); break;
    case AST_STR: emit(u, OP_LOAD_CONST, add_str_const(u, n->u.str.s, n->u.str.len)); break;
    case AST_NONE: load_const(u, v_none()); break;
    case AST_TRUE: load_const(u, v_bool(true)); break;
    case AST_FALSE: load_const(u, v_bool(false)); break;
    case AST_FSTRING: c_fstring_parts(u, n); break;
    case AST_FORMATTED: {
        /* a lone formatted field outside an f-string container */
        c_expr(u, n->u.formatted.value);
        emit(u, OP_FORMAT_VALUE, 0);
        break;
    }
    case AST_TUPLE:
        if (has_starred(&n->u.seq.elts)) {
            c_list_with_stars(u, &n->u.seq.elts);
            emit(u, OP_LIST_TO_TUPLE, 0);
        } else {
            for (int i = 0; i < n->u.seq.elts.n; i++) c_expr(u, n->u.seq.elts.items[i]);
            emit(u, OP_BUILD_TUPLE, n->u.seq.elts.n);
        }
        break;
    case AST_LIST:
        if (has_starred(&n->u.seq.elts)) {
            c_list_with_stars(u, &n->u.seq.elts);
        } else {
            for (int i = 0; i < n->u.seq.elts.n; i++) c_expr(u, n->u.seq.elts.items[i]);
            emit(u, OP_BUILD_LIST, n->u.seq.elts.n);
        }
        break;
    case AST_SET: c_set_display(u, &n->u.seq.elts); break;
    case AST_DICT: {
        bool any_splat = false;
        for (int i = 0; i < n->u.dict.keys.n; i++)
            if (!n->u.dict.keys.items[i]) any_splat = true;
        if (!any_splat) {
            for (int i = 0; i < n->u.dict.keys.n; i++) {
                c_expr(u, n->u.dict.keys.items[i]);
                c_expr(u, n->u.dict.values.items[i]);
            }
            emit(u, OP_BUILD_DICT, n->u.dict.keys.n);
        } else {
            emit(u, OP_BUILD_DICT, 0);
            for (int i = 0; i < n->u.dict.keys.n; i++) {
                if (n->u.dict.keys.items[i]) {
                    c_expr(u, n->u.dict.keys.items[i]);
                    c_expr(u, n->u.dict.values.items[i]);
                    emit(u, OP_DICT_SET, 1);
                } else {
                    c_expr(u, n->u.dict.values.items[i]);
                    emit(u, OP_DICT_UPDATE, 1);
                }
            }
        }
        break;
    }
    case AST_BINOP:
        if (n->u.binop.op == AST_OP_MATMUL) {
            unsupported(u, n, "matrix multiplications (@)");
            break;
        }
        c_expr(u, n->u.binop.left);
        c_expr(u, n->u.binop.right);
        set_line(u, n);
        emit(u, OP_BINARY_OP, (int)n->u.binop.op);
        break;
    case AST_UNARYOP: {
        /* fold -<int literal> so that -9223372036854775808 style constants work */
        const ast_node *o = n->u.unary.operand;
        if (n->u.unary.op == AST_UOP_NEG && o->kind == AST_FLOAT) {
            load_const(u, v_float(-o->u.float_value));
            break;
        }
        c_expr(u, o);
        static const opcode uops[] = {OP_UNARY_NEG, OP_UNARY_POS, OP_UNARY_NOT, OP_UNARY_INVERT};
        emit(u, uops[n->u.unary.op], 0);
        break;
    }
    case AST_BOOLOP: {
        const ast_list *vals = &n->u.boolop.values;
        int *jumps = xcalloc((size_t)vals->n + 1, sizeof(int)), nj = 0;
        for (int i = 0; i < vals->n; i++) {
            c_expr(u, vals->items[i]);
            if (i < vals->n - 1) {
                int j = emit(u, n->u.boolop.is_and ? OP_JUMP_IF_FALSE_OR_POP : OP_JUMP_IF_TRUE_OR_POP, 0);
                u->depth--;
                jumps[nj++] = j;
            }
        }
        for (int i = 0; i < nj; i++) patch(u, jumps[i], here(u));
        free(jumps);
        break;
    }
    case AST_COMPARE: c_compare(u, n); break;
    case AST_IFEXP: {
        c_expr(u, n->u.ifexp.test);
        int jf = emit(u, OP_POP_JUMP_IF_FALSE, 0);
        c_expr(u, n->u.ifexp.body);
        int je = emit(u, OP_JUMP, 0);
        u->depth--;
        patch(u, jf, here(u));
        c_expr(u, n->u.ifexp.orelse);
        patch(u, je, here(u));
        break;
    }
    case AST_LAMBDA: {
        ast_str nm = {"<lambda>", 8};
        c_function(u, n, nm, &n->u.lambda.args, NULL, n->u.lambda.body);
        break;
    }
    case AST_CALL: c_call(u, n); break;
    case AST_KEYWORD: c_expr(u, n->u.keyword.value); break;
    case AST_STARRED: comp_error(u, n, "SyntaxError: can't use starred expression here"); break;
    case AST_ATTRIBUTE:
        c_expr(u, n->u.attribute.value);
        set_line(u, n);
        emit(u, OP_LOAD_ATTR, add_name(u, n->u.attribute.attr.s, n->u.attribute.attr.len));
        break;
    case AST_SUBSCRIPT:
        c_expr(u, n->u.subscript.value);
        c_expr(u, n->u.subscript.index);
        set_line(u, n);
        emit(u, OP_BINARY_SUBSCR, 0);
        break;
    case AST_SLICE: {
        const ast_node *parts[3] = {n->u.slice.lower, n->u.slice.upper, n->u.slice.step};
        int count = n->u.slice.step ? 3 : 2;
        for (int i = 0; i < count; i++) {
            if (parts[i]) c_expr(u, parts[i]);
            else load_const(u, v_none());
        }
        emit(u, OP_BUILD_SLICE, count);
        break;
    }
    case AST_LISTCOMP: case AST_GENEXP: case AST_DICTCOMP: case AST_SETCOMP: c_comprehension(u, n); break;
    case AST_YIELD:
        if (n->u.yield.is_from) {
            /* only as a statement (see AST_EXPR_STMT): its value, the
               subgenerator's return value, is not kept */
            unsupported(u, n, "values of 'yield from' expressions");
            break;
        }
        if (n->u.yield.value) c_expr(u, n->u.yield.value);
        else load_const(u, v_none());
        set_line(u, n);
        emit(u, OP_YIELD_VALUE, 0);
        break;
    case AST_AWAIT: unsupported(u, n, "await expressions"); break;
    case AST_NAMEDEXPR: unsupported(u, n, "assignment expressions (:=)"); break;
    default: comp_error(u, n, "SyntaxError: invalid syntax"); break;
    }
    u->line = saved_line;
}

/* ------------------------------------------------------------- targets */

static void c_store(cunit *u, const ast_node *t) {
    if (u->c->failed) return;
    set_line(u, t);
    switch (t->kind) {
    case AST_NAME: name_op(u, t->u.name.id, 1); break;
    case AST_ATTRIBUTE:
        c_expr(u, t->u.attribute.value);
        emit(u, OP_STORE_ATTR, add_name(u, t->u.attribute.attr.s, t->u.attribute.attr.len));
        break;
    case AST_SUBSCRIPT:
        c_expr(u, t->u.subscript.value);
        c_expr(u, t->u.subscript.index);
        emit(u, OP_STORE_SUBSCR, 0);
        break;
    case AST_TUPLE: case AST_LIST: {
        const ast_list *elts = &t->u.seq.elts;
        int star = -1;
        for (int i = 0; i < elts->n; i++) {
            if (elts->items[i]->kind == AST_STARRED) {
                if (star >= 0) {
                    comp_error(u, elts->items[i], "SyntaxError: multiple starred expressions in assignment");
                    return;
                }
                star = i;
            }
        }
        if (star < 0) {
            emit(u, OP_UNPACK_SEQUENCE, elts->n);
        } else {
            emit(u, OP_UNPACK_EX, star | ((elts->n - star - 1) << 8));
        }
        for (int i = 0; i < elts->n; i++) {
            const ast_node *e = elts->items[i];
            c_store(u, e->kind == AST_STARRED ? e->u.starred.value : e);
        }
        break;
    }
    case AST_STARRED: comp_error(u, t, "SyntaxError: starred assignment target must be in a list or tuple"); break;
    case AST_CALL: comp_error(u, t, "SyntaxError: cannot assign to function call"); break;
    default: comp_error(u, t, "SyntaxError: cannot assign to expression"); break;
    }
}

static void c_delete(cunit *u, const ast_node *t) {
    switch (t->kind) {
    case AST_NAME: name_op(u, t->u.name.id, 2); break;
    case AST_ATTRIBUTE:
        c_expr(u, t->u.attribute.value);
        emit(u, OP_DELETE_ATTR, add_name(u, t->u.attribute.attr.s, t->u.attribute.attr.len));
        break;
    case AST_SUBSCRIPT:
        c_expr(u, t->u.subscript.value);
        c_expr(u, t->u.subscript.index);
        emit(u, OP_DELETE_SUBSCR, 0);
        break;
    case AST_TUPLE: case AST_LIST:
        for (int i = 0; i < t->u.seq.elts.n; i++) c_delete(u, t->u.seq.elts.items[i]);
        break;
    default: comp_error(u, t, "SyntaxError: cannot delete expression"); break;
    }
}

/* ----------------------------------------------------------- functions */

static void c_function(cunit *u, const ast_node *n, ast_str name, const ast_args *args,
                       const ast_list *body, const ast_node *lambda_body) {
    scope *sc = symtable_child(u->sc, n);
    if (!sc) {
        comp_error(u, n, "internal error: no scope for function");
        return;
    }
    /* defaults are evaluated where the function is defined */
    int flags = 0;
    if (args->defaults.n) {
        for (int i = 0; i < args->defaults.n; i++) c_expr(u, args->defaults.items[i]);
        emit(u, OP_BUILD_TUPLE, args->defaults.n);
        flags |= 1;
    }
    int nkwd = 0;
    for (int i = 0; i < args->nkwonly; i++)
        if (args->kwdefaults && args->kwdefaults[i]) {
            emit(u, OP_LOAD_CONST, add_str_const(u, args->kwonly[i].s, args->kwonly[i].len));
            c_expr(u, args->kwdefaults[i]);
            nkwd++;
        }
    if (nkwd) {
        emit(u, OP_BUILD_DICT, nkwd);
        flags |= 2;
    }
    cunit *fu = xcalloc(1, sizeof(cunit));
    unit_init(fu, u->c, sc, u, name.s, name.len, args, n->line);
    if (sc->generator) fu->flags |= CO_GENERATOR;
    if (lambda_body) {
        fu->flags |= CO_LAMBDA;
        c_expr(fu, lambda_body);
        emit(fu, OP_RETURN_VALUE, 0);
    } else {
        c_stmts(fu, body);
        load_const(fu, v_none());
        emit(fu, OP_RETURN_VALUE, 0);
    }
    code_obj *co = unit_finish(fu, n->line);
    free(fu);
    int idx = add_child(u, co);
    flags |= emit_closure(u, co);
    set_line(u, n);
    emit(u, OP_MAKE_FUNCTION, flags | (idx << 3));
}

/* Decorators are evaluated top to bottom before the def or class, then
 * applied bottom to top to what it made (as CPython does). */
static void c_decorators(cunit *u, const ast_list *decorators) {
    for (int i = 0; i < decorators->n; i++) c_expr(u, decorators->items[i]);
}

static void c_decorate(cunit *u, const ast_node *n, const ast_list *decorators) {
    for (int i = decorators->n - 1; i >= 0; i--) {
        set_line(u, i == 0 ? n : decorators->items[i]);
        emit(u, OP_CALL, 1);
    }
}

static void c_class(cunit *u, const ast_node *n) {
    if (n->u.classdef.keywords.n) {
        unsupported(u, n->u.classdef.keywords.items[0], "class keywords (metaclass=...)");
        return;
    }
    if (n->u.classdef.bases.n > 1) {
        unsupported(u, n->u.classdef.bases.items[1], "classes with several bases");
        return;
    }
    c_decorators(u, &n->u.classdef.decorators);
    scope *sc = symtable_child(u->sc, n);
    cunit *cu = xcalloc(1, sizeof(cunit));
    unit_init(cu, u->c, sc, u, n->u.classdef.name.s, n->u.classdef.name.len, NULL, n->line);
    cu->flags |= CO_CLASS_BODY;
    c_stmts(cu, &n->u.classdef.body);
    load_const(cu, v_none());
    emit(cu, OP_RETURN_VALUE, 0);
    code_obj *co = unit_finish(cu, n->line);
    free(cu);
    int idx = add_child(u, co);
    int flags = 0;
    flags |= emit_closure(u, co);
    set_line(u, n);
    emit(u, OP_MAKE_FUNCTION, flags | (idx << 3));
    for (int i = 0; i < n->u.classdef.bases.n; i++) c_expr(u, n->u.classdef.bases.items[i]);
    emit(u, OP_BUILD_TUPLE, n->u.classdef.bases.n);
    set_line(u, n);
    emit(u, OP_MAKE_CLASS, add_str_const(u, n->u.classdef.name.s, n->u.classdef.name.len));
    c_decorate(u, n, &n->u.classdef.decorators);
    ast_str nm = n->u.classdef.name;
    name_op(u, nm, 1);
}

/* ------------------------------------------------------ control blocks */

static fblock *push_fb(cunit *u, enum fb_kind kind, const ast_node *n) {
    if (u->nfb >= (int)(sizeof u->fb / sizeof u->fb[0])) {
        comp_error(u, n, "SyntaxError: too many statically nested blocks");
        return &u->fb[0];
    }
    fblock *f = &u->fb[u->nfb++];
    memset(f, 0, sizeof *f);
    f->kind = kind;
    return f;
}

static void pop_fb(cunit *u) {
    if (u->nfb > 0) {
        fblock *f = &u->fb[--u->nfb];
        free(f->breaks);
        f->breaks = NULL;
    }
}

/* Emits the cleanup that leaving fblock f needs. */
static void unwind_fb(cunit *u, fblock *f, bool preserve_tos) {
    switch (f->kind) {
    case FB_WHILE: break;
    case FB_TRY_EXCEPT: emit(u, OP_POP_BLOCK, 0); break;
    case FB_FOR:
        if (preserve_tos) emit(u, OP_ROT_TWO, 0);
        emit(u, OP_POP_TOP, 0);
        break;
    case FB_TRY_FINALLY: {
        emit(u, OP_POP_BLOCK, 0);
        /* the finally body runs outside this block */
        int saved = u->nfb;
        u->nfb = (int)(f - u->fb);
        c_stmts(u, f->finalbody);
        u->nfb = saved;
        break;
    }
    case FB_HANDLER:
        emit(u, OP_POP_EXCEPT, 0);
        if (f->handler_named) {
            name_op(u, f->handler_name, 2);
        }
        break;
    case FB_WITH:
        emit(u, OP_POP_BLOCK, 0);
        if (preserve_tos) emit(u, OP_ROT_TWO, 0);
        load_const(u, v_none());
        emit(u, OP_DUP_TOP, 0);
        emit(u, OP_DUP_TOP, 0);
        emit(u, OP_CALL, 3);
        emit(u, OP_POP_TOP, 0);
        break;
    case FB_FINALLY_EXC:
        /* leaving a finally body that runs for an exception: drop it */
        if (preserve_tos) emit(u, OP_ROT_TWO, 0);
        emit(u, OP_POP_TOP, 0);
        emit(u, OP_POP_EXCEPT, 0);
        break;
    }
}

static void c_break_continue(cunit *u, const ast_node *n, bool is_break) {
    int i = u->nfb - 1;
    while (i >= 0 && u->fb[i].kind != FB_WHILE && u->fb[i].kind != FB_FOR) i--;
    if (i < 0) {
        comp_error(u, n, is_break ? "SyntaxError: 'break' outside loop" : "SyntaxError: 'continue' not properly in loop");
        return;
    }
    int depth = u->depth;
    for (int k = u->nfb - 1; k > i; k--) unwind_fb(u, &u->fb[k], false);
    fblock *loop = &u->fb[i];
    if (is_break) {
        if (loop->kind == FB_FOR) emit(u, OP_POP_TOP, 0);
        int j = emit(u, OP_JUMP, 0);
        if (loop->nbreaks == loop->breaks_cap) {
            loop->breaks_cap = loop->breaks_cap ? loop->breaks_cap * 2 : 4;
            loop->breaks = xreallocarray(loop->breaks, (size_t)loop->breaks_cap, sizeof(int));
        }
        loop->breaks[loop->nbreaks++] = j;
    } else {
        emit(u, OP_JUMP, loop->continue_target);
    }
    u->depth = depth;
}

static void c_return(cunit *u, const ast_node *n) {
    if (u->sc->kind != SC_FUNCTION) {
        comp_error(u, n, "SyntaxError: 'return' outside function");
        return;
    }
    if (n->u.ret.value) c_expr(u, n->u.ret.value);
    else load_const(u, v_none());
    int depth = u->depth;
    for (int k = u->nfb - 1; k >= 0; k--) unwind_fb(u, &u->fb[k], true);
    emit(u, OP_RETURN_VALUE, 0);
    u->depth = depth - 1;
}

static void c_try_except(cunit *u, const ast_node *n) {
    const ast_list *handlers = &n->u.try_.handlers;
    int setup = emit(u, OP_SETUP_EXCEPT, 0);
    int depth0 = u->depth;
    push_fb(u, FB_TRY_EXCEPT, n);
    c_stmts(u, &n->u.try_.body);
    pop_fb(u);
    emit(u, OP_POP_BLOCK, 0);
    c_stmts(u, &n->u.try_.orelse);
    int jend = emit(u, OP_JUMP, 0);
    patch(u, setup, here(u));
    u->depth = depth0 + 1; /* the exception */
    int *ends = xcalloc((size_t)handlers->n + 1, sizeof(int)), nends = 0;
    ends[nends++] = jend;
    for (int i = 0; i < handlers->n; i++) {
        const ast_node *h = handlers->items[i];
        set_line(u, h);
        int jnext = -1;
        if (h->u.handler.type) {
            emit(u, OP_DUP_TOP, 0);
            c_expr(u, h->u.handler.type);
            jnext = emit(u, OP_JUMP_IF_NOT_EXC_MATCH, 0);
        } else if (i != handlers->n - 1) {
            comp_error(u, h, "SyntaxError: default 'except:' must be last");
            free(ends);
            return;
        }
        if (h->u.handler.name.s) name_op(u, h->u.handler.name, 1);
        else emit(u, OP_POP_TOP, 0);
        fblock *hb = push_fb(u, FB_HANDLER, h);
        hb->handler_named = h->u.handler.name.s != NULL;
        hb->handler_name = h->u.handler.name;
        c_stmts(u, &h->u.handler.body);
        pop_fb(u);
        emit(u, OP_POP_EXCEPT, 0);
        if (h->u.handler.name.s) name_op(u, h->u.handler.name, 2);
        ends[nends++] = emit(u, OP_JUMP, 0);
        u->depth = depth0 + 1;
        if (jnext >= 0) patch(u, jnext, here(u));
    }
    /* no clause matched: re-raise */
    emit(u, OP_RERAISE, 0);
    u->depth = depth0;
    for (int i = 0; i < nends; i++) patch(u, ends[i], here(u));
    free(ends);
}

static void c_try(cunit *u, const ast_node *n) {
    if (n->u.try_.finalbody.n == 0) {
        c_try_except(u, n);
        return;
    }
    int setup = emit(u, OP_SETUP_EXCEPT, 0);
    int depth0 = u->depth;
    fblock *f = push_fb(u, FB_TRY_FINALLY, n);
    f->finalbody = &n->u.try_.finalbody;
    if (n->u.try_.handlers.n) c_try_except(u, n);
    else c_stmts(u, &n->u.try_.body);
    pop_fb(u);
    emit(u, OP_POP_BLOCK, 0);
    c_stmts(u, &n->u.try_.finalbody);
    int jend = emit(u, OP_JUMP, 0);
    patch(u, setup, here(u));
    u->depth = depth0 + 1;
    push_fb(u, FB_FINALLY_EXC, n);
    c_stmts(u, &n->u.try_.finalbody);
    pop_fb(u);
    emit(u, OP_RERAISE, 0);
    u->depth = depth0;
    patch(u, jend, here(u));
}

static void c_with_items(cunit *u, const ast_node *n, int item) {
    if (item >= n->u.with.items.n) {
        c_stmts(u, &n->u.with.body);
        return;
    }
    const ast_node *it = n->u.with.items.items[item];
    set_line(u, it);
    c_expr(u, it->u.withitem.context_expr);
    set_line(u, it);
    /* [ctx] -> [exit, enter-result] */
    emit(u, OP_DUP_TOP, 0);
    emit(u, OP_LOAD_ATTR, add_name(u, "__exit__", 8));
    emit(u, OP_ROT_TWO, 0);
    emit(u, OP_LOAD_METHOD, add_name(u, "__enter__", 9));
    emit(u, OP_CALL_METHOD, 0);
    if (it->u.withitem.optional_vars) c_store(u, it->u.withitem.optional_vars);
    else emit(u, OP_POP_TOP, 0);
    int setup = emit(u, OP_SETUP_EXCEPT, 0);
    int depth0 = u->depth; /* [exit] */
    push_fb(u, FB_WITH, n);
    c_with_items(u, n, item + 1);
    pop_fb(u);
    emit(u, OP_POP_BLOCK, 0);
    set_line(u, it);
    load_const(u, v_none());
    emit(u, OP_DUP_TOP, 0);
    emit(u, OP_DUP_TOP, 0);
    emit(u, OP_CALL, 3);
    emit(u, OP_POP_TOP, 0);
    int jend = emit(u, OP_JUMP, 0);
    patch(u, setup, here(u));
    /* handler: [exit, exc] -> __exit__(type, exc, None); a true result suppresses */
    u->depth = depth0 + 1;
    emit(u, OP_WITH_EXC_PREP, 0);
    emit(u, OP_CALL, 3);
    int jsup = emit(u, OP_POP_JUMP_IF_TRUE, 0);
    emit(u, OP_RERAISE, 0);
    u->depth = depth0;
    patch(u, jsup, here(u));
    emit(u, OP_POP_TOP, 0);
    emit(u, OP_POP_EXCEPT, 0);
    patch(u, jend, here(u));
    u->depth = depth0 - 1;
}

static bool module_supported(const char *name, size_t len) {
    for (int i = 0; comp_supported_modules[i]; i++)
        if (strlen(comp_supported_modules[i]) == len && memcmp(comp_supported_modules[i], name, len) == 0)
            return true;
    return false;
}

static bool check_module(cunit *u, const ast_node *n, ast_str name) {
    size_t top = name.len;
    const char *dot = memchr(name.s, '.', name.len);
    if (dot) top = (size_t)(dot - name.s);
    if (module_supported(name.s, top)) return true;
    comp_error(u, n, "ModuleNotFoundError: module '%.*s' is not supported by concviz "
                     "(supported: os, sys, time, random, threading, queue, multiprocessing, concviz, math)",
               (int)name.len, name.s);
    return false;
}

static void c_import(cunit *u, const ast_node *n) {
    const ast_list *names = &n->u.import.names;
    if (n->kind == AST_IMPORT) {
        for (int i = 0; i < names->n; i++) {
            const ast_node *al = names->items[i];
            if (!check_module(u, al, al->u.alias.name)) return;
            ast_str full = al->u.alias.name;
            ast_str bind = full;
            if (!al->u.alias.asname.s) {
                const char *dot = memchr(full.s, '.', full.len);
                if (dot) bind.len = (size_t)(dot - full.s);
                emit(u, OP_IMPORT_NAME, add_name(u, bind.s, bind.len));
            } else {
                bind = al->u.alias.asname;
                emit(u, OP_IMPORT_NAME, add_name(u, full.s, full.len));
            }
            name_op(u, bind, 1);
        }
        return;
    }
    if (n->u.import.level > 0) {
        unsupported(u, n, "relative imports");
        return;
    }
    if (!check_module(u, n, n->u.import.module)) return;
    emit(u, OP_IMPORT_NAME, add_name(u, n->u.import.module.s, n->u.import.module.len));
    for (int i = 0; i < names->n; i++) {
        const ast_node *al = names->items[i];
        if (al->u.alias.name.len == 1 && al->u.alias.name.s[0] == '*') {
            if (u->sc->kind != SC_MODULE) {
                comp_error(u, al, "SyntaxError: import * only allowed at module level");
                return;
            }
            emit(u, OP_DUP_TOP, 0);
            emit(u, OP_IMPORT_STAR, 0);
            continue;
        }
        emit(u, OP_IMPORT_FROM, add_name(u, al->u.alias.name.s, al->u.alias.name.len));
        name_op(u, al->u.alias.asname.s ? al->u.alias.asname : al->u.alias.name, 1);
    }
    emit(u, OP_POP_TOP, 0);
}

static void c_augassign(cunit *u, const ast_node *n) {
    const ast_node *t = n->u.augassign.target;
    int op = (int)n->u.augassign.op;
    switch (t->kind) {
    case AST_NAME: {
        /* the load does not count as a copy of the value, so a string the
           variable alone holds may grow in place (str_concat_in_place) */
        int arg;
        name_kind k = resolve(u, t->u.name.id, &arg);
        static const opcode aug_loads[] = {OP_LOAD_FAST_AUG, OP_LOAD_DEREF, OP_LOAD_GLOBAL_AUG, OP_LOAD_NAME_AUG};
        emit(u, aug_loads[k], arg);
        c_expr(u, n->u.augassign.value);
        set_line(u, n);
        emit(u, OP_INPLACE_OP, op | (k == NAME_DEREF ? 0 : INPLACE_NAME_TARGET));
        name_op(u, t->u.name.id, 1);
        break;
    }
    case AST_ATTRIBUTE: {
        int nm = add_name(u, t->u.attribute.attr.s, t->u.attribute.attr.len);
        c_expr(u, t->u.attribute.value);
        emit(u, OP_DUP_TOP, 0);
        set_line(u, n);
        emit(u, OP_LOAD_ATTR, nm);
        c_expr(u, n->u.augassign.value);
        set_line(u, n);
        emit(u, OP_INPLACE_OP, op);
        emit(u, OP_ROT_TWO, 0);
        emit(u, OP_STORE_ATTR, nm);
        break;
    }
    case AST_SUBSCRIPT:
        c_expr(u, t->u.subscript.value);
        c_expr(u, t->u.subscript.index);
        emit(u, OP_DUP_TOP_TWO, 0);
        set_line(u, n);
        emit(u, OP_BINARY_SUBSCR, 0);
        c_expr(u, n->u.augassign.value);
        set_line(u, n);
        emit(u, OP_INPLACE_OP, op);
        emit(u, OP_ROT_THREE, 0);
        emit(u, OP_STORE_SUBSCR, 0);
        break;
    default: comp_error(u, t, "SyntaxError: 'expression' is an illegal expression for augmented assignment"); break;
    }
}

static void c_stmt(cunit *u, const ast_node *n) {
    if (u->c->failed || !n) return;
    set_line(u, n);
    switch (n->kind) {
    case AST_EXPR_STMT: {
        const ast_node *v = n->u.expr_stmt.value;
        if (v->kind == AST_STR || v->kind == AST_NONE) break; /* docstrings, `...` */
        if (v->kind == AST_YIELD && v->u.yield.is_from) {
            /* yield from it: yields each item of it (values sent in are
               not passed on to a subgenerator) */
            c_expr(u, v->u.yield.value);
            emit(u, OP_GET_ITER, 0);
            int top = here(u);
            int exit = emit(u, OP_FOR_ITER, 0);
            set_line(u, v);
            emit(u, OP_YIELD_VALUE, 0);
            emit(u, OP_POP_TOP, 0);
            emit(u, OP_JUMP, top);
            patch(u, exit, here(u));
            u->depth--; /* the loop's exit pops the iterator */
            break;
        }
        c_expr(u, v);
        emit(u, OP_POP_TOP, 0);
        break;
    }
    case AST_ASSIGN: {
        c_expr(u, n->u.assign.value);
        int nt = n->u.assign.targets.n;
        for (int i = 0; i < nt; i++) {
            if (i < nt - 1) emit(u, OP_DUP_TOP, 0);
            c_store(u, n->u.assign.targets.items[i]);
        }
        break;
    }
    case AST_AUGASSIGN: c_augassign(u, n); break;
    case AST_ANNASSIGN:
        if (n->u.annassign.value) {
            c_expr(u, n->u.annassign.value);
            c_store(u, n->u.annassign.target);
        }
        break;
    case AST_IF: {
        c_expr(u, n->u.if_.test);
        int jf = emit(u, OP_POP_JUMP_IF_FALSE, 0);
        c_stmts(u, &n->u.if_.body);
        if (n->u.if_.orelse.n) {
            int je = emit(u, OP_JUMP, 0);
            patch(u, jf, here(u));
            c_stmts(u, &n->u.if_.orelse);
            patch(u, je, here(u));
        } else {
            patch(u, jf, here(u));
        }
        break;
    }
    case AST_WHILE: {
        int start = here(u);
        c_expr(u, n->u.loop.test);
        int jf = emit(u, OP_POP_JUMP_IF_FALSE, 0);
        fblock *f = push_fb(u, FB_WHILE, n);
        f->continue_target = start;
        c_stmts(u, &n->u.loop.body);
        emit(u, OP_JUMP, start);
        patch(u, jf, here(u));
        fblock loop = u->fb[u->nfb - 1];
        u->nfb--;
        c_stmts(u, &n->u.loop.orelse);
        for (int i = 0; i < loop.nbreaks; i++) patch(u, loop.breaks[i], here(u));
        free(loop.breaks);
        break;
    }
    case AST_FOR: {
        c_expr(u, n->u.loop.iter);
        set_line(u, n);
        emit(u, OP_GET_ITER, 0);
        int start = here(u);
        int jexit = emit(u, OP_FOR_ITER, 0);
        fblock *f = push_fb(u, FB_FOR, n);
        f->continue_target = start;
        c_store(u, n->u.loop.target);
        c_stmts(u, &n->u.loop.body);
        set_line(u, n);
        emit(u, OP_JUMP, start);
        patch(u, jexit, here(u));
        u->depth -= 1; /* the iterator is gone on exit */
        fblock loop = u->fb[u->nfb - 1];
        u->nfb--;
        c_stmts(u, &n->u.loop.orelse);
        for (int i = 0; i < loop.nbreaks; i++) patch(u, loop.breaks[i], here(u));
        free(loop.breaks);
        break;
    }
    case AST_BREAK: c_break_continue(u, n, true); break;
    case AST_CONTINUE: c_break_continue(u, n, false); break;
    case AST_PASS: break;
    case AST_RETURN: c_return(u, n); break;
    case AST_FUNCDEF:
        if (n->u.funcdef.is_async) {
            unsupported(u, n, "async functions");
            break;
        }
        c_decorators(u, &n->u.funcdef.decorators);
        c_function(u, n, n->u.funcdef.name, &n->u.funcdef.args, &n->u.funcdef.body, NULL);
        c_decorate(u, n, &n->u.funcdef.decorators);
        name_op(u, n->u.funcdef.name, 1);
        break;
    case AST_CLASSDEF: c_class(u, n); break;
    case AST_TRY: c_try(u, n); break;
    case AST_RAISE:
        if (n->u.raise.exc) c_expr(u, n->u.raise.exc);
        if (n->u.raise.cause) c_expr(u, n->u.raise.cause);
        set_line(u, n);
        emit(u, OP_RAISE, n->u.raise.exc ? (n->u.raise.cause ? 2 : 1) : 0);
        break;
    case AST_ASSERT: {
        c_expr(u, n->u.assert_.test);
        int jt = emit(u, OP_POP_JUMP_IF_TRUE, 0);
        set_line(u, n);
        emit(u, OP_LOAD_ASSERTION, 0);
        if (n->u.assert_.msg) {
            c_expr(u, n->u.assert_.msg);
            emit(u, OP_CALL, 1);
        }
        set_line(u, n);
        emit(u, OP_RAISE, 1);
        patch(u, jt, here(u));
        break;
    }
    case AST_WITH:
        if (n->u.with.is_async) {
            unsupported(u, n, "async with statements");
            break;
        }
        c_with_items(u, n, 0);
        break;
    case AST_GLOBAL: case AST_NONLOCAL: break;
    case AST_IMPORT: case AST_IMPORTFROM: c_import(u, n); break;
    case AST_DEL:
        for (int i = 0; i < n->u.del.targets.n; i++) c_delete(u, n->u.del.targets.items[i]);
        break;
    default: comp_error(u, n, "SyntaxError: invalid syntax"); break;
    }
}

static void c_stmts(cunit *u, const ast_list *l) {
    for (int i = 0; i < l->n && !u->c->failed; i++) c_stmt(u, l->items[i]);
}

/* ---------------------------------------------------------------- API */

bool comp_module(const ast_node *module, comp_output *out, lang_error *err) {
    memset(out, 0, sizeof *out);
    symtable_error serr;
    scope *top = symtable_build(module, &serr);
    if (!top) {
        err->line = serr.line;
        err->col = serr.col;
        snprintf(err->msg, sizeof err->msg, "%s", serr.msg);
        return false;
    }
    compiler c = {out, err, false, top};
    cunit *u = xcalloc(1, sizeof(cunit));
    unit_init(u, &c, top, NULL, "<module>", 8, NULL, 1);
    u->flags |= CO_MODULE;
    c_stmts(u, &module->u.module.body);
    load_const(u, v_none());
    emit(u, OP_RETURN_VALUE, 0);
    out->module = unit_finish(u, 1);
    free(u);
    symtable_free(top);
    if (c.failed) {
        comp_output_free(out);
        return false;
    }
    return true;
}

void comp_output_free(comp_output *out) {
    for (size_t i = 0; i < out->nall; i++) {
        code_obj *co = out->all[i];
        free(co->code);
        free(co->lines);
        free(co->consts);
        free(co->names);
        free(co->varnames);
        free(co->cell2arg);
        free(co->cellnames);
        free(co->children);
        free(co);
    }
    free(out->all);
    for (size_t i = 0; i < out->nperm; i++) free(out->perm[i]);
    free(out->perm);
    memset(out, 0, sizeof *out);
}
