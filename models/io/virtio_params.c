/* A list of virtio feature names. */
#define PDEF_FEATURES(k, d, h, s)                                                             \
    {                                                                                         \
        .key = k, .type = PARAM_STRING, .def = d, .min = 1, .max = 0, .help = h, .source = s, \
        .check = virtio_features_check                                                        \
    }

/* Parameters of the virtio strategy shared by its device classes: the
 * virtqueue, notifications and the backend threads (QEMU or vhost) of
 * virtio-net and virtio-blk, and virtio-net's feature negotiation. */
#include <glib.h>

#include "../net/strategy.h"
#include "../param_sources.h"
#include "../param_tables.h"
#include "../virtio/virtio_features.h"
#include "param_table.h"

static const struct param_def virtio_params[] = {
    PDEF_ENUM("virtio.backend", "vhost", "qemu|vhost|vhost-user",
              "qemu: user-space device thread; vhost: kernel worker woken by ioeventfd; "
              "vhost-user: a user-space vSwitch's poll-mode thread on a core of its own",
              "choice: vhost, the in-kernel fast path (Dall ATC'17: kernel exits 2.6x "
              "cheaper) (sources.md#dall-atc17)"),
    PDEF_INT("virtio.ring_size", "256", 1, 65535,
             "descriptors per virtqueue (split: a power of two; packed: at most 32768)",
             "QEMU hw/net/virtio-net.c: VIRTIO_NET_{RX,TX}_QUEUE_DEFAULT_SIZE 256 "
             "(sources.md#virtio-spec)"),
    PDEF_INT("virtio.queues", "1", 1, 64,
             "queue pairs with MQ, each with its rings, vector and backend thread; the guest "
             "uses one per vCPU at most (vCPU k sends on k mod n; RSS spreads receive)",
             "choice: single queue, QEMU's default"),
    PDEF_ENUM("virtio.ring", "split", "split|packed",
              "packed: the device offers RING_PACKED (QEMU's packed=on); used if negotiated",
              "QEMU hw/virtio/virtio.c: the 'packed' property defaults to off "
              "(sources.md#virtio-features)"),
    PDEF_FEATURES("virtio.device_features",
                  "CSUM,GUEST_CSUM,GUEST_TSO4,GUEST_TSO6,HOST_TSO4,HOST_TSO6,MRG_RXBUF,STATUS,"
                  "CTRL_VQ,CTRL_RX,CTRL_VLAN,GUEST_ANNOUNCE,MQ,CTRL_MAC_ADDR,MAC,INDIRECT_DESC,"
                  "EVENT_IDX,VERSION_1",
                  "features the device offers (before virtio.event_idx, virtio.ring and the "
                  "backend change them)",
                  "QEMU hw/net/virtio-net.c virtio_net_properties: the offloads, control "
                  "queue and MRG_RXBUF default on; virtio 1.x (sources.md#virtio-features)"),
    PDEF_FEATURES("virtio.driver_features",
                  "CSUM,GUEST_CSUM,GUEST_TSO4,GUEST_TSO6,HOST_TSO4,HOST_TSO6,MRG_RXBUF,STATUS,"
                  "CTRL_VQ,CTRL_RX,CTRL_VLAN,GUEST_ANNOUNCE,MQ,CTRL_MAC_ADDR,MAC,INDIRECT_DESC,"
                  "EVENT_IDX,VERSION_1,ACCESS_PLATFORM,RING_PACKED",
                  "features the guest driver knows and accepts when offered",
                  "Linux drivers/net/virtio_net.c features[] and drivers/virtio/virtio_ring.c "
                  "vring_transport_features() (sources.md#virtio-features)"),
    PDEF_FEATURES("virtio.driver_requires", "VERSION_1",
                  "features without which the driver fails its probe",
                  "Linux drivers/virtio/virtio_pci_modern.c vp_finalize_features(): a modern "
                  "device must offer VERSION_1 (sources.md#virtio-features)"),
    PDEF_SIZE("virtio.tx_frag_size", "32KiB", 1, 65536,
              "page fragment a sent packet's payload is cut into: a descriptor each with SG",
              "Linux net/core/sock.c SKB_FRAG_PAGE_ORDER: tcp_sendmsg() fills 32 KiB page "
              "fragments (sources.md#virtio-features)"),
    PDEF_CYCLES("virtio.vhost_msg", "728", 0, 1e9,
                "one vhost set-up request (an ioctl from QEMU) at start-up or reset",
                "uarch-bench issue 34: a getpid system call takes 728 cycles on Skylake (D: the "
                "ioctl costed as one system call; what vhost does with it not included, a lower "
                "bound) (sources.md#syscall-cost)"),
    PDEF_CYCLES("virtio.vhost_user_msg", "9700", 0, 1e9,
                "one vhost-user set-up message (a Unix-socket request and the backend's reply)",
                "Unix-socket ping-pong p50 4,611 ns, i7-12650H, Linux 6.19 (D: x 2.1 GHz, the "
                "clock not stated; the backend's handling of the message not included, a lower "
                "bound) (sources.md#unix-socket-rtt)"),
    PDEF_CYCLES("virtio.vhost_user_per_packet", "230", 0, 1e9,
                "vhost-user: the vSwitch's work per packet (vhost dequeue or enqueue, switching, "
                "the NIC's poll-mode driver), the copy aside",
                "DPDK commit e7ef688562b6: 100 cycles a 64 B packet are 60% of vhost's "
                "enqueue on Haswell (D: 167 after it); netmap: 60-65 cycles a packet to the "
                "wire (D: 167 + 61; the switch's lookup not included) (sources.md#vhost-user)"),
    PDEF_CYCLES("virtio.vhost_user_poll", "166", 0, 1e9,
                "vhost-user: a buffer the guest added until the polling thread sees it (half "
                "its loop over its ports)",
                "McCalpin 2014: 79 ns memory latency (D: the thread sees the guest's index one "
                "cache-line fetch after the write, x 2.1 GHz; one port, so no loop over others) "
                "(sources.md#mem-latency)"),
    PDEF_CYCLES("virtio.vhost_user_call", "728", 0, 1e9,
                "vhost-user: the polling thread signalling the guest (a write to the call "
                "eventfd, KVM's irqfd injects)",
                "uarch-bench issue 34: a getpid system call takes 728 cycles on Skylake (D: the "
                "eventfd write costed as one system call; the irqfd's injection work not "
                "included, a lower bound) (sources.md#syscall-cost)"),
    PDEF_BOOL("virtio.event_idx", "true",
              "the device offers EVENT_IDX notification suppression (QEMU's event_idx)",
              "Tsirkin, \"virtio_ring: support event idx feature\": Linux guests "
              "negotiate it (sources.md#event-idx)"),
    PDEF_ENUM("virtio.disable_cb", "zero-event", "zero-event|flag-only",
              "how the guest driver turns interrupts off: zero-event (Linux 5.14+) writes "
              "nothing right after the device interrupted, else on a split ring with EVENT_IDX "
              "moves used_event to 0; flag-only (older Linux) writes the flags, which such a "
              "device ignores",
              "Linux drivers/virtio/virtio_ring.c virtqueue_disable_cb_split/_packed(), commit "
              "8d622d21d248 \"virtio: fix up virtio_disable_cb\" (v5.14) "
              "(sources.md#virtio-disable-cb)"),
    PDEF_CYCLES("virtio.notify_latency", "560", 0, 1e9, "guest kick until the backend sees it",
                "Dall ISCA'16 Table II: I/O latency out 560 cycles "
                "(sources.md#dall-isca16)"),
    PDEF_CYCLES("virtio.vhost_per_packet", "1400", 0, 1e9, "vhost worker work per packet",
                "Linux commit 1576d98605 (Wang 2016): vhost-net ~1.5 Mpps into a "
                "guest (D: 667 ns x 2.1 GHz; CPU not stated) "
                "(sources.md#tun-skb-array)"),
    PDEF_CYCLES("virtio.qemu_per_packet", "3640", 0, 1e9, "QEMU virtio thread work per packet",
                "D: 2.6 x vhost_per_packet, the user/kernel exit ratio of Dall "
                "ATC'17 Table 2 (sources.md#firecracker)"),
    PDEF_TIME("virtio.copy_per_byte", "0.32ns", 0, 1e-6, "backend copy cost per byte",
              "Firecracker SPECIFICATION: 25 Gb/s per core (D: 0.32 ns/B) "
              "(sources.md#firecracker)"),
    PDEF_TIME("virtio.busy_poll", "0s", 0, 1.0,
              "vhost's busy polling: a worker that finds its transmit ring empty keeps polling "
              "it this long with kicks off before it sleeps (0: sleeps at once)",
              "choice: off, the default of vhost-net's busyloop_timeout (QEMU tap poll-us=0; "
              "Linux drivers/vhost/net.c vhost_net_busy_poll())"),
    PDEF_CYCLES("virtio.wake", "4300", 0, 1e9, "waking the backend thread after a kick",
                "guest idle-poll patch, LKML 2017: contextswitch 2,050 ns (D: x 2.1 "
                "GHz; CPU not stated) (sources.md#guest-ctxsw)"),
    PDEF_CYCLES("virtio.blk_qemu_per_request", "5600", 0, 1e9,
                "virtio-blk: QEMU I/O thread work per request (pop, map, submit, push used, irqfd)",
                "Firecracker SPECIFICATION: block 1 GiB/s at <=70% of a core (D: 4 KiB requests "
                "assumed, 2.67 us x 2.1 GHz) (sources.md#firecracker)"),
    PDEF_CYCLES("virtio.blk_vhost_per_request", "2150", 0, 1e9,
                "virtio-blk: vhost worker work per request (in-kernel or vhost-user backend)",
                "D: virtio.blk_qemu_per_request / 2.6, the user/kernel exit ratio of Dall ATC'17 "
                "Table 2 (sources.md#firecracker)"),
};

static const size_t virtio_n_params = G_N_ELEMENTS(virtio_params);

const struct param_table virtio_param_table = { .params = virtio_params, .n = &virtio_n_params };
