/* One replication of one scenario: build the model, cut the warm-up, run to
 * the duration, collect the report. Nothing here touches the database. */
#ifndef IOVSIM_RUNNER_H
#define IOVSIM_RUNNER_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include <glib.h>

#include "report.h"
#include "scenario.h"

struct run_result {
    struct report *report; /* caller owns; report_free() */
    uint64_t seed;
    uint64_t events;
    double sim_seconds; /* measured span: duration - warmup */
    double wall_seconds;
    bool interrupted; /* *stop became non-zero: report is NULL */
};

/**
 * runner_run - run @sc once with @seed
 * @stop: polled between events (e.g. set by a SIGINT handler); may be NULL
 * Returns false with @error on a configuration error from the model.
 */
bool runner_run(const struct scenario *sc, uint64_t seed, volatile sig_atomic_t *stop,
                struct run_result *out, GError **error);

/**
 * runner_run_bounded - runner_run() within @mem_limit bytes (0: no bound)
 * The world is built only if its estimate fits (the caller checked with
 * scenario_check_mem()); what the run grows to after that (events pending)
 * may take the rest. A run that outgrows it stops and returns false with a
 * one-line IOVSIM_ERROR_INPUT naming the simulated time it got to.
 */
bool runner_run_bounded(const struct scenario *sc, uint64_t seed, volatile sig_atomic_t *stop,
                        uint64_t mem_limit, struct run_result *out, GError **error);

#endif
