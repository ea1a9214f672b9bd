/* The IOMMU's data path costs throughput, not only latency: DMAs whose
 * translation misses the IOTLB wait for one of a bounded number of page
 * walkers. With many VFs receiving at 100 Gb/s on 4 KiB pages, one walker
 * bounds the throughput; 2 MiB pages map every ring with one entry and
 * recover it; more walkers recover it too. The walk is set here (4 reads of
 * 100 ns), so that the test does not follow the walk's default. */
#include <glib.h>

#include "report.h"
#include "testlib.h"

static double throughput(const char *page, int walkers)
{
    g_autofree char *ini = g_strdup_printf(
        "[scenario]\nmodel = net\nduration = 10ms\nwarmup = 2ms\n[vm]\ncount = 16\n"
        "[io]\nstrategy = sriov\n[nic]\nline_rate = 100Gbps\n"
        "[workload]\ntype = stream\ndirection = rx\nsize = 1460B\n"
        "[iommu]\npage_size = %s\nwalkers = %d\nwalk_levels = 4\nwalk_access = 100ns\n",
        page, walkers);
    struct report *r = test_run_ini(ini, 1);
    double x = test_all(r, "throughput");

    g_test_message("%s pages, %d walker(s): %.4g b/s, IOTLB hit rate %.3f", page, walkers, x,
                   test_all(r, "iotlb_hit_rate"));
    report_free(r);
    return x;
}

static void test_walkers_bound_throughput(void)
{
    double small_one = throughput("4KiB", 1), small_many = throughput("4KiB", 64);
    double huge_one = throughput("2MiB", 1), huge_many = throughput("2MiB", 64);

    g_assert_cmpfloat(small_one, <, 0.8 * small_many);
    g_assert_cmpfloat(huge_one, >=, 0.99 * huge_many);
    g_assert_cmpfloat(huge_one, >, 1.2 * small_one);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/iommu/walkers-bound-throughput", test_walkers_bound_throughput);
    return g_test_run();
}
