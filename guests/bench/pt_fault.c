/*
 * guest_pf_cycles: a kernel-mode load from a page we unmapped; Xen
 * bounces the #PF to our handler, which maps the page again
 * (update_va_mapping) and returns by iret to the load, which completes.
 * Unmapping is outside the measured interval.
 */
#include <os/console.h>
#include <os/hypercall.h>
#include <os/mm.h>
#include <os/os.h>
#include <os/time.h>
#include <os/traps.h>
#include "pt_bench.h"

#define N 1001
#define FLAGS_RW (OS_PTE_PRESENT | OS_PTE_RW | OS_PTE_ACCESSED | OS_PTE_DIRTY)

static uint64_t samples[N];
static uint64_t fault_va, fault_pte;
static unsigned long faults;

/* #PF hook: ours if cr2 is in the page we took away. */
static int map_back(struct os_regs *r)
{
    uint64_t cr2 = os_vcpu_info->arch.cr2;

    (void)r;
    if ((cr2 & ~(OS_PAGE_SIZE - 1)) != fault_va ||
        HYPERVISOR_update_va_mapping(fault_va, fault_pte, UVMF_INVLPG))
        return 0;
    faults++;
    return 1;
}

void pt_bench_fault(void)
{
    volatile uint64_t *page = os_alloc_page();
    os_trap_hook_t old;
    unsigned int i;
    long rc = 0;

    if (!page) {
        os_printf("bench: no free page\n");
        return;
    }
    fault_va = (uint64_t)page;
    fault_pte = (os_virt_to_mfn((void *)page) << OS_PAGE_SHIFT) | FLAGS_RW;
    faults = 0;
    old = os_set_trap_hook(14, map_back);
    for (i = 0; i < N && !rc; i++) {
        uint64_t t0;

        rc = HYPERVISOR_update_va_mapping(fault_va, 0, UVMF_INVLPG);
        t0 = os_rdtsc();
        (void)page[1];
        samples[i] = os_rdtsc() - t0;
    }
    os_set_trap_hook(14, old);
    if (rc || faults != N)
        os_printf("bench: guest #PF path failed (rc=%ld faults=%lu)\n", rc, faults);
    else
        pt_report("guest_pf_cycles", samples, N);
    os_free_page((void *)page);
}
