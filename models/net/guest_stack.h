/* The guest's network stack on the data path: sends from its vCPUs, the
 * receive side of its driver (interrupt, then NAPI polling with a budget)
 * and transmit cleaning. Costs are the guest component's (guest/guest.h). */
#ifndef IOVSIM_NET_GUEST_STACK_H
#define IOVSIM_NET_GUEST_STACK_H

#include <stdint.h>

struct net_world;
struct net_vm;
struct net_pkt;

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

#endif
