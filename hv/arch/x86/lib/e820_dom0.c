/* Dom0's machine memory map, as Xen 4.17 builds it (asm/e820_dom0.h). */
#include <asm/e820_dom0.h>

#define PAGE 4096ULL

void e820_dom0_sort(struct e820_dom0_entry *fw, unsigned int n)
{
    for (unsigned int i = 1; i < n; i++) {
        struct e820_dom0_entry e = fw[i];
        unsigned int j = i;
        while (j > 0 && fw[j - 1].addr > e.addr) {
            fw[j] = fw[j - 1];
            j--;
        }
        fw[j] = e;
    }
}

static void put(struct e820_dom0_entry *out, unsigned int max, unsigned int *n,
                uint64_t addr, uint64_t size, uint32_t type, uint32_t left)
{
    if (*n < max)
        out[*n] = (struct e820_dom0_entry){ addr, size, type, left };
    (*n)++;
}

/* The special ranges inside the gap [s, e) (bytes, frame-aligned), as reserved entries. */
static void gap(const struct e820_dom0_range *sp, unsigned int nsp, uint64_t s, uint64_t e,
                struct e820_dom0_entry *out, unsigned int max, unsigned int *n)
{
    for (unsigned int k = 0; k < nsp; k++) {
        uint64_t a = sp[k].start > s ? sp[k].start : s;
        uint64_t b = sp[k].end < e ? sp[k].end : e;
        if (a < b)
            put(out, max, n, a, b - a, E820_DOM0_RESERVED, 0);
    }
}

unsigned int e820_dom0_build(const struct e820_dom0_entry *fw, unsigned int nfw,
                             const struct e820_dom0_range *sp, unsigned int nsp,
                             struct e820_dom0_entry *out, unsigned int max)
{
    unsigned int n = 0;
    uint64_t s = 0;                     /* the first frame (in bytes) after the last entry */

    for (unsigned int i = 0; i < nfw; i++) {
        uint64_t start = fw[i].addr & ~(PAGE - 1), end = fw[i].addr + fw[i].size;

        if (start > s)
            gap(sp, nsp, s, start, out, max, &n);
        put(out, max, &n, fw[i].addr, fw[i].size, fw[i].type, nfw - i);
        s = (end + PAGE - 1) & ~(PAGE - 1);
    }
    /* After the last entry: to the end of the address space. */
    if (nfw)
        gap(sp, nsp, s, ~0ULL & ~(PAGE - 1), out, max, &n);
    return n;
}
