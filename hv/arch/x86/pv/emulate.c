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
#include <hv/pv_policy.h>

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
    pv_cpuid(v, (uint32_t)regs->rax, (uint32_t)regs->rcx, r);
    regs->rax = r[0];
    regs->rbx = r[1];
    regs->rcx = r[2];
    regs->rdx = r[3];
    regs->rip += 7;
    return true;
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
            if (!pv_rdmsr(v, msr, &val))
                return false;
            regs->rax = (uint32_t)val;
            regs->rdx = val >> 32;
        } else {
            val = ((uint64_t)(uint32_t)regs->rdx << 32) | (uint32_t)regs->rax;
            if (!pv_wrmsr(v, msr, val))
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
