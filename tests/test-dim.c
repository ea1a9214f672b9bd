/* Linux's DIM (hw/dim.c) against sequences worked out by hand from
 * lib/dim/net_dim.c's rules, the mlx5 device's per-CQ moderation (EQE and
 * CQE period modes, the packet count), and mlx5e's DIM running in the
 * model: request/response settles at the shortest profile, a bulk stream
 * climbs; the ixgbe family and vDPA do not move. */
#include <glib.h>

#include "../models/hw/nic.h"
#include "report.h"
#include "testlib.h"

/* A DIM and the counters its driver hands it. */
struct feed {
    struct net_dim d;
    struct net_dim_sample s;
};

/* One decision window of 1 ms and NET_DIM_NEVENTS interrupts carrying @bpms
 * bytes in @bpms / 100 packets (a sample one interrupt short of it decides
 * nothing); the driver's work item applies a changed profile first, and
 * the sample after it only starts the next measurement. True when the
 * profile changed. */
static bool window(struct feed *f, int64_t bpms)
{
    struct net_dim_sample early;

    if (f->d.state == NET_DIM_APPLY_NEW_PROFILE)
        net_dim_applied(&f->d);
    if (f->d.state == NET_DIM_START_MEASURE)
        g_assert_false(net_dim(&f->d, &f->s));
    early = f->s;
    early.time += SIM_MS / 2;
    early.events += NET_DIM_NEVENTS - 1;
    early.bytes += (uint64_t)bpms;
    g_assert_false(net_dim(&f->d, &early));
    f->s.time += SIM_MS;
    f->s.events += NET_DIM_NEVENTS;
    f->s.bytes += (uint64_t)bpms;
    f->s.pkts += (uint64_t)bpms / 100;
    return net_dim(&f->d, &f->s);
}

/* From profile 0, parked on top (a zeroed struct dim): traffic unparks it
 * to the right; each rise of more than 10% steps right, a fall turns it
 * left, and the first gain after turning back parks it on top, where a
 * change within 10% leaves it and a larger one unparks it leftwards. */
static void test_walk(void)
{
    struct feed f = { 0 };

    g_assert_true(window(&f, 1000));
    g_assert_cmpuint(f.d.profile_ix, ==, 1);
    g_assert_cmpuint(f.d.tune, ==, NET_DIM_GOING_RIGHT);
    g_assert_true(window(&f, 1200));
    g_assert_true(window(&f, 1440));
    g_assert_cmpuint(f.d.profile_ix, ==, 3);
    /* 1440 -> 1100 bytes/ms: worse, one step left. */
    g_assert_true(window(&f, 1100));
    g_assert_cmpuint(f.d.profile_ix, ==, 2);
    g_assert_cmpuint(f.d.tune, ==, NET_DIM_GOING_LEFT);
    /* Better again after three right and one left: the top. */
    g_assert_false(window(&f, 1300));
    g_assert_cmpuint(f.d.profile_ix, ==, 2);
    g_assert_cmpuint(f.d.tune, ==, NET_DIM_PARKING_ON_TOP);
    /* 1350 against the 1300 it parked with: the same. */
    g_assert_false(window(&f, 1350));
    g_assert_cmpuint(f.d.tune, ==, NET_DIM_PARKING_ON_TOP);
    g_assert_cmpint(f.d.prev.bpms, ==, 1300);
    /* 1500: more than 10% off the parked rates, leave leftwards. */
    g_assert_true(window(&f, 1500));
    g_assert_cmpuint(f.d.profile_ix, ==, 1);
    g_assert_cmpuint(f.d.tune, ==, NET_DIM_GOING_LEFT);
}

/* Rates rising all the way: the right edge parks it on top. */
static void test_edge(void)
{
    struct feed f = { 0 };
    int64_t bpms = 1000;

    for (unsigned ix = 1; ix < NET_DIM_NPROFILES; ix++, bpms = bpms * 6 / 5) {
        g_assert_true(window(&f, bpms));
        g_assert_cmpuint(f.d.profile_ix, ==, ix);
    }
    g_assert_false(window(&f, bpms));
    g_assert_cmpuint(f.d.profile_ix, ==, NET_DIM_NPROFILES - 1);
    g_assert_cmpuint(f.d.tune, ==, NET_DIM_PARKING_ON_TOP);
    g_assert_cmpuint(f.d.tired, ==, 0);
}

/* Every window 20% worse: it turns at each, never finding a top, until
 * ten steps make it tired; it then sits out ten decisions and leaves
 * leftwards. */
static void test_tired(void)
{
    struct feed f = { 0 };
    int64_t bpms = 2000;

    g_assert_true(window(&f, 1000));
    g_assert_true(window(&f, bpms));
    g_assert_cmpuint(f.d.profile_ix, ==, 2);
    /* Steps 3..10 alternate 1, 2, 1, ... */
    for (unsigned k = 3; k <= 10; k++) {
        bpms = bpms * 4 / 5;
        g_assert_true(window(&f, bpms));
        g_assert_cmpuint(f.d.profile_ix, ==, k % 2 ? 1 : 2);
        g_assert_cmpuint(f.d.tired, ==, k);
    }
    bpms = bpms * 4 / 5;
    g_assert_false(window(&f, bpms));
    g_assert_cmpuint(f.d.tune, ==, NET_DIM_PARKING_TIRED);
    for (unsigned k = 0; k < 9; k++)
        g_assert_false(window(&f, bpms));
    g_assert_cmpuint(f.d.tune, ==, NET_DIM_PARKING_TIRED);
    g_assert_true(window(&f, bpms));
    g_assert_cmpuint(f.d.profile_ix, ==, 1);
    g_assert_cmpuint(f.d.tune, ==, NET_DIM_GOING_LEFT);
}

/* A window shorter than a microsecond gives no rates and no decision. */
static void test_no_time(void)
{
    struct feed f = { 0 };

    g_assert_false(net_dim(&f.d, &f.s));
    f.s.events += NET_DIM_NEVENTS;
    f.s.bytes += 1000;
    f.s.time += SIM_US - 1;
    g_assert_false(net_dim(&f.d, &f.s));
    g_assert_cmpuint(f.d.state, ==, NET_DIM_MEASURE_IN_PROGRESS);
    g_assert_cmpuint(f.d.profile_ix, ==, 0);
}

/* The family table: mlx5e on both functions of an mlx5, ixgbe / ixgbevf on
 * an 82599, QEMU's e1000 for emulation on either. */
static void test_family(void)
{
    g_assert_cmpint(nic_itr_driver_of(NIC_FAMILY_IXGBE, NIC_ITR_FN_PF), ==, NIC_ITR_IXGBE);
    g_assert_cmpint(nic_itr_driver_of(NIC_FAMILY_IXGBE, NIC_ITR_FN_VF), ==, NIC_ITR_IXGBEVF);
    g_assert_cmpint(nic_itr_driver_of(NIC_FAMILY_MLX5, NIC_ITR_FN_PF), ==, NIC_ITR_MLX5E);
    g_assert_cmpint(nic_itr_driver_of(NIC_FAMILY_MLX5, NIC_ITR_FN_VF), ==, NIC_ITR_MLX5E);
    g_assert_cmpint(nic_itr_driver_of(NIC_FAMILY_MLX5, NIC_ITR_FN_EMULATED), ==, NIC_ITR_E1000);
}

/* mlx5e counts a sent packet for DIM as it posts the WQE; the Intel
 * drivers count it as they clean the descriptor. */
static void test_tx_counted_where(void)
{
    static const enum nic_itr_driver at_clean[] = { NIC_ITR_E1000, NIC_ITR_IXGBE, NIC_ITR_IXGBEVF };
    struct nic_itr itr;
    struct nic_cq_cfg cfg = { 0 };

    nic_itr_init(&itr, NIC_ITR_ADAPTIVE, NIC_ITR_MLX5E, 0, &cfg);
    g_assert_true(nic_itr_counts_tx_at_post(&itr));
    for (size_t i = 0; i < G_N_ELEMENTS(at_clean); i++) {
        nic_itr_init(&itr, NIC_ITR_ADAPTIVE, at_clean[i], 0, NULL);
        g_assert_false(nic_itr_counts_tx_at_post(&itr));
    }
}

/* Static mlx5 moderation, 10 us and 4 packets, receive CQ in CQE mode and
 * transmit in EQE mode: EQE counts from the CQ's last interrupt, CQE from
 * its last completion (each one restarts it), and 4 waiting completions
 * interrupt at once. */
static void test_period_modes(void)
{
    struct nic_cq_cfg cfg = { .max_pkts = 4, .rx_cqe = true, .tx_cqe = false };
    struct nic_itr itr;

    nic_itr_init(&itr, NIC_ITR_STATIC, NIC_ITR_MLX5E, 10 * SIM_US, &cfg);
    g_assert_true(itr.per_cq);
    /* No interrupt yet: the first transmit completion interrupts at once. */
    nic_itr_cqe(&itr, false, 100 * SIM_US);
    g_assert_cmpint(nic_itr_cq_next(&itr, 100 * SIM_US, 0, 1), ==, 100 * SIM_US);
    nic_itr_cq_event(&itr, 100 * SIM_US, 0, 1);
    g_assert_cmpuint(itr.tx.cq.events, ==, 1);
    nic_itr_cqe(&itr, false, 103 * SIM_US);
    g_assert_cmpint(nic_itr_cq_next(&itr, 103 * SIM_US, 0, 1), ==, 110 * SIM_US);
    nic_itr_cqe(&itr, true, 103 * SIM_US);
    g_assert_cmpint(nic_itr_cq_next(&itr, 103 * SIM_US, 1, 0), ==, 113 * SIM_US);
    g_assert_cmpint(nic_itr_cq_next(&itr, 103 * SIM_US, 1, 1), ==, 110 * SIM_US);
    /* Later completions push the receive CQ back, not the transmit one. */
    nic_itr_cqe(&itr, true, 108 * SIM_US);
    nic_itr_cqe(&itr, false, 108 * SIM_US);
    g_assert_cmpint(nic_itr_cq_next(&itr, 108 * SIM_US, 2, 0), ==, 118 * SIM_US);
    g_assert_cmpint(nic_itr_cq_next(&itr, 108 * SIM_US, 0, 2), ==, 110 * SIM_US);
    g_assert_cmpint(nic_itr_cq_next(&itr, 109 * SIM_US, 4, 0), ==, 109 * SIM_US);
    /* The vector fires at 110 us for the transmit CQ: only it had an event. */
    nic_itr_cq_event(&itr, 110 * SIM_US, 2, 2);
    g_assert_cmpuint(itr.tx.cq.events, ==, 2);
    g_assert_cmpuint(itr.rx.cq.events, ==, 0);
    /* The ixgbe family's moderation is the vector's, never per CQ. */
    nic_itr_init(&itr, NIC_ITR_STATIC, NIC_ITR_IXGBEVF, 10 * SIM_US, &cfg);
    g_assert_false(itr.per_cq);
}

/* DIM starts each CQ at profile 1 of its mode and applies a decision only
 * after nic.dim_apply_delay. */
static void test_apply_delay(void)
{
    struct nic_cq_cfg cfg = { .rx_cqe = true, .apply_delay = 50 * SIM_US };
    struct nic_itr itr;
    sim_time t = 0;

    nic_itr_init(&itr, NIC_ITR_ADAPTIVE, NIC_ITR_MLX5E, 0, &cfg);
    g_assert_cmpint(itr.rx.cq.period, ==, 8 * SIM_US);
    g_assert_cmpuint(itr.rx.cq.max_pkts, ==, 128);
    g_assert_cmpint(itr.tx.cq.period, ==, 8 * SIM_US);
    g_assert_cmpuint(itr.tx.cq.max_pkts, ==, 128);
    nic_itr_update(&itr, t);
    /* 64 receive interrupts of one packet each over 1 ms: traffic where
     * there was none, DIM leaves its parking at 0 for profile 1. */
    for (unsigned k = 0; k < NET_DIM_NEVENTS; k++) {
        t += SIM_MS / NET_DIM_NEVENTS;
        /* Received 8 us before: its CQE-mode period has just run out. */
        nic_itr_cqe(&itr, true, t - 8 * SIM_US);
        nic_itr_cq_event(&itr, t, 1, 0);
        nic_itr_count(&itr, true, 118);
        nic_itr_update(&itr, t);
    }
    g_assert_cmpuint(itr.rx.cq.dim.state, ==, NET_DIM_APPLY_NEW_PROFILE);
    g_assert_cmpint(itr.rx.cq.apply_at, ==, t + 50 * SIM_US);
    g_assert_cmpint(itr.tx.cq.apply_at, ==, -1);
    nic_itr_cq_next(&itr, t + 49 * SIM_US, 1, 0);
    g_assert_cmpuint(itr.rx.cq.dim.state, ==, NET_DIM_APPLY_NEW_PROFILE);
    nic_itr_cq_next(&itr, t + 50 * SIM_US, 1, 0);
    g_assert_cmpuint(itr.rx.cq.dim.state, ==, NET_DIM_START_MEASURE);
    g_assert_cmpint(itr.rx.cq.period, ==, 8 * SIM_US);
}

/* dim_rx_period is the period's mean over the measured time: 8 us for
 * 100 us, then profile 0's 2 us from when the work item applied it (not
 * when the model noticed) for 100 us: 5 us. */
static void test_mean_period(void)
{
    struct nic_cq_cfg cfg = { .rx_cqe = true };
    struct nic_itr itr;
    sim_time rx, tx;

    nic_itr_init(&itr, NIC_ITR_ADAPTIVE, NIC_ITR_MLX5E, 0, &cfg);
    nic_itr_reset_stats(&itr, 0);
    itr.rx.cq.dim.state = NET_DIM_APPLY_NEW_PROFILE;
    itr.rx.cq.apply_at = 100 * SIM_US;
    nic_itr_cq_next(&itr, 150 * SIM_US, 1, 0);
    g_assert_cmpint(itr.rx.cq.period, ==, 2 * SIM_US);
    nic_itr_cq_mean(&itr, 200 * SIM_US, &rx, &tx);
    g_assert_cmpint(rx, ==, 5 * SIM_US);
    g_assert_cmpint(tx, ==, 8 * SIM_US);
    /* Measured from the warm-up's end. */
    nic_itr_reset_stats(&itr, 200 * SIM_US);
    nic_itr_cq_mean(&itr, 300 * SIM_US, &rx, &tx);
    g_assert_cmpint(rx, ==, 2 * SIM_US);
}

static struct report *run(const char *strategy, const char *type, const char *extra)
{
    g_autofree char *ini = g_strdup_printf("[scenario]\nmodel = net\nduration = 20ms\n"
                                           "warmup = 5ms\n[io]\nstrategy = %s\n"
                                           "[workload]\ntype = %s\n%s",
                                           strategy, type, extra);

    return test_run_ini(ini, 1);
}

/* A VF's request/response (one 64-byte packet each way at a time) gives
 * DIM nothing to gain from waiting: from its 8 us start it spends the run
 * at or next to profile 0, 2 us on the receive CQ (CQE mode) and 1 us on
 * the transmit CQ (EQE mode). */
static void test_rr_settles_low(void)
{
    struct report *r = run("sriov", "rr", "[nic]\ndriver = mlx5\n");
    double rx = test_value(r, "vm0", "dim_rx_period"), tx = test_value(r, "vm0", "dim_tx_period");

    g_assert_cmpfloat(rx, >=, 2e-6 - 1e-12);
    g_assert_cmpfloat(rx, <, 3e-6);
    g_assert_cmpfloat(tx, >=, 1e-6 - 1e-12);
    g_assert_cmpfloat(tx, <, 3e-6);
    report_free(r);
}

/* A bulk transmit stream: more bytes per millisecond with fewer interrupts
 * takes the transmit CQ right of its 8 us start. */
static void test_stream_climbs(void)
{
    struct report *r = run("sriov", "stream", "[nic]\ndriver = mlx5\n");

    g_assert_cmpfloat(test_value(r, "vm0", "dim_tx_period"), >, 8e-6);
    report_free(r);
}

/* Moderating less per interrupt, DIM at its request/response profile takes
 * more interrupts than mlx5's static 16 us with 32 packets. */
static void test_rr_against_static(void)
{
    struct report *dim = run("sriov", "rr", "[nic]\ndriver = mlx5\n");
    struct report *fix =
        run("sriov", "rr", "[nic]\ndriver = mlx5\nitr = static\nitr_rate = 62500Hz\n");

    g_assert_cmpfloat(test_all(dim, "interrupts_per_second"), >,
                      1.2 * test_all(fix, "interrupts_per_second"));
    g_assert_cmpfloat(test_all(dim, "rtt_mean"), <, test_all(fix, "rtt_mean"));
    report_free(dim);
    report_free(fix);
}

/* 200 Kpps received on a VF under static moderation of 20 us and 32
 * packets: in EQE mode the receive CQ interrupts once per period (50 K/s);
 * in CQE mode every packet, 5 us after the last, restarts the timer, so
 * only the count of 32 raises it (at most 6.25 K/s) and the packets wait
 * longer. */
static void test_eqe_vs_cqe(void)
{
    static const char fmt[] = "[workload]\ndirection = rx\nrate = 200Kpps\n[nic]\ndriver = mlx5\n"
                              "itr = static\nitr_rate = 50KHz\nrx_cqe_moder = %s\n";
    g_autofree char *eqe_ini = g_strdup_printf(fmt, "false");
    g_autofree char *cqe_ini = g_strdup_printf(fmt, "true");
    struct report *eqe = run("sriov", "udp", eqe_ini);
    struct report *cqe = run("sriov", "udp", cqe_ini);

    g_assert_cmpfloat(test_all(eqe, "interrupts_per_second"), <=, 50000 * 1.001);
    g_assert_cmpfloat(test_all(eqe, "interrupts_per_second"), >, 50000 * 0.98);
    g_assert_cmpfloat(test_all(cqe, "interrupts_per_second"), <, 200000.0 / 32);
    g_assert_cmpfloat(test_all(cqe, "latency_mean"), >, 2 * test_all(eqe, "latency_mean"));
    report_free(eqe);
    report_free(cqe);
}

/* mlx5's keys change nothing on the ixgbe family, and nic.driver nothing
 * for vDPA (mlx5_vdpa moderates nothing) or emulation (QEMU's e1000 on
 * any NIC): bit for bit. */
static void test_others_unmoved(void)
{
    static const char mlx5_keys[] = "[nic]\nitr_packets = 1\nrx_cqe_moder = false\n"
                                    "tx_cqe_moder = true\ndim_apply_delay = 0s\n";
    struct report *a = run("sriov", "rr", "");
    struct report *b = run("sriov", "rr", mlx5_keys);
    struct report *c = run("vdpa", "stream", "");
    struct report *d = run("vdpa", "stream", "[nic]\ndriver = mlx5\n");
    struct report *e = run("emulation", "rr", "");
    struct report *f = run("emulation", "rr", "[nic]\ndriver = mlx5\n");

    test_assert_same_report(a, b);
    test_assert_same_report(c, d);
    test_assert_same_report(e, f);
    report_free(a);
    report_free(b);
    report_free(c);
    report_free(d);
    report_free(e);
    report_free(f);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/dim/decision/walk", test_walk);
    g_test_add_func("/dim/decision/edge", test_edge);
    g_test_add_func("/dim/decision/tired", test_tired);
    g_test_add_func("/dim/decision/no-time", test_no_time);
    g_test_add_func("/dim/mlx5/family", test_family);
    g_test_add_func("/dim/mlx5/tx-counted-where", test_tx_counted_where);
    g_test_add_func("/dim/mlx5/period-modes", test_period_modes);
    g_test_add_func("/dim/mlx5/apply-delay", test_apply_delay);
    g_test_add_func("/dim/mlx5/mean-period", test_mean_period);
    g_test_add_func("/dim/model/rr-settles-low", test_rr_settles_low);
    g_test_add_func("/dim/model/stream-climbs", test_stream_climbs);
    g_test_add_func("/dim/model/rr-against-static", test_rr_against_static);
    g_test_add_func("/dim/model/eqe-vs-cqe", test_eqe_vs_cqe);
    g_test_add_func("/dim/model/others-unmoved", test_others_unmoved);
    return g_test_run();
}
