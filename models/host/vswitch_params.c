/* Parameters of the host's virtual switch (vswitch.*): which datapath, the
 * shape of its rule set, its caches and what each step of a lookup costs.
 * Sources: docs/sources.md#ovs-datapath. */
#include <glib.h>

#include "../param_tables.h"
#include "param_table.h"

static const struct param_def vswitch_params[] = {
    PDEF_ENUM("vswitch.datapath", "bridge", "bridge|ovs|ovs-kernel",
              "the host's software switch on the path of emulation and virtio traffic: bridge, "
              "a Linux bridge charged nothing apart from host.stack_per_packet; ovs, Open "
              "vSwitch's userspace datapath (per-thread EMC and classifier, upcalls); "
              "ovs-kernel, its kernel datapath (a per-CPU mask cache, one classifier per "
              "host); both charged on top, as the vswitch stage",
              "choice: bridge, the validation rows' case: no switching cost beyond "
              "host.stack_per_packet (sources.md#ovs-datapath)"),
    PDEF_INT("vswitch.masks", "4", 1, 4096,
             "distinct megaflow masks (classifier subtables) the rule set yields; a flow's "
             "megaflow falls in one of them by its hash",
             "OVS commit 3453b4d62 (Scheurich, 2016): an L3-VPN pipeline on a VXLAN overlay "
             "gives 4 subtables (sources.md#ovs-datapath)"),
    PDEF_ENUM("vswitch.match", "ports", "ports|addresses",
              "what the rule set matches, and so each megaflow: ports, every connection its "
              "own (security groups, ACLs on ports, connection tracking); addresses, every "
              "flow between two endpoints one (L2/L3 forwarding alone)",
              "choice: ports, as a cloud's security groups match them"),
    PDEF_INT("vswitch.emc_entries", "8192", 0, 1 << 20,
             "exact-match cache slots of each switching thread, two candidates per flow "
             "(0: no EMC)",
             "OVS lib/dpif-netdev-dfc.h: EM_FLOW_HASH_SHIFT 13 = 8,192 entries per PMD thread, "
             "EM_FLOW_HASH_SEGS 2 (sources.md#ovs-datapath)"),
    PDEF_INT("vswitch.emc_insert_inv_prob", "100", 0, 1 << 30,
             "a flow that misses the EMC is inserted with probability 1/this (0: EMC off)",
             "OVS commit 4c30b2460 (Loftus, 2017): DEFAULT_EM_FLOW_INSERT_INV_PROB 100, a 1% "
             "insertion probability (sources.md#ovs-datapath)"),
    PDEF_INT("vswitch.mask_cache_entries", "256", 0, 1 << 20,
             "ovs-kernel: slots of each CPU's mask cache, four candidates per flow hash "
             "(0: none)",
             "Linux net/openvswitch/flow_table.h: MC_DEFAULT_HASH_ENTRIES 256, MC_HASH_SEGS 4 "
             "(sources.md#ovs-datapath)"),
    PDEF_TIME("vswitch.emc_hit", "83ns", 0, 1e-3,
              "a packet's pass through the datapath when it hits the EMC (flow key, lookup, "
              "actions); every packet pays it",
              "OVS commit d262ac2c6 (2016): 12.0 Mpps with the EMC, one flow, one PMD "
              "thread (D: 1 / 12.0 Mpps = 83 ns) (sources.md#ovs-datapath)"),
    PDEF_TIME("vswitch.probe", "72ns", 0, 1e-3,
              "one classifier subtable probed by a packet that missed the EMC",
              "OVS commit 3453b4d62 (Scheurich, 2016): 1.45 Mpps at 2.5 and 2.13 Mpps at 1.0 "
              "subtable lookups per pass, 2 passes a packet (D: 220 ns / 3 = 73 ns; 1.2 Mpps at "
              "3.5: 72 ns) (sources.md#ovs-datapath)"),
    PDEF_TIME("vswitch.upcall", "12.5us", 0, 1.0,
              "a packet that misses every subtable: the slow path classifies it, installs its "
              "megaflow and sends it, on the switching thread (which waits)",
              "ovs-dev 2017, upcall rate limiter patch: slow path 100-200 times the fast path's "
              "cycles (D: 150 x vswitch.emc_hit) (sources.md#ovs-datapath)"),
    PDEF_TIME("vswitch.sort_interval", "1s", 1e-6, 3600,
              "each switching thread reorders its subtables by their hits this often",
              "OVS lib/dpif-netdev.c: DPCLS_OPTIMIZATION_INTERVAL 1,000,000 us "
              "(sources.md#ovs-datapath)"),
};

static const size_t vswitch_n_params = G_N_ELEMENTS(vswitch_params);

const struct param_table vswitch_param_table = { .params = vswitch_params, .n = &vswitch_n_params };
