/* virtio-blk request merging in the device (QEMU hw/block/virtio-blk.c,
 * request-merging=on): the requests one pass of the backend thread drains
 * from the virtqueue are gathered, and virtio_blk_handle_request() submits
 * what it gathered when the direction changes, at a flush, at 32 requests
 * (VIRTIO_BLK_MAX_MERGE_REQS), and at the end of the pass;
 * virtio_blk_submit_multireq() sorts them by
 * sector and merges runs that are contiguous into one block-layer request.
 * A merged request's followers ride on their leader: one image lookup, one
 * host block-layer request and one device access for the run; each then
 * completes to the guest as itself. A follower's time from the merge to the
 * leader's device completion is charged as the leader's was, stage by
 * stage. With request-merging=off the requests are still gathered and
 * submitted at the same points (Linux AIO and io_uring submit a pass's
 * requests at its end, blk_io_unplug()), only not merged. Left out: the backend's max_transfer and
 * IOV_MAX limits (a raw file's max_transfer is unlimited), the guest block layer's own merging. */
#include <string.h>

#include <glib.h>

#include "blk_world.h"

/* QEMU include/hw/virtio/virtio-blk.h */
#define MERGE_MAX_REQS 32

void blk_merge_init(struct blk_vm *vm)
{
    vm->batch_sort = g_array_new(FALSE, FALSE, sizeof(uint32_t));
}

void blk_merge_release(struct blk_vm *vm)
{
    if (vm->batch_sort)
        g_array_free(vm->batch_sort, TRUE);
    vm->batch_sort = NULL;
}

static int by_offset(gconstpointer a, gconstpointer b, gpointer data)
{
    const struct blk_vm *vm = data;
    uint64_t x = blk_req_at(vm, *(const uint32_t *)a)->offset;
    uint64_t y = blk_req_at(vm, *(const uint32_t *)b)->offset;

    return x < y ? -1 : x > y;
}

/* @f rides on @lead's device access from now on: its stages until the
 * leader's completion will be the leader's from now (both steps closed
 * here, so the difference of their sums is exactly that span). */
static void join(struct blk_vm *vm, struct blk_req *lead, struct blk_req *last, struct blk_req *f)
{
    blk_step(vm, f, f->led.stage);
    for (unsigned s = 0; s < BLK_N_STAGES; s++)
        f->stage_ps[s] -= lead->stage_ps[s];
    f->merged_next = BLK_NO_REQ;
    last->merged_next = f->idx;
    lead->bytes += f->bytes;
    lead->n_merged++;
    vm->st.merged++;
}

/* Sort one submission (same direction, no flush) by offset, merge the
 * contiguous runs, and send each run's leader on. */
static void submit_run(struct blk_vm *vm, blk_cont_fn cont)
{
    struct blk_world *w = vm->w;
    GArray *a = vm->batch_sort;
    struct blk_req *lead = NULL, *last = NULL;

    g_array_sort_with_data(a, by_offset, vm);
    for (guint k = 0; k < a->len; k++) {
        struct blk_req *r = blk_req_at(vm, g_array_index(a, uint32_t, k));

        if (lead && w->request_merging && lead->offset + lead->bytes == r->offset) {
            join(vm, lead, last, r);
            last = r;
            continue;
        }
        if (lead)
            cont(vm, lead);
        blk_step(vm, r, r->led.stage);
        r->own_bytes = r->bytes;
        r->merged_next = BLK_NO_REQ;
        lead = last = r;
    }
    if (lead)
        cont(vm, lead);
    g_array_set_size(a, 0);
}

void blk_merge_gather(struct blk_vm *vm, struct blk_req *r, blk_cont_fn cont)
{
    GArray *a = vm->batch_sort;

    if (a->len > 0 && (r->is_flush || a->len == MERGE_MAX_REQS ||
                       blk_req_at(vm, g_array_index(a, uint32_t, 0))->is_write != r->is_write))
        submit_run(vm, cont);
    if (r->is_flush)
        cont(vm, r);
    else
        g_array_append_val(a, r->idx);
    if (vm->sub_open == 0) /* the pass is over */
        submit_run(vm, cont);
}

void blk_merge_done(struct blk_vm *vm, struct blk_req *lead, blk_cont_fn cont)
{
    struct blk_world *w = vm->w;
    uint32_t idx;

    if (lead->n_merged == 0) {
        cont(vm, lead);
        return;
    }
    blk_step(vm, lead, lead->led.stage);
    lead->bytes = lead->own_bytes;
    lead->n_merged = 0;
    for (idx = lead->merged_next; idx != BLK_NO_REQ; idx = blk_req_at(vm, idx)->merged_next) {
        struct blk_req *f = blk_req_at(vm, idx);

        for (unsigned s = 0; s < BLK_N_STAGES; s++)
            f->stage_ps[s] += lead->stage_ps[s];
        ledger_start(&f->led, sim_now(w->sim), lead->led.stage);
        /* One device access and one host completion for the run. */
        f->no_device = true;
    }
    idx = lead->merged_next;
    cont(vm, lead);
    while (idx != BLK_NO_REQ) {
        struct blk_req *f = blk_req_at(vm, idx);

        idx = f->merged_next;
        cont(vm, f);
    }
}
