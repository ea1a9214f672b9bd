/* Tests for analysis/: the table formats and their escaping, paired
 * comparisons against hand-computed CIs, the checks that list valid names,
 * and the quoting of strings bound for gnuplot. Databases are built with
 * store_write_run() from made-up reports in a temporary directory. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "../analysis/gnuplot.h"
#include "../analysis/identical.h"
#include "../analysis/query.h"
#include "../analysis/table.h"
#include "escape.h"
#include "scenario.h"
#include "store.h"

struct fixture {
    char *dir;
    char *path;
    struct store *st;
};

static void add_run(struct store *st, const char *point, int rep, double sojourn, double thr)
{
    struct report *r = report_new();
    struct store_run run = {
        .scenario = "t",
        .point = point,
        .rep = rep,
        .seed = (uint64_t)rep + 1,
        .status = "done",
        .sim_seconds = 1,
        .wall_seconds = 0.1,
        .events = 10,
        .started_at = "2025-01-01T00:00:00Z",
        .scenario_hash = "h",
    };
    GError *error = NULL;

    report_metric(r, "all", "sojourn_mean", sojourn, "s");
    report_metric(r, "all", "throughput", thr, "1/s");
    g_assert_true(store_write_run(st, &run, NULL, r, NULL, &error));
    g_assert_no_error(error);
    report_free(r);
}

/* Base values per rep, and a second point with known paired differences. */
static const double base_vals[] = { 10e-6, 12e-6, 11e-6, 13e-6 };
static const double diffs[] = { 1e-6, 1.5e-6, 0.5e-6, 1e-6 };

static void fixture_set_up(struct fixture *f, gconstpointer data)
{
    GError *error = NULL;

    (void)data;
    f->dir = g_dir_make_tmp("iovsim-test-XXXXXX", &error);
    g_assert_no_error(error);
    f->path = g_build_filename(f->dir, "t.db", NULL);
    f->st = store_open(f->path, &error);
    g_assert_no_error(error);
    for (int rep = 0; rep < 4; rep++) {
        add_run(f->st, "q.x=1,q.s=a", rep, base_vals[rep], 1000);
        add_run(f->st, "q.x=2,q.s=b", rep, base_vals[rep] + diffs[rep], 2000);
        add_run(f->st, "q.x=10,q.s=c\"|&_%$#{}~^\\", rep, 3e-6, 3000);
    }
}

static void fixture_tear_down(struct fixture *f, gconstpointer data)
{
    static const char *const sfx[] = { "", "-wal", "-shm" };

    (void)data;
    store_close(f->st);
    for (size_t i = 0; i < G_N_ELEMENTS(sfx); i++) {
        g_autofree char *p = g_strconcat(f->path, sfx[i], NULL);
        g_unlink(p);
    }
    g_rmdir(f->dir);
    g_free(f->path);
    g_free(f->dir);
}

/* Run a printer into a string. */
static char *capture(bool (*fn)(sqlite3 *, const struct table_opts *, FILE *, GError **),
                     sqlite3 *db, const struct table_opts *o)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    GError *error = NULL;

    g_assert_true(fn(db, o, out, &error));
    g_assert_no_error(error);
    fclose(out);
    return buf;
}

static void test_table_formats(struct fixture *f, gconstpointer data)
{
    sqlite3 *db = store_db(f->st);
    const char *const metrics[] = { "sojourn_mean", NULL };
    struct table_opts o = { .scope = "all", .metrics = metrics };
    g_autofree char *text = NULL, *csv = NULL, *md = NULL, *tex = NULL;

    (void)data;
    o.format = GRID_TEXT;
    text = capture(table_print, db, &o);
    /* Points in natural order (2 before 10), microseconds picked per column. */
    g_assert_nonnull(strstr(text, "sojourn_mean (µs)"));
    g_assert_true(strstr(text, "q.x=2,") < strstr(text, "q.x=10,"));
    g_assert_nonnull(strstr(text, "11.5 ± 2.1"));

    o.format = GRID_CSV;
    csv = capture(table_print, db, &o);
    /* SI values, full precision; the label with commas and quotes is quoted. */
    g_assert_nonnull(strstr(csv, "point,n,sojourn_mean (s),sojourn_mean ci95 (s)\n"));
    g_assert_nonnull(strstr(csv, "\"q.x=10,q.s=c\"\"|&_%$#{}~^\\\",4,3.0000000000000001e-06,0\n"));

    o.format = GRID_MARKDOWN;
    md = capture(table_print, db, &o);
    g_assert_nonnull(strstr(md, "| q.x=10,q.s=c\"\\|&\\_%$\\#{}~^\\\\ |"));
    g_assert_nonnull(strstr(md, "|---|---:|---:|"));

    o.format = GRID_LATEX;
    tex = capture(table_print, db, &o);
    g_assert_nonnull(strstr(tex, "\\begin{tabular}{lrr}"));
    g_assert_nonnull(strstr(tex, "q.x=10,q.s=c\"|\\&\\_\\%\\$\\#\\{\\}\\textasciitilde{}"
                                 "\\textasciicircum{}\\textbackslash{} & "));
    g_assert_nonnull(strstr(tex, "sojourn\\_mean ($\\mu$s)"));
    g_assert_nonnull(strstr(tex, "$11.5 \\pm 2.1$"));
}

static bool compare_x1(sqlite3 *db, const struct table_opts *o, FILE *out, GError **error)
{
    return compare_print(db, o, "q.x=1", out, error);
}

static void test_compare_paired(struct fixture *f, gconstpointer data)
{
    const char *const metrics[] = { "sojourn_mean", NULL };
    struct table_opts o = { .scope = "all", .metrics = metrics, .format = GRID_CSV };
    g_autofree char *csv = NULL;
    double mean = 0, ss = 0, ci, base_mean = 0;

    (void)data;
    for (int i = 0; i < 4; i++) {
        mean += diffs[i] / 4;
        base_mean += base_vals[i] / 4;
    }
    for (int i = 0; i < 4; i++)
        ss += (diffs[i] - mean) * (diffs[i] - mean);
    /* t(0.975, 3) = 3.182446305284263 */
    ci = 3.182446305284263 * sqrt(ss / 3) / 2;
    /* q.s moves with q.x (one value each), so it counts as locked with it. */
    csv = capture(compare_x1, store_db(f->st), &o);
    g_assert_nonnull(strstr(csv, "point,baseline,pairs,sojourn_mean (s),sojourn_mean diff (s),"
                                 "sojourn_mean diff ci95 (s),sojourn_mean ratio,"
                                 "sojourn_mean ratio ci95\n"));
    g_auto(GStrv) lines = g_strsplit(csv, "\n", -1);
    const char *row = NULL;
    for (size_t i = 0; lines[i]; i++)
        if (g_str_has_prefix(lines[i], "\"q.x=2,q.s=b\""))
            row = lines[i];
    g_assert_nonnull(row);
    g_auto(GStrv) cells = g_strsplit(strstr(row, "\",\"q.x=1,q.s=a\",") + 16, ",", -1);
    g_assert_cmpstr(cells[0], ==, "4");
    g_assert_cmpfloat_with_epsilon(g_ascii_strtod(cells[1], NULL), base_mean + mean, 1e-15);
    g_assert_cmpfloat_with_epsilon(g_ascii_strtod(cells[2], NULL), mean, 1e-15);
    g_assert_cmpfloat_with_epsilon(g_ascii_strtod(cells[3], NULL), ci, 1e-12 * ci + 1e-18);
    g_assert_cmpfloat_with_epsilon(g_ascii_strtod(cells[4], NULL), (base_mean + mean) / base_mean,
                                   1e-12);
    /* The ratio's CI by the delta method, by hand: d_i = x_i - R b_i with
     * R the ratio of the means, then the t interval of mean(d) / base. */
    double r = (base_mean + mean) / base_mean, dm = 0, dss = 0;
    for (int i = 0; i < 4; i++)
        dm += (base_vals[i] + diffs[i] - r * base_vals[i]) / 4;
    for (int i = 0; i < 4; i++) {
        double d = base_vals[i] + diffs[i] - r * base_vals[i] - dm;
        dss += d * d;
    }
    double ratio_ci = 3.182446305284263 * sqrt(dss / 3) / 2 / base_mean;
    g_assert_cmpfloat_with_epsilon(g_ascii_strtod(cells[5], NULL), ratio_ci, 1e-12);
    /* ... which is not the old diff_ci / base_mean, that ignored the
     * baseline's own spread. */
    g_assert_cmpfloat(fabs(ratio_ci - ci / base_mean), >, 1e-6);
}

static void check_error(GError *error, const char *fragment)
{
    g_assert_error(error, IOVSIM_ERROR, IOVSIM_ERROR_INPUT);
    if (!strstr(error->message, fragment))
        g_error("'%s' does not mention '%s'", error->message, fragment);
    g_assert_null(strchr(error->message, '\n'));
    g_error_free(error);
}

static void test_bad_names(struct fixture *f, gconstpointer data)
{
    sqlite3 *db = store_db(f->st);
    const char *const bad[] = { "sojourn_maen", NULL };
    struct table_opts o = { .scope = "all", .metrics = bad, .format = GRID_TEXT };
    GError *error = NULL;

    (void)data;
    g_assert_false(table_print(db, &o, stdout, &error));
    check_error(error, "unknown metric 'sojourn_maen' in scope 'all' (did you mean "
                       "'sojourn_mean'? valid: sojourn_mean, throughput)");
    error = NULL;
    o.metrics = NULL;
    o.scope = "vm9";
    g_assert_false(table_print(db, &o, stdout, &error));
    check_error(error, "unknown scope 'vm9' (valid: all)");
    error = NULL;
    o.scope = "all";
    g_assert_false(compare_print(db, &o, "q.y=1", stdout, &error));
    check_error(error, "unknown varied parameter 'q.y' (did you mean 'q.x'? valid: q.x, q.s)");
    error = NULL;
    g_assert_false(compare_print(db, &o, "q.x=3", stdout, &error));
    check_error(error, "--baseline: no point has q.x=3 (its values: 1, 2, 10)");
    error = NULL;
    g_assert_false(query_check_param(db, "queue.servers", &error));
    check_error(error, "unknown parameter 'queue.servers' (valid: q.x, q.s)");
}

static void test_gp_quote(void)
{
    static const char *const cases[][2] = {
        { "plain", "'plain'" },
        { "", "''" },
        { "'", "\"'\"" },
        { "'x'", "\"'\".'x'.\"'\"" },
        { "a''b", "'a'.\"'\".\"'\".'b'" },
        /* Nothing expands in single quotes; a newline would end the command. */
        { "\"`id` @out\\n\nx", "'\"`id` @out\\n x'" },
        { "bad \xff utf-8", "'bad \xef\xbf\xbd utf-8'" },
    };

    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autofree char *q = gp_quote(cases[i][0]);

        g_assert_cmpstr(q, ==, cases[i][1]);
    }
}

static void test_escape_controls(void)
{
    static const char *const cases[][2] = {
        { "plain µs ± 中", "plain µs ± 中" },
        { "a\x1b[31mb\x1b[0m", "a\\x1B[31mb\\x1B[0m" },
        { "\n\r\t\a\x7f", "\\n\\r\\t\\x07\\x7F" },
        /* U+009B, the one-byte CSI, and bytes that are not UTF-8 */
        { "\xc2\x9b"
          "2J \xff\xfe",
          "\\xC2\\x9B2J \\xFF\\xFE" },
        { "back\\slash", "back\\slash" },
    };

    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autofree char *e = escape_controls(cases[i][0]);

        g_assert_cmpstr(e, ==, cases[i][1]);
    }
}

/* No table format lets a control character from the database through. */
static void test_table_controls(struct fixture *f, gconstpointer data)
{
    static const char *const evil = "q.x=3,q.s=\x1b]0;title\x07\x1b[2J\xc2\x9b";
    const char *const metrics[] = { "sojourn_mean", NULL };
    struct table_opts o = { .scope = "all", .metrics = metrics };

    (void)data;
    for (int rep = 0; rep < 4; rep++)
        add_run(f->st, evil, rep, 5e-6, 500);
    for (int fmt = GRID_TEXT; fmt <= GRID_LATEX; fmt++) {
        g_autofree char *table = NULL, *cmp = NULL;

        o.format = (enum grid_format)fmt;
        table = capture(table_print, store_db(f->st), &o);
        cmp = capture(compare_x1, store_db(f->st), &o);
        for (const char *p = table; *p; p++)
            g_assert_true(*p == '\n' || !g_ascii_iscntrl(*p));
        for (const char *p = cmp; *p; p++)
            g_assert_true(*p == '\n' || !g_ascii_iscntrl(*p));
        g_assert_null(strstr(table, "\xc2\x9b"));
        /* Markdown and LaTeX escape the brackets and backslashes further. */
        g_assert_nonnull(strstr(table, "x1B"));
        g_assert_nonnull(strstr(cmp, "x07"));
    }
}

static void test_identical(struct fixture *f, gconstpointer data)
{
    sqlite3 *db = store_db(f->st);
    g_autoptr(GPtrArray) points = query_points(db);
    g_autoptr(GPtrArray) one = g_ptr_array_new();
    g_autofree char *note = NULL, *single = NULL, *none = NULL, *caption = NULL, *ranged = NULL;
    int64_t n = 0;

    (void)data;
    /* q.x=10 gave 3 us and 3000/s in every replication; the others vary. */
    g_assert_true(identical_point(db, "q.x=10,q.s=c\"|&_%$#{}~^\\", "all", &n));
    g_assert_cmpint(n, ==, 4);
    g_assert_false(identical_point(db, "q.x=1,q.s=a", "all", &n));
    note = identical_note(db, points, "all");
    g_assert_cmpstr(note, ==,
                    "note: at 1 of 3 points all replications are identical (e.g. all 4 of "
                    "'q.x=10,q.s=c\"|&_%$#{}~^\\'): their 95% CIs are 0 because the workload is "
                    "deterministic");
    g_ptr_array_add(one, (char *)"q.x=10,q.s=c\"|&_%$#{}~^\\");
    single = identical_note(db, one, "all");
    g_assert_cmpstr(single, ==,
                    "note: all 4 replications of point 'q.x=10,q.s=c\"|&_%$#{}~^\\' are "
                    "identical: its 95% CI is 0 because the workload is deterministic");
    caption = identical_caption(db, points, "all", "mean ± 95% CI");
    g_assert_cmpstr(caption, ==, "mean ± 95% CI, n = 4 replications");
    /* One replication is no evidence of anything. */
    add_run(f->st, "q.x=20,q.s=d", 0, 1e-6, 10);
    g_ptr_array_add(points, g_strdup("q.x=20,q.s=d"));
    ranged = identical_caption(db, points, "all", "mean");
    g_assert_cmpstr(ranged, ==, "mean, n = 1–4 replications");
    g_ptr_array_index(one, 0) = (char *)"q.x=20,q.s=d";
    none = identical_note(db, one, "all");
    g_assert_null(none);
}

static void test_open_errors(void)
{
    GError *error = NULL;
    g_autofree char *dir = g_dir_make_tmp("iovsim-test-XXXXXX", NULL);
    g_autofree char *junk = g_build_filename(dir, "junk.db", NULL);
    g_autofree char *missing = g_build_filename(dir, "missing.db", NULL);

    g_assert_true(g_file_set_contents(junk, "this is not sqlite, not at all, no no no", -1, NULL));
    g_assert_null(query_open(junk, &error));
    check_error(error, "not an iovsim database");
    error = NULL;
    g_assert_null(query_open(missing, &error));
    check_error(error, "no such database");
    g_assert_false(g_file_test(missing, G_FILE_TEST_EXISTS));
    g_unlink(junk);
    g_rmdir(dir);
}

static void test_format_parse(void)
{
    enum grid_format f;
    GError *error = NULL;

    g_assert_true(grid_format_parse("latex", &f, &error));
    g_assert_cmpint(f, ==, GRID_LATEX);
    g_assert_false(grid_format_parse("html", &f, &error));
    check_error(error, "unknown format 'html' (valid: text, csv, markdown, latex)");
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add("/analysis/table/formats", struct fixture, NULL, fixture_set_up, test_table_formats,
               fixture_tear_down);
    g_test_add("/analysis/compare/paired", struct fixture, NULL, fixture_set_up,
               test_compare_paired, fixture_tear_down);
    g_test_add("/analysis/query/bad-names", struct fixture, NULL, fixture_set_up, test_bad_names,
               fixture_tear_down);
    g_test_add_func("/analysis/gnuplot/quote", test_gp_quote);
    g_test_add_func("/analysis/escape/controls", test_escape_controls);
    g_test_add("/analysis/identical/note", struct fixture, NULL, fixture_set_up, test_identical,
               fixture_tear_down);
    g_test_add("/analysis/table/controls", struct fixture, NULL, fixture_set_up,
               test_table_controls, fixture_tear_down);
    g_test_add_func("/analysis/query/open-errors", test_open_errors);
    g_test_add_func("/analysis/table/format-parse", test_format_parse);
    return g_test_run();
}
