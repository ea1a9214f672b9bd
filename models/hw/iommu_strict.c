/* Strict invalidation (Linux iommu.strict=1): every unmap clears the page
 * table entries, invalidates the buffer's IOTLB entries and waits for the
 * invalidation to complete before the IOVA is freed, so a device can never
 * reach a buffer after its unmap. The invalidation is the cost the batched
 * and deferred designs amortize; IOVA allocation and the page-table update
 * remain in every design (viommu in docs/sources.md). */
#include "iommu.h"

static sim_time strict_unmap(struct iommu *m, sim_time now, unsigned cpu, uint64_t iova,
                             uint32_t len)
{
    sim_time t = m->unmap_cost + m->inval_cost;

    m->unmaps++;
    iommu_invalidate_range(m, iova, len);
    /* The IOVA is freed only after the invalidation completed. */
    return t + iommu_iova_op(m, cpu, now + t);
}

const struct iommu_design iommu_strict_design = {
    .name = "strict",
    .translates = true,
    .map = iommu_map_buffer,
    .unmap = strict_unmap,
};
