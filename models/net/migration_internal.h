/* What the pre-copy (net/migration.c) and the post-copy
 * (net/migration_postcopy.c) of one live migration share: its state and
 * the memory stream's pump. */
#ifndef IOVSIM_NET_MIGRATION_INTERNAL_H
#define IOVSIM_NET_MIGRATION_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include <glib.h>
#include <gsl/gsl_rng.h>

#include "net.h"

/* Samples of a migration.sample time series at most: a run's report stays
 * small. */
#define MIGRATION_MAX_SAMPLES 100000

/* x86's base page: the unit a post-copy fault fetches. */
#define MIGRATION_PAGE 4096u

enum migration_phase {
    MIG_WAITING,
    MIG_UNPLUG, /* failover: the VF goes, traffic on the standby virtio NIC */
    MIG_PRECOPY,
    MIG_STOPCOPY,
    MIG_SWITCHOVER, /* and until the VM's last packets have drained */
    MIG_POSTCOPY,   /* post-copy: the VM runs at the destination, memory follows */
    MIG_REPLUG,     /* failover: on the destination, waiting for a new VF */
    MIG_DONE,
};

/* Post-copy's pages (net/migration_postcopy.c). */
struct postcopy {
    uint64_t pages;      /* of the memory */
    uint64_t cursor;     /* the push has passed every page below it */
    uint8_t *fetched;    /* bitmap: pages a fault fetched ahead of the push */
    uint64_t unsent;     /* pages neither pushed nor fetched yet */
    uint64_t urgent;     /* faulted pages not yet sent */
    uint64_t faults;     /* remote page faults */
    sim_time stall;      /* vCPU time they stalled, in all */
    sim_time fault_cost; /* migration.fault_latency */
    double touch_rate;   /* first writes per working-set page per second */
    gsl_rng *rng;
};

struct migration {
    struct net_world *w;
    struct net_vm *vm;
    struct net_host *src, *dst;
    const struct io_strategy_ops *own; /* the VM's NIC strategy */
    bool failover;                     /* it has a VF or device: fails over to virtio */
    bool postcopy;                     /* migration.mode = postcopy */
    double bw_bps, dirty_bps;          /* dirty_bps: with the receive rate once started */
    bool dirty_rx;                     /* migration.dirty_rx */
    uint64_t rx_before;                /* payload received from the warm-up to the start */
    sim_time warmup;
    uint64_t memory, wws, threshold, window;
    unsigned max_rounds, seg;
    sim_time switchover, unplug, replug;
    enum migration_phase phase;
    unsigned round;
    uint64_t left;      /* bytes of this round not yet sent */
    uint64_t unacked;   /* sent, neither delivered nor lost */
    sim_time next_send; /* the bandwidth limit's clock */
    sim_time round_start, t_start, t_precopy, t_pause, t_resume, t_copied, t_done;
    sim_time t_moved;   /* the device was attached at the destination */
    bool restoring;     /* the VM waits for that device's start-up */
    bool stopping;      /* the source waits for the paused VM's device to stop */
    uint64_t stop_then; /* then the stop-and-copy sends this */
    sim_time t_stopped;
    sim_event_id timer;
    GArray *round_bytes; /* uint64_t per round, the stop-and-copy last */
    uint64_t resent;
    /* what the VM and the others had received at the start, the start of
     * the copy, the resumption, the end, and when all memory was copied;
     * the longest time the VM went without a delivery */
    uint64_t vm_bytes[5], others_bytes[5];
    sim_time last_seen, gap;
    struct postcopy pc;
    /* migration.sample: goodput (bit/s) of the VM and of the others per
     * interval, and the bytes at the last sample */
    sim_time sample;
    GArray *vm_trace, *others_trace;
    uint64_t traced[2];
};

/* Send what the window and the bandwidth limit allow now. */
void migration_pump(struct migration *m);
/* Payload bytes delivered so far to and from the VM and the others. */
void migration_snapshot(const struct migration *m, uint64_t *vm, uint64_t *others);
/* All memory is at the destination and the VM runs there: the re-plug
 * of a failover, or the end. */
void migration_copied(struct migration *m);

/* @bytes over @t in bit/s; NaN for no time. */
double migration_rate(uint64_t bytes, sim_time t);

/* Post-copy (net/migration_postcopy.c). */
void postcopy_init(struct migration *m);
void postcopy_release(struct migration *m);
/* The VM runs at the destination: the push and the faults begin. */
void postcopy_begin(struct migration *m);
/* Bytes of the next segment (faulted pages first), at most @max; 0: none
 * now. */
uint32_t postcopy_take(struct migration *m, uint32_t max);
void postcopy_report(const struct migration *m, struct report *out);

#endif
