/* The blk model: builds the world (VMs with a vCPU, a backend thread and
 * their virtual disk on one host's cores; one host SSD), runs the fio-like
 * workload and reports. A VM keeps iodepth requests outstanding (closed
 * loop) or issues them at random times (open loop). Left out: the guest
 * page cache and file system, the guest block layer's merging, discards. */
#include "blk.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <glib.h>

#include "../param_tables.h"
#include "blk_mem.h"
#include "blk_params.h"
#include "blk_world.h"
#include "rng.h"
#include "scenario.h"

static const struct blk_strategy_ops *const blk_strategies[] = {
#define BLK_STRATEGY_PTR(n) &blk_##n##_ops,
    BLK_STRATEGY_LIST(BLK_STRATEGY_PTR)
#undef BLK_STRATEGY_PTR
        NULL,
};

const struct blk_strategy_ops *blk_strategy_lookup(const char *name)
{
    for (size_t i = 0; blk_strategies[i]; i++)
        if (strcmp(blk_strategies[i]->name, name) == 0)
            return blk_strategies[i];
    return NULL;
}

static bool is_pow2(double x)
{
    uint64_t v = (uint64_t)x;

    return (double)v == x && v && (v & (v - 1)) == 0;
}

static uint64_t span_of(const struct scenario *sc)
{
    double span = scenario_real(sc, "fio.span");

    return (uint64_t)(span > 0 ? span : scenario_real(sc, "blk.disk_size"));
}

static bool check_qcow2(const struct scenario *sc, GError **error)
{
    double cluster = scenario_real(sc, "qcow2.cluster_size");
    double entry = scenario_real(sc, "qcow2.l2_entry_size");
    double cache = scenario_real(sc, "qcow2.l2_cache_size");

    if (!is_pow2(cluster)) {
        scenario_error(sc, "qcow2.cluster_size", error, "%.0f B is not a power of two", cluster);
        return false;
    }
    if (!is_pow2(entry) || entry > cluster) {
        scenario_error(sc, "qcow2.l2_entry_size", error,
                       "%.0f B must be a power of two no larger than the cluster (%.0f B)", entry,
                       cluster);
        return false;
    }
    if (cache < cluster) {
        scenario_error(sc, "qcow2.l2_cache_size", error,
                       "cache of %.0f B is smaller than one cluster (%.0f B)", cache, cluster);
        return false;
    }
    if (scenario_real(sc, "qcow2.refcount_cache_size") < cluster) {
        scenario_error(sc, "qcow2.refcount_cache_size", error,
                       "cache of %.0f B is smaller than one cluster (%.0f B), its entry",
                       scenario_real(sc, "qcow2.refcount_cache_size"), cluster);
        return false;
    }
    return true;
}

/* The image file's settings against the format, the device and the requests. */
static bool check_image(const struct scenario *sc, const struct blk_strategy_ops *ops,
                        GError **error)
{
    bool qcow2 = strcmp(scenario_str(sc, "blk.format"), "qcow2") == 0;
    bool direct = !ops->uses_image || strcmp(scenario_str(sc, "image.cache"), "none") == 0;
    double bs = scenario_real(sc, "fio.bs"), block = scenario_real(sc, "disk.logical_block");
    double fs_block = scenario_real(sc, "image.fs_block");

    if (!qcow2 && strcmp(scenario_str(sc, "image.preallocation"), "metadata") == 0) {
        scenario_error(sc, "image.preallocation", error,
                       "'metadata' preallocates qcow2's tables; a raw image has none (use off or "
                       "full)");
        return false;
    }
    if (!is_pow2(block)) {
        scenario_error(sc, "disk.logical_block", error, "%.0f B is not a power of two", block);
        return false;
    }
    if (!is_pow2(fs_block)) {
        scenario_error(sc, "image.fs_block", error, "%.0f B is not a power of two", fs_block);
        return false;
    }
    if (fmod(scenario_real(sc, "image.fs_free_run"), fs_block) != 0) {
        scenario_error(sc, "image.fs_free_run", error,
                       "%.0f B is not a whole number of image.fs_block (%.0f B): free space "
                       "comes in whole file-system blocks",
                       scenario_real(sc, "image.fs_free_run"), fs_block);
        return false;
    }
    /* O_DIRECT (and an assigned device) moves whole device blocks only. */
    if (direct && fmod(bs, block) != 0) {
        scenario_error(sc, "fio.bs", error,
                       "%.0f B is not a whole number of the device's %.0f B blocks, which "
                       "cache=none (O_DIRECT) and an assigned device need",
                       bs, block);
        return false;
    }
    return true;
}

bool blk_disk_check(const struct scenario *sc, const char *strategy, GError **error)
{
    const struct blk_strategy_ops *ops = blk_strategy_lookup(strategy);
    bool qcow2 = strcmp(scenario_str(sc, "blk.format"), "qcow2") == 0;
    double bs = scenario_real(sc, "fio.bs");

    g_assert(ops); /* the enum's choices are the strategies' names */
    if (ops->check && !ops->check(sc, error))
        return false;
    if (qcow2 && !ops->uses_image) {
        scenario_error(sc, "blk.format", error,
                       "'qcow2' needs a host-side image (emulation or virtio-blk), not '%s'",
                       ops->name);
        return false;
    }
    if (qcow2 && !check_qcow2(sc, error))
        return false;
    if (!blk_backing_check(sc, error))
        return false;
    if (!check_image(sc, ops, error))
        return false;
    if (scenario_real(sc, "fio.span") > scenario_real(sc, "blk.disk_size")) {
        scenario_error(sc, "fio.span", error, "%.0f B is larger than blk.disk_size (%.0f B)",
                       scenario_real(sc, "fio.span"), scenario_real(sc, "blk.disk_size"));
        return false;
    }
    if (bs != floor(bs) || (double)span_of(sc) < bs) {
        scenario_error(sc, "fio.bs", error, "%.0f B does not fit in the span of %" PRIu64 " B", bs,
                       span_of(sc));
        return false;
    }
    return true;
}

/* ---- the workload ---- */

static uint64_t next_offset(struct blk_vm *vm)
{
    struct blk_world *w = vm->w;
    uint64_t blocks = w->span / w->cfg.bs, off;

    if (w->random) {
        uint64_t b = (uint64_t)(gsl_rng_uniform(vm->rng) * (double)blocks);

        return (b < blocks ? b : blocks - 1) * w->cfg.bs;
    }
    off = vm->seq_next;
    vm->seq_next = off + 2 * (uint64_t)w->cfg.bs <= w->span ? off + w->cfg.bs : 0;
    return off;
}

/* fio's fsync=N: a flush after every N writes, issued only when nothing
 * is in flight, and nothing issued while it runs (fio's libaio and
 * io_uring engines answer FIO_Q_BUSY to an fsync while requests are
 * queued, then call fsync() synchronously: engines/libaio.c
 * fio_libaio_queue()). So the flush follows the writes it covers, and a
 * request that comes meanwhile keeps its buffer until the flush is done.
 * True if @buf is held. */
static bool hold_for_sync(struct blk_vm *vm, uint32_t buf)
{
    struct blk_world *w = vm->w;

    if (w->fsync && vm->writes_unsynced >= w->fsync)
        vm->sync_due = true;
    if (vm->sync_out || (vm->sync_due && vm->in_flight > 0)) {
        g_array_append_val(vm->held, buf);
        return true;
    }
    return false;
}

static void issue(struct blk_vm *vm, uint32_t buf);

/* Issue what was held, in order, once neither a flush out nor one due
 * waits; a request may be held again (by a flush it makes due). */
static void release_held(struct blk_vm *vm)
{
    unsigned n = vm->held->len;

    if (!n || vm->sync_out || (vm->sync_due && vm->in_flight > 0))
        return;
    for (unsigned i = 0; i < n; i++)
        issue(vm, g_array_index(vm->held, uint32_t, i));
    g_array_remove_range(vm->held, 0, n);
}

/* A new request in guest buffer @buf: a closed loop's next request reuses
 * the buffer of the one that just completed, as fio reuses its io_u. */
static void issue(struct blk_vm *vm, uint32_t buf)
{
    struct blk_world *w = vm->w;
    struct blk_req *r;

    if (hold_for_sync(vm, buf))
        return;
    r = blk_req_new(vm);
    r->buf = buf;
    if (vm->sync_due) {
        vm->writes_unsynced = 0;
        vm->sync_due = false;
        vm->sync_out = true;
        r->is_flush = true;
    } else {
        r->bytes = w->cfg.bs;
        r->offset = next_offset(vm);
        if (w->mixed)
            r->is_write = gsl_rng_uniform(vm->rng) >= w->rwmixread;
        else
            r->is_write = w->always_write;
        vm->writes_unsynced += r->is_write;
    }
    if (vm->in_flight++ == 0)
        timeavg_set(&vm->busy_poll, sim_now(w->sim), 1.0);
    vm->issued_total++;
    vm->ops->submit(vm, r);
}

static void on_arrival(struct sim *sim, void *ctx, const void *payload)
{
    struct blk_vm *vm = ctx;
    struct blk_world *w;

    memcpy(&w, payload, sizeof(w));
    vm->next_arrival = sim_schedule(sim, dist_sample_time(w->interarrival, w->arrival_rng),
                                    on_arrival, vm, &w, sizeof(w));
    issue(vm, (uint32_t)(vm->issued_total % w->iodepth));
}

void blk_req_finish(struct blk_vm *vm, struct blk_req *r)
{
    struct blk_world *w = vm->w;
    sim_time now = sim_now(w->sim), lat = now - r->born;
    struct blk_stats *st = &vm->st;
    uint32_t buf;

    blk_step(vm, r, r->led.stage);
    /* Every picosecond in exactly one stage. */
    g_assert(ledger_merge(st->stage_ps_sum, r->stage_ps, BLK_N_STAGES) == lat);
    st->completed++;
    st->flushes += r->is_flush;
    st->bytes += r->bytes;
    for (unsigned k = 0; k < HV_N_EXITS; k++) {
        st->exits_by[k] += r->exits[k];
        st->exits += r->exits[k];
    }
    st->lat_ps_sum += (double)lat;
    hist_add(&st->lat, lat);
    vm->completed_total++;
    g_assert(vm->in_flight > 0);
    if (--vm->in_flight == 0)
        timeavg_set(&vm->busy_poll, now, 0.0);
    buf = r->buf;
    vm->sync_out &= !r->is_flush;
    blk_req_free(w, r);
    if (!w->open_loop)
        issue(vm, buf);
    release_held(vm);
}

/* ---- building the world ---- */

static void costs_init(struct blk_world *w, const struct scenario *sc)
{
    struct blk_costs *c = &w->cfg.c;
    const struct host *h = w->host;

    c->emulation_per_request = host_cycles(h, sc, "emulation.blk_per_request");
    c->emulation_submit_exits = (unsigned)scenario_int(sc, "emulation.blk_submit_exits");
    c->emulation_complete_exits = (unsigned)scenario_int(sc, "emulation.blk_complete_exits");
    c->qemu_per_request = host_cycles(h, sc, "virtio.blk_qemu_per_request");
    c->backend_wake = host_cycles(h, sc, "virtio.wake");
    c->vhost_per_request = host_cycles(h, sc, "virtio.blk_vhost_per_request");
    c->qcow2_lookup_entry = host_cycles(h, sc, "qcow2.lookup_entry");
    c->syscall = host_cycles(h, sc, "blk.syscall");
    c->poll_pass = host_cycles(h, sc, "blk.vfio_nvme_poll");
    c->iothread_poll_max = sim_time_from_s(scenario_real(sc, "blk.iothread_poll_max"));
    c->coroutine_switch = host_cycles(h, sc, "blk.coroutine_switch");
    for (unsigned k = 0; k < BLK_N_BACKENDS; k++)
        c->driver[k] =
            blk_backends[k].driver_key ? host_cycles(h, sc, blk_backends[k].driver_key) : 0;
    c->guest_submit = host_cycles(h, sc, "guest.blk_submit");
    c->guest_complete = host_cycles(h, sc, "guest.blk_complete");
    c->irq_handler = host_cycles(h, sc, "guest.blk_irq_handler");
    c->wakeup = host_cycles(h, sc, "guest.wakeup");
    c->poll_check = host_cycles(h, sc, "guest.poll_check");
}

static void fio_workload_init(struct blk_world *w, const struct scenario *sc)
{
    const char *rw = scenario_str(sc, "fio.rw");

    w->random = g_str_has_prefix(rw, "rand");
    w->mixed = strcmp(rw, "randrw") == 0;
    w->always_write = strcmp(rw, "randwrite") == 0 || strcmp(rw, "write") == 0;
    w->rwmixread = scenario_real(sc, "fio.rwmixread");
    w->cfg.bs = (uint32_t)scenario_real(sc, "fio.bs");
    w->span = span_of(sc) / w->cfg.bs * w->cfg.bs;
    w->iodepth = (unsigned)scenario_int(sc, "fio.iodepth");
    w->open_loop = strcmp(scenario_str(sc, "fio.mode"), "open") == 0;
    w->interarrival = scenario_dist(sc, "fio.interarrival");
    w->fsync = (unsigned)scenario_int(sc, "fio.fsync");
}

static void image_init(struct blk_world *w, const struct scenario *sc)
{
    const char *cache = scenario_str(sc, "image.cache");

    const char *prealloc = scenario_str(sc, "image.preallocation");

    /* Short of full, the host file has holes where no data was written. */
    w->sparse = strcmp(prealloc, "full") != 0;
    w->qcow2_alloc = w->qcow2 && strcmp(prealloc, "off") == 0;
    w->cluster_size = (uint32_t)scenario_real(sc, "qcow2.cluster_size");
    w->refcount_blocks =
        (uint32_t)MAX(1.0, MIN(scenario_real(sc, "qcow2.refcount_cache_size") / w->cluster_size,
                               UINT32_MAX - 1.0));
    w->cache_mode = strcmp(cache, "writeback") == 0      ? BLK_CACHE_MODE_writeback
                    : strcmp(cache, "writethrough") == 0 ? BLK_CACHE_MODE_writethrough
                                                         : BLK_CACHE_MODE_none;
    w->fs_block = (uint32_t)scenario_real(sc, "image.fs_block");
    w->journal_bytes = (uint32_t)scenario_real(sc, "image.journal_bytes");
    w->free_run_blocks = (uint64_t)scenario_real(sc, "image.fs_free_run") / w->fs_block;
    w->prewritten = strcmp(scenario_str(sc, "image.prewritten"), "none") != 0;
    w->prewritten_random = strcmp(scenario_str(sc, "image.prewritten"), "random") == 0;
    w->cache_pages = (uint32_t)MIN(
        MAX(scenario_real(sc, "image.host_cache_size") / w->fs_block, 1.0), UINT32_MAX - 1.0);
    w->copy_ps_per_byte = scenario_real(sc, "image.cache_copy_per_byte") * 1e12;
}

static void vm_init(struct blk_world *w, struct blk_vm *vm, unsigned k, const struct scenario *sc)
{
    char stream[32];

    vm->w = w;
    vm->cfg = &w->cfg;
    vm->index = k;
    vm->serial_head = vm->serial_tail = BLK_NO_REQ;
    vm->cq_head = vm->cq_tail = BLK_NO_REQ;
    snprintf(vm->name, sizeof(vm->name), "vm%u", k);
    snprintf(stream, sizeof(stream), "blk.vm%u", k);
    vm->rng = sim_rng(w->sim, stream);
    timeavg_init(&vm->busy_poll, sim_now(w->sim), 0.0);
    vm->held = g_array_new(FALSE, FALSE, sizeof(uint32_t));
    hist_init(&vm->st.lat);
    blk_merge_init(vm);
    blk_image_init(vm);
    if (w->qcow2) {
        blk_qcow2_init(vm);
        uint64_t disk = (uint64_t)scenario_real(sc, "blk.disk_size");
        uint64_t entries = (uint64_t)scenario_real(sc, "qcow2.l2_cache_size") / w->l2_entry_size;

        uint64_t slices = (disk + w->slice_reach - 1) / w->slice_reach;
        bool warm = scenario_bool(sc, "qcow2.warm_start");

        blk_cache_init(&vm->l2, (uint32_t)MIN(entries, (uint64_t)UINT32_MAX - 1), slices);
        blk_cache_hash(&vm->l2, BLK_QCOW2_HASH);
        if (warm) {
            /* Slice 0 ends most recent; the load is not counted. */
            for (uint64_t s = vm->l2.capacity; s-- > 0;)
                blk_cache_access(&vm->l2, s, false, NULL);
            vm->l2.hits = vm->l2.misses = 0;
        }
        blk_backing_init(vm, entries, slices, warm);
    }
}

struct blk_world *blk_disk_new(struct sim *sim, const struct scenario *sc, struct host *clock,
                               unsigned n_vms, unsigned n_disks, const char *prefix)
{
    struct blk_world *w = g_new0(struct blk_world, 1);

    w->base.ops = &blk_model_ops;
    w->sim = sim;
    w->host = clock;
    w->prefix = prefix;
    costs_init(w, sc);
    w->cfg.poll = strcmp(scenario_str(sc, "blk.completion"), "poll") == 0;
    w->request_merging = scenario_bool(sc, "blk.request_merging");
    blk_virtio_config(&w->cfg, sc);
    w->stripe = (uint32_t)scenario_real(sc, "disk.stripe");
    w->be = blk_backend_lookup(scenario_str(sc, "blk.backend"));
    g_assert(w->be); /* the enum's choices are the rows' names */
    w->qcow2 = strcmp(scenario_str(sc, "blk.format"), "qcow2") == 0;
    w->l2_entry_size = (uint32_t)scenario_real(sc, "qcow2.l2_entry_size");
    /* An L2 entry is 8 bytes and maps one cluster (qcow2-cache.txt). */
    w->slice_reach =
        (uint64_t)(w->l2_entry_size / 8) * (uint64_t)scenario_real(sc, "qcow2.cluster_size");
    fio_workload_init(w, sc);
    image_init(w, sc);
    w->chain_len = blk_backing_depth(sc);
    w->base_raw = strcmp(scenario_str(sc, "image.backing_format"), "raw") == 0;
    w->arrival_rng = sim_rng(sim, "blk.arrivals");
    w->n_disks = n_disks;
    w->disks = g_new0(struct disk, n_disks);
    for (unsigned d = 0; d < n_disks; d++) {
        g_autofree char *stream = d ? g_strdup_printf("blk.disk%u", d) : g_strdup("blk.disk");

        disk_init(&w->disks[d], sim, (unsigned)scenario_int(sc, "disk.channels"),
                  scenario_dist(sc, "disk.read_access"), scenario_dist(sc, "disk.write_access"),
                  scenario_dist(sc, "disk.flush"), scenario_bool(sc, "disk.write_cache"),
                  scenario_real(sc, "disk.channel_rate") / 8.0, sim_rng(sim, stream));
    }
    POOL_INIT(&w->reqs, struct blk_req, next_free);
    pool_set_grow_hook(&w->reqs, sim_mem_account, sim);
    w->n_vms = n_vms;
    w->vms = g_new0(struct blk_vm, w->n_vms);
    for (unsigned k = 0; k < w->n_vms; k++)
        vm_init(w, &w->vms[k], k, sc);
    return w;
}

bool blk_disk_has_thread(const char *strategy)
{
    const struct blk_strategy_ops *ops = blk_strategy_lookup(strategy);

    g_assert(ops);
    return ops->uses_image;
}

void blk_disk_place(struct blk_world *w, unsigned vm, unsigned id, const char *strategy,
                    struct host *host, unsigned disk, const struct blk_thread *vcpu,
                    const struct blk_thread *backend)
{
    struct blk_vm *v = &w->vms[vm];

    g_assert(disk < w->n_disks);
    snprintf(v->name, sizeof(v->name), "vm%u", id);
    v->ops = blk_strategy_lookup(strategy);
    g_assert(v->ops);
    v->be = v->ops->backend ? blk_backend_lookup(v->ops->backend) : w->be;
    g_assert(v->be);
    v->merges = v->ops->merges && v->be->merges;
    v->host = host;
    v->dev = &w->disks[disk];
    g_assert(vcpu && vcpu->core);
    g_assert(!backend == !v->ops->uses_image);
    v->vcpu = *vcpu;
    if (backend)
        v->backend = *backend;
    if (v->ops->attach)
        v->ops->attach(v);
}

void blk_disk_start(struct blk_world *w)
{
    w->stat_start = sim_now(w->sim);
    for (unsigned k = 0; k < w->n_vms; k++) {
        struct blk_vm *vm = &w->vms[k];

        blk_backend_start(vm);
        if (w->open_loop)
            vm->next_arrival =
                sim_schedule(w->sim, dist_sample_time(w->interarrival, w->arrival_rng), on_arrival,
                             vm, &w, sizeof(w));
        else
            for (unsigned q = 0; q < w->iodepth; q++)
                issue(vm, q);
    }
}

/* The blk model's host: a vCPU per VM, each on a core of its own while
 * there are cores, and the software paths' I/O threads on the cores left
 * as host.backend_placement says. */
static bool check_cores(const struct scenario *sc, GError **error)
{
    int64_t cores = scenario_int(sc, "host.cores"), vms = scenario_int(sc, "blk.vms");

    if (scenario_bool(sc, "host.pin_vcpus") && vms > cores) {
        scenario_error(sc, "blk.vms", error,
                       "%" G_GINT64_FORMAT
                       " vCPUs (one per VM) cannot be pinned on %" G_GINT64_FORMAT
                       " host cores (host.pin_vcpus)",
                       vms, cores);
        return false;
    }
    if (blk_disk_has_thread(scenario_str(sc, "blk.strategy")) &&
        g_strcmp0(scenario_str(sc, "host.backend_placement"), "pinned") == 0 &&
        cores - MIN(vms, cores) < vms) {
        scenario_error(sc, "host.backend_placement", error,
                       "pinned I/O threads need a core per VM beyond the vCPUs' (%" G_GINT64_FORMAT
                       " VMs, %" G_GINT64_FORMAT " host cores)",
                       vms, cores);
        return false;
    }
    return true;
}

static bool blk_check(const struct scenario *sc, GError **error)
{
    return blk_disk_check(sc, scenario_str(sc, "blk.strategy"), error) && check_cores(sc, error);
}

/* The VM's thread numbers: 2k its vCPU, 2k + 1 its I/O thread. */
static void bill_switch(void *ctx, int owner, sim_time t)
{
    struct blk_world *w = ctx;

    w->vms[owner / 2].host_busy += t;
}

/* vCPU k on core k (in turn when host.pin_vcpus is off and they are
 * fewer), then each I/O thread where host_backend_core() puts it, as the
 * net model places its backends. */
static void place_threads(struct blk_world *w, struct host *h, const char *strategy)
{
    unsigned n = h->cpu.n_cores, vcpu_cores = MIN(w->n_vms, n), next = 0;
    bool has_thread = blk_disk_has_thread(strategy);

    h->sched.bill = bill_switch;
    h->sched.bill_ctx = w;
    for (unsigned k = 0; k < w->n_vms; k++) {
        struct blk_thread vcpu = { &h->cpu.cores[k % n], (int)(2 * k) }, io = { NULL, 0 };

        vcpu.core->n_threads++;
        if (has_thread)
            io = (struct blk_thread){ host_backend_core(h, vcpu_cores, n - vcpu_cores, k,
                                                        &vcpu.core, 1, &next),
                                      (int)(2 * k + 1) };
        blk_disk_place(w, k, k, strategy, h, 0, &vcpu, has_thread ? &io : NULL);
    }
}

static struct model *blk_create(struct sim *sim, const struct scenario *sc, GError **error)
{
    struct blk_world *w;
    struct host *host;

    if (!blk_check(sc, error))
        return NULL;
    host = g_new0(struct host, 1);
    host_init(host, sim, sc);
    w = blk_disk_new(sim, sc, host, (unsigned)scenario_int(sc, "blk.vms"), 1, "");
    w->own_host = host;
    place_threads(w, host, scenario_str(sc, "blk.strategy"));
    blk_disk_start(w);
    return &w->base;
}

void blk_disk_warmup_end(struct blk_world *w)
{
    sim_time now = sim_now(w->sim);

    w->stat_start = now;
    if (w->own_host)
        host_reset_stats(w->own_host);
    for (unsigned d = 0; d < w->n_disks; d++)
        disk_reset_stats(&w->disks[d]);
    for (unsigned k = 0; k < w->n_vms; k++) {
        struct blk_vm *vm = &w->vms[k];
        struct hist lat = vm->st.lat;

        memset(&vm->st, 0, sizeof(vm->st));
        vm->st.lat = lat;
        hist_reset(&vm->st.lat);
        vm->guest_busy = vm->host_busy = vm->halt_poll = vm->poll_busy = 0;
        vm->poll_from = now; /* a polling window's spin before the cut is not counted */
        timeavg_reset(&vm->busy_poll, now);
        if (w->qcow2) {
            vm->l2.hits = vm->l2.misses = 0;
            vm->q.backing_reads = vm->q.cow_bytes = 0;
            vm->q.l2_allocs = vm->q.rc_block_allocs = vm->q.rc_table_growths = 0;
            vm->q.lookups = vm->q.lookup_entries = 0;
        }
        blk_image_reset_stats(vm);
    }
}

/* ---- results ---- */

struct blk_totals {
    struct blk_stats st; /* lat unused */
    double guest_cpu, host_cpu;
    uint64_t hits, misses, issued, completed, in_flight;
    /* the image file */
    uint64_t alloc_writes, meta_bytes, guest_writes, page_hits, page_misses;
    uint64_t reads, zero_reads;        /* the image file */
    uint64_t extents;                  /* the image files' (end of run) */
    uint64_t backing_reads, cow_bytes; /* qcow2 */
    uint64_t l2_allocs, rc_block_allocs, rc_table_growths;
    uint64_t lookups, lookup_entries; /* qcow2's L2 cache */
};

static void add_image(struct blk_totals *t, const struct blk_totals *vm)
{
    t->alloc_writes += vm->alloc_writes;
    t->meta_bytes += vm->meta_bytes;
    t->guest_writes += vm->guest_writes;
    t->page_hits += vm->page_hits;
    t->page_misses += vm->page_misses;
    t->reads += vm->reads;
    t->backing_reads += vm->backing_reads;
    t->zero_reads += vm->zero_reads;
    t->extents += vm->extents;
    t->cow_bytes += vm->cow_bytes;
    t->l2_allocs += vm->l2_allocs;
    t->lookups += vm->lookups;
    t->lookup_entries += vm->lookup_entries;
    t->rc_block_allocs += vm->rc_block_allocs;
    t->rc_table_growths += vm->rc_table_growths;
}

static void add_totals(struct blk_totals *t, const struct blk_stats *st)
{
    t->st.completed += st->completed;
    t->st.bytes += st->bytes;
    t->st.exits += st->exits;
    t->st.submit_passes += st->submit_passes;
    t->st.flushes += st->flushes;
    t->st.merged += st->merged;
    t->st.device_requests += st->device_requests;
    t->st.kicks += st->kicks;
    t->st.irqs += st->irqs;
    t->st.wakeups += st->wakeups;
    for (unsigned k = 0; k < HV_N_EXITS; k++)
        t->st.exits_by[k] += st->exits_by[k];
    t->st.lat_ps_sum += st->lat_ps_sum;
    for (unsigned s = 0; s < BLK_N_STAGES; s++)
        t->st.stage_ps_sum[s] += st->stage_ps_sum[s];
}

/* A metric named with the disk's prefix ("disk_" beside a NIC's metrics). */
static void put(const struct blk_world *w, struct report *out, const char *scope, const char *name,
                double value, const char *unit)
{
    char full[96];

    snprintf(full, sizeof(full), "%s%s", w->prefix, name);
    report_metric(out, scope, full, value, unit);
}

static void report_scope(struct blk_world *w, struct report *out, const char *scope,
                         const struct blk_totals *t, const struct hist *lat, double span)
{
    double n = (double)t->st.completed, per_req = n > 0 ? 1.0 / n : NAN; /* NaN: undefined */

    put(w, out, scope, "iops", span > 0 ? n / span : 0, "1/s");
    put(w, out, scope, "bandwidth", span > 0 ? (double)t->st.bytes / span : 0, "B/s");
    put(w, out, scope, "requests", n, "1");
    put(w, out, scope, "latency_mean", (double)t->st.lat_ps_sum * 1e-12 * per_req, "s");
    put(w, out, scope, "latency_p50", hist_quantile_defined(lat, 0.5) * 1e-12, "s");
    put(w, out, scope, "latency_p99", hist_quantile_defined(lat, 0.99) * 1e-12, "s");
    put(w, out, scope, "latency_p999", hist_quantile_defined(lat, 0.999) * 1e-12, "s");
    put(w, out, scope, "exits_per_request", (double)t->st.exits * per_req, "1");
    put(w, out, scope, "kicks_per_request", (double)t->st.kicks * per_req, "1");
    put(w, out, scope, "interrupts_per_request", (double)t->st.irqs * per_req, "1");
    put(w, out, scope, "backend_wakeups_per_request", (double)t->st.wakeups * per_req, "1");
    put(w, out, scope, "flushes_per_second", span > 0 ? (double)t->st.flushes / span : 0, "1/s");
    put(w, out, scope, "merged_per_request", (double)t->st.merged * per_req, "1");
    put(w, out, scope, "device_requests_per_request", (double)t->st.device_requests * per_req, "1");
    put(w, out, scope, "image_extents", (double)t->extents, "1");
    put(w, out, scope, "alloc_writes_per_write",
        t->guest_writes ? (double)t->alloc_writes / (double)t->guest_writes : NAN, "1");
    put(w, out, scope, "metadata_bytes_per_request", (double)t->meta_bytes * per_req, "B");
    put(w, out, scope, "zero_read_fraction",
        t->reads ? (double)t->zero_reads / (double)t->reads : NAN, "1");
    if (w->cache_mode != BLK_CACHE_MODE_none)
        put(w, out, scope, "host_cache_hit_rate",
            t->page_hits + t->page_misses
                ? (double)t->page_hits / (double)(t->page_hits + t->page_misses)
                : NAN,
            "1");
    put(w, out, scope, "requests_per_submit_pass",
        t->st.submit_passes ? (double)t->st.completed / (double)t->st.submit_passes : NAN, "1");
    for (unsigned k = 0; k < HV_N_EXITS; k++) {
        char name[64];

        snprintf(name, sizeof(name), "exits_%s_per_second", hv_exit_names[k]);
        put(w, out, scope, name, span > 0 ? (double)t->st.exits_by[k] / span : 0, "1/s");
    }
    put(w, out, scope, "guest_cpu", t->guest_cpu, "1");
    put(w, out, scope, "host_cpu", t->host_cpu, "1");
    if (w->qcow2) {
        double reads = t->reads ? 1.0 / (double)t->reads : NAN;

        put(w, out, scope, "l2_hit_rate",
            t->hits + t->misses ? (double)t->hits / (double)(t->hits + t->misses) : NAN, "1");
        put(w, out, scope, "backing_read_fraction", (double)t->backing_reads * reads, "1");
        put(w, out, scope, "cow_bytes_per_write",
            t->guest_writes ? (double)t->cow_bytes / (double)t->guest_writes : NAN, "B");
        put(w, out, scope, "l2_entries_per_lookup",
            t->lookups ? (double)t->lookup_entries / (double)t->lookups : NAN, "1");
        put(w, out, scope, "l2_table_allocs", (double)t->l2_allocs, "1");
        put(w, out, scope, "refcount_block_allocs", (double)t->rc_block_allocs, "1");
        put(w, out, scope, "refcount_table_growths", (double)t->rc_table_growths, "1");
    }
    for (unsigned s = 0; s < BLK_N_STAGES; s++) {
        char name[48];

        snprintf(name, sizeof(name), "stage_%s", blk_stage_names[s]);
        put(w, out, scope, name, (double)t->st.stage_ps_sum[s] * 1e-12 * per_req, "s");
    }
    put(w, out, scope, "issued_total", (double)t->issued, "1");
    put(w, out, scope, "completed_total", (double)t->completed, "1");
    put(w, out, scope, "in_flight", (double)t->in_flight, "1");
    {
        char name[64];

        snprintf(name, sizeof(name), "%slatency", w->prefix);
        report_hist(out, scope, name, lat, 1e-12, "s");
    }
}

static void vm_totals(struct blk_vm *vm, struct blk_totals *t)
{
    struct blk_world *w = vm->w;
    double spin = timeavg_mean(&vm->busy_poll, sim_now(w->sim));
    double span = sim_time_to_s(sim_now(w->sim) - w->stat_start);
    double work = span > 0 ? sim_time_to_s(vm->guest_busy) / span : 0.0;

    memset(t, 0, sizeof(*t));
    add_totals(t, &vm->st);
    /* A polling guest spins whenever a request is outstanding. */
    t->guest_cpu = w->cfg.poll ? MAX(spin, work) : work;
    if (!vm->ops->uses_image)
        t->host_cpu = 0.0;
    else if (vm->be->polls && !vm->spins) /* on a core of its own it spins all along */
        t->host_cpu = 1.0;
    else
        t->host_cpu = span > 0 ? sim_time_to_s(vm->host_busy) / span : 0.0;
    if (span > 0)
        t->host_cpu += sim_time_to_s(vm->halt_poll) / span;
    if (w->qcow2) {
        t->hits = vm->l2.hits;
        t->misses = vm->l2.misses;
        t->backing_reads = vm->q.backing_reads;
        t->cow_bytes = vm->q.cow_bytes;
        t->l2_allocs = vm->q.l2_allocs;
        t->lookups = vm->q.lookups;
        t->lookup_entries = vm->q.lookup_entries;
        t->rc_block_allocs = vm->q.rc_block_allocs;
        t->rc_table_growths = vm->q.rc_table_growths;
    }
    t->issued = vm->issued_total;
    t->completed = vm->completed_total;
    t->in_flight = vm->in_flight;
    t->alloc_writes = vm->image.alloc_writes;
    t->meta_bytes = vm->image.meta_bytes;
    t->guest_writes = vm->image.guest_writes;
    t->reads = vm->image.reads;
    t->zero_reads = vm->image.zero_reads;
    t->extents = vm->ops->uses_image ? blk_extents_count(&vm->image.map) : 0;
    if (w->cache_mode != BLK_CACHE_MODE_none) {
        t->page_hits = vm->image.pages.hits;
        t->page_misses = vm->image.pages.misses;
    }
}

/* Mean over the hosts' SSDs of their utilization or queue length. */
static double devices_mean(const struct blk_world *w, bool queue)
{
    double sum = 0;

    for (unsigned d = 0; d < w->n_disks; d++)
        sum += queue ? timeavg_mean(&w->disks[d].srv.qlen_avg, sim_now(w->sim))
                     : disk_utilization(&w->disks[d]);
    return sum / w->n_disks;
}

/* Flush commands the hosts' SSDs served (not the requests' flushes). */
static double device_flushes(const struct blk_world *w)
{
    uint64_t n = 0;

    for (unsigned d = 0; d < w->n_disks; d++)
        n += w->disks[d].flushes;
    return (double)n;
}

void blk_disk_report(struct blk_world *w, struct report *out)
{
    double span = sim_time_to_s(sim_now(w->sim) - w->stat_start);
    struct blk_totals all, t;
    struct hist lat;

    memset(&all, 0, sizeof(all));
    hist_init(&lat);
    for (unsigned k = 0; k < w->n_vms; k++) {
        struct blk_vm *vm = &w->vms[k];

        vm_totals(vm, &t);
        report_scope(w, out, vm->name, &t, &vm->st.lat, span);
        add_totals(&all, &t.st);
        all.guest_cpu += t.guest_cpu;
        all.host_cpu += t.host_cpu;
        all.hits += t.hits;
        all.misses += t.misses;
        all.issued += t.issued;
        all.completed += t.completed;
        all.in_flight += t.in_flight;
        add_image(&all, &t);
        hist_merge(&lat, &vm->st.lat);
    }
    report_scope(w, out, "all", &all, &lat, span);
    put(w, out, "all", "device_utilization", devices_mean(w, false), "1");
    put(w, out, "all", "device_queue_mean", devices_mean(w, true), "1");
    put(w, out, "all", "device_flushes_per_second", span > 0 ? device_flushes(w) / span : 0, "1/s");
    /* Beside a NIC the world reports its hosts' switches itself. */
    if (w->own_host)
        put(w, out, "all", "context_switches", (double)w->own_host->cpu.switches, "1");
    hist_release(&lat);
}

void blk_disk_free(struct blk_world *w)
{
    /* Pending events point at the world; the sim is freed right after us
     * and never runs them. */
    for (unsigned k = 0; k < w->n_vms; k++) {
        struct blk_vm *vm = &w->vms[k];

        if (vm->next_arrival)
            sim_cancel(w->sim, vm->next_arrival);
        hist_release(&vm->st.lat);
        g_array_free(vm->held, TRUE);
        if (vm->ops && vm->ops->detach)
            vm->ops->detach(vm);
        blk_merge_release(vm);
        if (w->qcow2) {
            blk_cache_release(&vm->l2);
            blk_backing_release(vm);
            blk_qcow2_release(vm);
        }
        blk_image_release(vm);
    }
    for (unsigned d = 0; d < w->n_disks; d++)
        disk_release(&w->disks[d]);
    g_free(w->disks);
    if (w->own_host) {
        host_release(w->own_host);
        g_free(w->own_host);
    }
    pool_release(&w->reqs);
    g_free(w->vms);
    g_free(w);
}

static void blk_warmup_end(struct model *base)
{
    blk_disk_warmup_end(container_of(base, struct blk_world, base));
}

static void blk_report(struct model *base, struct report *out)
{
    blk_disk_report(container_of(base, struct blk_world, base), out);
}

static void blk_destroy(struct model *base)
{
    blk_disk_free(container_of(base, struct blk_world, base));
}

const struct param_table blk_param_table = { .params = blk_params, .n = &blk_n_params };

static const struct param_table *const blk_param_tables[] = {
    &blk_param_table,    &host_param_table,      &hv_param_table,
    &guest_param_table,  &iommu_param_table,     &pcie_param_table,
    &virtio_param_table, &emulation_param_table, NULL,
};

const struct model_ops blk_model_ops = {
    .name = "blk",
    .help =
        "virtual disks: emulation, virtio-blk (five backends), passthrough, bare metal; raw/qcow2",
    .tables = blk_param_tables,
    .check = blk_check,
    .create = blk_create,
    .warmup_end = blk_warmup_end,
    .report = blk_report,
    .destroy = blk_destroy,
    .mem_estimate = blk_mem_estimate,
    .stages = blk_stage_names,
    .n_stages = BLK_N_STAGES,
};
