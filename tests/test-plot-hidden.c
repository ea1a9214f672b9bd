/* Tests for analysis/plot_hidden.c: when one curve hides another. A step
 * shifted by less than the tolerance along x is hidden however far apart
 * the two are in F beside the step; a shift past it, or a gap in F, is not. */
#include <math.h>

#include <glib.h>

#include "../analysis/plot_hidden.h"

/* A CDF rising from 0 to 1 between @x0 and @x0 + 0.01, then flat to 20. */
static void step(double *c, double x0)
{
    const double pts[] = { 0, 0, x0, 0, x0 + 0.01, 1, 20, 1 };

    for (int i = 0; i < 8; i++)
        c[i] = pts[i];
}

static void test_cdf(void)
{
    double a[8], b[8], c[8];
    const double ex = PLOT_HIDDEN_FRACTION * 20, ey = PLOT_HIDDEN_FRACTION;

    step(a, 10);
    step(b, 10);
    g_assert_cmpint(plot_cdf_overlap(a, 4, b, 4, ex, ey), ==, PLOT_IDENTICAL);
    /* 0.05 along x, under the 0.1 allowed: at x = 10.005 the two differ by
     * half of F, and still look like one. */
    step(b, 10.05);
    g_assert_cmpint(plot_cdf_overlap(a, 4, b, 4, ex, ey), ==, PLOT_HIDDEN);
    g_assert_cmpint(plot_cdf_overlap(b, 4, a, 4, ex, ey), ==, PLOT_HIDDEN);
    step(b, 10.3);
    g_assert_cmpint(plot_cdf_overlap(a, 4, b, 4, ex, ey), ==, PLOT_APART);
    /* The same x, F apart by 2% on its way up. */
    step(c, 10);
    c[4] = 15;
    c[5] = 0.5;
    c[6] = 20;
    c[7] = 1;
    double d[8] = { 0, 0, 10, 0, 15, 0.52, 20, 1 };
    g_assert_cmpint(plot_cdf_overlap(c, 4, d, 4, ex, ey), ==, PLOT_APART);
    d[5] = 0.503;
    g_assert_cmpint(plot_cdf_overlap(c, 4, d, 4, ex, ey), ==, PLOT_HIDDEN);
    g_assert_cmpint(plot_cdf_overlap(c, 4, d, 0, ex, ey), ==, PLOT_APART);
}

static void test_points(void)
{
    const double a[] = { 1, 2, 3 }, b[] = { 1, 2.004, 3 }, c[] = { 1, 2.2, 3 };
    const double n[] = { 1, NAN, 3 }, m[] = { 10, 100, 1000 }, l[] = { 10.1, 100, 1000 };

    g_assert_cmpint(plot_points_overlap(a, a, 3, 0.015, false), ==, PLOT_IDENTICAL);
    g_assert_cmpint(plot_points_overlap(a, b, 3, 0.015, false), ==, PLOT_HIDDEN);
    g_assert_cmpint(plot_points_overlap(a, c, 3, 0.015, false), ==, PLOT_APART);
    g_assert_cmpint(plot_points_overlap(a, n, 3, 0.015, false), ==, PLOT_APART);
    g_assert_cmpint(plot_points_overlap(n, n, 3, 0.015, false), ==, PLOT_IDENTICAL);
    /* Log axis: 1% is 0.004 decades. */
    g_assert_cmpint(plot_points_overlap(m, l, 3, 0.005, true), ==, PLOT_HIDDEN);
    g_assert_cmpint(plot_points_overlap(m, l, 3, 0.003, true), ==, PLOT_APART);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/plot-hidden/cdf", test_cdf);
    g_test_add_func("/plot-hidden/points", test_points);
    return g_test_run();
}
