/* Passthrough: an NVMe device (or function) assigned to the guest. The
 * guest's doorbell write goes straight to the device's BAR (no exit); the
 * device's DMA is translated by the IOMMU (page walks on IOTLB misses,
 * docs/sources.md#fands); a miss waits for one of the host's page walkers,
 * the same walkers the NICs' DMA uses (one IOMMU for every device). The
 * completion interrupt that starts a handler pass (nvme_cq.c) is taken by
 * the host and injected (exit + EOI exit), or posted to the running vCPU
 * without exits.
 * Left out: IOVA map/unmap costs in the guest, interrupt remapping table
 * lookups, ATS. */
#include "blk_dev.h"

static void iommu_done(struct blk_vm *vm, struct blk_req *r)
{
    blk_device_submit(vm, r);
}

/* The DMA of @r translated through the host's IOTLB. The guest's buffers
 * are its iodepth request buffers (r->buf), on the static mapping VFIO
 * sets up (guest-physical = IOVA): after the first use they hit while the
 * IOTLB holds them all. */
static sim_time iommu_walk(struct blk_vm *vm, const struct blk_req *r)
{
    uint64_t iova = ((uint64_t)vm->index << 40) + (uint64_t)r->buf * vm->cfg->bs;

    return iommu_translate(&vm->host->iommu, iova, r->bytes);
}

static void to_iommu(struct blk_vm *vm, struct blk_req *r)
{
    sim_time walk = iommu_walk(vm, r);
    struct blk_part part = { BLK_STAGE_iommu, walk };

    if (walk == 0) {
        blk_device_submit(vm, r);
        return;
    }
    blk_serve(vm, &vm->host->walkers, r, BLK_STAGE_iommu, &part, 1, iommu_done);
}

static void passthrough_submit(struct blk_vm *vm, struct blk_req *r)
{
    struct blk_part part = { BLK_STAGE_guest_submit, vm->cfg->c.guest_submit };

    if (blk_flush_ends_in_guest(vm, r))
        return;
    blk_run(vm, &vm->vcpu, r, BLK_STAGE_guest_submit, &part, 1, to_iommu);
}

static void passthrough_device_done(struct blk_vm *vm, struct blk_req *r)
{
    blk_cq_post(vm, r, true);
}

const struct blk_strategy_ops blk_passthrough_ops = {
    .name = "passthrough",
    .uses_image = false,
    .submit = passthrough_submit,
    .device_done = passthrough_device_done,
};
