/* ast.c - the AST arena, its helpers, and the S-expression dumper. */
#include "ast.h"

#include <stdalign.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ast_dump.h"
#include "xalloc.h"

/* ---- the arena: a list of chunks, bump-allocated ---- */

typedef struct ast_chunk {
    struct ast_chunk *next;
    size_t size, used;
    alignas(max_align_t) unsigned char data[];
} ast_chunk;

struct ast_arena {
    ast_chunk *head;
};

#define AST_CHUNK_SIZE ((size_t)64 * 1024)
#define AST_ALIGN (alignof(max_align_t))

ast_arena *ast_arena_new(void) {
    return xcalloc(1, sizeof(ast_arena));
}

void ast_arena_free(ast_arena *a) {
    if (!a) return;
    ast_chunk *c = a->head;
    while (c) {
        ast_chunk *next = c->next;
        free(c);
        c = next;
    }
    free(a);
}

void *ast_arena_alloc(ast_arena *a, size_t size) {
    size_t need = (size + AST_ALIGN - 1) & ~(AST_ALIGN - 1);
    if (need < size) need = size; /* overflow: let xmalloc fail below */
    ast_chunk *c = a->head;
    if (!c || c->size - c->used < need) {
        size_t csize = need > AST_CHUNK_SIZE / 4 ? need : AST_CHUNK_SIZE;
        if (csize > SIZE_MAX - sizeof(ast_chunk)) csize = SIZE_MAX - sizeof(ast_chunk);
        ast_chunk *nc = xmalloc(sizeof(ast_chunk) + csize);
        nc->size = csize;
        nc->used = 0;
        if (c && need > AST_CHUNK_SIZE / 4) {
            /* a big block: keep the current chunk as the head for small ones */
            nc->next = c->next;
            c->next = nc;
        } else {
            nc->next = c;
            a->head = nc;
        }
        c = nc;
    }
    void *p = c->data + c->used;
    c->used += need;
    memset(p, 0, size);
    return p;
}

void ast_list_push(ast_arena *a, ast_list *list, ast_node *item) {
    if (list->n == list->cap) {
        int cap = list->cap ? list->cap * 2 : 4;
        ast_node **items = ast_arena_alloc(a, (size_t)cap * sizeof(ast_node *));
        if (list->n) memcpy(items, list->items, (size_t)list->n * sizeof(ast_node *));
        list->items = items;
        list->cap = cap;
    }
    list->items[list->n++] = item;
}

ast_str ast_str_dup(ast_arena *a, const char *s, size_t len) {
    ast_str r;
    char *d = ast_arena_alloc(a, len + 1);
    if (len) memcpy(d, s, len);
    d[len] = '\0';
    r.s = d;
    r.len = len;
    return r;
}

ast_node *ast_node_new(ast_arena *a, ast_kind kind, int line, int col) {
    ast_node *n = ast_arena_alloc(a, sizeof(ast_node));
    n->kind = kind;
    n->line = n->end_line = line;
    n->col = n->end_col = col;
    return n;
}

/* ---- the dumper (format in ast_dump.h) ---- */

static const char *const ast_binop_names[] = {
    "+", "-", "*", "/", "//", "%", "**", "<<", ">>", "|", "^", "&", "@",
};
static const char *const ast_unary_names[] = {"neg", "pos", "not", "inv"};
static const char *const ast_cmp_names[] = {
    "==", "!=", "<", "<=", ">", ">=", "is", "is-not", "in", "not-in",
};

static void ast_dump_str(const ast_str *s, strbuf *out) {
    sb_putc(out, '"');
    for (size_t i = 0; i < s->len; i++) {
        unsigned char c = (unsigned char)s->s[i];
        switch (c) {
        case '\\': sb_puts(out, "\\\\"); break;
        case '"': sb_puts(out, "\\\""); break;
        case '\n': sb_puts(out, "\\n"); break;
        case '\t': sb_puts(out, "\\t"); break;
        case '\r': sb_puts(out, "\\r"); break;
        default:
            if (c < 0x20 || c == 0x7F) sb_printf(out, "\\x%02x", c);
            else sb_putc(out, (char)c);
        }
    }
    sb_putc(out, '"');
}

/* A float as Python's repr prints it: the shortest digits that round-trip,
 * positional for exponents -4..15, else d.ddde+XX; "inf" for infinity. */
static void ast_dump_float(double v, strbuf *out) {
    char buf[64], digits[32];
    int prec, n = 0, exp;
    if (v != v) { sb_puts(out, "nan"); return; }
    if (v == 1.0 / 0.0 || v == -1.0 / 0.0) { sb_puts(out, v < 0 ? "-inf" : "inf"); return; }
    for (prec = 1; prec <= 17; prec++) {
        snprintf(buf, sizeof buf, "%.*e", prec - 1, v);
        if (strtod(buf, NULL) == v) break;
    }
    const char *q = buf;
    if (*q == '-') { sb_putc(out, '-'); q++; }
    for (; *q && *q != 'e'; q++)
        if (*q >= '0' && *q <= '9') digits[n++] = *q;
    exp = atoi(q + 1);
    while (n > 1 && digits[n - 1] == '0') n--;
    digits[n] = '\0';
    if (exp >= -4 && exp < 16) {
        if (exp < 0) {
            sb_puts(out, "0.");
            sb_fill(out, '0', (size_t)(-exp - 1));
            sb_puts(out, digits);
        } else if (n <= exp + 1) {
            sb_puts(out, digits);
            sb_fill(out, '0', (size_t)(exp + 1 - n));
            sb_puts(out, ".0");
        } else {
            sb_append(out, digits, (size_t)exp + 1);
            sb_putc(out, '.');
            sb_puts(out, digits + exp + 1);
        }
    } else {
        sb_putc(out, digits[0]);
        if (n > 1) {
            sb_putc(out, '.');
            sb_puts(out, digits + 1);
        }
        sb_printf(out, "e%c%02d", exp < 0 ? '-' : '+', exp < 0 ? -exp : exp);
    }
}

static void ast_dump_rec(const ast_node *n, strbuf *out, int pos);

static void ast_dump_list(const ast_list *l, strbuf *out, int pos) {
    for (int i = 0; i < l->n; i++) {
        sb_putc(out, ' ');
        ast_dump_rec(l->items[i], out, pos);
    }
}

/* A statement list: [S S ...]. */
static void ast_dump_block(const ast_list *l, strbuf *out, int pos) {
    sb_putc(out, '[');
    for (int i = 0; i < l->n; i++) {
        if (i) sb_putc(out, ' ');
        ast_dump_rec(l->items[i], out, pos);
    }
    sb_putc(out, ']');
}

static void ast_dump_name_str(const ast_str *s, strbuf *out) {
    if (s->s) sb_append(out, s->s, s->len);
    else sb_puts(out, "()");
}

static void ast_dump_param(const ast_str *name, const ast_node *def, const char *prefix,
                           strbuf *out, int pos) {
    sb_putc(out, ' ');
    if (def) {
        sb_puts(out, "(= ");
        ast_dump_name_str(name, out);
        sb_putc(out, ' ');
        ast_dump_rec(def, out, pos);
        sb_putc(out, ')');
    } else {
        sb_puts(out, prefix);
        ast_dump_name_str(name, out);
    }
}

static void ast_dump_args(const ast_args *a, strbuf *out, int pos) {
    sb_puts(out, "(args");
    int first_default = a->nnames - a->defaults.n;
    for (int i = 0; i < a->nnames; i++)
        ast_dump_param(&a->names[i], i >= first_default ? a->defaults.items[i - first_default] : NULL,
                       "", out, pos);
    if (a->vararg.s) {
        sb_puts(out, " *");
        ast_dump_name_str(&a->vararg, out);
    } else if (a->nkwonly) {
        sb_puts(out, " *");
    }
    for (int i = 0; i < a->nkwonly; i++)
        ast_dump_param(&a->kwonly[i], a->kwdefaults ? a->kwdefaults[i] : NULL, "", out, pos);
    if (a->kwarg.s) {
        sb_puts(out, " **");
        ast_dump_name_str(&a->kwarg, out);
    }
    sb_putc(out, ')');
}

static void ast_dump_decorators(const ast_list *d, strbuf *out, int pos) {
    if (!d->n) return;
    sb_puts(out, " (@");
    ast_dump_list(d, out, pos);
    sb_putc(out, ')');
}

void ast_dump(const ast_node *n, strbuf *out) { ast_dump_rec(n, out, 0); }

void ast_dump_positions(const ast_node *n, strbuf *out) { ast_dump_rec(n, out, 1); }

/* Inserts "@line:col" after the head of the node printed from out[start]:
 * after "(kind", or after a whole atom. */
static void ast_dump_mark(const ast_node *n, strbuf *out, size_t start) {
    char mark[32];
    size_t at = out->len;
    if (out->data[start] == '(') {
        at = start + 1;
        while (at < out->len && out->data[at] != ' ' && out->data[at] != ')') at++;
    }
    int len = snprintf(mark, sizeof mark, "@%d:%d", n->line, n->col);
    size_t m = (size_t)len;
    sb_reserve(out, m);
    memmove(out->data + at + m, out->data + at, out->len - at + 1);
    memcpy(out->data + at, mark, m);
    out->len += m;
}

static void ast_dump_rec(const ast_node *n, strbuf *out, int pos) {
    size_t start = out->len;
    /* pos: 0 plain, 1 marked, 2 this node unmarked, 3 unmarked f-string part */
    if (pos == 1 && n && n->kind != AST_WITHITEM && n->kind != AST_COMPREHENSION &&
        n->kind != AST_MODULE) {
        ast_dump_rec(n, out, 2);
        ast_dump_mark(n, out, start);
        return;
    }
    if (pos >= 2) pos = 1;
    if (!n) {
        sb_puts(out, "()");
        return;
    }
    switch (n->kind) {
    case AST_NAME: ast_dump_name_str(&n->u.name.id, out); break;
    case AST_INT: sb_printf(out, "%lld", (long long)n->u.int_value); break;
    case AST_FLOAT: ast_dump_float(n->u.float_value, out); break;
    case AST_STR: ast_dump_str(&n->u.str, out); break;
    case AST_NONE: sb_puts(out, n->u.str.s ? "..." : "None"); break;
    case AST_TRUE: sb_puts(out, "True"); break;
    case AST_FALSE: sb_puts(out, "False"); break;
    case AST_FSTRING:
        sb_puts(out, "(f");
        for (int i = 0; i < n->u.fstring.parts.n; i++) {
            sb_putc(out, ' ');
            ast_dump_rec(n->u.fstring.parts.items[i], out, pos ? 3 : 0);
        }
        sb_putc(out, ')');
        break;
    case AST_FORMATTED:
        sb_puts(out, "(fmt ");
        ast_dump_rec(n->u.formatted.value, out, pos);
        if (n->u.formatted.conversion) sb_printf(out, " !%c", n->u.formatted.conversion);
        if (n->u.formatted.spec) {
            sb_putc(out, ' ');
            ast_dump_rec(n->u.formatted.spec, out, pos ? 3 : 0);
        }
        sb_putc(out, ')');
        break;
    case AST_TUPLE: case AST_LIST: case AST_SET:
        sb_puts(out, n->kind == AST_TUPLE ? "(tuple" : n->kind == AST_LIST ? "(list" : "(set");
        ast_dump_list(&n->u.seq.elts, out, pos);
        sb_putc(out, ')');
        break;
    case AST_DICT:
        sb_puts(out, "(dict");
        for (int i = 0; i < n->u.dict.keys.n && i < n->u.dict.values.n; i++) {
            sb_puts(out, " (");
            if (n->u.dict.keys.items[i]) {
                ast_dump_rec(n->u.dict.keys.items[i], out, pos);
                sb_putc(out, ' ');
            } else {
                sb_puts(out, "** ");
            }
            ast_dump_rec(n->u.dict.values.items[i], out, pos);
            sb_putc(out, ')');
        }
        sb_putc(out, ')');
        break;
    case AST_BINOP:
        sb_printf(out, "(%s ", ast_binop_names[n->u.binop.op]);
        ast_dump_rec(n->u.binop.left, out, pos);
        sb_putc(out, ' ');
        ast_dump_rec(n->u.binop.right, out, pos);
        sb_putc(out, ')');
        break;
    case AST_UNARYOP:
        sb_printf(out, "(%s ", ast_unary_names[n->u.unary.op]);
        ast_dump_rec(n->u.unary.operand, out, pos);
        sb_putc(out, ')');
        break;
    case AST_BOOLOP:
        sb_puts(out, n->u.boolop.is_and ? "(and" : "(or");
        ast_dump_list(&n->u.boolop.values, out, pos);
        sb_putc(out, ')');
        break;
    case AST_COMPARE:
        sb_puts(out, "(cmp ");
        ast_dump_rec(n->u.compare.left, out, pos);
        for (int i = 0; i < n->u.compare.comparators.n; i++) {
            sb_printf(out, " %s ", ast_cmp_names[n->u.compare.ops[i]]);
            ast_dump_rec(n->u.compare.comparators.items[i], out, pos);
        }
        sb_putc(out, ')');
        break;
    case AST_IFEXP:
        sb_puts(out, "(ifexp ");
        ast_dump_rec(n->u.ifexp.test, out, pos);
        sb_putc(out, ' ');
        ast_dump_rec(n->u.ifexp.body, out, pos);
        sb_putc(out, ' ');
        ast_dump_rec(n->u.ifexp.orelse, out, pos);
        sb_putc(out, ')');
        break;
    case AST_LAMBDA:
        sb_puts(out, "(lambda ");
        ast_dump_args(&n->u.lambda.args, out, pos);
        sb_putc(out, ' ');
        ast_dump_rec(n->u.lambda.body, out, pos);
        sb_putc(out, ')');
        break;
    case AST_CALL:
        sb_puts(out, "(call ");
        ast_dump_rec(n->u.call.func, out, pos);
        ast_dump_list(&n->u.call.args, out, pos);
        ast_dump_list(&n->u.call.keywords, out, pos);
        sb_putc(out, ')');
        break;
    case AST_KEYWORD:
        if (n->u.keyword.name.s) {
            sb_puts(out, "(kw ");
            ast_dump_name_str(&n->u.keyword.name, out);
            sb_putc(out, ' ');
        } else {
            sb_puts(out, "(** ");
        }
        ast_dump_rec(n->u.keyword.value, out, pos);
        sb_putc(out, ')');
        break;
    case AST_STARRED:
        sb_puts(out, "(* ");
        ast_dump_rec(n->u.starred.value, out, pos);
        sb_putc(out, ')');
        break;
    case AST_ATTRIBUTE:
        sb_puts(out, "(. ");
        ast_dump_rec(n->u.attribute.value, out, pos);
        sb_putc(out, ' ');
        ast_dump_name_str(&n->u.attribute.attr, out);
        sb_putc(out, ')');
        break;
    case AST_SUBSCRIPT:
        sb_puts(out, "(sub ");
        ast_dump_rec(n->u.subscript.value, out, pos);
        sb_putc(out, ' ');
        ast_dump_rec(n->u.subscript.index, out, pos);
        sb_putc(out, ')');
        break;
    case AST_SLICE:
        sb_puts(out, "(slice ");
        ast_dump_rec(n->u.slice.lower, out, pos);
        sb_putc(out, ' ');
        ast_dump_rec(n->u.slice.upper, out, pos);
        sb_putc(out, ' ');
        ast_dump_rec(n->u.slice.step, out, pos);
        sb_putc(out, ')');
        break;
    case AST_LISTCOMP: case AST_GENEXP: case AST_SETCOMP: case AST_DICTCOMP:
        sb_puts(out, n->kind == AST_LISTCOMP ? "(listcomp " : n->kind == AST_GENEXP ? "(genexp "
                     : n->kind == AST_SETCOMP ? "(setcomp " : "(dictcomp ");
        if (n->kind == AST_DICTCOMP) {
            ast_dump_rec(n->u.comp.key, out, pos);
            sb_putc(out, ' ');
        }
        ast_dump_rec(n->u.comp.elt, out, pos);
        ast_dump_list(&n->u.comp.generators, out, pos);
        sb_putc(out, ')');
        break;
    case AST_COMPREHENSION:
        sb_puts(out, "(comp ");
        ast_dump_rec(n->u.comprehension.target, out, pos);
        sb_putc(out, ' ');
        ast_dump_rec(n->u.comprehension.iter, out, pos);
        ast_dump_list(&n->u.comprehension.ifs, out, pos);
        sb_putc(out, ')');
        break;
    case AST_YIELD: case AST_AWAIT:
        sb_puts(out, n->kind == AST_YIELD ? "(yield" : "(await");
        if (n->u.yield.value) {
            sb_putc(out, ' ');
            ast_dump_rec(n->u.yield.value, out, pos);
        }
        sb_putc(out, ')');
        break;
    case AST_NAMEDEXPR:
        sb_puts(out, "(:= ");
        ast_dump_name_str(&n->u.keyword.name, out);
        sb_putc(out, ' ');
        ast_dump_rec(n->u.keyword.value, out, pos);
        sb_putc(out, ')');
        break;

    case AST_EXPR_STMT:
        sb_puts(out, "(expr ");
        ast_dump_rec(n->u.expr_stmt.value, out, pos);
        sb_putc(out, ')');
        break;
    case AST_ASSIGN:
        sb_puts(out, "(=");
        ast_dump_list(&n->u.assign.targets, out, pos);
        sb_putc(out, ' ');
        ast_dump_rec(n->u.assign.value, out, pos);
        sb_putc(out, ')');
        break;
    case AST_AUGASSIGN:
        sb_printf(out, "(%s= ", ast_binop_names[n->u.augassign.op]);
        ast_dump_rec(n->u.augassign.target, out, pos);
        sb_putc(out, ' ');
        ast_dump_rec(n->u.augassign.value, out, pos);
        sb_putc(out, ')');
        break;
    case AST_ANNASSIGN:
        sb_puts(out, "(ann ");
        ast_dump_rec(n->u.annassign.target, out, pos);
        sb_putc(out, ' ');
        ast_dump_rec(n->u.annassign.annotation, out, pos);
        if (n->u.annassign.value) {
            sb_putc(out, ' ');
            ast_dump_rec(n->u.annassign.value, out, pos);
        }
        sb_putc(out, ')');
        break;
    case AST_IF:
        sb_puts(out, "(if ");
        ast_dump_rec(n->u.if_.test, out, pos);
        sb_putc(out, ' ');
        ast_dump_block(&n->u.if_.body, out, pos);
        sb_putc(out, ' ');
        ast_dump_block(&n->u.if_.orelse, out, pos);
        sb_putc(out, ')');
        break;
    case AST_WHILE: case AST_FOR:
        if (n->kind == AST_WHILE) {
            sb_puts(out, "(while ");
            ast_dump_rec(n->u.loop.test, out, pos);
        } else {
            sb_puts(out, "(for ");
            ast_dump_rec(n->u.loop.target, out, pos);
            sb_putc(out, ' ');
            ast_dump_rec(n->u.loop.iter, out, pos);
        }
        sb_putc(out, ' ');
        ast_dump_block(&n->u.loop.body, out, pos);
        sb_putc(out, ' ');
        ast_dump_block(&n->u.loop.orelse, out, pos);
        sb_putc(out, ')');
        break;
    case AST_BREAK: sb_puts(out, "break"); break;
    case AST_CONTINUE: sb_puts(out, "continue"); break;
    case AST_PASS: sb_puts(out, "pass"); break;
    case AST_RETURN:
        sb_puts(out, "(return");
        if (n->u.ret.value) {
            sb_putc(out, ' ');
            ast_dump_rec(n->u.ret.value, out, pos);
        }
        sb_putc(out, ')');
        break;
    case AST_FUNCDEF:
        sb_puts(out, n->u.funcdef.is_async ? "(async-def " : "(def ");
        ast_dump_name_str(&n->u.funcdef.name, out);
        sb_putc(out, ' ');
        ast_dump_args(&n->u.funcdef.args, out, pos);
        sb_putc(out, ' ');
        ast_dump_block(&n->u.funcdef.body, out, pos);
        ast_dump_decorators(&n->u.funcdef.decorators, out, pos);
        sb_putc(out, ')');
        break;
    case AST_CLASSDEF:
        sb_puts(out, "(class ");
        ast_dump_name_str(&n->u.classdef.name, out);
        sb_puts(out, " (");
        for (int i = 0; i < n->u.classdef.bases.n; i++) {
            if (i) sb_putc(out, ' ');
            ast_dump_rec(n->u.classdef.bases.items[i], out, pos);
        }
        for (int i = 0; i < n->u.classdef.keywords.n; i++) {
            if (i || n->u.classdef.bases.n) sb_putc(out, ' ');
            ast_dump_rec(n->u.classdef.keywords.items[i], out, pos);
        }
        sb_puts(out, ") ");
        ast_dump_block(&n->u.classdef.body, out, pos);
        ast_dump_decorators(&n->u.classdef.decorators, out, pos);
        sb_putc(out, ')');
        break;
    case AST_TRY:
        sb_puts(out, "(try ");
        ast_dump_block(&n->u.try_.body, out, pos);
        sb_putc(out, ' ');
        ast_dump_block(&n->u.try_.handlers, out, pos);
        sb_putc(out, ' ');
        ast_dump_block(&n->u.try_.orelse, out, pos);
        sb_putc(out, ' ');
        ast_dump_block(&n->u.try_.finalbody, out, pos);
        sb_putc(out, ')');
        break;
    case AST_EXCEPTHANDLER:
        sb_puts(out, "(except ");
        ast_dump_rec(n->u.handler.type, out, pos);
        sb_putc(out, ' ');
        ast_dump_name_str(&n->u.handler.name, out);
        sb_putc(out, ' ');
        ast_dump_block(&n->u.handler.body, out, pos);
        sb_putc(out, ')');
        break;
    case AST_RAISE:
        sb_puts(out, "(raise");
        if (n->u.raise.exc) {
            sb_putc(out, ' ');
            ast_dump_rec(n->u.raise.exc, out, pos);
        }
        if (n->u.raise.cause) {
            sb_puts(out, " from ");
            ast_dump_rec(n->u.raise.cause, out, pos);
        }
        sb_putc(out, ')');
        break;
    case AST_ASSERT:
        sb_puts(out, "(assert ");
        ast_dump_rec(n->u.assert_.test, out, pos);
        if (n->u.assert_.msg) {
            sb_putc(out, ' ');
            ast_dump_rec(n->u.assert_.msg, out, pos);
        }
        sb_putc(out, ')');
        break;
    case AST_WITH:
        sb_puts(out, n->u.with.is_async ? "(async-with" : "(with");
        ast_dump_list(&n->u.with.items, out, pos);
        sb_putc(out, ' ');
        ast_dump_block(&n->u.with.body, out, pos);
        sb_putc(out, ')');
        break;
    case AST_WITHITEM:
        sb_puts(out, "(item ");
        ast_dump_rec(n->u.withitem.context_expr, out, pos);
        if (n->u.withitem.optional_vars) {
            sb_putc(out, ' ');
            ast_dump_rec(n->u.withitem.optional_vars, out, pos);
        }
        sb_putc(out, ')');
        break;
    case AST_GLOBAL: case AST_NONLOCAL:
        sb_puts(out, n->kind == AST_GLOBAL ? "(global" : "(nonlocal");
        for (int i = 0; i < n->u.names.n; i++) {
            sb_putc(out, ' ');
            ast_dump_name_str(&n->u.names.names[i], out);
        }
        sb_putc(out, ')');
        break;
    case AST_IMPORT:
        sb_puts(out, "(import");
        ast_dump_list(&n->u.import.names, out, pos);
        sb_putc(out, ')');
        break;
    case AST_IMPORTFROM:
        sb_puts(out, "(from ");
        for (int i = 0; i < n->u.import.level; i++) sb_putc(out, '.');
        if (n->u.import.module.s) sb_append(out, n->u.import.module.s, n->u.import.module.len);
        ast_dump_list(&n->u.import.names, out, pos);
        sb_putc(out, ')');
        break;
    case AST_ALIAS:
        if (n->u.alias.asname.s) {
            sb_puts(out, "(as ");
            ast_dump_name_str(&n->u.alias.name, out);
            sb_putc(out, ' ');
            ast_dump_name_str(&n->u.alias.asname, out);
            sb_putc(out, ')');
        } else {
            ast_dump_name_str(&n->u.alias.name, out);
        }
        break;
    case AST_DEL:
        sb_puts(out, "(del");
        ast_dump_list(&n->u.del.targets, out, pos);
        sb_putc(out, ')');
        break;
    case AST_MODULE:
        sb_puts(out, "(module");
        ast_dump_list(&n->u.module.body, out, pos);
        sb_putc(out, ')');
        break;
    default:
        sb_printf(out, "(?%d)", (int)n->kind);
        break;
    }
}
