/* A loaded scenario: one entry per effective parameter of the core and of
 * the chosen model (defaults included), typed accessors, --set style
 * updates, deep copies and the registry. Reading files and diagnosing bad
 * keys is scenario_load.c; cross-parameter checks beyond warm-up < duration
 * belong to the models (their check hook). */
#include "scenario.h"

#include <stdarg.h>
#include <string.h>

#include <glib.h>

#include "model.h"
#include "scenario_internal.h"

G_DEFINE_QUARK(iovsim - error - quark, iovsim_error)

const struct param_def scenario_core_params[] = {
    { .key = "scenario.name",
      .type = PARAM_STRING,
      .def = "",
      .help = "name of the scenario in results, at most 128 characters (default: the file "
              "name without .ini)",
      .source = "choice" },
    { .key = "scenario.model",
      .type = PARAM_STRING,
      .def = "queue",
      .help = "model to simulate (see iovsim list)",
      .source = "choice: the validation model" },
    { .key = "scenario.description",
      .type = PARAM_STRING,
      .def = "",
      .help = "one line saying what the scenario is for",
      .source = "choice" },
    { .key = "scenario.duration",
      .type = PARAM_REAL,
      .dim = DIM_TIME,
      .def = "10000s",
      .min = 1e-12,
      .max = 1e6,
      .help = "simulated time of one run, warm-up included",
      .source = "choice: about 8000 jobs through the default M/M/1 queue" },
    { .key = "scenario.warmup",
      .type = PARAM_REAL,
      .dim = DIM_TIME,
      .def = "0s",
      .min = 0,
      .max = 1e6,
      .help = "initial time whose statistics are dropped; less than the duration",
      .source = "choice: the default queue starts empty and needs none for its mean" },
    /* 2^53: every seed up to it is exact in the double a range check uses. */
    { .key = "scenario.seed",
      .type = PARAM_INT,
      .def = "1",
      .min = 0,
      .max = 9007199254740992.0,
      .help = "base random seed; replication seeds derive from it",
      .source = "choice" },
    { .key = "scenario.table",
      .type = PARAM_STRING,
      .def = "",
      .help = "metrics (scope all, comma-separated) in the summary table `iovsim sweep` prints; "
              "empty: throughput and latency first",
      .source = "choice" },
    { .key = "scenario.reps",
      .type = PARAM_INT,
      .def = "1",
      .min = 1,
      .max = 100000,
      .help = "independent replications per run (for confidence intervals)",
      .source = "choice" },
};

const size_t scenario_core_n_params = G_N_ELEMENTS(scenario_core_params);

static void entry_free(gpointer p)
{
    struct entry *e = p;

    g_free(e->key);
    g_free(e->text);
    param_value_release(&e->value);
    g_free(e);
}

void scenario_raw_free(gpointer p)
{
    struct scenario_raw *r = p;

    g_free(r->key);
    g_free(r->value);
    g_free(r);
}

static void ptr_array_unref(gpointer a)
{
    g_ptr_array_unref(a);
}

struct scenario *scenario_alloc(const char *path, const struct model_ops *const *models)
{
    struct scenario *sc = g_new0(struct scenario, 1);

    sc->path = g_strdup(path);
    sc->base_dir = g_path_get_dirname(path);
    sc->models = models;
    sc->entries = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, entry_free);
    sc->raw = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, ptr_array_unref);
    sc->instances = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, ptr_array_unref);
    sc->instance_keys = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    return sc;
}

void scenario_free(struct scenario *sc)
{
    if (!sc)
        return;
    g_free(sc->path);
    g_free(sc->base_dir);
    g_free(sc->text);
    g_free(sc->hash);
    g_hash_table_unref(sc->entries);
    g_hash_table_unref(sc->raw);
    g_hash_table_unref(sc->instances);
    g_hash_table_unref(sc->instance_keys);
    g_free(sc);
}

/* "FILE:LINE", "--set" or "FILE", for the front of a message. */
static char *origin(const struct scenario *sc, int line)
{
    if (line > 0)
        return g_strdup_printf("%s:%d", sc->path, line);
    return g_strdup(line == LINE_SET ? "--set" : sc->path);
}

void scenario_key_error(const struct scenario *sc, int line, const char *key, GError **error,
                        const char *fmt, ...)
{
    g_autofree char *where = origin(sc, line);
    g_autofree char *msg = NULL;
    va_list ap;

    va_start(ap, fmt);
    msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    /* One line, even when it quotes a value with an escaped newline in it. */
    g_strdelimit(msg, "\r\n", ' ');
    g_set_error(error, IOVSIM_ERROR, IOVSIM_ERROR_INPUT, "%s: key '%s': %s", where, key, msg);
}

/* Every def of the core, then of the shared tables, then of @model: the
 * *@i-th (start at 0), or NULL. */
const struct param_def *scenario_next_def(const struct model_ops *model, size_t *i)
{
    size_t k = (*i)++;

    if (k < scenario_core_n_params)
        return &scenario_core_params[k];
    k -= scenario_core_n_params;
    for (const struct param_table *t = shared_param_tables; t->params; t++) {
        if (k < *t->n)
            return &t->params[k];
        k -= *t->n;
    }
    for (const struct param_table *const *t = model ? model->tables : NULL; t && *t; t++) {
        if (k < *(*t)->n)
            return &(*t)->params[k];
        k -= *(*t)->n;
    }
    return NULL;
}

size_t scenario_section_len(const char *key)
{
    const char *dot = strchr(key, '.');

    return dot ? (size_t)(dot - key) : strlen(key);
}

bool scenario_def_is_instanced(const struct param_def *def)
{
    size_t n = scenario_section_len(def->key);

    return strncmp(def->key + n, ".*.", 3) == 0;
}

/* The def for a full key; instanced keys "sec.NAME.rest" match "sec.*.rest". */
static const struct param_def *find_def(const struct model_ops *model, const char *key)
{
    const struct param_def *def;
    size_t i = 0, n = scenario_section_len(key);
    const char *inst = key[n] ? key + n + 1 : "";
    const char *rest = strchr(inst, '.');

    while ((def = scenario_next_def(model, &i))) {
        if (strcmp(def->key, key) == 0 && !scenario_def_is_instanced(def))
            return def;
        if (rest && scenario_def_is_instanced(def) && rest > inst &&
            strncmp(def->key, key, n + 1) == 0 && strcmp(def->key + n + 2, rest) == 0)
            return def;
    }
    return NULL;
}

static void set_entry_value(struct entry *e, const char *text, int line, struct param_value *v)
{
    g_free(e->text);
    e->text = g_strdup(text);
    e->line = line;
    param_value_release(&e->value);
    e->value = *v;
}

/* An entry holding @def's default (none for a required key). */
static void add_default(struct scenario *sc, const struct param_def *def, char *key)
{
    struct entry *e = g_new0(struct entry, 1);
    g_autoptr(GError) err = NULL;

    e->def = def;
    e->key = key;
    if (def->def) {
        if (!param_parse(def, def->def, sc->base_dir, &e->value, &err))
            g_error("scenario: default '%s' of '%s' is invalid: %s", def->def, def->key,
                    err->message);
        e->text = g_strdup(def->def);
    }
    g_hash_table_replace(sc->entries, e->key, e);
}

void scenario_add_instance(struct scenario *sc, const char *section, const char *name)
{
    GPtrArray *names = g_hash_table_lookup(sc->instances, section);
    const struct param_def *def;
    size_t i = 0, n = strlen(section);

    /* A set, not a scan of @names: files with thousands of groups load in
     * linear time. */
    if (!g_hash_table_add(sc->instance_keys, g_strdup_printf("%s.%s", section, name)))
        return;
    if (!names) {
        names = g_ptr_array_new_with_free_func(g_free);
        g_hash_table_insert(sc->instances, g_strdup(section), names);
    }
    g_ptr_array_add(names, g_strdup(name));
    while ((def = scenario_next_def(sc->model, &i)))
        if (scenario_def_is_instanced(def) && strncmp(def->key, section, n) == 0 &&
            def->key[n] == '.')
            add_default(sc, def, g_strdup_printf("%s.%s.%s", section, name, def->key + n + 3));
}

/* Parse and store @text for @key, with every check; @line says where from. */
bool scenario_set_key(struct scenario *sc, const char *key, const char *text, int line,
                      GError **error)
{
    const struct param_def *def = find_def(sc->model, key);
    g_autoptr(GError) err = NULL;
    g_autofree char *t = g_strstrip(g_strdup(text));
    struct param_value v;
    struct entry *e;

    if (!def) {
        scenario_unknown_key(sc, key, line, error);
        return false;
    }
    if (!param_parse(def, t, sc->base_dir, &v, &err)) {
        scenario_key_error(sc, line, key, error, "%s", err->message);
        return false;
    }
    if (scenario_def_is_instanced(def)) {
        g_autofree char *section = g_strndup(key, scenario_section_len(key));
        const char *inst = key + strlen(section) + 1;
        g_autofree char *name = g_strndup(inst, scenario_section_len(inst));
        scenario_add_instance(sc, section, name);
    }
    e = g_hash_table_lookup(sc->entries, key);
    g_assert(e && e->def == def);
    set_entry_value(e, t, line, &v);
    return true;
}

struct entry *scenario_get_entry(const struct scenario *sc, const char *key)
{
    struct entry *e = g_hash_table_lookup(sc->entries, key);

    if (!e)
        g_error("scenario: key '%s' is not registered for model '%s'", key, sc->model->name);
    return e;
}

static struct entry *get_typed(const struct scenario *sc, const char *key, enum param_type type,
                               const char *want)
{
    struct entry *e = scenario_get_entry(sc, key);

    if (e->def->type != type)
        g_error("scenario: key '%s' has type %s, not %s", key, param_type_name(e->def), want);
    return e;
}

void scenario_add_defaults(struct scenario *sc)
{
    const struct param_def *def;
    size_t i = 0;

    while ((def = scenario_next_def(sc->model, &i)))
        if (!scenario_def_is_instanced(def))
            add_default(sc, def, g_strdup(def->key));
}

static gint cmp_entry_key(gconstpointer a, gconstpointer b)
{
    const struct entry *x = *(const struct entry *const *)a, *y = *(const struct entry *const *)b;

    return strcmp(x->key, y->key);
}

/* Entries sorted by key: hash order would make messages depend on it. */
static GPtrArray *sorted_entries(const struct scenario *sc)
{
    GPtrArray *all = g_ptr_array_sized_new(g_hash_table_size(sc->entries));
    GHashTableIter it;
    gpointer v;

    g_hash_table_iter_init(&it, sc->entries);
    while (g_hash_table_iter_next(&it, NULL, &v))
        g_ptr_array_add(all, v);
    g_ptr_array_sort(all, cmp_entry_key);
    return all;
}

bool scenario_name_is_safe(const char *name)
{
    if (name[0] == '.')
        return false;
    for (const char *p = name; *p; p++)
        if (!g_ascii_isalnum(*p) && *p != '.' && *p != '_' && *p != '-')
            return false;
    return true;
}

bool scenario_validate(const struct scenario *sc, GError **error)
{
    g_autoptr(GPtrArray) all = sorted_entries(sc);
    const struct entry *name = scenario_get_entry(sc, "scenario.name");
    const struct entry *w = scenario_get_entry(sc, "scenario.warmup");
    const struct entry *d = scenario_get_entry(sc, "scenario.duration");

    for (guint i = 0; i < all->len; i++) {
        const struct entry *e = all->pdata[i];
        if (!e->text) {
            scenario_key_error(sc, LINE_DEFAULT, e->key, error, "required but not set");
            return false;
        }
    }
    if (*name->value.str == '\0') {
        scenario_key_error(sc, name->line, name->key, error, "must not be empty");
        return false;
    }
    /* The name becomes a file name (results/NAME.db): no paths, no dot files. */
    if (!scenario_name_is_safe(name->value.str)) {
        scenario_key_error(sc, name->line, name->key, error,
                           "'%s' may only contain letters, digits, '.', '_' and '-', and must "
                           "not start with '.'",
                           name->value.str);
        return false;
    }
    if (strlen(name->value.str) > SCENARIO_NAME_MAX) {
        scenario_key_error(sc, name->line, name->key, error,
                           "%zu characters long, at most %d (it names the file results/NAME.db)",
                           strlen(name->value.str), SCENARIO_NAME_MAX);
        return false;
    }
    if (w->value.ps >= d->value.ps) {
        scenario_key_error(sc, w->line, w->key, error,
                           "%s must be less than scenario.duration (%s)", w->text, d->text);
        return false;
    }
    return !sc->model->check || sc->model->check(sc, error);
}

/* ---- public accessors ---- */

bool scenario_set(struct scenario *sc, const char *key, const char *value, GError **error)
{
    if (strcmp(key, "scenario.model") == 0) {
        g_autofree char *t = g_strstrip(g_strdup(value));
        if (strcmp(t, sc->model->name) != 0) {
            scenario_key_error(sc, LINE_SET, key, error, "cannot be changed after loading");
            return false;
        }
    }
    return scenario_set_key(sc, key, value, LINE_SET, error);
}

double scenario_real(const struct scenario *sc, const char *key)
{
    return get_typed(sc, key, PARAM_REAL, "real")->value.real;
}

sim_time scenario_time(const struct scenario *sc, const char *key)
{
    const struct entry *e = get_typed(sc, key, PARAM_REAL, "time");

    if (e->def->dim != DIM_TIME)
        g_error("scenario: key '%s' has type %s, not time", key, param_type_name(e->def));
    return e->value.ps;
}

int64_t scenario_int(const struct scenario *sc, const char *key)
{
    return get_typed(sc, key, PARAM_INT, "int")->value.i;
}

bool scenario_bool(const struct scenario *sc, const char *key)
{
    return get_typed(sc, key, PARAM_BOOL, "bool")->value.b;
}

const char *scenario_str(const struct scenario *sc, const char *key)
{
    const struct entry *e = scenario_get_entry(sc, key);

    if (e->def->type != PARAM_STRING && e->def->type != PARAM_ENUM)
        g_error("scenario: key '%s' has type %s, not string", key, param_type_name(e->def));
    return e->value.str;
}

const struct dist *scenario_dist(const struct scenario *sc, const char *key)
{
    return &get_typed(sc, key, PARAM_DIST, "dist")->value.dist;
}

bool scenario_is_set(const struct scenario *sc, const char *key)
{
    return scenario_get_entry(sc, key)->line != LINE_DEFAULT;
}

const char *scenario_path(const struct scenario *sc)
{
    return sc->path;
}

const char *scenario_name(const struct scenario *sc)
{
    return scenario_str(sc, "scenario.name");
}

const char *scenario_model(const struct scenario *sc)
{
    return sc->model->name;
}

const char *scenario_hash(const struct scenario *sc)
{
    return sc->hash;
}

const char *scenario_text(const struct scenario *sc)
{
    return sc->text;
}

void scenario_error(const struct scenario *sc, const char *key, GError **error, const char *fmt,
                    ...)
{
    const struct entry *e = g_hash_table_lookup(sc->entries, key);
    g_autofree char *msg = NULL;
    va_list ap;

    va_start(ap, fmt);
    msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    scenario_key_error(sc, e ? e->line : LINE_DEFAULT, key, error, "%s", msg);
}

static void kv_free(gpointer p)
{
    struct scenario_kv *kv = p;

    g_free(kv->key);
    g_free(kv->value);
    g_free(kv);
}

GPtrArray *scenario_effective(const struct scenario *sc)
{
    g_autoptr(GPtrArray) all = sorted_entries(sc);
    GPtrArray *out = g_ptr_array_new_full(all->len, kv_free);

    for (guint i = 0; i < all->len; i++) {
        const struct entry *e = all->pdata[i];
        struct scenario_kv *kv = g_new(struct scenario_kv, 1);

        kv->key = g_strdup(e->key);
        kv->value = g_strdup(e->text);
        g_ptr_array_add(out, kv);
    }
    return out;
}

GPtrArray *scenario_instances(const struct scenario *sc, const char *section)
{
    g_autofree char *s = g_strdup(section);
    GPtrArray *names, *out = g_ptr_array_new();

    if (g_str_has_suffix(s, ".*"))
        s[strlen(s) - 2] = '\0';
    names = g_hash_table_lookup(sc->instances, s);
    for (guint i = 0; names && i < names->len; i++)
        g_ptr_array_add(out, names->pdata[i]);
    return out;
}

GPtrArray *scenario_raw_group(const struct scenario *sc, const char *group)
{
    return g_hash_table_lookup(sc->raw, group);
}

static gpointer copy_str(gconstpointer s, gpointer unused)
{
    (void)unused;
    return g_strdup(s);
}

static GPtrArray *copy_raw(GPtrArray *src)
{
    GPtrArray *dst = g_ptr_array_new_full(src->len, scenario_raw_free);

    for (guint i = 0; i < src->len; i++) {
        const struct scenario_raw *r = src->pdata[i];
        struct scenario_raw *c = g_new(struct scenario_raw, 1);

        c->key = g_strdup(r->key);
        c->value = g_strdup(r->value);
        c->line = r->line;
        g_ptr_array_add(dst, c);
    }
    return dst;
}

struct scenario *scenario_dup(const struct scenario *sc)
{
    struct scenario *d = scenario_alloc(sc->path, sc->models);
    GHashTableIter it;
    gpointer k, v;

    d->text = g_strdup(sc->text);
    d->hash = g_strdup(sc->hash);
    d->model = sc->model;
    g_hash_table_iter_init(&it, sc->entries);
    while (g_hash_table_iter_next(&it, &k, &v)) {
        const struct entry *e = v;
        struct entry *c = g_new(struct entry, 1);

        *c = *e;
        c->key = g_strdup(e->key);
        c->text = g_strdup(e->text);
        param_value_copy(&c->value, &e->value);
        g_hash_table_insert(d->entries, c->key, c);
    }
    g_hash_table_iter_init(&it, sc->raw);
    while (g_hash_table_iter_next(&it, &k, &v))
        g_hash_table_insert(d->raw, g_strdup(k), copy_raw(v));
    g_hash_table_iter_init(&it, sc->instances);
    while (g_hash_table_iter_next(&it, &k, &v))
        g_hash_table_insert(d->instances, g_strdup(k), g_ptr_array_copy(v, copy_str, NULL));
    g_hash_table_iter_init(&it, sc->instance_keys);
    while (g_hash_table_iter_next(&it, &k, NULL))
        g_hash_table_add(d->instance_keys, g_strdup(k));
    return d;
}

/* Component tables (host, hv, ...) appear in several models: list each once. */
static bool table_seen(GPtrArray *seen, const struct param_table *t)
{
    for (guint i = 0; i < seen->len; i++)
        if (((const struct param_table *)g_ptr_array_index(seen, i))->params == t->params)
            return true;
    g_ptr_array_add(seen, (gpointer)t);
    return false;
}

size_t scenario_registry(const struct param_def *const **defs_out)
{
    static const struct param_def **defs;
    static size_t n;

    if (g_once_init_enter(&defs)) {
        GPtrArray *tables = g_ptr_array_new();
        GPtrArray *all = g_ptr_array_new();

        for (size_t i = 0; i < scenario_core_n_params; i++)
            g_ptr_array_add(all, (gpointer)&scenario_core_params[i]);
        for (const struct param_table *t = shared_param_tables; t->params; t++)
            table_seen(tables, t);
        for (size_t m = 0; model_registry[m]; m++)
            for (const struct param_table *const *t = model_registry[m]->tables; *t; t++)
                table_seen(tables, *t);
        for (guint j = 0; j < tables->len; j++) {
            const struct param_table *t = g_ptr_array_index(tables, j);

            for (size_t i = 0; i < *t->n; i++)
                g_ptr_array_add(all, (gpointer)&t->params[i]);
        }
        g_ptr_array_free(tables, TRUE);
        n = all->len;
        g_once_init_leave(&defs, (const struct param_def **)g_ptr_array_free(all, FALSE));
    }
    *defs_out = defs;
    return n;
}
