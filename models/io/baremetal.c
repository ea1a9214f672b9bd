/* Bare metal: the baseline without a virtualization layer. The "VM" is an
 * application on a host core driving its own queue of the PF; interrupts are
 * native (no exits). DMA is translated only when the host's IOMMU is on
 * (iommu.mode other than off), then mapped per buffer or once
 * (nic.dma_mapping). Left out: RSS and
 * interrupt affinity (each application has its own queue and vector). */
#include "../net/strategy.h"
#include "assigned.h"

static void baremetal_attach(struct net_vm *vm)
{
    bool on = iommu_translates(&vm->nh->host.iommu);

    /* An application's core that halts when idle has no KVM to halt-poll
     * first: it enters the idle state its governor picks at once. */
    if (vm->nh->host.hv.halt)
        for (unsigned i = 0; i < vm->n_vcpus; i++) {
            vm->vcpus[i]->idle_spin = 0;
            vm->vcpus[i]->halt = NULL;
        }

    vm->io = assigned_new(vm, on, on && net_maps_per_buffer(vm->nh->cfg, false));
    net_vm_ready(vm);
}

static sim_time baremetal_irq_deliver(struct net_vm *vm)
{
    /* Native delivery: the handler's own cost (hv.isr) is all there is. */
    (void)vm;
    return 0;
}

const struct io_strategy_ops baremetal_strategy_ops = {
    .name = "baremetal",
    .uses_itr = true,
    .itr_fn = NIC_ITR_FN_PF,
    .vm_to_vm = false,
    .attach = baremetal_attach,
    ASSIGNED_DATA_PATH_OPS,
    .irq_deliver = baremetal_irq_deliver,
};
