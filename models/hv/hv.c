/* Names of the exit reasons, as reported in exits_<reason>_per_second. The
 * costs live in struct hv, filled from the parameters (calibration.md 1.1,
 * Dall ATC'17 Table 2 and ISCA'16 Table II; SplitX for the bare switch). */
#include "hv.h"

const char *const hv_exit_names[HV_N_EXITS] = {
#define HV_EXIT_NAME(n) #n,
    HV_EXIT_LIST(HV_EXIT_NAME)
#undef HV_EXIT_NAME
};
