/* The network world: hosts with their VMs (dev.h), the wire or the fabric
 * between them, and a peer host on the far end. Strategies (strategy.h,
 * implemented in models/io/) see one host and one VM's device, never this
 * world; the guest stack, the NIC hand-offs, the wire, the fabric and the
 * peer are common and live here. */
#ifndef IOVSIM_NET_H
#define IOVSIM_NET_H

#include <stdbool.h>
#include <stdint.h>

#include <glib.h>

#include "dev.h"
#include "guest_stack.h"
#include "model.h"

extern const struct model_ops net_model_ops;

struct blk_world;

struct net_peer {
    struct fifo_server cpu;  /* bare-metal far end, plenty of cores */
    struct fifo_server port; /* its transmit side of the link */
    sim_time per_packet;
};

struct net_fabric;
struct migration;

struct net_world {
    struct model base;
    struct sim *sim;
    const struct scenario *sc;
    struct net_group *groups;
    unsigned n_groups;
    struct net_host *hosts;
    unsigned n_hosts;
    struct net_fabric *fabric; /* between the hosts (and the peer); NULL: one host, a wire */
    struct guest_costs g;
    struct net_peer peer;
    struct net_vm *vms;
    unsigned n_vms;
    struct blk_world *disk; /* the VMs' virtual disks (vm.disk), or NULL */
    sim_time wire_delay;    /* propagation, each way */
    unsigned max_vcpus;     /* of any VM */
    unsigned thread_stride; /* net_thread_id()'s numbers per VM */
    struct net_dev_cfg cfg;
    struct pool pkts; /* struct net_pkt, linked through next_free while free */
    sim_time stat_start;
    /* migration.vm's live migration, or NULL */
    struct migration *migration;
};

/* Pool: a new packet starts life now in no stage; net_step_*() opens one. */
struct net_pkt *net_pkt_new(struct net_world *w, unsigned vm, int src, int dst,
                            enum net_pkt_kind kind, uint32_t bytes);
/* End of life: the receiving application has it (statistics, workload). */
void net_pkt_deliver(struct net_world *w, struct net_pkt *p);
void net_pkt_drop(struct net_world *w, struct net_pkt *p, enum net_drop why);

/* Run the step as a job of @service (parts included) on @srv. */
void net_step_serve(struct net_world *w, struct net_pkt *p, struct fifo_server *srv,
                    sim_time service, net_step_fn next);
/* The step lasts @delay (parts included), on no resource. */
void net_step_delay(struct net_world *w, struct net_pkt *p, sim_time delay, net_step_fn next);

/* The host scheduler's number (its owner) of @vm's thread on @core: one of
 * its vCPUs, or its backend thread there (@backend, or no vCPU of @vm is
 * on @core). Each VM has w->thread_stride numbers: its vCPUs', its disk's
 * I/O thread's (net_thread_disk()), then one per host core for backends,
 * so no two threads of the world share one. */
int net_thread_id(const struct net_vm *vm, const struct cpu_core *core, bool backend);
/* The thread number of @vm's vCPU @k. */
int net_vcpu_thread(const struct net_vm *vm, unsigned k);
int net_thread_disk(const struct net_vm *vm);
/* The VM whose thread is number @owner. */
struct net_vm *net_thread_vm(const struct net_world *w, int owner);

/* The host scheduler's switch to a thread of a VM, billed to that VM
 * (struct sched_policy.bill; @ctx is the world). */
void net_bill_switch(void *ctx, int owner, sim_time t);

unsigned net_frame_headers(const struct net_world *w, const struct net_pkt *p);
/* Serialization of @p at the line rate. */
sim_time net_wire_time(const struct net_world *w, const struct net_pkt *p);
/* The port finished sending packet number @pkt (nic tx_done callback). */
void net_port_done(void *ctx, uint32_t pkt);
/* It starts sending it (nic tx_started): warms the record for the above. */
void net_port_started(void *ctx, uint32_t pkt);
/* A host's server starts a packet's step (fifo_server on_start): warms its
 * record for the step's end. */
void net_server_started(resource_done_fn done, void *ctx, uint64_t tag);
/* The packet reached the host's NIC from the wire, or a VF through the VEB. */
void net_nic_rx(struct net_world *w, struct net_pkt *p);
/* A frame left the host's port: propagation, then the peer. */
void net_wire_out(struct net_world *w, struct net_pkt *p);

/* The fabric between the hosts (net/fabric_path.c): leaf-spine switches,
 * each host's port and the peer's under a leaf. */
struct net_fabric *net_fabric_new(struct net_world *w);
void net_fabric_free(struct net_fabric *f);
void net_fabric_reset_stats(struct net_fabric *f);
void net_fabric_report(const struct net_fabric *f, struct report *out);
/* @p left the port of host @from (n_hosts: the peer) for its receiver. */
void net_fabric_send(struct net_world *w, struct net_pkt *p, unsigned from);
/* @vm now runs on its new host: the address plane converges. */
void net_fabric_moved(struct net_world *w, const struct net_vm *vm);
/* The fabric port of endpoint @ep: its host's, or n_hosts for the peer. */
unsigned net_ep_port(const struct net_world *w, int ep);

/* The VM groups: the [group NAME] sections in file order, or one group of
 * the [vm] keys and io.strategy. A group section and those keys exclude
 * each other (scenario_error() on @error). Caller frees the array. */
GArray *net_groups(const struct scenario *sc, GError **error);
/* The key that sets @g's @field ("count", "vcpus", "net", "disk"), for
 * messages: group.NAME.FIELD, or the [vm] / io.strategy key. */
const char *net_group_key(const struct net_group *g, const char *field, char *buf, size_t n);

/* Peer host (net/peer.c). */
void peer_init(struct net_world *w);
void peer_release(struct net_world *w);
void peer_rx(struct net_world *w, struct net_pkt *p);
/* The peer sends @p (born there) towards the host. */
void peer_tx(struct net_world *w, struct net_pkt *p);
/* The peer acknowledges from the receive path of the segment that asked for
 * it (tcp_ack_snd_check in the softirq): its cost is in that segment's
 * peer.per_packet, so @p goes straight to the port. */
void peer_tx_ack(struct net_world *w, struct net_pkt *p);

/* @vm is paused: @p waits in its held sends (true), or false. */
static inline bool net_vm_hold(struct net_world *w, struct net_vm *vm, struct net_pkt *p)
{
    if (!vm->paused)
        return false;
    net_pkt_wait(w->sim, p, NET_STAGE_guest_stack);
    net_pktq_push(&w->pkts, &vm->held, p);
    return true;
}

/* @p goes between two VMs of one host: through its VEB or software bridge,
 * never out of its port. */
static inline bool net_world_pkt_local(const struct net_world *w, const struct net_pkt *p)
{
    return p->src >= 0 && p->dst >= 0 && w->vms[p->src].nh == w->vms[p->dst].nh;
}

/* @p crosses the network inside a VXLAN tunnel (see net_pkt_overlay()). */
bool net_world_pkt_overlay(const struct net_world *w, const struct net_pkt *p);

static inline struct net_vm *net_pkt_dst_vm(struct net_world *w, const struct net_pkt *p)
{
    g_assert(p->dst >= 0 && (unsigned)p->dst < w->n_vms);
    return &w->vms[p->dst];
}

#endif
