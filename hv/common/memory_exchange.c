/*
 * XENMEM_exchange: a PV domain trades some of its frames for new ones of
 * another order and below an address limit (Linux's swiotlb and
 * xen_create_contiguous_region: 512 single frames for one 2 MiB extent
 * below 4 GiB). Xen 4.17's semantics:
 *
 *  - the work goes in chunks of 2^max(in, out order) frames; a chunk is
 *    all or nothing, and nr_exchanged (in input extents) counts the chunks
 *    done, so a failed call says how far it got and a continuation resumes
 *    from it;
 *  - an input frame must be the domain's own and wholly unused: no
 *    mapping, no type, no pin, no special role (-EINVAL otherwise);
 *  - output extents are naturally aligned and lie below the address bits
 *    of out.mem_flags (-ENOMEM when there is no such room); like all our
 *    allocations they come from the highest memory that fits, as in Xen;
 *  - an output extent's frames get the out list's GPFNs in the M2P and
 *    their MFN is written back into the out list.
 *
 * Check, then apply: a chunk's input frames are all checked and taken
 * (released while unreferenced, which also catches a frame named twice and
 * keeps other CPUs from referencing them) and its output allocated before
 * anything changes hands; the old frames then go back to the heap. The
 * domain's page count is unchanged by an exchange.
 *
 * Each chunk is an allocation to the domain (domain_alloc_begin): once the
 * domain is dying (a privileged caller exchanging on its behalf while
 * another CPU destroys it) no chunk starts, and its destruction frees
 * nothing before the chunk under way has handed its frames over.
 */
#include <xen/xen.h>
#include <xen/errno.h>
#include <xen/memory.h>
#include <hv/console.h>
#include <hv/domain.h>
#include <hv/frame_bitmap.h>
#include <hv/guest_access.h>
#include <hv/hypercall.h>
#include <asm/flushtlb.h>
#include <asm/io.h>
#include <asm/paging.h>
#include <asm/pt_types.h>
#include <asm/pv_mmu.h>
#include <hv/reservation.h>

#define DOMU_MAX_ORDER 9                /* Xen 4.17: PAGETABLE_ORDER */
#define CTLDOM_MAX_ORDER 18             /* Xen 4.17 on x86: 2 * PAGETABLE_ORDER */
#define MAX_NUMNODES 64                 /* Xen 4.17 on x86: NODES_SHIFT 6 */
#define NUMA_NO_NODE 0xffu

#define CHUNK_STATIC 512                /* frames of a chunk kept without an allocation */

static mfn_t chunk_static[NR_CPUS][CHUNK_STATIC];       /* each CPU runs one exchange at a time */

static unsigned int max_order(const struct domain *d)
{
    return domain_is_privileged(d) ? CTLDOM_MAX_ORDER : DOMU_MAX_ORDER;
}

/* Is element range [first, last] of a guest frame list in guest space? (empty: yes) */
static bool subrange_ok(XEN_GUEST_HANDLE(xen_pfn_t) list, uint64_t first, uint64_t last)
{
    return last < first || guest_handle_subrange_okay(list, first, last);
}

/*
 * Take input frame `mfn` of d for the exchange (Xen's steal_page): owned,
 * no special role, unreferenced; released in the one compare-exchange
 * that checks the count, so that no reference (a foreign mapping from
 * another CPU) can be taken after, and a frame named twice is refused the
 * second time.
 */
static bool frame_take(const struct domain *d, mfn_t mfn)
{
    const struct page_info *pg;

    if (!mfn_valid(mfn))
        return false;
    pg = mfn_to_page(mfn);
    if (pg->owner != d->id || (pg->flags & (PGF_SHARED_INFO | PGF_SHARED_RO_PRIV)))
        return false;
    return pt_release_unreferenced(&pv_mmu_env, mfn);
}

struct exchange {
    struct xen_memory_exchange x;
    XEN_GUEST_HANDLE(xen_memory_exchange_t) arg;
    struct domain *d;
    unsigned int in_chunk_order, out_chunk_order;
    mfn_t limit;                        /* output frames lie below */
    unsigned int bits;                  /* out.mem_flags' address bits (0: none) */
    mfn_t *in;                          /* the chunk's input frames */
    mfn_t out[CHUNK_STATIC];            /* the chunk's output extents (first frames) */
};

/* A failed chunk: the input frames taken so far are the domain's again. */
static void untake(mfn_t *in, unsigned long n)
{
    for (unsigned long k = 0; k < n; k++)
        pt_unrelease_frame(&pv_mmu_env, in[k]);
}

/*
 * Chunk i: check its input frames and allocate its output, or fail with
 * nothing changed. 0 or -EFAULT/-EINVAL/-ENOMEM.
 */
static long chunk_prepare(struct exchange *e, uint64_t i)
{
    const struct xen_memory_exchange *x = &e->x;
    unsigned long in_ext = 1UL << e->in_chunk_order, per_in = 1UL << x->in.extent_order;
    unsigned long out_ext = 1UL << e->out_chunk_order, n = 0;
    long rc = 0;

    for (unsigned long j = 0; j < in_ext && !rc; j++) {
        xen_pfn_t gmfn;
        if (copy_from_guest_offset(&gmfn, x->in.extent_start, (i << e->in_chunk_order) + j, 1)) {
            rc = -XEN_EFAULT;
            break;
        }
        for (unsigned long k = 0; k < per_in; k++) {
            mfn_t m = gmfn + k;
            if (m < gmfn || !frame_take(e->d, m)) {
                rc = -XEN_EINVAL;
                break;
            }
            e->in[n++] = m;
        }
    }
    for (unsigned long j = 0; j < out_ext && !rc; j++) {
        e->out[j] = alloc_frames_aligned(x->out.extent_order, e->limit, e->d->id);
        if (e->out[j] == INVALID_MFN) {
            while (j--)
                for (unsigned long k = 0; k < (1UL << x->out.extent_order); k++)
                    free_frame(e->out[j] + k);
            rc = -XEN_ENOMEM;
            /* The reason for the trace (tests/system/test_linux_dom0.py reads the widths). */
            if (hypercall_trace)
                log_debug("d%u exchange: no free order-%u extent below 2^%u bytes", e->d->id,
                          x->out.extent_order, e->bits ? e->bits : 64);
        }
    }
    if (rc)
        untake(e->in, n);
    return rc;
}

/*
 * Chunk i, prepared: the old frames go back to the heap, the new ones are
 * the domain's, named in the M2P by the out list's GPFNs and written back
 * to it. Cannot fail for the exchange; a fault on the out list is -EFAULT
 * afterwards (the chunk is done all the same, as in Xen).
 */
static long chunk_commit(struct exchange *e, uint64_t i)
{
    const struct xen_memory_exchange *x = &e->x;
    unsigned long nr_in = 1UL << (e->in_chunk_order + x->in.extent_order);
    unsigned long out_ext = 1UL << e->out_chunk_order, per_out = 1UL << x->out.extent_order;
    long rc = 0;

    /* Nothing maps them, but a stale translation must not outlive their ownership, on any CPU. */
    flush_tlb_mask(cpu_online_mask);
    for (unsigned long k = 0; k < nr_in; k++) {
        m2p_set(e->in[k], ~0UL);
        free_frame(e->in[k]);
    }
    for (unsigned long j = 0; j < out_ext; j++) {
        uint64_t at = (i << e->out_chunk_order) + j;
        xen_pfn_t gpfn, mfn = e->out[j];
        if (copy_from_guest_offset(&gpfn, x->out.extent_start, at, 1)) {
            rc = -XEN_EFAULT;
            continue;
        }
        for (unsigned long k = 0; k < per_out; k++)
            m2p_set(mfn + k, gpfn + k);
        if (copy_to_guest_offset(x->out.extent_start, at, &mfn, 1))
            rc = -XEN_EFAULT;
    }
    /* The domain gave nr_in frames and got as many: its page count stays. */
    return rc;
}

/* Write nr_exchanged back (Xen does, on every exit but the first checks). */
static long report(struct exchange *e, long rc)
{
    if (copy_field_to_guest(e->arg, &e->x, nr_exchanged))
        return -XEN_EFAULT;
    return rc;
}

static long exchange_checks(struct exchange *e)
{
    struct xen_memory_exchange *x = &e->x;
    unsigned int node = XENMEMF_get_node(x->out.mem_flags);
    struct domain *cur = current->domain;

    if (x->in.extent_order > max_order(cur) || x->out.extent_order > max_order(cur))
        return -XEN_EPERM;
    if (x->nr_exchanged > x->in.nr_extents || x->in.domid != x->out.domid ||
        (UINT64_MAX >> x->in.extent_order) < x->in.nr_extents ||
        (UINT64_MAX >> x->out.extent_order) < x->out.nr_extents ||
        (x->in.nr_extents << x->in.extent_order) != (x->out.nr_extents << x->out.extent_order))
        return -XEN_EINVAL;
    if (x->nr_exchanged == x->in.nr_extents)
        return 1;                               /* nothing left: 0, and nothing written */
    if (x->in.extent_order <= x->out.extent_order) {
        e->in_chunk_order = x->out.extent_order - x->in.extent_order;
        e->out_chunk_order = 0;
        if (!subrange_ok(x->out.extent_start, x->nr_exchanged >> e->in_chunk_order,
                         x->out.nr_extents - 1))
            return -XEN_EFAULT;
    } else {
        e->in_chunk_order = 0;
        e->out_chunk_order = x->in.extent_order - x->out.extent_order;
        if (!subrange_ok(x->out.extent_start, x->nr_exchanged << e->out_chunk_order,
                         x->out.nr_extents - 1))
            return -XEN_EFAULT;
    }
    if (!subrange_ok(x->in.extent_start, x->nr_exchanged, x->in.nr_extents - 1))
        return -XEN_EFAULT;
    /* Xen checks the in list first; both give -EFAULT, so the order does not show. */
    if (node != NUMA_NO_NODE &&
        (domain_is_privileged(cur) ? node >= MAX_NUMNODES
                                   : (x->out.mem_flags & XENMEMF_exact_node_request)))
        return -XEN_EINVAL;
    if (x->in.domid == DOMID_SELF)
        e->d = cur;
    else if (!(e->d = domain_lookup(x->in.domid)))
        return -XEN_ESRCH;
    if (e->d != cur && !domain_is_privileged(cur))
        return -XEN_EPERM;
    /* Xen's MEMF_bits: the output comes from the zones below 2^bits bytes. */
    e->bits = XENMEMF_get_address_bits(x->out.mem_flags);
    e->limit = fb_bits_limit(e->bits);
    return 0;
}

long memory_exchange(XEN_GUEST_HANDLE_PARAM(void) arg)
{
    static struct exchange per_cpu_e[NR_CPUS];  /* too big for the stack; one per CPU */
    struct exchange *ep = &per_cpu_e[this_cpu()->id];
    mfn_t *in_static = chunk_static[this_cpu()->id];
    unsigned long chunk_frames;
    uint64_t i, first, end;
    long rc;

    if (copy_from_guest(&ep->x, arg, 1))
        return -XEN_EFAULT;
    ep->arg = guest_handle_cast(arg, xen_memory_exchange_t);
    if ((rc = exchange_checks(ep)) == 1)
        return 0;
    if (rc)
        return report(ep, rc);
    chunk_frames = 1UL << (ep->in_chunk_order + ep->x.in.extent_order);
    ep->in = chunk_frames <= CHUNK_STATIC ? in_static : xzalloc_bytes(chunk_frames * sizeof(mfn_t));
    /* Output extents of a chunk: at most 2^(in order - out order) <= CHUNK_STATIC unless huge. */
    if (!ep->in || (1UL << ep->out_chunk_order) > CHUNK_STATIC) {
        rc = -XEN_ENOMEM;
        goto out;
    }
    first = ep->x.nr_exchanged >> ep->in_chunk_order;
    end = ep->x.in.nr_extents >> ep->in_chunk_order;
    for (i = first; i < end; i++) {
        if (i != first && hypercall_preempt_check()) {
            ep->x.nr_exchanged = i << ep->in_chunk_order;
            rc = report(ep, 0);
            if (ep->in != in_static)
                xfree_bytes(ep->in, chunk_frames * sizeof(mfn_t));
            return rc ? rc : hypercall_continue(XENMEM_exchange, arg.addr, 0, 0, 0);
        }
        if (!domain_alloc_begin(ep->d))
            break;              /* dying: as Xen's, 0 and the chunks done so far */
        rc = chunk_prepare(ep, i);
        if (!rc) {
            domain_alloc_hold(ep->d, ep->out, 1UL << ep->out_chunk_order);
            rc = chunk_commit(ep, i);
        }
        domain_alloc_end(ep->d);
        if (rc)
            break;
    }
    ep->x.nr_exchanged = i << ep->in_chunk_order;      /* after the last chunk: in.nr_extents */
out:
    if (ep->in && ep->in != in_static)
        xfree_bytes(ep->in, chunk_frames * sizeof(mfn_t));
    return report(ep, rc);
}
