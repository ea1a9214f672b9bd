/* The qcow2 L2 cache with exact LRU replacement: sim/lru.h's list over a
 * fixed array of slots plus a direct map from slice to slot, so a lookup
 * is O(1) and allocates nothing. Left out: the refcount cache, cluster
 * allocation on first write (images are taken as preallocated), cache-clean
 * intervals and compressed or backing-file clusters. */
#include "qcow2.h"

#include <glib.h>

void qcow2_cache_init(struct qcow2_cache *c, uint32_t capacity, uint64_t n_slices)
{
    g_assert(capacity >= 1 && n_slices >= 1);
    c->capacity = capacity;
    c->used = 0;
    c->n_slices = n_slices;
    c->slot_of = g_new(uint32_t, n_slices);
    for (uint64_t k = 0; k < n_slices; k++)
        c->slot_of[k] = QCOW2_NONE;
    /* More slots than slices could never fill. */
    if (c->capacity > n_slices)
        c->capacity = (uint32_t)n_slices;
    c->slots = g_new0(struct qcow2_slot, c->capacity);
    LRU_INIT(&c->lru, c->slots, lru);
    c->hits = c->misses = 0;
}

void qcow2_cache_release(struct qcow2_cache *c)
{
    g_free(c->slot_of);
    g_free(c->slots);
    c->slot_of = NULL;
    c->slots = NULL;
}

bool qcow2_cache_access(struct qcow2_cache *c, uint64_t slice)
{
    uint32_t s;

    g_assert(slice < c->n_slices);
    s = c->slot_of[slice];
    if (s != QCOW2_NONE) {
        c->hits++;
        lru_touch(&c->lru, s);
        return true;
    }
    c->misses++;
    if (c->used < c->capacity) {
        s = c->used++;
    } else {
        s = lru_victim(&c->lru);
        lru_unlink(&c->lru, s);
        c->slot_of[c->slots[s].slice] = QCOW2_NONE;
    }
    c->slots[s].slice = slice;
    c->slot_of[slice] = s;
    lru_push_front(&c->lru, s);
    return false;
}

double qcow2_cache_hit_rate(const struct qcow2_cache *c)
{
    uint64_t n = c->hits + c->misses;

    return n ? (double)c->hits / (double)n : 0.0;
}
