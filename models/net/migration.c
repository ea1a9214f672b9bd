/* Pre-copy live migration (Clark et al., NSDI'05): round 0 sends the whole
 * memory, each later round what the VM dirtied during the previous one, at
 * migration.dirty_rate (plus, with migration.dirty_rx, the payload rate the
 * VM received before the start) and at most the writable working set;
 * rounds stop once what is left could be sent within
 * migration.downtime_limit (QEMU's switch-over test) or after
 * migration.max_rounds; then the VM pauses, the
 * rest is sent (stop-and-copy) and the switch-over costs
 * migration.switchover. The memory travels as segments of one bulk flow
 * from the source host's NIC (its PF queue) over the fabric to the
 * destination's port, paced at migration.bandwidth and bounded by
 * workload.window in flight, so it shares ports and links with the VMs'
 * traffic (host to host, outside the tenants' overlay). It also sequences
 * the move (net/migration_move.c): the pause at the stop-and-copy, the
 * VM's move after the switch-over, and for a VF or passthrough device the
 * failover to a standby virtio NIC around it. Post-copy (switch-over
 * first, the memory after it) is net/migration_postcopy.c. Left out: the
 * destination's receive path (DMA, its kernel), page-level dirtying in
 * pre-copy (a constant rate), compression, vDPA's migration through QEMU's
 * shadow virtqueue (a vDPA VM migrates with its device: its state is
 * copied at the switch-over, and the relay QEMU interposes during the
 * pre-copy to log the device's writes costs nothing here). */
#include "migration.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include <glib.h>

#include "migration_internal.h"
#include "migration_move.h"
#include "net.h"
#include "param_table.h"
#include "strategy.h"

static void on_timer(struct sim *sim, void *ctx, const void *payload)
{
    struct migration *m = ctx;

    (void)sim;
    (void)payload;
    m->timer = 0;
    migration_pump(m);
}

/* Wake up at @when unless already due to. */
static void wake_at(struct migration *m, sim_time when)
{
    if (!m->timer)
        m->timer = sim_schedule_at(m->w->sim, when, on_timer, m, NULL, 0);
}

static void round_begin(struct migration *m, uint64_t bytes)
{
    m->round_start = sim_now(m->w->sim);
    m->left = bytes;
    g_array_append_val(m->round_bytes, bytes);
    migration_pump(m);
}

/* Payload bytes delivered so far to and from the VM ([0]) and the others
 * ([1]), since the warm-up cut. */
void migration_snapshot(const struct migration *m, uint64_t *vm, uint64_t *others)
{
    *vm = m->vm->c.bytes;
    *others = 0;
    for (unsigned i = 0; i < m->w->n_vms; i++)
        if (&m->w->vms[i] != m->vm)
            *others += m->w->vms[i].c.bytes;
}

static void finish(struct migration *m)
{
    m->t_done = sim_now(m->w->sim);
    migration_snapshot(m, &m->vm_bytes[3], &m->others_bytes[3]);
    m->phase = MIG_DONE;
}

static void replugged(void *ctx)
{
    struct migration *m = ctx;

    vm_rehome(m->w, m->vm, m->dst, m->vm->local, m->own);
    vm_resume(m->w, m->vm);
    finish(m);
}

static void replug_due(struct sim *sim, void *ctx, const void *payload)
{
    struct migration *m = ctx;

    (void)sim;
    (void)payload;
    vm_quiesce(m->w, m->vm, replugged, m);
}

void migration_copied(struct migration *m)
{
    m->t_copied = sim_now(m->w->sim);
    migration_snapshot(m, &m->vm_bytes[4], &m->others_bytes[4]);
    if (!m->failover) {
        finish(m);
        return;
    }
    m->phase = MIG_REPLUG;
    sim_schedule(m->w->sim, m->replug, replug_due, m, NULL, 0);
}

/* Its device at the destination is ready (restored as the strategy does
 * it, net/migration_move.c): the VM runs on there, on the standby virtio
 * NIC until a new VF is plugged when failing over; after a post-copy's
 * switch-over its memory follows it there. */
void migration_device_ready(struct net_world *w, struct net_vm *vm)
{
    struct migration *m = w->migration;

    if (!m || m->vm != vm || !m->restoring)
        return;
    m->restoring = false;
    net_fabric_moved(m->w, m->vm);
    vm_resume(m->w, m->vm);
    m->t_resume = sim_now(m->w->sim);
    migration_snapshot(m, &m->vm_bytes[2], &m->others_bytes[2]);
    if (!m->postcopy) {
        migration_copied(m);
        return;
    }
    m->phase = MIG_POSTCOPY;
    m->next_send = m->t_resume;
    postcopy_begin(m);
    round_begin(m, m->memory);
}

/* The VM is quiet after the switch-over: its device is attached at the
 * destination, whose start-up (a backend's restart, vDPA's hardware
 * queues) the VM waits for. */
static void moved(void *ctx)
{
    struct migration *m = ctx;

    m->t_moved = sim_now(m->w->sim);
    m->restoring = true;
    vm_rehome(m->w, m->vm, m->dst, m->dst->n_vms, m->vm->ops);
}

static void switched_over(struct sim *sim, void *ctx, const void *payload)
{
    struct migration *m = ctx;

    (void)sim;
    (void)payload;
    vm_quiesce(m->w, m->vm, moved, m);
}

/* The VM pauses: QEMU stops its device (vm_stop() before the last
 * copy), then the stop-and-copy sends @bytes, or post-copy switches over. */
static void pause_vm(struct migration *m, uint64_t bytes)
{
    m->t_pause = sim_now(m->w->sim);
    m->vm->paused = true;
    m->stopping = true;
    m->stop_then = bytes;
    if (m->vm->ops->stop)
        m->vm->ops->stop(m->vm);
    else
        migration_device_stopped(m->w, m->vm);
}

void migration_device_stopped(struct net_world *w, struct net_vm *vm)
{
    struct migration *m = w->migration;

    if (!m || m->vm != vm || !m->stopping)
        return;
    m->stopping = false;
    m->t_stopped = sim_now(w->sim);
    if (m->phase == MIG_SWITCHOVER)
        sim_schedule(w->sim, m->switchover, switched_over, m, NULL, 0);
    else
        round_begin(m, m->stop_then);
}

/* What the VM dirtied during a round of @t, at most its working set. */
static uint64_t dirtied(const struct migration *m, sim_time t)
{
    double b = m->dirty_bps / 8.0 * sim_time_to_s(t);

    return b < (double)m->wws ? (uint64_t)llround(b) : m->wws;
}

/* The round is over and its share of the bandwidth limit has elapsed: the
 * next round, the stop-and-copy (the VM pauses), or the switch-over. */
static void round_end(struct migration *m)
{
    sim_time now = sim_now(m->w->sim);
    uint64_t next = dirtied(m, now - m->round_start);

    if (m->phase == MIG_POSTCOPY) {
        migration_copied(m);
        return;
    }
    m->round++;
    if (m->phase == MIG_STOPCOPY) {
        m->phase = MIG_SWITCHOVER;
        sim_schedule(m->w->sim, m->switchover, switched_over, m, NULL, 0);
        return;
    }
    if (next <= m->threshold || (m->max_rounds && m->round >= m->max_rounds)) {
        m->phase = MIG_STOPCOPY;
        pause_vm(m, next);
        return;
    }
    round_begin(m, next);
}

static void send_segment(struct migration *m, uint32_t bytes)
{
    struct net_world *w = m->w;
    struct net_pkt *p = net_pkt_new(w, m->vm->id, NET_HOST_EP(m->src->id), NET_HOST_EP(m->dst->id),
                                    NET_PKT_MIGRATE, bytes);
    sim_time ser = net_wire_time(w, p);

    m->left -= bytes;
    m->unacked += bytes;
    m->next_send += sim_time_from_s((double)bytes * 8.0 / m->bw_bps);
    /* The host's own traffic goes out of the PF's queue, round robin with
     * the VMs' queues at the port. */
    p->queue = 0;
    if (!nic_tx_enqueue(&m->src->nic, 0, p->idx, ser))
        g_error("migration: the PF's transmit ring overflowed");
    net_step(w->sim, p, NET_STAGE_nic_queue);
    net_step_part(p, NET_STAGE_wire, ser);
}

/* Send what the window and the bandwidth limit allow now; end the round
 * when all of it is through. */
void migration_pump(struct migration *m)
{
    sim_time now = sim_now(m->w->sim);
    const struct nic_txq *txq = &m->src->nic.txq[0];
    bool to_dst = m->phase == MIG_STOPCOPY || m->phase == MIG_POSTCOPY;

    if ((m->phase != MIG_PRECOPY && !to_dst) || m->stopping)
        return;
    if (m->next_send < now)
        m->next_send = now;
    while (m->left && m->unacked + m->seg <= m->window && txq->len < txq->cap) {
        if (m->next_send > now) {
            wake_at(m, m->next_send);
            return;
        }
        send_segment(m, m->phase == MIG_POSTCOPY ? postcopy_take(m, m->seg)
                                                 : (uint32_t)(m->left < m->seg ? m->left : m->seg));
    }
    /* A pre-copy round ends once its pages are sent (the next round's dirty
     * log is taken at the source); the stop-and-copy once all of them are
     * at the destination, which may then resume the VM; post-copy's push
     * once the source is no longer needed. */
    if (m->left || (to_dst && m->unacked))
        return;
    if (m->next_send > now)
        wake_at(m, m->next_send);
    else
        round_end(m);
}

static void precopy(struct sim *sim, void *ctx, const void *payload)
{
    struct migration *m = ctx;

    (void)payload;
    m->t_precopy = m->next_send = sim_now(sim);
    migration_snapshot(m, &m->vm_bytes[1], &m->others_bytes[1]);
    if (m->postcopy) {
        /* Switch over first: only the device state crosses now. */
        m->phase = MIG_SWITCHOVER;
        pause_vm(m, 0);
        return;
    }
    m->phase = MIG_PRECOPY;
    round_begin(m, m->memory);
}

/* Failover: the VF is unplugged; the bond carries on over virtio. */
static void unplugged(void *ctx)
{
    struct migration *m = ctx;

    vm_rehome(m->w, m->vm, m->src, m->vm->local, &virtio_strategy_ops);
    vm_resume(m->w, m->vm);
    sim_schedule(m->w->sim, m->unplug, precopy, m, NULL, 0);
}

static void started(struct sim *sim, void *ctx, const void *payload)
{
    struct migration *m = ctx;

    m->t_start = m->last_seen = sim_now(sim);
    migration_snapshot(m, &m->vm_bytes[0], &m->others_bytes[0]);
    if (m->dirty_rx)
        m->dirty_bps += (double)m->rx_before * 8.0 / sim_time_to_s(m->t_start - m->warmup);
    if (!m->failover) {
        precopy(sim, ctx, payload);
        return;
    }
    m->phase = MIG_UNPLUG;
    vm_quiesce(m->w, m->vm, unplugged, m);
}

void migration_vm_delivered(struct net_world *w, const struct net_pkt *p)
{
    struct migration *m = w->migration;
    sim_time now = sim_now(w->sim);

    if (p->src != (int)m->vm->id && p->dst != (int)m->vm->id)
        return;
    if (m->phase == MIG_WAITING) {
        /* What the VM's workload writes into its memory (migration.dirty_rx). */
        if (p->dst == (int)m->vm->id && !net_pkt_kind_is_control(p->kind) && now >= m->warmup)
            m->rx_before += p->bytes;
        return;
    }
    if (now - m->last_seen > m->gap)
        m->gap = now - m->last_seen;
    m->last_seen = now;
}

void migration_pkt_delivered(struct net_world *w, const struct net_pkt *p)
{
    struct migration *m = w->migration;

    g_assert(m && m->unacked >= p->bytes);
    m->unacked -= p->bytes;
    migration_pump(m);
}

void migration_pkt_dropped(struct net_world *w, const struct net_pkt *p)
{
    struct migration *m = w->migration;

    g_assert(m && m->unacked >= p->bytes);
    m->unacked -= p->bytes;
    m->left += p->bytes;
    m->resent += p->bytes;
    migration_pump(m);
}

/* The goodput of the VM and of the others over the interval just ended;
 * the counters restart at the warm-up cut, where the first interval
 * begins. */
static void on_sample(struct sim *sim, void *ctx, const void *payload)
{
    struct migration *m = ctx;
    uint64_t now[2];
    double s = sim_time_to_s(m->sample), vm, others;

    (void)payload;
    migration_snapshot(m, &now[0], &now[1]);
    vm = (double)(now[0] - m->traced[0]) * 8.0 / s;
    others = (double)(now[1] - m->traced[1]) * 8.0 / s;
    g_array_append_val(m->vm_trace, vm);
    g_array_append_val(m->others_trace, others);
    m->traced[0] = now[0];
    m->traced[1] = now[1];
    sim_schedule(sim, m->sample, on_sample, m, NULL, 0);
}

struct migration *migration_new(struct net_world *w)
{
    const struct scenario *sc = w->sc;
    int64_t id = scenario_int(sc, "migration.vm"), to = scenario_int(sc, "migration.to");
    struct migration *m;

    if (id < 0)
        return NULL;
    m = g_new0(struct migration, 1);
    m->w = w;
    m->vm = &w->vms[id];
    m->src = m->vm->nh;
    m->dst = &w->hosts[to < 0 ? (m->src->id + 1) % w->n_hosts : (unsigned)to];
    m->memory = (uint64_t)scenario_real(sc, "migration.memory");
    m->postcopy = strcmp(scenario_str(sc, "migration.mode"), "postcopy") == 0;
    m->bw_bps = scenario_real(sc, "migration.bandwidth");
    m->dirty_bps = scenario_real(sc, "migration.dirty_rate");
    m->dirty_rx = scenario_bool(sc, "migration.dirty_rx");
    m->warmup = scenario_time(sc, "scenario.warmup");
    m->wws = (uint64_t)scenario_real(sc, "migration.wws");
    m->threshold =
        (uint64_t)(m->bw_bps / 8.0 * sim_time_to_s(scenario_time(sc, "migration.downtime_limit")));
    m->max_rounds = (unsigned)scenario_int(sc, "migration.max_rounds");
    m->switchover = scenario_time(sc, "migration.switchover");
    m->own = m->vm->ops;
    m->failover = m->own->assigned && !m->own->keeps_state;
    m->unplug = scenario_time(sc, "migration.unplug");
    m->replug = scenario_time(sc, "migration.replug");
    m->window = (uint64_t)scenario_real(sc, "workload.window");
    m->seg = w->g.gso_size > w->cfg.mss ? w->g.gso_size : w->cfg.mss;
    if (m->seg > m->window)
        m->seg = (uint32_t)m->window;
    m->round_bytes = g_array_new(FALSE, FALSE, sizeof(uint64_t));
    if (m->postcopy)
        postcopy_init(m);
    m->sample = scenario_time(sc, "migration.sample");
    m->vm_trace = g_array_new(FALSE, FALSE, sizeof(double));
    m->others_trace = g_array_new(FALSE, FALSE, sizeof(double));
    if (m->sample > 0)
        sim_schedule(w->sim, scenario_time(sc, "scenario.warmup") + m->sample, on_sample, m, NULL,
                     0);
    sim_schedule(w->sim, scenario_time(sc, "migration.start"), started, m, NULL, 0);
    return m;
}

void migration_free(struct migration *m)
{
    if (!m)
        return;
    g_array_unref(m->round_bytes);
    g_array_unref(m->vm_trace);
    g_array_unref(m->others_trace);
    postcopy_release(m);
    g_free(m);
}

double migration_rate(uint64_t bytes, sim_time t)
{
    return t > 0 ? (double)bytes * 8.0 / sim_time_to_s(t) : NAN;
}

static void report_move(const struct migration *m, struct report *out)
{
    const struct net_world *w = m->w;
    bool done = m->phase == MIG_DONE;
    sim_time now = sim_now(w->sim);
    sim_time fo = (m->t_precopy - m->t_start) + (m->t_done - m->t_resume);
    uint64_t lost = 0;

    for (unsigned i = 0; i < w->n_vms; i++)
        lost += w->vms[i].c.drops[NET_DROP_vm_paused];
    report_metric(out, "all", "migration_lost", (double)lost, "1");
    /* The gap still open at the end of the run counts too. */
    report_metric(out, "all", "migration_gap",
                  m->phase == MIG_WAITING
                      ? NAN
                      : sim_time_to_s(m->gap > now - m->last_seen ? m->gap : now - m->last_seen),
                  "s");
    report_metric(out, "all", "migration_failover_time",
                  done ? (m->failover ? sim_time_to_s(fo) : 0) : NAN, "s");
    report_metric(
        out, "all", "migration_failover_throughput",
        done && m->failover
            ? migration_rate(m->vm_bytes[1] - m->vm_bytes[0] + m->vm_bytes[3] - m->vm_bytes[2], fo)
            : NAN,
        "bit/s");
    report_metric(out, "all", "migration_vm_throughput",
                  done ? migration_rate(m->vm_bytes[3] - m->vm_bytes[0], m->t_done - m->t_start)
                       : NAN,
                  "bit/s");
    report_metric(out, "all", "migration_vm_throughput_after",
                  done ? migration_rate(m->vm->c.bytes - m->vm_bytes[3], now - m->t_done) : NAN,
                  "bit/s");
    report_metric(
        out, "all", "migration_vm_throughput_before",
        m->phase == MIG_WAITING ? NAN : migration_rate(m->vm_bytes[0], m->t_start - w->stat_start),
        "bit/s");
    report_metric(out, "all", "migration_others_throughput_before",
                  m->phase == MIG_WAITING
                      ? NAN
                      : migration_rate(m->others_bytes[0], m->t_start - w->stat_start),
                  "bit/s");
    report_metric(
        out, "all", "migration_others_throughput_during",
        done ? migration_rate(m->others_bytes[3] - m->others_bytes[0], m->t_done - m->t_start)
             : NAN,
        "bit/s");
}

void migration_report(const struct migration *m, struct report *out)
{
    /* Resumed at the destination, and (post-copy) all its memory there;
     * a failover's re-plug may still run. */
    bool resumed = m->phase >= MIG_POSTCOPY, copied = m->phase >= MIG_REPLUG;
    uint64_t total = 0;
    char name[48];

    for (guint k = 0; k < m->round_bytes->len; k++) {
        uint64_t b = g_array_index(m->round_bytes, uint64_t, k);

        total += b;
        snprintf(name, sizeof(name), "migration_bytes_round%u", k);
        report_metric(out, "all", name, (double)b, "B");
    }
    report_metric(out, "all", "migration_done", m->phase == MIG_DONE, "1");
    /* From the start (the failover's unplug included) until the source is
     * no longer needed: the VM runs at the destination with all of its
     * memory there. */
    report_metric(out, "all", "migration_time",
                  copied ? sim_time_to_s(m->t_copied - m->t_start) : NAN, "s");
    report_metric(out, "all", "migration_downtime",
                  resumed ? sim_time_to_s(m->t_resume - m->t_pause) : NAN, "s");
    /* Parts of it: the device's stop at the source and its start-up at
     * the destination. */
    report_metric(out, "all", "migration_device_stop",
                  resumed ? sim_time_to_s(m->t_stopped - m->t_pause) : NAN, "s");
    report_metric(out, "all", "migration_device_start",
                  resumed ? sim_time_to_s(m->t_resume - m->t_moved) : NAN, "s");
    /* Pre-copy rounds, the stop-and-copy not included. */
    report_metric(out, "all", "migration_rounds",
                  resumed ? (m->postcopy ? 0 : (double)m->round - 1) : NAN, "1");
    report_metric(out, "all", "migration_bytes", copied ? (double)total : NAN, "B");
    /* The dirty rate the rounds used: the given one, and the workload's. */
    report_metric(out, "all", "migration_dirty_rate", m->phase == MIG_WAITING ? NAN : m->dirty_bps,
                  "bit/s");
    report_metric(out, "all", "migration_resent", (double)m->resent, "B");
    report_move(m, out);
    postcopy_report(m, out);
    if (m->sample > 0) {
        /* Sample k is the goodput over the interval that ends at t0 + k dt. */
        double dt = sim_time_to_s(m->sample);
        double t0 = sim_time_to_s(scenario_time(m->w->sc, "scenario.warmup")) + dt;

        report_series(out, "all", "migration_vm_throughput", "bit/s", t0, dt,
                      (const double *)m->vm_trace->data, m->vm_trace->len);
        report_series(out, "all", "migration_others_throughput", "bit/s", t0, dt,
                      (const double *)m->others_trace->data, m->others_trace->len);
    }
}

unsigned migration_spare_queues(const struct scenario *sc)
{
    return scenario_int(sc, "migration.vm") < 0
               ? 0
               : (unsigned)scenario_int(sc, "migration.spare_queues");
}

/* ---- bad input ---- */

/* The group of @local, the VM's index on its host. */
static const struct net_group *group_of(const struct net_group *g, unsigned n, unsigned local)
{
    for (unsigned k = 0; k < n; k++) {
        if (local < g[k].count)
            return &g[k];
        local -= g[k].count;
    }
    g_assert_not_reached();
}

/* VMs per host whose NIC is virtualized by @ops. */
static int64_t count_of(const struct net_group *g, unsigned n, const struct io_strategy_ops *ops)
{
    int64_t c = 0;

    for (unsigned k = 0; k < n; k++)
        c += g[k].ops == ops ? g[k].count : 0;
    return c;
}

/* A VF or device re-plugged at the destination: one more VM of its
 * strategy there, within that strategy's own limits. */
static bool replug_check(const struct scenario *sc, const struct net_group *g, unsigned n,
                         const struct net_group *vg, int64_t id, GError **error)
{
    char *msg;

    if (!vg->ops->check || vg->ops->check(sc, "migration.vm", count_of(g, n, vg->ops) + 1, error))
        return true;
    msg = g_strdup_printf("%s (VM %" G_GINT64_FORMAT " needs a %s device at the destination)",
                          (*error)->message, id, vg->ops->name);
    g_free((*error)->message);
    (*error)->message = msg;
    return false;
}

/* What the VM's devices allow: a disk stays; a VF or device must fail
 * over and find a free one at the destination. */
static bool devices_check(const struct scenario *sc, const struct net_group *g, unsigned n,
                          const struct net_group *vg, int64_t id, GError **error)
{
    const char *key = NULL, *msg = NULL;

    if (vg->ops == &baremetal_strategy_ops) {
        key = "migration.vm";
        msg = "runs on bare metal: there is no VM to migrate";
    } else if (vg->disk) {
        key = "migration.vm";
        msg = "has a disk, whose migration (storage) is not modelled";
    } else if (vg->ops->assigned && !vg->ops->keeps_state &&
               !scenario_bool(sc, "migration.failover")) {
        key = "migration.failover";
        msg = "owns a NIC function the hypervisor cannot copy: fail it over to a standby "
              "virtio NIC (migration.failover = true) or migrate another VM";
    } else if (scenario_int(sc, "migration.spare_queues") == 0) {
        key = "migration.spare_queues";
        msg = "needs a free NIC queue at the destination: keep one spare";
    }
    if (key) {
        scenario_error(sc, key, error, "VM %" G_GINT64_FORMAT " (%s) %s", id, vg->ops->name, msg);
        return false;
    }
    return !vg->ops->assigned || replug_check(sc, g, n, vg, id, error);
}

/* Post-copy moves whole pages, and a segment holds one at least. */
static bool postcopy_check(const struct scenario *sc, GError **error)
{
    static const char *const keys[] = { "migration.memory", "migration.wws", "workload.window" };

    for (size_t k = 0; k < G_N_ELEMENTS(keys); k++) {
        double v = scenario_real(sc, keys[k]);

        if (fmod(v, MIGRATION_PAGE) != 0 || (k == 2 && v < MIGRATION_PAGE)) {
            scenario_error(sc, keys[k], error,
                           "post-copy moves whole %u-byte pages: make it a multiple of %u B "
                           "(migration.mode = postcopy)",
                           MIGRATION_PAGE, MIGRATION_PAGE);
            return false;
        }
    }
    return true;
}

/* A run that ends, after the warm-up, and rounds that end. */
static bool timing_check(const struct scenario *sc, GError **error)
{
    double bw = scenario_real(sc, "migration.bandwidth");
    sim_time start = scenario_time(sc, "migration.start");

    if (start >= scenario_time(sc, "scenario.duration")) {
        scenario_error(sc, "migration.start", error,
                       "the migration would start after the run ends (scenario.duration)");
        return false;
    }
    if (start < scenario_time(sc, "scenario.warmup")) {
        scenario_error(sc, "migration.start", error,
                       "the migration must start after the warm-up (scenario.warmup), which "
                       "resets the counters its metrics read");
        return false;
    }
    if (scenario_real(sc, "migration.wws") > scenario_real(sc, "migration.memory")) {
        scenario_error(sc, "migration.wws", error,
                       "the writable working set is larger than the memory (migration.memory)");
        return false;
    }
    sim_time sample = scenario_time(sc, "migration.sample");

    if (sample > 0 &&
        (scenario_time(sc, "scenario.duration") - scenario_time(sc, "scenario.warmup")) / sample >
            MIGRATION_MAX_SAMPLES) {
        scenario_error(sc, "migration.sample", error,
                       "more than %d samples over the run: sample less often",
                       MIGRATION_MAX_SAMPLES);
        return false;
    }
    if (scenario_bool(sc, "migration.dirty_rx") && start == scenario_time(sc, "scenario.warmup")) {
        scenario_error(sc, "migration.dirty_rx", error,
                       "the VM's receive rate is measured from the warm-up to migration.start, "
                       "which leaves no time: start the migration later");
        return false;
    }
    if (strcmp(scenario_str(sc, "migration.mode"), "postcopy") == 0)
        return postcopy_check(sc, error);
    /* The receive rate may reach the bandwidth: only a round limit bounds
     * the rounds. */
    if (scenario_int(sc, "migration.max_rounds") == 0 && scenario_bool(sc, "migration.dirty_rx")) {
        scenario_error(sc, "migration.max_rounds", error,
                       "the VM's receive rate (migration.dirty_rx) is known only as it runs, so "
                       "pre-copy might never converge: set a round limit");
        return false;
    }
    /* Rounds shrink only while the VM dirties slower than they send. */
    if (scenario_int(sc, "migration.max_rounds") == 0 &&
        scenario_real(sc, "migration.dirty_rate") >= bw &&
        scenario_real(sc, "migration.wws") >
            bw / 8.0 * sim_time_to_s(scenario_time(sc, "migration.downtime_limit"))) {
        scenario_error(sc, "migration.max_rounds", error,
                       "the dirty rate is not below the bandwidth, so pre-copy never converges: "
                       "set a round limit");
        return false;
    }
    return true;
}

bool migration_check(const struct scenario *sc, const struct net_group *g, unsigned n,
                     GError **error)
{
    int64_t id = scenario_int(sc, "migration.vm"), to = scenario_int(sc, "migration.to");
    int64_t hosts = scenario_int(sc, "host.count"), from, per_host = 0;

    for (unsigned k = 0; k < n; k++)
        per_host += g[k].count;
    if (id < 0)
        return true;
    if (id >= hosts * per_host) {
        scenario_error(sc, "migration.vm", error,
                       "there is no VM %" G_GINT64_FORMAT " (%" G_GINT64_FORMAT
                       " hosts x %" G_GINT64_FORMAT " VMs)",
                       id, hosts, per_host);
        return false;
    }
    from = id / per_host;
    if (to >= hosts) {
        scenario_error(sc, "migration.to", error,
                       "there is no host %" G_GINT64_FORMAT " (host.count = %" G_GINT64_FORMAT ")",
                       to, hosts);
        return false;
    }
    if (to == from || (to < 0 && hosts < 2)) {
        scenario_error(sc, "migration.to", error,
                       "VM %" G_GINT64_FORMAT " already runs on host %" G_GINT64_FORMAT
                       ": migrate it to another",
                       id, from);
        return false;
    }
    return devices_check(sc, g, n, group_of(g, n, (unsigned)(id % per_host)), id, error) &&
           timing_check(sc, error);
}
