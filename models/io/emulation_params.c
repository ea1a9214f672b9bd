/* Parameters of device emulation: the QEMU device models of the emulated
 * NIC (emulation_nic.c's rows) and disk controller (AHCI-like). */
#include <glib.h>

#include "../net/strategy.h"
#include "../param_sources.h"
#include "../param_tables.h"
#include "emulation_nic.h"
#include "param_table.h"

static const struct param_def emulation_params[] = {
    PDEF_ENUM("emulation.nic", "e1000", EMU_NIC_CHOICES,
              "the NIC QEMU emulates and the guest driver that drives it: e1000 (Linux e1000); "
              "rtl8139 (QEMU's RTL8139C+ in C+ mode under Linux 8139cp, which a Linux guest "
              "binds to it); rtl8139-8139too (the same device in normal mode under 8139too: 4 "
              "bounce buffers, a 32 KiB receive ring buffer)",
              "choice: the e1000, which the other emulation parameters describe; the rows' "
              "register accesses and NAPI weights from QEMU hw/net/rtl8139.c and Linux "
              "8139cp.c, 8139too.c (sources.md#rtl8139)"),
    PDEF_CYCLES("emulation.device_per_packet", "2200", 0, 1e9,
                "device model work per packet in QEMU (any emulated NIC: one descriptor taken, "
                "one frame handed on)",
                "Sugerman ATC'01 §3: Lance transmit emulation 3.0 us on a 733 MHz "
                "Pentium III (D: 2,199 cycles) (sources.md#sugerman)"),
    PDEF_TIME("emulation.copy_per_byte", "0.32ns", 0, 1e-6, "device model copy cost per byte",
              "Firecracker SPECIFICATION: 25 Gb/s per core (D: 0.32 ns/B) "
              "(sources.md#firecracker)"),
    PDEF_INT("emulation.tx_batch", "64", 1, 65536,
             "sends the guest stack hands the e1000 driver in one go (xmit_more): the driver "
             "writes TDT once per batch, or per send when nothing is queued behind it",
             "Linux net/core/dev.c: __qdisc_run() sends at most dev_tx_weight (64) packets per "
             "run (sources.md#e1000-tdt)"),
    PDEF_INT("emulation.rx_ring", "256", 1, 65536,
             "emulated receive descriptors of the e1000 (the rtl8139 rows have their "
             "driver's ring)",
             "choice: Linux e1000 default 256"),
    PDEF_BOOL("emulation.mitigation", "true",
              "QEMU's e1000 interrupt mitigation timer (its 'mitigation' property); false: "
              "every interrupt at once, the guest's ITR ignored",
              "QEMU hw/net/e1000.c: the property defaults to on (sources.md#e1000-mit)"),
    PDEF_TIME("emulation.mitigation_floor", "128us", 0, 1.0,
              "shortest gap QEMU's e1000 leaves after an interrupt, whatever ITR and TADV say",
              "QEMU hw/net/e1000.c set_interrupt_cause(): at least 500 units of 256 ns, the "
              "8254x's 7,813 interrupts/s (sources.md#e1000-mit)"),
    PDEF_TIME("emulation.tadv", "32.768us", 0, 1.0,
              "e1000 TADV: the gap after an interrupt raised with a transmit completion "
              "pending, when shorter than the ITR's",
              "Linux e1000_param.c: TxAbsIntDelay 32 units of 1.024 us, with IDE set on every "
              "descriptor (TxIntDelay 8 != 0) (sources.md#e1000-mit)"),
    PDEF_CYCLES("emulation.blk_per_request", "10000", 0, 1e9,
                "emulated disk controller: QEMU device model work per request (AHCI command, PRD "
                "walk)",
                "placeholder: no measurement of QEMU's AHCI device-model work per "
                "command was found"),
    PDEF_INT("emulation.blk_submit_exits", "2", 0, 64,
             "emulated disk controller: register accesses (user-space exits) per request",
             "Linux libahci.c ahci_qc_issue(): NCQ issue writes PxSACT and PxCI (sources.md#ahci)"),
    PDEF_INT("emulation.blk_complete_exits", "5", 0, 64,
             "emulated disk controller: register accesses in the guest's interrupt handler per "
             "completion",
             "Linux libahci.c ahci_single_level_irq_intr()/ahci_port_intr(): read IS, read+write "
             "PxIS, read PxSACT, write IS (sources.md#ahci)"),
};

static const size_t emulation_n_params = G_N_ELEMENTS(emulation_params);

const struct param_table emulation_param_table = { .params = emulation_params,
                                                   .n = &emulation_n_params };
