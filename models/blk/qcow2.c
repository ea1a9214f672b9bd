/* qcow2 on the software paths: a request's L2 entries come from the L2
 * cache (cache.c; a miss reads a slice of qcow2.l2_entry_size), and on an
 * image created with image.preallocation = off a write to a cluster that
 * has none gets one (QEMU block/qcow2-cluster.c qcow2_alloc_host_offset(),
 * handle_alloc()): a host cluster at the end of the file, its refcount
 * raised in the refcount block cache (block/qcow2-refcount.c), the parts
 * of the cluster the guest does not write zeroed (without a backing file:
 * one write-zeroes call, fallocate(FALLOC_FL_ZERO_RANGE) on the file, as
 * handle_alloc_space() does since QEMU commit c8bb23cbdb; with one: copied
 * from the chain and written with the guest's data in one request, as
 * perform_cow() merges them), then the L2 entry set
 * (qcow2_alloc_cluster_link_l2()), which dirties its L2 slice.
 * Dirty L2 slices and refcount blocks reach the device when evicted
 * (qcow2_cache_do_get() flushes a dirty victim before reusing its slot) or
 * on a flush, refcount blocks first (qcow2_cache_set_dependency()). With 16
 * bit refcounts a refcount block of one cluster covers cluster_size / 2
 * clusters (docs/qcow2-cache.txt). Backing files are backing.c's: a read
 * of clusters the image lacks looks them up down the chain, a first write
 * reads the rest of its clusters from it. The metadata grows with the
 * file: the first cluster under an L2 table not yet allocated allocates
 * the table (l2_allocate(): a host cluster, the zeroed table written, then
 * its L1 entry with bdrv_pwrite_sync(), a sector and a flush); a host
 * cluster past the last refcount block's reach allocates a new block
 * (alloc_refcount_block(): the block in a cluster of its own, written, and
 * its refcount table entry synced), and a refcount table full of blocks
 * grows to twice its size (written, and the header synced). The L1 table
 * itself is sized for the virtual disk at creation (qemu-img create) and
 * never grows here. Left out: compressed clusters, discard and zero
 * clusters, several requests allocating the same cluster at once, resize. */
#include "qcow2.h"

#include <glib.h>

#include "blk_world.h"

#define QCOW2_SECTOR 512 /* what an L1 or refcount table entry's update writes */

void blk_qcow2_init(struct blk_vm *vm)
{
    struct blk_world *w = vm->w;
    struct blk_qcow2 *q = &vm->q;
    uint64_t clusters = (w->span + w->cluster_size - 1) / w->cluster_size;

    uint64_t per_table = w->cluster_size / 8, tables = (clusters + per_table - 1) / per_table;
    /* Host clusters are handed out in order: one per guest cluster, L2
     * table and refcount block at most. */
    uint64_t host = clusters + tables + clusters / (w->cluster_size / 2) + 2;

    q->allocated = w->qcow2_alloc ? g_new0(uint64_t, (clusters + 63) / 64) : NULL;
    q->l2_tables = w->qcow2_alloc ? g_new0(uint64_t, (tables + 63) / 64) : NULL;
    q->next_host = 0;
    q->rc_blocks = 1;
    q->rc_table_entries = w->cluster_size / 8;
    blk_cache_init(&q->refcounts, w->refcount_blocks, host / (w->cluster_size / 2) + 2);
}

void blk_qcow2_release(struct blk_vm *vm)
{
    struct blk_world *w = vm->w;

    (void)w;
    g_free(vm->q.allocated);
    g_free(vm->q.l2_tables);
    blk_cache_release(&vm->q.refcounts);
}

/* The next host cluster for @r: its refcount raised in the refcount block
 * cache (a block to read on a miss, a dirty victim to write first), and a
 * new refcount block when it lies past the last one's reach. */
static void host_cluster(struct blk_vm *vm, struct blk_req *r)
{
    struct blk_world *w = vm->w;
    struct blk_qcow2 *q = &vm->q;
    uint64_t block = q->next_host++ / (w->cluster_size / 2);
    bool wrote_back = false;

    if (block >= q->rc_blocks) {
        /* The new block covers its own cluster; it is written whole and
         * its refcount table entry synced. */
        q->rc_blocks++;
        q->rc_block_allocs++;
        q->next_host++;
        r->q_new_clusters++;
        r->q_syncs++;
        if (q->rc_blocks > q->rc_table_entries) {
            q->rc_table_entries *= 2;
            q->rc_table_growths++;
            r->q_table_bytes += (uint32_t)MIN(q->rc_table_entries * 8, UINT32_MAX);
            r->q_syncs++; /* the header points at the new table */
        }
        blk_cache_access(&q->refcounts, block, true, &wrote_back);
    } else if (!blk_cache_access(&q->refcounts, block, true, &wrote_back)) {
        r->q_rc_reads++;
    }
    r->q_rc_writebacks += wrote_back;
}

/* Guest cluster @c's L2 table, allocated if it has none yet. */
static void l2_table(struct blk_vm *vm, struct blk_req *r, uint64_t c)
{
    struct blk_world *w = vm->w;
    struct blk_qcow2 *q = &vm->q;
    uint64_t t = c / (w->cluster_size / 8), bit = 1ull << (t % 64);

    if (q->l2_tables[t / 64] & bit)
        return;
    q->l2_tables[t / 64] |= bit;
    q->l2_allocs++;
    host_cluster(vm, r);
    r->q_new_clusters++; /* the zeroed table */
    r->q_syncs++;        /* its L1 entry */
}

/* Give @r's unallocated clusters host clusters: refcounts raised, their L2
 * slices to be dirtied, the data write widened to whole clusters. Counts
 * the refcount blocks to read and the dirty ones evicted. */
static void allocate(struct blk_vm *vm, struct blk_req *r, bool *fresh)
{
    struct blk_world *w = vm->w;
    struct blk_qcow2 *q = &vm->q;
    uint64_t first = r->offset / w->cluster_size,
             last = (r->offset + r->bytes - 1) / w->cluster_size;

    *fresh = false;
    for (uint64_t c = first; c <= last; c++) {
        uint64_t bit = 1ull << (c % 64);

        if (q->allocated[c / 64] & bit)
            continue;
        q->allocated[c / 64] |= bit;
        *fresh = true;
        l2_table(vm, r, c);
        host_cluster(vm, r);
    }
    if (!*fresh)
        return;
    uint32_t clusters = (uint32_t)((last - first + 1) * w->cluster_size);

    if (clusters == r->bytes)
        return;
    if (!w->chain_len) {
        /* The rest reads as zeros (is_zero_cow()): handle_alloc_space()
         * zeroes the new clusters with one write-zeroes call, which the
         * file turns into fallocate(FALLOC_FL_ZERO_RANGE), and the guest's
         * data is written alone. */
        r->q_zeroes = true;
        return;
    }
    /* The rest comes from the backing chain, written with the guest's
     * data as one request (perform_cow()). */
    r->dev_bytes = clusters;
    r->q_cow_bytes = clusters - r->bytes;
    q->cow_bytes += r->q_cow_bytes;
    r->meta_left += blk_backing_lookup(vm, r, first * w->cluster_size, clusters);
}

/* A read: clusters the image lacks come from the backing chain, or read
 * as zeros when it has none and lacks them all. */
static void map_read(struct blk_vm *vm, struct blk_req *r)
{
    struct blk_world *w = vm->w;
    struct blk_qcow2 *q = &vm->q;
    uint64_t first = r->offset / w->cluster_size,
             last = (r->offset + r->bytes - 1) / w->cluster_size, lacking = 0;

    if (!q->allocated)
        return;
    for (uint64_t c = first; c <= last; c++)
        lacking += !(q->allocated[c / 64] & (1ull << (c % 64)));
    if (lacking == 0)
        return;
    if (w->chain_len) {
        q->backing_reads++;
        r->meta_left += blk_backing_lookup(vm, r, r->offset, r->bytes);
    } else if (lacking == last - first + 1) {
        r->zero_read = true;
    }
}

/* ---- the chain of metadata accesses, each a stage qcow2_meta step ---- */

static void next_meta(struct blk_vm *vm, struct blk_req *r);

/* @n accesses of @bytes, counted as metadata (and as allocation writes). */
static void meta_io(struct blk_vm *vm, struct blk_req *r, uint32_t n, bool is_write, uint32_t bytes)
{
    vm->image.meta_bytes += (uint64_t)n * bytes;
    if (is_write)
        vm->image.alloc_writes += n;
    blk_device_fanout(vm, r, BLK_STAGE_qcow2_meta, n, is_write, bytes, next_meta);
}

/* Dirty victims go first (their slots are reused), then the reads; a
 * request's L2 slices are read one after another, as QEMU maps a request
 * cluster range by cluster range. */
static void next_meta(struct blk_vm *vm, struct blk_req *r)
{
    struct blk_world *w = vm->w;
    uint32_t n;

    if (r->q_sync_flush) {
        r->q_sync_flush = false;
        blk_device_flush(vm, r, next_meta);
    } else if ((n = r->q_rc_writebacks)) {
        r->q_rc_writebacks = 0;
        meta_io(vm, r, n, true, w->cluster_size);
    } else if ((n = r->q_l2_writebacks)) {
        r->q_l2_writebacks = 0;
        meta_io(vm, r, n, true, w->l2_entry_size);
    } else if (r->q_rc_reads) {
        r->q_rc_reads--;
        meta_io(vm, r, 1, false, w->cluster_size);
    } else if ((n = r->q_new_clusters)) {
        r->q_new_clusters = 0;
        meta_io(vm, r, n, true, w->cluster_size);
    } else if ((n = r->q_table_bytes)) {
        r->q_table_bytes = 0;
        meta_io(vm, r, 1, true, n);
    } else if (r->q_syncs) {
        /* bdrv_pwrite_sync(): the sector, then a flush */
        r->q_syncs--;
        r->q_sync_flush = true;
        meta_io(vm, r, 1, true, QCOW2_SECTOR);
    } else if (r->meta_left) {
        r->meta_left--;
        meta_io(vm, r, 1, false, w->l2_entry_size);
    } else if ((n = r->q_cow_bytes)) {
        r->q_cow_bytes = 0;
        blk_device_fanout(vm, r, BLK_STAGE_backing, 1, false, n, next_meta);
    } else {
        r->then(vm, r);
    }
}

void blk_qcow2_map(struct blk_vm *vm, struct blk_req *r, blk_cont_fn cont)
{
    struct blk_world *w = vm->w;
    uint64_t first = r->offset / w->slice_reach, last = (r->offset + r->bytes - 1) / w->slice_reach;
    bool fresh = false;

    if (r->is_write && vm->q.allocated)
        allocate(vm, r, &fresh);
    else if (!r->is_write)
        map_read(vm, r);
    for (uint64_t s = first; s <= last; s++) {
        bool wrote_back = false;

        /* A new L2 entry dirties its slice. */
        if (!blk_cache_access(&vm->l2, s, fresh, &wrote_back))
            r->meta_left++;
        r->q_l2_writebacks += wrote_back;
    }
    r->then = cont;
    if (r->q_chain_entries || r->q_zeroes) {
        /* The backing files' lookups, known only now, and the zeroing
         * call, on the thread. */
        struct blk_part parts[] = {
            { BLK_STAGE_image, (sim_time)r->q_chain_entries * w->cfg.c.qcow2_lookup_entry },
            { BLK_STAGE_qcow2_meta, r->q_zeroes ? w->cfg.c.syscall : 0 },
        };

        r->q_chain_entries = 0;
        r->q_zeroes = false;
        blk_run(vm, &vm->backend, r, BLK_STAGE_image, parts, G_N_ELEMENTS(parts), next_meta);
        return;
    }
    next_meta(vm, r);
}

/* Counted as the thread takes the request (its part is charged then), so
 * a miss another request of the pass loads first still counts whole. */
sim_time blk_qcow2_lookup(struct blk_vm *vm, const struct blk_req *r)
{
    struct blk_world *w = vm->w;
    uint64_t first = r->offset / w->slice_reach, last = (r->offset + r->bytes - 1) / w->slice_reach;
    uint64_t entries = 0;

    if (r->is_flush)
        return 0;
    for (uint64_t s = first; s <= last; s++)
        entries += blk_cache_probes(&vm->l2, s);
    vm->q.lookups += last - first + 1;
    vm->q.lookup_entries += entries;
    return (sim_time)entries * w->cfg.c.qcow2_lookup_entry;
}

/* A flush writes the dirty refcount blocks, then the dirty L2 slices. */
void blk_qcow2_flush(struct blk_vm *vm, struct blk_req *r, blk_cont_fn cont)
{
    r->q_rc_writebacks = (uint32_t)blk_cache_clean_all(&vm->q.refcounts);
    r->q_l2_writebacks = (uint32_t)blk_cache_clean_all(&vm->l2);
    r->then = cont;
    next_meta(vm, r);
}
