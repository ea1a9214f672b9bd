/* Display scales of the CLI tables: each SI value lands in the unit where it
 * reads between 1 and 1000, and dimensionless ratios carry no unit. */
#include <glib.h>

#include "humanize.h"

static void check(double value, const char *unit, const char *want)
{
    g_autofree char *got = humanize(value, unit);
    g_assert_cmpstr(got, ==, want);
}

static void test_scales(void)
{
    check(1.25e-6, "s", "1.25 us");
    check(5.0, "s", "5 s");
    check(4.2e-10, "s", "420 ps");
    check(999e-9, "s", "999 ns");
    check(9.48e9, "bit/s", "9.48 Gb/s");
    check(83.1e6, "bit/s", "83.1 Mb/s");
    check(1536, "B", "1.5 KiB");
    check(81200, "1/s", "81.2 K/s");
    check(0.8, "1", "0.8");
    check(0, "1", "0");
    check(0, "s", "0 s");
    check(7, "packets", "7 packets");
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/humanize/scales", test_scales);
    return g_test_run();
}
