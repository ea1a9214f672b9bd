/* Tests for the host scheduler (models/host/sched.c): paravirtual guests
 * that time-share cores slow down as guests are added, and pinned ones do
 * not; a backend sharing its vCPU's core is another thread (a switch each
 * way); on the run queue alone, with exact times, EEVDF's rules: a woken
 * thread preempts only when it would be picked (it owes CPU), placement
 * keeps a sleeper's lag, CPU-bound threads share equally and a thread
 * that sleeps between bursts gets half the core over its runnable time,
 * within the lag bound; urgent jobs go first; the slice scales with the
 * cores; and a placement the host cannot give is refused in one line. */
#include <math.h>
#include <string.h>

#include <glib.h>

#include "../models/host/sched.h"
#include "report.h"
#include "sim.h"
#include "testlib.h"

static struct report *run_body(const char *body)
{
    g_autofree char *ini = g_strdup_printf("[scenario]\nname = t\nmodel = net\n"
                                           "duration = 6ms\nwarmup = 1ms\n%s",
                                           body);

    return test_run_ini(ini, 1);
}

/* One VM's request/response round trip with @vms virtio VMs on the host. */
static double vm0_rtt(const char *host, unsigned vms)
{
    g_autofree char *body = g_strdup_printf("[io]\nstrategy = virtio\n[vm]\ncount = %u\n"
                                            "[host]\n%s\n[workload]\ntype = rr\n",
                                            vms, host);
    struct report *r = run_body(body);
    double rtt = test_value(r, "vm0", "rtt_mean");

    g_test_message("%s, %u VMs: vm0 rtt %.3g us", host, vms, rtt * 1e6);
    report_free(r);
    return rtt;
}

/* Every vCPU and backend on one core: each VM's round trip waits for the
 * other VMs' threads. Pinned (a core per vCPU, one per backend): flat. */
static void test_guests_per_core(void)
{
    const char *shared = "cores = 1\npin_vcpus = false\nbackend_placement = shared";
    const char *pinned = "cores = 8\nbackend_placement = pinned";
    double s1 = vm0_rtt(shared, 1), s4 = vm0_rtt(shared, 4);
    double p1 = vm0_rtt(pinned, 1), p4 = vm0_rtt(pinned, 4);

    g_assert_cmpfloat(s4, >, 2.0 * s1);
    g_assert_cmpfloat(fabs(p4 / p1 - 1), <, 0.05);
}

/* A backend on its own vCPU's core is a thread of its own: the core
 * switches between the two (it used to count as the vCPU's work). The
 * cores never sleep (host.idle_max = poll): under host.idle = menu the
 * spread backend's own core would pay C1 exits that the shared core, too
 * busy to sleep, does not, and the comparison would be of those. */
static void test_backend_is_a_thread(void)
{
    struct report *shared = run_body("[io]\nstrategy = virtio\n[host]\nbackend_placement = shared\n"
                                     "idle_max = poll\n[workload]\ntype = rr\n");
    struct report *spread =
        run_body("[io]\nstrategy = virtio\n[host]\nidle_max = poll\n[workload]\ntype = rr\n");

    g_assert_cmpfloat(test_all(shared, "context_switches"), >, test_all(shared, "transactions"));
    g_assert_cmpfloat(test_all(spread, "context_switches"), ==, 0);
    g_assert_cmpfloat(test_all(shared, "rtt_mean"), >, test_all(spread, "rtt_mean"));
    report_free(shared);
    report_free(spread);
}

/* The run queue on its own, one core: threads whose jobs queue the next
 * (CPU-bound) until @stop, threads woken by events, and what each got.
 * The core pays no idle exit (C1 exits in 0 us) unless a test sets one. */
#define RIG_THREADS 4

struct rig {
    struct sim *sim;
    struct sched_policy p;
    struct cpu_host cpu;
    sim_time job[RIG_THREADS];  /* the service of each thread's jobs */
    sim_time used[RIG_THREADS]; /* service of its jobs done */
    sim_time done[RIG_THREADS]; /* its last job ended */
    sim_time stop;              /* CPU-bound threads queue no job after this */
    /* The sleeper: after each job it sleeps @nap, then has one more. */
    sim_time nap, woke, runnable;
};

static void rig_init(struct rig *r, sim_time slice, bool preempt, double switch_cycles)
{
    memset(r, 0, sizeof(*r));
    r->sim = sim_new(1);
    r->p.slice = slice;
    r->p.wakeup_preempt = preempt;
    idle_model_c1(&r->p.idle, 0);
    r->p.idle.menu = false;
    /* 2.1 GHz: 2,100 cycles of switch are 1 us. */
    cpu_host_init(&r->cpu, r->sim, 1, 2.1e9, switch_cycles);
    r->cpu.cores[0].n_threads = 2;
}

static void rig_release(struct rig *r)
{
    sched_release(&r->cpu);
    cpu_host_release(&r->cpu);
    sim_free(r->sim);
}

static void rig_submit(struct rig *r, int owner, resource_done_fn done)
{
    sched_submit(&r->p, &r->cpu, &r->cpu.cores[0], owner, r->job[owner], done, r, (uint64_t)owner);
}

static void job_done(struct sim *sim, void *ctx, uint64_t tag)
{
    struct rig *r = ctx;

    r->used[tag] += r->job[tag];
    r->done[tag] = sim_now(sim);
}

static void busy_done(struct sim *sim, void *ctx, uint64_t tag)
{
    struct rig *r = ctx;

    job_done(sim, ctx, tag);
    if (sim_now(sim) < r->stop)
        rig_submit(r, (int)tag, busy_done);
}

/* An event whose payload is the thread that gets one job now. */
static void wake_one(struct sim *sim, void *ctx, const void *payload)
{
    (void)sim;
    rig_submit(ctx, *(const int *)payload, job_done);
}

static void rig_wake_at(struct rig *r, sim_time after, int owner)
{
    sim_schedule(r->sim, after, wake_one, r, &owner, sizeof(owner));
}

/* Wake-up preemption (EEVDF, check_preempt_wakeup()): thread 1 always has
 * work (1 us jobs); thread 2 wakes at 10.5 us and at 1.5005 ms with one
 * job. The first time it has no lag (it never ran): placed at V beside
 * thread 1, which is eligible and within the request it was picked for,
 * so thread 1 keeps the core until that request (1 ms of its CPU) ends,
 * with or without wake-up preemption. Thread 2 then runs, having waited,
 * and blocks owing: its lag is kept. The second time it is placed that
 * far behind V, thread 1 is no longer eligible, and with preemption
 * thread 2 takes the core at the end of thread 1's job; without, it waits
 * for thread 1's next request to end. */
static void preempt_times(bool preempt, sim_time *first, sim_time *second)
{
    struct rig r;

    rig_init(&r, SIM_MS, preempt, 2100);
    /* Waking the idle core costs 2 us (C1's exit, host.idle = legacy). */
    idle_model_c1(&r.p.idle, 2 * SIM_US);
    r.p.idle.menu = false;
    r.job[1] = r.job[2] = SIM_US;
    r.stop = 5 * SIM_MS;
    rig_submit(&r, 1, busy_done);
    rig_wake_at(&r, 10 * SIM_US + SIM_US / 2, 2);
    sim_run_until(r.sim, 1200 * SIM_US);
    *first = r.done[2];
    rig_wake_at(&r, 300 * SIM_US + SIM_US / 2, 2);
    sim_run_until(r.sim, 10 * SIM_MS);
    *second = r.done[2];
    rig_release(&r);
}

static void test_wakeup_preemption(void)
{
    sim_time first, second;

    /* Thread 1 starts at 2 us (the exit) and its request ends with the job
     * that ends at 1.002 ms; then a 1 us switch and the woken job. Thread
     * 2 blocks at 1.004 ms with a lag of half the gap between them,
     * (1 ms - 10.5 us) / 2 = 494.75 us; at its second wake-up thread 1 is
     * at 1.4965 ms of vruntime and thread 2 goes 2 x 494.75 us behind
     * (the lag scaled for its own weight in V): thread 1, above the new V,
     * is ineligible. Its job in progress ends at 1.501 ms, then a switch
     * and the job: 1.503 ms. */
    preempt_times(true, &first, &second);
    g_assert_cmpint(first, ==, 1004 * SIM_US);
    g_assert_cmpint(second, ==, 1503 * SIM_US);
    /* Without preemption thread 1's second request, which began with its
     * switch back at 1.004 ms, ends at 2.004 ms: then switch and job. */
    preempt_times(false, &first, &second);
    g_assert_cmpint(first, ==, 1004 * SIM_US);
    g_assert_cmpint(second, ==, 2006 * SIM_US);
}

/* Placement keeps a sleeper's lag (place_entity(), PLACE_LAG). Threads 1
 * and 3 are CPU-bound (1 us jobs, 1 ms requests, no switch cost, no
 * wake-up preemption) and alternate: 1 on [0, 1) ms, 3 on [1, 2), and so
 * on. Thread 2 wakes at 4.5 ms with no lag: placed at V = (2.5 + 2) / 2
 * ms, deadline 3.25 ms, behind thread 3's 3 ms, which runs next; at 6 ms
 * threads 1 and 3 are at 3 ms, above V, and thread 2 runs its job and
 * blocks about 0.5 ms behind V. Woken again at 6.5 ms while thread 1 runs
 * (its request began after that job, at 6.001 ms), it is placed that lag
 * behind V (scaled by 3/2: about 2.5 ms, deadline 3.5 ms), and when
 * thread 1's request ends at 7.001 ms it goes before thread 3 (deadline
 * 4 ms), which waited longer but ran: done at 7.002 ms. In FIFO order it
 * would wait for thread 3's request too. */
static void test_sleeper_placed_by_lag(void)
{
    struct rig r;

    rig_init(&r, SIM_MS, false, 0);
    r.job[1] = r.job[2] = r.job[3] = SIM_US;
    r.stop = 20 * SIM_MS;
    rig_submit(&r, 1, busy_done);
    rig_submit(&r, 3, busy_done);
    rig_wake_at(&r, 4500 * SIM_US, 2);
    sim_run_until(r.sim, 6200 * SIM_US);
    g_assert_cmpint(r.done[2], ==, 6001 * SIM_US);
    rig_wake_at(&r, 300 * SIM_US, 2);
    sim_run_until(r.sim, 10 * SIM_MS);
    g_assert_cmpint(r.done[2], ==, 7002 * SIM_US);
    rig_release(&r);
}

/* Fairness as a consequence: three CPU-bound threads with jobs of 1, 3
 * and 7 us, all woken at 0, share the core for 0.3 s. EEVDF keeps every
 * thread's lag (V - its vruntime, here its CPU time, no switch cost)
 * within its request plus the job that overruns it, so two threads' CPU
 * times differ by at most twice that, and by one more job, the one in
 * progress at the end, not counted. */
static void test_cpu_bound_share_equally(void)
{
    const sim_time slice = SIM_MS, job_max = 7 * SIM_US;
    struct rig r;

    rig_init(&r, slice, true, 0);
    r.job[1] = SIM_US;
    r.job[2] = 3 * SIM_US;
    r.job[3] = job_max;
    r.stop = 300 * SIM_MS;
    for (int k = 1; k <= 3; k++)
        rig_submit(&r, k, busy_done);
    sim_run_until(r.sim, r.stop);
    g_test_message("CPU in 0.3 s: %.4g, %.4g, %.4g ms", r.used[1] / 1e9, r.used[2] / 1e9,
                   r.used[3] / 1e9);
    for (int k = 1; k <= 3; k++) {
        g_assert_cmpint(r.used[k], >, 0);
        for (int j = 1; j <= 3; j++)
            g_assert_cmpint(ABS(r.used[k] - r.used[j]), <=, 2 * (slice + job_max) + job_max);
    }
    rig_release(&r);
}

/* The sleeper of test_sleeper_keeps_half: its job ends, it blocks; it
 * wakes @nap later with the next. Counts the time it is runnable. */
static void nap_wake(struct sim *sim, void *ctx, const void *payload);

static void nap_done(struct sim *sim, void *ctx, uint64_t tag)
{
    struct rig *r = ctx;

    job_done(sim, ctx, tag);
    r->runnable += sim_now(sim) - r->woke;
    if (sim_now(sim) < r->stop)
        sim_schedule(sim, r->nap, nap_wake, r, NULL, 0);
}

static void nap_wake(struct sim *sim, void *ctx, const void *payload)
{
    struct rig *r = ctx;

    (void)payload;
    r->woke = sim_now(sim);
    rig_submit(r, 2, nap_done);
}

/* The regime that split identical VMs under FIFO hand-out: thread 2 runs
 * 10 us, sleeps 5 us, runs again (a kick per packet), beside CPU-bound
 * thread 1 (1 us jobs), 1 ms requests, no switch cost. Its lag survives
 * the sleeps, so over the time both are runnable each gets half the
 * core (EEVDF's fairness: lag bounded by a request and a job), though it
 * blocks about 8,000 times. FIFO order made it wait out thread 1's slice
 * at each wake-up (1% of the core); wake-up preemption on any wake-up gave
 * it the core at once each time (nearly all of its runnable time). */
static void test_sleeper_keeps_half(void)
{
    const sim_time slice = SIM_MS;
    struct rig r;

    rig_init(&r, slice, true, 0);
    r.job[1] = SIM_US;
    r.job[2] = 10 * SIM_US;
    r.nap = 5 * SIM_US;
    r.stop = 200 * SIM_MS;
    rig_submit(&r, 1, busy_done);
    sim_schedule(r.sim, 0, nap_wake, &r, NULL, 0);
    sim_run_until(r.sim, r.stop + SIM_MS);
    g_test_message("sleeper: %.4g ms of CPU, runnable %.4g ms; CPU-bound: %.4g ms", r.used[2] / 1e9,
                   r.runnable / 1e9, r.used[1] / 1e9);
    g_assert_cmpint(ABS(2 * r.used[2] - r.runnable), <=, 2 * (slice + r.job[2]));
    rig_release(&r);
}

/* A thread's urgent jobs on a time-shared core: thread 1 runs a 1 us job
 * and has three ordinary jobs queued; at 0.5 us an urgent job of thread 1
 * arrives. It runs when the job in service ends (1 us), before the three
 * that waited: done at 2 us. */
struct lane {
    struct sched_policy p;
    struct cpu_host cpu;
    sim_time urgent_done, last_done;
};

static void lane_ordinary_done(struct sim *sim, void *ctx, uint64_t tag)
{
    (void)tag;
    ((struct lane *)ctx)->last_done = sim_now(sim);
}

static void lane_urgent_done(struct sim *sim, void *ctx, uint64_t tag)
{
    (void)tag;
    ((struct lane *)ctx)->urgent_done = sim_now(sim);
}

static void lane_interrupt(struct sim *sim, void *ctx, const void *payload)
{
    struct lane *l = ctx;

    (void)sim;
    (void)payload;
    sched_submit_urgent(&l->p, &l->cpu, &l->cpu.cores[0], 1, SIM_US, lane_urgent_done, l, 0);
}

static void test_urgent_lane(void)
{
    struct sim *sim = sim_new(1);
    struct lane l = { .p = { .slice = 1 * SIM_MS } };

    cpu_host_init(&l.cpu, sim, 1, 2.1e9, 2100);
    l.cpu.cores[0].n_threads = 2;
    for (int k = 0; k < 4; k++)
        sched_submit(&l.p, &l.cpu, &l.cpu.cores[0], 1, SIM_US, lane_ordinary_done, &l, 0);
    sim_schedule(sim, SIM_US / 2, lane_interrupt, &l, NULL, 0);
    sim_run_until(sim, SIM_MS);
    g_assert_cmpint(l.urgent_done, ==, 2 * SIM_US);
    g_assert_cmpint(l.last_done, ==, 5 * SIM_US);
    sched_release(&l.cpu);
    cpu_host_release(&l.cpu);
    sim_free(sim);
}

/* The slice is host.sched_slice (Linux's 0.75 ms base) scaled as the
 * kernel scales it by the CPUs it has: 1 + ilog2 of their number, capped
 * at 8. */
static void test_slice_scaled_by_cores(void)
{
    const struct {
        int cores;
        sim_time slice;
    } c[] = { { 1, 750 * SIM_US },  { 2, 1500 * SIM_US }, { 3, 1500 * SIM_US },
              { 4, 2250 * SIM_US }, { 7, 2250 * SIM_US }, { 8, 3 * SIM_MS },
              { 64, 3 * SIM_MS } };

    for (size_t k = 0; k < G_N_ELEMENTS(c); k++) {
        g_autofree char *ini = g_strdup_printf("[scenario]\nname = t\nmodel = net\n[host]\n"
                                               "cores = %d\npin_vcpus = false\n",
                                               c[k].cores);
        struct scenario *sc = test_load(ini);
        struct sched_policy p;

        sched_policy_from_scenario(&p, sc);
        g_assert_cmpint(p.slice, ==, c[k].slice);
        scenario_free(sc);
    }
}

static void test_pinned_needs_cores(void)
{
    test_expect_refused("[scenario]\nmodel = net\n[vm]\ncount = 3\n[host]\ncores = 5\n"
                        "backend_placement = pinned\n",
                        "t.ini:7: key 'host.backend_placement'", "a core per VM");
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/sched/guests-per-core", test_guests_per_core);
    g_test_add_func("/sched/backend-is-a-thread", test_backend_is_a_thread);
    g_test_add_func("/sched/wakeup-preemption", test_wakeup_preemption);
    g_test_add_func("/sched/sleeper-placed-by-lag", test_sleeper_placed_by_lag);
    g_test_add_func("/sched/cpu-bound-share-equally", test_cpu_bound_share_equally);
    g_test_add_func("/sched/sleeper-keeps-half", test_sleeper_keeps_half);
    g_test_add_func("/sched/urgent-lane", test_urgent_lane);
    g_test_add_func("/sched/slice-scaled-by-cores", test_slice_scaled_by_cores);
    g_test_add_func("/sched/pinned-needs-cores", test_pinned_needs_cores);
    return g_test_run();
}
