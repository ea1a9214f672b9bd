#ifndef IOVSIM_MODELS_QUEUE_PARAMS_H
#define IOVSIM_MODELS_QUEUE_PARAMS_H

#include <stddef.h>

#include "param.h"

/* Entries in queue_params[], as a constant so queue_model_ops can be a static
 * initializer; queue_params.c checks it against the table at compile time. */
#define QUEUE_N_PARAMS 5

extern const struct param_def queue_params[];
extern const size_t queue_n_params;

#endif
