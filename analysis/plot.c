/* Figures: the points of a database are grouped into series by the --by
 * parameter and placed on the x axis by the --x parameter, read from each
 * run's stored parameters (numbers with units are converted, distributions
 * plotted at their mean, anything else becomes a category). Values are
 * scaled for people (us, Gb/s) per axis before gnuplot sees them. */
#include "plot.h"

#include <math.h>
#include <string.h>

#include "dist.h"
#include "gnuplot.h"
#include "humanize.h"
#include "identical.h"
#include "param.h"
#include "plot_by.h"
#include "plot_hidden.h"
#include "plot_internal.h"
#include "plot_labels.h"
#include "plot_order.h"
#include "query.h"
#include "scenario.h"
#include "sweep.h"

struct plot_row {
    char *xtext;  /* the parameter as stored, or a category */
    double x;     /* numeric x in base units (NAN if categorical) */
    double y, ci; /* base units */
};

struct plot_series {
    char *name;
    GArray *rows; /* struct plot_row */
};

static void series_free(gpointer p)
{
    struct plot_series *s = p;

    for (guint i = 0; i < s->rows->len; i++)
        g_free(g_array_index(s->rows, struct plot_row, i).xtext);
    g_array_unref(s->rows);
    g_free(s->name);
    g_free(s);
}

bool plot_kind_parse(const char *name, enum plot_kind *out, GError **error)
{
    static const char *const names[] = { "lines", "bars", "cdf", "stack", "series" };

    for (size_t i = 0; i < G_N_ELEMENTS(names); i++) {
        if (strcmp(name, names[i]) == 0) {
            *out = (enum plot_kind)i;
            return true;
        }
    }
    g_set_error(error, IOVSIM_ERROR, IOVSIM_ERROR_INPUT,
                "unknown plot kind '%s' (valid: lines, bars, cdf, stack, series)", name);
    return false;
}

static const struct param_def *registry_def(const char *key)
{
    const struct param_def *const *defs;
    size_t n = scenario_registry(&defs);

    for (size_t i = 0; i < n; i++)
        if (strcmp(defs[i]->key, key) == 0)
            return defs[i];
    return NULL;
}

/* A stored parameter as a number in base units; false for a category. */
static bool param_number(const struct param_def *def, const char *text, double *out)
{
    struct dist d;
    int64_t i;

    if (!def || !text)
        return false;
    switch (def->type) {
    case PARAM_INT:
        if (!unit_parse_int(text, def->dim, &i, NULL))
            return false;
        *out = (double)i;
        return true;
    case PARAM_REAL:
        return unit_parse_lenient(text, def->dim, out, NULL);
    case PARAM_DIST:
        if (!dist_parse(&d, text, def->dim, NULL, NULL))
            return false;
        *out = dist_mean(&d);
        dist_release(&d);
        return isfinite(*out);
    default:
        return false;
    }
}

/* A value's place among @key's values: its position in the registry's
 * choices for an enum (strategies in their usual order), false before true;
 * -1 when the registry gives no order. */
static int registry_rank(const char *key, const char *value)
{
    const struct param_def *def = registry_def(key);
    bool b;

    if (def && def->type == PARAM_BOOL && param_parse_bool(value, &b))
        return b;
    if (!def || def->type != PARAM_ENUM)
        return -1;
    g_auto(GStrv) choices = g_strsplit(def->choices, "|", -1);
    for (int i = 0; choices[i]; i++)
        if (strcmp(choices[i], value) == 0)
            return i;
    return -1;
}

/* Two labels key by key: enum and boolean values by registry_rank(),
 * others (numbers, distributions, text) in natural order. */
static gint registry_cmp(gconstpointer a, gconstpointer b)
{
    const char *x = *(const char *const *)a, *y = *(const char *const *)b;
    g_autoptr(GPtrArray) kx = sweep_label_parse(x);
    g_autoptr(GPtrArray) ky = sweep_label_parse(y);

    for (guint k = 0; k < kx->len && k < ky->len; k++) {
        const struct scenario_kv *p = kx->pdata[k], *q = ky->pdata[k];
        int rp = registry_rank(p->key, p->value), rq = registry_rank(q->key, q->value);

        if (strcmp(p->key, q->key) != 0)
            break;
        if (rp != rq && rp >= 0 && rq >= 0)
            return rp - rq;
        if (strcmp(p->value, q->value) != 0)
            return sweep_label_cmp(p->value, q->value);
    }
    return sweep_label_cmp(x, y);
}

/* Each point's index in the declared order; the others after them. */
static gint declared_cmp(gconstpointer a, gconstpointer b, gpointer data)
{
    GHashTable *rank = data;
    gpointer ra = g_hash_table_lookup(rank, *(const char *const *)a);
    gpointer rb = g_hash_table_lookup(rank, *(const char *const *)b);

    if (ra && rb)
        return GPOINTER_TO_INT(ra) - GPOINTER_TO_INT(rb);
    if (ra || rb)
        return ra ? -1 : 1;
    return registry_cmp(a, b);
}

/*
 * The points in the order the scenario declares them (@sp->order, else the
 * order the database recorded when they were swept), or else by the
 * registry's order of each key's values. Series, bars and categories then
 * follow: in the row-major order of a sweep their values first appear in
 * each key's declared order, and plot_value_order() keeps that order when
 * exclude rules left points out.
 */
static void sort_points(sqlite3 *db, const struct plot_spec *sp, GPtrArray *points)
{
    g_autoptr(GHashTable) rank = sp->order ? g_hash_table_new(g_str_hash, g_str_equal) : NULL;

    for (int i = 0; sp->order && sp->order[i]; i++)
        if (!g_hash_table_contains(rank, sp->order[i]))
            g_hash_table_insert(rank, (gpointer)sp->order[i], GINT_TO_POINTER(i + 1));
    if (!rank)
        rank = query_declared(db);
    if (!rank)
        rank = g_hash_table_new(g_str_hash, g_str_equal);
    g_ptr_array_sort_with_data(points, declared_cmp, rank);
}

/* The points left after --where (each filter key must be varied). */
static GPtrArray *select_points(sqlite3 *db, const char *const *where, GError **error)
{
    GPtrArray *points = query_points(db);

    /* gnuplot would fail on the empty data ("no valid points"), exit 1. */
    if (points->len == 0) {
        g_set_error(error, IOVSIM_ERROR, IOVSIM_ERROR_INPUT,
                    "nothing to plot: the database holds no finished run");
        g_ptr_array_unref(points);
        return NULL;
    }

    for (size_t w = 0; where && where[w]; w++) {
        const char *eq = strchr(where[w], '=');
        g_autofree char *key = eq ? g_strndup(where[w], (gsize)(eq - where[w])) : NULL;
        GPtrArray *kept = g_ptr_array_new_with_free_func(g_free);

        if (!key || !query_check_varied(db, key, error)) {
            if (!key)
                g_set_error(error, IOVSIM_ERROR, IOVSIM_ERROR_INPUT,
                            "--where '%s': expected KEY=VALUE", where[w]);
            g_ptr_array_unref(kept);
            g_ptr_array_unref(points);
            return NULL;
        }
        g_autoptr(GPtrArray) present = g_ptr_array_new_with_free_func(g_free);
        for (guint i = 0; i < points->len; i++) {
            g_autoptr(GPtrArray) kv = sweep_label_parse(points->pdata[i]);

            for (guint k = 0; k < kv->len; k++) {
                const struct scenario_kv *p = kv->pdata[k];
                if (strcmp(p->key, key) != 0)
                    continue;
                if (strcmp(p->value, eq + 1) == 0)
                    g_ptr_array_add(kept, g_strdup(points->pdata[i]));
                else if (!g_ptr_array_find_with_equal_func(present, p->value, g_str_equal, NULL))
                    g_ptr_array_add(present, g_strdup(p->value));
            }
        }
        g_ptr_array_unref(points);
        points = kept;
        if (points->len == 0) {
            g_ptr_array_add(present, NULL);
            g_autofree char *list = g_strjoinv(", ", (char **)present->pdata);

            g_set_error(error, IOVSIM_ERROR, IOVSIM_ERROR_INPUT,
                        "--where '%s': no point has it (%s values%s: %s)", where[w], key,
                        w > 0 ? " left by the --where before it" : "", list);
            g_ptr_array_unref(points);
            return NULL;
        }
    }
    return points;
}

static struct plot_series *series_get(GPtrArray *all, const char *name)
{
    struct plot_series *s;

    for (guint i = 0; i < all->len; i++) {
        s = all->pdata[i];
        if (strcmp(s->name, name) == 0)
            return s;
    }
    s = g_new0(struct plot_series, 1);
    s->name = g_strdup(name);
    s->rows = g_array_new(FALSE, TRUE, sizeof(struct plot_row));
    g_ptr_array_add(all, s);
    return s;
}

static gint row_cmp(gconstpointer a, gconstpointer b)
{
    const struct plot_row *x = a, *y = b;

    if (!isnan(x->x) && !isnan(y->x))
        return x->x < y->x ? -1 : x->x > y->x;
    return sweep_label_cmp(x->xtext, y->xtext);
}

/* Does a --where KEY=VALUE fix @key? */
bool plot_where_fixes(const struct plot_spec *sp, const char *key)
{
    size_t n = strlen(key);

    for (size_t w = 0; sp->where && sp->where[w]; w++)
        if (strncmp(sp->where[w], key, n) == 0 && sp->where[w][n] == '=')
            return true;
    return false;
}

/* The --by keys of @sp; check_spec() has refused bad ones. Release with
 * plot_by_release(). */
struct plot_by plot_by_of(const struct plot_spec *sp)
{
    struct plot_by b;

    if (!plot_by_parse(sp->by, &b, NULL))
        memset(&b, 0, sizeof(b));
    return b;
}

/* The keys of @point that neither --x, --by nor --where fix, quoted and
 * ", "-joined (empty if none). Caller frees. */
static char *free_keys(const struct plot_spec *sp, const char *point)
{
    g_autoptr(GPtrArray) kv = sweep_label_parse(point);
    struct plot_by b = plot_by_of(sp);
    GString *others = g_string_new(NULL);

    for (guint k = 0; k < kv->len; k++) {
        const struct scenario_kv *p = kv->pdata[k];

        if (g_strcmp0(p->key, sp->x) != 0 && !plot_by_has(&b, p->key) &&
            !plot_where_fixes(sp, p->key))
            g_string_append_printf(others, "%s'%s'", others->len ? ", " : "", p->key);
    }
    plot_by_release(&b);
    return g_string_free(others, FALSE);
}

/* Two points landed on one (series, x), or one bar: some other key varies
 * as well. */
bool plot_ambiguous(sqlite3 *db, const struct plot_spec *sp, const char *point, GError **error)
{
    g_autofree char *others = free_keys(sp, point);

    (void)db;
    if (!sp->x && !sp->by)
        g_set_error(error, IOVSIM_ERROR, IOVSIM_ERROR_INPUT,
                    "several points per bar: the points differ in %s; pick one with "
                    "--where KEY=VALUE, or name the bars with --x KEY and split them with --by "
                    "KEY",
                    *others ? others : "another key");
    else
        g_set_error(error, IOVSIM_ERROR, IOVSIM_ERROR_INPUT,
                    "several points per %s value: the points also differ in %s; pick one with "
                    "--where KEY=VALUE or split them with --by KEY",
                    sp->by ? "(x, by)" : "x", *others ? others : "another key");
    return false;
}

struct plot_data {
    struct plot_by by;
    GPtrArray *series; /* struct plot_series *, sorted */
    bool categorical;
    GPtrArray *x_order; /* x values (char *, owned) in declared order */
    const struct param_def *xdef;
    char unit[16]; /* y unit, SI */
};

/* Place of a series' name in @data (a hash of name -> place + 1); names
 * not there ("?") after the others. */
static gint series_place_cmp(gconstpointer pa, gconstpointer pb, gpointer data)
{
    const struct plot_series *a = *(const struct plot_series *const *)pa;
    const struct plot_series *b = *(const struct plot_series *const *)pb;
    guint ia = GPOINTER_TO_UINT(g_hash_table_lookup(data, a->name));
    guint ib = GPOINTER_TO_UINT(g_hash_table_lookup(data, b->name));

    ia = ia ? ia : G_MAXUINT;
    ib = ib ? ib : G_MAXUINT;
    return ia < ib ? -1 : ia > ib;
}

/* Series and categories in declared order (plot_order.h), also when
 * exclude rules left points out. */
static void order_lines(sqlite3 *db, const struct plot_spec *sp, GPtrArray *points,
                        struct plot_data *d)
{
    g_autofree char **xs = g_new0(char *, points->len + 1);
    g_autofree char **bs = g_new0(char *, points->len + 1);
    const char *xkeys[] = { sp->x, NULL };
    const char *bkeys[] = { d->by.key[0], d->by.key[1], NULL };
    g_autoptr(GHashTable) place = g_hash_table_new(g_str_hash, g_str_equal);

    for (guint p = 0; p < points->len; p++) {
        xs[p] = query_param(db, points->pdata[p], sp->x);
        bs[p] = sp->by ? plot_by_value(&d->by, db, points->pdata[p]) : NULL;
    }
    g_autoptr(GPtrArray) xo = plot_value_order(points, xs, xkeys);
    d->x_order = g_ptr_array_new_with_free_func(g_free);
    for (guint i = 0; i < xo->len; i++)
        g_ptr_array_add(d->x_order, g_strdup(xo->pdata[i]));
    if (sp->by) {
        g_autoptr(GPtrArray) bo = plot_value_order(points, bs, bkeys);

        for (guint i = 0; i < bo->len; i++)
            g_hash_table_insert(place, bo->pdata[i], GUINT_TO_POINTER(i + 1));
        g_ptr_array_sort_with_data(d->series, series_place_cmp, place);
    }
    for (guint p = 0; p < points->len; p++) {
        g_free(xs[p]);
        g_free(bs[p]);
    }
}

static bool collect_lines(sqlite3 *db, const struct plot_spec *sp, GPtrArray *points,
                          struct plot_data *d, GError **error)
{
    bool defined = false;

    d->xdef = registry_def(sp->x);
    for (guint p = 0; p < points->len; p++) {
        const char *point = points->pdata[p];
        g_autofree char *xt = query_param(db, point, sp->x);
        g_autofree char *bt = plot_by_value(&d->by, db, point);
        struct plot_series *s = series_get(d->series, sp->by ? (bt ? bt : "?") : sp->y);
        struct plot_row row = { .xtext = g_strdup(xt ? xt : "?"), .x = NAN };
        struct query_stat st;

        if (!query_summary(db, point, sp->scope, sp->y, &st)) {
            g_free(row.xtext);
            continue;
        }
        for (guint i = 0; i < s->rows->len; i++) {
            if (strcmp(g_array_index(s->rows, struct plot_row, i).xtext, row.xtext) == 0) {
                g_free(row.xtext);
                return plot_ambiguous(db, sp, point, error);
            }
        }
        if (!param_number(d->xdef, xt, &row.x))
            d->categorical = true;
        row.y = st.mean;
        row.ci = st.ci95;
        g_strlcpy(d->unit, st.unit, sizeof(d->unit));
        g_array_append_val(s->rows, row);
        defined |= isfinite(row.y);
    }
    order_lines(db, sp, points, d);
    if (points->len && !defined)
        return plot_no_values(sp->y, error);
    return true;
}

bool plot_no_values(const char *metric, GError **error)
{
    g_set_error(error, IOVSIM_ERROR, IOVSIM_ERROR_INPUT,
                "'%s' has no value at any point: it is undefined in every run (no samples "
                "in the measured span; a longer scenario.duration may give it some)",
                metric);
    return false;
}

/* The y scale from the largest value, the x scale likewise. */
static double y_factor(const struct plot_data *d, const char **unit)
{
    double big = 0, f;

    for (guint i = 0; i < d->series->len; i++) {
        const struct plot_series *s = d->series->pdata[i];
        for (guint r = 0; r < s->rows->len; r++) {
            double y = g_array_index(s->rows, struct plot_row, r).y;
            if (isfinite(y))
                big = MAX(big, fabs(y));
        }
    }
    *unit = humanize_scale(big, d->unit, &f);
    return f;
}

void plot_write_num(FILE *f, double v)
{
    char buf[G_ASCII_DTOSTR_BUF_SIZE];

    fprintf(f, " %s", isfinite(v) ? g_ascii_formatd(buf, sizeof(buf), "%.10g", v) : "NaN");
}

/* Categories in order of their first appearance among the points. */
static GPtrArray *categories(const struct plot_data *d)
{
    GPtrArray *cats = g_ptr_array_new();
    g_autoptr(GPtrArray) seen = g_ptr_array_new();

    for (guint i = 0; i < d->series->len; i++) {
        const struct plot_series *s = d->series->pdata[i];
        for (guint r = 0; r < s->rows->len; r++) {
            char *t = g_array_index(s->rows, struct plot_row, r).xtext;
            if (!g_ptr_array_find_with_equal_func(seen, t, g_str_equal, NULL))
                g_ptr_array_add(seen, t);
        }
    }
    /* In declared order; any without a place ("?") after them. */
    for (guint i = 0; d->x_order && i < d->x_order->len; i++) {
        guint at;

        if (g_ptr_array_find_with_equal_func(seen, d->x_order->pdata[i], g_str_equal, &at))
            g_ptr_array_add(cats, seen->pdata[at]);
    }
    for (guint i = 0; i < seen->len; i++)
        if (!g_ptr_array_find_with_equal_func(cats, seen->pdata[i], g_str_equal, NULL))
            g_ptr_array_add(cats, seen->pdata[i]);
    return cats;
}

/* An integer parameter with few values gets exactly those as tics: "1.5
 * servers" would be nonsense. Numbers only, so safe to pass as text. */
static void set_integer_tics(struct gp_job *j, const struct plot_data *d)
{
    g_autoptr(GArray) seen = g_array_new(FALSE, FALSE, sizeof(double));
    GString *list = g_string_new(NULL);

    for (guint i = 0; d->xdef && d->xdef->type == PARAM_INT && i < d->series->len; i++) {
        const struct plot_series *s = d->series->pdata[i];
        for (guint r = 0; r < s->rows->len; r++) {
            double x = g_array_index(s->rows, struct plot_row, r).x;
            bool dup = false;

            for (guint k = 0; k < seen->len; k++)
                dup |= g_array_index(seen, double, k) == x;
            if (!dup && isfinite(x)) {
                g_array_append_val(seen, x);
                g_string_append_printf(list, "%s%.0f", list->len ? " " : "", x);
            }
        }
    }
    /* Values crowded at one end (1, 2, 4, ..., 60) would overprint: let
     * gnuplot choose then. */
    double lo = INFINITY, hi = -INFINITY, gap = INFINITY;
    for (guint a = 0; a < seen->len; a++) {
        double x = g_array_index(seen, double, a);

        lo = MIN(lo, x);
        hi = MAX(hi, x);
        for (guint b = 0; b < a; b++)
            gap = MIN(gap, fabs(x - g_array_index(seen, double, b)));
    }
    bool fits = seen->len <= 16 && (seen->len < 2 || gap >= (hi - lo) / 30);
    gp_set_str(j, "x_tics", !d->categorical && fits ? list->str : "");
    g_string_free(list, TRUE);
}

/* The y axis of @metric (a name, "prefix_*", or NULL for several metrics)
 * in @unit (humanized): the spec's ylabel if it has one. Packet rates are
 * in pps: the store only knows "1/s". */
char *plot_metric_axis(const struct plot_spec *sp, const char *metric, const char *unit)
{
    static const char *const rates[][2] = {
        { "/s", "pps" },
        { "K/s", "Kpps" },
        { "M/s", "Mpps" },
        { "G/s", "Gpps" },
    };
    const char *count_unit = NULL;
    g_autofree char *label = metric ? plot_metric_label(metric, &count_unit) : g_strdup("Mean");
    bool packets = metric && (strcmp(metric, "pps") == 0 || g_str_has_suffix(metric, "_pps") ||
                              strstr(metric, "packets_per_second") != NULL);

    if (sp->ylabel)
        return g_strdup(sp->ylabel);
    if ((!unit || !*unit) && count_unit)
        unit = count_unit;
    for (size_t i = 0; packets && unit && i < G_N_ELEMENTS(rates); i++)
        if (strcmp(unit, rates[i][0]) == 0)
            unit = rates[i][1];
    return plot_axis_label(label, unit);
}

/* The x axis: the spec's xlabel, or the parameter's name with its unit. */
char *plot_param_axis(const struct plot_spec *sp, const char *key, bool dist_mean, const char *unit)
{
    g_autofree char *name = NULL;

    if (sp->xlabel)
        return g_strdup(sp->xlabel);
    if (!key)
        return g_strdup("");
    name = dist_mean ? g_strdup_printf("%s, mean", plot_param_label(key))
                     : g_strdup(plot_param_label(key));
    return plot_axis_label(name, unit);
}

/* An earlier series that series @i is drawn over (the same x, and y the
 * same or within @ey: plot_hidden.h), or NULL; *@how says which. The key
 * then says so (passthrough and SR-IOV share a data path with one VM). */
static const struct plot_series *same_curve(const struct plot_data *d, guint i, double ey,
                                            bool logy, enum plot_overlap *how)
{
    const struct plot_series *s = d->series->pdata[i];
    g_autofree double *ya = g_new(double, s->rows->len + 1);
    g_autofree double *yb = g_new(double, s->rows->len + 1);

    for (guint k = 0; k < i; k++) {
        const struct plot_series *t = d->series->pdata[k];
        bool same_x = t->rows->len == s->rows->len && s->rows->len > 0;

        for (guint r = 0; same_x && r < s->rows->len; r++) {
            const struct plot_row *a = &g_array_index(s->rows, struct plot_row, r);
            const struct plot_row *b = &g_array_index(t->rows, struct plot_row, r);

            same_x = a->x == b->x;
            ya[r] = a->y;
            yb[r] = b->y;
        }
        *how = same_x ? plot_points_overlap(ya, yb, s->rows->len, ey, logy) : PLOT_APART;
        if (*how != PLOT_APART)
            return t;
    }
    return NULL;
}

/* How far apart two lines may be and look like one: a fraction of the y
 * axis (from 0 to the top of the highest error bar; on a log axis, of its
 * decades). */
static double hidden_within(const struct plot_data *d, bool logy)
{
    double top = 0, bottom = INFINITY;

    for (guint i = 0; i < d->series->len; i++) {
        const struct plot_series *s = d->series->pdata[i];

        for (guint r = 0; r < s->rows->len; r++) {
            const struct plot_row *row = &g_array_index(s->rows, struct plot_row, r);

            if (!isfinite(row->y))
                continue;
            top = fmax(top, fabs(row->y) + (isfinite(row->ci) ? row->ci : 0));
            if (row->y > 0)
                bottom = fmin(bottom, row->y);
        }
    }
    if (logy)
        return PLOT_HIDDEN_FRACTION * (isfinite(bottom) ? fmax(log10(top / bottom), 1) : 1);
    return PLOT_HIDDEN_FRACTION * top;
}

/* "NAME (same as TWIN)", or "NAME (≈ TWIN)" for one that only looks the same. */
static char *hidden_title(const char *name, const char *twin, enum plot_overlap how)
{
    if (!twin)
        return g_strdup(name);
    return g_strdup_printf(how == PLOT_IDENTICAL ? "%s (same as %s)" : "%s (≈ %s)", name, twin);
}

static void draw_lines_data(struct gp_job *j, const struct plot_spec *sp, struct plot_data *d)
{
    FILE *f = gp_job_data(j);
    const char *yu, *xu = "";
    double fy = y_factor(d, &yu), fx = 1, bigx = 0;
    g_autoptr(GPtrArray) cats = NULL;
    g_autofree char *xl = NULL, *yl = plot_metric_axis(sp, sp->y, yu);

    g_autoptr(GPtrArray) names = g_ptr_array_new();

    if (d->categorical) {
        size_t longest = 0;

        cats = categories(d);
        for (guint c = 0; c < cats->len; c++)
            longest =
                MAX(longest, (size_t)g_utf8_strlen(plot_value_name(sp, sp->x, cats->pdata[c]), -1));
        gp_job_slant_labels(j, cats->len, longest);
    }
    for (guint i = 0; i < d->series->len; i++) {
        struct plot_series *s = d->series->pdata[i];

        g_ptr_array_add(names, s->name);

        /* Categories sit at their index, in the order the points give them. */
        for (guint r = 0; cats && r < s->rows->len; r++) {
            struct plot_row *row = &g_array_index(s->rows, struct plot_row, r);
            guint pos = 0;

            g_ptr_array_find_with_equal_func(cats, row->xtext, g_str_equal, &pos);
            row->x = pos;
        }
        g_array_sort(s->rows, row_cmp);
        for (guint r = 0; r < s->rows->len; r++)
            bigx = MAX(bigx, fabs(g_array_index(s->rows, struct plot_row, r).x));
    }
    if (!d->categorical && d->xdef && d->xdef->dim != DIM_NONE)
        xu = humanize_scale(bigx, unit_dim_base(d->xdef->dim), &fx);
    xl = plot_param_axis(sp, sp->x, d->xdef && d->xdef->type == PARAM_DIST && !d->categorical, xu);
    for (guint i = 0; i < d->series->len; i++) {
        const struct plot_series *s = d->series->pdata[i];

        for (guint r = 0; r < s->rows->len; r++) {
            const struct plot_row *row = &g_array_index(s->rows, struct plot_row, r);

            plot_write_num(f, row->x * fx);
            plot_write_num(f, row->y * fy);
            plot_write_num(f, isfinite(row->ci) ? row->ci * fy : 0);
            fputc(' ', f);
            gp_write_field(f, plot_value_name(sp, sp->x, row->xtext));
            fputc('\n', f);
        }
        fputs("\n\n", f);
        if (sp->by) {
            enum plot_overlap how = PLOT_APART;
            const struct plot_series *twin =
                same_curve(d, i, hidden_within(d, sp->logy), sp->logy, &how);
            g_autofree char *name = plot_by_name(&d->by, sp, s->name);
            g_autofree char *twin_name =
                twin ? plot_by_twin_name(&d->by, sp, s->name, twin->name) : NULL;
            g_autofree char *title = hidden_title(name, twin_name, how);

            plot_by_add_series(&d->by, j, names, s->name, title);
        } else {
            /* One line: the y axis names it, a key would only repeat it. */
            gp_add_series(j, "", NULL);
        }
    }
    gp_set_str(j, "x_label", xl);
    gp_job_set_y_label(j, yl);
    gp_set_num(j, "x_categorical", d->categorical);
    set_integer_tics(j, d);
}

/* @sql prepared with ?1, ?2, ?3 bound to @point, @scope and @name
 * (borrowed until the statement is finalized). */
static sqlite3_stmt *point_query(sqlite3 *db, const char *sql, const char *point, const char *scope,
                                 const char *name)
{
    sqlite3_stmt *s = NULL;

    sqlite3_prepare_v2(db, sql, -1, &s, NULL);
    g_assert(s);
    sqlite3_bind_text(s, 1, point, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, scope, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 3, name, -1, SQLITE_STATIC);
    return s;
}

/* The CDF of @name at @point, over the done replications, as (x, F(x))
 * rows: F rises linearly across each bucket [lo, hi), from F(lo) of the
 * buckets below to F(hi), and stays flat over empty ranges, so the curve
 * starts at 0 at the smallest sample and never claims more precision than
 * the histogram has. */
static GArray *cdf_buckets(sqlite3 *db, const char *point, const char *scope, const char *name,
                           char unit[16])
{
    sqlite3_stmt *s = point_query(db,
                                  "SELECT h.lo, h.hi, sum(h.count), h.unit FROM hist AS h "
                                  "JOIN runs AS r ON r.run_id = h.run_id WHERE r.status = 'done' "
                                  "AND r.point = ?1 AND h.scope = ?2 AND h.name = ?3 "
                                  "GROUP BY h.lo, h.hi, h.unit ORDER BY h.lo",
                                  point, scope, name);
    GArray *buckets = g_array_new(FALSE, FALSE, sizeof(double) * 3);
    GArray *out = g_array_new(FALSE, FALSE, sizeof(double) * 2);
    double total = 0, cum = 0;

    while (sqlite3_step(s) == SQLITE_ROW) {
        double b[3] = { sqlite3_column_double(s, 0), sqlite3_column_double(s, 1),
                        sqlite3_column_double(s, 2) };

        total += b[2];
        g_strlcpy(unit, (const char *)sqlite3_column_text(s, 3), 16);
        g_array_append_vals(buckets, b, 1);
    }
    sqlite3_finalize(s);
    for (guint i = 0; total > 0 && i < buckets->len; i++) {
        const double *b = &g_array_index(buckets, double, 3 * i);
        double start[2] = { b[0], cum / total };

        cum += b[2];
        double end[2] = { b[1], cum / total };
        g_array_append_vals(out, start, 1);
        g_array_append_vals(out, end, 1);
    }
    g_array_unref(buckets);
    return out;
}

/* An earlier curve of @curves that curve @k is drawn over, or -1; *@how
 * says whether it is identical or only within a fraction of the axes
 * (@xmax, @ymax: their extents). CDFs are compared as rising curves
 * (plot_cdf_overlap()), time series at the same sample times. */
static int same_cdf(GPtrArray *curves, guint k, bool cdf, double xmax, double ymax,
                    enum plot_overlap *how)
{
    GArray *c = curves->pdata[k];
    const double *a = (const double *)(void *)c->data;

    for (guint e = 0; e < k; e++) {
        GArray *o = curves->pdata[e];
        const double *b = (const double *)(void *)o->data;

        if (cdf) {
            *how = plot_cdf_overlap(a, c->len, b, o->len, PLOT_HIDDEN_FRACTION * xmax,
                                    PLOT_HIDDEN_FRACTION * ymax);
        } else {
            bool same_t = o->len == c->len && c->len > 0;
            g_autofree double *ya = g_new(double, c->len + 1);
            g_autofree double *yb = g_new(double, c->len + 1);

            for (guint i = 0; same_t && i < c->len; i++) {
                same_t = a[2 * i] == b[2 * i];
                ya[i] = a[2 * i + 1];
                yb[i] = b[2 * i + 1];
            }
            *how = same_t ? plot_points_overlap(ya, yb, c->len, PLOT_HIDDEN_FRACTION * ymax, false)
                          : PLOT_APART;
        }
        if (*how != PLOT_APART)
            return (int)e;
    }
    return -1;
}

/* A time series of @point, the mean over its done replications at each
 * sample time, as (t, value) rows; NULL samples are left out. */
static GArray *series_samples(sqlite3 *db, const char *point, const char *scope, const char *name,
                              char unit[16])
{
    sqlite3_stmt *s = point_query(db,
                                  "SELECT v.t, avg(v.value), v.unit FROM sample AS v "
                                  "JOIN runs AS r ON r.run_id = v.run_id WHERE r.status = 'done' "
                                  "AND r.point = ?1 AND v.scope = ?2 AND v.name = ?3 "
                                  "AND v.value IS NOT NULL GROUP BY v.t, v.unit ORDER BY v.t",
                                  point, scope, name);
    GArray *out = g_array_new(FALSE, FALSE, sizeof(double) * 2);

    while (sqlite3_step(s) == SQLITE_ROW) {
        double row[2] = { sqlite3_column_double(s, 0), sqlite3_column_double(s, 1) };

        g_strlcpy(unit, (const char *)sqlite3_column_text(s, 2), 16);
        g_array_append_vals(out, row, 1);
    }
    sqlite3_finalize(s);
    return out;
}

/* The largest x and |y| of @c: a series' scales (the CDF's x scale is its
 * 99th percentile instead: the far tail would squeeze the rest). */
static void curve_range(GArray *c, bool cdf, double *x, double *y)
{
    for (guint i = 0; i < c->len; i++) {
        double cx = g_array_index(c, double, 2 * i), cy = g_array_index(c, double, 2 * i + 1);

        if (!cdf || cy <= 0.99)
            *x = MAX(*x, cx);
        *y = MAX(*y, fabs(cy));
    }
}

/* Curves, one per point: the CDF of a histogram (cdf) or a time series
 * (series), which differ in their rows, scales and axis labels. */
static bool curves_data(sqlite3 *db, struct gp_job *j, const struct plot_spec *sp,
                        GPtrArray *points, GError **error)
{
    bool cdf = sp->kind == PLOT_CDF;
    double ybig = 0, fy = 1;
    const char *yu = NULL;
    g_autoptr(GPtrArray) curves = g_ptr_array_new_with_free_func((GDestroyNotify)g_array_unref);
    g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
    FILE *f = gp_job_data(j);
    char unit[16] = "s";
    double big = 0, fx;
    const char *xu;

    struct plot_by b = plot_by_of(sp);
    bool ok = cdf ? query_check_hist(db, sp->scope, sp->y, error)
                  : query_check_series(db, sp->scope, sp->y, error);

    for (guint p = 0; ok && p < points->len; p++) {
        char *name = plot_by_value(&b, db, points->pdata[p]);
        GArray *c =
            (cdf ? cdf_buckets : series_samples)(db, points->pdata[p], sp->scope, sp->y, unit);

        if (!name)
            name = g_strdup(points->pdata[p]);
        if (g_ptr_array_find_with_equal_func(names, name, g_str_equal, NULL)) {
            g_free(name);
            g_array_unref(c);
            ok = plot_ambiguous(db, sp, points->pdata[p], error);
            break;
        }
        curve_range(c, cdf, &big, &ybig);
        g_ptr_array_add(names, name);
        g_ptr_array_add(curves, c);
    }
    if (!ok) {
        plot_by_release(&b);
        return false;
    }
    xu = humanize_scale(big, cdf ? unit : "s", &fx);
    if (!cdf)
        yu = humanize_scale(ybig, unit, &fy);
    /* The axes' extents, for what looks like one curve: x to the last
     * sample of any curve, y to 1 (a CDF) or the highest sample. */
    double xmax = 0;
    for (guint k = 0; k < curves->len; k++) {
        GArray *c = curves->pdata[k];

        if (c->len)
            xmax = fmax(xmax, g_array_index(c, double, 2 * (c->len - 1)));
    }
    for (guint k = 0; k < curves->len; k++) {
        GArray *c = curves->pdata[k];
        enum plot_overlap how = PLOT_APART;
        int twin = same_cdf(curves, k, cdf, xmax, cdf ? 1 : ybig, &how);
        g_autofree char *name =
            sp->by ? plot_by_name(&b, sp, names->pdata[k]) : g_strdup(names->pdata[k]);
        g_autofree char *twin_name =
            twin < 0 ? NULL
            : sp->by ? plot_by_twin_name(&b, sp, names->pdata[k], names->pdata[twin])
                     : g_strdup(names->pdata[twin]);
        g_autofree char *title = hidden_title(name, twin_name, how);

        for (guint i = 0; i < c->len; i++) {
            plot_write_num(f, g_array_index(c, double, 2 * i) * fx);
            plot_write_num(f, g_array_index(c, double, 2 * i + 1) * fy);
            fputc('\n', f);
        }
        fputs("\n\n", f);
        if (sp->by)
            plot_by_add_series(&b, j, names, names->pdata[k], title);
        else
            gp_add_series(j, title, NULL);
    }
    plot_by_release(&b);
    const char *count_unit;
    g_autofree char *name = plot_metric_label(sp->y, &count_unit);
    g_autofree char *xl =
        sp->xlabel ? g_strdup(sp->xlabel) : plot_axis_label(cdf ? name : "Time", xu);
    g_autofree char *yl = sp->ylabel ? g_strdup(sp->ylabel)
                          : cdf      ? g_strdup("Fraction of samples")
                                     : plot_axis_label(name, yu);
    gp_set_str(j, "x_label", xl);
    gp_job_set_y_label(j, yl);
    return true;
}

static bool check_spec(sqlite3 *db, const struct plot_spec *sp, GError **error)
{
    if (!sp->y || !*sp->y) {
        g_set_error(error, IOVSIM_ERROR, IOVSIM_ERROR_INPUT, "plot: --y METRIC is required");
        return false;
    }
    if (sp->kind == PLOT_LINES && (!sp->x || !*sp->x)) {
        g_set_error(error, IOVSIM_ERROR, IOVSIM_ERROR_INPUT,
                    "plot: --x PARAM is required for lines");
        return false;
    }
    /* Bars and stacks start at zero: a log axis has no place for them. */
    if ((sp->kind == PLOT_BARS || sp->kind == PLOT_STACK) && (sp->logx || sp->logy)) {
        g_set_error(error, IOVSIM_ERROR, IOVSIM_ERROR_INPUT,
                    "plot: --logx and --logy apply to lines and cdf plots, not bars or stacks");
        return false;
    }
    if (!query_check_scope(db, sp->scope, error))
        return false;
    if (sp->kind == PLOT_LINES && !query_check_metric(db, sp->scope, sp->y, error))
        return false;
    struct plot_by b;
    bool ok = plot_by_parse(sp->by, &b, error) && (!sp->x || query_check_param(db, sp->x, error));

    for (int i = 0; ok && i < b.n; i++)
        ok = query_check_param(db, b.key[i], error);
    plot_by_release(&b);
    return ok;
}

static bool fill(sqlite3 *db, struct gp_job *j, const struct plot_spec *sp, GPtrArray *points,
                 GError **error)
{
    struct plot_data d = {
        .by = plot_by_of(sp),
        .series = g_ptr_array_new_with_free_func(series_free),
    };
    bool ok = true;

    switch (sp->kind) {
    case PLOT_LINES:
        ok = collect_lines(db, sp, points, &d, error);
        if (ok) {
            draw_lines_data(j, sp, &d);
        }
        break;
    case PLOT_BARS:
        ok = plot_bars_data(db, j, sp, points, error);
        break;
    case PLOT_STACK:
        ok = plot_stack_data(db, j, sp, points, error);
        break;
    case PLOT_CDF:
    case PLOT_SERIES:
        ok = curves_data(db, j, sp, points, error);
        break;
    }
    g_ptr_array_unref(d.series);
    if (d.x_order)
        g_ptr_array_unref(d.x_order);
    plot_by_release(&d.by);
    return ok;
}

static const char *const templates[] = {
    [PLOT_LINES] = "lines.gp", [PLOT_BARS] = "bars.gp",     [PLOT_CDF] = "cdf.gp",
    [PLOT_STACK] = "stack.gp", [PLOT_SERIES] = "series.gp",
};

bool plot_draw(sqlite3 *db, const struct plot_spec *sp, char **note, GError **error)
{
    g_autoptr(GPtrArray) points = NULL;
    struct gp_job *j;
    bool ok;

    if (!check_spec(db, sp, error))
        return false;
    points = select_points(db, sp->where, error);
    if (!points)
        return false;
    sort_points(db, sp, points);
    j = gp_job_new(sp->output, error);
    if (!j)
        return false;
    if (!gp_job_set_look(j, sp->theme, sp->size, sp->font, error)) {
        gp_job_free(j);
        return false;
    }
    gp_job_set_title(j, sp->title);
    struct plot_by b = plot_by_of(sp);
    g_autofree char *legend = plot_by_legend(&b);

    plot_by_release(&b);
    /* A stack's key lists its segments, not the --by values. */
    gp_job_set_key_title(j, sp->legend ? sp->legend : sp->kind == PLOT_STACK ? "" : legend);
    gp_set_str(j, "x_tics", "");
    gp_set_num(j, "log_x", sp->logx);
    gp_set_num(j, "log_y", sp->logy);
    static const char *const shown[] = {
        [PLOT_LINES] = "mean ± 95% CI",      [PLOT_BARS] = "mean ± 95% CI",
        [PLOT_CDF] = "samples pooled",       [PLOT_STACK] = "mean",
        [PLOT_SERIES] = "mean at each time",
    };
    g_autofree char *caption =
        sp->caption ? NULL : identical_caption(db, points, sp->scope, shown[sp->kind]);
    /* "none" drops the caption: the paper's own caption may say it. */
    gp_job_set_caption(j, caption                               ? caption
                          : g_strcmp0(sp->caption, "none") == 0 ? ""
                                                                : sp->caption);
    ok = fill(db, j, sp, points, error) && gp_job_run(j, templates[sp->kind], error);
    gp_job_free(j);
    if (ok && note)
        *note = identical_note(db, points, sp->scope);
    return ok;
}
