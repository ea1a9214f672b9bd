/* A device's read tags bound its outstanding DMA reads, so a transmit
 * read that holds its tags longer costs throughput. By Little's law a
 * device with T tags whose reads each take n tags for h seconds completes
 * at most T / (n h) reads per second. With few tags, translation becomes
 * part of h: on 4 KiB pages about half the reads miss the IOTLB and hold
 * their tags through a page walk, so throughput falls even with walkers to
 * spare; 2 MiB pages hit and give it back. With the default 256 tags the
 * walks cost no throughput. The walk is set here (2 reads of 79 ns, the
 * defaults), so that the test does not follow the walk's default. Also:
 * TLPs and read requests counted by a shift where their size is a power of
 * two are the same counts as by the division, and the hint for the read
 * that heads the wait. */
#include <glib.h>

#include "../models/hw/pcie.h"
#include "report.h"
#include "testlib.h"

static struct report *tx(int tags, const char *page)
{
    g_autofree char *ini = g_strdup_printf(
        "[scenario]\nmodel = net\nduration = 10ms\nwarmup = 2ms\n[vm]\ncount = 16\n"
        "[io]\nstrategy = sriov\n[nic]\nline_rate = 100Gbps\n"
        "[pcie]\nbandwidth = 251.84Gbps\nlatency = 850ns\nread_tags = %d\n"
        "max_read_request = 512B\n"
        "[workload]\ntype = stream\nsize = 1460B\n"
        "[iommu]\npage_size = %s\nwalkers = 64\nwalk_levels = 2\nwalk_access = 79ns\n",
        tags, page);

    return test_run_ini(ini, 1);
}

static void test_tags_bound_reads(void)
{
    struct report *few = tx(8, "2MiB"), *many = tx(256, "2MiB");
    double pps = test_all(few, "pps");
    /* A 1460-byte segment's read (headers and two descriptors with it)
     * is 4 requests of 512 B: 2 reads in flight, each held for the
     * round trip plus its data on the link. */
    double hold = 850e-9 + (1460 + 38 + 20 + 32 + 4 * 24) * 8 / 251.84e9;
    double bound = 8.0 / 4.0 / hold;

    g_test_message("8 tags: %.4g packets/s (Little's law bound %.4g, tags in use %.3g); "
                   "256 tags: %.4g b/s vs %.4g",
                   pps, bound, test_all(few, "pcie_read_tags_mean"), test_all(many, "throughput"),
                   test_all(few, "throughput"));
    g_assert_cmpfloat(test_all(few, "throughput"), <, 0.5 * test_all(many, "throughput"));
    g_assert_cmpfloat(test_all(few, "pcie_tag_waits"), >, 0);
    g_assert_cmpfloat(test_all(many, "pcie_tag_waits"), ==, 0);
    /* Data reads dominate; the ACKs the VFs receive are writes. */
    g_assert_cmpfloat(pps, <=, 1.02 * bound);
    g_assert_cmpfloat(pps, >, 0.9 * bound);
    report_free(few);
    report_free(many);
}

static void test_walks_hold_tags(void)
{
    struct report *small = tx(8, "4KiB"), *huge = tx(8, "2MiB");
    struct report *small_many = tx(256, "4KiB"), *huge_many = tx(256, "2MiB");
    double s = test_all(small, "throughput"), h = test_all(huge, "throughput");

    g_test_message("8 tags: 4 KiB %.4g b/s (IOTLB hits %.3f), 2 MiB %.4g; 256 tags: %.4g vs %.4g",
                   s, test_all(small, "iotlb_hit_rate"), h, test_all(small_many, "throughput"),
                   test_all(huge_many, "throughput"));
    g_assert_cmpfloat(test_all(small, "iotlb_hit_rate"), <, 0.9);
    g_assert_cmpfloat(s, <, 0.97 * h);
    g_assert_cmpfloat(test_all(small_many, "throughput"), >,
                      0.99 * test_all(huge_many, "throughput"));
    report_free(small);
    report_free(huge);
    report_free(small_many);
    report_free(huge_many);
}

/* Every size from 64 B to 4 KiB (powers of two and not) against the
 * division, for transfers of 0 to 70,000 bytes. */
static void test_pieces_shift(void)
{
    struct sim *sim = sim_new(1);

    for (unsigned unit = 64; unit <= 4096; unit++) {
        struct pcie_link l;
        bool pow2 = (unit & (unit - 1)) == 0;

        if (!pow2 && unit % 97)
            continue;
        pcie_init(&l, sim, 8e9, unit, 24, 1000, 1024, unit);
        g_assert_cmpint(l.payload_shift, ==, pow2 ? __builtin_ctz(unit) : -1);
        g_assert_cmpint(l.mrr_shift, ==, l.payload_shift);
        for (uint64_t b = 0; b <= 70000; b++) {
            uint64_t want = b ? (b + unit - 1) / unit : 1;

            g_assert_cmpuint(pcie_pieces(b, unit, l.payload_shift), ==, want);
            g_assert_cmpuint(pcie_read_tags(&l, b), ==, MIN(want, 1024));
        }
        pcie_release(&l);
    }
    sim_free(sim);
}

static uint64_t heads[8];
static unsigned n_heads;

static void note_head(resource_done_fn done, void *ctx, uint64_t tag)
{
    (void)done;
    (void)ctx;
    g_assert_cmpuint(n_heads, <, G_N_ELEMENTS(heads));
    heads[n_heads++] = tag;
}

static void granted(struct sim *sim, void *ctx, uint64_t tag)
{
    (void)sim;
    (void)ctx;
    (void)tag;
}

/* 4 tags held; reads 1, 2, 3 of 2 tags each wait. Each put of 2 grants
 * the head and names the next one that still waits; the last names none. */
static void test_tags_head_hint(void)
{
    struct sim *sim = sim_new(1);
    struct pcie_link l;

    pcie_init(&l, sim, 8e9, 256, 24, 1000, 4, 512);
    l.on_head = note_head;
    n_heads = 0;
    g_assert_true(pcie_tags_take(&l, 4, granted, NULL, 0));
    for (uint64_t r = 1; r <= 3; r++)
        g_assert_false(pcie_tags_take(&l, 2, granted, NULL, r));
    g_assert_cmpuint(n_heads, ==, 0);
    pcie_tags_put(&l, 2);
    g_assert_cmpuint(n_heads, ==, 1);
    g_assert_cmpuint(heads[0], ==, 2);
    pcie_tags_put(&l, 2);
    g_assert_cmpuint(n_heads, ==, 2);
    g_assert_cmpuint(heads[1], ==, 3);
    pcie_tags_put(&l, 2);
    g_assert_cmpuint(n_heads, ==, 2);
    g_assert_cmpuint(l.tag_waiters.len, ==, 0);
    sim_run_until(sim, 1);
    pcie_release(&l);
    sim_free(sim);
}

static void test_tags_bad_input(void)
{
    test_expect_refused("[scenario]\nmodel = net\n[pcie]\nread_tags = 0\n", "pcie.read_tags",
                        "out of range");
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/pcie/tags-bound-reads", test_tags_bound_reads);
    g_test_add_func("/pcie/walks-hold-tags", test_walks_hold_tags);
    g_test_add_func("/pcie/tags-bad-input", test_tags_bad_input);
    g_test_add_func("/pcie/pieces-shift", test_pieces_shift);
    g_test_add_func("/pcie/tags-head-hint", test_tags_head_hint);
    return g_test_run();
}
