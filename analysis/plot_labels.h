/* Human names for figures: axis labels, legend titles and series names
 * from the names of parameters, their values and metrics ("VMs per host"
 * for vm.count, "SR-IOV" for sriov, "Throughput" for throughput). A scenario's
 * [plot NAME] group or the command line can override each. */
#ifndef IOVSIM_ANALYSIS_PLOT_LABELS_H
#define IOVSIM_ANALYSIS_PLOT_LABELS_H

#include <stdbool.h>

/* The name of parameter @key on an axis or over a legend; words made from
 * @key when none is known ("NIC DMA mapping" for nic.dma_mapping).
 * Borrowed (static or interned). */
const char *plot_param_label(const char *key);

/* Has @key (@name) a name of its own, not words made from it? For the test
 * that every key and metric bundled scenarios plot has one. */
bool plot_param_label_known(const char *key);
bool plot_metric_label_known(const char *name);

/* The name of @value of @key as a series or category ("SR-IOV", "on");
 * a number with a unit spaced and its unit as figures show it ("10 Gb/s"
 * for 10Gbps, the number as typed); @value itself otherwise. Borrowed. */
const char *plot_value_label(const char *key, const char *value);

/**
 * plot_metric_label - the name of metric @name on an axis
 * "Throughput" for throughput, "Mean latency" for latency_mean, words from
 * the name otherwise. *@count_unit is set to the unit to show for a metric
 * stored as a plain number ("cores" for host_cpu), else NULL. Caller frees.
 */
char *plot_metric_label(const char *name, const char **count_unit);

/* @name in words: "irq_delivery" is "IRQ delivery". Caller frees. */
char *plot_words(const char *name);

/* "Label (unit)", or "Label" for an empty or NULL unit; "us" shows as "µs".
 * Caller frees. */
char *plot_axis_label(const char *label, const char *unit);

#endif
