/*
 * PHYSDEV: physdev_op (33) as Xen 4.17 answers the initial domain for what
 * Linux's Dom0 asks at boot besides mapping interrupts: the I/O APIC's
 * registers (apic_read), PIRQ status, the pirq_eoi page, and the PCI
 * devices it announces.
 */
#include <xl/string.h>
#include <xen/physdev.h>
#include "pt_util.h"

#define IOAPIC_PHYSBASE 0xfec00000ull

static long phys(unsigned int cmd, void *arg)
{
    return HYPERVISOR_physdev_op(cmd, arg);
}

static void apic(void)
{
    struct physdev_apic a = { .apic_physbase = IOAPIC_PHYSBASE, .reg = 1, .value = 0 };
    long rc = phys(PHYSDEVOP_apic_read, &a);

    /* Version register: the version in bits 0-7, the highest redirection entry in 16-23. */
    t_check("PHYSDEV0001", "apic_read of the I/O APIC version: 24 entries, version 0x1x or 0x20",
            rc == 0 && ((a.value >> 16) & 0xff) == 23 &&
            ((a.value & 0xf0) == 0x10 || (a.value & 0xff) == 0x20),
            "(rc=%ld value=%#x)", rc, a.value);
    a = (struct physdev_apic){ .apic_physbase = 0xfec01000ull, .reg = 1 };
    t_rc("PHYSDEV0002", "apic_read of an I/O APIC the machine lacks gives -EINVAL",
         phys(PHYSDEVOP_apic_read, &a), -XEN_EINVAL);
    t_rc("PHYSDEV0003", "apic_read from an unmapped argument gives -EFAULT",
         phys(PHYSDEVOP_apic_read, (void *)T_UNMAPPED_VA), -XEN_EFAULT);
}

static void pirqs(void)
{
    struct physdev_irq_status_query q = { .irq = 9, .flags = 0xff };
    struct physdev_pirq_eoi_gmfn g;
    void *page;
    long rc;

    rc = phys(PHYSDEVOP_irq_status_query, &q);
    t_check("PHYSDEV0004", "irq_status_query of PIRQ 9: needs an EOI, not shared",
            rc == 0 && q.flags == XENIRQSTAT_needs_eoi, "(rc=%ld flags=%#x)", rc, q.flags);
    q.irq = 0xffffffffu;
    t_rc("PHYSDEV0005", "irq_status_query of PIRQ -1 gives -EINVAL",
         phys(PHYSDEVOP_irq_status_query, &q), -XEN_EINVAL);

    g.gmfn = PT_MFN_HUGE;
    t_rc("PHYSDEV0006", "pirq_eoi_gmfn_v2 of a frame no machine has gives -EINVAL",
         phys(PHYSDEVOP_pirq_eoi_gmfn_v2, &g), -XEN_EINVAL);
    page = pt_get_page(0);
    if (!page) {
        t_case("PHYSDEV0007", "pirq_eoi_gmfn_v2 of our own page is okay", T_SKIP, "(no page)");
        return;
    }
    g.gmfn = pt_mfn(page);
    t_rc("PHYSDEV0007", "pirq_eoi_gmfn_v2 of our own page is okay",
         phys(PHYSDEVOP_pirq_eoi_gmfn_v2, &g), 0);
    t_rc("PHYSDEV0008", "a second pirq_eoi page gives -EBUSY",
         phys(PHYSDEVOP_pirq_eoi_gmfn_v2, &g), -XEN_EBUSY);
    /* The page stays registered (and writable-typed) for good: it is not freed. */
}

static void pci(void)
{
    struct physdev_manage_pci m = { .bus = 0, .devfn = 0 };
    struct physdev_pci_device_add add = { .seg = 0, .bus = 0, .devfn = 8, .flags = 0 };

    t_rc("PHYSDEV0009", "manage_pci_add of 00:00.0 is okay", phys(PHYSDEVOP_manage_pci_add, &m),
         0);
    t_rc("PHYSDEV0010", "pci_device_add of 00:01.0 is okay",
         phys(PHYSDEVOP_pci_device_add, &add), 0);
    t_rc("PHYSDEV0011", "pci_device_add from an unmapped argument gives -EFAULT",
         phys(PHYSDEVOP_pci_device_add, (void *)T_UNMAPPED_VA), -XEN_EFAULT);
}

void suite_physdev(void)
{
    apic();
    pirqs();
    pci();
}
