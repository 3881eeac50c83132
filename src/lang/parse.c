/* parse.c - recursive-descent parser: tokens (lex.h) -> AST (ast.h).
 *
 * The grammar is CPython 3.11's (without match, type parameters and
 * except*), rewritten to be parsed with one or two tokens of lookahead:
 *
 *   file         := statement* ENDMARKER
 *   statement    := compound | simple (';' simple)* [';'] NEWLINE
 *   compound     := if | while | for | try | with | def | class
 *                 | decorator+ (def | class | 'async' def) | 'async' (def | for | with)
 *   block        := NEWLINE INDENT statement+ DEDENT | simple-statements
 *   simple       := pass | break | continue | return [star_exprs] | raise [expr ['from' expr]]
 *                 | global NAME,+ | nonlocal NAME,+ | del target,+ | assert expr [',' expr]
 *                 | import dotted ['as' NAME],+ | from ('.'|'...')* [dotted] import (* | names)
 *                 | exprs ('=' exprs)+ | target augop exprs | target ':' expr ['=' exprs] | exprs
 *                   (exprs = yield_expr | star_exprs; targets are parsed as expressions,
 *                    then checked)
 *   star_exprs   := star_expr (',' star_expr)* [',']      star_expr := '*' bitor | expr
 *   named_expr   := NAME ':=' expr | expr
 *   expr         := lambda | disjunction ['if' disjunction 'else' expr]
 *   disjunction  := conjunction ('or' conjunction)*      conjunction := inversion ('and' ...)*
 *   inversion    := 'not' inversion | comparison         comparison := bitor (cmpop bitor)*
 *   bitor .. term:  | ^ & << >> + - * / // % @ (left-associative)
 *   factor       := ('+'|'-'|'~') factor | power          power := ['await'] primary ['**' factor]
 *   primary      := atom ('.' NAME | '(' args ')' | '[' slices ']')*
 *   atom         := NAME | NUMBER | STRING+ | None | True | False | '...'
 *                 | '(' [yield | star_named ',' ... | genexp] ')' | '[' ... ']' | '{' ... '}'
 *
 * Conventions beyond ast.h (the compiler relies on them):
 *   - '...' is an AST_NONE whose u.str holds "..." (u.str.s is NULL for None);
 *   - 'yield from x' is an AST_YIELD; AST_AWAIT keeps its operand in u.yield.value;
 *     'async for' (statement or comprehension) wraps the iterable in an AST_AWAIT;
 *   - AST_NAMEDEXPR uses u.keyword: .name is the target, .value the value;
 *   - f'{x=}' is the literal "x=" followed by a field with conversion 'r' (none
 *     when a spec is given); an empty spec (f'{x:}') is a NULL spec;
 *   - f(x for x in y): the lone argument is an AST_GENEXP placed at the '(';
 *   - a group '(x)' is x itself; 'with (a as b, c):' has two items;
 *   - decorators are in source order and the def/class sits on its own line;
 *   - annotations of parameters and the return annotation are dropped, '/' is
 *     accepted and ignored (positional-only names stay in args.names).
 *
 * Errors: CPython parses a failing file twice, the second time with extra
 * "invalid_*" rules that raise specific messages, and a tokenizer error met
 * anywhere wins. This parser makes one pass: it raises the specific messages
 * at the point where they are detected, and where CPython's rule needs more
 * input first it reads on speculatively (parse_attempt: a generic failure
 * is rolled back, a specific error or a tokenizer error ends the parse). The
 * whole file is tokenized first; a tokenizer error further on replaces a
 * parser error as in CPython. Errors longjmp out to parse_module; the arena
 * owns everything built so far. Messages and positions are CPython 3.11's
 * (the tests compare against it); f-string errors point into the source.
 */
#include "parse.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lex.h"
#include "strbuf.h"
#include "xalloc.h"

/* Nesting limit: recursion plus the length of left-associative chains, so
 * that every tree this parser returns is at most about this deep. */
#define PARSE_MAX_DEPTH 1000

typedef struct parser {
    ast_arena *arena;
    const char *text;           /* the prepared source */
    lex_token *toks;            /* the token stream being parsed */
    int ntok, pos;
    const lex_error *lexerr;    /* the error of that stream (its last token is LEX_ERROR) */
    lex_token *main_toks;       /* the whole program's stream */
    int main_ntok;
    lex_error main_lexerr;      /* ... and its error */
    parse_error *err;
    int err_from_lexer;         /* err is main_lexerr, reached by the parser */
    int generic_pending;        /* the error being raised is a generic "invalid syntax" */
    int err_generic;            /* err is generic: speculative parses may roll it back */
    int no_override;            /* err must not be replaced by a later tokenizer error */
    jmp_buf *jb;
    int depth;
    int fstring;                /* >0 inside an f-string replacement field */
    int no_invalid;             /* >0: no error heuristics (dictionary keys) */
    int skip_checks_once;       /* the next expression skips its own heuristics */
    int prev_line, prev_col;    /* end of the last consumed token */
    int far, far_line;          /* furthest token index looked at, and its line */
    lex_token **owned;          /* token arrays to free at the end */
    int nowned, capowned;
    strbuf **sbpool;            /* scratch buffers, used as a stack */
    int sbcount, sbused;
    int attempting;             /* speculative parses under way (parse_attempt) */
    long nested_attempts;       /* speculative parses started inside another */
} parser;

/* Speculation inside speculation (the error heuristics looking ahead at
 * every level of a deeply nested bad expression) can take exponential
 * time, as it would in a PEG parser without memoization. Past this many,
 * a nested attempt counts as failed: the message may be plainer, the
 * parse stays fast (found by fuzzing: 415 bytes took seconds). */
#define PARSE_MAX_NESTED_ATTEMPTS 20000

/* What a target is checked for (as in CPython's _PyPegen_get_invalid_target). */
enum { TARGETS_STAR, TARGETS_DEL, TARGETS_FOR };

static ast_node *parse_expression(parser *p);
static ast_node *parse_named_expression(parser *p, int check_eq);
static ast_node *parse_star_expressions(parser *p);
static ast_node *parse_star_named_expression(parser *p);
static ast_node *parse_disjunction(parser *p);
static ast_node *parse_bitor(parser *p);
static ast_node *parse_factor(parser *p);
static ast_node *parse_yield(parser *p);
static void parse_statement(parser *p, ast_list *body);

/* ---- errors ---- */

/* Records the error (prefixed inside f-string fields) and unwinds. */
static _Noreturn void parse_raise(parser *p, const char *kind, int line, int col, const char *msg) {
    strbuf sb;
    p->err_generic = p->generic_pending;
    p->generic_pending = 0;
    sb_init(&sb);
    if (p->fstring && strncmp(msg, "f-string", 8) != 0) sb_puts(&sb, "f-string: ");
    sb_puts(&sb, msg);
    size_t n = sb.len < sizeof p->err->msg - 1 ? sb.len : sizeof p->err->msg - 1;
    memcpy(p->err->msg, sb.data, n);
    p->err->msg[n] = '\0';
    sb_free(&sb);
    p->err->line = line;
    p->err->col = col < 1 ? 1 : col;
    p->err->kind = kind;
    longjmp(*p->jb, 1);
}

#define PARSE_FORMAT(buf, fmt) \
    char buf[512]; \
    do { \
        va_list ap_; \
        va_start(ap_, fmt); \
        vsnprintf(buf, sizeof buf, fmt, ap_); \
        va_end(ap_); \
    } while (0)

static _Noreturn void parse_fail_at(parser *p, int line, int col, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static _Noreturn void parse_fail_at(parser *p, int line, int col, const char *fmt, ...) {
    PARSE_FORMAT(msg, fmt);
    parse_raise(p, "SyntaxError", line, col, msg);
}

static _Noreturn void parse_fail_node(parser *p, const ast_node *n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static _Noreturn void parse_fail_node(parser *p, const ast_node *n, const char *fmt, ...) {
    PARSE_FORMAT(msg, fmt);
    parse_raise(p, "SyntaxError", n->line, n->col, msg);
}

static _Noreturn void parse_fail_tok(parser *p, const lex_token *t, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static _Noreturn void parse_fail_tok(parser *p, const lex_token *t, const char *fmt, ...) {
    PARSE_FORMAT(msg, fmt);
    parse_raise(p, "SyntaxError", t->line, t->col, msg);
}

static _Noreturn void parse_fail_indent(parser *p, const lex_token *t, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static _Noreturn void parse_fail_indent(parser *p, const lex_token *t, const char *fmt, ...) {
    PARSE_FORMAT(msg, fmt);
    parse_raise(p, "IndentationError", t->line, t->col, msg);
}

/* Reports a tokenizer error. */
static _Noreturn void parse_fail_lexer(parser *p, const lex_error *e) {
    if (e == &p->main_lexerr) p->err_from_lexer = 1;
    parse_raise(p, e->kind, e->line, e->col, e->msg);
}

/* ---- tokens ---- */

/* Notes that token i was looked at: CPython reports generic errors at the
 * furthest token it fetched. */
static void parse_saw(parser *p, int i) {
    if (i > p->far) p->far = i;
    if (p->toks[i].line > p->far_line) p->far_line = p->toks[i].line;
}

static const lex_token *parse_peek(parser *p) {
    const lex_token *t = &p->toks[p->pos];
    parse_saw(p, p->pos);
    if (t->kind == LEX_ERROR) parse_fail_lexer(p, p->lexerr);
    return t;
}

static lex_kind parse_kind(parser *p) { return parse_peek(p)->kind; }

/* The token after the current one. */
static const lex_token *parse_peek2(parser *p) {
    parse_peek(p);
    int i = p->pos + 1 < p->ntok ? p->pos + 1 : p->ntok - 1;
    const lex_token *t = &p->toks[i];
    parse_saw(p, i);
    if (t->kind == LEX_ERROR) parse_fail_lexer(p, p->lexerr);
    return t;
}

static const lex_token *parse_advance(parser *p) {
    const lex_token *t = parse_peek(p);
    if (t->kind != LEX_ENDMARKER) p->pos++;
    if (t->kind != LEX_NEWLINE && t->kind != LEX_INDENT && t->kind != LEX_DEDENT) {
        p->prev_line = t->end_line;
        p->prev_col = t->end_col;
    }
    return t;
}

static int parse_accept(parser *p, lex_kind k) {
    if (parse_kind(p) != k) return 0;
    parse_advance(p);
    return 1;
}

/* The generic error at the furthest token looked at: CPython's "invalid
 * syntax", "unexpected indent" or "unexpected unindent". */
static _Noreturn void parse_fail_here(parser *p) {
    parse_peek(p);
    const lex_token *t = &p->toks[p->far > p->pos ? p->far : p->pos];
    p->generic_pending = 1;
    /* CPython does not look for tokenizer errors further on after these two */
    p->no_override = t->kind == LEX_INDENT || t->kind == LEX_DEDENT;
    if (t->kind == LEX_INDENT) parse_fail_indent(p, t, "unexpected indent");
    if (t->kind == LEX_DEDENT) parse_fail_indent(p, t, "unexpected unindent");
    parse_fail_tok(p, t, "invalid syntax");
}

static const lex_token *parse_expect(parser *p, lex_kind k) {
    if (parse_kind(p) != k) parse_fail_here(p);
    return parse_advance(p);
}

/* Expects a ':'. 'forced' gives "expected ':'" whatever follows (CPython's
 * &&':'); otherwise only before a NEWLINE. */
static void parse_expect_colon(parser *p, int forced) {
    const lex_token *t = parse_peek(p);
    if (t->kind == LEX_COLON) {
        parse_advance(p);
        return;
    }
    if (forced || t->kind == LEX_NEWLINE) parse_fail_tok(p, t, "expected ':'");
    parse_fail_here(p);
}

static int parse_starts_expr(lex_kind k) {
    switch (k) {
    case LEX_NAME: case LEX_INT: case LEX_FLOAT: case LEX_STRING: case LEX_LPAR: case LEX_LSQB:
    case LEX_LBRACE: case LEX_MINUS: case LEX_PLUS: case LEX_TILDE: case LEX_KW_NOT:
    case LEX_KW_LAMBDA: case LEX_KW_NONE: case LEX_KW_TRUE: case LEX_KW_FALSE: case LEX_ELLIPSIS:
    case LEX_KW_AWAIT:
        return 1;
    default:
        return 0;
    }
}

static int parse_starts_star_expr(lex_kind k) { return k == LEX_STAR || parse_starts_expr(k); }

/* ---- nesting ---- */

static void parse_enter(parser *p) {
    if (++p->depth > PARSE_MAX_DEPTH) {
        const lex_token *t = &p->toks[p->pos];
        parse_fail_at(p, t->line, t->col, "too deeply nested (concviz allows %d levels)",
                      PARSE_MAX_DEPTH);
    }
}

static void parse_leave(parser *p) { p->depth--; }

/* ---- speculative parsing ---- */

typedef void (*parse_fn)(parser *p, void *ctx);

typedef struct parse_state {
    lex_token *toks;
    int ntok, pos;
    const lex_error *lexerr;
    int depth, fstring, no_invalid, prev_line, prev_col, err_from_lexer, sbused, far, far_line;
} parse_state;

static void parse_save(const parser *p, parse_state *s) {
    s->toks = p->toks; s->ntok = p->ntok; s->pos = p->pos; s->lexerr = p->lexerr;
    s->depth = p->depth; s->fstring = p->fstring; s->no_invalid = p->no_invalid;
    s->prev_line = p->prev_line; s->prev_col = p->prev_col; s->err_from_lexer = p->err_from_lexer;
    s->sbused = p->sbused; s->far = p->far; s->far_line = p->far_line;
}

static void parse_restore(parser *p, const parse_state *s) {
    p->toks = s->toks; p->ntok = s->ntok; p->pos = s->pos; p->lexerr = s->lexerr;
    p->depth = s->depth; p->fstring = s->fstring; p->no_invalid = s->no_invalid;
    p->prev_line = s->prev_line; p->prev_col = s->prev_col; p->err_from_lexer = s->err_from_lexer;
    p->sbused = s->sbused; p->far = s->far; /* far_line is never rolled back */
}

/* Runs fn speculatively. Returns 1 if it succeeded; the parser then stays
 * where fn left it with ATTEMPT_KEEP, and is rewound otherwise. A generic
 * failure ("invalid syntax") is rolled back and 0 returned; any specific
 * error (including tokenizer errors) propagates, as an error raised by a
 * rule of CPython's error pass ends the parse. */
enum { ATTEMPT_KEEP = 1, ATTEMPT_KEEP_FAR = 2 };

static int parse_attempt(parser *p, parse_fn fn, void *ctx, int flags) {
    if (p->attempting > 0 && ++p->nested_attempts > PARSE_MAX_NESTED_ATTEMPTS) return 0;
    jmp_buf jb;
    jmp_buf *outer = p->jb;
    parse_state saved;
    parse_error saved_err = *p->err;
    parse_save(p, &saved);
    p->jb = &jb;
    p->attempting++;
    if (setjmp(jb) == 0) {
        fn(p, ctx);
        p->attempting--;
        p->jb = outer;
        if (!(flags & ATTEMPT_KEEP)) parse_restore(p, &saved);
        return 1;
    }
    p->attempting--;
    p->jb = outer;
    if (!p->err_generic) longjmp(*outer, 1);
    int far = p->far;
    parse_restore(p, &saved);
    if (flags & ATTEMPT_KEEP_FAR) p->far = far;
    *p->err = saved_err;
    p->no_override = 0;
    return 0;
}

/* ---- node helpers ---- */

static ast_node *parse_mk(parser *p, ast_kind kind, const lex_token *at) {
    return ast_node_new(p->arena, kind, at->line, at->col);
}

/* Sets the end of n to the end of the last consumed token. */
static ast_node *parse_done(parser *p, ast_node *n) {
    n->end_line = p->prev_line;
    n->end_col = p->prev_col;
    return n;
}

static ast_str parse_tok_str(parser *p, const lex_token *t) {
    return ast_str_dup(p->arena, p->text + t->start, t->end - t->start);
}

static int parse_tok_is(const parser *p, const lex_token *t, const char *word) {
    size_t n = strlen(word);
    return t->kind == LEX_NAME && t->end - t->start == n && memcmp(p->text + t->start, word, n) == 0;
}

/* Appends s to an arena array of ast_str that grows by doubling. */
static void parse_push_str(parser *p, ast_str **arr, int *n, int *cap, ast_str s) {
    if (*n == *cap) {
        int ncap = *cap ? *cap * 2 : 4;
        ast_str *a = ast_arena_alloc(p->arena, (size_t)ncap * sizeof(ast_str));
        if (*n) memcpy(a, *arr, (size_t)*n * sizeof(ast_str));
        *arr = a;
        *cap = ncap;
    }
    (*arr)[(*n)++] = s;
}

/* ---- target checks ---- */

/* CPython's _PyPegen_get_expr_name: how messages name an expression. */
static const char *parse_expr_name(const ast_node *e) {
    switch (e->kind) {
    case AST_ATTRIBUTE: return "attribute";
    case AST_SUBSCRIPT: return "subscript";
    case AST_STARRED: return "starred";
    case AST_NAME: return "name";
    case AST_LIST: return "list";
    case AST_TUPLE: return "tuple";
    case AST_LAMBDA: return "lambda";
    case AST_CALL: return "function call";
    case AST_BOOLOP: case AST_BINOP: case AST_UNARYOP: return "expression";
    case AST_GENEXP: return "generator expression";
    case AST_YIELD: return "yield expression";
    case AST_AWAIT: return "await expression";
    case AST_LISTCOMP: return "list comprehension";
    case AST_SETCOMP: return "set comprehension";
    case AST_DICTCOMP: return "dict comprehension";
    case AST_DICT: return "dict literal";
    case AST_SET: return "set display";
    case AST_FSTRING: case AST_FORMATTED: return "f-string expression";
    case AST_NONE: return e->u.str.s ? "ellipsis" : "None";
    case AST_TRUE: return "True";
    case AST_FALSE: return "False";
    case AST_INT: case AST_FLOAT: case AST_STR: return "literal";
    case AST_COMPARE: return "comparison";
    case AST_IFEXP: return "conditional expression";
    case AST_NAMEDEXPR: return "named expression";
    default: return "expression";
    }
}

/* The first sub-expression of e that cannot be assigned to (or deleted), or NULL. */
static const ast_node *parse_invalid_target(const ast_node *e, int type) {
    switch (e->kind) {
    case AST_LIST: case AST_TUPLE:
        for (int i = 0; i < e->u.seq.elts.n; i++) {
            const ast_node *bad = parse_invalid_target(e->u.seq.elts.items[i], type);
            if (bad) return bad;
        }
        return NULL;
    case AST_STARRED:
        if (type == TARGETS_DEL) return e;
        return parse_invalid_target(e->u.starred.value, type);
    case AST_COMPARE:
        if (type == TARGETS_FOR) {
            if (e->u.compare.ops[0] == AST_CMP_IN)
                return parse_invalid_target(e->u.compare.left, type);
            return NULL;
        }
        return e;
    case AST_NAME: case AST_SUBSCRIPT: case AST_ATTRIBUTE:
        return NULL;
    default:
        return e;
    }
}

/* Whether e, which starts at token index 'start', is what CPython's
 * 'bitwise_or' rule would have produced (a parenthesized anything counts). */
static int parse_is_bitor_level(const parser *p, const ast_node *e, int start) {
    const lex_token *t = &p->toks[start];
    if (e->line != t->line || e->col != t->col) return 1; /* parenthesized */
    switch (e->kind) {
    case AST_COMPARE: case AST_BOOLOP: case AST_IFEXP: case AST_LAMBDA: case AST_NAMEDEXPR:
    case AST_TUPLE: case AST_STARRED: case AST_YIELD:
        return 0;
    case AST_UNARYOP:
        return e->u.unary.op != AST_UOP_NOT;
    default:
        return 1;
    }
}

/* The leftmost atom of e: what its first tokens were parsed as. */
static const ast_node *parse_leftmost(const ast_node *e) {
    for (;;) {
        switch (e->kind) {
        case AST_BINOP: e = e->u.binop.left; break;
        case AST_CALL: e = e->u.call.func; break;
        case AST_ATTRIBUTE: e = e->u.attribute.value; break;
        case AST_SUBSCRIPT: e = e->u.subscript.value; break;
        case AST_COMPARE: e = e->u.compare.left; break;
        default: return e;
        }
    }
}

/* CPython's !(list|tuple|genexp|'True'|'None'|'False') lookahead. */
static int parse_excluded_start(const parser *p, const ast_node *e, int start) {
    const lex_token *t = &p->toks[start];
    if (t->kind == LEX_KW_TRUE || t->kind == LEX_KW_NONE || t->kind == LEX_KW_FALSE) return 1;
    const ast_node *l = parse_leftmost(e);
    if (t->kind == LEX_LSQB && l->kind == AST_LIST) return 1;
    if (t->kind == LEX_LPAR && (l->kind == AST_TUPLE || l->kind == AST_GENEXP)) return 1;
    return 0;
}

static void parse_try_bitor(parser *p, void *ctx) {
    (void)ctx;
    (void)parse_bitor(p);
}

static void parse_try_expression(parser *p, void *ctx) {
    (void)ctx;
    (void)parse_expression(p);
}

/* CPython's expression_without_invalid: no heuristics at the top level. */
static void parse_try_expression_plain(parser *p, void *ctx) {
    (void)ctx;
    p->skip_checks_once = 1;
    (void)parse_expression(p);
}

static void parse_comp_for(parser *p, ast_list *gens);

static void parse_try_comp_for(parser *p, void *ctx) {
    ast_list gens = {0};
    (void)ctx;
    parse_comp_for(p, &gens);
}

/* Fails with msg at (line, col) after trying to read the comprehension
 * clauses that follow, as CPython's error rules do (so that a tokenizer
 * error after them wins). */
static _Noreturn void parse_fail_comp(parser *p, int line, int col, const char *msg) {
    if (!parse_attempt(p, parse_try_comp_for, NULL, 0)) parse_fail_here(p);
    parse_fail_at(p, line, col, "%s", msg);
}

static void parse_try_star_expressions(parser *p, void *ctx) {
    (void)ctx;
    (void)parse_star_expressions(p);
}

/* CPython's invalid_named_expression: 'e = b' (b not followed by '=' or
 * ':=') where a comparison was probably meant. The current token is '='. */
static void parse_eq_confusion(parser *p, const ast_node *e, int start) {
    int is_name = e->kind == AST_NAME && p->pos == start + 1;
    if (p->no_invalid) return;
    if (!is_name && (!parse_is_bitor_level(p, e, start) || parse_excluded_start(p, e, start))) return;
    parse_state s;
    parse_save(p, &s);
    parse_advance(p);
    int ok = parse_attempt(p, parse_try_bitor, NULL, ATTEMPT_KEEP);
    lex_kind next = ok ? p->toks[p->pos].kind : LEX_EQUAL;
    parse_restore(p, &s);
    if (next == LEX_EQUAL || next == LEX_COLONEQUAL) return;
    if (is_name) parse_fail_node(p, e, "invalid syntax. Maybe you meant '==' or ':=' instead of '='?");
    parse_fail_node(p, e, "cannot assign to %s here. Maybe you meant '==' instead of '='?",
                    parse_expr_name(e));
}

/* Fails if e cannot be a target of the given kind. */
static void parse_check_target(parser *p, const ast_node *e, int type) {
    const ast_node *bad = parse_invalid_target(e, type);
    if (!bad) return;
    if (type == TARGETS_DEL) parse_fail_node(p, bad, "cannot delete %s", parse_expr_name(bad));
    parse_fail_node(p, bad, "cannot assign to %s", parse_expr_name(bad));
}

static int parse_is_soft_keyword(const parser *p, const lex_token *t) {
    return parse_tok_is(p, t, "_") || parse_tok_is(p, t, "match") || parse_tok_is(p, t, "case");
}

/* CPython's invalid_expression and invalid_legacy_expression: expression a
 * (from token 'start') is directly followed by the start of another one. */
static void parse_juxtaposed(parser *p, const ast_node *a, int start) {
    const lex_token *first = &p->toks[start];
    int is_name = a->kind == AST_NAME && p->pos == start + 1;
    int legacy = is_name && (parse_tok_is(p, first, "print") || parse_tok_is(p, first, "exec"));
    /* invalid_expression: a=disjunction b=expression_without_invalid */
    if (a->kind != AST_IFEXP && a->kind != AST_LAMBDA &&
        !(first->kind == LEX_NAME &&
          (p->toks[start + 1].kind == LEX_STRING || parse_is_soft_keyword(p, first)))) {
        parse_state s;
        parse_save(p, &s);
        int level = -1;
        if (parse_attempt(p, parse_try_expression_plain, NULL, ATTEMPT_KEEP)) {
            level = p->toks[p->pos - 1].level;
            parse_restore(p, &s);
        } else {
            /* a PEG parser falls back to a lone atom: 'f(a b(*c=1))' */
            switch (p->toks[p->pos].kind) {
            case LEX_NAME: case LEX_INT: case LEX_FLOAT: case LEX_STRING: case LEX_KW_NONE:
            case LEX_KW_TRUE: case LEX_KW_FALSE: case LEX_ELLIPSIS:
                level = p->toks[p->pos].level;
                break;
            default:
                break;
            }
        }
        if (level > 0 && !legacy) parse_fail_node(p, a, "invalid syntax. Perhaps you forgot a comma?");
    }
    /* invalid_legacy_expression: a=NAME !'(' b=star_expressions */
    if (is_name && p->toks[p->pos].kind != LEX_LPAR &&
        parse_attempt(p, parse_try_star_expressions, NULL, 0) && legacy)
        parse_fail_node(p, a, "Missing parentheses in call to '%s'. Did you mean %s(...)?",
                        a->u.name.id.s, a->u.name.id.s);
}

/* ---- scratch buffers and owned token arrays ---- */

static strbuf *parse_sb_get(parser *p) {
    if (p->sbused == p->sbcount) {
        p->sbpool = xreallocarray(p->sbpool, (size_t)p->sbcount + 1, sizeof *p->sbpool);
        p->sbpool[p->sbcount] = xmalloc(sizeof(strbuf));
        sb_init(p->sbpool[p->sbcount]);
        p->sbcount++;
    }
    strbuf *sb = p->sbpool[p->sbused++];
    sb_clear(sb);
    return sb;
}

static void parse_sb_put(parser *p) { p->sbused--; }

static void parse_own(parser *p, lex_token *toks) {
    if (p->nowned == p->capowned) {
        p->capowned = p->capowned ? p->capowned * 2 : 8;
        p->owned = xreallocarray(p->owned, (size_t)p->capowned, sizeof *p->owned);
    }
    p->owned[p->nowned++] = toks;
}

/* Frees a token array that is no longer looked at. */
static void parse_disown(parser *p, lex_token *toks) {
    for (int i = p->nowned - 1; i >= 0; i--) {
        if (p->owned[i] == toks) {
            p->owned[i] = p->owned[--p->nowned];
            free(toks);
            return;
        }
    }
}

/* ---- strings ---- */

static ast_node *parse_yield(parser *p);
static int parse_starts_comp(parser *p);
static _Noreturn void parse_fail_comp(parser *p, int line, int col, const char *msg);

/* Where an f-string body is being read: positions are computed
 * incrementally so that long f-strings stay linear. */
typedef struct fstr_ctx {
    const lex_token *tok;
    int raw;
    size_t off;
    int line, col;
} fstr_ctx;

static void parse_fpos(const parser *p, fstr_ctx *fc, size_t off, int *line, int *col) {
    if (off < fc->off) {
        fc->off = fc->tok->v.str.body;
        fc->line = fc->tok->v.str.body_line;
        fc->col = fc->tok->v.str.body_col;
    }
    lex_advance_pos(p->text, fc->off, off, &fc->line, &fc->col);
    fc->off = off;
    *line = fc->line;
    *col = fc->col;
}

static _Noreturn void parse_fail_f(parser *p, fstr_ctx *fc, size_t off, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static _Noreturn void parse_fail_f(parser *p, fstr_ctx *fc, size_t off, const char *fmt, ...) {
    int line, col;
    PARSE_FORMAT(msg, fmt);
    parse_fpos(p, fc, off, &line, &col);
    parse_raise(p, "SyntaxError", line, col, msg);
}

/* Decodes text[a, b) of a string body into out. */
static void parse_unescape(parser *p, const char *text, size_t a, size_t b, int line, int col,
                           int raw, strbuf *out) {
    lex_error e;
    if (a >= b) return;
    if (!lex_unescape(text, a, b, line, col, raw, out, &e)) parse_raise(p, e.kind, e.line, e.col, e.msg);
}

/* Appends the pending literal text as an AST_STR part. */
static void parse_flush_lit(parser *p, ast_list *parts, strbuf *lit, const lex_token *at) {
    if (lit->len == 0) return;
    ast_node *s = parse_mk(p, AST_STR, at);
    s->u.str = ast_str_dup(p->arena, lit->data, lit->len);
    ast_list_push(p->arena, parts, s);
    sb_clear(lit);
}

static int parse_is_space(int c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* The contents of a field, parsed as CPython does: as if inside '(' ')',
 * so a yield, a tuple or a bare generator expression are allowed. */
static ast_node *parse_field_body(parser *p) {
    const lex_token *start = parse_peek(p);
    if (start->kind == LEX_KW_YIELD) return parse_yield(p);
    ast_node *first = parse_star_named_expression(p);
    ast_node *n;
    if (parse_starts_comp(p)) {
        if (first->kind == AST_STARRED)
            parse_fail_comp(p, first->line, first->col, "iterable unpacking cannot be used in comprehension");
        n = parse_mk(p, AST_GENEXP, start);
        n->u.comp.elt = first;
        parse_comp_for(p, &n->u.comp.generators);
        return parse_done(p, n);
    }
    if (parse_kind(p) != LEX_COMMA) {
        if (first->kind == AST_STARRED) parse_fail_node(p, first, "cannot use starred expression here");
        return first;
    }
    n = parse_mk(p, AST_TUPLE, start);
    ast_list_push(p->arena, &n->u.seq.elts, first);
    while (parse_accept(p, LEX_COMMA)) {
        if (parse_kind(p) == LEX_ENDMARKER) break;
        ast_list_push(p->arena, &n->u.seq.elts, parse_star_named_expression(p));
    }
    return parse_done(p, n);
}

/* Parses the expression of a replacement field, text[a, b), with the same
 * parser: positions point into the real source. */
static ast_node *parse_field_expr(parser *p, fstr_ctx *fc, size_t a, size_t b) {
    int line, col, n;
    parse_fpos(p, fc, a, &line, &col);
    lex_error *le = ast_arena_alloc(p->arena, sizeof *le);
    lex_token *toks = lex_tokenize(p->text, a, b, line, col, 1, &n, le);
    parse_own(p, toks);
    parse_state saved;
    parse_save(p, &saved);
    p->toks = toks;
    p->ntok = n;
    p->pos = 0;
    p->far = 0;
    p->lexerr = le;
    p->fstring++;
    ast_node *e = parse_field_body(p);
    if (parse_kind(p) != LEX_ENDMARKER) parse_fail_here(p);
    parse_restore(p, &saved);
    parse_disown(p, toks);
    return e;
}

static size_t parse_fstring_parts(parser *p, fstr_ctx *fc, size_t s, size_t b, int lvl,
                                  ast_list *parts, strbuf *lit);

/* Parses one replacement field; s is at its '{'. Returns the position after
 * its '}'. (CPython 3.11's fstring_find_expr.) */
static size_t parse_fstring_field(parser *p, fstr_ctx *fc, size_t s, size_t b, int lvl,
                                  ast_list *parts, strbuf *lit) {
    const char *t = p->text;
    size_t brace = s;
    char quote = 0;
    int string_type = 0, depth = 0;
    char stack[LEX_MAX_LEVEL];
    if (lvl >= 2) parse_fail_f(p, fc, brace, "f-string: expressions nested too deeply");
    s++;
    size_t expr_start = s;
    while (s < b) {
        char ch = t[s];
        if (ch == '\\') parse_fail_f(p, fc, s, "f-string expression part cannot include a backslash");
        if (quote) {
            if (ch == quote) {
                if (string_type == 3) {
                    if (s + 2 < b && t[s + 1] == ch && t[s + 2] == ch) {
                        s += 3;
                        string_type = 0;
                        quote = 0;
                        continue;
                    }
                } else {
                    s++;
                    string_type = 0;
                    quote = 0;
                    continue;
                }
            }
            s++;
            continue;
        }
        if (ch == '\'' || ch == '"') {
            if (s + 2 < b && t[s + 1] == ch && t[s + 2] == ch) {
                string_type = 3;
                s += 2;
            } else {
                string_type = 1;
            }
            quote = ch;
        } else if (ch == '[' || ch == '{' || ch == '(') {
            if (depth >= LEX_MAX_LEVEL) parse_fail_f(p, fc, s, "f-string: too many nested parenthesis");
            stack[depth++] = ch;
        } else if (ch == '#') {
            parse_fail_f(p, fc, s, "f-string expression part cannot include '#'");
        } else if (depth == 0 && (ch == '!' || ch == ':' || ch == '}' || ch == '=' || ch == '>' ||
                                  ch == '<')) {
            char next = s + 1 < b ? t[s + 1] : 0;
            if (next == '=' && (ch == '!' || ch == '=' || ch == '<' || ch == '>')) {
                s += 2;
                continue;
            }
            if (ch == '>' || ch == '<') {
                s++;
                continue;
            }
            break;
        } else if (ch == ']' || ch == '}' || ch == ')') {
            if (!depth) parse_fail_f(p, fc, s, "f-string: unmatched '%c'", ch);
            char open = stack[--depth];
            if (!((open == '(' && ch == ')') || (open == '[' && ch == ']') || (open == '{' && ch == '}')))
                parse_fail_f(p, fc, s,
                             "f-string: closing parenthesis '%c' does not match opening parenthesis '%c'",
                             ch, open);
        }
        s++;
    }
    if (quote) parse_fail_f(p, fc, brace, "f-string: unterminated string");
    if (depth) parse_fail_f(p, fc, brace, "f-string: unmatched '%c'", stack[depth - 1]);
    if (s >= b) parse_fail_f(p, fc, b, "f-string: expecting '}'");
    size_t expr_end = s;
    size_t k = expr_start;
    while (k < expr_end && parse_is_space((unsigned char)t[k])) k++;
    if (k == expr_end) parse_fail_f(p, fc, brace, "f-string: empty expression not allowed");

    ast_node *value = parse_field_expr(p, fc, expr_start, expr_end);
    int line, col;
    parse_fpos(p, fc, brace, &line, &col);
    ast_node *f = ast_node_new(p->arena, AST_FORMATTED, line, col);
    f->u.formatted.value = value;
    int self_doc = 0;
    if (t[s] == '=') {
        s++;
        while (s < b && parse_is_space((unsigned char)t[s])) s++;
        if (s >= b) parse_fail_f(p, fc, b, "f-string: expecting '}'");
        sb_append(lit, t + expr_start, s - expr_start);
        self_doc = 1;
    }
    if (t[s] == '!') {
        s++;
        if (s >= b) parse_fail_f(p, fc, b, "f-string: expecting '}'");
        char conv = t[s];
        if (conv != 's' && conv != 'r' && conv != 'a')
            parse_fail_f(p, fc, s, "f-string: invalid conversion character: expected 's', 'r', or 'a'");
        f->u.formatted.conversion = conv;
        s++;
    }
    if (s < b && t[s] == ':') {
        s++;
        if (s >= b) parse_fail_f(p, fc, b, "f-string: expecting '}'");
        ast_list sp = {0};
        strbuf *slit = parse_sb_get(p);
        s = parse_fstring_parts(p, fc, s, b, lvl + 1, &sp, slit);
        parse_flush_lit(p, &sp, slit, fc->tok);
        parse_sb_put(p);
        if (sp.n) {
            ast_node *spec = ast_node_new(p->arena, AST_FSTRING, line, col);
            spec->u.fstring.parts = sp;
            f->u.formatted.spec = spec;
        }
    }
    if (s >= b || t[s] != '}') parse_fail_f(p, fc, s < b ? s : b, "f-string: expecting '}'");
    s++;
    if (self_doc && !f->u.formatted.conversion && !f->u.formatted.spec) f->u.formatted.conversion = 'r';
    int eline = line, ecol = col;
    lex_advance_pos(t, brace, s, &eline, &ecol);
    f->end_line = eline;
    f->end_col = ecol;
    parse_flush_lit(p, parts, lit, fc->tok);
    ast_list_push(p->arena, parts, f);
    return s;
}

/* Parses f-string body text from s up to b (lvl 0) or up to the '}' that
 * ends a format spec (lvl > 0). Literal text accumulates in lit.
 * (CPython 3.11's fstring_find_literal + fstring_find_expr loop.) */
static size_t parse_fstring_parts(parser *p, fstr_ctx *fc, size_t s, size_t b, int lvl,
                                  ast_list *parts, strbuf *lit) {
    const char *t = p->text;
    while (s < b) {
        size_t lit_start = s;
        while (s < b) {
            char ch = t[s];
            if (!fc->raw && ch == '\\' && s + 1 < b) {
                if (t[s + 1] == 'N')
                    parse_fail_f(p, fc, s, "\\N{...} escapes are not supported by concviz");
                if (t[s + 1] == '\\') {
                    s += 2;
                    continue;
                }
            }
            if (ch == '{' || ch == '}') {
                if (lvl == 0) {
                    if (s + 1 < b && t[s + 1] == ch) {
                        int line, col;
                        parse_fpos(p, fc, lit_start, &line, &col);
                        parse_unescape(p, t, lit_start, s, line, col, fc->raw, lit);
                        sb_putc(lit, ch);
                        s += 2;
                        lit_start = s;
                        continue;
                    }
                    if (ch == '}') parse_fail_f(p, fc, s, "f-string: single '}' is not allowed");
                }
                break;
            }
            s++;
        }
        if (s > lit_start) {
            int line, col;
            parse_fpos(p, fc, lit_start, &line, &col);
            parse_unescape(p, t, lit_start, s, line, col, fc->raw, lit);
        }
        if (s >= b) break;
        if (t[s] == '}') return s; /* the end of a format spec */
        parse_enter(p);
        s = parse_fstring_field(p, fc, s, b, lvl, parts, lit);
        parse_leave(p);
    }
    return s;
}

/* Adjacent string literals: one AST_STR, or an AST_FSTRING when any is an
 * f-string. */
static ast_node *parse_strings(parser *p) {
    const lex_token *first = parse_peek(p);
    int has_f = 0;
    for (int i = p->pos; p->toks[i].kind == LEX_STRING; i++) {
        if (p->toks[i].v.str.flags & LEX_STR_BYTES)
            parse_fail_tok(p, &p->toks[i], "bytes literals are not supported");
        if (p->toks[i].v.str.flags & LEX_STR_F) has_f = 1;
    }
    strbuf *lit = parse_sb_get(p);
    ast_node *n = parse_mk(p, has_f ? AST_FSTRING : AST_STR, first);
    while (p->toks[p->pos].kind == LEX_STRING) {
        const lex_token *t = parse_advance(p);
        int raw = (t->v.str.flags & LEX_STR_RAW) != 0;
        if (t->v.str.flags & LEX_STR_F) {
            fstr_ctx fc = {t, raw, t->v.str.body, t->v.str.body_line, t->v.str.body_col};
            size_t end = parse_fstring_parts(p, &fc, t->v.str.body, t->v.str.body_end, 0,
                                             &n->u.fstring.parts, lit);
            (void)end;
        } else {
            parse_unescape(p, p->text, t->v.str.body, t->v.str.body_end, t->v.str.body_line,
                           t->v.str.body_col, raw, lit);
        }
    }
    if (has_f) parse_flush_lit(p, &n->u.fstring.parts, lit, first);
    else n->u.str = ast_str_dup(p->arena, lit->len ? lit->data : "", lit->len);
    parse_sb_put(p);
    return parse_done(p, n);
}

/* ---- atoms ---- */

static int parse_starts_comp(parser *p) {
    lex_kind k = parse_kind(p);
    return k == LEX_KW_FOR || (k == LEX_KW_ASYNC && parse_peek2(p)->kind == LEX_KW_FOR);
}

/* [a, b for ...] or {a, for ...}: CPython's "did you forget parentheses". */
static void parse_check_comp_target(parser *p, const ast_node *first) {
    if (!parse_starts_comp(p)) return;
    parse_fail_comp(p, first->line, first->col, "did you forget parentheses around the comprehension target?");
}

/* '(' ... ')': the empty tuple, a yield, a group, a tuple or a generator expression. */
static ast_node *parse_paren(parser *p) {
    const lex_token *lpar = parse_advance(p);
    ast_node *n;
    if (parse_accept(p, LEX_RPAR)) return parse_done(p, parse_mk(p, AST_TUPLE, lpar));
    if (parse_kind(p) == LEX_KW_YIELD) {
        n = parse_yield(p);
        parse_expect(p, LEX_RPAR);
        return n;
    }
    ast_node *first = parse_star_named_expression(p);
    if (parse_starts_comp(p)) {
        if (first->kind == AST_STARRED)
            parse_fail_comp(p, first->line, first->col, "iterable unpacking cannot be used in comprehension");
        n = parse_mk(p, AST_GENEXP, lpar);
        n->u.comp.elt = first;
        parse_comp_for(p, &n->u.comp.generators);
        parse_expect(p, LEX_RPAR);
        return parse_done(p, n);
    }
    if (parse_kind(p) == LEX_RPAR) {
        parse_advance(p);
        if (first->kind == AST_STARRED) parse_fail_node(p, first, "cannot use starred expression here");
        return first;
    }
    if (parse_kind(p) != LEX_COMMA) parse_fail_here(p);
    n = parse_mk(p, AST_TUPLE, lpar);
    ast_list_push(p->arena, &n->u.seq.elts, first);
    while (parse_accept(p, LEX_COMMA)) {
        if (parse_kind(p) == LEX_RPAR) break;
        ast_list_push(p->arena, &n->u.seq.elts, parse_star_named_expression(p));
    }
    parse_expect(p, LEX_RPAR);
    return parse_done(p, n);
}

/* '[' ... ']': a list display or a list comprehension. */
static ast_node *parse_list(parser *p) {
    const lex_token *lsqb = parse_advance(p);
    ast_node *n;
    if (parse_accept(p, LEX_RSQB)) return parse_done(p, parse_mk(p, AST_LIST, lsqb));
    ast_node *first = parse_star_named_expression(p);
    if (parse_starts_comp(p)) {
        if (first->kind == AST_STARRED)
            parse_fail_comp(p, first->line, first->col, "iterable unpacking cannot be used in comprehension");
        n = parse_mk(p, AST_LISTCOMP, lsqb);
        n->u.comp.elt = first;
        parse_comp_for(p, &n->u.comp.generators);
        parse_expect(p, LEX_RSQB);
        return parse_done(p, n);
    }
    n = parse_mk(p, AST_LIST, lsqb);
    ast_list_push(p->arena, &n->u.seq.elts, first);
    while (parse_accept(p, LEX_COMMA)) {
        parse_check_comp_target(p, first);
        if (parse_kind(p) == LEX_RSQB) break;
        ast_list_push(p->arena, &n->u.seq.elts, parse_star_named_expression(p));
    }
    parse_check_comp_target(p, first);
    parse_expect(p, LEX_RSQB);
    return parse_done(p, n);
}

/* A dictionary value after 'key :'. */
static ast_node *parse_dict_value(parser *p, const lex_token *colon) {
    const lex_token *t = parse_peek(p);
    if (t->kind == LEX_STAR) parse_fail_tok(p, t, "cannot use a starred expression in a dictionary value");
    if (t->kind == LEX_RBRACE || t->kind == LEX_COMMA)
        parse_fail_tok(p, colon, "expression expected after dictionary key and ':'");
    return parse_expression(p);
}

/* The items of a dict display after its first one. */
static void parse_dict_items(parser *p, ast_node *n) {
    while (parse_accept(p, LEX_COMMA)) {
        if (parse_kind(p) == LEX_RBRACE) break;
        if (parse_accept(p, LEX_DOUBLESTAR)) {
            ast_list_push(p->arena, &n->u.dict.keys, NULL);
            ast_list_push(p->arena, &n->u.dict.values, parse_bitor(p));
            continue;
        }
        p->no_invalid++;
        ast_node *key = parse_expression(p);
        p->no_invalid--;
        if (parse_kind(p) != LEX_COLON)
            parse_fail_at(p, key->end_line, key->end_col - 1, "':' expected after dictionary key");
        const lex_token *colon = parse_advance(p);
        ast_list_push(p->arena, &n->u.dict.keys, key);
        ast_list_push(p->arena, &n->u.dict.values, parse_dict_value(p, colon));
    }
    parse_expect(p, LEX_RBRACE);
}

/* '{' ... '}': dict or set display, dict or set comprehension. */
static ast_node *parse_brace(parser *p) {
    const lex_token *lb = parse_advance(p);
    ast_node *n;
    if (parse_accept(p, LEX_RBRACE)) return parse_done(p, parse_mk(p, AST_DICT, lb));
    const lex_token *t = parse_peek(p);
    if (t->kind == LEX_DOUBLESTAR) {
        parse_advance(p);
        n = parse_mk(p, AST_DICT, lb);
        ast_list_push(p->arena, &n->u.dict.keys, NULL);
        ast_list_push(p->arena, &n->u.dict.values, parse_bitor(p));
        if (parse_starts_comp(p))
            parse_fail_comp(p, t->line, t->col, "dict unpacking cannot be used in dict comprehension");
        parse_dict_items(p, n);
        return parse_done(p, n);
    }
    ast_node *first = parse_star_named_expression(p);
    if (parse_kind(p) == LEX_COLON) {
        if (first->kind == AST_STARRED) parse_fail_here(p);
        const lex_token *colon = parse_advance(p);
        ast_node *value = parse_dict_value(p, colon);
        if (parse_starts_comp(p)) {
            n = parse_mk(p, AST_DICTCOMP, lb);
            n->u.comp.key = first;
            n->u.comp.elt = value;
            parse_comp_for(p, &n->u.comp.generators);
            parse_expect(p, LEX_RBRACE);
            return parse_done(p, n);
        }
        n = parse_mk(p, AST_DICT, lb);
        ast_list_push(p->arena, &n->u.dict.keys, first);
        ast_list_push(p->arena, &n->u.dict.values, value);
        parse_dict_items(p, n);
        return parse_done(p, n);
    }
    if (parse_starts_comp(p)) {
        if (first->kind == AST_STARRED)
            parse_fail_comp(p, first->line, first->col, "iterable unpacking cannot be used in comprehension");
        n = parse_mk(p, AST_SETCOMP, lb);
        n->u.comp.elt = first;
        parse_comp_for(p, &n->u.comp.generators);
        parse_expect(p, LEX_RBRACE);
        return parse_done(p, n);
    }
    n = parse_mk(p, AST_SET, lb);
    ast_list_push(p->arena, &n->u.seq.elts, first);
    while (parse_accept(p, LEX_COMMA)) {
        parse_check_comp_target(p, first);
        if (parse_kind(p) == LEX_RBRACE) break;
        ast_list_push(p->arena, &n->u.seq.elts, parse_star_named_expression(p));
    }
    parse_check_comp_target(p, first);
    parse_expect(p, LEX_RBRACE);
    return parse_done(p, n);
}

static ast_node *parse_atom(parser *p) {
    const lex_token *t = parse_peek(p);
    ast_node *n;
    switch (t->kind) {
    case LEX_NAME:
        parse_advance(p);
        n = parse_mk(p, AST_NAME, t);
        n->u.name.id = parse_tok_str(p, t);
        return parse_done(p, n);
    case LEX_INT:
        parse_advance(p);
        n = parse_mk(p, AST_INT, t);
        n->u.int_value = t->v.i;
        return parse_done(p, n);
    case LEX_FLOAT:
        parse_advance(p);
        n = parse_mk(p, AST_FLOAT, t);
        n->u.float_value = t->v.f;
        return parse_done(p, n);
    case LEX_STRING:
        return parse_strings(p);
    case LEX_KW_NONE: case LEX_KW_TRUE: case LEX_KW_FALSE:
        parse_advance(p);
        n = parse_mk(p, t->kind == LEX_KW_NONE ? AST_NONE : t->kind == LEX_KW_TRUE ? AST_TRUE : AST_FALSE, t);
        return parse_done(p, n);
    case LEX_ELLIPSIS:
        /* Ellipsis: an AST_NONE whose u.str holds "..." */
        parse_advance(p);
        n = parse_mk(p, AST_NONE, t);
        n->u.str = ast_str_dup(p->arena, "...", 3);
        return parse_done(p, n);
    case LEX_LPAR: return parse_paren(p);
    case LEX_LSQB: return parse_list(p);
    case LEX_LBRACE: return parse_brace(p);
    default: parse_fail_here(p);
    }
}

/* ---- primaries ---- */

/* The arguments of a call (or of a class) after '(' up to and including ')'. */
static void parse_arguments(parser *p, ast_node *call, const lex_token *lpar, int allow_genexp) {
    int seen_kw = 0, seen_kwunpack = 0;
    const char *misplaced = NULL; /* reported after the other arguments, like CPython */
    ast_list *args = &call->u.call.args, *kws = &call->u.call.keywords;
    while (parse_kind(p) != LEX_RPAR) {
        const lex_token *t = parse_peek(p);
        if (t->kind == LEX_STAR) {
            parse_advance(p);
            if (seen_kwunpack)
                parse_fail_tok(p, t, "iterable argument unpacking follows keyword argument unpacking");
            ast_node *s = parse_mk(p, AST_STARRED, t);
            s->u.starred.value = parse_expression(p);
            if (parse_starts_comp(p))
                parse_fail_comp(p, t->line, t->col, "iterable unpacking cannot be used in comprehension");
            ast_list_push(p->arena, args, parse_done(p, s));
        } else if (t->kind == LEX_DOUBLESTAR) {
            parse_advance(p);
            ast_node *kw = parse_mk(p, AST_KEYWORD, t);
            kw->u.keyword.value = parse_expression(p);
            ast_list_push(p->arena, kws, parse_done(p, kw));
            seen_kwunpack = 1;
        } else if (t->kind == LEX_NAME && parse_peek2(p)->kind == LEX_EQUAL) {
            parse_advance(p);
            parse_advance(p);
            ast_node *kw = parse_mk(p, AST_KEYWORD, t);
            kw->u.keyword.name = parse_tok_str(p, t);
            kw->u.keyword.value = parse_expression(p);
            if (parse_starts_comp(p)) {
                ast_node *name = parse_mk(p, AST_NAME, t);
                parse_fail_node(p, name, "invalid syntax. Maybe you meant '==' or ':=' instead of '='?");
            }
            ast_list_push(p->arena, kws, parse_done(p, kw));
            seen_kw = 1;
        } else {
            ast_node *e = parse_named_expression(p, 0);
            if (parse_starts_comp(p)) {
                if (!allow_genexp) {
                    /* like CPython's error pass, read on before failing at 'for' */
                    const lex_token *for_tok = parse_peek(p);
                    parse_fail_comp(p, for_tok->line, for_tok->col, "invalid syntax");
                }
                ast_node *g = parse_mk(p, AST_GENEXP, lpar);
                g->u.comp.elt = e;
                parse_comp_for(p, &g->u.comp.generators);
                if (args->n || kws->n || parse_kind(p) != LEX_RPAR)
                    parse_fail_node(p, e, "Generator expression must be parenthesized");
                ast_list_push(p->arena, args, parse_done(p, g));
                continue;
            }
            if (parse_kind(p) == LEX_EQUAL) {
                if (e->kind == AST_TRUE || e->kind == AST_FALSE || (e->kind == AST_NONE && !e->u.str.s))
                    parse_fail_node(p, e, "cannot assign to %s", parse_expr_name(e));
                parse_fail_node(p, e, "expression cannot contain assignment, perhaps you meant \"==\"?");
            }
            if (seen_kwunpack && !misplaced) misplaced = "positional argument follows keyword argument unpacking";
            if (seen_kw && !misplaced) misplaced = "positional argument follows keyword argument";
            ast_list_push(p->arena, args, e);
        }
        if (!parse_accept(p, LEX_COMMA)) break;
    }
    if (misplaced) {
        parse_peek(p);
        const lex_token *at = &p->toks[p->far > p->pos ? p->far : p->pos];
        parse_fail_tok(p, at, "%s", misplaced);
    }
    parse_expect(p, LEX_RPAR);
}

/* One item of a subscript: an expression, a slice or a starred expression. */
static ast_node *parse_slice_item(parser *p) {
    const lex_token *t = parse_peek(p);
    if (t->kind == LEX_STAR) {
        parse_advance(p);
        ast_node *s = parse_mk(p, AST_STARRED, t);
        s->u.starred.value = parse_expression(p);
        return parse_done(p, s);
    }
    ast_node *lower = NULL;
    if (t->kind != LEX_COLON) {
        lower = parse_named_expression(p, 1);
        if (parse_kind(p) != LEX_COLON) return lower;
    }
    ast_node *s = parse_mk(p, AST_SLICE, t);
    s->u.slice.lower = lower;
    parse_advance(p);
    lex_kind k = parse_kind(p);
    if (k != LEX_COLON && k != LEX_COMMA && k != LEX_RSQB) s->u.slice.upper = parse_expression(p);
    if (parse_accept(p, LEX_COLON)) {
        k = parse_kind(p);
        if (k != LEX_COMMA && k != LEX_RSQB) s->u.slice.step = parse_expression(p);
    }
    return parse_done(p, s);
}

static ast_node *parse_primary(parser *p) {
    const lex_token *start = parse_peek(p);
    ast_node *e = parse_atom(p);
    int chain = 0;
    for (;;) {
        lex_kind k = parse_kind(p);
        ast_node *n;
        if (k == LEX_DOT) {
            parse_advance(p);
            const lex_token *name = parse_expect(p, LEX_NAME);
            n = parse_mk(p, AST_ATTRIBUTE, start);
            n->u.attribute.value = e;
            n->u.attribute.attr = parse_tok_str(p, name);
        } else if (k == LEX_LPAR) {
            const lex_token *lpar = parse_advance(p);
            n = parse_mk(p, AST_CALL, start);
            n->u.call.func = e;
            parse_arguments(p, n, lpar, 1);
        } else if (k == LEX_LSQB) {
            parse_advance(p);
            n = parse_mk(p, AST_SUBSCRIPT, start);
            n->u.subscript.value = e;
            const lex_token *first = parse_peek(p);
            ast_node *idx = parse_slice_item(p);
            if (parse_kind(p) == LEX_COMMA || idx->kind == AST_STARRED) {
                ast_node *tup = parse_mk(p, AST_TUPLE, first);
                ast_list_push(p->arena, &tup->u.seq.elts, idx);
                while (parse_accept(p, LEX_COMMA)) {
                    if (parse_kind(p) == LEX_RSQB) break;
                    ast_list_push(p->arena, &tup->u.seq.elts, parse_slice_item(p));
                }
                idx = parse_done(p, tup);
            }
            n->u.subscript.index = idx;
            parse_expect(p, LEX_RSQB);
        } else {
            break;
        }
        e = parse_done(p, n);
        parse_enter(p);
        chain++;
    }
    p->depth -= chain;
    return e;
}

/* ---- operators ---- */

static ast_node *parse_power(parser *p) {
    const lex_token *t = parse_peek(p);
    ast_node *e;
    if (t->kind == LEX_KW_AWAIT) {
        parse_advance(p);
        e = parse_mk(p, AST_AWAIT, t);
        e->u.yield.value = parse_primary(p);
        parse_done(p, e);
    } else {
        e = parse_primary(p);
    }
    if (!parse_accept(p, LEX_DOUBLESTAR)) return e;
    ast_node *n = parse_mk(p, AST_BINOP, t);
    n->u.binop.op = AST_OP_POW;
    n->u.binop.left = e;
    parse_enter(p);
    n->u.binop.right = parse_factor(p);
    parse_leave(p);
    return parse_done(p, n);
}

static ast_node *parse_factor(parser *p) {
    const lex_token *t = parse_peek(p);
    ast_unaryop op;
    switch (t->kind) {
    case LEX_PLUS: op = AST_UOP_POS; break;
    case LEX_MINUS: op = AST_UOP_NEG; break;
    case LEX_TILDE: op = AST_UOP_INVERT; break;
    default: return parse_power(p);
    }
    parse_advance(p);
    ast_node *n = parse_mk(p, AST_UNARYOP, t);
    n->u.unary.op = op;
    parse_enter(p);
    n->u.unary.operand = parse_factor(p);
    parse_leave(p);
    return parse_done(p, n);
}

/* The binary operator levels, loosest first: | ^ & shifts sums terms. */
static int parse_binop_at(int level, lex_kind k, ast_binop *op) {
    static const struct { int level; lex_kind tok; ast_binop op; } table[] = {
        {0, LEX_VBAR, AST_OP_BITOR}, {1, LEX_CIRCUMFLEX, AST_OP_BITXOR},
        {2, LEX_AMPER, AST_OP_BITAND}, {3, LEX_LEFTSHIFT, AST_OP_LSHIFT},
        {3, LEX_RIGHTSHIFT, AST_OP_RSHIFT}, {4, LEX_PLUS, AST_OP_ADD}, {4, LEX_MINUS, AST_OP_SUB},
        {5, LEX_STAR, AST_OP_MUL}, {5, LEX_SLASH, AST_OP_DIV}, {5, LEX_DOUBLESLASH, AST_OP_FLOORDIV},
        {5, LEX_PERCENT, AST_OP_MOD}, {5, LEX_AT, AST_OP_MATMUL},
    };
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
        if (table[i].level == level && table[i].tok == k) {
            *op = table[i].op;
            return 1;
        }
    }
    return 0;
}

static ast_node *parse_binary(parser *p, int level) {
    const lex_token *start = parse_peek(p);
    ast_node *left = level == 5 ? parse_factor(p) : parse_binary(p, level + 1);
    int chain = 0;
    ast_binop op;
    while (parse_binop_at(level, parse_kind(p), &op)) {
        parse_advance(p);
        ast_node *n = parse_mk(p, AST_BINOP, start);
        n->u.binop.op = op;
        n->u.binop.left = left;
        n->u.binop.right = level == 5 ? parse_factor(p) : parse_binary(p, level + 1);
        left = parse_done(p, n);
        parse_enter(p);
        chain++;
    }
    p->depth -= chain;
    return left;
}

static ast_node *parse_bitor(parser *p) { return parse_binary(p, 0); }

/* Consumes a comparison operator if one comes next. */
static int parse_cmp_op(parser *p, ast_cmpop *op) {
    switch (parse_kind(p)) {
    case LEX_EQEQUAL: *op = AST_CMP_EQ; break;
    case LEX_NOTEQUAL: *op = AST_CMP_NE; break;
    case LEX_LESS: *op = AST_CMP_LT; break;
    case LEX_LESSEQUAL: *op = AST_CMP_LE; break;
    case LEX_GREATER: *op = AST_CMP_GT; break;
    case LEX_GREATEREQUAL: *op = AST_CMP_GE; break;
    case LEX_KW_IN: *op = AST_CMP_IN; break;
    case LEX_KW_NOT:
        if (parse_peek2(p)->kind != LEX_KW_IN) return 0;
        parse_advance(p);
        *op = AST_CMP_NOT_IN;
        break;
    case LEX_KW_IS:
        parse_advance(p);
        *op = parse_accept(p, LEX_KW_NOT) ? AST_CMP_IS_NOT : AST_CMP_IS;
        return 1;
    default:
        return 0;
    }
    parse_advance(p);
    return 1;
}

static ast_node *parse_comparison(parser *p) {
    const lex_token *start = parse_peek(p);
    ast_node *left = parse_bitor(p);
    ast_cmpop op;
    if (!parse_cmp_op(p, &op)) return left;
    ast_node *n = parse_mk(p, AST_COMPARE, start);
    n->u.compare.left = left;
    ast_cmpop *ops = NULL;
    int cap = 0;
    do {
        int cnt = n->u.compare.comparators.n;
        if (cnt == cap) {
            cap = cap ? cap * 2 : 4;
            ast_cmpop *nops = ast_arena_alloc(p->arena, (size_t)cap * sizeof *nops);
            if (cnt) memcpy(nops, ops, (size_t)cnt * sizeof *nops);
            ops = nops;
        }
        ops[cnt] = op;
        n->u.compare.ops = ops;
        ast_list_push(p->arena, &n->u.compare.comparators, parse_bitor(p));
    } while (parse_cmp_op(p, &op));
    return parse_done(p, n);
}

static ast_node *parse_inversion(parser *p) {
    const lex_token *t = parse_peek(p);
    if (t->kind != LEX_KW_NOT) return parse_comparison(p);
    parse_advance(p);
    ast_node *n = parse_mk(p, AST_UNARYOP, t);
    n->u.unary.op = AST_UOP_NOT;
    parse_enter(p);
    n->u.unary.operand = parse_inversion(p);
    parse_leave(p);
    return parse_done(p, n);
}

/* conjunction (is_and) or disjunction */
static ast_node *parse_boolop(parser *p, int is_and) {
    const lex_token *start = parse_peek(p);
    lex_kind kw = is_and ? LEX_KW_AND : LEX_KW_OR;
    ast_node *first = is_and ? parse_inversion(p) : parse_boolop(p, 1);
    if (parse_kind(p) != kw) return first;
    ast_node *n = parse_mk(p, AST_BOOLOP, start);
    n->u.boolop.is_and = is_and;
    ast_list_push(p->arena, &n->u.boolop.values, first);
    while (parse_accept(p, kw))
        ast_list_push(p->arena, &n->u.boolop.values, is_and ? parse_inversion(p) : parse_boolop(p, 1));
    return parse_done(p, n);
}

static ast_node *parse_disjunction(parser *p) { return parse_boolop(p, 0); }

/* ---- expressions ---- */

static void parse_params(parser *p, ast_args *a, lex_kind closer, int is_lambda);

static ast_node *parse_lambda(parser *p) {
    const lex_token *t = parse_advance(p);
    ast_node *n = parse_mk(p, AST_LAMBDA, t);
    parse_params(p, &n->u.lambda.args, LEX_COLON, 1);
    parse_expect(p, LEX_COLON);
    n->u.lambda.body = parse_expression(p);
    return parse_done(p, n);
}

/* expression := lambda | disjunction ['if' disjunction 'else' expression] */
static ast_node *parse_expression(parser *p) {
    int start = p->pos;
    const lex_token *t = parse_peek(p);
    int checks = !p->no_invalid && !p->skip_checks_once;
    ast_node *e;
    p->skip_checks_once = 0;
    parse_enter(p);
    if (t->kind == LEX_KW_LAMBDA) {
        e = parse_lambda(p);
    } else {
        e = parse_disjunction(p);
        if (parse_kind(p) == LEX_KW_IF) {
            parse_advance(p);
            ast_node *n = parse_mk(p, AST_IFEXP, t);
            n->u.ifexp.body = e;
            n->u.ifexp.test = parse_disjunction(p);
            if (!parse_accept(p, LEX_KW_ELSE)) {
                if (parse_kind(p) != LEX_COLON && checks)
                    parse_fail_node(p, e, "expected 'else' after 'if' expression");
                parse_fail_here(p);
            }
            n->u.ifexp.orelse = parse_expression(p);
            e = parse_done(p, n);
        }
    }
    parse_leave(p);
    if (checks && parse_starts_expr(p->toks[p->pos].kind)) parse_juxtaposed(p, e, start);
    return e;
}

/* named_expression := NAME ':=' expression | expression. With check_eq, a
 * following '=' gets CPython's "Maybe you meant '=='" messages. */
static ast_node *parse_named_expression(parser *p, int check_eq) {
    const lex_token *t = parse_peek(p);
    int start = p->pos;
    if (t->kind == LEX_NAME && parse_peek2(p)->kind == LEX_COLONEQUAL) {
        parse_advance(p);
        parse_advance(p);
        ast_node *n = parse_mk(p, AST_NAMEDEXPR, t);
        n->u.keyword.name = parse_tok_str(p, t);
        n->u.keyword.value = parse_expression(p);
        return parse_done(p, n);
    }
    ast_node *e = parse_expression(p);
    lex_kind k = parse_kind(p);
    if (k == LEX_COLONEQUAL)
        parse_fail_node(p, e, "cannot use assignment expressions with %s", parse_expr_name(e));
    if (check_eq && k == LEX_EQUAL) parse_eq_confusion(p, e, start);
    return e;
}

/* star_expression := '*' bitor | expression */
static ast_node *parse_star_expression(parser *p) {
    const lex_token *t = parse_peek(p);
    if (t->kind != LEX_STAR) return parse_expression(p);
    parse_advance(p);
    ast_node *n = parse_mk(p, AST_STARRED, t);
    int start = p->pos;
    n->u.starred.value = parse_bitor(p);
    /* CPython's error rules also read '*' expression here */
    if (!p->no_invalid && parse_starts_expr(p->toks[p->pos].kind))
        parse_juxtaposed(p, n->u.starred.value, start);
    return parse_done(p, n);
}

/* star_named_expression := '*' bitor | named_expression (in displays) */
static ast_node *parse_star_named_expression(parser *p) {
    if (parse_kind(p) == LEX_STAR) return parse_star_expression(p);
    return parse_named_expression(p, 1);
}

/* star_expressions: a tuple when there is a comma. */
static ast_node *parse_star_expressions(parser *p) {
    const lex_token *start = parse_peek(p);
    ast_node *first = parse_star_expression(p);
    if (parse_kind(p) != LEX_COMMA) return first;
    ast_node *n = parse_mk(p, AST_TUPLE, start);
    ast_list_push(p->arena, &n->u.seq.elts, first);
    while (parse_accept(p, LEX_COMMA)) {
        if (!parse_starts_star_expr(parse_kind(p))) break;
        ast_list_push(p->arena, &n->u.seq.elts, parse_star_expression(p));
    }
    return parse_done(p, n);
}

static ast_node *parse_yield(parser *p) {
    const lex_token *t = parse_advance(p);
    ast_node *n = parse_mk(p, AST_YIELD, t);
    if (parse_accept(p, LEX_KW_FROM)) {
        n->u.yield.is_from = true;
        n->u.yield.value = parse_expression(p);
    } else if (parse_starts_star_expr(parse_kind(p))) {
        n->u.yield.value = parse_star_expressions(p);
    }
    return parse_done(p, n);
}

/* star_target := '*' bitor | bitor (checked by the caller) */
static ast_node *parse_star_target(parser *p) {
    const lex_token *t = parse_peek(p);
    if (t->kind != LEX_STAR) return parse_bitor(p);
    parse_advance(p);
    ast_node *n = parse_mk(p, AST_STARRED, t);
    n->u.starred.value = parse_bitor(p);
    return parse_done(p, n);
}

static ast_node *parse_star_targets(parser *p) {
    const lex_token *start = parse_peek(p);
    ast_node *first = parse_star_target(p);
    if (parse_kind(p) != LEX_COMMA) return first;
    ast_node *n = parse_mk(p, AST_TUPLE, start);
    ast_list_push(p->arena, &n->u.seq.elts, first);
    while (parse_accept(p, LEX_COMMA)) {
        if (!parse_starts_star_expr(parse_kind(p))) break;
        ast_list_push(p->arena, &n->u.seq.elts, parse_star_target(p));
    }
    return parse_done(p, n);
}

/* A 'for' target not followed by 'in': CPython's invalid_for_target reads
 * it again as star_expressions (with the error heuristics) first. */
static void parse_try_for_target(parser *p, void *ctx) {
    (void)ctx;
    parse_check_target(p, parse_star_expressions(p), TARGETS_FOR);
}

static _Noreturn void parse_for_target_fail(parser *p, int tstart) {
    parse_peek(p);
    int pos = p->pos;
    p->pos = tstart;
    (void)parse_attempt(p, parse_try_for_target, NULL, 0);
    p->pos = pos;
    parse_fail_here(p);
}

/* ('async'? 'for' targets 'in' disjunction ('if' disjunction)*)+ */
static void parse_comp_for(parser *p, ast_list *gens) {
    while (parse_starts_comp(p)) {
        const lex_token *start = parse_peek(p);
        int is_async = parse_accept(p, LEX_KW_ASYNC);
        parse_expect(p, LEX_KW_FOR);
        ast_node *c = parse_mk(p, AST_COMPREHENSION, start);
        int tstart = p->pos;
        c->u.comprehension.target = parse_star_targets(p);
        parse_check_target(p, c->u.comprehension.target, TARGETS_FOR);
        if (parse_kind(p) != LEX_KW_IN) parse_for_target_fail(p, tstart);
        parse_advance(p);
        const lex_token *it = parse_peek(p);
        ast_node *iter = parse_disjunction(p);
        if (is_async) {
            /* async comprehensions: the iterable is wrapped in an AST_AWAIT */
            ast_node *aw = parse_mk(p, AST_AWAIT, it);
            aw->u.yield.value = iter;
            iter = parse_done(p, aw);
        }
        c->u.comprehension.iter = iter;
        while (parse_accept(p, LEX_KW_IF))
            ast_list_push(p->arena, &c->u.comprehension.ifs, parse_disjunction(p));
        ast_list_push(p->arena, gens, parse_done(p, c));
    }
}

/* ---- parameters ---- */

/* An annotation after ':' (parsed, then discarded). */
static void parse_annotation(parser *p, int allow_star) {
    if (allow_star && parse_kind(p) == LEX_STAR) {
        (void)parse_star_expression(p);
        return;
    }
    (void)parse_expression(p);
}

/* The parameters of a def (closer ')') or a lambda (closer ':'). */
static void parse_params(parser *p, ast_args *a, lex_kind closer, int is_lambda) {
    int seen_slash = 0, seen_star = 0, seen_kwarg = 0, capn = 0, capk = 0;
    ast_list kwdefs = {0};
    while (parse_kind(p) != closer) {
        const lex_token *t = parse_peek(p);
        if (seen_kwarg) parse_fail_tok(p, t, "arguments cannot follow var-keyword argument");
        if (t->kind == LEX_SLASH) {
            if (seen_slash) parse_fail_tok(p, t, "/ may appear only once");
            if (seen_star) parse_fail_tok(p, t, "/ must be ahead of *");
            if (a->nnames == 0 && parse_peek2(p)->kind == LEX_COMMA)
                parse_fail_tok(p, t, "at least one argument must precede /");
            if (a->nnames == 0) parse_fail_tok(p, t, "invalid syntax");
            seen_slash = 1;
            parse_advance(p);
        } else if (t->kind == LEX_STAR) {
            if (seen_star) parse_fail_tok(p, t, "* argument may appear only once");
            seen_star = 1;
            parse_advance(p);
            if (parse_kind(p) == LEX_NAME) {
                a->vararg = parse_tok_str(p, parse_advance(p));
                if (!is_lambda && parse_accept(p, LEX_COLON)) parse_annotation(p, 1);
                if (parse_kind(p) == LEX_EQUAL)
                    parse_fail_tok(p, parse_peek(p), "var-positional argument cannot have default value");
            } else {
                lex_kind k = parse_kind(p);
                lex_kind k2 = k == LEX_COMMA ? parse_peek2(p)->kind : k;
                if (k == closer || (k == LEX_COMMA && (k2 == closer || k2 == LEX_DOUBLESTAR)))
                    parse_fail_tok(p, t, "named arguments must follow bare *");
            }
        } else if (t->kind == LEX_DOUBLESTAR) {
            parse_advance(p);
            a->kwarg = parse_tok_str(p, parse_expect(p, LEX_NAME));
            if (!is_lambda && parse_accept(p, LEX_COLON)) parse_annotation(p, 0);
            if (parse_kind(p) == LEX_EQUAL)
                parse_fail_tok(p, parse_peek(p), "var-keyword argument cannot have default value");
            seen_kwarg = 1;
        } else if (t->kind == LEX_NAME) {
            parse_advance(p);
            ast_str name = parse_tok_str(p, t);
            ast_node *def = NULL;
            if (!is_lambda && parse_accept(p, LEX_COLON)) parse_annotation(p, 0);
            if (parse_kind(p) == LEX_EQUAL) {
                const lex_token *eq = parse_advance(p);
                lex_kind k = parse_kind(p);
                if (k == LEX_COMMA || k == closer) parse_fail_tok(p, eq, "expected default value expression");
                def = parse_expression(p);
            }
            if (seen_star) {
                parse_push_str(p, &a->kwonly, &a->nkwonly, &capk, name);
                ast_list_push(p->arena, &kwdefs, def);
            } else {
                if (def) ast_list_push(p->arena, &a->defaults, def);
                else if (a->defaults.n) parse_fail_tok(p, t, "non-default argument follows default argument");
                parse_push_str(p, &a->names, &a->nnames, &capn, name);
            }
        } else {
            parse_fail_here(p);
        }
        if (!parse_accept(p, LEX_COMMA)) break;
    }
    if (a->nkwonly) a->kwdefaults = kwdefs.items;
}

/* ---- statements ---- */

static void parse_simple_statements(parser *p, ast_list *body);

/* ':' already read: NEWLINE INDENT statements DEDENT, or simple statements. */
static void parse_block(parser *p, ast_list *body, const char *what, int line) {
    if (!parse_accept(p, LEX_NEWLINE)) {
        parse_simple_statements(p, body);
        return;
    }
    const lex_token *t = parse_peek(p);
    if (t->kind != LEX_INDENT)
        parse_fail_indent(p, t, "expected an indented block after %s on line %d", what, line);
    parse_advance(p);
    parse_enter(p);
    do {
        parse_statement(p, body);
    } while (parse_kind(p) != LEX_DEDENT);
    parse_advance(p);
    parse_leave(p);
}

static void parse_else_block(parser *p, ast_list *orelse) {
    const lex_token *t = parse_advance(p);
    parse_expect_colon(p, 1);
    parse_block(p, orelse, "'else' statement", t->line);
}

static ast_node *parse_if(parser *p) {
    const lex_token *t = parse_advance(p);
    ast_node *n = parse_mk(p, AST_IF, t);
    n->u.if_.test = parse_named_expression(p, 1);
    parse_expect_colon(p, 0);
    parse_block(p, &n->u.if_.body, t->kind == LEX_KW_IF ? "'if' statement" : "'elif' statement", t->line);
    lex_kind k = parse_kind(p);
    if (k == LEX_KW_ELIF) {
        parse_enter(p);
        ast_list_push(p->arena, &n->u.if_.orelse, parse_if(p));
        parse_leave(p);
    } else if (k == LEX_KW_ELSE) {
        parse_else_block(p, &n->u.if_.orelse);
    }
    return parse_done(p, n);
}

static ast_node *parse_while(parser *p) {
    const lex_token *t = parse_advance(p);
    ast_node *n = parse_mk(p, AST_WHILE, t);
    n->u.loop.test = parse_named_expression(p, 1);
    parse_expect_colon(p, 0);
    parse_block(p, &n->u.loop.body, "'while' statement", t->line);
    if (parse_kind(p) == LEX_KW_ELSE) parse_else_block(p, &n->u.loop.orelse);
    return parse_done(p, n);
}

/* for (or async for: the iterable is wrapped in an AST_AWAIT). */
static ast_node *parse_for(parser *p, const lex_token *async_tok) {
    const lex_token *t = parse_advance(p);
    ast_node *n = parse_mk(p, AST_FOR, async_tok ? async_tok : t);
    int tstart = p->pos;
    n->u.loop.target = parse_star_targets(p);
    parse_check_target(p, n->u.loop.target, TARGETS_FOR);
    if (parse_kind(p) != LEX_KW_IN) parse_for_target_fail(p, tstart);
    parse_advance(p);
    const lex_token *it = parse_peek(p);
    ast_node *iter = parse_star_expressions(p);
    if (async_tok) {
        ast_node *aw = parse_mk(p, AST_AWAIT, it);
        aw->u.yield.value = iter;
        iter = parse_done(p, aw);
    }
    n->u.loop.iter = iter;
    parse_expect_colon(p, 0);
    parse_block(p, &n->u.loop.body, "'for' statement", t->line);
    if (parse_kind(p) == LEX_KW_ELSE) parse_else_block(p, &n->u.loop.orelse);
    return parse_done(p, n);
}

/* ', expressions [as NAME] :' after 'except X' (CPython's invalid_except_stmt). */
static void parse_try_except_tail(parser *p, void *ctx) {
    (void)ctx;
    parse_expect(p, LEX_COMMA);
    (void)parse_star_expressions(p);
    if (parse_accept(p, LEX_KW_AS)) parse_expect(p, LEX_NAME);
    parse_expect(p, LEX_COLON);
}

static ast_node *parse_try(parser *p) {
    const lex_token *t = parse_advance(p);
    ast_node *n = parse_mk(p, AST_TRY, t);
    const ast_node *bare = NULL;
    parse_expect_colon(p, 1);
    parse_block(p, &n->u.try_.body, "'try' statement", t->line);
    while (parse_kind(p) == LEX_KW_EXCEPT) {
        const lex_token *et = parse_advance(p);
        if (parse_kind(p) == LEX_STAR) parse_fail_tok(p, parse_peek(p), "'except*' is not supported by concviz");
        if (bare) parse_fail_node(p, bare, "default 'except:' must be last");
        ast_node *h = parse_mk(p, AST_EXCEPTHANDLER, et);
        lex_kind k = parse_kind(p);
        if (k != LEX_COLON && k != LEX_NEWLINE) {
            h->u.handler.type = parse_expression(p);
            if (parse_kind(p) == LEX_COMMA && parse_attempt(p, parse_try_except_tail, NULL, 0))
                parse_fail_node(p, h->u.handler.type, "multiple exception types must be parenthesized");
            if (parse_accept(p, LEX_KW_AS)) h->u.handler.name = parse_tok_str(p, parse_expect(p, LEX_NAME));
        } else {
            bare = h;
        }
        parse_expect_colon(p, 0);
        parse_block(p, &h->u.handler.body, "'except' statement", et->line);
        ast_list_push(p->arena, &n->u.try_.handlers, parse_done(p, h));
    }
    if (n->u.try_.handlers.n && parse_kind(p) == LEX_KW_ELSE) parse_else_block(p, &n->u.try_.orelse);
    if (parse_kind(p) == LEX_KW_FINALLY) {
        const lex_token *ft = parse_advance(p);
        parse_expect_colon(p, 1);
        parse_block(p, &n->u.try_.finalbody, "'finally' statement", ft->line);
    }
    if (!n->u.try_.handlers.n && !n->u.try_.finalbody.n)
        parse_fail_tok(p, parse_peek(p), "expected 'except' or 'finally' block");
    return parse_done(p, n);
}

static ast_node *parse_with_item(parser *p) {
    const lex_token *t = parse_peek(p);
    ast_node *item = parse_mk(p, AST_WITHITEM, t);
    item->u.withitem.context_expr = parse_expression(p);
    if (parse_accept(p, LEX_KW_AS)) {
        ast_node *v = parse_star_target(p);
        parse_check_target(p, v, TARGETS_STAR);
        item->u.withitem.optional_vars = v;
    }
    return parse_done(p, item);
}

/* with '(' item, ... [','] ')' ':' -- tried first, as in CPython. */
static void parse_with_paren_items(parser *p, void *ctx) {
    ast_list *items = ctx;
    parse_expect(p, LEX_LPAR);
    do {
        if (parse_kind(p) == LEX_RPAR && items->n) break;
        ast_list_push(p->arena, items, parse_with_item(p));
    } while (parse_accept(p, LEX_COMMA));
    parse_expect(p, LEX_RPAR);
    if (parse_kind(p) != LEX_COLON) parse_fail_here(p);
}

static ast_node *parse_with(parser *p, const lex_token *async_tok) {
    const lex_token *t = parse_advance(p);
    ast_node *n = parse_mk(p, AST_WITH, async_tok ? async_tok : t);
    n->u.with.is_async = async_tok != NULL;
    ast_list items = {0};
    if (parse_kind(p) == LEX_LPAR &&
        parse_attempt(p, parse_with_paren_items, &items, ATTEMPT_KEEP | ATTEMPT_KEEP_FAR)) {
        n->u.with.items = items;
    } else {
        do {
            ast_list_push(p->arena, &n->u.with.items, parse_with_item(p));
        } while (parse_accept(p, LEX_COMMA));
    }
    parse_expect_colon(p, 0);
    parse_block(p, &n->u.with.body, "'with' statement", t->line);
    return parse_done(p, n);
}

static ast_node *parse_funcdef(parser *p, const lex_token *async_tok, const ast_list *decorators) {
    const lex_token *t = parse_advance(p);
    ast_node *n = parse_mk(p, AST_FUNCDEF, async_tok ? async_tok : t);
    n->u.funcdef.is_async = async_tok != NULL;
    n->u.funcdef.name = parse_tok_str(p, parse_expect(p, LEX_NAME));
    if (parse_kind(p) != LEX_LPAR) parse_fail_tok(p, parse_peek(p), "expected '('");
    parse_advance(p);
    parse_params(p, &n->u.funcdef.args, LEX_RPAR, 0);
    parse_expect(p, LEX_RPAR);
    if (parse_accept(p, LEX_ARROW)) (void)parse_expression(p);
    parse_expect_colon(p, 1);
    parse_block(p, &n->u.funcdef.body, "function definition", t->line);
    if (decorators) n->u.funcdef.decorators = *decorators;
    return parse_done(p, n);
}

static ast_node *parse_classdef(parser *p, const ast_list *decorators) {
    const lex_token *t = parse_advance(p);
    ast_node *n = parse_mk(p, AST_CLASSDEF, t);
    n->u.classdef.name = parse_tok_str(p, parse_expect(p, LEX_NAME));
    if (parse_kind(p) == LEX_LPAR) {
        const lex_token *lpar = parse_advance(p);
        ast_node *call = parse_mk(p, AST_CALL, lpar);
        parse_arguments(p, call, lpar, 0);
        n->u.classdef.bases = call->u.call.args;
        n->u.classdef.keywords = call->u.call.keywords;
    }
    parse_expect_colon(p, 0);
    parse_block(p, &n->u.classdef.body, "class definition", t->line);
    if (decorators) n->u.classdef.decorators = *decorators;
    return parse_done(p, n);
}

/* 'async' def | for | with */
static ast_node *parse_async(parser *p, const ast_list *decorators) {
    const lex_token *a = parse_advance(p);
    lex_kind k = parse_kind(p);
    if (k == LEX_KW_DEF) return parse_funcdef(p, a, decorators);
    if (!decorators && k == LEX_KW_WITH) return parse_with(p, a);
    if (!decorators && k == LEX_KW_FOR) return parse_for(p, a);
    parse_fail_here(p);
}

static ast_node *parse_decorated(parser *p) {
    ast_list decorators = {0};
    while (parse_accept(p, LEX_AT)) {
        ast_list_push(p->arena, &decorators, parse_named_expression(p, 1));
        parse_expect(p, LEX_NEWLINE);
    }
    switch (parse_kind(p)) {
    case LEX_KW_DEF: return parse_funcdef(p, NULL, &decorators);
    case LEX_KW_CLASS: return parse_classdef(p, &decorators);
    case LEX_KW_ASYNC: return parse_async(p, &decorators);
    default: parse_fail_here(p);
    }
}

/* dotted_name := NAME ('.' NAME)* as one string "a.b.c" */
static ast_str parse_dotted_name(parser *p) {
    strbuf *sb = parse_sb_get(p);
    const lex_token *t = parse_expect(p, LEX_NAME);
    sb_append(sb, p->text + t->start, t->end - t->start);
    while (parse_accept(p, LEX_DOT)) {
        t = parse_expect(p, LEX_NAME);
        sb_putc(sb, '.');
        sb_append(sb, p->text + t->start, t->end - t->start);
    }
    ast_str s = ast_str_dup(p->arena, sb->data, sb->len);
    parse_sb_put(p);
    return s;
}

static ast_node *parse_import(parser *p) {
    const lex_token *t = parse_advance(p);
    ast_node *n = parse_mk(p, AST_IMPORT, t);
    do {
        ast_node *al = parse_mk(p, AST_ALIAS, parse_peek(p));
        al->u.alias.name = parse_dotted_name(p);
        if (parse_accept(p, LEX_KW_AS)) al->u.alias.asname = parse_tok_str(p, parse_expect(p, LEX_NAME));
        ast_list_push(p->arena, &n->u.import.names, parse_done(p, al));
    } while (parse_accept(p, LEX_COMMA));
    return parse_done(p, n);
}

static ast_node *parse_from(parser *p) {
    const lex_token *t = parse_advance(p);
    ast_node *n = parse_mk(p, AST_IMPORTFROM, t);
    for (;;) {
        if (parse_accept(p, LEX_DOT)) n->u.import.level += 1;
        else if (parse_accept(p, LEX_ELLIPSIS)) n->u.import.level += 3;
        else break;
    }
    if (parse_kind(p) == LEX_NAME || n->u.import.level == 0) n->u.import.module = parse_dotted_name(p);
    parse_expect(p, LEX_KW_IMPORT);
    const lex_token *star = parse_peek(p);
    if (parse_accept(p, LEX_STAR)) {
        ast_node *al = parse_mk(p, AST_ALIAS, star);
        al->u.alias.name = ast_str_dup(p->arena, "*", 1);
        ast_list_push(p->arena, &n->u.import.names, parse_done(p, al));
        return parse_done(p, n);
    }
    int paren = parse_accept(p, LEX_LPAR);
    do {
        if (paren && parse_kind(p) == LEX_RPAR && n->u.import.names.n) break;
        if (!paren && n->u.import.names.n && parse_kind(p) == LEX_NEWLINE)
            parse_fail_tok(p, parse_peek(p), "trailing comma not allowed without surrounding parentheses");
        const lex_token *nt = parse_expect(p, LEX_NAME);
        ast_node *al = parse_mk(p, AST_ALIAS, nt);
        al->u.alias.name = parse_tok_str(p, nt);
        if (parse_accept(p, LEX_KW_AS)) al->u.alias.asname = parse_tok_str(p, parse_expect(p, LEX_NAME));
        ast_list_push(p->arena, &n->u.import.names, parse_done(p, al));
    } while (parse_accept(p, LEX_COMMA));
    if (paren) parse_expect(p, LEX_RPAR);
    return parse_done(p, n);
}

static ast_node *parse_names_stmt(parser *p, ast_kind kind) {
    const lex_token *t = parse_advance(p);
    ast_node *n = parse_mk(p, kind, t);
    int cap = 0;
    do {
        parse_push_str(p, &n->u.names.names, &n->u.names.n, &cap,
                       parse_tok_str(p, parse_expect(p, LEX_NAME)));
    } while (parse_accept(p, LEX_COMMA));
    return parse_done(p, n);
}

static ast_node *parse_del(parser *p) {
    const lex_token *t = parse_advance(p);
    ast_node *n = parse_mk(p, AST_DEL, t);
    do {
        if (n->u.del.targets.n && !parse_starts_star_expr(parse_kind(p))) break;
        ast_node *e = parse_star_expression(p);
        parse_check_target(p, e, TARGETS_DEL);
        ast_list_push(p->arena, &n->u.del.targets, e);
    } while (parse_accept(p, LEX_COMMA));
    return parse_done(p, n);
}

static int parse_augop(lex_kind k, ast_binop *op) {
    switch (k) {
    case LEX_PLUSEQUAL: *op = AST_OP_ADD; return 1;
    case LEX_MINEQUAL: *op = AST_OP_SUB; return 1;
    case LEX_STAREQUAL: *op = AST_OP_MUL; return 1;
    case LEX_SLASHEQUAL: *op = AST_OP_DIV; return 1;
    case LEX_DOUBLESLASHEQUAL: *op = AST_OP_FLOORDIV; return 1;
    case LEX_PERCENTEQUAL: *op = AST_OP_MOD; return 1;
    case LEX_DOUBLESTAREQUAL: *op = AST_OP_POW; return 1;
    case LEX_LEFTSHIFTEQUAL: *op = AST_OP_LSHIFT; return 1;
    case LEX_RIGHTSHIFTEQUAL: *op = AST_OP_RSHIFT; return 1;
    case LEX_VBAREQUAL: *op = AST_OP_BITOR; return 1;
    case LEX_CIRCUMFLEXEQUAL: *op = AST_OP_BITXOR; return 1;
    case LEX_AMPEREQUAL: *op = AST_OP_BITAND; return 1;
    case LEX_ATEQUAL: *op = AST_OP_MATMUL; return 1;
    default: return 0;
    }
}

/* The right-hand side of an assignment: yield_expr | star_expressions. */
static ast_node *parse_rhs(parser *p) {
    return parse_kind(p) == LEX_KW_YIELD ? parse_yield(p) : parse_star_expressions(p);
}

static void parse_try_rhs(parser *p, void *ctx) {
    (void)ctx;
    (void)parse_rhs(p);
}

static int parse_is_single_target(const ast_node *e) {
    return e->kind == AST_NAME || e->kind == AST_ATTRIBUTE || e->kind == AST_SUBSCRIPT;
}

/* Expression statements and all kinds of assignment. */
static ast_node *parse_expr_stmt(parser *p) {
    const lex_token *first = parse_peek(p);
    int start = p->pos;
    ast_node *e = parse_rhs(p);
    const lex_token *t = parse_peek(p);
    ast_node *n;
    ast_binop op;
    if (t->kind == LEX_EQUAL) {
        n = parse_mk(p, AST_ASSIGN, first);
        ast_node *cur = e;
        int i = 0;
        while (parse_kind(p) == LEX_EQUAL) {
            if (cur->kind == AST_YIELD) parse_fail_node(p, cur, "assignment to yield expression not possible");
            const ast_node *bad = parse_invalid_target(cur, TARGETS_STAR);
            if (bad) {
                if (i == 0 && bad == cur) parse_eq_confusion(p, cur, start);
                parse_fail_node(p, bad, "cannot assign to %s", parse_expr_name(bad));
            }
            ast_list_push(p->arena, &n->u.assign.targets, cur);
            parse_advance(p);
            start = p->pos;
            cur = parse_rhs(p);
            i++;
        }
        n->u.assign.value = cur;
    } else if (parse_augop(t->kind, &op)) {
        if (!parse_is_single_target(e)) {
            /* CPython names the bad target only when a value follows */
            parse_state s;
            parse_save(p, &s);
            parse_advance(p);
            int ok = parse_attempt(p, parse_try_rhs, NULL, 0);
            parse_restore(p, &s);
            if (!ok) parse_fail_here(p);
            parse_fail_node(p, e, "'%s' is an illegal expression for augmented assignment",
                            parse_expr_name(e));
        }
        parse_advance(p);
        n = parse_mk(p, AST_AUGASSIGN, first);
        n->u.augassign.target = e;
        n->u.augassign.op = op;
        n->u.augassign.value = parse_rhs(p);
    } else if (t->kind == LEX_COLONEQUAL) {
        /* 'x := 1' needs parentheses; CPython names other bad targets */
        if (e->kind != AST_NAME) {
            parse_state s;
            parse_save(p, &s);
            parse_advance(p);
            int ok = parse_attempt(p, parse_try_expression, NULL, 0);
            parse_restore(p, &s);
            if (ok) parse_fail_node(p, e, "cannot use assignment expressions with %s", parse_expr_name(e));
        }
        parse_fail_here(p);
    } else if (t->kind == LEX_COLON) {
        if (!parse_is_single_target(e)) {
            /* CPython names the bad target only when an annotation follows */
            parse_state s;
            parse_save(p, &s);
            parse_advance(p);
            int ok = parse_attempt(p, parse_try_expression, NULL, 0);
            parse_restore(p, &s);
            if (!ok) parse_fail_here(p);
            if (e->kind == AST_TUPLE) parse_fail_node(p, e, "only single target (not tuple) can be annotated");
            if (e->kind == AST_LIST) parse_fail_node(p, e, "only single target (not list) can be annotated");
            parse_fail_node(p, e, "illegal target for annotation");
        }
        parse_advance(p);
        n = parse_mk(p, AST_ANNASSIGN, first);
        n->u.annassign.target = e;
        n->u.annassign.annotation = parse_expression(p);
        if (parse_accept(p, LEX_EQUAL)) n->u.annassign.value = parse_rhs(p);
    } else {
        n = parse_mk(p, AST_EXPR_STMT, first);
        n->u.expr_stmt.value = e;
    }
    return parse_done(p, n);
}

static ast_node *parse_simple(parser *p) {
    const lex_token *t = parse_peek(p);
    ast_node *n;
    switch (t->kind) {
    case LEX_KW_PASS: case LEX_KW_BREAK: case LEX_KW_CONTINUE:
        parse_advance(p);
        n = parse_mk(p, t->kind == LEX_KW_PASS ? AST_PASS : t->kind == LEX_KW_BREAK ? AST_BREAK : AST_CONTINUE, t);
        return parse_done(p, n);
    case LEX_KW_RETURN:
        parse_advance(p);
        n = parse_mk(p, AST_RETURN, t);
        if (parse_starts_star_expr(parse_kind(p))) n->u.ret.value = parse_star_expressions(p);
        return parse_done(p, n);
    case LEX_KW_RAISE:
        parse_advance(p);
        n = parse_mk(p, AST_RAISE, t);
        if (parse_starts_expr(parse_kind(p))) {
            n->u.raise.exc = parse_expression(p);
            if (parse_accept(p, LEX_KW_FROM)) n->u.raise.cause = parse_expression(p);
        }
        return parse_done(p, n);
    case LEX_KW_GLOBAL: return parse_names_stmt(p, AST_GLOBAL);
    case LEX_KW_NONLOCAL: return parse_names_stmt(p, AST_NONLOCAL);
    case LEX_KW_DEL: return parse_del(p);
    case LEX_KW_ASSERT:
        parse_advance(p);
        n = parse_mk(p, AST_ASSERT, t);
        n->u.assert_.test = parse_expression(p);
        if (parse_accept(p, LEX_COMMA)) n->u.assert_.msg = parse_expression(p);
        return parse_done(p, n);
    case LEX_KW_IMPORT: return parse_import(p);
    case LEX_KW_FROM: return parse_from(p);
    default: return parse_expr_stmt(p);
    }
}

static void parse_simple_statements(parser *p, ast_list *body) {
    for (;;) {
        ast_list_push(p->arena, body, parse_simple(p));
        if (!parse_accept(p, LEX_SEMI)) break;
        if (parse_kind(p) == LEX_NEWLINE) break;
    }
    parse_expect(p, LEX_NEWLINE);
}

static void parse_statement(parser *p, ast_list *body) {
    ast_node *n;
    switch (parse_kind(p)) {
    case LEX_KW_IF: n = parse_if(p); break;
    case LEX_KW_WHILE: n = parse_while(p); break;
    case LEX_KW_FOR: n = parse_for(p, NULL); break;
    case LEX_KW_TRY: n = parse_try(p); break;
    case LEX_KW_WITH: n = parse_with(p, NULL); break;
    case LEX_KW_DEF: n = parse_funcdef(p, NULL, NULL); break;
    case LEX_KW_CLASS: n = parse_classdef(p, NULL); break;
    case LEX_AT: n = parse_decorated(p); break;
    case LEX_KW_ASYNC: n = parse_async(p, NULL); break;
    default: parse_simple_statements(p, body); return;
    }
    ast_list_push(p->arena, body, n);
}

/* ---- entry point ---- */

static void parse_copy_lex_error(parse_error *err, const lex_error *le) {
    err->line = le->line;
    err->col = le->col;
    err->kind = le->kind;
    snprintf(err->msg, sizeof err->msg, "%s", le->msg);
}

static void parse_free(parser *p) {
    for (int i = 0; i < p->nowned; i++) free(p->owned[i]);
    free(p->owned);
    for (int i = 0; i < p->sbcount; i++) {
        sb_free(p->sbpool[i]);
        free(p->sbpool[i]);
    }
    free(p->sbpool);
    free((char *)p->text);
    free(p);
}

ast_node *parse_module(ast_arena *arena, const char *src, size_t len, parse_error *err) {
    lex_error lerr;
    char *text;
    size_t tlen;
    memset(err, 0, sizeof *err);
    if (!src) {
        src = "";
        len = 0;
    }
    if (!lex_prepare(src, len, &text, &tlen, &lerr)) {
        parse_copy_lex_error(err, &lerr);
        return NULL;
    }
    parser *p = xcalloc(1, sizeof *p);
    jmp_buf jb;
    ast_node *volatile result = NULL;
    int n;
    p->arena = arena;
    p->text = text;
    p->err = err;
    p->toks = p->main_toks = lex_tokenize(text, 0, tlen, 1, 1, 0, &n, &p->main_lexerr);
    p->ntok = p->main_ntok = n;
    p->lexerr = &p->main_lexerr;
    p->prev_line = p->prev_col = 1;
    parse_own(p, p->toks);
    p->jb = &jb;
    if (setjmp(jb) == 0) {
        ast_node *m = ast_node_new(arena, AST_MODULE, 1, 1);
        while (parse_kind(p) != LEX_ENDMARKER) parse_statement(p, &m->u.module.body);
        result = parse_done(p, m);
    } else {
        /* A tokenizer error further on wins over a parser error, as in
         * CPython, which tokenizes the rest of the file after a failure. */
        const lex_error *le = &p->main_lexerr;
        if (!p->err_from_lexer && !p->no_override && p->main_toks[p->main_ntok - 1].kind == LEX_ERROR &&
            (le->eager || (le->unclosed && le->line < p->far_line)))
            parse_copy_lex_error(err, le);
        result = NULL;
    }
    parse_free(p);
    return result;
}
