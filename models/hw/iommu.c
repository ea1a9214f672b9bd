/* IOTLB: a fully associative cache of page translations with LRU
 * replacement (hash chains plus sim/lru.h's list, O(1) per lookup).
 * Flush queue of 256 unmaps or 10 ms from Linux (docs/sources.md#iova-flush-queue);
 * map, unmap and invalidation costs from vIOMMU (#viommu), walk reads from
 * F&S (#fands). Left out: ATS, PASID, per-domain IOTLB tags, interrupt remapping
 * cost, paging-structure caches (a miss always walks every level). */
#include "iommu.h"

#include <string.h>

#include <glib.h>

#define NIL UINT32_MAX

void iommu_init(struct iommu *m, enum iommu_mode mode, unsigned iotlb_entries, unsigned page_shift,
                sim_time walk_cost, sim_time map_cost, sim_time unmap_cost, sim_time inval_cost,
                unsigned fq_size, sim_time fq_timeout)
{
    g_assert(iotlb_entries >= 1 && page_shift >= 12 && page_shift < 40);
    memset(m, 0, sizeof(*m));
    m->mode = mode;
    m->page_shift = page_shift;
    m->walk_cost = walk_cost;
    m->map_cost = map_cost;
    m->unmap_cost = unmap_cost;
    m->inval_cost = inval_cost;
    m->fq_size = fq_size;
    m->fq_timeout = fq_timeout;
    m->n_entries = iotlb_entries;
    m->e = g_new0(struct iommu_entry, iotlb_entries);
    LRU_INIT(&m->lru, m->e, lru);
    m->n_buckets = 1;
    while (m->n_buckets < 2 * iotlb_entries)
        m->n_buckets <<= 1;
    m->buckets = g_new(uint32_t, m->n_buckets);
    iommu_flush_all(m);
    m->flushes = 0;
}

void iommu_release(struct iommu *m)
{
    g_free(m->e);
    g_free(m->buckets);
    m->e = NULL;
    m->buckets = NULL;
}

void iommu_reset_stats(struct iommu *m)
{
    m->hits = m->misses = m->maps = m->unmaps = m->flushes = m->invalidations = 0;
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
    m->fq_len = 0;
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

sim_time iommu_map(struct iommu *m, uint64_t iova, uint32_t len)
{
    (void)iova;
    (void)len;
    if (m->mode == IOMMU_OFF)
        return 0;
    m->maps++;
    return m->map_cost;
}

/* Strict: drop the buffer's pages from the IOTLB now. */
static void invalidate_range(struct iommu *m, uint64_t iova, uint32_t len)
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

sim_time iommu_unmap(struct iommu *m, sim_time now, uint64_t iova, uint32_t len)
{
    if (m->mode == IOMMU_OFF)
        return 0;
    m->unmaps++;
    if (m->mode == IOMMU_STRICT) {
        invalidate_range(m, iova, len);
        return m->unmap_cost + m->inval_cost;
    }
    if (m->fq_len == 0)
        m->fq_oldest = now;
    m->fq_len++;
    if (m->fq_len >= m->fq_size || now - m->fq_oldest >= m->fq_timeout) {
        iommu_flush_all(m);
        return m->unmap_cost + m->inval_cost;
    }
    return m->unmap_cost;
}

bool iommu_flush_timer(struct iommu *m, sim_time now)
{
    if (m->mode != IOMMU_DEFERRED || m->fq_len == 0 || now - m->fq_oldest < m->fq_timeout)
        return false;
    iommu_flush_all(m);
    return true;
}

double iommu_hit_rate(const struct iommu *m)
{
    uint64_t n = m->hits + m->misses;

    return n ? (double)m->hits / (double)n : 1.0;
}
