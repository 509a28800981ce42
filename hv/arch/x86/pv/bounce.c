/*
 * Bounce frames: how an exception, an event upcall or a user-mode syscall is
 * delivered to a PV guest kernel. Xen's x86-64 layout, lowest address first:
 *   RCX, R11, [error code], RIP, CS (saved upcall mask in bits 32-39), RFLAGS, RSP, SS
 * pushed on the guest kernel stack (the current one in kernel mode, else
 * kernel_sp from stack_switch), 16-byte aligned. In the saved CS the RPL is
 * cleared when the guest was in kernel mode: that is how it tells the two apart.
 * RFLAGS.IF in the frame is the inverse of the upcall mask at the time.
 * The failsafe callback's frame has DS, ES, FS, GS between R11 and RIP.
 */
#include <xen/xen.h>
#include <hv/console.h>
#include <asm/ctrlreg.h>
#include <hv/domain.h>
#include <hv/guest_access.h>
#include <asm/traps.h>

/* Build a frame with `mid` (error code or selectors) between R11 and RIP, and go to target. */
static bool bounce(struct vcpu *v, struct cpu_regs *regs, uint64_t target, bool mask_events,
                   const uint64_t *mid, unsigned int nmid)
{
    uint64_t frame[12];
    unsigned int n = 0;
    uint8_t mask = v->vcpu_info->evtchn_upcall_mask;
    uint64_t cs = regs->cs, rsp;

    if (v->arch.kernel_mode) {
        rsp = regs->rsp;
        cs &= ~3ULL;
    } else {
        vcpu_toggle_mode(v);
        rsp = v->arch.kernel_sp;
    }
    rsp &= ~0xfULL;

    frame[n++] = regs->rcx;
    frame[n++] = regs->r11;
    for (unsigned int i = 0; i < nmid; i++)
        frame[n++] = mid[i];
    frame[n++] = regs->rip;
    frame[n++] = (cs & 0xffff) | ((uint64_t)mask << 32);
    /* Like Xen: the virtual IOPL shows in the frame only with architectural_iopl. */
    frame[n++] = (regs->rflags & ~(X86_EFLAGS_IF | X86_EFLAGS_IOPL)) |
                 (mask ? 0 : X86_EFLAGS_IF) |
                 ((v->domain->vm_assist & (1UL << VMASST_TYPE_architectural_iopl)) ?
                  (uint64_t)v->arch.iopl << 12 : 0);
    frame[n++] = regs->rsp;
    frame[n++] = regs->ss;
    rsp -= n * 8;
    if (raw_copy_to_guest(rsp, frame, n * 8)) {
        log_err("d%uv%u: cannot write a bounce frame at %#lx", v->domain->id, v->id, rsp);
        domain_crash(v->domain, "guest kernel stack not writable for a bounce frame", regs);
        return false;
    }
    regs->rsp = rsp;
    regs->rip = target;
    regs->cs = FLAT_KERNEL_CS;
    regs->ss = FLAT_KERNEL_SS;
    regs->rflags &= ~(X86_EFLAGS_AC | X86_EFLAGS_VM | X86_EFLAGS_RF | X86_EFLAGS_NT |
                      X86_EFLAGS_TF | X86_EFLAGS_IOPL);
    regs->rflags |= X86_EFLAGS_IF;
    if (mask_events)
        v->vcpu_info->evtchn_upcall_mask = 1;
    return true;
}

bool pv_bounce(struct vcpu *v, struct cpu_regs *regs, uint64_t target, bool mask_events,
               bool has_error, uint32_t error)
{
    uint64_t err = error;

    return bounce(v, regs, target, mask_events, &err, has_error ? 1 : 0);
}

bool pv_failsafe(struct vcpu *v, struct cpu_regs *regs)
{
    const uint64_t sels[4] = { v->arch.sel_ds, v->arch.sel_es, v->arch.sel_fs, v->arch.sel_gs };

    /* Like Xen, an unregistered callback (0) is jumped to all the same. */
    return bounce(v, regs, v->arch.failsafe_cb.eip, v->arch.failsafe_cb.mask_events, sels, 4);
}

void pv_inject_trap(struct vcpu *v, struct cpu_regs *regs, unsigned int vector,
                    bool has_error, uint32_t error)
{
    const struct trap_info *ti = &v->arch.traps[vector & 0xff];

    if (!ti->address) {
        log_err("d%uv%u: unhandled exception %u (no guest handler)", v->domain->id, v->id, vector);
        domain_crash(v->domain, "exception without a guest handler", regs);
        return;
    }
    pv_bounce(v, regs, ti->address, TI_GET_IF(ti) != 0, has_error, error);
}

void pv_inject_page_fault(struct vcpu *v, struct cpu_regs *regs, uint64_t va, uint32_t error)
{
    pv_set_cr2(v, va);
    error &= ~X86_PFEC_USER;                    /* the user bit says which guest mode faulted */
    if (!v->arch.kernel_mode)
        error |= X86_PFEC_USER;
    pv_inject_trap(v, regs, X86_EXC_PF, true, error);
}
