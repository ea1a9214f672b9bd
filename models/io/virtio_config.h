/* The configuration side of a virtio-net device (Russell's
 * virtio_config_ops): the features the device offers (QEMU's properties
 * and what its backend can do), the driver's negotiation, the ring layout
 * that follows from it, and the status sequence and reset run as exits. */
#ifndef IOVSIM_IO_VIRTIO_CONFIG_H
#define IOVSIM_IO_VIRTIO_CONFIG_H

#include <stdbool.h>
#include <stdint.h>

#include <glib.h>

#include "../net/dev.h"
#include "../virtio/virtio_features.h"
#include "report.h"
#include "scenario.h"
#include "simtime.h"
#include "stats.h"

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
 * struct virtio_plan - a device's status sequence, step by step, in the
 * order it runs
 * @reset:    configuration-space accesses of the driver's reset (status 0
 *            written, then read back until it reads 0)
 * @accesses: the accesses that follow, up to and including DRIVER_OK's
 *            write; each is an exit to the VMM on the guest's vCPU
 * @msgs:     requests the VMM makes to its backend while it handles
 *            DRIVER_OK (vhost ioctls, vhost-user messages), @msg each
 * @map:      after the requests, the VMM pins the guest's memory and maps
 *            it for the device (vhost-vdpa's IOTLB updates at DRIVER_OK),
 *            one job of this length on the thread that made them; 0: none
 * @fw:       device firmware commands after them (vDPA's virtqueues),
 *            @fw_cmd each; the VMM's thread waits, its core is free
 * @on_vcpu:  the VMM's work runs on the vCPU thread that exited (a probe);
 *            false: on the VM's host-side core, vm->backend (a restore at
 *            a migration's destination or a stop, where no guest access
 *            exits)
 * @stop:     it stops the device (ends with net_vm_stopped(), not
 *            net_vm_ready())
 */
struct virtio_plan {
    unsigned reset, accesses, msgs, fw;
    sim_time msg, map, fw_cmd;
    bool on_vcpu, stop;
};

/* Linux's modern virtio-pci probe over @queues virtqueues (the control
 * queue included): register_virtio_device()'s reset and ACKNOWLEDGE,
 * DRIVER, features, FEATURES_OK, configuration reads, each queue's set-up,
 * DRIVER_OK; with @restore (a migration's destination: the guest does not
 * probe again) nothing. No backend work: callers add it. */
void virtio_plan_probe(unsigned queues, bool restore, struct virtio_plan *out);

/* The VMM's cost of one request to @backend (an ioctl, or a vhost-user
 * message). */
sim_time virtio_msg_cost(const struct scenario *sc, const struct cpu_host *cpu,
                         enum virtio_backend backend);

/* What QEMU does at DRIVER_OK for @backend over @data_queues virtqueues
 * (vhost_dev_start()): added to @plan's @msgs. */
void virtio_plan_backend(const struct scenario *sc, const struct cpu_host *cpu,
                         enum virtio_backend backend, unsigned data_queues,
                         struct virtio_plan *plan);

/* What QEMU does to stop @backend over @data_queues virtqueues for a
 * migration (vhost_dev_stop()): @plan, on the backend's thread. */
void virtio_plan_backend_stop(const struct scenario *sc, const struct cpu_host *cpu,
                              enum virtio_backend backend, unsigned data_queues,
                              struct virtio_plan *plan);

/* The scenario's virtio device (virtio.*, negotiated as @neg): its probe,
 * or with @restore the backend's restart at a migration's destination. */
void virtio_net_plan(const struct scenario *sc, const struct virtio_negotiation *neg,
                     const struct cpu_host *cpu, bool restore, struct virtio_plan *out);

/**
 * struct virtio_seq - a VM's device status sequences: the one running (its
 * exits, requests and firmware commands, in order, as jobs and delays in
 * the world, then net_vm_ready()) and what its probe took. Owned by the
 * VM (net_vm.seq, freed with it): a device may go while its sequence
 * runs (a migration), and the steps still pending then do nothing.
 * @gen:     the running sequence's number; older steps are stale
 * @probed:  a probe finished: @startup (to DRIVER_OK handled), @reset (to
 *           the reset's read-back returning 0) and its @exits
 */
struct virtio_seq {
    struct net_vm *vm;
    struct virtio_plan plan;
    unsigned step, left, exits;
    uint64_t gen;
    bool running;
    sim_time t0, reset_done;
    bool probed;
    sim_time startup, reset;
    unsigned probe_exits;
};

/* Run @plan for @vm's device now. */
void virtio_seq_start(struct net_vm *vm, const struct virtio_plan *plan);
/* @vm's device goes: a sequence still running stops where it is. */
void virtio_seq_stop(struct net_vm *vm);

/**
 * struct virtio_seq_sum - finished probes of one strategy's devices
 * @startup: seconds from the probe's start to DRIVER_OK handled, per VM
 * @reset:   seconds of the probe's reset, per VM
 * @exits:   configuration-space exits per VM
 * @latest:  the longest start-up (when the last VM could send)
 */
struct virtio_seq_sum {
    struct welford startup, reset, exits;
    sim_time latest;
};

void virtio_seq_sum_init(struct virtio_seq_sum *sum);
/* Adds @vm's probe if it finished. */
void virtio_seq_sum_add(struct virtio_seq_sum *sum, const struct net_vm *vm);
/* <prefix>_startup_time, <prefix>_startup_exits, <prefix>_reset_time:
 * means over the VMs (NaN without any); <prefix>_startup_time_max. */
void virtio_seq_report(const struct virtio_seq_sum *sum, const char *prefix, struct report *out);

#endif
