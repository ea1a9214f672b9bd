/* Encoding of a finished run for the pipe from a sweep worker to its parent,
 * and the blocking I/O that carries it. */
#define _GNU_SOURCE /* F_SETPIPE_SZ, Linux's */
#include "sweep_wire.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "store_hist.h"

/* A report bigger than this is a corrupt length, not a run. */
#define MAX_BODY (1u << 30)
/* A run of the 210-run mm1 sweep was 47 KB here when histograms crossed as
 * bins (4 KB as rows), and Linux's default 64 KB pipe held one: its worker
 * waited for the parent to read it before it could run the next. 1 MiB is
 * Linux's limit for users. */
#define PIPE_BYTES (1 << 20)

static void put(GByteArray *out, const void *p, size_t n)
{
    g_byte_array_append(out, p, (guint)n);
}

static void put_u32(GByteArray *out, guint32 v)
{
    put(out, &v, sizeof(v));
}

/* report.c never leaves a string NULL. */
static void put_str(GByteArray *out, const char *s)
{
    guint32 n = (guint32)strlen(s);

    put_u32(out, n);
    put(out, s, n);
}

/* @h as its row in the store (the parent writes it as it comes). */
static void put_hist(GByteArray *out, const struct report_hist *h, GString *scratch)
{
    int64_t first;
    const char *counts = store_hist_text(h, scratch, &first);

    put_str(out, h->scope);
    put_str(out, h->name);
    put_str(out, h->unit);
    put(out, &h->scale, sizeof(h->scale));
    put(out, &first, sizeof(first));
    put_str(out, counts);
}

void sweep_wire_put(GByteArray *out, const struct sweep_done *d)
{
    const struct report *r = d->res.report;
    guint start = out->len;
    guint32 len;
    g_autoptr(GString) scratch = g_string_new(NULL);

    put_u32(out, 0); /* the length, filled in below */
    put(out, &d->task, sizeof(d->task));
    put(out, &d->status, sizeof(d->status));
    put(out, d->started_at, sizeof(d->started_at));
    put(out, &d->res.seed, sizeof(d->res.seed));
    put(out, &d->res.events, sizeof(d->res.events));
    put(out, &d->res.sim_seconds, sizeof(d->res.sim_seconds));
    put(out, &d->res.wall_seconds, sizeof(d->res.wall_seconds));
    put(out, &(guint8){ d->res.interrupted }, 1);
    put(out, &(guint8){ r != NULL }, 1);
    if (r) {
        put_u32(out, r->metrics->len);
        for (guint i = 0; i < r->metrics->len; i++) {
            const struct report_metric *m = g_ptr_array_index(r->metrics, i);

            put_str(out, m->scope);
            put_str(out, m->name);
            put_str(out, m->unit);
            put(out, &m->value, sizeof(m->value));
        }
        put_u32(out, r->hists->len);
        for (guint i = 0; i < r->hists->len; i++)
            put_hist(out, g_ptr_array_index(r->hists, i), scratch);
        put_u32(out, r->series->len);
        for (guint i = 0; i < r->series->len; i++) {
            const struct report_series *s = g_ptr_array_index(r->series, i);

            put_str(out, s->scope);
            put_str(out, s->name);
            put_str(out, s->unit);
            put(out, &s->t0, sizeof(s->t0));
            put(out, &s->dt, sizeof(s->dt));
            put_u32(out, (guint32)s->n);
            put(out, s->values, s->n * sizeof(*s->values));
        }
    }
    len = out->len - start - (guint32)sizeof(len);
    memcpy(out->data + start, &len, sizeof(len));
}

/* A cursor over a body; @ok turns false at the first read past its end. */
struct cur {
    const guint8 *p, *end;
    bool ok;
};

static const void *get(struct cur *c, size_t n)
{
    const guint8 *p = c->p;

    if (!c->ok || (size_t)(c->end - c->p) < n) {
        c->ok = false;
        return NULL;
    }
    c->p += n;
    return p;
}

static void get_into(struct cur *c, void *dst, size_t n)
{
    const void *p = get(c, n);

    if (p)
        memcpy(dst, p, n);
}

static guint32 get_u32(struct cur *c)
{
    guint32 v = 0;

    get_into(c, &v, sizeof(v));
    return v;
}

/* A copy of the next string (NULL past the end). */
static char *get_str(struct cur *c)
{
    guint32 n = get_u32(c);
    const char *p = get(c, n);

    return p ? g_strndup(p, n) : NULL;
}

/* A copy of @n items of @size bytes, NULL when there are none. */
static void *get_array(struct cur *c, guint32 n, size_t size)
{
    const void *p;

    if ((size_t)(c->end - c->p) / size < n) {
        c->ok = false;
        return NULL;
    }
    p = get(c, (size_t)n * size);
    return p && n ? g_memdup2(p, (gsize)n * size) : NULL;
}

static void get_metrics(struct cur *c, struct report *r)
{
    guint32 n = get_u32(c);

    for (guint32 i = 0; c->ok && i < n; i++) {
        g_autofree char *scope = get_str(c);
        g_autofree char *name = get_str(c);
        g_autofree char *unit = get_str(c);
        double value = 0;

        get_into(c, &value, sizeof(value));
        if (c->ok)
            report_metric_append(r, scope, name, value, unit);
    }
}

/* As rows for the store: counts and first, no bins. */
static void get_hists(struct cur *c, struct report *r)
{
    guint32 n = get_u32(c);

    for (guint32 i = 0; c->ok && i < n; i++) {
        struct report_hist *h = g_new0(struct report_hist, 1);

        h->scope = get_str(c);
        h->name = get_str(c);
        h->unit = get_str(c);
        get_into(c, &h->scale, sizeof(h->scale));
        get_into(c, &h->first, sizeof(h->first));
        h->counts = get_str(c);
        g_ptr_array_add(r->hists, h); /* freed with the report either way */
    }
}

static void get_series(struct cur *c, struct report *r)
{
    guint32 n = get_u32(c);

    for (guint32 i = 0; c->ok && i < n; i++) {
        g_autofree char *scope = get_str(c);
        g_autofree char *name = get_str(c);
        g_autofree char *unit = get_str(c);
        double t0 = 0, dt = 0;
        guint32 k;
        g_autofree double *values = NULL;

        get_into(c, &t0, sizeof(t0));
        get_into(c, &dt, sizeof(dt));
        k = get_u32(c);
        values = get_array(c, k, sizeof(*values));
        if (c->ok)
            report_series(r, scope, name, unit, t0, dt, values, k);
    }
}

bool sweep_wire_get(const guint8 *body, size_t len, struct sweep_done *d)
{
    struct cur c = { .p = body, .end = body + len, .ok = true };
    guint8 interrupted = 0, has_report = 0;

    *d = (struct sweep_done){ 0 };
    get_into(&c, &d->task, sizeof(d->task));
    get_into(&c, &d->status, sizeof(d->status));
    get_into(&c, d->started_at, sizeof(d->started_at));
    get_into(&c, &d->res.seed, sizeof(d->res.seed));
    get_into(&c, &d->res.events, sizeof(d->res.events));
    get_into(&c, &d->res.sim_seconds, sizeof(d->res.sim_seconds));
    get_into(&c, &d->res.wall_seconds, sizeof(d->res.wall_seconds));
    get_into(&c, &interrupted, 1);
    get_into(&c, &has_report, 1);
    d->res.interrupted = interrupted;
    d->started_at[sizeof(d->started_at) - 1] = '\0';
    if (c.ok && has_report) {
        d->res.report = report_new();
        get_metrics(&c, d->res.report);
        get_hists(&c, d->res.report);
        get_series(&c, d->res.report);
    }
    if (c.ok && c.p == c.end)
        return true;
    report_free(d->res.report);
    *d = (struct sweep_done){ 0 };
    return false;
}

/* All of @len bytes through @fd (@out: written, else read), retrying after
 * signals; false on an error, or at end of file before the last. */
static bool move_all(int fd, void *buf, size_t len, bool out)
{
    char *p = buf;

    while (len > 0) {
        ssize_t n = out ? write(fd, p, len) : read(fd, p, len);

        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        p += n;
        len -= (size_t)n;
    }
    return true;
}

bool sweep_wire_pipe(int fds[2])
{
    if (pipe(fds) != 0)
        return false;
#ifdef F_SETPIPE_SZ
    fcntl(fds[1], F_SETPIPE_SZ, PIPE_BYTES); /* a smaller pipe works too */
#endif
    return true;
}

bool sweep_wire_write(int fd, const void *buf, size_t len)
{
    return move_all(fd, (void *)buf, len, true); /* only written from */
}

bool sweep_wire_read(int fd, struct sweep_done *d)
{
    guint32 len;
    g_autofree guint8 *body = NULL;

    if (!move_all(fd, &len, sizeof(len), false) || len > MAX_BODY)
        return false;
    body = g_malloc(MAX(len, 1));
    return move_all(fd, body, len, false) && sweep_wire_get(body, len, d);
}
