/* ast.h - the abstract syntax tree the parser builds and the compiler reads.
 *
 * Ownership: every node, list and string of one tree lives in one arena
 * (ast_arena); ast_arena_free releases the whole tree at once. Nodes carry the
 * 1-based line and column of their first token in the *program text* (the
 * compiler adds the scenario's offsets when it reports an error).
 */
#ifndef CONCVIZ_AST_H
#define CONCVIZ_AST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct ast_node ast_node;

/* A growable array of node pointers. */
typedef struct ast_list {
    ast_node **items;
    int n;
    int cap;
} ast_list;

/* A string owned by the arena: UTF-8 bytes, NUL-terminated, len in bytes. */
typedef struct ast_str {
    const char *s;
    size_t len;
} ast_str;

/* Operators shared by BINOP and AUGASSIGN. */
typedef enum ast_binop {
    AST_OP_ADD, AST_OP_SUB, AST_OP_MUL, AST_OP_DIV, AST_OP_FLOORDIV,
    AST_OP_MOD, AST_OP_POW, AST_OP_LSHIFT, AST_OP_RSHIFT, AST_OP_BITOR,
    AST_OP_BITXOR, AST_OP_BITAND, AST_OP_MATMUL
} ast_binop;

typedef enum ast_unaryop { AST_UOP_NEG, AST_UOP_POS, AST_UOP_NOT, AST_UOP_INVERT } ast_unaryop;

typedef enum ast_cmpop {
    AST_CMP_EQ, AST_CMP_NE, AST_CMP_LT, AST_CMP_LE, AST_CMP_GT, AST_CMP_GE,
    AST_CMP_IS, AST_CMP_IS_NOT, AST_CMP_IN, AST_CMP_NOT_IN
} ast_cmpop;

typedef enum ast_kind {
    /* ---- expressions ---- */
    AST_NAME,          /* name.id */
    AST_INT,           /* int_value (parser reports a literal too big for int64) */
    AST_FLOAT,         /* float_value */
    AST_STR,           /* str (adjacent literals already concatenated, escapes decoded) */
    AST_NONE, AST_TRUE, AST_FALSE,
    AST_FSTRING,       /* fstring.parts: AST_STR pieces and AST_FORMATTED fields, in order */
    AST_FORMATTED,     /* formatted.value, .conversion ('r','s','a' or 0), .spec (AST_FSTRING or NULL) */
    AST_TUPLE,         /* seq.elts */
    AST_LIST,          /* seq.elts */
    AST_SET,           /* seq.elts (the compiler rejects it: outside the subset) */
    AST_DICT,          /* dict.keys, dict.values (same length; a NULL key means **expr) */
    AST_BINOP,         /* binop.op, .left, .right */
    AST_UNARYOP,       /* unary.op, .operand */
    AST_BOOLOP,        /* boolop.is_and, .values (2 or more) */
    AST_COMPARE,       /* compare.left, .ops[], .comparators (same count as ops) */
    AST_IFEXP,         /* ifexp.test, .body, .orelse */
    AST_LAMBDA,        /* lambda.args, .body (an expression) */
    AST_CALL,          /* call.func, .args (may hold AST_STARRED), .keywords (AST_KEYWORD) */
    AST_KEYWORD,       /* keyword.name (NULL for **expr), .value */
    AST_STARRED,       /* starred.value: *expr in a call, a target list or a display */
    AST_ATTRIBUTE,     /* attribute.value, .attr */
    AST_SUBSCRIPT,     /* subscript.value, .index (an expression, AST_SLICE, or AST_TUPLE) */
    AST_SLICE,         /* slice.lower, .upper, .step (each may be NULL) */
    AST_LISTCOMP,      /* comp.elt, .generators (AST_COMPREHENSION) */
    AST_GENEXP,        /* comp.elt, .generators: (x for x in y) */
    AST_DICTCOMP,      /* comp.key, comp.elt (the value), .generators */
    AST_SETCOMP,       /* comp.elt, .generators (rejected by the compiler) */
    AST_COMPREHENSION, /* comprehension.target, .iter, .ifs */
    AST_YIELD,         /* yield.value (may be NULL): rejected by the compiler */
    AST_AWAIT,         /* rejected by the compiler */
    AST_NAMEDEXPR,     /* walrus: rejected by the compiler */

    /* ---- statements ---- */
    AST_EXPR_STMT,     /* expr_stmt.value */
    AST_ASSIGN,        /* assign.targets (a = b = v has two), .value */
    AST_AUGASSIGN,     /* augassign.target, .op, .value */
    AST_ANNASSIGN,     /* annassign.target, .annotation, .value (may be NULL) */
    AST_IF,            /* if_.test, .body, .orelse (an elif is an AST_IF alone in orelse) */
    AST_WHILE,         /* loop.test, .body, .orelse */
    AST_FOR,           /* loop.target, .iter, .body, .orelse */
    AST_BREAK, AST_CONTINUE, AST_PASS,
    AST_RETURN,        /* ret.value (may be NULL) */
    AST_FUNCDEF,       /* funcdef.name, .args, .body, .decorators, .is_async */
    AST_CLASSDEF,      /* classdef.name, .bases, .keywords, .body, .decorators */
    AST_TRY,           /* try_.body, .handlers (AST_EXCEPTHANDLER), .orelse, .finalbody */
    AST_EXCEPTHANDLER, /* handler.type (may be NULL), .name (may be NULL), .body */
    AST_RAISE,         /* raise.exc (may be NULL), .cause (may be NULL) */
    AST_ASSERT,        /* assert_.test, .msg (may be NULL) */
    AST_WITH,          /* with.items (AST_WITHITEM), .body, .is_async */
    AST_WITHITEM,      /* withitem.context_expr, .optional_vars (may be NULL) */
    AST_GLOBAL,        /* names.names */
    AST_NONLOCAL,      /* names.names */
    AST_IMPORT,        /* import.names (AST_ALIAS) */
    AST_IMPORTFROM,    /* import.module, .names (AST_ALIAS; alias.name "*" for star), .level */
    AST_ALIAS,         /* alias.name (dotted, as written), .asname (may be NULL) */
    AST_DEL,           /* del.targets */
    AST_MODULE         /* module.body */
} ast_kind;

/* Parameters of a def or lambda. defaults align with the *last* positional names. */
typedef struct ast_args {
    ast_str *names;        /* positional-or-keyword parameter names */
    int nnames;
    ast_list defaults;     /* expressions, defaults.n <= nnames */
    ast_str vararg;        /* *args name; vararg.s == NULL when absent */
    ast_str *kwonly;       /* keyword-only names (after * or *args) */
    int nkwonly;
    ast_node **kwdefaults; /* one per kwonly name; NULL where there is no default */
    ast_str kwarg;         /* **kwargs name; kwarg.s == NULL when absent */
} ast_args;

struct ast_node {
    ast_kind kind;
    int line;   /* 1-based, in the program text */
    int col;    /* 1-based, in the program text (counted in code points) */
    int end_line, end_col; /* just past the node's last token (best effort) */
    union {
        struct { ast_str id; } name;
        int64_t int_value;
        double float_value;
        ast_str str;
        struct { ast_list parts; } fstring;
        struct { ast_node *value; int conversion; ast_node *spec; } formatted;
        struct { ast_list elts; } seq;
        struct { ast_list keys, values; } dict;
        struct { ast_binop op; ast_node *left, *right; } binop;
        struct { ast_unaryop op; ast_node *operand; } unary;
        struct { int is_and; ast_list values; } boolop;
        struct { ast_node *left; ast_cmpop *ops; ast_list comparators; } compare;
        struct { ast_node *test, *body, *orelse; } ifexp;
        struct { ast_args args; ast_node *body; } lambda;
        struct { ast_node *func; ast_list args, keywords; } call;
        struct { ast_str name; ast_node *value; } keyword;
        struct { ast_node *value; } starred;
        struct { ast_node *value; ast_str attr; } attribute;
        struct { ast_node *value, *index; } subscript;
        struct { ast_node *lower, *upper, *step; } slice;
        struct { ast_node *key, *elt; ast_list generators; } comp;
        struct { ast_node *target, *iter; ast_list ifs; } comprehension;
        struct { ast_node *value; bool is_from; } yield;

        struct { ast_node *value; } expr_stmt;
        struct { ast_list targets; ast_node *value; } assign;
        struct { ast_node *target; ast_binop op; ast_node *value; } augassign;
        struct { ast_node *target, *annotation, *value; } annassign;
        struct { ast_node *test; ast_list body, orelse; } if_;
        struct { ast_node *test, *target, *iter; ast_list body, orelse; } loop;
        struct { ast_node *value; } ret;
        struct { ast_str name; ast_args args; ast_list body, decorators; int is_async; } funcdef;
        struct { ast_str name; ast_list bases, keywords, body, decorators; } classdef;
        struct { ast_list body, handlers, orelse, finalbody; } try_;
        struct { ast_node *type; ast_str name; ast_list body; } handler;
        struct { ast_node *exc, *cause; } raise;
        struct { ast_node *test, *msg; } assert_;
        struct { ast_list items, body; int is_async; } with;
        struct { ast_node *context_expr, *optional_vars; } withitem;
        struct { ast_str *names; int n; } names;
        struct { ast_str module; ast_list names; int level; } import;
        struct { ast_str name, asname; } alias;
        struct { ast_list targets; } del;
        struct { ast_list body; } module;
    } u;
};

/* The arena that owns a tree. */
typedef struct ast_arena ast_arena;

ast_arena *ast_arena_new(void);
void ast_arena_free(ast_arena *a);
/* Zeroed memory from the arena (aborts on out-of-memory like every model allocation). */
void *ast_arena_alloc(ast_arena *a, size_t size);
/* Appends item to list, growing it inside the arena. */
void ast_list_push(ast_arena *a, ast_list *list, ast_node *item);
/* Copies len bytes of s into the arena as a NUL-terminated ast_str. */
ast_str ast_str_dup(ast_arena *a, const char *s, size_t len);
/* A new node of the given kind at (line, col), zeroed otherwise. */
ast_node *ast_node_new(ast_arena *a, ast_kind kind, int line, int col);

#endif
