/* Backing files: a qcow2 image created over a backing file (qemu-img
 * create -b) starts with no clusters of its own. A read of a cluster it
 * lacks goes down the chain: each qcow2 image on the way looks the cluster
 * up in its own L2 cache (QEMU keeps one per image, block/qcow2.c) and the
 * read is served by the first image that has it; here the chain's last
 * image, the base, has every cluster and the overlays between have none
 * (snapshots taken and never written). A first write to a cluster copies
 * the rest of the cluster from the chain (copy-on-write, perform_cow() in
 * block/qcow2-cluster.c): one read of those bytes before the cluster is
 * written. Without a backing file a cluster the image lacks reads as zeros
 * with no device access (qcow2_co_preadv_part() on QCOW2_SUBCLUSTER_
 * UNALLOCATED_PLAIN). The base may be raw (a qcow2 overlay over a raw
 * image: no lookup in it). Left out: overlays that hold some clusters,
 * streaming and commit, backing files on another device. */
#include <string.h>

#include <glib.h>

#include "blk_world.h"
#include "scenario.h"

/* The chain's names: image.name, then image.backing_chain's. Caller frees. */
static char **chain_names(const struct scenario *sc)
{
    g_auto(GStrv) below = g_strsplit(scenario_str(sc, "image.backing_chain"), ",", -1);
    GPtrArray *names = g_ptr_array_new();

    g_ptr_array_add(names, g_strdup(scenario_str(sc, "image.name")));
    for (char **p = below; *p; p++)
        g_ptr_array_add(names, g_strstrip(g_strdup(*p)));
    g_ptr_array_add(names, NULL);
    return (char **)g_ptr_array_free(names, FALSE);
}

unsigned blk_backing_depth(const struct scenario *sc)
{
    g_auto(GStrv) names = chain_names(sc);

    return g_strv_length(names) - 1;
}

bool blk_backing_check(const struct scenario *sc, GError **error)
{
    g_auto(GStrv) names = chain_names(sc);
    unsigned n = g_strv_length(names);

    for (unsigned k = 1; k < n; k++) {
        if (!*names[k]) {
            scenario_error(sc, "image.backing_chain", error, "file %u of the chain has no name", k);
            return false;
        }
        for (unsigned j = 0; j < k; j++) {
            if (strcmp(names[j], names[k]) != 0)
                continue;
            g_autofree char *path = g_strjoinv(" -> ", names);

            scenario_error(sc, "image.backing_chain", error,
                           "'%s' is its own backing file: the chain loops (%s)", names[k], path);
            return false;
        }
    }
    if (n == 1)
        return true;
    if (strcmp(scenario_str(sc, "blk.format"), "qcow2") != 0) {
        scenario_error(sc, "image.backing_chain", error,
                       "a raw image has no backing file; the overlay must be blk.format = qcow2 "
                       "(a raw base is image.backing_format = raw)");
        return false;
    }
    if (strcmp(scenario_str(sc, "image.preallocation"), "off") != 0) {
        scenario_error(sc, "image.preallocation", error,
                       "'%s' with a backing file: an overlay's clusters are its backing file's "
                       "until written (use off)",
                       scenario_str(sc, "image.preallocation"));
        return false;
    }
    return true;
}

void blk_backing_init(struct blk_vm *vm, uint64_t l2_entries, uint64_t slices, bool warm)
{
    struct blk_world *w = vm->w;
    unsigned n = w->chain_len - (w->base_raw ? 1 : 0);

    vm->chain_l2 = n ? g_new0(struct blk_cache, n) : NULL;
    vm->n_chain_l2 = n;
    for (unsigned k = 0; k < n; k++) {
        blk_cache_init(&vm->chain_l2[k], (uint32_t)MIN(l2_entries, (uint64_t)UINT32_MAX - 1),
                       slices);
        blk_cache_hash(&vm->chain_l2[k], BLK_QCOW2_HASH);
        if (warm)
            for (uint64_t s = vm->chain_l2[k].capacity; s-- > 0;)
                blk_cache_access(&vm->chain_l2[k], s, false, NULL);
        blk_cache_reset_stats(&vm->chain_l2[k]);
    }
}

void blk_backing_release(struct blk_vm *vm)
{
    for (unsigned k = 0; k < vm->n_chain_l2; k++)
        blk_cache_release(&vm->chain_l2[k]);
    g_free(vm->chain_l2);
    vm->chain_l2 = NULL;
    vm->n_chain_l2 = 0;
}

unsigned blk_backing_lookup(struct blk_vm *vm, struct blk_req *r, uint64_t offset, uint64_t bytes)
{
    struct blk_world *w = vm->w;
    uint64_t first = offset / w->slice_reach, last = (offset + bytes - 1) / w->slice_reach;
    unsigned misses = 0;

    for (unsigned k = 0; k < vm->n_chain_l2; k++)
        for (uint64_t s = first; s <= last; s++) {
            uint32_t entries = blk_cache_probes(&vm->chain_l2[k], s);

            r->q_chain_entries += entries;
            vm->q.lookups++;
            vm->q.lookup_entries += entries;
            misses += !blk_cache_access(&vm->chain_l2[k], s, false, NULL);
        }
    return misses;
}
