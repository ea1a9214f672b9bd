/* The host as one component: its cores, the hypervisor's exit and interrupt
 * costs, the IOMMU, the PCIe link, and the host kernel's own per-packet and
 * per-request work. Every device of every VM on the host (NIC functions,
 * disks) runs on it and pays its costs; its parameters are the host.*,
 * hv.*, iommu.* and pcie.* tables. */
#ifndef IOVSIM_HOST_HOST_H
#define IOVSIM_HOST_HOST_H

#include <stdint.h>

#include "../hv/hv.h"
#include "../hw/cpu.h"
#include "../hw/iommu.h"
#include "../hw/pcie.h"
#include "scenario.h"
#include "sched.h"
#include "sim.h"
#include "vswitch.h"

/**
 * struct host - one physical machine
 * @stack_per_packet: host NIC driver plus bridge/tap work per packet, paid
 *                    by software paths (emulation, virtio)
 * @block_submit:     host block layer and driver per disk request
 * @block_complete:   host disk interrupt and block-layer completion
 */
struct host {
    struct sim *sim;
    struct cpu_host cpu;
    struct sched_policy sched; /* how its time-shared cores pick threads */
    struct hv hv;
    struct iommu iommu;
    /* The IOMMU's page walkers: an IOTLB miss holds one for its walk, and
     * a DMA whose translation misses waits for a free one (iommu.walkers). */
    struct fifo_server walkers;
    struct pcie_link pcie;
    sim_time stack_per_packet;
    sim_time block_submit, block_complete;
    /* Its software switch (vswitch.*), set up by the net world. */
    struct vswitch vswitch;
    /* With hv.halt, by core: the halt-polling window of the vCPU it runs. */
    struct halt_poll *halt_polls;
};

/* Build the host from the scenario's host.*, hv.*, iommu.* and pcie.* keys. */
void host_init(struct host *h, struct sim *sim, const struct scenario *sc);
void host_release(struct host *h);
void host_reset_stats(struct host *h);
/* @fn hears every job start of the host's cores, PCIe and page walkers. */
void host_on_start(struct host *h, resource_start_fn fn);

/* A virtual interrupt for a guest whose vCPU runs on core @vcpu, the one
 * delivery path of every device class. A vCPU that went idle has executed
 * HLT (an exit); KVM polled for up to the vCPU's window (hv/halt_poll.h,
 * which this halt's end adapts), burning its core (added to *@burn), and
 * past that window scheduled it out, so the interrupt also pays the
 * wake-up. Then the injection and EOI of hv_irq_inject(). Returns the
 * vCPU's host-side cost; adds the exits to @exits by reason. */
sim_time host_virq_deliver(struct host *h, struct cpu_core *vcpu, uint64_t exits[HV_N_EXITS],
                           sim_time *burn);
/* The halt part of host_virq_deliver() alone, for a halt something else
 * ends (the guest's own timer): the HLT exit, the polling burned, the
 * wake-up past the window; 0 when the vCPU is not halted. */
sim_time host_halt_end(struct host *h, struct cpu_core *vcpu, uint64_t exits[HV_N_EXITS],
                       sim_time *burn);

/*
 * host_backend_core - the core of a VM's next backend thread (a NIC's
 * backend, a disk's I/O thread) under host.backend_placement, the one
 * placement of every device class. The host's spare cores (no vCPU, not
 * set apart) are the @n_spare from @first_spare. Pinned: spare core
 * @local, the VM's own (the caller checked there is one per VM). Spread:
 * the spare cores in turn (*@next counts the backends placed), or the VM's
 * vCPU cores when there are none. Shared: the VM's @vcpus in turn. Counts
 * the thread on the core it returns (borrowed).
 */
struct cpu_core *host_backend_core(struct host *h, unsigned first_spare, unsigned n_spare,
                                   unsigned local, struct cpu_core *const *vcpus, unsigned n_vcpus,
                                   unsigned *next);

/* The scenario's cycle count @key as time at the host's clock. */
sim_time host_cycles(const struct host *h, const struct scenario *sc, const char *key);

#endif
