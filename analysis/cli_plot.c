/* `iovsim plot`: one figure from the command line, or every [plot NAME]
 * figure a scenario declares (--scenario), drawn from a results database
 * through gnuplot. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "datadir.h"
#include "escape.h"
#include "gnuplot.h"
#include "identical.h"
#include "plot.h"
#include "query.h"
#include "scenario.h"
#include "sweep.h"

struct plot_opts {
    char *x, *y, *by, *scope, *kind, *title, *output, *scenario, *outdir;
    char *xlabel, *ylabel, *legend, *caption, *theme, *size;
    double font;
    char **where, **labels;
    gboolean logx, logy;
};

/* results/mm1-sojourn_mean.png next to the database (or in @outdir), if -o
 * is not given. */
static char *default_output(const char *db, const char *y, const char *outdir)
{
    g_autofree char *dir = outdir ? g_strdup(outdir) : g_path_get_dirname(db);
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

/* The figures' directory, made if need be. */
static bool make_outdir(const char *outdir, GError **error)
{
    if (!gp_path_is_text(outdir)) {
        g_set_error(error, IOVSIM_ERROR, IOVSIM_ERROR_INPUT, "'%s': %s", outdir, GP_PATH_RULE);
        return false;
    }
    if (g_mkdir_with_parents(outdir, 0777) == 0)
        return true;
    int err = errno;

    /* A directory the user may not make, or under a file, is bad input. */
    g_set_error(error, IOVSIM_ERROR,
                err == EACCES || err == EROFS || err == EPERM || err == ENOTDIR || err == EEXIST
                    ? IOVSIM_ERROR_INPUT
                    : IOVSIM_ERROR_IO,
                "'%s': cannot make directory: %s", outdir, g_strerror(err));
    return false;
}

static int plot_one(struct store *st, const char *db, const struct plot_opts *o)
{
    g_autofree char *output = o->output ? g_strdup(o->output) : default_output(db, o->y, o->outdir);
    struct plot_spec sp = {
        .x = o->x,
        .y = o->y,
        .by = o->by,
        .scope = o->scope ? o->scope : "all",
        .where = (const char *const *)o->where,
        .title = o->title,
        .xlabel = o->xlabel,
        .ylabel = o->ylabel,
        .legend = o->legend,
        .caption = o->caption,
        .theme = o->theme,
        .size = o->size,
        .font = o->font,
        .labels = (const char *const *)o->labels,
        .output = output,
        .logx = o->logx,
        .logy = o->logy,
    };
    g_autofree char *note = NULL;
    GError *error = NULL;

    if ((o->outdir && !make_outdir(o->outdir, &error)) ||
        !plot_kind_parse(o->kind ? o->kind : "lines", &sp.kind, &error) ||
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

/* The labels of @sc's sweep points in their declared order, NULL-terminated;
 * NULL if the sweep cannot be built (the database then has other points). */
static GPtrArray *declared_order(const struct scenario *sc)
{
    struct sweep *sw = sweep_new(sc, NULL, NULL, NULL, NULL);
    GPtrArray *out;

    if (!sw)
        return NULL;
    out = g_ptr_array_new_with_free_func(g_free);
    for (size_t i = 0; i < sweep_n_points(sw); i++)
        g_ptr_array_add(out, sweep_label(sw, i));
    g_ptr_array_add(out, NULL);
    sweep_free(sw);
    return out;
}

/* "a=1; b=2" as {"a=1", "b=2"}. */
static char **split_list(const char *text)
{
    char **parts = g_strsplit(text, ";", -1);

    for (size_t i = 0; parts[i]; i++)
        g_strstrip(parts[i]);
    return parts;
}

/* One [plot NAME] group; its keys are registered as plot.*.KEY. The loader
 * has checked that its output is a plain file name. */
static bool plot_declared(struct store *st, const struct scenario *sc, GPtrArray *order,
                          const char *name, const struct plot_opts *o, GError **error)
{
    g_autofree char *k = NULL;
#define KEY(field) (g_free(k), k = g_strdup_printf("plot.%s.%s", name, field), k)
    const char *output = nonempty(scenario_str(sc, KEY("output")));
    /* The scenario's name first (a safe file name, checked by the loader):
     * two scenarios' [plot iops] must not overwrite each other in results/. */
    g_autofree char *file =
        output ? g_strdup(output) : g_strdup_printf("%s-%s.png", scenario_name(sc), name);
    g_autofree char *path = g_build_filename(o->outdir ? o->outdir : "results", file, NULL);
    g_auto(GStrv) where = NULL, labels = NULL;
    const char *w = nonempty(scenario_str(sc, KEY("where")));
    const char *l = nonempty(scenario_str(sc, KEY("labels")));
    struct plot_spec sp = {
        .x = nonempty(scenario_str(sc, KEY("x"))),
        .y = nonempty(scenario_str(sc, KEY("y"))),
        .by = nonempty(scenario_str(sc, KEY("by"))),
        .scope = scenario_str(sc, KEY("scope")),
        /* A paper's caption says what a scenario's title would: only a
         * title asked for on the command line is drawn there. */
        .title =
            g_strcmp0(o->theme, "paper") == 0 ? NULL : nonempty(scenario_str(sc, KEY("title"))),
        .xlabel = nonempty(scenario_str(sc, KEY("xlabel"))),
        .ylabel = nonempty(scenario_str(sc, KEY("ylabel"))),
        .legend = nonempty(scenario_str(sc, KEY("legend"))),
        .caption = nonempty(scenario_str(sc, KEY("caption"))),
        .theme = o->theme,
        .size = o->size,
        .font = o->font,
        .logx = scenario_bool(sc, KEY("logx")),
        .logy = scenario_bool(sc, KEY("logy")),
        .output = path,
        .order = order ? (const char *const *)order->pdata : NULL,
    };

    if (w) {
        where = split_list(w);
        sp.where = (const char *const *)where;
    }
    if (l) {
        labels = split_list(l);
        sp.labels = (const char *const *)labels;
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
    g_autofree char *path = datadir_scenario(o->scenario);
    struct scenario *sc = scenario_load(path, NULL, &error);
    const char *outdir = o->outdir ? o->outdir : "results";
    g_autoptr(GPtrArray) names = NULL;
    int status = 0;

    if (!sc)
        return cli_fail(error);
    names = scenario_instances(sc, "plot");
    if (names->len == 0) {
        g_set_error(&error, IOVSIM_ERROR, IOVSIM_ERROR_INPUT, "%s: no [plot NAME] groups to draw",
                    path);
        status = cli_fail(error);
    }
    if (status == 0 && !make_outdir(outdir, &error))
        status = cli_fail(error);
    g_autoptr(GPtrArray) order = status == 0 ? declared_order(sc) : NULL;
    for (guint i = 0; status == 0 && i < names->len; i++)
        if (!plot_declared(st, sc, order, names->pdata[i], o, &error))
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
          "metric (bars, stack: A,B,... or prefix_*; cdf: histogram name; series: time series "
          "name)",
          "METRIC" },
        { "by", 'b', 0, G_OPTION_ARG_STRING, &o.by,
          "one series per value of (K1,K2: per pair, colour by K1, dashes or paler fill by K2; "
          "stack: bars within each --x group)",
          "PARAM[,PARAM]" },
        { "scope", 0, 0, G_OPTION_ARG_STRING, &o.scope, "scope of the metric (default all)",
          "SCOPE" },
        { "kind", 'k', 0, G_OPTION_ARG_STRING, &o.kind, "lines (default), bars, cdf, stack, series",
          "KIND" },
        { "where", 'w', 0, G_OPTION_ARG_STRING_ARRAY, &o.where, "only points with this value",
          "KEY=VALUE" },
        { "logx", 0, 0, G_OPTION_ARG_NONE, &o.logx, "logarithmic x axis", NULL },
        { "logy", 0, 0, G_OPTION_ARG_NONE, &o.logy, "logarithmic y axis", NULL },
        { "title", 't', 0, G_OPTION_ARG_STRING, &o.title, "title above the figure", "TEXT" },
        { "xlabel", 0, 0, G_OPTION_ARG_STRING, &o.xlabel,
          "x axis label (default: the parameter's name and unit)", "TEXT" },
        { "ylabel", 0, 0, G_OPTION_ARG_STRING, &o.ylabel,
          "y axis label (default: the metric's name and unit)", "TEXT" },
        { "legend", 0, 0, G_OPTION_ARG_STRING, &o.legend,
          "legend title (default: the --by parameter's name)", "TEXT" },
        { "caption", 0, 0, G_OPTION_ARG_STRING, &o.caption,
          "line under the figure (default: mean ± 95% CI, n = N replications; none: no line)",
          "TEXT" },
        { "theme", 0, 0, G_OPTION_ARG_STRING, &o.theme,
          "default, paper (one column: 3.3 in, 8 pt) or slides (16:9)", "THEME" },
        { "size", 0, 0, G_OPTION_ARG_STRING, &o.size,
          "figure size: W,H in pixels, or with in or cm (3.3in,2.2in)", "W,H" },
        { "font", 0, 0, G_OPTION_ARG_DOUBLE, &o.font, "font size in points (default: the theme's)",
          "PT" },
        { "label", 0, 0, G_OPTION_ARG_STRING_ARRAY, &o.labels,
          "name of a series, bar or category (repeatable)", "VALUE=TEXT" },
        { "output", 'o', 0, G_OPTION_ARG_FILENAME, &o.output,
          "figure file: .png, .pdf or .svg (default next to DB)", "FILE" },
        { "scenario", 0, 0, G_OPTION_ARG_FILENAME, &o.scenario,
          "draw the [plot NAME] figures this scenario declares", "FILE" },
        { "outdir", 0, 0, G_OPTION_ARG_FILENAME, &o.outdir,
          "directory of the figures without -o (default: results for --scenario, else the DB's)",
          "DIR" },
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
    } else if (o.output && o.outdir) {
        fprintf(stderr, "iovsim plot: -o names the figure's file; --outdir is for figures "
                        "named by default\n");
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
    g_free(o.xlabel), g_free(o.ylabel), g_free(o.legend), g_free(o.caption);
    g_free(o.theme), g_free(o.size);
    g_strfreev(o.where);
    g_strfreev(o.labels);
    return status;
}
