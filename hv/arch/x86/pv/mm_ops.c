/*
 * The PV MMU hypercalls: mmu_update, update_va_mapping, mmuext_op. Every
 * entry a guest writes goes through the frame-type machine (hv/arch/x86/lib/pt_*.c,
 * bound in hv/arch/x86/mm/pv_mmu.c), which refuses any entry that would give
 * the domain a frame it does not own or a writable view of a page table.
 * Batches report how many requests were applied through `done`, as in Xen.
 */
#include <xen/xen.h>
#include <xen/errno.h>
#include <hv/console.h>
#include <hv/domain.h>
#include <hv/guest_access.h>
#include <hv/hypercall.h>
#include <asm/io.h>
#include <xl/string.h>
#include <asm/paging.h>
#include <asm/pv.h>
#include <asm/pv_mmu.h>
#include <asm/shadow.h>
#include <asm/descriptors.h>
#include <asm/flushtlb.h>

/*
 * A guest TLB flush is a hardware TLB flush on each CPU it names; in shadow
 * mode too, because the shadows follow every entry change eagerly
 * (asm/shadow.h). Global entries go as well: the guest's user pages are
 * global (they survive its own kernel/user switches), so a flush must not
 * leave them behind. The CPUs come from the vCPUs' dirty CPUs, so that
 * flush_tlb_others reaches those running elsewhere.
 */

/* The L1 table and index mapping `va` in the vCPU's kernel root; false if none. */
static bool find_l1(struct vcpu *v, uint64_t va, mfn_t *l1, unsigned int *idx)
{
    struct pt_walk w;

    if (!pt_walk(&pv_mmu_env, v->arch.guest_table, va, &w))
        return false;
    *l1 = w.table[1];
    *idx = w.index[1];
    return true;
}

/*
 * The CPUs whose TLBs may hold translations of the vCPUs named in a guest
 * bitmap `bmap` (Xen's vcpumask_to_pcpumask): one 64-bit word per 64 vCPUs,
 * read up to the domain's vCPU count; a bit past the last vCPU ends the walk.
 * -EFAULT (and no CPU) if a word cannot be read.
 */
static int vcpumask_to_cpumask(struct domain *d, XEN_GUEST_HANDLE_PARAM(const_void) bmap, cpumask_t *mask)
{
    *mask = 0;
    for (unsigned int base = 0; base < d->max_vcpus; base += 64) {
        uint64_t bits;

        if (copy_from_guest_offset(&bits, bmap, base / 64, 1)) {
            *mask = 0;
            return -XEN_EFAULT;
        }
        for (; bits; bits &= bits - 1) {
            unsigned int id = base + (unsigned int)__builtin_ctzll(bits);
            struct vcpu *v;
            unsigned int cpu;

            if (id >= d->max_vcpus)
                return 0;
            v = __atomic_load_n(&d->vcpu[id], __ATOMIC_ACQUIRE);
            if (!v)
                continue;
            cpu = __atomic_load_n(&v->dirty_cpu, __ATOMIC_RELAXED);
            if (cpu != NO_DIRTY_CPU)
                *mask |= cpu_bit(cpu);
        }
    }
    return 0;
}

/*
 * The flush update_va_mapping asks for after its entry changed, as Xen's:
 * the rest of flags is UVMF_LOCAL, UVMF_ALL (the domain's dirty CPUs) or a
 * pointer to a vCPU bitmap, read only now (a bad one: -EFAULT, the entry
 * stays changed). Without a flush type, at least `va` here (our own later
 * accesses must not see a stale entry).
 */
static long flush_after_update(struct vcpu *v, uint64_t flags, uint64_t va)
{
    struct domain *d = v->domain;
    uint64_t bmap = flags & ~(uint64_t)UVMF_FLUSHTYPE_MASK;
    cpumask_t mask = cpu_bit(this_cpu()->id);
    long rc = 0;

    switch (flags & UVMF_FLUSHTYPE_MASK) {
    case UVMF_TLB_FLUSH:
    case UVMF_INVLPG:
        if (bmap == UVMF_ALL)
            mask = d->dirty_cpumask;
        else if (bmap != UVMF_LOCAL)
            rc = vcpumask_to_cpumask(d, guest_handle_from_va(const_void, bmap), &mask);
        if ((flags & UVMF_FLUSHTYPE_MASK) == UVMF_TLB_FLUSH)
            flush_tlb_mask(mask);
        else
            flush_tlb_one_mask(mask, va);
        return rc;
    default:
        invlpg(va);
        return 0;
    }
}

/*
 * The domain an mmuext_op batch acts on (Xen's get_pg_owner, then its
 * permission check): DOMID_SELF, or for a privileged caller another live
 * domain. Naming one's own id, or a domain that does not exist, is -ESRCH
 * (before -EPERM, as in Xen).
 */
static struct domain *batch_domain(uint16_t domid, long *err)
{
    struct domain *self = current->domain;
    struct domain *d;

    *err = 0;
    if (domid == DOMID_SELF)
        return self;
    d = domid == self->id ? NULL : domain_lookup(domid);
    if (!d)
        *err = -XEN_ESRCH;
    else if (!domain_is_privileged(self))
        *err = -XEN_EPERM;
    return *err ? NULL : d;
}

/*
 * The owner of the frames an mmu_update or update_va_mapping_otherdomain
 * maps (Xen's get_pg_owner): DOMID_SELF is the caller; DOMID_IO and DOMID_XEN
 * the I/O and hypervisor owners (PT_PG_OWNER_*, `dom` NULL); any other id a
 * live domain other than the caller. Naming one's own id is -ESRCH, as in Xen.
 * A dying domain's frames count as given back: -EBUSY, Xen's answer for a
 * frame it no longer owns (Xen still maps one another domain holds; we map
 * nothing of a dying domain anew, and refuse before looking at the entry).
 */
struct pg_owner {
    uint16_t id;                    /* for the frame-type machine */
    struct domain *dom;             /* NULL for DOMID_IO and DOMID_XEN */
};

static int pg_owner_of(uint16_t domid, struct pg_owner *pg)
{
    struct domain *self = current->domain;

    pg->dom = NULL;
    if (domid == self->id)
        return -XEN_ESRCH;
    if (domid == DOMID_IO || domid == DOMID_XEN) {
        pg->id = domid == DOMID_IO ? PT_PG_OWNER_IO : PT_PG_OWNER_XEN;
        return 0;
    }
    pg->dom = domid == DOMID_SELF ? self : domain_lookup(domid);
    if (!pg->dom)
        return domain_lookup_any(domid) ? -XEN_EBUSY : -XEN_ESRCH;
    pg->id = pg->dom->id;
    return 0;
}

/*
 * Xen's mmu_update permission (XSM_TARGET): the caller acts on its own
 * tables and frames, on DOMID_IO's frames, or (privileged) on anyone's.
 */
static bool may_map_for(const struct domain *caller, const struct domain *pt_owner,
                        const struct pg_owner *pg)
{
    if (domain_is_privileged(caller))
        return true;
    return pt_owner == caller && (pg->dom == caller || pg->id == PT_PG_OWNER_IO);
}

static long update_va_mapping_for(struct vcpu *v, uint16_t pg_owner, uint64_t va, uint64_t val,
                                  uint64_t flags);

long do_update_va_mapping(uint64_t va, uint64_t val, uint64_t flags, uint64_t a4, uint64_t a5)
{
    return update_va_mapping_for(current, current->domain->id, va, val, flags);
}

/*
 * The caller's own mapping of `va`, naming the frame's owner as mmu_update's
 * foreign domain does (Xen: the caller's tables, never the other domain's).
 */
long do_update_va_mapping_otherdomain(uint64_t va, uint64_t val, uint64_t flags, uint64_t domid,
                                      uint64_t a5)
{
    struct vcpu *v = current;
    struct pg_owner pg;
    int rc = pg_owner_of((uint16_t)domid, &pg);

    if (rc)
        return rc;
    /* Xen asks permission for the frame's owner even for DOMID_IO here. */
    if (pg.dom != v->domain && !domain_is_privileged(v->domain))
        return -XEN_EPERM;
    return update_va_mapping_for(v, pg.id, va, val, flags);
}

static int update_va_locked(struct vcpu *v, uint16_t pg_owner, uint64_t va, uint64_t val,
                            uint64_t flags);

static long update_va_mapping_for(struct vcpu *v, uint16_t pg_owner, uint64_t va, uint64_t val,
                                  uint64_t flags)
{
    int rc;

    if (va >= HYPERVISOR_VIRT_START && va < HYPERVISOR_VIRT_END)
        return -XEN_EINVAL;
    spin_lock(&v->domain->page_lock);
    rc = update_va_locked(v, pg_owner, va, val, flags);
    spin_unlock(&v->domain->page_lock);
    return rc ? rc : flush_after_update(v, flags, va);
}

static int update_va_locked(struct vcpu *v, uint16_t pg_owner, uint64_t va, uint64_t val,
                            uint64_t flags)
{
    mfn_t l1;
    unsigned int idx;
    int rc;

    if (!find_l1(v, va, &l1, &idx))
        return -XEN_EINVAL;
    if ((mfn_to_page(l1)->type_info & PGT_type_mask) != PGT_l1_page_table)
        return -XEN_EINVAL;
    rc = pt_update_entry(&pv_mmu_env, v->domain->id, pg_owner, l1, idx, val, false);
    if (rc)
        return rc;
    v->domain->arch.paging->entry_changed(v->domain, l1, idx);
    return 0;
}

/* One mmu_update batch: whose tables, whose frames, and what was already allowed. */
struct mmu_batch {
    struct domain *caller, *pt_owner;
    struct pg_owner pg;
    bool permitted;                 /* the permission check passed (Xen checks once) */
};

static long mmu_update_one(struct mmu_batch *b, const struct mmu_update *req)
{
    unsigned int cmd = req->ptr & 7;          /* an entry's low 3 address bits carry the command */
    mfn_t mfn = req->ptr >> PAGE_SHIFT;
    struct domain *d = b->pt_owner;

    switch (cmd) {
    case MMU_NORMAL_PT_UPDATE:
    case MMU_PT_UPDATE_NO_TRANSLATE:            /* for a PV domain, a normal update */
    case MMU_PT_UPDATE_PRESERVE_AD:
    {
        unsigned int idx = (req->ptr & (PAGE_SIZE - 1)) >> 3;
        int rc;

        if (!b->permitted && !may_map_for(b->caller, d, &b->pg))
            return -XEN_EPERM;
        b->permitted = true;
        rc = pt_update_entry(&pv_mmu_env, d->id, b->pg.id, mfn, idx, req->val,
                             cmd == MMU_PT_UPDATE_PRESERVE_AD);
        if (!rc)
            d->arch.paging->entry_changed(d, mfn, idx);
        return rc;
    }
    case MMU_MACHPHYS_UPDATE:
        /*
         * M2P entries of the named owner's frames, from the caller's own
         * batch only. Xenolith: frames of DOMID_IO or DOMID_XEN are -EINVAL
         * (no guest gives them a pseudo-physical address).
         */
        if (d != b->caller || !may_map_for(b->caller, b->caller, &b->pg))
            return -XEN_EPERM;
        if (!mfn_valid(mfn) || !b->pg.dom || mfn_to_page(mfn)->owner != b->pg.id)
            return -XEN_EINVAL;
        m2p_set(mfn, req->val);
        return 0;
    default:
        return -XEN_ENOSYS;
    }
}

#define MMU_UPDATE_PREEMPTED 0x80000000u     /* Xen's mark on a continued batch's count */

/* A continued batch: the count carries the mark, and what was done so far is in *pdone. */
static unsigned int resume_done(uint64_t *count, XEN_GUEST_HANDLE_PARAM(uint) pdone)
{
    unsigned int done = 0;

    if (*count & MMU_UPDATE_PREEMPTED) {
        *count &= ~(uint64_t)MMU_UPDATE_PREEMPTED;
        if (!guest_handle_is_null(pdone))
            (void)copy_from_guest(&done, pdone, 1);
    }
    return done;
}

/*
 * The owners a batch names (Xen's foreigndom): the low 16 bits name the
 * owner of the frames new L1 entries map (DOMID_SELF, DOMID_IO, DOMID_XEN or
 * another domain); the high 16 bits, when not 0, name the owner of the
 * tables plus one (Xen's "PFD" form), which needs a vCPU. -ESRCH for a
 * domain that does not exist, -EINVAL for tables of a domain without vCPUs.
 */
static long mmu_batch_owners(uint32_t foreigndom, struct mmu_batch *b)
{
    uint16_t pt_dom = foreigndom >> 16;

    b->caller = b->pt_owner = current->domain;
    b->permitted = false;
    if (pt_dom) {
        b->pt_owner = domain_lookup(pt_dom - 1);
        if (!b->pt_owner)
            return -XEN_ESRCH;
        if (b->pt_owner != b->caller && !b->pt_owner->vcpu[0])
            return -XEN_EINVAL;
    }
    return pg_owner_of((uint16_t)foreigndom, &b->pg);
}

long do_mmu_update(XEN_GUEST_HANDLE_PARAM(mmu_update_t) reqs, uint64_t count,
                   XEN_GUEST_HANDLE_PARAM(uint) pdone, uint64_t domid)
{
    unsigned int done = 0, base;
    struct mmu_batch b;
    long rc;

    count = (uint32_t)count;
    base = resume_done(&count, pdone);
    /* Xen's guest_handle_okay: where the list starts, even for no request (the rest faults later). */
    if (!guest_addr_ok(reqs.addr))
        return -XEN_EFAULT;
    if ((rc = mmu_batch_owners((uint32_t)domid, &b)))
        return rc;
    /*
     * One hold of the table owner's page lock for the batch (dropped at a
     * preemption point). Reading a request may fault into the page-fault
     * paths, which see the lock is this CPU's own.
     */
    spin_lock(&b.pt_owner->page_lock);
    for (; done < count; done++) {
        struct mmu_update req;
        if (done && hypercall_preempt_check()) {
            spin_unlock(&b.pt_owner->page_lock);
            done += base;
            if (!guest_handle_is_null(pdone))
                (void)copy_to_guest(pdone, &done, 1);
            done -= base;
            return hypercall_continue(reqs.addr, (count - done) | MMU_UPDATE_PREEMPTED,
                                      pdone.addr, domid, 0);
        }
        if (copy_from_guest(&req, reqs, 1)) {
            rc = -XEN_EFAULT;
            break;
        }
        rc = mmu_update_one(&b, &req);
        if (rc)
            break;
        guest_handle_add_offset(reqs, 1);
    }
    /*
     * No TLB flush here, as on Xen: the guest flushes when it needs to. Frames
     * that lose their last reference are flushed before they can change owner
     * (domain_release_frame) and before they change type (pv_mmu env).
     */
    spin_unlock(&b.pt_owner->page_lock);
    done += base;
    if (!guest_handle_is_null(pdone))
        (void)copy_to_guest(pdone, &done, 1);   /* like Xen: an unwritable count is ignored */
    return rc;
}

/* A frame the domain owns that can take the writable type: not a table or descriptor page. d->page_lock held. */
static long with_writable_frame(struct domain *d, mfn_t mfn, void (*fn)(mfn_t, mfn_t), mfn_t src)
{
    int rc = pv_get_writable_frame(d, mfn);
    if (rc)
        return -XEN_EINVAL;
    fn(mfn, src);
    pv_put_writable_frame(mfn);
    return 0;
}

static void clear_frame(mfn_t dst, mfn_t unused)
{
    memset(mfn_to_virt(dst), 0, PAGE_SIZE);
}

static void copy_frame(mfn_t dst, mfn_t src)
{
    memcpy(mfn_to_virt(dst), mfn_to_virt(src), PAGE_SIZE);
}

long pv_new_baseptr(struct vcpu *v, uint64_t mfn)
{
    struct domain *d = v->domain;

    if (!mfn || pv_set_root(v, false, mfn))
        return -XEN_EINVAL;
    d->arch.paging->flush(d);                        /* a CR3 load flushes the TLB */
    vcpu_load_cr3(v);
    flush_tlb_global();                         /* the old process's global user pages too */
    return 0;
}

/*
 * The mmuext flushes, as Xen's: only of the caller's own domain (-EPERM);
 * LOCAL this CPU, ALL every CPU the domain may have translations on, MULTI
 * those of the vCPUs named in the bitmap at arg2 (unreadable: -EINVAL); a
 * page outside guest space is no page to flush.
 */
static long guest_flush(struct vcpu *v, struct domain *d, const struct mmuext_op *op)
{
    bool page = op->cmd == MMUEXT_INVLPG_LOCAL || op->cmd == MMUEXT_INVLPG_MULTI ||
                op->cmd == MMUEXT_INVLPG_ALL;
    cpumask_t mask = cpu_bit(this_cpu()->id);

    if (d != v->domain)
        return -XEN_EPERM;
    if (op->cmd == MMUEXT_TLB_FLUSH_ALL || op->cmd == MMUEXT_INVLPG_ALL)
        mask = d->dirty_cpumask;
    else if ((op->cmd == MMUEXT_TLB_FLUSH_MULTI || op->cmd == MMUEXT_INVLPG_MULTI) &&
             vcpumask_to_cpumask(d, op->arg2.vcpumask, &mask))
        return -XEN_EINVAL;
    if (!page)
        flush_tlb_mask(mask);
    else if (guest_addr_ok(op->arg1.linear_addr))
        flush_tlb_one_mask(mask, op->arg1.linear_addr);
    return 0;
}

static long mmuext_one(struct vcpu *v, struct domain *d, const struct mmuext_op *op)
{
    switch (op->cmd) {
    case MMUEXT_PIN_L1_TABLE:
    case MMUEXT_PIN_L2_TABLE:
    case MMUEXT_PIN_L3_TABLE:
    case MMUEXT_PIN_L4_TABLE:
        return pt_pin(&pv_mmu_env, d->id, op->arg1.mfn, op->cmd - MMUEXT_PIN_L1_TABLE + 1);
    case MMUEXT_UNPIN_TABLE: {
        long rc = pt_unpin(&pv_mmu_env, d->id, op->arg1.mfn);
        if (!rc)
            d->arch.paging->flush(d);                /* its entries may be gone now */
        return rc;
    }
    case MMUEXT_NEW_BASEPTR:
        if (d != v->domain)
            return -XEN_EINVAL;
        return pv_new_baseptr(v, op->arg1.mfn);
    case MMUEXT_NEW_USER_BASEPTR:
        if (d != v->domain)
            return -XEN_EINVAL;
        if (pv_set_root(v, true, op->arg1.mfn))
            return -XEN_EINVAL;
        flush_tlb_global();
        return 0;
    case MMUEXT_TLB_FLUSH_LOCAL:
    case MMUEXT_TLB_FLUSH_MULTI:
    case MMUEXT_TLB_FLUSH_ALL:
    case MMUEXT_INVLPG_LOCAL:
    case MMUEXT_INVLPG_MULTI:
    case MMUEXT_INVLPG_ALL:
        return guest_flush(v, d, op);
    case MMUEXT_FLUSH_CACHE:
    case MMUEXT_FLUSH_CACHE_GLOBAL:
        return domain_is_privileged(d) ? 0 : -XEN_EPERM;  /* nothing to write back under our caches */
    case MMUEXT_SET_LDT:
        if (d != v->domain)
            return -XEN_EPERM;
        return ldt_set(v, op->arg2.nr_ents ? op->arg1.linear_addr : 0, op->arg2.nr_ents);
    case MMUEXT_CLEAR_PAGE:
        return with_writable_frame(d, op->arg1.mfn, clear_frame, 0);
    case MMUEXT_COPY_PAGE: {
        mfn_t src = op->arg2.src_mfn;
        if (pt_get_page(&pv_mmu_env, src, d->id))
            return -XEN_EINVAL;
        long rc = with_writable_frame(d, op->arg1.mfn, copy_frame, src);
        pt_put_page(&pv_mmu_env, src);
        return rc;
    }
    default:
        return -XEN_ENOSYS;
    }
}

long do_mmuext_op(XEN_GUEST_HANDLE_PARAM(mmuext_op_t) ops, uint64_t count,
                  XEN_GUEST_HANDLE_PARAM(uint) pdone, uint64_t domid)
{
    struct vcpu *v = current;
    unsigned int done = 0, base;
    long rc = 0;
    struct domain *d = batch_domain((uint16_t)domid, &rc);

    if (!d)
        return rc;
    count = (uint32_t)count;
    base = resume_done(&count, pdone);
    spin_lock(&d->page_lock);                   /* for the batch, as in do_mmu_update */
    for (; done < count; done++) {
        struct mmuext_op op;
        if (done && hypercall_preempt_check()) {
            spin_unlock(&d->page_lock);
            done += base;
            if (!guest_handle_is_null(pdone))
                (void)copy_to_guest(pdone, &done, 1);
            done -= base;
            return hypercall_continue(ops.addr, (count - done) | MMU_UPDATE_PREEMPTED,
                                      pdone.addr, domid, 0);
        }
        if (copy_from_guest(&op, ops, 1)) {
            rc = -XEN_EFAULT;
            break;
        }
        rc = mmuext_one(v, d, &op);
        if (rc)
            break;
        guest_handle_add_offset(ops, 1);
    }
    spin_unlock(&d->page_lock);
    done += base;
    if (!guest_handle_is_null(pdone))
        (void)copy_to_guest(pdone, &done, 1);   /* like Xen: an unwritable count is ignored */
    return rc;
}
