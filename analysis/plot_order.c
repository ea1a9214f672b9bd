/* Declared order of a key's values among the points of a figure: a
 * topological sort of the pairs that points differing in that key alone
 * give, ties (and contradictions) settled by first appearance. */
#include "plot_order.h"

#include <string.h>

#include "scenario.h"
#include "sweep.h"

/* @label without the terms of @keys: what the points of one row share. */
static char *rest_of(const char *label, const char *const *keys)
{
    g_autoptr(GPtrArray) kv = sweep_label_parse(label);
    GString *s = g_string_new(NULL);

    for (guint i = 0; i < kv->len; i++) {
        const struct scenario_kv *p = kv->pdata[i];

        if (!g_strv_contains(keys, p->key))
            g_string_append_printf(s, "%s=%s\x1f", p->key, p->value);
    }
    return g_string_free(s, FALSE);
}

GPtrArray *plot_value_order(GPtrArray *points, char *const *values, const char *const *keys)
{
    GPtrArray *seen = g_ptr_array_new(); /* distinct values, first appearance */
    g_autoptr(GHashTable) place = g_hash_table_new(g_str_hash, g_str_equal);
    g_autoptr(GHashTable) last = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    g_autoptr(GHashTable) edges = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    g_autoptr(GPtrArray) after = g_ptr_array_new_with_free_func((GDestroyNotify)g_array_unref);
    g_autoptr(GArray) before = g_array_new(FALSE, TRUE, sizeof(guint));
    GPtrArray *out;

    for (guint p = 0; p < points->len; p++) {
        guint at;

        if (!values[p])
            continue;
        if (!g_hash_table_lookup_extended(place, values[p], NULL, NULL)) {
            g_hash_table_insert(place, values[p], GUINT_TO_POINTER(seen->len));
            g_ptr_array_add(seen, values[p]);
            g_ptr_array_add(after, g_array_new(FALSE, FALSE, sizeof(guint)));
            g_array_set_size(before, seen->len);
        }
        at = GPOINTER_TO_UINT(g_hash_table_lookup(place, values[p]));
        /* The previous point of this row comes before this one. */
        char *rest = rest_of(points->pdata[p], keys);
        gpointer prev;
        if (g_hash_table_lookup_extended(last, rest, NULL, &prev) && GPOINTER_TO_UINT(prev) != at) {
            g_autofree char *edge = g_strdup_printf("%u>%u", GPOINTER_TO_UINT(prev), at);

            if (g_hash_table_add(edges, g_steal_pointer(&edge))) {
                g_array_append_val((GArray *)after->pdata[GPOINTER_TO_UINT(prev)], at);
                g_array_index(before, guint, at)++;
            }
        }
        g_hash_table_insert(last, rest, GUINT_TO_POINTER(at));
    }
    out = g_ptr_array_new_full(seen->len, NULL);
    g_autofree bool *done = g_new0(bool, MAX(seen->len, 1));
    while (out->len < seen->len) {
        guint pick = G_MAXUINT, first = G_MAXUINT;

        for (guint v = 0; v < seen->len && pick == G_MAXUINT; v++) {
            if (done[v])
                continue;
            first = MIN(first, v);
            if (g_array_index(before, guint, v) == 0)
                pick = v;
        }
        /* A cycle (the figure's own order contradicts itself): first seen. */
        if (pick == G_MAXUINT)
            pick = first;
        done[pick] = true;
        g_ptr_array_add(out, seen->pdata[pick]);
        GArray *next = after->pdata[pick];
        for (guint k = 0; k < next->len; k++) {
            guint *n = &g_array_index(before, guint, g_array_index(next, guint, k));

            if (*n)
                (*n)--;
        }
    }
    g_ptr_array_unref(seen);
    return out;
}
