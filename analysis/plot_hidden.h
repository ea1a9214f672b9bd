/* Curves drawn over one another: is one hidden under another at the
 * figure's resolution? The key then names the curve it hides under, so a
 * reader does not look for a line that is there but cannot be seen. */
#ifndef IOVSIM_ANALYSIS_PLOT_HIDDEN_H
#define IOVSIM_ANALYSIS_PLOT_HIDDEN_H

#include <stdbool.h>
#include <stddef.h>

/* What fraction of an axis two curves may lie apart and still look like
 * one: two pixels of a 400-pixel plot, about a line's width. */
#define PLOT_HIDDEN_FRACTION 0.005

/* How curve b lies against curve a. */
enum plot_overlap {
    PLOT_APART,     /* visibly apart somewhere */
    PLOT_IDENTICAL, /* the same numbers */
    PLOT_HIDDEN,    /* different numbers, within PLOT_HIDDEN_FRACTION everywhere */
};

/**
 * plot_cdf_overlap - two CDFs as polylines of (x, F) pairs, x ascending
 * (@a has @na pairs, @b @nb): identical, or every vertex of each within
 * @ex along x or @ey along F of the other (the Lévy distance, for curves
 * that rise steeply where a shift along x is all that tells them apart).
 */
enum plot_overlap plot_cdf_overlap(const double *a, size_t na, const double *b, size_t nb,
                                   double ex, double ey);

/**
 * plot_points_overlap - two lines over the same x values, their y values
 * @ya and @yb (@n each): identical, or each pair within @ey (on a log axis,
 * @ey is in decades of the ratio).
 */
enum plot_overlap plot_points_overlap(const double *ya, const double *yb, size_t n, double ey,
                                      bool logy);

#endif
