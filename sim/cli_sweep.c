/* `iovsim sweep`: every point of the grid times every replication, in this
 * process or in N forked workers that take (point, rep) tasks from the parent
 * one at a time and send it their results, which the parent alone writes to
 * the database. Runs already done are skipped, so a second call resumes;
 * --plan prints one command per task instead, for GNU parallel or a Slurm
 * array. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "../analysis/table.h"
#include "cli.h"
#include "datadir.h"
#include "escape.h"
#include "progress.h"
#include "rng.h"
#include "runner.h"
#include "scenario.h"
#include "store.h"
#include "store_claims.h"
#include "sweep.h"
#include "sweep_wire.h"
#include "walltime.h"

/* Sweeps with more workers than this are a typo, not a machine. */
#define MAX_JOBS 1024
/* How often the parent wakes to redraw progress and look for dead workers. */
#define TICK_MS 200
/* How often a sweep that waits for runs another sweep claimed looks again. */
#define WAIT_MS 300
/* Runs claimed per worker at a time: a few runs' worth, so that two sweeps share
 * a grid; more when runs are short (store_claim_batch()), so that claims
 * cost little beside them. */
#define CLAIM_PER_JOB 16

struct sweep_opts {
    char *db;
    char **sets;
    char **vary;
    char **lockstep;
    char **exclude;
    char *seed;
    char *reps;
    gint jobs;
    gint only;
    gint rep;
    /* As given: glib's integer options read 010 as octal 8 and 0x10 as hex. */
    char *jobs_text;
    char *only_text;
    char *rep_text;
    gboolean force;
    gboolean plan;
    char *plan_dir;
    gboolean quiet;
    char *mem;
    uint64_t mem_limit; /* per run: the --mem-limit shared by the -j workers */
};

/* A (point, rep) pair, in the order they are handed out: replication-major,
 * so every point has its first replication early. */
struct task {
    guint point;
    gint rep;
};

struct sweep_ctx {
    const struct sweep_opts *o;
    const char *path;
    struct scenario *base;
    struct sweep *sw;
    char *db;
    struct scenario **points; /* per point, owned */
    char **labels;            /* per point, owned */
    GPtrArray **params;       /* per point, made on first use */
    size_t n_points;
    int reps;
    uint64_t base_seed;
    GArray *tasks;             /* struct task still to run */
    struct store_task *claims; /* per task: its claim state (store_claims.h) */
    size_t scan;               /* first task never looked at */
    size_t give;               /* where to look for a claimed task to hand out */
    char *owner;               /* our name in the claims table */
    int worker_status;         /* in a forked worker: its exit status; -1 in the parent */
    size_t total;              /* tasks in the grid, done or not */
    bool claim_failed;         /* the claims table could not be written: stopped */
};

enum task_status {
    TASK_DONE,
    TASK_FAILED,      /* written as 'failed' */
    TASK_INTERRUPTED, /* nothing written */
    TASK_LOST,        /* store error or a dead worker */
};

static void ctx_release(struct sweep_ctx *c)
{
    for (size_t i = 0; i < c->n_points; i++) {
        scenario_free(c->points ? c->points[i] : NULL);
        g_free(c->labels ? c->labels[i] : NULL);
        if (c->params && c->params[i])
            g_ptr_array_unref(c->params[i]);
    }
    g_free(c->points);
    g_free(c->labels);
    g_free(c->params);
    if (c->tasks)
        g_array_unref(c->tasks);
    g_free(c->claims);
    g_free(c->owner);
    sweep_free(c->sw);
    scenario_free(c->base);
    g_free(c->db);
}

/* Every point's scenario, made before anything runs: a refused combination
 * stops the sweep before its first run, not in the middle. */
static bool ctx_init(struct sweep_ctx *c, const char *path, const struct sweep_opts *o,
                     GError **error)
{
    c->o = o;
    c->path = path;
    c->base = cli_load_scenario(path, o->sets, o->seed, o->reps, error);
    if (!c->base)
        return false;
    c->sw = sweep_new(c->base, (const char *const *)o->vary, (const char *const *)o->lockstep,
                      (const char *const *)o->exclude, error);
    if (!c->sw) {
        /* Too many runs, when --reps set them, is said of --reps. */
        if (o->reps && error && *error && strstr((*error)->message, "'scenario.reps'"))
            cli_error_origin(*error, "--reps");
        return false;
    }
    c->reps = (int)scenario_int(c->base, "scenario.reps");
    c->base_seed = (uint64_t)scenario_int(c->base, "scenario.seed");
    c->db = o->db ? g_strdup(o->db) : cli_default_db(scenario_name(c->base));
    c->n_points = sweep_n_points(c->sw);
    if (o->only >= 0 && (size_t)o->only >= c->n_points) {
        g_set_error(error, IOVSIM_ERROR, IOVSIM_ERROR_INPUT,
                    "--only %d: the sweep has points 0 to %zu", o->only, c->n_points - 1);
        return false;
    }
    if (o->rep >= c->reps) {
        g_set_error(error, IOVSIM_ERROR, IOVSIM_ERROR_INPUT,
                    "--rep %d: the scenario has replications 0 to %d", o->rep, c->reps - 1);
        return false;
    }
    c->points = g_new0(struct scenario *, c->n_points);
    c->labels = g_new0(char *, c->n_points);
    c->params = g_new0(GPtrArray *, c->n_points);
    for (size_t p = 0; p < c->n_points; p++) {
        c->labels[p] = sweep_label(c->sw, p);
        c->points[p] = sweep_scenario(c->sw, p, error);
        if (!c->points[p] || !scenario_check_mem(c->points[p], o->mem_limit, error)) {
            g_prefix_error(error, "sweep point '%s': ", c->labels[p]);
            return false;
        }
    }
    return true;
}

static bool selected(const struct sweep_opts *o, size_t point, int rep)
{
    return (o->only < 0 || (size_t)o->only == point) && (o->rep < 0 || o->rep == rep);
}

/*
 * A part of a plan (--only, --rep) says in meta which part it is and how
 * big the grid is, so that merge can tell which parts are missing:
 * plan_points, plan_reps, and a row 'plan_part P R' (-1: every point or
 * every replication).
 */
static bool record_part(struct sweep_ctx *c, struct store *st, GError **error)
{
    g_autofree char *sql =
        g_strdup_printf("INSERT OR REPLACE INTO meta (key, value) VALUES ('plan_points', '%zu'), "
                        "('plan_reps', '%d'), ('plan_part %d %d', '')",
                        c->n_points, c->reps, c->o->only, c->o->rep);
    sqlite3 *db = store_db(st);
    bool ok = sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK;

    if (!ok)
        g_set_error(error, IOVSIM_ERROR, IOVSIM_ERROR_IO, "'%s': cannot write meta: %s", c->db,
                    sqlite3_errmsg(db));
    return ok;
}

/*
 * The order the scenario declares its points in, as meta rows 'order LABEL'
 * = the point's index, so that figures and tables show series, bars and
 * rows in that order (query_points()). A part of a plan records its own
 * point and merge collects them; a later sweep's order replaces an earlier.
 */
static bool record_order(struct sweep_ctx *c, struct store *st, GError **error)
{
    sqlite3 *db = store_db(st);
    sqlite3_stmt *s = NULL;
    bool ok = sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) == SQLITE_OK &&
              sqlite3_prepare_v2(db,
                                 "INSERT OR REPLACE INTO meta (key, value) VALUES ("
                                 "'" STORE_META_ORDER "' || ?1, ?2)",
                                 -1, &s, NULL) == SQLITE_OK;

    for (size_t p = 0; ok && p < c->n_points; p++) {
        if ((c->o->only >= 0 && (size_t)c->o->only != p) || !*c->labels[p])
            continue;
        sqlite3_bind_text(s, 1, c->labels[p], -1, SQLITE_STATIC);
        sqlite3_bind_int64(s, 2, (sqlite3_int64)p);
        ok = sqlite3_step(s) == SQLITE_DONE;
        sqlite3_reset(s);
    }
    sqlite3_finalize(s);
    ok = ok && sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) == SQLITE_OK;
    if (!ok) {
        g_set_error(error, IOVSIM_ERROR, IOVSIM_ERROR_IO, "'%s': cannot write meta: %s", c->db,
                    sqlite3_errmsg(db));
        if (!sqlite3_get_autocommit(db))
            sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
    }
    return ok;
}

/* The database, checked and stamped for this scenario (and the part of a
 * plan this is); the sweep writes through this one connection. */
static struct store *open_store(struct sweep_ctx *c, GError **error)
{
    g_autofree char *dir = g_path_get_dirname(c->db);
    struct store *st;

    /* results/ by default, or the per-task directory of a --plan: make it,
     * so that the commands of a plan run anywhere as they are. */
    if (g_mkdir_with_parents(dir, 0777) != 0) {
        /* A path that cannot hold a database is bad input, as for run. */
        g_set_error(error, IOVSIM_ERROR, IOVSIM_ERROR_INPUT, "'%s': cannot make directory: %s", dir,
                    g_strerror(errno));
        return NULL;
    }
    st = store_open(c->db, error);
    if (st &&
        (!store_check_scenario(st, scenario_hash(c->base), IOVSIM_VERSION, c->o->force, error) ||
         ((c->o->only >= 0 || c->o->rep >= 0) && !record_part(c, st, error)) ||
         !record_order(c, st, error))) {
        store_close(st);
        return NULL;
    }
    return st;
}

/* How many (point, rep) tasks --only and --rep select, done or not. */
static size_t n_selected(const struct sweep_ctx *c)
{
    return (c->o->only >= 0 ? 1 : c->n_points) * (size_t)(c->o->rep >= 0 ? 1 : c->reps);
}

/* Every task --only and --rep select, in the order they are handed out. */
static GArray *grid_tasks(const struct sweep_ctx *c)
{
    GArray *grid = g_array_new(FALSE, FALSE, sizeof(struct task));

    for (int rep = 0; rep < c->reps; rep++) {
        for (size_t p = 0; p < c->n_points; p++) {
            struct task t = { .point = (guint)p, .rep = rep };

            if (selected(c->o, p, rep))
                g_array_append_val(grid, t);
        }
    }
    return grid;
}

/* The tasks of the grid not yet done in the database. */
static void plan_tasks(struct sweep_ctx *c, struct store *st)
{
    g_autoptr(GArray) grid = grid_tasks(c);

    c->tasks = g_array_new(FALSE, FALSE, sizeof(struct task));
    c->total = grid->len;
    for (guint i = 0; i < grid->len; i++) {
        const struct task *t = &g_array_index(grid, struct task, i);

        if (!store_has_done(st, c->labels[t->point], t->rep))
            g_array_append_val(c->tasks, *t);
    }
    c->claims = g_new0(struct store_task, MAX(c->tasks->len, 1));
    for (guint i = 0; i < c->tasks->len; i++) {
        const struct task *t = &g_array_index(c->tasks, struct task, i);

        c->claims[i] = (struct store_task){ .point = c->labels[t->point], .rep = t->rep };
    }
    c->owner = store_claim_owner();
}

/* Run @t into @d (d->task is the caller's); messages about a failed run go
 * to stderr here. Returns d->status. */
static enum task_status run_one(struct sweep_ctx *c, const struct task *t, struct sweep_done *d)
{
    g_autofree char *started = walltime_utc_iso();
    GError *error = NULL;
    bool ok;

    g_strlcpy(d->started_at, started, sizeof(d->started_at));
    ok = runner_run_bounded(c->points[t->point], rng_rep_seed(c->base_seed, t->rep),
                            &cli_interrupted, c->o->mem_limit, &d->res, &error);
    d->status = !ok ? TASK_FAILED : d->res.interrupted ? TASK_INTERRUPTED : TASK_DONE;
    if (!ok) {
        g_autofree char *msg = g_strdup_printf("iovsim: point '%s' rep %d failed: %s",
                                               c->labels[t->point], t->rep, error->message);

        cli_print_line(msg);
        g_clear_error(&error);
    }
    return d->status;
}

/* Queue the run @d tells of (an interrupted one leaves nothing), taking
 * its report; TASK_LOST if the database refused it. */
static enum task_status store_one(struct sweep_ctx *c, struct store *st, const struct task *t,
                                  struct sweep_done *d)
{
    GError *error = NULL;
    struct report *report = g_steal_pointer(&d->res.report);

    if (d->status == TASK_INTERRUPTED) {
        report_free(report);
        return TASK_INTERRUPTED;
    }
    if (!c->params[t->point])
        c->params[t->point] = scenario_effective(c->points[t->point]);
    struct store_run run = {
        .scenario = scenario_name(c->base),
        .point = c->labels[t->point],
        .rep = t->rep,
        .seed = d->res.seed,
        .status = d->status == TASK_DONE ? "done" : "failed",
        .sim_seconds = d->res.sim_seconds,
        .wall_seconds = d->res.wall_seconds,
        .events = d->res.events,
        .started_at = d->started_at,
        .scenario_hash = scenario_hash(c->base),
    };
    /* Queued: short runs cost more to commit one by one than to simulate. */
    if (!store_queue_run(st, &run, c->params[t->point], report, &error)) {
        cli_print_line(error->message);
        g_clear_error(&error);
        return TASK_LOST;
    }
    return (enum task_status)d->status;
}

/* One run here, written to @st. */
static enum task_status run_task(struct sweep_ctx *c, struct store *st, const struct task *t)
{
    struct sweep_done d = { 0 };

    run_one(c, t, &d);
    return store_one(c, st, t, &d);
}

static void progress_count(struct progress *pg, enum task_status s)
{
    progress_ended(pg, s == TASK_FAILED, s == TASK_LOST);
}

/* The runs the store still holds back (@due: only if they have waited
 * long enough); counted lost if they cannot be written (the error says how
 * many). */
static bool flush_queue(struct store *st, struct progress *pg, bool due)
{
    GError *error = NULL;
    size_t queued = store_queued(st);

    if (due ? store_flush_due(st, &error) : store_flush(st, &error))
        return true;
    cli_print_line(error->message);
    g_clear_error(&error);
    /* Every queued run, or the closing line would count 1 of "160 runs lost". */
    pg->lost += MAX(queued, 1);
    return false;
}

/* What next_task() returns when it has no task to hand out. */
#define NEXT_NONE (-1) /* everything is done or ours: stop */
#define NEXT_WAIT (-2) /* another sweep runs the rest: look again later */

static gint32 take_mine(struct sweep_ctx *c)
{
    for (; c->give < c->tasks->len; c->give++) {
        if (c->claims[c->give].state == STORE_TASK_MINE) {
            c->claims[c->give].state = STORE_TASK_GIVEN;
            return (gint32)c->give++;
        }
    }
    return NEXT_NONE;
}

/* Claim more (the never looked at first, then what others held) and count
 * what another sweep has done meanwhile. False on a database error. */
static bool claim_more(struct sweep_ctx *c, struct store *st, size_t max, struct progress *pg)
{
    GError *error = NULL;
    size_t n = c->tasks->len;
    size_t from = c->scan < n ? c->scan : 0;

    max = store_claim_batch(max, pg->done, walltime_now() - pg->t0);
    if (!store_claim(st, c->owner, c->claims + from, n - from, max, &error)) {
        cli_print_line(error->message);
        g_clear_error(&error);
        return false;
    }
    while (c->scan < n && c->claims[c->scan].state != STORE_TASK_NEW)
        c->scan++;
    for (size_t i = from; i < n; i++) {
        if (c->claims[i].state == STORE_TASK_DONE) {
            c->claims[i].state = STORE_TASK_FINISHED;
            pg->elsewhere++;
        }
    }
    c->give = from;
    return true;
}

/* Is a task claimed by us still to be handed out? */
static bool holds_mine(const struct sweep_ctx *c)
{
    for (size_t i = 0; i < c->tasks->len; i++)
        if (c->claims[i].state == STORE_TASK_MINE)
            return true;
    return false;
}

/* The next task to run here, NEXT_WAIT or NEXT_NONE. */
static gint32 next_task(struct sweep_ctx *c, struct store *st, size_t max, struct progress *pg)
{
    gint32 t = take_mine(c);

    if (t != NEXT_NONE || cli_interrupted)
        return cli_interrupted ? NEXT_NONE : t;
    if (!claim_more(c, st, max, pg)) {
        c->claim_failed = true;
        return NEXT_NONE;
    }
    t = take_mine(c);
    for (size_t i = 0; t == NEXT_NONE && i < c->tasks->len; i++)
        if (c->claims[i].state == STORE_TASK_BUSY)
            t = NEXT_WAIT;
    return t;
}

/* Wait for the runs another sweep holds; ours are written first so that
 * it never waits for us in turn. */
static void wait_for_others(struct store *st, struct progress *pg)
{
    flush_queue(st, pg, false);
    for (int i = 0; i < WAIT_MS / 50 && !cli_interrupted; i++) {
        progress_draw(pg, false);
        g_usleep(50000);
    }
}

/* Run tasks here until none is left (or the database refuses a write). */
static void run_here(struct sweep_ctx *c, struct store *st, struct progress *pg)
{
    for (;;) {
        gint32 t = next_task(c, st, CLAIM_PER_JOB, pg);
        enum task_status s;

        if (t == NEXT_NONE)
            break;
        if (t == NEXT_WAIT) {
            wait_for_others(st, pg);
            continue;
        }
        s = run_task(c, st, &g_array_index(c->tasks, struct task, t));
        if (s == TASK_INTERRUPTED)
            break;
        c->claims[t].state = STORE_TASK_FINISHED;
        progress_count(pg, s);
        /* The database refused a write (a full disk, say): the runs after
         * it would fail the same way, one error line each. */
        if (s == TASK_LOST)
            break;
    }
    flush_queue(st, pg, false);
}

static void release_claims(struct sweep_ctx *c, struct store *st)
{
    GError *error = NULL;

    if (!store_release(st, c->owner, &error)) {
        cli_print_line(error->message);
        g_clear_error(&error);
    }
}

/* Plan: the tasks left, and what progress counts. */
static void plan(struct sweep_ctx *c, struct store *st, struct progress *pg)
{
    plan_tasks(c, st);
    pg->total = c->total;
    pg->already = c->total - c->tasks->len;
    pg->t0 = pg->last_draw = walltime_now();
}

/* Open the database and plan. */
static struct store *prepare(struct sweep_ctx *c, struct progress *pg, GError **error)
{
    struct store *st = open_store(c, error);

    if (st)
        plan(c, st, pg);
    return st;
}

static void worker_on_signal(int sig)
{
    (void)sig;
    cli_interrupted = 1;
}

/* Unlike the parent, a worker keeps its handler after the first signal: Ctrl-C
 * reaches it from the terminal and again from the parent, and the second must
 * not kill it while it abandons its run. */
static void worker_catch_interrupts(void)
{
    struct sigaction sa = { 0 };

    sa.sa_handler = worker_on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
}

/* A worker: read tasks until EOF or an interrupt, run each, send the result.
 * It never opens the database: the parent writes what it sends. */
static int worker_main(struct sweep_ctx *c, int task_fd, int result_fd)
{
    g_autoptr(GByteArray) buf = g_byte_array_new();
    struct sweep_task_msg m;

    worker_catch_interrupts();
    while (!cli_interrupted) {
        ssize_t n = read(task_fd, &m, sizeof(m));

        if (n < 0 && errno == EINTR)
            continue;
        if (n != sizeof(m))
            break;
        struct task t = { .point = (guint)m.point, .rep = m.rep };
        struct sweep_done d = { .task = m.task };

        run_one(c, &t, &d);
        g_byte_array_set_size(buf, 0);
        sweep_wire_put(buf, &d);
        report_free(d.res.report);
        if (!sweep_wire_write(result_fd, buf->data, buf->len) || d.status == TASK_INTERRUPTED)
            break;
    }
    return 0;
}

/* Tasks a worker holds: the one it runs and the next, so that it never
 * waits for the parent, who may be writing a group of runs meanwhile. */
#define AHEAD 2
/* Runs the parent writes at a time (a sweep in one process: STORE_QUEUE_RUNS). */
#define PARENT_GROUP 32

struct worker {
    pid_t pid;
    int task_fd;        /* parent's write end, -1 once closed */
    int result_fd;      /* parent's read end, -1 once the worker closed it */
    gint32 held[AHEAD]; /* tasks handed to it, the one it runs first; DROPPED() if not ours */
    int n_held;
};

/* A task handed out before the database was there that turned out not to
 * be ours to run (another sweep had it): its result is dropped. */
#define DROPPED(t) (-1 - (t))

/* Where the parent gets tasks from and writes results to: its connection,
 * opened after the fork (a connection must not cross one). */
struct source {
    struct sweep_ctx *c;
    struct store *st;
    struct progress *pg;
    size_t max; /* claimed at a time */
    bool stop;  /* hand out nothing more, write nothing more */
    bool wait;  /* some runs are another sweep's: finish them in the parent */
    /* While a thread makes the database (start_early()): */
    GThread *opener;     /* the thread; NULL once joined */
    int opened[2];       /* a pipe it writes a byte to when done */
    struct store *made;  /* what it made (NULL on failure, with made_error) */
    GError *made_error;  /* why it failed */
    GArray *grid;        /* struct task: the tasks an empty database leaves */
    guint early;         /* how many of them were handed out */
    GPtrArray *finished; /* struct sweep_done *: their results, not written yet */
};

/* What dispatch() does when the tasks handed out early are all out. */
#define NEXT_LATER (-3)

/* No more tasks for @w: it runs what it holds and exits. */
static void close_tasks(struct worker *w)
{
    if (w->task_fd >= 0)
        close(w->task_fd);
    w->task_fd = -1;
}

/* While the database is being made: the next task of the grid, as many
 * as the first claim takes. */
static gint32 next_early(struct source *src)
{
    return src->early < MIN(src->grid->len, src->max) ? (gint32)src->early++ : NEXT_LATER;
}

/* Hand @w tasks until it holds AHEAD, or close its pipe when there are no
 * more. */
static void dispatch(struct worker *w, struct source *src)
{
    while (w->task_fd >= 0 && w->n_held < AHEAD) {
        gint32 t = src->opener  ? next_early(src)
                   : !src->stop ? next_task(src->c, src->st, src->max, src->pg)
                                : NEXT_NONE;

        if (t == NEXT_LATER)
            break;
        if (t == NEXT_WAIT) {
            src->wait = true;
            /* The other sweep may be waiting for ours in turn. */
            src->stop = !flush_queue(src->st, src->pg, false);
        }
        if (t < 0) {
            close_tasks(w);
            break;
        }
        const struct task *task =
            &g_array_index(src->opener ? src->grid : src->c->tasks, struct task, t);
        struct sweep_task_msg m = { .task = t, .point = (gint32)task->point, .rep = task->rep };

        w->held[w->n_held++] = t;
        sweep_wire_write(w->task_fd, &m, sizeof(m));
    }
}

/* Collect workers that have exited and whose results have all been read;
 * a task a dead worker held is lost. */
static void reap(struct sweep_ctx *c, struct worker *ws, int n, struct progress *pg, bool block)
{
    for (int i = 0; i < n; i++) {
        int wstatus;

        /* One that exits after its last result may not have been read yet. */
        if (ws[i].pid <= 0 || ws[i].result_fd >= 0 ||
            waitpid(ws[i].pid, &wstatus, block ? 0 : WNOHANG) != ws[i].pid)
            continue;
        ws[i].pid = 0;
        if (ws[i].n_held > 0 && ws[i].held[0] >= 0 && !cli_interrupted) {
            const struct task *t = &g_array_index(c->tasks, struct task, ws[i].held[0]);

            g_autofree char *msg =
                g_strdup_printf("iovsim: worker %d died (%s %d) during point '%s' rep %d", i,
                                WIFSIGNALED(wstatus) ? "signal" : "status",
                                WIFSIGNALED(wstatus) ? WTERMSIG(wstatus) : WEXITSTATUS(wstatus),
                                c->labels[t->point], t->rep);

            cli_print_line(msg);
            progress_count(pg, TASK_LOST);
            /* What it had not started goes to the others. */
            for (int k = 1; k < ws[i].n_held; k++) {
                if (ws[i].held[k] < 0)
                    continue;
                c->claims[ws[i].held[k]].state = STORE_TASK_MINE;
                c->give = MIN(c->give, (size_t)ws[i].held[k]);
            }
        }
        ws[i].n_held = 0;
    }
}

/* Write the result @d of a task of ours and count it. */
static void write_result(struct source *src, struct sweep_done *d)
{
    struct sweep_ctx *c = src->c;
    /* After a refused write, the rest are left for the next call. */
    enum task_status s =
        src->stop ? TASK_LOST
                  : store_one(c, src->st, &g_array_index(c->tasks, struct task, d->task), d);

    c->claims[d->task].state = STORE_TASK_FINISHED;
    progress_count(src->pg, s);
    /* Written in smaller groups than alone, while the workers run: what
     * is left when they are done is written while they wait. */
    if (s != TASK_LOST && store_queued(src->st) >= PARENT_GROUP &&
        !flush_queue(src->st, src->pg, false))
        s = TASK_LOST;
    /* The database refused a write (a full disk, say): hand out no more
     * work, the rest would fail the same way. */
    if (s == TASK_LOST)
        src->stop = true;
    report_free(d->res.report);
}

/* A result from @w: give @w its next task, then write the result (kept
 * for later while the database is being made). */
static void take_result(struct worker *w, struct sweep_done *d, struct source *src)
{
    gint32 held = w->n_held > 0 ? w->held[0] : -1;

    /* Not what it was given: cannot happen. */
    if (w->n_held == 0 || d->task != (held < 0 ? DROPPED(held) : held)) {
        report_free(d->res.report);
        return;
    }
    for (int k = 1; k < w->n_held; k++)
        w->held[k - 1] = w->held[k];
    w->n_held--;
    dispatch(w, src);
    if (d->status == TASK_INTERRUPTED || held < 0)
        report_free(d->res.report);
    else if (src->opener)
        g_ptr_array_add(src->finished, g_memdup2(d, sizeof(*d)));
    else
        write_result(src, d);
}

static gpointer make_db(gpointer data)
{
    struct source *src = data;

    src->made = open_store(src->c, &src->made_error);
    /* Wakes the parent's poll(). */
    if (write(src->opened[1], "", 1) != 1)
        g_warning("pipe: %s", g_strerror(errno));
    return NULL;
}

/*
 * -j N into a file that is not there yet: the workers start on the first
 * tasks of the grid while a thread makes the database, most of a short
 * sweep's start. A new database has no run and no claim, so those are the
 * tasks the plan will give; another sweep making the same file at that
 * moment may claim some first, and their runs are dropped here.
 */
static bool start_early(struct source *src)
{
    if (g_file_test(src->c->db, G_FILE_TEST_EXISTS) || !sqlite3_threadsafe() ||
        pipe(src->opened) != 0)
        return false;
    src->grid = grid_tasks(src->c);
    src->finished = g_ptr_array_new_with_free_func(g_free);
    src->opener = g_thread_new("sweep-open", make_db, src);
    return true;
}

/* Is early task @t ours to run (claimed now)? */
static bool early_ours(struct source *src, bool planned, gint32 t)
{
    return planned && src->c->claims[t].state == STORE_TASK_MINE;
}

/*
 * The database is made (or failed): plan, claim the tasks handed out
 * meanwhile if the plan gives the same tasks (no run was done in it),
 * and write the results that came back; a task another sweep claimed
 * first is dropped, its result unwritten.
 */
static void end_early(struct source *src, struct worker *ws, int n)
{
    struct sweep_ctx *c = src->c;
    GError *error = NULL;
    bool planned = false;

    if (!src->opener)
        return;
    g_thread_join(src->opener);
    src->opener = NULL;
    close(src->opened[0]);
    close(src->opened[1]);
    src->st = src->made;
    if (src->st) {
        plan(c, src->st, src->pg);
        planned = c->tasks->len == src->grid->len;
        if (planned && src->early &&
            !store_claim(src->st, c->owner, c->claims, src->early, src->early, &error)) {
            cli_print_line(error->message);
            g_clear_error(&error);
            src->pg->lost++;
            src->stop = true;
            planned = false;
        }
    }
    for (int i = 0; i < n; i++) {
        for (int k = 0; k < ws[i].n_held; k++) {
            if (early_ours(src, planned, ws[i].held[k]))
                c->claims[ws[i].held[k]].state = STORE_TASK_GIVEN;
            else
                ws[i].held[k] = DROPPED(ws[i].held[k]);
        }
    }
    for (guint i = 0; i < src->finished->len; i++) {
        struct sweep_done *d = g_ptr_array_index(src->finished, i);

        if (early_ours(src, planned, d->task))
            write_result(src, d);
        else
            report_free(d->res.report);
    }
    g_clear_pointer(&src->finished, g_ptr_array_unref);
    g_clear_pointer(&src->grid, g_array_unref);
    if (src->st)
        while (c->scan < c->tasks->len && c->claims[c->scan].state != STORE_TASK_NEW)
            c->scan++;
}

/* Wait up to a tick for results and take one from each worker that has
 * one, or for the database being made. False once every worker has closed
 * its end. */
static bool read_results(struct worker *ws, int n, struct source *src)
{
    g_autofree struct pollfd *pfd = g_new(struct pollfd, n + 1);
    int open = 0;

    for (int i = 0; i < n; i++) {
        /* poll() skips negative descriptors. */
        pfd[i] = (struct pollfd){ .fd = ws[i].result_fd, .events = POLLIN };
        open += ws[i].result_fd >= 0;
    }
    pfd[n] = (struct pollfd){ .fd = src->opener ? src->opened[0] : -1, .events = POLLIN };
    if (open == 0)
        return false;
    if (poll(pfd, (nfds_t)n + 1, TICK_MS) <= 0)
        return true;
    for (int i = 0; i < n; i++) {
        struct sweep_done d;

        if (pfd[i].fd < 0 || !pfd[i].revents)
            continue;
        if (sweep_wire_read(ws[i].result_fd, &d)) {
            take_result(&ws[i], &d, src);
            continue;
        }
        /* It has exited (or died writing): reap() says whether it held a task. */
        close(ws[i].result_fd);
        ws[i].result_fd = -1;
    }
    if (pfd[n].fd >= 0 && pfd[n].revents)
        end_early(src, ws, n);
    return true;
}

static void stop_workers(struct worker *ws, int n)
{
    for (int i = 0; i < n; i++) {
        if (ws[i].pid > 0)
            kill(ws[i].pid, SIGINT);
        close_tasks(&ws[i]);
    }
}

/* A worker's run is only written by the parent: once the parent is gone
 * (SIGKILL, a closed terminal), the run in hand, possibly hours long, is for
 * nothing. */
static void die_with_parent(pid_t parent)
{
#ifdef __linux__
    prctl(PR_SET_PDEATHSIG, SIGKILL);
#endif
    /* The parent may have died before the line above. */
    if (getppid() != parent)
        _exit(1);
}

/* Fork @jobs workers. In a worker, returns false having run it (its exit
 * status in c->worker_status); in the parent, true. */
static bool start_workers(struct sweep_ctx *c, struct worker *ws, int jobs)
{
    pid_t parent = getpid();

    /* A worker that died leaves a pipe nobody reads: EPIPE, not death. */
    signal(SIGPIPE, SIG_IGN);
    fflush(NULL);
    for (int i = 0; i < jobs; i++) {
        int tp[2], rp[2];

        if (pipe(tp) != 0 || !sweep_wire_pipe(rp))
            g_error("pipe: %s", g_strerror(errno));
        ws[i].pid = fork();
        if (ws[i].pid == 0) {
            die_with_parent(parent);
            close(tp[1]);
            close(rp[0]);
            for (int k = 0; k < i; k++) {
                close(ws[k].task_fd);
                close(ws[k].result_fd);
            }
            /* The worker unwinds like the parent (freeing what it
             * inherited) but prints nothing: see sweep_file(). */
            c->worker_status = worker_main(c, tp[0], rp[1]);
            close(tp[0]);
            close(rp[1]);
            return false;
        }
        if (ws[i].pid < 0)
            g_error("fork: %s", g_strerror(errno));
        close(tp[0]);
        close(rp[1]);
        ws[i].task_fd = tp[1];
        ws[i].result_fd = rp[0];
    }
    return true;
}

/* Fork the workers first (the parent then opens the database: a connection
 * must not cross a fork), then plan, hand out tasks and write the results.
 * Sets *@st in the parent. */
static bool run_parallel(struct sweep_ctx *c, int jobs, struct store **st, struct progress *pg,
                         GError **error)
{
    g_autofree struct worker *ws = g_new0(struct worker, jobs);
    struct source src = { .c = c, .pg = pg, .max = (size_t)jobs * CLAIM_PER_JOB };
    bool stopping = false;

    if (!start_workers(c, ws, jobs))
        return true;
    if (start_early(&src)) {
        for (int i = 0; i < jobs; i++)
            dispatch(&ws[i], &src);
        while (src.opener && read_results(ws, jobs, &src))
            ;
        /* Every worker gone meanwhile (killed): wait for the database. */
        end_early(&src, ws, jobs);
        if (!src.st)
            g_propagate_error(error, g_steal_pointer(&src.made_error));
    } else {
        src.st = prepare(c, pg, error);
    }
    *st = src.st;
    if (!src.st) {
        stop_workers(ws, jobs);
        for (int i = 0; i < jobs; i++) {
            close(ws[i].result_fd);
            ws[i].result_fd = -1;
        }
        reap(c, ws, jobs, pg, true);
        return false;
    }
    for (int i = 0; i < jobs; i++)
        dispatch(&ws[i], &src);
    for (;;) {
        if (cli_interrupted && !stopping) {
            stopping = true;
            stop_workers(ws, jobs);
        }
        if (!read_results(ws, jobs, &src))
            break;
        reap(c, ws, jobs, pg, false);
        /* A dead worker's share goes to the others: wake one that is idle. */
        for (int i = 0; i < jobs && !stopping; i++)
            if (ws[i].pid > 0 && ws[i].n_held < AHEAD && ws[i].task_fd >= 0)
                dispatch(&ws[i], &src);
        /* Between results too: a run done is written within
         * STORE_QUEUE_SECONDS and a tick, however long the next ones. */
        if (!src.stop && !flush_queue(src.st, pg, true))
            src.stop = true;
        progress_draw(pg, false);
    }
    stop_workers(ws, jobs);
    reap(c, ws, jobs, pg, true);
    /* What another sweep held when the workers ran out of work: wait for
     * it here, and run what it leaves behind; and what a dead worker had
     * not started if the others were gone by then. */
    if ((src.wait || holds_mine(c)) && !src.stop && !cli_interrupted)
        run_here(c, src.st, pg);
    return true;
}

/* A shell command per (point, rep), each writing its own database. */
static void print_plan(struct sweep_ctx *c, const char *path)
{
    const struct sweep_opts *o = c->o;
    const char *dir = o->plan_dir ? o->plan_dir : "results";
    g_autofree char *qpath = g_shell_quote(path);
    GString *common = g_string_new(NULL);

    for (size_t i = 0; o->sets && o->sets[i]; i++) {
        g_autofree char *q = g_shell_quote(o->sets[i]);
        g_string_append_printf(common, " --set %s", q);
    }
    for (size_t i = 0; o->vary && o->vary[i]; i++) {
        g_autofree char *q = g_shell_quote(o->vary[i]);
        g_string_append_printf(common, " --vary %s", q);
    }
    for (size_t i = 0; o->lockstep && o->lockstep[i]; i++) {
        g_autofree char *q = g_shell_quote(o->lockstep[i]);
        g_string_append_printf(common, " --lockstep %s", q);
    }
    for (size_t i = 0; o->exclude && o->exclude[i]; i++) {
        g_autofree char *q = g_shell_quote(o->exclude[i]);
        g_string_append_printf(common, " --exclude %s", q);
    }
    if (o->seed) {
        g_autofree char *q = g_shell_quote(o->seed);
        g_string_append_printf(common, " --seed %s", q);
    }
    if (o->reps) {
        g_autofree char *q = g_shell_quote(o->reps);
        g_string_append_printf(common, " --reps %s", q);
    }
    if (o->mem) {
        g_autofree char *q = g_shell_quote(o->mem);
        g_string_append_printf(common, " --mem-limit %s", q);
    }
    for (int rep = 0; rep < c->reps; rep++) {
        for (size_t p = 0; p < c->n_points; p++) {
            if (!selected(o, p, rep))
                continue;
            g_autofree char *db =
                g_strdup_printf("%s/%s.p%zu.r%d.db", dir, scenario_name(c->base), p, rep);
            g_autofree char *qdb = g_shell_quote(db);
            printf("iovsim sweep %s --only %zu --rep %d -q -o %s%s\n", qpath, p, rep, qdb,
                   common->str);
        }
    }
    g_string_free(common, TRUE);
}

static void print_summary(struct sweep_ctx *c, struct store *st)
{
    GError *error = NULL;
    g_autoptr(GPtrArray) labels = g_ptr_array_new();

    for (size_t p = 0; p < c->n_points; p++)
        if (c->o->only < 0 || (size_t)c->o->only == p)
            g_ptr_array_add(labels, c->labels[p]);
    /* The scenario may name the columns worth a first look. */
    g_auto(GStrv) metrics = NULL;
    const char *wanted = scenario_str(c->base, "scenario.table");
    if (*wanted) {
        metrics = g_strsplit(wanted, ",", -1);
        for (char **m = metrics; *m; m++)
            g_strstrip(*m);
    }
    struct table_opts to = {
        .scope = "all",
        .format = GRID_TEXT,
        .points = labels,
        .metrics = (const char *const *)metrics,
        .max_metrics = 4,
    };
    if (!table_print(store_db(st), &to, stdout, &error)) {
        cli_print_line(error->message);
        g_clear_error(&error);
    }
}

static int sweep_file(const char *path, const struct sweep_opts *o)
{
    struct sweep_ctx c = { .worker_status = -1 };
    struct progress pg;
    GError *error = NULL;
    struct store *st = NULL;
    int status = 0;

    progress_init(&pg, "sweep", o->quiet);
    if (!ctx_init(&c, path, o, &error))
        goto fail;
    if (o->plan) {
        print_plan(&c, path);
        goto out;
    }
    cli_catch_interrupts();
    if (o->jobs > 1 && n_selected(&c) > 1) {
        if (!run_parallel(&c, (int)MIN((size_t)o->jobs, n_selected(&c)), &st, &pg, &error))
            goto fail;
        if (c.worker_status >= 0) {
            status = c.worker_status;
            goto out;
        }
    } else {
        st = prepare(&c, &pg, &error);
        if (!st)
            goto fail;
        run_here(&c, st, &pg);
    }
    flush_queue(st, &pg, false);
    release_claims(&c, st);
    progress_draw(&pg, true);
    if (cli_interrupted) {
        fprintf(stderr,
                "iovsim: interrupted; %zu of %zu runs done in '%s', database intact; "
                "run the same command again to resume\n",
                pg.already + pg.elsewhere + pg.done - pg.failed - pg.lost, pg.total, c.db);
        status = 130;
        goto out;
    }
    if (!o->quiet) {
        size_t excluded = sweep_n_excluded(c.sw);
        g_autofree char *left_out = excluded ? g_strdup_printf(" (%zu excluded)", excluded) : NULL;

        printf("sweep '%s': %zu point%s%s x %d replication%s, %zu run%s now, %zu already done, "
               "in %s\n",
               scenario_name(c.base), c.n_points, c.n_points == 1 ? "" : "s",
               left_out ? left_out : "", c.reps, c.reps == 1 ? "" : "s", pg.done,
               pg.done == 1 ? "" : "s", pg.already + pg.elsewhere, c.db);
        print_summary(&c, st);
    }
    if (pg.failed || pg.lost) {
        fprintf(stderr, "iovsim: %zu run%s failed; run the same command again to retry\n",
                pg.failed + pg.lost, pg.failed + pg.lost == 1 ? "" : "s");
        status = 1;
    }
    if (c.claim_failed)
        status = 1;
    goto out;
fail:
    status = cli_fail(error);
out:
    store_close(st);
    ctx_release(&c);
    return status;
}

/* @text (NULL: not given, @out kept) as a decimal number from @min to @max. */
static bool decimal_option(const char *text, gint64 min, gint64 max, int *out)
{
    gint64 v;

    if (!text)
        return true;
    if (!g_ascii_string_to_signed(text, 10, min, max, &v, NULL))
        return false;
    *out = (int)v;
    return true;
}

int cli_sweep(int argc, char **argv)
{
    struct sweep_opts o = { .jobs = 1, .only = -1, .rep = -1 };
    GOptionEntry entries[] = {
        { "output", 'o', 0, G_OPTION_ARG_FILENAME, &o.db, "database (default results/NAME.db)",
          "DB" },
        { "jobs", 'j', 0, G_OPTION_ARG_STRING, &o.jobs_text, "worker processes (default 1)", "N" },
        { "reps", 0, 0, G_OPTION_ARG_STRING, &o.reps, "replications (overrides scenario.reps)",
          "N" },
        { "seed", 0, 0, G_OPTION_ARG_STRING, &o.seed, "base seed (overrides scenario.seed)", "N" },
        { "set", 's', 0, G_OPTION_ARG_STRING_ARRAY, &o.sets, "override a parameter",
          "SECTION.KEY=VALUE" },
        { "vary", 'V', 0, G_OPTION_ARG_STRING_ARRAY, &o.vary,
          "sweep a parameter: a list v1,v2,... or a range a..b:step", "SECTION.KEY=VALUES" },
        { "lockstep", 0, 0, G_OPTION_ARG_STRING_ARRAY, &o.lockstep,
          "swept keys whose lists advance together", "KEY1,KEY2,..." },
        { "exclude", 0, 0, G_OPTION_ARG_STRING_ARRAY, &o.exclude,
          "leave out the points where each KEY takes one of its VALUEs", "KEY=V1|V2,KEY2=V3" },
        { "force", 'f', 0, G_OPTION_ARG_NONE, &o.force,
          "add to a database holding runs of another scenario or iovsim version", NULL },
        { "plan", 0, 0, G_OPTION_ARG_NONE, &o.plan,
          "print one command per (point, rep) instead of running", NULL },
        { "plan-dir", 0, 0, G_OPTION_ARG_FILENAME, &o.plan_dir,
          "directory of the databases --plan names (default results)", "DIR" },
        { "only", 0, 0, G_OPTION_ARG_STRING, &o.only_text, "run only point number N (from 0)",
          "N" },
        { "rep", 0, 0, G_OPTION_ARG_STRING, &o.rep_text, "run only replication R (from 0)", "R" },
        { "quiet", 'q', 0, G_OPTION_ARG_NONE, &o.quiet, "no progress and no table", NULL },
        { "mem-limit", 0, 0, G_OPTION_ARG_STRING, &o.mem,
          "memory the sweep may take, shared by its workers (default: half the machine's)",
          "SIZE" },
        { NULL },
    };
    g_autoptr(GOptionContext) ctx =
        g_option_context_new("SCENARIO - run every point of a sweep, every replication");
    g_option_context_add_main_entries(ctx, entries, NULL);
    GError *error = NULL;
    int status;

    if (!cli_parse(ctx, &argc, &argv, &error) || !cli_mem_limit(o.mem, &o.mem_limit, &error)) {
        status = cli_fail(error);
    } else if (argc != 2) {
        fprintf(stderr, "iovsim sweep: expected one scenario file (see 'iovsim sweep --help')\n");
        status = 2;
    } else if (!decimal_option(o.jobs_text, 1, MAX_JOBS, &o.jobs)) {
        g_autofree char *shown = escape_controls(o.jobs_text);
        fprintf(stderr, "iovsim sweep: -j %s: expected 1 to %d workers\n", shown, MAX_JOBS);
        status = 2;
    } else if (!decimal_option(o.only_text, 0, G_MAXINT, &o.only) ||
               !decimal_option(o.rep_text, 0, G_MAXINT, &o.rep)) {
        fprintf(stderr, "iovsim sweep: --rep and --only take whole numbers >= 0\n");
        status = 2;
    } else {
        o.mem_limit /= (uint64_t)o.jobs;
        g_autofree char *path = datadir_scenario(argv[1]);

        status = sweep_file(path, &o);
    }
    g_free(o.db);
    g_free(o.jobs_text);
    g_free(o.only_text);
    g_free(o.rep_text);
    g_free(o.seed);
    g_free(o.reps);
    g_free(o.mem);
    g_free(o.plan_dir);
    g_strfreev(o.sets);
    g_strfreev(o.vary);
    g_strfreev(o.lockstep);
    g_strfreev(o.exclude);
    return status;
}
