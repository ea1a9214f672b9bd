/* Figures from a results database: lines with CI error bars over a swept
 * parameter, grouped bars, latency CDFs from the histograms, stacked bars of
 * several metrics (e.g. the per-packet cost by stage). */
#ifndef IOVSIM_ANALYSIS_PLOT_H
#define IOVSIM_ANALYSIS_PLOT_H

#include <stdbool.h>

#include <glib.h>
#include <sqlite3.h>

enum plot_kind {
    PLOT_LINES,
    PLOT_BARS,
    PLOT_CDF,
    PLOT_STACK,
    PLOT_SERIES,
};

/**
 * struct plot_spec - one figure
 * @x:      parameter on the x axis (lines, bars); labels the bars of a stack
 * @y:      metric; bars and stack: a comma list (stack also "prefix_*");
 *          cdf: the histogram name (e.g. "sojourn"); series: the time
 *          series name (e.g. "migration_vm_throughput")
 * @by:     parameter with one series per value, or two "K1,K2" (a series
 *          per pair: plot_by.h); stack: the bars within each @x group
 *          (optional)
 * @where:  NULL-terminated "key=value" filters on the points (optional)
 * @title:  above the figure (optional); @output: .png, .pdf or .svg
 * @xlabel, @ylabel, @legend: the axis labels and the legend's title, in
 *          place of the human names of @x, @y and @by (optional)
 * @labels: NULL-terminated "VALUE=TEXT": TEXT names the series, bar or
 *          category VALUE (optional)
 * @caption: the small line under the figure; NULL for the statistics
 *          shown ("mean ± 95% CI, n = 5 replications"), "none" for none
 * @theme, @size, @font: see gp_job_set_look() (optional: NULL, NULL, 0)
 * @order:  NULL-terminated point labels in the order the scenario declares
 *          them, for the order of series, bars and categories (optional;
 *          else enum values in the registry's order, numbers ascending)
 */
struct plot_spec {
    enum plot_kind kind;
    const char *x;
    const char *y;
    const char *by;
    const char *scope;
    const char *const *where;
    const char *title;
    const char *xlabel, *ylabel, *legend;
    const char *const *labels;
    const char *const *order;
    const char *caption;
    const char *theme, *size;
    double font;
    const char *output;
    bool logx, logy;
};

bool plot_kind_parse(const char *name, enum plot_kind *out, GError **error);

/* Draw @spec from @db. False with a one-line IOVSIM_ERROR (unknown metric
 * or parameter with the valid ones listed, gnuplot missing or failing).
 * @note (optional): set to identical_note() of the figure's points, or NULL;
 * caller frees. */
bool plot_draw(sqlite3 *db, const struct plot_spec *spec, char **note, GError **error);

#endif
