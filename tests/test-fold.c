/* Zero-delay steps called in place (models/net/guest_stack.c): a NAPI
 * completion that costs nothing on an idle vCPU of its own, and the
 * interrupt it raises at once, run inside the event that ends with them
 * when no other event is due at that instant (sim_due_now()). That must
 * change nothing but the number of events: every metric and histogram bit
 * for bit the same as when each is an event of its own, and fewer events
 * where the case occurs (SR-IOV, whose completion is free). */

#include <glib.h>

#include "../models/net/guest_stack.h"
#include "report.h"
#include "runner.h"
#include "scenario.h"
#include "testlib.h"

static struct report *run(const char *ini, bool in_place, uint64_t *events)
{
    struct scenario *sc = test_load(ini);
    struct run_result res;
    GError *error = NULL;

    guest_stack_call_in_place(in_place);
    g_assert_true(runner_run(sc, 7, NULL, &res, &error));
    g_assert_no_error(error);
    guest_stack_call_in_place(true);
    *events = res.events;
    scenario_free(sc);
    return res.report;
}

/* Compares @ini both ways; returns the events the calls in place saved. */
static uint64_t saved(const char *ini)
{
    uint64_t in_place, as_events;
    struct report *a = run(ini, true, &in_place), *b = run(ini, false, &as_events);

    test_assert_same_report(a, b);
    report_free(a);
    report_free(b);
    g_assert_cmpuint(in_place, <=, as_events);
    return as_events - in_place;
}

/* 60 SR-IOV VMs on one 10 Gb/s port (scenarios/sriov-scaling.ini), each
 * vCPU a core of its own: NAPI completions on idle vCPUs, and other events
 * often due at that instant. */
static void test_sriov_port(void)
{
    uint64_t n = saved("[scenario]\nmodel = net\nduration = 10ms\nwarmup = 1ms\n"
                       "[io]\nstrategy = sriov\n[host]\ncores = 192\n[vm]\ncount = 60\nvcpus = 2\n"
                       "[nic]\nvfs = 63\n[workload]\ntype = stream\nsize = 1460B\n"
                       "window = 256KiB\nstart_jitter = 100us\n");

    g_test_message("SR-IOV port: %" G_GUINT64_FORMAT " events called in place", n);
    g_assert_cmpuint(n, >, 1000);
}

/* The same at 100 Gb/s, where the vCPU is often still busy when NAPI
 * completes: its zero-length job then waits behind the one running, and
 * only its end as an event of its own keeps that order. */
static void test_sriov_port_100g(void)
{
    uint64_t n =
        saved("[scenario]\nmodel = net\nduration = 4ms\nwarmup = 1ms\n"
              "[io]\nstrategy = sriov\n[host]\ncores = 192\n[vm]\ncount = 60\nvcpus = 2\n"
              "[nic]\nvfs = 63\nline_rate = 100Gbps\nitr = off\n[workload]\ntype = stream\n"
              "size = 1460B\nwindow = 256KiB\nstart_jitter = 100us\n");

    g_test_message("SR-IOV port at 100 Gb/s: %" G_GUINT64_FORMAT " events called in place", n);
}

/* VMs that start together, without jitter, so that many of their events
 * share an instant. (No event was due at the instant of a call in place in
 * these runs; sim_due_now()'s answers are checked in test-sim-due.c.) */
static void test_synchronized(void)
{
    uint64_t n = saved("[scenario]\nmodel = net\nduration = 10ms\nwarmup = 1ms\n"
                       "[io]\nstrategy = sriov\n[host]\ncores = 64\n[vm]\ncount = 16\nvcpus = 2\n"
                       "[nic]\nitr = off\n[workload]\ntype = stream\nsize = 1460B\n"
                       "window = 256KiB\n");

    g_test_message("synchronized VMs: %" G_GUINT64_FORMAT " events called in place", n);
}

/* Request/response: an interrupt per packet, idle vCPUs between. */
static void test_sriov_rr(void)
{
    uint64_t n = saved("[scenario]\nmodel = net\nduration = 20ms\nwarmup = 2ms\n"
                       "[io]\nstrategy = sriov\n[vm]\ncount = 2\n[workload]\ntype = rr\n");

    g_test_message("SR-IOV rr: %" G_GUINT64_FORMAT " events called in place", n);
    g_assert_cmpuint(n, >, 0);
}

/* vCPUs that time-share cores are never called in place: their job's end
 * is the run queue's to order. */
static void test_time_shared(void)
{
    uint64_t n = saved("[scenario]\nmodel = net\nduration = 20ms\nwarmup = 2ms\n"
                       "[io]\nstrategy = sriov\n[host]\ncores = 2\npin_vcpus = false\n"
                       "[vm]\ncount = 4\n[workload]\ntype = stream\nsize = 1460B\n");

    g_assert_cmpuint(n, ==, 0);
}

/* Paravirtual and emulated paths: the same results either way. */
static void test_other_strategies(void)
{
    static const char *strategies[] = { "virtio", "emulation", "vdpa", "passthrough" };

    for (unsigned i = 0; i < G_N_ELEMENTS(strategies); i++) {
        g_autofree char *ini = g_strdup_printf(
            "[scenario]\nmodel = net\nduration = 10ms\nwarmup = 1ms\n[io]\nstrategy = %s\n"
            "[vm]\ncount = 1\n[workload]\ntype = stream\nsize = 1460B\n",
            strategies[i]);
        uint64_t n = saved(ini);

        g_test_message("%s: %" G_GUINT64_FORMAT " events called in place", strategies[i], n);
    }
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/fold/sriov-port", test_sriov_port);
    g_test_add_func("/fold/sriov-port-100g", test_sriov_port_100g);
    g_test_add_func("/fold/synchronized", test_synchronized);
    g_test_add_func("/fold/sriov-rr", test_sriov_rr);
    g_test_add_func("/fold/time-shared", test_time_shared);
    g_test_add_func("/fold/other-strategies", test_other_strategies);
    return g_test_run();
}
