/* A pool of fixed-size records (packets, requests, flows, jobs) in chunks
 * that never move: a record keeps its pointer and its 32-bit index for its
 * whole life, so events carry the index and lists link records by index.
 * Free records form a LIFO list, so allocation is O(1), deterministic and
 * reuses the most recently freed (cache-warm) record first. */
#ifndef IOVSIM_POOL_H
#define IOVSIM_POOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <glib.h>

/* Records per chunk. Indices do not depend on it: a pool hands out 0, 1,
 * 2, ... in order whenever its free list is empty, whatever the chunk size. */
#define POOL_CHUNK_BITS 8
#define POOL_CHUNK      (1u << POOL_CHUNK_BITS)
#define POOL_NONE       UINT32_MAX
/* Chunks start on a cache line, so a record whose size is a multiple of
 * 64 bytes never straddles one more line than it fills. */
#define POOL_ALIGN 64

/* Called after the pool took @bytes more from the heap (one chunk). */
typedef void (*pool_grow_fn)(void *ctx, size_t bytes);

/**
 * struct pool - fixed-size records in chunks that never move
 * @chunks:    @n_chunks chunks of POOL_CHUNK records (owned)
 * @rec_size:  bytes per record
 * @link_off:  where a free record holds the free list's link (a uint32_t);
 *             while a record is live those 4 bytes are the caller's, e.g.
 *             the link of the caller's own waiting lists
 * @live:      records allocated and not yet freed; @live_max its high-water mark
 * @grow/@grow_ctx: see pool_set_grow_hook()
 * @heap_chunks: chunks [0, heap_chunks) come from the heap, the rest
 *             from @arenas (hugemem.h) once the pool is large
 */
struct pool {
    char **chunks;
    uint32_t n_chunks, chunks_cap;
    uint32_t heap_chunks;
    char **arenas;
    uint32_t n_arenas;
    size_t arena_used; /* bytes handed out of the last arena */
    uint32_t free_head;
    uint32_t live, live_max;
    size_t rec_size;
    size_t link_off;
    pool_grow_fn grow;
    void *grow_ctx;
};

/* An empty pool of @rec_size-byte records whose free-list link lives at
 * @link_off while they are free. Allocates nothing yet. */
void pool_init(struct pool *p, size_t rec_size, size_t link_off);
/* The same, for records of @type linked through its uint32_t @member. */
#define POOL_INIT(p, type, member) pool_init((p), sizeof(type), offsetof(type, member))
/* Free every chunk (live records included); the pool is empty afterwards. */
void pool_release(struct pool *p);
/* Have @fn(@ctx, bytes) called after every growth (NULL: none), so that an
 * owner can account the heap the pool holds against a bound. */
void pool_set_grow_hook(struct pool *p, pool_grow_fn fn, void *ctx);
/* Heap bytes the pool holds: its chunks and their table. */
size_t pool_bytes(const struct pool *p);
/* Grow by one chunk (pool_alloc() does this when the free list is empty). */
void pool_grow(struct pool *p);

static inline char *pool_chunk_of(const struct pool *p, uint32_t idx)
{
    return p->chunks[idx >> POOL_CHUNK_BITS];
}

static inline uint32_t pool_slot_of(uint32_t idx)
{
    return idx & (POOL_CHUNK - 1);
}

/* Record @idx (live or free); @idx must have been handed out. */
static inline void *pool_at(const struct pool *p, uint32_t idx)
{
    return pool_chunk_of(p, idx) + (size_t)pool_slot_of(idx) * p->rec_size;
}

/* The same with the record size known at compile time: a shift, two loads,
 * a mask and an address computation. */
#define POOL_AT(p, type, idx) ((type *)pool_chunk_of((p), (idx)) + pool_slot_of(idx))

/* True when @idx lies in the pool's chunks. */
static inline bool pool_holds(const struct pool *p, uint32_t idx)
{
    return (idx >> POOL_CHUNK_BITS) < p->n_chunks;
}

static inline uint32_t pool_link_get(const struct pool *p, uint32_t idx)
{
    uint32_t next;

    memcpy(&next, (char *)pool_at(p, idx) + p->link_off, sizeof(next));
    return next;
}

/* The index of a record off the free list (growing the pool when it is
 * empty). Its contents are whatever it held last (zero when new): the
 * caller initializes it. */
static inline uint32_t pool_alloc(struct pool *p)
{
    uint32_t idx;

    if (p->free_head == POOL_NONE)
        pool_grow(p);
    idx = p->free_head;
    p->free_head = pool_link_get(p, idx);
    if (++p->live > p->live_max)
        p->live_max = p->live;
    return idx;
}

/* Record @idx goes back on the free list (its link field is overwritten). */
static inline void pool_free(struct pool *p, uint32_t idx)
{
    g_assert(p->live > 0);
    memcpy((char *)pool_at(p, idx) + p->link_off, &p->free_head, sizeof(p->free_head));
    p->free_head = idx;
    p->live--;
}

static inline uint32_t pool_live(const struct pool *p)
{
    return p->live;
}

#endif
