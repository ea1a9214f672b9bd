/* Direct device access from the guest driver: a descriptor and a doorbell
 * MMIO write that does not exit, DMA through the IOMMU, completion
 * interrupts under the NIC's moderation. Buffers sit at fixed IOVAs, one
 * per ring slot, so the IOTLB sees the ring's real footprint. Left out:
 * descriptor prefetch and write-back batching, header split. */
#include "assigned.h"

#include <glib.h>

#include "../net/net.h"

/* Receive buffers sit 1 GiB above transmit buffers in each VM's space. */
#define RX_OFFSET (1ull << 30)

struct assigned_vm *assigned_new(struct net_world *w, struct net_vm *vm, bool translate,
                                 bool dma_api)
{
    struct assigned_vm *a = g_new0(struct assigned_vm, 1);

    (void)w;
    a->queue = vm->id + 1;
    a->translate = translate;
    a->dma_api = dma_api;
    a->iova_base = (uint64_t)(vm->id + 1) << 32;
    return a;
}

void assigned_detach(struct net_world *w, struct net_vm *vm)
{
    (void)w;
    g_free(vm->io);
    vm->io = NULL;
}

static uint64_t next_iova(struct net_world *w, struct assigned_vm *a, bool rx)
{
    uint32_t ring = rx ? w->nic.rx_cap : w->nic.txq[a->queue].cap;
    uint32_t *slot = rx ? &a->rx_slot : &a->tx_slot;
    uint64_t iova = a->iova_base + (rx ? RX_OFFSET : 0) + (uint64_t)(*slot % ring) * w->buf_size;

    (*slot)++;
    return iova;
}

static void tx_posted(struct net_world *w, struct net_pkt *p)
{
    struct net_vm *vm = &w->vms[p->src];
    struct assigned_vm *a = vm->io;
    unsigned cpu = p->cpu;

    net_dev_tx(w, p, a->queue, a->translate, p->iova);
    guest_xmit_done(w, vm, cpu);
}

void assigned_guest_tx(struct net_world *w, struct net_vm *vm, struct net_pkt *p)
{
    struct assigned_vm *a = vm->io;
    uint64_t iova = next_iova(w, a, false);
    sim_time map = 0;

    if (a->dma_api)
        map = iommu_map(&w->host.iommu, iova, p->bytes) +
              iommu_unmap(&w->host.iommu, sim_now(w->sim), iova, p->bytes);
    p->iova = iova;
    net_step(w, p, NET_STAGE_driver);
    net_step_part(p, NET_STAGE_iommu, map);
    net_step_cpu(w, p, net_pkt_vcpu(vm, p), vm, w->g.driver_tx, tx_posted);
}

static void rx_landed(struct net_world *w, struct net_pkt *p)
{
    struct net_vm *vm = net_pkt_dst_vm(w, p);

    guest_rx_arrive(w, vm, p);
    guest_irq_raise(w, vm);
}

void assigned_device_rx(struct net_world *w, struct net_vm *vm, struct net_pkt *p)
{
    struct assigned_vm *a = vm->io;

    p->iova = next_iova(w, a, true);
    net_dev_rx(w, p, a->queue, a->translate, p->iova, rx_landed);
}

void assigned_tx_wire_done(struct net_world *w, struct net_vm *vm, struct net_pkt *p)
{
    guest_tx_complete(w, vm, p->bytes);
}

sim_time assigned_rx_driver(struct net_world *w, struct net_vm *vm, struct net_pkt *p)
{
    struct assigned_vm *a = vm->io;
    sim_time t = w->g.driver_rx;

    nic_rx_release(&w->nic, a->queue);
    if (a->dma_api) {
        /* Unmap the filled buffer, map its replacement. */
        t += iommu_unmap(&w->host.iommu, sim_now(w->sim), p->iova, p->bytes) +
             iommu_map(&w->host.iommu, p->iova, p->bytes);
    }
    return t;
}

sim_time assigned_irq_complete(struct net_world *w, struct net_vm *vm, bool *rearmed)
{
    /* Unmasking the vector is an MMIO write to the function: no exit. */
    (void)w;
    (void)vm;
    *rearmed = true;
    return 0;
}
