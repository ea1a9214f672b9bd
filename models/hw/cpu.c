/* Host cores as FIFO servers at one clock rate. Costs are given in cycles and
 * converted at the host clock (docs/sources.md converts the same way).
 * A core sleeps when idle unless its idle_spin says otherwise; its idle
 * states and their governor: host/idle.c.
 * Left out: frequency scaling, SMT, caches (the indirect cost of an exit is in
 * its cycle count). Which thread a shared core runs: host/sched.c. */
#include "cpu.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include <glib.h>

void cpu_host_init(struct cpu_host *h, struct sim *sim, unsigned n_cores, double clock_hz,
                   double switch_cycles)
{
    g_assert(n_cores >= 1 && clock_hz > 0);
    h->n_cores = n_cores;
    h->clock_hz = clock_hz;
    h->cores = g_new0(struct cpu_core, n_cores);
    h->switch_cost = cpu_cycles(h, switch_cycles);
    h->switches = 0;
    memset(h->wakes, 0, sizeof(h->wakes));
    h->wake_time = 0;
    for (unsigned i = 0; i < n_cores; i++) {
        struct cpu_core *c = &h->cores[i];

        snprintf(c->name, sizeof(c->name), "core%u", i);
        fifo_server_init(&c->srv, sim, c->name, 1);
        fifo_server_keep_busy(&c->srv);
    }
}

void cpu_host_release(struct cpu_host *h)
{
    for (unsigned i = 0; i < h->n_cores; i++)
        fifo_server_release(&h->cores[i].srv);
    g_free(h->cores);
    h->cores = NULL;
}

void cpu_host_reset_stats(struct cpu_host *h)
{
    for (unsigned i = 0; i < h->n_cores; i++)
        fifo_server_reset_stats(&h->cores[i].srv);
    h->switches = 0;
    memset(h->wakes, 0, sizeof(h->wakes));
    h->wake_time = 0;
}

sim_time cpu_cycles(const struct cpu_host *h, double cycles)
{
    return sim_llround(cycles / h->clock_hz * 1e12);
}
