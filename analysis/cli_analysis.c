/* `iovsim table` and `iovsim compare`: read a results database, print the
 * summary view as a table or each point against a baseline. Both refuse
 * unknown scopes and metrics with the list of valid ones. */
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "cli.h"
#include "identical.h"
#include "query.h"
#include "scenario.h"
#include "table.h"

struct analysis_opts {
    char *metrics;
    char *scope;
    char *format;
    char *baseline;
};

/* A table wider than this wraps on most screens; a terminal's own width
 * when stdout is one, else $COLUMNS when set (a pager, a script). */
#define TABLE_WIDTH 160

static size_t screen_width(void)
{
    struct winsize ws;
    const char *env = g_getenv("COLUMNS");
    guint64 cols = 0;

    if (isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 40)
        return ws.ws_col;
    if (env && g_ascii_string_to_unsigned(env, 10, 40, 10000, &cols, NULL))
        return (size_t)cols;
    return TABLE_WIDTH;
}

/* The columns the scenario's `table` key names (as the sweep's own table
 * shows them), those the scope has; NULL if it names none. */
static char **scenario_columns(sqlite3 *db, const char *scope)
{
    g_autoptr(GPtrArray) points = query_points(db);
    g_autoptr(GPtrArray) have = query_metrics(db, scope);
    g_autofree char *wanted =
        points->len ? query_param(db, points->pdata[0], "scenario.table") : NULL;
    g_auto(GStrv) names = g_strsplit(wanted ? wanted : "", ",", -1);
    GPtrArray *out = g_ptr_array_new();

    for (size_t i = 0; names[i]; i++)
        if (g_ptr_array_find_with_equal_func(have, g_strstrip(names[i]), g_str_equal, NULL))
            g_ptr_array_add(out, g_strdup(names[i]));
    if (out->len == 0) {
        g_ptr_array_unref(out);
        return NULL;
    }
    g_ptr_array_add(out, NULL);
    return (char **)g_ptr_array_free(out, FALSE);
}

static int analyse(const char *db_path, struct analysis_opts *a)
{
    struct table_opts o = { .scope = a->scope ? a->scope : "all" };
    g_auto(GStrv) metrics = NULL;
    GError *error = NULL;
    struct store *st;
    guint hidden = 0;
    bool ok;

    if (!grid_format_parse(a->format ? a->format : "text", &o.format, &error))
        return cli_fail(error);
    st = query_open(db_path, &error);
    if (!st)
        return cli_fail(error);
    if (a->metrics && strcmp(a->metrics, "all") != 0) {
        metrics = g_strsplit(a->metrics, ",", -1);
        for (size_t i = 0; metrics[i]; i++)
            g_strstrip(metrics[i]);
        o.metrics = (const char *const *)metrics;
    } else if (a->baseline && !a->metrics) {
        /* Three columns per metric: keep the default readable. */
        o.max_metrics = 3;
    } else if (!a->metrics) {
        /* Seventy metrics side by side are unreadable: the scenario's
         * choice, else the headline metrics that fit (CSV is for tools). */
        metrics = scenario_columns(store_db(st), o.scope);
        o.metrics = (const char *const *)metrics;
        o.max_width = metrics || o.format == GRID_CSV ? 0 : screen_width();
        o.hidden = &hidden;
    }
    if (a->baseline)
        ok = compare_print(store_db(st), &o, a->baseline, stdout, &error);
    else
        ok = table_print(store_db(st), &o, stdout, &error);
    if (ok) {
        g_autoptr(GPtrArray) points = query_points(store_db(st));
        g_autofree char *note = identical_note(store_db(st), points, o.scope);

        /* After the table, so that a pipe sees the whole table first. */
        fflush(stdout);
        /* A table of no rows (every run failed, or none written yet) is
         * said to be empty, not left to look like a bug. */
        if (points->len == 0) {
            g_autofree char *empty =
                g_strdup_printf("note: '%s' holds no finished run: the table is empty", db_path);

            cli_print_line(empty);
        } else if (hidden)
            fprintf(stderr,
                    "note: %u more metric%s not shown; -m A,B,... picks them, -m all shows "
                    "every one\n",
                    hidden, hidden == 1 ? "" : "s");
        if (note)
            cli_print_line(note);
    }
    store_close(st);
    return ok ? 0 : cli_fail(error);
}

static int analysis_main(int argc, char **argv, bool compare)
{
    struct analysis_opts a = { 0 };
    GOptionEntry entries[] = {
        { "metrics", 'm', 0, G_OPTION_ARG_STRING, &a.metrics,
          "metrics to show, or all (default: the scenario's table key, else the headline "
          "metrics that fit the screen; compare: the first three)",
          "A,B,..." },
        { "scope", 0, 0, G_OPTION_ARG_STRING, &a.scope, "scope of the metrics (default all)",
          "SCOPE" },
        { "format", 'f', 0, G_OPTION_ARG_STRING, &a.format,
          "text (default), csv, markdown or latex", "FORMAT" },
        { "baseline", 'b', 0, G_OPTION_ARG_STRING, &a.baseline,
          "the baseline's value of one varied key", "KEY=VALUE" },
        { NULL },
    };
    g_autoptr(GOptionContext) ctx =
        g_option_context_new(compare ? "DB - each point against a baseline, paired 95% CIs"
                                     : "DB - mean and 95% CI of each metric at each point");
    GError *error = NULL;
    int status;

    /* --baseline belongs to compare only. */
    if (!compare)
        entries[3] = (GOptionEntry){ NULL };
    g_option_context_add_main_entries(ctx, entries, NULL);
    if (!cli_parse(ctx, &argc, &argv, &error)) {
        status = cli_fail(error);
    } else if (argc != 2) {
        fprintf(stderr, "iovsim %s: expected one database\n", compare ? "compare" : "table");
        status = 2;
    } else if (compare && !a.baseline) {
        fprintf(stderr, "iovsim compare: --baseline KEY=VALUE is required\n");
        status = 2;
    } else {
        status = analyse(argv[1], &a);
    }
    g_free(a.metrics);
    g_free(a.scope);
    g_free(a.format);
    g_free(a.baseline);
    return status;
}

int cli_table(int argc, char **argv)
{
    return analysis_main(argc, argv, false);
}

int cli_compare(int argc, char **argv)
{
    return analysis_main(argc, argv, true);
}
