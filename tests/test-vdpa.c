/* vDPA: a VF that speaks virtio. Its data path is a VF's, but its
 * interrupts follow the virtio ring: none moderated, none while NAPI
 * polls, and transmit completions only at the driver's used_event. So
 * it ties SR-IOV with moderation off, beats ixgbevf's moderated rate on
 * request/response, and takes few interrupts once its transmit ring backs
 * up. When kicks trap, each transmitted packet pays one exit to the host
 * kernel, which puts vDPA between virtio (vhost) and SR-IOV. */
#include <math.h>
#include <string.h>

#include <glib.h>

#include "../models/net/net.h"
#include "report.h"
#include "scenario.h"
#include "testlib.h"

/* The warm-up covers vDPA's start-up (2.2 ms: its probe and its queues'
 * firmware commands), so that both strategies are measured sending. */
static struct report *run(const char *strategy, const char *extra)
{
    g_autofree char *ini = g_strdup_printf("[scenario]\nmodel = net\nduration = 24ms\n"
                                           "warmup = 6ms\n[io]\nstrategy = %s\n"
                                           "[workload]\ntype = rr\n%s",
                                           strategy, extra);

    return test_run_ini(ini, 5);
}

static void test_mapped_is_a_vf_without_itr(void)
{
    struct report *vf = run("sriov", "[sriov]\nmailbox_msgs = 0\n");
    struct report *vf_off = run("sriov", "[sriov]\nmailbox_msgs = 0\n[nic]\nitr = off\n");
    struct report *vd = run("vdpa", "[vdpa]\nnotify_mapped = true\n");
    double tps = test_all(vd, "transactions_per_second");

    g_test_message("rr: vDPA %.0f/s, SR-IOV %.0f/s (ixgbevf), %.0f/s (itr off)", tps,
                   test_all(vf, "transactions_per_second"),
                   test_all(vf_off, "transactions_per_second"));
    /* virtio_net programs no ITR: every reply interrupts at once, where
     * ixgbevf holds the vector 10 us after the last interrupt. */
    g_assert_cmpfloat(tps, >, 1.05 * test_all(vf, "transactions_per_second"));
    /* With the VF's moderation off the two data paths are the same. */
    g_assert_cmpfloat(fabs(tps / test_all(vf_off, "transactions_per_second") - 1), <, 0.01);
    g_assert_cmpfloat(
        fabs(test_all(vd, "interrupts_per_second") / test_all(vf_off, "interrupts_per_second") - 1),
        <, 0.01);
    /* Not to the last digit: vDPA's VM starts sending later (its
     * virtqueues are readied at DRIVER_OK), so the runs measure different
     * phases of the same transactions. */
    g_assert_cmpfloat(
        fabs(test_all(vd, "exits_per_packet") / test_all(vf_off, "exits_per_packet") - 1), <, 0.01);
    report_free(vf);
    report_free(vf_off);
    report_free(vd);
}

/* A UDP sender offering 1 Mpps to a 1 Gb/s port keeps its transmit ring
 * full. The VF (moderation off) interrupts for each completion NAPI is not
 * already polling; virtio_net asks the vDPA device for one interrupt
 * after 3/4 of the buffers outstanding (virtqueue_enable_cb_delayed). */
static void test_ring_backlog_interrupts(void)
{
    static const char blast[] = "[workload]\ntype = udp\nrate = 1Mpps\n[nic]\nline_rate = "
                                "1Gbps\nitr = off\n[sriov]\nmailbox_msgs = 0\n";
    g_autofree char *vf_ini = g_strdup_printf("[scenario]\nmodel = net\nduration = 24ms\n"
                                              "warmup = 6ms\n[io]\nstrategy = sriov\n%s",
                                              blast);
    g_autofree char *vd_ini = g_strdup_printf("[scenario]\nmodel = net\nduration = 24ms\n"
                                              "warmup = 6ms\n[io]\nstrategy = vdpa\n%s",
                                              blast);
    struct report *vf = test_run_ini(vf_ini, 5), *vd = test_run_ini(vd_ini, 5);

    g_test_message("interrupts/s: vDPA %.0f, SR-IOV %.0f; Gb/s %.3f and %.3f",
                   test_all(vd, "interrupts_per_second"), test_all(vf, "interrupts_per_second"),
                   test_all(vd, "throughput") / 1e9, test_all(vf, "throughput") / 1e9);
    g_assert_cmpfloat(fabs(test_all(vd, "throughput") / test_all(vf, "throughput") - 1), <, 0.01);
    g_assert_cmpfloat(test_all(vd, "interrupts_per_second"), <,
                      0.1 * test_all(vf, "interrupts_per_second"));
    g_assert_cmpfloat(test_all(vd, "cpu_per_gbps"), <, test_all(vf, "cpu_per_gbps"));
    report_free(vf);
    report_free(vd);
}

static void test_trapped_kicks(void)
{
    struct report *mapped = run("vdpa", "");
    struct report *trapped = run("vdpa", "[vdpa]\nnotify_mapped = false\n");
    struct report *virtio = run("virtio", "[nic]\nitr = off\n[virtio]\nbackend = vhost\n");
    double per_s = test_all(trapped, "exits_mmio_kernel_per_second");
    double pps = test_all(trapped, "pps");

    g_test_message("latency: vDPA mapped %.3f us, trapped %.3f us, virtio %.3f us",
                   test_all(mapped, "latency_mean") * 1e6, test_all(trapped, "latency_mean") * 1e6,
                   test_all(virtio, "latency_mean") * 1e6);
    /* One kick exit per packet the VM transmits: every request (rr: half
     * the packets) ... */
    g_assert_cmpfloat(fabs(per_s / (pps / 2) - 1), <, 0.01);
    g_assert_cmpfloat(test_all(mapped, "exits_mmio_kernel_per_second"), ==, 0);
    /* Half the packets (the requests) carry one 2,565-cycle exit: 0.61 us
     * at 2.1 GHz, 0.31 us on the mean. */
    g_assert_cmpfloat(test_all(trapped, "latency_mean") - test_all(mapped, "latency_mean"), >,
                      0.25e-6);
    g_assert_cmpfloat(test_all(trapped, "latency_mean"), <, test_all(virtio, "latency_mean"));
    report_free(mapped);
    report_free(trapped);
    report_free(virtio);
}

static void test_needs_vfs(void)
{
    test_expect_refused("[scenario]\nmodel = net\n[io]\nstrategy = vdpa\n[vm]\ncount = 5\n"
                        "[nic]\nvfs = 4\n",
                        "t.ini:6: key 'vm.count'", "need one VF each");
}

/* A plain SR-IOV NIC has no virtio rings in hardware; its VFs still serve
 * sriov. */
static void test_needs_vdpa_nic(void)
{
    struct scenario *sc;

    test_expect_refused("[scenario]\nmodel = net\n[io]\nstrategy = vdpa\n[nic]\nvdpa = false\n",
                        "t.ini:6: key 'nic.vdpa'", "implement the virtio ring");
    sc = test_load("[scenario]\nmodel = net\n[io]\nstrategy = sriov\n[nic]\nvdpa = false\n");
    scenario_free(sc);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/vdpa/mapped-is-a-vf-without-itr", test_mapped_is_a_vf_without_itr);
    g_test_add_func("/vdpa/ring-backlog-interrupts", test_ring_backlog_interrupts);
    g_test_add_func("/vdpa/trapped-kicks", test_trapped_kicks);
    g_test_add_func("/vdpa/needs-vfs", test_needs_vfs);
    g_test_add_func("/vdpa/needs-a-vdpa-nic", test_needs_vdpa_nic);
    return g_test_run();
}
