/*
 * PT: mapping frames that are not ours.  A PV guest's L1 entry may name
 * only its own frames, frames the hypervisor shares with it (Dom0 sees
 * the M2P read-only) and I/O memory it was granted; everything else is
 * refused and the old entry stays.
 */
#include <xen/memory.h>
#include "pt_util.h"

#define PATTERN 0x5a5a0001c0ffee00ull

/*
 * MFNs no machine has: all ones in the 40 frame bits of a PTE (what Xen
 * treats as INVALID_MFN), and PT_MFN_HUGE.
 */
#define MFN_ALL_ONES ((1ull << 40) - 1)

/* M2P frame that holds the entry of mfn, or 0 if Xen lists none. */
static uint64_t m2p_frame_of(uint64_t mfn)
{
    static xen_pfn_t extents[64];
    struct xen_machphys_mfn_list l = { .max_extents = OS_ARRAY_SIZE(extents) };
    uint64_t per_extent = (2ull << 20) / 8;    /* M2P entries per 2 MiB */

    l.extent_start.p = extents;
    if (HYPERVISOR_memory_op(XENMEM_machphys_mfn_list, &l) ||
        mfn / per_extent >= l.nr_extents)
        return 0;
    return extents[mfn / per_extent] + (mfn % per_extent) / 512;
}

/* Put page's own writable mapping back. */
static long restore(uint64_t *page)
{
    return pt_set_rw(page);
}

/* One mmu_update of va's boot L1 entry, naming the frame owner dom. */
static long map_as(uint64_t va, uint64_t val, unsigned int dom, unsigned int *done)
{
    struct mmu_update req = { .ptr = pt_l1e_maddr(va), .val = val };

    return HYPERVISOR_mmu_update(&req, 1, done, dom);
}

static void xen_frame(uint64_t *page, uint64_t xen_mfn)
{
    uint64_t va = (uint64_t)page;
    unsigned int done = 99;
    long rc;

    t_rc("PT0001", "update_va_mapping of a hypervisor frame (read-only) gives -EBUSY",
         HYPERVISOR_update_va_mapping(va, (xen_mfn << OS_PAGE_SHIFT) | PT_RO,
                                      UVMF_INVLPG), -XEN_EBUSY);
    rc = map_as(va, (xen_mfn << OS_PAGE_SHIFT) | PT_RO, DOMID_SELF, &done);
    t_check("PT0002", "mmu_update mapping a hypervisor frame gives -EBUSY, done=0",
            rc == -XEN_EBUSY && done == 0, "(rc=%ld done=%u)", rc, done);
    t_rc("PT0094", "naming DOMID_XEN does not help for a frame Xen does not share (-EBUSY)",
         map_as(va, (xen_mfn << OS_PAGE_SHIFT) | PT_RO, DOMID_XEN, NULL), -XEN_EBUSY);
    t_rc("PT0003", "mmu_update writing into a hypervisor frame gives -EINVAL",
         pt_mmu1(xen_mfn << OS_PAGE_SHIFT, 0, NULL), -XEN_EINVAL);
    t_rc("PT0004", "pinning a hypervisor frame as an L3 gives -EINVAL",
         pt_pin(3, xen_mfn), -XEN_EINVAL);
}

/* The M2P frames are DOMID_XEN's, shared read-only with Dom0. */
static void m2p_frame(uint64_t *page)
{
    uint64_t va = (uint64_t)page, mine = pt_mfn(page);
    uint64_t m2p = m2p_frame_of(mine), v = 0;
    long rc;

    if (!m2p) {
        t_case("PT0005", "Dom0 maps an M2P frame read-only naming DOMID_XEN, reads its entry",
               T_FAIL, "(machphys_mfn_list gave no frame for mfn %#lx)",
               (unsigned long)mine);
        return;
    }
    t_rc("PT0093", "an M2P frame mapped as if it were our own gives -EBUSY",
         HYPERVISOR_update_va_mapping(va, (m2p << OS_PAGE_SHIFT) | PT_RO, UVMF_INVLPG),
         -XEN_EBUSY);
    rc = map_as(va, (m2p << OS_PAGE_SHIFT) | PT_RO, DOMID_XEN, NULL);
    pt_ext(MMUEXT_INVLPG_LOCAL, va);
    if (!rc)
        pt_try_load(&page[mine % 512], &v);
    t_check("PT0005", "Dom0 maps an M2P frame read-only naming DOMID_XEN, reads its entry",
            rc == 0 && v == (uint64_t)va >> OS_PAGE_SHIFT, "(rc=%ld m2p[%#lx]=%#lx)",
            rc, (unsigned long)mine, (unsigned long)v);
    t_rc("PT0006", "a writable mapping of an M2P frame gives -EBUSY even naming DOMID_XEN",
         map_as(va, (m2p << OS_PAGE_SHIFT) | PT_RW, DOMID_XEN, NULL), -XEN_EBUSY);
    restore(page);
}

static void beyond(uint64_t *page)
{
    uint64_t va = (uint64_t)page;
    long top = HYPERVISOR_memory_op(XENMEM_maximum_ram_page, NULL);

    t_rc("PT0007", "mapping MFN 2^40-1 (Xen's INVALID_MFN pattern) gives -EINVAL",
         HYPERVISOR_update_va_mapping(va, (MFN_ALL_ONES << OS_PAGE_SHIFT) | PT_RO,
                                      UVMF_INVLPG), -XEN_EINVAL);
    t_rc("PT0095", "mapping an MFN beyond Dom0's I/O memory range gives -EPERM",
         HYPERVISOR_update_va_mapping(va, (PT_MFN_HUGE << OS_PAGE_SHIFT) | PT_RO,
                                      UVMF_INVLPG), -XEN_EPERM);
    t_rc("PT0008", "mmu_update at a machine address beyond memory gives -EINVAL",
         pt_mmu1((uint64_t)(top + 16) << OS_PAGE_SHIFT, 0, NULL), -XEN_EINVAL);
    t_rc("PT0009", "pinning an MFN beyond memory gives -EINVAL",
         pt_pin(1, PT_MFN_HUGE), -XEN_EINVAL);
}

void pt_foreign(void)
{
    uint64_t *page = pt_get_page(0);
    uint64_t xen_mfn = pt_xen_mfn(), v = 0;

    if (!page) {
        t_case("PT0001", "update_va_mapping of a hypervisor frame (read-only) gives -EBUSY",
               T_SKIP, "(no free page)");
        return;
    }
    page[0] = PATTERN;
    if (xen_mfn)
        xen_frame(page, xen_mfn);
    else
        t_case("PT0001", "update_va_mapping of a hypervisor frame (read-only) gives -EBUSY",
               T_FAIL, "(L4 slot 256 is empty)");
    m2p_frame(page);
    beyond(page);
    t_check("PT0010", "after the refusals the page still maps our own frame",
            pt_try_load(page, &v) == 0 && v == PATTERN, "(v=%#lx)", (unsigned long)v);
    pt_put_page(page);
}
