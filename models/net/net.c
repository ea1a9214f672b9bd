/* The net model: builds the hosts (cores, hypervisor, PCIe, IOMMU, NIC), the
 * VMs with their workloads and each group's strategy and disk, the fabric
 * and the peer; reports throughput, latency, CPU, exits, interrupts and the
 * per-stage breakdown per run (scope "all"), per group and per VM ("vm0",
 * ...). Defaults and their sources: net_params.c and the component tables;
 * the whole model: docs/models.md. */
#include "net.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <glib.h>

#include "../blk/blk.h"
#include "../fabric/addressing.h"
#include "../fabric/fabric_params.h"
#include "../param_tables.h"
#include "guest_stack.h"
#include "hugemem.h"
#include "migration.h"
#include "net_mem.h"
#include "net_params.h"
#include "strategy.h"
#include "workload.h"

GArray *net_groups(const struct scenario *sc, GError **error)
{
    static const char *const single[] = { "vm.count", "vm.vcpus", "vm.disk", "io.strategy" };
    GArray *groups = g_array_new(FALSE, TRUE, sizeof(struct net_group));
    GPtrArray *names = scenario_instances(sc, "group");

    for (guint k = 0; k < names->len; k++) {
        const char *name = g_ptr_array_index(names, k);
        struct net_group g = { 0 };

#define GKEY(field) (g_snprintf(key, sizeof(key), "group.%s." field, name), key)
        char key[96];

        g_strlcpy(g.name, name, sizeof(g.name));
        g.count = (unsigned)scenario_int(sc, GKEY("count"));
        g.vcpus = (unsigned)scenario_int(sc, GKEY("vcpus"));
        g.ops = io_strategy_lookup(scenario_str(sc, GKEY("net")));
        g.disk = scenario_str(sc, GKEY("disk"));
#undef GKEY
        if (strcmp(g.disk, "none") == 0)
            g.disk = NULL;
        g_array_append_val(groups, g);
    }
    g_ptr_array_unref(names);
    if (groups->len) {
        for (size_t k = 0; k < G_N_ELEMENTS(single); k++)
            if (scenario_is_set(sc, single[k])) {
                scenario_error(sc, single[k], error,
                               "the [group NAME] sections say what VMs each host holds; set it "
                               "per group (count, net, disk, vcpus)");
                g_array_unref(groups);
                return NULL;
            }
    } else {
        struct net_group g = {
            .count = (unsigned)scenario_int(sc, "vm.count"),
            .vcpus = (unsigned)scenario_int(sc, "vm.vcpus"),
            .ops = io_strategy_lookup(scenario_str(sc, "io.strategy")),
            .disk = scenario_str(sc, "vm.disk"),
        };

        if (strcmp(g.disk, "none") == 0)
            g.disk = NULL;
        g_array_append_val(groups, g);
    }
    return groups;
}

const char *net_group_key(const struct net_group *g, const char *field, char *buf, size_t n)
{
    static const char *const vm_keys[][2] = { { "count", "vm.count" },
                                              { "vcpus", "vm.vcpus" },
                                              { "net", "io.strategy" },
                                              { "disk", "vm.disk" } };

    if (g->name[0]) {
        g_snprintf(buf, n, "group.%s.%s", g->name, field);
        return buf;
    }
    for (size_t k = 0; k < G_N_ELEMENTS(vm_keys); k++)
        if (strcmp(vm_keys[k][0], field) == 0)
            return vm_keys[k][1];
    g_assert_not_reached();
}

/* Cores per host the strategies' polling threads hold (each strategy
 * once, whatever its groups); *@key names the parameter of the last. */
static unsigned polling_cores(const struct scenario *sc, const struct net_group *g, unsigned n,
                              const char **key)
{
    unsigned sum = 0;

    for (unsigned k = 0; k < n; k++) {
        bool seen = false;

        for (unsigned j = 0; j < k; j++)
            seen |= g[j].ops == g[k].ops;
        if (!seen && g[k].ops->polling_cores)
            sum += g[k].ops->polling_cores(sc, key);
    }
    return sum;
}

/* Per host: the VMs of each strategy, each within its own limits. */
static bool groups_check(const struct scenario *sc, const struct net_group *g, unsigned n,
                         GError **error)
{
    int64_t vms = 0, vcpus = 0, cores = scenario_int(sc, "host.cores");
    int64_t vswitch = scenario_int(sc, "host.vswitch_cores");
    char key[96];

    if (vswitch >= cores) {
        scenario_error(sc, "host.vswitch_cores", error,
                       "%" G_GINT64_FORMAT
                       " cores for the vSwitch leave none of the %" G_GINT64_FORMAT
                       " host cores for the VMs",
                       vswitch, cores);
        return false;
    }
    cores -= vswitch; /* what the VMs' threads may use */

    for (unsigned k = 0; k < n; k++) {
        int64_t same = 0;

        vms += g[k].count;
        vcpus += (int64_t)g[k].count * g[k].vcpus;
        for (unsigned j = 0; j <= k; j++)
            if (g[j].ops == g[k].ops)
                same += g[j].count;
        if (g[k].ops->check &&
            !g[k].ops->check(sc, net_group_key(&g[k], "count", key, sizeof(key)), same, error))
            return false;
        if (g[k].disk && !blk_disk_check(sc, g[k].disk, error))
            return false;
        if (!guest_queues_check(sc, g[k].ops, g[k].vcpus, error))
            return false;
    }
    /* A packet names its VMs in 16 bits: more would wrap to other VMs. */
    int64_t hosts = scenario_int(sc, "host.count");
    if (vms * hosts > NET_MAX_VMS) {
        scenario_error(
            sc, hosts > 1 ? "host.count" : net_group_key(&g[n - 1], "count", key, sizeof(key)),
            error,
            "%" G_GINT64_FORMAT " VMs on %" G_GINT64_FORMAT
            " host(s), more than the %d a run can address",
            vms * hosts, hosts, NET_MAX_VMS);
        return false;
    }
    const char *poll_key = NULL;
    int64_t polling = polling_cores(sc, g, n, &poll_key);

    bool pinned = scenario_bool(sc, "host.pin_vcpus");

    /* Polling threads keep their cores: the vCPUs get the others (each
     * its own when pinned). */
    if (polling && (pinned ? vcpus + polling > cores : polling >= cores)) {
        scenario_error(sc, scenario_is_set(sc, poll_key) ? poll_key : "host.cores", error,
                       "%" G_GINT64_FORMAT " polling core(s) need cores that hold no vCPU; "
                       "the host's %" G_GINT64_FORMAT " core(s) hold %" G_GINT64_FORMAT
                       " vCPU(s)%s",
                       polling, cores, vcpus, pinned ? " (pinned)" : "");
        return false;
    }
    if (g_strcmp0(scenario_str(sc, "host.backend_placement"), "pinned") == 0 &&
        cores - polling - MIN(vcpus, cores - polling) < vms) {
        scenario_error(sc, "host.backend_placement", error,
                       "pinned backends need a core per VM beyond the vCPUs' (%" G_GINT64_FORMAT
                       " VMs, %" G_GINT64_FORMAT " vCPUs, %" G_GINT64_FORMAT
                       " host cores not set apart for the vSwitch)",
                       vms, vcpus, cores);
        return false;
    }
    if (pinned && vcpus > cores) {
        scenario_error(sc, net_group_key(&g[n - 1], "vcpus", key, sizeof(key)), error,
                       "%" G_GINT64_FORMAT " vCPUs cannot be pinned on %" G_GINT64_FORMAT
                       " host cores (host.vswitch_cores excluded); raise host.cores or set "
                       "host.pin_vcpus = false",
                       vcpus, cores);
        return false;
    }
    /* Same-host traffic goes to the next VM of the sender's group. */
    for (unsigned k = 0; k < n && g_strcmp0(scenario_str(sc, "workload.target"), "vm") == 0; k++) {
        if (!g[k].ops->vm_to_vm) {
            scenario_error(sc, "workload.target", error,
                           "strategy '%s' has no path between VMs on one host", g[k].ops->name);
            return false;
        }
        if (g[k].count < 2) {
            scenario_error(sc, "workload.target", error,
                           "VM-to-VM traffic needs %s >= 2 (the next VM of its group)",
                           net_group_key(&g[k], "count", key, sizeof(key)));
            return false;
        }
    }
    return true;
}

/* The host scheduler tells threads apart by an int: every VM of the world
 * has one per vCPU, its disk's and one per host core (net_thread_id()). */
static bool threads_check(const struct scenario *sc, const struct net_group *g, unsigned n,
                          GError **error)
{
    int64_t vms = 0, max_vcpus = 0, hosts = scenario_int(sc, "host.count");

    for (unsigned k = 0; k < n; k++) {
        vms += g[k].count;
        max_vcpus = MAX(max_vcpus, (int64_t)g[k].vcpus);
    }
    if (hosts * vms * (max_vcpus + 1 + scenario_int(sc, "host.cores")) > INT_MAX) {
        scenario_error(sc, "host.count", error,
                       "%" G_GINT64_FORMAT " hosts of %" G_GINT64_FORMAT
                       " VMs have more threads than the host scheduler can number",
                       hosts, vms);
        return false;
    }
    return true;
}

/* The fabric model's flow set-up, which a net world's fabric does not
 * take (its rules are in place before the run). */
static const char *const fabric_model_only[] = {
    "fabric.switch_ports",
    "fabric.host_rate",
    "fabric.rto",
    "fabric.flow_rate",
    "fabric.flow_size",
    "fabric.mtu",
    "fabric.header",
    "fabric.framing",
    "fabric.window",
    "fabric.short_flow",
    "fabric.mode",
    "fabric.table_size",
    "fabric.idle_timeout",
    "fabric.controller_service",
    "fabric.devoflow_threshold",
    "fabric.vswitch_packet",
};

static bool fabric_check(const struct scenario *sc, GError **error)
{
    int64_t hosts = scenario_int(sc, "host.count");
    int64_t slots = scenario_int(sc, "fabric.leaves") * scenario_int(sc, "fabric.hosts_per_leaf");
    const char *target = scenario_str(sc, "workload.target");

    for (size_t k = 0; k < G_N_ELEMENTS(fabric_model_only); k++)
        if (scenario_is_set(sc, fabric_model_only[k])) {
            scenario_error(sc, fabric_model_only[k], error,
                           "belongs to the fabric model (model = fabric); a net world's fabric "
                           "uses nic.line_rate, net.mtu, host.stack_per_packet for its vSwitch "
                           "and pre-installed rules");
            return false;
        }
    if (hosts > slots) {
        scenario_error(sc, "host.count", error,
                       "%" G_GINT64_FORMAT " hosts do not fit on a fabric of %" G_GINT64_FORMAT
                       " leaves x %" G_GINT64_FORMAT " hosts",
                       hosts, scenario_int(sc, "fabric.leaves"),
                       scenario_int(sc, "fabric.hosts_per_leaf"));
        return false;
    }
    if (strcmp(scenario_str(sc, "fabric.addressing"), "none") != 0 && hosts < 2) {
        scenario_error(sc, "fabric.addressing", error,
                       "addresses are resolved across the fabric between hosts: it needs "
                       "host.count >= 2");
        return false;
    }
    if (g_strcmp0(target, "remote") == 0 && hosts < 2) {
        scenario_error(sc, "workload.target", error,
                       "'remote' traffic goes to the next host: it needs host.count >= 2");
        return false;
    }
    return true;
}

/* Cross-parameter checks that the registry's ranges cannot express. */
static bool net_check(const struct scenario *sc, GError **error)
{
    g_autoptr(GArray) groups = NULL;

    if (scenario_is_set(sc, "blk.vms")) {
        scenario_error(sc, "blk.vms", error,
                       "with a NIC, every VM (vm.count) has its disk: set vm.count instead");
        return false;
    }
    groups = net_groups(sc, error);
    if (!groups || !fabric_check(sc, error))
        return false;
    if (!groups_check(sc, (const struct net_group *)groups->data, groups->len, error) ||
        !threads_check(sc, (const struct net_group *)groups->data, groups->len, error))
        return false;
    return migration_check(sc, (const struct net_group *)groups->data, groups->len, error);
}

static sim_time cyc(const struct net_world *w, const char *key)
{
    return host_cycles(&w->hosts[0].host, w->sc, key);
}

static void guest_from_scenario(struct net_world *w)
{
    const struct scenario *sc = w->sc;
    struct guest_costs *g = &w->g;

    g->stack_tx_pkt = cyc(w, "guest.stack_tx_packet");
    g->stack_rx_pkt = cyc(w, "guest.stack_rx_packet");
    g->stack_tx_byte = scenario_real(sc, "guest.stack_tx_byte") * 1e12;
    g->stack_rx_byte = scenario_real(sc, "guest.stack_rx_byte") * 1e12;
    g->driver_tx = cyc(w, "guest.driver_tx");
    g->driver_rx = cyc(w, "guest.driver_rx");
    g->tx_clean = cyc(w, "guest.tx_clean");
    g->napi_poll = cyc(w, "guest.napi_poll");
    g->budget = (unsigned)scenario_int(sc, "guest.napi_budget");
    g->gso_size = (unsigned)scenario_real(sc, "guest.gso_size");
    g->page_frag = (unsigned)scenario_real(sc, "guest.page_frag");
    g->poll_mode = g_strcmp0(scenario_str(sc, "guest.net_driver"), "poll") == 0;
    g->poll_check = cyc(w, "guest.poll_check");
}

/* A poll-mode driver's vCPUs spin whenever they have nothing else to run:
 * their idle time since the warm-up cut is guest CPU too. */
static void settle_poll_mode(struct net_world *w, double span)
{
    for (unsigned i = 0; i < w->n_vms && w->g.poll_mode; i++) {
        struct net_vm *vm = &w->vms[i];

        for (unsigned k = 0; k < vm->n_queues; k++) {
            bool seen = false;

            for (unsigned j = 0; j < k; j++)
                seen |= vm->q[j].vcpu == vm->q[k].vcpu;
            if (seen)
                continue;
            /* On a core of its own it polls all the time it has no job;
             * on a time-shared one, the time it held the core polling. */
            double share = sched_spin_share(vm->q[k].vcpu, net_thread_id(vm, vm->q[k].vcpu, false));

            if (share < 0)
                share = 1.0 - fifo_server_utilization(&vm->q[k].vcpu->srv);
            vm->c.guest_busy += sim_time_from_s(span * share);
        }
    }
}

static void nic_from_scenario(struct net_world *w, struct net_host *nh)
{
    const struct scenario *sc = w->sc;
    const char *itr = scenario_str(sc, "nic.itr");
    enum nic_itr_mode mode = g_strcmp0(itr, "off") == 0      ? NIC_ITR_OFF
                             : g_strcmp0(itr, "static") == 0 ? NIC_ITR_STATIC
                                                             : NIC_ITR_ADAPTIVE;
    sim_time interval = sim_time_from_s(1.0 / scenario_real(sc, "nic.itr_rate"));

    /* Ethernet per frame: preamble 8 + IFG 12 + FCS 4 + MAC header 14. */
    /* Queue 0 is the PF's, then one per VM, then spares for arrivals. */
    nic_init(&nh->nic, w->sim, scenario_real(sc, "nic.line_rate"), 8 + 12 + 4 + 14,
             nh->n_vms + 1 + migration_spare_queues(sc), (unsigned)scenario_int(sc, "nic.max_vfs"),
             (uint32_t)scenario_int(sc, "nic.tx_ring"), (uint32_t)scenario_int(sc, "nic.rx_ring"),
             net_port_done, nh);
    nh->nic.tx_started = net_port_started;
    nic_set_rx_rings(&nh->nic, (unsigned)scenario_int(sc, "nic.queues"));
    for (unsigned i = 0; i < nh->n_vms; i++) {
        struct net_vm *vm = &w->vms[nh->first_vm + i];

        guest_queues_init(vm, (unsigned)scenario_int(sc, "nic.queues"),
                          (int)scenario_int(sc, "vm.irq_vcpu"), mode, interval);
    }
}

/* vCPUs first, one core each when pinned; backends on the cores left, or
 * sharing the vCPUs' cores when none are left. */
static void place_threads(struct net_world *w, struct net_host *nh)
{
    unsigned n = nh->host.cpu.n_cores - nh->vswitch_cores, next = 0, total = 0;
    const char *key;

    /* The last cores for polling threads (net_check() left room), the
     * vCPUs on the others. */
    nh->polling_cores = polling_cores(w->sc, w->groups, w->n_groups, &key);
    g_assert(nh->polling_cores < n);
    for (unsigned k = 0; k < nh->polling_cores; k++) {
        net_polling_core(nh, k)->n_threads = 1;
        net_polling_core(nh, k)->idle_spin = CPU_SPINS; /* it polls: never sleeps */
    }
    n -= nh->polling_cores;
    for (unsigned i = 0; i < nh->n_vms; i++)
        total += w->vms[nh->first_vm + i].group->vcpus;
    nh->vcpu_cores = total < n ? total : n;
    for (unsigned i = 0; i < nh->n_vms; i++) {
        struct net_vm *vm = &w->vms[nh->first_vm + i];
        unsigned per_vm = vm->group->vcpus;

        vm->n_vcpus = per_vm;
        vm->vcpus = g_new(struct cpu_core *, per_vm);
        vm->sendq = g_new0(struct net_sendq, per_vm);
        for (unsigned k = 0; k < per_vm; k++) {
            vm->vcpus[k] = &nh->host.cpu.cores[next++ % n];
            vm->vcpus[k]->n_threads++;
        }
        vm->vcpu = vm->vcpus[0];
        guest_queues_place(vm);
    }
    for (unsigned i = 0; i < nh->n_vms; i++) {
        struct net_vm *vm = &w->vms[nh->first_vm + i];

        vm->backend = net_backend_core(vm);
        vm->vswitch = vm->backend;
    }
    /* The vSwitch cores take the PF queues' interrupts in turn, one VM's
     * receive path on one of them; softirq work switches no thread. */
    n = nh->host.cpu.n_cores - nh->vswitch_cores;
    for (unsigned k = 0; k < nh->vswitch_cores; k++)
        nh->host.cpu.cores[n + k].n_threads = 1;
    for (unsigned i = 0; i < nh->n_vms && nh->vswitch_cores; i++)
        w->vms[nh->first_vm + i].vswitch = &nh->host.cpu.cores[n + i % nh->vswitch_cores];
}

struct cpu_core *net_backend_core(struct net_vm *vm)
{
    struct net_host *nh = vm->nh;
    unsigned spare = nh->host.cpu.n_cores - nh->vswitch_cores - nh->vcpu_cores - nh->polling_cores;

    /* net_check() made sure that pinned backends have their cores. */
    return host_backend_core(&nh->host, nh->vcpu_cores, spare, vm->local, vm->vcpus, vm->n_vcpus,
                             &nh->next_backend);
}

static void counters_init(struct net_counters *c)
{
    hist_release(&c->latency_ps);
    memset(c, 0, sizeof(*c));
    welford_init(&c->latency);
    welford_init(&c->rtt);
    welford_init(&c->probe_rtt);
    hist_init(&c->latency_ps);
}

/* Each VM's disk on the same host: its requests run on the VM's last vCPU
 * (its first takes the NIC's interrupts) and, on software paths, on an I/O
 * thread of its own placed like the NIC's backends, all through the host
 * scheduler. */
static void disks_create(struct net_world *w)
{
    unsigned n = 0, k = 0;

    for (unsigned i = 0; i < w->n_vms; i++)
        n += w->vms[i].group->disk != NULL;
    if (!n)
        return;
    w->disk = blk_disk_new(w->sim, w->sc, &w->hosts[0].host, n, w->n_hosts, "disk_");
    for (unsigned i = 0; i < w->n_vms; i++) {
        struct net_vm *vm = &w->vms[i];

        if (!vm->group->disk)
            continue;
        struct cpu_core *core = vm->vcpus[vm->n_vcpus - 1];
        struct blk_thread vcpu = { core, net_thread_id(vm, core, false) }, io = { NULL, 0 };
        bool has_thread = blk_disk_has_thread(vm->group->disk);

        if (has_thread)
            io = (struct blk_thread){ net_backend_core(vm), net_thread_disk(vm) };
        blk_disk_place(w->disk, k++, vm->id, vm->group->disk, &vm->nh->host, vm->nh->id, &vcpu,
                       has_thread ? &io : NULL);
    }
    blk_disk_start(w->disk);
}

static void net_destroy(struct model *base);

/* 64 hosts x 16 VMs: 1.02-1.05x in the steady state (docs/performance.md);
 * small worlds keep the C library's defaults. */
#define NET_HEAP_AHEAD_VMS 256
#define NET_HEAP_PER_VM    ((size_t)128 << 10)

static struct model *net_create(struct sim *sim, const struct scenario *sc, GError **error)
{
    struct net_world *w;

    if (!net_check(sc, error))
        return NULL;
    w = g_new0(struct net_world, 1);
    w->base.ops = &net_model_ops;
    w->sim = sim;
    w->sc = sc;
    {
        GArray *groups = net_groups(sc, error);
        unsigned per_host = 0;

        g_assert(groups); /* net_check() read them */
        w->n_groups = groups->len;
        w->groups = (struct net_group *)(void *)g_array_free(groups, FALSE);
        for (unsigned g = 0; g < w->n_groups; g++) {
            w->max_vcpus = MAX(w->max_vcpus, w->groups[g].vcpus);
            w->groups[g].first = per_host;
            per_host += w->groups[g].count;
            snprintf(w->groups[g].scope, sizeof(w->groups[g].scope), "group.%s", w->groups[g].name);
        }
        w->n_hosts = (unsigned)scenario_int(sc, "host.count");
        w->n_vms = w->n_hosts * per_host;
        w->thread_stride = w->max_vcpus + 1 + (unsigned)scenario_int(sc, "host.cores");
    }
    POOL_INIT(&w->pkts, struct net_pkt, next_free);
    pool_set_grow_hook(&w->pkts, sim_mem_account, sim);
    w->cfg.frame_overhead = (unsigned)scenario_real(sc, "net.l34_header");
    w->cfg.mss = (unsigned)scenario_real(sc, "net.mtu") - w->cfg.frame_overhead;
    w->cfg.desc_bytes = (unsigned)scenario_real(sc, "nic.descriptor_size");
    w->cfg.buf_size = (unsigned)scenario_real(sc, "nic.buffer_size");
    w->cfg.dma_mapping =
        g_strcmp0(scenario_str(sc, "nic.dma_mapping"), "per-buffer") == 0 ? NET_MAP_PER_BUFFER
        : g_strcmp0(scenario_str(sc, "nic.dma_mapping"), "static") == 0   ? NET_MAP_STATIC
                                                                          : NET_MAP_NATIVE;
    w->wire_delay = scenario_time(sc, "net.wire_delay");
    w->cfg.vxlan = scenario_bool(sc, "fabric.vxlan");
    w->cfg.vxlan_offload = scenario_bool(sc, "nic.vxlan_offload");
    w->cfg.vxlan_cpu = scenario_real(sc, "fabric.vxlan_cpu");
    /* A world of many VMs keeps their state (queues, rings, windows,
     * counters: about 80 KiB a VM in the data-centre world) on the heap
     * and reaches it at random: on huge pages, like the packets' pool. */
    if (w->n_vms >= NET_HEAP_AHEAD_VMS)
        hugemem_heap_ahead((size_t)w->n_vms * NET_HEAP_PER_VM);
    w->hosts = g_new0(struct net_host, w->n_hosts);
    w->vms = g_new0(struct net_vm, w->n_vms);
    for (unsigned h = 0; h < w->n_hosts; h++) {
        struct net_host *nh = &w->hosts[h];

        nh->w = w;
        nh->id = h;
        snprintf(nh->scope, sizeof(nh->scope), "host%u", h);
        nh->n_vms = w->n_vms / w->n_hosts;
        nh->first_vm = h * nh->n_vms;
        nh->vms = &w->vms[nh->first_vm];
        nh->sc = sc;
        nh->g = &w->g;
        nh->cfg = &w->cfg;
        nh->pkts = &w->pkts;
        host_init(&nh->host, sim, sc);
        vswitch_init(&nh->host.vswitch, sim, sc, nh->host.cpu.n_cores, nh->scope);
        nh->host.sched.bill = net_bill_switch;
        nh->host.sched.bill_ctx = w;
        host_on_start(&nh->host, net_server_started);
        nh->host.pcie.on_head = net_server_started;
        for (unsigned g = 0, i = 0; g < w->n_groups; g++)
            for (unsigned c = 0; c < w->groups[g].count; c++, i++) {
                struct net_vm *vm = &w->vms[nh->first_vm + i];

                vm->nh = nh;
                vm->local = i;
                vm->group = &w->groups[g];
                vm->ops = w->groups[g].ops;
            }
        nic_from_scenario(w, nh);
        nh->vswitch_cores = (unsigned)scenario_int(sc, "host.vswitch_cores");
        place_threads(w, nh);
    }
    guest_from_scenario(w);
    peer_init(w);
    if (w->n_hosts > 1)
        w->fabric = net_fabric_new(w);
    for (unsigned i = 0; i < w->n_vms; i++) {
        struct net_vm *vm = &w->vms[i];

        vm->w = w;
        vm->id = i;
        snprintf(vm->scope, sizeof(vm->scope), "vm%u", i);
        counters_init(&vm->c);
        vm->wl = g_new0(struct workload, 1);
        workload_init(w, vm, vm->wl);
    }
    for (unsigned i = 0; i < w->n_vms; i++)
        w->vms[i].ops->attach(&w->vms[i]);
    /* A poll-mode driver's vCPUs hold time-shared cores while they spin. */
    for (unsigned i = 0; i < w->n_vms && w->g.poll_mode; i++)
        guest_queues_spin(&w->vms[i], true);
    disks_create(w);
    w->migration = migration_new(w);
    w->stat_start = sim_now(sim);
    return &w->base;
}

static void net_warmup_end(struct model *base)
{
    struct net_world *w = container_of(base, struct net_world, base);

    for (unsigned i = 0; i < w->n_vms; i++) {
        counters_init(&w->vms[i].c);
        guest_queues_reset_stats(&w->vms[i], sim_now(w->sim));
    }
    for (unsigned h = 0; h < w->n_hosts; h++) {
        host_reset_stats(&w->hosts[h].host);
        nic_reset_stats(&w->hosts[h].nic);
    }
    if (w->disk)
        blk_disk_warmup_end(w->disk);
    if (w->fabric)
        net_fabric_reset_stats(w->fabric);
    w->stat_start = sim_now(w->sim);
}

static void counters_merge(struct net_counters *a, const struct net_counters *b)
{
    a->delivered += b->delivered;
    a->bytes += b->bytes;
    for (unsigned k = 0; k < NET_N_DROPS; k++)
        a->drops[k] += b->drops[k];
    a->transactions += b->transactions;
    a->interrupts += b->interrupts;
    a->tx_interrupts += b->tx_interrupts;
    a->rx_interrupts += b->rx_interrupts;
    a->irq_folded += b->irq_folded;
    a->tx_cleaned += b->tx_cleaned;
    a->acks += b->acks;
    for (unsigned k = 0; k < HV_N_EXITS; k++)
        a->exits[k] += b->exits[k];
    a->guest_busy += b->guest_busy;
    a->host_busy += b->host_busy;
    welford_merge(&a->latency, &b->latency);
    welford_merge(&a->rtt, &b->rtt);
    welford_merge(&a->probe_rtt, &b->probe_rtt);
    hist_merge(&a->latency_ps, &b->latency_ps);
    for (unsigned s = 0; s < NET_N_STAGES; s++)
        a->stage_sum[s] += b->stage_sum[s];
}

static void report_counters(struct net_world *w, struct report *out, const char *scope,
                            const struct net_counters *c, double span)
{
    double per_s = span > 0 ? 1.0 / span : 0.0;
    /* Means over no samples are undefined (NaN, stored as NULL), not 0: a
     * replication without packets must not pull a summary towards 0. */
    double pkts = (double)c->delivered, per_pkt = pkts > 0 ? 1.0 / pkts : NAN;
    uint64_t drops = 0, exits = 0;
    double busy_s = sim_time_to_s(c->guest_busy + c->host_busy);
    char name[64];

    report_metric(out, scope, "throughput", (double)c->bytes * 8.0 * per_s, "bit/s");
    report_metric(out, scope, "packets", pkts, "1");
    report_metric(out, scope, "pps", pkts * per_s, "1/s");
    report_metric(out, scope, "latency_mean", welford_mean_defined(&c->latency), "s");
    report_metric(out, scope, "latency_p50", hist_quantile_defined(&c->latency_ps, 0.50) * 1e-12,
                  "s");
    report_metric(out, scope, "latency_p99", hist_quantile_defined(&c->latency_ps, 0.99) * 1e-12,
                  "s");
    report_metric(out, scope, "latency_p999", hist_quantile_defined(&c->latency_ps, 0.999) * 1e-12,
                  "s");
    report_metric(out, scope, "transactions", (double)c->transactions, "1");
    report_metric(out, scope, "transactions_per_second", (double)c->transactions * per_s, "1/s");
    report_metric(out, scope, "rtt_mean", welford_mean_defined(&c->rtt), "s");
    report_metric(out, scope, "probe_rtt_mean", welford_mean_defined(&c->probe_rtt), "s");
    for (unsigned k = 0; k < NET_N_DROPS; k++) {
        drops += c->drops[k];
        snprintf(name, sizeof(name), "drops_%s", net_drop_names[k]);
        report_metric(out, scope, name, (double)c->drops[k], "1");
    }
    report_metric(out, scope, "drops", (double)drops, "1");
    report_metric(out, scope, "guest_cpu", sim_time_to_s(c->guest_busy) * per_s, "1");
    report_metric(out, scope, "host_cpu", sim_time_to_s(c->host_busy) * per_s, "1");
    report_metric(out, scope, "cycles_per_packet", busy_s * w->hosts[0].host.cpu.clock_hz * per_pkt,
                  "1");
    /* Cores (guest and host) per Gb/s of goodput: what bulk flows compare. */
    report_metric(out, scope, "cpu_per_gbps",
                  c->bytes ? busy_s / ((double)c->bytes * 8.0 * 1e-9) : NAN, "1");
    for (unsigned k = 0; k < HV_N_EXITS; k++) {
        exits += c->exits[k];
        snprintf(name, sizeof(name), "exits_%s_per_second", hv_exit_names[k]);
        report_metric(out, scope, name, (double)c->exits[k] * per_s, "1/s");
    }
    report_metric(out, scope, "exits_per_packet", (double)exits * per_pkt, "1");
    report_metric(out, scope, "exits_per_second", (double)exits * per_s, "1/s");
    report_metric(out, scope, "interrupts_per_second", (double)c->interrupts * per_s, "1/s");
    report_metric(out, scope, "tx_interrupts_per_second", (double)c->tx_interrupts * per_s, "1/s");
    report_metric(out, scope, "rx_interrupts_per_second", (double)c->rx_interrupts * per_s, "1/s");
    report_metric(out, scope, "interrupts_folded_per_second", (double)c->irq_folded * per_s, "1/s");
    report_metric(out, scope, "tx_cleaned_per_second", (double)c->tx_cleaned * per_s, "1/s");
    report_metric(out, scope, "acks_per_second", (double)c->acks * per_s, "1/s");
    for (unsigned s = 0; s < NET_N_STAGES; s++) {
        snprintf(name, sizeof(name), "stage_%s", net_stage_names[s]);
        report_metric(out, scope, name, (double)c->stage_sum[s] * 1e-12 * per_pkt, "s");
    }
}

/* Cores holding no vCPU run the backend threads (QEMU I/O thread, vhost
 * worker) and the host driver work done in their context: their load is
 * the "emulation thread" CPU of docs/sources.md#firecracker. Cores shared with
 * vCPUs (too few cores) are left out, as their load is mixed. */
static void report_backend_cores(const struct net_world *w, struct report *out)
{
    double sum = 0, max = 0;

    for (unsigned h = 0; h < w->n_hosts; h++) {
        const struct cpu_host *cpu = &w->hosts[h].host.cpu;

        for (unsigned i = w->hosts[h].vcpu_cores; i < cpu->n_cores; i++) {
            double u = fifo_server_utilization(&cpu->cores[i].srv);

            sum += u;
            max = fmax(max, u);
        }
    }
    report_metric(out, "all", "backend_cpu", sum, "1");
    report_metric(out, "all", "backend_cpu_max", max, "1");
}

/* Each [group NAME]'s VMs together, as scope "group.NAME", so that a
 * figure can set the strategies of one host side by side. */
static void report_groups(struct net_world *w, struct report *out, double span)
{
    for (unsigned g = 0; g < w->n_groups && w->groups[g].name[0]; g++) {
        struct net_counters c;

        memset(&c, 0, sizeof(c));
        counters_init(&c);
        for (unsigned i = 0; i < w->n_vms; i++)
            if (w->vms[i].group == &w->groups[g])
                counters_merge(&c, &w->vms[i].c);
        report_counters(w, out, w->groups[g].scope, &c, span);
        hist_release(&c.latency_ps);
    }
}

/* Over every host's IOMMU: one IOTLB's hit rate when there is one host. */
static double hosts_iotlb_hit_rate(const struct net_world *w)
{
    uint64_t hits = 0, n = 0;

    for (unsigned h = 0; h < w->n_hosts; h++) {
        hits += w->hosts[h].host.iommu.hits;
        n += w->hosts[h].host.iommu.hits + w->hosts[h].host.iommu.misses;
    }
    return n ? (double)hits / (double)n : 1.0;
}

static void net_report(struct model *base, struct report *out)
{
    struct net_world *w = container_of(base, struct net_world, base);
    double span = sim_time_to_s(sim_now(w->sim) - w->stat_start);
    uint64_t switches = 0, mailbox = 0, flushes = 0, handoffs = 0, exits = 0;
    double pcie = 0, lock_wait = 0, exit_wait = 0, tags = 0;
    uint64_t tag_waits = 0;
    struct vswitch_stats vsw = { 0 };

    for (unsigned h = 0; h < w->n_hosts; h++) {
        const struct host *hh = &w->hosts[h].host;

        switches += hh->cpu.switches;
        /* Wake-ups from a physical idle state (POLL costs nothing). */
        for (unsigned k = 1; k < CPU_IDLE_STATES; k++)
            exits += hh->cpu.wakes[k];
        exit_wait += sim_time_to_s(hh->cpu.wake_time);
        mailbox += w->hosts[h].nic.mailbox_msgs;
        flushes += hh->iommu.flushes;
        lock_wait += sim_time_to_s(hh->iommu.lock_wait);
        handoffs += hh->iommu.lock_handoffs;
        vswitch_stats_add(&vsw, &hh->vswitch);
        pcie = fmax(pcie, fmax(fifo_server_utilization(&hh->pcie.to_host),
                               fifo_server_utilization(&hh->pcie.to_dev)));
        tags = fmax(tags, timeavg_mean(&hh->pcie.tags_avg, sim_now(w->sim)));
        tag_waits += hh->pcie.tag_waits;
    }
    struct net_counters all;
    uint64_t sent = 0, received = 0, dropped = 0;

    for (unsigned g = 0; g < w->n_groups; g++) {
        bool seen = false;

        for (unsigned k = 0; k < g; k++)
            seen |= w->groups[k].ops == w->groups[g].ops;
        if (w->groups[g].ops->settle && !seen)
            w->groups[g].ops->settle(w->hosts, w->n_hosts);
    }
    settle_poll_mode(w, span);
    double sum = 0, sum2 = 0;

    memset(&all, 0, sizeof(all));
    counters_init(&all);
    for (unsigned i = 0; i < w->n_vms; i++) {
        struct net_vm *vm = &w->vms[i];
        double x = span > 0 ? (double)vm->c.bytes * 8.0 / span : 0.0;

        report_counters(w, out, vm->scope, &vm->c, span);
        counters_merge(&all, &vm->c);
        sent += vm->sent_total;
        received += vm->delivered_total;
        dropped += vm->dropped_total;
        sum += x;
        sum2 += x * x;
    }
    report_counters(w, out, "all", &all, span);
    guest_queues_report(w->vms, w->n_vms, sim_now(w->sim), out);
    report_groups(w, out, span);
    /* Jain's index over the VMs' goodput: 1 when all are equal. */
    report_metric(out, "all", "fairness", sum2 > 0 ? sum * sum / (w->n_vms * sum2) : 1.0, "1");
    report_metric(out, "all", "iotlb_hit_rate", hosts_iotlb_hit_rate(w), "1");
    report_metric(out, "all", "iotlb_flushes", (double)flushes, "1");
    if (w->hosts[0].host.vswitch.enabled)
        vswitch_report(&vsw, span, out);
    /* Cores spinning on the DMA API's shared locks, as host_cpu counts. */
    report_metric(out, "all", "iommu_lock_wait", span > 0 ? lock_wait / span : 0.0, "1");
    /* Acquisitions whose lines came from another core's cache. */
    report_metric(out, "all", "iommu_lock_handoffs", (double)handoffs, "1");
    report_metric(out, "all", "sent_total", (double)sent, "1");
    report_metric(out, "all", "received_total", (double)received, "1");
    report_metric(out, "all", "dropped_total", (double)dropped, "1");
    report_metric(out, "all", "in_flight", (double)pool_live(&w->pkts), "1");
    report_metric(out, "all", "context_switches", (double)switches, "1");
    report_metric(out, "all", "idle_exits_per_second", span > 0 ? (double)exits / span : 0, "1/s");
    report_metric(out, "all", "idle_exit_mean", exits ? exit_wait / (double)exits : 0, "s");
    report_metric(out, "all", "mailbox_messages", (double)mailbox, "1");
    report_metric(out, "all", "pcie_utilization", pcie, "1");
    /* Read tags in use on the busiest host's NIC, and reads that waited. */
    report_metric(out, "all", "pcie_read_tags_mean", tags, "1");
    report_metric(out, "all", "pcie_tag_waits", (double)tag_waits, "1");
    report_backend_cores(w, out);
    if (w->fabric)
        net_fabric_report(w->fabric, out);
    /* Each strategy's own metrics, once per strategy present. */
    for (unsigned g = 0; g < w->n_groups; g++) {
        bool seen = false;

        for (unsigned k = 0; k < g; k++)
            seen |= w->groups[k].ops->report == w->groups[g].ops->report;
        if (w->groups[g].ops->report && !seen)
            w->groups[g].ops->report(w->hosts, w->n_hosts, out);
    }
    report_hist(out, "all", "latency", &all.latency_ps, 1e-12, "s");
    hist_release(&all.latency_ps);
    if (w->disk)
        blk_disk_report(w->disk, out);
    if (w->migration)
        migration_report(w->migration, out);
}

static void net_destroy(struct model *base)
{
    struct net_world *w = container_of(base, struct net_world, base);

    /* Pending events point into us; the sim is freed right after and never
     * runs them. */
    for (unsigned i = 0; i < w->n_vms; i++) {
        struct net_vm *vm = &w->vms[i];

        if (vm->io)
            vm->ops->detach(vm);
        hist_release(&vm->c.latency_ps);
        g_free(vm->wl);
        g_free(vm->vcpus);
        g_free(vm->sendq);
        g_free(vm->q);
        g_free(vm->seq);
    }
    migration_free(w->migration);
    g_free(w->vms);
    g_free(w->groups);
    if (w->disk)
        blk_disk_free(w->disk);
    peer_release(w);
    for (unsigned h = 0; h < w->n_hosts; h++) {
        nic_release(&w->hosts[h].nic);
        host_release(&w->hosts[h].host);
    }
    g_free(w->hosts);
    if (w->fabric)
        net_fabric_free(w->fabric);
    pool_release(&w->pkts);
    g_free(w);
}

static const struct param_table net_own_params = { .params = net_params, .n = &net_n_params };

static const struct param_table *const net_param_tables[] = {
    &net_own_params,        &host_param_table,       &hv_param_table,      &guest_param_table,
    &iommu_param_table,     &pcie_param_table,       &virtio_param_table,  &emulation_param_table,
    &vdpa_param_table,      &sidecore_param_table,   &blk_param_table,     &fabric_param_table,
    &migration_param_table, &addressing_param_table, &vswitch_param_table, NULL,
};

const struct model_ops net_model_ops = {
    .name = "net",
    .help = "VMs with NICs (emulation, virtio, vDPA, sidecore, passthrough, SR-IOV, bare metal) "
            "and disks on hosts joined by a fabric",
    .tables = net_param_tables,
    .check = net_check,
    .create = net_create,
    .warmup_end = net_warmup_end,
    .report = net_report,
    .destroy = net_destroy,
    .mem_estimate = net_mem_estimate,
    .stages = net_stage_names,
    .n_stages = NET_N_STAGES,
};
