/* Moving a VM between hosts and swapping its NIC mid-run
 * (net/migration_move.c): what live migration and its failover do to the
 * VM, apart from copying its memory (net/migration.c). */
#ifndef IOVSIM_NET_MIGRATION_MOVE_H
#define IOVSIM_NET_MIGRATION_MOVE_H

#include "net.h"

struct io_strategy_ops;

typedef void (*vm_quiet_fn)(void *ctx);

/**
 * vm_quiesce - pause @vm's I/O, then call @then(@ctx) once none of its
 * packets is in flight
 * A paused VM's sends wait (held) and what is sent to it is lost; packets
 * already inside a host or the fabric finish. @vm stays paused until
 * vm_resume().
 */
void vm_quiesce(struct net_world *w, struct net_vm *vm, vm_quiet_fn then, void *ctx);
/* Give a quiet @vm a new device of @ops on host @to (its own host: a
 * device swap); its threads move to @to's cores and it takes NIC queue
 * @local + 1 there. */
void vm_rehome(struct net_world *w, struct net_vm *vm, struct net_host *to, unsigned local,
               const struct io_strategy_ops *ops);
/* Un-pause @vm: its held sends go, in order. */
void vm_resume(struct net_world *w, struct net_vm *vm);

#endif
