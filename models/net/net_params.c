/* Parameters of the net model, one row each: default, unit, range and the
 * source of the default. "calibration.md X.Y" names a row of
 * ../shared/calibration.md; "placeholder" marks a default no published
 * number backs yet (calibration.md 4 lists the gaps). Cycles are converted
 * at host.clock. */
#include "net_params.h"

#include <glib.h>

#define CYC(k, d, lo, hi, h, s)                                                                    \
    {                                                                                              \
        .key = k, .type = PARAM_INT, .dim = DIM_CYCLES, .def = d, .min = lo, .max = hi, .help = h, \
        .source = s                                                                                \
    }
#define TIME(k, d, lo, hi, h, s)                                                                  \
    {                                                                                             \
        .key = k, .type = PARAM_REAL, .dim = DIM_TIME, .def = d, .min = lo, .max = hi, .help = h, \
        .source = s                                                                               \
    }
#define SIZE(k, d, lo, hi, h, s)                                                                  \
    {                                                                                             \
        .key = k, .type = PARAM_REAL, .dim = DIM_SIZE, .def = d, .min = lo, .max = hi, .help = h, \
        .source = s                                                                               \
    }
#define INT(k, d, lo, hi, h, s)                                                                  \
    {                                                                                            \
        .key = k, .type = PARAM_INT, .dim = DIM_NONE, .def = d, .min = lo, .max = hi, .help = h, \
        .source = s                                                                              \
    }
#define BOOL(k, d, h, s)                                                                   \
    {                                                                                      \
        .key = k, .type = PARAM_BOOL, .def = d, .min = 1, .max = 0, .help = h, .source = s \
    }
#define ENUM(k, d, c, h, s)                                                                  \
    {                                                                                        \
        .key = k, .type = PARAM_ENUM, .def = d, .min = 1, .max = 0, .choices = c, .help = h, \
        .source = s                                                                          \
    }

#define DALL_ATC17  "calibration.md 1.1: Dall et al. ATC'17 Table 2 (Xeon E5-2450, KVM x86)"
#define PLACEHOLDER "placeholder: no calibration.md row yet (calibration.md 4)"

const struct param_def net_params[] = {
    /* topology */
    ENUM("io.strategy", "virtio", "baremetal|emulation|virtio|passthrough|sriov",
         "I/O virtualization strategy of every VM", "choice: paravirtual is the common default"),
    INT("vm.count", "1", 1, 1024, "VMs on the host", "choice"),
    INT("vm.vcpus", "1", 1, 64, "vCPUs per VM: each sends; receive and interrupts on vCPU 0",
        "choice"),
    INT("host.cores", "64", 1, 4096, "physical cores of the host",
        "choice: enough for 60 pinned VMs (calibration.md 2.1 scales to 60)"),
    { .key = "host.clock",
      .type = PARAM_REAL,
      .dim = DIM_FREQ,
      .def = "2.1GHz",
      .min = 1e6,
      .max = 1e11,
      .help = "core clock; every cycle cost is converted at this rate",
      .source = "calibration.md 1.1: Xeon E5-2450 at 2.1 GHz (Dall ISCA'16/ATC'17)" },
    BOOL("host.pin_vcpus", "true", "give each vCPU a core of its own (error if too few)",
         "choice: pinned, as in the published measurements"),
    CYC("host.switch_cost", "4812", 0, 1e9,
        "switching a shared core between threads (vCPUs or backends)",
        "calibration.md 1.1: VM switch 4,812 cycles, ISCA'16 Table II (R)"),
    CYC("host.stack_per_packet", "1000", 0, 1e9,
        "host NIC driver plus bridge/tap work per packet (virtio, emulation)", PLACEHOLDER),
    /* hypervisor */
    CYC("hv.exit_mmio_kernel", "2565", 0, 1e9, "MMIO/PIO exit handled in the host kernel",
        DALL_ATC17 ", I/O Kernel 2,565 cycles"),
    CYC("hv.exit_mmio_user", "6732", 0, 1e9, "MMIO/PIO exit handled in host user space (QEMU)",
        DALL_ATC17 ", I/O User 6,732 cycles"),
    CYC("hv.exit_hypercall", "1437", 0, 1e9, "hypercall exit",
        DALL_ATC17 ", hypercall 1,437 cycles"),
    CYC("hv.exit_interrupt_window", "2000", 0, 1e9, "interrupt-window exit (direct switch cost)",
        "calibration.md 1.1: SplitX WIOV'11 Table 1, exit+entry 2,000 cycles"),
    CYC("hv.exit_eoi", "1556", 0, 1e9, "EOI exit (virtual interrupt completion)",
        "calibration.md 1.1: Dall ISCA'16 Table II, interrupt completion 1,556 cycles"),
    CYC("hv.exit_external_interrupt", "3102", 0, 1e9,
        "interrupt routed through the host to a running vCPU: exit, injection, entry",
        "calibration.md 1.1: virtual IPI 3,102 cycles, Dall ATC'17 Table 2 (D: same path)"),
    BOOL("hv.halt", "false", "idle vCPUs execute HLT (exit, halt polling, wake-up)",
         "choice: off, guests idle by polling as in latency benchmarks"),
    CYC("hv.exit_hlt", "2000", 0, 1e9, "HLT exit of an idle vCPU",
        "calibration.md 1.1: SplitX WIOV'11 Table 1, exit+entry 2,000 cycles"),
    TIME("hv.halt_poll", "200us", 0, 10, "KVM halt polling before a halted vCPU is scheduled out",
         "calibration.md 1.1: KVM_HALT_POLL_NS_DEFAULT 200000 on x86"),
    CYC("hv.wakeup", "4812", 0, 1e9, "scheduling a halted vCPU back in",
        "calibration.md 1.1: VM switch 4,812 cycles, ISCA'16 Table II (R)"),
    BOOL("hv.posted_interrupts", "false", "deliver interrupts to running vCPUs without an exit",
         "calibration.md 1.4: ELI (ASPLOS'12) baseline is host-mediated"),
    BOOL("hv.exitless_eoi", "false", "the guest's EOI does not exit (APICv / ELI)",
         "calibration.md 1.4: ELI baseline exits on EOI"),
    CYC("hv.isr", "600", 0, 1e9, "guest interrupt handler entry and exit", PLACEHOLDER),
    /* guest */
    CYC("guest.stack_tx_packet", "1500", 0, 1e9, "guest TCP/IP transmit cost per packet",
        PLACEHOLDER),
    TIME("guest.stack_tx_byte", "0.1ns", 0, 1e-6, "guest transmit cost per payload byte",
         PLACEHOLDER ": memcpy at about 10 GB/s"),
    CYC("guest.stack_rx_packet", "1500", 0, 1e9, "guest TCP/IP receive cost per packet",
        PLACEHOLDER),
    TIME("guest.stack_rx_byte", "0.1ns", 0, 1e-6, "guest receive cost per payload byte",
         PLACEHOLDER ": memcpy at about 10 GB/s"),
    CYC("guest.driver_tx", "300", 0, 1e9, "driver transmit work per packet (descriptor, doorbell)",
        PLACEHOLDER),
    CYC("guest.driver_rx", "300", 0, 1e9, "driver receive work per packet (descriptor, refill)",
        PLACEHOLDER),
    CYC("guest.tx_clean", "100", 0, 1e9, "reclaiming one transmitted buffer", PLACEHOLDER),
    CYC("guest.napi_poll", "200", 0, 1e9, "overhead of one NAPI poll round", PLACEHOLDER),
    INT("guest.napi_budget", "64", 1, 65536, "packets per NAPI poll round",
        "choice: Linux NAPI_POLL_WEIGHT 64"),
    INT("guest.txqueuelen", "1000", 1, 1 << 24,
        "sends queued in front of a sender's stack before it drops (open loop)",
        "choice: Linux default txqueuelen 1000"),
    SIZE("guest.gso_size", "0B", 0, 65536, "TSO/GSO segment the stack hands down (0: one MSS)",
         "choice: off, so that packets are wire frames"),
    /* workload */
    ENUM("workload.type", "stream", "stream|rr|udp", "traffic pattern (netperf-like)", "choice"),
    ENUM("workload.direction", "tx", "tx|rx", "tx: the VM sends; rx: the VM receives", "choice"),
    ENUM("workload.target", "peer", "peer|vm", "far end: the peer host or the next VM", "choice"),
    SIZE("workload.size", "1460B", 1, 65536, "stream/udp payload per send",
         "calibration.md 1.6: 1500-byte IP packets (Dong HPCA'10 line rate)"),
    SIZE("workload.request_size", "64B", 1, 65536, "rr request payload", "choice"),
    SIZE("workload.response_size", "64B", 1, 65536, "rr response payload", "choice"),
    SIZE("workload.window", "256KiB", 1, 1 << 30, "stream: payload bytes in flight at most",
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
    ENUM("workload.arrivals", "constant", "constant|poisson", "udp: arrival process", "choice"),
    TIME("workload.loss_recovery", "1ms", 1e-9, 10, "a lost packet's credit comes back after this",
         "choice: stands in for TCP recovery"),
    /* wire */
    SIZE("net.mtu", "1500B", 68, 65536, "IP MTU", "choice: Ethernet"),
    SIZE("net.l34_header", "40B", 0, 1024, "IP + TCP headers per frame",
         "choice: IPv4 20 B + TCP 20 B (RFC 791, 793)"),
    TIME("net.wire_delay", "500ns", 0, 1, "propagation between the host and the peer",
         "choice: about 100 m of fibre"),
    /* NIC */
    { .key = "nic.line_rate",
      .type = PARAM_REAL,
      .dim = DIM_BITRATE,
      .def = "10Gbps",
      .min = 1e6,
      .max = 1e13,
      .help = "port line rate",
      .source = "calibration.md 1.6: 10 Gbps port (Dong HPCA'10)" },
    INT("nic.max_vfs", "64", 0, 4096, "VFs the device supports per port",
        "calibration.md 1.6: up to 64 VFs per port (X520/82599)"),
    INT("nic.vfs", "63", 0, 4096, "VFs enabled (sriov: one per VM)",
        "calibration.md 1.6: Linux ixgbe caps at 63 (IXGBE_MAX_VFS_DRV_LIMIT)"),
    INT("nic.tx_ring", "512", 1, 65536, "transmit descriptors per queue",
        "choice: Linux ixgbe default 512"),
    INT("nic.rx_ring", "512", 1, 65536, "receive descriptors per queue",
        "choice: Linux ixgbe default 512"),
    SIZE("nic.buffer_size", "2KiB", 64, 65536, "DMA buffer per descriptor (IOVA stride)",
         "choice: Linux ixgbe 2 KiB receive buffers"),
    SIZE("nic.descriptor_size", "16B", 1, 256, "DMA descriptor",
         "choice: ixgbe advanced descriptor"),
    ENUM("nic.itr", "adaptive", "off|static|adaptive", "interrupt moderation",
         "calibration.md 1.3: e1000 dynamic ITR is the default"),
    { .key = "nic.itr_rate",
      .type = PARAM_REAL,
      .dim = DIM_FREQ,
      .def = "8000Hz",
      .min = 1,
      .max = 1e7,
      .help = "static, and adaptive bulk, interrupt rate limit",
      .source = "calibration.md 1.3: e1000 static 8000 ints/s (125 us)" },
    { .key = "nic.itr_low_rate",
      .type = PARAM_REAL,
      .dim = DIM_FREQ,
      .def = "100000Hz",
      .min = 1,
      .max = 1e7,
      .help = "adaptive mode's rate limit for sparse traffic",
      .source = "calibration.md 1.3: dynamic ITR range up to 100000/s" },
    SIZE("nic.itr_bulk_bytes", "8KiB", 0, 1 << 30,
         "adaptive: bytes per interrupt interval from which traffic counts as bulk",
         "choice: a few full frames, as e1000's bulk class"),
    /* PCIe */
    { .key = "pcie.bandwidth",
      .type = PARAM_REAL,
      .dim = DIM_BITRATE,
      .def = "62.96Gbps",
      .min = 1e6,
      .max = 1e13,
      .help = "raw link bandwidth per direction",
      .source = "calibration.md 1.6: PCIe Gen3 x8 62.96 Gb/s (Neugebauer SIGCOMM'18)" },
    SIZE("pcie.max_payload", "256B", 64, 4096, "maximum TLP payload", "choice: common MPS"),
    SIZE("pcie.tlp_overhead", "24B", 0, 256, "framing, header and CRC bytes per TLP",
         "calibration.md 1.6 (D): raw 62.96 vs ~50 Gb/s of data at 256 B TLPs"),
    TIME("pcie.latency", "850ns", 0, 1e-3, "round trip of a device read",
         "calibration.md 1.6: PCIe endpoint round trip ~850 ns"),
    /* IOMMU */
    ENUM("iommu.mode", "off", "off|strict|deferred",
         "host drivers' DMA-API mappings: none (iommu=pt), strict, or deferred (flush queue); "
         "assigned devices are always translated",
         "choice: iommu=pt, the usual performance setting; modes per calibration.md 1.5"),
    ENUM("iommu.page_size", "4KiB", "4KiB|2MiB", "IOMMU page size of DMA mappings", "choice"),
    INT("iommu.iotlb_entries", "64", 1, 1 << 20, "IOTLB entries (fully associative, LRU)",
        PLACEHOLDER),
    INT("iommu.walk_levels", "4", 1, 6, "page-table levels read on an IOTLB miss",
        "calibration.md 1.5: 4 levels, 48-bit VT-d (R)"),
    TIME("iommu.walk_access", "100ns", 0, 1e-3, "one memory read of a page walk", PLACEHOLDER),
    TIME("iommu.map_cost", "200ns", 0, 1e-3, "DMA-API map of one buffer", PLACEHOLDER),
    TIME("iommu.unmap_cost", "200ns", 0, 1e-3, "DMA-API unmap of one buffer", PLACEHOLDER),
    TIME("iommu.invalidation_cost", "2us", 0, 1e-2, "IOTLB invalidation and its wait", PLACEHOLDER),
    INT("iommu.flush_queue", "256", 1, 1 << 20, "deferred: unmaps per flush",
        "calibration.md 1.5: IOVA_FQ_SIZE 256"),
    TIME("iommu.flush_timeout", "10ms", 1e-9, 10, "deferred: oldest unmap waits at most this",
         "calibration.md 1.5: IOVA_FQ_TIMEOUT 10 ms"),
    /* virtio */
    ENUM("virtio.backend", "vhost", "qemu|vhost",
         "qemu: user-space device thread; vhost: kernel worker woken by ioeventfd",
         "calibration.md 3: vhost is the fast path"),
    INT("virtio.ring_size", "256", 1, 32768, "descriptors per virtqueue (a power of two)",
        "calibration.md 1.2: QEMU virtio-net default 256"),
    INT("virtio.queues", "1", 1, 64,
        "transmit queue pairs, each with its lock and backend thread (vCPU k uses k mod n)",
        "choice: single queue, QEMU's default"),
    BOOL("virtio.event_idx", "true", "VIRTIO_F_EVENT_IDX notification suppression",
         "calibration.md 2.5: Tsirkin, event idx support"),
    CYC("virtio.notify_latency", "560", 0, 1e9, "guest kick until the backend sees it",
        "calibration.md 1.1: I/O latency out 560 cycles, Dall ISCA'16 Table II"),
    CYC("virtio.vhost_per_packet", "1000", 0, 1e9, "vhost worker work per packet", PLACEHOLDER),
    CYC("virtio.qemu_per_packet", "2600", 0, 1e9, "QEMU virtio thread work per packet",
        "calibration.md 1.1 (D): 2.6x the in-kernel cost, as user vs kernel exits"),
    TIME("virtio.copy_per_byte", "0.32ns", 0, 1e-6, "backend copy cost per byte",
         "calibration.md 1.2 (D): Firecracker, one core per 25 Gbps"),
    CYC("virtio.wake", "2000", 0, 1e9, "waking the backend thread after a kick", PLACEHOLDER),
    /* emulation */
    CYC("emulation.device_per_packet", "4000", 0, 1e9,
        "e1000-like device model work per packet in QEMU", PLACEHOLDER),
    TIME("emulation.copy_per_byte", "0.32ns", 0, 1e-6, "device model copy cost per byte",
         "calibration.md 1.2 (D): Firecracker, one core per 25 Gbps"),
    INT("emulation.rx_ring", "256", 1, 65536, "emulated receive descriptors",
        "choice: Linux e1000 default 256"),
    /* passthrough and SR-IOV */
    INT("passthrough.devices", "1", 1, 1024, "assignable NIC functions (one VM each)", "choice"),
    INT("sriov.mailbox_msgs", "4", 0, 64, "PF-VF mailbox requests when a VF is set up",
        "choice: reset, API version, queues, MAC (ixgbe VF start-up)"),
    CYC("sriov.mailbox_cost", "10000", 0, 1e9, "PF driver handling one mailbox request",
        PLACEHOLDER),
    /* peer */
    INT("peer.cores", "64", 1, 4096, "cores of the peer host", "choice: never the bottleneck"),
    TIME("peer.per_packet", "500ns", 0, 1, "peer host's stack cost per packet", PLACEHOLDER),
};

G_STATIC_ASSERT(G_N_ELEMENTS(net_params) == NET_N_PARAMS);

const size_t net_n_params = NET_N_PARAMS;
