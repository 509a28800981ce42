/*
 * IPIs between our CPUs (Xen: arch/x86/smp.c): the event check, which only
 * makes a CPU pass its exit path (softirqs, run queue, pending events), and
 * the TLB shoot-down behind flush_tlb_mask/flush_tlb_one_mask (asm/flushtlb.h).
 *
 * A shoot-down is one request at a time (flush_lock): the sender writes
 * what to flush and the mask of CPUs asked, sends them VEC_INVALIDATE and
 * waits until each has flushed and taken its bit out. The flush is then
 * complete on every CPU that may hold the translation, before the hypercall
 * that asked for it returns. A CPU asked while its interrupts are off (it
 * may be spinning for a lock the sender holds) flushes from the lock's wait
 * loop (spin_wait_work), so the sender never waits for a CPU waiting for it.
 */
#include <asm/apic.h>
#include <asm/flushtlb.h>
#include <asm/io.h>
#include <asm/traps.h>
#include <hv/console.h>
#include <hv/sched.h>
#include <hv/smp.h>

static DEFINE_SPINLOCK(flush_lock, LOCK_FLUSH);
static cpumask_t flush_pending;             /* CPUs still to flush the request */
static uint64_t flush_va;                   /* the request: one page, or FLUSH_ALL_VA */
static uint64_t tlb_shootdowns;             /* requests sent, and IPIs sent for them */
static uint64_t shootdown_ipis, event_check_ipis;

static void send_ipi(unsigned int cpu, unsigned int vector)
{
    apic_send_ipi(cpu_info_of(cpu)->apic_id, APIC_DM_FIXED | vector);
}

void smp_send_event_check(unsigned int cpu)
{
    if (cpu != this_cpu()->id && cpu_online(cpu)) {
        __atomic_fetch_add(&event_check_ipis, 1, __ATOMIC_RELAXED);
        send_ipi(cpu, VEC_EVENT_CHECK);
    }
}

void smp_report(void)
{
    if (nr_cpus_online > 1)
        log_info("smp: %lu TLB shoot-downs (%lu IPIs), %lu event-check IPIs",
                 (unsigned long)tlb_shootdowns, (unsigned long)shootdown_ipis,
                 (unsigned long)__atomic_load_n(&event_check_ipis, __ATOMIC_RELAXED));
}

void cpu_raise_softirq(unsigned int cpu, unsigned int nr)
{
    __atomic_or_fetch(&cpu_info_of(cpu)->softirq_pending, 1UL << nr, __ATOMIC_SEQ_CST);
    smp_send_event_check(cpu);
}

/* Carry out the shoot-down request if it names this CPU. Any context. */
static void flush_if_asked(void)
{
    cpumask_t me = cpu_bit(this_cpu()->id);

    if (!(__atomic_load_n(&flush_pending, __ATOMIC_ACQUIRE) & me))
        return;
    if (flush_va == FLUSH_ALL_VA)
        flush_tlb_global();
    else
        invlpg(flush_va);
    __atomic_and_fetch(&flush_pending, ~me, __ATOMIC_RELEASE);
}

void spin_wait_work(void)
{
    if (__builtin_expect(nr_cpus_online > 1, 0))
        flush_if_asked();
}

void flush_tlb_others(cpumask_t mask, uint64_t va)
{
    unsigned int cpu;

    mask &= __atomic_load_n(&cpu_online_mask, __ATOMIC_ACQUIRE) & ~cpu_bit(this_cpu()->id);
    if (!mask)
        return;
    spin_lock(&flush_lock);
    flush_va = va;
    __atomic_store_n(&flush_pending, mask, __ATOMIC_RELEASE);
    tlb_shootdowns++;
    for (cpu = 0; cpu < NR_CPUS; cpu++)
        if (mask & cpu_bit(cpu)) {
            shootdown_ipis++;
            send_ipi(cpu, VEC_INVALIDATE);
        }
    while (__atomic_load_n(&flush_pending, __ATOMIC_ACQUIRE))
        cpu_relax();
    spin_unlock(&flush_lock);
}

void smp_ipi_interrupt(unsigned int vector)
{
    if (vector == VEC_INVALIDATE)
        flush_if_asked();
    /* VEC_EVENT_CHECK: nothing to do here; the way out looks at softirqs and the run queue. */
}
