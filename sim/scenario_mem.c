/* Memory a scenario needs, asked of its model before anything is built, so
 * that in-range values whose product exhausts memory (a thousand switches
 * of a million flow entries each) are refused with a message instead of
 * ending in an allocation failure. */
#include <string.h>

#include <glib.h>

#include "model.h"
#include "scenario.h"
#include "scenario_internal.h"
#include "units.h"

uint64_t scenario_mem_estimate(const struct scenario *sc, GString *keys)
{
    g_autoptr(GString) scratch = keys ? NULL : g_string_new(NULL);

    if (!sc->model->mem_estimate)
        return 0;
    return sc->model->mem_estimate(sc, keys ? keys : scratch);
}

bool scenario_check_mem(const struct scenario *sc, uint64_t limit, GError **error)
{
    g_autoptr(GString) keys = g_string_new(NULL);
    uint64_t need = scenario_mem_estimate(sc, keys);
    g_autofree char *first = NULL, *need_s = NULL, *limit_s = NULL;

    if (limit == 0 || need <= limit)
        return true;
    first = g_strndup(keys->str, strcspn(keys->str, ","));
    need_s = unit_format_bytes(need);
    limit_s = unit_format_bytes(limit);
    if (*first)
        scenario_error(sc, first, error,
                       "needs about %s of memory, more than the limit of %s (%s; see --mem-limit)",
                       need_s, limit_s, keys->str);
    else
        g_set_error(error, IOVSIM_ERROR, IOVSIM_ERROR_INPUT,
                    "%s: needs about %s of memory, more than the limit of %s (see --mem-limit)",
                    sc->path, need_s, limit_s);
    return false;
}
