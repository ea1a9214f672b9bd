/* Spotting points whose replications are all identical, from the
 * per-replication values query.c reads (one query per scope). Values are
 * compared exactly: two runs of a deterministic model give the same bits,
 * and any real spread, however small, is an interval worth showing. */
#include "identical.h"

#include <math.h>

#include "query.h"

/* The same value, NaN (an undefined metric) included. */
static bool same(double a, double b)
{
    return a == b || (isnan(a) && isnan(b));
}

/* Do all replications in @reps agree? */
static bool all_equal(GHashTable *reps)
{
    GHashTableIter it;
    gpointer v;
    const double *first = NULL;

    g_hash_table_iter_init(&it, reps);
    while (g_hash_table_iter_next(&it, NULL, &v)) {
        if (!first)
            first = v;
        else if (!same(*first, *(const double *)v))
            return false;
    }
    return true;
}

bool identical_point(sqlite3 *db, const char *point, const char *scope, int64_t *n_reps)
{
    g_autoptr(GPtrArray) metrics = query_metrics(db, scope);
    int64_t n = 0;

    for (guint m = 0; m < metrics->len; m++) {
        g_autoptr(GHashTable) reps = query_rep_values(db, point, scope, metrics->pdata[m]);
        guint size = g_hash_table_size(reps);

        if (size == 0)
            continue;
        if (size < 2 || !all_equal(reps))
            return false;
        n = MAX(n, (int64_t)size);
    }
    *n_reps = n;
    return n >= 2;
}

char *identical_note(sqlite3 *db, GPtrArray *points, const char *scope)
{
    const char *first = NULL;
    int64_t first_n = 0;
    guint count = 0;

    for (guint p = 0; p < points->len; p++) {
        int64_t n;

        if (!identical_point(db, points->pdata[p], scope, &n))
            continue;
        if (count++ == 0) {
            first = points->pdata[p];
            first_n = n;
        }
    }
    if (count == 0)
        return NULL;
    if (points->len == 1)
        return g_strdup_printf("note: all %" G_GINT64_FORMAT " replications of point '%s' are "
                               "identical: its 95%% CI is 0 because the workload is deterministic",
                               first_n, first);
    if (count == points->len)
        return g_strdup_printf("note: at every point all replications are identical (e.g. all "
                               "%" G_GINT64_FORMAT " of '%s'): the 95%% CIs are 0 because the "
                               "workload is deterministic",
                               first_n, first);
    return g_strdup_printf("note: at %u of %u points all replications are identical (e.g. all "
                           "%" G_GINT64_FORMAT " of '%s'): their 95%% CIs are 0 because the "
                           "workload is deterministic",
                           count, points->len, first_n, first);
}

/* Done replications at @point: the most any metric of @scope has. */
static int64_t replications(sqlite3 *db, const char *point, const char *scope)
{
    g_autoptr(GPtrArray) metrics = query_metrics(db, scope);
    int64_t n = 0;

    for (guint m = 0; m < metrics->len; m++) {
        g_autoptr(GHashTable) reps = query_rep_values(db, point, scope, metrics->pdata[m]);

        n = MAX(n, (int64_t)g_hash_table_size(reps));
    }
    return n;
}

char *identical_caption(sqlite3 *db, GPtrArray *points, const char *scope, const char *what)
{
    int64_t lo = G_MAXINT64, hi = 0;
    bool all_same = points->len > 0;
    g_autofree char *n = NULL;

    for (guint p = 0; p < points->len; p++) {
        int64_t k = replications(db, points->pdata[p], scope), same_n;

        lo = MIN(lo, k);
        hi = MAX(hi, k);
        all_same = all_same && identical_point(db, points->pdata[p], scope, &same_n);
    }
    if (hi <= 1)
        return g_strdup("one replication per point: no confidence interval");
    n = lo == hi ? g_strdup_printf("%" G_GINT64_FORMAT, hi)
                 : g_strdup_printf("%" G_GINT64_FORMAT "–%" G_GINT64_FORMAT, lo, hi);
    if (all_same)
        return g_strdup_printf("mean of n = %s replications, all identical (no interval)", n);
    return g_strdup_printf("%s, n = %s replications", what, n);
}
