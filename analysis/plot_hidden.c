/* Curves hidden under others (analysis/plot_hidden.h). */
#include "plot_hidden.h"

#include <math.h>

static bool same_number(double a, double b)
{
    if (isnan(a) || isnan(b))
        return isnan(a) && isnan(b);
    return fabs(a - b) <= 1e-9 * fmax(fabs(a), fabs(b));
}

/* The polyline @c (@n pairs, x ascending) at @x: 0 before it, its last F
 * after it, the highest F where it rises straight up at @x. */
static double cdf_at(const double *c, size_t n, double x)
{
    size_t lo = 0, hi = n;

    /* The first vertex right of x. */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;

        if (c[2 * mid] <= x)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == 0)
        return 0;
    if (lo == n)
        return c[2 * (n - 1) + 1];
    const double *p = &c[2 * (lo - 1)], *q = &c[2 * lo];

    return p[1] + (q[1] - p[1]) * (x - p[0]) / (q[0] - p[0]);
}

/* Every vertex of @a between @b shifted left and right by @ex, widened by @ey. */
static bool within(const double *a, size_t na, const double *b, size_t nb, double ex, double ey)
{
    for (size_t i = 0; i < na; i++) {
        double x = a[2 * i], f = a[2 * i + 1];

        if (f < cdf_at(b, nb, x - ex) - ey || f > cdf_at(b, nb, x + ex) + ey)
            return false;
    }
    return true;
}

enum plot_overlap plot_cdf_overlap(const double *a, size_t na, const double *b, size_t nb,
                                   double ex, double ey)
{
    bool same = na == nb && na > 0;

    for (size_t i = 0; same && i < 2 * na; i++)
        same = same_number(a[i], b[i]);
    if (same)
        return PLOT_IDENTICAL;
    if (na == 0 || nb == 0)
        return PLOT_APART;
    return within(a, na, b, nb, ex, ey) && within(b, nb, a, na, ex, ey) ? PLOT_HIDDEN : PLOT_APART;
}

enum plot_overlap plot_points_overlap(const double *ya, const double *yb, size_t n, double ey,
                                      bool logy)
{
    bool same = n > 0, near = n > 0;

    for (size_t i = 0; i < n; i++) {
        double a = ya[i], b = yb[i];

        if (same_number(a, b))
            continue;
        same = false;
        if (isnan(a) || isnan(b))
            return PLOT_APART;
        near = near && (logy ? a > 0 && b > 0 && fabs(log10(a / b)) <= ey : fabs(a - b) <= ey);
    }
    return same ? PLOT_IDENTICAL : near ? PLOT_HIDDEN : PLOT_APART;
}
