/* The LRU cache of cache.h: sim/lru.h's list over a fixed array of slots
 * plus a direct map from key to slot, so a lookup is O(1) and allocates
 * nothing. Replacement is exact LRU, as QEMU's qcow2 cache since it keeps
 * an LRU counter per entry (commit 2693310e). QEMU finds an entry by a
 * linear scan from a hashed slot (commit 812e4082); a hashed cache keeps
 * its entries where that scan finds them, to count what it visits. */
#include "cache.h"

#include <glib.h>

void blk_cache_init(struct blk_cache *c, uint32_t capacity, uint64_t n_keys)
{
    g_assert(capacity >= 1 && n_keys >= 1);
    c->capacity = capacity;
    c->used = 0;
    c->n_keys = n_keys;
    c->slot_of = g_new(uint32_t, n_keys);
    for (uint64_t k = 0; k < n_keys; k++)
        c->slot_of[k] = BLK_CACHE_NONE;
    /* More slots than keys could never fill. */
    if (c->capacity > n_keys)
        c->capacity = (uint32_t)n_keys;
    c->slots = g_new0(struct blk_cache_slot, c->capacity);
    LRU_INIT(&c->lru, c->slots, lru);
    c->hits = c->misses = c->dirty = c->written_back = 0;
    c->hash_mult = 0;
}

void blk_cache_hash(struct blk_cache *c, uint32_t mult)
{
    g_assert(c->used == 0 && mult > 0);
    c->hash_mult = mult;
}

static uint32_t home_of(const struct blk_cache *c, uint64_t key)
{
    return (uint32_t)(key * c->hash_mult % c->capacity);
}

uint32_t blk_cache_probes(const struct blk_cache *c, uint64_t key)
{
    uint32_t s;

    g_assert(c->hash_mult && key < c->n_keys);
    s = c->slot_of[key];
    if (s == BLK_CACHE_NONE)
        return c->capacity;
    return (s + c->capacity - home_of(c, key)) % c->capacity + 1;
}

/* A slot for a new entry while some are free: the next one, or in a
 * hashed cache the first free one from @key's home on (QEMU's scan takes
 * the first entry of the lowest LRU count, 0 for an empty one). */
static uint32_t free_slot(const struct blk_cache *c, uint64_t key)
{
    uint32_t s;

    if (!c->hash_mult)
        return c->used;
    for (s = home_of(c, key); c->slots[s].live; s = (s + 1) % c->capacity)
        ;
    return s;
}

void blk_cache_release(struct blk_cache *c)
{
    g_free(c->slot_of);
    g_free(c->slots);
    c->slot_of = NULL;
    c->slots = NULL;
}

static void set_dirty(struct blk_cache *c, uint32_t s, bool dirty)
{
    if (c->slots[s].dirty == dirty)
        return;
    c->slots[s].dirty = dirty;
    if (dirty)
        c->dirty++;
    else
        c->dirty--;
}

bool blk_cache_access(struct blk_cache *c, uint64_t key, bool make_dirty, bool *wrote_back)
{
    uint32_t s;

    g_assert(key < c->n_keys);
    s = c->slot_of[key];
    if (s != BLK_CACHE_NONE) {
        c->hits++;
        lru_touch(&c->lru, s);
        if (make_dirty)
            set_dirty(c, s, true);
        return true;
    }
    c->misses++;
    if (c->used < c->capacity) {
        s = free_slot(c, key);
        c->used++;
    } else {
        s = lru_victim(&c->lru);
        lru_unlink(&c->lru, s);
        c->slot_of[c->slots[s].key] = BLK_CACHE_NONE;
        if (c->slots[s].dirty) {
            if (wrote_back)
                *wrote_back = true;
            c->written_back++;
            set_dirty(c, s, false);
        }
    }
    c->slots[s].key = key;
    c->slots[s].live = true;
    c->slot_of[key] = s;
    lru_push_front(&c->lru, s);
    set_dirty(c, s, make_dirty);
    return false;
}

uint64_t blk_cache_clean_all(struct blk_cache *c)
{
    uint64_t n = c->dirty;

    for (uint32_t s = 0; s < c->capacity && c->dirty > 0; s++)
        set_dirty(c, s, false);
    c->written_back += n;
    return n;
}

double blk_cache_hit_rate(const struct blk_cache *c)
{
    uint64_t n = c->hits + c->misses;

    return n ? (double)c->hits / (double)n : 0.0;
}

void blk_cache_reset_stats(struct blk_cache *c)
{
    c->hits = c->misses = c->written_back = 0;
}
