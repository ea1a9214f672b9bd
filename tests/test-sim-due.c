/* sim_due_now(): never "no" while an event is pending at the current
 * time, and exactly "no" inside a handler when none is and no cancelled
 * entry sits at that time. The cases one by one (the plain list of the
 * current time and a sorted run, an event at now and at now + 1 ps, none,
 * a cancelled one, a chunk's end, a long run read across chunk-sized
 * lines, a run stopped at its end time), then random schedules against a
 * list of what is pending. */
#include <string.h>

#include <glib.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "sim.h"

/* The events a test has pending, by tag: time and whether still live. */
struct book {
    GArray *time;   /* sim_time by tag */
    GArray *live;   /* gboolean by tag */
    GArray *id;     /* sim_event_id by tag */
    GArray *seen;   /* per handler run: the answer, then the truth (gboolean pairs) */
    GHashTable *at; /* live events by time: gint64 -> count */
    gsl_rng *rng;
    bool cancels;
    long left;
};

static void book_init(struct book *b)
{
    b->time = g_array_new(FALSE, FALSE, sizeof(sim_time));
    b->live = g_array_new(FALSE, FALSE, sizeof(gboolean));
    b->id = g_array_new(FALSE, FALSE, sizeof(sim_event_id));
    b->seen = g_array_new(FALSE, FALSE, sizeof(gboolean));
    b->at = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, NULL);
    b->rng = NULL;
    b->cancels = false;
    b->left = 0;
}

static void book_release(struct book *b)
{
    g_array_unref(b->time);
    g_array_unref(b->live);
    g_array_unref(b->id);
    g_array_unref(b->seen);
    g_hash_table_unref(b->at);
}

/* One live event more (@d = 1) or fewer (-1) at @t. */
static void count_at(struct book *b, sim_time t, int d)
{
    gint64 key = t;
    int n = GPOINTER_TO_INT(g_hash_table_lookup(b->at, &key)) + d;

    g_assert_cmpint(n, >=, 0);
    g_hash_table_replace(b->at, g_memdup2(&key, sizeof(key)), GINT_TO_POINTER(n));
}

/* Is a live event other than the running one pending at @now? */
static bool truth(const struct book *b, sim_time now)
{
    gint64 key = now;

    return GPOINTER_TO_INT(g_hash_table_lookup(b->at, &key)) > 0;
}

static void on_event(struct sim *sim, void *ctx, const void *payload);

static int book_at(struct sim *sim, struct book *b, sim_time when)
{
    int tag = (int)b->time->len;
    gboolean yes = TRUE;
    sim_event_id id = sim_schedule_at(sim, when, on_event, b, &tag, sizeof(tag));

    g_array_append_val(b->time, when);
    g_array_append_val(b->live, yes);
    g_array_append_val(b->id, id);
    count_at(b, when, 1);
    return tag;
}

static void book_cancel(struct sim *sim, struct book *b, int tag)
{
    g_assert_true(sim_cancel(sim, g_array_index(b->id, sim_event_id, tag)));
    g_array_index(b->live, gboolean, tag) = FALSE;
    count_at(b, g_array_index(b->time, sim_time, tag), -1);
}

/* A delay of every kind the queue files differently: none, 1 ps, within
 * level 0, 1 and 2, or far; or the time of a pending event (a tie). */
static sim_time draw_when(struct book *b, sim_time now)
{
    double u = gsl_rng_uniform(b->rng);

    if (u < 0.25)
        return now;
    if (u < 0.35)
        return now + 1;
    if (u < 0.5)
        return now + 2 + (sim_time)gsl_rng_uniform_int(b->rng, 254);
    if (u < 0.7)
        return now + 256 + (sim_time)gsl_rng_uniform_int(b->rng, 65280);
    if (u < 0.9)
        return now + (sim_time)gsl_ran_exponential(b->rng, 1e5);
    sim_time t = g_array_index(b->time, sim_time, gsl_rng_uniform_int(b->rng, b->time->len));
    return t >= now ? t : now;
}

static void on_event(struct sim *sim, void *ctx, const void *payload)
{
    struct book *b = ctx;
    int tag;
    sim_time now = sim_now(sim);

    memcpy(&tag, payload, sizeof(tag));
    g_assert_true(g_array_index(b->live, gboolean, tag));
    g_assert_cmpint(g_array_index(b->time, sim_time, tag), ==, now);
    g_array_index(b->live, gboolean, tag) = FALSE;
    count_at(b, now, -1);
    gboolean pair[2] = { sim_due_now(sim), truth(b, now) };
    g_array_append_vals(b->seen, pair, 2);
    if (!b->rng || b->left-- <= 0)
        return;
    /* Random mode: keep about 100 pending, now and then cancel one. */
    int n = sim_events_pending(sim) < 50 ? 2 : sim_events_pending(sim) > 200 ? 0 : 1;
    for (int i = 0; i < n; i++)
        book_at(sim, b, draw_when(b, now));
    if (b->cancels && gsl_rng_uniform(b->rng) < 0.2) {
        int victim = (int)gsl_rng_uniform_int(b->rng, b->time->len);
        sim_time when = draw_when(b, now);

        if (g_array_index(b->live, gboolean, victim) && gsl_rng_uniform(b->rng) < 0.5) {
            book_cancel(sim, b, victim);
        } else if (g_array_index(b->live, gboolean, victim)) { /* its old entry goes stale */
            g_array_index(b->id, sim_event_id, victim) =
                sim_reschedule(sim, g_array_index(b->id, sim_event_id, victim), when);
            count_at(b, g_array_index(b->time, sim_time, victim), -1);
            count_at(b, when, 1);
            g_array_index(b->time, sim_time, victim) = when;
        }
    }
    /* The answer after this handler's own schedules, as a caller sees it. */
    gboolean after[2] = { sim_due_now(sim), truth(b, now) };
    g_array_append_vals(b->seen, after, 2);
}

/* Run @sim to the end; the answers of the handlers, in order, must be
 * @want (TRUE/FALSE), and each equal to the truth. */
static void run_expect(struct sim *sim, struct book *b, const gboolean *want, guint n)
{
    sim_run_until(sim, SIM_TIME_MAX);
    g_assert_cmpuint(b->seen->len, ==, 2 * n);
    for (guint i = 0; i < n; i++) {
        g_assert_cmpint(g_array_index(b->seen, gboolean, 2 * i + 1), ==, want[i]);
        g_assert_cmpint(g_array_index(b->seen, gboolean, 2 * i), ==, want[i]);
    }
}

/* The plain list of the current time (level 0's bucket of 5 holds two
 * events) and a sorted run (level 1's bucket 3: 1000, 1000, 1001): an
 * event at now, at now + 1 ps, none. */
static void test_due_lists(void)
{
    struct sim *sim = sim_new(1);
    struct book b;
    const gboolean want[] = { TRUE, FALSE, FALSE, TRUE, FALSE, FALSE };

    book_init(&b);
    g_assert_false(sim_due_now(sim)); /* nothing queued */
    book_at(sim, &b, 5);
    book_at(sim, &b, 5);
    book_at(sim, &b, 6);
    book_at(sim, &b, 1000);
    book_at(sim, &b, 1000);
    book_at(sim, &b, 1001);
    run_expect(sim, &b, want, G_N_ELEMENTS(want));
    g_assert_false(sim_due_now(sim));
    /* Scheduled at the current time, outside any handler. */
    book_at(sim, &b, sim_now(sim));
    g_assert_true(sim_due_now(sim));
    book_release(&b);
    sim_free(sim);
}

static void schedule_zero(struct sim *sim, void *ctx, const void *payload)
{
    struct book *b = ctx;
    (void)payload;

    book_at(sim, b, sim_now(sim) + 1);
    g_assert_false(sim_due_now(sim));
    book_at(sim, b, sim_now(sim));
    g_assert_true(sim_due_now(sim));
}

/* A handler's own schedule at delay 0 is due; at 1 ps it is not. */
static void test_due_own_schedule(void)
{
    struct sim *sim = sim_new(1);
    struct book b;

    book_init(&b);
    sim_schedule_at(sim, 300, schedule_zero, &b, NULL, 0);
    g_assert_cmpuint(sim_run_until(sim, 300), ==, 2);
    g_assert_cmpint(g_array_index(b.seen, gboolean, 0), ==, FALSE); /* the one at 300 */
    book_release(&b);
    sim_free(sim);
}

/* An event cancelled at the current time does not hide a live one behind
 * it; alone, it counts until it comes up (the contract's "maybe"). */
static void test_due_cancelled(void)
{
    for (int alone = 0; alone < 2; alone++) {
        struct sim *sim = sim_new(1);
        struct book b;

        book_init(&b);
        book_at(sim, &b, 40);
        book_cancel(sim, &b, book_at(sim, &b, 40));
        if (!alone)
            book_at(sim, &b, 40);
        sim_run_until(sim, SIM_TIME_MAX);
        g_assert_true(g_array_index(b.seen, gboolean, 0));
        g_assert_cmpint(g_array_index(b.seen, gboolean, 1), ==, !alone);
        book_release(&b);
        sim_free(sim);
    }
}

/* @n events at one time fill the list's chunks (15 entries each): the
 * handler at a chunk's end still sees the next chunk's, the last sees
 * none. */
static void test_due_chunk_end(void)
{
    const int sizes[] = { 15, 16, 31 };

    for (size_t k = 0; k < G_N_ELEMENTS(sizes); k++) {
        int n = sizes[k];
        struct sim *sim = sim_new(1);
        struct book b;
        gboolean want[31];

        book_init(&b);
        for (int i = 0; i < n; i++) {
            book_at(sim, &b, 7000);
            want[i] = i < n - 1;
        }
        run_expect(sim, &b, want, (guint)n);
        book_release(&b);
        sim_free(sim);
    }
}

/* A bucket of 40 entries (a third ties) with 320 far beyond comes up as a
 * long sorted run in the queue itself, read across chunk-sized lines. */
static void test_due_long_run(void)
{
    struct sim *sim = sim_new(1);
    struct book b;
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);

    gsl_rng_set(rng, 21);
    book_init(&b);
    for (int i = 0; i < 40; i++) {
        sim_time t = 65536 + (sim_time)gsl_rng_uniform_int(rng, 65536);
        if (i > 0 && gsl_rng_uniform(rng) < 0.33)
            t = g_array_index(b.time, sim_time, gsl_rng_uniform_int(rng, b.time->len));
        book_at(sim, &b, t);
    }
    for (int i = 0; i < 320; i++)
        book_at(sim, &b, ((sim_time)1 << 40) + (sim_time)i);
    sim_run_until(sim, SIM_TIME_MAX);
    g_assert_cmpuint(b.seen->len, ==, 2 * 360);
    for (guint i = 0; i < b.seen->len; i += 2)
        g_assert_cmpint(g_array_index(b.seen, gboolean, i), ==,
                        g_array_index(b.seen, gboolean, i + 1));
    book_release(&b);
    gsl_rng_free(rng);
    sim_free(sim);
}

/* A run stopped at its end time inside a sorted run (1000 ran, 1010 is
 * next): the clock is past the queue's last key, and an event scheduled
 * at the clock must be seen. */
static void test_due_after_stop(void)
{
    struct sim *sim = sim_new(1);
    struct book b;

    book_init(&b);
    book_at(sim, &b, 1000);
    book_at(sim, &b, 1010);
    g_assert_cmpuint(sim_run_until(sim, 1005), ==, 1);
    book_at(sim, &b, 1005);
    g_assert_true(sim_due_now(sim));
    book_release(&b);
    sim_free(sim);
}

/* Random schedules of every kind of delay, with ties: exact without
 * cancellations; with them (and reschedules), never "no" while a live
 * event is due. */
static void test_due_random(void)
{
    for (int cancels = 0; cancels < 2; cancels++) {
        struct sim *sim = sim_new(1);
        struct book b;
        guint due = 0, maybe = 0;

        book_init(&b);
        b.rng = gsl_rng_alloc(gsl_rng_mt19937);
        gsl_rng_set(b.rng, 29 + (unsigned long)cancels);
        b.cancels = cancels;
        b.left = 30000;
        for (int i = 0; i < 100; i++)
            book_at(sim, &b, draw_when(&b, 0));
        sim_run_until(sim, SIM_TIME_MAX);
        for (guint i = 0; i < b.seen->len; i += 2) {
            gboolean said = g_array_index(b.seen, gboolean, i);
            gboolean is = g_array_index(b.seen, gboolean, i + 1);

            if (is)
                g_assert_true(said);
            else if (!cancels)
                g_assert_false(said);
            due += is;
            maybe += said && !is;
        }
        g_assert_cmpuint(due, >, 5000); /* the cases occurred */
        if (cancels)
            g_assert_cmpuint(maybe, >, 0);
        gsl_rng_free(b.rng);
        book_release(&b);
        sim_free(sim);
    }
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/sim/due-now/lists", test_due_lists);
    g_test_add_func("/sim/due-now/own-schedule", test_due_own_schedule);
    g_test_add_func("/sim/due-now/cancelled", test_due_cancelled);
    g_test_add_func("/sim/due-now/chunk-end", test_due_chunk_end);
    g_test_add_func("/sim/due-now/long-run", test_due_long_run);
    g_test_add_func("/sim/due-now/after-stop", test_due_after_stop);
    g_test_add_func("/sim/due-now/random", test_due_random);
    return g_test_run();
}
