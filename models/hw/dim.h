/* Linux's dynamic interrupt moderation (DIM, lib/dim/net_dim.c and dim.c):
 * a driver hands it a sample (time, packets, bytes, interrupts so far) when
 * a NAPI poll completes; every NET_DIM_NEVENTS interrupts it compares the
 * per-millisecond rates with the last decision's and walks a table of five
 * moderation profiles left (shorter) or right (longer). */
#ifndef IOVSIM_HW_DIM_H
#define IOVSIM_HW_DIM_H

#include <stdbool.h>
#include <stdint.h>

#include "sim.h"

/* DIM_NEVENTS and NET_DIM_PARAMS_NUM_PROFILES. */
#define NET_DIM_NEVENTS   64u
#define NET_DIM_NPROFILES 5u
/* NET_DIM_DEF_PROFILE_EQE and _CQE: the profile a CQ starts with. */
#define NET_DIM_DEF_PROFILE 1u

/* enum dim_state: measuring, or waiting for the driver to apply a profile. */
enum net_dim_state {
    NET_DIM_START_MEASURE,
    NET_DIM_MEASURE_IN_PROGRESS,
    NET_DIM_APPLY_NEW_PROFILE,
};

/* enum dim_tune_state. */
enum net_dim_tune {
    NET_DIM_PARKING_ON_TOP,
    NET_DIM_PARKING_TIRED,
    NET_DIM_GOING_RIGHT,
    NET_DIM_GOING_LEFT,
};

/* Counters since the driver started; DIM keeps differences only. */
struct net_dim_sample {
    sim_time time;
    uint64_t pkts, bytes, events;
};

/* Rates per millisecond, rounded up (dim_calc_stats). */
struct net_dim_stats {
    int64_t ppms, bpms, epms;
};

/**
 * struct net_dim - one CQ's DIM (struct dim), zeroed as mlx5e allocates it:
 * measuring from the next sample, parked on top at profile 0 (while the CQ
 * itself starts at NET_DIM_DEF_PROFILE)
 */
struct net_dim {
    uint8_t state, tune, profile_ix, steps_right, steps_left, tired;
    struct net_dim_stats prev;
    struct net_dim_sample start;
};

/* net_dim(): true when @d chose another profile (@d->profile_ix); @d then
 * ignores samples until net_dim_applied(). */
bool net_dim(struct net_dim *d, const struct net_dim_sample *s);

/* The driver's work item wrote the new profile to the CQ. */
static inline void net_dim_applied(struct net_dim *d)
{
    d->state = NET_DIM_START_MEASURE;
}

/* A profile: the CQ's period and packet count (struct dim_cq_moder). */
struct net_dim_profile {
    uint16_t usec, pkts;
};

/* Profile @ix (< NET_DIM_NPROFILES) for a receive or transmit CQ whose
 * period restarts at each completion (@cqe) or each interrupt. */
const struct net_dim_profile *net_dim_profile(bool tx, bool cqe, unsigned ix);

#endif
