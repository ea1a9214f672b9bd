/* Queries over a results database for tables, comparisons and plots. Names
 * from the command line are bound, never pasted into SQL, and checked first
 * so that a typo gets a list of the valid names instead of an empty plot. */
#include "query.h"

#include <math.h>
#include <string.h>

#include "scenario.h"
#include "store.h"
#include "suggest.h"
#include "sweep.h"

struct store *query_open(const char *path, GError **error)
{
    return store_open_readonly(path, error);
}

static sqlite3_stmt *prepare(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *s = NULL;

    /* Our own SQL against our own schema: failing to prepare is a bug. */
    if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK)
        g_error("query: cannot prepare '%s': %s", sql, sqlite3_errmsg(db));
    return s;
}

static void bind(sqlite3_stmt *s, int col, const char *text)
{
    sqlite3_bind_text(s, col, text, -1, SQLITE_TRANSIENT);
}

/* The first column of every row, as strings. */
static GPtrArray *column(sqlite3_stmt *s)
{
    GPtrArray *out = g_ptr_array_new_with_free_func(g_free);

    while (sqlite3_step(s) == SQLITE_ROW) {
        const char *t = (const char *)sqlite3_column_text(s, 0);
        g_ptr_array_add(out, g_strdup(t ? t : ""));
    }
    sqlite3_finalize(s);
    return out;
}

/*
 * table, compare and plot ask for one (point, metric) cell at a time, and a
 * query of the summary view per cell cost ~175 us: 4 s for the 26,000
 * cells of a 2,000-point database. So the first question about a scope (or
 * a parameter) reads all of it in one query, and later ones are lookups.
 * The cache belongs to the connection: a function registered on it frees
 * the cache when the connection closes. It is dropped when the database
 * changes (through this connection or another one).
 */
struct cache {
    sqlite3 *db;
    sqlite3_int64 changes;
    sqlite3_int64 version;
    gint64 checked_at;   /* monotonic us of the last look at data_version */
    GHashTable *summary; /* scope -> GHashTable "point\x1fname" -> struct query_stat */
    /* scope -> the one metric its summary cells hold; absent: every metric */
    GHashTable *summary_only;
    GHashTable *reps;    /* scope -> GHashTable "point\x1fname" -> GHashTable rep -> double */
    GHashTable *params;  /* key -> GHashTable point -> value */
    GHashTable *metrics; /* scope -> GPtrArray of metric names */
};

#define CACHE_CHECK_US 100000

/* Connection -> struct cache; entries leave when their connection closes. */
static GHashTable *caches;

static void cache_clear(struct cache *c)
{
    g_hash_table_remove_all(c->summary);
    g_hash_table_remove_all(c->summary_only);
    g_hash_table_remove_all(c->reps);
    g_hash_table_remove_all(c->params);
    g_hash_table_remove_all(c->metrics);
}

static void cache_free(void *p)
{
    struct cache *c = p;

    g_hash_table_remove(caches, c->db);
    g_hash_table_unref(c->summary);
    g_hash_table_unref(c->summary_only);
    g_hash_table_unref(c->reps);
    g_hash_table_unref(c->params);
    g_hash_table_unref(c->metrics);
    g_free(c);
}

static void cache_marker(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    (void)argv;
    sqlite3_result_null(ctx);
}

/* Prepared each time: a statement kept open would stop the connection
 * from closing (and so the cache from being freed). */
static sqlite3_int64 data_version(struct cache *c)
{
    sqlite3_stmt *s = prepare(c->db, "PRAGMA data_version");
    sqlite3_int64 v = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int64(s, 0) : -1;

    sqlite3_finalize(s);
    return v;
}

static GHashTable *table_of_tables(void)
{
    return g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                 (GDestroyNotify)g_hash_table_unref);
}

/* The cache of @db, made on first use and emptied if the data changed. */
static struct cache *cache_get(sqlite3 *db)
{
    struct cache *c;

    if (!caches)
        caches = g_hash_table_new(NULL, NULL);
    c = g_hash_table_lookup(caches, db);
    if (!c) {
        c = g_new0(struct cache, 1);
        c->db = db;
        c->summary = table_of_tables();
        c->summary_only = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
        c->reps = table_of_tables();
        c->params = table_of_tables();
        c->metrics = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                           (GDestroyNotify)g_ptr_array_unref);
        c->changes = sqlite3_total_changes64(db);
        c->version = data_version(c);
        g_hash_table_insert(caches, db, c);
        /* Its destructor runs when the connection closes. */
        if (sqlite3_create_function_v2(db, "iovsim_query_cache", 0, SQLITE_UTF8, c, cache_marker,
                                       NULL, NULL, cache_free) != SQLITE_OK)
            g_error("query: cannot register the cache: %s", sqlite3_errmsg(db));
        return c;
    }
    /* Another process's commit shows in data_version; asking costs a lock
     * call, so at most every CACHE_CHECK_US, not per cell. */
    if (c->changes != sqlite3_total_changes64(db) ||
        (g_get_monotonic_time() - c->checked_at > CACHE_CHECK_US &&
         c->version != data_version(c))) {
        cache_clear(c);
        c->changes = sqlite3_total_changes64(db);
        c->version = data_version(c);
    }
    c->checked_at = g_get_monotonic_time();
    return c;
}

static gint label_cmp(gconstpointer a, gconstpointer b)
{
    return sweep_label_cmp(*(const char *const *)a, *(const char *const *)b);
}

GHashTable *query_declared(sqlite3 *db)
{
    sqlite3_stmt *s =
        prepare(db, "SELECT substr(key, length('" STORE_META_ORDER "') + 1), "
                    "CAST(value AS INTEGER) FROM meta WHERE key GLOB '" STORE_META_ORDER "*'");
    GHashTable *rank = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);

    while (sqlite3_step(s) == SQLITE_ROW) {
        const char *label = (const char *)sqlite3_column_text(s, 0);
        sqlite3_int64 at = sqlite3_column_int64(s, 1);

        if (label && at >= 0 && at < G_MAXINT - 1)
            g_hash_table_insert(rank, g_strdup(label), GINT_TO_POINTER((int)at + 1));
    }
    sqlite3_finalize(s);
    if (g_hash_table_size(rank) == 0) {
        g_hash_table_unref(rank);
        return NULL;
    }
    return rank;
}

/* By declared place, those without one after them; ties in label order. */
static gint declared_cmp(gconstpointer a, gconstpointer b, gpointer data)
{
    int ra = GPOINTER_TO_INT(g_hash_table_lookup(data, *(const char *const *)a));
    int rb = GPOINTER_TO_INT(g_hash_table_lookup(data, *(const char *const *)b));

    if (ra != rb)
        return ra && rb ? ra - rb : ra ? -1 : 1;
    return label_cmp(a, b);
}

GPtrArray *query_points(sqlite3 *db)
{
    GPtrArray *out = column(prepare(db, "SELECT DISTINCT point FROM runs WHERE status = 'done'"));
    g_autoptr(GHashTable) rank = query_declared(db);

    if (rank)
        g_ptr_array_sort_with_data(out, declared_cmp, rank);
    else
        g_ptr_array_sort(out, label_cmp);
    return out;
}

static GPtrArray *copy_strings(GPtrArray *a)
{
    GPtrArray *out = g_ptr_array_new_full(a->len, g_free);

    for (guint i = 0; i < a->len; i++)
        g_ptr_array_add(out, g_strdup(a->pdata[i]));
    return out;
}

/* Read once per scope (a scan of every metric row), then copied. */
GPtrArray *query_metrics(sqlite3 *db, const char *scope)
{
    struct cache *c = cache_get(db);
    GPtrArray *names = g_hash_table_lookup(c->metrics, scope);

    if (!names) {
        sqlite3_stmt *s = prepare(db, "SELECT DISTINCT name FROM metrics WHERE scope = ?1 "
                                      "ORDER BY name");

        bind(s, 1, scope);
        names = column(s);
        g_hash_table_insert(c->metrics, g_strdup(scope), names);
    }
    return copy_strings(names);
}

static bool contains(GPtrArray *a, const char *s)
{
    for (guint i = 0; i < a->len; i++)
        if (strcmp(a->pdata[i], s) == 0)
            return true;
    return false;
}

GPtrArray *query_varied_keys(sqlite3 *db)
{
    g_autoptr(GPtrArray) points = query_points(db);
    GPtrArray *keys = g_ptr_array_new_with_free_func(g_free);

    for (guint i = 0; i < points->len; i++) {
        g_autoptr(GPtrArray) kv = sweep_label_parse(points->pdata[i]);

        for (guint k = 0; k < kv->len; k++) {
            const struct scenario_kv *p = kv->pdata[k];
            if (!contains(keys, p->key))
                g_ptr_array_add(keys, g_strdup(p->key));
        }
    }
    return keys;
}

/* "unknown WHAT 'NAME' (did you mean 'X'? valid: a, b, c)" */
static bool unknown(GError **error, const char *what, const char *name, GPtrArray *valid,
                    const char *where)
{
    const char *near = suggest_closest(name, (const char *const *)valid->pdata, valid->len);
    g_autofree char *hint = near ? g_strdup_printf("did you mean '%s'? ", near) : g_strdup("");
    GString *list = g_string_new(NULL);

    for (guint i = 0; i < valid->len && i < 40; i++)
        g_string_append_printf(list, "%s%s", i ? ", " : "", (char *)valid->pdata[i]);
    if (valid->len > 40)
        g_string_append(list, ", ...");
    g_set_error(error, IOVSIM_ERROR, IOVSIM_ERROR_INPUT, "unknown %s '%s'%s (%svalid: %s)", what,
                name, where, hint, valid->len ? list->str : "none");
    g_string_free(list, TRUE);
    return false;
}

bool query_check_scope(sqlite3 *db, const char *scope, GError **error)
{
    g_autoptr(GPtrArray) valid = column(prepare(db, "SELECT DISTINCT scope FROM metrics "
                                                    "ORDER BY scope"));

    return contains(valid, scope) || unknown(error, "scope", scope, valid, "");
}

bool query_check_metric(sqlite3 *db, const char *scope, const char *name, GError **error)
{
    g_autoptr(GPtrArray) valid = query_metrics(db, scope);
    g_autofree char *where = g_strdup_printf(" in scope '%s'", scope);

    return contains(valid, name) || unknown(error, "metric", name, valid, where);
}

bool query_check_hist(sqlite3 *db, const char *scope, const char *name, GError **error)
{
    sqlite3_stmt *s = prepare(db, "SELECT DISTINCT name FROM hist WHERE scope = ?1 ORDER BY name");
    g_autoptr(GPtrArray) valid = NULL;
    g_autofree char *where = g_strdup_printf(" in scope '%s'", scope);

    bind(s, 1, scope);
    valid = column(s);
    return contains(valid, name) || unknown(error, "distribution", name, valid, where);
}

bool query_check_series(sqlite3 *db, const char *scope, const char *name, GError **error)
{
    sqlite3_stmt *s =
        prepare(db, "SELECT DISTINCT name FROM series WHERE scope = ?1 ORDER BY name");
    g_autoptr(GPtrArray) valid = NULL;
    g_autofree char *where = g_strdup_printf(" in scope '%s'", scope);

    bind(s, 1, scope);
    valid = column(s);
    return contains(valid, name) || unknown(error, "time series", name, valid, where);
}

bool query_check_param(sqlite3 *db, const char *key, GError **error)
{
    sqlite3_stmt *s = prepare(db, "SELECT EXISTS (SELECT 1 FROM params WHERE key = ?1)");
    bool ok;

    bind(s, 1, key);
    ok = sqlite3_step(s) == SQLITE_ROW && sqlite3_column_int(s, 0);
    sqlite3_finalize(s);
    if (ok)
        return true;
    g_autoptr(GPtrArray) varied = query_varied_keys(db);
    return unknown(error, "parameter", key, varied, "");
}

bool query_check_varied(sqlite3 *db, const char *key, GError **error)
{
    g_autoptr(GPtrArray) varied = query_varied_keys(db);

    return contains(varied, key) || unknown(error, "varied parameter", key, varied, "");
}

static char *cell_key(const char *point, const char *name)
{
    return g_strconcat(point, "\x1f", name, NULL);
}

/* The summary view's cells of @scope: of metric @name only, or of every
 * metric when @name is NULL. */
static GHashTable *load_summary(sqlite3 *db, const char *scope, const char *name)
{
    sqlite3_stmt *s = prepare(db, name ? "SELECT point, name, n, mean, ci95, unit FROM summary "
                                         "WHERE scope = ?1 AND name = ?2"
                                       : "SELECT point, name, n, mean, ci95, unit FROM summary "
                                         "WHERE scope = ?1");
    GHashTable *out = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);

    bind(s, 1, scope);
    if (name)
        bind(s, 2, name);
    while (sqlite3_step(s) == SQLITE_ROW) {
        struct query_stat *st = g_new0(struct query_stat, 1);

        st->n = sqlite3_column_int64(s, 2);
        st->mean = sqlite3_column_type(s, 3) == SQLITE_NULL ? NAN : sqlite3_column_double(s, 3);
        st->ci95 = sqlite3_column_type(s, 4) == SQLITE_NULL ? NAN : sqlite3_column_double(s, 4);
        g_strlcpy(st->unit, (const char *)sqlite3_column_text(s, 5), sizeof(st->unit));
        g_hash_table_replace(out,
                             cell_key((const char *)sqlite3_column_text(s, 0),
                                      (const char *)sqlite3_column_text(s, 1)),
                             st);
    }
    sqlite3_finalize(s);
    return out;
}

/* The summary of @scope with @name's cells in it. The view filtered by
 * name skips the other metrics' windows (6x faster on 13 metrics), and a
 * plot asks for one: the first metric asked of a scope is loaded alone, and
 * a second one (a table) loads them all (@name NULL: all at once). */
static GHashTable *scope_summary(struct cache *c, const char *scope, const char *name)
{
    GHashTable *cells = g_hash_table_lookup(c->summary, scope);
    const char *only = g_hash_table_lookup(c->summary_only, scope);
    bool first = !cells;

    if (cells && (!only || (name && strcmp(only, name) == 0)))
        return cells;
    cells = load_summary(c->db, scope, first ? name : NULL);
    g_hash_table_insert(c->summary, g_strdup(scope), cells);
    if (first && name)
        g_hash_table_insert(c->summary_only, g_strdup(scope), g_strdup(name));
    else
        g_hash_table_remove(c->summary_only, scope);
    return cells;
}

void query_summary_all(sqlite3 *db, const char *scope)
{
    scope_summary(cache_get(db), scope, NULL);
}

bool query_summary(sqlite3 *db, const char *point, const char *scope, const char *name,
                   struct query_stat *out)
{
    GHashTable *cells = scope_summary(cache_get(db), scope, name);
    g_autofree char *key = cell_key(point, name);
    const struct query_stat *st;

    st = g_hash_table_lookup(cells, key);
    if (st)
        *out = *st;
    return st != NULL;
}

static GHashTable *load_reps(sqlite3 *db, const char *scope)
{
    sqlite3_stmt *s = prepare(db, "SELECT r.point, m.name, r.rep, m.value FROM metrics AS m "
                                  "JOIN runs AS r ON r.run_id = m.run_id "
                                  "WHERE r.status = 'done' AND m.scope = ?1 "
                                  "AND m.value IS NOT NULL ORDER BY r.run_id");
    GHashTable *out =
        g_hash_table_new_full(g_str_hash, g_str_equal, g_free, (GDestroyNotify)g_hash_table_unref);

    bind(s, 1, scope);
    while (sqlite3_step(s) == SQLITE_ROW) {
        g_autofree char *key = cell_key((const char *)sqlite3_column_text(s, 0),
                                        (const char *)sqlite3_column_text(s, 1));
        GHashTable *reps = g_hash_table_lookup(out, key);
        double *v = g_new(double, 1);

        if (!reps) {
            reps = g_hash_table_new_full(NULL, NULL, NULL, g_free);
            g_hash_table_insert(out, g_steal_pointer(&key), reps);
        }
        *v = sqlite3_column_double(s, 3);
        g_hash_table_replace(reps, GINT_TO_POINTER(sqlite3_column_int(s, 2)), v);
    }
    sqlite3_finalize(s);
    return out;
}

GHashTable *query_rep_values(sqlite3 *db, const char *point, const char *scope, const char *name)
{
    struct cache *c = cache_get(db);
    GHashTable *cells = g_hash_table_lookup(c->reps, scope);
    g_autofree char *key = cell_key(point, name);
    GHashTable *reps;

    if (!cells) {
        cells = load_reps(db, scope);
        g_hash_table_insert(c->reps, g_strdup(scope), cells);
    }
    reps = g_hash_table_lookup(cells, key);
    /* The cache's own table: callers only read it and unref it. */
    return reps ? g_hash_table_ref(reps) : g_hash_table_new(NULL, NULL);
}

static GHashTable *load_param(sqlite3 *db, const char *key)
{
    sqlite3_stmt *s = prepare(db, "SELECT r.point, p.value FROM params AS p "
                                  "JOIN runs AS r ON r.run_id = p.run_id "
                                  "WHERE r.status = 'done' AND p.key = ?1 ORDER BY r.run_id");
    GHashTable *out = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);

    bind(s, 1, key);
    while (sqlite3_step(s) == SQLITE_ROW) {
        const char *point = (const char *)sqlite3_column_text(s, 0);

        /* The first done run of a point, as one query per point gave. */
        if (!g_hash_table_contains(out, point))
            g_hash_table_insert(out, g_strdup(point),
                                g_strdup((const char *)sqlite3_column_text(s, 1)));
    }
    sqlite3_finalize(s);
    return out;
}

char *query_param(sqlite3 *db, const char *point, const char *key)
{
    struct cache *c = cache_get(db);
    GHashTable *values = g_hash_table_lookup(c->params, key);

    if (!values) {
        values = load_param(db, key);
        g_hash_table_insert(c->params, g_strdup(key), values);
    }
    return g_strdup(g_hash_table_lookup(values, point));
}
