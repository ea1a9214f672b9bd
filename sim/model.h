/* A top-level model ([scenario] model = NAME) fills one ops table; the
 * registry in models/registry.c lists them. sim/ never includes a models/
 * header: this table is the whole interface. */
#ifndef IOVSIM_MODEL_H
#define IOVSIM_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <glib.h>

#include "param.h"
#include "report.h"
#include "scenario.h"
#include "sim.h"

struct model_ops;

/* First member of every model's state; recover the rest with container_of. */
struct model {
    const struct model_ops *ops;
};

/**
 * struct model_ops - one simulated world
 * @name:       the scenario's "model" value
 * @help:       one line for `iovsim list`
 * @tables:     this model's parameters: its own table and those of the
 *              components it is built from (host, hv, iommu, ...), which
 *              other models may list too; NULL-terminated
 * @check:      cross-parameter validation without building (optional)
 * @create:     build the world in @sim and schedule its first events; NULL
 *              and @error (via scenario_error()) on bad configuration.
 *              @sc is borrowed and outlives the model.
 * @warmup_end: drop statistics gathered so far (optional)
 * @report:     append this run's metrics to @out at the end of the run
 * @destroy:    free the model (never NULL)
 * @mem_estimate: bytes @create would allocate for @sc, from its parameters
 *              alone (optional: 0 if absent). Appends the keys that drive
 *              it to @keys, comma-separated, the dominant one first. What a
 *              run grows to later (events, records in flight) is bounded
 *              separately (sim_set_mem_cap()).
 * @stages:     the names of its stages (the metrics stage_NAME), in the
 *              order a request meets them: figures stack them so (optional)
 * @n_stages:   how many @stages has
 */
struct model_ops {
    const char *name;
    const char *help;
    const struct param_table *const *tables;
    bool (*check)(const struct scenario *sc, GError **error);
    struct model *(*create)(struct sim *sim, const struct scenario *sc, GError **error);
    void (*warmup_end)(struct model *m);
    void (*report)(struct model *m, struct report *out);
    void (*destroy)(struct model *m);
    uint64_t (*mem_estimate)(const struct scenario *sc, GString *keys);
    const char *const *stages;
    size_t n_stages;
};

/* NULL-terminated; defined in models/registry.c. */
extern const struct model_ops *const model_registry[];

const struct model_ops *model_lookup(const char *name);

#ifndef container_of
#define container_of(ptr, type, member) ((type *)((char *)(ptr)-offsetof(type, member)))
#endif

#endif
