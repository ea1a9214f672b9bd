/* The qcow2 L2 cache lookup's cost is the scan QEMU's qcow2_cache_do_get()
 * makes (models/blk/cache.c, qcow2.c): from the slice's hashed slot (its
 * index x 4, modulo the entries) to the slice, or every entry on a miss,
 * each entry qcow2.lookup_entry cycles. */
#include <math.h>

#include <glib.h>

#include "../models/blk/cache.h"
#include "report.h"
#include "testlib.h"

/* Placement on a crafted pattern: 8 slots, homes key x 4 mod 8. */
static void test_probes_exact(void)
{
    struct blk_cache c;

    blk_cache_init(&c, 8, 64);
    blk_cache_hash(&c, 4);
    /* Keys 0 and 2 share home 0: 2 goes to the next free slot, 1. */
    g_assert_false(blk_cache_access(&c, 0, false, NULL));
    g_assert_false(blk_cache_access(&c, 1, false, NULL)); /* home 4 */
    g_assert_false(blk_cache_access(&c, 2, false, NULL));
    g_assert_cmpuint(blk_cache_probes(&c, 0), ==, 1);
    g_assert_cmpuint(blk_cache_probes(&c, 1), ==, 1);
    g_assert_cmpuint(blk_cache_probes(&c, 2), ==, 2);
    /* A miss scans every entry, full or not. */
    g_assert_cmpuint(blk_cache_probes(&c, 3), ==, 8);
    /* Fill: 3 -> 5 (home 4 taken), 4 -> 2, 5 -> 6, 6 -> 3, 7 -> 7. */
    for (uint64_t k = 3; k < 8; k++)
        g_assert_false(blk_cache_access(&c, k, false, NULL));
    g_assert_cmpuint(blk_cache_probes(&c, 4), ==, 3);
    g_assert_cmpuint(blk_cache_probes(&c, 6), ==, 4);
    /* Full: 8 (home 0) takes the least recently used entry's slot, key
     * 0's slot 0; then 9 (home 4) takes key 1's slot 4. Touch 1 first:
     * the victim is 2 (slot 1), and 9 lands there, 6 entries from home. */
    g_assert_false(blk_cache_access(&c, 8, false, NULL));
    g_assert_cmpuint(blk_cache_probes(&c, 8), ==, 1);
    g_assert_true(blk_cache_access(&c, 1, false, NULL));
    g_assert_false(blk_cache_access(&c, 9, false, NULL));
    g_assert_cmpuint(blk_cache_probes(&c, 9), ==, 6);
    g_assert_cmpuint(blk_cache_probes(&c, 2), ==, 8);
    blk_cache_release(&c);
}

static struct report *run(const char *disk, const char *cache, const char *entry)
{
    g_autofree char *ini =
        g_strdup_printf("[scenario]\nname = t\nmodel = blk\nduration = 30ms\nwarmup = 5ms\n"
                        "[blk]\nstrategy = virtio-blk\nformat = qcow2\ndisk_size = %s\n"
                        "[qcow2]\nl2_cache_size = %s\nl2_entry_size = %s\n",
                        disk, cache, entry);

    return test_run_ini(ini, 5);
}

/* What the lookups cost the thread is what they scanned, each entry
 * qcow2.lookup_entry (9 cycles at host.clock's 2.1 GHz). */
static void check_cost(const struct report *r)
{
    double entry_s = 9 / 2.1e9;

    g_assert_cmpfloat(
        fabs(test_all(r, "stage_image") / (test_all(r, "l2_entries_per_lookup") * entry_s) - 1), <,
        1e-3);
}

/* Garcia's test (QEMU commit 812e4082): a cache of 2048 entries, here full
 * with a 1 TiB disk's whole-table (64 KiB) slices, laid out in order. The
 * hash puts four slices on every fourth slot, so a lookup visits 2.5
 * entries on average: his measured "from 430 to 2.5". */
static void test_garcia(void)
{
    struct report *r = run("1024GiB", "128MiB", "64KiB");

    g_test_message("2048 entries: %.3f entries a lookup, hit rate %.3f",
                   test_all(r, "l2_entries_per_lookup"), test_all(r, "l2_hit_rate"));
    g_assert_cmpfloat(test_all(r, "l2_hit_rate"), ==, 1);
    g_assert_cmpfloat(fabs(test_all(r, "l2_entries_per_lookup") - 2.5), <, 0.05);
    check_cost(r);
    report_free(r);
}

/* A miss scans the whole cache, so with the same disk a larger undersized
 * cache, though it hits more often, spends more on each lookup than a
 * smaller one, and both far more than a cache that holds every slice
 * (hits near their hashed slots). */
static void test_miss_scans(void)
{
    struct report *small = run("32GiB", "1MiB", "4KiB"); /* 256 of 1024 slices */
    struct report *large = run("32GiB", "2MiB", "4KiB"); /* 512 */
    struct report *whole = run("32GiB", "4MiB", "4KiB"); /* all 1024 */

    g_test_message("entries a lookup: 256 entries %.1f (hit rate %.3f), 512 %.1f (%.3f), "
                   "1024 %.2f (%.3f); image stage %.1f, %.1f, %.2f ns",
                   test_all(small, "l2_entries_per_lookup"), test_all(small, "l2_hit_rate"),
                   test_all(large, "l2_entries_per_lookup"), test_all(large, "l2_hit_rate"),
                   test_all(whole, "l2_entries_per_lookup"), test_all(whole, "l2_hit_rate"),
                   test_all(small, "stage_image") * 1e9, test_all(large, "stage_image") * 1e9,
                   test_all(whole, "stage_image") * 1e9);
    g_assert_cmpfloat(test_all(large, "l2_hit_rate"), >, test_all(small, "l2_hit_rate") + 0.15);
    g_assert_cmpfloat(test_all(large, "stage_image"), >, 1.2 * test_all(small, "stage_image"));
    g_assert_cmpfloat(test_all(small, "stage_image"), >, 20 * test_all(whole, "stage_image"));
    /* Misses alone: (1 - hit rate) x the entries. */
    g_assert_cmpfloat(test_all(small, "l2_entries_per_lookup"), >,
                      (1 - test_all(small, "l2_hit_rate")) * 256);
    g_assert_cmpfloat(test_all(whole, "l2_entries_per_lookup"), <, 5);
    check_cost(small);
    check_cost(large);
    check_cost(whole);
    report_free(small);
    report_free(large);
    report_free(whole);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/blk/qcow2/lookup/probes-exact", test_probes_exact);
    g_test_add_func("/blk/qcow2/lookup/garcia-2048", test_garcia);
    g_test_add_func("/blk/qcow2/lookup/miss-scans", test_miss_scans);
    return g_test_run();
}
