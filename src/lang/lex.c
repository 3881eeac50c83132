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

/* Non-ASCII code points that may appear in an identifier: an approximation of
 * XID_Continue that rejects the punctuation and symbols people actually paste
 * (smart quotes, fullwidth and CJK punctuation, dashes, math, arrows, emoji). */
static int lex_is_id_cp(uint32_t cp) {
    static const uint32_t bad[][2] = {
        {0x80, 0xA9}, {0xAB, 0xB4}, {0xB6, 0xB6}, {0xB8, 0xB9}, {0xBB, 0xBF},
        {0xD7, 0xD7}, {0xF7, 0xF7}, {0x2C2, 0x2C5}, {0x2D2, 0x2DF}, {0x2E5, 0x2EB},
        {0x2ED, 0x2ED}, {0x2EF, 0x2FF}, {0x37E, 0x37E}, {0x55A, 0x55F}, {0x589, 0x58A},
        {0x5BE, 0x5BE}, {0x5C0, 0x5C0}, {0x5C3, 0x5C3}, {0x5C6, 0x5C6}, {0x5F3, 0x5F4},
        {0x600, 0x60F}, {0x61B, 0x61F}, {0x66A, 0x66D}, {0x6D4, 0x6D4}, {0x964, 0x965},
        {0x970, 0x970}, {0xE3F, 0xE3F}, {0xE4F, 0xE4F}, {0xE5A, 0xE5B},
        {0x2000, 0x203E}, {0x2041, 0x2053}, {0x2055, 0x206F}, {0x207A, 0x207E},
        {0x208A, 0x208E}, {0x20A0, 0x20CF}, {0x2190, 0x2BFF}, {0x2CF9, 0x2CFC},
        {0x2CFE, 0x2CFF}, {0x2E00, 0x2E7F}, {0x2FF0, 0x2FFF}, {0x3000, 0x3004},
        {0x3008, 0x3020}, {0x3030, 0x3030}, {0x303D, 0x303F}, {0x30A0, 0x30A0},
        {0x30FB, 0x30FB}, {0xA4FE, 0xA4FF}, {0xA60D, 0xA60F}, {0xA673, 0xA673},
        {0xA67E, 0xA67E}, {0xA6F2, 0xA6F7}, {0xA874, 0xA877}, {0xA8CE, 0xA8CF},
        {0xE000, 0xF8FF}, {0xFD3E, 0xFD3F}, {0xFE10, 0xFE19}, {0xFE30, 0xFE32},
        {0xFE35, 0xFE4C}, {0xFE50, 0xFE6F}, {0xFEFF, 0xFEFF}, {0xFF01, 0xFF0F},
        {0xFF1A, 0xFF20}, {0xFF3B, 0xFF3E}, {0xFF40, 0xFF40}, {0xFF5B, 0xFF65},
        {0xFFE0, 0xFFFF}, {0x1D100, 0x1D1FF}, {0x1F000, 0x1FBFF}, {0xE0000, 0x10FFFF},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (cp >= bad[i][0] && cp <= bad[i][1]) return 0;
    return 1;
}

/* Identifier characters that may not start one (digits, combining marks,
 * connector punctuation). */
static int lex_is_id_start_cp(uint32_t cp) {
    if (!lex_is_id_cp(cp)) return 0;
    if (cp == 0xB7 || (cp >= 0x300 && cp <= 0x36F) || (cp >= 0x660 && cp <= 0x669)) return 0;
    if ((cp >= 0x6F0 && cp <= 0x6F9) || (cp >= 0x966 && cp <= 0x96F)) return 0;
    if ((cp >= 0xFF10 && cp <= 0xFF19) || cp == 0xFF3F || cp == 0x203F || cp == 0x2040) return 0;
    if (cp == 0xFE33 || cp == 0xFE34 || (cp >= 0xFE4D && cp <= 0xFE4F)) return 0;
    return 1;
}

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
    for (size_t i = 0; i < sizeof lex_keywords / sizeof lex_keywords[0]; i++)
        if (strlen(lex_keywords[i].word) == n && memcmp(lex_keywords[i].word, s, n) == 0)
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
        else if (c == '\\' && lex_peek(lx, 1) == '\n') {
            cont_col = cont_col ? cont_col : col;
            lex_bump(lx);
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
    int n = 0, cap = 64;
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
    return toks;
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
