/* The parameter table of each component, in one place: a model lists the
 * tables of the components it is built from (struct model_ops.tables), and
 * a component that several models share (the host, the hypervisor, the
 * guest kernel, a strategy's costs) is one table with one default each. */
#ifndef IOVSIM_PARAM_TABLES_H
#define IOVSIM_PARAM_TABLES_H

#include "scenario.h"

extern const struct param_table host_param_table;      /* host.*: cores, host kernel */
extern const struct param_table hv_param_table;        /* hv.*: exits, interrupts */
extern const struct param_table guest_param_table;     /* guest.*: the guest kernel */
extern const struct param_table iommu_param_table;     /* iommu.* */
extern const struct param_table pcie_param_table;      /* pcie.* */
extern const struct param_table virtio_param_table;    /* virtio.*: net and blk */
extern const struct param_table emulation_param_table; /* emulation.*: net and blk */
extern const struct param_table vdpa_param_table;      /* vdpa.* */
extern const struct param_table sidecore_param_table;  /* sidecore.* */
extern const struct param_table blk_param_table;       /* blk.*, fio.*, disk.*, qcow2.* */
extern const struct param_table fabric_param_table;    /* fabric.* */
extern const struct param_table vswitch_param_table;   /* vswitch.*: the host's switch */

#endif
