/* Display scales for the SI units the store uses. */
#include "humanize.h"

#include <math.h>
#include <string.h>

#include <glib.h>

struct scale {
    double factor;
    const char *name;
};

/* Scales run from the smallest unit up: take the first in which the value
 * is below 1000, or the largest. */
static const char *pick(double value, const struct scale *s, size_t n, double *factor)
{
    double a = fabs(value);
    size_t best = n - 1;
    for (size_t i = 0; i < n; i++) {
        if (a * s[i].factor < 1000.0) {
            best = i;
            break;
        }
    }
    *factor = s[best].factor;
    return s[best].name;
}

const char *humanize_scale(double value, const char *unit, double *factor)
{
    static const struct scale time[] = {
        { 1e12, "ps" }, { 1e9, "ns" }, { 1e6, "us" }, { 1e3, "ms" }, { 1, "s" },
    };
    static const struct scale bits[] = {
        { 1, "b/s" }, { 1e-3, "Kb/s" }, { 1e-6, "Mb/s" }, { 1e-9, "Gb/s" }, { 1e-12, "Tb/s" },
    };
    static const struct scale bytes[] = {
        { 1, "B" },
        { 1.0 / 1024, "KiB" },
        { 1.0 / 1048576, "MiB" },
        { 1.0 / 1073741824, "GiB" },
    };
    static const struct scale rate[] = {
        { 1, "/s" },
        { 1e-3, "K/s" },
        { 1e-6, "M/s" },
        { 1e-9, "G/s" },
    };
    if (!unit || strcmp(unit, "1") == 0) {
        *factor = 1;
        return "";
    }
    if (value == 0) {
        *factor = 1;
        return unit;
    }
    if (strcmp(unit, "s") == 0) {
        if (fabs(value) >= 1) {
            *factor = 1;
            return "s";
        }
        return pick(value, time, G_N_ELEMENTS(time), factor);
    }
    if (strcmp(unit, "bit/s") == 0)
        return pick(value, bits, G_N_ELEMENTS(bits), factor);
    if (strcmp(unit, "B") == 0)
        return pick(value, bytes, G_N_ELEMENTS(bytes), factor);
    if (strcmp(unit, "1/s") == 0)
        return pick(value, rate, G_N_ELEMENTS(rate), factor);
    *factor = 1;
    return unit;
}

char *humanize(double value, const char *unit)
{
    double f;
    const char *u = humanize_scale(value, unit, &f);
    return g_strdup_printf("%.4g%s%s", value * f, *u ? " " : "", u);
}
