/* KVM's adaptive halt-polling window, as Linux v6.11 and later have it
 * (virt/kvm/kvm_main.c: kvm_vcpu_halt(), grow_halt_poll_ns(),
 * shrink_halt_poll_ns(); halt_poll_ns_shrink 2 since the KVM pull for
 * 6.11, merge 86014c1e20fa). A halt polls for the vCPU's window, capped
 * at the maximum when the halt starts; the halt's length, polling
 * included, then decides the next window: within the window, it stays; a
 * halt longer than the maximum shrinks a window that polled; a shorter one
 * grows it. x86 counts every wake-up as valid (vcpu_valid_wakeup()), and
 * nothing in the model disables polling (kvm_arch_no_poll(): the guest's
 * haltpoll cpuidle driver). Defaults: hv_params.c
 * (sources.md#kvm-halt-poll). */
#include "halt_poll.h"

void halt_poll_init(struct halt_poll *hp, const struct halt_poll_params *p)
{
    hp->p = p;
    hp->ns = 0; /* a new vCPU does not poll */
    hp->settled = -1;
    hp->window = 0;
}

static sim_time grown(const struct halt_poll_params *p, sim_time ns)
{
    if (p->grow == 0)
        return ns;
    ns *= p->grow;
    return ns < p->grow_start ? p->grow_start : ns;
}

static sim_time shrunk(const struct halt_poll_params *p, sim_time ns)
{
    ns = p->shrink ? ns / p->shrink : 0;
    return ns < p->grow_start ? 0 : ns;
}

sim_time halt_poll_end(struct halt_poll *hp, sim_time start, sim_time end)
{
    const struct halt_poll_params *p = hp->p;
    sim_time halt = end - start;

    if (start == hp->settled)
        return hp->window;
    hp->settled = start;
    if (hp->ns > p->max)
        hp->ns = p->max;
    hp->window = hp->ns;
    if (p->max == 0)
        hp->ns = 0;
    else if (halt <= hp->ns)
        ; /* woken while polling */
    else if (hp->ns > 0 && halt > p->max)
        hp->ns = shrunk(p, hp->ns);
    else if (hp->ns < p->max && halt < p->max)
        hp->ns = grown(p, hp->ns);
    return hp->window;
}
