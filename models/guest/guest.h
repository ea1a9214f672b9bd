/* The guest kernel's costs, as one component table (guest.*): its network
 * stack per packet and per byte, its drivers' work per packet. The data
 * paths that charge them live with their device class (net/guest_stack.c
 * for the network stack and NAPI, blk/ for the block driver). */
#ifndef IOVSIM_GUEST_GUEST_H
#define IOVSIM_GUEST_GUEST_H

#include <stdbool.h>
#include <stdint.h>

#include "simtime.h"

/**
 * struct guest_costs - the guest kernel's costs, as time at the host clock
 * @stack_*_byte: picoseconds per byte (fractional)
 * @driver_tx / @driver_rx: driver work per packet (descriptors, doorbell)
 * @tx_clean:     reclaiming one transmitted buffer
 * @napi_poll:    overhead of one poll round
 * @gso_size:     largest segment the stack hands down (0: one MSS)
 * @page_frag:    bytes of the page fragment a TCP sender fills
 * @poll_mode:    the network driver polls its queues and never takes an
 *                interrupt (guest.net_driver = poll, as DPDK's PMDs)
 * @poll_check:   from work landing in a ring to the polling loop seeing it
 */
struct guest_costs {
    sim_time stack_tx_pkt, stack_rx_pkt;
    double stack_tx_byte, stack_rx_byte;
    sim_time driver_tx, driver_rx, tx_clean, napi_poll;
    unsigned budget;
    unsigned gso_size;
    unsigned page_frag;
    bool poll_mode;
    sim_time poll_check;
};

#endif
