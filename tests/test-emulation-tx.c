/* The emulated e1000's transmit path as consequences: a TDT write covers
 * every descriptor queued since the last one (QEMU's start_xmit loops from
 * TDH to TDT), and the driver writes TDT once per batch the stack hands it
 * (xmit_more). A sender that outpaces its vCPU queues sends behind the
 * current one, so its TDT writes, and their exits, cover many packets; a
 * sparse sender writes TDT for every packet. */
#include <glib.h>

#include "report.h"
#include "testlib.h"

static struct report *udp(const char *rate, const char *batch)
{
    g_autofree char *ini = g_strdup_printf(
        "[scenario]\nmodel = net\nduration = 10ms\nwarmup = 2ms\n[io]\nstrategy = emulation\n"
        "[workload]\ntype = udp\nsize = 1460B\nrate = %s\n[emulation]\ntx_batch = %s\n",
        rate, batch);

    return test_run_ini(ini, 1);
}

static void test_tdt_write_covers_descriptors(void)
{
    struct report *sparse = udp("10Kpps", "64"), *busy = udp("400Kpps", "64");
    struct report *single = udp("400Kpps", "1");
    double per_write = test_all(busy, "emulation_descriptors_per_tdt_write");

    g_test_message("descriptors per TDT write: sparse %.3g, busy %.3g, busy unbatched %.3g",
                   test_all(sparse, "emulation_descriptors_per_tdt_write"), per_write,
                   test_all(single, "emulation_descriptors_per_tdt_write"));
    g_assert_cmpfloat(test_all(sparse, "emulation_descriptors_per_tdt_write"), ==, 1);
    g_assert_cmpfloat(test_all(single, "emulation_descriptors_per_tdt_write"), ==, 1);
    g_assert_cmpfloat(per_write, >, 8);
    g_assert_cmpfloat(per_write, <=, 64);
    /* Fewer exits per packet, so the same vCPU sends more. */
    g_assert_cmpfloat(test_all(busy, "exits_per_packet"), <,
                      0.5 * test_all(single, "exits_per_packet"));
    g_assert_cmpfloat(test_all(busy, "pps"), >, 1.5 * test_all(single, "pps"));
    report_free(sparse);
    report_free(busy);
    report_free(single);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/emulation/tdt-write-covers-descriptors", test_tdt_write_covers_descriptors);
    return g_test_run();
}
