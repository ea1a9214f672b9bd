/* Bare metal: the application's core runs the block layer and the NVMe
 * driver; the doorbell write and the completion (nvme_cq.c) need no
 * hypervisor. The
 * baseline the virtualized strategies are compared with. */
#include "blk_dev.h"

static void to_device(struct blk_vm *vm, struct blk_req *r)
{
    blk_device_submit(vm, r);
}

static void baremetal_submit(struct blk_vm *vm, struct blk_req *r)
{
    struct blk_part part = { BLK_STAGE_guest_submit, vm->cfg->c.guest_submit };

    if (blk_flush_ends_in_guest(vm, r))
        return;
    blk_run(vm, &vm->vcpu, r, BLK_STAGE_guest_submit, &part, 1, to_device);
}

static void baremetal_device_done(struct blk_vm *vm, struct blk_req *r)
{
    blk_cq_post(vm, r, false);
}

const struct blk_strategy_ops blk_baremetal_ops = {
    .name = "baremetal",
    .uses_image = false,
    .submit = baremetal_submit,
    .device_done = baremetal_device_done,
};
