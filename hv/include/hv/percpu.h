/*
 * Per-CPU state (Xen's struct cpu_info and get_cpu_info()). Each CPU has one
 * stack block of HV_STACK_SIZE bytes aligned to its size (boot/cpu_tables.c):
 *
 *   top     struct cpu_info             this record
 *           struct cpu_regs             the guest frame (TSS.RSP0 and the
 *                                       SYSCALL entry point just above it)
 *           ...                         the hypervisor stack, growing down
 *   bottom  IST stacks (NMI, #DF, #MC)  one page each
 *
 * so code on any of the CPU's stacks finds its record from RSP alone: round
 * RSP up to the block's end, step back over the record. No GS base: those are
 * the guest's (a PV kernel sets both), and using one would cost a SWAPGS on
 * every entry and exit. A function handed the guest frame finds the record
 * right above it (cpu_info_above), at no cost at all.
 */
#ifndef HV_PERCPU_H
#define HV_PERCPU_H

#include <stdbool.h>
#include <stdint.h>
#include <asm/layout.h>
#include <asm/regs.h>
#include <hv/runq.h>
#include <hv/spinlock.h>
#include <hv/timer.h>

struct vcpu;
struct tss64;

typedef uint64_t cpumask_t;              /* a bit per CPU */
_Static_assert(NR_CPUS <= 64, "cpumask_t holds a bit per CPU");

struct cpu_info {
    unsigned int id;
    uint32_t apic_id;                    /* its local APIC's id: where IPIs go (smpboot.c) */
    uint32_t acpi_id;                    /* its ACPI processor id (the MADT's) */
    struct vcpu *curr_vcpu;              /* whose frame is on this CPU's stack */
    volatile unsigned long softirq_pending;
    struct runq runq;                    /* the vCPUs waiting for it (common/sched.c) */
    struct timer_heap timers;            /* its active timers (common/timer.c) */
    struct timer slice_timer;            /* the running vCPU's slice end, while others wait */
    uint64_t slice_end;                  /* system time when the running vCPU's slice ends */
    bool need_resched;                   /* choose again on the way out (slice end, yield, boost) */
    spinlock_t timer_lock;               /* this CPU's timers (LOCK_TIMER, docs/locking.md) */
    struct timer *timer_running;         /* whose callback its timer softirq runs now (kill_timer) */
    uint64_t *gdt;                       /* our reserved GDT page (selectors 0xe000 on) */
    uint64_t *gdt_ptes;                  /* the PTEs of this CPU's GDT area (pv/descriptors.c) */
    uint64_t gdt_virt;                   /* where that area is mapped: guest pages, ours, the LDT */
    uint8_t gdt_pages, ldt_pages;        /* guest GDT / LDT pages of the area that may map a frame */
    struct tss64 *tss;
    uint64_t xcr0;                       /* the XCR0 it holds (fpu.c; 0 until first set) */
    uint64_t hypercall_continuations;    /* hypercalls continued after preemption here */
    uint64_t idle_ns;                    /* time spent halted, waiting for work (arch/x86/idle.c) */
} __attribute__((aligned(16)));

/* The record occupies the top HV_CPU_INFO_SIZE bytes of the block (a size entry.S needs). */
_Static_assert(sizeof(struct cpu_info) <= HV_CPU_INFO_SIZE, "struct cpu_info fits HV_CPU_INFO_SIZE (layout.h)");

/* The record of the CPU whose stack RSP is on. */
static inline struct cpu_info *this_cpu(void)
{
    unsigned long sp;

    __asm__("movq %%rsp, %0" : "=r"(sp));
    return (struct cpu_info *)((sp | (HV_STACK_SIZE - 1)) + 1 - HV_CPU_INFO_SIZE);
}

/* The record above the guest frame of an entry from a guest (the frame ends where the record begins). */
static inline struct cpu_info *cpu_info_above(const struct cpu_regs *guest_frame)
{
    return (struct cpu_info *)(void *)(guest_frame + 1);
}

/* The guest frame at the top of this CPU's stack (the running vCPU's registers). */
static inline struct cpu_regs *guest_regs(void)
{
    return (struct cpu_regs *)(void *)this_cpu() - 1;
}

static inline cpumask_t cpu_bit(unsigned int cpu)
{
    return 1ULL << cpu;
}

/* Each CPU's stack block (boot/cpu_tables.c); CPU 0 boots on its own. */
extern uint8_t cpu_stacks[NR_CPUS][HV_STACK_SIZE];

/* CPU n's record (its timers and run queue are reached through it from other code too). */
static inline struct cpu_info *cpu_info_of(unsigned int cpu)
{
    return (struct cpu_info *)(void *)(cpu_stacks[cpu] + HV_STACK_SIZE - HV_CPU_INFO_SIZE);
}

#define current (this_cpu()->curr_vcpu)

#endif
