/* Parameters of the virtio strategy shared by its device classes: the
 * virtqueue, notifications and the backend threads (QEMU or vhost) of
 * virtio-net and virtio-blk. */
#include <glib.h>

#include "../param_sources.h"
#include "../param_tables.h"
#include "param_table.h"
#include "strategy.h"

static const struct param_def virtio_params[] = {
    PDEF_ENUM("virtio.backend", "vhost", "qemu|vhost",
              "qemu: user-space device thread; vhost: kernel worker woken by ioeventfd",
              "calibration.md 3: vhost is the fast path"),
    PDEF_INT("virtio.ring_size", "256", 1, 32768, "descriptors per virtqueue (a power of two)",
             "calibration.md 1.2: QEMU virtio-net default 256"),
    PDEF_INT("virtio.queues", "1", 1, 64,
             "transmit queue pairs, each with its lock and backend thread (vCPU k uses k mod n)",
             "choice: single queue, QEMU's default"),
    PDEF_BOOL("virtio.event_idx", "true", "VIRTIO_F_EVENT_IDX notification suppression",
              "calibration.md 2.5: Tsirkin, event idx support"),
    PDEF_CYCLES("virtio.notify_latency", "560", 0, 1e9, "guest kick until the backend sees it",
                "calibration.md 1.1: I/O latency out 560 cycles, Dall ISCA'16 Table II"),
    PDEF_CYCLES("virtio.vhost_per_packet", "1000", 0, 1e9, "vhost worker work per packet",
                PLACEHOLDER),
    PDEF_CYCLES("virtio.qemu_per_packet", "2600", 0, 1e9, "QEMU virtio thread work per packet",
                "calibration.md 1.1 (D): 2.6x the in-kernel cost, as user vs kernel exits"),
    PDEF_TIME("virtio.copy_per_byte", "0.32ns", 0, 1e-6, "backend copy cost per byte",
              "calibration.md 1.2 (D): Firecracker, one core per 25 Gbps"),
    PDEF_CYCLES("virtio.wake", "2000", 0, 1e9, "waking the backend thread after a kick",
                PLACEHOLDER),
    PDEF_CYCLES("virtio.blk_qemu_per_request", "5000", 0, 1e9,
                "virtio-blk: QEMU I/O thread work per request (pop, map, submit, push used, irqfd)",
                PLACEHOLDER),
    PDEF_CYCLES("virtio.blk_vhost_per_request", "2500", 0, 1e9,
                "virtio-blk: vhost worker work per request (in-kernel or vhost-user backend)",
                PLACEHOLDER ": half of QEMU's, as the user-space vs kernel exit ratio of "
                            "calibration.md 1.1 suggests"),
};

static const size_t virtio_n_params = G_N_ELEMENTS(virtio_params);

const struct param_table virtio_param_table = { .params = virtio_params, .n = &virtio_n_params };
