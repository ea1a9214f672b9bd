/* Run queues for the host's time-shared cores. Each thread on such a core
 * has its own FIFO of jobs; the core runs one thread at a time, which keeps
 * it for its successive jobs until it blocks (no job left), its slice is
 * used up while others wait, or (with wake-up preemption) a thread woke
 * meanwhile; then the longest-waiting thread gets it, after a context
 * switch. Jobs are never preempted inside: a job is one step of a packet
 * or request, microseconds long, against a slice of milliseconds. A thread's
 * urgent jobs (its interrupt and softirq work) run before its ordinary ones;
 * they do not make a waiting thread preempt the running one.
 * A core that idles past its idle_spin sleeps; the first job to find it
 * asleep starts after the exit latency of the state its governor chose
 * (idle.c), on either kind of core, and jobs that come meanwhile queue
 * behind it in their order. The exit occupies no server: it is not CPU.
 * A spinning thread (a poll-mode driver's vCPU, sched_spin()) never
 * blocks: with no job it holds the core and polls until its slice ends
 * while others wait (at once, with wake-up preemption, when one wakes),
 * then waits its turn again, runnable, like any other.
 * Left out: vruntime and weights (waiting threads run in FIFO order),
 * migration between cores, SMT. Defaults: host_params.c. */
#include "sched.h"

#include <string.h>

#include <glib.h>

#define SCHED_NONE UINT32_MAX

/* One thread placed on a time-shared core. */
struct sched_thread {
    int owner;
    uint32_t next;       /* run-queue link */
    bool runnable;       /* in the run queue, or holding the core */
    bool spins;          /* polls when it has no job: never blocks */
    struct timeavg spun; /* 1 while it holds the core polling */
    struct job_ring urgent, ordinary;
};

struct sched_rq {
    const struct sched_policy *p;
    struct cpu_host *h;
    struct cpu_core *core;
    struct sched_thread *t;
    unsigned n, cap;
    uint32_t q_head, q_tail; /* runnable threads waiting for the core */
    uint32_t cur;            /* holding (or waking onto) the core, or NONE */
    uint32_t last;           /* ran last, or NONE */
    bool yield;              /* a thread woke: cur gives way after this job */
    bool spinning;           /* cur spins: it holds the core with no job */
    bool spin_armed;         /* spin_end is pending */
    sim_event_id spin_end;   /* the spinning cur's slice ends */
    sim_time since;          /* cur got the core */
    struct fifo_job running; /* cur's job on the core */
};

static bool thread_has_jobs(const struct sched_thread *t)
{
    return t->urgent.len | t->ordinary.len;
}

/* The thread's next job, urgent ones first, taken off its queue. */
static struct fifo_job job_take(struct sched_thread *t)
{
    return job_ring_take(t->urgent.len ? &t->urgent : &t->ordinary);
}

/* A core that slept: its governor's memory, and the jobs that came while
 * it exits its idle state. */
struct sched_sleep {
    struct idle_history hist;
    bool waking, first_urgent, has_first;
    struct fifo_job first; /* the job that woke it, if a job did */
    sim_time awake_at;     /* it last woke (an idle stretch starts no earlier) */
    struct job_ring urgent, ordinary;
};

static inline void core_submit(struct cpu_core *core, bool urgent, const struct fifo_job *job)
{
    if (urgent)
        fifo_server_submit_urgent(&core->srv, job->service, job->done, job->ctx, job->tag);
    else
        fifo_server_submit(&core->srv, job->service, job->done, job->ctx, job->tag);
}

/* The exit latency of the state a sleeping @core chose, when work arrives
 * after it idled past its idle_spin (menu governor). */
static __attribute__((noinline)) sim_time
menu_wake(const struct sched_policy *p, struct cpu_host *h, struct cpu_core *core, bool timer)
{
    sim_time idle, since;
    unsigned state;

    since = MAX(core->srv.idle_since, core->sleep ? core->sleep->awake_at : 0);
    idle = sim_now(core->srv.sim) - since;
    if (idle <= core->idle_spin)
        return 0;
    if (!core->sleep)
        core->sleep = g_new0(struct sched_sleep, 1);
    state = idle_sleep(&p->idle, &core->sleep->hist, since + core->idle_spin,
                       sim_now(core->srv.sim), timer);
    h->wakes[state]++;
    h->wake_time += p->idle.s[state].exit;
    return p->idle.s[state].exit;
}

/* What work arriving now at @core waits for the core to wake: nothing
 * while it runs or spins, else the exit latency of the state its governor
 * chose when it fell asleep (from the periods it slept before this one).
 * Legacy (host.idle): a time-shared core exits the shallowest physical
 * state, whatever its idle time, and a core of its own never sleeps.
 * Inline: it runs for every job, nearly always to one of its first tests. */
static inline sim_time wake_latency(const struct sched_policy *p, struct cpu_host *h,
                                    struct cpu_core *core, bool shared, bool timer)
{
    unsigned state;

    if (!p->idle.menu) {
        state = shared && p->idle.n > 1 ? 1 : 0;
        h->wakes[state] += shared;
        h->wake_time += p->idle.s[state].exit;
        return p->idle.s[state].exit;
    }
    if (core->srv.busy > 0 || core->idle_spin == CPU_SPINS)
        return 0;
    return menu_wake(p, h, core, timer);
}

static void on_core_woken(struct sim *sim, void *ctx, const void *payload)
{
    struct cpu_core *core = ctx;
    struct sched_sleep *s = core->sleep;

    (void)payload;
    s->waking = false;
    s->awake_at = sim_now(sim);
    /* The job that woke the core starts now; those that came meanwhile
     * queue behind it, each in its lane. */
    if (s->has_first)
        core_submit(core, s->first_urgent, &s->first);
    while (s->urgent.len) {
        struct fifo_job job = job_ring_take(&s->urgent);

        core_submit(core, true, &job);
    }
    while (s->ordinary.len) {
        struct fifo_job job = job_ring_take(&s->ordinary);

        core_submit(core, false, &job);
    }
}

/* A core of its own that must wake first: @job starts when it is awake. */
static __attribute__((noinline)) void own_wake(struct cpu_core *core, sim_time lat, bool urgent,
                                               const struct fifo_job *job)
{
    struct sched_sleep *s = core->sleep;

    s->waking = true;
    s->has_first = true;
    s->first = *job;
    s->first_urgent = urgent;
    sim_schedule(core->srv.sim, lat, on_core_woken, core, NULL, 0);
}

/* A core of its own: straight to the core, unless it must wake first. */
static inline void own_submit(const struct sched_policy *p, struct cpu_host *h,
                              struct cpu_core *core, bool urgent, const struct fifo_job *job)
{
    struct sched_sleep *s = core->sleep;

    if (!s || !s->waking) {
        sim_time lat = wake_latency(p, h, core, false, false);

        if (lat == 0)
            core_submit(core, urgent, job);
        else
            own_wake(core, lat, urgent, job);
        return;
    }
    job_ring_push(core->srv.sim, urgent ? &s->urgent : &s->ordinary, job);
}

static uint32_t thread_find(struct sched_rq *rq, int owner)
{
    for (unsigned i = 0; i < rq->n; i++)
        if (rq->t[i].owner == owner)
            return i;
    if (rq->n == rq->cap) {
        rq->cap = rq->cap ? 2 * rq->cap : 4;
        rq->t = g_renew(struct sched_thread, rq->t, rq->cap);
    }
    memset(&rq->t[rq->n], 0, sizeof(rq->t[0]));
    timeavg_init(&rq->t[rq->n].spun, sim_now(rq->core->srv.sim), 0.0);
    rq->t[rq->n].owner = owner;
    rq->t[rq->n].next = SCHED_NONE;
    return rq->n++;
}

static void runq_push(struct sched_rq *rq, uint32_t i)
{
    rq->t[i].next = SCHED_NONE;
    if (rq->q_tail == SCHED_NONE)
        rq->q_head = i;
    else
        rq->t[rq->q_tail].next = i;
    rq->q_tail = i;
}

static uint32_t runq_pop(struct sched_rq *rq)
{
    uint32_t i = rq->q_head;

    rq->q_head = rq->t[i].next;
    if (rq->q_head == SCHED_NONE)
        rq->q_tail = SCHED_NONE;
    return i;
}

static void on_job_done(struct sim *sim, void *ctx, uint64_t tag);
static void run_cur(struct sched_rq *rq);

/* cur starts or stops polling on the core. */
static void set_spinning(struct sched_rq *rq, bool on)
{
    if (rq->spinning != on)
        timeavg_set(&rq->t[rq->cur].spun, sim_now(rq->core->srv.sim), on);
    rq->spinning = on;
}

static void spin(struct sched_rq *rq);

/* The next runnable thread takes the core, if one waits. A thread that
 * stopped spinning (its VM moved) and has no job leaves the queue. */
static void run_next(struct sched_rq *rq)
{
    rq->cur = SCHED_NONE;
    while (rq->q_head != SCHED_NONE) {
        uint32_t i = runq_pop(rq);

        if (thread_has_jobs(&rq->t[i]) || rq->t[i].spins) {
            rq->cur = i;
            run_cur(rq);
            return;
        }
        rq->t[i].runnable = false;
    }
}

/* cur's next job goes to the core; a spinner without one polls. */
static void dispatch(struct sched_rq *rq)
{
    struct sched_thread *t = &rq->t[rq->cur];

    if (rq->spin_armed) {
        sim_cancel(rq->core->srv.sim, rq->spin_end);
        rq->spin_armed = false;
    }
    set_spinning(rq, false);
    if (!thread_has_jobs(t)) {
        if (t->spins) {
            spin(rq);
            return;
        }
        t->runnable = false;
        rq->last = rq->cur;
        run_next(rq);
        return;
    }
    rq->running = job_take(t);
    fifo_server_submit(&rq->core->srv, rq->running.service, on_job_done, rq, 0);
}

/* The spinning cur gives the core to the longest-waiting thread and
 * waits its turn, runnable. */
static void spin_yield(struct sched_rq *rq)
{
    if (rq->spin_armed) {
        sim_cancel(rq->core->srv.sim, rq->spin_end);
        rq->spin_armed = false;
    }
    set_spinning(rq, false);
    rq->yield = false;
    runq_push(rq, rq->cur);
    rq->last = rq->cur;
    run_next(rq);
}

static void on_spin_end(struct sim *sim, void *ctx, const void *payload)
{
    struct sched_rq *rq = ctx;

    (void)sim;
    (void)payload;
    rq->spin_armed = false;
    spin_yield(rq);
}

/* cur polls with no job: alone, for as long as it likes; with others
 * waiting, until its slice ends, or at once when one woke and wake-up
 * preemption is on. */
static void spin(struct sched_rq *rq)
{
    sim_time now = sim_now(rq->core->srv.sim), end = rq->since + rq->p->slice;

    set_spinning(rq, true);
    if (rq->q_head == SCHED_NONE || rq->spin_armed)
        return;
    if (rq->yield || end <= now) {
        spin_yield(rq);
        return;
    }
    rq->spin_end = sim_schedule(rq->core->srv.sim, end - now, on_spin_end, rq, NULL, 0);
    rq->spin_armed = true;
}

static void on_switched(struct sim *sim, void *ctx, uint64_t tag)
{
    struct sched_rq *rq = ctx;

    (void)tag;
    if (rq->p->bill)
        rq->p->bill(rq->p->bill_ctx, rq->t[rq->cur].owner, rq->h->switch_cost);
    rq->since = sim_now(sim);
    dispatch(rq);
}

/* cur takes the core: a switch first when another thread ran last. */
static void run_cur(struct sched_rq *rq)
{
    if (rq->last != SCHED_NONE && rq->last != rq->cur) {
        rq->h->switches++;
        fifo_server_submit(&rq->core->srv, rq->h->switch_cost, on_switched, rq, 0);
        return;
    }
    rq->since = sim_now(rq->core->srv.sim);
    dispatch(rq);
}

static void on_woken(struct sim *sim, void *ctx, const void *payload)
{
    (void)sim;
    (void)payload;
    run_cur(ctx);
}

static void on_job_done(struct sim *sim, void *ctx, uint64_t tag)
{
    struct sched_rq *rq = ctx;
    struct sched_thread *t;
    struct fifo_job job = rq->running;
    bool keep;

    (void)tag;
    /* The callback may queue more work, for this thread or others. */
    if (job.done)
        job.done(sim, job.ctx, job.tag);
    t = &rq->t[rq->cur];
    keep = (thread_has_jobs(t) || t->spins) &&
           (rq->q_head == SCHED_NONE || (!rq->yield && sim_now(sim) - rq->since < rq->p->slice));
    if (keep) {
        dispatch(rq);
        return;
    }
    rq->yield = false;
    if (thread_has_jobs(t) || t->spins)
        runq_push(rq, rq->cur);
    else
        t->runnable = false;
    rq->last = rq->cur;
    run_next(rq);
}

static struct sched_rq *rq_new(const struct sched_policy *p, struct cpu_host *h,
                               struct cpu_core *core)
{
    struct sched_rq *rq = g_new0(struct sched_rq, 1);

    rq->p = p;
    rq->h = h;
    rq->core = core;
    rq->q_head = rq->q_tail = rq->cur = rq->last = SCHED_NONE;
    return rq;
}

/* A time-shared core: the job joins its thread's FIFO, and the thread
 * the run queue if it was not runnable. */
static __attribute__((noinline)) void shared_submit(const struct sched_policy *p,
                                                    struct cpu_host *h, struct cpu_core *core,
                                                    int owner, bool urgent, struct fifo_job job)
{
    struct sched_rq *rq = core->rq;
    struct sched_thread *t;
    sim_time lat;
    uint32_t i;

    if (!rq)
        rq = core->rq = rq_new(p, h, core);
    i = thread_find(rq, owner);
    t = &rq->t[i];
    job.enqueued = sim_now(core->srv.sim);
    job_ring_push(core->srv.sim, urgent ? &t->urgent : &t->ordinary, &job);
    if (t->runnable) {
        /* A spinner polling on the core sees its work at once. */
        if (rq->cur == i && rq->spinning)
            dispatch(rq);
        return;
    }
    t->runnable = true;
    if (rq->cur != SCHED_NONE) {
        runq_push(rq, i);
        rq->yield |= p->wakeup_preempt;
        /* Someone waits now: a spinner's slice starts to count. */
        if (rq->spinning)
            spin(rq);
        return;
    }
    rq->cur = i;
    lat = wake_latency(p, h, core, true, false);
    if (lat > 0)
        sim_schedule(core->srv.sim, lat, on_woken, rq, NULL, 0);
    else
        run_cur(rq);
}

/* Inline in both entry points: most jobs go to a core of their own, and
 * then the whole scheduler is a test or two before the core's server. */
static inline void submit(const struct sched_policy *p, struct cpu_host *h, struct cpu_core *core,
                          int owner, bool urgent, sim_time service, resource_done_fn done,
                          void *ctx, uint64_t tag)
{
    struct fifo_job job = { .service = service, .done = done, .ctx = ctx, .tag = tag };
    struct sched_rq *rq = core->rq;

    /* A core of its own: nothing to schedule. */
    if (core->n_threads <= 1 && (!rq || rq->cur == SCHED_NONE)) {
        own_submit(p, h, core, urgent, &job);
        return;
    }
    shared_submit(p, h, core, owner, urgent, job);
}

void sched_submit(const struct sched_policy *p, struct cpu_host *h, struct cpu_core *core,
                  int owner, sim_time service, resource_done_fn done, void *ctx, uint64_t tag)
{
    submit(p, h, core, owner, false, service, done, ctx, tag);
}

void sched_submit_urgent(const struct sched_policy *p, struct cpu_host *h, struct cpu_core *core,
                         int owner, sim_time service, resource_done_fn done, void *ctx,
                         uint64_t tag)
{
    submit(p, h, core, owner, true, service, done, ctx, tag);
}

void sched_spin(const struct sched_policy *p, struct cpu_host *h, struct cpu_core *core, int owner,
                bool on)
{
    struct sched_rq *rq = core->rq;
    struct sched_thread *t;
    uint32_t i;

    if (!rq && (!on || core->n_threads <= 1))
        return;
    if (!rq)
        rq = core->rq = rq_new(p, h, core);
    i = thread_find(rq, owner);
    t = &rq->t[i];
    t->spins = on;
    if (!on) {
        /* It stops polling: off the core now if it polls there; a queued
         * entry without work leaves when its turn comes (run_next). */
        if (rq->cur == i && rq->spinning)
            dispatch(rq);
        return;
    }
    if (t->runnable)
        return;
    t->runnable = true;
    if (rq->cur != SCHED_NONE) {
        runq_push(rq, i);
        if (rq->spinning)
            spin(rq);
        return;
    }
    rq->cur = i;
    rq->since = sim_now(core->srv.sim);
    dispatch(rq);
}

double sched_spin_share(const struct cpu_core *core, int owner)
{
    const struct sched_rq *rq = core->rq;

    for (unsigned i = 0; rq && i < rq->n; i++)
        if (rq->t[i].owner == owner && rq->t[i].spins)
            return timeavg_mean(&rq->t[i].spun, sim_now(core->srv.sim));
    return -1;
}

void sched_reset_stats(struct cpu_host *h)
{
    for (unsigned k = 0; k < h->n_cores; k++) {
        struct sched_rq *rq = h->cores[k].rq;

        for (unsigned i = 0; rq && i < rq->n; i++)
            timeavg_reset(&rq->t[i].spun, sim_now(h->cores[k].srv.sim));
    }
}

sim_time sched_timer_wake(const struct sched_policy *p, struct cpu_host *h, struct cpu_core *core)
{
    sim_time lat;

    if (!p->idle.menu || core->n_threads > 1 || (core->rq && core->rq->cur != SCHED_NONE) ||
        (core->sleep && core->sleep->waking))
        return 0;
    lat = wake_latency(p, h, core, false, true);
    if (lat > 0) {
        core->sleep->waking = true;
        core->sleep->has_first = false;
        sim_schedule(core->srv.sim, lat, on_core_woken, core, NULL, 0);
    }
    return lat;
}

void sched_release(struct cpu_host *h)
{
    for (unsigned k = 0; k < h->n_cores; k++) {
        struct sched_rq *rq = h->cores[k].rq;
        struct sched_sleep *s = h->cores[k].sleep;

        if (s) {
            job_ring_release(&s->urgent);
            job_ring_release(&s->ordinary);
            g_free(s);
            h->cores[k].sleep = NULL;
        }
        if (!rq)
            continue;
        for (unsigned i = 0; i < rq->n; i++) {
            job_ring_release(&rq->t[i].urgent);
            job_ring_release(&rq->t[i].ordinary);
        }
        g_free(rq->t);
        g_free(rq);
        h->cores[k].rq = NULL;
    }
}

void sched_policy_from_scenario(struct sched_policy *p, const struct scenario *sc)
{
    const char *placement = scenario_str(sc, "host.backend_placement");

    memset(p, 0, sizeof(*p));
    p->slice = scenario_time(sc, "host.sched_slice");
    idle_model_from_scenario(&p->idle, sc);
    p->wakeup_preempt = scenario_bool(sc, "host.sched_wakeup_preempt");
    p->placement = g_strcmp0(placement, "pinned") == 0   ? SCHED_PINNED
                   : g_strcmp0(placement, "shared") == 0 ? SCHED_SHARED
                                                         : SCHED_SPREAD;
}
