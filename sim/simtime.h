/* Simulated time: signed 64-bit integer picoseconds, never floating point.
 * 2^63 ps is about 106 days, so a run never overflows; 1 ps resolution makes
 * serialization at 100 Gb/s (10 ps per bit) exact. */
#ifndef IOVSIM_SIMTIME_H
#define IOVSIM_SIMTIME_H

#include <stdint.h>

typedef int64_t sim_time;

#define SIM_PS       ((sim_time)1)
#define SIM_NS       ((sim_time)1000)
#define SIM_US       ((sim_time)1000000)
#define SIM_MS       ((sim_time)1000000000)
#define SIM_S        ((sim_time)1000000000000)
#define SIM_TIME_MAX INT64_MAX

/* Convert seconds (double) to picoseconds, rounding to nearest. */
static inline sim_time sim_time_from_s(double s)
{
    double ps = s * 1e12;
    return (sim_time)(ps < 0 ? ps - 0.5 : ps + 0.5);
}

static inline double sim_time_to_s(sim_time t)
{
    return (double)t * 1e-12;
}

/* llround() inline, for costs computed per packet: halves away from zero,
 * the same value for every double of magnitude below 2^63. A double's
 * truncation is a double, and x minus it is exact, so the comparison sees
 * the true fraction. */
static inline int64_t sim_llround(double x)
{
    int64_t t = (int64_t)x;
    double frac = x - (double)t;

    return t + (frac >= 0.5) - (frac <= -0.5);
}

/* ceil() inline, as sim_llround(): the same value for every double of
 * magnitude below 2^63. Truncation is the floor of a positive x and the
 * ceiling of a negative one, so one comparison finishes it. */
static inline int64_t sim_ceil(double x)
{
    int64_t t = (int64_t)x;

    return t + ((double)t < x);
}

#endif
