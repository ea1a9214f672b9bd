/* Tests for analysis/plot_order.c: a key's values in a figure come in the
 * order the sweep declared them, also when exclude rules left points out
 * (vDPA only at nic.itr=off must not put "off" first), and in first
 * appearance otherwise. */
#include <string.h>

#include <glib.h>

#include "../analysis/plot_order.h"

/* The value of @key in each label of @labels (NULL where it has none). */
static char **values_of(GPtrArray *labels, const char *key)
{
    char **out = g_new0(char *, labels->len + 1);
    g_autofree char *prefix = g_strconcat(key, "=", NULL);

    for (guint p = 0; p < labels->len; p++) {
        g_auto(GStrv) parts = g_strsplit(labels->pdata[p], ",", -1);

        for (size_t i = 0; parts[i]; i++)
            if (g_str_has_prefix(parts[i], prefix))
                out[p] = g_strdup(parts[i] + strlen(prefix));
    }
    return out;
}

/* The order of @key's values over @labels, "a b c". */
static char *order_of(const char *const *labels, const char *key)
{
    g_autoptr(GPtrArray) points = g_ptr_array_new();
    const char *keys[] = { key, NULL };

    for (size_t i = 0; labels[i]; i++)
        g_ptr_array_add(points, (gpointer)labels[i]);
    g_auto(GStrv) values = values_of(points, key);
    g_autoptr(GPtrArray) order = plot_value_order(points, values, keys);
    g_ptr_array_add(order, NULL);
    return g_strjoinv(" ", (char **)order->pdata);
}

static void test_full_grid(void)
{
    static const char *const grid[] = { "s=vdpa,itr=adaptive",
                                        "s=vdpa,itr=static",
                                        "s=vdpa,itr=off",
                                        "s=sriov,itr=adaptive",
                                        "s=sriov,itr=static",
                                        "s=sriov,itr=off",
                                        NULL };
    g_autofree char *itr = order_of(grid, "itr");
    g_autofree char *s = order_of(grid, "s");

    g_assert_cmpstr(itr, ==, "adaptive static off");
    g_assert_cmpstr(s, ==, "vdpa sriov");
}

static void test_excluded(void)
{
    /* vdpa at itr=off only: "off" appears first, yet comes last. */
    static const char *const left[] = {
        "s=vdpa,itr=off,w=stream",   "s=vdpa,itr=off,w=rr",         "s=sriov,itr=adaptive,w=stream",
        "s=sriov,itr=adaptive,w=rr", "s=sriov,itr=static,w=stream", "s=sriov,itr=static,w=rr",
        "s=sriov,itr=off,w=stream",  "s=sriov,itr=off,w=rr",        NULL
    };
    g_autofree char *itr = order_of(left, "itr");
    g_autofree char *s = order_of(left, "s");
    g_autofree char *w = order_of(left, "w");

    g_assert_cmpstr(itr, ==, "adaptive static off");
    g_assert_cmpstr(s, ==, "vdpa sriov");
    g_assert_cmpstr(w, ==, "stream rr");
}

static void test_no_evidence(void)
{
    /* Nothing ties "b" to "a": first appearance. Points without the key
     * give no value. */
    static const char *const pts[] = { "k=b,j=1", "k=a,j=2", "j=3", NULL };
    g_autofree char *k = order_of(pts, "k");

    g_assert_cmpstr(k, ==, "b a");
}

static void test_contradiction(void)
{
    /* Rows that disagree (an order the user gave): first appearance. */
    static const char *const pts[] = { "k=2,j=1", "k=1,j=1", "k=1,j=2", "k=2,j=2", NULL };
    g_autofree char *k = order_of(pts, "k");

    g_assert_cmpstr(k, ==, "2 1");
}

static void test_two_keys(void)
{
    /* --by K1,K2: the rest of the label is what is neither. */
    static const char *const pts[] = { "a=1,b=y,x=1", "a=0,b=x,x=2", "a=0,b=y,x=2", "a=1,b=y,x=2",
                                       NULL };
    g_autoptr(GPtrArray) points = g_ptr_array_new();
    const char *keys[] = { "a", "b", NULL };
    char v1y[] = "1y", v0x[] = "0x", v0y[] = "0y", v1y2[] = "1y";
    char *values[] = { v1y, v0x, v0y, v1y2, NULL };

    for (size_t i = 0; pts[i]; i++)
        g_ptr_array_add(points, (gpointer)pts[i]);
    g_autoptr(GPtrArray) order = plot_value_order(points, values, keys);
    g_assert_cmpuint(order->len, ==, 3);
    g_assert_cmpstr(order->pdata[0], ==, "0x");
    g_assert_cmpstr(order->pdata[1], ==, "0y");
    g_assert_cmpstr(order->pdata[2], ==, "1y");
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/plot-order/full-grid", test_full_grid);
    g_test_add_func("/plot-order/excluded", test_excluded);
    g_test_add_func("/plot-order/no-evidence", test_no_evidence);
    g_test_add_func("/plot-order/contradiction", test_contradiction);
    g_test_add_func("/plot-order/two-keys", test_two_keys);
    return g_test_run();
}
