/* fmt_float.c - float to text as CPython's PyOS_double_to_string: digit
 * generation (shortest round-trip for repr, correctly rounded otherwise)
 * and the layout of format_float_short in Python/pystrtod.c.
 *
 * Digits come from glibc's printf, which prints the exact binary value
 * rounded half-even, exactly what David Gay's dtoa (used by CPython) does in
 * modes 2 and 3. Mode 0 (shortest) is found by checking which correctly
 * rounded candidates read back to the same double with strtod. */
#include "fmt.h"

#include <float.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Digits as dtoa returns them: no leading or trailing zeros (zero is "0"),
 * value = 0.d1d2d3... * 10**decpt. */
typedef struct fmt_digits {
    strbuf d;
    int64_t decpt;
} fmt_digits;

/* Parses printf "%.Ne" output "[-]d.ddde[+-]xx" into mantissa digits and the
 * decimal exponent of the first digit. */
static void fmt_parse_e(const char *buf, strbuf *digs, int *exp10) {
    const char *p = buf;
    if (*p == '-') p++;
    for (; *p && *p != 'e'; p++)
        if (*p != '.') sb_putc(digs, *p);
    *exp10 = *p == 'e' ? atoi(p + 1) : 0;
}

/* Removes trailing zeros; an all-zero string becomes "0". */
static void fmt_strip_zeros(strbuf *d) {
    while (d->len > 0 && d->data[d->len - 1] == '0') d->len--;
    if (d->data) d->data[d->len] = '\0';
}

/* Mode 2: ndigits significant digits, correctly rounded. ax > 0, finite. */
static void fmt_dtoa_mode2(double ax, int ndigits, fmt_digits *out) {
    strbuf tmp;
    sb_init(&tmp);
    sb_printf(&tmp, "%.*e", ndigits - 1, ax);
    int e;
    fmt_parse_e(tmp.data, &out->d, &e);
    fmt_strip_zeros(&out->d);
    out->decpt = e + 1;
    sb_free(&tmp);
}

/* Mode 3: ndigits digits after the point (ndigits >= 0), correctly rounded.
 * A value rounding to zero gives no digits and decpt = -ndigits. */
static void fmt_dtoa_mode3(double ax, int ndigits, fmt_digits *out) {
    strbuf tmp;
    sb_init(&tmp);
    sb_printf(&tmp, "%.*f", ndigits, ax);
    const char *p = tmp.data;
    int64_t intdigits = 0;
    bool leading = true;
    for (; *p && *p != '.'; p++) {
        if (leading && *p == '0') continue;
        leading = false;
        sb_putc(&out->d, *p);
        intdigits++;
    }
    int64_t decpt = intdigits;
    if (*p == '.') p++;
    for (; *p; p++) {
        if (leading && *p == '0') {
            decpt--;
            continue;
        }
        leading = false;
        sb_putc(&out->d, *p);
    }
    fmt_strip_zeros(&out->d);
    out->decpt = out->d.len ? decpt : -(int64_t)ndigits;
    sb_free(&tmp);
}

static bool fmt_reads_back(const char *s, double ax) { return strtod(s, NULL) == ax; }

/* Takes the n-digit candidate in buf (printf %e output) when it reads back
 * as ax, or else its decimal neighbour on the other side of ax. */
static bool fmt_try_digits(double ax, const char *buf, int n, fmt_digits *out) {
    int e;
    if (fmt_reads_back(buf, ax)) {
        fmt_parse_e(buf, &out->d, &e);
        fmt_strip_zeros(&out->d);
        out->decpt = e + 1;
        return true;
    }
    /* Near a power of two the rounding interval is lopsided: the nearest
     * n-digit decimal may miss it while the next one on the wide side hits. */
    strbuf d;
    sb_init(&d);
    fmt_parse_e(buf, &d, &e);
    uint64_t m = strtoull(d.data, NULL, 10), lo = 1, hi;
    for (int i = 1; i < n; i++) lo *= 10;
    hi = lo * 10;
    int64_t ex = e - (n - 1); /* value = m * 10**ex */
    if (strtod(buf, NULL) > ax) {
        if (--m < lo) {
            m = hi - 1;
            ex--;
        }
    } else if (++m == hi) {
        m = lo;
        ex++;
    }
    char nb[48];
    snprintf(nb, sizeof nb, "%" PRIu64 "e%" PRId64, m, ex);
    bool ok = fmt_reads_back(nb, ax);
    if (ok) {
        char md[24];
        snprintf(md, sizeof md, "%" PRIu64, m);
        sb_puts(&out->d, md);
        fmt_strip_zeros(&out->d);
        out->decpt = ex + n;
    }
    sb_free(&d);
    return ok;
}

/* Mode 0: the shortest digits that read back as ax (> 0, finite), the one
 * nearest ax when several qualify. */
static void fmt_dtoa_shortest(double ax, fmt_digits *out) {
    char buf[48];
    if (ax >= DBL_MIN) {
        /* A normal double's rounding interval is narrower than the gap
         * between 15-digit decimals, so at most one decimal of <= 15 digits
         * reads back, and it is the correctly rounded 15-digit one. */
        snprintf(buf, sizeof buf, "%.14e", ax);
        if (fmt_reads_back(buf, ax)) {
            int e;
            fmt_parse_e(buf, &out->d, &e);
            fmt_strip_zeros(&out->d);
            out->decpt = e + 1;
            return;
        }
        snprintf(buf, sizeof buf, "%.15e", ax);
        if (fmt_try_digits(ax, buf, 16, out)) return;
        snprintf(buf, sizeof buf, "%.16e", ax);
        (void)fmt_try_digits(ax, buf, 17, out);
        return;
    }
    for (int n = 1; n <= 17; n++) { /* subnormal: few digits may do */
        snprintf(buf, sizeof buf, "%.*e", n - 1, ax);
        if (fmt_try_digits(ax, buf, n, out)) return;
    }
}

/* format_float_short's layout of digits for code 'e' 'f' 'g' 'r'. */
static void fmt_layout(strbuf *sb, const fmt_digits *dg, bool neg, char code, int64_t precision,
                       unsigned flags, bool upper) {
    const char *digits = dg->d.data ? dg->d.data : "";
    int64_t digits_len = (int64_t)dg->d.len;
    int64_t decpt = dg->decpt;
    bool add_dot_0 = flags & FMT_DTSF_ADD_DOT_0;
    bool alt = flags & FMT_DTSF_ALT;
    bool use_exp = false;
    int64_t exp = 0;
    int64_t vdigits_end = digits_len;

    switch (code) {
    case 'e':
        use_exp = true;
        vdigits_end = precision;
        break;
    case 'f':
        vdigits_end = decpt + precision;
        break;
    case 'g':
        if (decpt <= -4 || decpt > (add_dot_0 ? precision - 1 : precision)) use_exp = true;
        if (alt) vdigits_end = precision;
        break;
    default: /* 'r' */
        if (decpt <= -4 || decpt > 16) use_exp = true;
        break;
    }
    if (use_exp) {
        exp = decpt - 1;
        decpt = 1;
    }
    int64_t vdigits_start = decpt <= 0 ? decpt - 1 : 0;
    if (!use_exp && add_dot_0)
        vdigits_end = vdigits_end > decpt ? vdigits_end : decpt + 1;
    else
        vdigits_end = vdigits_end > decpt ? vdigits_end : decpt;

    sb_reserve(sb, (size_t)(vdigits_end - vdigits_start) + 12);
    if (neg)
        sb_putc(sb, '-');
    else if (flags & FMT_DTSF_SIGN)
        sb_putc(sb, '+');
    size_t start = sb->len;
    if (decpt <= 0) {
        sb_fill(sb, '0', (size_t)(decpt - vdigits_start));
        sb_putc(sb, '.');
        sb_fill(sb, '0', (size_t)(0 - decpt));
    } else {
        sb_fill(sb, '0', (size_t)(0 - vdigits_start));
    }
    if (0 < decpt && decpt <= digits_len) {
        sb_append(sb, digits, (size_t)decpt);
        sb_putc(sb, '.');
        sb_append(sb, digits + decpt, (size_t)(digits_len - decpt));
    } else {
        sb_append(sb, digits, (size_t)digits_len);
    }
    if (digits_len < decpt) {
        sb_fill(sb, '0', (size_t)(decpt - digits_len));
        sb_putc(sb, '.');
        sb_fill(sb, '0', (size_t)(vdigits_end - decpt));
    } else {
        sb_fill(sb, '0', (size_t)(vdigits_end - digits_len));
    }
    if (sb->len > start && sb->data[sb->len - 1] == '.' && !alt) {
        sb->len--;
        sb->data[sb->len] = '\0';
    }
    if (use_exp) sb_printf(sb, "%c%+.02" PRId64, upper ? 'E' : 'e', exp);
}

void fmt_double(strbuf *sb, double x, char code, int precision, unsigned flags) {
    bool upper = false;
    int mode;
    switch (code) {
    case 'E':
        upper = true;
        /* fall through */
    case 'e':
        code = 'e';
        mode = 2;
        precision++;
        break;
    case 'F':
        upper = true;
        /* fall through */
    case 'f':
        code = 'f';
        mode = 3;
        break;
    case 'G':
        upper = true;
        /* fall through */
    case 'g':
        code = 'g';
        mode = 2;
        if (precision == 0) precision = 1;
        break;
    default:
        code = 'r';
        mode = 0;
        precision = 0;
        break;
    }
    if (precision < 0) precision = 0;
    if (isnan(x) || isinf(x)) {
        if (isinf(x) && x < 0)
            sb_putc(sb, '-');
        else if (flags & FMT_DTSF_SIGN)
            sb_putc(sb, '+');
        sb_puts(sb, isnan(x) ? (upper ? "NAN" : "nan") : (upper ? "INF" : "inf"));
        return;
    }
    bool neg = signbit(x) != 0;
    double ax = fabs(x);
    fmt_digits dg;
    sb_init(&dg.d);
    locale_t old = fmt_c_locale_enter();
    if (ax == 0.0) {
        sb_putc(&dg.d, '0');
        dg.decpt = 1;
    } else if (mode == 0) {
        fmt_dtoa_shortest(ax, &dg);
    } else if (mode == 2) {
        fmt_dtoa_mode2(ax, precision, &dg);
    } else {
        fmt_dtoa_mode3(ax, precision, &dg);
    }
    fmt_c_locale_leave(old);
    if ((flags & FMT_DTSF_NO_NEG_0) && neg &&
        (dg.d.len == 0 || (dg.d.len == 1 && dg.d.data[0] == '0')))
        neg = false;
    fmt_layout(sb, &dg, neg, code, precision, flags, upper);
    sb_free(&dg.d);
}

void fmt_float_repr(strbuf *sb, double x) { fmt_double(sb, x, 'r', 0, FMT_DTSF_ADD_DOT_0); }
