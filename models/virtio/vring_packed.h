/* The packed layout behind vring.h's functions (vring.c calls these when
 * the ring is packed); nothing else includes this. */
#ifndef IOVSIM_VIRTIO_VRING_PACKED_H
#define IOVSIM_VIRTIO_VRING_PACKED_H

#include "vring.h"

void vring_packed_init(struct vring *vr);
void vring_packed_release(struct vring *vr);
int vring_packed_add_buf(struct vring *vr, unsigned n_out, unsigned n_in, uint32_t len,
                         uint64_t token);
bool vring_packed_kick_prepare(struct vring *vr);
uint64_t vring_packed_get_buf(struct vring *vr, uint32_t *len);
void vring_packed_disable_cb(struct vring *vr);
/* Callbacks on, interrupting once @bufs more descriptors are used; false
 * if a used buffer is pending already. */
bool vring_packed_enable_cb(struct vring *vr, uint16_t bufs);
unsigned vring_packed_used_pending(const struct vring *vr);
int vring_packed_next_used_id(const struct vring *vr);
int vring_packed_pop_avail(struct vring *vr);
void vring_packed_push_used(struct vring *vr, uint16_t id, uint32_t len);
bool vring_packed_need_interrupt(struct vring *vr);
void vring_packed_disable_notify(struct vring *vr);
bool vring_packed_enable_notify(struct vring *vr);

/* Count a kick or an interrupt decision (sent or suppressed); returns it. */
bool vring_count_kick(struct vring *vr, bool kick);
bool vring_count_irq(struct vring *vr, bool irq);

#endif
