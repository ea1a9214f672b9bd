/* Tests for analysis/plot_slots.c: a full group's bars stand where gnuplot's
 * clustered histogram put them; a group missing series centres the bars it
 * has, a lone bar on its group. */
#include <glib.h>

#include "../analysis/plot_slots.h"

static void test_full_group(void)
{
    /* Three series: a slot of 1/4, the middle bar on the group. */
    g_assert_cmpfloat_with_epsilon(plot_slot_width(3), 0.25, 1e-12);
    g_assert_cmpfloat_with_epsilon(plot_bar_x(1, 0, 3, 3), 0.75, 1e-12);
    g_assert_cmpfloat_with_epsilon(plot_bar_x(1, 1, 3, 3), 1.0, 1e-12);
    g_assert_cmpfloat_with_epsilon(plot_bar_x(1, 2, 3, 3), 1.25, 1e-12);
    /* Two series: the group between its bars. */
    g_assert_cmpfloat_with_epsilon(plot_bar_x(0, 0, 2, 2), -1.0 / 6, 1e-12);
    g_assert_cmpfloat_with_epsilon(plot_bar_x(0, 1, 2, 2), 1.0 / 6, 1e-12);
}

static void test_short_group(void)
{
    /* vdpa-vs-vf.ini's vDPA group: one bar of three series, on the group. */
    g_assert_cmpfloat_with_epsilon(plot_bar_x(0, 0, 1, 3), 0.0, 1e-12);
    g_assert_cmpfloat_with_epsilon(plot_bar_x(4, 0, 1, 3), 4.0, 1e-12);
    /* Two of three: side by side in slots of a third group's width,
     * centred. */
    g_assert_cmpfloat_with_epsilon(plot_bar_x(2, 0, 2, 3), 1.875, 1e-12);
    g_assert_cmpfloat_with_epsilon(plot_bar_x(2, 1, 2, 3), 2.125, 1e-12);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/plot/slots/full-group", test_full_group);
    g_test_add_func("/plot/slots/short-group", test_short_group);
    return g_test_run();
}
