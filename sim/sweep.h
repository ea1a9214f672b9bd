/* The sweep grid: the [sweep] group of a scenario plus --vary options give,
 * per key, a list of values; the points are their Cartesian product, except
 * that keys named together in a lockstep entry advance together, and that
 * points an exclude rule matches are left out.
 *
 *   [sweep]
 *   queue.servers = 1, 2, 4             a list (commas at parenthesis depth 0)
 *   queue.service = exp(1s), det(1s)    so distributions work as values
 *   queue.stations = 1..4:1             a range a..b:step, units allowed
 *   lockstep = queue.interarrival, queue.service   (more groups: lockstep.NAME)
 *   exclude = queue.servers=1|2, queue.stations=4  (more rules: exclude.NAME)
 *
 * An exclude rule (or --exclude) is a conjunction, written like a label: it
 * matches the points where each named key takes one of its '|'-separated
 * values, which must be among that key's swept values, as written there.
 *
 * Points are numbered in row-major order: the first key (in file order, then
 * --vary keys not in the file) varies slowest; excluded points are skipped,
 * so numbers run from 0 to sweep_n_points() - 1 without gaps (--only, --plan
 * and merge count on that). A point's label lists the varied keys,
 * "queue.servers=2,queue.service=exp(1s)", whatever is excluded; a scenario
 * without a sweep has the single point "base". */
#ifndef IOVSIM_SWEEP_H
#define IOVSIM_SWEEP_H

#include <stdbool.h>
#include <stddef.h>

#include <glib.h>

#include "scenario.h"

/* Label of the single point of a scenario without a sweep (as `iovsim run`). */
#define SWEEP_BASE_LABEL "base"
/* Refuse grids larger than this (before exclusions): a typo in a range, not
 * an experiment. A
 * sweep keeps one scenario per point (about 4 KB each), so this also bounds
 * its memory (about 400 MB); larger studies split into several sweeps. */
#define SWEEP_MAX_POINTS 100000
/* And points x replications: a sweep lists its runs (their claims, about
 * 32 bytes each) before it starts; 10^10 aborted on a 4 GiB allocation. */
#define SWEEP_MAX_RUNS 10000000

struct sweep;

/**
 * sweep_new - the grid of @sc's [sweep] group and @vary
 * @vary:     NULL-terminated "section.key=VALUES" (--vary); a key also in
 *            [sweep] replaces its values there; may be NULL
 * @lockstep: NULL-terminated "key1,key2,..." (--lockstep); may be NULL
 * @exclude:  NULL-terminated rules "key=v1|v2,key2=v3" (--exclude), applied
 *            after the [sweep] group's; may be NULL
 * Every value is checked with scenario_set() on a copy of @sc. Returns NULL
 * with a one-line IOVSIM_ERROR_INPUT naming FILE:LINE (or --vary,
 * --lockstep, --exclude) and the key; also for a rule that matches no point
 * or leaves none. @sc is borrowed and must outlive the result; free with
 * sweep_free().
 */
struct sweep *sweep_new(const struct scenario *sc, const char *const *vary,
                        const char *const *lockstep, const char *const *exclude, GError **error);
void sweep_free(struct sweep *sw);

/* Points to run: the grid less the excluded ones. */
size_t sweep_n_points(const struct sweep *sw);
/* Points of the grid the exclude rules left out. */
size_t sweep_n_excluded(const struct sweep *sw);
/* Varied keys in label order (borrowed); 0 keys for a scenario without sweep. */
size_t sweep_n_keys(const struct sweep *sw);
const char *sweep_key(const struct sweep *sw, size_t i);

/* Label of point @point (< sweep_n_points()). Caller frees. */
char *sweep_label(const struct sweep *sw, size_t point);

/**
 * sweep_scenario - a copy of the base scenario with point @point's values set
 * Caller owns the result (scenario_free()). NULL and @error only if a
 * combination is refused (each value alone was checked by sweep_new()).
 */
struct scenario *sweep_scenario(const struct sweep *sw, size_t point, GError **error);

/**
 * sweep_parse_values - split "v1, v2, ..." or expand "a..b:step"
 * Returns the value strings (caller unrefs), or NULL with a message in
 * @error that names neither file nor key (the caller adds them).
 */
GPtrArray *sweep_parse_values(const char *text, GError **error);

/**
 * sweep_label_parse - the (key, value) pairs of a label, in order
 * Elements are struct scenario_kv (owned by the array); "base" gives none.
 */
GPtrArray *sweep_label_parse(const char *label);

/* Order of labels for people: the same keys compare value by value, numbers
 * inside values numerically ("servers=2" before "servers=10"). */
int sweep_label_cmp(const char *a, const char *b);

#endif
