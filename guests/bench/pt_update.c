/*
 * One PTE update by each PV path: batched mmu_update (64 per call, cost
 * per entry), update_va_mapping (one call per entry, with INVLPG), and a
 * plain store into our read-only L1 that the hypervisor traps, validates
 * and emulates (writable page tables).  Each update flips one mapping
 * between read-only and writable, so every sample really changes it.
 */
#include <os/aspace.h>
#include <os/console.h>
#include <os/hypercall.h>
#include <os/mm.h>
#include <os/os.h>
#include <os/time.h>
#include "pt_bench.h"

#define N        1001
#define N_BATCH  201
#define BATCH    64
#define BASE_VA  0x0000010000000000ull      /* L4 slot 2 */
#define FLAGS_RO (OS_PTE_PRESENT | OS_PTE_ACCESSED)
#define FLAGS_RW (FLAGS_RO | OS_PTE_RW | OS_PTE_DIRTY)

static uint64_t samples[N];

static void batched(void *data)
{
    struct os_aspace as;
    uint64_t mfn = os_virt_to_mfn(data);
    uint64_t l1e = 0;
    unsigned int i, k;
    long rc;

    if ((rc = os_aspace_create(&as))) {
        os_printf("bench: aspace create failed (%ld)\n", rc);
        return;
    }
    for (k = 0; k < BATCH && !rc; k++)
        rc = os_aspace_map(&as, BASE_VA + k * OS_PAGE_SIZE, mfn, FLAGS_RO);
    if (!rc)
        rc = os_mmu_flush();
    /* The 64 entries are consecutive in one L1. */
    if (!rc)
        rc = os_aspace_l1e_maddr(&as, BASE_VA, &l1e);
    for (i = 0; i < N_BATCH && !rc; i++) {
        uint64_t flags = (i & 1) ? FLAGS_RO : FLAGS_RW, t0;

        for (k = 0; k < BATCH; k++)
            os_mmu_queue(l1e + k * 8, (mfn << OS_PAGE_SHIFT) | flags);
        t0 = os_rdtsc();
        rc = os_mmu_flush();
        samples[i] = (os_rdtsc() - t0) / BATCH;
    }
    if (rc)
        os_printf("bench: batched mmu_update failed (%ld)\n", rc);
    else
        pt_report("pte_update_batched_cycles", samples, N_BATCH);
    os_aspace_destroy(&as);
}

static void uvm(void *data)
{
    uint64_t mfn = os_virt_to_mfn(data);
    unsigned int i;
    long rc = 0;

    for (i = 0; i < N && !rc; i++) {
        uint64_t pte = (mfn << OS_PAGE_SHIFT) | ((i & 1) ? FLAGS_RW : FLAGS_RO);
        uint64_t t0 = os_rdtsc();

        rc = HYPERVISOR_update_va_mapping((uint64_t)data, pte, UVMF_INVLPG);
        samples[i] = os_rdtsc() - t0;
    }
    HYPERVISOR_update_va_mapping((uint64_t)data, (mfn << OS_PAGE_SHIFT) | FLAGS_RW,
                                 UVMF_INVLPG);
    if (rc)
        os_printf("bench: update_va_mapping failed (%ld)\n", rc);
    else
        pt_report("pte_update_uvm_cycles", samples, N);
}

static void writable(void *data)
{
    volatile uint64_t *l1e = (volatile uint64_t *)os_l1e_of((uint64_t)data);
    uint64_t mfn = os_virt_to_mfn(data);
    unsigned int i;
    int took = 1;

    if (HYPERVISOR_vm_assist(VMASST_CMD_enable, VMASST_TYPE_writable_pagetables)) {
        os_printf("bench: no writable page tables\n");
        return;
    }
    for (i = 0; i < N; i++) {
        uint64_t flags = (i & 1) ? FLAGS_RW : FLAGS_RO;
        uint64_t t0 = os_rdtsc();

        *l1e = (mfn << OS_PAGE_SHIFT) | flags;
        samples[i] = os_rdtsc() - t0;
        /* Xen may add flags (USER), never drop RW or change the frame. */
        took &= (*l1e & (OS_PTE_ADDR | OS_PTE_RW)) ==
                ((mfn << OS_PAGE_SHIFT) | (flags & OS_PTE_RW));
    }
    HYPERVISOR_update_va_mapping((uint64_t)data, (mfn << OS_PAGE_SHIFT) | FLAGS_RW,
                                 UVMF_INVLPG);
    HYPERVISOR_vm_assist(VMASST_CMD_disable, VMASST_TYPE_writable_pagetables);
    if (!took)
        os_printf("bench: emulated stores did not take effect\n");
    else
        pt_report("pte_update_writable_cycles", samples, N);
}

/*
 * A burst of stores: all 512 entries of one L1 of the current address space
 * written directly (writable page tables), then one access through it. This
 * is where batched writable page tables (Xenolith's dom0_ptwr=batched) pay
 * off: one unhook, 511 plain stores, one re-validation; with emulation every
 * store traps. Cost per entry.
 */
static void writable_burst(void *data)
{
    struct os_aspace as;
    const struct os_aspace *boot = os_aspace_current();
    uint64_t mfn = os_virt_to_mfn(data), l1e = 0;
    volatile uint64_t *l1;
    unsigned int i, k, n = 51;
    long rc;

    if ((rc = os_aspace_create(&as))) {
        os_printf("bench: aspace create failed (%ld)\n", rc);
        return;
    }
    rc = os_aspace_map(&as, BASE_VA, mfn, FLAGS_RO);
    if (!rc)
        rc = os_mmu_flush();
    if (!rc)
        rc = os_aspace_l1e_maddr(&as, BASE_VA, &l1e);
    if (!rc)
        rc = os_aspace_switch(&as);
    if (rc) {
        os_printf("bench: burst set-up failed (%ld)\n", rc);
        os_aspace_destroy(&as);
        return;
    }
    /* The L1 frame at its pool address (pool pages are mapped at pfn << 12). */
    l1 = (volatile uint64_t *)(os_mfn_to_pfn(l1e >> OS_PAGE_SHIFT) << OS_PAGE_SHIFT);
    HYPERVISOR_vm_assist(VMASST_CMD_enable, VMASST_TYPE_writable_pagetables);
    for (i = 0; i < n; i++) {
        uint64_t flags = (i & 1) ? FLAGS_RW : FLAGS_RO, t0 = os_rdtsc();
        for (k = 0; k < 512; k++)
            l1[k] = (mfn << OS_PAGE_SHIFT) | flags;
        (void)*(volatile uint64_t *)BASE_VA;    /* first use of the range */
        samples[i] = (os_rdtsc() - t0) / 512;
    }
    HYPERVISOR_vm_assist(VMASST_CMD_disable, VMASST_TYPE_writable_pagetables);
    os_aspace_switch(boot);
    os_aspace_destroy(&as);
    pt_report("pte_update_writable_burst_cycles", samples, n);
}

/* The update paths on one pool page. */
void pt_bench_updates(void)
{
    void *data = os_alloc_page();

    if (!data) {
        os_printf("bench: no free page\n");
        return;
    }
    batched(data);
    uvm(data);
    writable(data);
    writable_burst(data);
    os_free_page(data);
}
