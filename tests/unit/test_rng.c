/* test_rng.c - unit tests of rng against CPython 3.11's random module: the
 * numbers below are what python3 printed for the same seeds and calls
 * (e.g. random.seed(7); [random.random() for _ in range(5)]). */
#include "lang/rng.h"

#include <check.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static const struct {
    int64_t seed;
    double want[5];
} test_random_cases[] = {
    {7LL, {0.32383276483316237, 0.15084917392450192, 0.6509344730398537, 0.07243628666754276, 0.5358820043066892}},
    {0LL, {0.8444218515250481, 0.7579544029403025, 0.420571580830845, 0.25891675029296335, 0.5112747213686085}},
    {1LL, {0.13436424411240122, 0.8474337369372327, 0.763774618976614, 0.2550690257394217, 0.49543508709194095}},
    {42LL, {0.6394267984578837, 0.025010755222666936, 0.27502931836911926, 0.22321073814882275, 0.7364712141640124}},
    {-5LL, {0.6229016948897019, 0.7417869892607294, 0.7951935655656966, 0.9424502837770503, 0.7398985747399307}},
    {4294967296LL, {0.11299430095636409, 0.41782886486292836, 0.0166763664992291, 0.6117214625782752, 0.8056470212514185}},
    {4294967295LL, {0.6353574441341173, 0.20319993954407756, 0.6073666030347188, 0.29133552762158776, 0.3400278163075766}},
    {1099511627779LL, {0.21978710637116716, 0.5494687768352203, 0.09461190973523603, 0.9814015277038539, 0.9029950700508493}},
    {9223372036854775807LL, {0.3166448820870279, 0.631259308253863, 0.8035542479972343, 0.45346382341714553, 0.4767927957583785}},
    {INT64_MIN, {0.5534639983914199, 0.9406144709090462, 0.24199432111690833, 0.8512870110731147, 0.08475572881914784}},
    {123456789123456789LL, {0.4248372429718702, 0.4978394650614635, 0.1659734668076004, 0.8085644017555025, 0.529160780113112}},
};

START_TEST(test_random_sequences) {
    rng r;
    for (size_t i = 0; i < sizeof test_random_cases / sizeof test_random_cases[0]; i++) {
        rng_seed_i64(&r, test_random_cases[i].seed);
        for (int k = 0; k < 5; k++) ck_assert(rng_random(&r) == test_random_cases[i].want[k]);
    }
    const double u64max[] = {0.021825695401270107, 0.3380953268613758, 0.21196748656082065};
    rng_seed_u64(&r, UINT64_MAX);
    for (int k = 0; k < 3; k++) ck_assert(rng_random(&r) == u64max[k]);
    /* seed(n) and seed(-n) agree; reseeding restarts the sequence */
    rng_seed_i64(&r, -12345);
    double a = rng_random(&r);
    rng_seed_i64(&r, 12345);
    ck_assert(rng_random(&r) == a);
}
END_TEST

START_TEST(test_raw_and_bits) {
    rng r;
    const uint32_t raw[] = {3382763572U, 956215839U, 417760592U, 166104981U, 4181578304U, 1596625880U, 357906529U, 1672522146U};
    rng_seed_i64(&r, 5489);
    for (int k = 0; k < 8; k++) ck_assert_uint_eq(rng_genrand(&r), raw[k]);
    static const struct {
        int k;
        uint64_t want;
    } bits[] = {
    {1, 0ULL},
    {2, 0ULL},
    {5, 23ULL},
    {31, 1242003230ULL},
    {32, 1304602151ULL},
    {33, 5154827204ULL},
    {40, 449784071454ULL},
    {53, 6454690558048961ULL},
    {63, 2446233201181806123ULL},
    {64, 4522526442432398336ULL},
    {0, 0ULL},
    {7, 81ULL},
    {48, 206952194201977ULL},
    };
    rng_seed_i64(&r, 2024);
    for (size_t i = 0; i < sizeof bits / sizeof bits[0]; i++)
        ck_assert_uint_eq(rng_getrandbits(&r, bits[i].k), bits[i].want);
    static const struct {
        uint64_t n, want;
    } below[] = {
    {1ULL, 0ULL},
    {2ULL, 1ULL},
    {3ULL, 0ULL},
    {10ULL, 9ULL},
    {1000ULL, 183ULL},
    {2147483648ULL, 988970880ULL},
    {4294967297ULL, 1067004398ULL},
    {4611686018427387909ULL, 798545538688963576ULL},
    {9223372036854775807ULL, 6724124349278416559ULL},
    {18446744073709551615ULL, 9791764239471392644ULL},
    {6ULL, 5ULL},
    {7ULL, 5ULL},
    };
    rng_seed_i64(&r, 99);
    for (size_t i = 0; i < sizeof below / sizeof below[0]; i++)
        ck_assert_uint_eq(rng_randbelow(&r, below[i].n), below[i].want);
}
END_TEST

static const struct {
    int64_t start, stop, step;
    const char *want;
} test_randrange_cases[] = {
    {0LL, 10LL, 1LL, "2"},
    {0LL, 10LL, 2LL, "8"},
    {10LL, 0LL, -1LL, "9"},
    {10LL, 0LL, -3LL, "4"},
    {5LL, 5LL, 1LL, "!ValueError: empty range for randrange() (5, 5, 0)"},
    {5LL, 4LL, 1LL, "!ValueError: empty range for randrange() (5, 4, -1)"},
    {0LL, 10LL, 0LL, "!ValueError: zero step for randrange()"},
    {0LL, 10LL, -1LL, "!ValueError: empty range for randrange()"},
    {INT64_MIN, 9223372036854775807LL, 1LL, "-84207768249046135"},
    {-100LL, 100LL, 7LL, "68"},
    {3LL, 4LL, 1LL, "3"},
    {9223372036854775806LL, 9223372036854775807LL, 1LL, "9223372036854775806"},
    {INT64_MIN, 9223372036854775807LL, 4611686018427387904LL, "4611686018427387904"},
    {0LL, -10LL, -2LL, "-2"},
};

static const struct {
    int64_t stop;
    const char *want;
} test_randrange1_cases[] = {
    {10LL, "1"},
    {1LL, "0"},
    {0LL, "!ValueError: empty range for randrange()"},
    {-3LL, "!ValueError: empty range for randrange()"},
    {9223372036854775807LL, "8239395385945212840"},
    {1000000LL, "876363"},
};

static const struct {
    int64_t a, b;
    const char *want;
} test_randint_cases[] = {
    {1LL, 6LL, "4"},
    {5LL, 5LL, "5"},
    {5LL, 3LL, "!ValueError: empty range for randrange() (5, 4, -1)"},
    {INT64_MIN, 9223372036854775807LL, "3612478816373048742"},
    {0LL, 9223372036854775807LL, "4219918144720109109"},
    {9223372036854775807LL, 9223372036854775807LL, "9223372036854775807"},
};

/* "value" or "!ValueError: message". */
static void test_result(char *buf, size_t n, int rc, int64_t v, const num_error *err) {
    if (rc)
        snprintf(buf, n, "!%s: %s", err->type, err->msg);
    else
        snprintf(buf, n, "%lld", (long long)v);
}

START_TEST(test_ranges) {
    rng r;
    num_error err;
    char buf[sizeof(num_error) + 16];
    int64_t v = 0;
    const int64_t want[] = {7, 1, 5, 6, 4, 5, 10, 7, 3, 6, 2, 7, 5, 9, 3, 10, 9, 3, 6, 2};
    rng_seed_i64(&r, 12345);
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        ck_assert_int_eq(rng_randint(&r, 1, 10, &v, &err), 0);
        ck_assert_int_eq(v, want[i]);
    }
    rng_seed_i64(&r, 1);
    for (size_t i = 0; i < sizeof test_randrange_cases / sizeof test_randrange_cases[0]; i++) {
        int rc = rng_randrange(&r, test_randrange_cases[i].start, test_randrange_cases[i].stop,
                               test_randrange_cases[i].step, &v, &err);
        test_result(buf, sizeof buf, rc, v, &err);
        ck_assert_str_eq(buf, test_randrange_cases[i].want);
    }
    for (size_t i = 0; i < sizeof test_randrange1_cases / sizeof test_randrange1_cases[0]; i++) {
        int rc = rng_randrange_stop(&r, test_randrange1_cases[i].stop, &v, &err);
        test_result(buf, sizeof buf, rc, v, &err);
        ck_assert_str_eq(buf, test_randrange1_cases[i].want);
    }
    for (size_t i = 0; i < sizeof test_randint_cases / sizeof test_randint_cases[0]; i++) {
        int rc = rng_randint(&r, test_randint_cases[i].a, test_randint_cases[i].b, &v, &err);
        test_result(buf, sizeof buf, rc, v, &err);
        ck_assert_str_eq(buf, test_randint_cases[i].want);
    }
}
END_TEST

static const struct {
    int n;
    int want[20];
} test_shuffle_cases[] = {
    {0, {0}},
    {1, {0}},
    {2, {1, 0}},
    {5, {0, 2, 3, 1, 4}},
    {10, {4, 5, 7, 8, 2, 3, 6, 0, 1, 9}},
    {20, {14, 11, 5, 7, 9, 18, 13, 16, 1, 0, 6, 8, 2, 10, 3, 4, 12, 15, 19, 17}},
};

static const struct {
    int64_t n, k;
    int ok;
    int64_t want[10];
} test_sample_cases[] = {
    {10, 3, 1, {3, 4, 1}},
    {10, 10, 1, {6, 7, 2, 0, 9, 5, 3, 8, 1, 4}},
    {5, 0, 1, {0}},
    {30, 6, 1, {7, 16, 17, 11, 8, 24}},
    {100, 5, 1, {22, 13, 33, 27, 3}},
    {1000, 10, 1, {848, 656, 826, 266, 819, 278, 198, 168, 317, 296}},
    {1000000, 8, 1, {657431, 909452, 767447, 896163, 889747, 922800, 390482, 90930}},
    {22, 6, 1, {19, 10, 12, 16, 7, 5}},
    {21, 1, 1, {7}},
    {3, 4, 0, {0}},
};

START_TEST(test_sequences) {
    rng r;
    num_error err;
    rng_seed_i64(&r, 3);
    for (size_t i = 0; i < sizeof test_shuffle_cases / sizeof test_shuffle_cases[0]; i++) {
        int v[20];
        int n = test_shuffle_cases[i].n;
        for (int k = 0; k < n; k++) v[k] = k;
        rng_shuffle(&r, v, (size_t)n, sizeof v[0]);
        for (int k = 0; k < n; k++) ck_assert_int_eq(v[k], test_shuffle_cases[i].want[k]);
    }
    rng_seed_i64(&r, 4);
    for (size_t i = 0; i < sizeof test_sample_cases / sizeof test_sample_cases[0]; i++) {
        int64_t got[10];
        int rc = rng_sample_indices(&r, test_sample_cases[i].n, test_sample_cases[i].k, got, &err);
        if (!test_sample_cases[i].ok) {
            ck_assert_int_eq(rc, -1);
            ck_assert_str_eq(err.msg, "Sample larger than population or is negative");
            continue;
        }
        ck_assert_int_eq(rc, 0);
        for (int64_t k = 0; k < test_sample_cases[i].k; k++) ck_assert_int_eq(got[k], test_sample_cases[i].want[k]);
    }
    const size_t choices[] = {4, 5, 5, 6, 5, 6, 0, 3, 6, 4};
    rng_seed_i64(&r, 5);
    for (size_t i = 0; i < sizeof choices / sizeof choices[0]; i++)
        ck_assert_uint_eq(rng_choices_index(&r, 7), choices[i]);
    const uint64_t choice[] = {1, 7, 4, 0, 0, 2, 7, 5, 5, 0}; /* choice(seq) is seq[randbelow(len)] */
    rng_seed_i64(&r, 6);
    for (size_t i = 0; i < sizeof choice / sizeof choice[0]; i++) ck_assert_uint_eq(rng_randbelow(&r, 9), choice[i]);
}
END_TEST

static const struct {
    const char *name;
    double want;
} test_dist_cases[] = {
    {"uniform", 1.9068234375241953},
    {"uniform", 1.1508198566624688},
    {"triangular", 1.5895338854573662},
    {"triangular0", 6.1582355803069335},
    {"triangular_eq", 3.0},
    {"expo", 0.18951724006053614},
    {"gauss", 2.370994057955433},
    {"gauss", 0.9924929785582244},
    {"gauss", -0.696620716759253},
    {"normal", -0.15920764480410965},
    {"normal", 9.540287344449222},
    {"lognormal", 0.4454276460200744},
    {"pareto", 1.2690553788394712},
    {"weibull", 0.5212034454074128},
};

START_TEST(test_distributions) {
    rng r;
    num_error err;
    double got[sizeof test_dist_cases / sizeof test_dist_cases[0]], d;
    size_t n = 0;
    rng_seed_i64(&r, 8);
    got[n++] = rng_uniform(&r, 1.0, 5.0);
    got[n++] = rng_uniform(&r, 5.0, 1.0);
    got[n++] = rng_triangular(&r, 0.0, 10.0, 2.0, true);
    got[n++] = rng_triangular(&r, 0.0, 10.0, 0.0, false);
    got[n++] = rng_triangular(&r, 3.0, 3.0, 3.0, true);
    ck_assert_int_eq(rng_expovariate(&r, 1.5, &d, &err), 0);
    got[n++] = d;
    got[n++] = rng_gauss(&r, 1.0, 2.0);
    got[n++] = rng_gauss(&r, 1.0, 2.0);
    got[n++] = rng_gauss(&r, 0.0, 1.0);
    got[n++] = rng_normalvariate(&r, 0.0, 1.0);
    got[n++] = rng_normalvariate(&r, 10.0, 0.5);
    got[n++] = rng_lognormvariate(&r, 0.0, 0.5);
    ck_assert_int_eq(rng_paretovariate(&r, 2.0, &d, &err), 0);
    got[n++] = d;
    ck_assert_int_eq(rng_weibullvariate(&r, 1.5, 2.0, &d, &err), 0);
    got[n++] = d;
    ck_assert_uint_eq(n, sizeof test_dist_cases / sizeof test_dist_cases[0]);
    for (size_t i = 0; i < n; i++) ck_assert_msg(got[i] == test_dist_cases[i].want, "%s", test_dist_cases[i].name);
    ck_assert_int_eq(rng_expovariate(&r, 0.0, &d, &err), -1);
    ck_assert_str_eq(err.type, "ZeroDivisionError");
    ck_assert_str_eq(err.msg, "float division by zero");
}
END_TEST

static Suite *test_rng_suite(void) {
    Suite *s = suite_create("rng");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_random_sequences);
    tcase_add_test(tc, test_raw_and_bits);
    suite_add_tcase(s, tc);
    tc = tcase_create("random.py");
    tcase_add_test(tc, test_ranges);
    tcase_add_test(tc, test_sequences);
    tcase_add_test(tc, test_distributions);
    suite_add_tcase(s, tc);
    return s;
}

int main(void) {
    SRunner *sr = srunner_create(test_rng_suite());
    srunner_run_all(sr, CK_ENV);
    int failures = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failures ? 1 : 0;
}
