/* The registry entries of [plot NAME] groups: which figure to draw from a
 * sweep's database. They are checked when the scenario loads but only read
 * by `iovsim plot --scenario`; running a scenario ignores them. */
#include "plot_params.h"

#include <string.h>

#include <glib.h>

#include "gnuplot.h"
#include "scenario.h"

/* A figure's file name: a scenario says what to draw, the command line
 * where (--outdir, or -o for a single figure), so a scenario from
 * elsewhere cannot write outside the output directory. */
static bool check_output(const char *text, GError **error)
{
    if (!*text)
        return true;
    if (strchr(text, '/') || strcmp(text, "..") == 0 || strcmp(text, ".") == 0) {
        g_set_error(error, IOVSIM_ERROR, IOVSIM_ERROR_INPUT,
                    "'%s' is a path, not a file name (figures go to plot --outdir DIR; "
                    "plot -o FILE draws one figure anywhere)",
                    text);
        return false;
    }
    if (!gp_figure_type(text)) {
        g_set_error(error, IOVSIM_ERROR, IOVSIM_ERROR_INPUT,
                    "'%s': unknown figure type (use .png, .pdf or .svg)", text);
        return false;
    }
    return true;
}

const struct param_def plot_params[] = {
    { .key = "plot.*.kind",
      .type = PARAM_ENUM,
      .def = "lines",
      .choices = "lines|bars|cdf|stack|series",
      .help = "lines (CI error bars), grouped bars, latency CDF, stacked bars",
      .source = "choice" },
    { .key = "plot.*.x",
      .type = PARAM_STRING,
      .def = "",
      .help = "parameter on the x axis (lines, bars; stack: labels the bars)",
      .source = "choice" },
    { .key = "plot.*.y",
      .type = PARAM_STRING,
      .def = "",
      .help = "metric on the y axis; bars: a,b,... ; stack: a,b,... or prefix_*; cdf: histogram; "
              "series: time series",
      .source = "choice" },
    { .key = "plot.*.by",
      .type = PARAM_STRING,
      .def = "",
      .help = "parameter whose values get one line, bar or curve each (optional)",
      .source = "choice" },
    { .key = "plot.*.scope",
      .type = PARAM_STRING,
      .def = "all",
      .help = "scope of the metric: all, vm0, station1, ...",
      .source = "choice" },
    { .key = "plot.*.where",
      .type = PARAM_STRING,
      .def = "",
      .help = "keep only points with these values: key=value;key=value (optional)",
      .source = "choice" },
    { .key = "plot.*.title",
      .type = PARAM_STRING,
      .def = "",
      .help = "title above the figure (default: none)",
      .source = "choice" },
    { .key = "plot.*.xlabel",
      .type = PARAM_STRING,
      .def = "",
      .help = "x axis label (default: the parameter's name and unit, e.g. 'VMs per host')",
      .source = "choice" },
    { .key = "plot.*.ylabel",
      .type = PARAM_STRING,
      .def = "",
      .help = "y axis label (default: the metric's name and unit, e.g. 'Throughput (Gb/s)')",
      .source = "choice" },
    { .key = "plot.*.legend",
      .type = PARAM_STRING,
      .def = "",
      .help = "legend title (default: the by parameter's name, e.g. 'Strategy')",
      .source = "choice" },
    { .key = "plot.*.caption",
      .type = PARAM_STRING,
      .def = "",
      .help = "line under the figure (default: the statistics shown and n; none: no line)",
      .source = "choice" },
    { .key = "plot.*.labels",
      .type = PARAM_STRING,
      .def = "",
      .help = "names of series, bars or categories: value=text;value=text (optional)",
      .source = "choice" },
    { .key = "plot.*.logx",
      .type = PARAM_BOOL,
      .def = "false",
      .help = "logarithmic x axis",
      .source = "choice" },
    { .key = "plot.*.logy",
      .type = PARAM_BOOL,
      .def = "false",
      .help = "logarithmic y axis",
      .source = "choice" },
    { .key = "plot.*.output",
      .type = PARAM_STRING,
      .def = "",
      .help = "file name in the output directory, .png, .pdf or .svg (default NAME.png)",
      .source = "choice",
      .check = check_output },
};

const size_t plot_n_params = G_N_ELEMENTS(plot_params);
