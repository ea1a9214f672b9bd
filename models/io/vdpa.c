/* vDPA (virtio data path acceleration): a NIC function, typically a VF of
 * a SmartNIC, that implements the virtio ring in hardware. The guest keeps
 * the standard virtio-net driver, and with it the live-migratable virtio
 * interface; the device reads and writes the guest's virtqueues by DMA
 * through the IOMMU on the VM's static mapping and raises MSI-X interrupts
 * that reach the vCPU as a VF's do (injected or posted), so the data path
 * bypasses the host as SR-IOV's does (Linux drivers/vhost/vdpa.c, QEMU
 * hw/virtio/vhost-vdpa.c). What differs is the kick: QEMU maps the
 * device's notification area into the guest when the device allows it
 * (vhost_vdpa_host_notifiers_init(), vdpa.notify_mapped), and the driver's
 * doorbell write then reaches the device directly; otherwise it traps to
 * the host kernel, which forwards it through vhost-vdpa (an exit per kick).
 * Set-up goes through the virtio configuration space instead of the PF-VF
 * mailbox. Interrupts follow the virtio ring, not a VF driver's ITR: the
 * device raises its MSI-X vector (mlx5_vdpa's MSI-X event mode, or a
 * firmware QP event that vhost-vdpa forwards) for a used buffer whenever
 * virtio_net has callbacks on, with no moderation (docs/sources.md#vdpa-irq);
 * the vector is quiet while NAPI polls, and transmit completions interrupt
 * only at the used_event that start_xmit sets (assigned.c, virtio_ring).
 * Start-up is virtio's (io/virtio_config.c): the guest's probe exits to
 * QEMU, which emulates the configuration space, and at DRIVER_OK QEMU's
 * vhost_dev_start() makes vhost-vdpa's ioctls, after which the parent
 * driver readies each data virtqueue by firmware (mlx5_vdpa creates them
 * blank at .dev_add since Tatulea's June 2024 series, so DRIVER_OK's
 * resume_vq() only modifies a queue's fields and then moves it from init
 * to ready: two commands, as a firmware quirk forbids doing both in one).
 * A migration suspends the device at the source (per data virtqueue a
 * firmware state change and a query) and its destination starts one
 * without the probe.
 * Before its queues run, vhost-vdpa pins and maps all of the guest's
 * memory (vdpa.pin_map per GiB, on the VMM's thread): when QEMU starts
 * (vdpa.map_at = init, QEMU since 2025: before the simulated time begins,
 * and at a destination before the migration) or at DRIVER_OK (start,
 * older QEMU: in the probe, and at a destination inside the downtime).
 * Left out: the shadow virtqueue QEMU interposes during live migration,
 * mlx5_vdpa's memory key over the mapped memory, the control queue's
 * state QEMU replays at the destination, event-index kick suppression by
 * the device, the host interrupt and eventfd hop of mlx5_vdpa's QP event
 * mode when no MSI-X vector per queue is free. */
#include <math.h>
#include <string.h>

#include "../net/strategy.h"
#include "../param_sources.h"
#include "../param_tables.h"
#include "assigned.h"
#include "param_table.h"
#include "virtio_config.h"

/* A vDPA device is a function of a NIC that implements virtio rings. */
static bool vdpa_check(const struct scenario *sc, const char *count_key, int64_t vms,
                       GError **error)
{
    if (!scenario_bool(sc, "nic.vdpa")) {
        scenario_error(sc, scenario_is_set(sc, "nic.vdpa") ? "nic.vdpa" : count_key, error,
                       "vDPA needs a NIC whose functions implement the virtio ring "
                       "(nic.vdpa = false: a plain SR-IOV NIC); use sriov or virtio here");
        return false;
    }
    return assigned_check_vfs(sc, count_key, vms, error);
}

static const struct param_def vdpa_params[] = {
    PDEF_BOOL("vdpa.notify_mapped", "true",
              "the device's notification area is mapped into the guest, so a kick does not exit "
              "(false: each kick traps to the host kernel and vhost-vdpa forwards it)",
              "choice: QEMU maps it when the device's notify area is page-aligned "
              "(hw/virtio/vhost-vdpa.c, vhost_vdpa_host_notifiers_init())"),
    PDEF_TIME("vdpa.vq_stop", "830us", 0, 1,
              "the device's firmware work per data virtqueue when a migration suspends it "
              "(mlx5_vdpa: suspend and query), one queue after the other",
              "Tatulea, vdpa/mlx5 'Parallelize device suspend', LKML 2024: suspending 32 "
              "virtqueues one by one ~37 ms, of which ~10.5 ms unregistering the link notifier "
              "(D: (37 - 10.5) ms / 32) (sources.md#mlx5-vdpa-vq)"),
    PDEF_TIME("vdpa.vq_start", "1ms", 0, 1,
              "the device's firmware work per data virtqueue at DRIVER_OK (mlx5_vdpa: a "
              "queue pre-created at .dev_add is in its init state, and resume_vq() modifies "
              "its fields, then moves it to ready: two commands), one queue after the other",
              "Tatulea, vdpa/mlx5 'Parallelize device resume', LKML 2024: resuming 32 "
              "suspended virtqueues one by one, a command each, ~16 ms (D: 2 x 16 ms / 32) "
              "(sources.md#mlx5-vdpa-vq)"),
    PDEF_TIME("vdpa.pin_map", "40ms", 0, 10,
              "the VMM's pinning and IOMMU mapping of each GiB of guest memory (the VM's "
              "migration.memory) for the device, on one host thread",
              "Jordan, 'vfio/type1: Cache locked_vm to ease mmap_lock contention' (RFC "
              "08/16), kvm list 2022: VFIO pinning and mapping of a pre-faulted THP-backed "
              "guest on one thread, 5.1 s for 128 GiB and 14.4 s for 360 GiB on a Skylake "
              "Xeon (D: 5.1 s / 128) (sources.md#pin-map)"),
    PDEF_ENUM("vdpa.map_at", "init", "init|start",
              "when QEMU sends the guest's memory map to vhost-vdpa, which pins and maps it: "
              "init, when QEMU starts (before the guest boots, and at a migration's destination "
              "before the migration begins); start, at the device's DRIVER_OK (at the "
              "destination after the switch-over, inside the downtime)",
              "QEMU 10.1's 'vdpa: move memory listener register to vhost_vdpa_init' (Pérez, "
              "2025); start: QEMU before it (sources.md#vdpa-downtime)"),
};

static const size_t vdpa_n_params = G_N_ELEMENTS(vdpa_params);

const struct param_table vdpa_param_table = { .params = vdpa_params, .n = &vdpa_n_params };

/* The VMM pins and maps all of the guest's memory for the device:
 * QEMU's memory listener sends each RAM section to vhost-vdpa as an IOTLB
 * update, and vhost_vdpa_pa_map() pins it a page list at a time
 * (pin_user_pages(), 512 pages per call) and maps each physically
 * contiguous run (iommu_map(), or the parent's set_map at the batch's end:
 * mlx5_vdpa then builds a memory key over all of it in firmware, not
 * counted here). */
static sim_time vdpa_map_time(const struct scenario *sc)
{
    double gib = scenario_real(sc, "migration.memory") / (1024.0 * 1024 * 1024);

    return (sim_time)llround((double)scenario_time(sc, "vdpa.pin_map") * gib);
}

/* virtio-net's probe over the VF's queue pairs and the control queue
 * (mlx5_vdpa offers CTRL_VQ), or with @restore QEMU's restart alone; then
 * vhost_dev_start()'s ioctls and the firmware's work per data queue. An
 * older QEMU registers its memory listener in vhost_vdpa_dev_start(), so
 * the memory is mapped at DRIVER_OK, after the ioctls; a newer one
 * registers it when QEMU starts, before the guest boots (not simulated)
 * and at a destination before the migration begins. */
static void vdpa_plan(const struct net_vm *vm, bool restore, struct virtio_plan *plan)
{
    const struct scenario *sc = vm->nh->sc;
    unsigned data_queues = 2 * vm->n_queues;
    bool at_start = strcmp(scenario_str(sc, "vdpa.map_at"), "start") == 0;

    virtio_plan_probe(data_queues + 1, restore, plan);
    virtio_plan_backend(sc, &vm->nh->host.cpu, VIRTIO_BACKEND_VHOST, data_queues, plan);
    if (at_start)
        plan->map = vdpa_map_time(sc);
    plan->fw = data_queues;
    plan->fw_cmd = scenario_time(sc, "vdpa.vq_start");
}

static void vdpa_attach(struct net_vm *vm)
{
    struct assigned_vm *a = assigned_new(vm, true, false);
    struct virtio_plan plan;

    a->kick_exit = !scenario_bool(vm->nh->sc, "vdpa.notify_mapped");
    a->virtio_ring = true;
    vm->io = a;
    /* The VM sends once its device is DRIVER_OK. */
    vdpa_plan(vm, net_vm_running(vm), &plan);
    virtio_seq_start(vm, &plan);
}

/* A migration suspends the device (VHOST_VDPA_SUSPEND: the parent
 * suspends each data virtqueue by firmware) and reads each queue's index
 * back (GET_VRING_BASE). */
static void vdpa_stop(struct net_vm *vm)
{
    unsigned data_queues = 2 * vm->n_queues;
    struct virtio_plan plan = {
        .msgs = 1 + data_queues,
        .msg = virtio_msg_cost(vm->nh->sc, &vm->nh->host.cpu, VIRTIO_BACKEND_VHOST),
        .fw = data_queues,
        .fw_cmd = scenario_time(vm->nh->sc, "vdpa.vq_stop"),
        .stop = true,
    };

    virtio_seq_start(vm, &plan);
}

static void vdpa_detach(struct net_vm *vm)
{
    virtio_seq_stop(vm);
    assigned_detach(vm);
}

static void vdpa_report(struct net_host *hosts, unsigned n_hosts, struct report *out)
{
    struct virtio_seq_sum sum;
    bool shared = false;

    virtio_seq_sum_init(&sum);
    NET_FOR_EACH_VM (vm, hosts, n_hosts) {
        if (vm->ops == &vdpa_strategy_ops)
            virtio_seq_sum_add(&sum, vm);
        shared |= vm->ops->report == assigned_report;
    }
    /* The world reports each report function once: the data path's
     * metrics come from here unless another strategy's assigned_report()
     * gives them (for vDPA's VMs too). */
    if (!shared)
        assigned_report(hosts, n_hosts, out);
    virtio_seq_report(&sum, "vdpa", out);
}

const struct io_strategy_ops vdpa_strategy_ops = {
    .name = "vdpa",
    /* No moderation: virtio_net programs no ITR, and the device
     * interrupts for a used buffer whenever the driver has callbacks on.
     * mlx5_vdpa creates each virtqueue's event CQ without a moderation
     * period or count and does not offer VIRTIO_NET_F_NOTF_COAL, the only
     * way a virtio driver could ask for coalescing. NAPI keeps the vector
     * quiet while it polls (guest_stack.c), as virtqueue_napi_schedule()
     * disables callbacks until virtqueue_napi_complete(). */
    .uses_itr = false,
    .assigned = true,
    /* The guest keeps its virtio driver: vhost-vdpa suspends the device
     * and reads its ring indices back, as vhost does a backend's. */
    .keeps_state = true,
    .vm_to_vm = true,
    .check = vdpa_check,
    .attach = vdpa_attach,
    ASSIGNED_PACKET_OPS,
    .report = vdpa_report,
    .detach = vdpa_detach,
    .bridge_rx = assigned_device_rx,
    .irq_deliver = net_irq_virtual,
    .stop = vdpa_stop,
    /* virtio_net's vector per virtqueue: transmit completions interrupt
     * on their own (mlx5_vdpa gives each virtqueue its MSI-X vector). */
    .tx_irq_deliver = net_irq_virtual,
};
