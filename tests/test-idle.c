/* Tests for the cores' idle states (models/host/idle.c, sched.c): the
 * governor's choice follows the idle history; a core asleep delays the job
 * that wakes it by the exit latency, queues what comes meanwhile behind it
 * and bills none of it as CPU; and in whole runs a request every 10 ms pays
 * the deep state's exit where a busy loop does not, unless the deepest
 * state is capped. */
#include <math.h>

#include <glib.h>

#include "../models/host/idle.h"
#include "../models/host/sched.h"
#include "report.h"
#include "sim.h"
#include "testlib.h"

/* The reference table: POLL, C1 2/2 us, C1E 10/20 us, C6 133/600 us. */
static void skx(struct idle_model *m, unsigned n)
{
    static const struct idle_state s[IDLE_MAX_STATES] = {
        { "POLL", 0, 0 },
        { "C1", 2 * SIM_US, 2 * SIM_US },
        { "C1E", 10 * SIM_US, 20 * SIM_US },
        { "C6", 133 * SIM_US, 600 * SIM_US },
    };

    for (unsigned i = 0; i < IDLE_MAX_STATES; i++)
        m->s[i] = s[i];
    m->n = n;
    m->tick = 0;
}

static unsigned after(const struct idle_model *m, const sim_time *iv, unsigned n)
{
    struct idle_history h = { 0 };

    for (unsigned i = 0; i < n; i++)
        idle_record(&h, iv[i]);
    return idle_select(m, &h);
}

static void test_governor(void)
{
    struct idle_model m;
    sim_time iv[8];

    skx(&m, 4);
    /* No history: it expects a long sleep. */
    g_assert_cmpuint(after(&m, iv, 0), ==, 3);
    /* Steady 10 us idles: C1 (C1E needs 20 us of residency). */
    for (unsigned i = 0; i < 8; i++)
        iv[i] = 10 * SIM_US;
    g_assert_cmpuint(after(&m, iv, 8), ==, 1);
    /* Steady 100 us: C1E; steady 1 ms: C6. */
    for (unsigned i = 0; i < 8; i++)
        iv[i] = 100 * SIM_US;
    g_assert_cmpuint(after(&m, iv, 8), ==, 2);
    for (unsigned i = 0; i < 8; i++)
        iv[i] = SIM_MS;
    g_assert_cmpuint(after(&m, iv, 8), ==, 3);
    /* Short idles and one long one: the outlier is dropped, C1 stays. */
    for (unsigned i = 0; i < 8; i++)
        iv[i] = i == 7 ? 5 * SIM_MS : 5 * SIM_US;
    g_assert_cmpuint(after(&m, iv, 8), ==, 1);
    /* Half 5 us, half 5 ms: the long ones are dropped as outliers. */
    for (unsigned i = 0; i < 8; i++)
        iv[i] = i % 2 ? 5 * SIM_MS : 5 * SIM_US;
    g_assert_cmpuint(after(&m, iv, 8), ==, 1);
    /* Spread from 10 us to 8 ms: no typical interval, deep again. */
    for (unsigned i = 0; i < 8; i++)
        iv[i] = (sim_time)(10 << i) * SIM_US;
    g_assert_cmpuint(after(&m, iv, 8), ==, 3);
    /* Under 2 us nothing physical fits: POLL. */
    for (unsigned i = 0; i < 8; i++)
        iv[i] = SIM_US;
    g_assert_cmpuint(after(&m, iv, 8), ==, 0);
    /* Capped at C1 (host.idle_max), a long sleep takes C1. */
    skx(&m, 2);
    g_assert_cmpuint(after(&m, iv, 0), ==, 1);
}

/* Steady 5 us idles, then a 10 ms one: the core goes to C1 keeping its
 * 1 ms tick; each tick is remembered as a long stay, and once they
 * outnumber the short ones the core chooses C6 (and stops the tick). */
static void test_tick_corrects(void)
{
    struct idle_model m;
    struct idle_history h = { 0 };

    skx(&m, 4);
    m.tick = SIM_MS;
    for (unsigned i = 0; i < 8; i++)
        idle_record(&h, 5 * SIM_US);
    g_assert_cmpuint(idle_sleep(&m, &h, 0, 900 * SIM_US, false), ==, 1);
    g_assert_cmpuint(idle_sleep(&m, &h, SIM_MS, 11 * SIM_MS, false), ==, 3);
    /* A timer it knew of, 300 us away, bounds a long guess: C1E. */
    m.tick = 0;
    for (unsigned i = 0; i < 8; i++)
        idle_record(&h, SIM_MS);
    g_assert_cmpuint(idle_sleep(&m, &h, 0, 300 * SIM_US, true), ==, 2);
    g_assert_cmpuint(idle_sleep(&m, &h, 0, 300 * SIM_US, false), ==, 3);
    /* Without a tick it stays in C1. */
    m.tick = 0;
    for (unsigned i = 0; i < 8; i++)
        idle_record(&h, 5 * SIM_US);
    g_assert_cmpuint(idle_sleep(&m, &h, 0, 10 * SIM_MS, false), ==, 1);
}

/* One core of its own, asleep in C1 (2 us exit) at 1 ms: a 1 us job
 * arrives, then an ordinary and an urgent one during the exit. The first
 * starts at 1 ms + 2 us, the urgent one next, the ordinary last; the core
 * was busy 3 us, not 5. */
struct wake {
    struct sched_policy p;
    struct cpu_host cpu;
    sim_time done[3];
};

static void wake_done(struct sim *sim, void *ctx, uint64_t tag)
{
    ((struct wake *)ctx)->done[tag] = sim_now(sim);
}

/* Job @payload (a uint64_t: 0, 1 ordinary, 2 urgent) arrives. */
static void wake_submit(struct sim *sim, void *ctx, const void *payload)
{
    struct wake *w = ctx;
    uint64_t tag = *(const uint64_t *)payload;

    (void)sim;
    if (tag == 2)
        sched_submit_urgent(&w->p, &w->cpu, &w->cpu.cores[0], 1, SIM_US, wake_done, w, tag);
    else
        sched_submit(&w->p, &w->cpu, &w->cpu.cores[0], 1, SIM_US, wake_done, w, tag);
}

static void test_wake_delays_not_bills(void)
{
    struct sim *sim = sim_new(1);
    struct wake w = { .p = { .slice = SIM_MS } };
    const sim_time at[3] = { SIM_MS, SIM_MS + SIM_US, SIM_MS + 3 * SIM_US / 2 };

    idle_model_c1(&w.p.idle, 2 * SIM_US);
    cpu_host_init(&w.cpu, sim, 1, 2.1e9, 2100);
    w.cpu.cores[0].n_threads = 1;
    for (uint64_t k = 0; k < 3; k++)
        sim_schedule(sim, at[k], wake_submit, &w, &k, sizeof(k));
    sim_run_until(sim, 2 * SIM_MS);
    g_assert_cmpint(w.done[0], ==, SIM_MS + 3 * SIM_US);
    g_assert_cmpint(w.done[2], ==, SIM_MS + 4 * SIM_US);
    g_assert_cmpint(w.done[1], ==, SIM_MS + 5 * SIM_US);
    g_assert_cmpfloat_with_epsilon(fifo_server_utilization(&w.cpu.cores[0].srv), 3e-6 / 2e-3, 1e-9);
    g_assert_cmpuint(w.cpu.wakes[1], ==, 1);
    g_assert_cmpint(w.cpu.wake_time, ==, 2 * SIM_US);
    /* A core that spins (a polling guest's) pays nothing. */
    w.cpu.cores[0].idle_spin = CPU_SPINS;
    sim_schedule(sim, SIM_MS, wake_submit, &w, &(uint64_t){ 0 }, sizeof(uint64_t));
    sim_run_until(sim, 4 * SIM_MS);
    g_assert_cmpint(w.done[0], ==, 3 * SIM_MS + SIM_US);
    sched_release(&w.cpu);
    cpu_host_release(&w.cpu);
    sim_free(sim);
}

/* The same on a time-shared core (its run queue wakes it): one job at
 * 1 ms ends 2 us + 1 us later. */
static void test_shared_core_wakes(void)
{
    struct sim *sim = sim_new(1);
    struct wake w = { .p = { .slice = SIM_MS } };

    idle_model_c1(&w.p.idle, 2 * SIM_US);
    cpu_host_init(&w.cpu, sim, 1, 2.1e9, 2100);
    w.cpu.cores[0].n_threads = 2;
    sim_schedule(sim, SIM_MS, wake_submit, &w, &(uint64_t){ 0 }, sizeof(uint64_t));
    sim_run_until(sim, 2 * SIM_MS);
    g_assert_cmpint(w.done[0], ==, SIM_MS + 3 * SIM_US);
    g_assert_cmpuint(w.cpu.wakes[1], ==, 1);
    g_assert_cmpfloat_with_epsilon(fifo_server_utilization(&w.cpu.cores[0].srv), 1e-6 / 2e-3, 1e-9);
    sched_release(&w.cpu);
    cpu_host_release(&w.cpu);
    sim_free(sim);
}

/* What one rr run reports about its round trip and its cores. */
struct rr {
    double rtt, backend_cpu, host_cpu, exits_per_s, exit_mean;
};

/* A VM's rr run (@strategy, @extra keys) with @think between requests,
 * the cores sleeping at most in @max. */
static struct rr rr_run(const char *strategy, const char *extra, const char *think, const char *max)
{
    g_autofree char *ini =
        g_strdup_printf("[scenario]\nname = t\nmodel = net\nduration = 300ms\nwarmup = 50ms\n"
                        "[io]\nstrategy = %s\n[host]\nidle = menu\nidle_max = %s\n"
                        "[workload]\ntype = rr\nthink_time = %s\n%s",
                        strategy, max, think, extra);
    struct report *r = test_run_ini(ini, 1);
    struct rr v = {
        .rtt = test_all(r, "rtt_mean"),
        .backend_cpu = test_all(r, "backend_cpu"),
        .host_cpu = test_all(r, "host_cpu"),
        .exits_per_s = test_all(r, "idle_exits_per_second"),
        .exit_mean = test_all(r, "idle_exit_mean"),
    };

    g_test_message("%s, think %s, idle_max %s: rtt %.2f us, %.0f exits/s of %.1f us", strategy,
                   think, max, v.rtt * 1e6, v.exits_per_s, v.exit_mean * 1e6);
    report_free(r);
    return v;
}

/* A halting guest's vCPU core (SR-IOV, no host thread on the path): KVM
 * polls for the vCPU's own window before the core may sleep, and the
 * window follows the halts. Woken every 50 or 150 us (the pause, then a
 * reply a few us after the request), the window grows past both, to 80
 * and 160 us: the core never sleeps, and the round trip is idle=poll's.
 * Woken every 10 ms, each pause shrinks the window to 0, so the halt that
 * waits for the reply does not poll: the core sleeps at once, the reply
 * pays C6's exit and the wake-up, as with halt polling off
 * (hv.halt_poll = 0). */
static void test_halt_poll_adapts(void)
{
    const char *halt = "[hv]\nhalt = true\n";
    const char *no_poll = "[hv]\nhalt = true\nhalt_poll = 0s\n";
    struct rr mid_c6 = rr_run("sriov", halt, "50us", "C6");
    struct rr mid_poll = rr_run("sriov", halt, "50us", "poll");
    struct rr short_c6 = rr_run("sriov", halt, "150us", "C6");
    struct rr short_poll = rr_run("sriov", halt, "150us", "poll");
    struct rr long_c6 = rr_run("sriov", halt, "10ms", "C6");
    struct rr long_poll = rr_run("sriov", halt, "10ms", "poll");
    struct rr long_no_poll = rr_run("sriov", no_poll, "10ms", "C6");

    g_assert_cmpfloat(fabs(mid_c6.rtt - mid_poll.rtt), <, 1e-9);
    g_assert_cmpfloat(mid_c6.exits_per_s, ==, 0);
    g_assert_cmpfloat(fabs(short_c6.rtt - short_poll.rtt), <, 1e-9);
    g_assert_cmpfloat(short_c6.exits_per_s, ==, 0);
    g_assert_cmpfloat(fabs(long_c6.exit_mean - 133e-6), <, 1e-12);
    g_assert_cmpfloat(long_c6.rtt - long_poll.rtt, >, 133e-6 - 1e-9);
    g_assert_cmpfloat(fabs(long_c6.rtt - long_no_poll.rtt), <, 1e-9);
    /* Each pause polls the 10 us the short wait for the reply grew the
     * window to, then sleeps: 10 us of a 10 ms period. */
    g_assert_cmpfloat(fabs(long_c6.host_cpu - long_no_poll.host_cpu - 0.001), <, 0.0002);
}

/* The pause a vCPU polls through is host CPU: woken every 150 us by its
 * own timer, the SR-IOV vCPU's core polls the whole pause (the window
 * grows past it), so its host CPU is most of a core, as with no halt
 * polling it is almost none; and the pause's halt is an HLT exit of its
 * own, besides the one while waiting for the reply. Only an interrupt's
 * halt used to be billed: the timer's polling was free (0.03 cores). */
static void test_timer_halt_billed(void)
{
    struct rr poll = rr_run("sriov", "[hv]\nhalt = true\n", "150us", "poll");
    struct rr none = rr_run("sriov", "[hv]\nhalt = true\nhalt_poll = 0s\n", "150us", "poll");

    g_assert_cmpfloat(poll.host_cpu, >, 0.8);
    g_assert_cmpfloat(none.host_cpu, <, 0.1);
}

/* A bare-metal application's core has no KVM to halt-poll: once the
 * request is sent it sleeps, and with a pause of 150 us (inside the
 * window KVM grows for SR-IOV's vCPU, whose core never sleeps) it still pays
 * exits, and its round trip grows over idle=poll's. */
static void test_baremetal_sleeps_at_once(void)
{
    const char *halt = "[hv]\nhalt = true\n[nic]\nitr = off\n";
    struct rr c6 = rr_run("baremetal", halt, "150us", "C6");
    struct rr poll = rr_run("baremetal", halt, "150us", "poll");

    g_assert_cmpfloat(c6.exits_per_s, >, 1000);
    g_assert_cmpfloat(c6.rtt, >, poll.rtt + 1e-6);
}

/* A poll-mode backend (vhost-user) never lets its core sleep: a request
 * every 10 ms costs what it costs with no idle states at all. */
static void test_poll_mode_never_sleeps(void)
{
    const char *user = "[virtio]\nbackend = vhost-user\n";
    struct rr c6 = rr_run("virtio", user, "10ms", "C6");

    g_assert_cmpfloat(fabs(c6.rtt - rr_run("virtio", user, "10ms", "poll").rtt), <, 1e-9);
    g_assert_cmpfloat(c6.exits_per_s, ==, 0);
}

/* The vhost worker's core sleeps when the worker blocks (the vCPU's
 * guest polls: hv.halt is off). */
static void test_sparse_requests_pay_deep_exit(void)
{
    struct rr sparse_c6 = rr_run("virtio", "", "10ms", "C6");
    struct rr sparse_poll = rr_run("virtio", "", "10ms", "poll");
    struct rr sparse_c1 = rr_run("virtio", "", "10ms", "C1");
    struct rr busy_c6 = rr_run("virtio", "", "0s", "C6");
    struct rr busy_poll = rr_run("virtio", "", "0s", "poll");

    /* At least one C6 exit (133 us) per round trip, and the exits the
     * report counts are mostly C6's. */
    g_assert_cmpfloat(sparse_c6.rtt - sparse_poll.rtt, >=, 133e-6);
    g_assert_cmpfloat(sparse_c6.exit_mean, >, 100e-6);
    g_assert_cmpfloat(sparse_c6.exit_mean, <=, 133e-6);
    g_assert_cmpfloat(sparse_poll.exits_per_s, ==, 0);
    /* Capped at C1: a few 2 us exits at most. */
    g_assert_cmpfloat(sparse_c1.rtt - sparse_poll.rtt, >, 0);
    g_assert_cmpfloat(sparse_c1.rtt - sparse_poll.rtt, <, 10e-6);
    g_assert_cmpfloat(fabs(sparse_c1.exit_mean - 2e-6), <, 1e-12);
    /* A busy loop never gets deep. */
    g_assert_cmpfloat(busy_c6.rtt - busy_poll.rtt, <, 30e-6);
    g_assert_cmpfloat(busy_c6.exit_mean, <, 20e-6);
    /* The exits are waiting, not work. */
    g_assert_cmpfloat(sparse_c6.backend_cpu, <=, sparse_poll.backend_cpu * 1.001);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/idle/governor", test_governor);
    g_test_add_func("/idle/tick-corrects", test_tick_corrects);
    g_test_add_func("/idle/wake-delays-not-bills", test_wake_delays_not_bills);
    g_test_add_func("/idle/shared-core-wakes", test_shared_core_wakes);
    g_test_add_func("/idle/halt-poll-adapts", test_halt_poll_adapts);
    g_test_add_func("/idle/timer-halt-billed", test_timer_halt_billed);
    g_test_add_func("/idle/baremetal-sleeps-at-once", test_baremetal_sleeps_at_once);
    g_test_add_func("/idle/poll-mode-never-sleeps", test_poll_mode_never_sleeps);
    g_test_add_func("/idle/sparse-requests-pay-deep-exit", test_sparse_requests_pay_deep_exit);
    return g_test_run();
}
