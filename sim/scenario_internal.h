/* Shared between scenario.c (the registry side: entries, defaults,
 * accessors) and scenario_load.c (the file side: groups, overrides,
 * diagnostics). Nothing outside those two files includes this. */
#ifndef IOVSIM_SCENARIO_INTERNAL_H
#define IOVSIM_SCENARIO_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include <glib.h>

#include "model.h"
#include "param.h"
#include "scenario.h"

/* entry.line for a value not from a file line. */
#define LINE_DEFAULT 0
#define LINE_SET     (-1)

/* One effective parameter. */
struct entry {
    const struct param_def *def;
    char *key;  /* "queue.servers", "plot.main.title" (owned) */
    char *text; /* as written, or the default; NULL while a required key is unset */
    int line;   /* file line, LINE_DEFAULT or LINE_SET */
    struct param_value value;
};

struct scenario {
    char *path;     /* as given: FILE in messages */
    char *base_dir; /* relative paths in values resolve against it */
    char *text;
    char *hash;
    const struct model_ops *const *models; /* borrowed, NULL-terminated */
    const struct model_ops *model;
    GHashTable *entries;       /* key -> struct entry * */
    GHashTable *raw;           /* group -> GPtrArray of struct scenario_raw * */
    GHashTable *instances;     /* section -> GPtrArray of names, in order */
    GHashTable *instance_keys; /* "section.name" of every instance: a set */
};

/* An empty scenario for @path: no entries, no model yet. */
struct scenario *scenario_alloc(const char *path, const struct model_ops *const *models);
void scenario_raw_free(gpointer raw);

/* Sets @error to "ORIGIN: key 'KEY': MESSAGE", ORIGIN from @line. */
void scenario_key_error(const struct scenario *sc, int line, const char *key, GError **error,
                        const char *fmt, ...) G_GNUC_PRINTF(5, 6);

/* Every def of the core, then of @model: the *@i-th (start at 0), or NULL. */
const struct param_def *scenario_next_def(const struct model_ops *model, size_t *i);
/* Length of the section part of a dotted key ("queue.servers" -> 5). */
size_t scenario_section_len(const char *key);
/* Is @def's key "section.*.name"? */
bool scenario_def_is_instanced(const struct param_def *def);

/* Entries holding the defaults of the core and model (not instanced). */
void scenario_add_defaults(struct scenario *sc);
/* Record instance @name of @section and add its keys' defaults (once). */
void scenario_add_instance(struct scenario *sc, const char *section, const char *name);
/* Parse and store @text for @key with every per-key check. */
bool scenario_set_key(struct scenario *sc, const char *key, const char *text, int line,
                      GError **error);
/* The entry of @key; aborts if there is none (a bug in the caller). */
struct entry *scenario_get_entry(const struct scenario *sc, const char *key);

/* Set @error for a key that is not registered for the scenario's model. */
void scenario_unknown_key(const struct scenario *sc, const char *key, int line, GError **error);

/* Letters, digits, '.', '_', '-', not starting with '.': safe in a path. */
bool scenario_name_is_safe(const char *name);

/* The name becomes a file name, results/NAME.db, and a file name has at
 * most 255 bytes (NAME_MAX): this leaves room for the suffix and more. */
#define SCENARIO_NAME_MAX 128

#endif
