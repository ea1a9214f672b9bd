/* Published flow-size distributions, built in so that a parameter's default
 * can name one: cdf(websearch), cdf(datamining), cdf(hadoop). Each is the
 * table of points (bytes, cumulative probability) that data-centre studies
 * publish; a draw is uniform between two neighbouring points, as the
 * traffic generators that ship these tables draw it. Sources with the
 * tables in size_cdfs.c and docs/sources.md#flow-size-cdfs. */
#ifndef IOVSIM_SIZE_CDFS_H
#define IOVSIM_SIZE_CDFS_H

#include <stddef.h>

struct size_cdf {
    const char *name;
    size_t n;            /* points, the first (0 B, 0), the last at probability 1 */
    const double *bytes; /* increasing */
    const double *prob;  /* cumulative, increasing */
};

/* The table called @name, or NULL. */
const struct size_cdf *size_cdf_find(const char *name);

/* The names of every table, for messages (@n of them, borrowed). */
const char *const *size_cdf_names(size_t *n);

/* The size at cumulative probability @u in [0, 1): the inverse of the
 * table's piecewise-linear CDF. */
double size_cdf_quantile(const struct size_cdf *t, double u);

/* Mean and variance of that piecewise-linear distribution (sizes spread
 * evenly within each step). */
void size_cdf_moments(const struct size_cdf *t, double *mean, double *var);

#endif
