/* The emulated e1000's transmit path as consequences: a TDT write covers
 * every descriptor queued since the last one (QEMU's start_xmit loops from
 * TDH to TDT), and the driver writes TDT once per batch the stack hands it
 * (xmit_more). A sender that outpaces its vCPU queues sends behind the
 * current one, so its TDT writes, and their exits, cover many packets; a
 * sparse sender writes TDT for every packet. The device model's interrupt
 * mitigation (QEMU's mitigation timer): an interrupt opens a window of at
 * least QEMU's floor, so a request/response loop, which needs an
 * interrupt per transaction, runs at most one transaction per floor; a
 * window opened with a transmit completion pending is TADV when that is
 * shorter than the ITR's. */
#include <math.h>

#include <glib.h>

#include "report.h"
#include "testlib.h"

/* An emulated NIC's VM sending 1460-byte @workload (a type and its keys)
 * for @ms milliseconds, with @emulation's keys. */
static struct report *emu_run(int ms, const char *workload, const char *emulation)
{
    g_autofree char *ini =
        g_strdup_printf("[scenario]\nmodel = net\nduration = %dms\nwarmup = %dms\n[io]\n"
                        "strategy = emulation\n[workload]\ntype = %s\nsize = 1460B\n"
                        "[emulation]\n%s",
                        ms, ms / 5, workload, emulation);

    return test_run_ini(ini, 1);
}

static struct report *udp(const char *rate, const char *batch)
{
    g_autofree char *workload = g_strdup_printf("udp\nrate = %s", rate);
    g_autofree char *emulation = g_strdup_printf("tx_batch = %s\n", batch);

    return emu_run(10, workload, emulation);
}

static void test_tdt_write_covers_descriptors(void)
{
    struct report *sparse = udp("10Kpps", "64"), *busy = udp("400Kpps", "64");
    struct report *single = udp("400Kpps", "1");
    double per_write = test_all(busy, "emulation_descriptors_per_tdt_write");

    g_test_message("descriptors per TDT write: sparse %.3g, busy %.3g, busy unbatched %.3g",
                   test_all(sparse, "emulation_descriptors_per_tdt_write"), per_write,
                   test_all(single, "emulation_descriptors_per_tdt_write"));
    g_assert_cmpfloat(test_all(sparse, "emulation_descriptors_per_tdt_write"), ==, 1);
    g_assert_cmpfloat(test_all(single, "emulation_descriptors_per_tdt_write"), ==, 1);
    g_assert_cmpfloat(per_write, >, 8);
    g_assert_cmpfloat(per_write, <=, 64);
    /* Fewer exits per packet, so the same vCPU sends more. */
    g_assert_cmpfloat(test_all(busy, "exits_per_packet"), <,
                      0.5 * test_all(single, "exits_per_packet"));
    g_assert_cmpfloat(test_all(busy, "pps"), >, 1.5 * test_all(single, "pps"));
    report_free(sparse);
    report_free(busy);
    report_free(single);
}

/* @strategy's VM streaming 64 KiB sends, or with @direction rx receiving
 * them, with guest TSO/GSO of 64 KiB (@tso) or without, for 20 ms. */
static struct report *gso_run(const char *strategy, const char *direction, bool tso,
                              const char *emulation)
{
    g_autofree char *ini = g_strdup_printf(
        "[scenario]\nmodel = net\nduration = 20ms\nwarmup = 4ms\n[io]\nstrategy = %s\n"
        "[workload]\ntype = stream\ndirection = %s\nsize = 64KiB\n[guest]\ngso_size = %s\n"
        "[emulation]\n%s",
        strategy, direction, tso ? "64KiB" : "0B", emulation);

    return test_run_ini(ini, 1);
}

/* QEMU's e1000 takes a 64 KiB TSO send in one doorbell but hands the tap
 * 45 frames, each through the device model and the host stack: the host
 * stack's share of a send is 45 times a frame's, and the vCPU thread that
 * does it all keeps the e1000 well below virtio, whose tap takes the send
 * whole. */
static void test_tso_cut_into_frames(void)
{
    struct report *frames = gso_run("emulation", "tx", false, "");
    struct report *sends = gso_run("emulation", "tx", true, "");
    struct report *virtio = gso_run("virtio", "tx", true, "");
    double per_send = test_all(sends, "stage_host_stack");
    double per_frame = test_all(frames, "stage_host_stack");

    g_test_message("host stack %.3g s per 64 KiB send, %.3g per frame; %.3g Gb/s against "
                   "virtio's %.3g",
                   per_send, per_frame, test_all(sends, "throughput") / 1e9,
                   test_all(virtio, "throughput") / 1e9);
    g_assert_cmpfloat(fabs(per_send / per_frame - 45), <, 0.05);
    g_assert_cmpfloat(test_all(sends, "throughput"), <, 0.7 * test_all(virtio, "throughput"));
    g_assert_cmpfloat(test_all(virtio, "throughput"), >, 9e9);
    report_free(frames);
    report_free(sends);
    report_free(virtio);
}

/* A peer sending 64 KiB GSO segments still reaches an emulated NIC one
 * MSS-sized frame at a time (its tap has no offloads). */
static void test_rx_frames_whatever_gso(void)
{
    for (unsigned i = 0; i < 2; i++) {
        struct report *r = gso_run("emulation", "rx", true, i ? "nic = rtl8139\n" : "");
        double bytes = test_all(r, "throughput") / 8 / test_all(r, "pps");

        g_test_message("%s: %.0f bytes a packet", i ? "rtl8139" : "e1000", bytes);
        g_assert_cmpfloat(bytes, <=, 1460 * 1.001);
        g_assert_cmpfloat(bytes, >, 1400);
        report_free(r);
    }
}

/* Linux e1000's receive rounds hand refilled buffers back with an RDT
 * write every 16 frames (E1000_RX_BUFFER_WRITE) and once for the rest when
 * the poll completes; an interrupt costs its handler's three accesses and a
 * completion its unmask's two. A bulk receiver's register exits are the
 * 1/16 per frame plus a few per interrupt. */
static void test_rx_refill_writes(void)
{
    struct report *r = emu_run(20, "stream\ndirection = rx", "");
    double pps = test_all(r, "pps"), irqs = test_all(r, "interrupts_per_second");
    double mmio = test_all(r, "exits_mmio_user_per_second");

    g_test_message("%.4g frames/s, %.4g interrupts/s, %.4g register exits/s", pps, irqs, mmio);
    g_assert_cmpfloat(irqs, <, pps / 16);
    g_assert_cmpfloat(mmio, >=, 0.99 * pps / 16);
    g_assert_cmpfloat(mmio, <=, pps / 16 + 8 * irqs);
    report_free(r);
}

static struct report *emu(const char *type, const char *extra)
{
    return emu_run(20, type, extra);
}

static void test_mitigation_floor(void)
{
    struct report *on = emu("rr", "mitigation_floor = 128us\n");
    struct report *off = emu("rr", "mitigation = false\n");
    double tps = test_all(on, "transactions_per_second");

    g_test_message("rr: %.4g transactions/s, %.4g interrupts/s under the 128 us floor; "
                   "%.4g without QEMU's timer",
                   tps, test_all(on, "interrupts_per_second"),
                   test_all(off, "transactions_per_second"));
    /* One window per interrupt: never more than 1 / 128 us. */
    g_assert_cmpfloat(test_all(on, "interrupts_per_second"), <=, 1.0 / 128e-6);
    g_assert_cmpfloat(tps, >, 0.95 / 128e-6);
    g_assert_cmpfloat(test_all(on, "rtt_mean"), >=, 128e-6);
    g_assert_cmpfloat(test_all(off, "transactions_per_second"), >, 2.0 * tps);
    report_free(on);
    report_free(off);
}

static void test_tadv_shortens_tx_windows(void)
{
    /* Without the floor (QEMU before it had one), a bulk sender's
     * completions open TADV's 32.768 us windows instead of the ITR's
     * (conservative mode: 20,000/s here, or 4,000/s in its bulk class). */
    struct report *tadv = emu("stream", "mitigation_floor = 0s\ntadv = 32.768us\n");
    struct report *itr = emu("stream", "mitigation_floor = 0s\ntadv = 0s\n");
    double a = test_all(tadv, "tx_interrupts_per_second");

    g_test_message("bulk: %.4g transmit interrupts/s with TADV, %.4g with the ITR alone", a,
                   test_all(itr, "tx_interrupts_per_second"));
    g_assert_cmpfloat(test_all(itr, "interrupts_per_second"), <=, 20000 * 1.01);
    g_assert_cmpfloat(a, >, 1.3 * test_all(itr, "tx_interrupts_per_second"));
    g_assert_cmpfloat(test_all(tadv, "interrupts_per_second"), <=, 1.0 / 32.768e-6);
    report_free(tadv);
    report_free(itr);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/emulation/tdt-write-covers-descriptors", test_tdt_write_covers_descriptors);
    g_test_add_func("/emulation/tso-cut-into-frames", test_tso_cut_into_frames);
    g_test_add_func("/emulation/rx-frames-whatever-gso", test_rx_frames_whatever_gso);
    g_test_add_func("/emulation/rx-refill-writes", test_rx_refill_writes);
    g_test_add_func("/emulation/mitigation-floor", test_mitigation_floor);
    g_test_add_func("/emulation/tadv-shortens-tx-windows", test_tadv_shortens_tx_windows);
    return g_test_run();
}
