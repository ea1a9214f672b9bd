/* A histogram's row in the store: the first non-empty bucket's index and
 * the counts from there (see store_hist.h), written from a report, or
 * converted from schema 2's [[lo, hi, count], ...] by two SQL functions. */
#include "store_hist.h"

#include <string.h>

#include "stats.h"

/* STORE_HIST_LO_SQL and STORE_HIST_HI_SQL spell out these buckets. */
G_STATIC_ASSERT(HIST_SUB_BITS == 7);

/* Decimal digits of @v at @p; returns the end. A histogram's thousand
 * counts per run made printf a visible part of writing one. */
static char *put_uint(char *p, uint64_t v)
{
    char buf[20];
    size_t i = sizeof(buf);

    if (v < 10) { /* most counts of a short run */
        *p = (char)('0' + v);
        return p + 1;
    }
    do {
        buf[--i] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    memcpy(p, buf + i, sizeof(buf) - i);
    return p + (sizeof(buf) - i);
}

/* Counts are appended in increasing bucket order. Empty buckets between
 * two inside a run are written as 0; STORE_HIST_GAP or more start a new run,
 * whose head ("],[1234,") is then the shorter. */
#define STORE_HIST_GAP 5
/* The most one bucket adds: "],[", an offset and ',' (or ',' and the zeros
 * before it), then its count. */
#define BUCKET_MAX_CHARS (3 + 20 + 1 + 20)

/* Written through a cursor into room made beforehand (counts_room()): with
 * a GString's checks on each of a run's thousand buckets, making the row
 * was a third of writing a short run. */
struct counts {
    GString *out;
    char *p;      /* where the next character goes, inside out's room */
    int64_t base; /* runs' offsets are from this bucket; -1: the first one added */
    int64_t next; /* the bucket after the last one added, -1 before the first */
};

/* Room for @n more buckets and the end: out's length is the room, until
 * counts_end() cuts it to what was written. Grown by doubling, as callers
 * that do not know how many buckets come ask for one at a time. */
static void counts_room(struct counts *c, size_t n)
{
    gsize used = (gsize)(c->p - c->out->str);
    gsize need = used + n * BUCKET_MAX_CHARS + 3;

    if (need <= c->out->len)
        return;
    g_string_set_size(c->out, MAX(need, 2 * c->out->len));
    c->p = c->out->str + used;
}

static void counts_begin(struct counts *c, GString *out, int64_t base, size_t n)
{
    c->out = out;
    c->base = base;
    c->next = -1;
    g_string_assign(out, "[");
    c->p = out->str + 1;
    counts_room(c, n);
}

static void counts_add(struct counts *c, int64_t bucket, uint64_t count)
{
    int64_t gap = c->next < 0 ? 0 : bucket - c->next;
    char *p = c->p;

    g_assert(bucket >= c->next);
    if (c->next < 0 || gap >= STORE_HIST_GAP) {
        if (c->next < 0 && c->base < 0)
            c->base = bucket;
        g_assert(bucket >= c->base);
        if (c->next >= 0) {
            memcpy(p, "],", 2);
            p += 2;
        }
        *p++ = '[';
        p = put_uint(p, (uint64_t)(bucket - c->base));
    }
    *p++ = ',';
    for (int64_t i = 0; i < gap && gap < STORE_HIST_GAP; i++, p += 2)
        memcpy(p, "0,", 2);
    c->p = put_uint(p, MIN(count, (uint64_t)INT64_MAX));
    c->next = bucket + 1;
}

/* The row's first: the base of the offsets, 0 for an empty histogram. */
static int64_t counts_end(struct counts *c)
{
    if (c->next >= 0)
        *c->p++ = ']';
    *c->p++ = ']';
    g_string_truncate(c->out, (gsize)(c->p - c->out->str));
    return c->base < 0 ? 0 : c->base;
}

/* The bucket whose bounds are [@lo, @hi), or -1 if there is none. */
static int64_t bucket_of(int64_t lo, int64_t hi)
{
    int64_t blo, bhi;
    size_t i;

    if (lo < 0)
        return -1;
    i = hist_bucket_of(lo);
    hist_bucket_bounds(i, &blo, &bhi);
    return blo == lo && bhi == hi ? (int64_t)i : -1;
}

void store_hist_counts(GString *out, int64_t *first, const struct report_hist *h)
{
    struct counts c;

    counts_begin(&c, out, -1, h->n_bins);
    for (size_t b = 0; b < h->n_bins; b++) {
        int64_t i = bucket_of(h->bins[b].lo_units, h->bins[b].hi_units);

        g_assert(i >= 0);
        counts_add(&c, i, h->bins[b].count);
    }
    *first = counts_end(&c);
}

void store_hist_row(GString *out, int64_t *first, const struct hist *h)
{
    struct counts c;

    counts_begin(&c, out, -1, 0);
    for (size_t i = 0; i < h->n_buckets; i++) {
        /* Seven buckets in eight are empty in a short run's latencies. */
        if (i + 4 <= h->n_buckets &&
            !(h->counts[i] | h->counts[i + 1] | h->counts[i + 2] | h->counts[i + 3])) {
            i += 3;
            continue;
        }
        if (!h->counts[i])
            continue;
        counts_room(&c, 1);
        counts_add(&c, (int64_t)i, h->counts[i]);
    }
    *first = counts_end(&c);
}

const char *store_hist_text(const struct report_hist *h, GString *scratch, int64_t *first)
{
    if (h->counts) {
        *first = h->first;
        return h->counts;
    }
    store_hist_counts(scratch, first, h);
    return scratch->str;
}

void store_hist_encode(struct report_hist *h)
{
    g_autoptr(GString) counts = NULL;

    if (h->counts)
        return;
    counts = g_string_new(NULL);
    store_hist_counts(counts, &h->first, h);
    /* A copy: the string was made with room for the longest counts. */
    h->counts = g_strndup(counts->str, counts->len);
    g_clear_pointer(&h->bins, g_free);
    h->n_bins = 0;
}

/* Schema 2's bins, [[lo, hi, count], ...], as counts; false if they are
 * not JSON of that shape or not stats.h's buckets in order. */
static bool from_bins(const char *bins, GString *out, int64_t *first)
{
    const char *p = bins;
    struct counts c;

    counts_begin(&c, out, -1, 0);
    while (*p == ' ' || *p == '[')
        p++;
    while (*p && *p != ']') {
        int64_t v[3], i;
        char *end;

        for (int k = 0; k < 3; k++) {
            v[k] = g_ascii_strtoll(p, &end, 10);
            if (end == p || (k < 2 && *end != ','))
                return false;
            p = end + (k < 2);
        }
        i = bucket_of(v[0], v[1]);
        if (*p != ']' || i < 0 || i < c.next || v[2] < 0)
            return false;
        counts_room(&c, 1);
        counts_add(&c, i, (uint64_t)v[2]);
        p++;
        if (*p == ',')
            p++;
        if (*p == '[')
            p++;
        else if (*p != ']')
            return false;
    }
    *first = counts_end(&c);
    return true;
}

/* Schema 3's and 4's counts, [c0, c1, ...] of buckets first, first + 1,
 * ..., as ours with offsets from that same first; false if they are not a
 * JSON array of counts. */
static bool from_flat(const char *flat, GString *out)
{
    const char *p = flat;
    struct counts c;

    counts_begin(&c, out, 0, 0);
    while (*p == ' ')
        p++;
    if (*p++ != '[')
        return false;
    while (*p == ' ')
        p++;
    for (int64_t k = 0; *p != ']'; k++) {
        char *end;
        gint64 v = g_ascii_strtoll(p, &end, 10);

        if (end == p || v < 0)
            return false;
        if (v > 0) {
            counts_room(&c, 1);
            counts_add(&c, k, (uint64_t)v);
        }
        for (p = end; *p == ' '; p++)
            ;
        if (*p == ',')
            p++;
        else if (*p != ']')
            return false;
    }
    counts_end(&c);
    return p[1] == '\0';
}

static void sql_from_flat(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    const char *flat = (const char *)sqlite3_value_text(argv[0]);
    g_autoptr(GString) out = g_string_new(NULL);

    (void)argc;
    if (!flat || !from_flat(flat, out))
        sqlite3_result_error(ctx, "histogram counts are not a JSON array of counts", -1);
    else
        sqlite3_result_text(ctx, out->str, (int)out->len, SQLITE_TRANSIENT);
}

static void sql_from_bins(sqlite3_context *ctx, int argc, sqlite3_value **argv, bool want_first)
{
    const char *bins = (const char *)sqlite3_value_text(argv[0]);
    g_autoptr(GString) out = g_string_new(NULL);
    int64_t first;

    (void)argc;
    if (!bins || !from_bins(bins, out, &first)) {
        sqlite3_result_error(ctx, "histogram bins are not iovsim's buckets", -1);
        return;
    }
    if (want_first)
        sqlite3_result_int64(ctx, first);
    else
        sqlite3_result_text(ctx, out->str, (int)out->len, SQLITE_TRANSIENT);
}

static void sql_first(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    sql_from_bins(ctx, argc, argv, true);
}

static void sql_counts(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    sql_from_bins(ctx, argc, argv, false);
}

bool store_hist_register(sqlite3 *db)
{
    int flags = SQLITE_UTF8 | SQLITE_DETERMINISTIC;

    return sqlite3_create_function(db, "iovsim_hist_first", 1, flags, NULL, sql_first, NULL,
                                   NULL) == SQLITE_OK &&
           sqlite3_create_function(db, "iovsim_hist_counts", 1, flags, NULL, sql_counts, NULL,
                                   NULL) == SQLITE_OK &&
           sqlite3_create_function(db, "iovsim_hist_runs", 1, flags, NULL, sql_from_flat, NULL,
                                   NULL) == SQLITE_OK;
}
