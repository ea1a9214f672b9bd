/* One run's results: metric rows and histograms, in SI base units. Metrics
 * are indexed by (scope, name): a run of 60 VMs reports thousands of rows,
 * and a linear search per row made building the report quadratic.
 * Formatting and storage are elsewhere (cli_run.c, store.c). */
#include "report.h"

#include <string.h>

#include "store_hist.h"

static void metric_free(gpointer p)
{
    struct report_metric *m = p;

    g_free(m->scope);
    g_free(m->name);
    g_free(m->unit);
    g_free(m);
}

static void hist_row_free(gpointer p)
{
    struct report_hist *h = p;

    g_free(h->scope);
    g_free(h->name);
    g_free(h->unit);
    g_free(h->bins);
    g_free(h->counts);
    g_free(h);
}

static void series_free(gpointer p)
{
    struct report_series *s = p;

    g_free(s->scope);
    g_free(s->name);
    g_free(s->unit);
    g_free(s->values);
    g_free(s);
}

struct report *report_new(void)
{
    struct report *r = g_new0(struct report, 1);

    r->metrics = g_ptr_array_new_with_free_func(metric_free);
    r->hists = g_ptr_array_new_with_free_func(hist_row_free);
    r->series = g_ptr_array_new_with_free_func(series_free);
    r->index = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    return r;
}

void report_free(struct report *r)
{
    if (!r)
        return;
    g_hash_table_unref(r->index);
    g_ptr_array_unref(r->metrics);
    g_ptr_array_unref(r->hists);
    g_ptr_array_unref(r->series);
    g_free(r);
}

/* Unit separator: cannot appear in a scope or a metric name. */
static char *index_key(const char *scope, const char *name)
{
    return g_strconcat(scope, "\x1f", name, NULL);
}

/* The index is a cache of the metrics: a const report may fill it in. */
static struct report_metric *metric_lookup(const struct report *cr, const char *scope,
                                           const char *name)
{
    struct report *r = (struct report *)cr;
    g_autofree char *key = index_key(scope, name);

    for (; r->indexed < r->metrics->len; r->indexed++) {
        struct report_metric *m = g_ptr_array_index(r->metrics, r->indexed);

        g_hash_table_insert(r->index, index_key(m->scope, m->name), m);
    }
    return g_hash_table_lookup(r->index, key);
}

static struct report_metric *metric_new(const char *scope, const char *name, double value,
                                        const char *unit)
{
    struct report_metric *m = g_new(struct report_metric, 1);

    m->scope = g_strdup(scope);
    m->name = g_strdup(name);
    m->value = value;
    m->unit = g_strdup(unit);
    return m;
}

void report_metric_append(struct report *r, const char *scope, const char *name, double value,
                          const char *unit)
{
    g_assert(scope && name && unit);
    g_ptr_array_add(r->metrics, metric_new(scope, name, value, unit));
}

void report_metric(struct report *r, const char *scope, const char *name, double value,
                   const char *unit)
{
    struct report_metric *m;

    g_assert(scope && name && unit);
    m = metric_lookup(r, scope, name);
    if (m) {
        /* Replace in place so rows keep the order they were first added in. */
        m->value = value;
        g_free(m->unit);
        m->unit = g_strdup(unit);
        return;
    }
    m = metric_new(scope, name, value, unit);
    g_ptr_array_add(r->metrics, m);
    g_hash_table_insert(r->index, index_key(scope, name), m);
    r->indexed = r->metrics->len;
}

void report_hist(struct report *r, const char *scope, const char *name, const struct hist *h,
                 double scale, const char *unit)
{
    struct report_hist *row = g_new0(struct report_hist, 1);
    g_autoptr(GString) counts = g_string_new(NULL);

    g_assert(scope && name && unit);
    row->scope = g_strdup(scope);
    row->name = g_strdup(name);
    row->unit = g_strdup(unit);
    row->scale = scale;
    store_hist_row(counts, &row->first, h);
    /* A copy: the string was made with room for the longest counts. */
    row->counts = g_strndup(counts->str, counts->len);

    /* Same replace-in-place rule as metrics: one histogram per (scope, name). */
    for (guint i = 0; i < r->hists->len; i++) {
        struct report_hist *old = g_ptr_array_index(r->hists, i);

        if (strcmp(old->scope, scope) == 0 && strcmp(old->name, name) == 0) {
            r->hists->pdata[i] = row;
            hist_row_free(old);
            return;
        }
    }
    g_ptr_array_add(r->hists, row);
}

const struct report_metric *report_find(const struct report *r, const char *scope, const char *name)
{
    return metric_lookup(r, scope, name);
}

void report_series(struct report *r, const char *scope, const char *name, const char *unit,
                   double t0, double dt, const double *values, size_t n)
{
    struct report_series *s = g_new0(struct report_series, 1);

    s->scope = g_strdup(scope);
    s->name = g_strdup(name);
    s->unit = g_strdup(unit);
    s->t0 = t0;
    s->dt = dt;
    s->values = g_memdup2(values, n * sizeof(double));
    s->n = n;
    g_ptr_array_add(r->series, s);
}
