/* Parameters of the blk model (virtual disks), one row each: default, unit,
 * range and the source of the default: an entry of docs/sources.md
 * ("sources.md#x"), a choice, or "placeholder" where no published number
 * backs yet. Cycle costs are converted at host.clock; the host's and the
 * hypervisor's costs (host.*, hv.*, iommu.*) are the host component's, the
 * same ones the NIC path pays. */
#include "blk_params.h"

#include <glib.h>

#include "../param_sources.h"
#include "param_table.h"

/* Every cycle cost here ranges over [0, 1e9] cycles. */
#define BLK_CYC(k, d, h, s) PDEF_CYCLES(k, d, 0, 1e9, h, s)

#define YANG      YANG_FAST12
#define QCOW2_DOC "QEMU docs/qcow2-cache.txt (sources.md#qcow2-cache)"

const struct param_def blk_params[] = {
    /* topology and strategy */
    PDEF_ENUM("blk.strategy", "virtio-blk", "baremetal|emulation|virtio-blk|passthrough",
              "how each VM's disk I/O is virtualized", "choice: paravirtual is the common default"),
    PDEF_ENUM("blk.backend", "qemu", "serial|qemu|io_uring|vhost|vfio-nvme",
              "virtio-blk backend: serial (a VMM thread doing one blocking read/write at a time), "
              "qemu (IOThread, Linux AIO), io_uring, vhost (in-kernel worker) or vfio-nvme "
              "(a polling user-space NVMe driver, no host block layer)",
              "choice: QEMU's default"),
    PDEF_ENUM("blk.completion", "interrupt", "interrupt|poll",
              "the guest learns of completions by interrupt or by polling its completion queue",
              "choice: interrupts, the Linux default"),
    PDEF_ENUM("blk.format", "raw", "raw|qcow2",
              "image format of the software paths (emulation, virtio-blk)", "choice"),
    PDEF_INT("blk.vms", "1", 1, 1024,
             "VMs sharing the host's device, each with its own virtual disk", "choice"),
    PDEF_SIZE("blk.disk_size", "8GiB", 4096, 1125899906842624.0,
              "virtual disk size of each VM (the image's virtual size)",
              "QEMU docs/qcow2-cache.txt: 1 MB of L2 cache per 8 GB of disk "
              "(sources.md#qcow2-cache)"),
    PDEF_BOOL("blk.request_merging", "true",
              "virtio-blk on QEMU's threads (qemu, io_uring) merges the contiguous requests one "
              "pass gathers into one host request (-device virtio-blk,request-merging=); off: "
              "gathered and submitted alike, not merged",
              "QEMU hw/block/virtio-blk.c: request-merging defaults to on "
              "(sources.md#virtio-blk-merge)"),
    /* backends (models/blk/backend.c) */
    BLK_CYC("blk.syscall", "728",
            "one system call of a backend thread (io_submit, io_uring_enter, "
            "pread, reading an eventfd): entry, exit and mitigations",
            "uarch-bench issue 34 (2018): getpid through syscall() takes 728 unhalted core "
            "cycles on Skylake, kernel included (sources.md#syscall-cost)"),
    BLK_CYC("blk.aio_per_request", "1704",
            "Linux AIO's work per request beyond io_uring's (iocb copy, aio ring, reaping)",
            "Axboe 2019 9.1: 608K IOPS via Linux AIO, 1.2M via io_uring (D: 1/608K - 1/1.2M s "
            "x 2.1 GHz) (sources.md#blk-backends)"),
    BLK_CYC("blk.coroutine_switch", "56",
            "one switch into or out of a QEMU block-layer coroutine (qemu and io_uring rows: four "
            "a request, entered and yielding at submission, re-entered and ending at completion)",
            "Boost.Coroutine2: a fcontext_t switch is 26 ns / 56 cycles on a Xeon E5-2620 v4; "
            "QEMU's coroutine-ucontext switches with sigsetjmp()/siglongjmp() without the signal "
            "mask, the same register and stack swap (sources.md#blk-backends)"),
    BLK_CYC("blk.vfio_nvme_per_request", "815",
            "a user-space NVMe driver's work per request (queue entry, doorbell, polled "
            "completion), in place of the host block layer",
            "Axboe 2020: 388 ns a request on the leanest polled kernel path, taken as a bound "
            "(D: x 2.1 GHz) (sources.md#blk-backends)"),
    BLK_CYC("blk.vfio_nvme_poll", "166",
            "one pass of the polling thread's loop (it reads a queue the guest or the device "
            "wrote): what it takes to see a new request or completion; a thread sharing its "
            "core gets it only between passes",
            "McCalpin 2014: 79 ns memory latency (D: one cache-line fetch a pass, x 2.1 GHz) "
            "(sources.md#mem-latency)"),
    PDEF_TIME(
        "blk.iothread_poll_max", "0ns", 0, 1,
        "an IOThread backend (qemu, io_uring) polls the virtqueue before it sleeps: the window "
        "starts at 4 us once a request came within this long, doubles while requests come "
        "within it, up to this, and drops to none when one takes longer (QEMU -object "
        "iothread,poll-max-ns=); while it polls, the guest's requests need no kick and the "
        "thread no wake-up; 0: it sleeps at once",
        "choice: 0 keeps the main loop's behaviour; an IOThread's default is 32768 ns, QEMU "
        "iothread.c IOTHREAD_POLL_MAX_NS_DEFAULT (sources.md#blk-backends)"),
    /* the image file (models/blk/image.c) */
    PDEF_ENUM("image.preallocation", "full", "off|metadata|full",
              "how the image file was created (qemu-img -o preallocation=): off: sparse, blocks "
              "(raw) or clusters (qcow2) allocated on first write; metadata (qcow2): its tables "
              "written, data clusters not; full: every block written",
              "choice: full keeps the device-only path of earlier results; QEMU's default is off"),
    PDEF_ENUM("image.cache", "none", "none|writeback|writethrough",
              "host cache mode (QEMU -drive cache=): none opens the image with O_DIRECT; "
              "writeback goes through the host page cache; writethrough too, flushing after "
              "every write",
              "choice: cache=none, libvirt's usual choice for performance"),
    { .key = "image.name",
      .type = PARAM_STRING,
      .def = "disk.qcow2",
      .min = 1,
      .max = 0,
      .help = "the VM's image file (a name for image.backing_chain's loop check)",
      .source = "choice" },
    { .key = "image.backing_chain",
      .type = PARAM_STRING,
      .def = "",
      .min = 1,
      .max = 0,
      .help = "the image's backing files, nearest first, comma-separated (qemu-img create -b): "
              "reads of clusters the image lacks go down the chain to its last file, the base; "
              "a first write copies the rest of its cluster from there; empty: none",
      .source = "choice: QEMU block/qcow2.c backing files (sources.md#qcow2-alloc)" },
    PDEF_ENUM("image.backing_format", "qcow2", "raw|qcow2",
              "format of the chain's base (its last file); the files above it are qcow2",
              "choice: a qcow2 overlay over a qcow2 or a raw base"),
    PDEF_SIZE("image.fs_block", "4KiB", 512, 65536,
              "host file-system block: the unit of allocation and of the page cache",
              "ext4's default block, mke2fs.conf (sources.md#image-file)"),
    PDEF_SIZE("image.fs_free_run", "0B", 0, 1125899906842624.0,
              "a raw image's host file system is aged: its free space comes in runs of this "
              "size, each followed by as much held by other files, so a block's goal (ext4: the "
              "one continuing its neighbour's extent) may be taken and the file fragments; a "
              "request is one device request per extent it touches (a whole number of "
              "image.fs_block; 0: unlimited, a fresh file system, the file in guest order)",
              "choice: 0 keeps the earlier layout; e2freefrag(8)'s example reports a 252 KB mean "
              "free extent, Ts'o's root file system after five months 184 KB "
              "(sources.md#image-extents)"),
    PDEF_ENUM("image.prewritten", "none", "none|sequential|random",
              "a sparse raw image's span was written once before the run, a file-system block "
              "at a time, in this order (an installer; a database filling its file at random); "
              "none: it holds no data yet",
              "choice: none, the fresh image of earlier results"),
    PDEF_SIZE("image.journal_bytes", "12KiB", 512, 16777216,
              "journal commit of one allocation: descriptor, the changed metadata block, commit "
              "record (written after the data, ext4 data=ordered)",
              "jbd2's descriptor, one metadata block and commit record, 4 KiB each (D) "
              "(sources.md#image-file)"),
    PDEF_SIZE("image.host_cache_size", "1GiB", 4096, 1125899906842624.0,
              "each image's share of the host page cache (image.cache != none)", "choice"),
    PDEF_TIME("image.cache_copy_per_byte", "0.32ns", 0, 1e-6,
              "copying between the page cache and the guest's buffer, per byte",
              "Firecracker: one core per 25 Gb/s (sources.md#firecracker)"),
    PDEF_INT("fio.fsync", "0", 0, 1000000,
             "a flush after every this many writes (fio's fsync=; 0: never)", "choice"),
    /* workload */
    PDEF_ENUM("fio.rw", "randread", "randread|randwrite|randrw|read|write",
              "access pattern (fio's rw=)", "choice: the 4 KiB random-read latency benchmark"),
    PDEF_SIZE("fio.bs", "4KiB", 512, 16777216, "request size (fio's bs=)",
              "4 KiB reads, as Yang FAST'12 and the P4800X QD1 figures "
              "(sources.md#p4800x)"),
    PDEF_INT("fio.iodepth", "1", 1, 65536,
             "requests outstanding per VM in closed loop (fio's iodepth=)",
             "QD1, the depth of the P4800X latency figures (AnandTech, Hajnoczi KVM "
             "Forum 2020) (sources.md#p4800x)"),
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
               "P4800X: <10 us typical read, 550k IOPS (D: fit, 2 us + 8.2 us transfer "
               "= 10.2 us, 6 ch -> 588k/s) (sources.md#p4800x)"),
    PDEF_DTIME("disk.write_access", "lognormal(3us, 0.5us)", 0, 1,
               "device time of a write before its data transfer",
               "P4800X: 500k write IOPS (D: fit, 3 us + 8.2 us = 11.2 us, 6 ch -> 536k/s) "
               "(sources.md#p4800x)"),
    { .key = "disk.channel_rate",
      .type = PARAM_REAL,
      .dim = DIM_BITRATE,
      .def = "4Gbps",
      .min = 0,
      .max = 1e15,
      .help = "transfer rate of one channel (0: the access time includes the transfer)",
      .source = "P4800X datasheet fit (D): 4 KiB in 8.2 us so a read takes ~10 us "
                "(sources.md#p4800x)" },
    PDEF_SIZE("disk.logical_block", "512B", 512, 65536,
              "the device's logical block: the smallest request it can do (512 or 4096 on NVMe)",
              "choice: 512 B, the P4800X's default format (sources.md#p4800x)"),
    PDEF_SIZE("disk.stripe", "4KiB", 0, 16777216,
              "a request of n such units is spread over min(n, disk.channels, 64) channels, each "
              "taking its access and its share of the transfer at once (0: one channel a request)",
              "P4800X: 2.4 GB/s sequential reads, 6 channels x 4 Gb/s = 3 GB/s only if a large "
              "request uses them all (D) (sources.md#p4800x)"),
    PDEF_BOOL("disk.write_cache", "false",
              "the device reports a volatile write cache (NVMe VWC): the kernel driving it sends "
              "it flushes; false: Linux's block layer completes a flush at once, the device never "
              "sees it",
              "P4800X: no DRAM cache, 3D XPoint written in place (sources.md#p4800x)"),
    PDEF_DTIME("disk.flush", "uniform(17ms, 18ms)", 0, 1,
               "device time of a flush of its volatile write cache (NVMe Flush; only with "
               "disk.write_cache)",
               "Axboe, linux-block commit \"apple-nvme: defer cache flushes\": the M1's NVMe "
               "flushes take 17-18 ms (sources.md#nvme-flush)"),
    PDEF_INT("disk.channels", "6", 1, 4096,
             "requests the device serves at once (internal parallelism; one FIFO in front)",
             "P4800X: 550k IOPS at ~10 us (D: Little, 550k x 10.2 us = 5.6 -> 6) "
             "(sources.md#p4800x)"),
    /* qcow2 */
    PDEF_SIZE("qcow2.cluster_size", "64KiB", 512, 2097152, "qcow2 cluster size (a power of two)",
              "QEMU docs/qcow2-cache.txt: default cluster 64 KiB "
              "(sources.md#qcow2-cache)"),
    PDEF_SIZE("qcow2.l2_cache_size", "32MiB", 0, 1099511627776.0,
              "L2 table cache per image; it maps l2_cache_size x cluster_size / 8 bytes of disk",
              "QEMU docs/qcow2-cache.txt: default maximum 32 MB on Linux "
              "(sources.md#qcow2-cache)"),
    PDEF_SIZE("qcow2.refcount_cache_size", "256KiB", 512, 1099511627776.0,
              "refcount block cache per image (entries are clusters; 16-bit refcounts: one "
              "covers cluster_size / 2 clusters)",
              "QEMU docs/qcow2-cache.txt: 4 clusters by default, 256 KiB (sources.md#qcow2-alloc)"),
    PDEF_SIZE("qcow2.l2_entry_size", "4KiB", 512, 2097152,
              "L2 cache entry (slice of an L2 table) read from the device on a miss",
              "QEMU docs/qcow2-cache.txt: 4 KiB cache entries since QEMU 4.0 "
              "(sources.md#qcow2-cache)"),
    PDEF_BOOL("qcow2.warm_start", "true",
              "the L2 cache starts full (with the disk's first slices), as in a VM that has run a "
              "while; false: it starts empty and fills during the warm-up",
              "choice: steady state without a long warm-up"),
    BLK_CYC("qcow2.lookup_entry", "9",
            "one entry of the L2 cache that a lookup visits (qcow2_cache_do_get() scans from "
            "the slice's hashed slot to the slice, or every entry on a miss)",
            "memcpy: 0.17 ns a byte on one core (D: a 24-byte Qcow2CachedTable streamed, x 2.1 "
            "GHz; a bound, the entries are often cached) (sources.md#qcow2-cache)"),
};

const size_t blk_n_params = G_N_ELEMENTS(blk_params);
