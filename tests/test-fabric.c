/* Tests for the fabric model: the flow table's LRU and idle expiry against
 * an independent reference; conservation of flows and packets and an FCT
 * breakdown that adds up exactly, in every mode; determinism; the
 * controller as an M/M/1 queue (closed form within the 95% CI of 10
 * replications); Tootoonchian et al.'s "a 10 ms setup adds ~10% delay"
 * (Hot-ICE 2012, section 1); VXLAN's exact 50 bytes; proactive and DevoFlow
 * modes; and bad input as one-line errors naming file, line and key. */
#include <math.h>
#include <string.h>

#include <glib.h>

#include "../models/fabric/fabric.h"
#include "../models/fabric/flow_table.h"
#include "report.h"
#include "runner.h"
#include "scenario.h"
#include "sim.h"
#include "stats.h"
#include "testlib.h"

/* Sum of the stage means vs the mean of the sums: the same integers summed
 * in another order in floating point. */
#define BREAKDOWN_REL 1e-9
/* Closed-form checks: within this many 95% half-widths (as test-queue.c). */
#define TOL_CI 1.5

static struct scenario *load(const char *body)
{
    g_autofree char *ini = g_strdup_printf("[scenario]\nname = t\nmodel = fabric\n%s", body);
    return test_load(ini);
}

static struct report *run_ini(const char *body, uint64_t seed)
{
    struct scenario *sc = load(body);
    struct report *r = test_run(sc, seed);

    scenario_free(sc);
    return r;
}

static double stage_sum(const struct report *r)
{
    double sum = 0;

    for (unsigned s = 0; s < fabric_n_stages; s++) {
        g_autofree char *name = g_strdup_printf("stage_%s", fabric_stage_names[s]);

        sum += test_all(r, name);
    }
    return sum;
}

/* ---- the flow table against a reference LRU ---- */

/* A plain array kept in recency order: obviously right, O(n) per access. */
struct ref_lru {
    uint64_t keys[64];
    sim_time used[64];
    unsigned n, cap;
    sim_time idle;
    uint64_t misses, evictions, expirations;
};

static bool ref_access(struct ref_lru *r, uint64_t key, sim_time now)
{
    /* Drop every entry idle for too long: expiry, not eviction. (The table
     * meets its dead entries lazily, so only hits, misses and evictions are
     * compared one for one.) */
    for (unsigned i = 0; i < r->n;) {
        if (r->idle > 0 && now - r->used[i] >= r->idle) {
            memmove(&r->keys[i], &r->keys[i + 1], (r->n - i - 1) * sizeof(r->keys[0]));
            memmove(&r->used[i], &r->used[i + 1], (r->n - i - 1) * sizeof(r->used[0]));
            r->n--;
            r->expirations++;
            continue;
        }
        i++;
    }
    for (unsigned i = 0; i < r->n; i++) {
        if (r->keys[i] == key) { /* hit: move to the front */
            memmove(&r->keys[1], &r->keys[0], i * sizeof(r->keys[0]));
            memmove(&r->used[1], &r->used[0], i * sizeof(r->used[0]));
            r->keys[0] = key;
            r->used[0] = now;
            return true;
        }
    }
    r->misses++;
    if (r->n == r->cap) {
        r->n--;
        r->evictions++;
    }
    memmove(&r->keys[1], &r->keys[0], r->n * sizeof(r->keys[0]));
    memmove(&r->used[1], &r->used[0], r->n * sizeof(r->used[0]));
    r->keys[0] = key;
    r->used[0] = now;
    r->n++;
    return false;
}

/* A hand-checked sequence in a 3-entry table:
 *   1 2 3 (3 misses) 1 (hit) 4 (miss, evicts 2) 2 (miss, evicts 3)
 *   1 (hit) 3 (miss, evicts 4) 4 (miss, evicts 2) 1 (hit)
 * = 7 misses, 4 evictions, 3 hits. */
static void test_table_crafted(void)
{
    static const uint64_t seq[] = { 1, 2, 3, 1, 4, 2, 1, 3, 4, 1 };
    struct flow_table t;

    flow_table_init(&t, 3, 0);
    for (unsigned i = 0; i < G_N_ELEMENTS(seq); i++)
        if (!flow_table_lookup(&t, seq[i], (sim_time)i))
            flow_table_insert(&t, seq[i], (sim_time)i);
    g_assert_cmpuint(t.lookups, ==, 10);
    g_assert_cmpuint(t.misses, ==, 7);
    g_assert_cmpuint(t.evictions, ==, 4);
    g_assert_cmpuint(t.used, ==, 3);
    g_assert_true(flow_table_lookup(&t, 1, 10));
    g_assert_true(flow_table_lookup(&t, 4, 10));
    g_assert_true(flow_table_lookup(&t, 3, 10));
    g_assert_false(flow_table_lookup(&t, 2, 10));
    flow_table_release(&t);
}

/* 20,000 random accesses over 40 keys against the reference, for several
 * capacities, without and with an idle timeout. Keys collide in the hash
 * (capacity 1..33 in a table of 2..128 slots), so deletions exercise the
 * backward shift. */
static void test_table_reference(void)
{
    static const unsigned caps[] = { 1, 2, 7, 16, 33 };
    static const sim_time idles[] = { 0, 25 };
    GRand *rand = g_rand_new_with_seed(7);

    for (unsigned c = 0; c < G_N_ELEMENTS(caps); c++) {
        for (unsigned d = 0; d < G_N_ELEMENTS(idles); d++) {
            struct flow_table t;
            struct ref_lru ref = { .cap = caps[c], .idle = idles[d] };
            sim_time now = 0;

            flow_table_init(&t, caps[c], idles[d]);
            for (unsigned i = 0; i < 20000; i++) {
                uint64_t key = 1000 + (uint64_t)g_rand_int_range(rand, 0, 40);
                bool hit;

                now += g_rand_int_range(rand, 0, 3);
                hit = flow_table_lookup(&t, key, now);
                if (!hit)
                    flow_table_insert(&t, key, now);
                g_assert_cmpint(hit, ==, ref_access(&ref, key, now));
                if (idles[d] == 0)
                    g_assert_cmpuint(t.used, ==, ref.n);
                else
                    g_assert_cmpuint(t.used, >=, ref.n); /* dead entries not met yet */
            }
            g_assert_cmpuint(t.misses, ==, ref.misses);
            g_assert_cmpuint(t.evictions, ==, ref.evictions);
            /* Dead entries the table has met are a subset of those the
             * reference dropped; with room to spare, some are met. */
            g_assert_cmpuint(t.expirations, <=, ref.expirations);
            if (idles[d] > 0 && caps[c] == 33)
                g_assert_cmpuint(t.expirations, >, 0);
            /* Every live key in the reference is found in the table. */
            for (unsigned k = 0; k < ref.n; k++)
                g_assert_true(flow_table_lookup(&t, ref.keys[k], now));
            flow_table_release(&t);
        }
    }
    g_rand_free(rand);
}

/* Idle expiry is exact: an entry used at t is alive at t + idle - 1 and
 * dead at t + idle; a dead entry makes room without an eviction. */
static void test_table_idle(void)
{
    struct flow_table t;

    flow_table_init(&t, 2, 100);
    flow_table_insert(&t, 1, 0);
    flow_table_insert(&t, 2, 50);
    g_assert_true(flow_table_lookup(&t, 1, 99)); /* refreshed at 99 */
    flow_table_insert(&t, 3, 150);               /* 2 is dead at 150: no eviction */
    g_assert_cmpuint(t.evictions, ==, 0);
    g_assert_cmpuint(t.expirations, ==, 1);
    g_assert_true(flow_table_lookup(&t, 1, 198));
    g_assert_false(flow_table_lookup(&t, 3, 250)); /* dead at 250 */
    g_assert_cmpuint(t.expirations, ==, 2);
    flow_table_release(&t);
}

/* ---- the model ---- */

/* A busy fabric: 4:1 oversubscribed uplinks, shallow buffers (drops and
 * resends), a small flow table with an idle timeout (evictions and
 * expiries), vswitch cost and VXLAN. Flows of mean 60 KB: the default
 * web-search sizes (1.7 MB) would offer 5.5 Gb/s a host and take 25 times
 * as long to simulate. */
#define BUSY                                                                    \
    "duration = 200ms\nwarmup = 20ms\n[fabric]\noversubscription = 4\n"         \
    "flow_size = pareto(1.2, 10KB)\n"                                           \
    "buffer = 16KiB\nflow_rate = 400pps\ntable_size = 32\nidle_timeout = 5ms\n" \
    "vswitch_packet = 300ns\nvxlan = true\nvxlan_cpu = 0.35\nrto = 200us\n"

static void check_conservation(const struct report *r)
{
    g_assert_cmpfloat(test_all(r, "flows_arrived_total"), ==,
                      test_all(r, "flows_completed_total") + test_all(r, "flows_active"));
    g_assert_cmpfloat(test_all(r, "packets_created_total"), ==,
                      test_all(r, "packets_delivered_total") + test_all(r, "packets_in_flight"));
    /* Every drop is resent once its timeout fires. */
    g_assert_cmpfloat(test_all(r, "retransmits_total"), <=, test_all(r, "drops_total"));
    g_assert_cmpfloat(test_all(r, "flows_completed"), >, 0);
}

static void test_conservation(void)
{
    static const char *const modes[] = { "reactive", "proactive", "devoflow" };

    for (unsigned i = 0; i < G_N_ELEMENTS(modes); i++) {
        g_autofree char *ini = g_strdup_printf(BUSY "mode = %s\n", modes[i]);
        struct report *r = run_ini(ini, 1);
        double sum = stage_sum(r), fct = test_all(r, "fct_mean");

        check_conservation(r);
        g_assert_cmpfloat(test_all(r, "drops"), >, 0);
        g_assert_cmpfloat(test_all(r, "retransmits_total"), >, 0);
        g_assert_cmpfloat(test_all(r, "stage_retransmit"), >, 0);
        g_assert_cmpfloat(test_all(r, "stage_vswitch"), >, 0);
        g_assert_cmpfloat(test_all(r, "vswitch_cpu"), >, 0);
        /* The breakdown of the completing packets adds up to the mean FCT. */
        g_assert_cmpfloat(fabs(sum - fct), <=, BREAKDOWN_REL * fct);
        if (strcmp(modes[i], "reactive") == 0) {
            g_assert_cmpfloat(test_all(r, "table_evictions"), >, 0);
            g_assert_cmpfloat(test_all(r, "table_expirations"), >, 0);
            g_assert_cmpfloat(test_all(r, "stage_setup"), >, 0);
            g_assert_cmpfloat(test_all(r, "stage_controller"), >, 0);
        }
        report_free(r);
    }
}

static void test_breakdown_default(void)
{
    struct report *r = run_ini("duration = 300ms\nwarmup = 30ms\n", 3);
    double fct = test_all(r, "fct_mean");

    check_conservation(r);
    g_assert_cmpfloat(fabs(stage_sum(r) - fct), <=, BREAKDOWN_REL * fct);
    g_assert_cmpfloat(test_all(r, "fct_p50"), <=, test_all(r, "fct_p99"));
    g_assert_cmpfloat(test_all(r, "fct_slowdown"), >=, 1.0);
    g_assert_cmpfloat(test_all(r, "fct_short_mean"), <, test_all(r, "fct_long_mean"));
    report_free(r);
}

static void test_determinism(void)
{
    struct report *a = run_ini(BUSY, 42);
    struct report *b = run_ini(BUSY, 42);
    struct report *c = run_ini(BUSY, 43);

    test_assert_same_report(a, b);
    g_assert_cmpfloat(test_all(a, "fct_mean"), !=, test_all(c, "fct_mean"));
    report_free(a);
    report_free(b);
    report_free(c);
}

/* One-packet flows, a table large enough never to evict a live rule: every
 * flow sends exactly one setup to the controller, and setups arrive as the
 * flows do (a Poisson process shifted by the control delay). With
 * exponential service the controller is M/M/1: mean time in it 1/(mu -
 * lambda). lambda = 64 hosts x 375/s = 24,000/s, mu = 30,000/s. */
static void test_controller_mm1(void)
{
    const double lambda = 64 * 375.0, mu = 30000.0;
    const double theory = 1.0 / (mu - lambda), wrong = 1.0 / mu;
    struct welford w, u;

    welford_init(&w);
    welford_init(&u);
    for (uint64_t seed = 1; seed <= 10; seed++) {
        struct report *r = run_ini("duration = 1s\nwarmup = 100ms\n[fabric]\nflow_rate = 375pps\n"
                                   "flow_size = det(1000B)\ntable_size = 100000\n"
                                   "control_delay = 50us\ninstall_latency = 1ms\n",
                                   seed);

        welford_add(&w, test_all(r, "controller_sojourn_mean"));
        /* A flow's only packet waits for the whole setup: the controller's
         * part is its own stage, the rest is exactly the 50 us channel and
         * the 1 ms install. */
        g_assert_cmpfloat(fabs(test_all(r, "stage_setup") - 1.05e-3), <, 1e-12);
        g_assert_cmpfloat(
            fabs(test_all(r, "stage_controller") / test_all(r, "controller_sojourn_mean") - 1), <,
            0.05);
        welford_add(&u, test_all(r, "controller_utilization"));
        /* One setup per flow: the controller sees the flow arrivals. */
        g_assert_cmpfloat(fabs(test_all(r, "flow_setup_rate") / lambda - 1), <, 0.03);
        g_assert_cmpfloat(test_all(r, "table_evictions"), ==, 0);
        report_free(r);
    }
    double ci = ci95_halfwidth(sqrt(welford_variance(&w)), w.n);

    g_test_message("controller sojourn %.2f +- %.2f us, M/M/1 %.2f us", 1e6 * welford_mean(&w),
                   1e6 * ci, 1e6 * theory);
    g_assert_cmpfloat(fabs(welford_mean(&w) - theory), <=, TOL_CI * ci);
    g_assert_cmpfloat(fabs(wrong - theory), >, TOL_CI * ci); /* the band can fail */
    g_assert_cmpfloat(fabs(welford_mean(&u) - lambda / mu), <, 0.02);
}

/* The setup delay as the controller saturates: M/M/1's 1/(mu - lambda)
 * shape, growing faster than linearly in the load. Flows of mean 60 KB, so
 * that the links stay far from saturation (web-search sizes would offer
 * 6 Gb/s a host at 440 flows/s). */
static void test_controller_saturates(void)
{
    static const char *const rates[] = { "150pps", "300pps", "440pps" };
    double setup[3], shortf[3];

    for (unsigned i = 0; i < 3; i++) {
        g_autofree char *ini =
            g_strdup_printf("duration = 400ms\nwarmup = 50ms\n[fabric]\nflow_rate = %s\nflow_size "
                            "= pareto(1.2, 10KB)\n",
                            rates[i]);
        struct report *r = run_ini(ini, 5);

        setup[i] = test_all(r, "flow_setup_mean");
        shortf[i] = test_all(r, "fct_short_mean");
        report_free(r);
    }
    g_assert_cmpfloat(setup[0], <, setup[1]);
    g_assert_cmpfloat(setup[1], <, setup[2]);
    g_assert_cmpfloat(setup[2] - setup[1], >, setup[1] - setup[0]); /* convex */
    g_assert_cmpfloat(shortf[0], <, shortf[2]);
}

/* Tootoonchian et al. (Hot-ICE 2012, section 1): "the 10ms flow setup delay
 * of an SDN controller would add a 10% delay to the majority of flows
 * (short-lived)". A 10 ms setup (100 us of controller work + 9.9 ms to
 * install) on an idle fabric adds 10 ms to every flow; that is ~10% of the
 * flow only if the flow lasts ~100 ms without it: 12.5 MB at 1 Gb/s.
 * At data-centre line rates a "short" flow (100 KB at 10 Gb/s) lasts about
 * 100 us, and the same setup multiplies its FCT by ~100: the published 10%
 * assumes flows that last ~100 ms. */
static double added_delay(const char *size, const char *rate, double *base)
{
    g_autofree char *fmt = g_strdup_printf(
        "duration = 3s\n[fabric]\nflow_rate = 0.1pps\nflow_size = det(%s)\nhost_rate = %s\n"
        "control_delay = 0s\ncontroller_service = det(100us)\ninstall_latency = 9.9ms\n"
        "mode = %%s\n",
        size, rate);
    g_autofree char *pro = g_strdup_printf(fmt, "proactive");
    g_autofree char *rea = g_strdup_printf(fmt, "reactive");
    struct report *p = run_ini(pro, 11);
    struct report *r = run_ini(rea, 11);
    double d;

    *base = test_all(p, "fct_mean");
    d = test_all(r, "fct_mean") - *base;
    g_assert_cmpfloat(fabs(test_all(r, "flow_setup_mean") - 10e-3), <, 1e-5);
    g_assert_cmpfloat(test_all(p, "flow_setups"), ==, 0);
    report_free(p);
    report_free(r);
    return d;
}

static void test_setup_10ms(void)
{
    double base_long, base_short;
    double add_long = added_delay("12.5MB", "1Gbps", &base_long);
    double add_short = added_delay("100KB", "10Gbps", &base_short);

    g_test_message("10 ms setup: +%.1f%% on %.1f ms flows, +%.0f%% on %.0f us flows",
                   100 * add_long / base_long, 1e3 * base_long, 100 * add_short / base_short,
                   1e6 * base_short);
    /* The setup adds its own 10 ms, whatever the flow... */
    g_assert_cmpfloat(fabs(add_long - 10e-3), <, 0.5e-3);
    g_assert_cmpfloat(fabs(add_short - 10e-3), <, 0.5e-3);
    /* ... which is ~10% (8-12%) of a 100 ms flow, ... */
    g_assert_cmpfloat(add_long / base_long, >, 0.08);
    g_assert_cmpfloat(add_long / base_long, <, 0.12);
    /* ... and far more than 10% of a short flow at 10 Gb/s. */
    g_assert_cmpfloat(add_short / base_short, >, 10.0);
}

/* VXLAN adds exactly 50 bytes per frame: on 2 links at 10 Gb/s, 2 x 400
 * bits x 100 ps = 80,000 ps more serialization for a one-packet flow. */
static void test_vxlan_bytes(void)
{
    const char *fmt = "duration = 1s\n[fabric]\nleaves = 1\nhosts_per_leaf = 2\n"
                      "flow_rate = 1000pps\nflow_size = det(1000B)\nvxlan = %s\n";
    g_autofree char *off_ini = g_strdup_printf(fmt, "false");
    g_autofree char *on_ini = g_strdup_printf(fmt, "true");
    struct report *off = run_ini(off_ini, 2);
    struct report *on = run_ini(on_ini, 2);
    /* one frame: 1000 B payload + 40 B TCP/IP + 38 B Ethernet framing */
    double ser = 2 * (1000.0 + 40 + 38) * 8 / 10e9;

    g_assert_cmpfloat(fabs(test_all(off, "stage_serialization") - ser), <=, 1e-12 * ser);
    g_assert_cmpfloat(
        fabs(test_all(on, "stage_serialization") - test_all(off, "stage_serialization") - 80e-9),
        <=, 1e-15);
    /* Same flows, same payload: the goodput is the same, the wire busier. */
    g_assert_cmpfloat(fabs(test_all(on, "throughput") / test_all(off, "throughput") - 1), <, 1e-3);
    g_assert_cmpfloat(test_all(on, "link_utilization_host_up_mean"), >,
                      test_all(off, "link_utilization_host_up_mean"));
    report_free(off);
    report_free(on);
}

/* A long flow alone is limited by the wire: its goodput is the line rate
 * times payload / frame bytes, 1460/1538 without VXLAN and 1460/1588 with. */
static void test_vxlan_goodput(void)
{
    const char *fmt = "duration = 20s\n[fabric]\nleaves = 1\nhosts_per_leaf = 2\n"
                      "\nflow_rate = 0.2pps\nflow_size = det(10MB)\nwindow = 1MiB\n"
                      "mode = proactive\nvxlan = %s\n";
    g_autofree char *off_ini = g_strdup_printf(fmt, "false");
    g_autofree char *on_ini = g_strdup_printf(fmt, "true");
    struct report *off = run_ini(off_ini, 4);
    struct report *on = run_ini(on_ini, 4);
    double g_off = test_all(off, "flow_goodput_mean"), g_on = test_all(on, "flow_goodput_mean");

    g_test_message("goodput %.4f Gb/s, VXLAN %.4f Gb/s", g_off / 1e9, g_on / 1e9);
    g_assert_cmpfloat(fabs(g_off / (10e9 * 1460 / 1538) - 1), <, 0.005);
    g_assert_cmpfloat(fabs(g_on / (10e9 * 1460 / 1588) - 1), <, 0.005);
    report_free(off);
    report_free(on);
}

/* Reactive, one switch (one leaf), one-packet flows spaced far apart, a
 * table of N entries that never expire: each flow misses once, is
 * installed once, and every install past the N-th evicts one entry. */
static void test_table_model_exact(void)
{
    struct report *r = run_ini("duration = 1s\n[fabric]\nleaves = 1\nhosts_per_leaf = 2\n"
                               "flow_rate = 50pps\nflow_size = det(100B)\ntable_size = 5\n"
                               "idle_timeout = 0s\n",
                               9);
    double flows = test_all(r, "flows_arrived_total");

    g_assert_cmpfloat(flows, >, 30);
    /* Every lookup is a flow's only packet, new to the table: a miss. The
     * last flow's packet may still be on its way to the switch. */
    g_assert_cmpfloat(test_all(r, "table_lookups"), ==, test_all(r, "table_misses"));
    g_assert_cmpfloat(test_all(r, "table_misses"), <=, flows);
    g_assert_cmpfloat(test_all(r, "table_misses"), >=, flows - 1);
    g_assert_cmpfloat(test_all(r, "flow_setups"), ==, test_all(r, "table_misses"));
    /* One install per setup answered (the last may still be under way), and
     * past the fifth each evicts exactly one entry. */
    g_assert_cmpfloat(test_all(r, "table_inserts"), <=, test_all(r, "flow_setups"));
    g_assert_cmpfloat(test_all(r, "table_inserts"), >=, test_all(r, "flow_setups") - 1);
    g_assert_cmpfloat(test_all(r, "table_evictions"), ==, test_all(r, "table_inserts") - 5);
    g_assert_cmpfloat(test_all(r, "table_expirations"), ==, 0);
    g_assert_cmpfloat(test_all(r, "table_occupancy_max"), ==, 5);
    report_free(r);
}

static void test_proactive_devoflow(void)
{
    /* sdn-controller.ini's sizes: 0.4% of flows pass 1 MB, 4.7% the 128 KB
     * threshold (under the default web-search table 44% do). */
    const char *base =
        "duration = 300ms\nwarmup = 30ms\n[fabric]\nmode = %s\nflow_size = pareto(1.2, 10KB)\n";
    g_autofree char *p_ini = g_strdup_printf(base, "proactive");
    g_autofree char *r_ini = g_strdup_printf(base, "reactive");
    g_autofree char *d_ini = g_strdup_printf(base, "devoflow");
    struct report *p = run_ini(p_ini, 6), *r = run_ini(r_ini, 6), *d = run_ini(d_ini, 6);

    g_assert_cmpfloat(test_all(p, "table_misses"), ==, 0);
    g_assert_cmpfloat(test_all(p, "table_miss_rate"), ==, 0);
    g_assert_cmpfloat(test_all(p, "flow_setups"), ==, 0);
    g_assert_cmpfloat(test_all(p, "stage_setup"), ==, 0);
    g_assert_cmpfloat(test_all(p, "stage_controller"), ==, 0);
    g_assert_cmpfloat(test_all(p, "fct_mean"), <, test_all(r, "fct_mean"));
    /* DevoFlow: only elephants get rules, and nobody waits for them. */
    g_assert_cmpfloat(test_all(d, "stage_setup") + test_all(d, "stage_controller"), ==, 0);
    g_assert_cmpfloat(test_all(d, "flow_setups"), >, 0);
    g_test_message("setups: reactive %.0f, devoflow %.0f (%.1fx fewer); inserts %.0f vs %.0f",
                   test_all(r, "flow_setups"), test_all(d, "flow_setups"),
                   test_all(r, "flow_setups") / test_all(d, "flow_setups"),
                   test_all(r, "table_inserts"), test_all(d, "table_inserts"));
    g_assert_cmpfloat(test_all(d, "flow_setups"), <, test_all(r, "flow_setups") / 10);
    g_assert_cmpfloat(test_all(d, "table_inserts"), <, test_all(r, "table_inserts") / 10);
    g_assert_cmpfloat(test_all(d, "fct_mean"), <, test_all(r, "fct_mean"));
    report_free(p);
    report_free(r);
    report_free(d);
}

/* The uplink rate follows the oversubscription ratio exactly; the same
 * flows (same seed) then keep the uplinks 20 times as busy; ECMP spreads
 * flows over the spines; flows inside one leaf never reach a spine. */
static void test_topology(void)
{
    /* Sizes of mean 60 KB keep even the 1:20 uplinks unsaturated (under
     * the default web-search table they would carry 2.7 Gb/s each). */
    const char *fmt = "duration = 200ms\nwarmup = 20ms\n[fabric]\nmode = proactive\n"
                      "flow_size = pareto(1.2, 10KB)\noversubscription = %s\n";
    g_autofree char *one_ini = g_strdup_printf(fmt, "1");
    g_autofree char *twenty_ini = g_strdup_printf(fmt, "20");
    struct report *one = run_ini(one_ini, 8), *twenty = run_ini(twenty_ini, 8);
    struct report *leaf = run_ini("duration = 50ms\n[fabric]\nleaves = 1\n", 8);
    double u1 = test_all(one, "link_utilization_leaf_up_mean");
    double u20 = test_all(twenty, "link_utilization_leaf_up_mean");

    /* 16 hosts x 10 Gb/s over 4 spines: 40 Gb/s per uplink, 2 Gb/s at 1:20 */
    g_assert_cmpfloat(test_all(one, "uplink_rate"), ==, 40e9);
    g_assert_cmpfloat(test_all(twenty, "uplink_rate"), ==, 2e9);
    g_assert_cmpfloat(fabs(u20 / u1 / 20 - 1), <, 0.05);
    g_assert_cmpfloat(test_all(twenty, "fct_mean"), >, test_all(one, "fct_mean"));
    /* 16 uplinks share ~4,600 flows: none carries twice the mean. */
    g_assert_cmpfloat(test_all(one, "link_utilization_leaf_up_max"), <, 2 * u1);
    g_assert_cmpfloat(test_all(leaf, "link_utilization_leaf_up_max"), ==, 0);
    g_assert_cmpfloat(test_all(leaf, "flows_completed"), >, 0);
    report_free(one);
    report_free(twenty);
    report_free(leaf);
}

/* ---- bad input ---- */

struct bad_case {
    const char *body;
    int line;
    const char *key;
};

static const struct bad_case bad_cases[] = {
    { "[fabric]\ntable_size = 0\n", 7, "fabric.table_size" },
    { "[fabric]\nhosts_per_leaf = 46\n", 7, "fabric.hosts_per_leaf" },
    { "[fabric]\nswitch_ports = 8\nhosts_per_leaf = 2\nleaves = 9\n", 9, "fabric.leaves" },
    { "[fabric]\noversubscription = 0.5\n", 7, "fabric.oversubscription" },
    { "[fabric]\nleaves = 1\nhosts_per_leaf = 1\n", 8, "fabric.hosts_per_leaf" },
    { "[fabric]\nvxlan = true\nbuffer = 1550B\n", 8, "fabric.buffer" },
    { "[fabric]\nmode = hybrid\n", 7, "fabric.mode" },
    { "[fabric]\nflow_size = pareto(1.2, -1KB)\n", 7, "fabric.flow_size" },
};

static void test_bad(gconstpointer data)
{
    const struct bad_case *c = data;
    g_autofree char *ini = g_strdup_printf("[scenario]\nname = bad\nmodel = fabric\n"
                                           "duration = 1ms\n\n%s",
                                           c->body);
    g_autofree char *where = g_strdup_printf("bad.ini:%d:", c->line);
    GError *error = NULL;
    struct scenario *sc = scenario_load_data(ini, "bad.ini", NULL, &error);

    if (sc) { /* the loader let it through: check() and create() must not */
        struct sim *sim = sim_new(1);

        g_assert_false(fabric_model_ops.check(sc, &error));
        g_clear_error(&error);
        g_assert_null(fabric_model_ops.create(sim, sc, &error));
        sim_free(sim);
        scenario_free(sc);
    }
    g_assert_error(error, IOVSIM_ERROR, IOVSIM_ERROR_INPUT);
    g_test_message("%s", error->message);
    g_assert_nonnull(strstr(error->message, c->key));
    g_assert_true(g_str_has_prefix(error->message, where));
    g_assert_null(strchr(error->message, '\n'));
    g_error_free(error);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/fabric/table/crafted", test_table_crafted);
    g_test_add_func("/fabric/table/reference", test_table_reference);
    g_test_add_func("/fabric/table/idle", test_table_idle);
    g_test_add_func("/fabric/table/model-exact", test_table_model_exact);
    g_test_add_func("/fabric/conservation", test_conservation);
    g_test_add_func("/fabric/breakdown", test_breakdown_default);
    g_test_add_func("/fabric/determinism", test_determinism);
    g_test_add_func("/fabric/controller/mm1", test_controller_mm1);
    g_test_add_func("/fabric/controller/saturates", test_controller_saturates);
    g_test_add_func("/fabric/controller/setup-10ms", test_setup_10ms);
    g_test_add_func("/fabric/vxlan/bytes", test_vxlan_bytes);
    g_test_add_func("/fabric/vxlan/goodput", test_vxlan_goodput);
    g_test_add_func("/fabric/modes", test_proactive_devoflow);
    g_test_add_func("/fabric/topology", test_topology);
    for (unsigned i = 0; i < G_N_ELEMENTS(bad_cases); i++) {
        g_autofree char *path = g_strdup_printf("/fabric/bad/%u", i);

        g_test_add_data_func(path, &bad_cases[i], test_bad);
    }
    return g_test_run();
}
