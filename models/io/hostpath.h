/* The host side of software-backed devices (emulation, virtio): the host
 * NIC driver's DMA on a queue of the PF, and the bridge / tap between the
 * backend and the NIC or another VM's backend. */
#ifndef IOVSIM_IO_HOSTPATH_H
#define IOVSIM_IO_HOSTPATH_H

#include <stdint.h>

#include "simtime.h"

struct net_world;
struct net_vm;
struct net_pkt;

/* DMA addresses of a VM's host-side buffers, one per ring slot. */
struct host_io {
    uint32_t tx_slot, rx_slot;
};

/* Host-driver CPU cost of mapping and unmapping @p's buffer (0 when the
 * IOMMU is off); sets @p->iova. */
sim_time host_dma_api(struct net_world *w, struct net_vm *vm, struct host_io *h, struct net_pkt *p,
                      int rx);
/* The backend has @p ready for the host: to another VM through the bridge,
 * or out through the PF's queue for @vm. */
void host_tx(struct net_world *w, struct net_vm *vm, struct net_pkt *p);
/* The NIC received @p for @vm: DMA into a host buffer, then @next, with
 * the buffer's DMA-API cost in @p->held for the host driver's step. */
void host_rx(struct net_world *w, struct net_vm *vm, struct host_io *h, struct net_pkt *p,
             void (*next)(struct net_world *, struct net_pkt *));

#endif
