/* Scenario loading: the text is scanned for lines and duplicates
 * (scenario_scan.c), loaded into a GKeyFile for its values, and every key is
 * checked against the registry of the core and of the chosen model; --set
 * overrides go through the same checks. Messages point at FILE:LINE and
 * suggest the nearest valid key or section. */
#include <string.h>

#include <glib.h>

#include "model.h"
#include "scenario.h"
#include "scenario_internal.h"
#include "scenario_scan.h"
#include "suggest.h"

#define SCENARIO_MAX_BYTES (16u << 20)

/* Groups whose entries are kept raw for another module to check. */
static const char *const raw_groups[] = { "sweep" };

static bool model_has_section(const struct model_ops *ops, const char *section, size_t len)
{
    for (const struct param_table *const *t = ops ? ops->tables : NULL; t && *t; t++)
        for (size_t i = 0; i < *(*t)->n; i++)
            if (scenario_section_len((*t)->params[i].key) == len &&
                strncmp((*t)->params[i].key, section, len) == 0)
                return true;
    return false;
}

/* The model other than ours whose parameters live in @section, if any (a
 * section of a component ours is built from too is ours). */
static const struct model_ops *foreign_model(const struct scenario *sc, const char *section,
                                             size_t len)
{
    for (size_t m = 0; sc->models[m]; m++) {
        const struct model_ops *ops = sc->models[m];

        if (ops == sc->model)
            continue;
        if (model_has_section(ops, section, len) && !model_has_section(sc->model, section, len))
            return ops;
    }
    return NULL;
}

static bool is_raw_group(const char *name, size_t len)
{
    for (size_t i = 0; i < G_N_ELEMENTS(raw_groups); i++)
        if (strlen(raw_groups[i]) == len && strncmp(raw_groups[i], name, len) == 0)
            return true;
    return false;
}

/* Valid full keys to suggest for @key, instanced ones spelled with the
 * instance name used in @key. */
static GPtrArray *key_candidates(const struct scenario *sc, const char *key)
{
    GPtrArray *c = g_ptr_array_new_with_free_func(g_free);
    const struct param_def *def;
    size_t i = 0, n = scenario_section_len(key);
    const char *inst = key[n] ? key + n + 1 : "";
    size_t inst_len = scenario_section_len(inst);

    while ((def = scenario_next_def(sc->model, &i))) {
        size_t dn = scenario_section_len(def->key);

        if (!scenario_def_is_instanced(def))
            g_ptr_array_add(c, g_strdup(def->key));
        else if (inst_len > 0 && inst[inst_len] == '.')
            g_ptr_array_add(c, g_strdup_printf("%.*s.%.*s.%s", (int)dn, def->key, (int)inst_len,
                                               inst, def->key + dn + 3));
    }
    return c;
}

/* Keys a mechanism replaced: a scenario written for the old one is told
 * what to set now, not only that the key is unknown. */
static const struct {
    const char *key, *why;
} retired_keys[] = {
    { "iommu.iova_lock_hold",
      "retired: the allocator's lock now costs iommu.iova_lock_lines x host.line_transfer "
      "after another core held it" },
    { "iommu.fq_lock_hold",
      "retired: the flush queue's lock now costs iommu.fq_lock_lines x host.line_transfer "
      "after another core held it" },
    { "host.sched_wakeup", "retired: a core's wake-up is its idle state's exit (host.idle, "
                           "host.idle_c1_exit)" },
};

/* "did you mean" for an unknown key: the same name in another section
 * first (a key in the wrong group), then the nearest spelling. */
static const char *suggest_key(GPtrArray *cands, const char *key)
{
    const char *name = strrchr(key, '.');
    const char *found = NULL;
    guint n_found = 0;

    for (guint i = 0; name && i < cands->len; i++) {
        const char *c = cands->pdata[i];
        if (g_ascii_strcasecmp(strrchr(c, '.'), name) == 0) {
            found = c;
            n_found++;
        }
    }
    if (n_found == 1 && g_ascii_strcasecmp(found, key) != 0)
        return found;
    /* Allow a third of the name's letters to change, not of the whole key. */
    return suggest_closest_within(key, (const char *const *)cands->pdata, cands->len,
                                  CLAMP(strlen(name ? name + 1 : key) / 3, 1, 4));
}

void scenario_unknown_key(const struct scenario *sc, const char *key, int line, GError **error)
{
    size_t n = scenario_section_len(key);
    const struct model_ops *other = foreign_model(sc, key, n);
    g_autoptr(GPtrArray) cands = NULL;
    const char *near;

    if (other) {
        scenario_key_error(sc, line, key, error, "belongs to model '%s' (scenario.model is '%s')",
                           other->name, sc->model->name);
        return;
    }
    if (line == LINE_SET && is_raw_group(key, n)) {
        scenario_key_error(sc, line, key, error, "[%.*s] entries cannot be set with --set", (int)n,
                           key);
        return;
    }
    for (size_t i = 0; i < G_N_ELEMENTS(retired_keys); i++)
        if (strcmp(key, retired_keys[i].key) == 0) {
            scenario_key_error(sc, line, key, error, "%s", retired_keys[i].why);
            return;
        }
    cands = key_candidates(sc, key);
    near = suggest_key(cands, key);
    if (near)
        scenario_key_error(sc, line, key, error, "unknown key (did you mean '%s'?)", near);
    else
        scenario_key_error(sc, line, key, error, "unknown key");
}

/* ---- groups and loading ---- */

enum group_class {
    GROUP_PARAMS,   /* [scenario], [queue]: registered keys */
    GROUP_INSTANCE, /* [plot NAME]: keys of "plot.*.KEY" */
    GROUP_RAW,      /* [sweep]: kept as written */
    GROUP_FOREIGN,  /* the section of a model other than ours */
};

static bool has_section(const struct model_ops *model, const char *name, size_t len, bool instanced)
{
    const struct param_def *def;
    size_t i = 0;

    while ((def = scenario_next_def(model, &i)))
        if (scenario_section_len(def->key) == len && strncmp(def->key, name, len) == 0 &&
            scenario_def_is_instanced(def) == instanced)
            return true;
    return false;
}

static void unknown_section(const struct scenario *sc, const char *group, int line, GError **error)
{
    g_autoptr(GPtrArray) cands = g_ptr_array_new_with_free_func(g_free);
    const char *sp = strchr(group, ' ');
    const struct param_def *def;
    const char *near;
    size_t i = 0;

    while ((def = scenario_next_def(sc->model, &i))) {
        int n = (int)scenario_section_len(def->key);

        if (!scenario_def_is_instanced(def))
            g_ptr_array_add(cands, g_strdup_printf("%.*s", n, def->key));
        else if (sp)
            g_ptr_array_add(cands, g_strdup_printf("%.*s %s", n, def->key, sp + 1));
    }
    for (i = 0; i < G_N_ELEMENTS(raw_groups); i++)
        g_ptr_array_add(cands, g_strdup(raw_groups[i]));
    near = suggest_closest(group, (const char *const *)cands->pdata, cands->len);
    if (near)
        g_set_error(error, IOVSIM_ERROR, IOVSIM_ERROR_INPUT,
                    "%s:%d: unknown section '[%s]' (did you mean '[%s]'?)", sc->path, line, group,
                    near);
    else
        g_set_error(error, IOVSIM_ERROR, IOVSIM_ERROR_INPUT, "%s:%d: unknown section '[%s]'",
                    sc->path, line, group);
}

static void named_section(const struct scenario *sc, const char *group, size_t n, int line,
                          GError **error)
{
    g_set_error(error, IOVSIM_ERROR, IOVSIM_ERROR_INPUT,
                "%s:%d: section '[%s]' takes no name (write '[%.*s]')", sc->path, line, group,
                (int)n, group);
}

static bool classify_group(struct scenario *sc, const char *group, int line, enum group_class *cls,
                           GError **error)
{
    const char *sp = strchr(group, ' ');
    size_t n = sp ? (size_t)(sp - group) : strlen(group);

    if (sp && strchr(sp, '.')) {
        /* plot.a.b.c would be ambiguous: instance "a" or "a.b"? */
        g_set_error(error, IOVSIM_ERROR, IOVSIM_ERROR_INPUT,
                    "%s:%d: malformed section header '[%s]' (no '.' in names)", sc->path, line,
                    group);
        return false;
    } else if (sp && has_section(sc->model, group, n, true)) {
        g_autofree char *section = g_strndup(group, n);
        scenario_add_instance(sc, section, sp + 1);
        *cls = GROUP_INSTANCE;
    } else if (sp && (has_section(sc->model, group, n, false) || is_raw_group(group, n))) {
        named_section(sc, group, n, line, error);
        return false;
    } else if (sp) {
        unknown_section(sc, group, line, error);
        return false;
    } else if (has_section(sc->model, group, n, false)) {
        *cls = GROUP_PARAMS;
    } else if (is_raw_group(group, n)) {
        if (!g_hash_table_contains(sc->raw, group))
            g_hash_table_insert(sc->raw, g_strdup(group),
                                g_ptr_array_new_with_free_func(scenario_raw_free));
        *cls = GROUP_RAW;
    } else if (foreign_model(sc, group, n)) {
        *cls = GROUP_FOREIGN;
    } else if (has_section(sc->model, group, n, true)) {
        g_set_error(error, IOVSIM_ERROR, IOVSIM_ERROR_INPUT,
                    "%s:%d: section '[%s]' needs a name, e.g. '[%s NAME]'", sc->path, line, group,
                    group);
        return false;
    } else {
        unknown_section(sc, group, line, error);
        return false;
    }
    return true;
}

static bool load_key(struct scenario *sc, enum group_class cls, const struct scan_item *it,
                     GKeyFile *kf, GError **error)
{
    g_autofree char *full = scan_full_key(it->group, it->key);
    g_autofree char *value = NULL;
    g_autoptr(GError) err = NULL;
    struct scenario_raw *raw;

    switch (cls) {
    case GROUP_RAW:
        raw = g_new0(struct scenario_raw, 1);
        raw->key = g_strdup(it->key);
        raw->value = g_strdup(it->value);
        raw->line = it->line;
        g_ptr_array_add(g_hash_table_lookup(sc->raw, it->group), raw);
        return true;
    case GROUP_FOREIGN:
        scenario_unknown_key(sc, full, it->line, error);
        return false;
    case GROUP_PARAMS:
    case GROUP_INSTANCE:
        /* On a bad escape GLib sets the error but still returns a string. */
        value = g_key_file_get_string(kf, it->group, it->key, &err);
        if (!value || err) {
            scenario_key_error(sc, it->line, full, error, "invalid escape sequence in '%s'",
                               it->value);
            return false;
        }
        return scenario_set_key(sc, full, value, it->line, error);
    }
    g_assert_not_reached();
}

static bool load_items(struct scenario *sc, GPtrArray *items, GKeyFile *kf, GError **error)
{
    enum group_class cls = GROUP_PARAMS;

    for (guint i = 0; i < items->len; i++) {
        const struct scan_item *it = items->pdata[i];

        if (it->kind == SCAN_GROUP) {
            if (!classify_group(sc, it->group, it->line, &cls, error))
                return false;
        } else if (!load_key(sc, cls, it, kf, error)) {
            return false;
        }
    }
    return true;
}

static bool check_structure(const struct scenario *sc, GPtrArray *items, GError **error)
{
    if (items->len == 0) {
        g_set_error(error, IOVSIM_ERROR, IOVSIM_ERROR_INPUT,
                    "%s: empty scenario (expected a [scenario] group)", sc->path);
        return false;
    }
    for (guint i = 0; i < items->len; i++) {
        const struct scan_item *it = items->pdata[i];
        if (it->kind == SCAN_GROUP && strcmp(it->group, "scenario") == 0)
            return true;
    }
    for (guint i = 0; i < items->len; i++) {
        const struct scan_item *it = items->pdata[i];
        if (it->kind == SCAN_GROUP && g_str_has_prefix(it->group, "scenario ")) {
            named_section(sc, it->group, strlen("scenario"), it->line, error);
            return false;
        }
    }
    g_set_error(error, IOVSIM_ERROR, IOVSIM_ERROR_INPUT, "%s: missing [scenario] group", sc->path);
    return false;
}

/* Split "section.key=value" strings; NULL-terminated pairs key, value. */
static GStrv parse_overrides(const char *const *overrides, GError **error)
{
    g_autoptr(GStrvBuilder) b = g_strv_builder_new();

    for (size_t i = 0; overrides && overrides[i]; i++) {
        const char *o = overrides[i], *eq = strchr(o, '=');
        g_autofree char *key = eq ? g_strstrip(g_strndup(o, (size_t)(eq - o))) : NULL;
        bool ok = key && strchr(key, '.') && key[0] != '.' && !g_str_has_suffix(key, ".") &&
                  !strstr(key, "..");

        for (const char *p = key; ok && *p; p++)
            ok = g_ascii_isalnum(*p) || *p == '_' || *p == '-' || *p == '.';
        if (!ok) {
            g_set_error(error, IOVSIM_ERROR, IOVSIM_ERROR_INPUT,
                        "--set '%s': expected section.key=value", o);
            return NULL;
        }
        g_strv_builder_add(b, key);
        g_strv_builder_add(b, eq + 1);
    }
    return g_strv_builder_end(b);
}

/* The model comes first: it decides which keys exist. */
static bool choose_model(struct scenario *sc, GPtrArray *items, GStrv ovr, GError **error)
{
    const char *text = "queue";
    int line = LINE_DEFAULT;
    g_autofree char *t = NULL;
    g_autoptr(GString) names = g_string_new(NULL);

    for (guint i = 0; i < items->len; i++) {
        const struct scan_item *it = items->pdata[i];
        if (it->kind == SCAN_KEY && strcmp(it->group, "scenario") == 0 &&
            strcmp(it->key, "model") == 0)
            text = it->value, line = it->line;
    }
    for (size_t i = 0; ovr[i]; i += 2)
        if (strcmp(ovr[i], "scenario.model") == 0)
            text = ovr[i + 1], line = LINE_SET;
    t = g_strstrip(g_strdup(text));
    for (size_t m = 0; sc->models[m]; m++) {
        if (strcmp(sc->models[m]->name, t) == 0) {
            sc->model = sc->models[m];
            return true;
        }
        g_string_append_printf(names, "%s%s", m ? ", " : "", sc->models[m]->name);
    }
    scenario_key_error(sc, line, "scenario.model", error,
                       "unknown model '%s' (expected one of: %s)", t, names->str);
    return false;
}

/* scenario.name defaults to the file name without ".ini". */
static void default_name(struct scenario *sc)
{
    struct entry *e = scenario_get_entry(sc, "scenario.name");
    char *base;

    if (e->line != LINE_DEFAULT)
        return;
    base = g_path_get_basename(sc->path);
    if (g_str_has_suffix(base, ".ini") && strlen(base) > 4)
        base[strlen(base) - 4] = '\0';
    /* A file called "my run.ini" gets the name "my_run". */
    for (char *p = base; *p; p++)
        if (!g_ascii_isalnum(*p) && *p != '.' && *p != '_' && *p != '-')
            *p = '_';
    if (base[0] == '.')
        base[0] = '_';
    if (strlen(base) > SCENARIO_NAME_MAX)
        base[SCENARIO_NAME_MAX] = '\0';
    g_free(e->text);
    g_free(e->value.str);
    e->text = base;
    e->value.str = g_strdup(base);
}

/* Keys that say how to run or show a scenario, not what it simulates:
 * more replications later, another table or figure, are the same scenario. */
static bool hash_skips(const char *key)
{
    return g_str_has_prefix(key, "plot.") || strcmp(key, "scenario.reps") == 0 ||
           strcmp(key, "scenario.table") == 0 || strcmp(key, "scenario.description") == 0;
}

/*
 * The scenario's identity for the results store: every effective parameter
 * (defaults included, overrides applied, values as parsed) and the [sweep]
 * group but its exclude rules, not the file's text, so that a comment, the
 * order of keys or a [plot] group does not make another scenario. A NUL
 * separates the fields: it cannot occur in a key or a value.
 */
static char *compute_hash(const struct scenario *sc)
{
    g_autoptr(GChecksum) sum = g_checksum_new(G_CHECKSUM_SHA256);
    g_autoptr(GPtrArray) params = scenario_effective(sc);
    GPtrArray *sweep = scenario_raw_group(sc, "sweep");

    for (guint i = 0; i < params->len; i++) {
        const struct scenario_kv *kv = params->pdata[i];

        if (hash_skips(kv->key))
            continue;
        g_checksum_update(sum, (const guchar *)kv->key, -1);
        g_checksum_update(sum, (const guchar *)"", 1);
        g_checksum_update(sum, (const guchar *)(kv->value ? kv->value : ""), -1);
        g_checksum_update(sum, (const guchar *)"", 1);
    }
    g_checksum_update(sum, (const guchar *)"[sweep]", -1);
    for (guint i = 0; sweep && i < sweep->len; i++) {
        const struct scenario_raw *r = sweep->pdata[i];

        /* An exclude rule picks a subset of the points, as --only does: a
         * database made before it (or without it) still resumes. */
        if (strcmp(r->key, "exclude") == 0 || g_str_has_prefix(r->key, "exclude."))
            continue;
        g_checksum_update(sum, (const guchar *)"", 1);
        g_checksum_update(sum, (const guchar *)r->key, -1);
        g_checksum_update(sum, (const guchar *)"", 1);
        g_checksum_update(sum, (const guchar *)(r->value ? r->value : ""), -1);
    }
    return g_strdup(g_checksum_get_string(sum));
}

static bool load_into(struct scenario *sc, const char *text, gsize len,
                      const char *const *overrides, GError **error)
{
    /* Some editors start UTF-8 files with a byte order mark; GKeyFile chokes. */
    gsize bom = g_str_has_prefix(text, "\xef\xbb\xbf") ? 3 : 0;
    g_autoptr(GPtrArray) items = scan_text(text + bom, len - bom, sc->path, error);
    g_autoptr(GKeyFile) kf = g_key_file_new();
    g_autoptr(GError) err = NULL;
    g_auto(GStrv) ovr = NULL;

    if (!items || !check_structure(sc, items, error))
        return false;
    /* The scan accepts a subset of GKeyFile's syntax, so this should pass. */
    if (!g_key_file_load_from_data(kf, text + bom, len - bom, G_KEY_FILE_NONE, &err)) {
        g_set_error(error, IOVSIM_ERROR, IOVSIM_ERROR_INPUT, "%s: %s", sc->path, err->message);
        return false;
    }
    ovr = parse_overrides(overrides, error);
    if (!ovr || !choose_model(sc, items, ovr, error))
        return false;
    scenario_add_defaults(sc);
    if (!load_items(sc, items, kf, error))
        return false;
    for (size_t i = 0; ovr[i]; i += 2)
        if (!scenario_set_key(sc, ovr[i], ovr[i + 1], LINE_SET, error))
            return false;
    default_name(sc);
    sc->text = g_strndup(text, len);
    sc->hash = compute_hash(sc);
    return scenario_validate(sc, error);
}

static struct scenario *load_text(const char *text, gsize len, const char *path,
                                  const char *const *overrides,
                                  const struct model_ops *const *models, GError **error)
{
    struct scenario *sc = scenario_alloc(path, models);

    if (!load_into(sc, text, len, overrides, error)) {
        scenario_free(sc);
        return NULL;
    }
    return sc;
}

struct scenario *scenario_load(const char *path, const char *const *overrides, GError **error)
{
    g_autoptr(GError) err = NULL;
    g_autofree char *text = NULL;
    gsize len;

    text = scan_read_file(path, SCENARIO_MAX_BYTES, &len, &err);
    if (!text) {
        g_set_error(error, IOVSIM_ERROR, err->code, "%s: %s", path, err->message);
        return NULL;
    }
    return load_text(text, len, path, overrides, model_registry, error);
}

struct scenario *scenario_load_data(const char *data, const char *name,
                                    const char *const *overrides, GError **error)
{
    return load_text(data, strlen(data), name, overrides, model_registry, error);
}

struct scenario *scenario_load_data_models(const char *data, const char *name,
                                           const char *const *overrides,
                                           const struct model_ops *const *models, GError **error)
{
    return load_text(data, strlen(data), name, overrides, models, error);
}
