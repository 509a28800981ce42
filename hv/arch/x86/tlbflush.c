/* TLB flushes of other CPUs (hv/tlbflush.h). */
#include <hv/console.h>
#include <asm/flushtlb.h>

unsigned int nr_cpus_online = 1;
cpumask_t cpu_online_mask = 1;              /* the boot CPU */

/*
 * Only the boot CPU is up yet, so no other CPU can hold a translation and a
 * call here is our own bug. SMP bring-up sends the flush IPI to `mask` here
 * and waits for each CPU to acknowledge.
 */
void flush_tlb_others(cpumask_t mask, uint64_t va)
{
    mask &= cpu_online_mask & ~cpu_bit(this_cpu()->id);
    BUG_ON(mask);
}
