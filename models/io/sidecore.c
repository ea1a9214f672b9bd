/* A sidecore (ELVIS, Har'El et al., USENIX ATC 2013): paravirtual I/O whose
 * host side is one polling thread on a core of its own serving the virtio
 * rings of several VMs. The guest adds buffers to its rings and never
 * kicks (the device keeps notifications off for good), so transmitting
 * costs no exit; the thread scans the VMs' queues in turn, takes up to
 * sidecore.batch packets from a queue with work before moving on (one
 * thread switching between queues, not a thread per VM paying context
 * switches), and interrupts the guest without exits (ELI-style delivery,
 * sidecore.exitless_irq). Its price: the core never idles. While every
 * queue is empty the thread spins; its place in the scan is worked out
 * when work arrives instead of simulated check by check, and its spinning
 * is billed as host CPU of the VMs it serves. Per-packet backend work is
 * vhost's (virtio.vhost_per_packet). Left out: multiqueue, mergeable
 * buffers, VM-to-VM traffic on one host, ELVIS's block path. */
#include <string.h>

#include <glib.h>

#include "../net/guest_stack.h"
#include "../net/strategy.h"
#include "../param_sources.h"
#include "../param_tables.h"
#include "../virtio/vring.h"
#include "hostpath.h"
#include "param_table.h"

/* virtio-net header in front of each packet (virtio 1.x, Message Framing) */
#define SIDECORE_NET_HDR 12
/* the guest stops its queue below this many free descriptors (virtio_net.c:
 * 2 + MAX_SKB_FRAGS) */
#define SIDECORE_TX_STOP 19

static const struct param_def sidecore_params[] = {
    PDEF_INT("sidecore.cores", "1", 1, 256,
             "polling cores per host, each a thread serving its share of the VMs (in turn); "
             "taken from the cores that hold no vCPU",
             "choice: one I/O core for all VMs, ELVIS's set-up (Har'El et al. ATC'13)"),
    PDEF_CYCLES("sidecore.poll_cost", "166", 1, 1e9,
                "the polling thread checking one VM's queue (a cache line the guest wrote)",
                "one DRAM access, 79 ns x 2.1 GHz, as guest.poll_check (sources.md#mem-latency)"),
    PDEF_INT("sidecore.batch", "256", 1, 65536,
             "packets the thread takes from one queue before it moves to the next",
             "Linux drivers/vhost/net.c: VHOST_NET_PKT_WEIGHT 256, what a vhost worker takes "
             "from one queue before it yields (sources.md#elvis)"),
    PDEF_BOOL("sidecore.exitless_irq", "true",
              "the thread interrupts a running guest without exits (ELI-style: no injection, "
              "no EOI exit); false: as any virtual interrupt (hv.posted_interrupts, ...)",
              "choice: ELVIS delivers its notifications exitlessly (sources.md#elvis)"),
};

static const size_t sidecore_n_params = G_N_ELEMENTS(sidecore_params);

const struct param_table sidecore_param_table = { .params = sidecore_params,
                                                  .n = &sidecore_n_params };

/* One polling thread on a core of its own. */
struct poller {
    struct net_host *nh;
    struct cpu_core *core;
    unsigned idx;         /* on its host */
    struct net_vm **vms;  /* the queues it scans, in order */
    unsigned n, cap;      /* VMs attached, room for */
    unsigned pos;         /* the queue the scan looks at next */
    bool busy;            /* it has found work and is serving it */
    bool waking;          /* it will find work at @wake_at */
    sim_event_id wake_ev; /* that discovery */
    sim_time wake_at;
    sim_time idle_since; /* spinning over empty queues since (its scan's phase) */
    sim_time billed;     /* spinning billed up to here */
    sim_time spun;       /* spinning billed since the warm-up cut */
    sim_time spun_from;  /* that cut */
    uint64_t batches;
};

struct sidecore_vm {
    struct host_backend hb;
    struct poller *poller;
    unsigned slot;                /* its place in the poller's scan */
    struct cpu_core *own_backend; /* where net placed its backend */
    struct vring tx, rx;
    uint32_t *rx_pkt;
    struct net_pktq rx_landed; /* in host buffers, for the poller */
    struct net_pktq waiting;   /* sends held while the queue is stopped */
    bool stopped;
    uint64_t stops, unsignalled_bytes;
    bool exitless;
    sim_time poll, empty_before; /* one queue check; checks before this batch */
    unsigned batch;
};

static unsigned sidecore_polling_cores(const struct scenario *sc, const char **key)
{
    *key = "sidecore.cores";
    return (unsigned)scenario_int(sc, "sidecore.cores");
}

/* ---- the polling thread ---- */

static bool has_work(const struct net_vm *vm)
{
    const struct sidecore_vm *s = vm->io;

    return s->rx_landed.len || (vring_avail_pending(&s->tx) && !host_tx_full(&s->hb.io));
}

/* Spinning over empty queues until now is host CPU, shared by the VMs. */
static void bill_spin(struct poller *pl)
{
    sim_time now = sim_now(pl->nh->host.sim);
    sim_time from = MAX(MAX(pl->idle_since, pl->billed), net_stat_start(pl->nh)), spin = now - from;

    pl->billed = now;
    if (pl->spun_from != net_stat_start(pl->nh)) {
        pl->spun = 0;
        pl->spun_from = net_stat_start(pl->nh);
    }
    if (spin <= 0)
        return;
    pl->spun += spin;
    for (unsigned k = 0; k < pl->n; k++)
        pl->vms[k]->c.host_busy += spin / pl->n + (k < (unsigned)(spin % pl->n));
}

static void poller_scan(struct poller *pl);

static void on_found(struct sim *sim, void *ctx, const void *payload)
{
    struct poller *pl = ctx;
    unsigned slot;

    (void)sim;
    memcpy(&slot, payload, sizeof(slot));
    pl->waking = false;
    bill_spin(pl);
    pl->busy = true;
    pl->pos = slot;
    poller_scan(pl);
}

/* Work appeared on @vm's queues. A spinning thread finds it when its scan,
 * one queue per poll_cost since it went idle, next reaches that queue. */
static void poller_notice(struct net_vm *vm)
{
    struct sidecore_vm *s = vm->io;
    struct poller *pl = s->poller;
    sim_time now = sim_now(pl->nh->host.sim), elapsed, at;
    unsigned cur;

    if (pl->busy)
        return;
    elapsed = now - pl->idle_since;
    cur = (unsigned)((pl->pos + (uint64_t)(elapsed / s->poll)) % pl->n);
    at =
        now + (s->poll - elapsed % s->poll) + (sim_time)((s->slot + pl->n - cur) % pl->n) * s->poll;
    if (pl->waking && pl->wake_at <= at)
        return;
    if (pl->waking)
        sim_cancel(pl->nh->host.sim, pl->wake_ev);
    pl->waking = true;
    pl->wake_at = at;
    pl->wake_ev = sim_schedule(pl->nh->host.sim, at - now, on_found, pl, &s->slot, sizeof(s->slot));
}

static void tx_served(struct net_vm *vm, struct net_pkt *p)
{
    struct sidecore_vm *s = vm->io;

    vring_push_used(&s->tx, (uint16_t)p->slot, 0);
    s->unsignalled_bytes += p->bytes;
    host_tx(vm, &s->hb.io, p);
}

static void rx_to_guest(struct net_vm *vm, struct net_pkt *p)
{
    struct sidecore_vm *s = vm->io;
    int head;

    nic_rx_release(&vm->nh->nic, p->queue, 0, p->frames);
    head = vring_pop_avail(&s->rx);
    if (head < 0) {
        net_dev_drop(vm, p, NET_DROP_rx_ring_full);
        return;
    }
    s->rx_pkt[head] = p->idx;
    vring_push_used(&s->rx, (uint16_t)head, p->bytes + SIDECORE_NET_HDR);
    guest_rx_arrive(vm, p);
    if (vring_need_interrupt(&s->rx))
        guest_irq_raise(vm);
}

static void on_checked(struct sim *sim, void *ctx, uint64_t tag)
{
    (void)sim;
    (void)ctx;
    (void)tag;
}

static void on_batch_done(struct sim *sim, void *ctx, uint64_t tag)
{
    struct poller *pl = ctx;
    struct net_vm *vm = pl->vms[tag];
    struct sidecore_vm *s = vm->io;

    (void)sim;
    /* Used transmit buffers are signalled once per batch, as vhost does. */
    if (vring_need_interrupt(&s->tx))
        guest_tx_complete(vm, 0, s->unsignalled_bytes);
    s->unsignalled_bytes = 0;
    pl->pos = (unsigned)(tag + 1) % pl->n;
    poller_scan(pl);
}

/* Serve up to a batch from the queue at @slot: its transmit ring, then the
 * packets that landed for it; the checks of the empty queues before it go
 * first. Every job of the batch runs on the thread's core in order. */
static void serve(struct poller *pl, unsigned slot)
{
    struct net_vm *vm = pl->vms[slot];
    struct sidecore_vm *s = vm->io;
    unsigned n = 0;
    struct net_pkt *p;
    int head;

    net_backend_job(pl->core, vm, s->empty_before + s->poll, on_checked, pl, slot);
    while (n < s->batch && !host_tx_full(&s->hb.io) && (head = vring_pop_avail(&s->tx)) >= 0) {
        p = net_pkt_at(vm->nh->pkts, (uint32_t)s->tx.token[head]);
        host_backend_tx(vm, &s->hb, pl->core, p, tx_served);
        n++;
    }
    while (n < s->batch && (p = net_pktq_pop(vm->nh->pkts, &s->rx_landed))) {
        host_backend_rx(vm, &s->hb, vm->backend, p, rx_to_guest);
        n++;
    }
    pl->batches++;
    net_backend_job(pl->core, vm, 0, on_batch_done, pl, slot);
}

static void poller_scan(struct poller *pl)
{
    for (unsigned k = 0; k < pl->n; k++) {
        unsigned slot = (pl->pos + k) % pl->n;

        if (has_work(pl->vms[slot])) {
            ((struct sidecore_vm *)pl->vms[slot]->io)->empty_before =
                (sim_time)k * ((struct sidecore_vm *)pl->vms[slot]->io)->poll;
            serve(pl, slot);
            return;
        }
    }
    /* A whole round found nothing: spin from here. */
    pl->busy = false;
    pl->idle_since = sim_now(pl->nh->host.sim);
}

/* The host's ring has room again: the thread's next visit takes more. */
static void sidecore_on_room(struct net_vm *vm)
{
    if (has_work(vm))
        poller_notice(vm);
}

/* ---- set-up ---- */

/* The poller of @vm's share on its host, made by its first VM. */
static struct poller *poller_of(struct net_vm *vm)
{
    struct net_host *nh = vm->nh;
    unsigned idx = vm->local % (unsigned)scenario_int(vm->nh->sc, "sidecore.cores");
    struct poller *pl;

    for (unsigned i = 0; i < nh->n_vms; i++) {
        struct net_vm *o = &nh->vms[i];

        if (o != vm && o->nh == nh && o->ops == vm->ops && o->io &&
            ((struct sidecore_vm *)o->io)->poller->idx == idx)
            return ((struct sidecore_vm *)o->io)->poller;
    }
    pl = g_new0(struct poller, 1);
    pl->nh = nh;
    pl->idx = idx;
    pl->core = net_polling_core(nh, idx);
    pl->cap = nh->n_vms;
    pl->vms = g_new0(struct net_vm *, pl->cap);
    pl->idle_since = sim_now(vm->nh->host.sim);
    return pl;
}

static void sidecore_attach(struct net_vm *vm)
{
    const struct scenario *sc = vm->nh->sc;
    struct sidecore_vm *s = g_new0(struct sidecore_vm, 1);
    uint16_t size = (uint16_t)scenario_int(sc, "virtio.ring_size");
    struct poller *pl = poller_of(vm);

    vring_init(&s->tx, size, true, false);
    vring_init(&s->rx, size, true, false);
    s->rx_pkt = g_new(uint32_t, size);
    /* The device polls: the guest never needs to kick. */
    vring_disable_notify(&s->tx);
    vring_disable_notify(&s->rx);
    s->hb.per_packet = host_cycles(&vm->nh->host, sc, "virtio.vhost_per_packet");
    s->hb.host_stack = vm->nh->host.stack_per_packet;
    s->hb.copy_per_byte = scenario_real(sc, "virtio.copy_per_byte") * 1e12;
    s->hb.header_bytes = SIDECORE_NET_HDR;
    host_backend_init(&s->hb, vm);
    s->hb.io.on_room = sidecore_on_room;
    s->poll = host_cycles(&vm->nh->host, sc, "sidecore.poll_cost");
    s->batch = (unsigned)scenario_int(sc, "sidecore.batch");
    s->exitless = scenario_bool(sc, "sidecore.exitless_irq");
    while (s->rx.num_free)
        vring_add_buf(&s->rx, 0, 1,
                      vm->nh->cfg->mss + vm->nh->cfg->frame_overhead + SIDECORE_NET_HDR, 0);
    vring_kick_prepare(&s->rx);
    /* The thread does this VM's host work: the host stack of what it
     * receives runs there too (host_backend_rx()). */
    s->own_backend = vm->backend;
    s->own_backend->n_threads--;
    vm->backend = pl->core;
    s->poller = pl;
    s->slot = pl->n;
    /* A VM migrating in joins the destination's thread. */
    if (pl->n == pl->cap) {
        pl->cap *= 2;
        pl->vms = g_renew(struct net_vm *, pl->vms, pl->cap);
    }
    pl->vms[pl->n++] = vm;
    vm->io = s;
    net_vm_ready(vm);
}

static void sidecore_detach(struct net_vm *vm)
{
    struct sidecore_vm *s = vm->io;
    struct poller *pl = s->poller;

    bill_spin(pl);
    if (pl->waking)
        sim_cancel(vm->nh->host.sim, pl->wake_ev);
    pl->waking = false;
    for (unsigned k = s->slot + 1; k < pl->n; k++) {
        pl->vms[k - 1] = pl->vms[k];
        ((struct sidecore_vm *)pl->vms[k - 1]->io)->slot = k - 1;
    }
    pl->n--;
    pl->pos = 0;
    if (!pl->n) {
        g_free(pl->vms);
        g_free(pl);
    } else if (!pl->busy) {
        for (unsigned k = 0; k < pl->n; k++)
            if (has_work(pl->vms[k]))
                poller_notice(pl->vms[k]);
    }
    vm->backend = s->own_backend;
    vm->backend->n_threads++;
    vring_release(&s->tx);
    vring_release(&s->rx);
    g_free(s->rx_pkt);
    g_free(s);
    vm->io = NULL;
}

/* ---- the guest's driver ---- */

static unsigned free_old_xmit(struct sidecore_vm *s)
{
    unsigned n = 0;

    while (vring_get_buf(&s->tx, NULL) != VRING_NONE)
        n++;
    return n;
}

static void tx_added(struct net_vm *vm, struct net_pkt *p)
{
    struct sidecore_vm *s = vm->io;
    int head = vring_add_buf(&s->tx, 1, 0, p->bytes + SIDECORE_NET_HDR, p->idx);

    /* Sends of several vCPUs, or woken together, can find the ring full
     * (no lock orders them): back to the qdisc until the queue wakes. */
    if (head < 0) {
        s->stopped = true;
        net_pkt_wait(vm->nh->host.sim, p, NET_STAGE_vring);
        net_pktq_push(vm->nh->pkts, &s->waiting, p);
        return;
    }
    p->slot = (uint32_t)head;
    if (s->tx.num_free < SIDECORE_TX_STOP) {
        s->stopped = true;
        s->stops++;
        if (!vring_enable_cb_delayed(&s->tx))
            guest_tx_complete(vm, 0, 0);
    }
    /* No kick: the notification stays suppressed, the poller will look. */
    vring_kick_prepare(&s->tx);
    net_pkt_wait(vm->nh->host.sim, p, NET_STAGE_vring);
    poller_notice(vm);
    guest_xmit_done(vm, p->cpu);
}

static void sidecore_guest_tx(struct net_vm *vm, struct net_pkt *p)
{
    struct sidecore_vm *s = vm->io;
    unsigned reclaimed = 0;

    net_step(vm->nh->host.sim, p, NET_STAGE_driver);
    if (s->stopped) {
        /* The qdisc holds it until the queue wakes; its sender waits. */
        net_pkt_wait(vm->nh->host.sim, p, NET_STAGE_vring);
        net_pktq_push(vm->nh->pkts, &s->waiting, p);
        return;
    }
    /* start_xmit frees what was used and asks for an interrupt once 3/4 of
     * what is outstanding is used (napi_tx, as virtio-net). */
    do {
        vring_disable_cb(&s->tx);
        reclaimed += free_old_xmit(s);
    } while (!vring_enable_cb_delayed(&s->tx));
    vm->c.tx_cleaned += reclaimed;
    net_step_cpu(p, net_pkt_vcpu(vm, p), vm, vm->nh->g->driver_tx + reclaimed * vm->nh->g->tx_clean,
                 tx_added);
}

static unsigned sidecore_tx_clean(struct net_vm *vm, unsigned signalled)
{
    struct sidecore_vm *s = vm->io;
    unsigned n;
    struct net_pkt *p;

    (void)signalled;
    vring_disable_cb(&s->tx);
    n = free_old_xmit(s);
    if (s->stopped && s->tx.num_free >= SIDECORE_TX_STOP) {
        s->stopped = false;
        while (!s->stopped && (p = net_pktq_pop(vm->nh->pkts, &s->waiting)))
            sidecore_guest_tx(vm, p);
    }
    if (!vring_enable_cb(&s->tx))
        guest_tx_complete(vm, 0, 0);
    return n;
}

static void rx_landed(struct net_vm *vm, struct net_pkt *p)
{
    struct sidecore_vm *s = vm->io;

    /* In a host buffer until the thread's scan reaches this VM. */
    net_pkt_wait(vm->nh->host.sim, p, NET_STAGE_backend);
    net_pktq_push(vm->nh->pkts, &s->rx_landed, p);
    poller_notice(vm);
}

static void sidecore_device_rx(struct net_vm *vm, struct net_pkt *p)
{
    struct sidecore_vm *s = vm->io;

    host_rx(vm, &s->hb.io, p, rx_landed);
}

static void sidecore_tx_wire_done(struct net_vm *vm, struct net_pkt *p)
{
    struct sidecore_vm *s = vm->io;

    (void)p;
    host_tx_wire_done(vm, &s->hb.io);
}

static sim_time sidecore_irq_deliver(struct net_vm *vm)
{
    struct sidecore_vm *s = vm->io;

    vring_disable_cb(&s->rx);
    /* ELI needs the vCPU in guest mode: a halted one is woken as usual. */
    if (!s->exitless || (vm->nh->host.hv.halt && vm->vcpu->srv.busy == 0))
        return net_irq_virtual(vm);
    return 0;
}

static sim_time sidecore_rx_driver(struct net_vm *vm, struct net_pkt *p)
{
    struct sidecore_vm *s = vm->io;

    g_assert(s->rx_pkt[vring_next_used_id(&s->rx)] == p->idx);
    vring_get_buf(&s->rx, NULL);
    vring_add_buf(&s->rx, 0, 1, vm->nh->cfg->mss + vm->nh->cfg->frame_overhead + SIDECORE_NET_HDR,
                  0);
    return vm->nh->g->driver_rx;
}

static sim_time sidecore_irq_complete(struct net_vm *vm, bool *rearmed)
{
    struct sidecore_vm *s = vm->io;

    /* Refilled buffers need no kick: the thread sees them. */
    vring_kick_prepare(&s->rx);
    *rearmed = vring_enable_cb(&s->rx);
    if (!*rearmed)
        vring_disable_cb(&s->rx);
    return 0;
}

/* Spinning up to now is billed before the run's totals are read. */
static void sidecore_settle(struct net_host *hosts, unsigned n_hosts)
{
    NET_FOR_EACH_VM (vm, hosts, n_hosts) {
        struct sidecore_vm *s = vm->io;

        if (vm->ops == &sidecore_strategy_ops && s->slot == 0 && !s->poller->busy)
            bill_spin(s->poller);
    }
}

static void sidecore_report(struct net_host *hosts, unsigned n_hosts, struct report *out)
{
    uint64_t stops = 0, batches = 0, kicks = 0;
    double cores = 0, spun = 0;
    sim_time start = net_stat_start(&hosts[0]);
    double span = sim_time_to_s(sim_now(hosts[0].host.sim) - start);

    NET_FOR_EACH_VM (vm, hosts, n_hosts) {
        const struct sidecore_vm *s = vm->io;

        if (vm->ops != &sidecore_strategy_ops)
            continue;
        stops += s->stops;
        kicks += s->tx.kicks + s->rx.kicks;
        if (s->slot == 0) {
            cores += 1;
            batches += s->poller->batches;
            spun += s->poller->spun_from == start ? sim_time_to_s(s->poller->spun) : 0;
        }
    }
    report_metric(out, "all", "sidecore_cores", cores, "1");
    /* Of the polling cores' time (since the warm-up): spinning on empty
     * queues. Lifetime counts otherwise. */
    report_metric(out, "all", "sidecore_spin", cores > 0 && span > 0 ? spun / (cores * span) : 0,
                  "1");
    report_metric(out, "all", "sidecore_batches", (double)batches, "1");
    report_metric(out, "all", "sidecore_kicks", (double)kicks, "1");
    report_metric(out, "all", "tx_queue_stops", (double)stops, "1");
}

const struct io_strategy_ops sidecore_strategy_ops = {
    .name = "sidecore",
    .uses_itr = false,
    .vswitch = true,
    .polling_cores = sidecore_polling_cores,
    .attach = sidecore_attach,
    .guest_tx = sidecore_guest_tx,
    .device_rx = sidecore_device_rx,
    .tx_wire_done = sidecore_tx_wire_done,
    .irq_deliver = sidecore_irq_deliver,
    .rx_driver = sidecore_rx_driver,
    .irq_complete = sidecore_irq_complete,
    .report = sidecore_report,
    .detach = sidecore_detach,
    .tx_clean = sidecore_tx_clean,
    .settle = sidecore_settle,
};
