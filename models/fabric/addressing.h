/* How the hosts of a data centre find where a VM is (models/fabric/
 * addressing.c): a flat layer-2 segment (ARP broadcast, MAC learning in
 * finite switch tables, gratuitous ARP after a move), VL2 (application
 * addresses resolved to locators by a directory with lookup latency, cached
 * at each host's agent, corrected when a packet reaches a stale locator) or
 * an overlay whose mappings an SDN controller pushes to every host's
 * vSwitch. It knows hosts, VMs and switches by number only, so any model
 * can drive it; the net world's fabric does (net/fabric_path.c). */
#ifndef IOVSIM_FABRIC_ADDRESSING_H
#define IOVSIM_FABRIC_ADDRESSING_H

#include <stdbool.h>
#include <stdint.h>

#include "report.h"
#include "scenario.h"
#include "sim.h"

/* fabric.addressing and the costs of each scheme. */
extern const struct param_table addressing_param_table;

enum addr_scheme {
    ADDR_NONE, /* every sender knows where every VM is, at once */
    ADDR_FLAT,
    ADDR_VL2,
    ADDR_OVERLAY,
};

/* What the fabric does with a packet that reached a host its VM has left. */
enum addr_stale {
    ADDR_DROP,    /* flat, overlay: nothing there knows the VM any more */
    ADDR_FORWARD, /* VL2: the old locator's agent sends it on */
};

struct addr_plane;

/**
 * addr_plane_new - the address plane of @n_senders ports (hosts, then any
 * gateway) under switches @port_switch (copied), @n_vms VMs placed by
 * @vm_host (copied), @n_switches switches of which @n_leaves are leaves
 * @one_way: a frame's unloaded trip across the fabric (leaf, spine, leaf):
 *           what a broadcast takes to reach everyone
 * NULL for fabric.addressing = none. Caller frees with addr_plane_free().
 */
struct addr_plane *addr_plane_new(struct sim *sim, const struct scenario *sc, unsigned n_senders,
                                  unsigned n_vms, const unsigned *vm_host,
                                  const unsigned *port_switch, unsigned n_switches,
                                  unsigned n_leaves, sim_time one_way);
void addr_plane_free(struct addr_plane *a);
enum addr_scheme addr_plane_scheme(const struct addr_plane *a);

/* Sender port @from sends to VM @vm now, for VM @src (-1: the gateway):
 * the host it believes @vm is on, and in *@wait how long the packet waits
 * for the address to resolve (0 when known). */
unsigned addr_resolve(struct addr_plane *a, unsigned from, unsigned vm, int src, sim_time *wait);
/* A packet from @from for @vm reached host @at, where @vm no longer is:
 * counted, and what happens to it. */
enum addr_stale addr_misdelivered(struct addr_plane *a, unsigned from, unsigned vm, unsigned at);
/* @vm now runs on host @to: the scheme's convergence starts. */
void addr_moved(struct addr_plane *a, unsigned vm, unsigned to);

void addr_reset_stats(struct addr_plane *a);
/* addr_* metrics (scope "all") over the @span since the reset. */
void addr_report(const struct addr_plane *a, double span, struct report *out);

#endif
