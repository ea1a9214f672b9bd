/* The line-validity map of a virtqueue's shared memory (ring_cache.h). */
#include "ring_cache.h"

#include <string.h>

#include <glib.h>

void ring_cache_init(struct ring_cache *c, size_t bytes)
{
    memset(c, 0, sizeof(*c));
    c->n_lines = (bytes + RING_CACHE_LINE - 1) / RING_CACHE_LINE;
    c->valid = g_new0(uint8_t, c->n_lines);
}

void ring_cache_release(struct ring_cache *c)
{
    g_free(c->valid);
    memset(c, 0, sizeof(*c));
}
