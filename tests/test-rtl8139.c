/* QEMU's rtl8139 beside the e1000 (emulation.nic), as consequences of what
 * its drivers do. Under 8139cp (C+ mode, the row "rtl8139") a send is one
 * TxPoll write and its TxOK interrupt two register accesses (IntrStatus
 * read and acknowledgement); under 8139too (normal mode) a send is one TSD
 * write and the interrupt reads IntrStatus, acknowledges TxOK and reads
 * the TSD back. A frame received under 8139cp costs its interrupt four
 * accesses, the poll round two (IntrStatus acknowledged, then read for
 * more) and the poll's end two (unmask); under 8139too the interrupt
 * three, the frame four (ChipCmd, CAPR, IntrStatus read and
 * acknowledgement), the round two (IntrStatus, and ChipCmd finding the
 * ring empty) and the poll's end two. 8139cp's poll takes 16 frames a
 * round. 8139too has 4 bounce buffers, so no more than 4
 * sends wait for their interrupt; 8139cp's queue stops with 44 of 63 taken.
 * Neither device moderates its interrupts. With a register access per send
 * and no xmit_more, bulk transfers fall behind the e1000's. */
#include <math.h>

#include <glib.h>

#include "report.h"
#include "testlib.h"

static struct report *run(const char *nic, const char *workload, int vcpus)
{
    g_autofree char *ini = g_strdup_printf(
        "[scenario]\nmodel = net\nduration = 20ms\nwarmup = 4ms\n[vm]\nvcpus = %d\n[io]\n"
        "strategy = emulation\n[emulation]\nnic = %s\n[workload]\n%s\n",
        vcpus, nic, workload);

    return test_run_ini(ini, 1);
}

/* Register accesses (user-space MMIO exits) per packet. */
static double mmio_per_packet(const struct report *r)
{
    return test_all(r, "exits_mmio_user_per_second") / test_all(r, "pps");
}

static void check_sparse(const char *nic, const char *direction, double want_mmio)
{
    g_autofree char *wl =
        g_strdup_printf("type = udp\nrate = 5Kpps\nsize = 1460B\ndirection = %s", direction);
    struct report *r = run(nic, wl, 1);

    g_test_message("%s %s, 5 Kpps: %.3f register accesses and %.3f interrupts per packet", nic,
                   direction, mmio_per_packet(r),
                   test_all(r, "interrupts_per_second") / test_all(r, "pps"));
    g_assert_cmpfloat(fabs(mmio_per_packet(r) - want_mmio), <, 0.01);
    /* No moderation: an interrupt for every packet. */
    g_assert_cmpfloat(fabs(test_all(r, "interrupts_per_second") / test_all(r, "pps") - 1), <, 0.01);
    report_free(r);
}

static void test_sparse_accesses(void)
{
    check_sparse("rtl8139", "tx", 1 + 2);
    check_sparse("rtl8139-8139too", "tx", 1 + 3);
    check_sparse("rtl8139", "rx", 4 + 2 + 2);
    check_sparse("rtl8139-8139too", "rx", 3 + 4 + 2 + 2);
}

static void test_transmit_buffers(void)
{
    const char *wl = "type = udp\nrate = 400Kpps\nsize = 1460B";
    struct report *too = run("rtl8139-8139too", wl, 4), *cp = run("rtl8139", wl, 4);

    g_test_message("4 senders: 8139too at most %.0f buffers taken (%.0f stops), 8139cp %.0f",
                   test_all(too, "emulation_tx_buffers_max"),
                   test_all(too, "emulation_tx_queue_stops"),
                   test_all(cp, "emulation_tx_buffers_max"));
    g_assert_cmpfloat(test_all(too, "emulation_tx_buffers_max"), ==, 4);
    g_assert_cmpfloat(test_all(too, "emulation_tx_queue_stops"), >, 0);
    g_assert_cmpfloat(test_all(cp, "emulation_tx_buffers_max"), <=, 44);
    g_assert_cmpfloat(test_all(cp, "emulation_tx_buffers_max"), >, 4);
    test_check_net_conservation(too);
    report_free(too);
    report_free(cp);
}

static void test_e1000_default(void)
{
    const char *ini = "[scenario]\nmodel = net\nduration = 10ms\nwarmup = 2ms\n[io]\n"
                      "strategy = emulation\n[workload]\ntype = stream\nsize = 1460B\n";
    g_autofree char *named = g_strconcat(ini, "[emulation]\nnic = e1000\n", NULL);
    struct report *a = test_run_ini(ini, 1), *b = test_run_ini(named, 1);

    test_assert_same_report(a, b);
    report_free(a);
    report_free(b);
}

static void test_bulk_order(void)
{
    const char *dirs[] = { "tx", "rx" };
    double rtl[2];

    for (int d = 0; d < 2; d++) {
        g_autofree char *wl =
            g_strdup_printf("type = stream\nsize = 1460B\ndirection = %s", dirs[d]);
        struct report *e = run("e1000", wl, 1), *cp = run("rtl8139", wl, 1),
                      *too = run("rtl8139-8139too", wl, 1);

        rtl[d] = test_all(cp, "throughput");
        g_test_message("bulk %s: e1000 %.3g, rtl8139 (8139cp) %.3g, 8139too %.3g b/s", dirs[d],
                       test_all(e, "throughput"), rtl[d], test_all(too, "throughput"));
        g_assert_cmpfloat(test_all(e, "throughput"), >, 1.5 * rtl[d]);
        g_assert_cmpfloat(test_all(e, "throughput"), >, 1.5 * test_all(too, "throughput"));
        report_free(e);
        report_free(cp);
        report_free(too);
    }
    /* Receiving costs 8139cp no register access per frame: in beats out. */
    g_assert_cmpfloat(rtl[1], >, 1.5 * rtl[0]);
}

/* A receive ring kept full (1 Mpps of 64-byte frames, more than the guest
 * takes, so NAPI never ends and no interrupt comes): each 8139cp poll
 * round takes 16 frames, the weight cp_init_one registers, whatever the
 * guest's default weight (guest.napi_budget) says, and so makes one
 * register access (its IntrStatus acknowledgement; a round that takes
 * fewer reads IntrStatus too). */
static void test_napi_weight(void)
{
    const int budgets[] = { 4, 64 };

    for (int i = 0; i < 2; i++) {
        g_autofree char *ini = g_strdup_printf(
            "[scenario]\nmodel = net\nduration = 10ms\nwarmup = 2ms\n[guest]\nnapi_budget = %d\n"
            "[io]\nstrategy = emulation\n[emulation]\nnic = rtl8139\n[workload]\ntype = udp\n"
            "direction = rx\nrate = 1Mpps\nsize = 64B\n",
            budgets[i]);
        struct report *r = test_run_ini(ini, 1);
        double rounds = test_all(r, "exits_mmio_user_per_second");

        g_test_message("guest.napi_budget %d: %.2f frames per 8139cp poll round", budgets[i],
                       test_all(r, "pps") / rounds);
        g_assert_cmpfloat(test_all(r, "drops_rx_ring_full"), >, 0);
        g_assert_cmpfloat(test_all(r, "interrupts_per_second"), ==, 0);
        g_assert_cmpfloat(test_all(r, "pps") / rounds, >, 15);
        g_assert_cmpfloat(test_all(r, "pps") / rounds, <=, 16.1);
        report_free(r);
    }
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/rtl8139/sparse-accesses", test_sparse_accesses);
    g_test_add_func("/rtl8139/transmit-buffers", test_transmit_buffers);
    g_test_add_func("/rtl8139/e1000-default", test_e1000_default);
    g_test_add_func("/rtl8139/bulk-order", test_bulk_order);
    g_test_add_func("/rtl8139/napi-weight", test_napi_weight);
    return g_test_run();
}
