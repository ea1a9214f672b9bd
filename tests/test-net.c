/* Tests for the net model: every strategy under every workload runs end to
 * end, conserves packets (sent = received + dropped + in flight) and has a
 * per-stage breakdown that adds up to the mean latency; the same seed gives
 * identical metrics; the published results of docs/validation.md as
 * orderings or within stated tolerances; and each kind of bad input is a
 * one-line error naming the file, line and key. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <glib.h>

#include "../models/net/net.h"
#include "../models/net/strategy.h"
#include "../models/net/workload.h"
#include "report.h"
#include "runner.h"
#include "scenario.h"
#include "testlib.h"

/* Sum of means vs mean of sums: the same integers, summed in a different
 * order in floating point. */
#define BREAKDOWN_REL 1e-9

static struct scenario *load(const char *body)
{
    g_autofree char *ini = g_strdup_printf("[scenario]\nname = t\nmodel = net\n"
                                           "duration = 6ms\nwarmup = 1ms\n%s",
                                           body);
    return test_load(ini);
}

static struct report *run_ini(const char *body, uint64_t seed)
{
    struct scenario *sc = load(body);
    struct report *r = test_run(sc, seed);

    scenario_free(sc);
    return r;
}

static void check_breakdown(const struct report *r, const char *scope)
{
    test_check_breakdown(r, scope, "latency_mean", net_stage_names, NET_N_STAGES, BREAKDOWN_REL);
}

/* ---- every strategy x workload ---- */

struct e2e_case {
    const char *strategy;
    const char *workload;
    bool vm_to_vm;
};

static const char *const workloads[] = {
    "type = stream\ndirection = tx",
    "type = stream\ndirection = rx",
    "type = rr",
    "type = udp\nrate = 300Kpps\narrivals = poisson\nsize = 200B",
    "type = udp\nrate = 3Mpps\nsize = 64B\ndirection = rx",
};
static const char *const workload_names[] = { "stream-tx", "stream-rx", "rr", "udp",
                                              "udp-overload" };

static void test_e2e(gconstpointer data)
{
    const struct e2e_case *c = data;
    g_autofree char *body =
        g_strdup_printf("[io]\nstrategy = %s\n[vm]\ncount = %d\n[workload]\n%s\ntarget = %s\n",
                        c->strategy, c->vm_to_vm ? 3 : 1, c->workload, c->vm_to_vm ? "vm" : "peer");
    struct report *r = run_ini(body, 7);

    /* At least 50: emulation's request/response takes one transaction per
     * QEMU mitigation window (128 us), 39 in the 5 ms measured. */
    g_assert_cmpfloat(test_all(r, "packets"), >, 50);
    g_assert_cmpfloat(test_all(r, "throughput"), >, 0);
    g_assert_cmpfloat(test_all(r, "latency_p50"), <=, test_all(r, "latency_p99"));
    g_assert_cmpfloat(test_all(r, "latency_p99"), <=, test_all(r, "latency_p999"));
    /* Interrupt and poll jobs are billed when submitted (net_cpu_job): a
     * saturated vCPU's last one, still queued at the end, may overshoot. */
    g_assert_cmpfloat(test_all(r, "guest_cpu"), <=, 1.0 * (c->vm_to_vm ? 3 : 1) + 1e-3);
    test_check_net_conservation(r);
    check_breakdown(r, "all");
    check_breakdown(r, "vm0");
    if (g_str_has_prefix(c->workload, "type = rr"))
        g_assert_cmpfloat(test_all(r, "transactions"), >, 10);
    report_free(r);
}

/* TSO/GSO: 64 KiB segments become 45 frames on the wire each; goodput
 * stays under the line rate's 9.49 Gb/s while the per-packet CPU cost is
 * paid once per segment. */
static void test_gso(void)
{
    struct report *r = run_ini("[io]\nstrategy = virtio\n[guest]\ngso_size = 64KiB\n"
                               "[workload]\nsize = 64KiB\n",
                               1);

    g_assert_cmpfloat(fabs(test_all(r, "throughput") / 9.4916e9 - 1), <, 0.01);
    g_assert_cmpfloat(test_all(r, "pps"), <, 20e3);
    test_check_net_conservation(r);
    check_breakdown(r, "all");
    report_free(r);
}

/* A VF receiving 64 KiB GSO segments from its peer: the NIC fills a
 * buffer per wire frame and the driver takes each (guest.driver_rx, 733
 * cycles at 2.1 GHz), so the guest's CPU is at least that per frame
 * received, where one driver pass per segment would cost 1/45 of it. */
static void test_gso_rx_frames(void)
{
    struct report *r = run_ini("[io]\nstrategy = sriov\n[guest]\ngso_size = 64KiB\n"
                               "[workload]\nsize = 64KiB\ndirection = rx\n",
                               1);
    double frames = test_all(r, "throughput") / 8 / 1460;
    double driver = frames * 733 / 2.1e9;

    g_test_message("%.3g frames/s: driver %.3g cores, guest %.3g", frames, driver,
                   test_all(r, "guest_cpu"));
    g_assert_cmpfloat(test_all(r, "pps"), <, 20e3);
    g_assert_cmpfloat(test_all(r, "guest_cpu"), >, driver);
    g_assert_cmpfloat(test_all(r, "throughput"), >, 8e9);
    test_check_net_conservation(r);
    check_breakdown(r, "all");
    report_free(r);
}

/* virtio receiving the same segments: the host's NIC driver takes each
 * frame (host.stack_per_packet, 733 cycles at 2.1 GHz, 45 per 64 KiB
 * segment) before vhost hands the guest the segment whole. */
static void test_gso_rx_host_frames(void)
{
    struct report *r = run_ini("[io]\nstrategy = virtio\n[guest]\ngso_size = 64KiB\n"
                               "[workload]\nsize = 64KiB\ndirection = rx\n",
                               1);

    g_test_message("host stack %.4g s per segment", test_all(r, "stage_host_stack"));
    g_assert_cmpfloat(fabs(test_all(r, "stage_host_stack") / (45 * 733 / 2.1e9) - 1), <, 0.01);
    g_assert_cmpfloat(test_all(r, "throughput"), >, 9e9);
    test_check_net_conservation(r);
    check_breakdown(r, "all");
    report_free(r);
}

/* More vCPUs than cores without pinning: the VMs time-share, pay the
 * switches, still conserve, and identical VMs get the same throughput.
 * Each of the two cores holds two VMs' vCPU and vhost threads. The fair
 * scheduler keeps each thread's lag within its request r (the 0.75 ms
 * base slice x (1 + ilog2 2) = 1.5 ms) plus the job that overruns it (q,
 * microseconds), so in the measured window W a thread's CPU is its fair
 * share to within its lag at either end, 2(r + q), and a VM's (two
 * threads) to within 4(r + q); identical VMs have equal fair shares, half
 * a core each, and at the same cost per packet their throughputs differ
 * by at most 8(r + q) / (W / 2): 12% over 0.2 s. (In FIFO order two of
 * them settled into a kick per packet and two into batches, 0.23 against
 * 1.28 Gb/s.) */
static void test_time_shared(void)
{
    const double r_q = 1.5e-3 + 10e-6, window = 0.2 - 1e-3, tol = 8 * r_q / (window / 2);
    struct report *r = test_run_ini("[scenario]\nname = t\nmodel = net\nduration = 200ms\n"
                                    "warmup = 1ms\n[io]\nstrategy = virtio\n[host]\ncores = 2\n"
                                    "pin_vcpus = false\n[vm]\ncount = 4\n",
                                    1);
    struct report *pinned = run_ini("[io]\nstrategy = virtio\n[vm]\ncount = 4\n", 1);
    double lo = INFINITY, hi = 0;

    g_assert_cmpfloat(test_all(r, "throughput"), <, test_all(pinned, "throughput"));
    for (unsigned i = 0; i < 4; i++) {
        char vm[8];

        snprintf(vm, sizeof(vm), "vm%u", i);
        lo = MIN(lo, test_value(r, vm, "throughput"));
        hi = MAX(hi, test_value(r, vm, "throughput"));
    }
    g_test_message("time-shared VMs: %.4g to %.4g bit/s (tolerance %.3g)", lo, hi, tol);
    g_assert_cmpfloat(hi / lo - 1, <, tol);
    test_check_net_conservation(r);
    check_breakdown(r, "all");
    report_free(r);
    report_free(pinned);
}

/* Four vCPUs sending: on one virtqueue they are serialised by its lock
 * (waits counted) and one backend thread carries everything; with a queue
 * each, the lock is almost free and four backend threads share the work,
 * until the four vCPUs themselves are the limit (the stack's measured
 * per-packet cost): over twice the single queue's goodput. */
static void test_multiqueue(void)
{
    const char *fmt = "[io]\nstrategy = virtio\n[vm]\nvcpus = 4\n[virtio]\nqueues = %d\n"
                      "[workload]\nsize = 256B\n";
    g_autofree char *one_ini = g_strdup_printf(fmt, 1);
    g_autofree char *four_ini = g_strdup_printf(fmt, 4);
    struct report *one = run_ini(one_ini, 1), *four = run_ini(four_ini, 1);

    g_test_message("1 queue: %.4g bit/s, %.3f contended; 4 queues: %.4g bit/s, %.3f contended",
                   test_all(one, "throughput"), test_all(one, "virtio_lock_contended"),
                   test_all(four, "throughput"), test_all(four, "virtio_lock_contended"));
    g_assert_cmpfloat(test_all(one, "virtio_lock_contended"), >, 0.05);
    g_assert_cmpfloat(test_all(one, "virtio_lock_wait_mean"), >, 0);
    g_assert_cmpfloat(test_all(four, "virtio_lock_contended"), <, 0.01);
    g_assert_cmpfloat(test_all(four, "throughput"), >, 2 * test_all(one, "throughput"));
    g_assert_cmpfloat(test_all(four, "guest_cpu") + test_all(four, "host_cpu") -
                          test_all(four, "backend_cpu"),
                      >, 0.95 * 4);
    g_assert_cmpfloat(test_all(four, "host_cpu"), >, 3.5);
    test_check_net_conservation(four);
    check_breakdown(four, "all");
    report_free(one);
    report_free(four);
}

/* Every strategy with several sending vCPUs per VM. */
static void test_multi_vcpu(void)
{
    for (size_t s = 0; io_strategies[s]; s++) {
        g_autofree char *body = g_strdup_printf("[io]\nstrategy = %s\n[vm]\nvcpus = 3\n"
                                                "[workload]\ntype = udp\nrate = 500Kpps\n",
                                                io_strategies[s]->name);
        struct report *r = run_ini(body, 5);

        g_assert_cmpfloat(test_all(r, "packets"), >, 100);
        test_check_net_conservation(r);
        check_breakdown(r, "all");
        report_free(r);
    }
}

/* A stream packet dropped at a full transmit queue, before the stack, used
 * to leave its vCPU's sender busy for good: four senders fell to the rate
 * of one after three drops (found in review). */
static void test_stream_queue_drop(void)
{
    /* Moderation off: one vCPU is then bound by its interrupts, so four
     * senders must do better than one. ACKs off: they would load vCPU 0
     * for all four alike. */
    const char *base = "[io]\nstrategy = sriov\n[nic]\nitr = off\n[guest]\ntxqueuelen = 1\n"
                       "[workload]\ntype = stream\nacks = false\n";
    g_autofree char *one = g_strdup_printf("%s[vm]\nvcpus = 1\n", base);
    g_autofree char *four = g_strdup_printf("%s[vm]\nvcpus = 4\n", base);
    struct report *r1 = run_ini(one, 1), *r4 = run_ini(four, 1);

    /* Stuck senders send nothing more, so nothing more is dropped after
     * the warm-up; live ones keep meeting the full queue. */
    g_assert_cmpfloat(test_all(r4, "drops_tx_queue_full"), >, 0);
    g_assert_cmpfloat(test_all(r4, "throughput"), >, test_all(r1, "throughput"));
    test_check_net_conservation(r4);
    report_free(r1);
    report_free(r4);
}

/* ---- backpressure and transmit completions ---- */

/* A bulk sender with any window, on small rings and a 1 Gb/s wire so that
 * the queues fill:
 * real drivers stop the queue and the sender waits, so nothing is dropped
 * on the transmit side, and the queues did stop (where a ring the guest
 * fills exists) and were woken again (the stream keeps going). */
static void test_backpressure(void)
{
    static const char *const windows[] = { "16KiB", "1MiB", "64MiB", "1GiB" };

    for (size_t s = 0; io_strategies[s]; s++) {
        for (size_t k = 0; k < G_N_ELEMENTS(windows); k++) {
            g_autofree char *body =
                g_strdup_printf("[io]\nstrategy = %s\n[nic]\ntx_ring = 64\nline_rate = 1Gbps\n"
                                "[virtio]\nring_size = 64\n"
                                "[workload]\ntype = stream\nwindow = %s\n",
                                io_strategies[s]->name, windows[k]);
            struct report *r = run_ini(body, 3);

            g_test_message("%s, window %s: %.4g bit/s, %.0f stops", io_strategies[s]->name,
                           windows[k], test_all(r, "throughput"),
                           strcmp(io_strategies[s]->name, "emulation") == 0
                               ? 0
                               : test_all(r, "tx_queue_stops"));
            g_assert_cmpfloat(test_all(r, "drops"), ==, 0);
            g_assert_cmpfloat(test_all(r, "throughput"), >, 5e8);
            if (k == G_N_ELEMENTS(windows) - 1 && strcmp(io_strategies[s]->name, "emulation"))
                g_assert_cmpfloat(test_all(r, "tx_queue_stops"), >, 0);
            test_check_net_conservation(r);
            check_breakdown(r, "all");
            report_free(r);
        }
    }
}

/* Every strategy reclaims its transmitted buffers and takes transmit-
 * completion interrupts, each at the driver's own pace: the NIC drivers
 * clean in NAPI after a moderated interrupt; virtio (napi_tx) frees on
 * transmit and is interrupted when its 3/4 threshold is crossed, which a
 * sparse sender does nearly every packet. */
static void test_tx_completions(void)
{
    for (size_t s = 0; io_strategies[s]; s++) {
        g_autofree char *body = g_strdup_printf("[io]\nstrategy = %s\n[workload]\ntype = udp\n"
                                                "rate = 50Kpps\narrivals = poisson\n",
                                                io_strategies[s]->name);
        struct report *r = run_ini(body, 3);

        g_test_message("%s: %.4g tx interrupts/s, %.4g cleaned/s, %.4g pps", io_strategies[s]->name,
                       test_all(r, "tx_interrupts_per_second"),
                       test_all(r, "tx_cleaned_per_second"), test_all(r, "pps"));
        g_assert_cmpfloat(test_all(r, "tx_interrupts_per_second"), >, 1000);
        g_assert_cmpfloat(test_all(r, "tx_interrupts_per_second"), <=,
                          test_all(r, "interrupts_per_second"));
        /* Everything sent is reclaimed, give or take the buffers in flight
         * at the cut points. */
        g_assert_cmpfloat(fabs(test_all(r, "tx_cleaned_per_second") / test_all(r, "pps") - 1), <,
                          0.05);
        report_free(r);
    }
}

/* ---- transport ---- */

/* A transmit stream's receiver acknowledges every second segment, and the
 * ACKs come back through the sending VM's receive path: every strategy
 * takes receive interrupts (virtio included), and the virtualized ones exit
 * for its interrupts; without ACK packets the sender receives nothing. */
static void test_acks(void)
{
    for (size_t s = 0; io_strategies[s]; s++) {
        const char *name = io_strategies[s]->name;
        g_autofree char *body =
            g_strdup_printf("[io]\nstrategy = %s\n[workload]\ntype = stream\n", name);
        g_autofree char *off = g_strdup_printf("%s[workload]\nacks = false\n", body);
        struct report *r = run_ini(body, 3), *n = run_ini(off, 3);
        double pps = test_all(r, "pps");

        g_test_message("%s: %.4g pps, %.4g acks/s, %.4g rx interrupts/s, %.3g exits/packet", name,
                       pps, test_all(r, "acks_per_second"), test_all(r, "rx_interrupts_per_second"),
                       test_all(r, "exits_per_packet"));
        /* Every second full segment, give or take the ends of the run. */
        g_assert_cmpfloat(fabs(test_all(r, "acks_per_second") / (pps / 2) - 1), <, 0.05);
        /* vDPA and virtio take the ACKs on the pair's receive vector, apart
         * from their transmit completions' (tests/test-vectors.c). */
        g_assert_cmpfloat(test_all(r, "rx_interrupts_per_second"), >, 1000);
        g_assert_cmpfloat(test_all(n, "rx_interrupts_per_second"), ==, 0);
        g_assert_cmpfloat(test_all(n, "acks_per_second"), ==, 0);
        /* A sidecore interrupts its guests without exits. */
        if (strcmp(name, "baremetal") != 0 && strcmp(name, "sidecore") != 0)
            g_assert_cmpfloat(test_all(r, "exits_external_interrupt_per_second"), >, 1000);
        test_check_net_conservation(r);
        check_breakdown(r, "all");
        report_free(r);
        report_free(n);
    }
}

/* One segment at a time (a window of one MSS) is never "more than one
 * full-sized segment": each waits for the delayed-ACK timer. */
static void test_delayed_ack(void)
{
    struct report *r = run_ini("[io]\nstrategy = sriov\n[workload]\ntype = stream\n"
                               "window = 1460B\ndelack_timeout = 200us\n",
                               1);

    /* About one segment per 200 us over the 5 ms measured. */
    g_assert_cmpfloat(fabs(test_all(r, "pps") / 5000 - 1), <, 0.1);
    g_assert_cmpfloat(test_all(r, "acks_per_second"), ==, test_all(r, "pps"));
    report_free(r);
}

/* A closed-loop stream is deterministic: every seed gives the same run.
 * With start-time jitter, seeds give different runs (replications differ,
 * so confidence intervals mean something). */
static void test_start_jitter(void)
{
    const char *fixed = "[io]\nstrategy = sriov\n[workload]\ntype = stream\n";
    const char *jitter =
        "[io]\nstrategy = sriov\n[workload]\ntype = stream\nstart_jitter = 100us\n";
    struct report *a = run_ini(fixed, 1), *b = run_ini(fixed, 2);
    struct report *c = run_ini(jitter, 1), *d = run_ini(jitter, 2);

    g_assert_cmpfloat(test_all(a, "latency_mean"), ==, test_all(b, "latency_mean"));
    g_assert_cmpfloat(test_all(c, "latency_mean"), !=, test_all(d, "latency_mean"));
    report_free(a);
    report_free(b);
    report_free(c);
    report_free(d);
}

/* A probe flow beside a bulk stream measures what a latency-sensitive
 * flow sharing the path sees: longer round trips under the stream's load
 * (its interrupts moderated for bulk, its sends ahead in the queue) than on
 * an idle VM; the probes are not goodput. */
static void test_probe(void)
{
    const char *fmt = "[io]\nstrategy = sriov\n[workload]\n%s\nprobe_interval = 100us\n";
    g_autofree char *bulk = g_strdup_printf(fmt, "type = stream");
    g_autofree char *idle = g_strdup_printf(fmt, "type = udp\nrate = 1Kpps");
    struct report *b = run_ini(bulk, 1), *i = run_ini(idle, 1);
    struct report *n = run_ini("[io]\nstrategy = sriov\n[workload]\ntype = stream\n", 1);

    g_test_message("probe RTT %.3g s under a stream, %.3g s idle", test_all(b, "probe_rtt_mean"),
                   test_all(i, "probe_rtt_mean"));
    g_assert_cmpfloat(test_all(i, "probe_rtt_mean"), >, 0);
    g_assert_cmpfloat(test_all(b, "probe_rtt_mean"), >, test_all(i, "probe_rtt_mean"));
    g_assert_true(isnan(test_all(n, "probe_rtt_mean")));
    /* Cores per Gb/s: the stream's CPU over its goodput. */
    g_assert_cmpfloat(fabs(test_all(n, "cpu_per_gbps") * test_all(n, "throughput") * 1e-9 /
                               (test_all(n, "guest_cpu") + test_all(n, "host_cpu")) -
                           1),
                      <, 1e-9);
    test_check_net_conservation(b);
    check_breakdown(b, "all");
    report_free(b);
    report_free(i);
    report_free(n);
}

/* Message sizes from a distribution: udp goodput follows the mean size
 * (uniform 100-300 B at 100 Kpps: 160 Mb/s of payload). */
static void test_message_size(void)
{
    struct report *r = run_ini("[io]\nstrategy = sriov\n[workload]\ntype = udp\nrate = 100Kpps\n"
                               "arrivals = poisson\nmessage_size = uniform(100B, 300B)\n",
                               1);

    g_assert_cmpfloat(fabs(test_all(r, "throughput") / (test_all(r, "pps") * 200 * 8) - 1), <,
                      0.05);
    report_free(r);
}

/* ---- determinism ---- */

static void test_determinism(void)
{
    const char *body = "[io]\nstrategy = virtio\n[vm]\ncount = 2\n"
                       "[workload]\ntype = udp\narrivals = poisson\nrate = 200Kpps\n";
    struct report *a = run_ini(body, 42), *b = run_ini(body, 42), *c = run_ini(body, 43);

    test_assert_same_report(a, b);
    g_assert_true(test_reports_differ(a, c));
    report_free(a);
    report_free(b);
    report_free(c);
}

/* ---- validation targets (docs/validation.md) ---- */

/* 2.1: a VF reaches line rate, 9.48 Gb/s. Goodput of 1460-byte payloads in
 * 1538 bytes of wire is 9.4928 Gb/s (9.4916 with 64 KiB TSO segments);
 * allow 0.5% either side. With TSO, as the VF driver offloads by default:
 * one vCPU sending MSS-sized packets and taking the ACKs back is CPU-bound
 * at these guest costs. */
static void test_sriov_line_rate(void)
{
    struct report *r =
        run_ini("[io]\nstrategy = sriov\n[guest]\ngso_size = 64KiB\n[workload]\nsize = 64KiB\n", 1);

    g_assert_cmpfloat(fabs(test_all(r, "throughput") / 9.48e9 - 1), <, 0.005);
    report_free(r);
}

/* 2.1: 60 VMs on one port still fill it, and share it fairly. */
static void test_sriov_60(void)
{
    struct report *r = run_ini("[io]\nstrategy = sriov\n[vm]\ncount = 60\n[host]\ncores = 128\n"
                               "[workload]\nwindow = 64KiB\n",
                               1);

    g_assert_cmpfloat(fabs(test_all(r, "throughput") / 9.48e9 - 1), <, 0.005);
    g_assert_cmpfloat(test_all(r, "fairness"), >, 0.99);
    g_assert_cmpfloat(test_all(r, "drops"), ==, 0);
    report_free(r);
}

static double stream_tx(const char *lines)
{
    g_autofree char *body = g_strdup_printf("%s\n[nic]\nitr = off\n", lines);
    struct report *r = run_ini(body, 3);
    double bps = test_all(r, "throughput");

    g_test_message("%s: %.4g bit/s, %.0f interrupts/s", lines, bps,
                   test_all(r, "interrupts_per_second"));
    report_free(r);
    return bps;
}

static double rr_rate(const char *strategy_lines)
{
    g_autofree char *body =
        g_strdup_printf("%s\n[nic]\nitr = off\n[workload]\ntype = rr\n", strategy_lines);
    struct report *r = run_ini(body, 3);
    double tps = test_all(r, "transactions_per_second");

    g_test_message("%s: %.0f transactions/s", strategy_lines, tps);
    report_free(r);
    return tps;
}

/* 2.6: small-packet rate: bare metal >= SR-IOV with exitless interrupts,
 * then vhost, QEMU virtio, emulation, each clearly apart. */
static void test_ordering(void)
{
    double bm = rr_rate("[io]\nstrategy = baremetal");
    double vf = rr_rate("[io]\nstrategy = sriov\n[hv]\nposted_interrupts = true\n"
                        "exitless_eoi = true");
    double vhost = rr_rate("[io]\nstrategy = virtio\n[virtio]\nbackend = vhost");
    double qemu = rr_rate("[io]\nstrategy = virtio\n[virtio]\nbackend = qemu");
    double emu = rr_rate("[io]\nstrategy = emulation");

    g_assert_cmpfloat(bm, >=, vf);
    g_assert_cmpfloat(vf, >, 1.05 * vhost);
    g_assert_cmpfloat(vhost, >, 1.05 * qemu);
    g_assert_cmpfloat(qemu, >, 1.05 * emu);
}

/* 2.6: bulk TCP: bare metal >= SR-IOV+ELI ~ vhost-net > QEMU virtio-net >
 * e1000. "~" taken as within 20%: the model gives vhost about 90% of the
 * VF. Exitless interrupts on every strategy (posted interrupts reach
 * vhost's irqfd too): the stream's ACKs come back as receive interrupts,
 * which would otherwise exit for virtio and e1000 only. */
#define ELI "[hv]\nposted_interrupts = true\nexitless_eoi = true\n"

static void test_ordering_bulk(void)
{
    double bm = stream_tx("[io]\nstrategy = baremetal");
    double vf = stream_tx("[io]\nstrategy = sriov\n" ELI);
    double vhost = stream_tx("[io]\nstrategy = virtio\n[virtio]\nbackend = vhost\n" ELI);
    double qemu = stream_tx("[io]\nstrategy = virtio\n[virtio]\nbackend = qemu\n" ELI);
    double emu = stream_tx("[io]\nstrategy = emulation\n" ELI);

    /* Both at line rate: equal up to the packets cut at the window's ends. */
    g_assert_cmpfloat(bm, >=, 0.999 * vf);
    g_assert_cmpfloat(vhost, >=, 0.8 * vf);
    g_assert_cmpfloat(vhost, >, 1.05 * qemu);
    g_assert_cmpfloat(qemu, >, 1.05 * emu);
}

/* Request/response under each driver's default adaptive moderation: the
 * strategies no longer share one cap. ixgbe (bare metal, passthrough) puts
 * 118-byte frames in latency mode at 16 us, so a round trip shorter than
 * that runs at one transaction per 16 us; ixgbevf (SR-IOV) mostly stays in
 * its 10 us class and differs from both; e1000 (emulation) is held to
 * 20,000/s. */
static void test_moderation_rr(void)
{
    double rate[8];

    for (size_t s = 0; io_strategies[s]; s++) {
        g_autofree char *body =
            g_strdup_printf("[io]\nstrategy = %s\n[workload]\ntype = rr\n", io_strategies[s]->name);
        struct report *r = run_ini(body, 3);

        g_assert(s < G_N_ELEMENTS(rate));
        rate[s] = test_all(r, "transactions_per_second");
        g_test_message("%s: %.0f transactions/s", io_strategies[s]->name, rate[s]);
        report_free(r);
    }
    /* IO_STRATEGY_LIST order: baremetal, emulation, virtio, passthrough, sriov. */
    g_assert_cmpfloat(fabs(rate[0] / 62500 - 1), <, 0.01);
    g_assert_cmpfloat(fabs(rate[3] / 62500 - 1), <, 0.01);
    g_assert_cmpfloat(fabs(rate[4] / rate[0] - 1), >, 0.05);
    g_assert_cmpfloat(rate[1], <=, 20000 * 1.01);
}

/* 2.3: a kick handled in user space costs 2.6x one handled in the kernel
 * (the defaults: 6,732 and 2,565 cycles). With the backends' own costs made
 * equal, an rr transaction (one kick per request) takes exactly the
 * difference longer under QEMU: 4,167 cycles at 2.1 GHz. */
static void test_exit_ratio(void)
{
    const char *fmt = "[io]\nstrategy = virtio\n[virtio]\nbackend = %s\n"
                      "qemu_per_packet = 1000\nvhost_per_packet = 1000\n[workload]\ntype = rr\n";
    g_autofree char *qi = g_strdup_printf(fmt, "qemu");
    g_autofree char *vi = g_strdup_printf(fmt, "vhost");
    struct report *q = run_ini(qi, 1), *v = run_ini(vi, 1);
    double diff = test_all(q, "rtt_mean") - test_all(v, "rtt_mean");

    g_test_message("rtt qemu %.4g s, vhost %.4g s", test_all(q, "rtt_mean"),
                   test_all(v, "rtt_mean"));
    g_assert_cmpfloat(fabs(diff / ((6732.0 - 2565.0) / 2.1e9) - 1), <, 0.01);
    g_assert_cmpfloat(fabs(6732.0 / 2565.0 - 2.6), <, 0.05);
    g_assert_cmpfloat(test_all(q, "exits_mmio_user_per_second"), >, 0);
    g_assert_cmpfloat(test_all(q, "exits_mmio_kernel_per_second"), ==, 0);
    g_assert_cmpfloat(test_all(v, "exits_mmio_user_per_second"), ==, 0);
    report_free(q);
    report_free(v);
}

/*
 * 2.2 (ELI): an assigned device with host-mediated interrupts reaches 60-65%
 * of bare metal, with exitless interrupts (posted delivery, exitless EOI)
 * 97-100%: a 1.3-1.6x gain. Workload: bulk transmit with moderation off, so
 * every completion interrupts (some 10^5 per second) and the vCPU is the
 * bottleneck. The model gives about 67% and 100%, a 1.49x gain (the
 * exits' direct cycles of docs/sources.md#dall-atc17 are all it charges, so the
 * gain depends on the guest's per-packet cost, itself a placeholder). Asserted: the gain in the
 * published band, exitless >= 97%, injected < 75%. Latency-bound rr gains less (about 1.17x) and
 * moderated traffic almost nothing: the gain grows with the interrupt rate, as published.
 * ACKs off, the data path's own interrupts: with the stream's ACKs each
 * packet also pays half an ACK's (placeholder) receive cost, which dilutes
 * the exits' share to about 78% and the gain to 1.27x.
 */
#define NO_ACKS "[workload]\nacks = false\n"

static void test_eli(void)
{
    double inj = stream_tx("[io]\nstrategy = passthrough\n" NO_ACKS);
    double eli = stream_tx("[io]\nstrategy = passthrough\n" ELI NO_ACKS);
    double bm = stream_tx("[io]\nstrategy = baremetal\n" NO_ACKS);
    double rr_inj = rr_rate("[io]\nstrategy = passthrough");
    double rr_eli = rr_rate("[io]\nstrategy = passthrough\n[hv]\nposted_interrupts = true\n"
                            "exitless_eoi = true");

    g_test_message("ELI gain %.3f (rr %.3f); injected/bare metal %.3f, exitless/bare metal %.3f",
                   eli / inj, rr_eli / rr_inj, inj / bm, eli / bm);
    g_assert_cmpfloat(eli / inj, >=, 1.3);
    g_assert_cmpfloat(eli / inj, <=, 1.6);
    g_assert_cmpfloat(eli / bm, >=, 0.97);
    g_assert_cmpfloat(inj / bm, <, 0.75);
    g_assert_cmpfloat(rr_eli, >, rr_inj);
}

/* 2.5: EVENT_IDX lowers kicks and exits per packet: four vCPUs add buffers
 * to one queue while its backend is being woken, when the flag still asks
 * for kicks and the event index does not. */
static void test_event_idx(void)
{
    const char *fmt = "[io]\nstrategy = virtio\n[vm]\nvcpus = 4\n[virtio]\nevent_idx = %s\n"
                      "[workload]\ntype = udp\nrate = 600Kpps\nsize = 256B\narrivals = poisson\n";
    g_autofree char *on_ini = g_strdup_printf(fmt, "true");
    g_autofree char *off_ini = g_strdup_printf(fmt, "false");
    struct report *on = run_ini(on_ini, 1), *off = run_ini(off_ini, 1);

    g_test_message("exits/packet: event_idx %.4f, flags %.4f", test_all(on, "exits_per_packet"),
                   test_all(off, "exits_per_packet"));
    g_assert_cmpfloat(test_all(on, "exits_per_packet"), <, 0.7 * test_all(off, "exits_per_packet"));
    report_free(on);
    report_free(off);
}

/* ---- bad input ---- */

struct bad_case {
    const char *name;
    const char *body;
    const char *key;
    int line; /* line of @key in the file, counted from the header */
};

/* The header written by load_bad() takes 5 lines. */
static const struct bad_case bad_cases[] = {
    { "unknown-strategy", "[io]\nstrategy = vmware\n", "io.strategy", 7 },
    /* The host scheduler numbers every thread of the world in an int. */
    { "too-many-threads",
      "[host]\ncount = 8\ncores = 4096\npin_vcpus = false\n[group a]\ncount = 65535\n",
      "host.count", 7 },
    { "unknown-backend", "[io]\nstrategy = virtio\n[virtio]\nbackend = kvmtool\n", "virtio.backend",
      9 },
    { "too-many-vms-for-vfs", "[io]\nstrategy = sriov\n[nic]\nvfs = 8\n[vm]\ncount = 10\n",
      "vm.count", 11 },
    { "more-vfs-than-nic", "[io]\nstrategy = sriov\n[nic]\nvfs = 70\n", "nic.vfs", 9 },
    {
        "passthrough-shared",
        "[io]\nstrategy = passthrough\n[vm]\ncount = 2\n",
        "vm.count",
        9,
    },
    { "ring-not-pow2", "[virtio]\nring_size = 300\n", "virtio.ring_size", 7 },
    { "pinning", "[host]\ncores = 4\n[vm]\ncount = 3\nvcpus = 2\n", "vm.vcpus", 10 },
    { "vm-target-passthrough", "[io]\nstrategy = passthrough\n[workload]\ntarget = vm\n",
      "workload.target", 9 },
};

static void test_bad(gconstpointer data)
{
    const struct bad_case *c = data;
    g_autofree char *ini = g_strdup_printf("[scenario]\nname = bad\nmodel = net\n"
                                           "duration = 1ms\n\n%s",
                                           c->body);
    g_autofree char *where = g_strdup_printf("bad.ini:%d:", c->line);
    GError *error = NULL;
    struct scenario *sc = scenario_load_data(ini, "bad.ini", NULL, &error);

    /* The loader runs the model's check itself; if it let the file
     * through, check() and create() must refuse it. */
    if (sc) {
        struct sim *sim = sim_new(1);

        g_assert_no_error(error);
        g_assert_false(net_model_ops.check(sc, &error));
        g_assert_error(error, IOVSIM_ERROR, IOVSIM_ERROR_INPUT);
        g_clear_error(&error);
        /* create() refuses it too, and builds nothing. */
        g_assert_null(net_model_ops.create(sim, sc, &error));
        sim_free(sim);
        scenario_free(sc);
    }
    g_assert_error(error, IOVSIM_ERROR, IOVSIM_ERROR_INPUT);
    g_test_message("%s", error->message);
    g_assert_nonnull(strstr(error->message, c->key));
    g_assert_true(g_str_has_prefix(error->message, where));
    g_assert_null(strchr(error->message, '\n'));
    g_error_free(error);
}

/* ---- the host scheduler's threads ---- */

/* Two VMs of 200 vCPUs each with a disk on a host of 460 cores: every
 * vCPU, disk I/O thread and backend thread (one per VM and core) has a
 * number of its own, and the number names its VM (the switch billing's
 * way back). Numbers of id x 256 + the vCPU, or + 128 + the core mod 128,
 * gave vCPU 130 and the backend on core 2 one thread. */
static void test_thread_ids_distinct(void)
{
    struct scenario *sc = load("[vm]\ncount = 2\nvcpus = 200\ndisk = virtio-blk\n"
                               "[host]\ncores = 460\n[workload]\ntype = stream\n");
    struct sim *sim = sim_new(1);
    GError *error = NULL;
    struct model *m = net_model_ops.create(sim, sc, &error);
    struct net_world *w = container_of(m, struct net_world, base);
    GHashTable *seen = g_hash_table_new(g_direct_hash, g_direct_equal);
    unsigned n = 0;

    g_assert_no_error(error);
    for (unsigned i = 0; i < w->n_vms; i++) {
        struct net_vm *vm = &w->vms[i];
        struct cpu_host *cpu = &vm->nh->host.cpu;

        g_assert_cmpuint(vm->n_vcpus, ==, 200);
        for (unsigned c = 0; c <= vm->n_vcpus + cpu->n_cores; c++) {
            int id = c < vm->n_vcpus    ? net_thread_id(vm, vm->vcpus[c], false)
                     : c == vm->n_vcpus ? net_thread_disk(vm)
                                        : net_thread_id(vm, &cpu->cores[c - vm->n_vcpus - 1], true);

            g_assert_true(net_thread_vm(w, id) == vm);
            g_assert_true(g_hash_table_add(seen, GINT_TO_POINTER(id)));
            n++;
        }
    }
    g_assert_cmpuint(g_hash_table_size(seen), ==, n);
    g_hash_table_unref(seen);
    net_model_ops.destroy(m);
    sim_free(sim);
    scenario_free(sc);
}

/* ... and such a VM runs: 200 senders, its packets all accounted for. */
static void test_many_vcpus_run(void)
{
    struct scenario *sc = load("[vm]\ncount = 2\nvcpus = 200\n[host]\ncores = 460\n"
                               "[workload]\ntype = stream\n");
    struct report *r = test_run(sc, 3);

    test_check_net_conservation(r);
    g_assert_cmpfloat(test_all(r, "throughput"), >, 1e9);
    report_free(r);
    scenario_free(sc);
}

/* net_pkt_zero() clears every byte of a record, as memset() would. */
static void test_pkt_zero(void)
{
    struct net_pkt p;
    const unsigned char *b = (const unsigned char *)&p;

    memset(&p, 0xa5, sizeof(p));
    net_pkt_zero(&p);
    for (size_t i = 0; i < sizeof(p); i++)
        g_assert_cmpuint(b[i], ==, 0);
}

/* A packet fills whole cache lines, its ledger the first, so that a step's
 * end touches the lines it needs and no neighbour's (the pool aligns them). */
static void test_pkt_lines(void)
{
    g_assert_cmpuint(sizeof(struct net_pkt) % POOL_ALIGN, ==, 0);
    g_assert_cmpuint(offsetof(struct net_pkt, led), ==, 0);
    g_assert_cmpuint(sizeof(struct ledger), <=, POOL_ALIGN);
}

int main(int argc, char **argv)
{
    static struct e2e_case cases[64];
    unsigned n = 0;

    g_test_init(&argc, &argv, NULL);
    for (size_t s = 0; io_strategies[s]; s++) {
        for (size_t k = 0; k < G_N_ELEMENTS(workloads); k++) {
            g_autofree char *path =
                g_strdup_printf("/net/e2e/%s/%s", io_strategies[s]->name, workload_names[k]);

            cases[n] = (struct e2e_case){ io_strategies[s]->name, workloads[k], false };
            g_test_add_data_func(path, &cases[n++], test_e2e);
        }
        if (io_strategies[s]->vm_to_vm) {
            g_autofree char *rr =
                g_strdup_printf("/net/e2e/%s/vm-to-vm-rr", io_strategies[s]->name);
            g_autofree char *stream =
                g_strdup_printf("/net/e2e/%s/vm-to-vm-stream", io_strategies[s]->name);

            cases[n] = (struct e2e_case){ io_strategies[s]->name, "type = rr", true };
            g_test_add_data_func(rr, &cases[n++], test_e2e);
            cases[n] = (struct e2e_case){ io_strategies[s]->name, "type = stream", true };
            g_test_add_data_func(stream, &cases[n++], test_e2e);
        }
    }
    g_assert_cmpuint(n, <=, G_N_ELEMENTS(cases));
    g_test_add_func("/net/run/determinism", test_determinism);
    g_test_add_func("/net/run/stream-queue-drop", test_stream_queue_drop);
    g_test_add_func("/net/run/gso", test_gso);
    g_test_add_func("/net/run/gso-rx-frames", test_gso_rx_frames);
    g_test_add_func("/net/run/gso-rx-host-frames", test_gso_rx_host_frames);
    g_test_add_func("/net/run/backpressure", test_backpressure);
    g_test_add_func("/net/run/acks", test_acks);
    g_test_add_func("/net/run/delayed-ack", test_delayed_ack);
    g_test_add_func("/net/run/start-jitter", test_start_jitter);
    g_test_add_func("/net/run/probe", test_probe);
    g_test_add_func("/net/run/message-size", test_message_size);
    g_test_add_func("/net/run/tx-completions", test_tx_completions);
    g_test_add_func("/net/run/multiqueue", test_multiqueue);
    g_test_add_func("/net/run/multi-vcpu", test_multi_vcpu);
    g_test_add_func("/net/run/time-shared", test_time_shared);
    g_test_add_func("/net/validation/sriov-line-rate", test_sriov_line_rate);
    g_test_add_func("/net/validation/sriov-60-vms", test_sriov_60);
    g_test_add_func("/net/validation/ordering", test_ordering);
    g_test_add_func("/net/validation/moderation", test_moderation_rr);
    g_test_add_func("/net/validation/ordering-bulk", test_ordering_bulk);
    g_test_add_func("/net/validation/exit-ratio", test_exit_ratio);
    g_test_add_func("/net/validation/eli", test_eli);
    g_test_add_func("/net/validation/event-idx", test_event_idx);
    g_test_add_func("/net/threads/distinct-ids", test_thread_ids_distinct);
    g_test_add_func("/net/threads/many-vcpus-run", test_many_vcpus_run);
    g_test_add_func("/net/pkt-zero", test_pkt_zero);
    g_test_add_func("/net/pkt-lines", test_pkt_lines);
    for (size_t k = 0; k < G_N_ELEMENTS(bad_cases); k++) {
        g_autofree char *path = g_strdup_printf("/net/bad-input/%s", bad_cases[k].name);

        g_test_add_data_func(path, &bad_cases[k], test_bad);
    }
    return g_test_run();
}
