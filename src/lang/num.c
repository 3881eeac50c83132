/* num.c - Python int/float semantics on int64_t and double (see num.h). */
#include "num.h"

#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fmt.h"
#include "strbuf.h"
#include "xalloc.h"

int num_error_set(num_error *err, const char *type, const char *fmt, ...) {
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        err->type = type;
        vsnprintf(err->msg, sizeof err->msg, fmt, ap);
        va_end(ap);
    }
    return -1;
}

static int num_overflow(num_error *err) {
    return num_error_set(err, "OverflowError", "%s", NUM_INT_OVERFLOW_MSG);
}

/* ---- int ------------------------------------------------------------------ */

int num_int_add(int64_t a, int64_t b, int64_t *out, num_error *err) {
    if (__builtin_add_overflow(a, b, out)) return num_overflow(err);
    return 0;
}

int num_int_sub(int64_t a, int64_t b, int64_t *out, num_error *err) {
    if (__builtin_sub_overflow(a, b, out)) return num_overflow(err);
    return 0;
}

int num_int_mul(int64_t a, int64_t b, int64_t *out, num_error *err) {
    if (__builtin_mul_overflow(a, b, out)) return num_overflow(err);
    return 0;
}

int num_int_neg(int64_t a, int64_t *out, num_error *err) {
    if (a == INT64_MIN) return num_overflow(err);
    *out = -a;
    return 0;
}

int num_int_abs(int64_t a, int64_t *out, num_error *err) {
    if (a == INT64_MIN) return num_overflow(err);
    *out = a < 0 ? -a : a;
    return 0;
}

/* Floor division and modulo for b != 0; false if the quotient overflows. */
static bool num_int_divmod_raw(int64_t a, int64_t b, int64_t *q, int64_t *r) {
    if (b == -1) { /* avoids INT64_MIN / -1, which traps */
        *r = 0;
        if (a == INT64_MIN) return false;
        *q = -a;
        return true;
    }
    int64_t qq = a / b, rr = a % b;
    if (rr != 0 && ((rr < 0) != (b < 0))) {
        qq -= 1;
        rr += b;
    }
    *q = qq;
    *r = rr;
    return true;
}

int num_int_floordiv(int64_t a, int64_t b, int64_t *out, num_error *err) {
    int64_t r;
    if (b == 0)
        return num_error_set(err, "ZeroDivisionError", "integer division or modulo by zero");
    if (!num_int_divmod_raw(a, b, out, &r)) return num_overflow(err);
    return 0;
}

int num_int_mod(int64_t a, int64_t b, int64_t *out, num_error *err) {
    int64_t q;
    if (b == 0) return num_error_set(err, "ZeroDivisionError", "integer modulo by zero");
    (void)num_int_divmod_raw(a, b, &q, out); /* the remainder never overflows */
    return 0;
}

int num_int_divmod(int64_t a, int64_t b, int64_t *q, int64_t *r, num_error *err) {
    if (b == 0)
        return num_error_set(err, "ZeroDivisionError", "integer division or modulo by zero");
    if (!num_int_divmod_raw(a, b, q, r)) return num_overflow(err);
    return 0;
}

static int num_bits64(uint64_t v) { return v ? 64 - __builtin_clzll(v) : 0; }

int num_int_bit_length(int64_t a) {
    return num_bits64(a < 0 ? (uint64_t)0 - (uint64_t)a : (uint64_t)a);
}

int num_int_truediv(int64_t a, int64_t b, double *out, num_error *err) {
    if (b == 0) return num_error_set(err, "ZeroDivisionError", "division by zero");
    bool neg = (a < 0) != (b < 0);
    uint64_t n = a < 0 ? (uint64_t)0 - (uint64_t)a : (uint64_t)a;
    uint64_t d = b < 0 ? (uint64_t)0 - (uint64_t)b : (uint64_t)b;
    double r;
    if (n == 0) {
        r = 0.0;
    } else if (n <= (1ULL << 53) && d <= (1ULL << 53)) {
        r = (double)n / (double)d; /* both exact: one correctly rounded op */
    } else {
        /* Exact: scale so the integer quotient has at least 55 bits, fold
         * the remainder into a sticky bit, and let the (correctly rounded)
         * conversion to double do the rounding. */
        int shift = 55 + num_bits64(d) - num_bits64(n);
        uint64_t q;
        bool sticky;
        if (shift > 0) {
            unsigned __int128 nn = (unsigned __int128)n << shift;
            q = (uint64_t)(nn / d);
            sticky = nn % d != 0;
        } else {
            q = n / d;
            sticky = n % d != 0;
            shift = 0;
        }
        r = ldexp((double)(q | (sticky ? 1u : 0u)), -shift);
    }
    *out = neg ? -r : r;
    return 0;
}

int num_int_pow(int64_t base, int64_t exp, int64_t *out, double *fout, int *is_float,
                num_error *err) {
    if (exp < 0) {
        *is_float = 1;
        return num_float_pow((double)base, (double)exp, fout, err);
    }
    *is_float = 0;
    if (exp == 0 || base == 1) {
        *out = 1;
        return 0;
    }
    if (base == 0 || base == -1) {
        *out = base == 0 ? 0 : (exp & 1 ? -1 : 1);
        return 0;
    }
    if (exp >= 64) return num_overflow(err); /* |base| >= 2 */
    int64_t result = 1, b = base;
    for (;;) {
        if (exp & 1) {
            if (__builtin_mul_overflow(result, b, &result)) return num_overflow(err);
        }
        exp >>= 1;
        if (!exp) break;
        if (__builtin_mul_overflow(b, b, &b)) return num_overflow(err);
    }
    *out = result;
    return 0;
}

int num_int_lshift(int64_t a, int64_t n, int64_t *out, num_error *err) {
    if (n < 0) return num_error_set(err, "ValueError", "negative shift count");
    if (a == 0) {
        *out = 0;
        return 0;
    }
    if (n >= 64) return num_overflow(err);
    __int128 r = (__int128)a * ((__int128)1 << n);
    if (r > INT64_MAX || r < INT64_MIN) return num_overflow(err);
    *out = (int64_t)r;
    return 0;
}

int num_int_rshift(int64_t a, int64_t n, int64_t *out, num_error *err) {
    if (n < 0) return num_error_set(err, "ValueError", "negative shift count");
    *out = n >= 63 ? (a < 0 ? -1 : 0) : a >> n;
    return 0;
}

/* ---- float ---------------------------------------------------------------- */

int num_float_div(double a, double b, double *out, num_error *err) {
    if (b == 0.0) return num_error_set(err, "ZeroDivisionError", "float division by zero");
    *out = a / b;
    return 0;
}

/* CPython's _float_div_mod (b != 0). */
static void num_float_divmod_raw(double vx, double wx, double *floordiv, double *mod) {
    double div;
    *mod = fmod(vx, wx);
    div = (vx - *mod) / wx;
    if (*mod) {
        if ((wx < 0) != (*mod < 0)) {
            *mod += wx;
            div -= 1.0;
        }
    } else {
        *mod = copysign(0.0, wx);
    }
    if (div) {
        *floordiv = floor(div);
        if (div - *floordiv > 0.5) *floordiv += 1.0;
    } else {
        *floordiv = copysign(0.0, vx / wx);
    }
}

int num_float_floordiv(double a, double b, double *out, num_error *err) {
    double m;
    if (b == 0.0) return num_error_set(err, "ZeroDivisionError", "float floor division by zero");
    num_float_divmod_raw(a, b, out, &m);
    return 0;
}

int num_float_mod(double a, double b, double *out, num_error *err) {
    if (b == 0.0) return num_error_set(err, "ZeroDivisionError", "float modulo");
    double mod = fmod(a, b);
    if (mod) {
        if ((b < 0) != (mod < 0)) mod += b;
    } else {
        mod = copysign(0.0, b);
    }
    *out = mod;
    return 0;
}

int num_float_divmod(double a, double b, double *q, double *r, num_error *err) {
    if (b == 0.0) return num_error_set(err, "ZeroDivisionError", "float divmod()");
    num_float_divmod_raw(a, b, q, r);
    return 0;
}

/* True if x is an odd integer (CPython's DOUBLE_IS_ODD_INTEGER). */
static bool num_is_odd_integer(double x) { return fmod(fabs(x), 2.0) == 1.0; }

int num_float_pow(double iv, double iw, double *out, num_error *err) {
    bool negate = false;
    if (iw == 0.0) {
        *out = 1.0;
        return 0;
    }
    if (isnan(iv)) {
        *out = iv;
        return 0;
    }
    if (isnan(iw)) {
        *out = iv == 1.0 ? 1.0 : iw;
        return 0;
    }
    if (isinf(iw)) {
        iv = fabs(iv);
        if (iv == 1.0)
            *out = 1.0;
        else if ((iw > 0.0) == (iv > 1.0))
            *out = fabs(iw);
        else
            *out = 0.0;
        return 0;
    }
    if (isinf(iv)) {
        bool odd = num_is_odd_integer(iw);
        if (iw > 0.0)
            *out = odd ? iv : fabs(iv);
        else
            *out = odd ? copysign(0.0, iv) : 0.0;
        return 0;
    }
    if (iv == 0.0) {
        bool odd = num_is_odd_integer(iw);
        if (iw < 0.0)
            return num_error_set(err, "ZeroDivisionError",
                                 "0.0 cannot be raised to a negative power");
        *out = odd ? iv : 0.0;
        return 0;
    }
    if (iv < 0.0) {
        if (iw != floor(iw))
            return num_error_set(err, "ValueError", "complex results are not supported by concviz");
        iv = -iv;
        negate = num_is_odd_integer(iw);
    }
    if (iv == 1.0) {
        *out = negate ? -1.0 : 1.0;
        return 0;
    }
    errno = 0;
    double ix = pow(iv, iw);
    if (errno == 0) {
        if (isinf(ix)) errno = ERANGE;
    } else if (errno == ERANGE && ix == 0.0) {
        errno = 0; /* underflow is not an error */
    }
    if (negate) ix = -ix;
    if (errno != 0) {
        int e = errno;
        errno = 0;
        if (e == ERANGE)
            return num_error_set(err, "OverflowError", "(34, 'Numerical result out of range')");
        return num_error_set(err, "ValueError", "(33, 'Numerical argument out of domain')");
    }
    *out = ix;
    return 0;
}

/* ---- comparisons and conversions ----------------------------------------- */

#define NUM_TWO63 9223372036854775808.0

int num_cmp_int_float(int64_t a, double b) {
    if (isnan(b)) return NUM_CMP_UNORDERED;
    if (b >= NUM_TWO63) return -1; /* includes +inf */
    if (b < -NUM_TWO63) return 1;  /* includes -inf */
    double fl = floor(b);          /* exact, and fits in int64 */
    int64_t f = (int64_t)fl;
    if (a < f) return -1;
    if (a > f) return 1;
    return b > fl ? -1 : 0;
}

/* Converts an integral double to int64 with CPython's errors. */
static int num_integral_to_int(double x, int64_t *out, num_error *err) {
    if (isinf(x))
        return num_error_set(err, "OverflowError", "cannot convert float infinity to integer");
    if (isnan(x)) return num_error_set(err, "ValueError", "cannot convert float NaN to integer");
    if (x >= NUM_TWO63 || x < -NUM_TWO63) return num_overflow(err);
    *out = (int64_t)x;
    return 0;
}

int num_float_to_int(double x, int64_t *out, num_error *err) {
    return num_integral_to_int(trunc(x), out, err);
}

int num_float_floor_to_int(double x, int64_t *out, num_error *err) {
    return num_integral_to_int(floor(x), out, err);
}

int num_float_ceil_to_int(double x, int64_t *out, num_error *err) {
    return num_integral_to_int(ceil(x), out, err);
}

int num_round_float_to_int(double x, int64_t *out, num_error *err) {
    double r = round(x);
    if (fabs(x - r) == 0.5) r = 2.0 * round(x / 2.0);
    return num_integral_to_int(r, out, err);
}

/* Rounds the decimal digit string d (digits of an integer, no sign) at
 * `keep` digits from the left, half-even, sticky meaning a nonzero fraction
 * follows d. Returns the rounded prefix in d (may gain a leading '1'). */
static void num_round_digits(strbuf *d, size_t keep, bool sticky) {
    bool up;
    if (keep >= d->len) return;
    char first = d->data[keep];
    bool rest_nonzero = sticky;
    for (size_t i = keep + 1; i < d->len && !rest_nonzero; i++) rest_nonzero = d->data[i] != '0';
    if (first > '5' || (first == '5' && rest_nonzero))
        up = true;
    else if (first == '5')
        up = keep > 0 && ((d->data[keep - 1] - '0') & 1);
    else
        up = false;
    d->len = keep;
    d->data[keep] = '\0';
    if (!up) return;
    size_t i = keep;
    while (i > 0 && d->data[i - 1] == '9') d->data[--i] = '0';
    if (i > 0) {
        d->data[i - 1]++;
    } else {
        sb_putc(d, '0');
        memmove(d->data + 1, d->data, d->len - 1);
        d->data[0] = '1';
    }
}

int num_round_float(double x, int64_t ndigits, double *out, num_error *err) {
    if (!isfinite(x)) {
        *out = x;
        return 0;
    }
    if (ndigits > 323) { /* NDIGITS_MAX: x rounds to itself */
        *out = x;
        return 0;
    }
    if (ndigits < -308) { /* NDIGITS_MIN: +-0.0 */
        *out = 0.0 * x;
        return 0;
    }
    strbuf s;
    sb_init(&s);
    double r;
    locale_t old = fmt_c_locale_enter();
    if (ndigits >= 0) {
        /* glibc rounds the exact binary value half-even, like dtoa mode 3. */
        sb_printf(&s, "%.*f", (int)ndigits, x);
        r = strtod(s.data, NULL);
    } else {
        /* Round the exact integer part (its fraction only breaks ties) at
         * 10**k, on digits, half-even. */
        double ax = fabs(x), ip = trunc(ax);
        size_t k = (size_t)(-ndigits);
        strbuf d, p;
        sb_init(&d);
        sb_init(&p);
        sb_printf(&d, "%.0f", ip); /* an integral double prints exactly */
        if (d.len == 1 && d.data[0] == '0') sb_clear(&d);
        if (d.len <= k) sb_fill(&p, '0', k + 1 - d.len); /* keep >= 1 digit */
        sb_append(&p, d.data, d.len);
        sb_free(&d);
        num_round_digits(&p, p.len - k, ax != ip);
        sb_printf(&s, "%s%se%d", signbit(x) ? "-" : "", p.data, (int)k);
        sb_free(&p);
        r = strtod(s.data, NULL);
    }
    fmt_c_locale_leave(old);
    sb_free(&s);
    if (isinf(r))
        return num_error_set(err, "OverflowError", "rounded value too large to represent");
    *out = r;
    return 0;
}

int num_round_int(int64_t x, int64_t ndigits, int64_t *out, num_error *err) {
    if (ndigits >= 0) {
        *out = x;
        return 0;
    }
    if (ndigits < -38) { /* 10**39 > 2 * 2**127: every int64 rounds to 0 */
        *out = 0;
        return 0;
    }
    __int128 b = 1;
    for (int64_t i = 0; i < -ndigits; i++) b *= 10;
    __int128 a = x;
    __int128 q = a / b, r = a % b;
    if (r < 0) {
        q -= 1;
        r += b;
    }
    /* divmod_near: round half to even */
    if (r > b - r || (r == b - r && (q & 1))) q += 1; /* 2*r could overflow */
    __int128 res = q * b;
    if (res > INT64_MAX || res < INT64_MIN) return num_overflow(err);
    *out = (int64_t)res;
    return 0;
}

/* ---- hashing -------------------------------------------------------------- */

#define NUM_HASH_BITS 61
#define NUM_HASH_MODULUS (((uint64_t)1 << NUM_HASH_BITS) - 1)
#define NUM_HASH_INF 314159

int64_t num_hash_int(int64_t v) {
    uint64_t m = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    int64_t x = (int64_t)(m % NUM_HASH_MODULUS);
    if (v < 0) x = -x;
    return x == -1 ? -2 : x;
}

int64_t num_hash_double(double v) {
    if (!isfinite(v)) {
        if (isinf(v)) return v > 0 ? NUM_HASH_INF : -NUM_HASH_INF;
        return 0;
    }
    int e;
    double m = frexp(v, &e);
    int sign = 1;
    if (m < 0) {
        sign = -1;
        m = -m;
    }
    uint64_t x = 0, y;
    while (m) {
        x = ((x << 28) & NUM_HASH_MODULUS) | x >> (NUM_HASH_BITS - 28);
        m *= 268435456.0; /* 2**28 */
        e -= 28;
        y = (uint64_t)m;
        m -= (double)y;
        x += y;
        if (x >= NUM_HASH_MODULUS) x -= NUM_HASH_MODULUS;
    }
    e = e >= 0 ? e % NUM_HASH_BITS : NUM_HASH_BITS - 1 - ((-1 - e) % NUM_HASH_BITS);
    x = ((x << e) & NUM_HASH_MODULUS) | x >> (NUM_HASH_BITS - e);
    x = x * (uint64_t)(int64_t)sign;
    if (x == (uint64_t)-1) x = (uint64_t)-2;
    return (int64_t)x;
}

/* ---- parsing -------------------------------------------------------------- */

/* CPython's _PyUnicode_TransformDecimalAndSpaceToASCII: ASCII stays, other
 * whitespace becomes ' ', other decimal digits their ASCII digit, anything
 * else '?' (which no parser accepts). */
static void num_to_ascii(const char *s, size_t n, strbuf *out) {
    size_t pos = 0;
    while (pos < n) {
        unsigned char c = (unsigned char)s[pos];
        if (c < 0x80) {
            sb_putc(out, (char)c);
            pos++;
            continue;
        }
        uint32_t cp = fmt_utf8_next(s, n, &pos);
        int d;
        if (fmt_unicode_isspace(cp))
            sb_putc(out, ' ');
        else if ((d = fmt_unicode_decimal(cp)) >= 0)
            sb_putc(out, (char)('0' + d));
        else
            sb_putc(out, '?');
    }
    if (!out->data) sb_reserve(out, 0);
}

/* Py_ISSPACE: ASCII whitespace only. */
static bool num_isspace(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

static int num_digit_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'z') return c - 'a' + 10;
    if (c >= 'A' && c <= 'Z') return c - 'A' + 10;
    return 99;
}

/* Writes ValueError "<prefix>: <repr(s)>" with the repr cut at `cut` code
 * points when cut > 0 (CPython's %.200R). */
static int num_literal_error(num_error *err, const char *prefix, const char *s, size_t n,
                             size_t cut) {
    if (!err) return -1;
    strbuf r;
    sb_init(&r);
    fmt_str_repr(&r, s, n);
    size_t len = r.len;
    if (cut) len = fmt_utf8_prefix(r.data, r.len, cut);
    size_t room = sizeof err->msg - strlen(prefix) - 3;
    if (len > room) { /* cut on a code point boundary */
        len = room;
        while (len > 0 && ((unsigned char)r.data[len] & 0xC0) == 0x80) len--;
    }
    num_error_set(err, "ValueError", "%s: %.*s", prefix, (int)len, r.data);
    sb_free(&r);
    return -1;
}

/* What num_scan_int found. */
enum { NUM_SCAN_OK, NUM_SCAN_INVALID, NUM_SCAN_OVERFLOW, NUM_SCAN_TOO_LONG };

/* CPython 3.11's int_max_str_digits default (sys.set_int_max_str_digits). */
#define NUM_MAX_STR_DIGITS 4300

/* PyLong_FromString on the ASCII text t. *ndigits gets the digit count
 * (for the NUM_SCAN_TOO_LONG message). */
static int num_scan_int(const char *t, size_t n, int base, int64_t *out, size_t *ndigits) {
    size_t i = 0;
    bool neg = false, error_if_nonzero = false;
    while (i < n && num_isspace(t[i])) i++;
    if (i < n && t[i] == '+')
        i++;
    else if (i < n && t[i] == '-') {
        i++;
        neg = true;
    }
    char c1 = i + 1 < n ? (char)(t[i + 1] | 0x20) : 0;
    if (base == 0) {
        if (i >= n || t[i] != '0')
            base = 10;
        else if (c1 == 'x')
            base = 16;
        else if (c1 == 'o')
            base = 8;
        else if (c1 == 'b')
            base = 2;
        else {
            error_if_nonzero = true;
            base = 10;
        }
    }
    if (i < n && t[i] == '0' &&
        ((base == 16 && c1 == 'x') || (base == 8 && c1 == 'o') || (base == 2 && c1 == 'b'))) {
        i += 2;
        if (i < n && t[i] == '_') i++; /* one underscore allowed after the prefix */
    }
    if (i < n && t[i] == '_') return NUM_SCAN_INVALID;
    size_t start = i, digits = 0;
    char prev = 0;
    unsigned __int128 acc = 0;
    bool big = false;
    while (i < n && (num_digit_value(t[i]) < base || t[i] == '_')) {
        if (t[i] == '_') {
            if (prev == '_') return NUM_SCAN_INVALID;
        } else {
            digits++;
            acc = acc * (unsigned)base + (unsigned)num_digit_value(t[i]);
            if (acc > ((unsigned __int128)1 << 63)) {
                big = true;
                acc = (unsigned __int128)1 << 64; /* stays too big */
            }
        }
        prev = t[i];
        i++;
    }
    if (prev == '_') return NUM_SCAN_INVALID;
    if ((base & (base - 1)) != 0 && digits > NUM_MAX_STR_DIGITS) {
        *ndigits = digits; /* CPython checks this before the rest */
        return NUM_SCAN_TOO_LONG;
    }
    if (i == start) return NUM_SCAN_INVALID;
    if (error_if_nonzero && (acc != 0 || big)) return NUM_SCAN_INVALID;
    while (i < n && num_isspace(t[i])) i++;
    if (i != n) return NUM_SCAN_INVALID;
    if (big || (!neg && acc > (unsigned __int128)INT64_MAX)) return NUM_SCAN_OVERFLOW;
    *out = neg ? (int64_t)(0 - (uint64_t)acc) : (int64_t)acc;
    return NUM_SCAN_OK;
}

int num_parse_int(const char *s, size_t n, int base, int64_t *out, num_error *err) {
    if ((base != 0 && base < 2) || base > 36)
        return num_error_set(err, "ValueError", "int() base must be >= 2 and <= 36, or 0");
    strbuf t;
    sb_init(&t);
    num_to_ascii(s, n, &t);
    size_t ndigits = 0;
    int rc = num_scan_int(t.data, t.len, base, out, &ndigits);
    sb_free(&t);
    if (rc == NUM_SCAN_INVALID) {
        char prefix[64];
        snprintf(prefix, sizeof prefix, "invalid literal for int() with base %d", base);
        return num_literal_error(err, prefix, s, n, 200);
    }
    if (rc == NUM_SCAN_TOO_LONG)
        return num_error_set(err, "ValueError",
                             "Exceeds the limit (%d digits) for integer string conversion: value has %zu "
                             "digits; use sys.set_int_max_str_digits() to increase the limit",
                             NUM_MAX_STR_DIGITS, ndigits);
    if (rc == NUM_SCAN_OVERFLOW) return num_overflow(err);
    return 0;
}

static bool num_ieq(const char *a, const char *b, size_t n) {
    for (size_t i = 0; i < n; i++)
        if ((a[i] | 0x20) != b[i]) return false;
    return true;
}

/* float_from_string_inner after underscore removal: t is ASCII. */
static bool num_scan_float(const char *t, size_t n, double *out) {
    size_t i = 0, last = n;
    while (i < last && num_isspace(t[i])) i++;
    if (i == last) return false;
    while (last - 1 > i && num_isspace(t[last - 1])) last--;
    const char *s = t + i;
    size_t len = last - i;
    /* inf / infinity / nan with an optional sign */
    size_t k = 0;
    bool neg = false;
    if (k < len && (s[k] == '+' || s[k] == '-')) neg = s[k++] == '-';
    size_t rest = len - k;
    if ((rest == 3 && num_ieq(s + k, "inf", 3)) || (rest == 8 && num_ieq(s + k, "infinity", 8))) {
        *out = neg ? -INFINITY : INFINITY;
        return true;
    }
    if (rest == 3 && num_ieq(s + k, "nan", 3)) {
        *out = copysign(NAN, neg ? -1.0 : 1.0);
        return true;
    }
    /* digits [. digits] [e [sign] digits], at least one mantissa digit */
    size_t nd = 0;
    while (k < len && s[k] >= '0' && s[k] <= '9') k++, nd++;
    if (k < len && s[k] == '.') {
        k++;
        while (k < len && s[k] >= '0' && s[k] <= '9') k++, nd++;
    }
    if (nd == 0) return false;
    if (k < len && (s[k] == 'e' || s[k] == 'E')) {
        size_t e = k + 1, ed = 0;
        if (e < len && (s[e] == '+' || s[e] == '-')) e++;
        while (e < len && s[e] >= '0' && s[e] <= '9') e++, ed++;
        if (ed == 0) return false;
        k = e;
    }
    if (k != len) return false;
    char *copy = xstrndup(s, len);
    locale_t old = fmt_c_locale_enter();
    *out = strtod(copy, NULL); /* correctly rounded; overflow gives inf */
    fmt_c_locale_leave(old);
    free(copy);
    errno = 0;
    return true;
}

int num_parse_float(const char *s, size_t n, double *out, num_error *err) {
    strbuf t;
    sb_init(&t);
    num_to_ascii(s, n, &t);
    bool ok = true;
    if (memchr(t.data, '_', t.len)) {
        /* underscores only between digits; then drop them */
        size_t w = 0;
        char prev = 0;
        for (size_t i = 0; i < t.len && ok; i++) {
            char c = t.data[i];
            if (c == '_') {
                if (!(prev >= '0' && prev <= '9')) ok = false;
            } else {
                t.data[w++] = c;
                if (prev == '_' && !(c >= '0' && c <= '9')) ok = false;
            }
            prev = c;
        }
        if (prev == '_') ok = false;
        t.len = w;
    }
    if (ok && memchr(t.data, '\0', t.len)) ok = false;
    if (ok) ok = num_scan_float(t.data, t.len, out);
    sb_free(&t);
    if (!ok) return num_literal_error(err, "could not convert string to float", s, n, 0);
    return 0;
}
