/* `iovsim table` and `iovsim compare`: read a results database, print the
 * summary view as a table or each point against a baseline. Both refuse
 * unknown scopes and metrics with the list of valid ones. */
#include <stdio.h>
#include <string.h>

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

static int analyse(const char *db_path, struct analysis_opts *a)
{
    struct table_opts o = { .scope = a->scope ? a->scope : "all" };
    g_auto(GStrv) metrics = NULL;
    GError *error = NULL;
    struct store *st;
    bool ok;

    if (!grid_format_parse(a->format ? a->format : "text", &o.format, &error))
        return cli_fail(error);
    if (a->metrics) {
        metrics = g_strsplit(a->metrics, ",", -1);
        for (size_t i = 0; metrics[i]; i++)
            g_strstrip(metrics[i]);
        o.metrics = (const char *const *)metrics;
    } else if (a->baseline) {
        /* Three columns per metric: keep the default readable. */
        o.max_metrics = 3;
    }
    st = query_open(db_path, &error);
    if (!st)
        return cli_fail(error);
    if (a->baseline)
        ok = compare_print(store_db(st), &o, a->baseline, stdout, &error);
    else
        ok = table_print(store_db(st), &o, stdout, &error);
    if (ok) {
        g_autoptr(GPtrArray) points = query_points(store_db(st));
        g_autofree char *note = identical_note(store_db(st), points, o.scope);

        /* After the table, so that a pipe sees the whole table first. */
        fflush(stdout);
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
          "metrics to show (default: all; compare: the first three)", "A,B,..." },
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
