/* The parameter registry: every model declares each parameter once, with its
 * type, default, unit, valid range, help and the source of the default. The
 * scenario loader checks every key against it; `iovsim params` prints it. */
#ifndef IOVSIM_PARAM_H
#define IOVSIM_PARAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <glib.h>

#include "dist.h"
#include "simtime.h"
#include "units.h"

enum param_type {
    PARAM_INT,    /* integer, DIM_NONE or DIM_CYCLES */
    PARAM_REAL,   /* real number with a dimension (time, size, rate, ...) */
    PARAM_BOOL,   /* true/false, yes/no, on/off, 1/0 */
    PARAM_ENUM,   /* one of @choices, "|"-separated */
    PARAM_STRING, /* free text (names, file paths) */
    PARAM_DIST,   /* a distribution (see dist.h) with dimension @dim */
};

/**
 * struct param_def - one registered parameter
 * @key:     "section.name"; a section "plot.*" matches every [plot NAME]
 *           group, whose keys are then spelled "plot.NAME.key"
 * @type:    value type
 * @dim:     unit dimension of PARAM_REAL / PARAM_DIST / PARAM_INT values
 * @def:     default as text, parsed like a scenario value; NULL = required
 * @min,@max: valid range in base units (inclusive); for PARAM_DIST, the
 *           range of the mean; ignored when min > max
 * @choices: PARAM_ENUM only, e.g. "qemu|vhost"
 * @help:    one line
 * @source:  where the default comes from (paper and section, or "choice")
 * @check:   PARAM_STRING only: a further check of the text (optional); on
 *           error, a message that names neither file nor key
 */
struct param_def {
    const char *key;
    enum param_type type;
    enum unit_dim dim;
    const char *def;
    double min, max;
    const char *choices;
    const char *help;
    const char *source;
    bool (*check)(const char *text, GError **error);
};

/* Human name of a type + dimension, e.g. "time", "dist(time)", "enum". */
const char *param_type_name(const struct param_def *def);

/**
 * struct param_value - a parsed value; only the field of the def's type is set
 * @i:     PARAM_INT
 * @real:  PARAM_REAL, base units
 * @ps:    PARAM_REAL with DIM_TIME: the same value, exact in picoseconds
 * @b:     PARAM_BOOL
 * @str:   PARAM_STRING and PARAM_ENUM (owned)
 * @dist:  PARAM_DIST (owned)
 */
struct param_value {
    int64_t i;
    double real;
    sim_time ps;
    bool b;
    char *str;
    struct dist dist;
};

/**
 * param_parse - parse @text as a value of @def and check its range
 * (the mean's, for a distribution) and choices. Relative paths in @text
 * resolve against @base_dir (may be NULL). On error returns false with a
 * message that names neither file nor key, e.g. "0 is out of range [1, 1024]";
 * @out is then left released. Release a parsed value with
 * param_value_release().
 */
bool param_parse(const struct param_def *def, const char *text, const char *base_dir,
                 struct param_value *out, GError **error);
void param_value_release(struct param_value *v);
/* Deep copy. */
void param_value_copy(struct param_value *dst, const struct param_value *src);

/* The valid range in human units, e.g. "[1ps, 1e+09s]"; NULL if the def has
 * none (min > max). Caller frees. */
char *param_format_range(const struct param_def *def);

/* true/false, yes/no, on/off, 1/0 (ASCII case ignored). */
bool param_parse_bool(const char *text, bool *out);

#endif
