/* virtio-net over split rings, with a vhost (kernel worker, kick via
 * ioeventfd: an in-kernel exit) or QEMU (user-space thread, kick exits to
 * user space) backend. The guest adds buffers and kicks only when the ring
 * says so (EVENT_IDX or NO_NOTIFY); the backend wakes, disables kicks,
 * drains the ring in batches and re-enables kicks with a re-check; the
 * device interrupts only when the guest asked (NAPI disables callbacks).
 * Transmit as Linux's virtio_net.c with napi_tx (the default): start_xmit
 * frees what the device used and re-arms the completion interrupt for 3/4
 * of the buffers outstanding (virtqueue_enable_cb_delayed); it stops the
 * queue when fewer than 2 + MAX_SKB_FRAGS descriptors are free
 * (check_sq_full_and_disable) and the senders wait until the interrupt's
 * NAPI poll (virtnet_poll_tx) frees enough. The backend waits while the
 * host NIC's ring is full (vhost's handle_tx on -EAGAIN).
 * Multiqueue (MQ, virtio.queues pairs): transmit queue k has its own ring,
 * lock (vCPUs sharing it are serialised, and the waits counted) and backend
 * thread; receive queue k has its own ring served by the same thread (QEMU
 * opens one vhost-net device, hence one worker, per pair), and received
 * flows reach a queue by the guest's RSS hash, each pair with its own
 * vector on its own vCPU (virtnet_set_affinity spreads them). Costs:
 * docs/sources.md#dall-atc17, #tun-skb-array, #firecracker. Each pair's
 * transmit completions have a vector of their own (guest_stack.c). Left
 * out: busy polling of the receive socket (virtio.busy_poll polls the
 * transmit ring). */
#include <math.h>
#include <string.h>

#include <glib.h>

#include "../net/strategy.h"
#include "../virtio/vring.h"
#include "hostpath.h"
#include "virtio_config.h"

/* Linux's MAX_SKB_FRAGS: fragments of one packet */
#define VIRTIO_MAX_FRAGS 17
/* virtio_net.c: the queue stops below 2 + MAX_SKB_FRAGS free slots, the
 * most one packet can take */
#define VIRTIO_TX_STOP (2 + VIRTIO_MAX_FRAGS)
/* add_recvbuf_big(): without mergeable buffers a receive buffer for
 * large segments is a chain of pages, a descriptor each, and the header */
#define VIRTIO_BIG_DESCS (2 + VIRTIO_MAX_FRAGS)
#define VIRTIO_BIG_BYTES ((1 + VIRTIO_MAX_FRAGS) * 4096)

/* One transmit queue: its ring, the guest's lock on it (netif_tx_lock),
 * and the backend thread that serves it. */
struct virtio_txq {
    struct vring vr;
    struct sim_lock lock;
    sim_time locked_at;  /* the holder got the lock */
    struct welford hold; /* seconds each holder kept it */
    struct net_vm *vm;
    struct cpu_core *core;
    bool awake, waking;
    bool stalled; /* the backend waits for room in the host's ring */
    bool polling; /* busy polling the empty ring, kicks off */
    sim_time poll_start;
    sim_event_id poll_end;
    bool stopped;     /* the guest stopped the queue: senders wait */
    uint16_t stop_at; /* free descriptors below which it stops */
    struct net_pktq waiting;
    uint64_t wakeups;  /* the backend thread was woken by a kick */
    uint64_t spurious; /* kicks that found it awake or already waking */
    uint64_t stops;
    uint64_t unsignalled_bytes; /* used since the worker last signalled */
};

/* One receive queue: its ring and the packet written into each buffer;
 * its pair's backend thread fills it. */
struct virtio_rxq {
    struct vring vr;
    uint32_t *pkt;
};

struct virtio_vm {
    struct host_backend hb;
    struct virtio_negotiation neg;
    struct virtio_txq *txq;
    unsigned n_txq;
    struct virtio_rxq *rxq; /* n_txq of them */
    unsigned rx_buf_slots;  /* ring slots one receive buffer takes */
    uint32_t rx_buf_bytes;  /* one receive buffer */
    uint32_t tx_frag_bytes; /* payload per fragment (virtio.tx_frag_size) */
    uint64_t tx_pkts, tx_slots, rx_pkts, rx_bufs, rx_slots;
    enum hv_exit_reason kick_exit;
    sim_time notify_latency, wake, busy_poll;
    /* vhost-user: the backend is a poll-mode thread (notifications stay
     * off) and pays @call to signal the guest */
    bool pmd;
    sim_time call;
    /* a packed ring's line beyond the split ring's: host.line_transfer */
    sim_time line_transfer;
};

static void virtio_on_room(struct net_vm *vm);

static bool virtio_indirect(const struct virtio_vm *v)
{
    return virtio_has(v->neg.accepted, VIRTIO_F_INDIRECT_DESC);
}

/* Ring slots of a chain of @n descriptors: virtqueue_add_split() moves any
 * chain longer than one into an indirect table when it may. */
static unsigned chain_slots(const struct virtio_vm *v, unsigned n)
{
    return n > 1 && virtio_indirect(v) ? 1 : n;
}

/* The per-packet costs were measured on split rings (docs/sources.md):
 * a packed ring's step pays @base plus the lines its layout moved beyond
 * the split twin's since the last charge on @side, or saves those it did
 * not move; whole lines, never below zero (the rest waits). */
static sim_time ring_lines(const struct virtio_vm *v, struct vring *vr, enum ring_side side,
                           sim_time base)
{
    int64_t n;

    if (!vr->shadow || !v->line_transfer || !(n = vring_line_excess(vr, side)))
        return base;
    if (base + n * v->line_transfer < 0)
        n = -(base / v->line_transfer);
    vring_line_charge(vr, side, n);
    return base + n * v->line_transfer;
}

static bool virtio_check(const struct scenario *sc, const char *count_key, int64_t vms,
                         GError **error)
{
    struct virtio_negotiation neg;
    int64_t nic_queues = scenario_int(sc, "nic.queues"), pairs = scenario_int(sc, "virtio.queues");

    (void)count_key;
    (void)vms;
    if (!virtio_net_negotiate(sc, &neg, error))
        return false;
    /* nic.queues, the function's queue pairs, may name virtio.queues again
     * (a sweep over both strategies moves the two together). */
    if (nic_queues > 1 && nic_queues != pairs) {
        scenario_error(sc, "nic.queues", error,
                       "virtio devices have one queue pair unless virtio.queues gives more; "
                       "nic.queues is %" G_GINT64_FORMAT " but virtio.queues is %" G_GINT64_FORMAT,
                       nic_queues, pairs);
        return false;
    }
    /* virtnet_find_vqs() asks for a vector per virtqueue. */
    if (!guest_vectors_check(sc, &virtio_strategy_ops, "virtio.queues", pairs, error))
        return false;
    if (!virtio_has(neg.accepted, VIRTIO_F_INDIRECT_DESC) &&
        scenario_int(sc, "virtio.ring_size") < VIRTIO_TX_STOP) {
        scenario_error(sc, "virtio.ring_size", error,
                       "without INDIRECT_DESC one packet may take %d descriptors, more than the "
                       "ring holds",
                       VIRTIO_TX_STOP);
        return false;
    }
    return true;
}

/* The guest posts receive buffers until the ring is full: mergeable
 * buffers of one frame, big buffers of 64 KiB and more when the device
 * may write large segments without them, else one frame each
 * (virtnet_probe(), add_recvbuf_{mergeable,big,small}()). */
static void rx_fill(const struct net_vm *vm, struct virtio_vm *v, struct vring *rx)
{
    unsigned descs = !v->neg.mergeable && v->neg.big_rx ? VIRTIO_BIG_DESCS : 1;

    v->rx_buf_slots = chain_slots(v, descs);
    v->rx_buf_bytes = descs > 1 ? VIRTIO_BIG_BYTES
                                : vm->nh->cfg->mss + vm->nh->cfg->frame_overhead + v->neg.hdr_bytes;
    while (rx->num_free >= v->rx_buf_slots)
        vring_add_buf(rx, 0, v->rx_buf_slots, v->rx_buf_bytes, 0);
}

static sim_time cycles(struct net_vm *vm, const char *key)
{
    return cpu_cycles(&vm->nh->host.cpu, (double)scenario_int(vm->nh->sc, key));
}

/* What the backend costs: QEMU's thread and kernel vhost go through the
 * host stack and sleep until kicked (ioeventfd: a user-space or an
 * in-kernel exit); vhost-user's thread drives the NIC with a poll-mode
 * driver (no host stack) and finds buffers by polling. */
static void virtio_backend_costs(struct net_vm *vm, struct virtio_vm *v,
                                 enum virtio_backend backend)
{
    static const char *const per_packet[] = {
        [VIRTIO_BACKEND_QEMU] = "virtio.qemu_per_packet",
        [VIRTIO_BACKEND_VHOST] = "virtio.vhost_per_packet",
        [VIRTIO_BACKEND_VHOST_USER] = "virtio.vhost_user_per_packet",
    };

    v->pmd = backend == VIRTIO_BACKEND_VHOST_USER;
    v->kick_exit = backend == VIRTIO_BACKEND_QEMU ? HV_EXIT_mmio_user : HV_EXIT_mmio_kernel;
    v->hb.per_packet = cycles(vm, per_packet[backend]);
    v->notify_latency = cycles(vm, v->pmd ? "virtio.vhost_user_poll" : "virtio.notify_latency");
    v->wake = cycles(vm, "virtio.wake");
    v->call = v->pmd ? cycles(vm, "virtio.vhost_user_call") : 0;
    v->busy_poll = scenario_time(vm->nh->sc, "virtio.busy_poll");
    v->line_transfer = scenario_time(vm->nh->sc, "host.line_transfer");
    v->hb.host_stack = v->pmd ? 0 : vm->nh->host.stack_per_packet;
}

static void virtio_attach(struct net_vm *vm)
{
    const struct scenario *sc = vm->nh->sc;
    struct virtio_vm *v = g_new0(struct virtio_vm, 1);
    uint16_t size = (uint16_t)scenario_int(sc, "virtio.ring_size");
    enum virtio_backend backend = virtio_backend_of(sc);
    bool event_idx, packed, ok = virtio_net_negotiate(sc, &v->neg, NULL);
    bool zero_event = strcmp(scenario_str(sc, "virtio.disable_cb"), "zero-event") == 0;
    struct virtio_plan plan;

    g_assert(ok);
    event_idx = virtio_has(v->neg.accepted, VIRTIO_F_EVENT_IDX);
    packed = virtio_packed(&v->neg);
    v->tx_frag_bytes = (uint32_t)scenario_real(sc, "virtio.tx_frag_size");
    /* Without TSO the guest's stack segments (GSO) before the driver;
     * without guest TSO the host's does before the device. */
    vm->seg_max_tx = v->neg.tso_tx ? 0 : vm->nh->cfg->mss;
    vm->seg_max_rx = v->neg.gso_rx ? 0 : vm->nh->cfg->mss;
    /* virtnet_probe() sets up every pair the device offers but uses no
     * more than the guest has CPUs (curr_queue_pairs, sent with
     * VIRTIO_NET_CTRL_MQ_VQ_PAIRS_SET). */
    v->n_txq = MIN(v->neg.queue_pairs, vm->n_vcpus);
    v->txq = g_new0(struct virtio_txq, v->n_txq);
    for (unsigned q = 0; q < v->n_txq; q++) {
        vring_init(&v->txq[q].vr, size, event_idx, packed);
        v->txq[q].vr.modern_disable_cb = zero_event;
        if (packed)
            vring_shadow_split(&v->txq[q].vr);
        sim_lock_init(&v->txq[q].lock, vm->nh->host.sim);
        welford_init(&v->txq[q].hold);
        v->txq[q].vm = vm;
        v->txq[q].core = q ? net_backend_core(vm) : vm->backend;
        /* A poll-mode thread never lets its core sleep; vhost's busy
         * polling keeps it awake that long after the ring empties. */
        v->txq[q].core->idle_spin =
            backend == VIRTIO_BACKEND_VHOST_USER
                ? CPU_SPINS
                : MAX(v->txq[q].core->idle_spin, scenario_time(sc, "virtio.busy_poll"));
        /* Rings too small for the driver's margin stop only when full
         * (when one slot is all a packet takes). */
        v->txq[q].stop_at = size >= 4 * VIRTIO_TX_STOP || !virtio_indirect(v) ? VIRTIO_TX_STOP : 1;
        /* The device starts with kicks on, at its position (the packed
         * ring's DESC offset, as split's avail_event 0 is); a polling
         * backend turns them off for good. */
        if (backend == VIRTIO_BACKEND_VHOST_USER)
            vring_disable_notify(&v->txq[q].vr);
        else
            vring_enable_notify(&v->txq[q].vr);
    }
    /* One vector per pair: the guest's queues follow the pairs. A
     * migration re-attaches a paused VM whose queues may have events
     * pending: they stay (a VF's queues on a one-pair standby device all
     * take its one receive ring, as before MQ). */
    if (!vm->paused && vm->n_queues != v->n_txq) {
        guest_queues_init(vm, v->n_txq, vm->irq_vcpu, vm->q[0].itr.mode, vm->q[0].itr.interval);
        guest_queues_place(vm);
    }
    v->rxq = g_new0(struct virtio_rxq, v->n_txq);
    virtio_backend_costs(vm, v, backend);
    v->hb.copy_per_byte = scenario_real(sc, "virtio.copy_per_byte") * 1e12;
    v->hb.header_bytes = v->neg.hdr_bytes;
    host_backend_init(&v->hb, vm);
    v->hb.io.on_room = virtio_on_room;
    for (unsigned q = 0; q < v->n_txq; q++) {
        struct vring *rx = &v->rxq[q].vr;

        vring_init(rx, size, event_idx, packed);
        rx->modern_disable_cb = zero_event;
        if (packed)
            vring_shadow_split(rx);
        v->rxq[q].pkt = g_new(uint32_t, size);
        /* The backend needs no kicks while it has buffers. */
        rx_fill(vm, v, rx);
        vring_kick_prepare(rx);
        vring_disable_notify(rx);
    }
    vm->io = v;
    /* The guest's driver probes the device (or QEMU restores it at a
     * migration's destination); the VM sends once it is DRIVER_OK. */
    virtio_net_plan(sc, &v->neg, &vm->nh->host.cpu, net_vm_running(vm), &plan);
    virtio_seq_start(vm, &plan);
}

/* A migration stops the backend: vhost_dev_stop()'s requests, each
 * served on the first pair's worker core (vm->backend) after what it is
 * doing there (the ioctl waits for the worker to release the queue);
 * the other pairs' workers are not waited for. */
static void virtio_stop(struct net_vm *vm)
{
    struct virtio_vm *v = vm->io;
    struct virtio_plan plan;

    virtio_plan_backend_stop(vm->nh->sc, &vm->nh->host.cpu, virtio_backend_of(vm->nh->sc),
                             2 * v->neg.queue_pairs, &plan);
    virtio_seq_start(vm, &plan);
}

static void virtio_detach(struct net_vm *vm)
{
    struct virtio_vm *v = vm->io;

    for (unsigned q = 0; q < v->n_txq; q++) {
        if (v->txq[q].polling)
            sim_cancel(vm->nh->host.sim, v->txq[q].poll_end);
        vring_release(&v->txq[q].vr);
        sim_lock_release_resources(&v->txq[q].lock);
        vring_release(&v->rxq[q].vr);
        g_free(v->rxq[q].pkt);
    }
    g_free(v->txq);
    g_free(v->rxq);
    virtio_seq_stop(vm);
    g_free(v);
    vm->io = NULL;
    vm->seg_max_tx = vm->seg_max_rx = 0;
}

/* ---- transmit: guest ---- */

static struct virtio_txq *txq_of(const struct net_vm *vm, const struct net_pkt *p)
{
    struct virtio_vm *v = vm->io;

    return &v->txq[p->cpu % v->n_txq];
}

static void backend_tx_notify(struct virtio_txq *q);

static void txq_unlock(struct virtio_txq *q);

/* The kick's exit is over: the device is notified, and start_xmit returns
 * and drops the queue's lock. */
static void tx_on_kicked(struct sim *sim, void *ctx, uint64_t tag)
{
    struct virtio_txq *q = ctx;

    (void)sim;
    (void)tag;
    backend_tx_notify(q);
    txq_unlock(q);
}

/* Ring slots of a packet (xmit_skb()): the header in a descriptor of its
 * own unless it shares the first; the linear part; with scatter-gather
 * the payload in page fragments, a descriptor each (without it the
 * packet is linear). */
static unsigned tx_slots(const struct virtio_vm *v, const struct net_pkt *p)
{
    unsigned n = (v->neg.hdr_pushed ? 0 : 1) + 1;

    if (v->neg.sg && p->bytes) {
        unsigned frags = (p->bytes + v->tx_frag_bytes - 1) / v->tx_frag_bytes;

        n += frags < VIRTIO_MAX_FRAGS ? frags : VIRTIO_MAX_FRAGS;
    }
    return chain_slots(v, n);
}

/* netif_tx_unlock: the hold time is the reclaim, the add_buf and the kick
 * decision (the driver's step), and the kick's exit when it kicks. */
static void txq_unlock(struct virtio_txq *q)
{
    welford_add(&q->hold, sim_time_to_s(sim_now(q->vm->nh->host.sim) - q->locked_at));
    sim_lock_unlock(&q->lock);
}

static unsigned free_old_xmit(struct virtio_txq *q)
{
    unsigned n = 0;

    while (vring_get_buf(&q->vr, NULL) != VRING_NONE)
        n++;
    return n;
}

static void busy_poll_found(struct virtio_txq *q);

static void tx_added(struct net_vm *vm, struct net_pkt *p)
{
    struct virtio_vm *v = vm->io;
    struct virtio_txq *q = txq_of(vm, p);
    unsigned slots = tx_slots(v, p), cpu = p->cpu;
    int head = vring_add_buf(&q->vr, slots, 0, p->bytes + v->neg.hdr_bytes, p->idx);
    bool kick;

    /* The queue stops while fewer slots than a packet may need are free. */
    g_assert(head >= 0);
    p->slot = (uint32_t)head;
    v->tx_pkts++;
    v->tx_slots += slots;
    if (q->vr.num_free < q->stop_at) {
        q->stopped = true;
        q->stops++;
        /* Interrupt me once 3/4 are used; if that many already are,
         * NAPI runs at once. */
        if (!vring_enable_cb_delayed(&q->vr))
            guest_tx_complete_on(vm, (unsigned)(q - v->txq), 0, 0);
    }
    /* Published: from now on the backend may take it, even while the vCPU
     * is still exiting to kick, so the kick is the vCPU's work and the
     * packet waits in the ring. virtio_net's start_xmit notifies before it
     * returns, so the exit is taken with the queue's lock held (the qdisc's
     * HARD_TX_LOCK spans dev_hard_start_xmit). */
    kick = vring_kick_prepare(&q->vr);
    if (!kick)
        txq_unlock(q);
    net_pkt_wait(vm->nh->host.sim, p, NET_STAGE_vring);
    if (q->polling)
        busy_poll_found(q);
    if (kick)
        net_cpu_job(vm->vcpus[cpu % vm->n_vcpus], vm, 0, net_exit(vm, v->kick_exit), tx_on_kicked,
                    q, 0);
    else if (v->pmd)
        backend_tx_notify(q);
    guest_xmit_done(vm, cpu);
}

static void tx_locked(struct sim *sim, void *ctx, uint64_t tag)
{
    struct net_vm *vm = ctx;
    struct net_pkt *p = net_pkt_at(vm->nh->pkts, (uint32_t)tag);
    struct virtio_txq *q = txq_of(vm, p);
    unsigned reclaimed = 0;

    (void)sim;
    q->locked_at = sim_now(vm->nh->host.sim);
    if (q->stopped) {
        /* The qdisc holds it until the queue wakes; its sender waits. */
        txq_unlock(q);
        net_pkt_wait(vm->nh->host.sim, p, NET_STAGE_vring);
        net_pktq_push(vm->nh->pkts, &q->waiting, p);
        return;
    }
    /* start_xmit frees what the backend has used since last time and
     * re-arms the completion interrupt for 3/4 of what is outstanding. */
    do {
        vring_disable_cb(&q->vr);
        reclaimed += free_old_xmit(q);
    } while (!vring_enable_cb_delayed(&q->vr));
    vm->c.tx_cleaned += reclaimed;
    net_step_cpu(p, net_pkt_vcpu(vm, p), vm,
                 ring_lines(vm->io, &q->vr, RING_DRIVER,
                            vm->nh->g->driver_tx + reclaimed * vm->nh->g->tx_clean),
                 tx_added);
}

static void virtio_guest_tx(struct net_vm *vm, struct net_pkt *p)
{
    /* Waiting for the queue's lock is part of the driver's time. */
    net_step(vm->nh->host.sim, p, NET_STAGE_driver);
    sim_lock_acquire(&txq_of(vm, p)->lock, tx_locked, vm, p->idx);
}

/* ---- transmit: backend ---- */

static void backend_tx_run(struct virtio_txq *q);

/* The worker polled its empty ring since poll_start, burning its core. */
static void busy_poll_stop(struct virtio_txq *q)
{
    q->polling = false;
    q->vm->c.host_busy +=
        sim_now(q->vm->nh->host.sim) - MAX(q->poll_start, net_stat_start(q->vm->nh));
}

/* Its polling sees the buffer just added: no kick, no wake-up. */
static void busy_poll_found(struct virtio_txq *q)
{
    sim_cancel(q->vm->nh->host.sim, q->poll_end);
    busy_poll_stop(q);
    backend_tx_run(q);
}

/* Nothing came within virtio.busy_poll: kicks on, then to sleep (unless
 * a buffer slipped in). */
static void tx_sleep(struct virtio_txq *q)
{
    if (!vring_enable_notify(&q->vr)) {
        vring_disable_notify(&q->vr);
        backend_tx_run(q);
        return;
    }
    q->awake = false;
}

static void on_poll_end(struct sim *sim, void *ctx, const void *payload)
{
    struct virtio_txq *q = ctx;

    (void)sim;
    (void)payload;
    busy_poll_stop(q);
    tx_sleep(q);
}

/* A polling backend signals the guest through its call eventfd, a system
 * call on its own core (kernel vhost's eventfd_signal is in its work). */
static void signal_cost(struct net_vm *vm, struct cpu_core *core)
{
    struct virtio_vm *v = vm->io;

    if (v->call)
        net_backend_job(core, vm, v->call, NULL, NULL, 0);
}

static void tx_on_drain(struct sim *sim, void *ctx, uint64_t tag)
{
    struct virtio_txq *q = ctx;
    struct virtio_vm *v = q->vm->io;

    (void)sim;
    (void)tag;
    /* The worker signals the used buffers once per batch (vhost's
     * vhost_net_signal_used; QEMU's virtio_notify after a flush). */
    if (vring_need_interrupt(&q->vr)) {
        signal_cost(q->vm, q->core);
        guest_tx_complete_on(q->vm, (unsigned)(q - v->txq), 0, q->unsignalled_bytes);
    }
    q->unsignalled_bytes = 0;
    if (vring_avail_pending(&q->vr) && host_tx_full(&v->hb.io)) {
        /* Asleep until the host's ring has room; kicks stay off. */
        q->stalled = true;
        q->awake = false;
        return;
    }
    if (vring_avail_pending(&q->vr)) {
        backend_tx_run(q);
        return;
    }
    if (v->pmd) {
        /* Back to polling, kicks still off: the next add is noticed. */
        q->awake = false;
        return;
    }
    /* vhost's busy polling: stay awake, kicks off, for a while. */
    if (v->busy_poll > 0) {
        q->polling = true;
        q->poll_start = sim_now(sim);
        q->poll_end = sim_schedule(sim, v->busy_poll, on_poll_end, q, NULL, 0);
        return;
    }
    /* Re-enable kicks, then look again: a buffer added in between would
     * otherwise wait for a kick that the guest decided not to send. */
    tx_sleep(q);
}

static void tx_backend_done(struct net_vm *vm, struct net_pkt *p)
{
    struct virtio_vm *v = vm->io;
    struct virtio_txq *q = txq_of(vm, p);

    vring_push_used(&q->vr, (uint16_t)p->slot, 0);
    q->unsignalled_bytes += p->bytes;
    host_tx(vm, &v->hb.io, p);
}

static void backend_tx_run(struct virtio_txq *q)
{
    struct net_vm *vm = q->vm;
    struct virtio_vm *v = vm->io;
    int head;

    while (!host_tx_full(&v->hb.io) && (head = vring_pop_avail(&q->vr)) >= 0) {
        sim_time base = v->hb.per_packet;

        /* The token is the driver's; reading it here stands for reading
         * the descriptor's buffer. The step reads its cost at once. */
        v->hb.per_packet = ring_lines(v, &q->vr, RING_DEVICE, base);
        host_backend_tx(vm, &v->hb, q->core, net_pkt_at(vm->nh->pkts, (uint32_t)q->vr.token[head]),
                        tx_backend_done);
        v->hb.per_packet = base;
    }
    net_backend_job(q->core, vm, 0, tx_on_drain, q, 0);
}

static void tx_on_woken(struct sim *sim, void *ctx, uint64_t tag)
{
    struct virtio_txq *q = ctx;

    (void)sim;
    (void)tag;
    /* The thread runs only now: vhost's handle_tx() disables notification
     * first thing, so kicks during the wake-up still exit under the flags
     * scheme, while EVENT_IDX's stale avail_event already suppresses them
     * (Tsirkin's "spurious wakeups", docs/validation.md 2.5). */
    vring_disable_notify(&q->vr);
    backend_tx_run(q);
}

static void tx_on_notify(struct sim *sim, void *ctx, const void *payload)
{
    struct virtio_txq *q = ctx;
    struct virtio_vm *v = q->vm->io;

    (void)sim;
    (void)payload;
    q->waking = false;
    q->awake = true;
    if (v->pmd) {
        backend_tx_run(q);
        return;
    }
    q->wakeups++;
    net_backend_job(q->core, q->vm, v->wake, tx_on_woken, q, 0);
}

static void backend_tx_notify(struct virtio_txq *q)
{
    struct virtio_vm *v = q->vm->io;

    /* A kick while the backend is awake or waking is spurious (legal);
     * a polling backend ignores kicks and notices buffers by itself. */
    if (q->awake || q->waking) {
        q->spurious += !v->pmd;
        return;
    }
    q->waking = true;
    sim_schedule(q->vm->nh->host.sim, v->notify_latency, tx_on_notify, q, NULL, 0);
}

/* The host's ring has room: stalled backend threads are woken (vhost's
 * socket poll), as by a kick but without the guest's exit. */
static void virtio_on_room(struct net_vm *vm)
{
    struct virtio_vm *v = vm->io;

    for (unsigned k = 0; k < v->n_txq; k++) {
        if (v->txq[k].stalled) {
            v->txq[k].stalled = false;
            backend_tx_notify(&v->txq[k]);
        }
    }
}

static void virtio_tx_wire_done(struct net_vm *vm, struct net_pkt *p)
{
    struct virtio_vm *v = vm->io;

    (void)p;
    host_tx_wire_done(vm, &v->hb.io);
}

/* virtnet_poll_tx: free what was used, wake the queue once 2 +
 * MAX_SKB_FRAGS slots are free (the waiting sends go through start_xmit
 * again), re-arm the interrupt; for the transmit queues that signal on the
 * polling pair's vector (guest_tx_complete_on). */
static unsigned virtio_tx_clean(struct net_vm *vm, unsigned signalled)
{
    struct virtio_vm *v = vm->io;
    unsigned n = 0;

    (void)signalled;
    for (unsigned k = 0; k < v->n_txq; k++) {
        struct virtio_txq *q = &v->txq[k];

        if (k % vm->n_queues != vm->cur->id)
            continue;
        vring_disable_cb(&q->vr);
        n += free_old_xmit(q);
        if (q->stopped && q->vr.num_free >= q->stop_at) {
            struct net_pkt *p;

            q->stopped = false;
            while ((p = net_pktq_pop(vm->nh->pkts, &q->waiting))) {
                net_step(vm->nh->host.sim, p, NET_STAGE_driver);
                sim_lock_acquire(&q->lock, tx_locked, vm, p->idx);
            }
        }
        if (!vring_enable_cb(&q->vr))
            guest_tx_complete_on(vm, k, 0, 0);
    }
    return n;
}

/* ---- receive: backend ---- */

/* Receive buffers @p fills: with mergeable buffers as many as its bytes
 * need (the header's num_buffers), else one. */
static unsigned rx_bufs(const struct net_vm *vm, const struct virtio_vm *v, const struct net_pkt *p)
{
    uint32_t len = p->bytes + vm->nh->cfg->frame_overhead + v->neg.hdr_bytes;

    return v->neg.mergeable ? (len + v->rx_buf_bytes - 1) / v->rx_buf_bytes : 1;
}

/* The pair that receives @p: the one whose vector RSS gives it. */
static unsigned rx_pair(struct net_vm *vm, const struct net_pkt *p)
{
    struct virtio_vm *v = vm->io;

    return v->n_txq == 1 ? 0 : guest_rss_queue(vm, p)->id % v->n_txq;
}

/* The receive ring of the guest queue being served. */
static struct virtio_rxq *rxq_cur(struct net_vm *vm)
{
    struct virtio_vm *v = vm->io;

    return &v->rxq[v->n_txq == 1 ? 0 : vm->cur->id % v->n_txq];
}

static void rx_to_guest(struct net_vm *vm, struct net_pkt *p)
{
    struct virtio_vm *v = vm->io;
    unsigned n = rx_bufs(vm, v, p), pair = rx_pair(vm, p);
    struct virtio_rxq *rq = &v->rxq[pair];
    uint32_t left = p->bytes + vm->nh->cfg->frame_overhead + v->neg.hdr_bytes;

    if (vring_avail_pending(&rq->vr) < n) {
        /* Out of guest buffers: ask the guest to kick when it refills
         * (a polling backend looks again at the next packet). */
        if (!v->pmd)
            vring_enable_notify(&rq->vr);
        net_dev_drop(vm, p, NET_DROP_rx_ring_full);
        return;
    }
    vring_disable_notify(&rq->vr);
    for (unsigned k = 0; k < n; k++) {
        int head = vring_pop_avail(&rq->vr);

        if (k == 0)
            rq->pkt[head] = p->idx;
        uint32_t len = left < v->rx_buf_bytes ? left : v->rx_buf_bytes;

        vring_push_used(&rq->vr, (uint16_t)head, len);
        left -= len;
    }
    v->rx_pkts++;
    v->rx_bufs += n;
    v->rx_slots += n * v->rx_buf_slots;
    guest_rx_arrive(vm, p);
    if (vring_need_interrupt(&rq->vr)) {
        signal_cost(vm, v->txq[pair].core);
        guest_irq_raise(vm);
    }
}

static void rx_backend_done(struct net_vm *vm, struct net_pkt *p)
{
    nic_rx_release(&vm->nh->nic, p->queue, 0, p->frames);
    rx_to_guest(vm, p);
}

static void rx_host_landed(struct net_vm *vm, struct net_pkt *p)
{
    struct virtio_vm *v = vm->io;
    unsigned pair = rx_pair(vm, p);
    sim_time base = v->hb.per_packet;

    /* The backend's cost is read at once unless a vSwitch core switches
     * the packet first; then the lines wait for a later step. */
    if (vm->vswitch == vm->backend)
        v->hb.per_packet = ring_lines(v, &v->rxq[pair].vr, RING_DEVICE, base);
    host_backend_rx(vm, &v->hb, v->txq[pair].core, p, rx_backend_done);
    v->hb.per_packet = base;
}

static void virtio_device_rx(struct net_vm *vm, struct net_pkt *p)
{
    struct virtio_vm *v = vm->io;

    host_rx(vm, &v->hb.io, p, rx_host_landed);
}

static void rx_bridged(struct net_vm *vm, struct net_pkt *p)
{
    rx_to_guest(vm, p);
}

static void virtio_bridge_rx(struct net_vm *vm, struct net_pkt *p)
{
    struct virtio_vm *v = vm->io;
    unsigned pair = rx_pair(vm, p);

    net_step(vm->nh->host.sim, p, NET_STAGE_backend);
    net_step_part(p, NET_STAGE_copy, host_backend_copy(&v->hb, p));
    net_step_cpu(p, v->txq[pair].core, vm,
                 ring_lines(v, &v->rxq[pair].vr, RING_DEVICE, v->hb.per_packet), rx_bridged);
}

/* ---- receive: guest ---- */

static sim_time virtio_irq_deliver(struct net_vm *vm)
{
    /* The interrupt handler schedules NAPI, which turns callbacks off. */
    vring_disable_cb(&rxq_cur(vm)->vr);
    return net_irq_virtual(vm);
}

static sim_time virtio_rx_driver(struct net_vm *vm, struct net_pkt *p)
{
    struct virtio_vm *v = vm->io;
    struct virtio_rxq *rq = rxq_cur(vm);
    uint32_t len;

    /* Used entries come back in the order the guest's list holds them. */
    g_assert(rq->pkt[vring_next_used_id(&rq->vr)] == p->idx);
    for (unsigned k = rx_bufs(vm, v, p); k > 0; k--) {
        vring_get_buf(&rq->vr, &len);
        vring_add_buf(&rq->vr, 0, v->rx_buf_slots, v->rx_buf_bytes, 0);
    }
    return ring_lines(v, &rq->vr, RING_DRIVER, vm->nh->g->driver_rx);
}

/* virtnet_poll's end (virtnet_receive's try_fill_recv, then
 * virtqueue_napi_complete): the refilled buffers are kicked to the device
 * if it asked (it ran dry), and only then are callbacks re-enabled and the
 * ring checked again (virtio_irq_recheck), at the time the kick's exit
 * ends. What the device used in between raised no interrupt, since
 * callbacks were off: the re-check finds it and NAPI polls again. */
static sim_time virtio_irq_complete(struct net_vm *vm, bool *rearmed)
{
    struct virtio_vm *v = vm->io;

    *rearmed = true;
    return vring_kick_prepare(&rxq_cur(vm)->vr) ? net_exit(vm, v->kick_exit) : 0;
}

static bool virtio_irq_recheck(struct net_vm *vm)
{
    struct vring *rx = &rxq_cur(vm)->vr;

    if (vring_enable_cb(rx))
        return true;
    vring_disable_cb(rx);
    return false;
}

/* The negotiated features (each 0 or 1, and the bit mask), what the
 * device's start-up and reset cost, and the ring slots per packet they
 * lead to. */
static void report_config(struct net_host *hosts, unsigned n_hosts, struct report *out)
{
    static const struct {
        const char *name;
        unsigned bit;
    } features[] = {

#define VIRTIO_FEATURE_ROW(n, b) { "virtio_feature_" #n, b },
        VIRTIO_FEATURE_LIST(VIRTIO_FEATURE_ROW)
#undef VIRTIO_FEATURE_ROW
    };
    const struct virtio_vm *first = NULL;
    struct virtio_seq_sum seqs;
    uint64_t tx_pkts = 0, tx_slots = 0, rx_pkts = 0, rx_bufs = 0, rx_slots = 0, lines = 0;
    int64_t excess = 0;

    virtio_seq_sum_init(&seqs);
    NET_FOR_EACH_VM (vm, hosts, n_hosts) {
        const struct virtio_vm *v = vm->io;

        if (vm->ops != &virtio_strategy_ops)
            continue;
        first = first ? first : v;
        virtio_seq_sum_add(&seqs, vm);
        tx_pkts += v->tx_pkts;
        tx_slots += v->tx_slots;
        rx_pkts += v->rx_pkts;
        rx_bufs += v->rx_bufs;
        rx_slots += v->rx_slots;
        for (unsigned q = 0; q < 2 * v->n_txq; q++) {
            const struct vring *vr = q < v->n_txq ? &v->txq[q].vr : &v->rxq[q - v->n_txq].vr;

            lines += vring_line_misses(vr);
            if (vr->shadow)
                excess += (int64_t)vring_line_misses(vr) - (int64_t)vring_line_misses(vr->shadow);
        }
    }
    if (!first)
        return;
    for (size_t k = 0; k < G_N_ELEMENTS(features); k++) {
        g_autofree char *name = g_ascii_strdown(features[k].name, -1);

        report_metric(out, "all", name, virtio_has(first->neg.accepted, features[k].bit), "1");
    }
    report_metric(out, "all", "virtio_features", (double)first->neg.accepted, "1");
    virtio_seq_report(&seqs, "virtio", out);
    report_metric(out, "all", "virtio_tx_slots_per_packet",
                  tx_pkts ? (double)tx_slots / tx_pkts : 0, "1");
    report_metric(out, "all", "virtio_rx_buffers_per_packet",
                  rx_pkts ? (double)rx_bufs / rx_pkts : 0, "1");
    report_metric(out, "all", "virtio_rx_slots_per_packet",
                  rx_pkts ? (double)rx_slots / rx_pkts : 0, "1");
    report_metric(out, "all", "virtio_rx_buffer_bytes", first->rx_buf_bytes, "B");
    /* Lines of ring memory that moved between the guest's and the
     * backend's cores, per packet either way (vring.h). */
    report_metric(out, "all", "virtio_ring_lines_per_packet",
                  tx_pkts + rx_pkts ? (double)lines / (double)(tx_pkts + rx_pkts) : 0, "1");
    /* A packed ring's lines beyond its split twin's, per packet: what the
     * steps pay (or save) at host.line_transfer each (0 for split). */
    report_metric(out, "all", "virtio_ring_lines_beyond_split",
                  tx_pkts + rx_pkts ? (double)excess / (double)(tx_pkts + rx_pkts) : 0, "1");
}

/* A polling backend's cores never idle: what they did not spend on jobs
 * they spent polling, billed as host CPU of their VM when the core is its
 * own (a core shared with other threads is billed by its jobs). */
static void virtio_settle(struct net_host *hosts, unsigned n_hosts)
{
    sim_time span = sim_now(hosts[0].host.sim) - net_stat_start(&hosts[0]);

    NET_FOR_EACH_VM (vm, hosts, n_hosts) {
        struct virtio_vm *v = vm->io;

        if (vm->ops != &virtio_strategy_ops || !v->pmd)
            continue;
        for (unsigned q = 0; q < v->n_txq; q++) {
            const struct cpu_core *core = v->txq[q].core;

            if (core->n_threads == 1)
                vm->c.host_busy +=
                    (sim_time)((1 - fifo_server_utilization(&core->srv)) * (double)span);
        }
    }
}

static void virtio_report(struct net_host *hosts, unsigned n_hosts, struct report *out)
{
    uint64_t kicks = 0, suppressed = 0, irqs = 0, irqs_suppressed = 0;
    uint64_t locks = 0, contended = 0, wakeups = 0, spurious = 0, stops = 0;
    uint64_t cb_races = 0, notify_races = 0, irqs_off = 0;
    unsigned vms = 0, pair_cores = 0;
    struct welford wait, hold;

    welford_init(&wait);
    welford_init(&hold);
    NET_FOR_EACH_VM (vm, hosts, n_hosts) {
        struct virtio_vm *v = vm->io;

        if (vm->ops != &virtio_strategy_ops)
            continue;
        for (unsigned q = 0; q < v->n_txq; q++) {
            kicks += v->txq[q].vr.kicks;
            suppressed += v->txq[q].vr.kicks_suppressed;
            locks += v->txq[q].lock.acquisitions;
            contended += v->txq[q].lock.contended;
            welford_merge(&wait, &v->txq[q].lock.wait);
            welford_merge(&hold, &v->txq[q].hold);
            wakeups += v->txq[q].wakeups;
            spurious += v->txq[q].spurious;
        }
        /* Host cores the VM's pair threads run on (host.backend_placement). */
        vms++;
        for (unsigned q = 0; q < v->n_txq; q++) {
            unsigned j = 0;

            while (j < q && v->txq[j].core != v->txq[q].core)
                j++;
            pair_cores += j == q;
        }
        for (unsigned q = 0; q < v->n_txq; q++) {
            irqs += v->txq[q].vr.irqs;
            irqs_suppressed += v->txq[q].vr.irqs_suppressed;
            stops += v->txq[q].stops;
        }
        for (unsigned q = 0; q < 2 * v->n_txq; q++) {
            const struct vring *vr = q < v->n_txq ? &v->txq[q].vr : &v->rxq[q - v->n_txq].vr;

            cb_races += vr->cb_races;
            notify_races += vr->notify_races;
            irqs_off += vr->irqs_while_off;
        }
        for (unsigned q = 0; q < v->n_txq; q++) {
            kicks += v->rxq[q].vr.kicks;
            suppressed += v->rxq[q].vr.kicks_suppressed;
            irqs += v->rxq[q].vr.irqs;
            irqs_suppressed += v->rxq[q].vr.irqs_suppressed;
        }
    }
    /* Lifetime counts (since the start, warm-up included). */
    report_metric(out, "all", "virtio_lock_contended", locks ? (double)contended / locks : 0, "1");
    report_metric(out, "all", "virtio_lock_wait_mean", welford_mean(&wait), "s");
    report_metric(out, "all", "virtio_lock_hold_mean", welford_mean(&hold), "s");
    /* disable_cb/enable_cb: re-checks after re-enabling that found work
     * (the driver polls again), the same on the device's side, and
     * interrupts signalled while the driver polled with callbacks off. */
    report_metric(out, "all", "virtio_enable_cb_races", (double)cb_races, "1");
    report_metric(out, "all", "virtio_enable_notify_races", (double)notify_races, "1");
    report_metric(out, "all", "virtio_interrupts_while_polling", (double)irqs_off, "1");
    report_metric(out, "all", "virtio_kicks", (double)kicks, "1");
    report_metric(out, "all", "virtio_kicks_suppressed", (double)suppressed, "1");
    report_metric(out, "all", "virtio_backend_wakeups", (double)wakeups, "1");
    report_metric(out, "all", "virtio_kicks_spurious", (double)spurious, "1");
    report_metric(out, "all", "virtio_interrupts", (double)irqs, "1");
    report_metric(out, "all", "virtio_interrupts_suppressed", (double)irqs_suppressed, "1");
    report_metric(out, "all", "tx_queue_stops", (double)stops, "1");
    report_metric(out, "all", "virtio_pair_cores", vms ? (double)pair_cores / vms : 0, "1");
    report_config(hosts, n_hosts, out);
}

const struct io_strategy_ops virtio_strategy_ops = {
    .name = "virtio",
    .uses_itr = false,
    .vswitch = true,
    .vm_to_vm = true,
    .check = virtio_check,
    .attach = virtio_attach,
    .guest_tx = virtio_guest_tx,
    .device_rx = virtio_device_rx,
    .bridge_rx = virtio_bridge_rx,
    .tx_wire_done = virtio_tx_wire_done,
    .irq_deliver = virtio_irq_deliver,
    /* skb_xmit_done: the send queue's own vector; virtio_tx_clean turns
     * its callbacks off and on. */
    .tx_irq_deliver = net_irq_virtual,
    .rx_driver = virtio_rx_driver,
    .irq_complete = virtio_irq_complete,
    .irq_recheck = virtio_irq_recheck,
    .report = virtio_report,
    .detach = virtio_detach,
    .tx_clean = virtio_tx_clean,
    .settle = virtio_settle,
    .stop = virtio_stop,
    .multiqueue = true,
};
