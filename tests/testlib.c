/* Helpers shared by the model tests (see testlib.h). */
#include "testlib.h"

#include <math.h>
#include <string.h>

#include <glib.h>

#include "model.h"
#include "runner.h"

struct scenario *test_load(const char *ini)
{
    GError *error = NULL;
    struct scenario *sc = scenario_load_data(ini, "t.ini", NULL, &error);

    g_assert_no_error(error);
    g_assert_nonnull(sc);
    return sc;
}

struct report *test_run(const struct scenario *sc, uint64_t seed)
{
    struct run_result res;
    GError *error = NULL;

    g_assert_true(runner_run(sc, seed, NULL, &res, &error));
    g_assert_no_error(error);
    g_assert_false(res.interrupted);
    g_assert_nonnull(res.report);
    return res.report;
}

struct report *test_run_ini(const char *ini, uint64_t seed)
{
    struct scenario *sc = test_load(ini);
    struct report *r = test_run(sc, seed);

    scenario_free(sc);
    return r;
}

double test_value(const struct report *r, const char *scope, const char *name)
{
    const struct report_metric *m = report_find(r, scope, name);

    if (!m)
        g_error("metric '%s' '%s' missing", scope, name);
    return m->value;
}

double test_all(const struct report *r, const char *name)
{
    return test_value(r, "all", name);
}

void test_check_breakdown(const struct report *r, const char *scope, const char *latency,
                          const char *const *stages, size_t n, double rel)
{
    double lat = test_value(r, scope, latency), sum = 0;

    for (size_t s = 0; s < n; s++) {
        g_autofree char *name = g_strdup_printf("stage_%s", stages[s]);
        double v = test_value(r, scope, name);

        g_assert_cmpfloat(v, >=, 0);
        sum += v;
    }
    g_assert_cmpfloat(fabs(sum - lat), <=, rel * lat);
}

void test_check_net_conservation(const struct report *r)
{
    double sent = test_all(r, "sent_total");

    g_assert_cmpfloat(sent, >, 0);
    g_assert_cmpfloat(sent, ==,
                      test_all(r, "received_total") + test_all(r, "dropped_total") +
                          test_all(r, "in_flight"));
}

void test_expect_refused(const char *ini, const char *key, const char *says)
{
    GError *error = NULL;
    struct scenario *sc = scenario_load_data(ini, "t.ini", NULL, &error);

    if (sc) {
        const struct model_ops *ops = model_lookup(scenario_model(sc));

        g_assert_nonnull(ops);
        g_assert_nonnull(ops->check);
        g_assert_false(ops->check(sc, &error));
        scenario_free(sc);
    }
    g_assert_nonnull(error);
    g_test_message("%s", error->message);
    g_assert_nonnull(strstr(error->message, "t.ini:"));
    g_assert_nonnull(strstr(error->message, key));
    if (says)
        g_assert_nonnull(strstr(error->message, says));
    g_assert_null(strchr(error->message, '\n'));
    g_error_free(error);
}

void test_assert_same_report(const struct report *a, const struct report *b)
{
    g_assert_cmpuint(a->metrics->len, ==, b->metrics->len);
    for (guint i = 0; i < a->metrics->len; i++) {
        const struct report_metric *x = g_ptr_array_index(a->metrics, i);
        const struct report_metric *y = g_ptr_array_index(b->metrics, i);

        g_assert_cmpstr(x->scope, ==, y->scope);
        g_assert_cmpstr(x->name, ==, y->name);
        if (memcmp(&x->value, &y->value, sizeof(double)))
            g_error("%s/%s: %.17g against %.17g", x->scope, x->name, x->value, y->value);
    }
    g_assert_cmpuint(a->hists->len, ==, b->hists->len);
    for (guint i = 0; i < a->hists->len; i++) {
        const struct report_hist *x = g_ptr_array_index(a->hists, i);
        const struct report_hist *y = g_ptr_array_index(b->hists, i);

        g_assert_cmpstr(x->scope, ==, y->scope);
        g_assert_cmpstr(x->name, ==, y->name);
        g_assert_cmpmem(x->bins, x->n_bins * sizeof(x->bins[0]), y->bins,
                        y->n_bins * sizeof(y->bins[0]));
        g_assert_cmpstr(x->counts, ==, y->counts);
        g_assert_cmpint(x->first, ==, y->first);
        g_assert_cmpfloat(x->scale, ==, y->scale);
    }
}

struct report_hist *test_add_hist_bins(struct report *r, const char *scope, const char *name,
                                       double scale, const size_t *buckets, const uint64_t *counts,
                                       size_t n)
{
    struct report_hist *h = g_new0(struct report_hist, 1);

    h->scope = g_strdup(scope);
    h->name = g_strdup(name);
    h->unit = g_strdup("s");
    h->scale = scale;
    h->n_bins = n;
    h->bins = g_new0(struct report_hist_bin, MAX(n, 1));
    for (size_t i = 0; i < n; i++) {
        struct report_hist_bin *b = &h->bins[i];

        hist_bucket_bounds(buckets[i], &b->lo_units, &b->hi_units);
        b->lo = (double)b->lo_units * scale;
        b->hi = (double)b->hi_units * scale;
        b->count = counts[i];
    }
    g_ptr_array_add(r->hists, h);
    return h;
}

bool test_reports_differ(const struct report *a, const struct report *b)
{
    for (guint i = 0; i < a->metrics->len; i++) {
        const struct report_metric *x = g_ptr_array_index(a->metrics, i);
        const struct report_metric *y = report_find(b, x->scope, x->name);

        if (y && memcmp(&x->value, &y->value, sizeof(double)))
            return true;
    }
    return false;
}
