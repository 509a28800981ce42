/*
 * x86-64 4-level page-table entry bits: the one set of names, for C (the
 * frame-type machine, the hypervisor's own mappings) and for the boot
 * assembly (head.S), so only plain macros here.
 */
#ifndef HV_PT_BITS_H
#define HV_PT_BITS_H

#ifdef __ASSEMBLER__
#define PT_UL(x) x
#else
#define PT_UL(x) x##UL
#endif

/* Page-table entry bits the validator looks at (x86-64 4-level paging). */
#define PT_PRESENT      PT_UL(0x001)
#define PT_RW           PT_UL(0x002)
#define PT_USER         PT_UL(0x004)
#define PT_PWT          PT_UL(0x008)
#define PT_PCD          PT_UL(0x010)
#define PT_ACCESSED     PT_UL(0x020)
#define PT_DIRTY        PT_UL(0x040)
#define PT_PSE          PT_UL(0x080)            /* PAT in an L1 entry */
#define PT_GLOBAL       PT_UL(0x100)
#define PT_AVAIL        PT_UL(0xe00)            /* bits 9-11, free for the guest */
#define PT_ADDR_MASK    PT_UL(0x000ffffffffff000)
#define PT_AVAIL_HIGH   (PT_UL(0x7ff) << 52)    /* bits 52-62, free for the guest ... */
#define PT_GUEST_KERNEL (PT_UL(1) << 52)        /* ... except: we mark kernel-only L1 pages */
#define PT_GNTTAB       (PT_UL(1) << 62)        /* ... and: grant mappings (never via mmu_update) */
#define PT_NX           (PT_UL(1) << 63)
#define PT_CACHE_ATTRS  (PT_PWT | PT_PCD | PT_PSE)

#endif
