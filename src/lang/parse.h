/* parse.h - tokenizer + recursive-descent parser: program text -> AST (ast.h). */
#ifndef CONCVIZ_PARSE_H
#define CONCVIZ_PARSE_H

#include "ast.h"

/* Where and why parsing failed. line/col are 1-based in the program text;
 * kind is "SyntaxError" or "IndentationError" (static string). */
typedef struct parse_error {
    int line;
    int col;
    const char *kind;
    char msg[256];
} parse_error;

/* Parses a whole module. src need not be NUL-terminated; CRLF and CR line
 * ends are accepted, a leading UTF-8 BOM is skipped, and invalid UTF-8 is a
 * located SyntaxError. Returns the AST_MODULE node (owned by arena), or NULL
 * with *err filled in. */
ast_node *parse_module(ast_arena *arena, const char *src, size_t len, parse_error *err);

#endif
