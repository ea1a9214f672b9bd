/* Probability distributions written in scenario files, e.g. exp(1.25s),
 * det(1s), uniform(1ms, 3ms), normal(10us, 2us), lognormal(1ms, 0.5ms),
 * pareto(2.5, 1ms), empirical(file.txt), cdf(websearch). Values are in SI base
 * units of the parameter's dimension (seconds for times, bytes for sizes). */
#ifndef IOVSIM_DIST_H
#define IOVSIM_DIST_H

#include <stdbool.h>
#include <stddef.h>

#include <glib.h>
#include <gsl/gsl_rng.h>

#include "simtime.h"
#include "size_cdfs.h"
#include "units.h"

enum dist_kind {
    DIST_DET,       /* det(v): always v */
    DIST_EXP,       /* exp(mean) */
    DIST_UNIFORM,   /* uniform(lo, hi) */
    DIST_NORMAL,    /* normal(mean, sd), redrawn while negative */
    DIST_LOGNORMAL, /* lognormal(mean, sd): mean and sd of the variable itself */
    DIST_PARETO,    /* pareto(shape, scale): scale is the minimum value */
    DIST_EMPIRICAL, /* empirical(path): one value per line, drawn uniformly */
    DIST_CDF,       /* cdf(name): a published size distribution built in (size_cdfs.h) */
};

/**
 * struct dist - a parsed distribution
 * @a, @b:   parameters in base units as written (see enum dist_kind);
 *           pareto's shape @a is a plain number
 * @values:  empirical samples, read-only: shared by every copy and every
 *           parse of the same unchanged file (released by dist_release())
 * @path:    empirical file as an absolute path (owned)
 * @cdf:     cdf()'s built-in table (static)
 *
 * Distributions of any dimension but DIM_NONE never draw negative values:
 * dist_parse() rejects negative parameters, and normal() is truncated at 0
 * by redrawing (its mean is then above @a; dist_mean() accounts for that).
 */
struct dist {
    enum dist_kind kind;
    enum unit_dim dim;
    double a, b;
    const double *values;
    size_t n_values;
    char *path;
    const struct size_cdf *cdf;
};

/**
 * dist_parse - parse @text as a distribution of dimension @dim
 * A bare value ("1s") is det(1s). Relative empirical paths resolve against
 * @base_dir (may be NULL). On error returns false with a message in @error
 * that does not name the file or key (the caller adds those).
 */
bool dist_parse(struct dist *d, const char *text, enum unit_dim dim, const char *base_dir,
                GError **error);
void dist_release(struct dist *d);
/* Copy; empirical samples are shared, not duplicated. */
void dist_copy(struct dist *dst, const struct dist *src);

/* One draw in base units (never negative for time and size dimensions). */
double dist_sample(const struct dist *d, gsl_rng *rng);
/* One draw of a time distribution, in picoseconds: rounded to nearest,
 * and clamped to SIM_TIME_MAX / 4 so that now + draw cannot overflow
 * (only a heavy pareto() tail gets there). */
sim_time dist_sample_time(const struct dist *d, gsl_rng *rng);

/* Analytic mean and variance in base units (empirical: of the samples, as a
 * population; pareto: INFINITY when shape <= 1, resp. <= 2). */
double dist_mean(const struct dist *d);
double dist_variance(const struct dist *d);

/* Canonical text, parseable by dist_parse(), e.g. "exp(1.25s)"; caller frees. */
char *dist_to_string(const struct dist *d);

#endif
