/* Engine tests: ordering, FIFO ties, cancel and reschedule, stopping, the
 * clock at the end of a run, aborts on misuse, the radix heap against a
 * sorted reference under random load, and the named random streams. */
#include <stdlib.h>
#include <string.h>

#include <glib.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "evqueue.h"
#include "rng.h"
#include "sim.h"

/* rng_stream_seed(1, "queue.arrivals") as first released. */
#define PINNED_SEED 11039707635960617576ull

struct trace {
    GArray *log; /* int: payload tags in firing order */
    GArray *times;
};

static void record(struct sim *sim, void *ctx, const void *payload)
{
    struct trace *t = ctx;
    int tag;
    memcpy(&tag, payload, sizeof(tag));
    sim_time now = sim_now(sim);
    g_array_append_val(t->log, tag);
    g_array_append_val(t->times, now);
}

static void trace_init(struct trace *t)
{
    t->log = g_array_new(FALSE, FALSE, sizeof(int));
    t->times = g_array_new(FALSE, FALSE, sizeof(sim_time));
}

static void trace_release(struct trace *t)
{
    g_array_unref(t->log);
    g_array_unref(t->times);
}

static sim_event_id at(struct sim *sim, sim_time when, struct trace *t, int tag)
{
    return sim_schedule_at(sim, when, record, t, &tag, sizeof(tag));
}

static void test_order_and_ties(void)
{
    struct sim *sim = sim_new(1);
    struct trace t;
    trace_init(&t);
    at(sim, 30, &t, 3);
    at(sim, 10, &t, 1);
    at(sim, 20, &t, 20);
    at(sim, 20, &t, 21);
    at(sim, 20, &t, 22);
    at(sim, 0, &t, 0);
    g_assert_cmpuint(sim_run_until(sim, SIM_TIME_MAX), ==, 6);
    int want[] = { 0, 1, 20, 21, 22, 3 };
    g_assert_cmpuint(t.log->len, ==, 6);
    for (unsigned i = 0; i < 6; i++)
        g_assert_cmpint(g_array_index(t.log, int, i), ==, want[i]);
    g_assert_cmpint(sim_now(sim), ==, 30);
    trace_release(&t);
    sim_free(sim);
}

/* An event scheduled for "now" from inside a handler runs after the
 * events already queued for now (FIFO ties across nesting). */
static void chain(struct sim *sim, void *ctx, const void *payload)
{
    struct trace *t = ctx;
    record(sim, ctx, payload);
    int tag;
    memcpy(&tag, payload, sizeof(tag));
    if (tag < 3) {
        tag += 10;
        sim_schedule(sim, 0, record, t, &tag, sizeof(tag));
    }
}

static void test_same_time_from_handler(void)
{
    struct sim *sim = sim_new(1);
    struct trace t;
    trace_init(&t);
    for (int i = 1; i <= 3; i++)
        sim_schedule_at(sim, 5, chain, &t, &i, sizeof(i));
    sim_run_until(sim, SIM_TIME_MAX);
    int want[] = { 1, 2, 3, 11, 12 };
    g_assert_cmpuint(t.log->len, ==, 5);
    for (unsigned i = 0; i < 5; i++)
        g_assert_cmpint(g_array_index(t.log, int, i), ==, want[i]);
    trace_release(&t);
    sim_free(sim);
}

static void test_cancel(void)
{
    struct sim *sim = sim_new(1);
    struct trace t;
    trace_init(&t);
    sim_event_id a = at(sim, 10, &t, 1);
    sim_event_id b = at(sim, 20, &t, 2);
    at(sim, 30, &t, 3);
    g_assert_cmpuint(sim_events_pending(sim), ==, 3);
    g_assert_true(sim_cancel(sim, b));
    g_assert_false(sim_cancel(sim, b));
    g_assert_false(sim_is_pending(sim, b));
    g_assert_true(sim_is_pending(sim, a));
    g_assert_cmpuint(sim_events_pending(sim), ==, 2);
    /* The freed slot is reused: the old id must not match the new event. */
    sim_event_id c = at(sim, 25, &t, 4);
    g_assert_cmpuint(c, !=, b);
    g_assert_false(sim_cancel(sim, b));
    g_assert_false(sim_cancel(sim, 0));
    sim_run_until(sim, SIM_TIME_MAX);
    int want[] = { 1, 4, 3 };
    g_assert_cmpuint(t.log->len, ==, 3);
    for (unsigned i = 0; i < 3; i++)
        g_assert_cmpint(g_array_index(t.log, int, i), ==, want[i]);
    g_assert_false(sim_cancel(sim, a)); /* already ran */
    trace_release(&t);
    sim_free(sim);
}

static void test_reschedule(void)
{
    struct sim *sim = sim_new(1);
    struct trace t;
    trace_init(&t);
    sim_event_id a = at(sim, 10, &t, 1);
    at(sim, 20, &t, 2);
    sim_event_id a2 = sim_reschedule(sim, a, 30);
    g_assert_cmpuint(a2, !=, 0);
    g_assert_false(sim_is_pending(sim, a));
    g_assert_true(sim_is_pending(sim, a2));
    g_assert_cmpuint(sim_reschedule(sim, a, 40), ==, 0);
    /* Earlier, and tied with an event already at 20: it goes after it. */
    sim_event_id a3 = sim_reschedule(sim, a2, 20);
    g_assert_cmpuint(sim_events_pending(sim), ==, 2);
    sim_run_until(sim, SIM_TIME_MAX);
    g_assert_cmpuint(t.log->len, ==, 2);
    g_assert_cmpint(g_array_index(t.log, int, 0), ==, 2);
    g_assert_cmpint(g_array_index(t.log, int, 1), ==, 1);
    g_assert_cmpint(g_array_index(t.times, sim_time, 1), ==, 20);
    g_assert_false(sim_is_pending(sim, a3));
    trace_release(&t);
    sim_free(sim);
}

static void stopper(struct sim *sim, void *ctx, const void *payload)
{
    record(sim, ctx, payload);
    sim_stop(sim);
}

static void test_run_until_and_stop(void)
{
    struct sim *sim = sim_new(1);
    struct trace t;
    trace_init(&t);
    at(sim, 10, &t, 1);
    at(sim, 100, &t, 2);
    int tag = 3;
    sim_schedule_at(sim, 50, stopper, &t, &tag, sizeof(tag));
    g_assert_cmpuint(sim_run_until(sim, 40), ==, 1);
    g_assert_cmpint(sim_now(sim), ==, 40); /* the clock stops at the end time */
    g_assert_false(sim_stopped(sim));
    g_assert_cmpuint(sim_run_until(sim, 1000), ==, 1);
    g_assert_true(sim_stopped(sim));
    g_assert_cmpint(sim_now(sim), ==, 50); /* asked to stop: clock stays */
    sim_run_until(sim, 1000);
    g_assert_cmpint(sim_now(sim), ==, 1000);
    g_assert_cmpuint(sim_events_executed(sim), ==, 3);
    /* An event exactly at the end time runs. */
    at(sim, 1500, &t, 4);
    g_assert_cmpuint(sim_run_until(sim, 1500), ==, 1);
    trace_release(&t);
    sim_free(sim);
}

/* A run that stops before the next event leaves its clock at the end,
 * below that event; events scheduled in between (at the clock too) or
 * rescheduled there run first, the rest after them in order, ties FIFO.
 * The stop's peek at the next event had moved the queue's last key on to
 * it, and such a push aborted. */
static void test_schedule_after_stop(void)
{
    struct sim *sim = sim_new(1);
    struct trace t;
    const int want[] = { 6, 5, 4, 7, 1, 2, 8, 3 };

    trace_init(&t);
    at(sim, 1000, &t, 1);
    at(sim, 1000, &t, 2);
    at(sim, 5000, &t, 3);
    sim_event_id far = at(sim, 70000, &t, 4);
    g_assert_cmpuint(sim_run_until(sim, 500), ==, 0);
    g_assert_cmpint(sim_now(sim), ==, 500);
    at(sim, 500, &t, 6);
    at(sim, 600, &t, 5);
    g_assert_cmpuint(sim_reschedule(sim, far, 700), !=, 0);
    at(sim, 900, &t, 7);
    at(sim, 1000, &t, 8);
    g_assert_cmpuint(sim_run_until(sim, SIM_TIME_MAX), ==, G_N_ELEMENTS(want));
    g_assert_cmpmem(t.log->data, t.log->len * sizeof(int), want, sizeof(want));
    trace_release(&t);
    sim_free(sim);
}

static void test_watch_flag(void)
{
    struct sim *sim = sim_new(1);
    struct trace t;
    trace_init(&t);
    volatile sig_atomic_t flag = 0;
    sim_watch_flag(sim, &flag);
    for (int i = 0; i < 3 * SIM_FLAG_EVERY; i++)
        at(sim, 10 * (i + 1), &t, i);
    g_assert_cmpuint(sim_run_until(sim, 10 * SIM_FLAG_EVERY / 2), ==, SIM_FLAG_EVERY / 2);
    g_assert_false(sim_stopped(sim));
    /* Set now, seen when the run's events reach a multiple of
     * SIM_FLAG_EVERY, counted over both calls. */
    flag = 1;
    g_assert_cmpuint(sim_run_until(sim, SIM_TIME_MAX), ==, SIM_FLAG_EVERY / 2);
    g_assert_true(sim_stopped(sim));
    trace_release(&t);
    sim_free(sim);
}

static void noop(struct sim *sim, void *ctx, const void *payload)
{
    (void)sim;
    (void)ctx;
    (void)payload;
}

static void test_misuse_aborts(void)
{
    if (g_test_subprocess()) {
        struct sim *sim = sim_new(1);
        sim_schedule_at(sim, 100, noop, NULL, NULL, 0);
        sim_run_until(sim, SIM_TIME_MAX);
        sim_schedule_at(sim, 50, noop, NULL, NULL, 0);
        return;
    }
    g_test_trap_subprocess(NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
    g_test_trap_assert_failed();
    g_test_trap_assert_stderr("*before now*");
}

static void test_negative_delay_aborts(void)
{
    if (g_test_subprocess()) {
        struct sim *sim = sim_new(1);
        sim_schedule(sim, -1, noop, NULL, NULL, 0);
        return;
    }
    g_test_trap_subprocess(NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
    g_test_trap_assert_failed();
    g_test_trap_assert_stderr("*negative delay*");
}

static void test_null_handler_aborts(void)
{
    if (g_test_subprocess()) {
        struct sim *sim = sim_new(1);
        sim_schedule(sim, 1, NULL, NULL, NULL, 0);
        return;
    }
    g_test_trap_subprocess(NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
    g_test_trap_assert_failed();
    g_test_trap_assert_stderr("*NULL handler*");
}

static void test_long_payload_aborts(void)
{
    if (g_test_subprocess()) {
        struct sim *sim = sim_new(1);
        char big[SIM_PAYLOAD_MAX + 1] = { 0 };
        sim_schedule(sim, 1, noop, NULL, big, sizeof(big));
        return;
    }
    g_test_trap_subprocess(NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
    g_test_trap_assert_failed();
    g_test_trap_assert_stderr("*payload of 33 bytes exceeds 32*");
}

/* The radix heap against a sorted-array reference: random pushes (many
 * ties, wide and narrow spreads) interleaved with pops. */
struct ref_item {
    sim_time time;
    uint64_t seq;
};

/* Insert after every item with time <= t: seq grows, so this is FIFO. */
static void ref_insert(GArray *ref, struct ref_item it)
{
    guint lo = 0, hi = ref->len;
    while (lo < hi) {
        guint mid = (lo + hi) / 2;
        if (g_array_index(ref, struct ref_item, mid).time <= it.time)
            lo = mid + 1;
        else
            hi = mid;
    }
    g_array_insert_val(ref, lo, it);
}

/* @prefetch: turn on evq_set_prefetch() over a dummy array, which must not
 * change the order. */
static void evqueue_random(bool prefetch)
{
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(rng, 7);
    struct evq q;
    evq_init(&q, 0);
    static char records[64];
    if (prefetch)
        evq_set_prefetch(&q, records, 0, UINT64_MAX);
    GArray *ref = g_array_new(FALSE, FALSE, sizeof(struct ref_item));
    sim_time now = 0;
    uint64_t seq = 0;
    for (int step = 0; step < 200000; step++) {
        if (ref->len == 0 || gsl_rng_uniform(rng) < 0.55) {
            sim_time spread = (sim_time)1 << gsl_rng_uniform_int(rng, 50);
            sim_time t =
                now + (sim_time)gsl_rng_uniform_int(rng, (unsigned long)MIN(spread, 1000000000L));
            if (gsl_rng_uniform(rng) < 0.2)
                t = now; /* ties with the current time */
            struct ref_item it = { t, seq };
            evq_push(&q, (struct evq_entry){ .time = t, .slot = (uint32_t)seq });
            seq++;
            ref_insert(ref, it);
        } else {
            struct ref_item want = g_array_index(ref, struct ref_item, 0);
            g_array_remove_index(ref, 0);
            struct evq_entry got = { 0 };
            g_assert_true(evq_peek(&q, &got));
            evq_pop(&q);
            g_assert_cmpint(got.time, ==, want.time);
            g_assert_cmpuint(got.slot, ==, (uint32_t)want.seq);
            now = got.time;
        }
        g_assert_cmpuint(evq_len(&q), ==, ref->len);
    }
    g_array_unref(ref);
    evq_release(&q);
    gsl_rng_free(rng);
}

static void test_evqueue_random(void)
{
    evqueue_random(false);
}

static void test_evqueue_random_prefetch(void)
{
    evqueue_random(true);
}

/* A bucket of level 1 or 2 that fits one chunk comes up as a sorted run
 * over its whole key range: entries pushed into that range while it drains,
 * in descending order and as ties, pop in (time, push) order, also once the
 * run's chunk is full and it goes back to buckets; and a bucket of two
 * chunks is spread as before. */
static void test_evqueue_sorted_run(void)
{
    for (int round = 0; round < 4; round++) {
        struct evq q;
        GArray *ref = g_array_new(FALSE, FALSE, sizeof(struct ref_item));
        uint64_t seq = 0;
        /* Rounds 0, 1: keys in 768..1023 (level 1), 2, 3: in 65536..131071
         * (level 2, steps wider than a digit); 3 entries (one chunk) or 20. */
        int level = round < 2 ? 1 : 2;
        sim_time top = level == 1 ? 1023 : 131071, unit = level == 1 ? 1 : 256;
        int first = round % 2 == 0 ? 3 : 20;

        evq_init(&q, 0);
        for (int i = 0; i < first; i++) {
            sim_time t = top - 23 * unit - 10 * unit * i;
            evq_push(&q, (struct evq_entry){ .time = t, .slot = (uint32_t)seq });
            ref_insert(ref, (struct ref_item){ t, seq++ });
        }
        for (int step = 0; step < 200; step++) {
            struct ref_item want = g_array_index(ref, struct ref_item, 0);
            struct evq_entry got = { 0 };

            g_array_remove_index(ref, 0);
            g_assert_true(evq_peek(&q, &got));
            evq_pop(&q);
            g_assert_cmpint(got.time, ==, want.time);
            g_assert_cmpuint(got.slot, ==, (uint32_t)want.seq);
            if (step == 0)
                g_assert_cmpuint(q.run_span, ==,
                                 first <= EVQ_CHUNK ? (uint64_t)1 << (8 * level) : 1);
            /* Two pushes per pop, descending in the run's range, every
             * third a tie with now or with a queued key. */
            for (int k = 0; k < 2 && step < 25; k++) {
                sim_time t = step % 3 == 0 ? got.time : MAX(got.time, top - 7 * unit * step - k);

                if (k == 1 && step % 3 == 1 && ref->len)
                    t = g_array_index(ref, struct ref_item, ref->len - 1).time;
                evq_push(&q, (struct evq_entry){ .time = t, .slot = (uint32_t)seq });
                ref_insert(ref, (struct ref_item){ t, seq++ });
            }
            if (!ref->len)
                break;
        }
        g_assert_cmpuint(ref->len, ==, 0);
        g_assert_cmpuint(evq_len(&q), ==, 0);
        g_array_unref(ref);
        evq_release(&q);
    }
}

static uint32_t pop_slot(struct evq *q, sim_time want_time)
{
    struct evq_entry e = { 0 };
    g_assert_true(evq_peek(q, &e));
    evq_pop(q);
    g_assert_cmpint(e.time, ==, want_time);
    return e.slot;
}

/* Ties pushed while the current time's entries are being consumed run after
 * them, across chunk boundaries; keys in the top digit sort too. */
static void test_evqueue_ties_and_extremes(void)
{
    struct evq q;
    evq_init(&q, 0);
    uint32_t slot = 0, next = 0;
    for (int i = 0; i < 3 * EVQ_CHUNK + 2; i++)
        evq_push(&q, (struct evq_entry){ .time = 5, .slot = slot++ });
    evq_push(&q, (struct evq_entry){ .time = SIM_TIME_MAX, .slot = 1000 });
    evq_push(&q, (struct evq_entry){ .time = ((sim_time)1 << 62) + 3, .slot = 1001 });
    evq_push(&q, (struct evq_entry){ .time = 6, .slot = 1002 });
    /* Pop one, push one more tie: the queue of ties never empties early. */
    for (int i = 0; i < 5 * EVQ_CHUNK; i++) {
        g_assert_cmpuint(pop_slot(&q, 5), ==, next++);
        evq_push(&q, (struct evq_entry){ .time = 5, .slot = slot++ });
    }
    while (next < slot)
        g_assert_cmpuint(pop_slot(&q, 5), ==, next++);
    g_assert_cmpuint(pop_slot(&q, 6), ==, 1002);
    g_assert_cmpuint(pop_slot(&q, ((sim_time)1 << 62) + 3), ==, 1001);
    g_assert_cmpuint(pop_slot(&q, SIM_TIME_MAX), ==, 1000);
    struct evq_entry e;
    g_assert_false(evq_peek(&q, &e));
    g_assert_cmpuint(evq_len(&q), ==, 0);
    evq_release(&q);
}

/* Memory follows the entries queued now: under a long hold workload the
 * chunks allocated stay within what the peak number of entries needs plus
 * one partly filled chunk per bucket (the radix heap before chunks kept
 * every bucket at the largest size it had ever reached, 4x the entries). */
static void test_evqueue_memory_bound(void)
{
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(rng, 11);
    struct evq q;
    evq_init(&q, 0);
    const uint32_t pending = 20000;
    for (uint32_t i = 0; i < pending; i++)
        evq_push(&q, (struct evq_entry){ .time = (sim_time)gsl_ran_exponential(rng, 1e6) });
    for (int i = 0; i < 1000000; i++) {
        struct evq_entry e = { 0 };
        g_assert_true(evq_peek(&q, &e));
        evq_pop(&q);
        e.time += (sim_time)gsl_ran_exponential(rng, 1e6);
        evq_push(&q, e);
    }
    size_t buckets = EVQ_LEVELS * EVQ_FANOUT + 1, slab = 64;
    g_assert_cmpuint(q.chunks, <=, (pending + EVQ_CHUNK) / EVQ_CHUNK + buckets + slab);
    evq_release(&q);
    gsl_rng_free(rng);
}

/* evq_drop() against the reference: random pushes and pops, some entries
 * marked to go; after each drop the queue pops a subsequence of the
 * reference's order holding every entry kept (those marked may still pop
 * if they were in the now list), and its length is what it holds. */
static bool keep_unmarked(const struct evq_entry *e, const void *ctx)
{
    const GArray *marked = ctx;

    return !g_array_index(marked, gboolean, e->slot);
}

static void test_evqueue_drop(void)
{
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    GArray *ref = g_array_new(FALSE, FALSE, sizeof(struct ref_item));
    GArray *marked = g_array_new(FALSE, TRUE, sizeof(gboolean));
    struct evq q;
    sim_time now = 0;
    uint64_t seq = 0;
    size_t dropped_total = 0, queued = 0;

    gsl_rng_set(rng, 13);
    evq_init(&q, 0);
    for (int step = 0; step < 200000; step++) {
        double u = gsl_rng_uniform(rng);

        if (ref->len == 0 || u < 0.55) {
            sim_time spread = (sim_time)1 << gsl_rng_uniform_int(rng, 40);
            sim_time t = now + (sim_time)(gsl_rng_uniform(rng) * (double)spread);
            gboolean mark = gsl_rng_uniform(rng) < 0.5;

            if (gsl_rng_uniform(rng) < 0.2)
                t = now;
            evq_push(&q, (struct evq_entry){ .time = t, .slot = (uint32_t)seq });
            g_array_append_val(marked, mark);
            ref_insert(ref, (struct ref_item){ t, seq++ });
            queued++;
        } else if (u < 0.999) {
            struct evq_entry got = { 0 };

            g_assert_true(evq_peek(&q, &got));
            evq_pop(&q);
            queued--;
            /* Marked entries the queue no longer holds are skipped. */
            while (g_array_index(ref, struct ref_item, 0).seq != got.slot) {
                g_assert_true(
                    g_array_index(marked, gboolean, g_array_index(ref, struct ref_item, 0).seq));
                g_array_remove_index(ref, 0);
            }
            g_assert_cmpint(got.time, ==, g_array_index(ref, struct ref_item, 0).time);
            g_array_remove_index(ref, 0);
            now = got.time;
        } else {
            size_t n = evq_drop(&q, keep_unmarked, marked);

            queued -= n;
            dropped_total += n;
        }
        g_assert_cmpuint(evq_len(&q), ==, queued);
    }
    g_assert_cmpuint(dropped_total, >, 10000);
    /* Drop the rest of the marked ones, then drain: only kept entries (and
     * marked ones of the now list) come out, in order. */
    queued -= evq_drop(&q, keep_unmarked, marked);
    for (struct evq_entry got = { 0 }; evq_peek(&q, &got); queued--) {
        evq_pop(&q);
        now = got.time;
        while (g_array_index(ref, struct ref_item, 0).seq != got.slot) {
            g_assert_true(
                g_array_index(marked, gboolean, g_array_index(ref, struct ref_item, 0).seq));
            g_array_remove_index(ref, 0);
        }
        g_array_remove_index(ref, 0);
    }
    g_assert_cmpuint(queued, ==, 0);
    for (guint i = 0; i < ref->len; i++)
        g_assert_true(g_array_index(marked, gboolean, g_array_index(ref, struct ref_item, i).seq));
    /* Dropping everything leaves the buckets and their bits empty. */
    for (int i = 0; i < 1000; i++)
        evq_push(&q, (struct evq_entry){ .time = now + 1 + (sim_time)i * 4099, .slot = 0 });
    g_array_index(marked, gboolean, 0) = TRUE;
    g_assert_cmpuint(evq_drop(&q, keep_unmarked, marked), ==, 1000);
    g_assert_cmpuint(q.levels, ==, 0);
    g_assert_false(evq_peek(&q, &(struct evq_entry){ 0 }));
    g_array_unref(marked);
    g_array_unref(ref);
    evq_release(&q);
    gsl_rng_free(rng);
}

/* A timer cancelled or moved on every step, as the stream's delayed ACK is
 * on every ACK: the stale entries it leaves are dropped, so the queue stays
 * under 2 x 65,536 entries, not one per cancel; every other event still
 * runs in (time, schedule) order and no cancelled timer runs. */
struct timer_world {
    sim_event_id timer, moved;
    int steps, fired, moved_fired;
    size_t most_entries;
    struct trace *trace;
};

static void timer_fired(struct sim *sim, void *ctx, const void *payload)
{
    struct timer_world *tw = ctx;
    int which;

    memcpy(&which, payload, sizeof(which));
    (void)sim;
    if (which == 0)
        tw->fired++;
    else
        tw->moved_fired++;
}

static void timer_step(struct sim *sim, void *ctx, const void *payload)
{
    struct timer_world *tw = ctx;
    int zero = 0, one = 1;

    (void)payload;
    tw->most_entries = MAX(tw->most_entries, sim_queue_entries(sim));
    if (tw->timer)
        g_assert_true(sim_cancel(sim, tw->timer));
    tw->timer = sim_schedule(sim, 400000000, timer_fired, tw, &zero, sizeof(zero));
    if (tw->moved)
        tw->moved = sim_reschedule(sim, tw->moved, sim_now(sim) + 500000000);
    else
        tw->moved = sim_schedule(sim, 500000000, timer_fired, tw, &one, sizeof(one));
    /* Events of the trace, ahead and at ties, among the stale entries. */
    at(sim, sim_now(sim) + 5000 * (tw->steps % 7), tw->trace, tw->steps);
    if (++tw->steps < 100000)
        sim_schedule(sim, 1000, timer_step, tw, NULL, 0);
}

static void test_stale_entries_dropped(void)
{
    struct sim *sim = sim_new(1);
    struct trace t;
    struct timer_world tw = { .trace = &t };

    trace_init(&t);
    sim_schedule(sim, 0, timer_step, &tw, NULL, 0);
    sim_run_until(sim, SIM_TIME_MAX);
    g_assert_cmpint(tw.fired, ==, 1);
    g_assert_cmpint(tw.moved_fired, ==, 1);
    g_assert_cmpuint(tw.most_entries, <, 2 * 65536);
    g_assert_cmpuint(t.log->len, ==, 100000);
    for (guint i = 1; i < t.log->len; i++) {
        sim_time a = g_array_index(t.times, sim_time, i - 1),
                 b = g_array_index(t.times, sim_time, i);

        g_assert_cmpint(a, <=, b);
        /* Equal times run in the order they were scheduled. */
        if (a == b)
            g_assert_cmpint(g_array_index(t.log, int, i - 1), <, g_array_index(t.log, int, i));
    }
    g_assert_cmpuint(sim_queue_entries(sim), ==, 0);
    trace_release(&t);
    sim_free(sim);
}

/* Every payload length arrives byte for byte, into a slot that held a
 * longer payload before (so a short copy that wrote too little shows). */
struct len_check {
    size_t len;
    unsigned fired;
};

static void check_len(struct sim *sim, void *ctx, const void *payload)
{
    struct len_check *c = ctx;
    const unsigned char *b = payload;

    (void)sim;
    for (size_t i = 0; i < c->len; i++)
        g_assert_cmpuint(b[i], ==, (unsigned)(c->len * 7 + i) & 0xff);
    c->fired++;
}

static void test_payload_lengths(void)
{
    struct sim *sim = sim_new(1);
    unsigned char junk[SIM_PAYLOAD_MAX];

    memset(junk, 0xa5, sizeof(junk));
    for (size_t len = 0; len <= SIM_PAYLOAD_MAX; len++) {
        struct len_check c = { .len = len };
        unsigned char buf[SIM_PAYLOAD_MAX];

        /* One slot, reused: first junk of full length, then @len bytes. */
        sim_schedule(sim, 0, noop, NULL, junk, sizeof(junk));
        sim_run_until(sim, SIM_TIME_MAX);
        for (size_t i = 0; i < len; i++)
            buf[i] = (unsigned char)(len * 7 + i);
        sim_schedule(sim, 1, check_len, &c, buf, len);
        sim_run_until(sim, SIM_TIME_MAX);
        g_assert_cmpuint(c.fired, ==, 1);
    }
    sim_free(sim);
}

/* Pool growth while events are pending keeps payloads intact. */
struct counter {
    uint64_t sum;
    unsigned fired;
};

static void add_payload(struct sim *sim, void *ctx, const void *payload)
{
    struct counter *c = ctx;
    uint64_t v[4];
    memcpy(v, payload, sizeof(v));
    g_assert_cmpuint(v[1], ==, v[0] * 3);
    g_assert_cmpuint(v[3], ==, ~v[0]);
    c->sum += v[0];
    c->fired++;
    if (v[0] % 7 == 0 && v[2] == 0) {
        v[2] = 1;
        sim_schedule(sim, 1, add_payload, c, v, sizeof(v));
    }
}

static void test_pool_growth_payloads(void)
{
    struct sim *sim = sim_new(1);
    struct counter c = { 0 };
    uint64_t expect = 0;
    unsigned n = 20000, extra = 0;
    for (uint64_t i = 0; i < n; i++) {
        uint64_t v[4] = { i, i * 3, 0, ~i };
        sim_schedule(sim, (sim_time)(i % 97), add_payload, &c, v, sizeof(v));
        expect += i;
        if (i % 7 == 0) {
            expect += i;
            extra++;
        }
    }
    sim_run_until(sim, SIM_TIME_MAX);
    g_assert_cmpuint(c.fired, ==, n + extra);
    g_assert_cmpuint(c.sum, ==, expect);
    g_assert_cmpuint(sim_events_pending(sim), ==, 0);
    sim_free(sim);
}

static void test_rng_streams(void)
{
    double a1[5], a2[5], b[5];
    struct sim *s1 = sim_new(99);
    gsl_rng *ra = sim_rng(s1, "vm1.workload");
    for (int i = 0; i < 5; i++)
        a1[i] = gsl_rng_uniform(ra);
    g_assert_true(sim_rng(s1, "vm1.workload") == ra);
    sim_free(s1);
    /* Another stream created first must not change vm1's draws. */
    struct sim *s2 = sim_new(99);
    gsl_rng *other = sim_rng(s2, "vm0.workload");
    for (int i = 0; i < 5; i++)
        b[i] = gsl_rng_uniform(other);
    gsl_rng *ra2 = sim_rng(s2, "vm1.workload");
    for (int i = 0; i < 5; i++)
        a2[i] = gsl_rng_uniform(ra2);
    for (int i = 0; i < 5; i++) {
        g_assert_cmpfloat(a1[i], ==, a2[i]);
        g_assert_cmpfloat(a1[i], !=, b[i]);
    }
    sim_free(s2);
    /* Another seed: other numbers. */
    g_assert_cmpuint(rng_stream_seed(1, "x"), !=, rng_stream_seed(2, "x"));
    g_assert_cmpuint(rng_stream_seed(1, "x"), !=, rng_stream_seed(1, "y"));
    g_assert_cmpuint(rng_stream_seed(1, "x"), ==, rng_stream_seed(1, "x"));
    /* Pinned value: a change to the seeding would silently change every
     * published result, so it must be deliberate. */
    g_assert_cmpuint(rng_stream_seed(1, "queue.arrivals"), ==, PINNED_SEED);
    g_assert_cmpuint(rng_rep_seed(1, 0), !=, rng_rep_seed(1, 1));
    g_assert_cmpuint(rng_rep_seed(1, 1), !=, rng_rep_seed(2, 0));
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/sim/queue/order-and-ties", test_order_and_ties);
    g_test_add_func("/sim/queue/same-time-from-handler", test_same_time_from_handler);
    g_test_add_func("/sim/queue/cancel", test_cancel);
    g_test_add_func("/sim/queue/reschedule", test_reschedule);
    g_test_add_func("/sim/run/until-and-stop", test_run_until_and_stop);
    g_test_add_func("/sim/run/schedule-after-stop", test_schedule_after_stop);
    g_test_add_func("/sim/run/watch-flag", test_watch_flag);
    g_test_add_func("/sim/misuse/past", test_misuse_aborts);
    g_test_add_func("/sim/misuse/negative-delay", test_negative_delay_aborts);
    g_test_add_func("/sim/misuse/null-handler", test_null_handler_aborts);
    g_test_add_func("/sim/misuse/long-payload", test_long_payload_aborts);
    g_test_add_func("/sim/evqueue/random-vs-reference", test_evqueue_random);
    g_test_add_func("/sim/evqueue/random-with-prefetch", test_evqueue_random_prefetch);
    g_test_add_func("/sim/evqueue/ties-and-extremes", test_evqueue_ties_and_extremes);
    g_test_add_func("/sim/evqueue/sorted-run", test_evqueue_sorted_run);
    g_test_add_func("/sim/evqueue/memory-bound", test_evqueue_memory_bound);
    g_test_add_func("/sim/evqueue/drop-vs-reference", test_evqueue_drop);
    g_test_add_func("/sim/queue/stale-entries-dropped", test_stale_entries_dropped);
    g_test_add_func("/sim/pool/growth-keeps-payloads", test_pool_growth_payloads);
    g_test_add_func("/sim/pool/payload-lengths", test_payload_lengths);
    g_test_add_func("/sim/rng/streams", test_rng_streams);
    return g_test_run();
}
