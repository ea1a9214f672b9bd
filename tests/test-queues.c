/* Queue pairs, MSI-X vectors and their affinity as consequences: RSS
 * spreads received flows over the vCPUs of the queues' vectors, so a VM
 * with 4 vCPUs and 4 queues receives more than with one queue or with every
 * vector on one vCPU; a guest that masks and unmasks its vector per
 * interrupt exits twice per interrupt under device assignment (the table is
 * emulated) and not on bare metal, and with the VMM rebuilding the route
 * at each write its transaction rate collapses; host-side notification
 * coalescing folds the interrupts of vectors on one vCPU into fewer
 * notifications, and folds nothing when each vector has its own vCPU. Bad
 * input: more queues
 * than vectors, affinity to a vCPU the VM lacks, queues on a one-queue
 * device. */
#include <math.h>

#include <glib.h>

#include "report.h"
#include "testlib.h"

static struct report *rx(unsigned queues, int irq_vcpu)
{
    g_autofree char *ini = g_strdup_printf(
        "[scenario]\nmodel = net\nduration = 10ms\nwarmup = 2ms\n[io]\nstrategy = sriov\n"
        "[vm]\nvcpus = 4\nirq_vcpu = %d\n[nic]\nline_rate = 40Gbps\nqueues = %u\n"
        "[workload]\ntype = udp\ndirection = rx\nsize = 1460B\nrate = 3Mpps\nflows = 8\n",
        irq_vcpu, queues);

    return test_run_ini(ini, 1);
}

static void test_rss_spreads_receive(void)
{
    struct report *one = rx(1, -1), *spread = rx(4, -1), *pinned = rx(4, 0);
    double x1 = test_all(one, "throughput"), x4 = test_all(spread, "throughput");

    g_test_message("1 queue %.4g b/s, 4 spread %.4g b/s, 4 on vCPU 0 %.4g b/s", x1, x4,
                   test_all(pinned, "throughput"));
    /* One vCPU is saturated by receive work with one queue. */
    g_assert_cmpfloat(test_all(one, "guest_cpu"), <, 1.01);
    g_assert_cmpfloat(x4, >, 1.5 * x1);
    g_assert_cmpfloat(test_all(spread, "guest_cpu"), >, 1.5);
    /* Each queue has a ring of its own: the 8 flows fall 3, 2, 2, 1 on the
     * four queues (the hash is fixed), so three vCPUs are saturated and the
     * fourth takes its one flow (4.4 Gb/s) whole: 3.6 x one queue's rate.
     * Sharing one ring, the saturated queues' backlog starved it (2.7 x). */
    g_assert_cmpfloat(x4, >, 3.5 * x1);
    g_assert_cmpfloat(test_all(spread, "guest_cpu"), >, 3.5);
    /* Four vectors on one vCPU: four queues, one core's worth of work. */
    g_assert_cmpfloat(test_all(pinned, "throughput"), <, 1.05 * x1);
    report_free(one);
    report_free(spread);
    report_free(pinned);
}

static struct report *rr(const char *strategy, const char *mask, const char *rebuild)
{
    g_autofree char *ini = g_strdup_printf(
        "[scenario]\nmodel = net\nduration = 100ms\nwarmup = 10ms\n[io]\nstrategy = %s\n"
        "[workload]\ntype = rr\n[guest]\nmsix_mask = %s\n[hv]\nmsix_route_rebuild = %s\n",
        strategy, mask, rebuild);

    return test_run_ini(ini, 1);
}

static void test_msix_mask_per_interrupt(void)
{
    struct report *plain = rr("sriov", "none", "0s"), *masked = rr("sriov", "per-interrupt", "0s");
    struct report *rebuilt = rr("sriov", "per-interrupt", "4.9ms");
    struct report *native = rr("baremetal", "per-interrupt", "4.9ms");

    g_assert_cmpfloat(test_all(plain, "exits_mmio_user_per_second"), ==, 0);
    /* A mask in the handler and an unmask when NAPI completes. */
    g_assert_cmpfloat(fabs(test_all(masked, "exits_mmio_user_per_second") -
                           2 * test_all(masked, "interrupts_per_second")),
                      <=, 0.01 * test_all(masked, "exits_mmio_user_per_second"));
    g_assert_cmpfloat(test_all(masked, "transactions_per_second"), <,
                      test_all(plain, "transactions_per_second"));
    /* Rebuilding the route at each write: two per transaction, ~10 ms. */
    g_assert_cmpfloat(test_all(rebuilt, "transactions_per_second"), <, 150);
    /* Bare metal writes its own table: no exit, no route. */
    g_assert_cmpfloat(test_all(native, "exits_mmio_user_per_second"), ==, 0);
    g_assert_cmpfloat(test_all(native, "transactions_per_second"), >, 1000);
    report_free(plain);
    report_free(masked);
    report_free(rebuilt);
    report_free(native);
}

static struct report *folding(const char *coalesce, int irq_vcpu)
{
    g_autofree char *ini = g_strdup_printf(
        "[scenario]\nmodel = net\nduration = 10ms\nwarmup = 2ms\n[io]\nstrategy = sriov\n"
        "[vm]\nvcpus = 4\nirq_vcpu = %d\n[nic]\nline_rate = 40Gbps\nqueues = 4\nitr = off\n"
        "[hv]\nnotify_coalesce = %s\n"
        "[workload]\ntype = udp\ndirection = rx\nsize = 64B\nrate = 300Kpps\nflows = 16\n",
        irq_vcpu, coalesce);

    return test_run_ini(ini, 1);
}

static void test_notify_coalescing(void)
{
    struct report *each = folding("0s", 0), *folded = folding("20us", 0);
    struct report *spread = folding("20us", -1);

    g_assert_cmpfloat(test_all(each, "interrupts_folded_per_second"), ==, 0);
    g_assert_cmpfloat(test_all(each, "exits_external_interrupt_per_second"), ==,
                      test_all(each, "interrupts_per_second"));
    g_assert_cmpfloat(test_all(folded, "interrupts_folded_per_second"), >, 0);
    g_assert_cmpfloat(test_all(folded, "exits_external_interrupt_per_second") +
                          test_all(folded, "interrupts_folded_per_second"),
                      ==, test_all(folded, "interrupts_per_second"));
    g_assert_cmpfloat(test_all(folded, "host_cpu"), <, test_all(each, "host_cpu"));
    /* Each vector on its own vCPU: no other notification to ride on. */
    g_assert_cmpfloat(test_all(spread, "interrupts_folded_per_second"), ==, 0);
    report_free(each);
    report_free(folded);
    report_free(spread);
}

/* Interrupts fire when a queue's poll is over, so with halting vCPUs each
 * finds its own vCPU halted, whatever the other vCPU does. */
static void test_halt_is_the_vectors_vcpu(void)
{
    struct report *r = test_run_ini(
        "[scenario]\nmodel = net\nduration = 10ms\nwarmup = 2ms\n[io]\nstrategy = sriov\n"
        "[vm]\nvcpus = 2\n[nic]\nqueues = 2\n[hv]\nhalt = true\nhalt_poll = 0s\n"
        "[workload]\ntype = udp\ndirection = rx\nsize = 64B\nrate = 400Kpps\nflows = 16\n",
        1);

    g_assert_cmpfloat(test_all(r, "interrupts_per_second"), >, 0);
    g_assert_cmpfloat(test_all(r, "exits_hlt_per_second"), ==,
                      test_all(r, "interrupts_per_second"));
    report_free(r);
}

static void test_bad_queues(void)
{
    test_expect_refused("[scenario]\nmodel = net\n[io]\nstrategy = sriov\n[nic]\nqueues = 4\n"
                        "msix_vectors = 3\n",
                        "nic.queues", "nic.msix_vectors is 3");
    test_expect_refused("[scenario]\nmodel = net\n[io]\nstrategy = sriov\n[vm]\nvcpus = 4\n"
                        "irq_vcpu = 4\n",
                        "vm.irq_vcpu", "has 4 vCPU(s)");
    test_expect_refused("[scenario]\nmodel = net\n[io]\nstrategy = virtio\n[nic]\nqueues = 2\n",
                        "nic.queues", "one queue pair");
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/queues/rss-spreads-receive", test_rss_spreads_receive);
    g_test_add_func("/queues/msix-mask-per-interrupt", test_msix_mask_per_interrupt);
    g_test_add_func("/queues/notify-coalescing", test_notify_coalescing);
    g_test_add_func("/queues/halt-is-the-vectors-vcpu", test_halt_is_the_vectors_vcpu);
    g_test_add_func("/queues/bad-input", test_bad_queues);
    return g_test_run();
}
