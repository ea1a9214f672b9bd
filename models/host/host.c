/* The host component built from its parameter tables. The conversions that
 * net and blk used to do each for themselves happen here once. */
#include "host.h"

#include <glib.h>

sim_time host_virq_deliver(struct host *h, struct cpu_core *vcpu, uint64_t exits[HV_N_EXITS],
                           sim_time *burn)
{
    return host_halt_end(h, vcpu, exits, burn) + hv_irq_inject(&h->hv, exits, NULL);
}

sim_time host_halt_end(struct host *h, struct cpu_core *vcpu, uint64_t exits[HV_N_EXITS],
                       sim_time *burn)
{
    sim_time t = 0;

    if (h->hv.halt && vcpu->srv.busy == 0) {
        sim_time now = sim_now(h->sim), idle = now - vcpu->srv.idle_since;
        sim_time window =
            halt_poll_end(&h->halt_polls[vcpu - h->cpu.cores], vcpu->srv.idle_since, now);

        exits[HV_EXIT_hlt]++;
        t += h->hv.exit_cost[HV_EXIT_hlt];
        *burn += MIN(idle, window);
        if (idle > window)
            t += h->hv.wakeup;
    }
    return t;
}

struct cpu_core *host_backend_core(struct host *h, unsigned first_spare, unsigned n_spare,
                                   unsigned local, struct cpu_core *const *vcpus, unsigned n_vcpus,
                                   unsigned *next)
{
    struct cpu_core *core;

    if (h->sched.placement == SCHED_PINNED)
        core = &h->cpu.cores[first_spare + local];
    else if (n_spare && h->sched.placement == SCHED_SPREAD)
        core = &h->cpu.cores[first_spare + *next % n_spare];
    else
        core = vcpus[*next % n_vcpus];
    g_assert(core < h->cpu.cores + h->cpu.n_cores);
    (*next)++;
    core->n_threads++;
    /* A host thread blocks when it has nothing to do: its core sleeps. */
    core->idle_spin = 0;
    core->halt = NULL;
    return core;
}

sim_time host_cycles(const struct host *h, const struct scenario *sc, const char *key)
{
    return cpu_cycles(&h->cpu, (double)scenario_int(sc, key));
}

static void hv_from_scenario(struct host *h, const struct scenario *sc)
{
    static const char *const keys[HV_N_EXITS] = {
#define HV_EXIT_KEY(n) "hv.exit_" #n,
        HV_EXIT_LIST(HV_EXIT_KEY)
#undef HV_EXIT_KEY
    };

    for (unsigned r = 0; r < HV_N_EXITS; r++)
        h->hv.exit_cost[r] = host_cycles(h, sc, keys[r]);
    h->hv.isr = host_cycles(h, sc, "hv.isr");
    h->hv.halt = scenario_bool(sc, "hv.halt");
    h->hv.halt_poll = (struct halt_poll_params){
        .max = scenario_time(sc, "hv.halt_poll"),
        .grow = (unsigned)scenario_int(sc, "hv.halt_poll_grow"),
        .grow_start = scenario_time(sc, "hv.halt_poll_grow_start"),
        .shrink = (unsigned)scenario_int(sc, "hv.halt_poll_shrink"),
    };
    h->hv.wakeup = host_cycles(h, sc, "hv.wakeup");
    h->hv.posted = scenario_bool(sc, "hv.posted_interrupts");
    h->hv.exitless_eoi = scenario_bool(sc, "hv.exitless_eoi");
    h->hv.notify_coalesce = scenario_time(sc, "hv.notify_coalesce");
}

static void iommu_from_scenario(struct host *h, struct sim *sim, const struct scenario *sc)
{
    struct iommu_config cfg = {
        .design = iommu_design_lookup(scenario_str(sc, "iommu.mode")),
        .iotlb_entries = (unsigned)scenario_int(sc, "iommu.iotlb_entries"),
        .page_shift = g_strcmp0(scenario_str(sc, "iommu.page_size"), "2MiB") == 0 ? 21 : 12,
        .walk_cost = (sim_time)scenario_int(sc, "iommu.walk_levels") *
                     scenario_time(sc, "iommu.walk_access"),
        .map_cost = scenario_time(sc, "iommu.map_cost"),
        .unmap_cost = scenario_time(sc, "iommu.unmap_cost"),
        .inval_cost = scenario_time(sc, "iommu.invalidation_cost"),
        .iova_cache = scenario_bool(sc, "iommu.iova_cache"),
        .iova_lock_lines = (unsigned)scenario_int(sc, "iommu.iova_lock_lines"),
        .fq_lock_lines = (unsigned)scenario_int(sc, "iommu.fq_lock_lines"),
        .line_transfer = scenario_time(sc, "host.line_transfer"),
        .fq_size = (unsigned)scenario_int(sc, "iommu.flush_queue"),
        .fq_timeout = scenario_time(sc, "iommu.flush_timeout"),
        .n_cpus = h->cpu.n_cores,
    };

    iommu_init(&h->iommu, sim, &cfg);
}

void host_init(struct host *h, struct sim *sim, const struct scenario *sc)
{
    h->sim = sim;
    cpu_host_init(&h->cpu, sim, (unsigned)scenario_int(sc, "host.cores"),
                  scenario_real(sc, "host.clock"), (double)scenario_int(sc, "host.switch_cost"));
    sched_policy_from_scenario(&h->sched, sc);
    hv_from_scenario(h, sc);
    /* Until a backend thread is placed on it, a core runs a guest (or a
     * bare-metal application): with hv.halt off it idles by polling and
     * never sleeps; with it, KVM halt-polls for the vCPU's window before
     * the core may sleep. */
    if (h->hv.halt)
        h->halt_polls = g_new(struct halt_poll, h->cpu.n_cores);
    for (unsigned k = 0; k < h->cpu.n_cores; k++) {
        struct cpu_core *core = &h->cpu.cores[k];

        core->idle_spin = CPU_SPINS;
        if (h->hv.halt) {
            halt_poll_init(&h->halt_polls[k], &h->hv.halt_poll);
            core->idle_spin = 0;
            core->halt = &h->halt_polls[k];
        }
    }
    pcie_init(&h->pcie, sim, scenario_real(sc, "pcie.bandwidth"),
              (unsigned)scenario_real(sc, "pcie.max_payload"),
              (unsigned)scenario_real(sc, "pcie.tlp_overhead"), scenario_time(sc, "pcie.latency"),
              (unsigned)scenario_int(sc, "pcie.read_tags"),
              (unsigned)scenario_real(sc, "pcie.max_read_request"));
    iommu_from_scenario(h, sim, sc);
    fifo_server_init(&h->walkers, sim, "iommu.walkers",
                     (unsigned)scenario_int(sc, "iommu.walkers"));
    h->stack_per_packet = host_cycles(h, sc, "host.stack_per_packet");
    h->block_submit = host_cycles(h, sc, "host.block_submit");
    h->block_complete = host_cycles(h, sc, "host.block_complete");
}

void host_reset_stats(struct host *h)
{
    cpu_host_reset_stats(&h->cpu);
    sched_reset_stats(&h->cpu);
    pcie_reset_stats(&h->pcie);
    iommu_reset_stats(&h->iommu);
    fifo_server_reset_stats(&h->walkers);
    vswitch_reset_stats(&h->vswitch);
}

void host_release(struct host *h)
{
    vswitch_release(&h->vswitch);
    iommu_release(&h->iommu);
    fifo_server_release(&h->walkers);
    pcie_release(&h->pcie);
    sched_release(&h->cpu);
    cpu_host_release(&h->cpu);
    g_free(h->halt_polls);
    h->halt_polls = NULL;
}

void host_on_start(struct host *h, resource_start_fn fn)
{
    for (unsigned k = 0; k < h->cpu.n_cores; k++)
        h->cpu.cores[k].srv.on_start = fn;
    h->pcie.to_host.on_start = h->pcie.to_dev.on_start = fn;
    h->walkers.on_start = fn;
}
