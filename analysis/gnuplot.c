/* gnuplot jobs: temporary data and parameter files, the Okabe-Ito palette
 * with fixed colours for the I/O strategies (Wong, "Color blindness", Nature
 * Methods 8:441, 2011), and the gnuplot process. The C side only writes
 * numbers, escaped strings and data; the look is in analysis/ *.gp. */
#include "gnuplot.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "datadir.h"
#include "gp_embedded.h"
#include "scenario.h"

struct gp_job {
    char *dir;     /* temporary directory, removed by gp_job_free() */
    char *gp_dir;  /* where the templates are */
    char *gnuplot; /* absolute path of the program */
    FILE *data;
    char *output;  /* the figure the user asked for */
    char *partial; /* where gnuplot draws it: renamed to @output once it is
                    * complete, so a failed plot never leaves a truncated
                    * figure in place of a good one */
    const char *type;
    GString *params;
    int n_series;
    guint64 used;      /* palette slots taken by series */
    GHashTable *named; /* reserved name -> slot + 1 (NULL until one is) */
    double cols;       /* characters of its font across the plot's width */
    /* The look, for laying out text gnuplot would cut off or squeeze: */
    double w, h, font; /* size and font in the terminal's units */
    double pt;         /* points per unit of the size (PDF: inches) */
    bool paper;        /* one column: the key above (a scenario's title left out, cli_plot.c) */
    bool sized;        /* --size given: the height stays as asked */
    char *title, *y_label, *key_title, *caption;
    size_t longest; /* characters of the longest series title */
    int titled;     /* series with a title (a lone one has none: no key) */
};

/* Slots: twenty colours, then the same paler; a named series hashes into
 * the solid ones. */
#define GP_SLOTS       48
#define GP_NAMED_SLOTS 16

/* Okabe-Ito, in the order generic series take them, then the same colours
 * halfway to white (Tol, "Colour schemes", SRON/EPS/TN/09-002, 2021, for
 * the last four). */
static const char *const palette[] = {
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#D55E00",
    "#CC79A7",
    "#56B4E9",
    "#F0E442",
    "#000000",
    "#80B9D9",
    "#F3CF80",
    "#80CFB9",
    "#EAAF80",
    "#E6BCD3",
    "#ABDAF4",
    "#F8F2A1",
    "#808080",
    /* and four of Tol's muted scheme, so that the seventeen stages of a
     * packet's path all differ */
    "#882255",
    "#999933",
    "#332288",
    "#44AA99",
};

/* Same colour and point type for a strategy in every figure. */
static const struct {
    const char *name;
    const char *colour;
    int pt;
} strategies[] = {
    { "baremetal", "#000000", 5 },    { "emulation", "#D55E00", 9 }, { "virtio", "#0072B2", 7 },
    { "passthrough", "#009E73", 13 }, { "sriov", "#E69F00", 11 },    { "vdpa", "#CC79A7", 15 },
    { "sidecore", "#56B4E9", 4 },
};

/* Point types for generic series: filled circle, square, triangles, diamond. */
static const int point_types[] = { 7, 5, 9, 11, 13, 15, 4, 6 };

char *gp_quote(const char *s)
{
    g_autofree char *valid = g_utf8_make_valid(s, -1);
    GString *out = g_string_new(NULL);
    bool open = false;

    /* In single quotes gnuplot expands nothing (no backslash escapes, no
     * backquote commands, no @macros). Its scanner misreads doubled quotes
     * next to the opening one (a title "'x'" failed), so each quote is
     * joined on as "'", the one double-quoted string with nothing to expand.
     * A newline would end the command: control characters become spaces. */
    for (const char *p = valid; *p; p++) {
        if (*p == '\'') {
            g_string_append(out, open ? "'.\"'\"" : out->len ? ".\"'\"" : "\"'\"");
            open = false;
            continue;
        }
        if (!open)
            g_string_append(out, out->len ? ".'" : "'");
        open = true;
        g_string_append_c(out, (unsigned char)*p < 0x20 || *p == 0x7f ? ' ' : *p);
    }
    g_string_append(out, open ? "'" : out->len ? "" : "''");
    return g_string_free(out, FALSE);
}

void gp_write_field(FILE *f, const char *s)
{
    g_autofree char *valid = g_utf8_make_valid(s, -1);

    /* A data file is never executed; quotes only delimit the field, so an
     * inner double quote becomes a single one. */
    fputc('"', f);
    for (s = valid; *s; s++)
        fputc(*s == '"' ? '\'' : (unsigned char)*s < 0x20 ? ' ' : *s, f);
    fputc('"', f);
}

/* $IOVSIM_GNUPLOT_DIR, or analysis/ beside the program (datadir_find()). */
static char *find_templates(void)
{
    const char *env = g_getenv("IOVSIM_GNUPLOT_DIR");

    if (env && *env)
        return g_strdup(env);
    return datadir_find("analysis", "style.gp");
}

/* No template directory: the copies built into the program, written into
 * the job's own directory. */
static bool unpack_templates(const char *dir, GError **error)
{
    for (const struct gp_embedded *t = gp_embedded; t->name; t++) {
        g_autofree char *path = g_build_filename(dir, t->name, NULL);
        GError *e = NULL;

        if (!g_file_set_contents(path, t->text, -1, &e)) {
            g_set_error(error, IOVSIM_ERROR, IOVSIM_ERROR_IO, "%s", e->message);
            g_error_free(e);
            return false;
        }
    }
    return true;
}

const char *gp_figure_type(const char *output)
{
    const char *dot = strrchr(output, '.');

    if (!dot)
        return NULL;
    if (g_ascii_strcasecmp(dot, ".png") == 0)
        return "png";
    if (g_ascii_strcasecmp(dot, ".pdf") == 0)
        return "pdf";
    if (g_ascii_strcasecmp(dot, ".svg") == 0)
        return "svg";
    return NULL;
}

bool gp_path_is_text(const char *s)
{
    if (!g_utf8_validate(s, -1, NULL))
        return false;
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7f)
            return false;
    return true;
}

/* A new empty file beside @output, named uniquely so that two plots of one
 * figure never share it, with the permissions a plain create would give. */
static char *make_partial(const char *output, GError **error)
{
    char *path;
    mode_t mask;
    int fd;

    /* Found now, not by the rename after gnuplot has drawn it. */
    if (g_file_test(output, G_FILE_TEST_IS_DIR)) {
        g_set_error(error, IOVSIM_ERROR, IOVSIM_ERROR_INPUT,
                    "'%s': cannot write the figure: a directory of that name is in the way",
                    output);
        return NULL;
    }
    path = g_strconcat(output, ".partial-XXXXXX", NULL);
    mask = umask(0);
    umask(mask);
    fd = g_mkstemp(path);
    if (fd < 0 || fchmod(fd, 0666 & ~mask) != 0) {
        int err = errno;
        g_autofree char *dir = g_path_get_dirname(output);

        if (fd >= 0)
            close(fd), g_unlink(path);
        /* A path the user cannot write to is bad input (exit 2), as a
         * database's is; anything else failing here is an I/O failure. */
        if (err == ENOENT || err == ENOTDIR)
            g_set_error(error, IOVSIM_ERROR, IOVSIM_ERROR_INPUT,
                        "'%s': cannot write the figure: no directory '%s'", output, dir);
        else
            g_set_error(error, IOVSIM_ERROR,
                        err == EACCES || err == EROFS || err == EPERM ? IOVSIM_ERROR_INPUT
                                                                      : IOVSIM_ERROR_IO,
                        "'%s': cannot write the figure: %s", output, g_strerror(err));
        g_free(path);
        return NULL;
    }
    close(fd);
    return path;
}

struct gp_job *gp_job_new(const char *output, GError **error)
{
    const char *term = gp_figure_type(output);
    struct gp_job *j;
    g_autofree char *gnuplot = g_find_program_in_path("gnuplot");
    g_autofree char *gp_dir = NULL;
    bool embedded;
    GError *e = NULL;

    if (!term) {
        g_set_error(error, IOVSIM_ERROR, IOVSIM_ERROR_INPUT,
                    "'%s': unknown figure type (use .png, .pdf or .svg)", output);
        return NULL;
    }
    if (!gp_path_is_text(output)) {
        g_set_error(error, IOVSIM_ERROR, IOVSIM_ERROR_INPUT, "'%s': %s", output, GP_PATH_RULE);
        return NULL;
    }
    if (!gnuplot) {
        g_set_error(error, IOVSIM_ERROR, IOVSIM_ERROR_INPUT,
                    "gnuplot not found in PATH; install it (Debian/Ubuntu: apt-get install "
                    "gnuplot-nox)");
        return NULL;
    }
    gp_dir = find_templates();
    j = g_new0(struct gp_job, 1);
    j->dir = g_dir_make_tmp("iovsim-plot-XXXXXX", &e);
    if (!j->dir) {
        g_set_error(error, IOVSIM_ERROR, IOVSIM_ERROR_IO, "cannot make a temporary directory: %s",
                    e->message);
        g_error_free(e);
        g_free(j);
        return NULL;
    }
    j->gnuplot = g_steal_pointer(&gnuplot);
    embedded = !gp_dir;
    j->gp_dir = embedded ? g_strdup(j->dir) : g_steal_pointer(&gp_dir);
    j->params = g_string_new("# written by iovsim plot: values only, no commands\n");
    g_autofree char *data = g_build_filename(j->dir, "data.dat", NULL);
    j->data = g_fopen(data, "w");
    g_assert(j->data); /* a directory we just made */
    j->output = g_strdup(output);
    j->type = term;
    j->partial = make_partial(output, error);
    if (!j->partial || (embedded && !unpack_templates(j->dir, error))) {
        gp_job_free(j);
        return NULL;
    }
    gp_set_str(j, "out_file", j->partial);
    gp_set_str(j, "out_type", term);
    gp_set_str(j, "data_file", data);
    gp_job_set_look(j, NULL, NULL, 0, NULL);
    return j;
}

void gp_job_free(struct gp_job *j)
{
    g_autoptr(GDir) dir = NULL;
    const char *name;

    if (!j)
        return;
    if (j->data)
        fclose(j->data);
    if (j->partial)
        g_unlink(j->partial);
    /* data.dat, params.gp and any templates unpacked: all ours. */
    dir = g_dir_open(j->dir, 0, NULL);
    while (dir && (name = g_dir_read_name(dir))) {
        g_autofree char *p = g_build_filename(j->dir, name, NULL);
        g_unlink(p);
    }
    g_rmdir(j->dir);
    g_free(j->dir);
    g_free(j->output);
    g_free(j->partial);
    g_free(j->gp_dir);
    g_free(j->gnuplot);
    g_string_free(j->params, TRUE);
    g_free(j->title);
    g_free(j->y_label);
    g_free(j->key_title);
    g_free(j->caption);
    if (j->named)
        g_hash_table_destroy(j->named);
    g_free(j);
}

FILE *gp_job_data(struct gp_job *j)
{
    return j->data;
}

void gp_set_str(struct gp_job *j, const char *name, const char *value)
{
    g_autofree char *q = gp_quote(value ? value : "");

    g_string_append_printf(j->params, "%s = %s\n", name, q);
}

void gp_set_num(struct gp_job *j, const char *name, double value)
{
    char buf[G_ASCII_DTOSTR_BUF_SIZE];

    g_string_append_printf(j->params, "%s = %s\n", name, g_ascii_dtostr(buf, sizeof(buf), value));
}

void gp_set_str_array(struct gp_job *j, const char *name, const char *const *values, guint n)
{
    g_string_append_printf(j->params, "array %s[%u]\n", name, MAX(n, 1));
    for (guint i = 0; i < n; i++) {
        g_autofree char *q = gp_quote(values[i]);

        g_string_append_printf(j->params, "%s[%u] = %s\n", name, i + 1, q);
    }
}

void gp_set_num_array(struct gp_job *j, const char *name, const double *values, guint n)
{
    char buf[G_ASCII_DTOSTR_BUF_SIZE];

    g_string_append_printf(j->params, "array %s[%u]\n", name, MAX(n, 1));
    for (guint i = 0; i < n; i++)
        g_string_append_printf(j->params, "%s[%u] = %s\n", name, i + 1,
                               g_ascii_dtostr(buf, sizeof(buf), values[i]));
}

/* Slot @s: a colour and a point type; past the twenty colours the same
 * again, filled paler. (A solid fill, not gnuplot's fill patterns alone:
 * PDF viewers draw those with white seams; the paper theme draws a pattern
 * over a solid fill, hatches[].) */
static void slot_style(int s, const char **colour, int *pt, double *fill)
{
    int n = (int)G_N_ELEMENTS(palette);

    *colour = palette[s % n];
    *pt = point_types[s % (int)G_N_ELEMENTS(point_types)];
    *fill = s < n ? 1.0 : s < 2 * n ? 0.55 : 0.3;
}

/* A free slot: @want if free (a name's own slot), else the next free one. */
static int take_slot(struct gp_job *j, int want)
{
    int s = want;

    while (s < GP_SLOTS && (j->used & (1ull << s)))
        s++;
    if (s == GP_SLOTS)
        s = want; /* more series than slots: share */
    j->used |= 1ull << s;
    return s;
}

/* The series' style: a strategy's own, a named series' slot, or the next. */
static bool strategy_style(const char *key, const char **colour, int *pt)
{
    for (size_t i = 0; i < G_N_ELEMENTS(strategies); i++) {
        if (g_ascii_strcasecmp(key, strategies[i].name) == 0) {
            *colour = strategies[i].colour;
            *pt = strategies[i].pt;
            return true;
        }
    }
    return false;
}

static void series_style(struct gp_job *j, const char *key, bool named, const char **colour,
                         int *pt, double *fill)
{
    if (key && strategy_style(key, colour, pt)) {
        *fill = 1.0;
        return;
    }
    /* A named series (a stage) hashes to its own slot, so it has the same
     * colour in every figure it appears in; others take the palette in order. */
    if (named && j->named && g_hash_table_contains(j->named, key)) {
        slot_style(GPOINTER_TO_INT(g_hash_table_lookup(j->named, key)) - 1, colour, pt, fill);
        return;
    }
    slot_style(take_slot(j, named ? (int)(g_str_hash(key) % GP_NAMED_SLOTS) : 0), colour, pt, fill);
}

/* Line dash types and bar fills of a second --by key's values: solid
 * first, then dashed and paler. */
static const int variant_dt[] = { 1, 2, 3, 4, 5 };
static const double variant_fill[] = { 1.0, 0.55, 0.3, 0.15 };

static void write_series(struct gp_job *j, const char *title, const char *colour, int pt,
                         double fill, int dt);

static void add_series(struct gp_job *j, const char *title, const char *key, bool named)
{
    const char *colour;
    int pt;
    double fill;

    series_style(j, key, named, &colour, &pt, &fill);
    write_series(j, title, colour, pt, fill, 1);
}

void gp_add_series_variant(struct gp_job *j, const char *title, const char *strategy, int colour,
                           int variant)
{
    const char *c;
    int pt;
    double fill;
    int v = variant % (int)G_N_ELEMENTS(variant_dt);

    /* A strategy's own colour and marker, else palette slot @colour. */
    fill = 1.0;
    if (!strategy || !strategy_style(strategy, &c, &pt))
        slot_style(colour, &c, &pt, &fill);
    fill *= variant_fill[variant % (int)G_N_ELEMENTS(variant_fill)];
    write_series(j, title, c, pt, fill, variant_dt[v]);
}

/* gnuplot's fill patterns (cairo terminals), in the order a paper's bars
 * and stack segments take them: solid, the two diagonals, cross-hatch, the
 * denser ones, then empty; the bars of a figure printed in gray differ by
 * them (the templates use them in the paper theme only). */
static const int hatches[] = { 3, 7, 6, 2, 1, 4, 5 };

static void write_series(struct gp_job *j, const char *title, const char *colour, int pt,
                         double fill, int dt)
{
    j->n_series++;
    /* A long label would squeeze the plot beside the key. */
    /* Labels come from databases: never walk invalid UTF-8. */
    g_autofree char *valid = g_utf8_make_valid(title, -1);
    bool is_long = g_utf8_strlen(valid, -1) > 48;
    g_autofree char *head = is_long ? g_utf8_substring(valid, 0, 47) : NULL;
    g_autofree char *shown = is_long ? g_strconcat(head, "…", NULL) : g_strdup(valid);
    g_autofree char *q = gp_quote(shown);
    if (*shown) {
        j->titled++;
        j->longest = MAX(j->longest, (size_t)g_utf8_strlen(shown, -1));
    }
    g_string_append_printf(j->params,
                           "series_title[%d] = %s\nseries_colour[%d] = '%s'\n"
                           "series_pt[%d] = %d\nseries_fill[%d] = %.2f\nseries_dt[%d] = %d\n"
                           "series_pattern[%d] = %d\n",
                           j->n_series, q, j->n_series, colour, j->n_series, pt, j->n_series, fill,
                           j->n_series, dt, j->n_series,
                           hatches[(j->n_series - 1) % (int)G_N_ELEMENTS(hatches)]);
}

void gp_add_series(struct gp_job *j, const char *title, const char *strategy)
{
    add_series(j, title, strategy, false);
}

void gp_add_named_series(struct gp_job *j, const char *title, const char *name)
{
    add_series(j, title, name, true);
}

void gp_reserve_named(struct gp_job *j, const char *name)
{
    if (!j->named)
        j->named = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    if (g_hash_table_contains(j->named, name))
        return;
    g_hash_table_insert(
        j->named, g_strdup(name),
        GINT_TO_POINTER(take_slot(j, (int)(g_str_hash(name) % GP_NAMED_SLOTS)) + 1));
}

/* Sizes, fonts, line widths and point sizes of the themes, per terminal:
 * PDF in inches and points, PNG and SVG in pixels and gnuplot's font units
 * (96 per inch). "paper" fits one column (3.3 in) with 8 pt text, its key
 * above the plot; its PNG is that at 300 dpi. "slides" is 16:9. */
struct gp_look {
    double w, h, font, lw, ps;
};

static const struct {
    const char *name;
    struct gp_look pdf, png, svg;
    double png_dpi; /* pixels per inch of a PNG sized in inches */
} themes[] = {
    { "default", { 6, 3.6, 10, 1, 1 }, { 900, 540, 11, 1.2, 1 }, { 900, 540, 11, 1, 1 }, 150 },
    { "paper",
      { 3.3, 2.4, 8, 0.8, 0.5 },
      { 990, 720, 25, 2.4, 1.5 },
      { 317, 230, 11, 1, 0.6 },
      300 },
    { "slides",
      { 10, 5.625, 18, 2, 1.4 },
      { 1600, 900, 24, 2, 1.4 },
      { 1280, 720, 20, 2, 1.4 },
      160 },
};

/* One side of --size: a number with "in", "cm", "px" or nothing (pixels);
 * *@inches tells which. */
static bool size_side(const char *text, double *v, bool *inches)
{
    char *end;

    *v = g_ascii_strtod(text, &end);
    *inches = strcmp(end, "in") == 0 || strcmp(end, "cm") == 0;
    if (strcmp(end, "cm") == 0)
        *v /= 2.54;
    return end != text && (*inches || *end == '\0' || strcmp(end, "px") == 0) && isfinite(*v) &&
           *v > 0 && *v <= (*inches ? 100 : 20000);
}

/* @size "W,H" (or WxH) in this terminal's units. */
static bool parse_size(const char *size, const char *type, double dpi, double *w, double *h,
                       GError **error)
{
    g_auto(GStrv) parts = g_strsplit_set(size, ",x", -1);
    bool in_w, in_h;

    if (g_strv_length(parts) != 2 || !size_side(g_strstrip(parts[0]), w, &in_w) ||
        !size_side(g_strstrip(parts[1]), h, &in_h) || in_w != in_h) {
        g_set_error(error, IOVSIM_ERROR, IOVSIM_ERROR_INPUT,
                    "--size '%s': expected WIDTH,HEIGHT in pixels or both in in or cm "
                    "(e.g. 3.3in,2.2in or 1200,800)",
                    size);
        return false;
    }
    /* PDF is measured in inches, PNG and SVG in pixels (SVG at 96 per inch). */
    double scale = strcmp(type, "pdf") == 0 ? (in_w ? 1 : 1.0 / 96)
                   : in_w                   ? (strcmp(type, "png") == 0 ? dpi : 96)
                                            : 1;
    *w *= scale;
    *h *= scale;
    return true;
}

bool gp_job_set_look(struct gp_job *j, const char *theme, const char *size, double font,
                     GError **error)
{
    const char *name = theme ? theme : "default";
    struct gp_look look;
    size_t t;

    for (t = 0; t < G_N_ELEMENTS(themes) && strcmp(themes[t].name, name) != 0; t++)
        ;
    if (t == G_N_ELEMENTS(themes)) {
        g_set_error(error, IOVSIM_ERROR, IOVSIM_ERROR_INPUT,
                    "--theme '%s': unknown theme (valid: default, paper, slides)", name);
        return false;
    }
    look = strcmp(j->type, "pdf") == 0   ? themes[t].pdf
           : strcmp(j->type, "png") == 0 ? themes[t].png
                                         : themes[t].svg;
    if (size && !parse_size(size, j->type, themes[t].png_dpi, &look.w, &look.h, error))
        return false;
    if (font != 0 && !(font >= 4 && font <= 200)) {
        g_set_error(error, IOVSIM_ERROR, IOVSIM_ERROR_INPUT,
                    "--font %g: expected a size from 4 to 200", font);
        return false;
    }
    /* Text columns across the plot: the width in points (PNG and SVG at 96
     * pixels per inch) over half an em, an average glyph, less the key on
     * the right (a fifth of the width) and the y axis's labels. */
    double w_pt = look.w * (strcmp(j->type, "pdf") == 0 ? 72 : 72.0 / 96);
    double em = font != 0 ? font : look.font;
    j->cols = (strcmp(name, "paper") == 0 ? 0.95 : 0.8) * w_pt / (0.5 * em) - 10;
    gp_set_num(j, "x_slant", 0);
    /* term_w, term_h, term_font and key_cols: written with the text they
     * must make room for (write_params()). */
    j->w = look.w;
    j->h = look.h;
    j->font = em;
    j->pt = strcmp(j->type, "pdf") == 0 ? 72 : 72.0 / 96;
    j->paper = strcmp(name, "paper") == 0;
    j->sized = size != NULL;
    gp_set_num(j, "term_lw", look.lw);
    gp_set_num(j, "term_ps", look.ps);
    gp_set_num(j, "key_above", j->paper);
    /* Curves without points (CDFs, time series) printed in gray differ by
     * their dashes only. */
    gp_set_num(j, "vary_dash", j->paper);
    /* Bars and stack segments, likewise, by their fill patterns. */
    gp_set_num(j, "vary_pattern", j->paper);
    return true;
}

bool gp_job_slant_labels(struct gp_job *j, size_t n, size_t longest)
{
    /* A character of space between neighbours (a place is wider than its
     * label's bar or tic: gnuplot.h). */
    bool slant = (double)n * (double)(longest + 1) > j->cols;

    if (slant)
        gp_set_num(j, "x_slant", 1);
    return slant;
}

/* A text lay_out() fits to the figure; NULL is empty. */
static void set_text(char **field, const char *text)
{
    g_free(*field);
    *field = g_strdup(text ? text : "");
}

void gp_job_set_title(struct gp_job *j, const char *title)
{
    set_text(&j->title, title);
}

void gp_job_set_y_label(struct gp_job *j, const char *label)
{
    set_text(&j->y_label, label);
}

void gp_job_set_key_title(struct gp_job *j, const char *title)
{
    set_text(&j->key_title, title);
}

void gp_job_set_caption(struct gp_job *j, const char *caption)
{
    set_text(&j->caption, caption);
}

/* @text in lines of at most @width characters, broken at spaces (a longer
 * word has a line of its own), as a gnuplot expression; *@lines: how many. */
static char *wrapped_greedy(const char *text, double width, int *lines)
{
    g_autofree char *valid = g_utf8_make_valid(text ? text : "", -1);
    g_auto(GStrv) words = g_strsplit(valid, " ", -1);
    GString *line = g_string_new(NULL), *expr = g_string_new(NULL);

    *lines = 0;
    for (size_t i = 0;; i++) {
        bool end = !words[i];

        if (!end && !*words[i])
            continue;
        if (line->len && (end || (double)(g_utf8_strlen(line->str, -1) + 1 +
                                          g_utf8_strlen(words[i], -1)) > width)) {
            g_autofree char *q = gp_quote(line->str);

            g_string_append_printf(expr, "%s%s", expr->len ? ".\"\\n\"." : "", q);
            g_string_truncate(line, 0);
            (*lines)++;
        }
        if (end)
            break;
        if (line->len)
            g_string_append_c(line, ' ');
        g_string_append(line, words[i]);
    }
    g_string_free(line, TRUE);
    if (!expr->len)
        g_string_append(expr, "''");
    return g_string_free(expr, FALSE);
}

/* As wrapped_greedy(), in as few lines, their lengths even: "a title that
 * runs / on" reads worse than "a title that / runs on". */
static char *wrapped(const char *text, double width, int *lines)
{
    char *expr = wrapped_greedy(text, width, lines);
    int want = *lines;
    double len = (double)g_utf8_strlen(text ? text : "", -1);

    for (double w = ceil(len / MAX(want, 1)); want > 1 && w < width; w++) {
        int n;
        char *even = wrapped_greedy(text, w, &n);

        if (n <= want) {
            g_free(expr);
            *lines = n;
            return even;
        }
        g_free(even);
    }
    return expr;
}

/* Text gnuplot would cut off or squeeze, fitted to the figure: the title
 * and the caption in lines across it, a key above
 * the plot in as many columns as fit across it (gnuplot counts the whole
 * width and lets a key centred over the plot run off the right edge), a
 * paper figure taller by the key's rows past three (a stage breakdown's
 * dozen entries would leave the plot a sliver), and the y label in lines
 * along the plot's height. The title has most of the width only: gnuplot
 * centres it over the plot, not the figure. Widths: a glyph is about
 * 0.55 em (DejaVu Sans); a line 1.25 em. */
static void lay_out(struct gp_job *j)
{
    double glyph = 0.55 * j->font, line = 1.25 * j->font;
    double w_pt = j->w * j->pt, h_pt = j->h * j->pt, across = w_pt / glyph;
    int title_lines = 0, label_lines, key_cols = 0, key_rows = 0;
    g_autofree char *title = wrapped(j->title, 0.85 * across, &title_lines);

    if (j->paper && j->titled > 0) {
        /* gnuplot's column: the title and ten half-ems of sample and gaps;
         * the key, centred over the plot, within the figure's width. */
        double half_ems = w_pt / (0.5 * j->font);
        key_cols = CLAMP((int)((half_ems - 4) / ((double)j->longest + 10)), 1, j->titled);
        key_rows = (j->titled + key_cols - 1) / key_cols + (j->key_title && *j->key_title);
    }
    if (j->paper && !j->sized && key_rows > 3)
        h_pt += (key_rows - 3) * line;
    /* The caption, smaller in a large font, right-aligned: most of the
     * figure's width, in lines below the x label. */
    double cap_font = j->font >= 10 ? 0.8 * j->font : j->font;
    int cap_lines = 0;
    g_autofree char *caption = wrapped(j->caption, 0.95 * w_pt / (0.55 * cap_font), &cap_lines);
    /* Below the plot: tic labels, the x label, the caption and margins. */
    double plot_h =
        h_pt - line * (title_lines + key_rows + 4.5) - MAX(cap_lines - 1, 0) * 1.25 * cap_font;
    g_autofree char *y_label = wrapped(j->y_label, MAX(plot_h / glyph, 12), &label_lines);
    g_autofree char *key_title = gp_quote(j->key_title ? j->key_title : "");

    g_string_append_printf(j->params,
                           "plot_title = %s\ny_label = %s\nkey_title = %s\ncaption = %s\n", title,
                           y_label, key_title, caption);
    gp_set_num(j, "caption_lines", cap_lines);
    gp_set_num(j, "caption_font", cap_font);
    /* A label's later lines go below its first, 1.25 em apart. */
    gp_set_num(j, "caption_y", 0.025 + MAX(cap_lines - 1, 0) * 1.25 * cap_font / h_pt);
    gp_set_num(j, "key_cols", key_cols);
    gp_set_num(j, "term_w", j->w);
    gp_set_num(j, "term_h", h_pt / j->pt);
    gp_set_num(j, "term_font", j->font);
}

static bool write_params(struct gp_job *j, const char *path, GError **error)
{
    lay_out(j);
    /* Arrays must be declared before their elements are set: the header goes
     * in front once the number of series is known. */
    int n = MAX(j->n_series, 1);
    g_autofree char *text = g_strdup_printf(
        "n_series = %d\narray series_title[%d]\narray series_colour[%d]\narray series_pt[%d]\n"
        "array series_fill[%d]\narray series_dt[%d]\narray series_pattern[%d]\n%s",
        j->n_series, n, n, n, n, n, n, j->params->str);
    GError *e = NULL;

    if (!g_file_set_contents(path, text, -1, &e)) {
        g_set_error(error, IOVSIM_ERROR, IOVSIM_ERROR_IO, "%s", e->message);
        g_error_free(e);
        return false;
    }
    return true;
}

/* gnuplot's complaint, one line: the last non-empty line mentioning an error. */
static char *first_error(const char *err)
{
    g_auto(GStrv) lines = g_strsplit(err ? err : "", "\n", -1);
    const char *pick = NULL;

    for (size_t i = 0; lines[i]; i++) {
        g_strstrip(lines[i]);
        if (*lines[i] && (!pick || strstr(lines[i], "rror") || strstr(lines[i], "arning")))
            pick = lines[i];
    }
    return g_strdup(pick ? pick : "no message");
}

/* Does @path hold a whole figure of @type? gnuplot exits 0 when its writes
 * fail (a full disk, a file size limit), leaving an empty or cut-off file:
 * look at both ends. */
static bool figure_complete(const char *path, const char *type)
{
    static const char png_head[] = "\x89PNG\r\n\x1a\n";
    static const char png_tail[] = "IEND\xae\x42\x60\x82";
    g_autofree char *data = NULL;
    gsize len = 0;

    if (!g_file_get_contents(path, &data, &len, NULL) || len < 16)
        return false;
    if (strcmp(type, "png") == 0)
        return memcmp(data, png_head, 8) == 0 && memcmp(data + len - 8, png_tail, 8) == 0;
    /* Trailing white space aside, a PDF ends with %%EOF and an SVG with
     * </svg>; a PDF holds binary streams, so no string functions here. */
    while (len > 16 && g_ascii_isspace(data[len - 1]))
        len--;
    if (strcmp(type, "pdf") == 0)
        return memcmp(data, "%PDF-", 5) == 0 && memcmp(data + len - 5, "%%EOF", 5) == 0;
    return memcmp(data + len - 6, "</svg>", 6) == 0 && g_strstr_len(data, len, "<svg") != NULL;
}

static bool close_data(struct gp_job *j, GError **error)
{
    int err = fflush(j->data) != 0 || ferror(j->data) ? errno : 0;

    if (fclose(j->data) != 0 && !err)
        err = errno;
    j->data = NULL;
    if (err)
        g_set_error(error, IOVSIM_ERROR, IOVSIM_ERROR_IO, "cannot write the plot data: %s",
                    g_strerror(err));
    return !err;
}

/* Run gnuplot; false with its complaint, or how it died. */
static bool spawn(const char *const *argv, GError **error)
{
    g_autofree char *out = NULL, *err = NULL;
    int status = 0;
    GError *e = NULL;

    if (!g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status,
                      &e)) {
        g_set_error(error, IOVSIM_ERROR, IOVSIM_ERROR_IO, "cannot run gnuplot: %s", e->message);
        g_error_free(e);
        return false;
    }
    if (!g_spawn_check_wait_status(status, &e)) {
        g_autofree char *why = err && *g_strstrip(err) ? first_error(err) : g_strdup(e->message);

        g_set_error(error, IOVSIM_ERROR, IOVSIM_ERROR_IO, "gnuplot failed: %s", why);
        g_error_free(e);
        return false;
    }
    return true;
}

bool gp_job_run(struct gp_job *j, const char *template_name, GError **error)
{
    g_autofree char *params = g_build_filename(j->dir, "params.gp", NULL);
    g_autofree char *style = g_build_filename(j->gp_dir, "style.gp", NULL);
    g_autofree char *tmpl = g_build_filename(j->gp_dir, template_name, NULL);
    const char *argv[] = { j->gnuplot, params, style, tmpl, NULL };

    if (!close_data(j, error) || !write_params(j, params, error) || !spawn(argv, error))
        return false;
    if (!figure_complete(j->partial, j->type)) {
        g_set_error(error, IOVSIM_ERROR, IOVSIM_ERROR_IO,
                    "'%s': gnuplot could not write the whole figure (is the disk full?)",
                    j->output);
        return false;
    }
    if (g_rename(j->partial, j->output) != 0) {
        g_set_error(error, IOVSIM_ERROR, IOVSIM_ERROR_IO, "'%s': cannot write the figure: %s",
                    j->output, g_strerror(errno));
        return false;
    }
    g_clear_pointer(&j->partial, g_free);
    return true;
}
