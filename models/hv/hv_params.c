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
                "Dall ATC'17 Table 2: I/O Kernel 2,565 cycles (sources.md#dall-atc17)"),
    PDEF_CYCLES("hv.exit_mmio_user", "6732", 0, 1e9,
                "MMIO/PIO exit handled in host user space (QEMU)",
                "Dall ATC'17 Table 2: I/O User 6,732 cycles (sources.md#dall-atc17)"),
    PDEF_CYCLES("hv.exit_hypercall", "1437", 0, 1e9, "hypercall exit",
                "Dall ATC'17 Table 2: hypercall 1,437 cycles (sources.md#dall-atc17)"),
    PDEF_CYCLES("hv.exit_interrupt_window", "2000", 0, 1e9,
                "interrupt-window exit (direct switch cost)",
                "SplitX WIOV'11 §1 Table 1: exit+entry 2,000 cycles (X5570) "
                "(sources.md#splitx)"),
    PDEF_CYCLES("hv.exit_eoi", "1556", 0, 1e9, "EOI exit (virtual interrupt completion)",
                "Dall ISCA'16 Table II: virtual interrupt completion 1,556 cycles "
                "(sources.md#dall-isca16)"),
    PDEF_CYCLES("hv.exit_external_interrupt", "3102", 0, 1e9,
                "interrupt routed through the host to a running vCPU: exit, injection, entry",
                "Dall ATC'17 Table 2: virtual IPI 3,102 cycles (D: same exit, "
                "injection, entry) (sources.md#dall-atc17)"),
    PDEF_BOOL("hv.halt", "false", "idle vCPUs execute HLT (exit, halt polling, wake-up)",
              "choice: off, guests idle by polling as in latency benchmarks"),
    PDEF_CYCLES("hv.exit_hlt", "2000", 0, 1e9, "HLT exit of an idle vCPU",
                "SplitX WIOV'11 §1 Table 1: exit+entry 2,000 cycles (X5570) "
                "(sources.md#splitx)"),
    PDEF_TIME("hv.halt_poll", "200us", 0, 10,
              "the longest KVM halt-polls a halted vCPU before it is scheduled out (each vCPU's "
              "window adapts up to it)",
              "Linux arch/x86/include/asm/kvm_host.h: KVM_HALT_POLL_NS_DEFAULT 200000 "
              "(sources.md#kvm-halt-poll)"),
    PDEF_INT("hv.halt_poll_grow", "2", 0, 1000,
             "a vCPU's halt-polling window is multiplied by this when a halt ended after it but "
             "within hv.halt_poll (0: windows never grow from 0)",
             "Linux virt/kvm/kvm_main.c: halt_poll_ns_grow = 2 (sources.md#kvm-halt-poll)"),
    PDEF_TIME("hv.halt_poll_grow_start", "10us", 0, 10,
              "the first halt-polling window of a vCPU that did not poll; a shrinking window "
              "under it falls to 0",
              "Linux virt/kvm/kvm_main.c: halt_poll_ns_grow_start = 10000 "
              "(sources.md#kvm-halt-poll)"),
    PDEF_INT("hv.halt_poll_shrink", "2", 0, 1000,
             "a vCPU's halt-polling window is divided by this when a halt outlasted hv.halt_poll "
             "(0: it falls to 0)",
             "Linux virt/kvm/kvm_main.c: halt_poll_ns_shrink = 2 since v6.11 (0 before) "
             "(sources.md#kvm-halt-poll)"),
    PDEF_CYCLES("hv.wakeup", "5240", 0, 1e9, "scheduling a halted vCPU back in",
                "guest idle-poll patch, LKML 2017: contextswitch 2,493 ns with halting vCPUs (D: x "
                "2.1 GHz) (sources.md#guest-ctxsw)"),
    PDEF_BOOL("hv.posted_interrupts", "false",
              "deliver interrupts to running vCPUs without an exit",
              "ELI ASPLOS'12: the host-mediated baseline (60-65% of bare metal) "
              "(sources.md#eli)"),
    PDEF_BOOL("hv.exitless_eoi", "false", "the guest's EOI does not exit (APICv / ELI)",
              "ELI ASPLOS'12: the baseline exits on EOI (sources.md#eli)"),
    PDEF_TIME("hv.notify_coalesce", "0s", 0, 1e-2,
              "host-side notification coalescing: a device interrupt for a vCPU within this long "
              "of the host's last notification to it rides on that notification (no injection "
              "exit or wake-up of its own; its EOI remains); 0: every interrupt notifies",
              "choice: off; in VT-d posted interrupts the descriptor's outstanding-notification "
              "bit folds interrupts posted before the vCPU takes the pending ones into one "
              "notification (Intel VT-d specification)"),
    PDEF_TIME("hv.msix_route_rebuild", "4.9ms", 0, 1,
              "assigned device: the VMM's work on a trapped MSI-X mask or unmask beyond the exit "
              "to user space (vfio-pci tearing down and setting up the vector's KVM route and "
              "irqfd; 0 since QEMU commit f4d45d47)",
              "Williamson, QEMU f4d45d47: igbvf in a RHEL5 guest 50 transactions/s before, "
              "3,000 after (D: (1/50 - 1/3000) s / 4 writes) (sources.md#msix-mask)"),
    PDEF_CYCLES("hv.isr", "600", 0, 1e9, "guest interrupt handler entry and exit",
                "placeholder: no published x86 cycle count of a guest interrupt "
                "handler's entry and exit (ISCA'16/ATC'17 measure only the exits around "
                "it)"),
};

static const size_t hv_n_params = G_N_ELEMENTS(hv_params);

const struct param_table hv_param_table = { .params = hv_params, .n = &hv_n_params };
