/* rng.c - CPython's random module: MT19937 as in Modules/_randommodule.c
 * and the Lib/random.py algorithms on top of it (see rng.h). */
#include "rng.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

#define RNG_M 397
#define RNG_MATRIX_A 0x9908b0dfU
#define RNG_UPPER_MASK 0x80000000U
#define RNG_LOWER_MASK 0x7fffffffU

static void rng_init_genrand(rng *r, uint32_t s) {
    r->mt[0] = s;
    for (uint32_t i = 1; i < RNG_N; i++) r->mt[i] = 1812433253U * (r->mt[i - 1] ^ (r->mt[i - 1] >> 30)) + i;
    r->mti = RNG_N;
}

void rng_seed_words(rng *r, const uint32_t *key, size_t n) {
    static const uint32_t zero = 0;
    if (n == 0) {
        key = &zero;
        n = 1;
    }
    uint32_t *mt = r->mt;
    rng_init_genrand(r, 19650218U);
    size_t i = 1, j = 0;
    for (size_t k = RNG_N > n ? RNG_N : n; k; k--) {
        mt[i] = (mt[i] ^ ((mt[i - 1] ^ (mt[i - 1] >> 30)) * 1664525U)) + key[j] + (uint32_t)j;
        i++;
        j++;
        if (i >= RNG_N) {
            mt[0] = mt[RNG_N - 1];
            i = 1;
        }
        if (j >= n) j = 0;
    }
    for (size_t k = RNG_N - 1; k; k--) {
        mt[i] = (mt[i] ^ ((mt[i - 1] ^ (mt[i - 1] >> 30)) * 1566083941U)) - (uint32_t)i;
        i++;
        if (i >= RNG_N) {
            mt[0] = mt[RNG_N - 1];
            i = 1;
        }
    }
    mt[0] = 0x80000000U;
    r->mti = RNG_N;
    r->has_gauss_next = false;
    r->gauss_next = 0.0;
}

void rng_seed_u64(rng *r, uint64_t n) {
    uint32_t key[2] = {(uint32_t)n, (uint32_t)(n >> 32)};
    rng_seed_words(r, key, key[1] ? 2 : 1);
}

void rng_seed_i64(rng *r, int64_t n) {
    rng_seed_u64(r, n < 0 ? (uint64_t)0 - (uint64_t)n : (uint64_t)n);
}

uint32_t rng_genrand(rng *r) {
    static const uint32_t mag01[2] = {0x0U, RNG_MATRIX_A};
    uint32_t *mt = r->mt, y;
    if (r->mti >= RNG_N) {
        int kk;
        for (kk = 0; kk < RNG_N - RNG_M; kk++) {
            y = (mt[kk] & RNG_UPPER_MASK) | (mt[kk + 1] & RNG_LOWER_MASK);
            mt[kk] = mt[kk + RNG_M] ^ (y >> 1) ^ mag01[y & 0x1U];
        }
        for (; kk < RNG_N - 1; kk++) {
            y = (mt[kk] & RNG_UPPER_MASK) | (mt[kk + 1] & RNG_LOWER_MASK);
            mt[kk] = mt[kk + (RNG_M - RNG_N)] ^ (y >> 1) ^ mag01[y & 0x1U];
        }
        y = (mt[RNG_N - 1] & RNG_UPPER_MASK) | (mt[0] & RNG_LOWER_MASK);
        mt[RNG_N - 1] = mt[RNG_M - 1] ^ (y >> 1) ^ mag01[y & 0x1U];
        r->mti = 0;
    }
    y = mt[r->mti++];
    y ^= (y >> 11);
    y ^= (y << 7) & 0x9d2c5680U;
    y ^= (y << 15) & 0xefc60000U;
    y ^= (y >> 18);
    return y;
}

double rng_random(rng *r) {
    uint32_t a = rng_genrand(r) >> 5, b = rng_genrand(r) >> 6;
    return ((double)a * 67108864.0 + (double)b) * (1.0 / 9007199254740992.0);
}

/* getrandbits(k) for 0 <= k <= 128: 32-bit words, least significant first,
 * the last one keeping its top bits. */
static unsigned __int128 rng_getrandbits128(rng *r, int k) {
    if (k <= 0) return 0;
    if (k <= 32) return rng_genrand(r) >> (32 - k);
    unsigned __int128 v = 0;
    int words = (k - 1) / 32 + 1;
    for (int i = 0; i < words; i++, k -= 32) {
        uint32_t w = rng_genrand(r);
        if (k < 32) w >>= (32 - k);
        v |= (unsigned __int128)w << (32 * i);
    }
    return v;
}

uint64_t rng_getrandbits(rng *r, int k) {
    if (k > 64) k = 64;
    return (uint64_t)rng_getrandbits128(r, k);
}

static int rng_bit_length128(unsigned __int128 n) {
    int b = 0;
    while (n) {
        b++;
        n >>= 1;
    }
    return b;
}

/* _randbelow_with_getrandbits for 1 <= n <= 2**64. */
static unsigned __int128 rng_randbelow128(rng *r, unsigned __int128 n) {
    if (n == 0) return 0;
    int k = rng_bit_length128(n);
    unsigned __int128 v = rng_getrandbits128(r, k);
    while (v >= n) v = rng_getrandbits128(r, k);
    return v;
}

uint64_t rng_randbelow(rng *r, uint64_t n) { return (uint64_t)rng_randbelow128(r, n); }

/* Appends the decimal text of v to buf (size >= 48). */
static void rng_i128_str(__int128 v, char *buf) {
    char tmp[48];
    int i = 0;
    unsigned __int128 m = v < 0 ? (unsigned __int128)0 - (unsigned __int128)v : (unsigned __int128)v;
    do {
        tmp[i++] = (char)('0' + (int)(m % 10));
        m /= 10;
    } while (m);
    size_t o = 0;
    if (v < 0) buf[o++] = '-';
    while (i) buf[o++] = tmp[--i];
    buf[o] = '\0';
}

static __int128 rng_floordiv128(__int128 a, __int128 b) {
    __int128 q = a / b, m = a % b;
    if (m != 0 && ((m < 0) != (b < 0))) q -= 1;
    return q;
}

/* randrange(start, stop, step) on 128-bit values (stop may be 2**63). */
static int rng_randrange128(rng *r, __int128 istart, __int128 istop, __int128 istep, int64_t *out,
                            num_error *err) {
    __int128 width = istop - istart, n;
    if (istep == 1) {
        if (width > 0) {
            *out = (int64_t)(istart + (__int128)rng_randbelow128(r, (unsigned __int128)width));
            return 0;
        }
        char a[48], b[48], c[48];
        rng_i128_str(istart, a);
        rng_i128_str(istop, b);
        rng_i128_str(width, c);
        return num_error_set(err, "ValueError", "empty range for randrange() (%s, %s, %s)", a, b, c);
    }
    if (istep > 0)
        n = rng_floordiv128(width + istep - 1, istep);
    else if (istep < 0)
        n = rng_floordiv128(width + istep + 1, istep);
    else
        return num_error_set(err, "ValueError", "zero step for randrange()");
    if (n <= 0) return num_error_set(err, "ValueError", "empty range for randrange()");
    *out = (int64_t)(istart + istep * (__int128)rng_randbelow128(r, (unsigned __int128)n));
    return 0;
}

int rng_randrange_stop(rng *r, int64_t stop, int64_t *out, num_error *err) {
    if (stop > 0) {
        *out = (int64_t)rng_randbelow(r, (uint64_t)stop);
        return 0;
    }
    return num_error_set(err, "ValueError", "empty range for randrange()");
}

int rng_randrange(rng *r, int64_t start, int64_t stop, int64_t step, int64_t *out, num_error *err) {
    return rng_randrange128(r, start, stop, step, out, err);
}

int rng_randint(rng *r, int64_t a, int64_t b, int64_t *out, num_error *err) {
    return rng_randrange128(r, a, (__int128)b + 1, 1, out, err);
}

void rng_shuffle(rng *r, void *base, size_t n, size_t size) {
    unsigned char small[64], *tmp = size <= sizeof small ? small : xmalloc(size);
    unsigned char *a = base;
    for (size_t i = n ? n - 1 : 0; i >= 1; i--) {
        size_t j = (size_t)rng_randbelow(r, (uint64_t)i + 1);
        if (j != i) {
            memcpy(tmp, a + i * size, size);
            memcpy(a + i * size, a + j * size, size);
            memcpy(a + j * size, tmp, size);
        }
    }
    if (tmp != small) free(tmp);
}

int rng_sample_indices(rng *r, int64_t n, int64_t k, int64_t *out, num_error *err) {
    if (!(0 <= k && k <= n))
        return num_error_set(err, "ValueError", "Sample larger than population or is negative");
    int64_t setsize = 21; /* size of a small set minus size of an empty list */
    if (k > 5) setsize += (int64_t)pow(4.0, ceil(log((double)(k * 3)) / log(4.0)));
    if (n <= setsize) {
        /* pool method: pool[0 : n-i] holds the unselected indices */
        int64_t *pool = xmalloc((size_t)(n ? n : 1) * sizeof *pool);
        for (int64_t i = 0; i < n; i++) pool[i] = i;
        for (int64_t i = 0; i < k; i++) {
            int64_t j = (int64_t)rng_randbelow(r, (uint64_t)(n - i));
            out[i] = pool[j];
            pool[j] = pool[n - i - 1];
        }
        free(pool);
        return 0;
    }
    /* set method: redraw indices already selected (open-addressing set) */
    size_t cap = 16;
    while (cap < (size_t)k * 2 + 2) cap *= 2;
    int64_t *set = xmalloc(cap * sizeof *set);
    for (size_t i = 0; i < cap; i++) set[i] = -1;
    for (int64_t i = 0; i < k; i++) {
        for (;;) {
            int64_t j = (int64_t)rng_randbelow(r, (uint64_t)n);
            size_t h = (size_t)((uint64_t)j * 0x9E3779B97F4A7C15ULL >> 20) & (cap - 1);
            while (set[h] != -1 && set[h] != j) h = (h + 1) & (cap - 1);
            if (set[h] == j) continue;
            set[h] = j;
            out[i] = j;
            break;
        }
    }
    free(set);
    return 0;
}

size_t rng_choices_index(rng *r, size_t n) { return (size_t)floor(rng_random(r) * (double)n); }

/* ---- distributions ------------------------------------------------------- */

double rng_uniform(rng *r, double a, double b) { return a + (b - a) * rng_random(r); }

double rng_triangular(rng *r, double low, double high, double mode, bool has_mode) {
    double u = rng_random(r), c;
    if (!has_mode) {
        c = 0.5;
    } else {
        if (high - low == 0.0) return low; /* ZeroDivisionError caught */
        c = (mode - low) / (high - low);
    }
    if (u > c) {
        u = 1.0 - u;
        c = 1.0 - c;
        double t = low;
        low = high;
        high = t;
    }
    return low + (high - low) * sqrt(u * c);
}

int rng_expovariate(rng *r, double lambd, double *out, num_error *err) {
    double v = -log(1.0 - rng_random(r));
    return num_float_div(v, lambd, out, err);
}

double rng_gauss(rng *r, double mu, double sigma) {
    double z;
    if (r->has_gauss_next) {
        z = r->gauss_next;
        r->has_gauss_next = false;
    } else {
        double x2pi = rng_random(r) * 6.283185307179586; /* math.tau */
        double g2rad = sqrt(-2.0 * log(1.0 - rng_random(r)));
        z = cos(x2pi) * g2rad;
        r->gauss_next = sin(x2pi) * g2rad;
        r->has_gauss_next = true;
    }
    return mu + z * sigma;
}

double rng_normalvariate(rng *r, double mu, double sigma) {
    const double nv_magicconst = 4 * exp(-0.5) / sqrt(2.0);
    double z;
    for (;;) {
        double u1 = rng_random(r);
        double u2 = 1.0 - rng_random(r);
        z = nv_magicconst * (u1 - 0.5) / u2;
        double zz = z * z / 4.0;
        if (zz <= -log(u2)) break;
    }
    return mu + z * sigma;
}

double rng_lognormvariate(rng *r, double mu, double sigma) {
    return exp(rng_normalvariate(r, mu, sigma));
}

int rng_paretovariate(rng *r, double alpha, double *out, num_error *err) {
    double u = 1.0 - rng_random(r), e;
    if (num_float_div(-1.0, alpha, &e, err)) return -1;
    return num_float_pow(u, e, out, err);
}

int rng_weibullvariate(rng *r, double alpha, double beta, double *out, num_error *err) {
    double u = 1.0 - rng_random(r), e, p;
    if (num_float_div(1.0, beta, &e, err)) return -1;
    if (num_float_pow(-log(u), e, &p, err)) return -1;
    *out = alpha * p;
    return 0;
}
