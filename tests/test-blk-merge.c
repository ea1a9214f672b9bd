/* virtio-blk request merging (models/blk/merge.c) and the SSD's striping
 * of a large request over its channels: merging turns a sequential
 * stream's requests into fewer device requests and less backend work,
 * and leaves random access alone; a merged request's stages
 * still add up to its latency; a request of n stripes takes about 1/n of
 * one channel's transfer. */
#include <math.h>

#include <glib.h>

#include "report.h"
#include "testlib.h"

static struct report *run(const char *extra)
{
    g_autofree char *ini = g_strdup_printf("[scenario]\nname = t\nmodel = blk\nduration = 20ms\n"
                                           "warmup = 4ms\n[blk]\nstrategy = virtio-blk\n%s",
                                           extra);
    return test_run_ini(ini, 11);
}

static void check_stages(const struct report *r)
{
    static const char *const stages[] = {
        "guest_submit", "exit",       "backend", "image", "qcow2_meta",     "backing",
        "writeback",    "page_cache", "host_io", "iommu", "device_queue",   "device",
        "fs_meta",      "flush",      "irq",     "poll",  "guest_complete",
    };

    test_check_breakdown(r, "all", "latency_mean", stages, G_N_ELEMENTS(stages), 1e-9);
    g_assert_cmpfloat(test_all(r, "issued_total"), ==,
                      test_all(r, "completed_total") + test_all(r, "in_flight"));
}

struct merge_point {
    double device, merged, exits, host_cpu_per_kiops;
};

static struct merge_point point(const char *extra)
{
    g_autofree char *label = g_strdup(extra);
    struct report *r = run(extra);
    struct merge_point p = {
        .device = test_all(r, "device_requests_per_request"),
        .merged = test_all(r, "merged_per_request"),
        .exits = test_all(r, "exits_per_request"),
        .host_cpu_per_kiops = test_all(r, "host_cpu") / test_all(r, "iops") * 1e3,
    };

    g_test_message("%s: device requests %.3f, merged %.3f, exits %.3f per request; host core "
                   "%.4f per K IOPS",
                   g_strdelimit(label, "\n", ' '), p.device, p.merged, p.exits,
                   p.host_cpu_per_kiops);
    check_stages(r);
    report_free(r);
    return p;
}

/* Only a sequential stream at depth merges; fewer device requests and less
 * backend work per request follow. */
static void test_sequential_only(void)
{
    struct merge_point seq = point("[fio]\nrw = read\niodepth = 16\n");
    struct merge_point seq_off = point("request_merging = false\n[fio]\nrw = read\niodepth = 16\n");
    struct merge_point rnd = point("[fio]\nrw = randread\niodepth = 16\n");
    struct merge_point rnd_off =
        point("request_merging = false\n[fio]\nrw = randread\niodepth = 16\n");
    struct merge_point vhost = point("backend = vhost\n[fio]\nrw = read\niodepth = 16\n");

    g_assert_cmpfloat(seq.merged, >, 0.2);
    g_assert_cmpfloat(fabs(seq.device + seq.merged - 1), <, 0.01);
    g_assert_cmpfloat(seq_off.merged, ==, 0);
    g_assert_cmpfloat(rnd.merged, <, 0.001);
    /* Random offsets never meet: merging changes nothing at all. */
    g_assert_cmpfloat(rnd.exits, ==, rnd_off.exits);
    g_assert_cmpfloat(rnd.host_cpu_per_kiops, ==, rnd_off.host_cpu_per_kiops);
    g_assert_cmpfloat(vhost.merged, ==, 0);
    g_assert_cmpfloat(fabs(seq_off.device - 1), <, 0.01);
    g_assert_cmpfloat(fabs(rnd.device - 1), <, 0.01);
    g_assert_cmpfloat(seq.host_cpu_per_kiops, <, 0.95 * seq_off.host_cpu_per_kiops);
    /* Exits are not asserted: a merged pass is shorter, so whether the
     * thread sleeps (and the next request kicks) depends on the guest's
     * pace against it; at the sourced per-request costs merging gives
     * slightly more kicks per request, at the older ones fewer. */
}

/* Reads and writes, flushes and a qcow2 image: runs break at a change of
 * direction and at a flush, and every stage still adds up. */
static void test_mixed_breakdown(void)
{
    struct merge_point p =
        point("format = qcow2\n[fio]\nrw = write\niodepth = 32\nfsync = 8\n[image]\n"
              "preallocation = off\n");

    g_assert_cmpfloat(p.merged, >, 0.1);
    point("[fio]\nrw = randrw\niodepth = 32\nspan = 64KiB\n");
}

/* A bare-metal QD1 read of 64 KiB: its transfer spread over the six
 * channels, or on one with disk.stripe = 0. */
static double device_stage(const char *stripe)
{
    g_autofree char *extra =
        g_strdup_printf("[blk]\nstrategy = baremetal\n[fio]\nbs = 64KiB\n[disk]\nstripe = %s\n"
                        "read_access = det(2us)\n",
                        stripe);
    g_autofree char *ini = g_strdup_printf(
        "[scenario]\nname = t\nmodel = blk\nduration = 5ms\nwarmup = 1ms\n%s", extra);
    struct report *r = test_run_ini(ini, 3);
    double v = test_all(r, "stage_device");

    report_free(r);
    return v;
}

static void test_striping(void)
{
    double xfer = 65536 / (4e9 / 8);

    g_assert_cmpfloat(fabs(device_stage("0B") - (2e-6 + xfer)), <, 1e-9);
    g_assert_cmpfloat(fabs(device_stage("4KiB") - (2e-6 + xfer / 6)), <, 1e-9);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/blk/merge/sequential-only", test_sequential_only);
    g_test_add_func("/blk/merge/mixed-breakdown", test_mixed_breakdown);
    g_test_add_func("/blk/device/striping", test_striping);
    return g_test_run();
}
