/* The guest: its network stack (per packet and per byte, on the vCPU), the
 * receive side of its driver (interrupt, then NAPI polling with a budget),
 * and the workloads that create traffic. */
#ifndef IOVSIM_GUEST_GUEST_H
#define IOVSIM_GUEST_GUEST_H

#include <stdbool.h>
#include <stdint.h>

#include <gsl/gsl_rng.h>

#include "dist.h"
#include "scenario.h"
#include "sim.h"

struct net_world;
struct net_vm;
struct net_pkt;

/**
 * struct guest_costs - the guest kernel's costs, as time at the host clock
 * @stack_*_byte: picoseconds per byte (fractional)
 * @driver_tx / @driver_rx: driver work per packet (descriptors, doorbell)
 * @tx_clean:     reclaiming one transmitted buffer
 * @napi_poll:    overhead of one poll round
 * @gso_size:     largest segment the stack hands down (0: one MSS)
 */
struct guest_costs {
    sim_time stack_tx_pkt, stack_rx_pkt;
    double stack_tx_byte, stack_rx_byte;
    sim_time driver_tx, driver_rx, tx_clean, napi_poll;
    unsigned budget;
    unsigned gso_size;
};

/* The guest's stack sends @p (born now) from VM @p->src, on vCPU @p->cpu
 * once that vCPU's previous send is through its driver. */
void guest_send(struct net_world *w, struct net_pkt *p);
/* The driver's synchronous part of vCPU @cpu's current send is over (the
 * packet went on, or was dropped): the next send may start. */
void guest_xmit_done(struct net_world *w, struct net_vm *vm, unsigned cpu);
/* @p is in guest memory and visible to the driver. */
void guest_rx_arrive(struct net_world *w, struct net_vm *vm, struct net_pkt *p);
/* The device wants to interrupt @vm (moderated, or ignored while polling). */
void guest_irq_raise(struct net_world *w, struct net_vm *vm);
/* The device finished transmitting what the driver must clean (interrupt-
 * driven): @frames wire frames of @l2_bytes, for adaptive moderation. */
void guest_tx_complete(struct net_world *w, struct net_vm *vm, uint32_t frames, uint64_t l2_bytes);

enum workload_type { WL_STREAM, WL_RR, WL_UDP };

/**
 * struct workload - one VM's traffic
 * The sender and receiver are endpoints (VM index or NET_PEER): "tx" sends
 * from the VM to its target, "rx" from the target to the VM. A stream's
 * receiver returns the window with cumulative ACK packets that travel the
 * whole reverse path (@acks), or, without them, at delivery.
 */
struct workload {
    enum workload_type type;
    int sender, receiver;
    uint32_t size;     /* stream/udp payload per send; rr request */
    uint32_t response; /* rr response size */
    uint64_t window;   /* stream: bytes in flight at most */
    uint64_t in_flight;
    sim_time loss_recovery;   /* a lost packet's credit / transaction returns after this */
    const struct dist *think; /* rr think time */
    const struct dist *sizes; /* udp / rr request sizes (NULL: fixed) */
    double rate;              /* udp packets per second */
    bool poisson;
    gsl_rng *rng;
    sim_event_id next;
    bool started;
    unsigned in_stack;   /* stream: sends in the sender's stack */
    uint64_t busy;       /* stream: vCPUs with a send in the stack (bit mask) */
    unsigned senders;    /* stream/udp: sending threads (the sender's vCPUs) */
    unsigned next_cpu;   /* round robin over them */
    uint32_t queued;     /* sends not yet out of the sender's stack / port */
    uint32_t txqueuelen; /* more queued sends than this are dropped */
    /* stream transport: the receiver's bytes (all, and acknowledged), its
     * delayed-ACK timer, and the bytes the sender has seen acknowledged */
    bool acks;
    sim_time delack_timeout;
    sim_time start_jitter;
    sim_time probe_interval; /* mean gap of the probe flow's pings (0: none) */
    sim_event_id probe;
    uint64_t rcv_bytes, rcv_acked, snd_acked;
    sim_event_id delack;
};

void workload_init(struct net_world *w, struct net_vm *vm, struct workload *wl);
void workload_start(struct net_world *w, struct net_vm *vm);
void workload_stop(struct net_world *w, struct net_vm *vm);
/* The receiving application got @p (called before @p is freed). */
void workload_delivered(struct net_world *w, struct net_pkt *p);
void workload_dropped(struct net_world *w, struct net_pkt *p);
/* @p is through the sender's stack: a stream may send its next segment
 * (a send call returns when the stack is done with it; one send per vCPU
 * at a time). */
void workload_stack_done(struct net_world *w, const struct net_pkt *p);
/* @p has left the sender (stack, and the peer's port): one less queued. */
void workload_left(struct net_world *w, const struct net_pkt *p);

#endif
