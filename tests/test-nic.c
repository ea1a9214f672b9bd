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
    /* A bit takes 40 ps at 25 Gb/s; at 3 Gb/s, 333.3 ps: the same 12304
     * bits round up to the next picosecond, not down to 333 ps a bit. */
    nic_init(&n, sim, 25e9, ETH_OVERHEAD, 1, 64, 4, 4, on_sent, NULL);
    g_assert_cmpint(nic_wire_time(&n, 1460, 1, 40), ==, 492160);
    nic_release(&n);
    nic_init(&n, sim, 3e9, ETH_OVERHEAD, 1, 64, 4, 4, on_sent, NULL);
    g_assert_cmpint(nic_wire_time(&n, 1460, 1, 40), ==, 4101334);
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

/* The round robin of the original design, queue by queue from the pointer,
 * as the reference for the port's bitmap search: over 4,200 queues (two
 * summary words), sparse and wrapping, every frame leaves in its order. */
struct rr_ref {
    struct nic nic;
    struct sim *sim;
    GRand *rand;
    GQueue *fifo; /* per queue: the packets the reference holds */
    unsigned n, rr, sent, next_pkt, held;
    bool busy;
    uint32_t on_wire;
};

static void rr_ref_start(struct rr_ref *r)
{
    for (unsigned k = 0; k < r->n; k++) {
        unsigned q = (r->rr + k) % r->n;

        if (g_queue_is_empty(&r->fifo[q]))
            continue;
        r->on_wire = GPOINTER_TO_UINT(g_queue_pop_head(&r->fifo[q]));
        r->held--;
        r->rr = (q + 1) % r->n;
        r->busy = true;
        return;
    }
    r->busy = false;
}

static void rr_ref_enqueue(struct rr_ref *r, unsigned burst)
{
    for (unsigned k = 0; k < burst; k++) {
        /* Mostly a few low and high queues, so the search wraps and skips
         * long empty stretches; sometimes any queue. */
        unsigned q = g_rand_boolean(r->rand) ? (unsigned)g_rand_int_range(r->rand, 0, (gint32)r->n)
                     : g_rand_boolean(r->rand)
                         ? (unsigned)g_rand_int_range(r->rand, 0, 3)
                         : r->n - 1 - (unsigned)g_rand_int_range(r->rand, 0, 3);
        uint32_t pkt = r->next_pkt++;

        if (!nic_tx_enqueue(&r->nic, q, pkt, 1000))
            continue;
        g_queue_push_tail(&r->fifo[q], GUINT_TO_POINTER(pkt));
        r->held++;
        if (!r->busy)
            rr_ref_start(r);
    }
}

static void rr_ref_sent(void *ctx, uint32_t pkt)
{
    struct rr_ref *r = ctx;

    g_assert_true(r->busy);
    g_assert_cmpuint(pkt, ==, r->on_wire);
    r->sent++;
    rr_ref_start(r);
    /* A backlog of a few frames: the port mostly finds one far away. */
    if (r->sent < 20000)
        rr_ref_enqueue(r, r->held < 4 ? 2 : (unsigned)g_rand_int_range(r->rand, 0, 2));
}

static void test_tx_round_robin_many(void)
{
    struct rr_ref r = { .n = 4200 };

    r.sim = sim_new(1);
    r.rand = g_rand_new_with_seed(7);
    r.fifo = g_new0(GQueue, r.n);
    nic_init(&r.nic, r.sim, 10e9, ETH_OVERHEAD, r.n, 4096, 4, 4, rr_ref_sent, &r);
    rr_ref_enqueue(&r, 8);
    sim_run_until(r.sim, SIM_S);
    g_assert_cmpuint(r.sent, >=, 20000);
    g_assert_false(r.busy);
    g_assert_cmpuint(r.nic.frames_tx, ==, r.sent);
    for (unsigned q = 0; q < r.n; q++)
        g_assert_true(g_queue_is_empty(&r.fifo[q]));
    nic_release(&r.nic);
    g_free(r.fifo);
    g_rand_free(r.rand);
    sim_free(r.sim);
}

static void test_rx_ring(void)
{
    struct sim *sim = sim_new(1);
    struct nic n;

    nic_init(&n, sim, 10e9, ETH_OVERHEAD, 2, 64, 4, 2, on_sent, NULL);
    g_assert_true(nic_rx_reserve(&n, 1, 0, 1));
    g_assert_true(nic_rx_reserve(&n, 1, 0, 1));
    g_assert_false(nic_rx_reserve(&n, 1, 0, 1));
    g_assert_true(nic_rx_reserve(&n, 0, 0, 1));
    nic_rx_release(&n, 1, 0, 1);
    g_assert_true(nic_rx_reserve(&n, 1, 0, 1));
    nic_release(&n);
    sim_free(sim);
}

/* A function with several queue pairs has a ring per pair: a full one
 * drops only its own packets (ixgbe's DROP_EN), the others still take
 * theirs. With one ring for all, a backlogged queue starved the others. */
static void test_rx_rings_apart(void)
{
    struct sim *sim = sim_new(1);
    struct nic n;

    nic_init(&n, sim, 10e9, ETH_OVERHEAD, 2, 64, 4, 2, on_sent, NULL);
    nic_set_rx_rings(&n, 4);
    g_assert_true(nic_rx_reserve(&n, 1, 2, 1));
    g_assert_true(nic_rx_reserve(&n, 1, 2, 1));
    g_assert_false(nic_rx_reserve(&n, 1, 2, 1));
    for (unsigned r = 0; r < 4; r++)
        if (r != 2) {
            g_assert_true(nic_rx_reserve(&n, 1, r, 2));
            g_assert_false(nic_rx_reserve(&n, 1, r, 1));
        }
    g_assert_true(nic_rx_reserve(&n, 0, 2, 2));
    nic_rx_release(&n, 1, 2, 1);
    g_assert_true(nic_rx_reserve(&n, 1, 2, 1));
    g_assert_false(nic_rx_reserve(&n, 1, 3, 1));
    nic_release(&n);
    sim_free(sim);
}

/* A GSO segment fills a buffer per wire frame (no LRO); one of more
 * frames than the ring has takes the whole ring. */
static void test_rx_ring_frames(void)
{
    struct sim *sim = sim_new(1);
    struct nic n;

    nic_init(&n, sim, 10e9, ETH_OVERHEAD, 1, 64, 4, 8, on_sent, NULL);
    g_assert_true(nic_rx_reserve(&n, 0, 0, 5));
    g_assert_false(nic_rx_reserve(&n, 0, 0, 4));
    g_assert_true(nic_rx_reserve(&n, 0, 0, 3));
    nic_rx_release(&n, 0, 0, 5);
    nic_rx_release(&n, 0, 0, 3);
    g_assert_true(nic_rx_reserve(&n, 0, 0, 45));
    g_assert_false(nic_rx_reserve(&n, 0, 0, 1));
    nic_rx_release(&n, 0, 0, 45);
    g_assert_true(nic_rx_reserve(&n, 0, 0, 8));
    nic_release(&n);
    sim_free(sim);
}

static void test_itr(void)
{
    struct nic_itr itr;

    nic_itr_init(&itr, NIC_ITR_STATIC, NIC_ITR_IXGBE, 125 * SIM_US, NULL);
    g_assert_cmpint(nic_itr_next(&itr, SIM_MS), ==, SIM_MS + 125 * SIM_US);
    nic_itr_init(&itr, NIC_ITR_OFF, NIC_ITR_IXGBE, 125 * SIM_US, NULL);
    g_assert_cmpint(nic_itr_next(&itr, SIM_MS), ==, SIM_MS);
}

/* One poll's cleaning on each ring, then the driver's update. */
static sim_time itr_after(struct nic_itr *itr, sim_time now, unsigned rx, unsigned tx,
                          unsigned bytes)
{
    for (unsigned k = 0; k < rx; k++)
        nic_itr_count(itr, true, bytes);
    for (unsigned k = 0; k < tx; k++)
        nic_itr_count(itr, false, bytes);
    nic_itr_update(itr, now);
    return itr->interval;
}

/* ixgbe (ixgbe_update_itr, Linux >= 4.17): a request/response poll (one
 * 118-byte frame each way) is latency mode, sized by the frame: (118 x 40 +
 * 2720) / 2 rounded up to 2 us steps = 16 us; 300 full frames are bulk:
 * 1514 x 5 + 22420 -> 118 us; 4-47 packets add 2 us a poll; an update more
 * than a jiffy after the last restarts at 10 us. */
static void test_itr_ixgbe(void)
{
    struct nic_itr itr;

    nic_itr_init(&itr, NIC_ITR_ADAPTIVE, NIC_ITR_IXGBE, 0, NULL);
    g_assert_cmpint(itr_after(&itr, SIM_US, 1, 1, 118), ==, 16 * SIM_US);
    g_assert_cmpint(itr_after(&itr, 2 * SIM_US, 300, 300, 1514), ==, 118 * SIM_US);
    g_assert_cmpint(itr_after(&itr, 3 * SIM_US, 20, 20, 1514), ==, 120 * SIM_US);
    g_assert_cmpint(itr_after(&itr, 3 * SIM_US + 5 * SIM_MS, 1, 1, 118), ==, 10 * SIM_US);
}

/* ixgbevf: classes by bytes per microsecond of the current interval, one
 * step a poll, the written value smoothed 10 t r / (9 t + r). */
static void test_itr_ixgbevf(void)
{
    struct nic_itr itr;

    nic_itr_init(&itr, NIC_ITR_ADAPTIVE, NIC_ITR_IXGBEVF, 0, NULL);
    /* 20K (reg 200): 118 B / 50 us = 2 B/us stays lowest: towards 100K. */
    g_assert_cmpint(itr_after(&itr, SIM_US, 1, 0, 118), ==,
                    10 * 40 * 200 / (9 * 40 + 200) * SIM_US / 4);
    /* Bulk: 64 KB per interval climbs to low, then bulk (12K, reg 336),
     * where the driver's integer smoothing stops short, at 326. */
    for (unsigned k = 0; k < 200; k++)
        itr_after(&itr, SIM_US, 45, 45, 1514);
    g_assert_cmpuint(itr.reg, ==, 326);
    g_assert_cmpuint(itr.reg, <=, 336);
}

/* e1000 conservative mode (e1000_update_itr / e1000_set_itr): never the
 * 70000/s class, so small sparse packets get 20000/s; a few big frames per
 * interval step down to low latency and then bulk (4000/s); the way back up
 * climbs by a quarter of the target (4000 + 5000 = 9000/s). Many small
 * frames per interval keep the lowest class, i.e. 20000/s. */
static void test_itr_e1000(void)
{
    struct nic_itr itr;

    nic_itr_init(&itr, NIC_ITR_ADAPTIVE, NIC_ITR_E1000, 0, NULL);
    g_assert_cmpint(itr_after(&itr, SIM_US, 1, 1, 118), ==, SIM_S / 20000);
    g_assert_cmpint(itr_after(&itr, SIM_US, 60, 60, 1514), ==, SIM_S / 20000);
    g_assert_cmpint(itr_after(&itr, SIM_US, 3, 3, 1514), ==, SIM_S / 20000);
    g_assert_cmpint(itr_after(&itr, SIM_US, 8, 8, 1514), ==, SIM_S / 4000);
    g_assert_cmpint(itr_after(&itr, SIM_US, 1, 1, 118), ==, SIM_S / 9000);
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
    g_test_add_func("/nic/port/tx-round-robin-many", test_tx_round_robin_many);
    g_test_add_func("/nic/port/rx-ring", test_rx_ring);
    g_test_add_func("/nic/port/rx-ring-frames", test_rx_ring_frames);
    g_test_add_func("/nic/port/rx-rings-apart", test_rx_rings_apart);
    g_test_add_func("/nic/irq/moderation", test_itr);
    g_test_add_func("/nic/irq/ixgbe", test_itr_ixgbe);
    g_test_add_func("/nic/irq/ixgbevf", test_itr_ixgbevf);
    g_test_add_func("/nic/irq/e1000", test_itr_e1000);
    g_test_add_func("/nic/veb/vf-to-vf", test_veb);
    return g_test_run();
}
