/* Parameters of the SDN fabric model, one table: unit, range, default and
 * the source of the default (a row of ../shared/calibration.md section 1.8,
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
         "choice: non-blocking leaf-spine (VL2's goal); calibration.md 1.8: conventional trees "
         "have ToR uplinks ~1:20, up to 1:240 at the top (VL2 section 1, via Demirbas)"),
    PDEF_TIME("fabric.link_delay", "500ns", 0, 1, "propagation delay of every link, each direction",
              "placeholder: about 100 m of fibre at 5 ns/m"),
    PDEF_TIME("fabric.switch_latency", "1us", 0, 1,
              "forwarding latency of a switch (lookup and crossing), after store-and-forward",
              "placeholder: a store-and-forward top-of-rack switch; no row in calibration.md"),
    PDEF_SIZE(
        "fabric.buffer", "1MiB", 1500, 1e10,
        "buffer of each switch output port (bytes of frames waiting or in service); tail drop",
        "placeholder: shallow-buffer merchant silicon; no row in calibration.md"),
    PDEF_TIME("fabric.rto", "1ms", 1e-6, 10,
              "a dropped packet is sent again by its source host this long after the drop",
              "placeholder: a data-centre-tuned minimum RTO (Linux's default is 200 ms)"),
    /* Traffic */
    PDEF("fabric.flow_rate", PARAM_REAL, DIM_PKTRATE, "66.67pps", 1e-3, 1e9,
         "new flows per second started by each host (Poisson), to a uniformly drawn other host",
         "calibration.md 1.8: Kandula, median 100k flows/s in a 1500-server cluster = 66.7 per "
         "server (D)"),
    PDEF("fabric.flow_size", PARAM_DIST, DIM_SIZE, "pareto(1.2, 10KB)", 1, 1e12,
         "payload bytes of a flow; heavy-tailed: many short flows, most bytes in a few long ones",
         "placeholder: Pareto shape 1.2 from 10 KB (mean 60 KB); no flow-size row in "
         "calibration.md"),
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
      .source = "choice: reactive OpenFlow as measured by Tootoonchian et al. (calibration.md "
                "1.8)" },
    PDEF_INT("fabric.table_size", "2000", 1, 1000000,
             "exact-match entries in each switch's flow table",
             "placeholder: TCAM of a 2011 OpenFlow switch (DevoFlow discusses ~1500-entry tables; "
             "not a calibration.md row)"),
    PDEF_TIME("fabric.idle_timeout", "5s", 0, 1e6,
              "an entry unused this long expires (0: never); a full table evicts its LRU entry",
              "placeholder: NOX's usual 5 s idle timeout; no row in calibration.md"),
    PDEF("fabric.controller_service", PARAM_DIST, DIM_TIME, "exp(33.333us)", 1e-9, 10,
         "controller work per flow setup (one FIFO server)",
         "calibration.md 1.8: NOX ~30k flow setups/s (Tavakoli HotNets 2009 via Tootoonchian "
         "Hot-ICE 2012 section 1): mean 1/30000 s"),
    PDEF_TIME("fabric.control_delay", "50us", 0, 1,
              "switch to controller: packet-in on the control channel, one way",
              "placeholder: an out-of-band control network in the same data centre"),
    PDEF_TIME("fabric.install_latency", "1ms", 0, 1,
              "controller to switches: flow-mod sent and rule written in the table",
              "placeholder: calibration.md 1.8 bounds only the whole install (< 10 ms, NOX)"),
    PDEF_SIZE("fabric.devoflow_threshold", "128KB", 1, 1e12,
              "devoflow mode: bytes a flow sends under wildcard rules before it gets its own entry",
              "placeholder: a DevoFlow-style elephant threshold; calibration.md 1.8 gives only its "
              "effect (10-53x fewer entries)"),
    /* Overlay and the hosts' virtual switch */
    PDEF("fabric.vxlan", PARAM_BOOL, DIM_NONE, "false", 1, 0,
         "VXLAN overlay: every frame carries 50 more bytes on the wire",
         "calibration.md 1.8: +50 B (outer Ethernet 14 + IP 20 + UDP 8 + VXLAN 8)"),
    PDEF_TIME("fabric.vswitch_packet", "0ns", 0, 1e-3,
              "host virtual switch CPU per packet, sent and received (one core per host; 0: none)",
              "placeholder: the net model charges the host stack itself; set it to study the "
              "vswitch"),
    PDEF("fabric.vxlan_cpu", PARAM_REAL, DIM_NONE, "0", 0, 10,
         "extra vswitch CPU per packet with VXLAN, as a fraction of vswitch_packet",
         "calibration.md 1.8, conflicting: VMware vSphere 5.1 'similar' CPU with RSS (0); DCK "
         "2013 'nearly 35%' when offloads are lost (0.35)"),
    PDEF("fabric.ecmp_salt", PARAM_INT, DIM_NONE, "0", 0, 4294967295.0,
         "salt of the ECMP flow hash (changes which spine each flow takes)", "choice"),
};

G_STATIC_ASSERT(G_N_ELEMENTS(fabric_params) == FABRIC_N_PARAMS);

const size_t fabric_n_params = FABRIC_N_PARAMS;

const struct param_table fabric_param_table = { .params = fabric_params, .n = &fabric_n_params };
