/* HYPERVISOR_domctl: the privileged control interface (include/xen/domctl.h). */
#include <xen/xen.h>
#include <xen/domctl.h>
#include <xen/errno.h>
#include <hv/domain.h>
#include <hv/guest_access.h>
#include <hv/hypercall.h>
#include <hv/sched.h>

/*
 * The target of a domctl, looked up as Xen 4.17 does: by its real id
 * (DOMID_SELF names no domain there, -ESRCH). Xenolith's own sub-operations
 * (0x8000 and up, which Xen does not have) still accept DOMID_SELF. A
 * reference is held for the whole operation (domain_put in do_domctl).
 */
static struct domain *domctl_target(const struct xen_domctl *op)
{
    if (op->domain == DOMID_SELF && op->cmd >= 0x8000)
        return domain_get(current->domain->id);
    return domain_get(op->domain);
}

/* One operation on the target d (referenced by the caller); op is written back on success. */
static long domctl_on(struct domain *d, struct xen_domctl *op, uint64_t arg)
{
    long rc;

    switch (op->cmd) {
    case XENOLITH_DOMCTL_pause:
    case XENOLITH_DOMCTL_unpause:
        if (d == current->domain)
            return -XEN_EINVAL;                 /* a domain does not pause itself */
        /* The control interface holds at most one pause: pausing twice needs one unpause. */
        rc = 0;
        if (op->cmd == XENOLITH_DOMCTL_pause && !d->ctrl_paused)
            rc = domain_pause(d);
        else if (op->cmd == XENOLITH_DOMCTL_unpause && d->ctrl_paused)
            rc = domain_unpause(d);
        if (rc == 0)
            d->ctrl_paused = op->cmd == XENOLITH_DOMCTL_pause;
        break;
    default:
        rc = arch_do_domctl(d, op);             /* the x86-only operations, or -ENOSYS */
        break;
    }
    if (rc == 0 && copy_to_guest(arg, op, sizeof(*op)))
        return -XEN_EFAULT;
    return rc;
}

long do_domctl(uint64_t arg, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5)
{
    struct xen_domctl op;
    struct domain *d;
    long rc;

    /* Xen's order: envelope, version, target, then privilege (its XSM hook). */
    rc = hypercall_envelope(arg, &op, sizeof(op), XEN_DOMCTL_INTERFACE_VERSION);
    if (rc)
        return rc;
    d = domctl_target(&op);
    if (!d && op.cmd != XEN_DOMCTL_createdomain && op.cmd != XEN_DOMCTL_getdomaininfo)
        return -XEN_ESRCH;
    if (!domain_is_privileged(current->domain))
        rc = -XEN_EPERM;
    else if (!d)
        rc = -XEN_ENOSYS;                       /* neither is served yet (issue 10) */
    else
        rc = domctl_on(d, &op, arg);
    if (d)
        domain_put(d);
    return rc;
}
