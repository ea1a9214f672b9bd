/* Result tables in four formats. Every string that came from a database
 * (point labels, metric names) is escaped for the format it lands in: CSV
 * quotes, Markdown backslashes, LaTeX's ten special characters. */
#include "grid.h"

#include <math.h>
#include <string.h>

#include "humanize.h"
#include "scenario.h"

struct grid_cell {
    char *text;
    double v, ci;
    bool is_set;
};

struct grid_col {
    char *name;
    char *unit; /* NULL for text */
    bool has_ci;
    double factor;     /* display scale, set by grid_print() */
    const char *shown; /* display unit, static */
};

struct grid {
    GPtrArray *cols; /* struct grid_col * */
    GPtrArray *rows; /* GArray of struct grid_cell */
};

static void col_free(gpointer p)
{
    struct grid_col *c = p;

    g_free(c->name);
    g_free(c->unit);
    g_free(c);
}

static void row_free(gpointer p)
{
    GArray *row = p;

    for (guint i = 0; i < row->len; i++)
        g_free(g_array_index(row, struct grid_cell, i).text);
    g_array_unref(row);
}

struct grid *grid_new(void)
{
    struct grid *g = g_new0(struct grid, 1);

    g->cols = g_ptr_array_new_with_free_func(col_free);
    g->rows = g_ptr_array_new_with_free_func(row_free);
    return g;
}

void grid_free(struct grid *g)
{
    if (!g)
        return;
    g_ptr_array_unref(g->cols);
    g_ptr_array_unref(g->rows);
    g_free(g);
}

guint grid_add_col(struct grid *g, const char *name, const char *unit, bool has_ci)
{
    struct grid_col *c = g_new0(struct grid_col, 1);

    g_assert(g->rows->len == 0);
    c->name = g_utf8_make_valid(name, -1);
    c->unit = g_strdup(unit);
    c->has_ci = has_ci;
    g_ptr_array_add(g->cols, c);
    return g->cols->len - 1;
}

void grid_add_row(struct grid *g)
{
    GArray *row = g_array_sized_new(FALSE, TRUE, sizeof(struct grid_cell), g->cols->len);

    g_array_set_size(row, g->cols->len);
    g_ptr_array_add(g->rows, row);
}

static struct grid_cell *cell(struct grid *g, guint col)
{
    g_assert(g->rows->len > 0 && col < g->cols->len);
    GArray *row = g_ptr_array_index(g->rows, g->rows->len - 1);
    return &g_array_index(row, struct grid_cell, col);
}

void grid_set_text(struct grid *g, guint col, const char *text)
{
    struct grid_cell *c = cell(g, col);

    g_free(c->text);
    /* Widths are counted in characters: never walk invalid UTF-8. */
    c->text = g_utf8_make_valid(text, -1);
    c->is_set = true;
}

void grid_set_num(struct grid *g, guint col, double value, double ci)
{
    struct grid_cell *c = cell(g, col);

    c->v = value;
    c->ci = ci;
    c->is_set = true;
}

bool grid_format_parse(const char *name, enum grid_format *out, GError **error)
{
    static const char *const names[] = { "text", "csv", "markdown", "latex" };

    for (size_t i = 0; i < G_N_ELEMENTS(names); i++) {
        if (strcmp(name, names[i]) == 0) {
            *out = (enum grid_format)i;
            return true;
        }
    }
    g_set_error(error, IOVSIM_ERROR, IOVSIM_ERROR_INPUT,
                "unknown format '%s' (valid: text, csv, markdown, latex)", name);
    return false;
}

/* One scale per column, from its largest magnitude, so a column reads alike. */
static void pick_scales(struct grid *g, enum grid_format fmt)
{
    for (guint c = 0; c < g->cols->len; c++) {
        struct grid_col *col = g_ptr_array_index(g->cols, c);
        double big = 0;

        col->factor = 1;
        col->shown = "";
        if (!col->unit || fmt == GRID_CSV)
            continue;
        for (guint r = 0; r < g->rows->len; r++) {
            const struct grid_cell *x =
                &g_array_index((GArray *)g->rows->pdata[r], struct grid_cell, c);
            if (x->is_set && isfinite(x->v))
                big = MAX(big, fabs(x->v));
        }
        col->shown = humanize_scale(big, col->unit, &col->factor);
        if (strcmp(col->shown, "us") == 0)
            col->shown = fmt == GRID_LATEX ? "$\\mu$s" : "µs";
    }
}

static void escape_markdown(GString *out, const char *s)
{
    for (; *s; s++) {
        if (strchr("\\`*_|<>[]#", *s))
            g_string_append_c(out, '\\');
        g_string_append_c(out, *s == '\n' ? ' ' : *s);
    }
}

static void escape_latex(GString *out, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '\\':
            g_string_append(out, "\\textbackslash{}");
            break;
        case '~':
            g_string_append(out, "\\textasciitilde{}");
            break;
        case '^':
            g_string_append(out, "\\textasciicircum{}");
            break;
        case '<':
            g_string_append(out, "\\textless{}");
            break;
        case '>':
            g_string_append(out, "\\textgreater{}");
            break;
        case '&':
        case '%':
        case '$':
        case '#':
        case '_':
        case '{':
        case '}':
            g_string_append_c(out, '\\');
            g_string_append_c(out, *s);
            break;
        case '\n':
            g_string_append_c(out, ' ');
            break;
        default:
            g_string_append_c(out, *s);
        }
    }
}

void grid_escape_csv(GString *out, const char *s)
{
    if (!strpbrk(s, ",\"\r\n") && s[0] != ' ' && (!*s || s[strlen(s) - 1] != ' ')) {
        g_string_append(out, s);
        return;
    }
    g_string_append_c(out, '"');
    for (; *s; s++) {
        if (*s == '"')
            g_string_append_c(out, '"');
        g_string_append_c(out, *s);
    }
    g_string_append_c(out, '"');
}

static void escape(GString *out, const char *s, enum grid_format fmt)
{
    if (fmt == GRID_MARKDOWN)
        escape_markdown(out, s);
    else if (fmt == GRID_LATEX)
        escape_latex(out, s);
    else if (fmt == GRID_CSV)
        grid_escape_csv(out, s);
    else
        g_string_append(out, s);
}

static char *header_text(const struct grid_col *col, enum grid_format fmt, bool ci_part)
{
    GString *s = g_string_new(NULL);
    g_autofree char *name = g_strdup_printf("%s%s", col->name, ci_part ? " ci95" : "");
    const char *unit = fmt == GRID_CSV ? col->unit : col->shown;

    escape(s, name, fmt);
    if (unit && *unit && strcmp(unit, "1") != 0) {
        g_string_append(s, " (");
        /* The display units are ours; only LaTeX's mu needs to stay raw. */
        if (fmt == GRID_LATEX && unit == col->shown)
            g_string_append(s, unit);
        else
            escape(s, unit, fmt);
        g_string_append(s, ")");
    }
    return g_string_free(s, FALSE);
}

static char *cell_text(const struct grid_col *col, const struct grid_cell *x, enum grid_format fmt,
                       bool ci_part)
{
    GString *s = g_string_new(NULL);

    if (!x->is_set)
        return g_string_free(s, FALSE);
    if (!col->unit) {
        escape(s, x->text ? x->text : "", fmt);
    } else if (fmt == GRID_CSV) {
        double v = ci_part ? x->ci : x->v;

        if (isfinite(v))
            g_string_append_printf(s, "%.17g", v);
    } else if (!isfinite(x->v)) {
        g_string_append(s, "-");
    } else {
        bool ci = col->has_ci && isfinite(x->ci);
        /* Rounding noise of identical replications reads better as 0. */
        double half = fabs(x->ci) <= 1e-9 * fabs(x->v) ? 0 : x->ci;
        const char *pm = fmt == GRID_LATEX ? " \\pm " : " ± ";

        if (fmt == GRID_LATEX)
            g_string_append_c(s, '$');
        g_string_append_printf(s, "%.4g", x->v * col->factor);
        if (ci)
            g_string_append_printf(s, "%s%.2g", pm, half * col->factor);
        if (fmt == GRID_LATEX)
            g_string_append_c(s, '$');
    }
    return g_string_free(s, FALSE);
}

/* Cells as strings, CSV's CI columns split out: one GPtrArray per line. */
static GPtrArray *render(struct grid *g, enum grid_format fmt, GArray *is_num)
{
    GPtrArray *lines = g_ptr_array_new_with_free_func((GDestroyNotify)g_ptr_array_unref);
    GPtrArray *head = g_ptr_array_new_with_free_func(g_free);

    for (guint c = 0; c < g->cols->len; c++) {
        struct grid_col *col = g_ptr_array_index(g->cols, c);
        bool num = col->unit != NULL;

        g_ptr_array_add(head, header_text(col, fmt, false));
        g_array_append_val(is_num, num);
        if (fmt == GRID_CSV && col->has_ci) {
            g_ptr_array_add(head, header_text(col, fmt, true));
            g_array_append_val(is_num, num);
        }
    }
    g_ptr_array_add(lines, head);
    for (guint r = 0; r < g->rows->len; r++) {
        GArray *row = g_ptr_array_index(g->rows, r);
        GPtrArray *line = g_ptr_array_new_with_free_func(g_free);

        for (guint c = 0; c < g->cols->len; c++) {
            struct grid_col *col = g_ptr_array_index(g->cols, c);
            const struct grid_cell *x = &g_array_index(row, struct grid_cell, c);

            g_ptr_array_add(line, cell_text(col, x, fmt, false));
            if (fmt == GRID_CSV && col->has_ci)
                g_ptr_array_add(line, cell_text(col, x, fmt, true));
        }
        g_ptr_array_add(lines, line);
    }
    return lines;
}

static void print_padded(FILE *out, const char *s, size_t width, bool right)
{
    size_t n = (size_t)g_utf8_strlen(s, -1);
    size_t pad = width > n ? width - n : 0;

    fprintf(out, "%*s%s%*s", right ? (int)pad : 0, "", s, right ? 0 : (int)pad, "");
}

/* The widest column of each rendered column (CSV's CI columns split out). */
static size_t *col_widths(GPtrArray *lines, guint n)
{
    size_t *width = g_new0(size_t, n);

    for (guint l = 0; l < lines->len; l++)
        for (guint c = 0; c < n; c++)
            width[c] =
                MAX(width[c], (size_t)g_utf8_strlen(((GPtrArray *)lines->pdata[l])->pdata[c], -1));
    return width;
}

/* A line's width: its cells and the separators between them. */
static size_t line_width(const size_t *width, guint n, enum grid_format fmt)
{
    size_t sep = fmt == GRID_TEXT ? 2 : fmt == GRID_CSV ? 1 : 3, total = 0;

    for (guint c = 0; c < n; c++)
        total += width[c] + (c ? sep : 0);
    return total + (fmt == GRID_MARKDOWN ? 4 : 0);
}

guint grid_fit(struct grid *g, enum grid_format fmt, size_t width, guint keep)
{
    guint dropped = 0;

    while (g->cols->len > keep) {
        g_autoptr(GArray) is_num = g_array_new(FALSE, FALSE, sizeof(bool));
        g_autoptr(GPtrArray) lines = NULL;
        g_autofree size_t *w = NULL;

        pick_scales(g, fmt);
        lines = render(g, fmt, is_num);
        w = col_widths(lines, is_num->len);
        if (line_width(w, is_num->len, fmt) <= width)
            break;
        g_ptr_array_remove_index(g->cols, g->cols->len - 1);
        for (guint r = 0; r < g->rows->len; r++) {
            GArray *row = g->rows->pdata[r];

            g_free(g_array_index(row, struct grid_cell, row->len - 1).text);
            g_array_set_size(row, row->len - 1);
        }
        dropped++;
    }
    return dropped;
}

void grid_print(struct grid *g, enum grid_format fmt, FILE *out)
{
    g_autoptr(GArray) is_num = g_array_new(FALSE, FALSE, sizeof(bool));
    g_autoptr(GPtrArray) lines = NULL;
    g_autofree size_t *width = NULL;
    guint n;

    pick_scales(g, fmt);
    lines = render(g, fmt, is_num);
    n = is_num->len;
    width = col_widths(lines, n);
    if (fmt == GRID_LATEX) {
        fprintf(out, "\\begin{tabular}{");
        for (guint c = 0; c < n; c++)
            fputc(g_array_index(is_num, bool, c) ? 'r' : 'l', out);
        fprintf(out, "}\n\\hline\n");
    }
    for (guint l = 0; l < lines->len; l++) {
        GPtrArray *line = lines->pdata[l];

        if (fmt == GRID_MARKDOWN)
            fputs("| ", out);
        for (guint c = 0; c < n; c++) {
            const char *s = line->pdata[c];
            bool last = c + 1 == n;

            if (fmt == GRID_CSV) {
                fprintf(out, "%s%s", s, last ? "" : ",");
                continue;
            }
            if (last && fmt == GRID_TEXT && !g_array_index(is_num, bool, c))
                fputs(s, out);
            else
                print_padded(out, s, width[c], g_array_index(is_num, bool, c));
            if (!last)
                fputs(fmt == GRID_MARKDOWN ? " | " : fmt == GRID_LATEX ? " & " : "  ", out);
        }
        fputs(fmt == GRID_MARKDOWN ? " |\n" : fmt == GRID_LATEX ? " \\\\\n" : "\n", out);
        if (l == 0 && fmt == GRID_MARKDOWN) {
            fputs("|", out);
            for (guint c = 0; c < n; c++)
                fputs(g_array_index(is_num, bool, c) ? "---:|" : "---|", out);
            fputs("\n", out);
        }
        if (l == 0 && fmt == GRID_LATEX)
            fputs("\\hline\n", out);
    }
    if (fmt == GRID_LATEX)
        fputs("\\hline\n\\end{tabular}\n", out);
}
