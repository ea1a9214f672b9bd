/* The queue's sorted runs. One-chunk buckets are sorted by rank, 32-bit
 * keys at levels 1 and 2 and 64-bit keys above. A bucket of several chunks
 * that holds a small share of the queue comes up sorted (q->run), stably;
 * entries pushed into its range while it drains pop in (time, push) order,
 * also when the run fills and goes back to buckets; a bucket that holds
 * too large a share is spread as before. Every push goes as the
 * engine's does, through evq_try_push() and, where that needs a call,
 * evq_push(). Checked against a sorted reference after every pop. */
#include <glib.h>
#include <gsl/gsl_rng.h>

#include "evqueue.h"

struct ref_item {
    sim_time time;
    uint32_t seq;
};

struct check {
    struct evq q;
    GArray *ref; /* struct ref_item, sorted by (time, seq) */
    uint32_t seq;
    unsigned try_failed; /* pushes evq_try_push() left to evq_push() */
    unsigned run_full;   /* those into a full sorted run */
};

static void check_init(struct check *c)
{
    evq_init(&c->q, 0);
    c->ref = g_array_new(FALSE, FALSE, sizeof(struct ref_item));
    c->seq = 0;
    c->try_failed = 0;
    c->run_full = 0;
}

static void check_release(struct check *c)
{
    g_assert_cmpuint(c->ref->len, ==, 0);
    g_assert_cmpuint(evq_len(&c->q), ==, 0);
    g_array_unref(c->ref);
    evq_release(&c->q);
}

/* Insert after every item with a time <= @t: FIFO among ties. */
static void push(struct check *c, sim_time t)
{
    guint lo = 0, hi = c->ref->len;

    while (lo < hi) {
        guint mid = (lo + hi) / 2;
        if (g_array_index(c->ref, struct ref_item, mid).time <= t)
            lo = mid + 1;
        else
            hi = mid;
    }
    g_array_insert_val(c->ref, lo, ((struct ref_item){ t, c->seq }));
    struct evq_entry e = { .time = t, .slot = c->seq++ };
    /* As the engine does: the push without a call, else the whole one. */
    if (!evq_try_push(&c->q, e)) {
        /* Only for these, and with nothing changed. */
        g_assert_true(!c->q.free || c->q.now.w == c->q.run_end || t < c->q.last);
        g_assert_cmpuint(evq_len(&c->q), ==, c->ref->len - 1);
        c->try_failed++;
        c->run_full += c->q.run_span > 1 && c->q.now.w == c->q.run_end;
        evq_push(&c->q, e);
    }
}

static sim_time pop(struct check *c)
{
    struct ref_item want = g_array_index(c->ref, struct ref_item, 0);
    struct evq_entry got = { 0 };

    g_array_remove_index(c->ref, 0);
    g_assert_true(evq_peek(&c->q, &got));
    evq_pop(&c->q);
    g_assert_cmpint(got.time, ==, want.time);
    g_assert_cmpuint(got.slot, ==, want.seq);
    g_assert_cmpuint(evq_len(&c->q), ==, c->ref->len);
    return got.time;
}

static bool in_long_run(const struct evq *q)
{
    return q->now.head == NULL && q->r >= q->run && q->r < q->run + EVQ_RUN_ROOM;
}

/* @n entries in random order in level 2's bucket 1 (keys 65536..131071,
 * a third of them ties), with 8 * @n + @ballast far beyond it. */
static void fill(struct check *c, gsl_rng *rng, int n, int ballast)
{
    for (int i = 0; i < n; i++) {
        sim_time t = 65536 + (sim_time)gsl_rng_uniform_int(rng, 65536);
        if (i > 0 && gsl_rng_uniform(rng) < 0.33)
            t = g_array_index(c->ref, struct ref_item, gsl_rng_uniform_int(rng, c->ref->len)).time;
        push(c, t);
    }
    for (int i = 0; i < 8 * n + ballast; i++)
        push(c, ((sim_time)1 << 40) + (sim_time)gsl_rng_uniform_int(rng, 1000));
}

/* A bucket of @n entries with @ballast more far beyond it comes up as a
 * long run or not (@want_long), and everything pops in order. */
static void drain_bucket(gsl_rng *rng, int n, int ballast, bool want_long)
{
    struct check c;

    check_init(&c);
    fill(&c, rng, n, ballast);
    pop(&c);
    g_assert_true(in_long_run(&c.q) == want_long);
    if (want_long)
        g_assert_cmpuint(c.q.run_span, ==, 1u << 16);
    while (c.ref->len)
        pop(&c);
    check_release(&c);
}

/* Buckets of 16 to EVQ_RUN_CHUNKS chunks' worth of entries (more than one
 * chunk, up to the most a long run takes) come up as one sorted run, and
 * pop in order with ties FIFO. */
static void test_long_run_sorted(void)
{
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(rng, 3);
    const int sizes[] = { EVQ_CHUNK + 1, 2 * EVQ_CHUNK, 47, EVQ_RUN_CHUNKS * EVQ_CHUNK };

    for (size_t k = 0; k < G_N_ELEMENTS(sizes); k++)
        drain_bucket(rng, sizes[k], 0, true);
    gsl_rng_free(rng);
}

/* Entries pushed into a long run's range while it drains (descending,
 * ties with now and with queued keys) are inserted in order; enough of
 * them fill the run, which goes back to buckets without losing order. */
static void test_long_run_insert_and_unsort(void)
{
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(rng, 5);

    for (int round = 0; round < 2; round++) {
        struct check c;
        int inserts = round == 0 ? 10 : EVQ_RUN_ROOM; /* round 1 overflows */
        bool unsorted = false;

        check_init(&c);
        fill(&c, rng, 40, EVQ_RUN_ROOM * 8);
        sim_time now = pop(&c);
        g_assert_true(in_long_run(&c.q));
        for (int i = 0; i < inserts; i++) {
            sim_time t;

            switch (i % 4) {
            case 0:
                t = now;
                break;
            case 1:
                t = g_array_index(c.ref, struct ref_item, gsl_rng_uniform_int(rng, 30)).time;
                break;
            default:
                t = MAX(now, 131071 - i);
                break;
            }
            push(&c, t);
            unsorted |= !in_long_run(&c.q);
            if (i % 8 == 7)
                now = pop(&c);
        }
        g_assert_true(unsorted == (round == 1));
        /* Into the run, no chunk needed; the full run is evq_push()'s. */
        g_assert_cmpuint(c.run_full, ==, round == 1);
        while (c.ref->len)
            pop(&c);
        check_release(&c);
    }
    gsl_rng_free(rng);
}

/* A bucket of more than one chunk that holds over 1/8 of the queue, or of
 * more chunks than EVQ_RUN_CHUNKS, is spread into the level below. */
static void test_long_run_limits(void)
{
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(rng, 9);
    drain_bucket(rng, 40, -7 * 40, false);
    drain_bucket(rng, EVQ_RUN_CHUNKS * EVQ_CHUNK + 1, 0, false);
    gsl_rng_free(rng);
}

/* One-chunk buckets of levels 1-3 (the rank sorts of 32-bit keys at
 * levels 1 and 2, of 64-bit keys above) of 3 to EVQ_CHUNK entries, keys
 * spanning the whole bucket and a third of them ties, pop in order. */
static void test_short_run_sorted(void)
{
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(rng, 13);

    for (unsigned l = 1; l <= 3; l++) {
        sim_time span = (sim_time)1 << (8 * l), lo = span; /* bucket 1 of level l */

        for (int n = 3; n <= EVQ_CHUNK; n++) {
            struct check c;

            check_init(&c);
            for (int i = 0; i < n; i++) {
                sim_time t = lo + (sim_time)gsl_rng_uniform_int(rng, (unsigned long)span);
                if (i == 1)
                    t = lo + span - 1;
                else if (i > 1 && gsl_rng_uniform(rng) < 0.33)
                    t = g_array_index(c.ref, struct ref_item, gsl_rng_uniform_int(rng, c.ref->len))
                            .time;
                push(&c, t);
            }
            pop(&c);
            g_assert_nonnull(c.q.now.head);
            g_assert_cmpuint(c.q.run_span, ==, (uint64_t)span);
            while (c.ref->len)
                pop(&c);
            check_release(&c);
        }
    }
    gsl_rng_free(rng);
}

/* evq_try_push() makes every push it can without a call and leaves the
 * others, with nothing changed (push() checks), to evq_push(): the first
 * of a queue and the first after its slab of chunks runs out. A new
 * bucket and a full chunk are served from the free list. */
static void test_try_push(void)
{
    struct check c;

    check_init(&c);
    push(&c, 10);
    g_assert_cmpuint(c.try_failed, ==, 1);
    for (int i = 0; i < 40; i++) /* 40 buckets of level 1 */
        push(&c, 1000 + i * 300);
    for (int i = 0; i < 2 * EVQ_CHUNK; i++) /* two chunks of one bucket */
        push(&c, 70000);
    g_assert_cmpuint(c.try_failed, ==, 1);
    for (int i = 0; i < 30; i++) /* 30 of level 2: 73 chunks, the slab has 63 */
        push(&c, ((sim_time)1 << 20) + i * 65536);
    g_assert_cmpuint(c.try_failed, ==, 2);
    while (c.ref->len)
        pop(&c);
    check_release(&c);
}

/* Keys below the last one popped, pushed after a peek has moved the
 * queue on to the next key (as a run that stops before it does): the
 * queue is rebuilt, and everything pops in order, ties FIFO. */
static void test_rewind(void)
{
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    struct check c;
    int rewinds = 0;

    gsl_rng_set(rng, 17);
    check_init(&c);
    for (int i = 0; i < 300; i++) {
        sim_time t = (sim_time)gsl_rng_uniform_int(rng, 1ul << 24);
        if (i > 0 && gsl_rng_uniform(rng) < 0.3)
            t = g_array_index(c.ref, struct ref_item, gsl_rng_uniform_int(rng, c.ref->len)).time;
        push(&c, t);
    }
    sim_time now = pop(&c);
    while (c.ref->len) {
        struct evq_entry next = { 0 };

        g_assert_true(evq_peek(&c.q, &next));
        if (next.time > now && gsl_rng_uniform(rng) < 0.5) {
            sim_time t = now + (sim_time)gsl_rng_uniform_int(rng, (unsigned long)(next.time - now));
            rewinds += t < c.q.last;
            push(&c, t);
            push(&c, t);
            push(&c, next.time);
        }
        now = pop(&c);
    }
    g_assert_cmpint(rewinds, >, 20);
    check_release(&c);
    gsl_rng_free(rng);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/evqueue/long-run/sorted", test_long_run_sorted);
    g_test_add_func("/evqueue/long-run/insert-and-unsort", test_long_run_insert_and_unsort);
    g_test_add_func("/evqueue/long-run/limits", test_long_run_limits);
    g_test_add_func("/evqueue/short-run/sorted", test_short_run_sorted);
    g_test_add_func("/evqueue/try-push", test_try_push);
    g_test_add_func("/evqueue/rewind", test_rewind);
    return g_test_run();
}
