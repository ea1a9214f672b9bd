/* Multi-queue virtio-net as a consequence: with MQ and 4 queue pairs a VM
 * with 4 vCPUs receiving 4 flows hashes them (RSS) over 4 receive rings,
 * each filled by its pair's vhost thread and signalled on its own vCPU, so
 * it receives more than one vCPU's worth; with one pair, or with every
 * vector on vCPU 0, it does not. The pairs' threads are placed like other
 * backends: on distinct cores when spread over spare cores, on one core
 * when pinned. Bad input: nic.queues other than virtio.queues, more pairs
 * than vectors. */
#include <glib.h>

#include "report.h"
#include "testlib.h"

static struct report *rx(unsigned pairs, int irq_vcpu, const char *placement)
{
    g_autofree char *ini = g_strdup_printf(
        "[scenario]\nmodel = net\nduration = 10ms\nwarmup = 2ms\n[io]\nstrategy = virtio\n"
        "[virtio]\nqueues = %u\n[host]\nbackend_placement = %s\n"
        "[vm]\nvcpus = 4\nirq_vcpu = %d\n[nic]\nline_rate = 40Gbps\n"
        "[workload]\ntype = udp\ndirection = rx\nsize = 1460B\nrate = 3Mpps\nflows = 4\n",
        pairs, placement, irq_vcpu);

    return test_run_ini(ini, 1);
}

static void test_mq_spreads_receive(void)
{
    struct report *one = rx(1, -1, "spread"), *four = rx(4, -1, "spread");
    struct report *on0 = rx(4, 0, "spread");
    double x1 = test_all(one, "throughput"), x4 = test_all(four, "throughput");

    g_test_message("1 pair %.4g b/s (guest %.3g), 4 pairs %.4g b/s (guest %.3g), on vCPU 0 %.4g",
                   x1, test_all(one, "guest_cpu"), x4, test_all(four, "guest_cpu"),
                   test_all(on0, "throughput"));
    g_assert_cmpfloat(test_all(one, "guest_cpu"), <, 1.01);
    g_assert_cmpfloat(test_all(four, "guest_cpu"), >, 1.5);
    g_assert_cmpfloat(x4, >, 1.5 * x1);
    /* Four vectors on one vCPU: at most one vCPU's worth of guest work. */
    g_assert_cmpfloat(test_all(on0, "guest_cpu"), <, 1.01);
    g_assert_cmpfloat(test_all(on0, "throughput"), <, x4);
    report_free(one);
    report_free(four);
    report_free(on0);
}

static void test_mq_thread_placement(void)
{
    struct report *spread = rx(4, -1, "spread"), *pinned = rx(4, -1, "pinned");
    struct report *one = rx(1, -1, "spread");

    g_assert_cmpfloat(test_all(spread, "virtio_pair_cores"), ==, 4);
    g_assert_cmpfloat(test_all(pinned, "virtio_pair_cores"), ==, 1);
    g_assert_cmpfloat(test_all(one, "virtio_pair_cores"), ==, 1);
    /* Spread: four threads share the work, none carries all of it. */
    g_assert_cmpfloat(test_all(spread, "backend_cpu_max"), <,
                      0.5 * test_all(spread, "backend_cpu"));
    report_free(spread);
    report_free(pinned);
    report_free(one);
}

static void test_mq_bad_input(void)
{
    test_expect_refused("[scenario]\nmodel = net\n[io]\nstrategy = virtio\n[virtio]\nqueues = 4\n"
                        "[nic]\nqueues = 2\n",
                        "nic.queues", "virtio.queues is 4");
    test_expect_refused("[scenario]\nmodel = net\n[io]\nstrategy = virtio\n[virtio]\nqueues = 4\n"
                        "[nic]\nmsix_vectors = 3\n",
                        "virtio.queues", "nic.msix_vectors is 3");
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/virtio-mq/spreads-receive", test_mq_spreads_receive);
    g_test_add_func("/virtio-mq/thread-placement", test_mq_thread_placement);
    g_test_add_func("/virtio-mq/bad-input", test_mq_bad_input);
    return g_test_run();
}
