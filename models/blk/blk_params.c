/* Parameters of the blk model (virtual disks), one row each: default, unit,
 * range and the source of the default. "calibration.md X.Y" names a row of
 * ../shared/calibration.md; "placeholder" marks a default no published number
 * backs yet. Cycle costs are converted at blkhost.clock, as the net model
 * converts its own at host.clock. */
#include "blk_params.h"

#include <glib.h>

#include "param_table.h"

/* Every cycle cost here ranges over [0, 1e9] cycles. */
#define BLK_CYC(k, d, h, s) PDEF_CYCLES(k, d, 0, 1e9, h, s)

#define DALL_ATC17  "calibration.md 1.1: Dall et al. ATC'17 Table 2 (Xeon E5-2450, KVM x86)"
#define PLACEHOLDER "placeholder: no calibration.md row"
#define YANG        "calibration.md 1.7: Yang et al. FAST'12, 4 KiB read 4.4 us polled vs 7.6 us"
#define QCOW2_DOC   "calibration.md 1.7: QEMU docs/qcow2-cache.txt"

const struct param_def blk_params[] = {
    /* topology and strategy */
    PDEF_ENUM("blk.strategy", "virtio-blk", "baremetal|emulation|virtio-blk|passthrough",
              "how each VM's disk I/O is virtualized", "choice: paravirtual is the common default"),
    PDEF_ENUM("blk.backend", "qemu", "qemu|vhost",
              "virtio-blk backend: QEMU I/O thread (kick exits to user space) or vhost "
              "(in-kernel / vhost-user worker, kick handled in the kernel)",
              "choice: QEMU's default"),
    PDEF_ENUM("blk.completion", "interrupt", "interrupt|poll",
              "the guest learns of completions by interrupt or by polling its completion queue",
              "choice: interrupts, the Linux default"),
    PDEF_ENUM("blk.format", "raw", "raw|qcow2",
              "image format of the software paths (emulation, virtio-blk)", "choice"),
    PDEF_BOOL(
        "blk.posted_interrupts", "false",
        "interrupts reach a running vCPU and its EOI completes without exits (posted / APICv)",
        "calibration.md 1.4: ELI baseline is host-mediated"),
    PDEF_INT("blk.vms", "1", 1, 1024,
             "VMs sharing the host's device, each with its own virtual disk", "choice"),
    PDEF_SIZE("blk.disk_size", "8GiB", 4096, 1125899906842624.0,
              "virtual disk size of each VM (the image's virtual size)",
              QCOW2_DOC ": 1 MB of L2 cache per 8 GB of disk"),
    /* workload */
    PDEF_ENUM("fio.rw", "randread", "randread|randwrite|randrw|read|write",
              "access pattern (fio's rw=)", "choice: the 4 KiB random-read latency benchmark"),
    PDEF_SIZE("fio.bs", "4KiB", 512, 16777216, "request size (fio's bs=)",
              "calibration.md 1.7: 4 KiB reads (Yang FAST'12, Hajnoczi KVM Forum 2020)"),
    PDEF_INT("fio.iodepth", "1", 1, 65536,
             "requests outstanding per VM in closed loop (fio's iodepth=)",
             "calibration.md 1.7: QD1 latency floor (Hajnoczi KVM Forum 2020)"),
    PDEF_ENUM("fio.mode", "closed", "closed|open",
              "closed: iodepth requests always outstanding; open: arrivals at fio.interarrival",
              "choice: fio's default"),
    PDEF_DTIME("fio.interarrival", "exp(100us)", 1e-9, 1e3,
               "time between requests of one VM in open loop (exp: Poisson arrivals)",
               "choice: 10K IOPS per VM"),
    { .key = "fio.rwmixread",
      .type = PARAM_REAL,
      .dim = DIM_NONE,
      .def = "0.7",
      .min = 0,
      .max = 1,
      .help = "fraction of reads when fio.rw = randrw",
      .source = "choice: a 70/30 mix" },
    PDEF_SIZE("fio.span", "0B", 0, 1125899906842624.0,
              "bytes of the disk the offsets cover, from offset 0 (0: the whole disk)",
              "choice: fio's size= defaults to the whole device"),
    /* the host's device */
    PDEF_DTIME("disk.read_access", "lognormal(2us, 0.5us)", 0, 1,
               "device time of a read before its data transfer",
               "calibration.md 1.7: Optane P4800X ~10 us QD1 floor (Hajnoczi KVM Forum 2020); "
               "split into access + 4 KiB at disk.channel_rate is a placeholder"),
    PDEF_DTIME("disk.write_access", "lognormal(2.5us, 0.5us)", 0, 1,
               "device time of a write before its data transfer",
               PLACEHOLDER ": reads' plus 0.5 us"),
    { .key = "disk.channel_rate",
      .type = PARAM_REAL,
      .dim = DIM_BITRATE,
      .def = "4Gbps",
      .min = 0,
      .max = 1e15,
      .help = "transfer rate of one channel (0: the access time includes the transfer)",
      .source =
          PLACEHOLDER ": 4 KiB in 8.2 us, so a 4 KiB read takes ~10 us (calibration.md 1.7)" },
    PDEF_INT("disk.channels", "6", 1, 4096,
             "requests the device serves at once (internal parallelism; one FIFO in front)",
             PLACEHOLDER ": ~550K 4 KiB IOPS at ~10 us each, the P4800X data sheet (not in "
                         "calibration.md)"),
    /* qcow2 */
    PDEF_SIZE("qcow2.cluster_size", "64KiB", 512, 2097152, "qcow2 cluster size (a power of two)",
              QCOW2_DOC ", default cluster 64 KiB"),
    PDEF_SIZE("qcow2.l2_cache_size", "32MiB", 0, 1099511627776.0,
              "L2 table cache per image; it maps l2_cache_size x cluster_size / 8 bytes of disk",
              QCOW2_DOC ", default maximum 32 MB on Linux (covers 256 GB)"),
    PDEF_SIZE("qcow2.l2_entry_size", "4KiB", 512, 2097152,
              "L2 cache entry (slice of an L2 table) read from the device on a miss",
              QCOW2_DOC ", cache entry 4 KiB since QEMU 4.0"),
    PDEF_BOOL("qcow2.warm_start", "true",
              "the L2 cache starts full (with the disk's first slices), as in a VM that has run a "
              "while; false: it starts empty and fills during the warm-up",
              "choice: steady state without a long warm-up"),
    BLK_CYC("qcow2.lookup", "300", "L1/L2 lookup per request in the block layer", PLACEHOLDER),
    /* host */
    { .key = "blkhost.clock",
      .type = PARAM_REAL,
      .dim = DIM_FREQ,
      .def = "2.1GHz",
      .min = 1e6,
      .max = 1e11,
      .help = "core clock; every blk cycle cost is converted at this rate",
      .source = "calibration.md 1.1: Xeon E5-2450 at 2.1 GHz (Dall ISCA'16/ATC'17)" },
    BLK_CYC("blkhost.exit_user", "6732",
            "exit handled in host user space (QEMU): emulated register "
            "access, QEMU virtio kick",
            DALL_ATC17 ", I/O User 6,732 cycles"),
    BLK_CYC("blkhost.exit_kernel", "2565",
            "exit handled in the host kernel (ioeventfd kick to vhost)",
            DALL_ATC17 ", I/O Kernel 2,565 cycles"),
    BLK_CYC("blkhost.exit_inject", "3102",
            "interrupt injected into a running vCPU through the host (exit, injection, entry)",
            "calibration.md 1.1: virtual IPI 3,102 cycles, Dall ATC'17 Table 2 (D: same path)"),
    BLK_CYC("blkhost.exit_eoi", "1556", "EOI exit (virtual interrupt completion)",
            "calibration.md 1.1: Dall ISCA'16 Table II, interrupt completion 1,556 cycles"),
    BLK_CYC("blkhost.host_submit", "2000",
            "host block layer and NVMe driver submission (software paths), per request",
            PLACEHOLDER),
    BLK_CYC("blkhost.host_complete", "2000",
            "host device interrupt and block-layer completion (software paths), per request",
            PLACEHOLDER),
    BLK_CYC("blkhost.emulation_per_request", "10000",
            "QEMU device model work per request (AHCI command parsing, PRD table walk)",
            PLACEHOLDER),
    PDEF_INT(
        "blkhost.emulation_submit_exits", "4", 0, 64,
        "register accesses (user-space exits) per submitted request on the emulated controller",
        PLACEHOLDER ": AHCI/IDE-like, calibration.md 1.3 charges each at the I/O User exit"),
    PDEF_INT("blkhost.emulation_complete_exits", "2", 0, 64,
             "register accesses (user-space exits) in the guest's interrupt handler per completion",
             PLACEHOLDER ": read and clear the interrupt status, calibration.md 1.3"),
    BLK_CYC("blkhost.qemu_per_request", "5000",
            "QEMU I/O thread work per request (pop the virtqueue, map, submit, push used, irqfd)",
            PLACEHOLDER),
    PDEF_TIME("blkhost.qemu_wake", "2us", 0, 1, "waking the QEMU I/O thread on a kick (eventfd)",
              PLACEHOLDER),
    BLK_CYC("blkhost.vhost_per_request", "2500",
            "vhost worker work per request (in-kernel or vhost-user polling backend)",
            PLACEHOLDER
            ": half of QEMU's, as the user-space vs kernel exit ratio of calibration.md "
            "1.1 suggests"),
    PDEF_TIME("blkhost.iommu_walk_access", "90ns", 0, 1e-3,
              "one memory read of an IOMMU page walk (passthrough DMA)", PLACEHOLDER),
    PDEF_INT("blkhost.iommu_walk_levels", "4", 1, 5, "page-table levels walked on an IOTLB miss",
             "calibration.md 1.5: 4 levels with 48-bit VT-d second-level tables (R)"),
    { .key = "blkhost.iotlb_miss_rate",
      .type = PARAM_REAL,
      .dim = DIM_NONE,
      .def = "1",
      .min = 0,
      .max = 1,
      .help = "share of the 4 KiB pages of a passthrough DMA that miss the IOTLB",
      .source = PLACEHOLDER ": strict mapping gives every request fresh IOVAs" },
    /* guest (or the bare-metal OS) */
    BLK_CYC("blkguest.submit", "2000", "block layer and driver submission per request",
            PLACEHOLDER),
    BLK_CYC("blkguest.complete", "1000", "block layer completion per request", PLACEHOLDER),
    BLK_CYC("blkguest.irq_handler", "2000", "interrupt entry, handler and exit (no virtualization)",
            PLACEHOLDER),
    BLK_CYC("blkguest.wakeup", "4920",
            "waking the thread that sleeps on an interrupt-completed request (schedule, switch)",
            YANG " (D: 3.2 us at 2.1 GHz = 6,720 cycles = irq_handler + wakeup - poll_check)"),
    BLK_CYC("blkguest.poll_check", "200",
            "mean delay from the completion entry's arrival to the polling loop seeing it",
            PLACEHOLDER ": half of one short poll iteration"),
};

G_STATIC_ASSERT(G_N_ELEMENTS(blk_params) == BLK_N_PARAMS);

const size_t blk_n_params = BLK_N_PARAMS;
