/* The list of top-level models that `[scenario] model = NAME` can pick.
 * Adding a model: one header include and one line here. */
#include <string.h>

#include "blk/blk.h"
#include "fabric/fabric.h"
#include "model.h"
#include "net/net.h"
#include "queueing/queue.h"

const struct model_ops *const model_registry[] = {
    &queue_model_ops, &net_model_ops, &fabric_model_ops, &blk_model_ops, NULL,
};

const struct model_ops *model_lookup(const char *name)
{
    for (size_t i = 0; model_registry[i]; i++)
        if (strcmp(model_registry[i]->name, name) == 0)
            return model_registry[i];
    return NULL;
}
