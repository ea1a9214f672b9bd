/* Bar positions in a grouped bar chart (plot_slots.h). */
#include "plot_slots.h"

/* Slots of gap between two groups: gnuplot's clustered histogram default,
 * which the figures used before they placed their bars themselves. */
#define GAP_SLOTS 1

double plot_slot_width(size_t slots)
{
    return 1.0 / (double)(slots + GAP_SLOTS);
}

double plot_bar_x(size_t group, size_t nth, size_t present, size_t slots)
{
    return (double)group + ((double)nth - (double)(present - 1) / 2) * plot_slot_width(slots);
}
