/* The image file's extents. A block written for the first time gets the
 * device block ext4 aims at, ext4_ext_find_goal() (fs/ext4/extents.c): the
 * block that continues the extent of its nearest neighbour in the file
 * (the one at or before it, else the first after it, counting backwards);
 * mballoc takes that goal when the whole request is free there
 * (ext4_mb_find_by_goal(), fs/ext4/mballoc.c) and otherwise searches on
 * from it for free space, here the first free stretch as long as the
 * request (or as a whole free run, if the request is longer: it then takes
 * several). A goal before the file system's start or past its end falls
 * back to its first block, as ext4_mb_initialize_context() does. An empty
 * file's goal is ext4's inode group; here it is the block at the file's
 * own offset (choice): on a fresh file system the file then maps its
 * offsets one to one in any write order, the layout earlier results
 * assumed. On an aged one (free space in runs of @free_run blocks, each
 * followed by as many held by other files) a goal is often taken and a
 * file written out of order ends in many extents. A request is one device
 * request per extent it touches (iomap's direct I/O builds one bio per
 * mapping). Left out: mballoc's preallocation windows and request
 * normalization, ext4's 32768-block cap on one extent (contiguous runs are
 * counted whole), the extent tree's own blocks. */
#include "extents.h"

static int by_lblk(gconstpointer a, gconstpointer b, gpointer data)
{
    const struct blk_extent *x = a, *y = b;

    (void)data;
    return x->lblk < y->lblk ? -1 : x->lblk > y->lblk;
}

static bool held(const struct blk_extents *x, uint64_t p)
{
    if (x->free_run && (p / x->free_run) % 2 == 1)
        return true; /* another file's */
    return x->used[p / 64] & (1ull << (p % 64));
}

/* Free device blocks from @p on, up to @want. */
static uint64_t free_len(const struct blk_extents *x, uint64_t p, uint64_t want)
{
    uint64_t n = 0;

    while (n < want && p + n < x->n_phys && !held(x, p + n))
        n++;
    return n;
}

/* The first device block from @goal on (wrapping once) that starts @want
 * free blocks. */
static uint64_t find_free(const struct blk_extents *x, uint64_t goal, uint64_t want)
{
    uint64_t p = goal;

    for (uint64_t seen = 0; seen < 2 * x->n_phys;) {
        uint64_t step = 1;

        if (p >= x->n_phys) {
            p = 0;
            continue;
        }
        if (x->free_run && (p / x->free_run) % 2 == 1) {
            step = x->free_run - p % x->free_run; /* past another file's run */
        } else if (p % 64 == 0 && x->used[p / 64] == UINT64_MAX) {
            step = 64;
        } else if (!held(x, p)) {
            step = free_len(x, p, want);
            if (step >= want)
                return p;
        }
        p += step;
        seen += step;
    }
    g_assert_not_reached(); /* init leaves free space for the whole file */
}

/* The extents around file block @lblk: the last that starts at or before
 * it (@l) and the first that starts after it (@r), either NULL; one search. */
struct around {
    struct blk_extent *l, *r;
};

static struct around around(const struct blk_extents *x, uint64_t lblk)
{
    struct blk_extent key = { .lblk = lblk };
    GTreeNode *r = g_tree_upper_bound(x->tree, &key);
    GTreeNode *l = r ? g_tree_node_previous(r) : g_tree_node_last(x->tree);

    return (struct around){ l ? g_tree_node_value(l) : NULL, r ? g_tree_node_value(r) : NULL };
}

static uint64_t end_of(const struct blk_extent *e)
{
    return e->lblk + e->len;
}

/* ext4_ext_find_goal() for file block @a, which has none (@nb around it). */
static uint64_t goal_of(uint64_t a, struct around nb)
{
    /* Without one before it, the first after it is the file's first. */
    const struct blk_extent *e = nb.l ? nb.l : nb.r;

    if (!e)
        return a; /* the empty file's home (choice, see above) */
    if (a > e->lblk)
        return e->pblk + (a - e->lblk);
    return e->pblk >= e->lblk - a ? e->pblk - (e->lblk - a) : 0;
}

/* File blocks [@a, @a + @n) now lie at device blocks [@p, ...) (@nb
 * around @a). */
static void insert(struct blk_extents *x, uint64_t a, uint64_t p, uint64_t n, struct around nb)
{
    struct blk_extent *l = nb.l, *r = nb.r;
    bool to_l = l && end_of(l) == a && l->pblk + l->len == p;
    bool to_r = r && a + n == r->lblk && p + n == r->pblk;

    for (uint64_t b = p; b < p + n; b++)
        x->used[b / 64] |= 1ull << (b % 64);
    if (to_l && to_r) {
        l->len += n + r->len;
        g_tree_remove(x->tree, r);
    } else if (to_l) {
        l->len += n;
    } else if (to_r) {
        r->lblk = a; /* still between its neighbours: the tree's order holds */
        r->pblk = p;
        r->len += n;
    } else {
        struct blk_extent *e = g_new(struct blk_extent, 1);

        *e = (struct blk_extent){ a, p, n };
        g_tree_insert(x->tree, e, e);
    }
}

/* Allocate file blocks [@a, @b], none of which has one (@nb around @a). */
static void allocate_gap(struct blk_extents *x, uint64_t a, uint64_t b, struct around nb)
{
    while (a <= b) {
        uint64_t n = b - a + 1, goal = goal_of(a, nb), got;

        if (goal >= x->n_phys)
            goal = 0;
        got = free_len(x, goal, n);
        if (got < n) {
            uint64_t want = x->free_run ? MIN(n, x->free_run) : n;

            goal = find_free(x, goal, want);
            got = free_len(x, goal, n);
        }
        insert(x, a, goal, got, nb);
        a += got;
        if (a <= b)
            nb = around(x, a);
    }
}

bool blk_extents_allocate(struct blk_extents *x, uint64_t first, uint64_t last)
{
    bool fresh = false;

    for (uint64_t cur = first; cur <= last;) {
        struct around nb = around(x, cur);
        uint64_t gap_end;

        if (nb.l && end_of(nb.l) > cur) {
            cur = end_of(nb.l);
            continue;
        }
        gap_end = nb.r ? MIN(nb.r->lblk - 1, last) : last;
        g_assert(x->used);
        allocate_gap(x, cur, gap_end, nb);
        fresh = true;
        cur = gap_end + 1;
    }
    return fresh;
}

bool blk_extents_hole(const struct blk_extents *x, uint64_t first, uint64_t last)
{
    struct around nb = around(x, first);

    return !(nb.l && end_of(nb.l) > first) && !(nb.r && nb.r->lblk <= last);
}

unsigned blk_extents_runs(const struct blk_extents *x, uint64_t first, uint64_t last)
{
    struct blk_extent key = { .lblk = first };
    GTreeNode *n = g_tree_upper_bound(x->tree, &key);
    GTreeNode *prev = n ? g_tree_node_previous(n) : g_tree_node_last(x->tree);
    unsigned runs = 0;

    if (prev && end_of(g_tree_node_value(prev)) > first)
        n = prev;
    for (; n && ((struct blk_extent *)g_tree_node_value(n))->lblk <= last; n = g_tree_node_next(n))
        runs++;
    return MAX(runs, 1u);
}

void blk_extents_init(struct blk_extents *x, uint64_t blocks, uint64_t free_run, bool preallocated)
{
    x->tree = g_tree_new_full(by_lblk, NULL, NULL, g_free);
    x->free_run = free_run;
    /* Half of it free: room for the whole file and a run to spare. */
    x->n_phys = free_run ? 2 * free_run * ((blocks + free_run - 1) / free_run + 1) : blocks;
    if (preallocated && !free_run) { /* all free: one extent, in order */
        struct blk_extent *e = g_new(struct blk_extent, 1);

        *e = (struct blk_extent){ 0, 0, blocks };
        x->used = NULL;
        if (blocks > 0)
            g_tree_insert(x->tree, e, e);
        else
            g_free(e);
        return;
    }
    x->used = g_new0(uint64_t, (x->n_phys + 63) / 64);
    if (preallocated && blocks > 0) {
        blk_extents_allocate(x, 0, blocks - 1);
        g_clear_pointer(&x->used, g_free); /* nothing left to allocate */
    }
}

void blk_extents_release(struct blk_extents *x)
{
    g_tree_destroy(x->tree);
    g_free(x->used);
}
