/* test_parse.c - unit tests of the parser (parse.h) and the AST dumper
 * (ast_dump.h): every construct of the subset round-trips through
 * ast_dump, node positions, f-strings, and syntax errors with their exact
 * kind, line, column and message. The expected dumps and errors are those of
 * CPython 3.11 (its ast module, rendered in the same format), except where a
 * comment in the error table says why concviz differs. */
#include "lang/parse.h"

#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lang/ast.h"
#include "lang/ast_dump.h"
#include "lang/strbuf.h"

/* ------------------------------------------------------------------ */
/* Helpers                                                             */

typedef struct parse_case {
    const char *src;
    const char *want;
} parse_case;

/* Parses len bytes of src: the dump of the module (with positions if asked)
 * or "Kind line:col message". The caller frees the result. */
static char *test_parse_n(const char *src, size_t len, int positions) {
    ast_arena *arena = ast_arena_new();
    parse_error err;
    strbuf sb;
    sb_init(&sb);
    ast_node *m = parse_module(arena, src, len, &err);
    if (m) {
        ck_assert_int_eq(m->kind, AST_MODULE);
        if (positions) ast_dump_positions(m, &sb);
        else ast_dump(m, &sb);
    } else {
        ck_assert_ptr_nonnull(err.kind);
        ck_assert_int_ge(err.line, 1);
        ck_assert_int_ge(err.col, 1);
        ck_assert_int_gt((int)strlen(err.msg), 0);
        sb_printf(&sb, "%s %d:%d %s", err.kind, err.line, err.col, err.msg);
    }
    ast_arena_free(arena);
    if (!sb.data) sb_puts(&sb, "");
    return sb_take(&sb);
}

static char *test_parse(const char *src) { return test_parse_n(src, strlen(src), 0); }

static void test_check_cases(const parse_case *cases, size_t n, int positions) {
    for (size_t i = 0; i < n; i++) {
        char *got = test_parse_n(cases[i].src, strlen(cases[i].src), positions);
        ck_assert_msg(strcmp(got, cases[i].want) == 0, "case %zu: %s\n  want: %s\n  got:  %s", i,
                      cases[i].src, cases[i].want, got);
        free(got);
    }
}

#define TEST_CASES(table, positions) test_check_cases(table, sizeof table / sizeof table[0], positions)

/* Parses src (which must be valid) and returns the module; *arena to free. */
static ast_node *test_module(const char *src, ast_arena **arena) {
    parse_error err;
    *arena = ast_arena_new();
    ast_node *m = parse_module(*arena, src, strlen(src), &err);
    ck_assert_msg(m != NULL, "%s: %s %d:%d %s", src, err.kind, err.line, err.col, err.msg);
    return m;
}

/* The value of the first statement, an expression statement. */
static ast_node *test_first_expr(ast_node *m) {
    ck_assert_int_ge(m->u.module.body.n, 1);
    ast_node *s = m->u.module.body.items[0];
    if (s->kind == AST_EXPR_STMT) return s->u.expr_stmt.value;
    ck_assert_int_eq(s->kind, AST_ASSIGN);
    return s->u.assign.value;
}

/* ------------------------------------------------------------------ */
/* Expected results                                                    */

static const parse_case parse_cases_atoms[] = {
    {"x\n", "(module (expr x))"},
    {"42\n", "(module (expr 42))"},
    {"0x_ff, 0o17, 0b1010, 1_000, 0, 00, 9223372036854775807\n",
     "(module (expr (tuple 255 15 10 1000 0 0 9223372036854775807)))"},
    {"1.5, 1., .5, 1e3, 1E-3, 1_000.5, 09.5, 1e400, 0e0\n",
     "(module (expr (tuple 1.5 1.0 0.5 1000.0 0.001 1000.5 9.5 inf 0.0)))"},
    {"None, True, False\n", "(module (expr (tuple None True False)))"},
    {"...\n", "(module (expr ...))"},
    {"'a' \"b\" '''c''' \"\"\"d\"\"\"\n", "(module (expr \"abcd\"))"},
    {"'线程' + \"é\"\n", "(module (expr (+ \"线程\" \"é\")))"},
    {"'\\n\\t\\r\\\\\\'\\\"\\a\\b\\f\\v\\0\\101\\777\\x41\\u7ebf\\U0001F600'\n",
     "(module (expr \"\\n\\t\\r\\\\'\\\"\\x07\\x08\\x0c\\x0b\\x00AǿA线😀\"))"},
    {"'\\q\\d' r'\\n\\q' R'\\x'\n", "(module (expr \"\\\\q\\\\d\\\\n\\\\q\\\\x\"))"},
    {"'a\\\nb'\n", "(module (expr \"ab\"))"},
    {"u'x' U'y'\n", "(module (expr \"xy\"))"},
    {"'''a\nb'''\n", "(module (expr \"a\\nb\"))"},
    {"x = 'abc' 'def'\n", "(module (= x \"abcdef\"))"},
    {"''\n", "(module (expr \"\"))"},
    {"\"\"\"\"\"\"\n", "(module (expr \"\"))"},
};

static const parse_case parse_cases_operators[] = {
    {"a + b * c - d / e // f % g @ h\n",
     "(module (expr (- (+ a (* b c)) (@ (% (// (/ d e) f) g) h))))"},
    {"a ** b ** c\n", "(module (expr (** a (** b c))))"},
    {"-a ** -b\n", "(module (expr (neg (** a (neg b)))))"},
    {"(-a) ** b\n", "(module (expr (** (neg a) b)))"},
    {"a | b ^ c & d << e >> f\n", "(module (expr (| a (^ b (& c (>> (<< d e) f))))))"},
    {"+a - -b + ~c\n", "(module (expr (+ (- (pos a) (neg b)) (inv c))))"},
    {"not a and b or not c and d\n", "(module (expr (or (and (not a) b) (and (not c) d))))"},
    {"a or b or c\n", "(module (expr (or a b c)))"},
    {"a and b and c\n", "(module (expr (and a b c)))"},
    {"a < b <= c > d >= e == f != g\n", "(module (expr (cmp a < b <= c > d >= e == f != g)))"},
    {"a is b, a is not b, a in b, a not in b\n",
     "(module (expr (tuple (cmp a is b) (cmp a is-not b) (cmp a in b) (cmp a not-in b))))"},
    {"not a < b\n", "(module (expr (not (cmp a < b))))"},
    {"a if b else c if d else e\n", "(module (expr (ifexp b a (ifexp d c e))))"},
    {"(a if b else c) if d else e\n", "(module (expr (ifexp d (ifexp b a c) e)))"},
    {"await a ** b\n", "(module (expr (** (await a) b)))"},
    {"1 .real\n", "(module (expr (. 1 real)))"},
    {"x[0].y(1)[2]\n", "(module (expr (sub (call (. (sub x 0) y) 1) 2)))"},
    {"a.b.c\n", "(module (expr (. (. a b) c)))"},
    {"-1\n", "(module (expr (neg 1)))"},
    {"a @ b\n", "(module (expr (@ a b)))"},
};

static const parse_case parse_cases_calls[] = {
    {"f()\n", "(module (expr (call f)))"},
    {"f(a, b)\n", "(module (expr (call f a b)))"},
    {"f(a, )\n", "(module (expr (call f a)))"},
    {"f(*a, **k)\n", "(module (expr (call f (* a) (** k))))"},
    {"f(a, *b, c, d=1, *e, **f, g=2, **h)\n",
     "(module (expr (call f a (* b) c (* e) (kw d 1) (** f) (kw g 2) (** h))))"},
    {"f(x for x in y)\n", "(module (expr (call f (genexp x (comp x y)))))"},
    {"f(x for x in y if x for z in x if z if w)\n",
     "(module (expr (call f (genexp x (comp x y x) (comp z x z w)))))"},
    {"f(a)(b)(c)\n", "(module (expr (call (call (call f a) b) c)))"},
    {"f(x := 1)\n", "(module (expr (call f (:= x 1))))"},
    {"f(a=1, b=2)\n", "(module (expr (call f (kw a 1) (kw b 2))))"},
    {"f(**a, b=1)\n", "(module (expr (call f (** a) (kw b 1))))"},
    {"print(*a, sep='')\n", "(module (expr (call print (* a) (kw sep \"\"))))"},
};

static const parse_case parse_cases_subscripts[] = {
    {"a[1]\n", "(module (expr (sub a 1)))"},
    {"a[1:2]\n", "(module (expr (sub a (slice 1 2 ()))))"},
    {"a[:]\n", "(module (expr (sub a (slice () () ()))))"},
    {"a[::]\n", "(module (expr (sub a (slice () () ()))))"},
    {"a[1:]\n", "(module (expr (sub a (slice 1 () ()))))"},
    {"a[:2]\n", "(module (expr (sub a (slice () 2 ()))))"},
    {"a[::-1]\n", "(module (expr (sub a (slice () () (neg 1)))))"},
    {"a[1:2:3]\n", "(module (expr (sub a (slice 1 2 3))))"},
    {"a[1:2, ::3]\n", "(module (expr (sub a (tuple (slice 1 2 ()) (slice () () 3)))))"},
    {"a[1, 2]\n", "(module (expr (sub a (tuple 1 2))))"},
    {"a[1,]\n", "(module (expr (sub a (tuple 1))))"},
    {"a[...]\n", "(module (expr (sub a ...)))"},
    {"a[x := 1]\n", "(module (expr (sub a (:= x 1))))"},
    {"a[*b]\n", "(module (expr (sub a (tuple (* b)))))"},
    {"a[*b, c]\n", "(module (expr (sub a (tuple (* b) c))))"},
    {"a[b][c]\n", "(module (expr (sub (sub a b) c)))"},
    {"a[lambda: 1]\n", "(module (expr (sub a (lambda (args) 1))))"},
};

static const parse_case parse_cases_displays[] = {
    {"()\n", "(module (expr (tuple)))"},
    {"(1,)\n", "(module (expr (tuple 1)))"},
    {"(1, 2)\n", "(module (expr (tuple 1 2)))"},
    {"(1, *a)\n", "(module (expr (tuple 1 (* a))))"},
    {"[]\n", "(module (expr (list)))"},
    {"[1]\n", "(module (expr (list 1)))"},
    {"[1, 2, *a, *b,]\n", "(module (expr (list 1 2 (* a) (* b))))"},
    {"{}\n", "(module (expr (dict)))"},
    {"{1}\n", "(module (expr (set 1)))"},
    {"{1, 2, *a}\n", "(module (expr (set 1 2 (* a))))"},
    {"{1: 2}\n", "(module (expr (dict (1 2))))"},
    {"{1: 2, **a, 3: 4, **b}\n", "(module (expr (dict (1 2) (** a) (3 4) (** b))))"},
    {"{**a}\n", "(module (expr (dict (** a))))"},
    {"[x for x in y]\n", "(module (expr (listcomp x (comp x y))))"},
    {"[x for x in y for z in x if z if w]\n",
     "(module (expr (listcomp x (comp x y) (comp z x z w))))"},
    {"{x for x in y}\n", "(module (expr (setcomp x (comp x y))))"},
    {"{k: v for k, v in d.items() if k}\n",
     "(module (expr (dictcomp k v (comp (tuple k v) (call (. d items)) k))))"},
    {"(x for x in y)\n", "(module (expr (genexp x (comp x y))))"},
    {"[(a, b) for a in c for b in d]\n",
     "(module (expr (listcomp (tuple a b) (comp a c) (comp b d))))"},
    {"[x for x, in y]\n", "(module (expr (listcomp x (comp (tuple x) y))))"},
    {"[x for (a, b) in y]\n", "(module (expr (listcomp x (comp (tuple a b) y))))"},
    {"[x for [a, *b] in y]\n", "(module (expr (listcomp x (comp (list a (* b)) y))))"},
    {"[y := 1, y ** 2]\n", "(module (expr (list (:= y 1) (** y 2))))"},
    {"x = [\n    1,\n    2,\n]\n", "(module (= x (list 1 2)))"},
    {"x = 1, 2\n", "(module (= x (tuple 1 2)))"},
    {"x = *a, *b\n", "(module (= x (tuple (* a) (* b))))"},
};

static const parse_case parse_cases_lambda[] = {
    {"lambda: 0\n", "(module (expr (lambda (args) 0)))"},
    {"lambda a, b=1, *c, d, e=2, **f: a\n",
     "(module (expr (lambda (args a (= b 1) *c d (= e 2) **f) a)))"},
    {"lambda *, a: a\n", "(module (expr (lambda (args * a) a)))"},
    {"lambda *a, **k: 0\n", "(module (expr (lambda (args *a **k) 0)))"},
    {"lambda a, /, b: 0\n", "(module (expr (lambda (args a b) 0)))"},
    {"lambda a=1, /, b=2: 0\n", "(module (expr (lambda (args (= a 1) (= b 2)) 0)))"},
    {"lambda: (yield)\n", "(module (expr (lambda (args) (yield))))"},
    {"lambda x: lambda y: x + y\n", "(module (expr (lambda (args x) (lambda (args y) (+ x y)))))"},
};

static const parse_case parse_cases_special[] = {
    {"x = (yield)\n", "(module (= x (yield)))"},
    {"x = yield\n", "(module (= x (yield)))"},
    {"x = yield a, b\n", "(module (= x (yield (tuple a b))))"},
    {"x = yield from y\n", "(module (= x (yield y)))"},
    {"def f():\n    yield\n    yield x\n    y = yield from z\n",
     "(module (def f (args) [(expr (yield)) (expr (yield x)) (= y (yield z))]))"},
    {"x = (y := 10)\n", "(module (= x (:= y 10)))"},
    {"if (n := len(a)) > 10: pass\n", "(module (if (cmp (:= n (call len a)) > 10) [pass] []))"},
    {"while chunk := f.read(): pass\n", "(module (while (:= chunk (call (. f read))) [pass] []))"},
    {"async def f():\n    await x\n    async for a in b: pass\n    async with a as b: pass\n    return [x async for x in y]\n",
     "(module (async-def f (args) [(expr (await x)) (for a (await b) [pass] []) (async-with (item a b) [pass]) (return (listcomp x (comp x (await y))))]))"},
    {"*a, b = c\n", "(module (= (tuple (* a) b) c))"},
    {"a, *b = c\n", "(module (= (tuple a (* b)) c))"},
    {"[a, *b] = c\n", "(module (= (list a (* b)) c))"},
};

static const parse_case parse_cases_fstrings[] = {
    {"f''\n", "(module (expr (f)))"},
    {"f'abc'\n", "(module (expr (f \"abc\")))"},
    {"f'{x}'\n", "(module (expr (f (fmt x))))"},
    {"f'{x}{y}'\n", "(module (expr (f (fmt x) (fmt y))))"},
    {"f'a{x}b{y}c'\n", "(module (expr (f \"a\" (fmt x) \"b\" (fmt y) \"c\")))"},
    {"f'{x!r}'\n", "(module (expr (f (fmt x !r))))"},
    {"f'{x!s}'\n", "(module (expr (f (fmt x !s))))"},
    {"f'{x!a}'\n", "(module (expr (f (fmt x !a))))"},
    {"f'{x:>10}'\n", "(module (expr (f (fmt x (f \">10\")))))"},
    {"f'{x:{w}}'\n", "(module (expr (f (fmt x (f (fmt w))))))"},
    {"f'{x:{w}.{p}f}'\n", "(module (expr (f (fmt x (f (fmt w) \".\" (fmt p) \"f\")))))"},
    {"f'{x!r:>{w}}'\n", "(module (expr (f (fmt x !r (f \">\" (fmt w))))))"},
    {"f'{x:a{y}b{z}c}'\n", "(module (expr (f (fmt x (f \"a\" (fmt y) \"b\" (fmt z) \"c\")))))"},
    {"f'{x:}'\n", "(module (expr (f (fmt x))))"},
    {"f'{x=}'\n", "(module (expr (f \"x=\" (fmt x !r))))"},
    {"f'{x = }'\n", "(module (expr (f \"x = \" (fmt x !r))))"},
    {"f'{x=!s}'\n", "(module (expr (f \"x=\" (fmt x !s))))"},
    {"f'{x=:>5}'\n", "(module (expr (f \"x=\" (fmt x (f \">5\")))))"},
    {"f'{x=!r:5}'\n", "(module (expr (f \"x=\" (fmt x !r (f \"5\")))))"},
    {"f'{a.b[c]=}'\n", "(module (expr (f \"a.b[c]=\" (fmt (sub (. a b) c) !r))))"},
    {"f'{{}}'\n", "(module (expr (f \"{}\")))"},
    {"f'{{{x}}}'\n", "(module (expr (f \"{\" (fmt x) \"}\")))"},
    {"f'a{{b'\n", "(module (expr (f \"a{b\")))"},
    {"f\"{d['k']}\"\n", "(module (expr (f (fmt (sub d \"k\")))))"},
    {"f'{d[\"k\"]!r}'\n", "(module (expr (f (fmt (sub d \"k\") !r))))"},
    {"f\"\"\"{'''a'''}\"\"\"\n", "(module (expr (f (fmt \"a\"))))"},
    {"f'{\"\"\"a\"\"\"}'\n", "(module (expr (f (fmt \"a\"))))"},
    {"'a' f'{b}' 'c'\n", "(module (expr (f \"a\" (fmt b) \"c\")))"},
    {"f'{a}' f'{b}'\n", "(module (expr (f (fmt a) (fmt b))))"},
    {"'x' 'y' f''\n", "(module (expr (f \"xy\")))"},
    {"rf'\\d{x}\\n'\n", "(module (expr (f \"\\\\d\" (fmt x) \"\\\\n\")))"},
    {"fr'{x}\\t'\n", "(module (expr (f (fmt x) \"\\\\t\")))"},
    {"F'{x}' Rf'{y}' fR'{z}'\n", "(module (expr (f (fmt x) (fmt y) (fmt z))))"},
    {"f'\\n{x}\\t'\n", "(module (expr (f \"\\n\" (fmt x) \"\\t\")))"},
    {"f'{x:%H:%M}'\n", "(module (expr (f (fmt x (f \"%H:%M\")))))"},
    {"f'{x:=10}'\n", "(module (expr (f (fmt x (f \"=10\")))))"},
    {"f'{x!=y}'\n", "(module (expr (f (fmt (cmp x != y)))))"},
    {"f'{x<y} {x>=y} {x==y}'\n",
     "(module (expr (f (fmt (cmp x < y)) \" \" (fmt (cmp x >= y)) \" \" (fmt (cmp x == y)))))"},
    {"f'{ {\"a\": 1}[\"a\"] }'\n", "(module (expr (f (fmt (sub (dict (\"a\" 1)) \"a\")))))"},
    {"f'{(lambda: 1)()}'\n", "(module (expr (f (fmt (call (lambda (args) 1))))))"},
    {"f'{x, y}'\n", "(module (expr (f (fmt (tuple x y)))))"},
    {"f'{x if y else z}'\n", "(module (expr (f (fmt (ifexp y x z)))))"},
    {"f'{f\"{x}\"}'\n", "(module (expr (f (fmt (f (fmt x))))))"},
    {"f'{x:{\"a\" if y else \"b\"}}'\n",
     "(module (expr (f (fmt x (f (fmt (ifexp y \"a\" \"b\")))))))"},
    {"f'''{x\n+ 1}'''\n", "(module (expr (f (fmt (+ x 1)))))"},
    {"f'{3.14:.2f}'\n", "(module (expr (f (fmt 3.14 (f \".2f\")))))"},
    {"f'{x:,}'\n", "(module (expr (f (fmt x (f \",\")))))"},
    {"f'{x:#x}'\n", "(module (expr (f (fmt x (f \"#x\")))))"},
    {"f'{\"线程\"}线程'\n", "(module (expr (f (fmt \"线程\") \"线程\")))"},
    {"f'{x}\\\n{y}'\n", "(module (expr (f (fmt x) (fmt y))))"},
    {"f'{yield}'\n", "(module (expr (f (fmt (yield)))))"},
    {"f'{yield 1, 2}'\n", "(module (expr (f (fmt (yield (tuple 1 2))))))"},
    {"f'{x for x in y}'\n", "(module (expr (f (fmt (genexp x (comp x y))))))"},
    {"f'{a, }'\n", "(module (expr (f (fmt (tuple a)))))"},
    {"f'{*a, b}'\n", "(module (expr (f (fmt (tuple (* a) b)))))"},
};

static const parse_case parse_cases_assign[] = {
    {"a = 1\n", "(module (= a 1))"},
    {"a = b = c = 1\n", "(module (= a b c 1))"},
    {"a, b = b, a\n", "(module (= (tuple a b) (tuple b a)))"},
    {"a, (b, [c, *d]) = e\n", "(module (= (tuple a (tuple b (list c (* d)))) e))"},
    {"[a, b] = c\n", "(module (= (list a b) c))"},
    {"a.b[c].d = e\n", "(module (= (. (sub (. a b) c) d) e))"},
    {"(a) = 1\n", "(module (= a 1))"},
    {"() = x\n", "(module (= (tuple) x))"},
    {"[] = x\n", "(module (= (list) x))"},
    {"x, = y\n", "(module (= (tuple x) y))"},
    {"x += 1; x -= 1; x *= 1; x /= 1; x //= 1; x %= 1; x **= 1\n",
     "(module (+= x 1) (-= x 1) (*= x 1) (/= x 1) (//= x 1) (%= x 1) (**= x 1))"},
    {"x <<= 1; x >>= 1; x |= 1; x ^= 1; x &= 1; x @= 1\n",
     "(module (<<= x 1) (>>= x 1) (|= x 1) (^= x 1) (&= x 1) (@= x 1))"},
    {"a.b += 1\n", "(module (+= (. a b) 1))"},
    {"a[0] -= 1\n", "(module (-= (sub a 0) 1))"},
    {"x += yield\n", "(module (+= x (yield)))"},
    {"x: int\n", "(module (ann x int))"},
    {"x: int = 1\n", "(module (ann x int 1))"},
    {"x.y: List[int] = []\n", "(module (ann (. x y) (sub List int) (list)))"},
    {"(x): int = 2\n", "(module (ann x int 2))"},
    {"x[0]: int\n", "(module (ann (sub x 0) int))"},
    {"x: int = yield\n", "(module (ann x int (yield)))"},
};

static const parse_case parse_cases_simple[] = {
    {"pass\n", "(module pass)"},
    {"break\n", "(module break)"},
    {"continue\n", "(module continue)"},
    {"return\n", "(module (return))"},
    {"return x\n", "(module (return x))"},
    {"return x, y\n", "(module (return (tuple x y)))"},
    {"return *a, *b\n", "(module (return (tuple (* a) (* b))))"},
    {"raise\n", "(module (raise))"},
    {"raise X\n", "(module (raise X))"},
    {"raise X from Y\n", "(module (raise X from Y))"},
    {"global a\n", "(module (global a))"},
    {"global a, b\n", "(module (global a b))"},
    {"nonlocal c\n", "(module (nonlocal c))"},
    {"del a\n", "(module (del a))"},
    {"del a, b[0], c.d, (e, f), [g]\n", "(module (del a (sub b 0) (. c d) (tuple e f) (list g)))"},
    {"del a,\n", "(module (del a))"},
    {"assert x\n", "(module (assert x))"},
    {"assert x, 'msg'\n", "(module (assert x \"msg\"))"},
    {"import a\n", "(module (import a))"},
    {"import a.b.c as d, e.f\n", "(module (import (as a.b.c d) e.f))"},
    {"import a . b\n", "(module (import a.b))"},
    {"from a import b\n", "(module (from a b))"},
    {"from a.b import (c, d as e,)\n", "(module (from a.b c (as d e)))"},
    {"from . import x\n", "(module (from . x))"},
    {"from .. import y\n", "(module (from .. y))"},
    {"from ...a import z\n", "(module (from ...a z))"},
    {"from .... import w\n", "(module (from .... w))"},
    {"from . a . b import c\n", "(module (from .a.b c))"},
    {"from x import *\n", "(module (from x *))"},
    {"from x import a, b as c\n", "(module (from x a (as b c)))"},
    {"x = 1; y = 2\n", "(module (= x 1) (= y 2))"},
    {"x = 1;\n", "(module (= x 1))"},
    {"print(x)\n", "(module (expr (call print x)))"},
};

static const parse_case parse_cases_compound[] = {
    {"if a: pass\n", "(module (if a [pass] []))"},
    {"if a:\n    pass\nelse:\n    pass\n", "(module (if a [pass] [pass]))"},
    {"if a: pass\nelif b: pass\nelif c:\n    pass\nelse:\n    pass\n",
     "(module (if a [pass] [(if b [pass] [(if c [pass] [pass])])]))"},
    {"if a:\n    if b:\n        pass\n    else:\n        pass\n",
     "(module (if a [(if b [pass] [pass])] []))"},
    {"while x:\n    break\nelse:\n    continue\n", "(module (while x [break] [continue]))"},
    {"for k, v in d.items(): pass\n", "(module (for (tuple k v) (call (. d items)) [pass] []))"},
    {"for x, in y: pass\n", "(module (for (tuple x) y [pass] []))"},
    {"for (a, b) in c: pass\n", "(module (for (tuple a b) c [pass] []))"},
    {"for [a, *b] in c:\n    pass\nelse: pass\n", "(module (for (list a (* b)) c [pass] [pass]))"},
    {"for x in *a, *b: pass\n", "(module (for x (tuple (* a) (* b)) [pass] []))"},
    {"for i in range(10):\n    if i % 2:\n        continue\n    print(i)\n",
     "(module (for i (call range 10) [(if (% i 2) [continue] []) (expr (call print i))] []))"},
    {"try:\n    pass\nexcept (A, B) as e:\n    pass\nexcept C:\n    pass\nexcept:\n    raise\nelse:\n    pass\nfinally:\n    pass\n",
     "(module (try [pass] [(except (tuple A B) e [pass]) (except C () [pass]) (except () () [(raise)])] [pass] [pass]))"},
    {"try:\n    pass\nfinally:\n    pass\n", "(module (try [pass] [] [] [pass]))"},
    {"try: x = 1\nexcept E as e: pass\n", "(module (try [(= x 1)] [(except E e [pass])] [] []))"},
    {"with a: pass\n", "(module (with (item a) [pass]))"},
    {"with a as b, c as (d, e): pass\n", "(module (with (item a b) (item c (tuple d e)) [pass]))"},
    {"with (a as b, c as d,): pass\n", "(module (with (item a b) (item c d) [pass]))"},
    {"with (a, b): pass\n", "(module (with (item a) (item b) [pass]))"},
    {"with (a, b) as c: pass\n", "(module (with (item (tuple a b) c) [pass]))"},
    {"with (a): pass\n", "(module (with (item a) [pass]))"},
    {"with (a) as b, (c): pass\n", "(module (with (item a b) (item c) [pass]))"},
    {"with (yield): pass\n", "(module (with (item (yield)) [pass]))"},
    {"with a as b.c, d as e[0]: pass\n",
     "(module (with (item a (. b c)) (item d (sub e 0)) [pass]))"},
    {"with (open(x) as f): pass\n", "(module (with (item (call open x) f) [pass]))"},
    {"def f(): pass\n", "(module (def f (args) [pass]))"},
    {"def f(a, b: int = 1, *args: str, c, d=2, **kw) -> None:\n    \"\"\"doc\"\"\"\n    ...\n",
     "(module (def f (args a (= b 1) *args c (= d 2) **kw) [(expr \"doc\") (expr ...)]))"},
    {"def g(a, b, /, c, *, d): pass\n", "(module (def g (args a b c * d) [pass]))"},
    {"def h(*, a=1, b): pass\n", "(module (def h (args * (= a 1) b) [pass]))"},
    {"def i(a, /): pass\n", "(module (def i (args a) [pass]))"},
    {"def f(a, b=1, /, c=2, *, d, e=3, **f): pass\n",
     "(module (def f (args a (= b 1) (= c 2) * d (= e 3) **f) [pass]))"},
    {"def f(*args, **kwargs): return args\n",
     "(module (def f (args *args **kwargs) [(return args)]))"},
    {"def f(a,): pass\n", "(module (def f (args a) [pass]))"},
    {"def f(*, a,): pass\n", "(module (def f (args * a) [pass]))"},
    {"@dec\ndef f(): pass\n", "(module (def f (args) [pass] (@ dec)))"},
    {"@dec\n@dec.attr(1)\n@(lambda f: f)\nclass A(B, C, metaclass=M, **kw):\n    x = 1\n    def f(self): return self\n",
     "(module (class A (B C (kw metaclass M) (** kw)) [(= x 1) (def f (args self) [(return self)])] (@ dec (call (. dec attr) 1) (lambda (args f) f))))"},
    {"class A: pass\n", "(module (class A () [pass]))"},
    {"class B(): pass\n", "(module (class B () [pass]))"},
    {"class C(object,): pass\n", "(module (class C (object) [pass]))"},
    {"class D(*bases): pass\n", "(module (class D ((* bases)) [pass]))"},
    {"@d\nasync def f(): pass\n", "(module (async-def f (args) [pass] (@ d)))"},
    {"class Worker(threading.Thread):\n    def __init__(self, n):\n        super().__init__()\n        self.n = n\n",
     "(module (class Worker ((. threading Thread)) [(def __init__ (args self n) [(expr (call (. (call super) __init__))) (= (. self n) n)])]))"},
};

static const parse_case parse_cases_layout[] = {
    {"", "(module)"},
    {"\n", "(module)"},
    {"# only a comment\n", "(module)"},
    {"# a\n   # b\n\n", "(module)"},
    {"\n\n   \n\t\n", "(module)"},
    {"x = 1", "(module (= x 1))"},
    {"x = 1  # trailing\n", "(module (= x 1))"},
    {"if x: y = 1; z = 2\n", "(module (if x [(= y 1) (= z 2)] []))"},
    {"while x: pass; break\n", "(module (while x [pass break] []))"},
    {"def f():\n    x = 1\n\n    # comment\n\n    y = 2\n        # weird comment\n    return x\n",
     "(module (def f (args) [(= x 1) (= y 2) (return x)]))"},
    {"if x:\n  if y:\n        pass\n  else:\n    pass\n",
     "(module (if x [(if y [pass] [pass])] []))"},
    {"x = [1,\n     2,\n  3]\ny = (1 +\n2)\n", "(module (= x (list 1 2 3)) (= y (+ 1 2)))"},
    {"z = 1 + \\\n    2\n", "(module (= z (+ 1 2)))"},
    {"if a and \\\n   b:\n    pass\n", "(module (if (and a b) [pass] []))"},
    {"if x:\n    y = \"\"\"\na\n\"\"\"\n    z = 1\n",
     "(module (if x [(= y \"\\na\\n\") (= z 1)] []))"},
    {"if x:\n\tif y:\n\t\tpass\n", "(module (if x [(if y [pass] [])] []))"},
    {"if x:\n        pass\n", "(module (if x [pass] []))"},
    {"for x in y:\n    for z in x:\n        if z:\n            pass\nw = 1\n",
     "(module (for x y [(for z x [(if z [pass] [])] [])] []) (= w 1))"},
    {"class A:\n    def f(self):\n        if x:\n            return 1\n\n\n\nx = 2\n",
     "(module (class A () [(def f (args self) [(if x [(return 1)] [])])]) (= x 2))"},
    {"if x:\n    pass\n# dedented comment\n    # indented comment\nelse:\n    pass\n",
     "(module (if x [pass] [pass]))"},
    {"match = 1\ncase = 2\n_ = 3\nprint(match, case, _)\n",
     "(module (= match 1) (= case 2) (= _ 3) (expr (call print match case _)))"},
    {"x = 1\r\ny = 2\r\n", "(module (= x 1) (= y 2))"},
    {"if x:\r    y = 1\r", "(module (if x [(= y 1)] []))"},
    {"\xef\xbb\xbfx = 1\n", "(module (= x 1))"},
    {"if __name__ == '__main__':\n    main()\n",
     "(module (if (cmp __name__ == \"__main__\") [(expr (call main))] []))"},
};

static const parse_case parse_cases_positions[] = {
    {"x = a + b * c\n", "(module (=@1:1 x@1:1 (+@1:5 a@1:5 (*@1:9 b@1:9 c@1:13))))"},
    {"f(a, b=c, *d, **e)\n",
     "(module (expr@1:1 (call@1:1 f@1:1 a@1:3 (*@1:11 d@1:12) (kw@1:6 b c@1:8) (**@1:15 e@1:17))))"},
    {"x.y[z](w)\n", "(module (expr@1:1 (call@1:1 (sub@1:1 (.@1:1 x@1:1 y) z@1:5) w@1:8)))"},
    {"if a:\n    b = 1\nelif c:\n    d = 2\n",
     "(module (if@1:1 a@1:4 [(=@2:5 b@2:5 1@2:9)] [(if@3:1 c@3:6 [(=@4:5 d@4:5 2@4:9)] [])]))"},
    {"def f(a, b=1):\n    return a\n",
     "(module (def@1:1 f (args a (= b 1@1:12)) [(return@2:5 a@2:12)]))"},
    {"@dec\nclass A(B):\n    pass\n", "(module (class@2:1 A (B@2:9) [pass@3:5] (@ dec@1:2)))"},
    {"try:\n    pass\nexcept E as e:\n    pass\n",
     "(module (try@1:1 [pass@2:5] [(except@3:1 E@3:8 e [pass@4:5])] [] []))"},
    {"x = '线程' + y\n", "(module (=@1:1 x@1:1 (+@1:5 \"线程\"@1:5 y@1:12)))"},
    {"x = (a +\n     b)\n", "(module (=@1:1 x@1:1 (+@1:6 a@1:6 b@2:6)))"},
    {"y = [i for i in range(3)]\n",
     "(module (=@1:1 y@1:1 (listcomp@1:5 i@1:6 (comp i@1:12 (call@1:17 range@1:17 3@1:23)))))"},
    {"f(x for x in y)\n",
     "(module (expr@1:1 (call@1:1 f@1:1 (genexp@1:2 x@1:3 (comp x@1:9 y@1:14)))))"},
    {"x = f'{a} {b!r:>{w}}'\n",
     "(module (=@1:1 x@1:1 (f@1:5 (fmt a@1:8) \" \" (fmt b@1:12 !r (f \">\" (fmt w@1:18))))))"},
    {"x = f'''\n{a +\n b}'''\n",
     "(module (=@1:1 x@1:1 (f@1:5 \"\\n\" (fmt (+@2:2 a@2:2 b@3:2)))))"},
    {"lambda x: (x, -x)\n",
     "(module (expr@1:1 (lambda@1:1 (args x) (tuple@1:11 x@1:12 (neg@1:15 x@1:16)))))"},
    {"import a.b as c\nfrom . import d\n",
     "(module (import@1:1 (as@1:8 a.b c)) (from@2:1 . d@2:15))"},
    {"a[1:2, ::3]\n",
     "(module (expr@1:1 (sub@1:1 a@1:1 (tuple@1:3 (slice@1:3 1@1:3 2@1:5 ()) (slice@1:8 () () 3@1:10)))))"},
    {"(a) + b\n", "(module (expr@1:1 (+@1:1 a@1:2 b@1:7)))"},
    {"x = {**a, 'b': 1}\n", "(module (=@1:1 x@1:1 (dict@1:5 (** a@1:8) (\"b\"@1:11 1@1:16))))"},
    {"with open(p) as f, g: pass\n",
     "(module (with@1:1 (item (call@1:6 open@1:6 p@1:11) f@1:17) (item g@1:20) [pass@1:23]))"},
    {"async def f():\n    await g()\n",
     "(module (async-def@1:1 f (args) [(expr@2:5 (await@2:5 (call@2:11 g@2:11)))]))"},
    {"del a, b\nglobal c\n", "(module (del@1:1 a@1:5 b@1:8) (global@2:1 c))"},
    {"x = y = 1\n", "(module (=@1:1 x@1:1 y@1:5 1@1:9))"},
    {"x += 1\n", "(module (+=@1:1 x@1:1 1@1:6))"},
    {"print(\"线程\", x)\n", "(module (expr@1:1 (call@1:1 print@1:1 \"线程\"@1:7 x@1:13)))"},
};

static const parse_case parse_cases_errors[] = {
    {"x = 1\n    y = 2\n", "IndentationError 2:4 unexpected indent"},
    {"   x = 1\n", "IndentationError 1:3 unexpected indent"},
    {"if x:\ny = 1\n",
     "IndentationError 2:1 expected an indented block after 'if' statement on line 1"},
    {"if x:\n", "IndentationError 1:6 expected an indented block after 'if' statement on line 1"},
    {"if x:", "IndentationError 1:6 expected an indented block after 'if' statement on line 1"},
    {"if x:\n    a\n  b\n",
     "IndentationError 3:4 unindent does not match any outer indentation level"},
    {"class A:\n    def f(self):\n        x = 1\n     y = 2\n",
     "IndentationError 4:11 unindent does not match any outer indentation level"},
    {"if x:\n\tpass\n        y\n",
     "TabError 3:1 inconsistent use of tabs and spaces in indentation"},
    {"if x:\n        pass\n\ty\n",
     "TabError 3:1 inconsistent use of tabs and spaces in indentation"},
    {"for x in y:\n    if x:\nz = 1\n",
     "IndentationError 3:1 expected an indented block after 'if' statement on line 2"},
    {"for x in range(3):\npass\n",
     "IndentationError 2:1 expected an indented block after 'for' statement on line 1"},
    {"with a as b:\npass\n",
     "IndentationError 2:1 expected an indented block after 'with' statement on line 1"},
    {"while x:\npass\n",
     "IndentationError 2:1 expected an indented block after 'while' statement on line 1"},
    {"def f():\npass\n",
     "IndentationError 2:1 expected an indented block after function definition on line 1"},
    {"class A:\npass\n",
     "IndentationError 2:1 expected an indented block after class definition on line 1"},
    {"try:\npass\n",
     "IndentationError 2:1 expected an indented block after 'try' statement on line 1"},
    {"try:\n    pass\nexcept:\npass\n",
     "IndentationError 4:1 expected an indented block after 'except' statement on line 3"},
    {"try:\n    pass\nfinally:\npass\n",
     "IndentationError 4:1 expected an indented block after 'finally' statement on line 3"},
    {"if a:\n    pass\nelif b:\npass\n",
     "IndentationError 4:1 expected an indented block after 'elif' statement on line 3"},
    {"if a:\n    pass\nelse:\npass\n",
     "IndentationError 4:1 expected an indented block after 'else' statement on line 3"},
    {"for x in y:\n    pass\nelse:\npass\n",
     "IndentationError 4:1 expected an indented block after 'else' statement on line 3"},
    {"if x:\n    @dec\ny = 1\n", "IndentationError 3:1 unexpected unindent"},
    {"x = 1\nif x:\npass\n",
     "IndentationError 3:1 expected an indented block after 'if' statement on line 2"},
    {"if x\n    pass\n", "SyntaxError 1:5 expected ':'"},
    {"if x:\n    pass\nelse\n    pass\n", "SyntaxError 3:5 expected ':'"},
    {"try\n    pass\n", "SyntaxError 1:4 expected ':'"},
    {"try:\n    pass\nfinally\n    pass\n", "SyntaxError 3:8 expected ':'"},
    {"for x in y\n    pass\n", "SyntaxError 1:11 expected ':'"},
    {"with a\n    pass\n", "SyntaxError 1:7 expected ':'"},
    {"class A\n    pass\n", "SyntaxError 1:8 expected ':'"},
    {"class A(B)\n    pass\n", "SyntaxError 1:11 expected ':'"},
    {"def f()\n    pass\n", "SyntaxError 1:8 expected ':'"},
    {"while x\n    pass\n", "SyntaxError 1:8 expected ':'"},
    {"try:\n    pass\nexcept E\n    pass\n", "SyntaxError 3:9 expected ':'"},
    {"try:\n    pass\nexcept\n    pass\n", "SyntaxError 3:7 expected ':'"},
    {"def f[T](): pass\n", "SyntaxError 1:6 expected '('"},
    {"x = 1 2\n", "SyntaxError 1:7 invalid syntax"},
    {"else: pass\n", "SyntaxError 1:1 invalid syntax"},
    {"except E: pass\n", "SyntaxError 1:1 invalid syntax"},
    {"elif x: pass\n", "SyntaxError 1:1 invalid syntax"},
    {"x = $\n", "SyntaxError 1:5 invalid syntax"},
    {"x = a ! b\n", "SyntaxError 1:7 invalid syntax"},
    {"x = `a`\n", "SyntaxError 1:5 invalid syntax"},
    {"if x y:\n    pass\n", "SyntaxError 1:6 invalid syntax"},
    {"lambda x\n", "SyntaxError 1:9 invalid syntax"},
    {"1 +\n", "SyntaxError 1:4 invalid syntax"},
    {"x = 1 if 2 else\n", "SyntaxError 1:16 invalid syntax"},
    {"x = not\n", "SyntaxError 1:8 invalid syntax"},
    {"def f(a,, b): pass\n", "SyntaxError 1:9 invalid syntax"},
    {"print(1,, 2)\n", "SyntaxError 1:9 invalid syntax"},
    {"x = a.\n", "SyntaxError 1:7 invalid syntax"},
    {"x = a.1\n", "SyntaxError 1:6 invalid syntax"},
    {"nonlocal\n", "SyntaxError 1:9 invalid syntax"},
    {"global x,\n", "SyntaxError 1:10 invalid syntax"},
    {"raise X from\n", "SyntaxError 1:13 invalid syntax"},
    {"assert\n", "SyntaxError 1:7 invalid syntax"},
    {"x: int, y: int = 1, 2\n", "SyntaxError 1:7 invalid syntax"},
    {"x = await\n", "SyntaxError 1:10 invalid syntax"},
    {"import a.b as\n", "SyntaxError 1:14 invalid syntax"},
    {"async x = 1\n", "SyntaxError 1:7 invalid syntax"},
    {"for x in range(3) print(x)\n", "SyntaxError 1:19 invalid syntax"},
    {"x = [i for i in range(3) if i else 0]\n", "SyntaxError 1:31 invalid syntax"},
    {"class A(x for x in y): pass\n", "SyntaxError 1:11 invalid syntax"},
    {"@dec\nx = 1\n", "SyntaxError 2:1 invalid syntax"},
    {"a not b\n", "SyntaxError 1:7 invalid syntax"},
    {"def f(/): pass\n", "SyntaxError 1:7 invalid syntax"},
    {"foo(a b)\n", "SyntaxError 1:5 invalid syntax. Perhaps you forgot a comma\?"},
    {"x = [1, 2 3]\n", "SyntaxError 1:9 invalid syntax. Perhaps you forgot a comma\?"},
    {"x = (1 2)\n", "SyntaxError 1:6 invalid syntax. Perhaps you forgot a comma\?"},
    {"print \"hi\"\n",
     "SyntaxError 1:1 Missing parentheses in call to 'print'. Did you mean print(...)\?"},
    {"exec \"x\"\n",
     "SyntaxError 1:1 Missing parentheses in call to 'exec'. Did you mean exec(...)\?"},
    {"foo \"bar\"\n", "SyntaxError 1:5 invalid syntax"},
    {"x = 1 if y\n", "SyntaxError 1:5 expected 'else' after 'if' expression"},
    {"x = (1 if 2)\n", "SyntaxError 1:6 expected 'else' after 'if' expression"},
    {"if x = 1: pass\n",
     "SyntaxError 1:4 invalid syntax. Maybe you meant '==' or ':=' instead of '='\?"},
    {"[x = 1]\n", "SyntaxError 1:2 invalid syntax. Maybe you meant '==' or ':=' instead of '='\?"},
    {"(x = 1)\n", "SyntaxError 1:2 invalid syntax. Maybe you meant '==' or ':=' instead of '='\?"},
    {"x[a = 1]\n", "SyntaxError 1:3 invalid syntax. Maybe you meant '==' or ':=' instead of '='\?"},
    {"if x.y = 1: pass\n",
     "SyntaxError 1:4 cannot assign to attribute here. Maybe you meant '==' instead of '='\?"},
    {"if x + 1 = 2: pass\n",
     "SyntaxError 1:4 cannot assign to expression here. Maybe you meant '==' instead of '='\?"},
    {"[f() = 1]\n",
     "SyntaxError 1:2 cannot assign to function call here. Maybe you meant '==' instead of '='\?"},
    {"@d=ec\nx = 1\n",
     "SyntaxError 1:2 invalid syntax. Maybe you meant '==' or ':=' instead of '='\?"},
    {"f() = 1\n",
     "SyntaxError 1:1 cannot assign to function call here. Maybe you meant '==' instead of '='\?"},
    {"x = f() = 1\n", "SyntaxError 1:5 cannot assign to function call"},
    {"(a, f()) = 1\n", "SyntaxError 1:5 cannot assign to function call"},
    {"1 = x\n",
     "SyntaxError 1:1 cannot assign to literal here. Maybe you meant '==' instead of '='\?"},
    {"True = 1\n", "SyntaxError 1:1 cannot assign to True"},
    {"[a, f()] = 1\n", "SyntaxError 1:5 cannot assign to function call"},
    {"a + 1 = 2\n",
     "SyntaxError 1:1 cannot assign to expression here. Maybe you meant '==' instead of '='\?"},
    {"-a = 1\n",
     "SyntaxError 1:1 cannot assign to expression here. Maybe you meant '==' instead of '='\?"},
    {"a < b = 1\n", "SyntaxError 1:1 cannot assign to comparison"},
    {"not a = 1\n", "SyntaxError 1:1 cannot assign to expression"},
    {"(a < b) = 1\n",
     "SyntaxError 1:2 cannot assign to comparison here. Maybe you meant '==' instead of '='\?"},
    {"... = 1\n",
     "SyntaxError 1:1 cannot assign to ellipsis here. Maybe you meant '==' instead of '='\?"},
    {"x = yield = 1\n", "SyntaxError 1:5 assignment to yield expression not possible"},
    {"f() += 1\n",
     "SyntaxError 1:1 'function call' is an illegal expression for augmented assignment"},
    {"a, b += 1\n", "SyntaxError 1:1 'tuple' is an illegal expression for augmented assignment"},
    {"a, b +=\n", "SyntaxError 1:6 invalid syntax"},
    {"(a, b): int = 1\n", "SyntaxError 1:1 only single target (not tuple) can be annotated"},
    {"[a]: int\n", "SyntaxError 1:1 only single target (not list) can be annotated"},
    {"a + 1: int\n", "SyntaxError 1:1 illegal target for annotation"},
    {"f() : int\n", "SyntaxError 1:1 illegal target for annotation"},
    {"a, b: int\n", "SyntaxError 1:1 only single target (not tuple) can be annotated"},
    {"del f()\n", "SyntaxError 1:5 cannot delete function call"},
    {"del *a\n", "SyntaxError 1:5 cannot delete starred"},
    {"del x + 1\n", "SyntaxError 1:5 cannot delete expression"},
    {"for f() in x: pass\n", "SyntaxError 1:5 cannot assign to function call"},
    {"for 1 in x: pass\n", "SyntaxError 1:5 cannot assign to literal"},
    {"[x for f() in y]\n", "SyntaxError 1:8 cannot assign to function call"},
    {"with a as f(): pass\n", "SyntaxError 1:11 cannot assign to function call"},
    {"f(a.b=1)\n",
     "SyntaxError 1:3 expression cannot contain assignment, perhaps you meant \"==\"\?"},
    {"f(True=1)\n", "SyntaxError 1:3 cannot assign to True"},
    {"f(1=2)\n",
     "SyntaxError 1:3 expression cannot contain assignment, perhaps you meant \"==\"\?"},
    {"f(x for x in y, 1)\n", "SyntaxError 1:3 Generator expression must be parenthesized"},
    {"f(1, x for x in y)\n", "SyntaxError 1:6 Generator expression must be parenthesized"},
    {"f(x for x in y,)\n", "SyntaxError 1:3 Generator expression must be parenthesized"},
    {"f(a=1, b)\n", "SyntaxError 1:9 positional argument follows keyword argument"},
    {"f(**k, *a)\n",
     "SyntaxError 1:8 iterable argument unpacking follows keyword argument unpacking"},
    {"f(**k, b)\n", "SyntaxError 1:9 positional argument follows keyword argument unpacking"},
    {"f(a=x for x in y)\n",
     "SyntaxError 1:3 invalid syntax. Maybe you meant '==' or ':=' instead of '='\?"},
    {"f(*a for a in b)\n", "SyntaxError 1:3 iterable unpacking cannot be used in comprehension"},
    {"x = [*a for a in b]\n", "SyntaxError 1:6 iterable unpacking cannot be used in comprehension"},
    {"x = {**a for a in b}\n",
     "SyntaxError 1:6 dict unpacking cannot be used in dict comprehension"},
    {"[x, y for x in z]\n",
     "SyntaxError 1:2 did you forget parentheses around the comprehension target\?"},
    {"{x, for x in z}\n",
     "SyntaxError 1:2 did you forget parentheses around the comprehension target\?"},
    {"(*a)\n", "SyntaxError 1:2 cannot use starred expression here"},
    {"x = {1:}\n", "SyntaxError 1:7 expression expected after dictionary key and ':'"},
    {"x = {1: *a}\n", "SyntaxError 1:9 cannot use a starred expression in a dictionary value"},
    {"x = {1: 2, 3}\n", "SyntaxError 1:12 ':' expected after dictionary key"},
    {"x = {1: 2, 3 4}\n", "SyntaxError 1:12 ':' expected after dictionary key"},
    {"x = {1, 2: 3}\n", "SyntaxError 1:10 invalid syntax"},
    {"def f(x=1, y): pass\n", "SyntaxError 1:12 non-default argument follows default argument"},
    {"lambda x=1, y: 0\n", "SyntaxError 1:13 non-default argument follows default argument"},
    {"def f(a, b=1, /, c): pass\n",
     "SyntaxError 1:18 non-default argument follows default argument"},
    {"def f(*): pass\n", "SyntaxError 1:7 named arguments must follow bare *"},
    {"def f(*, **k): pass\n", "SyntaxError 1:7 named arguments must follow bare *"},
    {"def f(*a=1): pass\n", "SyntaxError 1:9 var-positional argument cannot have default value"},
    {"def f(**a=1): pass\n", "SyntaxError 1:10 var-keyword argument cannot have default value"},
    {"def f(**a, b): pass\n", "SyntaxError 1:12 arguments cannot follow var-keyword argument"},
    {"def f(a, /, b, /): pass\n", "SyntaxError 1:16 / may appear only once"},
    {"def f(*, a, /): pass\n", "SyntaxError 1:13 / must be ahead of *"},
    {"def f(/, a): pass\n", "SyntaxError 1:7 at least one argument must precede /"},
    {"def f(*a, *b): pass\n", "SyntaxError 1:11 * argument may appear only once"},
    {"def f(a=): pass\n", "SyntaxError 1:8 expected default value expression"},
    {"try:\n    pass\nx = 1\n", "SyntaxError 3:1 expected 'except' or 'finally' block"},
    {"try:\n    pass\nexcept A, B:\n    pass\n",
     "SyntaxError 3:8 multiple exception types must be parenthesized"},
    {"from x import a,\n",
     "SyntaxError 1:17 trailing comma not allowed without surrounding parentheses"},
    {"x = (y := 1) := 2\n", "SyntaxError 1:14 invalid syntax"},
    {"f(x) := 1\n", "SyntaxError 1:1 cannot use assignment expressions with function call"},
    {"x = 1 := 2\n", "SyntaxError 1:7 invalid syntax"},
    {"try:\n    pass\nexcept:\n    pass\nexcept E:\n    pass\n",
     "SyntaxError 3:1 default 'except:' must be last"},
    {"try:\n    pass\nexcept* E:\n    pass\n",
     "SyntaxError 3:7 'except*' is not supported by concviz"},
    {"a = 'abc\n", "SyntaxError 1:5 unterminated string literal (detected at line 1)"},
    {"a = 'abc\nb = 2\n", "SyntaxError 1:5 unterminated string literal (detected at line 1)"},
    {"a = '''abc\n\n",
     "SyntaxError 1:5 unterminated triple-quoted string literal (detected at line 2)"},
    {"x = f'abc", "SyntaxError 1:5 unterminated string literal (detected at line 1)"},
    {"a = )\n", "SyntaxError 1:5 unmatched ')'"},
    {"a = (]\n", "SyntaxError 1:6 closing parenthesis ']' does not match opening parenthesis '('"},
    {"x = (1,\n     2]\n",
     "SyntaxError 2:7 closing parenthesis ']' does not match opening parenthesis '(' on line 1"},
    {"x = [1, 2)\ny = 3\n",
     "SyntaxError 1:10 closing parenthesis ')' does not match opening parenthesis '['"},
    {"x = (1,\ny = 2\n", "SyntaxError 1:5 '(' was never closed"},
    {"foo(1, 2\n", "SyntaxError 1:4 '(' was never closed"},
    {"x = {\n", "SyntaxError 1:5 '{' was never closed"},
    {"x = [1, 2\ny = 3\n", "SyntaxError 1:5 '[' was never closed"},
    {"f(a, b c\n", "SyntaxError 1:2 '(' was never closed"},
    {"x = 1 2 (\n", "SyntaxError 1:9 '(' was never closed"},
    {"print(1 +\n", "SyntaxError 1:6 '(' was never closed"},
    {"foo(a b) (\n", "SyntaxError 1:5 invalid syntax. Perhaps you forgot a comma\?"},
    {"(((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((\n",
     "SyntaxError 1:201 too many nested parentheses"},
    {"x = 5 ＋ 3\n", "SyntaxError 1:7 invalid character '＋' (U+FF0B)"},
    {"x = ‘a’\n", "SyntaxError 1:5 invalid character '‘' (U+2018)"},
    {"x = 1（2）\n", "SyntaxError 1:6 invalid character '（' (U+FF08)"},
    {"a = 1\xc2\xa0+ 2\n", "SyntaxError 1:6 invalid non-printable character U+00A0"},
    {"x = 1\001\n", "SyntaxError 1:6 invalid non-printable character U+0001"},
    {"x = 1 \\ y\n", "SyntaxError 1:8 unexpected character after line continuation character"},
    {"x = 1 \\\n", "SyntaxError 1:8 unexpected EOF while parsing"},
    {"\\\n", "SyntaxError 1:2 unexpected EOF while parsing"},
    {" \\=\n", "SyntaxError 1:3 unexpected character after line continuation character"},
    {"1abc\n", "SyntaxError 1:1 invalid decimal literal"},
    {"x = 0x\n", "SyntaxError 1:6 invalid hexadecimal literal"},
    {"012\n",
     "SyntaxError 1:1 leading zeros in decimal integer literals are not permitted; use an 0o prefix for octal integers"},
    {"x = 09\n",
     "SyntaxError 1:5 leading zeros in decimal integer literals are not permitted; use an 0o prefix for octal integers"},
    {"1_\n", "SyntaxError 1:2 invalid decimal literal"},
    {"1e\n", "SyntaxError 1:1 invalid decimal literal"},
    {"x = 1__0\n", "SyntaxError 1:6 invalid decimal literal"},
    {"x = 0_\n", "SyntaxError 1:6 invalid decimal literal"},
    {"x = 1.5abc\n", "SyntaxError 1:7 invalid decimal literal"},
    {"x = 1e+\n", "SyntaxError 1:7 invalid decimal literal"},
    {"x = 0xg\n", "SyntaxError 1:6 invalid hexadecimal literal"},
    {"x = 0b102\n", "SyntaxError 1:9 invalid digit '2' in binary literal"},
    {"x = 0o8\n", "SyntaxError 1:7 invalid digit '8' in octal literal"},
    {"x = 0b\n", "SyntaxError 1:6 invalid binary literal"},
    {"x = 1j\n", "SyntaxError 1:5 complex numbers are not supported"},
    {"x = 9223372036854775808\n",
     "SyntaxError 1:5 integer literal too large for concviz (limit 2**63-1)"},
    {"x = 0x8000000000000000\n",
     "SyntaxError 1:5 integer literal too large for concviz (limit 2**63-1)"},
    {"a = b'x'\n", "SyntaxError 1:5 bytes literals are not supported"},
    {"a = 'x' b'y'\n", "SyntaxError 1:9 bytes literals are not supported"},
    {"a = '\\N{BULLET}'\n", "SyntaxError 1:6 \\N{...} escapes are not supported by concviz"},
    {"a = '\\ud800'\n", "SyntaxError 1:6 surrogate code points are not supported by concviz"},
    {"a = '\\x4'\n",
     "SyntaxError 1:6 (unicode error) 'unicodeescape' codec can't decode bytes in position 0-2: truncated \\xXX escape"},
    {"a = '\\u12'\n",
     "SyntaxError 1:6 (unicode error) 'unicodeescape' codec can't decode bytes in position 0-3: truncated \\uXXXX escape"},
    {"a = '\\U00110000'\n",
     "SyntaxError 1:6 (unicode error) 'unicodeescape' codec can't decode bytes in position 0-9: illegal Unicode character"},
    {"x = (1,\n  2\nif x = 3:\n    pass\n", "SyntaxError 1:5 '(' was never closed"},
    {"x = 1\n\ty = 'abc\n", "IndentationError 2:1 unexpected indent"},
    {"x = f'{}'\n", "SyntaxError 1:7 f-string: empty expression not allowed"},
    {"x = f'{ }'\n", "SyntaxError 1:7 f-string: empty expression not allowed"},
    {"x = f'{a!x}'\n",
     "SyntaxError 1:10 f-string: invalid conversion character: expected 's', 'r', or 'a'"},
    {"x = f'{a'\n", "SyntaxError 1:9 f-string: expecting '}'"},
    {"x = f'}'\n", "SyntaxError 1:7 f-string: single '}' is not allowed"},
    {"x = f'{a b}'\n", "SyntaxError 1:8 f-string: invalid syntax. Perhaps you forgot a comma\?"},
    {"x = f'{1:{2:{3}}}'\n", "SyntaxError 1:13 f-string: expressions nested too deeply"},
    {"x = f'{#}'\n", "SyntaxError 1:8 f-string expression part cannot include '#'"},
    {"x = f'{a\\n}'\n", "SyntaxError 1:9 f-string expression part cannot include a backslash"},
    {"x = f'{a!r=}'\n", "SyntaxError 1:11 f-string: expecting '}'"},
    {"x = f'{a:x}}'\n", "SyntaxError 1:12 f-string: single '}' is not allowed"},
    {"f'{*a}'\n", "SyntaxError 1:4 f-string: cannot use starred expression here"},
    {"x = f'{a)}'\n", "SyntaxError 1:9 f-string: unmatched ')'"},
    {"x = f'{(a]}'\n",
     "SyntaxError 1:10 f-string: closing parenthesis ']' does not match opening parenthesis '('"},
    {"x = f'{(a}'\n",
     "SyntaxError 1:10 f-string: closing parenthesis '}' does not match opening parenthesis '('"},
    {"x = f'{\"a}'\n", "SyntaxError 1:7 f-string: unterminated string"},
    {"x = f'{a!}'\n",
     "SyntaxError 1:10 f-string: invalid conversion character: expected 's', 'r', or 'a'"},
    {"x = f'{a:'\n", "SyntaxError 1:10 f-string: expecting '}'"},
    {"x = f'{1abc}'\n", "SyntaxError 1:8 f-string: invalid decimal literal"},
    {"x = f'\\N{DASH}'\n", "SyntaxError 1:7 \\N{...} escapes are not supported by concviz"},
    {"x = f'{a +}'\n", "SyntaxError 1:11 f-string: invalid syntax"},
    {"x = f'''{\na b}'''\n",
     "SyntaxError 2:1 f-string: invalid syntax. Perhaps you forgot a comma\?"},
};

/* ------------------------------------------------------------------ */
/* Round trips                                                         */

START_TEST(test_atoms) { TEST_CASES(parse_cases_atoms, 0); }
END_TEST

START_TEST(test_operators) { TEST_CASES(parse_cases_operators, 0); }
END_TEST

START_TEST(test_calls) { TEST_CASES(parse_cases_calls, 0); }
END_TEST

START_TEST(test_subscripts) { TEST_CASES(parse_cases_subscripts, 0); }
END_TEST

START_TEST(test_displays) { TEST_CASES(parse_cases_displays, 0); }
END_TEST

START_TEST(test_lambda) { TEST_CASES(parse_cases_lambda, 0); }
END_TEST

START_TEST(test_special) { TEST_CASES(parse_cases_special, 0); }
END_TEST

START_TEST(test_fstrings) { TEST_CASES(parse_cases_fstrings, 0); }
END_TEST

START_TEST(test_assign) { TEST_CASES(parse_cases_assign, 0); }
END_TEST

START_TEST(test_simple) { TEST_CASES(parse_cases_simple, 0); }
END_TEST

START_TEST(test_compound) { TEST_CASES(parse_cases_compound, 0); }
END_TEST

START_TEST(test_layout) { TEST_CASES(parse_cases_layout, 0); }
END_TEST

START_TEST(test_positions) { TEST_CASES(parse_cases_positions, 1); }
END_TEST

START_TEST(test_errors) { TEST_CASES(parse_cases_errors, 0); }
END_TEST

/* ------------------------------------------------------------------ */
/* AST conventions the compiler relies on                              */

START_TEST(test_ellipsis_is_none) {
    ast_arena *a;
    ast_node *m = test_module("x = ...\ny = None\n", &a);
    ast_node *e = m->u.module.body.items[0]->u.assign.value;
    ck_assert_int_eq(e->kind, AST_NONE);
    ck_assert_str_eq(e->u.str.s, "...");
    e = m->u.module.body.items[1]->u.assign.value;
    ck_assert_int_eq(e->kind, AST_NONE);
    ck_assert_ptr_null(e->u.str.s);
    ast_arena_free(a);
}
END_TEST

START_TEST(test_genexp_argument) {
    ast_arena *a;
    ast_node *call = test_first_expr(test_module("sum(x for x in y)\n", &a));
    ck_assert_int_eq(call->kind, AST_CALL);
    ck_assert_int_eq(call->u.call.args.n, 1);
    ast_node *g = call->u.call.args.items[0];
    ck_assert_int_eq(g->kind, AST_GENEXP);
    ck_assert_int_eq(g->col, 4); /* at the call's '(' like CPython */
    ck_assert_int_eq(g->u.comp.generators.n, 1);
    ck_assert_int_eq(g->u.comp.generators.items[0]->kind, AST_COMPREHENSION);
    ast_arena_free(a);
}
END_TEST

START_TEST(test_fstring_self_documenting) {
    ast_arena *a;
    ast_node *f = test_first_expr(test_module("f'{x=}{ y = :>5}{z=!s}{w:}'\n", &a));
    ck_assert_int_eq(f->kind, AST_FSTRING);
    ck_assert_int_eq(f->u.fstring.parts.n, 7);
    ast_node **p = f->u.fstring.parts.items;
    ck_assert_int_eq(p[0]->kind, AST_STR);
    ck_assert_str_eq(p[0]->u.str.s, "x=");
    ck_assert_int_eq(p[1]->kind, AST_FORMATTED);
    ck_assert_int_eq(p[1]->u.formatted.conversion, 'r');
    ck_assert_ptr_null(p[1]->u.formatted.spec);
    ck_assert_str_eq(p[2]->u.str.s, " y = ");
    ck_assert_int_eq(p[3]->u.formatted.conversion, 0); /* a spec turns the repr off */
    ck_assert_int_eq(p[3]->u.formatted.spec->kind, AST_FSTRING);
    ck_assert_str_eq(p[3]->u.formatted.spec->u.fstring.parts.items[0]->u.str.s, ">5");
    ck_assert_str_eq(p[4]->u.str.s, "z=");
    ck_assert_int_eq(p[5]->u.formatted.conversion, 's');
    ck_assert_ptr_null(p[6]->u.formatted.spec); /* an empty spec is no spec */
    /* the field's expression points into the source */
    ck_assert_int_eq(p[1]->u.formatted.value->line, 1);
    ck_assert_int_eq(p[1]->u.formatted.value->col, 4);
    ast_arena_free(a);
}
END_TEST

START_TEST(test_fstring_nested_spec) {
    ast_arena *a;
    ast_node *f = test_first_expr(test_module("f'{v:{w}.{p}f}!'\n", &a));
    ck_assert_int_eq(f->u.fstring.parts.n, 2);
    ast_node *spec = f->u.fstring.parts.items[0]->u.formatted.spec;
    ck_assert_int_eq(spec->kind, AST_FSTRING);
    ck_assert_int_eq(spec->u.fstring.parts.n, 4);
    ck_assert_int_eq(spec->u.fstring.parts.items[0]->kind, AST_FORMATTED);
    ck_assert_str_eq(spec->u.fstring.parts.items[1]->u.str.s, ".");
    ck_assert_int_eq(spec->u.fstring.parts.items[2]->kind, AST_FORMATTED);
    ck_assert_str_eq(spec->u.fstring.parts.items[3]->u.str.s, "f");
    ck_assert_str_eq(f->u.fstring.parts.items[1]->u.str.s, "!");
    ast_arena_free(a);
}
END_TEST

START_TEST(test_statement_shapes) {
    ast_arena *a;
    ast_node *m = test_module("def f():\n    \"\"\"doc\"\"\"\n    return 1\n"
                              "if a:\n    pass\nelif b:\n    pass\nelse:\n    pass\n"
                              "@d1\n@d2(x)\ndef g(a, b=1, *c, d, e=2, **f): pass\n"
                              "with (a as b, c): pass\n"
                              "try:\n    pass\nexcept:\n    pass\n"
                              "from .. import x\nfrom m import *\n"
                              "d = {**e, 'k': 1}\n"
                              "a < b == c\n",
                              &a);
    ast_node **s = m->u.module.body.items;
    ck_assert_int_eq(m->u.module.body.n, 9);
    /* docstring: a plain expression statement */
    ck_assert_int_eq(s[0]->u.funcdef.body.items[0]->kind, AST_EXPR_STMT);
    ck_assert_int_eq(s[0]->u.funcdef.body.items[0]->u.expr_stmt.value->kind, AST_STR);
    /* elif: an AST_IF alone in orelse */
    ck_assert_int_eq(s[1]->u.if_.orelse.n, 1);
    ast_node *elif = s[1]->u.if_.orelse.items[0];
    ck_assert_int_eq(elif->kind, AST_IF);
    ck_assert_int_eq(elif->line, 6);
    ck_assert_int_eq(elif->u.if_.orelse.n, 1);
    /* decorators in order; the def's own line */
    ast_node *g = s[2];
    ck_assert_int_eq(g->kind, AST_FUNCDEF);
    ck_assert_int_eq(g->line, 12);
    ck_assert_int_eq(g->u.funcdef.decorators.n, 2);
    ck_assert_int_eq(g->u.funcdef.decorators.items[1]->kind, AST_CALL);
    /* parameters: defaults align with the last positional names */
    const ast_args *ar = &g->u.funcdef.args;
    ck_assert_int_eq(ar->nnames, 2);
    ck_assert_str_eq(ar->names[1].s, "b");
    ck_assert_int_eq(ar->defaults.n, 1);
    ck_assert_str_eq(ar->vararg.s, "c");
    ck_assert_int_eq(ar->nkwonly, 2);
    ck_assert_ptr_null(ar->kwdefaults[0]);
    ck_assert_int_eq(ar->kwdefaults[1]->kind, AST_INT);
    ck_assert_str_eq(ar->kwarg.s, "f");
    /* parenthesized with-items */
    ck_assert_int_eq(s[3]->u.with.items.n, 2);
    ck_assert_ptr_null(s[3]->u.with.items.items[1]->u.withitem.optional_vars);
    /* a bare except */
    ast_node *h = s[4]->u.try_.handlers.items[0];
    ck_assert_ptr_null(h->u.handler.type);
    ck_assert_ptr_null(h->u.handler.name.s);
    /* relative imports */
    ck_assert_int_eq(s[5]->u.import.level, 2);
    ck_assert_ptr_null(s[5]->u.import.module.s);
    ck_assert_str_eq(s[6]->u.import.names.items[0]->u.alias.name.s, "*");
    /* dict unpacking: a NULL key */
    ast_node *d = s[7]->u.assign.value;
    ck_assert_ptr_null(d->u.dict.keys.items[0]);
    ck_assert_int_eq(d->u.dict.values.n, 2);
    /* chained comparison */
    ast_node *c = s[8]->u.expr_stmt.value;
    ck_assert_int_eq(c->u.compare.comparators.n, 2);
    ck_assert_int_eq(c->u.compare.ops[0], AST_CMP_LT);
    ck_assert_int_eq(c->u.compare.ops[1], AST_CMP_EQ);
    ast_arena_free(a);
}
END_TEST

START_TEST(test_rejected_constructs) {
    /* parsed so that the compiler can reject them with a located message */
    ast_arena *a;
    ast_node *m = test_module("async def f():\n    await g()\n    async for x in y: pass\n"
                              "    async with a: pass\n    x = yield from z\n"
                              "(n := 10)\n{1, 2}\n",
                              &a);
    ast_node *f = m->u.module.body.items[0];
    ck_assert_int_eq(f->u.funcdef.is_async, 1);
    ast_node **b = f->u.funcdef.body.items;
    ck_assert_int_eq(b[0]->u.expr_stmt.value->kind, AST_AWAIT);
    ck_assert_int_eq(b[0]->u.expr_stmt.value->u.yield.value->kind, AST_CALL);
    ck_assert_int_eq(b[1]->kind, AST_FOR); /* async for: the iterable is awaited */
    ck_assert_int_eq(b[1]->u.loop.iter->kind, AST_AWAIT);
    ck_assert_int_eq(b[2]->u.with.is_async, 1);
    ck_assert_int_eq(b[3]->u.assign.value->kind, AST_YIELD);
    ast_node *w = m->u.module.body.items[1]->u.expr_stmt.value;
    ck_assert_int_eq(w->kind, AST_NAMEDEXPR);
    ck_assert_str_eq(w->u.keyword.name.s, "n");
    ck_assert_int_eq(w->u.keyword.value->kind, AST_INT);
    ck_assert_int_eq(m->u.module.body.items[2]->u.expr_stmt.value->kind, AST_SET);
    ast_arena_free(a);
}
END_TEST

START_TEST(test_strings_and_numbers) {
    ast_arena *a;
    ast_node *m = test_module("'a\\0b'\n'\\u7ebf程'\n0x7fffffffffffffff\n1_000.25\n", &a);
    ast_node **s = m->u.module.body.items;
    ast_node *e = s[0]->u.expr_stmt.value;
    ck_assert_uint_eq(e->u.str.len, 3);
    ck_assert_int_eq(e->u.str.s[1], '\0');
    ck_assert_str_eq(s[1]->u.expr_stmt.value->u.str.s, "线程");
    ck_assert_int_eq(s[2]->u.expr_stmt.value->u.int_value, INT64_MAX);
    ck_assert_double_eq(s[3]->u.expr_stmt.value->u.float_value, 1000.25);
    ast_arena_free(a);
}
END_TEST

START_TEST(test_end_positions) {
    ast_arena *a;
    ast_node *m = test_module("x = foo(1,\n        2)  # c\nif y:\n    z = '线程'\n", &a);
    ast_node *assign = m->u.module.body.items[0];
    ck_assert_int_eq(assign->end_line, 2);
    ck_assert_int_eq(assign->end_col, 11);
    ast_node *call = assign->u.assign.value;
    ck_assert_int_eq(call->line, 1);
    ck_assert_int_eq(call->col, 5);
    ck_assert_int_eq(call->end_col, 11);
    ast_node *z = m->u.module.body.items[1]->u.if_.body.items[0];
    ck_assert_int_eq(z->u.assign.value->col, 9);
    ck_assert_int_eq(z->u.assign.value->end_col, 13); /* columns count code points */
    ck_assert_int_eq(m->u.module.body.items[1]->end_line, 4);
    ast_arena_free(a);
}
END_TEST

START_TEST(test_error_kinds) {
    parse_error err;
    ast_arena *a = ast_arena_new();
    ck_assert_ptr_null(parse_module(a, "if x:\n\tpass\n        y\n", 22, &err));
    ck_assert_str_eq(err.kind, "TabError");
    ck_assert_ptr_null(parse_module(a, " x\n", 3, &err));
    ck_assert_str_eq(err.kind, "IndentationError");
    ck_assert_str_eq(err.msg, "unexpected indent");
    ck_assert_ptr_null(parse_module(a, "x = (\n", 6, &err));
    ck_assert_str_eq(err.kind, "SyntaxError");
    ck_assert_str_eq(err.msg, "'(' was never closed");
    ast_arena_free(a);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Input handling and robustness                                       */

START_TEST(test_raw_input) {
    char *got;
    /* not NUL-terminated: only len bytes are read */
    const char buf[] = {'x', ' ', '=', ' ', '1', '(', '(', '('};
    got = test_parse_n(buf, 5, 0);
    ck_assert_str_eq(got, "(module (= x 1))");
    free(got);
    ast_arena *a = ast_arena_new();
    parse_error err;
    ast_node *m = parse_module(a, NULL, 0, &err);
    ck_assert_ptr_nonnull(m);
    ck_assert_int_eq(m->u.module.body.n, 0);
    ast_arena_free(a);
    got = test_parse_n("x = 1\0\n", 7, 0);
    ck_assert_str_eq(got, "SyntaxError 1:6 source code cannot contain null bytes");
    free(got);
    static const char bom_crlf[] = "\xef\xbb\xbfif x:\r\n    y = '\xe7\xba\xbf'\r\n";
    got = test_parse_n(bom_crlf, sizeof bom_crlf - 1, 0);
    ck_assert_str_eq(got, "(module (if x [(= y \"线\")] []))");
    free(got);
    got = test_parse("x = 1\ny = '\xff'\n");
    ck_assert_str_eq(got, "SyntaxError 2:6 (unicode error) 'utf-8' codec can't decode byte 0xff: "
                          "invalid start byte");
    free(got);
    got = test_parse("x = '\xe7\xba");
    ck_assert_str_eq(got, "SyntaxError 1:6 (unicode error) 'utf-8' codec can't decode byte 0xe7: "
                          "unexpected end of data");
    free(got);
    got = test_parse("s = '\xed\xa0\x80'\n"); /* an encoded surrogate is not UTF-8 */
    ck_assert_str_eq(got, "SyntaxError 1:6 (unicode error) 'utf-8' codec can't decode byte 0xed: "
                          "invalid continuation byte");
    free(got);
}
END_TEST

/* Parses a generated program and compares the outcome's first chars. */
static void test_generated(const char *pre, const char *unit, int n, const char *mid,
                           const char *close, const char *want_prefix) {
    strbuf sb;
    sb_init(&sb);
    sb_puts(&sb, pre);
    for (int i = 0; i < n; i++) sb_puts(&sb, unit);
    sb_puts(&sb, mid);
    for (int i = 0; close && i < n; i++) sb_puts(&sb, close);
    sb_puts(&sb, "\n");
    char *got = test_parse_n(sb.data, sb.len, 0);
    ck_assert_msg(strncmp(got, want_prefix, strlen(want_prefix)) == 0, "n=%d unit=%s: %s", n, unit,
                  got);
    free(got);
    sb_free(&sb);
}

START_TEST(test_deep_nesting) {
    test_generated("x = ", "(", 200, "1", ")", "(module");
    test_generated("x = ", "(", 201, "1", ")", "SyntaxError 1:205 too many nested parentheses");
    test_generated("x = ", "[{(", 66, "1", ")}]", "(module");
    test_generated("x = ", "-", 900, "1", NULL, "(module");
    test_generated("x = ", "-", 1000, "1", NULL, "SyntaxError 1:1005 too deeply nested");
    test_generated("x = ", "not ", 5000, "1", NULL, "SyntaxError 1:4005 too deeply nested");
    test_generated("x = ", "lambda: ", 5000, "1", NULL, "SyntaxError");
    test_generated("x = ", "1 + ", 900, "1", NULL, "(module");
    test_generated("x = ", "1 + ", 20000, "1", NULL, "SyntaxError 1:");
    test_generated("x = ", "2 ** ", 20000, "1", NULL, "SyntaxError 1:");
    test_generated("x = y", ".a", 20000, "", NULL, "SyntaxError 1:");
    test_generated("x = y", "()", 20000, "", NULL, "SyntaxError 1:");
    test_generated("x = ", "a if b else ", 20000, "c", NULL, "SyntaxError 1:");
    test_generated("x = ", "(", 150, "f'{(((((x)))))}'", ")", "(module");
    /* flat constructs have no depth limit */
    test_generated("x = [", "1, ", 20000, "1]", NULL, "(module");
    test_generated("x = ", "a < ", 20000, "b", NULL, "(module");
    test_generated("x = ", "a and ", 20000, "b", NULL, "(module");
    test_generated("", "x = 1\n", 20000, "", NULL, "(module");
    test_generated("if a: pass\n", "elif b: pass\n", 800, "", NULL, "(module");
    /* indentation: 99 levels are fine, the 100th is CPython's limit */
    char *deep = NULL;
    for (int levels = 99; levels <= 100; levels++) {
        strbuf sb;
        sb_init(&sb);
        for (int i = 0; i < levels; i++) {
            sb_fill(&sb, ' ', (size_t)i);
            sb_puts(&sb, "if x:\n");
        }
        sb_fill(&sb, ' ', (size_t)levels);
        sb_puts(&sb, "pass\n");
        deep = test_parse_n(sb.data, sb.len, 0);
        ck_assert_msg(strncmp(deep, levels == 99 ? "(module" : "IndentationError 101:1 too many levels",
                              levels == 99 ? 7 : 37) == 0,
                      "%d levels: %s", levels, deep);
        free(deep);
        sb_free(&sb);
    }
    /* f-strings nest four deep with the four kinds of quotes */
    char *got = test_parse("x = f'''{f\"\"\"{f'{f\"{y}\"}'}\"\"\"}'''\n");
    ck_assert_str_eq(got, "(module (= x (f (fmt (f (fmt (f (fmt (f (fmt y))))))))))");
    free(got);
}
END_TEST

/* A deterministic pseudo-random generator (no global state). */
static uint32_t test_rand(uint32_t *state) {
    *state = *state * 1103515245u + 12345u;
    return (*state >> 16) & 0x7fff;
}

START_TEST(test_garbage) {
    static const char *const bits[] = {
        "(", ")", "[", "]", "{", "}", ":", ",", "=", "==", "\n", "    ", "\t", "\\\n", "\\", "'",
        "\"", "\"\"\"", "f'", "f\"{", "!r", ":=", "*", "**", "lambda", "if", "else", "for", " in ",
        "not", "yield", "def ", "class ", "return", "@", "#", "0x", "1e", "1_", ".", "...", " ",
        "async ", "await ", "线程", "\xc2\xa0", "\xe2\x80\x98", "\x01", "\r", "\r\n", "print ",
        "x", "1", "+", "-", "~", ";", "del ", "import ", "from ", " as ", "with ", "try:", "except",
        "finally:", "global ", "pass", "elif ", "while ", "break", "\xff", "\xe7\xba", "b'",
    };
    uint32_t st = 12345;
    char buf[512];
    for (int iter = 0; iter < 6000; iter++) {
        size_t len = 0;
        int n = (int)(test_rand(&st) % 40);
        if (iter % 3 == 0) {
            len = (size_t)(test_rand(&st) % sizeof buf);
            for (size_t i = 0; i < len; i++) buf[i] = (char)(test_rand(&st) & 0xff);
        } else {
            for (int i = 0; i < n; i++) {
                const char *b = bits[test_rand(&st) % (sizeof bits / sizeof bits[0])];
                size_t bl = strlen(b);
                if (len + bl >= sizeof buf) break;
                memcpy(buf + len, b, bl);
                len += bl;
            }
        }
        free(test_parse_n(buf, len, 0)); /* the helper checks the error fields */
    }
}
END_TEST

static const char test_program[] =
    "# 一个多线程的例子\n"
    "import time, threading\n"
    "\n"
    "def loop():\n"
    "    print('thread %s is running...' % threading.current_thread().name)\n"
    "    n = 0\n"
    "    while n < 5:\n"
    "        n = n + 1\n"
    "        print('thread %s >>> %s' % (threading.current_thread().name, n))\n"
    "        time.sleep(1)\n"
    "    print('thread %s ended.' % threading.current_thread().name)\n"
    "\n"
    "class Worker(threading.Thread):\n"
    "    def __init__(self, q, *, name=None):\n"
    "        super().__init__(name=name)\n"
    "        self.q = q\n"
    "\n"
    "    def run(self):\n"
    "        try:\n"
    "            for item in iter(self.q.get, None):\n"
    "                print(f'{self.name}: {item!r:>8} {len(item) = }')\n"
    "        except Exception as e:\n"
    "            raise RuntimeError('boom') from e\n"
    "        finally:\n"
    "            self.q.task_done()\n"
    "\n"
    "if __name__ == '__main__':\n"
    "    print('thread %s is running...' % threading.current_thread().name)\n"
    "    t = threading.Thread(target=loop, name='LoopThread')\n"
    "    t.start(); t.join()\n"
    "    with threading.Lock() as lock, open('x') as f:\n"
    "        squares = {k: v ** 2 for k, v in enumerate(range(10)) if v % 2}\n"
    "    print('thread %s ended.' % threading.current_thread().name)\n";

START_TEST(test_program_and_prefixes) {
    char *got = test_parse(test_program);
    ck_assert_msg(strncmp(got, "(module (import time threading) (def loop", 41) == 0, "%s", got);
    free(got);
    /* every prefix and every single-byte deletion parses or fails cleanly */
    size_t len = strlen(test_program);
    char *buf = malloc(len);
    for (size_t i = 0; i <= len; i++) free(test_parse_n(test_program, i, 0));
    for (size_t i = 0; i < len; i++) {
        memcpy(buf, test_program, i);
        memcpy(buf + i, test_program + i + 1, len - i - 1);
        free(test_parse_n(buf, len - 1, 0));
    }
    free(buf);
}
END_TEST

static Suite *parse_suite(void) {
    Suite *s = suite_create("parse");
    TCase *tc = tcase_create("round trips");
    tcase_add_test(tc, test_atoms);
    tcase_add_test(tc, test_operators);
    tcase_add_test(tc, test_calls);
    tcase_add_test(tc, test_subscripts);
    tcase_add_test(tc, test_displays);
    tcase_add_test(tc, test_lambda);
    tcase_add_test(tc, test_special);
    tcase_add_test(tc, test_fstrings);
    tcase_add_test(tc, test_assign);
    tcase_add_test(tc, test_simple);
    tcase_add_test(tc, test_compound);
    tcase_add_test(tc, test_layout);
    tcase_add_test(tc, test_positions);
    suite_add_tcase(s, tc);
    tc = tcase_create("errors");
    tcase_add_test(tc, test_errors);
    tcase_add_test(tc, test_error_kinds);
    suite_add_tcase(s, tc);
    tc = tcase_create("conventions");
    tcase_add_test(tc, test_ellipsis_is_none);
    tcase_add_test(tc, test_genexp_argument);
    tcase_add_test(tc, test_fstring_self_documenting);
    tcase_add_test(tc, test_fstring_nested_spec);
    tcase_add_test(tc, test_statement_shapes);
    tcase_add_test(tc, test_rejected_constructs);
    tcase_add_test(tc, test_strings_and_numbers);
    tcase_add_test(tc, test_end_positions);
    suite_add_tcase(s, tc);
    tc = tcase_create("robustness");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_raw_input);
    tcase_add_test(tc, test_deep_nesting);
    tcase_add_test(tc, test_garbage);
    tcase_add_test(tc, test_program_and_prefixes);
    suite_add_tcase(s, tc);
    return s;
}

int main(void) {
    SRunner *sr = srunner_create(parse_suite());
    srunner_run_all(sr, CK_ENV);
    int failures = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failures ? 1 : 0;
}
