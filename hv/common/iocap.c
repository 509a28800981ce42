/*
 * I/O memory and IRQ capabilities of a domain (hv/iocap.h) and the domctls
 * that grant and revoke them (Xen: common/domctl.c's iomem_permission and
 * irq_permission, over rangesets).
 */
#include <xen/xen.h>
#include <xen/domctl.h>
#include <xen/errno.h>
#include <asm/pirq.h>
#include <hv/domain.h>
#include <hv/iocap.h>
#include <hv/rangeset.h>

/* [s, e] in rs, under d's capability lock. */
static bool caps_contain(struct domain *d, const struct rangeset *rs, uint64_t s, uint64_t e)
{
    bool ok;

    spin_lock(&d->caps_lock);
    ok = rangeset_contains(rs, s, e);
    spin_unlock(&d->caps_lock);
    return ok;
}

/* Add or remove [s, e] of rs: 0 or -ENOMEM. */
static int caps_change(struct domain *d, struct rangeset *rs, uint64_t s, uint64_t e, bool allow)
{
    int rc;

    spin_lock(&d->caps_lock);
    rc = allow ? rangeset_add(rs, s, e) : rangeset_remove(rs, s, e);
    spin_unlock(&d->caps_lock);
    return rc;
}

bool iomem_access_permitted(struct domain *d, uint64_t s, uint64_t e)
{
    return s <= e && caps_contain(d, &d->iomem_caps, s, e);
}

bool irq_access_permitted(struct domain *d, unsigned int irq)
{
    return caps_contain(d, &d->irq_caps, irq, irq);
}

int irq_deny_access(struct domain *d, unsigned int irq)
{
    return caps_change(d, &d->irq_caps, irq, irq, false);
}

int irq_permit_access(struct domain *d, unsigned int irq)
{
    return caps_change(d, &d->irq_caps, irq, irq, true);
}

static long iomem_permission(struct domain *d, const struct xen_domctl *op)
{
    const struct xen_domctl_iomem_permission *p = &op->u.iomem_permission;
    uint64_t last = p->first_mfn + p->nr_mfns - 1;

    if (last < p->first_mfn)
        return -XEN_EINVAL;                 /* wraps (nr_mfns 0 does, but at frame 0) */
    if (!domain_is_privileged(current->domain))
        return -XEN_EPERM;
    if (!iomem_access_permitted(current->domain, p->first_mfn, last))
        return -XEN_EPERM;
    return caps_change(d, &d->iomem_caps, p->first_mfn, last, p->allow_access);
}

static long irq_permission(struct domain *d, const struct xen_domctl *op)
{
    const struct xen_domctl_irq_permission *p = &op->u.irq_permission;
    struct domain *self = current->domain;
    unsigned int irq;

    if (p->pirq >= pirq_count(self))
        return -XEN_EINVAL;
    /* The IRQ is the caller's own PIRQ's: one it has not mapped names none. */
    irq = pirq_to_irq(self, p->pirq);
    if (!irq || !domain_is_privileged(self))
        return -XEN_EPERM;
    if (!irq_access_permitted(self, irq))
        return -XEN_EPERM;
    return caps_change(d, &d->irq_caps, irq, irq, p->allow_access);
}

void iocaps_destroy(struct domain *d)
{
    rangeset_destroy(&d->iomem_caps);
    rangeset_destroy(&d->irq_caps);
    arch_iocaps_destroy(d);
}

bool iocap_domctl(struct domain *d, const struct xen_domctl *op, long *rc)
{
    switch (op->cmd) {
    case XEN_DOMCTL_iomem_permission:
        *rc = iomem_permission(d, op);
        return true;
    case XEN_DOMCTL_irq_permission:
        *rc = irq_permission(d, op);
        return true;
    case XEN_DOMCTL_ioport_permission:
        *rc = arch_ioport_permission_domctl(d, op);
        return true;
    default:
        return false;
    }
}
