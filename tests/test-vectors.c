/* MSI-X vectors per queue pair. virtio_net asks for one per virtqueue
 * (vp_find_vqs), so a pair's transmit completions and its received packets
 * interrupt on vectors of their own, each opening its own NAPI context
 * (skb_xmit_done / virtnet_poll_tx, skb_recv_done / virtnet_poll); with
 * too few vectors it shares one. ixgbe and ixgbevf give a pair one vector
 * for both directions. */
#include <math.h>
#include <string.h>

#include <glib.h>

#include "report.h"
#include "testlib.h"

static struct report *run(const char *strategy, const char *type, const char *extra)
{
    g_autofree char *ini = g_strdup_printf("[scenario]\nmodel = net\nduration = 20ms\n"
                                           "warmup = 2ms\n[io]\nstrategy = %s\n"
                                           "[workload]\ntype = %s\n%s",
                                           strategy, type, extra);

    return test_run_ini(ini, 3);
}

/* Each interrupt of a vector of one direction finds that direction's work
 * and no other. */
static void check_one_direction_each(const struct report *r)
{
    double all = test_all(r, "interrupts_per_second");

    g_assert_cmpfloat(fabs(test_all(r, "rx_interrupts_per_second") +
                           test_all(r, "tx_interrupts_per_second") - all),
                      <=, 1e-9 * all);
}

/* A bulk sender's ACKs come back one at a time, between its segments. On
 * vDPA each used transmit buffer at the driver's used_event interrupts on
 * the transmit vector, and each ACK on the receive vector: the receive
 * NAPI is not already open for the transmit completion, so most ACKs take
 * an interrupt of their own. With one vector per pair (too few vectors)
 * the transmit completion's NAPI absorbs them. */
static void test_vdpa_bulk_receive_vector(void)
{
    struct report *split = run("vdpa", "stream", "");
    struct report *shared = run("vdpa", "stream", "[nic]\nmsix_vectors = 2\n");
    double acks = test_all(split, "acks_per_second");

    g_test_message(
        "vDPA bulk: %.4g ACKs/s; a vector per virtqueue: %.4g rx, %.4g tx "
        "interrupts/s; one per pair: %.4g rx, %.4g tx, %.4g in all",
        acks, test_all(split, "rx_interrupts_per_second"),
        test_all(split, "tx_interrupts_per_second"), test_all(shared, "rx_interrupts_per_second"),
        test_all(shared, "tx_interrupts_per_second"), test_all(shared, "interrupts_per_second"));
    g_assert_cmpfloat(acks, >, 1000);
    g_assert_cmpfloat(test_all(split, "rx_interrupts_per_second"), >, 0.5 * acks);
    g_assert_cmpfloat(test_all(split, "tx_interrupts_per_second"), >, 1000);
    check_one_direction_each(split);
    g_assert_cmpfloat(test_all(shared, "rx_interrupts_per_second"), <,
                      0.1 * test_all(split, "rx_interrupts_per_second"));
    test_check_net_conservation(split);
    test_check_net_conservation(shared);
    report_free(split);
    report_free(shared);
}

/* virtio (vhost): the worker's signal for a drained transmit batch and the
 * ACKs it writes into the receive ring interrupt on their own vectors, in
 * bulk and request/response alike; a lone request/response flow takes one
 * of each per transaction. */
static void test_virtio_per_direction(void)
{
    struct report *bulk = run("virtio", "stream", "");
    struct report *rr = run("virtio", "rr", "");
    double tps = test_all(rr, "transactions_per_second");

    g_test_message("virtio bulk: %.4g rx, %.4g tx interrupts/s at %.4g pps; rr: %.4g rx, %.4g tx "
                   "at %.4g/s",
                   test_all(bulk, "rx_interrupts_per_second"),
                   test_all(bulk, "tx_interrupts_per_second"), test_all(bulk, "pps"),
                   test_all(rr, "rx_interrupts_per_second"),
                   test_all(rr, "tx_interrupts_per_second"), tps);
    g_assert_cmpfloat(test_all(bulk, "rx_interrupts_per_second"), >, 1000);
    g_assert_cmpfloat(test_all(bulk, "tx_interrupts_per_second"), >, 1000);
    check_one_direction_each(bulk);
    check_one_direction_each(rr);
    g_assert_cmpfloat(fabs(test_all(rr, "rx_interrupts_per_second") / tps - 1), <, 0.05);
    g_assert_cmpfloat(fabs(test_all(rr, "tx_interrupts_per_second") / tps - 1), <, 0.05);
    report_free(bulk);
    report_free(rr);
}

/* Multi-queue virtio: each vCPU sends on its own pair, whose transmit
 * vector takes that queue's completions and whose NAPI frees that queue's
 * buffers (virtnet_poll_tx per send queue). Sparse Poisson senders find
 * their ring empty, so nearly every packet's completion interrupts; on a
 * vector shared by all pairs the completions that came while it was
 * pending would ride on one interrupt. */
static void test_virtio_mq_transmit(void)
{
    struct report *r = run("virtio", "udp",
                           "rate = 200Kpps\narrivals = poisson\n[virtio]\nqueues = 4\n"
                           "[vm]\nvcpus = 4\n");
    double pps = test_all(r, "pps");

    g_test_message("4 pairs: %.4g pps, %.4g tx interrupts/s, %.4g cleaned/s", pps,
                   test_all(r, "tx_interrupts_per_second"), test_all(r, "tx_cleaned_per_second"));
    g_assert_cmpfloat(test_all(r, "tx_interrupts_per_second"), >, 0.9 * pps);
    g_assert_cmpfloat(fabs(test_all(r, "tx_cleaned_per_second") / pps - 1), <, 0.02);
    check_one_direction_each(r);
    report_free(r);
}

/* The VF drivers' one vector per pair is unchanged: an interrupt may find
 * received packets and transmit completions both. */
static void test_vf_one_vector_per_pair(void)
{
    struct report *r = run("sriov", "stream", "");

    g_assert_cmpfloat(test_all(r, "rx_interrupts_per_second") +
                          test_all(r, "tx_interrupts_per_second"),
                      >, 1.05 * test_all(r, "interrupts_per_second"));
    report_free(r);
}

/* Pairs beyond one need 2 per pair and one more; a VF's pairs one each. */
static void test_vector_budget(void)
{
    struct report *r;

    test_expect_refused("[scenario]\nmodel = net\n[io]\nstrategy = virtio\n[virtio]\nqueues = 4\n"
                        "[nic]\nmsix_vectors = 8\n",
                        "virtio.queues", "nic.msix_vectors is 8");
    test_expect_refused("[scenario]\nmodel = net\n[io]\nstrategy = vdpa\n[vm]\nvcpus = 4\n"
                        "[nic]\nqueues = 4\nmsix_vectors = 8\n",
                        "nic.queues", "need 9 vectors");
    r = run("sriov", "stream", "[vm]\nvcpus = 4\n[nic]\nqueues = 4\nmsix_vectors = 4\n");
    test_check_net_conservation(r);
    report_free(r);
    r = run("vdpa", "stream", "[vm]\nvcpus = 4\n[nic]\nqueues = 4\nmsix_vectors = 9\n");
    check_one_direction_each(r);
    report_free(r);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/vectors/vdpa-bulk-receive-vector", test_vdpa_bulk_receive_vector);
    g_test_add_func("/vectors/virtio-per-direction", test_virtio_per_direction);
    g_test_add_func("/vectors/virtio-mq-transmit", test_virtio_mq_transmit);
    g_test_add_func("/vectors/vf-one-vector-per-pair", test_vf_one_vector_per_pair);
    g_test_add_func("/vectors/budget", test_vector_budget);
    return g_test_run();
}
