/* SR-IOV: one VF per VM from a shared PF and port. The data path is
 * passthrough's, on the VF's queue; VFs share the port (round robin) and
 * the PCIe link, and VF-to-VF frames cross the NIC's VEB instead of the
 * wire. At set-up each VF asks the PF driver over the mailbox (doorbell
 * interrupt, PF work on a host core) before its VM may send
 * (docs/sources.md#ixgbe-sriov). Left out: VLAN/MAC anti-spoofing, VF resets later. */
#include <string.h>

#include "../net/strategy.h"
#include "assigned.h"

bool assigned_check_vfs(const struct scenario *sc, const char *count_key, int64_t vms,
                        GError **error)
{
    int64_t vfs = scenario_int(sc, "nic.vfs");
    int64_t max_vfs = scenario_int(sc, "nic.max_vfs");

    if (vfs > max_vfs) {
        scenario_error(sc, "nic.vfs", error,
                       "%" G_GINT64_FORMAT " VFs enabled but the NIC has %" G_GINT64_FORMAT
                       " (nic.max_vfs)",
                       vfs, max_vfs);
        return false;
    }
    if (vms > vfs) {
        scenario_error(sc, count_key, error,
                       "%" G_GINT64_FORMAT " VMs need one VF each but nic.vfs is %" G_GINT64_FORMAT,
                       vms, vfs);
        return false;
    }
    return true;
}

struct mbx_msg {
    uint32_t left;
};

static void mailbox_on_reply(struct sim *sim, void *ctx, uint64_t tag);

/* The VF writes a request into its 64-byte mailbox and rings the PF's
 * doorbell; the PF driver handles it on a host core and answers. */
static void mailbox_request(struct net_vm *vm, uint32_t left)
{
    /* Set-up only, never per packet: the registry lookup is fine here. */
    sim_time cost =
        cpu_cycles(&vm->nh->host.cpu, (double)scenario_int(vm->nh->sc, "sriov.mailbox_cost"));

    vm->nh->nic.mailbox_msgs++;
    net_backend_job(vm->backend, vm, cost, mailbox_on_reply, vm, left);
}

static void mailbox_on_reply(struct sim *sim, void *ctx, uint64_t tag)
{
    struct net_vm *vm = ctx;

    (void)sim;
    if (tag > 1)
        mailbox_request(vm, (uint32_t)tag - 1);
    else
        net_vm_ready(vm);
}

static void sriov_attach(struct net_vm *vm)
{
    uint32_t msgs = (uint32_t)scenario_int(vm->nh->sc, "sriov.mailbox_msgs");

    vm->io = assigned_new(vm, true, net_maps_per_buffer(vm->nh->cfg, true));
    ((struct assigned_vm *)vm->io)->msix_trapped = true;
    if (msgs)
        mailbox_request(vm, msgs);
    else
        net_vm_ready(vm);
}

const struct io_strategy_ops sriov_strategy_ops = {
    .name = "sriov",
    .uses_itr = true,
    .itr_fn = NIC_ITR_FN_VF,
    .assigned = true,
    .vm_to_vm = true,
    .check = assigned_check_vfs,
    .attach = sriov_attach,
    ASSIGNED_DATA_PATH_OPS,
    .bridge_rx = assigned_device_rx,
    .irq_deliver = assigned_irq_deliver,
};
