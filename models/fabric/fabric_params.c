/* Parameters of the SDN fabric model, one table: unit, range, default and
 * the source of the default (an entry of docs/sources.md,
 * a derivation from one, a deliberate choice, or "placeholder" where no
 * published number backs it yet; docs/models.md lists them). */
#include "fabric_params.h"

#include <glib.h>

#include "../param_tables.h"
#include "param_table.h"

const struct param_def fabric_params[] = {
    /* Topology */
    PDEF_INT("fabric.leaves", "4", 1, 1024, "leaf (top-of-rack) switches",
             "choice: a small two-tier fabric, 64 hosts with the default hosts_per_leaf"),
    PDEF_INT("fabric.hosts_per_leaf", "16", 1, 4096, "hosts attached to each leaf switch",
             "choice: a small rack"),
    PDEF_INT("fabric.spines", "4", 1, 256, "spine switches; every leaf has one uplink to each",
             "choice: a four-way ECMP fabric"),
    PDEF_INT("fabric.switch_ports", "48", 2, 4096,
             "ports of every switch: a leaf needs hosts_per_leaf + spines, a spine one per leaf",
             "choice: a common 48-port top-of-rack switch"),
    PDEF("fabric.host_rate", PARAM_REAL, DIM_BITRATE, "10Gbps", 1e6, 1e13,
         "line rate of a host's link to its leaf (both directions)",
         "choice: 10 Gb/s, the rate of the net model's NIC"),
    PDEF("fabric.oversubscription", PARAM_REAL, DIM_NONE, "1", 1, 1000,
         "leaf oversubscription: host-facing capacity / uplink capacity; uplink rate = "
         "hosts_per_leaf x host_rate / (oversubscription x spines)",
         "choice: non-blocking (VL2's goal); conventional trees 1:20 at ToR, "
         "1:240 at the top (VL2 §1) (sources.md#vl2)"),
    PDEF_TIME("fabric.link_delay", "500ns", 0, 1, "propagation delay of every link, each direction",
              "D: 100 m (choice) x 5 ns/m, fibre at ~200,000 km/s (Fiberise 2011) "
              "(sources.md#fibre)"),
    PDEF_TIME(
        "fabric.switch_latency", "600ns", 0, 1,
        "forwarding latency of a switch (lookup and crossing), after store-and-forward",
        "Arista 7050X datasheet (Trident II): 550-650 ns port to port (sources.md#arista-7050x)"),
    PDEF_SIZE(
        "fabric.buffer", "250KB", 1500, 1e10,
        "buffer of each switch output port (bytes of frames waiting or in service); tail drop",
        "Arista 7050X datasheet: 12 MB shared packet memory (D: / 48 ports) "
        "(sources.md#arista-7050x)"),
    PDEF_TIME("fabric.rto", "200ms", 1e-6, 10,
              "a dropped packet is sent again by its source host this long after the drop",
              "Linux include/net/tcp.h: TCP_RTO_MIN = HZ/5; Vasudevan SIGCOMM'09 on its cost in "
              "data centres (sources.md#tcp-rto)"),
    /* Traffic */
    PDEF("fabric.flow_rate", PARAM_REAL, DIM_PKTRATE, "66.67pps", 1e-3, 1e9,
         "new flows per second started by each host (Poisson), to a uniformly drawn other host",
         "Tootoonchian Hot-ICE'12 §1: Kandula, 100k flows/s per 1,500 servers "
         "(D: 66.7/s per host) (sources.md#tootoonchian)"),
    PDEF("fabric.flow_size", PARAM_DIST, DIM_SIZE, "cdf(websearch)", 1, 1e12,
         "payload bytes of a flow; heavy-tailed: many short flows, most bytes in a few long ones "
         "(built-in published tables: cdf(websearch), cdf(datamining), cdf(hadoop))",
         "Alizadeh SIGCOMM'10 §2.2 Fig. 4: web-search background flows, as tabled by HPCC "
         "SIGCOMM'19 "
         "and HKUST-SING TrafficGenerator (D: mean 1.71 MB, 30% of flows past 1 MB) "
         "(sources.md#flow-size-cdfs)"),
    PDEF_SIZE("fabric.mtu", "1500B", 128, 9216, "IP MTU seen by the hosts (inner, under VXLAN)",
              "choice: standard Ethernet"),
    PDEF_SIZE("fabric.header", "40B", 0, 120, "TCP/IP headers per packet; payload = mtu - header",
              "choice: IPv4 + TCP without options"),
    PDEF_SIZE(
        "fabric.framing", "38B", 0, 100,
        "Ethernet bytes on the wire around an IP packet: header 14, FCS 4, preamble 8, gap 12",
        "choice: IEEE 802.3 framing"),
    PDEF_SIZE("fabric.window", "64KiB", 1, 1e9,
              "payload bytes a flow may have in flight (sent, not yet acknowledged)",
              "choice: a 64 KiB window, no congestion control"),
    PDEF_SIZE("fabric.short_flow", "100KB", 1, 1e12, "flows below this size count as short",
              "choice: the 100 KB 'mice' bound common in data-centre studies"),
    /* SDN control */
    { .key = "fabric.mode",
      .type = PARAM_ENUM,
      .def = "reactive",
      .min = 1,
      .max = 0,
      .choices = "reactive|proactive|devoflow",
      .help = "reactive: exact-match rules set up on a miss; proactive: wildcard rules, no "
              "misses; devoflow: wildcard until a flow passes devoflow_threshold, then a rule "
              "(not waited for)",
      .source = "choice: reactive OpenFlow, as measured by Tootoonchian Hot-ICE'12 "
                "(sources.md#tootoonchian)" },
    PDEF_INT("fabric.table_size", "4000", 1, 1000000,
             "exact-match entries in each switch's flow table",
             "ipSpace 2013: Intel FM6700 up to 4,000 12-tuple flow entries "
             "(sources.md#openflow-tables)"),
    PDEF_TIME(
        "fabric.idle_timeout", "10s", 0, 1e6,
        "an entry unused this long expires (0: never); a full table evicts its LRU entry",
        "POX forwarding/l2_learning.py: idle_timeout = 10 s (hard 30 s) (sources.md#pox-timeouts)"),
    PDEF("fabric.controller_service", PARAM_DIST, DIM_TIME, "exp(33.333us)", 1e-9, 10,
         "controller work per flow setup (one FIFO server)",
         "Tootoonchian Hot-ICE'12 §1: NOX ~30k set-ups/s (D: mean 33.3 us) "
         "(sources.md#tootoonchian)"),
    PDEF_TIME("fabric.control_delay", "8ms", 0, 1,
              "switch to controller: packet-in on the control channel, one way",
              "he-sosr15: inbound latency (packet-in generation and delivery) 8 ms a packet on "
              "average, Intel FM6000 switch (He et al. SOSR'15)"),
    PDEF_TIME("fabric.install_latency", "3.12ms", 0, 1,
              "controller to switches: flow-mod sent and rule written in the table",
              "he-sosr15: outbound latency of a rule insertion 3.12 ms a rule (He et al. "
              "SOSR'15); within NOX's < 10 ms install (sources.md#tootoonchian)"),
    PDEF_SIZE(
        "fabric.devoflow_threshold", "128KB", 1, 1e12,
        "devoflow mode: bytes a flow sends under wildcard rules before it gets its own entry",
        "choice: DCTCP SIGCOMM'10's large flows start at 1 MB (sources.md#dctcp-sizes), but "
        "under sdn-controller.ini's Pareto(1.2, 10 KB) sizes only 0.4% of flows pass 1 MB, so "
        "DevoFlow's published 10-42x fewer setups would become 216x (docs/validation.md "
        "1.8); 128 KB keeps the published share"),
    /* Overlay and the hosts' virtual switch */
    PDEF("fabric.vxlan", PARAM_BOOL, DIM_NONE, "false", 1, 0,
         "VXLAN overlay: every frame carries 50 more bytes on the wire",
         "VXLAN: +50 B per frame (outer Ethernet 14 + IP 20 + UDP 8 + VXLAN 8) "
         "(sources.md#vxlan)"),
    PDEF_TIME("fabric.vswitch_packet", "0ns", 0, 1e-3,
              "host virtual switch CPU per packet, sent and received (one core per host; 0: none)",
              "choice: off; the net model charges the host path itself "
              "(host.stack_per_packet, netmap ATC'12) (sources.md#netmap)"),
    PDEF("fabric.vxlan_cpu", PARAM_REAL, DIM_NONE, "0", 0, 10,
         "extra vswitch CPU per packet with VXLAN, as a fraction of vswitch_packet",
         "VMware vSphere 5.1: \"similar\" CPU with RSS (0); DCK 2013: \"nearly "
         "35%\" without offloads (0.35) (sources.md#vxlan)"),
    PDEF("fabric.ecmp_salt", PARAM_INT, DIM_NONE, "0", 0, 4294967295.0,
         "salt of the ECMP flow hash (changes which spine each flow takes)", "choice"),
};

G_STATIC_ASSERT(G_N_ELEMENTS(fabric_params) == FABRIC_N_PARAMS);

const size_t fabric_n_params = FABRIC_N_PARAMS;

const struct param_table fabric_param_table = { .params = fabric_params, .n = &fabric_n_params };
