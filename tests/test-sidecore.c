/* Tests for the sidecore strategy (models/io/sidecore.c): no exits per
 * packet where virtio exits for its kicks and interrupts; the polling core
 * is busy even when the guests are idle, and it is host CPU; one thread
 * serves several VMs without context switches where their vhost threads
 * on one core switch; each host's thread serves that host's VMs, and a VM
 * migrating to another host joins its thread;
 * and a sidecore with no core to poll on is refused in one line. */
#include <glib.h>

#include "report.h"
#include "testlib.h"

static struct report *run_body(const char *body)
{
    g_autofree char *ini = g_strdup_printf("[scenario]\nname = t\nmodel = net\n"
                                           "duration = 6ms\nwarmup = 1ms\n%s",
                                           body);

    return test_run_ini(ini, 1);
}

static void test_no_exits(void)
{
    static const char *const workloads[] = { "type = rr", "type = stream",
                                             "type = udp\nrate = 200Kpps" };

    for (size_t k = 0; k < G_N_ELEMENTS(workloads); k++) {
        g_autofree char *side =
            g_strdup_printf("[io]\nstrategy = sidecore\n[workload]\n%s\n", workloads[k]);
        g_autofree char *virt =
            g_strdup_printf("[io]\nstrategy = virtio\n[workload]\n%s\n", workloads[k]);
        g_autofree char *injected = g_strdup_printf("%s[sidecore]\nexitless_irq = false\n", side);
        struct report *s = run_body(side), *v = run_body(virt), *i = run_body(injected);

        g_test_message("%s: %.3g exits/packet (virtio %.3g, injected interrupts %.3g)",
                       workloads[k], test_all(s, "exits_per_packet"),
                       test_all(v, "exits_per_packet"), test_all(i, "exits_per_packet"));
        g_assert_cmpfloat(test_all(s, "packets"), >, 100);
        g_assert_cmpfloat(test_all(s, "exits_per_packet"), <, 0.01);
        g_assert_cmpfloat(test_all(v, "exits_per_packet"), >, 0.5);
        /* Without exitless delivery the interrupts exit again, kicks not. */
        g_assert_cmpfloat(test_all(i, "exits_external_interrupt_per_second"), >, 0);
        g_assert_cmpfloat(test_all(i, "exits_mmio_kernel_per_second"), ==, 0);
        report_free(s);
        report_free(v);
        report_free(i);
    }
}

/* A trickle of traffic: virtio's worker sleeps between packets, the
 * polling thread spins, and its core counts as host CPU all the time. */
static void test_core_always_busy(void)
{
    const char *load = "[workload]\ntype = udp\nrate = 5Kpps\n";
    g_autofree char *side = g_strdup_printf("[io]\nstrategy = sidecore\n%s", load);
    g_autofree char *virt = g_strdup_printf("[io]\nstrategy = virtio\n%s", load);
    struct report *s = run_body(side), *v = run_body(virt);

    g_test_message("host CPU at 5 Kpps: sidecore %.3g (spinning %.3g), virtio %.3g",
                   test_all(s, "host_cpu"), test_all(s, "sidecore_spin"), test_all(v, "host_cpu"));
    g_assert_cmpfloat(test_all(s, "sidecore_cores"), ==, 1);
    g_assert_cmpfloat(test_all(s, "host_cpu"), >, 0.999);
    g_assert_cmpfloat(test_all(s, "host_cpu"), <, 1.001);
    g_assert_cmpfloat(test_all(s, "sidecore_spin"), >, 0.9);
    g_assert_cmpfloat(test_all(v, "host_cpu"), <, 0.1);
    report_free(s);
    report_free(v);
}

/* Four VMs, one core for their I/O: the sidecore's one thread moves
 * between their queues without switching; four vhost threads on one
 * core switch between each other. */
static void test_one_thread(void)
{
    struct report *s = run_body("[io]\nstrategy = sidecore\n[vm]\ncount = 4\n[host]\ncores = 5\n"
                                "[workload]\ntype = rr\n");
    struct report *v = run_body("[io]\nstrategy = virtio\n[vm]\ncount = 4\n[host]\ncores = 5\n"
                                "[workload]\ntype = rr\n");

    g_test_message("4 VMs: sidecore %.4g transactions/s, %.0f switches; virtio %.4g, %.0f",
                   test_all(s, "transactions_per_second"), test_all(s, "context_switches"),
                   test_all(v, "transactions_per_second"), test_all(v, "context_switches"));
    g_assert_cmpfloat(test_all(s, "context_switches"), ==, 0);
    g_assert_cmpfloat(test_all(v, "context_switches"), >, 1000);
    g_assert_cmpfloat(test_all(s, "fairness"), >, 0.95);
    g_assert_cmpfloat(test_all(s, "transactions_per_second"), >,
                      test_all(v, "transactions_per_second"));
    report_free(s);
    report_free(v);
}

/* VM 0 live-migrates to host 1, whose thread already serves that host's
 * two VMs: it joins the scan there (a heap overflow once: the thread's
 * list had room only for its own host's VMs) and keeps receiving. */
static void test_migrates(void)
{
    struct report *r = run_body("[io]\nstrategy = sidecore\n[host]\ncount = 2\n[vm]\ncount = 2\n"
                                "[fabric]\nleaves = 1\nhosts_per_leaf = 2\nspines = 1\n"
                                "[workload]\ntype = stream\ndirection = rx\n"
                                "[migration]\nvm = 0\nto = 1\nstart = 1ms\nmemory = 1MiB\n"
                                "wws = 64KiB\nbandwidth = 8Gbps\nswitchover = 1ms\n");

    g_assert_cmpfloat(test_all(r, "migration_time"), >, 0);
    g_assert_cmpfloat(test_value(r, "vm0", "throughput"), >, 1e9);
    g_assert_cmpfloat(test_all(r, "exits_per_packet"), <, 0.01);
    report_free(r);
}

/* Two hosts of two VMs each: each host's thread serves its own VMs (a
 * thread found by a world-wide search would serve both hosts' VMs), and the
 * report counts both threads and both spinning cores. */
static void test_one_thread_per_host(void)
{
    struct report *r = run_body("[io]\nstrategy = sidecore\n[host]\ncount = 2\n[vm]\ncount = 2\n"
                                "[fabric]\nleaves = 1\nhosts_per_leaf = 2\nspines = 1\n"
                                "[workload]\ntype = udp\nrate = 5Kpps\n");

    g_test_message("2 hosts: %.0f sidecore cores, host CPU %.4g, spinning %.3g",
                   test_all(r, "sidecore_cores"), test_all(r, "host_cpu"),
                   test_all(r, "sidecore_spin"));
    g_assert_cmpfloat(test_all(r, "sidecore_cores"), ==, 2);
    g_assert_cmpfloat(test_all(r, "host_cpu"), >, 1.998);
    g_assert_cmpfloat(test_all(r, "host_cpu"), <, 2.002);
    g_assert_cmpfloat(test_all(r, "sidecore_spin"), >, 0.9);
    for (unsigned i = 0; i < 4; i++) {
        g_autofree char *vm = g_strdup_printf("vm%u", i);

        g_assert_cmpfloat(test_value(r, vm, "packets"), >, 0);
    }
    report_free(r);
}

static void test_no_spare_core(void)
{
    test_expect_refused("[scenario]\nmodel = net\n[io]\nstrategy = sidecore\n[vm]\ncount = 4\n"
                        "[host]\ncores = 4\n",
                        "t.ini:8: key 'host.cores'", "polling core");
    test_expect_refused("[scenario]\nmodel = net\n[io]\nstrategy = sidecore\n[vm]\ncount = 4\n"
                        "[host]\ncores = 6\n[sidecore]\ncores = 3\n",
                        "t.ini:10: key 'sidecore.cores'", "hold no vCPU");
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/sidecore/no-exits", test_no_exits);
    g_test_add_func("/sidecore/core-always-busy", test_core_always_busy);
    g_test_add_func("/sidecore/one-thread", test_one_thread);
    g_test_add_func("/sidecore/migrates", test_migrates);
    g_test_add_func("/sidecore/one-thread-per-host", test_one_thread_per_host);
    g_test_add_func("/sidecore/no-spare-core", test_no_spare_core);
    return g_test_run();
}
