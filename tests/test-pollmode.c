/* Tests for the poll-mode guest driver (guest.net_driver = poll,
 * net/guest_stack.c): on the assigned strategies and virtio the guest takes
 * no interrupt and no interrupt exit, its polling vCPU is busy even when
 * traffic is light, its round trips lose the interrupt's delivery and
 * moderation, and every picosecond is still in one stage. And vhost's busy
 * polling (virtio.busy_poll): no kick exits, a busier host core. */
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

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/pollmode/no-interrupts", test_no_interrupts);
    g_test_add_func("/pollmode/vcpu-burns", test_vcpu_burns);
    g_test_add_func("/pollmode/latency", test_latency);
    g_test_add_func("/pollmode/vhost-busy-poll", test_vhost_busy_poll);
    return g_test_run();
}
