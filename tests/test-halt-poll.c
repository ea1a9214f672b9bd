/* Tests for KVM's adaptive halt-polling window (models/hv/halt_poll.c):
 * a new vCPU does not poll; short halts grow its window from
 * halt_poll_ns_grow_start by halt_poll_ns_grow up to halt_poll_ns and no
 * further; halts the window covers leave it; halts past the maximum halve
 * it, and under the start value it falls to 0; each halt adapts it once. */
#include <glib.h>

#include "../models/hv/halt_poll.h"
#include "sim.h"

/* x86's defaults in Linux v6.11 and later. */
static const struct halt_poll_params kvm = {
    .max = 200 * SIM_US,
    .grow = 2,
    .grow_start = 10 * SIM_US,
    .shrink = 2,
};

/* One halt of @len after the last: the window it polled for. */
static sim_time halt(struct halt_poll *hp, sim_time *t, sim_time len)
{
    sim_time w = halt_poll_end(hp, *t, *t + len);

    *t += len + SIM_US; /* the vCPU runs a little between halts */
    return w;
}

static void test_grows_to_the_max(void)
{
    static const sim_time windows[] = { 0, 10, 20, 40, 80, 160, 200, 200, 200 };
    struct halt_poll hp;
    sim_time t = SIM_MS;

    halt_poll_init(&hp, &kvm);
    /* 190 us halts: each ends past the window but within the maximum. */
    for (unsigned i = 0; i < G_N_ELEMENTS(windows); i++)
        g_assert_cmpint(halt(&hp, &t, 190 * SIM_US), ==, windows[i] * SIM_US);
    /* It never passes the maximum, whatever the halts. */
    for (unsigned i = 0; i < 100; i++)
        g_assert_cmpint(halt(&hp, &t, (sim_time)(i % 7) * 50 * SIM_US), <=, kvm.max);
}

static void test_covered_halts_keep_it(void)
{
    struct halt_poll hp;
    sim_time t = 0;

    halt_poll_init(&hp, &kvm);
    for (unsigned i = 0; i < 4; i++)
        halt(&hp, &t, 50 * SIM_US);
    /* 0, 10, 20, 40 polled: the window is 80 us, and 50 us halts fit. */
    for (unsigned i = 0; i < 10; i++)
        g_assert_cmpint(halt(&hp, &t, 50 * SIM_US), ==, 80 * SIM_US);
}

static void test_long_halts_shrink_it(void)
{
    struct halt_poll hp;
    sim_time t = 0;

    halt_poll_init(&hp, &kvm);
    for (unsigned i = 0; i < 7; i++)
        halt(&hp, &t, 190 * SIM_US);
    /* 10 ms halts: 200, 100, 50, 25, 12.5 us, then under 10 us: 0. */
    g_assert_cmpint(halt(&hp, &t, 10 * SIM_MS), ==, 200 * SIM_US);
    g_assert_cmpint(halt(&hp, &t, 10 * SIM_MS), ==, 100 * SIM_US);
    g_assert_cmpint(halt(&hp, &t, 10 * SIM_MS), ==, 50 * SIM_US);
    g_assert_cmpint(halt(&hp, &t, 10 * SIM_MS), ==, 25 * SIM_US);
    g_assert_cmpint(halt(&hp, &t, 10 * SIM_MS), ==, 12500 * SIM_NS);
    g_assert_cmpint(halt(&hp, &t, 10 * SIM_MS), ==, 0);
    /* A vCPU that does not poll does not shrink, nor grow on long halts. */
    g_assert_cmpint(halt(&hp, &t, 10 * SIM_MS), ==, 0);
    g_assert_cmpint(halt(&hp, &t, 200 * SIM_US), ==, 0);
    /* A short one starts it again. */
    halt(&hp, &t, 20 * SIM_US);
    g_assert_cmpint(halt(&hp, &t, 20 * SIM_US), ==, 10 * SIM_US);
}

static void test_each_halt_once(void)
{
    struct halt_poll hp;

    halt_poll_init(&hp, &kvm);
    g_assert_cmpint(halt_poll_end(&hp, SIM_MS, SIM_MS + 50 * SIM_US), ==, 0);
    /* The same halt seen again (the interrupt, then the core's wake-up). */
    g_assert_cmpint(halt_poll_end(&hp, SIM_MS, SIM_MS + 50 * SIM_US), ==, 0);
    g_assert_cmpint(halt_poll_end(&hp, 2 * SIM_MS, 2 * SIM_MS + 50 * SIM_US), ==, 10 * SIM_US);
    /* A zero-length halt changes nothing (0 <= a window of 0, or within). */
    g_assert_cmpint(halt_poll_end(&hp, 3 * SIM_MS, 3 * SIM_MS), ==, 20 * SIM_US);
    g_assert_cmpint(halt_poll_end(&hp, 4 * SIM_MS, 4 * SIM_MS + 50 * SIM_US), ==, 20 * SIM_US);
}

/* The module parameters' other settings: shrink 0 resets (KVM's default
 * before v6.11), grow 0 never starts, halt_poll_ns 0 never polls, and a
 * lower maximum caps a window grown under a higher one. */
static void test_parameters(void)
{
    struct halt_poll_params p = kvm;
    struct halt_poll hp;
    sim_time t = 0;

    p.shrink = 0;
    halt_poll_init(&hp, &p);
    for (unsigned i = 0; i < 7; i++)
        halt(&hp, &t, 190 * SIM_US);
    g_assert_cmpint(halt(&hp, &t, 10 * SIM_MS), ==, 200 * SIM_US);
    g_assert_cmpint(halt(&hp, &t, 10 * SIM_MS), ==, 0);

    p = kvm;
    p.grow = 0;
    halt_poll_init(&hp, &p);
    for (unsigned i = 0; i < 5; i++)
        g_assert_cmpint(halt(&hp, &t, 50 * SIM_US), ==, 0);

    p = kvm;
    p.max = 0;
    halt_poll_init(&hp, &p);
    for (unsigned i = 0; i < 5; i++)
        g_assert_cmpint(halt(&hp, &t, 50 * SIM_US), ==, 0);

    p = kvm;
    halt_poll_init(&hp, &p);
    for (unsigned i = 0; i < 7; i++)
        halt(&hp, &t, 190 * SIM_US);
    p.max = 50 * SIM_US;
    g_assert_cmpint(halt(&hp, &t, 40 * SIM_US), ==, 50 * SIM_US);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/halt-poll/grows-to-the-max", test_grows_to_the_max);
    g_test_add_func("/halt-poll/covered-halts-keep-it", test_covered_halts_keep_it);
    g_test_add_func("/halt-poll/long-halts-shrink-it", test_long_halts_shrink_it);
    g_test_add_func("/halt-poll/each-halt-once", test_each_halt_once);
    g_test_add_func("/halt-poll/parameters", test_parameters);
    return g_test_run();
}
