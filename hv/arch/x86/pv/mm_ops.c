/*
 * The PV MMU operations available so far: update_va_mapping (one validated
 * L1 entry in the current address space) and the mmuext_op flushes and
 * user root. Full type/reference tracking, pinning and mmu_update are the PV
 * MMU work (issue 4); until then a guest may only map frames it owns, never
 * a page-table frame writable, and may not touch the hypervisor's range.
 */
#include <xen/xen.h>
#include <xen/errno.h>
#include <hv/console.h>
#include <hv/domain.h>
#include <hv/guest_access.h>
#include <hv/hypercall.h>
#include <hv/io.h>
#include <hv/lib.h>
#include <hv/paging.h>
#include <hv/pv.h>

static void flush_tlb_local(void)
{
    write_cr3(read_cr3());
}

/* The L1 entry mapping `va` in the current root, or NULL if no L1 is there. */
static pte_t *guest_l1e(struct vcpu *v, uint64_t va)
{
    pte_t *t = mfn_to_virt(v->guest_table);
    unsigned int idx[3] = { l4_index(va), l3_index(va), l2_index(va) };

    for (int i = 0; i < 3; i++) {
        pte_t e = t[idx[i]];
        if (!(e & _PAGE_PRESENT) || (e & _PAGE_PSE) || !mfn_valid(pte_mfn(e)) ||
            mfn_to_page(pte_mfn(e))->owner != v->domain->id)
            return NULL;
        t = mfn_to_virt(pte_mfn(e));
    }
    return &t[l1_index(va)];
}

/* Check a new L1 entry against what the domain may map. 0, -EINVAL or -EBUSY. */
static int check_l1e(struct domain *d, pte_t e, const char **why)
{
    mfn_t mfn = pte_mfn(e);
    const struct page_info *pg;

    if (!(e & _PAGE_PRESENT))
        return 0;
    if (!mfn_valid(mfn)) {
        *why = "frame out of range";
        return -XEN_EINVAL;
    }
    pg = mfn_to_page(mfn);
    if (pg->owner != d->id) {
        *why = "frame owned by another domain or the hypervisor";
        return -XEN_EINVAL;
    }
    if ((e & _PAGE_RW) && (pg->type_info & PGT_type_mask) >= PGT_l1_page_table &&
        (pg->type_info & PGT_type_mask) <= PGT_seg_desc_page && (pg->type_info & PGT_count_mask)) {
        *why = "writable mapping of a page table or descriptor page";
        return -XEN_EBUSY;                      /* the frame's type is in use, as Xen answers */
    }
    return 0;
}

/* Walk one guest address space looking for a writable leaf mapping of `mfn`. */
static bool tree_maps_writable(const struct domain *d, mfn_t root, mfn_t mfn)
{
    const pte_t *l4 = mfn_to_virt(root);

    for (unsigned int i4 = 0; i4 < 512; i4++) {
        if (i4 >= HV_SLOT_FIRST && i4 <= HV_SLOT_LAST)
            continue;
        pte_t e4 = l4[i4];
        if (!(e4 & _PAGE_PRESENT) || !(e4 & _PAGE_RW) || !mfn_valid(pte_mfn(e4)))
            continue;
        const pte_t *l3 = mfn_to_virt(pte_mfn(e4));
        for (unsigned int i3 = 0; i3 < 512; i3++) {
            pte_t e3 = l3[i3];
            if (!(e3 & _PAGE_PRESENT) || !(e3 & _PAGE_RW) || (e3 & _PAGE_PSE) || !mfn_valid(pte_mfn(e3)))
                continue;
            const pte_t *l2 = mfn_to_virt(pte_mfn(e3));
            for (unsigned int i2 = 0; i2 < 512; i2++) {
                pte_t e2 = l2[i2];
                if (!(e2 & _PAGE_PRESENT) || !(e2 & _PAGE_RW) || (e2 & _PAGE_PSE) ||
                    !mfn_valid(pte_mfn(e2)))
                    continue;
                const pte_t *l1 = mfn_to_virt(pte_mfn(e2));
                for (unsigned int i1 = 0; i1 < 512; i1++)
                    if ((l1[i1] & (_PAGE_PRESENT | _PAGE_RW)) == (_PAGE_PRESENT | _PAGE_RW) &&
                        pte_mfn(l1[i1]) == mfn)
                        return true;
            }
        }
    }
    (void)d;
    return false;
}

bool pv_frame_mapped_writable(struct vcpu *v, uint64_t mfn)
{
    return tree_maps_writable(v->domain, v->guest_table, mfn) ||
           (v->guest_table_user && tree_maps_writable(v->domain, v->guest_table_user, mfn));
}

long do_update_va_mapping(uint64_t va, uint64_t val, uint64_t flags, uint64_t a4, uint64_t a5)
{
    struct vcpu *v = current;
    const char *why = "";
    pte_t *l1e;
    int rc;

    if (va >= HYPERVISOR_VIRT_START && va < HYPERVISOR_VIRT_END)
        return -XEN_EINVAL;
    l1e = guest_l1e(v, va);
    if (!l1e)
        return -XEN_EINVAL;
    rc = check_l1e(v->domain, val, &why);
    if (rc) {
        log_debug("d%u update_va_mapping(%#lx, %#lx) refused: %s", v->domain->id, va, val, why);
        return rc;
    }
    if (val & _PAGE_PRESENT)
        val |= _PAGE_USER;                      /* guest kernel runs in ring 3 */
    *l1e = val;
    switch (flags & UVMF_FLUSHTYPE_MASK) {
    case UVMF_INVLPG:
        invlpg(va);
        break;
    case UVMF_TLB_FLUSH:
        flush_tlb_local();
        break;
    default:
        /* UVMF_NONE: the guest flushes later; our own later use must not see a stale entry. */
        invlpg(va);
        break;
    }
    return 0;
}

/*
 * One mmu_update request. L1 entries are validated like update_va_mapping;
 * entries of higher-level tables need the full type system (issue 4) and are
 * refused with -EINVAL until then.
 */
static long mmu_update_one(struct vcpu *v, const struct mmu_update *req)
{
    struct domain *d = v->domain;
    unsigned int cmd = req->ptr & 3;
    mfn_t mfn = req->ptr >> PAGE_SHIFT;
    const char *why = "";
    const struct page_info *pg;
    pte_t *slot, val = req->val;

    if (!mfn_valid(mfn) || mfn_to_page(mfn)->owner != d->id)
        return -XEN_EINVAL;
    pg = mfn_to_page(mfn);
    switch (cmd) {
    case MMU_MACHPHYS_UPDATE:
        m2p_set(mfn, req->val);
        return 0;
    case MMU_NORMAL_PT_UPDATE:
    case MMU_PT_UPDATE_PRESERVE_AD:
        if ((pg->type_info & PGT_type_mask) != PGT_l1_page_table || !(pg->type_info & PGT_count_mask))
            return -XEN_EINVAL;
        if (check_l1e(d, val, &why)) {
            log_debug("d%u mmu_update(%#lx, %#lx) refused: %s", d->id, req->ptr, val, why);
            return -XEN_EINVAL;
        }
        slot = (pte_t *)((uint8_t *)mfn_to_virt(mfn) + (req->ptr & (PAGE_SIZE - 8)));
        if (val & _PAGE_PRESENT)
            val |= _PAGE_USER;
        if (cmd == MMU_PT_UPDATE_PRESERVE_AD)
            val |= *slot & (_PAGE_ACCESSED | _PAGE_DIRTY);
        *slot = val;
        flush_tlb_local();
        return 0;
    default:
        return -XEN_ENOSYS;
    }
}

long do_mmu_update(uint64_t reqs, uint64_t count, uint64_t pdone, uint64_t domid, uint64_t a5)
{
    struct vcpu *v = current;
    unsigned int done = 0;
    long rc = 0;

    if (domid != DOMID_SELF && domid != v->domain->id)
        return -XEN_ESRCH;
    count = (uint32_t)count;
    for (; done < count; done++) {
        struct mmu_update req;
        if (copy_from_guest(&req, reqs + done * sizeof(req), sizeof(req))) {
            rc = -XEN_EFAULT;
            break;
        }
        rc = mmu_update_one(v, &req);
        if (rc)
            break;
    }
    if (pdone && copy_to_guest(pdone, &done, sizeof(done)))
        return -XEN_EFAULT;
    return rc;
}

/* A frame the domain owns that is not a page table: it may be zeroed or copied. */
static bool plain_frame(const struct domain *d, mfn_t mfn)
{
    return mfn_valid(mfn) && mfn_to_page(mfn)->owner == d->id &&
           ((mfn_to_page(mfn)->type_info & PGT_type_mask) == PGT_none ||
            !(mfn_to_page(mfn)->type_info & PGT_count_mask));
}

static long mmuext_one(struct vcpu *v, const struct mmuext_op *op)
{
    switch (op->cmd) {
    case MMUEXT_TLB_FLUSH_LOCAL:
    case MMUEXT_TLB_FLUSH_MULTI:
    case MMUEXT_TLB_FLUSH_ALL:
        flush_tlb_local();
        return 0;
    case MMUEXT_INVLPG_LOCAL:
    case MMUEXT_INVLPG_MULTI:
    case MMUEXT_INVLPG_ALL:
        invlpg(op->arg1.linear_addr);
        return 0;
    case MMUEXT_NEW_USER_BASEPTR: {
        mfn_t mfn = op->arg1.mfn;
        if (mfn == 0) {
            v->guest_table_user = 0;
            return 0;
        }
        if (!mfn_valid(mfn) || mfn_to_page(mfn)->owner != v->domain->id ||
            (mfn_to_page(mfn)->type_info & PGT_type_mask) != PGT_l4_page_table)
            return -XEN_EINVAL;
        v->guest_table_user = mfn;
        return 0;
    }
    case MMUEXT_CLEAR_PAGE:
        if (!plain_frame(v->domain, op->arg1.mfn))
            return -XEN_EINVAL;
        memset(mfn_to_virt(op->arg1.mfn), 0, PAGE_SIZE);
        return 0;
    case MMUEXT_COPY_PAGE:
        if (!plain_frame(v->domain, op->arg1.mfn) || !mfn_valid(op->arg2.src_mfn) ||
            mfn_to_page(op->arg2.src_mfn)->owner != v->domain->id)
            return -XEN_EINVAL;
        memcpy(mfn_to_virt(op->arg1.mfn), mfn_to_virt(op->arg2.src_mfn), PAGE_SIZE);
        return 0;
    default:
        return -XEN_ENOSYS;
    }
}

long do_mmuext_op(uint64_t ops, uint64_t count, uint64_t pdone, uint64_t domid, uint64_t a5)
{
    struct vcpu *v = current;
    unsigned int done = 0;
    long rc = 0;

    if (domid != DOMID_SELF && domid != v->domain->id)
        return -XEN_ESRCH;
    count = (uint32_t)count;
    for (; done < count; done++) {
        struct mmuext_op op;
        if (copy_from_guest(&op, ops + done * sizeof(op), sizeof(op))) {
            rc = -XEN_EFAULT;
            break;
        }
        rc = mmuext_one(v, &op);
        if (rc)
            break;
    }
    if (pdone && copy_to_guest(pdone, &done, sizeof(done)))
        return -XEN_EFAULT;
    return rc;
}
