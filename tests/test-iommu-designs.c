/* The translation designs as consequences in the network model: a bare
 * metal stream whose driver maps each buffer pays, per packet, the map and
 * unmap work under every design and the invalidation only under strict, so
 * deferred invalidation recovers the invalidation's share of the CPU lost
 * to the IOMMU and not the rest; without per-CPU IOVA caches, VMs on
 * several cores spin on the allocator's lock; and one flush queue under a
 * lock costs what per-CPU queues cost while a single core uses it, more
 * once several cores pass its lines between them. */
#include <math.h>

#include <glib.h>

#include "report.h"
#include "testlib.h"

static struct report *run(const char *strategy, unsigned vms, const char *mode, const char *extra)
{
    g_autofree char *ini =
        g_strdup_printf("[scenario]\nmodel = net\nduration = 10ms\nwarmup = 2ms\n[vm]\ncount = %u\n"
                        "[io]\nstrategy = %s\n[nic]\ndma_mapping = per-buffer\nvfs = 8\n"
                        "[workload]\ntype = stream\nsize = 1460B\n[iommu]\nmode = %s\n%s",
                        vms, strategy, mode, extra);

    return test_run_ini(ini, 1);
}

static double cycles(const char *mode)
{
    struct report *r = run("baremetal", 1, mode,
                           "map_cost = 200ns\nunmap_cost = 200ns\ninvalidation_cost = 2us\n");
    double c = test_all(r, "cycles_per_packet");

    g_test_message("%s: %.0f cycles per packet, %.4g b/s", mode, c, test_all(r, "throughput"));
    report_free(r);
    return c;
}

static void test_deferred_recovers_invalidation_share(void)
{
    double off = cycles("off"), strict = cycles("strict"), deferred = cycles("deferred");
    /* Set in cycles(): 200 ns map + 200 ns unmap against a 2 us invalidation. */
    double inval_share = 2.0 / 2.4, recovered = (strict - deferred) / (strict - off);

    g_assert_cmpfloat(off, <, deferred);
    g_assert_cmpfloat(deferred, <, strict);
    g_assert_cmpfloat(fabs(recovered - inval_share), <, 0.05);
}

static void test_iova_lock_contention(void)
{
    struct report *cached = run("sriov", 8, "strict", "");
    struct report *locked = run("sriov", 8, "strict", "iova_cache = false\n");

    g_assert_cmpfloat(test_all(cached, "iommu_lock_wait"), ==, 0);
    g_assert_cmpfloat(test_all(locked, "iommu_lock_wait"), >, 0);
    g_assert_cmpfloat(test_all(locked, "cycles_per_packet"), >,
                      test_all(cached, "cycles_per_packet"));
    report_free(cached);
    report_free(locked);
}

static void test_batched_lock_moves_between_cores(void)
{
    struct report *b1 = run("sriov", 1, "batched", ""), *d1 = run("sriov", 1, "deferred", "");
    struct report *b8 = run("sriov", 8, "batched", ""), *d8 = run("sriov", 8, "deferred", "");

    /* One VM, one core unmapping: the queue's lock never changes cores. */
    g_assert_cmpfloat(test_all(b1, "iommu_lock_handoffs"), ==, 0);
    g_assert_cmpfloat(test_all(b1, "cycles_per_packet"), ==, test_all(d1, "cycles_per_packet"));
    /* Eight VMs on eight cores: every handoff fetches the section's lines. */
    g_assert_cmpfloat(test_all(b8, "iommu_lock_handoffs"), >, 1000);
    g_assert_cmpfloat(test_all(d8, "iommu_lock_handoffs"), ==, 0);
    g_assert_cmpfloat(test_all(b8, "cycles_per_packet"), >, test_all(d8, "cycles_per_packet"));
    report_free(b1);
    report_free(d1);
    report_free(b8);
    report_free(d8);
}

/* DMA-API calls per stream packet, ACKs included: the CPU that strict
 * mapping adds to each packet over the identity domain, in units of one
 * remap (map, unmap and invalidation as set here). */
static double remaps_per_packet(const char *page_frag, double *acks_per_packet)
{
    const char *costs = "map_cost = 200ns\nunmap_cost = 200ns\ninvalidation_cost = 2us\n";
    g_autofree char *extra = g_strdup_printf("%s[guest]\npage_frag = %s\n", costs, page_frag);
    struct report *off = run("baremetal", 1, "off", extra);
    struct report *strict = run("baremetal", 1, "strict", extra);
    double remap = 2.4e-6 * 2.1e9;
    double n = (test_all(strict, "cycles_per_packet") - test_all(off, "cycles_per_packet")) / remap;

    *acks_per_packet = test_all(strict, "acks_per_second") / test_all(strict, "pps");
    g_test_message("page_frag %s: %.3f remaps per packet, %.3f ACKs", page_frag, n,
                   *acks_per_packet);
    report_free(off);
    report_free(strict);
    return n;
}

static void test_stream_send_maps_head_and_fragments(void)
{
    double acks, big = remaps_per_packet("1MiB", &acks);
    /* Header buffer and one fragment (1460 B rarely straddles 1 MiB),
     * and the ACK's receive buffer. */
    double want = 2.0 + 1459.0 / 1048576 + acks;

    g_assert_cmpfloat(fabs(big - want) / want, <, 0.02);
    /* 4 KiB pages (Linux before 3.7): 1460 B straddles a page end in
     * 1459 of every 4096 offsets. */
    double small = remaps_per_packet("4KiB", &acks);

    want = 2.0 + 1459.0 / 4096 + acks;
    g_assert_cmpfloat(fabs(small - want) / want, <, 0.02);
}

/* A receiver whose peer sends 64 KiB segments, joined again after the
 * wire (LRO/GRO): strict mapping's CPU per received packet, in remaps. */
static double rx_remaps_per_packet(double *frames, double *acks_per_packet)
{
    const char *fmt = "[scenario]\nmodel = net\nduration = 10ms\nwarmup = 2ms\n"
                      "[io]\nstrategy = baremetal\n[nic]\ndma_mapping = per-buffer\n"
                      "[workload]\ntype = stream\ndirection = rx\nsize = 64KiB\n"
                      "[guest]\ngso_size = 64KiB\n[iommu]\nmode = %s\nmap_cost = 200ns\n"
                      "unmap_cost = 200ns\ninvalidation_cost = 2us\n";
    g_autofree char *ini_off = g_strdup_printf(fmt, "off");
    g_autofree char *ini_strict = g_strdup_printf(fmt, "strict");
    struct report *off = test_run_ini(ini_off, 1), *strict = test_run_ini(ini_strict, 1);
    double n = (test_all(strict, "cycles_per_packet") - test_all(off, "cycles_per_packet")) /
               (2.4e-6 * 2.1e9);

    /* 65,536 B of 1,460 B frames. */
    *frames = ceil(65536.0 / 1460);
    *acks_per_packet = test_all(strict, "acks_per_second") / test_all(strict, "pps");
    g_test_message("%.2f remaps per received packet, %.3f ACKs sent", n, *acks_per_packet);
    report_free(off);
    report_free(strict);
    return n;
}

static void test_receive_replaces_a_buffer_per_frame(void)
{
    double frames, acks, n = rx_remaps_per_packet(&frames, &acks);
    /* Each frame's buffer, and the ACK's header buffer. */
    double want = frames + acks;

    g_assert_cmpfloat(fabs(n - want) / want, <, 0.02);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/iommu/designs/deferred-recovers-invalidation-share",
                    test_deferred_recovers_invalidation_share);
    g_test_add_func("/iommu/designs/iova-lock-contention", test_iova_lock_contention);
    g_test_add_func("/iommu/designs/batched-lock-moves-between-cores",
                    test_batched_lock_moves_between_cores);
    g_test_add_func("/iommu/designs/stream-send-maps-head-and-fragments",
                    test_stream_send_maps_head_and_fragments);
    g_test_add_func("/iommu/designs/receive-replaces-a-buffer-per-frame",
                    test_receive_replaces_a_buffer_per_frame);
    return g_test_run();
}
