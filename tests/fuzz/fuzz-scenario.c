/* libFuzzer target for everything that reads scenario text: the whole
 * input as a scenario file (scanner, registry checks, [sweep] grid, memory
 * estimate), and the same bytes, when short, as a single value for each
 * value parser (units of every dimension, exact times and integers,
 * distributions, sweep lists and ranges, booleans). Built by `make fuzz`
 * with clang's -fsanitize=fuzzer plus ASan and UBSan; bad input must give
 * an error, never a crash, a leak or an abort. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <glib.h>

#include "dist.h"
#include "param.h"
#include "scenario.h"
#include "sweep.h"
#include "units.h"

/* Longer values are not worth the time: every parser is linear or capped. */
#define VALUE_MAX 256

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fuzz_scenario(const char *text)
{
    GError *error = NULL;
    struct scenario *sc = scenario_load_data(text, "fuzz.ini", NULL, &error);
    struct sweep *sw;

    if (!sc) {
        g_assert(error && error->message && !strchr(error->message, '\n'));
        g_error_free(error);
        return;
    }
    g_ptr_array_unref(scenario_effective(sc));
    (void)scenario_mem_estimate(sc, NULL);
    sw = sweep_new(sc, NULL, NULL, NULL, &error);
    if (sw) {
        g_free(sweep_label(sw, sweep_n_points(sw) - 1));
        sweep_free(sw);
    } else {
        g_error_free(error);
    }
    scenario_free(sc);
}

static void fuzz_values(const char *text)
{
    static const enum unit_dim dims[] = { DIM_NONE,    DIM_TIME, DIM_SIZE,  DIM_BITRATE,
                                          DIM_PKTRATE, DIM_FREQ, DIM_CYCLES };

    GPtrArray *values;
    double v;
    sim_time ps;
    int64_t i;
    bool b;

    for (size_t k = 0; k < G_N_ELEMENTS(dims); k++) {
        struct dist d;

        if (unit_parse(text, dims[k], &v, NULL))
            g_free(unit_format(v, dims[k]));
        (void)unit_parse_lenient(text, dims[k], &v, NULL);
        /* Not empirical(): it names a file to read. */
        if (!strstr(text, "empirical") && dist_parse(&d, text, dims[k], NULL, NULL)) {
            g_free(dist_to_string(&d));
            dist_release(&d);
        }
    }
    (void)unit_parse_time(text, &ps, NULL);
    (void)unit_parse_int(text, DIM_NONE, &i, NULL);
    (void)unit_parse_int(text, DIM_CYCLES, &i, NULL);
    (void)param_parse_bool(text, &b);
    values = sweep_parse_values(text, NULL);
    if (values)
        g_ptr_array_unref(values);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = g_strndup((const char *)data, size);

    fuzz_scenario(text);
    if (size <= VALUE_MAX)
        fuzz_values(text);
    g_free(text);
    return 0;
}
