/* The fabric model: hosts under leaf switches, every leaf linked to every
 * spine, flows between hosts arriving as a Poisson process, each flow a
 * window-limited sequence of MTU packets that traverses FIFO output ports
 * (store-and-forward serialization, tail drop, propagation, switch latency)
 * on one ECMP path chosen by a flow hash. In reactive mode a switch whose
 * exact-match table misses sends the flow to the controller (one FIFO
 * server) and holds its packets until the rule is installed on it and every
 * switch downstream. Left out: congestion control (a fixed window; drops
 * are resent after a timeout), ACK queueing (an ACK returns after the
 * reverse path's fixed delay), PFC/ECN, link failures, the TCAM insertion
 * rate. Defaults and their sources: fabric_params.c. */
#include "fabric.h"

#include <math.h>
#include <string.h>

#include <glib.h>
#include <gsl/gsl_randist.h>

#include "../param_tables.h"
#include "fabric_mem.h"
#include "fabric_params.h"
#include "flow_table.h"
#include "ledger.h"
#include "pool.h"
#include "resource.h"
#include "rng.h"
#include "stats.h"

#define NONE         UINT32_MAX
#define MAX_SWITCHES 3 /* on a path: leaf, spine, leaf */
#define MAX_LINKS    4

enum fabric_stage {
    ST_WINDOW,        /* born at the flow's arrival, waiting for window credit */
    ST_SETUP,         /* held at a switch: control channel and rule install */
    ST_CONTROLLER,    /* held at a switch: the controller's queue and work */
    ST_VSWITCH,       /* host virtual switch, queueing for its core included */
    ST_QUEUEING,      /* waiting in a link's output queue */
    ST_SERIALIZATION, /* bits onto the wire */
    ST_PROPAGATION,   /* link delay */
    ST_SWITCHING,     /* switch forwarding latency */
    ST_RETRANSMIT,    /* dropped: waiting for the source's timeout */
    N_STAGES,
};

const char *const fabric_stage_names[] = {
    "window",        "setup",       "controller", "vswitch",    "queueing",
    "serialization", "propagation", "switching",  "retransmit",
};
const unsigned fabric_n_stages = N_STAGES;
G_STATIC_ASSERT(G_N_ELEMENTS(fabric_stage_names) == N_STAGES);

enum fabric_mode { MODE_REACTIVE, MODE_PROACTIVE, MODE_DEVOFLOW };

enum link_tier { TIER_HOST_UP, TIER_HOST_DOWN, TIER_LEAF_UP, TIER_SPINE_DOWN, N_TIERS };

static const char *const tier_names[N_TIERS] = { "host_up", "host_down", "leaf_up", "spine_down" };

struct fpkt {
    sim_time stage_ps[N_STAGES];
    struct ledger led;
    uint32_t flow;
    uint32_t bytes; /* payload */
    uint32_t wire;  /* bytes on the wire, framing and overlay included */
    uint32_t next;  /* a switch's held list (the pool's while free) */
    uint8_t hop;    /* link the packet is on (or enters next) */
    bool exact;     /* devoflow: past the threshold, looks up its own rule */
};

struct fflow {
    uint64_t id; /* flow-table key, never reused */
    sim_time arrival;
    sim_time ideal; /* alone on the fabric, no setup, no vswitch */
    uint64_t size, sent, delivered, inflight;
    uint32_t src, dst;
    uint32_t links[MAX_LINKS];
    uint32_t switches[MAX_SWITCHES];
    uint32_t held_head[MAX_SWITCHES], held_tail[MAX_SWITCHES];
    sim_time setup_start[MAX_SWITCHES], ctl_arrival[MAX_SWITCHES], ctl_done[MAX_SWITCHES];
    uint32_t refs;      /* ACKs and setups under way */
    uint32_t next_free; /* the pool's while the flow is free */
    uint8_t n_links;
    uint8_t pending; /* bit per switch on the path: a setup is under way */
    bool done;
};

struct flink {
    struct fifo_server srv;
    double rate;     /* bit/s */
    uint64_t queued; /* wire bytes waiting or in service */
    uint64_t buffer; /* 0: unlimited (a host's own queue) */
    enum link_tier tier;
};

struct fabric_model {
    struct model base;
    struct sim *sim;
    /* parameters */
    enum fabric_mode mode;
    uint32_t leaves, per_leaf, spines, hosts;
    double host_rate, uplink_rate;
    sim_time link_delay, sw_latency, rto, control_delay, install, vswitch_cost, idle;
    uint64_t mss, overhead, window, short_flow, devo_threshold;
    uint32_t salt;
    const struct dist *flow_size, *ctl_service;
    double flow_rate; /* whole fabric, 1/s */
    /* streams */
    gsl_rng *rng_arrival, *rng_hosts, *rng_size, *rng_ctl;
    /* the world */
    struct flink *links;
    uint32_t n_links;
    struct flow_table *tables; /* leaves, then spines */
    uint32_t n_switches;
    struct fifo_server *vswitch; /* one core per host; NULL when free */
    struct fifo_server controller;
    struct pool pkts;  /* struct fpkt */
    struct pool flows; /* struct fflow */
    uint64_t next_id;
    sim_event_id next_arrival;
    /* lifetime counters (conservation) */
    uint64_t flows_arrived_total, flows_completed_total;
    uint64_t pkts_created_total, pkts_delivered_total, drops_total, rtx_total;
    /* measured after the warm-up cut */
    sim_time stat_start;
    uint64_t flows_arrived, flows_completed, pkts_delivered, goodput_bytes, drops, setups;
    struct hist fct_ps;
    struct welford fct, fct_short, fct_long, slowdown, setup, ctl_sojourn;
    struct welford goodput_long; /* bit/s: a long flow's size over its FCT */
    double stage_sum[N_STAGES];  /* ps, over completed flows' last packets (double: no overflow) */
};

/* ---- pools ---- */

static struct fpkt *pkt_at(const struct fabric_model *m, uint32_t pi)
{
    return POOL_AT(&m->pkts, struct fpkt, pi);
}

static struct fflow *flow_at(const struct fabric_model *m, uint32_t fi)
{
    return POOL_AT(&m->flows, struct fflow, fi);
}

static void flow_maybe_free(struct fabric_model *m, uint32_t fi)
{
    struct fflow *f = flow_at(m, fi);

    if (!f->done || f->refs > 0)
        return;
    pool_free(&m->flows, fi);
}

/* ---- stage accounting: every picosecond from the flow's arrival to the
 * packet's delivery is in exactly one stage ---- */

static void step(struct fabric_model *m, struct fpkt *p, enum fabric_stage st)
{
    ledger_step(&p->led, p->stage_ps, sim_now(m->sim), st);
}

static sim_time ser_time(double rate, uint64_t bytes)
{
    return sim_time_from_s((double)bytes * 8.0 / rate);
}

static uint64_t mix64(uint64_t k)
{
    k ^= k >> 33;
    k *= 0xff51afd7ed558ccdULL;
    k ^= k >> 33;
    k *= 0xc4ceb9fe1a85ec53ULL;
    k ^= k >> 33;
    return k;
}

/* ---- the data path ---- */

static void link_enter(struct fabric_model *m, uint32_t pi);
static void flow_send(struct fabric_model *m, uint32_t fi);

static void on_vswitch_tx(struct sim *sim, void *ctx, uint64_t tag)
{
    (void)sim;
    link_enter(ctx, (uint32_t)tag);
}

static void host_tx(struct fabric_model *m, uint32_t pi)
{
    struct fpkt *p = pkt_at(m, pi);

    p->hop = 0;
    if (m->vswitch) {
        step(m, p, ST_VSWITCH);
        fifo_server_submit(&m->vswitch[flow_at(m, p->flow)->src], m->vswitch_cost, on_vswitch_tx, m,
                           pi);
    } else {
        link_enter(m, pi);
    }
}

static void on_rto(struct sim *sim, void *ctx, const void *payload)
{
    struct fabric_model *m = ctx;
    uint32_t pi;

    (void)sim;
    memcpy(&pi, payload, sizeof(pi));
    m->rtx_total++;
    host_tx(m, pi);
}

static void on_ack(struct sim *sim, void *ctx, const void *payload)
{
    struct fabric_model *m = ctx;
    uint32_t a[2]; /* flow, payload bytes */
    struct fflow *f;

    (void)sim;
    memcpy(a, payload, sizeof(a));
    f = flow_at(m, a[0]);
    f->inflight -= a[1];
    f->refs--;
    if (!f->done)
        flow_send(m, a[0]);
    flow_maybe_free(m, a[0]);
}

static void flow_complete(struct fabric_model *m, struct fflow *f, const struct fpkt *p)
{
    sim_time fct = sim_now(m->sim) - f->arrival;

    f->done = true;
    m->flows_completed_total++;
    m->flows_completed++;
    /* The breakdown is exact, not estimated. */
    g_assert(ledger_merge(m->stage_sum, p->stage_ps, N_STAGES) == fct);
    hist_add(&m->fct_ps, fct);
    welford_add(&m->fct, sim_time_to_s(fct));
    if (f->size < m->short_flow) {
        welford_add(&m->fct_short, sim_time_to_s(fct));
    } else {
        welford_add(&m->fct_long, sim_time_to_s(fct));
        welford_add(&m->goodput_long, (double)f->size * 8.0 / sim_time_to_s(fct));
    }
    welford_add(&m->slowdown, (double)fct / (double)f->ideal);
}

static void deliver(struct fabric_model *m, uint32_t pi)
{
    struct fpkt *p = pkt_at(m, pi);
    uint32_t fi = p->flow;
    struct fflow *f = flow_at(m, fi);
    uint32_t ack[2] = { fi, p->bytes };
    sim_time back =
        (sim_time)f->n_links * m->link_delay + (sim_time)(f->n_links - 1) * m->sw_latency;

    step(m, p, ST_WINDOW); /* closes the last stage */
    f->delivered += p->bytes;
    m->pkts_delivered_total++;
    m->pkts_delivered++;
    m->goodput_bytes += p->bytes;
    if (f->delivered == f->size)
        flow_complete(m, f, p);
    /* The ACK returns over the reverse path's fixed delays, never queued. */
    f->refs++;
    sim_schedule(m->sim, back, on_ack, m, ack, sizeof(ack));
    pool_free(&m->pkts, pi);
}

static void on_vswitch_rx(struct sim *sim, void *ctx, uint64_t tag)
{
    (void)sim;
    deliver(ctx, (uint32_t)tag);
}

static void on_install(struct sim *sim, void *ctx, const void *payload)
{
    struct fabric_model *m = ctx;
    uint32_t a[2]; /* flow, switch index on the path */
    struct fflow *f;
    uint32_t pi;

    memcpy(a, payload, sizeof(a));
    f = flow_at(m, a[0]);
    /* The controller installs the rule on this switch and every one after
     * it on the path, so the flow misses at most once per path. */
    for (uint32_t k = a[1]; k + 1 < f->n_links; k++)
        flow_table_insert(&m->tables[f->switches[k]], f->id, sim_now(sim));
    welford_add(&m->setup, sim_time_to_s(sim_now(sim) - f->setup_start[a[1]]));
    f->pending &= (uint8_t) ~(1u << a[1]);
    pi = f->held_head[a[1]];
    f->held_head[a[1]] = f->held_tail[a[1]] = NONE;
    while (pi != NONE) {
        struct fpkt *p = pkt_at(m, pi);
        uint32_t next = p->next;
        /* The part of the hold spent while the controller had the request
         * is its own stage; the rest (channel, install) stays "setup". */
        sim_time from = MAX(p->led.t0, f->ctl_arrival[a[1]]);

        ledger_part(&p->led, ST_CONTROLLER, MAX(f->ctl_done[a[1]] - from, 0));
        link_enter(m, pi);
        pi = next;
    }
    f->refs--;
    flow_maybe_free(m, a[0]);
}

static void on_controller_done(struct sim *sim, void *ctx, uint64_t tag)
{
    struct fabric_model *m = ctx;
    uint32_t a[2] = { (uint32_t)(tag >> 2), (uint32_t)(tag & 3) };

    flow_at(m, a[0])->ctl_done[a[1]] = sim_now(sim);
    welford_add(&m->ctl_sojourn, sim_time_to_s(sim_now(sim) - flow_at(m, a[0])->ctl_arrival[a[1]]));
    sim_schedule(sim, m->install, on_install, m, a, sizeof(a));
}

static void on_packet_in(struct sim *sim, void *ctx, const void *payload)
{
    struct fabric_model *m = ctx;
    uint32_t a[2];

    memcpy(a, payload, sizeof(a));
    flow_at(m, a[0])->ctl_arrival[a[1]] = sim_now(sim);
    fifo_server_submit(&m->controller, dist_sample_time(m->ctl_service, m->rng_ctl),
                       on_controller_done, m, ((uint64_t)a[0] << 2) | a[1]);
}

static void request_setup(struct fabric_model *m, uint32_t fi, uint32_t k)
{
    struct fflow *f = flow_at(m, fi);
    uint32_t a[2] = { fi, k };

    f->pending |= (uint8_t)(1u << k);
    f->setup_start[k] = sim_now(m->sim);
    f->refs++;
    m->setups++;
    sim_schedule(m->sim, m->control_delay, on_packet_in, m, a, sizeof(a));
}

/* A packet arrives at the k-th switch of its flow's path. */
static void switch_arrive(struct fabric_model *m, uint32_t pi, uint32_t k)
{
    struct fpkt *p = pkt_at(m, pi);
    struct fflow *f = flow_at(m, p->flow);
    bool hit;

    if (m->mode == MODE_PROACTIVE || (m->mode == MODE_DEVOFLOW && !p->exact)) {
        link_enter(m, pi); /* wildcard rules: no lookup, no miss */
        return;
    }
    hit = flow_table_lookup(&m->tables[f->switches[k]], f->id, sim_now(m->sim));
    /* Reactive: one setup per switch that misses; the packet waits. DevoFlow:
     * the packet goes on by the wildcard, so a setup already under way
     * upstream (which installs down the path) covers this miss too. */
    if (!hit && !(f->pending & (m->mode == MODE_DEVOFLOW ? 0xffu : 1u << k)))
        request_setup(m, p->flow, k);
    if (hit || m->mode == MODE_DEVOFLOW) {
        link_enter(m, pi); /* devoflow forwards on the wildcard meanwhile */
        return;
    }
    step(m, p, ST_SETUP);
    p->next = NONE;
    if (f->held_tail[k] == NONE)
        f->held_head[k] = pi;
    else
        pkt_at(m, f->held_tail[k])->next = pi;
    f->held_tail[k] = pi;
}

static void on_hop(struct sim *sim, void *ctx, const void *payload)
{
    struct fabric_model *m = ctx;
    uint32_t pi;
    struct fpkt *p;

    (void)sim;
    memcpy(&pi, payload, sizeof(pi));
    p = pkt_at(m, pi);
    p->hop++;
    if (p->hop < flow_at(m, p->flow)->n_links) {
        switch_arrive(m, pi, p->hop - 1u);
    } else if (m->vswitch) {
        step(m, p, ST_VSWITCH);
        fifo_server_submit(&m->vswitch[flow_at(m, p->flow)->dst], m->vswitch_cost, on_vswitch_rx, m,
                           pi);
    } else {
        deliver(m, pi);
    }
}

static void on_link_done(struct sim *sim, void *ctx, uint64_t tag)
{
    struct fabric_model *m = ctx;
    uint32_t pi = (uint32_t)tag;
    struct fpkt *p = pkt_at(m, pi);
    struct fflow *f = flow_at(m, p->flow);
    struct flink *l = &m->links[f->links[p->hop]];
    sim_time sw = p->hop + 1u < f->n_links ? m->sw_latency : 0;

    l->queued -= p->wire;
    /* Up to the next node: the link's delay, then the switch's latency. */
    step(m, p, ST_PROPAGATION);
    ledger_part(&p->led, ST_SWITCHING, sw);
    sim_schedule(sim, m->link_delay + sw, on_hop, m, &pi, sizeof(pi));
}

static void link_enter(struct fabric_model *m, uint32_t pi)
{
    struct fpkt *p = pkt_at(m, pi);
    struct flink *l = &m->links[flow_at(m, p->flow)->links[p->hop]];
    sim_time ser;

    if (l->buffer && l->queued + p->wire > l->buffer) {
        m->drops_total++;
        m->drops++;
        step(m, p, ST_RETRANSMIT);
        sim_schedule(m->sim, m->rto, on_rto, m, &pi, sizeof(pi));
        return;
    }
    l->queued += p->wire;
    ser = ser_time(l->rate, p->wire);
    /* Waiting in the queue, then the bits onto the wire. */
    step(m, p, ST_QUEUEING);
    ledger_part(&p->led, ST_SERIALIZATION, ser);
    fifo_server_submit(&l->srv, ser, on_link_done, m, pi);
}

/* Start as many packets as the window allows (at least one). */
static void flow_send(struct fabric_model *m, uint32_t fi)
{
    struct fflow *f = flow_at(m, fi);

    while (f->sent < f->size && f->inflight < m->window) {
        uint32_t pi = pool_alloc(&m->pkts);
        struct fpkt *p = pkt_at(m, pi);
        uint64_t left = f->size - f->sent;

        memset(p->stage_ps, 0, sizeof(p->stage_ps));
        ledger_start(&p->led, f->arrival, ST_WINDOW);
        p->flow = fi;
        p->bytes = (uint32_t)(left < m->mss ? left : m->mss);
        p->wire = p->bytes + (uint32_t)m->overhead;
        p->exact = f->sent >= m->devo_threshold;
        f->sent += p->bytes;
        f->inflight += p->bytes;
        m->pkts_created_total++;
        step(m, p, ST_WINDOW);
        host_tx(m, pi);
    }
}

/* ---- flows ---- */

static double link_rate_of(const struct fabric_model *m, uint32_t li)
{
    return m->links[li].rate;
}

/* Alone on the fabric with an unlimited window: the first packet crosses
 * every hop store-and-forward, the others follow at the slowest link. */
static sim_time ideal_fct(const struct fabric_model *m, const struct fflow *f)
{
    uint64_t n = (f->size + m->mss - 1) / m->mss;
    uint64_t first = (f->size < m->mss ? f->size : m->mss) + m->overhead;
    uint64_t last = f->size - (n - 1) * m->mss + m->overhead;
    double t = 0, slowest = INFINITY;

    for (unsigned h = 0; h < f->n_links; h++) {
        double r = link_rate_of(m, f->links[h]);

        t += (double)first * 8.0 / r;
        slowest = fmin(slowest, r);
    }
    if (n > 1)
        t += ((double)(n - 2) * (double)(m->mss + m->overhead) + (double)last) * 8.0 / slowest;
    return sim_time_from_s(t) + (sim_time)f->n_links * m->link_delay +
           (sim_time)(f->n_links - 1) * m->sw_latency;
}

static void set_path(const struct fabric_model *m, struct fflow *f)
{
    uint32_t ls = f->src / m->per_leaf, ld = f->dst / m->per_leaf, H = m->hosts;
    uint32_t base_up = 2 * H, base_down = 2 * H + m->leaves * m->spines;

    f->links[0] = f->src; /* host -> its leaf */
    f->switches[0] = ls;
    if (ls == ld) {
        f->links[1] = H + f->dst; /* leaf -> host */
        f->n_links = 2;
        return;
    }
    /* ECMP: the spine is a hash of the flow, so all its packets stay in order. */
    uint32_t s = (uint32_t)(mix64(f->id ^ ((uint64_t)m->salt << 32)) % m->spines);

    f->links[1] = base_up + ls * m->spines + s;
    f->links[2] = base_down + s * m->leaves + ld;
    f->links[3] = H + f->dst;
    f->switches[1] = m->leaves + s;
    f->switches[2] = ld;
    f->n_links = 4;
}

static void on_flow_arrival(struct sim *sim, void *ctx, const void *payload)
{
    struct fabric_model *m = ctx;
    uint32_t fi = pool_alloc(&m->flows);
    struct fflow *f = flow_at(m, fi);
    double size = round(dist_sample(m->flow_size, m->rng_size));

    (void)payload;
    memset(f, 0, sizeof(*f));
    f->id = ++m->next_id;
    f->arrival = sim_now(sim);
    f->size = size < 1 ? 1 : size > 1e15 ? (uint64_t)1e15 : (uint64_t)size;
    f->src = (uint32_t)gsl_rng_uniform_int(m->rng_hosts, m->hosts);
    f->dst = (uint32_t)gsl_rng_uniform_int(m->rng_hosts, m->hosts - 1);
    if (f->dst >= f->src)
        f->dst++;
    for (unsigned k = 0; k < MAX_SWITCHES; k++)
        f->held_head[k] = f->held_tail[k] = NONE;
    set_path(m, f);
    f->ideal = ideal_fct(m, f);
    m->flows_arrived_total++;
    m->flows_arrived++;
    m->next_arrival =
        sim_schedule(sim, sim_time_from_s(gsl_ran_exponential(m->rng_arrival, 1.0 / m->flow_rate)),
                     on_flow_arrival, m, NULL, 0);
    flow_send(m, fi);
}

/* ---- building, reporting ---- */

static bool fabric_check(const struct scenario *sc, GError **error)
{
    int64_t ports = scenario_int(sc, "fabric.switch_ports");
    int64_t per_leaf = scenario_int(sc, "fabric.hosts_per_leaf");
    int64_t spines = scenario_int(sc, "fabric.spines");
    int64_t leaves = scenario_int(sc, "fabric.leaves");

    if (per_leaf + spines > ports) {
        scenario_error(sc,
                       scenario_is_set(sc, "fabric.hosts_per_leaf") ? "fabric.hosts_per_leaf"
                                                                    : "fabric.spines",
                       error,
                       "%" G_GINT64_FORMAT " hosts and %" G_GINT64_FORMAT
                       " spine uplinks need more than the %" G_GINT64_FORMAT " ports of a leaf",
                       per_leaf, spines, ports);
        return false;
    }
    if (leaves > ports) {
        scenario_error(sc, "fabric.leaves", error,
                       "%" G_GINT64_FORMAT " leaves need more than the %" G_GINT64_FORMAT
                       " ports of a spine",
                       leaves, ports);
        return false;
    }
    if (leaves * per_leaf < 2) {
        scenario_error(sc, "fabric.hosts_per_leaf", error, "flows need at least 2 hosts");
        return false;
    }
    if (leaves * per_leaf > 1000000) {
        scenario_error(sc, "fabric.leaves", error, "at most 1000000 hosts");
        return false;
    }
    /* Headers (at most 120 B) always leave payload in an MTU (at least 128 B). */
    double frame = scenario_real(sc, "fabric.mtu") + scenario_real(sc, "fabric.framing") +
                   (scenario_bool(sc, "fabric.vxlan") ? FABRIC_VXLAN_BYTES : 0);

    if (scenario_real(sc, "fabric.buffer") < frame) {
        scenario_error(sc, "fabric.buffer", error, "a %g B port buffer cannot hold one %g B frame",
                       scenario_real(sc, "fabric.buffer"), frame);
        return false;
    }
    return true;
}

static void build_links(struct fabric_model *m, const struct scenario *sc)
{
    uint32_t H = m->hosts, up = m->leaves * m->spines;
    uint64_t buffer = (uint64_t)scenario_real(sc, "fabric.buffer");

    m->n_links = 2 * H + 2 * up;
    m->links = g_new0(struct flink, m->n_links);
    for (uint32_t i = 0; i < m->n_links; i++) {
        struct flink *l = &m->links[i];

        l->tier = i < H            ? TIER_HOST_UP
                  : i < 2 * H      ? TIER_HOST_DOWN
                  : i < 2 * H + up ? TIER_LEAF_UP
                                   : TIER_SPINE_DOWN;
        l->rate =
            l->tier == TIER_HOST_UP || l->tier == TIER_HOST_DOWN ? m->host_rate : m->uplink_rate;
        /* Only switch output ports drop; a host's queue holds its window. */
        l->buffer = l->tier == TIER_HOST_UP ? 0 : buffer;
        fifo_server_init(&l->srv, m->sim, tier_names[l->tier], 1);
        fifo_server_keep_busy(&l->srv);
    }
}

static enum fabric_mode parse_mode(const char *s)
{
    if (strcmp(s, "proactive") == 0)
        return MODE_PROACTIVE;
    if (strcmp(s, "devoflow") == 0)
        return MODE_DEVOFLOW;
    g_assert(strcmp(s, "reactive") == 0);
    return MODE_REACTIVE;
}

static void read_params(struct fabric_model *m, const struct scenario *sc)
{
    bool vxlan = scenario_bool(sc, "fabric.vxlan");

    m->mode = parse_mode(scenario_str(sc, "fabric.mode"));
    m->leaves = (uint32_t)scenario_int(sc, "fabric.leaves");
    m->per_leaf = (uint32_t)scenario_int(sc, "fabric.hosts_per_leaf");
    m->spines = (uint32_t)scenario_int(sc, "fabric.spines");
    m->hosts = m->leaves * m->per_leaf;
    m->host_rate = scenario_real(sc, "fabric.host_rate");
    m->uplink_rate = (double)m->per_leaf * m->host_rate /
                     (scenario_real(sc, "fabric.oversubscription") * (double)m->spines);
    m->link_delay = scenario_time(sc, "fabric.link_delay");
    m->sw_latency = scenario_time(sc, "fabric.switch_latency");
    m->rto = scenario_time(sc, "fabric.rto");
    m->control_delay = scenario_time(sc, "fabric.control_delay");
    m->install = scenario_time(sc, "fabric.install_latency");
    m->idle = scenario_time(sc, "fabric.idle_timeout");
    m->vswitch_cost =
        sim_time_from_s(sim_time_to_s(scenario_time(sc, "fabric.vswitch_packet")) *
                        (1.0 + (vxlan ? scenario_real(sc, "fabric.vxlan_cpu") : 0.0)));
    m->mss = (uint64_t)(scenario_real(sc, "fabric.mtu") - scenario_real(sc, "fabric.header"));
    m->overhead =
        (uint64_t)(scenario_real(sc, "fabric.header") + scenario_real(sc, "fabric.framing")) +
        (vxlan ? FABRIC_VXLAN_BYTES : 0);
    m->window = (uint64_t)scenario_real(sc, "fabric.window");
    m->short_flow = (uint64_t)scenario_real(sc, "fabric.short_flow");
    m->devo_threshold =
        m->mode == MODE_DEVOFLOW ? (uint64_t)scenario_real(sc, "fabric.devoflow_threshold") : 0;
    m->salt = (uint32_t)scenario_int(sc, "fabric.ecmp_salt");
    m->flow_size = scenario_dist(sc, "fabric.flow_size");
    m->ctl_service = scenario_dist(sc, "fabric.controller_service");
    m->flow_rate = scenario_real(sc, "fabric.flow_rate") * (double)m->hosts;
}

static void fabric_reset_stats(struct fabric_model *m)
{
    m->stat_start = sim_now(m->sim);
    m->flows_arrived = m->flows_completed = m->pkts_delivered = m->goodput_bytes = 0;
    m->drops = m->setups = 0;
    hist_reset(&m->fct_ps);
    welford_init(&m->fct);
    welford_init(&m->fct_short);
    welford_init(&m->fct_long);
    welford_init(&m->slowdown);
    welford_init(&m->setup);
    welford_init(&m->ctl_sojourn);
    welford_init(&m->goodput_long);
    memset(m->stage_sum, 0, sizeof(m->stage_sum));
    for (uint32_t i = 0; i < m->n_links; i++)
        fifo_server_reset_stats(&m->links[i].srv);
    for (uint32_t i = 0; i < m->n_switches; i++)
        flow_table_reset_stats(&m->tables[i]);
    for (uint32_t i = 0; m->vswitch && i < m->hosts; i++)
        fifo_server_reset_stats(&m->vswitch[i]);
    fifo_server_reset_stats(&m->controller);
}

static struct model *fabric_create(struct sim *sim, const struct scenario *sc, GError **error)
{
    struct fabric_model *m;
    uint32_t table_size = (uint32_t)scenario_int(sc, "fabric.table_size");

    if (!fabric_check(sc, error))
        return NULL;
    m = g_new0(struct fabric_model, 1);
    m->base.ops = &fabric_model_ops;
    m->sim = sim;
    read_params(m, sc);
    m->rng_arrival = sim_rng(sim, "fabric.arrivals");
    m->rng_hosts = sim_rng(sim, "fabric.hosts");
    m->rng_size = sim_rng(sim, "fabric.sizes");
    m->rng_ctl = sim_rng(sim, "fabric.controller");
    build_links(m, sc);
    m->n_switches = m->leaves + m->spines;
    m->tables = g_new0(struct flow_table, m->n_switches);
    for (uint32_t i = 0; i < m->n_switches; i++)
        flow_table_init(&m->tables[i], table_size, m->idle);
    if (m->vswitch_cost > 0) {
        m->vswitch = g_new0(struct fifo_server, m->hosts);
        for (uint32_t i = 0; i < m->hosts; i++) {
            fifo_server_init(&m->vswitch[i], sim, "vswitch", 1);
            fifo_server_keep_busy(&m->vswitch[i]);
        }
    }
    fifo_server_init(&m->controller, sim, "controller", 1);
    fifo_server_keep_waits(&m->controller);
    fifo_server_keep_busy(&m->controller);
    POOL_INIT(&m->pkts, struct fpkt, next);
    POOL_INIT(&m->flows, struct fflow, next_free);
    pool_set_grow_hook(&m->pkts, sim_mem_account, sim);
    pool_set_grow_hook(&m->flows, sim_mem_account, sim);
    hist_init(&m->fct_ps);
    fabric_reset_stats(m);
    m->next_arrival =
        sim_schedule(sim, sim_time_from_s(gsl_ran_exponential(m->rng_arrival, 1.0 / m->flow_rate)),
                     on_flow_arrival, m, NULL, 0);
    return &m->base;
}

static void fabric_warmup_end(struct model *base)
{
    fabric_reset_stats(container_of(base, struct fabric_model, base));
}

static void report_links(struct fabric_model *m, struct report *out)
{
    double max_all = 0, max_tier[N_TIERS] = { 0 }, sum_tier[N_TIERS] = { 0 };
    uint32_t n_tier[N_TIERS] = { 0 };

    for (uint32_t i = 0; i < m->n_links; i++) {
        struct flink *l = &m->links[i];
        double u = fifo_server_utilization(&l->srv);

        max_all = fmax(max_all, u);
        max_tier[l->tier] = fmax(max_tier[l->tier], u);
        sum_tier[l->tier] += u;
        n_tier[l->tier]++;
    }
    report_metric(out, "all", "link_utilization_max", max_all, "1");
    for (unsigned t = 0; t < N_TIERS; t++) {
        char name[64];

        snprintf(name, sizeof(name), "link_utilization_%s_max", tier_names[t]);
        report_metric(out, "all", name, max_tier[t], "1");
        snprintf(name, sizeof(name), "link_utilization_%s_mean", tier_names[t]);
        report_metric(out, "all", name, n_tier[t] ? sum_tier[t] / n_tier[t] : 0.0, "1");
    }
    report_metric(out, "all", "uplink_rate", m->uplink_rate, "bit/s");
}

static void report_tables(struct fabric_model *m, struct report *out)
{
    uint64_t lookups = 0, misses = 0, evictions = 0, expirations = 0, inserts = 0;
    uint32_t occupancy = 0;

    for (uint32_t i = 0; i < m->n_switches; i++) {
        struct flow_table *t = &m->tables[i];

        lookups += t->lookups;
        misses += t->misses;
        evictions += t->evictions;
        expirations += t->expirations;
        inserts += t->inserts;
        occupancy = MAX(occupancy, t->used_max);
    }
    report_metric(out, "all", "table_lookups", (double)lookups, "1");
    report_metric(out, "all", "table_misses", (double)misses, "1");
    /* No lookups: proactive rules match every packet, so none missed. */
    report_metric(out, "all", "table_miss_rate", lookups ? (double)misses / (double)lookups : 0.0,
                  "1");
    report_metric(out, "all", "table_inserts", (double)inserts, "1");
    report_metric(out, "all", "table_evictions", (double)evictions, "1");
    report_metric(out, "all", "table_expirations", (double)expirations, "1");
    report_metric(out, "all", "table_occupancy_max", (double)occupancy, "1");
}

static void fabric_report(struct model *base, struct report *out)
{
    struct fabric_model *m = container_of(base, struct fabric_model, base);
    double span = sim_time_to_s(sim_now(m->sim) - m->stat_start);
    double per_s = span > 0 ? 1.0 / span : 0.0;
    double n = (double)m->flows_completed;
    double vsw = 0;

    report_metric(out, "all", "fct_mean", welford_mean_defined(&m->fct), "s");
    report_metric(out, "all", "fct_p50", hist_quantile_defined(&m->fct_ps, 0.5) * 1e-12, "s");
    report_metric(out, "all", "fct_p99", hist_quantile_defined(&m->fct_ps, 0.99) * 1e-12, "s");
    report_metric(out, "all", "fct_short_mean", welford_mean_defined(&m->fct_short), "s");
    report_metric(out, "all", "fct_long_mean", welford_mean_defined(&m->fct_long), "s");
    report_metric(out, "all", "fct_slowdown", welford_mean_defined(&m->slowdown), "1");
    report_metric(out, "all", "flow_goodput_mean", welford_mean_defined(&m->goodput_long), "bit/s");
    report_metric(out, "all", "flows_short", (double)m->fct_short.n, "1");
    report_metric(out, "all", "flows_completed", n, "1");
    report_metric(out, "all", "flow_arrival_rate", (double)m->flows_arrived * per_s, "1/s");
    report_metric(out, "all", "throughput", (double)m->goodput_bytes * 8.0 * per_s, "bit/s");
    report_metric(out, "all", "packets", (double)m->pkts_delivered, "1");
    report_metric(out, "all", "pps", (double)m->pkts_delivered * per_s, "1/s");
    report_metric(out, "all", "drops", (double)m->drops, "1");
    report_metric(out, "all", "flow_setups", (double)m->setups, "1");
    report_metric(out, "all", "flow_setup_rate", (double)m->setups * per_s, "1/s");
    report_metric(out, "all", "flow_setup_mean", welford_mean_defined(&m->setup), "s");
    report_metric(out, "all", "controller_wait_mean", welford_mean_defined(&m->controller.wait),
                  "s");
    report_metric(out, "all", "controller_sojourn_mean", welford_mean_defined(&m->ctl_sojourn),
                  "s");
    report_metric(out, "all", "controller_utilization", fifo_server_utilization(&m->controller),
                  "1");
    report_metric(out, "all", "controller_throughput", (double)m->controller.completed * per_s,
                  "1/s");
    report_tables(m, out);
    report_links(m, out);
    for (uint32_t i = 0; m->vswitch && i < m->hosts; i++)
        vsw += fifo_server_utilization(&m->vswitch[i]);
    report_metric(out, "all", "vswitch_cpu", vsw, "1");
    report_metric(out, "all", "vswitch_cpu_per_host", vsw / m->hosts, "1");
    for (unsigned s = 0; s < N_STAGES; s++) {
        char name[48];

        snprintf(name, sizeof(name), "stage_%s", fabric_stage_names[s]);
        report_metric(out, "all", name, n > 0 ? (double)m->stage_sum[s] * 1e-12 / n : 0.0, "s");
    }
    /* Lifetime counters: flows_arrived_total = flows_completed_total +
     * flows_active; packets_created_total = packets_delivered_total +
     * packets_in_flight. */
    report_metric(out, "all", "flows_arrived_total", (double)m->flows_arrived_total, "1");
    report_metric(out, "all", "flows_completed_total", (double)m->flows_completed_total, "1");
    report_metric(out, "all", "flows_active",
                  (double)(m->flows_arrived_total - m->flows_completed_total), "1");
    report_metric(out, "all", "packets_created_total", (double)m->pkts_created_total, "1");
    report_metric(out, "all", "packets_delivered_total", (double)m->pkts_delivered_total, "1");
    report_metric(out, "all", "packets_in_flight", (double)pool_live(&m->pkts), "1");
    report_metric(out, "all", "drops_total", (double)m->drops_total, "1");
    report_metric(out, "all", "retransmits_total", (double)m->rtx_total, "1");
    report_hist(out, "all", "fct", &m->fct_ps, 1e-12, "s");
}

static void fabric_destroy(struct model *base)
{
    struct fabric_model *m = container_of(base, struct fabric_model, base);

    /* Pending events point at us; the sim is freed right after and never
     * runs them. */
    sim_cancel(m->sim, m->next_arrival);
    for (uint32_t i = 0; i < m->n_links; i++)
        fifo_server_release(&m->links[i].srv);
    for (uint32_t i = 0; i < m->n_switches; i++)
        flow_table_release(&m->tables[i]);
    for (uint32_t i = 0; m->vswitch && i < m->hosts; i++)
        fifo_server_release(&m->vswitch[i]);
    fifo_server_release(&m->controller);
    g_free(m->vswitch);
    g_free(m->tables);
    g_free(m->links);
    pool_release(&m->pkts);
    pool_release(&m->flows);
    hist_release(&m->fct_ps);
    g_free(m);
}

static const struct param_table *const fabric_param_tables[] = { &fabric_param_table, NULL };

const struct model_ops fabric_model_ops = {
    .name = "fabric",
    .help = "SDN leaf-spine fabric: flow completion times, controller setups, flow tables, VXLAN",
    .tables = fabric_param_tables,
    .check = fabric_check,
    .create = fabric_create,
    .warmup_end = fabric_warmup_end,
    .report = fabric_report,
    .destroy = fabric_destroy,
    .mem_estimate = fabric_mem_estimate,
    .stages = fabric_stage_names,
    .n_stages = N_STAGES,
};
