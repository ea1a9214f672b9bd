/* Statistics collectors: Welford mean/variance with Chan's merge, time-weighted
 * averages of piecewise-constant signals, and a log-linear histogram that
 * bounds quantile error by bucket width instead of storing samples. Leaves out
 * batch means and autocorrelation: replications give the confidence interval.
 * The t quantile comes from GSL (gsl_cdf_tdist_Pinv). */
#include "stats.h"

#include <math.h>
#include <string.h>

#include <glib.h>
#include <gsl/gsl_cdf.h>

#define HIST_SUB ((int64_t)1 << HIST_SUB_BITS)

void welford_init(struct welford *w)
{
    w->n = 0;
    w->mean = 0.0;
    w->m2 = 0.0;
}

double welford_mean(const struct welford *w)
{
    return w->n ? w->mean : 0.0;
}

double welford_variance(const struct welford *w)
{
    return w->n < 2 ? 0.0 : w->m2 / (double)(w->n - 1);
}

void welford_merge(struct welford *a, const struct welford *b)
{
    double na = (double)a->n, nb = (double)b->n;
    double delta, n;

    if (b->n == 0)
        return;
    if (a->n == 0) {
        *a = *b;
        return;
    }
    n = na + nb;
    delta = b->mean - a->mean;
    a->mean += delta * nb / n;
    a->m2 += b->m2 + delta * delta * na * nb / n;
    a->n += b->n;
}

void timeavg_init(struct timeavg *ta, sim_time now, double value)
{
    ta->start = now;
    ta->last = now;
    ta->value = value;
    ta->area = 0.0;
}

void timeavg_add(struct timeavg *ta, sim_time now, double delta)
{
    timeavg_set(ta, now, ta->value + delta);
}

void timeavg_reset(struct timeavg *ta, sim_time now)
{
    g_assert(now >= ta->last);
    ta->start = now;
    ta->last = now;
    ta->area = 0.0;
}

double timeavg_mean(const struct timeavg *ta, sim_time now)
{
    g_assert(now >= ta->last);
    if (now == ta->start)
        return ta->value;
    return (ta->area + ta->value * (double)(now - ta->last)) / (double)(now - ta->start);
}

/*
 * Bucket layout: group 0 holds the values 0..SUB-1 one per bucket; group g >= 1
 * holds [SUB << (g-1), SUB << g) split into SUB equal buckets of width
 * 2^(g-1). A bucket's width is therefore at most 1/SUB of its lower bound.
 */
size_t hist_bucket_of(int64_t value)
{
    int msb, group;

    g_assert(value >= 0);
    if (value < HIST_SUB)
        return (size_t)value;
    msb = 63 - __builtin_clzll((unsigned long long)value);
    group = msb - HIST_SUB_BITS + 1;
    return (size_t)group * HIST_SUB + (size_t)((value >> (group - 1)) - HIST_SUB);
}

void hist_bucket_bounds(size_t i, int64_t *lo, int64_t *hi)
{
    size_t group = i / HIST_SUB, sub = i % HIST_SUB;

    if (group == 0) {
        *lo = (int64_t)sub;
        *hi = (int64_t)sub + 1;
        return;
    }
    g_assert(group + HIST_SUB_BITS <= 63);
    *lo = (int64_t)(HIST_SUB + sub) << (group - 1);
    /* The top bucket's bound would be 2^63: saturate rather than overflow. */
    if (group + HIST_SUB_BITS == 63 && sub == HIST_SUB - 1)
        *hi = INT64_MAX;
    else
        *hi = (int64_t)(HIST_SUB + sub + 1) << (group - 1);
}

void hist_init(struct hist *h)
{
    h->counts = NULL;
    h->n_buckets = 0;
    hist_reset(h);
}

void hist_release(struct hist *h)
{
    g_free(h->counts);
    h->counts = NULL;
    h->n_buckets = 0;
}

void hist_reset(struct hist *h)
{
    if (h->counts)
        memset(h->counts, 0, h->n_buckets * sizeof(*h->counts));
    h->total = 0;
    h->min = 0;
    h->max = 0;
    h->sum = 0.0;
}

static void hist_grow(struct hist *h, size_t n_buckets)
{
    size_t n;

    if (n_buckets <= h->n_buckets)
        return;
    /* Grow a whole group or more at a time so growth is rare. */
    n = MAX(n_buckets, 2 * h->n_buckets);
    n = (n + HIST_SUB - 1) / HIST_SUB * HIST_SUB;
    h->counts = g_renew(uint64_t, h->counts, n);
    memset(h->counts + h->n_buckets, 0, (n - h->n_buckets) * sizeof(*h->counts));
    h->n_buckets = n;
}

void hist_add(struct hist *h, int64_t value)
{
    size_t i = hist_bucket_of(value);

    if (i >= h->n_buckets)
        hist_grow(h, i + 1);
    h->counts[i]++;
    if (h->total == 0 || value < h->min)
        h->min = value;
    if (h->total == 0 || value > h->max)
        h->max = value;
    h->total++;
    h->sum += (double)value;
}

void hist_merge(struct hist *dst, const struct hist *src)
{
    if (src->total == 0)
        return;
    hist_grow(dst, src->n_buckets);
    for (size_t i = 0; i < src->n_buckets; i++)
        dst->counts[i] += src->counts[i];
    if (dst->total == 0 || src->min < dst->min)
        dst->min = src->min;
    if (dst->total == 0 || src->max > dst->max)
        dst->max = src->max;
    dst->total += src->total;
    dst->sum += src->sum;
}

double hist_quantile(const struct hist *h, double q)
{
    uint64_t rank, seen = 0;
    int64_t lo, hi;
    double mid;

    g_assert(q >= 0.0 && q <= 1.0);
    if (h->total == 0)
        return 0.0;
    /* The q-quantile is the ceil(q n)-th smallest value (1-based), as for an
     * inverse empirical CDF; q = 0 means the smallest. */
    rank = (uint64_t)ceil(q * (double)h->total);
    rank = CLAMP(rank, 1, h->total);
    for (size_t i = 0; i < h->n_buckets; i++) {
        seen += h->counts[i];
        if (seen < rank)
            continue;
        hist_bucket_bounds(i, &lo, &hi);
        /* Midpoint of the integers in [lo, hi), so width-1 buckets are exact. */
        mid = ((double)lo + (double)(hi - 1)) / 2.0;
        return CLAMP(mid, (double)h->min, (double)h->max);
    }
    g_assert_not_reached();
}

double hist_mean(const struct hist *h)
{
    return h->total ? h->sum / (double)h->total : 0.0;
}

double ci95_halfwidth(double sd, uint64_t n)
{
    if (n < 2)
        return 0.0;
    return gsl_cdf_tdist_Pinv(0.975, (double)(n - 1)) * sd / sqrt((double)n);
}

double welford_mean_defined(const struct welford *w)
{
    return w->n ? welford_mean(w) : NAN;
}

double hist_quantile_defined(const struct hist *h, double q)
{
    return h->total ? hist_quantile(h, q) : NAN;
}
