/* One replication: build the model from the scenario, run the warm-up, cut
 * the statistics, run to the end, collect the report. The database is not
 * touched here, so a run that is interrupted leaves nothing behind. */
#include "runner.h"

#include <time.h>

#include "model.h"
#include "sim.h"
#include "walltime.h"

bool runner_run(const struct scenario *sc, uint64_t seed, volatile sig_atomic_t *stop,
                struct run_result *out, GError **error)
{
    *out = (struct run_result){ .seed = seed };
    const struct model_ops *ops = model_lookup(scenario_model(sc));
    g_assert(ops); /* the scenario loader checked the name */
    sim_time warmup = scenario_time(sc, "scenario.warmup");
    sim_time duration = scenario_time(sc, "scenario.duration");
    double t0 = walltime_now();
    struct sim *sim = sim_new(seed);
    sim_watch_flag(sim, stop);
    struct model *m = ops->create(sim, sc, error);
    if (!m) {
        sim_free(sim);
        return false;
    }
    if (warmup > 0) {
        sim_run_until(sim, warmup);
        if (!(stop && *stop) && ops->warmup_end)
            ops->warmup_end(m);
    }
    if (!(stop && *stop))
        sim_run_until(sim, duration);
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
