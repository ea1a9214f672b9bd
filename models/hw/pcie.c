/* PCIe as a pair of FIFO servers (one per direction) with a per-TLP header
 * cost, a fixed read round trip and a pool of read tags. Defaults: Gen3 x8
 * raw rate and endpoint round trip from docs/sources.md#neugebauer-pcie and
 * #pcie-latency, tags and read requests from #pcie-tags. Left out:
 * flow-control credits, ordering rules, replay, ACK DLLPs, completion
 * buffer space beyond the tags. */
#include "pcie.h"

#include <string.h>

#include <glib.h>

static int pow2_shift(unsigned v)
{
    return v && !(v & (v - 1)) ? __builtin_ctz(v) : -1;
}

void pcie_init(struct pcie_link *l, struct sim *sim, double bandwidth_bps, unsigned max_payload,
               unsigned tlp_overhead, sim_time read_latency, unsigned read_tags,
               unsigned max_read_request)
{
    g_assert(bandwidth_bps > 0 && max_payload > 0 && read_tags > 0 && max_read_request > 0);
    l->bandwidth_bps = bandwidth_bps;
    l->max_payload = max_payload;
    l->payload_shift = pow2_shift(max_payload);
    l->tlp_overhead = tlp_overhead;
    l->read_latency = read_latency;
    l->tlps = 0;
    l->read_tags = read_tags;
    l->max_read_request = max_read_request;
    l->mrr_shift = pow2_shift(max_read_request);
    l->tags_busy = 0;
    memset(&l->tag_waiters, 0, sizeof(l->tag_waiters));
    l->on_head = NULL;
    timeavg_init(&l->tags_avg, sim_now(sim), 0.0);
    l->tag_waits = 0;
    fifo_server_init(&l->to_host, sim, "pcie.up", 1);
    fifo_server_init(&l->to_dev, sim, "pcie.down", 1);
    fifo_server_keep_busy(&l->to_host);
    fifo_server_keep_busy(&l->to_dev);
}

void pcie_release(struct pcie_link *l)
{
    fifo_server_release(&l->to_host);
    fifo_server_release(&l->to_dev);
    job_ring_release(&l->tag_waiters);
}

void pcie_reset_stats(struct pcie_link *l)
{
    fifo_server_reset_stats(&l->to_host);
    fifo_server_reset_stats(&l->to_dev);
    l->tlps = 0;
    timeavg_reset(&l->tags_avg, sim_now(l->to_dev.sim));
    l->tag_waits = 0;
}

sim_time pcie_xfer_time(struct pcie_link *l, uint64_t bytes)
{
    uint64_t tlps = pcie_pieces(bytes, l->max_payload, l->payload_shift);
    double bits = (double)(bytes + tlps * l->tlp_overhead) * 8.0;

    l->tlps += tlps;
    return sim_ceil(bits / l->bandwidth_bps * 1e12);
}

struct tags_msg {
    resource_done_fn done;
    void *ctx;
    uint64_t tag;
};

static void tags_on_grant(struct sim *sim, void *ctx, const void *payload)
{
    struct tags_msg msg;

    (void)ctx;
    memcpy(&msg, payload, sizeof(msg));
    msg.done(sim, msg.ctx, msg.tag);
}

bool pcie_tags_take(struct pcie_link *l, unsigned n, resource_done_fn granted, void *ctx,
                    uint64_t tag)
{
    struct sim *sim = l->to_dev.sim;

    if (!l->tag_waiters.len && l->tags_busy + n <= l->read_tags) {
        l->tags_busy += n;
        timeavg_set(&l->tags_avg, sim_now(sim), l->tags_busy);
        return true;
    }
    l->tag_waits++;
    job_ring_push(
        sim, &l->tag_waiters,
        &(struct fifo_job){
            .service = n, .enqueued = sim_now(sim), .done = granted, .ctx = ctx, .tag = tag });
    return false;
}

void pcie_tags_put(struct pcie_link *l, unsigned n)
{
    struct sim *sim = l->to_dev.sim;

    g_assert(l->tags_busy >= n);
    l->tags_busy -= n;
    /* The reads that now fit take their tags at once and go on as events
     * of their own, in the order they came. */
    while (l->tag_waiters.len &&
           l->tags_busy + (unsigned)l->tag_waiters.jobs[l->tag_waiters.head].service <=
               l->read_tags) {
        struct fifo_job job = job_ring_take(&l->tag_waiters);
        struct tags_msg msg = { .done = job.done, .ctx = job.ctx, .tag = job.tag };

        l->tags_busy += (unsigned)job.service;
        sim_schedule(sim, 0, tags_on_grant, l, &msg, sizeof(msg));
    }
    /* The next read to go waits a frame or more: start loading what its
     * grant reads now. */
    if (l->tag_waiters.len && l->on_head) {
        const struct fifo_job *head = &l->tag_waiters.jobs[l->tag_waiters.head];

        l->on_head(head->done, head->ctx, head->tag);
    }
    timeavg_set(&l->tags_avg, sim_now(sim), l->tags_busy);
}
