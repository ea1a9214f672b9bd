/* The guest's NVMe completion queue (bare metal, an assigned disk). Linux's
 * nvme_irq() reaps every entry the queue holds when it runs
 * (nvme_poll_cq(): until the phase tag says there is none), so entries
 * posted while a handler pass is open are reaped by that pass: one
 * interrupt entry, driver handler and (assigned) injection for the pass,
 * the completion work (the waiter's wake-up, the block layer's
 * completion) for each entry, as virtio-blk's virtblk_done() pass does.
 * An interrupt raised while the pass is open merges with it (its vector is
 * in service or pending; the entry is found by the loop); it is counted,
 * not charged. Left out: the handler's spurious second run that such a
 * pending vector may cause, NVMe interrupt coalescing (off by default). */
#include "blk_dev.h"

static void reap_next(struct blk_vm *vm);

static void reaped(struct blk_vm *vm, struct blk_req *r)
{
    blk_req_finish(vm, r);
    reap_next(vm);
}

static void reap_next(struct blk_vm *vm)
{
    if (vm->cq_head == BLK_NO_REQ) {
        vm->irq_pass = false;
        return;
    }
    blk_reap(vm, blk_list_pop(vm, &vm->cq_head), reaped);
}

void blk_reap(struct blk_vm *vm, struct blk_req *r, blk_cont_fn cont)
{
    struct blk_part parts[] = {
        { BLK_STAGE_exit, r->irq_exit_ps },
        { BLK_STAGE_irq, (vm->handler_owed ? vm->cfg->c.irq_handler : 0) + vm->cfg->c.wakeup },
        { BLK_STAGE_guest_complete, vm->cfg->c.guest_complete },
    };

    vm->handler_owed = false;
    blk_run_irq(vm, &vm->vcpu, r, BLK_STAGE_irq, parts, G_N_ELEMENTS(parts), cont);
}

void blk_cq_post(struct blk_vm *vm, struct blk_req *r, bool inject)
{
    if (vm->cfg->poll) {
        blk_guest_complete(vm, r, 0);
        return;
    }
    blk_step(vm, r, BLK_STAGE_irq);
    blk_list_push(vm, &vm->cq_head, &vm->cq_tail, r);
    if (vm->irq_pass) {
        vm->st.irqs++;
        return;
    }
    if (inject) {
        r->irq_exit_ps = blk_irq_injection(vm, r);
    } else {
        vm->st.irqs++;
        r->irq_exit_ps = 0;
    }
    vm->irq_pass = true;
    vm->handler_owed = true;
    reap_next(vm);
}
