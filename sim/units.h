/* Values with units, as written in scenario files and on the command line:
 * time (ps ns us ms s), size (B KB KiB MB MiB GB GiB), bit rate (bps Kbps Mbps
 * Gbps), packet rate (pps Kpps Mpps), frequency (Hz KHz MHz GHz), cycles.
 * Everything is converted to SI base units: s, B, bit/s, 1/s, Hz, cycles. */
#ifndef IOVSIM_UNITS_H
#define IOVSIM_UNITS_H

#include <stdbool.h>
#include <stdint.h>

#include <glib.h>

#include "simtime.h"

enum unit_dim {
    DIM_NONE,    /* plain number, no unit allowed */
    DIM_TIME,    /* base: s */
    DIM_SIZE,    /* base: B */
    DIM_BITRATE, /* base: bit/s */
    DIM_PKTRATE, /* base: 1/s (packets or requests per second) */
    DIM_FREQ,    /* base: Hz */
    DIM_CYCLES,  /* base: cycles */
};

/* SI base unit name stored in the results database, e.g. "s", "B", "bit/s". */
const char *unit_dim_base(enum unit_dim dim);
/* Human list of accepted units, e.g. "ps ns us ms s". */
const char *unit_dim_accepted(enum unit_dim dim);

/**
 * unit_parse - parse "1.25s", "64 KiB", "10Gbps", "3"
 * A number without a unit is accepted only for DIM_NONE and DIM_CYCLES.
 * Returns false with a one-line message in @error (no file or key in it).
 */
bool unit_parse(const char *text, enum unit_dim dim, double *out_base, GError **error);

/* As unit_parse(), but a number without a unit is taken in base units
 * (for data files such as empirical distributions). */
bool unit_parse_lenient(const char *text, enum unit_dim dim, double *out_base, GError **error);

/* Exact picosecond parse of a time value ("1.25s" -> 1250000000000): the
 * decimal digits are scaled as integers, so there is no binary rounding;
 * digits below 1ps round to nearest (ties away from zero). Fails if the
 * result does not fit in sim_time. */
bool unit_parse_time(const char *text, sim_time *out_ps, GError **error);

/* Exact integer parse for @dim DIM_NONE or DIM_CYCLES ("1000", "1e6",
 * "2000 cycles"); fails on a fraction ("1.5") or beyond int64. */
bool unit_parse_int(const char *text, enum unit_dim dim, int64_t *out, GError **error);

/* Shortest readable text with a unit for a base value, e.g. 1.25e-6 -> "1.25us";
 * unit_parse() of the result gives back exactly @base. Cycles and plain
 * numbers get no unit. Caller frees. */
char *unit_format(double base, enum unit_dim dim);

/* @bytes rounded for people, in the largest binary unit it reaches (up to
 * GiB) with one decimal, e.g. "38.7GiB", "512.0MiB", "100B"; parseable as
 * a size. Caller frees. */
char *unit_format_bytes(uint64_t bytes);

#endif
