/* Flushes and the device's volatile write cache (disk.write_cache,
 * models/blk/blk_path.c): without a cache the kernel driving the device
 * completes a flush at once and the device never sees it; with one each
 * flush is a device command that holds a channel for disk.flush. fio
 * issues its fsync only when nothing is in flight (blk.c), so a flush
 * follows the writes it covers. A fixed 20 us flush (a test's choice, not
 * the default) makes its share of the device's time exact. */
#include <math.h>

#include <glib.h>

#include "report.h"
#include "testlib.h"

#define FLUSH_S 20e-6

static struct report *run(const char *strategy, unsigned depth, unsigned fsync, bool cache)
{
    g_autofree char *ini = g_strdup_printf(
        "[scenario]\nname = t\nmodel = blk\nduration = 30ms\nwarmup = 5ms\n"
        "[blk]\nstrategy = %s\nbackend = io_uring\n[fio]\nrw = randwrite\niodepth = %u\n"
        "fsync = %u\n[disk]\nwrite_cache = %s\nflush = det(20us)\n",
        strategy, depth, fsync, cache ? "true" : "false");

    return test_run_ini(ini, 7);
}

/* Device time per second: busy channels. */
static double busy(const struct report *r)
{
    return test_all(r, "device_utilization") * 6; /* disk.channels' default */
}

static double writes_per_s(const struct report *r)
{
    return test_all(r, "iops") - test_all(r, "flushes_per_second");
}

/* No write cache (the reference drive): every flush is counted where it is
 * issued, none reaches the device, and the device's busy time per write is
 * what it is without flushes. An assigned disk's flush ends in the guest
 * (no interrupt); virtio-blk's still goes to its backend (a kick each at
 * QD1), whose host path runs before the host's block layer ends it. */
static void test_no_cache(gconstpointer data)
{
    const char *strategy = data;
    struct report *sync = run(strategy, 1, 1, false), *plain = run(strategy, 1, 0, false);
    double per_write = busy(plain) / writes_per_s(plain);

    g_test_message("%s: %.0f flushes/s, %.0f to the device; device %.3f us a write (%.3f without "
                   "fsync); flush request %.2f us",
                   strategy, test_all(sync, "flushes_per_second"),
                   test_all(sync, "device_flushes_per_second"),
                   busy(sync) / writes_per_s(sync) * 1e6, per_write * 1e6,
                   test_all(sync, "latency_mean") * 1e6);
    g_assert_cmpfloat(fabs(test_all(sync, "flushes_per_second") / test_all(sync, "iops") - 0.5), <,
                      0.01);
    g_assert_cmpfloat(test_all(sync, "device_flushes_per_second"), ==, 0);
    g_assert_cmpfloat(test_all(sync, "stage_flush"), ==, 0);
    g_assert_cmpfloat(fabs(busy(sync) / writes_per_s(sync) / per_write - 1), <, 0.02);
    if (g_str_equal(strategy, "virtio-blk"))
        g_assert_cmpfloat(test_all(sync, "kicks_per_request"), >, 0.99);
    else
        g_assert_cmpfloat(test_all(sync, "interrupts_per_request"), <, 0.51);
    report_free(sync);
    report_free(plain);
}

/* With a write cache each flush is a device command: the device's flushes
 * are the requests', and the device is busy FLUSH_S longer for each. */
static void test_cache(gconstpointer data)
{
    const char *strategy = data;
    struct report *sync = run(strategy, 1, 1, true), *plain = run(strategy, 1, 0, true);
    double per_write = busy(plain) / writes_per_s(plain);
    double flushes = test_all(sync, "device_flushes_per_second");
    double flush_busy = busy(sync) - writes_per_s(sync) * per_write;

    g_test_message("%s: %.0f flushes/s, %.0f to the device, %.2f us of device each", strategy,
                   test_all(sync, "flushes_per_second"), flushes, flush_busy / flushes * 1e6);
    g_assert_cmpfloat(flushes, >, 1000);
    g_assert_cmpfloat(fabs(flushes / test_all(sync, "flushes_per_second") - 1), <, 0.01);
    g_assert_cmpfloat(fabs(flush_busy / flushes / FLUSH_S - 1), <, 0.05);
    g_assert_cmpfloat(test_all(sync, "stage_flush"), >, 0);
    report_free(sync);
    report_free(plain);
}

/* fio's fsync waits for the writes in flight, and the writes after it wait
 * for it: at depth 8 with a flush after every 8 writes, no flush ever
 * queues behind a write (each takes exactly FLUSH_S); with a flush after
 * every write the depth is 1 in effect, as fast as depth 1. */
static void test_ordering(void)
{
    struct report *deep = run("baremetal", 8, 8, true);
    struct report *each8 = run("baremetal", 8, 1, true), *each1 = run("baremetal", 1, 1, true);
    double per_flush = test_all(deep, "stage_flush") * test_all(deep, "iops") /
                       test_all(deep, "flushes_per_second");

    g_test_message("depth 8, fsync 8: %.3f us a flush; fsync 1: %.0f IOPS at depth 8, %.0f at 1",
                   per_flush * 1e6, test_all(each8, "iops"), test_all(each1, "iops"));
    g_assert_cmpfloat(test_all(deep, "device_queue_mean"), >, 0);
    g_assert_cmpfloat(fabs(per_flush / FLUSH_S - 1), <, 1e-6);
    g_assert_cmpfloat(fabs(test_all(each8, "iops") / test_all(each1, "iops") - 1), <, 0.01);
    g_assert_cmpfloat(test_all(each8, "device_queue_mean"), ==, 0);
    report_free(deep);
    report_free(each8);
    report_free(each1);
}

/* QEMU's virtual disk reports a write cache unless cache=writethrough
 * (its drive's cache.writeback): then the guest's block layer ends the
 * fsync itself and the backend never sees it (no kick); otherwise every
 * flush goes to the backend. A drive with a write cache changes nothing
 * for the guest. */
static void test_writethrough_guest(gconstpointer data)
{
    const char *strategy = data;
    g_autofree char *fmt = g_strdup_printf(
        "[scenario]\nname = t\nmodel = blk\nduration = 30ms\nwarmup = 5ms\n"
        "[blk]\nstrategy = %s\n[fio]\nrw = randwrite\nfsync = 1\n[image]\ncache = %%s\n"
        "[disk]\nwrite_cache = true\nflush = det(20us)\n",
        strategy);
    g_autofree char *wt_ini = g_strdup_printf(fmt, "writethrough");
    g_autofree char *none_ini = g_strdup_printf(fmt, "none");
    struct report *wt = test_run_ini(wt_ini, 7), *none = test_run_ini(none_ini, 7);

    g_test_message("%s: kicks a request %.3f under writethrough, %.3f under none", strategy,
                   test_all(wt, "kicks_per_request"), test_all(none, "kicks_per_request"));
    g_assert_cmpfloat(fabs(test_all(wt, "flushes_per_second") / test_all(wt, "iops") - 0.5), <,
                      0.01);
    g_assert_cmpfloat(fabs(test_all(wt, "kicks_per_request") - 0.5), <, 0.01);
    g_assert_cmpfloat(test_all(none, "kicks_per_request"), >, 0.99);
    /* Writethrough's own flush after each write still reaches the drive. */
    g_assert_cmpfloat(
        fabs(test_all(wt, "device_flushes_per_second") / test_all(wt, "flushes_per_second") - 1), <,
        0.02);
    report_free(wt);
    report_free(none);
}

int main(int argc, char **argv)
{
    static const char *const strategies[] = { "baremetal", "passthrough", "virtio-blk" };

    g_test_init(&argc, &argv, NULL);
    for (size_t k = 0; k < G_N_ELEMENTS(strategies); k++) {
        g_autofree char *nc = g_strdup_printf("/blk/flush/no-cache/%s", strategies[k]);
        g_autofree char *c = g_strdup_printf("/blk/flush/cache/%s", strategies[k]);

        g_test_add_data_func(nc, strategies[k], test_no_cache);
        g_test_add_data_func(c, strategies[k], test_cache);
    }
    g_test_add_func("/blk/flush/ordering", test_ordering);
    g_test_add_data_func("/blk/flush/writethrough-guest/virtio-blk", "virtio-blk",
                         test_writethrough_guest);
    g_test_add_data_func("/blk/flush/writethrough-guest/emulation", "emulation",
                         test_writethrough_guest);
    return g_test_run();
}
