/* The results store: one SQLite database per experiment. Each run is
 * written in one transaction, so it is either there complete with status
 * 'done' or not there at all. Schema (a public interface, see README.md):
 *
 *   meta(key, value)                  application, schema_version, created_by;
 *                                     'order LABEL' = the point's place in its sweep
 *   runs(run_id, scenario, point, rep, seed, status, sim_seconds,
 *        wall_seconds, events, version, started_at, scenario_hash, host,
 *        git_commit)
 *   params(run_id, key, value, num)
 *   metrics(run_id, scope, name, value, unit)
 *   hists(run_id, scope, name, unit, scale, first, counts)   counts as JSON runs
 *   hist view: (run_id, scope, name, unit, lo, hi, count)
 *   claims(scenario_hash, point, rep, owner, heartbeat)
 *   tdist(dof, t975)                  Student t quantiles for the view
 *   summary view: (scenario, point, scope, name, unit, n, mean, stddev, ci95)
 * Column types, units and the view's rules are documented in store.c.
 */
#ifndef IOVSIM_STORE_H
#define IOVSIM_STORE_H

#include <stdbool.h>
#include <stdint.h>

#include <glib.h>

#include "report.h"

#define STORE_SCHEMA_VERSION 5
/* Prefix of the meta keys that record the order a sweep declares its points
 * in: 'order LABEL' = the point's index in the sweep. */
#define STORE_META_ORDER "order "
/* PRAGMA application_id of our databases: "IOVS" in ASCII. */
#define STORE_APPLICATION_ID 0x494f5653

struct store;

struct store_run {
    const char *scenario; /* scenario name */
    const char *point;    /* sweep point label, "" for a single run */
    int rep;
    uint64_t seed;
    const char *status; /* "done" or "failed" */
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
 * A missing or 0-byte file gets the schema; on a bad path no file is left.
 * Caller owns the result; close with store_close() (NULL is ignored).
 */
struct store *store_open(const char *path, GError **error);
void store_close(struct store *st);

/**
 * store_open_readonly - open an existing iovsim database to read it
 * (analysis, merge inputs): creates nothing, changes nothing, and refuses an
 * empty file or another program's database. Close with store_close().
 */
struct store *store_open_readonly(const char *path, GError **error);

/**
 * store_write_run - write a run, its parameters and its report in one
 * transaction. @params: struct scenario_kv * elements (may be NULL); @report
 * may be NULL (for a failed run). Borrowed, all of them. A 'failed' row for
 * the same (scenario_hash, point, rep) is replaced by the new run. Sets
 * *@run_id if non-NULL. On failure nothing is written and @error says why.
 */
bool store_write_run(struct store *st, const struct store_run *run, GPtrArray *params,
                     const struct report *report, int64_t *run_id, GError **error);

/*
 * store_queue_run - like store_write_run(), but the run may wait in memory
 * to be written with others in one transaction (a sweep of short runs spent
 * most of its time committing them one by one). Takes @report (freed by the
 * store) and a reference to @params, which must not change while the run
 * waits (a sweep's are its points'); copies the rest. Writes the queue when
 * it holds STORE_QUEUE_RUNS runs or STORE_QUEUE_ROWS rows, its oldest run
 * waited STORE_QUEUE_SECONDS or this run took that long itself (the next
 * may too), and at store_flush_due(), store_flush() or store_close(). Each
 * run is still there complete or not at all; a process killed meanwhile
 * loses the queued runs, which a resumed sweep runs again. False with
 * @error if a write it made failed (every queued run is then lost).
 */
#define STORE_QUEUE_RUNS    256
#define STORE_QUEUE_ROWS    20000
#define STORE_QUEUE_SECONDS 0.25
bool store_queue_run(struct store *st, const struct store_run *run, GPtrArray *params,
                     struct report *report, GError **error);
/* Write the queued runs now, in one transaction. */
bool store_flush(struct store *st, GError **error);
/* store_flush() if the oldest queued run has waited STORE_QUEUE_SECONDS:
 * for a writer that waits for runs between them. */
bool store_flush_due(struct store *st, GError **error);
/* Runs queued and not yet written. */
size_t store_queued(const struct store *st);

/* Is (point, rep) already there with status 'done'? After
 * store_check_scenario(), only runs with that scenario hash count. */
bool store_has_done(struct store *st, const char *point, int rep);

/**
 * store_check_scenario - may runs of @scenario_hash made by iovsim @version
 * go into this database? Refuses (IOVSIM_ERROR_INPUT, message mentions
 * --force) if it holds runs of another scenario hash or another version,
 * unless @force. Either way on success store_has_done() then only counts
 * runs of @scenario_hash. Pass IOVSIM_VERSION as @version.
 */
bool store_check_scenario(struct store *st, const char *scenario_hash, const char *version,
                          bool force, GError **error);

/* The hash store_check_scenario() admitted, or NULL (borrowed). */
const char *store_checked_hash(const struct store *st);

/* The path given to store_open() (borrowed), for messages. */
const char *store_path(const struct store *st);

/* The underlying handle, for analysis code that reads (borrowed). */
struct sqlite3 *store_db(struct store *st);

/**
 * store_stmt_cached - @sql prepared once per connection, for helpers that run
 * the same statements often (claims): NULL on failure, the message in
 * sqlite3_errmsg(). Borrowed: finalized by store_close(); reset it after use.
 * @sql is the cache's key and must stay valid until then (a literal).
 */
struct sqlite3_stmt *store_stmt_cached(struct store *st, const char *sql);

#endif
