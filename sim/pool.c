/* The pool of pool.h: growth and release. A new chunk's records join the
 * free list in index order, so fresh indices come out ascending. */
#include "pool.h"

#include <glib.h>

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
    for (uint32_t k = 0; k < p->n_chunks; k++)
        g_free(p->chunks[k]);
    g_free(p->chunks);
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
    chunk = g_malloc0_n(POOL_CHUNK, p->rec_size);
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
