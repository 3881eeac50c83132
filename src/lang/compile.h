/* compile.h - AST -> code objects. */
#ifndef CONCVIZ_COMPILE_H
#define CONCVIZ_COMPILE_H

#include "ast.h"
#include "code.h"
#include "lang.h"

/* Everything the compiler makes for one program; owns its code objects and
 * permanent constants. */
typedef struct comp_output {
    code_obj *module;
    code_obj **all;     /* every code object, for freeing */
    size_t nall, all_cap;
    obj **perm;         /* permanent constants (strings, tuples of names) */
    size_t nperm, perm_cap;
} comp_output;

/* Compiles a parsed module. On error fills err (line/col in program text,
 * offsets NOT yet applied) and returns false; out is then freed already. */
bool comp_module(const ast_node *module, comp_output *out, lang_error *err);
void comp_output_free(comp_output *out);
/* Names of the modules a program may import (NULL-terminated). */
extern const char *const comp_supported_modules[];

#endif
