/* A polling disk backend (blk.backend = vfio-nvme) holds its core
 * (models/blk/backend.c): on a core of its own it is one busy core
 * whatever the load; on a core it shares it is always runnable, so the
 * core's threads add up to one busy core and another thread there waits
 * for it. */
#include <math.h>

#include <glib.h>

#include "report.h"
#include "testlib.h"

static struct report *run(const char *extra)
{
    g_autofree char *ini =
        g_strdup_printf("[scenario]\nname = t\nmodel = blk\nduration = 30ms\nwarmup = 5ms\n"
                        "[blk]\nstrategy = virtio-blk\nbackend = vfio-nvme\n%s\n",
                        extra);

    return test_run_ini(ini, 11);
}

static double per_request(const struct report *r, const char *name)
{
    return test_all(r, name) / test_all(r, "requests");
}

/* A core of its own: busy all along, at QD1 and at 1,000 requests a
 * second alike. */
static void test_own_core(void)
{
    struct report *busy = run("");
    struct report *idle = run("[fio]\nmode = open\ninterarrival = exp(1ms)");

    g_assert_cmpfloat(test_all(idle, "iops"), <, 2000);
    g_assert_cmpfloat(test_all(busy, "host_cpu"), ==, 1);
    g_assert_cmpfloat(test_all(idle, "host_cpu"), ==, 1);
    g_assert_cmpfloat(test_all(busy, "context_switches"), ==, 0);
    report_free(busy);
    report_free(idle);
}

/* On a core of its own the poller sees a request on the virtqueue and
 * its completion entry one pass of its loop (blk.vfio_nvme_poll, 166
 * cycles at 2.1 GHz) after they are written. */
static void test_sees_work_a_pass_later(void)
{
    struct report *r = run(""), *instant = run("vfio_nvme_poll = 0");
    double added = test_all(r, "latency_mean") - test_all(instant, "latency_mean");

    g_test_message("%.1f ns added a request", added * 1e9);
    g_assert_cmpfloat(fabs(added / (2 * 166 / 2.1e9) - 1), <, 0.05);
    report_free(r);
    report_free(instant);
}

/* Sparse requests under the menu governor: the poller's core never
 * sleeps (no C6 exit, as with sleep disabled), an io_uring thread's does. */
static double sparse_latency(const char *backend, const char *deepest)
{
    g_autofree char *ini =
        g_strdup_printf("[scenario]\nname = t\nmodel = blk\nduration = 60ms\nwarmup = 5ms\n"
                        "[blk]\nstrategy = virtio-blk\nbackend = %s\n[fio]\nmode = open\n"
                        "interarrival = det(1ms)\n[host]\nidle = menu\nidle_max = %s\n",
                        backend, deepest);
    struct report *r = test_run_ini(ini, 11);
    double v = test_all(r, "latency_mean");

    report_free(r);
    return v;
}

static void test_never_sleeps(void)
{
    double poller = sparse_latency("vfio-nvme", "C6") - sparse_latency("vfio-nvme", "poll");
    double thread = sparse_latency("io_uring", "C6") - sparse_latency("io_uring", "poll");

    g_test_message("C6 over no sleep: vfio-nvme %.3f us, io_uring %.1f us", poller * 1e6,
                   thread * 1e6);
    g_assert_cmpfloat(fabs(poller), <, 1e-9);
    g_assert_cmpfloat(thread, >, 100e-6);
}

/* Two VMs' pollers on the one core their vCPUs leave (spread placement):
 * one busy core between them, taken in turns of a slice. */
static void test_two_pollers_one_core(void)
{
    struct report *r = run("vms = 2\n[host]\ncores = 3");

    g_test_message("host CPU %.3f (vm0 %.3f, vm1 %.3f), %.0f switches, %.1f us",
                   test_all(r, "host_cpu"), test_value(r, "vm0", "host_cpu"),
                   test_value(r, "vm1", "host_cpu"), test_all(r, "context_switches"),
                   test_all(r, "latency_mean") * 1e6);
    g_assert_cmpfloat(fabs(test_all(r, "host_cpu") - 1), <, 0.01);
    g_assert_cmpfloat(test_value(r, "vm0", "host_cpu"), >, 0.3);
    g_assert_cmpfloat(test_value(r, "vm1", "host_cpu"), >, 0.3);
    /* Neither sleeps: they switch at the end of a 3 ms slice only. */
    g_assert_cmpfloat(test_all(r, "context_switches"), <, 20);
    report_free(r);
}

/* The poller on its vCPU's core (shared placement): the vCPU and the
 * poller fill the core; with wake-up preemption the vCPU gets it between
 * two of the poller's passes, a switch there and back for each of its
 * jobs, so a request takes longer than with the poller on a core of its
 * own. */
static void test_shared_core(void)
{
    struct report *own = run("");
    struct report *shared = run("[host]\nbackend_placement = shared");

    g_test_message("shared: guest %.3f + host %.3f cores, %.2f switches a request, %.2f us "
                   "(own core %.2f us)",
                   test_all(shared, "guest_cpu"), test_all(shared, "host_cpu"),
                   per_request(shared, "context_switches"), test_all(shared, "latency_mean") * 1e6,
                   test_all(own, "latency_mean") * 1e6);
    g_assert_cmpfloat(fabs(test_all(shared, "guest_cpu") + test_all(shared, "host_cpu") - 1), <,
                      0.01);
    g_assert_cmpfloat(test_all(shared, "host_cpu"), <, 0.9);
    g_assert_cmpfloat(per_request(shared, "context_switches"), >, 1.5);
    g_assert_cmpfloat(test_all(shared, "latency_mean"), >, 1.1 * test_all(own, "latency_mean"));
    report_free(own);
    report_free(shared);
}

/* Without wake-up preemption the vCPU waits for the poller's slice. */
static void test_vcpu_waits_for_slice(void)
{
    struct report *r = run("[host]\nbackend_placement = shared\nsched_wakeup_preempt = false");

    g_test_message("%.3f ms a request, %.0f switches", test_all(r, "latency_mean") * 1e3,
                   test_all(r, "context_switches"));
    g_assert_cmpfloat(test_all(r, "latency_mean"), >, 1e-3);
    report_free(r);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/blk/poller/own-core", test_own_core);
    g_test_add_func("/blk/poller/sees-work-a-pass-later", test_sees_work_a_pass_later);
    g_test_add_func("/blk/poller/never-sleeps", test_never_sleeps);
    g_test_add_func("/blk/poller/two-on-one-core", test_two_pollers_one_core);
    g_test_add_func("/blk/poller/shared-core", test_shared_core);
    g_test_add_func("/blk/poller/vcpu-waits-for-slice", test_vcpu_waits_for_slice);
    return g_test_run();
}
