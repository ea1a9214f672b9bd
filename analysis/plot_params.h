/* Keys of the [plot NAME] groups a scenario uses to declare its figures,
 * e.g. plot.latency.x; `iovsim plot DB --scenario FILE` draws them. */
#ifndef IOVSIM_ANALYSIS_PLOT_PARAMS_H
#define IOVSIM_ANALYSIS_PLOT_PARAMS_H

#include <stddef.h>

#include "param.h"

extern const struct param_def plot_params[];
extern const size_t plot_n_params;

#endif
