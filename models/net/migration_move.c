/* A VM's device detached on one host and attached on another (or swapped
 * for another strategy's on the same host) during a run. The VM is paused
 * first and the move waits until none of its packets is in flight, so no
 * packet ever sees its VM on two hosts; the workload keeps its state
 * (window, outstanding transaction) across the move, as the guest's
 * sockets do. Left out: the address update's convergence (the VM's peers
 * reach it at its new host at once). */
#include "migration_move.h"

#include <string.h>

#include <glib.h>

#include "guest_stack.h"
#include "strategy.h"
#include "workload.h"

/* How often a pausing VM is checked for packets in flight. */
#define QUIET_POLL (sim_time_from_s(1e-6))

struct quiesce {
    struct net_world *w;
    struct net_vm *vm;
    vm_quiet_fn then;
    void *ctx;
};

/* None of @vm's packets is in flight, its held sends, the migration's own
 * stream and the packets sent to it that have not left their sender yet
 * not counted: those reach it where it is when they enter the fabric (or
 * are lost while it is paused). */
static bool vm_quiet(const struct net_world *w, const struct net_vm *vm)
{
    int id = (int)vm->id;
    uint32_t n = 0, all = w->pkts.n_chunks << POOL_CHUNK_BITS;

    for (uint32_t i = 0; i < all; i++) {
        const struct net_pkt *p = net_pkt_at(&w->pkts, i);

        if (p->live && p->kind != NET_PKT_MIGRATE &&
            (p->src == id || (p->dst == id && p->hop != NET_HOP_NONE)))
            n++;
    }
    return n == vm->held.len;
}

static void quiesce_poll(struct sim *sim, void *ctx, const void *payload)
{
    struct quiesce q;

    memcpy(&q, payload, sizeof(q));
    (void)ctx;
    if (!vm_quiet(q.w, q.vm)) {
        sim_schedule(sim, QUIET_POLL, quiesce_poll, NULL, &q, sizeof(q));
        return;
    }
    q.then(q.ctx);
}

void vm_quiesce(struct net_world *w, struct net_vm *vm, vm_quiet_fn then, void *ctx)
{
    struct quiesce q = { .w = w, .vm = vm, .then = then, .ctx = ctx };

    vm->paused = true;
    quiesce_poll(w->sim, NULL, &q);
}

/* The core of @h with the fewest threads placed on it (the first of
 * those, not one of the vSwitch's), which takes one more. */
static struct cpu_core *least_loaded(struct net_host *h)
{
    struct cpu_core *best = &h->host.cpu.cores[0];

    for (unsigned k = 1; k < h->host.cpu.n_cores - h->vswitch_cores; k++)
        if (h->host.cpu.cores[k].n_threads < best->n_threads)
            best = &h->host.cpu.cores[k];
    best->n_threads++;
    return best;
}

void vm_rehome(struct net_world *w, struct net_vm *vm, struct net_host *to, unsigned local,
               const struct io_strategy_ops *ops)
{
    g_assert(vm->paused && vm_quiet(w, vm));
    guest_queues_detach(vm);
    vm->ops->detach(vm);
    if (to != vm->nh) {
        for (unsigned k = 0; k < vm->n_vcpus; k++)
            vm->vcpus[k]->n_threads--;
        vm->backend->n_threads--;
        vm->nh = to;
        vm->local = local;
        /* Its threads on the destination's least busy cores. */
        for (unsigned k = 0; k < vm->n_vcpus; k++)
            vm->vcpus[k] = least_loaded(to);
        vm->vcpu = vm->vcpus[0];
        guest_queues_place(vm);
        vm->backend = least_loaded(to);
        vm->vswitch =
            to->vswitch_cores
                ? &to->host.cpu
                       .cores[to->host.cpu.n_cores - to->vswitch_cores + local % to->vswitch_cores]
                : vm->backend;
    }
    /* A new device moderates with its own driver's algorithm. */
    if (ops != vm->ops)
        guest_queues_reset_itr(vm, ops->itr_fn);
    vm->ops = ops;
    /* The workload runs on: attach's net_vm_ready() does not restart it. */
    ops->attach(vm);
}

void vm_resume(struct net_world *w, struct net_vm *vm)
{
    struct net_pkt *p;

    vm->paused = false;
    while ((p = net_pktq_pop(&w->pkts, &vm->held)))
        guest_send(w, p);
}
