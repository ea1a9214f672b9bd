/* The virtqueue's lock and its callback races (scenarios/virtio-locking.ini):
 * vCPUs sharing one transmit queue wait for its lock and the goodput stops
 * at what its one backend thread moves, one queue per vCPU none waits; the
 * lock is held through the kick's exit; a split ring's stale used_event
 * lets interrupts through while the driver polls, used_event = 0 and the
 * flags do not. */
#include <math.h>

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

/* Every request of a lone rr sender finds the backend asleep and kicks;
 * start_xmit kicks before it returns, so the lock is held through the
 * exit: QEMU's user-space exit holds it longer than vhost's in-kernel one
 * by exactly the difference of the two. */
static void test_hold_spans_the_kick(void)
{
    struct report *vhost = run(1, 1, "[workload]\ntype = rr\n"),
                  *qemu = run(1, 1, "backend = qemu\n[workload]\ntype = rr\n");
    double user = 6732 / 2.1e9, kernel = 2565 / 2.1e9;
    double diff =
        test_all(qemu, "virtio_lock_hold_mean") - test_all(vhost, "virtio_lock_hold_mean");

    g_assert_cmpfloat(test_all(vhost, "virtio_kicks"), >, 0.9 * test_all(vhost, "packets") / 2);
    g_assert_cmpfloat(test_all(vhost, "virtio_lock_hold_mean"), >, kernel);
    g_assert_cmpfloat(fabs(diff / (user - kernel) - 1), <, 0.01);
    report_free(vhost);
    report_free(qemu);
}

/* Small packets, so that used buffers keep coming while the driver polls.
 * A driver that leaves EVENT_IDX's used_event stale when it turns
 * callbacks off (Linux before 5.14) is interrupted while it polls; one
 * that moves it to 0 (5.14 on) is not, nor is one using the flags. */
static void test_interrupts_while_polling(void)
{
    struct report *stale = run(1, 1, "disable_cb = flag-only\n[workload]\nsize = 256B\n"),
                  *zero = run(1, 1, "[workload]\nsize = 256B\n"),
                  *flags = run(1, 1, "event_idx = false\n[workload]\nsize = 256B\n");

    g_assert_cmpfloat(test_all(stale, "virtio_interrupts_while_polling"), >, 0);
    g_assert_cmpfloat(test_all(stale, "virtio_interrupts"), >,
                      test_all(zero, "virtio_interrupts") +
                          0.9 * test_all(stale, "virtio_interrupts_while_polling"));
    g_assert_cmpfloat(test_all(zero, "virtio_interrupts_while_polling"), ==, 0);
    g_assert_cmpfloat(test_all(flags, "virtio_interrupts_while_polling"), ==, 0);
    report_free(stale);
    report_free(zero);
    report_free(flags);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/virtio-locking/contention", test_contention);
    g_test_add_func("/virtio-locking/hold-spans-the-kick", test_hold_spans_the_kick);
    g_test_add_func("/virtio-locking/interrupts-while-polling", test_interrupts_while_polling);
    return g_test_run();
}
