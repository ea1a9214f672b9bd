/* Internal to the store: a histogram's row in the hists table (schema 5).
 * The buckets are those of stats.h (log-linear, 2^HIST_SUB_BITS per power of
 * two), so a bucket is named by its index and the row holds the index of the
 * first non-empty bucket and the counts from there in runs of neighbouring
 * buckets: [[offset, count, count, ...], ...], empty buckets inside a run as
 * 0. Schema 2 spelled every bucket out as [lo, hi, count]: six times the
 * bytes, which were most of what a short run wrote; schemas 3 and 4 wrote
 * one run from the first bucket to the last, whose empty buckets were over
 * a third of its bytes. */
#ifndef IOVSIM_STORE_HIST_H
#define IOVSIM_STORE_HIST_H

#include <stdbool.h>
#include <stdint.h>

#include <glib.h>
#include <sqlite3.h>

#include "report.h"

/* The hist view's bounds of bucket @i (an SQL expression of i), in units:
 * hist_bucket_bounds() in SQL. 7295 is the top bucket, whose bound would
 * be 2^63. */
#define STORE_HIST_LO_SQL "CASE WHEN i < 128 THEN i ELSE (128 + i % 128) << (i / 128 - 1) END"
#define STORE_HIST_HI_SQL                                                  \
    "CASE WHEN i < 128 THEN i + 1 WHEN i = 7295 THEN 9223372036854775807 " \
    "ELSE (129 + i % 128) << (i / 128 - 1) END"

/* @h's buckets as the JSON counts of the row, into @out; *@first is the
 * index of the first, from which the runs' offsets count. Every bucket of
 * @h must be one of stats.h's. */
void store_hist_counts(GString *out, int64_t *first, const struct report_hist *h);

/* @h's row text: its counts when it holds its row (report_hist() makes it
 * so), else its bins encoded into @scratch; @first set either way. */
const char *store_hist_text(const struct report_hist *h, GString *scratch, int64_t *first);

/* The row of stats.h's histogram @h, as store_hist_counts() gives it for
 * @h's non-empty buckets as bins (report_hist() keeps it this way). */
void store_hist_row(GString *out, int64_t *first, const struct hist *h);

/* @h's bins replaced by its row (h->counts, h->first), if it has none yet:
 * a tenth of the memory while the run waits to be written. */
void store_hist_encode(struct report_hist *h);

/**
 * store_hist_register - SQL functions that turn schema 2's bins into a row
 * iovsim_hist_first(bins) and iovsim_hist_counts(bins) take the JSON
 * [[lo, hi, count], ...] of schema 2 and give the row's first and counts
 * (NULL, and an SQL error, for bins that are not stats.h's buckets);
 * iovsim_hist_runs(counts) takes the counts of schemas 3 and 4, [c0, c1, ...]
 * from the row's first bucket on, and gives ours for the same first. For the
 * conversion of an older database and for merging one.
 */
bool store_hist_register(sqlite3 *db);

#endif
