/* The request pool and the step machinery that charges every instant of a
 * request's life to one stage, plus the hand-offs the strategies share: the
 * device and the completion's way into the guest (interrupt or polling);
 * the host side of the software paths is backend.c. Requests live in a pool
 * (sim/pool.h), their stages in a ledger (sim/ledger.h): nothing is
 * malloc'ed per request. */
#include <string.h>

#include <glib.h>

#include "blk_world.h"

const char *const blk_stage_names[BLK_N_STAGES] = {
#define BLK_STAGE_NAME(n) #n,
    BLK_STAGE_LIST(BLK_STAGE_NAME)
#undef BLK_STAGE_NAME
};

static struct blk_req *req_at(const struct blk_world *w, uint32_t idx)
{
    g_assert(pool_holds(&w->reqs, idx));
    return POOL_AT(&w->reqs, struct blk_req, idx);
}

struct blk_req *blk_req_at(const struct blk_vm *vm, uint32_t idx)
{
    return req_at(vm->w, idx);
}

struct blk_req *blk_req_new(struct blk_vm *vm)
{
    struct blk_world *w = vm->w;
    uint32_t idx = pool_alloc(&w->reqs);
    struct blk_req *r = blk_req_at(vm, idx);

    memset(r, 0, sizeof(*r));
    r->idx = idx;
    r->vm = (uint16_t)vm->index;
    r->live = true;
    r->born = sim_now(w->sim);
    ledger_start(&r->led, r->born, BLK_STAGE_guest_submit);
    return r;
}

void blk_req_free(struct blk_world *w, struct blk_req *r)
{
    g_assert(r->live);
    r->live = false;
    pool_free(&w->reqs, r->idx);
}

void blk_list_push(const struct blk_vm *vm, uint32_t *head, uint32_t *tail, struct blk_req *r)
{
    r->next = BLK_NO_REQ;
    if (*head == BLK_NO_REQ)
        *head = r->idx;
    else
        blk_req_at(vm, *tail)->next = r->idx;
    *tail = r->idx;
}

struct blk_req *blk_list_pop(const struct blk_vm *vm, uint32_t *head)
{
    struct blk_req *r = blk_req_at(vm, *head);

    *head = r->next;
    return r;
}

void blk_step(const struct blk_vm *vm, struct blk_req *r, enum blk_stage next)
{
    ledger_step(&r->led, r->stage_ps, sim_now(vm->w->sim), next);
}

static void set_parts(struct blk_req *r, const struct blk_part *parts, unsigned n, sim_time *total)
{
    *total = 0;
    for (unsigned k = 0; k < n; k++) {
        ledger_part(&r->led, parts[k].stage, parts[k].ps);
        *total += parts[k].ps;
    }
}

static void on_step_done(struct sim *sim, void *ctx, uint64_t tag)
{
    struct blk_world *w = ctx;
    struct blk_req *r = req_at(w, (uint32_t)tag);

    (void)sim;
    g_assert(r->live);
    r->cont(&w->vms[r->vm], r);
}

/* Open @wait_stage, give the parts their stages and @cont: the job's
 * total. */
static sim_time job_start(const struct blk_vm *vm, struct blk_req *r, enum blk_stage wait_stage,
                          const struct blk_part *parts, unsigned n_parts, blk_cont_fn cont)
{
    sim_time total;

    blk_step(vm, r, wait_stage);
    set_parts(r, parts, n_parts, &total);
    r->cont = cont;
    return total;
}

/* A job of the backend thread: a polling thread spins when it has none. */
static void on_backend_done(struct sim *sim, void *ctx, uint64_t tag)
{
    struct blk_world *w = ctx;
    struct blk_vm *vm = &w->vms[req_at(w, (uint32_t)tag)->vm];

    g_assert(vm->backend_jobs > 0);
    vm->backend_jobs--;
    on_step_done(sim, ctx, tag);
    blk_backend_spin(vm);
}

static void run_on(struct blk_vm *vm, const struct blk_thread *t, struct blk_req *r,
                   enum blk_stage wait_stage, const struct blk_part *parts, unsigned n_parts,
                   blk_cont_fn cont, bool urgent)
{
    struct blk_world *w = vm->w;
    struct host *h = vm->host;
    resource_done_fn done = on_step_done;
    sim_time total;

    g_assert(vm->index == r->vm);
    total = job_start(vm, r, wait_stage, parts, n_parts, cont);

    g_assert(t == &vm->vcpu || t == &vm->backend);
    g_assert(t->core);
    if (t == &vm->vcpu) {
        vm->guest_busy += total;
    } else {
        vm->host_busy += total;
        vm->backend_jobs++;
        done = on_backend_done;
    }
    if (urgent)
        sched_submit_urgent(&h->sched, &h->cpu, t->core, t->owner, total, done, w, r->idx);
    else
        sched_submit(&h->sched, &h->cpu, t->core, t->owner, total, done, w, r->idx);
}

void blk_run(struct blk_vm *vm, const struct blk_thread *t, struct blk_req *r,
             enum blk_stage wait_stage, const struct blk_part *parts, unsigned n_parts,
             blk_cont_fn cont)
{
    run_on(vm, t, r, wait_stage, parts, n_parts, cont, false);
}

void blk_run_irq(struct blk_vm *vm, const struct blk_thread *t, struct blk_req *r,
                 enum blk_stage wait_stage, const struct blk_part *parts, unsigned n_parts,
                 blk_cont_fn cont)
{
    run_on(vm, t, r, wait_stage, parts, n_parts, cont, true);
}

void blk_serve(struct blk_vm *vm, struct fifo_server *srv, struct blk_req *r,
               enum blk_stage wait_stage, const struct blk_part *parts, unsigned n_parts,
               blk_cont_fn cont)
{
    struct blk_world *w = vm->w;

    fifo_server_submit(srv, job_start(vm, r, wait_stage, parts, n_parts, cont), on_step_done, w,
                       r->idx);
}

static void on_delay(struct sim *sim, void *ctx, const void *payload)
{
    uint32_t idx;

    memcpy(&idx, payload, sizeof(idx));
    on_step_done(sim, ctx, idx);
}

void blk_delay(struct blk_world *w, struct blk_req *r, enum blk_stage stage, sim_time delay,
               blk_cont_fn cont)
{
    blk_step(&w->vms[r->vm], r, stage);
    r->cont = cont;
    sim_schedule(w->sim, delay, on_delay, w, &r->idx, sizeof(r->idx));
}

/* ---- the device ---- */

static void device_done(struct blk_vm *vm, struct blk_req *r)
{
    if (vm->ops->uses_image)
        blk_image_device_done(vm, r);
    else
        vm->ops->device_done(vm, r);
}

static void on_fanout_done(struct sim *sim, void *ctx, uint64_t tag);

/* Channels a request of @bytes is spread over: the SSD stripes a command
 * over its channels in units of disk.stripe. */
static unsigned stripes(const struct blk_vm *vm, uint32_t bytes)
{
    struct blk_world *w = vm->w;
    uint64_t units = w->stripe ? (bytes + w->stripe - 1) / w->stripe : 1;

    return (unsigned)MIN(MIN(MAX(units, 1), (uint64_t)vm->dev->srv.servers), BLK_MAX_STRIPES);
}

void blk_device_submit(struct blk_vm *vm, struct blk_req *r)
{
    struct blk_world *w = vm->w;

    if (r->is_flush) {
        blk_device_flush(vm, r, device_done);
        return;
    }
    /* One device request per extent of the image file it touches, an
     * equal share each, each striped over the channels. */
    unsigned runs = MAX(r->dev_runs, 1u);
    uint32_t piece = ((r->dev_bytes ? r->dev_bytes : r->bytes) + runs - 1) / runs;
    unsigned n = stripes(vm, piece);
    uint32_t share = (piece + n - 1) / n;
    sim_time longest = 0, total;
    struct blk_part part;

    vm->st.device_requests += runs;
    blk_step(vm, r, BLK_STAGE_device_queue);
    r->cont = device_done;
    g_assert(r->io_left == 0);
    r->io_left = runs * n;
    for (unsigned k = 0; k < runs * n; k++) {
        sim_time service = disk_service(vm->dev, r->is_write, share);

        longest = MAX(longest, service);
        disk_submit(vm->dev, service, r->is_write, share, on_fanout_done, w, r->idx);
    }
    /* Done when its last access is: its longest service is device time,
     * the rest waiting for channels. */
    part = (struct blk_part){ BLK_STAGE_device, longest };
    set_parts(r, &part, 1, &total);
}

static void on_fanout_done(struct sim *sim, void *ctx, uint64_t tag)
{
    struct blk_world *w = ctx;
    struct blk_req *r = req_at(w, (uint32_t)tag);

    g_assert(r->io_left > 0);
    if (--r->io_left == 0)
        on_step_done(sim, ctx, tag);
}

void blk_device_fanout(struct blk_vm *vm, struct blk_req *r, enum blk_stage stage, unsigned n,
                       bool is_write, uint32_t bytes, blk_cont_fn cont)
{
    struct blk_world *w = vm->w;
    unsigned k = stripes(vm, bytes);
    uint32_t share = (uint32_t)((bytes + k - 1) / k);

    g_assert(n > 0 && r->io_left == 0);
    blk_step(vm, r, stage);
    r->cont = cont;
    r->io_left = n * k;
    for (unsigned j = 0; j < n * k; j++)
        disk_submit(vm->dev, disk_service(vm->dev, is_write, share), is_write, share,
                    on_fanout_done, w, r->idx);
}

/* Linux sends a flush to the device only if it reports a volatile write
 * cache (drivers/nvme/host/core.c sets the queue's write cache from the
 * Identify Controller VWC bit); without one the block layer completes it
 * at once, before any driver sees it (block/blk-flush.c blk_insert_flush()
 * with an empty policy; submit_bio_noacct() in newer kernels), and NVMe
 * 6.8 has such a device complete a Flush with no effect anyway. */
void blk_device_flush(struct blk_vm *vm, struct blk_req *r, blk_cont_fn cont)
{
    struct blk_world *w = vm->w;

    if (!vm->dev->write_cache) {
        cont(vm, r);
        return;
    }
    blk_step(vm, r, BLK_STAGE_flush);
    r->cont = cont;
    disk_submit_flush(vm->dev, on_step_done, w, r->idx);
}

/* The write cache the guest's block layer sees on its disk: an assigned
 * or bare-metal disk's own (NVMe VWC); QEMU's virtual disk reports its
 * drive's cache.writeback, off only under cache=writethrough (virtio-blk's
 * config wce = blk_enable_write_cache(), hw/block/virtio-blk.c, which
 * Linux's virtblk_get_cache_mode() reads; the IDE/AHCI identify data's
 * write-cache bit alike). */
static bool guest_sees_cache(const struct blk_vm *vm)
{
    if (vm->ops->uses_image)
        return vm->w->cache_mode != BLK_CACHE_MODE_writethrough;
    return vm->dev->write_cache;
}

bool blk_flush_ends_in_guest(struct blk_vm *vm, struct blk_req *r)
{
    struct blk_part part = { BLK_STAGE_guest_submit, vm->cfg->c.syscall };

    if (!r->is_flush || guest_sees_cache(vm))
        return false;
    /* fio's fsync(): the system call, the block layer's early end, back. */
    blk_run(vm, &vm->vcpu, r, BLK_STAGE_guest_submit, &part, 1, blk_req_finish);
    return true;
}

/* ---- completion ---- */

static void poll_seen(struct blk_vm *vm, struct blk_req *r)
{
    struct blk_world *w = vm->w;
    struct blk_part part = { BLK_STAGE_guest_complete, w->cfg.c.guest_complete };

    blk_run(vm, &vm->vcpu, r, BLK_STAGE_guest_complete, &part, 1, blk_req_finish);
}

void blk_guest_complete(struct blk_vm *vm, struct blk_req *r, sim_time irq_exit_ps)
{
    struct blk_world *w = vm->w;

    if (w->cfg.poll) {
        /* The spinning thread sees the completion entry: no interrupt. */
        blk_delay(w, r, BLK_STAGE_poll, w->cfg.c.poll_check, poll_seen);
        return;
    }
    struct blk_part parts[] = {
        { BLK_STAGE_exit, irq_exit_ps },
        { BLK_STAGE_irq, w->cfg.c.irq_handler + w->cfg.c.wakeup },
        { BLK_STAGE_guest_complete, w->cfg.c.guest_complete },
    };

    blk_run_irq(vm, &vm->vcpu, r, BLK_STAGE_irq, parts, G_N_ELEMENTS(parts), blk_req_finish);
}

sim_time blk_irq_injection(struct blk_vm *vm, struct blk_req *r)
{
    struct blk_world *w = vm->w;
    uint64_t exits[HV_N_EXITS] = { 0 };
    sim_time t;

    if (w->cfg.poll) /* a polling guest masks the completion interrupt */
        return 0;
    vm->st.irqs++;
    t = host_virq_deliver(vm->host, vm->vcpu.core, exits, &vm->halt_poll);
    for (unsigned k = 0; k < HV_N_EXITS; k++)
        r->exits[k] = (uint16_t)(r->exits[k] + exits[k]);
    return t;
}
