/* The host side of a software disk path: the thread (or kernel worker) that
 * takes the guest's requests off the virtqueue or the emulated controller
 * and hands them to the host, one row per backend (blk.backend). The rows
 * are data; backend.c has the one implementation of what they share:
 * requests that reach the thread while it is in a pass join that pass (one
 * wake-up and one submission call for all), a serial thread blocks on each
 * request, a polling thread needs no kick and no interrupt. */
#ifndef IOVSIM_BLK_BACKEND_H
#define IOVSIM_BLK_BACKEND_H

#include <stdbool.h>

#include "../hv/hv.h"

/**
 * struct blk_backend - how the host serves a virtual disk
 * @name:         value of blk.backend
 * @kick:         the exit a guest's notification costs; HV_N_EXITS: none,
 *                the thread polls the virtqueue
 * @in_kernel:    the thread is a host-kernel worker (vhost), whose work per
 *                request is virtio.blk_vhost_per_request, not QEMU's
 * @serial:       one request at a time: the thread blocks in a synchronous
 *                read or write until the device is done
 * @polls:        the thread spins on the virtqueue and the device's
 *                completion queue: no wake-up, no host interrupt, its core
 *                always busy
 * @host_kernel:  requests go through the host kernel's block layer
 *                (host.block_submit and host.block_complete); false: a
 *                user-space driver rings the device itself
 * @submit_calls: system calls per submission pass (io_submit, io_uring_enter,
 *                pread)
 * @reap_calls:   system calls per completion pass (reading the eventfd)
 * @driver_key:   the submission interface's own work per request (a cycle
 *                key), or NULL
 * @merges:       QEMU's virtio-blk device runs on it: the requests of a
 *                pass are merged (merge.c)
 * @iothread_poll: a QEMU IOThread: with blk.iothread_poll_max it polls the
 *                virtqueue for a while before it sleeps (virtio_blk.c)
 * @coroutines:   QEMU's block layer runs each request in a coroutine:
 *                entered and yielding at submission, re-entered and ended
 *                at completion (blk.coroutine_switch each)
 */
struct blk_backend {
    const char *name;
    enum hv_exit_reason kick;
    bool in_kernel, serial, polls, host_kernel;
    unsigned submit_calls, reap_calls;
    const char *driver_key;
    bool merges, iothread_poll, coroutines;
};

/* clang-format off */
#define BLK_BACKEND_LIST(X) X(serial) X(qemu) X(io_uring) X(vhost) X(vfio_nvme)

/* clang-format on */

enum blk_backend_id {

#define BLK_BACKEND_ENUM(n) BLK_BACKEND_##n,
    BLK_BACKEND_LIST(BLK_BACKEND_ENUM)
#undef BLK_BACKEND_ENUM
        BLK_N_BACKENDS
};

extern const struct blk_backend blk_backends[BLK_N_BACKENDS];

/* The row called @name (a blk.backend value), or NULL. */
const struct blk_backend *blk_backend_lookup(const char *name);

#endif
