/* IOTLB: a fully associative cache of page translations with LRU
 * replacement (hash chains plus sim/lru.h's list, O(1) per lookup), and what
 * the translation designs share: the DMA API's entry points, the IOVA
 * allocator and its lock. Costs from docs/sources.md#viommu,
 * #iova-flush-queue and #fands. Left out: ATS, PASID, per-domain IOTLB
 * tags, interrupt remapping cost, paging-structure caches (a miss always
 * walks every level). */
#include "iommu.h"

#include <string.h>

#include <glib.h>

#define NIL UINT32_MAX

const struct iommu_design *iommu_design_lookup(const char *name)
{
#define IOMMU_DESIGN_MATCH(mode, file) \
    if (g_strcmp0(name, #mode) == 0)   \
        return &iommu_##file##_design;
    IOMMU_DESIGN_LIST(IOMMU_DESIGN_MATCH)
#undef IOMMU_DESIGN_MATCH
    return NULL;
}

void iommu_init(struct iommu *m, struct sim *sim, const struct iommu_config *cfg)
{
    g_assert(cfg->design && cfg->iotlb_entries >= 1 && cfg->page_shift >= 12 &&
             cfg->page_shift < 40 && cfg->n_cpus >= 1 && cfg->fq_size >= 1);
    memset(m, 0, sizeof(*m));
    m->design = cfg->design;
    m->sim = sim;
    m->page_shift = cfg->page_shift;
    m->walk_cost = cfg->walk_cost;
    m->map_cost = cfg->map_cost;
    m->unmap_cost = cfg->unmap_cost;
    m->inval_cost = cfg->inval_cost;
    m->iova_cache = cfg->iova_cache;
    m->iova_lock_lines = cfg->iova_lock_lines;
    m->fq_lock_lines = cfg->fq_lock_lines;
    m->line_transfer = cfg->line_transfer;
    m->iova_lock.holder = m->fq_lock.holder = UINT32_MAX;
    m->fq_size = cfg->fq_size;
    m->fq_timeout = cfg->fq_timeout;
    m->n_cpus = cfg->n_cpus;
    m->fq_len = g_new0(unsigned, cfg->n_cpus);
    m->n_entries = cfg->iotlb_entries;
    m->e = g_new0(struct iommu_entry, cfg->iotlb_entries);
    LRU_INIT(&m->lru, m->e, lru);
    m->n_buckets = 1;
    while (m->n_buckets < 2 * cfg->iotlb_entries)
        m->n_buckets <<= 1;
    m->buckets = g_new(uint32_t, m->n_buckets);
    iommu_flush_all(m);
    m->flushes = 0;
}

void iommu_release(struct iommu *m)
{
    g_free(m->e);
    g_free(m->buckets);
    g_free(m->fq_len);
    if (m->mapped)
        g_hash_table_destroy(m->mapped);
    m->e = NULL;
    m->buckets = NULL;
    m->fq_len = NULL;
    m->mapped = NULL;
}

void iommu_reset_stats(struct iommu *m)
{
    m->hits = m->misses = m->maps = m->unmaps = m->flushes = m->invalidations = 0;
    m->lock_acquisitions = 0;
    m->lock_handoffs = 0;
    m->lock_wait = 0;
}

static uint32_t bucket_of(const struct iommu *m, uint64_t page)
{
    /* Fibonacci hashing: consecutive pages spread over the buckets. */
    return (uint32_t)((page * 0x9E3779B97F4A7C15ull) >> 32) & (m->n_buckets - 1);
}

static void hash_remove(struct iommu *m, uint32_t i)
{
    uint32_t *link = &m->buckets[bucket_of(m, m->e[i].page)];

    while (*link != i) {
        g_assert(*link != NIL);
        link = &m->e[*link].hnext;
    }
    *link = m->e[i].hnext;
}

static uint32_t lookup(const struct iommu *m, uint64_t page)
{
    for (uint32_t i = m->buckets[bucket_of(m, page)]; i != NIL; i = m->e[i].hnext)
        if (m->e[i].page == page)
            return i;
    return NIL;
}

void iommu_flush_all(struct iommu *m)
{
    for (uint32_t b = 0; b < m->n_buckets; b++)
        m->buckets[b] = NIL;
    for (uint32_t i = 0; i < m->n_entries; i++)
        m->e[i].valid = false;
    m->used = 0;
    lru_clear(&m->lru);
    /* Every queued unmap is covered, whichever CPU queued it (Linux frees
     * them lazily by the flush counter; the effect is the same). */
    for (unsigned c = 0; c < m->n_cpus; c++)
        m->fq_len[c] = 0;
    m->fq_total = 0;
    m->flushes++;
}

/* One page: true on a hit; a miss installs the page, evicting the LRU one. */
static bool touch(struct iommu *m, uint64_t page)
{
    uint32_t i = lookup(m, page);

    if (i != NIL) {
        lru_touch(&m->lru, i);
        return true;
    }
    if (m->used < m->n_entries) {
        i = m->used++;
    } else {
        i = lru_victim(&m->lru);
        lru_unlink(&m->lru, i);
        hash_remove(m, i);
    }
    m->e[i].page = page;
    m->e[i].valid = true;
    m->e[i].hnext = m->buckets[bucket_of(m, page)];
    m->buckets[bucket_of(m, page)] = i;
    lru_push_front(&m->lru, i);
    return false;
}

sim_time iommu_translate(struct iommu *m, uint64_t iova, uint32_t len)
{
    uint64_t first = iova >> m->page_shift;
    uint64_t last = (iova + (len ? len - 1 : 0)) >> m->page_shift;
    sim_time t = 0;

    for (uint64_t page = first; page <= last; page++) {
        if (touch(m, page)) {
            m->hits++;
        } else {
            m->misses++;
            t += m->walk_cost;
        }
    }
    return t;
}

void iommu_invalidate_range(struct iommu *m, uint64_t iova, uint32_t len)
{
    uint64_t first = iova >> m->page_shift;
    uint64_t last = (iova + (len ? len - 1 : 0)) >> m->page_shift;

    for (uint64_t page = first; page <= last; page++) {
        uint32_t i = lookup(m, page);

        if (i == NIL)
            continue;
        hash_remove(m, i);
        lru_unlink(&m->lru, i);
        m->e[i].valid = false;
        /* Move the freed slot to the end of the used range, then shrink it,
         * so slots [0, used) are always the valid ones. */
        uint32_t last_slot = --m->used;
        if (i != last_slot) {
            struct iommu_entry moved = m->e[last_slot];

            hash_remove(m, last_slot);
            lru_unlink(&m->lru, last_slot);
            m->e[i] = moved;
            m->e[i].hnext = m->buckets[bucket_of(m, moved.page)];
            m->buckets[bucket_of(m, moved.page)] = i;
            /* Recency is lost for the moved entry: it goes to the front. */
            lru_push_front(&m->lru, i);
        }
        m->invalidations++;
    }
}

sim_time iommu_map(struct iommu *m, sim_time now, unsigned cpu, uint64_t iova, uint32_t len)
{
    g_assert(cpu < m->n_cpus);
    return m->design->map(m, now, cpu, iova, len);
}

sim_time iommu_unmap(struct iommu *m, sim_time now, unsigned cpu, uint64_t iova, uint32_t len)
{
    g_assert(cpu < m->n_cpus);
    return m->design->unmap(m, now, cpu, iova, len);
}

sim_time iommu_remap(struct iommu *m, sim_time now, unsigned cpu, uint64_t iova, uint32_t len)
{
    sim_time t = iommu_unmap(m, now, cpu, iova, len);

    /* The map follows on the same core: it takes any lock after the unmap. */
    return t + iommu_map(m, now + t, cpu, iova, len);
}

sim_time iommu_lock(struct iommu *m, struct iommu_lock *lock, unsigned cpu, sim_time now,
                    unsigned lines, sim_time work)
{
    bool handoff = lock->holder != cpu;
    /* Costs are worked out when a core's work is queued, not when it runs:
     * a core's own earlier holds are already in its queue ahead of this
     * one, so only another core's hold makes it spin. */
    sim_time wait = handoff && lock->free_at > now ? lock->free_at - now : 0;
    /* The section's own instructions are in the map and unmap costs,
     * measured on one core with the lines in its cache; after another
     * core they come from that core's cache, one after another (each
     * access depends on the one before), and the section lasts that much
     * longer. */
    sim_time hold = work + (handoff ? (sim_time)lines * m->line_transfer : 0);

    lock->free_at = now + wait + hold;
    lock->holder = cpu;
    m->lock_acquisitions++;
    m->lock_handoffs += handoff;
    m->lock_wait += wait;
    return wait + hold;
}

sim_time iommu_iova_op(struct iommu *m, unsigned cpu, sim_time now)
{
    /* Per-CPU magazines (Peleg et al., ATC'15; Linux 4.7) serve ranges up to
     * 128 KiB without the rbtree lock: every buffer of the net model. */
    if (m->iova_cache)
        return 0;
    return iommu_lock(m, &m->iova_lock, cpu, now, m->iova_lock_lines, 0);
}

sim_time iommu_map_buffer(struct iommu *m, sim_time now, unsigned cpu, uint64_t iova, uint32_t len)
{
    (void)iova;
    (void)len;
    m->maps++;
    return iommu_iova_op(m, cpu, now) + m->map_cost;
}

sim_time iommu_no_work(struct iommu *m, sim_time now, unsigned cpu, uint64_t iova, uint32_t len)
{
    (void)m;
    (void)now;
    (void)cpu;
    (void)iova;
    (void)len;
    return 0;
}

double iommu_hit_rate(const struct iommu *m)
{
    uint64_t n = m->hits + m->misses;

    return n ? (double)m->hits / (double)n : 1.0;
}
