/* ast_dump.h - a compact S-expression rendering of an AST, for tests and
 * debugging. One line, single spaces, no trailing newline.
 *
 *   module        (module S...)          statement list  [S S ...]
 *   name          x                      int / float     42  1000.0  1e+16  inf  (Python's repr)
 *   str           "a\n\"b"  (\\ \" \n \t \r \xHH escaped; other UTF-8 as is)
 *   constants     None True False ...    (... = AST_NONE made from an Ellipsis)
 *   f-string      (f PART...)            field   (fmt X [!r|!s|!a] [(f SPEC...)])
 *   displays      (tuple X...) (list X...) (set X...) (dict (K V)... (** D)...)
 *   binop         (+ L R) with - * / // % ** << >> | ^ & @
 *   unary         (neg X) (pos X) (not X) (inv X)
 *   boolop        (and A B...) (or A B...)
 *   compare       (cmp A < B is-not C)   ops == != < <= > >= is is-not in not-in
 *   ifexp         (ifexp TEST BODY ORELSE)
 *   lambda        (lambda ARGS BODY)     args (args a (= b DEFAULT) *c d (= e 1) **f)
 *                                        (a bare '*' is shown when only kw-only follow)
 *   call          (call F ARG... (kw name V)... (** V)...)   starred (* X)
 *   attribute     (. X name)             subscript (sub X INDEX)
 *   slice         (slice LO HI STEP)     an absent part prints as ()
 *   comprehension (listcomp ELT GEN...) (genexp ...) (setcomp ...) (dictcomp K V GEN...)
 *                 GEN = (comp TARGET ITER IF...)
 *   yield/await   (yield) (yield X) (await X)    walrus (:= name X)
 *   statements    (expr X) (= T... V) (+= T V) (ann T ANN [V]) pass break continue
 *                 (if TEST [..] [..]) (while TEST [..] [..]) (for T ITER [..] [..])
 *                 (return [X]) (def NAME ARGS [..] [(@ D...)]) (async-def ...)
 *                 (class NAME (BASE... (kw k V)...) [..] [(@ D...)])
 *                 (try [..] [(except TYPE NAME [..])...] [ORELSE] [FINAL])
 *                 (raise [X [from Y]]) (assert T [M]) (with (item CTX [VARS])... [..])
 *                 (async-with ...) (global a b) (nonlocal a) (del T...)
 *                 (import a.b (as c.d e)) (from ..mod a (as b c) *)
 */
#ifndef CONCVIZ_AST_DUMP_H
#define CONCVIZ_AST_DUMP_H

#include "ast.h"
#include "strbuf.h"

/* Appends the S-expression of n (NULL prints as "()") to out. */
void ast_dump(const ast_node *n, strbuf *out);

/* The same with each node's start appended to its head: (call@3:5 f@3:5 x@3:7).
 * Comprehension clauses, with-items and the parts of an f-string carry no
 * position here (CPython does not give them one). */
void ast_dump_positions(const ast_node *n, strbuf *out);

#endif
