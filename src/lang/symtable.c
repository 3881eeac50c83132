/* symtable.c - scope analysis (see symtable.h). Two passes: collect every
 * name's uses and bindings per scope, then resolve free variables by walking
 * outwards through enclosing scopes, as CPython's symtable.c does. */
#include "symtable.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

typedef struct st_builder {
    symtable_error *err;
    bool failed;
} st_builder;

static scope *scope_new(scope_kind kind, const ast_node *node, scope *parent) {
    scope *s = xcalloc(1, sizeof(scope));
    s->kind = kind;
    s->node = node;
    s->parent = parent;
    if (parent) {
        if (parent->nchildren == parent->children_cap) {
            parent->children_cap = parent->children_cap ? parent->children_cap * 2 : 4;
            parent->children = xreallocarray(parent->children, (size_t)parent->children_cap, sizeof(scope *));
        }
        parent->children[parent->nchildren++] = s;
    }
    return s;
}

sym_entry *symtable_find(const scope *s, const char *name, size_t len) {
    for (int i = 0; i < s->nsyms; i++)
        if (s->syms[i].len == len && memcmp(s->syms[i].name, name, len) == 0) return &s->syms[i];
    return NULL;
}

static sym_entry *sym_add(scope *s, ast_str name, unsigned flags, int line, int col) {
    sym_entry *e = symtable_find(s, name.s, name.len);
    if (!e) {
        if (s->nsyms == s->syms_cap) {
            s->syms_cap = s->syms_cap ? s->syms_cap * 2 : 8;
            s->syms = xreallocarray(s->syms, (size_t)s->syms_cap, sizeof(sym_entry));
        }
        e = &s->syms[s->nsyms++];
        e->name = name.s;
        e->len = name.len;
        e->flags = 0;
        e->line = line;
        e->col = col;
    }
    e->flags |= flags;
    return e;
}

static void st_fail(st_builder *b, int line, int col, const char *msg) {
    if (b->failed) return;
    b->failed = true;
    b->err->line = line;
    b->err->col = col;
    snprintf(b->err->msg, sizeof b->err->msg, "%s", msg);
}

static void st_expr(st_builder *b, scope *s, const ast_node *n);
static void st_stmts(st_builder *b, scope *s, const ast_list *l);

static void st_exprs(st_builder *b, scope *s, const ast_list *l) {
    for (int i = 0; i < l->n; i++) st_expr(b, s, l->items[i]);
}

/* Records the names a target binds (and the expressions it reads). */
static void st_target(st_builder *b, scope *s, const ast_node *t) {
    if (!t) return;
    switch (t->kind) {
    case AST_NAME: sym_add(s, t->u.name.id, SYM_BOUND, t->line, t->col); break;
    case AST_TUPLE: case AST_LIST:
        for (int i = 0; i < t->u.seq.elts.n; i++) st_target(b, s, t->u.seq.elts.items[i]);
        break;
    case AST_STARRED: st_target(b, s, t->u.starred.value); break;
    default: st_expr(b, s, t); break;
    }
}

static void st_args_defaults(st_builder *b, scope *s, const ast_args *a) {
    st_exprs(b, s, &a->defaults);
    for (int i = 0; i < a->nkwonly; i++)
        if (a->kwdefaults && a->kwdefaults[i]) st_expr(b, s, a->kwdefaults[i]);
}

static void st_params(scope *fs, const ast_args *a, int line, int col) {
    for (int i = 0; i < a->nnames; i++) sym_add(fs, a->names[i], SYM_BOUND | SYM_PARAM, line, col);
    for (int i = 0; i < a->nkwonly; i++) sym_add(fs, a->kwonly[i], SYM_BOUND | SYM_PARAM, line, col);
    if (a->vararg.s) sym_add(fs, a->vararg, SYM_BOUND | SYM_PARAM, line, col);
    if (a->kwarg.s) sym_add(fs, a->kwarg, SYM_BOUND | SYM_PARAM, line, col);
}

static void st_comprehension(st_builder *b, scope *s, const ast_node *n) {
    const ast_list *gens = &n->u.comp.generators;
    if (gens->n == 0) return;
    /* the first iterable is evaluated in the enclosing scope */
    st_expr(b, s, gens->items[0]->u.comprehension.iter);
    scope *cs = scope_new(SC_COMP, n, s);
    ast_str dot0 = {".0", 2};
    sym_add(cs, dot0, SYM_BOUND | SYM_PARAM, n->line, n->col);
    for (int i = 0; i < gens->n; i++) {
        const ast_node *g = gens->items[i];
        if (i > 0) st_expr(b, cs, g->u.comprehension.iter);
        st_target(b, cs, g->u.comprehension.target);
        st_exprs(b, cs, &g->u.comprehension.ifs);
    }
    st_expr(b, cs, n->u.comp.key);
    st_expr(b, cs, n->u.comp.elt);
}

static void st_expr(st_builder *b, scope *s, const ast_node *n) {
    if (!n || b->failed) return;
    switch (n->kind) {
    case AST_NAME: sym_add(s, n->u.name.id, SYM_USED, n->line, n->col); break;
    case AST_INT: case AST_FLOAT: case AST_STR: case AST_NONE: case AST_TRUE: case AST_FALSE: break;
    case AST_FSTRING: st_exprs(b, s, &n->u.fstring.parts); break;
    case AST_FORMATTED:
        st_expr(b, s, n->u.formatted.value);
        st_expr(b, s, n->u.formatted.spec);
        break;
    case AST_TUPLE: case AST_LIST: case AST_SET: st_exprs(b, s, &n->u.seq.elts); break;
    case AST_DICT:
        for (int i = 0; i < n->u.dict.keys.n; i++) {
            st_expr(b, s, n->u.dict.keys.items[i]);
            st_expr(b, s, n->u.dict.values.items[i]);
        }
        break;
    case AST_BINOP: st_expr(b, s, n->u.binop.left); st_expr(b, s, n->u.binop.right); break;
    case AST_UNARYOP: st_expr(b, s, n->u.unary.operand); break;
    case AST_BOOLOP: st_exprs(b, s, &n->u.boolop.values); break;
    case AST_COMPARE:
        st_expr(b, s, n->u.compare.left);
        st_exprs(b, s, &n->u.compare.comparators);
        break;
    case AST_IFEXP:
        st_expr(b, s, n->u.ifexp.test);
        st_expr(b, s, n->u.ifexp.body);
        st_expr(b, s, n->u.ifexp.orelse);
        break;
    case AST_LAMBDA: {
        st_args_defaults(b, s, &n->u.lambda.args);
        scope *fs = scope_new(SC_FUNCTION, n, s);
        st_params(fs, &n->u.lambda.args, n->line, n->col);
        st_expr(b, fs, n->u.lambda.body);
        break;
    }
    case AST_CALL:
        st_expr(b, s, n->u.call.func);
        st_exprs(b, s, &n->u.call.args);
        st_exprs(b, s, &n->u.call.keywords);
        break;
    case AST_KEYWORD: st_expr(b, s, n->u.keyword.value); break;
    case AST_STARRED: st_expr(b, s, n->u.starred.value); break;
    case AST_ATTRIBUTE: st_expr(b, s, n->u.attribute.value); break;
    case AST_SUBSCRIPT: st_expr(b, s, n->u.subscript.value); st_expr(b, s, n->u.subscript.index); break;
    case AST_SLICE:
        st_expr(b, s, n->u.slice.lower);
        st_expr(b, s, n->u.slice.upper);
        st_expr(b, s, n->u.slice.step);
        break;
    case AST_LISTCOMP: case AST_GENEXP: case AST_DICTCOMP: case AST_SETCOMP: st_comprehension(b, s, n); break;
    case AST_YIELD:
        if (s->kind == SC_FUNCTION) s->generator = true;
        else if (s->kind == SC_COMP) st_fail(b, n->line, n->col, "SyntaxError: 'yield' inside list comprehension");
        else st_fail(b, n->line, n->col, "SyntaxError: 'yield' outside function");
        st_expr(b, s, n->u.yield.value);
        break;
    default: break; /* the compiler rejects the rest with a located message */
    }
}

static void st_stmt(st_builder *b, scope *s, const ast_node *n) {
    if (!n || b->failed) return;
    switch (n->kind) {
    case AST_EXPR_STMT: st_expr(b, s, n->u.expr_stmt.value); break;
    case AST_ASSIGN:
        st_expr(b, s, n->u.assign.value);
        for (int i = 0; i < n->u.assign.targets.n; i++) st_target(b, s, n->u.assign.targets.items[i]);
        break;
    case AST_AUGASSIGN:
        st_expr(b, s, n->u.augassign.value);
        if (n->u.augassign.target->kind == AST_NAME)
            sym_add(s, n->u.augassign.target->u.name.id, SYM_BOUND | SYM_USED, n->line, n->col);
        else
            st_expr(b, s, n->u.augassign.target);
        break;
    case AST_ANNASSIGN:
        st_expr(b, s, n->u.annassign.value);
        if (n->u.annassign.value) st_target(b, s, n->u.annassign.target);
        break;
    case AST_IF:
        st_expr(b, s, n->u.if_.test);
        st_stmts(b, s, &n->u.if_.body);
        st_stmts(b, s, &n->u.if_.orelse);
        break;
    case AST_WHILE:
        st_expr(b, s, n->u.loop.test);
        st_stmts(b, s, &n->u.loop.body);
        st_stmts(b, s, &n->u.loop.orelse);
        break;
    case AST_FOR:
        st_expr(b, s, n->u.loop.iter);
        st_target(b, s, n->u.loop.target);
        st_stmts(b, s, &n->u.loop.body);
        st_stmts(b, s, &n->u.loop.orelse);
        break;
    case AST_RETURN: st_expr(b, s, n->u.ret.value); break;
    case AST_FUNCDEF: {
        st_exprs(b, s, &n->u.funcdef.decorators);
        st_args_defaults(b, s, &n->u.funcdef.args);
        sym_add(s, n->u.funcdef.name, SYM_BOUND, n->line, n->col);
        scope *fs = scope_new(SC_FUNCTION, n, s);
        st_params(fs, &n->u.funcdef.args, n->line, n->col);
        st_stmts(b, fs, &n->u.funcdef.body);
        break;
    }
    case AST_CLASSDEF: {
        st_exprs(b, s, &n->u.classdef.decorators);
        st_exprs(b, s, &n->u.classdef.bases);
        st_exprs(b, s, &n->u.classdef.keywords);
        sym_add(s, n->u.classdef.name, SYM_BOUND, n->line, n->col);
        scope *cs = scope_new(SC_CLASS, n, s);
        st_stmts(b, cs, &n->u.classdef.body);
        break;
    }
    case AST_TRY:
        st_stmts(b, s, &n->u.try_.body);
        for (int i = 0; i < n->u.try_.handlers.n; i++) {
            const ast_node *h = n->u.try_.handlers.items[i];
            st_expr(b, s, h->u.handler.type);
            if (h->u.handler.name.s) sym_add(s, h->u.handler.name, SYM_BOUND, h->line, h->col);
            st_stmts(b, s, &h->u.handler.body);
        }
        st_stmts(b, s, &n->u.try_.orelse);
        st_stmts(b, s, &n->u.try_.finalbody);
        break;
    case AST_RAISE: st_expr(b, s, n->u.raise.exc); st_expr(b, s, n->u.raise.cause); break;
    case AST_ASSERT: st_expr(b, s, n->u.assert_.test); st_expr(b, s, n->u.assert_.msg); break;
    case AST_WITH:
        for (int i = 0; i < n->u.with.items.n; i++) {
            const ast_node *it = n->u.with.items.items[i];
            st_expr(b, s, it->u.withitem.context_expr);
            st_target(b, s, it->u.withitem.optional_vars);
        }
        st_stmts(b, s, &n->u.with.body);
        break;
    case AST_GLOBAL: case AST_NONLOCAL:
        for (int i = 0; i < n->u.names.n; i++) {
            sym_entry *e = symtable_find(s, n->u.names.names[i].s, n->u.names.names[i].len);
            if (e && (e->flags & (SYM_BOUND | SYM_USED)) && !(e->flags & (SYM_GLOBAL_DECL | SYM_NONLOCAL_DECL))) {
                char msg[160];
                snprintf(msg, sizeof msg, "SyntaxError: name '%s' is %s before %s declaration",
                         e->name, (e->flags & SYM_BOUND) ? "assigned to" : "used",
                         n->kind == AST_GLOBAL ? "global" : "nonlocal");
                st_fail(b, n->line, n->col, msg);
                return;
            }
            if (n->kind == AST_NONLOCAL && s->kind == SC_MODULE) {
                st_fail(b, n->line, n->col, "SyntaxError: nonlocal declaration not allowed at module level");
                return;
            }
            sym_add(s, n->u.names.names[i], n->kind == AST_GLOBAL ? SYM_GLOBAL_DECL : SYM_NONLOCAL_DECL,
                    n->line, n->col);
        }
        break;
    case AST_IMPORT: case AST_IMPORTFROM:
        for (int i = 0; i < n->u.import.names.n; i++) {
            const ast_node *al = n->u.import.names.items[i];
            ast_str bind = al->u.alias.asname.s ? al->u.alias.asname : al->u.alias.name;
            if (!al->u.alias.asname.s && n->kind == AST_IMPORT) {
                const char *dot = memchr(bind.s, '.', bind.len);
                if (dot) bind.len = (size_t)(dot - bind.s);
            }
            if (bind.len == 1 && bind.s[0] == '*') continue;
            sym_add(s, bind, SYM_BOUND, al->line, al->col);
        }
        break;
    case AST_DEL:
        for (int i = 0; i < n->u.del.targets.n; i++) st_target(b, s, n->u.del.targets.items[i]);
        break;
    default: break;
    }
}

static void st_stmts(st_builder *b, scope *s, const ast_list *l) {
    for (int i = 0; i < l->n; i++) st_stmt(b, s, l->items[i]);
}

/* Is name bound as a variable of function scope p (so inner scopes capture it)? */
static bool binds_capturable(const sym_entry *e) {
    if (!e) return false;
    if (e->flags & SYM_GLOBAL_DECL) return false;
    return (e->flags & (SYM_BOUND | SYM_FREE | SYM_NONLOCAL_DECL)) != 0;
}

/* Resolves a name used (not bound) in s: free if an enclosing function binds it. */
static bool st_resolve_free(scope *s, const sym_entry *e) {
    for (scope *p = s->parent; p; p = p->parent) {
        if (p->kind == SC_MODULE) return false;
        if (p->kind == SC_CLASS) continue;
        sym_entry *pe = symtable_find(p, e->name, e->len);
        if (!binds_capturable(pe)) continue;
        if (pe->flags & SYM_GLOBAL_DECL) return false;
        if (!(pe->flags & SYM_FREE)) pe->flags |= SYM_CELL;
        /* pass-through entries in the scopes between */
        ast_str nm = {e->name, e->len};
        for (scope *q = s->parent; q != p; q = q->parent) sym_add(q, nm, SYM_FREE, e->line, e->col);
        return true;
    }
    return false;
}

static void st_analyze(st_builder *b, scope *s) {
    for (int i = 0; i < s->nsyms && !b->failed; i++) {
        sym_entry *e = &s->syms[i];
        if (e->flags & SYM_GLOBAL_DECL) continue;
        if (e->flags & SYM_NONLOCAL_DECL) {
            sym_entry copy = *e;
            if (!st_resolve_free(s, &copy)) {
                char msg[160];
                snprintf(msg, sizeof msg, "SyntaxError: no binding for nonlocal '%s' found", e->name);
                st_fail(b, e->line, e->col, msg);
                return;
            }
            s->syms[i].flags |= SYM_FREE;
            continue;
        }
        if (s->kind == SC_MODULE) continue;
        if ((e->flags & SYM_BOUND) && s->kind != SC_CLASS) continue;
        if (e->flags & SYM_FREE) continue;
        if (e->flags & SYM_BOUND) continue; /* class-body local */
        sym_entry copy = *e;
        if (st_resolve_free(s, &copy)) s->syms[i].flags |= SYM_FREE;
    }
}

/* Children may add pass-through free names to their parents, which then
 * need their own resolution: analyse leaves first, then re-run parents. */
static void st_analyze_all(st_builder *b, scope *s) {
    for (int i = 0; i < s->nchildren && !b->failed; i++) st_analyze_all(b, s->children[i]);
    st_analyze(b, s);
}

scope *symtable_build(const ast_node *module, symtable_error *err) {
    st_builder b = {err, false};
    scope *top = scope_new(SC_MODULE, module, NULL);
    st_stmts(&b, top, &module->u.module.body);
    if (!b.failed) st_analyze_all(&b, top);
    if (b.failed) {
        symtable_free(top);
        return NULL;
    }
    return top;
}

void symtable_free(scope *s) {
    if (!s) return;
    for (int i = 0; i < s->nchildren; i++) symtable_free(s->children[i]);
    free(s->children);
    free(s->syms);
    free(s);
}

scope *symtable_child(const scope *s, const ast_node *node) {
    for (int i = 0; i < s->nchildren; i++)
        if (s->children[i]->node == node) return s->children[i];
    return NULL;
}
