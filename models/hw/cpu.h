/* Physical cores of the host. A core is a FIFO server: a vCPU thread, a
 * backend thread and host driver work queue on it at job granularity, so CPU
 * is contended exactly where threads share a core. */
#ifndef IOVSIM_HW_CPU_H
#define IOVSIM_HW_CPU_H

#include <stdbool.h>
#include <stdint.h>

#include "resource.h"
#include "sim.h"

struct cpu_core {
    struct fifo_server srv;
    char name[16];
    int last_owner;     /* thread that ran last; -1 none */
    unsigned n_threads; /* threads placed here (vCPUs and backends) */
};

/**
 * struct cpu_host - the host's cores at one clock
 * @switch_cost: added to a job when its core last ran another thread and
 *               more than one thread lives on the core (time-sharing)
 */
struct cpu_host {
    struct cpu_core *cores;
    unsigned n_cores;
    double clock_hz;
    sim_time switch_cost;
    uint64_t switches;
};

void cpu_host_init(struct cpu_host *h, struct sim *sim, unsigned n_cores, double clock_hz,
                   double switch_cycles);
void cpu_host_release(struct cpu_host *h);
void cpu_host_reset_stats(struct cpu_host *h);

/* @cycles at the host clock, in picoseconds (rounded to nearest). */
sim_time cpu_cycles(const struct cpu_host *h, double cycles);

/*
 * cpu_core_submit - queue @service of work for thread @owner on @core
 * Returns the service actually charged (switch cost included).
 */
sim_time cpu_core_submit(struct cpu_host *h, struct cpu_core *core, int owner, sim_time service,
                         resource_done_fn done, void *ctx, uint64_t tag);

#endif
