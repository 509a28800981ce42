/*
 * The x86 part of the exit to a guest, asked by common/sched.c's
 * prepare_exit_to_guest on every return: inline, because every hypercall,
 * trap and interrupt passes here (a call each cost ~10 instructions a trip).
 */
#ifndef ASM_EXIT_H
#define ASM_EXIT_H
#include <stdbool.h>
#include <hv/domain.h>
#include <asm/layout.h>
#include <asm/pv.h>
#include <asm/regs.h>
#include <asm/traps.h>

/*
 * Just before the running vCPU v enters its guest through regs, deliver a
 * virtual NMI and an event upcall that are due; false if v could not take it (it crashed) and the
 * scheduler must choose again.
 */
static inline bool arch_vcpu_deliver_events(struct vcpu *v, struct cpu_regs *regs)
{
    /* A virtual NMI first (pv/nmi.c); an upcall may then stack on its frame, as on Xen. */
    if (__builtin_expect(v->arch.nmi_pending, 0) && !pv_deliver_nmi(v, regs))
        return false;
    if (vcpu_upcall_due(v) && v->arch.event_cb.eip)
        return pv_bounce(v, regs, v->arch.event_cb.eip, true, false, 0);
    return true;
}

/* May the frame leave by SYSRET: can it rebuild it exactly (see sysret_to_guest in entry.S)? */
static inline bool arch_exit_fast_ok(const struct cpu_regs *r)
{
    return r->entry_vector == VEC_SYSCALL && r->cs == GUEST_CS64 && r->ss == GUEST_DS &&
           r->rcx == r->rip && r->r11 == r->rflags && r->rip < 0x0000800000000000ULL &&
           !(r->rflags & (X86_EFLAGS_TF | X86_EFLAGS_RF | X86_EFLAGS_VM | X86_EFLAGS_NT)) &&
           (r->rflags & X86_EFLAGS_IF);
}

#endif
