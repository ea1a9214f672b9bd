/* Shared resources: a FIFO server with c identical servers (a CPU core, a
 * DMA engine, a link) and a lock with wait-time accounting. Both queue their
 * customers in arrival order and call back when service starts / ends; the
 * server has a second, urgent lane (a core's interrupt and softirq work)
 * whose jobs start before any ordinary job that waits. */
#ifndef IOVSIM_RESOURCE_H
#define IOVSIM_RESOURCE_H

#include <stdbool.h>
#include <stdint.h>

#include <glib.h>

#include "sim.h"
#include "stats.h"

/* Called when a job's service ends (server) or when the lock is granted. */
typedef void (*resource_done_fn)(struct sim *sim, void *ctx, uint64_t tag);
/* Called when a job that waited in the queue starts service, with what its
 * completion will call: a hint for speed only (e.g. prefetching what the
 * completion reads, which has left the cache while the job waited; a job
 * that starts as it arrives was just touched by its submitter); it must not
 * change any state a result depends on. */
typedef void (*resource_start_fn)(resource_done_fn done, void *ctx, uint64_t tag);

struct fifo_job {
    sim_time service;  /* service time, fixed when the job is queued */
    sim_time enqueued; /* arrival time */
    resource_done_fn done;
    void *ctx;
    uint64_t tag;
};

/**
 * struct job_ring - jobs waiting in arrival order
 * A ring buffer whose capacity is a power of two (wrapping is a mask); it
 * grows by doubling, so no job costs an allocation once it is warm. The one
 * queue of the servers, the locks and the host scheduler's threads.
 */
struct job_ring {
    struct fifo_job *jobs;
    size_t cap, head, len;
};

/* Growth counts against the run's memory bound (sim_mem_account()). */
void job_ring_push(struct sim *sim, struct job_ring *r, const struct fifo_job *job);
void job_ring_release(struct job_ring *r);

/* The oldest job, taken off @r (which must not be empty), where it lies:
 * valid until the next push. */
static inline const struct fifo_job *job_ring_take_ref(struct job_ring *r)
{
    const struct fifo_job *job;

    g_assert(r->len > 0);
    job = &r->jobs[r->head];
    r->head = (r->head + 1) & (r->cap - 1);
    r->len--;
    return job;
}

/* The oldest job, taken off @r (which must not be empty). */
static inline struct fifo_job job_ring_take(struct job_ring *r)
{
    return *job_ring_take_ref(r);
}

/**
 * struct fifo_server - c identical servers in front of one FIFO queue
 * Utilization and queue length are time-weighted; waits are Welford means.
 * Each is kept only when asked for (fifo_server_keep_busy(),
 * fifo_server_keep_qlen(), fifo_server_keep_waits()): they are on the path
 * of every job, and many servers never report them.
 */
struct fifo_server {
    /* What every submission and completion reads first, together. */
    struct sim *sim;
    unsigned servers;
    unsigned busy;
    sim_time idle_since; /* when busy last fell to 0: model state, kept
                          * over the warm-up cut (unlike the statistics) */
    uint64_t completed;
    resource_start_fn on_start; /* or NULL */
    struct job_ring queue;
    struct job_ring urgent; /* served before queue */
    bool keep_waits;
    bool keep_busy;
    bool keep_qlen;

    const char *name;        /* borrowed */
    struct timeavg busy_avg; /* busy servers, if keep_busy */
    struct timeavg qlen_avg; /* jobs waiting (not in service), if keep_qlen */
    struct welford wait;     /* seconds waited before service, if keep_waits */
};

void fifo_server_init(struct fifo_server *s, struct sim *sim, const char *name, unsigned servers);
void fifo_server_release(struct fifo_server *s);
/* Record every job's wait in s->wait from now on. */
void fifo_server_keep_waits(struct fifo_server *s);
/* Keep the time-weighted busy servers in s->busy_avg, averaged from now on
 * (what fifo_server_utilization() reads). */
void fifo_server_keep_busy(struct fifo_server *s);
/* Keep the time-weighted queue length in s->qlen_avg, averaged from now on. */
void fifo_server_keep_qlen(struct fifo_server *s);
/* Queue a job needing @service of work; @done runs when it completes. */
void fifo_server_submit(struct fifo_server *s, sim_time service, resource_done_fn done, void *ctx,
                        uint64_t tag);
/* As fifo_server_submit(), in the urgent lane: it starts when a server next
 * becomes free, ahead of every ordinary job waiting (non-preemptive: the job
 * in service finishes first). Urgent jobs keep FIFO order among themselves. */
void fifo_server_submit_urgent(struct fifo_server *s, sim_time service, resource_done_fn done,
                               void *ctx, uint64_t tag);
void fifo_server_reset_stats(struct fifo_server *s);
/* Mean busy servers / servers, in [0, 1]; only for a server that keeps them. */
double fifo_server_utilization(const struct fifo_server *s);

/**
 * struct sim_lock - a mutex held for a while by one holder at a time
 * Waiters are granted in FIFO order; the time each waited is recorded.
 */
struct sim_lock {
    struct sim *sim;
    bool held;
    struct job_ring waiters; /* service unused */
    struct welford wait;     /* seconds waited, including zero waits */
    uint64_t acquisitions;
    uint64_t contended; /* acquisitions that had to wait */
    struct timeavg held_avg;
};

void sim_lock_init(struct sim_lock *l, struct sim *sim);
void sim_lock_release_resources(struct sim_lock *l);
/* @granted runs (synchronously if free) once the caller holds the lock. */
void sim_lock_acquire(struct sim_lock *l, resource_done_fn granted, void *ctx, uint64_t tag);
void sim_lock_unlock(struct sim_lock *l);
void sim_lock_reset_stats(struct sim_lock *l);

#endif
