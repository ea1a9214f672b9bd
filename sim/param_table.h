/* Short forms for the rows of a model's parameter table, so that each row
 * reads as key, default, range, help and source. Every model's *_params.c
 * uses these; a range with min > max means "no range" (bools, enums). */
#ifndef IOVSIM_PARAM_TABLE_H
#define IOVSIM_PARAM_TABLE_H

#include "param.h"

#define PDEF(k, t, dm, d, lo, hi, h, s)                                                        \
    {                                                                                          \
        .key = k, .type = t, .dim = dm, .def = d, .min = lo, .max = hi, .help = h, .source = s \
    }
/* A cost in cycles, converted at the model's clock. */
#define PDEF_CYCLES(k, d, lo, hi, h, s) PDEF(k, PARAM_INT, DIM_CYCLES, d, lo, hi, h, s)
#define PDEF_TIME(k, d, lo, hi, h, s)   PDEF(k, PARAM_REAL, DIM_TIME, d, lo, hi, h, s)
/* A time distribution; the range applies to its mean. */
#define PDEF_DTIME(k, d, lo, hi, h, s) PDEF(k, PARAM_DIST, DIM_TIME, d, lo, hi, h, s)
#define PDEF_SIZE(k, d, lo, hi, h, s)  PDEF(k, PARAM_REAL, DIM_SIZE, d, lo, hi, h, s)
#define PDEF_INT(k, d, lo, hi, h, s)   PDEF(k, PARAM_INT, DIM_NONE, d, lo, hi, h, s)
#define PDEF_BOOL(k, d, h, s)          PDEF(k, PARAM_BOOL, DIM_NONE, d, 1, 0, h, s)
#define PDEF_ENUM(k, d, c, h, s)                                                             \
    {                                                                                        \
        .key = k, .type = PARAM_ENUM, .def = d, .min = 1, .max = 0, .choices = c, .help = h, \
        .source = s                                                                          \
    }

#endif
