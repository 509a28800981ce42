/*
 * The bootstrap page tables of a PV domU (see dom_pt.h). Pure.
 */
#include <xl/string.h>
#include "dom_pt.h"

uint64_t xc_dom_pt_count(const struct boot_layout *lay, unsigned int level)
{
    switch (level) {
    case 4: return 1;
    case 3: return lay->nr_l3;
    case 2: return lay->nr_l2;
    case 1: return lay->nr_l1;
    default: return 0;
    }
}

uint64_t xc_dom_pt_pfn(const struct boot_layout *lay, unsigned int level, uint64_t k)
{
    uint64_t pfn = boot_layout_pfn(lay, lay->pt.start);

    for (unsigned int above = 4; above > level; above--)
        pfn += xc_dom_pt_count(lay, above);
    return pfn + k;
}

/* Whether addr falls in the span of `shift` bits that starts at lo (no overflow at the top). */
static int in_span(uint64_t addr, uint64_t lo, unsigned int shift)
{
    return shift >= 48 || (addr >= lo && addr - lo < (1ull << shift));
}

void xc_dom_pt_table(const struct boot_layout *lay, const uint64_t *p2m, unsigned int level,
                     uint64_t k, uint64_t table[512])
{
    unsigned int shift = 12 + 9 * level;            /* bits one table of this level covers */
    uint64_t base = level == 4 ? 0 : lay->v_start & ~((1ull << shift) - 1);
    uint64_t lo = base + (k << shift);

    memset(table, 0, 512 * sizeof(*table));
    if (level == 1) {
        /* The region's pages in this table's 2 MiB (lo is aligned: lo + 2 MiB - 1 cannot wrap). */
        uint64_t first = lo > lay->v_start ? lo : lay->v_start;
        uint64_t last = lo + ((1ull << shift) - 1) < lay->v_end - 1 ? lo + ((1ull << shift) - 1)
                                                                     : lay->v_end - 1;
        uint64_t pt_pages = (lay->pt.end - lay->pt.start) >> 12;
        uint64_t pfn = boot_layout_pfn(lay, first), pt_pfn = boot_layout_pfn(lay, lay->pt.start);

        if (first >= lay->v_end)
            return;
        for (unsigned int i = (first >> 12) & 511; i <= ((last >> 12) & 511); i++, pfn++)
            /* Page tables are never guest-writable. */
            table[i] = (p2m[pfn] << 12) | (pfn - pt_pfn < pt_pages ? XC_L1_PROT & ~XC_PTE_RW
                                                                   : XC_L1_PROT);
        return;
    }
    /* The children: the tables one level down whose span falls in ours. */
    unsigned int cshift = shift - 9;
    uint64_t cbase = lay->v_start & ~((1ull << cshift) - 1);

    for (uint64_t j = 0; j < xc_dom_pt_count(lay, level - 1); j++) {
        uint64_t child = cbase + (j << cshift);

        if (in_span(child, lo, shift))
            table[(child >> cshift) & 511] = (p2m[xc_dom_pt_pfn(lay, level - 1, j)] << 12) |
                                             XC_LN_PROT;
    }
}
