/* One replication: build the model from the scenario, run the warm-up, cut
 * the statistics, run to the end, collect the report. The database is not
 * touched here, so a run that is interrupted leaves nothing behind. */
#include "runner.h"

#include <time.h>

#include "model.h"
#include "sim.h"
#include "units.h"
#include "walltime.h"

static bool outgrown(const struct scenario *sc, struct sim *sim, uint64_t cap, GError **error)
{
    g_autofree char *used = NULL, *room = NULL;

    if (!sim_mem_exceeded(sim))
        return false;
    used = unit_format_bytes(sim_mem_used(sim));
    room = unit_format_bytes(cap);
    g_set_error(error, IOVSIM_ERROR, IOVSIM_ERROR_INPUT,
                "%s: the run outgrew the memory limit at %g s simulated: its events, queues "
                "and records in flight took %s of the %s left once the model was built (see "
                "--mem-limit)",
                scenario_path(sc), sim_time_to_s(sim_now(sim)), used, room);
    return true;
}

bool runner_run(const struct scenario *sc, uint64_t seed, volatile sig_atomic_t *stop,
                struct run_result *out, GError **error)
{
    return runner_run_bounded(sc, seed, stop, 0, out, error);
}

bool runner_run_bounded(const struct scenario *sc, uint64_t seed, volatile sig_atomic_t *stop,
                        uint64_t mem_limit, struct run_result *out, GError **error)
{
    *out = (struct run_result){ .seed = seed };
    const struct model_ops *ops = model_lookup(scenario_model(sc));
    g_assert(ops); /* the scenario loader checked the name */
    sim_time warmup = scenario_time(sc, "scenario.warmup");
    sim_time duration = scenario_time(sc, "scenario.duration");
    double t0 = walltime_now();
    struct sim *sim = sim_new(seed);
    uint64_t built = scenario_mem_estimate(sc, NULL);
    /* Growth gets what the built world leaves of the limit. */
    uint64_t cap = mem_limit == 0 ? 0 : mem_limit > built ? mem_limit - built : 1;
    sim_watch_flag(sim, stop);
    sim_set_mem_cap(sim, cap);
    struct model *m = ops->create(sim, sc, error);
    if (!m) {
        sim_free(sim);
        return false;
    }
    if (warmup > 0) {
        sim_run_until(sim, warmup);
        if (!(stop && *stop) && !sim_mem_exceeded(sim) && ops->warmup_end)
            ops->warmup_end(m);
    }
    if (!(stop && *stop) && !sim_mem_exceeded(sim))
        sim_run_until(sim, duration);
    if (outgrown(sc, sim, cap, error)) {
        ops->destroy(m);
        sim_free(sim);
        return false;
    }
    out->interrupted = stop && *stop;
    out->events = sim_events_executed(sim);
    out->sim_seconds = sim_time_to_s(sim_now(sim) - warmup);
    if (!out->interrupted) {
        out->report = report_new();
        ops->report(m, out->report);
    }
    ops->destroy(m);
    sim_free(sim);
    out->wall_seconds = walltime_now() - t0;
    return true;
}
