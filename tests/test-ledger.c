/* Tests for sim/ledger.h: parts get their times and the open stage the
 * rest; random chains of steps tile a record's life exactly; a part longer
 * than its step and too many parts abort. */
#include <glib.h>

#include "ledger.h"

enum { A, B, C, D, N_STAGES };

static sim_time life(const sim_time *st)
{
    double scratch[N_STAGES] = { 0 };

    return ledger_merge(scratch, st, N_STAGES);
}

static void test_step(void)
{
    struct ledger l;
    sim_time st[N_STAGES] = { 0 };

    ledger_start(&l, 100, A);
    ledger_step(&l, st, 150, B); /* A: 50 */
    ledger_part(&l, C, 7);
    ledger_part(&l, D, 3);
    ledger_part(&l, C, 5);
    g_assert_cmpint(ledger_parts_total(&l), ==, 15);
    ledger_step(&l, st, 200, A); /* C: 12, D: 3, B: 50 - 15 */
    g_assert_cmpint(st[A], ==, 50);
    g_assert_cmpint(st[B], ==, 35);
    g_assert_cmpint(st[C], ==, 12);
    g_assert_cmpint(st[D], ==, 3);
    g_assert_cmpint(l.n_parts, ==, 0);
    g_assert_cmpint(l.t0, ==, 200);
    /* Parts that fill the step leave the open stage nothing. */
    ledger_part(&l, B, 10);
    ledger_close(&l, st, 210);
    g_assert_cmpint(st[A], ==, 50);
    g_assert_cmpint(st[B], ==, 45);
    /* Closing keeps the stage open for the next step. */
    ledger_close(&l, st, 230);
    g_assert_cmpint(st[A], ==, 70);
    g_assert_cmpint(life(st), ==, 230 - 100);
}

/* Random steps and parts: the stages always add up to the life so far, and
 * each stage gets exactly what a naive tally says. */
static void test_random_tiling(void)
{
    GRand *rng = g_rand_new_with_seed(3);

    for (int rec = 0; rec < 2000; rec++) {
        struct ledger l;
        sim_time st[N_STAGES] = { 0 }, want[N_STAGES] = { 0 };
        sim_time born = g_rand_int_range(rng, 0, 1000000), now = born;
        unsigned open = (unsigned)g_rand_int_range(rng, 0, N_STAGES);

        ledger_start(&l, born, open);
        for (int s = 0; s < 20; s++) {
            unsigned n = (unsigned)g_rand_int_range(rng, 0, LEDGER_MAX_PARTS + 1);
            sim_time parts = 0, span;

            for (unsigned k = 0; k < n; k++) {
                unsigned stage = (unsigned)g_rand_int_range(rng, 0, N_STAGES);
                sim_time t = g_rand_int_range(rng, 0, 5000);

                ledger_part(&l, stage, t);
                want[stage] += t;
                parts += t;
            }
            span = parts + g_rand_int_range(rng, 0, 3) * g_rand_int_range(rng, 0, 10000);
            now += span;
            want[open] += span - parts;
            open = (unsigned)g_rand_int_range(rng, 0, N_STAGES);
            ledger_step(&l, st, now, open);
            g_assert_cmpint(life(st), ==, now - born);
        }
        for (unsigned s = 0; s < N_STAGES; s++)
            g_assert_cmpint(st[s], ==, want[s]);
    }
    g_rand_free(rng);
}

static void test_merge(void)
{
    sim_time st[N_STAGES] = { 1, 2, 3, INT64_C(1) << 62 };
    double sum[N_STAGES] = { 0.5, 0, 0, 0 };

    g_assert_cmpint(ledger_merge(sum, st, N_STAGES), ==, 6 + (INT64_C(1) << 62));
    ledger_merge(sum, st, N_STAGES);
    g_assert_cmpfloat(sum[A], ==, 2.5);
    g_assert_cmpfloat(sum[C], ==, 6.0);
    /* Beyond int64: the sums are doubles. */
    g_assert_cmpfloat(sum[D], ==, 0x1p63);
}

static void test_overrun_aborts(void)
{
    if (g_test_subprocess()) {
        struct ledger l;
        sim_time st[N_STAGES] = { 0 };

        ledger_start(&l, 0, A);
        ledger_part(&l, B, 11);
        ledger_close(&l, st, 10);
        return;
    }
    g_test_trap_subprocess(NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
    g_test_trap_assert_failed();
    g_test_trap_assert_stderr("*rest >= 0*");
}

static void test_too_many_parts_aborts(void)
{
    if (g_test_subprocess()) {
        struct ledger l;

        ledger_start(&l, 0, A);
        for (int k = 0; k <= LEDGER_MAX_PARTS; k++)
            ledger_part(&l, B, 1);
        return;
    }
    g_test_trap_subprocess(NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
    g_test_trap_assert_failed();
    g_test_trap_assert_stderr("*n < LEDGER_MAX_PARTS*");
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/ledger/step", test_step);
    g_test_add_func("/ledger/random-tiling", test_random_tiling);
    g_test_add_func("/ledger/merge", test_merge);
    g_test_add_func("/ledger/overrun-aborts", test_overrun_aborts);
    g_test_add_func("/ledger/too-many-parts-aborts", test_too_many_parts_aborts);
    return g_test_run();
}
