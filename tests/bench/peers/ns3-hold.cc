// The hold model of bench-engine.c on ns-3: PENDING events, each of which
// schedules one more at now + Exp(mean) through Simulator::Schedule, with
// the delays of ../hold-rng.h in whole nanoseconds (ns-3's default tick), so
// the keys are the ones iovsim sees in picoseconds. Same output line as
// bench-engine; `end` must match it.
//
// usage: ns3-hold Map|List|Heap|Calendar|PriorityQueue PENDING EVENTS
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <string>
#include <sys/resource.h>

#include "../hold-rng.h"
#include "ns3/core-module.h"

namespace
{

struct hold_rng g_rng = { HOLD_SEED };
uint64_t g_left;

void Hold()
{
    if (g_left == 0) {
        ns3::Simulator::Stop();
        return;
    }
    g_left--;
    ns3::Simulator::Schedule(ns3::NanoSeconds(hold_draw(&g_rng)), &Hold);
}

// CPU time, as bench-engine.c measures it.
double CpuSeconds()
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

} // namespace

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: ns3-hold Map|List|Heap|Calendar|PriorityQueue PENDING EVENTS\n");
        return 2;
    }
    std::string sched = argv[1];
    long pending = atol(argv[2]);
    uint64_t events = strtoull(argv[3], nullptr, 10);
    g_left = events;
    ns3::ObjectFactory f;
    f.SetTypeId("ns3::" + sched + "Scheduler");
    ns3::Simulator::SetScheduler(f);
    for (long i = 0; i < pending; i++) {
        ns3::Simulator::Schedule(ns3::NanoSeconds(hold_draw(&g_rng)), &Hold);
    }
    double t0 = CpuSeconds();
    ns3::Simulator::Run();
    double dt = CpuSeconds() - t0;
    long long end = (long long)ns3::Simulator::Now().GetNanoSeconds();
    ns3::Simulator::Destroy();
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("ns3-%s pending=%ld events=%llu rate=%.0f peak_rss_kib=%ld end=%lld\n", sched.c_str(),
           pending, (unsigned long long)events, (double)events / dt, ru.ru_maxrss, end);
    return 0;
}
