/* symtable.h - scope analysis: which names of each function, class body,
 * comprehension and module are locals, cells, free variables or globals. */
#ifndef CONCVIZ_SYMTABLE_H
#define CONCVIZ_SYMTABLE_H

#include <stdbool.h>

#include "ast.h"

typedef enum scope_kind { SC_MODULE, SC_FUNCTION, SC_CLASS, SC_COMP } scope_kind;

enum {
    SYM_BOUND = 1,          /* assigned, imported, defined or a parameter here */
    SYM_PARAM = 2,
    SYM_GLOBAL_DECL = 4,    /* 'global name' */
    SYM_NONLOCAL_DECL = 8,  /* 'nonlocal name' */
    SYM_USED = 16,
    SYM_CELL = 32,          /* bound here and captured by an inner scope */
    SYM_FREE = 64           /* bound in an enclosing function scope */
};

typedef struct sym_entry {
    const char *name;  /* owned by the AST arena */
    size_t len;
    unsigned flags;
    int line, col;     /* first mention, for errors */
} sym_entry;

typedef struct scope scope;
struct scope {
    scope_kind kind;
    const ast_node *node;   /* AST_MODULE, AST_FUNCDEF, AST_LAMBDA, AST_CLASSDEF, or a comprehension */
    scope *parent;
    sym_entry *syms;
    int nsyms, syms_cap;
    scope **children;
    int nchildren, children_cap;
    bool generator;         /* a function whose body yields */
};

typedef struct symtable_error {
    int line, col;
    char msg[200];
} symtable_error;

/* Builds the scope tree of a module. Returns NULL with *err on a scope
 * error (e.g. "no binding for nonlocal 'x' found"). Free with symtable_free. */
scope *symtable_build(const ast_node *module, symtable_error *err);
void symtable_free(scope *s);
scope *symtable_child(const scope *s, const ast_node *node);
sym_entry *symtable_find(const scope *s, const char *name, size_t len);

#endif
