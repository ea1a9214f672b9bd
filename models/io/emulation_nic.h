/* The NIC QEMU emulates, and how its guest driver drives it, as one row of
 * data (emulation_nic.c): the emulation strategy (emulation.c) reads every
 * per-device difference from the row, so a further device is a row there
 * and its name in EMU_NIC_CHOICES. Counts of register accesses are counted
 * as the driver's code makes them: each one exits to QEMU. */
#ifndef IOVSIM_IO_EMULATION_NIC_H
#define IOVSIM_IO_EMULATION_NIC_H

#include <stdbool.h>
#include <stdint.h>

/* The values of emulation.nic: every row of emulation_nic.c. */
#define EMU_NIC_CHOICES "e1000|rtl8139|rtl8139-8139too"

/**
 * struct emu_nic - an emulated NIC and its guest driver
 * @name:           value of emulation.nic
 * @tx_batch:       the driver leaves the doorbell for the last of the sends
 *                  the stack has queued (xmit_more, at most
 *                  emulation.tx_batch); false: a doorbell per send
 * @tx_slots:       transmit buffers the driver cycles through (0: a ring
 *                  the model never fills); a transmitted one stays taken
 *                  until the interrupt handler reclaims it
 * @tx_stop_free:   the driver stops its queue when this few of @tx_slots
 *                  are left free, and wakes it when more are
 * @tx_copy:        the driver copies each packet into a buffer of its own
 *                  before the doorbell (a bounce buffer)
 * @rx_copy:        the driver copies each frame out of the receive ring
 * @rx_ring_bytes:  receive ring as one buffer of this many bytes, each
 *                  frame taking its length plus a 4-byte header and a
 *                  4-byte CRC, rounded up to 4 (0: descriptors)
 * @rx_ring:        receive descriptors (0: emulation.rx_ring)
 * @irq_exits:      register accesses of the interrupt handler, always
 * @irq_tx_exits:   more when a transmit completion is pending
 * @irq_rx_exits:   more when received frames wait (masking receive
 *                  interrupts for NAPI)
 * @reclaim_exits:  per transmitted buffer the handler reclaims
 * @rx_exits:       per received frame the driver takes
 * @rx_ack_exit:    one more per frame when a frame has landed since the
 *                  driver's last acknowledgement (it reads the status and
 *                  writes the acknowledgement only when set)
 * @napi_weight:    frames the driver's NAPI poll takes per round (its
 *                  netif_napi_add weight; 0: the guest's default weight,
 *                  guest.napi_budget)
 * @round_exits:    register accesses of each poll round that takes
 *                  frames
 * @round_short_exits: more when the round took fewer than @napi_weight
 *                  (the driver looks for more before it returns)
 * @refill_batch:   the round hands refilled receive buffers back to the
 *                  device (a tail write) every this many frames and once
 *                  more for the rest (0: no such write)
 * @complete_exits: when NAPI ends after receive work (unmask and the
 *                  driver's last checks)
 * @complete_idle_exits: when it ends without receive work
 * @mitigation:     QEMU's e1000 interrupt mitigation timer (the
 *                  emulation.mitigation* keys); false: every interrupt at
 *                  once
 * @tso:            the driver offers TSO (false: the guest stack hands it
 *                  one MSS at a time)
 */
struct emu_nic {
    const char *name;
    bool tx_batch;
    uint32_t tx_slots, tx_stop_free;
    bool tx_copy, rx_copy;
    uint32_t rx_ring_bytes, rx_ring;
    uint8_t irq_exits, irq_tx_exits, irq_rx_exits, reclaim_exits;
    uint8_t rx_exits;
    bool rx_ack_exit;
    uint8_t napi_weight, round_exits, round_short_exits, refill_batch;
    uint8_t complete_exits, complete_idle_exits;
    bool mitigation, tso;
};

/* The row called @name, or NULL. */
const struct emu_nic *emu_nic_lookup(const char *name);

#endif
