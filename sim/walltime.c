/* Host clocks: a monotonic one for durations, UTC for the runs table. */
#include "walltime.h"

#include <time.h>

#include <glib.h>

double walltime_now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

char *walltime_utc_iso(void)
{
    g_autoptr(GDateTime) now = g_date_time_new_now_utc();

    return g_date_time_format(now, "%Y-%m-%dT%H:%M:%SZ");
}
