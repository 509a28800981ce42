/*
 * MEMX: XENMEM_exchange (memory_op 11), as Linux's swiotlb uses it to get
 * machine-contiguous memory below 4 GiB: frames of ours that nothing maps
 * go back, new ones (naturally aligned, below out.mem_flags' address
 * bits) come in, named by the out list's GPFNs in the M2P, their MFNs
 * written back to the out list; nr_exchanged counts the input extents
 * done.  Pool pages serve as the input: each is unmapped first, and
 * afterwards its pseudo-physical page is backed by a new frame (P2M, M2P,
 * our mapping) and goes back to the pool.
 */
#include <xen/memory.h>
#include <xen/vcpu.h>
#include "pt_util.h"

#define NR_BIG 512              /* Linux's swiotlb chunk: 2 MiB of single frames */
#define DOMID_ABSENT 77
#define XEN_VA 0xffff830000000000ul

static void *pages[NR_BIG];
static xen_pfn_t in[NR_BIG], out[NR_BIG];

static long exchange(struct xen_memory_exchange *x)
{
    return HYPERVISOR_memory_op(XENMEM_exchange, x);
}

static struct xen_memory_exchange req(unsigned long nr_in, unsigned int in_order,
                                      unsigned long nr_out, unsigned int out_order,
                                      unsigned int mem_flags)
{
    struct xen_memory_exchange x = { .nr_exchanged = 0 };

    x.in.extent_start.p = in;
    x.in.nr_extents = nr_in;
    x.in.extent_order = in_order;
    x.in.domid = DOMID_SELF;
    x.out.extent_start.p = out;
    x.out.nr_extents = nr_out;
    x.out.extent_order = out_order;
    x.out.mem_flags = mem_flags;
    x.out.domid = DOMID_SELF;
    return x;
}

static long reservation(void)
{
    domid_t self = DOMID_SELF;

    return HYPERVISOR_memory_op(XENMEM_current_reservation, &self);
}

static uint64_t pfn_of(const void *p)
{
    return (uint64_t)p >> OS_PAGE_SHIFT;
}

/* Take n pool pages, note their frames in in[], unmap them. 0 or -1. */
static int take(unsigned int n)
{
    for (unsigned int i = 0; i < n; i++) {
        if (!(pages[i] = os_alloc_page())) {
            while (i--)
                os_free_page(pages[i]);
            return -1;
        }
        in[i] = pt_mfn(pages[i]);
    }
    for (unsigned int i = 0; i < n; i++)
        HYPERVISOR_update_va_mapping((uint64_t)pages[i], 0, UVMF_INVLPG);
    return 0;
}

/* Back page i by frame mfn (P2M, M2P, our writable mapping). */
static long rebind(unsigned int i, uint64_t mfn)
{
    uint64_t pfn = pfn_of(pages[i]);
    long rc;

    ((uint64_t *)os_start_info->mfn_list)[pfn] = mfn;
    rc = pt_mmu1((mfn << OS_PAGE_SHIFT) | MMU_MACHPHYS_UPDATE, pfn, NULL);
    return rc ?: HYPERVISOR_update_va_mapping((uint64_t)pages[i], (mfn << OS_PAGE_SHIFT) | PT_RW,
                                              UVMF_INVLPG);
}

/* Page i gets frame mfn and goes back to the pool (leaked if that failed). */
static long settle(unsigned int i, uint64_t mfn)
{
    long rc = rebind(i, mfn);

    if (rc == 0)
        os_free_page(pages[i]);
    return rc;
}

/*
 * Pages [from, to) get their old frames back (the exchange did not take
 * them). Freed from the top down, so the pool hands pages out in the order
 * it did before (later suites depend on where their pages lie).
 */
static long restore(unsigned int from, unsigned int to)
{
    long rc = 0;

    for (unsigned int i = to; i-- > from;)
        rc = settle(i, in[i]) ?: rc;
    return rc;
}

/*
 * Pages [0, n) get the frames of the extent at mfn; 1 if each then holds
 * what is stored through it. They go back to the pool.
 */
static int extent_works(unsigned int n, uint64_t mfn)
{
    int ok = 1;

    for (unsigned int i = 0; i < n; i++) {
        uint64_t *p = pages[i], v = 0;
        if (rebind(i, mfn + i) || pt_try_store(p, mfn + i) || pt_try_load(p, &v) || v != mfn + i)
            ok = 0;
    }
    for (unsigned int i = n; i-- > 0;)
        os_free_page(pages[i]);                 /* top down, as restore() */
    return ok;
}

static void order3(void)
{
    struct xen_memory_exchange x;
    long before = reservation(), rc;
    uint64_t mfn;
    unsigned int i, m2p_ok = 1;

    if (take(8)) {
        t_case("MEMX0001", "8 frames for one order-3 extent below 4 GiB: 0, nr_exchanged 8",
               T_SKIP, "(no free pages)");
        return;
    }
    out[0] = 0x40000;           /* a GPFN for the M2P to name (we fix it up after) */
    x = req(8, 0, 1, 3, XENMEMF_address_bits(32));
    rc = exchange(&x);
    t_check("MEMX0001", "8 frames for one order-3 extent below 4 GiB: 0, nr_exchanged 8",
            rc == 0 && x.nr_exchanged == 8, "(rc=%ld nr_exchanged=%lu)", rc,
            (unsigned long)x.nr_exchanged);
    if (rc || x.nr_exchanged != 8) {
        restore(0, 8);
        return;
    }
    mfn = out[0];
    t_check("MEMX0002", "the new extent's MFN is written back: 8-aligned, below 4 GiB, not an old one",
            mfn % 8 == 0 && mfn < (1ull << 20) && mfn != in[0], "(mfn=%#lx)",
            (unsigned long)mfn);
    for (i = 0; i < 8; i++)
        m2p_ok &= os_mfn_to_pfn(mfn + i) == 0x40000 + i;
    t_check("MEMX0003", "the M2P names each new frame by the out list's GPFN + i", m2p_ok,
            "(m2p[0]=%#lx)", (unsigned long)os_mfn_to_pfn(mfn));
    t_check("MEMX0004", "the domain's page count is unchanged", reservation() == before,
            "(before=%ld after=%ld)", before, reservation());
    rc = pt_mmu1((in[0] << OS_PAGE_SHIFT) | MMU_MACHPHYS_UPDATE, 1, NULL);
    t_rc("MEMX0005", "an old frame is no longer ours: its M2P update gives -EINVAL", rc,
         -XEN_EINVAL);
    t_check("MEMX0006", "the new frames map writable and hold data", extent_works(8, mfn), NULL);
}

/* Linux's swiotlb: 512 single frames for one 2 MiB extent, address bits 32. */
static void order9(void)
{
    struct xen_memory_exchange x;
    long rc;

    if (take(NR_BIG)) {
        t_case("MEMX0007", "512 frames for one 2 MiB extent below 4 GiB (Linux's swiotlb)",
               T_SKIP, "(no free pages)");
        return;
    }
    out[0] = pfn_of(pages[0]);
    x = req(NR_BIG, 0, 1, 9, XENMEMF_address_bits(32));
    rc = exchange(&x);
    t_check("MEMX0007", "512 frames for one 2 MiB extent below 4 GiB (Linux's swiotlb)",
            rc == 0 && x.nr_exchanged == NR_BIG && out[0] % NR_BIG == 0 &&
            out[0] < (1ull << 20), "(rc=%ld nr_exchanged=%lu mfn=%#lx)", rc,
            (unsigned long)x.nr_exchanged, (unsigned long)out[0]);
    if (rc || x.nr_exchanged != NR_BIG) {
        restore(0, NR_BIG);
        return;
    }
    t_check("MEMX0008", "the 2 MiB extent's frames map and hold data",
            extent_works(NR_BIG, out[0]), NULL);
}

/* A refused request: rc want, and every page gets its old frame back. */
static void refused(const char *id, const char *desc, struct xen_memory_exchange *x,
                    unsigned int n, long want, uint64_t want_done)
{
    long rc = exchange(x), rc2 = restore(0, n);

    t_check(id, desc, rc == want && x->nr_exchanged == want_done && rc2 == 0,
            "(rc=%ld nr_exchanged=%lu restore=%ld)", rc, (unsigned long)x->nr_exchanged, rc2);
}

static void arguments(void)
{
    struct xen_memory_exchange x;

    if (take(2)) {
        t_case("MEMX0009", "in or out order above Xen's 18 for Dom0 gives -EPERM", T_SKIP,
               "(no free pages)");
        return;
    }
    x = req(1, 19, 1, 19, 0);
    refused("MEMX0009", "in or out order above Xen's 18 for Dom0 gives -EPERM", &x, 0,
            -XEN_EPERM, 0);
    x = req(2, 0, 1, 2, 0);
    refused("MEMX0010", "in and out of different total sizes give -EINVAL", &x, 0,
            -XEN_EINVAL, 0);
    x = req(2, 0, 2, 0, 0);
    x.out.domid = 0;
    refused("MEMX0011", "in.domid and out.domid differing (SELF vs 0) give -EINVAL", &x, 0,
            -XEN_EINVAL, 0);
    x = req(2, 0, 2, 0, 0);
    x.nr_exchanged = 3;
    refused("MEMX0012", "nr_exchanged beyond in.nr_extents gives -EINVAL", &x, 0,
            -XEN_EINVAL, 3);
    x = req(2, 0, 2, 0, 0);
    x.nr_exchanged = 2;
    refused("MEMX0013", "nr_exchanged == in.nr_extents: 0, nothing done", &x, 0, 0, 2);
    x = req(2, 0, 2, 0, 0);
    x.out.extent_start.p = (void *)XEN_VA;
    refused("MEMX0014", "an out list in the hypervisor's space gives -EFAULT", &x, 0,
            -XEN_EFAULT, 0);
    x = req(2, 0, 2, 0, 0);
    x.in.extent_start.p = (void *)T_UNMAPPED_VA;
    refused("MEMX0015", "an unmapped in list: -EFAULT, nr_exchanged 0", &x, 0, -XEN_EFAULT, 0);
    x = req(2, 0, 2, 0, XENMEMF_node(100));
    refused("MEMX0016", "a NUMA node beyond Xen's 64 gives -EINVAL", &x, 0, -XEN_EINVAL, 0);
    x = req(2, 0, 2, 0, 0);
    x.in.domid = x.out.domid = DOMID_ABSENT;
    refused("MEMX0017", "an absent domain gives -ESRCH", &x, 0, -XEN_ESRCH, 0);
    t_rc("MEMX0018", "an unmapped argument gives -EFAULT",
         HYPERVISOR_memory_op(XENMEM_exchange, (void *)T_UNMAPPED_VA), -XEN_EFAULT);
    t_rc("MEMX0019", "exchange with a continuation's start extent in cmd gives -EINVAL",
         HYPERVISOR_memory_op(XENMEM_exchange | (1u << 6), &x), -XEN_EINVAL);
    restore(0, 2);
}

static void frames(void)
{
    struct xen_memory_exchange x;
    uint64_t *t;
    long rc;

    if (take(2)) {
        t_case("MEMX0020", "a frame we still map gives -EINVAL, nothing exchanged", T_SKIP,
               "(no free pages)");
        return;
    }
    /* Page 1 mapped again: still referenced by our PTE. */
    HYPERVISOR_update_va_mapping((uint64_t)pages[1], (in[1] << OS_PAGE_SHIFT) | PT_RW,
                                 UVMF_INVLPG);
    x = req(2, 0, 1, 1, 0);
    refused("MEMX0020", "a frame we still map gives -EINVAL, nothing exchanged", &x, 2,
            -XEN_EINVAL, 0);

    /* Two chunks of one frame: the first is done, the second is still mapped. */
    if (take(2))
        return;
    HYPERVISOR_update_va_mapping((uint64_t)pages[1], (in[1] << OS_PAGE_SHIFT) | PT_RW,
                                 UVMF_INVLPG);
    out[0] = pfn_of(pages[0]);
    out[1] = pfn_of(pages[1]);
    x = req(2, 0, 2, 0, 0);
    rc = exchange(&x);
    t_check("MEMX0021", "the second of two chunks refused: -EINVAL, nr_exchanged 1, out[0] new",
            rc == -XEN_EINVAL && x.nr_exchanged == 1 && out[0] != in[0] &&
            out[1] == pfn_of(pages[1]), "(rc=%ld nr_exchanged=%lu)", rc,
            (unsigned long)x.nr_exchanged);
    restore(1, 2);
    t_check("MEMX0022", "the first chunk's new frame is ours and holds data",
            extent_works(1, out[0]), "(mfn=%#lx)", (unsigned long)out[0]);

    /* Resuming from nr_exchanged 1 exchanges only the second extent. */
    if (take(2))
        return;
    out[0] = 0x1234;
    out[1] = pfn_of(pages[1]);
    x = req(2, 0, 2, 0, 0);
    x.nr_exchanged = 1;
    rc = exchange(&x);
    t_check("MEMX0023", "from nr_exchanged 1 only the second extent is exchanged",
            rc == 0 && x.nr_exchanged == 2 && out[0] == 0x1234 && out[1] != in[1],
            "(rc=%ld nr_exchanged=%lu)", rc, (unsigned long)x.nr_exchanged);
    if (rc == 0)
        settle(1, out[1]);
    else
        restore(1, 2);
    restore(0, 1);

    if (take(2))
        return;
    {
        xen_pfn_t own = in[1];
        in[1] = in[0];
        x = req(2, 0, 1, 1, 0);
        rc = exchange(&x);
        in[1] = own;
    }
    t_check("MEMX0024", "one frame named twice in a chunk gives -EINVAL, nothing exchanged",
            rc == -XEN_EINVAL && x.nr_exchanged == 0, "(rc=%ld nr_exchanged=%lu)", rc,
            (unsigned long)x.nr_exchanged);
    restore(0, 2);

    if (take(1))
        return;
    in[1] = PT_MFN_HUGE;
    x = req(2, 0, 1, 1, 0);
    refused("MEMX0025", "a frame no machine has gives -EINVAL", &x, 1, -XEN_EINVAL, 0);
    if (take(1))
        return;
    in[1] = pt_xen_mfn();
    x = req(2, 0, 1, 1, 0);
    refused("MEMX0026", "a frame of the hypervisor gives -EINVAL", &x, 1, -XEN_EINVAL, 0);

    t = pt_get_page(1);
    if (t && pt_pin(1, pt_mfn(t)) == 0) {
        if (take(1))
            return;
        HYPERVISOR_update_va_mapping((uint64_t)t, 0, UVMF_INVLPG);
        in[1] = pt_mfn(t);
        x = req(2, 0, 1, 1, 0);
        refused("MEMX0027", "a pinned page table (unmapped) gives -EINVAL", &x, 1,
                -XEN_EINVAL, 0);
        pt_unpin(in[1]);
        HYPERVISOR_update_va_mapping((uint64_t)t, (in[1] << OS_PAGE_SHIFT) | PT_RW, UVMF_INVLPG);
        pt_put_page(t);
    }

    if (take(1))
        return;
    x = req(1, 0, 1, 0, XENMEMF_address_bits(12));
    refused("MEMX0028", "no room below the address bits (12): -ENOMEM, the frame stays ours",
            &x, 1, -XEN_ENOMEM, 0);
}

/*
 * Address limits as Linux's swiotlb meets them: 64 frames for one 256 KiB
 * extent below 2^18 bytes first, widened on each -ENOMEM. Nothing below
 * 1 MiB is the heap's (Xen leaves the first MiB out), so up to 2^20 the
 * answer is -ENOMEM; below 2^22 the extent lies between 1 and 4 MiB.  Which
 * frames exactly depends on the heap's state (Xen has given 0x1c0 as well
 * as 2-4 MiB), so only the limit and the alignment are checked.
 */
#define NR_SWIOTLB 64

static void address_bits(void)
{
    static const unsigned int refused_bits[] = { 18, 20 };
    static const char *const ids[] = { "MEMX0030", "MEMX0031" };
    static const char *const descs[] = {
        "an order-6 extent below 2^18 (Linux's first try) gives -ENOMEM, the frames stay ours",
        "an order-6 extent below 2^20 (the first MiB) gives -ENOMEM, the frames stay ours",
    };
    struct xen_memory_exchange x;
    long rc;

    for (unsigned int i = 0; i < 2; i++) {
        if (take(NR_SWIOTLB)) {
            t_case(ids[i], descs[i], T_SKIP, "(no free pages)");
            continue;
        }
        out[0] = pfn_of(pages[0]);
        x = req(NR_SWIOTLB, 0, 1, 6, XENMEMF_address_bits(refused_bits[i]));
        refused(ids[i], descs[i], &x, NR_SWIOTLB, -XEN_ENOMEM, 0);
    }

    if (take(NR_SWIOTLB)) {
        t_case("MEMX0032", "an order-6 extent below 2^22: 0, 64-aligned, within 1-4 MiB", T_SKIP,
               "(no free pages)");
        return;
    }
    out[0] = pfn_of(pages[0]);
    x = req(NR_SWIOTLB, 0, 1, 6, XENMEMF_address_bits(22));
    rc = exchange(&x);
    t_check("MEMX0032", "an order-6 extent below 2^22: 0, 64-aligned, within 1-4 MiB",
            rc == 0 && x.nr_exchanged == NR_SWIOTLB && out[0] % NR_SWIOTLB == 0 &&
            out[0] >= 0x100 && out[0] + NR_SWIOTLB <= 0x400, "(rc=%ld nr_exchanged=%lu mfn=%#lx)", rc,
            (unsigned long)x.nr_exchanged, (unsigned long)out[0]);
    if (rc || x.nr_exchanged != NR_SWIOTLB) {
        restore(0, NR_SWIOTLB);
        return;
    }
    t_check("MEMX0033", "the low extent's frames map and hold data",
            extent_works(NR_SWIOTLB, out[0]), NULL);

    if (take(1)) {
        t_case("MEMX0034", "address bits 255 are no limit: 0", T_SKIP, "(no free pages)");
        return;
    }
    out[0] = pfn_of(pages[0]);
    x = req(1, 0, 1, 0, XENMEMF_address_bits(255));
    rc = exchange(&x);
    t_check("MEMX0034", "address bits 255 are no limit: 0", rc == 0 && x.nr_exchanged == 1,
            "(rc=%ld nr_exchanged=%lu)", rc, (unsigned long)x.nr_exchanged);
    if (rc == 0 && x.nr_exchanged == 1)
        settle(0, out[0]);
    else
        restore(0, 1);

    if (take(1)) {
        t_case("MEMX0035", "address bits 13 (Xen's lowest zone, frames 0-1) give -ENOMEM",
               T_SKIP, "(no free pages)");
        return;
    }
    x = req(1, 0, 1, 0, XENMEMF_address_bits(13));
    refused("MEMX0035", "address bits 13 (Xen's lowest zone, frames 0-1) give -ENOMEM", &x, 1,
            -XEN_ENOMEM, 0);
}

/*
 * An exchange of NR_PRE one-frame chunks under a 1 ms periodic timer: when
 * a tick falls in it the hypervisor stops between chunks and carries on as
 * a continuation (nr_exchanged in the argument says where). Whether or not
 * one did, every chunk is exchanged exactly once.
 */
#define NR_PRE 256

static void preempted(void)
{
    struct vcpu_set_periodic_timer pt = { .period_ns = 1000000 };
    struct xen_memory_exchange x;
    unsigned int i, fresh = 0;
    long rc;

    if (take(NR_PRE)) {
        t_case("MEMX0029", "256 chunks under a 1 ms periodic timer: all exchanged, each once",
               T_SKIP, "(no free pages)");
        return;
    }
    for (i = 0; i < NR_PRE; i++)
        out[i] = pfn_of(pages[i]);
    x = req(NR_PRE, 0, NR_PRE, 0, 0);
    HYPERVISOR_vcpu_op(VCPUOP_set_periodic_timer, 0, &pt);
    rc = exchange(&x);
    HYPERVISOR_vcpu_op(VCPUOP_stop_periodic_timer, 0, NULL);
    for (i = 0; i < NR_PRE; i++)
        fresh += out[i] != pfn_of(pages[i]) && out[i] != in[i];
    t_check("MEMX0029", "256 chunks under a 1 ms periodic timer: all exchanged, each once",
            rc == 0 && x.nr_exchanged == NR_PRE && fresh == NR_PRE,
            "(rc=%ld nr_exchanged=%lu fresh=%u)", rc, (unsigned long)x.nr_exchanged, fresh);
    if (rc == 0 && x.nr_exchanged == NR_PRE) {
        for (i = NR_PRE; i-- > 0;)
            settle(i, out[i]);
    } else {
        restore(0, NR_PRE);
    }
}

void suite_memory_exchange(void)
{
    order3();
    order9();
    arguments();
    frames();
    preempted();
    address_bits();
}
