/* x86-64 4-level page-table entries and the hypervisor's own mappings. */
#ifndef HV_PAGING_H
#define HV_PAGING_H
#include <stdint.h>
#include <hv/mm.h>
#include <asm/pt_types.h>      /* the entry bits: PT_PRESENT, PT_RW, ... PT_NX */

typedef uint64_t pte_t;

static inline unsigned int l4_index(uint64_t va) { return (va >> 39) & 511; }
static inline unsigned int l3_index(uint64_t va) { return (va >> 30) & 511; }
static inline unsigned int l2_index(uint64_t va) { return (va >> 21) & 511; }
static inline unsigned int l1_index(uint64_t va) { return (va >> 12) & 511; }
static inline mfn_t pte_mfn(pte_t e) { return (e & PT_ADDR_MASK) >> PAGE_SHIFT; }
static inline pte_t make_pte(mfn_t mfn, uint64_t flags) { return (mfn << PAGE_SHIFT) | flags; }

/* The hypervisor's L4 (the boot one): template for every guest's slots 256-271. */
pte_t *idle_l4(void);
/* Run on the hypervisor's own page tables (a CPU that just started, or one with no vCPU). */
void paging_load_idle(void);
void paging_init(void);
/* Remove head.S's identity map (after cpu_tables_init). */
void paging_drop_identity_map(void);

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
/* m2p_set of mfn[i] to pfn[i] for each i < n (pfn NULL: no PFN, ~0). */
void m2p_set_list(const mfn_t *mfn, const uint64_t *pfn, unsigned long n);
uint64_t m2p_get(mfn_t mfn);

#endif
