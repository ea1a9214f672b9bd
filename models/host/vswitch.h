/* The host's virtual switch as Open vSwitch's datapath runs it: per
 * switching thread an exact-match cache (EMC) of flows, then a megaflow
 * classifier searched one mask (subtable) at a time in the order of their
 * recent hits (tuple space search), then, on a miss, the slow path (an
 * upcall to ovs-vswitchd, which installs the flow's megaflow). A plain Linux
 * bridge (vswitch.datapath = bridge, the default) has none of these and is
 * charged nothing apart from host.stack_per_packet. */
#ifndef IOVSIM_HOST_VSWITCH_H
#define IOVSIM_HOST_VSWITCH_H

#include <stdbool.h>
#include <stdint.h>

#include <glib.h>
#include <gsl/gsl_rng.h>

#include "report.h"
#include "scenario.h"
#include "sim.h"

/* What the switch did, counted since the last reset. */
struct vswitch_stats {
    uint64_t packets;         /* packets switched */
    uint64_t lookups;         /* datapath passes: a decapsulated packet makes two */
    uint64_t emc_hits;        /* found in the switching thread's EMC */
    uint64_t megaflow_hits;   /* found by the classifier */
    uint64_t mask_cache_hits; /* kernel: of those, at the mask its cache named */
    uint64_t upcalls;         /* missed both: the slow path installed a megaflow */
    uint64_t masks_probed;    /* subtables searched, over every lookup */
    sim_time cpu;             /* switching time charged to the cores */
};

struct vswitch_pmd;

/* A flow's low 16 bits stand for its transport ports: what rules that
 * match addresses alone leave out of a megaflow. */
#define VSWITCH_PORTS 0xffffull

/**
 * struct vswitch - one host's virtual switch
 * @enabled:    false for a plain bridge: vswitch_lookup() costs nothing
 * @kernel:     the kernel datapath: a mask cache per core, one classifier
 * @emc_entries, @emc_insert_inv: EMC size and inverse insertion probability
 *                                (0: no EMC)
 * @mc_entries: the kernel's mask cache slots per core
 * @masks:      distinct megaflow masks the rule set yields
 * @wildcard:   the bits of a flow its megaflow ignores (vswitch.match)
 * @emc_hit, @probe, @upcall: a pass that hits the EMC, one subtable probe,
 *                            the slow path of a miss
 * @sort_interval: how often a thread reorders its subtables by hits
 * @pmd:        per host core, the state of the thread switching there
 *              (created at its first packet; owned); for the kernel, one
 *              more: the host's classifier
 */
struct vswitch {
    bool enabled, kernel;
    unsigned emc_entries, emc_insert_inv, mc_entries, masks;
    uint64_t wildcard;
    sim_time emc_hit, probe, upcall, sort_interval;
    gsl_rng *rng; /* the EMC's insertion draws (borrowed from the sim) */
    struct vswitch_pmd **pmd;
    unsigned n_cores;
    struct vswitch_stats st;
};

/* Set up @vs from the vswitch.* keys for a host of @n_cores cores; @name
 * names its random stream ("host3"). */
void vswitch_init(struct vswitch *vs, struct sim *sim, const struct scenario *sc, unsigned n_cores,
                  const char *name);
/* Free what @vs holds; a zeroed @vs (never initialized) is fine. */
void vswitch_release(struct vswitch *vs);
void vswitch_reset_stats(struct vswitch *vs);

/* The switch's work on a packet of @flow (any value below 2^48, its ports
 * in the low bits: VSWITCH_PORTS) switched by
 * the thread on core @core at @now: the time it costs that core (0 for a
 * bridge). A packet @decap-sulated from a tunnel recirculates: a second
 * pass looks the inner packet up, as one from the tunnel port. */
sim_time vswitch_lookup(struct vswitch *vs, unsigned core, uint64_t flow, bool decap, sim_time now);

/* The most memory one core's thread takes (its EMC), for the estimate of a
 * world's size. */
uint64_t vswitch_core_bytes(const struct scenario *sc);

/* Add @vs's counters to @sum. */
void vswitch_stats_add(struct vswitch_stats *sum, const struct vswitch *vs);
/* vswitch_* metrics of @s in scope "all": passes, hit rates, masks probed
 * per pass, upcalls, the switching CPU over @span seconds. */
void vswitch_report(const struct vswitch_stats *s, double span, struct report *out);

#endif
