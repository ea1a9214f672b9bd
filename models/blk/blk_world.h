/* Internals of the blk model shared by its files: the world (the hosts'
 * SSDs, every VM's disk, the request pool, the workload and image
 * settings) on top of blk_dev.h. */
#ifndef IOVSIM_BLK_WORLD_H
#define IOVSIM_BLK_WORLD_H

#include <stdbool.h>
#include <stdint.h>

#include <glib.h>
#include <gsl/gsl_rng.h>

#include "blk_dev.h"
#include "model.h"
#include "pool.h"

struct blk_world {
    struct model base;
    struct sim *sim;
    struct host *host;     /* the clock the costs are converted at (every host's) */
    struct host *own_host; /* the blk model's own, freed with it; else NULL */
    const char *prefix;    /* of every metric name: "" or "disk_" */
    struct blk_dev_cfg cfg;
    const struct blk_backend *be; /* blk.backend */
    bool request_merging;         /* blk.request_merging */
    uint32_t stripe;              /* disk.stripe (0: a request on one channel) */
    bool qcow2;                   /* blk.format = qcow2 (software paths only) */
    /* workload */
    bool open_loop, random, mixed;
    bool always_write;
    double rwmixread;
    uint64_t span;
    unsigned iodepth;
    const struct dist *interarrival;
    gsl_rng *arrival_rng;
    /* the image file (image.c) */
    bool sparse;                        /* raw, image.preallocation = off */
    enum blk_cache_mode cache_mode;     /* image.cache */
    uint32_t fs_block;                  /* image.fs_block: allocation unit and page */
    uint32_t journal_bytes;             /* image.journal_bytes */
    uint64_t free_run_blocks;           /* image.fs_free_run / fs_block (0: unlimited) */
    bool prewritten, prewritten_random; /* image.prewritten: not none; random */
    uint32_t cache_pages;               /* image.host_cache_size / fs_block */
    unsigned fsync;                     /* fio.fsync: a flush after every this many writes */
    double copy_ps_per_byte;            /* image.cache_copy_per_byte */
    /* qcow2 */
    bool qcow2_alloc;         /* image.preallocation = off: clusters on first write */
    uint32_t cluster_size;    /* qcow2.cluster_size */
    uint32_t refcount_blocks; /* qcow2.refcount_cache_size / cluster_size */
    uint64_t slice_reach;     /* disk bytes one L2 cache entry maps */
    uint32_t l2_entry_size;
    unsigned chain_len; /* backing files below the image (image.backing_chain) */
    bool base_raw;      /* the chain's last file is raw (image.backing_format) */
    /* the hosts' SSDs, one per host */
    struct disk *disks;
    unsigned n_disks;
    struct blk_vm *vms;
    unsigned n_vms;
    struct pool reqs; /* struct blk_req */
    sim_time stat_start;
};

/* Back to the pool (once, after blk_req_finish()'s accounting). */
void blk_req_free(struct blk_world *w, struct blk_req *r);
/* Spend @delay in @stage (no resource busy), then @cont. */
void blk_delay(struct blk_world *w, struct blk_req *r, enum blk_stage stage, sim_time delay,
               blk_cont_fn cont);

#endif
