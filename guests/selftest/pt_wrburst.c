/*
 * PT: a burst of direct stores into one L1 of the current address space
 * (writable page tables), then a use of the range. Every store must take
 * effect and the range must translate as written afterwards, whatever the
 * hypervisor does underneath: Xen 4.17 emulates each store; Xenolith does the
 * same by default and, with dom0_ptwr=batched, unhooks the table, lets the
 * stores through and re-validates it on first use.
 */
#include <os/aspace.h>
#include "pt_util.h"

#define BURST_VA 0x0000018000000000ull      /* L4 slot 3 */

void pt_wrburst(void)
{
    const struct os_aspace *boot = os_aspace_current();
    struct os_aspace as;
    uint64_t *pages[2] = { pt_get_page(0), pt_get_page(0) };
    uint64_t l1e = 0, v = 0, bad = 0;
    volatile uint64_t *l1;
    long rc;

    if (!pages[0] || !pages[1]) {
        t_case("PT0102", "a burst of 512 direct L1 stores all take effect", T_SKIP, "(no free page)");
        return;
    }
    pages[0][0] = 0xa0;
    pages[1][0] = 0xb1;
    rc = os_aspace_create(&as);
    if (!rc)
        rc = os_aspace_map(&as, BURST_VA, pt_mfn(pages[0]), PT_RO);
    if (!rc)
        rc = os_mmu_flush();
    if (!rc)
        rc = os_aspace_l1e_maddr(&as, BURST_VA, &l1e);
    if (!rc)
        rc = os_aspace_switch(&as);
    if (rc) {
        t_case("PT0102", "a burst of 512 direct L1 stores all take effect", T_FAIL,
               "(set-up failed: %ld)", rc);
        os_aspace_destroy(&as);
        return;
    }
    l1 = (volatile uint64_t *)(os_mfn_to_pfn(l1e >> OS_PAGE_SHIFT) << OS_PAGE_SHIFT);
    HYPERVISOR_vm_assist(VMASST_CMD_enable, VMASST_TYPE_writable_pagetables);
    for (unsigned int k = 0; k < 512; k++)
        bad |= pt_try_store(&l1[k], (pt_mfn(pages[k & 1]) << OS_PAGE_SHIFT) | PT_RO);
    for (unsigned int k = 0; k < 512 && !bad; k++) {
        bad |= pt_try_load((const volatile uint64_t *)(BURST_VA + k * OS_PAGE_SIZE), &v);
        if (v != (k & 1 ? 0xb1u : 0xa0u))
            bad |= 1;
    }
    t_check("PT0102", "a burst of 512 direct L1 stores all take effect", !bad,
            "(exinfo=%#lx v=%#lx)", (unsigned long)bad, (unsigned long)v);
    HYPERVISOR_vm_assist(VMASST_CMD_disable, VMASST_TYPE_writable_pagetables);
    os_aspace_switch(boot);
    t_rc("PT0103", "the address space written that way is destroyed cleanly", os_aspace_destroy(&as), 0);
    pt_put_page(pages[0]);
    pt_put_page(pages[1]);
}

/* update_va_mapping_otherdomain naming ourselves works like update_va_mapping. */
void pt_uvm_other(void)
{
    uint64_t *a = pt_get_page(0), *b = pt_get_page(0), v = 0;
    uint64_t va = (uint64_t)a;
    long rc;

    if (!a || !b) {
        t_case("PT0104", "update_va_mapping_otherdomain(DOMID_SELF) remaps a page", T_SKIP,
               "(no free page)");
        return;
    }
    b[0] = 0x5e1f;
    rc = os_hypercall_dyn(__HYPERVISOR_update_va_mapping_otherdomain, (long)va,
                          (long)((pt_mfn(b) << OS_PAGE_SHIFT) | PT_RO), UVMF_INVLPG, DOMID_SELF, 0);
    if (!rc)
        pt_try_load(a, &v);
    t_check("PT0104", "update_va_mapping_otherdomain(DOMID_SELF) remaps a page", rc == 0 && v == 0x5e1f,
            "(rc=%ld v=%#lx)", rc, (unsigned long)v);
    t_rc("PT0105", "update_va_mapping_otherdomain of an absent domain gives -ESRCH",
         os_hypercall_dyn(__HYPERVISOR_update_va_mapping_otherdomain, (long)va,
                          (long)((pt_mfn(b) << OS_PAGE_SHIFT) | PT_RO), UVMF_INVLPG, 77, 0),
         -XEN_ESRCH);
    pt_set_rw(a);
    pt_put_page(a);
    pt_put_page(b);
}
