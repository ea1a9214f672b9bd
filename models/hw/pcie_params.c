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
      .source = "calibration.md 1.6: PCIe Gen3 x8 62.96 Gb/s (Neugebauer SIGCOMM'18)" },
    PDEF_SIZE("pcie.max_payload", "256B", 64, 4096, "maximum TLP payload", "choice: common MPS"),
    PDEF_SIZE("pcie.tlp_overhead", "24B", 0, 256, "framing, header and CRC bytes per TLP",
              "calibration.md 1.6 (D): raw 62.96 vs ~50 Gb/s of data at 256 B TLPs"),
    PDEF_TIME("pcie.latency", "850ns", 0, 1e-3, "round trip of a device read",
              "calibration.md 1.6: PCIe endpoint round trip ~850 ns"),
};

static const size_t pcie_n_params = G_N_ELEMENTS(pcie_params);

const struct param_table pcie_param_table = { .params = pcie_params, .n = &pcie_n_params };
