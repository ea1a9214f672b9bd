/* Progress of a command's runs on stderr: on a terminal one line redrawn
 * (done/total, the measured rate, the ETA it gives); in a log (Slurm's
 * output file, CI) a line of the same every few seconds and a final one,
 * nothing for a job shorter than one interval. */
#ifndef IOVSIM_PROGRESS_H
#define IOVSIM_PROGRESS_H

#include <stdbool.h>
#include <stddef.h>

/* Seconds between progress lines when stderr is a log, not a terminal;
 * IOVSIM_PROGRESS_INTERVAL changes it. */
#define PROGRESS_LOG_INTERVAL_S 5.0
/* Seconds between redraws on a terminal. */
#define PROGRESS_TTY_INTERVAL_S 0.2

struct progress {
    const char *who; /* "sweep", "run": the log lines' prefix */
    bool tty;
    bool log;        /* stderr is not a terminal: a line every interval */
    double interval; /* seconds between log lines */
    bool logged;     /* a log line was printed: the final one follows */
    size_t total;    /* runs of the job */
    size_t already;  /* done before this call */
    size_t done;     /* finished in this call (any status) */
    size_t failed;
    size_t lost;
    size_t elsewhere; /* done meanwhile by another process on the database */
    double t0;
    double last_draw;
};

/* For command @who (a literal), silent if @quiet; the clock starts now. */
void progress_init(struct progress *pg, const char *who, bool quiet);
/* Redraw if the interval has passed; @final: the last line of the job. */
void progress_draw(struct progress *pg, bool final);
/* A run ended (@failed or @lost, or done): count it and redraw. */
void progress_ended(struct progress *pg, bool failed, bool lost);

#endif
