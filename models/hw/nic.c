/* NIC port and queues. Framing per frame: preamble 8 B + IFG 12 B + FCS 4 B +
 * MAC header 14 B (IEEE 802.3); line rate, VF limit (64 per port, X520) and
 * the 64-byte mailbox from docs/sources.md#dong-sriov and #ixgbe-sriov; the drivers' moderation in
 * itr.c.
 * Left out: RSS hashing, flow director, pause frames, VLAN and MAC filter
 * tables (packets name their destination), the NIC's internal buffers. */
#include "nic.h"

#include <string.h>

#include <glib.h>

struct port_msg {
    uint32_t pkt;
};

void nic_init(struct nic *n, struct sim *sim, double line_rate_bps, unsigned eth_overhead,
              unsigned n_queues, unsigned max_vfs, uint32_t tx_ring, uint32_t rx_ring,
              nic_tx_done_fn tx_done, void *ctx)
{
    g_assert(line_rate_bps > 0 && n_queues >= 1 && tx_ring >= 1);
    memset(n, 0, sizeof(*n));
    n->sim = sim;
    n->line_rate_bps = line_rate_bps;
    if ((uint64_t)line_rate_bps > 0 && 1000000000000ull % (uint64_t)line_rate_bps == 0)
        n->ps_per_bit = 1000000000000ull / (uint64_t)line_rate_bps;
    n->eth_overhead = eth_overhead;
    n->max_vfs = max_vfs;
    n->n_queues = n_queues;
    n->rx_cap = rx_ring;
    n->rx_rings = 1;
    n->tx_done = tx_done;
    n->ctx = ctx;
    n->txq = g_new0(struct nic_txq, n_queues);
    n->rx_used = g_new0(uint32_t, n_queues);
    n->ready = g_new0(uint64_t, (n_queues + 63) / 64);
    n->ready_sum = g_new0(uint64_t, (n_queues + 64 * 64 - 1) / (64 * 64));
    for (unsigned q = 0; q < n_queues; q++) {
        n->txq[q].cap = tx_ring;
        n->txq[q].pkt = g_new(uint32_t, tx_ring);
        n->txq[q].ser = g_new(sim_time, tx_ring);
    }
    fifo_server_init(&n->veb, sim, "nic.veb", 1);
}

void nic_release(struct nic *n)
{
    for (unsigned q = 0; q < n->n_queues; q++) {
        g_free(n->txq[q].pkt);
        g_free(n->txq[q].ser);
    }
    g_free(n->txq);
    g_free(n->rx_used);
    g_free(n->ready);
    g_free(n->ready_sum);
    fifo_server_release(&n->veb);
    n->txq = NULL;
    n->rx_used = NULL;
    n->ready = n->ready_sum = NULL;
}

void nic_reset_stats(struct nic *n)
{
    /* mailbox_msgs counts set-up traffic: kept over the warm-up cut. */
    n->frames_tx = 0;
    fifo_server_reset_stats(&n->veb);
}

/* A frame carries at least 46 B above the MAC header (the 64-byte minimum
 * frame of IEEE 802.3 clause 3.2.8, padded), which caps 10 Gb/s at
 * 14.88 Mpps. Segments of one burst are equal but the last, so padding the
 * total to frames x 46 is exact for one frame and for full segments. */
#define NIC_MIN_L3_BYTES 46

sim_time nic_wire_time(const struct nic *n, uint64_t payload, uint32_t frames, unsigned hdr)
{
    uint64_t l3 = payload + (uint64_t)frames * hdr;
    uint64_t bits;

    if (l3 < (uint64_t)frames * NIC_MIN_L3_BYTES)
        l3 = (uint64_t)frames * NIC_MIN_L3_BYTES;
    bits = (l3 + (uint64_t)frames * n->eth_overhead) * 8;
    uint64_t rate = (uint64_t)n->line_rate_bps;

    /* Integer arithmetic so that 1538 B at 10 Gb/s is exactly 1,230,400 ps.
     * At the usual rates a bit takes a whole number of picoseconds, and the
     * product is the same quotient without a division per frame. */
    g_assert(bits < UINT64_MAX / 1000000000000ull);
    if (n->ps_per_bit)
        return (sim_time)(bits * n->ps_per_bit);
    return (sim_time)((bits * 1000000000000ull + rate - 1) / rate);
}

static void port_on_done(struct sim *sim, void *ctx, const void *payload);

static void ready_set(struct nic *n, unsigned q)
{
    unsigned w = q / 64;

    if (!n->ready[w])
        n->ready_sum[w / 64] |= 1ull << (w % 64);
    n->ready[w] |= 1ull << (q % 64);
}

static void ready_clear(struct nic *n, unsigned q)
{
    unsigned w = q / 64;

    n->ready[w] &= ~(1ull << (q % 64));
    if (!n->ready[w])
        n->ready_sum[w / 64] &= ~(1ull << (w % 64));
}

/* The first word at or after @w with a ready queue; nw if none. */
static unsigned ready_word_from(const struct nic *n, unsigned w)
{
    unsigned nw = (n->n_queues + 63) / 64, ns = (nw + 63) / 64;

    for (unsigned s = w / 64; s < ns && w < nw; s++) {
        uint64_t m = n->ready_sum[s] & (~0ull << (s == w / 64 ? w % 64 : 0));

        if (m)
            return s * 64 + (unsigned)__builtin_ctzll(m);
    }
    return nw;
}

/* Round robin: the first ready queue at or after the pointer, wrapping;
 * n_queues if none. */
static unsigned ready_next(const struct nic *n)
{
    unsigned nw = (n->n_queues + 63) / 64, w = n->rr / 64;
    uint64_t m = n->ready[w] & (~0ull << (n->rr % 64));

    if (!m) {
        w = ready_word_from(n, w + 1);
        if (w == nw)
            w = ready_word_from(n, 0);
        if (w == nw)
            return n->n_queues;
        m = n->ready[w];
    }
    return w * 64 + (unsigned)__builtin_ctzll(m);
}

static void port_start(struct nic *n)
{
    unsigned q = ready_next(n);
    struct nic_txq *t;
    struct port_msg msg;
    sim_time ser;

    if (q == n->n_queues)
        return;
    t = &n->txq[q];
    msg.pkt = t->pkt[t->head];
    ser = t->ser[t->head];
    t->head = t->head + 1 == t->cap ? 0 : t->head + 1;
    if (!--t->len)
        ready_clear(n, q);
    n->rr = q + 1 == n->n_queues ? 0 : q + 1;
    n->busy = true;
    if (n->tx_started)
        n->tx_started(n->ctx, msg.pkt);
    sim_schedule(n->sim, ser, port_on_done, n, &msg, sizeof(msg));
}

static void port_on_done(struct sim *sim, void *ctx, const void *payload)
{
    struct nic *n = ctx;
    struct port_msg msg;

    (void)sim;
    memcpy(&msg, payload, sizeof(msg));
    n->busy = false;
    n->frames_tx++;
    port_start(n);
    n->tx_done(n->ctx, msg.pkt);
}

bool nic_tx_enqueue(struct nic *n, unsigned q, uint32_t pkt, sim_time ser)
{
    struct nic_txq *t;
    uint32_t tail;

    g_assert(q < n->n_queues);
    t = &n->txq[q];
    if (t->len == t->cap)
        return false;
    /* The ring's slot after its last frame: head + len < 2 cap, so one
     * subtraction wraps it (a ring's size need not be a power of two, and
     * a modulo is a division per frame). */
    tail = t->head + t->len;
    if (tail >= t->cap)
        tail -= t->cap;
    t->pkt[tail] = pkt;
    t->ser[tail] = ser;
    if (!t->len++)
        ready_set(n, q);
    if (!n->busy)
        port_start(n);
    return true;
}

/* A segment of more frames than the ring holds would never fit whole;
 * on the wire its frames arrive one by one while the driver takes them, so
 * it takes the ring at most. */
static uint32_t rx_slots(const struct nic *n, uint32_t frames)
{
    return MIN(frames, n->rx_cap);
}

void nic_set_rx_rings(struct nic *n, unsigned rings)
{
    g_assert(rings >= 1);
    for (unsigned i = 0; i < n->n_queues * n->rx_rings; i++)
        g_assert(n->rx_used[i] == 0);
    g_free(n->rx_used);
    n->rx_rings = rings;
    n->rx_used = g_new0(uint32_t, (size_t)n->n_queues * rings);
}

static uint32_t *rx_ring_used(struct nic *n, unsigned q, unsigned ring)
{
    g_assert(q < n->n_queues && ring < n->rx_rings);
    return &n->rx_used[q * n->rx_rings + ring];
}

bool nic_rx_reserve(struct nic *n, unsigned q, unsigned ring, uint32_t frames)
{
    uint32_t k = rx_slots(n, frames), *used = rx_ring_used(n, q, ring);

    if (*used + k > n->rx_cap)
        return false;
    *used += k;
    return true;
}

void nic_rx_release(struct nic *n, unsigned q, unsigned ring, uint32_t frames)
{
    uint32_t k = rx_slots(n, frames), *used = rx_ring_used(n, q, ring);

    g_assert(*used >= k);
    *used -= k;
}

sim_time nic_itr_next(const struct nic_itr *itr, sim_time last)
{
    sim_time gap = itr->mode == NIC_ITR_OFF ? 0 : itr->interval;

    /* QEMU's set_interrupt_cause(): the least non-zero delay of those that
     * apply, then at least the device's floor. */
    if (itr->tx_cause && itr->tx_delay > 0 && (gap == 0 || itr->tx_delay < gap))
        gap = itr->tx_delay;
    return last + MAX(gap, itr->floor);
}
