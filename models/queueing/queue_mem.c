/* What building the tandem queue allocates: a station per queue.stations,
 * each a FIFO server with its name and statistics. The jobs come later, as
 * they arrive, from the run's share of the limit. */
#include "queue_mem.h"

#include "resource.h"

/* A station's own fields beside its server (index, name, statistics). */
#define STATION_EXTRA 128

uint64_t queue_mem_estimate(const struct scenario *sc, GString *keys)
{
    g_string_append(keys, "queue.stations");
    return (uint64_t)scenario_int(sc, "queue.stations") *
           (sizeof(struct fifo_server) + STATION_EXTRA);
}
