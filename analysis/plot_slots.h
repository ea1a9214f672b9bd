/* Where a bar of a grouped bar chart stands: the groups one x unit apart
 * (group g at x = g), each split into a slot per series and one slot of
 * gap. A group missing some series closes ranks: its bars stand side by
 * side centred on the group, each in its series' colour, so a lone bar sits
 * over its group's name instead of in its series' slot beside it. */
#ifndef IOVSIM_ANALYSIS_PLOT_SLOTS_H
#define IOVSIM_ANALYSIS_PLOT_SLOTS_H

#include <stddef.h>

/* The width of a slot when a group has @slots series; a bar fills 0.9 of it. */
double plot_slot_width(size_t slots);

/* The x of the centre of the @nth (from 0) of the @present bars group
 * @group draws, of @slots series. */
double plot_bar_x(size_t group, size_t nth, size_t present, size_t slots);

#endif
