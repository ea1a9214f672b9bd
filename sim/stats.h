/* Statistics collectors: counters, Welford mean/variance, time-weighted
 * averages, log-linear latency histograms (no samples stored), and Student-t
 * confidence intervals across replications. */
#ifndef IOVSIM_STATS_H
#define IOVSIM_STATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <glib.h>

#include "simtime.h"

/* Welford's online mean and variance (numerically stable). */
struct welford {
    uint64_t n;
    double mean;
    double m2;
};

void welford_init(struct welford *w);

/* Inline: it runs for several samples of every packet, and its division is
 * on a serial chain through the mean; a call around it kept the compiler
 * from overlapping that chain with the caller's work. The arithmetic is the
 * same as out of line, operation for operation. The count converts through
 * int64_t (exact below 2^53, as before) because unsigned 64-bit to double
 * takes a branch and two more instructions on x86-64. */
static inline void welford_add(struct welford *w, double x)
{
    double delta = x - w->mean;

    w->n++;
    w->mean += delta / (double)(int64_t)w->n;
    /* Uses the updated mean: this product is what keeps m2 non-negative. */
    w->m2 += delta * (x - w->mean);
}

double welford_mean(const struct welford *w);     /* 0 if n == 0 */
double welford_variance(const struct welford *w); /* sample variance, 0 if n < 2 */
/* The mean, or NaN (undefined) without samples: what a report stores, so
 * that a run without samples is not read as 0 (the store writes NULL). */
double welford_mean_defined(const struct welford *w);
/* Merge @b into @a (Chan et al. parallel formula). */
void welford_merge(struct welford *a, const struct welford *b);

/**
 * struct timeavg - time-weighted average of a piecewise-constant signal
 * (queue length, busy servers). Call timeavg_set() at every change.
 */
struct timeavg {
    sim_time start; /* collection start (after warm-up reset) */
    sim_time last;  /* time of the last change */
    double value;   /* current value */
    double area;    /* integral of value over [start, last], value*ps */
};

void timeavg_init(struct timeavg *ta, sim_time now, double value);

/* Inline, as welford_add(): servers call it at every arrival and
 * departure. */
static inline void timeavg_set(struct timeavg *ta, sim_time now, double value)
{
    g_assert(now >= ta->last);
    ta->area += ta->value * (double)(now - ta->last);
    ta->last = now;
    ta->value = value;
}

void timeavg_add(struct timeavg *ta, sim_time now, double delta);
/* Start collecting afresh at @now, keeping the current value (warm-up cut). */
void timeavg_reset(struct timeavg *ta, sim_time now);
/* Average over [start, now]; the current value if no time has passed. */
double timeavg_mean(const struct timeavg *ta, sim_time now);

/**
 * struct hist - log-linear histogram of non-negative values
 * Buckets are exact below 2^HIST_SUB_BITS units, then each power of two is
 * split into 2^HIST_SUB_BITS linear buckets, so any quantile is off by at
 * most 2^-HIST_SUB_BITS relative (0.4% at the bucket midpoint). Values are
 * integers in the caller's unit (picoseconds for latency).
 */
#define HIST_SUB_BITS 7

struct hist {
    uint64_t *counts; /* lazily grown */
    size_t n_buckets;
    uint64_t total;
    int64_t min, max;
    double sum;
};

void hist_init(struct hist *h);
void hist_release(struct hist *h);
void hist_reset(struct hist *h);
void hist_add(struct hist *h, int64_t value);
void hist_merge(struct hist *dst, const struct hist *src);
/* Value at quantile @q in [0, 1]: the midpoint of the bucket holding it
 * (clamped to [min, max]); 0 when empty. */
double hist_quantile(const struct hist *h, double q);
double hist_mean(const struct hist *h);
/* hist_quantile(), or NaN (undefined) when the histogram is empty. */
double hist_quantile_defined(const struct hist *h, double q);
/* Bucket @i covers [lo, hi) in the caller's unit. */
void hist_bucket_bounds(size_t i, int64_t *lo, int64_t *hi);
size_t hist_bucket_of(int64_t value);

/**
 * ci95_halfwidth - half-width of the 95% confidence interval of the mean of
 * @n replications with sample standard deviation @sd (Student t, n-1 dof).
 * Returns 0 for n < 2.
 */
double ci95_halfwidth(double sd, uint64_t n);

#endif
