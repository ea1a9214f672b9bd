/* The emulated NICs, one row each (emulation_nic.h). Each figure is what the
 * guest driver's code does or a constant of it (docs/sources.md#rtl8139,
 * #e1000-tdt, #e1000-mit); costs come from the strategy's parameters. */
#include "emulation_nic.h"

#include <glib.h>

static const struct emu_nic emu_nics[] = {
    /* Linux e1000 on QEMU's e1000: e1000_xmit_frame writes TDT once per
     * xmit_more batch; e1000_intr reads ICR, masks (IMC) and flushes the
     * write (a STATUS read); each e1000_clean_rx_irq round writes RDT
     * through e1000_alloc_rx_buffers every E1000_RX_BUFFER_WRITE (16)
     * frames and once for the rest; the poll's end unmasks
     * (e1000_irq_enable: IMS, then the STATUS read). QEMU's mitigation
     * timer. */
    {
        .name = "e1000",
        .tx_batch = true,
        .irq_exits = 3,
        .refill_batch = 16,
        .complete_exits = 2,
        .complete_idle_exits = 2,
        .mitigation = true,
        .tso = true,
    },
    /* QEMU's rtl8139 says it is an RTL8139C+ (PCI revision 0x20), which
     * Linux 8139too refuses ("use 8139cp"): 8139cp drives it in C+ mode.
     * cp_start_xmit maps the skb into a 64-descriptor ring (one slot kept
     * free) and writes TxPoll for every send; the queue stops when
     * MAX_SKB_FRAGS + 1 (19) or fewer are free. QEMU transmits every owned
     * descriptor on the TxPoll write and raises TxOK; cp_interrupt reads
     * and acknowledges IntrStatus, and with receive work masks it
     * (IntrMask write and read back) for cp_rx_poll, which reclaims
     * nothing by register: descriptors are in memory. cp_init_one
     * registers the poll with weight 16, so a round takes at most 16
     * frames; each round opens by acknowledging IntrStatus (a write) and,
     * unless it took 16, re-reads it for more (polling again if set);
     * the poll ends by unmasking (write, read back). QEMU ignores
     * IntrMitigate: no moderation. TSO is compiled out ("disabled by
     * default until verified"). */
    {
        .name = "rtl8139",
        .tx_slots = 63,
        .tx_stop_free = 19,
        .rx_ring = 64,
        .irq_exits = 2,
        .irq_rx_exits = 2,
        .napi_weight = 16,
        .round_exits = 1,
        .round_short_exits = 1,
        .complete_exits = 2,
    },
    /* The same device in normal (C) mode under 8139too, as on a guest
     * whose 8139too still accepts revision 0x20. rtl8139_start_xmit copies
     * each packet into one of NUM_TX_DESC (4) bounce buffers and writes
     * its TSD; QEMU transmits it in that write and raises TxOK; the queue
     * stops with all 4 taken. rtl8139_interrupt reads IntrStatus, writes
     * back the transmit bits, reads each taken TSD to reclaim it, and with
     * receive work masks receive interrupts (IntrMask write, read back).
     * Each rtl8139_poll round reads IntrStatus; rtl8139_rx copies each
     * frame out of the 32 KiB ring (RX_BUF_IDX 2) after reading ChipCmd,
     * writes CAPR, reads IntrStatus and acknowledges it when set; unless
     * the round took its weight (the default, 64), a last ChipCmd read
     * finds the ring empty. The poll ends by unmasking (write, read
     * back). */
    {
        .name = "rtl8139-8139too",
        .tx_slots = 4,
        .tx_copy = true,
        .rx_copy = true,
        .rx_ring_bytes = 32768,
        .irq_exits = 1,
        .irq_tx_exits = 1,
        .irq_rx_exits = 2,
        .reclaim_exits = 1,
        .rx_exits = 3,
        .rx_ack_exit = true,
        .round_exits = 1,
        .round_short_exits = 1,
        .complete_exits = 2,
    },
};

const struct emu_nic *emu_nic_lookup(const char *name)
{
    for (size_t i = 0; i < G_N_ELEMENTS(emu_nics); i++)
        if (g_strcmp0(emu_nics[i].name, name) == 0)
            return &emu_nics[i];
    return NULL;
}
