/*
 * Helpers of the page-table suite (see pt_util.h), and suite_pt itself.
 */
#include <os/traps.h>
#include "pt_suite.h"
#include "pt_util.h"

/* Machine frame of a byte of the pool or boot region. */
uint64_t pt_mfn(const void *p)
{
    return os_virt_to_mfn(p);
}

/* Machine address of a byte of the pool or boot region. */
uint64_t pt_maddr(const void *p)
{
    return (pt_mfn(p) << OS_PAGE_SHIFT) | ((uint64_t)p & (OS_PAGE_SIZE - 1));
}

/* Machine frame of the boot L4. */
uint64_t pt_boot_l4_mfn(void)
{
    return pt_mfn((void *)os_start_info->pt_base);
}

/* Machine address of the boot L1 entry of va (which must be mapped). */
uint64_t pt_l1e_maddr(uint64_t va)
{
    return pt_maddr(os_l1e_of(va));
}

static long remap(void *page, uint64_t flags)
{
    return HYPERVISOR_update_va_mapping((uint64_t)page,
                                        (pt_mfn(page) << OS_PAGE_SHIFT) | flags,
                                        UVMF_INVLPG);
}

/* Remap a pool page read-only. */
long pt_set_ro(void *page)
{
    return remap(page, PT_RO);
}

/* Remap a pool page writable. */
long pt_set_rw(void *page)
{
    return remap(page, PT_RW);
}

/* A zeroed pool page, read-only if ro; NULL on failure. */
void *pt_get_page(int ro)
{
    void *p = os_alloc_page();

    if (p && ro && pt_set_ro(p)) {
        os_free_page(p);
        return NULL;
    }
    return p;
}

/* Make page writable and free it; leak it (nonzero) if Xen refuses. */
long pt_put_page(void *page)
{
    long rc = pt_set_rw(page);

    if (!rc)
        os_free_page(page);
    return rc;
}

/* One mmu_update request. */
long pt_mmu1(uint64_t ptr, uint64_t val, unsigned int *done)
{
    struct mmu_update req = { .ptr = ptr, .val = val };

    return HYPERVISOR_mmu_update(&req, 1, done, DOMID_SELF);
}

/* One mmuext_op with two arguments. */
long pt_ext2(unsigned int cmd, uint64_t arg1, uint64_t arg2)
{
    struct mmuext_op op = { .cmd = cmd, .arg1.mfn = arg1, .arg2.src_mfn = arg2 };

    return HYPERVISOR_mmuext_op(&op, 1, NULL, DOMID_SELF);
}

/* One mmuext_op with one argument. */
long pt_ext(unsigned int cmd, uint64_t arg1)
{
    return pt_ext2(cmd, arg1, 0);
}

/* Pin mfn as an L<level> table. */
long pt_pin(int level, uint64_t mfn)
{
    return pt_ext(MMUEXT_PIN_L1_TABLE + level - 1, mfn);
}

/* Unpin mfn. */
long pt_unpin(uint64_t mfn)
{
    return pt_ext(MMUEXT_UNPIN_TABLE, mfn);
}

/* Flush the local TLB. */
void pt_flush_tlb(void)
{
    pt_ext(MMUEXT_TLB_FLUSH_LOCAL, 0);
}

/* Store v to p; exception info of a fault, 0 if none. */
uint64_t pt_try_store(volatile uint64_t *p, uint64_t v)
{
    uint64_t ex = 0;

    asm volatile ("1: mov %[v], (%[p])\n2:\n" OS_EXTABLE(1b, 2b)
                  : "+a" (ex) : [p] "r" (p), [v] "r" (v) : "memory");
    return ex;
}

/* Load *p into *v; exception info of a fault, 0 if none. */
uint64_t pt_try_load(const volatile uint64_t *p, uint64_t *v)
{
    uint64_t ex = 0, val = 0;

    asm volatile ("1: mov (%[p]), %[val]\n2:\n" OS_EXTABLE(1b, 2b)
                  : "+a" (ex), [val] "+r" (val) : [p] "r" (p) : "memory");
    *v = val;
    return ex;
}

/*
 * The L3 frame behind the boot L4's slot 256 (the read-only M2P area):
 * a frame of the hypervisor that Xen fills into every guest L4.  0 if
 * the slot is empty.
 */
uint64_t pt_xen_mfn(void)
{
    const uint64_t *l4 = (const uint64_t *)os_start_info->pt_base;

    if (!(l4[256] & OS_PTE_PRESENT))
        return 0;
    return (l4[256] & OS_PTE_ADDR) >> OS_PAGE_SHIFT;
}

/* xorshift64: good enough to scatter mappings, and reproducible. */
uint64_t pt_rand(uint64_t *s)
{
    uint64_t x = *s;

    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return *s = x;
}

void suite_pt(void)
{
    os_printf("selftest: page tables\n");
    pt_foreign();
    pt_types();
    pt_args();
    pt_pins();
    pt_preempt();
    pt_ops();
    pt_reservation();
    pt_aspace();
    pt_stress();
    pt_wrpt();
    pt_wrburst();
    pt_uvm_other();
}
