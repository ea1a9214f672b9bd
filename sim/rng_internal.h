/* The engine's table of named streams; only sim.c and rng.c see it. */
#ifndef IOVSIM_RNG_INTERNAL_H
#define IOVSIM_RNG_INTERNAL_H

#include <stdint.h>

#include <glib.h>

struct rng_streams {
    uint64_t seed;
    GHashTable *by_name; /* char * -> gsl_rng *, both owned */
};

struct sim;

void rng_streams_init(struct rng_streams *r, uint64_t seed);
void rng_streams_release(struct rng_streams *r);
struct rng_streams *sim_rng_streams(struct sim *sim);

#endif
