/* Tests for sim/report.c: metric add/replace/find, string ownership, and
 * histogram export (the store's row of the non-empty buckets). */
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
    int64_t lo, hi;

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
    g_assert_cmpfloat(rh->scale, ==, 1e-12);
    /* The store's row: buckets 7, 506 and 3054, as runs from the first. */
    g_assert_null(rh->bins);
    g_assert_cmpint(rh->first, ==, 7);
    g_assert_cmpstr(rh->counts, ==, "[[0,5],[499,3],[3047,1]]");
    /* Those buckets hold the values. */
    hist_bucket_bounds(506, &lo, &hi);
    g_assert_true(lo <= 1000 && 1000 < hi);
    hist_bucket_bounds(3054, &lo, &hi);
    g_assert_true(lo <= 1000000000 && 1000000000 < hi);

    /* Same (scope, name) replaces; an empty histogram is an empty row. */
    hist_reset(&h);
    report_hist(r, "all", "sojourn", &h, 1e-12, "s");
    report_hist(r, "station1", "sojourn", &h, 1.0, "ps");
    g_assert_cmpuint(r->hists->len, ==, 2);
    rh = g_ptr_array_index(r->hists, 0);
    g_assert_cmpstr(rh->counts, ==, "[]");
    g_assert_cmpint(rh->first, ==, 0);
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
