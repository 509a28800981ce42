/*
 * x86 I/O capabilities (hv/iocap.h, asm/ioports.h): the I/O ports a domain
 * may reach, the hardware domain's initial capabilities (Xen's
 * dom0_setup_permissions) and XEN_DOMCTL_ioport_permission (Xen: arch
 * domctl).
 */
#include <xen/xen.h>
#include <xen/domctl.h>
#include <xen/errno.h>
#include <asm/io.h>
#include <asm/ioports.h>
#include <asm/pirq.h>
#include <hv/domain.h>
#include <hv/iocap.h>
#include <hv/mm.h>
#include <hv/rangeset.h>

#define MAX_IOPORTS     0x10000u
#define MSI_FIRST_MFN   0xfee00UL           /* the MSI window, with the local APIC */
#define MSI_LAST_MFN    0xfeeffUL

bool ioports_access_permitted(struct domain *d, unsigned int first, unsigned int last)
{
    bool ok;

    spin_lock(&d->caps_lock);
    ok = rangeset_contains(&d->arch.ioport_caps, first, last);
    spin_unlock(&d->caps_lock);
    return ok;
}

bool cache_flush_permitted(struct domain *d)
{
    bool any;

    spin_lock(&d->caps_lock);
    any = !rangeset_is_empty(&d->iomem_caps) || !rangeset_is_empty(&d->arch.ioport_caps);
    spin_unlock(&d->caps_lock);
    return any;
}

/* The machine's physical address width (CPUID 0x80000008, else 36), as Xen's paddr_bits. */
static unsigned int machine_paddr_bits(void)
{
    uint32_t r[4];

    cpuid_count(0x80000000, 0, r);
    if (r[0] < 0x80000008)
        return 36;
    cpuid_count(0x80000008, 0, r);
    return r[0] & 0xff;
}

/*
 * Xen's hardware domain: every port but the interrupt controllers and the
 * timer (its ACPI PM timer port too: Xenolith reads no ACPI table, so that
 * one stays open), every frame of the machine's address space but the MSI
 * window with the local APIC (the I/O APIC and HPET are mapped read-only,
 * pv_mmu.c), every GSI but 0. The ports the hypervisor itself drives stay
 * its own whatever the capabilities say (ioports.c).
 */
int arch_iocaps_dom0(struct domain *d)
{
    static const struct { uint16_t first, last; } denied[] = {
        { 0x20, 0x21 }, { 0xa0, 0xa1 },     /* the PICs */
        { 0x40, 0x43 }, { 0x61, 0x61 },     /* the PIT, and its channel 2 gate */
    };
    int rc = 0;

    rc |= rangeset_add(&d->arch.ioport_caps, 0, MAX_IOPORTS - 1);
    for (unsigned int i = 0; i < sizeof(denied) / sizeof(denied[0]); i++)
        rc |= rangeset_remove(&d->arch.ioport_caps, denied[i].first, denied[i].last);
    rc |= rangeset_add(&d->iomem_caps, 0, (1ull << (machine_paddr_bits() - PAGE_SHIFT)) - 1);
    rc |= rangeset_remove(&d->iomem_caps, MSI_FIRST_MFN, MSI_LAST_MFN);
    rc |= rangeset_add(&d->irq_caps, 1, NR_GSIS - 1);
    return rc ? -XEN_ENOMEM : 0;
}

void arch_iocaps_destroy(struct domain *d)
{
    rangeset_destroy(&d->arch.ioport_caps);
}

/*
 * XEN_DOMCTL_ioport_permission, Xen's order: the range (empty, wrapping or
 * past port 0xffff: -EINVAL), the caller's privilege, its own access to
 * every port of it (-EPERM); then d gains or loses them.
 */
long arch_ioport_permission_domctl(struct domain *d, const struct xen_domctl *op)
{
    const struct xen_domctl_ioport_permission *p = &op->u.ioport_permission;
    uint32_t end = p->first_port + p->nr_ports;     /* wraps as Xen's unsigned int does */
    int rc;

    if (end <= p->first_port || end > MAX_IOPORTS)
        return -XEN_EINVAL;
    if (!domain_is_privileged(current->domain))
        return -XEN_EPERM;
    if (!ioports_access_permitted(current->domain, p->first_port, end - 1))
        return -XEN_EPERM;
    spin_lock(&d->caps_lock);
    rc = p->allow_access ? rangeset_add(&d->arch.ioport_caps, p->first_port, end - 1)
                         : rangeset_remove(&d->arch.ioport_caps, p->first_port, end - 1);
    spin_unlock(&d->caps_lock);
    return rc;
}
