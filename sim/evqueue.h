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
    sim_time last;     /* last key popped (or the lower bound) */
    uint64_t nonempty; /* bit i set: bucket i+1 is non-empty */
    uint32_t head0;    /* bucket 0 is consumed from head0 (FIFO) */
    size_t len;        /* entries queued, stale ones included */
    struct evq_bucket b[EVQ_BUCKETS];
};

void evq_init(struct evq *q, sim_time start);
void evq_release(struct evq *q);

/* Out-of-line halves of the inline functions below. */
void evq_grow(struct evq_bucket *b);
void evq_refill(struct evq *q);
void evq_push_into_past(const struct evq *q, sim_time t) __attribute__((noreturn));

static inline unsigned evq_bucket_of(sim_time key, sim_time last)
{
    uint64_t x = (uint64_t)key ^ (uint64_t)last;
    return x ? 64u - (unsigned)__builtin_clzll(x) : 0u;
}

static inline void evq_append(struct evq_bucket *b, struct evq_entry e)
{
    if (__builtin_expect(b->len == b->cap, 0))
        evq_grow(b);
    b->v[b->len++] = e;
}

/* @e->time must be >= the last key popped (aborts otherwise). The hot path
 * is inline: it runs once per event. */
static inline void evq_push(struct evq *q, struct evq_entry e)
{
    if (__builtin_expect(e.time < q->last, 0))
        evq_push_into_past(q, e.time);
    unsigned i = evq_bucket_of(e.time, q->last);
    evq_append(&q->b[i], e);
    if (i)
        q->nonempty |= 1ull << (i - 1);
    q->len++;
}

/* Smallest entry (FIFO among equal times) without removing it; false if empty. */
static inline bool evq_peek(struct evq *q, struct evq_entry *out)
{
    struct evq_bucket *b0 = &q->b[0];
    if (q->head0 == b0->len) {
        b0->len = 0;
        q->head0 = 0;
        if (!q->nonempty)
            return false;
        evq_refill(q);
    }
    *out = b0->v[q->head0];
    return true;
}

/* Remove the entry evq_peek() returned; call only after a successful peek. */
static inline void evq_pop(struct evq *q)
{
    q->head0++;
    q->len--;
}

static inline size_t evq_len(const struct evq *q)
{
    return q->len;
}

#endif
