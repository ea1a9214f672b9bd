/* Parameters of device emulation: the QEMU device models of the emulated
 * NIC (e1000-like) and disk controller (AHCI-like). */
#include <glib.h>

#include "../param_sources.h"
#include "../param_tables.h"
#include "param_table.h"
#include "strategy.h"

static const struct param_def emulation_params[] = {
    PDEF_CYCLES("emulation.device_per_packet", "4000", 0, 1e9,
                "e1000-like device model work per packet in QEMU", PLACEHOLDER),
    PDEF_TIME("emulation.copy_per_byte", "0.32ns", 0, 1e-6, "device model copy cost per byte",
              "calibration.md 1.2 (D): Firecracker, one core per 25 Gbps"),
    PDEF_INT("emulation.rx_ring", "256", 1, 65536, "emulated receive descriptors",
             "choice: Linux e1000 default 256"),
    PDEF_CYCLES("emulation.blk_per_request", "10000", 0, 1e9,
                "emulated disk controller: QEMU device model work per request (AHCI command, PRD "
                "walk)",
                PLACEHOLDER),
    PDEF_INT("emulation.blk_submit_exits", "4", 0, 64,
             "emulated disk controller: register accesses (user-space exits) per request",
             PLACEHOLDER ": AHCI/IDE-like, calibration.md 1.3 charges each at the I/O User exit"),
    PDEF_INT("emulation.blk_complete_exits", "2", 0, 64,
             "emulated disk controller: register accesses in the guest's interrupt handler per "
             "completion",
             PLACEHOLDER ": read and clear the interrupt status, calibration.md 1.3"),
};

static const size_t emulation_n_params = G_N_ELEMENTS(emulation_params);

const struct param_table emulation_param_table = { .params = emulation_params,
                                                   .n = &emulation_n_params };
