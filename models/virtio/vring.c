/* Split-ring mechanics: free list through desc.next, free-running 16-bit
 * indices, and both suppression schemes (flags, or EVENT_IDX thresholds with
 * the need_event rule). Follows the OASIS virtio spec's split-ring section
 * (docs/sources.md#virtio-spec, #event-idx). Left out: indirect descriptors, the packed
 * ring, memory barriers (the simulator is sequentially consistent). */
#include "vring.h"

#include <string.h>

#include <glib.h>

void vring_init(struct vring *vr, uint16_t size, bool event_idx)
{
    g_assert(size >= 1 && (size & (size - 1)) == 0);
    memset(vr, 0, sizeof(*vr));
    vr->size = size;
    vr->event_idx = event_idx;
    vr->desc = g_new0(struct vring_desc, size);
    vr->avail_ring = g_new0(uint16_t, size);
    vr->used_ring = g_new0(struct vring_used_elem, size);
    vr->token = g_new(uint64_t, size);
    for (uint16_t i = 0; i < size; i++) {
        vr->desc[i].next = (uint16_t)(i + 1);
        vr->token[i] = VRING_NONE;
    }
    vr->free_head = 0;
    vr->num_free = size;
}

void vring_release(struct vring *vr)
{
    g_free(vr->desc);
    g_free(vr->avail_ring);
    g_free(vr->used_ring);
    g_free(vr->token);
    memset(vr, 0, sizeof(*vr));
}

int vring_add_buf(struct vring *vr, unsigned n_out, unsigned n_in, uint32_t len, uint64_t token)
{
    unsigned n = n_out + n_in;
    uint16_t head = vr->free_head, i = head;

    g_assert(n >= 1);
    if (vr->num_free < n)
        return -1;
    for (unsigned k = 0; k < n; k++) {
        vr->desc[i].len = len;
        vr->desc[i].flags =
            (uint16_t)((k + 1 < n ? VRING_DESC_F_NEXT : 0) | (k >= n_out ? VRING_DESC_F_WRITE : 0));
        i = vr->desc[i].next;
    }
    vr->free_head = i;
    vr->num_free = (uint16_t)(vr->num_free - n);
    vr->token[head] = token;
    vr->avail_ring[vr->avail_idx & (vr->size - 1)] = head;
    /* Publishing per buffer is what Linux does; the kick decision still
     * looks at the whole batch since the last kick (num_added). */
    vr->avail_idx++;
    vr->num_added++;
    return head;
}

bool vring_kick_prepare(struct vring *vr)
{
    uint16_t new_idx = vr->avail_idx;
    uint16_t old_idx = (uint16_t)(new_idx - vr->num_added);
    bool kick;

    vr->num_added = 0;
    if (vr->event_idx)
        kick = vring_need_event(vr->avail_event, new_idx, old_idx);
    else
        kick = !(vr->used_flags & VRING_USED_F_NO_NOTIFY);
    if (kick)
        vr->kicks++;
    else
        vr->kicks_suppressed++;
    return kick;
}

uint64_t vring_get_buf(struct vring *vr, uint32_t *len)
{
    struct vring_used_elem *e;
    uint16_t head, i;
    uint64_t token;
    unsigned n = 1;

    if (vr->last_used == vr->used_idx)
        return VRING_NONE;
    e = &vr->used_ring[vr->last_used & (vr->size - 1)];
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
    return token;
}

void vring_disable_cb(struct vring *vr)
{
    /* With EVENT_IDX the flag is ignored by the device; the stale used_event
     * lets at most one more interrupt through (as in Linux). */
    vr->avail_flags |= VRING_AVAIL_F_NO_INTERRUPT;
}

bool vring_enable_cb(struct vring *vr)
{
    vr->avail_flags &= (uint16_t)~VRING_AVAIL_F_NO_INTERRUPT;
    if (vr->event_idx)
        vr->used_event = vr->last_used;
    return vr->last_used == vr->used_idx;
}

bool vring_enable_cb_delayed(struct vring *vr)
{
    uint16_t outstanding = (uint16_t)(vr->avail_idx - vr->last_used);
    uint16_t bufs = (uint16_t)(outstanding * 3 / 4);

    vr->avail_flags &= (uint16_t)~VRING_AVAIL_F_NO_INTERRUPT;
    if (vr->event_idx)
        vr->used_event = (uint16_t)(vr->last_used + bufs);
    return (uint16_t)(vr->used_idx - vr->last_used) <= bufs;
}

unsigned vring_used_pending(const struct vring *vr)
{
    return (uint16_t)(vr->used_idx - vr->last_used);
}

int vring_pop_avail(struct vring *vr)
{
    int head;

    if (vr->last_avail == vr->avail_idx)
        return -1;
    head = vr->avail_ring[vr->last_avail & (vr->size - 1)];
    vr->last_avail++;
    return head;
}

unsigned vring_avail_pending(const struct vring *vr)
{
    return (uint16_t)(vr->avail_idx - vr->last_avail);
}

void vring_push_used(struct vring *vr, uint16_t head, uint32_t len)
{
    struct vring_used_elem *e = &vr->used_ring[vr->used_idx & (vr->size - 1)];

    g_assert(head < vr->size);
    e->id = head;
    e->len = len;
    vr->used_idx++;
}

bool vring_need_interrupt(struct vring *vr)
{
    uint16_t new_idx = vr->used_idx, old_idx = vr->signalled_used;
    bool irq;

    vr->signalled_used = new_idx;
    if (new_idx == old_idx)
        return false;
    if (vr->event_idx)
        irq = vring_need_event(vr->used_event, new_idx, old_idx);
    else
        irq = !(vr->avail_flags & VRING_AVAIL_F_NO_INTERRUPT);
    if (irq)
        vr->irqs++;
    else
        vr->irqs_suppressed++;
    return irq;
}

void vring_disable_notify(struct vring *vr)
{
    /* With EVENT_IDX, leaving avail_event stale is the suppression. */
    if (!vr->event_idx)
        vr->used_flags |= VRING_USED_F_NO_NOTIFY;
}

bool vring_enable_notify(struct vring *vr)
{
    if (vr->event_idx)
        vr->avail_event = vr->last_avail;
    else
        vr->used_flags &= (uint16_t)~VRING_USED_F_NO_NOTIFY;
    return vr->last_avail == vr->avail_idx;
}
