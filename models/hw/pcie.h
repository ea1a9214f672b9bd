/* The NIC's PCIe link: one FIFO server per direction at the link's raw
 * bandwidth, every transfer split into TLPs that each carry a header; and
 * the device's read tags, which bound the non-posted reads it has
 * outstanding (a read holds its tags until its data has arrived). */
#ifndef IOVSIM_HW_PCIE_H
#define IOVSIM_HW_PCIE_H

#include <stdbool.h>
#include <stdint.h>

#include "resource.h"
#include "scenario.h"
#include "sim.h"

struct pcie_link {
    struct fifo_server to_host; /* device writes: RX data, descriptor write-back */
    struct fifo_server to_dev;  /* read completions: TX data and descriptors */
    double bandwidth_bps;
    unsigned max_payload;  /* bytes per TLP */
    int payload_shift;     /* log2(max_payload) if a power of two, else -1 */
    unsigned tlp_overhead; /* header, framing and CRC bytes per TLP */
    sim_time read_latency; /* round trip of a non-posted read */
    uint64_t tlps;
    /* Read tags: every function of the device (PF and VFs) draws on one
     * tag space. */
    unsigned read_tags;        /* non-posted reads outstanding at most */
    unsigned max_read_request; /* bytes one read request asks for */
    int mrr_shift;             /* log2(max_read_request) if a power of two, else -1 */
    unsigned tags_busy;
    struct job_ring tag_waiters; /* reads waiting; .service: tags wanted */
    /* Called with the read that heads the wait when a grant leaves it
     * waiting: a hint for speed only, as a server's on_start (or NULL). */
    resource_start_fn on_head;
    struct timeavg tags_avg; /* tags in use */
    uint64_t tag_waits;      /* reads that found too few tags free */
};

void pcie_init(struct pcie_link *l, struct sim *sim, double bandwidth_bps, unsigned max_payload,
               unsigned tlp_overhead, sim_time read_latency, unsigned read_tags,
               unsigned max_read_request);
void pcie_release(struct pcie_link *l);
void pcie_reset_stats(struct pcie_link *l);

/* Time @bytes occupy the link, TLP headers included (exact picoseconds,
 * rounded up). Counts the TLPs. */
sim_time pcie_xfer_time(struct pcie_link *l, uint64_t bytes);

/* Pieces of at most @unit bytes that @bytes take, at least one: a shift
 * where @unit is a power of two (@shift its log2, else -1), since every
 * transfer takes this and a division is the slowest instruction on the way. */
static inline uint64_t pcie_pieces(uint64_t bytes, unsigned unit, int shift)
{
    if (!bytes)
        return 1;
    return shift >= 0 ? (bytes + unit - 1) >> shift : (bytes + unit - 1) / unit;
}

/* Tags a read of @bytes holds: one per request of max_read_request bytes,
 * at most all of them (a longer read reuses its tags in turn). */
static inline unsigned pcie_read_tags(const struct pcie_link *l, uint64_t bytes)
{
    uint64_t n = pcie_pieces(bytes, l->max_read_request, l->mrr_shift);

    return n < l->read_tags ? (unsigned)n : l->read_tags;
}

/* Take @n tags for a read: true when they are free and now held (the
 * caller goes on); false when the read must wait, and then @granted runs,
 * as an event of its own, once it holds them. No read overtakes one that
 * waits. */
bool pcie_tags_take(struct pcie_link *l, unsigned n, resource_done_fn granted, void *ctx,
                    uint64_t tag);
/* The read's data has arrived: its @n tags are free again. */
void pcie_tags_put(struct pcie_link *l, unsigned n);

#endif
