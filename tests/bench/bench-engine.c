/* The classic hold model (Vaucher and Duval 1975; Jones, CACM 1986): N
 * events pending, each one, when it fires, schedules one new event at
 * now + Exp(mean). Measured on iovsim's engine and on a textbook reference
 * (a binary heap of pointers to malloc'd events, ordered by time then
 * insertion sequence), with the same random numbers. Prints events per
 * second, peak resident memory and the ratio engine / reference.
 *
 * usage: bench-engine engine|reference PENDING EVENTS */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include <glib.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "sim.h"

/* Mean hold time: 1 us in picoseconds, so keys spread like a real model's. */
#define HOLD_MEAN_PS 1e6

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static long peak_rss_kib(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss;
}

static sim_time hold_draw(gsl_rng *rng)
{
    return (sim_time)gsl_ran_exponential(rng, HOLD_MEAN_PS);
}

/* ---- iovsim engine ---- */

struct hold {
    gsl_rng *rng;
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
    sim_schedule(sim, hold_draw(h->rng), on_hold, h, NULL, 0);
}

static double run_engine(long pending, uint64_t events)
{
    struct sim *sim = sim_new(1);
    struct hold h = { .rng = gsl_rng_alloc(gsl_rng_mt19937), .left = events };
    gsl_rng_set(h.rng, 42);
    for (long i = 0; i < pending; i++)
        sim_schedule(sim, hold_draw(h.rng), on_hold, &h, NULL, 0);
    double t0 = now_s();
    sim_run_until(sim, SIM_TIME_MAX);
    double dt = now_s() - t0;
    gsl_rng_free(h.rng);
    sim_free(sim);
    return (double)events / dt;
}

/* ---- the textbook reference: binary heap of event pointers ---- */

struct ref_event {
    sim_time time;
    uint64_t seq;
};

struct ref_heap {
    struct ref_event **a;
    size_t n, cap;
    uint64_t seq;
};

static int ref_less(const struct ref_event *x, const struct ref_event *y)
{
    return x->time < y->time || (x->time == y->time && x->seq < y->seq);
}

static void ref_push(struct ref_heap *h, struct ref_event *e)
{
    if (h->n == h->cap) {
        h->cap = h->cap ? 2 * h->cap : 1024;
        h->a = realloc(h->a, h->cap * sizeof(*h->a));
    }
    e->seq = h->seq++;
    size_t i = h->n++;
    while (i > 0 && ref_less(e, h->a[(i - 1) / 2])) {
        h->a[i] = h->a[(i - 1) / 2];
        i = (i - 1) / 2;
    }
    h->a[i] = e;
}

static struct ref_event *ref_pop(struct ref_heap *h)
{
    struct ref_event *top = h->a[0];
    struct ref_event *last = h->a[--h->n];
    size_t i = 0;
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= h->n)
            break;
        if (c + 1 < h->n && ref_less(h->a[c + 1], h->a[c]))
            c++;
        if (!ref_less(h->a[c], last))
            break;
        h->a[i] = h->a[c];
        i = c;
    }
    if (h->n)
        h->a[i] = last;
    return top;
}

static double run_reference(long pending, uint64_t events)
{
    struct ref_heap h = { 0 };
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(rng, 42);
    for (long i = 0; i < pending; i++) {
        struct ref_event *e = malloc(sizeof(*e));
        e->time = hold_draw(rng);
        ref_push(&h, e);
    }
    double t0 = now_s();
    for (uint64_t k = 0; k < events; k++) {
        struct ref_event *e = ref_pop(&h);
        e->time += hold_draw(rng);
        ref_push(&h, e);
    }
    double dt = now_s() - t0;
    while (h.n)
        free(ref_pop(&h));
    free(h.a);
    gsl_rng_free(rng);
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
    double rate = strcmp(argv[1], "engine") == 0 ? run_engine(pending, events)
                                                 : run_reference(pending, events);
    printf("%s pending=%ld events=%" G_GUINT64_FORMAT " rate=%.0f peak_rss_kib=%ld\n", argv[1],
           pending, events, rate, peak_rss_kib());
    return 0;
}
