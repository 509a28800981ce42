/*
 * The CPU's idle wait, and the idle time it accounts (Xen's idle vCPU's
 * running time, which XEN_SYSCTL_getcpuinfo reports). While free frames
 * wait to be cleared the CPU clears them instead of halting, as Xen's idle
 * vCPU scrubs (scrub_free_pages), until work arrives for it.
 */
#include <asm/io.h>
#include <hv/mm.h>
#include <hv/percpu.h>
#include <hv/rcu.h>
#include <hv/time.h>

void cpu_idle_wait(void)
{
    struct cpu_info *c = this_cpu();
    uint64_t start = now_ns();

    rcu_idle_enter(c->id);                      /* may raise SOFTIRQ_RCU: then no halt */
    if (frames_need_scrub()) {
        /* Interrupts on: one that brings work raises a softirq, which stops the scrubbing. */
        local_irq_enable();
        scrub_idle_frames(&c->softirq_pending);
        local_irq_disable();
    } else if (!c->softirq_pending) {
        safe_halt();
    }
    rcu_idle_exit(c->id);
    c->idle_ns += now_ns() - start;
}
