/* Parameters of the host's IOMMU: IOTLB, page walks, and the DMA API's
 * map / unmap / invalidation. */
#include <glib.h>

#include "../param_sources.h"
#include "../param_tables.h"
#include "iommu.h"
#include "param_table.h"

static const struct param_def iommu_params[] = {
    PDEF_ENUM("iommu.mode", "off", "off|strict|deferred",
              "host drivers' DMA-API mappings: none (iommu=pt), strict, or deferred (flush queue); "
              "assigned devices are always translated",
              "choice: iommu=pt, the usual performance setting; strict/deferred per "
              "Linux dma-iommu (sources.md#iova-flush-queue)"),
    PDEF_ENUM("iommu.page_size", "4KiB", "4KiB|2MiB", "IOMMU page size of DMA mappings", "choice"),
    PDEF_INT("iommu.iotlb_entries", "64", 1, 1 << 20, "IOTLB entries (fully associative, LRU)",
             "placeholder: Intel and AMD publish no IOTLB sizes and no measured "
             "figure was found"),
    PDEF_INT("iommu.walkers", "64", 1, 4096,
             "page walks the IOMMU performs at once; a DMA whose translation misses waits for one",
             "choice: not binding below 100 Gb/s; the walker count of VT-d and AMD-Vi is not "
             "published (the IOTLB wall at 200 Gb/s: Farshin et al., PeerJ CS 2023)"),
    PDEF_INT("iommu.walk_levels", "4", 1, 6, "page-table levels read on an IOTLB miss",
             "F&S SOSP'24 artifact: ~2 IOMMU memory reads per IOTLB miss, 0.95-1.20 "
             "misses per 4 KiB page under strict mapping (D: 1.90/0.95); no "
             "paging-structure cache in the model (sources.md#fands): 2 1; the "
             "default awaits a re-validation with it"),
    PDEF_TIME("iommu.walk_access", "100ns", 0, 1e-3, "one memory read of a page walk",
              "McCalpin, Intel forum 2014: 79 ns memory latency, dual-socket Xeon "
              "E5-2680 (sources.md#mem-latency): 79ns s; the default awaits a "
              "re-validation with it"),
    PDEF_TIME("iommu.map_cost", "200ns", 0, 1e-3, "DMA-API map of one buffer",
              "vIOMMU ATC'11: strict (un)map of a page 2,316 cycles software on bare "
              "metal (D: half, at 2.1 GHz) (sources.md#viommu): 551ns s; the default "
              "awaits a re-validation with it"),
    PDEF_TIME("iommu.unmap_cost", "200ns", 0, 1e-3, "DMA-API unmap of one buffer",
              "vIOMMU ATC'11: strict (un)map of a page 2,316 cycles software on bare "
              "metal (D: half, at 2.1 GHz) (sources.md#viommu): 551ns s; the default "
              "awaits a re-validation with it"),
    PDEF_TIME("iommu.invalidation_cost", "2us", 0, 1e-2, "IOTLB invalidation and its wait",
              "vIOMMU ATC'11: 4,593 cycles of IOMMU interaction per strict unmap on "
              "bare metal (D: at 2.1 GHz) (sources.md#viommu): 2.19us s; the default "
              "awaits a re-validation with it"),
    PDEF_INT("iommu.flush_queue", "256", 1, 1 << 20, "deferred: unmaps per flush",
             "Linux dma-iommu.c: IOVA_FQ_SIZE 256 (sources.md#iova-flush-queue)"),
    PDEF_TIME("iommu.flush_timeout", "10ms", 1e-9, 10, "deferred: oldest unmap waits at most this",
              "Linux dma-iommu.c: IOVA_FQ_TIMEOUT 10 ms (sources.md#iova-flush-queue)"),
};

static const size_t iommu_n_params = G_N_ELEMENTS(iommu_params);

const struct param_table iommu_param_table = { .params = iommu_params, .n = &iommu_n_params };
