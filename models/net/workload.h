/* The network workloads that create a VM's traffic: streams with a TCP-like
 * window and ACKs, request/response, UDP, and the probe flow. */
#ifndef IOVSIM_NET_WORKLOAD_H
#define IOVSIM_NET_WORKLOAD_H

#include <stdbool.h>
#include <stdint.h>

#include <gsl/gsl_rng.h>

#include "dist.h"
#include "sim.h"

struct net_world;
struct net_vm;
struct net_pkt;

enum workload_type { WL_STREAM, WL_RR, WL_UDP };

/**
 * struct workload - one VM's traffic
 * The sender and receiver are endpoints (VM index or NET_PEER): "tx" sends
 * from the VM to its target, "rx" from the target to the VM. A stream's
 * receiver returns the window with cumulative ACK packets that travel the
 * whole reverse path (@acks), or, without them, at delivery.
 */
struct workload {
    /* What a stream's sends, deliveries and ACKs read, together. */
    enum workload_type type;
    int sender, receiver;
    uint32_t size;   /* stream/udp payload per send; rr request */
    uint64_t window; /* stream: bytes in flight at most */
    uint64_t in_flight;
    unsigned in_stack;   /* stream: sends in the sender's stack */
    unsigned senders;    /* stream/udp: sending threads (the sender's vCPUs) */
    unsigned next_cpu;   /* round robin over them */
    uint32_t queued;     /* sends not yet out of the sender's stack / port */
    uint32_t txqueuelen; /* more queued sends than this are dropped */
    /* stream transport: the receiver's bytes (all, and acknowledged), its
     * delayed-ACK timer, and the bytes the sender has seen acknowledged */
    bool acks;
    sim_event_id delack;
    uint64_t rcv_bytes, rcv_acked, snd_acked;
    sim_time delack_timeout;
    /* stream: vCPUs with a send in the stack (a bit each; vm.vcpus <= 256) */
    uint64_t busy[4];

    uint32_t response;        /* rr response size */
    sim_time loss_recovery;   /* a lost packet's credit / transaction returns after this */
    const struct dist *think; /* rr think time */
    const struct dist *sizes; /* udp / rr request sizes (NULL: fixed) */
    double rate;              /* udp packets per second */
    bool poisson;
    gsl_rng *rng;
    sim_event_id next;
    bool started;
    sim_time start_jitter;
    sim_time probe_interval; /* mean gap of the probe flow's pings (0: none) */
    sim_event_id probe;
};

void workload_init(struct net_world *w, struct net_vm *vm, struct workload *wl);
void workload_start(struct net_world *w, struct net_vm *vm);
void workload_stop(struct net_world *w, struct net_vm *vm);
/* The receiving application got @p (called before @p is freed). */
void workload_delivered(struct net_world *w, struct net_pkt *p);
void workload_dropped(struct net_world *w, struct net_pkt *p);
/* A packet of @kind from vCPU @cpu of VM @vm is through the sender's
 * stack: a stream may send its next segment (a send call returns when the
 * stack is done with it; one send per vCPU at a time). */
void workload_sent(struct net_world *w, unsigned vm, unsigned kind, unsigned cpu);
/* @p has left the sender (stack, and the peer's port): one less queued. */
void workload_left(struct net_world *w, const struct net_pkt *p);

#endif
