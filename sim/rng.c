/* Named random streams. Each stream is a GSL MT19937 generator seeded with a
 * stable hash of (run seed, name): FNV-1a over the name, then SplitMix64
 * (Steele, Lea, Flood, OOPSLA 2014) to spread the bits. MT19937 keeps 32
 * bits of its seed, so streams collide only beyond tens of thousands. */
#include "rng.h"

#include <gsl/gsl_rng.h>

#include "rng_internal.h"
#include "sim.h"

static uint64_t splitmix64(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ull;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}

uint64_t rng_stream_seed(uint64_t seed, const char *name)
{
    uint64_t h = 0xcbf29ce484222325ull;
    for (const unsigned char *p = (const unsigned char *)name; *p; p++)
        h = (h ^ *p) * 0x100000001b3ull;
    return splitmix64(splitmix64(seed) ^ h);
}

uint64_t rng_rep_seed(uint64_t base_seed, int rep)
{
    return splitmix64(base_seed * 0x100000001b3ull + (uint64_t)rep);
}

static void free_rng(gpointer p)
{
    gsl_rng_free(p);
}

void rng_streams_init(struct rng_streams *r, uint64_t seed)
{
    r->seed = seed;
    r->by_name = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, free_rng);
}

void rng_streams_release(struct rng_streams *r)
{
    if (r->by_name)
        g_hash_table_destroy(r->by_name);
    r->by_name = NULL;
}

gsl_rng *sim_rng(struct sim *sim, const char *name)
{
    struct rng_streams *r = sim_rng_streams(sim);
    gsl_rng *g = g_hash_table_lookup(r->by_name, name);
    if (!g) {
        g = gsl_rng_alloc(gsl_rng_mt19937);
        /* MT19937 treats seed 0 as its default seed: avoid the alias. */
        unsigned long s = (unsigned long)(rng_stream_seed(r->seed, name) & 0xffffffffu);
        gsl_rng_set(g, s ? s : 1);
        g_hash_table_insert(r->by_name, g_strdup(name), g);
    }
    return g;
}
