/* Internal to the store: time series (schema 4), one row per sampled
 * quantity of a run, its samples a JSON array at regular times, and the
 * samples view that gives them one per row. */
#ifndef IOVSIM_STORE_SERIES_H
#define IOVSIM_STORE_SERIES_H

#include <stdbool.h>
#include <stdint.h>

#include <glib.h>
#include <sqlite3.h>

#include "report.h"

/* The series table and the samples view, as schema 4 creates them. */
#define STORE_SERIES_SQL                                                                     \
    "CREATE TABLE series (\n"                                                                \
    "    run_id INTEGER NOT NULL REFERENCES runs (run_id) ON DELETE CASCADE,\n"              \
    "    scope TEXT NOT NULL,\n"                                                             \
    "    name TEXT NOT NULL,\n"                                                              \
    "    unit TEXT NOT NULL,\n"                                                              \
    "    t0 REAL NOT NULL,\n"                                                                \
    "    dt REAL NOT NULL,\n"                                                                \
    "    samples TEXT NOT NULL,\n"                                                           \
    "    PRIMARY KEY (run_id, scope, name)\n"                                                \
    ") WITHOUT ROWID;\n"                                                                     \
    "CREATE VIEW sample AS\n"                                                                \
    "SELECT s.run_id, s.scope, s.name, s.unit, s.t0 + s.dt * v.key AS t, v.value AS value\n" \
    "FROM series AS s, json_each(s.samples) AS v;\n"

/* What a file of an older schema opened to read shows instead: no rows. */
#define STORE_SERIES_COMPAT_SQL                                                       \
    "CREATE TEMP VIEW series AS SELECT NULL AS run_id, NULL AS scope, NULL AS name, " \
    "NULL AS unit, NULL AS t0, NULL AS dt, NULL AS samples WHERE 0;\n"                \
    "CREATE TEMP VIEW sample AS SELECT NULL AS run_id, NULL AS scope, NULL AS name, " \
    "NULL AS unit, NULL AS t, NULL AS value WHERE 0;\n"

#define STORE_SERIES_INSERT_SQL                                                            \
    "INSERT INTO series (run_id, scope, name, unit, t0, dt, samples) VALUES (?1, ?2, ?3, " \
    "?4, ?5, ?6, ?7)"

/* @s's samples as the row's JSON array into @out: every digit of each
 * double, null for NaN. */
void store_series_samples(GString *out, const struct report_series *s);

#endif
