/* The series of a figure: --by names one key (a series per value) or two,
 * "K1,K2": a series per pair of values, coloured by K1's value (a strategy
 * by its own colour) and told apart by K2's value with a line's dash or a
 * bar's paler fill, so each strategy stays recognisable in every figure. */
#ifndef IOVSIM_ANALYSIS_PLOT_BY_H
#define IOVSIM_ANALYSIS_PLOT_BY_H

#include <stdbool.h>

#include <glib.h>
#include <sqlite3.h>

#include "gnuplot.h"
#include "plot.h"

/* The values of a point's two keys are joined by this in one string. */
#define PLOT_BY_SEP "\x1f"

struct plot_by {
    char *key[2];
    int n; /* 0 (no --by), 1 or 2 */
};

/* @by (NULL, "K" or "K1,K2") into @out; false with a one-line
 * IOVSIM_ERROR_INPUT for more keys or an empty one. Release with
 * plot_by_release(). */
bool plot_by_parse(const char *by, struct plot_by *out, GError **error);
void plot_by_release(struct plot_by *b);

/* Is @key one of the --by keys? */
bool plot_by_has(const struct plot_by *b, const char *key);

/* @point's values of the keys, joined by PLOT_BY_SEP; NULL if it lacks
 * one. Caller frees. */
char *plot_by_value(const struct plot_by *b, sqlite3 *db, const char *point);

/* The legend's title: the keys' human names, ", "-joined. Caller frees. */
char *plot_by_legend(const struct plot_by *b);

/* What @value (from plot_by_value()) is called in the key: the spec's
 * labels or human names, ", "-joined. Caller frees. */
char *plot_by_name(const struct plot_by *b, const struct plot_spec *sp, const char *value);

/* What the key calls @twin beside @value's name, the curve @value is drawn
 * over: the part of it that differs when the other part is the same
 * ("vDPA" for SR-IOV's stream over vDPA's), else plot_by_name(). */
char *plot_by_twin_name(const struct plot_by *b, const struct plot_spec *sp, const char *value,
                        const char *twin);

/**
 * plot_by_add_series - the series of @value, one of @values (every value
 * of the figure, in its order), titled @title: one key, as gp_add_series()
 * does; two keys, the colour of the first key's value (its strategy's, or
 * its place among the first key's values) and the style of the second's.
 */
void plot_by_add_series(const struct plot_by *b, struct gp_job *j, GPtrArray *values,
                        const char *value, const char *title);

/* What @value of @key is called in a key or on an axis: the spec's
 * "VALUE=TEXT" label for it, or its human name. Borrowed. */
const char *plot_value_name(const struct plot_spec *sp, const char *key, const char *value);

#endif
