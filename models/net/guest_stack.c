/* Guest kernel networking on the vCPU: the stack's per-packet and per-byte
 * cost, then the receive side, per queue pair of the device and its MSI-X
 * vector: one interrupt on the vCPU of the vector's affinity, a NAPI poll of
 * up to a budget of packets per round while the vector stays off, and
 * re-arming at the end. A driver that asks for a vector per virtqueue
 * (virtio_net) gets a second one per pair for its transmit completions,
 * with a NAPI context of its own, when the function has enough of them.
 * Received flows are spread over the queues by RSS (a hash through a
 * 128-entry indirection table filled round robin, as Linux drivers fill
 * it); transmit completions go to the sending vCPU's queue
 * (XPS). Costs are parameters (net_params.c). Left out: socket buffers,
 * GRO, RPS, softirq deferral to ksoftirqd, per-queue rings on the device
 * (the queues share the function's ring accounting). */
#include "guest_stack.h"

#include <math.h>
#include <string.h>

#include <glib.h>

#include "net.h"
#include "strategy.h"
#include "workload.h"

static void stack_tx_done(struct net_vm *vm, struct net_pkt *p)
{
    /* @p may be gone (dropped) when guest_tx returns: keep what the
     * workload reads. */
    uint16_t flow_vm = p->vm, cpu = p->cpu;
    uint8_t kind = p->kind;

    vm->ops->guest_tx(vm, p);
    workload_sent(vm->w, flow_vm, kind, cpu);
}

static void stack_start(struct net_world *w, struct net_vm *vm, struct net_pkt *p)
{
    sim_time t = w->g.stack_tx_pkt + sim_llround(w->g.stack_tx_byte * p->bytes);

    workload_left(w, p);
    net_step(w->sim, p, NET_STAGE_guest_stack);
    net_step_cpu(p, net_pkt_vcpu(vm, p), vm, t, stack_tx_done);
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
        net_pkt_wait(w->sim, p, NET_STAGE_guest_stack);
        net_pktq_push(&w->pkts, &q->waiting, p);
        return;
    }
    q->busy = true;
    stack_start(w, vm, p);
}

void guest_xmit_done(struct net_vm *vm, unsigned cpu)
{
    struct net_world *w = vm->w;
    struct net_sendq *q = &vm->sendq[cpu % vm->n_vcpus];
    struct net_pkt *p;

    g_assert(q->busy);
    p = net_pktq_pop(&w->pkts, &q->waiting);
    if (!p) {
        q->busy = false;
        return;
    }
    stack_start(w, vm, p);
}

/* vp_find_vqs(): a vector per virtqueue and one for configuration changes
 * (VP_VQ_VECTOR_POLICY_EACH; virtio_net's control queue takes none). */
static int64_t vq_vectors(int64_t queues)
{
    return 2 * queues + 1;
}

bool guest_vectors_check(const struct scenario *sc, const struct io_strategy_ops *ops,
                         const char *key, int64_t queues, GError **error)
{
    int64_t have = scenario_int(sc, "nic.msix_vectors");

    if (queues > have) {
        scenario_error(sc, key, error,
                       "%" G_GINT64_FORMAT " queues need a vector each but nic.msix_vectors is "
                       "%" G_GINT64_FORMAT,
                       queues, have);
        return false;
    }
    /* Short of them, Linux shares one vector among every virtqueue
     * (VP_VQ_VECTOR_POLICY_SHARED): for one pair the one vector per pair
     * modelled here, for more a layout the model does not have. */
    if (ops->tx_irq_deliver && queues > 1 && vq_vectors(queues) > have) {
        scenario_error(sc, key, error,
                       "%" G_GINT64_FORMAT " queue pairs need %" G_GINT64_FORMAT
                       " vectors (one per virtqueue and one for configuration changes) but "
                       "nic.msix_vectors is %" G_GINT64_FORMAT
                       "; one vector shared by all queues is not modelled",
                       queues, vq_vectors(queues), have);
        return false;
    }
    return true;
}

bool guest_queues_check(const struct scenario *sc, const struct io_strategy_ops *ops,
                        unsigned vcpus, GError **error)
{
    int64_t queues = scenario_int(sc, "nic.queues"), irq_vcpu = scenario_int(sc, "vm.irq_vcpu");

    if (queues > 1 && !ops->multiqueue) {
        scenario_error(sc, "nic.queues", error, "%s devices have one queue pair", ops->name);
        return false;
    }
    if (!guest_vectors_check(sc, ops, "nic.queues", queues, error))
        return false;
    if (irq_vcpu >= (int64_t)vcpus) {
        scenario_error(sc, "vm.irq_vcpu", error,
                       "vectors affine to vCPU %" G_GINT64_FORMAT " but the VM has %u vCPU(s)",
                       irq_vcpu, vcpus);
        return false;
    }
    return true;
}

/* The moderation of @fn's driver on the host's NIC family (nic.driver). */
static void queue_itr_init(struct net_vm *vm, struct nic_itr *itr, enum nic_itr_fn fn,
                           enum nic_itr_mode mode, sim_time interval)
{
    const struct scenario *sc = vm->nh->sc;
    enum nic_family family =
        g_strcmp0(scenario_str(sc, "nic.driver"), "mlx5") == 0 ? NIC_FAMILY_MLX5 : NIC_FAMILY_IXGBE;
    struct nic_cq_cfg cq = { .max_pkts = (uint32_t)scenario_int(sc, "nic.itr_packets"),
                             .rx_cqe = scenario_bool(sc, "nic.rx_cqe_moder"),
                             .tx_cqe = scenario_bool(sc, "nic.tx_cqe_moder"),
                             .apply_delay = scenario_time(sc, "nic.dim_apply_delay") };

    nic_itr_init(itr, mode, nic_itr_driver_of(family, fn), interval, &cq);
}

void guest_queues_init(struct net_vm *vm, unsigned n, int irq_vcpu, enum nic_itr_mode mode,
                       sim_time interval)
{
    g_free(vm->q);
    vm->q = g_new0(struct net_queue, n);
    vm->n_queues = n;
    vm->cur = &vm->q[0];
    vm->irq_vcpu = irq_vcpu;
    vm->vq_vectors = vq_vectors(n) <= scenario_int(vm->nh->sc, "nic.msix_vectors");
    for (unsigned i = 0; i < n; i++) {
        vm->q[i].vm = vm;
        vm->q[i].id = i;
        vm->q[i].vec.q = vm->q[i].tx_vec.q = &vm->q[i];
        vm->q[i].tx_vec.is_tx = true;
        queue_itr_init(vm, &vm->q[i].itr, vm->ops->itr_fn, mode, interval);
    }
}

void guest_queues_spin(struct net_vm *vm, bool on)
{
    struct host *h = &vm->nh->host;
    /* Each vCPU once: queues go round the vCPUs, or all on one. */
    unsigned n = vm->irq_vcpu < 0 ? MIN(vm->n_queues, vm->n_vcpus) : 1;

    for (unsigned i = 0; i < n; i++)
        sched_spin(&h->sched, &h->cpu, vm->q[i].vcpu,
                   net_vcpu_thread(vm, vm->irq_vcpu < 0 ? i : (unsigned)vm->irq_vcpu), on);
}

void guest_queues_place(struct net_vm *vm)
{
    /* Placed again (its VM moved): a poll-mode driver's vCPUs stop
     * spinning where they were and spin where they go. */
    bool moving = vm->w && vm->w->g.poll_mode && vm->q[0].vcpu;

    if (moving)
        guest_queues_spin(vm, false);
    /* Linux spreads a device's vectors over the CPUs in turn; a fixed
     * affinity puts every vector on one vCPU. */
    for (unsigned i = 0; i < vm->n_queues; i++)
        vm->q[i].vcpu = vm->vcpus[vm->irq_vcpu < 0 ? i % vm->n_vcpus : (unsigned)vm->irq_vcpu];
    if (moving)
        guest_queues_spin(vm, true);
}

void guest_queues_reset_itr(struct net_vm *vm, enum nic_itr_fn fn)
{
    for (unsigned i = 0; i < vm->n_queues; i++) {
        struct nic_itr *itr = &vm->q[i].itr;
        /* An interrupt already scheduled stays valid and fires. */
        sim_time fire_at = itr->fire_at;
        uint32_t fire_seq = itr->fire_seq;

        queue_itr_init(vm, itr, fn, itr->mode, itr->interval);
        itr->fire_at = fire_at;
        itr->fire_seq = fire_seq;
    }
}

void guest_queues_reset_stats(struct net_vm *vm, sim_time now)
{
    for (unsigned i = 0; i < vm->n_queues; i++)
        nic_itr_reset_stats(&vm->q[i].itr, now);
}

void guest_queues_report(const struct net_vm *vms, unsigned n, sim_time now, struct report *out)
{
    double all_rx = 0, all_tx = 0;
    unsigned with_dim = 0;

    for (unsigned k = 0; k < n; k++) {
        const struct net_vm *vm = &vms[k];
        double rx = 0, tx = 0;

        if (!vm->n_queues || !vm->q[0].itr.per_cq || vm->q[0].itr.mode != NIC_ITR_ADAPTIVE)
            continue;
        for (unsigned i = 0; i < vm->n_queues; i++) {
            sim_time r, t;

            nic_itr_cq_mean(&vm->q[i].itr, now, &r, &t);
            rx += sim_time_to_s(r) / vm->n_queues;
            tx += sim_time_to_s(t) / vm->n_queues;
        }
        report_metric(out, vm->scope, "dim_rx_period", rx, "s");
        report_metric(out, vm->scope, "dim_tx_period", tx, "s");
        all_rx += rx;
        all_tx += tx;
        with_dim++;
    }
    if (with_dim) {
        report_metric(out, "all", "dim_rx_period", all_rx / with_dim, "s");
        report_metric(out, "all", "dim_tx_period", all_tx / with_dim, "s");
    }
}

void guest_queues_detach(struct net_vm *vm)
{
    for (unsigned i = 0; i < vm->n_queues; i++)
        vm->q[i].tx_done = 0;
}

/* RSS: the flow's hash through the indirection table. */
struct net_queue *guest_rss_queue(struct net_vm *vm, const struct net_pkt *p)
{
    unsigned slot = (unsigned)((net_pkt_flow(p) * 0x9E3779B97F4A7C15ull) >> 57);

    return &vm->q[slot % vm->n_queues];
}

static void irq_on_fire(struct sim *sim, void *ctx, const void *payload);
static void cq_on_fire(struct sim *sim, void *ctx, const void *payload);
static void cq_fire(struct sim *sim, struct net_vector *v);
static void irq_on_handled(struct sim *sim, void *ctx, uint64_t tag);
static void poll_round(struct net_world *w, struct net_vector *v);
static void vector_raise(struct net_world *w, struct net_vector *v);
static void vector_raise_last(struct net_world *w, struct net_vector *v, bool last);

/* The pairs' transmit completions have vectors of their own: the driver
 * asks for them, the function has them, and the driver takes interrupts
 * (a poll-mode driver takes none). */
static inline bool tx_vectors(const struct net_vm *vm)
{
    return vm->ops->tx_irq_deliver && vm->vq_vectors && !vm->w->g.poll_mode;
}

/* Work for @v's NAPI context: received packets unless it is a transmit
 * vector, transmit completions unless the pair has a transmit vector and
 * @v is not it. */
static inline bool vector_rx_work(const struct net_vector *v)
{
    return !v->is_tx && v->q->rx.len;
}

static inline bool vector_tx_work(const struct net_vector *v)
{
    return v->q->tx_done && (v->is_tx || !tx_vectors(v->q->vm));
}

void guest_rx_arrive(struct net_vm *vm, struct net_pkt *p)
{
    struct net_world *w = vm->w;
    struct net_queue *q = guest_rss_queue(vm, p);

    net_pkt_wait(w->sim, p, NET_STAGE_irq_coalesce);
    net_pktq_push(&w->pkts, &q->rx, p);
    nic_itr_cqe(&q->itr, true, sim_now(w->sim));
    /* A poll-mode driver looks at its rings whether or not the device
     * would interrupt. */
    if (w->g.poll_mode)
        vector_raise(w, &q->vec);
}

static void on_polled(struct sim *sim, void *ctx, const void *payload);

static void vector_raise(struct net_world *w, struct net_vector *v)
{
    vector_raise_last(w, v, false);
}

/* A per-CQ device's interrupt for @v: when its CQs' moderation is due with
 * the completions waiting now. */
static sim_time vector_cq_due(struct net_vector *v, sim_time now)
{
    struct net_queue *q = v->q;

    return nic_itr_cq_next(&q->itr, now, vector_rx_work(v) ? q->rx.len : 0,
                           vector_tx_work(v) ? q->tx_done : 0);
}

/* A completion joined a per-CQ interrupt that waits: the packet count or
 * another CQ may bring it forward (a new event; the queued one goes
 * stale), a CQE-mode timer may push it back (the queued one, finding it
 * early, waits again). */
static void cq_recheck(struct net_world *w, struct net_vector *v)
{
    struct nic_itr *itr = &v->q->itr;
    sim_time at = vector_cq_due(v, sim_now(w->sim));

    if (at < itr->fire_at) {
        itr->fire_seq++;
        sim_schedule_at(w->sim, at, cq_on_fire, v, &itr->fire_seq, sizeof(itr->fire_seq));
    }
    itr->fire_at = at;
}

/* @last: the caller's event ends with this call, so an interrupt due now
 * fires in place when no other event is due now (it would run next). */
static void vector_raise_last(struct net_world *w, struct net_vector *v, bool last)
{
    struct net_queue *q = v->q;
    sim_time now = sim_now(w->sim), at = now;

    if (v->irq_pending || v->napi_active) {
        if (v->irq_pending && q->itr.per_cq && q->itr.fire_at >= 0)
            cq_recheck(w, v);
        return;
    }
    v->irq_pending = true;
    /* A poll-mode driver takes no interrupt: its spinning loop sees the
     * ring's new entry one check later and runs a round. */
    if (w->g.poll_mode) {
        sim_schedule(w->sim, w->g.poll_check, on_polled, v, NULL, 0);
        return;
    }
    if (q->vm->ops->uses_itr && q->itr.per_cq) {
        at = vector_cq_due(v, now);
        q->itr.fire_at = at;
        q->itr.fire_seq++;
        if (last && at == now && !sim_due_now(w->sim))
            cq_fire(w->sim, v);
        else
            sim_schedule_at(w->sim, at, cq_on_fire, v, &q->itr.fire_seq, sizeof(q->itr.fire_seq));
        return;
    }
    if (q->vm->ops->uses_itr) {
        at = nic_itr_next(&q->itr, v->last_irq);
        if (at < now)
            at = now;
    }
    if (last && at == now && !sim_due_now(w->sim)) {
        irq_on_fire(w->sim, v, NULL);
        return;
    }
    sim_schedule_at(w->sim, at, irq_on_fire, v, NULL, 0);
}

void guest_irq_raise(struct net_vm *vm)
{
    for (unsigned i = 0; i < vm->n_queues; i++)
        if (vector_rx_work(&vm->q[i].vec) || vector_tx_work(&vm->q[i].vec))
            vector_raise(vm->w, &vm->q[i].vec);
}

void guest_tx_complete_on(struct net_vm *vm, unsigned cpu, uint32_t frames, uint64_t l2_bytes)
{
    struct net_queue *q = &vm->q[cpu % vm->n_queues];

    q->tx_done++;
    /* Counted as the driver's clean_tx_irq counts them: segments, bytes. */
    if (!nic_itr_counts_tx_at_post(&q->itr)) {
        q->itr.tx.packets += frames;
        q->itr.tx.bytes += l2_bytes;
    }
    nic_itr_cqe(&q->itr, false, sim_now(vm->w->sim));
    vector_raise(vm->w, tx_vectors(vm) ? &q->tx_vec : &q->vec);
}

void guest_tx_posted(struct net_vm *vm, unsigned cpu, uint32_t frames, uint64_t l2_bytes)
{
    struct net_queue *q = &vm->q[cpu % vm->n_queues];

    if (nic_itr_counts_tx_at_post(&q->itr)) {
        q->itr.tx.packets += frames;
        q->itr.tx.bytes += l2_bytes;
    }
}

void guest_tx_complete(struct net_vm *vm, uint32_t frames, uint64_t l2_bytes)
{
    guest_tx_complete_on(vm, 0, frames, l2_bytes);
}

/* A per-CQ interrupt fires: each CQ whose moderation is due counts it. */
static void cq_fire(struct sim *sim, struct net_vector *v)
{
    struct net_queue *q = v->q;

    q->itr.fire_at = -1;
    nic_itr_cq_event(&q->itr, sim_now(sim), vector_rx_work(v) ? q->rx.len : 0,
                     vector_tx_work(v) ? q->tx_done : 0);
    irq_on_fire(sim, v, NULL);
}

/* A per-CQ interrupt's event (@payload: its number): nothing when a later
 * one replaced it, again later when its moderation was pushed back. */
static void cq_on_fire(struct sim *sim, void *ctx, const void *payload)
{
    struct net_vector *v = ctx;
    struct nic_itr *itr = &v->q->itr;
    uint32_t seq;

    memcpy(&seq, payload, sizeof(seq));
    if (seq != itr->fire_seq)
        return;
    if (sim_now(sim) < itr->fire_at) {
        sim_schedule_at(sim, itr->fire_at, cq_on_fire, v, &seq, sizeof(seq));
        return;
    }
    cq_fire(sim, v);
}

static void irq_on_fire(struct sim *sim, void *ctx, const void *payload)
{
    struct net_vector *v = ctx;
    struct net_queue *q = v->q;
    struct net_vm *vm = q->vm;
    struct net_world *w = vm->w;
    bool tx;
    sim_time host;

    (void)payload;
    /* Raised by a device that has gone since (a failover's swap): its
     * transmit vector went with it. */
    if (v->is_tx && !tx_vectors(vm)) {
        v->irq_pending = false;
        return;
    }
    tx = vector_tx_work(v);
    vm->c.interrupts++;
    vm->c.tx_interrupts += tx;
    vm->c.rx_interrupts += vector_rx_work(v);
    v->last_irq = sim_now(sim);
    q->itr.tx_cause = tx;
    vm->cur = q;
    host = v->is_tx ? vm->ops->tx_irq_deliver(vm) : vm->ops->irq_deliver(vm);
    /* Packets already waiting now wait for the handler instead. */
    for (uint32_t i = q->rx.head, k = 0; !v->is_tx && k < q->rx.len; k++) {
        struct net_pkt *p = net_pkt_at(&w->pkts, i);

        i = p->next_free;
        net_pkt_wait(w->sim, p, NET_STAGE_irq_delivery);
    }
    net_irq_job(q->vcpu, vm, vm->nh->host.hv.isr, host, irq_on_handled, v, 0);
}

static void napi_start(struct net_vector *v)
{
    v->irq_pending = false;
    v->napi_active = true;
    poll_round(v->q->vm->w, v);
}

static void irq_on_handled(struct sim *sim, void *ctx, uint64_t tag)
{
    (void)sim;
    (void)tag;
    napi_start(ctx);
}

static void on_polled(struct sim *sim, void *ctx, const void *payload)
{
    (void)sim;
    (void)payload;
    napi_start(ctx);
}

static void rx_delivered(struct net_vm *vm, struct net_pkt *p)
{
    net_pkt_deliver(vm->w, p);
}

static void poll_on_end(struct sim *sim, void *ctx, uint64_t tag);

static void poll_round(struct net_world *w, struct net_vector *v)
{
    struct net_queue *q = v->q;
    struct net_vm *vm = q->vm;
    struct net_pkt *p;
    unsigned n = 0, weight = vm->ops->napi_weight ? vm->ops->napi_weight(vm) : 0;
    sim_time clean = 0;

    vm->cur = q;
    if (!weight)
        weight = w->g.budget;
    while (!v->is_tx && n < weight && (p = net_pktq_pop(&w->pkts, &q->rx))) {
        sim_time drv = vm->ops->rx_driver(vm, p);
        sim_time stack = w->g.stack_rx_pkt + sim_llround(w->g.stack_rx_byte * p->bytes);

        nic_itr_count(&q->itr, true, net_pkt_l2_bytes(&w->cfg, p));
        net_step(w->sim, p, NET_STAGE_driver);
        net_step_part(p, NET_STAGE_guest_stack, stack);
        /* Softirq context preempts the vCPU's process work; a poll-mode
         * driver's loop is the application's own thread. */
        if (w->g.poll_mode)
            net_step_cpu(p, q->vcpu, vm, drv, rx_delivered);
        else
            net_step_cpu_irq(p, q->vcpu, vm, drv, rx_delivered);
        n++;
    }
    if (vector_tx_work(v)) {
        unsigned signalled = q->tx_done, cleaned;

        q->tx_done = 0;
        cleaned = vm->ops->tx_clean ? vm->ops->tx_clean(vm, signalled) : signalled;
        vm->c.tx_cleaned += cleaned;
        clean = cleaned * w->g.tx_clean;
    }
    /* The round's own work (with the driver's register accesses) and its
     * transmit cleaning: one job. */
    if (n && vm->ops->rx_round)
        clean += vm->ops->rx_round(vm, n, n == weight);
    if (w->g.poll_mode)
        net_cpu_job(q->vcpu, vm, w->g.napi_poll + clean, 0, poll_on_end, v, 0);
    else
        net_irq_job(q->vcpu, vm, w->g.napi_poll + clean, 0, poll_on_end, v, 0);
}

static void complete_on_end(struct sim *sim, void *ctx, uint64_t tag);
static void complete_last(struct net_vector *v, bool last);

/* Whether a zero-delay step that would be the very next event runs in
 * place (tests turn it off to check that it changes nothing). */
static bool call_in_place = true;

void guest_stack_call_in_place(bool on)
{
    call_in_place = on;
}

static void poll_on_end(struct sim *sim, void *ctx, uint64_t tag)
{
    struct net_vector *v = ctx;
    struct net_queue *q = v->q;
    struct net_vm *vm = q->vm;
    struct net_world *w = vm->w;
    bool rearmed = true;
    sim_time cost;

    (void)sim;
    (void)tag;
    if (vector_rx_work(v) || vector_tx_work(v)) {
        poll_round(w, v);
        return;
    }
    /* A poll-mode driver goes back to spinning; nothing to re-arm. A
     * transmit vector's poll re-armed its queue as it cleaned
     * (virtnet_poll_tx). */
    if (w->g.poll_mode || v->is_tx) {
        v->napi_active = false;
        return;
    }
    /* NAPI completes: the driver updates its moderation (ixgbe_poll et al.
     * call *_set_itr before re-enabling the vector). */
    nic_itr_update(&q->itr, sim_now(w->sim));
    vm->cur = q;
    cost = vm->ops->irq_complete(vm, &rearmed);
    if (!rearmed) {
        poll_round(w, v);
        return;
    }
    /* The completion runs in the poll's softirq: a re-check with no work
     * before it follows at once, not behind work queued on the vCPU. */
    if (!cost && vm->ops->irq_recheck) {
        complete_on_end(sim, v, 0);
        return;
    }
    /* A zero-length job on an idle vCPU of its own ends at once; when
     * nothing else is due now its completion would be the next event, so
     * it runs here, in the same order, one event fewer. */
    if (!cost && call_in_place && sched_core_free(q->vcpu) && !sim_due_now(sim)) {
        complete_last(v, true);
        return;
    }
    net_irq_job(q->vcpu, vm, 0, cost, complete_on_end, v, 0);
}

static void complete_on_end(struct sim *sim, void *ctx, uint64_t tag)
{
    (void)sim;
    (void)tag;
    complete_last(ctx, call_in_place && sched_core_free(((struct net_vector *)ctx)->q->vcpu));
}

static void complete_last(struct net_vector *v, bool last)
{
    struct net_vm *vm = v->q->vm;

    /* Reached by a pair's vector or a receive vector only: a transmit
     * vector's poll re-armed as it cleaned. */
    if (vm->ops->irq_recheck) {
        vm->cur = v->q;
        if (!vm->ops->irq_recheck(vm)) {
            poll_round(vm->w, v);
            return;
        }
    }
    v->napi_active = false;
    /* Work that came in while interrupts were being re-enabled: the device
     * sees them unmasked and interrupts. */
    if (vector_rx_work(v) || vector_tx_work(v))
        vector_raise_last(vm->w, v, last);
}
