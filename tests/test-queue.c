/* Tests for the queueing model: exact results on deterministic traces, then
 * closed forms (M/M/1, M/D/1 by Pollaczek-Khinchine, M/M/c by Erlang C, a
 * Jackson tandem) against the 95% confidence interval of 20 replications
 * with seeds 1..20, and Little's law on every single run. */
#include <math.h>
#include <string.h>

#include <glib.h>

#include "report.h"
#include "runner.h"
#include "scenario.h"
#include "stats.h"
#include "testlib.h"

#define N_REPS 20

/*
 * Tolerance of the closed-form checks: the replication mean must lie within
 * TOL_CI times the 95% CI half-width of the theory. With 20 independent
 * replications a correct model fails one check with probability about 0.5%
 * (t19 beyond 1.5 * 2.093). Each case also asserts that a plausible wrong
 * formula lies outside the same band, so the band is narrow enough to fail.
 */
#define TOL_CI 1.5
/* Histogram quantiles are bucket midpoints, up to 1/256 off (stats.h). */
#define HIST_REL (1.0 / 256.0)
/* Little's law holds on every sample path up to the jobs present at the
 * two edges of the measured window. */
#define LITTLE_REL 0.02

static const char *ini_fmt = "[scenario]\n"
                             "name = %s\n"
                             "model = queue\n"
                             "duration = %gs\n"
                             "warmup = %gs\n"
                             "[queue]\n"
                             "interarrival = %s\n"
                             "service = %s\n"
                             "servers = %d\n"
                             "stations = %d\n";

static struct scenario *load(const char *name, double duration_s, double warmup_s,
                             const char *interarrival, const char *service, int servers,
                             int stations)
{
    g_autofree char *ini = g_strdup_printf(ini_fmt, name, duration_s, warmup_s, interarrival,
                                           service, servers, stations);
    return test_load(ini);
}

/* ---- deterministic traces ---- */

/* D/D/1: arrivals at 2, 4, ..., 100 s, 1 s of service each. The run ends at
 * 100 s with the last job just arrived, so 49 completed, each in the system
 * for exactly 1 s with no wait. */
static void test_dd1_exact(void)
{
    struct scenario *sc = load("dd1", 100, 0, "det(2s)", "det(1s)", 1, 1);
    struct report *r = test_run(sc, 1);

    g_assert_cmpfloat(test_value(r, "all", "completed"), ==, 49);
    g_assert_cmpfloat_with_epsilon(test_value(r, "all", "sojourn_mean"), 1.0, 1e-12);
    g_assert_cmpfloat_with_epsilon(test_value(r, "all", "sojourn_p50"), 1.0, 1.0 * HIST_REL);
    g_assert_cmpfloat_with_epsilon(test_value(r, "all", "sojourn_p999"), 1.0, 1.0 * HIST_REL);
    g_assert_cmpfloat(test_value(r, "all", "wait_mean"), ==, 0.0);
    g_assert_cmpfloat(test_value(r, "all", "queue_length_mean"), ==, 0.0);
    g_assert_cmpfloat_with_epsilon(test_value(r, "all", "utilization"), 0.49, 1e-12);
    g_assert_cmpfloat_with_epsilon(test_value(r, "all", "in_system_mean"), 0.49, 1e-12);
    g_assert_cmpfloat_with_epsilon(test_value(r, "all", "throughput"), 0.49, 1e-12);
    g_assert_cmpfloat_with_epsilon(test_value(r, "all", "arrival_rate"), 0.50, 1e-12);
    g_assert_cmpfloat_with_epsilon(test_value(r, "station1", "throughput"), 0.49, 1e-12);
    g_assert_cmpfloat_with_epsilon(test_value(r, "station1", "sojourn_mean"), 1.0, 1e-12);
    g_assert_null(report_find(r, "station2", "sojourn_mean"));
    g_assert_cmpuint(r->hists->len, ==, 1);
    report_free(r);
    scenario_free(sc);
}

/* The warm-up cut at 11 s drops everything before it: arrivals 12..100
 * (45), completions 13..99 (44), over 89 s. */
static void test_dd1_warmup(void)
{
    struct scenario *sc = load("dd1w", 100, 11, "det(2s)", "det(1s)", 1, 1);
    struct report *r = test_run(sc, 1);

    g_assert_cmpfloat(test_value(r, "all", "completed"), ==, 44);
    g_assert_cmpfloat_with_epsilon(test_value(r, "all", "arrival_rate"), 45.0 / 89.0, 1e-12);
    g_assert_cmpfloat_with_epsilon(test_value(r, "all", "throughput"), 44.0 / 89.0, 1e-12);
    g_assert_cmpfloat_with_epsilon(test_value(r, "all", "utilization"), 44.0 / 89.0, 1e-12);
    report_free(r);
    scenario_free(sc);
}

/* Two stations with 2 servers each, det(3s) service every 2 s: nobody ever
 * waits although each server is busy 3 s of every 4; a job spends 6 s in
 * the system. Jobs arrive at 2, 4, ...; by 1000 s the ones that arrived by
 * 994 s have left. */
static void test_tandem_exact(void)
{
    struct scenario *sc = load("dd2", 1000, 0, "det(2s)", "det(3s)", 2, 2);
    struct report *r = test_run(sc, 3);

    g_assert_cmpfloat(test_value(r, "all", "completed"), ==, 497);
    g_assert_cmpfloat_with_epsilon(test_value(r, "all", "sojourn_mean"), 6.0, 1e-12);
    g_assert_cmpfloat(test_value(r, "all", "wait_mean"), ==, 0.0);
    for (int k = 1; k <= 2; k++) {
        g_autofree char *scope = g_strdup_printf("station%d", k);

        g_assert_cmpfloat_with_epsilon(test_value(r, scope, "sojourn_mean"), 3.0, 1e-12);
        g_assert_cmpfloat(test_value(r, scope, "wait_mean"), ==, 0.0);
        g_assert_cmpfloat(test_value(r, scope, "queue_length_mean"), ==, 0.0);
    }
    /* Busy servers: station 1 serves 1494 s of whole jobs plus 2 s of the
     * job that arrived at 998 s; station 2 (3 s later) 1491 s plus 1 s. Two
     * servers over 1000 s. */
    g_assert_cmpfloat_with_epsilon(test_value(r, "station1", "utilization"), 1496.0 / 2000, 1e-12);
    g_assert_cmpfloat_with_epsilon(test_value(r, "station2", "utilization"), 1492.0 / 2000, 1e-12);
    report_free(r);
    scenario_free(sc);
}

/* Same scenario and seed: identical reports, metric for metric. */
static void test_deterministic(void)
{
    struct scenario *sc = load("det", 2000, 100, "exp(1.25s)", "exp(1s)", 2, 2);
    struct report *a = test_run(sc, 5), *b = test_run(sc, 5), *c = test_run(sc, 6);

    test_assert_same_report(a, b);
    g_assert_cmpfloat(test_value(a, "all", "sojourn_mean"), !=,
                      test_value(c, "all", "sojourn_mean"));
    report_free(a);
    report_free(b);
    report_free(c);
    scenario_free(sc);
}

/* ---- closed forms ---- */

enum svc_kind { SVC_EXP, SVC_DET };

struct qcase {
    const char *name;
    double ta, ts; /* mean interarrival and service time, s */
    enum svc_kind svc;
    int servers, stations;
    double duration, warmup; /* s */
};

struct reps {
    const struct qcase *c;
    struct report *r[N_REPS];
};

static void reps_run(struct reps *rs, const struct qcase *c)
{
    g_autofree char *ia = g_strdup_printf("exp(%gs)", c->ta);
    g_autofree char *sv = g_strdup_printf(c->svc == SVC_EXP ? "exp(%gs)" : "det(%gs)", c->ts);
    struct scenario *sc = load(c->name, c->duration, c->warmup, ia, sv, c->servers, c->stations);

    rs->c = c;
    for (int i = 0; i < N_REPS; i++)
        rs->r[i] = test_run(sc, (uint64_t)i + 1);
    scenario_free(sc);
}

static void reps_free(struct reps *rs)
{
    for (int i = 0; i < N_REPS; i++)
        report_free(rs->r[i]);
}

static void reps_ci(const struct reps *rs, const char *scope, const char *name, double *mean,
                    double *half)
{
    struct welford w;

    welford_init(&w);
    for (int i = 0; i < N_REPS; i++)
        welford_add(&w, test_value(rs->r[i], scope, name));
    *mean = welford_mean(&w);
    *half = ci95_halfwidth(sqrt(welford_variance(&w)), w.n);
}

/* |mean - theory| <= TOL_CI * half-width (+ @extra_rel * theory for known
 * discretisation, + 1e-12 relative for rounding). */
static void check(const struct reps *rs, const char *scope, const char *name, double theory,
                  double extra_rel)
{
    double mean, half;

    reps_ci(rs, scope, name, &mean, &half);
    g_test_message("%s %s/%s: mean %.5g +- %.3g (%.2f%%), theory %.5g, off %.2f ci", rs->c->name,
                   scope, name, mean, half, 100 * half / fabs(mean), theory,
                   fabs(mean - theory) / half);
    g_assert_cmpfloat(fabs(mean - theory), <=, TOL_CI * half + (extra_rel + 1e-12) * fabs(theory));
}

/* The band of check() must exclude @wrong: shows the check can fail. */
static void check_rejects(const struct reps *rs, const char *scope, const char *name, double wrong)
{
    double mean, half;

    reps_ci(rs, scope, name, &mean, &half);
    g_assert_cmpfloat(fabs(mean - wrong), >, TOL_CI * half + 1e-12 * fabs(wrong));
}

static void check_rel(double got, double want, double rel)
{
    g_assert_cmpfloat(fabs(got - want), <=, rel * fabs(want));
}

/* L = lambda W for the system and for the queues, on every run. */
static void check_little(const struct reps *rs)
{
    for (int i = 0; i < N_REPS; i++) {
        const struct report *r = rs->r[i];
        double lambda = test_value(r, "all", "arrival_rate");

        check_rel(test_value(r, "all", "in_system_mean"),
                  lambda * test_value(r, "all", "sojourn_mean"), LITTLE_REL);
        check_rel(test_value(r, "all", "queue_length_mean"),
                  lambda * test_value(r, "all", "wait_mean"), LITTLE_REL);
        check_rel(test_value(r, "all", "throughput"), lambda, LITTLE_REL);
        for (int k = 1; k <= rs->c->stations; k++) {
            g_autofree char *scope = g_strdup_printf("station%d", k);
            double x = test_value(r, scope, "throughput");

            check_rel(test_value(r, scope, "queue_length_mean"),
                      x * test_value(r, scope, "wait_mean"), LITTLE_REL);
        }
    }
}

/* M/M/1: sojourn is exponential with rate mu - lambda (Kleinrock vol. 1,
 * section 3.2), so W = 1/(mu-lambda) and its q-quantile is -ln(1-q) W. */
static void test_mm1(gconstpointer data)
{
    const struct qcase *c = data;
    double lambda = 1.0 / c->ta, mu = 1.0 / c->ts, rho = lambda / mu;
    double w = 1.0 / (mu - lambda);
    struct reps rs;

    reps_run(&rs, c);
    check(&rs, "all", "sojourn_mean", w, 0);
    check(&rs, "all", "wait_mean", rho * w, 0);
    check(&rs, "all", "utilization", rho, 0);
    check(&rs, "all", "queue_length_mean", rho * rho / (1 - rho), 0);
    check(&rs, "all", "in_system_mean", rho / (1 - rho), 0);
    check(&rs, "all", "throughput", lambda, 0);
    check(&rs, "all", "sojourn_p50", log(2.0) * w, HIST_REL);
    check(&rs, "all", "sojourn_p99", log(100.0) * w, HIST_REL);
    check(&rs, "station1", "wait_mean", rho * w, 0);
    check(&rs, "station1", "utilization", rho, 0);
    /* Forgetting the queueing delay, or the M/D/1 (half) wait, must fail. */
    check_rejects(&rs, "all", "sojourn_mean", 1.0 / mu);
    check_rejects(&rs, "all", "wait_mean", rho / (2 * mu * (1 - rho)));
    check_little(&rs);
    reps_free(&rs);
}

/* M/D/1: Pollaczek-Khinchine with zero service variance,
 * Wq = rho / (2 mu (1 - rho)) (Kleinrock vol. 1, eq. 5.86). */
static void test_md1(gconstpointer data)
{
    const struct qcase *c = data;
    double lambda = 1.0 / c->ta, mu = 1.0 / c->ts, rho = lambda / mu;
    double wq = rho / (2 * mu * (1 - rho));
    struct reps rs;

    reps_run(&rs, c);
    check(&rs, "all", "wait_mean", wq, 0);
    check(&rs, "all", "sojourn_mean", wq + 1.0 / mu, 0);
    check(&rs, "all", "queue_length_mean", lambda * wq, 0);
    check(&rs, "all", "utilization", rho, 0);
    /* The M/M/1 wait is twice as long. */
    check_rejects(&rs, "all", "wait_mean", rho / (mu - lambda));
    check_little(&rs);
    reps_free(&rs);
}

/* Erlang C: probability that an arrival waits in M/M/c with offered load
 * a = lambda/mu < c (Kleinrock vol. 1, eq. 3.40). */
static double erlang_c(int c, double a)
{
    double term = 1.0, sum = 0.0, rho = a / c;

    for (int k = 0; k < c; k++) {
        sum += term;
        term *= a / (k + 1);
    }
    /* term is now a^c / c! */
    term /= 1.0 - rho;
    return term / (sum + term);
}

static void test_mmc(gconstpointer data)
{
    const struct qcase *c = data;
    double lambda = 1.0 / c->ta, mu = 1.0 / c->ts, a = lambda / mu, rho = a / c->servers;
    double wq = erlang_c(c->servers, a) / (c->servers * mu - lambda);
    struct reps rs;

    reps_run(&rs, c);
    check(&rs, "all", "wait_mean", wq, 0);
    check(&rs, "all", "sojourn_mean", wq + 1.0 / mu, 0);
    check(&rs, "all", "queue_length_mean", lambda * wq, 0);
    check(&rs, "all", "in_system_mean", lambda * (wq + 1.0 / mu), 0);
    check(&rs, "all", "utilization", rho, 0);
    /* One server c times as fast (M/M/1 at the same load) waits longer. */
    check_rejects(&rs, "all", "wait_mean", rho / (c->servers * mu - lambda));
    check_little(&rs);
    reps_free(&rs);
}

/* Jackson: the departures of an M/M/1 queue are Poisson (Burke), so each
 * station of the tandem is an M/M/1 queue and the sojourns add. */
static void test_tandem(gconstpointer data)
{
    const struct qcase *c = data;
    double lambda = 1.0 / c->ta, mu = 1.0 / c->ts, rho = lambda / mu;
    double w = 1.0 / (mu - lambda);
    struct reps rs;

    reps_run(&rs, c);
    check(&rs, "all", "sojourn_mean", c->stations * w, 0);
    check(&rs, "all", "wait_mean", c->stations * rho * w, 0);
    check(&rs, "all", "queue_length_mean", c->stations * rho * rho / (1 - rho), 0);
    check(&rs, "all", "utilization", rho, 0);
    for (int k = 1; k <= c->stations; k++) {
        g_autofree char *scope = g_strdup_printf("station%d", k);

        check(&rs, scope, "sojourn_mean", w, 0);
        check(&rs, scope, "utilization", rho, 0);
        check(&rs, scope, "throughput", lambda, 0);
    }
    /* A single station's sojourn is not the total. */
    check_rejects(&rs, "all", "sojourn_mean", w);
    check_little(&rs);
    reps_free(&rs);
}

/* Run lengths give CI half-widths of a few percent on the means. */
static const struct qcase mm1_50 = { "mm1-50", 2.0, 1.0, SVC_EXP, 1, 1, 21000, 1000 };
static const struct qcase mm1_80 = { "mm1-80", 1.25, 1.0, SVC_EXP, 1, 1, 52000, 2000 };
static const struct qcase mm1_90 = { "mm1-90", 1.0, 0.9, SVC_EXP, 1, 1, 155000, 5000 };
static const struct qcase md1_80 = { "md1-80", 1.25, 1.0, SVC_DET, 1, 1, 52000, 2000 };
static const struct qcase mm3_80 = { "mm3-80", 1.0, 2.4, SVC_EXP, 3, 1, 52000, 2000 };
static const struct qcase tandem_70 = { "tandem-70", 1.0, 0.7, SVC_EXP, 1, 2, 52000, 2000 };

/* M/M/1/K: an arrival finding K jobs in the system is blocked, with
 * probability P_K = (1 - rho) rho^K / (1 - rho^(K+1)) (Kleinrock vol. 1,
 * section 3.6); Little's law holds with the accepted rate
 * lambda (1 - P_K). */
static void test_mm1k(void)
{
    const int k = 5;
    const double lambda = 0.8, mu = 1.0, rho = lambda / mu;
    double pk = (1 - rho) * pow(rho, k) / (1 - pow(rho, k + 1));
    double l = rho / (1 - rho) - (k + 1) * pow(rho, k + 1) / (1 - pow(rho, k + 1));
    const char *ini = "[scenario]\nname = mm1k\nmodel = queue\nduration = 52000s\n"
                      "warmup = 2000s\n[queue]\ninterarrival = exp(1.25s)\nservice = exp(1s)\n"
                      "capacity = 5\n";
    GError *error = NULL;
    struct scenario *sc = scenario_load_data(ini, "mm1k", NULL, &error);
    struct qcase c = { .name = "mm1k", .stations = 1 };
    struct reps rs = { .c = &c };

    g_assert_no_error(error);
    for (int i = 0; i < N_REPS; i++)
        rs.r[i] = test_run(sc, (uint64_t)i + 1);
    check(&rs, "all", "blocking_probability", pk, 0);
    check(&rs, "all", "in_system_mean", l, 0);
    check(&rs, "all", "throughput", lambda * (1 - pk), 0);
    /* An infinite queue never blocks, and it holds 4 jobs, not ~1.9. */
    check_rejects(&rs, "all", "blocking_probability", 0.0);
    check_rejects(&rs, "all", "in_system_mean", rho / (1 - rho));
    for (int i = 0; i < N_REPS; i++) {
        const struct report *r = rs.r[i];

        check_rel(test_value(r, "all", "in_system_mean"),
                  test_value(r, "all", "throughput") * test_value(r, "all", "sojourn_mean"),
                  LITTLE_REL);
    }
    reps_free(&rs);
    scenario_free(sc);
}

static void test_bad_servers(void)
{
    g_autofree char *ini = g_strdup_printf(ini_fmt, "bad", 10.0, 0.0, "exp(1s)", "exp(1s)", 0, 1);
    GError *error = NULL;

    g_assert_null(scenario_load_data(ini, "bad.ini", NULL, &error));
    g_assert_error(error, IOVSIM_ERROR, IOVSIM_ERROR_INPUT);
    g_assert_nonnull(strstr(error->message, "queue.servers"));
    g_error_free(error);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/queue/exact/dd1", test_dd1_exact);
    g_test_add_func("/queue/exact/warmup", test_dd1_warmup);
    g_test_add_func("/queue/exact/tandem", test_tandem_exact);
    g_test_add_func("/queue/exact/deterministic", test_deterministic);
    g_test_add_func("/queue/config/bad-servers", test_bad_servers);
    g_test_add_data_func("/queue/theory/mm1-rho50", &mm1_50, test_mm1);
    g_test_add_data_func("/queue/theory/mm1-rho80", &mm1_80, test_mm1);
    g_test_add_data_func("/queue/theory/mm1-rho90", &mm1_90, test_mm1);
    g_test_add_data_func("/queue/theory/md1-rho80", &md1_80, test_md1);
    g_test_add_data_func("/queue/theory/mm3-rho80", &mm3_80, test_mmc);
    g_test_add_data_func("/queue/theory/tandem-rho70", &tandem_70, test_tandem);
    g_test_add_func("/queue/theory/mm1k-rho80", test_mm1k);
    return g_test_run();
}
