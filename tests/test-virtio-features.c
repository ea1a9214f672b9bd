/* virtio-net's configuration side: feature negotiation with Linux's
 * fallbacks and refusals, what each negotiated feature changes (descriptor
 * slots, receive buffers, segment sizes, suppression); the status sequence
 * that negotiates them is tests/test-virtio-config.c's. */
#include <math.h>
#include <string.h>

#include <glib.h>

#include "../models/net/net.h"
#include "../models/virtio/virtio_features.h"
#include "report.h"
#include "scenario.h"
#include "testlib.h"

#define LINUX_DRIVER                                                                              \
    (VIRTIO_BIT(CSUM) | VIRTIO_BIT(GUEST_CSUM) | VIRTIO_BIT(GUEST_TSO4) | VIRTIO_BIT(HOST_TSO4) | \
     VIRTIO_BIT(MRG_RXBUF) | VIRTIO_BIT(CTRL_VQ) | VIRTIO_BIT(MQ) | VIRTIO_BIT(INDIRECT_DESC) |   \
     VIRTIO_BIT(EVENT_IDX) | VIRTIO_BIT(VERSION_1) | VIRTIO_BIT(RING_PACKED))

static struct report *run(const char *extra)
{
    g_autofree char *ini = g_strdup_printf("[scenario]\nmodel = net\nduration = 10ms\n"
                                           "warmup = 1ms\n[io]\nstrategy = virtio\n%s",
                                           extra);

    return test_run_ini(ini, 3);
}

static void test_parse(void)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *text = NULL;
    uint64_t set;

    g_assert_true(virtio_features_parse("CSUM, EVENT_IDX  RING_PACKED", &set, NULL));
    g_assert_cmpuint(set, ==, VIRTIO_BIT(CSUM) | VIRTIO_BIT(EVENT_IDX) | VIRTIO_BIT(RING_PACKED));
    text = virtio_features_format(set);
    g_assert_cmpstr(text, ==, "CSUM,EVENT_IDX,RING_PACKED");
    g_assert_true(virtio_features_parse("", &set, NULL));
    g_assert_cmpuint(set, ==, 0);
    g_assert_false(virtio_features_parse("CSUM,EVENT_INDEX", &set, &error));
    g_assert_nonnull(strstr(error->message, "'EVENT_INDEX'"));
}

/* Linux accepts what is offered and known, an offload without the
 * checksum it needs too, but does not use it; queue pairs need MQ. */
static void test_negotiate(void)
{
    struct virtio_negotiation n;
    uint64_t offered = LINUX_DRIVER & ~VIRTIO_BIT(CSUM) & ~VIRTIO_BIT(RING_PACKED);

    g_assert_true(virtio_negotiate(offered, LINUX_DRIVER, VIRTIO_BIT(VERSION_1), 4, &n, NULL));
    g_assert_true(virtio_has(n.accepted, VIRTIO_F_HOST_TSO4));
    g_assert_false(n.tso_tx);
    g_assert_false(n.sg);
    g_assert_true(n.big_rx);
    g_assert_true(n.gso_rx);
    g_assert_true(n.mergeable);
    g_assert_cmpuint(n.hdr_bytes, ==, 12);
    g_assert_cmpuint(n.queue_pairs, ==, 4);
    /* Guest TSO without GUEST_CSUM: big buffers, but tap sends no large
     * segments. */
    g_assert_true(virtio_negotiate(LINUX_DRIVER & ~VIRTIO_BIT(GUEST_CSUM), LINUX_DRIVER,
                                   VIRTIO_BIT(VERSION_1), 1, &n, NULL));
    g_assert_true(n.big_rx);
    g_assert_false(n.gso_rx);
    /* A legacy device without MQ or mergeable buffers. */
    g_assert_true(
        virtio_negotiate(VIRTIO_BIT(CSUM) | VIRTIO_BIT(HOST_TSO4), LINUX_DRIVER, 0, 4, &n, NULL));
    g_assert_true(n.tso_tx);
    g_assert_cmpuint(n.hdr_bytes, ==, 10);
    g_assert_false(n.hdr_pushed);
    g_assert_cmpuint(n.queue_pairs, ==, 1);
}

static void test_refusals(void)
{
    struct virtio_negotiation n;
    g_autoptr(GError) e1 = NULL;
    g_autoptr(GError) e2 = NULL;

    g_assert_false(virtio_negotiate(VIRTIO_BIT(VERSION_1), LINUX_DRIVER,
                                    VIRTIO_BIT(VERSION_1) | VIRTIO_BIT(ACCESS_PLATFORM), 1, &n,
                                    &e1));
    g_assert_nonnull(strstr(e1->message, "ACCESS_PLATFORM"));
    /* virtnet_validate_features(): MQ without the control queue. */
    g_assert_false(
        virtio_negotiate(VIRTIO_BIT(MQ) | VIRTIO_BIT(VERSION_1), LINUX_DRIVER, 0, 2, &n, &e2));
    g_assert_nonnull(strstr(e2->message, "MQ"));
    g_assert_nonnull(strstr(e2->message, "CTRL_VQ"));
}

static void test_refused_scenarios(void)
{
    test_expect_refused("[scenario]\nmodel = net\n[virtio]\ndriver_requires = VERSION_1, "
                        "ACCESS_PLATFORM\n",
                        "t.ini:4: key 'virtio.driver_requires'", "ACCESS_PLATFORM");
    test_expect_refused("[scenario]\nmodel = net\n[virtio]\n"
                        "device_features = CSUM,EVENT_IDX\n",
                        "t.ini:4: key 'virtio.device_features'", "VERSION_1");
    test_expect_refused("[scenario]\nmodel = net\n[virtio]\n"
                        "device_features = MQ,VERSION_1\n",
                        "t.ini:4: key 'virtio.device_features'", "CTRL_VQ");
    test_expect_refused("[scenario]\nmodel = net\n[virtio]\ndevice_features = CSUM,TSO\n",
                        "t.ini:4: key 'virtio.device_features'", "'TSO'");
    test_expect_refused("[scenario]\nmodel = net\n[virtio]\ndriver_features = CSUM\n",
                        "t.ini:4: key 'virtio.driver_features'", "VERSION_1");
    test_expect_refused("[scenario]\nmodel = net\n[virtio]\nring_size = 16\n"
                        "device_features = CSUM,VERSION_1,CTRL_VQ\n",
                        "t.ini:4: key 'virtio.ring_size'", "INDIRECT_DESC");
}

/* The run reports what was negotiated; virtio.event_idx withdraws
 * EVENT_IDX from the offer, and the ring then suppresses by flags. */
static void test_report_and_event_idx(void)
{
    struct report *on = run("");
    struct report *off = run("[virtio]\nevent_idx = false\n");

    g_assert_cmpfloat(test_all(on, "virtio_feature_event_idx"), ==, 1);
    g_assert_cmpfloat(test_all(on, "virtio_feature_indirect_desc"), ==, 1);
    g_assert_cmpfloat(test_all(on, "virtio_feature_ring_packed"), ==, 0);
    g_assert_cmpfloat(test_all(off, "virtio_feature_event_idx"), ==, 0);
    g_assert_cmpfloat(test_all(on, "virtio_features") - test_all(off, "virtio_features"), ==,
                      (double)VIRTIO_BIT(EVENT_IDX));
    /* Under a stream the stale avail_event suppresses kicks that the
     * flag, set only once the worker runs, lets through. */
    g_assert_cmpfloat(test_all(on, "virtio_kicks"), <, test_all(off, "virtio_kicks"));
    report_free(on);
    report_free(off);
}

#define TSO_STREAM                                                                   \
    "[guest]\ngso_size = 64KiB\n[workload]\nsize = 64KiB\nwindow = 4MiB\n[virtio]\n" \
    "ring_size = 64\n"

/* Without INDIRECT_DESC a 64 KiB TSO packet takes a slot for its header
 * and one per 32 KiB fragment, and the ring stops the queue sooner. */
static void test_indirect(void)
{
    struct report *ind = run(TSO_STREAM);
    struct report *direct = run(TSO_STREAM "device_features = CSUM,GUEST_CSUM,GUEST_TSO4,"
                                           "HOST_TSO4,MRG_RXBUF,CTRL_VQ,EVENT_IDX,VERSION_1\n");

    g_assert_cmpfloat(test_all(ind, "virtio_tx_slots_per_packet"), ==, 1);
    g_assert_cmpfloat(test_all(direct, "virtio_tx_slots_per_packet"), ==, 3);
    g_assert_cmpfloat(test_all(ind, "tx_queue_stops"), ==, 0);
    g_assert_cmpfloat(test_all(direct, "tx_queue_stops"), >, 0);
    report_free(ind);
    report_free(direct);
}

/* Without CSUM there is no TSO (HOST_TSO4 is negotiated, not used): the
 * guest's stack cuts MSS segments, and more packets cross the ring for the
 * same bytes. */
static void test_no_csum_no_tso(void)
{
    struct report *tso = run(TSO_STREAM);
    struct report *gso =
        run(TSO_STREAM "device_features = GUEST_CSUM,GUEST_TSO4,HOST_TSO4,MRG_RXBUF,CTRL_VQ,"
                       "INDIRECT_DESC,EVENT_IDX,VERSION_1\n");

    /* Negotiated, as Linux accepts it, but unused without CSUM. */
    g_assert_cmpfloat(test_all(gso, "virtio_feature_host_tso4"), ==, 1);
    g_test_message("pps %.0f with TSO, %.0f without", test_all(tso, "pps"), test_all(gso, "pps"));
    g_assert_cmpfloat(test_all(gso, "pps"), >, 10 * test_all(tso, "pps"));
    /* Linear packets: one descriptor each even without indirect ones. */
    g_assert_cmpfloat(test_all(gso, "virtio_tx_slots_per_packet"), ==, 1);
    report_free(tso);
    report_free(gso);
}

#define RX_BURSTS                                                                              \
    "[workload]\ndirection = rx\ntype = udp\nsize = 64B\nrate = 400Kpps\narrivals = poisson\n" \
    "[guest]\nstack_rx_packet = 4000\n[virtio]\nring_size = 64\n"

/* Without MRG_RXBUF but with guest TSO every receive buffer is a 72 KiB
 * chain of 19 descriptors, one per packet however small: 3 fit a ring of
 * 64, and bursts overflow it. Mergeable buffers are one frame each. */
static void test_mrg_rxbuf(void)
{
    struct report *mrg = run(RX_BURSTS);
    struct report *big = run(RX_BURSTS "device_features = CSUM,GUEST_CSUM,GUEST_TSO4,HOST_TSO4,"
                                       "CTRL_VQ,EVENT_IDX,VERSION_1\n");

    g_assert_cmpfloat(test_all(mrg, "virtio_rx_slots_per_packet"), ==, 1);
    g_assert_cmpfloat(test_all(mrg, "virtio_rx_buffer_bytes"), <, 2048);
    g_assert_cmpfloat(test_all(big, "virtio_rx_slots_per_packet"), ==, 19);
    g_assert_cmpfloat(test_all(big, "virtio_rx_buffer_bytes"), ==, 18 * 4096);
    g_test_message("receive ring drops: %.0f mergeable, %.0f big",
                   test_all(mrg, "drops_rx_ring_full"), test_all(big, "drops_rx_ring_full"));
    g_assert_cmpfloat(test_all(big, "drops_rx_ring_full"), >,
                      2 * test_all(mrg, "drops_rx_ring_full") + 10);
    report_free(mrg);
    report_free(big);
}

/* A 64 KiB segment into the guest spans as many mergeable buffers as its
 * bytes need; without guest TSO the host cuts MSS segments instead. */
static void test_rx_segments(void)
{
    const char *body = "[guest]\ngso_size = 64KiB\n[workload]\ndirection = rx\nsize = 64KiB\n";
    g_autofree char *no_gtso =
        g_strdup_printf("%s[virtio]\ndevice_features = CSUM,GUEST_CSUM,HOST_TSO4,MRG_RXBUF,"
                        "CTRL_VQ,INDIRECT_DESC,EVENT_IDX,VERSION_1\n",
                        body);
    struct report *gtso = run(body);
    struct report *mss = run(no_gtso);

    g_assert_cmpfloat(test_all(gtso, "virtio_rx_buffers_per_packet"), >, 40);
    g_assert_cmpfloat(test_all(mss, "virtio_rx_buffers_per_packet"), ==, 1);
    g_assert_cmpfloat(test_all(mss, "pps"), >, 10 * test_all(gtso, "pps"));
    report_free(gtso);
    report_free(mss);
}

/* virtio.ring = packed offers RING_PACKED: QEMU's own device uses it; a
 * kernel vhost backend has no packed ring, so QEMU withdraws the offer and
 * the split ring stays. */
static void test_packed_negotiated(void)
{
    struct report *qemu = run("[workload]\ntype = rr\n[virtio]\nring = packed\nbackend = qemu\n");
    struct report *vhost = run("[workload]\ntype = rr\n[virtio]\nring = packed\n");

    g_assert_cmpfloat(test_all(qemu, "virtio_feature_ring_packed"), ==, 1);
    g_assert_cmpfloat(test_all(vhost, "virtio_feature_ring_packed"), ==, 0);
    report_free(qemu);
    report_free(vhost);
}

/* A packed ring of any size up to 32768; a split one a power of two. */
static void test_packed_sizes(void)
{
    struct report *r = run("[workload]\ntype = rr\n[virtio]\nring = packed\nbackend = qemu\n"
                           "ring_size = 300\n");

    g_assert_cmpfloat(test_all(r, "transactions_per_second"), >, 0);
    test_check_breakdown(r, "all", "latency_mean", net_stage_names, NET_N_STAGES, 1e-9);
    report_free(r);
    test_expect_refused("[scenario]\nmodel = net\n[virtio]\nring = packed\nbackend = qemu\n"
                        "ring_size = 40000\n",
                        "t.ini:6: key 'virtio.ring_size'", "at most 32768");
    test_expect_refused("[scenario]\nmodel = net\n[virtio]\nring = packed\nring_size = 300\n",
                        "t.ini:5: key 'virtio.ring_size'", "kernel vhost has no packed ring");
    test_expect_refused("[scenario]\nmodel = net\n[virtio]\nring = packed\nbackend = qemu\n"
                        "ring_size = 300\ndriver_features = CSUM,VERSION_1,CTRL_VQ\n",
                        "t.ini:6: key 'virtio.ring_size'", "driver_features lacks RING_PACKED");
}

/* The packed ring moves fewer lines of ring memory between the guest's
 * and the backend's cores per packet, one at a time or in a stream. */
static void test_packed_lines(void)
{
    static const char *const loads[] = { "[workload]\ntype = rr\n", "" };

    for (size_t k = 0; k < G_N_ELEMENTS(loads); k++) {
        g_autofree char *split = g_strdup_printf("%s[virtio]\nbackend = qemu\n", loads[k]);
        g_autofree char *packed =
            g_strdup_printf("%s[virtio]\nbackend = qemu\nring = packed\n", loads[k]);
        struct report *s = run(split), *p = run(packed);

        g_test_message("lines per packet: split %.2f, packed %.2f",
                       test_all(s, "virtio_ring_lines_per_packet"),
                       test_all(p, "virtio_ring_lines_per_packet"));
        g_assert_cmpfloat(test_all(p, "virtio_ring_lines_per_packet"), <,
                          0.8 * test_all(s, "virtio_ring_lines_per_packet"));
        report_free(s);
        report_free(p);
    }
}

/* The per-packet costs were measured on split rings, so a packed ring's
 * steps pay or save its lines beyond the split ring's at
 * host.line_transfer each. One request at a time both layouts notify
 * alike (the same round trip without the lines' time), so the round trip
 * differs by exactly those lines: a request and its reply, each one
 * packet; a split ring's numbers do not depend on the line's cost. */
static void test_packed_line_time(void)
{
    const char *rr = "[workload]\ntype = rr\n[virtio]\nbackend = qemu\n";
    g_autofree char *packed = g_strdup_printf("%sring = packed\n", rr);
    g_autofree char *packed_free = g_strdup_printf("%s[host]\nline_transfer = 0ns\n", packed);
    g_autofree char *split_free = g_strdup_printf("%s[host]\nline_transfer = 0ns\n", rr);
    struct report *s = run(rr), *s0 = run(split_free), *p = run(packed), *p0 = run(packed_free);
    double beyond = test_all(p, "virtio_ring_lines_beyond_split");
    double diff = test_all(p, "rtt_mean") - test_all(s, "rtt_mean");

    g_test_message("packed: %.3f lines per packet beyond split, round trip %.1f ns shorter", beyond,
                   -diff * 1e9);
    g_assert_cmpfloat(beyond, <, -1);
    g_assert_cmpfloat(test_all(s, "virtio_ring_lines_beyond_split"), ==, 0);
    g_assert_cmpfloat(test_all(p0, "rtt_mean"), ==, test_all(s, "rtt_mean"));
    g_assert_cmpfloat(fabs(diff / (2 * beyond * 41e-9) - 1), <, 0.03);
    g_assert_cmpfloat(test_all(s0, "rtt_mean"), ==, test_all(s, "rtt_mean"));
    g_assert_cmpfloat(test_all(s0, "host_cpu"), ==, test_all(s, "host_cpu"));
    report_free(s);
    report_free(s0);
    report_free(p);
    report_free(p0);
}

/* virtio.queues pairs need MQ (with CTRL_VQ): a device that does not
 * offer it leaves one queue, which the vCPUs then share. */
static void test_mq(void)
{
    const char *four = "[vm]\nvcpus = 4\n[virtio]\nqueues = 4\n";
    g_autofree char *no_mq =
        g_strdup_printf("%sdevice_features = CSUM,GUEST_CSUM,GUEST_TSO4,HOST_TSO4,MRG_RXBUF,"
                        "CTRL_VQ,INDIRECT_DESC,EVENT_IDX,VERSION_1\n",
                        four);
    struct report *mq = run(four), *single = run(no_mq);

    g_assert_cmpfloat(test_all(mq, "virtio_feature_mq"), ==, 1);
    g_assert_cmpfloat(test_all(single, "virtio_feature_mq"), ==, 0);
    g_assert_cmpfloat(test_all(mq, "virtio_lock_contended"), ==, 0);
    g_assert_cmpfloat(test_all(single, "virtio_lock_contended"), >, 0.3);
    g_assert_cmpfloat(test_all(mq, "virtio_startup_exits"), >,
                      test_all(single, "virtio_startup_exits"));
    report_free(mq);
    report_free(single);
}

/* virtnet_probe(): every offered pair is set up, but a guest uses no more
 * pairs than it has CPUs: two vCPUs on a device of four pairs run two
 * pair threads, and set up the queues of all four. */
static void test_mq_pairs_per_cpu(void)
{
    struct report *two = run("[vm]\nvcpus = 2\n[virtio]\nqueues = 4\n"),
                  *four = run("[vm]\nvcpus = 4\n[virtio]\nqueues = 4\n");

    g_assert_cmpfloat(test_all(two, "virtio_pair_cores"), ==, 2);
    g_assert_cmpfloat(test_all(four, "virtio_pair_cores"), ==, 4);
    g_assert_cmpfloat(test_all(two, "virtio_startup_exits"), ==,
                      test_all(four, "virtio_startup_exits"));
    report_free(two);
    report_free(four);
}

/* A device offering guest TSO without GUEST_CSUM (which the spec forbids
 * it): Linux still posts a 72 KiB chain of 19 descriptors per packet, and
 * tap, without the checksum offload, hands it MSS-sized packets. */
static void test_guest_tso_without_csum(void)
{
    const char *body = "[guest]\ngso_size = 64KiB\n[workload]\ndirection = rx\nsize = 64KiB\n"
                       "[virtio]\ndevice_features = CSUM,GUEST_TSO4,HOST_TSO4,CTRL_VQ,"
                       "INDIRECT_DESC,EVENT_IDX,VERSION_1\n";
    struct report *r = run(body);

    g_assert_cmpfloat(test_all(r, "virtio_feature_guest_tso4"), ==, 1);
    g_assert_cmpfloat(test_all(r, "virtio_rx_buffer_bytes"), ==, 18 * 4096);
    g_assert_cmpfloat(test_all(r, "virtio_rx_buffers_per_packet"), ==, 1);
    /* 1460-byte segments: over 40 per 64 KiB sent. */
    g_assert_cmpfloat(test_all(r, "pps") * 65536, >, 40 * test_all(r, "throughput") / 8);
    report_free(r);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/virtio-features/parse", test_parse);
    g_test_add_func("/virtio-features/negotiate", test_negotiate);
    g_test_add_func("/virtio-features/refusals", test_refusals);
    g_test_add_func("/virtio-features/refused-scenarios", test_refused_scenarios);
    g_test_add_func("/virtio-features/report-and-event-idx", test_report_and_event_idx);
    g_test_add_func("/virtio-features/indirect", test_indirect);
    g_test_add_func("/virtio-features/no-csum-no-tso", test_no_csum_no_tso);
    g_test_add_func("/virtio-features/mrg-rxbuf", test_mrg_rxbuf);
    g_test_add_func("/virtio-features/rx-segments", test_rx_segments);
    g_test_add_func("/virtio-features/mq", test_mq);
    g_test_add_func("/virtio-features/mq-pairs-per-cpu", test_mq_pairs_per_cpu);
    g_test_add_func("/virtio-features/guest-tso-without-csum", test_guest_tso_without_csum);
    g_test_add_func("/virtio-features/packed/negotiated", test_packed_negotiated);
    g_test_add_func("/virtio-features/packed/sizes", test_packed_sizes);
    g_test_add_func("/virtio-features/packed/lines", test_packed_lines);
    g_test_add_func("/virtio-features/packed/line-time", test_packed_line_time);
    return g_test_run();
}
