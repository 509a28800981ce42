/*
 * Batched writable page tables (the original design of writable page tables,
 * kept as a per-domain mode to compare with emulation): on a write fault to
 * an L1 table in use, the table is unhooked from the one L2 entry that uses it
 * (so the CPU no longer translates through it), which drops its page-table
 * type; the guest's read-only mapping of it is made writable and the guest
 * then writes as many entries as it likes at full speed. Before the range is
 * used again, before any hypercall and before a context switch, the table is
 * re-hooked: restoring the L2 entry re-validates all its entries. An entry
 * the guest wrote that fails validation crashes the domain (it broke the
 * contract); nothing invalid ever becomes visible to the CPU.
 *
 * Batching is declined (the write is emulated instead) when the table is
 * pinned or used by several L2 entries, when it maps its own mapping, or when
 * the faulting code or stack lies in the range it translates.
 */
#include <xen/xen.h>
#include <xen/errno.h>
#include <hv/console.h>
#include <hv/domain.h>
#include <asm/io.h>
#include <asm/paging.h>
#include <asm/ptwr.h>
#include <asm/pv.h>
#include <asm/pv_mmu.h>

/* Find the single L2 entry of the current root that uses `l1`; false if none or several. */
static bool find_l2_user(struct vcpu *v, mfn_t l1, mfn_t *l2, unsigned int *idx, uint64_t *va)
{
    const pte_t *l4 = mfn_to_virt(v->arch.guest_table);
    unsigned int found = 0;

    for (unsigned int i4 = 0; i4 < 512; i4++) {
        if ((i4 >= HV_SLOT_FIRST && i4 <= HV_SLOT_LAST) || !(l4[i4] & PT_PRESENT))
            continue;
        const pte_t *l3 = mfn_to_virt(pte_mfn(l4[i4]));
        for (unsigned int i3 = 0; i3 < 512; i3++) {
            if (!(l3[i3] & PT_PRESENT))
                continue;
            const pte_t *l2t = mfn_to_virt(pte_mfn(l3[i3]));
            for (unsigned int i2 = 0; i2 < 512; i2++) {
                if (!(l2t[i2] & PT_PRESENT) || pte_mfn(l2t[i2]) != l1)
                    continue;
                if (found++)
                    return false;
                *l2 = pte_mfn(l3[i3]);
                *idx = i2;
                uint64_t base = ((uint64_t)i4 << 39) | ((uint64_t)i3 << 30) | ((uint64_t)i2 << 21);
                *va = i4 >= 256 ? base | 0xffff000000000000ULL : base;
            }
        }
    }
    return found == 1;
}

static bool in_range(uint64_t addr, uint64_t base)
{
    return addr >= base && addr < base + (1UL << 21);
}

bool ptwr_batch_unhook(struct vcpu *v, struct cpu_regs *regs, uint64_t cr2, mfn_t l1)
{
    struct domain *d = v->domain;
    struct ptwr_batch *b = &d->arch.ptwr_batch;
    mfn_t l2 = 0, map_l1;
    unsigned int l2_idx = 0, map_idx;
    uint64_t base = 0;
    pte_t *map_slot;

    if (!d->arch.ptwr_batched || !d->arch.paging->ptwr_batch_ok || !v->arch.kernel_mode)
        return false;
    if (b->l1)
        ptwr_batch_rehook(d);
    if (l1 == b->declined)
        return false;                           /* same table as last time: emulate at once */
    if (mfn_to_page(l1)->type_info & PGT_pinned)
        return false;
    if ((mfn_to_page(l1)->type_info & PGT_count_mask) != 1 || !find_l2_user(v, l1, &l2, &l2_idx, &base) ||
        in_range(regs->rip, base) || in_range(regs->rsp, base) || in_range(cr2, base)) {
        b->declined = l1;                       /* remember: the scan above is not cheap */
        return false;
    }
    /* The guest's own (read-only) mapping of the table, the one it wrote through. */
    map_l1 = pv_guest_l1_of(v, cr2, &map_idx);
    if (map_l1 == INVALID_MFN || map_l1 == l1)
        return false;
    map_slot = (pte_t *)mfn_to_virt(map_l1) + map_idx;

    b->l2e = ((pte_t *)mfn_to_virt(l2))[l2_idx];
    if (pt_update_entry(&pv_mmu_env, d->id, d->id, l2, l2_idx, 0, false))
        return false;                           /* unhooked: the L1 holds no type now */
    if (pt_update_entry(&pv_mmu_env, d->id, d->id, map_l1, map_idx, *map_slot | PT_RW, false)) {
        BUG_ON(pt_update_entry(&pv_mmu_env, d->id, d->id, l2, l2_idx, b->l2e, false));
        return false;
    }
    b->l1 = l1;
    b->l2 = l2;
    b->l2_idx = l2_idx;
    b->map_l1 = map_l1;
    b->map_idx = map_idx;
    write_cr3(read_cr3());
    d->arch.ptwr_unhooks++;
    return true;
}

/*
 * Takes d->page_lock, unless this CPU holds it already: a domain crash
 * (which re-hooks) can come from inside a locked section, e.g. a bounce
 * that fails while an emulated page-table write injects a fault.
 */
void ptwr_batch_rehook(struct domain *d)
{
    bool mine;

    if (!d->arch.ptwr_batch.l1)
        return;
    mine = spin_is_mine(&d->page_lock);
    if (!mine)
        spin_lock(&d->page_lock);
    ptwr_batch_rehook_locked(d);
    if (!mine)
        spin_unlock(&d->page_lock);
}

void ptwr_batch_rehook_locked(struct domain *d)
{
    struct ptwr_batch *b = &d->arch.ptwr_batch;
    pte_t *map_slot;

    if (!b->l1)
        return;
    map_slot = (pte_t *)mfn_to_virt(b->map_l1) + b->map_idx;
    /* Take the guest's write access away first: the table must be quiet while it is checked. */
    BUG_ON(pt_update_entry(&pv_mmu_env, d->id, d->id, b->map_l1, b->map_idx, *map_slot & ~PT_RW, false));
    write_cr3(read_cr3());
    if (pt_update_entry(&pv_mmu_env, d->id, d->id, b->l2, b->l2_idx, b->l2e, false)) {
        b->l1 = 0;
        domain_crash(d, "batched page-table writes left an entry that fails validation", NULL);
        return;
    }
    b->l1 = 0;
    d->arch.ptwr_rehooks++;
}
