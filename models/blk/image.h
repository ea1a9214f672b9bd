/* The virtual disk as a file on the host (image.c): the file system's
 * allocation of a sparse image on first write, its extents, and the host page cache of
 * cache=writeback and writethrough. */
#ifndef IOVSIM_BLK_IMAGE_H
#define IOVSIM_BLK_IMAGE_H

#include <stdbool.h>
#include <stdint.h>

#include "cache.h"
#include "extents.h"

enum blk_cache_mode { BLK_CACHE_MODE_none, BLK_CACHE_MODE_writeback, BLK_CACHE_MODE_writethrough };

/**
 * struct blk_image - one VM's image file
 * @map:       its blocks on the host file system (extents.c): a sparse
 *             image's get theirs on first write
 * @pages:     its share of the host page cache (cache != none)
 * @alloc_writes: journal writes of block allocations
 * @meta_bytes:   bytes of metadata the host read or wrote for it
 * @flushes:      flush requests served
 * @guest_writes: write requests that reached the image
 * @pending_alloc: writeback: blocks allocated in the page cache whose
 *                journal commit waits for their write-back
 * @reads:        read requests that reached the image
 * @zero_reads:   of them, reads of what was never written (a sparse raw
 *                file's hole, a cluster no qcow2 image of the chain has):
 *                zeros, no device access
 */
struct blk_image {
    struct blk_extents map;
    struct blk_cache pages;
    uint64_t alloc_writes, meta_bytes, flushes, guest_writes;
    uint64_t reads, zero_reads;
    bool pending_alloc;
};

#endif
