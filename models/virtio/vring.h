/* A virtqueue as both sides see it, in either layout. Split: the
 * descriptor table with its free list, the available ring (driver writes)
 * and the used ring (device writes), each with its notification hint:
 * flags, or the EVENT_IDX thresholds. Packed: one ring of descriptors that
 * the driver marks available and the device marks used in place, with
 * wrap counters, and an event suppression structure per side (OASIS
 * virtio 1.2, 2.7 and 2.8). The shared memory's cache lines are tracked
 * (ring_cache.h) at the offsets each layout puts its fields. */
#ifndef IOVSIM_VIRTIO_VRING_H
#define IOVSIM_VIRTIO_VRING_H

#include <stdbool.h>
#include <stdint.h>

#include "ring_cache.h"

#define VRING_DESC_F_NEXT          1
#define VRING_DESC_F_WRITE         2
#define VRING_AVAIL_F_NO_INTERRUPT 1
#define VRING_USED_F_NO_NOTIFY     1
#define VRING_MAX_SIZE             32768
/* packed ring (spec 2.8): descriptor flags and event suppression */
#define VRING_PACKED_DESC_F_AVAIL  (1 << 7)
#define VRING_PACKED_DESC_F_USED   (1 << 15)
#define VRING_PACKED_EVENT_ENABLE  0
#define VRING_PACKED_EVENT_DISABLE 1
#define VRING_PACKED_EVENT_DESC    2
#define VRING_PACKED_WRAP_BIT      15
#define VRING_NONE                 UINT64_MAX

struct vring_desc {
    uint64_t addr;
    uint32_t len;
    uint16_t flags;
    uint16_t next;
};

struct vring_used_elem {
    uint32_t id;
    uint32_t len;
};

/* A packed ring's descriptor: the device overwrites it with the used one. */
struct vring_packed_desc {
    uint64_t addr;
    uint32_t len;
    uint16_t id;
    uint16_t flags;
};

/* One side's event suppression structure (spec 2.8.10). */
struct vring_packed_event {
    uint16_t off_wrap, flags;
};

/**
 * struct vring_packed - the packed layout's state
 * Shared: @desc, @driver_event (the driver writes it), @device_event. The
 * driver's: @next_avail/@avail_wrap, @last_used/@used_wrap, the free
 * buffer ids (@id_next) and each id's chain length (@chain). The device's:
 * @dev_avail/@dev_avail_wrap, @dev_used/@dev_used_wrap, what it signalled.
 */
struct vring_packed {
    struct vring_packed_desc *desc;
    struct vring_packed_event driver_event, device_event;
    uint16_t next_avail, last_used, free_id;
    bool avail_wrap, used_wrap;
    uint16_t *id_next, *chain;
    uint16_t event_flags_shadow; /* the driver's idea of driver_event.flags */
    uint16_t dev_avail, dev_used, signalled_used;
    bool dev_avail_wrap, dev_used_wrap, signalled_valid;
    uint32_t posted, popped; /* buffers, for the pending counts */
};

/**
 * struct vring - one virtqueue
 * Split layout's shared part: @desc, @avail_ring/@avail_idx/@avail_flags/
 * @used_event, @used_ring/@used_idx/@used_flags/@avail_event. The rest is
 * private to the driver (free list, tokens, last_used, num_added) or to the
 * device (last_avail, signalled_used). With @packed, @p holds the state
 * and the split fields are unused but for @token, @num_free, @num_added
 * (descriptors, as Linux counts them there) and the counters.
 * @cache: the shared memory's lines; @buffers: buffers the driver got back
 * @shadow: a packed ring's split twin (vring_shadow_split()), driven
 * through the same operations so that the lines each layout moves can be
 * compared; @shadow_head maps a packed id to the twin's head
 * @line_charged: lines per side the owner charged (vring_line_charge())
 */
struct vring {
    uint16_t size;
    bool event_idx;
    bool packed;
    /* The driver's disable_cb as Linux's since 5.14: nothing written when
     * the device has just interrupted (@event_triggered), else a split
     * ring with EVENT_IDX gets used_event = 0; before, only the flags were
     * written (which such a device ignores). vring_init sets it. */
    bool modern_disable_cb;
    bool event_triggered;
    struct vring_packed p;
    struct ring_cache cache;
    struct vring *shadow;
    uint16_t *shadow_head;
    int64_t line_charged[3];
    uint64_t buffers;
    struct vring_desc *desc;
    uint16_t *avail_ring;
    uint16_t avail_idx, avail_flags, used_event;
    struct vring_used_elem *used_ring;
    uint16_t used_idx, used_flags, avail_event;
    /* driver */
    uint64_t *token;
    uint16_t free_head, num_free, last_used, num_added;
    /* device (avail_seen: the avail index it last read) */
    uint16_t last_avail, signalled_used, avail_seen;
    /* counters; the races: enable_cb or enable_notify's re-check found
     * work; irqs_while_off: signalled while the driver had callbacks off
     * (a split ring's used_event left stale by a flag-only disable_cb, or
     * moved to 0 and crossed at the index wrap) */
    uint64_t kicks, kicks_suppressed, irqs, irqs_suppressed;
    uint64_t cb_races, notify_races, irqs_while_off;
};

/* @size up to VRING_MAX_SIZE, a power of two unless @packed (asserted:
 * the scenario checks). */
void vring_init(struct vring *vr, uint16_t size, bool event_idx, bool packed);
void vring_release(struct vring *vr);

/* notify if (u16)(new - event - 1) < (u16)(new - old): the spec's rule */
static inline bool vring_need_event(uint16_t event, uint16_t new_idx, uint16_t old_idx)
{
    return (uint16_t)(new_idx - event - 1) < (uint16_t)(new_idx - old_idx);
}

/* Driver side. */
/* Chain @n_out device-readable then @n_in device-writable descriptors of
 * @len bytes each and make them available. Returns the buffer's id (split:
 * its head), or -1 when fewer than @n_out + @n_in descriptors are free. */
int vring_add_buf(struct vring *vr, unsigned n_out, unsigned n_in, uint32_t len, uint64_t token);
/* After one or more add_buf: must the device be notified? Counts kicks. */
bool vring_kick_prepare(struct vring *vr);
/* Next used buffer's token (its chain goes back on the free list), or
 * VRING_NONE. @len (may be NULL) gets the length the device wrote. */
uint64_t vring_get_buf(struct vring *vr, uint32_t *len);
/* Ask for no interrupts (a hint: the device may still send some). */
void vring_disable_cb(struct vring *vr);
/* Ask for interrupts again; false if used buffers arrived meanwhile, in
 * which case the driver must poll again. */
bool vring_enable_cb(struct vring *vr);
/* Ask for an interrupt only once 3/4 of the buffers now outstanding are
 * used (Linux virtqueue_enable_cb_delayed; without EVENT_IDX the same as
 * enable_cb); false if that many are used already (poll again). */
bool vring_enable_cb_delayed(struct vring *vr);
unsigned vring_used_pending(const struct vring *vr);
/* The id of the next used buffer, or -1 (the simulator's own check: no
 * memory access). */
int vring_next_used_id(const struct vring *vr);

/* Cache-line misses on the shared memory so far, both sides. */
static inline uint64_t vring_line_misses(const struct vring *vr)
{
    return vr->cache.misses[RING_DRIVER] + vr->cache.misses[RING_DEVICE];
}

/* A packed ring's costs measured on split rings pay only for the lines
 * its layout moves beyond a split ring's: give @vr (packed) a split twin
 * of the next power-of-two size, driven through every operation after
 * this; its decisions are ignored. Call after setting modern_disable_cb. */
void vring_shadow_split(struct vring *vr);

/* Lines @side moved beyond (negative: fewer than) what the split twin
 * moved for the same operations, less what was charged; 0 without one. */
static inline int64_t vring_line_excess(const struct vring *vr, enum ring_side side)
{
    if (!vr->shadow)
        return 0;
    return (int64_t)vr->cache.misses[side] - (int64_t)vr->shadow->cache.misses[side] -
           vr->line_charged[side];
}

/* The owner charged @lines of @side's excess as time. */
static inline void vring_line_charge(struct vring *vr, enum ring_side side, int64_t lines)
{
    vr->line_charged[side] += lines;
}

/* Device side. */
/* Next available buffer's id (split: its head), or -1. */
int vring_pop_avail(struct vring *vr);
unsigned vring_avail_pending(const struct vring *vr);
void vring_push_used(struct vring *vr, uint16_t head, uint32_t len);
/* After one or more push_used: must the driver be interrupted? Counts. */
bool vring_need_interrupt(struct vring *vr);
/* Ask for no kicks while polling; false from enable_notify if buffers
 * arrived meanwhile (poll again). */
void vring_disable_notify(struct vring *vr);
bool vring_enable_notify(struct vring *vr);

#endif
