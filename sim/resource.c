/* Shared resources on top of the engine: a FIFO queue in front of c identical
 * servers, and a FIFO lock. Both keep their waiters in a growable ring buffer
 * (no allocation per job once warm) and their statistics in stats.h
 * collectors. Priority is two lanes (urgent before ordinary), never
 * preemption. Left out: balking and timeouts. Pending
 * completions are not cancelled on release, so release a resource only when
 * its sim will not run again. */
#include "resource.h"

#include <string.h>

#include <glib.h>

/* What a service-end or lock-grant event carries: who to call back. */
struct resource_msg {
    resource_done_fn done;
    void *ctx;
    uint64_t tag;
};

G_STATIC_ASSERT(sizeof(struct resource_msg) <= SIM_PAYLOAD_MAX);

void job_ring_push(struct sim *sim, struct job_ring *r, const struct fifo_job *job)
{
    if (r->len == r->cap) {
        size_t cap = r->cap ? 2 * r->cap : 16;
        struct fifo_job *grown = g_new(struct fifo_job, cap);

        sim_mem_account(sim, (cap - r->cap) * sizeof(*grown));
        /* Unwrap into the new buffer so the head moves to index 0. */
        for (size_t i = 0; i < r->len; i++)
            grown[i] = r->jobs[(r->head + i) & (r->cap - 1)];
        g_free(r->jobs);
        r->jobs = grown;
        r->cap = cap;
        r->head = 0;
    }
    r->jobs[(r->head + r->len++) & (r->cap - 1)] = *job;
}

void job_ring_release(struct job_ring *r)
{
    g_free(r->jobs);
    *r = (struct job_ring){ 0 };
}

void fifo_server_init(struct fifo_server *s, struct sim *sim, const char *name, unsigned servers)
{
    sim_time now = sim_now(sim);

    g_assert(servers >= 1);
    memset(s, 0, sizeof(*s));
    s->sim = sim;
    s->name = name;
    s->servers = servers;
    timeavg_init(&s->busy_avg, now, 0.0);
    timeavg_init(&s->qlen_avg, now, 0.0);
    welford_init(&s->wait);
}

void fifo_server_release(struct fifo_server *s)
{
    job_ring_release(&s->queue);
    job_ring_release(&s->urgent);
}

void fifo_server_keep_waits(struct fifo_server *s)
{
    s->keep_waits = true;
}

void fifo_server_keep_busy(struct fifo_server *s)
{
    s->keep_busy = true;
    timeavg_init(&s->busy_avg, sim_now(s->sim), (double)s->busy);
}

void fifo_server_keep_qlen(struct fifo_server *s)
{
    s->keep_qlen = true;
    timeavg_init(&s->qlen_avg, sim_now(s->sim), (double)(s->queue.len + s->urgent.len));
}

static void server_on_done(struct sim *sim, void *ctx, const void *payload);

/* Put a job that arrived at @enqueued on a free server now; the caller has
 * already counted it busy. Inline with its arguments apart: a job that
 * starts as it arrives is then never built in memory. */
static inline void server_start(struct fifo_server *s, sim_time enqueued, sim_time service,
                                resource_done_fn done, void *ctx, uint64_t tag)
{
    sim_time now = sim_now(s->sim);
    struct resource_msg msg = { .done = done, .ctx = ctx, .tag = tag };

    if (s->keep_waits)
        welford_add(&s->wait, sim_time_to_s(now - enqueued));
    sim_schedule_at(s->sim, now + service, server_on_done, s, &msg, sizeof(msg));
}

/* The server that just finished goes to the head of the queue. Out of line,
 * so that a completion that leaves its server idle saves no registers. */
static G_GNUC_NO_INLINE void server_next(struct fifo_server *s)
{
    /* Read where it lies (nothing here pushes to the ring), so that only
     * the server and the job's place live across the start hook's call. */
    const struct fifo_job *next = job_ring_take_ref(s->urgent.len ? &s->urgent : &s->queue);

    if (s->keep_qlen)
        timeavg_set(&s->qlen_avg, sim_now(s->sim), (double)(s->queue.len + s->urgent.len));
    if (s->on_start)
        s->on_start(next->done, next->ctx, next->tag);
    server_start(s, next->enqueued, next->service, next->done, next->ctx, next->tag);
}

static void server_on_done(struct sim *sim, void *ctx, const void *payload)
{
    struct fifo_server *s = ctx;
    struct resource_msg msg;

    memcpy(&msg, payload, sizeof(msg));
    s->completed++;
    /* Hand the server straight to the head of the queue before calling back,
     * so a job the callback submits here queues behind those already waiting. */
    if (s->urgent.len | s->queue.len) {
        server_next(s);
    } else {
        g_assert(s->busy > 0);
        s->busy--;
        if (s->busy == 0)
            s->idle_since = sim_now(sim);
        if (s->keep_busy)
            timeavg_set(&s->busy_avg, sim_now(sim), (double)s->busy);
    }
    if (msg.done)
        msg.done(sim, msg.ctx, msg.tag);
}

/* Inline in its two callers, so that each tests its own lane only. */
static inline void server_submit(struct fifo_server *s, bool urgent, sim_time service,
                                 resource_done_fn done, void *ctx, uint64_t tag)
{
    sim_time now = sim_now(s->sim);
    struct fifo_job job;

    g_assert(service >= 0);
    if (s->busy < s->servers) {
        /* A free server means nobody is waiting: the queue only builds up
         * while every server is busy. */
        g_assert(s->queue.len == 0 && s->urgent.len == 0);
        s->busy++;
        if (s->keep_busy)
            timeavg_set(&s->busy_avg, now, (double)s->busy);
        server_start(s, now, service, done, ctx, tag);
        return;
    }
    job = (struct fifo_job){
        .service = service,
        .enqueued = now,
        .done = done,
        .ctx = ctx,
        .tag = tag,
    };
    if (urgent)
        job_ring_push(s->sim, &s->urgent, &job);
    else
        job_ring_push(s->sim, &s->queue, &job);
    if (s->keep_qlen)
        timeavg_set(&s->qlen_avg, now, (double)(s->queue.len + s->urgent.len));
}

void fifo_server_submit(struct fifo_server *s, sim_time service, resource_done_fn done, void *ctx,
                        uint64_t tag)
{
    server_submit(s, false, service, done, ctx, tag);
}

void fifo_server_submit_urgent(struct fifo_server *s, sim_time service, resource_done_fn done,
                               void *ctx, uint64_t tag)
{
    server_submit(s, true, service, done, ctx, tag);
}

void fifo_server_reset_stats(struct fifo_server *s)
{
    sim_time now = sim_now(s->sim);

    timeavg_reset(&s->busy_avg, now);
    timeavg_reset(&s->qlen_avg, now);
    welford_init(&s->wait);
    s->completed = 0;
}

double fifo_server_utilization(const struct fifo_server *s)
{
    /* A server that does not keep it would read as idle. */
    g_assert(s->keep_busy);
    return timeavg_mean(&s->busy_avg, sim_now(s->sim)) / (double)s->servers;
}

void sim_lock_init(struct sim_lock *l, struct sim *sim)
{
    memset(l, 0, sizeof(*l));
    l->sim = sim;
    welford_init(&l->wait);
    timeavg_init(&l->held_avg, sim_now(sim), 0.0);
}

void sim_lock_release_resources(struct sim_lock *l)
{
    job_ring_release(&l->waiters);
}

static void lock_on_grant(struct sim *sim, void *ctx, const void *payload)
{
    struct resource_msg msg;

    (void)ctx;
    memcpy(&msg, payload, sizeof(msg));
    msg.done(sim, msg.ctx, msg.tag);
}

void sim_lock_acquire(struct sim_lock *l, resource_done_fn granted, void *ctx, uint64_t tag)
{
    sim_time now = sim_now(l->sim);
    struct fifo_job job = { .enqueued = now, .done = granted, .ctx = ctx, .tag = tag };

    g_assert(granted);
    if (!l->held) {
        l->held = true;
        l->acquisitions++;
        welford_add(&l->wait, 0.0);
        timeavg_set(&l->held_avg, now, 1.0);
        granted(l->sim, ctx, tag);
        return;
    }
    job_ring_push(l->sim, &l->waiters, &job);
}

void sim_lock_unlock(struct sim_lock *l)
{
    sim_time now = sim_now(l->sim);
    struct fifo_job next;
    struct resource_msg msg;

    g_assert(l->held);
    if (!l->waiters.len) {
        l->held = false;
        timeavg_set(&l->held_avg, now, 0.0);
        return;
    }
    /* Hand the lock over now (it stays held, so nobody can barge in), but
     * run the new holder's callback as its own event: the unlocking code
     * finishes first and a chain of waiters never nests on the stack. */
    next = job_ring_take(&l->waiters);
    l->acquisitions++;
    l->contended++;
    welford_add(&l->wait, sim_time_to_s(now - next.enqueued));
    msg = (struct resource_msg){ .done = next.done, .ctx = next.ctx, .tag = next.tag };
    sim_schedule(l->sim, 0, lock_on_grant, l, &msg, sizeof(msg));
}

void sim_lock_reset_stats(struct sim_lock *l)
{
    welford_init(&l->wait);
    l->acquisitions = 0;
    l->contended = 0;
    timeavg_reset(&l->held_avg, sim_now(l->sim));
}
