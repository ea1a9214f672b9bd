/* KVM's adaptive halt polling (Linux virt/kvm/kvm_main.c, kvm_vcpu_halt()):
 * each vCPU has its own polling window, which starts at 0, grows when a
 * halt ended after the window but within the maximum, and shrinks when a
 * halt outlasted the maximum. */
#ifndef IOVSIM_HV_HALT_POLL_H
#define IOVSIM_HV_HALT_POLL_H

#include "sim.h"

/**
 * struct halt_poll_params - the kvm module's halt-polling parameters
 * @max:        halt_poll_ns, the longest window
 * @grow:       halt_poll_ns_grow, a growing window is multiplied by it
 *              (0: windows never grow)
 * @grow_start: halt_poll_ns_grow_start, the first window; a shrinking one
 *              under it becomes 0
 * @shrink:     halt_poll_ns_shrink, a shrinking window is divided by it
 *              (0: it falls to 0)
 */
struct halt_poll_params {
    sim_time max;
    unsigned grow;
    sim_time grow_start;
    unsigned shrink;
};

/**
 * struct halt_poll - one vCPU's window
 * @p:       its parameters (borrowed)
 * @ns:      vcpu->halt_poll_ns, the window of its next halt
 * @settled: start of the last halt whose end was accounted (-1: none)
 * @window:  the window that halt polled for
 */
struct halt_poll {
    const struct halt_poll_params *p;
    sim_time ns, settled, window;
};

void halt_poll_init(struct halt_poll *hp, const struct halt_poll_params *p);

/* The vCPU halted at @start and is woken at @end: the window it polled for
 * then. The first call for a halt adapts the window of the next one; later
 * calls for the same halt return the same window. */
sim_time halt_poll_end(struct halt_poll *hp, sim_time start, sim_time end);

#endif
