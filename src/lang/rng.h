/* rng.h - CPython's random module, bit for bit: the MT19937 generator of
 * Modules/_randommodule.c and the algorithms of Lib/random.py (3.11).
 * A program seeded the same way draws the same numbers as under python3.
 *
 * Things the caller builds from these, exactly as Lib/random.py does:
 *   choice(seq):  empty -> IndexError 'Cannot choose from an empty sequence';
 *                 else seq[rng_randbelow(r, len(seq))]
 *   shuffle(x):   for i = len(x)-1 down to 1: j = rng_randbelow(r, i+1);
 *                 swap x[i], x[j]            (rng_shuffle does this)
 *   sample(population, k): rng_sample_indices gives the population indices
 *                 (k > n or k < 0: ValueError
 *                 'Sample larger than population or is negative')
 *   choices(population, k=k) without weights: each pick is
 *                 population[floor(rng_random(r) * (double)n)]
 *                 (rng_choices_index); with weights: cum = running sums,
 *                 total = cum[-1] + 0.0, pick
 *                 bisect_right(cum, rng_random(r) * total, 0, n - 1)
 *   seed(x) for a float x: seed with abs(hash(x)) (num_hash_double);
 *   seed(None): the caller's choice of entropy (concviz: lang_run_opts.seed).
 *   str/bytes seeds (sha512 based) are not supported. */
#ifndef CONCVIZ_RNG_H
#define CONCVIZ_RNG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "num.h"

#define RNG_N 624

/* The generator state; seed it (rng_seed_*) before drawing. */
typedef struct rng {
    uint32_t mt[RNG_N];
    int mti;
    bool has_gauss_next; /* random.gauss keeps a second value */
    double gauss_next;
} rng;

/* random.seed(n) for an int n: init_by_array over the 32-bit words of
 * abs(n), least significant first (n == 0: one word 0). */
void rng_seed_u64(rng *r, uint64_t n);
void rng_seed_i64(rng *r, int64_t n);
/* init_by_array with any key: the words of a bigger abs(n). */
void rng_seed_words(rng *r, const uint32_t *key, size_t n);

/* The next raw 32-bit output. */
uint32_t rng_genrand(rng *r);
/* random.random(): 53 random bits in [0, 1). */
double rng_random(rng *r);
/* random.getrandbits(k) for 0 <= k <= 64. */
uint64_t rng_getrandbits(rng *r, int k);
/* Random._randbelow(n) for n >= 1 (getrandbits(n.bit_length()) until < n). */
uint64_t rng_randbelow(rng *r, uint64_t n);

/* random.randrange(stop). ValueError 'empty range for randrange()'. */
int rng_randrange_stop(rng *r, int64_t stop, int64_t *out, num_error *err);
/* random.randrange(start, stop, step). ValueError
 * 'empty range for randrange() (5, 5, 0)' (step 1),
 * 'empty range for randrange()', 'zero step for randrange()'. */
int rng_randrange(rng *r, int64_t start, int64_t stop, int64_t step, int64_t *out, num_error *err);
/* random.randint(a, b) == randrange(a, b + 1). */
int rng_randint(rng *r, int64_t a, int64_t b, int64_t *out, num_error *err);

/* random.shuffle on an array of n elements of `size` bytes. */
void rng_shuffle(rng *r, void *base, size_t n, size_t size);
/* random.sample(range(n), k): writes k indices into out. ValueError
 * 'Sample larger than population or is negative'. */
int rng_sample_indices(rng *r, int64_t n, int64_t k, int64_t *out, num_error *err);
/* One pick of random.choices(population) without weights: floor(random()*n). */
size_t rng_choices_index(rng *r, size_t n);

/* Real-valued distributions, as Lib/random.py computes them. */
double rng_uniform(rng *r, double a, double b);
/* triangular(low, high, mode); has_mode false means mode=None. */
double rng_triangular(rng *r, double low, double high, double mode, bool has_mode);
/* expovariate(lambd): ZeroDivisionError 'float division by zero' for 0. */
int rng_expovariate(rng *r, double lambd, double *out, num_error *err);
double rng_gauss(rng *r, double mu, double sigma);
double rng_normalvariate(rng *r, double mu, double sigma);
double rng_lognormvariate(rng *r, double mu, double sigma);
/* paretovariate / weibullvariate: errors as CPython's float ops. */
int rng_paretovariate(rng *r, double alpha, double *out, num_error *err);
int rng_weibullvariate(rng *r, double alpha, double beta, double *out, num_error *err);

#endif
