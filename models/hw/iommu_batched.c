/* Batched invalidation through one flush queue for the whole domain: the
 * first design of Linux's lazy mode (intel-iommu's global deferred queue
 * under async_umap_flush_lock, until Peleg et al. made it per CPU) and
 * today's single-queue option (IOMMU_DMA_OPTS_SINGLE_QUEUE, for IOMMUs
 * whose flushes are costly). Every unmap takes the queue's lock, and the
 * unmap that finds the queue at its high-water mark flushes the IOTLB while
 * holding it, so cores wait for each other (docs/sources.md
 * iova-flush-queue). Linux sizes its single queue at 32,768 entries and
 * 1 s; iommu.flush_queue and iommu.flush_timeout set both designs. */
#include "iommu.h"

static sim_time batched_unmap(struct iommu *m, sim_time now, unsigned cpu, uint64_t iova,
                              uint32_t len)
{
    sim_time t = m->unmap_cost, flush;
    sim_time got;

    (void)iova;
    (void)len;
    m->unmaps++;
    /* Queue under the shared lock; a flush happens inside it. */
    flush = m->fq_len[0] + 1 >= m->fq_size ? m->inval_cost : 0;
    got = iommu_lock(m, &m->fq_lock, cpu, now + t, m->fq_lock_lines, flush);
    iommu_fq_push(m, 0);
    t += got;
    return t + iommu_iova_op(m, cpu, now + t);
}

const struct iommu_design iommu_batched_design = {
    .name = "batched",
    .translates = true,
    .map = iommu_map_buffer,
    .unmap = batched_unmap,
};
