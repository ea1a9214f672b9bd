/* What building a net world allocates, from its parameters alone, on every
 * host: the NIC's transmit rings (a queue per VM and one for the host),
 * each VM's virtqueues or emulated ring, the IOMMU's IOTLB, the host's
 * cores, the VMs' own state and their virtual disks (vm.disk or a group's
 * disk); and the fabric between the hosts. Packets in flight come later,
 * from the run's share of the limit. */
#include "net_mem.h"

#include "../blk/blk_mem.h"
#include "../fabric/fabric_mem.h"
#include "../host/vswitch.h"
#include "../hw/cpu.h"
#include "../hw/iommu.h"
#include "../hw/nic.h"
#include "../virtio/vring.h"
#include "net.h"
#include "strategy.h"

/* A VM's own state (counters, histograms, workload) besides its rings. */
#define VM_BYTES 16384

/* The largest part so far names the keys. */
struct tally {
    uint64_t total, top;
    char *keys;
};

static void add(struct tally *t, uint64_t bytes, const char *keys)
{
    t->total += bytes;
    if (bytes > t->top || !t->keys) {
        t->top = bytes;
        g_free(t->keys);
        t->keys = g_strdup(keys);
    }
}

/* Per VM: (queues + 1) virtqueues of ring_size descriptors, avail and used
 * entries and tokens, and the receive side's packet numbers. */
static uint64_t virtio_bytes(const struct scenario *sc)
{
    uint64_t size = (uint64_t)scenario_int(sc, "virtio.ring_size");
    uint64_t rings = (uint64_t)scenario_int(sc, "virtio.queues") + 1;
    /* The larger layout, each with a token and a byte of line state per
     * 16 bytes a slot: split's three areas, or packed's descriptor, id
     * list, chain length and twin's head, with its split twin of up to
     * twice the slots (vring_shadow_split()). */
    uint64_t split = sizeof(struct vring_desc) + sizeof(uint16_t) + sizeof(struct vring_used_elem) +
                     sizeof(uint64_t) + 1;
    uint64_t packed =
        sizeof(struct vring_packed_desc) + 3 * sizeof(uint16_t) + sizeof(uint64_t) + 1 + 2 * split;
    uint64_t per_slot = MAX(split, packed);

    return rings * size * per_slot + size * sizeof(uint32_t);
}

/* The keys of a part; with several hosts host.count comes first, as it
 * multiplies everything (the first key locates the message). */
static char *part_keys(uint64_t hosts, const char *keys)
{
    return hosts > 1 ? g_strdup_printf("host.count, %s", keys) : g_strdup(keys);
}

/* Every host holds the groups' VMs. */
uint64_t net_mem_estimate(const struct scenario *sc, GString *keys)
{
    uint64_t hosts = (uint64_t)scenario_int(sc, "host.count");
    uint64_t tx_ring = (uint64_t)scenario_int(sc, "nic.tx_ring");
    uint64_t iotlb = (uint64_t)scenario_int(sc, "iommu.iotlb_entries");
    g_autoptr(GArray) groups = net_groups(sc, NULL);
    struct tally t = { 0 };
    uint64_t vms = 0;

    /* Groups that contradict the [vm] keys: the model's check says so. */
    if (!groups)
        return 0;

    for (guint k = 0; k < groups->len; k++) {
        const struct net_group *g = &g_array_index(groups, struct net_group, k);
        uint64_t n = (uint64_t)g->count * hosts;
        char buf[96];
        const char *count = net_group_key(g, "count", buf, sizeof(buf));
        g_autofree char *k_rings = NULL, *k_vm = NULL, *k_disks = NULL;

        vms += g->count;
        if (g->ops == &virtio_strategy_ops) {
            k_rings = g_strdup_printf(hosts > 1 ? "host.count, %s, virtio.ring_size, virtio.queues"
                                                : "virtio.ring_size, virtio.queues, %s",
                                      count);
            add(&t, n * virtio_bytes(sc), k_rings);
        } else if (g->ops == &emulation_strategy_ops) {
            k_rings = g_strdup_printf(
                hosts > 1 ? "host.count, %s, emulation.rx_ring" : "emulation.rx_ring, %s", count);
            add(&t, n * (uint64_t)scenario_int(sc, "emulation.rx_ring") * sizeof(uint64_t),
                k_rings);
        }
        k_vm = part_keys(hosts, count);
        add(&t, n * (VM_BYTES + (uint64_t)g->vcpus * 64), k_vm);
        if (g->disk) {
            g_autoptr(GString) disk_keys = g_string_new(NULL);
            uint64_t disks = blk_mem_disks(sc, n, count, disk_keys);

            k_disks = part_keys(hosts, disk_keys->str);
            add(&t, disks, k_disks);
        }
    }
    add(&t,
        hosts * (vms + 1) *
            (sizeof(struct nic_txq) + tx_ring * (sizeof(uint32_t) + sizeof(sim_time))),
        hosts > 1 ? "host.count, nic.tx_ring" : "nic.tx_ring, vm.count");
    /* The IOTLB and its hash buckets, about two per entry. */
    add(&t, hosts * iotlb * (sizeof(struct iommu_entry) + 2 * sizeof(uint32_t)),
        hosts > 1 ? "host.count, iommu.iotlb_entries" : "iommu.iotlb_entries");
    add(&t, hosts * (uint64_t)scenario_int(sc, "host.cores") * sizeof(struct cpu_core),
        hosts > 1 ? "host.count, host.cores" : "host.cores");
    /* An OVS datapath's EMC on each core that switches: at most every core. */
    add(&t, hosts * (uint64_t)scenario_int(sc, "host.cores") * vswitch_core_bytes(sc),
        hosts > 1 ? "host.count, vswitch.emc_entries, host.cores"
                  : "vswitch.emc_entries, host.cores");
    if (hosts > 1) {
        g_autoptr(GString) fabric_keys = g_string_new(NULL);
        uint64_t fabric = fabric_mem_estimate(sc, fabric_keys);

        add(&t, fabric, fabric_keys->str);
    }
    g_string_append(keys, t.keys);
    g_free(t.keys);
    return t.total;
}
