/* Parameters of the host's PCIe link to its devices. */
#include <glib.h>

#include "../param_sources.h"
#include "../param_tables.h"
#include "param_table.h"
#include "pcie.h"

static const struct param_def pcie_params[] = {
    { .key = "pcie.bandwidth",
      .type = PARAM_REAL,
      .dim = DIM_BITRATE,
      .def = "62.96Gbps",
      .min = 1e6,
      .max = 1e13,
      .help = "raw link bandwidth per direction",
      .source = "Neugebauer SIGCOMM'18: PCIe Gen3 x8 62.96 Gb/s raw "
                "(sources.md#neugebauer-pcie)" },
    PDEF_SIZE("pcie.max_payload", "256B", 64, 4096, "maximum TLP payload", "choice: common MPS"),
    PDEF_SIZE("pcie.tlp_overhead", "24B", 0, 256, "framing, header and CRC bytes per TLP",
              "Neugebauer SIGCOMM'18: ~50 of 62.96 Gb/s left after TLP overhead (D: "
              "24 B framing, header, CRC per TLP) (sources.md#neugebauer-pcie)"),
    PDEF_TIME("pcie.latency", "850ns", 0, 1e-3, "round trip of a device read",
              "PCIe latency blog 2014: ~850 ns endpoint round trip (i7-4771, Gen3) "
              "(sources.md#pcie-latency)"),
    PDEF_INT("pcie.read_tags", "256", 1, 16384,
             "non-posted reads the device (PF and VFs together) may have outstanding",
             "PCIe 8-bit Extended Tag field, enabled by Linux since 4.13 (commit 60db3a4d8cc9); "
             "PFs and VFs share one tag space (Intel P-Tile PCIe IP guide) (sources.md#pcie-tags)"),
    PDEF_SIZE("pcie.max_read_request", "512B", 128, 4096,
              "bytes one read request asks for (Max_Read_Request_Size)",
              "PCIe Device Control register: Max_Read_Request_Size resets to 512 B "
              "(sources.md#pcie-tags)"),
};

static const size_t pcie_n_params = G_N_ELEMENTS(pcie_params);

const struct param_table pcie_param_table = { .params = pcie_params, .n = &pcie_n_params };
