/* Tests for the packed virtqueue (models/virtio/vring_packed.c) beside the
 * split one: chains of several descriptors through many wraps of a ring
 * whose size is not a power of two, interrupt suppression on a
 * hand-checked trace (kicks: tests/test-vring.c), and the cache lines of ring memory that move
 * between the driver's and the device's cores per packet in each layout. */
#include <glib.h>

#include "../models/virtio/vring.h"

/* Chains of 1 to 3 descriptors through a 7-entry ring, 5000 rounds: ids
 * and tokens come back in order, the free count is restored, and both
 * wrap counters have turned many times. */
static void test_wraps(void)
{
    struct vring vr;
    uint64_t token = 0, expect = 0;
    unsigned laps = 0;

    vring_init(&vr, 7, true, true);
    for (unsigned round = 0; round < 5000; round++) {
        unsigned n = 1 + round % 3;
        bool wrap = vr.p.avail_wrap;

        g_assert_cmpint(vring_add_buf(&vr, n, 0, 64, token++), >=, 0);
        g_assert_cmpint(vring_add_buf(&vr, 1, 1, 64, token++), >=, 0);
        g_assert_cmpuint(vr.num_free, ==, 7 - n - 2);
        g_assert_cmpuint(vring_avail_pending(&vr), ==, 2);
        for (int id; (id = vring_pop_avail(&vr)) >= 0;)
            vring_push_used(&vr, (uint16_t)id, 64);
        g_assert_cmpuint(vring_used_pending(&vr), ==, 2);
        g_assert_cmpuint(vring_get_buf(&vr, NULL), ==, expect++);
        g_assert_cmpuint(vring_get_buf(&vr, NULL), ==, expect++);
        g_assert_cmpuint(vring_get_buf(&vr, NULL), ==, VRING_NONE);
        g_assert_cmpuint(vr.num_free, ==, 7);
        laps += wrap != vr.p.avail_wrap;
    }
    g_assert_cmpuint(laps, >, 1000);
    g_assert_true(vr.p.avail_wrap == vr.p.dev_used_wrap && vr.p.used_wrap == vr.p.dev_avail_wrap);
    vring_release(&vr);
}

static void test_full(void)
{
    struct vring vr;

    vring_init(&vr, 5, false, true);
    g_assert_cmpint(vring_add_buf(&vr, 2, 1, 64, 1), >=, 0);
    g_assert_cmpint(vring_add_buf(&vr, 2, 0, 64, 2), >=, 0);
    g_assert_cmpint(vring_add_buf(&vr, 1, 0, 64, 3), ==, -1);
    vring_push_used(&vr, (uint16_t)vring_pop_avail(&vr), 64);
    g_assert_cmpuint(vring_get_buf(&vr, NULL), ==, 1);
    g_assert_cmpint(vring_add_buf(&vr, 3, 0, 64, 4), >=, 0);
    g_assert_cmpint(vring_add_buf(&vr, 1, 0, 64, 5), ==, -1);
    vring_release(&vr);
}

/* With 8 buffers outstanding and callbacks re-armed by
 * enable_cb_delayed, EVENT_IDX's DESC offset lets 6 complete silently and
 * interrupts on the 7th, as the split ring's used_event does; DISABLE
 * (NAPI polling) suppresses all. One buffer is signalled first: QEMU
 * signals the first used buffer after a reset whatever the offset. */
static unsigned irq_at(bool delayed, bool modern)
{
    struct vring vr;
    unsigned at = 0;

    vring_init(&vr, 16, true, true);
    vr.modern_disable_cb = modern;
    g_assert_true(vring_enable_cb(&vr));
    vring_add_buf(&vr, 1, 0, 64, 100);
    vring_push_used(&vr, (uint16_t)vring_pop_avail(&vr), 0);
    g_assert_true(vring_need_interrupt(&vr));
    g_assert_cmpuint(vring_get_buf(&vr, NULL), ==, 100);
    for (uint64_t t = 0; t < 8; t++)
        vring_add_buf(&vr, 1, 0, 64, t);
    vring_disable_cb(&vr);
    if (delayed)
        g_assert_true(vring_enable_cb_delayed(&vr));
    for (unsigned k = 1; k <= 8 && !at; k++) {
        vring_push_used(&vr, (uint16_t)vring_pop_avail(&vr), 0);
        if (vring_need_interrupt(&vr))
            at = k;
    }
    /* A used buffer pending: enable_cb reports the race. */
    if (delayed)
        g_assert_false(vring_enable_cb(&vr));
    vring_release(&vr);
    return at;
}

static void test_interrupts(void)
{
    for (int modern = 0; modern < 2; modern++)
        g_assert_cmpuint(irq_at(true, modern), ==, 7);
    g_assert_cmpuint(irq_at(false, false), ==, 0);
    /* Linux 5.14+ writes nothing after an interrupt, trusting the device
     * to stay quiet; but until the first re-arm after a disable the flags
     * still say ENABLE (enable_cb leaves ENABLE alone), so the next used
     * buffer interrupts the polling driver. */
    g_assert_cmpuint(irq_at(false, true), ==, 1);
}

/* Once re-armed in DESC mode, the offset the device crossed keeps it quiet:
 * Linux 5.14+ disables after an interrupt without writing DISABLE, and no
 * interrupt comes while it polls. */
static void test_disable_after_interrupt(void)
{
    struct vring vr;

    vring_init(&vr, 16, true, true);
    vring_disable_cb(&vr);
    g_assert_true(vring_enable_cb(&vr));
    g_assert_cmpuint(vr.p.driver_event.flags, ==, VRING_PACKED_EVENT_DESC);
    vring_add_buf(&vr, 1, 0, 64, 100);
    vring_push_used(&vr, (uint16_t)vring_pop_avail(&vr), 0);
    g_assert_true(vring_need_interrupt(&vr));
    vring_disable_cb(&vr);
    g_assert_cmpuint(vr.p.driver_event.flags, ==, VRING_PACKED_EVENT_DESC);
    g_assert_cmpuint(vring_get_buf(&vr, NULL), ==, 100);
    for (uint64_t t = 0; t < 8; t++) {
        vring_add_buf(&vr, 1, 0, 64, t);
        vring_push_used(&vr, (uint16_t)vring_pop_avail(&vr), 0);
        g_assert_false(vring_need_interrupt(&vr));
    }
    g_assert_cmpuint(vr.irqs_while_off, ==, 0);
    vring_release(&vr);
}

/* Cache lines moved per packet when one buffer at a time goes round
 * (request/response): the driver adds and kicks, the device takes it,
 * uses it and signals, the driver collects it and re-arms. Split touches
 * a descriptor, the avail ring and index, the used ring and index and the
 * event fields, each on its own line; packed the one descriptor and the
 * suppression structures. */
static uint64_t round_trips(struct vring *vr, unsigned batch)
{
    uint64_t token = 0;
    unsigned rounds = 4000 / batch;

    vring_enable_notify(vr);
    for (unsigned r = 0; r < rounds; r++) {
        for (unsigned k = 0; k < batch; k++)
            vring_add_buf(vr, 1, 0, 64, token++);
        vring_kick_prepare(vr);
        vring_disable_notify(vr);
        for (int id; (id = vring_pop_avail(vr)) >= 0;)
            vring_push_used(vr, (uint16_t)id, 64);
        vring_need_interrupt(vr);
        g_assert_true(vring_enable_notify(vr));
        vring_disable_cb(vr);
        while (vring_get_buf(vr, NULL) != VRING_NONE)
            ;
        g_assert_true(vring_enable_cb(vr));
    }
    g_assert_cmpuint(vr->buffers, ==, token);
    return token;
}

static double lines_per_packet(bool packed, unsigned batch)
{
    struct vring vr;
    uint64_t packets;
    double lines;

    vring_init(&vr, 256, true, packed);
    packets = round_trips(&vr, batch);
    lines = (double)vring_line_misses(&vr) / (double)packets;
    vring_release(&vr);
    return lines;
}

/* A packed ring's split twin moves, side by side, the lines a split ring
 * of the next power-of-two size moves through the same operations, and
 * the excess is the packed ring's lines less those. */
static void test_split_twin(void)
{
    for (unsigned batch = 1; batch <= 16; batch *= 4) {
        struct vring packed, split;

        vring_init(&packed, 200, true, true);
        vring_shadow_split(&packed);
        vring_init(&split, 256, true, false);
        round_trips(&packed, batch);
        round_trips(&split, batch);
        for (enum ring_side side = RING_DRIVER; side <= RING_DEVICE; side++) {
            g_assert_cmpuint(packed.shadow->cache.misses[side], ==, split.cache.misses[side]);
            g_assert_cmpint(vring_line_excess(&packed, side), ==,
                            (int64_t)packed.cache.misses[side] - (int64_t)split.cache.misses[side]);
        }
        vring_line_charge(&packed, RING_DRIVER, -2);
        g_assert_cmpint(vring_line_excess(&packed, RING_DRIVER), ==,
                        (int64_t)packed.cache.misses[RING_DRIVER] -
                            (int64_t)split.cache.misses[RING_DRIVER] + 2);
        vring_release(&packed);
        vring_release(&split);
    }
}

static void test_cache_lines(void)
{
    double split1 = lines_per_packet(false, 1), packed1 = lines_per_packet(true, 1);
    double split16 = lines_per_packet(false, 16), packed16 = lines_per_packet(true, 16);

    g_test_message("lines per packet, one at a time: split %.2f, packed %.2f; batches of 16: "
                   "split %.2f, packed %.2f",
                   split1, packed1, split16, packed16);
    g_assert_cmpfloat(packed1, <, split1 - 1);
    g_assert_cmpfloat(packed16, <, split16);
    /* Batches share lines: four descriptors to a line, 32 avail entries. */
    g_assert_cmpfloat(split16, <, split1 / 2);
    g_assert_cmpfloat(packed16, <, packed1 / 2);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/vring-packed/ring/wraps", test_wraps);
    g_test_add_func("/vring-packed/ring/full", test_full);
    g_test_add_func("/vring-packed/notify/interrupts", test_interrupts);
    g_test_add_func("/vring-packed/notify/disable-after-interrupt", test_disable_after_interrupt);
    g_test_add_func("/vring-packed/cache/lines-per-packet", test_cache_lines);
    g_test_add_func("/vring-packed/cache/split-twin", test_split_twin);
    return g_test_run();
}
