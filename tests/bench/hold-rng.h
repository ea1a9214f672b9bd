/* The hold model's random numbers, shared by every engine that `make bench`
 * and `make bench-peers` compare, so that they measure queues and not random
 * number generators: xorshift64* (Vigna, "An experimental exploration of
 * Marsaglia's xorshift generators", 2016), 53 bits to a uniform in (0, 1],
 * then -mean * log(u). Keys are whole ticks (picoseconds in iovsim,
 * nanoseconds in ns-3) with a mean of HOLD_MEAN_TICKS, so every engine sees
 * the same sequence of integer delays. Header-only and C/C++ neutral. */
#ifndef IOVSIM_HOLD_RNG_H
#define IOVSIM_HOLD_RNG_H

#include <math.h>
#include <stdint.h>

#define HOLD_MEAN_TICKS 1e6
#define HOLD_SEED       0x2545f4914f6cdd1dull

struct hold_rng {
    uint64_t s;
};

static inline uint64_t hold_rng_next(struct hold_rng *r)
{
    uint64_t x = r->s;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    r->s = x;
    return x * 0x2545f4914f6cdd1dull;
}

/* A delay in whole ticks, Exp(HOLD_MEAN_TICKS) truncated. */
static inline int64_t hold_draw(struct hold_rng *r)
{
    double u = (double)((hold_rng_next(r) >> 11) + 1) * (1.0 / 9007199254740992.0);
    return (int64_t)(-HOLD_MEAN_TICKS * log(u));
}

#endif
