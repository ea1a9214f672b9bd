/* The address plane of addressing.h. Each sender port (a host, or the
 * gateway in front of the bare-metal peer) keeps what it knows of each VM:
 * under flat L2 an ARP cache entry (fabric.cache_timeout, Linux's
 * base_reachable_time) and the switches' MAC tables say where frames go;
 * under VL2 its agent caches the VM's locator for the same time after a
 * directory lookup; under an overlay its vSwitch holds the mapping the
 * controller pushed. A miss makes the packet wait: two crossings of the
 * fabric for an ARP broadcast and its reply, fabric.directory_latency for
 * a lookup. A move converges as each scheme does: a gratuitous ARP that
 * reaches every switch after one crossing; a directory update, then a
 * correction to each sender whose packet reached the old locator (which
 * forwards it); the controller's rule on every vSwitch that holds the VM's
 * mapping after fabric.control_delay + fabric.install_latency. An overlay
 * whose vSwitch tables (fabric.overlay_table_size) cannot hold every VM
 * fills them on demand: a miss asks the controller and waits for the
 * install, as a reactive OpenFlow switch does. fabric.conversation_rate
 * adds conversations that only resolve (the address traffic of a busy
 * subnet without simulating its data). Left out: MAC learning from unicast
 * frames (switches learn from broadcasts), the copies a flood sends,
 * ARP's unicast re-validation of stale entries, the controller's queue.
 * Sources: docs/sources.md (linux-neigh, vl2-directory; the overlay's
 * control delay and install latency are the fabric model's). */
#include "addressing.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include <glib.h>
#include <gsl/gsl_randist.h>

#include "../param_tables.h"
#include "flow_table.h"
#include "param_table.h"
#include "rng.h"

static const struct param_def addressing_params[] = {
    PDEF_ENUM("fabric.addressing", "none", "none|flat|vl2|overlay",
              "how senders find a VM's host: none (known at once, moves seen at once), flat "
              "(one L2 segment: ARP broadcast, MAC learning), vl2 (directory lookups cached at "
              "each host's agent), overlay (the SDN controller pushes mappings to every vSwitch)",
              "choice: none keeps the runs without an address plane as they were"),
    PDEF_INT("fabric.mac_table_size", "32768", 1, 4194304,
             "flat: MAC addresses each switch's table holds (LRU eviction when full; a miss "
             "floods the frame)",
             "trident2-tables: Trident II, default forwarding profile, 32k MAC addresses "
             "(Cumulus Linux)"),
    PDEF_TIME("fabric.mac_aging", "300s", 0, 1e6,
              "flat: a MAC entry unused this long ages out (0: never)",
              "mac-ageing: IEEE 802.1Q recommends 300 s; Linux BR_DEFAULT_AGEING_TIME = 300 s"),
    PDEF_TIME("fabric.cache_timeout", "30s", 1e-6, 1e6,
              "flat and vl2: how long a host keeps a VM's resolved address (ARP cache, VL2 "
              "agent cache) before resolving it again",
              "linux-neigh: base_reachable_time_ms = 30000"),
    PDEF_TIME("fabric.directory_latency", "650us", 0, 1,
              "vl2: a directory lookup from a host's agent (request and reply); also how long "
              "a correction takes to reach a sender",
              "VL2 SIGCOMM'09 §5.5 Fig. 14(a): median lookup with three directory servers at "
              "32K lookups/s (D: 0.65 ms read from the plot; text: median < 1 ms up to 40K "
              "lookups/s) (sources.md#vl2-directory)"),
    PDEF_TIME("fabric.directory_update", "70ms", 0, 10,
              "vl2: from a VM's resumption until the directory maps it to its new locator",
              "VL2 SIGCOMM'09 §5.5 Fig. 14(c): median convergence, from an update until lookups "
              "reflect it (D: 70 ms read from the plot; text: 70% of updates within 100 ms, 99% "
              "within 530 ms) (sources.md#vl2-directory)"),
    PDEF_INT("fabric.overlay_table_size", "0", 0, 4194304,
             "overlay: VM mappings each vSwitch (or NIC) holds, LRU when full (0: every VM's). "
             "Smaller than the VMs, the controller installs them on demand: a packet whose "
             "mapping is missing waits fabric.control_delay + fabric.install_latency",
             "choice: 0, a software vSwitch's tables are bounded by memory only; set it for a "
             "NIC's offload table"),
    PDEF("fabric.conversation_rate", PARAM_REAL, DIM_PKTRATE, "0pps", 0, 1e9,
         "new conversations per VM per second, each with a uniformly drawn other VM: each "
         "resolves its address (broadcast, lookup or nothing) without sending data",
         "choice: 0, no address traffic beyond the workload's"),
};

static const size_t addressing_n_params = G_N_ELEMENTS(addressing_params);

const struct param_table addressing_param_table = { .params = addressing_params,
                                                    .n = &addressing_n_params };

struct addr_plane {
    struct sim *sim;
    enum addr_scheme scheme;
    unsigned n_senders, n_vms, n_switches, n_leaves;
    unsigned *where;         /* the host each VM runs on */
    unsigned *dir;           /* the directory's, the switches' or the controller's view */
    unsigned *view;          /* [from * n_vms + vm]: what sender @from believes */
    sim_time *expiry;        /* [from * n_vms + vm]: its cache entry until (flat, vl2) */
    unsigned *port_switch;   /* the switch of each sender port */
    struct flow_table *macs; /* flat: one MAC table per switch */
    struct flow_table *maps; /* overlay with finite tables: one per sender */
    sim_time one_way, timeout, lookup, dir_update, rule_time;
    double conv_rate;
    gsl_rng *rng;
    uint64_t broadcasts, lookups, installs, requests, floods, misdelivered, forwarded, corrections;
    sim_time moved_at, last_stale;
    bool moved;
};

enum addr_scheme addr_plane_scheme(const struct addr_plane *a)
{
    return a->scheme;
}

static size_t at(const struct addr_plane *a, unsigned from, unsigned vm)
{
    return (size_t)from * a->n_vms + vm;
}

/* Every switch sees a broadcast and learns its sender's MAC. */
static void broadcast_from(struct addr_plane *a, unsigned vm)
{
    sim_time now = sim_now(a->sim);

    a->broadcasts++;
    for (unsigned s = 0; s < a->n_switches; s++)
        flow_table_insert(&a->macs[s], vm, now);
}

/* Flat: the ARP cache of @from, and the table of its switch, which floods
 * a frame for a MAC it does not hold (and learns it from the reply). */
static unsigned resolve_flat(struct addr_plane *a, unsigned from, unsigned vm, int src,
                             sim_time *wait)
{
    sim_time now = sim_now(a->sim);
    size_t k = at(a, from, vm);
    struct flow_table *t = &a->macs[a->port_switch[from]];

    if (a->expiry[k] <= now) {
        if (src >= 0)
            broadcast_from(a, (unsigned)src);
        else
            a->broadcasts++;
        *wait = 2 * a->one_way;
        a->expiry[k] = now + *wait + a->timeout;
    }
    if (!flow_table_lookup(t, vm, now)) {
        a->floods++;
        flow_table_insert(t, vm, now);
    }
    return a->dir[vm];
}

/* Overlay: the mapping pushed to @from's vSwitch; one its full table has
 * evicted (or never got) is asked of the controller, and the packet waits
 * for the install. */
static unsigned resolve_overlay(struct addr_plane *a, unsigned from, unsigned vm, sim_time *wait)
{
    sim_time now = sim_now(a->sim);
    size_t k = at(a, from, vm);

    if (a->maps && !flow_table_lookup(&a->maps[from], vm, now)) {
        a->requests++;
        a->installs++;
        *wait = a->rule_time;
        a->view[k] = a->dir[vm];
        flow_table_insert(&a->maps[from], vm, now);
    }
    return a->view[k];
}

unsigned addr_resolve(struct addr_plane *a, unsigned from, unsigned vm, int src, sim_time *wait)
{
    sim_time now = sim_now(a->sim);
    size_t k;

    *wait = 0;
    switch (a->scheme) {
    case ADDR_FLAT:
        return resolve_flat(a, from, vm, src, wait);
    case ADDR_VL2:
        k = at(a, from, vm);
        if (a->expiry[k] <= now) {
            a->lookups++;
            *wait = a->lookup;
            a->view[k] = a->dir[vm];
            a->expiry[k] = now + *wait + a->timeout;
        }
        return a->view[k];
    case ADDR_OVERLAY:
        return resolve_overlay(a, from, vm, wait);
    default:
        return a->where[vm];
    }
}

/* ---- moves ---- */

struct move_msg {
    unsigned vm, to;
};

/* Flat: the gratuitous ARP has crossed the fabric; VL2: the directory is
 * updated; overlay: the controller's rule is on every vSwitch that holds
 * the VM's mapping (the others ask it on their next miss). */
static void on_view_update(struct sim *sim, void *ctx, const void *payload)
{
    struct addr_plane *a = ctx;
    struct move_msg m;

    memcpy(&m, payload, sizeof(m));
    a->dir[m.vm] = m.to;
    if (a->scheme == ADDR_FLAT)
        broadcast_from(a, m.vm);
    if (a->scheme != ADDR_OVERLAY)
        return;
    for (unsigned f = 0; f < a->n_senders; f++) {
        if (a->maps && !flow_table_holds(&a->maps[f], m.vm, sim_now(sim)))
            continue;
        a->view[at(a, f, m.vm)] = m.to;
        a->installs++;
    }
}

void addr_moved(struct addr_plane *a, unsigned vm, unsigned to)
{
    struct move_msg m = { vm, to };
    sim_time when = a->scheme == ADDR_FLAT  ? a->one_way
                    : a->scheme == ADDR_VL2 ? a->dir_update
                                            : a->rule_time;

    a->where[vm] = to;
    a->moved = true;
    a->moved_at = sim_now(a->sim);
    if (a->scheme != ADDR_NONE)
        sim_schedule(a->sim, when, on_view_update, a, &m, sizeof(m));
}

/* VL2: the directory's correction reaches the sender, whose agent drops
 * the stale entry (the next packet looks the VM up again). */
static void on_correction(struct sim *sim, void *ctx, const void *payload)
{
    struct addr_plane *a = ctx;
    struct move_msg m; /* the sender in .to */

    (void)sim;
    memcpy(&m, payload, sizeof(m));
    if (a->view[at(a, m.to, m.vm)] != a->where[m.vm]) {
        a->expiry[at(a, m.to, m.vm)] = 0;
        a->corrections++;
    }
}

enum addr_stale addr_misdelivered(struct addr_plane *a, unsigned from, unsigned vm,
                                  unsigned at_host)
{
    struct move_msg m = { vm, from };

    (void)at_host;
    a->misdelivered++;
    a->last_stale = sim_now(a->sim);
    if (a->scheme != ADDR_VL2)
        return ADDR_DROP;
    a->forwarded++;
    sim_schedule(a->sim, a->lookup, on_correction, a, &m, sizeof(m));
    return ADDR_FORWARD;
}

/* ---- conversations ---- */

static void on_conversation(struct sim *sim, void *ctx, const void *payload)
{
    struct addr_plane *a = ctx;
    unsigned src = (unsigned)gsl_rng_uniform_int(a->rng, a->n_vms);
    unsigned dst = (unsigned)gsl_rng_uniform_int(a->rng, a->n_vms - 1);
    sim_time wait;

    (void)payload;
    dst += dst >= src;
    addr_resolve(a, a->where[src], dst, (int)src, &wait);
    sim_schedule(sim, sim_time_from_s(gsl_ran_exponential(a->rng, 1.0 / (a->conv_rate * a->n_vms))),
                 on_conversation, a, NULL, 0);
}

/* ---- life ---- */

struct addr_plane *addr_plane_new(struct sim *sim, const struct scenario *sc, unsigned n_senders,
                                  unsigned n_vms, const unsigned *vm_host,
                                  const unsigned *port_switch, unsigned n_switches,
                                  unsigned n_leaves, sim_time one_way)
{
    const char *name = scenario_str(sc, "fabric.addressing");
    struct addr_plane *a;
    size_t pairs = (size_t)n_senders * n_vms;

    if (strcmp(name, "none") == 0)
        return NULL;
    a = g_new0(struct addr_plane, 1);
    a->sim = sim;
    a->scheme = strcmp(name, "flat") == 0  ? ADDR_FLAT
                : strcmp(name, "vl2") == 0 ? ADDR_VL2
                                           : ADDR_OVERLAY;
    a->n_senders = n_senders;
    a->n_vms = n_vms;
    a->n_switches = n_switches;
    a->n_leaves = n_leaves;
    a->where = g_memdup2(vm_host, n_vms * sizeof(unsigned));
    a->dir = g_memdup2(vm_host, n_vms * sizeof(unsigned));
    a->port_switch = g_memdup2(port_switch, n_senders * sizeof(unsigned));
    a->view = g_new(unsigned, pairs);
    a->expiry = g_new0(sim_time, pairs);
    /* The controller pushed every mapping when the VMs were placed. */
    for (size_t k = 0; k < pairs; k++)
        a->view[k] = vm_host[k % n_vms];
    a->one_way = one_way;
    a->timeout = scenario_time(sc, "fabric.cache_timeout");
    a->lookup = scenario_time(sc, "fabric.directory_latency");
    a->dir_update = scenario_time(sc, "fabric.directory_update");
    a->rule_time =
        scenario_time(sc, "fabric.control_delay") + scenario_time(sc, "fabric.install_latency");
    /* Tables keyed by VM never hold more than the VMs: no larger array. */
    if (a->scheme == ADDR_FLAT) {
        uint32_t cap = (uint32_t)MIN((unsigned)scenario_int(sc, "fabric.mac_table_size"), n_vms);

        a->macs = g_new0(struct flow_table, n_switches);
        for (unsigned s = 0; s < n_switches; s++)
            flow_table_init(&a->macs[s], cap, scenario_time(sc, "fabric.mac_aging"));
    }
    /* Tables too small for every mapping start empty and fill on demand. */
    unsigned maps = (unsigned)scenario_int(sc, "fabric.overlay_table_size");
    if (a->scheme == ADDR_OVERLAY && maps > 0 && maps < n_vms) {
        a->maps = g_new0(struct flow_table, n_senders);
        for (unsigned f = 0; f < n_senders; f++)
            flow_table_init(&a->maps[f], maps, 0);
    }
    a->conv_rate = scenario_real(sc, "fabric.conversation_rate");
    a->rng = sim_rng(sim, "fabric.conversations");
    if (a->conv_rate > 0 && n_vms > 1)
        on_conversation(sim, a, NULL);
    return a;
}

void addr_plane_free(struct addr_plane *a)
{
    if (!a)
        return;
    for (unsigned s = 0; a->macs && s < a->n_switches; s++)
        flow_table_release(&a->macs[s]);
    for (unsigned f = 0; a->maps && f < a->n_senders; f++)
        flow_table_release(&a->maps[f]);
    g_free(a->macs);
    g_free(a->maps);
    g_free(a->where);
    g_free(a->dir);
    g_free(a->port_switch);
    g_free(a->view);
    g_free(a->expiry);
    g_free(a);
}

void addr_reset_stats(struct addr_plane *a)
{
    a->broadcasts = a->lookups = a->installs = a->requests = a->floods = 0;
    a->misdelivered = a->forwarded = a->corrections = 0;
    for (unsigned s = 0; a->macs && s < a->n_switches; s++)
        flow_table_reset_stats(&a->macs[s]);
}

/* Entries switch @s holds: flat, the MACs it learned (an aged-out one
 * until a lookup or an insert removes it); VL2's switches route the ToRs'
 * locators, an overlay's underlay the tunnel endpoints. */
static double switch_table(const struct addr_plane *a, unsigned s)
{
    if (a->scheme == ADDR_FLAT)
        return a->macs[s].used;
    return a->scheme == ADDR_VL2 ? a->n_leaves : a->n_senders;
}

/* Each switch's (scopes leafN, spineN), their mean and the fullest. */
static void switch_tables(const struct addr_plane *a, struct report *out, double *mean, double *max)
{
    char scope[24];

    *mean = *max = 0;
    for (unsigned s = 0; s < a->n_switches; s++) {
        double used = switch_table(a, s);

        if (s < a->n_leaves)
            snprintf(scope, sizeof(scope), "leaf%u", s);
        else
            snprintf(scope, sizeof(scope), "spine%u", s - a->n_leaves);
        report_metric(out, scope, "addr_switch_table", used, "1");
        *mean += used / a->n_switches;
        *max = MAX(*max, used);
    }
}

/* Entries a sender holds: its cache's live ones, or the mappings in an
 * overlay's vSwitch (every VM's when its table can hold them). */
static double host_table(const struct addr_plane *a)
{
    sim_time now = sim_now(a->sim);
    size_t live = 0, pairs = (size_t)a->n_senders * a->n_vms;

    if (a->scheme == ADDR_OVERLAY && !a->maps)
        return a->n_vms;
    for (unsigned f = 0; a->maps && f < a->n_senders; f++)
        live += a->maps[f].used;
    if (a->maps)
        return (double)live / a->n_senders;
    for (size_t k = 0; k < pairs; k++)
        live += a->expiry[k] > now;
    return (double)live / a->n_senders;
}

void addr_report(const struct addr_plane *a, double span, struct report *out)
{
    double mean, max, evictions = 0;

    switch_tables(a, out, &mean, &max);
    for (unsigned s = 0; a->macs && s < a->n_switches; s++)
        evictions += (double)a->macs[s].evictions;
    report_metric(out, "all", "addr_broadcasts_per_second", (double)a->broadcasts / span, "1/s");
    report_metric(out, "all", "addr_floods_per_second", (double)a->floods / span, "1/s");
    report_metric(out, "all", "addr_lookups_per_second", (double)a->lookups / span, "1/s");
    report_metric(out, "all", "addr_rule_installs_per_second", (double)a->installs / span, "1/s");
    report_metric(out, "all", "addr_rule_requests_per_second", (double)a->requests / span, "1/s");
    report_metric(out, "all", "addr_control_per_second",
                  (double)(a->broadcasts + a->floods + a->lookups + a->installs + a->corrections) /
                      span,
                  "1/s");
    report_metric(out, "all", "addr_switch_table_mean", mean, "1");
    report_metric(out, "all", "addr_switch_table_max", max, "1");
    report_metric(out, "all", "addr_host_table_mean", host_table(a), "1");
    report_metric(out, "all", "addr_table_evictions", evictions, "1");
    report_metric(out, "all", "addr_misdelivered", (double)a->misdelivered, "1");
    report_metric(out, "all", "addr_forwarded", (double)a->forwarded, "1");
    /* From the move until the last packet that went to the old host. */
    report_metric(out, "all", "addr_convergence",
                  !a->moved                     ? NAN
                  : a->last_stale > a->moved_at ? sim_time_to_s(a->last_stale - a->moved_at)
                                                : 0,
                  "s");
}
