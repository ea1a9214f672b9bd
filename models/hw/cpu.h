/* Physical cores of the host. A core is a FIFO server; when it holds more
 * than one thread, the host scheduler (host/sched.c) decides which thread's
 * jobs it serves, so CPU is contended exactly where threads share a core. */
#ifndef IOVSIM_HW_CPU_H
#define IOVSIM_HW_CPU_H

#include <stdbool.h>
#include <stdint.h>

#include "resource.h"
#include "sim.h"

/* Idle states a core can be in, POLL first (host/idle.h). */
#define CPU_IDLE_STATES 4

struct halt_poll;
struct sched_rq;
struct sched_sleep;

/* A core whose thread never lets it sleep (a guest or poll-mode loop). */
#define CPU_SPINS SIM_TIME_MAX

/**
 * struct cpu_core - one core
 * @idle_spin: once idle, the core spins this long before it sleeps in an
 *             idle state (0: at once; CPU_SPINS: never)
 * @halt:      its vCPU's halt-polling window, which replaces @idle_spin
 *             (hv.halt; NULL: none)
 */
struct cpu_core {
    struct fifo_server srv;
    char name[16];
    unsigned n_threads;  /* threads placed here (vCPUs and backends) */
    struct sched_rq *rq; /* its run queue once it time-shares (host/sched.c) */
    sim_time idle_spin;
    struct halt_poll *halt;
    struct sched_sleep *sleep; /* its idle history once it slept (host/sched.c) */
};

/**
 * struct cpu_host - the host's cores at one clock
 * @switch_cost: a time-shared core switching to another thread
 * @wakes:       exits from an idle state, by state (POLL first)
 * @wake_time:   their exit latencies together
 */
struct cpu_host {
    struct cpu_core *cores;
    unsigned n_cores;
    double clock_hz;
    sim_time switch_cost;
    uint64_t switches;
    uint64_t wakes[CPU_IDLE_STATES];
    sim_time wake_time;
};

void cpu_host_init(struct cpu_host *h, struct sim *sim, unsigned n_cores, double clock_hz,
                   double switch_cycles);
void cpu_host_release(struct cpu_host *h);
void cpu_host_reset_stats(struct cpu_host *h);

/* @cycles at the host clock, in picoseconds (rounded to nearest). */
sim_time cpu_cycles(const struct cpu_host *h, double cycles);

#endif
