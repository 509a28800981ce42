/*
 * The machine memory map the hardware domain reads (XENMEM_machine_memory_map),
 * built as Xen 4.17 builds it, kept pure for the host tests
 * (tests/unit/test_e820_dom0.c): the firmware's entries in address order and,
 * in the gaps between them, the I/O frames the domain may not map as it likes
 * (the I/O APIC's page, the MSI window with the local APIC) as reserved
 * entries. Linux's Dom0 takes its E820 from it, so it then sees the same
 * holes and reserved ranges as on Xen ("Xen: [mem ...]" at boot).
 */
#ifndef HV_E820_DOM0_H
#define HV_E820_DOM0_H
#include <stdint.h>

#define E820_DOM0_RAM      1
#define E820_DOM0_RESERVED 2

struct e820_dom0_entry {
    uint64_t addr, size;
    uint32_t type;
    uint32_t firmware_left;     /* a firmware entry: it and those after it; 0: a gap's */
};

struct e820_dom0_range { uint64_t start, end; };        /* [start, end) bytes */

/*
 * The most entries a map of nfw firmware entries and nsp special ranges can
 * have: a special range may be cut by firmware entries into every gap, and
 * there is one gap before each entry and one after the last.
 */
#define E820_DOM0_MAX_ENTRIES(nfw, nsp) ((nfw) + ((nfw) + 1) * (nsp))

/*
 * Sort the n firmware entries (addr, size, type; firmware_left ignored) by
 * address, in place.
 */
void e820_dom0_sort(struct e820_dom0_entry *fw, unsigned int n);

/*
 * Dom0's map from the sorted firmware map fw[0..nfw) and the special I/O
 * ranges sp[0..nsp) (sorted, disjoint, page-aligned). Writes at most `max`
 * entries to out and returns how many the map has (more than max: cut).
 * A gap is reckoned in whole frames, from the frame after an entry's end to
 * the frame of the next one's start, as Xen does.
 */
unsigned int e820_dom0_build(const struct e820_dom0_entry *fw, unsigned int nfw,
                             const struct e820_dom0_range *sp, unsigned int nsp,
                             struct e820_dom0_entry *out, unsigned int max);

#endif
