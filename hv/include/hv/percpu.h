/*
 * Per-CPU state. Everything that belongs to a physical CPU lives here, reached
 * through this_cpu(), so that SMP adds CPUs rather than rewriting callers.
 * With one CPU this_cpu() is the boot CPU's record; with several it will come
 * from the CPU's own stack top (as Xen's get_cpu_info()).
 */
#ifndef HV_PERCPU_H
#define HV_PERCPU_H

#include <stdbool.h>
#include <stdint.h>
#include <hv/runq.h>
#include <hv/timer.h>
#include <hv/spinlock.h>

struct vcpu;

struct cpu_info {
    unsigned int id;
    struct vcpu *curr_vcpu;              /* whose frame is on this CPU's stack */
    volatile unsigned long softirq_pending;
    struct runq runq;                    /* the vCPUs waiting for it (common/sched.c) */
    struct timer_heap timers;            /* its active timers (common/timer.c) */
    struct timer slice_timer;            /* the running vCPU's slice end, while others wait */
    uint64_t slice_end;                  /* system time when the running vCPU's slice ends */
    bool need_resched;                   /* choose again on the way out (slice end, yield, boost) */
    spinlock_t timer_lock;               /* this CPU's timers (LOCK_TIMER, docs/locking.md) */
};

extern struct cpu_info cpu_info0;

static inline struct cpu_info *this_cpu(void)
{
    return &cpu_info0;
}

#define current (this_cpu()->curr_vcpu)

#endif
