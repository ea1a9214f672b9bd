/* Radix heap with 256-way digits for monotone integer keys (see evqueue.h for
 * why). The now list holds entries whose key equals `last` and is drained
 * front to back; bucket (l, d) holds entries whose key first differs from
 * `last` in digit l and has value d there. When the now list runs dry, the
 * lowest non-empty bucket of the lowest level holds the smallest keys:
 * `last` moves to its minimum (kept on every append, so no scan) and its
 * entries are filed again, in order, each strictly lower than before. */
#include "evqueue.h"

#include <string.h>

#include <glib.h>

/* A bucket of several chunks becomes a sorted run only if it holds at most
 * 1/EVQ_RUN_SHARE of the entries queued: a new entry lands in a run about
 * as often as its share, and each such insertion moves half the run. */
#define EVQ_RUN_SHARE 8

/* Chunks come in slabs of this many; the first chunk of a slab links the
 * slabs for evq_release() and holds no entries. */
#define SLAB_CHUNKS 64

/* @t is below the last key popped, and so below every key queued: the
 * engine pushes such a key only after a run stopped at a time before the
 * next event, whose refill had already moved `last` on to that event.
 * Every entry is taken out in order and filed again from @t, so ties
 * keep their order: O(n), once per such stop. */
void evq_rewind(struct evq *q, sim_time t)
{
    struct evq_entry *all = g_new(struct evq_entry, q->len ? q->len : 1), e;
    size_t n = 0;

    while (evq_peek(q, &e)) {
        all[n++] = e;
        evq_pop(q);
    }
    q->last = t;
    for (size_t i = 0; i < n; i++)
        evq_push(q, all[i]);
    g_free(all);
}

static const struct evq_list empty_list = { .min = SIM_TIME_MAX };

G_STATIC_ASSERT(sizeof(struct evq_chunk) == EVQ_CHUNK_BYTES);

void evq_init(struct evq *q, sim_time start)
{
    *q = (struct evq){ .last = start, .run_span = 1 };
    q->now = empty_list;
    for (int l = 0; l < EVQ_LEVELS; l++)
        for (unsigned d = 0; d < EVQ_FANOUT; d++)
            q->b[l][d] = empty_list;
}

void evq_release(struct evq *q)
{
    struct evq_chunk *s = q->slabs;
    while (s) {
        struct evq_chunk *next = s->next;
        g_aligned_free(s);
        s = next;
    }
    evq_init(q, 0);
}

void evq_set_prefetch(struct evq *q, const void *base, size_t stride, uint64_t window)
{
    q->prefetch_base = base;
    q->prefetch_stride = stride;
    q->prefetch_below = window;
}

/* A new slab onto the free list; returns its first chunk. Out of line: it
 * runs a few times per run, and inline it kept its callers out of line. */
G_GNUC_NO_INLINE struct evq_chunk *evq_slab_new(struct evq *q)
{
    struct evq_chunk *s = g_aligned_alloc(SLAB_CHUNKS, sizeof(*s), EVQ_CHUNK_BYTES);

    s->next = q->slabs;
    q->slabs = s;
    q->chunks += SLAB_CHUNKS - 1;
    for (int i = SLAB_CHUNKS - 1; i >= 1; i--) {
        s[i].next = q->free;
        q->free = &s[i];
    }
    return q->free;
}

static void chunk_put(struct evq *q, struct evq_chunk *c)
{
    c->next = q->free;
    q->free = c;
}

/* Bucket (@l, @d) without the entries @keep rejects, the others in their
 * order packed into its first chunks; the chunks left empty go back, and
 * an empty bucket's bits are cleared. Returns the entries dropped. */
static size_t drop_from(struct evq *q, unsigned l, unsigned d, evq_keep_fn keep, const void *ctx)
{
    struct evq_list *b = &q->b[l][d];
    struct evq_chunk *wc = b->head, *c, *next;
    struct evq_entry *w = wc->e;
    sim_time min = SIM_TIME_MAX;
    size_t dropped = 0;

    for (c = b->head; c; c = c->next) {
        const struct evq_entry *end = c->next ? c->e + EVQ_CHUNK : b->w;

        for (const struct evq_entry *p = c->e; p < end; p++) {
            if (!keep(p, ctx)) {
                dropped++;
                continue;
            }
            if (w == wc->e + EVQ_CHUNK) {
                wc = wc->next;
                w = wc->e;
            }
            min = p->time < min ? p->time : min;
            *w++ = *p;
        }
    }
    if (!dropped)
        return 0;
    /* The chunks after the last one written to; all of them if none was. */
    bool empty = w == b->head->e;
    for (c = empty ? b->head : wc->next; c; c = next) {
        next = c->next;
        chunk_put(q, c);
    }
    if (empty) {
        *b = empty_list;
        q->digits[l][d / 64] &= ~(1ull << (d % 64));
        if (!q->digits[l][d / 64])
            q->words[l] &= (uint8_t) ~(1u << (d / 64));
        if (!q->words[l])
            q->levels &= ~(1u << l);
    } else {
        wc->next = NULL;
        b->w = w;
        b->min = min;
    }
    q->len -= dropped;
    return dropped;
}

size_t evq_drop(struct evq *q, evq_keep_fn keep, const void *ctx)
{
    size_t dropped = 0;

    for (unsigned l = 0; l < EVQ_LEVELS; l++)
        for (unsigned w = 0; w < EVQ_WORDS; w++)
            for (uint64_t bits = q->digits[l][w]; bits; bits &= bits - 1)
                dropped += drop_from(q, l, w * 64 + (unsigned)__builtin_ctzll(bits), keep, ctx);
    return dropped;
}

/* The sorted run is full and @e belongs in it: put the run's entries back
 * into the now list and level 0's buckets, in order, then file @e as usual.
 * A run's chunk goes back to the free list only after its entries have
 * moved, so the filing cannot take it while they are being read. */
void evq_unsort(struct evq *q, struct evq_entry e)
{
    const struct evq_entry *p = q->r, *end = q->now.w;
    struct evq_chunk *c = q->now.head;

    q->now = empty_list;
    q->r = NULL;
    q->run_span = 1;
    for (; p < end; p++)
        evq_file(q, *p, false);
    if (c)
        chunk_put(q, c);
    evq_file(q, e, false);
}

/* The entries of a one-chunk bucket, @n of them, sorted stably (equal
 * keys keep their order) into the fresh chunk @c. Each entry goes to its
 * rank, counted without branches: a few keys in random order would
 * mispredict an insertion sort's every step. */
static void sort_into(struct evq_chunk *c, const struct evq_entry *a, int n)
{
    sim_time t[EVQ_CHUNK];

    for (int i = 0; i < n; i++)
        t[i] = a[i].time;
    for (int i = 0; i < n; i++) {
        int rank = 0;

        for (int j = 0; j < i; j++)
            rank += t[j] <= t[i];
        for (int j = i + 1; j < n; j++)
            rank += t[j] < t[i];
        c->e[rank] = a[i];
    }
}

/* sort_into() for a bucket of level 1 or 2, whose keys lie within 2^16 of
 * its minimum @base: each key becomes 32 bits, (key - base) * 16 + its
 * position, all distinct and in the order wanted, and the ranks of a
 * vector's lanes grow at once by one compare per entry (SSE2 has no 64-bit
 * compare for sort_into()'s keys). The lanes cost the same whatever @n:
 * from EVQ_NEAR_MIN entries on it pays (at 10^2 pending in the hold model,
 * level 2's buckets hold about 6.5 entries: 2.5% more events per second;
 * from 3 entries on it was 3% slower at 10^4, whose runs hold 2-4). */
#define EVQ_NEAR_MIN 5

#if defined(__SSE2__) && defined(__x86_64__)
#include <emmintrin.h>

/* Up to EVQ_NEAR_LANES entries go through vectors built from the chunk
 * with unpacks, and every loop runs the same number of steps whatever @n:
 * @n is random, so a loop that ends at it mispredicts its exit (three
 * times a sort), and keys stored one by one and loaded as a vector stall
 * the load. Lanes from @n on get the largest key, so they add to no real
 * entry's rank; their own rank is @n, and they write their (unused) chunk
 * entry to c->e[n], past the run. Larger buckets, rare, take the loop. */
#define EVQ_NEAR_LANES 12

/* Lane j of @k in every lane. */
#define EVQ_BCAST(k, j) _mm_shuffle_epi32((k), _MM_SHUFFLE((j), (j), (j), (j)))

/* The low 32 bits of the keys of entries @i..@i+3 of @a, less @base, times
 * 16, plus the entry's position; the largest key from lane @n on. */
static inline __m128i near_keys(const struct evq_entry *a, int i, __m128i base, __m128i n)
{
    const __m128i *v = (const __m128i *)(const void *)(a + i);
    __m128i lo01 = _mm_unpacklo_epi32(_mm_load_si128(v), _mm_load_si128(v + 1));
    __m128i lo23 = _mm_unpacklo_epi32(_mm_load_si128(v + 2), _mm_load_si128(v + 3));
    __m128i pos = _mm_setr_epi32(i, i + 1, i + 2, i + 3);
    __m128i k = _mm_sub_epi32(_mm_unpacklo_epi64(lo01, lo23), base);
    __m128i real = _mm_cmpgt_epi32(n, pos);

    k = _mm_or_si128(_mm_slli_epi32(k, 4), pos);
    return _mm_or_si128(_mm_and_si128(real, k), _mm_andnot_si128(real, _mm_set1_epi32(INT32_MAX)));
}

/* Add to @r0..@r2 (the ranks of @k0..@k2) the lanes that exceed lane @j
 * of @kv. */
#define EVQ_RANK_STEP(kv, j)                             \
    do {                                                 \
        __m128i b_ = EVQ_BCAST(kv, j);                   \
        r0 = _mm_sub_epi32(r0, _mm_cmpgt_epi32(k0, b_)); \
        r1 = _mm_sub_epi32(r1, _mm_cmpgt_epi32(k1, b_)); \
        r2 = _mm_sub_epi32(r2, _mm_cmpgt_epi32(k2, b_)); \
    } while (0)
#define EVQ_RANK_VEC(kv)      \
    do {                      \
        EVQ_RANK_STEP(kv, 0); \
        EVQ_RANK_STEP(kv, 1); \
        EVQ_RANK_STEP(kv, 2); \
        EVQ_RANK_STEP(kv, 3); \
    } while (0)

static void sort_into_near(struct evq_chunk *c, const struct evq_entry *a, int n, sim_time base)
{
    G_STATIC_ASSERT(EVQ_NEAR_LANES == 12 && EVQ_NEAR_LANES <= EVQ_CHUNK);
    if (n > EVQ_NEAR_LANES) {
        sort_into(c, a, n);
        return;
    }
    __m128i b = _mm_set1_epi32((int32_t)(uint32_t)base), nv = _mm_set1_epi32(n);
    __m128i k0 = near_keys(a, 0, b, nv), k1 = near_keys(a, 4, b, nv), k2 = near_keys(a, 8, b, nv);
    __m128i r0 = _mm_setzero_si128(), r1 = r0, r2 = r0;

    EVQ_RANK_VEC(k0);
    EVQ_RANK_VEC(k1);
    EVQ_RANK_VEC(k2);
    /* The ranks go to general registers two at a time, not through
     * memory: 1.1% fewer instructions, 1.7% more events/s at 10^2. */
    __m128i rv[3] = { r0, r1, r2 };
#pragma GCC unroll 3
    for (int v = 0; v < 3; v++) {
        uint64_t lo = (uint64_t)_mm_cvtsi128_si64(rv[v]);
        uint64_t hi = (uint64_t)_mm_cvtsi128_si64(_mm_unpackhi_epi64(rv[v], rv[v]));

        c->e[(uint32_t)lo] = a[4 * v];
        c->e[lo >> 32] = a[4 * v + 1];
        c->e[(uint32_t)hi] = a[4 * v + 2];
        c->e[hi >> 32] = a[4 * v + 3];
    }
}
#else
typedef int32_t evq_v4 __attribute__((vector_size(16)));

static void sort_into_near(struct evq_chunk *c, const struct evq_entry *a, int n, sim_time base)
{
    union {
        evq_v4 v[4];
        int32_t k[16];
    } key, rank;

    G_STATIC_ASSERT(EVQ_CHUNK < 16);
    for (int v = 0; v < 4; v++) /* lanes past n: after every key */
        key.v[v] = (evq_v4){ 0 } + INT32_MAX;
    for (int i = 0; i < n; i++)
        key.k[i] = (int32_t)((uint32_t)(a[i].time - base) << 4 | (uint32_t)i);
    evq_v4 k0 = key.v[0], k1 = key.v[1], k2 = key.v[2], k3 = key.v[3];
    evq_v4 r0 = { 0 }, r1 = { 0 }, r2 = { 0 }, r3 = { 0 };

    for (int j = 0; j < n; j++) {
        evq_v4 kj = (evq_v4){ 0 } + key.k[j];

        r0 -= k0 > kj;
        r1 -= k1 > kj;
        r2 -= k2 > kj;
        r3 -= k3 > kj;
    }
    rank.v[0] = r0;
    rank.v[1] = r1;
    rank.v[2] = r2;
    rank.v[3] = r3;
    for (int i = 0; i < n; i++)
        c->e[rank.k[i]] = a[i];
}
#endif

/* The record of @slot: its first and its last byte, which lie in two
 * cache lines when it straddles them (a 56-byte record does 7 times in 8,
 * and the handler's payload is in its second half). */
static inline void prefetch_record(const struct evq *q, uint32_t slot)
{
    const char *p = q->prefetch_base + (size_t)slot * q->prefetch_stride;

    __builtin_prefetch(p);
    __builtin_prefetch(p + q->prefetch_stride - 1);
}

/* The @n sorted entries at @e (in chunk @head, or in q->run if NULL),
 * keys from @min on within a bucket of level @l, become the now list. */
static void start_run(struct evq *q, struct evq_chunk *head, struct evq_entry *e, int n,
                      struct evq_entry *end, sim_time min, unsigned l)
{
    if (q->prefetch_below)
        for (int i = 0; i < n; i++)
            prefetch_record(q, e[i].slot);
    q->now = (struct evq_list){ .head = head, .w = e + n, .min = min };
    q->r = e;
    q->run_end = end;
    q->run_span = (uint64_t)1 << (l * EVQ_DIGIT_BITS);
}

/* A bucket of level @l of one chunk: sort it and make it the now list
 * (see evq_insert_sorted()). Most such buckets hold two entries (90% of
 * the sorted runs of the 60-VM port, docs/performance.md): those are put
 * in order where they are, with selects rather than a branch (their order
 * is random), instead of the rank counts' loops. */
static void sort_run(struct evq *q, const struct evq_list *src, unsigned l)
{
    struct evq_chunk *c = src->head;
    int n = (int)(src->w - c->e);

    if (n == 2) {
        struct evq_entry x = c->e[0], y = c->e[1];
        bool swap = y.time < x.time;

        c->e[0] = swap ? y : x;
        c->e[1] = swap ? x : y;
    } else {
        c = evq_chunk_get(q, false);
        if (l <= 2 && n >= EVQ_NEAR_MIN)
            sort_into_near(c, src->head->e, n, src->min);
        else
            sort_into(c, src->head->e, n);
        chunk_put(q, src->head);
        c->next = NULL;
    }
    start_run(q, c, c->e, n, c->e + EVQ_CHUNK, src->min, l);
}

/* A bucket of level @l of 2..EVQ_RUN_CHUNKS chunks: sort it into q->run
 * and make that the now list. At 10^3 pending in the hold model a bucket
 * of level 2 holds about 65 entries over 256 digits of level 1: spread,
 * nearly every entry would get a bucket, a chunk and a refill of its own.
 * A counting sort by that digit (stable) orders them but for the few that
 * share one; a pass of insertion sort puts those in order, after equal
 * keys. */
static void sort_long_run(struct evq *q, const struct evq_list *src, unsigned l)
{
    uint8_t at[EVQ_FANOUT] = { 0 };
    unsigned shift = (l - 1) * EVQ_DIGIT_BITS, sum = 0;
    struct evq_chunk *c, *next;
    const struct evq_entry *p, *end;
    int n;

    G_STATIC_ASSERT(EVQ_RUN_CHUNKS * EVQ_CHUNK <= UINT8_MAX);
    for (c = src->head; c; c = c->next)
        for (p = c->e, end = c->next ? c->e + EVQ_CHUNK : src->w; p < end; p++)
            at[((uint64_t)p->time >> shift) & (EVQ_FANOUT - 1)]++;
    for (unsigned d = 0; d < EVQ_FANOUT; d++) {
        unsigned k = at[d];
        at[d] = (uint8_t)sum;
        sum += k;
    }
    for (c = src->head; c; c = next) {
        next = c->next;
        for (p = c->e, end = next ? c->e + EVQ_CHUNK : src->w; p < end; p++)
            q->run[at[((uint64_t)p->time >> shift) & (EVQ_FANOUT - 1)]++] = *p;
        chunk_put(q, c);
    }
    n = (int)sum;
    for (int i = 1; i < n; i++) {
        struct evq_entry e = q->run[i];
        int j = i;

        for (; j > 0 && q->run[j - 1].time > e.time; j--)
            q->run[j] = q->run[j - 1];
        q->run[j] = e;
    }
    start_run(q, NULL, q->run, n, q->run + EVQ_RUN_ROOM, src->min, l);
}

/* The now list is empty: move `last` to the smallest key and make the now
 * list hold its entries. */
static void refill(struct evq *q)
{
    unsigned l = (unsigned)__builtin_ctz(q->levels);
    unsigned w = (unsigned)__builtin_ctz(q->words[l]);
    unsigned d = w * 64 + (unsigned)__builtin_ctzll(q->digits[l][w]);
    struct evq_list src = q->b[l][d];
    q->b[l][d] = empty_list;
    q->digits[l][w] &= ~(1ull << (d % 64));
    if (!q->digits[l][w]) {
        q->words[l] &= (uint8_t) ~(1u << w);
        if (!q->words[l])
            q->levels &= ~(1u << l);
    }
    q->last = src.min;
    /* A bucket of level 0 holds a single key, and so does a lone entry:
     * the whole list becomes the now list, no entry moves. */
    if (l == 0 || src.w == src.head->e + 1) {
        q->now = src;
        q->r = src.head->e;
        return;
    }
    if (!src.head->next) {
        sort_run(q, &src, l);
        return;
    }
    int chunks = 2;
    for (const struct evq_chunk *c = src.head->next->next; c && chunks <= EVQ_RUN_CHUNKS;
         c = c->next)
        chunks++;
    if (chunks <= EVQ_RUN_CHUNKS &&
        ((size_t)(chunks - 1) * EVQ_CHUNK + (size_t)(src.w - evq_chunk_of(src.w - 1)->e)) *
                EVQ_RUN_SHARE <=
            q->len) {
        sort_long_run(q, &src, l);
        return;
    }
    struct evq_chunk *next;
    for (struct evq_chunk *c = src.head; c; c = next) {
        next = c->next;
        /* The next chunk is read after this one's entries are filed:
         * fetch its lines meanwhile (beyond the cache from 10^5 pending). */
        if (next)
            for (int i = 0; i < EVQ_CHUNK_BYTES; i += 64)
                __builtin_prefetch((const char *)next + i);
        const struct evq_entry *end = next ? c->e + EVQ_CHUNK : src.w;
        for (const struct evq_entry *p = c->e; p < end; p++) {
            struct evq_entry e = *p;
            if (((uint64_t)e.time ^ (uint64_t)src.min) < q->prefetch_below)
                prefetch_record(q, e.slot);
            evq_file(q, e, false);
        }
        chunk_put(q, c);
    }
}

/* evq_peek() found q->r at the end of the now list or of one of its chunks. */
bool evq_advance(struct evq *q)
{
    if (q->r != q->now.w) {
        if (!q->now.head)
            return true; /* q->run crosses a line of EVQ_CHUNK_BYTES */
        /* The end of a full chunk with more after it. */
        struct evq_chunk *c = evq_chunk_of(q->r - 1);
        q->now.head = c->next;
        chunk_put(q, c);
        q->r = q->now.head->e;
        return true;
    }
    if (q->now.head)
        chunk_put(q, evq_chunk_of(q->now.w - 1)); /* the last: the others went above */
    q->now = empty_list;
    q->r = NULL;
    q->run_span = 1;
    if (!q->levels)
        return false;
    refill(q);
    return true;
}
