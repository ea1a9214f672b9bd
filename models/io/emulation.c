/* A NIC emulated by QEMU: every register access the driver makes traps to
 * user space (~6.7k cycles each, docs/sources.md#dall-atc17). Which NIC,
 * and what its driver does per packet and per interrupt, is a row of
 * emulation_nic.c (emulation.nic); the e1000's is described here.
 * Transmit: the driver writes a descriptor and, unless the stack has more
 * sends queued behind it (xmit_more), the tail (TDT); that write exits and
 * the device model processes every descriptor from TDH to TDT in the vCPU
 * thread, copying each, and raises one TXDW (QEMU hw/net/e1000.c
 * start_xmit), moderated by the guest's ITR. Receive: QEMU's I/O thread
 * copies into the emulated ring and raises an injected, ITR-moderated
 * interrupt whose handler reads ICR, masks, unmasks and moves the RX tail
 * (one exit each). Both interrupts pass QEMU's mitigation timer
 * (emulation.mitigation): an interrupt opens a window of the guest's ITR,
 * or of TADV when a transmit completion is pending and TADV is shorter,
 * but never less than QEMU's floor, and what comes meanwhile waits for
 * its end. Left out: the emulated PHY and EEPROM, TIDV and RDTR/RADV
 * (QEMU ignores TIDV; Linux leaves RDTR at 0, which turns RADV off). */
#include <math.h>

#include <glib.h>

#include "../net/strategy.h"
#include "emulation_nic.h"
#include "hostpath.h"

struct emu_vm {
    struct host_backend hb;
    const struct emu_nic *nic;
    uint32_t rx_cap, rx_used; /* emulated receive ring: frames, or bytes */
    /* Sends the device model holds while the host's ring is full (QEMU
     * queues the packet and stops the transmit ring: the sender waits). */
    struct net_pktq waiting;
    /* Descriptors written, TDT not yet: the next TDT write covers them. */
    struct net_pktq posted;
    uint32_t tx_batch; /* emulation.tx_batch */
    uint64_t tdt_writes, descriptors;
    /* A device of few transmit buffers (nic->tx_slots): those taken, those
     * of them the device has sent, the sends held while the queue is
     * stopped, and the most taken at once. */
    uint32_t tx_used, tx_sent, tx_used_max;
    bool tx_stopped;
    struct net_pktq stopped;
    uint64_t tx_stops;
    bool rx_landed; /* a frame landed since the driver's last acknowledgement */
    bool napi_rx;   /* this interrupt's NAPI took received frames */
    /* Frames taken since the driver last handed refilled buffers back. */
    uint32_t unrefilled;
};

static void emulation_xmit(struct net_vm *vm, struct net_pkt *p);

static void emu_on_room(struct net_vm *vm)
{
    struct emu_vm *e = vm->io;

    struct net_pkt *p;

    while (!e->tx_stopped && !host_tx_full(&e->hb.io) &&
           (p = net_pktq_pop(vm->nh->pkts, &e->waiting)))
        emulation_xmit(vm, p);
}

static void emulation_attach(struct net_vm *vm)
{
    const struct scenario *sc = vm->nh->sc;
    struct emu_vm *e = g_new0(struct emu_vm, 1);

    e->nic = emu_nic_lookup(scenario_str(sc, "emulation.nic"));
    g_assert(e->nic);
    e->rx_cap = e->nic->rx_ring_bytes ? e->nic->rx_ring_bytes
                : e->nic->rx_ring     ? e->nic->rx_ring
                                      : (uint32_t)scenario_int(sc, "emulation.rx_ring");
    e->tx_batch = (uint32_t)scenario_int(sc, "emulation.tx_batch");
    e->hb.per_packet =
        cpu_cycles(&vm->nh->host.cpu, (double)scenario_int(sc, "emulation.device_per_packet"));
    e->hb.host_stack = vm->nh->host.stack_per_packet;
    e->hb.copy_per_byte = scenario_real(sc, "emulation.copy_per_byte") * 1e12;
    host_backend_init(&e->hb, vm);
    e->hb.io.on_room = emu_on_room;
    for (unsigned i = 0; i < vm->n_queues; i++) {
        struct nic_itr *itr = &vm->q[i].itr;

        /* Without the timer QEMU raises every interrupt at once and
         * ignores ITR; a NIC without one has no moderation at all. */
        if (!e->nic->mitigation || !scenario_bool(sc, "emulation.mitigation")) {
            itr->mode = NIC_ITR_OFF;
            continue;
        }
        itr->floor = scenario_time(sc, "emulation.mitigation_floor");
        itr->tx_delay = scenario_time(sc, "emulation.tadv");
    }
    /* QEMU gives these NICs' taps no virtio-net header, so the host
     * kernel segments what it hands them: frames in, whatever GSO. */
    vm->seg_max_rx = vm->nh->cfg->mss;
    if (!e->nic->tso)
        vm->seg_max_tx = vm->nh->cfg->mss;
    vm->io = e;
    net_vm_ready(vm);
}

static void emulation_detach(struct net_vm *vm)
{
    struct emu_vm *e = vm->io;
    struct net_pkt *p;

    /* Descriptors the device never saw go with it. */
    while ((p = net_pktq_pop(vm->nh->pkts, &e->posted)))
        net_dev_drop(vm, p, NET_DROP_vm_paused);
    while ((p = net_pktq_pop(vm->nh->pkts, &e->stopped)))
        net_dev_drop(vm, p, NET_DROP_vm_paused);
    vm->seg_max_tx = vm->seg_max_rx = 0;
    g_free(vm->io);
    vm->io = NULL;
}

/* The device model marked the descriptor done: TXDW, then the host. */
static void tx_processed(struct net_vm *vm, struct net_pkt *p)
{
    struct emu_vm *e = vm->io;

    if (e->nic->tx_slots)
        e->tx_sent++;
    guest_tx_complete(vm, p->frames, net_pkt_l2_bytes(vm->nh->cfg, p));
    host_tx(vm, &e->hb.io, p);
}

/* The TDT write's own packet: the vCPU returns to the guest after it. */
static void tx_emulated(struct net_vm *vm, struct net_pkt *p)
{
    unsigned cpu = p->cpu;

    tx_processed(vm, p);
    guest_xmit_done(vm, cpu);
}

static void tx_posted(struct net_vm *vm, struct net_pkt *p)
{
    struct emu_vm *e = vm->io;
    unsigned cpu = p->cpu;

    net_pkt_wait(vm->nh->host.sim, p, NET_STAGE_driver);
    net_pktq_push(vm->nh->pkts, &e->posted, p);
    guest_xmit_done(vm, cpu);
}

static void emulation_guest_tx(struct net_vm *vm, struct net_pkt *p)
{
    struct emu_vm *e = vm->io;

    /* The stack holds it while the driver's queue is stopped: its sender
     * waits. */
    if (e->tx_stopped) {
        net_pkt_wait(vm->nh->host.sim, p, NET_STAGE_nic_queue);
        net_pktq_push(vm->nh->pkts, &e->stopped, p);
        return;
    }
    if (!net_pkt_local(vm, p) && (e->waiting.len || host_tx_full(&e->hb.io))) {
        net_pkt_wait(vm->nh->host.sim, p, NET_STAGE_backend);
        net_pktq_push(vm->nh->pkts, &e->waiting, p);
        return;
    }
    emulation_xmit(vm, p);
}

/* The device model's work on one descriptor, in the vCPU thread. QEMU
 * hands the tap one frame at a time: e1000's xmit_seg() cuts a TSO send
 * into MSS-sized frames, each rebuilt, checksummed and written on its own,
 * and the host's stack takes each as a packet of its own. */
static void device_parts(struct net_vm *vm, struct net_pkt *p)
{
    struct emu_vm *e = vm->io;

    net_step_part(p, NET_STAGE_backend, e->hb.per_packet * p->frames);
    net_step_part(p, NET_STAGE_copy, host_backend_copy(&e->hb, p));
    net_step_part(p, NET_STAGE_host_stack, host_backend_stack(vm, &e->hb, p) * p->frames);
    if (!net_pkt_local(vm, p))
        net_step_part(p, NET_STAGE_iommu, host_dma_api(vm, &e->hb.io, p, 0));
}

/* The driver takes a transmit buffer for @p and stops its queue when too
 * few are left. */
static void tx_take(struct emu_vm *e)
{
    const struct emu_nic *n = e->nic;

    e->tx_used++;
    g_assert(e->tx_used <= n->tx_slots);
    e->tx_used_max = MAX(e->tx_used_max, e->tx_used);
    if (n->tx_slots - e->tx_used <= n->tx_stop_free) {
        e->tx_stopped = true;
        e->tx_stops++;
    }
}

static void emulation_xmit(struct net_vm *vm, struct net_pkt *p)
{
    struct emu_vm *e = vm->io;
    const struct emu_nic *n = e->nic;
    struct cpu_core *vcpu = net_pkt_vcpu(vm, p);
    struct net_pkt *q;

    e->descriptors++;
    if (n->tx_slots)
        tx_take(e);
    net_step(vm->nh->host.sim, p, NET_STAGE_driver);
    /* A bounce buffer: the driver copies the frame at the guest's rate. */
    if (n->tx_copy)
        net_step_part(
            p, NET_STAGE_copy,
            sim_llround(vm->nh->g->stack_tx_byte * (double)net_pkt_l2_bytes(vm->nh->cfg, p)));
    /* e1000_xmit_frame: with more sends queued in the stack, the driver
     * writes the descriptor and leaves the tail for the last of them; the
     * stack hands over at most a batch at a time. */
    if (n->tx_batch && vm->sendq[p->cpu % vm->n_vcpus].waiting.len &&
        e->posted.len + 1 < e->tx_batch) {
        net_step_cpu(p, vcpu, vm, vm->nh->g->driver_tx, tx_posted);
        return;
    }
    /* The TDT write traps to QEMU, whose start_xmit runs the device model
     * from TDH to TDT in this vCPU's thread before resuming the guest:
     * every descriptor posted since the last write (any vCPU's), then this
     * one. The rtl8139's TSD or TxPoll write does the same for its one. */
    e->tdt_writes++;
    while ((q = net_pktq_pop(vm->nh->pkts, &e->posted))) {
        net_step(vm->nh->host.sim, q, NET_STAGE_backend);
        device_parts(vm, q);
        net_step_cpu(q, vcpu, vm, 0, tx_processed);
    }
    net_step_part(p, NET_STAGE_exit, net_exit(vm, HV_EXIT_mmio_user));
    device_parts(vm, p);
    net_step_cpu(p, vcpu, vm, vm->nh->g->driver_tx, tx_emulated);
}

/* A NIC of few transmit buffers: the most taken at once and how often
 * the driver stopped its queue (lifetime counts). Only then, so that the
 * e1000's results keep their rows. */
static void report_tx_slots(struct net_host *hosts, unsigned n_hosts, struct report *out)
{
    uint64_t stops = 0;
    uint32_t used_max = 0;
    bool any = false;

    NET_FOR_EACH_VM (vm, hosts, n_hosts) {
        const struct emu_vm *e = vm->io;

        if (e && vm->ops == &emulation_strategy_ops && e->nic->tx_slots) {
            any = true;
            stops += e->tx_stops;
            used_max = MAX(used_max, e->tx_used_max);
        }
    }
    if (!any)
        return;
    report_metric(out, "all", "emulation_tx_buffers_max", (double)used_max, "1");
    report_metric(out, "all", "emulation_tx_queue_stops", (double)stops, "1");
}

static void emulation_report(struct net_host *hosts, unsigned n_hosts, struct report *out)
{
    uint64_t writes = 0, descriptors = 0;

    NET_FOR_EACH_VM (vm, hosts, n_hosts) {
        const struct emu_vm *e = vm->io;

        if (e && vm->ops->report == emulation_report) {
            writes += e->tdt_writes;
            descriptors += e->descriptors;
        }
    }
    /* Lifetime counts (warm-up included), as the other strategy counters. */
    report_metric(out, "all", "emulation_descriptors_per_tdt_write",
                  writes ? (double)descriptors / (double)writes : 0.0, "1");
    report_tx_slots(hosts, n_hosts, out);
}

/* What @p takes of a ring buffer: a 4-byte header, the frame, its CRC,
 * rounded up to 4 bytes (QEMU rtl8139_do_receive). */
static uint32_t ring_bytes(const struct net_vm *vm, const struct net_pkt *p)
{
    return ((uint32_t)net_pkt_l2_bytes(vm->nh->cfg, p) + 8 + 3) & ~3u;
}

static void rx_to_guest(struct net_vm *vm, struct net_pkt *p)
{
    struct emu_vm *e = vm->io;

    if (e->nic->rx_ring_bytes) {
        /* QEMU refuses a frame that would leave no gap: free space of at
         * most its length + 8 (an empty ring takes anything). */
        if (e->rx_used && net_pkt_l2_bytes(vm->nh->cfg, p) + 8 >= e->rx_cap - e->rx_used) {
            net_dev_drop(vm, p, NET_DROP_rx_ring_full);
            return;
        }
        e->rx_used += ring_bytes(vm, p);
    } else if (e->rx_used >= e->rx_cap) {
        net_dev_drop(vm, p, NET_DROP_rx_ring_full);
        return;
    } else {
        e->rx_used++;
    }
    e->rx_landed = true;
    guest_rx_arrive(vm, p);
    guest_irq_raise(vm);
}

static void rx_emulated(struct net_vm *vm, struct net_pkt *p)
{
    if (p->src < 0)
        nic_rx_release(&vm->nh->nic, p->queue, 0, p->frames);
    rx_to_guest(vm, p);
}

static void rx_host_landed(struct net_vm *vm, struct net_pkt *p)
{
    struct emu_vm *e = vm->io;

    host_backend_rx(vm, &e->hb, vm->backend, p, rx_emulated);
}

static void emulation_device_rx(struct net_vm *vm, struct net_pkt *p)
{
    struct emu_vm *e = vm->io;

    host_rx(vm, &e->hb.io, p, rx_host_landed);
}

static void emulation_bridge_rx(struct net_vm *vm, struct net_pkt *p)
{
    struct emu_vm *e = vm->io;

    net_step(vm->nh->host.sim, p, NET_STAGE_backend);
    net_step_part(p, NET_STAGE_copy, host_backend_copy(&e->hb, p));
    net_step_cpu(p, vm->backend, vm, e->hb.per_packet, rx_emulated);
}

static void emulation_tx_wire_done(struct net_vm *vm, struct net_pkt *p)
{
    struct emu_vm *e = vm->io;

    (void)p;
    host_tx_wire_done(vm, &e->hb.io);
}

/* @n register accesses, each an exit to QEMU. */
static sim_time mmio(struct net_vm *vm, unsigned n)
{
    sim_time t = 0;

    for (unsigned i = 0; i < n; i++)
        t += net_exit(vm, HV_EXIT_mmio_user);
    return t;
}

static sim_time emulation_irq_deliver(struct net_vm *vm)
{
    struct emu_vm *e = vm->io;
    const struct emu_nic *n = e->nic;
    const struct net_queue *q = vm->cur;
    unsigned exits = n->irq_exits;

    /* The e1000's handler: its ICR read, IMC mask write and flushing
     * STATUS read. The rtl8139's reads each taken buffer's status up to
     * the first one not yet sent. */
    if (q->itr.tx_cause)
        exits +=
            n->irq_tx_exits + n->reclaim_exits * (e->tx_sent + (e->tx_used > e->tx_sent ? 1 : 0));
    if (q->rx.len)
        exits += n->irq_rx_exits;
    /* Injection and EOI, plus the handler's accesses. */
    return net_irq_virtual(vm) + mmio(vm, exits);
}

static sim_time emulation_rx_driver(struct net_vm *vm, struct net_pkt *p)
{
    struct emu_vm *e = vm->io;
    const struct emu_nic *n = e->nic;
    sim_time t = vm->nh->g->driver_rx;

    if (n->rx_ring_bytes) {
        g_assert(e->rx_used >= ring_bytes(vm, p));
        e->rx_used -= ring_bytes(vm, p);
    } else {
        g_assert(e->rx_used > 0);
        e->rx_used--;
    }
    e->napi_rx = true;
    if (n->rx_copy)
        t += sim_llround(vm->nh->g->stack_rx_byte * (double)net_pkt_l2_bytes(vm->nh->cfg, p));
    t += mmio(vm, n->rx_exits + (n->rx_ack_exit && e->rx_landed));
    e->rx_landed = false;
    return t;
}

static unsigned emulation_napi_weight(const struct net_vm *vm)
{
    const struct emu_vm *e = vm->io;

    return e->nic->napi_weight;
}

/* A model round takes the frames waiting when it starts, and the next
 * round those that landed meanwhile; the driver's loop takes both in one
 * pass. So the e1000's refill writes follow the frames taken since the
 * last write, and the rest is written when the poll completes. */
static sim_time emulation_rx_round(struct net_vm *vm, unsigned frames, bool full)
{
    struct emu_vm *e = vm->io;
    const struct emu_nic *n = e->nic;
    unsigned refills = 0;

    if (n->refill_batch) {
        e->unrefilled += frames;
        refills = e->unrefilled / n->refill_batch;
        e->unrefilled %= n->refill_batch;
    }
    return mmio(vm, n->round_exits + (full ? 0 : n->round_short_exits) + refills);
}

static sim_time emulation_irq_complete(struct net_vm *vm, bool *rearmed)
{
    struct emu_vm *e = vm->io;
    unsigned exits = e->napi_rx ? e->nic->complete_exits : e->nic->complete_idle_exits;

    /* The e1000: the IMS unmask and its flushing STATUS read, after the
     * tail write for the last refilled buffers. */
    if (e->unrefilled) {
        exits++;
        e->unrefilled = 0;
    }
    *rearmed = true;
    e->napi_rx = false;
    return mmio(vm, exits);
}

/* The handler reclaimed the @signalled buffers the device sent, and wakes
 * a stopped queue once enough are free. */
static unsigned emulation_tx_clean(struct net_vm *vm, unsigned signalled)
{
    struct emu_vm *e = vm->io;
    const struct emu_nic *n = e->nic;
    struct net_pkt *p;

    if (!n->tx_slots)
        return signalled;
    g_assert(e->tx_sent >= signalled && e->tx_used >= signalled);
    e->tx_sent -= signalled;
    e->tx_used -= signalled;
    if (e->tx_stopped && n->tx_slots - e->tx_used > n->tx_stop_free) {
        e->tx_stopped = false;
        emu_on_room(vm);
        while (!e->tx_stopped && (p = net_pktq_pop(vm->nh->pkts, &e->stopped)))
            emulation_guest_tx(vm, p);
    }
    return signalled;
}

const struct io_strategy_ops emulation_strategy_ops = {
    .name = "emulation",
    .uses_itr = true,
    .itr_fn = NIC_ITR_FN_EMULATED,
    .vswitch = true,
    .vm_to_vm = true,
    .attach = emulation_attach,
    .guest_tx = emulation_guest_tx,
    .device_rx = emulation_device_rx,
    .bridge_rx = emulation_bridge_rx,
    .tx_wire_done = emulation_tx_wire_done,
    .irq_deliver = emulation_irq_deliver,
    .rx_driver = emulation_rx_driver,
    .napi_weight = emulation_napi_weight,
    .rx_round = emulation_rx_round,
    .irq_complete = emulation_irq_complete,
    .tx_clean = emulation_tx_clean,
    .report = emulation_report,
    .detach = emulation_detach,
};
