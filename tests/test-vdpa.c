/* vDPA: a VF that speaks virtio. With its notification area mapped into
 * the guest its data path is a VF's, bit for bit; when kicks trap, each
 * transmitted packet pays one exit to the host kernel, which puts vDPA
 * between virtio (vhost) and SR-IOV. */
#include <math.h>
#include <string.h>

#include <glib.h>

#include "../models/net/net.h"
#include "report.h"
#include "scenario.h"
#include "testlib.h"

static struct report *run(const char *strategy, const char *extra)
{
    g_autofree char *ini = g_strdup_printf("[scenario]\nmodel = net\nduration = 20ms\n"
                                           "warmup = 2ms\n[io]\nstrategy = %s\n"
                                           "[workload]\ntype = rr\n%s",
                                           strategy, extra);

    return test_run_ini(ini, 5);
}

static void test_mapped_is_a_vf(void)
{
    static const char *const same[] = { "latency_mean", "transactions_per_second",
                                        "exits_per_packet", "interrupts_per_second" };
    struct report *vf = run("sriov", "[sriov]\nmailbox_msgs = 0\n");
    struct report *vd = run("vdpa", "[vdpa]\nnotify_mapped = true\n");

    for (size_t k = 0; k < G_N_ELEMENTS(same); k++)
        g_assert_cmpfloat(test_all(vd, same[k]), ==, test_all(vf, same[k]));
    report_free(vf);
    report_free(vd);
}

static void test_trapped_kicks(void)
{
    /* Moderation off, so that the exit shows in the latency rather than
     * hiding in the wait for the next interrupt. */
    struct report *mapped = run("vdpa", "[nic]\nitr = off\n");
    struct report *trapped = run("vdpa", "[nic]\nitr = off\n[vdpa]\nnotify_mapped = false\n");
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
    g_test_add_func("/vdpa/mapped-is-a-vf", test_mapped_is_a_vf);
    g_test_add_func("/vdpa/trapped-kicks", test_trapped_kicks);
    g_test_add_func("/vdpa/needs-vfs", test_needs_vfs);
    g_test_add_func("/vdpa/needs-a-vdpa-nic", test_needs_vdpa_nic);
    return g_test_run();
}
