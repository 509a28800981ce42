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

#define BIOS_MFN 0xf0ull             /* the BIOS ROM's first frame: an I/O frame of Dom0's */
#define DOM0     0u                 /* our own domain id, as the test runs as Dom0 */
#define PFD(dom) (((unsigned int)(dom) + 1) << 16)   /* the tables' owner, in the high bits */

/* One mmu_update of va's boot L1 entry, with foreigndom as given (both halves). */
static long map_fd(uint64_t va, uint64_t val, unsigned int foreigndom)
{
    struct mmu_update req = { .ptr = pt_l1e_maddr(va), .val = val };

    return HYPERVISOR_mmu_update(&req, 1, NULL, foreigndom);
}

/*
 * mmu_update's foreign domain id (Xen's foreigndom): the low 16 bits name
 * the owner of the frames the new entry maps, the high 16 bits (plus one)
 * the owner of the tables; naming oneself by id is -ESRCH in Xen 4.17.
 */
static void owners(uint64_t *page)
{
    uint64_t va = (uint64_t)page, mine = pt_mfn(page), v = 0;
    struct mmu_update req;
    long rc;

    t_rc("PT0106", "mmu_update naming our own domain id (not DOMID_SELF) gives -ESRCH",
         map_as(va, (mine << OS_PAGE_SHIFT) | PT_RW, DOM0, NULL), -XEN_ESRCH);
    t_rc("PT0107", "mmu_update with an absent domain as the tables' owner gives -ESRCH",
         map_fd(va, (mine << OS_PAGE_SHIFT) | PT_RW, PFD(77) | DOMID_SELF), -XEN_ESRCH);
    rc = map_fd(va, (mine << OS_PAGE_SHIFT) | PT_RW, PFD(DOM0) | DOMID_SELF);
    pt_ext(MMUEXT_INVLPG_LOCAL, va);
    t_check("PT0108", "mmu_update naming ourselves as the tables' owner maps our frame",
            rc == 0 && pt_try_load(page, &v) == 0 && v == PATTERN, "(rc=%ld v=%#lx)", rc,
            (unsigned long)v);
    rc = map_as(va, (BIOS_MFN << OS_PAGE_SHIFT) | PT_RO, DOMID_IO, NULL);
    pt_ext(MMUEXT_INVLPG_LOCAL, va);
    t_check("PT0109", "mmu_update naming DOMID_IO maps the BIOS frame 0xf0 and it reads",
            rc == 0 && pt_try_load(page, &v) == 0, "(rc=%ld)", rc);
    t_rc("PT0110", "naming DOMID_IO for a RAM frame of our own gives -EBUSY",
         map_as(va, (mine << OS_PAGE_SHIFT) | PT_RW, DOMID_IO, NULL), -XEN_EBUSY);
    t_rc("PT0111", "naming DOMID_XEN for an I/O frame gives -EPERM",
         map_as(va, (BIOS_MFN << OS_PAGE_SHIFT) | PT_RO, DOMID_XEN, NULL), -XEN_EPERM);
    /* An L4 entry may name no other frame owner: -EINVAL, even for an empty entry. */
    req = (struct mmu_update){ .ptr = (pt_boot_l4_mfn() << OS_PAGE_SHIFT) + 255 * 8, .val = 0 };
    t_rc("PT0112", "an L4 update naming DOMID_IO as the frames' owner gives -EINVAL",
         HYPERVISOR_mmu_update(&req, 1, NULL, DOMID_IO), -XEN_EINVAL);
    req = (struct mmu_update){ .ptr = (mine << OS_PAGE_SHIFT) | MMU_MACHPHYS_UPDATE,
                               .val = va >> OS_PAGE_SHIFT };
    t_rc("PT0113", "MMU_MACHPHYS_UPDATE of our frame naming DOMID_IO gives -EINVAL",
         HYPERVISOR_mmu_update(&req, 1, NULL, DOMID_IO), -XEN_EINVAL);
    rc = os_hypercall_dyn(__HYPERVISOR_update_va_mapping_otherdomain, (long)va,
                          (long)((BIOS_MFN << OS_PAGE_SHIFT) | PT_RO), UVMF_INVLPG, DOMID_IO, 0);
    t_check("PT0114", "update_va_mapping_otherdomain(DOMID_IO) maps the BIOS frame",
            rc == 0 && pt_try_load(page, &v) == 0, "(rc=%ld)", rc);
    t_rc("PT0115", "update_va_mapping_otherdomain naming our own id gives -ESRCH",
         os_hypercall_dyn(__HYPERVISOR_update_va_mapping_otherdomain, (long)va,
                          (long)((mine << OS_PAGE_SHIFT) | PT_RW), UVMF_INVLPG, DOM0, 0),
         -XEN_ESRCH);
    struct mmuext_op op = { .cmd = MMUEXT_TLB_FLUSH_LOCAL };
    t_rc("PT0116", "mmuext_op naming our own domain id gives -ESRCH",
         HYPERVISOR_mmuext_op(&op, 1, NULL, DOM0), -XEN_ESRCH);
    t_rc("PT0117", "mmuext_op naming an absent domain gives -ESRCH",
         HYPERVISOR_mmuext_op(&op, 1, NULL, 77), -XEN_ESRCH);
    restore(page);
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
    owners(page);
    t_check("PT0010", "after the refusals the page still maps our own frame",
            pt_try_load(page, &v) == 0 && v == PATTERN, "(v=%#lx)", (unsigned long)v);
    pt_put_page(page);
}
