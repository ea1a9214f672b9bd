/* The blk model: virtual disks. N VMs run a fio-like workload against their
 * own virtual disk; every disk lives on one host SSD. The strategies
 * (emulation, virtio-blk with a QEMU or vhost backend, passthrough, bare
 * metal) differ in the work and exits between the guest and the device. */
#ifndef IOVSIM_MODELS_BLK_H
#define IOVSIM_MODELS_BLK_H

#include "model.h"

extern const struct model_ops blk_model_ops;

/* Stages of a request's life, in path order; every picosecond between issue
 * and completion is charged to exactly one (metrics stage_<name>). */
/* clang-format off */
#define BLK_STAGE_LIST(X) \
    X(guest_submit)       \
    X(exit)               \
    X(backend)            \
    X(image)              \
    X(qcow2_meta)         \
    X(host_io)            \
    X(iommu)              \
    X(device_queue)       \
    X(device)             \
    X(irq)                \
    X(poll)               \
    X(guest_complete)

/* clang-format on */

enum blk_stage {

#define BLK_STAGE_ENUM(n) BLK_STAGE_##n,
    BLK_STAGE_LIST(BLK_STAGE_ENUM)
#undef BLK_STAGE_ENUM
        BLK_N_STAGES
};

extern const char *const blk_stage_names[BLK_N_STAGES];

#endif
