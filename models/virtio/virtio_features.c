/* Feature names, lists of them, and the driver's negotiation with Linux's
 * rules: accept the offered features the driver knows (an offload whose
 * checksum feature is missing too, which Linux then leaves unused), fail
 * the probe where Linux does.
 * Left out: the device refusing FEATURES_OK, features iovsim does not
 * model (ECN, UFO, RSS, MTU, ...). */
#include "virtio_features.h"

#include <string.h>

struct feature_name {
    const char *name;
    unsigned bit;
};

static const struct feature_name names[] = {

#define VIRTIO_FEATURE_NAME(n, b) { #n, b },
    VIRTIO_FEATURE_LIST(VIRTIO_FEATURE_NAME)
#undef VIRTIO_FEATURE_NAME
};

static const char *name_of(unsigned bit)
{
    for (size_t k = 0; k < G_N_ELEMENTS(names); k++)
        if (names[k].bit == bit)
            return names[k].name;
    g_assert_not_reached();
}

char *virtio_features_format(uint64_t set)
{
    GString *s = g_string_new(NULL);

    for (size_t k = 0; k < G_N_ELEMENTS(names); k++)
        if (virtio_has(set, names[k].bit))
            g_string_append_printf(s, "%s%s", s->len ? "," : "", names[k].name);
    return g_string_free(s, false);
}

bool virtio_features_parse(const char *text, uint64_t *set, GError **error)
{
    g_auto(GStrv) words = g_strsplit_set(text, ", \t", -1);

    *set = 0;
    for (char **w = words; *w; w++) {
        size_t k = 0;

        if (!**w)
            continue;
        while (k < G_N_ELEMENTS(names) && strcmp(names[k].name, *w) != 0)
            k++;
        if (k == G_N_ELEMENTS(names)) {
            g_autofree char *all = virtio_features_format(UINT64_MAX);

            g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                        "unknown virtio feature '%s' (known: %s)", *w, all);
            return false;
        }
        *set |= UINT64_C(1) << names[k].bit;
    }
    return true;
}

bool virtio_features_check(const char *text, GError **error)
{
    uint64_t set;

    return virtio_features_parse(text, &set, error);
}

/* virtnet_validate_features(): these need the control queue. */
static const enum virtio_feature need_ctrl_vq[] = {
    VIRTIO_F_CTRL_RX, VIRTIO_F_CTRL_VLAN,     VIRTIO_F_GUEST_ANNOUNCE,
    VIRTIO_F_MQ,      VIRTIO_F_CTRL_MAC_ADDR,
};

bool virtio_negotiate(uint64_t offered, uint64_t known, uint64_t required, unsigned pairs,
                      struct virtio_negotiation *out, GError **error)
{
    uint64_t missing = required & ~offered;
    uint64_t a = offered & known;

    memset(out, 0, sizeof(*out));
    if (missing) {
        /* vp_finalize_features(): "device uses modern interface but does
         * not have VIRTIO_F_VERSION_1", and the like. */
        g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                    "the driver requires %s, which the device does not offer",
                    name_of((unsigned)__builtin_ctzll(missing)));
        return false;
    }
    for (size_t k = 0; k < G_N_ELEMENTS(need_ctrl_vq) && !virtio_has(a, VIRTIO_F_CTRL_VQ); k++)
        if (virtio_has(a, need_ctrl_vq[k])) {
            g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                        "the device advertises %s but not CTRL_VQ: the driver fails its probe",
                        name_of(need_ctrl_vq[k]));
            return false;
        }
    out->offered = offered;
    out->accepted = a;
    /* virtnet_probe(): scatter-gather and TSO only under CSUM, but an
     * offload offered without its checksum (which spec 5.1.3.1 forbids
     * the device) is still accepted; virtnet_set_big_packets() posts big
     * buffers for guest TSO whatever GUEST_CSUM says, while QEMU's
     * tap_fd_set_offload() lets the host hand the guest large segments
     * only with it. */
    out->sg = virtio_has(a, VIRTIO_F_CSUM);
    out->tso_tx =
        out->sg && (virtio_has(a, VIRTIO_F_HOST_TSO4) || virtio_has(a, VIRTIO_F_HOST_TSO6));
    out->big_rx = virtio_has(a, VIRTIO_F_GUEST_TSO4) || virtio_has(a, VIRTIO_F_GUEST_TSO6);
    out->gso_rx = out->big_rx && virtio_has(a, VIRTIO_F_GUEST_CSUM);
    out->mergeable = virtio_has(a, VIRTIO_F_MRG_RXBUF);
    /* virtnet_probe(): the 12-byte header with mergeable buffers or a
     * modern device, else the legacy 10 bytes; a modern device takes the
     * header in the packet's own first descriptor (any layout). */
    out->hdr_bytes = out->mergeable || virtio_has(a, VIRTIO_F_VERSION_1) ? 12 : 10;
    out->hdr_pushed = virtio_has(a, VIRTIO_F_VERSION_1);
    out->queue_pairs = virtio_has(a, VIRTIO_F_MQ) && pairs > 1 ? pairs : 1;
    return true;
}
