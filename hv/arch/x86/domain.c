/*
 * The x86 PV side of domains and vCPUs (Xen: arch/x86/domain.c): what common
 * code asks of the architecture when it creates or shuts down a domain or a
 * vCPU, switches from one vCPU to another, and is about to enter a guest.
 * The hooks are declared in hv/domain.h and hv/sched.h.
 */
#include <xen/xen.h>
#include <xen/errno.h>
#include <asm/flushtlb.h>
#include <hv/console.h>
#include <asm/cpu.h>
#include <asm/ctrlreg.h>
#include <asm/descriptors.h>
#include <hv/domain.h>
#include <asm/fpu.h>
#include <asm/io.h>
#include <xl/string.h>
#include <asm/paging.h>
#include <asm/paging_mode.h>
#include <asm/pv_mmu.h>
#include <asm/pv_policy.h>
#include <asm/ptwr.h>
#include <hv/sched.h>
#include <asm/traps.h>
#include <hv/iocap.h>
#include <asm/pirq.h>

int arch_domain_create(struct domain *d)
{
    d->arch.paging = &paging_mode_direct;
    /* The privileged domain is the hardware domain: it starts with Xen's I/O capabilities. */
    return domain_is_privileged(d) ? arch_iocaps_dom0(d) : 0;
}

void arch_domain_destroy(struct domain *d)
{
    pirq_domain_destroy(d);
}

void arch_domain_shutdown(struct domain *d)
{
    ptwr_batch_rehook(d);
    /* Check every frame's counts against the tables that exist (cheap: one pass). */
    pv_mmu_audit(d);
    if (d->arch.ptwr_emulations || d->arch.ptwr_unhooks)
        log_info("d%u writable page tables: %lu stores emulated, %lu unhooks, %lu rehooks", d->id,
                 d->arch.ptwr_emulations, d->arch.ptwr_unhooks, d->arch.ptwr_rehooks);
    if (d->arch.shadow.enabled)
        log_info("d%u shadow: %lu faults, %lu fills, %lu flushes", d->id,
                 d->arch.shadow.faults, d->arch.shadow.fills, d->arch.shadow.flushes);
}

int arch_vcpu_create(struct vcpu *v)
{
    if (fpu_vcpu_init(v))
        return -XEN_ENOMEM;
    v->arch.kernel_mode = true;
    debugreg_init(v);
    ctrlreg_init(v);
    return 0;
}

void arch_vcpu_destroy(struct vcpu *v)
{
    xfree_bytes(v->arch.fpu_area, 4096);
    v->arch.fpu_area = NULL;
}

void context_switch(struct vcpu *prev, struct vcpu *next)
{
    struct cpu_regs *frame = guest_regs();

    if (prev && prev->domain->arch.ptwr_batch.l1)
        ptwr_batch_rehook(prev->domain);
    if (prev && prev->running) {
        prev->regs = *frame;
        segments_save(prev);
        fpu_save(prev);
        /* Saved: from here another CPU may load it (common/sched.c steals only such vCPUs). */
        __atomic_store_n(&prev->running, false, __ATOMIC_RELEASE);
    }
    current = next;
    if (!next) {
        /* The CPU idles with no vCPU: off prev's page tables, out of its domain's dirty mask. */
        paging_load_idle();
        flush_tlb_global();
        if (prev)
            __atomic_and_fetch(&prev->domain->dirty_cpumask, ~cpu_bit(this_cpu()->id), __ATOMIC_RELAXED);
        return;
    }
    *frame = next->regs;
    fpu_restore(next);
    next->running = true;
    vcpu_load_cr3(next);
    flush_tlb_global();                         /* no global entry of another domain survives */
    /* The flush took prev's entries off this CPU: its domain's dirty mask loses the CPU, next's gains it. */
    if (prev && prev->domain != next->domain)
        __atomic_and_fetch(&prev->domain->dirty_cpumask, ~cpu_bit(this_cpu()->id), __ATOMIC_RELAXED);
    __atomic_or_fetch(&next->domain->dirty_cpumask, cpu_bit(this_cpu()->id), __ATOMIC_RELAXED);
    /* The same per vCPU (the MULTI flushes name vCPUs). */
    if (prev)
        __atomic_store_n(&prev->dirty_cpu, NO_DIRTY_CPU, __ATOMIC_RELAXED);
    __atomic_store_n(&next->dirty_cpu, this_cpu()->id, __ATOMIC_RELAXED);
    debugreg_load(next);
    ctrlreg_load(next);                         /* its CR4.TSD and CR4.FSGSBASE */
    gdt_load_vcpu(next);
    pv_msrs_load(next);
    /* Selectors after its GDT and LDT; one that no longer loads: the failsafe callback. */
    if (!segments_load(next))
        pv_failsafe(next, frame);
}

void arch_enter_first_vcpu(void)
{
    extern void enter_guest_frame(struct cpu_regs *) __attribute__((noreturn));

    enter_guest_frame(guest_regs());
}
