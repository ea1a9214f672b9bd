/* What building a net world allocates, from its parameters alone: the
 * NIC's transmit rings (a queue per VM and one for the host), each VM's
 * virtqueues or emulated ring, the IOMMU's IOTLB, the host's cores, the
 * VMs' own state and, with vm.disk, their virtual disks. Packets in flight
 * come later, from the run's share of the limit. */
#include "net_mem.h"

#include <string.h>

#include "../blk/blk_mem.h"
#include "../host/vswitch.h"
#include "../hw/cpu.h"
#include "../hw/iommu.h"
#include "../hw/nic.h"
#include "../virtio/vring.h"

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
    /* The larger layout: split's three areas, or packed's descriptor, id
     * list and chain length; and a byte of line state per 16 bytes. */
    uint64_t split = sizeof(struct vring_desc) + sizeof(uint16_t) + sizeof(struct vring_used_elem);
    uint64_t packed = sizeof(struct vring_packed_desc) + 2 * sizeof(uint16_t);
    uint64_t per_slot = MAX(split, packed) + sizeof(uint64_t) + 1;

    return rings * size * per_slot + size * sizeof(uint32_t);
}

uint64_t net_mem_estimate(const struct scenario *sc, GString *keys)
{
    uint64_t vms = (uint64_t)scenario_int(sc, "vm.count");
    uint64_t tx_ring = (uint64_t)scenario_int(sc, "nic.tx_ring");
    uint64_t iotlb = (uint64_t)scenario_int(sc, "iommu.iotlb_entries");
    const char *strategy = scenario_str(sc, "io.strategy");
    struct tally t = { 0 };

    add(&t, (vms + 1) * (sizeof(struct nic_txq) + tx_ring * (sizeof(uint32_t) + sizeof(sim_time))),
        "nic.tx_ring, vm.count");
    if (strcmp(strategy, "virtio") == 0)
        add(&t, vms * virtio_bytes(sc), "virtio.ring_size, virtio.queues, vm.count");
    else if (strcmp(strategy, "emulation") == 0)
        add(&t, vms * (uint64_t)scenario_int(sc, "emulation.rx_ring") * sizeof(uint64_t),
            "emulation.rx_ring, vm.count");
    /* The IOTLB and its hash buckets, about two per entry. */
    add(&t, iotlb * (sizeof(struct iommu_entry) + 2 * sizeof(uint32_t)), "iommu.iotlb_entries");
    add(&t, (uint64_t)scenario_int(sc, "host.cores") * sizeof(struct cpu_core), "host.cores");
    /* An OVS datapath's EMC on each core that switches: at most every core. */
    add(&t, (uint64_t)scenario_int(sc, "host.cores") * vswitch_core_bytes(sc),
        "vswitch.emc_entries, host.cores");
    add(&t, vms * (VM_BYTES + (uint64_t)scenario_int(sc, "vm.vcpus") * 64), "vm.count, vm.vcpus");
    if (strcmp(scenario_str(sc, "vm.disk"), "none") != 0) {
        g_autoptr(GString) disk_keys = g_string_new(NULL);
        uint64_t disks = blk_mem_disks(sc, vms, "vm.count", disk_keys);

        add(&t, disks, disk_keys->str);
    }
    g_string_append(keys, t.keys);
    g_free(t.keys);
    return t.total;
}
