/* Parameters of the host component: its cores and clock, thread placement,
 * and the host kernel's per-packet and per-request work that every device
 * on a software path pays. */
#include <glib.h>

#include "../param_sources.h"
#include "../param_tables.h"
#include "host.h"
#include "param_table.h"

static const struct param_def host_params[] = {
    PDEF_INT("host.cores", "64", 1, 4096, "physical cores of the host",
             "choice: room for 60 pinned VMs (Dong HPCA'10 scales SR-IOV to 60 VMs) "
             "(sources.md#dong-sriov)"),
    { .key = "host.clock",
      .type = PARAM_REAL,
      .dim = DIM_FREQ,
      .def = "2.1GHz",
      .min = 1e6,
      .max = 1e11,
      .help = "core clock; every cycle cost is converted at this rate",
      .source = "Dall ATC'17 §5: Xeon E5-2450 at 2.1 GHz (sources.md#dall-atc17)" },
    PDEF_BOOL("host.pin_vcpus", "true", "give each vCPU a core of its own (error if too few)",
              "choice: pinned, as in the published measurements"),
    PDEF_CYCLES("host.switch_cost", "4300", 0, 1e9,
                "switching a shared core between threads (vCPUs or backends)",
                "guest idle-poll patch, LKML 2017: contextswitch 2,050 ns/switch (idle=poll) (D: x "
                "2.1 GHz) (sources.md#guest-ctxsw)"),
    PDEF_INT("host.vswitch_cores", "0", 0, 4096,
             "cores set apart for the host's receive path and software switch (the PF "
             "queues' interrupts, the host NIC driver, the bridge/vSwitch), shared by "
             "every software-path VM (0: each VM's backend core does that work)",
             "choice: 0, the host's interrupt affinity following each VM's backend "
             "thread, as the published per-VM measurements pin it"),
    PDEF_TIME("host.line_transfer", "41ns", 0, 1e-5,
              "fetching a cache line another core of the socket wrote last (shared data under "
              "a lock that changed cores)",
              "McCalpin, Intel forum 2016: Intel MLC L2-to-L2 modified intervention 40.3-42.3 ns "
              "within a socket, Xeon E5-2660 v4 (sources.md#line-transfer)"),
    PDEF_TIME(
        "host.sched_slice", "0.75ms", 1e-6, 10.0,
        "the fair scheduler's base slice before scaling: a thread on a time-shared core "
        "asks for this times 1 + ilog2(min(host.cores, 8)) of CPU per request (its virtual "
        "deadline; 3 ms on 8 or more cores)",
        "Linux v6.6 kernel/sched/fair.c: normalized_sysctl_sched_base_slice 0.75 ms, "
        "scaled by 1 + ilog2(min(CPUs, 8)) (SCHED_TUNABLESCALING_LOG) (sources.md#linux-sched)"),
    PDEF_ENUM("host.idle", "legacy", "legacy|menu",
              "idle states: menu, every core that sleeps enters the state Linux's menu governor "
              "would choose and the work that wakes it waits out its exit latency; legacy, only "
              "a time-shared core pays an exit (the shallowest state's, on every wake-up), a core "
              "of its own never sleeps",
              "choice: legacy until the validated rows and tests are checked under menu "
              "(docs/validation.md, sources.md#linux-cpuidle)"),
    PDEF_ENUM("host.idle_max", "C6", "C6|C1E|C1|poll",
              "deepest idle state a sleeping core may enter (intel_idle.max_cstate; poll: "
              "idle=poll, cores never sleep)",
              "choice: every state of the reference table, as a server runs by default "
              "(sources.md#linux-cpuidle)"),
    PDEF_TIME("host.idle_tick", "4ms", 0, 1.0,
              "scheduler tick period; a sleeping core that expects less keeps it and chooses "
              "again at each tick (0: no tick)",
              "Linux kernel/Kconfig.hz: default HZ_250 (sources.md#linux-cpuidle)"),
    PDEF_TIME("host.idle_c1_exit", "2us", 0, 1e-2, "exit latency of C1",
              "Linux drivers/idle/intel_idle.c skx_cstates: C1 exit_latency 2 us (Skylake-SP) "
              "(sources.md#linux-cpuidle)"),
    PDEF_TIME("host.idle_c1_residency", "2us", 0, 1.0, "target residency of C1",
              "Linux drivers/idle/intel_idle.c skx_cstates: C1 target_residency 2 us "
              "(sources.md#linux-cpuidle)"),
    PDEF_TIME("host.idle_c1e_exit", "10us", 0, 1e-2, "exit latency of C1E",
              "Linux drivers/idle/intel_idle.c skx_cstates: C1E exit_latency 10 us "
              "(sources.md#linux-cpuidle)"),
    PDEF_TIME("host.idle_c1e_residency", "20us", 0, 1.0, "target residency of C1E",
              "Linux drivers/idle/intel_idle.c skx_cstates: C1E target_residency 20 us "
              "(sources.md#linux-cpuidle)"),
    PDEF_TIME("host.idle_c6_exit", "133us", 0, 1e-2, "exit latency of C6",
              "Linux drivers/idle/intel_idle.c skx_cstates: C6 exit_latency 133 us "
              "(sources.md#linux-cpuidle)"),
    PDEF_TIME("host.idle_c6_residency", "600us", 0, 1.0, "target residency of C6",
              "Linux drivers/idle/intel_idle.c skx_cstates: C6 target_residency 600 us "
              "(sources.md#linux-cpuidle)"),
    PDEF_BOOL("host.sched_wakeup_preempt", "true",
              "a woken thread that the fair scheduler would pick now (the running one no longer "
              "eligible or past the request it was picked for) makes the running one yield at the "
              "end of its current job (else the running one keeps the core until its request is "
              "used up)",
              "Linux v6.6 kernel/sched/fair.c check_preempt_wakeup(): preempt when pick_eevdf() "
              "returns the woken task, RUN_TO_PARITY on (sources.md#linux-sched)"),
    PDEF_ENUM("host.backend_placement", "spread", "spread|pinned|shared",
              "backend threads: spread over the cores holding no vCPU (else the VM's vCPU "
              "cores); pinned: each VM's on a core of its own (error if too few); shared: "
              "on the VM's own vCPU cores",
              "choice: spread, as a host with spare cores runs them"),
    PDEF_CYCLES("host.stack_per_packet", "733", 0, 1e9,
                "host NIC driver plus bridge/tap work per packet (virtio, emulation)",
                "netmap ATC'12 §5.2 Fig. 5: pktgen ~4 Mpps on i7-870 2.93 GHz (D: "
                "250 ns = 733 cycles; lower bound, no bridge/tap) (sources.md#netmap)"),
    PDEF_CYCLES("host.block_submit", "875", 0, 1e9,
                "host block layer and NVMe driver submission per request (disks on software paths)",
                "Axboe, \"Efficient IO with io_uring\" §9.1: 1.2M IOPS with interrupts (D: 833 ns "
                "x 2.1 GHz / 2; one core assumed) (sources.md#io-uring)"),
    PDEF_CYCLES("host.block_complete", "875", 0, 1e9,
                "host device interrupt and block-layer completion per request (software paths)",
                "Axboe, \"Efficient IO with io_uring\" §9.1: 1.2M IOPS with interrupts (D: 833 ns "
                "x 2.1 GHz / 2; one core assumed) (sources.md#io-uring)"),
};

static const size_t host_n_params = G_N_ELEMENTS(host_params);

const struct param_table host_param_table = { .params = host_params, .n = &host_n_params };
