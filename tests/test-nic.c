/* Tests for the NIC model (models/hw/nic.c): exact serialization with the
 * Ethernet overhead, back-to-back frames, round-robin arbitration between
 * queues, drops when a ring is full, interrupt moderation, and (through the
 * whole net model) VF-to-VF traffic crossing the VEB instead of the wire. */
#include <math.h>

#include <glib.h>

#include "../models/hw/nic.h"
#include "../models/net/net.h"
#include "report.h"
#include "runner.h"
#include "scenario.h"
#include "testlib.h"

#define ETH_OVERHEAD (8 + 12 + 4 + 14)

struct sent {
    uint32_t pkt[16];
    sim_time at[16];
    unsigned n;
    struct sim *sim;
};

static void on_sent(void *ctx, uint32_t pkt)
{
    struct sent *s = ctx;

    g_assert_cmpuint(s->n, <, 16);
    s->pkt[s->n] = pkt;
    s->at[s->n++] = sim_now(s->sim);
}

static void test_wire_time(void)
{
    struct sim *sim = sim_new(1);
    struct nic n;

    nic_init(&n, sim, 10e9, ETH_OVERHEAD, 1, 64, 4, 4, on_sent, NULL);
    /* 1460 B payload + 40 B TCP/IP = 1500 B packet; + 38 B = 1538 B on the
     * wire = 12304 bits = 1230.4 ns at 10 Gb/s, exactly. */
    g_assert_cmpint(nic_wire_time(&n, 1460, 1, 40), ==, 1230400);
    /* 64 B minimum-size frame: 46 + 18 + 20 = 84 B = 67.2 ns. */
    g_assert_cmpint(nic_wire_time(&n, 6, 1, 40), ==, 67200);
    /* Smaller payloads are padded to the 64-byte minimum frame: 84 B on the
     * wire with preamble and gap, 14.88 Mpps at 10 Gb/s. */
    g_assert_cmpint(nic_wire_time(&n, 1, 1, 40), ==, 67200);
    g_assert_cmpint(nic_wire_time(&n, 0, 1, 0), ==, 67200);
    g_assert_cmpfloat(fabs(1e12 / 67200.0 - 14.88e6), <, 0.01e6);
    /* A 3-frame TSO segment pays the overhead three times. */
    g_assert_cmpint(nic_wire_time(&n, 4380, 3, 40), ==, 3 * 1230400);
    nic_release(&n);
    sim_free(sim);
}

static void test_tx_ring(void)
{
    struct sim *sim = sim_new(1);
    struct sent s = { .sim = sim };
    struct nic n;

    nic_init(&n, sim, 10e9, ETH_OVERHEAD, 2, 64, 4, 4, on_sent, &s);
    /* The port takes the first frame at once, so the ring holds four more. */
    for (uint32_t k = 0; k < 5; k++)
        g_assert_true(nic_tx_enqueue(&n, 0, k, 1230400));
    g_assert_false(nic_tx_enqueue(&n, 0, 5, 1230400));
    /* Queue 1 has its own ring, and round robin interleaves it. */
    g_assert_true(nic_tx_enqueue(&n, 1, 100, 1230400));
    g_assert_true(nic_tx_enqueue(&n, 1, 101, 1230400));
    sim_run_until(sim, SIM_S);
    g_assert_cmpuint(s.n, ==, 7);
    static const uint32_t order[] = { 0, 100, 1, 101, 2, 3, 4 };
    for (unsigned k = 0; k < 7; k++) {
        g_assert_cmpuint(s.pkt[k], ==, order[k]);
        g_assert_cmpint(s.at[k], ==, (sim_time)(k + 1) * 1230400);
    }
    g_assert_cmpuint(n.frames_tx, ==, 7);
    nic_release(&n);
    sim_free(sim);
}

static void test_rx_ring(void)
{
    struct sim *sim = sim_new(1);
    struct nic n;

    nic_init(&n, sim, 10e9, ETH_OVERHEAD, 2, 64, 4, 2, on_sent, NULL);
    g_assert_true(nic_rx_reserve(&n, 1));
    g_assert_true(nic_rx_reserve(&n, 1));
    g_assert_false(nic_rx_reserve(&n, 1));
    g_assert_true(nic_rx_reserve(&n, 0));
    nic_rx_release(&n, 1);
    g_assert_true(nic_rx_reserve(&n, 1));
    nic_release(&n);
    sim_free(sim);
}

static void test_itr(void)
{
    struct nic_itr itr = { .mode = NIC_ITR_STATIC,
                           .interval = 125 * SIM_US,
                           .low_interval = 10 * SIM_US,
                           .bulk_bytes = 8192 };

    g_assert_cmpint(nic_itr_next(&itr, SIM_MS, 0), ==, SIM_MS + 125 * SIM_US);
    itr.mode = NIC_ITR_ADAPTIVE;
    g_assert_cmpint(nic_itr_next(&itr, SIM_MS, 100), ==, SIM_MS + 10 * SIM_US);
    g_assert_cmpint(nic_itr_next(&itr, SIM_MS, 8192), ==, SIM_MS + 125 * SIM_US);
    itr.mode = NIC_ITR_OFF;
    g_assert_cmpint(nic_itr_next(&itr, SIM_MS, 8192), ==, SIM_MS);
}

static struct report *run_net(const char *extra)
{
    g_autofree char *ini = g_strdup_printf("[scenario]\nname = nic\nmodel = net\n"
                                           "duration = 5ms\nwarmup = 1ms\n%s",
                                           extra);
    return test_run_ini(ini, 1);
}

static void test_veb(void)
{
    /* Two VMs on VFs of one port sending to each other: every byte crosses
     * the VEB, none the wire. */
    struct report *r = run_net("[io]\nstrategy = sriov\n[vm]\ncount = 2\n"
                               "[workload]\ntarget = vm\n");

    g_assert_cmpfloat(test_all(r, "packets"), >, 1000);
    g_assert_cmpfloat(test_all(r, "stage_veb"), >, 0);
    g_assert_cmpfloat(test_all(r, "stage_wire"), ==, 0);
    g_assert_cmpfloat(test_all(r, "stage_nic_queue"), ==, 0);
    g_assert_cmpfloat(test_all(r, "stage_peer"), ==, 0);
    report_free(r);
    /* The same VMs talking to the peer do use the wire. */
    r = run_net("[io]\nstrategy = sriov\n[vm]\ncount = 2\n");
    g_assert_cmpfloat(test_all(r, "stage_veb"), ==, 0);
    g_assert_cmpfloat(test_all(r, "stage_wire"), >, 0);
    report_free(r);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/nic/port/wire-time", test_wire_time);
    g_test_add_func("/nic/port/tx-ring-round-robin", test_tx_ring);
    g_test_add_func("/nic/port/rx-ring", test_rx_ring);
    g_test_add_func("/nic/irq/moderation", test_itr);
    g_test_add_func("/nic/veb/vf-to-vf", test_veb);
    return g_test_run();
}
