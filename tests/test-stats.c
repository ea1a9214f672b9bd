/* Tests for sim/stats.c: Welford against a two-pass computation (and merge)
 * and bit for bit against the recurrence results were computed with,
 * time averages on a hand-made signal, histogram quantiles against exact
 * sorted-sample quantiles, and the Student-t confidence interval. */
#include <math.h>
#include <stdlib.h>

#include <glib.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "stats.h"

static void two_pass(const double *x, size_t n, double *mean, double *var)
{
    double s = 0.0, ss = 0.0;

    for (size_t i = 0; i < n; i++)
        s += x[i];
    *mean = s / (double)n;
    for (size_t i = 0; i < n; i++)
        ss += (x[i] - *mean) * (x[i] - *mean);
    *var = ss / (double)(n - 1);
}

static void test_welford_known(void)
{
    /* Mean 5, sum of squared deviations 32, sample variance 32/7. */
    static const double x[] = { 2, 4, 4, 4, 5, 5, 7, 9 };
    struct welford w;

    welford_init(&w);
    g_assert_cmpfloat(welford_mean(&w), ==, 0.0);
    g_assert_cmpfloat(welford_variance(&w), ==, 0.0);
    welford_add(&w, 3.0);
    g_assert_cmpfloat(welford_mean(&w), ==, 3.0);
    g_assert_cmpfloat(welford_variance(&w), ==, 0.0);

    welford_init(&w);
    for (size_t i = 0; i < G_N_ELEMENTS(x); i++)
        welford_add(&w, x[i]);
    g_assert_cmpuint(w.n, ==, 8);
    g_assert_cmpfloat_with_epsilon(welford_mean(&w), 5.0, 1e-12);
    g_assert_cmpfloat_with_epsilon(welford_variance(&w), 32.0 / 7.0, 1e-12);
}

/* A large offset ruins the naive sum-of-squares formula; Welford must not. */
static void test_welford_offset(void)
{
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);

    enum { N = 10000 };

    double *x = g_new(double, N);
    double mean, var;
    struct welford w;

    gsl_rng_set(rng, 7);
    welford_init(&w);
    for (size_t i = 0; i < N; i++) {
        x[i] = 1e9 + gsl_ran_gaussian(rng, 2.0);
        welford_add(&w, x[i]);
    }
    two_pass(x, N, &mean, &var);
    g_assert_cmpfloat(fabs(welford_mean(&w) - mean), <=, 1e-9 * mean);
    g_assert_cmpfloat(fabs(welford_variance(&w) - var), <=, 1e-6 * var);
    g_assert_cmpfloat(fabs(var - 4.0), <, 0.3);
    g_free(x);
    gsl_rng_free(rng);
}

/* The recurrence every stored result was computed with, out of line and
 * with the unsigned count: welford_add() must give the same bits, or a
 * rerun of an old scenario would not reproduce its numbers. */
static __attribute__((noinline)) void welford_reference(uint64_t *n, double *mean, double *m2,
                                                        double x)
{
    double delta = x - *mean;

    (*n)++;
    *mean += delta / (double)*n;
    *m2 += delta * (x - *mean);
}

static void test_welford_bits(void)
{
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(rng, 5);
    struct welford w;
    uint64_t n = 0;
    double mean = 0.0, m2 = 0.0;

    welford_init(&w);
    for (int i = 0; i < 100000; i++) {
        /* Latency-like samples: picoseconds scaled to seconds. */
        double x = (double)(int64_t)gsl_ran_exponential(rng, 2e6) * 1e-12;
        welford_add(&w, x);
        welford_reference(&n, &mean, &m2, x);
        g_assert_true(w.mean == mean && w.m2 == m2);
    }
    g_assert_cmpuint(w.n, ==, n);
    gsl_rng_free(rng);
}

static void test_welford_merge(void)
{
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);

    enum { N = 5000 };

    double *x = g_new(double, N);
    struct welford all, a, b, empty;
    double mean, var;
    size_t cut = 1234;

    gsl_rng_set(rng, 11);
    welford_init(&all);
    welford_init(&a);
    welford_init(&b);
    welford_init(&empty);
    for (size_t i = 0; i < N; i++) {
        /* Two halves with different means exercise the delta term. */
        x[i] = i < cut ? gsl_ran_exponential(rng, 3.0) : 10.0 + gsl_ran_gaussian(rng, 1.0);
        welford_add(&all, x[i]);
        welford_add(i < cut ? &a : &b, x[i]);
    }
    two_pass(x, N, &mean, &var);

    welford_merge(&a, &empty);
    g_assert_cmpuint(a.n, ==, cut);
    welford_merge(&a, &b);
    g_assert_cmpuint(a.n, ==, N);
    g_assert_cmpfloat_with_epsilon(welford_mean(&a), mean, 1e-10 * mean);
    g_assert_cmpfloat_with_epsilon(welford_variance(&a), var, 1e-9 * var);
    g_assert_cmpfloat_with_epsilon(welford_variance(&a), welford_variance(&all), 1e-9 * var);

    /* Merging into an empty accumulator copies. */
    welford_merge(&empty, &b);
    g_assert_cmpuint(empty.n, ==, b.n);
    g_assert_cmpfloat(welford_mean(&empty), ==, welford_mean(&b));
    g_assert_cmpfloat(welford_variance(&empty), ==, welford_variance(&b));
    g_free(x);
    gsl_rng_free(rng);
}

static void test_timeavg_signal(void)
{
    struct timeavg ta;

    /* 0 on [0,10), 2 on [10,15), 5 on [15,20), 1 from 20 on:
     * area to 30 = 0 + 10 + 25 + 10 = 45 over 30. */
    timeavg_init(&ta, 0, 0.0);
    g_assert_cmpfloat(timeavg_mean(&ta, 0), ==, 0.0);
    timeavg_set(&ta, 10, 2.0);
    g_assert_cmpfloat(timeavg_mean(&ta, 10), ==, 0.0);
    g_assert_cmpfloat(timeavg_mean(&ta, 12), ==, 4.0 / 12.0);
    timeavg_add(&ta, 15, 3.0);
    g_assert_cmpfloat(ta.value, ==, 5.0);
    timeavg_add(&ta, 20, -4.0);
    g_assert_cmpfloat(timeavg_mean(&ta, 20), ==, 35.0 / 20.0);
    g_assert_cmpfloat(timeavg_mean(&ta, 30), ==, 45.0 / 30.0);
    /* Setting the same instant twice only keeps the last value. */
    timeavg_set(&ta, 30, 7.0);
    timeavg_set(&ta, 30, 3.0);
    g_assert_cmpfloat(timeavg_mean(&ta, 40), ==, 75.0 / 40.0);
}

static void test_timeavg_reset(void)
{
    struct timeavg ta;

    timeavg_init(&ta, 100, 4.0);
    timeavg_set(&ta, 200, 1.0);
    timeavg_reset(&ta, 250);
    /* Right at the cut, the current value stands for the mean. */
    g_assert_cmpfloat(timeavg_mean(&ta, 250), ==, 1.0);
    timeavg_set(&ta, 260, 3.0);
    /* 1 on [250,260), 3 on [260,300): (10 + 120) / 50. */
    g_assert_cmpfloat(timeavg_mean(&ta, 300), ==, 130.0 / 50.0);
    g_assert_cmpint(ta.start, ==, 250);
}

static void test_timeavg_backwards(void)
{
    if (g_test_subprocess()) {
        struct timeavg ta;

        timeavg_init(&ta, 100, 1.0);
        timeavg_set(&ta, 99, 2.0);
        return;
    }
    g_test_trap_subprocess(NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
    g_test_trap_assert_failed();
}

static void test_hist_buckets(void)
{
    int64_t lo, hi, prev_hi = 0;
    size_t n = hist_bucket_of(INT64_MAX) + 1;

    /* Exact below 2^HIST_SUB_BITS. */
    for (int64_t v = 0; v < 128; v++) {
        g_assert_cmpuint(hist_bucket_of(v), ==, (size_t)v);
        hist_bucket_bounds((size_t)v, &lo, &hi);
        g_assert_cmpint(lo, ==, v);
        g_assert_cmpint(hi, ==, v + 1);
    }
    /* Buckets tile [0, INT64_MAX] without gaps, each at most 1/128 wide. */
    for (size_t i = 0; i < n; i++) {
        hist_bucket_bounds(i, &lo, &hi);
        g_assert_cmpint(lo, ==, prev_hi);
        g_assert_cmpint(hi, >, lo);
        g_assert_cmpuint(hist_bucket_of(lo), ==, i);
        g_assert_cmpuint(hist_bucket_of(hi - 1), ==, i);
        if (lo >= 128)
            g_assert_cmpfloat((double)(hi - lo) / (double)lo, <=, 1.0 / 128.0);
        prev_hi = hi;
    }
    g_assert_cmpint(prev_hi, ==, INT64_MAX);
    g_assert_cmpuint(hist_bucket_of(128), ==, 128);
    g_assert_cmpuint(hist_bucket_of(255), ==, 255);
    g_assert_cmpuint(hist_bucket_of(256), ==, 256);
    g_assert_cmpuint(hist_bucket_of(257), ==, 256);
    g_assert_cmpuint(hist_bucket_of(258), ==, 257);
}

static void test_hist_small(void)
{
    struct hist h;

    hist_init(&h);
    g_assert_cmpfloat(hist_quantile(&h, 0.5), ==, 0.0);
    g_assert_cmpfloat(hist_mean(&h), ==, 0.0);
    for (int64_t v = 1; v <= 100; v++)
        hist_add(&h, v);
    g_assert_cmpuint(h.total, ==, 100);
    g_assert_cmpint(h.min, ==, 1);
    g_assert_cmpint(h.max, ==, 100);
    /* Exact region: the ceil(q n)-th smallest value. */
    g_assert_cmpfloat(hist_quantile(&h, 0.0), ==, 1.0);
    g_assert_cmpfloat(hist_quantile(&h, 0.5), ==, 50.0);
    g_assert_cmpfloat(hist_quantile(&h, 0.99), ==, 99.0);
    g_assert_cmpfloat(hist_quantile(&h, 0.991), ==, 100.0);
    g_assert_cmpfloat(hist_quantile(&h, 1.0), ==, 100.0);
    g_assert_cmpfloat(hist_mean(&h), ==, 50.5);

    /* A single large value: the bucket midpoint is clamped to [min, max]. */
    hist_reset(&h);
    g_assert_cmpuint(h.total, ==, 0);
    g_assert_cmpfloat(hist_quantile(&h, 0.5), ==, 0.0);
    hist_add(&h, 1000001);
    g_assert_cmpfloat(hist_quantile(&h, 0.5), ==, 1000001.0);
    g_assert_cmpfloat(hist_quantile(&h, 0.0), ==, 1000001.0);
    hist_add(&h, 0);
    g_assert_cmpint(h.min, ==, 0);
    g_assert_cmpfloat(hist_quantile(&h, 0.5), ==, 0.0);
    hist_add(&h, INT64_MAX);
    g_assert_cmpint(h.max, ==, INT64_MAX);
    g_assert_cmpfloat(hist_quantile(&h, 1.0), >=, 0.99 * (double)INT64_MAX);
    hist_release(&h);
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

    return (x > y) - (x < y);
}

enum sample_kind { SAMPLE_EXP, SAMPLE_LOGNORMAL, SAMPLE_UNIFORM };

static int64_t draw(enum sample_kind kind, gsl_rng *rng)
{
    switch (kind) {
    case SAMPLE_EXP: /* mean 1 us in ps */
        return (int64_t)llround(gsl_ran_exponential(rng, 1e6));
    case SAMPLE_LOGNORMAL: /* median ~ 20 us, heavy right tail */
        return (int64_t)llround(gsl_ran_lognormal(rng, log(2e7), 1.0));
    case SAMPLE_UNIFORM:
        return (int64_t)llround(gsl_ran_flat(rng, 1e3, 5e9));
    }
    g_assert_not_reached();
}

/* Every quantile from p50 to p99.99 is within 1% of the exact sample
 * quantile (the layout guarantees about 0.4%). */
static void test_hist_quantiles(gconstpointer data)
{
    enum sample_kind kind = (enum sample_kind)GPOINTER_TO_INT(data);
    static const double qs[] = { 0.5, 0.9, 0.99, 0.999, 0.9999 };

    enum { N = 1000000 };

    int64_t *x = g_new(int64_t, N);
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    struct hist h, half;
    double sum = 0.0;

    gsl_rng_set(rng, 42 + (unsigned long)kind);
    hist_init(&h);
    hist_init(&half);
    for (size_t i = 0; i < N; i++) {
        x[i] = draw(kind, rng);
        sum += (double)x[i];
        hist_add(&h, x[i]);
        if (i % 2)
            hist_add(&half, x[i]);
    }
    qsort(x, N, sizeof(*x), cmp_i64);
    g_assert_cmpint(h.min, ==, x[0]);
    g_assert_cmpint(h.max, ==, x[N - 1]);
    g_assert_cmpfloat_with_epsilon(hist_mean(&h), sum / N, 1e-9 * sum / N);
    for (size_t k = 0; k < G_N_ELEMENTS(qs); k++) {
        double exact = (double)x[(size_t)ceil(qs[k] * N) - 1];
        double got = hist_quantile(&h, qs[k]);

        g_test_message("q=%g exact=%.6g hist=%.6g rel=%.3g", qs[k], exact, got,
                       fabs(got - exact) / exact);
        g_assert_cmpfloat(fabs(got - exact), <=, 0.01 * exact);
        g_assert_cmpfloat(fabs(got - exact), <=, (1.0 / 256.0) * exact + 1.0);
    }

    /* Merging the odd half into an empty histogram and then the even half
     * gives back the full histogram bucket for bucket. */
    {
        struct hist m;

        hist_init(&m);
        hist_merge(&m, &half);
        hist_merge(&m, &h);
        hist_merge(&m, &half);
        g_assert_cmpuint(m.total, ==, N + N);
        g_assert_cmpint(m.min, ==, h.min);
        g_assert_cmpint(m.max, ==, h.max);
        for (size_t i = 0; i < h.n_buckets; i++)
            g_assert_cmpuint(m.counts[i], ==,
                             h.counts[i] + 2 * (i < half.n_buckets ? half.counts[i] : 0));
        hist_release(&m);
    }
    hist_release(&half);
    hist_release(&h);
    gsl_rng_free(rng);
    g_free(x);
}

static void test_ci95(void)
{
    /* t(0.975, 19) = 2.093024; t(0.975, 1) = 12.706205; t(0.975, 99) = 1.984217. */
    g_assert_cmpfloat_with_epsilon(ci95_halfwidth(1.0, 20), 2.093024 / sqrt(20.0), 1e-6);
    g_assert_cmpfloat_with_epsilon(ci95_halfwidth(3.0, 20), 3.0 * 2.093024 / sqrt(20.0), 1e-5);
    g_assert_cmpfloat_with_epsilon(ci95_halfwidth(1.0, 2), 12.706205 / sqrt(2.0), 1e-5);
    g_assert_cmpfloat_with_epsilon(ci95_halfwidth(2.0, 100), 2.0 * 1.984217 / 10.0, 1e-6);
    g_assert_cmpfloat(ci95_halfwidth(5.0, 1), ==, 0.0);
    g_assert_cmpfloat(ci95_halfwidth(5.0, 0), ==, 0.0);
    g_assert_cmpfloat(ci95_halfwidth(0.0, 10), ==, 0.0);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/stats/welford/known", test_welford_known);
    g_test_add_func("/stats/welford/offset", test_welford_offset);
    g_test_add_func("/stats/welford/merge", test_welford_merge);
    g_test_add_func("/stats/welford/same-bits", test_welford_bits);
    g_test_add_func("/stats/timeavg/signal", test_timeavg_signal);
    g_test_add_func("/stats/timeavg/reset", test_timeavg_reset);
    g_test_add_func("/stats/timeavg/backwards", test_timeavg_backwards);
    g_test_add_func("/stats/hist/buckets", test_hist_buckets);
    g_test_add_func("/stats/hist/small", test_hist_small);
    g_test_add_data_func("/stats/hist/quantiles-exp", GINT_TO_POINTER(SAMPLE_EXP),
                         test_hist_quantiles);
    g_test_add_data_func("/stats/hist/quantiles-lognormal", GINT_TO_POINTER(SAMPLE_LOGNORMAL),
                         test_hist_quantiles);
    g_test_add_data_func("/stats/hist/quantiles-uniform", GINT_TO_POINTER(SAMPLE_UNIFORM),
                         test_hist_quantiles);
    g_test_add_func("/stats/ci95/tdist", test_ci95);
    return g_test_run();
}
