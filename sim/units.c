/* Numbers with units, parsed digit by digit: the decimal digits and exponent
 * are collected first and the unit's power of ten is folded into the
 * exponent, so "0.1us" becomes the correctly rounded double 1e-7 and "1.25s"
 * becomes exactly 1250000000000 ps. No locale, no "inf"/"nan", no hex; SI
 * prefixes only up to G (nothing in the models needs more). */
#include "units.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <glib.h>

#include "scenario.h"

/* Significant digits kept; a longer number is rejected rather than rounded
 * twice (once here and once by strtod). */
#define MAX_DIGITS 60
/* Exponents saturate here: far beyond any double, far within an int. */
#define MAX_EXP10 100000

struct unit {
    const char *name;
    enum unit_dim dim;
    double scale; /* base units per unit; exact literal, for unit_format() */
    int pow10;    /* scale = 10^pow10 * 1024^pow1024 */
    int pow1024;
    bool is_listed; /* aliases (kbps, kHz) are accepted but never printed */
};

static const struct unit units[] = {
    { "ps", DIM_TIME, 1e-12, -12, 0, true },
    { "ns", DIM_TIME, 1e-9, -9, 0, true },
    { "us", DIM_TIME, 1e-6, -6, 0, true },
    { "ms", DIM_TIME, 1e-3, -3, 0, true },
    { "s", DIM_TIME, 1.0, 0, 0, true },
    { "B", DIM_SIZE, 1.0, 0, 0, true },
    { "KB", DIM_SIZE, 1e3, 3, 0, true },
    { "kB", DIM_SIZE, 1e3, 3, 0, false },
    { "KiB", DIM_SIZE, 1024.0, 0, 1, true },
    { "MB", DIM_SIZE, 1e6, 6, 0, true },
    { "MiB", DIM_SIZE, 1048576.0, 0, 2, true },
    { "GB", DIM_SIZE, 1e9, 9, 0, true },
    { "GiB", DIM_SIZE, 1073741824.0, 0, 3, true },
    { "bps", DIM_BITRATE, 1.0, 0, 0, true },
    { "Kbps", DIM_BITRATE, 1e3, 3, 0, true },
    { "kbps", DIM_BITRATE, 1e3, 3, 0, false },
    { "Mbps", DIM_BITRATE, 1e6, 6, 0, true },
    { "Gbps", DIM_BITRATE, 1e9, 9, 0, true },
    { "pps", DIM_PKTRATE, 1.0, 0, 0, true },
    { "Kpps", DIM_PKTRATE, 1e3, 3, 0, true },
    { "kpps", DIM_PKTRATE, 1e3, 3, 0, false },
    { "Mpps", DIM_PKTRATE, 1e6, 6, 0, true },
    { "Hz", DIM_FREQ, 1.0, 0, 0, true },
    { "KHz", DIM_FREQ, 1e3, 3, 0, true },
    { "kHz", DIM_FREQ, 1e3, 3, 0, false },
    { "MHz", DIM_FREQ, 1e6, 6, 0, true },
    { "GHz", DIM_FREQ, 1e9, 9, 0, true },
    { "cycles", DIM_CYCLES, 1.0, 0, 0, true },
};

/* A scanned decimal: value = (neg ? -1 : 1) * digits * 10^exp10. */
struct decimal {
    bool neg;
    char digits[MAX_DIGITS + 1]; /* significant digits, no leading zeros */
    int n_digits;
    int exp10;
};

const char *unit_dim_base(enum unit_dim dim)
{
    switch (dim) {
    case DIM_NONE:
        return "1";
    case DIM_TIME:
        return "s";
    case DIM_SIZE:
        return "B";
    case DIM_BITRATE:
        return "bit/s";
    case DIM_PKTRATE:
        return "1/s";
    case DIM_FREQ:
        return "Hz";
    case DIM_CYCLES:
        return "cycles";
    }
    g_assert_not_reached();
}

const char *unit_dim_accepted(enum unit_dim dim)
{
    switch (dim) {
    case DIM_NONE:
        return "a plain number";
    case DIM_TIME:
        return "ps ns us ms s";
    case DIM_SIZE:
        return "B KB KiB MB MiB GB GiB";
    case DIM_BITRATE:
        return "bps Kbps Mbps Gbps";
    case DIM_PKTRATE:
        return "pps Kpps Mpps";
    case DIM_FREQ:
        return "Hz KHz MHz GHz";
    case DIM_CYCLES:
        return "cycles";
    }
    g_assert_not_reached();
}

/* An example value for messages. */
static const char *dim_example(enum unit_dim dim)
{
    switch (dim) {
    case DIM_NONE:
        return "42";
    case DIM_TIME:
        return "1.25s";
    case DIM_SIZE:
        return "64KiB";
    case DIM_BITRATE:
        return "10Gbps";
    case DIM_PKTRATE:
        return "1.5Mpps";
    case DIM_FREQ:
        return "2.4GHz";
    case DIM_CYCLES:
        return "1000";
    }
    g_assert_not_reached();
}

static const struct unit *find_unit(const char *name, enum unit_dim dim)
{
    for (size_t i = 0; i < G_N_ELEMENTS(units); i++)
        if (units[i].dim == dim && strcmp(units[i].name, name) == 0)
            return &units[i];
    return NULL;
}

static void add_exp(int *exp10, long delta)
{
    long e = *exp10 + delta;
    *exp10 = (int)CLAMP(e, -MAX_EXP10, MAX_EXP10);
}

/* Scan [sign] digits [. digits] [e [sign] digits] at @s. Returns the first
 * character after the number, or NULL if there is no number or too many
 * significant digits. */
static const char *scan_decimal(const char *s, struct decimal *d)
{
    bool any = false, frac = false;
    long exp = 0;

    memset(d, 0, sizeof(*d));
    if (*s == '+' || *s == '-')
        d->neg = *s++ == '-';
    for (;; s++) {
        if (*s == '.' && !frac) {
            frac = true;
            continue;
        }
        if (!g_ascii_isdigit(*s))
            break;
        any = true;
        if (frac)
            d->exp10--;
        if (*s == '0' && d->n_digits == 0)
            continue;
        if (d->n_digits == MAX_DIGITS)
            return NULL;
        d->digits[d->n_digits++] = *s;
    }
    if (!any)
        return NULL;
    if ((*s == 'e' || *s == 'E') &&
        (g_ascii_isdigit(s[1]) || ((s[1] == '+' || s[1] == '-') && g_ascii_isdigit(s[2])))) {
        bool neg_exp = s[1] == '-';
        s += (s[1] == '+' || s[1] == '-') ? 2 : 1;
        for (; g_ascii_isdigit(*s); s++)
            exp = MIN(exp * 10 + (*s - '0'), (long)MAX_EXP10);
        add_exp(&d->exp10, neg_exp ? -exp : exp);
    }
    return s;
}

/*
 * Split @text into a decimal and a unit of @dim. A missing unit is allowed
 * for DIM_NONE and DIM_CYCLES, and for any dimension when @is_unit_optional
 * (the number is then in base units); *@u is NULL then.
 */
static bool split_value(const char *text, enum unit_dim dim, bool is_unit_optional,
                        struct decimal *d, const struct unit **u, GError **error)
{
    g_autofree char *t = g_strstrip(g_strdup(text));
    const char *rest;

    *u = NULL;
    if (*t == '\0') {
        g_set_error(error, IOVSIM_ERROR, IOVSIM_ERROR_INPUT, "empty value");
        return false;
    }
    rest = scan_decimal(t, d);
    if (rest && rest > t && g_ascii_isspace(*rest))
        while (g_ascii_isspace(*rest))
            rest++;
    if (!rest || *rest == '.' || g_ascii_isdigit(*rest) || *rest == '+' || *rest == '-') {
        g_set_error(error, IOVSIM_ERROR, IOVSIM_ERROR_INPUT,
                    "malformed value '%s' (expected e.g. %s)", t, dim_example(dim));
        return false;
    }
    if (*rest == '\0') {
        if (dim == DIM_NONE || dim == DIM_CYCLES || is_unit_optional)
            return true;
        g_set_error(error, IOVSIM_ERROR, IOVSIM_ERROR_INPUT,
                    "missing unit in '%s' (expected one of: %s)", t, unit_dim_accepted(dim));
        return false;
    }
    if (dim == DIM_NONE) {
        g_set_error(error, IOVSIM_ERROR, IOVSIM_ERROR_INPUT,
                    "unexpected unit '%s' in '%s' (expected a plain number)", rest, t);
        return false;
    }
    *u = find_unit(rest, dim);
    if (!*u) {
        g_set_error(error, IOVSIM_ERROR, IOVSIM_ERROR_INPUT,
                    "unknown unit '%s' in '%s' (expected one of: %s)", rest, t,
                    unit_dim_accepted(dim));
        return false;
    }
    return true;
}

/* Correctly rounded: strtod sees all the digits and the combined exponent. */
static double decimal_to_double(const struct decimal *d, const struct unit *u)
{
    char buf[MAX_DIGITS + 32];
    int exp10 = d->exp10;
    double v;

    if (d->n_digits == 0)
        return d->neg ? -0.0 : 0.0;
    if (u)
        add_exp(&exp10, u->pow10);
    snprintf(buf, sizeof(buf), "%s%.*se%d", d->neg ? "-" : "", d->n_digits, d->digits, exp10);
    v = g_ascii_strtod(buf, NULL);
    for (int i = 0; u && i < u->pow1024; i++)
        v *= 1024.0;
    return v;
}

static bool parse_double(const char *text, enum unit_dim dim, bool is_unit_optional,
                         double *out_base, GError **error)
{
    struct decimal d;
    const struct unit *u;
    double v;

    if (!split_value(text, dim, is_unit_optional, &d, &u, error))
        return false;
    v = decimal_to_double(&d, u);
    if (!isfinite(v)) {
        g_autofree char *t = g_strstrip(g_strdup(text));
        g_set_error(error, IOVSIM_ERROR, IOVSIM_ERROR_INPUT, "'%s' is too large", t);
        return false;
    }
    *out_base = v;
    return true;
}

bool unit_parse(const char *text, enum unit_dim dim, double *out_base, GError **error)
{
    return parse_double(text, dim, false, out_base, error);
}

bool unit_parse_lenient(const char *text, enum unit_dim dim, double *out_base, GError **error)
{
    return parse_double(text, dim, true, out_base, error);
}

/* digits * 10^exp10 rounded to the nearest integer (ties away from zero);
 * false on overflow of int64. */
static bool decimal_to_int(const struct decimal *d, int exp10, int64_t *out)
{
    int keep = d->n_digits + MIN(exp10, 0);
    uint64_t v = 0;

    if (d->n_digits > 0 && exp10 > 0 && d->n_digits + exp10 > 19)
        return false;
    for (int i = 0; i < keep; i++)
        if (__builtin_mul_overflow(v, 10, &v) ||
            __builtin_add_overflow(v, (uint64_t)(d->digits[i] - '0'), &v))
            return false;
    for (int i = 0; i < exp10 && d->n_digits > 0; i++)
        if (__builtin_mul_overflow(v, 10, &v))
            return false;
    if (keep >= 0 && keep < d->n_digits && d->digits[keep] >= '5')
        v++;
    if (v > (uint64_t)INT64_MAX)
        return false;
    *out = d->neg ? -(int64_t)v : (int64_t)v;
    return true;
}

bool unit_parse_time(const char *text, sim_time *out_ps, GError **error)
{
    struct decimal d;
    const struct unit *u;
    int exp10;

    if (!split_value(text, DIM_TIME, false, &d, &u, error))
        return false;
    exp10 = d.exp10;
    add_exp(&exp10, u->pow10 + 12);
    if (!decimal_to_int(&d, exp10, out_ps)) {
        g_autofree char *t = g_strstrip(g_strdup(text));
        g_set_error(error, IOVSIM_ERROR, IOVSIM_ERROR_INPUT,
                    "'%s' is too large (simulated time ends at %.0fs)", t,
                    floor(sim_time_to_s(SIM_TIME_MAX)));
        return false;
    }
    return true;
}

bool unit_parse_int(const char *text, enum unit_dim dim, int64_t *out, GError **error)
{
    struct decimal d;
    const struct unit *u;

    g_assert(dim == DIM_NONE || dim == DIM_CYCLES);
    if (!split_value(text, dim, false, &d, &u, error))
        return false;
    if (!decimal_to_int(&d, d.exp10, out)) {
        g_autofree char *t = g_strstrip(g_strdup(text));
        g_set_error(error, IOVSIM_ERROR, IOVSIM_ERROR_INPUT, "'%s' is too large", t);
        return false;
    }
    /* Rounding happened iff a nonzero digit sits below the units place. */
    if (d.exp10 < 0) {
        for (int i = MAX(d.n_digits + d.exp10, 0); i < d.n_digits; i++) {
            if (d.digits[i] != '0') {
                g_autofree char *t = g_strstrip(g_strdup(text));
                g_set_error(error, IOVSIM_ERROR, IOVSIM_ERROR_INPUT, "'%s' is not an integer", t);
                return false;
            }
        }
    }
    return true;
}

/* Shortest "%.*g" text of @base in unit @u that parses back to @base. All
 * precisions are tried: "5e+02" round-trips before "500" does. */
static char *format_in(double base, const struct unit *u, enum unit_dim dim)
{
    double v = u ? base / u->scale : base;
    const char *name = u && dim != DIM_CYCLES ? u->name : "";
    char *best = NULL;

    for (int prec = 1; prec <= 17; prec++) {
        char *s = g_strdup_printf("%.*g%s", prec, v, name);
        double back;

        if ((!best || strlen(s) < strlen(best)) && parse_double(s, dim, false, &back, NULL) &&
            back == base) {
            g_free(best);
            best = s;
        } else {
            g_free(s);
        }
    }
    return best;
}

char *unit_format(double base, enum unit_dim dim)
{
    const struct unit *smallest = NULL;
    char *best = NULL;
    double mag = fabs(base);

    if (!isfinite(base))
        return g_strdup_printf("%g%s", base, dim == DIM_NONE ? "" : unit_dim_base(dim));
    for (size_t i = 0; i < G_N_ELEMENTS(units); i++) {
        const struct unit *u = &units[i];
        char *s;

        if (u->dim != dim || !u->is_listed)
            continue;
        if (!smallest || u->scale < smallest->scale)
            smallest = u;
        /* Zero is shown in the base unit; otherwise only units <= |base|. */
        if (mag == 0.0 ? u->scale != 1.0 : u->scale > mag * (1.0 + 1e-12))
            continue;
        s = format_in(base, u, dim);
        /* Ties go to the larger unit: units[] is in increasing scale. */
        if (s && (!best || strlen(s) <= strlen(best))) {
            g_free(best);
            best = s;
        } else {
            g_free(s);
        }
    }
    if (!best && smallest)
        best = format_in(base, smallest, dim);
    /* base / scale can lose the last bit; the base unit never does. */
    for (size_t i = 0; !best && i < G_N_ELEMENTS(units); i++)
        if (units[i].dim == dim && units[i].pow10 == 0 && units[i].pow1024 == 0)
            best = format_in(base, &units[i], dim);
    if (!best)
        best = format_in(base, NULL, DIM_NONE);
    g_assert(best);
    return best;
}

char *unit_format_bytes(uint64_t bytes)
{
    static const char *const names[] = { "KiB", "MiB", "GiB" };
    double v = (double)bytes;
    int u = -1;

    while (u + 1 < (int)G_N_ELEMENTS(names) && v >= 1024) {
        v /= 1024;
        u++;
    }
    if (u < 0)
        return g_strdup_printf("%" G_GUINT64_FORMAT "B", bytes);
    return g_strdup_printf("%.1f%s", v, names[u]);
}
