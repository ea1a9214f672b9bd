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
              "choice: iommu=pt, the usual performance setting; modes per calibration.md 1.5"),
    PDEF_ENUM("iommu.page_size", "4KiB", "4KiB|2MiB", "IOMMU page size of DMA mappings", "choice"),
    PDEF_INT("iommu.iotlb_entries", "64", 1, 1 << 20, "IOTLB entries (fully associative, LRU)",
             PLACEHOLDER),
    PDEF_INT("iommu.walk_levels", "4", 1, 6, "page-table levels read on an IOTLB miss",
             "calibration.md 1.5: 4 levels, 48-bit VT-d (R)"),
    PDEF_TIME("iommu.walk_access", "100ns", 0, 1e-3, "one memory read of a page walk", PLACEHOLDER),
    PDEF_TIME("iommu.map_cost", "200ns", 0, 1e-3, "DMA-API map of one buffer", PLACEHOLDER),
    PDEF_TIME("iommu.unmap_cost", "200ns", 0, 1e-3, "DMA-API unmap of one buffer", PLACEHOLDER),
    PDEF_TIME("iommu.invalidation_cost", "2us", 0, 1e-2, "IOTLB invalidation and its wait",
              PLACEHOLDER),
    PDEF_INT("iommu.flush_queue", "256", 1, 1 << 20, "deferred: unmaps per flush",
             "calibration.md 1.5: IOVA_FQ_SIZE 256"),
    PDEF_TIME("iommu.flush_timeout", "10ms", 1e-9, 10, "deferred: oldest unmap waits at most this",
              "calibration.md 1.5: IOVA_FQ_TIMEOUT 10 ms"),
};

static const size_t iommu_n_params = G_N_ELEMENTS(iommu_params);

const struct param_table iommu_param_table = { .params = iommu_params, .n = &iommu_n_params };
