/* num.h - Python number semantics on plain C types: int64_t for int, double
 * for float. Every result matches CPython 3.11 bit for bit; where CPython
 * would grow a big int, concviz reports an OverflowError instead.
 *
 * Functions that can fail return 0 on success or -1 with *err filled in
 * (err may be NULL). The value model turns a num_error into an exception. */
#ifndef CONCVIZ_NUM_H
#define CONCVIZ_NUM_H

#include <stddef.h>
#include <stdint.h>

/* A Python exception: type is a static string ("ValueError",
 * "OverflowError", "ZeroDivisionError", "TypeError", "IndexError"); msg is
 * the exact text CPython prints after "Type: ". Shared by fmt.h and rng.h. */
typedef struct num_error {
    const char *type;
    char msg[1024];     /* long reprs inside messages are cut to fit */
} num_error;

/* Fills *err (if not NULL) with type and a printf-style message; returns -1
 * so a caller can write `return num_error_set(err, ...)`. */
int num_error_set(num_error *err, const char *type, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* The message for any int result that does not fit in int64. */
#define NUM_INT_OVERFLOW_MSG "integer result too large for concviz (int64)"

/* ---- int (int64_t) arithmetic ------------------------------------------ */

int num_int_add(int64_t a, int64_t b, int64_t *out, num_error *err);
int num_int_sub(int64_t a, int64_t b, int64_t *out, num_error *err);
int num_int_mul(int64_t a, int64_t b, int64_t *out, num_error *err);
/* Unary minus and abs(): fail only for INT64_MIN. */
int num_int_neg(int64_t a, int64_t *out, num_error *err);
int num_int_abs(int64_t a, int64_t *out, num_error *err);
/* a // b, rounded toward minus infinity.
 * ZeroDivisionError 'integer division or modulo by zero'. */
int num_int_floordiv(int64_t a, int64_t b, int64_t *out, num_error *err);
/* a % b, with the sign of b. ZeroDivisionError 'integer modulo by zero'. */
int num_int_mod(int64_t a, int64_t b, int64_t *out, num_error *err);
/* divmod(a, b). ZeroDivisionError 'integer division or modulo by zero'. */
int num_int_divmod(int64_t a, int64_t b, int64_t *q, int64_t *r, num_error *err);
/* a / b, correctly rounded as CPython does for any ints (0 / -5 == -0.0).
 * ZeroDivisionError 'division by zero'. */
int num_int_truediv(int64_t a, int64_t b, double *out, num_error *err);
/* base ** exp. exp >= 0: exact int in *out, *is_float = 0 (0 ** 0 == 1).
 * exp < 0: CPython computes float(base) ** float(exp): *fout, *is_float = 1
 * (2 ** -1 == 0.5; 0 ** -1 is ZeroDivisionError
 * '0.0 cannot be raised to a negative power'). */
int num_int_pow(int64_t base, int64_t exp, int64_t *out, double *fout, int *is_float,
                num_error *err);
/* a << n and a >> n (arithmetic). ValueError 'negative shift count'. */
int num_int_lshift(int64_t a, int64_t n, int64_t *out, num_error *err);
int num_int_rshift(int64_t a, int64_t n, int64_t *out, num_error *err);
/* int.bit_length(): bits of abs(a), 0 for 0. */
int num_int_bit_length(int64_t a);

/* ---- float (double) arithmetic ----------------------------------------- */

/* ZeroDivisionError 'float division by zero'. */
int num_float_div(double a, double b, double *out, num_error *err);
/* a // b as CPython's float_divmod (fmod based): -7.5 // 2 == -4.0.
 * ZeroDivisionError 'float floor division by zero'. */
int num_float_floordiv(double a, double b, double *out, num_error *err);
/* a % b with the sign of b: -7.5 % 2 == 0.5. ZeroDivisionError 'float modulo'. */
int num_float_mod(double a, double b, double *out, num_error *err);
/* divmod(a, b). ZeroDivisionError 'float divmod()'. */
int num_float_divmod(double a, double b, double *q, double *r, num_error *err);
/* a ** b as CPython's float_pow. ZeroDivisionError
 * '0.0 cannot be raised to a negative power'; a negative base with a
 * non-integer exponent (a complex in CPython) is ValueError
 * 'complex results are not supported by concviz'; overflow is OverflowError
 * '(34, 'Numerical result out of range')'. */
int num_float_pow(double a, double b, double *out, num_error *err);

/* ---- comparisons and conversions --------------------------------------- */

#define NUM_CMP_UNORDERED 2
/* Exact comparison of an int with a float (even beyond 2**53): -1 if a < b,
 * 0 if equal, 1 if a > b, NUM_CMP_UNORDERED if b is NaN. */
int num_cmp_int_float(int64_t a, double b);

/* int(x): truncation. OverflowError 'cannot convert float infinity to
 * integer', ValueError 'cannot convert float NaN to integer'; values outside
 * int64 give OverflowError NUM_INT_OVERFLOW_MSG. */
int num_float_to_int(double x, int64_t *out, num_error *err);
/* math.floor(x) / math.ceil(x) as ints, same errors as num_float_to_int. */
int num_float_floor_to_int(double x, int64_t *out, num_error *err);
int num_float_ceil_to_int(double x, int64_t *out, num_error *err);

/* round(x, ndigits) for a float: correctly rounded, half-even on the exact
 * binary value (round(2.675, 2) == 2.67); inf/nan round to themselves.
 * OverflowError 'rounded value too large to represent'. */
int num_round_float(double x, int64_t ndigits, double *out, num_error *err);
/* round(x) for a float: half-even to an int (round(2.5) == 2). Errors as
 * num_float_to_int. */
int num_round_float_to_int(double x, int64_t *out, num_error *err);
/* round(x, ndigits) for an int: x itself when ndigits >= 0, else half-even
 * to a multiple of 10**-ndigits (round(1250, -2) == 1200). */
int num_round_int(int64_t x, int64_t ndigits, int64_t *out, num_error *err);

/* ---- hashing ------------------------------------------------------------ */

/* hash() of ints and floats, equal for equal values (hash(1.0) == hash(1)),
 * reduced modulo 2**61 - 1 as CPython does; hash(-1) == -2.
 * hash(nan) is 0 here: CPython 3.11 hashes a NaN by object identity, so a
 * caller wanting that must hash the object instead. */
int64_t num_hash_int(int64_t v);
int64_t num_hash_double(double v);

/* ---- parsing ------------------------------------------------------------ */

/* int(s, base) for UTF-8 text s of n bytes: surrounding whitespace
 * (Unicode too), a sign, underscores between digits, Unicode decimal digits,
 * base 0 with 0x/0o/0b prefixes (and '0' only as all zeros), bases 2..36.
 * ValueError "invalid literal for int() with base 10: 'abc'" (repr of the
 * original text, cut at 200 characters), ValueError
 * 'int() base must be >= 2 and <= 36, or 0'; a valid literal beyond int64
 * gives OverflowError NUM_INT_OVERFLOW_MSG. */
int num_parse_int(const char *s, size_t n, int base, int64_t *out, num_error *err);
/* float(s): whitespace, underscores between digits, signs, 'inf',
 * 'infinity', 'nan' in any case, Unicode digits.
 * ValueError "could not convert string to float: 'x1'". */
int num_parse_float(const char *s, size_t n, double *out, num_error *err);

#endif
