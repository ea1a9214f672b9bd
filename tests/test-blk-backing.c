/* qcow2 backing files (models/blk/backing.c): on a fresh overlay a read
 * goes down the chain to the base (a device read), where without a backing
 * file it reads zeros (no device); once the guest has written a cluster,
 * its reads stay in the overlay; a first write copies the rest of its
 * cluster up from the chain and costs more than on an image without one;
 * every qcow2 file of the chain looks clusters up in its own L2 cache,
 * and pays for the scan. */
#include <math.h>

#include <glib.h>

#include "report.h"
#include "testlib.h"

static struct report *run(const char *chain, const char *extra)
{
    g_autofree char *ini =
        g_strdup_printf("[scenario]\nname = t\nmodel = blk\nduration = 20ms\nwarmup = 5ms\n"
                        "[blk]\nstrategy = virtio-blk\nbackend = io_uring\nformat = qcow2\n"
                        "[image]\npreallocation = off\nbacking_chain = %s\n%s",
                        chain, extra);

    return test_run_ini(ini, 21);
}

static void test_read_goes_to_base(void)
{
    struct report *base = run("base.qcow2", "[fio]\nrw = randread\n");
    struct report *none = run("", "[fio]\nrw = randread\n");

    g_assert_cmpfloat(test_all(base, "backing_read_fraction"), ==, 1);
    g_assert_cmpfloat(test_all(base, "stage_device"), >, 9e-6);
    g_assert_cmpfloat(test_all(none, "backing_read_fraction"), ==, 0);
    g_assert_cmpfloat(test_all(none, "zero_read_fraction"), ==, 1);
    g_assert_cmpfloat(test_all(none, "stage_device"), ==, 0);
    g_assert_cmpfloat(test_all(base, "latency_mean"), >, test_all(none, "latency_mean") + 9e-6);
    report_free(base);
    report_free(none);
}

/* 4 clusters, all written within the warm-up: every read after it is
 * the overlay's own, and no write copies anything any more. */
static void test_written_clusters_stay(void)
{
    struct report *r = run("base.qcow2", "[fio]\nrw = randrw\nspan = 256KiB\n");

    g_assert_cmpfloat(test_all(r, "backing_read_fraction"), ==, 0);
    g_assert_cmpfloat(test_all(r, "cow_bytes_per_write"), ==, 0);
    g_assert_cmpfloat(test_all(r, "requests"), >, 100);
    report_free(r);
}

/* A 4 KiB first write to a 64 KiB cluster reads the other 60 KiB from
 * the chain first; without a backing file they are zeros, not read. */
static void test_first_write_copies(void)
{
    struct report *base = run("base.qcow2", "[fio]\nrw = randwrite\n");
    struct report *none = run("", "[fio]\nrw = randwrite\n");

    g_assert_cmpfloat(fabs(test_all(base, "cow_bytes_per_write") - 61440), <, 0.02 * 61440);
    g_assert_cmpfloat(test_all(base, "stage_backing"), >, 0);
    g_assert_cmpfloat(test_all(none, "cow_bytes_per_write"), ==, 0);
    g_assert_cmpfloat(test_all(none, "stage_backing"), ==, 0);
    g_assert_cmpfloat(test_all(base, "latency_mean"), >, test_all(none, "latency_mean"));
    report_free(base);
    report_free(none);
}

/* A cold, small L2 cache per qcow2 file: each qcow2 file of the chain
 * adds L2 slice reads to a read; a raw base adds none. */
static double chain_metadata(const char *chain, const char *base_format)
{
    g_autofree char *extra = g_strdup_printf("backing_format = %s\n[fio]\nrw = randread\n"
                                             "[qcow2]\nwarm_start = false\nl2_cache_size = 64KiB\n",
                                             base_format);
    struct report *r = run(chain, extra);
    double v = test_all(r, "metadata_bytes_per_request");

    g_test_message("chain %s (base %s): %.0f B of metadata a read", chain, base_format, v);
    report_free(r);
    return v;
}

static void test_each_qcow2_file_looks_up(void)
{
    double raw1 = chain_metadata("base.img", "raw");
    double q1 = chain_metadata("base.qcow2", "qcow2");
    double q2 = chain_metadata("mid.qcow2, base.qcow2", "qcow2");
    double q1raw = chain_metadata("mid.qcow2, base.img", "raw");

    g_assert_cmpfloat(q1, >, 1.5 * raw1);
    g_assert_cmpfloat(q2, >, 1.3 * q1);
    g_assert_cmpfloat(fabs(q1raw - q1), <, 0.05 * q1);
}

/* Lookups a read of a fresh overlay makes, from what the image stage
 * cost: every lookup's entries at qcow2.lookup_entry (9 cycles, 2.1 GHz). */
static double lookups_per_read(const char *chain, const char *base_format)
{
    g_autofree char *extra =
        g_strdup_printf("backing_format = %s\n[fio]\nrw = randread\n", base_format);
    struct report *r = run(chain, extra);
    double v = test_all(r, "stage_image") / (test_all(r, "l2_entries_per_lookup") * 9 / 2.1e9);

    report_free(r);
    return v;
}

/* Each qcow2 file of the chain scans its own L2 cache (the lookup's cost,
 * models/blk/qcow2.c); a raw base has none to scan. */
static void test_each_qcow2_file_scans(void)
{
    g_assert_cmpfloat(fabs(lookups_per_read("base.qcow2", "qcow2") - 2), <, 0.01);
    g_assert_cmpfloat(fabs(lookups_per_read("mid.qcow2, base.qcow2", "qcow2") - 3), <, 0.01);
    g_assert_cmpfloat(fabs(lookups_per_read("base.img", "raw") - 1), <, 0.01);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/blk/backing/read-goes-to-base", test_read_goes_to_base);
    g_test_add_func("/blk/backing/written-clusters-stay", test_written_clusters_stay);
    g_test_add_func("/blk/backing/first-write-copies", test_first_write_copies);
    g_test_add_func("/blk/backing/each-qcow2-file-looks-up", test_each_qcow2_file_looks_up);
    g_test_add_func("/blk/backing/each-qcow2-file-scans", test_each_qcow2_file_scans);
    return g_test_run();
}
