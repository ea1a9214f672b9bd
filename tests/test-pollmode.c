/* Tests for the poll-mode guest driver (guest.net_driver = poll,
 * net/guest_stack.c): on the assigned strategies and virtio the guest takes
 * no interrupt and no interrupt exit, its polling vCPU is busy even when
 * traffic is light, its round trips lose the interrupt's delivery and
 * moderation, and every picosecond is still in one stage. Two polling
 * vCPUs that time-share a core hold it for a slice each, so each VM's
 * requests wait out the other's slice. And vhost's busy polling
 * (virtio.busy_poll): no kick exits, a busier host core. */
#include <glib.h>

#include "../models/net/net.h"
#include "report.h"
#include "testlib.h"

static struct report *run_body(const char *strategy, const char *driver, const char *workload)
{
    g_autofree char *ini =
        g_strdup_printf("[scenario]\nname = t\nmodel = net\nduration = 6ms\nwarmup = 1ms\n"
                        "[io]\nstrategy = %s\n[guest]\nnet_driver = %s\n[workload]\n%s\n",
                        strategy, driver, workload);

    return test_run_ini(ini, 1);
}

static const char *const strategies[] = { "sriov", "passthrough", "vdpa", "virtio" };

static void test_no_interrupts(void)
{
    for (size_t k = 0; k < G_N_ELEMENTS(strategies); k++) {
        struct report *poll = run_body(strategies[k], "poll", "type = stream\ndirection = rx");
        struct report *irq = run_body(strategies[k], "interrupt", "type = stream\ndirection = rx");

        g_test_message("%s: %.4g interrupts/s polling, %.4g with interrupts", strategies[k],
                       test_all(poll, "interrupts_per_second"),
                       test_all(irq, "interrupts_per_second"));
        g_assert_cmpfloat(test_all(poll, "packets"), >, 1000);
        g_assert_cmpfloat(test_all(irq, "interrupts_per_second"), >, 1000);
        g_assert_cmpfloat(test_all(poll, "interrupts_per_second"), ==, 0);
        g_assert_cmpfloat(test_all(poll, "exits_external_interrupt_per_second"), ==, 0);
        g_assert_cmpfloat(test_all(poll, "exits_eoi_per_second"), ==, 0);
        test_check_breakdown(poll, "all", "latency_mean", net_stage_names, NET_N_STAGES, 1e-9);
        report_free(poll);
        report_free(irq);
    }
}

/* A trickle: the interrupt-driven vCPU is mostly idle, the polling one
 * spins all the time (guest CPU, apart from the host's share of it). */
static void test_vcpu_burns(void)
{
    for (size_t k = 0; k < G_N_ELEMENTS(strategies); k++) {
        const char *udp = "type = udp\nrate = 5Kpps\ndirection = rx";
        struct report *poll = run_body(strategies[k], "poll", udp);
        struct report *irq = run_body(strategies[k], "interrupt", udp);

        g_test_message("%s at 5 Kpps: guest CPU %.3g polling, %.3g with interrupts", strategies[k],
                       test_all(poll, "guest_cpu"), test_all(irq, "guest_cpu"));
        g_assert_cmpfloat(test_all(poll, "guest_cpu") + test_all(poll, "host_cpu"), >, 0.99);
        g_assert_cmpfloat(test_all(poll, "guest_cpu"), >, 0.9);
        g_assert_cmpfloat(test_all(irq, "guest_cpu"), <, 0.1);
        report_free(poll);
        report_free(irq);
    }
}

/* No interrupt delivery and no moderation: shorter round trips. */
static void test_latency(void)
{
    for (size_t k = 0; k < G_N_ELEMENTS(strategies); k++) {
        struct report *poll = run_body(strategies[k], "poll", "type = rr");
        struct report *irq = run_body(strategies[k], "interrupt", "type = rr");

        g_test_message("%s rr: %.3g us polling, %.3g us with interrupts", strategies[k],
                       test_all(poll, "rtt_mean") * 1e6, test_all(irq, "rtt_mean") * 1e6);
        g_assert_cmpfloat(test_all(poll, "rtt_mean"), <, test_all(irq, "rtt_mean"));
        report_free(poll);
        report_free(irq);
    }
}

/* vhost's busy polling: a worker that keeps polling its empty ring (kicks
 * off) sees the next request without a kick exit or a wake-up, and burns
 * its core meanwhile. */
static void test_vhost_busy_poll(void)
{
    const char *rr = "type = rr\n[virtio]\nbackend = vhost";
    g_autofree char *polled = g_strdup_printf("%s\nbusy_poll = 50us", rr);
    struct report *off = run_body("virtio", "interrupt", rr);
    struct report *on = run_body("virtio", "interrupt", polled);

    g_test_message("vhost busy poll: %.3g us, %.4g kick exits/s, host CPU %.3g (off: %.3g us, "
                   "%.4g/s, %.3g)",
                   test_all(on, "rtt_mean") * 1e6, test_all(on, "exits_mmio_kernel_per_second"),
                   test_all(on, "host_cpu"), test_all(off, "rtt_mean") * 1e6,
                   test_all(off, "exits_mmio_kernel_per_second"), test_all(off, "host_cpu"));
    g_assert_cmpfloat(test_all(off, "exits_mmio_kernel_per_second"), >, 1000);
    g_assert_cmpfloat(test_all(on, "exits_mmio_kernel_per_second"), ==, 0);
    g_assert_cmpfloat(test_all(on, "rtt_mean"), <, test_all(off, "rtt_mean"));
    g_assert_cmpfloat(test_all(on, "host_cpu"), >, test_all(off, "host_cpu") + 0.5);
    report_free(off);
    report_free(on);
}

/* Two one-vCPU VMs in request/response on @cores host cores. */
static struct report *shared(const char *driver, int cores)
{
    g_autofree char *ini = g_strdup_printf(
        "[scenario]\nmodel = net\nduration = 50ms\nwarmup = 5ms\n[io]\nstrategy = sriov\n"
        "[vm]\ncount = 2\n[host]\ncores = %d\npin_vcpus = false\nsched_slice = 3ms\n"
        "[guest]\nnet_driver = %s\n[workload]\ntype = rr\n",
        cores, driver);

    return test_run_ini(ini, 1);
}

/* A virtio VM whose vhost worker shares its one vCPU's core. */
static struct report *own_backend(const char *driver, const char *preempt)
{
    g_autofree char *ini = g_strdup_printf(
        "[scenario]\nmodel = net\nduration = 50ms\nwarmup = 5ms\n[io]\nstrategy = virtio\n"
        "[host]\ncores = 1\nbackend_placement = shared\nsched_slice = 3ms\n"
        "sched_wakeup_preempt = %s\n[guest]\nnet_driver = %s\n[workload]\ntype = rr\n",
        preempt, driver);

    return test_run_ini(ini, 1);
}

static void test_spinner_holds_shared_core(void)
{
    struct report *poll = shared("poll", 1), *irq = shared("interrupt", 1);
    struct report *own = shared("poll", 2);

    g_test_message("p99.9 latency: polling on one core %.3g s (%.0f switches, guest CPU %.3g), "
                   "with interrupts %.3g s, polling on two cores %.3g s",
                   test_all(poll, "latency_p999"), test_all(poll, "context_switches"),
                   test_all(poll, "guest_cpu"), test_all(irq, "latency_p999"),
                   test_all(own, "latency_p999"));
    /* Neither vCPU ever blocks: a request that arrives during the other's
     * slice waits for its end. */
    g_assert_cmpfloat(test_all(poll, "latency_p999"), >, 2.5e-3);
    g_assert_cmpfloat(test_all(poll, "context_switches"), <, 50e-3 / 3e-3 + 2);
    /* The spinning fills the one core, and no more. */
    g_assert_cmpfloat(test_all(poll, "guest_cpu") + test_all(poll, "host_cpu"), <=, 1.0 + 1e-3);
    g_assert_cmpfloat(test_all(poll, "guest_cpu"), >, 0.95);
    g_assert_cmpfloat(test_all(irq, "latency_p999"), <, 0.1e-3);
    g_assert_cmpfloat(test_all(own, "latency_p999"), <, 0.1e-3);
    report_free(poll);
    report_free(irq);
    report_free(own);
}

static void test_spinner_starves_its_backend(void)
{
    struct report *poll = own_backend("poll", "false"), *pre = own_backend("poll", "true");
    struct report *irq = own_backend("interrupt", "false");

    g_test_message("virtio, vhost on the vCPU's core: %.4g transactions/s polling, %.4g with "
                   "wake-up preemption, %.4g with interrupts",
                   test_all(poll, "transactions_per_second"),
                   test_all(pre, "transactions_per_second"),
                   test_all(irq, "transactions_per_second"));
    /* The vhost worker runs only when the spinning vCPU's slice ends. */
    g_assert_cmpfloat(test_all(poll, "transactions_per_second"), <, 2.0 / 3e-3);
    /* A woken worker that EEVDF would pick takes the core from the spinner
     * at the end of the spinner's current job (wake-up preemption). */
    g_assert_cmpfloat(test_all(pre, "transactions_per_second"), >,
                      10 * test_all(poll, "transactions_per_second"));
    g_assert_cmpfloat(test_all(irq, "transactions_per_second"), >,
                      10 * test_all(poll, "transactions_per_second"));
    report_free(poll);
    report_free(pre);
    report_free(irq);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/pollmode/no-interrupts", test_no_interrupts);
    g_test_add_func("/pollmode/vcpu-burns", test_vcpu_burns);
    g_test_add_func("/pollmode/latency", test_latency);
    g_test_add_func("/pollmode/vhost-busy-poll", test_vhost_busy_poll);
    g_test_add_func("/pollmode/spinner-holds-shared-core", test_spinner_holds_shared_core);
    g_test_add_func("/pollmode/spinner-starves-its-backend", test_spinner_starves_its_backend);
    return g_test_run();
}
