/* `iovsim run`: the scenario's replications, one after the other, each
 * written to the database in its own transaction as soon as it ends, then a
 * table of the run totals (mean and 95% CI over replications). */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "datadir.h"
#include "humanize.h"
#include "progress.h"
#include "rng.h"
#include "runner.h"
#include "scenario.h"
#include "stats.h"
#include "store.h"
#include "sweep.h"
#include "walltime.h"

/* Per-metric accumulation across replications, in first-seen order. */
struct table_row {
    char *name;
    char *unit;
    struct welford w;
};

static void table_row_free(gpointer p)
{
    struct table_row *r = p;
    g_free(r->name);
    g_free(r->unit);
    g_free(r);
}

static void table_add(GPtrArray *rows, GHashTable *index, const struct report *rep)
{
    for (guint i = 0; i < rep->metrics->len; i++) {
        const struct report_metric *m = g_ptr_array_index(rep->metrics, i);
        if (strcmp(m->scope, "all") != 0)
            continue;
        struct table_row *r = g_hash_table_lookup(index, m->name);
        if (!r) {
            r = g_new0(struct table_row, 1);
            r->name = g_strdup(m->name);
            r->unit = g_strdup(m->unit);
            welford_init(&r->w);
            g_ptr_array_add(rows, r);
            g_hash_table_insert(index, r->name, r);
        }
        /* NaN is "undefined in this run" (a mean over no samples). */
        if (!isnan(m->value))
            welford_add(&r->w, m->value);
    }
}

static bool is_stage(const struct table_row *r)
{
    return g_str_has_prefix(r->name, "stage_");
}

static void row_print(const struct table_row *r, int width, double total)
{
    double mean = welford_mean(&r->w);
    double ci = ci95_halfwidth(sqrt(welford_variance(&r->w)), r->w.n);
    double f;
    const char *u = humanize_scale(mean, r->unit, &f);

    if (r->w.n == 0) {
        printf("%-*s %12s %12s  %s (undefined: no samples)\n", width, r->name, "-", "-", r->unit);
        return;
    }
    printf("%-*s %12.6g ", width, r->name, mean * f);
    if (r->w.n >= 2)
        printf("%12.3g", ci * f);
    else
        printf("%12s", "-");
    printf("  %-5s", u);
    if (total > 0)
        printf(" %6.1f%%", 100.0 * mean / total);
    printf("\n");
}

/* The run totals, then the per-packet cost breakdown: the stage_* metrics,
 * each with its share of the mean latency they add up to. */
static void table_print(GPtrArray *rows)
{
    int width = 18;
    double stages = 0;
    const struct table_row *latency = NULL;
    for (guint i = 0; i < rows->len; i++) {
        const struct table_row *r = g_ptr_array_index(rows, i);
        width = MAX(width, (int)strlen(r->name));
        if (is_stage(r))
            stages += welford_mean(&r->w);
        if (strcmp(r->name, "latency_mean") == 0)
            latency = r;
    }
    printf("%-*s %12s %12s  %s\n", width, "metric (scope all)", "mean", "+-95% CI", "unit");
    for (guint i = 0; i < rows->len; i++) {
        const struct table_row *r = g_ptr_array_index(rows, i);
        if (!is_stage(r))
            row_print(r, width, 0);
    }
    if (stages <= 0)
        return;
    printf("\nper-packet cost breakdown (mean time in each stage, share of the latency)\n");
    for (guint i = 0; i < rows->len; i++) {
        const struct table_row *r = g_ptr_array_index(rows, i);
        if (is_stage(r) && welford_mean(&r->w) > 0)
            row_print(r, width, stages);
    }
    double f;
    const char *u = humanize_scale(stages, "s", &f);
    printf("%-*s %12.6g %12s  %-5s", width, "sum of stages", stages * f, "", u);
    if (latency)
        printf("  (latency_mean %.6g %s)", welford_mean(&latency->w) * f, u);
    printf("\n");
}

struct run_opts {
    char *db;
    char **sets;
    char *seed;
    char *reps;
    gboolean quiet;
    gboolean force;
    char *mem;
    uint64_t mem_limit;
};

/* The error's line on a line of its own, after a redrawn progress line. */
static int run_failed(const struct progress *pg, GError *error)
{
    if (pg->tty && pg->done)
        fputc('\n', stderr);
    return cli_fail(error);
}

static int run_all(struct scenario *sc, struct store *st, const char *db, const struct run_opts *o)
{
    int reps = (int)scenario_int(sc, "scenario.reps");
    uint64_t base = (uint64_t)scenario_int(sc, "scenario.seed");
    g_autoptr(GPtrArray) params = scenario_effective(sc);
    g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func(table_row_free);
    g_autoptr(GHashTable) index = g_hash_table_new(g_str_hash, g_str_equal);
    uint64_t events = 0;
    double wall = 0;
    int written = 0;
    struct progress pg;

    progress_init(&pg, "run", o->quiet);
    pg.total = (size_t)reps;
    for (int rep = 0; rep < reps; rep++) {
        struct run_result res;
        GError *error = NULL;
        g_autofree char *started = walltime_utc_iso();
        uint64_t seed = rng_rep_seed(base, rep);
        if (!runner_run_bounded(sc, seed, &cli_interrupted, o->mem_limit, &res, &error))
            return run_failed(&pg, error);
        if (res.interrupted) {
            if (pg.tty && pg.done)
                fputc('\n', stderr);
            fprintf(stderr,
                    "iovsim: interrupted during replication %d; %d of %d runs written to "
                    "'%s', database intact\n",
                    rep, written, reps, db);
            return 130;
        }
        struct store_run run = {
            .scenario = scenario_name(sc),
            .point = SWEEP_BASE_LABEL,
            .rep = rep,
            .seed = seed,
            .status = "done",
            .sim_seconds = res.sim_seconds,
            .wall_seconds = res.wall_seconds,
            .events = res.events,
            .started_at = started,
            .scenario_hash = scenario_hash(sc),
        };
        bool ok = store_write_run(st, &run, params, res.report, NULL, &error);
        if (ok)
            table_add(rows, index, res.report);
        report_free(res.report);
        if (!ok)
            return run_failed(&pg, error);
        written++;
        events += res.events;
        wall += res.wall_seconds;
        progress_ended(&pg, false, false);
    }
    progress_draw(&pg, true);
    if (!o->quiet) {
        printf("scenario '%s' (model %s): %d replication%s of %g s simulated after %g s warm-up\n",
               scenario_name(sc), scenario_model(sc), reps, reps == 1 ? "" : "s",
               sim_time_to_s(scenario_time(sc, "scenario.duration") -
                             scenario_time(sc, "scenario.warmup")),
               sim_time_to_s(scenario_time(sc, "scenario.warmup")));
        table_print(rows);
        printf("wrote %d run%s to %s (%.3g M events in %.3g s, %.3g M events/s)\n", written,
               written == 1 ? "" : "s", db, (double)events * 1e-6, wall,
               wall > 0 ? (double)events * 1e-6 / wall : 0.0);
    }
    return 0;
}

static int run_file(const char *path, const struct run_opts *o)
{
    GError *error = NULL;
    struct scenario *sc = cli_load_scenario(path, o->sets, o->seed, o->reps, &error);
    size_t points;
    /* `run` ignores the [sweep] group but refuses a wrong one, as `check`
     * does; its own world must fit the memory limit. */
    if (!sc || !cli_check_sweep(sc, 0, &points, NULL, &error) ||
        !scenario_check_mem(sc, o->mem_limit, &error)) {
        scenario_free(sc);
        return cli_fail(error);
    }
    g_autofree char *db = o->db ? g_strdup(o->db) : cli_default_db(scenario_name(sc));
    /* The default place is ours to make; a directory the user named is not. */
    if (!o->db)
        g_mkdir_with_parents("results", 0755);
    struct store *st = store_open(db, &error);
    if (st && !store_check_scenario(st, scenario_hash(sc), IOVSIM_VERSION, o->force, &error)) {
        store_close(st);
        st = NULL;
    }
    if (!st) {
        scenario_free(sc);
        return cli_fail(error);
    }
    cli_catch_interrupts();
    int status = run_all(sc, st, db, o);
    /* Running one point of twelve and finding one row surprises; said after
     * the results, so that an error stays the one line on stderr. */
    if (status == 0 && points > 1 && !o->quiet) {
        g_autofree char *note =
            g_strdup_printf("note: '%s' has a [sweep] of %zu points; 'iovsim run' runs its base "
                            "point only ('iovsim sweep' runs them all)",
                            path, points);
        fflush(stdout);
        cli_print_line(note);
    }
    store_close(st);
    scenario_free(sc);
    return status;
}

int cli_run(int argc, char **argv)
{
    struct run_opts o = { 0 };
    GOptionEntry entries[] = {
        { "output", 'o', 0, G_OPTION_ARG_FILENAME, &o.db, "database (default results/NAME.db)",
          "DB" },
        { "set", 's', 0, G_OPTION_ARG_STRING_ARRAY, &o.sets, "override a parameter",
          "SECTION.KEY=VALUE" },
        { "seed", 0, 0, G_OPTION_ARG_STRING, &o.seed, "base seed (overrides scenario.seed)", "N" },
        { "reps", 0, 0, G_OPTION_ARG_STRING, &o.reps, "replications (overrides scenario.reps)",
          "N" },
        { "quiet", 'q', 0, G_OPTION_ARG_NONE, &o.quiet, "print nothing on success", NULL },
        { "force", 0, 0, G_OPTION_ARG_NONE, &o.force,
          "write into a database that holds another scenario's or version's runs", NULL },
        { "mem-limit", 0, 0, G_OPTION_ARG_STRING, &o.mem,
          "memory a run may take (default: half the machine's)", "SIZE" },
        { NULL },
    };
    g_autoptr(GOptionContext) ctx = g_option_context_new("SCENARIO - run a scenario");
    g_option_context_add_main_entries(ctx, entries, NULL);
    GError *error = NULL;
    int status;
    if (!cli_parse(ctx, &argc, &argv, &error) || !cli_mem_limit(o.mem, &o.mem_limit, &error))
        status = cli_fail(error);
    else if (argc != 2) {
        fprintf(stderr, "iovsim run: expected one scenario file (see 'iovsim run --help')\n");
        status = 2;
    } else {
        g_autofree char *path = datadir_scenario(argv[1]);

        status = run_file(path, &o);
    }
    g_free(o.db);
    g_free(o.seed);
    g_free(o.reps);
    g_free(o.mem);
    g_strfreev(o.sets);
    return status;
}
