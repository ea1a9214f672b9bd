/* The virtqueue's lock and its callback races (scenarios/virtio-locking.ini):
 * vCPUs sharing one transmit queue wait for its lock and the goodput stops
 * at what it lets through, one queue per vCPU none waits; the split ring's
 * stale used_event lets interrupts through while the driver polls, the
 * flags do not. */
#include <glib.h>

#include "report.h"
#include "testlib.h"

static struct report *run(unsigned vcpus, unsigned queues, const char *extra)
{
    g_autofree char *ini = g_strdup_printf("[scenario]\nmodel = net\nduration = 10ms\n"
                                           "warmup = 1ms\n[io]\nstrategy = virtio\n[vm]\n"
                                           "vcpus = %u\n[virtio]\nqueues = %u\n%s",
                                           vcpus, queues, extra);

    return test_run_ini(ini, 2);
}

static void test_contention(void)
{
    struct report *one = run(4, 1, ""), *per_vcpu = run(4, 4, ""), *alone = run(1, 1, "");

    g_test_message("4 vCPUs, one queue: %.2f of acquisitions waited, %.0f ns on average, "
                   "held %.0f ns; %.3g vs %.3g bit/s with a queue each",
                   test_all(one, "virtio_lock_contended"),
                   test_all(one, "virtio_lock_wait_mean") * 1e9,
                   test_all(one, "virtio_lock_hold_mean") * 1e9, test_all(one, "throughput"),
                   test_all(per_vcpu, "throughput"));
    g_assert_cmpfloat(test_all(one, "virtio_lock_contended"), >, 0.3);
    g_assert_cmpfloat(test_all(one, "virtio_lock_wait_mean"), >, 0);
    g_assert_cmpfloat(test_all(one, "virtio_lock_hold_mean"), >, 0);
    g_assert_cmpfloat(test_all(per_vcpu, "virtio_lock_contended"), ==, 0);
    g_assert_cmpfloat(test_all(alone, "virtio_lock_contended"), ==, 0);
    g_assert_cmpfloat(test_all(per_vcpu, "throughput"), >, 1.2 * test_all(one, "throughput"));
    report_free(one);
    report_free(per_vcpu);
    report_free(alone);
}

static void test_interrupts_while_polling(void)
{
    /* Small packets, so that used buffers keep coming while the driver
     * polls. */
    struct report *event = run(1, 1, "[workload]\nsize = 256B\n"),
                  *flags = run(1, 1, "event_idx = false\n[workload]\nsize = 256B\n");

    g_assert_cmpfloat(test_all(event, "virtio_interrupts_while_polling"), >, 0);
    g_assert_cmpfloat(test_all(flags, "virtio_interrupts_while_polling"), ==, 0);
    report_free(event);
    report_free(flags);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/virtio-locking/contention", test_contention);
    g_test_add_func("/virtio-locking/interrupts-while-polling", test_interrupts_while_polling);
    return g_test_run();
}
