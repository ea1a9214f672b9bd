/* One world: a VM with a NIC and a disk on one host. Each device pays the
 * shared host's costs; when the two share no resource, each gives exactly
 * the results it gives alone; when they share the VM's vCPU, the disk
 * waits behind the NIC's work. */
#include <math.h>
#include <string.h>

#include <glib.h>

#include "../models/blk/blk.h"
#include "../models/net/net.h"
#include "../models/net/strategy.h"
#include "report.h"
#include "scenario.h"
#include "testlib.h"

#define HEAD "[scenario]\nmodel = %s\nduration = 20ms\nwarmup = 2ms\n"

static struct report *run(const char *model, const char *body, uint64_t seed)
{
    g_autofree char *ini = g_strdup_printf(HEAD "%s", model, body);

    return test_run_ini(ini, seed);
}

static const char *const disk_metrics[] = {
    "iops", "latency_mean", "latency_p99", "exits_per_request", "stage_exit", "stage_device",
};

/* The disk alone (blk model) and the disk beside a NIC that receives on
 * another vCPU (its requests on vCPU 1, the NIC's on vCPU 0, their backend
 * threads on spare cores): the same numbers, bit for bit. */
static void test_disk_alone_equals_disk_beside_nic(void)
{
    struct report *alone =
        run("blk", "[blk]\nstrategy = virtio-blk\nvms = 2\n[fio]\niodepth = 2\n", 5);
    struct report *both = run("net",
                              "[vm]\ncount = 2\nvcpus = 2\ndisk = virtio-blk\n[fio]\niodepth = 2\n"
                              "[io]\nstrategy = sriov\n[workload]\ntype = stream\ndirection = rx\n",
                              5);

    for (size_t k = 0; k < G_N_ELEMENTS(disk_metrics); k++) {
        g_autofree char *name = g_strdup_printf("disk_%s", disk_metrics[k]);

        g_assert_cmpfloat(test_value(alone, "vm1", disk_metrics[k]), ==,
                          test_value(both, "vm1", name));
        g_assert_cmpfloat(test_all(alone, disk_metrics[k]), ==, test_all(both, name));
    }
    g_assert_cmpfloat(test_all(both, "throughput"), >, 1e9);
    report_free(alone);
    report_free(both);
}

/* ... and the NIC beside a disk on a software path gives what it gives
 * alone. An assigned disk shares the host's IOTLB with the VF: its
 * translations evict the NIC's, which the NIC then sees in its DMA's
 * IOMMU stage (its line-rate goodput hides the walks in the wire's slack).
 * ACKs off and static moderation: the stream is then clocked by the DMA
 * path, not by its ACKs or by a driver's adaptive interrupt rate. Walks of
 * 4 x 100 ns (set here) are long enough for the disk's to delay the NIC's.
 * The IOTLB (512 entries, set here) holds the two VFs' receive buffers, so
 * that alone the NIC always hits and only the disk's translations evict. */
static void test_nic_alone_equals_nic_beside_disk(void)
{
    static const char *const net_metrics[] = { "throughput", "latency_mean", "exits_per_packet",
                                               "interrupts_per_second", "stage_dma" };
    const char *nic = "[vm]\ncount = 2\nvcpus = 2\n%s[io]\nstrategy = sriov\n"
                      "[workload]\ntype = stream\ndirection = rx\nacks = false\n"
                      "[nic]\nitr = static\n[iommu]\nwalk_levels = 4\nwalk_access = 100ns\n"
                      "iotlb_entries = 512\n";
    g_autofree char *b1 = g_strdup_printf(nic, "");
    g_autofree char *b2 = g_strdup_printf(nic, "disk = virtio-blk\n");
    g_autofree char *b3 = g_strdup_printf(nic, "disk = passthrough\n");
    struct report *alone = run("net", b1, 9);
    struct report *both = run("net", b2, 9);
    struct report *iotlb = run("net", b3, 9);

    for (size_t k = 0; k < G_N_ELEMENTS(net_metrics); k++)
        g_assert_cmpfloat(test_all(alone, net_metrics[k]), ==, test_all(both, net_metrics[k]));
    g_assert_cmpfloat(test_all(both, "disk_iops"), >, 1e4);
    g_test_message("receive throughput: NIC alone %.4g, beside an assigned disk %.4g",
                   test_all(alone, "throughput"), test_all(iotlb, "throughput"));
    g_assert_cmpfloat(test_all(iotlb, "stage_iommu"), >, test_all(alone, "stage_iommu"));
    report_free(alone);
    report_free(both);
    report_free(iotlb);
}

/* One vCPU for both devices: the disk's requests queue behind the NIC's
 * receive work on it, so its latency grows, and its own stages still add
 * up to its latency. */
static void test_shared_vcpu_contends(void)
{
    static const char *const stages[] = {
        "stage_guest_submit", "stage_exit",    "stage_backend", "stage_image",
        "stage_qcow2_meta",   "stage_host_io", "stage_iommu",   "stage_device_queue",
        "stage_device",       "stage_irq",     "stage_poll",    "stage_guest_complete",
    };
    struct report *alone = run("blk", "[blk]\nstrategy = virtio-blk\n", 3);
    struct report *both = run("net",
                              "[vm]\ndisk = virtio-blk\n[io]\nstrategy = virtio\n"
                              "[workload]\ntype = stream\ndirection = rx\n",
                              3);
    double solo = test_all(alone, "latency_mean"), shared = test_all(both, "disk_latency_mean");
    double sum = 0;

    g_test_message("disk latency alone %.2f us, beside a receiving NIC %.2f us", solo * 1e6,
                   shared * 1e6);
    g_assert_cmpfloat(shared, >, 1.05 * solo);
    for (size_t k = 0; k < G_N_ELEMENTS(stages); k++) {
        g_autofree char *name = g_strdup_printf("disk_%s", stages[k]);

        sum += test_all(both, name);
    }
    g_assert_cmpfloat(fabs(sum - shared), <=, 1e-9 * shared);
    /* Conservation of the disk's requests. */
    g_assert_cmpfloat(test_all(both, "disk_issued_total"), ==,
                      test_all(both, "disk_completed_total") + test_all(both, "disk_in_flight"));
    report_free(alone);
    report_free(both);
}

/* ---- many hosts on the fabric ---- */

#define FABRIC "[fabric]\nleaves = 2\nhosts_per_leaf = 2\nspines = 2\n"

/* Cross-host traffic of every strategy: every packet is delivered, dropped
 * or still in flight, and the stages of a cross-host packet add up to its
 * latency, the fabric's switching and queueing included. */
static void test_cross_host_conservation(void)
{
    for (size_t k = 0; io_strategies[k]; k++) {
        const char *strategy = io_strategies[k]->name;

        for (int rr = 0; rr < 2; rr++) {
            g_autofree char *body = g_strdup_printf(
                "[host]\ncount = 4\n[vm]\ncount = 2\n[io]\nstrategy = %s\n"
                "[workload]\ntype = %s\ntarget = remote\n[passthrough]\ndevices = 2\n" FABRIC,
                strategy, rr ? "rr" : "stream");
            struct report *r = run("net", body, 4);

            g_test_message("%s %s: %.3g b/s, %.3g us, switching %.3g us", strategy,
                           rr ? "rr" : "stream", test_all(r, "throughput"),
                           test_all(r, "latency_mean") * 1e6, test_all(r, "stage_switching") * 1e6);
            g_assert_cmpfloat(test_all(r, "sent_total"), ==,
                              test_all(r, "received_total") + test_all(r, "dropped_total") +
                                  test_all(r, "in_flight"));
            g_assert_cmpfloat(test_all(r, "packets"), >, 100);
            g_assert_cmpfloat(test_all(r, "stage_switching"), >, 0);
            test_check_breakdown(r, "all", "latency_mean", net_stage_names, NET_N_STAGES, 1e-9);
            report_free(r);
        }
    }
}

/* A packet between two hosts under one leaf crosses one switch; between
 * leaves, three (leaf, spine, leaf), and two more links. Request/response
 * at a low rate queues nowhere, so the stages are exact. */
static void test_switch_hops(void)
{
    const char *body = "[host]\ncount = 2\n[io]\nstrategy = sriov\n[nic]\nitr = off\n"
                       "[workload]\ntype = rr\ntarget = remote\nthink_time = 20us\n"
                       "[fabric]\nleaves = 2\nhosts_per_leaf = %d\nspines = 2\n"
                       "switch_latency = 700ns\nlink_delay = 300ns\n";
    g_autofree char *one_leaf = g_strdup_printf(body, 2);
    g_autofree char *two_leaves = g_strdup_printf(body, 1);
    struct report *a = run("net", one_leaf, 2);
    struct report *b = run("net", two_leaves, 2);

    g_assert_cmpfloat(fabs(test_all(a, "stage_switching") - 0.7e-6), <=, 1e-15);
    g_assert_cmpfloat(fabs(test_all(b, "stage_switching") - 2.1e-6), <=, 1e-15);
    g_assert_cmpfloat(test_all(a, "stage_fabric_queue"), ==, 0);
    /* Two more links of propagation and serialization between leaves. */
    g_assert_cmpfloat(test_all(b, "stage_wire"), >, test_all(a, "stage_wire") + 2 * 0.3e-6);
    report_free(a);
    report_free(b);
}

/* The overlay: VXLAN adds 50 bytes to every frame of the traffic the
 * vSwitch encapsulates (virtio) and costs its CPU share there; a VF is on
 * the overlay only when the NIC encapsulates, which costs wire bytes and
 * no host CPU (vxlan_cpu is charged per frame, so virtio sends 1460-byte
 * packets, Poisson: a stream's regular timing locks the notifications
 * into one of two patterns whose host CPU differs as much as VXLAN's
 * share, and the overlay may flip it). ACKs off and, for the VFs, 64 KiB
 * TSO segments: a vCPU paying the stack per 1460-byte packet, or taking
 * ACKs, is CPU-bound below line rate, where the 50 bytes would not show. */
static void test_vxlan_tradeoff(void)
{
    const char *body = "[host]\ncount = 2\n[vm]\ncount = 2\n[io]\nstrategy = %s\n"
                       "[workload]\ntarget = remote\nacks = false\n%s"
                       "[nic]\nvxlan_offload = %s\n"
                       "[fabric]\nleaves = 1\nhosts_per_leaf = 2\nvxlan = %s\nvxlan_cpu = 0.35\n";
    const char *tso = "type = stream\nsize = 64KiB\n[guest]\ngso_size = 64KiB\n";
    const char *udp = "type = udp\nrate = 200Kpps\narrivals = poisson\n";
    g_autofree char *v0 = g_strdup_printf(body, "virtio", udp, "false", "false");
    g_autofree char *v1 = g_strdup_printf(body, "virtio", udp, "false", "true");
    g_autofree char *s0 = g_strdup_printf(body, "sriov", tso, "false", "false");
    g_autofree char *s1 = g_strdup_printf(body, "sriov", tso, "false", "true");
    g_autofree char *s2 = g_strdup_printf(body, "sriov", tso, "true", "true");
    struct report *rv0 = run("net", v0, 6), *rv1 = run("net", v1, 6);
    struct report *rs0 = run("net", s0, 6), *rs1 = run("net", s1, 6), *rs2 = run("net", s2, 6);
    double per_pkt_v0 = test_all(rv0, "host_cpu") / test_all(rv0, "pps");
    double per_pkt_v1 = test_all(rv1, "host_cpu") / test_all(rv1, "pps");
    /* Encapsulation on the sender's host, decapsulation on the receiver's:
     * 0.35 of host.stack_per_packet (733 cycles at 2.1 GHz) each. */
    double share = 2 * 0.35 * 733 / 2.1e9, per_irq0, per_irq2;

    g_test_message("virtio host CPU per packet: %.4g -> %.4g s with VXLAN (its share %.4g)",
                   per_pkt_v0, per_pkt_v1, share);
    /* The exits and wake-ups around it move with the notifications'
     * timing, which the overlay shifts too: about the share, not exactly. */
    g_assert_cmpfloat(per_pkt_v1 - per_pkt_v0, >, 0.5 * share);
    g_assert_cmpfloat(per_pkt_v1 - per_pkt_v0, <, 2 * share);
    /* A VF outside the overlay: VXLAN changes nothing. */
    g_assert_cmpfloat(test_all(rs1, "throughput"), ==, test_all(rs0, "throughput"));
    /* A VF on the NIC's overlay: line-rate goodput falls by the 50 bytes
     * per 1538-byte frame; the host's work per interrupt does not move
     * (fewer frames may fold into fewer interrupts at a busy receiver). */
    g_test_message("SR-IOV goodput %.4g -> %.4g b/s with the NIC's VXLAN",
                   test_all(rs0, "throughput"), test_all(rs2, "throughput"));
    g_assert_cmpfloat(test_all(rs2, "throughput"), <, 0.985 * test_all(rs0, "throughput"));
    g_assert_cmpfloat(test_all(rs2, "throughput"), >, 0.95 * test_all(rs0, "throughput"));
    per_irq0 = test_all(rs0, "host_cpu") / test_all(rs0, "interrupts_per_second");
    per_irq2 = test_all(rs2, "host_cpu") / test_all(rs2, "interrupts_per_second");
    g_assert_cmpfloat(fabs(per_irq2 - per_irq0), <=, 0.01 * per_irq0);
    report_free(rv0);
    report_free(rv1);
    report_free(rs0);
    report_free(rs1);
    report_free(rs2);
}

/* A group's vCPUs are its VMs' senders, as [vm] vcpus are: a stream from a
 * two-vCPU VM gives the same numbers however the VM is declared (a group's
 * stream used to send from one vCPU, the [vm] default). */
static void test_group_vcpus_send(void)
{
    struct report *vm = run("net",
                            "[vm]\nvcpus = 2\n[io]\nstrategy = sriov\n"
                            "[workload]\ntype = stream\n",
                            4);
    struct report *group = run("net",
                               "[group a]\ncount = 1\nvcpus = 2\nnet = sriov\n"
                               "[workload]\ntype = stream\n",
                               4);
    struct report *one = run("net", "[io]\nstrategy = sriov\n[workload]\ntype = stream\n", 4);

    g_assert_cmpfloat(test_all(group, "throughput"), ==, test_all(vm, "throughput"));
    g_assert_cmpfloat(test_all(group, "guest_cpu"), ==, test_all(vm, "guest_cpu"));
    g_assert_cmpfloat(test_all(group, "guest_cpu"), >, 1.5 * test_all(one, "guest_cpu"));
    report_free(vm);
    report_free(group);
    report_free(one);
}

/* One host with virtio VMs next to SR-IOV VMs, each with a disk on the
 * host's SSD, on two hosts: each group behaves as it does alone, where
 * they share nothing but the hosts' spare cores. */
static void test_mixed_groups(void)
{
    const char *mixed = "[host]\ncount = 2\n[group vf]\nnet = sriov\ncount = 2\nvcpus = 2\n"
                        "disk = passthrough\n[group pv]\nnet = virtio\ncount = 2\nvcpus = 2\n"
                        "disk = virtio-blk\n[workload]\ntype = rr\ntarget = remote\n"
                        "[fabric]\nleaves = 1\nhosts_per_leaf = 2\n";
    struct report *r = run("net", mixed, 8);
    double vf = test_value(r, "vm0", "transactions_per_second");
    double pv = test_value(r, "vm2", "transactions_per_second");

    g_test_message("per VM: SR-IOV %.4g/s, virtio %.4g/s; disk latency %.3g vs %.3g us", vf, pv,
                   test_value(r, "vm0", "disk_latency_mean") * 1e6,
                   test_value(r, "vm2", "disk_latency_mean") * 1e6);
    /* Host 1 mirrors host 0: the same groups in the same order. */
    g_assert_cmpfloat(test_value(r, "vm4", "exits_per_packet"), ==,
                      test_value(r, "vm0", "exits_per_packet"));
    g_assert_cmpfloat(vf, >, pv);
    g_assert_cmpfloat(test_value(r, "vm2", "exits_per_packet"), !=,
                      test_value(r, "vm0", "exits_per_packet"));
    g_assert_cmpfloat(test_value(r, "vm0", "disk_latency_mean"), <,
                      test_value(r, "vm2", "disk_latency_mean"));
    g_assert_cmpfloat(test_value(r, "vm6", "disk_iops"), >, 1e4);
    /* A group's scope holds its VMs' totals. */
    g_assert_cmpfloat(test_value(r, "group.vf", "transactions"), ==,
                      test_value(r, "vm0", "transactions") + test_value(r, "vm1", "transactions") +
                          test_value(r, "vm4", "transactions") +
                          test_value(r, "vm5", "transactions"));
    g_assert_cmpfloat(test_all(r, "sent_total"), ==,
                      test_all(r, "received_total") + test_all(r, "dropped_total") +
                          test_all(r, "in_flight"));
    g_assert_cmpfloat(test_all(r, "disk_issued_total"), ==,
                      test_all(r, "disk_completed_total") + test_all(r, "disk_in_flight"));
    report_free(r);
}

/* A disk completion reaches a halted vCPU the way a packet's interrupt
 * does (host_virq_deliver()): at QD1 the vCPU is idle whenever the device
 * finishes, so with hv.halt every request pays one HLT exit (2,000 cycles
 * at 2.1 GHz) inside the halt-polling window, and the polling burns host
 * CPU that an assigned disk otherwise never uses. */
static void test_disk_interrupt_wakes_halted_vcpu(void)
{
    const char *disk = "[blk]\nstrategy = passthrough\n[fio]\niodepth = 1\n";
    g_autofree char *halted = g_strdup_printf("%s[hv]\nhalt = true\n", disk);
    struct report *spin = run("blk", disk, 3);
    struct report *halt = run("blk", halted, 3);

    g_assert_cmpfloat(
        fabs(test_all(halt, "exits_per_request") - test_all(spin, "exits_per_request") - 1), <,
        1e-3);
    g_assert_cmpfloat(
        fabs(test_all(halt, "latency_mean") - test_all(spin, "latency_mean") - 2000 / 2.1e9), <,
        0.02 * 2000 / 2.1e9);
    g_assert_cmpfloat(test_all(spin, "host_cpu"), ==, 0);
    g_assert_cmpfloat(test_all(halt, "host_cpu"), >, 0.3);
    g_assert_cmpfloat(test_all(halt, "host_cpu"), <, 1);
    report_free(spin);
    report_free(halt);
}

/* A packet from one software-path VM to another on the same host goes
 * through the tap and the host's switch (host.stack_per_packet on the
 * sender's backend thread), though not through the NIC's driver; a VF's
 * goes through the NIC's embedded switch (VEB) and no host software. */
static void test_bridge_pays_host_switch(void)
{
    static const char *const nets[] = { "virtio", "emulation", "sriov" };

    for (size_t k = 0; k < G_N_ELEMENTS(nets); k++) {
        g_autofree char *ini =
            g_strdup_printf("[vm]\ncount = 2\n[io]\nstrategy = %s\n"
                            "[host]\nstack_per_packet = 1000\n[workload]\ntype = udp\ntarget = vm\n"
                            "rate = 20Kpps\nsize = 64B\n",
                            nets[k]);
        struct report *r = run("net", ini, 4);
        double host_stack = test_all(r, "stage_host_stack");

        g_test_message("%s: stage_host_stack %.4g ns", nets[k], host_stack * 1e9);
        g_assert_cmpfloat(test_all(r, "received_total"), >, 100);
        if (strcmp(nets[k], "sriov") == 0)
            g_assert_cmpfloat(host_stack, ==, 0);
        else
            g_assert_cmpfloat(fabs(host_stack - 1000 / 2.1e9), <, 1e-3 * 1000 / 2.1e9);
        report_free(r);
    }
}

/* host.vswitch_cores set cores apart for the host's receive path and
 * switch: every software-path VM's received packets then share them, so one
 * such core caps the host at its rate, 2.1 GHz / 1,000 cycles of
 * host.stack_per_packet = 2.1 Mpps, where each VM's own backend core kept
 * up with 8 x 400 Kpps; a VF's packets never touch them. */
static void test_vswitch_cores_are_shared(void)
{
    const char *fmt = "[vm]\ncount = 8\n[io]\nstrategy = %s\n[host]\nvswitch_cores = "
                      "%d\nstack_per_packet = 1000\n"
                      "[workload]\ntype = udp\ndirection = rx\nrate = 400Kpps\nsize = 64B\n";
    double pps[2][3];

    for (int s = 0; s < 2; s++)
        for (int c = 0; c < 3; c++) {
            g_autofree char *ini = g_strdup_printf(fmt, s ? "sriov" : "virtio", c);
            struct report *r = run("net", ini, 6);

            pps[s][c] = test_all(r, "pps");
            g_test_message("%s, %d vSwitch cores: %.4g pps", s ? "sriov" : "virtio", c, pps[s][c]);
            report_free(r);
        }
    g_assert_cmpfloat(fabs(pps[0][0] - 3.2e6), <, 0.01 * 3.2e6);
    g_assert_cmpfloat(fabs(pps[0][1] - 2.1e6), <, 0.01 * 2.1e6);
    g_assert_cmpfloat(fabs(pps[0][2] - 3.2e6), <, 0.01 * 3.2e6);
    g_assert_cmpfloat(pps[1][1], ==, pps[1][0]);
}

/* With vSwitch cores, a multi-queue virtio VM's received packets still
 * reach the guest through their own queue pair's vhost thread: the cores
 * set apart take the switching, not the copies (which once all went to the
 * VM's first backend core and halved the goodput). */
static void test_vswitch_cores_keep_queue_pairs(void)
{
    const char *fmt = "[vm]\nvcpus = 4\n[io]\nstrategy = virtio\n[virtio]\nqueues = 4\n"
                      "[nic]\nqueues = 4\nline_rate = 40Gbps\n[host]\nvswitch_cores = %d\n"
                      "[workload]\ntype = udp\ndirection = rx\nsize = 1460B\nrate = 3Mpps\n"
                      "flows = 8\n";
    double gbps[2];

    for (int k = 0; k < 2; k++) {
        g_autofree char *ini = g_strdup_printf(fmt, 2 * k);
        struct report *r = run("net", ini, 9);

        gbps[k] = test_all(r, "throughput") / 1e9;
        g_test_message("%d vSwitch cores: %.4g Gb/s", 2 * k, gbps[k]);
        report_free(r);
    }
    g_assert_cmpfloat(gbps[0], >, 15);
    g_assert_cmpfloat(gbps[1], >, 0.9 * gbps[0]);
}

/* Bad combinations: one located line each. */
static void test_bad_input(void)
{
    static const struct {
        const char *body, *key;
    } cases[] = {
        { "[vm]\ndisk = sriov\n", "vm.disk" },
        { "[vm]\ndisk = virtio-blk\n[blk]\nvms = 3\n", "blk.vms" },
        { "[vm]\ndisk = emulation\n[blk]\ncompletion = poll\n", "blk.completion" },
        { "[host]\ncount = 9\n[fabric]\nleaves = 2\nhosts_per_leaf = 4\n", "host.count" },
        { "[workload]\ntarget = remote\n", "workload.target" },
        { "[host]\ncount = 2\n[fabric]\nmode = reactive\n", "fabric.mode" },
        { "[group a]\nnet = sriov\n[vm]\ncount = 2\n", "vm.count" },
        { "[group a]\nnet = sriov\ncount = 40\n[group b]\nnet = sriov\ncount = 30\n",
          "group.b.count" },
        { "[group a]\nnet = sriov\ncount = 2\n[group b]\nnet = virtio\ncount = 1\n"
          "[workload]\ntarget = vm\n",
          "group.b.count" },
        { "[group a]\ndisk = sriov\n", "group.a.disk" },
        { "[host]\ncores = 4\nvswitch_cores = 4\n", "host.vswitch_cores" },
        { "[host]\ncores = 4\nvswitch_cores = 3\n[vm]\ncount = 2\n", "vm.vcpus" },
    };

    for (size_t k = 0; k < G_N_ELEMENTS(cases); k++) {
        g_autofree char *ini = g_strdup_printf(HEAD "%s", "net", cases[k].body);

        test_expect_refused(ini, cases[k].key, NULL);
    }
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/world/disk-alone-equals-disk-beside-nic",
                    test_disk_alone_equals_disk_beside_nic);
    g_test_add_func("/world/nic-alone-equals-nic-beside-disk",
                    test_nic_alone_equals_nic_beside_disk);
    g_test_add_func("/world/shared-vcpu-contends", test_shared_vcpu_contends);
    g_test_add_func("/world/group-vcpus-send", test_group_vcpus_send);
    g_test_add_func("/world/fabric/cross-host-conservation", test_cross_host_conservation);
    g_test_add_func("/world/fabric/switch-hops", test_switch_hops);
    g_test_add_func("/world/fabric/vxlan-tradeoff", test_vxlan_tradeoff);
    g_test_add_func("/world/groups/mixed-strategies", test_mixed_groups);
    g_test_add_func("/world/disk-interrupt-wakes-halted-vcpu",
                    test_disk_interrupt_wakes_halted_vcpu);
    g_test_add_func("/world/bridge-pays-host-switch", test_bridge_pays_host_switch);
    g_test_add_func("/world/vswitch-cores-are-shared", test_vswitch_cores_are_shared);
    g_test_add_func("/world/vswitch-cores-keep-queue-pairs", test_vswitch_cores_keep_queue_pairs);
    g_test_add_func("/world/bad-input", test_bad_input);
    return g_test_run();
}
