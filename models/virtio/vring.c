/* Split-ring mechanics: free list through desc.next, free-running 16-bit
 * indices, and both suppression schemes (flags, or EVENT_IDX thresholds with
 * the need_event rule). Follows the OASIS virtio spec's split-ring section
 * (docs/sources.md#virtio-spec, #event-idx). The shared fields are laid out
 * as the spec places them (descriptor table, available ring with
 * used_event at its end, used ring on the next line with avail_event at
 * its end) and each access the driver (Linux's virtio_ring.c, which keeps
 * its free list in private desc_extra) or the device (vhost, which reads
 * the avail index only when its copy says the ring is empty) makes is a
 * touch of the line cache. The packed layout is vring_packed.c; every
 * public function goes there when the ring is packed. Left out: memory
 * barriers (the simulator is sequentially consistent). */
#include "vring.h"

#include <string.h>

#include <glib.h>

#include "vring_packed.h"

/* Byte offsets of the split layout's fields. */
static size_t avail_at(const struct vring *vr)
{
    return (size_t)16 * vr->size;
}

static size_t used_at(const struct vring *vr)
{
    size_t end = avail_at(vr) + 6 + (size_t)2 * vr->size;

    return (end + RING_CACHE_LINE - 1) / RING_CACHE_LINE * RING_CACHE_LINE;
}

#define AVAIL_FLAGS(vr)   avail_at(vr)
#define AVAIL_IDX(vr)     (avail_at(vr) + 2)
#define AVAIL_RING(vr, i) (avail_at(vr) + 4 + (size_t)2 * ((i) & ((vr)->size - 1)))
#define USED_EVENT(vr)    (avail_at(vr) + 4 + (size_t)2 * (vr)->size)
#define USED_FLAGS(vr)    used_at(vr)
#define USED_IDX(vr)      (used_at(vr) + 2)
#define USED_RING(vr, i)  (used_at(vr) + 4 + (size_t)8 * ((i) & ((vr)->size - 1)))
#define AVAIL_EVENT(vr)   (used_at(vr) + 4 + (size_t)8 * (vr)->size)
#define DESC(i)           ((size_t)16 * (i))

static void rd(struct vring *vr, enum ring_side side, size_t at, size_t len)
{
    ring_cache_touch(&vr->cache, side, at, len, false);
}

static void wr(struct vring *vr, enum ring_side side, size_t at, size_t len)
{
    ring_cache_touch(&vr->cache, side, at, len, true);
}

void vring_init(struct vring *vr, uint16_t size, bool event_idx, bool packed)
{
    g_assert(size >= 1 && size <= VRING_MAX_SIZE);
    g_assert(packed || (size & (size - 1)) == 0);
    memset(vr, 0, sizeof(*vr));
    vr->size = size;
    vr->event_idx = event_idx;
    vr->packed = packed;
    vr->modern_disable_cb = true;
    vr->token = g_new(uint64_t, size);
    for (uint16_t i = 0; i < size; i++)
        vr->token[i] = VRING_NONE;
    vr->num_free = size;
    if (packed) {
        vring_packed_init(vr);
        return;
    }
    vr->desc = g_new0(struct vring_desc, size);
    vr->avail_ring = g_new0(uint16_t, size);
    vr->used_ring = g_new0(struct vring_used_elem, size);
    for (uint16_t i = 0; i < size; i++)
        vr->desc[i].next = (uint16_t)(i + 1);
    vr->free_head = 0;
    ring_cache_init(&vr->cache, used_at(vr) + 6 + (size_t)8 * size);
}

void vring_shadow_split(struct vring *vr)
{
    unsigned size = 1;

    g_assert(vr->packed && !vr->shadow);
    while (size < vr->size)
        size <<= 1;
    vr->shadow = g_new(struct vring, 1);
    vring_init(vr->shadow, (uint16_t)size, vr->event_idx, false);
    vr->shadow->modern_disable_cb = vr->modern_disable_cb;
    vr->shadow_head = g_new0(uint16_t, vr->size);
}

void vring_release(struct vring *vr)
{
    if (vr->shadow) {
        vring_release(vr->shadow);
        g_free(vr->shadow);
        g_free(vr->shadow_head);
    }
    if (vr->packed)
        vring_packed_release(vr);
    g_free(vr->desc);
    g_free(vr->avail_ring);
    g_free(vr->used_ring);
    g_free(vr->token);
    ring_cache_release(&vr->cache);
    memset(vr, 0, sizeof(*vr));
}

int vring_add_buf(struct vring *vr, unsigned n_out, unsigned n_in, uint32_t len, uint64_t token)
{
    unsigned n = n_out + n_in;
    uint16_t head = vr->free_head, i = head;

    g_assert(n >= 1);
    if (vr->packed)
        return vring_packed_add_buf(vr, n_out, n_in, len, token);
    if (vr->num_free < n)
        return -1;
    for (unsigned k = 0; k < n; k++) {
        vr->desc[i].len = len;
        vr->desc[i].flags =
            (uint16_t)((k + 1 < n ? VRING_DESC_F_NEXT : 0) | (k >= n_out ? VRING_DESC_F_WRITE : 0));
        wr(vr, RING_DRIVER, DESC(i), 16);
        i = vr->desc[i].next;
    }
    vr->free_head = i;
    vr->num_free = (uint16_t)(vr->num_free - n);
    vr->token[head] = token;
    vr->avail_ring[vr->avail_idx & (vr->size - 1)] = head;
    wr(vr, RING_DRIVER, AVAIL_RING(vr, vr->avail_idx), 2);
    /* Publishing per buffer is what Linux does; the kick decision still
     * looks at the whole batch since the last kick (num_added). */
    vr->avail_idx++;
    wr(vr, RING_DRIVER, AVAIL_IDX(vr), 2);
    vr->num_added++;
    return head;
}

bool vring_kick_prepare(struct vring *vr)
{
    uint16_t new_idx = vr->avail_idx;
    uint16_t old_idx = (uint16_t)(new_idx - vr->num_added);
    bool kick;

    if (vr->packed)
        return vring_count_kick(vr, vring_packed_kick_prepare(vr));
    vr->num_added = 0;
    if (vr->event_idx) {
        rd(vr, RING_DRIVER, AVAIL_EVENT(vr), 2);
        kick = vring_need_event(vr->avail_event, new_idx, old_idx);
    } else {
        rd(vr, RING_DRIVER, USED_FLAGS(vr), 2);
        kick = !(vr->used_flags & VRING_USED_F_NO_NOTIFY);
    }
    return vring_count_kick(vr, kick);
}

bool vring_count_kick(struct vring *vr, bool kick)
{
    if (kick)
        vr->kicks++;
    else
        vr->kicks_suppressed++;
    return kick;
}

bool vring_count_irq(struct vring *vr, bool irq)
{
    bool off = vr->packed ? vr->p.event_flags_shadow == VRING_PACKED_EVENT_DISABLE
                          : vr->avail_flags & VRING_AVAIL_F_NO_INTERRUPT;

    /* vring_interrupt(): with EVENT_IDX the driver notes that the device
     * has fired and will not again until it re-arms. */
    if (irq && vr->event_idx)
        vr->event_triggered = true;
    if (irq)
        vr->irqs++;
    else
        vr->irqs_suppressed++;
    if (irq && off)
        vr->irqs_while_off++;
    return irq;
}

/* Count a re-check that found work. */
static bool count_race(uint64_t *races, bool idle)
{
    if (!idle)
        (*races)++;
    return idle;
}

uint64_t vring_get_buf(struct vring *vr, uint32_t *len)
{
    struct vring_used_elem *e;
    uint16_t head, i;
    uint64_t token;
    unsigned n = 1;

    if (vr->packed)
        return vring_packed_get_buf(vr, len);
    rd(vr, RING_DRIVER, USED_IDX(vr), 2);
    if (vr->last_used == vr->used_idx)
        return VRING_NONE;
    e = &vr->used_ring[vr->last_used & (vr->size - 1)];
    rd(vr, RING_DRIVER, USED_RING(vr, vr->last_used), 8);
    g_assert(e->id < vr->size && vr->token[e->id] != VRING_NONE);
    head = (uint16_t)e->id;
    if (len)
        *len = e->len;
    token = vr->token[head];
    vr->token[head] = VRING_NONE;
    for (i = head; vr->desc[i].flags & VRING_DESC_F_NEXT; i = vr->desc[i].next)
        n++;
    vr->desc[i].next = vr->free_head;
    vr->free_head = head;
    vr->num_free = (uint16_t)(vr->num_free + n);
    vr->last_used++;
    vr->buffers++;
    return token;
}

void vring_disable_cb(struct vring *vr)
{
    if (vr->packed) {
        vring_packed_disable_cb(vr);
        return;
    }
    if (vr->avail_flags & VRING_AVAIL_F_NO_INTERRUPT)
        return;
    vr->avail_flags |= VRING_AVAIL_F_NO_INTERRUPT;
    if (!vr->event_idx) {
        wr(vr, RING_DRIVER, AVAIL_FLAGS(vr), 2);
        return;
    }
    /* With EVENT_IDX the device ignores the flag. After an interrupt the
     * crossed used_event already silences it; otherwise Linux 5.14+ moves
     * used_event to 0, which the used index crosses once per 65,536
     * buffers, where older drivers left it stale, so that the device
     * interrupts the polling driver once its index reaches it. */
    if (vr->modern_disable_cb && !vr->event_triggered) {
        vr->used_event = 0;
        wr(vr, RING_DRIVER, USED_EVENT(vr), 2);
    }
}

/* Callbacks on, interrupting once used reaches @event (EVENT_IDX). */
static void arm_cb(struct vring *vr, uint16_t event)
{
    if (vr->event_idx) {
        vr->used_event = event;
        wr(vr, RING_DRIVER, USED_EVENT(vr), 2);
    } else if (vr->avail_flags & VRING_AVAIL_F_NO_INTERRUPT) {
        wr(vr, RING_DRIVER, AVAIL_FLAGS(vr), 2);
    }
    vr->avail_flags &= (uint16_t)~VRING_AVAIL_F_NO_INTERRUPT;
    rd(vr, RING_DRIVER, USED_IDX(vr), 2);
}

bool vring_enable_cb(struct vring *vr)
{
    vr->event_triggered = false;
    if (vr->packed) {
        if (vr->shadow)
            vring_enable_cb(vr->shadow);
        return count_race(&vr->cb_races, vring_packed_enable_cb(vr, 0));
    }
    arm_cb(vr, vr->last_used);
    return count_race(&vr->cb_races, vr->last_used == vr->used_idx);
}

bool vring_enable_cb_delayed(struct vring *vr)
{
    uint16_t outstanding = (uint16_t)(vr->avail_idx - vr->last_used);
    uint16_t bufs = (uint16_t)(outstanding * 3 / 4);

    vr->event_triggered = false;
    if (vr->packed) {
        if (vr->shadow)
            vring_enable_cb_delayed(vr->shadow);
        return count_race(&vr->cb_races, vring_packed_enable_cb(
                                             vr, (uint16_t)((vr->size - vr->num_free) * 3 / 4)));
    }
    arm_cb(vr, (uint16_t)(vr->last_used + bufs));
    return count_race(&vr->cb_races, (uint16_t)(vr->used_idx - vr->last_used) <= bufs);
}

unsigned vring_used_pending(const struct vring *vr)
{
    if (vr->packed)
        return vring_packed_used_pending(vr);
    return (uint16_t)(vr->used_idx - vr->last_used);
}

int vring_next_used_id(const struct vring *vr)
{
    if (vr->packed)
        return vring_packed_next_used_id(vr);
    if (vr->last_used == vr->used_idx)
        return -1;
    return (int)vr->used_ring[vr->last_used & (vr->size - 1)].id;
}

int vring_pop_avail(struct vring *vr)
{
    int head;
    uint16_t i;

    if (vr->packed)
        return vring_packed_pop_avail(vr);
    if (vr->last_avail == vr->avail_seen) {
        rd(vr, RING_DEVICE, AVAIL_IDX(vr), 2);
        vr->avail_seen = vr->avail_idx;
    }
    if (vr->last_avail == vr->avail_seen)
        return -1;
    rd(vr, RING_DEVICE, AVAIL_RING(vr, vr->last_avail), 2);
    head = vr->avail_ring[vr->last_avail & (vr->size - 1)];
    for (i = (uint16_t)head;; i = vr->desc[i].next) {
        rd(vr, RING_DEVICE, DESC(i), 16);
        if (!(vr->desc[i].flags & VRING_DESC_F_NEXT))
            break;
    }
    vr->last_avail++;
    return head;
}

unsigned vring_avail_pending(const struct vring *vr)
{
    if (vr->packed)
        return vr->p.posted - vr->p.popped;
    return (uint16_t)(vr->avail_idx - vr->last_avail);
}

void vring_push_used(struct vring *vr, uint16_t head, uint32_t len)
{
    struct vring_used_elem *e;

    g_assert(head < vr->size);
    if (vr->packed) {
        vring_packed_push_used(vr, head, len);
        return;
    }
    e = &vr->used_ring[vr->used_idx & (vr->size - 1)];
    e->id = head;
    e->len = len;
    wr(vr, RING_DEVICE, USED_RING(vr, vr->used_idx), 8);
    vr->used_idx++;
    wr(vr, RING_DEVICE, USED_IDX(vr), 2);
}

bool vring_need_interrupt(struct vring *vr)
{
    uint16_t new_idx = vr->used_idx, old_idx = vr->signalled_used;
    bool irq;

    if (vr->packed)
        return vring_packed_need_interrupt(vr);
    vr->signalled_used = new_idx;
    if (new_idx == old_idx)
        return false;
    if (vr->event_idx) {
        rd(vr, RING_DEVICE, USED_EVENT(vr), 2);
        irq = vring_need_event(vr->used_event, new_idx, old_idx);
    } else {
        rd(vr, RING_DEVICE, AVAIL_FLAGS(vr), 2);
        irq = !(vr->avail_flags & VRING_AVAIL_F_NO_INTERRUPT);
    }
    return vring_count_irq(vr, irq);
}

void vring_disable_notify(struct vring *vr)
{
    if (vr->packed) {
        vring_packed_disable_notify(vr);
        return;
    }
    /* With EVENT_IDX, leaving avail_event stale is the suppression. */
    if (!vr->event_idx && !(vr->used_flags & VRING_USED_F_NO_NOTIFY)) {
        vr->used_flags |= VRING_USED_F_NO_NOTIFY;
        wr(vr, RING_DEVICE, USED_FLAGS(vr), 2);
    }
}

bool vring_enable_notify(struct vring *vr)
{
    if (vr->packed)
        return count_race(&vr->notify_races, vring_packed_enable_notify(vr));
    if (vr->event_idx) {
        vr->avail_event = vr->last_avail;
        wr(vr, RING_DEVICE, AVAIL_EVENT(vr), 2);
    } else if (vr->used_flags & VRING_USED_F_NO_NOTIFY) {
        vr->used_flags &= (uint16_t)~VRING_USED_F_NO_NOTIFY;
        wr(vr, RING_DEVICE, USED_FLAGS(vr), 2);
    }
    rd(vr, RING_DEVICE, AVAIL_IDX(vr), 2);
    vr->avail_seen = vr->avail_idx;
    return count_race(&vr->notify_races, vr->last_avail == vr->avail_idx);
}
