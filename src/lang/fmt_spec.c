/* fmt_spec.c - format(value, spec): the format-spec mini-language of
 * CPython 3.11 (Python/formatter_unicode.c) for int, float and str.
 *
 * Spec grammar:  [[fill]align][sign][z][#][0][width][grouping][.precision][type]
 *   fill: any code point; align: < > = ^; sign: + - space; grouping: , or _
 *   width, precision: decimal digits (Unicode digits count, like CPython).
 *
 * A number is laid out as
 *   <lpad><sign><prefix><spad><grouped digits><decimal point><remainder><rpad>
 * where at most one of the three paddings is non-empty. */
#include "fmt.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

/* Widths beyond this would make CPython run out of memory too. */
#define FMT_MAX_OUTPUT ((int64_t)1 << 30)

static bool fmt_is_align(uint32_t c) { return c == '<' || c == '>' || c == '=' || c == '^'; }

/* Reads decimal digits at cps[*pos]; returns how many, or -1 on overflow. */
static int64_t fmt_get_integer(const uint32_t *cps, size_t n, size_t *pos, int64_t *result,
                               num_error *err) {
    int64_t acc = 0, count = 0;
    size_t p = *pos;
    for (; p < n; p++, count++) {
        int d = fmt_unicode_decimal(cps[p]);
        if (d < 0) break;
        if (acc > (INT64_MAX - d) / 10) {
            *pos = p;
            return num_error_set(err, "ValueError", "Too many decimal digits in format string");
        }
        acc = acc * 10 + d;
    }
    *pos = p;
    *result = acc;
    return count;
}

int fmt_spec_parse(const char *s, size_t n, const char *type_name, fmt_spec *out,
                   num_error *err) {
    memset(out, 0, sizeof *out);
    out->fill = ' ';
    out->width = -1;
    out->precision = -1;
    out->type_name = type_name ? type_name : "object";

    uint32_t small[64];
    uint32_t *cps = n <= 64 ? small : xmalloc(n * sizeof *cps);
    size_t end = 0, bpos = 0;
    while (bpos < n) cps[end++] = fmt_utf8_next(s, n, &bpos);

    int rc = -1;
    size_t pos = 0;
    if (end - pos >= 2 && fmt_is_align(cps[pos + 1])) {
        out->align = (char)cps[pos + 1];
        out->fill = cps[pos];
        out->fill_set = true;
        pos += 2;
    } else if (end - pos >= 1 && fmt_is_align(cps[pos])) {
        out->align = (char)cps[pos];
        pos++;
    }
    if (end - pos >= 1 && (cps[pos] == ' ' || cps[pos] == '+' || cps[pos] == '-'))
        out->sign = (char)cps[pos++];
    if (end - pos >= 1 && cps[pos] == 'z') {
        out->no_neg_0 = true;
        pos++;
    }
    if (end - pos >= 1 && cps[pos] == '#') {
        out->alternate = true;
        pos++;
    }
    if (!out->fill_set && end - pos >= 1 && cps[pos] == '0') {
        out->zero = true;
        pos++;
    }
    int64_t consumed = fmt_get_integer(cps, end, &pos, &out->width, err);
    if (consumed < 0) goto done;
    if (consumed == 0) out->width = -1;
    if (end - pos && cps[pos] == ',') {
        out->grouping = ',';
        pos++;
    }
    if (end - pos && cps[pos] == '_') {
        if (out->grouping) {
            num_error_set(err, "ValueError", "Cannot specify both ',' and '_'.");
            goto done;
        }
        out->grouping = '_';
        pos++;
    }
    if (end - pos && cps[pos] == ',' && out->grouping == '_') {
        num_error_set(err, "ValueError", "Cannot specify both ',' and '_'.");
        goto done;
    }
    if (end - pos && cps[pos] == '.') {
        pos++;
        consumed = fmt_get_integer(cps, end, &pos, &out->precision, err);
        if (consumed < 0) goto done;
        if (consumed == 0) {
            num_error_set(err, "ValueError", "Format specifier missing precision");
            goto done;
        }
    }
    if (end - pos > 1) {
        num_error_set(err, "ValueError", "Invalid format specifier '%.*s' for object of type '%.200s'",
                      (int)(n < 700 ? n : 700), s, out->type_name);
        goto done;
    }
    if (end - pos == 1) out->type = cps[pos];
    rc = 0;
done:
    if (cps != small) free(cps);
    return rc;
}

/* ---- checks shared by the formatters --------------------------------------- */

static int fmt_unknown_type(uint32_t type, const char *type_name, num_error *err) {
    if (type > 32 && type < 128)
        return num_error_set(err, "ValueError", "Unknown format code '%c' for object of type '%.200s'",
                             (char)type, type_name);
    return num_error_set(err, "ValueError", "Unknown format code '\\x%x' for object of type '%.200s'",
                         (unsigned)type, type_name);
}

/* The end of CPython's spec parsing: is the grouping allowed with this
 * (defaulted) type? Sets *group to 3 or 4 (4 for '_' with b o x X). */
static int fmt_check_grouping(const fmt_spec *spec, uint32_t type, int *group, num_error *err) {
    *group = 3;
    if (!spec->grouping) return 0;
    switch (type) {
    case 'd': case 'e': case 'f': case 'g': case 'E': case 'G': case '%': case 'F': case 0:
        return 0;
    case 'b': case 'o': case 'x': case 'X':
        if (spec->grouping == '_') {
            *group = 4;
            return 0;
        }
        break;
    default:
        break;
    }
    if (type > 32 && type < 128)
        return num_error_set(err, "ValueError", "Cannot specify '%c' with '%c'.", spec->grouping,
                             (char)type);
    return num_error_set(err, "ValueError", "Cannot specify '%c' with '\\x%x'.", spec->grouping,
                         (unsigned)type);
}

static int fmt_check_width(int64_t width, num_error *err) {
    if (width > FMT_MAX_OUTPUT) return num_error_set(err, "MemoryError", "%s", "");
    return 0;
}

/* Appends the fill code point n times. */
static void fmt_fill(strbuf *sb, uint32_t fill, int64_t n) {
    if (n <= 0) return;
    if (fill < 0x80) {
        sb_fill(sb, (char)fill, (size_t)n);
        return;
    }
    for (int64_t i = 0; i < n; i++) fmt_utf8_put(sb, fill);
}

/* ---- numbers ------------------------------------------------------------- */

/* The parts of a formatted number (see the layout at the top). */
typedef struct fmt_number {
    char sign_char;        /* '-' or 0: the number's own sign */
    const char *prefix;    /* "0x" etc., already in the right case */
    size_t n_prefix;
    const char *digits;    /* ASCII digits before the point, to be grouped */
    size_t n_digits;
    bool has_decimal;
    const char *remainder; /* after the point: fraction, exponent, '%', or
                              the character of type 'c' (UTF-8) */
    size_t remainder_bytes;
    int64_t n_remainder;   /* in code points */
} fmt_number;

/* CPython's _PyUnicode_InsertThousandsGrouping: the digits with separators
 * (sep 0: none) every `group` digits, left-padded with '0's (and separators)
 * up to min_width characters. Appends to out. */
static void fmt_group(strbuf *out, const char *digits, int64_t n_digits, int64_t min_width, char sep,
                      int group) {
    strbuf rev; /* built right to left, then reversed */
    sb_init(&rev);
    int64_t remaining = n_digits;
    const char *dp = digits + n_digits;
    bool use_sep = false, broken = false;
    if (min_width < 0) min_width = 0;
    int64_t len, n_zeros, n_chars;
    if (sep) {
        for (;;) {
            len = group;
            int64_t m = remaining > min_width ? remaining : min_width;
            if (m < 1) m = 1;
            if (len > m) len = m;
            n_zeros = len - remaining > 0 ? len - remaining : 0;
            n_chars = remaining < len ? remaining : len;
            if (n_chars < 0) n_chars = 0;
            if (use_sep) sb_putc(&rev, sep);
            for (int64_t i = 0; i < n_chars; i++) sb_putc(&rev, *--dp);
            sb_fill(&rev, '0', (size_t)n_zeros);
            use_sep = true;
            remaining -= n_chars;
            min_width -= len;
            if (remaining <= 0 && min_width <= 0) {
                broken = true;
                break;
            }
            min_width -= 1;
        }
    }
    if (!broken) {
        len = remaining > min_width ? remaining : min_width;
        if (len < 1) len = 1;
        n_zeros = len - remaining > 0 ? len - remaining : 0;
        n_chars = remaining < len ? remaining : len;
        if (n_chars < 0) n_chars = 0;
        if (use_sep) sb_putc(&rev, sep);
        for (int64_t i = 0; i < n_chars; i++) sb_putc(&rev, *--dp);
        sb_fill(&rev, '0', (size_t)n_zeros);
    }
    sb_reserve(out, rev.len);
    for (size_t i = rev.len; i > 0; i--) sb_putc(out, rev.data[i - 1]);
    sb_free(&rev);
}

/* calc_number_widths + fill_number. sep 0 means no grouping. */
static int fmt_emit_number(strbuf *sb, const fmt_number *num, const fmt_spec *spec, uint32_t fill,
                           char align, char sep, int group, num_error *err) {
    int64_t n_sign = 0;
    char sign = 0;
    switch (spec->sign) {
    case '+':
        n_sign = 1;
        sign = num->sign_char == '-' ? '-' : '+';
        break;
    case ' ':
        n_sign = 1;
        sign = num->sign_char == '-' ? '-' : ' ';
        break;
    default:
        if (num->sign_char == '-') {
            n_sign = 1;
            sign = '-';
        }
    }
    int64_t n_decimal = num->has_decimal ? 1 : 0;
    int64_t n_non_digit = n_sign + (int64_t)num->n_prefix + n_decimal + num->n_remainder;
    int64_t min_width = (fill == '0' && align == '=') ? spec->width - n_non_digit : 0;
    if (fmt_check_width(spec->width, err)) return -1;

    strbuf grouped;
    sb_init(&grouped);
    if (num->n_digits) fmt_group(&grouped, num->digits, (int64_t)num->n_digits, min_width, sep, group);
    int64_t n_grouped = (int64_t)grouped.len;

    int64_t lpad = 0, spad = 0, rpad = 0;
    int64_t n_padding = spec->width - (n_non_digit + n_grouped);
    if (n_padding > 0) {
        switch (align) {
        case '<': rpad = n_padding; break;
        case '^':
            lpad = n_padding / 2;
            rpad = n_padding - lpad;
            break;
        case '=': spad = n_padding; break;
        default: lpad = n_padding; break;
        }
    }
    fmt_fill(sb, fill, lpad);
    if (n_sign) sb_putc(sb, sign);
    sb_append(sb, num->prefix, num->n_prefix);
    fmt_fill(sb, fill, spad);
    sb_append(sb, grouped.data, grouped.len);
    if (num->has_decimal) sb_putc(sb, '.');
    sb_append(sb, num->remainder, num->remainder_bytes);
    fmt_fill(sb, fill, rpad);
    sb_free(&grouped);
    return 0;
}

/* The fill and alignment for a number: the '0' flag means fill '0' and,
 * without an explicit alignment, '='. */
static void fmt_number_fill(const fmt_spec *spec, uint32_t *fill, char *align) {
    *fill = spec->fill_set ? spec->fill : (spec->zero ? '0' : ' ');
    *align = spec->align ? spec->align : (spec->zero ? '=' : '>');
}

/* format_float_internal; `type` is the spec's type (0 for none). */
static int fmt_float_internal(strbuf *sb, double val, const fmt_spec *spec, uint32_t type, int group,
                              num_error *err) {
    if (spec->precision > INT_MAX) return num_error_set(err, "ValueError", "precision too big");
    if (spec->precision > FMT_MAX_OUTPUT) return num_error_set(err, "MemoryError", "%s", "");
    int precision = (int)spec->precision;
    int default_precision = 6;
    unsigned flags = 0;
    bool add_pct = false;
    if (spec->alternate) flags |= FMT_DTSF_ALT;
    if (spec->no_neg_0) flags |= FMT_DTSF_NO_NEG_0;
    char code = (char)type;
    if (type == 0) {
        flags |= FMT_DTSF_ADD_DOT_0;
        code = 'r';
        default_precision = 0;
    }
    if (code == 'n') code = 'g';
    if (code == '%') {
        code = 'f';
        val *= 100;
        add_pct = true;
    }
    if (precision < 0)
        precision = default_precision;
    else if (code == 'r')
        code = 'g';
    if (fmt_check_width(spec->width, err)) return -1;

    strbuf buf;
    sb_init(&buf);
    fmt_double(&buf, val, code, precision, flags);
    if (add_pct) sb_putc(&buf, '%');

    fmt_number num;
    memset(&num, 0, sizeof num);
    size_t i = 0;
    if (buf.data[0] == '-') {
        num.sign_char = '-';
        i = 1;
    }
    size_t d0 = i;
    while (i < buf.len && buf.data[i] >= '0' && buf.data[i] <= '9') i++;
    num.digits = buf.data + d0;
    num.n_digits = i - d0;
    num.has_decimal = i < buf.len && buf.data[i] == '.';
    if (num.has_decimal) i++;
    num.remainder = buf.data + i;
    num.remainder_bytes = buf.len - i;
    num.n_remainder = (int64_t)num.remainder_bytes;
    num.prefix = "";

    uint32_t fill;
    char align;
    fmt_number_fill(spec, &fill, &align);
    char sep = type == 'n' ? 0 : spec->grouping;
    int rc = fmt_emit_number(sb, &num, spec, fill, align, sep, group, err);
    sb_free(&buf);
    return rc;
}

int fmt_format_int(strbuf *sb, int64_t v, const fmt_spec *spec, num_error *err) {
    uint32_t type = spec->type ? spec->type : 'd';
    int group;
    if (fmt_check_grouping(spec, type, &group, err)) return -1;
    switch (type) {
    case 'b': case 'c': case 'd': case 'o': case 'x': case 'X': case 'n':
        break;
    case 'e': case 'E': case 'f': case 'F': case 'g': case 'G': case '%':
        return fmt_float_internal(sb, (double)v, spec, type, group, err);
    default:
        return fmt_unknown_type(type, spec->type_name, err);
    }
    if (spec->precision != -1)
        return num_error_set(err, "ValueError", "Precision not allowed in integer format specifier");
    if (spec->no_neg_0)
        return num_error_set(err, "ValueError",
                             "Negative zero coercion (z) not allowed in integer format specifier");

    fmt_number num;
    memset(&num, 0, sizeof num);
    char digits[72], cbuf[4];
    num.prefix = "";
    if (type == 'c') {
        if (spec->sign)
            return num_error_set(err, "ValueError", "Sign not allowed with integer format specifier 'c'");
        if (spec->alternate)
            return num_error_set(err, "ValueError",
                                 "Alternate form (#) not allowed with integer format specifier 'c'");
        if (v < 0 || v > 0x10FFFF)
            return num_error_set(err, "OverflowError", "%%c arg not in range(0x110000)");
        strbuf c;
        sb_init(&c);
        fmt_utf8_put(&c, (uint32_t)v);
        memcpy(cbuf, c.data, c.len);
        num.remainder = cbuf;
        num.remainder_bytes = c.len;
        num.n_remainder = 1;
        sb_free(&c);
    } else {
        int base = type == 'b' ? 2 : type == 'o' ? 8 : (type == 'x' || type == 'X') ? 16 : 10;
        const char *set = type == 'X' ? "0123456789ABCDEF" : "0123456789abcdef";
        uint64_t m = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
        size_t i = sizeof digits;
        do {
            digits[--i] = set[m % (uint64_t)base];
            m /= (uint64_t)base;
        } while (m);
        num.digits = digits + i;
        num.n_digits = sizeof digits - i;
        if (v < 0) num.sign_char = '-';
        if (spec->alternate && base != 10) {
            num.prefix = type == 'b' ? "0b" : type == 'o' ? "0o" : type == 'X' ? "0X" : "0x";
            num.n_prefix = 2;
        }
    }
    uint32_t fill;
    char align;
    fmt_number_fill(spec, &fill, &align);
    char sep = type == 'n' ? 0 : spec->grouping;
    return fmt_emit_number(sb, &num, spec, fill, align, sep, group, err);
}

int fmt_format_float(strbuf *sb, double v, const fmt_spec *spec, num_error *err) {
    int group;
    if (fmt_check_grouping(spec, spec->type, &group, err)) return -1;
    switch (spec->type) {
    case 0: case 'e': case 'E': case 'f': case 'F': case 'g': case 'G': case 'n': case '%':
        return fmt_float_internal(sb, v, spec, spec->type, group, err);
    default:
        return fmt_unknown_type(spec->type, spec->type_name, err);
    }
}

int fmt_format_str(strbuf *sb, const char *s, size_t len, const fmt_spec *spec, num_error *err) {
    uint32_t type = spec->type ? spec->type : 's';
    int group;
    if (fmt_check_grouping(spec, type, &group, err)) return -1;
    if (type != 's') return fmt_unknown_type(type, spec->type_name, err);
    if (spec->sign == ' ')
        return num_error_set(err, "ValueError", "Space not allowed in string format specifier");
    if (spec->sign)
        return num_error_set(err, "ValueError", "Sign not allowed in string format specifier");
    if (spec->no_neg_0)
        return num_error_set(err, "ValueError",
                             "Negative zero coercion (z) not allowed in string format specifier");
    if (spec->alternate)
        return num_error_set(err, "ValueError", "Alternate form (#) not allowed in string format specifier");
    if (spec->align == '=')
        return num_error_set(err, "ValueError", "'=' alignment not allowed in string format specifier");
    if (fmt_check_width(spec->width, err)) return -1;

    int64_t n = (int64_t)fmt_utf8_count(s, len);
    size_t bytes = len;
    if (spec->precision >= 0 && n >= spec->precision) {
        n = spec->precision;
        bytes = fmt_utf8_prefix(s, len, (size_t)n);
    }
    uint32_t fill = spec->fill_set ? spec->fill : (spec->zero ? '0' : ' ');
    char align = spec->align ? spec->align : '<';
    int64_t total = spec->width > n ? spec->width : n;
    int64_t lpad = align == '>' ? total - n : align == '^' ? (total - n) / 2 : 0;
    fmt_fill(sb, fill, lpad);
    sb_append(sb, s, bytes);
    fmt_fill(sb, fill, total - n - lpad);
    return 0;
}

int fmt_apply_int(strbuf *sb, int64_t v, const char *spec, size_t n, const char *type_name,
                  num_error *err) {
    fmt_spec sp;
    if (fmt_spec_parse(spec, n, type_name ? type_name : "int", &sp, err)) return -1;
    return fmt_format_int(sb, v, &sp, err);
}

int fmt_apply_float(strbuf *sb, double v, const char *spec, size_t n, const char *type_name,
                    num_error *err) {
    fmt_spec sp;
    if (fmt_spec_parse(spec, n, type_name ? type_name : "float", &sp, err)) return -1;
    return fmt_format_float(sb, v, &sp, err);
}

int fmt_apply_str(strbuf *sb, const char *s, size_t len, const char *spec, size_t n,
                  const char *type_name, num_error *err) {
    fmt_spec sp;
    if (fmt_spec_parse(spec, n, type_name ? type_name : "str", &sp, err)) return -1;
    return fmt_format_str(sb, s, len, &sp, err);
}
