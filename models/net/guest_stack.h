/* The guest's network stack on the data path: sends from its vCPUs, the
 * receive side of its driver (interrupt, then NAPI polling with a budget)
 * and transmit cleaning. Costs are the guest component's (guest/guest.h). */
#ifndef IOVSIM_NET_GUEST_STACK_H
#define IOVSIM_NET_GUEST_STACK_H

#include <stdint.h>

#include <glib.h>

#include "../hw/nic.h"
#include "report.h"
#include "scenario.h"
#include "simtime.h"

struct io_strategy_ops;

struct net_world;
struct net_vm;
struct net_pkt;

/* The guest's stack sends @p (born now) from VM @p->src, on vCPU @p->cpu
 * once that vCPU's previous send is through its driver. */
void guest_send(struct net_world *w, struct net_pkt *p);
/* The driver's synchronous part of vCPU @cpu's current send is over (the
 * packet went on, or was dropped): the next send may start. */
void guest_xmit_done(struct net_vm *vm, unsigned cpu);
/* @p is in guest memory and visible to the driver. */
void guest_rx_arrive(struct net_vm *vm, struct net_pkt *p);
/* The device wants to interrupt @vm (moderated, or ignored while polling). */
void guest_irq_raise(struct net_vm *vm);
/* On by default: a NAPI completion that costs nothing on an idle vCPU of
 * its own, and the interrupt it raises at once, run in place when no other
 * event is due at that instant (sim_due_now()). Off only for the test that
 * checks that this changes nothing but the count of events. */
void guest_stack_call_in_place(bool on);
/* The device finished transmitting what the driver must clean (interrupt-
 * driven): @frames wire frames of @l2_bytes, for adaptive moderation. */
void guest_tx_complete(struct net_vm *vm, uint32_t frames, uint64_t l2_bytes);
/* The same for a send of vCPU @cpu: its queue's vector (XPS). */
void guest_tx_complete_on(struct net_vm *vm, unsigned cpu, uint32_t frames, uint64_t l2_bytes);
/* The driver posted a send of vCPU @cpu (@frames wire frames of @l2_bytes)
 * to its device's ring: counted now by a driver that counts there. */
void guest_tx_posted(struct net_vm *vm, unsigned cpu, uint32_t frames, uint64_t l2_bytes);
/* The queues and vectors of a VM with @vcpus vCPUs and strategy @ops are
 * possible: scenario_error() if not. */
/* @vm's @n queue pairs and vectors, moderated in @mode (@interval when
 * static) by its strategy's driver; @irq_vcpu: the vCPU of every vector, or
 * -1 to spread them in turn. Then guest_queues_place() once its vCPUs are
 * placed, and after they move. */
bool guest_queues_check(const struct scenario *sc, const struct io_strategy_ops *ops,
                        unsigned vcpus, GError **error);
/* @queues (the value of @key) fit in nic.msix_vectors: a vector each, and
 * for a driver of @ops that asks for one per virtqueue (tx_irq_deliver)
 * two each and one more, or a single pair's shared vector. */
bool guest_vectors_check(const struct scenario *sc, const struct io_strategy_ops *ops,
                         const char *key, int64_t queues, GError **error);
void guest_queues_init(struct net_vm *vm, unsigned n, int irq_vcpu, enum nic_itr_mode mode,
                       sim_time interval);
void guest_queues_place(struct net_vm *vm);
/* A poll-mode driver: each queue's vCPU spins on its core (@on) or stops
 * (sched_spin(); a core of its own needs nothing). */
void guest_queues_spin(struct net_vm *vm, bool on);
/* The queue RSS puts @p on (a device that picks its ring before the guest
 * sees @p asks the same). */
struct net_queue *guest_rss_queue(struct net_vm *vm, const struct net_pkt *p);
/* A new device: its driver's moderation, from its initial state. */
void guest_queues_reset_itr(struct net_vm *vm, enum nic_itr_fn fn);
/* The VMs with DIM (mlx5 adaptive): each one's receive and transmit CQs'
 * mean period since the last guest_queues_reset_stats() (the mean over
 * its queues) as its scope's dim_rx_period and dim_tx_period, and their
 * mean as scope "all"'s. */
void guest_queues_report(const struct net_vm *vms, unsigned n, sim_time now, struct report *out);
/* The measurement starts at @now (the warm-up's end). */
void guest_queues_reset_stats(struct net_vm *vm, sim_time now);
/* @vm's device goes: the transmit completions it signalled and the driver
 * has not cleaned are freed by the driver's remove (virtnet_remove,
 * ixgbevf_remove free every buffer), not by the next device's driver. */
void guest_queues_detach(struct net_vm *vm);

#endif
