/*
 * The CPU's idle wait, and the idle time it accounts (Xen's idle vCPU's
 * running time, which XEN_SYSCTL_getcpuinfo reports).
 */
#include <asm/io.h>
#include <hv/percpu.h>
#include <hv/rcu.h>
#include <hv/time.h>

void cpu_idle_wait(void)
{
    struct cpu_info *c = this_cpu();
    uint64_t start = now_ns();

    rcu_idle_enter(c->id);                      /* may raise SOFTIRQ_RCU: then no halt */
    if (!c->softirq_pending)
        safe_halt();
    rcu_idle_exit(c->id);
    c->idle_ns += now_ns() - start;
}
