/* An e1000-like NIC emulated by QEMU: every register access the driver makes
 * traps to user space (~6.7k cycles each, docs/sources.md#dall-atc17).
 * Transmit: the tail write exits and the device model copies the packet in
 * the vCPU thread; receive: QEMU's I/O thread copies into the emulated ring
 * and raises an injected, ITR-moderated interrupt whose handler reads ICR,
 * masks, unmasks and moves the RX tail (one exit each). Left out: TX
 * descriptor batching (xmit_more), the emulated PHY and EEPROM. */
#include <math.h>

#include <glib.h>

#include "../net/net.h"
#include "../net/strategy.h"
#include "hostpath.h"

struct emu_vm {
    struct host_backend hb;
    uint32_t rx_cap, rx_used; /* emulated receive ring */
    /* Sends the device model holds while the host's ring is full (QEMU
     * queues the packet and stops the transmit ring: the sender waits). */
    struct net_pktq waiting;
};

static void emulation_xmit(struct net_world *w, struct net_vm *vm, struct net_pkt *p);

static void emu_on_room(struct net_world *w, struct net_vm *vm)
{
    struct emu_vm *e = vm->io;

    struct net_pkt *p;

    while (!host_tx_full(&e->hb.io) && (p = net_pktq_pop(w, &e->waiting)))
        emulation_xmit(w, vm, p);
}

static void emulation_attach(struct net_world *w, struct net_vm *vm)
{
    const struct scenario *sc = w->sc;
    struct emu_vm *e = g_new0(struct emu_vm, 1);

    e->rx_cap = (uint32_t)scenario_int(sc, "emulation.rx_ring");
    e->hb.per_packet =
        cpu_cycles(&vm->nh->host.cpu, (double)scenario_int(sc, "emulation.device_per_packet"));
    e->hb.host_stack = vm->nh->host.stack_per_packet;
    e->hb.copy_per_byte = scenario_real(sc, "emulation.copy_per_byte") * 1e12;
    host_io_init(&e->hb.io, w, vm);
    e->hb.io.on_room = emu_on_room;
    vm->io = e;
    net_vm_ready(w, vm);
}

static void emulation_detach(struct net_world *w, struct net_vm *vm)
{
    (void)w;
    g_free(vm->io);
    vm->io = NULL;
}

static void tx_emulated(struct net_world *w, struct net_pkt *p)
{
    struct net_vm *vm = &w->vms[p->src];
    struct emu_vm *e = vm->io;
    unsigned cpu = p->cpu;

    /* The device model marks the descriptor done and raises TXDW. */
    guest_tx_complete(w, vm, p->frames, net_pkt_l2_bytes(w, p));
    host_tx(w, vm, &e->hb.io, p);
    guest_xmit_done(w, vm, cpu);
}

static void emulation_guest_tx(struct net_world *w, struct net_vm *vm, struct net_pkt *p)
{
    struct emu_vm *e = vm->io;

    if (!net_pkt_local(w, p) && (e->waiting.len || host_tx_full(&e->hb.io))) {
        net_pkt_wait(w, p, NET_STAGE_backend);
        net_pktq_push(w, &e->waiting, p);
        return;
    }
    emulation_xmit(w, vm, p);
}

static void emulation_xmit(struct net_world *w, struct net_vm *vm, struct net_pkt *p)
{
    struct emu_vm *e = vm->io;
    bool bridged = net_pkt_local(w, p);

    /* Descriptor write, then the TDT write traps to QEMU, which runs the
     * device model in the vCPU thread before resuming the guest. */
    net_step(w, p, NET_STAGE_driver);
    net_step_part(p, NET_STAGE_exit, net_exit(w, vm, HV_EXIT_mmio_user));
    net_step_part(p, NET_STAGE_backend, e->hb.per_packet);
    net_step_part(p, NET_STAGE_copy, host_backend_copy(&e->hb, p));
    net_step_part(p, NET_STAGE_host_stack, host_backend_stack(w, &e->hb, p));
    if (!bridged)
        net_step_part(p, NET_STAGE_iommu, host_dma_api(w, vm, &e->hb.io, p, 0));
    net_step_cpu(w, p, net_pkt_vcpu(vm, p), vm, w->g.driver_tx, tx_emulated);
}

static void rx_to_guest(struct net_world *w, struct net_vm *vm, struct net_pkt *p)
{
    struct emu_vm *e = vm->io;

    if (e->rx_used >= e->rx_cap) {
        net_pkt_drop(w, p, NET_DROP_rx_ring_full);
        return;
    }
    e->rx_used++;
    guest_rx_arrive(w, vm, p);
    guest_irq_raise(w, vm);
}

static void rx_emulated(struct net_world *w, struct net_pkt *p)
{
    struct net_vm *vm = net_pkt_dst_vm(w, p);

    if (p->src < 0)
        nic_rx_release(&vm->nh->nic, p->queue);
    rx_to_guest(w, vm, p);
}

static void rx_host_landed(struct net_world *w, struct net_pkt *p)
{
    struct net_vm *vm = net_pkt_dst_vm(w, p);
    struct emu_vm *e = vm->io;

    host_backend_rx(w, vm, &e->hb, p, rx_emulated);
}

static void emulation_device_rx(struct net_world *w, struct net_vm *vm, struct net_pkt *p)
{
    struct emu_vm *e = vm->io;

    host_rx(w, vm, &e->hb.io, p, rx_host_landed);
}

static void emulation_bridge_rx(struct net_world *w, struct net_vm *vm, struct net_pkt *p)
{
    struct emu_vm *e = vm->io;

    net_step(w, p, NET_STAGE_backend);
    net_step_part(p, NET_STAGE_copy, host_backend_copy(&e->hb, p));
    net_step_cpu(w, p, vm->backend, vm, e->hb.per_packet, rx_emulated);
}

static void emulation_tx_wire_done(struct net_world *w, struct net_vm *vm, struct net_pkt *p)
{
    struct emu_vm *e = vm->io;

    (void)p;
    host_tx_wire_done(w, vm, &e->hb.io);
}

static sim_time emulation_irq_deliver(struct net_world *w, struct net_vm *vm)
{
    /* Injection and EOI, plus the handler's ICR read and IMC mask write. */
    return net_irq_virtual(w, vm) + net_exit(w, vm, HV_EXIT_mmio_user) +
           net_exit(w, vm, HV_EXIT_mmio_user);
}

static sim_time emulation_rx_driver(struct net_world *w, struct net_vm *vm, struct net_pkt *p)
{
    struct emu_vm *e = vm->io;

    (void)p;
    g_assert(e->rx_used > 0);
    e->rx_used--;
    return w->g.driver_rx;
}

static sim_time emulation_irq_complete(struct net_world *w, struct net_vm *vm, bool *rearmed)
{
    /* RDT write for the refilled buffers and IMS unmask: two exits. */
    *rearmed = true;
    return net_exit(w, vm, HV_EXIT_mmio_user) + net_exit(w, vm, HV_EXIT_mmio_user);
}

const struct io_strategy_ops emulation_strategy_ops = {
    .name = "emulation",
    .uses_itr = true,
    .itr_driver = NIC_ITR_E1000,
    .vswitch = true,
    .vm_to_vm = true,
    .attach = emulation_attach,
    .guest_tx = emulation_guest_tx,
    .device_rx = emulation_device_rx,
    .bridge_rx = emulation_bridge_rx,
    .tx_wire_done = emulation_tx_wire_done,
    .irq_deliver = emulation_irq_deliver,
    .rx_driver = emulation_rx_driver,
    .irq_complete = emulation_irq_complete,
    .detach = emulation_detach,
};
