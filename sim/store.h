/* The results store: one SQLite database per experiment. Each run is
 * written in one transaction, so it is either there complete with status
 * 'done' or not there at all. Schema (a public interface, see README.md):
 *
 *   meta(key, value)                  schema_version, iovsim version
 *   runs(run_id, scenario, point, rep, seed, status, sim_seconds,
 *        wall_seconds, events, version, started_at, scenario_hash)
 *   params(run_id, key, value)
 *   metrics(run_id, scope, name, value, unit)
 *   hist(run_id, scope, name, lo, hi, count)
 *   summary view: (scenario, point, scope, name, unit, n, mean, stddev, ci95)
 */
#ifndef IOVSIM_STORE_H
#define IOVSIM_STORE_H

#include <stdbool.h>
#include <stdint.h>

#include <glib.h>

#include "report.h"

#define STORE_SCHEMA_VERSION 1

struct store;

struct store_run {
    const char *scenario; /* scenario name */
    const char *point;    /* sweep point label, "" for a single run */
    int rep;
    uint64_t seed;
    const char *status;   /* "done" or "failed" */
    double sim_seconds;
    double wall_seconds;
    uint64_t events;
    const char *started_at;    /* ISO 8601 UTC */
    const char *scenario_hash; /* scenario_hash() */
};

/**
 * store_open - open or create the database at @path
 * Fails with a one-line IOVSIM_ERROR if the path cannot be written, the
 * file is not an iovsim database, or its schema is newer than ours.
 * Caller owns the result; close with store_close().
 */
struct store *store_open(const char *path, GError **error);
void store_close(struct store *st);

/**
 * store_write_run - write a run, its parameters and its report in one
 * transaction. @params: struct scenario_kv * elements; @report may be NULL
 * (for a failed run). Sets *@run_id if non-NULL.
 */
bool store_write_run(struct store *st, const struct store_run *run, GPtrArray *params,
                     const struct report *report, int64_t *run_id, GError **error);

/* Is (point, rep) already there with status 'done'? */
bool store_has_done(struct store *st, const char *point, int rep);

/* The underlying handle, for analysis code that reads (borrowed). */
struct sqlite3 *store_db(struct store *st);

#endif
