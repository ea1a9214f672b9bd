/* DMA remapping: an IOTLB with LRU replacement in front of a page walk, and
 * the DMA API's translation designs behind one ops table (iommu.mode): the
 * work of mapping (IOVA allocation, page-table update) kept apart from the
 * work of invalidating (strict, batched in one queue, deferred in per-CPU
 * queues), plus persistent mappings and the identity domain. Times are
 * returned, not charged: callers put them on the resource that pays (a
 * core for map/unmap, the DMA for a walk). */
#ifndef IOVSIM_HW_IOMMU_H
#define IOVSIM_HW_IOMMU_H

#include <stdbool.h>
#include <stdint.h>

#include <glib.h>

#include "lru.h"
#include "scenario.h"
#include "sim.h"
#include "simtime.h"

struct iommu;

/**
 * struct iommu_design - one way of managing DMA translations (iommu.mode);
 * each design is a file of its own (iommu_<name>.c)
 * @name:       the value of iommu.mode
 * @translates: host drivers' DMA goes through the IOTLB (false: identity)
 * @map:        a driver on host core @cpu maps @len bytes at @iova, starting
 *              at @now: returns the core's time, lock waits included
 * @unmap:      the same for the unmap, with whatever invalidation work the
 *              design does (or waits for) at that point
 */
struct iommu_design {
    const char *name;
    bool translates;
    sim_time (*map)(struct iommu *m, sim_time now, unsigned cpu, uint64_t iova, uint32_t len);
    sim_time (*unmap)(struct iommu *m, sim_time now, unsigned cpu, uint64_t iova, uint32_t len);
};

/* Every design as "mode value, file": off is the identity domain. */
/* clang-format off: one design per line */
#define IOMMU_DESIGN_LIST(X) \
    X(off, identity)         \
    X(strict, strict)        \
    X(batched, batched)      \
    X(deferred, deferred)    \
    X(persistent, persistent)
/* clang-format on */

/* "off|strict|...": the choices of iommu.mode. */
#define IOMMU_DESIGN_CHOICE(mode, file) "|" #mode
#define IOMMU_DESIGN_CHOICES            (IOMMU_DESIGN_LIST(IOMMU_DESIGN_CHOICE) + 1)

#define IOMMU_DESIGN_DECLARE(mode, file) extern const struct iommu_design iommu_##file##_design;
IOMMU_DESIGN_LIST(IOMMU_DESIGN_DECLARE)
#undef IOMMU_DESIGN_DECLARE

/* The design iommu.mode = @name selects, or NULL. */
const struct iommu_design *iommu_design_lookup(const char *name);

struct iommu_entry {
    uint64_t page;
    struct lru_link lru;
    uint32_t hnext; /* hash chain */
    bool valid;
};

/**
 * struct iommu_config - what iommu_init() copies
 * @map_cost / @unmap_cost: software and page-table update per buffer
 * @inval_cost:  one IOTLB invalidation and its wait
 * @iova_cache:  IOVAs come from per-CPU caches (Linux 4.7 on); false: every
 *               allocation and free takes the allocator's global lock
 * @iova_lock_lines / @fq_lock_lines: cache lines the allocator's lock and
 *               the single flush queue's lock touch in sequence (the lock
 *               word included), fetched from another core's cache when
 *               that core held the lock last
 * @line_transfer: one such fetch
 * @fq_size / @fq_timeout: flush-queue high-water mark and timer
 * @n_cpus:      cores that may map (per-CPU queues)
 */
struct iommu_config {
    const struct iommu_design *design;
    unsigned iotlb_entries, page_shift;
    sim_time walk_cost, map_cost, unmap_cost, inval_cost;
    bool iova_cache;
    unsigned iova_lock_lines, fq_lock_lines;
    sim_time line_transfer;
    unsigned fq_size;
    sim_time fq_timeout;
    unsigned n_cpus;
};

/* A spin lock all cores share: free from @free_at on, last taken by
 * @holder (a core index). */
struct iommu_lock {
    sim_time free_at;
    unsigned holder;
};

struct iommu {
    const struct iommu_design *design;
    struct sim *sim;
    unsigned page_shift; /* 12 for 4 KiB, 21 for 2 MiB */
    sim_time walk_cost;  /* one IOTLB miss */
    sim_time map_cost, unmap_cost, inval_cost;
    bool iova_cache;
    unsigned iova_lock_lines, fq_lock_lines;
    sim_time line_transfer;
    struct iommu_lock iova_lock, fq_lock;
    unsigned fq_size;    /* flush when a queue holds this many unmaps */
    sim_time fq_timeout; /* or this long after the timer was armed */
    /* IOTLB */
    struct iommu_entry *e;
    uint32_t n_entries, used;
    struct lru lru; /* the valid entries by recency */
    uint32_t *buckets;
    uint32_t n_buckets; /* power of two */
    /* flush queues: one per CPU (deferred) or fq_len[0] (batched) */
    unsigned n_cpus;
    unsigned *fq_len;
    unsigned fq_total;
    bool fq_timer_on;
    /* persistent: pages mapped once and kept */
    GHashTable *mapped;
    /* counters */
    uint64_t hits, misses, maps, unmaps, flushes, invalidations;
    uint64_t lock_acquisitions;
    uint64_t lock_handoffs; /* acquisitions after another core's */
    sim_time lock_wait;     /* time cores spun on a shared lock */
};

/* @sim is borrowed; the deferred designs arm their flush timer on it. */
void iommu_init(struct iommu *m, struct sim *sim, const struct iommu_config *cfg);
void iommu_release(struct iommu *m);
void iommu_reset_stats(struct iommu *m);

/* Translate a DMA of @len bytes at @iova: IOTLB lookups of every page it
 * touches; returns the page-walk time of the misses. */
sim_time iommu_translate(struct iommu *m, uint64_t iova, uint32_t len);

static inline bool iommu_translates(const struct iommu *m)
{
    return m->design->translates;
}

/* The design's map or unmap of one buffer by host core @cpu at @now. */
sim_time iommu_map(struct iommu *m, sim_time now, unsigned cpu, uint64_t iova, uint32_t len);
sim_time iommu_unmap(struct iommu *m, sim_time now, unsigned cpu, uint64_t iova, uint32_t len);
/* A buffer's turn through the DMA API as drivers charge it in one step:
 * unmap the used buffer, map its replacement at the same IOVA slot. */
sim_time iommu_remap(struct iommu *m, sim_time now, unsigned cpu, uint64_t iova, uint32_t len);
/* Drop every IOTLB entry (global invalidation). */
void iommu_flush_all(struct iommu *m);
double iommu_hit_rate(const struct iommu *m);

/* For the designs (iommu_*.c). */
/* Drop @iova's pages from the IOTLB now. */
void iommu_invalidate_range(struct iommu *m, uint64_t iova, uint32_t len);
/* Core @cpu takes @lock at @now, touches @lines cache lines under it and
 * works @work more: returns the wait plus the hold. */
sim_time iommu_lock(struct iommu *m, struct iommu_lock *lock, unsigned cpu, sim_time now,
                    unsigned lines, sim_time work);
/* Allocating or freeing one IOVA range at @now: per-CPU caches cost nothing
 * beyond the map itself; without them the global lock is taken. */
sim_time iommu_iova_op(struct iommu *m, unsigned cpu, sim_time now);
/* The map every translating design does: allocate an IOVA, write the
 * page table. */
sim_time iommu_map_buffer(struct iommu *m, sim_time now, unsigned cpu, uint64_t iova, uint32_t len);
/* A map or unmap with nothing to do. */
sim_time iommu_no_work(struct iommu *m, sim_time now, unsigned cpu, uint64_t iova, uint32_t len);
/* Flush queues (iommu_deferred.c): queue one unmap on queue @q, flushing
 * the IOTLB first if @q is at its high-water mark (returns that flush's
 * time) and arming the timer. */
sim_time iommu_fq_push(struct iommu *m, unsigned q);

#endif
