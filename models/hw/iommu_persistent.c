/* Persistent mappings: a driver maps each buffer the first time it uses it
 * and keeps the mapping for as long as it recycles the buffer (Linux
 * page_pool with PP_FLAG_DMA_MAP; the "persistent" protection strategy of
 * Willmann et al., USENIX ATC'08), so map, unmap and invalidation vanish
 * after the ring's first lap and only IOTLB misses remain. The protection
 * given up: a device may reach a recycled buffer at any time. */
#include "iommu.h"

static sim_time persistent_map(struct iommu *m, sim_time now, unsigned cpu, uint64_t iova,
                               uint32_t len)
{
    if (!m->mapped)
        m->mapped = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, NULL);
    if (g_hash_table_contains(m->mapped, &iova))
        return 0;
    g_hash_table_add(m->mapped, g_memdup2(&iova, sizeof(iova)));
    return iommu_map_buffer(m, now, cpu, iova, len);
}

/* The buffer goes back to the pool still mapped: its unmap does nothing. */
const struct iommu_design iommu_persistent_design = {
    .name = "persistent",
    .translates = true,
    .map = persistent_map,
    .unmap = iommu_no_work,
};
