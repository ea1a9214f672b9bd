/* qcow2 on the software paths: a request's L2 entries come from the L2
 * cache (cache.c; a miss reads a slice of qcow2.l2_entry_size), and on an
 * image created with image.preallocation = off a write to a cluster that
 * has none gets one (QEMU block/qcow2-cluster.c qcow2_alloc_host_offset(),
 * handle_alloc()): a host cluster at the end of the file, its refcount
 * raised in the refcount block cache (block/qcow2-refcount.c), the data
 * written as the whole cluster (the unwritten parts are zeros, written with
 * the guest's data in one request as perform_cow() merges them), then the
 * L2 entry set (qcow2_alloc_cluster_link_l2()), which dirties its L2 slice.
 * Dirty L2 slices and refcount blocks reach the device when evicted
 * (qcow2_cache_do_get() flushes a dirty victim before reusing its slot) or
 * on a flush, refcount blocks first (qcow2_cache_set_dependency()). With 16
 * bit refcounts a refcount block of one cluster covers cluster_size / 2
 * clusters (docs/qcow2-cache.txt). Backing files are backing.c's: a read
 * of clusters the image lacks looks them up down the chain, a first write
 * reads the rest of its clusters from it. Left out: L1 growth, refcount
 * table growth, compressed clusters, discard and zero clusters, several
 * requests allocating the same cluster at once. */
#include "qcow2.h"

#include <glib.h>

#include "blk_world.h"

void blk_qcow2_init(struct blk_world *w, struct blk_vm *vm)
{
    struct blk_qcow2 *q = &vm->q;
    uint64_t clusters = (w->span + w->cluster_size - 1) / w->cluster_size;

    q->allocated = w->qcow2_alloc ? g_new0(uint64_t, (clusters + 63) / 64) : NULL;
    q->next_host = 0;
    /* Host clusters are handed out in order, one per guest cluster at most. */
    blk_cache_init(&q->refcounts, w->refcount_blocks, clusters / (w->cluster_size / 2) + 1);
}

void blk_qcow2_release(struct blk_world *w, struct blk_vm *vm)
{
    (void)w;
    g_free(vm->q.allocated);
    blk_cache_release(&vm->q.refcounts);
}

/* Give @r's unallocated clusters host clusters: refcounts raised, their L2
 * slices to be dirtied, the data write widened to whole clusters. Counts
 * the refcount blocks to read and the dirty ones evicted. */
static void allocate(struct blk_world *w, struct blk_vm *vm, struct blk_req *r, bool *fresh)
{
    struct blk_qcow2 *q = &vm->q;
    uint64_t first = r->offset / w->cluster_size,
             last = (r->offset + r->bytes - 1) / w->cluster_size;

    *fresh = false;
    for (uint64_t c = first; c <= last; c++) {
        uint64_t bit = 1ull << (c % 64);
        bool wrote_back = false;

        if (q->allocated[c / 64] & bit)
            continue;
        q->allocated[c / 64] |= bit;
        *fresh = true;
        if (!blk_cache_access(&q->refcounts, q->next_host++ / (w->cluster_size / 2), true,
                              &wrote_back))
            r->q_rc_reads++;
        r->q_rc_writebacks += wrote_back;
    }
    if (!*fresh)
        return;
    r->dev_bytes = (uint32_t)((last - first + 1) * w->cluster_size);
    /* What the guest does not write of the new clusters comes from the
     * backing chain (zeros without one: nothing to read). */
    if (w->chain_len && r->dev_bytes > r->bytes) {
        r->q_cow_bytes = r->dev_bytes - r->bytes;
        q->cow_bytes += r->q_cow_bytes;
        r->meta_left += blk_backing_lookup(w, vm, first * w->cluster_size, r->dev_bytes);
    }
}

/* A read: clusters the image lacks come from the backing chain, or read
 * as zeros when it has none and lacks them all. */
static void map_read(struct blk_world *w, struct blk_vm *vm, struct blk_req *r)
{
    struct blk_qcow2 *q = &vm->q;
    uint64_t first = r->offset / w->cluster_size,
             last = (r->offset + r->bytes - 1) / w->cluster_size, lacking = 0;

    q->reads++;
    if (!q->allocated)
        return;
    for (uint64_t c = first; c <= last; c++)
        lacking += !(q->allocated[c / 64] & (1ull << (c % 64)));
    if (lacking == 0)
        return;
    if (w->chain_len) {
        q->backing_reads++;
        r->meta_left += blk_backing_lookup(w, vm, r->offset, r->bytes);
    } else if (lacking == last - first + 1) {
        q->zero_reads++;
        r->zero_read = true;
    }
}

/* ---- the chain of metadata accesses, each a stage qcow2_meta step ---- */

static void next_meta(struct blk_world *w, struct blk_vm *vm, struct blk_req *r);

/* @n accesses of @bytes, counted as metadata (and as allocation writes). */
static void meta_io(struct blk_world *w, struct blk_vm *vm, struct blk_req *r, uint32_t n,
                    bool is_write, uint32_t bytes)
{
    vm->image.meta_bytes += (uint64_t)n * bytes;
    if (is_write)
        vm->image.alloc_writes += n;
    blk_device_fanout(w, vm, r, BLK_STAGE_qcow2_meta, n, is_write, bytes, next_meta);
}

/* Dirty victims go first (their slots are reused), then the reads; a
 * request's L2 slices are read one after another, as QEMU maps a request
 * cluster range by cluster range. */
static void next_meta(struct blk_world *w, struct blk_vm *vm, struct blk_req *r)
{
    uint32_t n;

    if ((n = r->q_rc_writebacks)) {
        r->q_rc_writebacks = 0;
        meta_io(w, vm, r, n, true, w->cluster_size);
    } else if ((n = r->q_l2_writebacks)) {
        r->q_l2_writebacks = 0;
        meta_io(w, vm, r, n, true, w->l2_entry_size);
    } else if (r->q_rc_reads) {
        r->q_rc_reads--;
        meta_io(w, vm, r, 1, false, w->cluster_size);
    } else if (r->meta_left) {
        r->meta_left--;
        meta_io(w, vm, r, 1, false, w->l2_entry_size);
    } else if ((n = r->q_cow_bytes)) {
        r->q_cow_bytes = 0;
        blk_device_fanout(w, vm, r, BLK_STAGE_backing, 1, false, n, next_meta);
    } else {
        r->then(w, vm, r);
    }
}

void blk_qcow2_map(struct blk_world *w, struct blk_vm *vm, struct blk_req *r, blk_cont_fn cont)
{
    uint64_t first = r->offset / w->slice_reach, last = (r->offset + r->bytes - 1) / w->slice_reach;
    bool fresh = false;

    if (r->is_write && vm->q.allocated)
        allocate(w, vm, r, &fresh);
    else if (!r->is_write)
        map_read(w, vm, r);
    for (uint64_t s = first; s <= last; s++) {
        bool wrote_back = false;

        /* A new L2 entry dirties its slice. */
        if (!blk_cache_access(&vm->l2, s, fresh, &wrote_back))
            r->meta_left++;
        r->q_l2_writebacks += wrote_back;
    }
    r->then = cont;
    next_meta(w, vm, r);
}

/* A flush writes the dirty refcount blocks, then the dirty L2 slices. */
void blk_qcow2_flush(struct blk_world *w, struct blk_vm *vm, struct blk_req *r, blk_cont_fn cont)
{
    r->q_rc_writebacks = (uint32_t)blk_cache_clean_all(&vm->q.refcounts);
    r->q_l2_writebacks = (uint32_t)blk_cache_clean_all(&vm->l2);
    r->then = cont;
    next_meta(w, vm, r);
}
