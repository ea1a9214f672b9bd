/* Parameters of the net model, one row each: default, unit, range and the
 * source of the default: an entry of docs/sources.md ("sources.md#x"), a
 * derivation from one, a choice, or "placeholder" where no published
 * number backs it yet (docs/sources.md lists them). Cycles are converted
 * at host.clock. */
#include "net_params.h"

#include <glib.h>

#include "../param_sources.h"
#include "param_table.h"
#include "strategy.h"

const struct param_def net_params[] = {
    PDEF_ENUM("io.strategy", "virtio", IO_STRATEGY_CHOICES,
              "I/O virtualization strategy of every VM",
              "choice: paravirtual is the common default"),
    /* [group NAME]: VMs alike, instead of the [vm] keys and io.strategy */
    PDEF_INT("group.*.count", "1", 1, 65535, "VMs of this group on every host", "choice"),
    PDEF_ENUM("group.*.net", "virtio", IO_STRATEGY_CHOICES,
              "how this group's NICs are virtualized (as io.strategy)", "choice"),
    PDEF_ENUM("group.*.disk", "none", "none|baremetal|emulation|virtio-blk|passthrough",
              "this group's virtual disks (as vm.disk)", "choice: network only"),
    PDEF_INT("group.*.vcpus", "1", 1, 256, "vCPUs of each VM of this group (as vm.vcpus)",
             "choice"),
    PDEF_INT("vm.count", "1", 1, 1024, "VMs on every host (without [group NAME] sections)",
             "choice"),
    PDEF_INT("host.count", "1", 1, 4096,
             "physical hosts, each with vm.count VMs (at most 32768 VMs in all); more than one "
             "are joined by the [fabric] (leaf-spine), the peer under leaf 0",
             "choice: one host and a wire to the peer"),
    PDEF_ENUM("vm.disk", "none", "none|baremetal|emulation|virtio-blk|passthrough",
              "each VM's virtual disk and how it is virtualized (none: no disk); the [blk], "
              "[fio], [disk] and [qcow2] keys set it up, on the same host as the NIC",
              "choice: network only"),
    PDEF_INT("vm.vcpus", "1", 1, 256,
             "vCPUs per VM: each sends; receive and interrupts on the vCPUs of the queues' vectors",
             "choice"),
    PDEF_INT("vm.irq_vcpu", "-1", -1, 255,
             "the vCPU every queue's MSI-X vector is affine to; -1: spread over the vCPUs in turn",
             "choice: Linux spreads a device's vectors over the CPUs"),
    PDEF_ENUM("workload.type", "stream", "stream|rr|udp", "traffic pattern (netperf-like)",
              "choice"),
    PDEF_ENUM("workload.direction", "tx", "tx|rx", "tx: the VM sends; rx: the VM receives",
              "choice"),
    PDEF_ENUM("workload.target", "peer", "peer|vm|remote",
              "far end: the peer host, the next VM on the same host, or the VM of the same rank "
              "on the next host (across the fabric)",
              "choice"),
    PDEF_SIZE("workload.size", "1460B", 1, 65536, "stream/udp payload per send",
              "Dong HPCA'10: 1,500-byte IP packets at line rate "
              "(sources.md#dong-sriov)"),
    PDEF_SIZE("workload.request_size", "64B", 1, 65536, "rr request payload", "choice"),
    PDEF_SIZE("workload.response_size", "64B", 1, 65536, "rr response payload", "choice"),
    PDEF_SIZE("workload.window", "256KiB", 1, 1 << 30, "stream: payload bytes in flight at most",
              "choice: several bandwidth-delay products"),
    { .key = "workload.think_time",
      .type = PARAM_DIST,
      .dim = DIM_TIME,
      .def = "0s",
      .min = 0,
      .max = 10,
      .help = "rr: pause between a response and the next request",
      .source = "choice: netperf TCP_RR has none" },
    { .key = "workload.rate",
      .type = PARAM_REAL,
      .dim = DIM_PKTRATE,
      .def = "100Kpps",
      .min = 1,
      .max = 1e9,
      .help = "udp: packets per second",
      .source = "choice" },
    PDEF_INT("workload.flows", "1", 1, 64,
             "rx: flows the peer sends to each VM (RSS hashes each to a queue); a VM sends one "
             "flow per vCPU",
             "choice: one netperf stream"),
    PDEF_ENUM("workload.arrivals", "constant", "constant|poisson", "udp: arrival process",
              "choice"),
    PDEF_TIME("workload.loss_recovery", "1ms", 1e-9, 10,
              "a lost packet's credit comes back after this", "choice: stands in for TCP recovery"),
    PDEF_BOOL("workload.acks", "true",
              "stream: the receiver returns the window with ACK packets over the reverse path "
              "(off: credit returns at delivery, no packets)",
              "Linux net/ipv4/tcp_input.c __tcp_ack_snd_check: delayed ACKs"),
    PDEF("workload.message_size", PARAM_DIST, DIM_SIZE, "0B", 0, 65536,
         "udp datagram and rr request sizes drawn from this distribution, e.g. "
         "lognormal(300B, 200B) (0B: workload.size and workload.request_size, fixed); "
         "draws are kept within 1 B..64 KiB",
         "choice: fixed; real message sizes vary"),
    PDEF_TIME("workload.start_jitter", "0s", 0, 10,
              "each VM's workload starts after a uniform random delay in [0, this]: "
              "replications differ even for closed-loop traffic",
              "choice: 0, deterministic; real senders never start in lockstep"),
    PDEF_TIME("workload.probe_interval", "0s", 0, 10,
              "a probe flow beside the workload: 64-byte pings from vCPU 0, Poisson with this "
              "mean gap, echoed by the receiver (probe_rtt_mean); 0: none",
              "choice: off; what a latency-sensitive flow sharing the path sees, which a window-"
              "limited stream's own latency is not"),
    PDEF_TIME("workload.delack_timeout", "40ms", 1e-6, 10,
              "stream: an ACK held back for a second segment goes out after this",
              "Linux include/net/tcp.h TCP_DELACK_MIN = HZ/25 (40 ms)"),
    PDEF_SIZE("net.mtu", "1500B", 68, 65536, "IP MTU", "choice: Ethernet"),
    PDEF_SIZE("net.l34_header", "40B", 0, 1024, "IP + TCP headers per frame",
              "choice: IPv4 20 B + TCP 20 B (RFC 791, 793)"),
    PDEF_TIME("net.wire_delay", "500ns", 0, 1, "propagation between the host and the peer",
              "choice: 100 m of fibre at 5 ns/m (fibre propagation ~200,000 km/s) "
              "(sources.md#fibre)"),
    { .key = "nic.line_rate",
      .type = PARAM_REAL,
      .dim = DIM_BITRATE,
      .def = "10Gbps",
      .min = 1e6,
      .max = 1e13,
      .help = "port line rate",
      .source = "Dong HPCA'10: 10 Gb/s port, VF at 9.48 Gb/s (sources.md#dong-sriov)" },
    PDEF_INT("nic.max_vfs", "64", 0, 4096, "VFs the device supports per port",
             "Intel 82599/X520: 64 VFs per port (sources.md#ixgbe-sriov)"),
    PDEF_INT("nic.vfs", "63", 0, 4096, "VFs enabled (sriov: one per VM)",
             "Linux ixgbe_sriov.h: IXGBE_MAX_VFS_DRV_LIMIT = 63 "
             "(sources.md#ixgbe-sriov)"),
    PDEF_INT("nic.tx_ring", "512", 1, 65536, "transmit descriptors per queue",
             "choice: Linux ixgbe default 512"),
    PDEF_INT("nic.rx_ring", "512", 1, 65536,
             "receive descriptors per ring (one ring per queue pair)",
             "choice: Linux ixgbe default 512"),
    PDEF_SIZE("nic.buffer_size", "2KiB", 64, 65536, "DMA buffer per descriptor (IOVA stride)",
              "choice: Linux ixgbe 2 KiB receive buffers"),
    PDEF_ENUM("nic.dma_mapping", "native", "native|per-buffer|static",
              "when the IOMMU translates (iommu.mode not off): native = host drivers map "
              "each buffer (DMA API), assigned devices map once (VFIO); per-buffer = every driver "
              "maps each buffer (an assigned device's guest through a vIOMMU, whose extra exits "
              "are not modelled); static = every driver maps once (VFIO, DPDK)",
              "choice: native, as usually deployed; the others compare like with like"),
    PDEF_SIZE("nic.descriptor_size", "16B", 1, 256, "DMA descriptor",
              "choice: ixgbe advanced descriptor"),
    PDEF_BOOL("nic.vdpa", "true",
              "the NIC's functions implement the virtio ring in hardware (vDPA); false: a "
              "plain SR-IOV NIC such as the 82599, on which io.strategy = vdpa is refused",
              "choice: a vDPA-capable SmartNIC (e.g. NVIDIA ConnectX-6 Dx, whose VFs the "
              "mlx5_vdpa driver exposes as vDPA devices)"),
    PDEF_BOOL("nic.vxlan_offload", "false",
              "the NIC encapsulates its functions' traffic in VXLAN itself (passthrough, SR-IOV); "
              "false: assigned functions send on the underlay, outside the overlay",
              "choice: VXLAN offload exists on e.g. Intel X710/E810 but needs configuring"),
    PDEF_INT("nic.queues", "1", 1, 64,
             "queue pairs of each VM's NIC function, each with its own MSI-X vector, flows "
             "spread by RSS (bare metal, passthrough, SR-IOV; virtio: equal to virtio.queues)",
             "choice: one queue pair, as an ixgbevf VF with one vCPU"),
    PDEF_INT("nic.msix_vectors", "64", 1, 2048,
             "MSI-X vectors of a NIC function: one per queue pair; virtio_net (virtio, vDPA) "
             "asks for one per virtqueue and one for configuration changes (2 x pairs + 1) "
             "and, with one pair and fewer, shares one",
             "choice: 82599 PF MSI-X table of 64 (a VF has 3)"),
    PDEF_ENUM("nic.itr", "adaptive", "off|static|adaptive",
              "interrupt moderation: off, static (nic.itr_rate), or the guest driver's adaptive "
              "algorithm (e1000, ixgbe, ixgbevf, mlx5e's DIM as in Linux; nic.driver)",
              "ixgbe/ixgbevf/e1000: adaptive moderation is the drivers' default "
              "(sources.md#ixgbe-itr)"),
    { .key = "nic.itr_rate",
      .type = PARAM_REAL,
      .dim = DIM_FREQ,
      .def = "8000Hz",
      .min = 1,
      .max = 1e7,
      .help = "static, and adaptive bulk, interrupt rate limit",
      .source = "e1000 commit 835bb129: old static 8,000/s; ixgbe PF bulk class 8,000/s "
                "(ixgbevf 12,000/s, e1000 mode 3 4,000/s) (sources.md#ixgbe-itr)" },
    PDEF_ENUM("nic.driver", "ixgbe", "ixgbe|mlx5",
              "the NIC family, whose PF and VF drivers moderate bare metal's, passthrough's and "
              "SR-IOV's interrupts: ixgbe (ixgbe on the PF, ixgbevf on a VF) or mlx5 (mlx5e on "
              "both: static is a period and a packet count per CQ, adaptive is Linux's DIM); "
              "emulation keeps QEMU's e1000, virtio and vDPA moderate nothing",
              "choice: an Intel 82599, the NIC the other defaults describe "
              "(sources.md#mlx5e-dim)"),
    PDEF_INT("nic.itr_packets", "32", 1, 65535,
             "mlx5 static moderation: completions (packets) on a CQ that raise its interrupt "
             "before the period (1/nic.itr_rate) ends",
             "Linux mlx5e MLX5E_PARAMS_DEFAULT_{RX,TX}_CQ_MODERATION_PKTS = 0x20 "
             "(sources.md#mlx5e-dim)"),
    PDEF_BOOL("nic.rx_cqe_moder", "true",
              "mlx5: the receive CQs' period restarts at each completion (CQE mode; false: "
              "counts from the last interrupt, EQE mode); sets DIM's profile table too",
              "Linux mlx5e_build_nic_params: CQE mode where the device has "
              "cq_period_start_from_cqe (ethtool priv-flag rx_cqe_moder) "
              "(sources.md#mlx5e-dim)"),
    PDEF_BOOL("nic.tx_cqe_moder", "false",
              "mlx5: the transmit CQs' period restarts at each completion (CQE mode; false: "
              "EQE mode)",
              "Linux mlx5e_build_nic_params: transmit CQs in EQE mode (ethtool priv-flag "
              "tx_cqe_moder off) (sources.md#mlx5e-dim)"),
    PDEF_TIME("nic.dim_apply_delay", "20us", 0, 0.1,
              "mlx5 adaptive: from DIM's decision to the new profile on the CQ (the driver's "
              "work item and its MODIFY_CQ firmware command); DIM measures nothing meanwhile",
              "placeholder: a kworker wake-up and one firmware command, not measured "
              "(sources.md#mlx5e-dim)"),
    PDEF_INT("passthrough.devices", "1", 1, 1024, "assignable NIC functions (one VM each)",
             "choice"),
    PDEF_INT("sriov.mailbox_msgs", "4", 0, 64, "PF-VF mailbox requests when a VF is set up",
             "choice: reset, API version, queues, MAC (ixgbe VF start-up)"),
    PDEF_CYCLES("sriov.mailbox_cost", "42800", 0, 1e9, "PF driver handling one mailbox request",
                "Linux ixgbe_mbx.c/ixgbe_sriov.c: at least 24 register reads per request (D: x "
                "pcie.latency 850 ns x 2.1 GHz; the handling's own work not included, a lower "
                "bound) (sources.md#ixgbe-sriov)"),
    PDEF_INT("peer.cores", "64", 1, 4096, "cores of the peer host", "choice: never the bottleneck"),
    PDEF_TIME("peer.per_packet", "950ns", 0, 1, "peer host's stack cost per packet",
              "netmap ATC'12 §5.2 Fig. 5: raw-socket send 1.05 Mpps on i7-870 (D: "
              "952 ns per packet) (sources.md#netmap)"),
};

const size_t net_n_params = G_N_ELEMENTS(net_params);
