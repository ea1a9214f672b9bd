/* Host (wall-clock) time, for timing runs and stamping them: never used for
 * simulated time. */
#ifndef IOVSIM_WALLTIME_H
#define IOVSIM_WALLTIME_H

/* Seconds on a monotonic clock (differences only). */
double walltime_now(void);

/* The current UTC time as ISO 8601, e.g. "2026-11-24T21:00:00Z"; caller frees. */
char *walltime_utc_iso(void);

#endif
