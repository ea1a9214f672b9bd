/* The engine: a clock in integer picoseconds, a pool of fixed-size events
 * recycled through a free list (no malloc per event once warm), and the
 * radix-heap queue of evqueue.c. Cancelling bumps the slot's generation, so
 * the queue entry goes stale and is skipped when it comes up (lazy deletion:
 * O(1) cancel, no back-pointers from the pool into the heap). */
#include "sim.h"

#include <stddef.h>
#include <string.h>

#include <glib.h>

#include "evqueue.h"
#include "rng_internal.h"

struct event {
    sim_handler_fn fn;
    void *ctx;
    uint32_t gen;       /* odd while the event is pending, even while the slot is free */
    uint32_t next_free; /* free-list link */
    unsigned char payload[SIM_PAYLOAD_MAX];
};

#define NO_SLOT UINT32_MAX

/* A cancelled or rescheduled event leaves its old entry in the queue until
 * its time comes: a 40 ms timer cancelled on every ACK (the stream's
 * delayed ACK) left the data-centre world a million stale entries (17 MiB)
 * beside 2,000 live ones. Once the stale entries outnumber twice the live
 * ones and a floor, they go: O(queue) per clean-up, at least as many
 * cancels apart, so O(1) per cancel. The floor (1 MiB of entries) bounds
 * memory and leaves smaller queues as they were: dropping at 4,096 cost
 * the 60-VM port 0.6% more instructions, since a queue of fewer entries
 * sorts fewer of its buckets as runs (evqueue.c's EVQ_RUN_SHARE). */
#define DROP_MIN 65536

struct sim {
    struct sim_clock clock; /* first: see sim_now() */
    uint64_t seed;
    struct evq queue;
    struct event *pool;
    uint32_t pool_cap;
    uint32_t free_head;
    size_t pending;
    uint64_t executed;
    bool stop;
    volatile sig_atomic_t *stop_flag;
    struct rng_streams rngs;
    size_t mem_cap, mem_used; /* see sim_mem_account() */
    bool mem_over;
    size_t drop_at; /* stale queue entries that start drop_stale() */
};

G_STATIC_ASSERT(offsetof(struct sim, clock) == 0);

struct sim *sim_new(uint64_t seed)
{
    struct sim *sim = g_new0(struct sim, 1);
    sim->seed = seed;
    sim->free_head = NO_SLOT;
    sim->drop_at = DROP_MIN;
    evq_init(&sim->queue, 0);
    rng_streams_init(&sim->rngs, seed);
    return sim;
}

void sim_free(struct sim *sim)
{
    if (!sim)
        return;
    evq_release(&sim->queue);
    g_free(sim->pool);
    rng_streams_release(&sim->rngs);
    g_free(sim);
}

uint64_t sim_seed(const struct sim *sim)
{
    return sim->seed;
}

struct rng_streams *sim_rng_streams(struct sim *sim)
{
    return &sim->rngs;
}

/* Past this size the pool, which shares a core's L2 cache with the
 * queue's chunks and the model's data, no longer stays in it and pops wait
 * on memory: the queue then prefetches the records of the entries that
 * will pop within the next 256 ps (windows of 2 and 16 ns were slower).
 * Below it the records are in cache already and the prefetches would only
 * add work. 256 KiB turns it on at 10^4 pending in the hold model (a pool
 * of 0.9 MiB): 1.8-3.5% more events per second there than with 1 MiB, on
 * a core with 1 MiB of L2; 10^3 (57 KiB) was the same either way. */
#define PREFETCH_POOL_BYTES ((size_t)1 << 18)
#define PREFETCH_WINDOW_PS  256

static void pool_moved(struct sim *sim)
{
    size_t bytes = (size_t)sim->pool_cap * sizeof(struct event);
    evq_set_prefetch(&sim->queue, sim->pool, sizeof(struct event),
                     bytes > PREFETCH_POOL_BYTES ? PREFETCH_WINDOW_PS : 0);
}

/* Double the pool and thread the new slots onto the free list, lowest
 * index first. Out of line: it runs a few times per run, and keeping it
 * out of sim_schedule_at() keeps that function's every call cheap. */
static G_GNUC_NO_INLINE void pool_grow(struct sim *sim)
{
    uint32_t old = sim->pool_cap;
    uint32_t cap = old ? old * 2 : 256;

    g_assert(cap > old && cap < NO_SLOT);
    /* A queue entry or two per event besides the slot. */
    sim_mem_account(sim, (cap - old) * (sizeof(struct event) + 2 * sizeof(struct evq_entry)));
    sim->pool = g_renew(struct event, sim->pool, cap);
    for (uint32_t i = old; i < cap; i++) {
        sim->pool[i].gen = 0;
        sim->pool[i].next_free = i + 1 < cap ? i + 1 : NO_SLOT;
    }
    sim->free_head = old;
    sim->pool_cap = cap;
    pool_moved(sim);
}

/* A slot's generation counts its uses: it becomes odd when an event takes
 * the slot, even when the slot is freed, and moves on by two when the event is
 * rescheduled. Ids and queue entries carry the generation they were made
 * with, so stale ones never match (until 2^31 reuses of one slot). */
static void slot_free(struct sim *sim, uint32_t slot)
{
    sim->pool[slot].gen++;
    sim->pool[slot].next_free = sim->free_head;
    sim->free_head = slot;
}

static inline sim_event_id make_id(uint32_t slot, uint32_t gen)
{
    return ((uint64_t)gen << 32) | slot;
}

static struct event *lookup(const struct sim *sim, sim_event_id id)
{
    uint32_t slot = (uint32_t)id;
    uint32_t gen = (uint32_t)(id >> 32);
    if (!(gen & 1) || slot >= sim->pool_cap || sim->pool[slot].gen != gen)
        return NULL;
    return &sim->pool[slot];
}

/* Copy @len <= SIM_PAYLOAD_MAX bytes in at most two fixed-size moves each
 * way (overlapping when @len is not a power of two): a memcpy of a
 * variable length is a library call on every event. */
static inline void copy_payload(unsigned char *dst, const void *payload, size_t len)
{
    const unsigned char *src = payload;

    if (len >= 16) {
        memcpy(dst, src, 16);
        memcpy(dst + len - 16, src + len - 16, 16);
    } else if (len >= 8) {
        memcpy(dst, src, 8);
        memcpy(dst + len - 8, src + len - 8, 8);
    } else if (len >= 4) {
        memcpy(dst, src, 4);
        memcpy(dst + len - 4, src + len - 4, 4);
    } else {
        for (size_t i = 0; i < len; i++)
            dst[i] = src[i];
    }
}

/* sim_schedule_at() off its fast path: the checks' errors, a full pool
 * (then the fast path again) and a push that needs a call. Out of line and
 * reached by tail calls, so that the fast path makes no call and saves no
 * registers. */
static G_GNUC_NO_INLINE sim_event_id schedule_slow(struct sim *sim, sim_time when,
                                                   sim_handler_fn fn, void *ctx,
                                                   const void *payload, size_t len)
{
    if (when < sim->clock.now)
        g_error("sim_schedule_at: time %" G_GINT64_FORMAT " ps is before now (%" G_GINT64_FORMAT
                " ps)",
                when, sim->clock.now);
    if (!fn)
        g_error("sim_schedule_at: NULL handler");
    if (len > SIM_PAYLOAD_MAX)
        g_error("sim_schedule_at: payload of %zu bytes exceeds %d", len, SIM_PAYLOAD_MAX);
    if (sim->free_head == NO_SLOT)
        pool_grow(sim);
    return sim_schedule_at(sim, when, fn, ctx, payload, len);
}

/* The push evq_try_push() cannot make without a call. */
static G_GNUC_NO_INLINE sim_event_id push_slow(struct sim *sim, struct evq_entry e)
{
    evq_push(&sim->queue, e);
    return make_id(e.slot, e.gen);
}

sim_event_id sim_schedule_at(struct sim *sim, sim_time when, sim_handler_fn fn, void *ctx,
                             const void *payload, size_t len)
{
    if (G_UNLIKELY(when < sim->clock.now || !fn || len > SIM_PAYLOAD_MAX ||
                   sim->free_head == NO_SLOT))
        return schedule_slow(sim, when, fn, ctx, payload, len);
    uint32_t slot = sim->free_head;
    struct event *ev = &sim->pool[slot];
    uint32_t gen = ev->gen + 1;

    sim->free_head = ev->next_free;
    ev->gen = gen;
    ev->fn = fn;
    ev->ctx = ctx;
    copy_payload(ev->payload, payload, len);
    sim->pending++;
    struct evq_entry e = { .time = when, .slot = slot, .gen = gen };
    if (G_UNLIKELY(!evq_try_push(&sim->queue, e)))
        return push_slow(sim, e);
    return make_id(slot, gen);
}

sim_event_id sim_schedule(struct sim *sim, sim_time delay, sim_handler_fn fn, void *ctx,
                          const void *payload, size_t len)
{
    if (G_UNLIKELY(delay < 0))
        g_error("sim_schedule: negative delay %" G_GINT64_FORMAT " ps", delay);
    return sim_schedule_at(sim, sim->clock.now + delay, fn, ctx, payload, len);
}

bool sim_is_pending(const struct sim *sim, sim_event_id id)
{
    return lookup(sim, id) != NULL;
}

static bool entry_live(const struct evq_entry *e, const void *ctx)
{
    const struct sim *sim = ctx;

    return sim->pool[e->slot].gen == e->gen;
}

static void drop_stale(struct sim *sim)
{
    size_t stale;

    evq_drop(&sim->queue, entry_live, sim);
    stale = evq_len(&sim->queue) - sim->pending; /* those in the now list */
    sim->drop_at = stale + MAX(2 * sim->pending, DROP_MIN);
}

static inline void count_stale(struct sim *sim)
{
    if (G_UNLIKELY(evq_len(&sim->queue) - sim->pending > sim->drop_at))
        drop_stale(sim);
}

bool sim_cancel(struct sim *sim, sim_event_id id)
{
    if (!lookup(sim, id))
        return false;
    slot_free(sim, (uint32_t)id);
    sim->pending--;
    count_stale(sim);
    return true;
}

sim_event_id sim_reschedule(struct sim *sim, sim_event_id id, sim_time when)
{
    struct event *ev = lookup(sim, id);
    if (!ev)
        return 0;
    if (G_UNLIKELY(when < sim->clock.now))
        g_error("sim_reschedule: time %" G_GINT64_FORMAT " ps is before now", when);
    uint32_t slot = (uint32_t)id;
    /* Same slot, new generation: the old queue entry goes stale. */
    ev->gen += 2;
    evq_push(&sim->queue, (struct evq_entry){ .time = when, .slot = slot, .gen = ev->gen });
    count_stale(sim);
    return make_id(slot, ev->gen);
}

void sim_watch_flag(struct sim *sim, volatile sig_atomic_t *flag)
{
    sim->stop_flag = flag;
}

uint64_t sim_run_until(struct sim *sim, sim_time end)
{
    /* Counted on from the events of earlier calls, so that a caller that
     * runs a few events at a time still has the flag looked at. */
    uint64_t start = sim->executed, ran = start;
    struct evq_entry e;
    unsigned char payload[SIM_PAYLOAD_MAX];
    sim->stop = false;
    while (!sim->stop && evq_peek(&sim->queue, &e)) {
        if (e.time > end)
            break;
        evq_pop(&sim->queue);
        struct event *ev = &sim->pool[e.slot];
        if (ev->gen != e.gen)
            continue; /* cancelled or rescheduled */
        sim->clock.now = e.time;
        /* The handler may schedule and so move the pool: keep copies. */
        sim_handler_fn fn = ev->fn;
        void *ctx = ev->ctx;
        memcpy(payload, ev->payload, sizeof(payload));
        slot_free(sim, e.slot);
        sim->pending--;
        fn(sim, ctx, payload);
        /* A signal's flag is read every SIM_FLAG_EVERY events: microseconds
         * of a run, and a load and a test fewer on every other event. */
        if (G_UNLIKELY(++ran % SIM_FLAG_EVERY == 0) && sim->stop_flag && *sim->stop_flag)
            sim->stop = true;
    }
    sim->executed = ran;
    if (!sim->stop && end != SIM_TIME_MAX && end > sim->clock.now)
        sim->clock.now = end;
    return ran - start;
}

void sim_stop(struct sim *sim)
{
    sim->stop = true;
}

bool sim_stopped(const struct sim *sim)
{
    return sim->stop;
}

uint64_t sim_events_executed(const struct sim *sim)
{
    return sim->executed;
}

bool sim_due_now(const struct sim *sim)
{
    return evq_may_hold(&sim->queue, sim->clock.now);
}

size_t sim_events_pending(const struct sim *sim)
{
    return sim->pending;
}

size_t sim_queue_entries(const struct sim *sim)
{
    return evq_len(&sim->queue);
}

void sim_set_mem_cap(struct sim *sim, size_t bytes)
{
    sim->mem_cap = bytes;
}

void sim_mem_account(void *sim_ctx, size_t bytes)
{
    struct sim *sim = sim_ctx;

    sim->mem_used += bytes;
    if (sim->mem_cap && sim->mem_used > sim->mem_cap) {
        sim->mem_over = true;
        sim->stop = true;
    }
}

bool sim_mem_exceeded(const struct sim *sim)
{
    return sim->mem_over;
}

size_t sim_mem_used(const struct sim *sim)
{
    return sim->mem_used;
}
