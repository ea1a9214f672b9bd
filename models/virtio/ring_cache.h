/* Which cache lines of a virtqueue's shared memory move between the
 * driver's core and the device's (a vhost worker, a vSwitch's poll core):
 * each 64-byte line records which side holds a valid copy; an access by a
 * side without one is a miss (the line comes from the other side's cache),
 * and a write leaves the writer's copy the only one. The layout's
 * difference (split: three areas and their indices; packed: one ring) then
 * shows as misses per packet. Left out: capacity misses (a ring is small
 * beside the caches), prefetching, the packets' own buffers (the same for
 * both layouts). */
#ifndef IOVSIM_VIRTIO_RING_CACHE_H
#define IOVSIM_VIRTIO_RING_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define RING_CACHE_LINE 64

enum ring_side {
    RING_DRIVER = 1,
    RING_DEVICE = 2,
};

struct ring_cache {
    uint8_t *valid; /* per line: the sides (enum ring_side bits) holding it */
    size_t n_lines;
    uint64_t misses[3]; /* by side (index 1 and 2) */
};

/* @bytes of shared ring memory, at first in no cache. */
void ring_cache_init(struct ring_cache *c, size_t bytes);
void ring_cache_release(struct ring_cache *c);

/* @side reads (@write false) or writes @len bytes at @offset. */
static inline void ring_cache_touch(struct ring_cache *c, enum ring_side side, size_t offset,
                                    size_t len, bool write)
{
    for (size_t l = offset / RING_CACHE_LINE; l <= (offset + len - 1) / RING_CACHE_LINE; l++) {
        if (!(c->valid[l] & side)) {
            c->misses[side]++;
            c->valid[l] |= (uint8_t)side;
        }
        if (write)
            c->valid[l] = (uint8_t)side;
    }
}

#endif
