/* `iovsim merge OUT IN...`: copy the runs of several databases (e.g. one per
 * task of `sweep --plan`) into one, renumbering run ids. Inputs must hold
 * runs of the scenario and iovsim version OUT holds, as a sweep would
 * insist; a (point, rep) already done in OUT is skipped, not duplicated. */
#include <stdio.h>
#include <string.h>

#include <glib/gstdio.h>
#include <sqlite3.h>

#include "../analysis/query.h"
#include "cli.h"
#include "scenario.h"
#include "store.h"

struct merge_count {
    int copied;
    int skipped;
};

static bool sql_fail(sqlite3 *db, const char *path, GError **error)
{
    g_set_error(error, IOVSIM_ERROR, IOVSIM_ERROR_IO, "'%s': cannot merge: %s", path,
                sqlite3_errmsg(db));
    return false;
}

static sqlite3_stmt *prepare(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *s = NULL;

    if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK)
        g_error("merge: cannot prepare '%s': %s", sql, sqlite3_errmsg(db));
    return s;
}

static bool exec(sqlite3 *db, const char *sql)
{
    return sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK;
}

/* Every (scenario, version) of the input must be what OUT accepts. */
static bool check_input(struct store *out, const char *path, bool force, GError **error)
{
    sqlite3 *db = store_db(out);
    sqlite3_stmt *s = prepare(db, "SELECT DISTINCT scenario_hash, version FROM src.runs");
    int pairs = 0;
    bool ok = true;

    while (ok && sqlite3_step(s) == SQLITE_ROW) {
        pairs++;
        ok = store_check_scenario(out, (const char *)sqlite3_column_text(s, 0),
                                  (const char *)sqlite3_column_text(s, 1), force, error);
    }
    sqlite3_finalize(s);
    if (ok && pairs > 1 && !force) {
        g_set_error(error, IOVSIM_ERROR, IOVSIM_ERROR_INPUT,
                    "'%s': holds runs of several scenarios or iovsim versions; use --force to "
                    "merge them",
                    path);
        return false;
    }
    if (!ok)
        g_prefix_error(error, "merging '%s': ", path);
    return ok;
}

/* The run's children, under its new id. An input of schema 3 or 4 has its
 * counts in one run from the first bucket, one of schema 2 spells each
 * bucket out, [lo, hi, count], and one of schema 1 has a hist row per
 * bucket (its picosecond bounds are those integers): all become the first
 * bucket and counts of ours (store_hist.h). */
#define V1_BINS_SQL                                                           \
    "'[' || group_concat('[' || CAST(round(lo * 1e12) AS INTEGER) || ',' || " \
    "CAST(round(hi * 1e12) AS INTEGER) || ',' || count || ']', ',') || ']'"

static bool copy_children(sqlite3 *db, int version, sqlite3_int64 from, sqlite3_int64 to)
{
    static const char *const sql[] = {
        "INSERT INTO main.params (run_id, key, value, num) SELECT ?2, key, value, num FROM "
        "src.params WHERE run_id = ?1",
        "INSERT INTO main.metrics (run_id, scope, name, value, unit) SELECT ?2, scope, name, "
        "value, unit FROM src.metrics WHERE run_id = ?1",
        "INSERT INTO main.hists (run_id, scope, name, unit, scale, first, counts) SELECT ?2, "
        "scope, name, unit, scale, first, counts FROM src.hists WHERE run_id = ?1",
    };
    static const char *const sql_v4[] = {
        sql[0],
        sql[1],
        "INSERT INTO main.hists (run_id, scope, name, unit, scale, first, counts) SELECT ?2, "
        "scope, name, unit, scale, first, iovsim_hist_runs(counts) FROM src.hists WHERE "
        "run_id = ?1",
    };
    static const char *const sql_v2[] = {
        sql[0],
        sql[1],
        "INSERT INTO main.hists (run_id, scope, name, unit, scale, first, counts) SELECT ?2, "
        "scope, name, unit, scale, iovsim_hist_first(bins), iovsim_hist_counts(bins) FROM "
        "src.hists WHERE run_id = ?1",
    };
    static const char *const sql_v1[] = {
        "INSERT INTO main.params (run_id, key, value) SELECT ?2, key, value FROM src.params "
        "WHERE run_id = ?1",
        sql[1],
        "INSERT INTO main.hists (run_id, scope, name, unit, scale, first, counts) SELECT ?2, "
        "scope, name, unit, 1e-12, iovsim_hist_first(bins), iovsim_hist_counts(bins) FROM "
        "(SELECT scope, name, unit, " V1_BINS_SQL " AS bins FROM (SELECT * FROM src.hist WHERE "
        "run_id = ?1 ORDER BY scope, name, lo) GROUP BY scope, name, unit)",
    };
    const char *const *stmts = version == 1   ? sql_v1
                               : version == 2 ? sql_v2
                               : version < 5  ? sql_v4
                                              : sql;
    /* Schema 4 added the series; older inputs have none. */
    static const char series_sql[] =
        "INSERT INTO main.series (run_id, scope, name, unit, t0, dt, samples) SELECT ?2, scope, "
        "name, unit, t0, dt, samples FROM src.series WHERE run_id = ?1";

    for (size_t i = 0; i < G_N_ELEMENTS(sql); i++) {
        sqlite3_stmt *s = prepare(db, stmts[i]);
        int rc;

        sqlite3_bind_int64(s, 1, from);
        sqlite3_bind_int64(s, 2, to);
        rc = sqlite3_step(s);
        sqlite3_finalize(s);
        if (rc != SQLITE_DONE)
            return false;
    }
    if (version < 4)
        return true;
    sqlite3_stmt *s = prepare(db, series_sql);
    sqlite3_bind_int64(s, 1, from);
    sqlite3_bind_int64(s, 2, to);
    int rc = sqlite3_step(s);
    sqlite3_finalize(s);
    return rc == SQLITE_DONE;
}

/*
 * A done run replaces a failed one in OUT and is skipped if OUT has it done;
 * a failed run is copied only where OUT has nothing for its (point, rep).
 */
static bool copy_runs(sqlite3 *db, int version, struct merge_count *n)
{
    bool old_input = version == 1;
    sqlite3_stmt *runs = prepare(db, "SELECT run_id, status, scenario_hash, point, rep, "
                                     "scenario, seed FROM src.runs ORDER BY run_id");
    /* The same replication is the same (hash, point, rep), or the same
     * (scenario, point, rep, seed) under another hash (mixed with --force):
     * either way a second copy would count twice in the summary view. */
    sqlite3_stmt *have = prepare(db, "SELECT max(status = 'done'), count(*) FROM main.runs "
                                     "WHERE point = ?2 AND rep = ?3 AND (scenario_hash = ?1 "
                                     "OR (scenario = ?4 AND seed = ?5))");
    sqlite3_stmt *del = prepare(db, "DELETE FROM main.runs WHERE point = ?2 AND rep = ?3 AND "
                                    "(scenario_hash = ?1 OR (scenario = ?4 AND seed = ?5)) "
                                    "AND status = 'failed'");
    sqlite3_stmt *ins = prepare(
        db, old_input ? "INSERT INTO main.runs (scenario, point, rep, seed, status, sim_seconds, "
                        "wall_seconds, events, version, started_at, scenario_hash) SELECT "
                        "scenario, point, rep, seed, status, sim_seconds, wall_seconds, events, "
                        "version, started_at, scenario_hash FROM src.runs WHERE run_id = ?1"
                      : "INSERT INTO main.runs (scenario, point, rep, seed, status, sim_seconds, "
                        "wall_seconds, events, version, started_at, scenario_hash, host, "
                        "git_commit) SELECT scenario, point, rep, seed, status, sim_seconds, "
                        "wall_seconds, events, version, started_at, scenario_hash, host, "
                        "git_commit FROM src.runs WHERE run_id = ?1");
    bool ok = true;

    while (ok && sqlite3_step(runs) == SQLITE_ROW) {
        sqlite3_int64 id = sqlite3_column_int64(runs, 0);
        bool done = strcmp((const char *)sqlite3_column_text(runs, 1), "done") == 0;

        for (int c = 1; c <= 5; c++)
            sqlite3_bind_value(have, c, sqlite3_column_value(runs, c + 1));
        ok = sqlite3_step(have) == SQLITE_ROW;
        bool out_done = sqlite3_column_int(have, 0) == 1;
        bool out_any = sqlite3_column_int(have, 1) > 0;
        sqlite3_reset(have);
        if (!ok)
            break;
        if (out_done || (!done && out_any)) {
            n->skipped++;
            continue;
        }
        if (done) {
            for (int c = 1; c <= 5; c++)
                sqlite3_bind_value(del, c, sqlite3_column_value(runs, c + 1));
            ok = sqlite3_step(del) == SQLITE_DONE;
            sqlite3_reset(del);
        }
        sqlite3_bind_int64(ins, 1, id);
        ok = ok && sqlite3_step(ins) == SQLITE_DONE;
        sqlite3_reset(ins);
        ok = ok && copy_children(db, version, id, sqlite3_last_insert_rowid(db));
        n->copied += ok;
    }
    sqlite3_finalize(runs);
    sqlite3_finalize(have);
    sqlite3_finalize(del);
    sqlite3_finalize(ins);
    return ok;
}

static int schema_version(sqlite3 *db)
{
    sqlite3_stmt *s = prepare(db, "PRAGMA src.user_version");
    int v = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int(s, 0) : -1;

    sqlite3_finalize(s);
    return v;
}

static bool merge_one(struct store *out, const char *path, bool force, struct merge_count *n,
                      GError **error)
{
    sqlite3 *db = store_db(out);
    struct store *in = query_open(path, error);
    sqlite3_stmt *s;
    bool ok;

    /* Opening it as a store checks that it is ours and of our schema. */
    if (!in)
        return false;
    store_close(in);
    s = prepare(db, "ATTACH DATABASE ?1 AS src");
    sqlite3_bind_text(s, 1, path, -1, SQLITE_STATIC);
    ok = sqlite3_step(s) == SQLITE_DONE;
    sqlite3_finalize(s);
    if (!ok)
        return sql_fail(db, path, error);
    ok = check_input(out, path, force, error);
    if (ok) {
        ok = exec(db, "BEGIN IMMEDIATE") && copy_runs(db, schema_version(db), n) &&
             exec(db, "INSERT OR IGNORE INTO main.meta (key, value) SELECT key, value FROM "
                      "src.meta WHERE key GLOB 'plan_*' OR key GLOB '" STORE_META_ORDER "*'") &&
             exec(db, "COMMIT");
        if (!ok) {
            sql_fail(db, path, error);
            exec(db, "ROLLBACK");
        }
    }
    exec(db, "DETACH DATABASE src");
    return ok;
}

/* Before OUT is created or touched: every input is an iovsim database, and
 * (unless @force) all of them hold runs of one scenario and version. */
static bool check_inputs(char **paths, int n, bool force, GError **error)
{
    g_autofree char *first = NULL;

    for (int i = 0; i < n; i++) {
        struct store *in = query_open(paths[i], error);
        sqlite3_stmt *s;

        if (!in)
            return false;
        s = prepare(store_db(in), "SELECT DISTINCT scenario_hash || ' ' || version FROM runs");
        while (sqlite3_step(s) == SQLITE_ROW) {
            const char *pair = (const char *)sqlite3_column_text(s, 0);

            if (!first)
                first = g_strdup(pair);
            else if (!force && strcmp(first, pair) != 0) {
                g_set_error(error, IOVSIM_ERROR, IOVSIM_ERROR_INPUT,
                            "'%s': holds runs of another scenario or iovsim version than '%s'; "
                            "use --force to merge them",
                            paths[i], paths[0]);
                sqlite3_finalize(s);
                store_close(in);
                return false;
            }
        }
        sqlite3_finalize(s);
        store_close(in);
    }
    return true;
}

static gint64 meta_int(sqlite3 *db, const char *key)
{
    sqlite3_stmt *s = prepare(db, "SELECT value FROM meta WHERE key = ?1");
    gint64 v = -1;

    sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
    if (sqlite3_step(s) == SQLITE_ROW &&
        !g_ascii_string_to_signed((const char *)sqlite3_column_text(s, 0), 10, 0, G_MAXINT, &v,
                                  NULL))
        v = -1;
    sqlite3_finalize(s);
    return v;
}

/*
 * Parts of a plan (sweep --only/--rep) record the grid and which part they
 * are; the merged file collects those rows. Say which parts have not been
 * merged yet, by the names the plan gives their files. Returns how many
 * (point, rep) runs are missing.
 */
static gint64 report_missing(sqlite3 *db)
{
    gint64 points = meta_int(db, "plan_points"), reps = meta_int(db, "plan_reps");
    sqlite3_stmt *s = prepare(db, "SELECT key FROM meta WHERE key GLOB 'plan_part *'");
    g_autofree bool *have = NULL;
    g_autofree char *name = NULL;
    sqlite3_stmt *q = prepare(db, "SELECT scenario FROM runs LIMIT 1");
    GString *names = g_string_new(NULL);
    gint64 missing = 0, listed = 0;

    /* The plan names its files NAME.pP.rR.db. */
    if (sqlite3_step(q) == SQLITE_ROW)
        name = g_strdup((const char *)sqlite3_column_text(q, 0));
    sqlite3_finalize(q);
    if (points <= 0 || reps <= 0 || points * reps > 100000000) {
        sqlite3_finalize(s);
        g_string_free(names, TRUE);
        return 0;
    }
    have = g_new0(bool, (gsize)(points * reps));
    while (sqlite3_step(s) == SQLITE_ROW) {
        int p, r;

        if (sscanf((const char *)sqlite3_column_text(s, 0), "plan_part %d %d", &p, &r) != 2)
            continue;
        for (gint64 i = 0; i < points; i++)
            for (gint64 k = 0; k < reps; k++)
                if ((p < 0 || p == i) && (r < 0 || r == k))
                    have[i * reps + k] = true;
    }
    sqlite3_finalize(s);
    for (gint64 i = 0; i < points * reps; i++) {
        if (have[i])
            continue;
        if (missing++ < 10)
            g_string_append_printf(names, "%s%s.p%" G_GINT64_FORMAT ".r%" G_GINT64_FORMAT,
                                   listed++ ? ", " : "", name ? name : "", i / reps, i % reps);
    }
    if (missing)
        fprintf(stderr,
                "iovsim merge: %" G_GINT64_FORMAT " of %" G_GINT64_FORMAT
                " planned runs not merged yet: parts %s%s\n",
                missing, points * reps, names->str, missing > 10 ? ", ..." : "");
    g_string_free(names, TRUE);
    return missing;
}

static bool same_file(const char *a, const char *b)
{
    GStatBuf sa, sb;

    return g_stat(a, &sa) == 0 && g_stat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
           sa.st_ino == sb.st_ino;
}

int cli_merge(int argc, char **argv)
{
    gboolean force = FALSE, quiet = FALSE;
    GOptionEntry entries[] = {
        { "force", 'f', 0, G_OPTION_ARG_NONE, &force,
          "merge runs of different scenarios or iovsim versions", NULL },
        { "quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet, "print nothing on success", NULL },
        { NULL },
    };
    g_autoptr(GOptionContext) ctx = g_option_context_new("OUT.db IN.db... - merge databases");
    struct merge_count n = { 0 };
    GError *error = NULL;
    struct store *out;
    gint64 missing;

    g_option_context_add_main_entries(ctx, entries, NULL);
    if (!cli_parse(ctx, &argc, &argv, &error))
        return cli_fail(error);
    if (argc < 3) {
        fprintf(stderr, "iovsim merge: expected OUT.db and at least one IN.db\n");
        return 2;
    }
    for (int i = 2; i < argc; i++) {
        if (strcmp(argv[i], argv[1]) == 0 || same_file(argv[i], argv[1])) {
            fprintf(stderr, "iovsim merge: '%s' is both output and input\n", argv[i]);
            return 2;
        }
    }
    if (!check_inputs(argv + 2, argc - 2, force, &error))
        return cli_fail(error);
    out = store_open(argv[1], &error);
    if (!out)
        return cli_fail(error);
    for (int i = 2; i < argc; i++) {
        if (!merge_one(out, argv[i], force, &n, &error)) {
            store_close(out);
            return cli_fail(error);
        }
    }
    missing = report_missing(store_db(out));
    store_close(out);
    if (!quiet)
        printf("merged %d run%s from %d database%s into %s (%d already there, skipped)\n", n.copied,
               n.copied == 1 ? "" : "s", argc - 2, argc == 3 ? "" : "s", argv[1], n.skipped);
    /* Incomplete: merged, but a script should not go on as if it were all. */
    return missing ? 1 : 0;
}
