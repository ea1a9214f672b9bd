/* virtio-blk: the guest driver puts the request on the virtqueue and kicks
 * the device. With the QEMU backend the kick is an exit to user space
 * (calibration.md 1.1 I/O User) that wakes QEMU's I/O thread; with vhost the
 * kick is handled in the host kernel (I/O Kernel exit, ioeventfd) and a
 * worker (in-kernel or vhost-user) processes the request with less work. The
 * completion is pushed on the used ring and injected through irqfd (exits
 * unless posted), or seen by a polling guest.
 * Left out: kick suppression while the backend is busy (EVENT_IDX, backend
 * polling), multiqueue, request merging. */
#include "blk_world.h"

static void to_host(struct blk_world *w, struct blk_vm *vm, struct blk_req *r)
{
    struct blk_part part = { BLK_STAGE_backend, w->vhost
                                                    ? w->c.vhost_per_request
                                                    : w->c.backend_wake + w->c.qemu_per_request };

    blk_host_submit(w, vm, r, &part, 1);
}

static void virtio_blk_submit(struct blk_world *w, struct blk_vm *vm, struct blk_req *r)
{
    struct blk_part parts[] = {
        { BLK_STAGE_guest_submit, w->c.guest_submit },
        { BLK_STAGE_exit, blk_exits(w, r, w->vhost ? HV_EXIT_mmio_kernel : HV_EXIT_mmio_user, 1) },
    };
    blk_run(w, vm->vcpu, r, BLK_STAGE_guest_submit, parts, G_N_ELEMENTS(parts), to_host);
}

static void virtio_blk_device_done(struct blk_world *w, struct blk_vm *vm, struct blk_req *r)
{
    blk_host_complete(w, vm, r, NULL, 0, blk_irq_injection(w, r));
}

const struct blk_strategy_ops blk_virtio_blk_ops = {
    .name = "virtio-blk",
    .uses_image = true,
    .submit = virtio_blk_submit,
    .device_done = virtio_blk_device_done,
};
