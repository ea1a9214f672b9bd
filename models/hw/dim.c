/* Linux's DIM decision (lib/dim/net_dim.c, dim.c, include/linux/dim.h, read
 * at torvalds/linux blobs of net_dim.c 0974b841 and dim.c 01bc4ac9; the
 * logic unchanged since lib/dim appeared in Linux 5.3 but for the
 * zero-window check) and its default profiles. It runs once per NET_DIM_NEVENTS interrupts, so the
 * divisions here stay off the per-interrupt path. Left out: the
 * user-configurable profiles of Linux 6.11 (ethtool rx-profile). */
#include "dim.h"

#include <glib.h>

enum { STATS_WORSE, STATS_SAME, STATS_BETTER };

enum { STEPPED, TOO_TIRED, ON_EDGE };

/* NET_DIM_{RX,TX}_{EQE,CQE}_PROFILES: [tx][cqe][ix]. */
static const struct net_dim_profile profiles[2][2][NET_DIM_NPROFILES] = {
    { { { 1, 256 }, { 8, 256 }, { 64, 256 }, { 128, 256 }, { 256, 256 } },
      { { 2, 256 }, { 8, 128 }, { 16, 64 }, { 32, 64 }, { 64, 64 } } },
    { { { 1, 128 }, { 8, 128 }, { 32, 128 }, { 64, 128 }, { 128, 128 } },
      { { 5, 128 }, { 8, 64 }, { 16, 32 }, { 32, 32 }, { 64, 32 } } },
};

const struct net_dim_profile *net_dim_profile(bool tx, bool cqe, unsigned ix)
{
    g_assert(ix < NET_DIM_NPROFILES);
    return &profiles[tx][cqe][ix];
}

/* IS_SIGNIFICANT_DIFF: more than 10% of @ref (@ref > 0), in integers. */
static bool significant(int64_t val, int64_t ref)
{
    int64_t d = val > ref ? val - ref : ref - val;

    return 100 * d / ref > 10;
}

/* Bytes first, then packets (more is better), then interrupts (fewer is
 * better); a zero reference decides at once. */
static int stats_compare(const struct net_dim_stats *cur, const struct net_dim_stats *prev)
{
    if (!prev->bpms)
        return cur->bpms ? STATS_BETTER : STATS_SAME;
    if (significant(cur->bpms, prev->bpms))
        return cur->bpms > prev->bpms ? STATS_BETTER : STATS_WORSE;
    if (!prev->ppms)
        return cur->ppms ? STATS_BETTER : STATS_SAME;
    if (significant(cur->ppms, prev->ppms))
        return cur->ppms > prev->ppms ? STATS_BETTER : STATS_WORSE;
    if (!prev->epms)
        return STATS_SAME;
    if (significant(cur->epms, prev->epms))
        return cur->epms < prev->epms ? STATS_BETTER : STATS_WORSE;
    return STATS_SAME;
}

static int step(struct net_dim *d)
{
    if (d->tired == 2 * NET_DIM_NPROFILES)
        return TOO_TIRED;
    if (d->tune == NET_DIM_GOING_RIGHT) {
        if (d->profile_ix == NET_DIM_NPROFILES - 1)
            return ON_EDGE;
        d->profile_ix++;
        d->steps_right++;
    } else if (d->tune == NET_DIM_GOING_LEFT) {
        if (d->profile_ix == 0)
            return ON_EDGE;
        d->profile_ix--;
        d->steps_left++;
    }
    d->tired++;
    return STEPPED;
}

static void park(struct net_dim *d, enum net_dim_tune how)
{
    d->steps_right = d->steps_left = 0;
    if (how == NET_DIM_PARKING_ON_TOP)
        d->tired = 0;
    d->tune = how;
}

/* Leaving a parking spot: towards shorter moderation unless at the left
 * edge already. */
static void unpark(struct net_dim *d)
{
    d->tune = d->profile_ix ? NET_DIM_GOING_LEFT : NET_DIM_GOING_RIGHT;
    step(d);
}

/* dim_on_top: one step back after more than one forward found the best. */
static bool on_top(const struct net_dim *d)
{
    if (d->tune == NET_DIM_GOING_RIGHT)
        return d->steps_left > 1 && d->steps_right == 1;
    return d->steps_right > 1 && d->steps_left == 1;
}

static void turn(struct net_dim *d)
{
    if (d->tune == NET_DIM_GOING_RIGHT) {
        d->tune = NET_DIM_GOING_LEFT;
        d->steps_left = 0;
    } else {
        d->tune = NET_DIM_GOING_RIGHT;
        d->steps_right = 0;
    }
}

/* net_dim_decision: true when the profile changed. */
static bool decide(struct net_dim *d, const struct net_dim_stats *cur)
{
    uint8_t was_tune = d->tune, was_ix = d->profile_ix;

    switch (d->tune) {
    case NET_DIM_PARKING_ON_TOP:
        if (stats_compare(cur, &d->prev) != STATS_SAME)
            unpark(d);
        break;
    case NET_DIM_PARKING_TIRED:
        if (!--d->tired)
            unpark(d);
        break;
    default:
        if (stats_compare(cur, &d->prev) != STATS_BETTER)
            turn(d);
        if (on_top(d)) {
            park(d, NET_DIM_PARKING_ON_TOP);
            break;
        }
        switch (step(d)) {
        case ON_EDGE:
            park(d, NET_DIM_PARKING_ON_TOP);
            break;
        case TOO_TIRED:
            park(d, NET_DIM_PARKING_TIRED);
            break;
        }
        break;
    }
    /* Parked on top, the reference stays the rates it parked with. */
    if (was_tune != NET_DIM_PARKING_ON_TOP || d->tune != NET_DIM_PARKING_ON_TOP)
        d->prev = *cur;
    return d->profile_ix != was_ix;
}

/* dim_calc_stats: whole microseconds (ktime_us_delta truncates), rates per
 * millisecond rounded up; the interrupt rate counts NET_DIM_NEVENTS, not
 * the events the window really had. */
static bool calc_stats(const struct net_dim_sample *a, const struct net_dim_sample *b,
                       struct net_dim_stats *st)
{
    int64_t us = (b->time - a->time) / SIM_US;

    if (us <= 0)
        return false;
    st->ppms = ((int64_t)(b->pkts - a->pkts) * 1000 + us - 1) / us;
    st->bpms = ((int64_t)(b->bytes - a->bytes) * 1000 + us - 1) / us;
    st->epms = ((int64_t)NET_DIM_NEVENTS * 1000 + us - 1) / us;
    return true;
}

bool net_dim(struct net_dim *d, const struct net_dim_sample *s)
{
    struct net_dim_stats cur;

    switch (d->state) {
    case NET_DIM_MEASURE_IN_PROGRESS:
        if (s->events - d->start.events < NET_DIM_NEVENTS || !calc_stats(&d->start, s, &cur))
            return false;
        if (decide(d, &cur)) {
            d->state = NET_DIM_APPLY_NEW_PROFILE;
            return true;
        }
        /* Same profile: the next window starts here. */
        d->start = *s;
        return false;
    case NET_DIM_START_MEASURE:
        d->start = *s;
        d->state = NET_DIM_MEASURE_IN_PROGRESS;
        return false;
    default:
        return false;
    }
}
