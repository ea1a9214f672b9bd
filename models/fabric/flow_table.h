/* A switch's exact-match flow table: a fixed number of entries, an idle
 * timeout and least-recently-used eviction when full. Entries are preallocated
 * (no allocation per lookup or insert); expiry is lazy but exact: an entry
 * unused for the idle timeout is dead from that instant, and since the LRU
 * order is the order of last use, dead entries are always at the LRU end. */
#ifndef IOVSIM_MODELS_FABRIC_FLOW_TABLE_H
#define IOVSIM_MODELS_FABRIC_FLOW_TABLE_H

#include <stdbool.h>
#include <stdint.h>

#include "lru.h"
#include "simtime.h"

struct flow_entry {
    uint64_t key;
    sim_time last_used;
    struct lru_link lru; /* while unused: lru.next links the free entries */
};

/**
 * struct flow_table - exact-match rules keyed by a 64-bit flow id
 * @idle: idle timeout in ps; 0 = entries never expire
 * Counters are lifetime totals unless flow_table_reset_stats() is called.
 */
struct flow_table {
    struct flow_entry *entries; /* @cap of them */
    uint32_t *slots;            /* open addressing, linear probing: entry index or FT_NONE */
    uint32_t cap, used, mask;
    struct lru lru;     /* the used entries by last use */
    uint32_t free_head; /* unused entries, linked through lru.next */
    sim_time idle;
    uint64_t lookups, misses, inserts, evictions, expirations;
    uint32_t used_max;
};

#define FT_NONE UINT32_MAX

void flow_table_init(struct flow_table *t, uint32_t cap, sim_time idle);
void flow_table_release(struct flow_table *t);
/* Look @key up at @now; a hit refreshes its last use. Counts a lookup and,
 * if absent or expired, a miss. */
bool flow_table_lookup(struct flow_table *t, uint64_t key, sim_time now);
/* Does @key hold a live entry at @now? Neither counted nor refreshed: the
 * controller asking which tables hold a rule it must update. */
bool flow_table_holds(const struct flow_table *t, uint64_t key, sim_time now);
/* Install @key at @now (refresh if present), evicting the LRU entry if the
 * table is full of live entries. */
void flow_table_insert(struct flow_table *t, uint64_t key, sim_time now);
void flow_table_reset_stats(struct flow_table *t);

#endif
