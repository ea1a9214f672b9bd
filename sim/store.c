/* The SQLite results store: open-time checks (is this ours, is the schema
 * ours), one BEGIN IMMEDIATE transaction per run over prepared statements,
 * and the scenario/version guard for sweeps. Several processes may write one
 * file: WAL plus a busy timeout lets SQLite serialise them. The schema, its
 * creation and the summary view are in store_schema.c. */

/*
 * Results database, schema version 5
 * ===================================
 * (Schema 4 differs in hists.counts: one run [c0, c1, ...] of the counts of
 * buckets first, first + 1, ... to the last non-empty one. Schema 3 also
 * has no series table and sample view. Schema 2 also differs in:
 * hists(..., scale, bins TEXT) with bins the JSON [[lo, hi, count], ...] of
 * the non-empty buckets, lo and hi in units of scale. Schema 1 also has no
 * runs.host, runs.git_commit, params.num, claims, and hist is a table of
 * one row per bucket instead of the view below. All are read as they are
 * (their own hist view) and converted on the first write, see
 * store_schema.c.)
 * One SQLite file per experiment, in WAL mode. Every value is in SI base
 * units; the unit column names it ('s', 'B', 'bit/s', '1/s', '1'). Each run
 * is written in one transaction: a run is there complete or not at all.
 *
 * meta(key TEXT PRIMARY KEY, value TEXT)
 *   'application' = 'iovsim', 'schema_version' = '5', 'created_by' = iovsim
 *   version that made the file, 'created_at' = ISO 8601 UTC;
 *   'scenario_hash' and 'scenario_version', the first scenario admitted
 *   (store_check_scenario()), so that a sweep owns a new file before its
 *   first run is written; 'order LABEL' = the point's place in the sweep
 *   that ran it (STORE_META_ORDER, written by sweep, read by analysis); a
 *   part of a plan's 'plan_points', 'plan_reps', 'plan_part P R'. The file header
 *   also carries PRAGMA application_id = 1229936211 (0x494f5653, "IOVS") and
 *   PRAGMA user_version = 5.
 *
 * runs: one row per replication
 *   run_id         INTEGER PRIMARY KEY
 *   scenario       TEXT     [scenario] name
 *   point          TEXT     sweep point label, 'base' for an unswept run
 *   rep            INTEGER  replication number, from 0
 *   seed           TEXT     the run's unsigned 64-bit seed in decimal (text:
 *                           SQLite integers are signed and seeds use 64 bits)
 *   status         TEXT     'done' or 'failed'
 *   sim_seconds    REAL     s, simulated time measured (duration - warmup)
 *   wall_seconds   REAL     s, host wall-clock time of the run
 *   events         INTEGER  events executed
 *   version        TEXT     iovsim version that made the run
 *   started_at     TEXT     ISO 8601 UTC, e.g. 2025-01-31T12:00:00Z
 *   scenario_hash  TEXT     SHA-256 (hex) of the effective parameters and the
 *                           [sweep] group (scenario_hash())
 *   host           TEXT     host name of the machine that ran it
 *   git_commit     TEXT     commit iovsim was built from ("-dirty" after it if
 *                           tracked files differed); NULL outside git
 *   A new attempt at a (scenario_hash, point, rep) replaces the earlier
 *   one, failed or done, and so does a run of the same (scenario, point,
 *   rep, seed) under another hash (--force): one replication never counts
 *   twice in summary.
 *
 * params(run_id, key TEXT, value TEXT, num REAL), PRIMARY KEY (run_id, key)
 *   every effective parameter as "section.name" and its value as text;
 *   num: the value in SI base units for integer and dimensioned parameters,
 *   NULL for distributions, choices, booleans and text
 *
 * metrics(run_id, scope TEXT, name TEXT, value REAL, unit TEXT),
 *   PRIMARY KEY (run_id, scope, name)
 *   scope: 'all', 'vm3', 'nic0', ...; value in the SI base unit named by
 *   unit, NULL when undefined (NaN, e.g. a mean over no samples)
 *
 * hists(run_id, scope TEXT, name TEXT, unit TEXT, scale REAL,
 *       first INTEGER, counts TEXT), PRIMARY KEY (run_id, scope, name)
 *   one row per distribution: first is its first non-empty bucket and
 *   counts the JSON array of its runs of neighbouring buckets,
 *   [[offset, count, count, ...], ...]: a run holds the counts of buckets
 *   first + offset, first + offset + 1, ..., empty ones inside it 0; five
 *   or more empty buckets end a run ([] with first 0 for an empty
 *   distribution; the first run's offset is 0). The buckets are
 *   log-linear in integer units of scale (1e-12: picoseconds) of unit:
 *   bucket i < 128 is [i, i + 1); above, with g = i / 128 and s = i % 128,
 *   it is [(128 + s) * 2^(g-1), (129 + s) * 2^(g-1)), each power of two in
 *   128 equal steps (under 1% relative error)
 * hist VIEW (run_id, scope, name, unit, lo REAL, hi REAL, count)
 *   the non-empty buckets one per row, lo = lo_units * scale in unit: the
 *   doubles the run computed, exactly (schema 1's table of that name)
 *
 * series(run_id, scope TEXT, name TEXT, unit TEXT, t0 REAL, dt REAL,
 *        samples TEXT), PRIMARY KEY (run_id, scope, name)
 *   a quantity sampled at regular times of the run (a migrating VM's
 *   goodput, ...): samples is the JSON array of its values at t0, t0 + dt,
 *   ... (s of simulated time), in unit; null where undefined
 * sample VIEW (run_id, scope, name, unit, t REAL, value)
 *   the same samples one per row, t = t0 + k dt
 *
 * claims(scenario_hash, point, rep, owner TEXT, heartbeat REAL)
 *   which running sweep (owner = host:pid) runs a replication now, with
 *   the Unix time it last said it is alive; rows go when the run is written
 *
 * tdist(dof INTEGER PRIMARY KEY, t975 REAL)
 *   Student t 0.975 quantiles for dof 1..1000, for the summary view
 *
 * summary VIEW (scenario, point, scope, name, unit, n, mean, stddev, ci95)
 *   over runs with status 'done'. n counts non-NULL values; stddev is the
 *   sample standard deviation (n - 1); ci95 is the half-width of the 95%
 *   Student t interval of the mean, t(0.975, n - 1) * stddev / sqrt(n),
 *   with 1.959964 beyond 1000 dof. stddev and ci95 are NULL when n < 2: one
 *   replication says nothing about spread, and 0 would read as "none". The
 *   view needs sqrt(): the sqlite3 shell has it when built with math
 *   functions (Debian's is); iovsim registers its own where missing.
 *
 * params, metrics, hists and series reference runs(run_id) ON DELETE CASCADE (with
 * PRAGMA foreign_keys = ON) and are WITHOUT ROWID tables clustered on their
 * primary keys, so a run's rows sit together and lookups by run_id, or by
 * (run_id, scope, name) from a join with runs, need no extra index. The
 * only other index is runs(point, rep). There is deliberately no index on
 * metrics(scope, name): every run adds one entry to each (scope, name)
 * group, scattered over the whole index, which made a 200-metric write five
 * times slower (3.8 ms instead of 0.7 ms); queries that join runs use the
 * primary key instead. Analysis that needs it may create it itself.
 */
#include "store.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gstdio.h>
#include <sqlite3.h>

#include "escape.h"
#include "param.h"
#include "scenario.h"
#include "store_hist.h"
#include "store_schema.h"
#include "store_series.h"

#ifndef IOVSIM_VERSION
#error "IOVSIM_VERSION must be defined by the build"
#endif
/* The commit a build from a git checkout was made from; "" otherwise. */
#ifdef IOVSIM_HAVE_GIT_COMMIT_H
#include "git_commit.h"
#else
#define IOVSIM_GIT_COMMIT ""
#endif

enum stmt_id {
    STMT_BEGIN,
    STMT_COMMIT,
    STMT_ROLLBACK,
    STMT_DEL_EARLIER,
    STMT_DEL_CLAIM,
    STMT_INS_RUN,
    STMT_INS_PARAM,
    STMT_INS_METRIC,
    STMT_INS_HIST,
    STMT_INS_SERIES,
    STMT_HAS_DONE,
    STMT_OTHER_HASH,
    STMT_OTHER_VERSION,
    STMT_STAMP_GET,
    STMT_STAMP_SET,
    N_STMTS
};

/* Children of the replaced runs go with them: foreign_keys is on and
 * params, metrics and hist cascade on delete. */
static const char *const stmt_sql[N_STMTS] = {
    [STMT_BEGIN] = "BEGIN IMMEDIATE",
    [STMT_COMMIT] = "COMMIT",
    [STMT_ROLLBACK] = "ROLLBACK",
    [STMT_DEL_EARLIER] = "DELETE FROM runs WHERE point = ?2 AND rep = ?3 AND "
                         "(scenario_hash = ?1 OR (scenario = ?4 AND seed = ?5))",
    [STMT_DEL_CLAIM] = "DELETE FROM claims WHERE scenario_hash = ?1 AND point = ?2 AND rep = ?3",
    [STMT_INS_RUN] = "INSERT INTO runs (scenario, point, rep, seed, status, sim_seconds, "
                     "wall_seconds, events, version, started_at, scenario_hash, host, "
                     "git_commit) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
    [STMT_INS_PARAM] = "INSERT INTO params (run_id, key, value, num) VALUES (?1, ?2, ?3, ?4)",
    [STMT_INS_METRIC] = "INSERT INTO metrics (run_id, scope, name, value, unit) "
                        "VALUES (?1, ?2, ?3, ?4, ?5)",
    [STMT_INS_HIST] = "INSERT INTO hists (run_id, scope, name, unit, scale, first, counts) "
                      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    [STMT_INS_SERIES] = STORE_SERIES_INSERT_SQL,
    [STMT_HAS_DONE] = "SELECT EXISTS (SELECT 1 FROM runs WHERE point = ?1 AND rep = ?2 "
                      "AND status = 'done' AND (?3 IS NULL OR scenario_hash = ?3))",
    [STMT_OTHER_HASH] = "SELECT scenario, scenario_hash FROM runs WHERE scenario_hash <> ?1 "
                        "LIMIT 1",
    [STMT_OTHER_VERSION] = "SELECT version FROM runs WHERE version <> ?1 LIMIT 1",
    [STMT_STAMP_GET] = "SELECT (SELECT value FROM meta WHERE key = 'scenario_hash'), "
                       "(SELECT value FROM meta WHERE key = 'scenario_version')",
    [STMT_STAMP_SET] = "INSERT OR IGNORE INTO meta (key, value) VALUES ('scenario_hash', ?1), "
                       "('scenario_version', ?2)",
};

struct store {
    sqlite3 *db;
    char *path;
    /* Set by store_check_scenario(): store_has_done() then only counts runs
     * of this scenario, so a forced mix never skips work it has not done. */
    char *scenario_hash;
    bool readonly;                 /* opened by store_open_readonly(): never written */
    GHashTable *defs;              /* parameter key -> struct param_def *, for params.num */
    GPtrArray *queue;              /* struct pending *: runs store_queue_run() holds back */
    size_t queue_rows;             /* rows they will write */
    double queue_since;            /* monotonic seconds when the oldest was queued */
    sqlite3_int64 changes_at_open; /* to tell at close whether we wrote */
    bool write_failed;             /* a run could not be written (said then) */
    sqlite3_stmt *stmt[N_STMTS];
    GHashTable *cached; /* SQL text (borrowed) -> sqlite3_stmt *: store_stmt_cached() */
};

static bool open_error(GError **error, const char *path, const char *why)
{
    g_set_error(error, IOVSIM_ERROR, IOVSIM_ERROR_INPUT, "'%s': cannot open database: %s", path,
                why);
    return false;
}

/*
 * SQLite gives some names a meaning beyond a file: ":memory:" and "" are
 * databases that vanish on close, and with URI names on (Debian's build) so
 * is "file:x?mode=memory". Results written there would be reported as saved
 * and then lost, so only plain file names are accepted.
 */
static bool check_name(const char *path, GError **error)
{
    if (*path && strcmp(path, ":memory:") != 0 && strncmp(path, "file:", 5) != 0)
        return true;
    g_set_error(error, IOVSIM_ERROR, IOVSIM_ERROR_INPUT,
                "'%s': not a database file name (SQLite's in-memory and URI names are not "
                "saved); give a path, e.g. ./%s",
                path, *path ? path : "results.db");
    return false;
}

/*
 * Refuse bad paths before SQLite sees them: sqlite3_open_v2() with CREATE
 * would leave an empty file behind on some failures, and its "unable to open
 * database file" does not say which part of the path is wrong.
 */
static bool check_path(const char *path, bool *is_new, GError **error)
{
    g_autofree char *dir = NULL;
    g_autofree char *why = NULL;
    GStatBuf sb;

    if (g_stat(path, &sb) == 0) {
        if (S_ISDIR(sb.st_mode))
            return open_error(error, path, g_strerror(EISDIR));
        if (!S_ISREG(sb.st_mode))
            return open_error(error, path, "not a regular file");
        if (access(path, R_OK | W_OK) != 0)
            return open_error(error, path, g_strerror(errno));
        *is_new = false;
        return true;
    }
    /* ENOTDIR: a parent is a file; the checks below say which. */
    if (errno != ENOENT && errno != ENOTDIR)
        return open_error(error, path, g_strerror(errno));

    dir = g_path_get_dirname(path);
    if (g_stat(dir, &sb) != 0)
        why = errno == ENOENT ? g_strdup_printf("directory '%s' does not exist", dir)
                              : g_strdup_printf("directory '%s': %s", dir, g_strerror(errno));
    else if (!S_ISDIR(sb.st_mode))
        why = g_strdup_printf("'%s' is not a directory", dir);
    else if (access(dir, W_OK | X_OK) != 0)
        why = g_strdup_printf("directory '%s': %s", dir, g_strerror(errno));
    if (why)
        return open_error(error, path, why);
    *is_new = true;
    return true;
}

/* Fallback for SQLite builds without SQLITE_ENABLE_MATH_FUNCTIONS. */
static void sql_sqrt(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    g_assert(argc == 1);
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL)
        sqlite3_result_null(ctx);
    else
        sqlite3_result_double(ctx, sqrt(sqlite3_value_double(argv[0])));
}

/*
 * The summary view needs sqrt(). Debian's libsqlite3 has the math functions
 * built in; where it does not, register ours on this connection. Only our own
 * connections get it: a sqlite3 shell built without math functions cannot
 * read the summary view (the tables are fine).
 */
static bool ensure_sqrt(sqlite3 *db)
{
    sqlite3_stmt *s = NULL;

    if (sqlite3_prepare_v2(db, "SELECT sqrt(4.0)", -1, &s, NULL) == SQLITE_OK) {
        sqlite3_finalize(s);
        return true;
    }
    return sqlite3_create_function(db, "sqrt", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL,
                                   sql_sqrt, NULL, NULL) == SQLITE_OK;
}

/*
 * The value of parameter @key as a number in SI base units, for
 * params.num: integers and dimensioned reals; not distributions, choices,
 * booleans or text. Parsed with the registry's own rules, so "2 GiB" and
 * "1.5us" become what the model used.
 */
static bool param_number(struct store *st, const char *key, const char *text, double *out)
{
    const struct param_def *def;
    struct param_value v = { 0 };

    if (!st->defs) {
        const struct param_def *const *defs;
        size_t n = scenario_registry(&defs);

        st->defs = g_hash_table_new(g_str_hash, g_str_equal);
        for (size_t i = 0; i < n; i++)
            g_hash_table_insert(st->defs, (gpointer)defs[i]->key, (gpointer)defs[i]);
    }
    def = g_hash_table_lookup(st->defs, key);
    if (!def || (def->type != PARAM_INT && def->type != PARAM_REAL) ||
        !param_parse(def, text, NULL, &v, NULL))
        return false;
    *out = def->type == PARAM_INT ? (double)v.i : v.real;
    param_value_release(&v);
    return true;
}

/* Statement @id, prepared on first use (a read-only store never prepares
 * the writes); NULL on failure, with the message in sqlite3_errmsg(). */
static sqlite3_stmt *stmt(struct store *st, enum stmt_id id)
{
    if (!st->stmt[id])
        sqlite3_prepare_v3(st->db, stmt_sql[id], -1, SQLITE_PREPARE_PERSISTENT, &st->stmt[id],
                           NULL);
    return st->stmt[id];
}

static void remove_with_side_files(const char *path)
{
    static const char *const suffix[] = { "", "-wal", "-shm", "-journal" };

    for (size_t i = 0; i < G_N_ELEMENTS(suffix); i++) {
        g_autofree char *p = g_strconcat(path, suffix[i], NULL);

        g_unlink(p);
    }
}

/* fsync() @path; false with errno set on failure. */
static bool sync_file(const char *path)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    bool ok = fd >= 0 && fsync(fd) == 0;
    int saved = errno;

    if (fd >= 0)
        close(fd);
    errno = saved;
    return ok;
}

/*
 * Page size of new databases (an older file keeps its own). A row of an
 * index B-tree, as our WITHOUT ROWID tables are, keeps at most about a
 * quarter of a page in place and the rest in overflow pages: at SQLite's
 * 4 KiB that is 1 KB, less than the histogram of a 1 ms run (3.3 KB), and
 * each page a commit writes costs two writes to the WAL and a copy at the
 * checkpoint. 16 KiB made a sweep of such runs spend 3 ms less CPU in 300
 * and the analysis no slower.
 */
#define STORE_PAGE_SIZE 16384

/*
 * Make a new database complete under a temporary name in the same
 * directory, then link it into place: @path never exists empty or half
 * made (a failed creation, a full disk, leaves nothing), and of several
 * openers racing to create it the first link wins and the others open
 * that one.
 */
static bool create_file(const char *path, GError **error)
{
    g_autofree char *tmp = g_strconcat(path, ".new-XXXXXX", NULL);
    sqlite3 *db = NULL;
    int fd = g_mkstemp_full(tmp, O_RDWR, 0666);
    bool ok;

    if (fd < 0)
        return open_error(error, path, g_strerror(errno));
    close(fd);
    /* Nobody sees the file before it is linked into place, so SQLite's
     * syncs of each step of making it (about ten, most of a short sweep's
     * start on a busy disk) protect nothing: one sync before the link does. */
    ok = sqlite3_open_v2(tmp, &db, SQLITE_OPEN_READWRITE, NULL) == SQLITE_OK && ensure_sqrt(db) &&
         sqlite3_exec(db,
                      "PRAGMA synchronous = OFF; "
                      "PRAGMA page_size = " G_STRINGIFY(STORE_PAGE_SIZE),
                      NULL, NULL, NULL) == SQLITE_OK;
    if (!ok)
        open_error(error, path, db ? sqlite3_errmsg(db) : "out of memory");
    else
        ok = store_schema_setup(db, path, error);
    /* The schema is in the -wal file until a checkpoint copies it into the
     * file. The one sqlite3_close() does is silent when it fails (a full
     * disk): the file linked into place was then half made and the -wal,
     * removed below, held the rest. */
    if (ok &&
        sqlite3_wal_checkpoint_v2(db, NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL) != SQLITE_OK) {
        g_set_error(error, IOVSIM_ERROR, IOVSIM_ERROR_IO, "'%s': cannot write the new database: %s",
                    path, sqlite3_errmsg(db));
        ok = false;
    }
    /* The last connection to close removes -wal and -shm. */
    if (sqlite3_close(db) != SQLITE_OK && ok)
        ok = open_error(error, path, "cannot close the new file");
    if (ok && !sync_file(tmp))
        ok = open_error(error, path, g_strerror(errno));
    if (ok && link(tmp, path) != 0 && errno != EEXIST)
        ok = open_error(error, path, g_strerror(errno));
    remove_with_side_files(tmp);
    return ok;
}

static bool configure(struct store *st, GError **error)
{
    /* NOMUTEX: a store is used by one thread at a time (a sweep opens it in
     * a thread and then hands it over), and locking the connection on each
     * bind and step was 5% of the instructions writing a sweep's rows. */
    int rc = sqlite3_open_v2(st->path, &st->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL);

    if (rc != SQLITE_OK)
        return open_error(error, st->path, st->db ? sqlite3_errmsg(st->db) : sqlite3_errstr(rc));
    if (sqlite3_db_readonly(st->db, "main") == 1)
        return open_error(error, st->path, "file is read-only");
    store_schema_busy_wait(st->db);
    if (!ensure_sqrt(st->db) || !store_hist_register(st->db))
        return open_error(error, st->path, sqlite3_errmsg(st->db));
    if (!store_schema_setup(st->db, st->path, error))
        return false;
    /* Per connection, not stored in the file. NORMAL in WAL mode survives a
     * killed process; only a power cut can lose the last commits. */
    if (sqlite3_exec(st->db, "PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON", NULL, NULL,
                     NULL) != SQLITE_OK)
        return open_error(error, st->path, sqlite3_errmsg(st->db));
    return true;
}

/*
 * Open @path to read it. SQLite makes -wal and -shm files beside a WAL
 * database even to read it, and only a connection that may write removes
 * them at close: so a file we can write is opened read-write but with
 * query_only set (no statement can change it), and leaves nothing behind.
 * A file we cannot write (an archived result of another user) is opened
 * as immutable instead, since nobody is writing it then.
 */
static int open_readonly_db(const char *path, sqlite3 **db)
{
    g_autofree char *uri = NULL;

    /* A path with '?', '#' or '%' would need URI escaping: open it plainly. */
    if (g_access(path, W_OK) == 0 || strpbrk(path, "?#%")) {
        bool writable = g_access(path, W_OK) == 0;

        return sqlite3_open_v2(path, db, writable ? SQLITE_OPEN_READWRITE : SQLITE_OPEN_READONLY,
                               NULL);
    }
    uri = g_strdup_printf("file:%s?immutable=1", path);
    return sqlite3_open_v2(uri, db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, NULL);
}

struct store *store_open_readonly(const char *path, GError **error)
{
    struct store *st;
    int rc;

    g_assert(path);
    if (!check_name(path, error))
        return NULL;
    if (!g_file_test(path, G_FILE_TEST_EXISTS)) {
        g_set_error(error, IOVSIM_ERROR, IOVSIM_ERROR_INPUT, "'%s': no such database", path);
        return NULL;
    }
    if (g_file_test(path, G_FILE_TEST_IS_DIR)) {
        open_error(error, path, "is a directory");
        return NULL;
    }
    st = g_new0(struct store, 1);
    st->path = g_strdup(path);
    st->readonly = true;
    rc = open_readonly_db(path, &st->db);
    if (rc != SQLITE_OK) {
        open_error(error, path, st->db ? sqlite3_errmsg(st->db) : sqlite3_errstr(rc));
        store_close(st);
        return NULL;
    }
    store_schema_busy_wait(st->db);
    /* query_only after the check, which may add temporary views. */
    if (!ensure_sqrt(st->db) || !store_schema_check(st->db, path, error) ||
        sqlite3_exec(st->db, "PRAGMA query_only = ON", NULL, NULL, NULL) != SQLITE_OK) {
        if (error && !*error)
            open_error(error, path, sqlite3_errmsg(st->db));
        store_close(st);
        return NULL;
    }
    return st;
}

struct store *store_open(const char *path, GError **error)
{
    struct store *st;
    bool is_new = false;

    g_assert(path);
    if (!check_name(path, error) || !check_path(path, &is_new, error))
        return NULL;
    if (is_new && !create_file(path, error))
        return NULL;
    st = g_new0(struct store, 1);
    st->path = g_strdup(path);
    /* On failure here the file stays: another process may be using it. */
    if (!configure(st, error)) {
        store_close(st);
        return NULL;
    }
    st->changes_at_open = sqlite3_total_changes64(st->db);
    return st;
}

/* One plain line, as the command-line's errors are (not g_warning's). */
static void close_error(GError **error)
{
    g_autofree char *shown = escape_controls((*error)->message);

    fprintf(stderr, "%s\n", shown);
    g_clear_error(error);
}

void store_close(struct store *st)
{
    GError *error = NULL;

    if (!st)
        return;
    if (st->queue && st->queue->len && !store_flush(st, &error))
        close_error(&error);
    if (st->queue)
        g_ptr_array_unref(st->queue);
    /* New runs may vary other parameters: the points view follows. After a
     * failed write (a full disk) this fails the same way: said once is
     * enough, and the next writer updates the view. */
    if (!st->readonly && st->db && sqlite3_total_changes64(st->db) != st->changes_at_open &&
        !store_schema_points(st->db, st->path, &error)) {
        if (st->write_failed)
            g_clear_error(&error);
        else
            close_error(&error);
    }
    for (int i = 0; i < N_STMTS; i++)
        sqlite3_finalize(st->stmt[i]);
    if (st->cached)
        g_hash_table_unref(st->cached);
    /* Every statement is finalized, so this cannot return SQLITE_BUSY; the
     * last connection to close checkpoints and removes the -wal file. */
    sqlite3_close(st->db);
    if (st->defs)
        g_hash_table_unref(st->defs);
    g_free(st->scenario_hash);
    g_free(st->path);
    g_free(st);
}

struct sqlite3 *store_db(struct store *st)
{
    return st->db;
}

static void stmt_free(gpointer s)
{
    sqlite3_finalize(s);
}

sqlite3_stmt *store_stmt_cached(struct store *st, const char *sql)
{
    sqlite3_stmt *s;

    if (!st->cached)
        st->cached = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, stmt_free);
    s = g_hash_table_lookup(st->cached, sql);
    if (!s && sqlite3_prepare_v3(st->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &s, NULL) == SQLITE_OK)
        g_hash_table_insert(st->cached, (gpointer)sql, s);
    return s;
}

const char *store_path(const struct store *st)
{
    return st->path;
}

const char *store_checked_hash(const struct store *st)
{
    return st->scenario_hash;
}

/*
 * Step @id to completion and reset it. Strings are bound SQLITE_STATIC (no
 * copy per row); they stay bound after the reset but are never read again
 * before the next bind. On failure the message stays in sqlite3_errmsg().
 */
static bool step(struct store *st, enum stmt_id id)
{
    sqlite3_stmt *s = stmt(st, id);
    int rc;

    if (!s)
        return false;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW)
        ;
    sqlite3_reset(s);
    return rc == SQLITE_DONE;
}

static void bind_text(sqlite3_stmt *s, int col, const char *text)
{
    /* NULL binds SQL NULL, which the NOT NULL columns then reject. */
    sqlite3_bind_text(s, col, text, -1, SQLITE_STATIC);
}

static bool insert_run(struct store *st, const struct store_run *run, int64_t *run_id)
{
    sqlite3_stmt *s = stmt(st, STMT_DEL_EARLIER);
    char seed[24];

    /* Seeds use all 64 bits and SQLite integers are signed: keep them as
     * decimal text so they read back exactly as the CLI takes them. */
    g_snprintf(seed, sizeof(seed), "%" G_GUINT64_FORMAT, run->seed);
    /* An earlier attempt at this (scenario, point, rep), failed or done, is
     * superseded by the new one: a rerun of `iovsim run` into the same
     * database must not count a replication twice in the summary view. So
     * is one of another hash (an edited file mixed in with --force) under
     * the same name with the same seed: the view would count it again. */
    bind_text(s, 1, run->scenario_hash);
    bind_text(s, 2, run->point);
    sqlite3_bind_int(s, 3, run->rep);
    bind_text(s, 4, run->scenario);
    bind_text(s, 5, seed);
    if (!step(st, STMT_DEL_EARLIER))
        return false;
    /* Written: the run's claim (store_claims.c), if any, is spent. */
    s = stmt(st, STMT_DEL_CLAIM);
    bind_text(s, 1, run->scenario_hash);
    bind_text(s, 2, run->point);
    sqlite3_bind_int(s, 3, run->rep);
    if (!step(st, STMT_DEL_CLAIM))
        return false;

    s = stmt(st, STMT_INS_RUN);
    bind_text(s, 1, run->scenario);
    bind_text(s, 2, run->point);
    sqlite3_bind_int(s, 3, run->rep);
    sqlite3_bind_text(s, 4, seed, -1, SQLITE_TRANSIENT); /* @seed is on our stack */
    bind_text(s, 5, run->status);
    sqlite3_bind_double(s, 6, run->sim_seconds);
    sqlite3_bind_double(s, 7, run->wall_seconds);
    /* Clamped: 2^63 events would take centuries to simulate. */
    sqlite3_bind_int64(s, 8, (int64_t)MIN(run->events, (uint64_t)INT64_MAX));
    bind_text(s, 9, IOVSIM_VERSION);
    bind_text(s, 10, run->started_at);
    bind_text(s, 11, run->scenario_hash);
    bind_text(s, 12, g_get_host_name());
    bind_text(s, 13, *IOVSIM_GIT_COMMIT ? IOVSIM_GIT_COMMIT : NULL);
    if (!step(st, STMT_INS_RUN))
        return false;
    *run_id = sqlite3_last_insert_rowid(st->db);
    return true;
}

static bool insert_params(struct store *st, int64_t run_id, GPtrArray *params)
{
    sqlite3_stmt *s = stmt(st, STMT_INS_PARAM);

    if (!params)
        return true;
    sqlite3_bind_int64(s, 1, run_id);
    for (guint i = 0; i < params->len; i++) {
        const struct scenario_kv *kv = g_ptr_array_index(params, i);

        double num;

        bind_text(s, 2, kv->key);
        bind_text(s, 3, kv->value);
        if (param_number(st, kv->key, kv->value, &num))
            sqlite3_bind_double(s, 4, num);
        else
            sqlite3_bind_null(s, 4);
        if (!step(st, STMT_INS_PARAM))
            return false;
    }
    return true;
}

static gint metric_key_cmp(gconstpointer pa, gconstpointer pb)
{
    const struct report_metric *a = *(const struct report_metric *const *)pa;
    const struct report_metric *b = *(const struct report_metric *const *)pb;
    /* g_strcmp0: a broken report (NULL name) must reach SQLite's NOT NULL
     * check and roll back, not crash here. */
    int c = g_strcmp0(a->scope, b->scope);

    return c ? c : g_strcmp0(a->name, b->name);
}

static bool insert_metrics(struct store *st, int64_t run_id, GPtrArray *metrics)
{
    sqlite3_stmt *s = stmt(st, STMT_INS_METRIC);
    /* In primary-key order every row appends to the table's B-tree instead
     * of landing in the middle of it: a third faster for big reports. */
    g_autoptr(GPtrArray) sorted = g_ptr_array_sized_new(metrics->len);

    /* Borrowed pointers: g_ptr_array_copy() would copy the free function. */
    for (guint i = 0; i < metrics->len; i++)
        g_ptr_array_add(sorted, g_ptr_array_index(metrics, i));
    g_ptr_array_sort(sorted, metric_key_cmp);
    sqlite3_bind_int64(s, 1, run_id);
    for (guint i = 0; i < sorted->len; i++) {
        const struct report_metric *m = g_ptr_array_index(sorted, i);

        bind_text(s, 2, m->scope);
        bind_text(s, 3, m->name);
        /* NaN (a mean over no samples) is stored as NULL: undefined. */
        if (isnan(m->value))
            sqlite3_bind_null(s, 4);
        else
            sqlite3_bind_double(s, 4, m->value);
        bind_text(s, 5, m->unit);
        if (!step(st, STMT_INS_METRIC))
            return false;
    }
    return true;
}

static bool insert_hists(struct store *st, int64_t run_id, GPtrArray *hists)
{
    sqlite3_stmt *s = stmt(st, STMT_INS_HIST);
    g_autoptr(GString) counts = g_string_new(NULL);

    sqlite3_bind_int64(s, 1, run_id);
    for (guint i = 0; i < hists->len; i++) {
        const struct report_hist *h = g_ptr_array_index(hists, i);

        bind_text(s, 2, h->scope);
        bind_text(s, 3, h->name);
        bind_text(s, 4, h->unit);
        sqlite3_bind_double(s, 5, h->scale);
        int64_t first;
        const char *text = store_hist_text(h, counts, &first);

        sqlite3_bind_int64(s, 6, first);
        bind_text(s, 7, text);
        if (!step(st, STMT_INS_HIST))
            return false;
    }
    return true;
}

static bool insert_series(struct store *st, int64_t run_id, GPtrArray *series)
{
    sqlite3_stmt *s = stmt(st, STMT_INS_SERIES);
    g_autoptr(GString) samples = g_string_new(NULL);

    sqlite3_bind_int64(s, 1, run_id);
    for (guint i = 0; i < series->len; i++) {
        const struct report_series *r = g_ptr_array_index(series, i);

        bind_text(s, 2, r->scope);
        bind_text(s, 3, r->name);
        bind_text(s, 4, r->unit);
        sqlite3_bind_double(s, 5, r->t0);
        sqlite3_bind_double(s, 6, r->dt);
        store_series_samples(samples, r);
        sqlite3_bind_text(s, 7, samples->str, (int)samples->len, SQLITE_STATIC);
        if (!step(st, STMT_INS_SERIES))
            return false;
    }
    return true;
}

static bool write_failed(struct store *st, const struct store_run *run, GError **error)
{
    st->write_failed = true;
    /* Take the message before ROLLBACK replaces it. */
    g_set_error(error, IOVSIM_ERROR, IOVSIM_ERROR_IO,
                "'%s': cannot write run (point '%s', rep %d): %s", st->path, run->point, run->rep,
                sqlite3_errmsg(st->db));
    if (!sqlite3_get_autocommit(st->db))
        step(st, STMT_ROLLBACK);
    return false;
}

static bool insert_all(struct store *st, const struct store_run *run, GPtrArray *params,
                       const struct report *report, int64_t *id)
{
    return insert_run(st, run, id) && insert_params(st, *id, params) &&
           (!report ||
            (insert_metrics(st, *id, report->metrics) && insert_hists(st, *id, report->hists) &&
             insert_series(st, *id, report->series)));
}

static void check_run(const struct store *st, const struct store_run *run)
{
    g_assert(st && run && !st->readonly);
    g_assert(run->scenario && run->point && run->scenario_hash && run->status);
    g_assert(strcmp(run->status, "done") == 0 || strcmp(run->status, "failed") == 0);
}

bool store_write_run(struct store *st, const struct store_run *run, GPtrArray *params,
                     const struct report *report, int64_t *run_id, GError **error)
{
    int64_t id;

    check_run(st, run);
    /* Queued runs go first: the database keeps the order runs ended in. */
    if (!store_flush(st, error))
        return false;
    g_assert(sqlite3_get_autocommit(st->db));
    /* IMMEDIATE takes the write lock now (waiting up to the busy timeout)
     * rather than failing half-way through when another writer holds it. */
    if (!step(st, STMT_BEGIN) || !insert_all(st, run, params, report, &id) ||
        !step(st, STMT_COMMIT))
        return write_failed(st, run, error);
    if (run_id)
        *run_id = id;
    return true;
}

/* A queued run: copies of what store_write_run() borrows. */
struct pending {
    struct store_run run;
    char *strings[5];  /* owned copies behind run's strings */
    GPtrArray *params; /* struct scenario_kv *, a reference */
    struct report *report;
};

static void pending_free(gpointer p)
{
    struct pending *q = p;

    for (size_t i = 0; i < G_N_ELEMENTS(q->strings); i++)
        g_free(q->strings[i]);
    if (q->params)
        g_ptr_array_unref(q->params);
    report_free(q->report);
    g_free(q);
}

bool store_queue_run(struct store *st, const struct store_run *run, GPtrArray *params,
                     struct report *report, GError **error)
{
    struct pending *q = g_new0(struct pending, 1);
    double now = (double)g_get_monotonic_time() * 1e-6;

    check_run(st, run);
    q->run = *run;
    q->run.scenario = q->strings[0] = g_strdup(run->scenario);
    q->run.point = q->strings[1] = g_strdup(run->point);
    q->run.status = q->strings[2] = g_strdup(run->status);
    q->run.started_at = q->strings[3] = g_strdup(run->started_at);
    q->run.scenario_hash = q->strings[4] = g_strdup(run->scenario_hash);
    q->params = params ? g_ptr_array_ref(params) : NULL;
    q->report = report;
    for (guint i = 0; report && i < report->hists->len; i++)
        store_hist_encode(g_ptr_array_index(report->hists, i));
    if (!st->queue) {
        st->queue = g_ptr_array_new_with_free_func(pending_free);
        st->queue_rows = 0;
    }
    if (st->queue->len == 0)
        st->queue_since = now;
    g_ptr_array_add(st->queue, q);
    st->queue_rows += 1 + (params ? params->len : 0) + (report ? report->metrics->len : 0);
    if (st->queue->len >= STORE_QUEUE_RUNS || st->queue_rows >= STORE_QUEUE_ROWS ||
        now - st->queue_since >= STORE_QUEUE_SECONDS || run->wall_seconds >= STORE_QUEUE_SECONDS)
        return store_flush(st, error);
    return true;
}

size_t store_queued(const struct store *st)
{
    return st->queue ? st->queue->len : 0;
}

bool store_flush_due(struct store *st, GError **error)
{
    double now = (double)g_get_monotonic_time() * 1e-6;

    if (!st->queue || st->queue->len == 0 || now - st->queue_since < STORE_QUEUE_SECONDS)
        return true;
    return store_flush(st, error);
}

bool store_flush(struct store *st, GError **error)
{
    guint n = st->queue ? st->queue->len : 0;
    const struct pending *q = NULL;
    bool ok;
    int64_t id;

    if (n == 0)
        return true;
    g_assert(sqlite3_get_autocommit(st->db));
    ok = step(st, STMT_BEGIN);
    for (guint i = 0; ok && i < n; i++) {
        q = g_ptr_array_index(st->queue, i);
        ok = insert_all(st, &q->run, q->params, q->report, &id);
    }
    ok = ok && step(st, STMT_COMMIT);
    if (!ok) {
        write_failed(st, q ? &q->run : &((const struct pending *)st->queue->pdata[0])->run, error);
        if (n > 1)
            g_prefix_error(error, "%u runs lost: ", n);
    }
    g_ptr_array_set_size(st->queue, 0);
    st->queue_rows = 0;
    return ok;
}

bool store_has_done(struct store *st, const char *point, int rep)
{
    sqlite3_stmt *s = stmt(st, STMT_HAS_DONE);
    bool done = false;
    int rc;

    g_assert(point);
    bind_text(s, 1, point);
    sqlite3_bind_int(s, 2, rep);
    bind_text(s, 3, st->scenario_hash);
    rc = sqlite3_step(s);
    if (rc == SQLITE_ROW)
        done = sqlite3_column_int(s, 0) != 0;
    else
        /* Not done as far as we can tell: redoing a run is safe, skipping
         * one is not. */
        g_warning("'%s': cannot look up point '%s' rep %d: %s", st->path, point, rep,
                  sqlite3_errmsg(st->db));
    sqlite3_reset(s);
    return done;
}

/* Short form of a hash for messages: enough to tell two apart. */
static char *short_hash(const char *hash)
{
    return g_strndup(hash ? hash : "?", 12);
}

static bool check_hash(struct store *st, const char *scenario_hash, GError **error)
{
    sqlite3_stmt *s = stmt(st, STMT_OTHER_HASH);
    int rc;

    bind_text(s, 1, scenario_hash);
    rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) {
        g_autofree char *theirs = short_hash((const char *)sqlite3_column_text(s, 1));
        g_autofree char *ours = short_hash(scenario_hash);

        g_set_error(error, IOVSIM_ERROR, IOVSIM_ERROR_INPUT,
                    "'%s': holds runs of a different scenario '%s' (hash %s, this one %s); "
                    "use another database or --force to mix them",
                    st->path, (const char *)sqlite3_column_text(s, 0), theirs, ours);
    } else if (rc != SQLITE_DONE) {
        g_set_error(error, IOVSIM_ERROR, IOVSIM_ERROR_IO, "'%s': cannot read runs: %s", st->path,
                    sqlite3_errmsg(st->db));
    }
    sqlite3_reset(s);
    return rc == SQLITE_DONE;
}

static bool check_version(struct store *st, const char *version, GError **error)
{
    sqlite3_stmt *s = stmt(st, STMT_OTHER_VERSION);
    int rc;

    bind_text(s, 1, version);
    rc = sqlite3_step(s);
    if (rc == SQLITE_ROW)
        g_set_error(error, IOVSIM_ERROR, IOVSIM_ERROR_INPUT,
                    "'%s': holds runs made by iovsim %s, this is iovsim %s; model changes "
                    "may make them incomparable: use another database or --force to mix them",
                    st->path, (const char *)sqlite3_column_text(s, 0), version);
    else if (rc != SQLITE_DONE)
        g_set_error(error, IOVSIM_ERROR, IOVSIM_ERROR_IO, "'%s': cannot read runs: %s", st->path,
                    sqlite3_errmsg(st->db));
    sqlite3_reset(s);
    return rc == SQLITE_DONE;
}

/* The scenario the database was first given to, before it has runs: a
 * sweep that has not finished its first run yet still owns the file. */
static bool check_stamp(struct store *st, const char *scenario_hash, const char *version,
                        GError **error)
{
    sqlite3_stmt *s = stmt(st, STMT_STAMP_GET);
    bool ok = sqlite3_step(s) == SQLITE_ROW;

    if (!ok) {
        g_set_error(error, IOVSIM_ERROR, IOVSIM_ERROR_IO, "'%s': cannot read meta: %s", st->path,
                    sqlite3_errmsg(st->db));
    } else if (sqlite3_column_type(s, 0) != SQLITE_NULL &&
               (g_strcmp0((const char *)sqlite3_column_text(s, 0), scenario_hash) != 0 ||
                g_strcmp0((const char *)sqlite3_column_text(s, 1), version) != 0)) {
        g_autofree char *theirs = short_hash((const char *)sqlite3_column_text(s, 0));
        g_autofree char *ours = short_hash(scenario_hash);

        g_set_error(error, IOVSIM_ERROR, IOVSIM_ERROR_INPUT,
                    "'%s': belongs to another scenario or iovsim version (hash %s, iovsim %s; "
                    "this one %s, iovsim %s); use another database or --force to mix them",
                    st->path, theirs, (const char *)sqlite3_column_text(s, 1), ours, version);
        ok = false;
    }
    sqlite3_reset(s);
    return ok;
}

static bool stamp(struct store *st, const char *scenario_hash, const char *version, GError **error)
{
    sqlite3_stmt *s = stmt(st, STMT_STAMP_SET);

    bind_text(s, 1, scenario_hash);
    bind_text(s, 2, version);
    if (step(st, STMT_STAMP_SET))
        return true;
    g_set_error(error, IOVSIM_ERROR, IOVSIM_ERROR_IO, "'%s': cannot write meta: %s", st->path,
                sqlite3_errmsg(st->db));
    return false;
}

/*
 * Check and stamp in one write transaction: of two sweeps of different
 * scenarios starting at once on a new file, the second sees the first's
 * stamp (it has no runs yet) and is refused, instead of both passing the
 * check and mixing their runs.
 */
bool store_check_scenario(struct store *st, const char *scenario_hash, const char *version,
                          bool force, GError **error)
{
    bool own = sqlite3_get_autocommit(st->db);
    bool ok;

    g_assert(st && scenario_hash && version && !st->readonly);
    if (own && !step(st, STMT_BEGIN)) {
        g_set_error(error, IOVSIM_ERROR, IOVSIM_ERROR_IO, "'%s': cannot lock: %s", st->path,
                    sqlite3_errmsg(st->db));
        return false;
    }
    ok = force || (check_hash(st, scenario_hash, error) && check_version(st, version, error) &&
                   check_stamp(st, scenario_hash, version, error));
    ok = ok && stamp(st, scenario_hash, version, error);
    if (own && ok && !step(st, STMT_COMMIT)) {
        g_set_error(error, IOVSIM_ERROR, IOVSIM_ERROR_IO, "'%s': cannot write meta: %s", st->path,
                    sqlite3_errmsg(st->db));
        ok = false;
    }
    if (own && !ok && !sqlite3_get_autocommit(st->db))
        step(st, STMT_ROLLBACK);
    if (!ok)
        return false;
    g_free(st->scenario_hash);
    st->scenario_hash = g_strdup(scenario_hash);
    return true;
}
