/* The configuration side of a virtio-net device (Russell's
 * virtio_config_ops): the features the device offers (QEMU's properties
 * and what its backend can do), the driver's negotiation, the ring layout
 * that follows from it, and what the status sequence and a reset cost. */
#ifndef IOVSIM_IO_VIRTIO_CONFIG_H
#define IOVSIM_IO_VIRTIO_CONFIG_H

#include <stdbool.h>
#include <stdint.h>

#include <glib.h>

#include "../virtio/virtio_features.h"
#include "scenario.h"
#include "simtime.h"

struct hv;
struct cpu_host;

/* Who runs the device's data path on the host. */
enum virtio_backend {
    VIRTIO_BACKEND_QEMU,  /* QEMU's own device thread */
    VIRTIO_BACKEND_VHOST, /* the host kernel's vhost-net worker */
    /* a user-space vSwitch's poll-mode thread (DPDK's vhost library) */
    VIRTIO_BACKEND_VHOST_USER,
};

enum virtio_backend virtio_backend_of(const struct scenario *sc);

/* The scenario's device, driver and backend negotiate; false (a located
 * scenario_error) where Linux's driver fails its probe, or when the ring
 * size is not valid for the negotiated layout. */
bool virtio_net_negotiate(const struct scenario *sc, struct virtio_negotiation *neg,
                          GError **error);

/* The negotiated layout is the packed ring. */
static inline bool virtio_packed(const struct virtio_negotiation *neg)
{
    return virtio_has(neg->accepted, VIRTIO_F_RING_PACKED);
}

/**
 * struct virtio_startup - the device's start-up and reset as the guest and
 * host see them
 * @accesses:        configuration-space accesses, each an exit to the VMM
 * @backend_msgs:    set-up requests the VMM sends its backend at DRIVER_OK
 * @time:            the whole sequence (exits and backend set-up)
 * @reset_accesses, @reset_msgs, @reset_time: the same for a device reset
 */
struct virtio_startup {
    unsigned accesses, backend_msgs;
    sim_time time;
    unsigned reset_accesses, reset_msgs;
    sim_time reset_time;
};

/* The status sequence (reset, ACKNOWLEDGE, DRIVER, features, FEATURES_OK,
 * configuration reads, queue set-up, DRIVER_OK) of Linux's modern
 * virtio-pci driver over @neg, and a later reset, at @hv's exit costs. */
void virtio_startup_cost(const struct scenario *sc, const struct virtio_negotiation *neg,
                         const struct hv *hv, const struct cpu_host *cpu,
                         struct virtio_startup *out);

#endif
