/* What building the virtual disks allocates, from their parameters alone.
 * A qcow2 image keeps, per VM, a slot number for every L2 slice of the
 * disk and an LRU slot per cache entry (blk_cache_init()); the image file
 * keeps an allocation bitmap when sparse and a page cache when cached;
 * each qcow2 backing file has an L2 cache as the image's.
 * Per-VM state besides is small. */
#include "blk_mem.h"

#include <string.h>

#include "blk_world.h"
#include "cache.h"

/* An extent (extents.c) with its tree node and two allocations' headers. */
#define EXTENT_BYTES 96

/* A VM's own state (statistics, histogram), generously. */
#define VM_BYTES 8192

/* virtio-blk's virtqueue (vring.c): descriptors, the two rings, a token
 * per slot and a byte per cache line of the shared memory, generously. */
static uint64_t vq_bytes(const struct scenario *sc)
{
    uint64_t size = (uint64_t)scenario_int(sc, "virtio.ring_size");

    return sizeof(struct vring) + size * (sizeof(struct vring_desc) + sizeof(uint16_t) +
                                          sizeof(struct vring_used_elem) + sizeof(uint64_t) + 4);
}

/* The image file's structures (image.c, extents.c): a bit per device
 * block the file system models when sparse, an extent per block at worst on
 * an aged file system (a fresh one's grow with the writes), and with a host page cache a
 * slot number per block plus a slot per cached page. */
static uint64_t image_bytes(const struct scenario *sc, GString *keys)
{
    uint64_t span = (uint64_t)scenario_real(sc, "fio.span"), blocks, bytes = 0, pages;
    uint64_t fs_block = (uint64_t)scenario_real(sc, "image.fs_block"), run, phys;
    bool raw = strcmp(scenario_str(sc, "blk.format"), "qcow2") != 0;

    if (span == 0)
        span = (uint64_t)scenario_real(sc, "blk.disk_size");
    blocks = (span + fs_block - 1) / fs_block;
    /* extents.c: the device blocks modelled, twice the file's and a run when aged */
    run = (uint64_t)scenario_real(sc, "image.fs_free_run") / fs_block;
    phys = run ? 2 * run * ((blocks + run - 1) / run + 1) : blocks;
    if (raw && run) /* every block its own extent, at worst */
        bytes += blocks * EXTENT_BYTES;
    if (raw && strcmp(scenario_str(sc, "image.preallocation"), "off") == 0)
        bytes += (phys + 63) / 64 * sizeof(uint64_t);
    if (strcmp(scenario_str(sc, "image.cache"), "none") != 0) {
        pages =
            MIN(MAX((uint64_t)scenario_real(sc, "image.host_cache_size") / fs_block, 1), blocks);
        bytes += blocks * sizeof(uint32_t) + pages * sizeof(struct blk_cache_slot);
    }
    if (bytes)
        g_string_append(keys,
                        "fio.span, image.fs_block, image.fs_free_run, image.host_cache_size, ");
    return bytes;
}

/* qcow2.c: a bit per cluster of the span on a fresh image, and the
 * refcount cache's map (a slot number per refcount block) and slots. */
static uint64_t qcow2_alloc_bytes(const struct scenario *sc)
{
    uint64_t span = (uint64_t)scenario_real(sc, "fio.span");
    uint64_t cluster = (uint64_t)scenario_real(sc, "qcow2.cluster_size"), clusters, blocks;
    uint64_t slots = (uint64_t)scenario_real(sc, "qcow2.refcount_cache_size") / cluster, bytes;

    if (span == 0)
        span = (uint64_t)scenario_real(sc, "blk.disk_size");
    clusters = (span + cluster - 1) / cluster;
    blocks = clusters / (cluster / 2) + 1;
    bytes = blocks * sizeof(uint32_t) + MIN(MAX(slots, 1), blocks) * sizeof(struct blk_cache_slot);
    if (strcmp(scenario_str(sc, "image.preallocation"), "off") == 0)
        bytes += (clusters + 63) / 64 * sizeof(uint64_t);
    return bytes;
}

uint64_t blk_mem_disks(const struct scenario *sc, uint64_t n_vms, const char *vms_key,
                       GString *keys)
{
    uint64_t disk, reach, slices, slots, map, cache, layers, image = image_bytes(sc, keys);

    image += vq_bytes(sc);
    if (strcmp(scenario_str(sc, "blk.format"), "qcow2") != 0) {
        g_string_append(keys, vms_key);
        return n_vms * (VM_BYTES + image);
    }
    disk = (uint64_t)scenario_real(sc, "blk.disk_size");
    /* An L2 entry is 8 bytes and maps one cluster. */
    reach = (uint64_t)(scenario_real(sc, "qcow2.l2_entry_size") / 8) *
            (uint64_t)scenario_real(sc, "qcow2.cluster_size");
    slices = (disk + reach - 1) / reach;
    slots = (uint64_t)scenario_real(sc, "qcow2.l2_cache_size") /
            (uint64_t)scenario_real(sc, "qcow2.l2_entry_size");
    slots = MIN(MIN(slots, slices), (uint64_t)UINT32_MAX - 1);
    map = slices * sizeof(uint32_t);
    cache = slots * sizeof(struct blk_cache_slot);
    image += qcow2_alloc_bytes(sc);
    /* Every qcow2 file of the backing chain has an L2 cache of its own. */
    layers =
        1 + blk_backing_depth(sc) -
        (blk_backing_depth(sc) && strcmp(scenario_str(sc, "image.backing_format"), "raw") == 0);
    g_string_append_printf(
        keys, "%s, %s", map >= cache ? "blk.disk_size, qcow2.cluster_size" : "qcow2.l2_cache_size",
        vms_key);
    return n_vms * (VM_BYTES + layers * (map + cache) + image);
}

uint64_t blk_mem_estimate(const struct scenario *sc, GString *keys)
{
    return blk_mem_disks(sc, (uint64_t)scenario_int(sc, "blk.vms"), "blk.vms", keys);
}
