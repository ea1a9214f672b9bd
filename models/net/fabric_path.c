/* The data-centre fabric a VM's packet crosses between hosts: every host's
 * NIC port (and the bare-metal peer's) hangs under a leaf switch, every leaf
 * has one uplink to each spine, and a packet between leaves takes the spine
 * its flow hashes to (ECMP). Each switch forwards after fabric.switch_latency
 * onto an output port: a FIFO at the link's rate with fabric.buffer bytes of
 * buffer (tail drop), then fabric.link_delay of propagation. The same keys
 * and topology as the fabric model, whose flow setup (controller, flow
 * tables) this path does not take: rules are installed in advance. */
#include <glib.h>

#include "../fabric/addressing.h"
#include "../fabric/fabric_params.h"
#include "net.h"

struct fport {
    struct fifo_server srv;
    double rate;     /* bit/s */
    uint64_t queued; /* wire bytes waiting or in service */
    uint64_t frames; /* sent, since the warm-up cut */
};

struct net_fabric {
    struct net_world *w;
    struct addr_plane *addr;                    /* fabric.addressing, or NULL */
    unsigned leaves, per_leaf, spines, n_ports; /* ports: the hosts, then the peer */
    sim_time link_delay, sw_latency;
    uint64_t buffer;
    uint32_t salt;
    struct fport *down;   /* leaf -> port, one per port */
    struct fport *up;     /* leaf l -> spine s at [l * spines + s] */
    struct fport *spdown; /* spine s -> leaf l at [s * leaves + l] */
};

enum { HOP_SRC_LEAF, HOP_SPINE, HOP_DST_LEAF };

static unsigned leaf_of(const struct net_fabric *f, unsigned k);

/* The address plane of fabric.addressing over the hosts' ports and the
 * peer's gateway port; a broadcast's crossing is leaf, spine, leaf
 * unloaded. */
static struct addr_plane *addr_new(struct net_world *w, struct net_fabric *f)
{
    g_autofree unsigned *vm_host = g_new(unsigned, MAX(w->n_vms, 1));
    g_autofree unsigned *port_switch = g_new(unsigned, f->n_ports);

    for (unsigned i = 0; i < w->n_vms; i++)
        vm_host[i] = w->vms[i].nh->id;
    for (unsigned k = 0; k < f->n_ports; k++)
        port_switch[k] = leaf_of(f, k);
    return addr_plane_new(w->sim, w->sc, f->n_ports, w->n_vms, vm_host, port_switch,
                          f->leaves + f->spines, f->leaves, 4 * f->link_delay + 3 * f->sw_latency);
}

static void fport_init(struct fport *p, struct sim *sim, const char *name, double rate)
{
    fifo_server_init(&p->srv, sim, name, 1);
    fifo_server_keep_busy(&p->srv);
    p->srv.on_start = net_server_started;
    p->rate = rate;
}

struct net_fabric *net_fabric_new(struct net_world *w)
{
    const struct scenario *sc = w->sc;
    struct net_fabric *f = g_new0(struct net_fabric, 1);
    double host_rate = scenario_real(sc, "nic.line_rate");
    double up_rate;

    f->leaves = (unsigned)scenario_int(sc, "fabric.leaves");
    f->per_leaf = (unsigned)scenario_int(sc, "fabric.hosts_per_leaf");
    f->spines = (unsigned)scenario_int(sc, "fabric.spines");
    f->n_ports = w->n_hosts + 1;
    f->link_delay = scenario_time(sc, "fabric.link_delay");
    f->sw_latency = scenario_time(sc, "fabric.switch_latency");
    f->buffer = (uint64_t)scenario_real(sc, "fabric.buffer");
    f->salt = (uint32_t)scenario_int(sc, "fabric.ecmp_salt");
    /* A leaf's uplinks carry what its hosts can send, divided by the
     * oversubscription (as in the fabric model). */
    up_rate = (double)f->per_leaf * host_rate /
              (scenario_real(sc, "fabric.oversubscription") * (double)f->spines);
    f->down = g_new0(struct fport, f->n_ports);
    f->up = g_new0(struct fport, (size_t)f->leaves * f->spines);
    f->spdown = g_new0(struct fport, (size_t)f->leaves * f->spines);
    for (unsigned k = 0; k < f->n_ports; k++)
        fport_init(&f->down[k], w->sim, "fabric.down", host_rate);
    for (unsigned k = 0; k < f->leaves * f->spines; k++) {
        fport_init(&f->up[k], w->sim, "fabric.up", up_rate);
        fport_init(&f->spdown[k], w->sim, "fabric.spine", up_rate);
    }
    f->w = w;
    f->addr = addr_new(w, f);
    return f;
}

void net_fabric_free(struct net_fabric *f)
{
    addr_plane_free(f->addr);
    for (unsigned k = 0; k < f->n_ports; k++)
        fifo_server_release(&f->down[k].srv);
    for (unsigned k = 0; k < f->leaves * f->spines; k++) {
        fifo_server_release(&f->up[k].srv);
        fifo_server_release(&f->spdown[k].srv);
    }
    g_free(f->down);
    g_free(f->up);
    g_free(f->spdown);
    g_free(f);
}

static void fport_reset(struct fport *p)
{
    fifo_server_reset_stats(&p->srv);
    p->frames = 0;
}

void net_fabric_reset_stats(struct net_fabric *f)
{
    for (unsigned k = 0; k < f->n_ports; k++)
        fport_reset(&f->down[k]);
    for (unsigned k = 0; k < f->leaves * f->spines; k++) {
        fport_reset(&f->up[k]);
        fport_reset(&f->spdown[k]);
    }
    if (f->addr)
        addr_reset_stats(f->addr);
}

void net_fabric_report(const struct net_fabric *f, struct report *out)
{
    double up = 0, up_max = 0;

    for (unsigned k = 0; k < f->leaves * f->spines; k++) {
        double u = fifo_server_utilization(&f->up[k].srv);

        up += u;
        up_max = u > up_max ? u : up_max;
    }
    report_metric(out, "all", "fabric_uplink_utilization", up / (f->leaves * f->spines), "1");
    report_metric(out, "all", "fabric_uplink_utilization_max", up_max, "1");
    if (f->addr)
        addr_report(f->addr, sim_time_to_s(sim_now(f->w->sim) - f->w->stat_start), out);
}

/* The leaf of port @k: hosts fill the leaves in order; the peer hangs
 * under leaf 0. */
static unsigned leaf_of(const struct net_fabric *f, unsigned k)
{
    return k + 1 == f->n_ports ? 0 : k / f->per_leaf;
}

unsigned net_ep_port(const struct net_world *w, int ep)
{
    if (ep >= 0)
        return w->vms[ep].nh->id;
    return ep == NET_PEER ? w->n_hosts : (unsigned)(-2 - ep);
}

/* A flow hash over the endpoints: every packet of a flow takes one spine. */
static unsigned ecmp_spine(const struct net_fabric *f, const struct net_pkt *p)
{
    uint32_t a = (uint32_t)(p->src + 1), b = (uint32_t)(p->dst + 1);
    uint32_t h = (a < b ? a * 0x9E3779B1u + b : b * 0x9E3779B1u + a) ^ f->salt;

    h ^= h >> 16;
    h *= 0x85EBCA6Bu;
    h ^= h >> 13;
    return h % f->spines;
}

static void at_switch(struct net_world *w, struct net_pkt *p);

static void enter(struct net_world *w, struct net_pkt *p);

/* @p reached the host its sender believed its VM is on, which the VM has
 * left: lost, or sent on from there (VL2). */
static void stale(struct net_world *w, struct net_pkt *p)
{
    unsigned here = p->to_port;

    if (addr_misdelivered(w->fabric->addr, p->from_port, (unsigned)p->dst, here) == ADDR_DROP) {
        net_pkt_drop(w, p, NET_DROP_misdelivered);
        return;
    }
    p->from_port = (uint16_t)here;
    p->to_port = (uint16_t)net_ep_port(w, p->dst);
    enter(w, p);
}

static void arrived(struct net_world *w, struct net_pkt *p)
{
    if (p->dst >= 0 && p->to_port != net_ep_port(w, p->dst))
        stale(w, p);
    else if (p->dst >= 0)
        net_nic_rx(w, p);
    else if (p->dst == NET_PEER)
        peer_rx(w, p);
    else /* a host's own stream ends at its port */
        net_pkt_deliver(w, p);
}

static void propagate(struct net_world *w, struct net_pkt *p, net_step_fn next)
{
    net_step(w->sim, p, NET_STAGE_wire);
    net_step_delay(w, p, w->fabric->link_delay, next);
}

static void link_sent(struct net_world *w, struct net_pkt *p);

static struct fport *next_port(struct net_world *w, struct net_pkt *p)
{
    struct net_fabric *f = w->fabric;
    unsigned dst = p->to_port, src_leaf = leaf_of(f, p->from_port);
    unsigned dst_leaf = leaf_of(f, dst);

    switch (p->hop) {
    case HOP_SRC_LEAF:
        if (src_leaf == dst_leaf)
            return &f->down[dst];
        return &f->up[src_leaf * f->spines + p->spine];
    case HOP_SPINE:
        return &f->spdown[p->spine * f->leaves + dst_leaf];
    default:
        return &f->down[dst];
    }
}

/* Forwarded: onto the output port's queue, or dropped if its buffer is
 * full. */
static void switched(struct net_world *w, struct net_pkt *p)
{
    struct fport *out = next_port(w, p);
    uint64_t bytes = (uint64_t)p->bytes + (uint64_t)p->frames * (net_frame_headers(w, p) + 38);
    sim_time ser = sim_time_from_s((double)bytes * 8.0 / out->rate);

    if (out->queued + bytes > w->fabric->buffer) {
        net_pkt_drop(w, p, NET_DROP_switch_full);
        return;
    }
    out->queued += bytes;
    net_step(w->sim, p, NET_STAGE_fabric_queue);
    net_step_part(p, NET_STAGE_wire, ser);
    net_step_serve(w, p, &out->srv, ser, link_sent);
}

static void link_sent(struct net_world *w, struct net_pkt *p)
{
    struct net_fabric *f = w->fabric;
    struct fport *out = next_port(w, p);
    uint64_t bytes = (uint64_t)p->bytes + (uint64_t)p->frames * (net_frame_headers(w, p) + 38);

    out->queued -= bytes;
    out->frames += p->frames;
    if (out >= f->down && out < f->down + f->n_ports) {
        propagate(w, p, arrived);
        return;
    }
    p->hop = p->hop == HOP_SRC_LEAF ? HOP_SPINE : HOP_DST_LEAF;
    propagate(w, p, at_switch);
}

static void at_switch(struct net_world *w, struct net_pkt *p)
{
    net_step(w->sim, p, NET_STAGE_switching);
    net_step_delay(w, p, w->fabric->sw_latency, switched);
}

void net_fabric_send(struct net_world *w, struct net_pkt *p, unsigned from)
{
    /* Sent towards a VM paused for its migration: lost, and none enters
     * the fabric, so that the VM's packets drain before it moves. */
    if (p->dst >= 0 && w->vms[p->dst].paused && p->kind != NET_PKT_MIGRATE) {
        net_pkt_drop(w, p, NET_DROP_vm_paused);
        return;
    }
    g_assert(from == net_ep_port(w, p->src));
    p->from_port = (uint16_t)from;
    p->to_port = (uint16_t)net_ep_port(w, p->dst);
    /* A VM's address is resolved where the packet enters (its sender's
     * cache, the switches' tables, the vSwitch's rules); the host's own
     * stream and the peer need none. */
    if (w->fabric->addr && p->dst >= 0) {
        sim_time wait;

        p->to_port = (uint16_t)addr_resolve(w->fabric->addr, from, (unsigned)p->dst,
                                            p->src >= 0 ? p->src : -1, &wait);
        if (wait > 0) {
            net_step(w->sim, p, NET_STAGE_resolve);
            net_step_delay(w, p, wait, enter);
            return;
        }
    }
    enter(w, p);
}

static void enter(struct net_world *w, struct net_pkt *p)
{
    p->hop = HOP_SRC_LEAF;
    p->spine = (uint8_t)ecmp_spine(w->fabric, p);
    propagate(w, p, at_switch);
}

void net_fabric_moved(struct net_world *w, const struct net_vm *vm)
{
    if (w->fabric->addr)
        addr_moved(w->fabric->addr, vm->id, vm->nh->id);
}
