/* An intrusive LRU list over an array of records: each record holds a
 * struct lru_link (two 32-bit indices), the list holds the two ends, and
 * every operation is O(1) and allocates nothing. The caller keeps its own
 * index (hash table, direct map) from key to record. */
#ifndef IOVSIM_LRU_H
#define IOVSIM_LRU_H

#include <stddef.h>
#include <stdint.h>

#define LRU_NONE UINT32_MAX

/* Lives in the caller's record; meaningful only while it is on a list. */
struct lru_link {
    uint32_t prev, next; /* towards the most / least recently used */
};

/**
 * struct lru - the recency order of some records of one array
 * @base:   the records (borrowed; must not move while the list is used)
 * @stride: bytes per record; @off: where its struct lru_link is
 * @head:   most recently used, @tail least recently used (LRU_NONE: empty)
 */
struct lru {
    char *base;
    size_t stride, off;
    uint32_t head, tail;
};

/* An empty list over the records of @base, each @stride bytes with its
 * link at @off. */
void lru_init(struct lru *l, void *base, size_t stride, size_t off);
/* The same for the array @array whose elements hold a struct lru_link @member. */
#define LRU_INIT(l, array, member) \
    lru_init((l), (array), sizeof(*(array)), offsetof(__typeof__(*(array)), member))
/* Forget every record (their links are left as they are). */
void lru_clear(struct lru *l);
/* Record @i (on no list) becomes the most recently used. */
void lru_push_front(struct lru *l, uint32_t i);
/* Take record @i (on the list) off it. */
void lru_unlink(struct lru *l, uint32_t i);
/* Record @i (on the list) becomes the most recently used. */
void lru_touch(struct lru *l, uint32_t i);

/* The least recently used record, LRU_NONE when empty: the one to evict. */
static inline uint32_t lru_victim(const struct lru *l)
{
    return l->tail;
}

static inline struct lru_link *lru_link_of(const struct lru *l, uint32_t i)
{
    return (struct lru_link *)(l->base + (size_t)i * l->stride + l->off);
}

#endif
