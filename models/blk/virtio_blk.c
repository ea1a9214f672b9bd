/* virtio-blk: the guest driver puts the request on the virtqueue and
 * notifies the device (Linux drivers/block/virtio_blk.c virtio_queue_rq()).
 * The notification's exit and the thread that serves the queue are the
 * backend's (backend.c): an exit to user space for QEMU's threads, an
 * ioeventfd in the kernel for vhost, none for a thread that polls the
 * virtqueue. The completion is pushed on the used ring and injected through
 * irqfd (exits unless posted), or seen by a polling guest. With EVENT_IDX
 * (virtio.event_idx) the guest does not kick a thread that is draining the
 * queue and the device does not interrupt a handler that is still reaping,
 * so at depth a request costs less than one exit each way.
 * Left out: multiqueue, the guest block layer's plugging (bd->last). */
#include "blk_world.h"

static void to_host(struct blk_world *w, struct blk_vm *vm, struct blk_req *r)
{
    blk_host_submit(w, vm, r, vm->be->in_kernel ? w->c.vhost_per_request : w->c.qemu_per_request);
}

static void virtio_blk_submit(struct blk_world *w, struct blk_vm *vm, struct blk_req *r)
{
    sim_time kick = 0;

    /* With EVENT_IDX the device asks for no kick while its thread drains
     * the queue with notifications off (QEMU virtio_blk_handle_vq()); the
     * thread's re-check before it sleeps finds @r. */
    r->kicked = vm->be->kick != HV_N_EXITS && !(w->event_idx && blk_backend_draining(vm));
    if (r->kicked)
        kick = blk_exits(w, r, vm->be->kick, 1);
    struct blk_part parts[] = {
        { BLK_STAGE_guest_submit, w->c.guest_submit },
        { BLK_STAGE_exit, kick },
    };
    blk_run(w, &vm->vcpu, r, BLK_STAGE_guest_submit, parts, G_N_ELEMENTS(parts), to_host);
}

static void virtio_blk_device_done(struct blk_world *w, struct blk_vm *vm, struct blk_req *r)
{
    blk_host_complete(w, vm, r, 0);
}

/* The backend has pushed @r on the used ring. With EVENT_IDX the guest's
 * used_event stays where its handler's pass began until the pass ends
 * (virtblk_done()'s disable_cb/enable_cb loop), so a completion landing
 * while the pass is open raises no interrupt: the handler's loop finds it. */
static sim_time virtio_blk_notify(struct blk_world *w, struct blk_vm *vm, struct blk_req *r)
{
    if (w->event_idx && !w->poll && vm->irq_open > 0) {
        r->irq_joined = true;
        return 0;
    }
    return blk_irq_injection(w, r);
}

const struct blk_strategy_ops blk_virtio_blk_ops = {
    .name = "virtio-blk",
    .uses_image = true,
    .submit = virtio_blk_submit,
    .device_done = virtio_blk_device_done,
    .notify = virtio_blk_notify,
    .merges = true,
};
