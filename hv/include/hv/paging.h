/* x86-64 4-level page-table entries and the hypervisor's own mappings. */
#ifndef HV_PAGING_H
#define HV_PAGING_H
#include <stdint.h>
#include <hv/mm.h>

#define _PAGE_PRESENT  0x001UL
#define _PAGE_RW       0x002UL
#define _PAGE_USER     0x004UL
#define _PAGE_PWT      0x008UL
#define _PAGE_PCD      0x010UL
#define _PAGE_ACCESSED 0x020UL
#define _PAGE_DIRTY    0x040UL
#define _PAGE_PSE      0x080UL
#define _PAGE_GLOBAL   0x100UL
#define _PAGE_NX       (1UL << 63)
#define PTE_ADDR_MASK  0x000ffffffffff000UL

typedef uint64_t pte_t;

static inline unsigned int l4_index(uint64_t va) { return (va >> 39) & 511; }
static inline unsigned int l3_index(uint64_t va) { return (va >> 30) & 511; }
static inline unsigned int l2_index(uint64_t va) { return (va >> 21) & 511; }
static inline unsigned int l1_index(uint64_t va) { return (va >> 12) & 511; }
static inline mfn_t pte_mfn(pte_t e) { return (e & PTE_ADDR_MASK) >> PAGE_SHIFT; }
static inline pte_t make_pte(mfn_t mfn, uint64_t flags) { return (mfn << PAGE_SHIFT) | flags; }

/* The hypervisor's L4 (the boot one): template for every guest's slots 256-271. */
pte_t *idle_l4(void);
void paging_init(void);

/*
 * Map `n` frames from `mfn` at `va` in the table rooted at `l4` with leaf
 * `flags`, allocating intermediate tables (flags `table_flags`). 0 or -ENOMEM.
 */
int map_frames(pte_t *l4, uint64_t va, mfn_t mfn, unsigned long n, uint64_t flags,
               uint64_t table_flags);

/* The read-only machine-to-phys table at MACH2PHYS_VIRT_START. */
void m2p_init(void);
extern mfn_t m2p_first_mfn;          /* the M2P's frames are contiguous */
extern unsigned long m2p_pages;
void m2p_set(mfn_t mfn, uint64_t pfn);
uint64_t m2p_get(mfn_t mfn);

#endif
