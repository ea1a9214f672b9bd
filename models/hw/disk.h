/* A solid-state disk: c channels serving requests in parallel behind one
 * FIFO (a fifo_server with c servers), each request taking an access time
 * drawn from a distribution plus its transfer at the channel's rate, and
 * whether it has a volatile write cache (NVMe Identify Controller VWC),
 * which decides if the kernel driving it sends it flushes at all. */
#ifndef IOVSIM_HW_DISK_H
#define IOVSIM_HW_DISK_H

#include <stdbool.h>
#include <stdint.h>

#include <gsl/gsl_rng.h>

#include "dist.h"
#include "resource.h"
#include "sim.h"

/**
 * struct disk - the host's device
 * @srv:          c channels in front of one FIFO queue
 * @read_access:  borrowed (the scenario outlives the disk)
 * @write_access: borrowed
 * @flush:        borrowed: time of a flush of the device's write cache
 * @channel_Bps:  bytes per second of one channel; 0: no transfer term
 * @rng:          borrowed from the sim
 * @write_cache:  the device reports a volatile write cache; without one
 *                it never receives a flush
 * @flushes:      flush commands the device served
 */
struct disk {
    struct fifo_server srv;
    const struct dist *read_access;
    const struct dist *write_access;
    const struct dist *flush;
    double channel_Bps;
    gsl_rng *rng;
    bool write_cache;
    uint64_t reads, writes, bytes, flushes;
};

void disk_init(struct disk *d, struct sim *sim, unsigned channels, const struct dist *read_access,
               const struct dist *write_access, const struct dist *flush, bool write_cache,
               double channel_Bps, gsl_rng *rng);
void disk_release(struct disk *d);
/* Draw the service time of a request of @bytes (a read unless @is_write). */
sim_time disk_service(struct disk *d, bool is_write, uint64_t bytes);
/* Queue a request whose service was drawn with disk_service(); @done runs
 * when its last byte is transferred. */
void disk_submit(struct disk *d, sim_time service, bool is_write, uint64_t bytes,
                 resource_done_fn done, void *ctx, uint64_t tag);
/* Queue a flush (NVMe Flush, SCSI SYNCHRONIZE CACHE): a channel for the
 * time drawn from @flush; @done runs after. Only for a device with a
 * write cache: Linux sends no flush to one without (the caller checks). */
void disk_submit_flush(struct disk *d, resource_done_fn done, void *ctx, uint64_t tag);
void disk_reset_stats(struct disk *d);
/* Mean busy channels / channels over the measured span. */
double disk_utilization(const struct disk *d);

#endif
