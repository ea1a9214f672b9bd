/* The order of a key's values in a figure (bars, series, categories): the
 * order the sweep declared them in, also when exclude rules left some
 * points out. */
#ifndef IOVSIM_ANALYSIS_PLOT_ORDER_H
#define IOVSIM_ANALYSIS_PLOT_ORDER_H

#include <glib.h>

/**
 * plot_value_order - the distinct non-NULL @values (@values[p] belongs to
 * point label @points[p], the points in the figure's order), in declared
 * order. In a full grid swept row-major that is the order they first appear
 * in; with points left out a value can first appear early (vDPA only at
 * nic.itr=off puts "off" before "adaptive"), so two points whose labels
 * differ only in @keys (NULL-terminated) say which of their values comes
 * first, and first appearance decides the rest. Borrowed from @values.
 */
GPtrArray *plot_value_order(GPtrArray *points, char *const *values, const char *const *keys);

#endif
