/* The packed ring (OASIS virtio 1.2, 2.8): one ring of 16-byte
 * descriptors that the driver makes available in order (AVAIL and USED
 * flag bits set from its wrap counter) and the device overwrites in place
 * with used ones, a chain's length apart; buffer ids come from the
 * driver's free list. Event suppression: each side's structure holds
 * ENABLE, DISABLE or (with EVENT_IDX) DESC and an offset with its wrap
 * counter; the driver's decisions follow Linux's virtio_ring.c
 * (virtqueue_kick_prepare_packed, virtqueue_enable_cb_delayed_packed), the
 * device's QEMU's hw/virtio/virtio.c (virtio_packed_should_notify,
 * virtio_queue_packed_set_notification), which writes DISABLE while it
 * polls where the split ring's EVENT_IDX leaves avail_event stale. The
 * device uses buffers in order. With a split twin (vring_shadow_split())
 * every operation is done on the twin first. Left out: out-of-order
 * completion, the in-order feature's batching of used descriptors. */
#include "vring_packed.h"

#include <string.h>

#include <glib.h>

static size_t event_at(const struct vring *vr, enum ring_side whose)
{
    size_t end = (size_t)16 * vr->size;
    size_t d = (end + RING_CACHE_LINE - 1) / RING_CACHE_LINE * RING_CACHE_LINE;

    return whose == RING_DRIVER ? d : d + RING_CACHE_LINE;
}

static void touch_desc(struct vring *vr, enum ring_side side, uint16_t pos, bool write)
{
    ring_cache_touch(&vr->cache, side, (size_t)16 * pos, 16, write);
}

static void touch_event(struct vring *vr, enum ring_side side, enum ring_side whose, bool write)
{
    ring_cache_touch(&vr->cache, side, event_at(vr, whose), 4, write);
}

static uint16_t avail_flags(bool wrap)
{
    return wrap ? VRING_PACKED_DESC_F_AVAIL : VRING_PACKED_DESC_F_USED;
}

static bool is_used(const struct vring *vr, uint16_t pos, bool wrap)
{
    uint16_t f = vr->p.desc[pos].flags;

    return !!(f & VRING_PACKED_DESC_F_AVAIL) == wrap && !!(f & VRING_PACKED_DESC_F_USED) == wrap;
}

static bool is_avail(const struct vring *vr, uint16_t pos, bool wrap)
{
    uint16_t f = vr->p.desc[pos].flags;

    return !!(f & VRING_PACKED_DESC_F_AVAIL) == wrap && !!(f & VRING_PACKED_DESC_F_USED) != wrap;
}

/* Move @pos on by @n descriptors, flipping @wrap past the end. */
static void advance(const struct vring *vr, uint16_t *pos, bool *wrap, unsigned n)
{
    unsigned next = *pos + n;

    if (next >= vr->size) {
        next -= vr->size;
        *wrap = !*wrap;
    }
    *pos = (uint16_t)next;
}

static uint16_t off_wrap(uint16_t pos, bool wrap)
{
    return (uint16_t)(pos | (unsigned)wrap << VRING_PACKED_WRAP_BIT);
}

/* An event offset in the frame of positions on lap @wrap. */
static uint16_t event_in_lap(const struct vring *vr, uint16_t ow, bool wrap)
{
    uint16_t off = ow & (uint16_t) ~(1u << VRING_PACKED_WRAP_BIT);

    return (bool)(ow >> VRING_PACKED_WRAP_BIT) == wrap ? off : (uint16_t)(off - vr->size);
}

void vring_packed_init(struct vring *vr)
{
    struct vring_packed *p = &vr->p;

    p->desc = g_new0(struct vring_packed_desc, vr->size);
    p->id_next = g_new(uint16_t, vr->size);
    p->chain = g_new0(uint16_t, vr->size);
    for (uint16_t i = 0; i < vr->size; i++)
        p->id_next[i] = (uint16_t)(i + 1);
    p->avail_wrap = p->used_wrap = p->dev_avail_wrap = p->dev_used_wrap = true;
    p->driver_event.flags = p->device_event.flags = VRING_PACKED_EVENT_ENABLE;
    p->event_flags_shadow = VRING_PACKED_EVENT_ENABLE;
    ring_cache_init(&vr->cache, event_at(vr, RING_DEVICE) + RING_CACHE_LINE);
}

void vring_packed_release(struct vring *vr)
{
    g_free(vr->p.desc);
    g_free(vr->p.id_next);
    g_free(vr->p.chain);
}

int vring_packed_add_buf(struct vring *vr, unsigned n_out, unsigned n_in, uint32_t len,
                         uint64_t token)
{
    struct vring_packed *p = &vr->p;
    unsigned n = n_out + n_in;
    uint16_t id = p->free_id;

    if (vr->num_free < n)
        return -1;
    if (vr->shadow)
        vring_add_buf(vr->shadow, n_out, n_in, len, token);
    p->free_id = p->id_next[id];
    for (unsigned k = 0; k < n; k++) {
        struct vring_packed_desc *d = &p->desc[p->next_avail];

        d->len = len;
        d->id = id;
        d->flags = (uint16_t)((k + 1 < n ? VRING_DESC_F_NEXT : 0) |
                              (k >= n_out ? VRING_DESC_F_WRITE : 0) | avail_flags(p->avail_wrap));
        touch_desc(vr, RING_DRIVER, p->next_avail, true);
        advance(vr, &p->next_avail, &p->avail_wrap, 1);
    }
    vr->num_free = (uint16_t)(vr->num_free - n);
    p->chain[id] = (uint16_t)n;
    vr->token[id] = token;
    vr->num_added = (uint16_t)(vr->num_added + n);
    p->posted++;
    return id;
}

bool vring_packed_kick_prepare(struct vring *vr)
{
    struct vring_packed *p = &vr->p;
    uint16_t new_idx = p->next_avail, old_idx = (uint16_t)(new_idx - vr->num_added);

    if (vr->shadow)
        vring_kick_prepare(vr->shadow);
    vr->num_added = 0;
    touch_event(vr, RING_DRIVER, RING_DEVICE, false);
    if (p->device_event.flags != VRING_PACKED_EVENT_DESC)
        return p->device_event.flags != VRING_PACKED_EVENT_DISABLE;
    return vring_need_event(event_in_lap(vr, p->device_event.off_wrap, p->avail_wrap), new_idx,
                            old_idx);
}

uint64_t vring_packed_get_buf(struct vring *vr, uint32_t *len)
{
    struct vring_packed *p = &vr->p;
    const struct vring_packed_desc *d = &p->desc[p->last_used];
    uint16_t id;
    uint64_t token;

    if (vr->shadow)
        vring_get_buf(vr->shadow, NULL);
    touch_desc(vr, RING_DRIVER, p->last_used, false);
    if (!is_used(vr, p->last_used, p->used_wrap))
        return VRING_NONE;
    id = d->id;
    g_assert(id < vr->size && vr->token[id] != VRING_NONE);
    if (len)
        *len = d->len;
    token = vr->token[id];
    vr->token[id] = VRING_NONE;
    advance(vr, &p->last_used, &p->used_wrap, p->chain[id]);
    vr->num_free = (uint16_t)(vr->num_free + p->chain[id]);
    p->id_next[id] = p->free_id;
    p->free_id = id;
    vr->buffers++;
    return token;
}

void vring_packed_disable_cb(struct vring *vr)
{
    struct vring_packed *p = &vr->p;

    if (vr->shadow)
        vring_disable_cb(vr->shadow);
    if (p->event_flags_shadow == VRING_PACKED_EVENT_DISABLE)
        return;
    p->event_flags_shadow = VRING_PACKED_EVENT_DISABLE;
    /* Linux 5.14+: the device that just interrupted stays quiet until
     * re-armed, so nothing is written. */
    if (vr->modern_disable_cb && vr->event_triggered)
        return;
    p->driver_event.flags = VRING_PACKED_EVENT_DISABLE;
    touch_event(vr, RING_DRIVER, RING_DRIVER, true);
}

bool vring_packed_enable_cb(struct vring *vr, uint16_t bufs)
{
    struct vring_packed *p = &vr->p;

    if (vr->event_idx) {
        uint16_t at = p->last_used;
        bool wrap = p->used_wrap;

        advance(vr, &at, &wrap, bufs);
        p->driver_event.off_wrap = off_wrap(at, wrap);
        touch_event(vr, RING_DRIVER, RING_DRIVER, true);
    }
    if (p->event_flags_shadow == VRING_PACKED_EVENT_DISABLE) {
        p->event_flags_shadow = vr->event_idx ? VRING_PACKED_EVENT_DESC : VRING_PACKED_EVENT_ENABLE;
        p->driver_event.flags = p->event_flags_shadow;
        touch_event(vr, RING_DRIVER, RING_DRIVER, true);
    }
    touch_desc(vr, RING_DRIVER, p->last_used, false);
    return !is_used(vr, p->last_used, p->used_wrap);
}

unsigned vring_packed_used_pending(const struct vring *vr)
{
    uint16_t at = vr->p.last_used;
    bool wrap = vr->p.used_wrap;
    unsigned n = 0;

    while (n < vr->size && is_used(vr, at, wrap)) {
        advance(vr, &at, &wrap, vr->p.chain[vr->p.desc[at].id]);
        n++;
    }
    return n;
}

int vring_packed_next_used_id(const struct vring *vr)
{
    return is_used(vr, vr->p.last_used, vr->p.used_wrap) ? vr->p.desc[vr->p.last_used].id : -1;
}

int vring_packed_pop_avail(struct vring *vr)
{
    struct vring_packed *p = &vr->p;
    uint16_t id, pos = p->dev_avail;
    unsigned n = 1;
    int twin = vr->shadow ? vring_pop_avail(vr->shadow) : -1;

    touch_desc(vr, RING_DEVICE, pos, false);
    if (!is_avail(vr, pos, p->dev_avail_wrap)) {
        g_assert(twin < 0);
        return -1;
    }
    id = p->desc[pos].id;
    if (vr->shadow) {
        g_assert(twin >= 0);
        vr->shadow_head[id] = (uint16_t)twin;
    }
    while (p->desc[pos].flags & VRING_DESC_F_NEXT) {
        pos = (uint16_t)(pos + 1 == vr->size ? 0 : pos + 1);
        touch_desc(vr, RING_DEVICE, pos, false);
        n++;
    }
    g_assert(n == p->chain[id]);
    advance(vr, &p->dev_avail, &p->dev_avail_wrap, n);
    p->popped++;
    return id;
}

void vring_packed_push_used(struct vring *vr, uint16_t id, uint32_t len)
{
    struct vring_packed *p = &vr->p;
    struct vring_packed_desc *d = &p->desc[p->dev_used];
    bool wrap = p->dev_used_wrap;

    if (vr->shadow)
        vring_push_used(vr->shadow, vr->shadow_head[id], len);
    d->id = id;
    d->len = len;
    d->flags = wrap ? VRING_PACKED_DESC_F_AVAIL | VRING_PACKED_DESC_F_USED : 0;
    touch_desc(vr, RING_DEVICE, p->dev_used, true);
    advance(vr, &p->dev_used, &p->dev_used_wrap, p->chain[id]);
    /* QEMU forgets what it signalled when the used index wraps. */
    if (p->dev_used_wrap != wrap)
        p->signalled_valid = false;
}

bool vring_packed_need_interrupt(struct vring *vr)
{
    struct vring_packed *p = &vr->p;
    uint16_t new_idx = p->dev_used, old_idx = p->signalled_used;
    bool valid = p->signalled_valid;

    if (vr->shadow)
        vring_need_interrupt(vr->shadow);
    p->signalled_used = new_idx;
    p->signalled_valid = true;
    if (valid && new_idx == old_idx)
        return false;
    touch_event(vr, RING_DEVICE, RING_DRIVER, false);
    if (p->driver_event.flags != VRING_PACKED_EVENT_DESC)
        return vring_count_irq(vr, p->driver_event.flags != VRING_PACKED_EVENT_DISABLE);
    return vring_count_irq(
        vr, !valid || vring_need_event(event_in_lap(vr, p->driver_event.off_wrap, p->dev_used_wrap),
                                       new_idx, old_idx));
}

void vring_packed_disable_notify(struct vring *vr)
{
    if (vr->shadow)
        vring_disable_notify(vr->shadow);
    if (vr->p.device_event.flags != VRING_PACKED_EVENT_DISABLE) {
        vr->p.device_event.flags = VRING_PACKED_EVENT_DISABLE;
        touch_event(vr, RING_DEVICE, RING_DEVICE, true);
    }
}

bool vring_packed_enable_notify(struct vring *vr)
{
    struct vring_packed *p = &vr->p;

    if (vr->shadow)
        vring_enable_notify(vr->shadow);
    if (vr->event_idx) {
        p->device_event.off_wrap = off_wrap(p->dev_avail, p->dev_avail_wrap);
        p->device_event.flags = VRING_PACKED_EVENT_DESC;
    } else {
        p->device_event.flags = VRING_PACKED_EVENT_ENABLE;
    }
    touch_event(vr, RING_DEVICE, RING_DEVICE, true);
    touch_desc(vr, RING_DEVICE, p->dev_avail, false);
    return !is_avail(vr, p->dev_avail, p->dev_avail_wrap);
}
