/*
 * MMU: update_va_mapping (14), mmu_update (1), mmuext_op (26) on our own
 * bootstrap mappings.
 */
#include <os/mm.h>
#include <os/traps.h>
#include "test.h"

#define PTE_RW (OS_PTE_PRESENT | OS_PTE_RW | OS_PTE_ACCESSED | OS_PTE_DIRTY)

/* Store to va; returns the exinfo of a fault (0 if none). */
static uint64_t try_store(volatile uint64_t *va, uint64_t v)
{
    uint64_t ex = 0;

    asm volatile ("1: mov %[v], (%[p])\n2:\n" OS_EXTABLE(1b, 2b)
                  : "+a" (ex) : [p] "r" (va), [v] "r" (v) : "memory");
    return ex;
}

/* Machine address of the L1 entry that maps va. */
static uint64_t l1e_maddr(uint64_t va)
{
    uint64_t l1e = (uint64_t)os_l1e_of(va);

    return (os_virt_to_mfn((void *)(l1e & ~(OS_PAGE_SIZE - 1))) << OS_PAGE_SHIFT) |
           (l1e & (OS_PAGE_SIZE - 1));
}

static long mmuext1(unsigned int cmd, uint64_t arg1)
{
    struct mmuext_op op = { .cmd = cmd, .arg1.mfn = arg1 };

    return HYPERVISOR_mmuext_op(&op, 1, NULL, DOMID_SELF);
}

static void va_mapping(uint64_t *page)
{
    uint64_t va = (uint64_t)page, mfn = os_virt_to_mfn(page), ex;
    uint64_t l4_mfn = os_virt_to_mfn((void *)os_start_info->pt_base);
    long rc;

    rc = HYPERVISOR_update_va_mapping(va, (mfn << OS_PAGE_SHIFT) | OS_PTE_PRESENT |
                                      OS_PTE_ACCESSED, UVMF_INVLPG);
    ex = try_store(page, 1);
    t_check("MMU0001", "update_va_mapping to read-only: a store raises #PF(P|W)",
            rc == 0 && OS_EXINFO_VEC(ex) == 14 && OS_EXINFO_ERR(ex) == 3,
            "(rc=%ld exinfo=%#lx)", rc, (unsigned long)ex);
    rc = HYPERVISOR_update_va_mapping(va, (mfn << OS_PAGE_SHIFT) | PTE_RW, UVMF_INVLPG);
    ex = try_store(page, 2);
    t_check("MMU0002", "update_va_mapping back to writable: the store works",
            rc == 0 && ex == 0 && page[0] == 2, "(rc=%ld exinfo=%#lx)", rc,
            (unsigned long)ex);
    t_rc("MMU0003", "update_va_mapping where no L1 table exists gives -EINVAL",
         HYPERVISOR_update_va_mapping(T_UNMAPPED_VA, (mfn << OS_PAGE_SHIFT) | PTE_RW,
                                      UVMF_INVLPG), -XEN_EINVAL);
    rc = HYPERVISOR_update_va_mapping(va, (l4_mfn << OS_PAGE_SHIFT) | PTE_RW, UVMF_INVLPG);
    /* Xen cannot give the L4 frame the writable type while it is an L4. */
    t_rc("MMU0004", "a writable mapping of our L4 page table is refused (-EBUSY)",
         rc, -XEN_EBUSY);
    rc = HYPERVISOR_update_va_mapping(va, (mfn << OS_PAGE_SHIFT) | PTE_RW, UVMF_INVLPG);
    t_check("MMU0005", "after a refused update the old mapping is intact",
            rc == 0 && try_store(page, 3) == 0 && page[0] == 3, "(rc=%ld)", rc);
}

static void mmu_update(uint64_t *page)
{
    uint64_t va = (uint64_t)page, mfn = os_virt_to_mfn(page);
    struct mmu_update req = {
        .ptr = l1e_maddr(va) | MMU_NORMAL_PT_UPDATE,
        .val = (mfn << OS_PAGE_SHIFT) | OS_PTE_PRESENT | OS_PTE_ACCESSED,
    };
    unsigned int done = 99;
    long rc;

    rc = HYPERVISOR_mmu_update(&req, 1, &done, DOMID_SELF);
    HYPERVISOR_mmuext_op(&(struct mmuext_op){ .cmd = MMUEXT_INVLPG_LOCAL,
                                              .arg1.linear_addr = va }, 1, NULL, DOMID_SELF);
    t_check("MMU0006", "mmu_update of our L1 entry to read-only applies (done=1)",
            rc == 0 && done == 1 && OS_EXINFO_VEC(try_store(page, 4)) == 14,
            "(rc=%ld done=%u)", rc, done);
    req.val = (mfn << OS_PAGE_SHIFT) | PTE_RW;
    rc = HYPERVISOR_mmu_update(&req, 1, NULL, DOMID_SELF);
    HYPERVISOR_mmuext_op(&(struct mmuext_op){ .cmd = MMUEXT_INVLPG_LOCAL,
                                              .arg1.linear_addr = va }, 1, NULL, DOMID_SELF);
    t_check("MMU0007", "mmu_update restores the writable entry",
            rc == 0 && try_store(page, 5) == 0, "(rc=%ld)", rc);

    req.ptr = (mfn << OS_PAGE_SHIFT) | MMU_MACHPHYS_UPDATE;
    req.val = va >> OS_PAGE_SHIFT;
    t_rc("MMU0008", "MMU_MACHPHYS_UPDATE of our own frame to its own pfn returns 0",
         HYPERVISOR_mmu_update(&req, 1, NULL, DOMID_SELF), 0);
    req.ptr = l1e_maddr(va) | MMU_NORMAL_PT_UPDATE;
    req.val = (mfn << OS_PAGE_SHIFT) | PTE_RW;
    t_rc("MMU0009", "mmu_update naming a domain that does not exist gives -ESRCH",
         HYPERVISOR_mmu_update(&req, 1, NULL, 77), -XEN_ESRCH);
    t_rc("MMU0010", "mmu_update from an unmapped request list gives -EFAULT",
         HYPERVISOR_mmu_update((void *)T_UNMAPPED_VA, 1, NULL, DOMID_SELF), -XEN_EFAULT);
}

static void mmuext(void *page)
{
    uint64_t l4_mfn = os_virt_to_mfn((void *)os_start_info->pt_base);
    struct mmuext_op ops[3] = {
        { .cmd = MMUEXT_TLB_FLUSH_LOCAL },
        { .cmd = 14 },                      /* unused command number */
        { .cmd = MMUEXT_TLB_FLUSH_LOCAL },
    };
    unsigned int done = 99;
    long rc;

    t_rc("MMU0011", "MMUEXT_TLB_FLUSH_LOCAL returns 0", mmuext1(MMUEXT_TLB_FLUSH_LOCAL, 0), 0);
    t_rc("MMU0012", "MMUEXT_INVLPG_LOCAL returns 0",
         mmuext1(MMUEXT_INVLPG_LOCAL, (uint64_t)page), 0);
    rc = HYPERVISOR_mmuext_op(ops, 3, &done, DOMID_SELF);
    t_check("MMU0013", "a batch stops at an unknown command: -ENOSYS, done=1",
            rc == -XEN_ENOSYS && done == 1, "(rc=%ld done=%u)", rc, done);
    t_rc("MMU0014", "pinning the already pinned L4 again gives -EINVAL",
         mmuext1(MMUEXT_PIN_L4_TABLE, l4_mfn), -XEN_EINVAL);
    t_rc("MMU0015", "pinning a mapped-writable data frame as an L1 gives -EINVAL",
         mmuext1(MMUEXT_PIN_L1_TABLE, os_virt_to_mfn(page)), -XEN_EINVAL);
    t_rc("MMU0016", "unpinning a frame that is not pinned gives -EINVAL",
         mmuext1(MMUEXT_UNPIN_TABLE, os_virt_to_mfn(page)), -XEN_EINVAL);
}

void suite_mmu(void)
{
    uint64_t *page = os_alloc_page();

    if (!page) {
        t_case("MMU0001", "update_va_mapping to read-only: a store raises #PF(P|W)",
               T_SKIP, "(no free page)");
        return;
    }
    va_mapping(page);
    mmu_update(page);
    mmuext(page);
    os_free_page(page);
}
