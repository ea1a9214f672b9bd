/* CPU idle states (C-states) of the host's cores and the governor that
 * picks one each time a core goes to sleep. A core that sleeps in a state
 * pays its exit latency when work arrives: the work starts that much later,
 * and nothing is billed as CPU for it. */
#ifndef IOVSIM_HOST_IDLE_H
#define IOVSIM_HOST_IDLE_H

#include <stdbool.h>

#include "scenario.h"
#include "sim.h"

/* The states of the reference table (host.idle_* keys); index 0 is POLL. */
#define IDLE_MAX_STATES 4
/* Idle periods the governor remembers (menu.c INTERVALS). */
#define IDLE_HISTORY 8

/**
 * struct idle_state - one idle state of a core
 * @name:      "POLL", "C1", ... (static)
 * @exit:      from the wake-up event to the core running again
 * @residency: the shortest stay for which the state is worth entering
 */
struct idle_state {
    const char *name;
    sim_time exit, residency;
};

/**
 * struct idle_model - the states a host's cores may enter
 * @menu: the governor chooses, on every core that sleeps (host.idle =
 *        menu); else the model before idle states (legacy): a time-shared
 *        core always exits the shallowest physical state, a core of its
 *        own never sleeps
 * @n:    states usable, POLL included (1: host.idle_max = poll)
 * @tick: the scheduler tick's period; a core that expects a short sleep
 *        keeps it, and each tick wakes the core and makes it choose again
 *        (0: no tick)
 */
struct idle_model {
    struct idle_state s[IDLE_MAX_STATES];
    bool menu;
    unsigned n;
    sim_time tick;
};

/* A core's last idle periods, oldest overwritten first. */
struct idle_history {
    sim_time iv[IDLE_HISTORY];
    unsigned len, next;
};

/* The host.idle_* keys of @sc. */
void idle_model_from_scenario(struct idle_model *m, const struct scenario *sc);
/* The menu governor over POLL and a C1 with @c1_exit as exit latency and
 * target residency, no tick (tests). */
void idle_model_c1(struct idle_model *m, sim_time c1_exit);

/* The idle period the governor expects after @h: the typical interval of
 * the remembered ones when they are consistent, else SIM_TIME_MAX. */
sim_time idle_predict(const struct idle_history *h);
/* The state a core with history @h enters when it goes to sleep now. */
unsigned idle_select(const struct idle_model *m, const struct idle_history *h);
/* The core slept @t: remember it. */
void idle_record(struct idle_history *h, sim_time t);
/* A core with history @h fell asleep at @from and is woken at @to: the
 * state it is in then, after any tick wake-ups and new choices on the way
 * (all remembered in @h, as is the last stretch). @timer: a timer it knew
 * of when it fell asleep fires at @to, which bounds the prediction. */
unsigned idle_sleep(const struct idle_model *m, struct idle_history *h, sim_time from, sim_time to,
                    bool timer);

#endif
