/* Tests for sim/sweep_wire.c: a finished run crosses the pipe from a sweep
 * worker to its parent bit for bit (NaN, -0, histograms, series), and a
 * message cut short is refused rather than half-read. */
#include <math.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib.h>

#include "store_hist.h"
#include "sweep_wire.h"
#include "testlib.h"

/* A real run's report, and rows no model happens to give here. */
static struct sweep_done sample(void)
{
    struct sweep_done d = { .task = 41, .status = 2 };
    const double samples[] = { 1.5, NAN, -0.0, 1e300 };

    d.res.report = test_run_ini("[scenario]\nmodel = queue\nduration = 2000s\nwarmup = 100s\n"
                                "[queue]\nservice = exp(0.8s)\ninterarrival = exp(1s)\n",
                                7);
    report_metric(d.res.report, "vm3", "undefined", NAN, "s");
    report_metric(d.res.report, "all", "minus_zero", -0.0, "1");
    report_series(d.res.report, "vm0", "goodput", "bit/s", 0.5, 0.25, samples, 4);
    /* A histogram as bins, as a report made by hand may hold one. */
    test_add_hist_bins(d.res.report, "vm1", "latency", 1e-12, (const size_t[]){ 3, 303 },
                       (const uint64_t[]){ 7, 1 }, 2);
    g_strlcpy(d.started_at, "2026-12-04T18:00:00Z", sizeof(d.started_at));
    d.res.seed = G_MAXUINT64 - 5;
    d.res.events = 123456789;
    d.res.sim_seconds = 1900;
    d.res.wall_seconds = 0.001234;
    return d;
}

static GByteArray *encode(const struct sweep_done *d)
{
    GByteArray *out = g_byte_array_new();

    sweep_wire_put(out, d);
    return out;
}

static void test_round_trip(void)
{
    struct sweep_done d = sample(), back;
    g_autoptr(GByteArray) a = encode(&d);
    int fds[2];

    g_assert_cmpuint(d.res.report->hists->len, >, 0);
    pid_t pid;
    int wstatus;

    g_assert_cmpint(pipe(fds), ==, 0);
    /* Written by another process, as by a worker to its parent. */
    pid = fork();
    if (pid == 0) {
        close(fds[0]);
        _exit(sweep_wire_write(fds[1], a->data, a->len) ? 0 : 1);
    }
    close(fds[1]);
    g_assert_true(sweep_wire_read(fds[0], &back));
    g_assert_false(sweep_wire_read(fds[0], &(struct sweep_done){ 0 })); /* end of file */
    close(fds[0]);
    g_assert_cmpint(waitpid(pid, &wstatus, 0), ==, pid);
    g_assert_true(WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == 0);

    /* Encoding is field by field, so equal bytes are equal runs. */
    g_autoptr(GByteArray) b = encode(&back);
    g_assert_cmpmem(a->data, a->len, b->data, b->len);
    g_assert_cmpint(back.task, ==, 41);
    g_assert_cmpint(back.status, ==, 2);
    g_assert_cmpstr(back.started_at, ==, "2026-12-04T18:00:00Z");
    g_assert_cmpuint(back.res.seed, ==, G_MAXUINT64 - 5);
    g_assert_true(isnan(report_find(back.res.report, "vm3", "undefined")->value));
    g_assert_true(signbit(report_find(back.res.report, "all", "minus_zero")->value));
    g_assert_cmpuint(back.res.report->metrics->len, ==, d.res.report->metrics->len);
    /* Histograms come as the store's rows, bins made into one on the way. */
    for (guint i = 0; i < d.res.report->hists->len; i++) {
        const struct report_hist *h = g_ptr_array_index(back.res.report->hists, i);
        const struct report_hist *sent = g_ptr_array_index(d.res.report->hists, i);
        g_autoptr(GString) counts = g_string_new(sent->counts);
        int64_t first = sent->first;

        if (!sent->counts)
            store_hist_counts(counts, &first, sent);
        g_assert_null(h->bins);
        g_assert_cmpstr(h->counts, ==, counts->str);
        g_assert_cmpint(h->first, ==, first);
    }
    g_assert_cmpstr(((struct report_hist *)g_ptr_array_index(back.res.report->hists, 1))->counts,
                    ==, "[[0,7],[300,1]]");
    report_free(d.res.report);
    report_free(back.res.report);
}

static void test_no_report(void)
{
    struct sweep_done d = { .task = 3, .status = 1 }, back;
    g_autoptr(GByteArray) a = encode(&d);

    g_assert_true(sweep_wire_get(a->data + 4, a->len - 4, &back));
    g_assert_null(back.res.report);
    g_assert_cmpint(back.task, ==, 3);
}

/* Every cut of a message is refused, and so is trailing garbage. */
static void test_cut_short(void)
{
    struct sweep_done d = sample(), back;
    g_autoptr(GByteArray) a = encode(&d);
    const guint8 *body = a->data + 4;
    size_t len = a->len - 4;
    int fds[2];

    for (size_t n = 0; n < len; n += 1 + n / 64)
        g_assert_false(sweep_wire_get(body, n, &back));
    g_byte_array_append(a, (const guint8 *)"x", 1);
    g_assert_false(sweep_wire_get(a->data + 4, a->len - 4, &back));
    g_byte_array_set_size(a, a->len - 1);

    /* A worker that dies half-way through writing. */
    g_assert_cmpint(pipe(fds), ==, 0);
    g_assert_true(sweep_wire_write(fds[1], a->data, 100));
    close(fds[1]);
    g_assert_false(sweep_wire_read(fds[0], &back));
    close(fds[0]);
    report_free(d.res.report);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/sweep-wire/round-trip", test_round_trip);
    g_test_add_func("/sweep-wire/no-report", test_no_report);
    g_test_add_func("/sweep-wire/cut-short", test_cut_short);
    return g_test_run();
}
