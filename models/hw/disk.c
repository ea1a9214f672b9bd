/* The host's SSD: c channels behind one FIFO; service = access time (a
 * distribution, default near the ~10 us QD1 floor of an Optane P4800X,
 * docs/sources.md#p4800x) + bytes / channel rate. A device with a volatile
 * write cache (disk.write_cache) serves a flush on a channel for
 * disk.flush; one without is never sent a flush (the block layer ends it,
 * models/blk/blk_path.c). Left out: garbage collection, the cache's
 * contents (a flush costs the same however much was written), per-die
 * queues, read/write interference. */
#include "disk.h"

#include <glib.h>

void disk_init(struct disk *d, struct sim *sim, unsigned channels, const struct dist *read_access,
               const struct dist *write_access, const struct dist *flush, bool write_cache,
               double channel_Bps, gsl_rng *rng)
{
    fifo_server_init(&d->srv, sim, "disk", channels);
    /* blk reports the disks' utilization and mean queue length. */
    fifo_server_keep_busy(&d->srv);
    fifo_server_keep_qlen(&d->srv);
    d->read_access = read_access;
    d->write_access = write_access;
    d->flush = flush;
    d->write_cache = write_cache;
    d->channel_Bps = channel_Bps;
    d->rng = rng;
    d->reads = d->writes = d->bytes = d->flushes = 0;
}

void disk_release(struct disk *d)
{
    fifo_server_release(&d->srv);
}

sim_time disk_service(struct disk *d, bool is_write, uint64_t bytes)
{
    sim_time t = dist_sample_time(is_write ? d->write_access : d->read_access, d->rng);

    if (d->channel_Bps > 0)
        t += sim_time_from_s((double)bytes / d->channel_Bps);
    return t;
}

void disk_submit(struct disk *d, sim_time service, bool is_write, uint64_t bytes,
                 resource_done_fn done, void *ctx, uint64_t tag)
{
    if (is_write)
        d->writes++;
    else
        d->reads++;
    d->bytes += bytes;
    fifo_server_submit(&d->srv, service, done, ctx, tag);
}

void disk_submit_flush(struct disk *d, resource_done_fn done, void *ctx, uint64_t tag)
{
    g_assert(d->write_cache);
    d->flushes++;
    fifo_server_submit(&d->srv, dist_sample_time(d->flush, d->rng), done, ctx, tag);
}

void disk_reset_stats(struct disk *d)
{
    fifo_server_reset_stats(&d->srv);
    d->reads = d->writes = d->bytes = d->flushes = 0;
}

double disk_utilization(const struct disk *d)
{
    return fifo_server_utilization(&d->srv);
}
