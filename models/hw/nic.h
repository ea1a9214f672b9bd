/* The host's NIC: one physical port with Ethernet framing overhead, transmit
 * queues (the PF's and one per VF or host queue) served round robin, receive
 * rings of finite size, an embedded switch (VEB) for VF-to-VF traffic, the
 * PF-VF mailbox and interrupt moderation. The NIC stores packet numbers; what
 * a packet is belongs to the caller. */
#ifndef IOVSIM_HW_NIC_H
#define IOVSIM_HW_NIC_H

#include <stdbool.h>
#include <stdint.h>

#include "resource.h"
#include "sim.h"

/* Called when a frame's last bit has left the port. */
typedef void (*nic_tx_done_fn)(void *ctx, uint32_t pkt);

struct nic_txq {
    uint32_t *pkt;
    sim_time *ser; /* serialization time of each queued packet */
    uint32_t cap, head, len;
};

enum nic_itr_mode {
    NIC_ITR_OFF,      /* interrupt at once */
    NIC_ITR_STATIC,   /* at most one interrupt per interval */
    NIC_ITR_ADAPTIVE, /* the guest driver's own adaptive algorithm */
};

/* Whose adaptive algorithm moderates the vector (hw/itr.c). */
enum nic_itr_driver {
    NIC_ITR_E1000,   /* e1000, dynamic conservative mode (the default) */
    NIC_ITR_IXGBE,   /* ixgbe (PF): latency and bulk modes, by packet size */
    NIC_ITR_IXGBEVF, /* ixgbevf (VF): three classes by bytes per microsecond */
};

/* Packets and bytes a ring cleaned since the driver last updated. */
struct nic_itr_ring {
    uint32_t packets;
    uint64_t bytes;
    unsigned state; /* the ring's class or ITR value, the driver's encoding */
};

/**
 * struct nic_itr - interrupt moderation of one vector
 * @interval: static mode's gap, and the adaptive mode's current one
 * @reg:      adaptive: the value the driver last wrote (its own units)
 * @rx/@tx:   adaptive: what each ring cleaned since the last update
 * @floor:    the device's own shortest gap, whatever the driver writes
 *            (QEMU's e1000 mitigation timer); 0 for real hardware
 * @tx_delay: a gap opened with a transmit completion pending is the
 *            shorter of this and @interval (e1000's TADV), before @floor
 * @tx_cause: the last interrupt had a transmit completion pending
 */
struct nic_itr {
    enum nic_itr_mode mode;
    enum nic_itr_driver driver;
    sim_time interval;
    unsigned reg;
    sim_time last_update;
    struct nic_itr_ring rx, tx;
    sim_time floor, tx_delay;
    bool tx_cause;
};

/* Moderation in @mode (@interval for static) with @driver's algorithm. */
void nic_itr_init(struct nic_itr *itr, enum nic_itr_mode mode, enum nic_itr_driver driver,
                  sim_time interval);

/* A ring cleaned a packet of @bytes (on the wire, headers included). */
static inline void nic_itr_count(struct nic_itr *itr, bool rx, uint64_t bytes)
{
    struct nic_itr_ring *r = rx ? &itr->rx : &itr->tx;

    r->packets++;
    r->bytes += bytes;
}

/* The driver's update when its NAPI poll completes (ixgbe_set_itr,
 * ixgbevf_set_itr, e1000_set_itr): a new interval from what was cleaned. */
void nic_itr_update(struct nic_itr *itr, sim_time now);

struct nic {
    struct sim *sim;
    double line_rate_bps;
    uint64_t ps_per_bit;   /* 10^12 / line rate when that is exact (10, 25, 40,
                            * 100 Gb/s), else 0: see nic_wire_time() */
    unsigned eth_overhead; /* bytes per frame: preamble, IFG, FCS, MAC header */
    unsigned max_vfs;
    struct nic_txq *txq;
    uint32_t *rx_used; /* receive buffers holding data, per queue */
    uint32_t rx_cap;
    unsigned n_queues; /* queue 0 is the PF's */
    unsigned rr;       /* next queue the port looks at */
    /* Bit q of ready[q / 64]: transmit queue q holds a frame; bit w of
     * ready_sum[w / 64]: ready[w] is not 0. The port finds the next queue
     * in round-robin order with two ctz, whatever the number of queues. */
    uint64_t *ready, *ready_sum;
    bool busy;
    nic_tx_done_fn tx_done;
    nic_tx_done_fn tx_started; /* optional: the port starts sending a frame */
    void *ctx;
    struct fifo_server veb; /* the embedded switch's data path */
    uint64_t frames_tx, mailbox_msgs;
};

void nic_init(struct nic *n, struct sim *sim, double line_rate_bps, unsigned eth_overhead,
              unsigned n_queues, unsigned max_vfs, uint32_t tx_ring, uint32_t rx_ring,
              nic_tx_done_fn tx_done, void *ctx);
void nic_release(struct nic *n);
void nic_reset_stats(struct nic *n);

/* Serialization of @frames frames carrying @payload bytes and @hdr bytes of
 * L3/L4 headers each, plus the Ethernet overhead, at the line rate (exact
 * picoseconds, rounded up). */
sim_time nic_wire_time(const struct nic *n, uint64_t payload, uint32_t frames, unsigned hdr);

/* Queue @pkt on transmit queue @q; false (a drop) when the ring is full. */
bool nic_tx_enqueue(struct nic *n, unsigned q, uint32_t pkt, sim_time ser);
/* Take / give back a receive buffer of queue @q; false when none is free. */
bool nic_rx_reserve(struct nic *n, unsigned q);
void nic_rx_release(struct nic *n, unsigned q);

/* Earliest time after the interrupt at @last that the next may fire. */
sim_time nic_itr_next(const struct nic_itr *itr, sim_time last);

#endif
