/* Queries over a results database for tables, comparisons and plots. Names
 * from the command line are bound, never pasted into SQL, and checked first
 * so that a typo gets a list of the valid names instead of an empty plot. */
#include "query.h"

#include <math.h>
#include <string.h>

#include "scenario.h"
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

static gint label_cmp(gconstpointer a, gconstpointer b)
{
    return sweep_label_cmp(*(const char *const *)a, *(const char *const *)b);
}

GPtrArray *query_points(sqlite3 *db)
{
    GPtrArray *out = column(prepare(db, "SELECT DISTINCT point FROM runs WHERE status = 'done'"));

    g_ptr_array_sort(out, label_cmp);
    return out;
}

GPtrArray *query_metrics(sqlite3 *db, const char *scope)
{
    sqlite3_stmt *s = prepare(db, "SELECT DISTINCT name FROM metrics WHERE scope = ?1 "
                                  "ORDER BY name");

    bind(s, 1, scope);
    return column(s);
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

bool query_summary(sqlite3 *db, const char *point, const char *scope, const char *name,
                   struct query_stat *out)
{
    sqlite3_stmt *s = prepare(db, "SELECT n, mean, ci95, unit FROM summary "
                                  "WHERE point = ?1 AND scope = ?2 AND name = ?3");
    bool found;

    bind(s, 1, point);
    bind(s, 2, scope);
    bind(s, 3, name);
    found = sqlite3_step(s) == SQLITE_ROW;
    if (found) {
        out->n = sqlite3_column_int64(s, 0);
        out->mean = sqlite3_column_type(s, 1) == SQLITE_NULL ? NAN : sqlite3_column_double(s, 1);
        out->ci95 = sqlite3_column_type(s, 2) == SQLITE_NULL ? NAN : sqlite3_column_double(s, 2);
        g_strlcpy(out->unit, (const char *)sqlite3_column_text(s, 3), sizeof(out->unit));
    }
    sqlite3_finalize(s);
    return found;
}

GHashTable *query_rep_values(sqlite3 *db, const char *point, const char *scope, const char *name)
{
    sqlite3_stmt *s = prepare(db, "SELECT r.rep, m.value FROM metrics AS m "
                                  "JOIN runs AS r ON r.run_id = m.run_id "
                                  "WHERE r.status = 'done' AND r.point = ?1 AND m.scope = ?2 "
                                  "AND m.name = ?3 AND m.value IS NOT NULL");
    GHashTable *out = g_hash_table_new_full(NULL, NULL, NULL, g_free);

    bind(s, 1, point);
    bind(s, 2, scope);
    bind(s, 3, name);
    while (sqlite3_step(s) == SQLITE_ROW) {
        double *v = g_new(double, 1);

        *v = sqlite3_column_double(s, 1);
        g_hash_table_replace(out, GINT_TO_POINTER(sqlite3_column_int(s, 0)), v);
    }
    sqlite3_finalize(s);
    return out;
}

char *query_param(sqlite3 *db, const char *point, const char *key)
{
    sqlite3_stmt *s = prepare(db, "SELECT p.value FROM params AS p "
                                  "JOIN runs AS r ON r.run_id = p.run_id "
                                  "WHERE r.status = 'done' AND r.point = ?1 AND p.key = ?2 "
                                  "ORDER BY r.run_id LIMIT 1");
    char *out = NULL;

    bind(s, 1, point);
    bind(s, 2, key);
    if (sqlite3_step(s) == SQLITE_ROW)
        out = g_strdup((const char *)sqlite3_column_text(s, 0));
    sqlite3_finalize(s);
    return out;
}
