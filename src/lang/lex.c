/* lex.c - the tokenizer (see lex.h). A port of the shape of CPython 3.11's
 * tokenizer.c: the same indentation algorithm, number scanner and error
 * messages, so that errors point where CPython points.
 */
#include "lex.h"

#include <locale.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

static const char *const lex_kind_texts[] = {
#define LEX_TEXT_ITEM(kind, text) text,
    LEX_TOKEN_LIST(LEX_TEXT_ITEM)
#undef LEX_TEXT_ITEM
};

const char *lex_kind_text(lex_kind kind) {
    if ((int)kind < 0 || kind >= LEX_KIND_COUNT) return "?";
    return lex_kind_texts[kind];
}

/* ---- characters ---- */

static int lex_is_digit(int c) { return c >= '0' && c <= '9'; }
static int lex_is_xdigit(int c) {
    return lex_is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
static int lex_is_alpha(int c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
/* CPython's is_potential_identifier_start / _char: any non-ASCII byte counts. */
static int lex_is_id_start_byte(int c) { return lex_is_alpha(c) || c == '_' || c >= 128; }
static int lex_is_id_byte(int c) { return lex_is_id_start_byte(c) || lex_is_digit(c); }

static int lex_hexval(int c) {
    if (lex_is_digit(c)) return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return c - 'A' + 10;
}

int lex_utf8_decode(const unsigned char *s, size_t n, uint32_t *cp) {
    if (n == 0) { *cp = 0; return 1; }
    unsigned c = s[0];
    int len;
    uint32_t v, min;
    if (c < 0x80) { *cp = c; return 1; }
    if (c >= 0xC2 && c <= 0xDF) { len = 2; v = c & 0x1F; min = 0x80; }
    else if (c >= 0xE0 && c <= 0xEF) { len = 3; v = c & 0x0F; min = 0x800; }
    else if (c >= 0xF0 && c <= 0xF4) { len = 4; v = c & 0x07; min = 0x10000; }
    else { *cp = c; return 1; }
    if ((size_t)len > n) { *cp = c; return 1; }
    for (int i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80) { *cp = c; return 1; }
        v = (v << 6) | (s[i] & 0x3Fu);
    }
    if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) { *cp = c; return 1; }
    *cp = v;
    return len;
}

void lex_utf8_encode(strbuf *out, uint32_t cp) {
    char b[4];
    size_t n;
    if (cp < 0x80) { b[0] = (char)cp; n = 1; }
    else if (cp < 0x800) {
        b[0] = (char)(0xC0 | (cp >> 6)); b[1] = (char)(0x80 | (cp & 0x3F)); n = 2;
    } else if (cp < 0x10000) {
        b[0] = (char)(0xE0 | (cp >> 12)); b[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        b[2] = (char)(0x80 | (cp & 0x3F)); n = 3;
    } else {
        b[0] = (char)(0xF0 | (cp >> 18)); b[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        b[2] = (char)(0x80 | ((cp >> 6) & 0x3F)); b[3] = (char)(0x80 | (cp & 0x3F)); n = 4;
    }
    sb_append(out, b, n);
}

/* Code points Python does not print (Zs/Cc/Cf/Zl/Zp/Co): approximated. */
static int lex_is_nonprintable_cp(uint32_t cp) {
    if (cp < 0x20 || (cp >= 0x7F && cp <= 0xA0) || cp == 0xAD) return 1;
    if (cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200F) || (cp >= 0x2028 && cp <= 0x202F)) return 1;
    if ((cp >= 0x205F && cp <= 0x206F) || cp == 0x3000 || cp == 0xFEFF) return 1;
    if ((cp >= 0xFFF9 && cp <= 0xFFFB) || (cp >= 0xE000 && cp <= 0xF8FF)) return 1;
    if (cp >= 0xE0000) return 1;
    return 0;
}

static int lex_is_id_cp(uint32_t cp);
static int lex_is_id_start_cp(uint32_t cp);

void lex_advance_pos(const char *text, size_t from, size_t to, int *line, int *col) {
    for (size_t i = from; i < to; i++) {
        unsigned char c = (unsigned char)text[i];
        if (c == '\n') { (*line)++; *col = 1; }
        else if ((c & 0xC0) != 0x80) (*col)++;
    }
}

/* ---- errors ---- */

static void lex_set_error(lex_error *err, int line, int col, const char *kind, int eager,
                          const char *fmt, ...) __attribute__((format(printf, 6, 7)));

static void lex_set_error(lex_error *err, int line, int col, const char *kind, int eager,
                          const char *fmt, ...) {
    va_list ap;
    err->line = line;
    err->col = col < 1 ? 1 : col;
    err->kind = kind;
    err->eager = eager;
    err->unclosed = 0;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
}

/* ---- preparing the source ---- */

int lex_prepare(const char *src, size_t len, char **out, size_t *outlen, lex_error *err) {
    const unsigned char *s = (const unsigned char *)src;
    size_t i = 0, o = 0;
    int line = 1, col = 1;
    if (len >= 3 && s[0] == 0xEF && s[1] == 0xBB && s[2] == 0xBF) i = 3;
    char *buf = xmalloc(len - i + 2);
    while (i < len) {
        unsigned char c = s[i];
        if (c == '\r') {
            buf[o++] = '\n';
            i += (i + 1 < len && s[i + 1] == '\n') ? 2 : 1;
            line++; col = 1;
        } else if (c == '\n') {
            buf[o++] = '\n';
            i++;
            line++; col = 1;
        } else if (c == 0) {
            lex_set_error(err, line, col, "SyntaxError", 1, "source code cannot contain null bytes");
            free(buf);
            return 0;
        } else if (c < 0x80) {
            buf[o++] = (char)c;
            i++; col++;
        } else {
            uint32_t cp;
            int n = lex_utf8_decode(s + i, len - i, &cp);
            if (n == 1) {
                const char *why = "invalid start byte";
                if (c >= 0xC2 && c <= 0xF4) {
                    size_t want = c <= 0xDF ? 2 : c <= 0xEF ? 3 : 4;
                    why = i + want > len ? "unexpected end of data" : "invalid continuation byte";
                    /* a truncated sequence followed by more text is "invalid continuation" */
                    for (size_t k = 1; k < want && i + k < len; k++)
                        if ((s[i + k] & 0xC0) != 0x80) { why = "invalid continuation byte"; break; }
                }
                lex_set_error(err, line, col, "SyntaxError", 1,
                              "(unicode error) 'utf-8' codec can't decode byte 0x%02x: %s", c, why);
                free(buf);
                return 0;
            }
            memcpy(buf + o, s + i, (size_t)n);
            o += (size_t)n;
            i += (size_t)n;
            col++;
        }
    }
    if (o > 0 && buf[o - 1] != '\n') buf[o++] = '\n';
    buf[o] = '\0';
    *out = buf;
    *outlen = o;
    return 1;
}

/* ---- the tokenizer state ---- */

typedef struct lexer {
    const char *text;
    size_t pos, end;
    int line, col;            /* position of text[pos] */
    int in_field;
    int base_level;           /* 1 inside an f-string field (implicit brackets) */
    int atbol;
    int indent;               /* index of the top of indstack */
    int indstack[LEX_MAX_INDENT + 1];
    int altstack[LEX_MAX_INDENT + 1];
    int pendin;               /* pending INDENT (>0) or DEDENT (<0) tokens */
    int ind_chars;            /* indentation width of the current line, in characters */
    int level;
    char parenstack[LEX_MAX_LEVEL];
    int parenline[LEX_MAX_LEVEL], parencol[LEX_MAX_LEVEL];
    int nl_line, nl_col;      /* position of the last NEWLINE token */
    lex_error *err;
} lexer;

static int lex_peek(const lexer *lx, size_t k) {
    return lx->pos + k < lx->end ? (unsigned char)lx->text[lx->pos + k] : 0;
}

static void lex_bump(lexer *lx) {
    unsigned char c = (unsigned char)lx->text[lx->pos++];
    if (c == '\n') { lx->line++; lx->col = 1; }
    else if ((c & 0xC0) != 0x80) lx->col++;
}

/* Length in code points of the line that contains text[pos]. */
static int lex_line_length(const lexer *lx, size_t pos) {
    size_t a = pos, b = pos;
    while (a > 0 && lx->text[a - 1] != '\n') a--;
    while (b < lx->end && lx->text[b] != '\n') b++;
    int line = 0, col = 0;
    lex_advance_pos(lx->text, a, b, &line, &col);
    return col;
}

/* The line number of the last line (for "detected at line N"). */
static int lex_last_line(const lexer *lx) {
    if (lx->end > 0 && lx->text[lx->end - 1] == '\n') return lx->line - 1;
    return lx->line;
}

static void lex_begin(const lexer *lx, lex_token *t, lex_kind kind) {
    memset(t, 0, sizeof *t);
    t->kind = kind;
    t->start = lx->pos;
    t->line = lx->line;
    t->col = lx->col;
}

static void lex_finish(const lexer *lx, lex_token *t) {
    t->end = lx->pos;
    t->end_line = lx->line;
    t->end_col = lx->col;
    t->level = lx->level + lx->base_level;
}

/* A zero-width token (INDENT, DEDENT, ENDMARKER) at (line, col). */
static void lex_marker(const lexer *lx, lex_token *t, lex_kind kind, int line, int col) {
    lex_begin(lx, t, kind);
    t->line = t->end_line = line;
    t->col = t->end_col = col < 1 ? 1 : col;
    t->end = t->start;
    t->level = lx->level + lx->base_level;
}

/* ---- numbers ---- */

/* The 1-based column of the character before text[pos] (CPython reports
 * number errors at the last character it consumed). */
static int lex_col_before(const lex_token *t, size_t pos) {
    return t->col + (int)(pos - t->start) - 1;
}

/* CPython's verify_end_of_number: a number may be followed directly by
 * and/else/for/if/in/is/not/or, but not by other identifier characters. */
static int lex_verify_end(lexer *lx, lex_token *t, size_t p, const char *kind) {
    const char *s = lx->text;
    int c = p < lx->end ? (unsigned char)s[p] : 0;
    size_t rest = lx->end - p;
    int ok = 0;
    if (c == 'a') ok = rest >= 3 && memcmp(s + p, "and", 3) == 0;
    else if (c == 'e') ok = rest >= 4 && memcmp(s + p, "else", 4) == 0;
    else if (c == 'f') ok = rest >= 3 && memcmp(s + p, "for", 3) == 0;
    else if (c == 'i') ok = rest >= 2 && (s[p + 1] == 'f' || s[p + 1] == 'n' || s[p + 1] == 's');
    else if (c == 'o') ok = rest >= 2 && s[p + 1] == 'r';
    else if (c == 'n') ok = rest >= 3 && memcmp(s + p, "not", 3) == 0;
    if (!ok && c < 128 && lex_is_id_byte(c)) {
        lex_set_error(lx->err, t->line, lex_col_before(t, p), "SyntaxError", 1,
                      "invalid %s literal", kind);
        return 0;
    }
    return 1;
}

/* Scans digits and single underscores between digits (tok_decimal_tail);
 * p is just past a digit. Returns the position after the run, or 0 on error. */
static size_t lex_decimal_tail(lexer *lx, lex_token *t, size_t p) {
    const char *s = lx->text;
    for (;;) {
        while (p < lx->end && lex_is_digit(s[p])) p++;
        if (p >= lx->end || s[p] != '_') break;
        p++;
        if (p >= lx->end || !lex_is_digit(s[p])) {
            lex_set_error(lx->err, t->line, lex_col_before(t, p), "SyntaxError", 1,
                          "invalid decimal literal");
            return 0;
        }
    }
    return p;
}

static int lex_too_large(lexer *lx, const lex_token *t) {
    lex_set_error(lx->err, t->line, t->col, "SyntaxError", 1,
                  "integer literal too large for concviz (limit 2**63-1)");
    return 0;
}

/* Value of an integer literal in base 'base' from text[a, b), underscores skipped. */
static int lex_int_value(lexer *lx, lex_token *t, size_t a, size_t b, int base) {
    int64_t v = 0;
    for (size_t i = a; i < b; i++) {
        int c = (unsigned char)lx->text[i];
        if (c == '_') continue;
        int d = lex_hexval(c);
        if (v > (INT64_MAX - d) / base) return lex_too_large(lx, t);
        v = v * base + d;
    }
    t->v.i = v;
    return 1;
}

/* Value of a float literal: strtod on a copy without underscores, with the
 * locale's decimal point in place of '.'. */
static void lex_float_value(lexer *lx, lex_token *t, size_t a, size_t b) {
    strbuf sb;
    const char *dp = localeconv()->decimal_point;
    sb_init(&sb);
    for (size_t i = a; i < b; i++) {
        char c = lx->text[i];
        if (c == '_') continue;
        if (c == '.') sb_puts(&sb, dp && *dp ? dp : ".");
        else sb_putc(&sb, c);
    }
    t->v.f = strtod(sb.data ? sb.data : "0", NULL);
    sb_free(&sb);
}

/* Scans a number starting at lx->pos (a digit, or '.' then a digit). */
static int lex_number(lexer *lx, lex_token *t) {
    const char *s = lx->text;
    size_t p = lx->pos;
    int is_float = 0;
    lex_begin(lx, t, LEX_INT);
#define CH(i) ((i) < lx->end ? (unsigned char)s[(i)] : 0)
    if (CH(p) == '.') {
        p++;
        goto fraction;
    }
    if (CH(p) == '0') {
        int c = CH(p + 1);
        if (c == 'x' || c == 'X' || c == 'o' || c == 'O' || c == 'b' || c == 'B') {
            int base = (c == 'x' || c == 'X') ? 16 : (c == 'o' || c == 'O') ? 8 : 2;
            const char *kind = base == 16 ? "hexadecimal" : base == 8 ? "octal" : "binary";
            p += 2;
            size_t digits = p;
            do {
                if (CH(p) == '_') p++;
                int d = CH(p);
                int ok = base == 16 ? lex_is_xdigit(d) : base == 8 ? (d >= '0' && d < '8')
                                                                   : (d == '0' || d == '1');
                if (!ok) {
                    if (base != 16 && lex_is_digit(d)) {
                        lex_set_error(lx->err, t->line, lex_col_before(t, p + 1), "SyntaxError",
                                      1, "invalid digit '%c' in %s literal", d, kind);
                    } else {
                        lex_set_error(lx->err, t->line, lex_col_before(t, p), "SyntaxError", 1,
                                      "invalid %s literal", kind);
                    }
                    return 0;
                }
                for (;;) {
                    d = CH(p);
                    ok = base == 16 ? lex_is_xdigit(d) : base == 8 ? (d >= '0' && d < '8')
                                                                   : (d == '0' || d == '1');
                    if (!ok) break;
                    p++;
                }
            } while (CH(p) == '_');
            if (base != 16 && lex_is_digit(CH(p))) {
                lex_set_error(lx->err, t->line, lex_col_before(t, p + 1), "SyntaxError", 1,
                              "invalid digit '%c' in %s literal", CH(p), kind);
                return 0;
            }
            if (!lex_verify_end(lx, t, p, kind)) return 0;
            if (!lex_int_value(lx, t, digits, p, base)) return 0;
            goto done;
        }
        /* '0', maybe followed by more zeros, or a float with leading zeros */
        int nonzero = 0;
        p++;
        for (;;) {
            if (CH(p) == '_') {
                p++;
                if (!lex_is_digit(CH(p))) {
                    lex_set_error(lx->err, t->line, lex_col_before(t, p), "SyntaxError", 1,
                                  "invalid decimal literal");
                    return 0;
                }
            }
            if (CH(p) != '0') break;
            p++;
        }
        if (lex_is_digit(CH(p))) {
            nonzero = 1;
            p = lex_decimal_tail(lx, t, p);
            if (!p) return 0;
        }
        if (CH(p) == '.') {
            p++;
            goto fraction;
        } else if (CH(p) == 'e' || CH(p) == 'E') {
            goto exponent;
        } else if (CH(p) == 'j' || CH(p) == 'J') {
            goto imaginary;
        } else if (nonzero) {
            lex_set_error(lx->err, t->line, t->col, "SyntaxError", 1,
                          "leading zeros in decimal integer literals are not permitted; "
                          "use an 0o prefix for octal integers");
            return 0;
        }
        if (!lex_verify_end(lx, t, p, "decimal")) return 0;
        t->v.i = 0;
        goto done;
    }
    /* decimal */
    p = lex_decimal_tail(lx, t, p + 1);
    if (!p) return 0;
    if (CH(p) == '.') {
        p++;
        goto fraction;
    }
    if (CH(p) == 'e' || CH(p) == 'E') goto exponent;
    if (CH(p) == 'j' || CH(p) == 'J') goto imaginary;
    if (!lex_verify_end(lx, t, p, "decimal")) return 0;
    if (!lex_int_value(lx, t, t->start, p, 10)) return 0;
    goto done;

fraction:
    is_float = 1;
    if (lex_is_digit(CH(p))) {
        p = lex_decimal_tail(lx, t, p + 1);
        if (!p) return 0;
    }
    if (CH(p) == 'e' || CH(p) == 'E') goto exponent;
    if (CH(p) == 'j' || CH(p) == 'J') goto imaginary;
    if (!lex_verify_end(lx, t, p, "decimal")) return 0;
    goto make_float;

exponent:
    {
        size_t e = p;
        p++;
        if (CH(p) == '+' || CH(p) == '-') {
            p++;
            if (!lex_is_digit(CH(p))) {
                lex_set_error(lx->err, t->line, lex_col_before(t, p), "SyntaxError", 1,
                              "invalid decimal literal");
                return 0;
            }
        } else if (!lex_is_digit(CH(p))) {
            /* "1else": the number ends before the 'e' */
            if (!lex_verify_end(lx, t, e, "decimal")) return 0;
            p = e;
            goto make_float_or_int;
        }
        p = lex_decimal_tail(lx, t, p + 1);
        if (!p) return 0;
        is_float = 1;
    }
    if (CH(p) == 'j' || CH(p) == 'J') goto imaginary;
    if (!lex_verify_end(lx, t, p, "decimal")) return 0;
    goto make_float;

imaginary:
    p++;
    if (!lex_verify_end(lx, t, p, "imaginary")) return 0;
    lex_set_error(lx->err, t->line, t->col, "SyntaxError", 1, "complex numbers are not supported");
    return 0;

make_float_or_int:
    if (!is_float) {
        /* only reachable from an integer part: "1else" */
        if (!lex_int_value(lx, t, t->start, p, 10)) return 0;
        goto done;
    }
make_float:
    t->kind = LEX_FLOAT;
    lex_float_value(lx, t, t->start, p);
done:
#undef CH
    while (lx->pos < p) lex_bump(lx);
    lex_finish(lx, t);
    return 1;
}

/* ---- strings ---- */

/* Scans a string whose quote is at lx->pos; t was begun at the prefix. */
static int lex_string(lexer *lx, lex_token *t, unsigned flags) {
    int quote = lex_peek(lx, 0);
    int quote_size = 1, end_quote_size = 0;
    t->kind = LEX_STRING;
    lex_bump(lx);
    if (lex_peek(lx, 0) == quote && lex_peek(lx, 1) == quote) {
        quote_size = 3;
        lex_bump(lx);
        lex_bump(lx);
        flags |= LEX_STR_TRIPLE;
    }
    t->v.str.flags = flags;
    t->v.str.body = lx->pos;
    t->v.str.body_line = lx->line;
    t->v.str.body_col = lx->col;
    while (end_quote_size != quote_size) {
        if (lx->pos >= lx->end || (quote_size == 1 && lex_peek(lx, 0) == '\n')) {
            int detected = lx->pos >= lx->end ? lex_last_line(lx) : lx->line;
            if (quote_size == 3)
                lex_set_error(lx->err, t->line, t->col, "SyntaxError", 1,
                              "unterminated triple-quoted string literal (detected at line %d)",
                              detected);
            else
                lex_set_error(lx->err, t->line, t->col, "SyntaxError", 1,
                              "unterminated string literal (detected at line %d)", detected);
            return 0;
        }
        int c = lex_peek(lx, 0);
        lex_bump(lx);
        if (c == quote) {
            end_quote_size++;
        } else {
            end_quote_size = 0;
            if (c == '\\' && lx->pos < lx->end) lex_bump(lx);
        }
    }
    t->v.str.body_end = lx->pos - (size_t)quote_size;
    lex_finish(lx, t);
    return 1;
}

/* ---- identifiers ---- */

static const struct { const char *word; lex_kind kind; } lex_keywords[] = {
    {"False", LEX_KW_FALSE}, {"None", LEX_KW_NONE}, {"True", LEX_KW_TRUE},
    {"and", LEX_KW_AND}, {"as", LEX_KW_AS}, {"assert", LEX_KW_ASSERT},
    {"async", LEX_KW_ASYNC}, {"await", LEX_KW_AWAIT}, {"break", LEX_KW_BREAK},
    {"class", LEX_KW_CLASS}, {"continue", LEX_KW_CONTINUE}, {"def", LEX_KW_DEF},
    {"del", LEX_KW_DEL}, {"elif", LEX_KW_ELIF}, {"else", LEX_KW_ELSE},
    {"except", LEX_KW_EXCEPT}, {"finally", LEX_KW_FINALLY}, {"for", LEX_KW_FOR},
    {"from", LEX_KW_FROM}, {"global", LEX_KW_GLOBAL}, {"if", LEX_KW_IF},
    {"import", LEX_KW_IMPORT}, {"in", LEX_KW_IN}, {"is", LEX_KW_IS},
    {"lambda", LEX_KW_LAMBDA}, {"nonlocal", LEX_KW_NONLOCAL}, {"not", LEX_KW_NOT},
    {"or", LEX_KW_OR}, {"pass", LEX_KW_PASS}, {"raise", LEX_KW_RAISE},
    {"return", LEX_KW_RETURN}, {"try", LEX_KW_TRY}, {"while", LEX_KW_WHILE},
    {"with", LEX_KW_WITH}, {"yield", LEX_KW_YIELD},
};

static lex_kind lex_keyword(const char *s, size_t n) {
    if (n < 2 || n > 8 || !(s[0] >= 'a' || s[0] == 'F' || s[0] == 'N' || s[0] == 'T')) return LEX_NAME;
    for (size_t i = 0; i < sizeof lex_keywords / sizeof lex_keywords[0]; i++)
        if (lex_keywords[i].word[0] == s[0] && strlen(lex_keywords[i].word) == n &&
            memcmp(lex_keywords[i].word, s, n) == 0)
            return lex_keywords[i].kind;
    return LEX_NAME;
}

/* Reports a character that cannot start or continue a token at (line, col). */
static int lex_bad_char(lexer *lx, int line, int col, uint32_t cp) {
    if (lex_is_nonprintable_cp(cp)) {
        lex_set_error(lx->err, line, col, "SyntaxError", 1,
                      "invalid non-printable character U+%04X", (unsigned)cp);
    } else {
        strbuf sb;
        sb_init(&sb);
        lex_utf8_encode(&sb, cp);
        lex_set_error(lx->err, line, col, "SyntaxError", 1, "invalid character '%s' (U+%04X)",
                      sb.data, (unsigned)cp);
        sb_free(&sb);
    }
    return 0;
}

/* Scans a name (or a string with a prefix) starting at lx->pos. */
static int lex_name(lexer *lx, lex_token *t) {
    int saw_b = 0, saw_r = 0, saw_u = 0, saw_f = 0;
    lex_begin(lx, t, LEX_NAME);
    /* string prefixes: b, r, u, f, br, rb, fr, rf in any case */
    for (size_t k = 0;; k++) {
        int c = lex_peek(lx, k);
        if (!(saw_b || saw_u || saw_f) && (c == 'b' || c == 'B')) saw_b = 1;
        else if (!(saw_b || saw_u || saw_r || saw_f) && (c == 'u' || c == 'U')) saw_u = 1;
        else if (!(saw_r || saw_u) && (c == 'r' || c == 'R')) saw_r = 1;
        else if (!(saw_f || saw_b || saw_u) && (c == 'f' || c == 'F')) saw_f = 1;
        else break;
        int q = lex_peek(lx, k + 1);
        if (q == '"' || q == '\'') {
            for (size_t j = 0; j <= k; j++) lex_bump(lx);
            unsigned flags = (saw_r ? LEX_STR_RAW : 0u) | (saw_f ? LEX_STR_F : 0u) |
                             (saw_b ? LEX_STR_BYTES : 0u);
            return lex_string(lx, t, flags);
        }
    }
    /* the run of potential identifier characters, then CPython's verify_identifier */
    size_t p = lx->pos;
    while (p < lx->end && lex_is_id_byte((unsigned char)lx->text[p])) p++;
    size_t q = lx->pos;
    int col = lx->col;
    while (q < p) {
        uint32_t cp;
        int n = lex_utf8_decode((const unsigned char *)lx->text + q, p - q, &cp);
        if (cp >= 0x80 && !(q == lx->pos ? lex_is_id_start_cp(cp) : lex_is_id_cp(cp)))
            return lex_bad_char(lx, lx->line, col, cp);
        q += (size_t)n;
        col++;
    }
    while (lx->pos < p) lex_bump(lx);
    t->kind = lex_keyword(lx->text + t->start, p - t->start);
    lex_finish(lx, t);
    return 1;
}

/* ---- operators ---- */

/* Longest operator at s (n bytes available); returns its length, 0 if none. */
static int lex_operator(const char *s, size_t n, lex_kind *kind) {
    int c0 = (unsigned char)s[0];
    int c1 = n > 1 ? (unsigned char)s[1] : 0;
    int c2 = n > 2 ? (unsigned char)s[2] : 0;
    switch (c0) {
    case '(': *kind = LEX_LPAR; return 1;
    case ')': *kind = LEX_RPAR; return 1;
    case '[': *kind = LEX_LSQB; return 1;
    case ']': *kind = LEX_RSQB; return 1;
    case '{': *kind = LEX_LBRACE; return 1;
    case '}': *kind = LEX_RBRACE; return 1;
    case ',': *kind = LEX_COMMA; return 1;
    case ';': *kind = LEX_SEMI; return 1;
    case '~': *kind = LEX_TILDE; return 1;
    case ':':
        if (c1 == '=') { *kind = LEX_COLONEQUAL; return 2; }
        *kind = LEX_COLON; return 1;
    case '.':
        if (c1 == '.' && c2 == '.') { *kind = LEX_ELLIPSIS; return 3; }
        *kind = LEX_DOT; return 1;
    case '+':
        if (c1 == '=') { *kind = LEX_PLUSEQUAL; return 2; }
        *kind = LEX_PLUS; return 1;
    case '-':
        if (c1 == '=') { *kind = LEX_MINEQUAL; return 2; }
        if (c1 == '>') { *kind = LEX_ARROW; return 2; }
        *kind = LEX_MINUS; return 1;
    case '*':
        if (c1 == '*') {
            if (c2 == '=') { *kind = LEX_DOUBLESTAREQUAL; return 3; }
            *kind = LEX_DOUBLESTAR; return 2;
        }
        if (c1 == '=') { *kind = LEX_STAREQUAL; return 2; }
        *kind = LEX_STAR; return 1;
    case '/':
        if (c1 == '/') {
            if (c2 == '=') { *kind = LEX_DOUBLESLASHEQUAL; return 3; }
            *kind = LEX_DOUBLESLASH; return 2;
        }
        if (c1 == '=') { *kind = LEX_SLASHEQUAL; return 2; }
        *kind = LEX_SLASH; return 1;
    case '%':
        if (c1 == '=') { *kind = LEX_PERCENTEQUAL; return 2; }
        *kind = LEX_PERCENT; return 1;
    case '@':
        if (c1 == '=') { *kind = LEX_ATEQUAL; return 2; }
        *kind = LEX_AT; return 1;
    case '|':
        if (c1 == '=') { *kind = LEX_VBAREQUAL; return 2; }
        *kind = LEX_VBAR; return 1;
    case '&':
        if (c1 == '=') { *kind = LEX_AMPEREQUAL; return 2; }
        *kind = LEX_AMPER; return 1;
    case '^':
        if (c1 == '=') { *kind = LEX_CIRCUMFLEXEQUAL; return 2; }
        *kind = LEX_CIRCUMFLEX; return 1;
    case '=':
        if (c1 == '=') { *kind = LEX_EQEQUAL; return 2; }
        *kind = LEX_EQUAL; return 1;
    case '!':
        if (c1 == '=') { *kind = LEX_NOTEQUAL; return 2; }
        return 0;
    case '<':
        if (c1 == '<') {
            if (c2 == '=') { *kind = LEX_LEFTSHIFTEQUAL; return 3; }
            *kind = LEX_LEFTSHIFT; return 2;
        }
        if (c1 == '=') { *kind = LEX_LESSEQUAL; return 2; }
        if (c1 == '>') return 0; /* '<>' is not an operator */
        *kind = LEX_LESS; return 1;
    case '>':
        if (c1 == '>') {
            if (c2 == '=') { *kind = LEX_RIGHTSHIFTEQUAL; return 3; }
            *kind = LEX_RIGHTSHIFT; return 2;
        }
        if (c1 == '=') { *kind = LEX_GREATEREQUAL; return 2; }
        *kind = LEX_GREATER; return 1;
    default:
        return 0;
    }
}

/* Updates the bracket stack for an operator token just scanned. */
static int lex_bracket(lexer *lx, lex_token *t) {
    int c = (unsigned char)lx->text[t->start];
    if (c == '(' || c == '[' || c == '{') {
        if (lx->level >= LEX_MAX_LEVEL) {
            lex_set_error(lx->err, t->line, t->col, "SyntaxError", 1, "too many nested parentheses");
            return 0;
        }
        lx->parenstack[lx->level] = (char)c;
        lx->parenline[lx->level] = t->line;
        lx->parencol[lx->level] = t->col;
        lx->level++;
    } else if (c == ')' || c == ']' || c == '}') {
        if (lx->level == 0) {
            lex_set_error(lx->err, t->line, t->col, "SyntaxError", 1, "unmatched '%c'", c);
            return 0;
        }
        lx->level--;
        int open = lx->parenstack[lx->level];
        if (!((open == '(' && c == ')') || (open == '[' && c == ']') || (open == '{' && c == '}'))) {
            if (lx->parenline[lx->level] != t->line)
                lex_set_error(lx->err, t->line, t->col, "SyntaxError", 1,
                              "closing parenthesis '%c' does not match opening parenthesis '%c' "
                              "on line %d", c, open, lx->parenline[lx->level]);
            else
                lex_set_error(lx->err, t->line, t->col, "SyntaxError", 1,
                              "closing parenthesis '%c' does not match opening parenthesis '%c'",
                              c, open);
            return 0;
        }
    }
    return 1;
}

/* ---- the main loop ---- */

/* Computes the indentation of a new logical line and queues INDENT/DEDENT
 * tokens. Returns 0 on an (non-eager) indentation error. Sets *blank for
 * blank and comment-only lines. */
static int lex_indentation(lexer *lx, int *blank) {
    int col = 0, altcol = 0, cont_col = 0;
    for (;;) {
        int c = lex_peek(lx, 0);
        if (c == ' ') { col++; altcol++; }
        else if (c == '\t') { col = (col / 8 + 1) * 8; altcol++; }
        else if (c == '\f') { col = altcol = 0; }
        else if (c == '\\' && lex_peek(lx, 1) != '\n') {
            lex_bump(lx);
            lex_set_error(lx->err, lx->line, lx->col, "SyntaxError", 0,
                          "unexpected character after line continuation character");
            return 0;
        } else if (c == '\\') {
            int bline = lx->line, bcol = lx->col + 1;
            cont_col = cont_col ? cont_col : col;
            lex_bump(lx);
            lex_bump(lx);
            if (lx->pos >= lx->end) {
                lex_set_error(lx->err, bline, bcol, "SyntaxError", 0, "unexpected EOF while parsing");
                return 0;
            }
            continue;
        } else break;
        lex_bump(lx);
    }
    lx->ind_chars = lx->col - 1;
    int c = lex_peek(lx, 0);
    *blank = (c == '#' || c == '\n');
    if (*blank || lx->level > 0) return 1;
    if (cont_col) col = altcol = cont_col;
    if (col == lx->indstack[lx->indent]) {
        if (altcol != lx->altstack[lx->indent]) goto tab_error;
    } else if (col > lx->indstack[lx->indent]) {
        if (lx->indent + 1 >= LEX_MAX_INDENT) {
            lex_set_error(lx->err, lx->line, 1, "IndentationError", 0, "too many levels of indentation");
            return 0;
        }
        if (altcol <= lx->altstack[lx->indent]) goto tab_error;
        lx->pendin++;
        lx->indent++;
        lx->indstack[lx->indent] = col;
        lx->altstack[lx->indent] = altcol;
    } else {
        while (lx->indent > 0 && col < lx->indstack[lx->indent]) {
            lx->pendin--;
            lx->indent--;
        }
        if (col != lx->indstack[lx->indent]) {
            lex_set_error(lx->err, lx->line, lex_line_length(lx, lx->pos) + 1, "IndentationError", 0,
                          "unindent does not match any outer indentation level");
            return 0;
        }
        if (altcol != lx->altstack[lx->indent]) goto tab_error;
    }
    return 1;
tab_error:
    lex_set_error(lx->err, lx->line, 1, "TabError", 0,
                  "inconsistent use of tabs and spaces in indentation");
    return 0;
}

/* Produces the next token into *t; returns 0 on error (lx->err set). */
static int lex_next(lexer *lx, lex_token *t) {
    int blank;
nextline:
    blank = 0;
    if (lx->atbol) {
        lx->atbol = 0;
        if (!lex_indentation(lx, &blank)) return 0;
    }
    if (lx->pendin != 0) {
        int at_eof = lx->pos >= lx->end;
        int line = at_eof ? lx->nl_line : lx->line;
        int col = at_eof ? lx->nl_col : lx->ind_chars;
        if (lx->pendin < 0) {
            lx->pendin++;
            lex_marker(lx, t, LEX_DEDENT, line, col);
        } else {
            lx->pendin--;
            lex_marker(lx, t, LEX_INDENT, line, col);
        }
        return 1;
    }
again:
    while (lex_peek(lx, 0) == ' ' || lex_peek(lx, 0) == '\t' || lex_peek(lx, 0) == '\f')
        lex_bump(lx);
    lex_begin(lx, t, LEX_NEWLINE);
    if (lex_peek(lx, 0) == '#') {
        while (lx->pos < lx->end && lex_peek(lx, 0) != '\n') lex_bump(lx);
    }
    if (lx->pos >= lx->end) {
        if (lx->in_field) {
            lex_marker(lx, t, LEX_ENDMARKER, lx->line, lx->col);
            return 1;
        }
        if (lx->level > 0) {
            lex_set_error(lx->err, lx->parenline[lx->level - 1], lx->parencol[lx->level - 1],
                          "SyntaxError", 0, "'%c' was never closed", lx->parenstack[lx->level - 1]);
            lx->err->unclosed = 1;
            return 0;
        }
        lex_marker(lx, t, LEX_ENDMARKER, lx->nl_line, lx->nl_col);
        return 1;
    }
    int c = lex_peek(lx, 0);
    if (c == '\n') {
        int line = t->line, col = t->col;
        lex_bump(lx);
        if (lx->in_field) goto again;
        lx->atbol = 1;
        if (blank || lx->level > 0) goto nextline;
        lex_marker(lx, t, LEX_NEWLINE, line, col);
        t->end_col = col + 1;
        lx->nl_line = line;
        lx->nl_col = col;
        return 1;
    }
    if (lex_is_id_start_byte(c)) return lex_name(lx, t);
    if (lex_is_digit(c) || (c == '.' && lex_is_digit(lex_peek(lx, 1)))) return lex_number(lx, t);
    if (c == '"' || c == '\'') return lex_string(lx, t, 0);
    if (c == '\\') {
        if (lex_peek(lx, 1) != '\n') {
            lex_bump(lx);
            lex_set_error(lx->err, lx->line, lx->col, "SyntaxError", 0,
                          "unexpected character after line continuation character");
            return 0;
        }
        lex_bump(lx);
        int col = lx->col;
        lex_bump(lx);
        if (lx->pos >= lx->end && !lx->in_field) {
            lex_set_error(lx->err, lx->line - 1, col, "SyntaxError", 0, "unexpected EOF while parsing");
            return 0;
        }
        goto again;
    }
    lex_kind kind;
    int n = lex_operator(lx->text + lx->pos, lx->end - lx->pos, &kind);
    if (n > 0) {
        t->kind = kind;
        for (int i = 0; i < n; i++) lex_bump(lx);
        if (!lex_bracket(lx, t)) return 0;
        lex_finish(lx, t);
        return 1;
    }
    if (c < 0x20 || c == 0x7F) return lex_bad_char(lx, t->line, t->col, (uint32_t)c);
    /* '$', '?', '`', '!', '<>': a token the parser rejects with "invalid syntax" */
    t->kind = LEX_ERRORTOKEN;
    if (c == '<') lex_bump(lx);
    lex_bump(lx);
    lex_finish(lx, t);
    return 1;
}

lex_token *lex_tokenize(const char *text, size_t start, size_t end, int line, int col,
                        int in_field, int *ntok, lex_error *err) {
    lexer *lx = xcalloc(1, sizeof *lx);
    int n = 0;
    /* a field has at most one token per byte (plus ENDMARKER); else guess */
    size_t guess = in_field ? end - start + 2 : (end - start) / 4 + 16;
    int cap = guess > 4096 ? 4096 : (int)guess;
    lex_token *toks = xreallocarray(NULL, (size_t)cap, sizeof *toks);
    lx->text = text;
    lx->pos = start;
    lx->end = end;
    lx->line = line;
    lx->col = col;
    lx->in_field = in_field;
    lx->base_level = in_field ? 1 : 0;
    lx->atbol = !in_field;
    lx->nl_line = line;
    lx->nl_col = col;
    lx->err = err;
    memset(err, 0, sizeof *err);
    for (;;) {
        lex_token t;
        if (n == cap) {
            cap *= 2;
            toks = xreallocarray(toks, (size_t)cap, sizeof *toks);
        }
        if (!lex_next(lx, &t)) {
            lex_marker(lx, &t, LEX_ERROR, err->line, err->col);
            toks[n++] = t;
            break;
        }
        toks[n++] = t;
        if (t.kind == LEX_ENDMARKER) break;
    }
    free(lx);
    *ntok = n;
    return xreallocarray(toks, (size_t)n, sizeof *toks);
}

/* ---- escapes ---- */

static int lex_escape_error(const char *text, size_t body, size_t at, int line, int col,
                            lex_error *err, const char *fmt, ...)
    __attribute__((format(printf, 7, 8)));

static int lex_escape_error(const char *text, size_t body, size_t at, int line, int col,
                            lex_error *err, const char *fmt, ...) {
    va_list ap;
    lex_advance_pos(text, body, at, &line, &col);
    err->line = line;
    err->col = col;
    err->kind = "SyntaxError";
    err->eager = 0;
    err->unclosed = 0;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
    return 0;
}

int lex_unescape(const char *text, size_t start, size_t end, int line, int col, int raw,
                 strbuf *out, lex_error *err) {
    size_t i = start;
    if (raw) {
        sb_append(out, text + start, end - start);
        return 1;
    }
    while (i < end) {
        size_t run = i;
        while (i < end && text[i] != '\\') i++;
        sb_append(out, text + run, i - run);
        if (i >= end) break;
        size_t bs = i;
        if (i + 1 >= end) { /* a lone backslash at the end of an f-string piece */
            sb_putc(out, '\\');
            break;
        }
        int c = (unsigned char)text[i + 1];
        i += 2;
        switch (c) {
        case '\n': break;
        case '\\': sb_putc(out, '\\'); break;
        case '\'': sb_putc(out, '\''); break;
        case '"': sb_putc(out, '"'); break;
        case 'a': sb_putc(out, '\a'); break;
        case 'b': sb_putc(out, '\b'); break;
        case 'f': sb_putc(out, '\f'); break;
        case 'n': sb_putc(out, '\n'); break;
        case 'r': sb_putc(out, '\r'); break;
        case 't': sb_putc(out, '\t'); break;
        case 'v': sb_putc(out, '\v'); break;
        case '0': case '1': case '2': case '3': case '4': case '5': case '6': case '7': {
            uint32_t v = (uint32_t)(c - '0');
            for (int k = 0; k < 2 && i < end && text[i] >= '0' && text[i] <= '7'; k++, i++)
                v = v * 8 + (uint32_t)(text[i] - '0');
            lex_utf8_encode(out, v);
            break;
        }
        case 'x': case 'u': case 'U': {
            int want = c == 'x' ? 2 : c == 'u' ? 4 : 8;
            uint32_t v = 0;
            int got = 0;
            while (got < want && i < end && lex_is_xdigit((unsigned char)text[i])) {
                v = v * 16 + (uint32_t)lex_hexval((unsigned char)text[i]);
                i++;
                got++;
            }
            if (got < want) {
                const char *what = c == 'x' ? "\\xXX" : c == 'u' ? "\\uXXXX" : "\\UXXXXXXXX";
                return lex_escape_error(text, start, bs, line, col, err,
                                        "(unicode error) 'unicodeescape' codec can't decode bytes "
                                        "in position %zu-%zu: truncated %s escape",
                                        bs - start, bs - start + 1 + (size_t)got, what);
            }
            if (v > 0x10FFFF)
                return lex_escape_error(text, start, bs, line, col, err,
                                        "(unicode error) 'unicodeescape' codec can't decode bytes "
                                        "in position %zu-%zu: illegal Unicode character",
                                        bs - start, bs - start + 9);
            if (v >= 0xD800 && v <= 0xDFFF)
                return lex_escape_error(text, start, bs, line, col, err,
                                        "surrogate code points are not supported by concviz");
            lex_utf8_encode(out, v);
            break;
        }
        case 'N':
            return lex_escape_error(text, start, bs, line, col, err,
                                    "\\N{...} escapes are not supported by concviz");
        default:
            /* unknown escapes stay as written (CPython warns) */
            sb_putc(out, '\\');
            i--;
            break;
        }
    }
    return 1;
}

/* ---- identifier tables ----
 * Generated with CPython 3.11 (Unicode 14.0):
 *   continue: ('a' + chr(c)).isidentifier()
 *   not_start: continue and not chr(c).isidentifier()
 * for every code point c >= 0x80. */

/* XID_Continue, non-ASCII */
static const uint32_t lex_xid_continue[][2] = {
    {0xAA, 0xAA}, {0xB5, 0xB5}, {0xB7, 0xB7}, {0xBA, 0xBA}, {0xC0, 0xD6}, {0xD8, 0xF6},
    {0xF8, 0x2C1}, {0x2C6, 0x2D1}, {0x2E0, 0x2E4}, {0x2EC, 0x2EC}, {0x2EE, 0x2EE},
    {0x300, 0x374}, {0x376, 0x377}, {0x37B, 0x37D}, {0x37F, 0x37F}, {0x386, 0x38A},
    {0x38C, 0x38C}, {0x38E, 0x3A1}, {0x3A3, 0x3F5}, {0x3F7, 0x481}, {0x483, 0x487},
    {0x48A, 0x52F}, {0x531, 0x556}, {0x559, 0x559}, {0x560, 0x588}, {0x591, 0x5BD},
    {0x5BF, 0x5BF}, {0x5C1, 0x5C2}, {0x5C4, 0x5C5}, {0x5C7, 0x5C7}, {0x5D0, 0x5EA},
    {0x5EF, 0x5F2}, {0x610, 0x61A}, {0x620, 0x669}, {0x66E, 0x6D3}, {0x6D5, 0x6DC},
    {0x6DF, 0x6E8}, {0x6EA, 0x6FC}, {0x6FF, 0x6FF}, {0x710, 0x74A}, {0x74D, 0x7B1},
    {0x7C0, 0x7F5}, {0x7FA, 0x7FA}, {0x7FD, 0x7FD}, {0x800, 0x82D}, {0x840, 0x85B},
    {0x860, 0x86A}, {0x870, 0x887}, {0x889, 0x88E}, {0x898, 0x8E1}, {0x8E3, 0x963},
    {0x966, 0x96F}, {0x971, 0x983}, {0x985, 0x98C}, {0x98F, 0x990}, {0x993, 0x9A8},
    {0x9AA, 0x9B0}, {0x9B2, 0x9B2}, {0x9B6, 0x9B9}, {0x9BC, 0x9C4}, {0x9C7, 0x9C8},
    {0x9CB, 0x9CE}, {0x9D7, 0x9D7}, {0x9DC, 0x9DD}, {0x9DF, 0x9E3}, {0x9E6, 0x9F1},
    {0x9FC, 0x9FC}, {0x9FE, 0x9FE}, {0xA01, 0xA03}, {0xA05, 0xA0A}, {0xA0F, 0xA10},
    {0xA13, 0xA28}, {0xA2A, 0xA30}, {0xA32, 0xA33}, {0xA35, 0xA36}, {0xA38, 0xA39},
    {0xA3C, 0xA3C}, {0xA3E, 0xA42}, {0xA47, 0xA48}, {0xA4B, 0xA4D}, {0xA51, 0xA51},
    {0xA59, 0xA5C}, {0xA5E, 0xA5E}, {0xA66, 0xA75}, {0xA81, 0xA83}, {0xA85, 0xA8D},
    {0xA8F, 0xA91}, {0xA93, 0xAA8}, {0xAAA, 0xAB0}, {0xAB2, 0xAB3}, {0xAB5, 0xAB9},
    {0xABC, 0xAC5}, {0xAC7, 0xAC9}, {0xACB, 0xACD}, {0xAD0, 0xAD0}, {0xAE0, 0xAE3},
    {0xAE6, 0xAEF}, {0xAF9, 0xAFF}, {0xB01, 0xB03}, {0xB05, 0xB0C}, {0xB0F, 0xB10},
    {0xB13, 0xB28}, {0xB2A, 0xB30}, {0xB32, 0xB33}, {0xB35, 0xB39}, {0xB3C, 0xB44},
    {0xB47, 0xB48}, {0xB4B, 0xB4D}, {0xB55, 0xB57}, {0xB5C, 0xB5D}, {0xB5F, 0xB63},
    {0xB66, 0xB6F}, {0xB71, 0xB71}, {0xB82, 0xB83}, {0xB85, 0xB8A}, {0xB8E, 0xB90},
    {0xB92, 0xB95}, {0xB99, 0xB9A}, {0xB9C, 0xB9C}, {0xB9E, 0xB9F}, {0xBA3, 0xBA4},
    {0xBA8, 0xBAA}, {0xBAE, 0xBB9}, {0xBBE, 0xBC2}, {0xBC6, 0xBC8}, {0xBCA, 0xBCD},
    {0xBD0, 0xBD0}, {0xBD7, 0xBD7}, {0xBE6, 0xBEF}, {0xC00, 0xC0C}, {0xC0E, 0xC10},
    {0xC12, 0xC28}, {0xC2A, 0xC39}, {0xC3C, 0xC44}, {0xC46, 0xC48}, {0xC4A, 0xC4D},
    {0xC55, 0xC56}, {0xC58, 0xC5A}, {0xC5D, 0xC5D}, {0xC60, 0xC63}, {0xC66, 0xC6F},
    {0xC80, 0xC83}, {0xC85, 0xC8C}, {0xC8E, 0xC90}, {0xC92, 0xCA8}, {0xCAA, 0xCB3},
    {0xCB5, 0xCB9}, {0xCBC, 0xCC4}, {0xCC6, 0xCC8}, {0xCCA, 0xCCD}, {0xCD5, 0xCD6},
    {0xCDD, 0xCDE}, {0xCE0, 0xCE3}, {0xCE6, 0xCEF}, {0xCF1, 0xCF2}, {0xD00, 0xD0C},
    {0xD0E, 0xD10}, {0xD12, 0xD44}, {0xD46, 0xD48}, {0xD4A, 0xD4E}, {0xD54, 0xD57},
    {0xD5F, 0xD63}, {0xD66, 0xD6F}, {0xD7A, 0xD7F}, {0xD81, 0xD83}, {0xD85, 0xD96},
    {0xD9A, 0xDB1}, {0xDB3, 0xDBB}, {0xDBD, 0xDBD}, {0xDC0, 0xDC6}, {0xDCA, 0xDCA},
    {0xDCF, 0xDD4}, {0xDD6, 0xDD6}, {0xDD8, 0xDDF}, {0xDE6, 0xDEF}, {0xDF2, 0xDF3},
    {0xE01, 0xE3A}, {0xE40, 0xE4E}, {0xE50, 0xE59}, {0xE81, 0xE82}, {0xE84, 0xE84},
    {0xE86, 0xE8A}, {0xE8C, 0xEA3}, {0xEA5, 0xEA5}, {0xEA7, 0xEBD}, {0xEC0, 0xEC4},
    {0xEC6, 0xEC6}, {0xEC8, 0xECD}, {0xED0, 0xED9}, {0xEDC, 0xEDF}, {0xF00, 0xF00},
    {0xF18, 0xF19}, {0xF20, 0xF29}, {0xF35, 0xF35}, {0xF37, 0xF37}, {0xF39, 0xF39},
    {0xF3E, 0xF47}, {0xF49, 0xF6C}, {0xF71, 0xF84}, {0xF86, 0xF97}, {0xF99, 0xFBC},
    {0xFC6, 0xFC6}, {0x1000, 0x1049}, {0x1050, 0x109D}, {0x10A0, 0x10C5}, {0x10C7, 0x10C7},
    {0x10CD, 0x10CD}, {0x10D0, 0x10FA}, {0x10FC, 0x1248}, {0x124A, 0x124D},
    {0x1250, 0x1256}, {0x1258, 0x1258}, {0x125A, 0x125D}, {0x1260, 0x1288},
    {0x128A, 0x128D}, {0x1290, 0x12B0}, {0x12B2, 0x12B5}, {0x12B8, 0x12BE},
    {0x12C0, 0x12C0}, {0x12C2, 0x12C5}, {0x12C8, 0x12D6}, {0x12D8, 0x1310},
    {0x1312, 0x1315}, {0x1318, 0x135A}, {0x135D, 0x135F}, {0x1369, 0x1371},
    {0x1380, 0x138F}, {0x13A0, 0x13F5}, {0x13F8, 0x13FD}, {0x1401, 0x166C},
    {0x166F, 0x167F}, {0x1681, 0x169A}, {0x16A0, 0x16EA}, {0x16EE, 0x16F8},
    {0x1700, 0x1715}, {0x171F, 0x1734}, {0x1740, 0x1753}, {0x1760, 0x176C},
    {0x176E, 0x1770}, {0x1772, 0x1773}, {0x1780, 0x17D3}, {0x17D7, 0x17D7},
    {0x17DC, 0x17DD}, {0x17E0, 0x17E9}, {0x180B, 0x180D}, {0x180F, 0x1819},
    {0x1820, 0x1878}, {0x1880, 0x18AA}, {0x18B0, 0x18F5}, {0x1900, 0x191E},
    {0x1920, 0x192B}, {0x1930, 0x193B}, {0x1946, 0x196D}, {0x1970, 0x1974},
    {0x1980, 0x19AB}, {0x19B0, 0x19C9}, {0x19D0, 0x19DA}, {0x1A00, 0x1A1B},
    {0x1A20, 0x1A5E}, {0x1A60, 0x1A7C}, {0x1A7F, 0x1A89}, {0x1A90, 0x1A99},
    {0x1AA7, 0x1AA7}, {0x1AB0, 0x1ABD}, {0x1ABF, 0x1ACE}, {0x1B00, 0x1B4C},
    {0x1B50, 0x1B59}, {0x1B6B, 0x1B73}, {0x1B80, 0x1BF3}, {0x1C00, 0x1C37},
    {0x1C40, 0x1C49}, {0x1C4D, 0x1C7D}, {0x1C80, 0x1C88}, {0x1C90, 0x1CBA},
    {0x1CBD, 0x1CBF}, {0x1CD0, 0x1CD2}, {0x1CD4, 0x1CFA}, {0x1D00, 0x1F15},
    {0x1F18, 0x1F1D}, {0x1F20, 0x1F45}, {0x1F48, 0x1F4D}, {0x1F50, 0x1F57},
    {0x1F59, 0x1F59}, {0x1F5B, 0x1F5B}, {0x1F5D, 0x1F5D}, {0x1F5F, 0x1F7D},
    {0x1F80, 0x1FB4}, {0x1FB6, 0x1FBC}, {0x1FBE, 0x1FBE}, {0x1FC2, 0x1FC4},
    {0x1FC6, 0x1FCC}, {0x1FD0, 0x1FD3}, {0x1FD6, 0x1FDB}, {0x1FE0, 0x1FEC},
    {0x1FF2, 0x1FF4}, {0x1FF6, 0x1FFC}, {0x203F, 0x2040}, {0x2054, 0x2054},
    {0x2071, 0x2071}, {0x207F, 0x207F}, {0x2090, 0x209C}, {0x20D0, 0x20DC},
    {0x20E1, 0x20E1}, {0x20E5, 0x20F0}, {0x2102, 0x2102}, {0x2107, 0x2107},
    {0x210A, 0x2113}, {0x2115, 0x2115}, {0x2118, 0x211D}, {0x2124, 0x2124},
    {0x2126, 0x2126}, {0x2128, 0x2128}, {0x212A, 0x2139}, {0x213C, 0x213F},
    {0x2145, 0x2149}, {0x214E, 0x214E}, {0x2160, 0x2188}, {0x2C00, 0x2CE4},
    {0x2CEB, 0x2CF3}, {0x2D00, 0x2D25}, {0x2D27, 0x2D27}, {0x2D2D, 0x2D2D},
    {0x2D30, 0x2D67}, {0x2D6F, 0x2D6F}, {0x2D7F, 0x2D96}, {0x2DA0, 0x2DA6},
    {0x2DA8, 0x2DAE}, {0x2DB0, 0x2DB6}, {0x2DB8, 0x2DBE}, {0x2DC0, 0x2DC6},
    {0x2DC8, 0x2DCE}, {0x2DD0, 0x2DD6}, {0x2DD8, 0x2DDE}, {0x2DE0, 0x2DFF},
    {0x3005, 0x3007}, {0x3021, 0x302F}, {0x3031, 0x3035}, {0x3038, 0x303C},
    {0x3041, 0x3096}, {0x3099, 0x309A}, {0x309D, 0x309F}, {0x30A1, 0x30FA},
    {0x30FC, 0x30FF}, {0x3105, 0x312F}, {0x3131, 0x318E}, {0x31A0, 0x31BF},
    {0x31F0, 0x31FF}, {0x3400, 0x4DBF}, {0x4E00, 0xA48C}, {0xA4D0, 0xA4FD},
    {0xA500, 0xA60C}, {0xA610, 0xA62B}, {0xA640, 0xA66F}, {0xA674, 0xA67D},
    {0xA67F, 0xA6F1}, {0xA717, 0xA71F}, {0xA722, 0xA788}, {0xA78B, 0xA7CA},
    {0xA7D0, 0xA7D1}, {0xA7D3, 0xA7D3}, {0xA7D5, 0xA7D9}, {0xA7F2, 0xA827},
    {0xA82C, 0xA82C}, {0xA840, 0xA873}, {0xA880, 0xA8C5}, {0xA8D0, 0xA8D9},
    {0xA8E0, 0xA8F7}, {0xA8FB, 0xA8FB}, {0xA8FD, 0xA92D}, {0xA930, 0xA953},
    {0xA960, 0xA97C}, {0xA980, 0xA9C0}, {0xA9CF, 0xA9D9}, {0xA9E0, 0xA9FE},
    {0xAA00, 0xAA36}, {0xAA40, 0xAA4D}, {0xAA50, 0xAA59}, {0xAA60, 0xAA76},
    {0xAA7A, 0xAAC2}, {0xAADB, 0xAADD}, {0xAAE0, 0xAAEF}, {0xAAF2, 0xAAF6},
    {0xAB01, 0xAB06}, {0xAB09, 0xAB0E}, {0xAB11, 0xAB16}, {0xAB20, 0xAB26},
    {0xAB28, 0xAB2E}, {0xAB30, 0xAB5A}, {0xAB5C, 0xAB69}, {0xAB70, 0xABEA},
    {0xABEC, 0xABED}, {0xABF0, 0xABF9}, {0xAC00, 0xD7A3}, {0xD7B0, 0xD7C6},
    {0xD7CB, 0xD7FB}, {0xF900, 0xFA6D}, {0xFA70, 0xFAD9}, {0xFB00, 0xFB06},
    {0xFB13, 0xFB17}, {0xFB1D, 0xFB28}, {0xFB2A, 0xFB36}, {0xFB38, 0xFB3C},
    {0xFB3E, 0xFB3E}, {0xFB40, 0xFB41}, {0xFB43, 0xFB44}, {0xFB46, 0xFBB1},
    {0xFBD3, 0xFC5D}, {0xFC64, 0xFD3D}, {0xFD50, 0xFD8F}, {0xFD92, 0xFDC7},
    {0xFDF0, 0xFDF9}, {0xFE00, 0xFE0F}, {0xFE20, 0xFE2F}, {0xFE33, 0xFE34},
    {0xFE4D, 0xFE4F}, {0xFE71, 0xFE71}, {0xFE73, 0xFE73}, {0xFE77, 0xFE77},
    {0xFE79, 0xFE79}, {0xFE7B, 0xFE7B}, {0xFE7D, 0xFE7D}, {0xFE7F, 0xFEFC},
    {0xFF10, 0xFF19}, {0xFF21, 0xFF3A}, {0xFF3F, 0xFF3F}, {0xFF41, 0xFF5A},
    {0xFF66, 0xFFBE}, {0xFFC2, 0xFFC7}, {0xFFCA, 0xFFCF}, {0xFFD2, 0xFFD7},
    {0xFFDA, 0xFFDC}, {0x10000, 0x1000B}, {0x1000D, 0x10026}, {0x10028, 0x1003A},
    {0x1003C, 0x1003D}, {0x1003F, 0x1004D}, {0x10050, 0x1005D}, {0x10080, 0x100FA},
    {0x10140, 0x10174}, {0x101FD, 0x101FD}, {0x10280, 0x1029C}, {0x102A0, 0x102D0},
    {0x102E0, 0x102E0}, {0x10300, 0x1031F}, {0x1032D, 0x1034A}, {0x10350, 0x1037A},
    {0x10380, 0x1039D}, {0x103A0, 0x103C3}, {0x103C8, 0x103CF}, {0x103D1, 0x103D5},
    {0x10400, 0x1049D}, {0x104A0, 0x104A9}, {0x104B0, 0x104D3}, {0x104D8, 0x104FB},
    {0x10500, 0x10527}, {0x10530, 0x10563}, {0x10570, 0x1057A}, {0x1057C, 0x1058A},
    {0x1058C, 0x10592}, {0x10594, 0x10595}, {0x10597, 0x105A1}, {0x105A3, 0x105B1},
    {0x105B3, 0x105B9}, {0x105BB, 0x105BC}, {0x10600, 0x10736}, {0x10740, 0x10755},
    {0x10760, 0x10767}, {0x10780, 0x10785}, {0x10787, 0x107B0}, {0x107B2, 0x107BA},
    {0x10800, 0x10805}, {0x10808, 0x10808}, {0x1080A, 0x10835}, {0x10837, 0x10838},
    {0x1083C, 0x1083C}, {0x1083F, 0x10855}, {0x10860, 0x10876}, {0x10880, 0x1089E},
    {0x108E0, 0x108F2}, {0x108F4, 0x108F5}, {0x10900, 0x10915}, {0x10920, 0x10939},
    {0x10980, 0x109B7}, {0x109BE, 0x109BF}, {0x10A00, 0x10A03}, {0x10A05, 0x10A06},
    {0x10A0C, 0x10A13}, {0x10A15, 0x10A17}, {0x10A19, 0x10A35}, {0x10A38, 0x10A3A},
    {0x10A3F, 0x10A3F}, {0x10A60, 0x10A7C}, {0x10A80, 0x10A9C}, {0x10AC0, 0x10AC7},
    {0x10AC9, 0x10AE6}, {0x10B00, 0x10B35}, {0x10B40, 0x10B55}, {0x10B60, 0x10B72},
    {0x10B80, 0x10B91}, {0x10C00, 0x10C48}, {0x10C80, 0x10CB2}, {0x10CC0, 0x10CF2},
    {0x10D00, 0x10D27}, {0x10D30, 0x10D39}, {0x10E80, 0x10EA9}, {0x10EAB, 0x10EAC},
    {0x10EB0, 0x10EB1}, {0x10F00, 0x10F1C}, {0x10F27, 0x10F27}, {0x10F30, 0x10F50},
    {0x10F70, 0x10F85}, {0x10FB0, 0x10FC4}, {0x10FE0, 0x10FF6}, {0x11000, 0x11046},
    {0x11066, 0x11075}, {0x1107F, 0x110BA}, {0x110C2, 0x110C2}, {0x110D0, 0x110E8},
    {0x110F0, 0x110F9}, {0x11100, 0x11134}, {0x11136, 0x1113F}, {0x11144, 0x11147},
    {0x11150, 0x11173}, {0x11176, 0x11176}, {0x11180, 0x111C4}, {0x111C9, 0x111CC},
    {0x111CE, 0x111DA}, {0x111DC, 0x111DC}, {0x11200, 0x11211}, {0x11213, 0x11237},
    {0x1123E, 0x1123E}, {0x11280, 0x11286}, {0x11288, 0x11288}, {0x1128A, 0x1128D},
    {0x1128F, 0x1129D}, {0x1129F, 0x112A8}, {0x112B0, 0x112EA}, {0x112F0, 0x112F9},
    {0x11300, 0x11303}, {0x11305, 0x1130C}, {0x1130F, 0x11310}, {0x11313, 0x11328},
    {0x1132A, 0x11330}, {0x11332, 0x11333}, {0x11335, 0x11339}, {0x1133B, 0x11344},
    {0x11347, 0x11348}, {0x1134B, 0x1134D}, {0x11350, 0x11350}, {0x11357, 0x11357},
    {0x1135D, 0x11363}, {0x11366, 0x1136C}, {0x11370, 0x11374}, {0x11400, 0x1144A},
    {0x11450, 0x11459}, {0x1145E, 0x11461}, {0x11480, 0x114C5}, {0x114C7, 0x114C7},
    {0x114D0, 0x114D9}, {0x11580, 0x115B5}, {0x115B8, 0x115C0}, {0x115D8, 0x115DD},
    {0x11600, 0x11640}, {0x11644, 0x11644}, {0x11650, 0x11659}, {0x11680, 0x116B8},
    {0x116C0, 0x116C9}, {0x11700, 0x1171A}, {0x1171D, 0x1172B}, {0x11730, 0x11739},
    {0x11740, 0x11746}, {0x11800, 0x1183A}, {0x118A0, 0x118E9}, {0x118FF, 0x11906},
    {0x11909, 0x11909}, {0x1190C, 0x11913}, {0x11915, 0x11916}, {0x11918, 0x11935},
    {0x11937, 0x11938}, {0x1193B, 0x11943}, {0x11950, 0x11959}, {0x119A0, 0x119A7},
    {0x119AA, 0x119D7}, {0x119DA, 0x119E1}, {0x119E3, 0x119E4}, {0x11A00, 0x11A3E},
    {0x11A47, 0x11A47}, {0x11A50, 0x11A99}, {0x11A9D, 0x11A9D}, {0x11AB0, 0x11AF8},
    {0x11C00, 0x11C08}, {0x11C0A, 0x11C36}, {0x11C38, 0x11C40}, {0x11C50, 0x11C59},
    {0x11C72, 0x11C8F}, {0x11C92, 0x11CA7}, {0x11CA9, 0x11CB6}, {0x11D00, 0x11D06},
    {0x11D08, 0x11D09}, {0x11D0B, 0x11D36}, {0x11D3A, 0x11D3A}, {0x11D3C, 0x11D3D},
    {0x11D3F, 0x11D47}, {0x11D50, 0x11D59}, {0x11D60, 0x11D65}, {0x11D67, 0x11D68},
    {0x11D6A, 0x11D8E}, {0x11D90, 0x11D91}, {0x11D93, 0x11D98}, {0x11DA0, 0x11DA9},
    {0x11EE0, 0x11EF6}, {0x11FB0, 0x11FB0}, {0x12000, 0x12399}, {0x12400, 0x1246E},
    {0x12480, 0x12543}, {0x12F90, 0x12FF0}, {0x13000, 0x1342E}, {0x14400, 0x14646},
    {0x16800, 0x16A38}, {0x16A40, 0x16A5E}, {0x16A60, 0x16A69}, {0x16A70, 0x16ABE},
    {0x16AC0, 0x16AC9}, {0x16AD0, 0x16AED}, {0x16AF0, 0x16AF4}, {0x16B00, 0x16B36},
    {0x16B40, 0x16B43}, {0x16B50, 0x16B59}, {0x16B63, 0x16B77}, {0x16B7D, 0x16B8F},
    {0x16E40, 0x16E7F}, {0x16F00, 0x16F4A}, {0x16F4F, 0x16F87}, {0x16F8F, 0x16F9F},
    {0x16FE0, 0x16FE1}, {0x16FE3, 0x16FE4}, {0x16FF0, 0x16FF1}, {0x17000, 0x187F7},
    {0x18800, 0x18CD5}, {0x18D00, 0x18D08}, {0x1AFF0, 0x1AFF3}, {0x1AFF5, 0x1AFFB},
    {0x1AFFD, 0x1AFFE}, {0x1B000, 0x1B122}, {0x1B150, 0x1B152}, {0x1B164, 0x1B167},
    {0x1B170, 0x1B2FB}, {0x1BC00, 0x1BC6A}, {0x1BC70, 0x1BC7C}, {0x1BC80, 0x1BC88},
    {0x1BC90, 0x1BC99}, {0x1BC9D, 0x1BC9E}, {0x1CF00, 0x1CF2D}, {0x1CF30, 0x1CF46},
    {0x1D165, 0x1D169}, {0x1D16D, 0x1D172}, {0x1D17B, 0x1D182}, {0x1D185, 0x1D18B},
    {0x1D1AA, 0x1D1AD}, {0x1D242, 0x1D244}, {0x1D400, 0x1D454}, {0x1D456, 0x1D49C},
    {0x1D49E, 0x1D49F}, {0x1D4A2, 0x1D4A2}, {0x1D4A5, 0x1D4A6}, {0x1D4A9, 0x1D4AC},
    {0x1D4AE, 0x1D4B9}, {0x1D4BB, 0x1D4BB}, {0x1D4BD, 0x1D4C3}, {0x1D4C5, 0x1D505},
    {0x1D507, 0x1D50A}, {0x1D50D, 0x1D514}, {0x1D516, 0x1D51C}, {0x1D51E, 0x1D539},
    {0x1D53B, 0x1D53E}, {0x1D540, 0x1D544}, {0x1D546, 0x1D546}, {0x1D54A, 0x1D550},
    {0x1D552, 0x1D6A5}, {0x1D6A8, 0x1D6C0}, {0x1D6C2, 0x1D6DA}, {0x1D6DC, 0x1D6FA},
    {0x1D6FC, 0x1D714}, {0x1D716, 0x1D734}, {0x1D736, 0x1D74E}, {0x1D750, 0x1D76E},
    {0x1D770, 0x1D788}, {0x1D78A, 0x1D7A8}, {0x1D7AA, 0x1D7C2}, {0x1D7C4, 0x1D7CB},
    {0x1D7CE, 0x1D7FF}, {0x1DA00, 0x1DA36}, {0x1DA3B, 0x1DA6C}, {0x1DA75, 0x1DA75},
    {0x1DA84, 0x1DA84}, {0x1DA9B, 0x1DA9F}, {0x1DAA1, 0x1DAAF}, {0x1DF00, 0x1DF1E},
    {0x1E000, 0x1E006}, {0x1E008, 0x1E018}, {0x1E01B, 0x1E021}, {0x1E023, 0x1E024},
    {0x1E026, 0x1E02A}, {0x1E100, 0x1E12C}, {0x1E130, 0x1E13D}, {0x1E140, 0x1E149},
    {0x1E14E, 0x1E14E}, {0x1E290, 0x1E2AE}, {0x1E2C0, 0x1E2F9}, {0x1E7E0, 0x1E7E6},
    {0x1E7E8, 0x1E7EB}, {0x1E7ED, 0x1E7EE}, {0x1E7F0, 0x1E7FE}, {0x1E800, 0x1E8C4},
    {0x1E8D0, 0x1E8D6}, {0x1E900, 0x1E94B}, {0x1E950, 0x1E959}, {0x1EE00, 0x1EE03},
    {0x1EE05, 0x1EE1F}, {0x1EE21, 0x1EE22}, {0x1EE24, 0x1EE24}, {0x1EE27, 0x1EE27},
    {0x1EE29, 0x1EE32}, {0x1EE34, 0x1EE37}, {0x1EE39, 0x1EE39}, {0x1EE3B, 0x1EE3B},
    {0x1EE42, 0x1EE42}, {0x1EE47, 0x1EE47}, {0x1EE49, 0x1EE49}, {0x1EE4B, 0x1EE4B},
    {0x1EE4D, 0x1EE4F}, {0x1EE51, 0x1EE52}, {0x1EE54, 0x1EE54}, {0x1EE57, 0x1EE57},
    {0x1EE59, 0x1EE59}, {0x1EE5B, 0x1EE5B}, {0x1EE5D, 0x1EE5D}, {0x1EE5F, 0x1EE5F},
    {0x1EE61, 0x1EE62}, {0x1EE64, 0x1EE64}, {0x1EE67, 0x1EE6A}, {0x1EE6C, 0x1EE72},
    {0x1EE74, 0x1EE77}, {0x1EE79, 0x1EE7C}, {0x1EE7E, 0x1EE7E}, {0x1EE80, 0x1EE89},
    {0x1EE8B, 0x1EE9B}, {0x1EEA1, 0x1EEA3}, {0x1EEA5, 0x1EEA9}, {0x1EEAB, 0x1EEBB},
    {0x1FBF0, 0x1FBF9}, {0x20000, 0x2A6DF}, {0x2A700, 0x2B738}, {0x2B740, 0x2B81D},
    {0x2B820, 0x2CEA1}, {0x2CEB0, 0x2EBE0}, {0x2F800, 0x2FA1D}, {0x30000, 0x3134A},
    {0xE0100, 0xE01EF},
};

/* XID_Continue but not XID_Start */
static const uint32_t lex_xid_not_start[][2] = {
    {0xB7, 0xB7}, {0x300, 0x36F}, {0x387, 0x387}, {0x483, 0x487}, {0x591, 0x5BD},
    {0x5BF, 0x5BF}, {0x5C1, 0x5C2}, {0x5C4, 0x5C5}, {0x5C7, 0x5C7}, {0x610, 0x61A},
    {0x64B, 0x669}, {0x670, 0x670}, {0x6D6, 0x6DC}, {0x6DF, 0x6E4}, {0x6E7, 0x6E8},
    {0x6EA, 0x6ED}, {0x6F0, 0x6F9}, {0x711, 0x711}, {0x730, 0x74A}, {0x7A6, 0x7B0},
    {0x7C0, 0x7C9}, {0x7EB, 0x7F3}, {0x7FD, 0x7FD}, {0x816, 0x819}, {0x81B, 0x823},
    {0x825, 0x827}, {0x829, 0x82D}, {0x859, 0x85B}, {0x898, 0x89F}, {0x8CA, 0x8E1},
    {0x8E3, 0x903}, {0x93A, 0x93C}, {0x93E, 0x94F}, {0x951, 0x957}, {0x962, 0x963},
    {0x966, 0x96F}, {0x981, 0x983}, {0x9BC, 0x9BC}, {0x9BE, 0x9C4}, {0x9C7, 0x9C8},
    {0x9CB, 0x9CD}, {0x9D7, 0x9D7}, {0x9E2, 0x9E3}, {0x9E6, 0x9EF}, {0x9FE, 0x9FE},
    {0xA01, 0xA03}, {0xA3C, 0xA3C}, {0xA3E, 0xA42}, {0xA47, 0xA48}, {0xA4B, 0xA4D},
    {0xA51, 0xA51}, {0xA66, 0xA71}, {0xA75, 0xA75}, {0xA81, 0xA83}, {0xABC, 0xABC},
    {0xABE, 0xAC5}, {0xAC7, 0xAC9}, {0xACB, 0xACD}, {0xAE2, 0xAE3}, {0xAE6, 0xAEF},
    {0xAFA, 0xAFF}, {0xB01, 0xB03}, {0xB3C, 0xB3C}, {0xB3E, 0xB44}, {0xB47, 0xB48},
    {0xB4B, 0xB4D}, {0xB55, 0xB57}, {0xB62, 0xB63}, {0xB66, 0xB6F}, {0xB82, 0xB82},
    {0xBBE, 0xBC2}, {0xBC6, 0xBC8}, {0xBCA, 0xBCD}, {0xBD7, 0xBD7}, {0xBE6, 0xBEF},
    {0xC00, 0xC04}, {0xC3C, 0xC3C}, {0xC3E, 0xC44}, {0xC46, 0xC48}, {0xC4A, 0xC4D},
    {0xC55, 0xC56}, {0xC62, 0xC63}, {0xC66, 0xC6F}, {0xC81, 0xC83}, {0xCBC, 0xCBC},
    {0xCBE, 0xCC4}, {0xCC6, 0xCC8}, {0xCCA, 0xCCD}, {0xCD5, 0xCD6}, {0xCE2, 0xCE3},
    {0xCE6, 0xCEF}, {0xD00, 0xD03}, {0xD3B, 0xD3C}, {0xD3E, 0xD44}, {0xD46, 0xD48},
    {0xD4A, 0xD4D}, {0xD57, 0xD57}, {0xD62, 0xD63}, {0xD66, 0xD6F}, {0xD81, 0xD83},
    {0xDCA, 0xDCA}, {0xDCF, 0xDD4}, {0xDD6, 0xDD6}, {0xDD8, 0xDDF}, {0xDE6, 0xDEF},
    {0xDF2, 0xDF3}, {0xE31, 0xE31}, {0xE33, 0xE3A}, {0xE47, 0xE4E}, {0xE50, 0xE59},
    {0xEB1, 0xEB1}, {0xEB3, 0xEBC}, {0xEC8, 0xECD}, {0xED0, 0xED9}, {0xF18, 0xF19},
    {0xF20, 0xF29}, {0xF35, 0xF35}, {0xF37, 0xF37}, {0xF39, 0xF39}, {0xF3E, 0xF3F},
    {0xF71, 0xF84}, {0xF86, 0xF87}, {0xF8D, 0xF97}, {0xF99, 0xFBC}, {0xFC6, 0xFC6},
    {0x102B, 0x103E}, {0x1040, 0x1049}, {0x1056, 0x1059}, {0x105E, 0x1060},
    {0x1062, 0x1064}, {0x1067, 0x106D}, {0x1071, 0x1074}, {0x1082, 0x108D},
    {0x108F, 0x109D}, {0x135D, 0x135F}, {0x1369, 0x1371}, {0x1712, 0x1715},
    {0x1732, 0x1734}, {0x1752, 0x1753}, {0x1772, 0x1773}, {0x17B4, 0x17D3},
    {0x17DD, 0x17DD}, {0x17E0, 0x17E9}, {0x180B, 0x180D}, {0x180F, 0x1819},
    {0x18A9, 0x18A9}, {0x1920, 0x192B}, {0x1930, 0x193B}, {0x1946, 0x194F},
    {0x19D0, 0x19DA}, {0x1A17, 0x1A1B}, {0x1A55, 0x1A5E}, {0x1A60, 0x1A7C},
    {0x1A7F, 0x1A89}, {0x1A90, 0x1A99}, {0x1AB0, 0x1ABD}, {0x1ABF, 0x1ACE},
    {0x1B00, 0x1B04}, {0x1B34, 0x1B44}, {0x1B50, 0x1B59}, {0x1B6B, 0x1B73},
    {0x1B80, 0x1B82}, {0x1BA1, 0x1BAD}, {0x1BB0, 0x1BB9}, {0x1BE6, 0x1BF3},
    {0x1C24, 0x1C37}, {0x1C40, 0x1C49}, {0x1C50, 0x1C59}, {0x1CD0, 0x1CD2},
    {0x1CD4, 0x1CE8}, {0x1CED, 0x1CED}, {0x1CF4, 0x1CF4}, {0x1CF7, 0x1CF9},
    {0x1DC0, 0x1DFF}, {0x203F, 0x2040}, {0x2054, 0x2054}, {0x20D0, 0x20DC},
    {0x20E1, 0x20E1}, {0x20E5, 0x20F0}, {0x2CEF, 0x2CF1}, {0x2D7F, 0x2D7F},
    {0x2DE0, 0x2DFF}, {0x302A, 0x302F}, {0x3099, 0x309A}, {0xA620, 0xA629},
    {0xA66F, 0xA66F}, {0xA674, 0xA67D}, {0xA69E, 0xA69F}, {0xA6F0, 0xA6F1},
    {0xA802, 0xA802}, {0xA806, 0xA806}, {0xA80B, 0xA80B}, {0xA823, 0xA827},
    {0xA82C, 0xA82C}, {0xA880, 0xA881}, {0xA8B4, 0xA8C5}, {0xA8D0, 0xA8D9},
    {0xA8E0, 0xA8F1}, {0xA8FF, 0xA909}, {0xA926, 0xA92D}, {0xA947, 0xA953},
    {0xA980, 0xA983}, {0xA9B3, 0xA9C0}, {0xA9D0, 0xA9D9}, {0xA9E5, 0xA9E5},
    {0xA9F0, 0xA9F9}, {0xAA29, 0xAA36}, {0xAA43, 0xAA43}, {0xAA4C, 0xAA4D},
    {0xAA50, 0xAA59}, {0xAA7B, 0xAA7D}, {0xAAB0, 0xAAB0}, {0xAAB2, 0xAAB4},
    {0xAAB7, 0xAAB8}, {0xAABE, 0xAABF}, {0xAAC1, 0xAAC1}, {0xAAEB, 0xAAEF},
    {0xAAF5, 0xAAF6}, {0xABE3, 0xABEA}, {0xABEC, 0xABED}, {0xABF0, 0xABF9},
    {0xFB1E, 0xFB1E}, {0xFE00, 0xFE0F}, {0xFE20, 0xFE2F}, {0xFE33, 0xFE34},
    {0xFE4D, 0xFE4F}, {0xFF10, 0xFF19}, {0xFF3F, 0xFF3F}, {0xFF9E, 0xFF9F},
    {0x101FD, 0x101FD}, {0x102E0, 0x102E0}, {0x10376, 0x1037A}, {0x104A0, 0x104A9},
    {0x10A01, 0x10A03}, {0x10A05, 0x10A06}, {0x10A0C, 0x10A0F}, {0x10A38, 0x10A3A},
    {0x10A3F, 0x10A3F}, {0x10AE5, 0x10AE6}, {0x10D24, 0x10D27}, {0x10D30, 0x10D39},
    {0x10EAB, 0x10EAC}, {0x10F46, 0x10F50}, {0x10F82, 0x10F85}, {0x11000, 0x11002},
    {0x11038, 0x11046}, {0x11066, 0x11070}, {0x11073, 0x11074}, {0x1107F, 0x11082},
    {0x110B0, 0x110BA}, {0x110C2, 0x110C2}, {0x110F0, 0x110F9}, {0x11100, 0x11102},
    {0x11127, 0x11134}, {0x11136, 0x1113F}, {0x11145, 0x11146}, {0x11173, 0x11173},
    {0x11180, 0x11182}, {0x111B3, 0x111C0}, {0x111C9, 0x111CC}, {0x111CE, 0x111D9},
    {0x1122C, 0x11237}, {0x1123E, 0x1123E}, {0x112DF, 0x112EA}, {0x112F0, 0x112F9},
    {0x11300, 0x11303}, {0x1133B, 0x1133C}, {0x1133E, 0x11344}, {0x11347, 0x11348},
    {0x1134B, 0x1134D}, {0x11357, 0x11357}, {0x11362, 0x11363}, {0x11366, 0x1136C},
    {0x11370, 0x11374}, {0x11435, 0x11446}, {0x11450, 0x11459}, {0x1145E, 0x1145E},
    {0x114B0, 0x114C3}, {0x114D0, 0x114D9}, {0x115AF, 0x115B5}, {0x115B8, 0x115C0},
    {0x115DC, 0x115DD}, {0x11630, 0x11640}, {0x11650, 0x11659}, {0x116AB, 0x116B7},
    {0x116C0, 0x116C9}, {0x1171D, 0x1172B}, {0x11730, 0x11739}, {0x1182C, 0x1183A},
    {0x118E0, 0x118E9}, {0x11930, 0x11935}, {0x11937, 0x11938}, {0x1193B, 0x1193E},
    {0x11940, 0x11940}, {0x11942, 0x11943}, {0x11950, 0x11959}, {0x119D1, 0x119D7},
    {0x119DA, 0x119E0}, {0x119E4, 0x119E4}, {0x11A01, 0x11A0A}, {0x11A33, 0x11A39},
    {0x11A3B, 0x11A3E}, {0x11A47, 0x11A47}, {0x11A51, 0x11A5B}, {0x11A8A, 0x11A99},
    {0x11C2F, 0x11C36}, {0x11C38, 0x11C3F}, {0x11C50, 0x11C59}, {0x11C92, 0x11CA7},
    {0x11CA9, 0x11CB6}, {0x11D31, 0x11D36}, {0x11D3A, 0x11D3A}, {0x11D3C, 0x11D3D},
    {0x11D3F, 0x11D45}, {0x11D47, 0x11D47}, {0x11D50, 0x11D59}, {0x11D8A, 0x11D8E},
    {0x11D90, 0x11D91}, {0x11D93, 0x11D97}, {0x11DA0, 0x11DA9}, {0x11EF3, 0x11EF6},
    {0x16A60, 0x16A69}, {0x16AC0, 0x16AC9}, {0x16AF0, 0x16AF4}, {0x16B30, 0x16B36},
    {0x16B50, 0x16B59}, {0x16F4F, 0x16F4F}, {0x16F51, 0x16F87}, {0x16F8F, 0x16F92},
    {0x16FE4, 0x16FE4}, {0x16FF0, 0x16FF1}, {0x1BC9D, 0x1BC9E}, {0x1CF00, 0x1CF2D},
    {0x1CF30, 0x1CF46}, {0x1D165, 0x1D169}, {0x1D16D, 0x1D172}, {0x1D17B, 0x1D182},
    {0x1D185, 0x1D18B}, {0x1D1AA, 0x1D1AD}, {0x1D242, 0x1D244}, {0x1D7CE, 0x1D7FF},
    {0x1DA00, 0x1DA36}, {0x1DA3B, 0x1DA6C}, {0x1DA75, 0x1DA75}, {0x1DA84, 0x1DA84},
    {0x1DA9B, 0x1DA9F}, {0x1DAA1, 0x1DAAF}, {0x1E000, 0x1E006}, {0x1E008, 0x1E018},
    {0x1E01B, 0x1E021}, {0x1E023, 0x1E024}, {0x1E026, 0x1E02A}, {0x1E130, 0x1E136},
    {0x1E140, 0x1E149}, {0x1E2AE, 0x1E2AE}, {0x1E2EC, 0x1E2F9}, {0x1E8D0, 0x1E8D6},
    {0x1E944, 0x1E94A}, {0x1E950, 0x1E959}, {0x1FBF0, 0x1FBF9}, {0xE0100, 0xE01EF},
};

static int lex_in_table(const uint32_t (*t)[2], size_t n, uint32_t cp) {
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (cp < t[mid][0]) hi = mid;
        else if (cp > t[mid][1]) lo = mid + 1;
        else return 1;
    }
    return 0;
}

/* Non-ASCII code points that may continue (XID_Continue) or start
 * (XID_Start) an identifier. */
static int lex_is_id_cp(uint32_t cp) {
    return lex_in_table(lex_xid_continue, sizeof lex_xid_continue / sizeof lex_xid_continue[0], cp);
}

static int lex_is_id_start_cp(uint32_t cp) {
    return lex_is_id_cp(cp) &&
           !lex_in_table(lex_xid_not_start, sizeof lex_xid_not_start / sizeof lex_xid_not_start[0], cp);
}
