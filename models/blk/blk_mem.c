/* What building the virtual disks allocates, from their parameters alone.
 * A qcow2 image keeps, per VM, a slot number for every L2 slice of the
 * disk and an LRU slot per cache entry (qcow2_cache_init()); a raw image
 * keeps nothing that grows with the disk. Per-VM state besides is small. */
#include "blk_mem.h"

#include <string.h>

#include "qcow2.h"

/* A VM's own state (servers, statistics, histogram), generously. */
#define VM_BYTES 8192

uint64_t blk_mem_disks(const struct scenario *sc, uint64_t n_vms, const char *vms_key,
                       GString *keys)
{
    uint64_t disk, reach, slices, slots, map, cache;

    if (strcmp(scenario_str(sc, "blk.format"), "qcow2") != 0) {
        g_string_append(keys, vms_key);
        return n_vms * VM_BYTES;
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
    cache = slots * sizeof(struct qcow2_slot);
    g_string_append_printf(
        keys, "%s, %s", map >= cache ? "blk.disk_size, qcow2.cluster_size" : "qcow2.l2_cache_size",
        vms_key);
    return n_vms * (VM_BYTES + map + cache);
}

uint64_t blk_mem_estimate(const struct scenario *sc, GString *keys)
{
    return blk_mem_disks(sc, (uint64_t)scenario_int(sc, "blk.vms"), "blk.vms", keys);
}
