/* Names of the exit reasons, as reported in exits_<reason>_per_second. The
 * costs live in struct hv, filled from the parameters (docs/sources.md:
 * Dall ATC'17 Table 2 and ISCA'16 Table II; SplitX for the bare switch). */
#include "hv.h"

const char *const hv_exit_names[HV_N_EXITS] = {
#define HV_EXIT_NAME(n) #n,
    HV_EXIT_LIST(HV_EXIT_NAME)
#undef HV_EXIT_NAME
};

sim_time hv_irq_inject(const struct hv *hv, uint64_t exits[HV_N_EXITS], unsigned *n)
{
    sim_time t = 0;
    unsigned k = 0;

    if (!hv->posted) {
        exits[HV_EXIT_external_interrupt]++;
        t += hv->exit_cost[HV_EXIT_external_interrupt];
        k++;
    }
    if (!hv->exitless_eoi)
        k++;
    if (n)
        *n += k;
    return t + hv_irq_eoi(hv, exits);
}

sim_time hv_irq_eoi(const struct hv *hv, uint64_t exits[HV_N_EXITS])
{
    if (hv->exitless_eoi)
        return 0;
    exits[HV_EXIT_eoi]++;
    return hv->exit_cost[HV_EXIT_eoi];
}
