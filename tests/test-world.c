/* One world: a VM with a NIC and a disk on one host. Each device pays the
 * shared host's costs; when the two share no resource, each gives exactly
 * the results it gives alone; when they share the VM's vCPU, the disk
 * waits behind the NIC's work. */
#include <math.h>
#include <string.h>

#include <glib.h>

#include "../models/blk/blk.h"
#include "../models/net/net.h"
#include "report.h"
#include "scenario.h"
#include "testlib.h"

#define HEAD "[scenario]\nmodel = %s\nduration = 20ms\nwarmup = 2ms\n"

static struct report *run(const char *model, const char *body, uint64_t seed)
{
    g_autofree char *ini = g_strdup_printf(HEAD "%s", model, body);

    return test_run_ini(ini, seed);
}

static const char *const disk_metrics[] = {
    "iops", "latency_mean", "latency_p99", "exits_per_request", "stage_exit", "stage_device",
};

/* The disk alone (blk model) and the disk beside a NIC that receives on
 * another vCPU (its requests on vCPU 1, the NIC's on vCPU 0, their backend
 * threads on spare cores): the same numbers, bit for bit. */
static void test_disk_alone_equals_disk_beside_nic(void)
{
    struct report *alone =
        run("blk", "[blk]\nstrategy = virtio-blk\nvms = 2\n[fio]\niodepth = 2\n", 5);
    struct report *both = run("net",
                              "[vm]\ncount = 2\nvcpus = 2\ndisk = virtio-blk\n[fio]\niodepth = 2\n"
                              "[io]\nstrategy = sriov\n[workload]\ntype = stream\ndirection = rx\n",
                              5);

    for (size_t k = 0; k < G_N_ELEMENTS(disk_metrics); k++) {
        g_autofree char *name = g_strdup_printf("disk_%s", disk_metrics[k]);

        g_assert_cmpfloat(test_value(alone, "vm1", disk_metrics[k]), ==,
                          test_value(both, "vm1", name));
        g_assert_cmpfloat(test_all(alone, disk_metrics[k]), ==, test_all(both, name));
    }
    g_assert_cmpfloat(test_all(both, "throughput"), >, 1e9);
    report_free(alone);
    report_free(both);
}

/* ... and the NIC beside a disk on a software path gives what it gives
 * alone. An assigned disk shares the host's IOTLB with the VF: its
 * translations evict the NIC's, which the NIC then sees. */
static void test_nic_alone_equals_nic_beside_disk(void)
{
    static const char *const net_metrics[] = { "throughput", "latency_mean", "exits_per_packet",
                                               "interrupts_per_second", "stage_dma" };
    const char *nic = "[vm]\ncount = 2\nvcpus = 2\n%s[io]\nstrategy = sriov\n"
                      "[workload]\ntype = stream\ndirection = rx\n";
    g_autofree char *b1 = g_strdup_printf(nic, "");
    g_autofree char *b2 = g_strdup_printf(nic, "disk = virtio-blk\n");
    g_autofree char *b3 = g_strdup_printf(nic, "disk = passthrough\n");
    struct report *alone = run("net", b1, 9);
    struct report *both = run("net", b2, 9);
    struct report *iotlb = run("net", b3, 9);

    for (size_t k = 0; k < G_N_ELEMENTS(net_metrics); k++)
        g_assert_cmpfloat(test_all(alone, net_metrics[k]), ==, test_all(both, net_metrics[k]));
    g_assert_cmpfloat(test_all(both, "disk_iops"), >, 1e4);
    g_test_message("receive throughput: NIC alone %.4g, beside an assigned disk %.4g",
                   test_all(alone, "throughput"), test_all(iotlb, "throughput"));
    g_assert_cmpfloat(test_all(iotlb, "stage_iommu"), >, test_all(alone, "stage_iommu"));
    g_assert_cmpfloat(test_all(iotlb, "throughput"), <, test_all(alone, "throughput"));
    report_free(alone);
    report_free(both);
    report_free(iotlb);
}

/* One vCPU for both devices: the disk's requests queue behind the NIC's
 * receive work on it, so its latency grows, and its own stages still add
 * up to its latency. */
static void test_shared_vcpu_contends(void)
{
    static const char *const stages[] = {
        "stage_guest_submit", "stage_exit",    "stage_backend", "stage_image",
        "stage_qcow2_meta",   "stage_host_io", "stage_iommu",   "stage_device_queue",
        "stage_device",       "stage_irq",     "stage_poll",    "stage_guest_complete",
    };
    struct report *alone = run("blk", "[blk]\nstrategy = virtio-blk\n", 3);
    struct report *both = run("net",
                              "[vm]\ndisk = virtio-blk\n[io]\nstrategy = virtio\n"
                              "[workload]\ntype = stream\ndirection = rx\n",
                              3);
    double solo = test_all(alone, "latency_mean"), shared = test_all(both, "disk_latency_mean");
    double sum = 0;

    g_test_message("disk latency alone %.2f us, beside a receiving NIC %.2f us", solo * 1e6,
                   shared * 1e6);
    g_assert_cmpfloat(shared, >, 1.05 * solo);
    for (size_t k = 0; k < G_N_ELEMENTS(stages); k++) {
        g_autofree char *name = g_strdup_printf("disk_%s", stages[k]);

        sum += test_all(both, name);
    }
    g_assert_cmpfloat(fabs(sum - shared), <=, 1e-9 * shared);
    /* Conservation of the disk's requests. */
    g_assert_cmpfloat(test_all(both, "disk_issued_total"), ==,
                      test_all(both, "disk_completed_total") + test_all(both, "disk_in_flight"));
    report_free(alone);
    report_free(both);
}

/* Bad combinations: one located line each. */
static void test_bad_input(void)
{
    static const struct {
        const char *body, *key;
    } cases[] = {
        { "[vm]\ndisk = sriov\n", "vm.disk" },
        { "[vm]\ndisk = virtio-blk\n[blk]\nvms = 3\n", "blk.vms" },
        { "[vm]\ndisk = emulation\n[blk]\ncompletion = poll\n", "blk.completion" },
    };

    for (size_t k = 0; k < G_N_ELEMENTS(cases); k++) {
        g_autofree char *ini = g_strdup_printf(HEAD "%s", "net", cases[k].body);
        GError *error = NULL;
        struct scenario *sc = scenario_load_data(ini, "t.ini", NULL, &error);

        if (sc) {
            g_assert_false(net_model_ops.check(sc, &error));
            scenario_free(sc);
        }
        g_assert_nonnull(error);
        g_test_message("%s", error->message);
        g_assert_nonnull(strstr(error->message, "t.ini:"));
        g_assert_nonnull(strstr(error->message, cases[k].key));
        g_assert_null(strchr(error->message, '\n'));
        g_error_free(error);
    }
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/world/disk-alone-equals-disk-beside-nic",
                    test_disk_alone_equals_disk_beside_nic);
    g_test_add_func("/world/nic-alone-equals-nic-beside-disk",
                    test_nic_alone_equals_nic_beside_disk);
    g_test_add_func("/world/shared-vcpu-contends", test_shared_vcpu_contends);
    g_test_add_func("/world/bad-input", test_bad_input);
    return g_test_run();
}
