/* Pre-copy live migration (Clark et al., NSDI'05): round 0 sends the whole
 * memory, each later round what the VM dirtied during the previous one, at
 * migration.dirty_rate and at most the writable working set; rounds stop
 * once what is left could be sent within migration.downtime_limit (QEMU's
 * switch-over test) or after migration.max_rounds; then the VM pauses, the
 * rest is sent (stop-and-copy) and the switch-over costs
 * migration.switchover. The memory travels as segments of one bulk flow
 * from the source host's NIC (its PF queue) over the fabric to the
 * destination's port, paced at migration.bandwidth and bounded by
 * workload.window in flight, so it shares ports and links with the VMs'
 * traffic. Left out: the destination's receive path (DMA, its kernel),
 * page-level dirtying (a constant rate), compression, post-copy. */
#include "migration.h"

#include <math.h>
#include <stdio.h>

#include <glib.h>

#include "net.h"
#include "param_table.h"

static const struct param_def migration_params[] = {
    PDEF_INT("migration.vm", "-1", -1, 65535,
             "VM to migrate live (its id in the world; -1: no migration)", "choice"),
    PDEF_INT("migration.to", "-1", -1, 4095, "destination host (-1: the next host)", "choice"),
    PDEF_TIME("migration.start", "1ms", 0, 1e6, "when the migration starts", "choice"),
    PDEF_SIZE("migration.memory", "64MiB", 4096, 1e13, "the VM's memory: what round 0 sends",
              "choice: small enough to simulate packet by packet"),
    PDEF_SIZE("migration.wws", "8MiB", 0, 1e13,
              "writable working set: a round re-sends at most this much dirtied memory",
              "placeholder: depends on the workload (clark-nsdi05)"),
    { .key = "migration.dirty_rate",
      .type = PARAM_REAL,
      .dim = DIM_BITRATE,
      .def = "200Mbps",
      .min = 0,
      .max = 1e13,
      .help = "how fast the VM dirties its memory (constant), in the bandwidth's unit",
      .source = "placeholder: depends on the workload" },
    { .key = "migration.bandwidth",
      .type = PARAM_REAL,
      .dim = DIM_BITRATE,
      .def = "1073741824bps",
      .min = 1e6,
      .max = 1e13,
      .help = "bandwidth limit of the migration stream (payload)",
      .source = "qemu-migration: max-bandwidth 128 MiB/s (MAX_THROTTLE)" },
    PDEF_TIME("migration.downtime_limit", "300ms", 0, 1e3,
              "stop-and-copy threshold: pause the VM once what is left takes this long at the "
              "bandwidth limit",
              "qemu-migration: downtime-limit 300 ms"),
    PDEF_INT("migration.max_rounds", "30", 0, 100000,
             "pre-copy rounds at most, round 0 included (0: no limit)",
             "xen-save: at most 30 rounds (DEF_MAX_ITERS 29)"),
    PDEF_TIME("migration.switchover", "1ms", 0, 10,
              "switch-over after the last byte: device state, address update, resumption",
              "placeholder"),
};

static const size_t migration_n_params = G_N_ELEMENTS(migration_params);

const struct param_table migration_param_table = { .params = migration_params,
                                                   .n = &migration_n_params };

enum migration_phase { MIG_WAITING, MIG_PRECOPY, MIG_STOPCOPY, MIG_SWITCHOVER, MIG_DONE };

struct migration {
    struct net_world *w;
    struct net_vm *vm;
    struct net_host *src, *dst;
    int dst_ep; /* an endpoint on the destination host: the flow's dst */
    double bw_bps, dirty_bps;
    uint64_t wws, threshold, window;
    unsigned max_rounds, seg;
    sim_time switchover;
    enum migration_phase phase;
    unsigned round;
    uint64_t left;      /* bytes of this round not yet sent */
    uint64_t unacked;   /* sent, neither delivered nor lost */
    sim_time next_send; /* the bandwidth limit's clock */
    sim_time round_start, t_start, t_pause, t_resume;
    sim_event_id timer;
    GArray *round_bytes; /* uint64_t per round, the stop-and-copy last */
    uint64_t resent;
};

static void pump(struct migration *m);

static void on_timer(struct sim *sim, void *ctx, const void *payload)
{
    struct migration *m = ctx;

    (void)sim;
    (void)payload;
    m->timer = 0;
    pump(m);
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
    pump(m);
}

static void resumed(struct sim *sim, void *ctx, const void *payload)
{
    struct migration *m = ctx;

    (void)payload;
    m->t_resume = sim_now(sim);
    m->phase = MIG_DONE;
}

/* What the VM dirtied during a round of @t, at most its working set. */
static uint64_t dirtied(const struct migration *m, sim_time t)
{
    double b = m->dirty_bps / 8.0 * sim_time_to_s(t);

    return b < (double)m->wws ? (uint64_t)llround(b) : m->wws;
}

/* The round is over and its share of the bandwidth limit has elapsed: the
 * next round, the stop-and-copy, or the switch-over. */
static void round_end(struct migration *m)
{
    sim_time now = sim_now(m->w->sim);
    uint64_t next = dirtied(m, now - m->round_start);

    m->round++;
    if (m->phase == MIG_STOPCOPY) {
        m->phase = MIG_SWITCHOVER;
        sim_schedule(m->w->sim, m->switchover, resumed, m, NULL, 0);
        return;
    }
    if (next <= m->threshold || (m->max_rounds && m->round >= m->max_rounds)) {
        m->phase = MIG_STOPCOPY;
        m->t_pause = now;
    }
    round_begin(m, next);
}

static void send_segment(struct migration *m, uint32_t bytes)
{
    struct net_world *w = m->w;
    struct net_pkt *p =
        net_pkt_new(w, m->vm->id, (int)m->vm->id, m->dst_ep, NET_PKT_MIGRATE, bytes);
    sim_time ser = net_wire_time(w, p);

    m->left -= bytes;
    m->unacked += bytes;
    m->next_send += sim_time_from_s((double)bytes * 8.0 / m->bw_bps);
    /* The host's own traffic goes out of the PF's queue, round robin with
     * the VMs' queues at the port. */
    p->queue = 0;
    if (!nic_tx_enqueue(&m->src->nic, 0, p->idx, ser))
        g_error("migration: the PF's transmit ring overflowed");
    net_step(w, p, NET_STAGE_nic_queue);
    net_step_part(p, NET_STAGE_wire, ser);
}

/* Send what the window and the bandwidth limit allow now; end the round
 * when all of it is through. */
static void pump(struct migration *m)
{
    sim_time now = sim_now(m->w->sim);
    const struct nic_txq *txq = &m->src->nic.txq[0];

    if (m->phase != MIG_PRECOPY && m->phase != MIG_STOPCOPY)
        return;
    if (m->next_send < now)
        m->next_send = now;
    while (m->left && m->unacked + m->seg <= m->window && txq->len < txq->cap) {
        if (m->next_send > now) {
            wake_at(m, m->next_send);
            return;
        }
        send_segment(m, (uint32_t)(m->left < m->seg ? m->left : m->seg));
    }
    /* A pre-copy round ends once its pages are sent (the next round's dirty
     * log is taken at the source); the stop-and-copy once all of them are
     * at the destination, which may then resume the VM. */
    if (m->left || (m->phase == MIG_STOPCOPY && m->unacked))
        return;
    if (m->next_send > now)
        wake_at(m, m->next_send);
    else
        round_end(m);
}

static void started(struct sim *sim, void *ctx, const void *payload)
{
    struct migration *m = ctx;

    (void)payload;
    m->t_start = m->next_send = sim_now(sim);
    m->phase = MIG_PRECOPY;
    round_begin(m, (uint64_t)scenario_real(m->w->sc, "migration.memory"));
}

void migration_pkt_delivered(struct net_world *w, const struct net_pkt *p)
{
    struct migration *m = w->migration;

    g_assert(m && m->unacked >= p->bytes);
    m->unacked -= p->bytes;
    pump(m);
}

void migration_pkt_dropped(struct net_world *w, const struct net_pkt *p)
{
    struct migration *m = w->migration;

    g_assert(m && m->unacked >= p->bytes);
    m->unacked -= p->bytes;
    m->left += p->bytes;
    m->resent += p->bytes;
    pump(m);
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
    m->dst_ep = (int)m->dst->first_vm;
    m->bw_bps = scenario_real(sc, "migration.bandwidth");
    m->dirty_bps = scenario_real(sc, "migration.dirty_rate");
    m->wws = (uint64_t)scenario_real(sc, "migration.wws");
    m->threshold =
        (uint64_t)(m->bw_bps / 8.0 * sim_time_to_s(scenario_time(sc, "migration.downtime_limit")));
    m->max_rounds = (unsigned)scenario_int(sc, "migration.max_rounds");
    m->switchover = scenario_time(sc, "migration.switchover");
    m->window = (uint64_t)scenario_real(sc, "workload.window");
    m->seg = w->g.gso_size > w->mss ? w->g.gso_size : w->mss;
    if (m->seg > m->window)
        m->seg = (uint32_t)m->window;
    m->round_bytes = g_array_new(FALSE, FALSE, sizeof(uint64_t));
    sim_schedule(w->sim, scenario_time(sc, "migration.start"), started, m, NULL, 0);
    return m;
}

void migration_free(struct migration *m)
{
    if (!m)
        return;
    g_array_unref(m->round_bytes);
    g_free(m);
}

void migration_report(const struct migration *m, struct report *out)
{
    bool done = m->phase == MIG_DONE;
    uint64_t total = 0;
    char name[48];

    for (guint k = 0; k < m->round_bytes->len; k++) {
        uint64_t b = g_array_index(m->round_bytes, uint64_t, k);

        total += b;
        snprintf(name, sizeof(name), "migration_bytes_round%u", k);
        report_metric(out, "all", name, (double)b, "B");
    }
    report_metric(out, "all", "migration_done", done, "1");
    report_metric(out, "all", "migration_time",
                  done ? sim_time_to_s(m->t_resume - m->t_start) : NAN, "s");
    report_metric(out, "all", "migration_downtime",
                  done ? sim_time_to_s(m->t_resume - m->t_pause) : NAN, "s");
    /* Pre-copy rounds, the stop-and-copy not included. */
    report_metric(out, "all", "migration_rounds", done ? (double)m->round - 1 : NAN, "1");
    report_metric(out, "all", "migration_bytes", done ? (double)total : NAN, "B");
    report_metric(out, "all", "migration_resent", (double)m->resent, "B");
}

/* ---- bad input ---- */

bool migration_check(const struct scenario *sc, unsigned vms_per_host, GError **error)
{
    int64_t id = scenario_int(sc, "migration.vm"), to = scenario_int(sc, "migration.to");
    int64_t hosts = scenario_int(sc, "host.count"), from;

    if (id < 0)
        return true;
    if (id >= hosts * (int64_t)vms_per_host) {
        scenario_error(sc, "migration.vm", error,
                       "there is no VM %" G_GINT64_FORMAT " (%" G_GINT64_FORMAT " hosts x %u VMs)",
                       id, hosts, vms_per_host);
        return false;
    }
    from = id / vms_per_host;
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
    if (scenario_time(sc, "migration.start") >= scenario_time(sc, "scenario.duration")) {
        scenario_error(sc, "migration.start", error,
                       "the migration would start after the run ends (scenario.duration)");
        return false;
    }
    if (scenario_real(sc, "migration.wws") > scenario_real(sc, "migration.memory")) {
        scenario_error(sc, "migration.wws", error,
                       "the writable working set is larger than the memory (migration.memory)");
        return false;
    }
    /* Rounds shrink only while the VM dirties slower than they send. */
    if (scenario_int(sc, "migration.max_rounds") == 0 &&
        scenario_real(sc, "migration.dirty_rate") >= scenario_real(sc, "migration.bandwidth") &&
        scenario_real(sc, "migration.wws") >
            scenario_real(sc, "migration.bandwidth") / 8.0 *
                sim_time_to_s(scenario_time(sc, "migration.downtime_limit"))) {
        scenario_error(sc, "migration.max_rounds", error,
                       "the dirty rate is not below the bandwidth, so pre-copy never converges: "
                       "set a round limit");
        return false;
    }
    return true;
}
