/* The data path shared by strategies where the guest driver talks to a NIC
 * function directly: bare metal (the PF's queues), passthrough (a whole
 * function) and SR-IOV (a VF). Each strategy file fills its own ops table
 * from these pieces and adds what differs (interrupt delivery, mailbox). */
#ifndef IOVSIM_IO_ASSIGNED_H
#define IOVSIM_IO_ASSIGNED_H

#include <stdbool.h>
#include <stdint.h>

#include "../net/dev.h"
#include "report.h"
#include "simtime.h"

struct net_vm;
struct net_pkt;

/**
 * struct assigned_vm - a VM's NIC function
 * @queue:     NIC queue (VF or PF queue) the VM owns
 * @translate: DMA goes through the IOMMU
 * @dma_api:   the driver maps and unmaps each buffer (host DMA API);
 *             false for the static mapping of an assigned device (VFIO)
 * @kick_exit: the driver's doorbell write traps (a notification area not
 *             mapped into the guest) and the host kernel forwards it
 * @mask_per_irq:  the guest masks and unmasks its vector per interrupt
 *                 (guest.msix_mask)
 * @msix_trapped:  its MSI-X table is emulated by the VMM (device
 *                 assignment): each such write exits and costs
 *                 @route_rebuild (hv.msix_route_rebuild)
 */
struct assigned_vm {
    unsigned queue;
    bool translate;
    bool dma_api;
    bool kick_exit;
    bool mask_per_irq, msix_trapped;
    sim_time route_rebuild;
    uint64_t iova_base;
    uint32_t tx_slot, rx_slot;
    /* A stream sender's fill of its current page fragment (guest.page_frag). */
    uint32_t frag_off;
    /* Transmit descriptors posted and not yet cleaned; the queue stops
     * below @tx_stop free ones and wakes at @tx_wake (ixgbe_maybe_stop_tx,
     * TX_WAKE_THRESHOLD), while sends wait in the list. */
    uint32_t tx_used, tx_stop, tx_wake;
    bool tx_stopped;
    struct net_pktq waiting;
    uint64_t tx_stops;
    /* @virtio_ring: the function is a virtio device (vDPA) driven by
     * virtio_net with napi_tx. Its completions interrupt only when the
     * used index passes @used_event; the driver reclaims what the device
     * used (@dev_used, @reclaimed) before each send and in NAPI. */
    bool virtio_ring;
    uint32_t dev_used, reclaimed, used_event;
};

/* The ops rows every strategy on this data path shares; a strategy's
 * table adds its name, set-up, checks and interrupt delivery. vDPA takes
 * the packet rows and has a report and a detach of its own. */
#define ASSIGNED_PACKET_OPS                                                 \
    .guest_tx = assigned_guest_tx, .device_rx = assigned_device_rx,         \
    .tx_wire_done = assigned_tx_wire_done, .rx_driver = assigned_rx_driver, \
    .irq_complete = assigned_irq_complete, .tx_clean = assigned_tx_clean, .multiqueue = true
#define ASSIGNED_DATA_PATH_OPS \
    ASSIGNED_PACKET_OPS, .report = assigned_report, .detach = assigned_detach

/* One VF per VM of a VF-based strategy (SR-IOV, vDPA): @vms of them per
 * host within nic.vfs and nic.max_vfs. */
bool assigned_check_vfs(const struct scenario *sc, const char *count_key, int64_t vms,
                        GError **error);

/* Caller owns the result (vm->io); freed by assigned_detach(). */
struct assigned_vm *assigned_new(struct net_vm *vm, bool translate, bool dma_api);
void assigned_guest_tx(struct net_vm *vm, struct net_pkt *p);
void assigned_device_rx(struct net_vm *vm, struct net_pkt *p);
void assigned_tx_wire_done(struct net_vm *vm, struct net_pkt *p);
sim_time assigned_rx_driver(struct net_vm *vm, struct net_pkt *p);
sim_time assigned_irq_complete(struct net_vm *vm, bool *rearmed);
/* An injected or posted interrupt (net_irq_virtual()) and the guest's mask. */
sim_time assigned_irq_deliver(struct net_vm *vm);
unsigned assigned_tx_clean(struct net_vm *vm, unsigned done);
/* Metrics common to the assigned strategies (queue stops). */
void assigned_report(struct net_host *hosts, unsigned n_hosts, struct report *out);
void assigned_detach(struct net_vm *vm);

#endif
