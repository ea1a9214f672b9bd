/* The packet pool and the step machinery that attributes every instant of a
 * packet's life to one stage, plus the hand-offs every strategy shares: the
 * device's DMA over PCIe through the IOMMU, the port, the wire, the VEB and
 * the host's switch. Packets live in a pool (sim/pool.h), so memory stays
 * flat and no packet is malloc'ed; their stages in a ledger (sim/ledger.h). */
#include <string.h>

#include <glib.h>

#include "../fabric/fabric_params.h"
#include "migration.h"
#include "net.h"
#include "strategy.h"
#include "workload.h"

const char *const net_stage_names[NET_N_STAGES] = {
#define NET_STAGE_NAME(n) #n,
    NET_STAGE_LIST(NET_STAGE_NAME)
#undef NET_STAGE_NAME
};

const char *const net_drop_names[NET_N_DROPS] = {
#define NET_DROP_NAME(n) #n,
    NET_DROP_LIST(NET_DROP_NAME)
#undef NET_DROP_NAME
};

struct net_pkt *net_pkt_new(struct net_world *w, unsigned vm, int src, int dst,
                            enum net_pkt_kind kind, uint32_t bytes)
{
    uint32_t idx = pool_alloc(&w->pkts);
    struct net_pkt *p = net_pkt_at(&w->pkts, idx);

    net_pkt_zero(p);
    p->idx = idx;
    p->next_free = NET_NO_PKT;
    p->vm = (uint16_t)vm;
    p->src = (int16_t)src;
    p->dst = (int16_t)dst;
    p->kind = (uint8_t)kind;
    p->bytes = bytes;
    p->frames = bytes ? (bytes + w->cfg.mss - 1) / w->cfg.mss : 1;
    p->live = true;
    p->hop = NET_HOP_NONE;
    p->born = sim_now(w->sim);
    /* A placeholder: the sender's first net_step() closes it at zero. */
    ledger_start(&p->led, p->born, NET_STAGE_guest_stack);
    w->vms[vm].sent_total++;
    return p;
}

static void pkt_free(struct net_world *w, struct net_pkt *p)
{
    g_assert(p->live);
    p->live = false;
    pool_free(&w->pkts, p->idx);
}

/* End the open step at now: fixed parts get their time, the first stage
 * the rest (it is never negative: the parts were part of the service). */
static void step_close(struct sim *sim, struct net_pkt *p)
{
    ledger_close(&p->led, p->st, sim_now(sim));
}

void net_step(struct sim *sim, struct net_pkt *p, enum net_stage first)
{
    ledger_step(&p->led, p->st, sim_now(sim), first);
}

/* A world's step ended (@ctx is the world). */
static void step_done(struct sim *sim, void *ctx, uint64_t tag)
{
    struct net_world *w = ctx;
    struct net_pkt *p = net_pkt_at(&w->pkts, (uint32_t)tag);

    step_close(sim, p);
    p->next(w, p);
}

/* A device's step on a core ended (@ctx is its VM). */
static void step_on_cpu(struct sim *sim, void *ctx, uint64_t tag)
{
    struct net_vm *vm = ctx;
    struct net_pkt *p = net_pkt_at(&vm->w->pkts, (uint32_t)tag);

    /* Billed when the work is done, so that a backlog at the end of the
     * run is not counted as busy time. */
    if (p->bill_guest | p->bill_host) {
        vm->c.guest_busy += p->bill_guest;
        vm->c.host_busy += p->bill_host;
        p->bill_guest = p->bill_host = 0;
    }
    step_close(sim, p);
    p->next_dev(vm, p);
}

/* A backend may share a core with a vCPU: the thread is the vCPU's only
 * when asked for one. */
int net_thread_id(const struct net_vm *vm, const struct cpu_core *core, bool backend)
{
    const struct net_world *w = vm->w;

    for (unsigned k = 0; k < vm->n_vcpus && !backend; k++)
        if (vm->vcpus[k] == core)
            return net_vcpu_thread(vm, k);
    return (int)(vm->id * w->thread_stride + w->max_vcpus + 1 + net_core_id(vm, core));
}

int net_vcpu_thread(const struct net_vm *vm, unsigned k)
{
    return (int)(vm->id * vm->w->thread_stride + k);
}

int net_thread_disk(const struct net_vm *vm)
{
    return (int)(vm->id * vm->w->thread_stride + vm->w->max_vcpus);
}

struct net_vm *net_thread_vm(const struct net_world *w, int owner)
{
    g_assert(owner >= 0 && (unsigned)owner / w->thread_stride < w->n_vms);
    return &w->vms[(unsigned)owner / w->thread_stride];
}

static bool stage_is_guest(unsigned stage)
{
    return stage == NET_STAGE_guest_stack || stage == NET_STAGE_driver;
}

static void step_cpu(struct net_pkt *p, struct cpu_core *core, struct net_vm *vm, bool urgent,
                     sim_time base, io_step_fn next)
{
    const struct ledger *l = &p->led;
    sim_time guest = stage_is_guest(l->stage) ? base : 0, host = base - guest;
    struct host *h = &vm->nh->host;
    int thread;

    for (unsigned k = 0; k < l->n_parts; k++) {
        if (stage_is_guest(l->part_stage[k]))
            guest += l->part_t[k];
        else
            host += l->part_t[k];
    }
    p->next_dev = next;
    /* The guest's stages run in its vCPU thread, the others in a backend's. */
    thread = net_thread_id(vm, core, !stage_is_guest(l->stage));
    if (urgent)
        sched_submit_urgent(&h->sched, &h->cpu, core, thread, guest + host, step_on_cpu, vm,
                            p->idx);
    else
        sched_submit(&h->sched, &h->cpu, core, thread, guest + host, step_on_cpu, vm, p->idx);
    p->bill_guest = guest;
    p->bill_host = host;
}

void net_step_cpu(struct net_pkt *p, struct cpu_core *core, struct net_vm *vm, sim_time base,
                  io_step_fn next)
{
    step_cpu(p, core, vm, false, base, next);
}

void net_step_cpu_irq(struct net_pkt *p, struct cpu_core *core, struct net_vm *vm, sim_time base,
                      io_step_fn next)
{
    step_cpu(p, core, vm, true, base, next);
}

/* A time-shared core switched to a thread of the VM (its owner number from
 * net_thread_id()): host work, while the packet waits in its first stage. */
void net_bill_switch(void *ctx, int owner, sim_time t)
{
    struct net_world *w = ctx;

    net_thread_vm(w, owner)->c.host_busy += t;
}

static void cpu_job(struct net_vm *vm, struct cpu_core *core, bool backend, bool urgent,
                    sim_time guest, sim_time host, resource_done_fn done, void *ctx, uint64_t tag)
{
    struct host *h = &vm->nh->host;
    int thread = net_thread_id(vm, core, backend);

    if (urgent)
        sched_submit_urgent(&h->sched, &h->cpu, core, thread, guest + host, done, ctx, tag);
    else
        sched_submit(&h->sched, &h->cpu, core, thread, guest + host, done, ctx, tag);
    vm->c.guest_busy += guest;
    vm->c.host_busy += host;
}

void net_cpu_job(struct cpu_core *core, struct net_vm *vm, sim_time guest, sim_time host,
                 resource_done_fn done, void *ctx, uint64_t tag)
{
    cpu_job(vm, core, false, false, guest, host, done, ctx, tag);
}

void net_irq_job(struct cpu_core *core, struct net_vm *vm, sim_time guest, sim_time host,
                 resource_done_fn done, void *ctx, uint64_t tag)
{
    cpu_job(vm, core, false, true, guest, host, done, ctx, tag);
}

void net_vcpu_stall(struct net_vm *vm, sim_time t)
{
    struct host *h = &vm->nh->host;

    sched_submit(&h->sched, &h->cpu, vm->vcpu, net_thread_id(vm, vm->vcpu, false), t, NULL, NULL,
                 0);
}

void net_backend_job(struct cpu_core *core, struct net_vm *vm, sim_time host, resource_done_fn done,
                     void *ctx, uint64_t tag)
{
    cpu_job(vm, core, true, false, 0, host, done, ctx, tag);
}

void net_step_serve(struct net_world *w, struct net_pkt *p, struct fifo_server *srv,
                    sim_time service, net_step_fn next)
{
    p->next = next;
    fifo_server_submit(srv, service, step_done, w, p->idx);
}

struct step_msg {
    uint32_t pkt;
};

static void step_on_delay(struct sim *sim, void *ctx, const void *payload)
{
    struct step_msg msg;

    memcpy(&msg, payload, sizeof(msg));
    step_done(sim, ctx, msg.pkt);
}

void net_step_delay(struct net_world *w, struct net_pkt *p, sim_time delay, net_step_fn next)
{
    struct step_msg msg = { .pkt = p->idx };

    p->next = next;
    sim_schedule(w->sim, delay, step_on_delay, w, &msg, sizeof(msg));
}

sim_time net_exit(struct net_vm *vm, enum hv_exit_reason why)
{
    vm->c.exits[why]++;
    return vm->nh->host.hv.exit_cost[why];
}

sim_time net_irq_virtual(struct net_vm *vm)
{
    const struct hv *hv = &vm->nh->host.hv;
    struct net_queue *q = vm->cur;
    sim_time now = sim_now(vm->nh->host.sim);

    /* Another vector's notification to the same vCPU is recent enough:
     * this interrupt rides on it (hv.notify_coalesce). */
    for (unsigned i = 0; hv->notify_coalesce > 0 && i < vm->n_queues; i++) {
        const struct net_queue *o = &vm->q[i];

        if (o != q && o->vcpu == q->vcpu && o->notified_at > 0 &&
            now - o->notified_at < hv->notify_coalesce) {
            vm->c.irq_folded++;
            return hv_irq_eoi(hv, vm->c.exits);
        }
    }
    q->notified_at = now;
    return host_virq_deliver(&vm->nh->host, q->vcpu, vm->c.exits, &vm->c.host_busy);
}

void net_pkt_deliver(struct net_world *w, struct net_pkt *p)
{
    struct net_vm *vm = &w->vms[p->vm];
    struct net_counters *c = &vm->c;
    sim_time lat;

    step_close(w->sim, p);
    vm->delivered_total++;
    if (p->kind == NET_PKT_MIGRATE) {
        migration_pkt_delivered(w, p);
        pkt_free(w, p);
        return;
    }
    if (w->migration)
        migration_vm_delivered(w, p);
    if (net_pkt_kind_is_control(p->kind)) {
        /* Not goodput: counted apart, its costs in CPU, exits, interrupts. */
        c->acks += p->kind == NET_PKT_ACK;
        workload_delivered(w, p);
        pkt_free(w, p);
        return;
    }
    lat = sim_now(w->sim) - p->born;
    c->delivered++;
    c->bytes += p->bytes;
    welford_add(&c->latency, sim_time_to_s(lat));
    hist_add(&c->latency_ps, lat);
    /* Every picosecond in exactly one stage. */
    g_assert(ledger_merge(c->stage_sum, p->st, NET_N_STAGES) == lat);
    workload_delivered(w, p);
    pkt_free(w, p);
}

void net_pkt_drop(struct net_world *w, struct net_pkt *p, enum net_drop why)
{
    struct net_vm *vm = &w->vms[p->vm];

    vm->dropped_total++;
    if (p->kind == NET_PKT_MIGRATE) {
        migration_pkt_dropped(w, p);
        pkt_free(w, p);
        return;
    }
    vm->c.drops[why]++;
    workload_dropped(w, p);
    pkt_free(w, p);
}

void net_dev_drop(struct net_vm *vm, struct net_pkt *p, enum net_drop why)
{
    net_pkt_drop(vm->w, p, why);
}

void net_vm_ready(struct net_vm *vm)
{
    /* A device re-attached by a migration: the VM resumes, and its
     * workload runs on (or starts, if it moved before its first device
     * was ready). */
    migration_device_ready(vm->w, vm);
    if (!vm->wl->started)
        workload_start(vm->w, vm);
}

bool net_vm_running(const struct net_vm *vm)
{
    return vm->wl->started;
}

void net_vm_stopped(struct net_vm *vm)
{
    migration_device_stopped(vm->w, vm);
}

/* ---- hand-offs ---- */

void net_nic_rx(struct net_world *w, struct net_pkt *p)
{
    struct net_vm *vm = net_pkt_dst_vm(w, p);

    if (vm->paused) {
        net_pkt_drop(w, p, NET_DROP_vm_paused);
        return;
    }
    vm->ops->device_rx(vm, p);
}

void net_bridge(struct net_vm *from, struct net_pkt *p)
{
    struct net_world *w = from->w;
    struct net_vm *vm = net_pkt_dst_vm(w, p);

    if (vm->paused) {
        net_pkt_drop(w, p, NET_DROP_vm_paused);
        return;
    }
    g_assert(vm->ops->bridge_rx);
    vm->ops->bridge_rx(vm, p);
}

static void wire_arrived(struct net_world *w, struct net_pkt *p)
{
    peer_rx(w, p);
}

void net_wire_out(struct net_world *w, struct net_pkt *p)
{
    if (w->fabric) {
        net_fabric_send(w, p, net_ep_port(w, p->src));
        return;
    }
    net_step(w->sim, p, NET_STAGE_wire);
    net_step_delay(w, p, w->wire_delay, wire_arrived);
}

bool net_world_pkt_overlay(const struct net_world *w, const struct net_pkt *p)
{
    /* A VM's tunnel endpoint is its own host's (the peer is a gateway). */
    const struct io_strategy_ops *ops;

    /* Hosts migrate over the underlay, not inside a tenant's overlay. */
    if (p->kind == NET_PKT_MIGRATE)
        return false;
    ops = w->vms[p->src >= 0 ? p->src : p->dst].ops;
    return w->cfg.vxlan && !net_world_pkt_local(w, p) &&
           (ops->vswitch || (ops->assigned && w->cfg.vxlan_offload));
}

bool net_pkt_overlay(const struct net_vm *vm, const struct net_pkt *p)
{
    return net_world_pkt_overlay(vm->w, p);
}

bool net_pkt_local(const struct net_vm *vm, const struct net_pkt *p)
{
    return net_world_pkt_local(vm->w, p);
}

sim_time net_stat_start(const struct net_host *nh)
{
    return nh->w->stat_start;
}

/* L3/L4 headers of each of @p's frames, and VXLAN's outer headers on the
 * overlay. */
unsigned net_frame_headers(const struct net_world *w, const struct net_pkt *p)
{
    return w->cfg.frame_overhead + (net_world_pkt_overlay(w, p) ? FABRIC_VXLAN_BYTES : 0);
}

/* Every port runs at nic.line_rate (the peer's too). */
sim_time net_wire_time(const struct net_world *w, const struct net_pkt *p)
{
    return nic_wire_time(&w->hosts[0].nic, p->bytes, p->frames, net_frame_headers(w, p));
}

/* The host whose device sends @p (its sender's) and receives it (its
 * receiver's). */
static struct net_host *tx_host(struct net_world *w, const struct net_pkt *p)
{
    g_assert(p->src >= 0);
    return w->vms[p->src].nh;
}

static struct net_host *rx_host(struct net_world *w, const struct net_pkt *p)
{
    g_assert(p->dst >= 0);
    return w->vms[p->dst].nh;
}

/* Bytes the device moves over PCIe for @p: data with its headers plus one
 * descriptor fetch and one write-back. */
static uint64_t dma_bytes(const struct net_world *w, const struct net_pkt *p)
{
    return (uint64_t)p->bytes + (uint64_t)p->frames * (w->cfg.frame_overhead + 14) +
           2 * w->cfg.desc_bytes;
}

static void veb_done(struct net_world *w, struct net_pkt *p)
{
    struct net_vm *vm = &w->vms[p->src];

    if (vm->ops->tx_wire_done)
        vm->ops->tx_wire_done(vm, p);
    net_nic_rx(w, p);
}

static void dev_tx_fetched(struct net_world *w, struct net_pkt *p)
{
    sim_time ser = net_wire_time(w, p);
    struct pcie_link *pcie = &tx_host(w, p)->host.pcie;

    struct nic *nic = &tx_host(w, p)->nic;

    /* The read's data is in: its tags are free for the next reads. */
    pcie_tags_put(pcie, pcie_read_tags(pcie, dma_bytes(w, p)));

    if (net_world_pkt_local(w, p)) {
        /* The embedded switch carries VF-to-VF frames at the port's rate
         * without putting them on the wire. */
        net_step(w->sim, p, NET_STAGE_veb);
        net_step_serve(w, p, &nic->veb, ser, veb_done);
        return;
    }
    /* Drivers stop their queue before its ring fills (backpressure). */
    if (!nic_tx_enqueue(nic, p->queue, p->idx, ser))
        g_error("transmit ring %u overflowed: a driver did not stop its queue", p->queue);
    net_step(w->sim, p, NET_STAGE_nic_queue);
    net_step_part(p, NET_STAGE_wire, ser);
}

static void dev_tx_requested(struct net_world *w, struct net_pkt *p)
{
    struct pcie_link *pcie = &tx_host(w, p)->host.pcie;

    net_step(w->sim, p, NET_STAGE_dma);
    net_step_serve(w, p, &pcie->to_dev, pcie_xfer_time(pcie, dma_bytes(w, p)), dev_tx_fetched);
}

static void tx_walked(struct net_world *w, struct net_pkt *p)
{
    net_step(w->sim, p, NET_STAGE_dma);
    net_step_delay(w, p, tx_host(w, p)->host.pcie.read_latency, dev_tx_requested);
}

/* The read's requests hold their tags: they travel, are translated, and
 * the completions come back: the round trip, then the data occupies the
 * link. A miss first waits for one of the IOMMU's page walkers, and its
 * tags stay held meanwhile. */
static void tx_issue(struct net_world *w, struct net_pkt *p, bool translate)
{
    struct host *h = &tx_host(w, p)->host;
    sim_time walk = translate ? iommu_translate(&h->iommu, p->iova, p->bytes) : 0;

    if (walk > 0) {
        net_step(w->sim, p, NET_STAGE_iommu);
        net_step_serve(w, p, &h->walkers, walk, tx_walked);
        return;
    }
    net_step(w->sim, p, NET_STAGE_dma);
    net_step_delay(w, p, h->pcie.read_latency, dev_tx_requested);
}

/* Tags granted to a read that waited: @tag is the packet, bit 32 whether
 * it is translated. */
static void tx_tagged(struct sim *sim, void *ctx, uint64_t tag)
{
    struct net_world *w = ctx;

    (void)sim;
    tx_issue(w, net_pkt_at(&w->pkts, (uint32_t)tag), (tag >> 32) & 1);
}

void net_dev_tx(struct net_vm *vm, struct net_pkt *p, unsigned q, bool translate, uint64_t iova)
{
    struct net_world *w = vm->w;
    struct pcie_link *pcie = &tx_host(w, p)->host.pcie;

    p->queue = (uint16_t)q;
    p->iova = iova;
    /* Too few of the device's read tags free: the read waits for them. */
    if (!pcie_tags_take(pcie, pcie_read_tags(pcie, dma_bytes(w, p)), tx_tagged, w,
                        p->idx | (uint64_t)translate << 32)) {
        net_step(w->sim, p, NET_STAGE_dma);
        return;
    }
    tx_issue(w, p, translate);
}

static void pkt_prefetch(const struct net_pkt *p)
{
    /* Unrolled: a loop's counter and branch cost more than its prefetches. */
#pragma GCC unroll 8
    for (size_t off = 0; off < sizeof(struct net_pkt); off += 64)
        __builtin_prefetch((const char *)p + off);
}

/* A packet that waited in a queue (a PCIe direction, the page walkers, a
 * busy core) has left the cache by the time its step starts; its step's
 * end reads it (the ledger, what comes next). Start that load now, a
 * service time ahead. The same for the read that heads the wait for PCIe
 * read tags, a frame or more before its grant. Speed only; nothing is
 * written. */
void net_server_started(resource_done_fn done, void *ctx, uint64_t tag)
{
    if (done == step_done || done == tx_tagged)
        pkt_prefetch(net_pkt_at(&((struct net_world *)ctx)->pkts, (uint32_t)tag));
    else if (done == step_on_cpu)
        pkt_prefetch(net_pkt_at(&((struct net_vm *)ctx)->w->pkts, (uint32_t)tag));
}

/* A frame waits in its transmit queue long enough (a full port's queues
 * hold milliseconds) for its record to leave the cache, and
 * net_port_done() reads it: start the load now, one frame time ahead.
 * Speed only; nothing is written. */
void net_port_started(void *ctx, uint32_t pkt)
{
    pkt_prefetch(net_pkt_at(&((struct net_host *)ctx)->w->pkts, pkt));
}

void net_port_done(void *ctx, uint32_t pkt)
{
    struct net_world *w = ((struct net_host *)ctx)->w;
    struct net_pkt *p = net_pkt_at(&w->pkts, pkt);

    step_close(w->sim, p);
    if (p->src >= 0 && p->kind != NET_PKT_MIGRATE && w->vms[p->src].ops->tx_wire_done)
        w->vms[p->src].ops->tx_wire_done(&w->vms[p->src], p);
    net_wire_out(w, p);
}

sim_time net_rx_buffers_remap(struct net_vm *vm, unsigned cpu, const struct net_pkt *p)
{
    struct iommu *m = &vm->nh->host.iommu;
    uint32_t buf = vm->nh->cfg->buf_size;
    sim_time now = sim_now(vm->nh->host.sim), t = 0;

    if (p->frames <= 1)
        return iommu_remap(m, now, cpu, p->iova, p->bytes);
    /* The frames' buffers follow the first one's slot. */
    for (uint32_t k = 0; k < p->frames; k++)
        t += iommu_remap(m, now + t, cpu, p->iova + (uint64_t)k * buf, buf);
    return t;
}

static void dev_rx_written(struct net_world *w, struct net_pkt *p)
{
    p->then(net_pkt_dst_vm(w, p), p);
}

static void dev_rx_translated(struct net_world *w, struct net_pkt *p)
{
    struct pcie_link *pcie = &rx_host(w, p)->host.pcie;

    net_step(w->sim, p, NET_STAGE_dma);
    net_step_serve(w, p, &pcie->to_host, pcie_xfer_time(pcie, dma_bytes(w, p)), dev_rx_written);
}

static void rx_walked(struct net_world *w, struct net_pkt *p)
{
    net_step(w->sim, p, NET_STAGE_dma);
    net_step_delay(w, p, rx_host(w, p)->host.pcie.read_latency / 2, dev_rx_translated);
}

bool net_dev_rx(struct net_vm *vm, struct net_pkt *p, unsigned q, unsigned ring, bool translate,
                uint64_t iova, io_step_fn next)
{
    struct net_world *w = vm->w;
    struct host *h = &rx_host(w, p)->host;
    sim_time walk;

    /* dev_rx_written() hands @p to @next with its receiver. */
    g_assert(vm == net_pkt_dst_vm(w, p));
    if (!nic_rx_reserve(&rx_host(w, p)->nic, q, ring, p->frames)) {
        net_pkt_drop(w, p, NET_DROP_nic_rx_full);
        return false;
    }
    p->queue = (uint16_t)q;
    p->then = next;
    walk = translate ? iommu_translate(&h->iommu, iova, p->bytes) : 0;
    /* Writes are posted: translation (a page walker on a miss) plus half a
     * read round trip until the data lands, then the data occupies the
     * link. */
    if (walk > 0) {
        net_step(w->sim, p, NET_STAGE_iommu);
        net_step_serve(w, p, &h->walkers, walk, rx_walked);
        return true;
    }
    net_step(w->sim, p, NET_STAGE_dma);
    net_step_delay(w, p, h->pcie.read_latency / 2, dev_rx_translated);
    return true;
}
