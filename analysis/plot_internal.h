/* What plot.c shares with the files that draw each kind of figure
 * (plot_bars.c): the spec's keys, axis names, the data file's numbers. */
#ifndef IOVSIM_ANALYSIS_PLOT_INTERNAL_H
#define IOVSIM_ANALYSIS_PLOT_INTERNAL_H

#include <stdbool.h>
#include <stdio.h>

#include <glib.h>
#include <sqlite3.h>

#include "gnuplot.h"
#include "plot.h"
#include "plot_by.h"

/* The --by keys of @sp (checked before). Release with plot_by_release(). */
struct plot_by plot_by_of(const struct plot_spec *sp);

/* Does a --where KEY=VALUE fix @key? */
bool plot_where_fixes(const struct plot_spec *sp, const char *key);

/* Said by iovsim, not by gnuplot's "no valid points" (exit 1): the metric
 * is undefined at every point plotted. Sets @error, returns false. */
bool plot_no_values(const char *metric, GError **error);

/* Refuse with one line naming the keys that also vary at @point; false. */
bool plot_ambiguous(sqlite3 *db, const struct plot_spec *sp, const char *point, GError **error);

/* " %.10g" of @v, or " NaN", into a data file. */
void plot_write_num(FILE *f, double v);

/* The y axis: the spec's ylabel, or @metric's name (NULL: several) in @unit.
 * Caller frees. */
char *plot_metric_axis(const struct plot_spec *sp, const char *metric, const char *unit);

/* The x axis: the spec's xlabel, or @key's name ("..., mean" with
 * @dist_mean) in @unit. Caller frees. */
char *plot_param_axis(const struct plot_spec *sp, const char *key, bool dist_mean,
                      const char *unit);

/* The data and series of each kind (plot_bars.c). */
bool plot_bars_data(sqlite3 *db, struct gp_job *j, const struct plot_spec *sp, GPtrArray *points,
                    GError **error);
bool plot_stack_data(sqlite3 *db, struct gp_job *j, const struct plot_spec *sp, GPtrArray *points,
                     GError **error);

#endif
