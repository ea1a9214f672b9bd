/* Validation targets of docs/validation.md that tests/test-net.c does
 * not cover: 2.4 the user-space (Firecracker-like) virtio backend, 2.5
 * EVENT_IDX against the flags with one sender, 2.7 the shape of interrupt
 * moderation and 2.1 CPU growing with the VM count. Quantities are asserted
 * within the tolerances docs/validation.md states; orderings as orderings.
 * What the model does not reproduce (Firecracker's +60 us RTT) is asserted
 * only as far as it holds (an ordering) and said so. */
#include <math.h>

#include <glib.h>

#include "report.h"
#include "runner.h"
#include "scenario.h"
#include "testlib.h"

/* Run @body (scenario groups after [scenario]) once with @seed; the caller
 * frees the report. */
static struct report *run(const char *body, uint64_t seed)
{
    g_autofree char *ini = g_strdup_printf("[scenario]\nname = v\nmodel = net\n"
                                           "duration = 8ms\nwarmup = 1ms\n%s",
                                           body);
    return test_run_ini(ini, seed);
}

/* ---- 2.4 Firecracker: one user-space emulation thread ---- */

/* A QEMU-style backend thread (every kick exits to user space, the thread
 * copies) on a 100 Gb/s NIC, so that only the thread can limit the guest's
 * 64 KiB TSO segments; on the measured machine's clock (m5d.metal, up to
 * 3.1 GHz, as scenarios/validate-firecracker.ini). */
#define FIRECRACKER                                                                   \
    "[io]\nstrategy = virtio\n[virtio]\nbackend = qemu\n[nic]\nline_rate = 100Gbps\n" \
    "[guest]\ngso_size = 64KiB\n[host]\nclock = 3.1GHz\n"

/* Published: 25 Gb/s at 100% of one core. The model's copy cost comes from
 * that very figure (0.32 ns/B) as if the core only copied, so what is
 * checked is that the thread's other work (per-packet, host stack,
 * wake-ups, and the receive path of one ACK per segment, which Firecracker's
 * single thread also carries under iperf3) keeps it within 15%. */
static void test_firecracker_saturation(void)
{
    struct report *r = run(FIRECRACKER "[workload]\nsize = 64KiB\nwindow = 1MiB\n", 1);

    g_test_message("%.4g bit/s at %.3f of the backend core", test_all(r, "throughput"),
                   test_all(r, "backend_cpu_max"));
    g_assert_cmpfloat(test_all(r, "backend_cpu_max"), >, 0.99);
    g_assert_cmpfloat(fabs(test_all(r, "throughput") / 25e9 - 1), <=, 0.15);
    report_free(r);
}

static struct report *firecracker_at(double segments_per_s)
{
    g_autofree char *body = g_strdup_printf(
        FIRECRACKER "[workload]\ntype = udp\nsize = 64KiB\nrate = %.0fpps\n", segments_per_s);

    return run(body, 2);
}

/* Below saturation the thread's CPU grows in proportion to throughput: the
 * CPU per bit is the same within 5% from 10% to 90% of the core; 14.5 Gb/s
 * takes at most 80% of it (published: <= 80%). */
static void test_firecracker_linear(void)
{
    static const double rates[] = { 5000, 15000, 27657, 40000 };
    double lo = INFINITY, hi = 0;

    for (unsigned k = 0; k < G_N_ELEMENTS(rates); k++) {
        struct report *r = firecracker_at(rates[k]);
        double bps = test_all(r, "throughput"), cpu = test_all(r, "backend_cpu_max");

        g_test_message("%.0f segments/s: %.4g bit/s, backend core %.3f", rates[k], bps, cpu);
        g_assert_cmpfloat(test_all(r, "drops"), ==, 0);
        g_assert_cmpfloat(cpu, <, 0.99);
        lo = fmin(lo, cpu / bps);
        hi = fmax(hi, cpu / bps);
        if (rates[k] == 27657) {
            g_assert_cmpfloat(fabs(bps / 14.5e9 - 1), <, 0.01);
            g_assert_cmpfloat(cpu, <=, 0.80);
        }
        report_free(r);
    }
    g_assert_cmpfloat(hi / lo, <=, 1.05);
}

/* Published: +60 us RTT over the host. Not reproduced: the model adds a few
 * microseconds (no scheduler wake-up latency, epoll loop or tap device);
 * asserted is only that the backend adds latency at all. Sparse like the
 * published ping (1 ms apart), and bare metal's moderation off: the virtio
 * path's host NIC interrupts are folded into the host stack's cost, without
 * moderation, so this compares the data paths alone. */
static void test_firecracker_rtt(void)
{
    struct report *vm = run(FIRECRACKER "[workload]\ntype = rr\nthink_time = 1ms\n", 1);
    struct report *bm = run("[io]\nstrategy = baremetal\n[nic]\nline_rate = 100Gbps\nitr = off\n"
                            "[workload]\ntype = rr\nthink_time = 1ms\n",
                            1);

    g_test_message("rtt %.4g s vs bare metal %.4g s", test_all(vm, "rtt_mean"),
                   test_all(bm, "rtt_mean"));
    g_assert_cmpfloat(test_all(vm, "rtt_mean"), >, test_all(bm, "rtt_mean"));
    report_free(vm);
    report_free(bm);
}

/* ---- 2.5 EVENT_IDX with a single sender ---- */

static struct report *one_sender(const char *workload, bool event_idx)
{
    g_autofree char *body =
        g_strdup_printf("[io]\nstrategy = virtio\n[virtio]\nbackend = vhost\nevent_idx = %s\n"
                        "[workload]\n%s\n",
                        event_idx ? "true" : "false", workload);

    return run(body, 1);
}

/* An idle vhost worker woken by bursts of one sender: a buffer added while
 * the worker is being woken still kicks under the flags (NO_NOTIFY is set
 * only once the worker runs) but not under EVENT_IDX (avail_event is
 * stale). Published: spurious wakeups 17 -> 7 in virtio_test. */
static void test_event_idx_one_sender(void)
{
    const char *wl = "type = udp\nrate = 300Kpps\nsize = 256B\narrivals = poisson";
    struct report *on = one_sender(wl, true), *off = one_sender(wl, false);

    g_test_message("spurious kicks %.0f -> %.0f, exits/packet %.4f -> %.4f",
                   test_all(off, "virtio_kicks_spurious"), test_all(on, "virtio_kicks_spurious"),
                   test_all(off, "exits_per_packet"), test_all(on, "exits_per_packet"));
    g_assert_cmpfloat(test_all(off, "virtio_kicks_spurious"), >, 0);
    g_assert_cmpfloat(test_all(on, "virtio_kicks_spurious"), <,
                      test_all(off, "virtio_kicks_spurious"));
    g_assert_cmpfloat(test_all(on, "exits_per_packet"), <, test_all(off, "exits_per_packet"));
    /* The same packets offered either way: suppression changes costs (and,
     * with a completion interrupt per buffer under the flags, the backlog
     * at the end), not the traffic. */
    g_assert_cmpfloat(test_all(on, "sent_total"), ==, test_all(off, "sent_total"));
    report_free(on);
    report_free(off);
}

/* A worker that never runs dry needs no kicks. Under EVENT_IDX the
 * re-armed 3/4 threshold keeps moving ahead of a busy worker, so it takes
 * (almost) no completion interrupts either; the flags cannot delay and ask
 * for one per batch the worker signals. The transmit ring alone: ACKs off,
 * whose receive interrupts would slow the sender until the worker runs dry
 * (then it needs kicks again). As validation 2.5 (virtio_test has no network
 * stack), the guest stack costs nothing: with its sourced cycles a 256-byte
 * sender is slower than the worker, which then runs dry after every packet. */
static void test_event_idx_busy(void)
{
    const char *wl = "type = stream\nsize = 256B\nacks = false\n[guest]\nstack_tx_packet = 0\n"
                     "stack_tx_byte = 0ns\nstack_rx_packet = 0\nstack_rx_byte = 0ns";
    struct report *on = one_sender(wl, true), *off = one_sender(wl, false);

    g_assert_cmpfloat(test_all(on, "virtio_kicks") / test_all(on, "sent_total"), <, 0.01);
    g_assert_cmpfloat(test_all(on, "tx_interrupts_per_second") / test_all(on, "pps"), <, 0.01);
    g_assert_cmpfloat(test_all(off, "tx_interrupts_per_second"), >,
                      test_all(on, "tx_interrupts_per_second"));
    report_free(on);
    report_free(off);
}

/* ---- 2.7 interrupt moderation ---- */

static struct report *vf(const char *itr, const char *workload)
{
    g_autofree char *body =
        g_strdup_printf("[io]\nstrategy = sriov\n[nic]\nitr = %s\n[workload]\n%s\n", itr, workload);

    return run(body, 3);
}

/* A static 8000/s cap costs fewer cycles per packet than an interrupt per
 * packet under bulk load, and adds latency to request/response. */
static void test_itr_static(void)
{
    struct report *bulk_off = vf("off", "type = stream"), *bulk_st = vf("static", "type = stream");
    struct report *rr_off = vf("off", "type = rr"), *rr_st = vf("static", "type = rr");

    g_assert_cmpfloat(test_all(bulk_st, "cycles_per_packet"), <,
                      test_all(bulk_off, "cycles_per_packet"));
    g_assert_cmpfloat(test_all(bulk_st, "interrupts_per_second"), <=, 8000 * 1.01);
    g_assert_cmpfloat(test_all(rr_st, "rtt_mean"), >, test_all(rr_off, "rtt_mean"));
    report_free(bulk_off);
    report_free(bulk_st);
    report_free(rr_off);
    report_free(rr_st);
}

/* Adaptive moderation: lower latency than static for small packets at the
 * same offered load, more CPU per packet for it, and bulk throughput the
 * same (within 0.5%) where the line is the limit (TSO; without it the vCPU
 * taking the ACKs is, and the interrupt rate shows). */
static void test_itr_adaptive(void)
{
    const char *small = "type = udp\ndirection = rx\nrate = 50Kpps\nsize = 64B";
    struct report *ad = vf("adaptive", small), *st = vf("static", small);
    struct report *rr_ad = vf("adaptive", "type = rr"), *rr_st = vf("static", "type = rr");
    const char *bulk = "type = stream\nsize = 64KiB\n[guest]\ngso_size = 64KiB";
    struct report *bulk_ad = vf("adaptive", bulk), *bulk_st = vf("static", bulk);

    g_test_message("latency %.3g vs %.3g s, cycles/packet %.0f vs %.0f",
                   test_all(ad, "latency_mean"), test_all(st, "latency_mean"),
                   test_all(ad, "cycles_per_packet"), test_all(st, "cycles_per_packet"));
    g_assert_cmpfloat(test_all(ad, "latency_mean"), <, test_all(st, "latency_mean"));
    g_assert_cmpfloat(test_all(ad, "cycles_per_packet"), >, test_all(st, "cycles_per_packet"));
    g_assert_cmpfloat(test_all(rr_ad, "rtt_mean"), <, test_all(rr_st, "rtt_mean"));
    g_assert_cmpfloat(fabs(test_all(bulk_ad, "throughput") / test_all(bulk_st, "throughput") - 1),
                      <, 0.005);
    report_free(ad);
    report_free(st);
    report_free(rr_ad);
    report_free(rr_st);
    report_free(bulk_ad);
    report_free(bulk_st);
}

/* ---- 2.1 CPU per added VM ---- */

static double cpu_with_vms(unsigned n)
{
    g_autofree char *body =
        g_strdup_printf("[io]\nstrategy = sriov\n[vm]\ncount = %u\nvcpus = 2\n[host]\ncores = 128\n"
                        "[nic]\nitr = static\n[workload]\nwindow = 256KiB\n",
                        n);
    struct report *r = run(body, 1);
    double cpu = test_all(r, "guest_cpu") + test_all(r, "host_cpu");

    g_assert_cmpfloat(fabs(test_all(r, "throughput") / 9.48e9 - 1), <, 0.005);
    report_free(r);
    return cpu;
}

/* Published: +1.76% CPU per added VM up to 60 (unit not retrieved; taken
 * as a share of one core). With each VF interrupting at the static 8000/s,
 * every VM adds its interrupt cost: linear (the middle point on the line
 * within 5%) with a slope within 25% of the published one. Two vCPUs per
 * VM and a 256 KiB window: with its ACKs coming back through the VF, one
 * vCPU without TSO cannot fill the line at these guest costs, and ACKs
 * arriving once per 125 us interrupt need more than 64 KiB in flight. */
static void test_cpu_per_vm(void)
{
    double c1 = cpu_with_vms(1), c30 = cpu_with_vms(30), c60 = cpu_with_vms(60);
    double slope = (c60 - c1) / 59;

    g_test_message("%.3f, %.3f, %.3f cores: %.3f%% of a core per VM", c1, c30, c60, 100 * slope);
    g_assert_cmpfloat(fabs(100 * slope / 1.76 - 1), <=, 0.25);
    g_assert_cmpfloat(fabs(c30 / (c1 + 29 * slope) - 1), <, 0.05);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/net/validation/firecracker/saturation", test_firecracker_saturation);
    g_test_add_func("/net/validation/firecracker/linear", test_firecracker_linear);
    g_test_add_func("/net/validation/firecracker/rtt", test_firecracker_rtt);
    g_test_add_func("/net/validation/event-idx/one-sender", test_event_idx_one_sender);
    g_test_add_func("/net/validation/event-idx/busy", test_event_idx_busy);
    g_test_add_func("/net/validation/itr/static", test_itr_static);
    g_test_add_func("/net/validation/itr/adaptive", test_itr_adaptive);
    g_test_add_func("/net/validation/cpu-per-vm", test_cpu_per_vm);
    return g_test_run();
}
