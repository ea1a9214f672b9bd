/* The pending-event queue: a radix heap over (time, event slot) entries,
 * with 256-way digits. Simulated time never goes backwards, so every key is
 * >= the last key popped; a radix heap exploits that (Ahuja, Mehlhorn, Orlin,
 * Tarjan, "Faster algorithms for the shortest path problem", JACM 1990). An
 * entry is filed by the highest 8-bit digit in which its key differs from
 * the last key popped (its level) and by its own value of that digit, so it
 * moves down at most once per level (1.1-2.9 filings per event in the hold
 * model at 10^2-10^6 pending) instead of once per bit. Entries with equal
 * keys always share a bucket and keep their insertion order, so ties pop
 * FIFO without a sequence number. Buckets are lists of fixed-size chunks from one shared
 * free list: memory follows the entries queued now, not the largest size
 * each bucket ever had. */
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

#define EVQ_DIGIT_BITS  8
#define EVQ_FANOUT      (1u << EVQ_DIGIT_BITS)
#define EVQ_WORDS       (EVQ_FANOUT / 64) /* bitmap words per level */
#define EVQ_LEVELS      8                 /* 8 digits of 8 bits cover a 64-bit key */
#define EVQ_CHUNK_BYTES 256               /* chunks are aligned to their size */
#define EVQ_CHUNK       15                /* entries per chunk, after a 16-byte header */
#define EVQ_RUN_CHUNKS  8                 /* a bucket of up to this many chunks is sorted */
#define EVQ_RUN_ROOM    (2 * EVQ_RUN_CHUNKS * EVQ_CHUNK) /* q->run: room for insertions */

struct evq_chunk {
    struct evq_chunk *next;
    uint64_t unused;
    struct evq_entry e[EVQ_CHUNK];
};

/* A bucket: chunks from head on, all full but the last, where the next
 * entry goes at w. A full last chunk leaves w at its end, which is aligned
 * to EVQ_CHUNK_BYTES like NULL (empty list): one test finds both. */
struct evq_list {
    struct evq_chunk *head;
    struct evq_entry *w;
    sim_time min; /* smallest key in the list; SIM_TIME_MAX when empty */
};

struct evq {
    sim_time last;             /* last key popped (or the lower bound) */
    struct evq_list now;       /* keys equal to last, read at r */
    const struct evq_entry *r; /* next entry of the now list to pop */
    uint64_t run_span;         /* keys k with (k ^ last) < run_span go to the now list */
    struct evq_entry *run_end; /* a sorted run is full when now.w reaches it */
    uint32_t levels;           /* bit l: some bucket of level l is non-empty */
    uint8_t words[EVQ_LEVELS]; /* bit w of [l]: digits[l][w] is not 0 */
    uint64_t digits[EVQ_LEVELS][EVQ_WORDS]; /* bit d%64 of [l][d/64]: bucket (l, d) is non-empty */
    size_t len;                             /* entries queued, stale ones included */
    struct evq_chunk *free;                 /* chunks to reuse */
    struct evq_chunk *slabs;                /* every allocation, for evq_release() */
    size_t chunks;                          /* chunks allocated, free ones included */
    uint64_t prefetch_below;                /* see evq_set_prefetch(); 0: off */
    const char *prefetch_base;
    size_t prefetch_stride;
    struct evq_list b[EVQ_LEVELS][EVQ_FANOUT];
    struct evq_entry run[EVQ_RUN_ROOM]; /* a sorted run of more than one chunk */
};

void evq_init(struct evq *q, sim_time start);
void evq_release(struct evq *q);

/**
 * evq_set_prefetch - warm the records of entries about to come up
 * When a bucket is spread, every entry that lands within @window keys of
 * the new minimum has its record (@stride bytes at @base + slot * @stride,
 * both cache lines where it straddles two) prefetched, so
 * the caller's load of it when the entry pops hits the cache. Worth it only
 * when the records outgrow the cache: @window 0 turns it off. Call again
 * whenever the records move.
 */
void evq_set_prefetch(struct evq *q, const void *base, size_t stride, uint64_t window);

/* Does the queue keep @e? (evq_drop()) */
typedef bool (*evq_keep_fn)(const struct evq_entry *e, const void *ctx);

/**
 * evq_drop - remove the entries of the buckets that @keep(@e, @ctx) rejects
 * The now list (and a sorted run) is left as it is: its entries pop soon.
 * Every other entry keeps its place in the order, so ties still pop FIFO.
 * O(entries queued). Returns how many were removed.
 */
size_t evq_drop(struct evq *q, evq_keep_fn keep, const void *ctx);

/* Out-of-line halves of the inline functions below. */
struct evq_chunk *evq_slab_new(struct evq *q);
void evq_unsort(struct evq *q, struct evq_entry e);
bool evq_advance(struct evq *q);
void evq_rewind(struct evq *q, sim_time t);

static inline bool evq_at_chunk_end(const struct evq_entry *p)
{
    return ((uintptr_t)p & (EVQ_CHUNK_BYTES - 1)) == 0;
}

/* The chunk that holds @p. */
static inline struct evq_chunk *evq_chunk_of(const struct evq_entry *p)
{
    return (struct evq_chunk *)((uintptr_t)p & ~(uintptr_t)(EVQ_CHUNK_BYTES - 1));
}

/* A chunk off the free list; NULL if it is empty and @fast (a new slab
 * is a call: evq_slab_new()). */
static inline __attribute__((always_inline)) struct evq_chunk *evq_chunk_get(struct evq *q,
                                                                             bool fast)
{
    struct evq_chunk *c = q->free;

    if (__builtin_expect(!c, 0)) {
        if (fast)
            return NULL;
        c = evq_slab_new(q);
    }
    q->free = c->next;
    return c;
}

/* Where the next entry of @b goes when its last chunk is full or it is
 * empty (b->w at a chunk's end or NULL): a new chunk, linked after the
 * last or made the head. A new bucket's bitmap bits, and where the now
 * list is read from, are the caller's. NULL if that needs a call and
 * @fast. */
static inline __attribute__((always_inline)) struct evq_entry *
evq_new_chunk(struct evq *q, struct evq_list *b, bool fast)
{
    struct evq_chunk *c = evq_chunk_get(q, fast);

    if (!c)
        return NULL;
    c->next = NULL;
    if (b->w)
        evq_chunk_of(b->w - 1)->next = c;
    else
        b->head = c;
    return c->e;
}

/* A bucket of level l >= 1 of at most EVQ_RUN_CHUNKS chunks is not spread
 * into the levels below when it comes up: it is sorted (stably, so equal
 * keys keep their order) into a chunk of its own, or into q->run if it
 * needs more than one, and becomes the now list, a run of keys that differ
 * only in the l low digits (run_span is 2^(8l); 1 for a plain now list of
 * keys equal to last). A run in q->run has no head chunk (now.head is
 * NULL). Until it is drained, q->last follows the keys popped and an entry
 * of that range is inserted into the run in order (after equal keys); when
 * the run is full (now.w at run_end) it goes back to buckets (a call:
 * false, with nothing changed, if @fast). */
static inline __attribute__((always_inline)) bool evq_insert_sorted(struct evq *q,
                                                                    struct evq_entry e, bool fast)
{
    struct evq_entry *w = q->now.w, *p = w;

    if (__builtin_expect(w == q->run_end, 0)) {
        if (fast)
            return false;
        evq_unsort(q, e);
        return true;
    }
    while (p > q->r && p[-1].time > e.time) {
        *p = p[-1];
        p--;
    }
    *p = e;
    q->now.w = w + 1;
    return true;
}

/* File @e relative to q->last (e.time >= q->last). Always inline: left to
 * itself gcc calls it out of line from sim_schedule_at(), and the call's
 * register saves cost about 10 instructions of every event. @fast: make
 * no call (the caller then saves no registers); false, with nothing
 * changed, where filing would need one (a new slab of chunks, a full
 * sorted run), which evq_push() then does. */
static inline __attribute__((always_inline)) bool evq_file(struct evq *q, struct evq_entry e,
                                                           bool fast)
{
    uint64_t x = (uint64_t)e.time ^ (uint64_t)q->last;
    struct evq_list *b;
    struct evq_entry *w;

    if (x < q->run_span) {
        if (q->run_span > 1)
            return evq_insert_sorted(q, e, fast);
        b = &q->now;
        w = b->w;
        if (__builtin_expect(evq_at_chunk_end(w), 0)) {
            bool empty = !w;

            w = evq_new_chunk(q, b, fast);
            if (!w)
                return false;
            if (empty)
                q->r = w;
        }
        *w = e;
        b->w = w + 1;
        return true;
    }
    unsigned l = (63u - (unsigned)__builtin_clzll(x)) / EVQ_DIGIT_BITS;
    unsigned d = (unsigned)((uint64_t)e.time >> (l * EVQ_DIGIT_BITS)) & (EVQ_FANOUT - 1);
    b = &q->b[l][d];
    w = b->w;
    /* One test for an empty bucket and a full chunk: both leave w at a
     * multiple of EVQ_CHUNK_BYTES. */
    if (evq_at_chunk_end(w)) {
        bool empty = !w;

        w = evq_new_chunk(q, b, fast);
        if (!w)
            return false;
        if (empty) {
            q->digits[l][d / 64] |= 1ull << (d % 64);
            q->words[l] |= (uint8_t)(1u << (d / 64));
            q->levels |= 1u << l;
        }
    }
    *w = e;
    b->w = w + 1;
    /* Keys come in random order: a branch here would mispredict often. */
    b->min = e.time < b->min ? e.time : b->min;
    return true;
}

/* A key below the last one popped costs a rebuild (evq_rewind()). */
static inline __attribute__((always_inline)) void evq_push(struct evq *q, struct evq_entry e)
{
    if (__builtin_expect(e.time < q->last, 0))
        evq_rewind(q, e.time);
    evq_file(q, e, false);
    q->len++;
}

/* evq_push() without a call: false, with nothing changed, if it would
 * need one (or a rewind); evq_push() then files @e. */
static inline __attribute__((always_inline)) bool evq_try_push(struct evq *q, struct evq_entry e)
{
    if (__builtin_expect(e.time < q->last, 0) || !evq_file(q, e, true))
        return false;
    q->len++;
    return true;
}

/* Might an entry of key @t be queued? false means none is. When @t is
 * the last key popped (as for an engine's handler at its own time) the
 * answer is exact but that a stale entry counts: all entries of that key
 * are in the now list, from q->r on, first if it is a sorted run. Above
 * it, true whenever the queue is not empty; below it, false. */
static inline bool evq_may_hold(const struct evq *q, sim_time t)
{
    if (t != q->last)
        return t > q->last && q->len > 0;
    if (q->r == q->now.w)
        return false;
    /* A plain now list holds only that key, a sorted run (one chunk, or
     * q->run, which is read across its chunk-sized lines) sorts it first. */
    return q->run_span == 1 || q->r->time == t;
}

/* Smallest entry (FIFO among equal times) without removing it; false if empty. */
static inline bool evq_peek(struct evq *q, struct evq_entry *out)
{
    const struct evq_entry *r = q->r;
    if (__builtin_expect(r == q->now.w || evq_at_chunk_end(r), 0)) {
        if (!evq_advance(q))
            return false;
        r = q->r;
    }
    *out = *r;
    return true;
}

/* Remove the entry evq_peek() returned; call only after a successful peek. */
static inline void evq_pop(struct evq *q)
{
    q->last = q->r->time;
    q->r++;
    q->len--;
}

static inline size_t evq_len(const struct evq *q)
{
    return q->len;
}

#endif
