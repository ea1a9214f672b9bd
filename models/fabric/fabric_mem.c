/* What building a fabric allocates, from its parameters alone: a flow
 * table per switch (its entries and twice as many hash slots, rounded up
 * to a power of two, as flow_table_init() makes them), a link per host in
 * each direction and per leaf-spine pair in each direction, and a vswitch
 * per host when it has a cost. */
#include "fabric_mem.h"

#include "flow_table.h"
#include "resource.h"

/* A link's own fields beside its server (rate, bytes queued, buffer, tier). */
#define LINK_EXTRA (4 * sizeof(uint64_t))

static uint64_t table_bytes(uint64_t entries)
{
    uint64_t slots = 2;

    while (slots < 2 * entries)
        slots *= 2;
    return entries * sizeof(struct flow_entry) + slots * sizeof(uint32_t);
}

uint64_t fabric_mem_estimate(const struct scenario *sc, GString *keys)
{
    uint64_t leaves = (uint64_t)scenario_int(sc, "fabric.leaves");
    uint64_t spines = (uint64_t)scenario_int(sc, "fabric.spines");
    uint64_t hosts = leaves * (uint64_t)scenario_int(sc, "fabric.hosts_per_leaf");
    uint64_t tables =
        (leaves + spines) * table_bytes((uint64_t)scenario_int(sc, "fabric.table_size"));
    uint64_t links = (2 * hosts + 2 * leaves * spines) * (sizeof(struct fifo_server) + LINK_EXTRA);
    uint64_t vswitches =
        scenario_time(sc, "fabric.vswitch_packet") > 0 ? hosts * sizeof(struct fifo_server) : 0;

    g_string_append(keys, tables >= links ? "fabric.table_size, fabric.leaves, fabric.spines"
                                          : "fabric.leaves, fabric.hosts_per_leaf, fabric.spines");
    return tables + links + vswitches;
}
