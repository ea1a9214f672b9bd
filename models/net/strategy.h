/* The interchangeable I/O virtualization strategies behind one ops table.
 * Each strategy moves a packet between the guest driver and the NIC (or the
 * host's switch) and charges its costs on the shared resources; the guest
 * stack, the NIC, the wire and the peer are common. A strategy works on one
 * VM's device and the host it runs on (dev.h): its hooks get that VM, whose
 * @nh is the host, never the world (net.h), which its files do not include.
 * World-wide hooks (@report, @settle) get the hosts, each with its VMs. */
#ifndef IOVSIM_NET_STRATEGY_H
#define IOVSIM_NET_STRATEGY_H

#include <stdbool.h>

#include <glib.h>

#include "../hw/nic.h"
#include "dev.h"
#include "guest_stack.h"
#include "report.h"
#include "scenario.h"
#include "simtime.h"

/**
 * struct io_strategy_ops - one I/O virtualization technique
 * @name:         scenario value of io.strategy
 * @uses_itr:     the device moderates its interrupts with nic.itr (virtio
 *                relies on the ring's suppression instead)
 * @itr_fn:       the function the guest drives, whose driver (by nic.driver)
 *                moderates its interrupts (nic_itr_driver_of())
 * @vm_to_vm:     VMs on this host can reach each other without the wire
 * @vswitch:      its traffic passes the host's software switch (bridge /
 *                vSwitch), which encapsulates it on an overlay
 * @assigned:     the guest drives a NIC function itself (no vSwitch): on an
 *                overlay only if the NIC encapsulates (nic.vxlan_offload)
 * @multiqueue:   its device may have several queue pairs (nic.queues), each
 *                with its own vector; hooks run for vm->cur
 * @keeps_state:  with @assigned: the device's state (ring indices) is saved
 *                and restored through the guest's standard interface, so
 *                the VM live-migrates with a device of its kind at the
 *                destination instead of failing over
 * @check:        cross-parameter checks (optional) for @vms VMs per host
 *                with this strategy, counted by @count_key; scenario_error()
 *                on bad input
 * @attach:       set up @vm's device on its host @vm->nh; call net_vm_ready()
 *                when it may send
 * @guest_tx:     the guest stack handed over @p: driver, notification and
 *                whatever brings it to the NIC or the host's switch; calls
 *                guest_xmit_done() once the driver's synchronous part is
 *                over (or @p is dropped), so the vCPU's next send starts
 * @device_rx:    @p reached the host's NIC for @vm: bring it into guest
 *                memory, then guest_rx_arrive() and maybe guest_irq_raise()
 * @bridge_rx:    @p reached @vm through the host's switch (optional:
 *                needed when @vm_to_vm)
 * @tx_wire_done: @p's last bit left the port (optional)
 * @irq_deliver:  an interrupt fires: returns the host-side cost on the vCPU
 *                (exits, injection) and counts the exits
 * @rx_driver:    the guest driver takes @p from its ring: returns the
 *                driver's cost, recycles the buffer
 * @napi_weight:  frames the guest driver's NAPI poll takes per round
 *                (optional; NULL or 0: the guest's guest.napi_budget)
 * @rx_round:     a NAPI round took @frames received frames, as many as
 *                its weight if @full: returns the cost of the driver's own
 *                accesses in the round, counting their exits (optional:
 *                none)
 * @tx_irq_deliver: the driver asks for a vector per virtqueue (virtio_net:
 *                vp_find_vqs()), so each pair's transmit completions fire
 *                a vector of their own that schedules their own NAPI
 *                context (skb_xmit_done, virtnet_poll_tx), on the vCPU of
 *                the pair's receive vector; as @irq_deliver for that vector
 *                (optional: one vector per pair for both directions, as
 *                ixgbe, ixgbevf and e1000 have)
 * @irq_complete: polling is over, re-enable interrupts: returns the cost;
 *                sets *@rearmed false if work arrived meanwhile (poll again)
 * @irq_recheck:  the work @irq_complete returned is done: re-enable
 *                interrupts now and re-check; false if work arrived
 *                meanwhile (poll again, no interrupt). Optional: without
 *                it @irq_complete re-enables them
 * @report:       strategy-specific metrics over the VMs of its strategy on
 *                @hosts (optional)
 * @detach:       free @vm's device state
 * @tx_clean:     NAPI's transmit cleaning after @signalled calls of
 *                guest_tx_complete(): reclaim the transmitted buffers, wake
 *                a stopped queue; returns the buffers reclaimed (optional:
 *                @signalled). May signal again (poll once more).
 * @polling_cores: cores per host its polling threads hold, none of them a
 *                vCPU's (optional: none); *@key names the parameter
 * @settle:       bring what it bills by the time (a spinning core) up to
 *                now on @hosts, before the report reads the counters
 *                (optional)
 * @stop:         the VMM stops @vm's device for a migration's
 *                stop-and-copy (QEMU's vhost_dev_stop()); calls
 *                net_vm_stopped() when done (optional: stopped at once)
 */
struct io_strategy_ops {
    const char *name;
    bool uses_itr;
    enum nic_itr_fn itr_fn;
    bool vm_to_vm;
    bool vswitch;
    bool assigned;
    bool multiqueue;
    bool keeps_state;
    bool (*check)(const struct scenario *sc, const char *count_key, int64_t vms, GError **error);
    void (*attach)(struct net_vm *vm);
    void (*guest_tx)(struct net_vm *vm, struct net_pkt *p);
    void (*device_rx)(struct net_vm *vm, struct net_pkt *p);
    void (*bridge_rx)(struct net_vm *vm, struct net_pkt *p);
    void (*tx_wire_done)(struct net_vm *vm, struct net_pkt *p);
    sim_time (*irq_deliver)(struct net_vm *vm);
    sim_time (*tx_irq_deliver)(struct net_vm *vm);
    sim_time (*rx_driver)(struct net_vm *vm, struct net_pkt *p);
    unsigned (*napi_weight)(const struct net_vm *vm);
    sim_time (*rx_round)(struct net_vm *vm, unsigned frames, bool full);
    sim_time (*irq_complete)(struct net_vm *vm, bool *rearmed);
    bool (*irq_recheck)(struct net_vm *vm);
    void (*report)(struct net_host *hosts, unsigned n_hosts, struct report *out);
    void (*detach)(struct net_vm *vm);
    unsigned (*tx_clean)(struct net_vm *vm, unsigned signalled);
    unsigned (*polling_cores)(const struct scenario *sc, const char **key);
    void (*settle)(struct net_host *hosts, unsigned n_hosts);
    void (*stop)(struct net_vm *vm);
};

/* Every strategy, in the order `iovsim params` lists them. */
#define IO_STRATEGY_LIST(X) \
    X(baremetal) X(emulation) X(virtio) X(passthrough) X(sriov) X(vdpa) X(sidecore)

/* "baremetal|emulation|...": the choices of a parameter naming a strategy. */
#define IO_STRATEGY_CHOICE(n) "|" #n
#define IO_STRATEGY_CHOICES   (IO_STRATEGY_LIST(IO_STRATEGY_CHOICE) + 1)

#define IO_STRATEGY_DECLARE(n) extern const struct io_strategy_ops n##_strategy_ops;
IO_STRATEGY_LIST(IO_STRATEGY_DECLARE)
#undef IO_STRATEGY_DECLARE

/* The strategy called @name, or NULL. */
const struct io_strategy_ops *io_strategy_lookup(const char *name);
/* NULL-terminated list of all strategies. */
extern const struct io_strategy_ops *const io_strategies[];

#endif
