/* A virtio split ring as both sides see it: the descriptor table with its
 * free list, the available ring (driver writes) and the used ring (device
 * writes), each with its notification hint: flags, or the EVENT_IDX
 * thresholds. Memory layout is not modelled, only the indices and hints that
 * decide who notifies whom (OASIS virtio spec, split ring section). */
#ifndef IOVSIM_VIRTIO_VRING_H
#define IOVSIM_VIRTIO_VRING_H

#include <stdbool.h>
#include <stdint.h>

#define VRING_DESC_F_NEXT          1
#define VRING_DESC_F_WRITE         2
#define VRING_AVAIL_F_NO_INTERRUPT 1
#define VRING_USED_F_NO_NOTIFY     1
#define VRING_MAX_SIZE             32768
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

/**
 * struct vring - one virtqueue
 * Shared part: @desc, @avail_ring/@avail_idx/@avail_flags/@used_event,
 * @used_ring/@used_idx/@used_flags/@avail_event. The rest is private to the
 * driver (free list, tokens, last_used, num_added) or to the device
 * (last_avail, signalled_used).
 */
struct vring {
    uint16_t size;
    bool event_idx;
    struct vring_desc *desc;
    uint16_t *avail_ring;
    uint16_t avail_idx, avail_flags, used_event;
    struct vring_used_elem *used_ring;
    uint16_t used_idx, used_flags, avail_event;
    /* driver */
    uint64_t *token;
    uint16_t free_head, num_free, last_used, num_added;
    /* device */
    uint16_t last_avail, signalled_used;
    /* counters */
    uint64_t kicks, kicks_suppressed, irqs, irqs_suppressed;
};

/* Power-of-two @size up to VRING_MAX_SIZE (asserted: the scenario checks). */
void vring_init(struct vring *vr, uint16_t size, bool event_idx);
void vring_release(struct vring *vr);

/* notify if (u16)(new - event - 1) < (u16)(new - old): the spec's rule */
static inline bool vring_need_event(uint16_t event, uint16_t new_idx, uint16_t old_idx)
{
    return (uint16_t)(new_idx - event - 1) < (uint16_t)(new_idx - old_idx);
}

/* Driver side. */
/* Chain @n_out device-readable then @n_in device-writable descriptors of
 * @len bytes each and publish the head in the avail ring. Returns the head,
 * or -1 when fewer than @n_out + @n_in descriptors are free. */
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

/* Device side. */
/* Next available chain's head, or -1. */
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
