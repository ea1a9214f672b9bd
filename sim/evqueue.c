/* Radix heap for monotone integer keys (see evqueue.h for why). Bucket 0
 * holds entries whose key equals `last` and is drained front to back; bucket
 * i >= 1 holds entries whose key first differs from `last` at bit i-1. When
 * bucket 0 runs dry, the lowest non-empty bucket is scanned for its minimum,
 * `last` moves there, and its entries spread over lower buckets in order. */
#include "evqueue.h"

#include <stdlib.h>

#include <glib.h>

void evq_grow(struct evq_bucket *b)
{
    b->cap = b->cap ? b->cap * 2 : 64;
    b->v = g_renew(struct evq_entry, b->v, b->cap);
}

void evq_push_into_past(const struct evq *q, sim_time t)
{
    g_error("evq_push: time %" G_GINT64_FORMAT " before %" G_GINT64_FORMAT, t, q->last);
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

/* Bucket 0 is empty: move `last` to the minimum of the lowest non-empty
 * bucket and spread that bucket over the ones below it. Entries are visited
 * in order, so equal keys keep their relative order. Every entry of bucket
 * i shares the bits above i-1 with the new minimum, so each lands strictly
 * below i and the source buffer can be read while others are appended. */
void evq_refill(struct evq *q)
{
    unsigned i = (unsigned)__builtin_ctzll(q->nonempty) + 1;
    struct evq_bucket *src = &q->b[i];
    struct evq_entry *v = src->v;
    uint32_t n = src->len;
    sim_time min = v[0].time;
    for (uint32_t k = 1; k < n; k++)
        if (v[k].time < min)
            min = v[k].time;
    q->last = min;
    q->nonempty &= ~(1ull << (i - 1));
    src->len = 0;
    for (uint32_t k = 0; k < n; k++) {
        unsigned j = evq_bucket_of(v[k].time, min);
        evq_append(&q->b[j], v[k]);
        if (j)
            q->nonempty |= 1ull << (j - 1);
    }
}
