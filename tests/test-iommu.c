/* Tests for the IOMMU model (models/hw/iommu.c): exact LRU hits and misses
 * on a crafted page sequence, 2 MiB pages removing the misses of a ring that
 * thrashes a 4 KiB IOTLB, strict invalidation, and the deferred flush queue
 * firing at 256 unmaps or 10 ms (docs/sources.md#iova-flush-queue). */
#include <glib.h>

#include "../models/hw/iommu.h"

#define WALK  (400 * SIM_NS)
#define INVAL (2 * SIM_US)

static void make(struct iommu *m, enum iommu_mode mode, unsigned entries, unsigned shift)
{
    iommu_init(m, mode, entries, shift, WALK, 200 * SIM_NS, 300 * SIM_NS, INVAL, 256, 10 * SIM_MS);
}

static sim_time page(struct iommu *m, uint64_t n)
{
    return iommu_translate(m, n << 12, 64);
}

static void test_lru_exact(void)
{
    struct iommu m;
    /* MRU-first order after each access, 4 entries:
     * 1 2 3 4 -> misses; 1 hit (1432); 5 miss, evicts 2 (5143); 2 miss,
     * evicts 3 (2514); 4 hit (4251); 3 miss, evicts 1 (3425); 1 miss,
     * evicts 5 (1342); 4 hit. */
    static const uint64_t seq[] = { 1, 2, 3, 4, 1, 5, 2, 4, 3, 1, 4 };
    static const bool hit[] = { 0, 0, 0, 0, 1, 0, 0, 1, 0, 0, 1 };

    make(&m, IOMMU_OFF, 4, 12);
    for (size_t i = 0; i < G_N_ELEMENTS(seq); i++)
        g_assert_cmpint(page(&m, seq[i]), ==, hit[i] ? 0 : WALK);
    g_assert_cmpuint(m.hits, ==, 3);
    g_assert_cmpuint(m.misses, ==, 8);
    g_assert_cmpfloat_with_epsilon(iommu_hit_rate(&m), 3.0 / 11.0, 1e-12);
    /* A DMA spanning two pages looks both up. */
    g_assert_cmpint(iommu_translate(&m, (4ull << 12) + 4000, 200), ==, WALK);
    g_assert_cmpuint(m.hits, ==, 4);
    iommu_release(&m);
}

/* A 512-buffer ring of 2 KiB buffers, visited in order twice. */
static uint64_t ring_misses(unsigned shift)
{
    struct iommu m;
    uint64_t misses;

    make(&m, IOMMU_OFF, 64, shift);
    for (int pass = 0; pass < 2; pass++)
        for (uint64_t slot = 0; slot < 512; slot++)
            iommu_translate(&m, (1ull << 32) + slot * 2048, 1500);
    misses = m.misses;
    iommu_release(&m);
    return misses;
}

static void test_huge_pages(void)
{
    /* 4 KiB: 256 pages cycled through 64 LRU entries miss on each first
     * touch of a page, both passes; 2 MiB: the whole ring is one page. */
    g_assert_cmpuint(ring_misses(12), ==, 512);
    g_assert_cmpuint(ring_misses(21), ==, 1);
}

static void test_strict(void)
{
    struct iommu m;

    make(&m, IOMMU_STRICT, 8, 12);
    g_assert_cmpint(iommu_map(&m, 5 << 12, 64), ==, 200 * SIM_NS);
    g_assert_cmpint(page(&m, 5), ==, WALK);
    g_assert_cmpint(page(&m, 6), ==, WALK);
    g_assert_cmpint(page(&m, 5), ==, 0);
    /* Strict unmap invalidates at once and waits for it. */
    g_assert_cmpint(iommu_unmap(&m, 0, 5 << 12, 64), ==, 300 * SIM_NS + INVAL);
    g_assert_cmpint(page(&m, 5), ==, WALK);
    g_assert_cmpint(page(&m, 6), ==, 0);
    g_assert_cmpuint(m.invalidations, ==, 1);
    iommu_release(&m);
}

static void test_deferred_count(void)
{
    struct iommu m;

    make(&m, IOMMU_DEFERRED, 8, 12);
    page(&m, 1);
    for (int k = 0; k < 255; k++)
        g_assert_cmpint(iommu_unmap(&m, k * SIM_NS, 1 << 12, 64), ==, 300 * SIM_NS);
    /* Stale entries survive until the flush. */
    g_assert_cmpint(page(&m, 1), ==, 0);
    g_assert_cmpuint(m.flushes, ==, 0);
    g_assert_cmpint(iommu_unmap(&m, 255 * SIM_NS, 1 << 12, 64), ==, 300 * SIM_NS + INVAL);
    g_assert_cmpuint(m.flushes, ==, 1);
    g_assert_cmpuint(m.fq_len, ==, 0);
    g_assert_cmpint(page(&m, 1), ==, WALK);
    iommu_release(&m);
}

static void test_deferred_timeout(void)
{
    struct iommu m;

    make(&m, IOMMU_DEFERRED, 8, 12);
    iommu_unmap(&m, 1 * SIM_MS, 0, 64);
    g_assert_false(iommu_flush_timer(&m, 11 * SIM_MS - 1));
    g_assert_true(iommu_flush_timer(&m, 11 * SIM_MS));
    g_assert_cmpuint(m.flushes, ==, 1);
    g_assert_false(iommu_flush_timer(&m, 30 * SIM_MS));
    /* An unmap that finds the oldest entry 10 ms old flushes too. */
    iommu_unmap(&m, 40 * SIM_MS, 0, 64);
    g_assert_cmpint(iommu_unmap(&m, 50 * SIM_MS, 0, 64), ==, 300 * SIM_NS + INVAL);
    g_assert_cmpuint(m.flushes, ==, 2);
    iommu_release(&m);
}

static void test_off(void)
{
    struct iommu m;

    make(&m, IOMMU_OFF, 8, 12);
    g_assert_cmpint(iommu_map(&m, 0, 64), ==, 0);
    g_assert_cmpint(iommu_unmap(&m, 0, 0, 64), ==, 0);
    g_assert_cmpuint(m.maps + m.unmaps, ==, 0);
    iommu_release(&m);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/iommu/iotlb/lru-exact", test_lru_exact);
    g_test_add_func("/iommu/iotlb/huge-pages", test_huge_pages);
    g_test_add_func("/iommu/mode/strict", test_strict);
    g_test_add_func("/iommu/mode/deferred-count", test_deferred_count);
    g_test_add_func("/iommu/mode/deferred-timeout", test_deferred_timeout);
    g_test_add_func("/iommu/mode/off", test_off);
    return g_test_run();
}
