/* Tests for sim/report.c: metric add/replace/find, string ownership, and
 * histogram export (non-empty buckets only, scaled bounds). */
#include <string.h>

#include <glib.h>

#include "report.h"

static void test_metric_add_find(void)
{
    struct report *r = report_new();
    char scope[] = "station1";
    const struct report_metric *m;

    report_metric(r, "all", "sojourn_mean", 1.5, "s");
    report_metric(r, scope, "sojourn_mean", 2.5, "s");
    /* Strings are copied: changing the caller's buffer changes nothing. */
    scope[7] = '2';
    report_metric(r, "all", "throughput", 0.8, "1/s");
    g_assert_cmpuint(r->metrics->len, ==, 3);

    m = report_find(r, "all", "sojourn_mean");
    g_assert_nonnull(m);
    g_assert_cmpfloat(m->value, ==, 1.5);
    g_assert_cmpstr(m->unit, ==, "s");
    m = report_find(r, "station1", "sojourn_mean");
    g_assert_nonnull(m);
    g_assert_cmpfloat(m->value, ==, 2.5);
    g_assert_null(report_find(r, "station2", "sojourn_mean"));
    g_assert_null(report_find(r, "all", "sojourn"));
    g_assert_cmpstr(report_find(r, "all", "throughput")->unit, ==, "1/s");
    report_free(r);
    report_free(NULL);
}

static void test_metric_replace(void)
{
    struct report *r = report_new();
    const struct report_metric *m;

    report_metric(r, "all", "a", 1.0, "s");
    report_metric(r, "all", "b", 2.0, "1");
    report_metric(r, "all", "a", 3.0, "ms");
    g_assert_cmpuint(r->metrics->len, ==, 2);
    /* Replaced in place: first-added order is kept. */
    m = g_ptr_array_index(r->metrics, 0);
    g_assert_cmpstr(m->name, ==, "a");
    g_assert_cmpfloat(m->value, ==, 3.0);
    g_assert_cmpstr(m->unit, ==, "ms");
    g_assert_true(report_find(r, "all", "a") == m);
    report_free(r);
}

/* Appended metrics (a decoded report) are found, and replaced in place,
 * as added ones are. */
static void test_metric_append(void)
{
    struct report *r = report_new();
    const struct report_metric *m;

    report_metric(r, "all", "a", 1.0, "s");
    report_metric_append(r, "all", "b", 2.0, "1");
    report_metric_append(r, "vm1", "a", 4.0, "s");
    g_assert_cmpfloat(report_find(r, "all", "b")->value, ==, 2.0);
    report_metric_append(r, "vm2", "a", 5.0, "s");
    report_metric(r, "vm2", "a", 6.0, "ms");
    report_metric(r, "all", "c", 7.0, "1");
    g_assert_cmpuint(r->metrics->len, ==, 5);
    m = g_ptr_array_index(r->metrics, 3);
    g_assert_true(report_find(r, "vm2", "a") == m);
    g_assert_cmpfloat(m->value, ==, 6.0);
    g_assert_cmpstr(m->unit, ==, "ms");
    g_assert_cmpfloat(report_find(r, "vm1", "a")->value, ==, 4.0);
    g_assert_null(report_find(r, "vm3", "a"));
    report_free(r);
}

static void test_hist_export(void)
{
    struct report *r = report_new();
    const struct report_hist *rh;
    struct hist h;
    uint64_t total = 0;

    hist_init(&h);
    /* 5 in the exact region, 1000 ps three times, 1 ms once. */
    for (int i = 0; i < 5; i++)
        hist_add(&h, 7);
    for (int i = 0; i < 3; i++)
        hist_add(&h, 1000);
    hist_add(&h, 1000000000);
    report_hist(r, "all", "sojourn", &h, 1e-12, "s");
    g_assert_cmpuint(r->hists->len, ==, 1);
    rh = g_ptr_array_index(r->hists, 0);
    g_assert_cmpstr(rh->scope, ==, "all");
    g_assert_cmpstr(rh->name, ==, "sojourn");
    g_assert_cmpstr(rh->unit, ==, "s");
    g_assert_cmpuint(rh->n_bins, ==, 3);
    g_assert_cmpfloat_with_epsilon(rh->bins[0].lo, 7e-12, 1e-24);
    g_assert_cmpfloat_with_epsilon(rh->bins[0].hi, 8e-12, 1e-24);
    g_assert_cmpuint(rh->bins[0].count, ==, 5);
    /* Bins ascend, do not overlap and contain their values. */
    g_assert_cmpfloat(rh->bins[1].lo, <=, 1000e-12);
    g_assert_cmpfloat(rh->bins[1].hi, >, 1000e-12);
    g_assert_cmpuint(rh->bins[1].count, ==, 3);
    g_assert_cmpfloat(rh->bins[2].lo, <=, 1e-3);
    g_assert_cmpfloat(rh->bins[2].hi, >, 1e-3);
    g_assert_cmpfloat(rh->bins[2].hi, <=, 1e-3 * (1.0 + 1.0 / 128.0));
    for (size_t i = 0; i < rh->n_bins; i++) {
        total += rh->bins[i].count;
        if (i)
            g_assert_cmpfloat(rh->bins[i].lo, >=, rh->bins[i - 1].hi);
    }
    g_assert_cmpuint(total, ==, h.total);

    /* Same (scope, name) replaces; an empty histogram exports no bins. */
    hist_reset(&h);
    report_hist(r, "all", "sojourn", &h, 1e-12, "s");
    report_hist(r, "station1", "sojourn", &h, 1.0, "ps");
    g_assert_cmpuint(r->hists->len, ==, 2);
    rh = g_ptr_array_index(r->hists, 0);
    g_assert_cmpuint(rh->n_bins, ==, 0);
    hist_release(&h);
    report_free(r);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/report/metric/add-find", test_metric_add_find);
    g_test_add_func("/report/metric/replace", test_metric_replace);
    g_test_add_func("/report/metric/append", test_metric_append);
    g_test_add_func("/report/hist/export", test_hist_export);
    return g_test_run();
}
