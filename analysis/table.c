/* Tables over the summary view and paired comparisons against a baseline.
 * The comparison pairs replications by number: with common random numbers a
 * point and its baseline saw the same arrivals in rep r, so the spread of the
 * differences is far below that of either mean. */
#include "table.h"

#include <math.h>
#include <string.h>

#include "escape.h"
#include "query.h"
#include "scenario.h"
#include "stats.h"
#include "sweep.h"

/* Headline metrics first when a table must be short: what a reader of a
 * sweep summary looks for (throughput, latency, utilization), then the rest
 * in name order. */
static const char *const headline[] = {
    "throughput",  "latency_mean", "latency_p99", "sojourn_mean",
    "sojourn_p99", "wait_mean",    "utilization",
};

static void headline_first(GPtrArray *names)
{
    guint at = 0;

    for (size_t h = 0; h < G_N_ELEMENTS(headline); h++) {
        guint i;

        if (g_ptr_array_find_with_equal_func(names, headline[h], g_str_equal, &i) && i >= at) {
            gpointer p = names->pdata[i];

            memmove(&names->pdata[at + 1], &names->pdata[at], (i - at) * sizeof(gpointer));
            names->pdata[at++] = p;
        }
    }
}

/* Names and labels come from databases: what a cell or a header shows has
 * its control characters escaped, in every format, so that no name can
 * drive the terminal a table is printed on. */
static void set_text(struct grid *g, guint col, const char *text)
{
    g_autofree char *shown = escape_controls(text);

    grid_set_text(g, col, shown);
}

static guint add_col(struct grid *g, const char *name, const char *unit, bool has_ci)
{
    g_autofree char *shown = escape_controls(name);
    g_autofree char *shown_unit = unit ? escape_controls(unit) : NULL;

    return grid_add_col(g, shown, shown_unit, has_ci);
}

/* The metrics to show, each checked against the database. Caller unrefs. */
static GPtrArray *pick_metrics(sqlite3 *db, const struct table_opts *o, GError **error)
{
    GPtrArray *out;

    if (!query_check_scope(db, o->scope, error))
        return NULL;
    if (!o->metrics) {
        out = query_metrics(db, o->scope);
        if (o->max_metrics || o->max_width)
            headline_first(out);
        if (o->max_metrics && out->len > o->max_metrics)
            g_ptr_array_set_size(out, o->max_metrics);
        return out;
    }
    out = g_ptr_array_new_with_free_func(g_free);
    for (size_t i = 0; o->metrics[i]; i++) {
        if (!query_check_metric(db, o->scope, o->metrics[i], error)) {
            g_ptr_array_unref(out);
            return NULL;
        }
        g_ptr_array_add(out, g_strdup(o->metrics[i]));
    }
    return out;
}

static GPtrArray *pick_points(sqlite3 *db, const struct table_opts *o)
{
    return o->points ? g_ptr_array_ref(o->points) : query_points(db);
}

/* The unit a metric is stored in, from any point that has it. */
static const char *metric_unit(sqlite3 *db, GPtrArray *points, const char *scope, const char *name,
                               char buf[16])
{
    struct query_stat st;

    for (guint p = 0; p < points->len; p++) {
        if (query_summary(db, points->pdata[p], scope, name, &st)) {
            g_strlcpy(buf, st.unit, 16);
            return buf;
        }
    }
    return "1";
}

bool table_print(sqlite3 *db, const struct table_opts *o, FILE *out, GError **error)
{
    g_autoptr(GPtrArray) metrics = pick_metrics(db, o, error);
    g_autoptr(GPtrArray) points = NULL;
    struct grid *g;
    guint col_n;

    if (!metrics)
        return false;
    points = pick_points(db, o);
    if (metrics->len > 1)
        query_summary_all(db, o->scope);
    g = grid_new();
    add_col(g, "point", NULL, false);
    col_n = add_col(g, "n", "1", false);
    for (guint m = 0; m < metrics->len; m++) {
        char unit[16];
        add_col(g, metrics->pdata[m], metric_unit(db, points, o->scope, metrics->pdata[m], unit),
                true);
    }
    for (guint p = 0; p < points->len; p++) {
        int64_t n = 0;

        grid_add_row(g);
        set_text(g, 0, points->pdata[p]);
        for (guint m = 0; m < metrics->len; m++) {
            struct query_stat st;

            if (!query_summary(db, points->pdata[p], o->scope, metrics->pdata[m], &st))
                continue;
            grid_set_num(g, 2 + m, st.mean, st.ci95);
            n = MAX(n, st.n);
        }
        grid_set_num(g, col_n, (double)n, NAN);
    }
    /* point, n and one metric at least */
    guint hidden = o->max_width ? grid_fit(g, o->format, o->max_width, 3) : 0;
    if (o->hidden)
        *o->hidden = hidden;
    grid_print(g, o->format, out);
    grid_free(g);
    return true;
}

/* The value of @key in a parsed label, or NULL. */
static const char *label_value(GPtrArray *kv, const char *key)
{
    for (guint i = 0; i < kv->len; i++) {
        const struct scenario_kv *p = kv->pdata[i];

        if (strcmp(p->key, key) == 0)
            return p->value;
    }
    return NULL;
}

/*
 * Keys that move with @key (a lockstep group): each value of @key comes with
 * one value of theirs at every point. The database does not record lockstep
 * groups, but the points show them. Returns a set of key names.
 */
static GHashTable *locked_with(GPtrArray *points, const char *key)
{
    g_autoptr(GHashTable) maps =
        g_hash_table_new_full(g_str_hash, g_str_equal, g_free, (GDestroyNotify)g_hash_table_unref);
    GHashTable *broken = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    GHashTable *locked = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);

    for (guint i = 0; i < points->len; i++) {
        g_autoptr(GPtrArray) kv = sweep_label_parse(points->pdata[i]);
        const char *kval = label_value(kv, key);

        for (guint k = 0; kval && k < kv->len; k++) {
            const struct scenario_kv *p = kv->pdata[k];
            GHashTable *m = g_hash_table_lookup(maps, p->key);
            const char *seen;

            if (strcmp(p->key, key) == 0)
                continue;
            if (!m) {
                m = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
                g_hash_table_insert(maps, g_strdup(p->key), m);
            }
            seen = g_hash_table_lookup(m, kval);
            if (!seen)
                g_hash_table_insert(m, g_strdup(kval), g_strdup(p->value));
            else if (strcmp(seen, p->value) != 0)
                g_hash_table_add(broken, g_strdup(p->key));
        }
    }
    GHashTableIter it;
    gpointer k;
    g_hash_table_iter_init(&it, maps);
    while (g_hash_table_iter_next(&it, &k, NULL))
        if (!g_hash_table_contains(broken, k))
            g_hash_table_add(locked, g_strdup(k));
    g_hash_table_unref(broken);
    return locked;
}

/* The baseline of point @self: @key = @value, the keys locked with it at
 * their values there, every other key as in @self. @parsed holds each
 * point's parsed label (parsing them per point made compare quadratic).
 * NULL if there is none. */
static const char *find_baseline(GPtrArray *points, GPtrArray *parsed, guint self, const char *key,
                                 const char *value, GHashTable *locked)
{
    GPtrArray *mine = parsed->pdata[self];

    for (guint i = 0; i < points->len; i++) {
        GPtrArray *kv = parsed->pdata[i];
        bool match = kv->len == mine->len;

        for (guint k = 0; match && k < kv->len; k++) {
            const struct scenario_kv *p = kv->pdata[k];
            const char *v = label_value(mine, p->key);

            if (strcmp(p->key, key) == 0)
                match = strcmp(p->value, value) == 0;
            else if (!g_hash_table_contains(locked, p->key))
                match = v && strcmp(v, p->value) == 0;
        }
        if (match)
            return points->pdata[i];
    }
    return NULL;
}

static bool check_baseline(sqlite3 *db, GPtrArray *points, const char *key, const char *value,
                           GError **error)
{
    g_autoptr(GPtrArray) seen = g_ptr_array_new_with_free_func(g_free);
    GString *list;

    if (!query_check_varied(db, key, error))
        return false;
    for (guint i = 0; i < points->len; i++) {
        g_autoptr(GPtrArray) kv = sweep_label_parse(points->pdata[i]);

        for (guint k = 0; k < kv->len; k++) {
            const struct scenario_kv *p = kv->pdata[k];
            if (strcmp(p->key, key) != 0)
                continue;
            if (strcmp(p->value, value) == 0)
                return true;
            if (!g_ptr_array_find_with_equal_func(seen, p->value, g_str_equal, NULL))
                g_ptr_array_add(seen, g_strdup(p->value));
        }
    }
    list = g_string_new(NULL);
    for (guint i = 0; i < seen->len; i++)
        g_string_append_printf(list, "%s%s", i ? ", " : "", (char *)seen->pdata[i]);
    g_set_error(error, IOVSIM_ERROR, IOVSIM_ERROR_INPUT,
                "--baseline: no point has %s=%s (its values: %s)", key, value, list->str);
    g_string_free(list, TRUE);
    return false;
}

struct paired {
    double mean;      /* the point's mean over the paired reps */
    double base_mean; /* the baseline's */
    double diff, diff_ci;
    double ratio_ci; /* of mean / base_mean, delta method (see pair_up) */
    uint64_t n;
};

static bool pair_up(sqlite3 *db, const char *point, const char *base, const char *scope,
                    const char *name, struct paired *out)
{
    g_autoptr(GHashTable) x = query_rep_values(db, point, scope, name);
    g_autoptr(GHashTable) b = query_rep_values(db, base, scope, name);
    struct welford wx, wb, wd;
    GHashTableIter it;
    gpointer rep, v;

    g_autoptr(GArray) pairs = g_array_new(FALSE, FALSE, sizeof(double) * 2);
    struct welford wr;

    welford_init(&wx);
    welford_init(&wb);
    welford_init(&wd);
    g_hash_table_iter_init(&it, x);
    while (g_hash_table_iter_next(&it, &rep, &v)) {
        const double *bv = g_hash_table_lookup(b, rep);
        double pair[2];

        if (!bv)
            continue;
        pair[0] = *(double *)v;
        pair[1] = *bv;
        g_array_append_vals(pairs, pair, 1);
        welford_add(&wx, pair[0]);
        welford_add(&wb, pair[1]);
        welford_add(&wd, pair[0] - pair[1]);
    }
    if (wd.n == 0)
        return false;
    out->n = wd.n;
    out->mean = welford_mean(&wx);
    out->base_mean = welford_mean(&wb);
    out->diff = welford_mean(&wd);
    out->diff_ci = wd.n >= 2 ? ci95_halfwidth(sqrt(welford_variance(&wd)), wd.n) : NAN;
    /* Ratio of means R = mean / base_mean. The delta method gives
     * Var(R) ~ Var(x_i - R b_i) / (n base_mean^2): the baseline's own
     * spread counts, and so does the pairing (common random numbers). */
    out->ratio_ci = NAN;
    if (wd.n >= 2 && out->base_mean != 0) {
        double r = out->mean / out->base_mean;

        welford_init(&wr);
        for (guint i = 0; i < pairs->len; i++) {
            const double *pr = &g_array_index(pairs, double, 2 * i);

            welford_add(&wr, pr[0] - r * pr[1]);
        }
        out->ratio_ci = ci95_halfwidth(sqrt(welford_variance(&wr)), wr.n) / fabs(out->base_mean);
    }
    return true;
}

static void compare_row(struct grid *g, sqlite3 *db, const struct table_opts *o, GPtrArray *metrics,
                        const char *point, const char *base)
{
    uint64_t n = 0;

    grid_add_row(g);
    set_text(g, 0, point);
    set_text(g, 1, base);
    for (guint m = 0; m < metrics->len; m++) {
        struct paired pr;
        guint c = 3 + 3 * m;

        if (!pair_up(db, point, base, o->scope, metrics->pdata[m], &pr))
            continue;
        n = MAX(n, pr.n);
        grid_set_num(g, c, pr.mean, NAN);
        grid_set_num(g, c + 1, pr.diff, pr.diff_ci);
        if (pr.base_mean != 0)
            grid_set_num(g, c + 2, pr.mean / pr.base_mean, pr.ratio_ci);
    }
    grid_set_num(g, 2, (double)n, NAN);
}

bool compare_print(sqlite3 *db, const struct table_opts *o, const char *baseline, FILE *out,
                   GError **error)
{
    g_autoptr(GPtrArray) metrics = pick_metrics(db, o, error);
    g_autoptr(GPtrArray) points = NULL;
    const char *eq = strchr(baseline, '=');
    g_autofree char *key = NULL;
    g_autoptr(GPtrArray) parsed = NULL;
    GHashTable *locked;
    struct grid *g;

    if (!metrics)
        return false;
    if (!eq || eq == baseline) {
        g_set_error(error, IOVSIM_ERROR, IOVSIM_ERROR_INPUT,
                    "--baseline '%s': expected SECTION.KEY=VALUE", baseline);
        return false;
    }
    key = g_strndup(baseline, (gsize)(eq - baseline));
    points = pick_points(db, o);
    if (!check_baseline(db, points, key, eq + 1, error))
        return false;
    if (metrics->len > 1)
        query_summary_all(db, o->scope);
    g = grid_new();
    add_col(g, "point", NULL, false);
    add_col(g, "baseline", NULL, false);
    add_col(g, "pairs", "1", false);
    for (guint m = 0; m < metrics->len; m++) {
        const char *name = metrics->pdata[m];
        g_autofree char *d = g_strdup_printf("%s diff", name);
        g_autofree char *r = g_strdup_printf("%s ratio", name);
        char unit[16];

        metric_unit(db, points, o->scope, name, unit);
        add_col(g, name, unit, false);
        add_col(g, d, unit, true);
        add_col(g, r, "1", true);
    }
    locked = locked_with(points, key);
    parsed = g_ptr_array_new_with_free_func((GDestroyNotify)g_ptr_array_unref);
    for (guint p = 0; p < points->len; p++)
        g_ptr_array_add(parsed, sweep_label_parse(points->pdata[p]));
    for (guint p = 0; p < points->len; p++) {
        const char *base = find_baseline(points, parsed, p, key, eq + 1, locked);

        if (base)
            compare_row(g, db, o, metrics, points->pdata[p], base);
    }
    g_hash_table_unref(locked);
    grid_print(g, o->format, out);
    grid_free(g);
    return true;
}
