/* The parameter registry: every model declares each parameter once, with its
 * type, default, unit, valid range, help and the source of the default. The
 * scenario loader checks every key against it; `iovsim params` prints it. */
#ifndef IOVSIM_PARAM_H
#define IOVSIM_PARAM_H

#include <stdbool.h>
#include <stddef.h>

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
};

/* Human name of a type + dimension, e.g. "time", "dist(time)", "enum". */
const char *param_type_name(const struct param_def *def);

#endif
