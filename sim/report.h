/* One run's results: metric rows (scope, name, value in SI base units, unit)
 * and latency histograms. Models fill it; the store and the CLI read it. */
#ifndef IOVSIM_REPORT_H
#define IOVSIM_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <glib.h>

#include "stats.h"

struct report_metric {
    char *scope; /* "all", "vm3", "station1", ... */
    char *name;  /* "sojourn_mean", ... */
    double value;
    char *unit; /* "s", "B", "bit/s", "1/s", "1" */
};

struct report_hist_bin {
    double lo, hi;              /* base units (seconds for latency): lo_units * scale */
    int64_t lo_units, hi_units; /* the bounds as the histogram counts them */
    uint64_t count;
};

struct report_hist {
    char *scope;
    char *name;
    char *unit;
    double scale;                 /* base units per histogram unit (1e-12 for picoseconds) */
    struct report_hist_bin *bins; /* non-empty buckets only */
    size_t n_bins;
    /* Or the store's row made of them (store_hist.h), bins then NULL, as
     * report_hist() makes it. */
    char *counts;
    int64_t first;
};

/* A quantity sampled at regular times of the run: values[k] at t0 + k dt
 * (seconds of simulated time); NaN where it is undefined. */
struct report_series {
    char *scope;
    char *name;
    char *unit;
    double t0, dt;
    double *values;
    size_t n;
};

struct report {
    GPtrArray *metrics; /* struct report_metric *, owned */
    GPtrArray *hists;   /* struct report_hist *, owned */
    GPtrArray *series;  /* struct report_series *, owned */
    GHashTable *index;  /* "scope\x1fname" -> struct report_metric *, borrowed */
    guint indexed;      /* metrics before this one are in index (report_metric_append()) */
};

struct report *report_new(void);
void report_free(struct report *r);
/* Add (or replace) a metric; strings are copied. */
void report_metric(struct report *r, const char *scope, const char *name, double value,
                   const char *unit);
/* Add a metric known not to be there yet (from a decoder of a report that
 * had each once), strings copied: no look-up, and the index catches up
 * only when report_find() or report_metric() next needs it. */
void report_metric_append(struct report *r, const char *scope, const char *name, double value,
                          const char *unit);
/* Add @h as the store's row of it (counts and first, store_hist.h: its
 * non-empty buckets, bins left NULL), each bound to be multiplied by @scale
 * (e.g. 1e-12 to turn picoseconds into seconds). Made here, where the run
 * is: a sweep's workers make them in parallel, and the bins were ten times
 * the bytes to hold and to send. */
void report_hist(struct report *r, const char *scope, const char *name, const struct hist *h,
                 double scale, const char *unit);
/* Add the @n @values sampled every @dt from @t0 (s); copied. */
void report_series(struct report *r, const char *scope, const char *name, const char *unit,
                   double t0, double dt, const double *values, size_t n);
/* Look up a metric; returns NULL if absent. */
const struct report_metric *report_find(const struct report *r, const char *scope,
                                        const char *name);

#endif
