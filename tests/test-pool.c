/* Tests for sim/pool.c: fresh indices in order, LIFO reuse, the caller's
 * link left alone while a record is live, the counters and the heap bytes,
 * a random mix of allocations and frees against which every live record
 * must keep its pointer, its index and its contents, and a large pool's
 * chunks carved from huge-page regions. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <glib.h>

#include "hugemem.h"
#include "pool.h"

struct rec {
    uint64_t tag;
    uint32_t link; /* the pool's while free, ours while live */
    uint32_t idx;
    char pad[40];
};

static void test_order(void)
{
    struct pool p;

    POOL_INIT(&p, struct rec, link);
    g_assert_cmpuint(pool_bytes(&p), ==, 0);
    /* Fresh indices ascend across chunk boundaries. */
    for (uint32_t k = 0; k < 3 * POOL_CHUNK; k++)
        g_assert_cmpuint(pool_alloc(&p), ==, k);
    g_assert_cmpuint(p.n_chunks, ==, 3);
    /* The most recently freed comes back first. */
    pool_free(&p, 5);
    pool_free(&p, 700);
    pool_free(&p, 2);
    g_assert_cmpuint(pool_alloc(&p), ==, 2);
    g_assert_cmpuint(pool_alloc(&p), ==, 700);
    g_assert_cmpuint(pool_alloc(&p), ==, 5);
    g_assert_cmpuint(pool_alloc(&p), ==, 3 * POOL_CHUNK);
    pool_release(&p);
    g_assert_cmpuint(pool_bytes(&p), ==, 0);
    g_assert_cmpuint(pool_alloc(&p), ==, 0);
    pool_release(&p);
}

static void test_counters(void)
{
    struct pool p;
    uint32_t a, b, c;

    POOL_INIT(&p, struct rec, link);
    a = pool_alloc(&p);
    b = pool_alloc(&p);
    c = pool_alloc(&p);
    g_assert_cmpuint(pool_live(&p), ==, 3);
    pool_free(&p, b);
    pool_free(&p, a);
    g_assert_cmpuint(pool_live(&p), ==, 1);
    g_assert_cmpuint(p.live_max, ==, 3);
    pool_free(&p, c);
    g_assert_cmpuint(pool_live(&p), ==, 0);
    g_assert_cmpuint(p.live_max, ==, 3);
    g_assert_cmpuint(pool_bytes(&p), >=, POOL_CHUNK * sizeof(struct rec));
    g_assert_cmpuint(pool_bytes(&p), <, 2 * POOL_CHUNK * sizeof(struct rec));
    pool_release(&p);
}

static void count_growth(void *ctx, size_t bytes)
{
    size_t *total = ctx;

    *total += bytes;
}

/* The hook sees every byte the pool takes, so an owner can bound it. */
static void test_grow_hook(void)
{
    struct pool p;
    size_t seen = 0;

    POOL_INIT(&p, struct rec, link);
    pool_set_grow_hook(&p, count_growth, &seen);
    for (uint32_t k = 0; k < 20 * POOL_CHUNK + 1; k++)
        (void)pool_alloc(&p);
    g_assert_cmpuint(p.n_chunks, ==, 21);
    g_assert_cmpuint(seen, ==, pool_bytes(&p));
    pool_release(&p);
}

/* While live, the link field is the caller's: allocations and frees of
 * other records never touch it. */
static void test_link_is_callers(void)
{
    struct pool p;
    uint32_t mine, other;

    POOL_INIT(&p, struct rec, link);
    mine = pool_alloc(&p);
    POOL_AT(&p, struct rec, mine)->link = 0xabcd1234;
    for (int k = 0; k < 3 * (int)POOL_CHUNK; k++) {
        other = pool_alloc(&p);
        if (k % 3)
            pool_free(&p, other);
    }
    g_assert_cmphex(POOL_AT(&p, struct rec, mine)->link, ==, 0xabcd1234);
    pool_release(&p);
}

static uint64_t tag_of(uint32_t idx, uint32_t gen)
{
    return ((uint64_t)gen << 32) | idx;
}

/* Random allocations and frees: indices unique, and every live record
 * keeps the pointer it had and the contents written at allocation, however
 * much the pool grew meanwhile. */
static void test_random_stability(void)
{
    enum { OPS = 200000, MAX_LIVE = 3000 };
    struct pool p;
    GRand *rng = g_rand_new_with_seed(11);
    uint32_t *live = g_new(uint32_t, MAX_LIVE);
    struct rec **ptr = g_new(struct rec *, MAX_LIVE);
    uint32_t n = 0, gen = 0, high = 0;

    POOL_INIT(&p, struct rec, link);
    for (int op = 0; op < OPS; op++) {
        /* Drift between growing and shrinking phases. */
        bool grow_phase = (op / 20000) % 2 == 0;
        bool do_alloc =
            n == 0 || (n < MAX_LIVE && g_rand_int_range(rng, 0, 100) < (grow_phase ? 65 : 35));

        if (do_alloc) {
            uint32_t idx = pool_alloc(&p);
            struct rec *r = pool_at(&p, idx);

            g_assert_true(pool_holds(&p, idx));
            g_assert_true(r == POOL_AT(&p, struct rec, idx));
            for (uint32_t k = 0; k < n; k++)
                g_assert_cmpuint(live[k], !=, idx);
            r->tag = tag_of(idx, ++gen);
            r->idx = idx;
            r->link = ~idx;
            live[n] = idx;
            ptr[n++] = r;
        } else {
            uint32_t k = (uint32_t)g_rand_int_range(rng, 0, (gint32)n);

            pool_free(&p, live[k]);
            live[k] = live[--n];
            ptr[k] = ptr[n];
        }
        high = MAX(high, n);
        g_assert_cmpuint(pool_live(&p), ==, n);
        if (op % 997 == 0) {
            for (uint32_t k = 0; k < n; k++) {
                struct rec *r = pool_at(&p, live[k]);

                g_assert_true(r == ptr[k]);
                g_assert_cmpuint(r->idx, ==, live[k]);
                g_assert_cmpuint((uint32_t)r->tag, ==, live[k]);
                g_assert_cmpuint(r->link, ==, ~live[k]);
            }
        }
    }
    g_assert_cmpuint(p.live_max, ==, high);
    /* Never more chunks than the high-water mark needs. */
    g_assert_cmpuint(p.n_chunks, ==, (high + POOL_CHUNK - 1) / POOL_CHUNK);
    pool_release(&p);
    g_free(live);
    g_free(ptr);
    g_rand_free(rng);
}

/* A packet-sized record (336 bytes): past 2 MiB of chunks the pool carves
 * its chunks from huge-page regions, each chunk inside one region; every
 * new record comes out zeroed, and each keeps what was written to it. */
struct big_rec {
    uint64_t tag;
    uint32_t link;
    uint32_t idx;
    char pad[320];
};

/* Records of whole cache lines start on one, from the heap's chunks and
 * from the huge-page regions alike. */
struct line_rec {
    uint32_t link;
    char pad[5 * POOL_ALIGN - sizeof(uint32_t)];
};

static void test_line_aligned(void)
{
    struct pool p;
    uint32_t n =
        (uint32_t)(2 * HUGEMEM_BYTES / (POOL_CHUNK * sizeof(struct line_rec)) + 2) * POOL_CHUNK;

    POOL_INIT(&p, struct line_rec, link);
    for (uint32_t k = 0; k < n; k++)
        g_assert_cmpuint((uintptr_t)POOL_AT(&p, struct line_rec, pool_alloc(&p)) % POOL_ALIGN, ==,
                         0);
    g_assert_cmpuint(p.heap_chunks, >, 1);
    g_assert_cmpuint(p.n_arenas, >, 0);
    pool_release(&p);
}

static void test_huge_regions(void)
{
    enum { CHUNKS = 60 };
    struct pool p;
    size_t chunk_bytes = POOL_CHUNK * sizeof(struct big_rec);
    static const char zero[sizeof(((struct big_rec *)0)->pad)];

    POOL_INIT(&p, struct big_rec, link);
    for (uint32_t k = 0; k < CHUNKS * POOL_CHUNK; k++) {
        uint32_t idx = pool_alloc(&p);
        struct big_rec *r = POOL_AT(&p, struct big_rec, idx);

        g_assert_cmpuint(idx, ==, k);
        /* Zero but for the free list's link. */
        g_assert_cmpuint(r->tag | r->idx, ==, 0);
        g_assert_cmpmem(r->pad, sizeof(r->pad), zero, sizeof(zero));
        r->tag = ~(uint64_t)k;
        r->idx = k;
        memset(r->pad, (int)(k & 0xff), sizeof(r->pad));
    }
    g_assert_cmpuint(p.heap_chunks, ==, (HUGEMEM_BYTES + chunk_bytes - 1) / chunk_bytes);
    g_assert_cmpuint(p.n_arenas, ==,
                     (CHUNKS - p.heap_chunks + HUGEMEM_BYTES / chunk_bytes - 1) /
                         (HUGEMEM_BYTES / chunk_bytes));
    for (uint32_t a = 0; a < p.n_arenas; a++)
        g_assert_cmpuint((uintptr_t)p.arenas[a] % HUGEMEM_BYTES, ==, 0);
    for (uint32_t c = p.heap_chunks; c < p.n_chunks; c++) {
        const char *chunk = p.chunks[c];
        bool inside = false;

        for (uint32_t a = 0; a < p.n_arenas; a++)
            inside |= chunk >= p.arenas[a] && chunk + chunk_bytes <= p.arenas[a] + HUGEMEM_BYTES;
        g_assert_true(inside);
    }
    for (uint32_t k = 0; k < CHUNKS * POOL_CHUNK; k++) {
        const struct big_rec *r = POOL_AT(&p, struct big_rec, k);

        g_assert_cmpuint(r->tag, ==, ~(uint64_t)k);
        g_assert_cmpuint(r->idx, ==, k);
        g_assert_cmpint(r->pad[0], ==, (char)(k & 0xff));
        g_assert_cmpint(r->pad[sizeof(r->pad) - 1], ==, (char)(k & 0xff));
    }
    pool_release(&p);
    g_assert_cmpuint(p.n_arenas, ==, 0);
    g_assert_cmpuint(pool_alloc(&p), ==, 0);
    pool_release(&p);
}

/* After hugemem_heap_ahead(), the top of the heap, from which malloc()
 * carves new blocks, is memory the kernel may back with huge pages
 * (smaps: THPeligible 1; without the advice 0 in "madvise" mode). Skipped where
 * the kernel has no transparent huge pages to give, or malloc() is not
 * glibc's (a sanitizer's allocator). */
static bool thp_eligible(const void *p)
{
    g_autofree char *smaps = NULL;
    bool inside = false, eligible = false;

    g_assert_true(g_file_get_contents("/proc/self/smaps", &smaps, NULL, NULL));
    for (char *line = strtok(smaps, "\n"); line; line = strtok(NULL, "\n")) {
        unsigned long lo, hi;

        if (sscanf(line, "%lx-%lx ", &lo, &hi) == 2)
            inside = (uintptr_t)p >= lo && (uintptr_t)p < hi;
        else if (inside && g_str_has_prefix(line, "THPeligible:"))
            eligible = strtol(line + strlen("THPeligible:"), NULL, 10) == 1;
    }
    return eligible;
}

static void test_heap_ahead(void)
{
    g_autofree char *mode = NULL;

    if (!g_file_get_contents("/sys/kernel/mm/transparent_hugepage/enabled", &mode, NULL, NULL) ||
        strstr(mode, "[never]")) {
        g_test_skip("no transparent huge pages");
        return;
    }
    if (!hugemem_heap_ahead((size_t)64 << 20)) {
        g_test_skip("the heap is not glibc's");
        return;
    }
    /* The heap's new top stretch: where malloc() carves new blocks once
     * its free lists run dry. */
    g_assert_true(thp_eligible((char *)sbrk(0) - 1));
}

static void test_free_empty_aborts(void)
{
    if (g_test_subprocess()) {
        struct pool p;
        uint32_t i;

        POOL_INIT(&p, struct rec, link);
        i = pool_alloc(&p);
        pool_free(&p, i);
        pool_free(&p, i);
        return;
    }
    g_test_trap_subprocess(NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
    g_test_trap_assert_failed();
    g_test_trap_assert_stderr("*live > 0*");
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/pool/order", test_order);
    g_test_add_func("/pool/counters", test_counters);
    g_test_add_func("/pool/grow-hook", test_grow_hook);
    g_test_add_func("/pool/link-is-callers", test_link_is_callers);
    g_test_add_func("/pool/random-stability", test_random_stability);
    g_test_add_func("/pool/free-empty-aborts", test_free_empty_aborts);
    g_test_add_func("/pool/huge-regions", test_huge_regions);
    g_test_add_func("/pool/line-aligned", test_line_aligned);
    g_test_add_func("/pool/heap-ahead", test_heap_ahead);
    return g_test_run();
}
