/* Distributions written in scenario files: parsing, GSL sampling, analytic
 * moments and canonical text. lognormal() takes the mean and standard
 * deviation of the variable itself and converts them to the log-scale mu and
 * sigma (Johnson, Kotz, Balakrishnan, Continuous Univariate Distributions
 * vol. 1, 2nd ed., 1994, ch. 14). No correlation between draws. */
#include "dist.h"

#include <math.h>
#include <stddef.h>
#include <string.h>
#include <sys/stat.h>

#include <glib.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>

#include "scenario.h"
#include "scenario_scan.h"
#include "suggest.h"

/* Empirical files are data, not logs: refuse anything larger. */
#define EMPIRICAL_MAX_BYTES (64u << 20)

struct kind_info {
    const char *name;
    int n_args;
};

/* Indexed by enum dist_kind. */
static const struct kind_info kinds[] = {
    [DIST_DET] = { "det", 1 },
    [DIST_EXP] = { "exp", 1 },
    [DIST_UNIFORM] = { "uniform", 2 },
    [DIST_NORMAL] = { "normal", 2 },
    [DIST_LOGNORMAL] = { "lognormal", 2 },
    [DIST_PARETO] = { "pareto", 2 },
    [DIST_EMPIRICAL] = { "empirical", 1 },
    [DIST_CDF] = { "cdf", 1 },
};

/* Two increasing example values per dimension, for messages. */
static void dim_examples(enum unit_dim dim, const char **lo, const char **hi)
{
    static const char *const ex[][2] = {
        [DIM_NONE] = { "1", "3" },
        [DIM_TIME] = { "1.25s", "2.5s" },
        [DIM_SIZE] = { "1500B", "9000B" },
        [DIM_BITRATE] = { "1Gbps", "10Gbps" },
        [DIM_PKTRATE] = { "1Mpps", "2Mpps" },
        [DIM_FREQ] = { "1GHz", "3GHz" },
        [DIM_CYCLES] = { "1000", "3000" },
    };

    *lo = ex[dim][0];
    *hi = ex[dim][1];
}

static char *kind_example(enum dist_kind kind, enum unit_dim dim)
{
    const char *lo, *hi;

    dim_examples(dim, &lo, &hi);
    switch (kind) {
    case DIST_DET:
    case DIST_EXP:
        return g_strdup_printf("%s(%s)", kinds[kind].name, lo);
    case DIST_UNIFORM:
        return g_strdup_printf("uniform(%s, %s)", lo, hi);
    case DIST_NORMAL:
    case DIST_LOGNORMAL:
        return g_strdup_printf("%s(%s, %s)", kinds[kind].name, hi, lo);
    case DIST_PARETO:
        return g_strdup_printf("pareto(2.5, %s)", lo);
    case DIST_EMPIRICAL:
        return g_strdup("empirical(values.txt)");
    case DIST_CDF:
        return g_strdup("cdf(websearch)");
    }
    g_assert_not_reached();
}

static bool malformed(const char *text, enum dist_kind kind, enum unit_dim dim, GError **error)
{
    g_autofree char *ex = kind_example(kind, dim);

    g_set_error(error, IOVSIM_ERROR, IOVSIM_ERROR_INPUT,
                "malformed distribution '%s' (expected e.g. %s)", text, ex);
    return false;
}

static bool find_kind(const char *name, const char *text, enum dist_kind *kind, GError **error)
{
    const char *names[G_N_ELEMENTS(kinds)];
    const char *near;

    for (size_t i = 0; i < G_N_ELEMENTS(kinds); i++) {
        names[i] = kinds[i].name;
        if (strcmp(name, kinds[i].name) == 0) {
            *kind = (enum dist_kind)i;
            return true;
        }
    }
    near = suggest_closest(name, names, G_N_ELEMENTS(names));
    if (near)
        g_set_error(error, IOVSIM_ERROR, IOVSIM_ERROR_INPUT,
                    "unknown distribution '%s' in '%s' (did you mean '%s'?)", name, text, near);
    else
        g_set_error(error, IOVSIM_ERROR, IOVSIM_ERROR_INPUT,
                    "unknown distribution '%s' in '%s' (expected one of: det exp uniform normal "
                    "lognormal pareto empirical cdf)",
                    name, text);
    return false;
}

static bool fail(GError **error, const char *text, const char *what)
{
    g_set_error(error, IOVSIM_ERROR, IOVSIM_ERROR_INPUT, "'%s': %s", text, what);
    return false;
}

/* Parameters that make no sense, or would let a time or size go negative. */
static bool check_params(const struct dist *d, const char *text, GError **error)
{
    bool nonneg = d->dim != DIM_NONE;

    switch (d->kind) {
    case DIST_DET:
        return !(nonneg && d->a < 0) || fail(error, text, "value must not be negative");
    case DIST_EXP:
        return d->a > 0 || fail(error, text, "mean must be positive");
    case DIST_UNIFORM:
        if (d->a > d->b)
            return fail(error, text, "lower bound is above upper bound");
        return !(nonneg && d->a < 0) || fail(error, text, "lower bound must not be negative");
    case DIST_NORMAL:
        if (d->b < 0)
            return fail(error, text, "standard deviation must not be negative");
        return !(nonneg && d->a < 0) || fail(error, text, "mean must not be negative");
    case DIST_LOGNORMAL:
        if (d->a <= 0)
            return fail(error, text, "mean must be positive");
        return d->b >= 0 || fail(error, text, "standard deviation must not be negative");
    case DIST_PARETO:
        if (d->a <= 0)
            return fail(error, text, "shape must be positive");
        return d->b > 0 || fail(error, text, "scale must be positive");
    case DIST_EMPIRICAL:
    case DIST_CDF:
        return true;
    }
    g_assert_not_reached();
}

/* The file can be anything the user may read (empirical(/etc/shadow)):
 * say where and what was expected, never what the line holds. */
static bool bad_line(const struct dist *d, int line, const char *what, GError **error)
{
    const char *lo, *hi;

    dim_examples(d->dim, &lo, &hi);
    g_set_error(error, IOVSIM_ERROR, IOVSIM_ERROR_INPUT,
                "empirical file '%s':%d: %s (expected one value per line, e.g. %s, or a # "
                "comment%s%s)",
                d->path, line, what, lo, d->dim == DIM_NONE ? "" : "; units: ",
                d->dim == DIM_NONE ? "" : unit_dim_accepted(d->dim));
    return false;
}

/* The samples of one empirical file: a refcounted block (g_rc_box) shared
 * by every copy of the distribution, e.g. every point of a sweep. */
struct samples {
    char *key; /* in the cache: dimension and path */
    dev_t dev;
    ino_t ino;
    off_t size;
    struct timespec mtime;
    size_t n;
    double v[];
};

/* Loaded files by key, borrowed: a block leaves when its last user releases
 * it. Process-wide, as the file system is; iovsim has no threads. */
static GHashTable *samples_cache;

static struct samples *samples_of(const double *values)
{
    return (struct samples *)(void *)((char *)values - offsetof(struct samples, v));
}

static void samples_clear(gpointer p)
{
    struct samples *s = p;

    if (samples_cache && g_hash_table_lookup(samples_cache, s->key) == s)
        g_hash_table_remove(samples_cache, s->key);
    g_free(s->key);
}

static bool same_file(const struct samples *s, const struct stat *st)
{
    return s->dev == st->st_dev && s->ino == st->st_ino && s->size == st->st_size &&
           s->mtime.tv_sec == st->st_mtim.tv_sec && s->mtime.tv_nsec == st->st_mtim.tv_nsec;
}

/* The cached samples of @key if the file is unchanged (a new reference). */
static bool samples_lookup(struct dist *d, const char *key, const struct stat *st)
{
    struct samples *s = samples_cache ? g_hash_table_lookup(samples_cache, key) : NULL;

    if (!s || !same_file(s, st))
        return false;
    g_rc_box_acquire(s);
    d->values = s->v;
    d->n_values = s->n;
    return true;
}

static void samples_store(struct dist *d, char *key, const struct stat *st, GArray *vals)
{
    struct samples *s = g_rc_box_alloc0(sizeof(*s) + vals->len * sizeof(double));

    s->key = key;
    s->dev = st->st_dev;
    s->ino = st->st_ino;
    s->size = st->st_size;
    s->mtime = st->st_mtim;
    s->n = vals->len;
    memcpy(s->v, vals->data, vals->len * sizeof(double));
    if (!samples_cache)
        samples_cache = g_hash_table_new(g_str_hash, g_str_equal);
    g_hash_table_replace(samples_cache, s->key, s);
    d->values = s->v;
    d->n_values = s->n;
}

static bool load_empirical(struct dist *d, const char *arg, const char *base_dir, GError **error)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(GArray) vals = g_array_new(FALSE, FALSE, sizeof(double));
    g_autofree char *text = NULL;
    g_autofree char *key = NULL;
    struct stat st;
    g_auto(GStrv) lines = NULL;
    gsize len;

    g_autofree char *base = base_dir ? g_canonicalize_filename(base_dir, NULL) : NULL;

    /* Absolute, so that dist_to_string() parses the same from anywhere. */
    d->path = g_canonicalize_filename(arg, base);
    key = g_strdup_printf("%d:%s", (int)d->dim, d->path);
    /* A file that cannot be stat'ed is not cached; reading it says why. */
    if (stat(d->path, &st) != 0)
        memset(&st, 0, sizeof(st));
    else if (samples_lookup(d, key, &st))
        return true;
    text = scan_read_file(d->path, EMPIRICAL_MAX_BYTES, &len, &err);
    if (!text) {
        g_set_error(error, IOVSIM_ERROR, err->code, "empirical file '%s': %s", d->path,
                    err->message);
        return false;
    }
    if (memchr(text, '\0', len)) {
        g_set_error(error, IOVSIM_ERROR, IOVSIM_ERROR_INPUT, "empirical file '%s': not a text file",
                    d->path);
        return false;
    }
    lines = g_strsplit(text, "\n", -1);
    for (int i = 0; lines[i]; i++) {
        char *hash = strchr(lines[i], '#');
        double v;

        if (hash)
            *hash = '\0';
        if (*g_strstrip(lines[i]) == '\0')
            continue;
        if (!unit_parse_lenient(lines[i], d->dim, &v, NULL))
            return bad_line(d, i + 1, "not a value", error);
        if (d->dim != DIM_NONE && v < 0)
            return bad_line(d, i + 1, "negative value", error);
        g_array_append_val(vals, v);
    }
    if (vals->len == 0) {
        g_set_error(error, IOVSIM_ERROR, IOVSIM_ERROR_INPUT, "empirical file '%s': no values",
                    d->path);
        return false;
    }
    samples_store(d, g_steal_pointer(&key), &st, vals);
    return true;
}

/* cdf(NAME): one of the built-in tables, which hold flow sizes. */
static bool find_cdf(struct dist *d, const char *name, const char *text, GError **error)
{
    size_t n;
    const char *const *names = size_cdf_names(&n);
    const char *near;
    g_autofree char *list = NULL;

    if (d->dim != DIM_SIZE)
        return fail(error, text, "cdf() tables are sizes; a size parameter takes them");
    d->cdf = size_cdf_find(name);
    if (d->cdf)
        return true;
    near = suggest_closest(name, names, n);
    if (near) {
        g_set_error(error, IOVSIM_ERROR, IOVSIM_ERROR_INPUT,
                    "unknown table '%s' in '%s' (did you mean '%s'?)", name, text, near);
        return false;
    }
    list = g_strjoinv(" ", (char **)names);
    g_set_error(error, IOVSIM_ERROR, IOVSIM_ERROR_INPUT,
                "unknown table '%s' in '%s' (expected one of: %s)", name, text, list);
    return false;
}

/* Split "a, b" into stripped arguments; false if one is empty. */
static bool split_args(const char *inner, GStrv *args_out)
{
    g_autofree char *s = g_strstrip(g_strdup(inner));
    GStrv args;

    if (*s == '\0') {
        *args_out = g_new0(char *, 1);
        return true;
    }
    args = g_strsplit(s, ",", -1);
    for (int i = 0; args[i]; i++) {
        if (*g_strstrip(args[i]) == '\0') {
            g_strfreev(args);
            return false;
        }
    }
    *args_out = args;
    return true;
}

static bool parse_call(struct dist *d, const char *t, const char *open, const char *base_dir,
                       GError **error)
{
    g_autofree char *name = g_strstrip(g_strndup(t, (size_t)(open - t)));
    g_autofree char *inner = NULL;
    g_auto(GStrv) args = NULL;
    size_t len = strlen(t);
    guint n;

    for (const char *p = name; *p; p++)
        if (!g_ascii_isalpha(*p))
            return malformed(t, DIST_EXP, d->dim, error);
    if (*name == '\0')
        return malformed(t, DIST_EXP, d->dim, error);
    if (!find_kind(name, t, &d->kind, error))
        return false;
    if (t[len - 1] != ')')
        return malformed(t, d->kind, d->dim, error);
    inner = g_strndup(open + 1, (size_t)(t + len - 1 - (open + 1)));
    if (d->kind != DIST_EMPIRICAL && strpbrk(inner, "()"))
        return malformed(t, d->kind, d->dim, error);
    if (d->kind == DIST_EMPIRICAL) {
        args = g_new0(char *, 2);
        args[0] = g_strstrip(g_strdup(inner));
        if (*args[0] == '\0')
            g_clear_pointer(&args[0], g_free);
    } else if (!split_args(inner, &args)) {
        return malformed(t, d->kind, d->dim, error);
    }
    n = g_strv_length(args);
    if (n != (guint)kinds[d->kind].n_args) {
        g_set_error(error, IOVSIM_ERROR, IOVSIM_ERROR_INPUT, "'%s': %s takes %d argument%s, not %u",
                    t, kinds[d->kind].name, kinds[d->kind].n_args,
                    kinds[d->kind].n_args == 1 ? "" : "s", n);
        return false;
    }
    if (d->kind == DIST_EMPIRICAL)
        return load_empirical(d, args[0], base_dir, error);
    if (d->kind == DIST_CDF)
        return find_cdf(d, args[0], t, error);
    /* pareto's shape is a plain number; its scale has the unit. */
    if (!unit_parse(args[0], d->kind == DIST_PARETO ? DIM_NONE : d->dim, &d->a, error))
        return false;
    return n < 2 || unit_parse(args[1], d->dim, &d->b, error);
}

bool dist_parse(struct dist *d, const char *text, enum unit_dim dim, const char *base_dir,
                GError **error)
{
    g_autofree char *t = g_strstrip(g_strdup(text));
    const char *open = strchr(t, '(');
    bool ok;

    memset(d, 0, sizeof(*d));
    d->dim = dim;
    d->kind = DIST_DET;
    if (open)
        ok = parse_call(d, t, open, base_dir, error);
    else if (strchr(t, ')'))
        ok = malformed(t, DIST_DET, dim, error);
    else
        ok = unit_parse(t, dim, &d->a, error);
    ok = ok && check_params(d, t, error);
    if (!ok)
        dist_release(d);
    return ok;
}

void dist_release(struct dist *d)
{
    if (d->values)
        g_rc_box_release_full(samples_of(d->values), samples_clear);
    g_free(d->path);
    d->values = NULL;
    d->path = NULL;
    d->n_values = 0;
}

void dist_copy(struct dist *dst, const struct dist *src)
{
    *dst = *src;
    if (src->values)
        g_rc_box_acquire(samples_of(src->values));
    dst->path = g_strdup(src->path);
}

/* Log-scale parameters of a lognormal with mean @m and sd @s. */
static void lognormal_params(double m, double s, double *mu, double *sigma)
{
    double s2 = log1p((s / m) * (s / m));

    *mu = log(m) - s2 / 2;
    *sigma = sqrt(s2);
}

double dist_sample(const struct dist *d, gsl_rng *rng)
{
    double x, mu, sigma;

    switch (d->kind) {
    case DIST_DET:
        return d->a;
    case DIST_EXP:
        return gsl_ran_exponential(rng, d->a);
    case DIST_UNIFORM:
        return gsl_ran_flat(rng, d->a, d->b);
    case DIST_NORMAL:
        /* Truncation by redrawing: the mean is >= 0 for dimensioned values
         * (check_params), so each try succeeds with probability >= 1/2. */
        do {
            x = d->a + gsl_ran_gaussian_ziggurat(rng, d->b);
        } while (d->dim != DIM_NONE && x < 0);
        return x;
    case DIST_LOGNORMAL:
        lognormal_params(d->a, d->b, &mu, &sigma);
        return gsl_ran_lognormal(rng, mu, sigma);
    case DIST_PARETO:
        return gsl_ran_pareto(rng, d->a, d->b);
    case DIST_EMPIRICAL:
        return d->values[gsl_rng_uniform_int(rng, d->n_values)];
    case DIST_CDF:
        return size_cdf_quantile(d->cdf, gsl_rng_uniform(rng));
    }
    g_assert_not_reached();
}

sim_time dist_sample_time(const struct dist *d, gsl_rng *rng)
{
    const double limit = (double)(SIM_TIME_MAX / 4);
    double ps;

    g_assert(d->dim == DIM_TIME);
    ps = dist_sample(d, rng) * 1e12;
    if (!(ps > 0))
        return 0;
    if (ps >= limit)
        return SIM_TIME_MAX / 4;
    return (sim_time)(ps + 0.5);
}

/* Normal(a, b) truncated to [0, inf): the standard moments of a truncated
 * normal with alpha = -a/b and inverse Mills ratio lambda. */
static void truncated_normal(double a, double b, double *mean, double *var)
{
    double alpha = -a / b;
    double lambda = gsl_ran_ugaussian_pdf(alpha) / gsl_cdf_ugaussian_Q(alpha);

    *mean = a + b * lambda;
    *var = b * b * (1 + alpha * lambda - lambda * lambda);
}

static void moments(const struct dist *d, double *mean, double *var)
{
    double a = d->a, b = d->b, s = 0, ss = 0;

    switch (d->kind) {
    case DIST_DET:
        *mean = a, *var = 0;
        return;
    case DIST_EXP:
        *mean = a, *var = a * a;
        return;
    case DIST_UNIFORM:
        *mean = (a + b) / 2, *var = (b - a) * (b - a) / 12;
        return;
    case DIST_NORMAL:
        if (d->dim == DIM_NONE || b == 0)
            *mean = a, *var = b * b;
        else
            truncated_normal(a, b, mean, var);
        return;
    case DIST_LOGNORMAL:
        *mean = a, *var = b * b;
        return;
    case DIST_PARETO:
        *mean = a > 1 ? a * b / (a - 1) : INFINITY;
        *var = a > 2 ? b * b * a / ((a - 1) * (a - 1) * (a - 2)) : INFINITY;
        return;
    case DIST_EMPIRICAL:
        for (size_t i = 0; i < d->n_values; i++)
            s += d->values[i];
        *mean = s / (double)d->n_values;
        for (size_t i = 0; i < d->n_values; i++)
            ss += (d->values[i] - *mean) * (d->values[i] - *mean);
        *var = ss / (double)d->n_values;
        return;
    case DIST_CDF:
        size_cdf_moments(d->cdf, mean, var);
        return;
    }
    g_assert_not_reached();
}

double dist_mean(const struct dist *d)
{
    double mean, var;

    moments(d, &mean, &var);
    return mean;
}

double dist_variance(const struct dist *d)
{
    double mean, var;

    moments(d, &mean, &var);
    return var;
}

char *dist_to_string(const struct dist *d)
{
    g_autofree char *a = NULL, *b = NULL;
    const char *name = kinds[d->kind].name;

    if (d->kind == DIST_EMPIRICAL)
        return g_strdup_printf("empirical(%s)", d->path);
    if (d->kind == DIST_CDF)
        return g_strdup_printf("cdf(%s)", d->cdf->name);
    a = unit_format(d->a, d->kind == DIST_PARETO ? DIM_NONE : d->dim);
    if (kinds[d->kind].n_args == 1)
        return g_strdup_printf("%s(%s)", name, a);
    b = unit_format(d->b, d->dim);
    return g_strdup_printf("%s(%s, %s)", name, a, b);
}
