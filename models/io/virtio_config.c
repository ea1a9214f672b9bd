/* virtio-net's configuration side. What the device offers: the
 * virtio.device_features list as QEMU's properties change it (event_idx=off
 * withdraws EVENT_IDX, packed=on adds RING_PACKED) less what its backend
 * lacks (kernel vhost-net has no packed ring: drivers/vhost/net.c
 * VHOST_NET_FEATURES, and QEMU masks the bits of hw/net/vhost_net.c
 * kernel_feature_bits that the backend does not offer). Start-up and reset
 * run access by access as Linux's modern virtio-pci driver makes them
 * (drivers/virtio/virtio.c virtio_dev_probe(), virtio_pci_modern.c
 * setup_vq(), vp_reset()): each access is an exit on the guest's vCPU, a
 * job of its core like any other (QEMU handles the configuration space in
 * user space whatever the backend), then QEMU's requests to its backend
 * while it handles DRIVER_OK; the VM sends from there on. Left out: the
 * MSI-X table writes (the vector's own set-up), the control queue's
 * commands after DRIVER_OK, the guest's own time between accesses. */
#include "virtio_config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "../hw/cpu.h"

enum virtio_backend virtio_backend_of(const struct scenario *sc)
{
    const char *b = scenario_str(sc, "virtio.backend");

    if (strcmp(b, "vhost") == 0)
        return VIRTIO_BACKEND_VHOST;
    return strcmp(b, "vhost-user") == 0 ? VIRTIO_BACKEND_VHOST_USER : VIRTIO_BACKEND_QEMU;
}

/* What the backend cannot do, so that QEMU does not offer it. */
static uint64_t backend_lacks(enum virtio_backend b)
{
    return b == VIRTIO_BACKEND_VHOST ? VIRTIO_BIT(RING_PACKED) : 0;
}

/* A list key's value; the registry's check has parsed it already. */
static uint64_t list_of(const struct scenario *sc, const char *key)
{
    uint64_t set = 0;
    bool ok = virtio_features_parse(scenario_str(sc, key), &set, NULL);

    g_assert(ok);
    return set;
}

/* Why virtio.ring = packed left a split ring, or "" when it was not asked
 * for. */
static const char *packed_refused(const struct scenario *sc)
{
    if (strcmp(scenario_str(sc, "virtio.ring"), "packed") != 0)
        return "";
    if (backend_lacks(virtio_backend_of(sc)) & VIRTIO_BIT(RING_PACKED))
        return "; virtio.ring = packed was not negotiated: kernel vhost has no packed ring, so "
               "QEMU does not offer it (use backend qemu or vhost-user)";
    return "; virtio.ring = packed was not negotiated: virtio.driver_features lacks RING_PACKED";
}

static bool ring_size_ok(const struct scenario *sc, const struct virtio_negotiation *neg,
                         GError **error)
{
    int64_t size = scenario_int(sc, "virtio.ring_size");

    /* Spec 2.8: a packed ring of any size up to 2^15 (bit 15 of its event
     * offsets is the wrap counter); spec 2.7 and Linux's
     * vring_create_virtqueue_split(): a split ring's is a power of two. */
    if (virtio_packed(neg) && size > 32768) {
        scenario_error(sc, "virtio.ring_size", error,
                       "a packed ring holds at most 32768 descriptors, not %" G_GINT64_FORMAT,
                       size);
        return false;
    }
    if (!virtio_packed(neg) && (size & (size - 1))) {
        scenario_error(sc, "virtio.ring_size", error,
                       "ring size %" G_GINT64_FORMAT " is not a power of two (the split ring's "
                       "rule; only a packed ring may have any size)%s",
                       size, packed_refused(sc));
        return false;
    }
    return true;
}

bool virtio_net_negotiate(const struct scenario *sc, struct virtio_negotiation *neg, GError **error)
{
    uint64_t offered = list_of(sc, "virtio.device_features");
    uint64_t known = list_of(sc, "virtio.driver_features");
    uint64_t required = list_of(sc, "virtio.driver_requires");
    unsigned pairs = (unsigned)scenario_int(sc, "virtio.queues");
    GError *e = NULL;

    if (!scenario_bool(sc, "virtio.event_idx"))
        offered &= ~VIRTIO_BIT(EVENT_IDX);
    if (strcmp(scenario_str(sc, "virtio.ring"), "packed") == 0)
        offered |= VIRTIO_BIT(RING_PACKED);
    offered &= ~backend_lacks(virtio_backend_of(sc));
    if (required & ~known) {
        g_autofree char *names = virtio_features_format(required & ~known);

        scenario_error(sc,
                       scenario_is_set(sc, "virtio.driver_features") ? "virtio.driver_features"
                                                                     : "virtio.driver_requires",
                       error, "the driver requires %s but does not know it", names);
        return false;
    }
    if (!virtio_negotiate(offered, known, required, pairs, neg, &e)) {
        const char *key = scenario_is_set(sc, "virtio.driver_requires") ? "virtio.driver_requires"
                                                                        : "virtio.device_features";

        scenario_error(sc, key, error, "%s", e->message);
        g_error_free(e);
        return false;
    }
    return ring_size_ok(sc, neg, error);
}

/* Configuration-space accesses of the driver's probe, in order. */
enum {
    /* virtio_reset_device(): write 0 to device_status, read until 0 */
    ACC_RESET = 2,
    /* virtio_add_status(): read device_status, write it with the bit */
    ACC_STATUS = 2,
    /* vp_get_features() / vp_finalize_features(): select and 32 bits, twice */
    ACC_FEATURES = 4,
    /* virtio_features_ok(): read device_status back for FEATURES_OK */
    ACC_FEATURES_OK = 1,
    /* virtio_cread_bytes() of the 6-byte MAC between two generation
     * reads, then the 16-bit status and max_virtqueue_pairs */
    ACC_DEVICE_CONFIG = 8 + 1 + 1,
    /* MSI-X: the configuration vector written and read back */
    ACC_CONFIG_VECTOR = 2,
    /* setup_vq(): queue_select, queue_size, three 64-bit ring addresses
     * in 32-bit halves, queue_notify_off, the vector written and read
     * back; then queue_select and queue_enable */
    ACC_PER_QUEUE = 1 + 1 + 6 + 1 + 2 + 2,
};

/* vhost_dev_start(): SET_FEATURES and SET_MEM_TABLE, then per queue
 * SET_VRING_NUM, _BASE, _ADDR, _KICK, _CALL and vhost-net's SET_BACKEND
 * (vhost-user: SET_VRING_ENABLE, each a message on the backend's socket;
 * vhost-vdpa: VHOST_VDPA_SET_VRING_ENABLE); vhost_dev_stop(): per queue
 * vhost-net's SET_BACKEND(-1) (vhost-user: SET_VRING_ENABLE 0) and
 * GET_VRING_BASE, which waits for the worker to let the queue go. */
#define VHOST_MSGS_DEVICE    2
#define VHOST_MSGS_PER_QUEUE 6
#define VHOST_MSGS_STOP      2

sim_time virtio_msg_cost(const struct scenario *sc, const struct cpu_host *cpu,
                         enum virtio_backend backend)
{
    return cpu_cycles(cpu, (double)scenario_int(sc, backend == VIRTIO_BACKEND_VHOST_USER
                                                        ? "virtio.vhost_user_msg"
                                                        : "virtio.vhost_msg"));
}

void virtio_plan_probe(unsigned queues, bool restore, struct virtio_plan *out)
{
    memset(out, 0, sizeof(*out));
    if (restore)
        return;
    /* virtio_reset_device(): QEMU resets the device inside the write's
     * exit (virtio_pci_common_write() calls virtio_pci_reset()), so the
     * first read of vp_reset()'s loop returns 0. */
    out->reset = ACC_RESET;
    /* register_virtio_device() acknowledges; the driver's probe adds
     * DRIVER, negotiates, sets up the queues, DRIVER_OK. */
    out->accesses = 2 * ACC_STATUS + 2 * ACC_FEATURES + ACC_STATUS + ACC_FEATURES_OK +
                    ACC_DEVICE_CONFIG + ACC_CONFIG_VECTOR + queues * ACC_PER_QUEUE + ACC_STATUS;
    out->on_vcpu = true;
}

void virtio_plan_backend(const struct scenario *sc, const struct cpu_host *cpu,
                         enum virtio_backend backend, unsigned data_queues,
                         struct virtio_plan *plan)
{
    if (backend == VIRTIO_BACKEND_QEMU)
        return;
    plan->msgs += VHOST_MSGS_DEVICE + data_queues * VHOST_MSGS_PER_QUEUE;
    plan->msg = virtio_msg_cost(sc, cpu, backend);
}

void virtio_plan_backend_stop(const struct scenario *sc, const struct cpu_host *cpu,
                              enum virtio_backend backend, unsigned data_queues,
                              struct virtio_plan *plan)
{
    memset(plan, 0, sizeof(*plan));
    plan->stop = true;
    if (backend == VIRTIO_BACKEND_QEMU)
        return;
    plan->msgs = data_queues * VHOST_MSGS_STOP;
    plan->msg = virtio_msg_cost(sc, cpu, backend);
}

void virtio_net_plan(const struct scenario *sc, const struct virtio_negotiation *neg,
                     const struct cpu_host *cpu, bool restore, struct virtio_plan *out)
{
    unsigned queues = 2 * neg->queue_pairs + virtio_has(neg->accepted, VIRTIO_F_CTRL_VQ);

    virtio_plan_probe(queues, restore, out);
    /* The control queue stays in QEMU; the data queues go to vhost. */
    virtio_plan_backend(sc, cpu, virtio_backend_of(sc), 2 * neg->queue_pairs, out);
}

/* ---- running a plan ---- */

enum { STEP_RESET, STEP_ACCESS, STEP_MSG, STEP_MAP, STEP_FW, N_STEPS };

static void seq_next(struct virtio_seq *s);

static void seq_on_job(struct sim *sim, void *ctx, uint64_t gen)
{
    struct virtio_seq *s = ctx;

    (void)sim;
    if (gen != s->gen || !s->running)
        return; /* its device went meanwhile */
    s->left--;
    seq_next(s);
}

static void seq_on_timer(struct sim *sim, void *ctx, const void *payload)
{
    uint64_t gen;

    memcpy(&gen, payload, sizeof(gen));
    seq_on_job(sim, ctx, gen);
}

static unsigned step_count(const struct virtio_plan *p, unsigned step)
{
    const unsigned n[N_STEPS] = { p->reset, p->accesses, p->msgs, p->map > 0, p->fw };

    return n[step];
}

static void seq_done(struct virtio_seq *s, sim_time now)
{
    s->running = false;
    if (s->plan.stop) {
        net_vm_stopped(s->vm);
        return;
    }
    if (s->plan.reset) {
        s->probed = true;
        s->startup = now - s->t0;
        s->reset = s->reset_done - s->t0;
        s->probe_exits = s->exits;
    }
    net_vm_ready(s->vm);
}

static void vmm_job(struct virtio_seq *s, sim_time t)
{
    struct net_vm *vm = s->vm;

    if (s->plan.on_vcpu)
        net_cpu_job(vm->vcpu, vm, 0, t, seq_on_job, s, s->gen);
    else
        net_backend_job(vm->backend, vm, t, seq_on_job, s, s->gen);
}

/* The next access, request or command of the sequence, or its end. */
static void seq_next(struct virtio_seq *s)
{
    struct net_vm *vm = s->vm;
    sim_time now = sim_now(vm->nh->host.sim);

    while (s->left == 0 && s->step < N_STEPS) {
        if (s->step == STEP_RESET)
            s->reset_done = now;
        if (++s->step < N_STEPS)
            s->left = step_count(&s->plan, s->step);
    }
    if (s->step == N_STEPS) {
        seq_done(s, now);
        return;
    }
    switch (s->step) {
    case STEP_MSG:
    case STEP_MAP:
        /* The VMM's own work, on the thread that makes its requests. */
        vmm_job(s, s->step == STEP_MSG ? s->plan.msg : s->plan.map);
        break;
    case STEP_FW:
        sim_schedule(vm->nh->host.sim, s->plan.fw_cmd, seq_on_timer, s, &s->gen, sizeof(s->gen));
        break;
    default:
        /* A configuration-space access: an exit to QEMU, which emulates
         * the space in user space whatever the backend. */
        s->exits++;
        net_cpu_job(vm->vcpu, vm, 0, net_exit(vm, HV_EXIT_mmio_user), seq_on_job, s, s->gen);
    }
}

void virtio_seq_start(struct net_vm *vm, const struct virtio_plan *plan)
{
    struct virtio_seq *s = vm->seq ? vm->seq : g_new0(struct virtio_seq, 1);

    vm->seq = s;
    s->vm = vm;
    s->plan = *plan;
    s->gen++;
    s->running = true;
    s->t0 = sim_now(vm->nh->host.sim);
    s->exits = 0;
    s->step = STEP_RESET;
    s->left = plan->reset;
    seq_next(s);
}

void virtio_seq_stop(struct net_vm *vm)
{
    if (vm->seq)
        vm->seq->running = false;
}

void virtio_seq_sum_init(struct virtio_seq_sum *sum)
{
    welford_init(&sum->startup);
    welford_init(&sum->reset);
    welford_init(&sum->exits);
    sum->latest = 0;
}

void virtio_seq_sum_add(struct virtio_seq_sum *sum, const struct net_vm *vm)
{
    const struct virtio_seq *s = vm->seq;

    if (!s || !s->probed)
        return;
    welford_add(&sum->startup, sim_time_to_s(s->startup));
    welford_add(&sum->reset, sim_time_to_s(s->reset));
    welford_add(&sum->exits, s->probe_exits);
    sum->latest = MAX(sum->latest, s->startup);
}

void virtio_seq_report(const struct virtio_seq_sum *sum, const char *prefix, struct report *out)
{
    char name[64];

    snprintf(name, sizeof(name), "%s_startup_time", prefix);
    report_metric(out, "all", name, welford_mean_defined(&sum->startup), "s");
    snprintf(name, sizeof(name), "%s_startup_time_max", prefix);
    report_metric(out, "all", name, sum->startup.n ? sim_time_to_s(sum->latest) : NAN, "s");
    snprintf(name, sizeof(name), "%s_startup_exits", prefix);
    report_metric(out, "all", name, welford_mean_defined(&sum->exits), "1");
    snprintf(name, sizeof(name), "%s_reset_time", prefix);
    report_metric(out, "all", name, welford_mean_defined(&sum->reset), "s");
}
