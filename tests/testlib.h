/* What the model tests share: load an INI text, run one replication, read
 * a metric, check that a stage breakdown adds up. Failures abort the test. */
#ifndef IOVSIM_TESTLIB_H
#define IOVSIM_TESTLIB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "report.h"
#include "scenario.h"

/* @ini loaded as "t.ini"; asserts it is valid. Caller frees. */
struct scenario *test_load(const char *ini);
/* One replication of @sc with @seed; asserts it ran. Caller frees. */
struct report *test_run(const struct scenario *sc, uint64_t seed);
/* test_load() + test_run() + scenario_free(). */
struct report *test_run_ini(const char *ini, uint64_t seed);
/* The metric (@scope, @name); aborts if the report lacks it. */
double test_value(const struct report *r, const char *scope, const char *name);
double test_all(const struct report *r, const char *name);
/* The stage_<name> metrics of @scope, for each of @n @stages, are >= 0 and
 * add up to @latency within @rel relative. */
void test_check_breakdown(const struct report *r, const char *scope, const char *latency,
                          const char *const *stages, size_t n, double rel);

/* A net run's lifetime counters: sent_total > 0 and sent_total =
 * received_total + dropped_total + in_flight. */
void test_check_net_conservation(const struct report *r);

/* @a and @b have the same metrics in the same order with the same bits
 * (NaN matches NaN) and the same histograms. */
void test_assert_same_report(const struct report *a, const struct report *b);
/* Add to @r a histogram held as bins, as a report made by hand may hold
 * one: stats.h's buckets @buckets[i] with counts @counts[i], in order, in
 * units of @scale seconds. Returns it (borrowed). */
struct report_hist *test_add_hist_bins(struct report *r, const char *scope, const char *name,
                                       double scale, const size_t *buckets, const uint64_t *counts,
                                       size_t n);
/* Some metric of @a has other bits in @b (a metric @b lacks is skipped). */
bool test_reports_differ(const struct report *a, const struct report *b);

/* @ini, loaded as "t.ini", is refused at load or by its model's check
 * with one line that names the file and line, @key, and @says (NULL: no
 * wording required). */
void test_expect_refused(const char *ini, const char *key, const char *says);

#endif
