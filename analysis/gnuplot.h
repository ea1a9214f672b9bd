/* Driving gnuplot: a job is a temporary directory holding the data files
 * and a generated params.gp of variable assignments; gnuplot then runs
 * params.gp, the shared style (style.gp) and one template (lines.gp, ...)
 * from analysis/. Strings reach gnuplot only as single-quoted literals
 * (a quote joined on as "'", control characters dropped, invalid UTF-8
 * replaced) or inside data files, never as commands. */
#ifndef IOVSIM_ANALYSIS_GNUPLOT_H
#define IOVSIM_ANALYSIS_GNUPLOT_H

#include <stdbool.h>
#include <stdio.h>

#include <glib.h>

struct gp_job;

/**
 * gp_job_new - a job drawing into @output (.png, .pdf or .svg)
 * Fails with a one-line IOVSIM_ERROR_INPUT if gnuplot is not installed or
 * the extension is unknown. Templates come from $IOVSIM_GNUPLOT_DIR, else
 * analysis/ beside the program or its share/iovsim, else the copies built
 * into the program.
 */
struct gp_job *gp_job_new(const char *output, GError **error);
void gp_job_free(struct gp_job *j);

/* "png", "pdf" or "svg" from @name's extension (any case); NULL otherwise. */
const char *gp_figure_type(const char *name);

/* gnuplot is handed a figure's path as text, which gp_quote() makes valid
 * UTF-8 without controls: any other path would name another file than the
 * one iovsim waits for (and leave that file behind). */
bool gp_path_is_text(const char *path);
#define GP_PATH_RULE "a figure's path must be UTF-8 text without control characters"

/**
 * gp_job_set_look - size and font of the figure
 * @theme: "default", "paper" (one column, 3.3 in, 8 pt) or "slides"; NULL
 *         is "default"
 * @size:  "W,H" in pixels, or in inches or cm ("3.3in,2.2in"); NULL: the
 *         theme's. @font: gnuplot's font size (points); 0: the theme's.
 * False with a one-line IOVSIM_ERROR_INPUT on a bad value.
 */
bool gp_job_set_look(struct gp_job *j, const char *theme, const char *size, double font,
                     GError **error);

/* Slant the x axis's text labels, @n places for them across it (labels
 * and any room between), the longest @longest characters, if
 * side by side they would run into each other at this figure's width and
 * font (sets x_slant, which the templates read; 0 unless this says so).
 * True if it did. */
bool gp_job_slant_labels(struct gp_job *j, size_t n, size_t longest);

/* The figure's title (a paper theme's figure has none: the paper's
 * caption says it), the y axis's label and the key's title: laid out to
 * fit the figure when it is drawn, in lines where too long for it. */
void gp_job_set_title(struct gp_job *j, const char *title);
void gp_job_set_y_label(struct gp_job *j, const char *label);
void gp_job_set_key_title(struct gp_job *j, const char *title);
/* The small line under the figure (what it shows, n): in lines across
 * the figure where longer than it is wide. */
void gp_job_set_caption(struct gp_job *j, const char *caption);

/* The data file (data.dat), for the caller to write; borrowed. */
FILE *gp_job_data(struct gp_job *j);

/* Variable @name (an identifier of ours) = @value, escaped. */
void gp_set_str(struct gp_job *j, const char *name, const char *value);
void gp_set_num(struct gp_job *j, const char *name, double value);
/* Array @name[1..@n] of @values (at least one element), escaped. */
void gp_set_str_array(struct gp_job *j, const char *name, const char *const *values, guint n);
void gp_set_num_array(struct gp_job *j, const char *name, const double *values, guint n);

/* One more series, titled @title: the strategy @strategy's colour and point
 * type (the same in every figure) if it names one, else the palette's next. */
void gp_add_series(struct gp_job *j, const char *title, const char *strategy);

/**
 * gp_add_series_variant - one more series of a figure split by two keys
 * @strategy: the first key's value: a strategy keeps its colour and marker
 * @colour:   else the palette slot of the first key's value (its index)
 * @variant:  the second key's value's index: a dash type for lines, a
 *            paler fill for bars (0: solid)
 * A strategy's stage, or any series with a fixed place in a list (a stage
 * by its place in the data path), passes NULL and that place as @colour.
 */
void gp_add_series_variant(struct gp_job *j, const char *title, const char *strategy, int colour,
                           int variant);

/* One more series with a colour of its own @name (a stage's name), the
 * same in every figure where no other series took it first. */
void gp_add_named_series(struct gp_job *j, const char *title, const char *name);
/* Take @name's slot before any series is added: figures that reserve the
 * same names in the same order give each the same colour, whichever of
 * them they then show. */
void gp_reserve_named(struct gp_job *j, const char *name);

/* Write @s to a data file as one double-quoted field. */
void gp_write_field(FILE *f, const char *s);

/* Run gnuplot with analysis/@template and put the figure in place; false
 * with gnuplot's first error line, or an IOVSIM_ERROR_IO when the figure came
 * out empty or cut short (a full disk): the file at @output is then as it
 * was before. */
bool gp_job_run(struct gp_job *j, const char *template_name, GError **error);

/* @s as a gnuplot string expression of single-quoted literals; caller frees. */
char *gp_quote(const char *s);

#endif
