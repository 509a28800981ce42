/* Building hypervisor mappings, and the machine-to-phys table guests read. */
#include <xen/xen.h>
#include <xen/errno.h>
#include <hv/console.h>
#include <hv/io.h>
#include <hv/lib.h>
#include <hv/paging.h>

static uint64_t idle_cr3;
static uint64_t *m2p;               /* direct-map view, writable */
mfn_t m2p_first_mfn;
unsigned long m2p_pages;
static unsigned long m2p_entries;

/* The boot page tables stay the hypervisor's own; remember their root. */
void paging_init(void)
{
    idle_cr3 = read_cr3() & PTE_ADDR_MASK;
}

pte_t *idle_l4(void)
{
    return (pte_t *)maddr_to_virt(idle_cr3);
}

static pte_t *next_table(pte_t *table, unsigned int idx, uint64_t table_flags)
{
    if (!(table[idx] & _PAGE_PRESENT)) {
        mfn_t m = alloc_frame(OWNER_HV);
        if (m == INVALID_MFN)
            return NULL;
        table[idx] = make_pte(m, table_flags);
    }
    return mfn_to_virt(pte_mfn(table[idx]));
}

int map_frames(pte_t *l4, uint64_t va, mfn_t mfn, unsigned long n, uint64_t flags,
               uint64_t table_flags)
{
    for (unsigned long i = 0; i < n; i++, va += PAGE_SIZE) {
        pte_t *l3 = next_table(l4, l4_index(va), table_flags);
        pte_t *l2 = l3 ? next_table(l3, l3_index(va), table_flags) : NULL;
        pte_t *l1 = l2 ? next_table(l2, l2_index(va), table_flags) : NULL;
        if (!l1)
            return -XEN_ENOMEM;
        l1[l1_index(va)] = make_pte(mfn + i, flags);
        invlpg(va);
    }
    return 0;
}

void m2p_init(void)
{
    unsigned long pages = (max_mfn * 8 + PAGE_SIZE - 1) >> PAGE_SHIFT;
    mfn_t first = alloc_frames(pages, OWNER_HV);

    if (first == INVALID_MFN)
        panic("no memory for the M2P table (%lu pages)", pages);
    m2p = mfn_to_virt(first);
    m2p_entries = pages * (PAGE_SIZE / 8);
    memset(m2p, 0xff, pages * PAGE_SIZE);       /* INVALID_M2P_ENTRY everywhere */
    m2p_first_mfn = first;
    m2p_pages = pages;
    for (unsigned long i = 0; i < pages; i++)
        mfn_to_page(first + i)->flags |= PGF_SHARED_RO_PRIV;
    /* Guests read it (ring 3): user, read-only, no execute. */
    if (map_frames(idle_l4(), MACH2PHYS_VIRT_START, first, pages,
                   _PAGE_PRESENT | _PAGE_USER | _PAGE_ACCESSED | _PAGE_NX,
                   _PAGE_PRESENT | _PAGE_RW | _PAGE_USER | _PAGE_ACCESSED))
        panic("cannot map the M2P table");
    log_info("m2p: %lu entries at %#lx", m2p_entries, (unsigned long)MACH2PHYS_VIRT_START);
}

void m2p_set(mfn_t mfn, uint64_t pfn)
{
    if (mfn < m2p_entries)
        m2p[mfn] = pfn;
}

uint64_t m2p_get(mfn_t mfn)
{
    return mfn < m2p_entries ? m2p[mfn] : ~0UL;
}
