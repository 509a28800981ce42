/*
 * The CPU's idle wait, and the idle time it accounts (Xen's idle vCPU's
 * running time, which XEN_SYSCTL_getcpuinfo reports).
 */
#include <asm/io.h>
#include <hv/percpu.h>
#include <hv/time.h>

void cpu_idle_wait(void)
{
    struct cpu_info *c = this_cpu();
    uint64_t start = now_ns();

    safe_halt();
    c->idle_ns += now_ns() - start;
}
