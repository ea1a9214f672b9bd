/* Identity domain (iommu=pt, iommu.mode = off): host drivers' DMA addresses
 * are physical addresses, the IOMMU passes them through untranslated and
 * the DMA API does no per-buffer work. Assigned devices are translated all
 * the same (VFIO gives them a domain of their own). */
#include "iommu.h"

const struct iommu_design iommu_identity_design = {
    .name = "off",
    .translates = false,
    .map = iommu_no_work,
    .unmap = iommu_no_work,
};
