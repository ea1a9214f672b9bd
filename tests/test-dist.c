/* Tests for sim/dist.c: parsing with exact messages for each kind of
 * mistake, the dist_to_string() round trip, sample means (and variances)
 * of 1e5 draws within 5 standard errors of the analytic moments, the
 * truncated normal, lognormal's mean/sd conversion, empirical files and
 * the built-in flow-size tables of cdf(). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>
#include <gsl/gsl_rng.h>

#include "dist.h"
#include "scenario.h"

#define N_DRAWS 100000

/* Fixtures live in tests/data: $G_TEST_SRCDIR/data when set, else found
 * from this file's path (the tests run from the top of the tree). */
static char *data_dir(void)
{
    const char *srcdir = g_getenv("G_TEST_SRCDIR");
    g_autofree char *here = g_path_get_dirname(__FILE__);
    g_autofree char *dir = g_build_filename(srcdir ? srcdir : here, "data", NULL);

    /* Absolute, as dist.c reports empirical paths. */
    return g_canonicalize_filename(dir, NULL);
}

static void parse_ok(struct dist *d, const char *text, enum unit_dim dim)
{
    g_autoptr(GError) err = NULL;
    g_autofree char *dir = data_dir();

    if (!dist_parse(d, text, dim, dir, &err))
        g_error("dist_parse('%s'): %s", text, err->message);
}

static void parse_fails(const char *text, enum unit_dim dim, const char *msg)
{
    g_autoptr(GError) err = NULL;
    g_autofree char *dir = data_dir();
    struct dist d;

    g_assert_false(dist_parse(&d, text, dim, dir, &err));
    g_assert_error(err, IOVSIM_ERROR, IOVSIM_ERROR_INPUT);
    g_assert_cmpstr(err->message, ==, msg);
    g_assert_null(d.values);
    g_assert_null(d.path);
}

static void check_canonical(const char *text, enum unit_dim dim, const char *want)
{
    struct dist d, back;
    g_autofree char *s = NULL, *s2 = NULL;

    parse_ok(&d, text, dim);
    s = dist_to_string(&d);
    g_assert_cmpstr(s, ==, want);
    parse_ok(&back, s, dim);
    g_assert_cmpint(back.kind, ==, d.kind);
    g_assert_cmpfloat(back.a, ==, d.a);
    g_assert_cmpfloat(back.b, ==, d.b);
    s2 = dist_to_string(&back);
    g_assert_cmpstr(s2, ==, s);
    dist_release(&d);
    dist_release(&back);
}

static void test_parse_roundtrip(void)
{
    check_canonical("exp(1.25s)", DIM_TIME, "exp(1.25s)");
    check_canonical("  exp ( 1250 ms ) ", DIM_TIME, "exp(1.25s)");
    check_canonical("1s", DIM_TIME, "det(1s)");
    check_canonical("det(0.1us)", DIM_TIME, "det(100ns)");
    check_canonical("uniform(1ms,3ms)", DIM_TIME, "uniform(1ms, 3ms)");
    check_canonical("normal(10us, 2us)", DIM_TIME, "normal(10us, 2us)");
    check_canonical("lognormal(1ms, 0.5ms)", DIM_TIME, "lognormal(1ms, 500us)");
    check_canonical("pareto(2.5, 1ms)", DIM_TIME, "pareto(2.5, 1ms)");
    check_canonical("exp(1500B)", DIM_SIZE, "exp(1.5KB)");
    check_canonical("uniform(64B, 64KiB)", DIM_SIZE, "uniform(64B, 64KiB)");
    check_canonical("normal(-1, 2)", DIM_NONE, "normal(-1, 2)");
    check_canonical("exp(0.3)", DIM_NONE, "exp(0.3)");
    check_canonical("det(2000 cycles)", DIM_CYCLES, "det(2000)");
    /* Awkward doubles survive too: unit_format() is exact. */
    check_canonical("exp(0.1234567890123s)", DIM_TIME, "exp(123.4567890123ms)");
}

static void test_parse_errors(void)
{
    parse_fails("exp(1s", DIM_TIME, "malformed distribution 'exp(1s' (expected e.g. exp(1.25s))");
    parse_fails("uniform(1s", DIM_TIME,
                "malformed distribution 'uniform(1s' (expected e.g. uniform(1.25s, 2.5s))");
    parse_fails("exp(1s))", DIM_TIME,
                "malformed distribution 'exp(1s))' (expected e.g. exp(1.25s))");
    parse_fails("exp(1s)x", DIM_TIME,
                "malformed distribution 'exp(1s)x' (expected e.g. exp(1.25s))");
    parse_fails("(1s)", DIM_TIME, "malformed distribution '(1s)' (expected e.g. exp(1.25s))");
    parse_fails("1s)", DIM_TIME, "malformed distribution '1s)' (expected e.g. det(1.25s))");
    parse_fails("uniform(1s,)", DIM_TIME,
                "malformed distribution 'uniform(1s,)' (expected e.g. uniform(1.25s, 2.5s))");
    parse_fails("exp(1500)", DIM_SIZE,
                "missing unit in '1500' (expected one of: B KB KiB MB MiB GB GiB)");
    parse_fails("exp(1s, 2s)", DIM_TIME, "'exp(1s, 2s)': exp takes 1 argument, not 2");
    parse_fails("exp()", DIM_TIME, "'exp()': exp takes 1 argument, not 0");
    parse_fails("uniform(1s)", DIM_TIME, "'uniform(1s)': uniform takes 2 arguments, not 1");
    parse_fails("normal(1s, 2s, 3s)", DIM_TIME,
                "'normal(1s, 2s, 3s)': normal takes 2 arguments, not 3");
    parse_fails("empirical()", DIM_TIME, "'empirical()': empirical takes 1 argument, not 0");
    parse_fails("expo(1s)", DIM_TIME,
                "unknown distribution 'expo' in 'expo(1s)' (did you mean 'exp'?)");
    parse_fails("gamma(1s, 2s)", DIM_TIME,
                "unknown distribution 'gamma' in 'gamma(1s, 2s)' (expected one of: det exp "
                "uniform normal lognormal pareto empirical cdf)");
    parse_fails("exp(1x)", DIM_TIME, "unknown unit 'x' in '1x' (expected one of: ps ns us ms s)");
    parse_fails("exp(0s)", DIM_TIME, "'exp(0s)': mean must be positive");
    parse_fails("exp(-1)", DIM_NONE, "'exp(-1)': mean must be positive");
    parse_fails("-1s", DIM_TIME, "'-1s': value must not be negative");
    parse_fails("uniform(3s, 1s)", DIM_TIME, "'uniform(3s, 1s)': lower bound is above upper bound");
    parse_fails("uniform(-1s, 1s)", DIM_TIME,
                "'uniform(-1s, 1s)': lower bound must not be negative");
    parse_fails("normal(1s, -1s)", DIM_TIME,
                "'normal(1s, -1s)': standard deviation must not be negative");
    parse_fails("normal(-1s, 1s)", DIM_TIME, "'normal(-1s, 1s)': mean must not be negative");
    parse_fails("lognormal(0s, 1s)", DIM_TIME, "'lognormal(0s, 1s)': mean must be positive");
    parse_fails("pareto(0, 1ms)", DIM_TIME, "'pareto(0, 1ms)': shape must be positive");
    parse_fails("pareto(2, 0ms)", DIM_TIME, "'pareto(2, 0ms)': scale must be positive");
    parse_fails("pareto(1ms, 1ms)", DIM_TIME,
                "unexpected unit 'ms' in '1ms' (expected a plain number)");
}

/* Sample mean within 5 standard errors of the analytic mean, and (when
 * the fourth moment exists) sample variance within 5% of the analytic. */
static void check_moments(const char *text, enum unit_dim dim, bool check_var)
{
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    double sum = 0, sumsq = 0, mean, var, smean, svar;
    struct dist d;

    gsl_rng_set(rng, 12345);
    parse_ok(&d, text, dim);
    mean = dist_mean(&d);
    var = dist_variance(&d);
    for (int i = 0; i < N_DRAWS; i++) {
        double x = dist_sample(&d, rng);

        if (dim != DIM_NONE && x < 0)
            g_error("%s drew %g", text, x);
        sum += x;
        sumsq += x * x;
    }
    smean = sum / N_DRAWS;
    svar = sumsq / N_DRAWS - smean * smean;
    if (fabs(smean - mean) > 5 * sqrt(var / N_DRAWS) + 1e-9 * fabs(mean))
        g_error("%s: sample mean %g, analytic %g (sd %g)", text, smean, mean, sqrt(var));
    if (check_var && fabs(svar - var) > 0.05 * var + 1e-9 * mean * mean)
        g_error("%s: sample variance %g, analytic %g", text, svar, var);
    dist_release(&d);
    gsl_rng_free(rng);
}

static void test_sample_means(void)
{
    check_moments("det(3ms)", DIM_TIME, true);
    check_moments("exp(1.25s)", DIM_TIME, true);
    check_moments("exp(1500B)", DIM_SIZE, true);
    check_moments("uniform(1ms, 3ms)", DIM_TIME, true);
    check_moments("uniform(2s, 2s)", DIM_TIME, true);
    check_moments("normal(10us, 2us)", DIM_TIME, true);
    check_moments("normal(-1, 2)", DIM_NONE, true);
    check_moments("lognormal(1ms, 0.5ms)", DIM_TIME, true);
    check_moments("lognormal(2, 3)", DIM_NONE, false); /* heavy: only the mean */
    check_moments("pareto(5, 1ms)", DIM_TIME, false);
    check_moments("empirical(empirical-service.txt)", DIM_TIME, true);
}

/* normal(1s, 2s) of a time is redrawn while negative: a truncated normal,
 * whose mean is 1 + 2 * phi(0.5) / Phi(0.5) = 1.9545... seconds. */
static void test_truncated_normal(void)
{
    struct dist d;

    parse_ok(&d, "normal(1s, 2s)", DIM_TIME);
    g_assert_cmpfloat_with_epsilon(dist_mean(&d),
                                   1.0 + 2.0 * 0.3520653267642995 / 0.6914624612740131, 1e-12);
    dist_release(&d);
    check_moments("normal(1s, 2s)", DIM_TIME, true);
    check_moments("normal(0s, 1s)", DIM_TIME, true);
}

/* lognormal(m, s) takes the variable's own mean and sd: check the log of
 * the draws has mu = ln(m^2 / sqrt(m^2 + s^2)) and sigma^2 = ln(1 + s^2/m^2). */
static void test_lognormal_params(void)
{
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    double m = 1e-3, s = 0.5e-3, sum = 0, sumsq = 0, lm, lv;
    struct dist d;

    parse_ok(&d, "lognormal(1ms, 0.5ms)", DIM_TIME);
    g_assert_cmpfloat(dist_mean(&d), ==, m);
    g_assert_cmpfloat(dist_variance(&d), ==, s * s);
    for (int i = 0; i < N_DRAWS; i++) {
        double y = log(dist_sample(&d, rng));
        sum += y;
        sumsq += y * y;
    }
    lm = sum / N_DRAWS;
    lv = sumsq / N_DRAWS - lm * lm;
    g_assert_cmpfloat(fabs(lm - log(m * m / sqrt(m * m + s * s))), <, 5 * sqrt(lv / N_DRAWS));
    g_assert_cmpfloat(fabs(lv / log1p(s * s / (m * m)) - 1), <, 0.02);
    dist_release(&d);
    gsl_rng_free(rng);
}

static void test_pareto(void)
{
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    struct dist d;

    parse_ok(&d, "pareto(2.5, 1ms)", DIM_TIME);
    g_assert_cmpfloat_with_epsilon(dist_mean(&d), 2.5e-3 / 1.5, 1e-15);
    for (int i = 0; i < 10000; i++)
        g_assert_cmpfloat(dist_sample(&d, rng), >=, 1e-3);
    dist_release(&d);
    parse_ok(&d, "pareto(1, 1ms)", DIM_TIME);
    g_assert_true(isinf(dist_mean(&d)));
    g_assert_true(isinf(dist_variance(&d)));
    dist_release(&d);
    gsl_rng_free(rng);
}

static void test_sample_time(void)
{
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    struct dist d;

    parse_ok(&d, "det(1.25s)", DIM_TIME);
    g_assert_cmpint(dist_sample_time(&d, rng), ==, 1250000000000);
    parse_ok(&d, "0.1us", DIM_TIME);
    g_assert_cmpint(dist_sample_time(&d, rng), ==, 100000);
    parse_ok(&d, "0.4ps", DIM_TIME);
    g_assert_cmpint(dist_sample_time(&d, rng), ==, 0);
    parse_ok(&d, "normal(0s, 1ns)", DIM_TIME);
    for (int i = 0; i < 10000; i++)
        g_assert_cmpint(dist_sample_time(&d, rng), >=, 0);
    /* A tail this heavy overflows int64 picoseconds unless clamped. */
    parse_ok(&d, "pareto(0.05, 1s)", DIM_TIME);
    for (int i = 0; i < 1000; i++) {
        sim_time t = dist_sample_time(&d, rng);
        g_assert_cmpint(t, >=, SIM_S);
        g_assert_cmpint(t, <=, SIM_TIME_MAX / 4);
    }
    gsl_rng_free(rng);
}

static void test_empirical(void)
{
    g_autofree char *dir = data_dir();
    g_autofree char *want = g_build_filename(dir, "empirical-service.txt", NULL);
    g_autofree char *s = NULL;
    struct dist d, c;

    parse_ok(&d, "empirical(empirical-service.txt)", DIM_TIME);
    g_assert_cmpuint(d.n_values, ==, 4);
    g_assert_cmpfloat(d.values[0], ==, 1e-3);
    g_assert_cmpfloat(d.values[1], ==, 2e-3);
    g_assert_cmpfloat(d.values[2], ==, 3e-3);
    g_assert_cmpfloat(d.values[3], ==, 4e-3);
    g_assert_cmpfloat_with_epsilon(dist_mean(&d), 2.5e-3, 1e-15);
    g_assert_cmpfloat_with_epsilon(dist_variance(&d), 1.25e-6, 1e-18);
    g_assert_cmpstr(d.path, ==, want);
    s = dist_to_string(&d);
    g_assert_true(g_str_has_prefix(s, "empirical("));
    /* The copy shares the samples and outlives the original. */
    dist_copy(&c, &d);
    g_assert_true(c.values == d.values);
    dist_release(&d);
    g_assert_cmpfloat(c.values[3], ==, 4e-3);
    g_assert_cmpstr(c.path, ==, want);
    dist_release(&c);
    /* The canonical text names the resolved path, so it parses anywhere. */
    {
        g_autoptr(GError) err = NULL;
        g_assert_true(dist_parse(&d, s, DIM_TIME, "/nonexistent", &err));
        g_assert_cmpuint(d.n_values, ==, 4);
        dist_release(&d);
    }
}

/* One file is loaded once: every parse of it shares one block of samples
 * (a 60 MB trace over 20 sweep points was 20 copies), until it changes. */
static void test_empirical_shared(void)
{
    g_autofree char *tmp = g_dir_make_tmp("test-dist-XXXXXX", NULL);
    g_autofree char *path = g_build_filename(tmp, "trace.txt", NULL);
    g_autofree char *text = g_strdup_printf("empirical(%s)", path);
    struct dist a, b, c, other_dim;

    g_assert_true(g_file_set_contents(path, "1\n2\n", -1, NULL));
    parse_ok(&a, text, DIM_TIME);
    parse_ok(&b, text, DIM_TIME);
    g_assert_true(a.values == b.values);
    /* The same file read in another dimension is other values. */
    parse_ok(&other_dim, text, DIM_SIZE);
    g_assert_true(other_dim.values != a.values);
    dist_release(&b);
    dist_release(&other_dim);

    /* A changed file is read again; the old samples stay with their users. */
    g_assert_true(g_file_set_contents(path, "1\n2\n3\n", -1, NULL));
    parse_ok(&c, text, DIM_TIME);
    g_assert_true(c.values != a.values);
    g_assert_cmpuint(c.n_values, ==, 3);
    g_assert_cmpuint(a.n_values, ==, 2);
    g_assert_cmpfloat(a.values[1], ==, 2);
    dist_release(&a);
    /* ... and the cache still hands out the new ones. */
    parse_ok(&b, text, DIM_TIME);
    g_assert_true(b.values == c.values);
    dist_release(&b);
    dist_release(&c);

    g_assert_cmpint(g_remove(path), ==, 0);
    g_assert_cmpint(g_rmdir(tmp), ==, 0);
}

static void test_empirical_errors(void)
{
    g_autofree char *dir = data_dir();
    g_autofree char *missing = g_build_filename(dir, "no-such-file.txt", NULL);
    g_autofree char *empty = g_build_filename(dir, "empirical-empty.txt", NULL);
    g_autofree char *tmp = g_dir_make_tmp("test-dist-XXXXXX", NULL);
    g_autofree char *bad = g_build_filename(tmp, "bad.txt", NULL);
    g_autofree char *neg = g_build_filename(tmp, "neg.txt", NULL);
    g_autofree char *msg = NULL;

    msg = g_strdup_printf("empirical file '%s': cannot read: No such file or directory", missing);
    parse_fails("empirical(no-such-file.txt)", DIM_TIME, msg);
    g_free(msg);
    msg = g_strdup_printf("empirical file '%s': no values", empty);
    parse_fails("empirical(empirical-empty.txt)", DIM_TIME, msg);
    g_free(msg);
    msg = g_strdup_printf("empirical file '%s': is a directory", dir);
    parse_fails("empirical(.)", DIM_TIME, msg);
    g_free(msg);

    g_assert_true(g_file_set_contents(bad, "1ms\n# fine\n2 parsecs\n", -1, NULL));
    msg = g_strdup_printf("empirical file '%s':3: not a value (expected one value per line, "
                          "e.g. 1.25s, or a # comment; units: ps ns us ms s)",
                          bad);
    g_autofree char *text = g_strdup_printf("empirical(%s)", bad);
    parse_fails(text, DIM_TIME, msg);
    g_free(msg);
    g_free(text);

    g_assert_true(g_file_set_contents(neg, "1ms\n-2ms\n", -1, NULL));
    msg = g_strdup_printf("empirical file '%s':2: negative value (expected one value per "
                          "line, e.g. 1.25s, or a # comment; units: ps ns us ms s)",
                          neg);
    text = g_strdup_printf("empirical( %s )", neg);
    parse_fails(text, DIM_TIME, msg);
    g_free(msg);
    g_free(text);

    /* A file that is not data: its line number, never its content. */
    g_assert_true(g_file_set_contents(bad, "root:$6$secret:19000:0:99999:7:::\n", -1, NULL));
    msg = g_strdup_printf("empirical file '%s':1: not a value (expected one value per line, "
                          "e.g. 1, or a # comment)",
                          bad);
    text = g_strdup_printf("empirical(%s)", bad);
    parse_fails(text, DIM_NONE, msg);

    g_assert_cmpint(g_remove(bad), ==, 0);
    g_assert_cmpint(g_remove(neg), ==, 0);
    g_assert_cmpint(g_rmdir(tmp), ==, 0);
}

static void test_cdf_parse(void)
{
    check_canonical("cdf(websearch)", DIM_SIZE, "cdf(websearch)");
    check_canonical(" cdf ( hadoop ) ", DIM_SIZE, "cdf(hadoop)");
    check_canonical("cdf(datamining)", DIM_SIZE, "cdf(datamining)");
    parse_fails("cdf(websearh)", DIM_SIZE,
                "unknown table 'websearh' in 'cdf(websearh)' (did you mean 'websearch'?)");
    parse_fails("cdf(memcache)", DIM_SIZE,
                "unknown table 'memcache' in 'cdf(memcache)' (expected one of: websearch "
                "datamining hadoop)");
    parse_fails("cdf(websearch)", DIM_TIME,
                "'cdf(websearch)': cdf() tables are sizes; a size parameter takes them");
    parse_fails("cdf()", DIM_SIZE, "'cdf()': cdf takes 1 argument, not 0");
    parse_fails("cdf(websearch, hadoop)", DIM_SIZE,
                "'cdf(websearch, hadoop)': cdf takes 1 argument, not 2");
}

/* The web-search table (DCTCP): the quantiles at its points are its sizes,
 * halfway between two points lies the middle size, its mean is the sum of
 * the steps' midpoints by their probabilities, and draws follow it. */
static void test_cdf_table(void)
{
    const struct size_cdf *t = size_cdf_find("websearch");
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    double mean, var;
    int below_1mb = 0;
    struct dist d;

    g_assert_nonnull(t);
    g_assert_cmpfloat(size_cdf_quantile(t, 0), ==, 0);
    g_assert_cmpfloat_with_epsilon(size_cdf_quantile(t, 0.15), 10e3, 1e-6);
    g_assert_cmpfloat_with_epsilon(size_cdf_quantile(t, 0.7), 1e6, 1e-3);
    g_assert_cmpfloat_with_epsilon(size_cdf_quantile(t, 0.65), 600e3, 1e-3);
    g_assert_cmpfloat(size_cdf_quantile(t, 0.999999), <=, 30e6);
    size_cdf_moments(t, &mean, &var);
    g_assert_cmpfloat_with_epsilon(mean, 1711250, 1e-6);
    parse_ok(&d, "cdf(websearch)", DIM_SIZE);
    g_assert_cmpfloat(dist_mean(&d), ==, mean);
    g_assert_cmpfloat(dist_variance(&d), ==, var);
    gsl_rng_set(rng, 7);
    for (int i = 0; i < N_DRAWS; i++)
        below_1mb += dist_sample(&d, rng) < 1e6;
    g_assert_cmpfloat(fabs(below_1mb / (double)N_DRAWS - 0.7), <, 0.01);
    dist_release(&d);
    gsl_rng_free(rng);
    g_assert_null(size_cdf_find("WebSearch"));
    {
        size_t n;
        const char *const *names = size_cdf_names(&n);

        g_assert_cmpuint(n, ==, 3);
        for (size_t i = 0; i < n; i++)
            g_assert_cmpstr(size_cdf_find(names[i])->name, ==, names[i]);
    }
    check_moments("cdf(websearch)", DIM_SIZE, true);
    check_moments("cdf(hadoop)", DIM_SIZE, false);
    check_moments("cdf(datamining)", DIM_SIZE, false);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/dist/parse/roundtrip", test_parse_roundtrip);
    g_test_add_func("/dist/parse/errors", test_parse_errors);
    g_test_add_func("/dist/sample/means", test_sample_means);
    g_test_add_func("/dist/sample/truncated-normal", test_truncated_normal);
    g_test_add_func("/dist/sample/lognormal", test_lognormal_params);
    g_test_add_func("/dist/sample/pareto", test_pareto);
    g_test_add_func("/dist/sample/time", test_sample_time);
    g_test_add_func("/dist/empirical/file", test_empirical);
    g_test_add_func("/dist/empirical/errors", test_empirical_errors);
    g_test_add_func("/dist/empirical/shared", test_empirical_shared);
    g_test_add_func("/dist/cdf/parse", test_cdf_parse);
    g_test_add_func("/dist/cdf/table", test_cdf_table);
    return g_test_run();
}
