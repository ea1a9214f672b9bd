/* Tests for analysis/plot_labels.c: the names figures show. Words made from
 * a name keep abbreviations in their case, and every key a bundled scenario
 * sweeps or draws a figure over has a name of its own (a new scenario that
 * sweeps a new key fails here until it has one). */
#include <string.h>

#include <glib.h>

#include "../analysis/plot_labels.h"
#include "scenario.h"

static void test_words(void)
{
    const char *count_unit;
    g_autofree char *m1 = plot_metric_label("exits_mmio_kernel_per_second", &count_unit);
    g_autofree char *m2 = plot_metric_label("virtio_lock_wait_mean", &count_unit);
    g_autofree char *m3 = plot_metric_label("latency_p99", &count_unit);
    g_autofree char *m4 = plot_metric_label("host_cpu", &count_unit);
    g_autofree char *s1 = plot_words("irq_delivery");
    g_autofree char *s2 = plot_words("guest_stack");
    g_autofree char *s3 = plot_words("vring");

    g_assert_cmpstr(m1, ==, "Exits MMIO kernel");
    g_assert_cmpstr(m2, ==, "Mean virtio lock wait");
    g_assert_cmpstr(m3, ==, "99th-percentile latency");
    g_assert_cmpstr(m4, ==, "Host CPU");
    g_assert_cmpstr(count_unit, ==, "cores");
    g_assert_cmpstr(s1, ==, "IRQ delivery");
    g_assert_cmpstr(s2, ==, "Guest stack");
    g_assert_cmpstr(s3, ==, "vring");
    /* A key without a name of its own: its section and name in words. */
    g_assert_cmpstr(plot_param_label("nic.dma_ring_slots"), ==, "NIC DMA ring slots");
    g_assert_cmpstr(plot_param_label("vm.count"), ==, "VMs per host");
    g_assert_false(plot_param_label_known("nic.dma_ring_slots"));
    g_assert_cmpstr(plot_value_label("migration.mode", "postcopy"), ==, "Post-copy");
    /* datacenter.ini's bars showed the raw "vm" beside "Remote host". */
    g_assert_cmpstr(plot_value_label("workload.target", "vm"), ==, "Same host");
}

/* Values typed with a unit ("200Kpps") read with a space and the unit as
 * axes show it; the number stays as typed; anything else is unchanged. */
static void test_values_with_units(void)
{
    g_assert_cmpstr(plot_value_label("workload.rate", "1pps"), ==, "1 pps");
    g_assert_cmpstr(plot_value_label("workload.rate", "200Kpps"), ==, "200 Kpps");
    g_assert_cmpstr(plot_value_label("fio.bs", "4KiB"), ==, "4 KiB");
    g_assert_cmpstr(plot_value_label("nic.speed", "10Gbps"), ==, "10 Gb/s");
    g_assert_cmpstr(plot_value_label("nic.speed", "62.96Gbps"), ==, "62.96 Gb/s");
    /* The parser takes KHz as well; the SI symbol is kHz. */
    g_assert_cmpstr(plot_value_label("nic.itr_rate", "8KHz"), ==, "8 kHz");
    g_assert_cmpstr(plot_value_label("nic.itr", "12.5us"), ==, "12.5 µs");
    g_assert_cmpstr(plot_value_label("host.clock", "2.1GHz"), ==, "2.1 GHz");
    g_assert_cmpstr(plot_value_label("x", "1073741824bps"), ==, "1073741824 b/s");
    /* Not a number and a unit: as typed. */
    g_assert_cmpstr(plot_value_label("emulation.nic", "e1000"), ==, "e1000");
    g_assert_cmpstr(plot_value_label("vm.count", "16"), ==, "16");
    g_assert_cmpstr(plot_value_label("x", "4 KiB"), ==, "4 KiB");
    g_assert_cmpstr(plot_value_label("x", "10Gbpsx"), ==, "10Gbpsx");
    g_assert_cmpstr(plot_value_label("x", "rtl8139"), ==, "rtl8139 (8139cp)");
}

/* Keys of "K1,K2" or "K" that have no name of their own, appended to @out. */
static void unnamed(const char *keys, const char *where, GString *out)
{
    g_auto(GStrv) parts = g_strsplit(keys ? keys : "", ",", -1);

    for (size_t i = 0; parts[i]; i++) {
        const char *k = g_strstrip(parts[i]);

        g_autofree char *item = g_strdup_printf(" %s:%s", where, k);

        if (*k && !plot_param_label_known(k) && !strstr(out->str, item))
            g_string_append(out, item);
    }
}

static void test_bundled_keys_named(void)
{
    const char *srcdir = g_getenv("G_TEST_SRCDIR");
    g_autofree char *here = g_path_get_dirname(__FILE__);
    g_autofree char *dir = g_build_filename(srcdir ? srcdir : here, "..", "scenarios", NULL);
    g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
    g_autoptr(GString) missing = g_string_new("");
    const char *file;
    int seen = 0;

    g_assert_nonnull(d);
    while ((file = g_dir_read_name(d))) {
        g_autofree char *path = g_build_filename(dir, file, NULL);
        g_autoptr(GError) error = NULL;
        struct scenario *sc;

        if (!g_str_has_suffix(file, ".ini"))
            continue;
        sc = scenario_load(path, NULL, &error);
        g_assert_no_error(error);
        seen++;
        GPtrArray *sweep = scenario_raw_group(sc, "sweep"); /* borrowed */
        for (guint i = 0; sweep && i < sweep->len; i++) {
            const struct scenario_raw *r = sweep->pdata[i];

            /* lockstep and exclude entries name keys swept in other lines. */
            if (!g_str_has_prefix(r->key, "lockstep") && !g_str_has_prefix(r->key, "exclude"))
                unnamed(r->key, file, missing);
        }
        g_autoptr(GPtrArray) plots = scenario_instances(sc, "plot");
        for (guint i = 0; i < plots->len; i++) {
            g_autofree char *x = g_strdup_printf("plot.%s.x", (char *)plots->pdata[i]);
            g_autofree char *by = g_strdup_printf("plot.%s.by", (char *)plots->pdata[i]);
            g_autofree char *xl = g_strdup_printf("plot.%s.xlabel", (char *)plots->pdata[i]);
            g_autofree char *lg = g_strdup_printf("plot.%s.legend", (char *)plots->pdata[i]);
            const char *xlabel = scenario_str(sc, xl), *legend = scenario_str(sc, lg);

            if (!xlabel || !*xlabel)
                unnamed(scenario_str(sc, x), file, missing);
            if (!legend || !*legend)
                unnamed(scenario_str(sc, by), file, missing);
        }
        scenario_free(sc);
    }
    g_assert_cmpint(seen, >, 10);
    /* A key listed here wants a line in param_labels of analysis/plot_labels.c. */
    if (missing->len)
        g_string_prepend(missing, "keys without a name in analysis/plot_labels.c:");
    g_assert_cmpstr(missing->str, ==, "");
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/plot-labels/words", test_words);
    g_test_add_func("/plot-labels/values-with-units", test_values_with_units);
    g_test_add_func("/plot-labels/bundled-keys-named", test_bundled_keys_named);
    return g_test_run();
}
