/* The NIC's PCIe link: one FIFO server per direction at the link's raw
 * bandwidth, every transfer split into TLPs that each carry a header. */
#ifndef IOVSIM_HW_PCIE_H
#define IOVSIM_HW_PCIE_H

#include <stdint.h>

#include "resource.h"
#include "scenario.h"
#include "sim.h"

struct pcie_link {
    struct fifo_server to_host; /* device writes: RX data, descriptor write-back */
    struct fifo_server to_dev;  /* read completions: TX data and descriptors */
    double bandwidth_bps;
    unsigned max_payload;  /* bytes per TLP */
    unsigned tlp_overhead; /* header, framing and CRC bytes per TLP */
    sim_time read_latency; /* round trip of a non-posted read */
    uint64_t tlps;
};

void pcie_init(struct pcie_link *l, struct sim *sim, double bandwidth_bps, unsigned max_payload,
               unsigned tlp_overhead, sim_time read_latency);
void pcie_release(struct pcie_link *l);
void pcie_reset_stats(struct pcie_link *l);

/* Time @bytes occupy the link, TLP headers included (exact picoseconds,
 * rounded up). Counts the TLPs. */
sim_time pcie_xfer_time(struct pcie_link *l, uint64_t bytes);

#endif
