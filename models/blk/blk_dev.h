/* A VM's disk and the host it runs on: what a blk strategy (blk_*_ops in
 * baremetal.c, emulation.c, virtio_blk.c, passthrough.c) works with, and
 * the request pool's steps and the host side's hand-offs, which take the
 * VM, never the world (blk_world.h, which strategies do not include). */
#ifndef IOVSIM_BLK_DEV_H
#define IOVSIM_BLK_DEV_H

#include <stdbool.h>
#include <stdint.h>

#include <glib.h>
#include <gsl/gsl_rng.h>

#include "../host/host.h"
#include "../hw/disk.h"
#include "../virtio/vring.h"
#include "backend.h"
#include "blk.h"
#include "cache.h"
#include "image.h"
#include "ledger.h"
#include "pool.h"
#include "qcow2.h"
#include "resource.h"
#include "stats.h"

struct blk_world;
struct blk_vm;
struct blk_req;

/* A backend thread that takes requests off a virtqueue sleeps with
 * notifications on, is woken by a kick, and runs with them off. */
enum blk_dev_state {
    BLK_DEV_ASLEEP,
    BLK_DEV_WAKING,
    BLK_DEV_AWAKE,
    BLK_DEV_POLLING, /* an IOThread polling, notifications still off */
};

/* What a request does when its current step ends. */
typedef void (*blk_cont_fn)(struct blk_vm *vm, struct blk_req *r);

/* A fixed part of one step's service, charged to its own stage. */
struct blk_part {
    enum blk_stage stage;
    sim_time ps;
};

#define BLK_MAX_PARTS   LEDGER_MAX_PARTS
#define BLK_NO_REQ      UINT32_MAX /* the end of a list of requests */
#define BLK_MAX_STRIPES 64         /* channels one request is spread over, at most */

struct blk_req {
    uint32_t idx;
    uint32_t next_free; /* the pool's while the request is free */
    uint32_t next;      /* in one of the VM's lists (blk_list_push()) */
    uint16_t vm;
    bool live;
    bool is_write;
    bool is_flush;   /* a flush (fio.fsync): no data, the device's cache to media */
    bool journal;    /* the data allocated file-system blocks: commit after it */
    bool then_flush; /* writethrough: flush the device after the data */
    bool no_device;  /* no device access of its own: a page-cache hit, a merged follower */
    bool kicked;     /* the guest notified the backend of it (an exit) */
    bool ready;      /* virtio-blk: its vCPU work is done, the device may take it */
    uint16_t head;   /* virtio-blk: its buffer's id in the virtqueue */
    uint32_t bytes;
    uint32_t buf; /* the guest buffer it uses, one of iodepth (fio's io_u) */
    /* Request merging (merge.c): the pass's batch, and the run a leader's
     * device access carries (its bytes are the run's until it is done). */
    uint32_t merged_next;
    uint32_t own_bytes;
    uint16_t n_merged; /* followers riding on this request */
    uint64_t offset;
    sim_time born;
    struct ledger led;
    uint16_t exits[HV_N_EXITS]; /* by reason, added to the VM's at completion */
    uint32_t meta_left;         /* qcow2 L2 slice reads still to do */
    uint32_t q_rc_reads;        /* qcow2 refcount blocks to read */
    uint32_t q_rc_writebacks;   /* dirty refcount blocks to write first */
    uint32_t q_l2_writebacks;   /* dirty L2 slices to write first */
    uint32_t q_cow_bytes;       /* copy-on-write: bytes to read from the backing chain */
    uint32_t q_new_clusters;    /* new L2 tables and refcount blocks to write, a cluster each */
    uint32_t q_table_bytes;     /* a grown refcount table to write */
    uint32_t q_syncs;           /* L1 / refcount table / header updates: a sector and a flush */
    uint32_t q_chain_entries;   /* L2 cache entries the backing files' lookups visited */
    bool q_sync_flush;          /* the flush of the sync write just done */
    bool q_zeroes;              /* new clusters zeroed by a write-zeroes call first */
    bool zero_read;             /* reads a cluster the image lacks, no backing file: zeros */
    uint32_t dev_bytes;         /* bytes the device moves, if not @bytes (a new cluster) */
    uint32_t dev_runs;          /* device requests its data takes: the image's extents (0: 1) */
    sim_time irq_exit_ps;       /* what the completion interrupt's exits cost */
    sim_time thread_ps;         /* the strategy's work on the backend thread */
    blk_cont_fn cont;
    blk_cont_fn then; /* after a write-back or a fan-out of device accesses */
    uint32_t io_left; /* device accesses of a fan-out still out */
    sim_time stage_ps[BLK_N_STAGES];
};

/* The disk path's own costs, converted at the host's clock at create; the
 * exits, interrupt delivery, IOMMU and host block layer are the host's. */
struct blk_costs {
    sim_time emulation_per_request;
    unsigned emulation_submit_exits, emulation_complete_exits;
    sim_time qemu_per_request, backend_wake, vhost_per_request;
    sim_time qcow2_lookup_entry;     /* one entry a qcow2 cache lookup visits */
    sim_time syscall;                /* one system call of a backend thread */
    sim_time poll_pass;              /* one pass of a polling thread's loop */
    sim_time iothread_poll_max;      /* an IOThread's longest polling window (0: none) */
    sim_time coroutine_switch;       /* one switch of a QEMU coroutine */
    sim_time driver[BLK_N_BACKENDS]; /* each backend's interface work per request */
    sim_time guest_submit, guest_complete, irq_handler, wakeup, poll_check;
};

/**
 * struct blk_dev_cfg - what every disk of the world shares
 * @c:       the disk path's costs
 * @poll:    blk.completion = poll
 * @bs:      fio.bs: one guest buffer
 * @vq_size: virtio-blk's virtqueue (virtio.ring_size) and the layout
 *           negotiation gave
 */
struct blk_dev_cfg {
    struct blk_costs c;
    bool poll;
    uint32_t bs;
    uint16_t vq_size;
    bool vq_event_idx, vq_packed, vq_indirect;
};

/* Statistics of one VM (and, summed, of all), reset at the warm-up cut. */
struct blk_stats {
    uint64_t completed, bytes, exits;
    uint64_t submit_passes;   /* backend passes that submitted requests */
    uint64_t flushes;         /* completed flush requests */
    uint64_t merged;          /* requests merged into another's device access */
    uint64_t device_requests; /* data accesses of the device for guest requests */
    uint64_t kicks;           /* notifications of the backend (a kick, a command write) */
    uint64_t irqs;            /* interrupts the device raised, merged ones included */
    uint64_t wakeups;         /* the backend thread woken from sleep by a kick */
    uint64_t exits_by[HV_N_EXITS];
    /* ps; double, not int64: the sums grow with depth x VMs x duration
     * and overflowed 2^63 ps in long, deep runs. */
    double lat_ps_sum;
    double stage_ps_sum[BLK_N_STAGES];
    struct hist lat;
};

struct blk_vm {
    struct blk_world *w;           /* opaque to the strategies */
    const struct blk_dev_cfg *cfg; /* the world's */
    unsigned index;
    char name[16];
    /* The guest's vCPU (bare metal: the core) and the QEMU I/O thread /
     * vhost worker of the software paths, on the host's cores: the host
     * scheduler serves them beside every other thread placed there. */
    struct blk_thread vcpu, backend;
    const struct blk_strategy_ops *ops; /* how its disk is virtualized */
    const struct blk_backend *be;       /* its host side (software paths) */
    /* Requests in the backend thread's current submission and completion
     * passes: one that arrives while a pass is open joins it. */
    uint32_t sub_open, cpl_open;
    uint32_t sub_host;            /* requests in the thread's host submission (still draining) */
    enum blk_dev_state dev_state; /* the backend thread's, as a virtqueue's device sees it */
    /* virtio-blk (virtio_blk.c): its virtqueue (owned); the driver's
     * submission, one request at a time, and the requests waiting for it;
     * the one waiting for descriptors; those made available that the
     * device has not taken yet, in ring order; the guest's interrupt
     * handler's pass (callbacks off) running. */
    struct vring *vq;
    bool submitting;
    uint32_t sub_q_head, sub_q_tail;
    uint32_t blocked;
    uint32_t avail_head, avail_tail;
    bool irq_pass, handler_owed; /* the handler's cost is on the pass's next completion */
    uint32_t cq_head, cq_tail;   /* nvme_cq.c: completions the handler's pass has not reaped */
    bool wake_owed;              /* the thread's wake-up is on the next request it takes */
    sim_time woken_at;           /* a waking thread runs from then on */
    /* An IOThread's adaptive polling (virtio_blk.c): when it last ran out
     * of work, its current window; since when the window's spin counts
     * and its host_busy then; the window's end. */
    sim_time idle_since, poll_ns, poll_from, poll_busy;
    sim_event_id poll_end;
    bool serial_busy; /* a serial thread is blocked in a request */
    /* A polling thread that shares its core (backend.c): it spins, one
     * pass of its loop a job, whenever it has no job of a request
     * (@backend_jobs: queued or running). */
    bool spins, spinning;
    uint32_t backend_jobs;
    bool merges;                       /* QEMU's virtio-blk gathers a pass's requests (merge.c) */
    GArray *batch_sort;                /* uint32_t: the pass's gathered requests (owned) */
    uint32_t serial_head, serial_tail; /* requests waiting for it, FIFO */
    struct host *host;                 /* the machine it runs on */
    struct disk *dev;                  /* that machine's SSD */
    sim_time guest_busy, host_busy;    /* work this disk put on its threads, switches included */
    sim_time halt_poll;                /* host CPU KVM burnt polling its halted vCPU */
    struct blk_image image;            /* the image file (software paths) */
    struct blk_qcow2 q;                /* qcow2 only */
    struct blk_cache l2;               /* qcow2 only */
    struct blk_cache *chain_l2;        /* the L2 caches of the qcow2 backing files (owned) */
    unsigned n_chain_l2;
    gsl_rng *rng;              /* offsets and read/write mix */
    uint64_t seq_next;         /* next offset of a sequential pattern */
    sim_event_id next_arrival; /* open loop */
    uint64_t in_flight;
    struct timeavg busy_poll;               /* 1 while a request is outstanding (polling spins) */
    uint64_t issued_total, completed_total; /* whole run, never reset */
    unsigned writes_unsynced;               /* writes since the last flush (fio.fsync) */
    /* fio's fsync waits for the requests in flight, and requests wait for
     * it (blk.c): a flush is due or out; the guest buffers held meanwhile
     * (uint32_t, owned). */
    bool sync_due, sync_out;
    GArray *held;
    struct blk_stats st;
};

/**
 * struct blk_strategy_ops - one way of virtualizing a VM's disk; each hook
 * gets that VM (its host is @vm->host, the settings every disk shares
 * @vm->cfg), never the world
 * @name:        scenario value of blk.strategy
 * @uses_image:  the host reads an image file (raw or qcow2) on the VM's
 *               behalf: software paths with a backend thread
 * @check:       cross-parameter checks (optional); scenario_error() on bad input
 * @submit:      the guest issues @r (its stage guest_submit is open): run the
 *               driver and whatever brings @r to the device, ending in
 *               blk_device_submit() or blk_host_submit()
 * @device_done: the device finished @r: bring the completion to the guest,
 *               ending in blk_guest_complete()
 * @complete:    the backend thread has completed @r: bring it to the
 *               guest (optional; NULL: blk_guest_complete() with the
 *               exits given to blk_host_complete())
 * @attach:      build @vm's device state (optional)
 * @detach:      free it (optional)
 * @idle:        @vm's backend thread has no request in a pass left
 *               (optional: a device that may now sleep)
 * @backend:     the blk.backend row its host side always uses (optional;
 *               NULL: the scenario's blk.backend)
 * @merges:      the device merges the contiguous requests of a pass when
 *               its backend can (merge.c; blk.request_merging)
 */
struct blk_strategy_ops {
    const char *name;
    bool uses_image;
    bool (*check)(const struct scenario *sc, GError **error);
    void (*submit)(struct blk_vm *vm, struct blk_req *r);
    void (*device_done)(struct blk_vm *vm, struct blk_req *r);
    void (*complete)(struct blk_vm *vm, struct blk_req *r);
    void (*attach)(struct blk_vm *vm);
    void (*detach)(struct blk_vm *vm);
    void (*idle)(struct blk_vm *vm);
    const char *backend;
    bool merges;
};

#define BLK_STRATEGY_LIST(X)    X(baremetal) X(emulation) X(virtio_blk) X(passthrough)
#define BLK_STRATEGY_DECLARE(n) extern const struct blk_strategy_ops blk_##n##_ops;
BLK_STRATEGY_LIST(BLK_STRATEGY_DECLARE)
#undef BLK_STRATEGY_DECLARE

/* The strategy called @name (a blk.strategy value), or NULL. */
const struct blk_strategy_ops *blk_strategy_lookup(const char *name);

/* --- blk_path.c: the step machinery and the hand-offs strategies share --- */

/* Request number @idx of the pool @vm's world shares. */
struct blk_req *blk_req_at(const struct blk_vm *vm, uint32_t idx);
/* A FIFO of requests linked through their @next (one list at a time):
 * append @r; take the first (the list must not be empty). */
void blk_list_push(const struct blk_vm *vm, uint32_t *head, uint32_t *tail, struct blk_req *r);
struct blk_req *blk_list_pop(const struct blk_vm *vm, uint32_t *head);
/* A request of @vm from the pool, born now, its stage guest_submit open. */
struct blk_req *blk_req_new(struct blk_vm *vm);
/* Close the open stage at now (its fixed parts get their time, the stage the
 * rest) and open @next. */
void blk_step(const struct blk_vm *vm, struct blk_req *r, enum blk_stage next);
/* Run a job of the parts' total on thread @t of @r's VM (its vcpu or
 * backend) through the host scheduler; waiting and anything not in a part
 * is charged to the open stage, which must be @wait_stage (opened here).
 * @cont runs when the job ends. */
void blk_run(struct blk_vm *vm, const struct blk_thread *t, struct blk_req *r,
             enum blk_stage wait_stage, const struct blk_part *parts, unsigned n_parts,
             blk_cont_fn cont);
/* The same in the thread's interrupt lane (sched_submit_urgent()): the
 * guest's interrupt handler and the completions it runs go before the
 * vCPU's waiting process-context work, as the NIC's do. */
void blk_run_irq(struct blk_vm *vm, const struct blk_thread *t, struct blk_req *r,
                 enum blk_stage wait_stage, const struct blk_part *parts, unsigned n_parts,
                 blk_cont_fn cont);
/* The same on a resource that is no thread (the IOMMU's walkers). */
void blk_serve(struct blk_vm *vm, struct fifo_server *srv, struct blk_req *r,
               enum blk_stage wait_stage, const struct blk_part *parts, unsigned n_parts,
               blk_cont_fn cont);

/* @n exits of reason @why against @r; returns their cost on the vCPU, for
 * the caller's parts. */
static inline sim_time blk_exits(const struct blk_vm *vm, struct blk_req *r,
                                 enum hv_exit_reason why, unsigned n)
{
    r->exits[why] = (uint16_t)(r->exits[why] + n);
    return (sim_time)n * vm->host->hv.exit_cost[why];
}

/* backend.c. Software paths: on the VM's backend thread (its blk_backend
 * row) run @thread_ps of the strategy's work in the thread's submission
 * pass, the image lookup (and qcow2 metadata reads on L2 misses), then the
 * host's block layer or the user-space driver, then the device. */
void blk_host_submit(struct blk_vm *vm, struct blk_req *r, sim_time thread_ps);
/* Queue @r at the host's device; the strategy's device_done runs after. */
void blk_device_submit(struct blk_vm *vm, struct blk_req *r);
/* @n device accesses of @bytes each that the host makes on @r's behalf
 * (image metadata, write-back), all at once: the time until the last is
 * done, queueing included, is @stage; then @cont. */
void blk_device_fanout(struct blk_vm *vm, struct blk_req *r, enum blk_stage stage, unsigned n,
                       bool is_write, uint32_t bytes, blk_cont_fn cont);
/* A flush of the device's volatile cache on @r's behalf (stage flush), then
 * @cont; at once, the device untouched, when it reports no write cache. */
void blk_device_flush(struct blk_vm *vm, struct blk_req *r, blk_cont_fn cont);
/* If @r is a flush and the guest's disk reports no write cache (an
 * assigned or bare-metal disk: the device's own; QEMU's virtual disk: none
 * under cache=writethrough), the guest's block layer ends it with no
 * command, so no exit, DMA, device or interrupt: only the fsync system
 * call on the vCPU, then @r is done (true). */
bool blk_flush_ends_in_guest(struct blk_vm *vm, struct blk_req *r);

/* --- image.c: the image file between the backend thread and the device --- */

void blk_image_init(struct blk_vm *vm);
void blk_image_release(struct blk_vm *vm);
void blk_image_reset_stats(struct blk_vm *vm);
/* @r (its image lookups done) through the file: the page cache, the file
 * system's allocation, a flush; ends in blk_host_block_submit() or, served
 * from the page cache, in the strategy's device_done. */
void blk_image_io(struct blk_vm *vm, struct blk_req *r);
/* The device has done @r's data: the journal commit of its allocation and
 * writethrough's flush, then the strategy's device_done. */
void blk_image_device_done(struct blk_vm *vm, struct blk_req *r);
/* --- qcow2.c --- */

void blk_qcow2_init(struct blk_vm *vm);
void blk_qcow2_release(struct blk_vm *vm);
/* @r's L2 lookups and, for a write to clusters without one, their
 * allocation; the metadata reads and write-backs that takes (stage
 * qcow2_meta), then @cont. */
void blk_qcow2_map(struct blk_vm *vm, struct blk_req *r, blk_cont_fn cont);
/* What looking @r's L2 slices up in the L2 cache costs the thread now:
 * the entries QEMU's scan visits, each qcow2.lookup_entry (none for a
 * flush). Counts them for l2_entries_per_lookup. */
sim_time blk_qcow2_lookup(struct blk_vm *vm, const struct blk_req *r);
/* A flush's qcow2 part: dirty refcount blocks, then dirty L2 slices, then
 * @cont. */
void blk_qcow2_flush(struct blk_vm *vm, struct blk_req *r, blk_cont_fn cont);
/* --- backing.c: the backing chain of a qcow2 image --- */

/* Backing files image.backing_chain names. */
unsigned blk_backing_depth(const struct scenario *sc);
/* The chain loops, names nothing, or sits under a raw or preallocated
 * image: scenario_error() and false. */
bool blk_backing_check(const struct scenario *sc, GError **error);
/* The L2 caches of @vm's qcow2 backing files, @l2_entries each over
 * @slices slices; @warm: full, as the image's own. */
void blk_backing_init(struct blk_vm *vm, uint64_t l2_entries, uint64_t slices, bool warm);
void blk_backing_release(struct blk_vm *vm);
/* A cluster range the image lacks, looked up down the chain on @r's
 * behalf: the L2 slices each qcow2 backing file must read first; the
 * entries the files' cache lookups visit are added to @r's
 * q_chain_entries. */
unsigned blk_backing_lookup(struct blk_vm *vm, struct blk_req *r, uint64_t offset, uint64_t bytes);

/* virtio_blk.c: the virtqueue's size and negotiated layout (vq_size 0
 * when the virtio.* keys fail virtio-blk's negotiation, which its check
 * refuses). */
void blk_virtio_config(struct blk_dev_cfg *cfg, const struct scenario *sc);

/* backend.c. What @n switches of QEMU's block-layer coroutines cost the
 * VM's backend thread (0 on a row without them). */
sim_time blk_coroutine_switches(const struct blk_vm *vm, unsigned n);
/* backend.c: the host block layer (or the user-space driver), then the
 * device. */
void blk_host_block_submit(struct blk_vm *vm, struct blk_req *r);
/* backend.c. A polling thread starts holding its core (blk_disk_start()). */
void blk_backend_start(struct blk_vm *vm);
/* backend.c. What @r's backend thread has to notice (a request on the
 * virtqueue, its completion entry) is there: a polling thread on a core of
 * its own sees it one pass of its loop later (blk.vfio_nvme_poll, spent
 * in @stage), then @cont; any other thread at once (it was woken, or is
 * draining). */
void blk_backend_notice(struct blk_vm *vm, struct blk_req *r, enum blk_stage stage,
                        blk_cont_fn cont);

/* backend.c. The VM's backend thread is an IOThread that polls the
 * virtqueue before it sleeps (blk.iothread_poll_max on a backend row that
 * has one). */
static inline bool blk_iothread_polls(const struct blk_vm *vm)
{
    return vm->be && vm->be->iothread_poll && vm->cfg->c.iothread_poll_max > 0;
}

/* backend.c. A job of the VM's backend thread is over: a polling thread
 * with none left spins; an IOThread with none left may poll. */
void blk_backend_spin(struct blk_vm *vm);
/* backend.c. The VM's backend thread is draining its queue (a submission
 * pass is open, or a serial thread is busy): the guest need not notify it. */
bool blk_backend_draining(const struct blk_vm *vm);
/* backend.c. Software paths: the completion pass on the backend thread
 * (the host's block-layer completion, the reaping calls), then the
 * strategy's complete (or blk_guest_complete() with @irq_exit_ps of exits). */
void blk_host_complete(struct blk_vm *vm, struct blk_req *r, sim_time irq_exit_ps);
/* The guest learns of @r's completion: by interrupt (@irq_exit_ps of exits,
 * already counted, then handler and wake-up on the vCPU) or by polling;
 * then the block layer's completion. */
void blk_guest_complete(struct blk_vm *vm, struct blk_req *r, sim_time irq_exit_ps);
/* What a virtualized completion interrupt costs the vCPU: the host's one
 * delivery path (host_virq_deliver(): a halted vCPU's HLT exit, halt
 * polling and wake-up, then injection and EOI), exits counted against @r. */
sim_time blk_irq_injection(struct blk_vm *vm, struct blk_req *r);

/* nvme_cq.c. Bare metal and an assigned disk: the device posts @r's entry
 * on the guest's completion queue; an interrupt (@inject: taken by the host
 * and injected) starts the handler's pass unless one is open, which reaps
 * it; by polling, blk_guest_complete(). */
void blk_cq_post(struct blk_vm *vm, struct blk_req *r, bool inject);
/* nvme_cq.c. The open handler pass reaps @r on the vCPU (interrupt lane):
 * its injection's exits (@r->irq_exit_ps), the handler when the pass owes
 * it (@vm->handler_owed), the waiter's wake-up and the block layer's
 * completion; then @cont. virtio-blk's pass uses it too. */
void blk_reap(struct blk_vm *vm, struct blk_req *r, blk_cont_fn cont);

/* --- merge.c: a pass's requests gathered, merged, submitted at its end --- */

void blk_merge_init(struct blk_vm *vm);
void blk_merge_release(struct blk_vm *vm);
/* @r's part of the open pass is done: gather it, and submit what was
 * gathered, merged, at a change of direction, at a flush (which goes on
 * alone), at 32 requests and when the pass ends (the thread's sub_open is
 * 0): each run's leader on to @cont. */
void blk_merge_gather(struct blk_vm *vm, struct blk_req *r, blk_cont_fn cont);
/* @lead's device access is done: @cont for it and then for each request
 * merged into it, each with its own size again. */
void blk_merge_done(struct blk_vm *vm, struct blk_req *lead, blk_cont_fn cont);

/* blk.c: @r is done: statistics, free it, and issue the next (closed loop). */
void blk_req_finish(struct blk_vm *vm, struct blk_req *r);

#endif
