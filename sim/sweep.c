/* Sweep grids: value lists and ranges from the [sweep] group and --vary,
 * lockstep groups, exclude rules, row-major numbering of points and their
 * labels. Values stay text until scenario_set() parses them, so a sweep
 * accepts exactly what a scenario file accepts; ranges are expanded here,
 * digits and unit apart. */
#include "sweep.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* One swept key and its values (text, as the scenario takes them). */
struct axis {
    char *key;
    GPtrArray *values; /* char *, owned */
    char *origin;      /* "FILE:LINE" or "--vary", for messages */
    guint pos;         /* index in sweep->axes */
};

/* Keys that advance together: one factor of the Cartesian product. */
struct dim {
    GPtrArray *axes; /* struct axis *, borrowed from sweep->axes */
    size_t n_values;
};

/* One term of an exclusion rule: its key takes one of the marked values. */
struct term {
    const struct axis *axis;
    bool *value_in; /* per value of axis, owned */
};

struct sweep {
    const struct scenario *base;
    GPtrArray *axes; /* struct axis *, owned, in label order */
    GPtrArray *dims; /* struct dim *, owned, slowest first */
    size_t n_grid;   /* points of the full product */
    GArray *kept;    /* size_t grid index per point; NULL: every grid point */
    size_t n_points;
};

static void axis_free(gpointer p)
{
    struct axis *a = p;

    g_free(a->key);
    if (a->values)
        g_ptr_array_unref(a->values);
    g_free(a->origin);
    g_free(a);
}

static void dim_free(gpointer p)
{
    struct dim *d = p;

    g_ptr_array_unref(d->axes);
    g_free(d);
}

static void kv_free(gpointer p)
{
    struct scenario_kv *kv = p;

    g_free(kv->key);
    g_free(kv->value);
    g_free(kv);
}

static bool input_error(GError **error, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

static bool input_error(GError **error, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    g_propagate_error(error, g_error_new_valist(IOVSIM_ERROR, IOVSIM_ERROR_INPUT, fmt, ap));
    va_end(ap);
    return false;
}

/* Split @text on commas outside parentheses; pieces are trimmed copies. */
static GPtrArray *split_top(const char *text, GError **error)
{
    GPtrArray *out = g_ptr_array_new_with_free_func(g_free);
    const char *start = text;
    int depth = 0;

    for (const char *p = text;; p++) {
        if (*p == '(')
            depth++;
        else if (*p == ')' && --depth < 0)
            break;
        if (*p == ',' && depth == 0) {
            g_ptr_array_add(out, g_strstrip(g_strndup(start, (gsize)(p - start))));
            start = p + 1;
        } else if (*p == '\0') {
            g_ptr_array_add(out, g_strstrip(g_strndup(start, (gsize)(p - start))));
            break;
        }
    }
    if (depth != 0) {
        g_set_error(error, IOVSIM_ERROR, IOVSIM_ERROR_INPUT, "unbalanced parentheses in '%s'",
                    text);
        g_ptr_array_unref(out);
        return NULL;
    }
    return out;
}

/* "10us" -> 10 and "us"; the unit suffix is borrowed from @text. Decimal
 * only, as everywhere else in a scenario: strtod alone would also take
 * "0x10", "inf" and "nan". */
static bool split_number(const char *text, double *value, const char **unit, GError **error)
{
    size_t len = strspn(text, "0123456789.+-eE");
    char *end;

    *value = g_ascii_strtod(text, &end);
    if (end == text || end != text + len || !isfinite(*value)) {
        g_set_error(error, IOVSIM_ERROR, IOVSIM_ERROR_INPUT,
                    "'%s' in a range is not a decimal number", text);
        return false;
    }
    while (g_ascii_isspace(*end))
        end++;
    *unit = end;
    return true;
}

/* Expand "a..b:step" (both ends included, units as suffixes) into @out. */
static bool expand_range(const char *piece, const char *dots, GPtrArray *out, GError **error)
{
    g_autofree char *lo_s = g_strstrip(g_strndup(piece, (gsize)(dots - piece)));
    g_autofree char *rest = g_strdup(dots + 2);
    char *colon = strrchr(rest, ':');
    const char *ulo, *uhi, *ustep;
    double lo, hi, step;

    if (!colon) {
        g_set_error(error, IOVSIM_ERROR, IOVSIM_ERROR_INPUT,
                    "range '%s' needs a step: write a..b:step", piece);
        return false;
    }
    *colon = '\0';
    g_strstrip(rest);
    g_strstrip(colon + 1);
    if (!split_number(lo_s, &lo, &ulo, error) || !split_number(rest, &hi, &uhi, error) ||
        !split_number(colon + 1, &step, &ustep, error))
        return false;
    if (strcmp(ulo, uhi) != 0 || strcmp(ulo, ustep) != 0) {
        g_set_error(error, IOVSIM_ERROR, IOVSIM_ERROR_INPUT,
                    "range '%s': both ends and the step must use the same unit", piece);
        return false;
    }
    if (!(step > 0) || hi < lo) {
        g_set_error(error, IOVSIM_ERROR, IOVSIM_ERROR_INPUT,
                    "range '%s': needs a positive step and a <= b", piece);
        return false;
    }
    /* The relative slack keeps 0.1..0.3:0.1 at three values despite binary
     * rounding of the quotient. */
    double count = floor((hi - lo) / step * (1 + 1e-12) + 1e-9) + 1;
    if (count > SWEEP_MAX_POINTS) {
        /* A tiny step's count has hundreds of digits: say it to 3. */
        g_set_error(error, IOVSIM_ERROR, IOVSIM_ERROR_INPUT,
                    count < 1e15 ? "range '%s' has %.0f values, more than %d"
                                 : "range '%s' has %.3g values, more than %d",
                    piece, count, SWEEP_MAX_POINTS);
        return false;
    }
    for (size_t i = 0; i < (size_t)count; i++)
        g_ptr_array_add(out, g_strdup_printf("%.12g%s", lo + (double)i * step, ulo));
    return true;
}

/* Where ".." starts in @piece outside parentheses, or NULL. */
static const char *find_dots(const char *piece)
{
    int depth = 0;

    for (const char *p = piece; *p; p++) {
        if (*p == '(')
            depth++;
        else if (*p == ')')
            depth--;
        else if (depth == 0 && p[0] == '.' && p[1] == '.')
            return p;
    }
    return NULL;
}

GPtrArray *sweep_parse_values(const char *text, GError **error)
{
    g_autoptr(GPtrArray) pieces = split_top(text, error);
    GPtrArray *out;

    if (!pieces)
        return NULL;
    if (pieces->len == 1 && !*(char *)g_ptr_array_index(pieces, 0)) {
        g_set_error(error, IOVSIM_ERROR, IOVSIM_ERROR_INPUT, "empty list of values");
        return NULL;
    }
    out = g_ptr_array_new_with_free_func(g_free);
    for (guint i = 0; i < pieces->len; i++) {
        const char *piece = g_ptr_array_index(pieces, i);
        const char *dots = find_dots(piece);

        if (!*piece) {
            g_set_error(error, IOVSIM_ERROR, IOVSIM_ERROR_INPUT,
                        "empty value at position %u "
                        "in '%s'",
                        i + 1, text);
            goto fail;
        }
        if (dots) {
            if (!expand_range(piece, dots, out, error))
                goto fail;
        } else {
            g_ptr_array_add(out, g_strdup(piece));
        }
    }
    return out;
fail:
    g_ptr_array_unref(out);
    return NULL;
}

static struct axis *find_axis(struct sweep *sw, const char *key)
{
    for (guint i = 0; i < sw->axes->len; i++) {
        struct axis *a = g_ptr_array_index(sw->axes, i);

        if (strcmp(a->key, key) == 0)
            return a;
    }
    return NULL;
}

static bool is_lockstep_key(const char *key)
{
    return strcmp(key, "lockstep") == 0 || g_str_has_prefix(key, "lockstep.");
}

static bool is_exclude_key(const char *key)
{
    return strcmp(key, "exclude") == 0 || g_str_has_prefix(key, "exclude.");
}

/* Parse @text into @a->values; errors name @a->origin and the key. */
static bool axis_set_values(struct axis *a, const char *text, GError **error)
{
    GError *e = NULL;
    GPtrArray *values = sweep_parse_values(text, &e);

    if (!values) {
        input_error(error, "%s: key '%s': %s", a->origin, a->key, e->message);
        g_error_free(e);
        return false;
    }
    if (a->values)
        g_ptr_array_unref(a->values);
    a->values = values;
    return true;
}

static bool add_file_entries(struct sweep *sw, GPtrArray *raw, GError **error)
{
    const char *path = scenario_path(sw->base);

    for (guint i = 0; raw && i < raw->len; i++) {
        const struct scenario_raw *r = g_ptr_array_index(raw, i);
        struct axis *a;

        if (is_lockstep_key(r->key) || is_exclude_key(r->key))
            continue;
        if (find_axis(sw, r->key))
            return input_error(error, "%s:%d: key '%s': swept twice in [sweep]", path, r->line,
                               r->key);
        a = g_new0(struct axis, 1);
        a->key = g_strdup(r->key);
        a->origin = g_strdup_printf("%s:%d", path, r->line);
        g_ptr_array_add(sw->axes, a);
        if (!axis_set_values(a, r->value, error))
            return false;
    }
    return true;
}

static bool add_vary(struct sweep *sw, const char *arg, GError **error)
{
    const char *eq = strchr(arg, '=');
    g_autofree char *key = NULL;
    struct axis *a;

    if (!eq || eq == arg)
        return input_error(error, "--vary '%s': expected SECTION.KEY=VALUES", arg);
    key = g_strstrip(g_strndup(arg, (gsize)(eq - arg)));
    a = find_axis(sw, key);
    if (!a) {
        a = g_new0(struct axis, 1);
        a->key = g_strdup(key);
        g_ptr_array_add(sw->axes, a);
    }
    /* --vary wins over [sweep]: messages now point at the option. */
    g_free(a->origin);
    a->origin = g_strdup("--vary");
    return axis_set_values(a, eq + 1, error);
}

/* The keys a sweep reads from its base scenario alone (its name, seeds
 * and replications): swept, every point would silently run the same. Each
 * with the option that sets it for the whole sweep. */
static const struct {
    const char *key;
    const char *option;
} unsweepable[] = {
    { "scenario.name", "--set scenario.name=NAME" },
    { "scenario.seed", "--seed N" },
    { "scenario.reps", "--reps N" },
};

/* Every value of every axis through scenario_set(), before anything runs. */
static bool validate(struct sweep *sw, GError **error)
{
    for (guint i = 0; i < sw->axes->len; i++) {
        struct axis *a = g_ptr_array_index(sw->axes, i);

        for (size_t k = 0; k < G_N_ELEMENTS(unsweepable); k++)
            if (strcmp(a->key, unsweepable[k].key) == 0)
                return input_error(error,
                                   "%s: key '%s': cannot be swept: one value holds for every "
                                   "point (set it in [scenario] or with %s)",
                                   a->origin, a->key, unsweepable[k].option);

        struct scenario *copy = scenario_dup(sw->base);
        g_autoptr(GHashTable) seen = g_hash_table_new(g_str_hash, g_str_equal);

        for (guint v = 0; v < a->values->len; v++) {
            const char *value = g_ptr_array_index(a->values, v);
            GError *e = NULL;

            /* Two equal values make two points with one label: the second
             * would silently count as done when the first is. */
            if (!g_hash_table_add(seen, (gpointer)value)) {
                input_error(error, "%s: key '%s': value '%s' is listed twice", a->origin, a->key,
                            value);
                scenario_free(copy);
                return false;
            }

            if (!scenario_set(copy, a->key, value, &e)) {
                /* scenario_set() says "--set: key 'K': why"; keep the why. */
                g_autofree char *prefix = g_strdup_printf("--set: key '%s': ", a->key);
                const char *why =
                    g_str_has_prefix(e->message, prefix) ? e->message + strlen(prefix) : e->message;

                input_error(error, "%s: key '%s': %s", a->origin, a->key, why);
                g_error_free(e);
                scenario_free(copy);
                return false;
            }
        }
        scenario_free(copy);
    }
    return true;
}

/* One lockstep group "k1, k2, ..." from @origin: its keys become one dim. */
static bool add_lockstep(struct sweep *sw, const char *text, const char *origin,
                         GHashTable *grouped, GError **error)
{
    g_autoptr(GPtrArray) keys = split_top(text, NULL);
    struct dim *d;

    if (!keys || keys->len < 2)
        return input_error(error, "%s: lockstep '%s': name two or more swept keys", origin, text);
    d = g_new0(struct dim, 1);
    d->axes = g_ptr_array_new();
    for (guint i = 0; i < keys->len; i++) {
        const char *key = g_ptr_array_index(keys, i);
        struct axis *a = find_axis(sw, key);

        if (!a) {
            dim_free(d);
            return input_error(error, "%s: lockstep key '%s' is not swept", origin, key);
        }
        if (g_hash_table_contains(grouped, a)) {
            dim_free(d);
            return input_error(error, "%s: key '%s' is in two lockstep groups", origin, key);
        }
        if (i > 0 && a->values->len != d->n_values) {
            struct axis *first = g_ptr_array_index(d->axes, 0);

            input_error(error,
                        "%s: lockstep keys '%s' (%u value%s) and '%s' (%u value%s) need "
                        "lists of the same length",
                        origin, first->key, first->values->len, first->values->len == 1 ? "" : "s",
                        a->key, a->values->len, a->values->len == 1 ? "" : "s");
            dim_free(d);
            return false;
        }
        d->n_values = a->values->len;
        g_ptr_array_add(d->axes, a);
        g_hash_table_add(grouped, a);
    }
    g_ptr_array_add(sw->dims, d);
    return true;
}

static guint axis_pos(const struct sweep *sw, const struct axis *a)
{
    guint i;

    g_assert(g_ptr_array_find(sw->axes, a, &i));
    return i;
}

static gint dim_cmp(gconstpointer pa, gconstpointer pb, gpointer data)
{
    const struct dim *a = *(const struct dim *const *)pa;
    const struct dim *b = *(const struct dim *const *)pb;
    guint ia = axis_pos(data, g_ptr_array_index(a->axes, 0));
    guint ib = axis_pos(data, g_ptr_array_index(b->axes, 0));

    return ia < ib ? -1 : ia > ib;
}

static bool build_dims(struct sweep *sw, GPtrArray *raw, const char *const *lockstep,
                       GError **error)
{
    g_autoptr(GHashTable) grouped = g_hash_table_new(NULL, NULL);
    const char *path = scenario_path(sw->base);

    for (guint i = 0; raw && i < raw->len; i++) {
        const struct scenario_raw *r = g_ptr_array_index(raw, i);
        g_autofree char *origin = g_strdup_printf("%s:%d", path, r->line);

        if (is_lockstep_key(r->key) && !add_lockstep(sw, r->value, origin, grouped, error))
            return false;
    }
    for (size_t i = 0; lockstep && lockstep[i]; i++)
        if (!add_lockstep(sw, lockstep[i], "--lockstep", grouped, error))
            return false;
    for (guint i = 0; i < sw->axes->len; i++) {
        struct axis *a = g_ptr_array_index(sw->axes, i);
        struct dim *d;

        if (g_hash_table_contains(grouped, a))
            continue;
        d = g_new0(struct dim, 1);
        d->axes = g_ptr_array_new();
        g_ptr_array_add(d->axes, a);
        d->n_values = a->values->len;
        g_ptr_array_add(sw->dims, d);
    }
    /* A lockstep group sits where its first key is. */
    g_ptr_array_sort_with_data(sw->dims, dim_cmp, sw);
    sw->n_grid = 1;
    for (guint i = 0; i < sw->dims->len; i++) {
        const struct dim *d = g_ptr_array_index(sw->dims, i);

        sw->n_grid *= d->n_values;
        if (sw->n_grid > SWEEP_MAX_POINTS)
            return input_error(error, "%s: the sweep has more than %d points", path,
                               SWEEP_MAX_POINTS);
    }
    sw->n_points = sw->n_grid;
    return true;
}

/* The value index of each axis (by pos) at grid point @g: row-major, the
 * last dim fastest. */
static void grid_values(const struct sweep *sw, size_t g, size_t *value)
{
    g_assert(g < sw->n_grid);
    for (guint i = sw->dims->len; i-- > 0;) {
        const struct dim *d = g_ptr_array_index(sw->dims, i);
        size_t v = g % d->n_values;

        g /= d->n_values;
        for (guint k = 0; k < d->axes->len; k++)
            value[((struct axis *)g_ptr_array_index(d->axes, k))->pos] = v;
    }
}

static void terms_free(GArray *terms)
{
    for (guint i = 0; i < terms->len; i++)
        g_free(g_array_index(terms, struct term, i).value_in);
    g_array_unref(terms);
}

/* "v1|v2|..." of @a into @t->value_in: every value one of @a's. */
static bool parse_alternatives(const struct axis *a, const char *text, const char *origin,
                               struct term *t, GError **error)
{
    g_auto(GStrv) alts = g_strsplit(text, "|", -1);

    t->axis = a;
    t->value_in = g_new0(bool, a->values->len);
    for (size_t i = 0; alts[i]; i++) {
        const char *alt = g_strstrip(alts[i]);
        guint v;

        if (!*alt)
            return input_error(error, "%s: exclude key '%s': empty value in '%s'", origin, a->key,
                               text);
        for (v = 0; v < a->values->len; v++)
            if (strcmp(g_ptr_array_index(a->values, v), alt) == 0)
                break;
        if (v == a->values->len) {
            g_autofree char *list = NULL;
            GString *s = g_string_new(NULL);

            /* Enough of the list to see the spelling it wants. */
            for (guint k = 0; k < MIN(a->values->len, 8u); k++)
                g_string_append_printf(s, "%s%s", k ? ", " : "",
                                       (char *)g_ptr_array_index(a->values, k));
            if (a->values->len > 8)
                g_string_append(s, ", ...");
            list = g_string_free(s, FALSE);
            return input_error(error,
                               "%s: exclude key '%s': value '%s' is not one of its swept "
                               "values (%s)",
                               origin, a->key, alt, list);
        }
        if (t->value_in[v])
            return input_error(error, "%s: exclude key '%s': value '%s' is listed twice", origin,
                               a->key, alt);
        t->value_in[v] = true;
    }
    return true;
}

/* Rule "k1=v1|v2, k2=v3" into its terms (struct term), or NULL. */
static GArray *parse_rule(struct sweep *sw, const char *text, const char *origin, GError **error)
{
    g_autoptr(GPtrArray) pieces = split_top(text, NULL);
    GArray *terms = g_array_new(FALSE, TRUE, sizeof(struct term));

    if (!pieces || (pieces->len == 1 && !*(char *)g_ptr_array_index(pieces, 0))) {
        input_error(error, "%s: exclude '%s': expected KEY=VALUE[|VALUE...][, KEY=...]", origin,
                    text);
        goto fail;
    }
    for (guint i = 0; i < pieces->len; i++) {
        const char *piece = g_ptr_array_index(pieces, i);
        const char *eq = strchr(piece, '=');
        g_autofree char *key = eq ? g_strstrip(g_strndup(piece, (gsize)(eq - piece))) : NULL;
        const struct axis *a = key ? find_axis(sw, key) : NULL;
        struct term t = { 0 };

        if (!key || !*key) {
            input_error(error, "%s: exclude '%s': expected KEY=VALUE[|VALUE...] in '%s'", origin,
                        text, piece);
            goto fail;
        }
        if (!a) {
            input_error(error, "%s: exclude key '%s' is not swept", origin, key);
            goto fail;
        }
        for (guint k = 0; k < terms->len; k++) {
            if (g_array_index(terms, struct term, k).axis == a) {
                input_error(error, "%s: exclude key '%s' is named twice in one rule", origin, key);
                goto fail;
            }
        }
        bool ok = parse_alternatives(a, eq + 1, origin, &t, error);

        g_array_append_val(terms, t);
        if (!ok)
            goto fail;
    }
    return terms;
fail:
    terms_free(terms);
    return NULL;
}

/* Does grid point @value (per axis) match every term? */
static bool rule_matches(const GArray *terms, const size_t *value)
{
    for (guint i = 0; i < terms->len; i++) {
        const struct term *t = &g_array_index(terms, struct term, i);

        if (!t->value_in[value[t->axis->pos]])
            return false;
    }
    return true;
}

/* Mark the grid points rule @text matches in @out. A rule matching no
 * point (lockstep keys that never take those values together) or leaving
 * none is a mistake, not a choice. */
static bool apply_rule(struct sweep *sw, const char *text, const char *origin, bool *out,
                       size_t *left, GError **error)
{
    GArray *terms = parse_rule(sw, text, origin, error);
    g_autofree size_t *value = g_new(size_t, MAX(sw->axes->len, 1));
    size_t matched = 0;

    if (!terms)
        return false;
    for (size_t g = 0; g < sw->n_grid; g++) {
        grid_values(sw, g, value);
        if (!rule_matches(terms, value))
            continue;
        matched++;
        if (!out[g]) {
            out[g] = true;
            (*left)--;
        }
    }
    terms_free(terms);
    if (matched == 0)
        return input_error(error, "%s: exclude '%s' matches no point of the sweep", origin, text);
    if (*left == 0)
        return input_error(error, "%s: exclude '%s' leaves no point of the sweep to run", origin,
                           text);
    return true;
}

/* The [sweep] group's exclude entries, then --exclude: the points left. */
static bool build_exclusions(struct sweep *sw, GPtrArray *raw, const char *const *exclude,
                             GError **error)
{
    const char *path = scenario_path(sw->base);
    g_autofree bool *out = g_new0(bool, sw->n_grid);
    size_t left = sw->n_grid;
    bool any = false;

    for (guint i = 0; raw && i < raw->len; i++) {
        const struct scenario_raw *r = g_ptr_array_index(raw, i);
        g_autofree char *origin = g_strdup_printf("%s:%d", path, r->line);

        if (!is_exclude_key(r->key))
            continue;
        any = true;
        if (!apply_rule(sw, r->value, origin, out, &left, error))
            return false;
    }
    for (size_t i = 0; exclude && exclude[i]; i++) {
        any = true;
        if (!apply_rule(sw, exclude[i], "--exclude", out, &left, error))
            return false;
    }
    if (!any)
        return true;
    sw->kept = g_array_sized_new(FALSE, FALSE, sizeof(size_t), (guint)left);
    for (size_t g = 0; g < sw->n_grid; g++)
        if (!out[g])
            g_array_append_val(sw->kept, g);
    sw->n_points = left;
    return true;
}

struct sweep *sweep_new(const struct scenario *sc, const char *const *vary,
                        const char *const *lockstep, const char *const *exclude, GError **error)
{
    struct sweep *sw = g_new0(struct sweep, 1);
    GPtrArray *raw = scenario_raw_group(sc, "sweep"); /* borrowed */

    sw->base = sc;
    sw->axes = g_ptr_array_new_with_free_func(axis_free);
    sw->dims = g_ptr_array_new_with_free_func(dim_free);
    if (!add_file_entries(sw, raw, error))
        goto fail;
    for (size_t i = 0; vary && vary[i]; i++)
        if (!add_vary(sw, vary[i], error))
            goto fail;
    for (guint i = 0; i < sw->axes->len; i++)
        ((struct axis *)g_ptr_array_index(sw->axes, i))->pos = i;
    if (!validate(sw, error) || !build_dims(sw, raw, lockstep, error) ||
        !build_exclusions(sw, raw, exclude, error))
        goto fail;
    int64_t reps = scenario_int(sc, "scenario.reps");
    if ((double)sw->n_points * (double)reps > SWEEP_MAX_RUNS) {
        scenario_error(sc, "scenario.reps", error,
                       "%zu points x %" G_GINT64_FORMAT
                       " replications make %.3g runs, more than the %d a sweep takes",
                       sw->n_points, reps, (double)sw->n_points * (double)reps, SWEEP_MAX_RUNS);
        goto fail;
    }
    return sw;
fail:
    sweep_free(sw);
    return NULL;
}

void sweep_free(struct sweep *sw)
{
    if (!sw)
        return;
    g_ptr_array_unref(sw->dims);
    g_ptr_array_unref(sw->axes);
    if (sw->kept)
        g_array_unref(sw->kept);
    g_free(sw);
}

size_t sweep_n_points(const struct sweep *sw)
{
    return sw->n_points;
}

size_t sweep_n_keys(const struct sweep *sw)
{
    return sw->axes->len;
}

const char *sweep_key(const struct sweep *sw, size_t i)
{
    g_assert(i < sw->axes->len);
    return ((struct axis *)g_ptr_array_index(sw->axes, i))->key;
}

size_t sweep_n_excluded(const struct sweep *sw)
{
    return sw->n_grid - sw->n_points;
}

/* The value index of each axis (by pos) at point @point. */
static size_t *point_values(const struct sweep *sw, size_t point)
{
    size_t *value = g_new(size_t, MAX(sw->axes->len, 1));

    g_assert(point < sw->n_points);
    grid_values(sw, sw->kept ? g_array_index(sw->kept, size_t, point) : point, value);
    return value;
}

char *sweep_label(const struct sweep *sw, size_t point)
{
    g_autofree size_t *value = NULL;
    GString *s;

    if (sw->axes->len == 0) {
        g_assert(point == 0);
        return g_strdup(SWEEP_BASE_LABEL);
    }
    value = point_values(sw, point);
    s = g_string_new(NULL);
    for (guint i = 0; i < sw->axes->len; i++) {
        struct axis *a = g_ptr_array_index(sw->axes, i);

        g_string_append_printf(s, "%s%s=%s", i ? "," : "", a->key,
                               (char *)g_ptr_array_index(a->values, value[i]));
    }
    return g_string_free(s, FALSE);
}

struct scenario *sweep_scenario(const struct sweep *sw, size_t point, GError **error)
{
    g_autofree size_t *value = NULL;
    struct scenario *sc = scenario_dup(sw->base);

    if (sw->axes->len == 0)
        return sc;
    value = point_values(sw, point);
    for (guint i = 0; i < sw->axes->len; i++) {
        struct axis *a = g_ptr_array_index(sw->axes, i);

        if (!scenario_set(sc, a->key, g_ptr_array_index(a->values, value[i]), error)) {
            scenario_free(sc);
            return NULL;
        }
    }
    /* Values valid one by one can still clash (warm-up past a swept
     * duration, more VMs than VFs): check the point as a whole. */
    if (!scenario_validate(sc, error)) {
        scenario_free(sc);
        return NULL;
    }
    return sc;
}

GPtrArray *sweep_label_parse(const char *label)
{
    GPtrArray *out = g_ptr_array_new_with_free_func(kv_free);
    g_autoptr(GPtrArray) pieces = NULL;

    if (strcmp(label, SWEEP_BASE_LABEL) == 0)
        return out;
    pieces = split_top(label, NULL);
    for (guint i = 0; pieces && i < pieces->len; i++) {
        const char *piece = g_ptr_array_index(pieces, i);
        const char *eq = strchr(piece, '=');
        struct scenario_kv *kv = g_new0(struct scenario_kv, 1);

        kv->key = eq ? g_strndup(piece, (gsize)(eq - piece)) : g_strdup(piece);
        kv->value = g_strdup(eq ? eq + 1 : "");
        g_ptr_array_add(out, kv);
    }
    return out;
}

/* Compare runs of digits (with a decimal part) as numbers, the rest as bytes. */
int sweep_label_cmp(const char *a, const char *b)
{
    while (*a && *b) {
        if (g_ascii_isdigit(*a) && g_ascii_isdigit(*b)) {
            char *ea, *eb;
            double va = g_ascii_strtod(a, &ea);
            double vb = g_ascii_strtod(b, &eb);

            if (va != vb)
                return va < vb ? -1 : 1;
            a = ea;
            b = eb;
            continue;
        }
        if (*a != *b)
            return (unsigned char)*a < (unsigned char)*b ? -1 : 1;
        a++;
        b++;
    }
    return (unsigned char)*a - (unsigned char)*b;
}
