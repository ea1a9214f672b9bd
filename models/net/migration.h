/* Live migration of one VM of the net world to another host by pre-copy
 * (net/migration.c): its memory crosses the fabric as a bulk flow of real
 * packets, round after round, then the VM pauses for the stop-and-copy and
 * the switch-over. */
#ifndef IOVSIM_NET_MIGRATION_H
#define IOVSIM_NET_MIGRATION_H

#include <stdbool.h>
#include <stdint.h>

#include <glib.h>

#include "report.h"
#include "scenario.h"

struct net_world;
struct net_group;
struct net_pkt;
struct net_vm;
struct migration;

/* migration.*: which VM, where, when, its memory and the pre-copy's knobs. */
extern const struct param_table migration_param_table;

/* Cross-parameter checks (VM, destination, start time, convergence,
 * failover) for the @n @groups every host holds; false and @error (one
 * located line) on bad input. */
bool migration_check(const struct scenario *sc, const struct net_group *groups, unsigned n,
                     GError **error);
/* NIC queues each host keeps free for a VM migrating in. */
unsigned migration_spare_queues(const struct scenario *sc);

/* The migration of migration.vm, scheduled at migration.start; NULL when
 * migration.vm is -1. Caller frees with migration_free(). */
struct migration *migration_new(struct net_world *w);
void migration_free(struct migration *m);
/* Its metrics (migration_*, scope "all"); NaN for what has not happened. */
void migration_report(const struct migration *m, struct report *out);

/* A packet of the migration flow reached the destination host's port, or
 * was lost on the way (its bytes are sent again). */
void migration_pkt_delivered(struct net_world *w, const struct net_pkt *p);
void migration_pkt_dropped(struct net_world *w, const struct net_pkt *p);
/* @vm's device, attached anew, is ready (net_vm_ready()): the migrating
 * VM resumes at its destination. */
void migration_device_ready(struct net_world *w, struct net_vm *vm);
/* @vm's device is stopped at the source (net_vm_stopped()): the
 * stop-and-copy, or post-copy's switch-over, goes on. */
void migration_device_stopped(struct net_world *w, struct net_vm *vm);
/* Any other packet delivered (the application-visible gap of the VM). */
void migration_vm_delivered(struct net_world *w, const struct net_pkt *p);

#endif
