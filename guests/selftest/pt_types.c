/*
 * PT: page types.  A frame is a page table of one level or a writable
 * data page, never both: a table may not be mapped writable, an entry
 * must point at a frame that validates as the next level down, no
 * superpages for PV, and L4 slots 256..271 belong to the hypervisor.
 * Each refusal leaves the entry as it was.
 */
#include "pt_util.h"

/* Own page tables mapped writable: our L1 (through both calls) and L4. */
static void writable_tables(uint64_t *page)
{
    uint64_t va = (uint64_t)page;
    uint64_t l1_mfn = pt_mfn(os_l1e_of(va));
    unsigned int done = 99;
    long rc;

    t_rc("PT0011", "update_va_mapping of our L1 table writable gives -EBUSY",
         HYPERVISOR_update_va_mapping(va, (l1_mfn << OS_PAGE_SHIFT) | PT_RW,
                                      UVMF_INVLPG), -XEN_EBUSY);
    rc = pt_mmu1(pt_l1e_maddr(va), (l1_mfn << OS_PAGE_SHIFT) | PT_RW, &done);
    t_check("PT0012", "mmu_update mapping our L1 table writable gives -EBUSY, done=0",
            rc == -XEN_EBUSY && done == 0, "(rc=%ld done=%u)", rc, done);
    t_rc("PT0013", "mmu_update mapping our L4 writable gives -EBUSY",
         pt_mmu1(pt_l1e_maddr(va), (pt_boot_l4_mfn() << OS_PAGE_SHIFT) | PT_RW, NULL),
         -XEN_EBUSY);
    t_rc("PT0014", "a read-only mapping of our L1 table is allowed",
         HYPERVISOR_update_va_mapping(va, (l1_mfn << OS_PAGE_SHIFT) | PT_RO,
                                      UVMF_INVLPG), 0);
    pt_set_rw(page);
}

/* Entries of a pinned L2 / L3 that point at the wrong kind of frame. */
static void wrong_level(uint64_t *data, uint64_t *l2, uint64_t *l3, uint64_t *l1)
{
    uint64_t e2 = pt_maddr(&l2[5]), e3 = pt_maddr(&l3[5]);
    uint64_t data_mfn = pt_mfn(data), l1_mfn = pt_mfn(l1);
    long rc;

    t_rc("PT0015", "an L2 entry pointing at a writable data frame is refused",
         pt_mmu1(e2, (data_mfn << OS_PAGE_SHIFT) | OS_ASPACE_TABLE_FLAGS, NULL),
         -XEN_EINVAL);
    t_check("PT0016", "the refused L2 entry stays empty", l2[5] == 0,
            "(l2e=%#lx)", (unsigned long)l2[5]);
    rc = pt_mmu1(e2, (l1_mfn << OS_PAGE_SHIFT) | OS_ASPACE_TABLE_FLAGS, NULL);
    t_check("PT0017", "an L2 entry pointing at an empty read-only frame validates it as L1",
            rc == 0 && (l2[5] & OS_PTE_ADDR) >> OS_PAGE_SHIFT == l1_mfn,
            "(rc=%ld l2e=%#lx)", rc, (unsigned long)l2[5]);
    /* That frame is an L1 now: it cannot be an L2 as well. */
    t_rc("PT0018", "an L3 entry pointing at a frame in use as an L1 is refused",
         pt_mmu1(e3, (l1_mfn << OS_PAGE_SHIFT) | OS_ASPACE_TABLE_FLAGS, NULL),
         -XEN_EINVAL);
    t_rc("PT0019", "pinning a frame in use as an L1 as an L2 is refused",
         pt_pin(2, l1_mfn), -XEN_EINVAL);
    t_rc("PT0020", "an L2 entry with PSE (2 MiB superpage) is refused",
         pt_mmu1(pt_maddr(&l2[6]), (data_mfn << OS_PAGE_SHIFT) | PT_RO | PT_PSE, NULL),
         -XEN_EINVAL);
    t_rc("PT0021", "an L3 entry with PSE (1 GiB superpage) is refused",
         pt_mmu1(e3, (data_mfn << OS_PAGE_SHIFT) | PT_RO | PT_PSE, NULL), -XEN_EINVAL);
    rc = pt_mmu1(e2, 0, NULL);
    t_check("PT0022", "clearing the L2 entry drops the L1 type: the frame maps writable",
            rc == 0 && pt_set_rw(l1) == 0 && pt_set_ro(l1) == 0, "(rc=%ld)", rc);
}

/* An L1 that maps itself: read-only is fine, writable is not. */
static void self_map(uint64_t *l1)
{
    uint64_t mfn = pt_mfn(l1);
    long rc;

    pt_set_rw(l1);
    l1[0] = (mfn << OS_PAGE_SHIFT) | PT_RW;
    pt_set_ro(l1);
    t_rc("PT0023", "pinning an L1 that maps itself writable gives -EBUSY",
         pt_pin(1, mfn), -XEN_EBUSY);
    pt_set_rw(l1);
    l1[0] = (mfn << OS_PAGE_SHIFT) | PT_RO;
    pt_set_ro(l1);
    rc = pt_pin(1, mfn);
    t_check("PT0024", "pinning an L1 that maps itself read-only works",
            rc == 0 && pt_unpin(mfn) == 0, "(rc=%ld)", rc);
    pt_set_rw(l1);
    l1[0] = 0;
    pt_set_ro(l1);
}

/* L4 slots: 256..271 are the hypervisor's, 272 is the guest's again. */
static void l4_slots(uint64_t *l4)
{
    const uint64_t *boot = (const uint64_t *)os_start_info->pt_base;

    t_rc("PT0025", "writing L4 slot 256 (hypervisor) is refused",
         pt_mmu1(pt_maddr(&l4[256]), boot[256], NULL), -XEN_EINVAL);
    t_rc("PT0026", "clearing L4 slot 271 (hypervisor) is refused",
         pt_mmu1(pt_maddr(&l4[271]), 0, NULL), -XEN_EINVAL);
    t_rc("PT0027", "writing L4 slot 272 (guest) with our L3 works",
         pt_mmu1(pt_maddr(&l4[272]), boot[0], NULL), 0);
    t_rc("PT0028", "clearing it again works", pt_mmu1(pt_maddr(&l4[272]), 0, NULL), 0);
}

void pt_types(void)
{
    uint64_t *data = pt_get_page(0), *l1 = pt_get_page(1);
    uint64_t *l2 = pt_get_page(1), *l3 = pt_get_page(1), *l4 = pt_get_page(1);

    if (!data || !l1 || !l2 || !l3 || !l4) {
        t_case("PT0011", "update_va_mapping of our L1 table writable gives -EBUSY",
               T_SKIP, "(no free page)");
        return;
    }
    writable_tables(data);
    if (t_check("PT0029", "pinning empty read-only frames as L2, L3 and L4 works",
                pt_pin(2, pt_mfn(l2)) == 0 && pt_pin(3, pt_mfn(l3)) == 0 &&
                pt_pin(4, pt_mfn(l4)) == 0, NULL)) {
        wrong_level(data, l2, l3, l1);
        l4_slots(l4);
    }
    self_map(l1);
    pt_unpin(pt_mfn(l2));
    pt_unpin(pt_mfn(l3));
    pt_unpin(pt_mfn(l4));
    t_check("PT0030", "unpinned, every frame maps writable again",
            !pt_put_page(l1) && !pt_put_page(l2) && !pt_put_page(l3) &&
            !pt_put_page(l4) && !pt_put_page(data), NULL);
}
