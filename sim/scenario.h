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

/* Same, from text in memory; @name stands for the file name in messages. */
struct scenario *scenario_load_data(const char *data, const char *name,
                                    const char *const *overrides, GError **error);
void scenario_free(struct scenario *sc);
/* Deep copy, e.g. to apply one sweep point's overrides. */
struct scenario *scenario_dup(const struct scenario *sc);

/* Set @key from text with the full checks ("--set" semantics). */
bool scenario_set(struct scenario *sc, const char *key, const char *value, GError **error);

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
/* SHA-256 of the file text plus overrides: identifies "the same scenario". */
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

/* Instance names of a "section.*" group, e.g. the NAMEs of [plot NAME]
 * groups, in file order. Borrowed strings; caller frees the array. */
GPtrArray *scenario_instances(const struct scenario *sc, const char *section);

/* Entries of a free-form group (e.g. [sweep]): keys and raw values in file
 * order, with their lines. Borrowed; NULL if the group is absent. */
struct scenario_raw {
    char *key;
    char *value;
    int line;
};
GPtrArray *scenario_raw_group(const struct scenario *sc, const char *group);

/* The whole registry (core + every model), for `iovsim params` and checks. */
size_t scenario_registry(const struct param_def *const **defs_out);

#endif
