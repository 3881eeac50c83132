/* test_lex.c - unit tests of the tokenizer (lex.h): layout tokens
 * (NEWLINE/INDENT/DEDENT), implicit and explicit line joining, names,
 * numbers, strings and their escapes, operators, positions, source
 * preparation (BOM, line ends, UTF-8, NUL) and the tokenizer's errors. */
#include "lang/lex.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lang/strbuf.h"

/* ------------------------------------------------------------------ */
/* Helpers                                                             */

/* Tokenizes prepared text: a token array (caller frees) or NULL when
 * preparing failed. */
static lex_token *test_tokens(const char *src, size_t len, char **text, int *n, lex_error *err) {
    size_t tlen;
    if (!lex_prepare(src, len, text, &tlen, err)) return NULL;
    return lex_tokenize(*text, 0, tlen, 1, 1, 0, n, err);
}

/* Appends one token: names, keywords and operators as written; i42, f1.5;
 * strings as s[flags]'body'; NL IN DE END; ?x for an unknown character. */
static void test_fmt_token(strbuf *sb, const char *text, const lex_token *t) {
    switch (t->kind) {
    case LEX_INT: sb_printf(sb, "i%lld", (long long)t->v.i); break;
    case LEX_FLOAT: sb_printf(sb, "f%.17g", t->v.f); break;
    case LEX_STRING:
        sb_putc(sb, 's');
        if (t->v.str.flags & LEX_STR_RAW) sb_putc(sb, 'r');
        if (t->v.str.flags & LEX_STR_F) sb_putc(sb, 'f');
        if (t->v.str.flags & LEX_STR_BYTES) sb_putc(sb, 'b');
        if (t->v.str.flags & LEX_STR_TRIPLE) sb_putc(sb, 't');
        sb_putc(sb, '\'');
        sb_append(sb, text + t->v.str.body, t->v.str.body_end - t->v.str.body);
        sb_putc(sb, '\'');
        break;
    case LEX_NEWLINE: sb_puts(sb, "NL"); break;
    case LEX_INDENT: sb_puts(sb, "IN"); break;
    case LEX_DEDENT: sb_puts(sb, "DE"); break;
    case LEX_ENDMARKER: sb_puts(sb, "END"); break;
    case LEX_ERRORTOKEN:
        sb_putc(sb, '?');
        sb_append(sb, text + t->start, t->end - t->start);
        break;
    case LEX_ERROR: break;
    default: sb_append(sb, text + t->start, t->end - t->start); break;
    }
}

/* The token stream of src as one line; a tokenizer error ends it with
 * "!Kind line:col message" (and "*" after the kind when eager). */
static char *test_lex_n(const char *src, size_t len) {
    lex_error err;
    char *text = NULL;
    int n = 0;
    strbuf sb;
    sb_init(&sb);
    lex_token *toks = test_tokens(src, len, &text, &n, &err);
    for (int i = 0; toks && i < n; i++) {
        if (toks[i].kind == LEX_ERROR) break;
        if (i) sb_putc(&sb, ' ');
        test_fmt_token(&sb, text, &toks[i]);
    }
    if (!toks || toks[n - 1].kind == LEX_ERROR) {
        if (sb.len) sb_putc(&sb, ' ');
        sb_printf(&sb, "!%s%s %d:%d %s", err.kind, err.eager ? "*" : "", err.line, err.col, err.msg);
    }
    free(toks);
    free(text);
    if (!sb.data) sb_puts(&sb, "");
    return sb_take(&sb);
}

static char *test_lex(const char *src) { return test_lex_n(src, strlen(src)); }

/* The positions of the tokens: "line:col-end_line:end_col" each. */
static char *test_lex_pos(const char *src) {
    lex_error err;
    char *text = NULL;
    int n = 0;
    strbuf sb;
    sb_init(&sb);
    lex_token *toks = test_tokens(src, strlen(src), &text, &n, &err);
    ck_assert_ptr_nonnull(toks);
    for (int i = 0; i < n; i++) {
        if (i) sb_putc(&sb, ' ');
        sb_printf(&sb, "%d:%d-%d:%d", toks[i].line, toks[i].col, toks[i].end_line, toks[i].end_col);
    }
    free(toks);
    free(text);
    return sb_take(&sb);
}

typedef struct lex_case {
    const char *src;
    const char *want;
} lex_case;

static void test_lex_cases(const lex_case *cases, size_t n) {
    for (size_t i = 0; i < n; i++) {
        char *got = test_lex(cases[i].src);
        ck_assert_msg(strcmp(got, cases[i].want) == 0, "case %zu: %s\n  want: %s\n  got:  %s", i,
                      cases[i].src, cases[i].want, got);
        free(got);
    }
}

#define TEST_LEX_CASES(table) test_lex_cases(table, sizeof table / sizeof table[0])

/* Decodes a string body: the text, or "!line:col message". */
static char *test_unescape(const char *body, int raw) {
    lex_error err;
    strbuf sb;
    sb_init(&sb);
    if (!lex_unescape(body, 0, strlen(body), 1, 1, raw, &sb, &err)) {
        sb_clear(&sb);
        sb_printf(&sb, "!%d:%d %s", err.line, err.col, err.msg);
    }
    if (!sb.data) sb_puts(&sb, "");
    return sb_take(&sb);
}

/* ------------------------------------------------------------------ */
/* Layout                                                              */

static const lex_case test_layout_cases[] = {
    {"x = 1\n", "x = i1 NL END"},
    {"x = 1", "x = i1 NL END"},
    {"", "END"},
    {"\n\n", "END"},
    {"# only a comment", "END"},
    {"if x:\n    y\n    if z:\n        w\nv\n", "if x : NL IN y NL if z : NL IN w NL DE DE v NL END"},
    {"if a:\n if b:\n  c", "if a : NL IN if b : NL IN c NL DE DE END"},
    {"if a:\n    if b:\n        c\n    d\ne\n", "if a : NL IN if b : NL IN c NL DE d NL DE e NL END"},
    {"x\n\n   # c\n\n\ty  # t\n", "x NL IN y NL DE END"},
    {"if x:\n    y\n\n# at column 0\n    z\n", "if x : NL IN y NL z NL DE END"},
    {"(1,\n 2)\n[\n]\n{\n\n}\n", "( i1 , i2 ) NL [ ] NL { } NL END"},
    {"f(a,\n      b)\n  \nc\n", "f ( a , b ) NL c NL END"},
    {"x = 1 + \\\n    2\n", "x = i1 + i2 NL END"},
    {"if a and \\\n   b:\n    pass\n", "if a and b : NL IN pass NL DE END"},
    {"if x:\n\ty\n\tz\n", "if x : NL IN y NL z NL DE END"},
    {"if x:\n\tif y:\n\t\tz\n", "if x : NL IN if y : NL IN z NL DE DE END"},
    {"if x:\n  \ty\n\tz\n", "if x : NL IN y NL !TabError 3:1 inconsistent use of tabs and spaces in indentation"},
    {"if x:\n\ty\n        z\n", "if x : NL IN y NL !TabError 3:1 inconsistent use of tabs and spaces in indentation"},
    {"if x:\n    a\n  b\n",
     "if x : NL IN a NL !IndentationError 3:4 unindent does not match any outer indentation level"},
    {"\fx\n", "x NL END"},
    {"x = 1 \\ y\n", "x = i1 !SyntaxError 1:8 unexpected character after line continuation character"},
    {"x = 1 \\\n", "x = i1 !SyntaxError 1:8 unexpected EOF while parsing"},
    {"\\\n", "!SyntaxError 1:2 unexpected EOF while parsing"},
    {"x = (1,\n", "x = ( i1 , !SyntaxError 1:5 '(' was never closed"},
    {"x = [1, (2,\n 3\n", "x = [ i1 , ( i2 , i3 !SyntaxError 1:9 '(' was never closed"},
};

START_TEST(test_layout) { TEST_LEX_CASES(test_layout_cases); }
END_TEST

START_TEST(test_layout_positions) {
    char *got;
    /* NEWLINE starts at a trailing comment; INDENT/DEDENT sit on the first
     * token's line; at the end of input they take the last NEWLINE's place */
    got = test_lex_pos("if x:  # c\n    y\n");
    ck_assert_str_eq(got, "1:1-1:3 1:4-1:5 1:5-1:6 1:8-1:9 2:4-2:4 2:5-2:6 2:6-2:7 2:6-2:6 2:6-2:6");
    free(got);
    got = test_lex_pos("x\n");
    ck_assert_str_eq(got, "1:1-1:2 1:2-1:3 1:2-1:2");
    free(got);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Names, keywords, operators                                          */

static const lex_case test_names_cases[] = {
    {"abc _x x1 线程 naïve ℕ", "abc _x x1 线程 naïve ℕ NL END"},
    {"if elif else while for in not and or is None True False",
     "if elif else while for in not and or is None True False NL END"},
    {"def class return lambda yield async await try except finally raise",
     "def class return lambda yield async await try except finally raise NL END"},
    {"with as assert del global nonlocal import from pass break continue",
     "with as assert del global nonlocal import from pass break continue NL END"},
    {"match case _ print Ifx NONE", "match case _ print Ifx NONE NL END"},
    {"( ) [ ] { } : , ; . ... -> :=", "( ) [ ] { } : , ; . ... -> := NL END"},
    {"+ - * / // % ** @ | & ^ ~ << >> < > = == != <= >=",
     "+ - * / // % ** @ | & ^ ~ << >> < > = == != <= >= NL END"},
    {"+= -= *= /= //= %= **= @= |= &= ^= <<= >>=", "+= -= *= /= //= %= **= @= |= &= ^= <<= >>= NL END"},
    {"a**=b//=c>>=d<<=e->f:=g...h", "a **= b //= c >>= d <<= e -> f := g ... h NL END"},
    {"x = $ ? ` ! <>", "x = ?$ ?? ?` ?! ?<> NL END"},
    {"x = a.b", "x = a . b NL END"},
    {"x = 5 ＋ 3", "x = i5 !SyntaxError* 1:7 invalid character '＋' (U+FF0B)"},
    {"x = ‘a’", "x = !SyntaxError* 1:5 invalid character '‘' (U+2018)"},
    {"x = 1\xc2\xa0+ 2", "x = i1 !SyntaxError* 1:6 invalid non-printable character U+00A0"},
    {"x = 1\x01", "x = i1 !SyntaxError* 1:6 invalid non-printable character U+0001"},
    {"x·y", "x·y NL END"},
    {"·y", "!SyntaxError* 1:1 invalid character '·' (U+00B7)"},
    {"x\xe2\x80\x8by", "!SyntaxError* 1:2 invalid non-printable character U+200B"},
    {"a😀", "!SyntaxError* 1:2 invalid character '😀' (U+1F600)"},
};

START_TEST(test_names) { TEST_LEX_CASES(test_names_cases); }
END_TEST

START_TEST(test_kind_text) {
    ck_assert_str_eq(lex_kind_text(LEX_DOUBLESTAREQUAL), "**=");
    ck_assert_str_eq(lex_kind_text(LEX_KW_NONLOCAL), "nonlocal");
    ck_assert_str_eq(lex_kind_text(LEX_NAME), "name");
    ck_assert_str_eq(lex_kind_text(LEX_KIND_COUNT), "?");
    for (int k = LEX_FIRST_KEYWORD; k < LEX_KIND_COUNT; k++) {
        /* every keyword spells itself and tokenizes back to its kind */
        const char *w = lex_kind_text((lex_kind)k);
        lex_error err;
        char *text;
        int n;
        lex_token *t = test_tokens(w, strlen(w), &text, &n, &err);
        ck_assert_int_eq(t[0].kind, k);
        free(t);
        free(text);
    }
}
END_TEST

/* ------------------------------------------------------------------ */
/* Numbers                                                             */

static const lex_case test_number_cases[] = {
    {"0 00 0_0 7 42 1_000 9223372036854775807", "i0 i0 i0 i7 i42 i1000 i9223372036854775807 NL END"},
    {"0x_ff 0XAB 0o17 0O7_7 0b1010 0B_1", "i255 i171 i15 i63 i10 i1 NL END"},
    {"0x7fffffffffffffff", "i9223372036854775807 NL END"},
    {"1.5 1. .5 1e3 1E-3 1_000.5 09.5 0e0 1e+2 00.25", "f1.5 f1 f0.5 f1000 f0.001 f1000.5 f9.5 f0 f100 f0.25 NL END"},
    {"1e400", "finf NL END"},
    {"1if x else 2", "i1 if x else i2 NL END"},
    {"1 .real", "i1 . real NL END"},
    {"x.1", "x f0.10000000000000001 NL END"},
    {"9223372036854775808", "!SyntaxError* 1:1 integer literal too large for concviz (limit 2**63-1)"},
    {"0x8000000000000000", "!SyntaxError* 1:1 integer literal too large for concviz (limit 2**63-1)"},
    {"x = 1j", "x = !SyntaxError* 1:5 complex numbers are not supported"},
    {"x = 1.5J", "x = !SyntaxError* 1:5 complex numbers are not supported"},
    {"1abc", "!SyntaxError* 1:1 invalid decimal literal"},
    {"x = 0x", "x = !SyntaxError* 1:6 invalid hexadecimal literal"},
    {"x = 0xg", "x = !SyntaxError* 1:6 invalid hexadecimal literal"},
    {"012", "!SyntaxError* 1:1 leading zeros in decimal integer literals are not permitted; use an 0o prefix for octal integers"},
    {"1_", "!SyntaxError* 1:2 invalid decimal literal"},
    {"1e", "!SyntaxError* 1:1 invalid decimal literal"},
    {"x = 1__0", "x = !SyntaxError* 1:6 invalid decimal literal"},
    {"x = 1e+", "x = !SyntaxError* 1:7 invalid decimal literal"},
    {"x = 0b102", "x = !SyntaxError* 1:9 invalid digit '2' in binary literal"},
    {"x = 0o8", "x = !SyntaxError* 1:7 invalid digit '8' in octal literal"},
    {"x = 0b", "x = !SyntaxError* 1:6 invalid binary literal"},
    {"x = 1.5abc", "x = !SyntaxError* 1:7 invalid decimal literal"},
};

START_TEST(test_numbers) { TEST_LEX_CASES(test_number_cases); }
END_TEST

/* ------------------------------------------------------------------ */
/* Strings                                                             */

static const lex_case test_string_cases[] = {
    {"'a' \"b\" '' \"\"", "s'a' s'b' s'' s'' NL END"},
    {"'''a\nb''' \"\"\"c\"d\"\"\" ''''''", "st'a\nb' st'c\"d' st'' NL END"},
    {"r'\\d' R\"x\" f'{x}' F'' rf'a' fR'b' Rb'c' br'd' u'e' U'f' b'g'",
     "sr'\\d' sr'x' sf'{x}' sf'' srf'a' srf'b' srb'c' srb'd' s'e' s'f' sb'g' NL END"},
    {"bu'x' ub'y' fb'z'", "bu s'x' ub s'y' fb s'z' NL END"},
    {"'a\\'b' 'c\\\\' 'd\\\ne'", "s'a\\'b' s'c\\\\' s'd\\\ne' NL END"},
    {"f\"{d['k']}\"", "sf'{d['k']}' NL END"},
    {"'线程' x", "s'线程' x NL END"},
    {"x = 'abc", "x = !SyntaxError* 1:5 unterminated string literal (detected at line 1)"},
    {"x = 'abc\ny = 1\n", "x = !SyntaxError* 1:5 unterminated string literal (detected at line 1)"},
    {"x = f'abc", "x = !SyntaxError* 1:5 unterminated string literal (detected at line 1)"},
    {"x = '''abc\n\ny\n", "x = !SyntaxError* 1:5 unterminated triple-quoted string literal (detected at line 3)"},
    {"x = \"\"\"abc\"\"", "x = !SyntaxError* 1:5 unterminated triple-quoted string literal (detected at line 1)"},
    {"x = 'a\\", "x = !SyntaxError* 1:5 unterminated string literal (detected at line 1)"},
};

START_TEST(test_strings) { TEST_LEX_CASES(test_string_cases); }
END_TEST

START_TEST(test_string_positions) {
    lex_error err;
    char *text;
    int n;
    const char *src = "x = '线程'\ny = '''a\nb''' + rf\"c\"\n";
    lex_token *t = test_tokens(src, strlen(src), &text, &n, &err);
    ck_assert_int_eq(t[2].kind, LEX_STRING);
    ck_assert_int_eq(t[2].col, 5);
    ck_assert_int_eq(t[2].end_col, 9); /* columns count code points */
    ck_assert_int_eq(t[2].v.str.body_col, 6);
    ck_assert_int_eq(t[6].kind, LEX_STRING);
    ck_assert_int_eq(t[6].end_line, 3);
    ck_assert_int_eq(t[6].end_col, 5);
    ck_assert_int_eq(t[6].v.str.body_line, 2);
    ck_assert_int_eq(t[8].kind, LEX_STRING);
    ck_assert_int_eq(t[8].col, 8);
    ck_assert_int_eq(t[8].v.str.body_col, 11);
    free(t);
    free(text);
}
END_TEST

typedef struct unescape_case {
    const char *body;
    int raw;
    const char *want;
} unescape_case;

static const unescape_case test_unescape_cases[] = {
    {"plain 线程", 0, "plain 线程"},
    {"\\n\\t\\r\\\\\\'\\\"", 0, "\n\t\r\\'\""},
    {"\\a\\b\\f\\v", 0, "\a\b\f\v"},
    {"\\101\\60\\7x", 0, "A0\ax"},
    {"\\777", 0, "\xc7\xbf"},
    {"\\x41\\x4a\\x4A", 0, "AJJ"},
    {"\\u7ebf\\u7A0B", 0, "线程"},
    {"\\U0001F600", 0, "😀"},
    {"\\q\\d\\ ", 0, "\\q\\d\\ "},
    {"a\\\nb", 0, "ab"},
    {"\\n\\q", 1, "\\n\\q"},
    {"tail\\", 0, "tail\\"},
    {"\\x4", 0, "!1:1 (unicode error) 'unicodeescape' codec can't decode bytes in position 0-2: truncated \\xXX escape"},
    {"ab\\xg", 0, "!1:3 (unicode error) 'unicodeescape' codec can't decode bytes in position 2-3: truncated \\xXX escape"},
    {"\\u12", 0, "!1:1 (unicode error) 'unicodeescape' codec can't decode bytes in position 0-3: truncated \\uXXXX escape"},
    {"\\U0011ffff", 0, "!1:1 (unicode error) 'unicodeescape' codec can't decode bytes in position 0-9: illegal Unicode character"},
    {"x\n\\ud800", 0, "!2:1 surrogate code points are not supported by concviz"},
    {"线\\N{BULLET}", 0, "!1:2 \\N{...} escapes are not supported by concviz"},
};

START_TEST(test_escapes) {
    for (size_t i = 0; i < sizeof test_unescape_cases / sizeof test_unescape_cases[0]; i++) {
        const unescape_case *c = &test_unescape_cases[i];
        char *got = test_unescape(c->body, c->raw);
        ck_assert_msg(strcmp(got, c->want) == 0, "case %zu: %s\n  want: %s\n  got:  %s", i, c->body,
                      c->want, got);
        free(got);
    }
    /* '\0' decodes to a NUL byte inside the string */
    lex_error err;
    strbuf sb;
    sb_init(&sb);
    ck_assert(lex_unescape("a\\0b", 0, 4, 1, 1, 0, &sb, &err));
    ck_assert_uint_eq(sb.len, 3);
    ck_assert_int_eq(sb.data[1], '\0');
    sb_free(&sb);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Brackets, levels, f-string fields                                   */

static const lex_case test_bracket_cases[] = {
    {"a = )", "a = !SyntaxError* 1:5 unmatched ')'"},
    {"a = (]", "a = ( !SyntaxError* 1:6 closing parenthesis ']' does not match opening parenthesis '('"},
    {"x = (1,\n  2]", "x = ( i1 , i2 !SyntaxError* 2:4 closing parenthesis ']' does not match opening parenthesis '(' on line 1"},
    {"{[(x)]}", "{ [ ( x ) ] } NL END"},
};

START_TEST(test_brackets) {
    TEST_LEX_CASES(test_bracket_cases);
    strbuf sb;
    sb_init(&sb);
    sb_fill(&sb, '(', 200);
    char *got = test_lex(sb.data);
    /* the innermost unclosed bracket is reported */
    ck_assert_msg(strstr(got, "!SyntaxError 1:200 '(' was never closed") != NULL, "%s", got);
    free(got);
    sb_putc(&sb, '[');
    got = test_lex(sb.data);
    ck_assert_msg(strstr(got, "!SyntaxError* 1:201 too many nested parentheses") != NULL, "%s", got);
    free(got);
    sb_free(&sb);
}
END_TEST

START_TEST(test_levels) {
    lex_error err;
    char *text;
    int n;
    lex_token *t = test_tokens("f(a, [b])\n", 10, &text, &n, &err);
    static const int want[] = {0, 1, 1, 1, 2, 2, 1, 0, 0, 0};
    ck_assert_int_eq(n, 10);
    for (int i = 0; i < n; i++) ck_assert_msg(t[i].level == want[i], "token %d: level %d", i, t[i].level);
    free(t);
    free(text);
}
END_TEST

START_TEST(test_field_mode) {
    /* an f-string field is tokenized in place, as if inside brackets */
    const char *text = "x = f'{a +\n b!r}'\n";
    lex_error err;
    int n;
    lex_token *t = lex_tokenize(text, 7, 13, 1, 8, 1, &n, &err);
    ck_assert_int_eq(n, 4);
    ck_assert_int_eq(t[0].kind, LEX_NAME);
    ck_assert_int_eq(t[0].col, 8);
    ck_assert_int_eq(t[0].level, 1);
    ck_assert_int_eq(t[1].kind, LEX_PLUS);
    ck_assert_int_eq(t[2].kind, LEX_NAME);
    ck_assert_int_eq(t[2].line, 2);
    ck_assert_int_eq(t[2].col, 2);
    ck_assert_int_eq(t[3].kind, LEX_ENDMARKER);
    free(t);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Source preparation                                                  */

START_TEST(test_prepare) {
    char *got;
    static const char crlf[] = "\xef\xbb\xbfif x:\r\n    y\r\rz\r";
    got = test_lex_n(crlf, sizeof crlf - 1);
    ck_assert_str_eq(got, "if x : NL IN y NL DE z NL END");
    free(got);
    got = test_lex_n("x = 1\0y", 7);
    ck_assert_str_eq(got, "!SyntaxError* 1:6 source code cannot contain null bytes");
    free(got);
    got = test_lex_n("a\nb = '\xff'", 9);
    ck_assert_str_eq(got, "!SyntaxError* 2:6 (unicode error) 'utf-8' codec can't decode byte 0xff: invalid start byte");
    free(got);
    got = test_lex_n("'\xc3(", 3);
    ck_assert_str_eq(got, "!SyntaxError* 1:2 (unicode error) 'utf-8' codec can't decode byte 0xc3: invalid continuation byte");
    free(got);
    got = test_lex_n("\xc0\x80", 2); /* overlong */
    ck_assert_str_eq(got, "!SyntaxError* 1:1 (unicode error) 'utf-8' codec can't decode byte 0xc0: invalid start byte");
    free(got);
    got = test_lex_n("\xf0\x9f\x98", 3);
    ck_assert_str_eq(got, "!SyntaxError* 1:1 (unicode error) 'utf-8' codec can't decode byte 0xf0: unexpected end of data");
    free(got);

    lex_error err;
    char *out;
    size_t len;
    ck_assert(lex_prepare("a\r\nb", 4, &out, &len, &err));
    ck_assert_uint_eq(len, 4);
    ck_assert_str_eq(out, "a\nb\n");
    free(out);
    ck_assert(lex_prepare("", 0, &out, &len, &err));
    ck_assert_uint_eq(len, 0);
    free(out);
}
END_TEST

START_TEST(test_utf8) {
    static const uint32_t cps[] = {0x41, 0x7F, 0x80, 0x7FF, 0x800, 0x7EBF, 0xFFFF, 0x10000, 0x1F600, 0x10FFFF};
    for (size_t i = 0; i < sizeof cps / sizeof cps[0]; i++) {
        strbuf sb;
        uint32_t cp;
        sb_init(&sb);
        lex_utf8_encode(&sb, cps[i]);
        ck_assert_int_eq(lex_utf8_decode((const unsigned char *)sb.data, sb.len, &cp), (int)sb.len);
        ck_assert_uint_eq(cp, cps[i]);
        sb_free(&sb);
    }
    uint32_t cp;
    ck_assert_int_eq(lex_utf8_decode((const unsigned char *)"\xed\xa0\x80", 3, &cp), 1); /* surrogate */
    ck_assert_int_eq(lex_utf8_decode((const unsigned char *)"\xe0\x80\x80", 3, &cp), 1); /* overlong */
    ck_assert_int_eq(lex_utf8_decode((const unsigned char *)"\xf4\x90\x80\x80", 4, &cp), 1);
    ck_assert_int_eq(lex_utf8_decode((const unsigned char *)"\xe7\xba", 2, &cp), 1);
}
END_TEST

START_TEST(test_advance_pos) {
    int line = 1, col = 1;
    const char *s = "ab线\n程x";
    lex_advance_pos(s, 0, strlen(s), &line, &col);
    ck_assert_int_eq(line, 2);
    ck_assert_int_eq(col, 3);
}
END_TEST

START_TEST(test_many_tokens) {
    strbuf sb;
    sb_init(&sb);
    for (int i = 0; i < 20000; i++) sb_puts(&sb, "x = (a + 1) * 2\n");
    lex_error err;
    char *text;
    int n;
    lex_token *t = test_tokens(sb.data, sb.len, &text, &n, &err);
    ck_assert_int_eq(n, 20000 * 10 + 1);
    ck_assert_int_eq(t[n - 1].kind, LEX_ENDMARKER);
    ck_assert_int_eq(t[n - 2].line, 20000);
    free(t);
    free(text);
    sb_free(&sb);
}
END_TEST

static Suite *lex_suite(void) {
    Suite *s = suite_create("lex");
    TCase *tc = tcase_create("tokens");
    tcase_add_test(tc, test_layout);
    tcase_add_test(tc, test_layout_positions);
    tcase_add_test(tc, test_names);
    tcase_add_test(tc, test_kind_text);
    tcase_add_test(tc, test_numbers);
    tcase_add_test(tc, test_strings);
    tcase_add_test(tc, test_string_positions);
    tcase_add_test(tc, test_escapes);
    tcase_add_test(tc, test_brackets);
    tcase_add_test(tc, test_levels);
    tcase_add_test(tc, test_field_mode);
    suite_add_tcase(s, tc);
    tc = tcase_create("source");
    tcase_add_test(tc, test_prepare);
    tcase_add_test(tc, test_utf8);
    tcase_add_test(tc, test_advance_pos);
    tcase_add_test(tc, test_many_tokens);
    suite_add_tcase(s, tc);
    return s;
}

int main(void) {
    SRunner *sr = srunner_create(lex_suite());
    srunner_run_all(sr, CK_ENV);
    int failures = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failures ? 1 : 0;
}
