/* Work per simulated packet as the world grows: the events a packet costs
 * must not grow with the VMs on a host (their VFs and NIC queues) or with
 * the hosts on the fabric. Counted, not timed: a scan or a timer per VM,
 * queue or host shows as events, whatever the machine's load. The count is
 * the marginal one, between two durations of one seed (the shorter run is a
 * prefix of the longer), so start-up does not count. Interrupts are not
 * moderated, so the simulated work per packet is the same at every size. */
#include <glib.h>

#include "report.h"
#include "runner.h"
#include "scenario.h"
#include "testlib.h"

/* Events per packet sent between @d1 and @d2 of @ini with @set's values. */
static double events_per_packet(const char *ini, const char *set, const char *d1, const char *d2)
{
    const char *durations[] = { d1, d2 };
    double events[2], sent[2];

    for (unsigned k = 0; k < 2; k++) {
        g_autofree char *body = g_strdup_printf(ini, durations[k], set);
        struct scenario *sc = test_load(body);
        struct run_result res;
        GError *error = NULL;

        g_assert_true(runner_run(sc, 3, NULL, &res, &error));
        g_assert_no_error(error);
        events[k] = (double)res.events;
        sent[k] = test_all(res.report, "sent_total");
        report_free(res.report);
        scenario_free(sc);
    }
    g_assert_cmpfloat(sent[1] - sent[0], >, 1000);
    return (events[1] - events[0]) / (sent[1] - sent[0]);
}

/* One 10 Gb/s port shared by every VM, each with its own VF and a small
 * window, so that the line, not the window, sets the packet rate. */
#define VMS_INI                                                          \
    "[scenario]\nmodel = net\nwarmup = 5ms\nduration = %s\n"             \
    "[io]\nstrategy = sriov\n[host]\ncores = 4096\n[vm]\nvcpus = 2\n%s"  \
    "[nic]\nitr = off\nline_rate = 10Gbps\nvfs = 1024\nmax_vfs = 1024\n" \
    "[workload]\ntype = stream\nsize = 1460B\nwindow = 16KiB\nstart_jitter = 100us\n"

static void test_vms(void)
{
    double few = events_per_packet(VMS_INI, "count = 16\n", "20ms", "40ms");
    double many = events_per_packet(VMS_INI, "count = 1024\n", "20ms", "40ms");

    g_test_message("events per packet: %.2f at 16 VMs, %.2f at 1024 VMs", few, many);
    g_assert_cmpfloat(many, <, 1.1 * few);
    g_assert_cmpfloat(many, >, 0.9 * few);
}

/* Each host's VMs stream to their twins on the next host, across the
 * fabric; the fabric grows from 2 leaves of 2 hosts to 4 leaves of 16. */
#define HOSTS_INI                                              \
    "[scenario]\nmodel = net\nwarmup = 1ms\nduration = %s\n%s" \
    "spines = 2\n[nic]\nitr = off\n"                           \
    "[group vf]\nnet = sriov\ncount = 2\nvcpus = 2\n"          \
    "[workload]\ntype = stream\ntarget = remote\nwindow = 16KiB\n"

static void test_hosts(void)
{
    double few = events_per_packet(
        HOSTS_INI, "[host]\ncount = 4\n[fabric]\nleaves = 2\nhosts_per_leaf = 2\n", "4ms", "8ms");
    double many = events_per_packet(
        HOSTS_INI, "[host]\ncount = 64\n[fabric]\nleaves = 4\nhosts_per_leaf = 16\n", "2ms", "3ms");

    g_test_message("events per packet: %.2f at 4 hosts, %.2f at 64 hosts", few, many);
    g_assert_cmpfloat(many, <, 1.1 * few);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/scale/events-per-packet/vms", test_vms);
    g_test_add_func("/scale/events-per-packet/hosts", test_hosts);
    return g_test_run();
}
