/* The migration.* parameters: which VM, where, when, its memory, the
 * pre-copy's knobs, post-copy's and the failover's. Sources:
 * docs/sources.md (clark-nsdi05, qemu-migration, xen-save, zhai-ols08,
 * hines-vee09, qemu-postcopy-latency, pciehp-unplug, ch-downtime). */
#include <glib.h>

#include "migration.h"
#include "param_table.h"

static const struct param_def migration_params[] = {
    PDEF_INT("migration.vm", "-1", -1, 65535,
             "VM to migrate live (its id in the world; -1: no migration)", "choice"),
    PDEF_INT("migration.to", "-1", -1, 4095, "destination host (-1: the next host)", "choice"),
    PDEF_TIME("migration.start", "1ms", 0, 1e6, "when the migration starts", "choice"),
    PDEF_SIZE("migration.memory", "64MiB", 4096, 1e13, "the VM's memory: what round 0 sends",
              "choice: small enough to simulate packet by packet"),
    PDEF_SIZE("migration.wws", "8MiB", 0, 1e13,
              "writable working set: a round re-sends at most this much dirtied memory",
              "choice: describes the migrated VM's workload, not a cost; an example "
              "(Clark et al. measure it per benchmark: sources.md#clark-nsdi05)"),
    { .key = "migration.dirty_rate",
      .type = PARAM_REAL,
      .dim = DIM_BITRATE,
      .def = "200Mbps",
      .min = 0,
      .max = 1e13,
      .help = "how fast the VM dirties its memory (constant), in the bandwidth's unit",
      .source = "choice: describes the migrated VM's workload, not a cost; an example "
                "(sources.md#clark-nsdi05)" },
    PDEF_BOOL("migration.dirty_rx", "false",
              "add the VM's receive rate to migration.dirty_rate: the payload it received "
              "from the warm-up to migration.start, per second (each received byte is written "
              "into its memory)",
              "choice: off, the given rate alone; on, a lower bound of the workload's dirtying "
              "(the copy into the application's buffer writes it again; the VM's own writes "
              "are the given rate)"),
    { .key = "migration.bandwidth",
      .type = PARAM_REAL,
      .dim = DIM_BITRATE,
      .def = "1073741824bps",
      .min = 1e6,
      .max = 1e13,
      .help = "bandwidth limit of the migration stream (payload)",
      .source = "qemu-migration: max-bandwidth 128 MiB/s (MAX_THROTTLE)" },
    PDEF_TIME("migration.downtime_limit", "300ms", 0, 1e3,
              "stop-and-copy threshold: pause the VM once what is left takes this long at the "
              "bandwidth limit",
              "qemu-migration: downtime-limit 300 ms"),
    PDEF_INT("migration.max_rounds", "30", 0, 100000,
             "pre-copy rounds at most, round 0 included (0: no limit)",
             "xen-save: at most 30 rounds (DEF_MAX_ITERS 29)"),
    PDEF_TIME("migration.switchover", "27ms", 0, 10,
              "switch-over after the last byte: device state, address update, resumption (the "
              "device's start-up at the destination is simulated after it)",
              "ch-downtime: cloud-hypervisor's downtime breakdown, state 7 + send_state 19 + "
              "complete 1 ms after the last memory iteration (D: 27 ms)"),
    PDEF_INT("migration.spare_queues", "1", 0, 64,
             "NIC queues every host keeps free for a VM migrating in (with migration.vm)",
             "choice: one migration"),
    PDEF_BOOL("migration.failover", "true",
              "a VM with a VF or passthrough NIC fails over to a standby virtio NIC for the "
              "migration (false: its migration is refused)",
              "zhai-ols08: bonding failover to a paravirtual NIC"),
    PDEF_TIME("migration.unplug", "6.5s", 0, 10,
              "failover: from the VF's hot-unplug request until the pre-copy may start; the "
              "VM's traffic is on the standby virtio NIC from the request on",
              "pciehp-unplug: a QEMU guest's PCIe hot-unplug takes 6-7 s (D: midpoint), 5 s "
              "of it Linux pciehp's attention-button wait (Hoffmann, linux-pci 2021)"),
    PDEF_TIME("migration.replug", "120ms", 0, 10,
              "failover: from the resumption until the destination's new VF carries the "
              "traffic (hot-plug, driver probe, bond switch-back)",
              "pciehp-unplug: D: lower bound, Linux waits 20 ms, the link, then 100 ms "
              "(pcie_wait_for_link) before it probes a hot-added device; probe and "
              "switch-back not measured"),
    PDEF_TIME("migration.sample", "0s", 0, 1,
              "sample the migrating VM's and the other VMs' goodput this often, from the "
              "warm-up on (time series migration_vm_throughput, migration_others_throughput; "
              "0: none)",
              "choice"),
    PDEF_ENUM("migration.mode", "precopy", "precopy|postcopy",
              "precopy: copy the memory while the VM runs, then switch over; postcopy: switch "
              "over first, then push the memory while the VM runs at the destination and "
              "fetches each page it writes before the push has sent it (a remote fault)",
              "choice: QEMU's default (postcopy-ram off); post-copy after hines-vee09"),
    PDEF_TIME("migration.fault_latency", "250us", 0, 1,
              "post-copy: how long a remote page fault stalls the faulting vCPU (the request "
              "to the source, its reply over the fabric, mapping the page)",
              "qemu-postcopy-latency: QEMU's remote-fault latency histogram, 73,618 faults, 68% "
              "in 128-256 us (D: mean ~246 us at bucket midpoints)"),
};

static const size_t migration_n_params = G_N_ELEMENTS(migration_params);

const struct param_table migration_param_table = { .params = migration_params,
                                                   .n = &migration_n_params };
