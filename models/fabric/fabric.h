/* The fabric model: an SDN data-centre fabric (two-tier leaf-spine, ECMP,
 * reactive / proactive / DevoFlow-like flow setup through one controller,
 * optional VXLAN overlay) whose flow completion times can be set beside the
 * per-host I/O costs of the net model. docs/models.md describes it. */
#ifndef IOVSIM_MODELS_FABRIC_H
#define IOVSIM_MODELS_FABRIC_H

#include "model.h"

extern const struct model_ops fabric_model_ops;

/* Names of the stage_<name> metrics, in report order (the FCT breakdown). */
extern const char *const fabric_stage_names[];
extern const unsigned fabric_n_stages;

#endif
