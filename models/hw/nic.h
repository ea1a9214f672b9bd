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
    NIC_ITR_ADAPTIVE, /* short interval for sparse traffic, long for bulk */
};

/**
 * struct nic_itr - interrupt moderation of one vector
 * @interval:      static mode's gap between interrupts
 * @low_interval:  adaptive mode's gap while traffic is sparse
 * @bulk_bytes:    adaptive: at least this many bytes per interrupt is bulk
 */
struct nic_itr {
    enum nic_itr_mode mode;
    sim_time interval, low_interval;
    uint64_t bulk_bytes;
};

struct nic {
    struct sim *sim;
    double line_rate_bps;
    unsigned eth_overhead; /* bytes per frame: preamble, IFG, FCS, MAC header */
    unsigned max_vfs;
    struct nic_txq *txq;
    uint32_t *rx_used; /* receive buffers holding data, per queue */
    uint32_t rx_cap;
    unsigned n_queues; /* queue 0 is the PF's */
    unsigned rr;       /* next queue the port looks at */
    bool busy;
    nic_tx_done_fn tx_done;
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

/* Earliest time after @last the next interrupt may fire, given @bytes
 * received since @last. */
sim_time nic_itr_next(const struct nic_itr *itr, sim_time last, uint64_t bytes);

#endif
