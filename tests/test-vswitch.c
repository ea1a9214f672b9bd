/* The host's Open vSwitch datapath (host/vswitch.c) on the software path:
 * the masks a packet probes grow with the rule set's masks and its cost
 * follows hit + probes x probe; more flows than the EMC holds lower its hit
 * rate; a flow's first packet pays the upcall and later ones do not; a
 * VF's packets never reach the switch; with its costs at zero the switch
 * changes nothing; packets are conserved and the breakdown adds up. */
#include <math.h>
#include <string.h>

#include <glib.h>

#include "../models/host/vswitch.h"
#include "../models/net/net.h"
#include "report.h"
#include "scenario.h"
#include "testlib.h"

#define HEAD     "[scenario]\nmodel = net\nduration = %s\nwarmup = %s\n"
#define HEAD_BAD "[scenario]\nmodel = net\n"
/* The peer sends @flows UDP flows of 64-byte packets to one virtio VM. */
#define RX_FLOWS                                                                        \
    "[io]\nstrategy = virtio\n[workload]\ntype = udp\ndirection = rx\nrate = 200Kpps\n" \
    "size = 64B\nflows = %u\n"

static struct report *run(const char *duration, const char *warmup, const char *body, uint64_t seed)
{
    g_autofree char *ini = g_strdup_printf(HEAD "%s", duration, warmup, body);

    return test_run_ini(ini, seed);
}

/* The closed form: a packet pays the EMC pass for each datapath pass, each
 * probed subtable and, on a miss, the upcall. */
static double closed_form(const struct report *r, double hit, double probe, double upcall)
{
    double n = test_all(r, "vswitch_packets");

    return hit * test_all(r, "vswitch_passes_per_packet") +
           test_all(r, "vswitch_masks_per_packet") * probe +
           test_all(r, "vswitch_upcalls") / n * upcall;
}

/* EMC off, so every packet searches the classifier: one mask is one probe
 * each; more masks spread the 64 flows' megaflows over more subtables, so
 * more are probed before the hit (never more than there are), and the
 * vswitch stage grows by 72 ns a probe. */
static void test_probes_follow_masks(void)
{
    static const unsigned masks[] = { 1, 4, 16, 64 };
    double last = 0, last_stage = 0;

    for (size_t k = 0; k < G_N_ELEMENTS(masks); k++) {
        g_autofree char *body = g_strdup_printf(RX_FLOWS "[vswitch]\ndatapath = ovs\nmasks = %u\n"
                                                         "emc_insert_inv_prob = 0\n",
                                                64u, masks[k]);
        struct report *r = run("20ms", "2ms", body, 3);
        double probes = test_all(r, "vswitch_masks_per_packet");
        double stage = test_all(r, "stage_vswitch");

        g_test_message("masks %u: %.3f probed per packet, stage_vswitch %.1f ns", masks[k], probes,
                       stage * 1e9);
        g_assert_cmpfloat(test_all(r, "vswitch_emc_hits"), ==, 0);
        g_assert_cmpfloat(test_all(r, "vswitch_upcalls"), ==, 0);
        if (masks[k] == 1)
            g_assert_cmpfloat(probes, ==, 1);
        else
            g_assert_cmpfloat(probes, >, last);
        g_assert_cmpfloat(probes, <=, masks[k]);
        g_assert_cmpfloat(fabs(stage - closed_form(r, 83e-9, 72e-9, 12.5e-6)), <, 0.01 * stage);
        g_assert_cmpfloat(stage, >, last_stage);
        last = probes;
        last_stage = stage;
        report_free(r);
    }
}

/* A 16-slot EMC that takes every missed flow: 8 flows fit and nearly
 * every packet hits; 64 flows evict each other and most miss. */
static void test_emc_thrashes(void)
{
    double rate[2];
    static const unsigned flows[] = { 8, 64 };

    for (size_t k = 0; k < 2; k++) {
        g_autofree char *body = g_strdup_printf(RX_FLOWS "[vswitch]\ndatapath = ovs\nmasks = 1\n"
                                                         "emc_entries = 16\n"
                                                         "emc_insert_inv_prob = 1\n",
                                                flows[k]);
        struct report *r = run("20ms", "2ms", body, 5);

        rate[k] = test_all(r, "vswitch_emc_hit_rate");
        g_test_message("%u flows: EMC hit rate %.3f", flows[k], rate[k]);
        g_assert_cmpfloat(test_all(r, "vswitch_emc_hits") + test_all(r, "vswitch_megaflow_hits") +
                              test_all(r, "vswitch_upcalls"),
                          ==, test_all(r, "vswitch_lookups"));
        report_free(r);
    }
    g_assert_cmpfloat(rate[0], >, 0.9);
    g_assert_cmpfloat(rate[1], <, 0.5);
}

/* Four sending vCPUs are four flows: each one's first packet misses and
 * pays the upcall, then its megaflow (and, at 1%, the EMC) takes the rest,
 * however long the run. */
static void test_upcall_once_per_flow(void)
{
    static const char *const durations[] = { "5ms", "20ms" };
    const char *body = "[io]\nstrategy = virtio\n[vm]\nvcpus = 4\n[workload]\ntype = udp\n"
                       "rate = 200Kpps\nsize = 64B\n[vswitch]\ndatapath = ovs\n";
    double lookups = 0;

    for (size_t k = 0; k < G_N_ELEMENTS(durations); k++) {
        struct report *r = run(durations[k], "0s", body, 7);

        g_assert_cmpfloat(test_all(r, "vswitch_upcalls"), ==, 4);
        g_assert_cmpfloat(test_all(r, "vswitch_lookups"), >, lookups);
        g_assert_cmpfloat(test_all(r, "vswitch_emc_hits"), >, 0);
        g_assert_cmpfloat(
            fabs(test_all(r, "vswitch_cost_per_packet") - closed_form(r, 83e-9, 72e-9, 12.5e-6)), <,
            1e-12);
        lookups = test_all(r, "vswitch_lookups");
        report_free(r);
    }
}

/* 64 flows from the peer to one VM: rules on ports give each its
 * megaflow and its upcall; rules on addresses alone give the 64 one
 * megaflow, so one upcall, and the others' first packets hit it. Either
 * way each flow has its own EMC entry. */
static void test_megaflow_follows_match(void)
{
    static const char *const match[] = { "ports", "addresses" };
    static const double upcalls[] = { 64, 1 };

    for (size_t k = 0; k < 2; k++) {
        g_autofree char *body =
            g_strdup_printf(RX_FLOWS "[vswitch]\ndatapath = ovs\nmatch = %s\n", 64u, match[k]);
        struct report *r = run("10ms", "0s", body, 23);

        g_assert_cmpfloat(test_all(r, "vswitch_upcalls"), ==, upcalls[k]);
        g_assert_cmpfloat(test_all(r, "vswitch_megaflow_hits"), >=, 64 - upcalls[k]);
        g_assert_cmpfloat(test_all(r, "vswitch_emc_hits"), >, 0);
        report_free(r);
    }
}

/* virtio and SR-IOV VMs side by side on one host behind an OVS datapath:
 * the virtio group's packets pay the switch, the VF group's none. */
static void test_vf_bypasses_switch(void)
{
    struct report *r = run("10ms", "1ms",
                           "[group v]\nnet = virtio\ncount = 2\n[group s]\nnet = sriov\ncount = 2\n"
                           "[workload]\ntype = udp\nrate = 100Kpps\nsize = 64B\n"
                           "[vswitch]\ndatapath = ovs\nmasks = 8\n",
                           11);

    g_assert_cmpfloat(test_value(r, "group.v", "stage_vswitch"), >, 0);
    g_assert_cmpfloat(test_value(r, "group.s", "stage_vswitch"), ==, 0);
    g_assert_cmpfloat(test_value(r, "group.s", "throughput"), >, 0);
    test_check_net_conservation(r);
    report_free(r);
}

/* The default bridge reports no switch; an OVS datapath whose costs are
 * all zero gives the bridge's results exactly. */
static void test_free_switch_is_bridge(void)
{
    static const char *const metrics[] = { "throughput", "latency_mean", "host_cpu",
                                           "received_total" };
    g_autofree char *bridge = g_strdup_printf(RX_FLOWS, 16u);
    g_autofree char *free_ovs =
        g_strdup_printf(RX_FLOWS "[vswitch]\ndatapath = ovs\nemc_hit = 0ns\n"
                                 "probe = 0ns\nupcall = 0ns\n",
                        16u);
    struct report *a = run("10ms", "1ms", bridge, 13);
    struct report *b = run("10ms", "1ms", free_ovs, 13);

    g_assert_false(report_find(a, "all", "vswitch_lookups"));
    g_assert_cmpfloat(test_all(a, "stage_vswitch"), ==, 0);
    g_assert_cmpfloat(test_all(b, "vswitch_lookups"), >, 1000);
    for (size_t k = 0; k < G_N_ELEMENTS(metrics); k++)
        g_assert_cmpfloat(test_all(a, metrics[k]), ==, test_all(b, metrics[k]));
    report_free(a);
    report_free(b);
}

/* VM to VM across two hosts with a vSwitch core each: switched on both
 * hosts (two lookups a packet), packets conserved, every picosecond in
 * one stage. */
static void test_cross_host_conserves(void)
{
    struct report *r = run("10ms", "1ms",
                           "[host]\ncount = 2\nvswitch_cores = 1\n[io]\nstrategy = virtio\n"
                           "[workload]\ntype = stream\ntarget = remote\n"
                           "[vswitch]\ndatapath = ovs\nmasks = 8\n",
                           17);

    test_check_net_conservation(r);
    test_check_breakdown(r, "all", "latency_mean", net_stage_names, NET_N_STAGES, 1e-9);
    g_assert_cmpfloat(test_all(r, "stage_vswitch"), >, 2 * 83e-9 * (1 - 1e-9));
    report_free(r);
}

/* On the VXLAN overlay the receiving host's switch decapsulates and the
 * inner packet recirculates: every packet crosses the sender's datapath
 * once and the receiver's twice, 1.5 passes a switching; off the overlay,
 * one. A request/response loop, so every packet crosses both hosts. */
static void test_decap_recirculates(void)
{
    static const char *const vxlan[] = { "false", "true" };
    static const double passes[] = { 1.0, 1.5 };

    for (size_t k = 0; k < 2; k++) {
        g_autofree char *body =
            g_strdup_printf("[host]\ncount = 2\n[io]\nstrategy = virtio\n"
                            "[workload]\ntype = rr\ntarget = remote\n"
                            "[fabric]\nleaves = 1\nhosts_per_leaf = 2\nvxlan = %s\n"
                            "[vswitch]\ndatapath = ovs\n",
                            vxlan[k]);
        struct report *r = run("10ms", "1ms", body, 19);

        g_test_message("vxlan %s: %.4f passes per packet", vxlan[k],
                       test_all(r, "vswitch_passes_per_packet"));
        /* The run's ends cut a few packets between their two hosts. */
        g_assert_cmpfloat(fabs(test_all(r, "vswitch_passes_per_packet") - passes[k]), <, 1e-3);
        g_assert_cmpfloat(
            fabs(test_all(r, "vswitch_cost_per_packet") - closed_form(r, 83e-9, 72e-9, 12.5e-6)), <,
            1e-12);
        test_check_net_conservation(r);
        report_free(r);
    }
}

/* The estimate of the world's memory counts an EMC per core: 16 bytes a
 * slot, none for a bridge; a million-slot EMC on 64 cores names its key. */
static void test_memory_estimate(void)
{
    struct scenario *bridge = test_load(HEAD_BAD "[host]\ncores = 64\n");
    struct scenario *ovs = test_load(HEAD_BAD "[host]\ncores = 64\n"
                                              "[vswitch]\ndatapath = ovs\nemc_entries = 1048576\n");
    g_autoptr(GString) keys = g_string_new(NULL);
    uint64_t base = scenario_mem_estimate(bridge, NULL);

    g_assert_cmpuint(scenario_mem_estimate(ovs, keys), ==, base + 64ull * 1048576 * 16);
    g_assert_nonnull(strstr(keys->str, "vswitch.emc_entries"));
    scenario_free(bridge);
    scenario_free(ovs);
}

/* The kernel datapath's flow table is the host's: a flow one CPU's packet
 * installed is there for another CPU's, where the userspace datapath's
 * every thread installs its own (driven directly, two cores, one flow). */
static void test_kernel_shares_megaflows(void)
{
    static const char *const dp[] = { "ovs", "ovs-kernel" };
    static const uint64_t upcalls[] = { 2, 1 };

    for (size_t k = 0; k < 2; k++) {
        g_autofree char *ini = g_strdup_printf(HEAD_BAD "[vswitch]\ndatapath = %s\n", dp[k]);
        struct scenario *sc = test_load(ini);
        struct sim *sim = sim_new(1);
        struct vswitch vs;

        vswitch_init(&vs, sim, sc, 2, "host0");
        for (unsigned core = 0; core < 2; core++)
            vswitch_lookup(&vs, core, 42, false, 0);
        g_assert_cmpuint(vs.st.upcalls, ==, upcalls[k]);
        g_assert_cmpuint(vs.st.packets, ==, 2);
        vswitch_release(&vs);
        sim_free(sim);
        scenario_free(sc);
    }
}

/* 64 flows over 64 masks: the kernel's mask cache remembers each flow's
 * subtable, so a packet probes one where the userspace classifier (its
 * EMC off) searches a dozen or more. */
static void test_kernel_mask_cache(void)
{
    g_autofree char *kernel =
        g_strdup_printf(RX_FLOWS "[vswitch]\ndatapath = ovs-kernel\nmasks = 64\n", 64u);
    g_autofree char *user = g_strdup_printf(
        RX_FLOWS "[vswitch]\ndatapath = ovs\nmasks = 64\nemc_insert_inv_prob = 0\n", 64u);
    struct report *k = run("20ms", "2ms", kernel, 29);
    struct report *u = run("20ms", "2ms", user, 29);

    g_test_message("masks probed per packet: kernel %.3f, userspace %.3f",
                   test_all(k, "vswitch_masks_per_packet"),
                   test_all(u, "vswitch_masks_per_packet"));
    g_assert_cmpfloat(test_all(k, "vswitch_mask_cache_hits"), >,
                      0.99 * test_all(k, "vswitch_lookups"));
    g_assert_cmpfloat(test_all(k, "vswitch_masks_per_packet"), <, 1.01);
    g_assert_cmpfloat(test_all(u, "vswitch_masks_per_packet"), >, 10);
    g_assert_cmpfloat(test_all(k, "vswitch_emc_hits"), ==, 0);
    g_assert_cmpfloat(
        fabs(test_all(k, "vswitch_cost_per_packet") - closed_form(k, 83e-9, 72e-9, 12.5e-6)), <,
        1e-12);
    report_free(k);
    report_free(u);
}

static void test_bad_input(void)
{
    test_expect_refused(HEAD_BAD "[vswitch]\nmasks = 0\n", "vswitch.masks", NULL);
    test_expect_refused(HEAD_BAD "[vswitch]\ndatapath = vpp\n", "vswitch.datapath", NULL);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/vswitch/probes-follow-masks", test_probes_follow_masks);
    g_test_add_func("/vswitch/emc-thrashes", test_emc_thrashes);
    g_test_add_func("/vswitch/upcall-once-per-flow", test_upcall_once_per_flow);
    g_test_add_func("/vswitch/megaflow-follows-match", test_megaflow_follows_match);
    g_test_add_func("/vswitch/vf-bypasses-switch", test_vf_bypasses_switch);
    g_test_add_func("/vswitch/free-switch-is-bridge", test_free_switch_is_bridge);
    g_test_add_func("/vswitch/cross-host-conserves", test_cross_host_conserves);
    g_test_add_func("/vswitch/decap-recirculates", test_decap_recirculates);
    g_test_add_func("/vswitch/memory-estimate", test_memory_estimate);
    g_test_add_func("/vswitch/kernel/shares-megaflows", test_kernel_shares_megaflows);
    g_test_add_func("/vswitch/kernel/mask-cache", test_kernel_mask_cache);
    g_test_add_func("/vswitch/bad-input", test_bad_input);
    return g_test_run();
}
