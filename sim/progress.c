/* Progress lines (sim/progress.h). */
#include "progress.h"

#include <stdio.h>
#include <unistd.h>

#include <glib.h>

#include "walltime.h"

/* An interval from IOVSIM_PROGRESS_INTERVAL, else PROGRESS_LOG_INTERVAL_S. */
static double log_interval(void)
{
    const char *env = g_getenv("IOVSIM_PROGRESS_INTERVAL");
    char *end = NULL;
    double v = env ? g_ascii_strtod(env, &end) : 0;

    return env && end != env && *end == '\0' && v > 0 && v < 1e6 ? v : PROGRESS_LOG_INTERVAL_S;
}

void progress_init(struct progress *pg, const char *who, bool quiet)
{
    bool tty = isatty(STDERR_FILENO);

    *pg = (struct progress){
        .who = who,
        .tty = tty && !quiet,
        .log = !tty && !quiet,
        .interval = log_interval(),
    };
    pg->t0 = pg->last_draw = walltime_now();
}

void progress_draw(struct progress *pg, bool final)
{
    double now = walltime_now();
    double dt = now - pg->t0;
    double rate = dt > 0 ? (double)pg->done / dt : 0;
    size_t left = pg->total - pg->already - pg->done - pg->elsewhere;

    if (pg->log) {
        /* A job shorter than one interval leaves the log alone. */
        if (final ? !pg->logged : now - pg->last_draw < pg->interval)
            return;
        pg->logged = true;
    } else if (!pg->tty || (!final && now - pg->last_draw < PROGRESS_TTY_INTERVAL_S)) {
        return;
    }
    pg->last_draw = now;
    /* The rate is the runs this call finished over its wall time: with -j N
     * the workers' measured speed together, what the ETA needs. */
    if (pg->log)
        fprintf(stderr, "iovsim %s: ", pg->who);
    fprintf(stderr, "%s%zu/%zu runs", pg->log ? "" : "\r", pg->already + pg->done + pg->elsewhere,
            pg->total);
    if (pg->failed)
        fprintf(stderr, ", %zu failed", pg->failed);
    if (final && pg->log) {
        fprintf(stderr, ", %.3g runs/s, done in %.3g s", rate, dt);
    } else if (rate > 0) {
        double eta = (double)left / rate;

        fprintf(stderr, ", %.3g runs/s, ETA %d:%02d:%02d%s", rate, (int)(eta / 3600),
                (int)(eta / 60) % 60, (int)eta % 60, pg->log ? "" : "   ");
    } else if (pg->log) {
        fprintf(stderr, ", no run has ended yet (%.0f s)", dt);
    }
    if (final || pg->log)
        fputc('\n', stderr);
    fflush(stderr);
}

void progress_ended(struct progress *pg, bool failed, bool lost)
{
    pg->done++;
    pg->failed += failed;
    pg->lost += lost;
    progress_draw(pg, false);
}
