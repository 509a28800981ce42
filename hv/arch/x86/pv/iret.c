/*
 * HYPERVISOR_iret: return from a bounce frame. The guest's stack holds a
 * struct iret_context (rax, r11, rcx, flags, rip, cs, rflags, rsp, ss). Like
 * Xen we force RPL 3 on CS/SS, keep IF set in the real RFLAGS, restore the
 * upcall mask from the frame's IF and switch to user mode when CS says so.
 * With VMASST_TYPE_architectural_iopl the frame's IOPL becomes the virtual one.
 * A frame the CPU will not accept faults at IRETQ: the guest gets that #GP.
 */
#include <xen/xen.h>
#include <xen/errno.h>
#include <asm/cpu.h>
#include <hv/domain.h>
#include <hv/guest_access.h>
#include <hv/hypercall.h>
#include <asm/traps.h>

long do_iret(uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5)
{
    return pv_iret(current, guest_regs());
}

/* See asm/pv.h: the work of do_iret on v's frame regs (the SYSCALL entry calls it directly). */
long pv_iret(struct vcpu *v, struct cpu_regs *regs)
{
    struct iret_context ic;

    if (raw_copy_from_guest(&ic, regs->rsp, sizeof(ic))) {
        domain_crash(v->domain, "iret: unreadable iret frame", regs);
        return 0;
    }
    if ((ic.cs & 3) == 3) {
        if (!v->arch.guest_table_user) {
            domain_crash(v->domain, "iret: switch to user mode with no user page tables", regs);
            return 0;
        }
        if (v->arch.kernel_mode)
            vcpu_toggle_mode(v);
    }
    if (v->domain->vm_assist & (1UL << VMASST_TYPE_architectural_iopl))
        v->arch.iopl = (ic.rflags & X86_EFLAGS_IOPL) >> 12;   /* the frame's IOPL is the virtual one */
    regs->rip = ic.rip;
    regs->cs = ic.cs | 3;
    regs->rflags = (ic.rflags & ~(X86_EFLAGS_IOPL | X86_EFLAGS_VM)) | X86_EFLAGS_IF;
    regs->rsp = ic.rsp;
    regs->ss = ic.ss | 3;
    if (!(ic.flags & VGCF_in_syscall)) {
        regs->r11 = ic.r11;
        regs->rcx = ic.rcx;
    } else {
        /* Return as SYSRET would (the guest's rcx/r11 are dead): our fast exit fits. */
        regs->rcx = regs->rip;
        regs->r11 = regs->rflags;
    }
    v->vcpu_info->evtchn_upcall_mask = !(ic.rflags & X86_EFLAGS_IF);
    v->arch.nmi_masked = false;                 /* as Xen: any iret ends an NMI's mask */
    return (long)ic.rax;
}
