/* Parameters of the hypervisor component: the cost of each kind of VM exit,
 * how interrupts reach a vCPU, and idle vCPUs' halting. The NIC and the
 * disk paths pay the same exits. */
#include <glib.h>

#include "../param_sources.h"
#include "../param_tables.h"
#include "hv.h"
#include "param_table.h"

static const struct param_def hv_params[] = {
    PDEF_CYCLES("hv.exit_mmio_kernel", "2565", 0, 1e9, "MMIO/PIO exit handled in the host kernel",
                DALL_ATC17 ", I/O Kernel 2,565 cycles"),
    PDEF_CYCLES("hv.exit_mmio_user", "6732", 0, 1e9,
                "MMIO/PIO exit handled in host user space (QEMU)",
                DALL_ATC17 ", I/O User 6,732 cycles"),
    PDEF_CYCLES("hv.exit_hypercall", "1437", 0, 1e9, "hypercall exit",
                DALL_ATC17 ", hypercall 1,437 cycles"),
    PDEF_CYCLES("hv.exit_interrupt_window", "2000", 0, 1e9,
                "interrupt-window exit (direct switch cost)",
                "calibration.md 1.1: SplitX WIOV'11 Table 1, exit+entry 2,000 cycles"),
    PDEF_CYCLES("hv.exit_eoi", "1556", 0, 1e9, "EOI exit (virtual interrupt completion)",
                "calibration.md 1.1: Dall ISCA'16 Table II, interrupt completion 1,556 cycles"),
    PDEF_CYCLES("hv.exit_external_interrupt", "3102", 0, 1e9,
                "interrupt routed through the host to a running vCPU: exit, injection, entry",
                "calibration.md 1.1: virtual IPI 3,102 cycles, Dall ATC'17 Table 2 (D: same path)"),
    PDEF_BOOL("hv.halt", "false", "idle vCPUs execute HLT (exit, halt polling, wake-up)",
              "choice: off, guests idle by polling as in latency benchmarks"),
    PDEF_CYCLES("hv.exit_hlt", "2000", 0, 1e9, "HLT exit of an idle vCPU",
                "calibration.md 1.1: SplitX WIOV'11 Table 1, exit+entry 2,000 cycles"),
    PDEF_TIME("hv.halt_poll", "200us", 0, 10,
              "KVM halt polling before a halted vCPU is scheduled out",
              "calibration.md 1.1: KVM_HALT_POLL_NS_DEFAULT 200000 on x86"),
    PDEF_CYCLES("hv.wakeup", "4812", 0, 1e9, "scheduling a halted vCPU back in",
                "calibration.md 1.1: VM switch 4,812 cycles, ISCA'16 Table II (R)"),
    PDEF_BOOL("hv.posted_interrupts", "false",
              "deliver interrupts to running vCPUs without an exit",
              "calibration.md 1.4: ELI (ASPLOS'12) baseline is host-mediated"),
    PDEF_BOOL("hv.exitless_eoi", "false", "the guest's EOI does not exit (APICv / ELI)",
              "calibration.md 1.4: ELI baseline exits on EOI"),
    PDEF_CYCLES("hv.isr", "600", 0, 1e9, "guest interrupt handler entry and exit", PLACEHOLDER),
};

static const size_t hv_n_params = G_N_ELEMENTS(hv_params);

const struct param_table hv_param_table = { .params = hv_params, .n = &hv_n_params };
