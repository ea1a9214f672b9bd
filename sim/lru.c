/* The LRU list of lru.h: a doubly linked list by index through the
 * caller's records. */
#include "lru.h"

#include <glib.h>

void lru_init(struct lru *l, void *base, size_t stride, size_t off)
{
    g_assert(stride > 0 && off + sizeof(struct lru_link) <= stride);
    l->base = base;
    l->stride = stride;
    l->off = off;
    lru_clear(l);
}

void lru_clear(struct lru *l)
{
    l->head = l->tail = LRU_NONE;
}

void lru_push_front(struct lru *l, uint32_t i)
{
    struct lru_link *x = lru_link_of(l, i);

    x->prev = LRU_NONE;
    x->next = l->head;
    if (l->head != LRU_NONE)
        lru_link_of(l, l->head)->prev = i;
    l->head = i;
    if (l->tail == LRU_NONE)
        l->tail = i;
}

void lru_unlink(struct lru *l, uint32_t i)
{
    struct lru_link *x = lru_link_of(l, i);

    if (x->prev != LRU_NONE)
        lru_link_of(l, x->prev)->next = x->next;
    else
        l->head = x->next;
    if (x->next != LRU_NONE)
        lru_link_of(l, x->next)->prev = x->prev;
    else
        l->tail = x->prev;
}

void lru_touch(struct lru *l, uint32_t i)
{
    if (l->head == i)
        return;
    lru_unlink(l, i);
    lru_push_front(l, i);
}
