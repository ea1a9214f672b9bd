#ifndef IOVSIM_MODELS_FABRIC_PARAMS_H
#define IOVSIM_MODELS_FABRIC_PARAMS_H

#include <stddef.h>

#include "param.h"

/* Entries in fabric_params[], a constant so that fabric_model_ops can be a
 * static initializer; fabric_params.c checks it against the table. */
#define FABRIC_N_PARAMS 28

extern const struct param_def fabric_params[];
extern const size_t fabric_n_params;

#endif
