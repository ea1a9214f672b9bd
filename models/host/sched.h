/* The host scheduler: vCPU threads and backend threads (QEMU I/O threads,
 * vhost workers) share the host's cores through per-core run queues
 * ordered as Linux's fair scheduler (EEVDF) orders them, with a
 * context-switch cost. A core that holds one thread is a plain FIFO
 * server; a core that time-shares gets a run queue the first time a job
 * comes for it. Either way, work that finds its core asleep waits out the
 * exit latency of the idle state the core chose (idle.h). */
#ifndef IOVSIM_HOST_SCHED_H
#define IOVSIM_HOST_SCHED_H

#include <stdbool.h>

#include "../hw/cpu.h"
#include "idle.h"
#include "resource.h"
#include "scenario.h"
#include "sim.h"

/* Where the backend threads of the VMs go (host.backend_placement). */
enum sched_placement {
    SCHED_SPREAD, /* in turn over the cores that hold no vCPU, else the VM's vCPU cores */
    SCHED_PINNED, /* each VM's backends on a core of their own, which no other VM uses */
    SCHED_SHARED, /* on the VM's own vCPU cores, time-sharing with them */
};

/**
 * struct sched_policy - how a host's time-shared cores pick their threads
 * @slice:          the CPU time a thread asks for per request (its virtual
 *                  deadline): host.sched_slice scaled by the host's cores
 * @idle:           the idle states a sleeping core chooses from; waking it
 *                  delays the work by the exit latency (no CPU is charged)
 * @wakeup_preempt: a woken thread that EEVDF would pick now makes the
 *                  running one yield at the end of its current job instead
 *                  of at the end of its request
 * @bill:           charges @t of switching to the thread @owner (optional)
 */
struct sched_policy {
    sim_time slice;
    struct idle_model idle;
    bool wakeup_preempt;
    enum sched_placement placement;
    void (*bill)(void *ctx, int owner, sim_time t);
    void *bill_ctx;
};

/* The host.sched_*, host.idle_* and host.backend_placement keys of @sc. */
void sched_policy_from_scenario(struct sched_policy *p, const struct scenario *sc);
/* Free the run queues and idle histories of @h's cores (the cores stay). */
void sched_release(struct cpu_host *h);

/*
 * sched_submit - queue @service of work for thread @owner on @core
 * @done runs when it is over. On a core with more than one thread the job
 * waits until its thread holds the core, which may cost a switch
 * (cpu_host.switch_cost, charged through @p->bill). A core asleep (idle
 * past its idle_spin) first exits its idle state; jobs that arrive
 * meanwhile wait behind this one.
 */
void sched_submit(const struct sched_policy *p, struct cpu_host *h, struct cpu_core *core,
                  int owner, sim_time service, resource_done_fn done, void *ctx, uint64_t tag);
/* As sched_submit(), for the thread's interrupt and softirq work: it runs
 * before the thread's ordinary jobs that wait (not before the one running). */
void sched_submit_urgent(const struct sched_policy *p, struct cpu_host *h, struct cpu_core *core,
                         int owner, sim_time service, resource_done_fn done, void *ctx,
                         uint64_t tag);

/*
 * sched_spin - thread @owner on @core polls instead of blocking (@on), or
 * blocks again (a VM whose poll-mode vCPU moved away)
 * On a time-shared core a spinning thread stays runnable: with no job it
 * holds the core, polling, until its request is used up while others are
 * runnable (or a woken one preempts it), then competes again. A core with
 * one thread needs nothing: none waits for it.
 */
void sched_spin(const struct sched_policy *p, struct cpu_host *h, struct cpu_core *core, int owner,
                bool on);

/* Share of the time since the last reset that thread @owner, a spinner on
 * the time-shared @core, held it polling; -1 when it spins on no run queue
 * there (a core of its own, all of whose idle time it polls). */
double sched_spin_share(const struct cpu_core *core, int owner);
/* Restart the spinning shares (the warm-up cut). */
void sched_reset_stats(struct cpu_host *h);

/*
 * sched_timer_wake - a timer of the thread on @core fires now (an
 * application's pause between requests ends)
 * The core knew of the timer when it fell asleep, so its governor chose
 * within it; the thread runs after the exit latency, which is returned
 * (0: it runs at once, as on a time-shared core, where the thread's first
 * job pays any exit, or under host.idle = legacy). Jobs that come
 * meanwhile wait for the core. A halted vCPU's halt ends (hv/halt_poll.h).
 */
sim_time sched_timer_wake(const struct sched_policy *p, struct cpu_host *h, struct cpu_core *core);

/* A core of its own, idle and awake, that never time-shared: a job
 * submitted now starts at once, and a job's completion on it calls back
 * as the last act of its event. */
bool sched_core_free(const struct cpu_core *core);

#endif
