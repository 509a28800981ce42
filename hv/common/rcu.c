/*
 * Grace periods in the hypervisor (hv/rcu.h): one state for the machine,
 * the CPUs online as the set that must pass quiescent points, and
 * SOFTIRQ_RCU to run the frees that are ready.
 */
#include <hv/rcu.h>
#include <hv/sched.h>
#include <hv/smp.h>

struct grace_period rcu_grace = GRACE_PERIOD_INIT(rcu_grace, LOCK_GRACE);

static uint64_t online(void)
{
    return __atomic_load_n(&cpu_online_mask, __ATOMIC_ACQUIRE);
}

void call_rcu(struct gp_head *h, void (*fn)(struct gp_head *))
{
    uint64_t ticket = gp_defer(&rcu_grace, h, fn);
    unsigned int me = this_cpu()->id, cpu;

    /* The CPUs still running a guest pass the way out at once rather than at their next tick. */
    for_each_online_cpu(cpu)
        if (cpu != me && gp_holds_up(&rcu_grace, cpu, ticket))
            cpu_raise_softirq(cpu, SOFTIRQ_RCU);
}

void rcu_note_quiescent(unsigned int cpu)
{
    if (gp_quiescent(&rcu_grace, cpu, online()))
        raise_softirq(SOFTIRQ_RCU);
}

void rcu_idle_enter(unsigned int cpu)
{
    if (gp_idle_enter(&rcu_grace, cpu, online()))
        raise_softirq(SOFTIRQ_RCU);
}

void rcu_idle_exit(unsigned int cpu)
{
    gp_idle_exit(&rcu_grace, cpu);
}

void rcu_irq_enter(void)
{
    unsigned int cpu = this_cpu()->id;

    if (gp_is_idle(&rcu_grace, cpu))
        gp_idle_exit(&rcu_grace, cpu);
}

void rcu_softirq(void)
{
    gp_run_ready(&rcu_grace, online());
}
