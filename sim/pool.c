/* The pool of pool.h: growth and release. A new chunk's records join the
 * free list in index order, so fresh indices come out ascending. */
#include "pool.h"

#include <glib.h>

#include "hugemem.h"

/* A pool past this many bytes of chunks takes its next chunks from huge-page
 * regions: the packets of the data-centre world (50 MiB, reached at random
 * as they leave queues where they waited milliseconds) ran 20-25% faster
 * with huge pages than with a TLB miss on most packets. Smaller pools stay
 * on the heap, which a region of 2 MiB would outweigh. */
#define POOL_HUGE_FROM HUGEMEM_BYTES

void pool_init(struct pool *p, size_t rec_size, size_t link_off)
{
    g_assert(rec_size > 0 && link_off + sizeof(uint32_t) <= rec_size);
    memset(p, 0, sizeof(*p));
    p->rec_size = rec_size;
    p->link_off = link_off;
    p->free_head = POOL_NONE;
}

void pool_release(struct pool *p)
{
    for (uint32_t k = 0; k < p->heap_chunks; k++)
        g_aligned_free(p->chunks[k]);
    g_free(p->chunks);
    for (uint32_t k = 0; k < p->n_arenas; k++)
        hugemem_free(p->arenas[k]);
    g_free(p->arenas);
    pool_init(p, p->rec_size, p->link_off);
}

void pool_set_grow_hook(struct pool *p, pool_grow_fn fn, void *ctx)
{
    p->grow = fn;
    p->grow_ctx = ctx;
}

size_t pool_bytes(const struct pool *p)
{
    return (size_t)p->n_chunks * POOL_CHUNK * p->rec_size + p->chunks_cap * sizeof(*p->chunks);
}

/* A new zeroed chunk: from the heap while the pool is small (or its chunks
 * large), else carved from a huge-page region, a new one when the last is
 * full. */
static char *chunk_new(struct pool *p)
{
    size_t bytes = POOL_CHUNK * p->rec_size;

    if ((size_t)p->n_chunks * bytes < POOL_HUGE_FROM || bytes > HUGEMEM_BYTES / 4) {
        g_assert(p->heap_chunks == p->n_chunks);
        p->heap_chunks++;
        return g_aligned_alloc0(POOL_CHUNK, p->rec_size, POOL_ALIGN);
    }
    if (!p->n_arenas || p->arena_used + bytes > HUGEMEM_BYTES) {
        p->arenas = g_renew(char *, p->arenas, p->n_arenas + 1);
        p->arenas[p->n_arenas++] = hugemem_alloc();
        p->arena_used = 0;
    }
    p->arena_used += bytes;
    return p->arenas[p->n_arenas - 1] + p->arena_used - bytes;
}

void pool_grow(struct pool *p)
{
    uint32_t base = p->n_chunks << POOL_CHUNK_BITS;
    size_t table_before = p->chunks_cap * sizeof(*p->chunks);
    char *chunk;

    /* Index POOL_NONE must stay unused. */
    g_assert(p->n_chunks < (POOL_NONE >> POOL_CHUNK_BITS));
    if (p->n_chunks == p->chunks_cap) {
        p->chunks_cap = p->chunks_cap ? 2 * p->chunks_cap : 4;
        p->chunks = g_renew(char *, p->chunks, p->chunks_cap);
    }
    chunk = chunk_new(p);
    p->chunks[p->n_chunks++] = chunk;
    for (uint32_t k = 0; k < POOL_CHUNK; k++) {
        uint32_t next = k + 1 < POOL_CHUNK ? base + k + 1 : p->free_head;

        memcpy(chunk + k * p->rec_size + p->link_off, &next, sizeof(next));
    }
    p->free_head = base;
    if (p->grow)
        p->grow(p->grow_ctx,
                POOL_CHUNK * p->rec_size + p->chunks_cap * sizeof(*p->chunks) - table_before);
}
