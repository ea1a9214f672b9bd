/* The qcow2 L2 table cache: entries (slices of L2 tables) kept in LRU
 * order. Each entry maps l2_entry_size / 8 clusters of the virtual disk
 * (QEMU docs/qcow2-cache.txt, calibration.md 1.7). */
#ifndef IOVSIM_BLK_QCOW2_H
#define IOVSIM_BLK_QCOW2_H

#include <stdbool.h>
#include <stdint.h>

#include "lru.h"

#define QCOW2_NONE UINT32_MAX

struct qcow2_slot {
    uint64_t slice;
    struct lru_link lru;
};

/**
 * struct qcow2_cache - LRU cache of L2 slices
 * @slot_of: per slice of the disk, its slot or QCOW2_NONE (owned)
 * @slots:   @capacity slots (owned), the used ones on @lru by recency
 */
struct qcow2_cache {
    uint32_t capacity, used;
    uint64_t n_slices;
    uint32_t *slot_of;
    struct qcow2_slot *slots;
    struct lru lru;
    uint64_t hits, misses;
};

/* An empty cache of @capacity >= 1 entries for a disk of @n_slices slices. */
void qcow2_cache_init(struct qcow2_cache *c, uint32_t capacity, uint64_t n_slices);
void qcow2_cache_release(struct qcow2_cache *c);
/* Look @slice up: true on a hit. A miss loads it, evicting the least
 * recently used entry when full. Either way @slice becomes most recent. */
bool qcow2_cache_access(struct qcow2_cache *c, uint64_t slice);
/* hits / (hits + misses); 0 before any access. */
double qcow2_cache_hit_rate(const struct qcow2_cache *c);

#endif
