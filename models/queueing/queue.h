/* A network of FIFO stations in tandem (source -> station 1 -> ... ->
 * station N -> sink), each with c servers. Its closed forms (M/M/1, M/D/1,
 * M/M/c, Little's law) validate the engine. */
#ifndef IOVSIM_MODELS_QUEUE_H
#define IOVSIM_MODELS_QUEUE_H

#include "model.h"

extern const struct model_ops queue_model_ops;

#endif
