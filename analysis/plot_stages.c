/* Stage order for stacked figures (analysis/plot_stages.h). A net scenario
 * with disks has disk_stage_* metrics beside stage_*: the list that names
 * most of a figure's stages (blk's for disk stages) gives their order. */
#include "plot_stages.h"

#include <string.h>

#include "model.h"

static int index_in(const struct model_ops *m, const char *name)
{
    for (size_t i = 0; i < m->n_stages; i++)
        if (strcmp(m->stages[i], name) == 0)
            return (int)i;
    return -1;
}

void plot_stage_places(const char *const *names, size_t n, int *place)
{
    const struct model_ops *best = NULL;
    size_t best_hits = 0;

    for (size_t k = 0; model_registry[k]; k++) {
        size_t hits = 0;

        for (size_t i = 0; i < n; i++)
            hits += index_in(model_registry[k], names[i]) >= 0;
        if (hits > best_hits) {
            best = model_registry[k];
            best_hits = hits;
        }
    }
    for (size_t i = 0; i < n; i++)
        place[i] = best ? index_in(best, names[i]) : -1;
}
