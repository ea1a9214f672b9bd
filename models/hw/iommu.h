/* DMA remapping: an IOTLB with LRU replacement in front of a page walk, and
 * the map / unmap / invalidation work of a DMA API in strict, deferred (flush
 * queue) or off mode. Times are returned, not charged: callers put them on
 * the resource that pays (a core for map/unmap, the DMA for a walk). */
#ifndef IOVSIM_HW_IOMMU_H
#define IOVSIM_HW_IOMMU_H

#include <stdbool.h>
#include <stdint.h>

#include "lru.h"
#include "scenario.h"
#include "simtime.h"

enum iommu_mode {
    IOMMU_OFF,      /* identity / pass-through: no per-buffer map or unmap */
    IOMMU_STRICT,   /* unmap invalidates the IOTLB and waits for it */
    IOMMU_DEFERRED, /* unmaps queue up; one global flush per batch */
};

struct iommu_entry {
    uint64_t page;
    struct lru_link lru;
    uint32_t hnext; /* hash chain */
    bool valid;
};

struct iommu {
    enum iommu_mode mode;
    unsigned page_shift; /* 12 for 4 KiB, 21 for 2 MiB */
    sim_time walk_cost;  /* one IOTLB miss */
    sim_time map_cost, unmap_cost, inval_cost;
    unsigned fq_size;    /* deferred: flush when this many unmaps are queued */
    sim_time fq_timeout; /* deferred: or when the oldest is this old */
    /* IOTLB */
    struct iommu_entry *e;
    uint32_t n_entries, used;
    struct lru lru; /* the valid entries by recency */
    uint32_t *buckets;
    uint32_t n_buckets; /* power of two */
    /* flush queue */
    unsigned fq_len;
    sim_time fq_oldest;
    /* counters */
    uint64_t hits, misses, maps, unmaps, flushes, invalidations;
};

void iommu_init(struct iommu *m, enum iommu_mode mode, unsigned iotlb_entries, unsigned page_shift,
                sim_time walk_cost, sim_time map_cost, sim_time unmap_cost, sim_time inval_cost,
                unsigned fq_size, sim_time fq_timeout);
void iommu_release(struct iommu *m);
void iommu_reset_stats(struct iommu *m);

/* Translate a DMA of @len bytes at @iova: IOTLB lookups of every page it
 * touches; returns the page-walk time of the misses. */
sim_time iommu_translate(struct iommu *m, uint64_t iova, uint32_t len);
/* Driver maps a buffer: returns the CPU time (0 when off). */
sim_time iommu_map(struct iommu *m, uint64_t iova, uint32_t len);
/* Driver unmaps at @now: returns the CPU time, including any invalidation
 * wait (strict) or flush (deferred, when the queue fills or times out). */
sim_time iommu_unmap(struct iommu *m, sim_time now, uint64_t iova, uint32_t len);
/* Deferred mode's timer: flush if the oldest queued unmap is @fq_timeout
 * old. Returns true if it flushed. */
bool iommu_flush_timer(struct iommu *m, sim_time now);
/* Drop every IOTLB entry (global invalidation). */
void iommu_flush_all(struct iommu *m);
double iommu_hit_rate(const struct iommu *m);

#endif
