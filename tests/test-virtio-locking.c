/* The virtqueue's lock and its callback races (scenarios/virtio-locking.ini):
 * vCPUs sharing one transmit queue wait for its lock and the goodput stops
 * at what its one backend thread moves, one queue per vCPU none waits; the
 * lock is held through the kick's exit; a split ring's stale used_event
 * lets interrupts through while the driver polls, used_event = 0 and the
 * flags do not; the re-check after NAPI re-enables callbacks finds what
 * arrived during the completion's kick. */
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

/* Small packets, so that used buffers keep coming while the driver polls,
 * on one vector per pair (nic.msix_vectors short of one per virtqueue),
 * whose NAPI turns the receive callbacks off for a transmit interrupt too.
 * A driver that leaves EVENT_IDX's used_event stale when it turns
 * callbacks off (Linux before 5.14) is interrupted while it polls; one
 * that moves it to 0 (5.14 on) is not, nor is one using the flags. With a
 * vector per virtqueue each ring's callbacks go off only when it has
 * interrupted, its used_event crossed, and none come either way. */
static void test_interrupts_while_polling(void)
{
    struct report *stale = run(1, 1,
                               "disable_cb = flag-only\n[nic]\nmsix_vectors = 2\n"
                               "[workload]\nsize = 256B\n"),
                  *zero = run(1, 1, "[nic]\nmsix_vectors = 2\n[workload]\nsize = 256B\n"),
                  *flags = run(1, 1,
                               "event_idx = false\n[nic]\nmsix_vectors = 2\n"
                               "[workload]\nsize = 256B\n"),
                  *per_vq = run(1, 1, "disable_cb = flag-only\n[workload]\nsize = 256B\n");

    g_assert_cmpfloat(test_all(stale, "virtio_interrupts_while_polling"), >, 0);
    g_assert_cmpfloat(test_all(stale, "virtio_interrupts"), >,
                      test_all(zero, "virtio_interrupts") +
                          0.9 * test_all(stale, "virtio_interrupts_while_polling"));
    g_assert_cmpfloat(test_all(zero, "virtio_interrupts_while_polling"), ==, 0);
    g_assert_cmpfloat(test_all(flags, "virtio_interrupts_while_polling"), ==, 0);
    g_assert_cmpfloat(test_all(per_vq, "virtio_interrupts_while_polling"), ==, 0);
    report_free(per_vq);
    report_free(stale);
    report_free(zero);
    report_free(flags);
}

/* UDP into the VM at @rate (Poisson) through a 2-entry receive ring, so
 * that the device runs dry and asks for a kick after the guest refills;
 * @exit_cycles is the in-kernel MMIO exit the kick costs. */
static struct report *udp_in(const char *rate, unsigned exit_cycles)
{
    g_autofree char *ini = g_strdup_printf(
        "[scenario]\nmodel = net\nduration = 20ms\nwarmup = 1ms\n[io]\nstrategy = virtio\n"
        "[virtio]\nring_size = 2\n[hv]\nexit_mmio_kernel = %u\n[workload]\ntype = udp\n"
        "direction = rx\nrate = %s\narrivals = poisson\nsize = 64B\n",
        exit_cycles, rate);

    return test_run_ini(ini, 3);
}

/* virtnet_poll kicks its refilled buffers before it re-enables callbacks
 * and checks the ring again: what the device used during the kick's exit
 * raised no interrupt and is found by that re-check, NAPI polls again. The
 * count grows with the arrival rate and with the exit's length. */
static void test_recheck_window(void)
{
    struct report *slow = udp_in("100Kpps", 2565), *mid = udp_in("300Kpps", 2565),
                  *fast = udp_in("500Kpps", 2565), *long_exit = udp_in("300Kpps", 6732);
    double r_slow = test_all(slow, "virtio_enable_cb_races"),
           r_mid = test_all(mid, "virtio_enable_cb_races"),
           r_fast = test_all(fast, "virtio_enable_cb_races"),
           r_long = test_all(long_exit, "virtio_enable_cb_races");

    g_test_message("re-check races at 100, 300, 500 Kpps: %.0f, %.0f, %.0f; 300 Kpps with a "
                   "6,732-cycle exit: %.0f",
                   r_slow, r_mid, r_fast, r_long);
    g_assert_cmpfloat(test_all(mid, "virtio_kicks"), >, 100);
    g_assert_cmpfloat(r_mid, >, 3 * r_slow);
    g_assert_cmpfloat(r_fast, >, 1.5 * r_mid);
    g_assert_cmpfloat(r_long, >, 1.5 * r_mid);
    report_free(slow);
    report_free(mid);
    report_free(fast);
    report_free(long_exit);
}

/* One request at a time: nothing arrives before the reply has gone out
 * and come back, so the re-check never finds work. */
static void test_recheck_idle(void)
{
    struct report *rr = run(1, 1, "ring_size = 2\n[workload]\ntype = rr\n");

    g_assert_cmpfloat(test_all(rr, "transactions_per_second"), >, 0);
    g_assert_cmpfloat(test_all(rr, "virtio_enable_cb_races"), ==, 0);
    report_free(rr);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/virtio-locking/contention", test_contention);
    g_test_add_func("/virtio-locking/hold-spans-the-kick", test_hold_spans_the_kick);
    g_test_add_func("/virtio-locking/interrupts-while-polling", test_interrupts_while_polling);
    g_test_add_func("/virtio-locking/recheck/window", test_recheck_window);
    g_test_add_func("/virtio-locking/recheck/idle", test_recheck_idle);
    return g_test_run();
}
