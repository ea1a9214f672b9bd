/* An assigned disk's DMA is translated by the host's one IOMMU: an IOTLB
 * miss waits for one of its page walkers (iommu.walkers), the walkers the
 * NICs' DMA uses too. So one walker caps a disk's IOPS at one walk each,
 * and a NIC's walks delay the disk's. */
#include <math.h>

#include <glib.h>

#include "report.h"
#include "testlib.h"

/* Every translation misses (one IOTLB entry, 4 VMs' buffers) and a walk
 * takes 4 x 2 us = 8 us: one walker serves at most 125K walks a second. */
static double passthrough_iops(int walkers)
{
    g_autofree char *ini = g_strdup_printf(
        "[scenario]\nname = t\nmodel = blk\nduration = 20ms\nwarmup = 4ms\n"
        "[blk]\nstrategy = passthrough\nvms = 4\n[fio]\niodepth = 32\n"
        "[iommu]\niotlb_entries = 1\nwalk_levels = 4\nwalk_access = 2us\nwalkers = %d\n",
        walkers);
    struct report *r = test_run_ini(ini, 5);
    double iops = test_all(r, "iops");

    g_test_message("%d walker(s): %.4g IOPS, IOMMU stage %.3g us", walkers, iops,
                   test_all(r, "stage_iommu") * 1e6);
    report_free(r);
    return iops;
}

static void test_walkers_bound_iops(void)
{
    double one = passthrough_iops(1), many = passthrough_iops(64);

    g_assert_cmpfloat(one, <=, 1.0 / 8e-6 * 1.01);
    g_assert_cmpfloat(one, >, 0.9 / 8e-6);
    g_assert_cmpfloat(many, >, 2 * one);
}

/* With four buffers and one IOTLB entry every disk DMA misses: alone, its
 * IOMMU stage is exactly a walk; beside a NIC whose receive DMA misses
 * too, it also waits for the one walker. */
static double disk_iommu_stage(const char *rate)
{
    g_autofree char *ini = g_strdup_printf(
        "[scenario]\nname = t\nmodel = net\nduration = 10ms\nwarmup = 2ms\n"
        "[vm]\ncount = 1\nvcpus = 2\ndisk = passthrough\n[fio]\niodepth = 4\n"
        "[io]\nstrategy = sriov\n"
        "[workload]\ntype = udp\ndirection = rx\nrate = %s\narrivals = poisson\nsize = 1460B\n"
        "[iommu]\niotlb_entries = 1\nwalk_levels = 4\nwalk_access = 100ns\nwalkers = 1\n",
        rate);
    struct report *r = test_run_ini(ini, 7);
    double v = test_all(r, "disk_stage_iommu");

    g_test_message("NIC at %s: disk IOMMU stage %.4g ns", rate, v * 1e9);
    g_assert_cmpfloat(test_all(r, "disk_iops"), >, 1e4);
    report_free(r);
    return v;
}

static void test_nic_walks_delay_disk(void)
{
    double alone = disk_iommu_stage("1pps"), beside = disk_iommu_stage("800Kpps");

    /* Within 1%: the disk's own four requests may meet at the walker. */
    g_assert_cmpfloat(fabs(alone - 400e-9), <, 4e-9);
    g_assert_cmpfloat(beside, >, 1.05 * alone);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/blk/iommu/walkers-bound-iops", test_walkers_bound_iops);
    g_test_add_func("/blk/iommu/nic-walks-delay-disk", test_nic_walks_delay_disk);
    return g_test_run();
}
