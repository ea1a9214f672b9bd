#ifndef IOVSIM_MODELS_FABRIC_PARAMS_H
#define IOVSIM_MODELS_FABRIC_PARAMS_H

#include <stddef.h>

#include "param.h"
#include "scenario.h"

/* Entries in fabric_params[], a constant so that fabric_model_ops can be a
 * static initializer; fabric_params.c checks it against the table. */
#define FABRIC_N_PARAMS 28

extern const struct param_def fabric_params[];
extern const size_t fabric_n_params;

/* VXLAN's bytes per frame: outer Ethernet 14 + IP 20 + UDP 8 + VXLAN 8
 * (RFC 7348 section 5). */
#define FABRIC_VXLAN_BYTES 50

#endif
