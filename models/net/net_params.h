/* The net model's parameter registry (net_params.c). */
#ifndef IOVSIM_NET_PARAMS_H
#define IOVSIM_NET_PARAMS_H

#include <stddef.h>

#include "param.h"

extern const struct param_def net_params[];
extern const size_t net_n_params;

#endif
