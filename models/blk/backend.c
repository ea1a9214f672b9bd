/* The backends of the software disk paths (blk.backend) and the host side
 * they share: the thread's submission pass (wake-up, system calls, its work
 * per request, the image lookup and qcow2 metadata reads), the host block
 * layer or a user-space driver, and the completion pass. As QEMU's
 * virtio_blk_handle_vq() drains the virtqueue with notifications off and
 * submits the drained requests under one blk_io_plug() (one io_submit() in
 * block/linux-aio.c ioq_submit(), one io_uring_enter() in block/io_uring.c),
 * a request that reaches the thread while it is in a pass joins the pass:
 * only the pass's first request pays the wake-up and the calls. QEMU's
 * block layer runs each of its requests (a merged run is one) in a
 * coroutine: blk_aio_prwv() creates and enters it, it yields in
 * laio_co_submit() / luring_co_submit(), the completion re-enters it and
 * it ends: two switches at submission, two at completion (a page-cache
 * hit's four on its copy). Left out: a flush's coroutine, the thread pool
 * of aio=threads. */
#include "backend.h"

#include <string.h>

#include <glib.h>

#include "blk_world.h"

/* Costs and counts are those of the sources named in docs/sources.md
 * (blk-backends); the work itself is in the cycle keys. */
const struct blk_backend blk_backends[BLK_N_BACKENDS] = {
    /* A simple VMM's device thread: pread()/pwrite() on the image, one
     * request at a time (Firecracker's and cloud-hypervisor's synchronous
     * virtio-blk before their io_uring engines). */
    [BLK_BACKEND_serial] = { .name = "serial",
                             .kick = HV_EXIT_mmio_user,
                             .serial = true,
                             .host_kernel = true,
                             .submit_calls = 1 },
    /* QEMU's IOThread with aio=native: io_submit() per pass, completions
     * signalled through an eventfd that is read once per pass. */
    [BLK_BACKEND_qemu] = { .name = "qemu",
                           .kick = HV_EXIT_mmio_user,
                           .host_kernel = true,
                           .submit_calls = 1,
                           .reap_calls = 1,
                           .driver_key = "blk.aio_per_request",
                           .merges = true,
                           .iothread_poll = true,
                           .coroutines = true },
    /* aio=io_uring: one io_uring_enter() per pass; completions are read
     * from the shared completion ring without a call. */
    [BLK_BACKEND_io_uring] = { .name = "io_uring",
                               .kick = HV_EXIT_mmio_user,
                               .host_kernel = true,
                               .submit_calls = 1,
                               .merges = true,
                               .iothread_poll = true,
                               .coroutines = true },
    /* vhost-blk: the kick is an ioeventfd in the kernel, whose worker
     * submits bios directly: no system calls. */
    [BLK_BACKEND_vhost] = { .name = "vhost",
                            .kick = HV_EXIT_mmio_kernel,
                            .in_kernel = true,
                            .host_kernel = true },
    /* QEMU's block/nvme.c (nvme://) or an SPDK vhost-user-blk target: a
     * user-space NVMe driver on a VFIO-assigned controller, polled by a
     * spinning thread that also polls the virtqueue. */
    [BLK_BACKEND_vfio_nvme] = { .name = "vfio-nvme",
                                .kick = HV_N_EXITS,
                                .polls = true,
                                .driver_key = "blk.vfio_nvme_per_request" },
};

const struct blk_backend *blk_backend_lookup(const char *name)
{
    for (unsigned k = 0; k < BLK_N_BACKENDS; k++)
        if (strcmp(blk_backends[k].name, name) == 0)
            return &blk_backends[k];
    return NULL;
}

bool blk_backend_draining(const struct blk_vm *vm)
{
    return vm->sub_open > 0 || vm->sub_host > 0 || vm->serial_busy;
}

sim_time blk_coroutine_switches(const struct blk_vm *vm, unsigned n)
{
    return vm->be->coroutines ? n * vm->cfg->c.coroutine_switch : 0;
}

static sim_time driver_cost(const struct blk_vm *vm)
{
    struct blk_world *w = vm->w;

    return w->cfg.c.driver[vm->be - blk_backends];
}

/* ---- submission ---- */

static void start_pass(struct blk_vm *vm, struct blk_req *r);

/* A thread that sleeps between passes (a virtqueue's device) may now. */
static void check_idle(struct blk_vm *vm)
{
    if (vm->ops->idle && !blk_backend_draining(vm))
        vm->ops->idle(vm);
}

static void host_io_done(struct blk_vm *vm, struct blk_req *r)
{
    g_assert(vm->sub_host > 0);
    vm->sub_host--;
    blk_device_submit(vm, r);
    check_idle(vm);
}

/* The host kernel's block layer, or the user-space driver's doorbell. */
void blk_host_block_submit(struct blk_vm *vm, struct blk_req *r)
{
    /* A bio, and a block-layer request, per extent the data touches. */
    sim_time runs = MAX(r->dev_runs, 1u);
    struct blk_part part = { BLK_STAGE_host_io,
                             (vm->be->host_kernel ? runs * vm->host->block_submit : 0) +
                                 driver_cost(vm) + blk_coroutine_switches(vm, 2) };

    /* The thread submits with the virtqueue's notifications still off. */
    vm->sub_host++;
    blk_run(vm, &vm->backend, r, BLK_STAGE_host_io, &part, 1, host_io_done);
}

static void to_image(struct blk_vm *vm, struct blk_req *r)
{
    struct blk_world *w = vm->w;

    if (!w->qcow2)
        blk_image_io(vm, r);
    else if (r->is_flush)
        blk_qcow2_flush(vm, r, blk_image_io);
    else
        blk_qcow2_map(vm, r, blk_image_io);
}

static void pass_done(struct blk_vm *vm, struct blk_req *r)
{
    g_assert(vm->sub_open > 0);
    vm->sub_open--;
    if (vm->merges)
        blk_merge_gather(vm, r, to_image);
    else
        to_image(vm, r);
    check_idle(vm);
}

/* @r's turn on the thread: the first request of a pass wakes the thread
 * when it was kicked and the thread sleeps (a virtqueue's device says
 * which request pays: wake_owed), and makes the pass's calls. */
static void start_pass(struct blk_vm *vm, struct blk_req *r)
{
    struct blk_world *w = vm->w;
    bool opens = vm->sub_open++ == 0;
    bool wakes =
        vm->wake_owed || (opens && r->kicked && !vm->be->polls && vm->dev_state == BLK_DEV_ASLEEP);
    sim_time wake = wakes ? w->cfg.c.backend_wake : 0;
    struct blk_part parts[] = {
        { BLK_STAGE_backend, wake + r->thread_ps },
        { BLK_STAGE_host_io, opens ? vm->be->submit_calls * w->cfg.c.syscall : 0 },
        { BLK_STAGE_image, w->qcow2 ? blk_qcow2_lookup(vm, r) : 0 },
    };

    vm->wake_owed = false;
    if (opens)
        vm->st.submit_passes++;
    blk_run(vm, &vm->backend, r, BLK_STAGE_backend, parts, G_N_ELEMENTS(parts), pass_done);
}

void blk_host_submit(struct blk_vm *vm, struct blk_req *r, sim_time thread_ps)
{
    r->thread_ps = thread_ps;
    if (vm->be->serial && vm->serial_busy) {
        /* The thread is blocked in another request's read or write. */
        blk_step(vm, r, BLK_STAGE_backend);
        blk_list_push(vm, &vm->serial_head, &vm->serial_tail, r);
        return;
    }
    vm->serial_busy = vm->be->serial;
    start_pass(vm, r);
}

/* ---- a polling thread holds its core ---- */

/* A user-space driver's thread never sleeps: between requests it spins on
 * the virtqueue and the completion queue. On a core of its own that only
 * makes the core busy (vm_totals() counts it whole); on a core it shares
 * (host.backend_placement = shared, or more pollers than spare cores) the
 * host scheduler has it always runnable, so it spins as jobs of one pass
 * of its loop each (blk.vfio_nvme_poll), billed as its host CPU: another
 * thread gets the core between two passes (wake-up preemption) or at the
 * end of the poller's slice, paying the switches, and a request that
 * comes while the poller is out waits for it. */
static void on_spun(struct sim *sim, void *ctx, uint64_t tag)
{
    struct blk_vm *vm = ctx;

    (void)sim;
    (void)tag;
    vm->spinning = false;
    blk_backend_spin(vm);
}

void blk_backend_spin(struct blk_vm *vm)
{
    struct host *h = vm->host;

    /* An IOThread that polls starts its window once its last job is done. */
    if (blk_iothread_polls(vm) && !vm->backend_jobs)
        check_idle(vm);
    if (!vm->spins || vm->spinning || vm->backend_jobs)
        return;
    vm->spinning = true;
    vm->host_busy += vm->cfg->c.poll_pass;
    sched_submit(&h->sched, &h->cpu, vm->backend.core, vm->backend.owner, vm->cfg->c.poll_pass,
                 on_spun, vm, 0);
}

void blk_backend_notice(struct blk_vm *vm, struct blk_req *r, enum blk_stage stage,
                        blk_cont_fn cont)
{
    /* Sharing its core, the passes it spins as jobs give the delay. */
    if (vm->be->polls && !vm->spins)
        blk_delay(vm->w, r, stage, vm->cfg->c.poll_pass, cont);
    else
        cont(vm, r);
}

void blk_backend_start(struct blk_vm *vm)
{
    bool polls = vm->be->polls && vm->ops->uses_image;

    /* Its core never sleeps in an idle state (host.idle = menu), as a
     * poll-mode network thread's (CPU_SPINS). */
    if (polls)
        vm->backend.core->idle_spin = CPU_SPINS;
    vm->spins = polls && vm->backend.core->n_threads > 1;
    blk_backend_spin(vm);
}

/* ---- completion ---- */

static void serial_next(struct blk_vm *vm)
{
    if (!vm->be->serial)
        return;
    g_assert(vm->serial_busy);
    if (vm->serial_head == BLK_NO_REQ) {
        vm->serial_busy = false;
        check_idle(vm);
        return;
    }
    start_pass(vm, blk_list_pop(vm, &vm->serial_head));
}

static void host_complete_done(struct blk_vm *vm, struct blk_req *r)
{
    g_assert(vm->cpl_open > 0);
    vm->cpl_open--;
    serial_next(vm);
    if (vm->ops->complete)
        vm->ops->complete(vm, r);
    else
        blk_guest_complete(vm, r, r->irq_exit_ps);
}

static void host_complete(struct blk_vm *vm, struct blk_req *r)
{
    struct blk_world *w = vm->w;
    bool opens = vm->cpl_open++ == 0;
    /* A user-space driver polls the completion entry, and a page-cache hit
     * had no device: no host interrupt. */
    sim_time kernel =
        vm->be->host_kernel && !r->no_device ? MAX(r->dev_runs, 1u) * vm->host->block_complete : 0;
    struct blk_part part = { BLK_STAGE_host_io,
                             kernel + (opens ? vm->be->reap_calls * w->cfg.c.syscall : 0) +
                                 (r->no_device ? 0 : blk_coroutine_switches(vm, 2)) };

    blk_run(vm, &vm->backend, r, BLK_STAGE_host_io, &part, 1, host_complete_done);
}

void blk_host_complete(struct blk_vm *vm, struct blk_req *r, sim_time irq_exit_ps)
{
    r->irq_exit_ps = irq_exit_ps;
    if (r->no_device)
        host_complete(vm, r);
    else
        blk_backend_notice(vm, r, BLK_STAGE_host_io, host_complete);
}
