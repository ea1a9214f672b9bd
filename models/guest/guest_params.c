/* Parameters of the guest kernel: its network stack and NAPI, and its block
 * layer and disk-completion handling. */
#include <glib.h>

#include "../param_sources.h"
#include "../param_tables.h"
#include "guest.h"
#include "param_table.h"

static const struct param_def guest_params[] = {
    PDEF_CYCLES("guest.stack_tx_packet", "1500", 0, 1e9, "guest TCP/IP transmit cost per packet",
                PLACEHOLDER),
    PDEF_TIME("guest.stack_tx_byte", "0.1ns", 0, 1e-6, "guest transmit cost per payload byte",
              PLACEHOLDER ": memcpy at about 10 GB/s"),
    PDEF_CYCLES("guest.stack_rx_packet", "1500", 0, 1e9, "guest TCP/IP receive cost per packet",
                PLACEHOLDER),
    PDEF_TIME("guest.stack_rx_byte", "0.1ns", 0, 1e-6, "guest receive cost per payload byte",
              PLACEHOLDER ": memcpy at about 10 GB/s"),
    PDEF_CYCLES("guest.driver_tx", "300", 0, 1e9,
                "driver transmit work per packet (descriptor, doorbell)", PLACEHOLDER),
    PDEF_CYCLES("guest.driver_rx", "300", 0, 1e9,
                "driver receive work per packet (descriptor, refill)", PLACEHOLDER),
    PDEF_CYCLES("guest.tx_clean", "100", 0, 1e9, "reclaiming one transmitted buffer", PLACEHOLDER),
    PDEF_CYCLES("guest.napi_poll", "200", 0, 1e9, "overhead of one NAPI poll round", PLACEHOLDER),
    PDEF_INT("guest.napi_budget", "64", 1, 65536, "packets per NAPI poll round",
             "choice: Linux NAPI_POLL_WEIGHT 64"),
    PDEF_INT("guest.txqueuelen", "1000", 1, 1 << 24,
             "sends queued in front of a sender's stack before it drops (open loop)",
             "choice: Linux default txqueuelen 1000"),
    PDEF_SIZE("guest.gso_size", "0B", 0, 65536, "TSO/GSO segment the stack hands down (0: one MSS)",
              "choice: off, so that packets are wire frames"),
    PDEF_CYCLES("guest.blk_submit", "2000", 0, 1e9,
                "guest block layer and driver submission per disk request", PLACEHOLDER),
    PDEF_CYCLES("guest.blk_complete", "1000", 0, 1e9, "guest block layer completion per request",
                PLACEHOLDER),
    PDEF_CYCLES("guest.blk_irq_handler", "2000", 0, 1e9,
                "disk completion interrupt: entry, driver handler and exit (no virtualization)",
                PLACEHOLDER),
    PDEF_CYCLES(
        "guest.wakeup", "4920", 0, 1e9,
        "waking the thread that sleeps on an interrupt-completed request (schedule, switch)",
        YANG_FAST12 " (D: 3.2 us at 2.1 GHz = 6,720 cycles = blk_irq_handler + wakeup - "
                    "poll_check)"),
    PDEF_CYCLES("guest.poll_check", "200", 0, 1e9,
                "mean delay from a completion entry's arrival to the polling loop seeing it",
                PLACEHOLDER ": half of one short poll iteration"),
};

static const size_t guest_n_params = G_N_ELEMENTS(guest_params);

const struct param_table guest_param_table = { .params = guest_params, .n = &guest_n_params };
