/* Parsing and checking one parameter value against its registry entry:
 * units, integers, booleans, enum choices, distributions, and the valid
 * range (a distribution's is checked on its mean). Which keys exist and
 * where a value came from is the scenario loader's business, not this. */
#include "param.h"

#include <math.h>
#include <string.h>

#include <glib.h>

#include "scenario.h"
#include "suggest.h"

const char *param_type_name(const struct param_def *def)
{
    static const char *const real_names[] = {
        [DIM_NONE] = "real",       [DIM_TIME] = "time",       [DIM_SIZE] = "size",
        [DIM_BITRATE] = "bitrate", [DIM_PKTRATE] = "pktrate", [DIM_FREQ] = "freq",
        [DIM_CYCLES] = "cycles",
    };
    static const char *const dist_names[] = {
        [DIM_NONE] = "dist",
        [DIM_TIME] = "dist(time)",
        [DIM_SIZE] = "dist(size)",
        [DIM_BITRATE] = "dist(bitrate)",
        [DIM_PKTRATE] = "dist(pktrate)",
        [DIM_FREQ] = "dist(freq)",
        [DIM_CYCLES] = "dist(cycles)",
    };

    switch (def->type) {
    case PARAM_INT:
        return def->dim == DIM_CYCLES ? "cycles" : "int";
    case PARAM_REAL:
        return real_names[def->dim];
    case PARAM_BOOL:
        return "bool";
    case PARAM_ENUM:
        return "enum";
    case PARAM_STRING:
        return "string";
    case PARAM_DIST:
        return dist_names[def->dim];
    }
    g_assert_not_reached();
}

static bool has_range(const struct param_def *def)
{
    return def->min <= def->max;
}

/* A bound as people write it: integers in full, the rest with a unit. */
static char *format_bound(const struct param_def *def, double v)
{
    if (def->type == PARAM_INT && fabs(v) < 1e18 && v == floor(v))
        return g_strdup_printf("%.0f", v);
    return unit_format(v, def->dim);
}

char *param_format_range(const struct param_def *def)
{
    g_autofree char *lo = NULL, *hi = NULL;

    if (!has_range(def))
        return NULL;
    lo = format_bound(def, def->min);
    hi = format_bound(def, def->max);
    return g_strdup_printf("[%s, %s]", lo, hi);
}

static bool check_range(const struct param_def *def, double v, const char *what, GError **error)
{
    g_autofree char *range = NULL;

    /* NaN is never in range: check_int_range() uses it to force the error. */
    if (!has_range(def) || (v >= def->min && v <= def->max))
        return true;
    range = param_format_range(def);
    g_set_error(error, IOVSIM_ERROR, IOVSIM_ERROR_INPUT, "%s is out of range %s", what, range);
    return false;
}

/* Integers compare as integers: a double cannot tell 2^53 + 1 from 2^53. */
static bool check_int_range(const struct param_def *def, int64_t v, const char *text,
                            GError **error)
{
    bool below, above;

    if (!has_range(def))
        return true;
    below = def->min >= 0x1p63 || (def->min > -0x1p63 && v < (int64_t)ceil(def->min));
    above = def->max < -0x1p63 || (def->max < 0x1p63 && v > (int64_t)floor(def->max));
    return (!below && !above) || check_range(def, NAN, text, error);
}

bool param_parse_bool(const char *text, bool *out)
{
    static const char *const yes[] = { "true", "yes", "on", "1" };
    static const char *const no[] = { "false", "no", "off", "0" };

    for (size_t i = 0; i < G_N_ELEMENTS(yes); i++) {
        if (g_ascii_strcasecmp(text, yes[i]) == 0) {
            *out = true;
            return true;
        }
        if (g_ascii_strcasecmp(text, no[i]) == 0) {
            *out = false;
            return true;
        }
    }
    return false;
}

static bool parse_enum(const struct param_def *def, const char *text, struct param_value *out,
                       GError **error)
{
    g_auto(GStrv) choices = NULL;
    g_autofree char *list = NULL;

    g_assert(def->choices);
    choices = g_strsplit(def->choices, "|", -1);
    for (int i = 0; choices[i]; i++) {
        if (strcmp(choices[i], text) == 0) {
            out->str = g_strdup(text);
            return true;
        }
    }
    list = g_strjoinv(", ", choices);
    const char *near = suggest_closest(text, (const char *const *)choices, g_strv_length(choices));

    if (near)
        g_set_error(error, IOVSIM_ERROR, IOVSIM_ERROR_INPUT,
                    "invalid value '%s' (did you mean '%s'? expected one of: %s)", text, near,
                    list);
    else
        g_set_error(error, IOVSIM_ERROR, IOVSIM_ERROR_INPUT,
                    "invalid value '%s' (expected one of: %s)", text, list);
    return false;
}

static bool parse_dist(const struct param_def *def, const char *text, const char *base_dir,
                       struct param_value *out, GError **error)
{
    double mean;

    if (!dist_parse(&out->dist, text, def->dim, base_dir, error))
        return false;
    if (!has_range(def))
        return true;
    mean = dist_mean(&out->dist);
    if (!isfinite(mean)) {
        g_set_error(error, IOVSIM_ERROR, IOVSIM_ERROR_INPUT, "'%s': mean is infinite", text);
        return false;
    }

    if (mean >= def->min && mean <= def->max)
        return true;
    /* Formatting is slow (it searches the shortest text): only for the message. */
    g_autofree char *m = unit_format(mean, def->dim);
    g_autofree char *what = g_strdup_printf("mean %s of '%s'", m, text);
    return check_range(def, mean, what, error);
}

static bool parse_real(const struct param_def *def, const char *text, struct param_value *out,
                       GError **error)
{
    if (!unit_parse(text, def->dim, &out->real, error) || !check_range(def, out->real, text, error))
        return false;
    /* Keep the exact picoseconds too: sim_time must not go through a double. */
    return def->dim != DIM_TIME || unit_parse_time(text, &out->ps, error);
}

static bool parse_value(const struct param_def *def, const char *text, const char *base_dir,
                        struct param_value *out, GError **error)
{
    switch (def->type) {
    case PARAM_INT:
        return unit_parse_int(text, def->dim, &out->i, error) &&
               check_int_range(def, out->i, text, error);
    case PARAM_REAL:
        return parse_real(def, text, out, error);
    case PARAM_BOOL:
        if (param_parse_bool(text, &out->b))
            return true;
        g_set_error(error, IOVSIM_ERROR, IOVSIM_ERROR_INPUT,
                    "invalid boolean '%s' (expected true/false, yes/no, on/off or 1/0)", text);
        return false;
    case PARAM_ENUM:
        return parse_enum(def, text, out, error);
    case PARAM_STRING:
        out->str = g_strdup(text);
        return !def->check || def->check(text, error);
    case PARAM_DIST:
        return parse_dist(def, text, base_dir, out, error);
    }
    g_assert_not_reached();
}

bool param_parse(const struct param_def *def, const char *text, const char *base_dir,
                 struct param_value *out, GError **error)
{
    g_autofree char *t = g_strstrip(g_strdup(text));

    memset(out, 0, sizeof(*out));
    if (!parse_value(def, t, base_dir, out, error)) {
        param_value_release(out);
        /* "duration = 10s # warm" read as the unit "s # warm" otherwise. */
        if (error && *error && (strstr(t, " #") || strstr(t, "\t#"))) {
            char *msg = g_strconcat((*error)->message,
                                    "; a '#' starts a comment only at the start of a line", NULL);

            g_free((*error)->message);
            (*error)->message = msg;
        }
        return false;
    }
    return true;
}

void param_value_release(struct param_value *v)
{
    g_clear_pointer(&v->str, g_free);
    dist_release(&v->dist);
}

void param_value_copy(struct param_value *dst, const struct param_value *src)
{
    *dst = *src;
    dst->str = g_strdup(src->str);
    dist_copy(&dst->dist, &src->dist);
}
