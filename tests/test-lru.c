/* Tests for sim/lru.c: a few hand-checked orders, then random pushes,
 * unlinks and touches against a naive reference (an array in recency
 * order), comparing the whole list both ways after every operation. */
#include <stdint.h>
#include <string.h>

#include <glib.h>

#include "lru.h"

struct entry {
    uint64_t key;
    struct lru_link link;
    uint8_t flag;
};

/* The list from head to tail, checked against the walk from tail to head. */
static unsigned walk(const struct lru *l, uint32_t *out, unsigned max)
{
    unsigned n = 0;
    uint32_t prev = LRU_NONE;

    for (uint32_t i = l->head; i != LRU_NONE; i = lru_link_of(l, i)->next) {
        g_assert_cmpuint(n, <, max);
        g_assert_cmpuint(lru_link_of(l, i)->prev, ==, prev);
        out[n++] = i;
        prev = i;
    }
    g_assert_cmpuint(l->tail, ==, prev);
    return n;
}

static void assert_order(const struct lru *l, const uint32_t *want, unsigned n)
{
    uint32_t got[64];

    g_assert_cmpuint(walk(l, got, G_N_ELEMENTS(got)), ==, n);
    for (unsigned k = 0; k < n; k++)
        g_assert_cmpuint(got[k], ==, want[k]);
    g_assert_cmpuint(lru_victim(l), ==, n ? want[n - 1] : LRU_NONE);
}

static void test_basic(void)
{
    struct entry e[8];
    struct lru l;

    LRU_INIT(&l, e, link);
    g_assert_cmpuint(lru_victim(&l), ==, LRU_NONE);
    lru_push_front(&l, 3);
    lru_push_front(&l, 5);
    lru_push_front(&l, 1);
    assert_order(&l, (uint32_t[]){ 1, 5, 3 }, 3);
    lru_touch(&l, 3);
    assert_order(&l, (uint32_t[]){ 3, 1, 5 }, 3);
    lru_touch(&l, 3); /* already the most recent */
    assert_order(&l, (uint32_t[]){ 3, 1, 5 }, 3);
    lru_touch(&l, 1);
    assert_order(&l, (uint32_t[]){ 1, 3, 5 }, 3);
    lru_unlink(&l, 3);
    assert_order(&l, (uint32_t[]){ 1, 5 }, 2);
    lru_unlink(&l, 5);
    lru_unlink(&l, 1);
    assert_order(&l, NULL, 0);
    lru_push_front(&l, 7);
    assert_order(&l, (uint32_t[]){ 7 }, 1);
    lru_clear(&l);
    assert_order(&l, NULL, 0);
}

/* The reference: ids in recency order, most recent first. */
struct naive {
    uint32_t id[64];
    unsigned n;
};

static unsigned naive_find(const struct naive *r, uint32_t i)
{
    for (unsigned k = 0; k < r->n; k++)
        if (r->id[k] == i)
            return k;
    return r->n;
}

static void naive_remove(struct naive *r, unsigned k)
{
    memmove(&r->id[k], &r->id[k + 1], (r->n - k - 1) * sizeof(r->id[0]));
    r->n--;
}

static void naive_front(struct naive *r, uint32_t i)
{
    memmove(&r->id[1], &r->id[0], r->n * sizeof(r->id[0]));
    r->id[0] = i;
    r->n++;
}

/* Used as a cache: touch on a hit, on a miss evict the victim when full.
 * Mixed with unlinks of random members (invalidations). */
static void test_random_vs_naive(void)
{
    enum { N = 40, CAP = 24, OPS = 100000 };
    struct entry e[N];
    struct lru l;
    struct naive ref = { .n = 0 };
    GRand *rng = g_rand_new_with_seed(5);

    LRU_INIT(&l, e, link);
    for (int op = 0; op < OPS; op++) {
        uint32_t i = (uint32_t)g_rand_int_range(rng, 0, N);
        unsigned k = naive_find(&ref, i);
        int what = g_rand_int_range(rng, 0, 10);

        if (k < ref.n && what == 0) {
            lru_unlink(&l, i);
            naive_remove(&ref, k);
        } else if (k < ref.n) {
            lru_touch(&l, i);
            naive_remove(&ref, k);
            naive_front(&ref, i);
        } else {
            if (ref.n == CAP) {
                g_assert_cmpuint(lru_victim(&l), ==, ref.id[ref.n - 1]);
                lru_unlink(&l, lru_victim(&l));
                naive_remove(&ref, ref.n - 1);
            }
            lru_push_front(&l, i);
            naive_front(&ref, i);
        }
        assert_order(&l, ref.id, ref.n);
    }
    g_rand_free(rng);
}

/* The link may sit anywhere in the record; the other fields stay intact. */
static void test_fields_untouched(void)
{
    struct entry e[4];
    struct lru l;

    for (unsigned k = 0; k < 4; k++) {
        e[k].key = 0x1111111111111111ull * k;
        e[k].flag = (uint8_t)(0xa0 + k);
    }
    LRU_INIT(&l, e, link);
    for (uint32_t k = 0; k < 4; k++)
        lru_push_front(&l, k);
    lru_touch(&l, 0);
    lru_unlink(&l, 2);
    for (unsigned k = 0; k < 4; k++) {
        g_assert_cmphex(e[k].key, ==, 0x1111111111111111ull * k);
        g_assert_cmphex(e[k].flag, ==, 0xa0 + k);
    }
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/lru/basic", test_basic);
    g_test_add_func("/lru/random-vs-naive", test_random_vs_naive);
    g_test_add_func("/lru/fields-untouched", test_fields_untouched);
    return g_test_run();
}
