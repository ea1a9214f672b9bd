/* Time series in the results store (schema 4): a run's sampled quantities,
 * one row each with its samples as a JSON array, and the sample view that
 * gives them one per row with their times. Documented at the top of
 * store.c. */
#include "store_series.h"

#include <math.h>

void store_series_samples(GString *out, const struct report_series *s)
{
    char num[G_ASCII_DTOSTR_BUF_SIZE];

    g_string_assign(out, "[");
    for (size_t k = 0; k < s->n; k++) {
        if (k)
            g_string_append_c(out, ',');
        /* JSON has no NaN: an undefined sample is null, as metrics store
         * NULL for it. */
        if (!isfinite(s->values[k]))
            g_string_append(out, "null");
        else
            g_string_append(out, g_ascii_formatd(num, sizeof(num), "%.17g", s->values[k]));
    }
    g_string_append_c(out, ']');
}
