/* Tests for sim/resource.c on hand-checkable traces: waits, completion order
 * and exact time averages of a FIFO server with one and several servers, the
 * warm-up reset, and grant order and wait accounting of the lock. */
#include <string.h>

#include <glib.h>

#include "resource.h"
#include "sim.h"

#define MAX_JOBS 64

/* A scripted workload: job i arrives at arrive[i] needing service[i]. */
struct trace {
    struct sim *sim;
    struct fifo_server server;
    struct sim_lock lock;
    sim_time arrive[MAX_JOBS];
    sim_time service[MAX_JOBS]; /* lock: how long the holder keeps it */
    size_t n_jobs;
    uint64_t done_tag[MAX_JOBS];
    sim_time done_at[MAX_JOBS];
    size_t n_done;
    int resubmit_tag; /* on this tag's completion submit tag 99 (-1: never) */
};

static void record_done(struct sim *sim, void *ctx, uint64_t tag)
{
    struct trace *t = ctx;

    g_assert_cmpuint(t->n_done, <, MAX_JOBS);
    t->done_tag[t->n_done] = tag;
    t->done_at[t->n_done] = sim_now(sim);
    t->n_done++;
    if ((int)tag == t->resubmit_tag)
        fifo_server_submit(&t->server, 1 * SIM_S, record_done, t, 99);
}

static void on_arrive(struct sim *sim, void *ctx, const void *payload)
{
    struct trace *t = ctx;
    uint64_t i;

    (void)sim;
    /* The engine's payload copy need not be aligned for a uint64_t. */
    memcpy(&i, payload, sizeof(i));
    fifo_server_submit(&t->server, t->service[i], record_done, t, i);
}

static void trace_setup(struct trace *t, unsigned servers, const sim_time *arrive,
                        const sim_time *service, size_t n)
{
    t->sim = sim_new(1);
    fifo_server_init(&t->server, t->sim, "srv", servers);
    fifo_server_keep_waits(&t->server);
    fifo_server_keep_qlen(&t->server);
    fifo_server_keep_busy(&t->server);
    sim_lock_init(&t->lock, t->sim);
    t->n_jobs = n;
    t->n_done = 0;
    t->resubmit_tag = -1;
    for (uint64_t i = 0; i < n; i++) {
        t->arrive[i] = arrive[i];
        t->service[i] = service[i];
        sim_schedule_at(t->sim, arrive[i], on_arrive, t, &i, sizeof(i));
    }
}

static void trace_teardown(struct trace *t)
{
    fifo_server_release(&t->server);
    sim_lock_release_resources(&t->lock);
    sim_free(t->sim);
}

/* 3 jobs of 2 s arriving at 0, 1, 2 on one server: service on [0,2), [2,4),
 * [4,6); waits 0, 1, 2; one job waiting on [1,4), so 3 job-seconds queued. */
static void test_server_single(void)
{
    static const sim_time arrive[] = { 0, 1 * SIM_S, 2 * SIM_S };
    static const sim_time service[] = { 2 * SIM_S, 2 * SIM_S, 2 * SIM_S };
    struct trace t;

    trace_setup(&t, 1, arrive, service, 3);
    sim_run_until(t.sim, 8 * SIM_S);
    g_assert_cmpuint(t.n_done, ==, 3);
    for (size_t i = 0; i < 3; i++) {
        g_assert_cmpuint(t.done_tag[i], ==, i);
        g_assert_cmpint(t.done_at[i], ==, (sim_time)(2 * (i + 1)) * SIM_S);
    }
    g_assert_cmpuint(t.server.completed, ==, 3);
    g_assert_cmpuint(t.server.wait.n, ==, 3);
    g_assert_cmpfloat_with_epsilon(welford_mean(&t.server.wait), 1.0, 1e-12);
    g_assert_cmpfloat_with_epsilon(welford_variance(&t.server.wait), 1.0, 1e-12);
    g_assert_cmpuint(t.server.busy, ==, 0);
    g_assert_cmpuint(t.server.queue.len, ==, 0);
    /* Busy 6 s of 8. */
    g_assert_cmpfloat_with_epsilon(fifo_server_utilization(&t.server), 6.0 / 8.0, 1e-12);
    g_assert_cmpfloat_with_epsilon(timeavg_mean(&t.server.qlen_avg, sim_now(t.sim)), 3.0 / 8.0,
                                   1e-12);
    /* The moment it fell idle is model state: the warm-up cut of the
     * statistics must not move it (the net model's halt decision reads it). */
    g_assert_cmpint(t.server.idle_since, ==, 6 * SIM_S);
    fifo_server_reset_stats(&t.server);
    g_assert_cmpint(t.server.idle_since, ==, 6 * SIM_S);
    trace_teardown(&t);
}

/* Two servers: A(5) and B(3) at 0, C(2) at 1, D(1) at 2. A runs [0,5), B
 * [0,3), C [3,5), D [5,6). At 5 A's completion (queued first) frees the
 * server D takes, then C completes. */
/* The start hook hears each job that waited once, when its service starts
 * (not when it queues), with the completion's callback and tag; a job that
 * starts as it arrives is not heard (its submitter has just touched what
 * the hook would warm). */
static struct {
    struct sim *sim;
    unsigned n;
    sim_time at[4];
    uint64_t tag[4];
    bool done_ok;
} started;

static void on_started(resource_done_fn done, void *ctx, uint64_t tag)
{
    (void)ctx;
    started.at[started.n] = sim_now(started.sim);
    started.tag[started.n] = tag;
    started.done_ok = done == record_done;
    started.n++;
}

static void test_server_start_hook(void)
{
    static const sim_time arrive[] = { 0, 1 * SIM_S, 2 * SIM_S };
    static const sim_time service[] = { 2 * SIM_S, 2 * SIM_S, 2 * SIM_S };
    struct trace t;

    trace_setup(&t, 1, arrive, service, 3);
    started.sim = t.sim;
    started.n = 0;
    t.server.on_start = on_started;
    sim_run_until(t.sim, 8 * SIM_S);
    g_assert_cmpuint(started.n, ==, 2);
    g_assert_true(started.done_ok);
    for (unsigned i = 0; i < 2; i++) {
        g_assert_cmpint(started.at[i], ==, (sim_time)(2 * (i + 1)) * SIM_S);
        g_assert_cmpuint(started.tag[i], ==, i + 1);
    }
    trace_teardown(&t);
}

/* The same trace on a server that was not asked for waits: the same service
 * times and utilization, no wait samples (nothing reads them). */
static void test_server_waits_opt_in(void)
{
    static const sim_time arrive[] = { 0, 1 * SIM_S, 2 * SIM_S };
    static const sim_time service[] = { 2 * SIM_S, 2 * SIM_S, 2 * SIM_S };
    struct trace t;

    trace_setup(&t, 1, arrive, service, 3);
    t.server.keep_waits = false;
    t.server.keep_qlen = false;
    sim_run_until(t.sim, 8 * SIM_S);
    g_assert_cmpuint(t.n_done, ==, 3);
    for (size_t i = 0; i < 3; i++)
        g_assert_cmpint(t.done_at[i], ==, (sim_time)(2 * (i + 1)) * SIM_S);
    g_assert_cmpuint(t.server.wait.n, ==, 0);
    g_assert_cmpfloat(t.server.qlen_avg.area, ==, 0.0);
    g_assert_cmpfloat_with_epsilon(fifo_server_utilization(&t.server), 6.0 / 8.0, 1e-12);
    trace_teardown(&t);
}

/* The trace of test_server_single() with the queue length and the busy
 * servers kept from 1.5 s, while one job waits: nothing recorded before;
 * then 0.5 job-seconds queued until 2 and 2 more on [2,4), busy on
 * [1.5, 6), averaged over [1.5, 8]. */
static void test_server_stats_from_now(void)
{
    static const sim_time arrive[] = { 0, 1 * SIM_S, 2 * SIM_S };
    static const sim_time service[] = { 2 * SIM_S, 2 * SIM_S, 2 * SIM_S };
    struct trace t;

    trace_setup(&t, 1, arrive, service, 3);
    t.server.keep_qlen = t.server.keep_busy = false;
    sim_run_until(t.sim, 3 * SIM_S / 2);
    g_assert_cmpfloat(t.server.qlen_avg.area, ==, 0.0);
    g_assert_cmpfloat(t.server.busy_avg.area, ==, 0.0);
    fifo_server_keep_qlen(&t.server);
    fifo_server_keep_busy(&t.server);
    sim_run_until(t.sim, 8 * SIM_S);
    g_assert_cmpuint(t.n_done, ==, 3);
    g_assert_cmpfloat_with_epsilon(timeavg_mean(&t.server.qlen_avg, sim_now(t.sim)), 2.5 / 6.5,
                                   1e-12);
    g_assert_cmpfloat_with_epsilon(fifo_server_utilization(&t.server), 4.5 / 6.5, 1e-12);
    trace_teardown(&t);
}

static void test_server_multi(void)
{
    static const sim_time arrive[] = { 0, 0, 1 * SIM_S, 2 * SIM_S };
    static const sim_time service[] = { 5 * SIM_S, 3 * SIM_S, 2 * SIM_S, 1 * SIM_S };
    static const uint64_t order[] = { 1, 0, 2, 3 };
    static const int at_s[] = { 3, 5, 5, 6 };
    struct trace t;

    trace_setup(&t, 2, arrive, service, 4);
    sim_run_until(t.sim, 6 * SIM_S);
    g_assert_cmpuint(t.n_done, ==, 4);
    for (size_t i = 0; i < 4; i++) {
        g_assert_cmpuint(t.done_tag[i], ==, order[i]);
        g_assert_cmpint(t.done_at[i], ==, at_s[i] * SIM_S);
    }
    /* Waits 0, 0, 2, 3. */
    g_assert_cmpfloat_with_epsilon(welford_mean(&t.server.wait), 5.0 / 4.0, 1e-12);
    /* Busy servers: 2 on [0,5), 1 on [5,6): 11 server-seconds of 12. */
    g_assert_cmpfloat_with_epsilon(fifo_server_utilization(&t.server), 11.0 / 12.0, 1e-12);
    /* C waits [1,3), D waits [2,5): 5 job-seconds over 6. */
    g_assert_cmpfloat_with_epsilon(timeavg_mean(&t.server.qlen_avg, sim_now(t.sim)), 5.0 / 6.0,
                                   1e-12);
    trace_teardown(&t);
}

/* Jobs of very different lengths, arriving in pairs faster than they are
 * served, complete in arrival order; the queue outgrows its first ring
 * buffer and wraps around in it. */
static void test_server_fifo_order(void)
{
    sim_time arrive[MAX_JOBS], service[MAX_JOBS];
    sim_time end = 0;
    size_t max_q = 0;
    struct trace t;

    for (size_t i = 0; i < MAX_JOBS; i++) {
        arrive[i] = (sim_time)(i / 2) * SIM_US;
        service[i] = (sim_time)((i * 37) % 11 + 1) * 150 * SIM_NS;
    }
    trace_setup(&t, 1, arrive, service, MAX_JOBS);
    while (sim_run_until(t.sim, sim_now(t.sim) + 100 * SIM_NS) || sim_events_pending(t.sim))
        max_q = MAX(max_q, t.server.queue.len);
    g_assert_cmpuint(max_q, >, 16);
    g_assert_cmpuint(t.n_done, ==, MAX_JOBS);
    for (size_t i = 0; i < MAX_JOBS; i++) {
        end = MAX(end, t.arrive[i]) + t.service[i];
        g_assert_cmpuint(t.done_tag[i], ==, i);
        g_assert_cmpint(t.done_at[i], ==, end);
    }
    trace_teardown(&t);
}

/* A job submitted from a completion callback queues behind earlier arrivals. */
static void test_server_resubmit(void)
{
    static const sim_time arrive[] = { 0, 0 };
    static const sim_time service[] = { 1 * SIM_S, 1 * SIM_S };
    struct trace t;

    trace_setup(&t, 1, arrive, service, 2);
    t.resubmit_tag = 0;
    sim_run_until(t.sim, 10 * SIM_S);
    g_assert_cmpuint(t.n_done, ==, 3);
    g_assert_cmpuint(t.done_tag[0], ==, 0);
    g_assert_cmpuint(t.done_tag[1], ==, 1);
    g_assert_cmpuint(t.done_tag[2], ==, 99);
    g_assert_cmpint(t.done_at[2], ==, 3 * SIM_S);
    /* Tag 99 waited from 1 s to 2 s; tag 1 from 0 to 1 s. */
    g_assert_cmpfloat_with_epsilon(welford_mean(&t.server.wait), 2.0 / 3.0, 1e-12);
    trace_teardown(&t);
}

static void on_reset(struct sim *sim, void *ctx, const void *payload)
{
    struct trace *t = ctx;

    (void)sim;
    (void)payload;
    fifo_server_reset_stats(&t->server);
}

/* Reset at 3 s: the job in service [2,4) and the one waiting (arrived at 1,
 * starts at 4) carry over; statistics cover [3, 8) only. */
static void test_server_reset(void)
{
    static const sim_time arrive[] = { 0, 1 * SIM_S, 2 * SIM_S };
    static const sim_time service[] = { 2 * SIM_S, 2 * SIM_S, 2 * SIM_S };
    struct trace t;

    trace_setup(&t, 1, arrive, service, 3);
    sim_schedule_at(t.sim, 3 * SIM_S, on_reset, &t, NULL, 0);
    sim_run_until(t.sim, 8 * SIM_S);
    /* Completions at 4 and 6 fall after the cut. */
    g_assert_cmpuint(t.server.completed, ==, 2);
    /* Only job 2 started service after the cut, having waited 2 s. */
    g_assert_cmpuint(t.server.wait.n, ==, 1);
    g_assert_cmpfloat(welford_mean(&t.server.wait), ==, 2.0);
    /* Busy [3,6) of [3,8); one waiting on [3,4). */
    g_assert_cmpfloat_with_epsilon(fifo_server_utilization(&t.server), 3.0 / 5.0, 1e-12);
    g_assert_cmpfloat_with_epsilon(timeavg_mean(&t.server.qlen_avg, sim_now(t.sim)), 1.0 / 5.0,
                                   1e-12);
    trace_teardown(&t);
}

static void on_unlock(struct sim *sim, void *ctx, const void *payload)
{
    struct trace *t = ctx;

    (void)sim;
    (void)payload;
    sim_lock_unlock(&t->lock);
}

/* Holders record the grant and keep the lock for service[tag]. */
static void lock_granted(struct sim *sim, void *ctx, uint64_t tag)
{
    struct trace *t = ctx;

    t->done_tag[t->n_done] = tag;
    t->done_at[t->n_done] = sim_now(sim);
    t->n_done++;
    g_assert_true(t->lock.held);
    sim_schedule(sim, t->service[tag], on_unlock, t, NULL, 0);
}

static void on_lock_arrive(struct sim *sim, void *ctx, const void *payload)
{
    struct trace *t = ctx;
    uint64_t i;

    (void)sim;
    memcpy(&i, payload, sizeof(i));
    sim_lock_acquire(&t->lock, lock_granted, t, i);
}

/* A holds [0,3); B asks at 1, C at 2, D at 2.5. B gets it at 3 (waited 2)
 * and holds 1 s; C at 4 (waited 2) holds 1 s; D at 5 (waited 2.5), holds
 * 0.5 s. Held on [0, 5.5) of [0, 6). */
static void test_lock_order(void)
{
    static const sim_time arrive[] = { 0, 1 * SIM_S, 2 * SIM_S, 2500 * SIM_MS };
    static const sim_time hold[] = { 3 * SIM_S, 1 * SIM_S, 1 * SIM_S, 500 * SIM_MS };
    static const sim_time granted_at[] = { 0, 3 * SIM_S, 4 * SIM_S, 5 * SIM_S };
    struct trace t;

    t.sim = sim_new(1);
    fifo_server_init(&t.server, t.sim, "unused", 1);
    sim_lock_init(&t.lock, t.sim);
    t.n_done = 0;
    for (uint64_t i = 0; i < 4; i++) {
        t.service[i] = hold[i];
        sim_schedule_at(t.sim, arrive[i], on_lock_arrive, &t, &i, sizeof(i));
    }
    sim_run_until(t.sim, 6 * SIM_S);
    g_assert_cmpuint(t.n_done, ==, 4);
    for (size_t i = 0; i < 4; i++) {
        g_assert_cmpuint(t.done_tag[i], ==, i);
        g_assert_cmpint(t.done_at[i], ==, granted_at[i]);
    }
    g_assert_false(t.lock.held);
    g_assert_cmpuint(t.lock.acquisitions, ==, 4);
    g_assert_cmpuint(t.lock.contended, ==, 3);
    g_assert_cmpuint(t.lock.wait.n, ==, 4);
    g_assert_cmpfloat_with_epsilon(welford_mean(&t.lock.wait), 6.5 / 4.0, 1e-12);
    g_assert_cmpfloat_with_epsilon(timeavg_mean(&t.lock.held_avg, sim_now(t.sim)), 5.5 / 6.0,
                                   1e-12);

    sim_lock_reset_stats(&t.lock);
    g_assert_cmpuint(t.lock.acquisitions, ==, 0);
    g_assert_cmpuint(t.lock.wait.n, ==, 0);
    trace_teardown(&t);
}

static void set_flag(struct sim *sim, void *ctx, uint64_t tag)
{
    (void)sim;
    *(uint64_t *)ctx = tag;
}

/* A free lock is granted before sim_lock_acquire() returns; a handed-over
 * lock is granted by an event at the same instant, after the unlocker. */
static void test_lock_sync_grant(void)
{
    struct sim *sim = sim_new(1);
    struct sim_lock l;
    uint64_t got = 0;

    sim_lock_init(&l, sim);
    sim_lock_acquire(&l, set_flag, &got, 7);
    g_assert_cmpuint(got, ==, 7);
    sim_lock_acquire(&l, set_flag, &got, 8);
    g_assert_cmpuint(got, ==, 7);
    sim_lock_unlock(&l);
    g_assert_true(l.held);
    g_assert_cmpuint(got, ==, 7);
    g_assert_cmpuint(sim_run_until(sim, SIM_S), ==, 1);
    g_assert_cmpuint(got, ==, 8);
    sim_lock_unlock(&l);
    g_assert_false(l.held);
    sim_lock_release_resources(&l);
    sim_free(sim);
}

static void test_lock_unlock_free(void)
{
    if (g_test_subprocess()) {
        struct sim *sim = sim_new(1);
        struct sim_lock l;

        sim_lock_init(&l, sim);
        sim_lock_unlock(&l);
        return;
    }
    g_test_trap_subprocess(NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
    g_test_trap_assert_failed();
}

/* The urgent lane: A(2) starts at 0 on one server; B and C (ordinary) and
 * then U1 and U2 (urgent) arrive at 1 with 1 s each. A is never preempted;
 * then U1, U2 (FIFO among themselves), then B, C. */
struct lane_arrival {
    uint64_t tag;
    bool urgent;
};

static void on_lane_arrive(struct sim *sim, void *ctx, const void *payload)
{
    struct trace *t = ctx;
    struct lane_arrival a;

    (void)sim;
    memcpy(&a, payload, sizeof(a));
    if (a.urgent)
        fifo_server_submit_urgent(&t->server, 1 * SIM_S, record_done, t, a.tag);
    else
        fifo_server_submit(&t->server, 1 * SIM_S, record_done, t, a.tag);
}

static void test_server_urgent_lane(void)
{
    static const struct lane_arrival later[] = {
        { 1, false }, { 2, false }, { 3, true }, { 4, true }
    };
    static const uint64_t order[] = { 0, 3, 4, 1, 2 };
    struct trace t;

    trace_setup(&t, 1, NULL, NULL, 0);
    fifo_server_submit(&t.server, 2 * SIM_S, record_done, &t, 0);
    for (size_t i = 0; i < G_N_ELEMENTS(later); i++)
        sim_schedule_at(t.sim, 1 * SIM_S, on_lane_arrive, &t, &later[i], sizeof(later[i]));
    sim_run_until(t.sim, 10 * SIM_S);
    g_assert_cmpuint(t.n_done, ==, 5);
    for (size_t i = 0; i < 5; i++) {
        g_assert_cmpuint(t.done_tag[i], ==, order[i]);
        g_assert_cmpint(t.done_at[i], ==, (sim_time)(2 + i) * SIM_S);
    }
    /* Waits: 0, then U1 1, U2 2, B 3, C 4 s; the queue holds both lanes. */
    g_assert_cmpfloat_with_epsilon(welford_mean(&t.server.wait), 10.0 / 5.0, 1e-12);
    g_assert_cmpfloat_with_epsilon(timeavg_mean(&t.server.qlen_avg, sim_now(t.sim)),
                                   (4 + 3 + 2 + 1) / 10.0, 1e-12);
    trace_teardown(&t);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/resource/server/single", test_server_single);
    g_test_add_func("/resource/server/waits-opt-in", test_server_waits_opt_in);
    g_test_add_func("/resource/server/stats-from-now", test_server_stats_from_now);
    g_test_add_func("/resource/server/start-hook", test_server_start_hook);
    g_test_add_func("/resource/server/multi", test_server_multi);
    g_test_add_func("/resource/server/fifo-order", test_server_fifo_order);
    g_test_add_func("/resource/server/resubmit", test_server_resubmit);
    g_test_add_func("/resource/server/reset", test_server_reset);
    g_test_add_func("/resource/server/urgent-lane", test_server_urgent_lane);
    g_test_add_func("/resource/lock/order", test_lock_order);
    g_test_add_func("/resource/lock/sync-grant", test_lock_sync_grant);
    g_test_add_func("/resource/lock/unlock-free", test_lock_unlock_free);
    return g_test_run();
}
