/* virtio-blk: the request queue is a virtqueue of models/virtio (vring.c,
 * split or packed), the one virtio-net's queues are, with the features the
 * virtio.* keys negotiate. The guest driver adds each request to the ring
 * and kicks when the ring's rule says so (Linux drivers/block/virtio_blk.c
 * virtio_queue_rq(): add, kick_prepare, notify); the exit is the backend
 * row's (backend.c): to user space for QEMU's threads, an ioeventfd for
 * vhost, none for a thread that polls. The device's thread sleeps with
 * notifications on, a kick wakes it, it drains the ring with them off and
 * turns them back on when it has nothing left, looking once more (QEMU
 * virtio_blk_handle_vq(), vhost's handle loop). Completions go on the used
 * ring; the device interrupts when the ring's rule says so, and the
 * guest's handler reaps the used ring until its re-enabled callbacks find
 * nothing new (virtblk_done()). So at depth EVENT_IDX spares kicks and
 * interrupts as it does for the NIC. Left out: multiqueue, the guest block
 * layer's plugging (bd->last), QEMU's writing avail_event when it turns
 * notifications off (vring.c leaves it stale, as vhost does), indirect
 * descriptor tables' own memory. */
#include <string.h>

#include "../virtio/virtio_features.h"
#include "blk_dev.h"
#include "scenario.h"

/* The device-independent bits (spec 6): the ring's, which virtio-blk's
 * device offers from the same virtio.* lists as virtio-net's. */
#define RING_FEATURES                                                            \
    (VIRTIO_BIT(INDIRECT_DESC) | VIRTIO_BIT(EVENT_IDX) | VIRTIO_BIT(VERSION_1) | \
     VIRTIO_BIT(ACCESS_PLATFORM) | VIRTIO_BIT(RING_PACKED))

static uint64_t features_of(const struct scenario *sc, const char *key)
{
    uint64_t set = 0;
    bool ok = virtio_features_parse(scenario_str(sc, key), &set, NULL);

    g_assert(ok); /* the key's check parsed it */
    return set & RING_FEATURES;
}

/* QEMU's virtio-blk offers the listed ring features, EVENT_IDX unless
 * virtio.event_idx withdraws it, RING_PACKED with virtio.ring = packed
 * unless the backend is the kernel's vhost (its core has no packed ring,
 * drivers/vhost). The driver accepts what it knows. */
static bool negotiate(const struct scenario *sc, struct virtio_negotiation *neg, GError **error)
{
    uint64_t offered = features_of(sc, "virtio.device_features");
    int64_t size = scenario_int(sc, "virtio.ring_size");
    GError *e = NULL;
    bool packed;

    if (!scenario_bool(sc, "virtio.event_idx"))
        offered &= ~VIRTIO_BIT(EVENT_IDX);
    if (strcmp(scenario_str(sc, "virtio.ring"), "packed") == 0)
        offered |= VIRTIO_BIT(RING_PACKED);
    if (strcmp(scenario_str(sc, "blk.backend"), "vhost") == 0)
        offered &= ~VIRTIO_BIT(RING_PACKED);
    if (!virtio_negotiate(offered, features_of(sc, "virtio.driver_features"),
                          features_of(sc, "virtio.driver_requires"), 1, neg, &e)) {
        scenario_error(sc,
                       scenario_is_set(sc, "virtio.driver_requires") ? "virtio.driver_requires"
                                                                     : "virtio.device_features",
                       error, "virtio-blk: %s", e->message);
        g_error_free(e);
        return false;
    }
    /* Spec 2.7 and 2.8: a split ring's size is a power of two, a packed
     * ring's at most 2^15. */
    packed = virtio_has(neg->accepted, VIRTIO_F_RING_PACKED);
    if (packed ? size > VRING_MAX_SIZE : (size & (size - 1)) != 0) {
        scenario_error(sc, "virtio.ring_size", error,
                       "%" G_GINT64_FORMAT " descriptors is no %s ring's size (split: a power of "
                       "two; packed: at most 32768)",
                       size, packed ? "packed" : "split");
        return false;
    }
    return true;
}

static bool virtio_blk_check(const struct scenario *sc, GError **error)
{
    struct virtio_negotiation neg;

    return negotiate(sc, &neg, error);
}

void blk_virtio_config(struct blk_dev_cfg *cfg, const struct scenario *sc)
{
    struct virtio_negotiation neg;

    cfg->vq_size = 0;
    if (!negotiate(sc, &neg, NULL))
        return;
    cfg->vq_size = (uint16_t)scenario_int(sc, "virtio.ring_size");
    cfg->vq_event_idx = virtio_has(neg.accepted, VIRTIO_F_EVENT_IDX);
    cfg->vq_packed = virtio_has(neg.accepted, VIRTIO_F_RING_PACKED);
    cfg->vq_indirect = virtio_has(neg.accepted, VIRTIO_F_INDIRECT_DESC);
}

static void virtio_blk_attach(struct blk_vm *vm)
{
    g_assert(vm->cfg->vq_size); /* virtio_blk_check() */
    vm->vq = g_new0(struct vring, 1);
    vring_init(vm->vq, vm->cfg->vq_size, vm->cfg->vq_event_idx, vm->cfg->vq_packed);
    vm->blocked = vm->avail_head = vm->avail_tail = BLK_NO_REQ;
    vm->sub_q_head = vm->sub_q_tail = BLK_NO_REQ;
    /* A polling thread never sleeps and asks for no kicks; a polling
     * guest's queue has no interrupt (Linux's poll queues get no vector). */
    if (vm->be->polls) {
        vm->dev_state = BLK_DEV_AWAKE;
        vring_disable_notify(vm->vq);
    } else {
        vring_enable_notify(vm->vq);
    }
    if (vm->cfg->poll)
        vring_disable_cb(vm->vq);
}

static void virtio_blk_detach(struct blk_vm *vm)
{
    struct blk_world *w = vm->w;

    (void)w;
    vring_release(vm->vq);
    g_free(vm->vq);
    vm->vq = NULL;
}

/* ---- lists of requests, linked through next ---- */

/* ---- the device: the backend thread ---- */

static void to_host(struct blk_vm *vm, struct blk_req *r)
{
    blk_host_submit(vm, r,
                    vm->be->in_kernel ? vm->cfg->c.vhost_per_request : vm->cfg->c.qemu_per_request);
}

/* ---- an IOThread's adaptive polling (QEMU util/aio-posix.c) ---- */

#define POLL_START_NS 4000 /* adjust_polling_time(): the first window */
#define POLL_GROW     2    /* poll-grow's default */

/* The thread blocked from @idle_since until now: QEMU's
 * adjust_polling_time() grows the window when the wait would have fit in
 * poll-max-ns, and drops it (poll-shrink 0) when it would not. */
static void poll_adjust(struct blk_vm *vm)
{
    sim_time max = vm->cfg->c.iothread_poll_max, blocked = sim_now(vm->host->sim) - vm->idle_since;

    if (blocked <= vm->poll_ns)
        return;
    if (blocked > max)
        vm->poll_ns = 0;
    else if (vm->poll_ns < max)
        vm->poll_ns = MIN(vm->poll_ns ? vm->poll_ns * POLL_GROW : POLL_START_NS * SIM_NS, max);
}

/* The window is over: the thread spun from @poll_from until now, except
 * while it ran jobs (its completion passes), which its CPU holds already. */
static void poll_over(struct blk_vm *vm)
{
    sim_time spun = sim_now(vm->host->sim) - vm->poll_from, jobs = vm->host_busy - vm->poll_busy;

    vm->host_busy = vm->poll_busy + MAX(spun, jobs);
    vm->dev_state = BLK_DEV_AWAKE;
}

/* A request came while the thread polled: it takes it at once. */
static void poll_stop(struct blk_vm *vm)
{
    sim_cancel(vm->host->sim, vm->poll_end);
    poll_over(vm);
}

/* The thread, woken or waking, takes what the ring holds, in ring order,
 * up to a request whose vCPU is still in its kick (the buffer is
 * published, but the model runs one step of a request at a time). Its
 * jobs queue on its core behind the wake-up. */
static void drain(struct blk_vm *vm)
{
    if (vm->dev_state == BLK_DEV_POLLING && vm->avail_head != BLK_NO_REQ &&
        blk_req_at(vm, vm->avail_head)->ready)
        poll_stop(vm);
    while (vm->avail_head != BLK_NO_REQ && blk_req_at(vm, vm->avail_head)->ready) {
        struct blk_req *r = blk_list_pop(vm, &vm->avail_head);
        int head = vring_pop_avail(vm->vq);

        g_assert(head == r->head);
        to_host(vm, r);
    }
}

/* A woken thread turns notifications off once it runs: kicks before
 * find them on under the flags scheme, off under EVENT_IDX (its
 * avail_event is stale). When it runs is computed, not an event: its
 * wake-up is the first part of the first job it takes. */
static void settle(struct blk_vm *vm, bool force)
{
    if (vm->dev_state != BLK_DEV_WAKING || (!force && sim_now(vm->host->sim) < vm->woken_at))
        return;
    vm->dev_state = BLK_DEV_AWAKE;
    vring_disable_notify(vm->vq);
}

/* A kick reached the device: a sleeping thread wakes (virtio.wake, paid
 * by the first request it takes). */
static void device_kicked(struct blk_vm *vm)
{
    if (vm->dev_state != BLK_DEV_ASLEEP)
        return;
    if (blk_iothread_polls(vm))
        poll_adjust(vm);
    vm->dev_state = BLK_DEV_WAKING;
    vm->woken_at = sim_now(vm->host->sim) + vm->cfg->c.backend_wake;
    vm->wake_owed = true;
    vm->st.wakeups++;
    drain(vm);
}

/* Notifications on, then one more look: asleep, or back to work. */
static void sleep_or_drain(struct blk_vm *vm)
{
    if (vring_enable_notify(vm->vq)) {
        vm->dev_state = BLK_DEV_ASLEEP;
        return;
    }
    vring_disable_notify(vm->vq);
    drain(vm);
}

static void on_poll_end(struct sim *sim, void *ctx, const void *payload)
{
    struct blk_vm *vm = ctx;

    (void)sim;
    (void)payload;
    g_assert(vm->dev_state == BLK_DEV_POLLING);
    poll_over(vm);
    sleep_or_drain(vm);
}

/* Nothing left in a pass. An IOThread with a polling window spins on the
 * virtqueue with notifications still off (aio_poll() runs the poll
 * handlers before it blocks), on a core of its own (sharing one, the
 * model lets it sleep at once); otherwise, or when the window ends, it
 * sleeps. */
static void virtio_blk_idle(struct blk_vm *vm)
{
    settle(vm, true);
    if (vm->dev_state != BLK_DEV_AWAKE || vm->be->polls)
        return;
    /* aio_poll() polls only once its handlers are done (blk_backend_spin()
     * calls again after the last job). */
    if (blk_iothread_polls(vm) && vm->backend_jobs)
        return;
    vm->idle_since = sim_now(vm->host->sim);
    if (blk_iothread_polls(vm) && vm->poll_ns && vm->backend.core->n_threads == 1) {
        vm->dev_state = BLK_DEV_POLLING;
        vm->poll_busy = vm->host_busy;
        vm->poll_from = vm->idle_since;
        vm->poll_end = sim_schedule(vm->host->sim, vm->poll_ns, on_poll_end, vm, NULL, 0);
        return;
    }
    sleep_or_drain(vm);
}

/* ---- the driver: submission ---- */

/* @r is published: the device may take it once awake. */
static void ready(struct blk_vm *vm, struct blk_req *r)
{
    r->ready = true;
    blk_step(vm, r, BLK_STAGE_backend);
    if (vm->dev_state != BLK_DEV_ASLEEP)
        drain(vm);
}

static void submit_next(struct blk_vm *vm);

static void kicked(struct blk_vm *vm, struct blk_req *r)
{
    ready(vm, r);
    device_kicked(vm);
    submit_next(vm);
}

/* The request header, the data and the status byte: three descriptors,
 * or one indirect descriptor pointing at them. False while the ring has
 * too few free. */
static bool ring_add(struct blk_vm *vm, struct blk_req *r)
{
    unsigned n_out = vm->cfg->vq_indirect ? 1 : 1 + (r->is_write && !r->is_flush);
    unsigned n_in = vm->cfg->vq_indirect ? 0 : 1 + (!r->is_write && !r->is_flush);
    int head = vring_add_buf(vm->vq, n_out, n_in, r->bytes, r->idx);

    if (head < 0)
        return false;
    r->head = (uint16_t)head;
    blk_list_push(vm, &vm->avail_head, &vm->avail_tail, r);
    settle(vm, false);
    /* Whether to notify follows the ring; a polling device never asks. */
    r->kicked = vring_kick_prepare(vm->vq) && vm->be->kick != HV_N_EXITS;
    vm->st.kicks += r->kicked;
    if (!r->kicked) {
        blk_backend_notice(vm, r, BLK_STAGE_backend, ready);
        submit_next(vm);
        return true;
    }
    struct blk_part part = { BLK_STAGE_exit, blk_exits(vm, r, vm->be->kick, 1) };

    blk_run(vm, &vm->vcpu, r, BLK_STAGE_exit, &part, 1, kicked);
    return true;
}

/* The guest's work is done: onto the ring, or, while the ring is full,
 * the driver's queue stops (blk-mq's BLK_STS_DEV_RESOURCE) until a
 * completion frees descriptors. */
static void published(struct blk_vm *vm, struct blk_req *r)
{
    g_assert(vm->blocked == BLK_NO_REQ);
    if (!ring_add(vm, r))
        vm->blocked = r->idx;
}

static void refill(struct blk_vm *vm)
{
    if (vm->blocked != BLK_NO_REQ && ring_add(vm, blk_req_at(vm, vm->blocked)))
        vm->blocked = BLK_NO_REQ;
}

static void guest_submit(struct blk_vm *vm, struct blk_req *r)
{
    struct blk_part part = { BLK_STAGE_guest_submit, vm->cfg->c.guest_submit };

    blk_run(vm, &vm->vcpu, r, BLK_STAGE_guest_submit, &part, 1, published);
}

/* One request at a time goes through the driver's submission, its kick's
 * exit included, as the submitting thread makes them in turn: a later
 * request's work does not slip in between an add and its notify. */
static void submit_next(struct blk_vm *vm)
{
    if (vm->sub_q_head == BLK_NO_REQ) {
        vm->submitting = false;
        return;
    }
    guest_submit(vm, blk_list_pop(vm, &vm->sub_q_head));
}

static void virtio_blk_submit(struct blk_vm *vm, struct blk_req *r)
{
    if (blk_flush_ends_in_guest(vm, r))
        return;
    if (vm->submitting) {
        blk_list_push(vm, &vm->sub_q_head, &vm->sub_q_tail, r);
        return;
    }
    vm->submitting = true;
    guest_submit(vm, r);
}

static void virtio_blk_device_done(struct blk_vm *vm, struct blk_req *r)
{
    blk_host_complete(vm, r, 0);
}

/* ---- the driver: completion ---- */

static void reaped_done(struct blk_vm *vm, struct blk_req *r);

/* The handler's loop (virtblk_done()), callbacks off: the next used
 * buffer's completion (guest.wakeup and the block layer's) on the vCPU;
 * with none left, callbacks on, and if one came meanwhile, on. */
static void reap_next(struct blk_vm *vm)
{
    uint64_t token;

    while ((token = vring_get_buf(vm->vq, NULL)) == VRING_NONE) {
        if (vring_enable_cb(vm->vq)) {
            vm->irq_pass = false;
            return;
        }
        vring_disable_cb(vm->vq);
    }
    blk_reap(vm, blk_req_at(vm, (uint32_t)token), reaped_done);
    refill(vm);
}

static void reaped_done(struct blk_vm *vm, struct blk_req *r)
{
    blk_req_finish(vm, r);
    reap_next(vm);
}

/* The backend pushed @r on the used ring. An interrupt starts the
 * handler's pass (its cost on the first completion it reaps); one raised
 * while a pass is open merges with it (its vector is pending or in
 * service: no more exits, the loop finds @r). */
static void virtio_blk_complete(struct blk_vm *vm, struct blk_req *r)
{
    uint64_t token;

    vring_push_used(vm->vq, r->head, r->is_write || r->is_flush ? 1 : r->bytes + 1);
    r->irq_exit_ps = 0;
    if (vm->cfg->poll) {
        /* The spinning guest reaps it (guest.poll_check later). */
        token = vring_get_buf(vm->vq, NULL);
        g_assert(token == r->idx);
        refill(vm);
        blk_guest_complete(vm, r, 0);
        return;
    }
    blk_step(vm, r, BLK_STAGE_irq);
    if (!vring_need_interrupt(vm->vq))
        return;
    if (vm->irq_pass) {
        vm->st.irqs++;
        return;
    }
    r->irq_exit_ps = blk_irq_injection(vm, r);
    vm->irq_pass = true;
    vm->handler_owed = true;
    vring_disable_cb(vm->vq);
    reap_next(vm);
}

const struct blk_strategy_ops blk_virtio_blk_ops = {
    .name = "virtio-blk",
    .uses_image = true,
    .check = virtio_blk_check,
    .submit = virtio_blk_submit,
    .device_done = virtio_blk_device_done,
    .complete = virtio_blk_complete,
    .attach = virtio_blk_attach,
    .detach = virtio_blk_detach,
    .idle = virtio_blk_idle,
    .merges = true,
};
