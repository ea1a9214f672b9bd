/* The data path shared by strategies where the guest driver talks to a NIC
 * function directly: bare metal (the PF's queues), passthrough (a whole
 * function) and SR-IOV (a VF). Each strategy file fills its own ops table
 * from these pieces and adds what differs (interrupt delivery, mailbox). */
#ifndef IOVSIM_IO_ASSIGNED_H
#define IOVSIM_IO_ASSIGNED_H

#include <stdbool.h>
#include <stdint.h>

#include "simtime.h"

struct net_world;
struct net_vm;
struct net_pkt;

/**
 * struct assigned_vm - a VM's NIC function
 * @queue:     NIC queue (VF or PF queue) the VM owns
 * @translate: DMA goes through the IOMMU
 * @dma_api:   the driver maps and unmaps each buffer (host DMA API);
 *             false for the static mapping of an assigned device (VFIO)
 */
struct assigned_vm {
    unsigned queue;
    bool translate;
    bool dma_api;
    uint64_t iova_base;
    uint32_t tx_slot, rx_slot;
};

/* Caller owns the result (vm->io); freed by assigned_detach(). */
struct assigned_vm *assigned_new(struct net_world *w, struct net_vm *vm, bool translate,
                                 bool dma_api);
void assigned_guest_tx(struct net_world *w, struct net_vm *vm, struct net_pkt *p);
void assigned_device_rx(struct net_world *w, struct net_vm *vm, struct net_pkt *p);
void assigned_tx_wire_done(struct net_world *w, struct net_vm *vm, struct net_pkt *p);
sim_time assigned_rx_driver(struct net_world *w, struct net_vm *vm, struct net_pkt *p);
sim_time assigned_irq_complete(struct net_world *w, struct net_vm *vm, bool *rearmed);
void assigned_detach(struct net_world *w, struct net_vm *vm);

#endif
