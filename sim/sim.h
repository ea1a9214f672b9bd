/* The discrete-event engine: a clock, a pool of events and a priority queue.
 * Events run in (time, insertion sequence) order, so simultaneous events run
 * FIFO and every run is deterministic. The engine knows nothing of models. */
#ifndef IOVSIM_SIM_H
#define IOVSIM_SIM_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "simtime.h"

struct sim;

/* Largest payload copied into an event; larger state belongs in ctx. */
#define SIM_PAYLOAD_MAX 32

/**
 * sim_handler_fn - what an event does when it fires
 * @sim:     the engine; sim_now() is the event's time
 * @ctx:     borrowed pointer given to sim_schedule()
 * @payload: the engine's copy of the payload, valid only during the call
 */
typedef void (*sim_handler_fn)(struct sim *sim, void *ctx, const void *payload);

/* Event id: never 0, unique within one sim; 0 means "no event". */
typedef uint64_t sim_event_id;

/* Caller owns the result; free with sim_free(). @seed feeds the named
 * random streams of rng.h (fetch a stream once, at set-up: sim_rng() looks
 * its name up in a hash table). */
struct sim *sim_new(uint64_t seed);
void sim_free(struct sim *sim);

/* The clock leads struct sim (C11 6.7.2.1: a pointer to a struct points
 * to its first member), so that reading it, which models do on most events,
 * is a load and not a call. */
struct sim_clock {
    sim_time now;
};

static inline sim_time sim_now(const struct sim *sim)
{
    return ((const struct sim_clock *)(const void *)sim)->now;
}

uint64_t sim_seed(const struct sim *sim);

/**
 * sim_schedule - run @fn(@ctx, copy of @payload) at now + @delay
 * @delay must be >= 0 and @fn non-NULL (aborts otherwise); @len <= SIM_PAYLOAD_MAX.
 * Returns the event id, usable with sim_cancel()/sim_reschedule().
 */
sim_event_id sim_schedule(struct sim *sim, sim_time delay, sim_handler_fn fn, void *ctx,
                          const void *payload, size_t len);
/* As sim_schedule() at absolute time @when (>= now). */
sim_event_id sim_schedule_at(struct sim *sim, sim_time when, sim_handler_fn fn, void *ctx,
                             const void *payload, size_t len);

/* Cancel a pending event. Returns false if it already ran or was cancelled. */
bool sim_cancel(struct sim *sim, sim_event_id id);

/**
 * sim_reschedule - move a pending event to absolute time @when (>= now)
 * The event keeps its handler and payload but gets a new id and a new
 * insertion sequence (it ties after events already at @when). Returns the new
 * id, or 0 if @id was not pending.
 */
sim_event_id sim_reschedule(struct sim *sim, sim_event_id id, sim_time when);

bool sim_is_pending(const struct sim *sim, sim_event_id id);

/* Run events until the queue is empty, the next event is after @end (the clock
 * then stops at @end), or sim_stop() is called. Returns events executed. */
uint64_t sim_run_until(struct sim *sim, sim_time end);

/* Also stop when *@flag becomes non-zero (e.g. set by a SIGINT handler),
 * looked at after every SIM_FLAG_EVERY events run; @flag is borrowed and
 * may be NULL. */
#define SIM_FLAG_EVERY 256
void sim_watch_flag(struct sim *sim, volatile sig_atomic_t *flag);

/* Ask sim_run_until() to return after the current event. */
void sim_stop(struct sim *sim);
/* Did the last sim_run_until() end because it was asked to stop? */
bool sim_stopped(const struct sim *sim);

/* What a run may grow to (events pending, records in pools): @bytes, or 0
 * for no bound. Growth past it stops sim_run_until() as sim_stop() does,
 * and sim_mem_exceeded() becomes true. */
void sim_set_mem_cap(struct sim *sim, size_t bytes);
/* Account @bytes more taken from the heap by the run; @sim_ctx is the
 * struct sim. Its signature is pool_grow_fn's, so a model hands it to
 * pool_set_grow_hook(&pool, sim_mem_account, sim). */
void sim_mem_account(void *sim_ctx, size_t bytes);
bool sim_mem_exceeded(const struct sim *sim);
size_t sim_mem_used(const struct sim *sim);

uint64_t sim_events_executed(const struct sim *sim);
size_t sim_events_pending(const struct sim *sim);
/* Entries in the queue: the pending events and the stale entries that
 * cancelled and rescheduled events left, which are dropped once they
 * outnumber twice the pending ones and 65,536. */
size_t sim_queue_entries(const struct sim *sim);

/**
 * sim_due_now - might a pending event have the current time?
 * false: no pending event is due at sim_now(), so an event scheduled now
 * at delay 0 would be the next to run. A handler that ends by scheduling
 * one may then call its handler in place instead, as its last act: every
 * event runs in the same order (the run counts one event fewer).
 * true: one may be. Inside a handler the answer is exact but that the old
 * entry of an event cancelled or rescheduled from this time counts until
 * it comes up, unless stale entries were dropped before (see
 * sim_queue_entries()); outside one, after sim_run_until() stopped at its end time,
 * it may be true whenever any event is queued. O(1), no side effects.
 */
bool sim_due_now(const struct sim *sim);

#endif
