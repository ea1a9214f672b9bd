/* The image file's extents on the host file system (extents.c): where each
 * of its blocks lies on the device, placed as ext4 places a file's blocks
 * on first write, and how many device requests a range of them takes. */
#ifndef IOVSIM_BLK_EXTENTS_H
#define IOVSIM_BLK_EXTENTS_H

#include <stdbool.h>
#include <stdint.h>

#include <glib.h>

/* File blocks [@lblk, @lblk + @len) lie at device blocks [@pblk, ...). */
struct blk_extent {
    uint64_t lblk, pblk, len;
};

/**
 * struct blk_extents - one image file's block map
 * @tree:     struct blk_extent by @lblk (a balanced tree: a first write
 *            costs a logarithm, however fragmented), none touching another
 *            both in the file and on the device (merged; owned)
 * @used:     a bit per device block the file holds (owned; NULL once no
 *            block can be allocated any more)
 * @n_phys:   device blocks of the file system modelled
 * @free_run: blocks of each run of free space, each followed by as many
 *            used by other files (0: all free, a fresh file system)
 */
struct blk_extents {
    GTree *tree;
    uint64_t *used;
    uint64_t n_phys, free_run;
};

/* A file of @blocks blocks on a file system whose free space comes in runs
 * of @free_run blocks (0: unlimited); @preallocated: all of it allocated
 * now, in order (qemu-img's preallocation=full), else sparse. */
void blk_extents_init(struct blk_extents *x, uint64_t blocks, uint64_t free_run, bool preallocated);
void blk_extents_release(struct blk_extents *x);
/* No block of [@first, @last] is allocated (a hole). */
bool blk_extents_hole(const struct blk_extents *x, uint64_t first, uint64_t last);
/* Allocate the blocks of [@first, @last] that have none; true if one had
 * none (the write allocates). */
bool blk_extents_allocate(struct blk_extents *x, uint64_t first, uint64_t last);
/* Device requests a read or write of [@first, @last] takes: one per
 * extent it touches (holes take none; at least one). */
unsigned blk_extents_runs(const struct blk_extents *x, uint64_t first, uint64_t last);

/* Extents the file has. */
static inline uint64_t blk_extents_count(const struct blk_extents *x)
{
    return (uint64_t)g_tree_nnodes(x->tree);
}

#endif
