/* qcow2's mapping of a request (qcow2.c): the L2 lookup through the L2
 * cache and, on an image created with preallocation=off, the allocation
 * of a cluster on its first write (refcount update, L2 update). */
#ifndef IOVSIM_BLK_QCOW2_H
#define IOVSIM_BLK_QCOW2_H

#include <stdbool.h>
#include <stdint.h>

#include "cache.h"

/* QEMU hashes an L2 slice to its home slot as its offset in slices times
 * 4 (block/qcow2-cache.c qcow2_cache_do_get(), commit 812e4082: "to make
 * it perform better when there are collisions"). The model takes the
 * image's L2 slices to lie in the file in guest order, as a metadata-
 * preallocated image's do, so a slice's offset is its index up to a shift
 * every home shares. */
#define BLK_QCOW2_HASH 4

/**
 * struct blk_qcow2 - one VM's qcow2 image
 * @allocated:  per cluster of the span, 1 once it has a host cluster
 *              (owned; NULL when preallocated)
 * @refcounts:  the refcount block cache (entries are clusters)
 * @next_host:  the next host cluster to allocate (the file's end)
 * @backing_reads: reads served by the backing chain
 * @cow_bytes:  bytes copied up from the backing chain on first writes
 * @l2_tables:  per L2 table of the span, 1 once allocated (owned; NULL
 *              when preallocated: preallocation=metadata writes them all)
 * @rc_blocks:  refcount blocks the file has (the first comes with it)
 * @rc_table_entries: the refcount table's capacity in blocks
 * @l2_allocs, @rc_block_allocs, @rc_table_growths: metadata allocated
 * @lookups, @lookup_entries: L2 cache lookups and the entries they visited
 */
struct blk_qcow2 {
    uint64_t *allocated;
    struct blk_cache refcounts;
    uint64_t next_host;
    uint64_t backing_reads, cow_bytes;
    uint64_t *l2_tables;
    uint64_t rc_blocks, rc_table_entries;
    uint64_t l2_allocs, rc_block_allocs, rc_table_growths;
    uint64_t lookups, lookup_entries;
};

#endif
