/*
 * TLB flushes of a set of CPUs (Xen's flush_tlb_mask, flush_tlb_one_mask).
 * A domain's dirty_cpumask names the CPUs that may hold its translations:
 * each CPU it runs on sets its bit at the context switch and clears it when
 * switching to another domain (that switch flushes). Flushes for a domain's
 * tables go to its mask; flushes for a frame that changes type or owner go
 * to every CPU up.
 *
 * The calling CPU flushes itself in any case (it may hold the translation
 * through a hypercall's own access, and that is what one CPU did before);
 * the other CPUs of the mask get a shoot-down IPI from flush_tlb_others and
 * have flushed when it returns. While only the boot CPU is up that call is
 * skipped after one test of nr_cpus_online.
 */
#ifndef ASM_FLUSHTLB_H
#define ASM_FLUSHTLB_H
#include <stdint.h>
#include <asm/io.h>
#include <hv/smp.h>

#define FLUSH_ALL_VA (~0ULL)                /* flush_tlb_others: the whole TLB, not one page */

/*
 * Flush `va` (or the whole TLB, FLUSH_ALL_VA) on the CPUs of mask other than
 * this one, and wait until each has (hv/arch/x86/smp.c: a VEC_INVALIDATE IPI).
 */
void flush_tlb_others(cpumask_t mask, uint64_t va);

/* This CPU's whole TLB (global entries too), and that of every other CPU in mask. */
static inline void flush_tlb_mask(cpumask_t mask)
{
    flush_tlb_global();
    if (__builtin_expect(nr_cpus_online > 1, 0))
        flush_tlb_others(mask, FLUSH_ALL_VA);
}

/* One page on this CPU and on every other CPU in mask. */
static inline void flush_tlb_one_mask(cpumask_t mask, uint64_t va)
{
    invlpg(va);
    if (__builtin_expect(nr_cpus_online > 1, 0))
        flush_tlb_others(mask, va);
}

#endif
