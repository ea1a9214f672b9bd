/* Direct device access from the guest driver: a descriptor and a doorbell
 * MMIO write that does not exit, DMA through the IOMMU, completion
 * interrupts under the NIC's moderation. Buffers sit at fixed IOVAs, one
 * per ring slot, so the IOTLB sees the ring's real footprint. A transmit
 * descriptor stays in use until NAPI cleans it after the completion
 * interrupt; the queue stops when too few are free and the senders wait
 * (Linux ixgbe/ixgbevf: ixgbe_maybe_stop_tx, ixgbe_clean_tx_irq). Left out:
 * descriptor prefetch and write-back batching, header split, the context
 * descriptor of TSO (one descriptor per packet). */
#include "assigned.h"

#include <glib.h>

#include "../net/strategy.h"
#include "../net/workload.h"
#include "../virtio/vring.h"

/* Receive buffers sit 1 GiB above transmit buffers in each VM's space. */
#define RX_OFFSET (1ull << 30)

/* ixgbe.h / ixgbevf.h: DESC_NEEDED = MAX_SKB_FRAGS (17) + 4 free descriptors
 * or the queue stops; clean_tx_irq wakes it at TX_WAKE_THRESHOLD, twice
 * that. */
#define DESC_NEEDED 21

struct assigned_vm *assigned_new(struct net_vm *vm, bool translate, bool dma_api)
{
    struct assigned_vm *a = g_new0(struct assigned_vm, 1);

    a->queue = vm->local + 1;
    a->translate = translate;
    a->dma_api = dma_api;
    a->iova_base = (uint64_t)(vm->local + 1) << 32;
    /* Rings too small for the driver's margins stop only when full. */
    a->tx_stop = vm->nh->nic.txq[a->queue].cap >= 4 * DESC_NEEDED ? DESC_NEEDED : 1;
    a->tx_wake = 2 * a->tx_stop;
    a->mask_per_irq = g_strcmp0(scenario_str(vm->nh->sc, "guest.msix_mask"), "per-interrupt") == 0;
    a->route_rebuild = scenario_time(vm->nh->sc, "hv.msix_route_rebuild");
    return a;
}

void assigned_detach(struct net_vm *vm)
{
    g_free(vm->io);
    vm->io = NULL;
}

static uint64_t next_iova(const struct net_vm *vm, struct assigned_vm *a, bool rx)
{
    uint32_t ring = rx ? vm->nh->nic.rx_cap : vm->nh->nic.txq[a->queue].cap;
    uint32_t *slot = rx ? &a->rx_slot : &a->tx_slot;
    uint64_t iova =
        a->iova_base + (rx ? RX_OFFSET : 0) + (uint64_t)(*slot % ring) * vm->nh->cfg->buf_size;

    (*slot)++;
    return iova;
}

static void tx_posted(struct net_vm *vm, struct net_pkt *p)
{
    struct assigned_vm *a = vm->io;
    unsigned cpu = p->cpu;

    guest_tx_posted(vm, cpu, p->frames, net_pkt_l2_bytes(vm->nh->cfg, p));
    net_dev_tx(vm, p, a->queue, a->translate, p->iova);
    guest_xmit_done(vm, cpu);
}

/* Page fragments a stream send's payload takes: TCP over a scatter-gather
 * NIC copies a busy stream's payload into the sender's page fragment, split
 * where one fragment page ends and the next begins (tcp_sendmsg_locked():
 * no linear payload unless the queues are empty; 2.6.x: none with GSO).
 * UDP, and requests and responses (an idle socket's small writes), keep
 * theirs in the linear head, and ACKs have none: 0. */
static unsigned payload_frags(const struct net_vm *vm, struct assigned_vm *a,
                              const struct net_pkt *p)
{
    uint32_t frag = vm->nh->g->page_frag;
    uint32_t start = a->frag_off;

    if (p->kind != NET_PKT_DATA || !vm->wl || vm->wl->type != WL_STREAM || p->bytes == 0)
        return 0;
    a->frag_off = (uint32_t)((start + (uint64_t)p->bytes) % frag);
    return (unsigned)((start + (uint64_t)p->bytes + frag - 1) / frag);
}

/* The driver maps the linear head, then each page fragment, each its own
 * DMA-API call (ixgbe_tx_map(); 2.6.x skb_dma_map()), and unmaps each
 * when it cleans the descriptor; charged together at the post, as for one
 * buffer. The pieces share the slot's pages in the model's IOVA layout, at
 * IOVAs of their own. */
static sim_time tx_dma_map(struct net_vm *vm, struct assigned_vm *a, const struct net_pkt *p,
                           uint64_t iova)
{
    struct iommu *m = &vm->nh->host.iommu;
    unsigned cpu = net_core_id(vm, net_pkt_vcpu(vm, p));
    unsigned pieces = 1 + payload_frags(vm, a, p);
    sim_time now = sim_now(vm->nh->host.sim), t = 0;

    for (unsigned k = 0; k < pieces; k++)
        t += iommu_remap(m, now + t, cpu, iova + k, p->bytes);
    return t;
}

/* Post @p's descriptor: its slot is taken from now until cleaned;
 * @reclaim is the driver's cleaning before it (virtio ring). */
static void tx_post(struct net_vm *vm, struct net_pkt *p, sim_time reclaim)
{
    struct assigned_vm *a = vm->io;
    uint64_t iova = next_iova(vm, a, false);
    sim_time map = 0;

    a->tx_used++;
    g_assert(a->tx_used <= vm->nh->nic.txq[a->queue].cap);
    if (vm->nh->nic.txq[a->queue].cap - a->tx_used < a->tx_stop) {
        a->tx_stopped = true;
        a->tx_stops++;
    }
    if (a->dma_api)
        map = tx_dma_map(vm, a, p, iova);
    p->iova = iova;
    net_step(vm->nh->host.sim, p, NET_STAGE_driver);
    net_step_part(p, NET_STAGE_iommu, map);
    if (a->kick_exit)
        net_step_part(p, NET_STAGE_exit, net_exit(vm, HV_EXIT_mmio_kernel));
    net_step_cpu(p, net_pkt_vcpu(vm, p), vm, vm->nh->g->driver_tx + reclaim, tx_posted);
}

static unsigned release(struct net_vm *vm, unsigned done);

/* virtio_net's start_xmit with napi_tx: free what the device has used,
 * then ask for an interrupt once 3/4 of what is still outstanding is used
 * (virtqueue_enable_cb_delayed; none outstanding: the next one). */
static sim_time ring_xmit_reclaim(struct net_vm *vm)
{
    struct assigned_vm *a = vm->io;
    unsigned done = a->dev_used - a->reclaimed;

    a->reclaimed = a->dev_used;
    vm->c.tx_cleaned += release(vm, done);
    a->used_event = a->reclaimed + a->tx_used * 3 / 4;
    return done * vm->nh->g->tx_clean;
}

void assigned_guest_tx(struct net_vm *vm, struct net_pkt *p)
{
    struct assigned_vm *a = vm->io;

    if (!a->tx_stopped) {
        tx_post(vm, p, a->virtio_ring ? ring_xmit_reclaim(vm) : 0);
        return;
    }
    /* The stack holds it while the queue is stopped: its sender waits. */
    net_pkt_wait(vm->nh->host.sim, p, NET_STAGE_nic_queue);
    net_pktq_push(vm->nh->pkts, &a->waiting, p);
}

unsigned assigned_tx_clean(struct net_vm *vm, unsigned done)
{
    struct assigned_vm *a = vm->io;

    if (a->virtio_ring) {
        /* virtnet_poll_tx frees everything used, then re-enables
         * callbacks for the next used buffer (virtqueue_napi_complete). */
        done = a->dev_used - a->reclaimed;
        a->reclaimed = a->used_event = a->dev_used;
    }
    return release(vm, done);
}

static unsigned release(struct net_vm *vm, unsigned done)
{
    struct assigned_vm *a = vm->io;

    g_assert(a->tx_used >= done);
    a->tx_used -= done;
    if (a->tx_stopped && vm->nh->nic.txq[a->queue].cap - a->tx_used >= a->tx_wake) {
        a->tx_stopped = false;
        struct net_pkt *p;

        while (!a->tx_stopped && (p = net_pktq_pop(vm->nh->pkts, &a->waiting)))
            tx_post(vm, p, 0);
    }
    return done;
}

void assigned_report(struct net_host *hosts, unsigned n_hosts, struct report *out)
{
    uint64_t stops = 0;

    /* Every VM on this data path, whichever strategy reports it (vDPA
     * adds its own metrics). */
    NET_FOR_EACH_VM (vm, hosts, n_hosts)
        if (vm->ops->guest_tx == assigned_guest_tx)
            stops += ((const struct assigned_vm *)vm->io)->tx_stops;
    /* Lifetime count (warm-up included), as the other strategy counters. */
    report_metric(out, "all", "tx_queue_stops", (double)stops, "1");
}

static void rx_landed(struct net_vm *vm, struct net_pkt *p)
{
    guest_rx_arrive(vm, p);
    guest_irq_raise(vm);
}

void assigned_device_rx(struct net_vm *vm, struct net_pkt *p)
{
    struct assigned_vm *a = vm->io;

    p->iova = next_iova(vm, a, true);
    /* The function's RSS picks the ring, the queue pair the guest polls. */
    net_dev_rx(vm, p, a->queue, guest_rss_queue(vm, p)->id, a->translate, p->iova, rx_landed);
}

void assigned_tx_wire_done(struct net_vm *vm, struct net_pkt *p)
{
    struct assigned_vm *a = vm->io;

    /* A virtio device signals only a used buffer that crosses used_event;
     * the others wait for the driver to free them. */
    if (a->virtio_ring) {
        uint32_t old = a->dev_used++;

        if (!vring_need_event((uint16_t)a->used_event, (uint16_t)a->dev_used, (uint16_t)old))
            return;
    }
    guest_tx_complete_on(vm, p->cpu, p->frames, net_pkt_l2_bytes(vm->nh->cfg, p));
}

sim_time assigned_rx_driver(struct net_vm *vm, struct net_pkt *p)
{
    struct assigned_vm *a = vm->io;
    /* A descriptor and a buffer per wire frame, whatever the stack gets
     * after GRO (or the NIC's LRO) joined them. */
    sim_time t = vm->nh->g->driver_rx * p->frames;

    /* The ring RSS picked is the queue being polled (vm->cur). */
    nic_rx_release(&vm->nh->nic, a->queue, vm->cur->id, p->frames);
    if (a->dma_api)
        t += net_rx_buffers_remap(vm, net_core_id(vm, vm->cur->vcpu), p);
    return t;
}

/* A guest that masks its vector writes the function's MSI-X table: under
 * device assignment the table is emulated, so the write exits to user space
 * and the VMM updates the vector's route. */
static sim_time msix_table_write(struct net_vm *vm)
{
    struct assigned_vm *a = vm->io;

    if (!a->mask_per_irq || !a->msix_trapped)
        return 0;
    return net_exit(vm, HV_EXIT_mmio_user) + a->route_rebuild;
}

sim_time assigned_irq_deliver(struct net_vm *vm)
{
    return net_irq_virtual(vm) + msix_table_write(vm);
}

sim_time assigned_irq_complete(struct net_vm *vm, bool *rearmed)
{
    /* Re-enabling the vector is an MMIO write to the function (no exit),
     * unless the guest unmasks it in the MSI-X table. */
    *rearmed = true;
    return msix_table_write(vm);
}
