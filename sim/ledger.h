/* The stage ledger: every picosecond of a record's life (a packet, a disk
 * request, a fabric packet) charged to exactly one stage. Life is a chain of
 * steps; a step has one open stage and up to LEDGER_MAX_PARTS fixed parts,
 * each a known time charged to its own stage. When the step closes, the
 * parts get their times and the open stage gets the rest (queueing
 * included), which can never be negative: the parts were inside the step.
 * So the stages tile the record's life with neither gaps nor overlaps. The
 * per-stage times are the caller's array; everything is inline because
 * every simulated packet closes several steps. */
#ifndef IOVSIM_LEDGER_H
#define IOVSIM_LEDGER_H

#include <stdint.h>

#include <glib.h>

#include "simtime.h"

#define LEDGER_MAX_PARTS 6

/**
 * struct ledger - the open step of one record
 * @t0:    start of the open step
 * @stage: the open stage
 * @n_parts, @part_stage, @part_t: the step's fixed parts
 */
struct ledger {
    sim_time t0;
    uint8_t stage;
    uint8_t n_parts;
    uint8_t part_stage[LEDGER_MAX_PARTS];
    sim_time part_t[LEDGER_MAX_PARTS];
};

/* Life starts at @t0 with @stage open and no parts. */
static inline void ledger_start(struct ledger *l, sim_time t0, unsigned stage)
{
    l->t0 = t0;
    l->stage = (uint8_t)stage;
    l->n_parts = 0;
}

/* @t (>= 0) of the open step belongs to @stage. */
static inline void ledger_part(struct ledger *l, unsigned stage, sim_time t)
{
    unsigned n = l->n_parts;

    g_assert(n < LEDGER_MAX_PARTS && t >= 0);
    l->part_stage[n] = (uint8_t)stage;
    l->part_t[n] = t;
    l->n_parts = (uint8_t)(n + 1);
}

/* The fixed parts of the open step, summed. */
static inline sim_time ledger_parts_total(const struct ledger *l)
{
    sim_time t = 0;

    for (unsigned k = 0; k < l->n_parts; k++)
        t += l->part_t[k];
    return t;
}

/* End the open step at @now, adding its times to @st (one per stage); the
 * open stage stays open with a new step and no parts. */
static inline void ledger_close(struct ledger *l, sim_time *st, sim_time now)
{
    sim_time rest = now - l->t0;

    for (unsigned k = 0; k < l->n_parts; k++) {
        st[l->part_stage[k]] += l->part_t[k];
        rest -= l->part_t[k];
    }
    g_assert(rest >= 0);
    st[l->stage] += rest;
    l->n_parts = 0;
    l->t0 = now;
}

/* Close the open step at @now and open one in @stage. */
static inline void ledger_step(struct ledger *l, sim_time *st, sim_time now, unsigned stage)
{
    ledger_close(l, st, now);
    l->stage = (uint8_t)stage;
}

/* Add a finished record's @n stage times to per-stage sums (ps, in double:
 * sums over many records outgrow int64). Returns the record's whole life,
 * the stage times summed, for the caller to check against its latency. */
static inline sim_time ledger_merge(double *sum, const sim_time *st, unsigned n)
{
    sim_time life = 0;

    /* Unrolled where @n is a constant: the loop's counter and branch cost
     * half as much again as the sums. */
#pragma GCC unroll 32
    for (unsigned s = 0; s < n; s++) {
        sum[s] += (double)st[s];
        life += st[s];
    }
    return life;
}

#endif
