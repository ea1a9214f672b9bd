/* Claims: which running sweep runs which (point, replication), so that two
 * sweeps of the same scenario on one database share the work instead of
 * both doing all of it. Kept in the claims table (see store.c). */
#ifndef IOVSIM_STORE_CLAIMS_H
#define IOVSIM_STORE_CLAIMS_H

#include <stdbool.h>
#include <stddef.h>

#include <glib.h>

#include "store.h"

/* A claim not refreshed for this long belongs to a sweep that is gone
 * (killed, or its host is down), and may be taken over. */
#define STORE_CLAIM_STALE_S 60.0

enum store_task_state {
    STORE_TASK_NEW,      /* not looked at yet */
    STORE_TASK_MINE,     /* claimed by us, to run */
    STORE_TASK_BUSY,     /* claimed by another live sweep, not done yet */
    STORE_TASK_DONE,     /* done in the database (by anyone) */
    STORE_TASK_GIVEN,    /* ours and handed out: the sweep's own states */
    STORE_TASK_FINISHED, /* from here on store_claim() ignores the task */
};

struct store_task {
    const char *point; /* borrowed */
    int rep;
    enum store_task_state state;
};

/* "host:pid" of this process, for store_claim(). Caller frees. */
char *store_claim_owner(void);

/**
 * store_claim - claim work for @owner, in one write transaction
 * Looks at the tasks in state NEW or BUSY, in order, until @max are MINE:
 * a task done in the database becomes DONE; one claimed by another sweep
 * that is alive (refreshed within STORE_CLAIM_STALE_S, and its process
 * still there if it runs on this host) becomes BUSY; any other becomes
 * MINE and is claimed. Also refreshes the heartbeat of @owner's claims.
 * Needs store_check_scenario() first (claims are per scenario hash). A
 * written run's claim goes with the write; store_release() drops the rest.
 */
bool store_claim(struct store *st, const char *owner, struct store_task *tasks, size_t n,
                 size_t max, GError **error);

/* Seconds of runs a sweep claims at a time once it knows their pace. */
#define STORE_CLAIM_SECONDS 0.1

/**
 * store_claim_batch - how many tasks to claim next: @least, or more if the
 * sweep finished @done runs in its first @elapsed seconds at a pace that
 * takes more in STORE_CLAIM_SECONDS. Each claim is a write transaction
 * (about 0.2 ms): sixteen 1 ms runs at a time made it 1% of such a sweep.
 */
size_t store_claim_batch(size_t least, size_t done, double elapsed);

/* Drop every claim of @owner (its sweep ends or stops). */
bool store_release(struct store *st, const char *owner, GError **error);

#endif
