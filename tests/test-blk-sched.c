/* The disk's vCPU and I/O thread on the host scheduler (models/host/sched.c)
 * and host.backend_placement: N disk VMs sharing fewer cores each get less
 * as N grows, bounded by the cores' capacity over the CPU a request takes;
 * pinned I/O threads keep each VM's rate whatever N; a VM's disk beside its
 * NIC under shared placement waits for its network backend's core, and its
 * completions take the vCPU's interrupt lane; bad placements are refused
 * with one located line. */
#include <math.h>
#include <string.h>

#include <glib.h>

#include "report.h"
#include "testlib.h"

/* A device far faster than the CPU path (1 us, 64 channels, no transfer
 * term), so that only the host's cores limit a VM. */
#define FAST_DISK "[disk]\nread_access = det(1us)\nchannels = 64\nchannel_rate = 0bps\n"

static struct report *run_disks(const char *placement, unsigned vms, unsigned cores)
{
    g_autofree char *ini = g_strdup_printf(
        "[scenario]\nname = t\nmodel = blk\nduration = 20ms\nwarmup = 4ms\n"
        "[blk]\nstrategy = virtio-blk\nbackend = io_uring\nvms = %u\n[fio]\niodepth = 4\n" FAST_DISK
        "[host]\ncores = %u\npin_vcpus = false\nbackend_placement = %s\n",
        vms, cores, placement);

    return test_run_ini(ini, 3);
}

static double per_vm_iops(const struct report *r, unsigned vms)
{
    return test_all(r, "iops") / vms;
}

/* Core-seconds of the vCPU and I/O thread per request, with a core each
 * (no switches): what the closed form divides the cores' capacity by. */
static double cpu_per_request(void)
{
    struct report *r = run_disks("pinned", 1, 2);
    double cpu = (test_all(r, "guest_cpu") + test_all(r, "host_cpu")) / test_all(r, "iops");

    g_assert_cmpfloat(test_all(r, "context_switches"), ==, 0);
    report_free(r);
    return cpu;
}

/* Shared placement, 2 cores: each VM's I/O thread time-shares its vCPU's
 * core, and past 2 VMs the vCPUs share the cores too. The cores are then
 * saturated, each VM gets less as VMs are added, and the total stays under
 * the cores' capacity over the CPU a request takes (switches only add to
 * it). Not half per doubling: the fair scheduler lets a thread keep the
 * core through a wake-up that it need not yield to (EEVDF's RUN_TO_PARITY),
 * so the more threads share a core, the more requests each switch serves
 * (2 VMs: 65% of the bound, 4 and 8: 89-90%). */
static void test_shared_falls_with_vms(void)
{
    const unsigned cores = 2, n[] = { 2, 4, 8 };
    double cpu = cpu_per_request(), prev = INFINITY;

    for (size_t k = 0; k < G_N_ELEMENTS(n); k++) {
        struct report *r = run_disks("shared", n[k], cores);
        double got = per_vm_iops(r, n[k]), bound = cores / (n[k] * cpu);
        double busy = test_all(r, "guest_cpu") + test_all(r, "host_cpu");

        g_test_message("%u VMs on %u cores: %.0f IOPS each (bound %.0f), %.3f cores busy, "
                       "%.0f switches",
                       n[k], cores, got, bound, busy, test_all(r, "context_switches"));
        g_assert_cmpfloat(got, <=, bound);
        g_assert_cmpfloat(got, <, prev);
        g_assert_cmpfloat(busy, >, 0.98 * cores);
        g_assert_cmpfloat(test_all(r, "context_switches"), >, 0);
        prev = got;
        report_free(r);
    }
}

/* Pinned: each VM's vCPU and I/O thread on cores of their own; adding VMs
 * (and the cores they need) leaves each VM's rate where it was. */
static void test_pinned_stays_flat(void)
{
    const unsigned n[] = { 1, 2, 4, 8 };
    double one = 0;

    for (size_t k = 0; k < G_N_ELEMENTS(n); k++) {
        struct report *r = run_disks("pinned", n[k], 2 * n[k]);
        double got = per_vm_iops(r, n[k]);

        g_test_message("%u VMs, %u cores, pinned: %.0f IOPS each", n[k], 2 * n[k], got);
        if (k == 0)
            one = got;
        g_assert_cmpfloat(fabs(got / one - 1), <, 0.01);
        g_assert_cmpfloat(test_all(r, "context_switches"), ==, 0);
        report_free(r);
    }
}

/* One VM, one vCPU, a virtio NIC receiving and a virtio-blk disk at QD1. */
static struct report *run_nic_and_disk(const char *placement, const char *rate)
{
    g_autofree char *ini = g_strdup_printf(
        "[scenario]\nname = t\nmodel = net\nduration = 20ms\nwarmup = 2ms\n"
        "[vm]\ncount = 1\nvcpus = 1\ndisk = virtio-blk\n[io]\nstrategy = virtio\n"
        "[workload]\ntype = udp\ndirection = rx\nrate = %s\narrivals = poisson\nsize = 1460B\n"
        "[fio]\nrw = randread\niodepth = 1\n[host]\nbackend_placement = %s\n",
        rate, placement);

    return test_run_ini(ini, 7);
}

/* Shared placement puts the NIC's backend and the disk's I/O thread on the
 * VM's vCPU core: the disk's requests wait for the core the network backend
 * holds, and each hand-over between the threads is a switch, billed to the
 * disk's host CPU. Spread gives both backends cores of their own, so the
 * NIC's traffic reaches the disk only through the vCPU. */
static void test_disk_waits_for_network_backend(void)
{
    struct report *sh_idle = run_nic_and_disk("shared", "1pps");
    struct report *sh_busy = run_nic_and_disk("shared", "100Kpps");
    struct report *sp_idle = run_nic_and_disk("spread", "1pps");
    struct report *sp_busy = run_nic_and_disk("spread", "100Kpps");
    double sh_rise =
        test_all(sh_busy, "disk_latency_mean") / test_all(sh_idle, "disk_latency_mean");
    double sp_rise =
        test_all(sp_busy, "disk_latency_mean") / test_all(sp_idle, "disk_latency_mean");

    g_test_message("disk latency with the NIC at 100 Kpps vs idle: shared x%.2f, spread x%.2f; "
                   "shared idle: %.0f switches, disk host CPU %.3f",
                   sh_rise, sp_rise, test_all(sh_idle, "context_switches"),
                   test_all(sh_idle, "disk_host_cpu"));
    g_assert_cmpfloat(test_all(sh_busy, "throughput"), >, 1e9);
    g_assert_cmpfloat(sh_rise, >, 1.3);
    g_assert_cmpfloat(sh_rise, >, sp_rise + 0.2);
    g_assert_cmpfloat(test_all(sh_busy, "disk_stage_host_io"), >,
                      2 * test_all(sh_idle, "disk_stage_host_io"));
    /* Idle NIC: the disk's vCPU and I/O thread alone take turns. */
    g_assert_cmpfloat(test_all(sh_idle, "context_switches"), >, test_all(sh_idle, "disk_requests"));
    g_assert_cmpfloat(test_all(sh_idle, "disk_host_cpu"), >, 0.1);
    g_assert_cmpfloat(test_all(sp_idle, "context_switches"), ==, 0);
    g_assert_cmpfloat(test_all(sh_idle, "disk_latency_mean"), >,
                      test_all(sp_idle, "disk_latency_mean"));
    report_free(sh_idle);
    report_free(sh_busy);
    report_free(sp_idle);
    report_free(sp_busy);
}

/* One vCPU, an SR-IOV NIC and a virtio-blk disk at QD1. */
static struct report *run_tx_and_disk(const char *workload)
{
    g_autofree char *ini =
        g_strdup_printf("[scenario]\nname = t\nmodel = net\nduration = 20ms\nwarmup = 2ms\n"
                        "[vm]\ncount = 1\nvcpus = 1\ndisk = virtio-blk\n[io]\nstrategy = sriov\n"
                        "[workload]\n%s\n[fio]\niodepth = 1\n",
                        workload);

    return test_run_ini(ini, 5);
}

/* The guest's completion interrupt goes in the vCPU's interrupt lane, as
 * the NIC's does: under a transmitting application on the same vCPU a
 * disk submission waits behind every transmit job queued there, its
 * completion only behind the one running. */
static void test_completion_in_interrupt_lane(void)
{
    struct report *idle = run_tx_and_disk("type = udp\ndirection = tx\nrate = 1pps");
    struct report *busy = run_tx_and_disk("type = stream\ndirection = tx");
    double submit =
        test_all(busy, "disk_stage_guest_submit") - test_all(idle, "disk_stage_guest_submit");
    double irq = test_all(busy, "disk_stage_irq") - test_all(idle, "disk_stage_irq");

    g_test_message("beside a transmit stream: submission +%.2f us, completion +%.2f us",
                   submit * 1e6, irq * 1e6);
    g_assert_cmpfloat(test_all(busy, "throughput"), >, 1e9);
    g_assert_cmpfloat(submit, >, 1e-6);
    g_assert_cmpfloat(irq, <, 0.25 * submit);
    report_free(idle);
    report_free(busy);
}

#define HEAD "[scenario]\nname = t\nmodel = blk\nduration = 10ms\n"

static void test_bad_placement(void)
{
    test_expect_refused(HEAD "[blk]\nvms = 4\n[host]\ncores = 6\nbackend_placement = pinned\n",
                        "host.backend_placement", "pinned I/O threads need a core per VM");
    test_expect_refused(HEAD "[blk]\nvms = 5\n[host]\ncores = 4\n", "blk.vms",
                        "cannot be pinned on 4 host cores");
}

/* An assigned disk has no I/O thread: pinned placement needs no core for
 * one, and its vCPUs each keep a core to themselves. */
static void test_assigned_needs_no_thread_core(void)
{
    struct report *r = test_run_ini(HEAD "[blk]\nstrategy = passthrough\nvms = 4\n"
                                         "[host]\ncores = 4\nbackend_placement = pinned\n",
                                    1);

    g_assert_cmpfloat(test_all(r, "iops"), >, 0);
    g_assert_cmpfloat(test_all(r, "context_switches"), ==, 0);
    report_free(r);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/blk-sched/shared/falls-with-vms", test_shared_falls_with_vms);
    g_test_add_func("/blk-sched/pinned/stays-flat", test_pinned_stays_flat);
    g_test_add_func("/blk-sched/nic-and-disk/waits-for-network-backend",
                    test_disk_waits_for_network_backend);
    g_test_add_func("/blk-sched/nic-and-disk/interrupt-lane", test_completion_in_interrupt_lane);
    g_test_add_func("/blk-sched/bad/placement", test_bad_placement);
    g_test_add_func("/blk-sched/passthrough/no-thread", test_assigned_needs_no_thread_core);
    return g_test_run();
}
