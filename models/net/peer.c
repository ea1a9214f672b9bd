/* The far end: a bare-metal host that sinks, echoes (rr) and sources (rx
 * streams) traffic. It has enough cores never to be the bottleneck unless
 * peer.cores says otherwise, and its own transmit side of the link at the
 * port's line rate. Left out: its NIC, interrupts and IOMMU (folded into its
 * per-packet cost). */
#include <glib.h>

#include "net.h"
#include "workload.h"

void peer_init(struct net_world *w)
{
    fifo_server_init(&w->peer.cpu, w->sim, "peer.cpu", (unsigned)scenario_int(w->sc, "peer.cores"));
    fifo_server_init(&w->peer.port, w->sim, "peer.port", 1);
    w->peer.cpu.on_start = w->peer.port.on_start = net_server_started;
    w->peer.per_packet = scenario_time(w->sc, "peer.per_packet");
}

void peer_release(struct net_world *w)
{
    fifo_server_release(&w->peer.cpu);
    fifo_server_release(&w->peer.port);
}

static void peer_rx_done(struct net_world *w, struct net_pkt *p)
{
    net_pkt_deliver(w, p);
}

void peer_rx(struct net_world *w, struct net_pkt *p)
{
    net_step(w->sim, p, NET_STAGE_peer);
    net_step_serve(w, p, &w->peer.cpu, w->peer.per_packet, peer_rx_done);
}

static void peer_arrived(struct net_world *w, struct net_pkt *p)
{
    net_nic_rx(w, p);
}

static void peer_sent(struct net_world *w, struct net_pkt *p)
{
    workload_left(w, p);
    if (w->fabric) {
        net_fabric_send(w, p, w->n_hosts);
        return;
    }
    net_step(w->sim, p, NET_STAGE_wire);
    net_step_delay(w, p, w->wire_delay, peer_arrived);
}

static void peer_stack_done(struct net_world *w, struct net_pkt *p)
{
    workload_sent(w, p->vm, p->kind, p->cpu);
    net_step(w->sim, p, NET_STAGE_wire);
    net_step_serve(w, p, &w->peer.port, net_wire_time(w, p), peer_sent);
}

void peer_tx_ack(struct net_world *w, struct net_pkt *p)
{
    peer_stack_done(w, p);
}

void peer_tx(struct net_world *w, struct net_pkt *p)
{
    net_step(w->sim, p, NET_STAGE_peer);
    net_step_serve(w, p, &w->peer.cpu, w->peer.per_packet, peer_stack_done);
}
