/* The image file's extents (models/blk/extents.c) and what they cost: on a
 * fresh file system ext4's goal keeps a file written in any order in one
 * extent, so a sequential read is one device request; on an aged one the
 * goals are taken, the same writes leave the file in pieces and a 128 KiB
 * read becomes many device requests and takes longer; a preallocated image
 * was laid down in order and splits only where a free run ends; bad input
 * is refused with one located line. */
#include <glib.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "../models/blk/extents.h"
#include "report.h"
#include "testlib.h"

#define BLOCKS 4096 /* 16 MiB of 4 KiB blocks */
#define READ   32   /* a 128 KiB read */

/* Write every block of @x once, a block at a time, in a shuffled order. */
static void write_shuffled(struct blk_extents *x, unsigned seed)
{
    uint64_t order[BLOCKS];
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);

    gsl_rng_set(rng, seed);
    for (uint64_t b = 0; b < BLOCKS; b++)
        order[b] = b;
    gsl_ran_shuffle(rng, order, BLOCKS, sizeof(*order));
    for (uint64_t b = 0; b < BLOCKS; b++)
        g_assert_true(blk_extents_allocate(x, order[b], order[b]));
    g_assert_false(blk_extents_allocate(x, 0, BLOCKS - 1)); /* all written */
    gsl_rng_free(rng);
}

/* Mean device requests of the aligned 128 KiB reads of the whole file. */
static double mean_runs(const struct blk_extents *x)
{
    double sum = 0;

    for (uint64_t b = 0; b < BLOCKS; b += READ)
        sum += blk_extents_runs(x, b, b + READ - 1);
    return sum / (BLOCKS / READ);
}

/* The device blocks the extents give are distinct and on the file system. */
static void check_disjoint(const struct blk_extents *x)
{
    g_autofree uint8_t *seen = g_new0(uint8_t, x->n_phys);
    const struct blk_extent *p = NULL;
    uint64_t blocks = 0;

    for (GTreeNode *n = g_tree_node_first(x->tree); n; n = g_tree_node_next(n)) {
        const struct blk_extent *e = g_tree_node_value(n);

        if (p)
            g_assert_cmpuint(p->lblk + p->len, <=, e->lblk);
        p = e;
        g_assert_cmpuint(e->pblk + e->len, <=, x->n_phys);
        for (uint64_t b = e->pblk; b < e->pblk + e->len; b++) {
            g_assert_false(seen[b]);
            seen[b] = 1;
            /* never in another file's run */
            g_assert_true(!x->free_run || (b / x->free_run) % 2 == 0);
        }
        blocks += e->len;
    }
    g_assert_cmpuint(blocks, ==, BLOCKS);
}

/* Fresh: every goal is free, the file stays one extent mapped one to one. */
static void test_fresh_random(void)
{
    struct blk_extents x;

    blk_extents_init(&x, BLOCKS, 0, false);
    g_assert_true(blk_extents_hole(&x, 0, BLOCKS - 1));
    write_shuffled(&x, 3);
    check_disjoint(&x);
    g_assert_cmpuint(blk_extents_count(&x), ==, 1);
    g_assert_cmpuint(((struct blk_extent *)g_tree_node_value(g_tree_node_first(x.tree)))->pblk, ==,
                     0);
    g_assert_cmpfloat(mean_runs(&x), ==, 1);
    blk_extents_release(&x);
}

/* Aged (free runs of 256 KiB): the goals are often taken, the shuffled
 * writes leave the file in pieces and most reads split. */
static void test_aged_random(void)
{
    struct blk_extents x;

    blk_extents_init(&x, BLOCKS, 64, false);
    write_shuffled(&x, 3);
    check_disjoint(&x);
    g_test_message("aged, shuffled: %" G_GUINT64_FORMAT " extents, %.2f device requests a read",
                   blk_extents_count(&x), mean_runs(&x));
    g_assert_cmpuint(blk_extents_count(&x), >, BLOCKS / 4);
    g_assert_cmpfloat(mean_runs(&x), >, 4);
    blk_extents_release(&x);
}

/* Written in order on the aged file system: one extent per free run,
 * and an aligned read never crosses a run's end. */
static void test_aged_sequential(void)
{
    struct blk_extents x;

    blk_extents_init(&x, BLOCKS, 64, false);
    for (uint64_t b = 0; b < BLOCKS; b++)
        blk_extents_allocate(&x, b, b);
    check_disjoint(&x);
    g_assert_cmpuint(blk_extents_count(&x), ==, BLOCKS / 64);
    g_assert_cmpfloat(mean_runs(&x), ==, 1);
    g_assert_cmpuint(blk_extents_runs(&x, 48, 48 + READ - 1), ==, 2); /* across a run's end */
    blk_extents_release(&x);
}

/* Preallocated: all there at creation, one extent when fresh, one per free
 * run when aged; nothing to allocate or read as a hole afterwards. */
static void test_preallocated(void)
{
    struct blk_extents fresh, aged;

    blk_extents_init(&fresh, BLOCKS, 0, true);
    blk_extents_init(&aged, BLOCKS, 64, true);
    g_assert_cmpuint(blk_extents_count(&fresh), ==, 1);
    g_assert_cmpuint(blk_extents_count(&aged), ==, BLOCKS / 64);
    check_disjoint(&aged);
    g_assert_false(blk_extents_allocate(&fresh, 7, 99));
    g_assert_false(blk_extents_hole(&aged, 7, 7));
    g_assert_cmpfloat(mean_runs(&fresh), ==, 1);
    g_assert_cmpfloat(mean_runs(&aged), ==, 1);
    blk_extents_release(&fresh);
    blk_extents_release(&aged);
}

/* A hole between two written ranges: a read over all three touches two
 * extents (two device requests), the hole none. */
static void test_holes(void)
{
    struct blk_extents x;

    blk_extents_init(&x, BLOCKS, 0, false);
    blk_extents_allocate(&x, 10, 19);
    blk_extents_allocate(&x, 30, 39);
    g_assert_true(blk_extents_hole(&x, 20, 29));
    g_assert_false(blk_extents_hole(&x, 15, 25));
    g_assert_cmpuint(blk_extents_runs(&x, 10, 39), ==, 2);
    g_assert_cmpuint(blk_extents_runs(&x, 12, 18), ==, 1);
    blk_extents_allocate(&x, 0, 63); /* fills the hole: one extent again */
    g_assert_cmpuint(blk_extents_count(&x), ==, 1);
    blk_extents_release(&x);
}

/* ---- end to end: 128 KiB sequential reads of a 16 MiB raw image ---- */

static struct report *run(const char *image)
{
    g_autofree char *ini =
        g_strdup_printf("[scenario]\nname = t\nmodel = blk\nduration = 20ms\nwarmup = 4ms\n"
                        "[blk]\nstrategy = virtio-blk\nbackend = io_uring\n"
                        "[fio]\nrw = read\nbs = 128KiB\nspan = 16MiB\n[image]\n%s\n",
                        image);
    return test_run_ini(ini, 5);
}

static void test_e2e_reads(void)
{
    struct report *fresh = run("preallocation = off\nprewritten = random");
    struct report *aged = run("preallocation = off\nprewritten = random\nfs_free_run = 256KiB");
    struct report *full = run("preallocation = full\nfs_free_run = 256KiB");

    g_test_message(
        "device requests a read / latency: fresh %.2f / %.1f us, aged %.2f / %.1f us, "
        "preallocated on the aged fs %.2f / %.1f us",
        test_all(fresh, "device_requests_per_request"), test_all(fresh, "latency_mean") * 1e6,
        test_all(aged, "device_requests_per_request"), test_all(aged, "latency_mean") * 1e6,
        test_all(full, "device_requests_per_request"), test_all(full, "latency_mean") * 1e6);
    /* The request in flight at the cut makes the count off by up to one. */
    g_assert_cmpfloat(test_all(fresh, "device_requests_per_request"), <=, 1.01);
    g_assert_cmpfloat(test_all(fresh, "image_extents"), ==, 1);
    g_assert_cmpfloat(test_all(aged, "device_requests_per_request"), >, 4);
    g_assert_cmpfloat(test_all(aged, "image_extents"), >, 1000);
    g_assert_cmpfloat(test_all(aged, "latency_mean"), >, 1.2 * test_all(fresh, "latency_mean"));
    g_assert_cmpfloat(test_all(aged, "stage_host_io"), >, test_all(fresh, "stage_host_io"));
    g_assert_cmpfloat(test_all(full, "device_requests_per_request"), <=, 1.01);
    g_assert_cmpfloat(test_all(full, "image_extents"), ==, 64);
    g_assert_cmpfloat(test_all(full, "latency_mean"), ==, test_all(fresh, "latency_mean"));
    report_free(fresh);
    report_free(aged);
    report_free(full);
}

static void test_bad_free_run(void)
{
    test_expect_refused("[scenario]\nname = t\nmodel = blk\nduration = 1ms\n"
                        "[image]\nfs_free_run = 6KiB\n",
                        "'image.fs_free_run'", "whole number of image.fs_block");
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/blk/extents/fresh-random", test_fresh_random);
    g_test_add_func("/blk/extents/aged-random", test_aged_random);
    g_test_add_func("/blk/extents/aged-sequential", test_aged_sequential);
    g_test_add_func("/blk/extents/preallocated", test_preallocated);
    g_test_add_func("/blk/extents/holes", test_holes);
    g_test_add_func("/blk/extents/e2e-reads", test_e2e_reads);
    g_test_add_func("/blk/extents/bad-free-run", test_bad_free_run);
    return g_test_run();
}
