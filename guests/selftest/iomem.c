/*
 * IOMEM: the initial domain maps frames that are not RAM (Xen's DOMID_IO
 * frames: the first MiB, holes of the machine's memory map, MMIO) with
 * update_va_mapping, and may choose their cache attributes (PWT/PCD/PAT),
 * within Xen 4.17's rules:
 *  - an I/O frame asked write-back, write-through or write-protect is stored
 *    uncacheable (PWT|PCD, PAT clear); UC-, UC and write-combining stay;
 *  - the local APIC frame stays the hypervisor's (-EPERM), as does anything
 *    beyond the machine's physical address width; the I/O APIC and the HPET
 *    map read-only only (a writable request is stored without RW);
 *  - a RAM frame of our own keeps the cache attributes we ask.
 * Each case maps one window page and reads the entry back.
 */
#include "pt_util.h"

#define PWT 0x008ull
#define PCD 0x010ull
#define PAT 0x080ull
#define CACHE (PWT | PCD | PAT)

#define BIOS_MFN   0xf0ull      /* the BIOS ROM's first frame (0xf0000) */
#define VGA_MFN    0xa0ull      /* the legacy VGA window (0xa0000) */
#define IOAPIC_MFN 0xfec00ull
#define LAPIC_MFN  0xfee00ull
#define HPET_MFN   0xfed00ull

static uint64_t *win;

static long map(uint64_t mfn, uint64_t flags)
{
    return HYPERVISOR_update_va_mapping((uint64_t)win, (mfn << OS_PAGE_SHIFT) | flags,
                                        UVMF_INVLPG);
}

static uint64_t stored_cache(void)
{
    return *os_l1e_of((uint64_t)win) & CACHE;
}

/* Map the BIOS frame asking `ask`; PASS iff it maps and the entry says `want`. */
static void attr_case(const char *id, const char *desc, uint64_t ask, uint64_t want)
{
    long rc = map(BIOS_MFN, PT_RO | ask);

    t_check(id, desc, rc == 0 && stored_cache() == want, "(rc=%ld cache=%#lx)", rc,
            (unsigned long)stored_cache());
}

void suite_iomem(void)
{
    uint64_t own, v = 0;
    long rc;

    win = os_alloc_page();
    if (!win) {
        t_case("IOMEM0001", "the BIOS frame 0xf0 maps read-only and reads", T_SKIP,
               "(no page for the window)");
        return;
    }
    own = pt_mfn(win);

    rc = map(BIOS_MFN, PT_RO);
    t_check("IOMEM0001", "the BIOS frame 0xf0 maps read-only and reads",
            rc == 0 && pt_try_load(win, &v) == 0, "(rc=%ld)", rc);
    attr_case("IOMEM0002", "asked write-back, it is stored uncacheable (PWT|PCD)", 0, PWT | PCD);
    attr_case("IOMEM0003", "asked write-through (PWT), it is stored PWT|PCD", PWT, PWT | PCD);
    attr_case("IOMEM0004", "asked write-protect (PWT|PAT), it is stored PWT|PCD", PWT | PAT,
              PWT | PCD);
    attr_case("IOMEM0005", "asked write-combining (PAT), it is stored as asked", PAT, PAT);
    attr_case("IOMEM0006", "asked UC- (PCD), it is stored as asked", PCD, PCD);
    attr_case("IOMEM0007", "asked UC (PWT|PCD), it is stored as asked", PWT | PCD, PWT | PCD);

    rc = map(VGA_MFN, PT_RW | PWT | PCD);
    t_check("IOMEM0008", "the VGA window 0xa0 maps writable, uncacheable",
            rc == 0 && stored_cache() == (PWT | PCD), "(rc=%ld)", rc);
    t_rc("IOMEM0009", "the local APIC frame 0xfee00 is refused with -EPERM",
         map(LAPIC_MFN, PT_RO | PWT | PCD), -XEN_EPERM);
    rc = map(IOAPIC_MFN, PT_RW | PWT | PCD);
    t_check("IOMEM0010", "the I/O APIC frame 0xfec00 maps, read-only though asked writable",
            rc == 0 && !(*os_l1e_of((uint64_t)win) & OS_PTE_RW), "(rc=%ld pte=%#lx)", rc,
            (unsigned long)*os_l1e_of((uint64_t)win));
    rc = map(HPET_MFN, PT_RW | PWT | PCD);
    t_check("IOMEM0014", "the HPET frame 0xfed00 maps, read-only though asked writable",
            rc == 0 && !(*os_l1e_of((uint64_t)win) & OS_PTE_RW), "(rc=%ld pte=%#lx)", rc,
            (unsigned long)*os_l1e_of((uint64_t)win));
    t_rc("IOMEM0011", "a frame beyond the machine's physical addresses: -EPERM",
         map(PT_MFN_HUGE, PT_RO | PWT | PCD), -XEN_EPERM);

    rc = map(own, PT_RW | PCD);
    t_check("IOMEM0012", "our own RAM frame keeps the cache attributes asked (PCD)",
            rc == 0 && stored_cache() == PCD, "(rc=%ld cache=%#lx)", rc,
            (unsigned long)stored_cache());
    rc = map(own, PT_RW);
    t_check("IOMEM0013", "and maps write-back again when asked",
            rc == 0 && stored_cache() == 0, "(rc=%ld cache=%#lx)", rc,
            (unsigned long)stored_cache());
}
