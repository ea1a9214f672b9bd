/* Tests for sim/units.c: every unit of every dimension, exact picosecond
 * parsing (checked against integer arithmetic for a million decimals),
 * overflow, malformed input with its exact message, and unit_format()
 * giving the shortest text that parses back to the same double. */
#include <math.h>
#include <string.h>

#include <glib.h>

#include "scenario.h"
#include "units.h"

static double parse_ok(const char *text, enum unit_dim dim)
{
    g_autoptr(GError) err = NULL;
    double v = -12345;

    if (!unit_parse(text, dim, &v, &err))
        g_error("unit_parse('%s') failed: %s", text, err->message);
    return v;
}

static sim_time time_ok(const char *text)
{
    g_autoptr(GError) err = NULL;
    sim_time t = -12345;

    if (!unit_parse_time(text, &t, &err))
        g_error("unit_parse_time('%s') failed: %s", text, err->message);
    return t;
}

static void parse_fails(const char *text, enum unit_dim dim, const char *msg)
{
    g_autoptr(GError) err = NULL;
    double v = 7.0;

    g_assert_false(unit_parse(text, dim, &v, &err));
    g_assert_error(err, IOVSIM_ERROR, IOVSIM_ERROR_INPUT);
    g_assert_cmpstr(err->message, ==, msg);
    g_assert_cmpfloat(v, ==, 7.0);
}

static void test_time_units(void)
{
    g_assert_cmpfloat(parse_ok("1s", DIM_TIME), ==, 1.0);
    g_assert_cmpfloat(parse_ok("3ms", DIM_TIME), ==, 3e-3);
    g_assert_cmpfloat(parse_ok("0.1us", DIM_TIME), ==, 1e-7);
    g_assert_cmpfloat(parse_ok("250ns", DIM_TIME), ==, 250e-9);
    g_assert_cmpfloat(parse_ok("1ps", DIM_TIME), ==, 1e-12);
    g_assert_cmpfloat(parse_ok("1.25e-6s", DIM_TIME), ==, 1.25e-6);
    g_assert_cmpfloat(parse_ok("2.5E+3 ms", DIM_TIME), ==, 2.5);
    g_assert_cmpfloat(parse_ok("  10 s  ", DIM_TIME), ==, 10.0);
    g_assert_cmpfloat(parse_ok(".5s", DIM_TIME), ==, 0.5);
    g_assert_cmpfloat(parse_ok("+2s", DIM_TIME), ==, 2.0);
    /* Negative values parse; ranges are the registry's business. */
    g_assert_cmpfloat(parse_ok("-1s", DIM_TIME), ==, -1.0);
    g_assert_cmpfloat(parse_ok("0s", DIM_TIME), ==, 0.0);
}

static void test_time_exact(void)
{
    g_assert_cmpint(time_ok("1.25s"), ==, 1250000000000);
    g_assert_cmpint(time_ok("0.1us"), ==, 100000);
    g_assert_cmpint(time_ok("1ps"), ==, 1);
    g_assert_cmpint(time_ok("1e-3s"), ==, SIM_MS);
    g_assert_cmpint(time_ok("2.5e3 ns"), ==, 2500000);
    g_assert_cmpint(time_ok("-1s"), ==, -SIM_S);
    g_assert_cmpint(time_ok("0.0000000000005s"), ==, 1); /* 0.5ps rounds away from 0 */
    g_assert_cmpint(time_ok("0.0000000000004999s"), ==, 0);
    g_assert_cmpint(time_ok("1.4ps"), ==, 1);
    g_assert_cmpint(time_ok("1e-30s"), ==, 0);
    g_assert_cmpint(time_ok("1234567.891234567891s"), ==, 1234567891234567891);
    g_assert_cmpint(time_ok("9223372.036854775807s"), ==, INT64_MAX);
    g_assert_cmpint(time_ok("000000000000000000000000000001s"), ==, SIM_S);
    /* Every microsecond-resolution decimal of one second, against integers:
     * a parse through double would miss some of these (0.000001 * 1e12). */
    for (int k = 0; k < 1000000; k++) {
        char buf[32];
        sim_time t;

        g_snprintf(buf, sizeof(buf), "0.%06ds", k);
        g_assert_true(unit_parse_time(buf, &t, NULL));
        if (t != (sim_time)k * SIM_US)
            g_error("'%s' parsed as %" G_GINT64_FORMAT, buf, t);
    }
}

static void test_time_overflow(void)
{
    g_autoptr(GError) err = NULL;
    sim_time t = 5;

    g_assert_false(unit_parse_time("9223372.036854775808s", &t, &err));
    g_assert_error(err, IOVSIM_ERROR, IOVSIM_ERROR_INPUT);
    g_assert_cmpstr(err->message, ==,
                    "'9223372.036854775808s' is too large (simulated time ends at 9223372s)");
    g_clear_error(&err);
    g_assert_false(unit_parse_time("1e30s", &t, &err));
    g_clear_error(&err);
    g_assert_false(unit_parse_time("1e999999999999s", &t, &err));
    g_clear_error(&err);
    g_assert_cmpint(t, ==, 5);
    parse_fails("1e400s", DIM_TIME, "'1e400s' is too large");
    parse_fails("1e99999999999999999999 GiB", DIM_SIZE,
                "'1e99999999999999999999 GiB' is too large");
    /* Far below one ps is just zero, not an error. */
    g_assert_cmpfloat(parse_ok("1e-400s", DIM_TIME), ==, 0.0);
}

static void test_time_garbage(void)
{
    parse_fails("1.2.3s", DIM_TIME, "malformed value '1.2.3s' (expected e.g. 1.25s)");
    parse_fails("s", DIM_TIME, "malformed value 's' (expected e.g. 1.25s)");
    parse_fails("", DIM_TIME, "empty value");
    parse_fails("   ", DIM_TIME, "empty value");
    parse_fails("1", DIM_TIME, "missing unit in '1' (expected one of: ps ns us ms s)");
    parse_fails("1sec", DIM_TIME, "unknown unit 'sec' in '1sec' (expected one of: ps ns us ms s)");
    parse_fails("1 S", DIM_TIME, "unknown unit 'S' in '1 S' (expected one of: ps ns us ms s)");
    parse_fails("1s s", DIM_TIME, "unknown unit 's s' in '1s s' (expected one of: ps ns us ms s)");
    parse_fails("--1s", DIM_TIME, "malformed value '--1s' (expected e.g. 1.25s)");
    parse_fails("- 1s", DIM_TIME, "malformed value '- 1s' (expected e.g. 1.25s)");
    parse_fails("1 2s", DIM_TIME, "malformed value '1 2s' (expected e.g. 1.25s)");
    parse_fails("inf s", DIM_TIME, "malformed value 'inf s' (expected e.g. 1.25s)");
    parse_fails("nan", DIM_NONE, "malformed value 'nan' (expected e.g. 42)");
    parse_fails(".", DIM_NONE, "malformed value '.' (expected e.g. 42)");
    parse_fails("1,5s", DIM_TIME, "unknown unit ',5s' in '1,5s' (expected one of: ps ns us ms s)");
    parse_fails("1e", DIM_NONE, "unexpected unit 'e' in '1e' (expected a plain number)");
    parse_fails("0x10", DIM_NONE, "unexpected unit 'x10' in '0x10' (expected a plain number)");
}

static void test_other_dims(void)
{
    g_assert_cmpfloat(parse_ok("2B", DIM_SIZE), ==, 2);
    g_assert_cmpfloat(parse_ok("1.5KB", DIM_SIZE), ==, 1500);
    g_assert_cmpfloat(parse_ok("1kB", DIM_SIZE), ==, 1000);
    g_assert_cmpfloat(parse_ok("64 KiB", DIM_SIZE), ==, 65536);
    g_assert_cmpfloat(parse_ok("1MB", DIM_SIZE), ==, 1e6);
    g_assert_cmpfloat(parse_ok("1.5MiB", DIM_SIZE), ==, 1572864);
    g_assert_cmpfloat(parse_ok("9GB", DIM_SIZE), ==, 9e9);
    g_assert_cmpfloat(parse_ok("2GiB", DIM_SIZE), ==, 2147483648.0);
    g_assert_cmpfloat(parse_ok("100bps", DIM_BITRATE), ==, 100);
    g_assert_cmpfloat(parse_ok("56Kbps", DIM_BITRATE), ==, 56e3);
    g_assert_cmpfloat(parse_ok("56kbps", DIM_BITRATE), ==, 56e3);
    g_assert_cmpfloat(parse_ok("100Mbps", DIM_BITRATE), ==, 1e8);
    g_assert_cmpfloat(parse_ok("10Gbps", DIM_BITRATE), ==, 1e10);
    g_assert_cmpfloat(parse_ok("10pps", DIM_PKTRATE), ==, 10);
    g_assert_cmpfloat(parse_ok("10Kpps", DIM_PKTRATE), ==, 1e4);
    g_assert_cmpfloat(parse_ok("1.5Mpps", DIM_PKTRATE), ==, 1.5e6);
    g_assert_cmpfloat(parse_ok("50Hz", DIM_FREQ), ==, 50);
    g_assert_cmpfloat(parse_ok("1KHz", DIM_FREQ), ==, 1e3);
    g_assert_cmpfloat(parse_ok("1kHz", DIM_FREQ), ==, 1e3);
    g_assert_cmpfloat(parse_ok("800MHz", DIM_FREQ), ==, 8e8);
    g_assert_cmpfloat(parse_ok("2.4GHz", DIM_FREQ), ==, 2.4e9);
    g_assert_cmpfloat(parse_ok("1000", DIM_CYCLES), ==, 1000);
    g_assert_cmpfloat(parse_ok("1000cycles", DIM_CYCLES), ==, 1000);
    g_assert_cmpfloat(parse_ok("1000 cycles", DIM_CYCLES), ==, 1000);
    g_assert_cmpfloat(parse_ok("-3.5", DIM_NONE), ==, -3.5);
    g_assert_cmpfloat(parse_ok("1e3", DIM_NONE), ==, 1000);
    parse_fails("3ms", DIM_NONE, "unexpected unit 'ms' in '3ms' (expected a plain number)");
    parse_fails("1s", DIM_SIZE,
                "unknown unit 's' in '1s' (expected one of: B KB KiB MB MiB GB GiB)");
    parse_fails("1kiB", DIM_SIZE,
                "unknown unit 'kiB' in '1kiB' (expected one of: B KB KiB MB MiB GB GiB)");
    parse_fails("10Gb/s", DIM_BITRATE,
                "unknown unit 'Gb/s' in '10Gb/s' (expected one of: bps Kbps Mbps Gbps)");
    parse_fails("10", DIM_PKTRATE, "missing unit in '10' (expected one of: pps Kpps Mpps)");
    parse_fails("1ghz", DIM_FREQ, "unknown unit 'ghz' in '1ghz' (expected one of: Hz KHz MHz GHz)");
    parse_fails("5 cycle", DIM_CYCLES,
                "unknown unit 'cycle' in '5 cycle' (expected one of: cycles)");
    g_assert_cmpstr(unit_dim_base(DIM_TIME), ==, "s");
    g_assert_cmpstr(unit_dim_base(DIM_BITRATE), ==, "bit/s");
    g_assert_cmpstr(unit_dim_base(DIM_PKTRATE), ==, "1/s");
    g_assert_cmpstr(unit_dim_accepted(DIM_TIME), ==, "ps ns us ms s");
}

static void check_int(const char *text, enum unit_dim dim, int64_t want)
{
    int64_t v = 0;
    g_autoptr(GError) err = NULL;

    if (!unit_parse_int(text, dim, &v, &err))
        g_error("unit_parse_int('%s'): %s", text, err->message);
    g_assert_cmpint(v, ==, want);
}

static void int_fails(const char *text, const char *msg)
{
    g_autoptr(GError) err = NULL;
    int64_t v;

    g_assert_false(unit_parse_int(text, DIM_NONE, &v, &err));
    g_assert_error(err, IOVSIM_ERROR, IOVSIM_ERROR_INPUT);
    g_assert_cmpstr(err->message, ==, msg);
}

static void test_int(void)
{
    check_int("42", DIM_NONE, 42);
    check_int("-5", DIM_NONE, -5);
    check_int("1e6", DIM_NONE, 1000000);
    check_int("1.50e1", DIM_NONE, 15);
    check_int("9007199254740993", DIM_NONE, 9007199254740993); /* not a double */
    check_int("9223372036854775807", DIM_NONE, INT64_MAX);
    check_int("2000 cycles", DIM_CYCLES, 2000);
    int_fails("1.5", "'1.5' is not an integer");
    int_fails("1e-1", "'1e-1' is not an integer");
    int_fails("9223372036854775808", "'9223372036854775808' is too large");
    int_fails("1e19", "'1e19' is too large");
    int_fails("two", "malformed value 'two' (expected e.g. 42)");
}

static void check_format(double v, enum unit_dim dim, const char *want)
{
    g_autofree char *s = unit_format(v, dim);

    g_assert_cmpstr(s, ==, want);
}

static void test_format(void)
{
    check_format(1.25e-6, DIM_TIME, "1.25us");
    check_format(1e-12, DIM_TIME, "1ps");
    check_format(1e9, DIM_TIME, "1e+09s");
    check_format(0.5, DIM_TIME, "500ms");
    check_format(0, DIM_TIME, "0s");
    check_format(-2e-3, DIM_TIME, "-2ms");
    check_format(1e-15, DIM_TIME, "0.001ps");
    check_format(65536, DIM_SIZE, "64KiB");
    check_format(1500, DIM_SIZE, "1.5KB");
    check_format(1e9, DIM_SIZE, "1GB");
    check_format(1e10, DIM_BITRATE, "10Gbps");
    check_format(1.5e6, DIM_PKTRATE, "1.5Mpps");
    check_format(2.4e9, DIM_FREQ, "2.4GHz");
    check_format(1000, DIM_CYCLES, "1000");
    check_format(42, DIM_NONE, "42");
    check_format(0.1, DIM_NONE, "0.1");
}

/* unit_format() must be exact: it is how ranges and dist_to_string() print. */
static void test_format_roundtrip(void)
{
    static const enum unit_dim dims[] = { DIM_NONE,    DIM_TIME, DIM_SIZE,  DIM_BITRATE,
                                          DIM_PKTRATE, DIM_FREQ, DIM_CYCLES };

    GRand *r = g_rand_new_with_seed(7);

    for (int i = 0; i < 20000; i++) {
        enum unit_dim dim = dims[i % G_N_ELEMENTS(dims)];
        double v = g_rand_double(r) * pow(10, g_rand_int_range(r, -14, 14));
        g_autofree char *s = unit_format(i % 3 ? v : -v, dim);
        double back;

        if (!unit_parse(s, dim, &back, NULL))
            g_error("%.17g formatted as %s does not parse", v, s);
        if (back != (i % 3 ? v : -v))
            g_error("%.17g formatted as '%s' parses back as %.17g", v, s, back);
    }
    g_rand_free(r);
}

static void check_bytes(uint64_t bytes, const char *want)
{
    g_autofree char *s = unit_format_bytes(bytes);
    double back;

    g_assert_cmpstr(s, ==, want);
    g_assert_true(unit_parse(s, DIM_SIZE, &back, NULL));
}

static void test_format_bytes(void)
{
    check_bytes(0, "0B");
    check_bytes(1023, "1023B");
    check_bytes(1024, "1.0KiB");
    check_bytes(3u << 20, "3.0MiB");
    check_bytes(41576000000ull, "38.7GiB");
    check_bytes(5ull << 40, "5120.0GiB");
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/units/time/units", test_time_units);
    g_test_add_func("/units/time/exact", test_time_exact);
    g_test_add_func("/units/time/overflow", test_time_overflow);
    g_test_add_func("/units/parse/garbage", test_time_garbage);
    g_test_add_func("/units/parse/dims", test_other_dims);
    g_test_add_func("/units/parse/int", test_int);
    g_test_add_func("/units/format/shortest", test_format);
    g_test_add_func("/units/format/roundtrip", test_format_roundtrip);
    g_test_add_func("/units/format/bytes", test_format_bytes);
    return g_test_run();
}
