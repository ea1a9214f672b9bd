/* Guest kernel networking on the vCPU: the stack's per-packet and per-byte
 * cost, then the receive side: one interrupt, a NAPI poll of up to a budget
 * of packets per round while interrupts stay off, and re-arming at the end.
 * Costs are parameters (net_params.c). Left out: socket buffers, GRO, RPS,
 * more than one queue per VM, softirq deferral to ksoftirqd. */
#include "guest_stack.h"

#include <math.h>

#include <glib.h>

#include "net.h"
#include "strategy.h"
#include "workload.h"

static void stack_tx_done(struct net_world *w, struct net_pkt *p)
{
    struct net_pkt sent = { .vm = p->vm, .kind = p->kind, .cpu = p->cpu };

    /* @p may be gone (dropped) when guest_tx returns, hence the copy. */
    struct net_vm *vm = &w->vms[p->src];

    vm->ops->guest_tx(w, vm, p);
    workload_stack_done(w, &sent);
}

static void stack_start(struct net_world *w, struct net_vm *vm, struct net_pkt *p)
{
    sim_time t = w->g.stack_tx_pkt + (sim_time)llround(w->g.stack_tx_byte * p->bytes);

    workload_left(w, p);
    net_step(w, p, NET_STAGE_guest_stack);
    net_step_cpu(w, p, net_pkt_vcpu(vm, p), vm, t, stack_tx_done);
}

void guest_send(struct net_world *w, struct net_pkt *p)
{
    struct net_vm *vm = &w->vms[p->src];
    struct net_sendq *q = &vm->sendq[p->cpu % vm->n_vcpus];

    if (net_vm_hold(w, vm, p))
        return;
    /* One send at a time per thread, through stack and driver, as a
     * synchronous sendmsg(): the rest wait their turn (in guest_stack). */
    if (q->busy) {
        net_pkt_wait(w, p, NET_STAGE_guest_stack);
        net_pktq_push(w, &q->waiting, p);
        return;
    }
    q->busy = true;
    stack_start(w, vm, p);
}

void guest_xmit_done(struct net_world *w, struct net_vm *vm, unsigned cpu)
{
    struct net_sendq *q = &vm->sendq[cpu % vm->n_vcpus];
    struct net_pkt *p;

    g_assert(q->busy);
    p = net_pktq_pop(w, &q->waiting);
    if (!p) {
        q->busy = false;
        return;
    }
    stack_start(w, vm, p);
}

void guest_rx_arrive(struct net_world *w, struct net_vm *vm, struct net_pkt *p)
{
    net_pkt_wait(w, p, NET_STAGE_irq_coalesce);
    net_pktq_push(w, &vm->rx, p);
}

static void irq_on_fire(struct sim *sim, void *ctx, const void *payload);
static void irq_on_handled(struct sim *sim, void *ctx, uint64_t tag);
static void poll_round(struct net_world *w, struct net_vm *vm);

void guest_irq_raise(struct net_world *w, struct net_vm *vm)
{
    sim_time now = sim_now(w->sim), at = now;

    if (vm->irq_pending || vm->napi_active)
        return;
    vm->irq_pending = true;
    if (vm->ops->uses_itr) {
        at = nic_itr_next(&vm->itr, vm->last_irq);
        if (at < now)
            at = now;
    }
    sim_schedule_at(w->sim, at, irq_on_fire, vm, NULL, 0);
}

void guest_tx_complete(struct net_world *w, struct net_vm *vm, uint32_t frames, uint64_t l2_bytes)
{
    vm->tx_done++;
    /* Counted as the driver's clean_tx_irq counts them: segments, bytes. */
    vm->itr.tx.packets += frames;
    vm->itr.tx.bytes += l2_bytes;
    guest_irq_raise(w, vm);
}

static void irq_on_fire(struct sim *sim, void *ctx, const void *payload)
{
    struct net_vm *vm = ctx;
    struct net_world *w = vm->w;
    sim_time host;

    (void)payload;
    vm->c.interrupts++;
    if (vm->tx_done)
        vm->c.tx_interrupts++;
    if (vm->rx.len)
        vm->c.rx_interrupts++;
    vm->last_irq = sim_now(sim);
    host = vm->ops->irq_deliver(w, vm);
    /* Packets already waiting now wait for the handler instead. */
    for (uint32_t i = vm->rx.head, k = 0; k < vm->rx.len; k++) {
        struct net_pkt *p = net_pkt_at(w, i);

        i = p->next_free;
        net_pkt_wait(w, p, NET_STAGE_irq_delivery);
    }
    net_cpu_job(w, vm->vcpu, vm, vm->nh->host.hv.isr, host, irq_on_handled, vm, 0);
}

static void irq_on_handled(struct sim *sim, void *ctx, uint64_t tag)
{
    struct net_vm *vm = ctx;

    (void)sim;
    (void)tag;
    vm->irq_pending = false;
    vm->napi_active = true;
    poll_round(vm->w, vm);
}

static void rx_delivered(struct net_world *w, struct net_pkt *p)
{
    net_pkt_deliver(w, p);
}

static void poll_on_end(struct sim *sim, void *ctx, uint64_t tag);

static void poll_round(struct net_world *w, struct net_vm *vm)
{
    struct net_pkt *p;
    unsigned n = 0;
    sim_time clean = 0;

    while (n < w->g.budget && (p = net_pktq_pop(w, &vm->rx))) {
        sim_time drv = vm->ops->rx_driver(w, vm, p);
        sim_time stack = w->g.stack_rx_pkt + (sim_time)llround(w->g.stack_rx_byte * p->bytes);

        nic_itr_count(&vm->itr, true, net_pkt_l2_bytes(w, p));
        net_step(w, p, NET_STAGE_driver);
        net_step_part(p, NET_STAGE_guest_stack, stack);
        net_step_cpu(w, p, vm->vcpu, vm, drv, rx_delivered);
        n++;
    }
    if (vm->tx_done) {
        unsigned signalled = vm->tx_done, cleaned;

        vm->tx_done = 0;
        cleaned = vm->ops->tx_clean ? vm->ops->tx_clean(w, vm, signalled) : signalled;
        vm->c.tx_cleaned += cleaned;
        clean = cleaned * w->g.tx_clean;
    }
    /* The round's own work and its transmit cleaning: one job. */
    net_cpu_job(w, vm->vcpu, vm, w->g.napi_poll + clean, 0, poll_on_end, vm, 0);
}

static void complete_on_end(struct sim *sim, void *ctx, uint64_t tag);

static void poll_on_end(struct sim *sim, void *ctx, uint64_t tag)
{
    struct net_vm *vm = ctx;
    struct net_world *w = vm->w;
    bool rearmed = true;
    sim_time cost;

    (void)sim;
    (void)tag;
    if (vm->rx.len || vm->tx_done) {
        poll_round(w, vm);
        return;
    }
    /* NAPI completes: the driver updates its moderation (ixgbe_poll et al.
     * call *_set_itr before re-enabling the vector). */
    nic_itr_update(&vm->itr, sim_now(w->sim));
    cost = vm->ops->irq_complete(w, vm, &rearmed);
    if (!rearmed) {
        poll_round(w, vm);
        return;
    }
    net_cpu_job(w, vm->vcpu, vm, 0, cost, complete_on_end, vm, 0);
}

static void complete_on_end(struct sim *sim, void *ctx, uint64_t tag)
{
    struct net_vm *vm = ctx;

    (void)sim;
    (void)tag;
    vm->napi_active = false;
    /* Work that came in while interrupts were being re-enabled: the device
     * sees them unmasked and interrupts. */
    if (vm->rx.len || vm->tx_done)
        guest_irq_raise(vm->w, vm);
}
