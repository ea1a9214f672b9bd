/* The blk model's memory estimate (model_ops.mem_estimate), and that of
 * the disks a net scenario gives its VMs (vm.disk). */
#ifndef IOVSIM_MODELS_BLK_MEM_H
#define IOVSIM_MODELS_BLK_MEM_H

#include <stdint.h>

#include <glib.h>

#include "scenario.h"

uint64_t blk_mem_estimate(const struct scenario *sc, GString *keys);

/* @n_vms disks as the blk.* and qcow2.* keys describe them; @vms_key is
 * the key that set @n_vms, named when the count dominates. */
uint64_t blk_mem_disks(const struct scenario *sc, uint64_t n_vms, const char *vms_key,
                       GString *keys);

#endif
