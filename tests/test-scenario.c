/* Tests for scenario loading (sim/scenario*.c, sim/param.c): a valid file
 * and its accessors, defaults, every bad-input case with its exact
 * one-line message, suggestions, duplicates, --set overrides, the hash,
 * copies and scenario_set(), and aborts on accessor misuse. A fake
 * two-model registry covers enums, bools, required keys, another model's
 * section, [fig NAME] instances and a model's check hook. */
#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "model.h"
#include "scenario.h"
#include "suggest.h"

#define NAME "s.ini"

/* ---- a fake registry: two models, one with instanced [fig NAME] ---- */

static const struct param_def alpha_params[] = {
    { .key = "alpha.label", .type = PARAM_STRING, .min = 1, .max = 0, .help = "required" },
    { .key = "alpha.mode",
      .type = PARAM_ENUM,
      .def = "vhost",
      .choices = "qemu|vhost",
      .min = 1,
      .max = 0 },
    { .key = "alpha.posted", .type = PARAM_BOOL, .def = "off", .min = 1, .max = 0 },
    { .key = "alpha.rate",
      .type = PARAM_REAL,
      .dim = DIM_BITRATE,
      .def = "10Gbps",
      .min = 1e6,
      .max = 4e11 },
    { .key = "alpha.budget",
      .type = PARAM_INT,
      .dim = DIM_CYCLES,
      .def = "2000",
      .min = 0,
      .max = 1e9 },
    { .key = "alpha.size",
      .type = PARAM_DIST,
      .dim = DIM_SIZE,
      .def = "det(1500B)",
      .min = 64,
      .max = 65536 },
    { .key = "fig.*.title", .type = PARAM_STRING, .def = "", .min = 1, .max = 0 },
    { .key = "fig.*.width", .type = PARAM_INT, .def = "640", .min = 100, .max = 4000 },
};

static const struct param_def beta_params[] = {
    { .key = "beta.vms", .type = PARAM_INT, .def = "1", .min = 1, .max = 64 },
};

static bool alpha_check(const struct scenario *sc, GError **error)
{
    if (scenario_bool(sc, "alpha.posted") && strcmp(scenario_str(sc, "alpha.mode"), "qemu") == 0) {
        scenario_error(sc, "alpha.posted", error, "posted interrupts need mode '%s'", "vhost");
        return false;
    }
    return true;
}

static const size_t alpha_n = G_N_ELEMENTS(alpha_params), beta_n = G_N_ELEMENTS(beta_params);
static const struct param_table alpha_table = { .params = alpha_params, .n = &alpha_n };
static const struct param_table beta_table = { .params = beta_params, .n = &beta_n };
static const struct param_table *const alpha_tables[] = { &alpha_table, NULL };
static const struct param_table *const beta_tables[] = { &beta_table, NULL };

/* A kilobyte per cycle of budget, so that a budget in range can need more
 * memory than a limit. */
static uint64_t alpha_mem(const struct scenario *sc, GString *keys)
{
    g_string_append(keys, "alpha.budget, alpha.label");
    return (uint64_t)scenario_int(sc, "alpha.budget") * 1024;
}

static const struct model_ops alpha_ops = {
    .name = "alpha",
    .tables = alpha_tables,
    .check = alpha_check,
    .mem_estimate = alpha_mem,
};

static const struct model_ops beta_ops = {
    .name = "beta",
    .tables = beta_tables,
};

/* Parameters of @m, over all its tables. */
static size_t model_n_params(const struct model_ops *m)
{
    size_t n = 0;

    for (const struct param_table *const *t = m->tables; *t; t++)
        n += *(*t)->n;
    return n;
}

static const struct model_ops *const fake_models[] = { &alpha_ops, &beta_ops, NULL };

/* ---- helpers ---- */

static char *data_path(const char *name)
{
    const char *srcdir = g_getenv("G_TEST_SRCDIR");
    g_autofree char *here = g_path_get_dirname(__FILE__);

    return g_build_filename(srcdir ? srcdir : here, "data", name, NULL);
}

static struct scenario *load_ok(const char *text, const char *const *ovr)
{
    g_autoptr(GError) err = NULL;
    struct scenario *sc = scenario_load_data(text, NAME, ovr, &err);

    if (!sc)
        g_error("load failed: %s", err->message);
    return sc;
}

static struct scenario *fake_ok(const char *text, const char *const *ovr)
{
    g_autoptr(GError) err = NULL;
    struct scenario *sc = scenario_load_data_models(text, NAME, ovr, fake_models, &err);

    if (!sc)
        g_error("load failed: %s", err->message);
    return sc;
}

static void check_error(struct scenario *sc, GError *err, const char *msg)
{
    if (sc)
        g_error("loaded, but expected: %s", msg);
    g_assert_error(err, IOVSIM_ERROR, IOVSIM_ERROR_INPUT);
    g_assert_cmpstr(err->message, ==, msg);
    g_assert_null(strchr(err->message, '\n'));
}

static void load_fails(const char *text, const char *const *ovr, const char *msg)
{
    g_autoptr(GError) err = NULL;
    struct scenario *sc = scenario_load_data(text, NAME, ovr, &err);

    check_error(sc, err, msg);
}

static void fake_fails(const char *text, const char *const *ovr, const char *msg)
{
    g_autoptr(GError) err = NULL;
    struct scenario *sc = scenario_load_data_models(text, NAME, ovr, fake_models, &err);

    check_error(sc, err, msg);
}

static void file_fails(const char *path, const char *msg)
{
    g_autoptr(GError) err = NULL;
    struct scenario *sc = scenario_load(path, NULL, &err);

    check_error(sc, err, msg);
}

static const char *effective_value(GPtrArray *kvs, const char *key)
{
    for (guint i = 0; i < kvs->len; i++) {
        const struct scenario_kv *kv = kvs->pdata[i];
        if (strcmp(kv->key, key) == 0)
            return kv->value;
    }
    return NULL;
}

/* ---- valid input ---- */

static void test_valid_file(void)
{
    g_autofree char *path = data_path("valid.ini");
    g_autofree char *text = NULL;
    g_autoptr(GError) err = NULL;
    struct scenario *sc = scenario_load(path, NULL, &err);
    const struct scenario_raw *raw;
    GPtrArray *sweep;

    g_assert_no_error(err);
    g_assert_cmpstr(scenario_path(sc), ==, path);
    g_assert_cmpstr(scenario_name(sc), ==, "valid");
    g_assert_cmpstr(scenario_model(sc), ==, "queue");
    g_assert_cmpstr(scenario_str(sc, "scenario.description"), ==,
                    "M/G/1 with measured service times");
    g_assert_cmpint(scenario_time(sc, "scenario.duration"), ==, 500 * SIM_S);
    g_assert_cmpfloat(scenario_real(sc, "scenario.duration"), ==, 500.0);
    g_assert_cmpint(scenario_time(sc, "scenario.warmup"), ==, 50 * SIM_S);
    g_assert_cmpint(scenario_int(sc, "scenario.seed"), ==, 42);
    g_assert_cmpint(scenario_int(sc, "scenario.reps"), ==, 3);
    g_assert_cmpint(scenario_int(sc, "queue.servers"), ==, 2);
    g_assert_cmpint(scenario_int(sc, "queue.stations"), ==, 1);
    g_assert_cmpint(scenario_dist(sc, "queue.interarrival")->kind, ==, DIST_EXP);
    g_assert_cmpfloat(scenario_dist(sc, "queue.interarrival")->a, ==, 5e-3);
    /* The empirical file was found next to the scenario, not in the cwd. */
    g_assert_cmpint(scenario_dist(sc, "queue.service")->kind, ==, DIST_EMPIRICAL);
    g_assert_cmpuint(scenario_dist(sc, "queue.service")->n_values, ==, 4);
    g_assert_true(scenario_is_set(sc, "queue.servers"));
    g_assert_false(scenario_is_set(sc, "queue.stations"));
    g_assert_false(scenario_is_set(sc, "scenario.name"));

    g_assert_true(g_file_get_contents(path, &text, NULL, NULL));
    g_assert_cmpstr(scenario_text(sc), ==, text);
    g_assert_cmpuint(strlen(scenario_hash(sc)), ==, 64);

    sweep = scenario_raw_group(sc, "sweep");
    g_assert_nonnull(sweep);
    g_assert_cmpuint(sweep->len, ==, 1);
    raw = sweep->pdata[0];
    g_assert_cmpstr(raw->key, ==, "queue.servers");
    g_assert_cmpstr(raw->value, ==, "1, 2, 4");
    g_assert_cmpint(raw->line, ==, 16);
    g_assert_null(scenario_raw_group(sc, "fig"));
    scenario_free(sc);
}

static void test_defaults(void)
{
    struct scenario *sc = load_ok("# nothing but defaults\n[scenario]\n", NULL);
    g_autoptr(GPtrArray) kvs = scenario_effective(sc);
    const struct model_ops *queue = model_lookup("queue");

    g_assert_cmpstr(scenario_name(sc), ==, "s");
    g_assert_cmpstr(scenario_model(sc), ==, "queue");
    g_assert_cmpint(scenario_time(sc, "scenario.duration"), ==, 10000 * SIM_S);
    g_assert_cmpint(scenario_time(sc, "scenario.warmup"), ==, 0);
    g_assert_cmpint(scenario_int(sc, "scenario.seed"), ==, 1);
    g_assert_cmpint(scenario_int(sc, "scenario.reps"), ==, 1);
    g_assert_cmpstr(scenario_str(sc, "scenario.description"), ==, "");
    /* Every core and model parameter, sorted, defaults as registered. */
    g_assert_cmpuint(kvs->len, ==, scenario_core_n_params + model_n_params(queue));
    for (guint i = 1; i < kvs->len; i++)
        g_assert_cmpstr(((struct scenario_kv *)kvs->pdata[i - 1])->key, <,
                        ((struct scenario_kv *)kvs->pdata[i])->key);
    g_assert_cmpstr(effective_value(kvs, "scenario.name"), ==, "s");
    g_assert_cmpstr(effective_value(kvs, "scenario.duration"), ==, "10000s");
    g_assert_cmpstr(effective_value(kvs, "scenario.model"), ==, "queue");
    g_assert_cmpstr(effective_value(kvs, "queue.interarrival"), ==, "exp(1.25s)");
    g_assert_cmpstr(effective_value(kvs, "queue.servers"), ==, "1");
    scenario_free(sc);
}

static void test_effective_as_written(void)
{
    const char *const ovr[] = { "queue.servers = 3 ", NULL };
    struct scenario *sc = load_ok("[scenario]\r\nduration = 2.50 s\r\nname = mine\r\n"
                                  "description = a\\sb\\tc\r\n",
                                  ovr);
    g_autoptr(GPtrArray) kvs = scenario_effective(sc);

    /* CRLF lines load; values keep their spelling; escapes are GKeyFile's. */
    g_assert_cmpstr(effective_value(kvs, "scenario.duration"), ==, "2.50 s");
    g_assert_cmpint(scenario_time(sc, "scenario.duration"), ==, 2500 * SIM_MS);
    g_assert_cmpstr(effective_value(kvs, "queue.servers"), ==, "3");
    g_assert_cmpstr(scenario_name(sc), ==, "mine");
    g_assert_cmpstr(scenario_str(sc, "scenario.description"), ==, "a b\tc");
    scenario_free(sc);

    sc = load_ok("\xef\xbb\xbf[scenario]\nseed = 5\n", NULL);
    g_assert_cmpint(scenario_int(sc, "scenario.seed"), ==, 5);
    scenario_free(sc);
}

static void test_suggest_distance(void)
{
    static const char *const cands[] = { "duration", "warmup", "seed" };

    g_assert_cmpuint(suggest_distance("kitten", "sitting"), ==, 3);
    g_assert_cmpuint(suggest_distance("", "abc"), ==, 3);
    g_assert_cmpuint(suggest_distance("abc", ""), ==, 3);
    g_assert_cmpuint(suggest_distance("servres", "servers"), ==, 1);
    g_assert_cmpuint(suggest_distance("QUEUE", "queue"), ==, 0);
    g_assert_cmpstr(suggest_closest("duraton", cands, 3), ==, "duration");
    g_assert_cmpstr(suggest_closest("sede", cands, 3), ==, "seed");
    g_assert_null(suggest_closest("reps", cands, 3));
    g_assert_null(suggest_closest("x", cands, 3));
}

/* A word past SUGGEST_MAX_LEN gets no suggestion, even one edit away from a
 * candidate: the distance would cost the product of the lengths. */
static void test_suggest_long(void)
{
    g_autofree char *word = g_strnfill(SUGGEST_MAX_LEN + 1, 'a');
    g_autofree char *near = g_strnfill(SUGGEST_MAX_LEN + 1, 'a');
    g_autofree char *fits = g_strnfill(SUGGEST_MAX_LEN, 'a');
    g_autofree char *fits_near = g_strnfill(SUGGEST_MAX_LEN, 'a');
    const char *cands[1];

    near[0] = 'b';
    cands[0] = near;
    g_assert_null(suggest_closest(word, cands, 1));
    fits_near[0] = 'b';
    cands[0] = fits_near;
    g_assert_true(suggest_closest(fits, cands, 1) == fits_near);
}

/* ---- files ---- */

static void test_file_errors(void)
{
    g_autofree char *missing = data_path("no-such-scenario.ini");
    g_autofree char *dir = data_path("");
    g_autofree char *empty = data_path("empty.ini");
    g_autofree char *typo = data_path("typo.ini");
    g_autofree char *msg = NULL;

    msg = g_strdup_printf("%s: cannot read: No such file or directory", missing);
    file_fails(missing, msg);
    g_free(msg);
    msg = g_strdup_printf("%s: is a directory", dir);
    file_fails(dir, msg);
    g_free(msg);
    msg = g_strdup_printf("%s: empty scenario (expected a [scenario] group)", empty);
    file_fails(empty, msg);
    g_free(msg);
    msg = g_strdup_printf("%s:6: key 'queue.srevers': unknown key (did you mean 'queue.servers'?)",
                          typo);
    file_fails(typo, msg);
    load_fails("# only a comment\n\n", NULL, NAME ": empty scenario (expected a [scenario] group)");
    load_fails("[queue]\nservers = 2\n", NULL, NAME ": missing [scenario] group");
}

static void test_binary(void)
{
    g_autofree char *tmp = g_dir_make_tmp("test-scenario-XXXXXX", NULL);
    g_autofree char *garbage = g_build_filename(tmp, "garbage.ini", NULL);
    g_autofree char *latin1 = g_build_filename(tmp, "latin1.ini", NULL);
    g_autofree char *msg = NULL;
    GRand *r = g_rand_new_with_seed(3);
    char bytes[4096];

    for (size_t i = 0; i < sizeof(bytes); i++)
        bytes[i] = (char)g_rand_int_range(r, 0, 256);
    bytes[100] = '\0';
    g_rand_free(r);
    g_assert_true(g_file_set_contents(garbage, bytes, sizeof(bytes), NULL));
    msg = g_strdup_printf("%s: not a text file", garbage);
    file_fails(garbage, msg);
    g_free(msg);
    /* No NUL, but not UTF-8 either. */
    g_assert_true(g_file_set_contents(latin1, "[scenario]\ndescription = caf\xe9\n", -1, NULL));
    msg = g_strdup_printf("%s: not a text file", latin1);
    file_fails(latin1, msg);
    g_assert_cmpint(g_remove(garbage), ==, 0);
    g_assert_cmpint(g_remove(latin1), ==, 0);
    g_assert_cmpint(g_rmdir(tmp), ==, 0);
}

/* ---- bad values, one message each ---- */

static void test_syntax_errors(void)
{
    load_fails("[scenario]\njunk\n", NULL,
               NAME ":2: line 'junk' is not a [section], a key = value pair or a # comment");
    load_fails("; comment\n[scenario]\n", NULL,
               NAME ":1: line '; comment' is not a [section], a key = value pair or a # comment");
    load_fails("seed = 1\n[scenario]\n", NULL, NAME ":1: key 'seed' is outside any [section]");
    load_fails("[scenario\n", NULL, NAME ":1: malformed section header '[scenario'");
    load_fails("[scenario]\n[]\n", NULL, NAME ":2: malformed section header '[]'");
    load_fails("[scenario]\nmy key = 1\n", NULL, NAME ":2: malformed key 'my key'");
    load_fails("[scenario]\nname[de] = x\n", NULL, NAME ":2: malformed key 'name[de]'");
    /* Blanks are spaces and tabs; a CR only ends a line. */
    load_fails("[scenario]\f\nseed = 1\n", NULL,
               NAME ":1: control character 0x0C (only spaces and tabs are blanks)");
    load_fails("[scenario]\nduration = 1\rs\n", NULL,
               NAME ":2: control character 0x0D (only spaces and tabs are blanks)");
    load_fails("[scenario]\n# \x1b[31mred\n", NULL,
               NAME ":2: control character 0x1B (only spaces and tabs are blanks)");
    /* A section without instances takes no name. */
    load_fails("[scenario foo]\nseed = 1\n", NULL,
               NAME ":1: section '[scenario foo]' takes no name (write '[scenario]')");
    load_fails("[scenario]\n[sweep a]\n", NULL,
               NAME ":2: section '[sweep a]' takes no name (write '[sweep]')");
    load_fails("[scenario]\ndescription = a\\qb\n", NULL,
               NAME ":2: key 'scenario.description': invalid escape sequence in 'a\\qb'");
}

static void test_duplicates(void)
{
    load_fails("[scenario]\nseed = 1\nseed = 2\n", NULL,
               NAME ":3: key 'scenario.seed': duplicate (first set on line 2)");
    /* A group may be reopened, but not to set a key twice. */
    load_fails("[queue]\nservers = 1\n[scenario]\n[queue]\n\nservers = 2\n", NULL,
               NAME ":6: key 'queue.servers': duplicate (first set on line 2)");
    load_fails("[scenario]\n[sweep]\nqueue.servers = 1\nqueue.servers = 2\n", NULL,
               NAME ":4: key 'sweep.queue.servers': duplicate (first set on line 3)");
    struct scenario *sc = load_ok("[queue]\nservers = 2\n[scenario]\nseed = 3\n[queue]\n"
                                  "stations = 4\n",
                                  NULL);
    g_assert_cmpint(scenario_int(sc, "queue.servers"), ==, 2);
    g_assert_cmpint(scenario_int(sc, "queue.stations"), ==, 4);
    scenario_free(sc);
}

static void test_value_errors(void)
{
    load_fails("[scenario]\n[queue]\nservers = 0\n", NULL,
               NAME ":3: key 'queue.servers': 0 is out of range [1, 1024]");
    load_fails("[scenario]\nduration = -1s\n", NULL,
               NAME ":2: key 'scenario.duration': -1s is out of range [1ps, 1e+06s]");
    load_fails("[scenario]\nduration = 0s\n", NULL,
               NAME ":2: key 'scenario.duration': 0s is out of range [1ps, 1e+06s]");
    load_fails("[scenario]\nduration = 10\n", NULL,
               NAME ":2: key 'scenario.duration': missing unit in '10' (expected one of: ps ns "
                    "us ms s)");
    load_fails("[scenario]\nduration = 10 sec\n", NULL,
               NAME ":2: key 'scenario.duration': unknown unit 'sec' in '10 sec' (expected one "
                    "of: ps ns us ms s)");
    load_fails("[scenario]\nduration = 1.2.3s\n", NULL,
               NAME ":2: key 'scenario.duration': malformed value '1.2.3s' (expected e.g. "
                    "1.25s)");
    load_fails("[scenario]\nduration = 10s\n\nwarmup = 20s\n", NULL,
               NAME ":4: key 'scenario.warmup': 20s must be less than scenario.duration (10s)");
    load_fails("[scenario]\nwarmup = 10000s\n", NULL,
               NAME ":2: key 'scenario.warmup': 10000s must be less than scenario.duration "
                    "(10000s)");
    load_fails("[scenario]\nseed = 1.5\n", NULL,
               NAME ":2: key 'scenario.seed': '1.5' is not an integer");
    load_fails("[scenario]\nseed = 9007199254740993\n", NULL,
               NAME ":2: key 'scenario.seed': 9007199254740993 is out of range [0, "
                    "9007199254740992]");
    load_fails("[scenario]\nreps = \n", NULL, NAME ":2: key 'scenario.reps': empty value");
    load_fails("[scenario]\nname =\n", NULL, NAME ":2: key 'scenario.name': must not be empty");
    load_fails("[scenario]\nseed = x\\ny\n", NULL,
               NAME ":2: key 'scenario.seed': malformed value 'x y' (expected e.g. 42)");
    load_fails("[scenario]\n[queue]\nservice = exp(1s\n", NULL,
               NAME ":3: key 'queue.service': malformed distribution 'exp(1s' (expected e.g. "
                    "exp(1.25s))");
    load_fails("[scenario]\n[queue]\nservice = uniform(1s)\n", NULL,
               NAME ":3: key 'queue.service': 'uniform(1s)': uniform takes 2 arguments, not 1");
    load_fails("[scenario]\n[queue]\ninterarrival = exp(2e9s)\n", NULL,
               NAME ":3: key 'queue.interarrival': mean 2e+09s of 'exp(2e9s)' is out of range "
                    "[1ps, 1e+09s]");
    load_fails("[scenario]\n[queue]\ninterarrival = pareto(0.5, 1s)\n", NULL,
               NAME ":3: key 'queue.interarrival': 'pareto(0.5, 1s)': mean is infinite");
    g_autofree char *cwd = g_get_current_dir();
    g_autofree char *nope = g_build_filename(cwd, "nope.txt", NULL);
    g_autofree char *msg = g_strdup_printf(NAME ":3: key 'queue.service': empirical file '%s': "
                                                "cannot read: No such file or directory",
                                           nope);
    load_fails("[scenario]\n[queue]\nservice = empirical(nope.txt)\n", NULL, msg);
}

static void test_unknown_model(void)
{
    g_autoptr(GError) err = NULL;
    struct scenario *sc = scenario_load_data("[scenario]\nmodel = queu\n", NAME, NULL, &err);

    g_assert_null(sc);
    g_assert_error(err, IOVSIM_ERROR, IOVSIM_ERROR_INPUT);
    g_assert_true(g_str_has_prefix(err->message, NAME ":2: key 'scenario.model': unknown model "
                                                      "'queu' (expected one of: "));
    g_assert_nonnull(strstr(err->message, "queue"));
    fake_fails("[scenario]\nmodel = gamma\n", NULL,
               NAME ":2: key 'scenario.model': unknown model 'gamma' (expected one of: alpha, "
                    "beta)");
}

static void test_suggestions(void)
{
    load_fails("[scenario]\ndurartion = 1s\n", NULL,
               NAME ":2: key 'scenario.durartion': unknown key (did you mean "
                    "'scenario.duration'?)");
    load_fails("[scenario]\nSeed = 1\n", NULL,
               NAME ":2: key 'scenario.Seed': unknown key (did you mean 'scenario.seed'?)");
    /* Right name, wrong group. */
    load_fails("[scenario]\nservers = 2\n", NULL,
               NAME ":2: key 'scenario.servers': unknown key (did you mean 'queue.servers'?)");
    load_fails("[scenario]\n[queue]\nfrobnicate = 1\n", NULL,
               NAME ":3: key 'queue.frobnicate': unknown key");
    load_fails("[scenario]\n[queu]\nservers = 1\n", NULL,
               NAME ":2: unknown section '[queu]' (did you mean '[queue]'?)");
    load_fails("[scenario]\n[swep]\n", NULL,
               NAME ":2: unknown section '[swep]' (did you mean '[sweep]'?)");
    load_fails("[scenario]\n[hardware]\n", NULL, NAME ":2: unknown section '[hardware]'");
    load_fails("[scenario]\n[queue x]\n", NULL,
               NAME ":2: section '[queue x]' takes no name (write '[queue]')");
}

/* ---- overrides ---- */

static void test_overrides(void)
{
    const char *const ovr[] = { "queue.servers=4", "scenario.seed = 9", "queue.servers=5", NULL };
    struct scenario *sc = load_ok("[scenario]\nseed = 3\n[queue]\nservers = 2\n", ovr);
    g_autoptr(GError) err = NULL;

    g_assert_cmpint(scenario_int(sc, "queue.servers"), ==, 5);
    g_assert_cmpint(scenario_int(sc, "scenario.seed"), ==, 9);
    g_assert_true(scenario_is_set(sc, "queue.servers"));
    scenario_error(sc, "queue.servers", &err, "too many for %d stations", 1);
    g_assert_error(err, IOVSIM_ERROR, IOVSIM_ERROR_INPUT);
    g_assert_cmpstr(err->message, ==, "--set: key 'queue.servers': too many for 1 stations");
    scenario_free(sc);

    const char *const model[] = { "scenario.model=queue", NULL };
    sc = load_ok("[scenario]\n", model);
    g_assert_cmpstr(scenario_model(sc), ==, "queue");
    scenario_free(sc);
}

static void test_override_errors(void)
{
    const char *const range[] = { "queue.servers=0", NULL };
    const char *const noeq[] = { "foo", NULL };
    const char *const nodot[] = { "servers=2", NULL };
    const char *const empty[] = { "=2", NULL };
    const char *const typo[] = { "queue.server=2", NULL };
    const char *const warm[] = { "scenario.warmup=20s", NULL };
    const char *const model[] = { "scenario.model=queu", NULL };
    const char *const sweep[] = { "sweep.queue.servers=1,2", NULL };
    const char *const unit[] = { "scenario.duration=5 min", NULL };

    load_fails("[scenario]\n", range, "--set: key 'queue.servers': 0 is out of range [1, 1024]");
    load_fails("[scenario]\n", noeq, "--set 'foo': expected section.key=value");
    load_fails("[scenario]\n", nodot, "--set 'servers=2': expected section.key=value");
    load_fails("[scenario]\n", empty, "--set '=2': expected section.key=value");
    load_fails("[scenario]\n", typo,
               "--set: key 'queue.server': unknown key (did you mean 'queue.servers'?)");
    load_fails("[scenario]\nduration = 10s\n", warm,
               "--set: key 'scenario.warmup': 20s must be less than scenario.duration (10s)");
    load_fails("[scenario]\n", sweep,
               "--set: key 'sweep.queue.servers': [sweep] entries cannot be set with --set");
    load_fails("[scenario]\n", unit,
               "--set: key 'scenario.duration': unknown unit 'min' in '5 min' (expected one "
               "of: ps ns us ms s)");
    g_autoptr(GError) err = NULL;
    g_assert_null(scenario_load_data("[scenario]\nmodel = queue\n", NAME, model, &err));
    g_assert_true(g_str_has_prefix(err->message, "--set: key 'scenario.model': unknown model "
                                                 "'queu' (expected one of: "));
}

/* ---- hash, copies, scenario_set ---- */

static char *hash_of(const char *text, const char *const *ovr)
{
    struct scenario *sc = load_ok(text, ovr);
    char *h = g_strdup(scenario_hash(sc));

    scenario_free(sc);
    return h;
}

static void test_hash(void)
{
    const char *text = "[scenario]\nseed = 1\n";
    const char *const a[] = { "queue.servers=2", NULL };
    const char *const b[] = { "queue.servers=3", NULL };
    const char *const ab[] = { "queue.servers=2", "scenario.seed=4", NULL };
    const char *const ba[] = { "scenario.seed=4", "queue.servers=2", NULL };
    g_autofree char *plain = hash_of(text, NULL);
    g_autofree char *again = hash_of(text, NULL);
    g_autofree char *edited = hash_of("[scenario]\nseed = 2\n", NULL);
    g_autofree char *ha = hash_of(text, a), *hb = hash_of(text, b);
    g_autofree char *hab = hash_of(text, ab), *hba = hash_of(text, ba);
    /* What the scenario simulates, not how its file is written: comments,
     * key order, a default spelled out, [plot] groups, the replication
     * count and the table's columns leave it the same scenario. */
    g_autofree char *cosmetic = hash_of("# a comment\n[scenario]\nreps = 9\nseed = 1\n"
                                        "table = wait_mean\n[queue]\nservers = 1\n"
                                        "[plot x]\ny = wait_mean\n",
                                        NULL);
    g_autofree char *written = hash_of("[scenario]\nseed = 1\n[queue]\nservers = 2\n", NULL);
    g_autofree char *swept = hash_of("[scenario]\nseed = 1\n[sweep]\nqueue.servers = 1, 2\n", NULL);

    g_assert_cmpstr(plain, ==, again);
    g_assert_cmpstr(plain, !=, edited);
    g_assert_cmpstr(plain, !=, ha);
    g_assert_cmpstr(ha, !=, hb);
    g_assert_cmpstr(hab, ==, hba);
    g_assert_cmpstr(ha, !=, hab);
    g_assert_cmpstr(plain, ==, cosmetic);
    g_assert_cmpstr(ha, ==, written);
    g_assert_cmpstr(plain, !=, swept);
}

static void test_dup_and_set(void)
{
    g_autofree char *path = data_path("valid.ini");
    g_autoptr(GError) err = NULL;
    struct scenario *sc = scenario_load(path, NULL, &err);
    struct scenario *copy;
    g_autofree char *hash = NULL;

    g_assert_no_error(err);
    hash = g_strdup(scenario_hash(sc));
    copy = scenario_dup(sc);
    g_assert_true(scenario_set(copy, "queue.servers", "8", &err));
    g_assert_true(scenario_set(copy, "queue.stations", "3", &err));
    g_assert_no_error(err);
    g_assert_cmpint(scenario_int(copy, "queue.servers"), ==, 8);
    g_assert_cmpint(scenario_int(sc, "queue.servers"), ==, 2);
    g_assert_true(scenario_is_set(copy, "queue.stations"));
    g_assert_false(scenario_is_set(sc, "queue.stations"));
    g_assert_cmpstr(scenario_hash(copy), ==, hash);
    /* Empirical samples are shared, not copied per sweep point. */
    g_assert_true(scenario_dist(copy, "queue.service")->values ==
                  scenario_dist(sc, "queue.service")->values);
    /* Deep: the copy's empirical values and raw groups outlive the original. */
    scenario_free(sc);
    g_assert_cmpfloat(scenario_dist(copy, "queue.service")->values[3], ==, 4e-3);
    g_assert_cmpuint(scenario_raw_group(copy, "sweep")->len, ==, 1);
    g_assert_cmpstr(scenario_name(copy), ==, "valid");

    g_assert_false(scenario_set(copy, "queue.servers", "0", &err));
    g_assert_error(err, IOVSIM_ERROR, IOVSIM_ERROR_INPUT);
    g_assert_cmpstr(err->message, ==, "--set: key 'queue.servers': 0 is out of range [1, 1024]");
    g_clear_error(&err);
    g_assert_cmpint(scenario_int(copy, "queue.servers"), ==, 8);
    g_assert_false(scenario_set(copy, "scenario.model", "other", &err));
    g_assert_cmpstr(err->message, ==,
                    "--set: key 'scenario.model': cannot be changed after loading");
    g_clear_error(&err);
    g_assert_true(scenario_set(copy, "scenario.model", "queue", NULL));

    /* Cross-parameter checks wait for scenario_validate(). */
    g_assert_true(scenario_set(copy, "scenario.warmup", "600s", NULL));
    g_assert_false(scenario_validate(copy, &err));
    g_assert_cmpstr(err->message, ==,
                    "--set: key 'scenario.warmup': 600s must be less than scenario.duration "
                    "(500s)");
    g_clear_error(&err);
    g_assert_true(scenario_set(copy, "scenario.duration", "1000s", NULL));
    g_assert_true(scenario_validate(copy, NULL));
    scenario_free(copy);
}

static void test_scenario_error(void)
{
    struct scenario *sc = load_ok("[scenario]\n\n[queue]\nservers = 2\n", NULL);
    g_autoptr(GError) err = NULL;

    scenario_error(sc, "queue.servers", &err, "%d is too many", 2);
    g_assert_cmpstr(err->message, ==, NAME ":4: key 'queue.servers': 2 is too many");
    g_clear_error(&err);
    scenario_error(sc, "queue.stations", &err, "bad");
    g_assert_cmpstr(err->message, ==, NAME ": key 'queue.stations': bad");
    g_clear_error(&err);
    scenario_error(sc, "queue.servers", NULL, "ignored");
    scenario_free(sc);
}

/* ---- the fake registry: types, instances, other models, check hook ---- */

static void test_fake_types(void)
{
    struct scenario *sc = fake_ok("[scenario]\nmodel = alpha\n[alpha]\nlabel = x y\n"
                                  "mode = qemu\nposted = No\nrate = 25Gbps\nbudget = 3e3 cycles\n"
                                  "size = uniform(64B, 1KiB)\n",
                                  NULL);

    g_assert_cmpstr(scenario_str(sc, "alpha.label"), ==, "x y");
    g_assert_cmpstr(scenario_str(sc, "alpha.mode"), ==, "qemu");
    g_assert_false(scenario_bool(sc, "alpha.posted"));
    g_assert_cmpfloat(scenario_real(sc, "alpha.rate"), ==, 25e9);
    g_assert_cmpint(scenario_int(sc, "alpha.budget"), ==, 3000);
    g_assert_cmpfloat(dist_mean(scenario_dist(sc, "alpha.size")), ==, (64 + 1024) / 2.0);
    scenario_free(sc);

    const char *const on[] = { "alpha.posted=ON", NULL };
    sc = fake_ok("[scenario]\nmodel = alpha\n[alpha]\nlabel = x\n", on);
    g_assert_true(scenario_bool(sc, "alpha.posted"));
    scenario_free(sc);
}

static void test_fake_errors(void)
{
    const char *const beta[] = { "beta.vms=2", NULL };
    const char *const posted[] = { "alpha.posted=yes", NULL };

    fake_fails("[scenario]\nmodel = alpha\n", NULL,
               NAME ": key 'alpha.label': required but not set");
    fake_fails("[scenario]\nmodel = alpha\n[alpha]\nlabel = x\nmode = vhots\n", NULL,
               NAME ":5: key 'alpha.mode': invalid value 'vhots' (did you mean 'vhost'? expected "
                    "one of: qemu, vhost)");
    fake_fails("[scenario]\nmodel = alpha\n[alpha]\nlabel = x\nmode = xyzzy\n", NULL,
               NAME ":5: key 'alpha.mode': invalid value 'xyzzy' (expected one of: qemu, vhost)");
    fake_fails("[scenario]\nmodel = alpha\n[alpha]\nlabel = x\nposted = maybe\n", NULL,
               NAME ":5: key 'alpha.posted': invalid boolean 'maybe' (expected true/false, "
                    "yes/no, on/off or 1/0)");
    fake_fails("[scenario]\nmodel = alpha\n[alpha]\nlabel = x\nrate = 1Kbps\n", NULL,
               NAME ":5: key 'alpha.rate': 1Kbps is out of range [1Mbps, 400Gbps]");
    fake_fails("[scenario]\nmodel = alpha\n[alpha]\nlabel = x\nsize = exp(1MB)\n", NULL,
               NAME ":5: key 'alpha.size': mean 1MB of 'exp(1MB)' is out of range [64B, 64KiB]");
    fake_fails("[scenario]\nmodel = alpha\n[alpha]\nlabel = x\n\n[beta]\nvms = 2\n", NULL,
               NAME ":7: key 'beta.vms': belongs to model 'beta' (scenario.model is 'alpha')");
    fake_fails("[scenario]\nmodel = alpha\n[alpha]\nlabel = x\n", beta,
               "--set: key 'beta.vms': belongs to model 'beta' (scenario.model is 'alpha')");
    /* The model's own check hook runs last, pointing at the key's line. */
    fake_fails("[scenario]\nmodel = alpha\n[alpha]\nlabel = x\nmode = qemu\nposted = on\n", NULL,
               NAME ":6: key 'alpha.posted': posted interrupts need mode 'vhost'");
    fake_fails("[scenario]\nmodel = alpha\n[alpha]\nlabel = x\nmode = qemu\n", posted,
               "--set: key 'alpha.posted': posted interrupts need mode 'vhost'");
}

static void test_instances(void)
{
    const char *const ovr[] = { "fig.extra.title=Extra", "fig.main.width=1000", NULL };
    struct scenario *sc = fake_ok("[scenario]\nmodel = alpha\n[alpha]\nlabel = x\n"
                                  "[fig main]\ntitle = Main plot\n[fig tail]\nwidth = 800\n",
                                  ovr);
    g_autoptr(GPtrArray) names = scenario_instances(sc, "fig");
    g_autoptr(GPtrArray) names2 = scenario_instances(sc, "fig.*");
    g_autoptr(GPtrArray) none = scenario_instances(sc, "alpha");
    g_autoptr(GPtrArray) kvs = scenario_effective(sc);

    g_assert_cmpuint(names->len, ==, 3);
    g_assert_cmpstr(names->pdata[0], ==, "main");
    g_assert_cmpstr(names->pdata[1], ==, "tail");
    g_assert_cmpstr(names->pdata[2], ==, "extra");
    g_assert_cmpuint(names2->len, ==, 3);
    g_assert_cmpuint(none->len, ==, 0);
    g_assert_cmpstr(scenario_str(sc, "fig.main.title"), ==, "Main plot");
    g_assert_cmpint(scenario_int(sc, "fig.main.width"), ==, 1000);
    g_assert_cmpint(scenario_int(sc, "fig.tail.width"), ==, 800);
    g_assert_cmpstr(scenario_str(sc, "fig.tail.title"), ==, "");
    g_assert_false(scenario_is_set(sc, "fig.tail.title"));
    g_assert_cmpstr(scenario_str(sc, "fig.extra.title"), ==, "Extra");
    g_assert_cmpstr(effective_value(kvs, "fig.extra.width"), ==, "640");
    g_assert_null(effective_value(kvs, "fig.*.width"));

    /* Copies keep the instances, deeply. */
    struct scenario *copy = scenario_dup(sc);
    scenario_free(sc);
    g_autoptr(GPtrArray) copied = scenario_instances(copy, "fig");
    g_assert_cmpuint(copied->len, ==, 3);
    g_assert_cmpstr(copied->pdata[2], ==, "extra");
    g_assert_cmpstr(scenario_str(copy, "fig.main.title"), ==, "Main plot");
    g_assert_false(scenario_set(copy, "fig.fifth.width", "20", NULL));
    g_autoptr(GPtrArray) after = scenario_instances(copy, "fig");
    g_assert_cmpuint(after->len, ==, 3); /* a failed set adds no instance */
    g_assert_true(scenario_set(copy, "fig.fourth.width", "200", NULL));
    g_assert_cmpint(scenario_int(copy, "fig.fourth.width"), ==, 200);
    scenario_free(copy);
}

/* Thousands of [fig NAME] groups: each kept once, in file order, also when
 * an override or a copy names one again. */
/* A scenario whose model needs more than the limit is refused at the line
 * of the key that drives the estimate. */
static void test_mem_check(void)
{
    struct scenario *sc = fake_ok("[scenario]\nmodel = alpha\n[alpha]\nlabel = x\n"
                                  "budget = 4194304\n",
                                  NULL);
    struct scenario *beta = fake_ok("[scenario]\nmodel = beta\n", NULL);
    g_autoptr(GString) keys = g_string_new(NULL);
    g_autoptr(GError) err = NULL;

    g_assert_cmpuint(scenario_mem_estimate(sc, keys), ==, 4ull << 30);
    g_assert_cmpstr(keys->str, ==, "alpha.budget, alpha.label");
    g_assert_true(scenario_check_mem(sc, 4ull << 30, NULL));
    g_assert_true(scenario_check_mem(sc, 0, NULL));
    g_assert_false(scenario_check_mem(sc, 1ull << 30, &err));
    g_assert_error(err, IOVSIM_ERROR, IOVSIM_ERROR_INPUT);
    g_assert_cmpstr(err->message, ==,
                    NAME ":5: key 'alpha.budget': needs about 4.0GiB of memory, more than the "
                         "limit of 1.0GiB (alpha.budget, alpha.label; see --mem-limit)");
    /* A model without an estimate needs nothing that it would report. */
    g_assert_cmpuint(scenario_mem_estimate(beta, NULL), ==, 0);
    g_assert_true(scenario_check_mem(beta, 1, NULL));
    scenario_free(sc);
    scenario_free(beta);
}

static void test_many_instances(void)
{
    g_autoptr(GString) text = g_string_new("[scenario]\nmodel = alpha\n[alpha]\nlabel = x\n");
    const char *const ovr[] = { "fig.g7.width=150", "fig.new.width=200", NULL };
    const guint n = 20000;

    for (guint i = 0; i < n; i++)
        g_string_append_printf(text, "[fig g%u]\nwidth = %u\n", i, 100 + i % 3000);
    struct scenario *sc = fake_ok(text->str, ovr);
    struct scenario *copy = scenario_dup(sc);
    g_assert_true(scenario_set(copy, "fig.g9.title", "nine", NULL));
    g_autoptr(GPtrArray) names = scenario_instances(copy, "fig");

    g_assert_cmpuint(names->len, ==, n + 1);
    for (guint i = 0; i < n; i += 997) {
        g_autofree char *want = g_strdup_printf("g%u", i);
        g_assert_cmpstr(names->pdata[i], ==, want);
    }
    g_assert_cmpstr(names->pdata[n], ==, "new");
    g_assert_cmpint(scenario_int(copy, "fig.g7.width"), ==, 150);
    g_assert_cmpint(scenario_int(copy, "fig.g19999.width"), ==, 100 + 19999 % 3000);
    scenario_free(copy);
    scenario_free(sc);
}

static void test_instance_errors(void)
{
    const char *const narrow[] = { "fig.main.width=50", NULL };

    fake_fails("[scenario]\nmodel = alpha\n[alpha]\nlabel = x\n[fig]\n", NULL,
               NAME ":5: section '[fig]' needs a name, e.g. '[fig NAME]'");
    fake_fails("[scenario]\nmodel = alpha\n[alpha]\nlabel = x\n[figs main]\n", NULL,
               NAME ":5: unknown section '[figs main]' (did you mean '[fig main]'?)");
    fake_fails("[scenario]\nmodel = alpha\n[alpha]\nlabel = x\n[fig main]\ntitel = t\n", NULL,
               NAME ":6: key 'fig.main.titel': unknown key (did you mean 'fig.main.title'?)");
    fake_fails("[scenario]\nmodel = alpha\n[alpha]\nlabel = x\n[fig a.b]\n", NULL,
               NAME ":5: malformed section header '[fig a.b]' (no '.' in names)");
    /* The name alone does not make a key an instanced one. */
    fake_fails("[scenario]\nmodel = alpha\ntitle = x\n", NULL,
               NAME ":3: key 'scenario.title': unknown key");
    fake_fails("[scenario]\nmodel = alpha\n[alpha]\nlabel = x\n[fig main]\n", narrow,
               "--set: key 'fig.main.width': 50 is out of range [100, 4000]");
    fake_fails("[scenario]\nmodel = alpha\n[alpha]\nlabel = x\n[fig a]\nwidth = 200\n"
               "[fig a]\nwidth = 300\n",
               NULL, NAME ":8: key 'fig.a.width': duplicate (first set on line 6)");
}

/* ---- the registry and accessor misuse ---- */

static void test_registry(void)
{
    const struct param_def *const *defs;
    size_t n = scenario_registry(&defs), want = scenario_core_n_params;
    bool seen_seed = false, seen_servers = false;
    g_autoptr(GHashTable) tables = g_hash_table_new(NULL, NULL);
    g_autoptr(GHashTable) keys = g_hash_table_new(g_str_hash, g_str_equal);

    /* A component's table (host.*, hv.*, ...) that several models list
     * counts once. */
    for (size_t m = 0; model_registry[m]; m++)
        for (const struct param_table *const *t = model_registry[m]->tables; *t; t++)
            if (g_hash_table_add(tables, (gpointer)(*t)->params))
                want += *(*t)->n;
    for (const struct param_table *t = shared_param_tables; t->params; t++)
        want += *t->n;
    g_assert_cmpuint(n, ==, want);
    for (size_t i = 0; i < n; i++) {
        /* Every key is defined once, whichever models share it. */
        g_assert_true(g_hash_table_add(keys, (gpointer)defs[i]->key));
        seen_seed |= strcmp(defs[i]->key, "scenario.seed") == 0;
        seen_servers |= strcmp(defs[i]->key, "queue.servers") == 0;
        g_assert_nonnull(defs[i]->help);
        g_assert_nonnull(defs[i]->source);
    }
    g_assert_true(seen_seed && seen_servers);
    g_assert_cmpstr(param_type_name(&scenario_core_params[3]), ==, "time");
    g_assert_cmpstr(param_type_name(&alpha_params[1]), ==, "enum");
    g_assert_cmpstr(param_type_name(&alpha_params[3]), ==, "bitrate");
    g_assert_cmpstr(param_type_name(&alpha_params[4]), ==, "cycles");
    g_assert_cmpstr(param_type_name(&alpha_params[5]), ==, "dist(size)");
    g_autofree char *range = param_format_range(&scenario_core_params[3]);
    g_assert_cmpstr(range, ==, "[1ps, 1e+06s]");
    g_assert_null(param_format_range(&alpha_params[0]));
}

static void abort_case(void (*misuse)(const struct scenario *sc), const char *pattern)
{
    if (g_test_subprocess()) {
        struct scenario *sc = load_ok("[scenario]\n", NULL);
        misuse(sc);
        scenario_free(sc);
        return;
    }
    g_test_trap_subprocess(NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
    g_test_trap_assert_failed();
    g_test_trap_assert_stderr(pattern);
}

static void misuse_unregistered(const struct scenario *sc)
{
    scenario_int(sc, "queue.nope");
}

static void misuse_type(const struct scenario *sc)
{
    scenario_int(sc, "scenario.duration");
}

static void misuse_time(const struct scenario *sc)
{
    scenario_time(sc, "scenario.seed");
}

static void misuse_str(const struct scenario *sc)
{
    scenario_str(sc, "queue.servers");
}

static void test_abort_unregistered(void)
{
    abort_case(misuse_unregistered, "*key 'queue.nope' is not registered*");
}

static void test_abort_type(void)
{
    abort_case(misuse_type, "*key 'scenario.duration' has type time, not int*");
}

static void test_abort_time(void)
{
    abort_case(misuse_time, "*key 'scenario.seed' has type int, not time*");
}

static void test_abort_str(void)
{
    abort_case(misuse_str, "*key 'queue.servers' has type int, not string*");
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/scenario/load/valid", test_valid_file);
    g_test_add_func("/scenario/load/defaults", test_defaults);
    g_test_add_func("/scenario/load/as-written", test_effective_as_written);
    g_test_add_func("/scenario/suggest/distance", test_suggest_distance);
    g_test_add_func("/scenario/suggest/long", test_suggest_long);
    g_test_add_func("/scenario/file/errors", test_file_errors);
    g_test_add_func("/scenario/file/binary", test_binary);
    g_test_add_func("/scenario/errors/syntax", test_syntax_errors);
    g_test_add_func("/scenario/errors/duplicates", test_duplicates);
    g_test_add_func("/scenario/errors/values", test_value_errors);
    g_test_add_func("/scenario/errors/model", test_unknown_model);
    g_test_add_func("/scenario/errors/suggestions", test_suggestions);
    g_test_add_func("/scenario/overrides/apply", test_overrides);
    g_test_add_func("/scenario/overrides/errors", test_override_errors);
    g_test_add_func("/scenario/hash/changes", test_hash);
    g_test_add_func("/scenario/set/dup", test_dup_and_set);
    g_test_add_func("/scenario/set/error", test_scenario_error);
    g_test_add_func("/scenario/registry/fake-types", test_fake_types);
    g_test_add_func("/scenario/registry/fake-errors", test_fake_errors);
    g_test_add_func("/scenario/registry/instances", test_instances);
    g_test_add_func("/scenario/registry/instance-errors", test_instance_errors);
    g_test_add_func("/scenario/registry/many-instances", test_many_instances);
    g_test_add_func("/scenario/mem/check", test_mem_check);
    g_test_add_func("/scenario/registry/all", test_registry);
    g_test_add_func("/scenario/accessors/unregistered", test_abort_unregistered);
    g_test_add_func("/scenario/accessors/type", test_abort_type);
    g_test_add_func("/scenario/accessors/time", test_abort_time);
    g_test_add_func("/scenario/accessors/str", test_abort_str);
    return g_test_run();
}
