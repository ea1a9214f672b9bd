/* Device emulation (AHCI/IDE-like): the guest driver programs the
 * controller with several register accesses per request, each an exit to
 * QEMU in user space (docs/sources.md#dall-atc17, #ahci); QEMU's device model parses
 * the command on the vCPU thread, then its block layer reads the image on
 * the VM's backend thread (always QEMU's aio=native path: blk.backend is
 * virtio-blk's choice). The completion interrupt is injected and the
 * guest's handler reads and clears the interrupt status: more exits.
 * Completion by polling is refused: polling an emulated status register
 * would exit on every read. */
#include "blk_dev.h"
#include "scenario.h"

static bool emulation_check(const struct scenario *sc, GError **error)
{
    if (g_strcmp0(scenario_str(sc, "blk.completion"), "poll") == 0) {
        scenario_error(sc, "blk.completion", error,
                       "'poll' needs a completion queue in guest memory; the emulated "
                       "controller completes by interrupt");
        return false;
    }
    return true;
}

static void to_host(struct blk_vm *vm, struct blk_req *r)
{
    r->kicked = true; /* the command register's write */
    vm->st.kicks++;
    blk_host_submit(vm, r, 0);
}

static void emulation_submit(struct blk_vm *vm, struct blk_req *r)
{
    if (blk_flush_ends_in_guest(vm, r))
        return;

    struct blk_part parts[] = {
        { BLK_STAGE_guest_submit, vm->cfg->c.guest_submit },
        { BLK_STAGE_exit, blk_exits(vm, r, HV_EXIT_mmio_user, vm->cfg->c.emulation_submit_exits) },
        { BLK_STAGE_backend, vm->cfg->c.emulation_per_request },
    };
    blk_run(vm, &vm->vcpu, r, BLK_STAGE_guest_submit, parts, G_N_ELEMENTS(parts), to_host);
}

static void emulation_device_done(struct blk_vm *vm, struct blk_req *r)
{
    /* The handler reads and clears the controller's status: more exits. */
    sim_time exits = blk_irq_injection(vm, r) +
                     blk_exits(vm, r, HV_EXIT_mmio_user, vm->cfg->c.emulation_complete_exits);

    blk_host_complete(vm, r, exits);
}

const struct blk_strategy_ops blk_emulation_ops = {
    .name = "emulation",
    .uses_image = true,
    .check = emulation_check,
    .submit = emulation_submit,
    .device_done = emulation_device_done,
    .backend = "qemu", /* QEMU's device model submits through its block layer */
};
