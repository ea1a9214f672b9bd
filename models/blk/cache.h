/* An LRU cache of fixed-size entries keyed by their index in a file: the
 * qcow2 L2 table cache (entries are slices of L2 tables, QEMU
 * docs/qcow2-cache.txt) and the host page cache of an image (entries are
 * pages). Entries may be dirty: a dirty entry chosen for eviction must be
 * written back first (QEMU block/qcow2-cache.c qcow2_cache_do_get(), Linux
 * page reclaim). A hashed cache also places its entries in the slots
 * QEMU's Qcow2Cache would, so that the entries a lookup scans can be
 * counted (blk_cache_probes()). */
#ifndef IOVSIM_BLK_CACHE_H
#define IOVSIM_BLK_CACHE_H

#include <stdbool.h>
#include <stdint.h>

#include "lru.h"

#define BLK_CACHE_NONE UINT32_MAX

struct blk_cache_slot {
    uint64_t key;
    bool dirty;
    bool live; /* holds @key */
    struct lru_link lru;
};

/**
 * struct blk_cache - LRU cache over the keys 0 .. n_keys - 1
 * @slot_of: per key, its slot or BLK_CACHE_NONE (owned)
 * @slots:   @capacity slots (owned), the used ones on @lru by recency
 * @dirty:   entries now dirty
 * @written_back: dirty entries evicted or cleaned (each a write)
 * @hash_mult: 0: a miss fills the next slot; else a key's home slot is
 *           key x @hash_mult mod @capacity (blk_cache_hash())
 */
struct blk_cache {
    uint32_t capacity, used, hash_mult;
    uint64_t n_keys;
    uint32_t *slot_of;
    struct blk_cache_slot *slots;
    struct lru lru;
    uint64_t hits, misses, dirty, written_back;
};

/* An empty cache of @capacity >= 1 entries over @n_keys keys. */
void blk_cache_init(struct blk_cache *c, uint32_t capacity, uint64_t n_keys);
void blk_cache_release(struct blk_cache *c);
/* Look @key up: true on a hit. A miss loads it, evicting the least recently
 * used entry when full; if that entry was dirty, *@wrote_back is set (the
 * caller writes it first; else it is left alone; @wrote_back may be NULL
 * where nothing is ever dirty). Either way @key becomes
 * most recent, and dirty if @make_dirty. */
bool blk_cache_access(struct blk_cache *c, uint64_t key, bool make_dirty, bool *wrote_back);
/* Place entries as QEMU's Qcow2Cache does (block/qcow2-cache.c
 * qcow2_cache_do_get()): a key's scan starts at its home slot, key x @mult
 * mod capacity (QEMU: the table's offset in table sizes, times 4); a miss
 * takes the first free slot from there on, or, the cache full, the least
 * recently used entry's slot wherever it is. Call before any access. */
void blk_cache_hash(struct blk_cache *c, uint32_t mult);
/* Entries a lookup of @key visits in a hashed cache, as it is now: from
 * its home slot to its own (a hit), or every entry (a miss: the scan wraps
 * around, keeping the least recently used for the load). */
uint32_t blk_cache_probes(const struct blk_cache *c, uint64_t key);
/* Mark every dirty entry clean (a flush writes them all); returns how many. */
uint64_t blk_cache_clean_all(struct blk_cache *c);
/* hits / (hits + misses); 0 before any access. */
double blk_cache_hit_rate(const struct blk_cache *c);
/* Zero the hit and miss counters (the warm-up cut). */
void blk_cache_reset_stats(struct blk_cache *c);

#endif
