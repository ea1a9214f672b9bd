/* qcow2's metadata grows with the image (models/blk/qcow2.c): with 512 B
 * clusters an L2 table maps 64 clusters (32 KiB of disk), a refcount block
 * counts 256 host clusters and the first refcount table holds 64 blocks.
 * A sequential writer of 64 KiB then allocates exactly two L2 tables a
 * write, a refcount block every 256 host clusters, and outgrows the
 * refcount table; each allocation is a synced sector (an L1 or refcount
 * table entry) and costs flushes (on a drive with a write cache, here with
 * a 10 us flush). A preallocated (metadata) image allocates none of it. */
#include <math.h>

#include <glib.h>

#include "report.h"
#include "testlib.h"

static struct report *run(const char *prealloc, const char *cluster)
{
    g_autofree char *ini =
        g_strdup_printf("[scenario]\nname = t\nmodel = blk\nduration = 40ms\nwarmup = 5ms\n"
                        "[blk]\nstrategy = virtio-blk\nbackend = io_uring\nformat = qcow2\n"
                        "[image]\npreallocation = %s\n[fio]\nrw = write\nbs = 64KiB\n"
                        "[qcow2]\ncluster_size = %s\nl2_entry_size = 512B\n"
                        "[disk]\nwrite_cache = true\nflush = det(10us)\n",
                        prealloc, cluster);

    return test_run_ini(ini, 41);
}

static void test_tables_grow(void)
{
    struct report *off = run("off", "512B");
    struct report *meta = run("metadata", "512B");
    struct report *big = run("off", "64KiB");
    double n = test_all(off, "requests");
    /* host clusters per write: 128 of data and 2 L2 tables */
    double blocks = n * 130 / 256;

    g_test_message("%.0f writes: %.0f L2 tables, %.0f refcount blocks, %.0f table growths; "
                   "flush stage %.2f us; 64 KiB clusters: %.0f L2 tables",
                   n, test_all(off, "l2_table_allocs"), test_all(off, "refcount_block_allocs"),
                   test_all(off, "refcount_table_growths"), test_all(off, "stage_flush") * 1e6,
                   test_all(big, "l2_table_allocs"));
    /* Counted as writes are mapped vs as they complete: one write apart. */
    g_assert_cmpfloat(fabs(test_all(off, "l2_table_allocs") - 2 * n), <=, 2);
    g_assert_cmpfloat(fabs(test_all(off, "refcount_block_allocs") - blocks), <=, 2);
    g_assert_cmpfloat(test_all(off, "refcount_table_growths"), >=, 1);
    g_assert_cmpfloat(test_all(off, "stage_flush"), >, 0);
    g_assert_cmpfloat(test_all(meta, "l2_table_allocs"), ==, 0);
    g_assert_cmpfloat(test_all(meta, "refcount_block_allocs"), ==, 0);
    g_assert_cmpfloat(test_all(meta, "stage_flush"), ==, 0);
    /* One 64 KiB-cluster table maps 512 MiB: the warm-up allocated it. */
    g_assert_cmpfloat(test_all(big, "l2_table_allocs"), ==, 0);
    g_assert_cmpfloat(test_all(off, "metadata_bytes_per_request"), >,
                      test_all(meta, "metadata_bytes_per_request") + 2 * 512);
    report_free(off);
    report_free(meta);
    report_free(big);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/blk/qcow2/tables-grow", test_tables_grow);
    return g_test_run();
}
