/* The host side of software-backed devices (emulation, virtio): the host
 * NIC driver's DMA on a queue of the PF, and the bridge / tap between the
 * backend and the NIC or another VM's backend. */
#ifndef IOVSIM_IO_HOSTPATH_H
#define IOVSIM_IO_HOSTPATH_H

#include <stdbool.h>
#include <stdint.h>

#include "../net/dev.h"
#include "simtime.h"

struct net_vm;
struct net_pkt;

/**
 * struct host_io - a VM's share of the host NIC driver
 * @tx_slot/@rx_slot: DMA addresses of its host buffers, one per ring slot
 * @tx_inflight:      its packets in the host NIC's transmit ring (from
 *                    host_tx() to the end of their frame on the wire), at
 *                    most @tx_cap; the rest wait in a list, as the host
 *                    driver's stopped queue holds them in the qdisc
 * @on_room:          called when a frame left and the ring is no longer
 *                    full (optional): a stalled backend resumes
 */
struct host_io {
    uint32_t tx_slot, rx_slot;
    uint32_t tx_inflight, tx_cap;
    struct net_pktq waiting;
    void (*on_room)(struct net_vm *vm);
};

/* What a software backend (emulation's device model, virtio's QEMU or vhost
 * thread) costs per packet on the host: its own work, the copy between
 * guest and host buffers, the host stack. */
struct host_backend {
    struct host_io io;
    sim_time per_packet;
    sim_time host_stack;
    double copy_per_byte;  /* ps */
    uint32_t header_bytes; /* copied with each packet (the virtio-net header) */
};

/* Set up @b for @vm's queue of the host NIC; @vm's receive path finds it. */
void host_backend_init(struct host_backend *b, struct net_vm *vm);

/* The host NIC's ring for @vm is full: a backend stops taking packets from
 * the guest (vhost's handle_tx gets -EAGAIN from the socket and waits for
 * room) until @h->on_room. */
static inline bool host_tx_full(const struct host_io *h)
{
    return h->tx_inflight + h->waiting.len >= h->tx_cap;
}

/* The host stack and vSwitch's work on @p: b->host_stack, plus the VXLAN
 * share (fabric.vxlan_cpu) when @p travels on the overlay. */
sim_time host_backend_stack(const struct net_vm *vm, const struct host_backend *b,
                            const struct net_pkt *p);
/* Time the backend spends copying @p. */
sim_time host_backend_copy(const struct host_backend *b, const struct net_pkt *p);

/* The backend takes @p from the guest's ring on @core: its copy, the tap
 * and the host's switch, and, out through the host NIC, the driver's DMA
 * mapping, with @b->per_packet of its own; then @next. */
void host_backend_tx(struct net_vm *vm, struct host_backend *b, struct cpu_core *core,
                     struct net_pkt *p, io_step_fn next);
/* For host_rx()'s @next: the host stack and the backend bring @p from the
 * host buffer into guest memory on @core, then @next. */
void host_backend_rx(struct net_vm *vm, const struct host_backend *b, struct cpu_core *core,
                     struct net_pkt *p, io_step_fn next);

/* Host-driver CPU cost of mapping and unmapping @p's buffer (0 when the
 * IOMMU is off); sets @p->iova. */
sim_time host_dma_api(struct net_vm *vm, struct host_io *h, struct net_pkt *p, int rx);
/* The backend has @p ready for the host: to another VM through the bridge,
 * or out through the PF's queue for @vm (waiting while its ring is full). */
void host_tx(struct net_vm *vm, struct host_io *h, struct net_pkt *p);
/* A frame of @vm's left the wire (its tx_wire_done): its ring slot frees. */
void host_tx_wire_done(struct net_vm *vm, struct host_io *h);
/* The NIC received @p for @vm: DMA into a host buffer, then @next, with
 * the buffer's DMA-API cost in @p->held for the host driver's step. */
void host_rx(struct net_vm *vm, struct host_io *h, struct net_pkt *p, io_step_fn next);

#endif
