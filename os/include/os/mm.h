/*
 * Memory of the os/ library: P2M/M2P lookups, PTE walks, a page allocator.
 *
 * Our image has no VIRT_BASE, so VA == pseudo-physical address in the
 * bootstrap region the builder mapped.  Free pages come from that region
 * after the boot stack page (its mapped padding); pages beyond it are not
 * mapped and are not handed out yet.
 */
#ifndef OS_MM_H
#define OS_MM_H

#include <stdint.h>

#define OS_PTE_PRESENT  0x001ull
#define OS_PTE_RW       0x002ull
#define OS_PTE_USER     0x004ull
#define OS_PTE_ACCESSED 0x020ull
#define OS_PTE_DIRTY    0x040ull
#define OS_PTE_NX       (1ull << 63)
#define OS_PTE_ADDR     0x000ffffffffff000ull

/* P2M: machine frame of our pseudo-physical frame pfn (from mfn_list). */
uint64_t os_pfn_to_mfn(uint64_t pfn);
/* M2P: pseudo-physical frame of machine frame mfn (the read-only table). */
uint64_t os_mfn_to_pfn(uint64_t mfn);
/* Machine frame behind a mapped VA of the bootstrap region. */
uint64_t os_virt_to_mfn(const void *va);

/*
 * Address of the L1 entry that maps va in the current page tables (a
 * read-only view; write it with mmu_update), or NULL if an upper level
 * is not present.
 */
const uint64_t *os_l1e_of(uint64_t va);

/* Find the free mapped pages; called once by os_start. */
void os_mm_init(void);

/* A zeroed, mapped, writable page, or NULL when none is left. */
void *os_alloc_page(void);
/* Give a page from os_alloc_page back. */
void os_free_page(void *page);
/* Pages still free. */
unsigned long os_free_pages(void);

#endif /* OS_MM_H */
