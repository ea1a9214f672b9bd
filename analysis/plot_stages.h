/* The stages of a cost breakdown in the order a request meets them, from
 * the models' own stage lists (model_ops.stages): a stacked bar reads
 * from the guest up to the wire and back, and each stage keeps its colour
 * (its place in the list) in every figure. */
#ifndef IOVSIM_ANALYSIS_PLOT_STAGES_H
#define IOVSIM_ANALYSIS_PLOT_STAGES_H

#include <stddef.h>

/**
 * plot_stage_places - the place of each of the @n stage names @names in the
 * data path: its index in the model stage list that holds the most of
 * them, or -1 for a name that list does not hold. Fills @place (@n ints).
 */
void plot_stage_places(const char *const *names, size_t n, int *place);

#endif
