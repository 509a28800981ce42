/*
 * The hardware domain's platform interfaces: platform_op (7) and mca (48).
 * Both answer Xen 4.17's checks in Xen's order. Of platform_op Xenolith serves
 * core_parking only (docs/differences-from-xen.md); the other cmds answer
 * -ENOSYS (Xen's "unknown" answer). mca collects no machine-check telemetry:
 * fetch reports no data, as Xen does on a machine without errors; the other
 * known cmds answer -EOPNOTSUPP, unknown ones -EINVAL as Xen's.
 */
#include <xen/xen.h>
#include <xen/errno.h>
#include <xen/platform.h>
#include <xen/arch-x86/xen-mca.h>
#include <hv/cpu.h>
#include <hv/domain.h>
#include <hv/guest_access.h>
#include <hv/hypercall.h>

/*
 * Xenolith runs on one CPU, so there is nothing to park. Xen does SET on CPU 0
 * in a context of its own while the caller's vCPU steps off the CPU, so the
 * caller comes back through a full reload of its segment state (and its
 * failsafe callback if a selector no longer loads): do the same.
 */
static long core_parking(uint64_t arg, struct xen_platform_op *op)
{
    switch (op->u.core_parking.type) {
    case XEN_CORE_PARKING_SET:
        segments_reload(current, guest_regs());
        return 0;
    case XEN_CORE_PARKING_GET:
        op->u.core_parking.idle_nums = 0;
        return copy_to_guest(arg + offsetof(struct xen_platform_op, u.core_parking),
                             &op->u.core_parking, sizeof(op->u.core_parking)) ? -XEN_EFAULT : 0;
    default:
        return -XEN_EINVAL;
    }
}

long do_platform_op(uint64_t arg, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5)
{
    struct xen_platform_op op;
    long rc = hypercall_envelope(arg, &op, sizeof(op), XENPF_INTERFACE_VERSION);

    if (rc)
        return rc;
    if (!current->domain->privileged)
        return -XEN_EPERM;
    switch (op.cmd) {
    case XENPF_core_parking:
        return core_parking(arg, &op);
    default:
        return -XEN_ENOSYS;
    }
}

/* Privilege first (the hypercall table), then the envelope: Xen's order for mca. */
long do_mca(uint64_t arg, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5)
{
    struct xen_mc op;
    long rc = hypercall_envelope(arg, &op, sizeof(op), XEN_MCA_INTERFACE_VERSION);

    if (rc)
        return rc;
    switch (op.cmd) {
    case XEN_MC_fetch: {
        struct xen_mc_fetch *f = &op.u.mc_fetch;
        uint32_t queue = f->flags & (XEN_MC_NONURGENT | XEN_MC_URGENT);

        if (queue != XEN_MC_NONURGENT && queue != XEN_MC_URGENT)
            return -XEN_EINVAL;
        if (f->flags & XEN_MC_ACK)
            return 0;                           /* nothing was handed out */
        if (!f->data)
            return -XEN_EINVAL;
        f->flags = XEN_MC_OK | XEN_MC_NODATA;
        f->fetch_id = 0;
        return copy_to_guest(arg, &op, sizeof(op)) ? -XEN_EFAULT : 0;
    }
    case XEN_MC_notifydomain:
        return -XEN_EINVAL;                     /* unsupported in Xen too */
    case XEN_MC_physcpuinfo:
    case XEN_MC_msrinject:
    case XEN_MC_mceinject:
    case XEN_MC_inject_v2:
        return -XEN_EOPNOTSUPP;
    default:
        return -XEN_EINVAL;
    }
}
