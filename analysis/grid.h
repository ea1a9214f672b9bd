/* A small table of results, printed as aligned text, CSV, Markdown or LaTeX.
 * Numeric columns carry their SI unit; text, Markdown and LaTeX show them in
 * a human scale picked per column, CSV keeps SI values with full precision. */
#ifndef IOVSIM_ANALYSIS_GRID_H
#define IOVSIM_ANALYSIS_GRID_H

#include <stdbool.h>
#include <stdio.h>

#include <glib.h>

enum grid_format {
    GRID_TEXT,
    GRID_CSV,
    GRID_MARKDOWN,
    GRID_LATEX,
};

struct grid;

/* Caller owns the result; free with grid_free(). */
struct grid *grid_new(void);
void grid_free(struct grid *g);

/**
 * grid_add_col - append a column
 * @unit: SI unit of a numeric column ("s", "1/s", "1", ...), or NULL for a
 *        text column; @has_ci: cells carry a 95% CI half-width too
 * Strings are copied. Returns the column index.
 */
guint grid_add_col(struct grid *g, const char *name, const char *unit, bool has_ci);

/* Start a new row; cells are then set by column index (unset cells print empty). */
void grid_add_row(struct grid *g);
void grid_set_text(struct grid *g, guint col, const char *text);
/* @ci: NAN when unknown (fewer than two replications). */
void grid_set_num(struct grid *g, guint col, double value, double ci);

/* Parse "text", "csv", "markdown", "latex". */
bool grid_format_parse(const char *name, enum grid_format *out, GError **error);

void grid_print(struct grid *g, enum grid_format fmt, FILE *out);

/* Drop columns from the right, never the first @keep, until a line in @fmt
 * is at most @width characters wide. Returns how many were dropped. */
guint grid_fit(struct grid *g, enum grid_format fmt, size_t width, guint keep);

/* Append @s to @out as one CSV field (RFC 4180: quoted when it holds a
 * comma, a quote, a line break or edge spaces). */
void grid_escape_csv(GString *out, const char *s);

#endif
