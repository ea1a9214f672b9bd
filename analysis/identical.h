/* Points whose replications all came out the same: a deterministic
 * workload gives every replication the same numbers, so the confidence
 * intervals are 0 and say nothing about the model's spread. table, compare
 * and plot say so on stderr. */
#ifndef IOVSIM_ANALYSIS_IDENTICAL_H
#define IOVSIM_ANALYSIS_IDENTICAL_H

#include <stdbool.h>
#include <stdint.h>

#include <glib.h>
#include <sqlite3.h>

/* True if @point has at least two done replications and each gave the
 * same value of every metric in @scope; *@n_reps is then their number. */
bool identical_point(sqlite3 *db, const char *point, const char *scope, int64_t *n_reps);

/**
 * identical_note - the one-line note about @points (labels, borrowed)
 * Returns NULL when no point's replications are all identical, else e.g.
 * "note: all 3 replications of point 'x=1' are identical: ...". Caller
 * frees. Not an error: the results stand, their intervals are just 0.
 */
char *identical_note(sqlite3 *db, GPtrArray *points, const char *scope);

/**
 * identical_caption - the caption line of a figure of @points
 * @what: what the figure shows of each point, e.g. "mean ± 95% CI"
 * "mean ± 95% CI, n = 5 replications" (n as a range "3–5" if the points
 * differ), "mean of n = 3 replications, all identical (no interval)", or
 * the note that one replication has no interval. Caller frees.
 */
char *identical_caption(sqlite3 *db, GPtrArray *points, const char *scope, const char *what);

#endif
