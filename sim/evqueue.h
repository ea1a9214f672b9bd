/* The pending-event queue: a radix heap over (time, event slot) entries.
 * Simulated time never goes backwards, so every key is >= the last key
 * popped; a radix heap exploits that (Ahuja, Mehlhorn, Orlin, Tarjan,
 * "Faster algorithms for the shortest path problem", JACM 1990): entries
 * sit in 65 buckets by the highest bit in which they differ from the last
 * popped key, and each entry moves down at most 64 times. Entries with equal
 * keys always share a bucket and keep their insertion order, so ties pop
 * FIFO without a sequence number. */
#ifndef IOVSIM_EVQUEUE_H
#define IOVSIM_EVQUEUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "simtime.h"

struct evq_entry {
    sim_time time;
    uint32_t slot; /* index into the engine's event pool */
    uint32_t gen;  /* generation of the slot when queued: stale if it differs */
};

struct evq_bucket {
    struct evq_entry *v;
    uint32_t len, cap;
};

#define EVQ_BUCKETS 65

struct evq {
    sim_time last;          /* last key popped (or the lower bound) */
    uint64_t nonempty;      /* bit i set: bucket i+1 is non-empty */
    uint32_t head0;         /* bucket 0 is consumed from head0 (FIFO) */
    size_t len;             /* entries queued, stale ones included */
    struct evq_bucket b[EVQ_BUCKETS];
};

void evq_init(struct evq *q, sim_time start);
void evq_release(struct evq *q);
/* @e->time must be >= the last key popped (aborts otherwise). */
void evq_push(struct evq *q, struct evq_entry e);
/* Smallest entry (FIFO among equal times) without removing it; false if empty. */
bool evq_peek(struct evq *q, struct evq_entry *out);
/* Remove the entry evq_peek() returned; call only after a successful peek. */
void evq_pop(struct evq *q);
static inline size_t evq_len(const struct evq *q)
{
    return q->len;
}

#endif
