/* The idle states of a host's cores and a simplified menu governor (Linux
 * drivers/cpuidle/governors/menu.c). When a core goes to sleep, menu
 * predicts how long it will stay from the time to its next timer, scaled
 * by a learned correction, and from the repeating-interval detector over
 * the last 8 idle periods; it then takes the deepest state whose target
 * residency and exit latency both fit in the prediction, and a physical
 * state rather than POLL unless a timer fires too soon for one. The cores
 * here know one timer only, an application's own that ends its pause
 * (sched_timer_wake()); otherwise the prediction is the detector's alone:
 * the typical interval when the remembered periods are consistent, else
 * unbounded (the deepest state allowed). Like menu, a core that expects
 * less than a tick keeps its tick: each tick wakes it, is remembered as a
 * long idle period (menu_update: 9/10 of MAX_INTERESTING, 45 ms) and the
 * core chooses again, so a short guess does not hold a core shallow for
 * long. Ticks fall on multiples of the period. Left out: the correction
 * factors, PM QoS latency limits, the I/O-wait multiplier and the cost of
 * the tick's own wake-ups. A core that never slept has no history and is
 * predicted to sleep long. Defaults: host_params.c
 * (sources.md#linux-cpuidle). */
#include "idle.h"

#include <string.h>

#include <glib.h>

#include "../hw/cpu.h"

G_STATIC_ASSERT(IDLE_MAX_STATES == CPU_IDLE_STATES);

/* menu.c get_typical_interval(): a spread of up to 20 us, or a mean over
 * 6 standard deviations, makes a set of intervals consistent; outliers on
 * the side farther from the mean are dropped down to 3/4 of the set. */
#define CONSISTENT_SD_PS    20e6
#define CONSISTENT_MEAN_SDS 6.0
/* What menu remembers for a stay a tick cut short. */
#define TICK_CUT_STAY (45 * SIM_MS)

sim_time idle_predict(const struct idle_history *h)
{
    sim_time lo = -1, hi = SIM_TIME_MAX; /* kept: strictly between */

    if (h->len < IDLE_HISTORY)
        return SIM_TIME_MAX;
    for (;;) {
        unsigned n = 0;
        double sum = 0, var = 0, avg;
        sim_time min = SIM_TIME_MAX, max = 0;

        for (unsigned i = 0; i < IDLE_HISTORY; i++) {
            if (h->iv[i] <= lo || h->iv[i] >= hi)
                continue;
            n++;
            sum += (double)h->iv[i];
            min = MIN(min, h->iv[i]);
            max = MAX(max, h->iv[i]);
        }
        avg = sum / n;
        for (unsigned i = 0; i < IDLE_HISTORY; i++)
            if (h->iv[i] > lo && h->iv[i] < hi)
                var += ((double)h->iv[i] - avg) * ((double)h->iv[i] - avg);
        var /= n;
        if ((avg * avg > CONSISTENT_MEAN_SDS * CONSISTENT_MEAN_SDS * var &&
             4 * n >= 3 * IDLE_HISTORY) ||
            var <= CONSISTENT_SD_PS * CONSISTENT_SD_PS)
            return (sim_time)avg;
        if (4 * n <= 3 * IDLE_HISTORY)
            return SIM_TIME_MAX;
        /* Drop the side farther from the mean. */
        if (avg - (double)min > (double)max - avg)
            lo = min;
        else
            hi = max;
    }
}

/* The deepest state whose residency and exit fit @predicted. */
static unsigned select_for(const struct idle_model *m, sim_time predicted)
{
    unsigned idx = 0;

    for (unsigned i = 1; i < m->n; i++) {
        const struct idle_state *s = &m->s[i];

        if (s->residency > predicted) {
            /* A physical state over polling when its exit fits. */
            if (idx == 0 && s->exit <= predicted)
                idx = i;
            break;
        }
        /* The exit latency may not exceed the predicted stay either. */
        if (s->exit > predicted)
            break;
        idx = i;
    }
    return idx;
}

unsigned idle_select(const struct idle_model *m, const struct idle_history *h)
{
    return select_for(m, idle_predict(h));
}

void idle_record(struct idle_history *h, sim_time t)
{
    h->iv[h->next] = t;
    h->next = (h->next + 1) % IDLE_HISTORY;
    if (h->len < IDLE_HISTORY)
        h->len++;
}

unsigned idle_sleep(const struct idle_model *m, struct idle_history *h, sim_time from, sim_time to,
                    bool timer)
{
    for (;;) {
        /* A timer the core knew of bounds the stay (menu's next timer). */
        sim_time predicted = timer ? MIN(idle_predict(h), to - from) : idle_predict(h);
        unsigned state = select_for(m, predicted);
        sim_time tick;

        if (m->tick <= 0 || predicted >= m->tick)
            tick = SIM_TIME_MAX;
        else
            tick = (from / m->tick + 1) * m->tick;
        if (to <= tick) {
            idle_record(h, to - from);
            return state;
        }
        idle_record(h, TICK_CUT_STAY);
        from = tick;
    }
}

static const char *const state_names[IDLE_MAX_STATES] = { "POLL", "C1", "C1E", "C6" };

void idle_model_from_scenario(struct idle_model *m, const struct scenario *sc)
{
    static const char *const keys[IDLE_MAX_STATES][2] = {
        { NULL, NULL },
        { "host.idle_c1_exit", "host.idle_c1_residency" },
        { "host.idle_c1e_exit", "host.idle_c1e_residency" },
        { "host.idle_c6_exit", "host.idle_c6_residency" },
    };
    const char *max = scenario_str(sc, "host.idle_max");

    memset(m, 0, sizeof(*m));
    m->s[0].name = state_names[0];
    m->n = 1;
    m->menu = g_strcmp0(scenario_str(sc, "host.idle"), "menu") == 0;
    m->tick = scenario_time(sc, "host.idle_tick");
    for (unsigned i = 1; i < IDLE_MAX_STATES; i++) {
        m->s[i].name = state_names[i];
        m->s[i].exit = scenario_time(sc, keys[i][0]);
        m->s[i].residency = scenario_time(sc, keys[i][1]);
    }
    for (unsigned i = 0; i < IDLE_MAX_STATES; i++)
        if (g_ascii_strcasecmp(max, state_names[i]) == 0)
            m->n = i + 1;
}

void idle_model_c1(struct idle_model *m, sim_time c1_exit)
{
    memset(m, 0, sizeof(*m));
    m->s[0].name = state_names[0];
    m->s[1] = (struct idle_state){ .name = state_names[1], .exit = c1_exit, .residency = c1_exit };
    m->n = c1_exit > 0 ? 2 : 1;
    m->menu = true;
}
