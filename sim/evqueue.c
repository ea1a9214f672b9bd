/* Radix heap for monotone integer keys (see evqueue.h for why). Bucket 0
 * holds entries whose key equals `last` and is drained front to back; bucket
 * i >= 1 holds entries whose key first differs from `last` at bit i-1. When
 * bucket 0 runs dry, the lowest non-empty bucket is scanned for its minimum,
 * `last` moves there, and its entries spread over lower buckets in order. */
#include <glib.h>
#include <stdlib.h>

#include "evqueue.h"

static inline unsigned bucket_of(sim_time key, sim_time last)
{
    uint64_t x = (uint64_t)key ^ (uint64_t)last;
    return x ? 64u - (unsigned)__builtin_clzll(x) : 0u;
}

static inline void bucket_append(struct evq_bucket *b, struct evq_entry e)
{
    if (G_UNLIKELY(b->len == b->cap)) {
        b->cap = b->cap ? b->cap * 2 : 64;
        b->v = g_renew(struct evq_entry, b->v, b->cap);
    }
    b->v[b->len++] = e;
}

void evq_init(struct evq *q, sim_time start)
{
    *q = (struct evq){ .last = start };
}

void evq_release(struct evq *q)
{
    for (int i = 0; i < EVQ_BUCKETS; i++)
        g_free(q->b[i].v);
    *q = (struct evq){ 0 };
}

void evq_push(struct evq *q, struct evq_entry e)
{
    if (G_UNLIKELY(e.time < q->last))
        g_error("evq_push: time %" G_GINT64_FORMAT " before %" G_GINT64_FORMAT, e.time, q->last);
    unsigned i = bucket_of(e.time, q->last);
    bucket_append(&q->b[i], e);
    if (i)
        q->nonempty |= 1ull << (i - 1);
    q->len++;
}

/* Bucket 0 is empty: move `last` to the minimum of the lowest non-empty
 * bucket and spread that bucket over the ones below it. Entries are visited
 * in order, so equal keys keep their relative order. */
static void refill(struct evq *q)
{
    unsigned i = (unsigned)__builtin_ctzll(q->nonempty) + 1;
    struct evq_bucket *src = &q->b[i];
    sim_time min = src->v[0].time;
    for (uint32_t k = 1; k < src->len; k++)
        if (src->v[k].time < min)
            min = src->v[k].time;
    q->last = min;
    q->nonempty &= ~(1ull << (i - 1));
    struct evq_bucket moving = *src;
    src->len = 0;
    for (uint32_t k = 0; k < moving.len; k++) {
        unsigned j = bucket_of(moving.v[k].time, min);
        bucket_append(&q->b[j], moving.v[k]);
        if (j)
            q->nonempty |= 1ull << (j - 1);
    }
}

bool evq_peek(struct evq *q, struct evq_entry *out)
{
    struct evq_bucket *b0 = &q->b[0];
    if (q->head0 == b0->len) {
        b0->len = 0;
        q->head0 = 0;
        if (!q->nonempty)
            return false;
        refill(q);
    }
    *out = b0->v[q->head0];
    return true;
}

void evq_pop(struct evq *q)
{
    g_assert(q->head0 < q->b[0].len);
    q->head0++;
    q->len--;
}
