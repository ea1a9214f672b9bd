/* virtio feature bits and their negotiation: the device offers a set, the
 * driver accepts the subset it knows, and Linux's virtio_net and
 * virtio_ring decide what the accepted set means (OASIS virtio 1.2, 2.2
 * and 5.1.3; Linux drivers/net/virtio_net.c virtnet_validate_features()
 * and virtnet_probe(), drivers/virtio/virtio_pci_modern.c). */
#ifndef IOVSIM_VIRTIO_VIRTIO_FEATURES_H
#define IOVSIM_VIRTIO_VIRTIO_FEATURES_H

#include <stdbool.h>
#include <stdint.h>

#include <glib.h>

/* Name and bit number (spec 5.1.3, 6) of every feature iovsim knows. */
/* clang-format off: one feature per line reads better than refilled lines */
#define VIRTIO_FEATURE_LIST(X) \
    X(CSUM, 0)                 \
    X(GUEST_CSUM, 1)           \
    X(MAC, 5)                  \
    X(GUEST_TSO4, 7)           \
    X(GUEST_TSO6, 8)           \
    X(HOST_TSO4, 11)           \
    X(HOST_TSO6, 12)           \
    X(MRG_RXBUF, 15)           \
    X(STATUS, 16)              \
    X(CTRL_VQ, 17)             \
    X(CTRL_RX, 18)             \
    X(CTRL_VLAN, 19)           \
    X(GUEST_ANNOUNCE, 21)      \
    X(MQ, 22)                  \
    X(CTRL_MAC_ADDR, 23)       \
    X(INDIRECT_DESC, 28)       \
    X(EVENT_IDX, 29)           \
    X(VERSION_1, 32)           \
    X(ACCESS_PLATFORM, 33)     \
    X(RING_PACKED, 34)

/* clang-format on */

enum virtio_feature {

#define VIRTIO_FEATURE_ENUM(n, bit) VIRTIO_F_##n = bit,
    VIRTIO_FEATURE_LIST(VIRTIO_FEATURE_ENUM)
#undef VIRTIO_FEATURE_ENUM
};

#define VIRTIO_BIT(n) (UINT64_C(1) << VIRTIO_F_##n)

static inline bool virtio_has(uint64_t set, enum virtio_feature f)
{
    return (set >> f) & 1;
}

/* The names of the set bits, comma-separated, in bit order. Caller frees. */
char *virtio_features_format(uint64_t set);
/* Parse a list of feature names (commas or blanks between them; an empty
 * list is the empty set). False with a message naming the unknown word. */
bool virtio_features_parse(const char *text, uint64_t *set, GError **error);
/* The param_def.check of a feature-list key. */
bool virtio_features_check(const char *text, GError **error);

/**
 * struct virtio_negotiation - what the driver accepted and what it uses
 * @offered:    the device's features
 * @accepted:   what the driver wrote back: the offered features it knows
 * @tso_tx:     it hands the device segments larger than the MTU (TSO)
 * @sg:         scatter-gather: a packet's fragments are descriptors
 * @big_rx:     the driver posts receive buffers for segments larger than
 *              the MTU (guest TSO)
 * @gso_rx:     the host hands the guest such segments (guest TSO with
 *              GUEST_CSUM)
 * @mergeable:  a received packet may span several small buffers
 * @hdr_pushed: the virtio-net header shares the packet's first descriptor
 * @hdr_bytes:  that header's size
 * @queue_pairs: queue pairs set up (1 unless MQ and CTRL_VQ); the driver
 *              uses at most one per CPU of the guest
 */
struct virtio_negotiation {
    uint64_t offered, accepted;
    bool tso_tx, sg, big_rx, gso_rx, mergeable, hdr_pushed;
    unsigned hdr_bytes;
    unsigned queue_pairs;
};

/**
 * virtio_negotiate - the driver's side of feature negotiation, as Linux's
 * virtio-net driver over modern virtio-pci does it
 * @offered:  what the device offers
 * @known:    what the driver knows (its feature table)
 * @required: what the driver refuses to run without
 * @pairs:    the device's max_virtqueue_pairs
 * A required feature the device does not offer, or an accepted feature
 * whose prerequisite is missing (virtnet_validate_features), fails the
 * probe: false with one message naming the feature.
 */
bool virtio_negotiate(uint64_t offered, uint64_t known, uint64_t required, unsigned pairs,
                      struct virtio_negotiation *out, GError **error);

#endif
