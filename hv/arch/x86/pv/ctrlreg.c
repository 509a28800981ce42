/*
 * The control registers a PV kernel sees through `mov %crN` (emulated,
 * emulate.c), with Xen 4.17's answers:
 *  - CR0: the real CR0 with the guest's virtual TS (fpu_taskswitch); a write
 *    may change TS only, anything else is #GP(0);
 *  - CR2: the last page-fault address delivered to the guest, or what it
 *    wrote there itself (also in vcpu_info arch.cr2);
 *  - CR3: the kernel root as a machine address (frame << 12); a write is
 *    MMUEXT_NEW_BASEPTR, a frame it refuses is #GP(0);
 *  - CR4: the guest's own choice of TSD, DE, FSGSBASE and OSXSAVE (each only
 *    if its CPUID shows the feature), plus PAE, MCE, OSFXSR and OSXMMEXCPT as
 *    the hypervisor runs with them; other bits written are dropped, never
 *    #GP. TSD and FSGSBASE take effect in the real CR4 while the vCPU runs.
 */
#include <xen/xen.h>
#include <asm/cpu.h>
#include <hv/domain.h>
#include <hv/hypercall.h>
#include <asm/io.h>
#include <asm/ptwr.h>
#include <asm/pv_mmu.h>
#include <asm/pv_policy.h>
#include <asm/ctrlreg.h>

/* Bits the guest chooses, and the real ones it may look at. */
#define CR4_GUEST_MASK   (X86_CR4_TSD | X86_CR4_DE | X86_CR4_FSGSBASE | X86_CR4_OSXSAVE)
#define CR4_VISIBLE_MASK (X86_CR4_PAE | X86_CR4_MCE | X86_CR4_OSFXSR | X86_CR4_OSXMMEXCPT)
/* The bits that differ per vCPU in the real CR4. */
#define CR4_PER_VCPU     (X86_CR4_TSD | X86_CR4_FSGSBASE)

/* The guest-visible CR4 for a value it wrote (its CPUID decides what it may turn on). */
static uint64_t cr4_fixup(struct vcpu *v, uint64_t val)
{
    uint32_t l1[4], l7[4];

    pv_cpuid(v, 1, 0, l1);
    pv_cpuid(v, 0, 0, l7);
    if (l7[0] >= 7)
        pv_cpuid(v, 7, 0, l7);
    else
        l7[1] = 0;
    if (!(l1[3] & (1u << 4)))                   /* TSC */
        val &= ~X86_CR4_TSD;
    if (!(l1[3] & (1u << 2)))                   /* DE */
        val &= ~X86_CR4_DE;
    if (!(l1[2] & (1u << 26)))                  /* XSAVE */
        val &= ~X86_CR4_OSXSAVE;
    if (!(l7[1] & 1u) || !cpu_features.has_fsgsbase)
        val &= ~X86_CR4_FSGSBASE;
    return (val & CR4_GUEST_MASK) | (read_cr4() & CR4_VISIBLE_MASK);
}

void ctrlreg_init(struct vcpu *v)
{
    v->arch.cr2 = 0;
    v->arch.cr4 = cr4_fixup(v, 0);
}

void ctrlreg_set_cr4(struct vcpu *v, uint64_t val)
{
    v->arch.cr4 = cr4_fixup(v, val);
}

void ctrlreg_load(const struct vcpu *v)
{
    uint64_t cr4 = read_cr4();
    uint64_t want = (cr4 & ~CR4_PER_VCPU) | (v->arch.cr4 & CR4_PER_VCPU);

    if (want != cr4)
        write_cr4(want);
}

bool pv_read_cr(struct vcpu *v, unsigned int cr, uint64_t *val)
{
    switch (cr) {
    case 0:
        *val = (read_cr0() & ~X86_CR0_TS) | (v->arch.guest_ts ? X86_CR0_TS : 0);
        return true;
    case 2:
        *val = v->arch.cr2;
        return true;
    case 3:
        *val = v->arch.guest_table << PAGE_SHIFT;
        return true;
    case 4:
        *val = v->arch.cr4;
        return true;
    default:
        return false;
    }
}

void pv_set_cr2(struct vcpu *v, uint64_t va)
{
    v->arch.cr2 = va;
    v->vcpu_info->arch.cr2 = va;
}

bool pv_write_cr(struct vcpu *v, unsigned int cr, uint64_t val)
{
    switch (cr) {
    case 0:
        if ((val ^ read_cr0()) & ~X86_CR0_TS)
            return false;                       /* only TS is the guest's */
        do_fpu_taskswitch(!!(val & X86_CR0_TS), 0, 0, 0, 0);
        return true;
    case 2:
        pv_set_cr2(v, val);
        return true;
    case 3:
        ptwr_batch_rehook(v->domain);           /* the root must see only validated tables */
        return pv_new_baseptr(v, val >> PAGE_SHIFT) == 0;
    case 4:
        v->arch.cr4 = cr4_fixup(v, val);
        ctrlreg_load(v);
        return true;
    default:
        return false;
    }
}
