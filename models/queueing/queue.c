/* The queueing model: a Poisson (or any renewal) source feeding N FIFO
 * stations in tandem, each with c servers, then a sink. Service is drawn when
 * a job reaches a station, from that station's own stream, so every variant
 * sees the same service times. Jobs live in a pool (sim/pool.h), at most
 * queue.capacity of them. Left out: routing other than tandem, finite
 * buffers per station, priorities. */
#include "queue.h"

#include <math.h>
#include <stdio.h>

#include <glib.h>

#include "model.h"
#include "pool.h"
#include "queue_mem.h"
#include "queue_params.h"
#include "resource.h"
#include "rng.h"
#include "stats.h"

struct queue_job {
    sim_time born;       /* arrival at station 1 */
    sim_time st_arrival; /* arrival at the current station */
    sim_time service;    /* service time at the current station */
    sim_time waited;     /* time queued at the stations visited so far */
    uint32_t next_free;  /* the pool's while the job is free */
};

struct queue_station {
    struct queue_model *model;
    unsigned index; /* 0-based; reported as station<index+1> */
    char name[24];
    struct fifo_server server;
    gsl_rng *rng;           /* borrowed from the sim */
    struct welford sojourn; /* s, from arrival here to departure */
};

struct queue_model {
    struct model base;
    struct sim *sim;
    const struct dist *interarrival; /* borrowed from the scenario */
    const struct dist *service;
    gsl_rng *arrival_rng;
    struct queue_station *stations;
    unsigned n_stations;
    struct pool jobs; /* the jobs in the system */
    sim_event_id next_arrival;
    uint64_t capacity; /* jobs in the system at most (queue.capacity) */

    /* Everything below is reset at the warm-up cut. */
    sim_time stat_start;
    uint64_t arrivals;
    uint64_t completed;
    struct welford sojourn; /* s, end to end */
    struct welford wait;    /* s, summed over stations */
    struct hist sojourn_ps;
    struct timeavg in_system;
    uint64_t blocked; /* arrivals turned away by a full system */
};

static struct queue_job *job_at(struct queue_model *m, uint32_t i)
{
    return POOL_AT(&m->jobs, struct queue_job, i);
}

static void station_on_done(struct sim *sim, void *ctx, uint64_t tag);

static void station_enter(struct queue_station *st, uint32_t i)
{
    struct queue_model *m = st->model;
    struct queue_job *job = job_at(m, i);

    job->st_arrival = sim_now(m->sim);
    job->service = dist_sample_time(m->service, st->rng);
    fifo_server_submit(&st->server, job->service, station_on_done, st, i);
}

static void sink(struct queue_model *m, uint32_t i)
{
    struct queue_job *job = job_at(m, i);
    sim_time sojourn = sim_now(m->sim) - job->born;

    welford_add(&m->sojourn, sim_time_to_s(sojourn));
    welford_add(&m->wait, sim_time_to_s(job->waited));
    hist_add(&m->sojourn_ps, sojourn);
    m->completed++;
    timeavg_add(&m->in_system, sim_now(m->sim), -1.0);
    pool_free(&m->jobs, i);
}

static void station_on_done(struct sim *sim, void *ctx, uint64_t tag)
{
    struct queue_station *st = ctx;
    struct queue_model *m = st->model;
    uint32_t i = (uint32_t)tag;
    struct queue_job *job = job_at(m, i);
    sim_time sojourn = sim_now(sim) - job->st_arrival;

    welford_add(&st->sojourn, sim_time_to_s(sojourn));
    job->waited += sojourn - job->service;
    if (st->index + 1 < m->n_stations)
        station_enter(&m->stations[st->index + 1], i);
    else
        sink(m, i);
}

static void source_on_arrival(struct sim *sim, void *ctx, const void *payload)
{
    struct queue_model *m = ctx;
    sim_time now = sim_now(sim);
    uint32_t i;

    (void)payload;
    m->arrivals++;
    m->next_arrival = sim_schedule(sim, dist_sample_time(m->interarrival, m->arrival_rng),
                                   source_on_arrival, m, NULL, 0);
    if (pool_live(&m->jobs) >= m->capacity) {
        m->blocked++;
        return;
    }
    i = pool_alloc(&m->jobs);
    job_at(m, i)->born = now;
    job_at(m, i)->waited = 0;
    timeavg_add(&m->in_system, now, 1.0);
    station_enter(&m->stations[0], i);
}

static void queue_reset_stats(struct queue_model *m)
{
    sim_time now = sim_now(m->sim);

    m->stat_start = now;
    m->arrivals = 0;
    m->completed = 0;
    m->blocked = 0;
    welford_init(&m->sojourn);
    welford_init(&m->wait);
    hist_reset(&m->sojourn_ps);
    timeavg_reset(&m->in_system, now);
    for (unsigned k = 0; k < m->n_stations; k++) {
        fifo_server_reset_stats(&m->stations[k].server);
        welford_init(&m->stations[k].sojourn);
    }
}

static struct model *queue_create(struct sim *sim, const struct scenario *sc, GError **error)
{
    struct queue_model *m = g_new0(struct queue_model, 1);

    (void)error; /* the registry's ranges are the only constraints */
    m->base.ops = &queue_model_ops;
    m->sim = sim;
    m->interarrival = scenario_dist(sc, "queue.interarrival");
    m->service = scenario_dist(sc, "queue.service");
    m->arrival_rng = sim_rng(sim, "queue.arrivals");
    m->n_stations = (unsigned)scenario_int(sc, "queue.stations");
    m->capacity = (uint64_t)scenario_int(sc, "queue.capacity");
    m->stations = g_new0(struct queue_station, m->n_stations);
    for (unsigned k = 0; k < m->n_stations; k++) {
        struct queue_station *st = &m->stations[k];
        char stream[32];

        st->model = m;
        st->index = k;
        snprintf(st->name, sizeof(st->name), "station%u", k + 1);
        snprintf(stream, sizeof(stream), "queue.service%u", k + 1);
        st->rng = sim_rng(sim, stream);
        fifo_server_init(&st->server, sim, st->name, (unsigned)scenario_int(sc, "queue.servers"));
        fifo_server_keep_waits(&st->server);
        fifo_server_keep_qlen(&st->server);
        fifo_server_keep_busy(&st->server);
        welford_init(&st->sojourn);
    }
    POOL_INIT(&m->jobs, struct queue_job, next_free);
    pool_set_grow_hook(&m->jobs, sim_mem_account, sim);
    welford_init(&m->sojourn);
    welford_init(&m->wait);
    hist_init(&m->sojourn_ps);
    timeavg_init(&m->in_system, sim_now(sim), 0.0);
    m->stat_start = sim_now(sim);
    m->next_arrival = sim_schedule(sim, dist_sample_time(m->interarrival, m->arrival_rng),
                                   source_on_arrival, m, NULL, 0);
    return &m->base;
}

static void queue_warmup_end(struct model *base)
{
    queue_reset_stats(container_of(base, struct queue_model, base));
}

static void queue_report(struct model *base, struct report *out)
{
    struct queue_model *m = container_of(base, struct queue_model, base);
    sim_time now = sim_now(m->sim);
    double span = sim_time_to_s(now - m->stat_start);
    double per_s = span > 0 ? 1.0 / span : 0.0;
    double qlen = 0.0, util = 0.0;

    for (unsigned k = 0; k < m->n_stations; k++) {
        struct queue_station *st = &m->stations[k];
        double st_qlen = timeavg_mean(&st->server.qlen_avg, now);
        double st_util = fifo_server_utilization(&st->server);

        report_metric(out, st->name, "wait_mean", welford_mean_defined(&st->server.wait), "s");
        report_metric(out, st->name, "sojourn_mean", welford_mean_defined(&st->sojourn), "s");
        report_metric(out, st->name, "queue_length_mean", st_qlen, "1");
        report_metric(out, st->name, "utilization", st_util, "1");
        report_metric(out, st->name, "throughput", (double)st->server.completed * per_s, "1/s");
        qlen += st_qlen;
        util += st_util;
    }
    report_metric(out, "all", "sojourn_mean", welford_mean_defined(&m->sojourn), "s");
    report_metric(out, "all", "sojourn_p50", hist_quantile_defined(&m->sojourn_ps, 0.5) * 1e-12,
                  "s");
    report_metric(out, "all", "sojourn_p99", hist_quantile_defined(&m->sojourn_ps, 0.99) * 1e-12,
                  "s");
    report_metric(out, "all", "sojourn_p999", hist_quantile_defined(&m->sojourn_ps, 0.999) * 1e-12,
                  "s");
    report_metric(out, "all", "wait_mean", welford_mean_defined(&m->wait), "s");
    report_metric(out, "all", "queue_length_mean", qlen, "1");
    report_metric(out, "all", "in_system_mean", timeavg_mean(&m->in_system, now), "1");
    report_metric(out, "all", "utilization", util / m->n_stations, "1");
    report_metric(out, "all", "throughput", (double)m->completed * per_s, "1/s");
    report_metric(out, "all", "arrival_rate", (double)m->arrivals * per_s, "1/s");
    report_metric(out, "all", "completed", (double)m->completed, "1");
    report_metric(out, "all", "blocked", (double)m->blocked, "1");
    report_metric(out, "all", "blocking_probability",
                  m->arrivals ? (double)m->blocked / (double)m->arrivals : NAN, "1");
    report_hist(out, "all", "sojourn", &m->sojourn_ps, 1e-12, "s");
}

static void queue_destroy(struct model *base)
{
    struct queue_model *m = container_of(base, struct queue_model, base);

    /* Service completions still pending point at the stations; the sim is
     * freed right after us and never runs them. */
    sim_cancel(m->sim, m->next_arrival);
    for (unsigned k = 0; k < m->n_stations; k++)
        fifo_server_release(&m->stations[k].server);
    g_free(m->stations);
    pool_release(&m->jobs);
    hist_release(&m->sojourn_ps);
    g_free(m);
}

static const struct param_table queue_own_params = { .params = queue_params, .n = &queue_n_params };
static const struct param_table *const queue_param_tables[] = { &queue_own_params, NULL };

const struct model_ops queue_model_ops = {
    .name = "queue",
    .help = "FIFO stations in tandem with c servers each (M/M/1, M/D/1, M/M/c checks)",
    .tables = queue_param_tables,
    .create = queue_create,
    .warmup_end = queue_warmup_end,
    .report = queue_report,
    .destroy = queue_destroy,
    .mem_estimate = queue_mem_estimate,
};
