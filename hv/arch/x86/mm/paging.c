/* Building hypervisor mappings, and the machine-to-phys table guests read. */
#include <xen/xen.h>
#include <xen/errno.h>
#include <hv/console.h>
#include <asm/io.h>
#include <xl/string.h>
#include <asm/paging.h>

static uint64_t idle_cr3;
static uint64_t *m2p;               /* direct-map view, writable */
mfn_t m2p_first_mfn;
unsigned long m2p_pages;
static unsigned long m2p_entries;

/*
 * The image and the direct map as the hypervisor keeps them. head.S maps both
 * with the same writable, executable 2 MiB pages as the boot identity map;
 * here the image slot gets 4 KiB pages with the linker script's permissions
 * (text read-only and executable, rodata read-only, data and bss writable,
 * neither executable) and the direct map its own tables, writable and never
 * executable. The identity map (slot 0 of the idle tables only) stays as
 * head.S made it; guests' tables never copy it.
 */
#define IMAGE_L1_TABLES 4                       /* the image fits below 8 MiB */
#define DIRECTMAP_L2_TABLES (HV_DIRECTMAP_BYTES >> 30)

static pte_t image_l2[512] __attribute__((aligned(4096)));
static pte_t image_l1[IMAGE_L1_TABLES][512] __attribute__((aligned(4096)));
static pte_t directmap_l3[512] __attribute__((aligned(4096)));
static pte_t directmap_l2[DIRECTMAP_L2_TABLES][512] __attribute__((aligned(4096)));

extern char __image_start[], __text_start[], __text_end[], __rodata_end[], __image_end[];

static uint64_t image_page_flags(uint64_t va)
{
    if (va < (uint64_t)__image_start || va >= (uint64_t)__image_end)
        return 0;                               /* below the image: the boot part, never used here */
    if (va >= (uint64_t)__text_start && va < (uint64_t)__text_end)
        return PT_PRESENT | PT_ACCESSED;
    if (va < (uint64_t)__rodata_end)
        return PT_PRESENT | PT_ACCESSED | PT_NX;
    return PT_PRESENT | PT_RW | PT_ACCESSED | PT_DIRTY | PT_NX;
}

static void protect_image_and_directmap(void)
{
    pte_t *l4 = idle_l4();
    pte_t *image_l3 = mfn_to_virt(pte_mfn(l4[HV_SLOT_IMAGE]));
    uint64_t table = PT_PRESENT | PT_RW | PT_ACCESSED;

    if ((uint64_t)__image_end - HV_IMAGE_VIRT > IMAGE_L1_TABLES * (512UL << 12))
        panic("the image ends at %#lx, beyond the %u tables that map it",
              (unsigned long)((uint64_t)__image_end - HV_IMAGE_VIRT), IMAGE_L1_TABLES);
    for (unsigned int t = 0; t < IMAGE_L1_TABLES; t++) {
        for (unsigned int i = 0; i < 512; i++) {
            uint64_t phys = ((uint64_t)t << 21) + ((uint64_t)i << 12);
            uint64_t flags = image_page_flags(HV_IMAGE_VIRT + phys);
            image_l1[t][i] = flags ? phys | flags : 0;
        }
        image_l2[t] = virt_to_maddr(image_l1[t]) | table;
    }

    for (unsigned int t = 0; t < DIRECTMAP_L2_TABLES; t++) {
        for (unsigned int i = 0; i < 512; i++)
            directmap_l2[t][i] = (((uint64_t)t << 30) + ((uint64_t)i << 21)) |
                                 PT_PRESENT | PT_RW | PT_PSE | PT_ACCESSED |
                                 PT_DIRTY | PT_NX;
        directmap_l3[t] = virt_to_maddr(directmap_l2[t]) | table;
    }

    image_l3[l3_index(HV_IMAGE_VIRT)] = virt_to_maddr(image_l2) | table;
    l4[HV_SLOT_DIRECTMAP] = virt_to_maddr(directmap_l3) | table;
    write_cr3(idle_cr3);                        /* none of these entries is global */
}

/*
 * head.S's identity map of the first 4 GiB (slot 0, writable and executable)
 * only served the jump to the high image and the boot GDT; once this CPU runs
 * on its own GDT (cpu_tables_init) nothing uses it, and with it gone a stray
 * low address faults instead of reaching physical memory.
 */
void paging_drop_identity_map(void)
{
    idle_l4()[0] = 0;
    write_cr3(idle_cr3);
}

/* The boot page tables stay the hypervisor's own; remember their root. */
void paging_init(void)
{
    idle_cr3 = read_cr3() & PT_ADDR_MASK;
    protect_image_and_directmap();
}

void paging_load_idle(void)
{
    write_cr3(idle_cr3);
}

pte_t *idle_l4(void)
{
    return (pte_t *)maddr_to_virt(idle_cr3);
}

static pte_t *next_table(pte_t *table, unsigned int idx, uint64_t table_flags)
{
    if (!(table[idx] & PT_PRESENT)) {
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
                   PT_PRESENT | PT_USER | PT_ACCESSED | PT_NX,
                   PT_PRESENT | PT_RW | PT_USER | PT_ACCESSED))
        panic("cannot map the M2P table");
    log_info("m2p: %lu entries at %#lx", m2p_entries, (unsigned long)MACH2PHYS_VIRT_START);
}

void m2p_set(mfn_t mfn, uint64_t pfn)
{
    if (mfn < m2p_entries)
        m2p[mfn] = pfn;
}

void m2p_set_list(const mfn_t *mfn, const uint64_t *pfn, unsigned long n)
{
    uint64_t *table = m2p;              /* locals: the stores below cannot change them */
    unsigned long entries = m2p_entries;

    if (!pfn) {
        for (unsigned long i = 0; i < n; i++)
            if (mfn[i] < entries)
                table[mfn[i]] = ~0UL;
        return;
    }
    for (unsigned long i = 0; i < n; i++)
        if (mfn[i] < entries)
            table[mfn[i]] = pfn[i];
}

uint64_t m2p_get(mfn_t mfn)
{
    return mfn < m2p_entries ? m2p[mfn] : ~0UL;
}
