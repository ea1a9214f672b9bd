/* Parameter tables that every scenario accepts besides its model's: the
 * figures a scenario declares in [plot NAME] groups. */
#include "plot_params.h"
#include "scenario.h"

const struct param_table shared_param_tables[] = {
    { .params = plot_params, .n = &plot_n_params },
    { .params = NULL },
};
