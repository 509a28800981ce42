/*
 * MEM: memory_op (12), the read-only sub-ops a domain uses about itself.
 */
#include <xen/memory.h>
#include "test.h"

/*
 * Xen 4.17 answers memory_map from the map a toolstack set (XENMEM_set_memory_map,
 * one RAM range for a PV DomU); a PV Dom0 has none and gets -ENOSYS, and must
 * ask for machine_memory_map instead. A DomU must get a map covering its pages.
 */
static void memory_map(void)
{
    static struct xen_e820_entry e820[16];
    struct xen_memory_map map = { .nr_entries = 16 };
    uint64_t ram = 0;
    unsigned int i;
    long rc;

    xen_set_guest_handle(map.buffer, e820);
    rc = HYPERVISOR_memory_op(XENMEM_memory_map, &map);
    if (os_start_info->flags & SIF_INITDOMAIN) {
        t_check("MEM0001", "memory_map gives Dom0 -ENOSYS (no map set), a DomU its map",
                rc == -XEN_ENOSYS, "(rc=%ld)", rc);
        return;
    }
    for (i = 0; rc == 0 && i < map.nr_entries && i < 16; i++)
        if (e820[i].type == XEN_E820_RAM)
            ram += e820[i].size;
    t_check("MEM0001", "memory_map gives Dom0 -ENOSYS (no map set), a DomU its map",
            rc == 0 && map.nr_entries > 0 &&
            ram >= os_start_info->nr_pages * OS_PAGE_SIZE,
            "(rc=%ld entries=%u ram=%#lx)", rc, map.nr_entries,
            (unsigned long)ram);
}

/*
 * machine_memory_map, as Xen 4.17 answers its hardware domain: the firmware's
 * map in address order and, in its holes, the I/O APIC's page and the MSI
 * window as reserved; a buffer needs room for one entry more than the map
 * has; no buffer asks the count. A DomU may not ask (-EPERM).
 */
/* Is there an entry at addr of that type (and size, unless 0)? */
static int has(const struct xen_e820_entry *e, unsigned int n, uint64_t addr, uint64_t size,
               uint32_t type)
{
    for (unsigned int i = 0; i < n; i++)
        if (e[i].addr == addr && (!size || e[i].size == size) && e[i].type == type)
            return 1;
    return 0;
}

static void machine_memory_map(void)
{
    static struct xen_e820_entry e820[64];
    struct xen_memory_map map = { .nr_entries = 0 };
    unsigned int n, i, sorted = 1;
    long rc;

    rc = HYPERVISOR_memory_op(XENMEM_machine_memory_map, &map);
    if (!(os_start_info->flags & SIF_INITDOMAIN)) {
        t_check("MEM0010", "machine_memory_map without a buffer gives Dom0 the count, a DomU -EPERM",
                rc == -XEN_EPERM, "(rc=%ld)", rc);
        return;
    }
    n = map.nr_entries;
    t_check("MEM0010", "machine_memory_map without a buffer gives Dom0 the count, a DomU -EPERM",
            rc == 0 && n > 2 && n < 63, "(rc=%ld entries=%u)", rc, n);
    if (rc || n <= 2 || n >= 63)
        return;
    map.nr_entries = n;
    xen_set_guest_handle(map.buffer, e820);
    rc = HYPERVISOR_memory_op(XENMEM_machine_memory_map, &map);
    t_rc("MEM0011", "machine_memory_map into exactly as many entries gives -EINVAL", rc,
         -XEN_EINVAL);
    map.nr_entries = n + 1;
    rc = HYPERVISOR_memory_op(XENMEM_machine_memory_map, &map);
    for (i = 1; rc == 0 && i < map.nr_entries; i++)
        sorted &= e820[i - 1].addr + e820[i - 1].size <= e820[i].addr;
    /* The map itself, line by line: the cross-check compares it with Xen's. */
    for (i = 0; rc == 0 && i < map.nr_entries; i++)
        os_printf("e820 %016lx-%016lx type %u\n", (unsigned long)e820[i].addr,
                  (unsigned long)(e820[i].addr + e820[i].size - 1), e820[i].type);
    t_check("MEM0012", "machine_memory_map into one more: the map in address order, as many",
            rc == 0 && map.nr_entries == n && sorted, "(rc=%ld entries=%u sorted=%u)", rc,
            map.nr_entries, sorted);
    t_check("MEM0013", "the holes' I/O APIC page and MSI window are reserved entries",
            rc == 0 && has(e820, n, 0xfec00000, 0x1000, XEN_E820_RESERVED) &&
            has(e820, n, 0xfee00000, 0x100000, XEN_E820_RESERVED), NULL);
    t_check("MEM0014", "RAM from 1 MiB and the BIOS area below it reserved, as the firmware says",
            rc == 0 && e820[0].addr == 0 && e820[0].type == XEN_E820_RAM &&
            has(e820, n, 0xf0000, 0x10000, XEN_E820_RESERVED) &&
            has(e820, n, 0x100000, 0, XEN_E820_RAM), NULL);
    t_rc("MEM0015", "machine_memory_map from an unmapped argument gives -EFAULT",
         HYPERVISOR_memory_op(XENMEM_machine_memory_map, (void *)T_UNMAPPED_VA), -XEN_EFAULT);
}

void suite_memory(void)
{
    struct xen_machphys_mapping mm = { 0 };
    domid_t self = DOMID_SELF;
    long cur, max, rc;

    memory_map();
    rc = HYPERVISOR_memory_op(XENMEM_maximum_ram_page, NULL);
    t_check("MEM0002", "maximum_ram_page is positive", rc > 0, "(rc=%#lx)", rc);
    cur = HYPERVISOR_memory_op(XENMEM_current_reservation, &self);
    t_check("MEM0003", "current_reservation equals start_info nr_pages",
            cur == (long)os_start_info->nr_pages, "(rc=%#lx nr_pages=%#lx)",
            cur, (unsigned long)os_start_info->nr_pages);
    max = HYPERVISOR_memory_op(XENMEM_maximum_reservation, &self);
    t_check("MEM0004", "maximum_reservation is at least current_reservation",
            max >= cur && cur > 0, "(rc=%#lx)", max);
    /*
     * For PV, maximum_gpfn is derived from shared_info.arch.max_pfn, which
     * the guest publishes (for tools); until then Xen answers 0.
     */
    os_shared_info->arch.max_pfn = 0;
    rc = HYPERVISOR_memory_op(XENMEM_maximum_gpfn, &self);
    t_rc("MEM0005", "maximum_gpfn is 0 while shared_info max_pfn is unset", rc, 0);
    os_shared_info->arch.max_pfn = os_start_info->nr_pages;
    rc = HYPERVISOR_memory_op(XENMEM_maximum_gpfn, &self);
    t_rc("MEM0009", "maximum_gpfn is max_pfn - 1 once the guest publishes max_pfn",
         rc, (long)os_start_info->nr_pages - 1);
    rc = HYPERVISOR_memory_op(XENMEM_machphys_mapping, &mm);
    t_check("MEM0006", "machphys_mapping gives the read-only M2P range",
            rc == 0 && mm.v_start == MACH2PHYS_VIRT_START &&
            mm.v_end > mm.v_start && mm.v_end <= MACH2PHYS_VIRT_END && mm.max_mfn > 0,
            "(rc=%ld start=%#lx end=%#lx max_mfn=%#lx)", rc,
            (unsigned long)mm.v_start, (unsigned long)mm.v_end,
            (unsigned long)mm.max_mfn);
    t_rc("MEM0007", "current_reservation with an unmapped domid gives -EFAULT",
         HYPERVISOR_memory_op(XENMEM_current_reservation, (void *)T_UNMAPPED_VA),
         -XEN_EFAULT);
    t_rc("MEM0008", "unknown memory_op gives -ENOSYS",
         HYPERVISOR_memory_op(63, NULL), -XEN_ENOSYS);
    machine_memory_map();
}
