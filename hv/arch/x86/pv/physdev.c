/*
 * HYPERVISOR_physdev_op: the virtual I/O privilege level and the I/O bitmap;
 * for the hardware domain, what Linux's Dom0 asks at boot of PIRQs, the I/O
 * APIC and PCI devices (docs/linux-dom0.md). The GSIs, PIRQs and their
 * delivery themselves are pirq.c's; MSIs are not served (-ENOSYS).
 */
#include <xen/xen.h>
#include <xen/errno.h>
#include <xen/physdev.h>
#include <hv/domain.h>
#include <hv/guest_access.h>
#include <hv/hypercall.h>
#include <asm/ioapic.h>
#include <asm/ioports.h>
#include <asm/pirq.h>
#include <asm/pv_mmu.h>

/*
 * As Xen answers a PV domain: any PIRQ in range needs an explicit EOI (Xen
 * asks that of every source, edge ones too, unless the domain reads the
 * pirq_eoi page); none is shared here.
 */
static long irq_status_query(XEN_GUEST_HANDLE_PARAM(void) arg)
{
    struct physdev_irq_status_query q;

    if (copy_from_guest(&q, arg, 1))
        return -XEN_EFAULT;
    if ((int32_t)q.irq < 0 || q.irq >= pirq_count(current->domain))
        return -XEN_EINVAL;
    q.flags = XENIRQSTAT_needs_eoi;
    return copy_to_guest(arg, &q, 1) ? -XEN_EFAULT : 0;
}

/*
 * pirq_eoi_gmfn: the domain's page of "this PIRQ needs an EOI" bits. It is
 * held writable-typed from then on (one page per domain: a second call is
 * -EBUSY), as Xen does.
 */
static long pirq_eoi_gmfn(XEN_GUEST_HANDLE_PARAM(void) arg)
{
    struct physdev_pirq_eoi_gmfn g;
    struct domain *d = current->domain;

    if (copy_from_guest(&g, arg, 1))
        return -XEN_EFAULT;
    spin_lock(&d->page_lock);
    if (pv_get_writable_frame(d, g.gmfn)) {
        spin_unlock(&d->page_lock);
        return -XEN_EINVAL;
    }
    if (d->arch.pirq_eoi_mfn) {
        pv_put_writable_frame(g.gmfn);
        spin_unlock(&d->page_lock);
        return -XEN_EBUSY;
    }
    d->arch.pirq_eoi_mfn = g.gmfn;
    spin_unlock(&d->page_lock);
    return 0;
}

#define IOAPIC_PHYSBASE 0xfec00000UL

/* An I/O APIC register, read for the hardware domain (Xen's ioapic_guest_read). */
static long apic_read(XEN_GUEST_HANDLE_PARAM(void) arg)
{
    struct physdev_apic a;
    long rc;

    if (copy_from_guest(&a, arg, 1))
        return -XEN_EFAULT;
    if (!domain_is_privileged(current->domain))
        return -XEN_EPERM;
    rc = a.apic_physbase == IOAPIC_PHYSBASE ? 0 : -XEN_EINVAL;
    if (!rc)
        a.value = ioapic_read(a.reg);
    return copy_to_guest(arg, &a, 1) ? -XEN_EFAULT : rc;
}

/*
 * manage_pci_add / pci_device_add: Xen records the device for its IOMMU and
 * pass-through and answers 0. Xenolith passes no device through, so there
 * is nothing to record: the hardware domain gets Xen's answer.
 */
static long pci_add(const struct domain *d)
{
    return domain_is_privileged(d) ? 0 : -XEN_EPERM;
}

/*
 * map_pirq's and unmap_pirq's domain, referenced (the caller puts it):
 * -ESRCH if none; then only the privileged may ask (Xen's XSM_DM_PRIV),
 * for itself or for any other domain.
 */
static long target_domain(domid_t id, struct domain **out)
{
    struct domain *d = domain_get(id == DOMID_SELF ? current->domain->id : id);

    if (!d)
        return -XEN_ESRCH;
    if (!domain_is_privileged(current->domain)) {
        domain_put(d);
        return -XEN_EPERM;
    }
    *out = d;
    return 0;
}

/*
 * map_pirq: a GSI (MAP_PIRQ_TYPE_GSI) of the machine to a PIRQ of the
 * caller or, for the privileged, of another domain; the answer carries the
 * PIRQ back whatever the result, as on Xen. MSIs are not served.
 */
static long map_pirq(XEN_GUEST_HANDLE_PARAM(void) arg)
{
    struct physdev_map_pirq m;
    struct domain *d;
    long rc;

    if (copy_from_guest(&m, arg, 1))
        return -XEN_EFAULT;
    rc = target_domain(m.domid, &d);
    if (!rc) {
        switch (m.type) {
        case MAP_PIRQ_TYPE_GSI:
            rc = pirq_map_gsi(d, m.index, &m.pirq);
            break;
        case MAP_PIRQ_TYPE_MSI:
        case MAP_PIRQ_TYPE_MSI_SEG:
        case MAP_PIRQ_TYPE_MULTI_MSI:
            rc = -XEN_ENOSYS;
            break;
        default:
            rc = -XEN_EINVAL;
            break;
        }
        domain_put(d);
    }
    return copy_to_guest(arg, &m, 1) ? -XEN_EFAULT : rc;
}

static long unmap_pirq(XEN_GUEST_HANDLE_PARAM(void) arg)
{
    struct physdev_unmap_pirq u;
    struct domain *d;
    long rc;

    if (copy_from_guest(&u, arg, 1))
        return -XEN_EFAULT;
    rc = target_domain(u.domid, &d);
    if (rc)
        return rc;
    rc = pirq_unmap(d, u.pirq);
    domain_put(d);
    return rc;
}

long do_physdev_op(uint64_t cmd, XEN_GUEST_HANDLE_PARAM(void) arg)
{
    const struct domain *d = current->domain;

    switch (cmd) {
    case PHYSDEVOP_set_iopl: {
        struct physdev_set_iopl s;
        if (copy_from_guest(&s, arg, 1))
            return -XEN_EFAULT;
        if (s.iopl > 3)
            return -XEN_EINVAL;
        current->arch.iopl = s.iopl;
        return 0;
    }
    case PHYSDEVOP_set_iobitmap: {
        struct physdev_set_iobitmap s;
        if (copy_from_guest(&s, arg, 1))
            return -XEN_EFAULT;
        return physdev_set_iobitmap(current, s.bitmap, s.nr_ports);
    }
    case PHYSDEVOP_irq_status_query:
        return irq_status_query(arg);
    case PHYSDEVOP_pirq_eoi_gmfn_v1:
    case PHYSDEVOP_pirq_eoi_gmfn_v2:
        return pirq_eoi_gmfn(arg);
    case PHYSDEVOP_apic_read:
        return apic_read(arg);
    case PHYSDEVOP_setup_gsi: {
        struct physdev_setup_gsi g;
        if (copy_from_guest(&g, arg, 1))
            return -XEN_EFAULT;
        return pirq_setup_gsi(current->domain, g.gsi, g.triggering, g.polarity);
    }
    case PHYSDEVOP_map_pirq:
        return map_pirq(arg);
    case PHYSDEVOP_unmap_pirq:
        return unmap_pirq(arg);
    case PHYSDEVOP_eoi: {
        struct physdev_eoi e;
        if (copy_from_guest(&e, arg, 1))
            return -XEN_EFAULT;
        return pirq_eoi(current->domain, e.irq);
    }
    case PHYSDEVOP_alloc_irq_vector: {
        /* Xen keeps vectors to itself: the "vector" is the IRQ, for the privileged. */
        struct physdev_irq i;
        if (copy_from_guest(&i, arg, 1))
            return -XEN_EFAULT;
        if (!domain_is_privileged(d))
            return -XEN_EPERM;
        i.vector = i.irq;
        return copy_to_guest(arg, &i, 1) ? -XEN_EFAULT : 0;
    }
    case PHYSDEVOP_manage_pci_add: {
        struct physdev_manage_pci m;
        if (copy_from_guest(&m, arg, 1))
            return -XEN_EFAULT;
        return pci_add(d);
    }
    case PHYSDEVOP_pci_device_add: {
        struct physdev_pci_device_add add;
        uint32_t pxm;
        if (copy_from_guest(&add, arg, 1))
            return -XEN_EFAULT;
        if ((add.flags & XEN_PCI_DEV_PXM) &&
            copy_from_guest_offset(&pxm, arg, offsetof(struct physdev_pci_device_add, optarr) / sizeof(pxm),
                                   1))
            return -XEN_EFAULT;
        return pci_add(d);
    }
    default:
        return -XEN_ENOSYS;
    }
}
