/* Parameters of the guest kernel: its network stack and NAPI, and its block
 * layer and disk-completion handling. */
#include <glib.h>

#include "../param_sources.h"
#include "../param_tables.h"
#include "guest.h"
#include "param_table.h"

static const struct param_def guest_params[] = {
    PDEF_CYCLES("guest.stack_tx_packet", "2060", 0, 1e9, "guest TCP/IP transmit cost per packet",
                "netmap ATC'12 §5.2 Fig. 5: sendto 1.05 Mpps minus pktgen 4 Mpps on "
                "i7-870 2.93 GHz (D: 2,790 - 733 cycles) (sources.md#netmap)"),
    PDEF_TIME("guest.stack_tx_byte", "0.17ns", 0, 1e-6, "guest transmit cost per payload byte",
              "Benson/McCalpin, Intel forum 2014: single-thread copy 5,896 MB/s on "
              "E5-2670 (D: 1/5.9 GB/s) (sources.md#memcpy)"),
    PDEF_CYCLES("guest.stack_rx_packet", "2060", 0, 1e9, "guest TCP/IP receive cost per packet",
                "netmap ATC'12 §5.2 Fig. 5: as the send path (D; receive assumed "
                "symmetric) (sources.md#netmap)"),
    PDEF_TIME("guest.stack_rx_byte", "0.17ns", 0, 1e-6, "guest receive cost per payload byte",
              "Benson/McCalpin, Intel forum 2014: single-thread copy 5,896 MB/s on "
              "E5-2670 (D: 1/5.9 GB/s) (sources.md#memcpy)"),
    PDEF_CYCLES("guest.driver_tx", "733", 0, 1e9,
                "driver transmit work per packet (descriptor, doorbell)",
                "netmap ATC'12 §5.2 Fig. 5: Linux pktgen ~4 Mpps on i7-870 2.93 GHz "
                "(D: 250 ns = 733 cycles) (sources.md#netmap)"),
    PDEF_CYCLES("guest.driver_rx", "733", 0, 1e9,
                "driver receive work per packet (descriptor, refill)",
                "netmap ATC'12 §5.2 Fig. 5: pktgen 4 Mpps (D; receive assumed "
                "symmetric) (sources.md#netmap)"),
    PDEF_CYCLES("guest.tx_clean", "170", 0, 1e9, "reclaiming one transmitted buffer",
                "Brouer, Linux commit eedade12f4cb: an skb head freed to SLUB costs 109 cycles "
                "alone, 64 in a bulk (D: 64 for the head, NAPI frees in bulk, + 109 for its "
                "data) (sources.md#skb-free)"),
    PDEF_CYCLES("guest.napi_poll", "200", 0, 1e9, "overhead of one NAPI poll round",
                "placeholder: the fixed cost of one NAPI round is not reported "
                "separately from per-packet work"),
    PDEF_INT("guest.napi_budget", "64", 1, 65536,
             "packets per NAPI poll round of a driver with the default weight (an emulated "
             "rtl8139's 8139cp registers 16, emulation_nic.c)",
             "choice: Linux NAPI_POLL_WEIGHT 64"),
    PDEF_ENUM("guest.msix_mask", "none", "none|per-interrupt",
              "the driver masks its MSI-X vector in each interrupt and unmasks it when done, as "
              "old guests do (a trapped table write each under device assignment)",
              "choice: current Linux leaves the vector unmasked (sources.md#msix-mask)"),
    PDEF_ENUM("guest.net_driver", "interrupt", "interrupt|poll",
              "network driver: interrupt (NAPI, interrupts re-armed when idle) or poll (DPDK-style "
              "poll-mode driver: each queue's vCPU spins on its rings, never takes an interrupt, "
              "and its idle time is guest CPU)",
              "choice: the kernel driver, as in the published measurements"),
    PDEF_INT("guest.txqueuelen", "1000", 1, 1 << 24,
             "sends queued in front of a sender's stack before it drops (open loop)",
             "choice: Linux default txqueuelen 1000"),
    PDEF_SIZE("guest.gso_size", "0B", 0, 65536, "TSO/GSO segment the stack hands down (0: one MSS)",
              "choice: off, so that packets are wire frames"),
    PDEF_SIZE("guest.page_frag", "32KiB", 4096, 1 << 20,
              "page fragment a TCP sender copies payload into: a stream's segment is its header "
              "buffer plus one fragment per page-frag piece its payload spans, each DMA-mapped on "
              "its own under nic.dma_mapping = per-buffer",
              "Linux include/net/sock.h SKB_FRAG_PAGE_ORDER get_order(32768), commit 5640f7685831 "
              "(3.7); one 4 KiB page before (sources.md#tx-dma-buffers)"),
    PDEF_CYCLES("guest.blk_submit", "875", 0, 1e9,
                "guest block layer and driver submission per disk request",
                "Axboe, \"Efficient IO with io_uring\" §9.1: 1.2M IOPS with interrupts (D: 833 ns "
                "x 2.1 GHz / 2) (sources.md#io-uring)"),
    PDEF_CYCLES("guest.blk_complete", "875", 0, 1e9, "guest block layer completion per request",
                "Axboe, \"Efficient IO with io_uring\" §9.1: 1.2M IOPS with interrupts (D: 833 ns "
                "x 2.1 GHz / 2) (sources.md#io-uring)"),
    PDEF_CYCLES("guest.blk_irq_handler", "2586", 0, 1e9,
                "disk completion interrupt: entry, driver handler and exit (no virtualization)",
                "Yang FAST'12 §3.3: 7.6 vs 4.4 us (D: 6,720 - guest.wakeup 4,300 + "
                "guest.poll_check 166) (sources.md#yang-poll)"),
    PDEF_CYCLES(
        "guest.wakeup", "4300", 0, 1e9,
        "waking the thread that sleeps on an interrupt-completed request (schedule, switch)",
        "guest idle-poll patch, LKML 2017: contextswitch 2,050 ns (D: x 2.1 GHz; CPU not stated) "
        "(sources.md#guest-ctxsw)"),
    PDEF_CYCLES("guest.poll_check", "166", 0, 1e9,
                "mean delay from a completion entry's arrival to the polling loop seeing it",
                "McCalpin, Intel forum 2014: 79 ns memory latency (D: one cache-line fetch, x 2.1 "
                "GHz) (sources.md#mem-latency)"),
};

static const size_t guest_n_params = G_N_ELEMENTS(guest_params);

const struct param_table guest_param_table = { .params = guest_params, .n = &guest_n_params };
