/*
 * The bootstrap page tables of a PV domU, as pure arithmetic over its boot
 * layout (lib/boot_layout.c) and its P2M: host-tested (tests/unit/test_xc_dom_pt.c).
 *
 * The tables sit in the layout's page-table range in Xen's order (the L4,
 * then the L3s, L2s and L1s); walking the region upwards, table k of a
 * level covers the k-th span of that level the region touches. The L1s
 * map the whole region, read-only where the page tables themselves are.
 */
#ifndef XC_DOM_PT_H
#define XC_DOM_PT_H

#include <stdint.h>
#include <xl/boot_layout.h>

#define XC_PTE_PRESENT   0x001ull
#define XC_PTE_RW        0x002ull
#define XC_PTE_USER      0x004ull
#define XC_PTE_ACCESSED  0x020ull
#define XC_PTE_DIRTY     0x040ull
#define XC_PTE_ADDR      0x000ffffffffff000ull
/* Protections of the initial tables (those of Xen's builders). */
#define XC_L1_PROT (XC_PTE_PRESENT | XC_PTE_RW | XC_PTE_ACCESSED | XC_PTE_USER)
#define XC_LN_PROT (XC_L1_PROT | XC_PTE_DIRTY)

/* How many tables of level (1..4) the layout has. */
uint64_t xc_dom_pt_count(const struct boot_layout *lay, unsigned int level);
/* The PFN that table k of level goes into. */
uint64_t xc_dom_pt_pfn(const struct boot_layout *lay, unsigned int level, uint64_t k);
/* The 512 entries of table k of level; p2m maps the domain's PFNs to MFNs. */
void xc_dom_pt_table(const struct boot_layout *lay, const uint64_t *p2m, unsigned int level,
                     uint64_t k, uint64_t table[512]);

#endif /* XC_DOM_PT_H */
