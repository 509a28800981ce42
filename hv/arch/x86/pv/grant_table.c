/*
 * The grant table's host mappings for PV domains (the arch hooks of
 * hv/grant_table.h, as Xen's create_grant_host_mapping and
 * replace_grant_host_mapping): a grant PTE in one of the caller's L1 tables,
 * found by virtual address through the one walker (pt_walk) or named by its
 * machine address (GNTMAP_contains_pte), and written by the frame-type
 * machine's compare-exchange path (pt_grant_map / pt_grant_unmap /
 * pt_take_entry in hv/arch/x86/lib/pt_update.c). The references of the granted frame
 * are the grant table's (its map-track); those of an entry a grant PTE
 * replaces are dropped, those of a moved entry move with it.
 */
#include <xen/xen.h>
#include <xen/grant_table.h>
#include <hv/domain.h>
#include <hv/grant_table.h>
#include <asm/flushtlb.h>
#include <asm/io.h>
#include <asm/paging.h>
#include <asm/pv.h>
#include <asm/pv_mmu.h>

/* The L1 slot `addr` names: a virtual address of the vCPU's, or a PTE's machine address. */
static bool l1_slot(struct vcpu *v, uint64_t addr, bool pte_addr, mfn_t *l1, unsigned int *idx)
{
    if (pte_addr) {
        *l1 = addr >> PAGE_SHIFT;
        *idx = (addr & (PAGE_SIZE - 1)) >> 3;
        return !(addr & 7);                 /* an unaligned one would straddle two entries */
    }
    if (addr >= HYPERVISOR_VIRT_START && addr < HYPERVISOR_VIRT_END)
        return false;
    *l1 = pv_guest_l1_of(v, addr, idx);
    return *l1 != INVALID_MFN;
}

static void host_flush(struct domain *d, mfn_t l1, unsigned int idx, uint64_t addr, bool pte_addr)
{
    d->arch.paging->entry_changed(d, l1, idx);
    if (pte_addr)
        flush_tlb_mask(d->dirty_cpumask);
    else
        flush_tlb_one_mask(d->dirty_cpumask, addr);
}

int create_grant_host_mapping(struct vcpu *v, uint64_t addr, mfn_t frame, uint32_t flags)
{
    bool pte_addr = flags & GNTMAP_contains_pte;
    pte_t e = make_pte(frame, PT_PRESENT | PT_USER | PT_ACCESSED | PT_DIRTY | PT_NX | PT_GNTTAB |
                              ((flags & GNTMAP_readonly) ? 0 : PT_RW)) |
              ((uint64_t)(flags >> _GNTMAP_guest_avail0) << 9 & PT_AVAIL);
    unsigned int idx;
    mfn_t l1;

    if (!l1_slot(v, addr, pte_addr, &l1, &idx) ||
        pt_grant_map(&pv_mmu_env, v->domain->id, l1, idx, e))
        return GNTST_general_error;
    host_flush(v->domain, l1, idx, addr, pte_addr);
    return GNTST_okay;
}

int replace_grant_host_mapping(struct vcpu *v, uint64_t addr, uint64_t mapped_at, mfn_t frame,
                               uint64_t new_addr, uint32_t flags)
{
    struct domain *d = v->domain;
    bool pte_addr = flags & GNTMAP_contains_pte;
    uint64_t stolen = 0;
    unsigned int idx, nidx;
    mfn_t l1, nl1 = 0;

    if (new_addr) {
        /* Replacing works on virtual addresses only; a grant mapping cannot be moved. */
        if (pte_addr || !l1_slot(v, new_addr, false, &nl1, &nidx) ||
            pt_take_entry(&pv_mmu_env, d->id, nl1, nidx, &stolen))
            return GNTST_general_error;
        host_flush(d, nl1, nidx, new_addr, false);
    }
    /* Xenolith: only the PTE the map wrote, where its map-track says (not any PTE of the frame). */
    if (addr != mapped_at || !l1_slot(v, addr, pte_addr, &l1, &idx) ||
        pt_grant_unmap(&pv_mmu_env, d->id, l1, idx, frame, stolen)) {
        if (new_addr)
            pt_entry_put_refs(&pv_mmu_env, 1, nl1, stolen);    /* taken all the same, as Xen */
        return GNTST_general_error;
    }
    host_flush(d, l1, idx, addr, pte_addr);
    return GNTST_okay;
}
