/* HYPERVISOR_domctl: the privileged control interface (include/xen/domctl.h). */
#include <xen/xen.h>
#include <xen/domctl.h>
#include <xen/errno.h>
#include <hv/domain.h>
#include <hv/guest_access.h>
#include <hv/hypercall.h>
#include <hv/pv_mmu.h>
#include <hv/shadow.h>
#include <hv/sched.h>

static long paging_mode(struct domain *d, struct xenolith_domctl_paging_mode *p)
{
    switch (p->mode) {
    case XENOLITH_PAGING_DIRECT:
        shadow_disable(d);
        return 0;
    case XENOLITH_PAGING_SHADOW:
        return shadow_enable(d);
    default:
        return -XEN_EINVAL;
    }
}

static long log_dirty(struct domain *d, struct xenolith_domctl_log_dirty *l)
{
    uint64_t *bits;
    uint64_t bytes;

    switch (l->op) {
    case XENOLITH_LOG_DIRTY_ENABLE:
        return shadow_log_dirty_enable(d);
    case XENOLITH_LOG_DIRTY_DISABLE:
        shadow_log_dirty_disable(d);
        return 0;
    case XENOLITH_LOG_DIRTY_CLEAN:
    case XENOLITH_LOG_DIRTY_PEEK:
        if (!d->arch.shadow.log_dirty)
            return -XEN_EINVAL;
        if (l->nr_pages == 0 || l->nr_pages > d->arch.shadow.nr_dirty_bits)
            return -XEN_EINVAL;
        bytes = (l->nr_pages + 63) / 64 * 8;
        if (!guest_range_ok(l->bitmap, bytes))
            return -XEN_EFAULT;
        bits = xzalloc_bytes(bytes);
        if (!bits)
            return -XEN_ENOMEM;
        /* Read (and clean) first: our own copy-out below then counts in the new round. */
        l->dirty = shadow_log_dirty_read(d, bits, l->nr_pages, l->op == XENOLITH_LOG_DIRTY_CLEAN);
        long rc = copy_to_guest(l->bitmap, bits, bytes) ? -XEN_EFAULT : 0;
        xfree_bytes(bits, bytes);
        return rc;
    default:
        return -XEN_EINVAL;
    }
}

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
    case XENOLITH_DOMCTL_paging_mode:
        rc = paging_mode(d, &op->u.paging_mode);
        break;
    case XENOLITH_DOMCTL_log_dirty:
        rc = log_dirty(d, &op->u.log_dirty);
        break;
    case XENOLITH_DOMCTL_mmu_audit: {
        int n = pv_mmu_audit(d);
        if (n < 0)
            return n;
        op->u.mmu_audit.mismatches = (uint32_t)n;
        rc = 0;
        break;
    }
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
        return -XEN_ENOSYS;
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

/*
 * HYPERVISOR_arch_1: Xen's continuation of a long XEN_DOMCTL_shadow_op. Only
 * that sub-operation with the current version may come here (-EOPNOTSUPP);
 * then the target (-ESRCH) and the privilege (-EPERM) are checked as Xen
 * does. Xenolith's domctl never starts a shadow_op, so there is nothing to
 * continue: -EOPNOTSUPP.
 */
long do_paging_domctl_cont(uint64_t arg, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5)
{
    struct xen_domctl op;

    if (copy_from_guest(&op, arg, sizeof(op)))
        return -XEN_EFAULT;
    if (op.interface_version != XEN_DOMCTL_INTERFACE_VERSION || op.cmd != XEN_DOMCTL_shadow_op)
        return -XEN_EOPNOTSUPP;
    if (!domain_lookup(op.domain))
        return -XEN_ESRCH;
    if (!domain_is_privileged(current->domain))
        return -XEN_EPERM;
    return -XEN_EOPNOTSUPP;
}
