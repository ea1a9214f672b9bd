/* The names figures show. The parameter tables in models/ are built by
 * macros and carry no display name, so the names of the keys that bundled
 * scenarios sweep live here, next to those of the metrics (which have no
 * registry: models report them by name); any other key or metric shows as
 * written or in words made from its name. */
#include "plot_labels.h"

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
    { "virtio.ring_size", "Ring size" },
    { "iommu.mode", "IOMMU invalidation" },
    { "iommu.page_size", "IOMMU page size" },
    { "hv.posted_interrupts", "Posted interrupts" },
    { "hv.exitless_eoi", "Exitless EOI" },
};

/* Values of the strategy and workload keys; true/false are "on"/"off". */
static const char *const value_labels[][2] = {
    { "baremetal", "Bare metal" },
    { "emulation", "Emulation" },
    { "virtio", "virtio" },
    { "passthrough", "Passthrough" },
    { "sriov", "SR-IOV" },
    { "vdpa", "vDPA" },
    { "virtio-blk", "virtio-blk" },
    { "stream", "Bulk stream" },
    { "rr", "Request/response" },
    { "udp", "UDP" },
    { "true", "on" },
    { "false", "off" },
};

/* Metrics whose name does not make the words, and those counted in cores. */
static const struct {
    const char *name, *label, *count_unit;
} metric_labels[] = {
    { "throughput", "Throughput", NULL },
    { "pps", "Packet rate", NULL },
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
};

const char *plot_param_label(const char *key)
{
    for (size_t i = 0; i < G_N_ELEMENTS(param_labels); i++)
        if (strcmp(param_labels[i][0], key) == 0)
            return param_labels[i][1];
    return key;
}

const char *plot_value_label(const char *key, const char *value)
{
    (void)key; /* the values above mean the same under every key */
    for (size_t i = 0; i < G_N_ELEMENTS(value_labels); i++)
        if (strcmp(value_labels[i][0], value) == 0)
            return value_labels[i][1];
    return value;
}

/* Words from a metric's name: "latency_p99" is "99th-percentile latency",
 * "queue_length_mean" "Mean queue length", "drops_ring_full" "Drops ring full". */
static char *words(const char *name)
{
    static const char *const prefixes[][2] = {
        { "_mean", "mean " },           { "_p50", "median " },
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
    g_strdelimit(stem, "_", ' ');
    char *out = g_strconcat(pre, stem, NULL);
    out[0] = g_ascii_toupper(out[0]);
    return out;
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
