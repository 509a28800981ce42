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

static void regs_to_ptwr(const struct cpu_regs *r, struct ptwr_regs *p)
{
    const uint64_t g[16] = { r->rax, r->rcx, r->rdx, r->rbx, r->rsp, r->rbp, r->rsi, r->rdi,
                             r->r8, r->r9, r->r10, r->r11, r->r12, r->r13, r->r14, r->r15 };
    for (int i = 0; i < 16; i++)
        p->gpr[i] = g[i];
}

bool ptwr_try_emulate(struct vcpu *v, struct cpu_regs *regs, uint64_t cr2)
{
    struct domain *d = v->domain;
    uint8_t insn[PTWR_MAX_INSN_LEN];
    size_t avail = 0;
    struct ptwr_regs pregs;
    struct ptwr_write w;
    struct ptwr_effect eff;
    mfn_t table;
    uint64_t *entry;

    /* Like Xen 4.17, always on for PV kernels: the vm_assist bit is accepted but not needed. */
    if (!v->arch.kernel_mode)
        return false;
    if ((regs->error_code & (X86_PFEC_PRESENT | X86_PFEC_WRITE)) != (X86_PFEC_PRESENT | X86_PFEC_WRITE))
        return false;
    table = pv_guest_frame_at(v, cr2);
    if (table == INVALID_MFN || mfn_to_page(table)->owner != d->id ||
        (mfn_to_page(table)->type_info & PGT_type_mask) != PGT_l1_page_table ||
        !(mfn_to_page(table)->type_info & PGT_count_mask))
        return false;
    if (ptwr_batch_unhook(v, regs, cr2, table))
        return true;                                    /* the guest retries, now writable */
    /* Fetch the instruction: 15 bytes at once, or what can be read before an unmapped page. */
    if (!copy_from_guest(insn, regs->rip, sizeof(insn)))
        avail = sizeof(insn);
    else
        while (avail < sizeof(insn) && !copy_from_guest(&insn[avail], regs->rip + avail, 1))
            avail++;
    regs_to_ptwr(regs, &pregs);
    if (ptwr_decode(insn, avail, &pregs, &w))
        return false;
    entry = (uint64_t *)((uint8_t *)mfn_to_virt(table) + (cr2 & (PAGE_SIZE - 8)));
    if (ptwr_compose(&w, *entry, cr2 & 7, &pregs, regs->rflags, &eff))
        return false;
    if (eff.store) {
        int rc = pt_update_entry(&pv_mmu_env, d->id, d->id, table, (cr2 & (PAGE_SIZE - 1)) >> 3,
                                 eff.new_entry, false);
        if (rc) {
            log_debug("d%u ptwr: store of %#lx at %#lx refused (%d)", d->id, eff.new_entry, cr2, rc);
            return false;                               /* the guest sees its #PF */
        }
        d->arch.paging->entry_changed(d, table, (cr2 & (PAGE_SIZE - 1)) >> 3);
    }
    if (eff.reg_written)
        *regs_gpr(regs, eff.reg) = eff.reg_value;
    regs->rflags = (regs->rflags & ~PTWR_FLAGS_ARITH) | (eff.rflags & PTWR_FLAGS_ARITH);
    regs->rip += w.len;
    d->arch.ptwr_emulations++;
    return true;
}
