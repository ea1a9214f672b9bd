/* --by with one or two keys: the values that name a series, their names
 * in the key, and their colours and line styles (analysis/plot_by.h). */
#include "plot_by.h"

#include <string.h>

#include "plot_labels.h"
#include "query.h"
#include "scenario.h"

bool plot_by_parse(const char *by, struct plot_by *out, GError **error)
{
    g_auto(GStrv) parts = by ? g_strsplit(by, ",", -1) : NULL;
    guint n = parts ? g_strv_length(parts) : 0;

    memset(out, 0, sizeof(*out));
    for (guint i = 0; i < n; i++)
        g_strstrip(parts[i]);
    if (n > 2 || (n == 2 && (!*parts[0] || !*parts[1] || strcmp(parts[0], parts[1]) == 0))) {
        g_set_error(error, IOVSIM_ERROR, IOVSIM_ERROR_INPUT,
                    "--by '%s': expected one key or two different ones (K1,K2: colour by K1, "
                    "line style by K2)",
                    by);
        return false;
    }
    for (guint i = 0; i < n; i++)
        out->key[i] = g_strdup(parts[i]);
    out->n = (int)n;
    return true;
}

void plot_by_release(struct plot_by *b)
{
    g_free(b->key[0]);
    g_free(b->key[1]);
    memset(b, 0, sizeof(*b));
}

bool plot_by_has(const struct plot_by *b, const char *key)
{
    for (int i = 0; key && i < b->n; i++)
        if (strcmp(b->key[i], key) == 0)
            return true;
    return false;
}

char *plot_by_value(const struct plot_by *b, sqlite3 *db, const char *point)
{
    g_autofree char *v0 = b->n > 0 ? query_param(db, point, b->key[0]) : NULL;
    g_autofree char *v1 = b->n > 1 ? query_param(db, point, b->key[1]) : NULL;

    if (!v0 || (b->n > 1 && !v1))
        return NULL;
    return b->n > 1 ? g_strconcat(v0, PLOT_BY_SEP, v1, NULL) : g_steal_pointer(&v0);
}

char *plot_by_legend(const struct plot_by *b)
{
    if (b->n < 2)
        return g_strdup(b->n ? plot_param_label(b->key[0]) : "");
    return g_strdup_printf("%s, %s", plot_param_label(b->key[0]), plot_param_label(b->key[1]));
}

const char *plot_value_name(const struct plot_spec *sp, const char *key, const char *value)
{
    size_t n = strlen(value);

    for (size_t i = 0; sp->labels && sp->labels[i]; i++)
        if (strncmp(sp->labels[i], value, n) == 0 && sp->labels[i][n] == '=')
            return sp->labels[i] + n + 1;
    return key ? plot_value_label(key, value) : value;
}

char *plot_by_name(const struct plot_by *b, const struct plot_spec *sp, const char *value)
{
    g_auto(GStrv) parts = g_strsplit(value, PLOT_BY_SEP, 2);

    if (b->n < 2 || !parts[0] || !parts[1])
        return g_strdup(plot_value_name(sp, b->n ? b->key[0] : NULL, value));
    return g_strdup_printf("%s, %s", plot_value_name(sp, b->key[0], parts[0]),
                           plot_value_name(sp, b->key[1], parts[1]));
}

char *plot_by_twin_name(const struct plot_by *b, const struct plot_spec *sp, const char *value,
                        const char *twin)
{
    g_auto(GStrv) v = g_strsplit(value, PLOT_BY_SEP, 2);
    g_auto(GStrv) t = g_strsplit(twin, PLOT_BY_SEP, 2);

    if (b->n < 2 || !v[0] || !v[1] || !t[0] || !t[1])
        return plot_by_name(b, sp, twin);
    if (strcmp(v[1], t[1]) == 0)
        return g_strdup(plot_value_name(sp, b->key[0], t[0]));
    if (strcmp(v[0], t[0]) == 0)
        return g_strdup(plot_value_name(sp, b->key[1], t[1]));
    return plot_by_name(b, sp, twin);
}

/* The place of @value's part @part among the distinct parts @part of
 * @values, in their order. */
static int part_index(GPtrArray *values, const char *value, int part)
{
    g_autoptr(GPtrArray) seen = g_ptr_array_new_with_free_func(g_free);
    g_auto(GStrv) mine = g_strsplit(value, PLOT_BY_SEP, 2);

    for (guint i = 0; i < values->len; i++) {
        g_auto(GStrv) p = g_strsplit(values->pdata[i], PLOT_BY_SEP, 2);
        guint at;

        if (!p[0] || !p[1])
            continue;
        if (!g_ptr_array_find_with_equal_func(seen, p[part], g_str_equal, &at)) {
            at = seen->len;
            g_ptr_array_add(seen, g_strdup(p[part]));
        }
        if (strcmp(p[part], mine[part]) == 0)
            return (int)at;
    }
    return 0;
}

void plot_by_add_series(const struct plot_by *b, struct gp_job *j, GPtrArray *values,
                        const char *value, const char *title)
{
    g_auto(GStrv) parts = g_strsplit(value, PLOT_BY_SEP, 2);

    if (b->n < 2 || !parts[0] || !parts[1]) {
        gp_add_series(j, title, b->n ? value : NULL);
        return;
    }
    gp_add_series_variant(j, title, parts[0], part_index(values, value, 0),
                          part_index(values, value, 1));
}
