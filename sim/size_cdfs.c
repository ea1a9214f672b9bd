/* The built-in flow-size tables of cdf(NAME). The studies published these
 * distributions as plotted CDFs; the points below are the digitised tables
 * that later work ships and simulates with, cited each with the repository
 * and file it was read from (docs/sources.md#flow-size-cdfs). */
#include "size_cdfs.h"

#include <string.h>

#include <glib.h>

/* Web search: the background flows of a 6,000-server production cluster
 * (Alizadeh et al., "Data Center TCP", SIGCOMM 2010, section 2.2, Fig. 4),
 * as tabled in
 * HKUST-SING/TrafficGenerator conf/DCTCP_CDF.txt and, identically, in
 * alibaba-edu/High-Precision-Congestion-Control traffic_gen/
 * WebSearch_distribution.txt (HPCC, SIGCOMM 2019). */
static const double websearch_bytes[] = { 0,     10e3, 20e3, 30e3, 50e3, 80e3,
                                          200e3, 1e6,  2e6,  5e6,  10e6, 30e6 };
static const double websearch_prob[] = { 0,   0.15, 0.20, 0.30, 0.40, 0.53,
                                         0.6, 0.7,  0.8,  0.9,  0.97, 1 };

/* Data mining: the flows of the 1,500-server data-mining cluster of
 * Greenberg et al., "VL2", SIGCOMM 2009, section 3.2, Fig. 2 (the "data
 * mining" workload of later studies, pFabric's among them), as tabled in
 * HKUST-SING/TrafficGenerator conf/VL2_CDF.txt. Its 2% of flows past 100 MB
 * are twice the 1% of the paper's caption. */
static const double datamining_bytes[] = { 0,    180,  216,   560,    900,   1100, 1870,
                                           3160, 10e3, 400e3, 3.16e6, 100e6, 1e9 };
static const double datamining_prob[] = { 0,   0.1, 0.2, 0.3,  0.4,  0.5, 0.6,
                                          0.7, 0.8, 0.9, 0.95, 0.98, 1 };

/* Hadoop: inter-rack flows of Facebook's Hadoop cluster (Roy et al.,
 * "Inside the Social Network's (Datacenter) Network", SIGCOMM 2015), as
 * tabled in alibaba-edu/High-Precision-Congestion-Control traffic_gen/
 * FbHdp_distribution.txt. */
static const double hadoop_bytes[] = { 0,    100,  200,  300,  350,  400,   500,   600, 700, 1000,
                                       2000, 7000, 30e3, 50e3, 80e3, 120e3, 300e3, 1e6, 2e6, 10e6 };
static const double hadoop_prob[] = { 0,    0.01, 0.02, 0.05, 0.15, 0.2, 0.3,  0.4,   0.5,  0.6,
                                      0.67, 0.7,  0.72, 0.82, 0.87, 0.9, 0.95, 0.975, 0.99, 1 };

static const struct size_cdf tables[] = {
    { "websearch", G_N_ELEMENTS(websearch_bytes), websearch_bytes, websearch_prob },
    { "datamining", G_N_ELEMENTS(datamining_bytes), datamining_bytes, datamining_prob },
    { "hadoop", G_N_ELEMENTS(hadoop_bytes), hadoop_bytes, hadoop_prob },
};

G_STATIC_ASSERT(G_N_ELEMENTS(websearch_bytes) == G_N_ELEMENTS(websearch_prob));
G_STATIC_ASSERT(G_N_ELEMENTS(datamining_bytes) == G_N_ELEMENTS(datamining_prob));
G_STATIC_ASSERT(G_N_ELEMENTS(hadoop_bytes) == G_N_ELEMENTS(hadoop_prob));

const struct size_cdf *size_cdf_find(const char *name)
{
    for (size_t i = 0; i < G_N_ELEMENTS(tables); i++)
        if (strcmp(tables[i].name, name) == 0)
            return &tables[i];
    return NULL;
}

const char *const *size_cdf_names(size_t *n)
{
    /* The same pointers each call: filling it again is harmless. */
    static const char *names[G_N_ELEMENTS(tables)];

    for (size_t i = 0; i < G_N_ELEMENTS(tables); i++)
        names[i] = tables[i].name;
    *n = G_N_ELEMENTS(tables);
    return names;
}

double size_cdf_quantile(const struct size_cdf *t, double u)
{
    size_t i = 1;

    while (i < t->n - 1 && t->prob[i] <= u)
        i++;
    return t->bytes[i - 1] +
           (u - t->prob[i - 1]) / (t->prob[i] - t->prob[i - 1]) * (t->bytes[i] - t->bytes[i - 1]);
}

void size_cdf_moments(const struct size_cdf *t, double *mean, double *var)
{
    double m = 0, m2 = 0;

    for (size_t i = 1; i < t->n; i++) {
        double p = t->prob[i] - t->prob[i - 1], a = t->bytes[i - 1], b = t->bytes[i];

        m += p * (a + b) / 2;
        m2 += p * (a * a + a * b + b * b) / 3;
    }
    *mean = m;
    *var = m2 - m * m;
}
