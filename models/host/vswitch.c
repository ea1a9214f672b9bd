/* Open vSwitch's datapath lookup after lib/dpif-netdev.c (OVS 3.x): per
 * switching thread an exact-match cache and a megaflow classifier probed in
 * the order of its subtables' hits, an upcall run by the thread itself, a
 * second pass for a tunnel's inner packet; or after the kernel's
 * net/openvswitch/flow_table.c: one classifier per host, a per-CPU cache of
 * each flow's mask. Left out: megaflow expiry, the signature match cache.
 * Costs: docs/sources.md#ovs-datapath. */
#include "vswitch.h"

#include <glib.h>

#include "rng.h"

/* An EMC slot: the flow it holds (0: empty) and that flow's hash. */
struct emc_slot {
    uint64_t flow;
    uint32_t hash;
};

/* A mask cache slot (struct mask_cache_entry): a flow hash (0: empty) and
 * the subtable its last packet hit. */
struct mc_slot {
    uint32_t hash;
    uint32_t subtable;
};

/**
 * struct vswitch_pmd - the state of the thread that switches on one core
 * (or, for the kernel datapath, the host's classifier)
 * @emc:       its exact-match cache, vswitch.emc_entries slots
 * @mc:        the kernel's mask cache, vswitch.mask_cache_entries slots
 * @megaflows: a megaflow (a flow without what the rules wildcard) -> its
 *             subtable + 1
 * @order:     the subtables that exist, in probe order
 * @pos:       each subtable's index in @order, or -1 before its first megaflow
 * @hits:      each subtable's hits since the last reordering
 */
struct vswitch_pmd {
    struct emc_slot *emc;
    struct mc_slot *mc;
    GHashTable *megaflows;
    unsigned *order, n_order;
    int *pos;
    uint64_t *hits;
    sim_time next_sort;
};

/* A flow's hash, as the NIC's RSS hash or the datapath's would be. */
static uint32_t flow_hash(uint64_t flow, uint64_t salt)
{
    uint64_t x = (flow ^ salt) * 0x9E3779B97F4A7C15ull;

    x ^= x >> 31;
    x *= 0xBF58476D1CE4E5B9ull;
    x ^= x >> 29;
    return (uint32_t)(x >> 32);
}

/* Megaflows are keyed by their 64-bit flow, stored as the pointer. */
G_STATIC_ASSERT(sizeof(gpointer) >= sizeof(uint64_t));

static guint megaflow_hash(gconstpointer key)
{
    return flow_hash((uint64_t)(uintptr_t)key, 0);
}

void vswitch_init(struct vswitch *vs, struct sim *sim, const struct scenario *sc, unsigned n_cores,
                  const char *name)
{
    g_autofree char *stream = g_strdup_printf("%s.vswitch", name);

    *vs = (struct vswitch){ 0 };
    vs->kernel = g_strcmp0(scenario_str(sc, "vswitch.datapath"), "ovs-kernel") == 0;
    vs->enabled = vs->kernel || g_strcmp0(scenario_str(sc, "vswitch.datapath"), "ovs") == 0;
    if (!vs->enabled)
        return;
    if (vs->kernel) {
        vs->mc_entries = (unsigned)scenario_int(sc, "vswitch.mask_cache_entries");
    } else {
        vs->emc_entries = (unsigned)scenario_int(sc, "vswitch.emc_entries");
        vs->emc_insert_inv = (unsigned)scenario_int(sc, "vswitch.emc_insert_inv_prob");
    }
    if (!vs->emc_entries)
        vs->emc_insert_inv = 0;
    vs->masks = (unsigned)scenario_int(sc, "vswitch.masks");
    if (g_strcmp0(scenario_str(sc, "vswitch.match"), "addresses") == 0)
        vs->wildcard = VSWITCH_PORTS;
    vs->emc_hit = scenario_time(sc, "vswitch.emc_hit");
    vs->probe = scenario_time(sc, "vswitch.probe");
    vs->upcall = scenario_time(sc, "vswitch.upcall");
    vs->sort_interval = scenario_time(sc, "vswitch.sort_interval");
    vs->rng = sim_rng(sim, stream);
    vs->n_cores = n_cores;
    /* The kernel's flow table is the host's: it sits after the cores. */
    vs->pmd = g_new0(struct vswitch_pmd *, n_cores + vs->kernel);
}

/* A core's thread (its caches and, but for the kernel, its classifier), or
 * the kernel's host-wide classifier (@slot = n_cores). */
static struct vswitch_pmd *pmd_get(struct vswitch *vs, unsigned slot, sim_time now)
{
    struct vswitch_pmd *t = vs->pmd[slot];

    if (t)
        return t;
    t = vs->pmd[slot] = g_new0(struct vswitch_pmd, 1);
    if (vs->emc_insert_inv && slot < vs->n_cores)
        t->emc = g_new0(struct emc_slot, vs->emc_entries);
    if (vs->mc_entries && slot < vs->n_cores)
        t->mc = g_new0(struct mc_slot, vs->mc_entries);
    t->megaflows = g_hash_table_new(megaflow_hash, g_direct_equal);
    t->order = g_new0(unsigned, vs->masks);
    t->pos = g_new(int, vs->masks);
    for (unsigned m = 0; m < vs->masks; m++)
        t->pos[m] = -1;
    t->hits = g_new0(uint64_t, vs->masks);
    t->next_sort = now + vs->sort_interval;
    return t;
}

static void pmd_free(struct vswitch_pmd *t)
{
    if (!t)
        return;
    g_free(t->emc);
    g_free(t->mc);
    g_hash_table_destroy(t->megaflows);
    g_free(t->order);
    g_free(t->pos);
    g_free(t->hits);
    g_free(t);
}

void vswitch_release(struct vswitch *vs)
{
    for (unsigned c = 0; vs->pmd && c < vs->n_cores + vs->kernel; c++)
        pmd_free(vs->pmd[c]);
    g_free(vs->pmd);
    vs->pmd = NULL;
}

void vswitch_reset_stats(struct vswitch *vs)
{
    vs->st = (struct vswitch_stats){ 0 };
}

/* The EMC's candidate slots for @hash: the hash's low bits, then the next
 * ones (EMC_FOR_EACH_POS_WITH_HASH, for any size). */
static struct emc_slot *emc_slot(const struct vswitch *vs, struct vswitch_pmd *t, uint32_t hash,
                                 unsigned i)
{
    return &t->emc[(i ? hash / vs->emc_entries : hash) % vs->emc_entries];
}

static bool emc_lookup(const struct vswitch *vs, struct vswitch_pmd *t, uint64_t flow,
                       uint32_t hash)
{
    for (unsigned i = 0; i < 2; i++)
        if (emc_slot(vs, t, hash, i)->flow == flow)
            return true;
    return false;
}

/* emc_insert(): an empty slot first, else the one with the lower hash. */
static void emc_insert(const struct vswitch *vs, struct vswitch_pmd *t, uint64_t flow,
                       uint32_t hash)
{
    struct emc_slot *victim = emc_slot(vs, t, hash, 0), *s = emc_slot(vs, t, hash, 1);

    if ((victim->flow && !s->flow) || s->hash < victim->hash)
        victim = s;
    victim->flow = flow;
    victim->hash = hash;
}

/* dpcls_sort_subtable_vector(): most-hit subtables first, equal counts in
 * their order; the counts start again. */
static void sort_subtables(struct vswitch_pmd *t)
{
    for (unsigned i = 1; i < t->n_order; i++) {
        unsigned s = t->order[i], j = i;

        for (; j > 0 && t->hits[t->order[j - 1]] < t->hits[s]; j--)
            t->order[j] = t->order[j - 1];
        t->order[j] = s;
    }
    for (unsigned i = 0; i < t->n_order; i++) {
        t->pos[t->order[i]] = (int)i;
        t->hits[t->order[i]] = 0;
    }
}

/* The subtable holding @flow's megaflow in @cls, plus 1; 0: none. */
static unsigned megaflow_of(const struct vswitch *vs, struct vswitch_pmd *cls, uint64_t flow)
{
    gpointer key = (gpointer)(uintptr_t)(flow & ~vs->wildcard);

    return GPOINTER_TO_UINT(g_hash_table_lookup(cls->megaflows, key));
}

/* The classifier's search: adds the subtables probed to *@probed and sets
 * *@sub to the one holding @flow's megaflow; a miss installs it (a new
 * subtable goes last) and returns false. */
static bool classify(const struct vswitch *vs, struct vswitch_pmd *cls, uint64_t flow,
                     unsigned *probed, unsigned *sub)
{
    unsigned s = megaflow_of(vs, cls, flow);

    if (s) {
        *probed += (unsigned)cls->pos[s - 1] + 1;
        cls->hits[s - 1]++;
        *sub = s - 1;
        return true;
    }
    *probed += cls->n_order;
    s = flow_hash(flow & ~vs->wildcard, 0x5bd1e995) % vs->masks;
    if (cls->pos[s] < 0) {
        cls->pos[s] = (int)cls->n_order;
        cls->order[cls->n_order++] = s;
    }
    cls->hits[s]++;
    g_hash_table_insert(cls->megaflows, (gpointer)(uintptr_t)(flow & ~vs->wildcard),
                        GUINT_TO_POINTER(s + 1));
    *sub = s;
    return false;
}

/* ovs_flow_tbl_lookup_stats(): each byte of the flow's @hash picks a slot
 * of the CPU's mask cache; one holding @hash names the subtable to probe
 * first. True when that probe finds the megaflow; else *@victim is the
 * slot the full search's answer goes to (an empty one if it met one). */
static bool mc_lookup(const struct vswitch *vs, struct vswitch_pmd *t, struct vswitch_pmd *cls,
                      uint64_t flow, uint32_t hash, struct mc_slot **victim, unsigned *probed)
{
    struct mc_slot *del = NULL;
    uint32_t h = hash;

    for (unsigned seg = 0; seg < 4; seg++, h >>= 8) {
        struct mc_slot *ce = &t->mc[h % vs->mc_entries];

        if (ce->hash == hash) {
            (*probed)++;
            if (megaflow_of(vs, cls, flow) == ce->subtable + 1) {
                cls->hits[ce->subtable]++;
                return true;
            }
            del = ce;
            break;
        }
        if (!del || (del->hash && !ce->hash))
            del = ce;
    }
    *victim = del;
    return false;
}

/* One datapath pass of @flow: @t's caches, then @cls's classifier. */
static sim_time pass(struct vswitch *vs, struct vswitch_pmd *t, struct vswitch_pmd *cls,
                     uint64_t flow)
{
    uint32_t hash = flow_hash(flow, 0) | 1; /* 0 marks an empty slot */
    struct mc_slot *victim = NULL;
    unsigned probed = 0, sub;
    sim_time cost = vs->emc_hit;

    vs->st.lookups++;
    if (t->emc && emc_lookup(vs, t, flow, hash)) {
        vs->st.emc_hits++;
        return cost;
    }
    if (t->mc && mc_lookup(vs, t, cls, flow, hash, &victim, &probed)) {
        vs->st.mask_cache_hits++;
        vs->st.megaflow_hits++;
    } else if (classify(vs, cls, flow, &probed, &sub)) {
        vs->st.megaflow_hits++;
        if (victim)
            *victim = (struct mc_slot){ .hash = hash, .subtable = sub };
    } else {
        vs->st.upcalls++;
        cost += vs->upcall;
    }
    vs->st.masks_probed += probed;
    cost += (sim_time)probed * vs->probe;
    /* emc_probabilistic_insert(): rarely, so that a crowd of flows does
     * not thrash the cache and the busiest flows get in first. */
    if (t->emc && gsl_rng_uniform_int(vs->rng, vs->emc_insert_inv) == 0)
        emc_insert(vs, t, flow, hash);
    return cost;
}

/* Bit 63 keeps a flow from 0, the EMC's empty slot; bit 62 marks the inner
 * packet's pass, a flow of the tunnel port's own megaflows. */
#define FLOW_SET   (1ull << 63)
#define FLOW_INNER (1ull << 62)

sim_time vswitch_lookup(struct vswitch *vs, unsigned core, uint64_t flow, bool decap, sim_time now)
{
    struct vswitch_pmd *t, *cls;
    sim_time cost;

    if (!vs->enabled)
        return 0;
    g_assert(core < vs->n_cores && flow < 1ull << 48);
    t = pmd_get(vs, core, now);
    cls = vs->kernel ? pmd_get(vs, vs->n_cores, now) : t;
    if (now >= cls->next_sort) {
        sort_subtables(cls);
        cls->next_sort = now + vs->sort_interval;
    }
    vs->st.packets++;
    cost = pass(vs, t, cls, flow | FLOW_SET);
    if (decap)
        cost += pass(vs, t, cls, flow | FLOW_SET | FLOW_INNER);
    vs->st.cpu += cost;
    return cost;
}

uint64_t vswitch_core_bytes(const struct scenario *sc)
{
    const char *dp = scenario_str(sc, "vswitch.datapath");

    if (g_strcmp0(dp, "ovs-kernel") == 0)
        return (uint64_t)scenario_int(sc, "vswitch.mask_cache_entries") * sizeof(struct mc_slot);
    if (g_strcmp0(dp, "ovs") == 0)
        return (uint64_t)scenario_int(sc, "vswitch.emc_entries") * sizeof(struct emc_slot);
    return 0;
}

void vswitch_stats_add(struct vswitch_stats *sum, const struct vswitch *vs)
{
    sum->packets += vs->st.packets;
    sum->lookups += vs->st.lookups;
    sum->emc_hits += vs->st.emc_hits;
    sum->megaflow_hits += vs->st.megaflow_hits;
    sum->mask_cache_hits += vs->st.mask_cache_hits;
    sum->upcalls += vs->st.upcalls;
    sum->masks_probed += vs->st.masks_probed;
    sum->cpu += vs->st.cpu;
}

void vswitch_report(const struct vswitch_stats *s, double span, struct report *out)
{
    /* Hit rates per datapath pass, as OVS counts them; the rest per packet. */
    double passes = s->lookups ? (double)s->lookups : 1;
    double n = s->packets ? (double)s->packets : 1;

    report_metric(out, "all", "vswitch_packets", (double)s->packets, "1");
    report_metric(out, "all", "vswitch_lookups", (double)s->lookups, "1");
    report_metric(out, "all", "vswitch_passes_per_packet", (double)s->lookups / n, "1");
    report_metric(out, "all", "vswitch_emc_hits", (double)s->emc_hits, "1");
    report_metric(out, "all", "vswitch_megaflow_hits", (double)s->megaflow_hits, "1");
    report_metric(out, "all", "vswitch_mask_cache_hits", (double)s->mask_cache_hits, "1");
    report_metric(out, "all", "vswitch_upcalls", (double)s->upcalls, "1");
    report_metric(out, "all", "vswitch_emc_hit_rate", (double)s->emc_hits / passes, "1");
    report_metric(out, "all", "vswitch_masks_per_packet", (double)s->masks_probed / n, "1");
    report_metric(out, "all", "vswitch_cost_per_packet", sim_time_to_s(s->cpu) / n, "s");
    report_metric(out, "all", "vswitch_cpu", span > 0 ? sim_time_to_s(s->cpu) / span : 0, "1");
}
