/* The host's NIC: one physical port with Ethernet framing overhead, transmit
 * queues (the PF's and one per VF or host queue) served round robin, receive
 * rings of finite size, an embedded switch (VEB) for VF-to-VF traffic, the
 * PF-VF mailbox and interrupt moderation. The NIC stores packet numbers; what
 * a packet is belongs to the caller. */
#ifndef IOVSIM_HW_NIC_H
#define IOVSIM_HW_NIC_H

#include <stdbool.h>
#include <stdint.h>

#include "dim.h"
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
    NIC_ITR_MLX5E,   /* mlx5e (PF and VF): DIM on each CQ (hw/dim.c) */
};

/* The function a strategy's guest drives: the NIC family's PF or VF, or
 * QEMU's emulated e1000 whatever the host's NIC. */
enum nic_itr_fn {
    NIC_ITR_FN_EMULATED,
    NIC_ITR_FN_PF,
    NIC_ITR_FN_VF,
};

/* nic.driver: the NIC family, which sets its functions' drivers. */
enum nic_family {
    NIC_FAMILY_IXGBE, /* Intel 82599: ixgbe on the PF, ixgbevf on a VF */
    NIC_FAMILY_MLX5,  /* NVIDIA ConnectX: mlx5e on both */
};

/* The guest driver of @fn on a NIC of @family. */
enum nic_itr_driver nic_itr_driver_of(enum nic_family family, enum nic_itr_fn fn);

/**
 * struct nic_cq - an mlx5 completion queue's moderation: the device raises
 * the CQ's event when @period has passed since its last event (EQE mode) or
 * since its last completion (@cqe_mode: each completion restarts the
 * timer), or when @max_pkts completions wait
 * @events, @pkts, @bytes: totals since the start, DIM's sample
 * @apply_at:             when the profile DIM chose reaches the CQ (the
 *                        driver's work item); -1: none pending
 * @area, @area_from, @changed_at: the period's integral over time (ps^2)
 *                        from @area_from to its last change, for its mean
 */
struct nic_cq {
    sim_time period;
    uint32_t max_pkts;
    bool cqe_mode;
    sim_time last_eqe, last_cqe;
    uint64_t events, pkts, bytes;
    struct net_dim dim;
    sim_time apply_at;
    double area;
    sim_time area_from, changed_at;
};

/* Packets and bytes a ring cleaned since the driver last updated. */
struct nic_itr_ring {
    uint32_t packets;
    uint64_t bytes;
    unsigned state; /* the ring's class or ITR value, the driver's encoding */
    struct nic_cq cq;
};

/* mlx5's moderation settings (nic.itr_packets, nic.rx_cqe_moder,
 * nic.tx_cqe_moder, nic.dim_apply_delay). */
struct nic_cq_cfg {
    uint32_t max_pkts;
    bool rx_cqe, tx_cqe;
    sim_time apply_delay;
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
 * @per_cq:   the device moderates each ring's CQ on its own (mlx5, static
 *            or adaptive): nic_itr_cq_next() instead of nic_itr_next()
 * @fire_at:  per_cq: when the vector's scheduled interrupt is due; -1:
 *            none waiting (fired, or none raised)
 * @fire_seq: per_cq: the scheduled interrupt's number; an earlier one still
 *            queued is stale
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
    bool per_cq;
    sim_time apply_delay;
    sim_time fire_at;
    uint32_t fire_seq;
};

/* Moderation in @mode (@interval for static) with @driver's algorithm;
 * @cq (borrowed, read once) for NIC_ITR_MLX5E, else NULL. */
void nic_itr_init(struct nic_itr *itr, enum nic_itr_mode mode, enum nic_itr_driver driver,
                  sim_time interval, const struct nic_cq_cfg *cq);

/* per_cq: a completion was written to the receive or transmit CQ. */
static inline void nic_itr_cqe(struct nic_itr *itr, bool rx, sim_time now)
{
    (rx ? &itr->rx : &itr->tx)->cq.last_cqe = now;
}

/* per_cq: the earliest time, not before @now, that the device interrupts
 * with @rx and @tx completions waiting (one of them not 0). */
sim_time nic_itr_cq_next(struct nic_itr *itr, sim_time now, uint32_t rx, uint32_t tx);

/* per_cq: the receive and the transmit CQ's mean period from the last
 * nic_itr_reset_stats() (or the start) to @now. */
void nic_itr_cq_mean(const struct nic_itr *itr, sim_time now, sim_time *rx, sim_time *tx);
void nic_itr_reset_stats(struct nic_itr *itr, sim_time now);

/* per_cq: the vector fires at @now; each CQ whose own moderation is due
 * with @rx / @tx completions waiting counts an event (an EQE). */
void nic_itr_cq_event(struct nic_itr *itr, sim_time now, uint32_t rx, uint32_t tx);

/* Where the driver counts a sent packet for its moderation: mlx5e's
 * per-SQ stats grow as it posts the WQE (mlx5e_sq_xmit_wqe), the others'
 * as they clean the descriptor (ixgbe_clean_tx_irq, e1000_clean_tx_irq). */
static inline bool nic_itr_counts_tx_at_post(const struct nic_itr *itr)
{
    return itr->driver == NIC_ITR_MLX5E;
}

/* A ring cleaned a packet of @bytes (on the wire, headers included). */
static inline void nic_itr_count(struct nic_itr *itr, bool rx, uint64_t bytes)
{
    struct nic_itr_ring *r = rx ? &itr->rx : &itr->tx;

    r->packets++;
    r->bytes += bytes;
}

/* The driver's update when its NAPI poll completes (ixgbe_set_itr,
 * ixgbevf_set_itr, e1000_set_itr, mlx5e's net_dim() calls): a new interval
 * from what was cleaned. */
void nic_itr_update(struct nic_itr *itr, sim_time now);

struct nic {
    struct sim *sim;
    double line_rate_bps;
    uint64_t ps_per_bit;   /* 10^12 / line rate when that is exact (10, 25, 40,
                            * 100 Gb/s), else 0: see nic_wire_time() */
    unsigned eth_overhead; /* bytes per frame: preamble, IFG, FCS, MAC header */
    unsigned max_vfs;
    struct nic_txq *txq;
    uint32_t *rx_used; /* receive buffers holding data: ring r of function q at
                        * [q * rx_rings + r] */
    uint32_t rx_cap;   /* buffers of each ring */
    unsigned rx_rings; /* receive rings of each function (its RSS queues) */
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
/* Each function receives on @rings rings of rx_ring buffers (its queue
 * pairs' RSS queues; 1 after nic_init()). Each ring drops what it has no
 * buffer for, without holding up the others: ixgbe sets SRRCTL.DROP_EN on
 * every ring once SR-IOV is on or RSS spreads over several rings without
 * flow control (ixgbe_set_rx_drop_en(), against head-of-line blocking). */
void nic_set_rx_rings(struct nic *n, unsigned rings);
/* Take / give back the receive buffers of ring @ring of function @q that a
 * packet of @frames wire frames fills, one per frame (no LRO); false when
 * too few are free. */
bool nic_rx_reserve(struct nic *n, unsigned q, unsigned ring, uint32_t frames);
void nic_rx_release(struct nic *n, unsigned q, unsigned ring, uint32_t frames);

/* Earliest time after the interrupt at @last that the next may fire. */
sim_time nic_itr_next(const struct nic_itr *itr, sim_time last);

#endif
