/*
 * PT: writable page tables (VMASST_TYPE_writable_pagetables).  With the
 * assist on, a plain store to an entry of one of our (read-only) L1
 * tables faults into the hypervisor, which validates the new entry and
 * emulates the store; an entry it would refuse through mmu_update is
 * refused here too, by bouncing the #PF to us.  Only L1s are emulated.
 */
#include "pt_util.h"

#define TAG_P 0x1111222233334444ull
#define TAG_Q 0x5555666677778888ull

/*
 * The two pages whose mapping is rewritten, first in the image's bss: the L1
 * that maps them also maps this code, so with dom0_ptwr=batched the stores
 * are emulated as here (an L1 mapping the running code is never unhooked)
 * whatever the image's size. A page of the pool may lie in the next 2 MiB:
 * that L1 would be unhooked, PT0088's bad entry stored, and Dom0 crashed
 * when the table is validated again.
 */
static uint64_t wr_pages[2][512] __attribute__((section(".bss.page_aligned"), aligned(4096)));

void pt_wrpt(void)
{
    uint64_t *p = wr_pages[0], *q = wr_pages[1];
    volatile uint64_t *l1e;
    uint64_t old, ex, v = 0;
    uint64_t cr2;

    p[0] = TAG_P;
    q[0] = TAG_Q;
    l1e = (volatile uint64_t *)os_l1e_of((uint64_t)p);
    old = *l1e;
    if (!t_rc("PT0085", "enable writable_pagetables",
              HYPERVISOR_vm_assist(VMASST_CMD_enable, VMASST_TYPE_writable_pagetables), 0))
        return;

    ex = pt_try_store(l1e, (pt_mfn(q) << OS_PAGE_SHIFT) | PT_RW);
    pt_ext(MMUEXT_INVLPG_LOCAL, (uint64_t)p);
    pt_try_load(p, &v);
    t_check("PT0086", "a direct store to our L1 entry is emulated and takes effect",
            ex == 0 && v == TAG_Q && (*l1e & OS_PTE_ADDR) >> OS_PAGE_SHIFT == pt_mfn(q),
            "(exinfo=%#lx v=%#lx)", (unsigned long)ex, (unsigned long)v);
    ex = pt_try_store(l1e, old);
    pt_ext(MMUEXT_INVLPG_LOCAL, (uint64_t)p);
    pt_try_load(p, &v);
    t_check("PT0087", "a second store puts the old entry back", ex == 0 && v == TAG_P,
            "(exinfo=%#lx v=%#lx)", (unsigned long)ex, (unsigned long)v);

    ex = pt_try_store(l1e, (pt_xen_mfn() << OS_PAGE_SHIFT) | PT_RO);
    cr2 = os_vcpu_info->arch.cr2;
    t_check("PT0088", "a store mapping a hypervisor frame bounces #PF(P|W) at the entry",
            OS_EXINFO_VEC(ex) == 14 && OS_EXINFO_ERR(ex) == 3 && cr2 == (uint64_t)l1e &&
            *l1e == old, "(exinfo=%#lx cr2=%#lx)", (unsigned long)ex, (unsigned long)cr2);
    ex = pt_try_store(l1e, (pt_boot_l4_mfn() << OS_PAGE_SHIFT) | PT_RW);
    t_check("PT0089", "a store mapping our L4 writable bounces #PF(P|W), entry kept",
            OS_EXINFO_VEC(ex) == 14 && OS_EXINFO_ERR(ex) == 3 && *l1e == old,
            "(exinfo=%#lx)", (unsigned long)ex);
    /* Slot 0 of our L4, stored unchanged: only L1s are emulated. */
    ex = pt_try_store((volatile uint64_t *)os_start_info->pt_base,
                      *(volatile uint64_t *)os_start_info->pt_base);
    t_check("PT0090", "a store to our L4 is not emulated: #PF(P|W)",
            OS_EXINFO_VEC(ex) == 14 && OS_EXINFO_ERR(ex) == 3, "(exinfo=%#lx)",
            (unsigned long)ex);

    t_rc("PT0091", "disable writable_pagetables",
         HYPERVISOR_vm_assist(VMASST_CMD_disable, VMASST_TYPE_writable_pagetables), 0);
    /*
     * Xen 4.17 still emulates for the hardware domain: its read-only MMIO
     * path (mmio_ro) sends every kernel write fault on a present page to
     * the same emulator, assist or not.
     */
    ex = pt_try_store(l1e, (pt_mfn(q) << OS_PAGE_SHIFT) | PT_RW);
    pt_ext(MMUEXT_INVLPG_LOCAL, (uint64_t)p);
    pt_try_load(p, &v);
    t_check("PT0092", "with the assist off, Dom0's store is still emulated (Xen 4.17)",
            ex == 0 && v == TAG_Q, "(exinfo=%#lx v=%#lx)", (unsigned long)ex,
            (unsigned long)v);
    pt_mmu1(pt_maddr((const void *)l1e), old, NULL);
    pt_ext(MMUEXT_INVLPG_LOCAL, (uint64_t)p);
}
