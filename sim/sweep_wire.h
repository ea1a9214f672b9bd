/* What a sweep's parent and its worker processes say to each other through
 * pipes: a task to run, and a finished run with its report, which the
 * parent alone writes to the database (workers waiting on each other's
 * write lock made -j 2 scale poorly on short runs). Both ends are the same
 * binary, so numbers travel in their memory layout, bit for bit, and a
 * decoded report gives the rows the worker's own would have; its
 * histograms come as those rows (report_hist's counts), which the worker
 * makes, so that the parent only writes them. */
#ifndef IOVSIM_SWEEP_WIRE_H
#define IOVSIM_SWEEP_WIRE_H

#include <stdbool.h>
#include <stddef.h>

#include <glib.h>

#include "runner.h"

/* Parent -> worker: run replication @rep of point @point; @task names it in
 * the answer. */
struct sweep_task_msg {
    gint32 task;
    gint32 point;
    gint32 rep;
};

/* Worker -> parent: how task @task ended, and the run's result. */
struct sweep_done {
    gint32 task;
    gint32 status;
    char started_at[32];   /* ISO 8601 UTC, when the run began */
    struct run_result res; /* res.report may be NULL; owned by whoever holds this */
};

/* @d as one message: its length (4 bytes), then the body. */
void sweep_wire_put(GByteArray *out, const struct sweep_done *d);

/**
 * sweep_wire_get - decode a body of @len bytes (the length taken off)
 * False, with *@d left empty, if it is not a whole message. On success the
 * caller owns d->res.report.
 */
bool sweep_wire_get(const guint8 *body, size_t len, struct sweep_done *d);

/* A pipe for results: pipe(2), made big enough for a few runs where the
 * system allows. False with errno set if there is none. */
bool sweep_wire_pipe(int fds[2]);

/* Write all of @len bytes, retrying after signals; false on an error (a
 * reader that has gone: EPIPE, as SIGPIPE is ignored). */
bool sweep_wire_write(int fd, const void *buf, size_t len);

/**
 * sweep_wire_read - read one message from @fd into @d
 * Blocks until it is whole. False at end of file, on an error, or on a
 * message cut short (a worker that died while writing it).
 */
bool sweep_wire_read(int fd, struct sweep_done *d);

#endif
