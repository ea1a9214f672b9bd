/* Deferred invalidation through per-CPU flush queues (Linux dma-iommu.c,
 * the default "lazy" mode): an unmap clears the page-table entries and
 * queues its IOVA on its CPU's queue; when that queue is full, one global
 * IOTLB flush covers every CPU's queued unmaps, and a timer armed by the
 * first queued unmap flushes what is left fq_timeout later
 * (IOVA_DEFAULT_FQ_SIZE 256, IOVA_DEFAULT_FQ_TIMEOUT 10 ms; docs/sources.md
 * iova-flush-queue). Stale IOTLB entries keep working until the flush. Left
 * out: the timer's flush costs no core (it runs in a timer softirq). */
#include "iommu.h"

static void fq_on_timer(struct sim *sim, void *ctx, const void *payload)
{
    struct iommu *m = ctx;

    (void)sim;
    (void)payload;
    m->fq_timer_on = false;
    if (m->fq_total)
        iommu_flush_all(m);
}

sim_time iommu_fq_push(struct iommu *m, unsigned q)
{
    sim_time t = 0;

    /* A ring of fq_size slots is full with fq_size - 1 entries (fq_full). */
    if (m->fq_len[q] + 1 >= m->fq_size) {
        iommu_flush_all(m);
        t = m->inval_cost;
    }
    m->fq_len[q]++;
    m->fq_total++;
    if (!m->fq_timer_on) {
        m->fq_timer_on = true;
        sim_schedule(m->sim, m->fq_timeout, fq_on_timer, m, NULL, 0);
    }
    return t;
}

static sim_time deferred_unmap(struct iommu *m, sim_time now, unsigned cpu, uint64_t iova,
                               uint32_t len)
{
    sim_time t;

    (void)iova;
    (void)len;
    m->unmaps++;
    /* The own CPU's queue lock is never contended. */
    t = m->unmap_cost + iommu_fq_push(m, cpu);
    /* Freeing the IOVA when its flush completes takes the allocator as an
     * allocation does; charged here, once per unmap. */
    return t + iommu_iova_op(m, cpu, now + t);
}

const struct iommu_design iommu_deferred_design = {
    .name = "deferred",
    .translates = true,
    .map = iommu_map_buffer,
    .unmap = deferred_unmap,
};
