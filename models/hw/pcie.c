/* PCIe as a pair of FIFO servers (one per direction) with a per-TLP header
 * cost and a fixed read round trip. Defaults: Gen3 x8 raw rate and endpoint
 * round trip from docs/sources.md#neugebauer-pcie and #pcie-latency. Left out: flow-control
 * credits, ordering rules, replay, ACK DLLPs. */
#include "pcie.h"

#include <math.h>

#include <glib.h>

void pcie_init(struct pcie_link *l, struct sim *sim, double bandwidth_bps, unsigned max_payload,
               unsigned tlp_overhead, sim_time read_latency)
{
    g_assert(bandwidth_bps > 0 && max_payload > 0);
    l->bandwidth_bps = bandwidth_bps;
    l->max_payload = max_payload;
    l->tlp_overhead = tlp_overhead;
    l->read_latency = read_latency;
    l->tlps = 0;
    fifo_server_init(&l->to_host, sim, "pcie.up", 1);
    fifo_server_init(&l->to_dev, sim, "pcie.down", 1);
}

void pcie_release(struct pcie_link *l)
{
    fifo_server_release(&l->to_host);
    fifo_server_release(&l->to_dev);
}

void pcie_reset_stats(struct pcie_link *l)
{
    fifo_server_reset_stats(&l->to_host);
    fifo_server_reset_stats(&l->to_dev);
    l->tlps = 0;
}

sim_time pcie_xfer_time(struct pcie_link *l, uint64_t bytes)
{
    uint64_t tlps = bytes ? (bytes + l->max_payload - 1) / l->max_payload : 1;
    double bits = (double)(bytes + tlps * l->tlp_overhead) * 8.0;

    l->tlps += tlps;
    return (sim_time)ceil(bits / l->bandwidth_bps * 1e12);
}
