/*
 * P2M/M2P lookups, a read-only page-table walk and the page allocator.
 */
#include <os/mm.h>
#include <os/os.h>

/* The read-only M2P table Xen maps in every PV address space. */
static const uint64_t *const m2p = (const uint64_t *)MACH2PHYS_VIRT_START;

/* P2M lookup in the builder's mfn_list. */
uint64_t os_pfn_to_mfn(uint64_t pfn)
{
    return ((const uint64_t *)os_start_info->mfn_list)[pfn];
}

/* M2P lookup; mfn must be a frame of ours. */
uint64_t os_mfn_to_pfn(uint64_t mfn)
{
    return m2p[mfn];
}

/* Machine frame of a VA in the bootstrap region (VA == pseudo-physical). */
uint64_t os_virt_to_mfn(const void *va)
{
    return os_pfn_to_mfn((uint64_t)va >> OS_PAGE_SHIFT);
}

/* Next level of a present table entry, through the M2P (VA == PA). */
static const uint64_t *next_table(uint64_t entry)
{
    uint64_t mfn = (entry & OS_PTE_ADDR) >> OS_PAGE_SHIFT;

    return (const uint64_t *)(os_mfn_to_pfn(mfn) << OS_PAGE_SHIFT);
}

/*
 * Walk the initial tables (pt_base) down to the L1 entry of va.  Only
 * valid while those tables are the current root.  NULL when an upper
 * level is not present.
 */
const uint64_t *os_l1e_of(uint64_t va)
{
    const uint64_t *t = (const uint64_t *)os_start_info->pt_base;
    int shift;

    for (shift = 39; shift > 12; shift -= 9) {
        uint64_t e = t[(va >> shift) & 511];

        if (!(e & OS_PTE_PRESENT))
            return NULL;
        t = next_table(e);
    }
    return &t[(va >> 12) & 511];
}

/* Free pages form a singly linked list threaded through themselves. */
struct free_page {
    struct free_page *next;
};

static struct free_page *free_list;
static unsigned long nr_free;

static int mapped_rw(uint64_t va)
{
    const uint64_t *l1e = os_l1e_of(va);

    return l1e && (*l1e & (OS_PTE_PRESENT | OS_PTE_RW)) ==
                  (OS_PTE_PRESENT | OS_PTE_RW);
}

/*
 * Hand out the bootstrap region's padding: the pages after the boot stack
 * (which follows the page tables) that are still mapped writable, up to
 * nr_pages.  Pushed in reverse so allocation goes upwards.
 */
void os_mm_init(void)
{
    uint64_t pt_end = os_start_info->pt_base +
                      os_start_info->nr_pt_frames * OS_PAGE_SIZE;
    uint64_t first = pt_end + OS_PAGE_SIZE;     /* skip the boot stack */
    uint64_t limit = os_start_info->nr_pages * OS_PAGE_SIZE;
    uint64_t end = first;

    while (end < limit && mapped_rw(end))
        end += OS_PAGE_SIZE;
    while (end > first) {
        struct free_page *p;

        end -= OS_PAGE_SIZE;
        p = (struct free_page *)end;
        p->next = free_list;
        free_list = p;
        nr_free++;
    }
}

/* A zeroed page from the free list, or NULL. */
void *os_alloc_page(void)
{
    struct free_page *p = free_list;
    volatile uint64_t *w;
    unsigned int i;

    if (!p)
        return NULL;
    free_list = p->next;
    nr_free--;
    w = (volatile uint64_t *)p;
    for (i = 0; i < OS_PAGE_SIZE / 8; i++)
        w[i] = 0;
    return p;
}

/* Return a page to the free list. */
void os_free_page(void *page)
{
    struct free_page *p = page;

    p->next = free_list;
    free_list = p;
    nr_free++;
}

/* Number of pages on the free list. */
unsigned long os_free_pages(void)
{
    return nr_free;
}
