/* Adaptive interrupt moderation as the Linux drivers compute it at the end of
 * each NAPI poll, from the packets and bytes each ring cleaned since the last
 * update: e1000 (e1000_update_itr / e1000_set_itr, dynamic conservative mode
 * 3, the default), ixgbe (ixgbe_update_itr / ixgbe_set_itr, the adaptive
 * scheme of Linux 4.17 on, read at torvalds/linux 00765f8e) and ixgbevf
 * (ixgbevf_update_itr / ixgbevf_set_itr). The hardware then holds each
 * interrupt until the interval since the last one has passed. Left out:
 * ixgbe's link speeds other than 10 Gb/s, e1000's jumbo-frame class. mlx5e
 * (en_txrx.c, en_dim.c, en_main.c) runs DIM (hw/dim.c) on each receive and
 * transmit CQ, and the device moderates each CQ by a period and a packet
 * count (struct nic_cq). */
#include <glib.h>

#include "nic.h"

/* ixgbe: ITR values in microseconds, bit 7 marks latency mode. */
#define IXGBE_ITR_LATENCY   0x80u
#define IXGBE_ITR_MIN_USECS 10u
#define IXGBE_ITR_MAX_USECS 126u
#define IXGBE_ITR_MIN_INC   2u
/* "within 1 - 2 jiffies": one jiffy at HZ = 250, the common distribution
 * setting; sparser updates restart in latency mode. */
#define IXGBE_JIFFY (4 * SIM_MS)

/* e1000 and ixgbevf classes. */
enum { LOWEST_LATENCY, LOW_LATENCY, BULK_LATENCY };

/* ixgbevf writes EITR in 0.25 us units: 100K, 20K and 12K interrupts/s. */
static const unsigned ixgbevf_reg[] = { 40, 200, 336 };
/* e1000 works in interrupts per second. */
static const unsigned e1000_rate[] = { 70000, 20000, 4000 };

/* Each NIC family's drivers, by the function the guest drives. */
static const enum nic_itr_driver family_drivers[][3] = {
    [NIC_FAMILY_IXGBE] = { [NIC_ITR_FN_EMULATED] = NIC_ITR_E1000,
                           [NIC_ITR_FN_PF] = NIC_ITR_IXGBE,
                           [NIC_ITR_FN_VF] = NIC_ITR_IXGBEVF },
    [NIC_FAMILY_MLX5] = { [NIC_ITR_FN_EMULATED] = NIC_ITR_E1000,
                          [NIC_ITR_FN_PF] = NIC_ITR_MLX5E,
                          [NIC_ITR_FN_VF] = NIC_ITR_MLX5E },
};

enum nic_itr_driver nic_itr_driver_of(enum nic_family family, enum nic_itr_fn fn)
{
    return family_drivers[family][fn];
}

static void mlx5_set_profile(struct nic_cq *cq, bool tx, unsigned ix)
{
    const struct net_dim_profile *p = net_dim_profile(tx, cq->cqe_mode, ix);

    cq->period = p->usec * SIM_US;
    cq->max_pkts = p->pkts;
}

/* mlx5e_build_nic_params: static moderation is one period and packet
 * count; DIM starts each CQ at the default profile of its period mode. */
static void mlx5_init(struct nic_itr *itr, const struct nic_cq_cfg *cfg)
{
    struct nic_cq *cqs[2] = { &itr->rx.cq, &itr->tx.cq };

    itr->per_cq = true;
    itr->apply_delay = cfg->apply_delay;
    for (unsigned tx = 0; tx < 2; tx++) {
        struct nic_cq *cq = cqs[tx];

        /* No event yet: the first completion may interrupt at once. */
        *cq = (struct nic_cq){ .cqe_mode = tx ? cfg->tx_cqe : cfg->rx_cqe,
                               .last_eqe = -SIM_S,
                               .apply_at = -1 };
        if (itr->mode == NIC_ITR_ADAPTIVE) {
            mlx5_set_profile(cq, tx, NET_DIM_DEF_PROFILE);
        } else {
            cq->period = itr->interval;
            cq->max_pkts = cfg->max_pkts;
        }
    }
}

void nic_itr_init(struct nic_itr *itr, enum nic_itr_mode mode, enum nic_itr_driver driver,
                  sim_time interval, const struct nic_cq_cfg *cq)
{
    *itr = (struct nic_itr){ .mode = mode, .driver = driver, .interval = interval, .fire_at = -1 };
    if (driver == NIC_ITR_MLX5E && mode != NIC_ITR_OFF)
        mlx5_init(itr, cq);
    if (mode != NIC_ITR_ADAPTIVE)
        return;
    switch (driver) {
    case NIC_ITR_MLX5E:
        break;
    case NIC_ITR_IXGBE:
        /* ixgbe_alloc_q_vector: rings start at the longest latency-mode
         * value, the vector at 20K interrupts/s (IXGBE_20K_ITR). */
        itr->rx.state = itr->tx.state = IXGBE_ITR_MAX_USECS | IXGBE_ITR_LATENCY;
        itr->reg = 50;
        itr->interval = 50 * SIM_US;
        break;
    case NIC_ITR_IXGBEVF:
        /* ixgbevf_configure_msix: IXGBE_20K_ITR. */
        itr->reg = ixgbevf_reg[LOW_LATENCY];
        itr->interval = itr->reg * SIM_US / 4;
        break;
    case NIC_ITR_E1000:
        /* e1000_configure_rx: 20000/s in mode 3. */
        itr->reg = e1000_rate[LOW_LATENCY];
        itr->interval = SIM_S / itr->reg;
        break;
    }
}

/* ixgbe_update_itr for one ring; @cur is the vector's current interval. */
static unsigned ixgbe_ring_itr(const struct nic_itr_ring *r, unsigned cur, bool stale)
{
    unsigned itr, avg;

    if (stale)
        return IXGBE_ITR_MIN_USECS | IXGBE_ITR_LATENCY;
    if (!r->packets) {
        itr = MIN(cur + IXGBE_ITR_MIN_INC, IXGBE_ITR_MAX_USECS);
        return itr + (r->state & IXGBE_ITR_LATENCY);
    }
    if (r->packets < 4 && r->bytes < 9000) {
        itr = IXGBE_ITR_LATENCY;
    } else if (r->packets < 48) {
        return MIN(cur + IXGBE_ITR_MIN_INC, IXGBE_ITR_MAX_USECS);
    } else if (r->packets < 96) {
        return cur;
    } else if (r->packets < 256) {
        return MAX(cur / 2, IXGBE_ITR_MIN_USECS);
    } else {
        itr = 0;
    }
    /* By the average wire size: 50K down to 8K interrupts/s, halved
     * delay in latency mode, rounded up to 2 us steps (10 Gb/s). */
    avg = (unsigned)(r->bytes / r->packets);
    if (avg <= 60)
        avg = 5120;
    else if (avg <= 316)
        avg = avg * 40 + 2720;
    else if (avg <= 1084)
        avg = avg * 15 + 11452;
    else if (avg < 1968)
        avg = avg * 5 + 22420;
    else
        avg = 32256;
    if (itr & IXGBE_ITR_LATENCY)
        avg >>= 1;
    return itr +
           (avg + IXGBE_ITR_MIN_INC * 256 - 1) / (IXGBE_ITR_MIN_INC * 256) * IXGBE_ITR_MIN_INC;
}

static void ixgbe_set_itr(struct nic_itr *itr, sim_time now)
{
    bool stale = now > itr->last_update + IXGBE_JIFFY;
    unsigned usecs;

    itr->tx.state = ixgbe_ring_itr(&itr->tx, itr->reg, stale);
    itr->rx.state = ixgbe_ring_itr(&itr->rx, itr->reg, stale);
    /* The smaller value wins, the latency flag included in the compare. */
    usecs = MIN(itr->rx.state, itr->tx.state) & ~IXGBE_ITR_LATENCY;
    itr->reg = usecs;
    itr->interval = usecs * SIM_US;
}

/* ixgbevf_update_itr: the class from bytes per microsecond of the current
 * interval (0-10 lowest, 10-20 low, above bulk), one step at a time. */
static unsigned ixgbevf_ring_class(const struct nic_itr_ring *r, unsigned reg)
{
    unsigned us = reg >> 2;
    uint64_t per_us;

    if (!r->packets || !us)
        return r->state;
    per_us = r->bytes / us;
    switch (r->state) {
    case LOWEST_LATENCY:
        return per_us > 10 ? LOW_LATENCY : LOWEST_LATENCY;
    case LOW_LATENCY:
        return per_us > 20 ? BULK_LATENCY : per_us <= 10 ? LOWEST_LATENCY : LOW_LATENCY;
    default:
        return per_us <= 20 ? LOW_LATENCY : BULK_LATENCY;
    }
}

static void ixgbevf_set_itr(struct nic_itr *itr)
{
    unsigned target;

    itr->tx.state = ixgbevf_ring_class(&itr->tx, itr->reg);
    itr->rx.state = ixgbevf_ring_class(&itr->rx, itr->reg);
    target = ixgbevf_reg[MAX(itr->rx.state, itr->tx.state)];
    /* Smoothed towards the target: 10 t r / (9 t + r). */
    if (target != itr->reg)
        itr->reg = 10 * target * itr->reg / (9 * target + itr->reg);
    itr->interval = itr->reg * SIM_US / 4;
}

/* e1000_update_itr: classes by packets and bytes of the interval. */
static unsigned e1000_ring_class(const struct nic_itr_ring *r)
{
    uint64_t per_pkt;

    if (!r->packets)
        return r->state;
    per_pkt = r->bytes / r->packets;
    switch (r->state) {
    case LOWEST_LATENCY:
        if (per_pkt > 8000)
            return BULK_LATENCY;
        return r->packets < 5 && r->bytes > 512 ? LOW_LATENCY : LOWEST_LATENCY;
    case LOW_LATENCY:
        if (r->bytes > 10000) {
            if (per_pkt > 8000 || r->packets < 10 || per_pkt > 1200)
                return BULK_LATENCY;
            return r->packets > 35 ? LOWEST_LATENCY : LOW_LATENCY;
        }
        if (per_pkt > 2000)
            return BULK_LATENCY;
        return r->packets <= 2 && r->bytes < 512 ? LOWEST_LATENCY : LOW_LATENCY;
    default:
        if (r->bytes > 25000)
            return r->packets > 35 ? LOW_LATENCY : BULK_LATENCY;
        return r->bytes < 6000 ? LOW_LATENCY : BULK_LATENCY;
    }
}

static void e1000_set_itr(struct nic_itr *itr)
{
    unsigned cls, target;

    itr->rx.state = e1000_ring_class(&itr->rx);
    itr->tx.state = e1000_ring_class(&itr->tx);
    cls = MAX(itr->rx.state, itr->tx.state);
    /* Conservative mode (3) never uses the lowest-latency class. */
    if (cls == LOWEST_LATENCY)
        cls = LOW_LATENCY;
    target = e1000_rate[cls];
    /* Rising rates climb in steps of a quarter of the target. */
    if (target > itr->reg)
        target = MIN(itr->reg + (target >> 2), target);
    itr->reg = target;
    itr->interval = SIM_S / target;
}

/* A profile DIM chose reaches the CQ once the driver's work item has run
 * (mlx5e_rx_dim_work / mlx5e_tx_dim_work: a MODIFY_CQ command). */
static void mlx5_apply_due(struct nic_itr *itr, sim_time now)
{
    for (unsigned tx = 0; tx < 2; tx++) {
        struct nic_cq *cq = tx ? &itr->tx.cq : &itr->rx.cq;
        sim_time t;

        if (cq->apply_at < 0 || now < cq->apply_at)
            continue;
        t = MAX(cq->apply_at, cq->changed_at);
        cq->area += (double)(t - cq->changed_at) * (double)cq->period;
        cq->changed_at = t;
        mlx5_set_profile(cq, tx, cq->dim.profile_ix);
        net_dim_applied(&cq->dim);
        cq->apply_at = -1;
    }
}

/* mlx5e_napi_poll after napi_complete_done(): mlx5e_handle_tx_dim and
 * mlx5e_handle_rx_dim hand each CQ's DIM its totals. */
static void mlx5_set_itr(struct nic_itr *itr, sim_time now)
{
    struct nic_itr_ring *rings[2] = { &itr->rx, &itr->tx };

    mlx5_apply_due(itr, now);
    for (unsigned k = 0; k < 2; k++) {
        struct nic_cq *cq = &rings[k]->cq;
        struct net_dim_sample s;

        cq->pkts += rings[k]->packets;
        cq->bytes += rings[k]->bytes;
        s = (struct net_dim_sample){ now, cq->pkts, cq->bytes, cq->events };
        if (net_dim(&cq->dim, &s))
            cq->apply_at = now + itr->apply_delay;
    }
}

static sim_time cq_mean(const struct nic_cq *cq, sim_time now)
{
    double area = cq->area + (double)(now - cq->changed_at) * (double)cq->period;

    return now > cq->area_from ? (sim_time)(area / (double)(now - cq->area_from)) : cq->period;
}

void nic_itr_cq_mean(const struct nic_itr *itr, sim_time now, sim_time *rx, sim_time *tx)
{
    *rx = cq_mean(&itr->rx.cq, now);
    *tx = cq_mean(&itr->tx.cq, now);
}

void nic_itr_reset_stats(struct nic_itr *itr, sim_time now)
{
    struct nic_cq *cqs[2] = { &itr->rx.cq, &itr->tx.cq };

    for (unsigned k = 0; k < 2; k++) {
        cqs[k]->area = 0;
        cqs[k]->area_from = cqs[k]->changed_at = now;
    }
}

/* When @cq would raise its event with @n completions waiting. */
static sim_time cq_due(const struct nic_cq *cq, sim_time now, uint32_t n)
{
    if (!n)
        return INT64_MAX;
    if (n >= cq->max_pkts)
        return now;
    return (cq->cqe_mode ? cq->last_cqe : cq->last_eqe) + cq->period;
}

sim_time nic_itr_cq_next(struct nic_itr *itr, sim_time now, uint32_t rx, uint32_t tx)
{
    sim_time at;

    /* Raised with nothing waiting, it would never fire: the vector stuck. */
    g_assert(rx || tx);
    mlx5_apply_due(itr, now);
    at = MIN(cq_due(&itr->rx.cq, now, rx), cq_due(&itr->tx.cq, now, tx));
    return MAX(at, now);
}

void nic_itr_cq_event(struct nic_itr *itr, sim_time now, uint32_t rx, uint32_t tx)
{
    struct nic_cq *cqs[2] = { &itr->rx.cq, &itr->tx.cq };
    uint32_t n[2] = { rx, tx };

    for (unsigned k = 0; k < 2; k++) {
        if (n[k] && cq_due(cqs[k], now, n[k]) <= now) {
            cqs[k]->events++;
            cqs[k]->last_eqe = now;
        }
    }
}

void nic_itr_update(struct nic_itr *itr, sim_time now)
{
    if (itr->mode == NIC_ITR_ADAPTIVE) {
        switch (itr->driver) {
        case NIC_ITR_MLX5E:
            mlx5_set_itr(itr, now);
            break;
        case NIC_ITR_IXGBE:
            ixgbe_set_itr(itr, now);
            break;
        case NIC_ITR_IXGBEVF:
            ixgbevf_set_itr(itr);
            break;
        case NIC_ITR_E1000:
            e1000_set_itr(itr);
            break;
        }
    }
    itr->last_update = now;
    itr->rx.packets = itr->tx.packets = 0;
    itr->rx.bytes = itr->tx.bytes = 0;
}
