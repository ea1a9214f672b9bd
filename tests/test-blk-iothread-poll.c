/* A QEMU IOThread polls its virtqueue before it sleeps
 * (blk.iothread_poll_max, QEMU's poll-max-ns): with a 10 us device at QD1
 * the guest's next request comes within the window, so it needs no kick and
 * the thread no wake-up, and the thread's core is busy all the time; with a
 * 100 us device every wait is longer than the window, which drops to none
 * and the thread sleeps and is kicked as without polling. The window grows
 * from 4 us by doubling (QEMU's adjust_polling_time()). Threads that are no
 * IOThread (vhost) never poll. */
#include <glib.h>

#include "report.h"
#include "testlib.h"

static struct report *run_poll(const char *backend, const char *max, const char *device)
{
    g_autofree char *ini =
        g_strdup_printf("[scenario]\nname = t\nmodel = blk\nduration = 20ms\nwarmup = 4ms\n"
                        "[blk]\nstrategy = virtio-blk\nbackend = %s\niothread_poll_max = %s\n"
                        "[fio]\nrw = randread\niodepth = 1\n[disk]\n%s\n",
                        backend, max, device);

    return test_run_ini(ini, 61);
}

static void test_fast_device_needs_no_kick(void)
{
    struct report *off = run_poll("io_uring", "0ns", ""), *on = run_poll("io_uring", "32us", "");
    double wake = 4300 / 2.1e9; /* virtio.wake */

    g_test_message("off: %.2f us, %.3f kicks, host CPU %.3f; 32 us: %.2f us, %.3f kicks, %.3f",
                   test_all(off, "latency_mean") * 1e6, test_all(off, "kicks_per_request"),
                   test_all(off, "host_cpu"), test_all(on, "latency_mean") * 1e6,
                   test_all(on, "kicks_per_request"), test_all(on, "host_cpu"));
    g_assert_cmpfloat(test_all(off, "kicks_per_request"), >, 0.99);
    g_assert_cmpfloat(test_all(on, "kicks_per_request"), <, 0.01);
    g_assert_cmpfloat(test_all(on, "backend_wakeups_per_request"), <, 0.01);
    /* One exit (the kick) and the wake-up fewer a request. */
    g_assert_cmpfloat(test_all(off, "exits_per_request") - test_all(on, "exits_per_request"), >,
                      0.99);
    g_assert_cmpfloat(test_all(off, "latency_mean") - test_all(on, "latency_mean"), >, wake);
    g_assert_cmpfloat(test_all(on, "host_cpu"), >, 0.99);
    g_assert_cmpfloat(test_all(on, "host_cpu"), <=, 1.0 + 1e-9);
    g_assert_cmpfloat(test_all(off, "host_cpu"), <, 0.5);
    report_free(off);
    report_free(on);
}

static void test_slow_device_drops_the_window(void)
{
    const char *slow = "read_access = det(100us)\nchannel_rate = 0bps";
    struct report *off = run_poll("qemu", "0ns", slow), *on = run_poll("qemu", "32us", slow);

    g_assert_cmpfloat(test_all(on, "kicks_per_request"), >, 0.99);
    g_assert_cmpfloat(test_all(on, "host_cpu"), <, 2 * test_all(off, "host_cpu"));
    g_assert_cmpfloat(test_all(on, "latency_mean"), >=, 0.999 * test_all(off, "latency_mean"));
    report_free(off);
    report_free(on);
}

static void test_vhost_never_polls(void)
{
    struct report *off = run_poll("vhost", "0ns", ""), *on = run_poll("vhost", "32us", "");

    g_assert_cmpfloat(test_all(on, "latency_mean"), ==, test_all(off, "latency_mean"));
    g_assert_cmpfloat(test_all(on, "kicks_per_request"), ==, test_all(off, "kicks_per_request"));
    report_free(off);
    report_free(on);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/blk/iothread-poll/fast-device-needs-no-kick", test_fast_device_needs_no_kick);
    g_test_add_func("/blk/iothread-poll/slow-device-drops-the-window",
                    test_slow_device_drops_the_window);
    g_test_add_func("/blk/iothread-poll/vhost-never-polls", test_vhost_never_polls);
    return g_test_run();
}
