/* `iovsim export DB`: the points view as tidy rows (one per point, scope
 * and metric, the varied parameters as columns) in CSV or JSON, for pandas,
 * R, gnuplot or a spreadsheet. Numbers keep all 17 digits; NULL (an
 * undefined value, a CI of one replication) is an empty CSV field or null. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <sqlite3.h>

#include "cli.h"
#include "grid.h"
#include "query.h"
#include "scenario.h"

struct export_opts {
    char *format;
    char *metrics;
    char *scope;
};

static void json_string(GString *out, const char *s)
{
    g_string_append_c(out, '"');
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;

        if (c == '"' || c == '\\')
            g_string_append_printf(out, "\\%c", c);
        else if (c < 0x20)
            g_string_append_printf(out, "\\u%04x", c);
        else
            g_string_append_c(out, (char)c);
    }
    g_string_append_c(out, '"');
}

/* One value as CSV or JSON text. */
static void value(GString *out, sqlite3_stmt *s, int col, bool json)
{
    switch (sqlite3_column_type(s, col)) {
    case SQLITE_NULL:
        g_string_append(out, json ? "null" : "");
        break;
    case SQLITE_INTEGER:
        g_string_append_printf(out, "%lld", (long long)sqlite3_column_int64(s, col));
        break;
    case SQLITE_FLOAT:
        g_string_append_printf(out, "%.17g", sqlite3_column_double(s, col));
        break;
    default:
        if (json)
            json_string(out, (const char *)sqlite3_column_text(s, col));
        else
            grid_escape_csv(out, (const char *)sqlite3_column_text(s, col));
    }
}

static void print_row(GString *line, sqlite3_stmt *s, bool json, bool first)
{
    int n = sqlite3_column_count(s);

    g_string_truncate(line, 0);
    if (json)
        g_string_append(line, first ? "[\n  {" : ",\n  {");
    for (int c = 0; c < n; c++) {
        if (c)
            g_string_append_c(line, ',');
        if (json) {
            json_string(line, sqlite3_column_name(s, c));
            g_string_append_c(line, ':');
        }
        value(line, s, c, json);
    }
    g_string_append(line, json ? "}" : "\n");
    fputs(line->str, stdout);
}

static void print_header(GString *line, sqlite3_stmt *s)
{
    g_string_truncate(line, 0);
    for (int c = 0; c < sqlite3_column_count(s); c++) {
        if (c)
            g_string_append_c(line, ',');
        grid_escape_csv(line, sqlite3_column_name(s, c));
    }
    g_string_append_c(line, '\n');
    fputs(line->str, stdout);
}

/* Metric names, checked; NULL (every metric) when none are given. */
static char **pick_metrics(sqlite3 *db, const struct export_opts *o, const char *scope,
                           GError **error)
{
    g_auto(GStrv) names = NULL;

    if (!o->metrics)
        return NULL;
    names = g_strsplit(o->metrics, ",", -1);
    for (size_t i = 0; names[i]; i++) {
        g_strstrip(names[i]);
        if (!query_check_metric(db, scope, names[i], error))
            return NULL;
    }
    return g_steal_pointer(&names);
}

static bool export_points(sqlite3 *db, const struct export_opts *o, bool json, GError **error)
{
    const char *scope = o->scope ? o->scope : "all";
    g_auto(GStrv) metrics = NULL;
    g_autoptr(GString) line = g_string_new(NULL);
    sqlite3_stmt *s = NULL;
    bool first = true;

    if (!query_check_scope(db, scope, error))
        return false;
    metrics = pick_metrics(db, o, scope, error);
    if (o->metrics && !metrics)
        return false;
    if (sqlite3_prepare_v2(db,
                           "SELECT * FROM points WHERE scope = ?1 AND (?2 IS NULL OR "
                           "instr(?2, char(31) || name || char(31)) > 0) ORDER BY point, name",
                           -1, &s, NULL) != SQLITE_OK) {
        g_set_error(error, IOVSIM_ERROR, IOVSIM_ERROR_IO, "cannot read the points view: %s",
                    sqlite3_errmsg(db));
        return false;
    }
    /* The chosen metrics as one "\x1fa\x1fb\x1f" string: one bound value. */
    g_autofree char *wanted = NULL;
    if (metrics) {
        g_autofree char *joined = g_strjoinv("\x1f", metrics);
        wanted = g_strconcat("\x1f", joined, "\x1f", NULL);
    }
    sqlite3_bind_text(s, 1, scope, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, wanted, -1, SQLITE_STATIC);
    if (!json)
        print_header(line, s);
    while (sqlite3_step(s) == SQLITE_ROW) {
        print_row(line, s, json, first);
        first = false;
    }
    sqlite3_finalize(s);
    if (json)
        fputs(first ? "[]\n" : "\n]\n", stdout);
    if (fflush(stdout) != 0 || ferror(stdout)) {
        g_set_error(error, IOVSIM_ERROR, IOVSIM_ERROR_IO, "export: cannot write: %s",
                    g_strerror(errno));
        return false;
    }
    return true;
}

int cli_export(int argc, char **argv)
{
    struct export_opts o = { 0 };
    GOptionEntry entries[] = {
        { "format", 'f', 0, G_OPTION_ARG_STRING, &o.format, "csv (default) or json", "FORMAT" },
        { "metrics", 'm', 0, G_OPTION_ARG_STRING, &o.metrics, "only these metrics", "M1,M2,..." },
        { "scope", 0, 0, G_OPTION_ARG_STRING, &o.scope, "scope (default all)", "SCOPE" },
        { NULL },
    };
    g_autoptr(GOptionContext) ctx =
        g_option_context_new("DB - the points view as tidy rows (CSV or JSON)");
    GError *error = NULL;
    struct store *st = NULL;
    bool json = false;
    int status = 0;

    g_option_context_add_main_entries(ctx, entries, NULL);
    if (!cli_parse(ctx, &argc, &argv, &error)) {
        status = cli_fail(error);
    } else if (argc != 2) {
        fprintf(stderr, "iovsim export: expected one database (see 'iovsim export --help')\n");
        status = 2;
    } else if (o.format && strcmp(o.format, "csv") != 0 && strcmp(o.format, "json") != 0) {
        g_autofree char *msg =
            g_strdup_printf("iovsim export: unknown format '%s' (valid: csv, json)", o.format);
        cli_print_line(msg);
        status = 2;
    } else if (!(st = query_open(argv[1], &error))) {
        status = cli_fail(error);
    } else {
        json = o.format && strcmp(o.format, "json") == 0;
        if (!export_points(store_db(st), &o, json, &error))
            status = cli_fail(error);
    }
    store_close(st);
    g_free(o.format);
    g_free(o.metrics);
    g_free(o.scope);
    return status;
}
