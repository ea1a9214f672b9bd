/* Tests for the split virtqueue (models/virtio/vring.c): descriptor and index
 * invariants through 16-bit wrap-around, a full ring refusing add_buf, the
 * need_event rule, kick and interrupt counts with EVENT_IDX versus the flag
 * hints on hand-checked traces (the kick trace for the packed ring too),
 * and the enable_cb / enable_notify races. The packed ring's own tests:
 * tests/test-vring-packed.c. */
#include <glib.h>

#include "../models/virtio/vring.h"

static void test_invariants(void)
{
    struct vring vr;
    uint64_t next_token = 0, expect = 0;

    vring_init(&vr, 8, true, false);
    /* 70000 buffers through an 8-entry ring: indices wrap past 65535. */
    for (unsigned round = 0; round < 70000 / 5; round++) {
        for (unsigned k = 0; k < 5; k++)
            g_assert_cmpint(vring_add_buf(&vr, 1, 0, 100, next_token++), >=, 0);
        g_assert_cmpuint(vr.num_free, ==, 3);
        g_assert_cmpuint(vring_avail_pending(&vr), ==, 5);
        for (unsigned k = 0; k < 5; k++) {
            int head = vring_pop_avail(&vr);

            g_assert_cmpint(head, >=, 0);
            g_assert_cmpint(head, <, 8);
            vring_push_used(&vr, (uint16_t)head, 100);
        }
        g_assert_cmpint(vring_pop_avail(&vr), ==, -1);
        g_assert_cmpuint(vring_used_pending(&vr), ==, 5);
        for (unsigned k = 0; k < 5; k++) {
            uint32_t len = 0;

            /* Tokens come back in completion order. */
            g_assert_cmpuint(vring_get_buf(&vr, &len), ==, expect++);
            g_assert_cmpuint(len, ==, 100);
        }
        g_assert_cmpuint(vring_get_buf(&vr, NULL), ==, VRING_NONE);
        g_assert_cmpuint(vr.num_free, ==, 8);
    }
    g_assert_cmpuint(vr.avail_idx, ==, (uint16_t)next_token);
    g_assert_cmpuint(vr.used_idx, ==, (uint16_t)next_token);
    vring_release(&vr);
}

static void test_full(void)
{
    struct vring vr;

    vring_init(&vr, 4, false, false);
    /* Two chains of two descriptors fill a 4-entry table. */
    g_assert_cmpint(vring_add_buf(&vr, 1, 1, 64, 1), >=, 0);
    g_assert_cmpint(vring_add_buf(&vr, 1, 1, 64, 2), >=, 0);
    g_assert_cmpuint(vr.num_free, ==, 0);
    g_assert_cmpint(vring_add_buf(&vr, 1, 0, 64, 3), ==, -1);
    /* Completing one chain frees both of its descriptors. */
    vring_push_used(&vr, (uint16_t)vring_pop_avail(&vr), 64);
    g_assert_cmpuint(vring_get_buf(&vr, NULL), ==, 1);
    g_assert_cmpuint(vr.num_free, ==, 2);
    g_assert_cmpint(vring_add_buf(&vr, 2, 0, 64, 4), >=, 0);
    g_assert_cmpint(vring_add_buf(&vr, 1, 0, 64, 5), ==, -1);
    vring_release(&vr);
}

static void test_need_event(void)
{
    /* Notify iff the event index lies in [old, new). */
    g_assert_true(vring_need_event(0, 1, 0));
    g_assert_false(vring_need_event(0, 2, 1));
    g_assert_true(vring_need_event(5, 8, 3));
    g_assert_false(vring_need_event(8, 8, 3));
    g_assert_true(vring_need_event(7, 8, 3));
    /* Across the 16-bit wrap. */
    g_assert_true(vring_need_event(65535, 1, 65534));
    g_assert_false(vring_need_event(2, 1, 65534));
}

/*
 * The trace: the device sleeps with kicks enabled (at its position: the
 * split ring's avail_event 0, the packed ring's DESC offset, as virtio.c
 * starts it). The guest adds A and B before the device has woken; the
 * device wakes, disables kicks, takes A and B; the guest adds C; the device
 * re-enables kicks, finds C (the race), takes it and re-enables; the guest
 * adds D.
 * Flags: A and B kick (NO_NOTIFY / DISABLE not set yet), C does not, D
 * does: 3. EVENT_IDX: A crosses the event offset 0, B and C do not (the
 * split ring's stale avail_event; the packed ring's DISABLE while the
 * device polls), D crosses 3: 2. Both layouts alike.
 */
static unsigned kicks_on_trace(bool event_idx, bool packed)
{
    struct vring vr;
    unsigned kicks = 0;
    uint64_t token = 0;

    vring_init(&vr, 16, event_idx, packed);
    g_assert_true(vring_enable_notify(&vr));
    for (int k = 0; k < 2; k++) {
        vring_add_buf(&vr, 1, 0, 64, token++);
        kicks += vring_kick_prepare(&vr);
    }
    vring_disable_notify(&vr);
    while (vring_pop_avail(&vr) >= 0)
        ;
    vring_add_buf(&vr, 1, 0, 64, token++);
    kicks += vring_kick_prepare(&vr);
    g_assert_false(vring_enable_notify(&vr));
    vring_disable_notify(&vr);
    g_assert_cmpint(vring_pop_avail(&vr), >=, 0);
    g_assert_true(vring_enable_notify(&vr));
    g_assert_cmpuint(vr.notify_races, ==, 1);
    vring_add_buf(&vr, 1, 0, 64, token++);
    kicks += vring_kick_prepare(&vr);
    g_assert_cmpuint(vr.kicks, ==, kicks);
    g_assert_cmpuint(vr.kicks + vr.kicks_suppressed, ==, 4);
    vring_release(&vr);
    return kicks;
}

static void test_kicks(void)
{
    for (int packed = 0; packed < 2; packed++) {
        g_assert_cmpuint(kicks_on_trace(false, packed), ==, 3);
        g_assert_cmpuint(kicks_on_trace(true, packed), ==, 2);
    }
}

/* The guest polls (callbacks off) while the device completes 3 buffers,
 * one at a time. Flags: no interrupt. EVENT_IDX with a driver that only
 * sets the flag (Linux before 5.14): the stale used_event lets exactly one
 * through (the first completion), none after. With one that moves
 * used_event to 0 (5.14 on): none. */
static unsigned irqs_while_polling(bool event_idx, bool zero_event)
{
    struct vring vr;
    unsigned irqs = 0;

    vring_init(&vr, 16, event_idx, false);
    vr.modern_disable_cb = zero_event;
    /* Away from index 0, which used_event = 0 names (see below). */
    vring_add_buf(&vr, 0, 1, 64, 9);
    vring_push_used(&vr, (uint16_t)vring_pop_avail(&vr), 64);
    vring_need_interrupt(&vr);
    vring_get_buf(&vr, NULL);
    vr.irqs_while_off = 0;
    for (int k = 0; k < 3; k++)
        vring_add_buf(&vr, 0, 1, 64, (uint64_t)k);
    g_assert_true(vring_enable_cb(&vr));
    vring_disable_cb(&vr);
    for (int k = 0; k < 3; k++) {
        vring_push_used(&vr, (uint16_t)vring_pop_avail(&vr), 64);
        irqs += vring_need_interrupt(&vr);
    }
    g_assert_cmpuint(vr.irqs_while_off, ==, irqs);
    vring_release(&vr);
    return irqs;
}

/* used_event = 0 is crossed once per 65,536 completions (as the used
 * index passes 0 on to 1): polling through 70,000 of them from index 1
 * takes exactly one interrupt. */
static void test_zero_event_wraps(void)
{
    struct vring vr;
    unsigned irqs = 0;

    vring_init(&vr, 16, true, false);
    vring_add_buf(&vr, 0, 1, 64, 0);
    vring_push_used(&vr, (uint16_t)vring_pop_avail(&vr), 64);
    vring_need_interrupt(&vr);
    vring_get_buf(&vr, NULL);
    g_assert_true(vring_enable_cb(&vr));
    vring_disable_cb(&vr);
    for (unsigned k = 1; k <= 70000; k++) {
        vring_add_buf(&vr, 0, 1, 64, k);
        vring_push_used(&vr, (uint16_t)vring_pop_avail(&vr), 64);
        irqs += vring_need_interrupt(&vr);
        g_assert_cmpuint(vring_get_buf(&vr, NULL), ==, k);
    }
    g_assert_cmpuint(irqs, ==, 1);
    vring_release(&vr);
}

/* Disabled from the interrupt's own path, the driver writes nothing: the
 * used_event the device just crossed already keeps it quiet. */
static void test_disable_after_interrupt(void)
{
    struct vring vr;

    vring_init(&vr, 16, true, false);
    for (int k = 0; k < 4; k++)
        vring_add_buf(&vr, 0, 1, 64, (uint64_t)k);
    g_assert_true(vring_enable_cb(&vr));
    vring_push_used(&vr, (uint16_t)vring_pop_avail(&vr), 64);
    g_assert_true(vring_need_interrupt(&vr));
    vring_disable_cb(&vr);
    g_assert_cmpuint(vr.used_event, ==, 0);
    for (int k = 1; k < 4; k++) {
        vring_push_used(&vr, (uint16_t)vring_pop_avail(&vr), 64);
        g_assert_false(vring_need_interrupt(&vr));
    }
    g_assert_cmpuint(vr.irqs_while_off, ==, 0);
    /* Re-armed, the hint is gone: the next disable writes used_event. */
    while (vring_get_buf(&vr, NULL) != VRING_NONE)
        ;
    g_assert_true(vring_enable_cb(&vr));
    g_assert_cmpuint(vr.used_event, ==, 4);
    vring_disable_cb(&vr);
    g_assert_cmpuint(vr.used_event, ==, 0);
    vring_release(&vr);
}

static void test_interrupts(void)
{
    g_assert_cmpuint(irqs_while_polling(false, true), ==, 0);
    g_assert_cmpuint(irqs_while_polling(true, false), ==, 1);
    g_assert_cmpuint(irqs_while_polling(true, true), ==, 0);
}

static void enable_cb_race(bool event_idx)
{
    struct vring vr;

    vring_init(&vr, 8, event_idx, false);
    vring_add_buf(&vr, 0, 1, 64, 7);
    vring_add_buf(&vr, 0, 1, 64, 8);
    vring_disable_cb(&vr);
    /* A buffer completes while the driver is about to re-enable. */
    vring_push_used(&vr, (uint16_t)vring_pop_avail(&vr), 64);
    g_assert_false(vring_enable_cb(&vr));
    g_assert_cmpuint(vr.cb_races, ==, 1);
    g_assert_cmpuint(vring_get_buf(&vr, NULL), ==, 7);
    g_assert_true(vring_enable_cb(&vr));
    g_assert_cmpuint(vr.cb_races, ==, 1);
    /* Armed: the next completion interrupts. */
    vring_push_used(&vr, (uint16_t)vring_pop_avail(&vr), 64);
    g_assert_true(vring_need_interrupt(&vr));
    vring_release(&vr);
}

static void test_enable_cb_race(void)
{
    enable_cb_race(false);
    enable_cb_race(true);
}

/* enable_cb_delayed with 8 outstanding: EVENT_IDX lets the first 6 (3/4)
 * complete silently and interrupts on the 7th; the flags cannot delay. It
 * reports a race when that many are used already. */
static unsigned delayed_irq_at(bool event_idx)
{
    struct vring vr;
    unsigned at = 0;

    vring_init(&vr, 16, event_idx, false);
    for (uint64_t t = 0; t < 8; t++)
        vring_add_buf(&vr, 1, 0, 64, t);
    g_assert_true(vring_enable_cb_delayed(&vr));
    for (unsigned k = 1; k <= 8 && !at; k++) {
        vring_push_used(&vr, (uint16_t)vring_pop_avail(&vr), 0);
        if (vring_need_interrupt(&vr))
            at = k;
    }
    vring_release(&vr);
    return at;
}

static void test_enable_cb_delayed(void)
{
    struct vring vr;

    g_assert_cmpuint(delayed_irq_at(true), ==, 7);
    g_assert_cmpuint(delayed_irq_at(false), ==, 1);
    vring_init(&vr, 16, true, false);
    for (uint64_t t = 0; t < 4; t++)
        vring_add_buf(&vr, 1, 0, 64, t);
    vring_disable_cb(&vr);
    for (unsigned k = 0; k < 4; k++)
        vring_push_used(&vr, (uint16_t)vring_pop_avail(&vr), 0);
    g_assert_false(vring_enable_cb_delayed(&vr));
    vring_release(&vr);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/vring/ring/invariants", test_invariants);
    g_test_add_func("/vring/ring/full", test_full);
    g_test_add_func("/vring/notify/need-event", test_need_event);
    g_test_add_func("/vring/notify/kicks", test_kicks);
    g_test_add_func("/vring/notify/interrupts", test_interrupts);
    g_test_add_func("/vring/notify/zero-event-wraps", test_zero_event_wraps);
    g_test_add_func("/vring/notify/disable-after-interrupt", test_disable_after_interrupt);
    g_test_add_func("/vring/notify/enable-cb-race", test_enable_cb_race);
    g_test_add_func("/vring/notify/enable-cb-delayed", test_enable_cb_delayed);
    return g_test_run();
}
