/* The hypervisor: what each kind of VM exit costs, how interrupts reach a
 * vCPU (injected through the host, or posted with no exit), whether the EOI
 * exits, and the cost of the host threads that back virtual devices. */
#ifndef IOVSIM_HV_HV_H
#define IOVSIM_HV_HV_H

#include <stdbool.h>
#include <stdint.h>

#include "halt_poll.h"
#include "scenario.h"
#include "simtime.h"

#define HV_EXIT_LIST(X) \
    X(mmio_kernel) X(mmio_user) X(hypercall) X(interrupt_window) X(eoi) X(external_interrupt) X(hlt)

enum hv_exit_reason {

#define HV_EXIT_ENUM(n) HV_EXIT_##n,
    HV_EXIT_LIST(HV_EXIT_ENUM)
#undef HV_EXIT_ENUM
        HV_N_EXITS
};

extern const char *const hv_exit_names[HV_N_EXITS];

/**
 * struct hv - hypervisor costs, already converted to time at the host clock
 * @exit_cost:       exit + handling + entry, by reason
 * @posted:          posted interrupts: delivered without an exit
 * @exitless_eoi:    the guest's EOI does not exit (APICv virtual EOI / ELI)
 * @isr:             guest interrupt handler entry and exit, native cost
 * @halt:            idle vCPUs halt (else they poll, never exiting)
 * @halt_poll:       KVM's halt polling: how long it polls after a HLT before
 *                   it schedules the vCPU out (the host burns the core
 *                   meanwhile) adapts per vCPU up to @halt_poll.max
 * @wakeup:          scheduling a halted vCPU back in
 * @notify_coalesce: interrupts for a vCPU within this long of the host's
 *                   last notification to it ride on that notification
 */
struct hv {
    sim_time exit_cost[HV_N_EXITS];
    sim_time isr;
    bool halt;
    struct halt_poll_params halt_poll;
    sim_time wakeup;
    bool posted;
    bool exitless_eoi;
    sim_time notify_coalesce;
};

/* An interrupt injected into a running vCPU: the injection exit unless
 * posted, the EOI exit unless exitless. Returns their cost on the vCPU and
 * adds them to @exits (by reason) and *@n (may be NULL). */
sim_time hv_irq_inject(const struct hv *hv, uint64_t exits[HV_N_EXITS], unsigned *n);
/* The guest's EOI alone (an interrupt folded into another's notification):
 * its exit unless exitless. */
sim_time hv_irq_eoi(const struct hv *hv, uint64_t exits[HV_N_EXITS]);

#endif
