/* The results store's schema: the SQL that creates it, the checks that tell
 * our databases from others, and the summary view over replications. The t
 * quantiles behind ci95 come from GSL (gsl_cdf_tdist_Pinv) at creation time,
 * because SQLite has no t distribution. Documented at the top of store.c. */
#include "store_schema.h"

#include <string.h>

#include <glib.h>
#include <gsl/gsl_cdf.h>
#include <sqlite3.h>

#include "scenario.h"
#include "store.h"
#include "store_hist.h"
#include "store_series.h"

#ifndef IOVSIM_VERSION
#error "IOVSIM_VERSION must be defined by the build"
#endif

/* Degrees of freedom with a stored t quantile; the view uses the normal
 * quantile beyond this (t(0.975, 1000) = 1.9623 vs 1.9600). */
#define TDIST_MAX_DOF 1000

/* How long one try for the write lock waits before looking whether another
 * opener has made the schema (see lock_for_create()). */
#define CREATE_POLL_MS 20

/*
 * The summary view takes the mean first, in a window over the group, and
 * then sums squared deviations from it: sum(x*x) - sum(x)^2/n would cancel
 * badly for values like 1e9 +/- 1. It groups with windows too (row_no = 1
 * keeps one row per group) rather than GROUP BY, because SQLite pushes a
 * WHERE on the partition columns down through window subqueries but not
 * through an aggregate: "WHERE name = 'x'" then reads only that metric
 * (15 ms instead of 1 s on 200k metric rows). count(value) skips NULL (NaN).
 */
/* One row per bucket, as schema 1 stored them: the bounds are integers in
 * the histogram's own unit (picoseconds), so lo = lo_units * scale is the
 * same double the run computed, bit for bit. Schema 3 names a bucket by its
 * index (store_hist.h); schema 2 spelled out its bounds. A run's offset is
 * its first element (key 0): SQLite keeps the parse of the run's JSON
 * between the rows of its buckets. */
#define HIST_BOUNDS_SQL                                                   \
    "SELECT run_id, scope, name, unit, (" STORE_HIST_LO_SQL ") * scale, " \
    "(" STORE_HIST_HI_SQL ") * scale, count\n"

#define HIST_VIEW_SQL                                                                           \
    "CREATE VIEW hist (run_id, scope, name, unit, lo, hi, count) AS\n" HIST_BOUNDS_SQL          \
    "FROM (SELECT h.run_id, h.scope, h.name, h.unit, h.scale,\n"                                \
    "             h.first + json_extract(r.value, '$[0]') + c.key - 1 AS i, c.value AS count\n" \
    "      FROM hists AS h, json_each(h.counts) AS r, json_each(r.value) AS c\n"                \
    "      WHERE c.key > 0 AND c.value > 0);\n"

/* Schema 3's and 4's rows of the view, over their hists table renamed. */
#define HIST_V4_ROWS_SQL                                                          \
    HIST_BOUNDS_SQL "FROM (SELECT h.run_id, h.scope, h.name, h.unit, h.scale, "   \
                    "h.first + c.key AS i, c.value AS count FROM hists_v4 AS h, " \
                    "json_each(h.counts) AS c WHERE c.value > 0)"

/* The hists table of schema 3, then of schema 2: their columns differ
 * after scale. */
#define HISTS_TABLE_HEAD_SQL                                                    \
    "CREATE TABLE hists (\n"                                                    \
    "    run_id INTEGER NOT NULL REFERENCES runs (run_id) ON DELETE CASCADE,\n" \
    "    scope TEXT NOT NULL,\n"                                                \
    "    name TEXT NOT NULL,\n"                                                 \
    "    unit TEXT NOT NULL,\n"                                                 \
    "    scale REAL NOT NULL,\n"

#define HISTS_TABLE_TAIL_SQL                  \
    "    PRIMARY KEY (run_id, scope, name)\n" \
    ") WITHOUT ROWID;\n"

#define HISTS_TABLE_SQL  \
    HISTS_TABLE_HEAD_SQL \
    "    first INTEGER NOT NULL,\n    counts TEXT NOT NULL,\n" HISTS_TABLE_TAIL_SQL

/* Schema 2's, which the conversion of schema 1 goes through. */
#define HIST_VIEW_V2_SQL                                      \
    "CREATE VIEW hist AS\n"                                   \
    "SELECT h.run_id, h.scope, h.name, h.unit,\n"             \
    "       json_extract(b.value, '$[0]') * h.scale AS lo,\n" \
    "       json_extract(b.value, '$[1]') * h.scale AS hi,\n" \
    "       json_extract(b.value, '$[2]') AS count\n"         \
    "FROM hists AS h, json_each(h.bins) AS b;\n"

#define HISTS_TABLE_V2_SQL HISTS_TABLE_HEAD_SQL "    bins TEXT NOT NULL,\n" HISTS_TABLE_TAIL_SQL

/* Which sweep runs which (point, rep) now; see store_claim(). */
#define CLAIMS_TABLE_SQL                            \
    "CREATE TABLE claims (\n"                       \
    "    scenario_hash TEXT NOT NULL,\n"            \
    "    point TEXT NOT NULL,\n"                    \
    "    rep INTEGER NOT NULL,\n"                   \
    "    owner TEXT NOT NULL,\n"                    \
    "    heartbeat REAL NOT NULL,\n"                \
    "    PRIMARY KEY (scenario_hash, point, rep)\n" \
    ") WITHOUT ROWID;\n"

static const char schema_sql[] =
    "CREATE TABLE meta (\n"
    "    key TEXT PRIMARY KEY,\n"
    "    value TEXT NOT NULL\n"
    ");\n"
    "CREATE TABLE runs (\n"
    "    run_id INTEGER PRIMARY KEY,\n"
    "    scenario TEXT NOT NULL,\n"
    "    point TEXT NOT NULL,\n"
    "    rep INTEGER NOT NULL CHECK (rep >= 0),\n"
    "    seed TEXT NOT NULL,\n"
    "    status TEXT NOT NULL CHECK (status IN ('done', 'failed')),\n"
    "    sim_seconds REAL,\n"
    "    wall_seconds REAL,\n"
    "    events INTEGER,\n"
    "    version TEXT NOT NULL,\n"
    "    started_at TEXT,\n"
    "    scenario_hash TEXT NOT NULL,\n"
    "    host TEXT,\n"
    "    git_commit TEXT\n"
    ");\n"
    "CREATE TABLE params (\n"
    "    run_id INTEGER NOT NULL REFERENCES runs (run_id) ON DELETE CASCADE,\n"
    "    key TEXT NOT NULL,\n"
    "    value TEXT NOT NULL,\n"
    "    num REAL,\n"
    "    PRIMARY KEY (run_id, key)\n"
    ") WITHOUT ROWID;\n"
    "CREATE TABLE metrics (\n"
    "    run_id INTEGER NOT NULL REFERENCES runs (run_id) ON DELETE CASCADE,\n"
    "    scope TEXT NOT NULL,\n"
    "    name TEXT NOT NULL,\n"
    "    value REAL,\n"
    "    unit TEXT NOT NULL,\n"
    "    PRIMARY KEY (run_id, scope, name)\n"
    ") WITHOUT ROWID;\n" HISTS_TABLE_SQL HIST_VIEW_SQL CLAIMS_TABLE_SQL STORE_SERIES_SQL
    "CREATE TABLE tdist (\n"
    "    dof INTEGER PRIMARY KEY,\n"
    "    t975 REAL NOT NULL\n"
    ");\n"
    "CREATE INDEX runs_point ON runs (point, rep);\n"
    "CREATE VIEW summary AS\n"
    "SELECT scenario, point, scope, name, unit, n, mean,\n"
    "       CASE WHEN n > 1 THEN sqrt(ss / (n - 1)) END AS stddev,\n"
    "       CASE WHEN n > 1 THEN sqrt(ss / (n - 1))\n"
    "           * coalesce((SELECT t975 FROM tdist WHERE dof = n - 1), 1.959964) / sqrt(n)\n"
    "       END AS ci95\n"
    "FROM (\n"
    "    SELECT scenario, point, scope, name, unit, count(value) OVER g AS n,\n"
    "           avg(value) OVER g AS mean, sum(dev * dev) OVER g AS ss,\n"
    "           row_number() OVER g AS row_no\n"
    "    FROM (\n"
    "        SELECT r.scenario, r.point, m.scope, m.name, m.unit, m.value,\n"
    "               m.value - avg(m.value) OVER (PARTITION BY r.scenario, r.point, m.scope,\n"
    "                                                         m.name, m.unit) AS dev\n"
    "        FROM metrics AS m JOIN runs AS r ON r.run_id = m.run_id\n"
    "        WHERE r.status = 'done'\n"
    "    )\n"
    "    WINDOW g AS (PARTITION BY scenario, point, scope, name, unit)\n"
    ")\n"
    "WHERE row_no = 1;\n";

enum probe {
    PROBE_ERROR,
    PROBE_EMPTY, /* no tables, no application_id: ours to fill */
    PROBE_OURS,  /* an iovsim database of our schema version */
    PROBE_OLD,   /* an iovsim database of schema version 1 */
    PROBE_V2,    /* an iovsim database of schema version 2 */
    PROBE_V3,    /* an iovsim database of schema version 3 */
    PROBE_V4,    /* an iovsim database of schema version 4 */
};

/* An older schema: read as it is, converted before a write. */
static bool is_older(enum probe p)
{
    return p == PROBE_OLD || p == PROBE_V2 || p == PROBE_V3 || p == PROBE_V4;
}

static bool db_error(sqlite3 *db, const char *path, GError **error)
{
    if (sqlite3_errcode(db) == SQLITE_NOTADB)
        g_set_error(error, IOVSIM_ERROR, IOVSIM_ERROR_INPUT, "'%s': not an iovsim database", path);
    else {
        /* A path that cannot hold a database (no such directory, no
         * permission, read-only) is bad input, as a missing file is; a disk
         * that fails or fills on the way is an I/O failure. */
        int rc = sqlite3_errcode(db);
        bool input = rc == SQLITE_CANTOPEN || rc == SQLITE_PERM || rc == SQLITE_READONLY ||
                     rc == SQLITE_AUTH;

        g_set_error(error, IOVSIM_ERROR, input ? IOVSIM_ERROR_INPUT : IOVSIM_ERROR_IO,
                    "'%s': cannot open database: %s", path, sqlite3_errmsg(db));
    }
    return false;
}

static enum probe probe_failed(sqlite3 *db, const char *path, GError **error)
{
    db_error(db, path, error);
    return PROBE_ERROR;
}

static enum probe not_ours(const char *path, GError **error)
{
    g_set_error(error, IOVSIM_ERROR, IOVSIM_ERROR_INPUT, "'%s': not an iovsim database", path);
    return PROBE_ERROR;
}

/*
 * Run a query for its first value, as text. False on an SQL error (the
 * message stays in @db); *@text is NULL when there is no row or the value is
 * NULL, else the caller frees it.
 */
static bool query_value(sqlite3 *db, const char *sql, char **text)
{
    sqlite3_stmt *s = NULL;
    int rc;

    *text = NULL;
    if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK)
        return false;
    rc = sqlite3_step(s);
    if (rc == SQLITE_ROW)
        *text = g_strdup((const char *)sqlite3_column_text(s, 0));
    sqlite3_finalize(s);
    return rc == SQLITE_ROW || rc == SQLITE_DONE;
}

static gint64 parse_int(const char *text)
{
    gint64 v;

    if (!text || !g_ascii_string_to_signed(text, 10, G_MININT64, G_MAXINT64, &v, NULL))
        return -1;
    return v;
}

static enum probe check_version(const char *path, gint64 version, GError **error)
{
    if (version > STORE_SCHEMA_VERSION) {
        g_set_error(error, IOVSIM_ERROR, IOVSIM_ERROR_INPUT,
                    "'%s': schema version %" G_GINT64_FORMAT " is newer than this iovsim's %d; "
                    "upgrade iovsim",
                    path, version, STORE_SCHEMA_VERSION);
        return PROBE_ERROR;
    }
    if (version < 1)
        return not_ours(path, error);
    return version == 1   ? PROBE_OLD
           : version == 2 ? PROBE_V2
           : version == 3 ? PROBE_V3
           : version == 4 ? PROBE_V4
                          : PROBE_OURS;
}

/* Read-only look at @db: a foreign file must come out of this unchanged. */
/* Every table and view the program reads, with the columns it reads: a
 * file that claims to be ours but lost one (a dropped view, a hand-edited
 * table) is refused at open, rather than failing a query later. */
static const char *const shape_checks_v1[] = {
    "SELECT run_id, scenario, point, rep, seed, status, sim_seconds, wall_seconds, events, "
    "version, started_at, scenario_hash FROM runs LIMIT 0",
    "SELECT run_id, key, value FROM params LIMIT 0",
    "SELECT run_id, scope, name, value, unit FROM metrics LIMIT 0",
    "SELECT run_id, scope, name, unit, lo, hi, count FROM hist LIMIT 0",
    "SELECT dof, t975 FROM tdist LIMIT 0",
    "SELECT scenario, point, scope, name, unit, n, mean, stddev, ci95 FROM summary LIMIT 0",
    NULL,
};

#define SHAPE_CHECKS_V2_V3                                                                   \
    "SELECT run_id, scenario, point, rep, seed, status, sim_seconds, wall_seconds, events, " \
    "version, started_at, scenario_hash, host, git_commit FROM runs LIMIT 0",                \
        "SELECT run_id, key, value, num FROM params LIMIT 0",                                \
        "SELECT run_id, scope, name, value, unit FROM metrics LIMIT 0"

static const char *const shape_checks_v2[] = {
    SHAPE_CHECKS_V2_V3,
    "SELECT run_id, scope, name, unit, scale, bins FROM hists LIMIT 0",
    "SELECT run_id, scope, name, unit, lo, hi, count FROM hist LIMIT 0",
    "SELECT scenario_hash, point, rep, owner, heartbeat FROM claims LIMIT 0",
    "SELECT dof, t975 FROM tdist LIMIT 0",
    "SELECT scenario, point, scope, name, unit, n, mean, stddev, ci95 FROM summary LIMIT 0",
    NULL,
};

#define SHAPE_CHECKS_V3                                                              \
    SHAPE_CHECKS_V2_V3,                                                              \
        "SELECT run_id, scope, name, unit, scale, first, counts FROM hists LIMIT 0", \
        "SELECT run_id, scope, name, unit, lo, hi, count FROM hist LIMIT 0",         \
        "SELECT scenario_hash, point, rep, owner, heartbeat FROM claims LIMIT 0",    \
        "SELECT dof, t975 FROM tdist LIMIT 0",                                       \
        "SELECT scenario, point, scope, name, unit, n, mean, stddev, ci95 FROM summary LIMIT 0"

static const char *const shape_checks_v3[] = {
    SHAPE_CHECKS_V3,
    NULL,
};

/* Schema 5 has the same tables and columns as 4. */
static const char *const shape_checks_v4[] = {
    SHAPE_CHECKS_V3,
    "SELECT run_id, scope, name, unit, t0, dt, samples FROM series LIMIT 0",
    "SELECT run_id, scope, name, unit, t, value FROM sample LIMIT 0",
    NULL,
};

static enum probe check_shape(sqlite3 *db, const char *path, enum probe p, GError **error)
{
    const char *const *checks = p == PROBE_OLD  ? shape_checks_v1
                                : p == PROBE_V2 ? shape_checks_v2
                                : p == PROBE_V3 ? shape_checks_v3
                                                : shape_checks_v4;

    for (size_t i = 0; checks[i]; i++) {
        sqlite3_stmt *s = NULL;
        int rc = sqlite3_prepare_v2(db, checks[i], -1, &s, NULL);

        sqlite3_finalize(s);
        if (rc != SQLITE_OK) {
            g_set_error(error, IOVSIM_ERROR, IOVSIM_ERROR_INPUT,
                        "'%s': damaged iovsim database: %s", path, sqlite3_errmsg(db));
            return PROBE_ERROR;
        }
    }
    return p;
}

static enum probe probe(sqlite3 *db, const char *path, GError **error)
{
    g_autofree char *app_id = NULL, *n_objects = NULL, *has_meta = NULL;
    g_autofree char *application = NULL, *meta_version = NULL, *user_version = NULL;
    enum probe p;

    if (!query_value(db, "PRAGMA application_id", &app_id) ||
        !query_value(db, "SELECT count(*) FROM sqlite_master", &n_objects))
        return probe_failed(db, path, error);
    if (parse_int(app_id) == 0 && parse_int(n_objects) == 0)
        return PROBE_EMPTY;
    if (parse_int(app_id) != STORE_APPLICATION_ID)
        return not_ours(path, error);
    if (!query_value(db,
                     "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'meta'",
                     &has_meta))
        return probe_failed(db, path, error);
    if (parse_int(has_meta) != 1)
        return not_ours(path, error);
    if (!query_value(db, "SELECT value FROM meta WHERE key = 'application'", &application) ||
        !query_value(db, "SELECT value FROM meta WHERE key = 'schema_version'", &meta_version) ||
        !query_value(db, "PRAGMA user_version", &user_version))
        return probe_failed(db, path, error);
    if (g_strcmp0(application, "iovsim") != 0 || parse_int(meta_version) < 1)
        return not_ours(path, error);
    /* meta is what we document; user_version is what a newer iovsim may
     * bump first. Either being newer means we must not write. */
    p = check_version(path, MAX(parse_int(meta_version), parse_int(user_version)), error);
    return p == PROBE_ERROR ? p : check_shape(db, path, p, error);
}

static bool fill_tables(sqlite3 *db)
{
    g_autofree char *header = g_strdup_printf("PRAGMA application_id = %d; "
                                              "PRAGMA user_version = %d",
                                              STORE_APPLICATION_ID, STORE_SCHEMA_VERSION);
    sqlite3_stmt *s = NULL;
    bool ok;

    if (sqlite3_exec(db, header, NULL, NULL, NULL) != SQLITE_OK)
        return false;

    if (sqlite3_prepare_v2(db, "INSERT INTO tdist (dof, t975) VALUES (?1, ?2)", -1, &s, NULL) !=
        SQLITE_OK)
        return false;
    for (int dof = 1; dof <= TDIST_MAX_DOF; dof++) {
        sqlite3_bind_int(s, 1, dof);
        sqlite3_bind_double(s, 2, gsl_cdf_tdist_Pinv(0.975, dof));
        if (sqlite3_step(s) != SQLITE_DONE)
            break;
        sqlite3_reset(s);
    }
    ok = sqlite3_finalize(s) == SQLITE_OK;
    if (!ok)
        return false;

    if (sqlite3_prepare_v2(db,
                           "INSERT INTO meta (key, value) VALUES ('application', 'iovsim'), "
                           "('schema_version', ?1), ('created_by', ?2), "
                           "('created_at', strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))",
                           -1, &s, NULL) != SQLITE_OK)
        return false;
    sqlite3_bind_int(s, 1, STORE_SCHEMA_VERSION);
    sqlite3_bind_text(s, 2, IOVSIM_VERSION, -1, SQLITE_STATIC);
    sqlite3_step(s);
    return sqlite3_finalize(s) == SQLITE_OK;
}

static bool is_busy(sqlite3 *db)
{
    return (sqlite3_errcode(db) & 0xff) == SQLITE_BUSY;
}

/* SQLite's own handler sleeps 1, 2, 5, 10, 15, 20, 25 ... ms between tries,
 * so a sweep worker waiting for the other's commit (a few ms) slept up to
 * 25 ms past it. Tries every 100 us for the first 100 tries, then every ms,
 * until STORE_BUSY_TIMEOUT_MS have passed. A thread waits in one episode at
 * a time, so its start can be the thread's. */
static int busy_wait(void *arg, int tries)
{
    static __thread gint64 since;
    gint64 now = g_get_monotonic_time();

    (void)arg;
    if (tries == 0)
        since = now;
    if (now - since >= (gint64)STORE_BUSY_TIMEOUT_MS * 1000)
        return 0;
    g_usleep(tries < 100 ? 100 : 1000);
    return 1;
}

void store_schema_busy_wait(sqlite3 *db)
{
    sqlite3_busy_handler(db, busy_wait, NULL);
}

/* probe() in one read transaction: its queries must see one snapshot, or a
 * schema committed by another opener half-way through looks foreign. Sets
 * *@busy (if non-NULL) when it failed only because the file was locked. */
static enum probe probe_snapshot(sqlite3 *db, const char *path, bool *busy, GError **error)
{
    enum probe p = PROBE_ERROR;

    if (sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
        probe_failed(db, path, error);
    else
        p = probe(db, path, error);
    if (busy)
        *busy = p == PROBE_ERROR && is_busy(db);
    if (!sqlite3_get_autocommit(db))
        sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
    return p;
}

/*
 * Take the write lock to create the schema, unless another opener creates
 * it meanwhile. Several sweep processes may open a new file at once, and by
 * the time one gets the lock the others may be writing runs: so wait in
 * short steps and look for the schema in between (a WAL read never waits)
 * rather than queue behind every writer just to find nothing to do.
 * Returns true with the lock held; else false, with *@made_by_other set if
 * the schema appeared and @error set if not.
 */
static bool lock_for_create(sqlite3 *db, const char *path, bool *made_by_other, GError **error)
{
    gint64 deadline = g_get_monotonic_time() + (gint64)STORE_BUSY_TIMEOUT_MS * 1000;
    bool locked = false;
    enum probe p = PROBE_EMPTY;

    sqlite3_busy_timeout(db, CREATE_POLL_MS);
    while (!locked && (p == PROBE_EMPTY || is_older(p))) {
        GError *probe_error = NULL;
        bool busy;

        locked = sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) == SQLITE_OK;
        if (locked || !is_busy(db) || g_get_monotonic_time() > deadline)
            break;
        p = probe_snapshot(db, path, &busy, &probe_error);
        if (busy) {
            g_clear_error(&probe_error);
            p = PROBE_EMPTY;
        } else if (p == PROBE_ERROR) {
            g_propagate_error(error, probe_error);
        }
    }
    store_schema_busy_wait(db);
    *made_by_other = p == PROBE_OURS;
    if (!locked && (p == PROBE_EMPTY || is_older(p)))
        db_error(db, path, error);
    return locked;
}

/* Schema 1 to 2: the new columns, and histograms from one row per bucket
 * to one row each. Checked before the old rows go: the hist view must give
 * back every old row exactly, or nothing is converted. */
static const char convert_v1_sql[] =
    "ALTER TABLE runs ADD COLUMN host TEXT;\n"
    "ALTER TABLE runs ADD COLUMN git_commit TEXT;\n"
    "ALTER TABLE params ADD COLUMN num REAL;\n"
    "ALTER TABLE hist RENAME TO hist_v1;\n" HISTS_TABLE_V2_SQL HIST_VIEW_V2_SQL CLAIMS_TABLE_SQL;

static const char convert_v1_hists_sql[] =
    "INSERT INTO hists (run_id, scope, name, unit, scale, bins)\n"
    "SELECT run_id, scope, name, unit, ?1, '[' || group_concat('[' || CAST(round(lo / ?1) AS "
    "INTEGER) || ',' || CAST(round(hi / ?1) AS INTEGER) || ',' || count || ']', ',') || ']'\n"
    "FROM (SELECT * FROM hist_v1 ORDER BY run_id, scope, name, lo)\n"
    "GROUP BY run_id, scope, name, unit";

static const char convert_v1_check_sql[] =
    "SELECT (SELECT count(*) FROM hist_v1) = (SELECT count(*) FROM hist) AND NOT EXISTS ("
    "SELECT run_id, scope, name, unit, lo, hi, count FROM hist_v1 EXCEPT "
    "SELECT run_id, scope, name, unit, lo, hi, count FROM hist)";

/* Schema 2 to ours: each histogram's bins to its first bucket and counts
 * (store_hist.h), checked as above against schema 2's view. */
static const char convert_v2_sql[] =
    "DROP VIEW hist;\n"
    "ALTER TABLE hists RENAME TO hists_v2;\n" HISTS_TABLE_SQL HIST_VIEW_SQL
    "INSERT INTO hists (run_id, scope, name, unit, scale, first, counts)\n"
    "SELECT run_id, scope, name, unit, scale, iovsim_hist_first(bins), "
    "iovsim_hist_counts(bins) FROM hists_v2;\n";

#define HIST_V2_ROWS_SQL                                                                  \
    "SELECT h.run_id, h.scope, h.name, h.unit, json_extract(b.value, '$[0]') * h.scale, " \
    "json_extract(b.value, '$[1]') * h.scale, json_extract(b.value, '$[2]') "             \
    "FROM hists_v2 AS h, json_each(h.bins) AS b"

static const char convert_v2_check_sql[] =
    "SELECT (SELECT count(*) FROM (" HIST_V2_ROWS_SQL ")) = (SELECT count(*) FROM hist) "
    "AND NOT EXISTS (" HIST_V2_ROWS_SQL " EXCEPT "
    "SELECT run_id, scope, name, unit, lo, hi, count FROM hist)";

/* Schema 3 or 4 to 5: each histogram's counts from one run to runs of
 * neighbouring buckets, checked as above against the old view's rows. */
static const char convert_v4_sql[] =
    "DROP VIEW hist;\n"
    "ALTER TABLE hists RENAME TO hists_v4;\n" HISTS_TABLE_SQL HIST_VIEW_SQL
    "INSERT INTO hists (run_id, scope, name, unit, scale, first, counts)\n"
    "SELECT run_id, scope, name, unit, scale, first, iovsim_hist_runs(counts) FROM hists_v4;\n";

static const char convert_v4_check_sql[] =
    "SELECT (SELECT count(*) FROM (" HIST_V4_ROWS_SQL ")) = (SELECT count(*) FROM hist) "
    "AND NOT EXISTS (" HIST_V4_ROWS_SQL " EXCEPT "
    "SELECT run_id, scope, name, unit, lo, hi, count FROM hist)";

static bool convert_error(sqlite3 *db, const char *path, int from, const char *why, GError **error)
{
    g_set_error(error, IOVSIM_ERROR, IOVSIM_ERROR_IO,
                "'%s': cannot convert schema %d to %d (open it with an older iovsim to read "
                "it): %s",
                path, from, STORE_SCHEMA_VERSION, why ? why : sqlite3_errmsg(db));
    return false;
}

/* Run @check, which says whether the converted rows read back exactly. */
static bool converted_exactly(sqlite3 *db, const char *path, int from, const char *check,
                              GError **error)
{
    g_autofree char *same = NULL;

    if (!query_value(db, check, &same))
        return convert_error(db, path, from, NULL, error);
    if (g_strcmp0(same, "1") != 0)
        return convert_error(db, path, from, "histograms cannot be converted exactly", error);
    return true;
}

static bool convert_v1(sqlite3 *db, const char *path, GError **error)
{
    sqlite3_stmt *s = NULL;
    bool ok;

    if (sqlite3_exec(db, convert_v1_sql, NULL, NULL, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db, convert_v1_hists_sql, -1, &s, NULL) != SQLITE_OK)
        return convert_error(db, path, 1, NULL, error);
    /* Every model's histogram counts picoseconds. */
    sqlite3_bind_double(s, 1, 1e-12);
    ok = sqlite3_step(s) == SQLITE_DONE;
    sqlite3_finalize(s);
    if (!ok)
        return convert_error(db, path, 1, NULL, error);
    if (!converted_exactly(db, path, 1, convert_v1_check_sql, error))
        return false;
    if (sqlite3_exec(db, "DROP TABLE hist_v1", NULL, NULL, NULL) != SQLITE_OK)
        return convert_error(db, path, 1, NULL, error);
    return true;
}

/* The hists table renamed @old, rebuilt by @sql and checked by @check;
 * then @old goes. */
static bool convert_hists(sqlite3 *db, const char *path, int from, const char *sql,
                          const char *check, const char *old, GError **error)
{
    g_autofree char *drop = g_strconcat("DROP TABLE ", old, NULL);

    if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
        return convert_error(db, path, from, NULL, error);
    if (!converted_exactly(db, path, from, check, error))
        return false;
    if (sqlite3_exec(db, drop, NULL, NULL, NULL) != SQLITE_OK)
        return convert_error(db, path, from, NULL, error);
    return true;
}

/* Schema 1 to 4 to ours, in the caller's transaction; schema 4 added the
 * series table. */
static bool convert(sqlite3 *db, const char *path, enum probe p, GError **error)
{
    int from = p == PROBE_OLD ? 1 : p == PROBE_V2 ? 2 : p == PROBE_V3 ? 3 : 4;
    g_autofree char *header = g_strdup_printf("PRAGMA user_version = %d; "
                                              "UPDATE meta SET value = '%d' WHERE key = "
                                              "'schema_version'",
                                              STORE_SCHEMA_VERSION, STORE_SCHEMA_VERSION);

    /* Schema 2's bins become our counts directly. */
    if ((p == PROBE_OLD && !convert_v1(db, path, error)) ||
        (from < 3 &&
         !convert_hists(db, path, from, convert_v2_sql, convert_v2_check_sql, "hists_v2", error)) ||
        (from >= 3 &&
         !convert_hists(db, path, from, convert_v4_sql, convert_v4_check_sql, "hists_v4", error)))
        return false;
    if (from < 4 && sqlite3_exec(db, STORE_SERIES_SQL, NULL, NULL, NULL) != SQLITE_OK)
        return convert_error(db, path, from, NULL, error);
    if (sqlite3_exec(db, header, NULL, NULL, NULL) != SQLITE_OK)
        return convert_error(db, path, from, NULL, error);
    return true;
}

/* Create the schema (or convert an older one) under the write lock; probe again
 * once we hold it, as another opener may have done it just before. */
static bool create(sqlite3 *db, const char *path, GError **error)
{
    bool made_by_other;
    enum probe p;

    if (!lock_for_create(db, path, &made_by_other, error))
        return made_by_other;
    p = probe(db, path, error);
    if (p == PROBE_EMPTY &&
        (sqlite3_exec(db, schema_sql, NULL, NULL, NULL) != SQLITE_OK || !fill_tables(db))) {
        db_error(db, path, error);
        p = PROBE_ERROR;
    } else if (is_older(p) && !convert(db, path, p, error)) {
        p = PROBE_ERROR;
    }
    if (p != PROBE_ERROR && sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
        db_error(db, path, error);
        p = PROBE_ERROR;
    }
    if (p == PROBE_ERROR && !sqlite3_get_autocommit(db))
        sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
    return p != PROBE_ERROR;
}

/*
 * Persistent in the file, so a no-op on a database already ours. Switching
 * needs an exclusive lock, and when another opener holds a read lock SQLite
 * returns SQLITE_BUSY at once instead of calling the busy handler (waiting
 * could deadlock), so several sweep processes creating one file must retry
 * here, within the same time limit.
 */
static bool set_wal(sqlite3 *db, const char *path, GError **error)
{
    gint64 deadline = g_get_monotonic_time() + (gint64)STORE_BUSY_TIMEOUT_MS * 1000;
    g_autofree char *mode = NULL;

    while (!query_value(db, "PRAGMA journal_mode = WAL", &mode)) {
        if ((sqlite3_errcode(db) & 0xff) != SQLITE_BUSY || g_get_monotonic_time() > deadline)
            return db_error(db, path, error);
        /* Jitter so that racing openers do not retry in lockstep. */
        g_usleep((gulong)g_random_int_range(500, 5000));
    }
    /* Anything else means concurrent sweeps would not be safe. */
    if (g_strcmp0(mode, "wal") != 0) {
        g_set_error(error, IOVSIM_ERROR, IOVSIM_ERROR_IO,
                    "'%s': cannot open database: cannot use WAL journal mode (got '%s')", path,
                    mode ? mode : "nothing");
        return false;
    }
    return true;
}

bool store_schema_setup(sqlite3 *db, const char *path, GError **error)
{
    enum probe p = probe_snapshot(db, path, NULL, error);

    if (p == PROBE_ERROR || !set_wal(db, path, error))
        return false;
    return p == PROBE_OURS || create(db, path, error);
}

/*
 * The points view: the summary with the parameters that vary across the
 * database's points as columns (numbers where params.num has them), so
 * that one read_sql() gives a tidy frame. The varied keys depend on the
 * data, so the view is made again when they change (store_schema_points()).
 */
static gint key_cmp(gconstpointer a, gconstpointer b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* One parameter row: @key's first value goes into @first; a key seen with
 * another value joins @keys, once. As count(DISTINCT value), NULL is no
 * value. */
static void note_value(GHashTable *first, GPtrArray *keys, const char *key, const char *value)
{
    char *seen;

    if (!key || !value)
        return;
    if (!g_hash_table_lookup_extended(first, key, NULL, (gpointer *)&seen)) {
        g_hash_table_insert(first, g_strdup(key), g_strdup(value));
    } else if (seen && strcmp(seen, value) != 0) {
        g_ptr_array_add(keys, g_strdup(key));
        g_hash_table_replace(first, g_strdup(key), NULL); /* listed */
    }
}

/* The parameters that take two values or more among the done runs, in
 * order: the points view's columns. One pass here, each key's first value
 * beside it: SQLite's GROUP BY with count(DISTINCT value) sorted every
 * parameter row first, a third of closing a short sweep. NULL on an error. */
static GPtrArray *varying_keys(sqlite3 *db)
{
    g_autoptr(GHashTable) first = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    GPtrArray *keys = g_ptr_array_new_with_free_func(g_free);
    sqlite3_stmt *s = NULL;
    int rc = sqlite3_prepare_v2(db,
                                "SELECT p.key, p.value FROM runs AS r JOIN params AS p "
                                "ON p.run_id = r.run_id WHERE r.status = 'done'",
                                -1, &s, NULL);

    if (rc == SQLITE_OK)
        while ((rc = sqlite3_step(s)) == SQLITE_ROW)
            note_value(first, keys, (const char *)sqlite3_column_text(s, 0),
                       (const char *)sqlite3_column_text(s, 1));
    sqlite3_finalize(s);
    if (rc != SQLITE_DONE) {
        g_ptr_array_unref(keys);
        return NULL;
    }
    g_ptr_array_sort(keys, key_cmp);
    return keys;
}

static char *points_sql(sqlite3 *db, bool temp, bool has_num)
{
    g_autoptr(GPtrArray) keys = varying_keys(db);
    GString *cols, *pivot;
    g_autofree char *sql = NULL;

    if (!keys)
        return NULL;
    cols = g_string_new(NULL);
    pivot = g_string_new(NULL);
    for (guint i = 0; i < keys->len; i++) {
        /* Keys are our own "section.name" identifiers, but quote anyway. */
        char *id = sqlite3_mprintf("%w", (const char *)g_ptr_array_index(keys, i));
        char *lit = sqlite3_mprintf("%Q", (const char *)g_ptr_array_index(keys, i));

        g_string_append_printf(cols, "v.\"%s\", ", id);
        g_string_append_printf(pivot, ", max(CASE WHEN p.key = %s THEN %s END) AS \"%s\"", lit,
                               has_num ? "coalesce(p.num, p.value)" : "p.value", id);
        sqlite3_free(id);
        sqlite3_free(lit);
    }
    sql = g_strdup_printf(
        "CREATE %sVIEW points AS\n"
        "SELECT s.scenario, s.point, %ss.scope, s.name, s.unit, s.n, s.mean, s.stddev, s.ci95\n"
        "FROM summary AS s LEFT JOIN (\n"
        "    SELECT r.scenario, r.point%s\n"
        "    FROM runs AS r JOIN params AS p ON p.run_id = r.run_id\n"
        "    WHERE r.status = 'done' GROUP BY r.scenario, r.point\n"
        ") AS v ON v.scenario = s.scenario AND v.point = s.point",
        temp ? "TEMP " : "", cols->str, pivot->str);
    g_string_free(cols, TRUE);
    g_string_free(pivot, TRUE);
    return g_steal_pointer(&sql);
}

bool store_schema_points(sqlite3 *db, const char *path, GError **error)
{
    g_autofree char *want = NULL, *have = NULL;
    g_autofree char *drop_create = NULL;

    if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
        return db_error(db, path, error);
    want = points_sql(db, false, true);
    if (!want || !query_value(db, "SELECT sql FROM sqlite_master WHERE name = 'points'", &have))
        goto fail;
    if (g_strcmp0(want, have) != 0) {
        drop_create = g_strconcat("DROP VIEW IF EXISTS points; ", want, NULL);
        if (sqlite3_exec(db, drop_create, NULL, NULL, NULL) != SQLITE_OK)
            goto fail;
    }
    if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) == SQLITE_OK)
        return true;
fail:
    db_error(db, path, error);
    sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
    return false;
}

/* A schema 1 file opened to read is read as it is: what schema 2 added is
 * given as temporary views (the connection's own, nothing in the file). */
static const char compat_v1_sql[] =
    "CREATE TEMP VIEW hists AS SELECT run_id, scope, name, unit, NULL AS scale, NULL AS bins "
    "FROM hist GROUP BY run_id, scope, name, unit;\n"
    "CREATE TEMP VIEW claims AS SELECT NULL AS scenario_hash, NULL AS point, NULL AS rep, "
    "NULL AS owner, NULL AS heartbeat WHERE 0;\n";

bool store_schema_check(sqlite3 *db, const char *path, GError **error)
{
    enum probe p = probe_snapshot(db, path, NULL, error);

    if (p == PROBE_EMPTY)
        not_ours(path, error);
    if (p == PROBE_OLD && sqlite3_exec(db, compat_v1_sql, NULL, NULL, NULL) != SQLITE_OK)
        return db_error(db, path, error);
    if (is_older(p) && p != PROBE_V4 &&
        sqlite3_exec(db, STORE_SERIES_COMPAT_SQL, NULL, NULL, NULL) != SQLITE_OK)
        return db_error(db, path, error);
    /* Files written before the points view existed get a temporary one. */
    if (p == PROBE_OURS || is_older(p)) {
        g_autofree char *has = NULL;

        if (!query_value(db, "SELECT count(*) FROM sqlite_master WHERE name = 'points'", &has))
            return db_error(db, path, error);
        if (g_strcmp0(has, "0") == 0) {
            g_autofree char *sql = points_sql(db, true, p != PROBE_OLD);

            if (!sql || sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
                return db_error(db, path, error);
        }
    }
    return p == PROBE_OURS || is_older(p);
}
