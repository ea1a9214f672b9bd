/* Claims of running sweeps on (point, replication) tasks: two identical
 * sweeps started on one database split the grid between them, and a sweep
 * that finds the rest claimed waits for it to be done, taking over the
 * claims of a sweep that died. Liveness is a heartbeat, and on the same
 * host whether the owner's process still exists. */
#include "store_claims.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include <glib.h>
#include <sqlite3.h>

#include "scenario.h"

char *store_claim_owner(void)
{
    return g_strdup_printf("%s:%ld", g_get_host_name(), (long)getpid());
}

static double unix_now(void)
{
    return (double)g_get_real_time() * 1e-6;
}

/* Is the sweep @owner, last heard of at @heartbeat, still running? */
static bool alive(const char *owner, double heartbeat, double now)
{
    const char *colon = strrchr(owner, ':');
    g_autofree char *host = colon ? g_strndup(owner, (gsize)(colon - owner)) : NULL;
    gint64 pid;

    if (now - heartbeat > STORE_CLAIM_STALE_S)
        return false;
    if (!host || strcmp(host, g_get_host_name()) != 0 ||
        !g_ascii_string_to_signed(colon + 1, 10, 1, G_MAXINT, &pid, NULL))
        return true;
    return kill((pid_t)pid, 0) == 0 || errno == EPERM;
}

static bool fail(struct store *st, GError **error)
{
    g_set_error(error, IOVSIM_ERROR, IOVSIM_ERROR_IO, "'%s': cannot claim runs: %s", store_path(st),
                sqlite3_errmsg(store_db(st)));
    if (!sqlite3_get_autocommit(store_db(st)))
        sqlite3_exec(store_db(st), "ROLLBACK", NULL, NULL, NULL);
    return false;
}

/* Run @sql, a transaction's BEGIN or COMMIT. */
static bool exec(struct store *st, const char *sql)
{
    sqlite3_stmt *s = store_stmt_cached(st, sql);
    int rc = s ? sqlite3_step(s) : SQLITE_ERROR;

    if (s)
        sqlite3_reset(s);
    return rc == SQLITE_DONE;
}

/* One task: DONE, BUSY or claimed (MINE). False on an SQL error. */
static bool claim_one(struct store *st, sqlite3_stmt *get, sqlite3_stmt *put, struct store_task *t,
                      const char *owner, double now)
{
    const char *hash = store_checked_hash(st);
    int rc;

    if (store_has_done(st, t->point, t->rep)) {
        t->state = STORE_TASK_DONE;
        return true;
    }
    sqlite3_bind_text(get, 1, hash, -1, SQLITE_STATIC);
    sqlite3_bind_text(get, 2, t->point, -1, SQLITE_STATIC);
    sqlite3_bind_int(get, 3, t->rep);
    rc = sqlite3_step(get);
    t->state =
        rc == SQLITE_ROW && strcmp((const char *)sqlite3_column_text(get, 0), owner) != 0 &&
                alive((const char *)sqlite3_column_text(get, 0), sqlite3_column_double(get, 1), now)
            ? STORE_TASK_BUSY
            : STORE_TASK_MINE;
    sqlite3_reset(get);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return false;
    if (t->state == STORE_TASK_BUSY)
        return true;
    sqlite3_bind_text(put, 1, hash, -1, SQLITE_STATIC);
    sqlite3_bind_text(put, 2, t->point, -1, SQLITE_STATIC);
    sqlite3_bind_int(put, 3, t->rep);
    sqlite3_bind_text(put, 4, owner, -1, SQLITE_STATIC);
    sqlite3_bind_double(put, 5, now);
    rc = sqlite3_step(put);
    sqlite3_reset(put);
    return rc == SQLITE_DONE;
}

/* Prepared once (store_stmt_cached()): a sweep of short runs claims often. */
static const char touch_sql[] = "UPDATE claims SET heartbeat = ?2 WHERE owner = ?1";
static const char get_sql[] = "SELECT owner, heartbeat FROM claims WHERE scenario_hash = ?1 AND "
                              "point = ?2 AND rep = ?3";
static const char put_sql[] = "INSERT OR REPLACE INTO claims (scenario_hash, point, rep, owner, "
                              "heartbeat) VALUES (?1, ?2, ?3, ?4, ?5)";
static const char release_sql[] = "DELETE FROM claims WHERE owner = ?1";

bool store_claim(struct store *st, const char *owner, struct store_task *tasks, size_t n,
                 size_t max, GError **error)
{
    double now = unix_now();
    sqlite3_stmt *touch, *get, *put;
    size_t mine = 0;
    bool ok;

    g_assert(store_checked_hash(st));
    if (!exec(st, "BEGIN IMMEDIATE"))
        return fail(st, error);
    touch = store_stmt_cached(st, touch_sql);
    get = store_stmt_cached(st, get_sql);
    put = store_stmt_cached(st, put_sql);
    ok = touch && get && put;
    if (ok) {
        sqlite3_bind_text(touch, 1, owner, -1, SQLITE_STATIC);
        sqlite3_bind_double(touch, 2, now);
        ok = sqlite3_step(touch) == SQLITE_DONE;
        sqlite3_reset(touch);
    }
    for (size_t i = 0; ok && i < n && mine < max; i++) {
        if (tasks[i].state != STORE_TASK_NEW && tasks[i].state != STORE_TASK_BUSY)
            continue;
        ok = claim_one(st, get, put, &tasks[i], owner, now);
        mine += tasks[i].state == STORE_TASK_MINE;
    }
    if (!ok || !exec(st, "COMMIT"))
        return fail(st, error);
    return true;
}

bool store_release(struct store *st, const char *owner, GError **error)
{
    sqlite3_stmt *s = store_stmt_cached(st, release_sql);
    int rc;

    if (!s)
        return fail(st, error);
    sqlite3_bind_text(s, 1, owner, -1, SQLITE_STATIC);
    rc = sqlite3_step(s);
    sqlite3_reset(s);
    return rc == SQLITE_DONE || fail(st, error);
}

size_t store_claim_batch(size_t least, size_t done, double elapsed)
{
    double pace = elapsed > 0 ? (double)done / elapsed * STORE_CLAIM_SECONDS : 0;

    /* Bounded: a clock that barely moved must not claim a whole grid. */
    return pace > (double)least ? (size_t)MIN(pace, 100.0 * (double)least) : least;
}
