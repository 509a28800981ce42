/*
 * What a ring-3 guest kernel may ask of the CPU through a fault:
 *  - #UD: Xen's forced-emulation prefix `ud2; .ascii "xen"` followed by CPUID
 *    returns the hypervisor-filtered CPUID (with Xen's leaves at 0x40000000);
 *  - #GP: RDMSR/WRMSR of the segment-base MSRs and a few read-only ones;
 *    WBINVD as a no-op; CLTS; IN/OUT (ioports.c). Anything else is reflected
 *    to the guest as the fault.
 */
#include <xen/xen.h>
#include <hv/console.h>
#include <hv/cpu.h>
#include <hv/domain.h>
#include <hv/guest_access.h>
#include <hv/io.h>
#include <hv/traps.h>
#include <hv/ioports.h>

#define XEN_CPUID_BASE 0x40000000u

static void guest_cpuid(uint32_t leaf, uint32_t sub, uint32_t r[4])
{
    if (leaf >= XEN_CPUID_BASE && leaf < XEN_CPUID_BASE + 0x10000) {
        r[0] = r[1] = r[2] = r[3] = 0;
        switch (leaf - XEN_CPUID_BASE) {
        case 0:
            r[0] = XEN_CPUID_BASE + 2;          /* highest Xen leaf we answer */
            r[1] = 0x566e6558;                  /* "XenV" */
            r[2] = 0x65584d4d;                  /* "MMXe" */
            r[3] = 0x4d4d566e;                  /* "nVMM" */
            break;
        case 1:
            r[0] = (4u << 16) | 17u;            /* the ABI version we implement */
            break;
        case 2:
            r[0] = 1;                           /* one hypercall page */
            r[1] = XEN_CPUID_BASE;              /* MSR to write it (HVM only; unused by PV) */
            break;
        }
        return;
    }
    cpuid_count(leaf, sub, r);
    if (leaf == 1) {
        r[2] &= ~((1u << 5) | (1u << 3));       /* no VMX, no MONITOR */
        r[2] |= 1u << 31;                       /* running on a hypervisor */
    }
}

bool pv_emulate_forced(struct vcpu *v, struct cpu_regs *regs)
{
    uint8_t insn[7];
    uint32_t r[4];

    if (copy_from_guest(insn, regs->rip, sizeof(insn)))
        return false;
    if (insn[0] != 0x0f || insn[1] != 0x0b || insn[2] != 'x' || insn[3] != 'e' || insn[4] != 'n')
        return false;
    if (insn[5] != 0x0f || insn[6] != 0xa2)
        return false;                           /* only CPUID may follow the prefix */
    guest_cpuid((uint32_t)regs->rax, (uint32_t)regs->rcx, r);
    regs->rax = r[0];
    regs->rbx = r[1];
    regs->rcx = r[2];
    regs->rdx = r[3];
    regs->rip += 7;
    return true;
}

static bool emulate_rdmsr(struct vcpu *v, uint32_t msr, uint64_t *val)
{
    switch (msr) {
    case MSR_FS_BASE:
        *val = rdmsr(MSR_FS_BASE);
        return true;
    case MSR_GS_BASE:
        *val = rdmsr(MSR_GS_BASE);
        return true;
    case MSR_SHADOW_GS_BASE:
        *val = v->kernel_mode ? v->gs_base_user : v->gs_base_kernel;
        return true;
    case MSR_EFER:
        *val = rdmsr(MSR_EFER) & ((1u << 0) | (1u << 8) | (1u << 10) | (1u << 11));
        return true;
    case MSR_TSC_AUX:
        *val = 0;
        return true;
    default:
        return false;
    }
}

static bool is_canonical(uint64_t va)
{
    return (uint64_t)((int64_t)(va << 16) >> 16) == va;
}

static bool emulate_wrmsr(struct vcpu *v, uint32_t msr, uint64_t val)
{
    switch (msr) {
    case MSR_FS_BASE:
        if (!is_canonical(val))
            return false;
        wrmsr(MSR_FS_BASE, val);
        v->fs_base = val;
        return true;
    case MSR_GS_BASE:
        if (!is_canonical(val))
            return false;
        wrmsr(MSR_GS_BASE, val);
        if (v->kernel_mode)
            v->gs_base_kernel = val;
        else
            v->gs_base_user = val;
        return true;
    case MSR_SHADOW_GS_BASE:
        if (!is_canonical(val))
            return false;
        if (v->kernel_mode)
            v->gs_base_user = val;
        else
            v->gs_base_kernel = val;
        return true;
    default:
        return false;
    }
}

bool pv_emulate_privileged(struct vcpu *v, struct cpu_regs *regs)
{
    uint8_t insn[2] = { 0, 0 };
    uint64_t val;

    if (copy_from_guest(insn, regs->rip, 1))
        return false;
    if (insn[0] == 0x0f && copy_from_guest(&insn[1], regs->rip + 1, 1))
        return false;
    if (insn[0] == 0x0f && (insn[1] == 0x32 || insn[1] == 0x30) && v->kernel_mode) {
        uint32_t msr = (uint32_t)regs->rcx;
        if (insn[1] == 0x32) {
            if (!emulate_rdmsr(v, msr, &val))
                return false;
            regs->rax = (uint32_t)val;
            regs->rdx = val >> 32;
        } else {
            val = ((uint64_t)(uint32_t)regs->rdx << 32) | (uint32_t)regs->rax;
            if (!emulate_wrmsr(v, msr, val))
                return false;
        }
        regs->rip += 2;
        return true;
    }
    if (insn[0] == 0x0f && insn[1] == 0x06 && v->kernel_mode) {     /* clts: virtual TS off */
        v->guest_ts = false;
        __asm__ volatile("clts");
        regs->rip += 2;
        return true;
    }
    if (insn[0] == 0x0f && insn[1] == 0x09 && v->kernel_mode) {     /* wbinvd */
        regs->rip += 2;
        return true;
    }
    return pv_emulate_io(v, regs);
}
