/* The strategy registry, generated from IO_STRATEGY_LIST so that adding a
 * strategy is one line in strategy.h and one file here. */
#include "strategy.h"

#include <string.h>

const struct io_strategy_ops *const io_strategies[] = {
#define IO_STRATEGY_ENTRY(n) &n##_strategy_ops,
    IO_STRATEGY_LIST(IO_STRATEGY_ENTRY)
#undef IO_STRATEGY_ENTRY
        NULL,
};

const struct io_strategy_ops *io_strategy_lookup(const char *name)
{
    for (size_t i = 0; io_strategies[i]; i++)
        if (strcmp(io_strategies[i]->name, name) == 0)
            return io_strategies[i];
    return NULL;
}
