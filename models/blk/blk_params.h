/* The blk model's parameter registry (blk_params.c). */
#ifndef IOVSIM_BLK_PARAMS_H
#define IOVSIM_BLK_PARAMS_H

#include <stddef.h>

#include "param.h"

extern const struct param_def blk_params[];
extern const size_t blk_n_params;

#endif
