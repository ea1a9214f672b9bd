/* Internal to the store: creating and checking the database schema. */
#ifndef IOVSIM_STORE_SCHEMA_H
#define IOVSIM_STORE_SCHEMA_H

#include <stdbool.h>

#include <glib.h>
#include <sqlite3.h>

/* A sweep's runs are short transactions; five seconds is far longer than any
 * of them, so hitting it means something is wrong, not just busy. */
#define STORE_BUSY_TIMEOUT_MS 5000

/* Wait up to STORE_BUSY_TIMEOUT_MS for another connection's write lock,
 * looking often: sweep workers take turns at it many times a second. */
void store_schema_busy_wait(sqlite3 *db);

/**
 * store_schema_setup - make @db an iovsim database in WAL mode
 * Creates the schema in an empty database (a new or 0-byte file, or one with
 * no tables); accepts an existing one only if it carries our application_id,
 * meta rows and schema version. Leaves a foreign database untouched. @path is
 * for messages. Returns false with a one-line IOVSIM_ERROR otherwise.
 */
bool store_schema_setup(sqlite3 *db, const char *path, GError **error);
/* Only the checks, for a read-only connection: true if @db is an iovsim
 * database of our schema (an empty file is not). */
bool store_schema_check(sqlite3 *db, const char *path, GError **error);

/* Make the points view again if the parameters that vary across the
 * points changed (after writes). One line IOVSIM_ERROR on failure. */
bool store_schema_points(sqlite3 *db, const char *path, GError **error);

#endif
