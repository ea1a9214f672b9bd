/* Post-copy live migration (Hines et al., VEE'09): the VM switches over
 * first and runs at the destination while its memory follows: the source
 * pushes the pages in address order at the bandwidth limit, and a page the
 * VM writes before the push has sent it is a remote fault, fetched ahead
 * of the push while the faulting vCPU stalls for migration.fault_latency.
 * The VM writes its working set (migration.wws pages, spread uniformly over
 * its memory) at migration.dirty_rate: each of those pages is first written
 * after an exponential time of mean wws / dirty_rate, and only that first
 * write can fault. Left out: pre-paging around a fault, a fault's page
 * crossing the fabric within the stall (the stall is the fault's measured
 * cost; the page still takes its share of the stream), reads. */
#include <math.h>
#include <string.h>

#include <glib.h>
#include <gsl/gsl_randist.h>

#include "migration_internal.h"
#include "rng.h"

static bool bit(const uint8_t *map, uint64_t i)
{
    return map[i >> 3] & (1u << (i & 7));
}

static void set_bit(uint8_t *map, uint64_t i)
{
    map[i >> 3] |= (uint8_t)(1u << (i & 7));
}

void postcopy_init(struct migration *m)
{
    struct postcopy *pc = &m->pc;

    pc->pages = pc->unsent = m->memory / MIGRATION_PAGE;
    pc->fetched = g_new0(uint8_t, pc->pages / 8 + 1);
    pc->fault_cost = scenario_time(m->w->sc, "migration.fault_latency");
    pc->rng = sim_rng(m->w->sim, "migration.pages");
    /* A fault's page must fit a segment. */
    if (m->seg < MIGRATION_PAGE)
        m->seg = MIGRATION_PAGE;
}

void postcopy_release(struct migration *m)
{
    g_free(m->pc.fetched);
}

static void touched(struct sim *sim, void *ctx, const void *payload)
{
    struct migration *m = ctx;
    struct postcopy *pc = &m->pc;
    uint64_t page;

    memcpy(&page, payload, sizeof(page));
    if (m->phase != MIG_POSTCOPY || page < pc->cursor || bit(pc->fetched, page))
        return;
    set_bit(pc->fetched, page);
    pc->urgent++;
    pc->faults++;
    pc->stall += pc->fault_cost;
    net_vcpu_stall(m->vm, pc->fault_cost);
    (void)sim;
    migration_pump(m);
}

/* The working set's pages, a uniform choice of wws / page of the memory's
 * pages (selection sampling, Knuth's algorithm S), each first written at
 * an exponential time from now. */
void postcopy_begin(struct migration *m)
{
    struct postcopy *pc = &m->pc;
    uint64_t want = m->wws / MIGRATION_PAGE;

    /* The rate is known once the migration has started (migration.dirty_rx). */
    pc->touch_rate = m->wws ? m->dirty_bps / 8.0 / (double)m->wws : 0;
    if (pc->touch_rate <= 0)
        return;
    for (uint64_t i = 0; i < pc->pages && want; i++) {
        if (gsl_rng_uniform(pc->rng) * (double)(pc->pages - i) >= (double)want)
            continue;
        want--;
        sim_time t = sim_time_from_s(gsl_ran_exponential(pc->rng, 1.0 / pc->touch_rate));
        sim_schedule(m->w->sim, t, touched, m, &i, sizeof(i));
    }
}

uint32_t postcopy_take(struct migration *m, uint32_t max)
{
    struct postcopy *pc = &m->pc;
    /* m->left counts the pages not yet sent and what was lost on the way,
     * which goes again first. */
    uint64_t owed = m->left - pc->unsent * MIGRATION_PAGE;
    uint32_t k = 0;

    if (owed)
        return owed < max ? (uint32_t)owed : max;
    if (pc->urgent) {
        pc->urgent--;
        pc->unsent--;
        return MIGRATION_PAGE;
    }
    while (pc->cursor < pc->pages && (k + 1) * MIGRATION_PAGE <= max) {
        if (!bit(pc->fetched, pc->cursor))
            k++;
        pc->cursor++;
    }
    pc->unsent -= k;
    return k * MIGRATION_PAGE;
}

void postcopy_report(const struct migration *m, struct report *out)
{
    bool copied = m->phase >= MIG_REPLUG;

    report_metric(out, "all", "migration_remote_faults", (double)m->pc.faults, "1");
    report_metric(out, "all", "migration_fault_stall", sim_time_to_s(m->pc.stall), "s");
    /* The VM's goodput while it runs at the destination without all of
     * its memory. */
    report_metric(out, "all", "migration_degraded_throughput",
                  m->postcopy && copied
                      ? migration_rate(m->vm_bytes[4] - m->vm_bytes[2], m->t_copied - m->t_resume)
                      : NAN,
                  "bit/s");
}
