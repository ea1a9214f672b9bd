/* Scenario files: INI read with GKeyFile, every key checked against the
 * parameter registry of the core and of the chosen model. Errors are one
 * line, "FILE:LINE: key 'x.y': what is wrong (did you mean 'x.z'?)", and are
 * reported once by main() with exit status 2. */
#ifndef IOVSIM_SCENARIO_H
#define IOVSIM_SCENARIO_H

#include <stdbool.h>
#include <stdint.h>

#include <glib.h>

#include "dist.h"
#include "param.h"
#include "simtime.h"

struct scenario;

/* Error domain for all bad-input errors (scenario, CLI, store paths). */
#define IOVSIM_ERROR (iovsim_error_quark())
GQuark iovsim_error_quark(void);

enum iovsim_error_code {
    IOVSIM_ERROR_INPUT, /* bad input: exit status 2 */
    IOVSIM_ERROR_IO,    /* file or database could not be read or written */
    IOVSIM_ERROR_INTERRUPTED,
};

/**
 * struct param_table - parameters every scenario accepts whatever its model
 * (e.g. the [plot NAME] groups). shared_param_tables is NULL-terminated and
 * defined outside sim/ (analysis/param_tables.c), as model_registry is.
 */
struct param_table {
    const struct param_def *params;
    const size_t *n;
};
extern const struct param_table shared_param_tables[];

/* Core parameters every scenario has: [scenario] name, model, duration,
 * warmup, seed, reps. */
extern const struct param_def scenario_core_params[];
extern const size_t scenario_core_n_params;

/**
 * scenario_load - read, parse and validate @path
 * @overrides: NULL-terminated "section.key=value" strings (--set), applied
 *             after the file with the same checks; may be NULL
 * Returns NULL and sets @error on any bad input. Caller owns the result.
 */
struct scenario *scenario_load(const char *path, const char *const *overrides, GError **error);

/* Same, from text in memory; @name stands for the file name in messages
 * (and its directory for relative paths in values). */
struct scenario *scenario_load_data(const char *data, const char *name,
                                    const char *const *overrides, GError **error);

struct model_ops;
/* Same, with @models (NULL-terminated, borrowed: must outlive the result and
 * its copies) in place of model_registry: for tests of the loader. */
struct scenario *scenario_load_data_models(const char *data, const char *name,
                                           const char *const *overrides,
                                           const struct model_ops *const *models, GError **error);
void scenario_free(struct scenario *sc);
/* Deep copy, e.g. to apply one sweep point's overrides. */
struct scenario *scenario_dup(const struct scenario *sc);

/**
 * scenario_set - set @key from text with the per-key checks of --set
 * (registered key, unit, range, choices); messages start with "--set".
 * scenario_is_set() is then true for @key. scenario.model cannot change.
 * Cross-parameter checks (warm-up < duration, the model's check hook) are
 * not run, as an intermediate state of several sets may fail them: call
 * scenario_validate() after the last one. scenario_hash() does not change
 * (it names the scenario as loaded, not a sweep point).
 */
bool scenario_set(struct scenario *sc, const char *key, const char *value, GError **error);

/* The cross-parameter checks that scenario_load() ran last: every required
 * key set, a non-empty name, warm-up < duration, then the model's check
 * hook if it has one. */
bool scenario_validate(const struct scenario *sc, GError **error);

/* Accessors. @key must be registered with the matching type (abort
 * otherwise: asking for a wrong key is a bug, not bad input). Numbers are in
 * SI base units. */
double scenario_real(const struct scenario *sc, const char *key);
sim_time scenario_time(const struct scenario *sc, const char *key);
int64_t scenario_int(const struct scenario *sc, const char *key);
bool scenario_bool(const struct scenario *sc, const char *key);
const char *scenario_str(const struct scenario *sc, const char *key); /* STRING/ENUM */
const struct dist *scenario_dist(const struct scenario *sc, const char *key);
/* True if the file or an override set @key (not the default). */
bool scenario_is_set(const struct scenario *sc, const char *key);

const char *scenario_path(const struct scenario *sc); /* as given */
const char *scenario_name(const struct scenario *sc); /* [scenario] name */
const char *scenario_model(const struct scenario *sc);
/* SHA-256 of the effective parameters (overrides applied; not plot.*,
 * scenario.reps, .table, .description) and the [sweep] group (not its
 * exclude rules, which only leave points out): identifies
 * "the same scenario" whatever the file's comments, key order or figures. */
const char *scenario_hash(const struct scenario *sc);
/* The raw file text (borrowed). */
const char *scenario_text(const struct scenario *sc);

/**
 * scenario_error - set @error to "FILE:LINE: key 'KEY': MESSAGE"
 * For cross-parameter checks in models; LINE is where @key was set (or
 * "--set" for an override; the file alone for a default).
 */
void scenario_error(const struct scenario *sc, const char *key, GError **error, const char *fmt,
                    ...) G_GNUC_PRINTF(4, 5);

/* Every effective parameter as "key" -> "value" text, sorted by key. Caller
 * frees with g_ptr_array_unref(); elements are struct scenario_kv. */
struct scenario_kv {
    char *key;
    char *value;
};

GPtrArray *scenario_effective(const struct scenario *sc);

/* Instance names of a "section.*" group (@section "plot" or "plot.*"), e.g.
 * the NAMEs of [plot NAME] groups, in file order, then those first named by
 * an override. Borrowed strings; caller frees the array. */
GPtrArray *scenario_instances(const struct scenario *sc, const char *section);

/* Entries of a free-form group (e.g. [sweep]): keys and raw values in file
 * order, with their lines. Borrowed; NULL if the group is absent. */
struct scenario_raw {
    char *key;
    char *value;
    int line;
};

GPtrArray *scenario_raw_group(const struct scenario *sc, const char *group);

/**
 * scenario_mem_estimate - bytes the model's world takes when built for @sc
 * (its mem_estimate hook; 0 without one). The keys that drive it are
 * appended to @keys (may be NULL), the dominant one first.
 */
uint64_t scenario_mem_estimate(const struct scenario *sc, GString *keys);

/**
 * scenario_check_mem - refuse @sc if its estimate is above @limit bytes
 * (0: no limit) with "FILE:LINE: key 'K': needs about X of memory, more
 * than the limit of Y (K, K2, ...; see --mem-limit)", LINE where the
 * dominant key K was set.
 */
bool scenario_check_mem(const struct scenario *sc, uint64_t limit, GError **error);

/* The whole registry (core + every model in model_registry), for `iovsim
 * params` and checks. *@defs_out is borrowed (built once, never freed). */
size_t scenario_registry(const struct param_def *const **defs_out);

#endif
