/* Bars and stacked bars: grouped bars with CI error bars of one metric
 * over --x and --by, or of several metrics; stacks of several metrics (a
 * cost breakdown by stage) per point, per --x value, or in --x groups of
 * --by bars. */
#include <math.h>
#include <string.h>

#include "gnuplot.h"
#include "humanize.h"
#include "plot_by.h"
#include "plot_internal.h"
#include "plot_labels.h"
#include "plot_order.h"
#include "plot_slots.h"
#include "plot_stages.h"
#include "query.h"
#include "scenario.h"
#include "sweep.h"

/* "a,b" or "prefix_*" into checked metric names; all must share a unit. */
static GPtrArray *metric_list(sqlite3 *db, const char *spec, const char *scope, bool glob,
                              GError **error)
{
    g_auto(GStrv) parts = g_strsplit(spec, ",", -1);
    GPtrArray *out = g_ptr_array_new_with_free_func(g_free);

    for (size_t i = 0; parts[i]; i++) {
        char *name = g_strstrip(parts[i]);
        size_t n = strlen(name);

        if (glob && n > 0 && name[n - 1] == '*') {
            g_autoptr(GPtrArray) all = query_metrics(db, scope);
            guint before = out->len;

            for (guint k = 0; k < all->len; k++)
                if (strncmp(all->pdata[k], name, n - 1) == 0)
                    g_ptr_array_add(out, g_strdup(all->pdata[k]));
            if (out->len == before) {
                query_check_metric(db, scope, name, error);
                g_ptr_array_unref(out);
                return NULL;
            }
            continue;
        }
        if (!query_check_metric(db, scope, name, error)) {
            g_ptr_array_unref(out);
            return NULL;
        }
        g_ptr_array_add(out, g_strdup(name));
    }
    return out;
}

/* The unit shared by @metrics at @point; error if they differ. */
static bool common_unit(sqlite3 *db, GPtrArray *points, GPtrArray *metrics, const char *scope,
                        char unit[16], GError **error)
{
    *unit = '\0';
    for (guint m = 0; m < metrics->len; m++) {
        for (guint p = 0; p < points->len; p++) {
            struct query_stat st;

            if (!query_summary(db, points->pdata[p], scope, metrics->pdata[m], &st))
                continue;
            if (*unit && strcmp(unit, st.unit) != 0) {
                g_set_error(error, IOVSIM_ERROR, IOVSIM_ERROR_INPUT,
                            "metrics of different units on one axis ('%s' is in %s, '%s' in %s); "
                            "plot them separately",
                            (char *)metrics->pdata[0], unit, (char *)metrics->pdata[m], st.unit);
                return false;
            }
            g_strlcpy(unit, st.unit, 16);
            break;
        }
    }
    return true;
}

/* Largest |mean| over points x metrics, for the axis scale. */
static double biggest(sqlite3 *db, GPtrArray *points, GPtrArray *metrics, const char *scope,
                      bool stacked)
{
    double big = 0;

    for (guint p = 0; p < points->len; p++) {
        double sum = 0;
        for (guint m = 0; m < metrics->len; m++) {
            struct query_stat st;
            if (query_summary(db, points->pdata[p], scope, metrics->pdata[m], &st) &&
                isfinite(st.mean)) {
                sum += fabs(st.mean);
                big = MAX(big, fabs(st.mean));
            }
        }
        if (stacked)
            big = MAX(big, sum);
    }
    return big;
}

/* The name a point goes by in a bar chart: its x value, its by value, or
 * its whole label. */
static char *point_name(sqlite3 *db, const struct plot_spec *sp, const char *point)
{
    const char *key = sp->x ? sp->x : sp->by;
    char *v = key ? query_param(db, point, key) : NULL;

    return v ? v : g_strdup(point);
}

/* Drop metrics a "prefix_*" brought in that are zero at every point: a stage
 * a strategy never uses would only crowd the key. */
static void drop_zeros(sqlite3 *db, GPtrArray *points, GPtrArray *metrics, const char *scope)
{
    for (guint m = metrics->len; m-- > 0;) {
        g_autoptr(GPtrArray) one = g_ptr_array_new();

        g_ptr_array_add(one, metrics->pdata[m]);
        if (metrics->len > 1 && biggest(db, points, one, scope, false) == 0)
            g_ptr_array_remove_index(metrics, m);
    }
}

/* The series name of metric @name in a stack: what follows the prefix of
 * "prefix_*" (disk_stage_exit as stage_exit), else the whole name. */
static const char *stage_of(const struct plot_spec *sp, const char *star, const char *name)
{
    size_t pre = star && !strchr(sp->y, ',') ? (size_t)(star - sp->y) : 0;

    return name + (name[pre] ? pre : 0);
}

/* The point of @points with @key = @value (any, for a NULL key) and the
 * --by value @bval (any, for NULL). */
static const char *point_with(sqlite3 *db, GPtrArray *points, const char *key, const char *value,
                              const struct plot_by *b, const char *bval)
{
    for (guint p = 0; p < points->len; p++) {
        g_autofree char *v = key ? query_param(db, points->pdata[p], key) : NULL;
        g_autofree char *v2 = bval ? plot_by_value(b, db, points->pdata[p]) : NULL;

        if ((!key || g_strcmp0(v, value) == 0) && (!bval || g_strcmp0(v2, bval) == 0))
            return points->pdata[p];
    }
    return NULL;
}

/* Distinct values over @points of @key (or, NULL, of the --by keys of
 * @b), in declared order (plot_order.h). */
static GPtrArray *ordered_values(sqlite3 *db, GPtrArray *points, const char *key,
                                 const struct plot_by *b)
{
    g_autofree char **values = g_new0(char *, points->len + 1);
    const char *keys[] = { key ? key : b->key[0], key ? NULL : b->key[1], NULL };
    GPtrArray *out = g_ptr_array_new_with_free_func(g_free);

    for (guint p = 0; p < points->len; p++)
        values[p] =
            key ? query_param(db, points->pdata[p], key) : plot_by_value(b, db, points->pdata[p]);
    g_autoptr(GPtrArray) order = plot_value_order(points, values, keys);
    for (guint i = 0; i < order->len; i++)
        g_ptr_array_add(out, g_strdup(order->pdata[i]));
    for (guint p = 0; p < points->len; p++)
        g_free(values[p]);
    return out;
}

/* Distinct --by values over @points. */
static GPtrArray *by_values(sqlite3 *db, GPtrArray *points, const struct plot_by *b)
{
    return ordered_values(db, points, NULL, b);
}

/* Distinct values of @key over @points. */
static GPtrArray *values_of(sqlite3 *db, GPtrArray *points, const char *key)
{
    return ordered_values(db, points, key, NULL);
}

/* Each point alone at its (@xkey value, --by value): two points there would
 * be one bar nobody can tell apart. */
static bool one_point_each(sqlite3 *db, const struct plot_spec *sp, GPtrArray *points,
                           const char *xkey, const struct plot_by *by, GError **error)
{
    g_autoptr(GHashTable) seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);

    for (guint p = 0; p < points->len; p++) {
        g_autofree char *x = xkey ? query_param(db, points->pdata[p], xkey) : NULL;
        g_autofree char *b = plot_by_value(by, db, points->pdata[p]);

        if (!g_hash_table_add(seen, g_strdup_printf("%s\x1e%s", x ? x : "", b ? b : "")))
            return plot_ambiguous(db, sp, points->pdata[p], error);
    }
    return true;
}

/* The one key the points differ in (not fixed by --where), to name the
 * bars of a stack given neither --x nor --by; NULL for a single point.
 * False, with the line plot's message, when they differ in more. */
static bool only_key(sqlite3 *db, const struct plot_spec *sp, GPtrArray *points, const char **key,
                     GError **error)
{
    g_autoptr(GPtrArray) kv = points->len > 1 ? sweep_label_parse(points->pdata[0]) : NULL;

    *key = NULL;
    for (guint k = 0; kv && k < kv->len; k++) {
        const struct scenario_kv *p = kv->pdata[k];

        if (plot_where_fixes(sp, p->key))
            continue;
        if (*key)
            return plot_ambiguous(db, sp, points->pdata[0], error);
        *key = g_intern_string(p->key);
    }
    return true;
}

/* The stages in the order a request meets them (plot_stage_places()),
 * others after them by name; *@places gets each one's place. */
static void order_stages(const struct plot_spec *sp, const char *star, GPtrArray *metrics,
                         GArray **places)
{
    g_autofree const char **names = g_new(const char *, metrics->len + 1);
    g_autofree int *place = g_new(int, metrics->len + 1);
    GArray *sorted = g_array_new(FALSE, FALSE, sizeof(int));
    g_autoptr(GPtrArray) order = g_ptr_array_new();

    for (guint m = 0; m < metrics->len; m++)
        names[m] = stage_of(sp, star, metrics->pdata[m]);
    plot_stage_places(names, metrics->len, place);
    /* Insertion sort: a stable order of a dozen stages. */
    for (guint m = 0; m < metrics->len; m++) {
        guint at = order->len;
        int key = place[m] < 0 ? G_MAXINT : place[m];

        while (at > 0 && key < g_array_index(sorted, int, at - 1))
            at--;
        g_ptr_array_insert(order, (gint)at, metrics->pdata[m]);
        g_array_insert_val(sorted, at, key);
    }
    for (guint m = 0; m < metrics->len; m++) {
        metrics->pdata[m] = order->pdata[m];
        if (g_array_index(sorted, int, m) == G_MAXINT)
            g_array_index(sorted, int, m) = -1;
    }
    *places = sorted;
}

/* A bar of the stack: its label, then each metric's mean (0 if none). */
static void stack_row(sqlite3 *db, FILE *f, const char *label, const char *point,
                      GPtrArray *metrics, const char *scope, double fy)
{
    gp_write_field(f, label);
    for (guint m = 0; m < metrics->len; m++) {
        struct query_stat st;
        bool ok = point && query_summary(db, point, scope, metrics->pdata[m], &st);

        plot_write_num(f, ok && isfinite(st.mean) ? st.mean * fy : 0);
    }
    fputc('\n', f);
}

/* The bars: one per --x value (or --by value, or point), or with both
 * --x and --by one per --by value in a group per --x value, the group's
 * name under its bars and an empty slot between groups. */
static void stack_rows(sqlite3 *db, struct gp_job *j, const struct plot_spec *sp,
                       const struct plot_by *by, GPtrArray *points, GPtrArray *metrics, double fy)
{
    FILE *f = gp_job_data(j);
    g_autoptr(GPtrArray) groups = sp->x ? values_of(db, points, sp->x) : by_values(db, points, by);
    g_autoptr(GPtrArray) bars = sp->x && by->n ? by_values(db, points, by) : NULL;
    g_autoptr(GPtrArray) titles = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GArray) at = g_array_new(FALSE, FALSE, sizeof(double));
    size_t rows = 0, longest = 0;

    if (!sp->x && !by->n) {
        for (guint p = 0; p < points->len; p++, rows++) {
            g_autofree char *name = point_name(db, sp, points->pdata[p]);

            longest = MAX(longest, strlen(name));
            stack_row(db, f, name, points->pdata[p], metrics, sp->scope, fy);
        }
    }
    for (guint g = 0; (sp->x || by->n) && g < groups->len; g++) {
        char *group = sp->x ? g_strdup(plot_value_name(sp, sp->x, groups->pdata[g]))
                            : plot_by_name(by, sp, groups->pdata[g]);
        size_t first = rows;

        if (bars && g > 0)
            stack_row(db, f, "", NULL, metrics, sp->scope, fy), rows++;
        first = rows;
        for (guint b = 0; b < (bars ? bars->len : 1); b++) {
            const char *point = sp->x ? point_with(db, points, sp->x, groups->pdata[g], by,
                                                   bars ? bars->pdata[b] : NULL)
                                      : point_with(db, points, NULL, NULL, by, groups->pdata[g]);
            g_autofree char *label = bars ? plot_by_name(by, sp, bars->pdata[b]) : g_strdup(group);

            if (!point)
                continue;
            longest = MAX(longest, (size_t)g_utf8_strlen(label, -1));
            stack_row(db, f, label, point, metrics, sp->scope, fy);
            rows++;
        }
        g_ptr_array_add(titles, group);
        double mid = (double)(first + rows - 1) / 2;
        g_array_append_val(at, mid);
    }
    /* Labels that would run into each other slant instead. */
    bool slant = gp_job_slant_labels(j, rows, longest);
    gp_set_num(j, "n_groups", bars ? titles->len : 0);
    if (bars) {
        gp_set_str_array(j, "group_title", (const char *const *)titles->pdata, titles->len);
        gp_set_num_array(j, "group_at", (const double *)(void *)at->data, at->len);
        /* Below the bars' own labels, in lines of text. */
        gp_set_num(j, "group_drop", slant ? 1.5 + 0.45 * (double)longest : 2.2);
    }
}

bool plot_stack_data(sqlite3 *db, struct gp_job *j, const struct plot_spec *sp, GPtrArray *points,
                     GError **error)
{
    g_autoptr(GPtrArray) metrics = metric_list(db, sp->y, sp->scope, true, error);
    g_autoptr(GArray) places = NULL;
    const char *star = strchr(sp->y, '*');
    struct plot_spec one = *sp;
    struct plot_by by;
    char unit[16];
    double fy;
    const char *yu;

    if (!metrics || !common_unit(db, points, metrics, sp->scope, unit, error))
        return false;
    if (!sp->x && !sp->by && !only_key(db, sp, points, &one.x, error))
        return false;
    by = plot_by_of(&one);
    /* --by alone names the bars as --x would. */
    if (!one.x && by.n == 1) {
        one.x = g_intern_string(by.key[0]);
        plot_by_release(&by);
    }
    if (!one_point_each(db, &one, points, one.x, &by, error)) {
        plot_by_release(&by);
        return false;
    }
    if (star)
        drop_zeros(db, points, metrics, sp->scope);
    order_stages(sp, star, metrics, &places);
    yu = humanize_scale(biggest(db, points, metrics, sp->scope, true), unit, &fy);
    stack_rows(db, j, &one, &by, points, metrics, fy);
    /* "stage_*": the key says "Host stack", the axis "Time by stage (µs)";
     * a stage has its colour in every figure (its place in the data path),
     * disk_stage_exit as stage_exit. */
    for (guint m = 0; m < metrics->len; m++) {
        const char *stage = stage_of(sp, star, metrics->pdata[m]);
        const char *named = plot_value_name(sp, NULL, stage);
        g_autofree char *words = named != stage ? g_strdup(named) : plot_words(stage);
        int place = g_array_index(places, int, m);

        if (place >= 0)
            gp_add_series_variant(j, words, NULL, place, 0);
        else
            gp_add_named_series(j, words, stage);
    }
    g_autofree char *yl = plot_metric_axis(sp,
                                           metrics->len == 1             ? (char *)metrics->pdata[0]
                                           : star && !strchr(sp->y, ',') ? sp->y
                                                                         : NULL,
                                           yu);
    g_autofree char *xl = one.x || sp->xlabel ? plot_param_axis(sp, one.x, false, NULL)
                          : by.n              ? plot_by_legend(&by)
                                              : g_strdup("Point");
    gp_set_str(j, "x_label", xl);
    gp_job_set_y_label(j, yl);
    plot_by_release(&by);
    return true;
}

/* @point's label without the keys --where fixed: what tells the bars apart. */
static char *short_label(const struct plot_spec *sp, const char *point)
{
    g_autoptr(GPtrArray) kv = sweep_label_parse(point);
    GString *s = g_string_new(NULL);

    for (guint k = 0; k < kv->len; k++) {
        const struct scenario_kv *p = kv->pdata[k];

        if (!plot_where_fixes(sp, p->key))
            g_string_append_printf(s, "%s%s=%s", s->len ? "," : "", p->key, p->value);
    }
    if (s->len == 0)
        g_string_append(s, "mean, 95% CI");
    return g_string_free(s, FALSE);
}

/* @name as a tic label, which gnuplot reads as a format: '%' as "%%". */
static char *tic_text(const char *name)
{
    g_auto(GStrv) parts = g_strsplit(name, "%", -1);

    return g_strjoinv("%%", parts);
}

/* Bars: groups are the --x values (one metric) or the metrics (no --x);
 * the bars of a group are the --by values, or the points. */
bool plot_bars_data(sqlite3 *db, struct gp_job *j, const struct plot_spec *sp, GPtrArray *points,
                    GError **error)
{
    g_autoptr(GPtrArray) metrics = metric_list(db, sp->y, sp->scope, false, error);
    g_autoptr(GPtrArray) groups = NULL, bars = NULL;
    FILE *f = gp_job_data(j);
    char unit[16];
    double fy;
    const char *yu;
    struct plot_by by;

    if (!metrics || !common_unit(db, points, metrics, sp->scope, unit, error))
        return false;
    if (sp->x && metrics->len > 1) {
        g_set_error(error, IOVSIM_ERROR, IOVSIM_ERROR_INPUT,
                    "bars: give one metric with --x, or several without it");
        return false;
    }
    by = plot_by_of(sp);
    groups = sp->x ? values_of(db, points, sp->x) : g_ptr_array_ref(metrics);
    bars = sp->by ? by_values(db, points, &by) : NULL;
    /* Each (group, bar) one point, or the bars would hide points. */
    if (sp->x && (bars ? bars->len : 1) * groups->len < points->len) {
        plot_by_release(&by);
        return plot_ambiguous(db, sp, points->pdata[0], error);
    }
    yu = humanize_scale(biggest(db, points, metrics, sp->scope, false), unit, &fy);
    size_t longest = 0;
    guint n_bars = bars ? bars->len : (sp->x ? 1 : points->len);
    g_autofree struct query_stat *stat = g_new(struct query_stat, n_bars);
    g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
    bool defined = false;
    for (guint g = 0; g < groups->len; g++) {
        const char *unused;
        g_autofree char *name = sp->x ? g_strdup(plot_value_name(sp, sp->x, groups->pdata[g]))
                                      : plot_metric_label(groups->pdata[g], &unused);

        longest = MAX(longest, (size_t)g_utf8_strlen(name, -1));
        /* One metric's bars alone: the y axis names it already. */
        if (!sp->x && groups->len == 1)
            name[0] = '\0';
        gp_write_field(f, name);
        g_ptr_array_add(names, tic_text(name));
        size_t present = 0, nth = 0;
        for (guint b = 0; b < n_bars; b++) {
            const char *metric = sp->x ? metrics->pdata[0] : groups->pdata[g];
            const char *point =
                bars    ? point_with(db, points, sp->x, groups->pdata[g], &by, bars->pdata[b])
                : sp->x ? point_with(db, points, sp->x, groups->pdata[g], NULL, NULL)
                        : points->pdata[b];

            stat[b] = (struct query_stat){ .mean = NAN, .ci95 = NAN };
            if (point)
                query_summary(db, point, sp->scope, metric, &stat[b]);
            present += isfinite(stat[b].mean);
        }
        defined |= present > 0;
        /* Each bar in its series' colour, the group's bars closing ranks. */
        for (guint b = 0; b < n_bars; b++) {
            bool drawn = isfinite(stat[b].mean);

            plot_write_num(f, drawn ? plot_bar_x(g, nth++, present, n_bars) : NAN);
            plot_write_num(f, stat[b].mean * fy);
            plot_write_num(f, isfinite(stat[b].ci95) ? stat[b].ci95 * fy : 0);
        }
        fputc('\n', f);
    }
    if (!defined) {
        plot_by_release(&by);
        return plot_no_values(sp->y, error);
    }
    /* Several groups leave a group's width free on either side (bars.gp):
     * each label has 1/(n + 1) of the axis, not 1/n. */
    gp_job_slant_labels(j, groups->len > 1 ? groups->len + 1 : 1, longest);
    gp_set_num(j, "bar_groups", groups->len);
    gp_set_str_array(j, "group_name", (const char *const *)names->pdata, names->len);
    gp_set_num(j, "bar_width", 0.9 * plot_slot_width(n_bars));
    for (guint b = 0; b < n_bars; b++) {
        g_autofree char *name = bars || sp->x ? NULL : short_label(sp, points->pdata[b]);

        if (bars) {
            g_autofree char *title = plot_by_name(&by, sp, bars->pdata[b]);

            plot_by_add_series(&by, j, bars, bars->pdata[b], title);
        } else if (sp->x) {
            /* One series: the y axis names it, a key would only repeat it. */
            gp_add_series(j, "", NULL);
        } else {
            gp_add_series(j, name, NULL);
        }
    }
    plot_by_release(&by);
    g_autofree char *yl =
        plot_metric_axis(sp, metrics->len == 1 ? (char *)metrics->pdata[0] : NULL, yu);
    g_autofree char *xl = plot_param_axis(sp, sp->x, false, NULL);
    gp_set_str(j, "x_label", xl);
    gp_job_set_y_label(j, yl);
    return true;
}
