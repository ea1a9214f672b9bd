/* The flow table of flow_table.h: open addressing with linear probing and
 * backward-shift deletion over a preallocated entry array, sim/lru.h's list
 * through the entries, lazy exact idle expiry. Left out: priorities,
 * wildcard matching (proactive and devoflow modes never look up), hard
 * timeouts, the TCAM's insertion rate. */
#include "flow_table.h"

#include <glib.h>

static uint32_t hash_key(uint64_t k)
{
    /* splitmix64's finalizer: serial flow ids spread over every slot */
    k ^= k >> 30;
    k *= 0xbf58476d1ce4e5b9ULL;
    k ^= k >> 27;
    k *= 0x94d049bb133111ebULL;
    k ^= k >> 31;
    return (uint32_t)k;
}

void flow_table_init(struct flow_table *t, uint32_t cap, sim_time idle)
{
    uint32_t n = 2;

    g_assert(cap >= 1 && cap <= (1u << 28));
    while (n < 2 * cap)
        n *= 2;
    t->entries = g_new(struct flow_entry, cap);
    t->slots = g_new(uint32_t, n);
    for (uint32_t i = 0; i < n; i++)
        t->slots[i] = FT_NONE;
    for (uint32_t i = 0; i < cap; i++)
        t->entries[i].lru.next = i + 1 < cap ? i + 1 : FT_NONE;
    t->cap = cap;
    t->mask = n - 1;
    t->used = 0;
    t->used_max = 0;
    LRU_INIT(&t->lru, t->entries, lru);
    t->free_head = 0;
    t->idle = idle;
    flow_table_reset_stats(t);
}

void flow_table_release(struct flow_table *t)
{
    g_free(t->entries);
    g_free(t->slots);
    t->entries = NULL;
    t->slots = NULL;
}

void flow_table_reset_stats(struct flow_table *t)
{
    t->lookups = t->misses = t->inserts = t->evictions = t->expirations = 0;
    t->used_max = t->used;
}

/* Slot holding @key, or the empty slot where the probe ended. */
static uint32_t find_slot(const struct flow_table *t, uint64_t key)
{
    uint32_t s = hash_key(key) & t->mask;

    while (t->slots[s] != FT_NONE && t->entries[t->slots[s]].key != key)
        s = (s + 1) & t->mask;
    return s;
}

/* Remove the entry in slot @s: backward-shift the probe run behind it so
 * every remaining key stays reachable from its home slot. */
static void remove_at(struct flow_table *t, uint32_t s)
{
    uint32_t e = t->slots[s];
    uint32_t hole = s;

    lru_unlink(&t->lru, e);
    t->entries[e].lru.next = t->free_head;
    t->free_head = e;
    t->used--;
    for (uint32_t j = (s + 1) & t->mask; t->slots[j] != FT_NONE; j = (j + 1) & t->mask) {
        uint32_t home = hash_key(t->entries[t->slots[j]].key) & t->mask;

        /* move j into the hole unless its home lies cyclically in (hole, j] */
        if (((j - home) & t->mask) >= ((j - hole) & t->mask)) {
            t->slots[hole] = t->slots[j];
            hole = j;
        }
    }
    t->slots[hole] = FT_NONE;
}

static bool is_dead(const struct flow_table *t, uint32_t e, sim_time now)
{
    return t->idle > 0 && now - t->entries[e].last_used >= t->idle;
}

bool flow_table_lookup(struct flow_table *t, uint64_t key, sim_time now)
{
    uint32_t s = find_slot(t, key);
    uint32_t e = t->slots[s];

    t->lookups++;
    if (e == FT_NONE) {
        t->misses++;
        return false;
    }
    if (is_dead(t, e, now)) {
        t->expirations++;
        remove_at(t, s);
        t->misses++;
        return false;
    }
    t->entries[e].last_used = now;
    lru_touch(&t->lru, e);
    return true;
}

bool flow_table_holds(const struct flow_table *t, uint64_t key, sim_time now)
{
    uint32_t e = t->slots[find_slot(t, key)];

    return e != FT_NONE && !is_dead(t, e, now);
}

void flow_table_insert(struct flow_table *t, uint64_t key, sim_time now)
{
    uint32_t s = find_slot(t, key);
    uint32_t e = t->slots[s];

    if (e != FT_NONE) { /* present (maybe dead): refresh */
        t->entries[e].last_used = now;
        lru_touch(&t->lru, e);
        return;
    }
    while (lru_victim(&t->lru) != LRU_NONE && is_dead(t, lru_victim(&t->lru), now)) {
        t->expirations++;
        remove_at(t, find_slot(t, t->entries[lru_victim(&t->lru)].key));
    }
    if (t->used == t->cap) {
        t->evictions++;
        remove_at(t, find_slot(t, t->entries[lru_victim(&t->lru)].key));
    }
    s = find_slot(t, key); /* removals may have moved the probe's end */
    e = t->free_head;
    g_assert(e != FT_NONE);
    t->free_head = t->entries[e].lru.next;
    t->entries[e].key = key;
    t->entries[e].last_used = now;
    t->slots[s] = e;
    lru_push_front(&t->lru, e);
    t->used++;
    t->inserts++;
    if (t->used > t->used_max)
        t->used_max = t->used;
}
