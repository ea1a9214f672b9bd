/* Passthrough (device assignment): one NIC function owned by exactly one VM.
 * The guest driver rings the doorbell through mapped MMIO without an exit;
 * DMA goes through the IOMMU on a static mapping (VFIO pins guest memory, so
 * no per-buffer map/unmap, unless nic.dma_mapping = per-buffer); interrupts arrive on the host and
 * are injected (an exit) or posted, and the EOI exits unless exitless (docs/sources.md#eli).
 * Left out: the host's VFIO set-up and the vIOMMU. */
#include "../net/strategy.h"
#include "assigned.h"

static bool passthrough_check(const struct scenario *sc, const char *count_key, int64_t vms,
                              GError **error)
{
    int64_t devices = scenario_int(sc, "passthrough.devices");

    if (vms > devices) {
        scenario_error(sc, count_key, error,
                       "%" G_GINT64_FORMAT " VMs but %" G_GINT64_FORMAT
                       " passthrough device(s): a device belongs to one VM "
                       "(raise passthrough.devices or use sriov)",
                       vms, devices);
        return false;
    }
    return true;
}

static void passthrough_attach(struct net_vm *vm)
{
    vm->io = assigned_new(vm, true, net_maps_per_buffer(vm->nh->cfg, true));
    ((struct assigned_vm *)vm->io)->msix_trapped = true;
    net_vm_ready(vm);
}

const struct io_strategy_ops passthrough_strategy_ops = {
    .name = "passthrough",
    .uses_itr = true,
    .itr_fn = NIC_ITR_FN_PF,
    .assigned = true,
    .vm_to_vm = false,
    .check = passthrough_check,
    .attach = passthrough_attach,
    ASSIGNED_DATA_PATH_OPS,
    .irq_deliver = assigned_irq_deliver,
};
