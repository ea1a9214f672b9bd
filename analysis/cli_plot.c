/* `iovsim plot`: one figure from the command line, or every [plot NAME]
 * figure a scenario declares (--scenario), drawn from a results database
 * through gnuplot. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "escape.h"
#include "identical.h"
#include "plot.h"
#include "query.h"
#include "scenario.h"

struct plot_opts {
    char *x, *y, *by, *scope, *kind, *title, *output, *scenario, *outdir;
    char **where;
    gboolean logx, logy;
};

/* results/mm1-sojourn_mean.png next to the database, if -o is not given. */
static char *default_output(const char *db, const char *y)
{
    g_autofree char *dir = g_path_get_dirname(db);
    g_autofree char *base = g_path_get_basename(db);
    g_autofree char *metric = g_strdup(y);
    char *dot = strrchr(base, '.');

    if (dot)
        *dot = '\0';
    g_strcanon(metric, G_CSET_a_2_z G_CSET_A_2_Z G_CSET_DIGITS "_-", '_');
    g_autofree char *name = g_strdup_printf("%s-%s.png", base, metric);
    return g_build_filename(dir, name, NULL);
}

/* A path from a scenario or a database: no escape sequence reaches the terminal. */
static void print_wrote(const char *path)
{
    g_autofree char *shown = escape_controls(path);

    printf("wrote %s\n", shown);
}

static int plot_one(struct store *st, const char *db, const struct plot_opts *o)
{
    g_autofree char *output = o->output ? g_strdup(o->output) : default_output(db, o->y);
    struct plot_spec sp = {
        .x = o->x,
        .y = o->y,
        .by = o->by,
        .scope = o->scope ? o->scope : "all",
        .where = (const char *const *)o->where,
        .title = o->title,
        .output = output,
        .logx = o->logx,
        .logy = o->logy,
    };
    g_autofree char *note = NULL;
    GError *error = NULL;

    if (!plot_kind_parse(o->kind ? o->kind : "lines", &sp.kind, &error) ||
        !plot_draw(store_db(st), &sp, &note, &error))
        return cli_fail(error);
    print_wrote(output);
    if (note)
        cli_print_line(note);
    return 0;
}

static const char *nonempty(const char *s)
{
    return s && *s ? s : NULL;
}

/* One [plot NAME] group; its keys are registered as plot.*.KEY. The loader
 * has checked that its output is a plain file name. */
static bool plot_declared(struct store *st, const struct scenario *sc, const char *name,
                          const char *outdir, GError **error)
{
    g_autofree char *k = NULL;
#define KEY(field) (g_free(k), k = g_strdup_printf("plot.%s.%s", name, field), k)
    const char *output = nonempty(scenario_str(sc, KEY("output")));
    g_autofree char *file = output ? g_strdup(output) : g_strdup_printf("%s.png", name);
    g_autofree char *path = g_build_filename(outdir, file, NULL);
    g_auto(GStrv) where = NULL;
    const char *w = nonempty(scenario_str(sc, KEY("where")));
    struct plot_spec sp = {
        .x = nonempty(scenario_str(sc, KEY("x"))),
        .y = nonempty(scenario_str(sc, KEY("y"))),
        .by = nonempty(scenario_str(sc, KEY("by"))),
        .scope = scenario_str(sc, KEY("scope")),
        .title = nonempty(scenario_str(sc, KEY("title"))),
        .logx = scenario_bool(sc, KEY("logx")),
        .logy = scenario_bool(sc, KEY("logy")),
        .output = path,
    };

    if (w) {
        where = g_strsplit(w, ";", -1);
        for (size_t i = 0; where[i]; i++)
            g_strstrip(where[i]);
        sp.where = (const char *const *)where;
    }
    if (!plot_kind_parse(scenario_str(sc, KEY("kind")), &sp.kind, error) ||
        !plot_draw(store_db(st), &sp, NULL, error)) {
        g_prefix_error(error, "%s: [plot %s]: ", scenario_path(sc), name);
        return false;
    }
#undef KEY
    print_wrote(path);
    return true;
}

static int plot_scenario(struct store *st, const struct plot_opts *o)
{
    GError *error = NULL;
    struct scenario *sc = scenario_load(o->scenario, NULL, &error);
    const char *outdir = o->outdir ? o->outdir : "results";
    g_autoptr(GPtrArray) names = NULL;
    int status = 0;

    if (!sc)
        return cli_fail(error);
    names = scenario_instances(sc, "plot");
    if (names->len == 0) {
        g_set_error(&error, IOVSIM_ERROR, IOVSIM_ERROR_INPUT, "%s: no [plot NAME] groups to draw",
                    o->scenario);
        status = cli_fail(error);
    }
    if (status == 0 && g_mkdir_with_parents(outdir, 0777) != 0) {
        g_set_error(&error, IOVSIM_ERROR, IOVSIM_ERROR_IO, "'%s': cannot make directory: %s",
                    outdir, g_strerror(errno));
        status = cli_fail(error);
    }
    for (guint i = 0; status == 0 && i < names->len; i++)
        if (!plot_declared(st, sc, names->pdata[i], outdir, &error))
            status = cli_fail(error);
    /* One note for all the figures, not one per figure. */
    if (status == 0) {
        g_autoptr(GPtrArray) points = query_points(store_db(st));
        g_autofree char *note = identical_note(store_db(st), points, "all");

        if (note)
            cli_print_line(note);
    }
    scenario_free(sc);
    return status;
}

int cli_plot(int argc, char **argv)
{
    struct plot_opts o = { 0 };
    GOptionEntry entries[] = {
        { "x", 'x', 0, G_OPTION_ARG_STRING, &o.x, "parameter on the x axis", "PARAM" },
        { "y", 'y', 0, G_OPTION_ARG_STRING, &o.y,
          "metric (bars, stack: A,B,... or prefix_*; cdf: histogram name)", "METRIC" },
        { "by", 'b', 0, G_OPTION_ARG_STRING, &o.by, "one series per value of", "PARAM" },
        { "scope", 0, 0, G_OPTION_ARG_STRING, &o.scope, "scope of the metric (default all)",
          "SCOPE" },
        { "kind", 'k', 0, G_OPTION_ARG_STRING, &o.kind, "lines (default), bars, cdf, stack",
          "KIND" },
        { "where", 'w', 0, G_OPTION_ARG_STRING_ARRAY, &o.where, "only points with this value",
          "KEY=VALUE" },
        { "logx", 0, 0, G_OPTION_ARG_NONE, &o.logx, "logarithmic x axis", NULL },
        { "logy", 0, 0, G_OPTION_ARG_NONE, &o.logy, "logarithmic y axis", NULL },
        { "title", 't', 0, G_OPTION_ARG_STRING, &o.title, "title above the figure", "TEXT" },
        { "output", 'o', 0, G_OPTION_ARG_FILENAME, &o.output,
          "figure file: .png, .pdf or .svg (default next to DB)", "FILE" },
        { "scenario", 0, 0, G_OPTION_ARG_FILENAME, &o.scenario,
          "draw the [plot NAME] figures this scenario declares", "FILE" },
        { "outdir", 0, 0, G_OPTION_ARG_FILENAME, &o.outdir,
          "directory of --scenario figures (default results)", "DIR" },
        { NULL },
    };
    g_autoptr(GOptionContext) ctx = g_option_context_new("DB - draw figures with gnuplot");
    GError *error = NULL;
    struct store *st = NULL;
    int status;

    g_option_context_add_main_entries(ctx, entries, NULL);
    if (!cli_parse(ctx, &argc, &argv, &error)) {
        status = cli_fail(error);
    } else if (argc != 2) {
        fprintf(stderr, "iovsim plot: expected one database (see 'iovsim plot --help')\n");
        status = 2;
    } else if (o.scenario && o.output) {
        /* Ignoring -o would leave the user looking for a figure elsewhere. */
        fprintf(stderr, "iovsim plot: -o draws one figure from --x/--y; --scenario figures go "
                        "to --outdir DIR\n");
        status = 2;
    } else if (!o.scenario && !o.y) {
        fprintf(stderr, "iovsim plot: --y METRIC (or --scenario FILE) is required\n");
        status = 2;
    } else if (!(st = query_open(argv[1], &error))) {
        status = cli_fail(error);
    } else {
        status = o.scenario ? plot_scenario(st, &o) : plot_one(st, argv[1], &o);
    }
    store_close(st);
    g_free(o.x), g_free(o.y), g_free(o.by), g_free(o.scope), g_free(o.kind);
    g_free(o.title), g_free(o.output), g_free(o.scenario), g_free(o.outdir);
    g_strfreev(o.where);
    return status;
}
