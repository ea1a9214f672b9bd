/* The classic hold model (Vaucher and Duval 1975; Jones, CACM 1986): N
 * events pending, each one, when it fires, schedules one new event at
 * now + Exp(mean). Measured on iovsim's engine and on a reference that is
 * the strongest simple design we know: a 4-ary implicit heap of 16-byte
 * (time, sequence, slot) entries with FIFO ties and events pooled on a free
 * list, calling a handler through a pointer like any engine. Both draw the
 * same delays from hold-rng.h. Prints events per second of CPU time over
 * the event loop (setup excluded; CPU time, because the machines this runs
 * on are shared and wall time would measure the neighbours) and peak
 * resident memory of the whole process.
 *
 * usage: bench-engine engine|reference PENDING EVENTS */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include <glib.h>

#include "hold-rng.h"
#include "sim.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static long peak_rss_kib(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss;
}

/* ---- iovsim engine ---- */

struct hold {
    struct hold_rng rng;
    uint64_t left;
};

static void on_hold(struct sim *sim, void *ctx, const void *payload)
{
    struct hold *h = ctx;
    (void)payload;
    if (h->left == 0) {
        sim_stop(sim);
        return;
    }
    h->left--;
    sim_schedule(sim, hold_draw(&h->rng), on_hold, h, NULL, 0);
}

static double run_engine(long pending, uint64_t events, sim_time *end)
{
    struct sim *sim = sim_new(1);
    struct hold h = { .rng = { HOLD_SEED }, .left = events };
    for (long i = 0; i < pending; i++)
        sim_schedule(sim, hold_draw(&h.rng), on_hold, &h, NULL, 0);
    double t0 = now_s();
    sim_run_until(sim, SIM_TIME_MAX);
    double dt = now_s() - t0;
    *end = sim_now(sim);
    sim_free(sim);
    return (double)events / dt;
}

/* ---- the reference: pooled 4-ary heap ---- */

struct ref;
typedef void (*ref_fn)(struct ref *r, void *ctx);

struct ref_entry {
    int64_t time;
    uint32_t seq; /* FIFO among equal times (wraps; compared as a difference) */
    uint32_t slot;
};

struct ref_event {
    ref_fn fn;
    void *ctx;
    uint32_t next_free;
};

struct ref {
    struct ref_entry *heap;
    uint32_t n, cap;
    struct ref_event *pool;
    uint32_t pool_cap, pool_used, free_head;
    uint32_t seq;
    int64_t now;
    bool stop;
};

#define REF_NIL UINT32_MAX

static inline bool ref_less(const struct ref_entry *a, const struct ref_entry *b)
{
    return a->time < b->time || (a->time == b->time && (int32_t)(a->seq - b->seq) < 0);
}

static void ref_schedule(struct ref *r, int64_t when, ref_fn fn, void *ctx)
{
    uint32_t slot;
    if (r->free_head != REF_NIL) {
        slot = r->free_head;
        r->free_head = r->pool[slot].next_free;
    } else {
        if (r->pool_used == r->pool_cap) {
            r->pool_cap = r->pool_cap ? 2 * r->pool_cap : 256;
            r->pool = g_renew(struct ref_event, r->pool, r->pool_cap);
        }
        slot = r->pool_used++;
    }
    r->pool[slot].fn = fn;
    r->pool[slot].ctx = ctx;
    if (r->n == r->cap) {
        r->cap = r->cap ? 2 * r->cap : 256;
        r->heap = g_renew(struct ref_entry, r->heap, r->cap);
    }
    struct ref_entry e = { when, r->seq++, slot };
    uint32_t i = r->n++;
    while (i > 0) {
        uint32_t p = (i - 1) / 4;
        if (!ref_less(&e, &r->heap[p]))
            break;
        r->heap[i] = r->heap[p];
        i = p;
    }
    r->heap[i] = e;
}

static struct ref_entry ref_pop(struct ref *r)
{
    struct ref_entry top = r->heap[0];
    struct ref_entry last = r->heap[--r->n];
    uint32_t n = r->n, i = 0;
    for (;;) {
        uint32_t c = 4 * i + 1;
        if (c >= n)
            break;
        uint32_t best = c, stop = c + 4 < n ? c + 4 : n;
        for (uint32_t k = c + 1; k < stop; k++)
            if (ref_less(&r->heap[k], &r->heap[best]))
                best = k;
        if (!ref_less(&r->heap[best], &last))
            break;
        r->heap[i] = r->heap[best];
        i = best;
    }
    r->heap[i] = last;
    return top;
}

static void ref_on_hold(struct ref *r, void *ctx)
{
    struct hold *h = ctx;
    if (h->left == 0) {
        r->stop = true;
        return;
    }
    h->left--;
    ref_schedule(r, r->now + hold_draw(&h->rng), ref_on_hold, h);
}

static double run_reference(long pending, uint64_t events, sim_time *end)
{
    struct ref r = { .free_head = REF_NIL };
    struct hold h = { .rng = { HOLD_SEED }, .left = events };
    for (long i = 0; i < pending; i++)
        ref_schedule(&r, hold_draw(&h.rng), ref_on_hold, &h);
    double t0 = now_s();
    while (!r.stop && r.n) {
        struct ref_entry top = ref_pop(&r);
        r.now = top.time;
        /* The handler may grow (move) the pool: copy before calling. */
        struct ref_event ev = r.pool[top.slot];
        r.pool[top.slot].next_free = r.free_head;
        r.free_head = top.slot;
        ev.fn(&r, ev.ctx);
    }
    double dt = now_s() - t0;
    *end = r.now;
    g_free(r.heap);
    g_free(r.pool);
    return (double)events / dt;
}

int main(int argc, char **argv)
{
    if (argc != 4 || (strcmp(argv[1], "engine") && strcmp(argv[1], "reference"))) {
        fprintf(stderr, "usage: bench-engine engine|reference PENDING EVENTS\n");
        return 2;
    }
    long pending = atol(argv[2]);
    uint64_t events = strtoull(argv[3], NULL, 10);
    if (pending < 1) {
        fprintf(stderr, "bench-engine: PENDING must be at least 1\n");
        return 2;
    }
    sim_time end;
    double rate = strcmp(argv[1], "engine") == 0 ? run_engine(pending, events, &end)
                                                 : run_reference(pending, events, &end);
    /* end: the clock at the last event, equal for both when they agree. */
    printf("%s pending=%ld events=%" G_GUINT64_FORMAT
           " rate=%.0f peak_rss_kib=%ld end=%" G_GINT64_FORMAT "\n",
           argv[1], pending, events, rate, peak_rss_kib(), end);
    return 0;
}
