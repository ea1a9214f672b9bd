/* Traffic generators, after netperf: stream (TCP_STREAM-like, a window of
 * bytes in flight, returned by delayed cumulative ACKs as Linux sends them:
 * at once when more than one full-sized segment is unacknowledged, else
 * after the delayed-ACK timer; net/ipv4/tcp_input.c __tcp_ack_snd_check,
 * tcp_send_delayed_ack), rr (TCP_RR-like, one transaction outstanding, think
 * time between; responses carry the ACK), udp (open loop, constant or
 * Poisson). Left out: TCP congestion control and retransmission (a lost
 * packet's credit returns after loss_recovery), quick-ACK mode, window
 * updates, message boundaries. */
#include "workload.h"

#include <string.h>

#include <glib.h>
#include <gsl/gsl_randist.h>

#include "net.h"
#include "rng.h"

/* A stream's sender on vCPU @cpu has a send in the stack. */
static bool sender_busy(const struct workload *wl, unsigned cpu)
{
    return wl->busy[cpu / 64] >> (cpu % 64) & 1;
}

static void send_one(struct net_world *w, struct net_vm *vm, int src, int dst,
                     enum net_pkt_kind kind, uint32_t bytes, sim_time txn_start)
{
    struct net_pkt *p = net_pkt_new(w, vm->id, src, dst, kind, bytes);
    struct workload *wl = vm->wl;

    p->txn_start = txn_start;
    /* Open-loop senders take the vCPUs in turn; request/response stays on
     * vCPU 0; streams pick their vCPU in stream_fill(). */
    if (kind == NET_PKT_DATA && wl->type == WL_UDP)
        p->cpu = (uint16_t)(wl->next_cpu++ % wl->senders);
    else if (kind == NET_PKT_DATA)
        p->cpu = (uint16_t)wl->next_cpu;
    /* An open-loop sender faster than its stack fills the queue in front
     * of it (socket buffer / qdisc), then loses packets. */
    if (wl->queued >= wl->txqueuelen) {
        /* Dropped before the stack: a stream's sender never reaches
         * workload_sent(), so free it here or it stays busy for good
         * (the loss still waits for loss_recovery to return its credit). */
        if (kind == NET_PKT_DATA && wl->type == WL_STREAM) {
            g_assert(wl->in_stack > 0 && sender_busy(wl, p->cpu));
            wl->in_stack--;
            wl->busy[p->cpu / 64] &= ~(1ull << p->cpu % 64);
        }
        net_pkt_drop(w, p, NET_DROP_tx_queue_full);
        return;
    }
    wl->queued++;
    if (src == NET_PEER)
        peer_tx(w, p);
    else
        guest_send(w, p);
}

/* Segments of at most one GSO segment (or one MSS) each, and no larger
 * than the sending and the receiving VM's devices take (net_vm.seg_max). */
static uint32_t segment_bytes(const struct net_world *w, const struct workload *wl, uint32_t want)
{
    uint32_t seg = w->g.gso_size > w->cfg.mss ? w->g.gso_size : w->cfg.mss;

    if (wl->sender >= 0 && w->vms[wl->sender].seg_max_tx)
        seg = MIN(seg, w->vms[wl->sender].seg_max_tx);
    if (wl->receiver >= 0 && w->vms[wl->receiver].seg_max_rx)
        seg = MIN(seg, w->vms[wl->receiver].seg_max_rx);
    return want < seg ? want : seg;
}

static void stream_fill(struct net_world *w, struct net_vm *vm)
{
    struct workload *wl = vm->wl;
    uint32_t seg = segment_bytes(w, wl, wl->size);

    /* One segment at a time through the sender's stack, as a blocking
     * send() would; the window bounds what is in flight beyond it. */
    /* One flow per vCPU (netperf per vCPU), each with one send in the
     * stack at a time. */
    while (wl->in_stack < wl->senders && wl->in_flight + seg <= wl->window) {
        unsigned cpu = 0;

        while (sender_busy(wl, cpu))
            cpu++;
        wl->busy[cpu / 64] |= 1ull << cpu % 64;
        wl->next_cpu = cpu;
        wl->in_stack++;
        wl->in_flight += seg;
        send_one(w, vm, wl->sender, wl->receiver, NET_PKT_DATA, seg, 0);
    }
}

/* The next message's size: fixed, or drawn (within 1 B..64 KiB). */
static uint32_t message_bytes(struct workload *wl)
{
    double b;

    if (!wl->sizes)
        return wl->size;
    b = dist_sample(wl->sizes, wl->rng);
    return b < 1 ? 1 : b > 65536 ? 65536 : (uint32_t)b;
}

static void rr_request(struct net_world *w, struct net_vm *vm)
{
    struct workload *wl = vm->wl;

    send_one(w, vm, wl->sender, wl->receiver, NET_PKT_REQUEST, message_bytes(wl), sim_now(w->sim));
}

static void on_timer(struct sim *sim, void *ctx, const void *payload);

static sim_time udp_gap(struct workload *wl)
{
    double mean = 1.0 / wl->rate;

    return sim_time_from_s(wl->poisson ? gsl_ran_exponential(wl->rng, mean) : mean);
}

static void on_resumed(struct sim *sim, void *ctx, uint64_t tag)
{
    struct net_vm *vm = ctx;

    (void)sim;
    (void)tag;
    rr_request(vm->w, vm);
}

/* The pause is over and the core awake: a halted vCPU's halt ends first,
 * on its core, as an interrupt's would (its HLT exit, the polling it
 * burned, its thread's wake-up; a bare-metal core has no halt to end). */
static void rr_resume(struct net_world *w, struct net_vm *vm)
{
    sim_time t = 0;

    if (vm->vcpu->halt)
        t = host_halt_end(&vm->nh->host, vm->vcpu, vm->c.exits, &vm->c.host_busy);
    if (t > 0)
        net_irq_job(vm->vcpu, vm, 0, t, on_resumed, vm, 0);
    else
        rr_request(w, vm);
}

static void on_woken(struct sim *sim, void *ctx, const void *payload)
{
    struct net_vm *vm = ctx;

    (void)sim;
    (void)payload;
    vm->wl->next = 0;
    rr_resume(vm->w, vm);
}

static void on_timer(struct sim *sim, void *ctx, const void *payload)
{
    struct net_vm *vm = ctx;
    struct net_world *w = vm->w;
    struct workload *wl = vm->wl;
    struct host *h = &vm->nh->host;
    sim_time wake;

    (void)payload;
    wl->next = 0;
    switch (wl->type) {
    case WL_STREAM:
        stream_fill(w, vm);
        break;
    case WL_RR:
        /* The pause ends on the application's timer: its core leaves its
         * idle state before the application runs and stamps the request. */
        wake = sched_timer_wake(&h->sched, &h->cpu, vm->vcpu);
        if (wake > 0)
            wl->next = sim_schedule(sim, wake, on_woken, vm, NULL, 0);
        else
            rr_resume(w, vm);
        break;
    case WL_UDP:
        wl->next = sim_schedule(sim, udp_gap(wl), on_timer, vm, NULL, 0);
        send_one(w, vm, wl->sender, wl->receiver, NET_PKT_DATA,
                 segment_bytes(w, wl, message_bytes(wl)), 0);
        break;
    }
}

void workload_init(struct net_world *w, struct net_vm *vm, struct workload *wl)
{
    const struct scenario *sc = w->sc;
    const char *type = scenario_str(sc, "workload.type");
    const char *to = scenario_str(sc, "workload.target");
    unsigned per_host = vm->nh->n_vms;
    int target = NET_PEER;

    /* The next VM of its group on this host, or the same rank on the next
     * host. */
    if (g_strcmp0(to, "vm") == 0)
        target = (int)(vm->nh->first_vm + vm->group->first +
                       (vm->local - vm->group->first + 1) % vm->group->count);
    else if (g_strcmp0(to, "remote") == 0)
        target = (int)(((vm->nh->id + 1) % w->n_hosts) * per_host + vm->local);
    bool rx = g_strcmp0(scenario_str(sc, "workload.direction"), "rx") == 0;
    char stream[32];

    wl->type = g_strcmp0(type, "rr") == 0    ? WL_RR
               : g_strcmp0(type, "udp") == 0 ? WL_UDP
                                             : WL_STREAM;
    wl->sender = rx ? target : (int)vm->id;
    wl->receiver = rx ? (int)vm->id : target;
    wl->size =
        (uint32_t)scenario_real(sc, wl->type == WL_RR ? "workload.request_size" : "workload.size");
    wl->response = (uint32_t)scenario_real(sc, "workload.response_size");
    wl->window = (uint64_t)scenario_real(sc, "workload.window");
    wl->loss_recovery = scenario_time(sc, "workload.loss_recovery");
    wl->think = scenario_dist(sc, "workload.think_time");
    wl->sizes = scenario_dist(sc, "workload.message_size");
    /* det(0B), the default, means fixed sizes. */
    if (wl->sizes->kind == DIST_DET && wl->sizes->a == 0)
        wl->sizes = NULL;
    wl->rate = scenario_real(sc, "workload.rate");
    wl->poisson = g_strcmp0(scenario_str(sc, "workload.arrivals"), "poisson") == 0;
    g_snprintf(stream, sizeof(stream), "vm%u.workload", vm->id);
    wl->rng = sim_rng(w->sim, stream);
    wl->in_flight = 0;
    wl->next = 0;
    wl->started = false;
    wl->in_stack = 0;
    wl->senders = wl->sender >= 0 ? vm->n_vcpus : (unsigned)scenario_int(sc, "workload.flows");
    memset(wl->busy, 0, sizeof(wl->busy));
    g_assert(wl->senders <= 64 * G_N_ELEMENTS(wl->busy));
    wl->next_cpu = 0;
    wl->queued = 0;
    wl->txqueuelen = (uint32_t)scenario_int(sc, "guest.txqueuelen");
    wl->acks = wl->type == WL_STREAM && scenario_bool(sc, "workload.acks");
    wl->delack_timeout = scenario_time(sc, "workload.delack_timeout");
    wl->start_jitter = scenario_time(sc, "workload.start_jitter");
    wl->probe_interval = scenario_time(sc, "workload.probe_interval");
    wl->probe = 0;
    wl->rcv_bytes = wl->rcv_acked = wl->snd_acked = 0;
    wl->delack = 0;
}

static void probe_on_timer(struct sim *sim, void *ctx, const void *payload);

void workload_start(struct net_world *w, struct net_vm *vm)
{
    struct workload *wl = vm->wl;
    sim_time first = 0;

    wl->started = true;
    /* Spread the VMs' first sends so that they do not all tie at t = 0. */
    if (wl->type == WL_UDP)
        first = sim_time_from_s(gsl_rng_uniform(wl->rng) / wl->rate);
    else if (wl->type == WL_RR)
        first = dist_sample_time(wl->think, wl->rng);
    if (wl->start_jitter)
        first += sim_time_from_s(gsl_rng_uniform(wl->rng) * sim_time_to_s(wl->start_jitter));
    wl->next = sim_schedule(w->sim, first, on_timer, vm, NULL, 0);
    if (wl->probe_interval)
        wl->probe = sim_schedule(w->sim, first + wl->probe_interval, probe_on_timer, vm, NULL, 0);
}

void workload_stop(struct net_world *w, struct net_vm *vm)
{
    if (vm->wl->next)
        sim_cancel(w->sim, vm->wl->next);
    vm->wl->next = 0;
    if (vm->wl->delack)
        sim_cancel(w->sim, vm->wl->delack);
    vm->wl->delack = 0;
    if (vm->wl->probe)
        sim_cancel(w->sim, vm->wl->probe);
    vm->wl->probe = 0;
}

/* The receiver acknowledges everything it has; it owes no delayed ACK. */
static void send_ack(struct net_world *w, struct net_vm *vm)
{
    struct workload *wl = vm->wl;
    struct net_pkt *p;

    if (wl->delack) {
        sim_cancel(w->sim, wl->delack);
        wl->delack = 0;
    }
    p = net_pkt_new(w, vm->id, wl->receiver, wl->sender, NET_PKT_ACK, 0);
    p->ack = wl->rcv_bytes;
    wl->rcv_acked = wl->rcv_bytes;
    /* From the receiving CPU (vCPU 0); not in the data sender's queue. */
    if (wl->receiver == NET_PEER)
        peer_tx_ack(w, p);
    else
        guest_send(w, p);
}

static void delack_on_timer(struct sim *sim, void *ctx, const void *payload)
{
    struct net_vm *vm = ctx;

    (void)sim;
    (void)payload;
    vm->wl->delack = 0;
    if (vm->wl->rcv_bytes > vm->wl->rcv_acked)
        send_ack(vm->w, vm);
}

/* __tcp_ack_snd_check: more than one full-sized segment unacknowledged
 * means an ACK now; otherwise the delayed-ACK timer. */
static void stream_received(struct net_world *w, struct net_vm *vm, uint32_t bytes)
{
    struct workload *wl = vm->wl;

    wl->rcv_bytes += bytes;
    if (wl->rcv_bytes - wl->rcv_acked > w->cfg.mss)
        send_ack(w, vm);
    else if (!wl->delack)
        wl->delack = sim_schedule(w->sim, wl->delack_timeout, delack_on_timer, vm, NULL, 0);
}

/* The sender sees @ack bytes acknowledged (cumulative: a lost ACK's bytes
 * come back with the next one). */
static void stream_acked(struct net_world *w, struct net_vm *vm, uint64_t ack)
{
    struct workload *wl = vm->wl;

    if (ack <= wl->snd_acked)
        return;
    g_assert(wl->in_flight >= ack - wl->snd_acked);
    wl->in_flight -= ack - wl->snd_acked;
    wl->snd_acked = ack;
    stream_fill(w, vm);
}

static void ack_on_timer(struct sim *sim, void *ctx, const void *payload)
{
    struct net_vm *vm = ctx;
    uint64_t ack;

    (void)sim;
    memcpy(&ack, payload, sizeof(ack));
    stream_acked(vm->w, vm, ack);
}

static void credit_on_timer(struct sim *sim, void *ctx, const void *payload)
{
    struct net_vm *vm = ctx;
    uint32_t bytes;

    (void)sim;
    memcpy(&bytes, payload, sizeof(bytes));
    vm->wl->in_flight -= bytes;
    stream_fill(vm->w, vm);
}

/* The probe flow: 64-byte pings on vCPU 0 at Poisson times, beside the
 * workload, echoed at once by the receiver; their round trip is what a
 * latency-sensitive flow sharing the path would see (probe_rtt_mean). */
#define PROBE_BYTES 64

static void probe_on_timer(struct sim *sim, void *ctx, const void *payload)
{
    struct net_vm *vm = ctx;
    struct workload *wl = vm->wl;
    int target = wl->sender == (int)vm->id ? wl->receiver : wl->sender;
    struct net_pkt *p = net_pkt_new(vm->w, vm->id, (int)vm->id, target, NET_PKT_PROBE, PROBE_BYTES);

    (void)payload;
    p->txn_start = sim_now(sim);
    wl->probe = sim_schedule(
        sim, sim_time_from_s(gsl_ran_exponential(wl->rng, sim_time_to_s(wl->probe_interval))),
        probe_on_timer, vm, NULL, 0);
    guest_send(vm->w, p);
}

static void probe_answer(struct net_world *w, const struct net_pkt *p)
{
    struct net_pkt *r = net_pkt_new(w, p->vm, p->dst, p->src, NET_PKT_PROBE_REPLY, PROBE_BYTES);

    r->txn_start = p->txn_start;
    if (p->dst == NET_PEER)
        peer_tx(w, r);
    else
        guest_send(w, r);
}

void workload_delivered(struct net_world *w, struct net_pkt *p)
{
    struct net_vm *vm = &w->vms[p->vm];
    struct workload *wl = vm->wl;
    sim_time now = sim_now(w->sim);

    switch (p->kind) {
    case NET_PKT_DATA:
        if (wl->type == WL_STREAM && wl->acks) {
            stream_received(w, vm, p->bytes);
        } else if (wl->type == WL_STREAM) {
            g_assert(wl->in_flight >= p->bytes);
            wl->in_flight -= p->bytes;
            stream_fill(w, vm);
        }
        break;
    case NET_PKT_ACK:
        stream_acked(w, vm, p->ack);
        break;
    case NET_PKT_PROBE:
        probe_answer(w, p);
        break;
    case NET_PKT_PROBE_REPLY:
        welford_add(&vm->c.probe_rtt, sim_time_to_s(now - p->txn_start));
        break;
    case NET_PKT_REQUEST:
        /* The server answers at once; its stack costs are in the send. */
        send_one(w, vm, p->dst, p->src, NET_PKT_RESPONSE, wl->response, p->txn_start);
        break;
    case NET_PKT_RESPONSE:
        vm->c.transactions++;
        welford_add(&vm->c.rtt, sim_time_to_s(now - p->txn_start));
        wl->next =
            sim_schedule(w->sim, dist_sample_time(wl->think, wl->rng), on_timer, vm, NULL, 0);
        break;
    }
}

void workload_dropped(struct net_world *w, struct net_pkt *p)
{
    struct net_vm *vm = &w->vms[p->vm];
    struct workload *wl = vm->wl;
    uint32_t bytes = p->bytes;

    /* Never resend at the same instant: a full ring would spin. A lost
     * ACK's bytes come back as a later ACK would bring them. */
    if (p->kind == NET_PKT_ACK)
        sim_schedule(w->sim, wl->loss_recovery, ack_on_timer, vm, &p->ack, sizeof(p->ack));
    else if (p->kind == NET_PKT_PROBE || p->kind == NET_PKT_PROBE_REPLY)
        return; /* a lost ping is lost */
    else if (p->kind == NET_PKT_DATA && wl->type == WL_STREAM)
        sim_schedule(w->sim, wl->loss_recovery, credit_on_timer, vm, &bytes, sizeof(bytes));
    else if (p->kind != NET_PKT_DATA)
        wl->next = sim_schedule(w->sim, wl->loss_recovery, on_timer, vm, NULL, 0);
}

void workload_sent(struct net_world *w, unsigned vm_index, unsigned kind, unsigned cpu)
{
    struct net_vm *vm = &w->vms[vm_index];
    struct workload *wl = vm->wl;

    if (kind == NET_PKT_DATA && wl->type == WL_STREAM) {
        g_assert(wl->in_stack > 0 && sender_busy(wl, cpu));
        wl->in_stack--;
        wl->busy[cpu / 64] &= ~(1ull << cpu % 64);
        stream_fill(w, vm);
    }
}

void workload_left(struct net_world *w, const struct net_pkt *p)
{
    struct workload *wl = w->vms[p->vm].wl;

    if (net_pkt_kind_is_control(p->kind))
        return;
    g_assert(wl->queued > 0);
    wl->queued--;
}
