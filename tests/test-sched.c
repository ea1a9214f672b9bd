/* Tests for the host scheduler (models/host/sched.c): paravirtual guests
 * that time-share cores slow down as guests are added, and pinned ones do
 * not; a woken thread waits out the running one's slice unless wake-up
 * preemption lets it in (exact times on the run queue alone); a backend
 * sharing its vCPU's core is another thread (a switch each way); and a
 * placement the host cannot give is refused in one line. */
#include <math.h>

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

/* The run queue on its own: thread 1 always has work (each job's end
 * queues the next, 1 us each); thread 2 wakes at 10 us with one job.
 * Without wake-up preemption it waits out thread 1's slice; with it, only
 * the end of thread 1's current job; either way it pays the wake-up
 * latency only if the core was idle (it was not) and one switch. */
struct busy {
    struct sched_policy p;
    struct cpu_host cpu;
    sim_time woken_done;
};

static void busy_next(struct sim *sim, void *ctx, uint64_t tag)
{
    struct busy *b = ctx;

    if (sim_now(sim) < 5 * SIM_MS)
        sched_submit(&b->p, &b->cpu, &b->cpu.cores[0], 1, SIM_US, busy_next, b, tag);
}

static void woken_done(struct sim *sim, void *ctx, uint64_t tag)
{
    (void)tag;
    ((struct busy *)ctx)->woken_done = sim_now(sim);
}

static void wake_second(struct sim *sim, void *ctx, const void *payload)
{
    struct busy *b = ctx;

    (void)sim;
    (void)payload;
    sched_submit(&b->p, &b->cpu, &b->cpu.cores[0], 2, SIM_US, woken_done, b, 0);
}

static sim_time woken_after(bool preempt)
{
    struct sim *sim = sim_new(1);
    struct busy b = { .p = { .slice = 1 * SIM_MS, .wakeup_preempt = preempt } };

    /* host.idle = legacy: an idle time-shared core always exits C1, 2 us. */
    idle_model_c1(&b.p.idle, 2 * SIM_US);
    b.p.idle.menu = false;

    /* 2.1 GHz, a switch of 2,100 cycles: 1 us. */
    cpu_host_init(&b.cpu, sim, 1, 2.1e9, 2100);
    b.cpu.cores[0].n_threads = 2;
    sched_submit(&b.p, &b.cpu, &b.cpu.cores[0], 1, SIM_US, busy_next, &b, 0);
    sim_schedule(sim, 10 * SIM_US + SIM_US / 2, wake_second, &b, NULL, 0);
    sim_run_until(sim, 10 * SIM_MS);
    sched_release(&b.cpu);
    cpu_host_release(&b.cpu);
    sim_free(sim);
    return b.woken_done;
}

static void test_slice(void)
{
    /* Thread 1 started at 0 (a wake-up of 2 us onto the idle core), so its
     * job in progress at 10.5 us ends at 11 us; then a 1 us switch and the
     * woken job: 13 us. Without preemption thread 1 keeps the core until
     * its slice ends after 1 ms (at the end of the job that crosses it). */
    g_assert_cmpint(woken_after(true), ==, 13 * SIM_US);
    g_assert_cmpint(woken_after(false), ==, 2 * SIM_US + SIM_MS + 2 * SIM_US);
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
    g_test_add_func("/sched/slice", test_slice);
    g_test_add_func("/sched/urgent-lane", test_urgent_lane);
    g_test_add_func("/sched/pinned-needs-cores", test_pinned_needs_cores);
    return g_test_run();
}
