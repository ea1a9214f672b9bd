/* Reading results back: the points, metrics and parameters a database
 * holds, the summary view, and per-replication values for paired
 * comparisons. Every user string is bound as an SQL parameter and checked
 * against the names the database actually has. */
#ifndef IOVSIM_ANALYSIS_QUERY_H
#define IOVSIM_ANALYSIS_QUERY_H

#include <stdbool.h>
#include <stdint.h>

#include <glib.h>
#include <sqlite3.h>

#include "store.h"

/* An existing iovsim database (a missing one is an error, not created).
 * Caller closes with store_close(). */
struct store *query_open(const char *path, GError **error);

/* Points with done runs in the order their sweep declared them (meta
 * 'order LABEL'), those without an order after them in label order
 * (sweep_label_cmp). Caller unrefs. */
GPtrArray *query_points(sqlite3 *db);
/* Each point's place in its sweep plus one (label -> GINT_TO_POINTER), or
 * NULL for a database that records none. Caller unrefs. */
GHashTable *query_declared(sqlite3 *db);
/* Metric names of @scope, sorted. Caller unrefs. */
GPtrArray *query_metrics(sqlite3 *db, const char *scope);
/* Keys that vary across the points (from their labels), in label order. */
GPtrArray *query_varied_keys(sqlite3 *db);

/* Checks with one-line errors listing the valid names. */
bool query_check_scope(sqlite3 *db, const char *scope, GError **error);
bool query_check_metric(sqlite3 *db, const char *scope, const char *name, GError **error);
bool query_check_param(sqlite3 *db, const char *key, GError **error);
/* @key must be one of the keys varied across the points. */
bool query_check_varied(sqlite3 *db, const char *key, GError **error);
/* Names of histograms in @scope; for the CDF plot. */
bool query_check_hist(sqlite3 *db, const char *scope, const char *name, GError **error);
/* @name is a time series of @scope (the series table). */
bool query_check_series(sqlite3 *db, const char *scope, const char *name, GError **error);

struct query_stat {
    int64_t n;
    double mean;
    double ci95; /* NAN when n < 2 */
    char unit[16];
};

/* Load every metric's summary of @scope now: for a caller that will ask
 * for several (query_summary() loads the first one asked alone). */
void query_summary_all(sqlite3 *db, const char *scope);
/* The summary view's row for (point, scope, name); false if there is none. */
bool query_summary(sqlite3 *db, const char *point, const char *scope, const char *name,
                   struct query_stat *out);

/* Value of each done replication: rep (as GINT_TO_POINTER) -> double *.
 * Caller unrefs, and must not change it (it may be shared). */
GHashTable *query_rep_values(sqlite3 *db, const char *point, const char *scope, const char *name);

/* A parameter's effective value at @point (text), or NULL. Caller frees. */
char *query_param(sqlite3 *db, const char *point, const char *key);

#endif
