/* `iovsim table` and `iovsim compare`: the summary view as points x metrics,
 * and each point against a baseline point with paired confidence intervals
 * (same replication number = same random numbers). */
#ifndef IOVSIM_ANALYSIS_TABLE_H
#define IOVSIM_ANALYSIS_TABLE_H

#include <stdbool.h>
#include <stdio.h>

#include <glib.h>
#include <sqlite3.h>

#include "grid.h"

struct table_opts {
    const char *scope; /* "all" unless told */
    enum grid_format format;
    const char *const *metrics; /* NULL-terminated; NULL = the first max_metrics */
    GPtrArray *points;          /* labels to show, in order; NULL = every point */
    guint max_metrics;          /* 0 = no limit */
    size_t max_width;           /* characters a line may take: the headline metrics
                                 * first, as many as fit; 0 = no limit */
    guint *hidden;              /* (optional) set to the metrics max_width left out */
};

/* One row per point: n, then "mean ± ci95" per metric. False with a
 * one-line IOVSIM_ERROR_INPUT for an unknown scope or metric. */
bool table_print(sqlite3 *db, const struct table_opts *o, FILE *out, GError **error);

/**
 * compare_print - every point against its baseline
 * @baseline: "key=value"; a point's baseline is the point with that value
 *            and the same values of the other varied keys
 * Per metric: the point's mean, the mean paired difference (point - baseline)
 * over replications present in both with its 95% CI, and the ratio of means
 * with the same CI divided by the baseline mean.
 */
bool compare_print(sqlite3 *db, const struct table_opts *o, const char *baseline, FILE *out,
                   GError **error);

#endif
