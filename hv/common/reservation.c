/*
 * XENMEM_increase_reservation, decrease_reservation and populate_physmap: a
 * PV domain hands frames back and asks for new ones (the balloon). Given-back
 * frames leave the domain only when the last reference to them is gone (a
 * mapping, a pin); until then they still count in its reservation. Extents
 * are single pages (order 0); the return value is the number done, as Xen.
 * Each batch of new frames is an allocation to the domain
 * (domain_alloc_begin): none for a dying one.
 */
#include <xen/xen.h>
#include <xen/errno.h>
#include <xen/memory.h>
#include <asm/flushtlb.h>
#include <hv/console.h>
#include <hv/domain.h>
#include <hv/guest_access.h>
#include <hv/hypercall.h>
#include <asm/io.h>
#include <asm/paging.h>
#include <asm/pt_types.h>
#include <asm/pv_mmu.h>
#include <hv/reservation.h>

/*
 * A released frame lost its last reference (the frame-type machine's
 * last_ref hook, or its releaser found it unreferenced): it leaves its owner.
 * Any CPU, under whatever locks the dropping path holds (a foreign mapper's
 * page lock, both grant tables): the owner's counters change atomically, and
 * an owner being destroyed is kept alive by the frames it awaits.
 */
void domain_release_frame(mfn_t mfn)
{
    struct page_info *pg = mfn_to_page(mfn);
    struct domain *d = domain_lookup_any(pg->owner);
    bool awaited = __atomic_load_n(&pg->count_info, __ATOMIC_ACQUIRE) & PGC_awaited;

    if (d)
        __atomic_fetch_sub(&d->tot_pages, 1, __ATOMIC_RELAXED);
    m2p_set(mfn, ~0UL);
    /* A stale translation of the frame must not outlive its ownership: the CPUs the owner ran on. */
    flush_tlb_mask(d ? d->dirty_cpumask : cpu_online_mask);
    free_frame(mfn);
    if (d && awaited)
        domain_frame_gone(d);                   /* its destruction counted it */
}

static struct domain *target(domid_t id)
{
    if (id == DOMID_SELF || id == current->domain->id)
        return current->domain;
    if (!domain_is_privileged(current->domain))
        return NULL;
    return domain_lookup(id);
}

/* Every 64 extents, let pending work run: continue at extent i (Xen's start-extent encoding). */
#define PREEMPT_AT(i, start) ((i) > (start) && !((i) & 63) && hypercall_preempt_check())

static long give_back(struct domain *d, const struct xen_memory_reservation *r, uint64_t start,
                      unsigned int cmd, XEN_GUEST_HANDLE_PARAM(void) arg)
{
    for (uint64_t i = start; i < r->nr_extents; i++) {
        if (PREEMPT_AT(i, start))
            return hypercall_continue(cmd | (i << 6), arg.addr, 0, 0, 0);
        xen_pfn_t mfn;
        struct page_info *pg;
        if (copy_from_guest_offset(&mfn, r->extent_start, i, 1))
            return i ? (long)i : -XEN_EFAULT;
        if (!mfn_valid(mfn))
            return (long)i;
        pg = mfn_to_page(mfn);
        spin_lock(&d->page_lock);
        if (pg->owner != d->id || (pg->flags & PGF_SHARED_INFO)) {
            spin_unlock(&d->page_lock);
            return (long)i;
        }
        switch (pt_release_frame(&pv_mmu_env, mfn, false)) {
        case PT_RELEASE_NOW:
            domain_release_frame(mfn);
            break;
        case PT_RELEASE_LATER:                  /* freed with its last reference (last_ref) */
            break;
        case PT_RELEASE_BUSY:                   /* given back before */
            spin_unlock(&d->page_lock);
            return (long)i;
        }
        spin_unlock(&d->page_lock);
    }
    return (long)r->nr_extents;
}

/*
 * Extent i alone: true when done; else *ret is the answer (the extents done
 * before it, or -EFAULT for a fault at the first).
 */
static bool take_one(struct domain *d, const struct xen_memory_reservation *r, uint64_t i,
                     bool populate, long *ret)
{
    xen_pfn_t gpfn = 0, mfn;

    *ret = (long)i;
    if (populate && copy_from_guest_offset(&gpfn, r->extent_start, i, 1)) {
        if (!i)
            *ret = -XEN_EFAULT;
        return false;
    }
    if (!domain_alloc_begin(d))                 /* dying: nothing more (Xen's nr_done) */
        return false;
    spin_lock(&d->page_lock);
    mfn = d->tot_pages >= d->max_pages ? INVALID_MFN : alloc_frame(d->id);
    if (mfn != INVALID_MFN)
        __atomic_fetch_add(&d->tot_pages, 1, __ATOMIC_RELAXED);    /* released ones go from any CPU */
    spin_unlock(&d->page_lock);
    if (mfn == INVALID_MFN) {
        domain_alloc_end(d);
        return false;
    }
    domain_alloc_hold(d, &mfn, 1);
    if (copy_to_guest_offset(r->extent_start, i, &mfn, 1)) {
        spin_lock(&d->page_lock);
        __atomic_fetch_sub(&d->tot_pages, 1, __ATOMIC_RELAXED);
        free_frame(mfn);
        spin_unlock(&d->page_lock);
        domain_alloc_end(d);
        if (!i)
            *ret = -XEN_EFAULT;
        return false;
    }
    m2p_set(mfn, populate ? gpfn : ~0UL);
    domain_alloc_end(d);
    return true;
}

/*
 * Extents [i, i + n) (n <= FRAME_BATCH_MAX) with one copy each way and one
 * hold of each lock, as take_one would do them one by one: the number done,
 * or -1 when the guest's list faulted (then nothing is taken and the caller
 * goes extent by extent, which finds where).
 */
static long take_batch(struct domain *d, const struct xen_memory_reservation *r, uint64_t i,
                       unsigned long n, bool populate)
{
    xen_pfn_t gpfn[FRAME_BATCH_MAX], mfn[FRAME_BATCH_MAX];
    unsigned long got = 0, tot;

    if (populate && copy_from_guest_offset(gpfn, r->extent_start, i, n))
        return -1;
    if (!domain_alloc_begin(d))                 /* dying: nothing more (Xen's nr_done) */
        return 0;
    spin_lock(&d->page_lock);
    tot = __atomic_load_n(&d->tot_pages, __ATOMIC_RELAXED);   /* released ones go from any CPU */
    if (tot < d->max_pages)
        got = alloc_frame_batch(d->id, n < d->max_pages - tot ? n : d->max_pages - tot, mfn);
    __atomic_fetch_add(&d->tot_pages, got, __ATOMIC_RELAXED);
    spin_unlock(&d->page_lock);
    domain_alloc_hold(d, mfn, got);
    if (got && copy_to_guest_offset(r->extent_start, i, mfn, got)) {
        spin_lock(&d->page_lock);
        __atomic_fetch_sub(&d->tot_pages, got, __ATOMIC_RELAXED);
        free_frame_list(mfn, got);
        spin_unlock(&d->page_lock);
        domain_alloc_end(d);
        return -1;
    }
    m2p_set_list(mfn, populate ? gpfn : NULL, got);
    domain_alloc_end(d);
    return (long)got;
}

static long take_new(struct domain *d, const struct xen_memory_reservation *r, uint64_t start,
                     unsigned int cmd, XEN_GUEST_HANDLE_PARAM(void) arg)
{
    bool populate = cmd == XENMEM_populate_physmap;
    long ret;

    for (uint64_t i = start; i < r->nr_extents;) {
        if (PREEMPT_AT(i, start))
            return hypercall_continue(cmd | (i << 6), arg.addr, 0, 0, 0);
        /* Up to the next multiple of 64, where the preemption check comes again. */
        unsigned long n = FRAME_BATCH_MAX - (i % FRAME_BATCH_MAX);
        long done;

        _Static_assert(FRAME_BATCH_MAX == 64, "a batch ends where PREEMPT_AT looks again");
        if (n > r->nr_extents - i)
            n = (unsigned long)(r->nr_extents - i);
        done = take_batch(d, r, i, n, populate);
        if (done >= 0) {
            i += (uint64_t)done;
            if ((unsigned long)done < n)
                return (long)i;         /* the limit or memory reached at extent i */
            continue;
        }
        for (uint64_t end = i + n; i < end; i++)
            if (!take_one(d, r, i, populate, &ret))
                return ret;
    }
    return (long)r->nr_extents;
}

long memory_reservation_op(unsigned int cmd, uint64_t start, XEN_GUEST_HANDLE_PARAM(void) arg)
{
    struct xen_memory_reservation r;
    struct domain *d;

    if (copy_from_guest(&r, arg, 1))
        return -XEN_EFAULT;
    if (r.extent_order != 0)
        return 0;                               /* only single pages: none done */
    /* Like Xen: no such domain, or another's without privilege: nothing done (the start). */
    if (!(d = target(r.domid)))
        return (long)start;
    /* The start extent of a continuation lives in bits 6-31 of cmd: 2^26 extents at most. */
    if (r.nr_extents > (1UL << 26))
        return -XEN_EINVAL;
    if (!guest_handle_okay(r.extent_start, r.nr_extents))
        return -XEN_EFAULT;
    if (start > r.nr_extents)
        return -XEN_EINVAL;
    if (cmd == XENMEM_decrease_reservation)
        return give_back(d, &r, start, cmd, arg);
    return take_new(d, &r, start, cmd, arg);
}
