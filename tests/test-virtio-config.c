/* A virtio device's status sequence, simulated (models/io/virtio_config.c):
 * each configuration-space access is an exit on the guest's vCPU, so on an
 * idle core the start-up is exactly the sum of its exits and its backend's
 * set-up (the closed form below is the oracle), on a shared core it takes
 * longer, and the VM sends nothing before DRIVER_OK. vDPA adds a firmware
 * command per data virtqueue, which a migration pays in the downtime, at
 * the source (suspend) and at the destination (start-up). */
#include <math.h>
#include <string.h>

#include <glib.h>

#include "../models/net/net.h"
#include "report.h"
#include "scenario.h"
#include "testlib.h"

#define RR "[workload]\ntype = rr\n"

/* Each exit and request is rounded to the picosecond. */
#define ROUNDING(steps) ((steps)*1e-12)

static char *ini_of(const char *strategy, const char *extra)
{
    return g_strdup_printf("[scenario]\nmodel = net\nduration = 20ms\nwarmup = 2ms\n"
                           "[io]\nstrategy = %s\n%s",
                           strategy, extra);
}

static struct report *run(const char *strategy, const char *extra)
{
    g_autofree char *ini = ini_of(strategy, extra);

    return test_run_ini(ini, 3);
}

/* vhost-vdpa's pinning and mapping of the VM's memory, in seconds. */
static double map_s(const struct scenario *sc)
{
    return sim_time_to_s(scenario_time(sc, "vdpa.pin_map")) *
           scenario_real(sc, "migration.memory") / (1024.0 * 1024 * 1024);
}

/* The closed form: @exits configuration-space exits to QEMU, @msgs
 * set-up requests of @msg_key's cycles, @fw firmware commands of
 * vdpa.vq_start, one after the other, and with @fw and vdpa.map_at =
 * start vDPA's pinning of the VM's memory; in seconds, at the scenario's
 * clock. */
static double oracle(const char *strategy, const char *extra, unsigned exits, unsigned msgs,
                     const char *msg_key, unsigned fw)
{
    g_autofree char *ini = ini_of(strategy, extra);
    struct scenario *sc = test_load(ini);
    double hz = scenario_real(sc, "host.clock");
    double t = exits * (double)scenario_int(sc, "hv.exit_mmio_user") / hz;

    if (msgs)
        t += msgs * (double)scenario_int(sc, msg_key) / hz;
    t += fw * sim_time_to_s(scenario_time(sc, "vdpa.vq_start"));
    if (fw && strcmp(scenario_str(sc, "vdpa.map_at"), "start") == 0)
        t += map_s(sc);
    scenario_free(sc);
    return t;
}

/* Linux's probe of a device with @queues virtqueues: the reset (write,
 * read back), ACKNOWLEDGE and DRIVER (a read and a write each), both
 * feature words (select and 32 bits, twice each way), FEATURES_OK and its
 * read-back, the MAC between two generation reads, the status and pair
 * count, the configuration vector, 13 accesses per queue, DRIVER_OK. */
static unsigned probe_exits(unsigned queues)
{
    return 2 + 2 * 2 + 2 * 4 + 2 + 1 + 10 + 2 + 13 * queues + 2;
}

/* One pair and the control queue: 70 exits; vhost and vhost-user add 2
 * device requests and 6 per data queue at DRIVER_OK, QEMU's own device
 * none. On an idle core the simulated time is the sum (each exit and
 * request rounded to the picosecond). */
static void test_idle_equals_sum(void)
{
    static const struct {
        const char *backend, *msg_key;
        unsigned msgs;
    } cases[] = {
        { "qemu", NULL, 0 },
        { "vhost", "virtio.vhost_msg", 2 + 6 * 2 },
        { "vhost-user", "virtio.vhost_user_msg", 2 + 6 * 2 },
    };

    for (size_t k = 0; k < G_N_ELEMENTS(cases); k++) {
        g_autofree char *extra = g_strdup_printf(RR "[virtio]\nbackend = %s\n", cases[k].backend);
        struct report *r = run("virtio", extra);
        double want = oracle("virtio", extra, 70, cases[k].msgs, cases[k].msg_key, 0);
        double reset = oracle("virtio", extra, 2, 0, NULL, 0);

        g_test_message("%s: start-up %.3f us (sum %.3f), reset %.3f us", cases[k].backend,
                       1e6 * test_all(r, "virtio_startup_time"), 1e6 * want,
                       1e6 * test_all(r, "virtio_reset_time"));
        g_assert_cmpuint(probe_exits(3), ==, 70);
        g_assert_cmpfloat(test_all(r, "virtio_startup_exits"), ==, 70);
        g_assert_cmpfloat(fabs(test_all(r, "virtio_startup_time") - want), <,
                          ROUNDING(70 + cases[k].msgs));
        /* The reset is the status write (QEMU resets the device inside
         * its exit) and the first read of the driver's loop, which
         * returns 0. */
        g_assert_cmpfloat(fabs(test_all(r, "virtio_reset_time") - reset), <, ROUNDING(2));
        report_free(r);
    }
}

/* Four pairs: 13 accesses more for each of the 6 queues more, 6 set-up
 * requests more for each data queue; a slower exit (hv.exit_mmio_user)
 * makes it slower by its difference per exit. */
static void test_pairs_and_exit_cost(void)
{
    const char *mq = RR "[vm]\nvcpus = 4\n[virtio]\nqueues = 4\n";
    const char *slow = RR "[hv]\nexit_mmio_user = 13464\n";
    struct report *four = run("virtio", mq), *slower = run("virtio", slow);

    g_assert_cmpfloat(test_all(four, "virtio_startup_exits"), ==, probe_exits(9));
    g_assert_cmpfloat(fabs(test_all(four, "virtio_startup_time") -
                           oracle("virtio", mq, probe_exits(9), 2 + 6 * 8, "virtio.vhost_msg", 0)),
                      <, ROUNDING(probe_exits(9) + 50));
    g_assert_cmpfloat(fabs(test_all(slower, "virtio_startup_time") -
                           oracle("virtio", slow, 70, 14, "virtio.vhost_msg", 0)),
                      <, ROUNDING(84));
    report_free(four);
    report_free(slower);
}

/* Two VMs whose vCPUs (and backends) share one core: under EEVDF one VM's
 * probe mostly runs before the other's (about 231 and 463 us), so start-up
 * and reset take longer than on a core of its own; at most both sums, and a
 * switch (host.switch_cost, 2.05 us) and a wake-up from C1 (2 us) for
 * each of the 2 x 84 exits and requests. */
static void test_shared_core(void)
{
    const char *own = RR "[vm]\ncount = 2\n";
    const char *shared = RR "[vm]\ncount = 2\n[host]\ncores = 1\npin_vcpus = false\n";
    struct report *alone = run("virtio", own), *both = run("virtio", shared);
    double t1 = test_all(alone, "virtio_startup_time"), t2 = test_all(both, "virtio_startup_time");

    g_test_message("start-up on own cores %.1f us, on one shared core %.1f us (mean of 2)",
                   1e6 * t1, 1e6 * t2);
    g_assert_cmpfloat(fabs(t1 - oracle("virtio", own, 70, 14, "virtio.vhost_msg", 0)), <,
                      ROUNDING(84));
    g_assert_cmpfloat(t2, >, 1.2 * t1);
    g_assert_cmpfloat(t2, <=, 2 * t1 + 2 * 84 * (4300 / 2.1e9 + 2e-6));
    g_assert_cmpfloat(test_all(both, "virtio_reset_time"), >, test_all(alone, "virtio_reset_time"));
    /* On their own cores both start alike; on one, the later waits for
     * both probes. */
    g_assert_cmpfloat(test_all(alone, "virtio_startup_time_max"), ==, t1);
    g_assert_cmpfloat(test_all(both, "virtio_startup_time_max"), >, t2);
    report_free(alone);
    report_free(both);
}

/* The VM sends nothing before DRIVER_OK: with exits 1,000 times slower
 * (70 x 3.2 ms) the probe outlasts a 20 ms run, which then has no start-up
 * time, no transaction and no packet sent. */
static void test_traffic_waits_for_driver_ok(void)
{
    struct report *slow = run("virtio", RR "[hv]\nexit_mmio_user = 6732000\n");
    struct report *normal = run("virtio", RR);

    g_assert_true(isnan(test_all(slow, "virtio_startup_time")));
    g_assert_cmpfloat(test_all(slow, "sent_total"), ==, 0);
    g_assert_cmpfloat(test_all(normal, "transactions_per_second"), >, 0);
    report_free(slow);
    report_free(normal);
}

/* vDPA: the same probe over its VF's pairs (and the control queue), the
 * ioctls of vhost_dev_start() to vhost-vdpa, then the firmware's work per
 * data virtqueue (vdpa.vq_start): start-up grows with the pairs. */
static void test_vdpa_pairs(void)
{
    double last = 0;

    for (unsigned pairs = 1; pairs <= 4; pairs *= 2) {
        g_autofree char *extra =
            g_strdup_printf(RR "[vm]\nvcpus = %u\n[nic]\nqueues = %u\n", pairs, pairs);
        struct report *r = run("vdpa", extra);
        double t = test_all(r, "vdpa_startup_time");
        double want = oracle("vdpa", extra, probe_exits(2 * pairs + 1), 2 + 6 * 2 * pairs,
                             "virtio.vhost_msg", 2 * pairs);

        g_test_message("vDPA, %u pairs: start-up %.3f ms (sum %.3f)", pairs, 1e3 * t, 1e3 * want);
        g_assert_cmpfloat(test_all(r, "vdpa_startup_exits"), ==, probe_exits(2 * pairs + 1));
        g_assert_cmpfloat(fabs(t - want), <, ROUNDING(probe_exits(2 * pairs + 1) + 20 * pairs));
        g_assert_cmpfloat(t, >, last);
        last = t;
        report_free(r);
    }
}

/* An older QEMU maps the VM's memory at DRIVER_OK (vdpa.map_at =
 * start): vDPA's start-up grows with the memory by vdpa.pin_map per GiB,
 * its probe's reset does not. A newer one maps it when QEMU starts,
 * before the guest's probe: the start-up is the same for any memory. And
 * virtio's does not grow at all: vhost-net reads guest memory through the
 * host's page tables and pins nothing. */
static void test_vdpa_map_grows_with_memory(void)
{
    static const char *const modes[] = { "start", "init" };
    const double mib[] = { 16, 80, 144 };

    for (unsigned k = 0; k < G_N_ELEMENTS(modes); k++) {
        double t[3], reset[3], virtio[3];

        for (unsigned i = 0; i < 3; i++) {
            g_autofree char *extra = g_strdup_printf(RR "[vdpa]\nmap_at = %s\n"
                                                        "[migration]\nmemory = %.0fMiB\n",
                                                     modes[k], mib[i]);
            struct report *r = run("vdpa", extra), *v = run("virtio", extra);

            t[i] = test_all(r, "vdpa_startup_time");
            reset[i] = test_all(r, "vdpa_reset_time");
            virtio[i] = test_all(v, "virtio_startup_time");
            g_test_message("map at %s, %.0f MiB: vDPA start-up %.3f ms", modes[k], mib[i],
                           1e3 * t[i]);
            report_free(r);
            report_free(v);
        }
        for (unsigned i = 1; i < 3; i++) {
            /* 40 ms per GiB: 2.5 ms per 64 MiB. */
            double grow = k == 0 ? 40e-3 / 1024 * (mib[i] - mib[0]) : 0;

            g_assert_cmpfloat(fabs((t[i] - t[0]) - grow), <, 1e-9);
            g_assert_cmpfloat(reset[i], ==, reset[0]);
            g_assert_cmpfloat(virtio[i], ==, virtio[0]);
        }
    }
}

/* A post-copy of VM 0 to host 1; @extra continues [migration] (its memory
 * first). */
static struct report *migrate(const char *strategy, const char *extra)
{
    g_autofree char *ini = g_strdup_printf(
        "[scenario]\nmodel = net\nduration = 30ms\nwarmup = 1ms\n[host]\ncount = 2\n"
        "[fabric]\nleaves = 1\nhosts_per_leaf = 2\nspines = 1\n[io]\nstrategy = %s\n" RR
        "[migration]\nvm = 0\nto = 1\nstart = 5ms\nmode = postcopy\n"
        "wws = 1MiB\ndirty_rate = 0bps\nbandwidth = 8Gbps\nswitchover = 1ms\n%s",
        strategy, extra);

    return test_run_ini(ini, 1);
}

/* A post-copy's downtime is the device's stop at the source (QEMU's
 * vhost_dev_stop(): vhost's 2 requests per data queue; vDPA's suspend,
 * a firmware command per data queue, and its index reads), the
 * switch-over, and the device's start-up at the destination (vhost's 14
 * requests; vDPA's too, and a firmware command per data queue). The
 * downtimes differ by the stops' and start-ups' differences, up to the
 * few microseconds the VMs' packets in flight take to drain. */
static void test_migration_downtime(void)
{
    struct report *virtio = migrate("virtio", "memory = 4MiB\n"),
                  *vdpa = migrate("vdpa", "memory = 4MiB\n");
    double sv = test_all(virtio, "migration_device_start"),
           sd = test_all(vdpa, "migration_device_start");
    double pv = test_all(virtio, "migration_device_stop"),
           pd = test_all(vdpa, "migration_device_stop");
    double dv = test_all(virtio, "migration_downtime"), dd = test_all(vdpa, "migration_downtime");
    double msgs = oracle("virtio", RR, 0, 14, "virtio.vhost_msg", 0);

    g_test_message("device stop at the source: virtio %.3f us, vDPA %.3f us; start-up at the "
                   "destination: virtio %.3f us, vDPA %.3f us; downtime %.3f ms vs %.3f ms",
                   1e6 * pv, 1e6 * pd, 1e6 * sv, 1e6 * sd, 1e3 * dv, 1e3 * dd);
    g_assert_cmpfloat(test_all(virtio, "migration_done"), ==, 1);
    g_assert_cmpfloat(test_all(vdpa, "migration_done"), ==, 1);
    g_assert_cmpfloat(fabs(sv - msgs), <, ROUNDING(14));
    g_assert_cmpfloat(fabs(sd - msgs - 2 * 1e-3), <, ROUNDING(16));
    /* vhost's 4 requests wait for the worker's current work, if any. */
    g_assert_cmpfloat(pv, >=, oracle("virtio", RR, 0, 4, "virtio.vhost_msg", 0) - ROUNDING(4));
    g_assert_cmpfloat(fabs(pd - oracle("vdpa", RR, 0, 3, "virtio.vhost_msg", 0) - 2 * 830e-6), <,
                      ROUNDING(5));
    g_assert_cmpfloat(fabs((dd - dv) - (sd - sv) - (pd - pv)), <, 20e-6);
    g_assert_cmpfloat(dv, >=, 1e-3 + sv + pv);
    report_free(virtio);
    report_free(vdpa);
}

/* An older QEMU maps the VM's memory at the destination's DRIVER_OK,
 * after the switch-over: a post-copy's downtime grows linearly with the
 * memory, by vdpa.pin_map per GiB. QEMU since 2025 maps it when the
 * destination starts, before the migration: the downtime is the same for
 * any memory, and so is a virtio (vhost) VM's, which pins nothing. */
static void test_migration_map_at(void)
{
    const double mib[] = { 4, 36, 68 };
    double old[3], now[3], virtio[3], start[3];

    for (unsigned i = 0; i < 3; i++) {
        g_autofree char *mem = g_strdup_printf("memory = %.0fMiB\n", mib[i]);
        g_autofree char *at_start = g_strdup_printf("%s[vdpa]\nmap_at = start\n", mem);
        struct report *o = migrate("vdpa", at_start), *n = migrate("vdpa", mem),
                      *v = migrate("virtio", mem);

        old[i] = test_all(o, "migration_downtime");
        start[i] = test_all(o, "migration_device_start");
        now[i] = test_all(n, "migration_downtime");
        virtio[i] = test_all(v, "migration_downtime");
        g_test_message("%.0f MiB: downtime, vDPA mapping at DRIVER_OK %.3f ms (device start "
                       "%.3f ms), at QEMU's init %.3f ms; virtio %.3f ms",
                       mib[i], 1e3 * old[i], 1e3 * start[i], 1e3 * now[i], 1e3 * virtio[i]);
        /* Resumed at the destination (the post-copy's push may go on). */
        g_assert_false(isnan(old[i]) || isnan(now[i]) || isnan(virtio[i]));
        report_free(o);
        report_free(n);
        report_free(v);
    }
    for (unsigned i = 1; i < 3; i++) {
        /* 40 ms per GiB: 1.25 ms per 32 MiB. */
        double grow = 40e-3 / 1024 * (mib[i] - mib[0]);

        g_assert_cmpfloat(fabs((start[i] - start[0]) - grow), <, 1e-9);
        g_assert_cmpfloat(fabs((old[i] - old[0]) - grow), <, 20e-6);
        g_assert_cmpfloat(fabs(now[i] - now[0]), <, 20e-6);
        g_assert_cmpfloat(fabs(virtio[i] - virtio[0]), <, 20e-6);
    }
    g_assert_cmpfloat(old[0], >, now[0]);
}

/* A VM that migrates before its device is ready (vDPA's probe takes
 * 1.23 ms, the move comes at about 1 ms): the probe's remaining steps are
 * dropped with the device, the destination's device starts, and the VM
 * resumes and starts sending there. */
static void test_migration_during_probe(void)
{
    g_autofree char *ini = g_strdup_printf(
        "[scenario]\nmodel = net\nduration = 10ms\nwarmup = 1ms\n[host]\ncount = 2\n"
        "[fabric]\nleaves = 1\nhosts_per_leaf = 2\nspines = 1\n[io]\nstrategy = vdpa\n" RR
        "[migration]\nvm = 0\nto = 1\nstart = 1ms\nmode = postcopy\nmemory = 64KiB\n"
        "wws = 64KiB\ndirty_rate = 0bps\nbandwidth = 8Gbps\nswitchover = 0s\n");
    struct report *r = test_run_ini(ini, 1);

    g_assert_cmpfloat(test_all(r, "migration_done"), ==, 1);
    g_assert_cmpfloat(test_value(r, "vm0", "transactions_per_second"), >, 0);
    report_free(r);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/virtio-config/startup/idle-equals-sum", test_idle_equals_sum);
    g_test_add_func("/virtio-config/startup/pairs-and-exit-cost", test_pairs_and_exit_cost);
    g_test_add_func("/virtio-config/startup/shared-core", test_shared_core);
    g_test_add_func("/virtio-config/startup/traffic-waits", test_traffic_waits_for_driver_ok);
    g_test_add_func("/virtio-config/vdpa/pairs", test_vdpa_pairs);
    g_test_add_func("/virtio-config/vdpa/map-grows-with-memory", test_vdpa_map_grows_with_memory);
    g_test_add_func("/virtio-config/migration/downtime", test_migration_downtime);
    g_test_add_func("/virtio-config/migration/map-at", test_migration_map_at);
    g_test_add_func("/virtio-config/migration/during-probe", test_migration_during_probe);
    return g_test_run();
}
