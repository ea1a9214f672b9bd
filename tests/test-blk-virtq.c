/* virtio-blk's request queue is a virtqueue of models/virtio, split or
 * packed, with the features virtio.* negotiates: at QD1 every request
 * kicks and interrupts; at depth, with the backend thread busy, EVENT_IDX
 * lets a kick through exactly when the thread sleeps (one kick per
 * wake-up) and most requests neither kick nor interrupt; without
 * EVENT_IDX the flags scheme lets more through (kicks while the thread
 * wakes); a negotiation Linux's driver would fail is refused. */
#include <math.h>

#include <glib.h>

#include "report.h"
#include "testlib.h"

static struct report *run_vq(const char *backend, unsigned depth, const char *event_idx,
                             const char *ring)
{
    g_autofree char *ini = g_strdup_printf(
        "[scenario]\nname = t\nmodel = blk\nduration = 20ms\nwarmup = 4ms\n"
        "[blk]\nstrategy = virtio-blk\nbackend = %s\n[fio]\nrw = randread\niodepth = %u\n"
        "[virtio]\nevent_idx = %s\nring = %s\n",
        backend, depth, event_idx, ring);

    return test_run_ini(ini, 11);
}

static const char *const rings[] = { "split", "packed" };
static const char *const event_idx[] = { "true", "false" };

/* One request in flight: the thread has gone back to sleep and the
 * guest's handler pass has ended before the next, whatever the scheme. */
static void test_qd1_kicks_and_interrupts_each(void)
{
    for (size_t k = 0; k < G_N_ELEMENTS(rings); k++)
        for (size_t e = 0; e < G_N_ELEMENTS(event_idx); e++) {
            struct report *r = run_vq("qemu", 1, event_idx[e], rings[k]);
            double n = test_all(r, "requests");

            g_test_message("%s ring, event_idx %s: %.4f kicks, %.4f interrupts per request",
                           rings[k], event_idx[e], test_all(r, "kicks_per_request"),
                           test_all(r, "interrupts_per_request"));
            /* Counted when they happen: the warm-up cut may split one. */
            g_assert_cmpfloat(fabs(test_all(r, "kicks_per_request") - 1), <=, 1.5 / n);
            g_assert_cmpfloat(fabs(test_all(r, "interrupts_per_request") - 1), <=, 1.5 / n);
            g_assert_cmpfloat(fabs(test_all(r, "backend_wakeups_per_request") - 1), <=, 1.5 / n);
            report_free(r);
        }
}

/* QD32 on vhost, whose worker keeps up and sleeps between bursts: under
 * EVENT_IDX the guest kicks only past the avail_event the thread wrote
 * when it went to sleep, so kicks and wake-ups are the same events, well
 * under one per request, and the handler's open pass takes most
 * completions without an interrupt of their own. */
static void test_deep_event_idx_kick_per_wakeup(void)
{
    for (size_t k = 0; k < G_N_ELEMENTS(rings); k++) {
        struct report *r = run_vq("vhost", 32, "true", rings[k]);
        double n = test_all(r, "requests"), kicks = test_all(r, "kicks_per_request");

        g_test_message("%s ring, QD32: %.4f kicks, %.4f wake-ups, %.4f interrupts per request",
                       rings[k], kicks, test_all(r, "backend_wakeups_per_request"),
                       test_all(r, "interrupts_per_request"));
        g_assert_cmpfloat(kicks, <, 0.6);
        g_assert_cmpfloat(kicks, >, 0);
        g_assert_cmpfloat(fabs(kicks - test_all(r, "backend_wakeups_per_request")), <=, 1.5 / n);
        g_assert_cmpfloat(test_all(r, "interrupts_per_request"), <, 0.5);
        report_free(r);
    }
}

/* A backend that stays busy (QEMU's thread at QD32) is kicked once in
 * many requests, either scheme. */
static void test_busy_backend_rarely_kicked(void)
{
    for (size_t e = 0; e < G_N_ELEMENTS(event_idx); e++) {
        struct report *r = run_vq("qemu", 32, event_idx[e], "split");

        g_test_message("QEMU thread, QD32, event_idx %s: %.4f kicks per request, host CPU %.3f",
                       event_idx[e], test_all(r, "kicks_per_request"), test_all(r, "host_cpu"));
        g_assert_cmpfloat(test_all(r, "host_cpu"), >, 0.9);
        g_assert_cmpfloat(test_all(r, "kicks_per_request"), <, 0.1);
        report_free(r);
    }
}

/* Without EVENT_IDX the device's NO_NOTIFY flag goes up only once its
 * thread runs: a request added while it wakes still kicks, so there are
 * more kicks than wake-ups, and more than with EVENT_IDX; the guest's
 * NO_INTERRUPT flag likewise lets more interrupts through. */
static void test_flags_scheme_lets_more_through(void)
{
    struct report *on = run_vq("vhost", 32, "true", "split");
    struct report *off = run_vq("vhost", 32, "false", "split");
    double n = test_all(off, "requests");

    g_test_message("QD32 vhost: kicks %.4f (EVENT_IDX) vs %.4f (flags), wake-ups %.4f; "
                   "interrupts %.4f vs %.4f",
                   test_all(on, "kicks_per_request"), test_all(off, "kicks_per_request"),
                   test_all(off, "backend_wakeups_per_request"),
                   test_all(on, "interrupts_per_request"), test_all(off, "interrupts_per_request"));
    g_assert_cmpfloat(test_all(off, "kicks_per_request"), >,
                      test_all(off, "backend_wakeups_per_request") + 10.0 / n);
    g_assert_cmpfloat(test_all(off, "kicks_per_request"), >, test_all(on, "kicks_per_request"));
    g_assert_cmpfloat(test_all(off, "interrupts_per_request"), >,
                      test_all(on, "interrupts_per_request"));
    report_free(on);
    report_free(off);
}

/* A request takes three descriptors without INDIRECT_DESC: a 4-slot ring
 * holds one, so at QD8 the driver's queue stops until completions free
 * descriptors, and every request still completes. */
static void test_full_ring_waits(void)
{
    struct report *r =
        test_run_ini("[scenario]\nname = t\nmodel = blk\nduration = 10ms\nwarmup = 2ms\n"
                     "[blk]\nstrategy = virtio-blk\nbackend = qemu\n[fio]\niodepth = 8\n"
                     "[virtio]\nring_size = 4\ndevice_features = EVENT_IDX,VERSION_1\n",
                     5);
    struct report *wide =
        test_run_ini("[scenario]\nname = t\nmodel = blk\nduration = 10ms\nwarmup = 2ms\n"
                     "[blk]\nstrategy = virtio-blk\nbackend = qemu\n[fio]\niodepth = 8\n",
                     5);

    g_assert_cmpfloat(test_all(r, "issued_total"), ==,
                      test_all(r, "completed_total") + test_all(r, "in_flight"));
    /* One request on the ring at a time: a QD1 disk's rate, not QD8's. */
    g_assert_cmpfloat(test_all(r, "iops"), <, 0.5 * test_all(wide, "iops"));
    g_assert_cmpfloat(test_all(r, "stage_guest_submit"), >, test_all(wide, "stage_guest_submit"));
    report_free(r);
    report_free(wide);
}

#define HEAD "[scenario]\nname = t\nmodel = blk\nduration = 10ms\n[blk]\nstrategy = virtio-blk\n"

static void test_bad_negotiation(void)
{
    test_expect_refused(HEAD "[virtio]\ndevice_features = EVENT_IDX\n", "virtio.device_features",
                        "VERSION_1");
    test_expect_refused(HEAD "[virtio]\nring_size = 100\n", "virtio.ring_size", "power of two");
    /* The kernel's vhost has no packed ring: the device withdraws it. */
    test_expect_refused(HEAD "backend = vhost\n[virtio]\nring = packed\nring_size = 100\n",
                        "virtio.ring_size", "split ring");
}

/* A packed ring may have any size: negotiated (QEMU's thread offers it),
 * 100 descriptors run. */
static void test_packed_any_size(void)
{
    struct report *r =
        test_run_ini(HEAD "backend = qemu\n[virtio]\nring = packed\nring_size = 100\n"
                          "[fio]\niodepth = 8\n",
                     3);

    g_assert_cmpfloat(test_all(r, "iops"), >, 0);
    report_free(r);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/blk-virtq/qd1/kick-and-interrupt-each", test_qd1_kicks_and_interrupts_each);
    g_test_add_func("/blk-virtq/deep/event-idx-kick-per-wakeup",
                    test_deep_event_idx_kick_per_wakeup);
    g_test_add_func("/blk-virtq/deep/busy-backend", test_busy_backend_rarely_kicked);
    g_test_add_func("/blk-virtq/deep/flags-let-more-through", test_flags_scheme_lets_more_through);
    g_test_add_func("/blk-virtq/full-ring", test_full_ring_waits);
    g_test_add_func("/blk-virtq/bad/negotiation", test_bad_negotiation);
    g_test_add_func("/blk-virtq/packed/any-size", test_packed_any_size);
    return g_test_run();
}
