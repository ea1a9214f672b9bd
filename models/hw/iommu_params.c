/* Parameters of the host's IOMMU: IOTLB, page walks, and the DMA API's
 * map / unmap / invalidation. */
#include <glib.h>

#include "../param_sources.h"
#include "../param_tables.h"
#include "iommu.h"
#include "param_table.h"

static const struct param_def iommu_params[] = {
    PDEF_ENUM("iommu.mode", "off", IOMMU_DESIGN_CHOICES,
              "host drivers' DMA-API translation design: off (identity, iommu=pt), strict "
              "(invalidate at every unmap), batched (one flush queue under a shared lock), "
              "deferred (per-CPU flush queues), persistent (map once, reuse); assigned devices "
              "are always translated",
              "choice: iommu=pt, the usual performance setting; the designs per "
              "Linux dma-iommu (sources.md#iova-flush-queue)"),
    PDEF_ENUM("iommu.page_size", "4KiB", "4KiB|2MiB", "IOMMU page size of DMA mappings", "choice"),
    PDEF_INT("iommu.iotlb_entries", "64", 1, 1 << 20, "IOTLB entries (fully associative, LRU)",
             "pcie-bench data, Xeon E5-2630 v4, IOMMU on, no superpages: random 64 B DMA reads "
             "keep full rate up to a 256 KiB window and lose a quarter at 512 KiB (D: between 64 "
             "and 127 4 KiB entries; 64) (sources.md#pcie-bench-iotlb)"),
    PDEF_INT("iommu.walkers", "64", 1, 4096,
             "page walks the IOMMU performs at once; a DMA whose translation misses waits for one",
             "choice: the walker count of VT-d and AMD-Vi is not published; 64 never binds in the "
             "bundled scenarios (iotlb-reach.ini: 48 VFs at 200 Gb/s need 2) (the IOTLB wall: "
             "sources.md#farshin-iotlb)"),
    PDEF_INT("iommu.walk_levels", "2", 1, 6, "page-table levels read on an IOTLB miss",
             "F&S SOSP'24 artifact: ~2 IOMMU memory reads per IOTLB miss, 0.95-1.20 misses per 4 "
             "KiB page under strict mapping (D: 1.90/0.95); no paging-structure cache in the model "
             "(sources.md#fands)"),
    PDEF_TIME("iommu.walk_access", "79ns", 0, 1e-3, "one memory read of a page walk",
              "McCalpin, Intel forum 2014: 79 ns memory latency, dual-socket Xeon E5-2680 "
              "(sources.md#mem-latency)"),
    PDEF_TIME("iommu.map_cost", "551ns", 0, 1e-3, "DMA-API map of one buffer",
              "vIOMMU ATC'11: strict (un)map of a page 2,316 cycles software on bare metal (D: "
              "half, at 2.1 GHz) (sources.md#viommu)"),
    PDEF_TIME("iommu.unmap_cost", "551ns", 0, 1e-3, "DMA-API unmap of one buffer",
              "vIOMMU ATC'11: strict (un)map of a page 2,316 cycles software on bare metal (D: "
              "half, at 2.1 GHz) (sources.md#viommu)"),
    PDEF_TIME("iommu.invalidation_cost", "2.19us", 0, 1e-2, "IOTLB invalidation and its wait",
              "vIOMMU ATC'11: 4,593 cycles of IOMMU interaction per strict unmap on bare metal (D: "
              "at 2.1 GHz) (sources.md#viommu)"),
    PDEF_INT("iommu.flush_queue", "256", 1, 1 << 20,
             "batched, deferred: slots of a flush queue; the unmap that finds it full flushes",
             "Linux dma-iommu.c: IOVA_DEFAULT_FQ_SIZE 256 (sources.md#iova-flush-queue)"),
    PDEF_TIME("iommu.flush_timeout", "10ms", 1e-9, 10,
              "batched, deferred: the first queued unmap arms a timer that flushes this much later",
              "Linux dma-iommu.c: IOVA_DEFAULT_FQ_TIMEOUT 10 ms (sources.md#iova-flush-queue)"),
    PDEF_BOOL("iommu.iova_cache", "true",
              "IOVAs come from per-CPU caches (Linux 4.7 on); false: every allocation and free "
              "takes the IOVA allocator's global lock",
              "Linux iova.c: per-CPU rcache for ranges up to 128 KiB, commit 9257b4a206fc "
              "(sources.md#iova-flush-queue)"),
    PDEF_INT("iommu.iova_lock_lines", "4", 0, 64,
             "without iova_cache: cache lines the IOVA allocator touches one after another under "
             "its global lock, per allocation and per free; each costs host.line_transfer when "
             "another core held the lock last",
             "Linux iova.c __alloc_and_insert_iova_range(): the lock and the domain's cached "
             "node pointer (one line), the cached node, its predecessor, the rebalanced parent "
             "(D: 4 dependent fetches) (sources.md#iova-flush-queue)"),
    PDEF_INT("iommu.fq_lock_lines", "3", 0, 64,
             "batched: cache lines queueing one unmap touches one after another under the single "
             "flush queue's lock (a flush it triggers holds the lock too); each costs "
             "host.line_transfer when another core held the lock last",
             "intel-iommu add_unmap() before per-CPU queues: the lock, the queue's counters, the "
             "entries they index (D: 3 dependent fetches) (sources.md#iova-flush-queue)"),
};

static const size_t iommu_n_params = G_N_ELEMENTS(iommu_params);

const struct param_table iommu_param_table = { .params = iommu_params, .n = &iommu_n_params };
