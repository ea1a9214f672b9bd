/* Tests for the SQLite results store: schema and open-time checks, bad paths
 * (and that they leave no file), round trips, rollback, the summary view
 * against hand-computed statistics, and databases surviving writers killed
 * with SIGKILL mid-transaction or racing each other. */
#include <errno.h>
#include <grp.h>
#include <math.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gstdio.h>
#include <sqlite3.h>

#include "../analysis/query.h"
#include "report.h"
#include "scenario.h"
#include "store.h"
#include "store_claims.h"
#include "store_hist.h"
#include "testlib.h"

#define HASH_A "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define HASH_B "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"

struct fixture {
    char *dir;  /* fresh temporary directory */
    char *path; /* dir/results.db, not created */
};

static void fixture_setup(struct fixture *fx, gconstpointer data)
{
    GError *error = NULL;

    (void)data;
    fx->dir = g_dir_make_tmp("iovsim-store-XXXXXX", &error);
    g_assert_no_error(error);
    fx->path = g_build_filename(fx->dir, "results.db", NULL);
}

/* Remove @dir and everything in it (tests make at most one level of
 * subdirectories). */
static void remove_tree(const char *dir)
{
    GDir *d = g_dir_open(dir, 0, NULL);
    const char *name;

    if (!d) {
        g_unlink(dir);
        return;
    }
    while ((name = g_dir_read_name(d))) {
        g_autofree char *p = g_build_filename(dir, name, NULL);

        g_chmod(p, 0700);
        if (g_file_test(p, G_FILE_TEST_IS_DIR))
            remove_tree(p);
        else
            g_unlink(p);
    }
    g_dir_close(d);
    g_rmdir(dir);
}

static void fixture_teardown(struct fixture *fx, gconstpointer data)
{
    (void)data;
    remove_tree(fx->dir);
    g_free(fx->dir);
    g_free(fx->path);
}

static gint64 query_int(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *s = NULL;
    gint64 v;

    g_assert_cmpint(sqlite3_prepare_v2(db, sql, -1, &s, NULL), ==, SQLITE_OK);
    g_assert_cmpint(sqlite3_step(s), ==, SQLITE_ROW);
    v = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    return v;
}

static char *query_text(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *s = NULL;
    char *v;

    g_assert_cmpint(sqlite3_prepare_v2(db, sql, -1, &s, NULL), ==, SQLITE_OK);
    g_assert_cmpint(sqlite3_step(s), ==, SQLITE_ROW);
    v = g_strdup((const char *)sqlite3_column_text(s, 0));
    sqlite3_finalize(s);
    return v;
}

/* Does the query plan of @sql mention @detail (e.g. an index)? */
static bool plan_uses(sqlite3 *db, const char *sql, const char *detail)
{
    g_autofree char *explain = g_strconcat("EXPLAIN QUERY PLAN ", sql, NULL);
    sqlite3_stmt *s = NULL;
    bool found = false;

    g_assert_cmpint(sqlite3_prepare_v2(db, explain, -1, &s, NULL), ==, SQLITE_OK);
    while (sqlite3_step(s) == SQLITE_ROW)
        found = found || strstr((const char *)sqlite3_column_text(s, 3), detail);
    sqlite3_finalize(s);
    if (!found)
        g_test_message("plan of '%s' does not use '%s'", sql, detail);
    return found;
}

static void raw_exec(const char *path, const char *sql)
{
    sqlite3 *db = NULL;

    g_assert_cmpint(sqlite3_open(path, &db), ==, SQLITE_OK);
    g_assert_cmpint(sqlite3_exec(db, sql, NULL, NULL, NULL), ==, SQLITE_OK);
    sqlite3_close(db);
}

static struct store *open_ok(const char *path)
{
    GError *error = NULL;
    struct store *st = store_open(path, &error);

    g_assert_no_error(error);
    g_assert_nonnull(st);
    return st;
}

static struct store_run make_run(const char *point, int rep, const char *status)
{
    struct store_run run = {
        .scenario = "mm1",
        .point = point,
        .rep = rep,
        .seed = 42 + (uint64_t)rep,
        .status = status,
        .sim_seconds = 10.0,
        .wall_seconds = 0.25,
        .events = 123456,
        .started_at = "2025-01-31T12:00:00Z",
        .scenario_hash = HASH_A,
    };
    return run;
}

static GPtrArray *make_params(int n)
{
    GPtrArray *a = g_ptr_array_new();

    for (int i = 0; i < n; i++) {
        struct scenario_kv *kv = g_new(struct scenario_kv, 1);

        kv->key = g_strdup_printf("section.key%03d", i);
        kv->value = g_strdup_printf("%d us", i);
        g_ptr_array_add(a, kv);
    }
    return a;
}

static void free_params(GPtrArray *a)
{
    for (guint i = 0; i < a->len; i++) {
        struct scenario_kv *kv = g_ptr_array_index(a, i);

        g_free(kv->key);
        g_free(kv->value);
        g_free(kv);
    }
    g_ptr_array_unref(a);
}

/* A histogram with stats.h's first @n_bins buckets, in us ([i us, (i+1) us)
 * below 256), count i+1. */
static void add_hist(struct report *r, const char *scope, const char *name, size_t n_bins)
{
    g_autofree size_t *buckets = g_new(size_t, MAX(n_bins, 1));
    g_autofree uint64_t *counts = g_new(uint64_t, MAX(n_bins, 1));

    for (size_t i = 0; i < n_bins; i++) {
        buckets[i] = i;
        counts[i] = i + 1;
    }
    test_add_hist_bins(r, scope, name, 1e-6, buckets, counts, n_bins);
}

/* @n_metrics metrics "m0".."mN" in scope "all" (value i + @base, unit "s")
 * and one histogram of @n_bins buckets. */
static struct report *make_report(int n_metrics, double base, size_t n_bins)
{
    struct report *r = report_new();

    for (int i = 0; i < n_metrics; i++) {
        char name[32];

        g_snprintf(name, sizeof(name), "m%d", i);
        report_metric(r, "all", name, base + i, "s");
    }
    if (n_bins)
        add_hist(r, "all", "latency", n_bins);
    return r;
}

static void write_ok(struct store *st, const struct store_run *run, GPtrArray *params,
                     const struct report *report)
{
    GError *error = NULL;
    int64_t id = -1;

    g_assert_true(store_write_run(st, run, params, report, &id, &error));
    g_assert_no_error(error);
    g_assert_cmpint(id, >, 0);
}

static gint64 count_rows(struct store *st)
{
    return query_int(store_db(st), "SELECT (SELECT count(*) FROM runs) + "
                                   "(SELECT count(*) FROM params) + "
                                   "(SELECT count(*) FROM metrics) + "
                                   "(SELECT count(*) FROM hist)");
}

/* ---- schema ---- */

static void test_schema_created(struct fixture *fx, gconstpointer data)
{
    struct store *st = open_ok(fx->path);
    sqlite3 *db = store_db(st);
    static const char *const objects[] = {
        "table meta", "table runs",   "table params", "table metrics", "table hists",
        "view hist",  "table claims", "table tdist",  "view summary",  "index runs_point",
    };
    /* Lookups the analysis relies on must not scan. */
    static const char *const by_run[][2] = {
        { "SELECT * FROM params WHERE run_id = 1", "USING PRIMARY KEY (run_id=?)" },
        { "SELECT * FROM metrics WHERE run_id = 1", "USING PRIMARY KEY (run_id=?)" },
        { "SELECT * FROM hists WHERE run_id = 1", "USING PRIMARY KEY (run_id=?)" },
        { "SELECT * FROM runs WHERE point = 'p' AND rep = 1", "USING INDEX runs_point" },
        { "SELECT value FROM metrics WHERE run_id = 1 AND scope = 'all' AND name = 'x'",
          "USING PRIMARY KEY (run_id=? AND scope=? AND name=?)" },
    };
    g_autofree char *version = NULL, *app = NULL, *mode = NULL;

    (void)data;
    g_assert_true(g_file_test(fx->path, G_FILE_TEST_IS_REGULAR));
    for (size_t i = 0; i < G_N_ELEMENTS(objects); i++) {
        g_auto(GStrv) parts = g_strsplit(objects[i], " ", 2);
        g_autofree char *sql =
            g_strdup_printf("SELECT count(*) FROM sqlite_master WHERE type = '%s' AND name = '%s'",
                            parts[0], parts[1]);

        g_assert_cmpint(query_int(db, sql), ==, 1);
    }
    version = query_text(db, "SELECT value FROM meta WHERE key = 'schema_version'");
    g_assert_cmpstr(version, ==, G_STRINGIFY(STORE_SCHEMA_VERSION));
    app = query_text(db, "SELECT value FROM meta WHERE key = 'application'");
    g_assert_cmpstr(app, ==, "iovsim");
    g_assert_cmpint(query_int(db, "PRAGMA application_id"), ==, 0x494f5653);
    g_assert_cmpint(query_int(db, "PRAGMA user_version"), ==, STORE_SCHEMA_VERSION);
    mode = query_text(db, "PRAGMA journal_mode");
    g_assert_cmpstr(mode, ==, "wal");
    /* synchronous NORMAL = 1, foreign keys on (the busy handler: write/waits). */
    g_assert_cmpint(query_int(db, "PRAGMA synchronous"), ==, 1);
    g_assert_cmpint(query_int(db, "PRAGMA foreign_keys"), ==, 1);
    /* A short run's histogram row fits in a page (store.c). */
    g_assert_cmpint(query_int(db, "PRAGMA page_size"), ==, 16384);
    g_assert_cmpint(query_int(db, "SELECT count(*) FROM tdist"), ==, 1000);
    g_assert_cmpint(query_int(db, "SELECT count(*) FROM runs"), ==, 0);
    g_assert_cmpstr(store_path(st), ==, fx->path);
    for (size_t i = 0; i < G_N_ELEMENTS(by_run); i++)
        g_assert_true(plan_uses(db, by_run[i][0], by_run[i][1]));
    store_close(st);
}

static void test_schema_tdist(struct fixture *fx, gconstpointer data)
{
    /* Reference values from printed tables of Student's t. */
    static const struct {
        int dof;
        double t;
    } ref[] = { { 1, 12.706205 }, { 4, 2.776445 }, { 10, 2.228139 }, { 1000, 1.962339 } };
    struct store *st = open_ok(fx->path);
    sqlite3_stmt *s = NULL;

    (void)data;
    g_assert_cmpint(
        sqlite3_prepare_v2(store_db(st), "SELECT t975 FROM tdist WHERE dof = ?1", -1, &s, NULL), ==,
        SQLITE_OK);
    for (size_t i = 0; i < G_N_ELEMENTS(ref); i++) {
        sqlite3_bind_int(s, 1, ref[i].dof);
        g_assert_cmpint(sqlite3_step(s), ==, SQLITE_ROW);
        g_assert_cmpfloat_with_epsilon(sqlite3_column_double(s, 0), ref[i].t, 1e-6);
        sqlite3_reset(s);
    }
    sqlite3_finalize(s);
    store_close(st);
}

static void test_schema_sqrt(struct fixture *fx, gconstpointer data)
{
    struct store *st = open_ok(fx->path);
    sqlite3_stmt *s = NULL;

    (void)data;
    g_assert_cmpint(sqlite3_prepare_v2(store_db(st), "SELECT sqrt(2.25), sqrt(NULL)", -1, &s, NULL),
                    ==, SQLITE_OK);
    g_assert_cmpint(sqlite3_step(s), ==, SQLITE_ROW);
    g_assert_cmpfloat(sqlite3_column_double(s, 0), ==, 1.5);
    g_assert_cmpint(sqlite3_column_type(s, 1), ==, SQLITE_NULL);
    sqlite3_finalize(s);
    store_close(st);
}

static void test_schema_reopen(struct fixture *fx, gconstpointer data)
{
    struct store_run run = make_run("p1", 0, "done");
    struct report *r = make_report(3, 1.0, 4);
    struct store *st = open_ok(fx->path);
    g_autofree char *wal = g_strconcat(fx->path, "-wal", NULL);

    (void)data;
    write_ok(st, &run, NULL, r);
    g_assert_true(g_file_test(wal, G_FILE_TEST_EXISTS));
    store_close(st);
    /* The last close checkpoints the WAL into the main file. */
    g_assert_false(g_file_test(wal, G_FILE_TEST_EXISTS));

    st = open_ok(fx->path);
    g_assert_true(store_has_done(st, "p1", 0));
    g_assert_cmpint(query_int(store_db(st), "SELECT count(*) FROM metrics"), ==, 3);
    g_assert_cmpint(query_int(store_db(st), "SELECT count(*) FROM tdist"), ==, 1000);
    run.rep = 1;
    write_ok(st, &run, NULL, r);
    g_assert_cmpint(query_int(store_db(st), "SELECT count(*) FROM runs"), ==, 2);
    store_close(st);
    report_free(r);
    store_close(NULL);
}

static void test_schema_empty_file(struct fixture *fx, gconstpointer data)
{
    struct store *st;

    (void)data;
    g_assert_true(g_file_set_contents(fx->path, "", 0, NULL));
    st = open_ok(fx->path);
    g_assert_cmpint(query_int(store_db(st), "PRAGMA application_id"), ==, STORE_APPLICATION_ID);
    g_assert_cmpint(query_int(store_db(st), "SELECT count(*) FROM tdist"), ==, 1000);
    store_close(st);
}

/* ---- open errors ---- */

/* store_open(@path) must fail with @code and exactly @message. */
static void expect_open_error(const char *path, int code, const char *message)
{
    GError *error = NULL;
    struct store *st = store_open(path, &error);

    g_assert_null(st);
    g_assert_error(error, IOVSIM_ERROR, code);
    g_assert_cmpstr(error->message, ==, message);
    g_assert_null(strchr(error->message, '\n'));
    g_error_free(error);
}

static void test_open_missing_dir(struct fixture *fx, gconstpointer data)
{
    g_autofree char *sub = g_build_filename(fx->dir, "nodir", NULL);
    g_autofree char *path = g_build_filename(sub, "x.db", NULL);
    g_autofree char *msg =
        g_strdup_printf("'%s': cannot open database: directory '%s' does not exist", path, sub);

    (void)data;
    expect_open_error(path, IOVSIM_ERROR_INPUT, msg);
    g_assert_false(g_file_test(sub, G_FILE_TEST_EXISTS));
}

static void test_open_directory(struct fixture *fx, gconstpointer data)
{
    g_autofree char *msg =
        g_strdup_printf("'%s': cannot open database: %s", fx->dir, g_strerror(EISDIR));
    g_autofree char *wal = g_strconcat(fx->dir, "-wal", NULL);
    g_autofree char *journal = g_strconcat(fx->dir, "-journal", NULL);
    GDir *d;

    (void)data;
    expect_open_error(fx->dir, IOVSIM_ERROR_INPUT, msg);
    g_assert_false(g_file_test(wal, G_FILE_TEST_EXISTS));
    g_assert_false(g_file_test(journal, G_FILE_TEST_EXISTS));
    d = g_dir_open(fx->dir, 0, NULL);
    g_assert_nonnull(d);
    g_assert_null(g_dir_read_name(d));
    g_dir_close(d);
}

static void test_open_parent_is_file(struct fixture *fx, gconstpointer data)
{
    g_autofree char *file = g_build_filename(fx->dir, "plain", NULL);
    g_autofree char *path = g_build_filename(file, "x.db", NULL);
    g_autofree char *msg = NULL;

    (void)data;
    g_assert_true(g_file_set_contents(file, "text\n", -1, NULL));
    msg = g_strdup_printf("'%s': cannot open database: '%s' is not a directory", path, file);
    expect_open_error(path, IOVSIM_ERROR_INPUT, msg);
}

/* Give @dir to the user nobody and become nobody, for good. */
static void become_nobody(const char *dir)
{
    const struct passwd *pw = getpwnam("nobody");

    g_assert_nonnull(pw);
    g_assert_cmpint(chown(dir, pw->pw_uid, pw->pw_gid), ==, 0);
    g_assert_cmpint(setgroups(0, NULL), ==, 0);
    g_assert_cmpint(setgid(pw->pw_gid), ==, 0);
    g_assert_cmpint(setuid(pw->pw_uid), ==, 0);
    g_assert_cmpint(geteuid(), !=, 0);
}

static void test_open_read_only(struct fixture *fx, gconstpointer data)
{
    g_autofree char *sub = g_build_filename(fx->dir, "ro", NULL);
    g_autofree char *path = g_build_filename(sub, "x.db", NULL);
    g_autofree char *msg = NULL;

    (void)data;
    /* Root can write read-only files, and CI runs as root: run the checks
     * in a subprocess as nobody then. */
    if (geteuid() == 0 && !g_test_subprocess()) {
        g_test_trap_subprocess(NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
        g_test_trap_assert_passed();
        return;
    }
    if (geteuid() == 0)
        become_nobody(fx->dir);
    store_close(open_ok(fx->path));
    g_assert_cmpint(g_chmod(fx->path, 0444), ==, 0);
    msg = g_strdup_printf("'%s': cannot open database: %s", fx->path, g_strerror(EACCES));
    expect_open_error(fx->path, IOVSIM_ERROR_INPUT, msg);

    g_assert_cmpint(g_mkdir(sub, 0555), ==, 0);
    g_free(msg);
    msg = g_strdup_printf("'%s': cannot open database: directory '%s': %s", path, sub,
                          g_strerror(EACCES));
    expect_open_error(path, IOVSIM_ERROR_INPUT, msg);
    g_assert_false(g_file_test(path, G_FILE_TEST_EXISTS));
}

static guint count_entries(const char *dir)
{
    GDir *d = g_dir_open(dir, 0, NULL);
    guint n = 0;

    g_assert_nonnull(d);
    while (g_dir_read_name(d))
        n++;
    g_dir_close(d);
    return n;
}

/* Run the calling test again in a child, where it may break the process
 * (limits, a VFS); true in that child, false in the parent once it passed. */
static bool in_subprocess(void)
{
    if (g_test_subprocess())
        return true;
    g_test_trap_subprocess(NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
    g_test_trap_assert_passed();
    return false;
}

/* A creation that fails half-way (here a file size limit; a full disk in
 * life) leaves no file at all: no 0-byte database, no temporary. */
static void test_open_create_fails(struct fixture *fx, gconstpointer data)
{
    struct rlimit lim = { .rlim_cur = 2048, .rlim_max = 2048 };
    GError *error = NULL;

    (void)data;
    if (!in_subprocess())
        return;
    signal(SIGXFSZ, SIG_IGN);
    g_assert_cmpint(setrlimit(RLIMIT_FSIZE, &lim), ==, 0);
    g_assert_null(store_open(fx->path, &error));
    g_assert_error(error, IOVSIM_ERROR, IOVSIM_ERROR_IO);
    g_error_free(error);
    g_assert_cmpuint(count_entries(fx->dir), ==, 0);
}

/* A disk that fills up, as a VFS over the default one: with full_from_page
 * set, writes to a main database file past its first page fail (the disk
 * fills just when a new file's pages are copied out of its -wal); with
 * full_all, every write to a database or its -wal fails. */
static sqlite3_vfs full_vfs;
static const sqlite3_vfs *base_vfs;
static bool full_from_page, full_all;

/* What follows the base VFS's own file structure. */
struct full_file {
    const sqlite3_io_methods *base; /* the file's own methods */
    bool main_db;
};

/* Each base method table with xWrite replaced (a database and its -wal may
 * use different ones). */
static struct {
    const sqlite3_io_methods *base;
    sqlite3_io_methods full;
} full_tables[4];

static struct full_file *full_file(sqlite3_file *f)
{
    return (struct full_file *)((char *)f + base_vfs->szOsFile);
}

static int full_write(sqlite3_file *f, const void *buf, int n, sqlite3_int64 offset)
{
    const struct full_file *ff = full_file(f);

    if (full_all || (full_from_page && ff->main_db && offset > 0))
        return SQLITE_FULL;
    return ff->base->xWrite(f, buf, n, offset);
}

static int full_open(sqlite3_vfs *vfs, sqlite3_filename name, sqlite3_file *f, int flags,
                     int *out_flags)
{
    int rc = base_vfs->xOpen((sqlite3_vfs *)base_vfs, name, f, flags, out_flags);
    size_t i = 0;

    (void)vfs;
    if (rc != SQLITE_OK || !(flags & (SQLITE_OPEN_MAIN_DB | SQLITE_OPEN_WAL)) || !f->pMethods)
        return rc;
    while (full_tables[i].base && full_tables[i].base != f->pMethods)
        i++;
    g_assert_cmpuint(i, <, G_N_ELEMENTS(full_tables) - 1);
    if (!full_tables[i].base) {
        full_tables[i].base = f->pMethods;
        full_tables[i].full = *f->pMethods;
        full_tables[i].full.xWrite = full_write;
    }
    *full_file(f) = (struct full_file){ f->pMethods, (flags & SQLITE_OPEN_MAIN_DB) != 0 };
    f->pMethods = &full_tables[i].full;
    return rc;
}

static void use_full_vfs(void)
{
    base_vfs = sqlite3_vfs_find(NULL);
    full_vfs = *base_vfs;
    full_vfs.zName = "full";
    full_vfs.szOsFile = base_vfs->szOsFile + (int)sizeof(struct full_file);
    full_vfs.xOpen = full_open;
    g_assert_cmpint(sqlite3_vfs_register(&full_vfs, 1), ==, SQLITE_OK);
}

/* The checkpoint that copies a new file's schema out of its -wal fails
 * (a full disk): the open fails as an I/O error and leaves nothing. It
 * used to fail silently in sqlite3_close(), and the half-made file was
 * linked into place while its -wal, which held the rest, was removed. */
static void test_open_checkpoint_fails(struct fixture *fx, gconstpointer data)
{
    GError *error = NULL;

    (void)data;
    if (!in_subprocess())
        return;
    use_full_vfs();
    full_from_page = true;
    g_assert_null(store_open(fx->path, &error));
    g_assert_error(error, IOVSIM_ERROR, IOVSIM_ERROR_IO);
    g_test_message("%s", error->message);
    g_error_free(error);
    g_assert_cmpuint(count_entries(fx->dir), ==, 0);
}

/* The disk fills after some runs are in: the write that fails says so, and
 * closing says nothing more (it printed a second, g_warning-decorated line
 * for the points view, which failed on the same full disk). */
static void test_close_after_full(struct fixture *fx, gconstpointer data)
{
    struct store_run one = make_run("p=1", 0, "done"), two = make_run("p=2", 0, "done");
    struct report *r = NULL;
    struct store *st;
    GError *error = NULL;

    (void)data;
    if (!g_test_subprocess()) {
        g_test_trap_subprocess(NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
        g_test_trap_assert_passed();
        g_test_trap_assert_stderr("");
        return;
    }
    use_full_vfs();
    r = make_report(50, 0.0, 10);
    st = open_ok(fx->path);
    write_ok(st, &one, NULL, r);
    full_all = true;
    g_assert_false(store_write_run(st, &two, NULL, r, NULL, &error));
    g_assert_error(error, IOVSIM_ERROR, IOVSIM_ERROR_IO);
    g_error_free(error);
    store_close(st);
    report_free(r);
}

/* A foreign file must come out of a refused open byte for byte the same,
 * with no -wal or -shm next to it. */
static void expect_not_ours(const char *path)
{
    g_autofree char *before = NULL, *after = NULL;
    g_autofree char *msg = g_strdup_printf("'%s': not an iovsim database", path);
    g_autofree char *wal = g_strconcat(path, "-wal", NULL);
    g_autofree char *shm = g_strconcat(path, "-shm", NULL);
    gsize n_before, n_after;

    g_assert_true(g_file_get_contents(path, &before, &n_before, NULL));
    expect_open_error(path, IOVSIM_ERROR_INPUT, msg);
    g_assert_true(g_file_get_contents(path, &after, &n_after, NULL));
    g_assert_cmpmem(before, n_before, after, n_after);
    g_assert_false(g_file_test(wal, G_FILE_TEST_EXISTS));
    g_assert_false(g_file_test(shm, G_FILE_TEST_EXISTS));
}

static void test_open_text_file(struct fixture *fx, gconstpointer data)
{
    (void)data;
    g_assert_true(g_file_set_contents(fx->path, "scenario,point,rep\nmm1,,0\n", -1, NULL));
    expect_not_ours(fx->path);
}

static void test_open_garbage(struct fixture *fx, gconstpointer data)
{
    char buf[8192];

    (void)data;
    for (size_t i = 0; i < sizeof(buf); i++)
        buf[i] = (char)g_test_rand_int_range(0, 256);
    g_assert_true(g_file_set_contents(fx->path, buf, sizeof(buf), NULL));
    expect_not_ours(fx->path);
}

static void test_open_foreign_sqlite(struct fixture *fx, gconstpointer data)
{
    (void)data;
    raw_exec(fx->path, "CREATE TABLE runs (x); INSERT INTO runs VALUES (1)");
    expect_not_ours(fx->path);
}

/* Our application_id alone is not enough: meta must say so too. */
static void test_open_app_id_without_meta(struct fixture *fx, gconstpointer data)
{
    (void)data;
    raw_exec(fx->path, "PRAGMA application_id = 1229936211; CREATE TABLE runs (x)");
    expect_not_ours(fx->path);
}

static void test_open_newer_schema(struct fixture *fx, gconstpointer data)
{
    g_autofree char *msg =
        g_strdup_printf("'%s': schema version 7 is newer than this iovsim's %d; upgrade iovsim",
                        fx->path, STORE_SCHEMA_VERSION);

    (void)data;
    store_close(open_ok(fx->path));
    raw_exec(fx->path, "UPDATE meta SET value = '7' WHERE key = 'schema_version'; "
                       "PRAGMA user_version = 7");
    expect_open_error(fx->path, IOVSIM_ERROR_INPUT, msg);

    /* A newer iovsim that bumped only the header is refused as well. */
    raw_exec(fx->path, "UPDATE meta SET value = '1' WHERE key = 'schema_version'");
    expect_open_error(fx->path, IOVSIM_ERROR_INPUT, msg);

    /* Version 0 never existed: someone else's file that borrowed our id. */
    raw_exec(fx->path, "UPDATE meta SET value = '0' WHERE key = 'schema_version'; "
                       "PRAGMA user_version = 0");
    expect_not_ours(fx->path);
}

/* A real database whose pages were overwritten: SQLite's own header is
 * intact, the b-tree behind it is not. */
static void test_open_corrupt(struct fixture *fx, gconstpointer data)
{
    struct store_run run = make_run("", 0, "done");
    struct report *r = make_report(50, 0.0, 10);
    struct store *st = open_ok(fx->path);
    g_autofree char *text = NULL;
    GError *error = NULL;
    gsize len;

    (void)data;
    write_ok(st, &run, NULL, r);
    store_close(st);
    report_free(r);
    g_assert_true(g_file_get_contents(fx->path, &text, &len, NULL));
    g_assert_cmpuint(len, >, 4096);
    for (gsize i = 100; i < len; i++)
        text[i] = (char)(0x5a ^ (i * 31));
    g_assert_true(g_file_set_contents(fx->path, text, (gssize)len, NULL));

    st = store_open(fx->path, &error);
    g_assert_null(st);
    g_assert_error(error, IOVSIM_ERROR, IOVSIM_ERROR_IO);
    g_assert_true(g_str_has_prefix(error->message, "'"));
    g_assert_nonnull(strstr(error->message, "': cannot open database: "));
    g_assert_nonnull(strstr(error->message, "malformed"));
    g_error_free(error);
}

/* ---- writing ---- */

static void test_write_roundtrip(struct fixture *fx, gconstpointer data)
{
    struct store *st = open_ok(fx->path);
    sqlite3 *db = store_db(st);
    struct store_run run = make_run("load=0.5", 3, "done");
    GPtrArray *params = make_params(20);
    struct report *r = report_new();
    g_autofree char *seed = NULL, *version = NULL, *started = NULL, *v = NULL;
    GError *error = NULL;
    sqlite3_stmt *s = NULL;
    int64_t id = 0;
    int n = 0;

    (void)data;
    run.seed = G_MAXUINT64 - 1; /* needs all 64 bits */
    report_metric(r, "all", "sojourn_mean", 1.25e-6, "s");
    report_metric(r, "vm3", "throughput", 9.5e9, "bit/s");
    report_metric(r, "all", "empty_mean", NAN, "s");
    add_hist(r, "all", "sojourn", 7);
    add_hist(r, "vm3", "sojourn", 2);
    g_assert_true(store_write_run(st, &run, params, r, &id, &error));
    g_assert_no_error(error);

    seed = query_text(db, "SELECT seed FROM runs");
    g_assert_cmpstr(seed, ==, "18446744073709551614");
    version = query_text(db, "SELECT version FROM runs");
    g_assert_cmpstr(version, ==, IOVSIM_VERSION);
    started = query_text(db, "SELECT started_at FROM runs");
    g_assert_cmpstr(started, ==, "2025-01-31T12:00:00Z");
    g_assert_cmpint(query_int(db, "SELECT run_id FROM runs"), ==, id);
    g_assert_cmpint(query_int(db, "SELECT count(*) FROM runs WHERE scenario = 'mm1' AND "
                                  "point = 'load=0.5' AND rep = 3 AND status = 'done' AND "
                                  "sim_seconds = 10.0 AND wall_seconds = 0.25 AND "
                                  "events = 123456 AND scenario_hash = '" HASH_A "'"),
                    ==, 1);

    g_assert_cmpint(query_int(db, "SELECT count(*) FROM params"), ==, 20);
    v = query_text(db, "SELECT value FROM params WHERE key = 'section.key007'");
    g_assert_cmpstr(v, ==, "7 us");

    g_assert_cmpint(query_int(db, "SELECT count(*) FROM metrics"), ==, 3);
    g_assert_cmpint(sqlite3_prepare_v2(db,
                                       "SELECT value, unit FROM metrics WHERE scope = 'vm3' AND "
                                       "name = 'throughput'",
                                       -1, &s, NULL),
                    ==, SQLITE_OK);
    g_assert_cmpint(sqlite3_step(s), ==, SQLITE_ROW);
    g_assert_cmpfloat(sqlite3_column_double(s, 0), ==, 9.5e9);
    g_assert_cmpstr((const char *)sqlite3_column_text(s, 1), ==, "bit/s");
    sqlite3_finalize(s);
    g_assert_cmpint(query_int(db, "SELECT count(*) FROM metrics WHERE name = 'empty_mean' AND "
                                  "value IS NULL"),
                    ==, 1);

    /* Every bin back, bounds exact (doubles bound as doubles). */
    g_assert_cmpint(sqlite3_prepare_v2(db,
                                       "SELECT lo, hi, count, unit FROM hist WHERE scope = 'all' "
                                       "ORDER BY lo",
                                       -1, &s, NULL),
                    ==, SQLITE_OK);
    while (sqlite3_step(s) == SQLITE_ROW) {
        g_assert_cmpfloat(sqlite3_column_double(s, 0), ==, n * 1e-6);
        g_assert_cmpfloat(sqlite3_column_double(s, 1), ==, (n + 1) * 1e-6);
        g_assert_cmpint(sqlite3_column_int64(s, 2), ==, n + 1);
        g_assert_cmpstr((const char *)sqlite3_column_text(s, 3), ==, "s");
        n++;
    }
    sqlite3_finalize(s);
    g_assert_cmpint(n, ==, 7);
    g_assert_cmpint(query_int(db, "SELECT sum(count) FROM hist WHERE scope = 'vm3'"), ==, 3);

    store_close(st);
    free_params(params);
    report_free(r);
}

/* Buckets from the first to the top one (whose bound saturates at 2^63 - 1)
 * come back from the hist view as the doubles the report holds, and only
 * the non-empty ones; schema 2's bins convert to the same row. */
static void test_write_hist_buckets(struct fixture *fx, gconstpointer data)
{
    static const size_t buckets[] = { 0, 1, 127, 128, 129, 255, 256, 300, 1000, 7294, 7295 };
    struct store *st = open_ok(fx->path);
    sqlite3 *db = store_db(st);
    struct store_run run = make_run("p", 0, "done");
    struct report *r = report_new();
    struct report_hist *h;
    uint64_t bucket_counts[G_N_ELEMENTS(buckets)];
    g_autofree char *counts = NULL, *first = NULL;
    GError *error = NULL;
    sqlite3_stmt *s = NULL;
    size_t n = 0;

    (void)data;
    for (size_t i = 0; i < G_N_ELEMENTS(buckets); i++)
        bucket_counts[i] = 10 * i + 1;
    h = test_add_hist_bins(r, "all", "latency", 1e-12, buckets, bucket_counts,
                           G_N_ELEMENTS(buckets));
    g_assert_true(store_write_run(st, &run, NULL, r, NULL, &error));
    g_assert_no_error(error);
    g_assert_cmpint(
        sqlite3_prepare_v2(db, "SELECT lo, hi, count FROM hist ORDER BY lo", -1, &s, NULL), ==,
        SQLITE_OK);
    for (; sqlite3_step(s) == SQLITE_ROW; n++) {
        g_assert_cmpuint(n, <, h->n_bins);
        g_assert_cmpfloat(sqlite3_column_double(s, 0), ==, h->bins[n].lo);
        g_assert_cmpfloat(sqlite3_column_double(s, 1), ==, h->bins[n].hi);
        g_assert_cmpint(sqlite3_column_int64(s, 2), ==, (int64_t)h->bins[n].count);
    }
    sqlite3_finalize(s);
    g_assert_cmpuint(n, ==, h->n_bins);
    g_assert_cmpint(h->bins[h->n_bins - 1].hi_units, ==, INT64_MAX);
    /* Runs of neighbouring buckets, offsets from the first. */
    counts = query_text(db, "SELECT counts FROM hists");
    g_assert_cmpstr(counts, ==,
                    "[[0,1,11],[127,21,31,41],[255,51,61],[300,71],[1000,81],[7294,91,101]]");
    g_clear_pointer(&counts, g_free);
    /* The same histogram as its row (a sweep worker's): the same row. */
    store_hist_encode(h);
    g_assert_null(h->bins);
    g_assert_cmpint(h->first, ==, 0);
    run.rep = 1;
    g_assert_true(store_write_run(st, &run, NULL, r, NULL, &error));
    g_assert_no_error(error);
    g_assert_cmpint(query_int(db, "SELECT count(DISTINCT counts || first) FROM hists"), ==, 1);
    g_assert_cmpint(query_int(db, "SELECT count(*) FROM hists"), ==, 2);

    /* Schema 2's spelling of buckets 0, 3 and 129 (the second is [3, 4)),
     * and bins that are no bucket of ours: fewer than five empty buckets
     * stay inside a run. */
    counts = query_text(db, "SELECT iovsim_hist_counts('[[0,1,5],[3,4,1],[129,130,2]]')");
    g_assert_cmpstr(counts, ==, "[[0,5,0,0,1],[129,2]]");
    g_clear_pointer(&counts, g_free);
    /* Schema 3's and 4's counts, from the same first bucket. */
    counts = query_text(db, "SELECT iovsim_hist_runs('[5,0,0,0,0,1,0,0,0,0,0,2]') || "
                            "iovsim_hist_runs('[]') || iovsim_hist_runs('[0,0,3]')");
    g_assert_cmpstr(counts, ==, "[[0,5,0,0,0,0,1],[11,2]][][[2,3]]");
    g_assert_cmpint(sqlite3_prepare_v2(db, "SELECT iovsim_hist_runs('[1,-2]')", -1, &s, NULL), ==,
                    SQLITE_OK);
    g_assert_cmpint(sqlite3_step(s), ==, SQLITE_ERROR);
    sqlite3_finalize(s);
    first = query_text(db, "SELECT iovsim_hist_first('[[256,258,1]]')");
    g_assert_cmpstr(first, ==, "256");
    g_assert_cmpint(
        sqlite3_prepare_v2(db, "SELECT iovsim_hist_counts('[[256,257,1]]')", -1, &s, NULL), ==,
        SQLITE_OK);
    g_assert_cmpint(sqlite3_step(s), ==, SQLITE_ERROR);
    sqlite3_finalize(s);
    store_close(st);
    report_free(r);
}

/* A time series reads back from the sample view sample by sample, its
 * times t0 + k dt and its values exactly, an undefined sample as NULL. */
static void test_write_series(struct fixture *fx, gconstpointer data)
{
    static const double values[] = { 9.5e9, 0, NAN, 1.0 / 3.0, 4.25e-7 };
    struct store *st = open_ok(fx->path);
    sqlite3 *db = store_db(st);
    struct store_run run = make_run("p", 0, "done");
    struct report *r = report_new();
    GError *error = NULL;
    sqlite3_stmt *s = NULL;
    size_t n = 0;

    (void)data;
    report_series(r, "all", "goodput", "bit/s", 0.002, 0.001, values, G_N_ELEMENTS(values));
    report_series(r, "vm1", "empty", "1", 0, 1, NULL, 0);
    g_assert_true(store_write_run(st, &run, NULL, r, NULL, &error));
    g_assert_no_error(error);
    g_assert_cmpint(query_int(db, "SELECT count(*) FROM series"), ==, 2);
    g_assert_cmpint(sqlite3_prepare_v2(db,
                                       "SELECT t, value, unit FROM sample WHERE name = 'goodput' "
                                       "ORDER BY t",
                                       -1, &s, NULL),
                    ==, SQLITE_OK);
    for (; sqlite3_step(s) == SQLITE_ROW; n++) {
        g_assert_cmpfloat(sqlite3_column_double(s, 0), ==, 0.002 + 0.001 * (double)n);
        if (isnan(values[n]))
            g_assert_cmpint(sqlite3_column_type(s, 1), ==, SQLITE_NULL);
        else
            g_assert_cmpfloat(sqlite3_column_double(s, 1), ==, values[n]);
        g_assert_cmpstr((const char *)sqlite3_column_text(s, 2), ==, "bit/s");
    }
    sqlite3_finalize(s);
    g_assert_cmpuint(n, ==, G_N_ELEMENTS(values));
    g_assert_cmpint(query_int(db, "SELECT count(*) FROM sample WHERE name = 'empty'"), ==, 0);
    store_close(st);
    report_free(r);
}

/* One run is one transaction: a commit hook sees exactly one commit. */
static int count_commit(void *p)
{
    (*(int *)p)++;
    return 0;
}

static void test_write_one_transaction(struct fixture *fx, gconstpointer data)
{
    struct store *st = open_ok(fx->path);
    struct store_run run = make_run("", 0, "done");
    GPtrArray *params = make_params(30);
    struct report *r = make_report(200, 0.0, 50);
    int commits = 0;

    (void)data;
    sqlite3_commit_hook(store_db(st), count_commit, &commits);
    write_ok(st, &run, params, r);
    g_assert_cmpint(commits, ==, 1);
    run.rep = 1;
    write_ok(st, &run, params, r);
    g_assert_cmpint(commits, ==, 2);
    g_assert_cmpint(count_rows(st), ==, 2 * (1 + 30 + 200 + 50));
    sqlite3_commit_hook(store_db(st), NULL, NULL);
    store_close(st);
    free_params(params);
    report_free(r);
}

static void test_write_failed_replaced(struct fixture *fx, gconstpointer data)
{
    struct store *st = open_ok(fx->path);
    sqlite3 *db = store_db(st);
    struct store_run run = make_run("p", 2, "failed");
    struct store_run other = make_run("p", 3, "failed");
    GPtrArray *params = make_params(5);
    struct report *r = make_report(10, 0.0, 3);

    (void)data;
    write_ok(st, &run, params, NULL);
    write_ok(st, &other, params, NULL);
    g_assert_false(store_has_done(st, "p", 2));
    /* A second failure replaces the first: only the latest is kept. */
    write_ok(st, &run, params, NULL);
    g_assert_cmpint(query_int(db, "SELECT count(*) FROM runs WHERE rep = 2"), ==, 1);

    run.status = "done";
    write_ok(st, &run, params, r);
    g_assert_true(store_has_done(st, "p", 2));
    g_assert_false(store_has_done(st, "p", 3));
    g_assert_cmpint(query_int(db, "SELECT count(*) FROM runs WHERE rep = 2"), ==, 1);
    g_assert_cmpint(query_int(db, "SELECT count(*) FROM runs WHERE rep = 2 AND "
                                  "status = 'done'"),
                    ==, 1);
    /* The failed row's params went with it; the other failure is kept. */
    g_assert_cmpint(query_int(db, "SELECT count(*) FROM params"), ==, 10);
    g_assert_cmpint(query_int(db, "SELECT count(*) FROM params WHERE run_id NOT IN "
                                  "(SELECT run_id FROM runs)"),
                    ==, 0);
    g_assert_cmpint(query_int(db, "SELECT count(*) FROM runs WHERE rep = 3 AND "
                                  "status = 'failed'"),
                    ==, 1);

    /* A run of another scenario hash is not replaced; a new attempt of the
     * same (hash, point, rep) replaces the done one: the latest outcome is
     * the only one, so no replication counts twice. */
    other.scenario_hash = HASH_B;
    other.rep = 2;
    write_ok(st, &other, NULL, NULL);
    run.rep = 2;
    run.status = "failed";
    run.scenario_hash = HASH_A;
    write_ok(st, &run, NULL, NULL);
    g_assert_cmpint(query_int(db, "SELECT count(*) FROM runs WHERE rep = 2"), ==, 2);
    g_assert_false(store_has_done(st, "p", 2));

    store_close(st);
    free_params(params);
    report_free(r);
}

/* A metric with a NULL name violates NOT NULL at the end of the metrics,
 * after the run row, the params and 101 metrics went in. */
static void test_write_rollback(struct fixture *fx, gconstpointer data)
{
    struct store *st = open_ok(fx->path);
    sqlite3 *db = store_db(st);
    struct store_run run = make_run("p", 0, "failed");
    GPtrArray *params = make_params(10);
    struct report *r = make_report(100, 0.0, 5);
    struct report_metric *bad = g_new0(struct report_metric, 1);
    g_autofree char *msg = NULL;
    GError *error = NULL;
    int64_t id = -7;

    (void)data;
    write_ok(st, &run, params, NULL);
    g_assert_cmpint(count_rows(st), ==, 11);

    report_metric(r, "all", "after", 1.0, "s");
    bad->scope = g_strdup("all");
    bad->unit = g_strdup("s");
    g_ptr_array_add(r->metrics, bad);
    run.status = "done";
    g_assert_false(store_write_run(st, &run, params, r, &id, &error));
    msg = g_strdup_printf("'%s': cannot write run (point 'p', rep 0): NOT NULL constraint "
                          "failed: metrics.name",
                          fx->path);
    g_assert_error(error, IOVSIM_ERROR, IOVSIM_ERROR_IO);
    g_assert_cmpstr(error->message, ==, msg);
    g_clear_error(&error);
    g_assert_cmpint(id, ==, -7);
    g_assert_true(sqlite3_get_autocommit(db));
    /* Nothing of the new run, and the deleted failed row is back. */
    g_assert_cmpint(count_rows(st), ==, 11);
    g_assert_cmpint(query_int(db, "SELECT count(*) FROM runs WHERE status = 'failed'"), ==, 1);
    g_assert_false(store_has_done(st, "p", 0));

    /* Duplicate (scope, name) breaks the unique index: also rolled back. */
    g_ptr_array_remove(r->metrics, bad);
    {
        struct report_metric *dup = g_new0(struct report_metric, 1);

        dup->scope = g_strdup("all");
        dup->name = g_strdup("m1");
        dup->unit = g_strdup("s");
        g_ptr_array_add(r->metrics, dup);
    }
    g_assert_false(store_write_run(st, &run, params, r, NULL, &error));
    g_assert_error(error, IOVSIM_ERROR, IOVSIM_ERROR_IO);
    g_assert_nonnull(strstr(error->message, "UNIQUE constraint failed"));
    g_clear_error(&error);
    g_assert_cmpint(count_rows(st), ==, 11);

    /* The store is still usable after a rollback. */
    g_ptr_array_remove_index(r->metrics, r->metrics->len - 1);
    write_ok(st, &run, params, r);
    g_assert_true(store_has_done(st, "p", 0));
    g_assert_cmpint(count_rows(st), ==, 1 + 10 + 101 + 5);

    store_close(st);
    free_params(params);
    report_free(r);
}

/* Written through a second connection while the store holds none: the busy
 * timeout turns a held lock into a wait, then an error, not a hang. */
static void test_write_locked(struct fixture *fx, gconstpointer data)
{
    struct store *st = open_ok(fx->path);
    struct store_run run = make_run("p", 0, "done");
    sqlite3 *other = NULL;
    GError *error = NULL;
    gint64 t0;

    (void)data;
    g_assert_cmpint(sqlite3_open(fx->path, &other), ==, SQLITE_OK);
    g_assert_cmpint(sqlite3_exec(other, "BEGIN IMMEDIATE", NULL, NULL, NULL), ==, SQLITE_OK);
    sqlite3_busy_timeout(store_db(st), 200);
    t0 = g_get_monotonic_time();
    g_assert_false(store_write_run(st, &run, NULL, NULL, NULL, &error));
    g_assert_cmpint(g_get_monotonic_time() - t0, >=, 150000);
    g_assert_error(error, IOVSIM_ERROR, IOVSIM_ERROR_IO);
    g_assert_nonnull(strstr(error->message, "database is locked"));
    g_clear_error(&error);
    g_assert_cmpint(sqlite3_exec(other, "ROLLBACK", NULL, NULL, NULL), ==, SQLITE_OK);
    sqlite3_close(other);
    write_ok(st, &run, NULL, NULL);
    store_close(st);
}

/* Another connection holds the write lock for 50 ms: the write waits for it
 * and goes through (a store without a busy handler fails at once). */
struct holder {
    const char *path;
    gint locked; /* set once the lock is held */
};

static gpointer hold_lock(gpointer data)
{
    struct holder *h = data;
    sqlite3 *other = NULL;

    g_assert_cmpint(sqlite3_open(h->path, &other), ==, SQLITE_OK);
    g_assert_cmpint(sqlite3_exec(other, "BEGIN IMMEDIATE", NULL, NULL, NULL), ==, SQLITE_OK);
    g_atomic_int_set(&h->locked, 1);
    g_usleep(50000);
    g_assert_cmpint(sqlite3_exec(other, "COMMIT", NULL, NULL, NULL), ==, SQLITE_OK);
    sqlite3_close(other);
    return NULL;
}

static void test_write_waits(struct fixture *fx, gconstpointer data)
{
    struct store *st = open_ok(fx->path);
    struct store_run run = make_run("p", 0, "done");
    struct holder h = { .path = fx->path };
    GThread *t;
    gint64 t0;

    (void)data;
    t = g_thread_new("holder", hold_lock, &h);
    while (!g_atomic_int_get(&h.locked))
        g_usleep(1000);
    t0 = g_get_monotonic_time();
    write_ok(st, &run, NULL, NULL);
    g_assert_cmpint(g_get_monotonic_time() - t0, >=, 30000);
    g_thread_join(t);
    store_close(st);
}

static void test_write_speed(struct fixture *fx, gconstpointer data)
{
    struct store *st = open_ok(fx->path);
    struct store_run run = make_run("", 0, "done");
    GPtrArray *params = make_params(40);
    struct report *r = make_report(200, 0.0, 0);
    const int n_runs = 100;
    gint64 t0;
    double per_run_ms;

    (void)data;
    t0 = g_get_monotonic_time();
    for (int i = 0; i < n_runs; i++) {
        run.rep = i;
        write_ok(st, &run, params, r);
    }
    per_run_ms = (double)(g_get_monotonic_time() - t0) / 1000.0 / n_runs;
    g_test_message("one run with 200 metrics and 40 params: %.3f ms", per_run_ms);
    g_assert_cmpint(query_int(store_db(st), "SELECT count(*) FROM metrics"), ==, 200 * n_runs);
    /* Timing is only asserted on request: sanitizers and valgrind slow
     * SQLite down by an order of magnitude or more. */
    if (g_test_perf())
        g_assert_cmpfloat(per_run_ms, <, 1.0);
    store_close(st);
    free_params(params);
    report_free(r);
}

/* ---- lookups and guards ---- */

static void test_has_done(struct fixture *fx, gconstpointer data)
{
    struct store *st = open_ok(fx->path);
    struct store_run run = make_run("a", 0, "done");

    (void)data;
    g_assert_false(store_has_done(st, "a", 0));
    write_ok(st, &run, NULL, NULL);
    run.rep = 1;
    run.status = "failed";
    write_ok(st, &run, NULL, NULL);
    run.point = "";
    run.rep = 0;
    run.status = "done";
    write_ok(st, &run, NULL, NULL);
    g_assert_true(store_has_done(st, "a", 0));
    g_assert_false(store_has_done(st, "a", 1));
    g_assert_false(store_has_done(st, "a", 2));
    g_assert_false(store_has_done(st, "b", 0));
    g_assert_true(store_has_done(st, "", 0));
    store_close(st);
}

static void test_check_scenario(struct fixture *fx, gconstpointer data)
{
    struct store *st = open_ok(fx->path);
    struct store_run run = make_run("a", 0, "done");
    g_autofree char *msg = NULL;
    GError *error = NULL;

    (void)data;
    /* An empty database takes anything. */
    g_assert_true(store_check_scenario(st, HASH_A, IOVSIM_VERSION, false, &error));
    g_assert_no_error(error);
    write_ok(st, &run, NULL, NULL);
    g_assert_true(store_check_scenario(st, HASH_A, IOVSIM_VERSION, false, &error));
    g_assert_no_error(error);

    g_assert_false(store_check_scenario(st, HASH_B, IOVSIM_VERSION, false, &error));
    msg = g_strdup_printf("'%s': holds runs of a different scenario 'mm1' (hash aaaaaaaaaaaa, "
                          "this one bbbbbbbbbbbb); use another database or --force to mix them",
                          fx->path);
    g_assert_error(error, IOVSIM_ERROR, IOVSIM_ERROR_INPUT);
    g_assert_cmpstr(error->message, ==, msg);
    g_clear_error(&error);

    g_assert_false(store_check_scenario(st, HASH_A, "99.0.0", false, &error));
    g_free(msg);
    msg = g_strdup_printf("'%s': holds runs made by iovsim %s, this is iovsim 99.0.0; model "
                          "changes may make them incomparable: use another database or --force "
                          "to mix them",
                          fx->path, IOVSIM_VERSION);
    g_assert_error(error, IOVSIM_ERROR, IOVSIM_ERROR_INPUT);
    g_assert_cmpstr(error->message, ==, msg);
    g_clear_error(&error);

    /* Forced: accepted, and runs of the other scenario no longer count as
     * done for this one. */
    g_assert_true(store_has_done(st, "a", 0));
    g_assert_true(store_check_scenario(st, HASH_B, IOVSIM_VERSION, true, &error));
    g_assert_no_error(error);
    g_assert_false(store_has_done(st, "a", 0));
    run.scenario_hash = HASH_B;
    write_ok(st, &run, NULL, NULL);
    g_assert_true(store_has_done(st, "a", 0));
    /* The same scenario name, point, rep and seed: the run of HASH_A is
     * replaced, not kept beside it (summary would count it twice). */
    g_assert_cmpint(query_int(store_db(st), "SELECT count(*) FROM runs"), ==, 1);
    /* Another seed is another replication: both stay. */
    run.scenario_hash = HASH_A;
    run.seed = 7;
    write_ok(st, &run, NULL, NULL);
    g_assert_cmpint(query_int(store_db(st), "SELECT count(*) FROM runs"), ==, 2);
    store_close(st);
}

/* Two openers of a new file, neither with a run yet: the first scenario
 * admitted owns the file and the second is refused (without --force). */
static void test_check_scenario_stamp(struct fixture *fx, gconstpointer data)
{
    struct store *a = open_ok(fx->path);
    struct store *b = open_ok(fx->path);
    GError *error = NULL;

    (void)data;
    g_assert_true(store_check_scenario(a, HASH_A, IOVSIM_VERSION, false, &error));
    g_assert_no_error(error);
    g_assert_cmpint(query_int(store_db(b), "SELECT count(*) FROM runs"), ==, 0);
    g_assert_false(store_check_scenario(b, HASH_B, IOVSIM_VERSION, false, &error));
    g_assert_error(error, IOVSIM_ERROR, IOVSIM_ERROR_INPUT);
    g_assert_nonnull(strstr(error->message, "belongs to another scenario"));
    g_assert_nonnull(strstr(error->message, "--force"));
    g_clear_error(&error);
    g_assert_true(store_check_scenario(b, HASH_A, IOVSIM_VERSION, false, &error));
    g_assert_true(store_check_scenario(b, HASH_B, IOVSIM_VERSION, true, &error));
    g_assert_no_error(error);
    store_close(a);
    store_close(b);
}

/* A pid that no process has: a child that has exited and been reaped. */
static pid_t dead_pid(void)
{
    pid_t pid = fork();

    if (pid == 0)
        _exit(0);
    g_assert_cmpint(waitpid(pid, NULL, 0), ==, pid);
    return pid;
}

static void put_claim(struct store *st, const char *point, const char *owner, double age_s)
{
    g_autofree char *sql =
        g_strdup_printf("INSERT INTO claims VALUES ('%s', '%s', 0, '%s', %.3f)", HASH_A, point,
                        owner, (double)g_get_real_time() * 1e-6 - age_s);

    g_assert_cmpint(sqlite3_exec(store_db(st), sql, NULL, NULL, NULL), ==, SQLITE_OK);
}

/* Claims: a done run is DONE, a live sweep's claim BUSY, and the claims of
 * a sweep whose process is gone or that went silent are taken over. */
static void test_claims(struct fixture *fx, gconstpointer data)
{
    struct store *st = open_ok(fx->path);
    struct store_run run = make_run("done", 0, "done");
    struct store_task t[] = {
        { .point = "done" },   { .point = "busy" }, { .point = "dead" },
        { .point = "silent" }, { .point = "free" },
    };
    g_autofree char *me = store_claim_owner();
    g_autofree char *dead = g_strdup_printf("%s:%d", g_get_host_name(), (int)dead_pid());
    GError *error = NULL;

    (void)data;
    g_assert_true(store_check_scenario(st, HASH_A, IOVSIM_VERSION, false, &error));
    write_ok(st, &run, NULL, NULL);
    put_claim(st, "busy", "elsewhere.example:1", 1);
    put_claim(st, "dead", dead, 1);
    put_claim(st, "silent", "elsewhere.example:2", STORE_CLAIM_STALE_S + 5);
    g_assert_true(store_claim(st, me, t, G_N_ELEMENTS(t), 2, &error));
    g_assert_no_error(error);
    g_assert_cmpint(t[0].state, ==, STORE_TASK_DONE);
    g_assert_cmpint(t[1].state, ==, STORE_TASK_BUSY);
    g_assert_cmpint(t[2].state, ==, STORE_TASK_MINE);
    g_assert_cmpint(t[3].state, ==, STORE_TASK_MINE);
    g_assert_cmpint(t[4].state, ==, STORE_TASK_NEW); /* two claimed: it stops */
    g_assert_true(store_claim(st, me, t, G_N_ELEMENTS(t), 2, &error));
    g_assert_cmpint(t[4].state, ==, STORE_TASK_MINE);
    g_assert_cmpint(query_int(store_db(st), "SELECT count(*) FROM claims"), ==, 4);
    /* Writing a run spends its claim; release drops the rest of ours. */
    run.point = "free";
    write_ok(st, &run, NULL, NULL);
    g_assert_cmpint(query_int(store_db(st), "SELECT count(*) FROM claims"), ==, 3);
    g_assert_true(store_release(st, me, &error));
    g_assert_cmpint(query_int(store_db(st), "SELECT count(*) FROM claims"), ==, 1);
    store_close(st);
}

/* SQLite asks the authorizer about every statement it compiles, and only
 * then: the count of statements prepared. */
static int count_compiles(void *n, int action, const char *a, const char *b, const char *c,
                          const char *d)
{
    (void)a, (void)b, (void)c, (void)d;
    *(int *)n += action == SQLITE_TRANSACTION || action == SQLITE_INSERT ||
                 action == SQLITE_UPDATE || action == SQLITE_DELETE || action == SQLITE_SELECT;
    return SQLITE_OK;
}

/* A sweep of short runs claims often: its statements are prepared once per
 * connection, not per claim. */
static void test_claims_prepared_once(struct fixture *fx, gconstpointer data)
{
    struct store *st = open_ok(fx->path);
    struct store_task t[40];
    g_autofree char *me = store_claim_owner();
    GError *error = NULL;
    int compiles = 0;

    (void)data;
    for (size_t i = 0; i < G_N_ELEMENTS(t); i++)
        t[i] = (struct store_task){ .point = i % 2 ? "odd" : "even", .rep = (int)i };
    g_assert_true(store_check_scenario(st, HASH_A, IOVSIM_VERSION, false, &error));
    /* Setting an authorizer expires what was prepared before it. */
    sqlite3_set_authorizer(store_db(st), count_compiles, &compiles);
    g_assert_true(store_claim(st, me, t, G_N_ELEMENTS(t), 4, &error));
    g_assert_true(store_release(st, me, &error));
    g_assert_cmpint(compiles, >, 0);
    compiles = 0;
    for (int i = 0; i < 5; i++)
        g_assert_true(store_claim(st, me, t, G_N_ELEMENTS(t), 4, &error));
    g_assert_true(store_release(st, me, &error));
    g_assert_no_error(error);
    g_assert_cmpint(compiles, ==, 0);
    g_assert_cmpint(t[23].state, ==, STORE_TASK_MINE);
    g_assert_cmpint(t[24].state, ==, STORE_TASK_NEW);
    sqlite3_set_authorizer(store_db(st), NULL, NULL);
    store_close(st);
}

/* Claims grow with the pace of the runs, within bounds. */
static void test_claim_batch(void)
{
    g_assert_cmpuint(store_claim_batch(16, 0, 0), ==, 16);
    g_assert_cmpuint(store_claim_batch(16, 10, 1.0), ==, 16); /* 10 runs/s: 1 per 0.1 s */
    g_assert_cmpuint(store_claim_batch(16, 700, 1.0), ==, 70);
    g_assert_cmpuint(store_claim_batch(32, 16, 1e-9), ==, 3200);
}

/* Write a run of @point whose parameters are the "key=value" pairs of
 * @pairs (space-separated). */
static void write_params(struct store *st, const char *point, const char *status, const char *pairs)
{
    struct store_run run = make_run(point, 0, status);
    g_auto(GStrv) items = g_strsplit(pairs, " ", -1);
    GPtrArray *params = g_ptr_array_new();

    for (char **it = items; *it; it++) {
        struct scenario_kv *kv = g_new(struct scenario_kv, 1);
        char *eq = strchr(*it, '=');

        kv->key = g_strndup(*it, (gsize)(eq - *it));
        kv->value = g_strdup(eq + 1);
        g_ptr_array_add(params, kv);
    }
    write_ok(st, &run, params, NULL);
    free_params(params);
}

/* The points view's columns are the parameters with two values or more
 * among the done runs: not one that differs only in a failed run, nor one
 * with a single value where some runs lack it. */
static void test_points_columns(struct fixture *fx, gconstpointer data)
{
    static const char cols_sql[] =
        "SELECT group_concat(name, ' ') FROM pragma_table_info('points') WHERE name GLOB 'q.*'";
    struct store *st = open_ok(fx->path);
    g_autofree char *cols = NULL;

    (void)data;
    write_params(st, "a", "done", "q.a=1 q.b=x q.d=same");
    write_params(st, "b", "done", "q.a=2 q.b=x q.c=5 q.d=same");
    write_params(st, "c", "failed", "q.a=3 q.b=y q.c=6");
    store_close(st);
    st = open_ok(fx->path);
    cols = query_text(store_db(st), cols_sql);
    g_assert_cmpstr(cols, ==, "q.a");
    g_clear_pointer(&cols, g_free);
    /* A done run with another value of q.b and q.c: both vary now. */
    write_params(st, "d", "done", "q.a=1 q.b=z q.c=6 q.d=same");
    store_close(st);
    st = open_ok(fx->path);
    cols = query_text(store_db(st), cols_sql);
    g_assert_cmpstr(cols, ==, "q.a q.b q.c");
    store_close(st);
}

/* Rows of @table whose run is gone. */
static gint64 orphans(sqlite3 *db, const char *table)
{
    g_autofree char *sql = g_strdup_printf(
        "SELECT count(*) FROM %s WHERE run_id NOT IN (SELECT run_id FROM runs)", table);

    return query_int(db, sql);
}

/* Runs queued and written together replace earlier attempts as one
 * written alone does: the earlier run's params, metrics, histograms and
 * series go with it, also when the earlier one is in the same group. */
static void test_queue_replaces(struct fixture *fx, gconstpointer data)
{
    static const char *const tables[] = { "params", "metrics", "hists", "series" };
    struct store *st = open_ok(fx->path);
    sqlite3 *db = store_db(st);
    struct store_run run = make_run("p", 0, "done");
    GPtrArray *params = make_params(4);
    const double samples[] = { 1, 2 };
    GError *error = NULL;

    (void)data;
    run.wall_seconds = 0.001; /* short runs wait to be written together */
    for (int k = 0; k < 3; k++) {
        struct report *r = make_report(5, k, 3);

        report_series(r, "vm0", "goodput", "bit/s", 0, 1, samples, 2);
        run.rep = k % 2; /* the third replaces the first */
        g_assert_true(store_queue_run(st, &run, params, r, &error));
    }
    g_assert_cmpuint(store_queued(st), ==, 3);
    g_assert_true(store_flush(st, &error));
    g_assert_no_error(error);
    g_assert_cmpint(query_int(db, "SELECT count(*) FROM runs"), ==, 2);
    for (size_t i = 0; i < G_N_ELEMENTS(tables); i++)
        g_assert_cmpint(orphans(db, tables[i]), ==, 0);
    g_assert_cmpint(query_int(db, "SELECT count(*) FROM params"), ==, 8);
    g_assert_cmpint(query_int(db, "SELECT count(*) FROM series"), ==, 2);
    /* The latest attempt is the one kept. */
    g_assert_cmpint(query_int(db, "SELECT count(*) FROM metrics m JOIN runs r USING (run_id) "
                                  "WHERE r.rep = 0 AND m.name = 'm0' AND m.value = 2"),
                    ==, 1);
    store_close(st);
    free_params(params);
}

/* ---- summary view ---- */

static void write_value(struct store *st, const char *point, int rep, const char *status,
                        double value)
{
    struct store_run run = make_run(point, rep, status);
    struct report *r = report_new();

    report_metric(r, "all", "x", value, "s");
    report_metric(r, "all", "nan", rep == 0 ? 1.0 : NAN, "1");
    write_ok(st, &run, NULL, r);
    report_free(r);
}

/* The analysis reads a scope's summary in one query and answers later
 * cells from it: a write through the same connection, or another one's,
 * must show in the next answer all the same. */
static void test_summary_cache_fresh(struct fixture *fx, gconstpointer data)
{
    struct store *st = open_ok(fx->path);
    struct store *other = open_ok(fx->path);
    struct query_stat q;

    (void)data;
    write_value(st, "p", 0, "done", 1.0);
    g_assert_true(query_summary(store_db(st), "p", "all", "x", &q));
    g_assert_cmpint(q.n, ==, 1);
    g_assert_false(query_summary(store_db(st), "q", "all", "x", &q));
    write_value(st, "p", 1, "done", 3.0);
    g_assert_true(query_summary(store_db(st), "p", "all", "x", &q));
    g_assert_cmpint(q.n, ==, 2);
    g_assert_cmpfloat(q.mean, ==, 2.0);
    write_value(other, "q", 0, "done", 5.0);
    g_usleep(150000);
    g_assert_true(query_summary(store_db(st), "q", "all", "x", &q));
    g_assert_cmpfloat(q.mean, ==, 5.0);
    store_close(other);
    store_close(st);
}

/* A scope's summary loads the first metric asked alone, all of them at the
 * second (or at query_summary_all()): every order gives the view's cells,
 * and a metric asked after the first is found, not taken for missing. */
static void test_summary_cache_partial(struct fixture *fx, gconstpointer data)
{
    struct store *st = open_ok(fx->path);
    struct query_stat q;

    (void)data;
    write_value(st, "p", 0, "done", 1.0);
    write_value(st, "p", 1, "done", 3.0);
    write_value(st, "q", 0, "done", 5.0);
    g_assert_true(query_summary(store_db(st), "p", "all", "x", &q));
    g_assert_cmpfloat(q.mean, ==, 2.0);
    g_assert_true(query_summary(store_db(st), "q", "all", "x", &q));
    g_assert_cmpfloat(q.mean, ==, 5.0);
    g_assert_true(query_summary(store_db(st), "p", "all", "nan", &q));
    g_assert_cmpint(q.n, ==, 1);
    g_assert_cmpfloat(q.mean, ==, 1.0);
    g_assert_true(query_summary(store_db(st), "q", "all", "x", &q));
    g_assert_cmpfloat(q.mean, ==, 5.0);
    g_assert_false(query_summary(store_db(st), "p", "all", "missing", &q));
    g_assert_true(query_summary(store_db(st), "p", "all", "x", &q));
    store_close(st);

    st = open_ok(fx->path);
    query_summary_all(store_db(st), "all");
    g_assert_true(query_summary(store_db(st), "p", "all", "nan", &q));
    g_assert_cmpfloat(q.mean, ==, 1.0);
    g_assert_true(query_summary(store_db(st), "q", "all", "x", &q));
    g_assert_cmpfloat(q.mean, ==, 5.0);
    store_close(st);
}

struct summary_row {
    gint64 n;
    double mean;
    double stddev; /* NAN for SQL NULL */
    double ci95;
};

static struct summary_row summary(struct store *st, const char *point, const char *name)
{
    g_autofree char *sql = g_strdup_printf(
        "SELECT n, mean, stddev, ci95 FROM summary WHERE scenario = 'mm1' AND point = '%s' AND "
        "scope = 'all' AND name = '%s'",
        point, name);
    struct summary_row row;
    sqlite3_stmt *s = NULL;

    g_assert_cmpint(sqlite3_prepare_v2(store_db(st), sql, -1, &s, NULL), ==, SQLITE_OK);
    g_assert_cmpint(sqlite3_step(s), ==, SQLITE_ROW);
    row.n = sqlite3_column_int64(s, 0);
    row.mean = sqlite3_column_double(s, 1);
    row.stddev = sqlite3_column_type(s, 2) == SQLITE_NULL ? NAN : sqlite3_column_double(s, 2);
    row.ci95 = sqlite3_column_type(s, 3) == SQLITE_NULL ? NAN : sqlite3_column_double(s, 3);
    g_assert_cmpint(sqlite3_step(s), ==, SQLITE_DONE);
    sqlite3_finalize(s);
    return row;
}

static void test_summary_known(struct fixture *fx, gconstpointer data)
{
    struct store *st = open_ok(fx->path);
    const double sd = sqrt(2.5); /* sample sd of 1..5 */
    struct summary_row row;

    (void)data;
    for (int i = 0; i < 5; i++)
        write_value(st, "p", i, "done", i + 1.0);
    write_value(st, "p", 5, "failed", 1000.0); /* not counted */
    write_value(st, "q", 0, "done", 7.0);
    /* Large offset: the naive sum-of-squares formula loses every digit. */
    for (int i = 0; i < 5; i++)
        write_value(st, "big", i, "done", 1e9 + i + 1.0);

    row = summary(st, "p", "x");
    g_assert_cmpint(row.n, ==, 5);
    g_assert_cmpfloat_with_epsilon(row.mean, 3.0, 1e-12);
    g_assert_cmpfloat_with_epsilon(row.stddev, 1.5811388, 1e-7);
    g_assert_cmpfloat_with_epsilon(row.ci95, 2.776445 * sd / sqrt(5.0), 1e-6);

    row = summary(st, "big", "x");
    g_assert_cmpint(row.n, ==, 5);
    g_assert_cmpfloat_with_epsilon(row.mean, 1e9 + 3.0, 1e-6);
    g_assert_cmpfloat_with_epsilon(row.stddev, sd, 1e-9);

    /* One replication: no spread, so NULL rather than 0. */
    row = summary(st, "q", "x");
    g_assert_cmpint(row.n, ==, 1);
    g_assert_cmpfloat(row.mean, ==, 7.0);
    g_assert_true(isnan(row.stddev));
    g_assert_true(isnan(row.ci95));

    /* NULL (NaN) values are left out of n: only rep 0 had a value. */
    row = summary(st, "p", "nan");
    g_assert_cmpint(row.n, ==, 1);
    g_assert_cmpfloat(row.mean, ==, 1.0);
    g_assert_true(isnan(row.stddev));

    g_assert_cmpint(query_int(store_db(st), "SELECT count(*) FROM summary"), ==, 6);
    store_close(st);
}

/* Past 1000 degrees of freedom the view falls back to the normal quantile. */
static void test_summary_many(struct fixture *fx, gconstpointer data)
{
    struct store *st = open_ok(fx->path);
    const int n = 1102;
    struct summary_row row;
    double mean = (n - 1) / 2.0, sd = sqrt(n * (n + 1.0) / 12.0); /* of 0..n-1 */
    int commits = 0;

    (void)data;
    for (int i = 0; i < n; i++) {
        struct store_run run = make_run("p", i, "done");
        struct report *r = report_new();

        report_metric(r, "all", "x", i, "1");
        write_ok(st, &run, NULL, r);
        report_free(r);
    }
    sqlite3_commit_hook(store_db(st), count_commit, &commits);
    row = summary(st, "p", "x");
    g_assert_cmpint(commits, ==, 0);
    sqlite3_commit_hook(store_db(st), NULL, NULL);
    g_assert_cmpint(row.n, ==, n);
    g_assert_cmpfloat_with_epsilon(row.mean, mean, 1e-9);
    g_assert_cmpfloat_with_epsilon(row.stddev, sd, 1e-9);
    g_assert_cmpfloat_with_epsilon(row.ci95, 1.959964 * sd / sqrt(n), 1e-9);
    store_close(st);
}

/* ---- processes: SIGKILL and concurrent writers ---- */

#define CRASH_METRICS 1500
#define CRASH_PARAMS  60
#define CRASH_BINS    400

/* Child process: write runs of @point until killed or @max_runs are done,
 * pausing @pause_us after each as if simulating. If @trace_fd is not -1,
 * write 'b' to it before each run and 'c' after its commit. Never returns;
 * exit status 3/4/5 mean open/write/trace failed. */
G_GNUC_NORETURN static void child_write(const char *path, const char *point, int n_metrics,
                                        int max_runs, gulong pause_us, int trace_fd)
{
    GError *error = NULL;
    struct store *st = store_open(path, &error);
    GPtrArray *params = make_params(CRASH_PARAMS);
    struct report *r = make_report(n_metrics, 0.5, CRASH_BINS);
    struct store_run run = make_run(point, 0, "done");

    /* The parent reports the exit status; the message helps debugging. */
    if (!st) {
        fprintf(stderr, "# child %s: %s\n", point, error->message);
        _exit(3);
    }
    for (int i = 0; i < max_runs; i++) {
        run.rep = i;
        if (trace_fd >= 0 && write(trace_fd, "b", 1) != 1)
            _exit(5);
        if (!store_write_run(st, &run, params, r, NULL, &error)) {
            fprintf(stderr, "# child %s: %s\n", point, error->message);
            _exit(4);
        }
        if (trace_fd >= 0 && write(trace_fd, "c", 1) != 1)
            _exit(5);
        if (pause_us)
            g_usleep(pause_us);
    }
    store_close(st);
    free_params(params);
    report_free(r);
    _exit(0);
}

/* The database at @path is sound and every 'done' run is complete. Returns
 * the number of runs. */
static gint64 check_complete(const char *path, int n_metrics)
{
    struct store *st = open_ok(path);
    sqlite3 *db = store_db(st);
    g_autofree char *integrity = query_text(db, "PRAGMA integrity_check");
    g_autofree char *sql =
        g_strdup_printf("SELECT count(*) FROM runs AS r WHERE r.status <> 'done' "
                        "OR (SELECT count(*) FROM metrics WHERE run_id = r.run_id) <> %d "
                        "OR (SELECT count(*) FROM params WHERE run_id = r.run_id) <> %d "
                        "OR (SELECT count(*) FROM hist WHERE run_id = r.run_id) <> %d",
                        n_metrics, CRASH_PARAMS, CRASH_BINS);
    gint64 n_runs = query_int(db, "SELECT count(*) FROM runs");

    g_assert_cmpstr(integrity, ==, "ok");
    g_assert_cmpint(query_int(db, sql), ==, 0);
    g_assert_cmpint(query_int(db, "SELECT count(*) FROM metrics WHERE run_id NOT IN "
                                  "(SELECT run_id FROM runs)"),
                    ==, 0);
    g_assert_cmpint(query_int(db, "SELECT count(*) FROM hist WHERE run_id NOT IN "
                                  "(SELECT run_id FROM runs)"),
                    ==, 0);
    store_close(st);
    return n_runs;
}

static void test_crash_sigkill(struct fixture *fx, gconstpointer data)
{
    gint64 n_runs = 0, last = 0;
    int n_kills = 8, mid_write = 0;

    (void)data;
    for (int k = 0; k < n_kills; k++) {
        char point[16], byte = 0;
        int fds[2], status;
        pid_t pid;

        g_snprintf(point, sizeof(point), "kill%d", k);
        g_assert_cmpint(pipe(fds), ==, 0);
        pid = fork();
        g_assert_cmpint(pid, >=, 0);
        if (pid == 0) {
            close(fds[0]);
            child_write(fx->path, point, CRASH_METRICS, 1000000, 0, fds[1]);
        }
        close(fds[1]);
        /* Wait for the first commit, then kill anywhere in the writes that
         * follow: each takes milliseconds, so the kill nearly always lands
         * inside a transaction. */
        while (byte != 'c')
            g_assert_cmpint(read(fds[0], &byte, 1), ==, 1);
        g_usleep((gulong)g_test_rand_int_range(0, 60000));
        g_assert_cmpint(kill(pid, SIGKILL), ==, 0);
        g_assert_cmpint(waitpid(pid, &status, 0), ==, pid);
        /* Killed, not exited: an exit would mean an open or write error. */
        g_assert_true(WIFSIGNALED(status));
        g_assert_cmpint(WTERMSIG(status), ==, SIGKILL);
        /* The last trace byte says where the kill landed. */
        while (read(fds[0], &byte, 1) == 1)
            ;
        mid_write += byte == 'b';
        close(fds[0]);

        n_runs = check_complete(fx->path, CRASH_METRICS);
        g_assert_cmpint(n_runs, >, last);
        last = n_runs;
    }
    g_test_message("%" G_GINT64_FORMAT " complete runs; %d of %d kills inside a write", n_runs,
                   mid_write, n_kills);
    /* Each kill lands mid-write with probability ~0.99: all eight missing
     * would mean the test no longer tests anything. */
    g_assert_cmpint(mid_write, >, 0);
}

/* A process killed while creating the database leaves either nothing, an
 * empty file, or the complete schema: the next open must accept each. */
static void test_crash_during_create(struct fixture *fx, gconstpointer data)
{
    static const char *const suffixes[] = { "", "-wal", "-shm", "-journal" };
    int n_created = 0;

    (void)data;
    for (int k = 0; k < 12; k++) {
        int status;
        pid_t pid;

        for (size_t i = 0; i < G_N_ELEMENTS(suffixes); i++) {
            g_autofree char *p = g_strconcat(fx->path, suffixes[i], NULL);

            g_unlink(p);
        }
        pid = fork();
        g_assert_cmpint(pid, >=, 0);
        if (pid == 0)
            child_write(fx->path, "create", 10, 1000000, 0, -1);
        /* Creating takes a few milliseconds (it syncs): land before, in and
         * after it. */
        g_usleep((gulong)g_test_rand_int_range(0, 12000));
        g_assert_cmpint(kill(pid, SIGKILL), ==, 0);
        g_assert_cmpint(waitpid(pid, &status, 0), ==, pid);
        g_assert_true(WIFSIGNALED(status));
        n_created += g_file_test(fx->path, G_FILE_TEST_EXISTS);
        check_complete(fx->path, 10);
    }
    g_test_message("%d of 12 killed openers had created the file", n_created);
}

/* Several processes create the same new database at once and write into
 * it, as a parallel sweep does: schema creation, the switch to WAL and the
 * writes serialise on SQLite's locks, and nothing is lost. (Eight racing
 * openers found both the WAL switch returning SQLITE_BUSY without waiting
 * and a probe seeing the schema appear between two of its queries.) The
 * writers pause between runs like real ones: back-to-back writers under
 * valgrind can starve one another past the busy timeout, which SQLite's
 * polling busy handler does not prevent. */
static void test_concurrent_writers(struct fixture *fx, gconstpointer data)
{
    enum { n_children = 8, n_runs = 6, n_metrics = 200 };

    pid_t pids[n_children];

    (void)data;
    for (int c = 0; c < n_children; c++) {
        char point[16];

        g_snprintf(point, sizeof(point), "w%d", c);
        pids[c] = fork();
        g_assert_cmpint(pids[c], >=, 0);
        if (pids[c] == 0)
            child_write(fx->path, point, n_metrics, n_runs, 5000, -1);
    }
    for (int c = 0; c < n_children; c++) {
        int status;

        g_assert_cmpint(waitpid(pids[c], &status, 0), ==, pids[c]);
        g_assert_true(WIFEXITED(status));
        g_assert_cmpint(WEXITSTATUS(status), ==, 0);
    }
    g_assert_cmpint(check_complete(fx->path, n_metrics), ==, n_children * n_runs);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);

#define ADD(path, fn) \
    g_test_add("/store/" path, struct fixture, NULL, fixture_setup, fn, fixture_teardown)
    ADD("schema/created", test_schema_created);
    ADD("schema/tdist", test_schema_tdist);
    ADD("schema/sqrt", test_schema_sqrt);
    ADD("schema/reopen", test_schema_reopen);
    ADD("schema/empty-file", test_schema_empty_file);
    ADD("open/missing-dir", test_open_missing_dir);
    ADD("open/directory", test_open_directory);
    ADD("open/parent-is-file", test_open_parent_is_file);
    ADD("open/read-only", test_open_read_only);
    ADD("open/create-fails", test_open_create_fails);
    ADD("open/checkpoint-fails", test_open_checkpoint_fails);
    ADD("write/close-after-full", test_close_after_full);
    ADD("open/text-file", test_open_text_file);
    ADD("open/garbage", test_open_garbage);
    ADD("open/foreign-sqlite", test_open_foreign_sqlite);
    ADD("open/app-id-without-meta", test_open_app_id_without_meta);
    ADD("open/newer-schema", test_open_newer_schema);
    ADD("open/corrupt", test_open_corrupt);
    ADD("write/roundtrip", test_write_roundtrip);
    ADD("write/hist-buckets", test_write_hist_buckets);
    ADD("write/series", test_write_series);
    ADD("write/one-transaction", test_write_one_transaction);
    ADD("write/failed-replaced", test_write_failed_replaced);
    ADD("write/rollback", test_write_rollback);
    ADD("write/locked", test_write_locked);
    ADD("write/waits", test_write_waits);
    ADD("write/speed", test_write_speed);
    ADD("query/has-done", test_has_done);
    ADD("query/check-scenario", test_check_scenario);
    ADD("query/check-scenario-stamp", test_check_scenario_stamp);
    ADD("query/claims", test_claims);
    ADD("write/queue-replaces", test_queue_replaces);
    ADD("query/points-columns", test_points_columns);
    ADD("query/claims-prepared-once", test_claims_prepared_once);
    g_test_add_func("/store/query/claim-batch", test_claim_batch);
    ADD("summary/known", test_summary_known);
    ADD("summary/many", test_summary_many);
    ADD("summary/cache-fresh", test_summary_cache_fresh);
    ADD("summary/cache-partial", test_summary_cache_partial);
    ADD("crash/sigkill", test_crash_sigkill);
    ADD("crash/during-create", test_crash_during_create);
    ADD("crash/concurrent-writers", test_concurrent_writers);
#undef ADD

    return g_test_run();
}
