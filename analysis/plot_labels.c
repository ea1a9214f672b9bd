/* The names figures show. The parameter tables in models/ are built by
 * macros and carry no display name, so the names of the keys that bundled
 * scenarios sweep live here, next to those of the metrics (which have no
 * registry: models report them by name); any other key or metric shows in
 * words made from its name (test-analysis checks that every key and metric
 * a bundled scenario sweeps or plots has a name here). */
#include "plot_labels.h"

#include <stdbool.h>
#include <string.h>

#include <glib.h>

static const char *const param_labels[][2] = {
    { "io.strategy", "Strategy" },
    { "vm.count", "VMs per host" },
    { "vm.disk", "Virtual disk" },
    { "host.count", "Hosts" },
    { "workload.type", "Workload" },
    { "workload.rate", "Offered load" },
    { "nic.itr", "Interrupt moderation" },
    { "nic.driver", "NIC driver" },
    { "nic.itr_packets", "Moderation packet count" },
    { "nic.rx_cqe_moder", "Receive CQE-based moderation" },
    { "nic.tx_cqe_moder", "Transmit CQE-based moderation" },
    { "nic.dim_apply_delay", "DIM apply delay" },
    { "queue.servers", "Servers" },
    { "queue.stations", "Stations" },
    { "queue.interarrival", "Interarrival time" },
    { "queue.service", "Service time" },
    { "fabric.flow_rate", "Flow arrival rate" },
    { "fabric.mode", "Flow installation" },
    { "fabric.vxlan", "VXLAN overlay" },
    { "fabric.vxlan_cpu", "VXLAN CPU cost" },
    { "qcow2.l2_cache_size", "qcow2 L2 cache size" },
    { "blk.strategy", "Disk strategy" },
    { "blk.backend", "Disk backend" },
    { "blk.disk_size", "Disk size" },
    { "fio.iodepth", "Queue depth" },
    { "virtio.event_idx", "EVENT_IDX" },
    { "virtio.backend", "virtio backend" },
    { "emulation.nic", "Emulated NIC" },
    { "virtio.ring_size", "Ring size" },
    { "iommu.mode", "IOMMU invalidation" },
    { "iommu.page_size", "IOMMU page size" },
    { "hv.posted_interrupts", "Posted interrupts" },
    { "hv.exitless_eoi", "Exitless EOI" },
    { "hv.msix_route_rebuild", "MSI-X route rebuild" },
    { "hv.notify_coalesce", "Notification coalescing window" },
    { "hv.exit_mmio_kernel", "In-kernel MMIO exit (the kick)" },
    { "blk.vms", "VMs with a disk" },
    { "blk.format", "Image format" },
    { "blk.iothread_poll_max", "IOThread polling window" },
    { "disk.write_cache", "Drive write cache" },
    { "disk.read_access", "Device read time" },
    { "fio.bs", "Block size" },
    { "fio.fsync", "Writes per fsync" },
    { "fio.rw", "I/O pattern" },
    { "guest.msix_mask", "Guest MSI-X masking" },
    { "host.backend_placement", "Backend placement" },
    { "host.idle_max", "Deepest idle state" },
    { "image.preallocation", "Preallocation" },
    { "image.cache", "Host cache mode" },
    { "image.host_cache_size", "Host page cache" },
    { "image.fs_free_run", "Free run of the host file system" },
    { "iommu.walkers", "IOMMU page walkers" },
    { "migration.dirty_rate", "Dirty rate" },
    { "migration.memory", "VM memory" },
    { "migration.mode", "Migration" },
    { "fabric.addressing", "Addressing" },
    { "nic.dma_mapping", "DMA mapping" },
    { "nic.queues", "NIC queues" },
    { "virtio.queues", "virtio queues" },
    { "virtio.ring", "virtio ring" },
    { "virtio.disable_cb", "Driver's disable_cb" },
    { "vm.irq_vcpu", "Interrupt vCPU" },
    { "vm.vcpus", "vCPUs per VM" },
    { "vswitch.masks", "Flow table masks" },
    { "workload.flows", "Flows" },
    { "workload.target", "Destination" },
    { "workload.think_time", "Think time" },
};

/* Values of the strategy and workload keys; true/false are "on"/"off". */
static const char *const value_labels[][2] = {
    { "baremetal", "Bare metal" },
    { "emulation", "Emulation" },
    { "virtio", "virtio" },
    { "passthrough", "Passthrough" },
    { "sriov", "SR-IOV" },
    { "vdpa", "vDPA" },
    { "sidecore", "Sidecore" },
    { "virtio-blk", "virtio-blk" },
    { "stream", "Bulk stream" },
    { "rr", "Request/response" },
    { "udp", "UDP" },
    { "qemu", "QEMU" },
    { "e1000", "e1000" },
    { "rtl8139", "rtl8139 (8139cp)" },
    { "rtl8139-8139too", "rtl8139 (8139too)" },
    { "precopy", "Pre-copy" },
    { "postcopy", "Post-copy" },
    { "flat", "Flat L2" },
    { "vl2", "VL2" },
    { "overlay", "Overlay" },
    { "reactive", "Reactive" },
    { "proactive", "Proactive" },
    { "devoflow", "DevoFlow" },
    { "split", "Split ring" },
    { "packed", "Packed ring" },
    { "write", "Sequential write" },
    { "randwrite", "Random write" },
    { "per-buffer", "Per buffer" },
    { "per-interrupt", "Per interrupt" },
    { "remote", "Remote host" },
    { "vm", "Same host" },
    { "peer", "Bare-metal peer" },
    { "true", "on" },
    { "false", "off" },
};

/* Metrics whose name does not make the words, and those counted in cores. */
static const struct {
    const char *name, *label, *count_unit;
} metric_labels[] = {
    { "throughput", "Throughput", NULL },
    { "pps", "Packet rate", NULL },
    { "cpu_per_gbps", "CPU per Gb/s", "cores" },
    { "transactions_per_second", "Transactions", NULL },
    { "rtt_mean", "Mean RTT", NULL },
    { "guest_cpu", "Guest CPU", "cores" },
    { "host_cpu", "Host CPU", "cores" },
    { "vswitch_cpu_per_host", "vSwitch CPU per host", "cores" },
    { "exits_per_second", "VM exits", NULL },
    { "exits_per_packet", "VM exits per packet", NULL },
    { "exits_per_request", "VM exits per request", NULL },
    { "interrupts_per_second", "Interrupts", NULL },
    { "iotlb_hit_rate", "IOTLB hit rate", NULL },
    { "fairness", "Fairness (Jain's index)", NULL },
    { "iops", "IOPS", NULL },
    { "l2_hit_rate", "qcow2 L2 hit rate", NULL },
    { "fct_mean", "Mean flow completion time", NULL },
    { "fct_short_mean", "Mean FCT of short flows", NULL },
    { "fct_slowdown", "FCT slowdown", NULL },
    { "sojourn", "Sojourn time", NULL },
    { "sojourn_mean", "Mean sojourn time", NULL },
    { "wait_mean", "Mean waiting time", NULL },
    { "in_system_mean", "Mean number in system", NULL },
    { "stage_*", "Time by stage", NULL },
    { "disk_stage_*", "Disk time by stage", NULL },
    { "addr_control_per_second", "Address control messages", NULL },
    { "addr_convergence", "Convergence after the move", NULL },
    { "addr_misdelivered", "Packets to the old host", NULL },
    { "addr_switch_table_max", "Largest switch table", "entries" },
    { "alloc_writes_per_write", "Allocating writes per write", NULL },
    { "exits_mmio_user_per_second", "MMIO exits to user space", NULL },
    { "flow_setup_mean", "Mean flow setup time", NULL },
    { "idle_exit_mean", "Mean idle-state exit latency", NULL },
    { "migration_vm_throughput", "Migrating VM's throughput", NULL },
    { "migration_others_throughput", "Other VMs' throughput", NULL },
    { "virtio_lock_contended", "Contended fraction of virtio locks", NULL },
    { "virtio_interrupts_while_polling", "Interrupts while the driver polled", NULL },
    { "virtio_enable_cb_races", "Re-checks that found work", NULL },
    { "virtio_interrupts", "Interrupts from the device", NULL },
    { "virtio_ring_lines_per_packet", "Ring cache lines moved per packet", NULL },
    { "virtio_startup_time", "virtio device start-up (probe to DRIVER_OK)", NULL },
    { "vdpa_startup_time", "vDPA device start-up (probe to DRIVER_OK)", NULL },
    { "migration_device_start", "Device start-up at the destination", NULL },
    { "migration_device_stop", "Device stop at the source", NULL },
    { "vswitch_masks_per_packet", "Masks probed per packet", NULL },
};

/* Words of names written in upper or mixed case ("cpu" is "CPU"). */
static const char *const word_labels[][2] = {
    { "cpu", "CPU" },       { "rtt", "RTT" },         { "mmio", "MMIO" },   { "vm", "VM" },
    { "vms", "VMs" },       { "iotlb", "IOTLB" },     { "iommu", "IOMMU" }, { "fct", "FCT" },
    { "l2", "L2" },         { "msix", "MSI-X" },      { "irq", "IRQ" },     { "irqs", "IRQs" },
    { "vf", "VF" },         { "vfs", "VFs" },         { "dma", "DMA" },     { "nic", "NIC" },
    { "io", "I/O" },        { "iops", "IOPS" },       { "gbps", "Gb/s" },   { "vcpu", "vCPU" },
    { "vcpus", "vCPUs" },   { "vswitch", "vSwitch" }, { "eoi", "EOI" },     { "tlb", "TLB" },
    { "pcie", "PCIe" },     { "tx", "TX" },           { "rx", "RX" },       { "itr", "ITR" },
    { "vxlan", "VXLAN" },   { "mtu", "MTU" },         { "tso", "TSO" },     { "hv", "Hypervisor" },
    { "virtio", "virtio" }, { "qcow2", "qcow2" },     { "fio", "fio" },     { "blk", "Block" },
    { "vring", "vring" },
};

/* @name's words (split at '_' and '.') joined by spaces after @pre, each
 * in its own case, the first capitalized unless it keeps its case. */
static char *join_words(const char *pre, const char *name)
{
    g_auto(GStrv) parts = g_strsplit_set(name, "_.", -1);
    GString *out = g_string_new(pre);

    for (size_t i = 0; parts[i]; i++) {
        const char *w = parts[i];
        bool kept = false;

        for (size_t k = 0; k < G_N_ELEMENTS(word_labels); k++)
            if (g_ascii_strcasecmp(word_labels[k][0], w) == 0) {
                w = word_labels[k][1];
                kept = out->len == 0;
            }
        if (!*w)
            continue;
        if (out->len > 0 && out->str[out->len - 1] != ' ')
            g_string_append_c(out, ' ');
        size_t at = out->len;
        g_string_append(out, w);
        if (at == 0 && !kept)
            out->str[0] = g_ascii_toupper(out->str[0]);
    }
    return g_string_free(out, FALSE);
}

const char *plot_param_label(const char *key)
{
    for (size_t i = 0; i < G_N_ELEMENTS(param_labels); i++)
        if (strcmp(param_labels[i][0], key) == 0)
            return param_labels[i][1];
    /* Interned: a figure names a handful of keys, each once. */
    g_autofree char *w = join_words("", key);
    return g_intern_string(w);
}

bool plot_param_label_known(const char *key)
{
    for (size_t i = 0; i < G_N_ELEMENTS(param_labels); i++)
        if (strcmp(param_labels[i][0], key) == 0)
            return true;
    return false;
}

/* Units a scenario's values are typed in (sim/units.c), as a figure
 * shows them: bit rates as b/s, microseconds as µs, kilohertz as kHz. */
static const char *const unit_labels[][2] = {
    { "ps", "ps" },     { "ns", "ns" },     { "us", "µs" },     { "ms", "ms" },
    { "s", "s" },       { "B", "B" },       { "KB", "KB" },     { "kB", "kB" },
    { "KiB", "KiB" },   { "MB", "MB" },     { "MiB", "MiB" },   { "GB", "GB" },
    { "GiB", "GiB" },   { "bps", "b/s" },   { "Kbps", "Kb/s" }, { "kbps", "kb/s" },
    { "Mbps", "Mb/s" }, { "Gbps", "Gb/s" }, { "pps", "pps" },   { "Kpps", "Kpps" },
    { "kpps", "kpps" }, { "Mpps", "Mpps" }, { "Hz", "Hz" },     { "KHz", "kHz" },
    { "kHz", "kHz" },   { "MHz", "MHz" },   { "GHz", "GHz" },   { "cycles", "cycles" },
};

/* "4KiB" as "4 KiB", "10Gbps" as "10 Gb/s": the number as typed, a space,
 * the unit as shown; NULL if @value is not a number and a unit. */
static const char *with_unit(const char *value)
{
    const char *p = value;

    if (*p == '-')
        p++;
    if (!g_ascii_isdigit(*p))
        return NULL;
    while (g_ascii_isdigit(*p) || *p == '.')
        p++;
    for (size_t i = 0; i < G_N_ELEMENTS(unit_labels); i++) {
        if (strcmp(p, unit_labels[i][0]) == 0) {
            g_autofree char *number = g_strndup(value, (gsize)(p - value));
            g_autofree char *shown = g_strdup_printf("%s %s", number, unit_labels[i][1]);

            /* Interned: a figure names a handful of values. */
            return g_intern_string(shown);
        }
    }
    return NULL;
}

const char *plot_value_label(const char *key, const char *value)
{
    const char *shown;

    (void)key; /* the values above mean the same under every key */
    for (size_t i = 0; i < G_N_ELEMENTS(value_labels); i++)
        if (strcmp(value_labels[i][0], value) == 0)
            return value_labels[i][1];
    shown = with_unit(value);
    return shown ? shown : value;
}

/* Words from a metric's name: "latency_p99" is "99th-percentile latency",
 * "queue_length_mean" "Mean queue length", "drops_ring_full" "Drops ring full",
 * "exits_mmio_kernel_per_second" "Exits MMIO kernel". */
static char *words(const char *name)
{
    static const char *const prefixes[][2] = {
        { "_mean", "Mean " },           { "_p50", "Median " },
        { "_p99", "99th-percentile " }, { "_p999", "99.9th-percentile " },
        { "_per_second", "" },
    };
    g_autofree char *stem = g_strdup(name);
    const char *pre = "";

    for (size_t i = 0; i < G_N_ELEMENTS(prefixes); i++) {
        if (g_str_has_suffix(stem, prefixes[i][0]) && strlen(stem) > strlen(prefixes[i][0])) {
            stem[strlen(stem) - strlen(prefixes[i][0])] = '\0';
            pre = prefixes[i][1];
            break;
        }
    }
    return join_words(pre, stem);
}

char *plot_words(const char *name)
{
    return join_words("", name);
}

bool plot_metric_label_known(const char *name)
{
    for (size_t i = 0; i < G_N_ELEMENTS(metric_labels); i++)
        if (strcmp(metric_labels[i].name, name) == 0)
            return true;
    return false;
}

char *plot_metric_label(const char *name, const char **count_unit)
{
    *count_unit = NULL;
    for (size_t i = 0; i < G_N_ELEMENTS(metric_labels); i++) {
        if (strcmp(metric_labels[i].name, name) == 0) {
            *count_unit = metric_labels[i].count_unit;
            return g_strdup(metric_labels[i].label);
        }
    }
    return words(name);
}

char *plot_axis_label(const char *label, const char *unit)
{
    if (!unit || !*unit)
        return g_strdup(label);
    return g_strdup_printf("%s (%s)", label, strcmp(unit, "us") == 0 ? "µs" : unit);
}
