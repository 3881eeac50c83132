/* fmt.h - text formatting exactly as CPython 3.11 does it: repr() of str and
 * float, format() / str.format / f-strings with the format-spec
 * mini-language, and printf-style '%' formatting. Values are plain C types
 * (int64_t, double, UTF-8 text + byte length); output is appended to a
 * strbuf. Functions returning int give 0, or -1 with *err filled in
 * (err may be NULL); on error nothing is appended.
 *
 * Files: fmt.c (UTF-8, Unicode tables, repr, ints), fmt_float.c (float to
 * text), fmt_spec.c (format specs), fmt_percent.c ('%' formatting). */
#ifndef CONCVIZ_FMT_H
#define CONCVIZ_FMT_H

#include <locale.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "num.h"
#include "strbuf.h"

typedef num_error fmt_error;

/* ---- UTF-8 and Unicode (Unicode 14.0, as CPython 3.11) ------------------- */

/* Decodes the code point at s[*pos] and advances *pos past it. Accepts
 * generalized UTF-8 (encoded surrogates decode to U+D800..U+DFFF); a byte
 * that starts no valid sequence decodes as itself (U+0080..U+00FF). */
uint32_t fmt_utf8_next(const char *s, size_t len, size_t *pos);
/* Appends code point cp encoded as UTF-8. */
void fmt_utf8_put(strbuf *sb, uint32_t cp);
/* Number of code points in s (what len() of a str counts). */
size_t fmt_utf8_count(const char *s, size_t len);
/* Byte length of the first ncp code points of s (all of s if shorter). */
size_t fmt_utf8_prefix(const char *s, size_t len, size_t ncp);
/* str.isprintable() for one character. */
bool fmt_unicode_isprintable(uint32_t cp);
/* str.isspace() for one character. */
bool fmt_unicode_isspace(uint32_t cp);
/* The decimal digit value of a Unicode decimal digit (Nd), else -1. */
int fmt_unicode_decimal(uint32_t cp);

/* printf and strtod follow LC_NUMERIC; every conversion here brackets them
 * with these so a front end's setlocale() cannot turn '.' into ','.
 * fmt_c_locale_enter returns the locale to hand back to fmt_c_locale_leave. */
locale_t fmt_c_locale_enter(void);
void fmt_c_locale_leave(locale_t old);

/* ---- repr ---------------------------------------------------------------- */

/* repr(str): single quotes unless the text has ' and no "; escapes \\ \n \r
 * \t and the quote; other non-printables as \xNN, \uNNNN or \UNNNNNNNN;
 * printable non-ASCII ('héllo', '线程') kept as is. */
void fmt_str_repr(strbuf *sb, const char *s, size_t len);
/* ascii(str): repr() with every non-ASCII character escaped. */
void fmt_str_ascii(strbuf *sb, const char *s, size_t len);

/* ---- ints ---------------------------------------------------------------- */

/* str(v). */
void fmt_int(strbuf *sb, int64_t v);
/* v in base 2..36 with lower-case digits; with prefix, bases 2, 8 and 16 get
 * '0b', '0o', '0x' after the sign: bin(-5) == '-0b101'. */
void fmt_int_radix(strbuf *sb, int64_t v, int base, bool prefix);
/* Appends the ASCII digit string digits[0..n) with sep inserted every group
 * digits from the right: ("1234567", ',', 3) -> "1,234,567". */
void fmt_group_digits(strbuf *sb, const char *digits, size_t n, char sep, int group);

/* ---- floats -------------------------------------------------------------- */

/* repr(x) == str(x): shortest round-trip digits; scientific when the
 * exponent is < -4 or >= 16 ('1e+16', '1e-05'), else positional with at
 * least one digit after the point ('100.0'); 'inf', '-inf', 'nan', '-0.0'. */
void fmt_float_repr(strbuf *sb, double x);

/* Flags of fmt_double (CPython's Py_DTSF_*). */
#define FMT_DTSF_SIGN 0x01      /* always write a sign */
#define FMT_DTSF_ADD_DOT_0 0x02 /* '1.0' rather than '1' */
#define FMT_DTSF_ALT 0x04       /* '#': keep the point and trailing zeros */
#define FMT_DTSF_NO_NEG_0 0x08  /* 'z': a negative zero result loses its sign */

/* CPython's PyOS_double_to_string: code is 'e' 'E' 'f' 'F' 'g' 'G' with a
 * precision, or 'r' (repr digits; precision must be 0). 'E' 'F' 'G' give
 * 'INF' and 'NAN'. Correctly rounded, half-even on the exact value. */
void fmt_double(strbuf *sb, double x, char code, int precision, unsigned flags);

/* ---- format(value, spec): the format-spec mini-language ------------------ */
/* [[fill]align][sign][z][#][0][width][grouping][.precision][type] */

typedef struct fmt_spec {
    uint32_t fill;          /* fill code point (' ' unless given) */
    bool fill_set;          /* an explicit fill came before the align */
    char align;             /* '<' '>' '^' '=', or 0 when not given */
    char sign;              /* '+' '-' ' ', or 0 */
    bool no_neg_0;          /* 'z' */
    bool alternate;         /* '#' */
    bool zero;              /* the '0' flag before the width */
    int64_t width;          /* -1 when not given */
    char grouping;          /* ',' or '_', or 0 */
    int64_t precision;      /* -1 when not given */
    uint32_t type;          /* presentation type code point, 0 if none */
    const char *type_name;  /* the value's type for messages: "int", "bool",
                               "float", "str"...; not owned */
} fmt_spec;

/* Parses a spec (n bytes of UTF-8; "" is fine and means defaults).
 * type_name is only used in messages and kept in out->type_name.
 * Errors (ValueError): 'Invalid format specifier 'abc' for object of type
 * 'int'', 'Format specifier missing precision', 'Cannot specify both ','
 * and '_'.', 'Too many decimal digits in format string'. */
int fmt_spec_parse(const char *s, size_t n, const char *type_name, fmt_spec *out,
                   num_error *err);

/* format(int, spec): types b c d o x X n, none, and e E f F g G % (through
 * float(v)); numbers default to right alignment. An empty spec gives str(v)
 * (a bool's empty spec is the caller's: 'True'). */
int fmt_format_int(strbuf *sb, int64_t v, const fmt_spec *spec, num_error *err);
/* format(float, spec): types e E f F g G n % and none (repr without a
 * precision; with one like 'g' but keeping a digit after the point). */
int fmt_format_float(strbuf *sb, double v, const fmt_spec *spec, num_error *err);
/* format(str, spec): type s or none; precision truncates; width and fill in
 * code points; left-aligned by default. */
int fmt_format_str(strbuf *sb, const char *s, size_t len, const fmt_spec *spec,
                   num_error *err);

/* fmt_spec_parse followed by the matching fmt_format_* in one call. */
int fmt_apply_int(strbuf *sb, int64_t v, const char *spec, size_t n, const char *type_name,
                  num_error *err);
int fmt_apply_float(strbuf *sb, double v, const char *spec, size_t n, const char *type_name,
                    num_error *err);
int fmt_apply_str(strbuf *sb, const char *s, size_t len, const char *spec, size_t n,
                  const char *type_name, num_error *err);

/* ---- printf-style: fmt % args -------------------------------------------- */
/*
 * The caller drives a scanner over the format string and owns the args:
 *
 *   size_t pos = 0; fmt_pct p; int k;
 *   while ((k = fmt_percent_next(f, n, &pos, &p, err)) > 0) {
 *       if (k == FMT_PCT_TEXT) { append p.text/p.text_len; continue; }
 *       if (p.has_key) args = mapping[p.key]   (no mapping: TypeError
 *                                               'format requires a mapping')
 *       if (p.width == FMT_PCT_STAR) fetch an int (else TypeError
 *           '* wants int'), fmt_percent_set_width(&p, w)
 *       if (p.prec == FMT_PCT_STAR) likewise, fmt_percent_set_prec(&p, w)
 *       fetch the value (none left: TypeError
 *           'not enough arguments for format string')
 *       fmt_percent_check(f, n, &p, err)  -> unsupported format character
 *       by p.conv:  s r a: fmt_percent_text(str()/repr()/ascii() of value)
 *                   d i u: int (a float is truncated first), bool as int
 *                   o x X: int only;  c: int or 1-char str
 *                   e E f F g G: float (an int converted)
 *                   wrong type: fmt_percent_type_error
 *   }
 *   then leftover args: TypeError
 *   'not all arguments converted during string formatting'.
 *
 * CPython fetches '*' arguments while parsing, so when fmt_percent_next
 * fails, p.has_key / p.width / p.prec still tell what CPython would have
 * looked up before noticing the error (its failure would win).
 */

#define FMT_PCT_LJUST 0x01 /* '-' */
#define FMT_PCT_SIGN 0x02  /* '+' */
#define FMT_PCT_BLANK 0x04 /* ' ' */
#define FMT_PCT_ALT 0x08   /* '#' */
#define FMT_PCT_ZERO 0x10  /* '0' */

#define FMT_PCT_STAR (-2) /* width or prec given as '*' */

/* What fmt_percent_next found. */
enum { FMT_PCT_END = 0, FMT_PCT_TEXT = 1, FMT_PCT_CONV = 2 };

typedef struct fmt_pct {
    const char *text;   /* FMT_PCT_TEXT: literal text ('%%' gives "%") */
    size_t text_len;
    bool has_key;       /* '%(key)s' */
    const char *key;    /* the key's text inside the format string */
    size_t key_len;
    unsigned flags;     /* FMT_PCT_* flags */
    int64_t width;      /* -1 none, FMT_PCT_STAR */
    int64_t prec;       /* -1 none, FMT_PCT_STAR */
    uint32_t conv;      /* conversion code point, not yet validated */
    size_t conv_offset; /* byte offset of conv in the format string */
} fmt_pct;

/* Scans from *pos: returns FMT_PCT_TEXT, FMT_PCT_CONV, FMT_PCT_END, or -1
 * with ValueError 'incomplete format', 'incomplete format key',
 * 'width too big', 'precision too big'. */
int fmt_percent_next(const char *fmt, size_t len, size_t *pos, fmt_pct *out, num_error *err);
/* Applies a '*' width argument (negative means left-justify). */
void fmt_percent_set_width(fmt_pct *p, int64_t width);
/* Applies a '*' precision argument (negative means 0); OverflowError
 * 'Python int too large to convert to C int' beyond INT_MAX. */
int fmt_percent_set_prec(fmt_pct *p, int64_t prec, num_error *err);
/* ValueError "unsupported format character 'y' (0x79) at index 3" unless
 * p->conv is one of s r a d i u o x X e E f F g G c. */
int fmt_percent_check(const char *fmt, size_t len, const fmt_pct *p, num_error *err);
/* The TypeError for a value of type type_name that p->conv cannot take:
 * '%d format: a real number is required, not str', '%x format: an integer is
 * required, not float', 'must be real number, not str',
 * '%c requires int or char'. Returns -1. */
int fmt_percent_type_error(const fmt_pct *p, const char *type_name, num_error *err);

/* Conversions d i u o x X (and c from an int: OverflowError
 * '%c arg not in range(0x110000)'). */
int fmt_percent_int(strbuf *sb, int64_t v, const fmt_pct *p, num_error *err);
/* Conversions e E f F g G. */
int fmt_percent_float(strbuf *sb, double v, const fmt_pct *p, num_error *err);
/* Conversions s r a (text already converted by the caller) and c from a str
 * (TypeError '%c requires int or char' unless exactly one character). */
int fmt_percent_text(strbuf *sb, const char *s, size_t len, const fmt_pct *p, num_error *err);

#endif
