/* `iovsim check`, `iovsim params`, `iovsim list`: the commands that read
 * scenarios and the registry without running anything. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "datadir.h"
#include "model.h"
#include "scenario.h"
#include "suggest.h"

int cli_check(int argc, char **argv)
{
    char **sets = NULL;
    char *mem = NULL, *path = NULL;
    uint64_t limit = 0;
    GOptionEntry entries[] = {
        { "set", 's', 0, G_OPTION_ARG_STRING_ARRAY, &sets, "override a parameter",
          "SECTION.KEY=VALUE" },
        { "mem-limit", 0, 0, G_OPTION_ARG_STRING, &mem,
          "refuse a scenario needing more memory (default: half the machine's)", "SIZE" },
        { NULL },
    };
    g_autoptr(GOptionContext) ctx = g_option_context_new("SCENARIO - validate without running");
    g_option_context_add_main_entries(ctx, entries, NULL);
    GError *error = NULL;
    int status = 0;
    if (!cli_parse(ctx, &argc, &argv, &error) || !cli_mem_limit(mem, &limit, &error)) {
        status = cli_fail(error);
        goto out;
    }
    if (argc != 2) {
        fprintf(stderr, "iovsim check: expected one scenario file\n");
        status = 2;
        goto out;
    }
    path = datadir_scenario(argv[1]);
    struct scenario *sc = scenario_load(path, (const char *const *)sets, &error);
    if (!sc) {
        status = cli_fail(error);
        goto out;
    }
    const struct model_ops *ops = model_lookup(scenario_model(sc));
    /* Building the world catches what single values cannot (e.g. more VFs
     * than the NIC has); nothing runs. */
    struct sim *sim = sim_new(1);
    bool ok = (!ops->check || ops->check(sc, &error)) && scenario_check_mem(sc, limit, &error);
    struct model *m = ok ? ops->create(sim, sc, &error) : NULL;
    size_t points = 0, excluded = 0;
    if (m) {
        ops->destroy(m);
        ok = cli_check_sweep(sc, limit, &points, &excluded, &error);
    }
    if (m && ok) {
        g_autofree char *left_out = excluded ? g_strdup_printf(", %zu excluded", excluded) : NULL;
        printf("%s: ok (scenario '%s', model %s, %zu sweep point%s%s)\n", argv[1],
               scenario_name(sc), ops->name, points, points == 1 ? "" : "s",
               left_out ? left_out : "");
    } else
        status = cli_fail(error);
    sim_free(sim);
    scenario_free(sc);
out:
    g_strfreev(sets);
    g_free(mem);
    g_free(path);
    return status;
}

/* Markdown cells: a '|' inside one would end the cell. */
static void print_cell(const char *text, bool markdown)
{
    for (const char *p = text; *p; p++) {
        if (markdown && *p == '|')
            putchar('\\');
        putchar(*p);
    }
}

static void print_range(const struct param_def *d, bool markdown)
{
    if (d->type == PARAM_ENUM) {
        print_cell(d->choices, markdown);
        return;
    }
    if (d->min > d->max || d->type == PARAM_BOOL || d->type == PARAM_STRING) {
        printf("-");
        return;
    }
    g_autofree char *lo = unit_format(d->min, d->dim);
    g_autofree char *hi = unit_format(d->max, d->dim);
    printf("[%s, %s]", lo, hi);
}

static bool any_key_starts(const struct param_def *const *defs, size_t n, const char *prefix)
{
    for (size_t i = 0; i < n; i++)
        if (g_str_has_prefix(defs[i]->key, prefix))
            return true;
    return false;
}

/* An empty listing would look like a model without parameters: say that
 * nothing matched, and what the user may have meant (a key, else a section). */
static int no_such_prefix(const struct param_def *const *defs, size_t n, const char *prefix)
{
    g_autoptr(GPtrArray) keys = g_ptr_array_new();
    g_autoptr(GPtrArray) sections = g_ptr_array_new_with_free_func(g_free);

    for (size_t i = 0; i < n; i++) {
        const char *dot = strchr(defs[i]->key, '.');
        char *section =
            g_strndup(defs[i]->key, dot ? (gsize)(dot - defs[i]->key) : strlen(defs[i]->key));

        g_ptr_array_add(keys, (gpointer)defs[i]->key);
        if (g_ptr_array_find_with_equal_func(sections, section, g_str_equal, NULL))
            g_free(section);
        else
            g_ptr_array_add(sections, section);
    }
    const char *near = strchr(prefix, '.')
                           ? suggest_closest(prefix, (const char *const *)keys->pdata, keys->len)
                           : NULL;
    if (!near)
        near = suggest_closest(prefix, (const char *const *)sections->pdata, sections->len);
    GString *list = g_string_new(NULL);
    for (guint i = 0; i < sections->len; i++)
        g_string_append_printf(list, "%s%s", i ? ", " : "", (char *)sections->pdata[i]);
    g_autofree char *msg =
        near ? g_strdup_printf("iovsim params: no parameter starts with '%s' (did you mean '%s'?)",
                               prefix, near)
             : g_strdup_printf("iovsim params: no parameter starts with '%s' (sections: %s)",
                               prefix, list->str);
    g_string_free(list, TRUE);
    cli_print_line(msg);
    return 2;
}

int cli_params(int argc, char **argv)
{
    gboolean markdown = FALSE;
    GOptionEntry entries[] = {
        { "markdown", 'm', 0, G_OPTION_ARG_NONE, &markdown, "print a Markdown table", NULL },
        { NULL },
    };
    g_autoptr(GOptionContext) ctx = g_option_context_new("[PREFIX] - list the parameters");
    g_option_context_add_main_entries(ctx, entries, NULL);
    GError *error = NULL;
    if (!cli_parse(ctx, &argc, &argv, &error))
        return cli_fail(error);
    const char *prefix = argc > 1 ? argv[1] : "";
    const struct param_def *const *defs;
    size_t n = scenario_registry(&defs);
    if (!any_key_starts(defs, n, prefix))
        return no_such_prefix(defs, n, prefix);
    if (markdown)
        printf("| key | type | default | unit | range | source | help |\n"
               "|---|---|---|---|---|---|---|\n");
    for (size_t i = 0; i < n; i++) {
        const struct param_def *d = defs[i];
        if (strncmp(d->key, prefix, strlen(prefix)) != 0)
            continue;
        bool numeric = d->type == PARAM_INT || d->type == PARAM_REAL || d->type == PARAM_DIST;
        const char *unit = numeric ? unit_dim_base(d->dim) : "";
        if (markdown) {
            printf("| `%s` | %s | `", d->key, param_type_name(d));
            print_cell(d->def ? d->def : "(required)", true);
            printf("` | %s | ", *unit ? unit : "-");
            print_range(d, true);
            printf(" | ");
            print_cell(d->source, true);
            printf(" | ");
            print_cell(d->help, true);
            printf(" |\n");
        } else {
            printf("%s  (%s, default %s", d->key, param_type_name(d), d->def ? d->def : "none");
            printf(", range ");
            print_range(d, false);
            printf(")\n    %s\n    source: %s\n", d->help, d->source);
        }
    }
    return 0;
}

static gint cmp_str_ptr(gconstpointer a, gconstpointer b)
{
    return g_strcmp0(*(char *const *)a, *(char *const *)b);
}

/* The bundled scenarios (datadir_find()): name and the one-line
 * description each declares. */
static void list_scenarios(void)
{
    g_autofree char *dir = datadir_find("scenarios", NULL);
    g_autoptr(GDir) d = dir ? g_dir_open(dir, 0, NULL) : NULL;
    g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
    const char *f;

    if (!d)
        return;
    while ((f = g_dir_read_name(d)))
        if (g_str_has_suffix(f, ".ini"))
            g_ptr_array_add(names, g_build_filename(dir, f, NULL));
    g_ptr_array_sort(names, cmp_str_ptr);
    printf("\nscenarios (in %s/):\n", dir);
    for (guint i = 0; i < names->len; i++) {
        const char *path = names->pdata[i];
        struct scenario *sc = scenario_load(path, NULL, NULL);
        g_autofree char *base = g_path_get_basename(path);

        if (!sc)
            continue;
        printf("  %-26s %-6s %s\n", base, scenario_model(sc),
               scenario_str(sc, "scenario.description"));
        scenario_free(sc);
    }
}

int cli_list(int argc, char **argv)
{
    GOptionEntry entries[] = { { NULL } };
    g_autoptr(GOptionContext) ctx =
        g_option_context_new("- list the models and the bundled scenarios");
    GError *error = NULL;

    g_option_context_add_main_entries(ctx, entries, NULL);
    if (!cli_parse(ctx, &argc, &argv, &error))
        return cli_fail(error);
    if (argc != 1) {
        fprintf(stderr, "iovsim list: takes no arguments\n");
        return 2;
    }
    printf("models:\n");
    for (size_t i = 0; model_registry[i]; i++)
        printf("  %-10s %s\n", model_registry[i]->name, model_registry[i]->help);
    list_scenarios();
    return 0;
}
