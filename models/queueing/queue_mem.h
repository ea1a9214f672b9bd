/* The queue model's memory estimate (model_ops.mem_estimate). */
#ifndef IOVSIM_MODELS_QUEUE_MEM_H
#define IOVSIM_MODELS_QUEUE_MEM_H

#include <stdint.h>

#include <glib.h>

#include "scenario.h"

uint64_t queue_mem_estimate(const struct scenario *sc, GString *keys);

#endif
