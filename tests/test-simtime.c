/* Tests for sim/simtime.h: sim_llround() and sim_ceil() against libm's
 * llround() and ceil() at the halves, at the edges of the doubles' integer
 * range and on random doubles of every magnitude below 2^63. */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include <glib.h>

#include "simtime.h"

static void check(double x)
{
    /* Beyond the range of int64_t, llround's value is unspecified. */
    if (fabs(x) >= 0x1p63)
        return;
    if ((int64_t)llround(x) != sim_llround(x))
        g_error("sim_llround(%.17g) = %" G_GINT64_FORMAT ", llround = %lld", x, sim_llround(x),
                llround(x));
    if ((int64_t)ceil(x) != sim_ceil(x))
        g_error("sim_ceil(%.17g) = %" G_GINT64_FORMAT ", ceil = %.17g", x, sim_ceil(x), ceil(x));
}

static void test_round_edges(void)
{
    static const double xs[] = {
        0.0,
        -0.0,
        0.5,
        -0.5,
        1.5,
        -1.5,
        2.5,
        -2.5,
        0.49999999999999994,
        -0.49999999999999994,
        1e-300,
        -1e-300,
        4503599627370495.5,
        -4503599627370495.5,
        4503599627370496.0,
        9007199254740991.0,
        9007199254740993.0,
        170.00000000000003,
        9.2233720368547748e18,
        -9.2233720368547758e18,
    };

    for (size_t i = 0; i < G_N_ELEMENTS(xs); i++) {
        check(xs[i]);
        check(nextafter(xs[i], INFINITY));
        check(nextafter(xs[i], -INFINITY));
    }
    g_assert_cmpint(sim_llround(2.5), ==, 3);
    g_assert_cmpint(sim_llround(-2.5), ==, -3);
    g_assert_cmpint(sim_llround(0.49999999999999994), ==, 0);
    g_assert_cmpint(sim_ceil(2.000000000000001), ==, 3);
    g_assert_cmpint(sim_ceil(-2.5), ==, -2);
    g_assert_cmpint(sim_ceil(-0.5), ==, 0);
}

/* Random bit patterns: every exponent up to 2^62, both signs, the halves
 * of each binade's integers and their neighbours. */
static void test_round_random(void)
{
    uint64_t s = 0x9E3779B97F4A7C15ull;

    for (int i = 0; i < 1000000; i++) {
        uint64_t bits;
        double x;

        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        /* Exponents 0x3c0 (2^-63) to 0x43d (2^62). */
        bits = (s & 0x800fffffffffffffull) | (uint64_t)(0x3c0 + (s >> 52) % 126) << 52;
        memcpy(&x, &bits, sizeof(x));
        check(x);
        check(floor(x) + 0.5);
    }
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/simtime/round/edges", test_round_edges);
    g_test_add_func("/simtime/round/random", test_round_random);
    return g_test_run();
}
