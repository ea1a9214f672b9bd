/* virtio.backend = vhost-user: a user-space vSwitch's poll-mode thread on
 * a core of its own. The guest's adds are found by polling, so no kick
 * exits; the thread drives the NIC with a poll-mode driver (no host
 * stack); its core never idles; its set-up messages cross a socket. */
#include <glib.h>

#include "../models/net/net.h"
#include "report.h"
#include "testlib.h"

static struct report *run(const char *backend, const char *extra)
{
    g_autofree char *ini = g_strdup_printf("[scenario]\nmodel = net\nduration = 10ms\n"
                                           "warmup = 1ms\n[io]\nstrategy = virtio\n[virtio]\n"
                                           "backend = %s\n%s",
                                           backend, extra);

    return test_run_ini(ini, 4);
}

#define RR "[workload]\ntype = rr\n"

/* No kick exits (the first add crosses the initial avail_event of each
 * ring, nothing after), the round trip shorter than vhost's, and the
 * breakdown still adds up. */
static void test_polling(void)
{
    struct report *user = run("vhost-user", RR), *vhost = run("vhost", RR);

    g_test_message("rr: vhost-user %.2f us, %.0f/s; vhost %.2f us, %.0f/s",
                   test_all(user, "rtt_mean") * 1e6, test_all(user, "transactions_per_second"),
                   test_all(vhost, "rtt_mean") * 1e6, test_all(vhost, "transactions_per_second"));
    g_assert_cmpfloat(test_all(user, "virtio_kicks"), <=, 2);
    g_assert_cmpfloat(test_all(user, "exits_mmio_kernel_per_second"), ==, 0);
    g_assert_cmpfloat(test_all(vhost, "exits_mmio_kernel_per_second"), >, 1000);
    g_assert_cmpfloat(test_all(user, "rtt_mean"), <, test_all(vhost, "rtt_mean"));
    g_assert_cmpfloat(test_all(user, "stage_host_stack"), ==, 0);
    test_check_breakdown(user, "all", "latency_mean", net_stage_names, NET_N_STAGES, 1e-9);
    report_free(user);
    report_free(vhost);
}

/* Its core is spent whether there is work or not: at 10 Kpps the polling
 * thread's dedicated core is a whole core of host CPU, vhost's worker a
 * sliver. */
static void test_core_never_idles(void)
{
    const char *light = "[workload]\ntype = udp\nrate = 10Kpps\nsize = 64B\n";
    struct report *user = run("vhost-user", light), *vhost = run("vhost", light);

    g_assert_cmpfloat(test_all(user, "host_cpu"), >=, 0.99);
    g_assert_cmpfloat(test_all(vhost, "host_cpu"), <, 0.2);
    report_free(user);
    report_free(vhost);
}

/* Set-up through the vhost-user socket costs more than kernel vhost's
 * ioctls; DPDK's vhost library has the packed ring, kernel vhost not. */
static void test_setup_and_packed(void)
{
    struct report *user = run("vhost-user", RR "[virtio]\nring = packed\n");
    struct report *vhost = run("vhost", RR "[virtio]\nring = packed\n");

    g_assert_cmpfloat(test_all(user, "virtio_startup_time"), >,
                      test_all(vhost, "virtio_startup_time"));
    g_assert_cmpfloat(test_all(user, "virtio_feature_ring_packed"), ==, 1);
    g_assert_cmpfloat(test_all(vhost, "virtio_feature_ring_packed"), ==, 0);
    report_free(user);
    report_free(vhost);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/vhost-user/polling", test_polling);
    g_test_add_func("/vhost-user/core-never-idles", test_core_never_idles);
    g_test_add_func("/vhost-user/setup-and-packed", test_setup_and_packed);
    return g_test_run();
}
