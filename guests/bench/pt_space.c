/*
 * A 64 MiB address space (16384 read-only mappings of a few frames, in
 * 32 L1 tables): how long Xen takes to validate and to drop it all
 * (unpin + pin of its L4), and to build a copy of it the way fork would
 * (new tables, every entry copied through batched mmu_update, pinned).
 */
#include <os/aspace.h>
#include <os/console.h>
#include <os/hypercall.h>
#include <os/mm.h>
#include <os/os.h>
#include <os/time.h>
#include "pt_bench.h"

#define N        11
#define SPAN     (64ull << 20)
#define BASE_VA  0x0000020000000000ull      /* L4 slot 4 */
#define NR_DATA  4
#define FLAGS_RO (OS_PTE_PRESENT | OS_PTE_ACCESSED)

static uint64_t samples[N];

static long ext(unsigned int cmd, uint64_t mfn)
{
    struct mmuext_op op = { .cmd = cmd, .arg1.mfn = mfn };

    return HYPERVISOR_mmuext_op(&op, 1, NULL, DOMID_SELF);
}

static long build(struct os_aspace *as, void **data)
{
    uint64_t off;
    long rc = os_aspace_create(as);

    for (off = 0; off < SPAN && !rc; off += OS_PAGE_SIZE)
        rc = os_aspace_map(as, BASE_VA + off,
                           os_virt_to_mfn(data[(off >> 12) % NR_DATA]), FLAGS_RO);
    if (!rc)
        rc = os_mmu_flush();
    return rc;
}

static void pin_unpin(struct os_aspace *as)
{
    unsigned int i;
    long rc = 0;

    for (i = 0; i < N && !rc; i++) {
        uint64_t t0 = os_rdtsc();

        rc = ext(MMUEXT_UNPIN_TABLE, as->l4_mfn);
        if (!rc)
            rc = ext(MMUEXT_PIN_L4_TABLE, as->l4_mfn);
        samples[i] = os_rdtsc() - t0;
    }
    if (rc)
        os_printf("bench: pin/unpin failed (%ld)\n", rc);
    else
        pt_report("l4_pin_unpin_64MiB_cycles", samples, N);
}

static void fork_copy(struct os_aspace *as)
{
    unsigned int i;
    long rc = 0;

    for (i = 0; i < N && !rc; i++) {
        struct os_aspace copy = { 0 };
        uint64_t t0 = os_rdtsc();

        rc = os_aspace_clone(&copy, as);
        samples[i] = os_rdtsc() - t0;
        if (copy.l4 && os_aspace_destroy(&copy) && !rc)
            rc = -1;
    }
    if (rc)
        os_printf("bench: fork copy failed (%ld)\n", rc);
    else
        pt_report("fork_copy_64MiB_cycles", samples, N);
}

/* Build the 64 MiB space once, measure, tear it down. */
void pt_bench_spaces(void)
{
    void *data[NR_DATA];
    struct os_aspace as = { 0 };
    unsigned int d;
    long rc;

    for (d = 0; d < NR_DATA; d++)
        if (!(data[d] = os_alloc_page())) {
            os_printf("bench: no free page\n");
            return;
        }
    rc = build(&as, data);
    if (rc) {
        os_printf("bench: building the 64 MiB space failed (%ld)\n", rc);
    } else {
        os_printf("bench: 64 MiB space: %lu table frames\n", os_aspace_frames(&as));
        pin_unpin(&as);
        fork_copy(&as);
    }
    if (as.l4)
        os_aspace_destroy(&as);
    for (d = 0; d < NR_DATA; d++)
        os_free_page(data[d]);
}
