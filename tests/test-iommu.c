/* Tests for the IOMMU model (models/hw/iommu*.c): exact LRU hits and misses
 * on a crafted page sequence, 2 MiB pages removing the misses of a ring that
 * thrashes a 4 KiB IOTLB, and the translation designs: strict invalidation,
 * per-CPU and single flush queues at their high-water mark and on their
 * timer, persistent mappings, the shared locks, and batching recovering the
 * invalidation's share of the cost and nothing more. */
#include <glib.h>

#include "../models/hw/iommu.h"
#include "sim.h"

#define WALK  (400 * SIM_NS)
#define MAP   (200 * SIM_NS)
#define UNMAP (300 * SIM_NS)
#define INVAL (2 * SIM_US)
#define LINE  (41 * SIM_NS) /* one cache line from another core */
#define HOLD  (4 * LINE)    /* the allocator's lock after another core */
#define QHOLD (3 * LINE)    /* the single flush queue's */

/* @sim may be NULL for designs without a timer. */
static void make_on(struct iommu *m, struct sim *sim, const char *mode, unsigned entries,
                    unsigned shift, bool iova_cache)
{
    struct iommu_config cfg = {
        .design = iommu_design_lookup(mode),
        .iotlb_entries = entries,
        .page_shift = shift,
        .walk_cost = WALK,
        .map_cost = MAP,
        .unmap_cost = UNMAP,
        .inval_cost = INVAL,
        .iova_cache = iova_cache,
        .iova_lock_lines = 4,
        .fq_lock_lines = 3,
        .line_transfer = LINE,
        .fq_size = 256,
        .fq_timeout = 10 * SIM_MS,
        .n_cpus = 4,
    };

    g_assert_nonnull(cfg.design);
    iommu_init(m, sim, &cfg);
}

static void make(struct iommu *m, const char *mode, unsigned entries, unsigned shift)
{
    make_on(m, NULL, mode, entries, shift, true);
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

    make(&m, "off", 4, 12);
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

    make(&m, "off", 64, shift);
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

    make(&m, "strict", 8, 12);
    g_assert_cmpint(iommu_map(&m, 0, 0, 5 << 12, 64), ==, MAP);
    g_assert_cmpint(page(&m, 5), ==, WALK);
    g_assert_cmpint(page(&m, 6), ==, WALK);
    g_assert_cmpint(page(&m, 5), ==, 0);
    /* Strict unmap invalidates at once and waits for it. */
    g_assert_cmpint(iommu_unmap(&m, 0, 0, 5 << 12, 64), ==, UNMAP + INVAL);
    g_assert_cmpint(page(&m, 5), ==, WALK);
    g_assert_cmpint(page(&m, 6), ==, 0);
    g_assert_cmpuint(m.invalidations, ==, 1);
    iommu_release(&m);
}

/* 255 unmaps fill a 256-slot queue (a ring is full one short of its size);
 * the next one flushes the IOTLB first. */
static void test_deferred_count(void)
{
    struct sim *sim = sim_new(1);
    struct iommu m;

    make_on(&m, sim, "deferred", 8, 12, true);
    page(&m, 1);
    for (int k = 0; k < 255; k++)
        g_assert_cmpint(iommu_unmap(&m, 0, 0, 1 << 12, 64), ==, UNMAP);
    /* Stale entries survive until the flush. */
    g_assert_cmpint(page(&m, 1), ==, 0);
    g_assert_cmpuint(m.flushes, ==, 0);
    /* Other CPUs' queues are their own. */
    for (int k = 0; k < 255; k++)
        g_assert_cmpint(iommu_unmap(&m, 0, 1 + k % 3, 1 << 12, 64), ==, UNMAP);
    g_assert_cmpuint(m.flushes, ==, 0);
    g_assert_cmpint(iommu_unmap(&m, 0, 0, 1 << 12, 64), ==, UNMAP + INVAL);
    g_assert_cmpuint(m.flushes, ==, 1);
    g_assert_cmpuint(m.fq_total, ==, 1);
    g_assert_cmpint(page(&m, 1), ==, WALK);
    iommu_release(&m);
    sim_free(sim);
}

/* One queue for all CPUs: 255 unmaps from any mix of them fill it. */
static void test_batched_count(void)
{
    struct sim *sim = sim_new(1);
    struct iommu m;
    sim_time t = 0;

    make_on(&m, sim, "batched", 8, 12, true);
    for (int k = 0; k < 255; k++, t += SIM_US)
        g_assert_cmpint(iommu_unmap(&m, t, k % 4, 1 << 12, 64), ==, UNMAP + QHOLD);
    g_assert_cmpuint(m.flushes, ==, 0);
    g_assert_cmpint(iommu_unmap(&m, t, 0, 1 << 12, 64), ==, UNMAP + QHOLD + INVAL);
    g_assert_cmpuint(m.flushes, ==, 1);
    iommu_release(&m);
    sim_free(sim);
}

/* The first queued unmap arms the timer; it flushes fq_timeout later,
 * whatever came after, and the next unmap arms it again. */
static void test_deferred_timer(void)
{
    struct sim *sim = sim_new(1);
    struct iommu m;

    make_on(&m, sim, "deferred", 8, 12, true);
    sim_run_until(sim, 1 * SIM_MS);
    iommu_unmap(&m, sim_now(sim), 2, 0, 64);
    sim_run_until(sim, 5 * SIM_MS);
    iommu_unmap(&m, sim_now(sim), 3, 0, 64);
    sim_run_until(sim, 11 * SIM_MS - 1);
    g_assert_cmpuint(m.flushes, ==, 0);
    sim_run_until(sim, 11 * SIM_MS);
    g_assert_cmpuint(m.flushes, ==, 1);
    g_assert_cmpuint(m.fq_total, ==, 0);
    sim_run_until(sim, 30 * SIM_MS);
    g_assert_cmpuint(m.flushes, ==, 1);
    iommu_unmap(&m, sim_now(sim), 0, 0, 64);
    sim_run_until(sim, 40 * SIM_MS);
    g_assert_cmpuint(m.flushes, ==, 2);
    iommu_release(&m);
    sim_free(sim);
}

/* Two cores at the same instant: the second spins while the first holds
 * the allocator's lock (no per-CPU IOVA caches), or the batched queue's. */
static void test_shared_locks(void)
{
    struct sim *sim = sim_new(1);
    struct iommu m;

    make_on(&m, sim, "strict", 8, 12, false);
    g_assert_cmpint(iommu_map(&m, 0, 0, 0, 64), ==, HOLD + MAP);
    g_assert_cmpint(iommu_map(&m, 0, 1, 4096, 64), ==, 2 * HOLD + MAP);
    g_assert_cmpint(m.lock_wait, ==, HOLD);
    /* Later, the lock is free again. */
    g_assert_cmpint(iommu_map(&m, SIM_US, 2, 8192, 64), ==, HOLD + MAP);
    iommu_release(&m);

    make_on(&m, sim, "batched", 8, 12, true);
    g_assert_cmpint(iommu_unmap(&m, 0, 0, 0, 64), ==, UNMAP + QHOLD);
    g_assert_cmpint(iommu_unmap(&m, 0, 1, 0, 64), ==, UNMAP + 2 * QHOLD);
    /* A core's own earlier hold is not a wait (its work runs in order), and
     * the lines are still in its cache. */
    g_assert_cmpint(iommu_unmap(&m, 0, 1, 0, 64), ==, UNMAP);
    iommu_release(&m);
    make_on(&m, sim, "deferred", 8, 12, true);
    g_assert_cmpint(iommu_unmap(&m, 0, 0, 0, 64), ==, UNMAP);
    g_assert_cmpint(iommu_unmap(&m, 0, 1, 0, 64), ==, UNMAP);
    g_assert_cmpint(m.lock_wait, ==, 0);
    iommu_release(&m);
    sim_free(sim);
}

/* The section's lines move with the lock: a core that held it last pays
 * nothing beyond the map's own work, one that takes it after another core
 * pays every line's fetch, whether or not it had to wait. */
static void test_lock_lines_follow_holder(void)
{
    struct iommu m;
    sim_time one = 0, turns = 0;

    make_on(&m, NULL, "strict", 8, 12, false);
    for (unsigned k = 0; k < 100; k++)
        one += iommu_map(&m, (sim_time)k * SIM_US, 0, (uint64_t)k << 12, 64);
    /* Only the first acquisition fetches the lines (from nowhere local). */
    g_assert_cmpint(one, ==, 100 * MAP + HOLD);
    g_assert_cmpuint(m.lock_handoffs, ==, 1);
    iommu_release(&m);

    make_on(&m, NULL, "strict", 8, 12, false);
    for (unsigned k = 0; k < 100; k++)
        turns += iommu_map(&m, (sim_time)k * SIM_US, k % 2, (uint64_t)k << 12, 64);
    /* Two cores in turn, never at once: no wait, every section longer. */
    g_assert_cmpint(turns, ==, 100 * (MAP + HOLD));
    g_assert_cmpint(m.lock_wait, ==, 0);
    g_assert_cmpuint(m.lock_handoffs, ==, 100);
    iommu_release(&m);
}

/* CPU time of @n buffer turns (unmap + map) on 4 CPUs in turn. */
static sim_time remaps(const char *mode, unsigned n, uint64_t *flushes)
{
    struct sim *sim = sim_new(1);
    struct iommu m;
    sim_time t = 0;

    make_on(&m, sim, mode, 64, 12, true);
    for (unsigned k = 0; k < n; k++)
        t += iommu_remap(&m, (sim_time)k * 10 * SIM_US, k % 4, (uint64_t)(k % 512) << 12, 1500);
    *flushes = m.flushes;
    iommu_release(&m);
    sim_free(sim);
    return t;
}

/* Batching removes the invalidations it folds into one flush, and only
 * them: the map and unmap work per buffer stays. */
static void test_batching_recovers_invalidation_only(void)
{
    const unsigned n = 4000;
    uint64_t f_strict, f_deferred, f_batched, f_off;
    sim_time strict = remaps("strict", n, &f_strict), deferred = remaps("deferred", n, &f_deferred);
    sim_time batched = remaps("batched", n, &f_batched), off = remaps("off", n, &f_off);

    g_assert_cmpint(off, ==, 0);
    g_assert_cmpint(strict, ==, (sim_time)n * (MAP + UNMAP + INVAL));
    g_assert_cmpuint(f_deferred, ==, n / (4 * 255 + 1));
    g_assert_cmpint(deferred, ==, (sim_time)n * (MAP + UNMAP) + (sim_time)f_deferred * INVAL);
    g_assert_cmpint(batched, ==, (sim_time)n * (MAP + UNMAP + QHOLD) + (sim_time)f_batched * INVAL);
    g_assert_cmpint(deferred, >, 0);
}

static void test_persistent(void)
{
    struct iommu m;

    make(&m, "persistent", 8, 12);
    g_assert_cmpint(iommu_remap(&m, 0, 0, 1 << 12, 64), ==, MAP);
    g_assert_cmpint(page(&m, 1), ==, WALK);
    /* Recycled: still mapped, nothing to do, the translation still cached. */
    g_assert_cmpint(iommu_remap(&m, 0, 1, 1 << 12, 64), ==, 0);
    g_assert_cmpint(page(&m, 1), ==, 0);
    g_assert_cmpint(iommu_remap(&m, 0, 0, 2 << 12, 64), ==, MAP);
    g_assert_cmpuint(m.maps, ==, 2);
    g_assert_true(iommu_translates(&m));
    iommu_release(&m);
}

static void test_off(void)
{
    struct iommu m;

    make(&m, "off", 8, 12);
    g_assert_false(iommu_translates(&m));
    g_assert_cmpint(iommu_map(&m, 0, 0, 0, 64), ==, 0);
    g_assert_cmpint(iommu_unmap(&m, 0, 0, 0, 64), ==, 0);
    g_assert_cmpuint(m.maps + m.unmaps, ==, 0);
    g_assert_null(iommu_design_lookup("bogus"));
    iommu_release(&m);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/iommu/iotlb/lru-exact", test_lru_exact);
    g_test_add_func("/iommu/iotlb/huge-pages", test_huge_pages);
    g_test_add_func("/iommu/mode/strict", test_strict);
    g_test_add_func("/iommu/mode/deferred-count", test_deferred_count);
    g_test_add_func("/iommu/mode/batched-count", test_batched_count);
    g_test_add_func("/iommu/mode/deferred-timer", test_deferred_timer);
    g_test_add_func("/iommu/mode/shared-locks", test_shared_locks);
    g_test_add_func("/iommu/mode/lock-lines-follow-holder", test_lock_lines_follow_holder);
    g_test_add_func("/iommu/mode/batching-recovers-invalidation-only",
                    test_batching_recovers_invalidation_only);
    g_test_add_func("/iommu/mode/persistent", test_persistent);
    g_test_add_func("/iommu/mode/off", test_off);
    return g_test_run();
}
