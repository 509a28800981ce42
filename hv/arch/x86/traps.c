/*
 * Every exception and interrupt lands in handle_trap(). Our own faults (ring 0)
 * are either a guest-memory access with a fixup, or a bug: dump and panic.
 * A guest's fault (ring 3) is reflected to the guest's trap table, emulated,
 * or, when the guest cannot take it, the domain is crashed.
 */
#include <xen/xen.h>
#include <hv/console.h>
#include <asm/cpu.h>
#include <hv/domain.h>
#include <asm/ctrlreg.h>
#include <hv/guest_access.h>
#include <hv/hypercall.h>
#include <xl/string.h>
#include <asm/pirq.h>
#include <asm/ptwr.h>
#include <asm/io.h>
#include <asm/apic.h>
#include <asm/traps.h>
#include <hv/rcu.h>

static const char *const exception_names[32] = {
    "#DE divide error", "#DB debug", "NMI", "#BP breakpoint", "#OF overflow",
    "#BR bound", "#UD invalid opcode", "#NM device not available", "#DF double fault",
    "coprocessor overrun", "#TS invalid TSS", "#NP segment not present",
    "#SS stack fault", "#GP general protection", "#PF page fault", "reserved",
    "#MF x87 error", "#AC alignment", "#MC machine check", "#XM SIMD error",
    "#VE virtualization", "#CP control protection",
};

void dump_regs(const char *title, const struct cpu_regs *r)
{
    unsigned int vec = r->entry_vector;
    const char *name = vec < 32 && exception_names[vec] ? exception_names[vec] :
                       vec == VEC_SYSCALL ? "syscall" : "interrupt";

    log_err("----[ %s ]----", title);
    log_err("vector %u (%s) error code %#x%s", vec, name, r->error_code,
            current ? "" : " (no current vCPU)");
    if (current)
        log_err("current: d%uv%u, guest %s mode", current->domain->id, current->id,
                current->arch.kernel_mode ? "kernel" : "user");
    log_err("rip %016lx cs %04lx rflags %016lx", r->rip, r->cs, r->rflags);
    log_err("rsp %016lx ss %04lx cr2 %016lx", r->rsp, r->ss, read_cr2());
    log_err("rax %016lx rbx %016lx rcx %016lx", r->rax, r->rbx, r->rcx);
    log_err("rdx %016lx rsi %016lx rdi %016lx", r->rdx, r->rsi, r->rdi);
    log_err("rbp %016lx r8  %016lx r9  %016lx", r->rbp, r->r8, r->r9);
    log_err("r10 %016lx r11 %016lx r12 %016lx", r->r10, r->r11, r->r12);
    log_err("r13 %016lx r14 %016lx r15 %016lx", r->r13, r->r14, r->r15);
    log_err("cr0 %016lx cr3 %016lx cr4 %016lx", read_cr0(), read_cr3(), read_cr4());
    if (regs_from_guest(r) && current) {
        /* The guest's stack, read through the guest-memory door (it may be bad). */
        uint64_t words[8];
        for (int row = 0; row < 2; row++) {
            uint64_t at = r->rsp + row * 32;
            if (raw_copy_from_guest(words, at, 32)) {
                log_err("guest stack at %#lx: unreadable", at);
                break;
            }
            log_err("guest stack %016lx: %016lx %016lx %016lx %016lx", at,
                    words[0], words[1], words[2], words[3]);
        }
    }
    if (!regs_from_guest(r)) {
        /* Hypervisor stack: frame-pointer walk, bounded and range-checked. */
        uint64_t rbp = r->rbp;
        log_err("call trace:");
        log_err("  [<%016lx>]", r->rip);
        for (int depth = 0; depth < 16 && rbp >= HV_IMAGE_VIRT && (rbp & 7) == 0; depth++) {
            const uint64_t *frame = (const uint64_t *)rbp;
            log_err("  [<%016lx>]", frame[1]);
            if (frame[0] <= rbp)
                break;
            rbp = frame[0];
        }
    }
}

extern char iretq_insn[], iret_fault_recover[];

static void hypervisor_fault(struct cpu_regs *regs)
{
    uint64_t fix = search_fixup(regs->rip);
    uint32_t pfec;

    /*
     * Our own access to guest memory may hit a range whose L1 is unhooked, or
     * be a shadow miss. Both change the domain's tables under its page lock,
     * which this CPU may hold already (a guest access inside a locked section).
     */
    if (regs->entry_vector == X86_EXC_PF && current && fix) {
        struct domain *d = current->domain;
        bool mine = spin_is_mine(&d->page_lock), done = false;

        if (!mine)
            spin_lock(&d->page_lock);
        if (d->arch.ptwr_batch.l1) {
            ptwr_batch_rehook_locked(d);
            done = true;
        } else if (d->arch.paging->page_fault) {
            done = d->arch.paging->page_fault(current, read_cr2(), regs->error_code & ~X86_PFEC_USER,
                                              &pfec);
        }
        if (!mine)
            spin_unlock(&d->page_lock);
        if (done)
            return;
    }

    if (fix) {
        regs->rip = fix;
        return;
    }
    if (regs->rip == (uint64_t)iretq_insn && current) {
        /*
         * The CPU refused the frame we were returning to the guest with (a bad
         * selector from an iret hypercall). Like Xen: the guest gets the #GP,
         * at the frame's rip and cs, with the selector as error code. Our fault
         * frame was pushed over the guest's saved registers, but at IRETQ the
         * registers themselves still hold the guest's values: put them back.
         */
        struct cpu_regs *g = guest_regs();
        uint32_t err = regs->error_code, vec = regs->entry_vector;
        memmove(g, regs, offsetof(struct cpu_regs, error_code));   /* the frames overlap: */
        regs = NULL;                                              /* ours is clobbered now */
        pv_inject_trap(current, g, vec, true, err);
        /* Leave through the exit path again, on the guest frame (entry.S). */
        __asm__ volatile("movq %0, %%rsp; jmp iret_fault_recover" :: "r"(g) : "memory");
        __builtin_unreachable();
    }
    dump_regs("FATAL hypervisor exception", regs);
    panic("fatal exception %u in the hypervisor at %#lx", regs->entry_vector, regs->rip);
}

/*
 * May the guest's `int $n` reach its trap-table entry n? Xen 4.17 compares the
 * entry's DPL with the guest's virtual CPL: 1 in kernel mode, 3 in user mode.
 * Vector 0x80 has a fast path in Xen that skips the DPL: any entry with a
 * handler takes it. Otherwise the guest gets the #GP, error (n << 3) | 2.
 * An allowed entry without a handler crashes the domain (pv_inject_trap), as
 * in Xen.
 */
static bool softint_permitted(const struct vcpu *v, unsigned int n)
{
    const struct trap_info *ti = &v->arch.traps[n];

    if (n == 0x80 && ti->address)
        return true;
    return TI_GET_DPL(ti) >= (v->arch.kernel_mode ? 1 : 3);
}

/*
 * The part of a guest #PF the hypervisor may resolve itself, under the
 * domain's page lock: true if the guest just retries.
 */
static bool guest_page_fault_locked(struct vcpu *v, struct cpu_regs *regs, uint64_t cr2)
{
    struct domain *d = v->domain;
    const struct paging_mode *pm = d->arch.paging;
    bool done;
    uint32_t pfec;

    if (d->arch.ptwr_batch.l1) {
        spin_lock(&d->page_lock);
        ptwr_batch_rehook_locked(d);            /* first use of the range, or any fault: */
        spin_unlock(&d->page_lock);
        return true;                            /* re-hooked, retry (a real fault recurs) */
    }
    /* No shadow: only an emulated page-table write, which locks once it is one. */
    if (!pm->page_fault)
        return ptwr_try_emulate(v, regs, cr2);
    spin_lock(&d->page_lock);
    done = pm->page_fault(v, cr2, regs->error_code, &pfec);    /* a shadow miss: retry */
    if (!done) {
        regs->error_code = pfec;
        done = ptwr_try_emulate_locked(v, regs, cr2);
    }
    spin_unlock(&d->page_lock);
    return done;
}

static void guest_fault(struct cpu_regs *regs)
{
    struct vcpu *v = cpu_info_above(regs)->curr_vcpu;      /* regs: the guest frame */
    unsigned int vec = regs->entry_vector;

    switch (vec) {
    case X86_EXC_PF: {
        uint64_t cr2 = read_cr2();
        if (guest_page_fault_locked(v, regs, cr2))
            return;
        pv_set_cr2(v, cr2);
        /* The guest kernel runs in ring 3, but must see its faults as supervisor ones. */
        if (v->arch.kernel_mode)
            regs->error_code &= ~X86_PFEC_USER;
        pv_inject_trap(v, regs, X86_EXC_PF, true, regs->error_code);
        return;
    }
    case X86_EXC_GP:
        if ((regs->error_code & (X86_SEL_EC_IDT | X86_SEL_EC_EXT)) == X86_SEL_EC_IDT &&
            softint_permitted(v, regs->error_code >> 3)) {
            /* `int $n` (our IDT gates are DPL 0): a software interrupt the guest allows. */
            regs->rip += 2;
            pv_inject_trap(v, regs, regs->error_code >> 3, false, 0);
            return;
        }
        if (regs->error_code == 0 && pv_emulate_privileged(v, regs))
            return;
        pv_inject_trap(v, regs, X86_EXC_GP, true, regs->error_code);
        return;
    case X86_EXC_UD:
        if (pv_emulate_forced(v, regs))
            return;
        pv_inject_trap(v, regs, X86_EXC_UD, false, 0);
        return;
    case X86_EXC_NM:
        /* #NM: the guest asked for TS (fpu_taskswitch); the FPU state is still live. */
        __asm__ volatile("clts");
        if (v->arch.guest_ts) {
            v->arch.guest_ts = false;
            pv_inject_trap(v, regs, X86_EXC_NM, false, 0);
        }
        return;
    case X86_EXC_DB:
        debugreg_note_trap(v);
        pv_inject_trap(v, regs, X86_EXC_DB, false, 0);
        return;
    case X86_EXC_NMI:
    case X86_EXC_MC:
        dump_regs("NMI/MCE while in a guest", regs);
        return;
    default:
        if (vec < X86_NR_EXC)
            pv_inject_trap(v, regs, vec, X86_EXC_HAS_EC(vec), regs->error_code);
        return;
    }
}

/* Entry from entry.S for every IDT vector. */
void handle_trap(struct cpu_regs *regs)
{
    unsigned int vec = regs->entry_vector;

    if (vec >= X86_NR_EXC) {
        rcu_irq_enter();                /* a handler on an idle CPU may borrow (hv/rcu.h) */
        if (vec == VEC_TIMER)
            timer_interrupt();
        else if (vec == VEC_SERIAL)
            serial_interrupt();
        else if (vec == VEC_INVALIDATE || vec == VEC_EVENT_CHECK)
            smp_ipi_interrupt(vec);
        else if (vec >= VEC_GSI_BASE && vec < VEC_GSI_BASE + NR_GSIS)
            pirq_interrupt(vec - VEC_GSI_BASE);
        if (vec != VEC_SPURIOUS)
            apic_eoi();
        return;
    }
    if (!regs_from_guest(regs)) {
        if (vec == X86_EXC_NMI)
            return;                     /* NMI in the hypervisor: nothing to do yet */
        if (vec == X86_EXC_DB && current) {
            /* A guest data breakpoint hit by our own access to guest memory: it is the guest's. */
            debugreg_note_trap(current);
            return;
        }
        hypervisor_fault(regs);
        return;
    }
    guest_fault(regs);
}

/*
 * Entry from entry.S for SYSCALL. From guest kernel mode it is a hypercall;
 * from guest user mode it is the user's system call, bounced to the guest
 * kernel's syscall callback (or #UD when it registered none, as on Xen).
 */
void handle_syscall(struct cpu_regs *regs)
{
    struct vcpu *v = cpu_info_above(regs)->curr_vcpu;      /* regs: the guest frame */

    if (v->arch.kernel_mode) {
        if (v->domain->arch.ptwr_batch.l1)
            ptwr_batch_rehook(v->domain);       /* hypercalls see only validated tables */
        /* The iret hypercall ends every bounce (each system call, event and fault of a
         * PV kernel): straight to its handler, past the table's generic path (which it
         * needs none of: any caller, no continuation), unless every call is traced. */
        if (regs->rax == __HYPERVISOR_iret && !hypercall_trace) {
            regs->rax = (uint64_t)pv_iret(v, regs);
            return;
        }
        hypercall_dispatch(regs);
        return;
    }
    if (!v->arch.syscall_cb.eip) {
        regs->rip -= 2;
        pv_inject_trap(v, regs, X86_EXC_UD, false, 0);
        return;
    }
    pv_bounce(v, regs, v->arch.syscall_cb.eip, v->arch.syscall_cb.mask_events, false, 0);
}
