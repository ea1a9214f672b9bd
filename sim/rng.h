/* Named random streams: one GSL generator per simulated entity, seeded from
 * (run seed, stream name), so adding an entity never shifts another's draws
 * and the same seed gives the same arrivals under every strategy (common
 * random numbers). */
#ifndef IOVSIM_RNG_H
#define IOVSIM_RNG_H

#include <stdint.h>

#include <gsl/gsl_rng.h>

struct sim;

/**
 * sim_rng - the stream called @name, created on first use
 * Borrowed: the sim owns it and frees it in sim_free(). Same (seed, name)
 * gives the same sequence on every run and every machine.
 */
gsl_rng *sim_rng(struct sim *sim, const char *name);

/* The 64-bit seed of stream @name under run seed @seed (stable hash). */
uint64_t rng_stream_seed(uint64_t seed, const char *name);

/* Seed of replication @rep from the scenario's base seed: independent of the
 * sweep point, so all points of one replication share random numbers. */
uint64_t rng_rep_seed(uint64_t base_seed, int rep);

#endif
