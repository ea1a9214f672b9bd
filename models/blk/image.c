/* The virtual disk as a file on a host file system, between the backend
 * thread and the device. A sparse raw image (image.preallocation = off)
 * has no blocks until they are written: a write that reaches unallocated
 * file-system blocks makes the file system allocate them, and in ext4's
 * ordered mode the journal commit that records the new extent follows the
 * data (a descriptor, the metadata block and a commit record: one
 * image.journal_bytes write after the data). The host page cache
 * (image.cache = writeback or writethrough: QEMU opens the file without
 * O_DIRECT, block/file-posix.c raw_open_common()) serves reads that hit
 * with a copy and no device access; writeback completes writes into the
 * cache (dirty pages go to the device when evicted or flushed, and their
 * allocation commits then); writethrough writes to the device and flushes
 * it after every write (QEMU's block layer, blk_co_pwritev() without a
 * write cache). A flush (fio.fsync) writes back the image's dirty pages and
 * then flushes the device. A read of blocks never written (a hole) returns
 * zeros without a device access. Left out: readahead, the flusher thread's timed
 * write-back, jbd2's batching of commits from several writes, the qcow2
 * file's own allocation in the host file system, pages shared by VMs. */
#include "image.h"

#include <string.h>

#include <glib.h>
#include <gsl/gsl_randist.h>

#include "blk_world.h"
#include "rng.h"

/* image.prewritten: the span's @blocks written once, a block at a time,
 * in order or shuffled (a stream of its own: the workload's draws stay). */
static void prewrite(struct blk_vm *vm, uint64_t blocks)
{
    struct blk_world *w = vm->w;
    g_autofree uint64_t *order = g_new(uint64_t, blocks);
    char stream[32];

    for (uint64_t b = 0; b < blocks; b++)
        order[b] = b;
    if (w->prewritten_random) {
        snprintf(stream, sizeof(stream), "blk.prewrite%u", vm->index);
        gsl_ran_shuffle(sim_rng(w->sim, stream), order, blocks, sizeof(*order));
    }
    for (uint64_t b = 0; b < blocks; b++)
        blk_extents_allocate(&vm->image.map, order[b], order[b]);
}

void blk_image_init(struct blk_vm *vm)
{
    struct blk_world *w = vm->w;
    struct blk_image *im = &vm->image;
    uint64_t blocks = (w->span + w->fs_block - 1) / w->fs_block;

    memset(im, 0, sizeof(*im));
    /* qcow2's file offsets are not the guest's: only raw lies on the free runs. */
    blk_extents_init(&im->map, blocks, w->qcow2 ? 0 : w->free_run_blocks, !w->sparse);
    if (w->sparse && !w->qcow2 && w->prewritten)
        prewrite(vm, blocks);
    if (w->cache_mode != BLK_CACHE_MODE_none)
        blk_cache_init(&im->pages, w->cache_pages, blocks);
}

void blk_image_release(struct blk_vm *vm)
{
    struct blk_world *w = vm->w;

    blk_extents_release(&vm->image.map);
    if (w->cache_mode != BLK_CACHE_MODE_none)
        blk_cache_release(&vm->image.pages);
}

void blk_image_reset_stats(struct blk_vm *vm)
{
    struct blk_world *w = vm->w;
    struct blk_image *im = &vm->image;

    im->alloc_writes = im->meta_bytes = im->flushes = im->guest_writes = 0;
    im->reads = im->zero_reads = 0;
    if (w->cache_mode != BLK_CACHE_MODE_none)
        blk_cache_reset_stats(&im->pages);
}

static void strategy_done(struct blk_vm *vm, struct blk_req *r)
{
    vm->ops->device_done(vm, r);
}

/* The image's part is over: @r, and the requests merged into it. */
static void to_strategy(struct blk_vm *vm, struct blk_req *r)
{
    blk_merge_done(vm, r, strategy_done);
}

/* The journal commit of an allocation (ordered mode: after the data),
 * then @cont. */
static void commit(struct blk_vm *vm, struct blk_req *r, blk_cont_fn cont)
{
    struct blk_world *w = vm->w;

    vm->image.alloc_writes++;
    vm->image.meta_bytes += w->journal_bytes;
    blk_device_fanout(vm, r, BLK_STAGE_fs_meta, 1, true, w->journal_bytes, cont);
}

/* ---- after the device: the journal commit, writethrough's flush ---- */

static void after_journal(struct blk_vm *vm, struct blk_req *r)
{
    if (r->then_flush) {
        r->then_flush = false;
        blk_device_flush(vm, r, to_strategy);
    } else {
        to_strategy(vm, r);
    }
}

void blk_image_device_done(struct blk_vm *vm, struct blk_req *r)
{
    if (r->journal) {
        r->journal = false;
        commit(vm, r, after_journal);
        return;
    }
    after_journal(vm, r);
}

/* ---- write-back of dirty pages ---- */

static void written_back(struct blk_vm *vm, struct blk_req *r)
{
    if (vm->image.pending_alloc) {
        /* The pages' allocations commit once, after them. */
        vm->image.pending_alloc = false;
        commit(vm, r, r->then);
        return;
    }
    r->then(vm, r);
}

/* @pages dirty pages go to the device on @r's behalf (evicted to make room
 * for @r's, or flushed), then @cont. */
static void write_back(struct blk_vm *vm, struct blk_req *r, uint64_t pages, blk_cont_fn cont)
{
    struct blk_world *w = vm->w;

    if (pages == 0) {
        cont(vm, r);
        return;
    }
    g_assert(pages <= UINT32_MAX);
    r->then = cont;
    blk_device_fanout(vm, r, BLK_STAGE_writeback, (unsigned)pages, true, w->fs_block, written_back);
}

/* ---- the page cache ---- */

/* Look @r's pages up (a write under writeback dirties them); whether all
 * hit, and in *@evicted the dirty pages evicted to make room. */
static bool cache_pages(struct blk_vm *vm, struct blk_req *r, uint64_t *evicted)
{
    struct blk_world *w = vm->w;
    bool dirty = r->is_write && w->cache_mode == BLK_CACHE_MODE_writeback;
    bool all_hit = true;

    *evicted = 0;
    for (uint64_t b = r->offset / w->fs_block; b <= (r->offset + r->bytes - 1) / w->fs_block; b++) {
        bool wrote_back = false;

        if (!blk_cache_access(&vm->image.pages, b, dirty, &wrote_back))
            all_hit = false;
        *evicted += wrote_back;
    }
    return all_hit;
}

static void copy_done(struct blk_vm *vm, struct blk_req *r)
{
    r->no_device = true;
    to_strategy(vm, r);
}

/* The data moves between the guest's buffer and the page cache. */
static void cache_copy(struct blk_vm *vm, struct blk_req *r)
{
    struct blk_world *w = vm->w;
    struct blk_part parts[] = {
        { BLK_STAGE_page_cache, (sim_time)((double)r->bytes * w->copy_ps_per_byte) },
        { BLK_STAGE_host_io, blk_coroutine_switches(vm, 4) },
    };

    blk_run(vm, &vm->backend, r, BLK_STAGE_page_cache, parts, G_N_ELEMENTS(parts), copy_done);
}

static void to_device(struct blk_vm *vm, struct blk_req *r)
{
    blk_host_block_submit(vm, r);
}

static void flush_device(struct blk_vm *vm, struct blk_req *r)
{
    blk_device_flush(vm, r, to_strategy);
}

/* ---- entry ---- */

void blk_image_io(struct blk_vm *vm, struct blk_req *r)
{
    struct blk_world *w = vm->w;
    uint64_t first = r->offset / w->fs_block, last = (r->offset + r->bytes - 1) / w->fs_block;
    uint64_t evicted = 0;
    bool fresh, hit;

    if (r->is_flush) {
        vm->image.flushes++;
        if (w->cache_mode == BLK_CACHE_MODE_writeback)
            evicted = blk_cache_clean_all(&vm->image.pages);
        write_back(vm, r, evicted, flush_device);
        return;
    }
    if (!r->is_write) {
        vm->image.reads += 1u + r->n_merged;
        /* qcow2 maps its clusters itself (qcow2.c); the file's holes are raw's */
        r->zero_read |= !w->qcow2 && blk_extents_hole(&vm->image.map, first, last);
    }
    if (r->zero_read) { /* never written: the buffer is zeroed */
        vm->image.zero_reads += 1u + r->n_merged;
        r->no_device = true;
        to_strategy(vm, r);
        return;
    }
    if (r->is_write)
        vm->image.guest_writes += 1u + r->n_merged;
    fresh = r->is_write && blk_extents_allocate(&vm->image.map, first, last);
    /* One device request per extent (raw: qcow2 maps its own offsets). */
    r->dev_runs = w->qcow2 ? 1 : blk_extents_runs(&vm->image.map, first, last);
    if (w->cache_mode == BLK_CACHE_MODE_none) {
        r->journal = fresh;
        to_device(vm, r);
        return;
    }
    hit = cache_pages(vm, r, &evicted);
    if (r->is_write && w->cache_mode == BLK_CACHE_MODE_writeback) {
        /* Delayed: the allocation commits when the pages are written back. */
        vm->image.pending_alloc |= fresh;
        write_back(vm, r, evicted, cache_copy);
    } else if (!r->is_write && hit) {
        write_back(vm, r, evicted, cache_copy);
    } else {
        r->journal = fresh;
        r->then_flush = r->is_write; /* writethrough */
        write_back(vm, r, evicted, to_device);
    }
}
