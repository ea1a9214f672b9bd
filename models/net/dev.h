/* A VM's network device and the host it runs on: what a strategy
 * (strategy.h, models/io/) works with. A packet (or one TSO/GSO segment) is
 * a slot in a pooled array; it moves through steps, each charged on one
 * resource and attributed to named stages, so that every picosecond between
 * its creation and its delivery belongs to exactly one stage. The world
 * that holds the hosts, the wire, the fabric and the peer is net.h's. */
#ifndef IOVSIM_NET_DEV_H
#define IOVSIM_NET_DEV_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <glib.h>

#include "../guest/guest.h"
#include "../host/host.h"
#include "../hw/nic.h"
#include "ledger.h"
#include "pool.h"
#include "resource.h"
#include "scenario.h"
#include "sim.h"
#include "stats.h"

/* Where each instant of a packet's life goes; reported as stage_<name>. */
/* clang-format off: one stage per line reads better than refilled lines */
#define NET_STAGE_LIST(X) \
    X(guest_stack)        \
    X(driver)             \
    X(exit)               \
    X(vring)              \
    X(backend)            \
    X(copy)               \
    X(host_stack)         \
    X(vswitch)            \
    X(iommu)              \
    X(dma)                \
    X(nic_queue)          \
    X(wire)               \
    X(fabric_queue)       \
    X(switching)          \
    X(resolve)            \
    X(veb)                \
    X(peer)               \
    X(irq_coalesce)       \
    X(irq_delivery)

/* clang-format on */

enum net_stage {

#define NET_STAGE_ENUM(n) NET_STAGE_##n,
    NET_STAGE_LIST(NET_STAGE_ENUM)
#undef NET_STAGE_ENUM
        NET_N_STAGES
};

/* Why a packet was dropped; reported as drops_<name>. Only where real
 * systems drop: a sender's full queue (open loop), full receive rings, a
 * switch's full buffer, a VM paused for its live migration.
 * Transmit rings stop their queue instead (backpressure). */
#define NET_DROP_LIST(X) \
    X(tx_queue_full) X(rx_ring_full) X(nic_rx_full) X(switch_full) X(vm_paused) X(misdelivered)

enum net_drop {

#define NET_DROP_ENUM(n) NET_DROP_##n,
    NET_DROP_LIST(NET_DROP_ENUM)
#undef NET_DROP_ENUM
        NET_N_DROPS
};

extern const char *const net_stage_names[NET_N_STAGES];
extern const char *const net_drop_names[NET_N_DROPS];

/* The peer host's endpoint number in net_pkt.src/dst; VMs are 0..n-1. */
#define NET_PEER (-1)
/* VMs of a run, on all hosts: their indices fit net_pkt.src/dst. */
#define NET_MAX_VMS (INT16_MAX + 1)
/* A host itself as an endpoint (live migration's stream), host @h. */
#define NET_HOST_EP(h) (-2 - (int)(h))
#define NET_NO_PKT     UINT32_MAX
/* net_pkt.hop of a packet that has not entered the fabric. */
#define NET_HOP_NONE 0xff

enum net_pkt_kind {
    NET_PKT_DATA,     /* stream or udp payload */
    NET_PKT_REQUEST,  /* rr request; the receiver answers */
    NET_PKT_RESPONSE, /* rr response; ends a transaction */
    NET_PKT_ACK,      /* stream: acknowledges @ack bytes, cumulative */
    NET_PKT_MIGRATE,  /* host to host: live migration (net/migration.c) */
    NET_PKT_PROBE,    /* probe flow: a ping the receiver echoes */
    NET_PKT_PROBE_REPLY,
};

/* Not goodput: ACKs and probes (their costs count, their bytes do not). */
static inline bool net_pkt_kind_is_control(unsigned kind)
{
    return kind == NET_PKT_ACK || kind == NET_PKT_PROBE || kind == NET_PKT_PROBE_REPLY;
}

struct net_world;
struct net_pkt;
struct net_vm;

/* How NIC drivers map their DMA buffers when the IOMMU translates
 * (nic.dma_mapping): as usually deployed (host drivers per buffer through
 * the DMA API, assigned devices statically through VFIO), or all alike. */
enum net_dma_mapping {
    NET_MAP_NATIVE,
    NET_MAP_PER_BUFFER,
    NET_MAP_STATIC,
};

/**
 * struct net_dev_cfg - what every network device of the world shares
 * @mss:            payload bytes per wire frame
 * @frame_overhead: L3/L4 headers per frame, bytes
 * @desc_bytes:     one DMA descriptor
 * @buf_size:       one DMA buffer: the stride of ring IOVAs
 * @vxlan:          fabric.vxlan: an overlay between the hosts
 * @vxlan_offload:  nic.vxlan_offload
 * @vxlan_cpu:      fabric.vxlan_cpu
 */
struct net_dev_cfg {
    unsigned mss;
    unsigned frame_overhead;
    unsigned desc_bytes;
    unsigned buf_size;
    enum net_dma_mapping dma_mapping;
    bool vxlan;
    bool vxlan_offload;
    double vxlan_cpu;
};

/* What a packet does when its current step ends: a step of the world's
 * (wire, fabric, peer) gets the world, a step of a VM's device (its
 * strategy, its guest's stack) gets that VM. */
typedef void (*net_step_fn)(struct net_world *w, struct net_pkt *p);
typedef void (*io_step_fn)(struct net_vm *vm, struct net_pkt *p);

/* Laid out by cache line (320 bytes, 64-aligned in the pool): a step's
 * end reads and writes the ledger (line 0), what comes next and the bills
 * (line 1), and the stage times of the stages it closes. */
struct net_pkt {
    struct ledger led; /* the current step */

    /* When the current step ends: a world's step (net_step_serve(),
     * net_step_delay()) or a device's (net_step_cpu()). */
    union {
        net_step_fn next;
        io_step_fn next_dev;
    };

    io_step_fn then;                /* when the device's multi-step hand-off ends */
    sim_time bill_guest, bill_host; /* CPU of the current step, billed when it ends */
    uint32_t idx;
    uint32_t next_free; /* pool link, also the link of per-VM waiting lists */
    int16_t src, dst;   /* endpoints: VM index, NET_PEER or NET_HOST_EP() */
    uint16_t vm;        /* VM whose flow this is (statistics) */
    uint8_t kind;
    bool live;
    uint16_t cpu;    /* sending vCPU of its VM */
    uint16_t core;   /* host core of its next backend step, once the vSwitch's is done */
    uint32_t bytes;  /* payload (goodput) bytes */
    uint32_t frames; /* wire frames after TSO/GSO segmentation */
    uint32_t slot;   /* ring slot or descriptor head, owner's use */

    uint16_t queue;              /* NIC queue while the device handles it */
    uint8_t hop;                 /* fabric: the switch it is at or heads for (or NONE) */
    uint8_t spine;               /* fabric: its ECMP spine */
    uint16_t from_port, to_port; /* fabric: the ports it entered at and heads for */
    uint64_t iova;               /* DMA address of its current buffer */
    sim_time held;               /* a cost worked out early, charged by a later step */
    sim_time born;               /* the sending application handed it over */

    /* One kind reads each: an ACK never starts a transaction. */
    union {
        uint64_t ack;       /* ACK: bytes the receiver has, cumulative */
        sim_time txn_start; /* rr and probes: when the transaction's request was born */
    };

    sim_time st[NET_N_STAGES];
};

/* Per-VM (and, summed, per-run) results; reset at the warm-up cut. */
struct net_counters {
    uint64_t delivered, bytes, drops[NET_N_DROPS];
    uint64_t transactions, interrupts;
    uint64_t irq_folded;    /* interrupts that rode on another's notification */
    uint64_t tx_interrupts; /* interrupts that found transmit completions */
    uint64_t rx_interrupts; /* interrupts that found received packets */
    uint64_t tx_cleaned;    /* transmitted buffers the guest reclaimed */
    uint64_t acks;          /* ACK packets delivered to the stream's sender */
    uint64_t exits[HV_N_EXITS];
    sim_time guest_busy, host_busy;
    struct welford latency;   /* s */
    struct welford rtt;       /* s, rr transactions */
    struct welford probe_rtt; /* s, the probe flow's round trips */
    struct hist latency_ps;
    double stage_sum[NET_N_STAGES]; /* ps, over delivered packets (double: no overflow) */
};

struct io_strategy_ops;
struct workload;

/* A FIFO of waiting packets, linked through their next_free. */
struct net_pktq {
    uint32_t head, tail, len;
};

/* A vCPU's sending thread: busy from the start of a send's stack work to
 * the end of its driver work, with the sends waiting for it in a list. */
struct net_sendq {
    struct net_pktq waiting;
    bool busy;
};

struct net_host;
struct host_backend;
struct virtio_seq;

/**
 * struct net_group - VMs alike: a [group NAME] section, or the [vm] keys
 * when there is none; every host holds @count of each group, in order
 * @name:  the group's name ("" for [vm])
 * @disk:  blk strategy of their disks, or NULL
 */
struct net_group {
    char name[32];
    char scope[40]; /* "group.<name>": its VMs' totals */
    unsigned count, vcpus;
    unsigned first; /* local index of its first VM on every host */
    const struct io_strategy_ops *ops;
    const char *disk;
};

struct net_queue;

/**
 * struct net_vector - an MSI-X vector of a queue pair and the NAPI context
 * its interrupt schedules
 * @is_tx: the pair's transmit vector, for a driver with one per virtqueue
 *         (struct io_strategy_ops.tx_irq_deliver)
 */
struct net_vector {
    struct net_queue *q;
    bool is_tx;
    bool irq_pending; /* an interrupt is scheduled or being delivered */
    bool napi_active; /* interrupts off, the guest is polling */
    sim_time last_irq;
};

/**
 * struct net_queue - one queue pair of a VM's device and its MSI-X vectors,
 * each with its own interrupt and NAPI context, on the vCPU the vectors'
 * affinity names (RSS spreads received flows over the queues)
 * @itr:     the driver's moderation of @vec
 * @rx:      received packets the driver has not yet taken, in order
 * @tx_done: transmit completions not yet cleaned
 * @vec:     the pair's vector: both directions, or receive only when the
 *           transmit completions have @tx_vec
 */
struct net_queue {
    struct net_vm *vm;
    unsigned id;
    struct cpu_core *vcpu;
    struct nic_itr itr;
    struct net_pktq rx;
    uint32_t tx_done;
    struct net_vector vec, tx_vec;
    sim_time notified_at; /* the host's last notification for it (0: none) */
};

/**
 * struct net_vm - a VM and its network device: the context a strategy's
 * hooks get (strategy.h). The device's host is @nh; the world behind @w
 * is opaque to strategies.
 */
struct net_vm {
    struct net_world *w;
    struct net_host *nh;               /* the machine it runs on */
    const struct io_strategy_ops *ops; /* how its NIC is virtualized */
    const struct net_group *group;     /* its [group NAME], or the [vm] defaults */
    unsigned id;                       /* in the world, over all hosts */
    unsigned local;                    /* on its host: its NIC queue is local + 1 */
    char scope[16];                    /* "vm<id>" */
    struct cpu_core **vcpus;           /* cores of the vCPUs (borrowed; the array is owned) */
    unsigned n_vcpus;
    struct cpu_core *vcpu;    /* vCPU 0 */
    struct net_sendq *sendq;  /* one per vCPU, owned */
    struct cpu_core *backend; /* host core of this VM's backend / host driver work */
    /* Where the host's receive path and switch run for this VM: a core of
     * host.vswitch_cores, or @backend. */
    struct cpu_core *vswitch;
    const struct host_backend *hb; /* its software backend's costs, or NULL */
    void *io;                      /* strategy's per-VM state, owned by the strategy */
    struct workload *wl;           /* owned */
    /* Largest segment its device takes from the guest / gives it (0: any;
     * set by the strategy, e.g. virtio without TSO offloads). */
    uint32_t seg_max_tx, seg_max_rx;
    /* The device's queue pairs with their vectors (nic.queues; owned), and
     * the one whose interrupt or poll is running (strategies' hooks may
     * read it). */
    struct net_queue *q;
    unsigned n_queues;
    struct net_queue *cur;
    int irq_vcpu; /* every vector's vCPU, or -1: spread */
    /* nic.msix_vectors holds a vector per virtqueue and one for
     * configuration changes, as virtio_net asks (vp_find_vqs()) */
    bool vq_vectors;
    struct net_counters c;
    uint64_t sent_total, delivered_total, dropped_total; /* never reset */
    /* Live migration (net/migration.c): a paused VM sends nothing (its
     * sends wait in @held) and what is sent to it is lost. */
    bool paused;
    struct net_pktq held;
    /* Its device's status sequences (io/virtio_config.c fills it; a plain
     * allocation, freed with the VM: a device may go while one runs). */
    struct virtio_seq *seq;
};

/**
 * struct net_host - one physical machine of the world: the host component
 * (cores, hypervisor, IOMMU, PCIe), its NIC, the VMs placed on it, and
 * what its devices share with every other host's (borrowed from the world)
 * @vms:        the VMs placed on it, [0, n_vms); a VM that migrated keeps
 *              its place here, its @nh says where it runs now
 * @first_vm:   the world's number of @vms[0]
 * @vcpu_cores: cores [0, vcpu_cores) hold vCPUs, the rest backends
 * @sc:         the scenario, for its devices' parameters
 * @g:          the guests' kernel costs
 * @cfg:        frame, buffer and overlay settings of every NIC
 * @pkts:       the packets (struct net_pkt), shared by all hosts
 */
struct net_host {
    struct net_world *w;
    unsigned id;
    char scope[16]; /* "host<id>" */
    struct host host;
    struct nic nic;
    struct net_vm *vms;
    unsigned first_vm, n_vms;
    unsigned vcpu_cores;
    unsigned polling_cores; /* strategies' polling threads, before the vSwitch's */
    unsigned next_backend;  /* next spare core handed to a backend thread */
    /* host.vswitch_cores: the last cores of the host, running the receive
     * path and software switch of every software-path VM (0: none) */
    unsigned vswitch_cores;
    const struct scenario *sc;
    const struct guest_costs *g;
    const struct net_dev_cfg *cfg;
    struct pool *pkts;
};

static inline struct net_pkt *net_pkt_at(const struct pool *pkts, uint32_t idx)
{
    return POOL_AT(pkts, struct net_pkt, idx);
}

/* All of @p zero, as memset(): sixteen bytes a store, unrolled, where gcc
 * makes a memset of this size a rep stos, whose start costs more than the
 * stores (every packet is cleared once). */
static inline void net_pkt_zero(struct net_pkt *p)
{
    typedef char v16 __attribute__((vector_size(16)));
    const v16 zero = { 0 };
    char *b = (char *)p;

#pragma GCC unroll 32
    for (size_t off = 0; off + 16 <= sizeof(*p); off += 16)
        memcpy(b + off, &zero, 16);
    memset(b + (sizeof(*p) & ~(size_t)15), 0, sizeof(*p) & 15);
}

static inline void net_pktq_push(struct pool *pkts, struct net_pktq *q, struct net_pkt *p)
{
    p->next_free = NET_NO_PKT;
    if (q->len)
        net_pkt_at(pkts, q->tail)->next_free = p->idx;
    else
        q->head = p->idx;
    q->tail = p->idx;
    q->len++;
}

/* The oldest packet of @q, or NULL. */
static inline struct net_pkt *net_pktq_pop(struct pool *pkts, struct net_pktq *q)
{
    struct net_pkt *p;

    if (!q->len)
        return NULL;
    p = net_pkt_at(pkts, q->head);
    q->head = p->next_free;
    q->len--;
    return p;
}

/*
 * Steps. net_step() ends the open step now and opens one in @first;
 * net_step_part() adds fixed parts to it. When the step ends, the parts get
 * their fixed times and @first gets the rest (queueing included), so the
 * stages tile the packet's life without gaps or overlaps.
 */
void net_step(struct sim *sim, struct net_pkt *p, enum net_stage first);

static inline void net_step_part(struct net_pkt *p, enum net_stage stage, sim_time t)
{
    ledger_part(&p->led, stage, t);
}

/* The packet waits in @stage until someone moves it on (a list). */
static inline void net_pkt_wait(struct sim *sim, struct net_pkt *p, enum net_stage stage)
{
    net_step(sim, p, stage);
}

/* Run the step as a job of @base + the parts on @core for @vm; @next gets
 * @vm when it ends. Each stage's share is billed as guest CPU (guest_stack,
 * driver) or host CPU (everything else). */
void net_step_cpu(struct net_pkt *p, struct cpu_core *core, struct net_vm *vm, sim_time base,
                  io_step_fn next);
/* As net_step_cpu(), as interrupt or softirq work (NAPI's receive
 * processing): it runs before the vCPU's process-context jobs that wait. */
void net_step_cpu_irq(struct net_pkt *p, struct cpu_core *core, struct net_vm *vm, sim_time base,
                      io_step_fn next);

/* CPU work of @vm's vCPU thread that belongs to no single packet
 * (interrupts, kicks): @guest + @host of service on @core, billed to @vm. */
void net_cpu_job(struct cpu_core *core, struct net_vm *vm, sim_time guest, sim_time host,
                 resource_done_fn done, void *ctx, uint64_t tag);
/* As net_cpu_job(), for interrupt and softirq work (a handler, a NAPI round,
 * re-enabling the vector), which goes before waiting process-context jobs. */
void net_irq_job(struct cpu_core *core, struct net_vm *vm, sim_time guest, sim_time host,
                 resource_done_fn done, void *ctx, uint64_t tag);
/* @vm's vCPU 0 waits @t without running (a post-copy remote fault): its
 * core is held, no CPU time is billed. */
void net_vcpu_stall(struct net_vm *vm, sim_time t);
/* The same for a backend thread of @vm on @core (wake-ups, drains). */
void net_backend_job(struct cpu_core *core, struct net_vm *vm, sim_time host, resource_done_fn done,
                     void *ctx, uint64_t tag);

/* Count an exit of @vm and return what it costs the vCPU. */
sim_time net_exit(struct net_vm *vm, enum hv_exit_reason why);
/* A virtual interrupt reaches @vm's vCPU: injected through the host (an
 * exit) or posted (none), then an EOI exit unless exitless. Returns the
 * vCPU's host-side cost and counts the exits. */
sim_time net_irq_virtual(struct net_vm *vm);

/* Hardware hand-offs shared by strategies. */
/* @vm's device fetches @p from transmit queue @q over PCIe (through the
 * IOMMU when @translate), then the port, or the VEB when @p is for a local
 * VM. */
void net_dev_tx(struct net_vm *vm, struct net_pkt *p, unsigned q, bool translate, uint64_t iova);
/* @vm's device writes received @p into memory for receive ring @ring of
 * its function @q, then @next. False (and @p dropped) when the ring has no
 * free receive buffer. */
bool net_dev_rx(struct net_vm *vm, struct net_pkt *p, unsigned q, unsigned ring, bool translate,
                uint64_t iova, io_step_fn next);

/* A driver that maps per buffer replaces @p's receive buffers on core
 * @cpu: one per wire frame (GRO or LRO joined them after the NIC filled
 * each), each unmapped and its replacement mapped; returns the time. */
sim_time net_rx_buffers_remap(struct net_vm *vm, unsigned cpu, const struct net_pkt *p);
/* @vm's device (or its host side) drops @p. */
void net_dev_drop(struct net_vm *vm, struct net_pkt *p, enum net_drop why);
/* @p, sent by @vm, goes to the VM it is for through @vm's host's software
 * bridge / vSwitch, without the wire. */
void net_bridge(struct net_vm *vm, struct net_pkt *p);

/* A host core for another backend thread of @vm (spare cores in turn,
 * else one of the VM's vCPU cores). */
struct cpu_core *net_backend_core(struct net_vm *vm);

/* @core's index on @vm's host (per-CPU state of host components). */
static inline unsigned net_core_id(const struct net_vm *vm, const struct cpu_core *core)
{
    return (unsigned)(core - vm->nh->host.cpu.cores);
}

/* The @k-th core that @nh keeps for polling threads (io_strategy_ops
 * .polling_cores): no vCPU or backend is placed there. */
static inline struct cpu_core *net_polling_core(struct net_host *nh, unsigned k)
{
    g_assert(k < nh->polling_cores);
    return &nh->host.cpu.cores[nh->host.cpu.n_cores - nh->vswitch_cores - nh->polling_cores + k];
}

static inline struct cpu_core *net_pkt_vcpu(const struct net_vm *vm, const struct net_pkt *p)
{
    return vm->vcpus[p->cpu % vm->n_vcpus];
}

/* The VM may start its workload (its device is set up); a device
 * restored at a migration's destination lets the VM resume. */
void net_vm_ready(struct net_vm *vm);
/* The VM ran before: a device attached now is restored (a migration, a
 * failover), not probed by the guest. */
bool net_vm_running(const struct net_vm *vm);
/* The VMM has stopped the VM's device (io_strategy_ops.stop): its
 * migration's stop-and-copy goes on. */
void net_vm_stopped(struct net_vm *vm);

/* @p's flow: its two endpoints and the sending thread, which stands for its
 * transport ports in the low 16 bits (RSS hashes it; the vSwitch caches
 * it). */
static inline uint64_t net_pkt_flow(const struct net_pkt *p)
{
    return (uint64_t)(uint16_t)p->src << 32 | (uint64_t)(uint16_t)p->dst << 16 | p->cpu;
}

/* @p, sent or received by @vm, goes between two VMs of one host: through
 * its VEB or software bridge, never out of its port. */
bool net_pkt_local(const struct net_vm *vm, const struct net_pkt *p);

/* @p, sent or received by @vm, crosses the network inside a VXLAN tunnel:
 * its VM's traffic goes through the vSwitch, or through a NIC function that
 * encapsulates. */
bool net_pkt_overlay(const struct net_vm *vm, const struct net_pkt *p);

/* Does a driver map each buffer (through iommu.mode's design)?
 * @assigned: a guest's driver of an assigned function. */
static inline bool net_maps_per_buffer(const struct net_dev_cfg *cfg, bool assigned)
{
    return cfg->dma_mapping == NET_MAP_PER_BUFFER ||
           (cfg->dma_mapping == NET_MAP_NATIVE && !assigned);
}

/* @p's bytes at layer 2 (headers of every frame), as drivers count them. */
static inline uint64_t net_pkt_l2_bytes(const struct net_dev_cfg *cfg, const struct net_pkt *p)
{
    return p->bytes + (uint64_t)p->frames * (cfg->frame_overhead + 14);
}

/* Each VM placed on @hosts[0, @n_hosts), in the world's order, as @vm. */
#define NET_FOR_EACH_VM(vm, hosts, n_hosts)                 \
    for (unsigned vm##_h = 0; vm##_h < (n_hosts); vm##_h++) \
        for (struct net_vm *vm = (hosts)[vm##_h].vms;       \
             vm < (hosts)[vm##_h].vms + (hosts)[vm##_h].n_vms; vm++)

/* When the statistics started (the warm-up cut): what a device bills by
 * the time counts from there. */
sim_time net_stat_start(const struct net_host *nh);

#endif
