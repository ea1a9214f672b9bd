/* Passthrough: an NVMe device (or function) assigned to the guest. The
 * guest's doorbell write goes straight to the device's BAR (no exit); the
 * device's DMA is translated by the IOMMU (page walks on IOTLB misses,
 * calibration.md 1.5); its completion interrupt is taken by the host and
 * injected (exit + EOI exit), or posted to the running vCPU without exits.
 * Left out: IOVA map/unmap costs in the guest, interrupt remapping table
 * lookups, ATS. */
#include <gsl/gsl_randist.h>

#include "blk_world.h"

static void iommu_done(struct blk_world *w, struct blk_vm *vm, struct blk_req *r)
{
    blk_device_submit(w, vm, r);
}

/* Page walks of one DMA: every 4 KiB page misses with iotlb_miss_rate. */
static sim_time iommu_walk(struct blk_world *w, const struct blk_req *r)
{
    unsigned pages = (r->bytes + 4095) / 4096, misses;

    if (w->c.iotlb_miss_rate >= 1.0)
        misses = pages;
    else if (w->c.iotlb_miss_rate <= 0.0)
        misses = 0;
    else
        misses = gsl_ran_binomial(w->iommu_rng, w->c.iotlb_miss_rate, pages);
    return (sim_time)misses * w->c.iommu_walk_levels * w->c.iommu_walk_access;
}

static void to_iommu(struct blk_world *w, struct blk_vm *vm, struct blk_req *r)
{
    (void)vm;
    blk_delay(w, r, BLK_STAGE_iommu, iommu_walk(w, r), iommu_done);
}

static void passthrough_submit(struct blk_world *w, struct blk_vm *vm, struct blk_req *r)
{
    struct blk_part part = { BLK_STAGE_guest_submit, w->c.guest_submit };

    blk_run(w, &vm->vcpu, r, BLK_STAGE_guest_submit, &part, 1, to_iommu);
}

static void passthrough_device_done(struct blk_world *w, struct blk_vm *vm, struct blk_req *r)
{
    unsigned n;
    sim_time exits = blk_irq_injection(w, &n);

    blk_guest_complete(w, vm, r, exits, n);
}

const struct blk_strategy_ops blk_passthrough_ops = {
    .name = "passthrough",
    .uses_image = false,
    .submit = passthrough_submit,
    .device_done = passthrough_device_done,
};
