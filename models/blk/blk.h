/* The blk model: virtual disks. N VMs run a fio-like workload against their
 * own virtual disk; every disk lives on one host SSD. The strategies
 * (emulation, virtio-blk with a QEMU or vhost backend, passthrough, bare
 * metal) differ in the work and exits between the guest and the device. */
#ifndef IOVSIM_MODELS_BLK_H
#define IOVSIM_MODELS_BLK_H

#include <stdbool.h>

#include <glib.h>

#include "model.h"
#include "resource.h"

extern const struct model_ops blk_model_ops;

struct host;
struct cpu_core;
struct blk_world;

/* A thread of a VM on one of its host's cores, as the host scheduler
 * (host/sched.h) knows it: its jobs go through sched_submit(). */
struct blk_thread {
    struct cpu_core *core; /* borrowed: the host's */
    int owner;             /* the thread's number among the host's threads */
};

/*
 * The disks as a device component of the hosts, for a world that also has
 * NICs: @n_vms VMs with a virtual disk each on one of @n_disks host SSDs,
 * their metrics named @prefix + name. Check each strategy with
 * blk_disk_check() first. blk_disk_place() says for VM @vm (named "vm@id")
 * how its disk is virtualized (@strategy, a blk.strategy name), which host
 * and SSD it uses, and the threads its requests run on: a vCPU, and the
 * I/O thread of a software path (copied; NULL when blk_disk_has_thread()
 * says it has none). blk_disk_start() issues the first requests. Costs in
 * cycles are converted at @clock's clock.
 */
bool blk_disk_check(const struct scenario *sc, const char *strategy, GError **error);
/* The disk of blk.strategy @strategy has a backend thread on the host. */
bool blk_disk_has_thread(const char *strategy);
struct blk_world *blk_disk_new(struct sim *sim, const struct scenario *sc, struct host *clock,
                               unsigned n_vms, unsigned n_disks, const char *prefix);
void blk_disk_place(struct blk_world *w, unsigned vm, unsigned id, const char *strategy,
                    struct host *host, unsigned disk, const struct blk_thread *vcpu,
                    const struct blk_thread *backend);
void blk_disk_start(struct blk_world *w);
void blk_disk_warmup_end(struct blk_world *w);
void blk_disk_report(struct blk_world *w, struct report *out);
void blk_disk_free(struct blk_world *w);

/* Stages of a request's life, in path order; every picosecond between issue
 * and completion is charged to exactly one (metrics stage_<name>). */
/* clang-format off */
#define BLK_STAGE_LIST(X) \
    X(guest_submit)       \
    X(exit)               \
    X(backend)            \
    X(image)              \
    X(qcow2_meta)         \
    X(backing)            \
    X(writeback)          \
    X(page_cache)         \
    X(host_io)            \
    X(iommu)              \
    X(device_queue)       \
    X(device)             \
    X(fs_meta)            \
    X(flush)              \
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
