/*
 * Writable page tables (VMASST_TYPE_writable_pagetables), emulated: a guest
 * kernel's store into one of its own L1 tables (mapped read-only, so it
 * faults) is decoded (hv/arch/x86/lib/ptwr_decode.c), the new entry is validated by
 * the frame-type machine exactly like an mmu_update, and the store is
 * completed for the guest, which resumes after the instruction. A store the
 * machine refuses is reflected to the guest as the page fault it was.
 * Like Xen, only L1 tables are written this way; L2-L4 stay hypercall-only.
 */
#include <xen/xen.h>
#include <xen/errno.h>
#include <hv/console.h>
#include <hv/domain.h>
#include <hv/guest_access.h>
#include <asm/paging.h>
#include <asm/ptwr.h>
#include <asm/pv.h>
#include <asm/ptwr_decode.h>
#include <asm/pv_mmu.h>
#include <asm/shadow.h>
#include <asm/x86_vectors.h>

/* The root a vCPU's accesses go through now: the user one in guest user mode, if it has one. */
static mfn_t current_root(const struct vcpu *v)
{
    return v->arch.kernel_mode || !v->arch.guest_table_user ? v->arch.guest_table : v->arch.guest_table_user;
}

uint64_t pv_guest_l1_of(struct vcpu *v, uint64_t va, unsigned int *idx)
{
    struct pt_walk w;

    if (!pt_walk(&pv_mmu_env, current_root(v), va, &w))
        return INVALID_MFN;
    *idx = w.index[1];
    return w.table[1];
}

uint64_t pv_guest_frame_at(struct vcpu *v, uint64_t va)
{
    struct pt_walk w;
    pte_t e;

    if (!pt_walk(&pv_mmu_env, current_root(v), va, &w))
        return INVALID_MFN;
    e = w.entry[1];
    if (!(e & PT_PRESENT) || (e & PT_PSE) || !mfn_valid(pte_mfn(e)))
        return INVALID_MFN;
    return pte_mfn(e);
}

/* The frame's registers in x86 encoding order (one store each: no staging array and loop). */
static void regs_to_ptwr(const struct cpu_regs *r, struct ptwr_regs *p)
{
    p->gpr[0] = r->rax;
    p->gpr[1] = r->rcx;
    p->gpr[2] = r->rdx;
    p->gpr[3] = r->rbx;
    p->gpr[4] = r->rsp;
    p->gpr[5] = r->rbp;
    p->gpr[6] = r->rsi;
    p->gpr[7] = r->rdi;
    p->gpr[8] = r->r8;
    p->gpr[9] = r->r9;
    p->gpr[10] = r->r10;
    p->gpr[11] = r->r11;
    p->gpr[12] = r->r12;
    p->gpr[13] = r->r13;
    p->gpr[14] = r->r14;
    p->gpr[15] = r->r15;
}

/* Could the fault be a kernel's write to one of its page tables? (Cheap: before any lock.) */
static bool ptwr_candidate(const struct vcpu *v, const struct cpu_regs *regs)
{
    /* Like Xen 4.17, always on for PV kernels: the vm_assist bit is accepted but not needed. */
    return v->arch.kernel_mode &&
           (regs->error_code & (X86_PFEC_PRESENT | X86_PFEC_WRITE)) == (X86_PFEC_PRESENT | X86_PFEC_WRITE);
}

static bool emulate(struct vcpu *v, struct cpu_regs *regs, uint64_t cr2, bool take_lock);

bool ptwr_try_emulate(struct vcpu *v, struct cpu_regs *regs, uint64_t cr2)
{
    return ptwr_candidate(v, regs) && emulate(v, regs, cr2, true);
}

bool ptwr_try_emulate_locked(struct vcpu *v, struct cpu_regs *regs, uint64_t cr2)
{
    return ptwr_candidate(v, regs) && emulate(v, regs, cr2, false);
}

/* The emulation, under d->page_lock (taken here with take_lock). */
static bool emulate(struct vcpu *v, struct cpu_regs *regs, uint64_t cr2, bool take_lock)
{
    struct domain *d = v->domain;
    uint8_t insn[PTWR_MAX_INSN_LEN];
    size_t avail = 0;
    struct ptwr_regs pregs;
    struct ptwr_write w;
    struct ptwr_effect eff;
    mfn_t table;
    uint64_t *entry;
    bool done = false;

    if (take_lock)
        spin_lock(&d->page_lock);
    table = pv_guest_frame_at(v, cr2);
    if (table == INVALID_MFN || mfn_to_page(table)->owner != d->id ||
        (mfn_to_page(table)->type_info & PGT_type_mask) != PGT_l1_page_table ||
        !(mfn_to_page(table)->type_info & PGT_count_mask))
        goto out;
    if (ptwr_batch_unhook(v, regs, cr2, table)) {
        done = true;                                    /* the guest retries, now writable */
        goto out;
    }
    /* Fetch the instruction: 15 bytes at once, or what can be read before an unmapped page. */
    if (!raw_copy_from_guest(insn, regs->rip, sizeof(insn)))
        avail = sizeof(insn);
    else
        while (avail < sizeof(insn) && !raw_copy_from_guest(&insn[avail], regs->rip + avail, 1))
            avail++;
    regs_to_ptwr(regs, &pregs);
    if (ptwr_decode(insn, avail, &pregs, &w))
        goto out;
    entry = (uint64_t *)((uint8_t *)mfn_to_virt(table) + (cr2 & (PAGE_SIZE - 8)));
    if (ptwr_compose(&w, *entry, cr2 & 7, &pregs, regs->rflags, &eff))
        goto out;
    if (eff.store) {
        int rc = pt_update_entry(&pv_mmu_env, d->id, d->id, table, (cr2 & (PAGE_SIZE - 1)) >> 3,
                                 eff.new_entry, false);
        if (rc) {
            log_debug("d%u ptwr: store of %#lx at %#lx refused (%d)", d->id, eff.new_entry, cr2, rc);
            goto out;                                   /* the guest sees its #PF */
        }
        d->arch.paging->entry_changed(d, table, (cr2 & (PAGE_SIZE - 1)) >> 3);
    }
    if (eff.reg_written)
        *regs_gpr(regs, eff.reg) = eff.reg_value;
    regs->rflags = (regs->rflags & ~PTWR_FLAGS_ARITH) | (eff.rflags & PTWR_FLAGS_ARITH);
    regs->rip += w.len;
    d->arch.ptwr_emulations++;
    done = true;
out:
    if (take_lock)
        spin_unlock(&d->page_lock);
    return done;
}
