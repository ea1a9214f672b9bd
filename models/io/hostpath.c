/* Host NIC driver and bridge for software-backed devices. The host driver's
 * buffers are DMA-mapped per packet when the host IOMMU is on (iommu.mode),
 * with the costs of docs/sources.md#viommu and #iova-flush-queue, unless nic.dma_mapping is
 * static. Left out: the host's own
 * interrupts and NAPI (folded into host.stack_per_packet), GRO. An Open
 * vSwitch datapath's lookup (vswitch.datapath = ovs) is charged where the
 * packet is switched, on that core, as the vswitch stage. */
#include "hostpath.h"

#include <math.h>

#include <glib.h>

/* Host buffers live above every VM's IOVA space. */
#define HOST_IOVA_BASE (1ull << 48)

sim_time host_dma_api(struct net_vm *vm, struct host_io *h, struct net_pkt *p, int rx)
{
    uint32_t *slot = rx ? &h->rx_slot : &h->tx_slot;
    uint32_t ring = rx ? vm->nh->nic.rx_cap : vm->nh->nic.txq[vm->local + 1].cap;

    p->iova = HOST_IOVA_BASE + ((uint64_t)vm->id << 32) + (rx ? 1ull << 30 : 0) +
              (uint64_t)(*slot % ring) * vm->nh->cfg->buf_size;
    (*slot)++;
    if (!net_maps_per_buffer(vm->nh->cfg, false))
        return 0;
    /* The host's NIC driver maps on the backend's core. */
    if (rx)
        return net_rx_buffers_remap(vm, net_core_id(vm, vm->backend), p);
    return iommu_remap(&vm->nh->host.iommu, sim_now(vm->nh->host.sim), net_core_id(vm, vm->backend),
                       p->iova, p->bytes);
}

void host_backend_init(struct host_backend *b, struct net_vm *vm)
{
    b->io.tx_cap = vm->nh->nic.txq[vm->local + 1].cap;
    vm->hb = b;
}

static void host_dev_tx(struct net_vm *vm, struct host_io *h, struct net_pkt *p)
{
    h->tx_inflight++;
    net_dev_tx(vm, p, vm->local + 1, iommu_translates(&vm->nh->host.iommu), p->iova);
}

void host_tx(struct net_vm *vm, struct host_io *h, struct net_pkt *p)
{
    if (net_pkt_local(vm, p)) {
        net_bridge(vm, p);
        return;
    }
    if (h->tx_inflight < h->tx_cap) {
        host_dev_tx(vm, h, p);
        return;
    }
    net_pkt_wait(vm->nh->host.sim, p, NET_STAGE_host_stack);
    net_pktq_push(vm->nh->pkts, &h->waiting, p);
}

void host_tx_wire_done(struct net_vm *vm, struct host_io *h)
{
    struct net_pkt *p;

    g_assert(h->tx_inflight > 0);
    h->tx_inflight--;
    if ((p = net_pktq_pop(vm->nh->pkts, &h->waiting)))
        host_dev_tx(vm, h, p);
    if (h->on_room && !host_tx_full(h))
        h->on_room(vm);
}

void host_rx(struct net_vm *vm, struct host_io *h, struct net_pkt *p, io_step_fn next)
{
    p->held = host_dma_api(vm, h, p, 1);
    /* The host driver's queue for the VM: one ring, whatever the guest's
     * queue pairs. */
    net_dev_rx(vm, p, vm->local + 1, 0, iommu_translates(&vm->nh->host.iommu), p->iova, next);
}

sim_time host_backend_copy(const struct host_backend *b, const struct net_pkt *p)
{
    return (sim_time)llround(b->copy_per_byte * (double)(p->bytes + b->header_bytes));
}

/* The host's switch looks @p up on @core (host/vswitch.c; nothing for a
 * plain bridge); received from the overlay, it decapsulates @p first. */
static void switch_lookup(struct net_vm *vm, const struct cpu_core *core, struct net_pkt *p,
                          bool rx)
{
    sim_time t = vswitch_lookup(&vm->nh->host.vswitch, net_core_id(vm, core), net_pkt_flow(p),
                                rx && net_pkt_overlay(vm, p), sim_now(vm->nh->host.sim));

    if (t)
        net_step_part(p, NET_STAGE_vswitch, t);
}

void host_backend_tx(struct net_vm *vm, struct host_backend *b, struct cpu_core *core,
                     struct net_pkt *p, io_step_fn next)
{
    net_step(vm->nh->host.sim, p, NET_STAGE_backend);
    net_step_part(p, NET_STAGE_copy, host_backend_copy(b, p));
    /* The tap and the host's switch, for another VM of this host too; out
     * through the host NIC, its driver's DMA mapping as well. */
    net_step_part(p, NET_STAGE_host_stack, host_backend_stack(vm, b, p));
    switch_lookup(vm, core, p, false);
    if (!net_pkt_local(vm, p))
        net_step_part(p, NET_STAGE_iommu, host_dma_api(vm, &b->io, p, 0));
    net_step_cpu(p, core, vm, b->per_packet, next);
}

/* The backend's half of a packet the vSwitch core switched: into guest
 * memory on the VM's backend thread, then the strategy's step. */
static void rx_switched(struct net_vm *vm, struct net_pkt *p)
{
    net_step(vm->nh->host.sim, p, NET_STAGE_backend);
    net_step_part(p, NET_STAGE_copy, host_backend_copy(vm->hb, p));
    net_step_cpu(p, &vm->nh->host.cpu.cores[p->core], vm, vm->hb->per_packet, p->then);
}

/* The host's receive of @p from its NIC: host.stack_per_packet is the
 * NIC driver's per-frame work (netmap's pktgen figure), which a GSO
 * segment from the wire pays per frame, as the guest driver does
 * (assigned_rx_driver()); the switch and the tap take it whole after GRO. */
static sim_time rx_stack(const struct net_vm *vm, const struct host_backend *b,
                         const struct net_pkt *p)
{
    return host_backend_stack(vm, b, p) + (sim_time)(p->frames - 1) * b->host_stack;
}

void host_backend_rx(struct net_vm *vm, const struct host_backend *b, struct cpu_core *core,
                     struct net_pkt *p, io_step_fn next)
{
    net_step(vm->nh->host.sim, p, NET_STAGE_host_stack);
    net_step_part(p, NET_STAGE_iommu, p->held);
    if (vm->vswitch != vm->backend) {
        /* The host driver and the switch run where the PF queue's
         * interrupt lands; the backend thread then copies. */
        g_assert(b == vm->hb);
        p->core = (uint16_t)(core - vm->nh->host.cpu.cores);
        p->then = next;
        switch_lookup(vm, vm->vswitch, p, true);
        net_step_cpu(p, vm->vswitch, vm, rx_stack(vm, b, p), rx_switched);
        return;
    }
    net_step_part(p, NET_STAGE_backend, b->per_packet);
    net_step_part(p, NET_STAGE_copy, host_backend_copy(b, p));
    switch_lookup(vm, core, p, true);
    net_step_cpu(p, core, vm, rx_stack(vm, b, p), next);
}

sim_time host_backend_stack(const struct net_vm *vm, const struct host_backend *b,
                            const struct net_pkt *p)
{
    /* The vSwitch's encapsulation or decapsulation on top of its switching. */
    if (net_pkt_overlay(vm, p))
        return b->host_stack + (sim_time)((double)b->host_stack * vm->nh->cfg->vxlan_cpu + 0.5);
    return b->host_stack;
}
