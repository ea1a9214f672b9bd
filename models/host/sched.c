/* Run queues for the host's time-shared cores, ordered by Linux's fair
 * scheduler as EEVDF has it since v6.6 (kernel/sched/fair.c, all threads
 * at nice 0). Each thread on such a core has its own FIFO of jobs and a
 * virtual runtime that its time on the core advances (its jobs, its switch
 * in, its polling). V is the runnable threads' mean vruntime; a thread is
 * eligible at or below it, and the core goes to the eligible thread with
 * the earliest virtual deadline, its vruntime when its request (a slice,
 * host.sched_slice scaled as the kernel scales it) ends. The thread on
 * the core keeps it until it blocks (no job left), its request is used up
 * while others are runnable, or (host.sched_wakeup_preempt) a woken thread
 * is what EEVDF would pick now: the running one is no longer eligible or
 * past the request it got the core for (RUN_TO_PARITY). A thread that
 * blocks keeps its lag, V minus its vruntime, within two slices, and
 * wakes that far from V (PLACE_LAG), so sleeping neither earns nor
 * forfeits CPU. Each hand-over to another thread costs a context switch.
 * Jobs are never preempted inside: a job is one step of a packet or
 * request, microseconds long, against a slice of milliseconds, so a
 * request ends, and a preemption takes effect, at the end of a job. A
 * thread's urgent jobs (its interrupt and softirq work) run before its
 * ordinary ones; they do not make a waiting thread preempt the running one.
 * A core that idles past its idle_spin sleeps; the first job to find it
 * asleep starts after the exit latency of the state its governor chose
 * (idle.c), on either kind of core, and jobs that come meanwhile queue
 * behind it in their order. The exit occupies no server: it is not CPU.
 * A spinning thread (a poll-mode driver's vCPU, sched_spin()) never
 * blocks: with no job it holds the core and polls until its request is
 * used up while others are runnable, or a woken thread preempts it.
 * Left out: weights (nice levels, cgroups), the tick (a request's end is
 * seen at the end of a job, not at the next tick), NEXT_BUDDY, fork
 * placement (PLACE_DEADLINE_INITIAL), migration between cores, SMT, and
 * later kernels' changes (DELAY_DEQUEUE, PREEMPT_SHORT, 6.12). A core
 * with one thread is a plain FIFO server and none of this runs.
 * Defaults: host_params.c; sources: docs/sources.md#linux-sched. */
#include "sched.h"

#include <string.h>

#include <glib.h>

#include "../hv/halt_poll.h"

#define SCHED_NONE UINT32_MAX

/* One thread placed on a time-shared core, and its EEVDF state (Linux
 * v6.6 kernel/sched/fair.c, every thread at nice 0, so virtual time runs
 * at the rate of CPU time). */
struct sched_thread {
    int owner;
    bool runnable;       /* in the run queue, or holding the core */
    bool spins;          /* polls when it has no job: never blocks */
    struct timeavg spun; /* 1 while it holds the core polling */
    struct job_ring urgent, ordinary;
    sim_time vruntime; /* its time on the core, from where it was placed */
    sim_time deadline; /* vruntime at which its current request (a slice) ends */
    sim_time picked;   /* deadline when it last got the core (RUN_TO_PARITY) */
    sim_time vlag;     /* V - vruntime when it last blocked, clamped */
    uint64_t seq;      /* it joined the competition: ties go to the earlier */
};

struct sched_rq {
    const struct sched_policy *p;
    struct cpu_host *h;
    struct cpu_core *core;
    struct sched_thread *t;
    unsigned n, cap;
    unsigned nr_running;     /* runnable threads, cur among them */
    uint32_t cur;            /* holding (or waking onto) the core, or NONE */
    uint32_t last;           /* ran last, or NONE */
    bool yield;              /* cur gives way at the end of this job (resched_curr) */
    bool on_cpu;             /* cur holds the core: its time there counts */
    bool spinning;           /* cur spins: it holds the core with no job */
    bool spin_armed;         /* spin_end is pending */
    sim_event_id spin_end;   /* the spinning cur's request ends */
    sim_time exec_start;     /* cur's time on the core is counted up to here */
    sim_time min_vruntime;   /* never goes back; V of an empty queue */
    sim_time vsum;           /* the runnable threads' vruntime - min_vruntime, summed */
    sim_time lo;             /* the least vruntime of a runnable thread, or SIM_TIME_MAX */
    uint64_t seq;            /* counts threads joining the competition */
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
    sim_time idle, since, now = sim_now(core->srv.sim), spin = core->idle_spin;
    unsigned state;

    /* A halted vCPU's core: KVM polls for the vCPU's window, and the
     * halt's end adapts it (hv/halt_poll.c). */
    if (core->halt)
        spin = halt_poll_end(core->halt, core->srv.idle_since, now);
    since = MAX(core->srv.idle_since, core->sleep ? core->sleep->awake_at : 0);
    idle = now - since;
    if (idle <= spin)
        return 0;
    if (!core->sleep)
        core->sleep = g_new0(struct sched_sleep, 1);
    state = idle_sleep(&p->idle, &core->sleep->hist, since + spin, now, timer);
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
    return rq->n++;
}

/* The least vruntime of the runnable threads, looked for again only when
 * the thread that had it ran or left (vsum and lo are kept as they change,
 * not recomputed per job: a core may hold tens of threads). */
static void lo_rescan(struct sched_rq *rq)
{
    rq->lo = SIM_TIME_MAX;
    for (unsigned i = 0; i < rq->n; i++)
        if (rq->t[i].runnable)
            rq->lo = MIN(rq->lo, rq->t[i].vruntime);
}

/* min_vruntime follows the least vruntime of the runnable threads up,
 * never down (update_min_vruntime()). */
static void update_min_vruntime(struct sched_rq *rq)
{
    if (rq->lo != SIM_TIME_MAX && rq->lo > rq->min_vruntime) {
        rq->vsum -= (sim_time)rq->nr_running * (rq->lo - rq->min_vruntime);
        rq->min_vruntime = rq->lo;
    }
}

/* V, the runnable threads' mean vruntime, rounded down; min_vruntime
 * when none is runnable (avg_vruntime()). */
static sim_time avg_vruntime(const struct sched_rq *rq)
{
    sim_time sum = rq->vsum, n = rq->nr_running;

    if (n == 0)
        return rq->min_vruntime;
    if (sum < 0)
        sum -= n - 1;
    return rq->min_vruntime + sum / n;
}

/* cur's time on the core since exec_start goes to its vruntime
 * (update_curr()); a request used up is followed by the next, and with
 * others runnable cur gives way (update_deadline()). */
static void update_curr(struct sched_rq *rq)
{
    sim_time now = sim_now(rq->core->srv.sim);
    struct sched_thread *t;
    bool was_lo;

    if (rq->cur == SCHED_NONE || !rq->on_cpu)
        return;
    t = &rq->t[rq->cur];
    was_lo = t->vruntime == rq->lo;
    t->vruntime += now - rq->exec_start;
    rq->vsum += now - rq->exec_start;
    rq->exec_start = now;
    if (t->vruntime >= t->deadline) {
        t->deadline = t->vruntime + rq->p->slice;
        rq->yield |= rq->nr_running > 1;
    }
    if (was_lo)
        lo_rescan(rq);
    update_min_vruntime(rq);
}

/* Thread @i wakes: it starts its lag behind V, the lag scaled so that it
 * is still its lag once it counts in V, and asks for a slice
 * (place_entity() with PLACE_LAG; a thread waking onto an empty queue
 * starts at V with no lag). */
static void place(struct sched_rq *rq, uint32_t i)
{
    struct sched_thread *t = &rq->t[i];
    sim_time lag = 0, n = rq->nr_running;

    if (n > 0)
        lag = t->vlag * (n + 1) / n;
    t->vruntime = avg_vruntime(rq) - lag;
    t->deadline = t->vruntime + rq->p->slice;
    rq->vsum += t->vruntime - rq->min_vruntime;
    rq->lo = MIN(rq->lo, t->vruntime);
    t->runnable = true;
    t->seq = ++rq->seq;
    rq->nr_running++;
}

/* Thread @i blocks: it keeps its lag, at most two slices or a tick either
 * way (update_entity_lag()). */
static void dequeue(struct sched_rq *rq, uint32_t i)
{
    struct sched_thread *t = &rq->t[i];
    sim_time limit = MAX(2 * rq->p->slice, rq->p->idle.tick);

    t->vlag = CLAMP(avg_vruntime(rq) - t->vruntime, -limit, limit);
    rq->vsum -= t->vruntime - rq->min_vruntime;
    t->runnable = false;
    rq->nr_running--;
    if (t->vruntime == rq->lo)
        lo_rescan(rq);
    update_min_vruntime(rq);
}

/* Thread @a goes before @b: an earlier deadline; on a tie, cur when a
 * wake-up asks (@wakeup), else the one that joined first. */
static bool earlier(const struct sched_rq *rq, uint32_t a, uint32_t b, bool wakeup)
{
    const struct sched_thread *x = &rq->t[a], *y = &rq->t[b];

    if (x->deadline != y->deadline)
        return x->deadline < y->deadline;
    if (wakeup && (a == rq->cur || b == rq->cur))
        return a == rq->cur;
    return x->seq < y->seq;
}

/*
 * pick - the thread EEVDF runs (pick_eevdf()): of the eligible ones (a
 * vruntime of at most V, so no negative lag), the one whose deadline is
 * earliest. @wakeup: asked for a wake-up, with cur on the core; cur stays
 * while it is eligible and in the request it was picked for
 * (RUN_TO_PARITY), and wins ties.
 */
static uint32_t pick(const struct sched_rq *rq, bool wakeup)
{
    sim_time sum = rq->vsum, n = rq->nr_running;
    uint32_t best = SCHED_NONE;

    if (wakeup) {
        const struct sched_thread *c = &rq->t[rq->cur];

        if ((c->vruntime - rq->min_vruntime) * n <= sum) {
            if (c->deadline == c->picked)
                return rq->cur;
            best = rq->cur;
        }
    }
    for (unsigned i = 0; i < rq->n; i++) {
        const struct sched_thread *t = &rq->t[i];

        if (!t->runnable || (wakeup && i == rq->cur) || (t->vruntime - rq->min_vruntime) * n > sum)
            continue;
        if (best == SCHED_NONE || earlier(rq, i, best, wakeup))
            best = i;
    }
    g_assert(best != SCHED_NONE);
    return best;
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
static void dispatch(struct sched_rq *rq);

/* Thread @i gets the core (set_next_entity()), keeping its deadline to
 * tell whether it is still in the request it got the core for. */
static void set_cur(struct sched_rq *rq, uint32_t i)
{
    rq->cur = i;
    rq->t[i].picked = rq->t[i].deadline;
}

/* cur blocked: the thread EEVDF picks takes the core, if one is runnable. */
static void run_next(struct sched_rq *rq)
{
    rq->cur = SCHED_NONE;
    rq->on_cpu = false;
    if (rq->nr_running == 0)
        return;
    set_cur(rq, pick(rq, false));
    run_cur(rq);
}

/* cur has nothing to do: it leaves the run queue. */
static void block(struct sched_rq *rq)
{
    update_curr(rq);
    dequeue(rq, rq->cur);
    rq->yield = false;
    rq->last = rq->cur;
    run_next(rq);
}

/* cur gives way (schedule()): back among the runnable threads, and the
 * one EEVDF picks takes the core, which may be cur again. */
static void resched(struct sched_rq *rq)
{
    uint32_t prev = rq->cur;

    rq->yield = false;
    rq->t[prev].seq = ++rq->seq;
    set_cur(rq, pick(rq, false));
    if (rq->cur == prev) {
        dispatch(rq);
        return;
    }
    rq->last = prev;
    run_cur(rq);
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
        if (t->spins)
            spin(rq);
        else
            block(rq);
        return;
    }
    rq->running = job_take(t);
    fifo_server_submit(&rq->core->srv, rq->running.service, on_job_done, rq, 0);
}

/* The spinning cur gives way, runnable. */
static void spin_yield(struct sched_rq *rq)
{
    if (rq->spin_armed) {
        sim_cancel(rq->core->srv.sim, rq->spin_end);
        rq->spin_armed = false;
    }
    set_spinning(rq, false);
    resched(rq);
}

static void on_spin_end(struct sim *sim, void *ctx, const void *payload)
{
    struct sched_rq *rq = ctx;

    (void)sim;
    (void)payload;
    rq->spin_armed = false;
    update_curr(rq);
    spin_yield(rq);
}

/* cur polls with no job: alone, for as long as it likes; with others
 * runnable, until its request is used up, or at once when a woken thread
 * preempts it. */
static void spin(struct sched_rq *rq)
{
    struct sched_thread *t = &rq->t[rq->cur];

    set_spinning(rq, true);
    if (rq->nr_running <= 1)
        return;
    update_curr(rq);
    if (rq->yield) {
        spin_yield(rq);
        return;
    }
    if (rq->spin_armed)
        return;
    rq->spin_end =
        sim_schedule(rq->core->srv.sim, t->deadline - t->vruntime, on_spin_end, rq, NULL, 0);
    rq->spin_armed = true;
}

static void on_switched(struct sim *sim, void *ctx, uint64_t tag)
{
    struct sched_rq *rq = ctx;

    (void)sim;
    (void)tag;
    if (rq->p->bill)
        rq->p->bill(rq->p->bill_ctx, rq->t[rq->cur].owner, rq->h->switch_cost);
    dispatch(rq);
}

/* cur takes the core: a switch first when another thread ran last, which
 * counts as its time there. */
static void run_cur(struct sched_rq *rq)
{
    rq->on_cpu = true;
    rq->exec_start = sim_now(rq->core->srv.sim);
    if (rq->last != SCHED_NONE && rq->last != rq->cur) {
        rq->h->switches++;
        fifo_server_submit(&rq->core->srv, rq->h->switch_cost, on_switched, rq, 0);
        return;
    }
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

    (void)tag;
    /* The callback may queue more work, for this thread or others. */
    if (job.done)
        job.done(sim, job.ctx, job.tag);
    t = &rq->t[rq->cur];
    update_curr(rq);
    if (rq->yield && (thread_has_jobs(t) || t->spins))
        resched(rq);
    else
        dispatch(rq);
}

static struct sched_rq *rq_new(const struct sched_policy *p, struct cpu_host *h,
                               struct cpu_core *core)
{
    struct sched_rq *rq = g_new0(struct sched_rq, 1);

    rq->p = p;
    rq->h = h;
    rq->core = core;
    rq->cur = rq->last = SCHED_NONE;
    rq->lo = SIM_TIME_MAX;
    return rq;
}

/* Thread @i becomes runnable (enqueue_entity()): placed by its lag; with
 * a thread on the core, it preempts it at the end of its job when EEVDF
 * would pick it now and host.sched_wakeup_preempt allows
 * (check_preempt_wakeup()). Returns whether the core was free, for the
 * caller to start @i there. */
static bool wake(struct sched_rq *rq, uint32_t i)
{
    update_curr(rq);
    place(rq, i);
    if (rq->cur == SCHED_NONE)
        return true;
    if (rq->p->wakeup_preempt && pick(rq, true) == i)
        rq->yield = true;
    if (rq->spinning)
        spin(rq);
    return false;
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
    if (!wake(rq, i))
        return;
    set_cur(rq, i);
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

bool sched_core_free(const struct cpu_core *core)
{
    return core->n_threads <= 1 && !core->rq && core->srv.busy == 0 &&
           !(core->sleep && core->sleep->waking);
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
        /* It stops polling: off the core now if it polls there, out of
         * the run queue if it waits there with no job. */
        if (rq->cur == i) {
            if (rq->spinning)
                dispatch(rq);
        } else if (t->runnable && !thread_has_jobs(t)) {
            update_curr(rq);
            dequeue(rq, i);
        }
        return;
    }
    if (t->runnable || !wake(rq, i))
        return;
    /* Onto a free core: it polls there at once. */
    set_cur(rq, i);
    rq->on_cpu = true;
    rq->exec_start = sim_now(core->srv.sim);
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

    /* The timer ends a halted vCPU's halt, which adapts its polling
     * window whether or not its core sleeps. */
    if (core->halt && core->srv.busy == 0)
        halt_poll_end(core->halt, core->srv.idle_since, sim_now(core->srv.sim));
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
    int64_t cpus;

    memset(p, 0, sizeof(*p));
    /* Linux scales its base slice by 1 + ilog2 of the CPU count, the count
     * capped at 8 (SCHED_TUNABLESCALING_LOG, get_update_sysctl_factor()). */
    cpus = MIN(scenario_int(sc, "host.cores"), 8);
    p->slice = scenario_time(sc, "host.sched_slice") * g_bit_storage(cpus);
    idle_model_from_scenario(&p->idle, sc);
    p->wakeup_preempt = scenario_bool(sc, "host.sched_wakeup_preempt");
    p->placement = g_strcmp0(placement, "pinned") == 0   ? SCHED_PINNED
                   : g_strcmp0(placement, "shared") == 0 ? SCHED_SHARED
                                                         : SCHED_SPREAD;
}
