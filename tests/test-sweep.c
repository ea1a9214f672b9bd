/* Tests for sim/sweep.c: value lists and ranges, the Cartesian product and
 * its order, lockstep groups, exclude rules, --vary overrides, labels, and
 * the one-line errors for bad sweeps. Scenarios are inline text for the queueing model. */
#include <string.h>

#include <glib.h>

#include "scenario.h"
#include "sweep.h"

static struct scenario *load(const char *text)
{
    GError *error = NULL;
    struct scenario *sc = scenario_load_data(text, "t.ini", NULL, &error);

    g_assert_no_error(error);
    g_assert_nonnull(sc);
    return sc;
}

static void check_values(const char *text, const char *const *want)
{
    GError *error = NULL;
    g_autoptr(GPtrArray) v = sweep_parse_values(text, &error);
    guint n = g_strv_length((char **)want);

    g_assert_no_error(error);
    g_assert_cmpuint(v->len, ==, n);
    for (guint i = 0; i < n; i++)
        g_assert_cmpstr(g_ptr_array_index(v, i), ==, want[i]);
}

static void check_values_error(const char *text, const char *fragment)
{
    GError *error = NULL;
    GPtrArray *v = sweep_parse_values(text, &error);

    g_assert_null(v);
    g_assert_error(error, IOVSIM_ERROR, IOVSIM_ERROR_INPUT);
    if (!strstr(error->message, fragment))
        g_error("'%s' does not mention '%s'", error->message, fragment);
    g_assert_null(strchr(error->message, '\n'));
    g_error_free(error);
}

static void test_values(void)
{
    check_values("1, 2 ,4", (const char *const[]){ "1", "2", "4", NULL });
    /* Commas inside parentheses belong to the value. */
    check_values("exp(1s), uniform(1ms, 3ms)",
                 (const char *const[]){ "exp(1s)", "uniform(1ms, 3ms)", NULL });
    check_values("1..4:1", (const char *const[]){ "1", "2", "3", "4", NULL });
    check_values("10us..50us:20us", (const char *const[]){ "10us", "30us", "50us", NULL });
    /* Binary rounding must not drop the last value or print 0.30000000000000004. */
    check_values("0.1..0.3:0.1", (const char *const[]){ "0.1", "0.2", "0.3", NULL });
    check_values("1..2:5", (const char *const[]){ "1", NULL });
    check_values("0, 5..6:1", (const char *const[]){ "0", "5", "6", NULL });
    check_values("1.5e3..2e3:250", (const char *const[]){ "1500", "1750", "2000", NULL });
}

static void test_values_errors(void)
{
    check_values_error("", "empty list");
    check_values_error("  ", "empty list");
    check_values_error("1,,2", "empty value");
    check_values_error("exp(1s", "unbalanced");
    check_values_error("1..5", "needs a step");
    check_values_error("1us..5ms:1us", "same unit");
    check_values_error("5..1:1", "a <= b");
    check_values_error("1..5:0", "positive step");
    check_values_error("x..5:1", "not a decimal number");
    /* Decimal only, as a value anywhere else in a scenario. */
    check_values_error("0x1..0x3:0x1", "'0x1' in a range is not a decimal number");
    check_values_error("1..inf:1", "'inf' in a range is not a decimal number");
    check_values_error("0..1e9:1", "more than");
}

static const char grid_ini[] = "[scenario]\nduration = 10s\n"
                               "[sweep]\n"
                               "queue.servers = 1, 2\n"
                               "queue.service = exp(1s), det(1s), exp(2s)\n";

static void test_product_order(void)
{
    struct scenario *sc = load(grid_ini);
    GError *error = NULL;
    struct sweep *sw = sweep_new(sc, NULL, NULL, NULL, &error);
    static const char *const want[] = {
        "queue.servers=1,queue.service=exp(1s)", "queue.servers=1,queue.service=det(1s)",
        "queue.servers=1,queue.service=exp(2s)", "queue.servers=2,queue.service=exp(1s)",
        "queue.servers=2,queue.service=det(1s)", "queue.servers=2,queue.service=exp(2s)",
    };

    g_assert_no_error(error);
    g_assert_cmpuint(sweep_n_points(sw), ==, 6);
    g_assert_cmpuint(sweep_n_keys(sw), ==, 2);
    g_assert_cmpstr(sweep_key(sw, 0), ==, "queue.servers");
    for (size_t p = 0; p < 6; p++) {
        g_autofree char *label = sweep_label(sw, p);
        struct scenario *pt = sweep_scenario(sw, p, &error);

        g_assert_no_error(error);
        g_assert_cmpstr(label, ==, want[p]);
        /* The point's scenario has its values; the base is untouched. */
        g_assert_cmpint(scenario_int(pt, "queue.servers"), ==, p < 3 ? 1 : 2);
        g_assert_cmpint(scenario_int(sc, "queue.servers"), ==, 1);
        g_assert_true(scenario_dist(pt, "queue.service")->kind ==
                      (p % 3 == 1 ? DIST_DET : DIST_EXP));
        scenario_free(pt);
    }
    sweep_free(sw);
    scenario_free(sc);
}

static void test_empty_sweep(void)
{
    struct scenario *sc = load("[scenario]\nduration = 10s\n");
    GError *error = NULL;
    struct sweep *sw = sweep_new(sc, NULL, NULL, NULL, &error);
    g_autofree char *label = NULL;

    g_assert_no_error(error);
    g_assert_cmpuint(sweep_n_points(sw), ==, 1);
    g_assert_cmpuint(sweep_n_keys(sw), ==, 0);
    label = sweep_label(sw, 0);
    g_assert_cmpstr(label, ==, SWEEP_BASE_LABEL);
    sweep_free(sw);
    scenario_free(sc);
}

static void test_vary(void)
{
    struct scenario *sc = load(grid_ini);
    const char *const vary[] = { "queue.service=det(2s)", "queue.stations=1..3:2", NULL };
    GError *error = NULL;
    struct sweep *sw = sweep_new(sc, vary, NULL, NULL, &error);
    g_autofree char *last = NULL;

    /* --vary replaces the [sweep] list in place and appends new keys. */
    g_assert_no_error(error);
    g_assert_cmpuint(sweep_n_points(sw), ==, 4);
    last = sweep_label(sw, 3);
    g_assert_cmpstr(last, ==, "queue.servers=2,queue.service=det(2s),queue.stations=3");
    sweep_free(sw);
    scenario_free(sc);
}

static void test_lockstep(void)
{
    struct scenario *sc = load("[scenario]\nduration = 10s\n"
                               "[sweep]\n"
                               "queue.servers = 1, 2, 4\n"
                               "queue.stations = 1, 2\n"
                               "queue.service = exp(1s), exp(2s), exp(4s)\n"
                               "lockstep = queue.servers, queue.service\n");
    GError *error = NULL;
    struct sweep *sw = sweep_new(sc, NULL, NULL, NULL, &error);
    g_autofree char *l0 = NULL, *l1 = NULL, *l5 = NULL;

    g_assert_no_error(error);
    g_assert_cmpuint(sweep_n_points(sw), ==, 6);
    l0 = sweep_label(sw, 0);
    l1 = sweep_label(sw, 1);
    l5 = sweep_label(sw, 5);
    g_assert_cmpstr(l0, ==, "queue.servers=1,queue.stations=1,queue.service=exp(1s)");
    g_assert_cmpstr(l1, ==, "queue.servers=1,queue.stations=2,queue.service=exp(1s)");
    g_assert_cmpstr(l5, ==, "queue.servers=4,queue.stations=2,queue.service=exp(4s)");
    sweep_free(sw);
    scenario_free(sc);
}

/* The labels of every point of @sw, in order, joined by " ; ". */
static char *all_labels(const struct sweep *sw)
{
    GString *s = g_string_new(NULL);

    for (size_t p = 0; p < sweep_n_points(sw); p++) {
        g_autofree char *label = sweep_label(sw, p);

        g_string_append_printf(s, "%s%s", p ? " ; " : "", label);
    }
    return g_string_free(s, FALSE);
}

static void test_exclude(void)
{
    struct scenario *sc = load("[scenario]\nduration = 10s\n"
                               "[sweep]\n"
                               "queue.servers = 1, 2, 4\n"
                               "queue.service = exp(1s), det(1s)\n"
                               "exclude = queue.servers=1|4, queue.service=det(1s)\n"
                               "exclude.two = queue.servers=2, queue.service=exp(1s)\n");
    GError *error = NULL;
    struct sweep *sw = sweep_new(sc, NULL, NULL, NULL, &error);
    g_autofree char *labels = NULL;

    /* Left out, the others keep their labels and their order. */
    g_assert_no_error(error);
    g_assert_cmpuint(sweep_n_points(sw), ==, 3);
    g_assert_cmpuint(sweep_n_excluded(sw), ==, 3);
    g_assert_cmpuint(sweep_n_keys(sw), ==, 2);
    labels = all_labels(sw);
    g_assert_cmpstr(labels, ==,
                    "queue.servers=1,queue.service=exp(1s) ; queue.servers=2,queue.service=det(1s) "
                    "; queue.servers=4,queue.service=exp(1s)");
    /* The point's scenario is the point the label names. */
    static const int servers[] = { 1, 2, 4 };
    for (size_t p = 0; p < 3; p++) {
        struct scenario *pt = sweep_scenario(sw, p, &error);

        g_assert_no_error(error);
        g_assert_cmpint(scenario_int(pt, "queue.servers"), ==, servers[p]);
        g_assert_true(scenario_dist(pt, "queue.service")->kind == (p == 1 ? DIST_DET : DIST_EXP));
        scenario_free(pt);
    }
    sweep_free(sw);

    /* --exclude adds to the file's rules; it may name a --vary key. */
    const char *const vary[] = { "queue.stations=1, 2", NULL };
    const char *const excl[] = { "queue.stations=2, queue.servers=4", NULL };
    sw = sweep_new(sc, vary, NULL, excl, &error);
    g_assert_no_error(error);
    g_assert_cmpuint(sweep_n_points(sw), ==, 5);
    g_free(labels);
    labels = all_labels(sw);
    g_assert_cmpstr(labels, ==,
                    "queue.servers=1,queue.service=exp(1s),queue.stations=1 ; "
                    "queue.servers=1,queue.service=exp(1s),queue.stations=2 ; "
                    "queue.servers=2,queue.service=det(1s),queue.stations=1 ; "
                    "queue.servers=2,queue.service=det(1s),queue.stations=2 ; "
                    "queue.servers=4,queue.service=exp(1s),queue.stations=1");
    sweep_free(sw);
    scenario_free(sc);
}

static void test_exclude_lockstep(void)
{
    struct scenario *sc = load("[scenario]\nduration = 10s\n"
                               "[sweep]\n"
                               "queue.servers = 1, 2, 4\n"
                               "queue.stations = 1, 2\n"
                               "queue.service = exp(1s), exp(2s), exp(4s)\n"
                               "lockstep = queue.servers, queue.service\n"
                               "exclude = queue.service=exp(2s)|exp(4s), queue.stations=2\n");
    GError *error = NULL;
    struct sweep *sw = sweep_new(sc, NULL, NULL, NULL, &error);
    g_autofree char *labels = NULL;

    g_assert_no_error(error);
    g_assert_cmpuint(sweep_n_points(sw), ==, 4);
    labels = all_labels(sw);
    g_assert_cmpstr(labels, ==,
                    "queue.servers=1,queue.stations=1,queue.service=exp(1s) ; "
                    "queue.servers=1,queue.stations=2,queue.service=exp(1s) ; "
                    "queue.servers=2,queue.stations=1,queue.service=exp(2s) ; "
                    "queue.servers=4,queue.stations=1,queue.service=exp(4s)");
    sweep_free(sw);
    scenario_free(sc);
}

/* Exclude rules pick a subset of the points: the scenario stays the same
 * for the store, so a database made without them resumes. */
static void test_exclude_hash(void)
{
    struct scenario *a = load(grid_ini);
    g_autofree char *text = g_strconcat(grid_ini, "exclude = queue.servers=1\n", NULL);
    struct scenario *b = load(text);
    g_autofree char *other = g_strconcat(grid_ini, "queue.stations = 1, 2\n", NULL);
    struct scenario *c = load(other);

    g_assert_cmpstr(scenario_hash(a), ==, scenario_hash(b));
    g_assert_cmpstr(scenario_hash(a), !=, scenario_hash(c));
    scenario_free(a);
    scenario_free(b);
    scenario_free(c);
}

/* Bad sweeps: one line, exit-2 class, naming FILE:LINE (or --vary) and the key. */
static void check_sweep_error_x(const char *ini, const char *const *vary, const char *const *lock,
                                const char *const *exclude, const char *fragment)
{
    g_autofree char *text = g_strconcat("[scenario]\nduration = 10s\n", ini, NULL);
    struct scenario *sc = load(text);
    GError *error = NULL;

    g_assert_null(sweep_new(sc, vary, lock, exclude, &error));
    g_assert_error(error, IOVSIM_ERROR, IOVSIM_ERROR_INPUT);
    if (!strstr(error->message, fragment))
        g_error("'%s' does not mention '%s'", error->message, fragment);
    g_assert_null(strchr(error->message, '\n'));
    g_error_free(error);
    scenario_free(sc);
}

static void check_sweep_error(const char *ini, const char *const *vary, const char *const *lock,
                              const char *fragment)
{
    check_sweep_error_x(ini, vary, lock, NULL, fragment);
}

static void test_errors(void)
{
    check_sweep_error("[sweep]\nqueue.servers =\n", NULL, NULL,
                      "t.ini:4: key 'queue.servers': empty list of values");
    check_sweep_error("[sweep]\nqueue.servers = 1, 2\nqueue.service = exp(1s)\n"
                      "lockstep = queue.servers, queue.service\n",
                      NULL, NULL,
                      "t.ini:6: lockstep keys 'queue.servers' (2 values) and 'queue.service' "
                      "(1 value) need lists of the same length");
    check_sweep_error("[sweep]\nqueue.servers = 1, zwei\n", NULL, NULL,
                      "t.ini:4: key 'queue.servers': ");
    check_sweep_error("[sweep]\nqueue.servers = 1, 0\n", NULL, NULL,
                      "t.ini:4: key 'queue.servers'");
    check_sweep_error("[sweep]\nqueue.server = 1, 2\n", NULL, NULL, "did you mean 'queue.servers'");
    check_sweep_error("[sweep]\nlockstep = queue.servers, queue.service\n", NULL, NULL,
                      "t.ini:4: lockstep key 'queue.servers' is not swept");
    check_sweep_error("", (const char *const[]){ "queue.servers", NULL }, NULL,
                      "--vary 'queue.servers': expected SECTION.KEY=VALUES");
    check_sweep_error("", (const char *const[]){ "queue.servers=1..3:1", "queue.stations=1", NULL },
                      (const char *const[]){ "queue.servers,queue.stations", NULL },
                      "--lockstep: lockstep keys");
    check_sweep_error("", (const char *const[]){ "queue.servers=", NULL }, NULL,
                      "--vary: key 'queue.servers': empty list");
    /* A duplicate at the end of a long list (found with a set, not by
     * comparing every pair). */
    check_sweep_error("[sweep]\nqueue.service = 1ms..100000ms:1ms, 99999ms\n", NULL, NULL,
                      "t.ini:4: key 'queue.service': value '99999ms' is listed twice");
}

#define TWO_BY_THREE "[sweep]\nqueue.servers = 1, 2\nqueue.service = exp(1s), det(1s), exp(2s)\n"

static void test_exclude_errors(void)
{
    check_sweep_error(TWO_BY_THREE "exclude = queue.stations=1\n", NULL, NULL,
                      "t.ini:6: exclude key 'queue.stations' is not swept");
    check_sweep_error(TWO_BY_THREE "exclude = queue.servers=3\n", NULL, NULL,
                      "t.ini:6: exclude key 'queue.servers': value '3' is not one of its swept "
                      "values (1, 2)");
    /* Values are matched as written in the list. */
    check_sweep_error(TWO_BY_THREE "exclude = queue.service=exp(1 s)\n", NULL, NULL,
                      "t.ini:6: exclude key 'queue.service': value 'exp(1 s)' is not one");
    check_sweep_error(TWO_BY_THREE "exclude = queue.servers=1|1\n", NULL, NULL,
                      "t.ini:6: exclude key 'queue.servers': value '1' is listed twice");
    check_sweep_error(TWO_BY_THREE "exclude = queue.servers=1|\n", NULL, NULL,
                      "t.ini:6: exclude key 'queue.servers': empty value in '1|'");
    check_sweep_error(TWO_BY_THREE "exclude = queue.servers=1, queue.servers=2\n", NULL, NULL,
                      "t.ini:6: exclude key 'queue.servers' is named twice in one rule");
    check_sweep_error(TWO_BY_THREE "exclude = queue.servers\n", NULL, NULL,
                      "t.ini:6: exclude 'queue.servers': expected KEY=VALUE");
    check_sweep_error(TWO_BY_THREE "exclude = =1\n", NULL, NULL,
                      "t.ini:6: exclude '=1': expected KEY=VALUE");
    check_sweep_error(TWO_BY_THREE "exclude =\n", NULL, NULL,
                      "t.ini:6: exclude '': expected KEY=VALUE");
    check_sweep_error(TWO_BY_THREE "exclude = queue.servers=1, queue.service=exp(1s\n", NULL, NULL,
                      "t.ini:6: exclude 'queue.servers=1, queue.service=exp(1s'");
    /* Every point left out, by one rule or by several. */
    check_sweep_error(TWO_BY_THREE "exclude = queue.servers=1|2\n", NULL, NULL,
                      "t.ini:6: exclude 'queue.servers=1|2' leaves no point of the sweep to run");
    check_sweep_error(TWO_BY_THREE "exclude.a = queue.servers=1\nexclude.b = queue.servers=2\n",
                      NULL, NULL, "t.ini:7: exclude 'queue.servers=2' leaves no point");
    /* Keys in lockstep never take these values together. */
    check_sweep_error("[sweep]\nqueue.servers = 1, 2\nqueue.service = exp(1s), det(1s)\n"
                      "lockstep = queue.servers, queue.service\n"
                      "exclude = queue.servers=1, queue.service=det(1s)\n",
                      NULL, NULL,
                      "t.ini:7: exclude 'queue.servers=1, queue.service=det(1s)' matches no point");
    /* A scenario without a sweep has nothing to exclude. */
    check_sweep_error("[sweep]\nexclude = queue.servers=1\n", NULL, NULL,
                      "t.ini:4: exclude key 'queue.servers' is not swept");
    /* --exclude: named as the origin; checked against --vary's values. */
    check_sweep_error_x(TWO_BY_THREE, NULL, NULL, (const char *const[]){ "queue.servers=4", NULL },
                        "--exclude: exclude key 'queue.servers': value '4' is not one");
    check_sweep_error_x(TWO_BY_THREE "exclude = queue.servers=1\n",
                        (const char *const[]){ "queue.servers=2, 4", NULL }, NULL, NULL,
                        "t.ini:6: exclude key 'queue.servers': value '1' is not one of its swept "
                        "values (2, 4)");
    /* A long list is cut short in the message. */
    check_sweep_error("[sweep]\nqueue.servers = 1..20:1\nexclude = queue.servers=30\n", NULL, NULL,
                      "(1, 2, 3, 4, 5, 6, 7, 8, ...)");
}

static void test_label_parse_cmp(void)
{
    g_autoptr(GPtrArray) kv = sweep_label_parse("a.b=1,c.d=uniform(1ms, 3ms)");
    g_autoptr(GPtrArray) none = sweep_label_parse(SWEEP_BASE_LABEL);
    const struct scenario_kv *p;

    g_assert_cmpuint(kv->len, ==, 2);
    p = g_ptr_array_index(kv, 1);
    g_assert_cmpstr(p->key, ==, "c.d");
    g_assert_cmpstr(p->value, ==, "uniform(1ms, 3ms)");
    g_assert_cmpuint(none->len, ==, 0);
    g_assert_cmpint(sweep_label_cmp("q.s=2", "q.s=10"), <, 0);
    g_assert_cmpint(sweep_label_cmp("q.s=10", "q.s=2"), >, 0);
    g_assert_cmpint(sweep_label_cmp("q.s=2.5us", "q.s=10us"), <, 0);
    g_assert_cmpint(sweep_label_cmp("q.s=1,q.t=exp(2s)", "q.s=1,q.t=exp(10s)"), <, 0);
    g_assert_cmpint(sweep_label_cmp("abc", "abc"), ==, 0);
    g_assert_cmpint(sweep_label_cmp("ab", "abc"), <, 0);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/sweep/values/lists-ranges", test_values);
    g_test_add_func("/sweep/values/errors", test_values_errors);
    g_test_add_func("/sweep/grid/product-order", test_product_order);
    g_test_add_func("/sweep/grid/empty", test_empty_sweep);
    g_test_add_func("/sweep/grid/vary", test_vary);
    g_test_add_func("/sweep/grid/lockstep", test_lockstep);
    g_test_add_func("/sweep/grid/errors", test_errors);
    g_test_add_func("/sweep/exclude/grid", test_exclude);
    g_test_add_func("/sweep/exclude/lockstep", test_exclude_lockstep);
    g_test_add_func("/sweep/exclude/hash", test_exclude_hash);
    g_test_add_func("/sweep/exclude/errors", test_exclude_errors);
    g_test_add_func("/sweep/label/parse-cmp", test_label_parse_cmp);
    return g_test_run();
}
